/* test_history.c - messages beyond the in-memory store, read back from a
 * real journal file: newest first, N past what exists, --before, --since,
 * ack of old seqs, the true unacknowledged count, chat deletes and edits,
 * damage in the middle of the file skipped like replay skips it, and the
 * TIME syntax of --since. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "history.h"
#include "journal.h"
#include "log.h"
#include "store.h"

static char dir[200];
static struct ga_conf conf;
static struct ga_journal j;
static struct ga_store store;
static struct ga_history h;

/* count while events are applied, as the LCD's "1/m" does */
static bool count_in_apply;

static void on_event(void *arg, const struct ga_msg *m, bool replay)
{
	unsigned long n;

	(void)arg;
	(void)replay;
	(void)ga_store_add(&store, m, m->edit);
	ga_history_note_event(&h, m);
	if (count_in_apply) {
		assert_int_equal(ga_history_unacked(&h, &n), 0);
	}
}

static void on_ack(void *arg, uint32_t seq, bool all, bool replay)
{
	(void)arg;
	(void)replay;
	ga_history_note_ack(&h);
	if (all) {
		for (unsigned int i = 0; ga_store_nth(&store, i); i++) {
			if (ga_store_nth(&store, i)->seq <= seq) {
				(void)ga_store_ack(&store, ga_store_nth(&store, i)->seq);
			}
		}
	} else {
		(void)ga_store_ack(&store, seq);
	}
}

static const struct ga_journal_apply apply = {
	.event = on_event, .ack = on_ack,
};

static void open_all(void)
{
	ga_store_init(&store);
	ga_history_init(&h);
	ga_journal_init(&j);
	assert_int_equal(ga_history_setup(&h, &j, &store), 0);
	assert_int_equal(ga_journal_open(&j, &conf, &apply), 0);
}

static void close_all(void)
{
	ga_journal_close(&j);
	ga_history_close(&h);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/ga-history-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	ga_conf_defaults(&conf);
	snprintf(conf.journal.path, sizeof(conf.journal.path), "%s/journal", dir);
	ga_log_setup(GA_LOG_NONE, LOG_DEBUG);
	open_all();
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	close_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Event @i: an SMS received at 1700000000 + i, text "t<i>". */
static void add(unsigned int i, uint8_t cls, const char *msgid, bool edit)
{
	struct ga_msg m;

	memset(&m, 0, sizeof(m));
	m.cls = cls;
	m.edit = edit;
	m.time = 1700000000 + i;
	snprintf(m.id, sizeof(m.id), "id-%u", i);
	snprintf(m.source, sizeof(m.source), "/acs");
	snprintf(m.from, sizeof(m.from), "+1555");
	snprintf(m.msgid, sizeof(m.msgid), "%s", msgid);
	snprintf(m.text, sizeof(m.text), "t%u", i);
	m.key = ga_event_key(ga_span_str(m.id), ga_span_str(m.source));
	assert_int_equal(ga_journal_append(&j, &m), 0);
	assert_int_equal(ga_journal_sync(&j), 0);
}

static void add_sms(unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i <= to; i++) {
		add(i, GA_CLASS_SMS, "", false);
	}
}

struct got {
	unsigned int n;
	uint32_t seq[GA_HISTORY_MAX];
	bool acked[GA_HISTORY_MAX];
	char text[8][16];
};
static struct got got;

static int collect(void *arg, const struct ga_msg *m)
{
	(void)arg;
	if (got.n < 8) {
		snprintf(got.text[got.n], sizeof(got.text[0]), "%.15s", m->text);
	}
	got.acked[got.n] = m->acked;
	got.seq[got.n++] = m->seq;
	return 0;
}

static unsigned long list(unsigned int n, uint32_t before, int64_t since)
{
	struct ga_history_query q = { .n = n, .before = before, .since = since };
	unsigned long total;

	memset(&got, 0, sizeof(got));
	assert_int_equal(ga_history_list(&h, &q, collect, NULL, &total), 0);
	return total;
}

static void test_newest_first_past_the_store(void **state)
{
	(void)state;
	add_sms(1, 100); /* seq = i */
	assert_int_equal(store.count, GA_STORE_MAX);
	list(50, 0, 0);
	assert_int_equal(got.n, 50);
	for (unsigned int i = 0; i < 50; i++) {
		assert_int_equal(got.seq[i], 100 - i);
	}
	assert_string_equal(got.text[0], "t100");
	/* N past what exists shows what exists */
	assert_int_equal(list(4096, 0, 0), 100);
	assert_int_equal(got.n, 100);
	assert_int_equal(got.seq[99], 1);
	/* --before pages back */
	list(3, 60, 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.seq[0], 59);
	assert_int_equal(got.seq[2], 57);
	/* --since: received at or after */
	assert_int_equal(list(4096, 0, 1700000000 + 91), 10);
	assert_int_equal(got.seq[9], 91);
	/* bounds */
	{
		struct ga_history_query q = { .n = GA_HISTORY_MAX + 1 };
		unsigned long total;

		assert_int_equal(ga_history_list(&h, &q, collect, NULL, &total),
				 -EINVAL);
	}
}

static void test_ack_old_and_true_count(void **state)
{
	unsigned long n;
	bool acked;

	(void)state;
	add_sms(1, 100);
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 100); /* not the store's 32 */
	assert_int_equal(ga_history_find(&h, 10, &acked), 0);
	assert_false(acked);
	assert_int_equal(ga_journal_ack(&j, 10, false), 0);
	assert_int_equal(ga_journal_sync(&j), 0);
	assert_int_equal(ga_history_find(&h, 10, &acked), 0);
	assert_true(acked);
	assert_int_equal(ga_history_find(&h, 9999, &acked), -ENOENT);
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 99);
	list(1, 11, 0);
	assert_int_equal(got.seq[0], 10);
	assert_true(got.acked[0]);
	/* events after a count keep it up to date without a rescan */
	add_sms(101, 105);
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 104);
	/* the count and the list survive a restart */
	close_all();
	open_all();
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 104);
	assert_int_equal(list(4096, 0, 0), 105);
	assert_int_equal(ga_journal_ack(&j, j.next_seq - 1, true), 0);
	assert_int_equal(ga_journal_sync(&j), 0);
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 0);
}

/* A count taken while a synced batch is applied (its first event shown
 * on the LCD) reads the whole batch from the file; the batch's later
 * events must not be counted again. */
static void test_count_during_a_batch(void **state)
{
	struct ga_msg m;
	unsigned long n;

	(void)state;
	count_in_apply = true;
	for (unsigned int b = 0; b < 3; b++) {
		for (unsigned int i = 0; i < 20; i++) {
			memset(&m, 0, sizeof(m));
			m.cls = GA_CLASS_SMS;
			snprintf(m.id, sizeof(m.id), "b%u-%u", b, i);
			m.key = ga_event_key(ga_span_str(m.id), GA_SPAN_LIT("/acs"));
			assert_int_equal(ga_journal_append(&j, &m), 0);
		}
		assert_int_equal(ga_journal_sync(&j), 0);
		assert_int_equal(ga_history_unacked(&h, &n), 0);
		assert_int_equal(n, 20 * (b + 1) - (b == 2));
		if (b == 1) { /* an ack in between: counted afresh */
			assert_int_equal(ga_journal_ack(&j, 5, false), 0);
			assert_int_equal(ga_journal_sync(&j), 0);
			assert_int_equal(ga_history_unacked(&h, &n), 0);
			assert_int_equal(n, 39);
			assert_int_equal(ga_journal_ack(&j, 5, false), 0);
		}
	}
	count_in_apply = false;
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 59);
}

static void test_chat_edits_and_deletes(void **state)
{
	unsigned long n;

	(void)state;
	add_sms(1, 3);
	add(4, GA_CLASS_CHAT, "c1", false);
	add(5, GA_CLASS_CHAT, "c1", true);       /* an edit: not a message */
	add(6, GA_CLASS_CHAT, "c2", false);
	add(7, GA_CLASS_CHAT_DELETED, "c2", false); /* c2 is gone */
	add(8, GA_CLASS_SMS_DELIVERED, "", false);  /* not a message */
	list(10, 0, 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.seq[0], 4);
	assert_string_equal(got.text[0], "t5"); /* the edited text */
	assert_int_equal(got.seq[1], 3);
	/* out of the store, the journal's record is what is left: the chat
	 * as first received, and a deleted one too (a delete names a chat
	 * message id, not a seq: documented in gridalertctl(1)); edits and
	 * delivery reports are still not messages */
	add_sms(9, 60);
	assert_int_equal(list(4096, 0, 0), 3 + 2 + 52);
	assert_int_equal(got.seq[52], 6);
	assert_int_equal(got.seq[53], 4);
	assert_int_equal(ga_history_unacked(&h, &n), 0);
	assert_int_equal(n, 3 + 2 + 52);
}

static void test_damage_is_skipped(void **state)
{
	unsigned int hit = 0;
	uint64_t end;
	int fd;

	(void)state;
	add_sms(1, 100);
	end = j.synced_off; /* records end here; zeros follow */
	close_all();
	/* overwrite 40 bytes in the middle of the records */
	fd = open(conf.journal.path, O_RDWR);
	assert_true(fd >= 0);
	{
		char junk[40];

		memset(junk, 0x5a, sizeof(junk));
		assert_int_equal(pwrite(fd, junk, sizeof(junk), (off_t)end / 2),
				 (ssize_t)sizeof(junk));
	}
	close(fd);
	open_all();
	list(4096, 0, 0);
	/* one or two records lost to the damage, the others once each */
	assert_true(got.n >= 98 && got.n < 100);
	for (unsigned int i = 0; i < got.n; i++) {
		if (i && got.seq[i] != got.seq[i - 1] - 1) {
			hit++;
		}
	}
	assert_int_equal(hit, 1); /* one gap, in order around it */
	assert_int_equal(got.seq[0], 100);
	assert_int_equal(got.seq[got.n - 1], 1);
}

static void test_parse_time(void **state)
{
	int64_t t;
	struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 3,
			 .tm_hour = 7, .tm_isdst = -1 };

	(void)state;
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2h"), 100000, &t), 0);
	assert_int_equal(t, 100000 - 7200);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("3d"), 1000000, &t), 0);
	assert_int_equal(t, 1000000 - 3 * 86400);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("30m"), 5000, &t), 0);
	assert_int_equal(t, 5000 - 1800);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("1w"), 1000000, &t), 0);
	assert_int_equal(t, 1000000 - 604800);
	/* 2026-12-03T07:00:00Z is 1796281200 (date -ud @1796281200) */
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03T07:00:00Z"),
					       0, &t), 0);
	assert_int_equal(t, 1796281200);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03T07:00Z"),
					       0, &t), 0);
	assert_int_equal(t, 1796281200);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03T08:00+01:00"),
					       0, &t), 0);
	assert_int_equal(t, 1796281200);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03T02:30-0430"),
					       0, &t), 0);
	assert_int_equal(t, 1796281200);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("1970-01-02Z"), 0, &t), 0);
	assert_int_equal(t, 86400);
	/* no zone: local time */
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03T07:00"),
					       0, &t), 0);
	assert_int_equal(t, (int64_t)mktime(&tm));
	static const char *const bad[] = {
		"", "h", "2h30", "yesterday", "2026-13-01", "2026-12-3",
		"2026-12-03T25:00", "2026-12-03T07", "2026-12-03T07:00+1",
		"2026-12-03T07:00:00ZZ", "-2h",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ga_history_parse_time(ga_span_str(bad[i]), 0, &t),
				 -EINVAL);
	}
	/* a NUL where the unit goes (found by fuzz_ctl), 11 digits */
	assert_int_equal(ga_history_parse_time(ga_span_make("8888\0", 5), 0, &t),
			 -EINVAL);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("12345678901h"), 0, &t),
			 -EINVAL);
	assert_int_equal(ga_history_parse_time(GA_SPAN_LIT("2026-12-03Z"), 0, &t), 0);
	assert_int_equal(t, 1796281200 - 7 * 3600);
}

static void test_parse_query(void **state)
{
	struct ga_history_query q;
	const char *why = NULL;

	(void)state;
	assert_int_equal(ga_history_parse_query(GA_SPAN_NULL, 0, &q, &why), 0);
	assert_int_equal(q.n, GA_STORE_MAX); /* as before: the newest 32 */
	assert_int_equal(ga_history_parse_query(GA_SPAN_LIT("300"), 0, &q, &why), 0);
	assert_int_equal(q.n, 300);
	assert_int_equal(ga_history_parse_query(GA_SPAN_LIT("--since 2h"), 10000,
						&q, &why), 0);
	assert_int_equal(q.n, GA_HISTORY_MAX);
	assert_int_equal(q.since, 10000 - 7200);
	assert_int_equal(ga_history_parse_query(
		GA_SPAN_LIT("--before 77 5 --since 2026-12-03Z"), 0, &q, &why), 0);
	assert_int_equal(q.n, 5);
	assert_int_equal(q.before, 77);
	assert_true(q.since > 0);
	static const char *const bad[] = {
		"0", "4097", "5 6", "--since", "--since soon", "--before",
		"--before 0", "--before x", "all", "-1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(ga_history_parse_query(ga_span_str(bad[i]), 0,
							&q, &why), -EINVAL);
		assert_non_null(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_newest_first_past_the_store,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_old_and_true_count,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_during_a_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_chat_edits_and_deletes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_is_skipped, setup,
						teardown),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

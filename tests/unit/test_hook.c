/* test_hook.c - [hook.NAME]: argv splitting (spaces, "quotes", escapes,
 * limits), `gridalertd -t` errors as file:line (unknown hook name, bad
 * command, user after a privilege drop, the limit of hooks), and the
 * journal's HOOK watermark: replayed after a reopen, kept by compaction
 * together with the events above it; and real children spawned with no
 * posix_spawn_file_actions_*() call per event (glibc allocates in them;
 * the calls are counted by link-time wrapping, tests/hook.mk). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_errs.h"
#include "config.h"
#include "hook.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "rules.h"

/* posix_spawn_file_actions_*() calls made by our objects */
static unsigned long fa_calls;

int __real_posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int __real_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
					    int fd, int newfd);
int __real_posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa,
					    int fd, const char *path, int oflag,
					    mode_t mode);
int __wrap_posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int __wrap_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
					    int fd, int newfd);
int __wrap_posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa,
					    int fd, const char *path, int oflag,
					    mode_t mode);

int __wrap_posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	fa_calls++;
	return __real_posix_spawn_file_actions_init(fa);
}

int __wrap_posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
					    int fd, int newfd)
{
	fa_calls++;
	return __real_posix_spawn_file_actions_adddup2(fa, fd, newfd);
}

int __wrap_posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa,
					    int fd, const char *path, int oflag,
					    mode_t mode)
{
	fa_calls++;
	return __real_posix_spawn_file_actions_addopen(fa, fd, path, oflag, mode);
}

struct argv_row {
	const char *cmd;
	int want;               /* argc or -errno */
	const char *args[6];
};

static const struct argv_row argv_rows[] = {
	{ "/bin/true", 1, { "/bin/true" } },
	{ "  /usr/bin/notify  a   b ", 3, { "/usr/bin/notify", "a", "b" } },
	{ "/x\targ", 2, { "/x", "arg" } },
	{ "/x \"two words\" c", 3, { "/x", "two words", "c" } },
	{ "/x pre\"mid dle\"post", 2, { "/x", "premid dlepost" } },
	{ "/x \"\"", 2, { "/x", "" } },
	{ "/x \"a \\\" b\" \"c\\\\\"", 3, { "/x", "a \" b", "c\\" } },
	{ "/x a\\b", 2, { "/x", "a\\b" } }, /* outside quotes: literal */
	{ "", -ENOENT, { NULL } },
	{ "   ", -ENOENT, { NULL } },
	{ "/x \"open", -EINVAL, { NULL } },
	{ "/x 1 2 3 4 5 6 7 8 9 10 11 12 13 14", 15, { "/x", "1" } },
	{ "/x 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", -E2BIG, { NULL } },
};

static void test_argv(void **state)
{
	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(argv_rows); i++) {
		const struct argv_row *r = &argv_rows[i];
		char buf[GA_CONF_HOOK_CMD_MAX];
		char *argv[GA_HOOK_ARGV_MAX + 1];
		int n = ga_hook_argv(r->cmd, buf, argv);

		if (n != r->want) {
			fail_msg("[%s]: got %d, want %d", r->cmd, n, r->want);
		}
		for (int k = 0; n > 0 && k < 6 && r->args[k]; k++) {
			if (strcmp(argv[k], r->args[k]) != 0) {
				fail_msg("[%s] arg %d: got [%s] want [%s]", r->cmd,
					 k, argv[k], r->args[k]);
			}
		}
		if (n > 0) {
			assert_null(argv[n]);
		}
	}
}

static void expect_errors(const char *text, const char *const *want,
			  size_t nwant)
{
	expect_conf_errors("h.conf", text, strlen(text), want, nwant);
}

#define HEAD "[server]\nlisten = 127.0.0.1:8443\n[webhook]\nsecret = s\n" /* 1-4 */

static void test_config_errors(void **state)
{
	static const char bad[] = HEAD
		"[hook.a]\n"                       /* 5 */
		"command = notify me\n"            /* 6 */
		"timeout = 2h\n"                   /* 7 */
		"max_running = 5\n"                /* 8 */
		"retry = 11\n"                     /* 9 */
		"comand = /x\n"                    /* 10 */
		"[hook.b]\n"                       /* 11 */
		"command = /x \"open\n"            /* 12 */
		"[hook.a]\n"                       /* 13 */
		"[hook.c]\n"                       /* 14: no command */
		"[rule.r]\n"                       /* 15 */
		"hook = nope\n";                   /* 16 */
	static const char *const want[] = {
		"h.conf:7: hook.a.timeout: '2h' is not a duration up to 3600s "
		"(600, 90s, 10m, 1h)",
		"h.conf:8: hook.a.max_running: 5 is out of bounds (1..4)",
		"h.conf:9: hook.a.retry: 11 is out of bounds (0..10)",
		"h.conf:10: unknown key 'comand' in [hook.a] (did you mean 'command'?)",
		"h.conf:13: duplicate section [hook.a]",
		"h.conf:6: hook.a: command must start with an absolute path (no "
		"shell, no PATH search)",
		"h.conf:12: hook.b: command has an unclosed \"",
		"h.conf:14: hook.c: command is empty",
		"h.conf:16: rule.r: hook = nope, but there is no [hook.nope]",
	};
	static const char user[] = HEAD
		"[system]\nuser = gridalert\n"     /* 5-6 */
		"[hook.a]\ncommand = /x\nuser = root\n" /* 7-9 */
		"[hook.b]\ncommand = /x\nuser = gridalert\n"; /* 10-12: fine */
	static const char *const want_user[] = {
		"h.conf:9: hook.a: user = root needs root, but [system] user = "
		"gridalert drops it (leave user empty or set it to gridalert)",
	};
	static const char good[] = HEAD
		"[rule.r]\nhook = n\n"
		"[hook.n]   # the issue's example\n"
		"command = /usr/libexec/gridalert/notify arg1   # argv, no shell\n"
		"timeout = 10s\nmax_running = 1\nretry = 3\nuser = nobody\n";
	char many[2048];
	size_t o = (size_t)snprintf(many, sizeof(many), "%s", HEAD);
	static const char *const want_many[] = {
		"h.conf:21: [hook.h8]: more than 8 hooks",
	};

	(void)state;
	expect_errors(bad, want, GA_ARRAY_SIZE(want));
	expect_errors(user, want_user, GA_ARRAY_SIZE(want_user));
	expect_errors(good, NULL, 0);
	for (int i = 0; i <= GA_CONF_HOOKS_MAX; i++) {
		o += (size_t)snprintf(many + o, sizeof(many) - o,
				      "[hook.h%d]\ncommand = /x\n", i);
	}
	expect_errors(many, want_many, GA_ARRAY_SIZE(want_many));
}

static void test_config_values(void **state)
{
	static const char text[] = HEAD
		"[hook.n]\ncommand = /bin/echo \"a b\"\ntimeout = 2m\n"
		"max_running = 2\nretry = 0\n"
		"[hook.d]\ncommand = /bin/true\n";
	static struct ga_conf c;
	unsigned int nerr = 0;

	(void)state;
	assert_int_equal(ga_conf_parse(&c, "v.conf", text, sizeof(text) - 1,
				       NULL, NULL, &nerr), 0);
	assert_int_equal(c.nhooks, 2);
	assert_string_equal(c.hook[0].name, "n");
	assert_string_equal(c.hook[0].command, "/bin/echo \"a b\"");
	assert_int_equal(c.hook[0].timeout_s, 120);
	assert_int_equal(c.hook[0].max_running, 2);
	assert_int_equal(c.hook[0].retry, 0);
	/* the defaults */
	assert_int_equal(c.hook[1].timeout_s, 10);
	assert_int_equal(c.hook[1].max_running, 1);
	assert_int_equal(c.hook[1].retry, 3);
}

static unsigned int applied;
static void count_event(void *arg, const struct ga_msg *m, bool replay)
{
	(void)arg;
	(void)m;
	(void)replay;
	applied++;
}

/* HOOK records: replayed after a reopen; a compaction keeps every event
 * above the lowest live watermark (acknowledged or not) and the
 * watermarks themselves; cursors start again on the new file. */
static void test_journal_watermark(void **state)
{
	static struct ga_conf c;
	static struct ga_msg m;
	struct ga_journal j;
	struct ga_journal_apply ap = { .event = count_event };
	struct ga_journal_hook *h;
	struct ga_journal_cursor cur = { 0 };
	char dir[200];
	unsigned int nerr = 0;
	uint32_t seqs[4] = { 0 };
	int n;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/ga-hook-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	{
		char text[512];
		int len = snprintf(text, sizeof(text), HEAD "[journal]\npath = %s/j\n"
				   "max_bytes = 98304\n", dir);

		assert_int_equal(ga_conf_parse(&c, "j.conf", text, (size_t)len,
					       NULL, NULL, &nerr), 0);
	}
	ga_journal_init(&j);
	assert_int_equal(ga_journal_open(&j, &c, &ap), 0);
	h = ga_journal_hook(&j, "n");
	assert_non_null(h);
	h->live = true;
	assert_int_equal(ga_journal_hook_done(&j, h, 0), 0);
	for (int i = 0; i < 130; i++) {
		memset(&m, 0, sizeof(m));
		m.cls = GA_CLASS_IGNORED; /* compaction drops these unless a hook needs them */
		m.key = (uint64_t)i + 1;
		snprintf(m.text, sizeof(m.text), "event %d %0900d", i, 0);
		assert_int_equal(ga_journal_append(&j, &m), 0);
		if (i < 2) {
			seqs[i] = m.seq;
		} else if (i == 90) {
			seqs[2] = m.seq;
			/* the hook is done up to here */
			assert_int_equal(ga_journal_hook_done(&j, h, m.seq), 0);
		} else if (i == 91) {
			seqs[3] = m.seq;
		}
		assert_int_equal(ga_journal_sync(&j), 0);
		if (i == 1) {
			/* the cursor finds the events in order */
			assert_int_equal(ga_journal_next(&j, &cur, 0, &m, 1000), 1);
			assert_int_equal(m.seq, seqs[0]);
			n = ga_journal_next(&j, &cur, m.seq, &m, 1);
			assert_true(n == 1 || n == -EAGAIN); /* a budget of one record */
		}
	}
	/* 130 x ~960 bytes > 96 KiB: compacted; the events the hook is done
	 * with are gone, the ones above its watermark are kept */
	assert_true(j.stats.compactions > 0);
	assert_false(j.full);
	ga_journal_close(&j);

	ga_journal_init(&j);
	assert_int_equal(ga_journal_open(&j, &c, &ap), 0);
	h = ga_journal_hook(&j, "n");
	assert_true(h->known);
	assert_int_equal(h->done, seqs[2]);
	h->live = true;
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(ga_journal_next(&j, &cur, 0, &m, 100000), 1);
	assert_int_equal(m.seq, seqs[3]);
	ga_journal_close(&j);
	{
		char p[240];

		snprintf(p, sizeof(p), "%s/j", dir);
		unlink(p);
		rmdir(dir);
	}
}

static unsigned int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(d);
	while (readdir(d)) {
		n++;
	}
	closedir(d);
	return n;
}

static struct ga_hooks *spawn_hs;

static void spawn_event(void *arg, const struct ga_msg *m, bool replay)
{
	(void)arg;
	if (!replay && spawn_hs) {
		ga_hook_note(spawn_hs, m); /* as the daemon's apply does */
	}
}

/* Real children through the loop: 20 events run (a script that checks
 * its stdin, stdout and stderr), with no file-action call after setup, no
 * descriptor left behind, and the reserved descriptors back on /dev/null
 * between runs. */
static void test_spawn_no_file_actions(void **state)
{
	static struct ga_conf c;
	static struct ga_msg m;
	static struct ga_hooks hs;
	static struct ga_loop loop;
	struct ga_journal j;
	struct ga_journal_apply ap = { .event = spawn_event };
	char dir[200], text[1024], path[240], out[240];
	unsigned long after_setup;
	unsigned int fds_before;
	struct stat st;
	FILE *f;
	int len, lines = 0;

	(void)state;
	ga_log_setup(GA_LOG_NONE, 0);
	snprintf(dir, sizeof(dir), "%s/ga-spawn-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.sh", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* stdin is the JSON, stdout /dev/null, stderr a pipe */
	fprintf(f, "#!/bin/sh\nread -r line\n"
		"case \"$line\" in '{\"seq\":'*) ;; *) exit 2 ;; esac\n"
		"[ \"$(readlink /proc/$$/fd/1)\" = /dev/null ] || exit 3\n"
		"[ -p /proc/$$/fd/2 ] || exit 4\n"
		"echo \"$GA_SEQ $GA_ESCALATED\" >>%s\n", out);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	len = snprintf(text, sizeof(text), HEAD "[journal]\npath = %s/j\n"
		       "[alert.sms]\nhook = n\n[hook.n]\ncommand = %s\n"
		       "max_running = 2\n", dir, path);
	assert_int_equal(ga_conf_parse(&c, "s.conf", text, (size_t)len, NULL,
				       NULL, NULL), 0);
	ga_loop_init(&loop);
	assert_int_equal(ga_loop_setup(&loop, 64), 0);
	ga_journal_init(&j);
	assert_int_equal(ga_journal_open(&j, &c, &ap), 0);
	fds_before = open_fds();
	ga_hook_init(&hs);
	fa_calls = 0;
	assert_int_equal(ga_hook_setup(&hs, &loop, &j, &c, false), 0);
	/* built once per run slot: init + three dup2 */
	assert_int_equal(fa_calls, GA_CONF_HOOK_RUN_MAX * 4);
	after_setup = fa_calls;
	spawn_hs = &hs;
	for (int i = 0; i < 20; i++) {
		memset(&m, 0, sizeof(m));
		m.cls = GA_CLASS_SMS;
		m.key = (uint64_t)i + 1;
		snprintf(m.text, sizeof(m.text), "event %d", i);
		assert_int_equal(ga_journal_append(&j, &m), 0);
		assert_int_equal(ga_journal_sync(&j), 0);
	}
	for (int i = 0; i < 1000 && hs.slot[0].ok + hs.slot[0].failed < 20; i++) {
		assert_true(ga_loop_run_once(&loop, 10) >= 0);
	}
	assert_int_equal(hs.slot[0].failed, 0);
	assert_int_equal(hs.slot[0].ok, 20);
	assert_int_equal(fa_calls, after_setup); /* none per event */
	f = fopen(out, "r");
	assert_non_null(f);
	while (fgets(text, sizeof(text), f)) {
		assert_non_null(strstr(text, " 0\n"));
		lines++;
	}
	fclose(f);
	assert_int_equal(lines, 20);
	for (unsigned int k = 0; k < GA_CONF_HOOK_RUN_MAX; k++) {
		const struct ga_hook_run *r = &hs.slot[0].run[k];
		struct stat null_st;

		assert_int_equal(stat("/dev/null", &null_st), 0);
		assert_int_equal(fstat(r->fd_in, &st), 0);
		assert_true(st.st_rdev == null_st.st_rdev && S_ISCHR(st.st_mode));
		assert_int_equal(fstat(r->fd_err, &st), 0);
		assert_true(st.st_rdev == null_st.st_rdev && S_ISCHR(st.st_mode));
	}
	/* the null descriptor and two per run slot; nothing per event */
	assert_int_equal(open_fds(), fds_before + 1 + 2 * GA_CONF_HOOK_RUN_MAX);
	spawn_hs = NULL;
	ga_hook_free(&hs);
	assert_int_equal(open_fds(), fds_before);
	ga_journal_close(&j);
	ga_loop_free(&loop);
	unlink(path);
	unlink(out);
	snprintf(path, sizeof(path), "%s/j", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_journal_watermark),
		cmocka_unit_test(test_spawn_no_file_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

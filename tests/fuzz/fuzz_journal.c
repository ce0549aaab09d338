/* fuzz_journal.c - libFuzzer: replay of arbitrary journal bytes (after a
 * valid header, so the records are what is fuzzed). Open must succeed or
 * fail cleanly, reading the records back (the console history's walk)
 * must see only intact ones, and a following append + sync must work. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "journal.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *arg, const struct ga_msg *m, bool replay)
{
	(void)arg;
	(void)replay;
	if (strlen(m->text) > GA_MSG_TEXT_MAX) {
		__builtin_trap();
	}
}

static struct ga_journal *walked;

static int on_rec(void *arg, const struct ga_journal_rec *r)
{
	static struct ga_msg m;
	struct ga_journal_head h;

	(void)arg;
	if (r->len > GA_JOURNAL_REC_MAX) {
		__builtin_trap();
	}
	if (r->type == GA_JOURNAL_EVENT && ga_journal_event_head(r->p, r->len, &h) == 0 &&
	    ga_journal_read_event(walked, r->off, &m) == 0 &&
	    strlen(m.text) > GA_MSG_TEXT_MAX) {
		__builtin_trap();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char chunk[GA_JOURNAL_REC_MAX * 2];

	static char path[64];
	static struct ga_conf conf;
	static const unsigned char hdr[16] = {
		'G', 'R', 'I', 'D', 'A', 'L', 'R', 'T', 1, 0, 0, 0,
		0xc7, 0xdd, 0x9c, 0x31, /* CRC-32C of the 12 bytes before */
	};
	const struct ga_journal_apply apply = { .event = on_event };
	struct ga_journal j;
	struct ga_msg m;
	int fd;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/ga-fuzz-journal-%d", (int)getpid());
		ga_log_setup(GA_LOG_NONE, 0);
		ga_conf_defaults(&conf);
		conf.journal.dedupe = 64;
		setenv("GRIDALERT_BENCH_NO_FSYNC", "1", 1); /* speed */
	}
	snprintf(conf.journal.path, sizeof(conf.journal.path), "%s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    (size && write(fd, data, size) != (ssize_t)size)) {
		abort();
	}
	close(fd);
	ga_journal_init(&j);
	if (ga_journal_open(&j, &conf, &apply) == 0) {
		walked = &j;
		if (ga_journal_walk(&j, chunk, sizeof(chunk), on_rec, NULL)) {
			__builtin_trap();
		}
		memset(&m, 0, sizeof(m));
		m.cls = GA_CLASS_SMS;
		m.key = 42;
		if (ga_journal_append(&j, &m) || ga_journal_sync(&j)) {
			__builtin_trap();
		}
	}
	ga_journal_close(&j);
	return 0;
}

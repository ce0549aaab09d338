/* log.h - ga_log() at syslog priorities: stderr in the foreground, syslog as
 * a daemon, plus a fixed ring of recent lines for `gridalertctl log [N]` and
 * an optional capture sink for tests. Never blocks on more
 * than one write(2) to stderr.
 */
#ifndef GA_LOG_H
#define GA_LOG_H

#include <stddef.h>
#include <syslog.h>

#include "common.h"

/* One log line is cut at this many bytes (a line on an 80-column console
 * is shorter; 256 leaves room for a path and an errno string). */
#define GA_LOG_LINE_MAX 256
/* Lines kept for `gridalertctl log`: 64 * 256 B = 16 KiB reserved. */
#define GA_LOG_RING_LINES 64

enum ga_log_target {
	GA_LOG_STDERR,
	GA_LOG_SYSLOG,
	GA_LOG_NONE,
};

typedef void (*ga_log_sink)(void *arg, int prio, const char *line);

void ga_log_setup(enum ga_log_target target, int max_prio);
void ga_log_set_sink(ga_log_sink sink, void *arg);
void ga_log(int prio, const char *fmt, ...) GA_PRINTF(2, 3);

/* Copy the newest @n lines (oldest first) into @buf as "line\n" text;
 * returns bytes written (always NUL-terminated when size > 0). */
/* The terminal drawing of make run (drivers/lcd/sim.c term, the sim LEDs):
 * lines written to stderr so far (a change means the drawing scrolled),
 * and whether the cursor sits after a status line with no newline yet. */
unsigned long ga_log_tty_lines(void);
void ga_log_tty_partial(bool partial);
size_t ga_log_recent(unsigned int n, char *buf, size_t size);

#endif /* GA_LOG_H */

/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum ga_log_target ga_log_target_now = GA_LOG_STDERR;
static int ga_log_max_prio = LOG_INFO;
static ga_log_sink ga_log_sink_fn;
static void *ga_log_sink_arg;

/* prio name (<= 7) + ": " + line */
static char ga_log_ring[GA_LOG_RING_LINES][GA_LOG_LINE_MAX + 16];
static unsigned int ga_log_ring_head; /* next slot to write */
static unsigned int ga_log_ring_count;
/* make run draws the LCD and LEDs on the same terminal: it needs to know
 * when a log line scrolled its drawing away, and a half-written status
 * line must be ended before a log line goes after it */
static unsigned long ga_log_stderr_lines;
static bool ga_log_tty_partial_line;

static const char *const ga_log_prio_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

void ga_log_setup(enum ga_log_target target, int max_prio)
{
	if (ga_log_target_now == GA_LOG_SYSLOG && target != GA_LOG_SYSLOG) {
		closelog();
	}
	ga_log_target_now = target;
	ga_log_max_prio = max_prio;
	if (target == GA_LOG_SYSLOG) {
		openlog("gridalertd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

void ga_log_set_sink(ga_log_sink sink, void *arg)
{
	ga_log_sink_fn = sink;
	ga_log_sink_arg = arg;
}

void ga_log(int prio, const char *fmt, ...)
{
	char line[GA_LOG_LINE_MAX];
	char out[GA_LOG_LINE_MAX + 32];
	va_list ap;
	int n;

	if (prio > ga_log_max_prio) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	/* A log line is one line: fold anything a client may have smuggled
	 * in (CR, LF, other controls) so the log cannot be forged. */
	for (char *p = line; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*p = '?';
		}
	}

	snprintf(ga_log_ring[ga_log_ring_head], sizeof(ga_log_ring[0]), "%s: %s",
		 ga_log_prio_names[prio & 7], line);
	ga_log_ring_head = (ga_log_ring_head + 1) % GA_LOG_RING_LINES;
	if (ga_log_ring_count < GA_LOG_RING_LINES) {
		ga_log_ring_count++;
	}

	if (ga_log_sink_fn) {
		ga_log_sink_fn(ga_log_sink_arg, prio, line);
	}
	switch (ga_log_target_now) {
	case GA_LOG_STDERR:
		n = snprintf(out, sizeof(out), "gridalertd: %s: %s\n",
			     ga_log_prio_names[prio & 7], line);
		if (n > 0) {
			size_t len = (size_t)n < sizeof(out) ? (size_t)n
							    : sizeof(out) - 1;
			ssize_t w;

			if (ga_log_tty_partial_line) {
				w = write(STDERR_FILENO, "\n", 1);
				ga_log_tty_partial_line = false;
			}
			w = write(STDERR_FILENO, out, len);
			(void)w; /* nothing sensible to do if stderr is gone */
			ga_log_stderr_lines++;
		}
		break;
	case GA_LOG_SYSLOG:
		syslog(prio, "%s", line);
		break;
	case GA_LOG_NONE:
		break;
	}
}

size_t ga_log_recent(unsigned int n, char *buf, size_t size)
{
	size_t off = 0;
	unsigned int start;

	if (size == 0) {
		return 0;
	}
	buf[0] = '\0';
	if (n > ga_log_ring_count) {
		n = ga_log_ring_count;
	}
	start = (ga_log_ring_head + GA_LOG_RING_LINES - n) % GA_LOG_RING_LINES;
	for (unsigned int i = 0; i < n; i++) {
		const char *l = ga_log_ring[(start + i) % GA_LOG_RING_LINES];
		int w = snprintf(buf + off, size - off, "%s\n", l);

		if (w < 0 || (size_t)w >= size - off) {
			break;
		}
		off += (size_t)w;
	}
	return off;
}

unsigned long ga_log_tty_lines(void)
{
	return ga_log_stderr_lines;
}

void ga_log_tty_partial(bool partial)
{
	ga_log_tty_partial_line = partial;
}

/* alert.h - the rules of DESIGN §1/§3 [alert.<class>]: a durable event of
 * a class starts that class's output patterns and (with lcd = yes) shows
 * on the LCD; latched patterns run until the events behind them are
 * acknowledged. The display shows the newest unacknowledged message with
 * an n/m indicator, else an idle screen (time and counts). Decoupled from
 * the drivers: lines go out through a callback. */
#ifndef GA_ALERT_H
#define GA_ALERT_H

#include <stdbool.h>

#include "alarm.h"
#include "config.h"
#include "loop.h"
#include "store.h"

/* One LCD line of text before folding: a 40-column row, with room for
 * UTF-8 and a marquee of the message. */
#define GA_ALERT_LINE_MAX 512

struct ga_alert;

/* stops a non-latched or test pattern after a while */
struct ga_alert_stop {
	struct ga_timer t;
	struct ga_alert *al;
	enum ga_output o;
};

struct ga_alert {
	const struct ga_conf *conf;
	struct ga_loop *loop;
	const struct ga_store *store;
	struct ga_alarm *alarm;
	void (*show)(void *arg, const struct ga_span *lines, unsigned int n);
	void *arg;
	struct ga_timer clock; /* idle screen minute tick */
	/* New messages redraw the LCD once per loop iteration, not once per
	 * event: a 100-event batch drew 100 screens, ~9,500 instructions an
	 * event (callgrind, sim LCD), and on a real 100 kHz I2C bus a 16x2
	 * redraw is milliseconds. Armed for 0 ms; the loop runs due timers
	 * after the iteration's fds, before it sleeps. */
	struct ga_timer redraw;
	struct ga_alert_stop stop[GA_OUT__COUNT];
	char line[4][GA_ALERT_LINE_MAX];
	uint32_t shown_seq;
};

void ga_alert_setup(struct ga_alert *al, const struct ga_conf *conf,
		    struct ga_loop *loop, const struct ga_store *store,
		    struct ga_alarm *alarm,
		    void (*show)(void *arg, const struct ga_span *lines,
				 unsigned int n),
		    void *arg);
/* A durable event (after the journal's fsync). @replay: from the journal
 * at start: latched alarms resume, one-shot beeps do not repeat. Alarms
 * start now; the LCD is redrawn by the redraw timer (this iteration's
 * events together). */
void ga_alert_event(struct ga_alert *al, const struct ga_msg *m, bool replay);
/* After acknowledgements: stop what nothing unacknowledged wants. */
void ga_alert_refresh(struct ga_alert *al);
/* `test alarm NAME`: an output name runs fast for 3 s, a class name runs
 * that class's reaction once. 0 or -ENOENT. */
int ga_alert_test(struct ga_alert *al, struct ga_span name);
void ga_alert_close(struct ga_alert *al);

#endif /* GA_ALERT_H */

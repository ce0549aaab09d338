/* alert.h - the rules of [alert.<class>] (docs/events.md,
 * docs/configuration.md): a durable event of
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
#include "rules.h"
#include "store.h"

/* The header or the body before folding: a 40-column row with room for
 * UTF-8, and the message the display wraps and scrolls. */
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
	/* the header row and the body the display wraps below it */
	void (*show)(void *arg, struct ga_span head, struct ga_span body);
	void *arg;
	struct ga_timer clock; /* idle screen minute tick */
	/* New messages redraw the LCD once per loop iteration, not once per
	 * event: a 100-event batch drew 100 screens, ~9,500 instructions an
	 * event (callgrind, sim LCD), and on a real 100 kHz I2C bus a 16x2
	 * redraw is milliseconds. Armed for 0 ms; the loop runs due timers
	 * after the iteration's fds, before it sleeps. */
	struct ga_timer redraw;
	struct ga_alert_stop stop[GA_OUT__COUNT];
	char line[2][GA_ALERT_LINE_MAX]; /* header, body */
	uint32_t shown_seq;
	/* [rule.NAME] matched by each kept message, per store slot: the
	 * matcher runs once per event, not per redraw. Valid while
	 * rule_seq[slot] is the slot's seq and the config is rule_conf. */
	int8_t rule_of[GA_STORE_MAX];
	uint32_t rule_seq[GA_STORE_MAX];
	const struct ga_conf *rule_conf;
	/* events per rule since start (or since the rules last changed) */
	unsigned long rule_matches[GA_CONF_RULES_MAX];
	unsigned long default_matches;
	uint32_t admit_seq; /* the last message admitted and its rule: */
	int admit_rule;     /* ga_alert_event reuses it (one match per event) */
	struct ga_timer quiet; /* fires at the next [quiet] hours edge */
	bool quiet_on;
	struct ga_timer escalate; /* fires when the next alert escalates */
	int64_t esc_checked_s;    /* wall time escalations were last run */
	unsigned int escalated;   /* unacknowledged alerts escalated now */
	/* optional: an alert escalated and its actions name escalate_hook.
	 * Called once per message and start: esc_hook_seq[store slot] is
	 * the seq it was called for (so after a restart an overdue alert
	 * escalates, and calls, again). */
	void (*esc_hook)(void *arg, const struct ga_msg *m, const char *hook);
	void *esc_hook_arg;
	uint32_t esc_hook_seq[GA_STORE_MAX];
	bool journal_full; /* refusing events: says so on the LCD and alarms */
	/* optional: unacknowledged messages in the journal, for the "1/m" of
	 * messages older than the store holds */
	int (*count)(void *arg, unsigned long *n);
	void *count_arg;
};

void ga_alert_setup(struct ga_alert *al, const struct ga_conf *conf,
		    struct ga_loop *loop, const struct ga_store *store,
		    struct ga_alarm *alarm,
		    void (*show)(void *arg, struct ga_span head,
				 struct ga_span body),
		    void *arg);
/* A durable event (after the journal's fsync). @replay: from the journal
 * at start: latched alarms resume, one-shot beeps do not repeat. Alarms
 * start now; the LCD is redrawn by the redraw timer (this iteration's
 * events together). */
void ga_alert_event(struct ga_alert *al, const struct ga_msg *m, bool replay);
/* Before a durable event is kept: match it against the rules and count
 * the match (live events only, not @replay). False when its rule says
 * ignore = yes: it stays in the journal but is not kept or shown. */
bool ga_alert_admit(struct ga_alert *al, const struct ga_msg *m, bool replay);
/* A reload: use @conf. Match counters restart only when the rules
 * changed (a rule's index may then name another rule). */
void ga_alert_reconf(struct ga_alert *al, const struct ga_conf *conf);
/* After acknowledgements: stop what nothing unacknowledged wants. */
void ga_alert_refresh(struct ga_alert *al);
/* Count unacknowledged messages with @count (0 or -errno) instead of
 * only those the store keeps. */
void ga_alert_set_count(struct ga_alert *al,
			int (*count)(void *arg, unsigned long *n), void *arg);
/* Hand escalations with escalate_hook to @fn (the hook module). Set it
 * once the hooks run, then ga_alert_refresh(): overdue alerts call it. */
void ga_alert_set_escalate(struct ga_alert *al,
			   void (*fn)(void *arg, const struct ga_msg *m,
				      const char *hook),
			   void *arg);
/* The journal is full of unacknowledged events (new ones get 503) or
 * no longer is. Full: the LCD says JOURNAL FULL, fail_led runs fast and
 * the buzzer beeps once; until acknowledgements free room. */
void ga_alert_journal_full(struct ga_alert *al, bool full);
/* `test alarm NAME`: an output name runs fast for 3 s, a class name runs
 * that class's reaction once. 0 or -ENOENT. */
int ga_alert_test(struct ga_alert *al, struct ga_span name);
void ga_alert_close(struct ga_alert *al);

#endif /* GA_ALERT_H */

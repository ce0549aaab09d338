/* alert.c - see alert.h. */
#include "alert.h"

#include "log.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <syslog.h>
#include <string.h>
#include <time.h>

/* A pattern that is not latched (latch = no) and does not end by itself
 * (blink, fast, on, alarm) stops after this long: the event was seen or
 * not, and a board that blinks forever for a non-urgent class is noise. */
#define GA_ALERT_UNLATCHED_MS 10000u
/* `test alarm <output>` runs this long. */
#define GA_ALERT_TEST_MS 3000u

static void ga_alert_stop_cb(struct ga_timer *t)
{
	struct ga_alert_stop *st = ga_container_of(t, struct ga_alert_stop, t);

	ga_alarm_stop(st->al->alarm, st->o);
	ga_alert_refresh(st->al); /* latched ones resume */
}

static bool ga_alert_alarms(const struct ga_msg *m)
{
	switch (m->cls) {
	case GA_CLASS_SMS:
	case GA_CLASS_CHAT:
	case GA_CLASS_CHAT_THREAD:
	case GA_CLASS_CHAT_MEMBER:
		return true;
	case GA_CLASS_SMS_FAILED:
		return !m->status_unknown; /* 5002: shown, not alarmed */
	default:
		return false;
	}
}

static void ga_alert_clock_cb(struct ga_timer *t);
static void ga_alert_quiet_cb(struct ga_timer *t);

/* The wall clock can step (NTP at boot on a board without an RTC), and
 * the loop's timers are monotonic: look at quiet hours and escalations
 * again at least this often. */
#define GA_ALERT_WALL_RECHECK_S 600u

/* The rule @m matched, looked up once per stored message (see rule_of
 * in alert.h). */
static int ga_alert_rule(struct ga_alert *al, const struct ga_msg *m)
{
	ptrdiff_t slot = m - al->store->msgs;
	int rule;

	if (al->rule_conf != al->conf) {
		memset(al->rule_seq, 0, sizeof(al->rule_seq));
		al->rule_conf = al->conf;
	}
	if (slot >= 0 && slot < GA_STORE_MAX && al->rule_seq[slot] == m->seq &&
	    m->seq) {
		rule = al->rule_of[slot];
	} else {
		rule = ga_rules_match(al->conf, m);
		if (slot >= 0 && slot < GA_STORE_MAX) {
			al->rule_of[slot] = (int8_t)rule;
			al->rule_seq[slot] = m->seq;
		}
	}
	return rule;
}

/* What @m does: its rule's actions over its class's. */
static void ga_alert_act(struct ga_alert *al, const struct ga_msg *m,
			 struct ga_rules_action *a)
{
	ga_rules_actions(al->conf, m->cls, ga_alert_rule(al, m), a);
}

/* Whether output @o of an event with @a stays silent now. */
static bool ga_alert_hushed(const struct ga_alert *al,
			    const struct ga_rules_action *a, int o)
{
	return al->quiet_on && !a->quiet_ignore &&
	       (al->conf->quiet.outputs & (1u << o));
}

/* Quiet hours now, and the timer for their next edge. */
static void ga_alert_quiet_update(struct ga_alert *al)
{
	uint32_t next_s = 0;

	al->quiet_on = ga_rules_quiet(al->conf, time(NULL), &next_s);
	if (!al->conf->quiet.hours.on) {
		ga_timer_cancel(al->loop, &al->quiet);
		return;
	}
	if (next_s == 0 || next_s > GA_ALERT_WALL_RECHECK_S) {
		next_s = GA_ALERT_WALL_RECHECK_S;
	}
	ga_timer_set(al->loop, &al->quiet, (uint64_t)next_s * 1000u);
}

static void ga_alert_escalate_cb(struct ga_timer *t)
{
	ga_alert_refresh(ga_container_of(t, struct ga_alert, escalate));
}

static void ga_alert_quiet_cb(struct ga_timer *t)
{
	struct ga_alert *al = ga_container_of(t, struct ga_alert, quiet);
	bool was = al->quiet_on;

	ga_alert_quiet_update(al);
	if (was != al->quiet_on) {
		ga_log(LOG_INFO, "quiet hours %s", al->quiet_on ? "begin" : "end");
		ga_alert_refresh(al); /* latched outputs stop or resume */
	}
}
static void ga_alert_redraw_cb(struct ga_timer *t);

void ga_alert_setup(struct ga_alert *al, const struct ga_conf *conf,
		    struct ga_loop *loop, const struct ga_store *store,
		    struct ga_alarm *alarm,
		    void (*show)(void *arg, struct ga_span head,
				 struct ga_span body),
		    void *arg)
{
	memset(al, 0, sizeof(*al));
	al->conf = conf;
	al->loop = loop;
	al->store = store;
	al->alarm = alarm;
	al->show = show;
	al->arg = arg;
	al->clock.cb = ga_alert_clock_cb;
	al->quiet.cb = ga_alert_quiet_cb;
	al->escalate.cb = ga_alert_escalate_cb;
	/* alerts overdue at start escalate at once, without a chirp */
	al->esc_checked_s = (int64_t)time(NULL);
	ga_alert_quiet_update(al);
	al->redraw.cb = ga_alert_redraw_cb;
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		al->stop[o].t.cb = ga_alert_stop_cb;
		al->stop[o].al = al;
		al->stop[o].o = (enum ga_output)o;
	}
}

static const char *ga_alert_label(const struct ga_msg *m)
{
	switch (m->cls) {
	case GA_CLASS_SMS:
		return "SMS";
	case GA_CLASS_SMS_FAILED:
		return m->status_unknown ? "UNKNOWN" : "FAILED";
	case GA_CLASS_CHAT:
	case GA_CLASS_CHAT_THREAD:
	case GA_CLASS_CHAT_MEMBER:
		return "Chat";
	default:
		return "";
	}
}

/* Append at most @max bytes of @src to @dst (capacity @size, @*len used),
 * cut to fit, NUL-terminated. The LCD lines are redrawn for every batch:
 * copies, not snprintf (~4,000 instructions a redraw, callgrind). */
static void ga_alert_cat(char *dst, size_t size, size_t *len, const char *src,
			 size_t max)
{
	size_t n = strnlen(src, max);

	if (n > size - 1 - *len) {
		n = size - 1 - *len;
	}
	memcpy(dst + *len, src, n);
	*len += n;
	dst[*len] = '\0';
}

/* " 1/N" */
static void ga_alert_tag(char *tag, unsigned int n)
{
	char d[10];
	size_t k = 0, o = 3;

	do {
		d[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	memcpy(tag, " 1/", 3);
	while (k) {
		tag[o++] = d[--k];
	}
	tag[o] = '\0';
}

/* What the LCD shows: of the unacknowledged messages with lcd = yes,
 * the one with the highest rule priority, the newest among equals; "n/m"
 * when more wait; else the idle screen. */
static void ga_alert_display(struct ga_alert *al)
{
	const struct ga_msg *show = NULL;
	unsigned int waiting = 0, best = 0;
	char tag[16] = "";

	if (al->redraw.armed) {
		ga_timer_cancel(al->loop, &al->redraw); /* drawn now */
	}

	for (unsigned int i = 0;; i++) {
		const struct ga_msg *m = ga_store_nth(al->store, i);
		unsigned int prio;

		if (!m) {
			break;
		}
		if (m->acked ||
		    !ga_rules_lcd(al->conf, m->cls, ga_alert_rule(al, m), &prio)) {
			continue;
		}
		if (!show || prio > best) {
			show = m;
			best = prio;
		}
		waiting++;
	}
	if (show && al->count) {
		/* messages older than the store holds wait too */
		unsigned long all, kept = ga_store_unacked(al->store);

		if (al->count(al->count_arg, &all) == 0 && all > kept) {
			waiting += (unsigned int)(all - kept);
		}
	}
	_Static_assert(sizeof(tag) >= 3 + 10 + 1, "tag holds \" 1/\" and a uint");
	if (waiting > 1) {
		ga_alert_tag(tag, waiting);
	}
	if (al->journal_full) {
		/* the one thing the room must know: alerts are being refused */
		snprintf(al->line[0], sizeof(al->line[0]), "JOURNAL FULL");
		snprintf(al->line[1], sizeof(al->line[1]),
			 "New alerts refused. Acknowledge to free space.");
		al->shown_seq = 0;
		ga_timer_cancel(al->loop, &al->clock);
	} else if (show) {
		const char *who = show->cls == GA_CLASS_SMS_FAILED ? show->to
				  : show->sender[0] ? show->sender : show->from;
		size_t len = 0;

		al->line[0][0] = '\0';
		ga_alert_cat(al->line[0], sizeof(al->line[0]), &len,
			     ga_alert_label(show), sizeof(al->line[0]));
		ga_alert_cat(al->line[0], sizeof(al->line[0]), &len, " ", 1);
		ga_alert_cat(al->line[0], sizeof(al->line[0]), &len, who, 128);
		ga_alert_cat(al->line[0], sizeof(al->line[0]), &len, tag, sizeof(tag));
		if (waiting > 1 && len > al->conf->lcd.cols) {
			/* keep the indicator visible: cut the name, not n/m */
			size_t keep = al->conf->lcd.cols > strlen(tag)
					      ? al->conf->lcd.cols - strlen(tag)
					      : 0;

			snprintf(al->line[0] + keep, sizeof(al->line[0]) - keep,
				 "%s", tag);
		}
		if (show->cls == GA_CLASS_SMS_FAILED) {
			snprintf(al->line[1], sizeof(al->line[1]), "%.64s%s%.256s",
				 show->status, show->details[0] ? ": " : "",
				 show->details);
		} else {
			len = 0;
			al->line[1][0] = '\0';
			ga_alert_cat(al->line[1], sizeof(al->line[1]), &len,
				     show->text, sizeof(al->line[1]));
		}
		al->shown_seq = show->seq;
		ga_timer_cancel(al->loop, &al->clock);
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		snprintf(al->line[0], sizeof(al->line[0]), "gridalert %02d:%02d",
			 tm.tm_hour, tm.tm_min);
		snprintf(al->line[1], sizeof(al->line[1]), "%u msgs, 0 new",
			 al->store->count);
		al->shown_seq = 0;
		/* the minute changes: refresh at the next one */
		ga_timer_set(al->loop, &al->clock,
			     (uint64_t)(60 - tm.tm_sec) * 1000u);
	}
	al->show(al->arg, ga_span_str(al->line[0]), ga_span_str(al->line[1]));
}

static void ga_alert_clock_cb(struct ga_timer *t)
{
	ga_alert_display(ga_container_of(t, struct ga_alert, clock));
}

bool ga_alert_admit(struct ga_alert *al, const struct ga_msg *m, bool replay)
{
	int rule = ga_rules_match(al->conf, m);

	al->admit_seq = m->seq;
	al->admit_rule = rule;
	if (!replay) {
		if (rule >= 0) {
			al->rule_matches[rule]++;
		} else {
			al->default_matches++;
		}
	}
	return rule < 0 || !al->conf->rule[rule].ignore;
}

void ga_alert_reconf(struct ga_alert *al, const struct ga_conf *conf)
{
	if (conf->nrules != al->conf->nrules ||
	    memcmp(conf->rule, al->conf->rule,
		   conf->nrules * sizeof(conf->rule[0]))) {
		memset(al->rule_matches, 0, sizeof(al->rule_matches));
		al->default_matches = 0;
	}
	al->conf = conf;
	al->rule_conf = NULL; /* the two config structs alternate: match again */
	ga_alert_quiet_update(al);
	ga_alert_refresh(al); /* priorities and outputs may have changed */
}

static void ga_alert_redraw_cb(struct ga_timer *t)
{
	ga_alert_display(ga_container_of(t, struct ga_alert, redraw));
}

void ga_alert_event(struct ga_alert *al, const struct ga_msg *m, bool replay)
{
	struct ga_rules_action act, *cfg = &act;
	ptrdiff_t slot = m - al->store->msgs;

	if (slot >= 0 && slot < GA_STORE_MAX) {
		/* matched at admission, unless an edit changed an older
		 * message's text (then seq is the older one's): match again */
		bool same = m->seq && m->seq == al->admit_seq &&
			    al->rule_conf == al->conf;

		al->rule_of[slot] = (int8_t)al->admit_rule;
		al->rule_seq[slot] = same ? m->seq : 0;
	}
	ga_alert_act(al, m, &act);
	if (!m->acked && ga_alert_alarms(m)) {
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			enum ga_pattern p = (enum ga_pattern)cfg->pattern[o];

			if (p == GA_PAT_OFF || ga_alert_hushed(al, cfg, o)) {
				continue;
			}
			/* after a power cut, latched alarms show again; a
			 * chirp for an old message would only confuse */
			if (replay && (ga_pattern_is_oneshot(p) || !cfg->latch)) {
				continue;
			}
			ga_alarm_start(al->alarm, (enum ga_output)o, p);
			if (!cfg->latch && !ga_pattern_is_oneshot(p)) {
				ga_timer_set(al->loop, &al->stop[o].t,
					     GA_ALERT_UNLATCHED_MS);
			}
		}
		if (cfg->escalate_after_s) {
			uint32_t left;
			uint64_t at;

			/* the escalation timer: this alert's, if it is sooner */
			(void)ga_rules_escalated(cfg, m->time, time(NULL), &left);
			at = ga_loop_now_ms(al->loop) + (uint64_t)left * 1000u;
			if (left && (!al->escalate.armed ||
				     at < al->escalate.deadline_ms)) {
				ga_timer_set_at(al->loop, &al->escalate, at);
			}
		}
	}
	if (!replay && !al->redraw.armed) {
		ga_timer_set(al->loop, &al->redraw, 0);
	}
}

/* Whether @m (escalated, its actions naming an escalate_hook) still has
 * to be handed on: once per message and start. */
static bool ga_alert_esc_due(const struct ga_alert *al, const struct ga_msg *m)
{
	ptrdiff_t slot = m - al->store->msgs;

	return al->esc_hook && slot >= 0 && slot < GA_STORE_MAX &&
	       al->esc_hook_seq[slot] != m->seq;
}

/* Hand the escalations found due on, oldest first (the store lists the
 * newest first): a hook runs them in the order the alerts came in. */
static void ga_alert_esc_hooks(struct ga_alert *al, int64_t now)
{
	for (unsigned int i = GA_STORE_MAX; i-- > 0;) {
		const struct ga_msg *m = ga_store_nth(al->store, i);
		struct ga_rules_action act;
		uint32_t left;

		if (!m || m->acked || !ga_alert_alarms(m) ||
		    !ga_alert_esc_due(al, m)) {
			continue;
		}
		ga_alert_act(al, m, &act);
		if (act.escalate_hook[0] &&
		    ga_rules_escalated(&act, m->time, (time_t)now, &left)) {
			al->esc_hook_seq[m - al->store->msgs] = m->seq;
			al->esc_hook(al->esc_hook_arg, m, act.escalate_hook);
		}
	}
}

void ga_alert_set_escalate(struct ga_alert *al,
			   void (*fn)(void *arg, const struct ga_msg *m,
				      const char *hook),
			   void *arg)
{
	al->esc_hook = fn;
	al->esc_hook_arg = arg;
}

void ga_alert_refresh(struct ga_alert *al)
{
	enum ga_pattern want[GA_OUT__COUNT] = { GA_PAT_OFF };
	int64_t now = (int64_t)time(NULL);
	uint32_t next_esc = 0;
	bool esc_hooks = false;

	al->escalated = 0;
	for (unsigned int i = 0;; i++) {
		const struct ga_msg *m = ga_store_nth(al->store, i);
		struct ga_rules_action act, *cfg = &act;
		uint32_t left;
		bool esc, fresh;

		if (!m) {
			break;
		}
		if (m->acked || !ga_alert_alarms(m)) {
			continue;
		}
		ga_alert_act(al, m, &act);
		esc = ga_rules_escalated(cfg, m->time, (time_t)now, &left);
		if (left && (!next_esc || left < next_esc)) {
			next_esc = left;
		}
		/* escalated since the last look: one-shot patterns run once */
		fresh = esc && m->time + (int64_t)cfg->escalate_after_s >
			       al->esc_checked_s;
		al->escalated += esc;
		esc_hooks |= esc && act.escalate_hook[0] && ga_alert_esc_due(al, m);
		if (!cfg->latch && !esc) {
			continue;
		}
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			enum ga_pattern p = cfg->latch ? (enum ga_pattern)cfg->pattern[o]
						       : GA_PAT_OFF;

			if (esc && cfg->escalate_pattern[o] != GA_PAT_OFF) {
				p = (enum ga_pattern)cfg->escalate_pattern[o];
			}
			if (ga_alert_hushed(al, cfg, o)) {
				continue;
			}
			if (fresh && ga_pattern_is_oneshot(p)) {
				ga_alarm_start(al->alarm, (enum ga_output)o, p);
			}
			if (!ga_pattern_is_oneshot(p) && p > want[o]) {
				want[o] = p; /* enum order: off on blink fast .. alarm */
			}
		}
	}
	if (esc_hooks) {
		ga_alert_esc_hooks(al, now);
	}
	al->esc_checked_s = now;
	if (next_esc) {
		if (next_esc > GA_ALERT_WALL_RECHECK_S) {
			next_esc = GA_ALERT_WALL_RECHECK_S;
		}
		ga_timer_set(al->loop, &al->escalate, (uint64_t)next_esc * 1000u);
	} else {
		ga_timer_cancel(al->loop, &al->escalate);
	}
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		enum ga_pattern cur = ga_alarm_pattern(al->alarm, (enum ga_output)o);

		if (o == GA_OUT_FAIL_LED && al->journal_full) {
			/* fast flicker means "refusing events", whatever a
			 * failed SMS would show there: it wins */
			if (cur != GA_PAT_FAST) {
				ga_alarm_stop(al->alarm, (enum ga_output)o);
				ga_alarm_start(al->alarm, (enum ga_output)o,
					       GA_PAT_FAST);
			}
			continue;
		}

		if (want[o] == GA_PAT_OFF) {
			if (cur != GA_PAT_OFF && !ga_pattern_is_oneshot(cur) &&
			    !al->stop[o].t.armed) {
				ga_alarm_stop(al->alarm, (enum ga_output)o);
			}
		} else if (want[o] != cur) {
			ga_alarm_start(al->alarm, (enum ga_output)o, want[o]);
		}
	}
	ga_alert_display(al);
}

void ga_alert_set_count(struct ga_alert *al,
			int (*count)(void *arg, unsigned long *n), void *arg)
{
	al->count = count;
	al->count_arg = arg;
}

void ga_alert_journal_full(struct ga_alert *al, bool full)
{
	if (full == al->journal_full) {
		return;
	}
	al->journal_full = full;
	if (full) {
		ga_alarm_start(al->alarm, GA_OUT_BUZZER, GA_PAT_BEEP);
	}
	ga_alert_refresh(al); /* fail_led fast while full; the screen */
}

int ga_alert_test(struct ga_alert *al, struct ga_span name)
{
	int cls = ga_class_from_name(name);

	for (int o = 0; o < GA_OUT__COUNT; o++) {
		if (ga_span_eq(name, ga_span_str(ga_output_name((enum ga_output)o)))) {
			ga_alarm_start(al->alarm, (enum ga_output)o, GA_PAT_FAST);
			ga_timer_set(al->loop, &al->stop[o].t, GA_ALERT_TEST_MS);
			return 0;
		}
	}
	if (cls > GA_CLASS_IGNORED && cls < GA_CLASS_VALIDATION) {
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			enum ga_pattern p = (enum ga_pattern)al->conf->alert[cls].pattern[o];

			if (p != GA_PAT_OFF) {
				ga_alarm_start(al->alarm, (enum ga_output)o, p);
				if (!ga_pattern_is_oneshot(p)) {
					ga_timer_set(al->loop, &al->stop[o].t,
						     GA_ALERT_TEST_MS);
				}
			}
		}
		return 0;
	}
	return -ENOENT;
}

void ga_alert_close(struct ga_alert *al)
{
	ga_timer_cancel(al->loop, &al->clock);
	ga_timer_cancel(al->loop, &al->quiet);
	ga_timer_cancel(al->loop, &al->escalate);
	ga_timer_cancel(al->loop, &al->redraw);
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		ga_timer_cancel(al->loop, &al->stop[o].t);
	}
}

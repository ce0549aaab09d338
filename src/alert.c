/* alert.c - see alert.h. */
#include "alert.h"

#include <errno.h>
#include <stdio.h>
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
static void ga_alert_redraw_cb(struct ga_timer *t);

void ga_alert_setup(struct ga_alert *al, const struct ga_conf *conf,
		    struct ga_loop *loop, const struct ga_store *store,
		    struct ga_alarm *alarm,
		    void (*show)(void *arg, const struct ga_span *lines,
				 unsigned int n),
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

/* What the LCD shows: the newest unacknowledged message with lcd = yes,
 * "n/m" when more wait; else the idle screen. */
static void ga_alert_display(struct ga_alert *al)
{
	const struct ga_msg *show = NULL;
	unsigned int waiting = 0;
	struct ga_span lines[4];
	char tag[16] = "";

	if (al->redraw.armed) {
		ga_timer_cancel(al->loop, &al->redraw); /* drawn now */
	}

	for (unsigned int i = 0;; i++) {
		const struct ga_msg *m = ga_store_nth(al->store, i);

		if (!m) {
			break;
		}
		if (m->acked || !al->conf->alert[m->cls].lcd) {
			continue;
		}
		if (!show) {
			show = m;
		}
		waiting++;
	}
	_Static_assert(sizeof(tag) >= 3 + 10 + 1, "tag holds \" 1/\" and a uint");
	if (waiting > 1) {
		ga_alert_tag(tag, waiting);
	}
	if (show) {
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
	al->line[2][0] = al->line[3][0] = '\0';
	for (int r = 0; r < 4; r++) {
		lines[r] = ga_span_str(al->line[r]);
	}
	al->show(al->arg, lines, 4);
}

static void ga_alert_clock_cb(struct ga_timer *t)
{
	ga_alert_display(ga_container_of(t, struct ga_alert, clock));
}

static void ga_alert_redraw_cb(struct ga_timer *t)
{
	ga_alert_display(ga_container_of(t, struct ga_alert, redraw));
}

void ga_alert_event(struct ga_alert *al, const struct ga_msg *m, bool replay)
{
	const struct ga_conf_alert *cfg = &al->conf->alert[m->cls];

	if (!m->acked && ga_alert_alarms(m)) {
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			enum ga_pattern p = (enum ga_pattern)cfg->pattern[o];

			if (p == GA_PAT_OFF) {
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
	}
	if (!replay && !al->redraw.armed) {
		ga_timer_set(al->loop, &al->redraw, 0);
	}
}

void ga_alert_refresh(struct ga_alert *al)
{
	enum ga_pattern want[GA_OUT__COUNT] = { GA_PAT_OFF };

	for (unsigned int i = 0;; i++) {
		const struct ga_msg *m = ga_store_nth(al->store, i);
		const struct ga_conf_alert *cfg;

		if (!m) {
			break;
		}
		cfg = &al->conf->alert[m->cls];
		if (m->acked || !cfg->latch || !ga_alert_alarms(m)) {
			continue;
		}
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			enum ga_pattern p = (enum ga_pattern)cfg->pattern[o];

			if (!ga_pattern_is_oneshot(p) && p > want[o]) {
				want[o] = p; /* enum order: off on blink fast .. alarm */
			}
		}
	}
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		enum ga_pattern cur = ga_alarm_pattern(al->alarm, (enum ga_output)o);

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
	ga_timer_cancel(al->loop, &al->redraw);
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		ga_timer_cancel(al->loop, &al->stop[o].t);
	}
}

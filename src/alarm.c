/* alarm.c - see alarm.h. The timings are ours, chosen to be told apart
 * across a room: blink 500/500 ms (1 Hz, "something new"), fast 100/100 ms,
 * beep one 100 ms chirp, beep2 two chirps 100 ms apart, alarm 200/200 ms
 * until acknowledged (a piezo buzzer at 2.5 Hz is hard to ignore). */
#include "alarm.h"

#include <string.h>

/* Steps: alternating on/off durations in ms, 0 ends the list. */
static const unsigned int ga_pat_steps[GA_PAT__COUNT][6] = {
	[GA_PAT_BLINK] = { 500, 500, 0 },
	[GA_PAT_FAST] = { 100, 100, 0 },
	[GA_PAT_BEEP] = { 100, 0 },
	[GA_PAT_BEEP2] = { 100, 100, 100, 0 },
	[GA_PAT_ALARM] = { 200, 200, 0 },
};

/* Which pattern wins on a shared output. */
static const unsigned char ga_pat_urgency[GA_PAT__COUNT] = {
	[GA_PAT_OFF] = 0, [GA_PAT_BEEP] = 1, [GA_PAT_BEEP2] = 2,
	[GA_PAT_BLINK] = 3, [GA_PAT_FAST] = 4, [GA_PAT_ON] = 5,
	[GA_PAT_ALARM] = 6,
};

bool ga_pattern_is_oneshot(enum ga_pattern p)
{
	return p == GA_PAT_BEEP || p == GA_PAT_BEEP2;
}

static void ga_alarm_level(struct ga_alarm_out *ao, bool on)
{
	ao->level = on;
	ao->alarm->set(ao->alarm->arg, ao->o, on);
}

static void ga_alarm_tick(struct ga_timer *t)
{
	struct ga_alarm_out *ao = ga_container_of(t, struct ga_alarm_out, t);
	const unsigned int *steps = ga_pat_steps[ao->pat];

	ao->step++;
	if (!steps[ao->step]) {
		if (ga_pattern_is_oneshot(ao->pat)) {
			ao->pat = GA_PAT_OFF;
			ga_alarm_level(ao, false);
			return;
		}
		ao->step = 0; /* repeating */
	}
	ga_alarm_level(ao, !(ao->step & 1));
	ga_timer_set(ao->alarm->loop, &ao->t, steps[ao->step]);
}

void ga_alarm_setup(struct ga_alarm *a, struct ga_loop *loop,
		    void (*set)(void *arg, enum ga_output o, bool on), void *arg)
{
	memset(a, 0, sizeof(*a));
	a->loop = loop;
	a->set = set;
	a->arg = arg;
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		a->out[o].alarm = a;
		a->out[o].o = (enum ga_output)o;
		a->out[o].t.cb = ga_alarm_tick;
	}
}

void ga_alarm_start(struct ga_alarm *a, enum ga_output o, enum ga_pattern p)
{
	struct ga_alarm_out *ao = &a->out[o];

	if (p == GA_PAT_OFF) {
		ga_alarm_stop(a, o);
		return;
	}
	if (ga_pat_urgency[p] < ga_pat_urgency[ao->pat] ||
	    (p == ao->pat && !ga_pattern_is_oneshot(p))) {
		return; /* keep the more urgent (or identical) one running */
	}
	ga_timer_cancel(a->loop, &ao->t);
	ao->pat = p;
	ao->step = 0;
	ga_alarm_level(ao, true);
	if (p != GA_PAT_ON) {
		ga_timer_set(a->loop, &ao->t, ga_pat_steps[p][0]);
	}
}

void ga_alarm_stop(struct ga_alarm *a, enum ga_output o)
{
	struct ga_alarm_out *ao = &a->out[o];

	ga_timer_cancel(a->loop, &ao->t);
	ao->pat = GA_PAT_OFF;
	if (ao->level) {
		ga_alarm_level(ao, false);
	}
}

enum ga_pattern ga_alarm_pattern(const struct ga_alarm *a, enum ga_output o)
{
	return a->out[o].pat;
}

void ga_alarm_close(struct ga_alarm *a)
{
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		if (a->loop) {
			ga_timer_cancel(a->loop, &a->out[o].t);
		}
	}
}

/* alarm.h - output patterns (on off blink fast beep beep2 alarm; docs/configuration.md)
 * run from loop timers, one pattern per output at a time; a more urgent
 * pattern replaces a less urgent one. Levels go out through a callback (the
 * GPIO driver in the daemon, a recorder in tests). */
#ifndef GA_ALARM_H
#define GA_ALARM_H

#include <stdbool.h>

#include "config.h"
#include "loop.h"

struct ga_alarm;

struct ga_alarm_out {
	struct ga_alarm *alarm;
	enum ga_output o;
	enum ga_pattern pat;
	unsigned int step;
	bool level;
	struct ga_timer t;
};

struct ga_alarm {
	struct ga_loop *loop;
	void (*set)(void *arg, enum ga_output o, bool on);
	void *arg;
	struct ga_alarm_out out[GA_OUT__COUNT];
};

void ga_alarm_setup(struct ga_alarm *a, struct ga_loop *loop,
		    void (*set)(void *arg, enum ga_output o, bool on), void *arg);
/* Start @p on @o unless something more urgent runs there. */
void ga_alarm_start(struct ga_alarm *a, enum ga_output o, enum ga_pattern p);
void ga_alarm_stop(struct ga_alarm *a, enum ga_output o);
enum ga_pattern ga_alarm_pattern(const struct ga_alarm *a, enum ga_output o);
/* beep and beep2 end by themselves; the others run until stopped. */
bool ga_pattern_is_oneshot(enum ga_pattern p);
void ga_alarm_close(struct ga_alarm *a);

#endif /* GA_ALARM_H */

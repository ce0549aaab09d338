/* fake_clock.h - a loop clock the test moves by hand: ga_loop_set_clock()
 * with ga_fake_clock, then ga_fake_run_ms() runs every timer that falls due
 * millisecond by millisecond (as the real loop would, with no I/O). */
#ifndef GA_TEST_FAKE_CLOCK_H
#define GA_TEST_FAKE_CLOCK_H

#include <stdint.h>

#include "loop.h"

static uint64_t ga_fake_ms = 1000;

static inline uint64_t ga_fake_clock(void *arg)
{
	(void)arg;
	return ga_fake_ms;
}

static inline void ga_fake_run_ms(struct ga_loop *l, unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		ga_fake_ms++;
		ga_loop_run_timers(l);
	}
}

#endif /* GA_TEST_FAKE_CLOCK_H */

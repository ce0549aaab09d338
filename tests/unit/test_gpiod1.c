/* test_gpiod1.c - the libgpiod 1.6 backend (drivers/gpio/gpiod1.c) and the
 * GPIO fault/retry path (drivers/gpio/gpio.c), with libgpiod's calls
 * replaced by a small FAKE CHIP through link-time wrapping (tests/gpio.mk).
 * This is not the kernel: gpio-sim is not available on these machines (no
 * kernel modules), so what is proven is that our backend makes the right
 * libgpiod calls (offsets, flags, consumer, values, edge events) and that
 * gpio.c recovers from a missing chip. Built only against libgpiod 1.x. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#ifdef GA_TEST_GPIOD1
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gpio.h"
#include "log.h"

struct fake_line {
	bool requested, output, edges;
	int flags, value;
	char consumer[32];
	int pipe[2];
};
static struct fake_line lines[64];
static int fake_chip; /* an address to hand out */
static bool chip_missing;
static unsigned int chip_closes;

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr);
struct gpiod_line *__wrap_gpiod_chip_get_line(struct gpiod_chip *c, unsigned int off);
int __wrap_gpiod_line_request_output_flags(struct gpiod_line *l, const char *consumer,
					   int flags, int value);
int __wrap_gpiod_line_request_rising_edge_events_flags(struct gpiod_line *l,
						       const char *consumer, int flags);
int __wrap_gpiod_line_set_value(struct gpiod_line *l, int value);
int __wrap_gpiod_line_event_get_fd(struct gpiod_line *l);
int __wrap_gpiod_line_event_read_multiple(struct gpiod_line *l,
					  struct gpiod_line_event *ev, unsigned int n);
void __wrap_gpiod_line_release(struct gpiod_line *l);
void __wrap_gpiod_chip_close(struct gpiod_chip *c);

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr)
{
	(void)descr;
	if (chip_missing) {
		errno = ENOENT;
		return NULL;
	}
	return (struct gpiod_chip *)(void *)&fake_chip;
}

struct gpiod_line *__wrap_gpiod_chip_get_line(struct gpiod_chip *c, unsigned int off)
{
	(void)c;
	return off < 64 ? (struct gpiod_line *)(void *)&lines[off] : NULL;
}

static struct fake_line *fl(struct gpiod_line *l)
{
	return (struct fake_line *)(void *)l;
}

int __wrap_gpiod_line_request_output_flags(struct gpiod_line *l, const char *consumer,
					   int flags, int value)
{
	struct fake_line *f = fl(l);

	if (f->requested) {
		errno = EBUSY;
		return -1;
	}
	f->requested = f->output = true;
	f->flags = flags;
	f->value = value;
	snprintf(f->consumer, sizeof(f->consumer), "%s", consumer);
	return 0;
}

int __wrap_gpiod_line_request_rising_edge_events_flags(struct gpiod_line *l,
						       const char *consumer, int flags)
{
	struct fake_line *f = fl(l);

	f->requested = f->edges = true;
	f->flags = flags;
	snprintf(f->consumer, sizeof(f->consumer), "%s", consumer);
	return pipe(f->pipe);
}

int __wrap_gpiod_line_set_value(struct gpiod_line *l, int value)
{
	fl(l)->value = value;
	return 0;
}

int __wrap_gpiod_line_event_get_fd(struct gpiod_line *l)
{
	return fl(l)->pipe[0];
}

int __wrap_gpiod_line_event_read_multiple(struct gpiod_line *l,
					  struct gpiod_line_event *ev, unsigned int n)
{
	char b[16];
	ssize_t r = read(fl(l)->pipe[0], b, n < sizeof(b) ? n : sizeof(b));

	for (ssize_t i = 0; i < r; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].event_type = b[i] == 'R' ? GPIOD_LINE_EVENT_RISING_EDGE
					       : GPIOD_LINE_EVENT_FALLING_EDGE;
	}
	return (int)(r < 0 ? 0 : r);
}

void __wrap_gpiod_line_release(struct gpiod_line *l)
{
	struct fake_line *f = fl(l);

	if (f->edges) {
		close(f->pipe[0]);
		close(f->pipe[1]);
	}
	memset(f, 0, sizeof(*f));
}

void __wrap_gpiod_chip_close(struct gpiod_chip *c)
{
	(void)c;
	chip_closes++;
}

static uint64_t now;
static uint64_t clk(void *a)
{
	(void)a;
	return now;
}

static unsigned int presses;
static void on_press(void *arg)
{
	(void)arg;
	presses++;
}

static struct ga_conf conf;
static struct ga_loop loop;

static void setup_conf(void)
{
	ga_log_setup(GA_LOG_NONE, 0);
	memset(lines, 0, sizeof(lines));
	ga_conf_defaults(&conf);
	snprintf(conf.gpio.driver, sizeof(conf.gpio.driver), "gpiod");
	conf.gpio.out[GA_OUT_FAIL_LED].active_low = true;
	conf.gpio.ack_button.active_low = true;
	now = 1000;
	ga_loop_init(&loop);
	ga_loop_set_clock(&loop, clk, NULL);
	assert_int_equal(ga_loop_setup(&loop, 4), 0);
	presses = 0;
}

static void test_requests_and_values(void **state)
{
	struct ga_gpio g;

	(void)state;
	setup_conf();
	ga_gpio_init(&g);
	assert_int_equal(ga_gpio_setup(&g, &conf, &loop, on_press, NULL), 0);
	assert_true(g.present);
	/* default offsets (docs/configuration.md), outputs initially off */
	assert_true(lines[17].output && lines[27].output && lines[22].output &&
		    lines[18].output);
	assert_string_equal(lines[17].consumer, "gridalertd");
	assert_int_equal(lines[17].value, 0);
	assert_int_equal(lines[17].flags, 0);
	assert_int_equal(lines[27].flags, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW);
	/* the button: rising edges, active low with a pull-up */
	assert_true(lines[23].edges);
	assert_int_equal(lines[23].flags, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW |
					  GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP);
	ga_gpio_set(&g, GA_OUT_FAIL_LED, true);
	ga_gpio_set(&g, GA_OUT_BUZZER, true);
	assert_int_equal(lines[27].value, 1); /* logical; the kernel inverts */
	assert_int_equal(lines[18].value, 1);
	ga_gpio_set(&g, GA_OUT_BUZZER, false);
	assert_int_equal(lines[18].value, 0);
	/* a press is a rising edge; a release (falling) is not a press */
	assert_int_equal(write(lines[23].pipe[1], "F", 1), 1);
	assert_int_equal(ga_loop_run_once(&loop, 0), 0);
	assert_int_equal(presses, 0);
	assert_int_equal(write(lines[23].pipe[1], "RFR", 3), 3); /* bounce */
	assert_int_equal(ga_loop_run_once(&loop, 0), 0);
	assert_int_equal(presses, 1);
	ga_gpio_close(&g);
	assert_false(lines[17].requested); /* released */
	ga_loop_free(&loop);
}

static void test_missing_chip_retry_and_restore(void **state)
{
	struct ga_gpio g;

	(void)state;
	setup_conf();
	chip_missing = true;
	ga_gpio_init(&g);
	assert_int_equal(ga_gpio_setup(&g, &conf, &loop, on_press, NULL), 0);
	assert_false(g.present);
	assert_string_equal(g.state, "absent (retrying)");
	ga_gpio_set(&g, GA_OUT_SMS_LED, true); /* wanted while absent */
	now += 1000;
	ga_loop_run_timers(&loop); /* retry 1: still missing */
	assert_false(g.present);
	chip_missing = false;
	now += 2000;                /* backoff doubled */
	ga_loop_run_timers(&loop);
	assert_true(g.present);
	assert_string_equal(g.state, "ok");
	assert_int_equal(lines[17].value, 1); /* the wanted level restored */
	/* a line taken by someone else: EBUSY, retried, not fatal */
	ga_gpio_close(&g);
	ga_loop_free(&loop);
	setup_conf();
	lines[22].requested = true; /* busy */
	ga_gpio_init(&g);
	assert_int_equal(ga_gpio_setup(&g, &conf, &loop, on_press, NULL), 0);
	assert_false(g.present);
	lines[22].requested = false;
	now += 1000;
	ga_loop_run_timers(&loop);
	assert_true(g.present);
	ga_gpio_close(&g);
	ga_loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_and_values),
		cmocka_unit_test(test_missing_chip_retry_and_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
static void test_gpiod1_not_built(void **state)
{
	(void)state;
	skip(); /* this build uses libgpiod 2.x (drivers/gpio/gpiod2.c) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpiod1_not_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif

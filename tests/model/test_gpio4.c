/* test_gpio4.c - [lcd] driver = hd44780-gpio end to end below the alert
 * module: the real HD44780 core, the real 4-bit GPIO bus (drivers/lcd/
 * gpio4.c) and the real libgpiod 1.6 bank (drivers/gpio/gpiod1.c), with
 * libgpiod's calls replaced by a FAKE CHIP through link-time wrapping
 * (tests/gpio.mk) whose lines drive the HD44780 model: every bank write
 * becomes the pin levels the controller would see (RS, E, D4-D7; RW tied
 * low; backlight always on), so the model decodes E's falling edges,
 * nibble pairs, the init sequence and busy times exactly as for the I2C
 * backpack. nanosleep is wrapped to advance the model's clock instead of
 * sleeping. gpio-sim is not available here (no kernel modules). Built only
 * against libgpiod 1.x; the 2.x bank is compile-tested by make compat. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#ifdef GA_TEST_GPIOD1
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "hd44780_model.h"
#include "lcd.h"
#include "fake_clock.h"
#include "log.h"

static struct ga_hd44780_model model;
static int fake_chip;
static unsigned int req_offsets[8], req_n;
static char req_consumer[32];
static bool busy, fail_writes, requested;
static unsigned long sets, e_rises;
static int last_e;

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr);
int __wrap_gpiod_chip_get_lines(struct gpiod_chip *c, unsigned int *offsets,
				unsigned int n, struct gpiod_line_bulk *bulk);
int __wrap_gpiod_line_request_bulk_output(struct gpiod_line_bulk *bulk,
					  const char *consumer, const int *defaults);
int __wrap_gpiod_line_set_value_bulk(struct gpiod_line_bulk *bulk,
				     const int *values);
void __wrap_gpiod_line_release_bulk(struct gpiod_line_bulk *bulk);
void __wrap_gpiod_chip_close(struct gpiod_chip *c);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr)
{
	(void)descr;
	return (struct gpiod_chip *)(void *)&fake_chip;
}

int __wrap_gpiod_chip_get_lines(struct gpiod_chip *c, unsigned int *offsets,
				unsigned int n, struct gpiod_line_bulk *bulk)
{
	(void)c;
	memset(bulk, 0, sizeof(*bulk));
	bulk->num_lines = n;
	for (unsigned int i = 0; i < n; i++) {
		req_offsets[i] = offsets[i];
	}
	req_n = n;
	return 0;
}

int __wrap_gpiod_line_request_bulk_output(struct gpiod_line_bulk *bulk,
					  const char *consumer, const int *defaults)
{
	if (busy) {
		errno = EBUSY;
		return -1;
	}
	for (unsigned int i = 0; i < bulk->num_lines; i++) {
		assert_int_equal(defaults[i], 0); /* E low from the start */
	}
	snprintf(req_consumer, sizeof(req_consumer), "%s", consumer);
	requested = true;
	return 0;
}

/* Bank order is rs, e, d4, d5, d6, d7: the pins as a PCF8574 "common"
 * byte (rs 0, rw 1, e 2, bl 3, d4-d7 4-7) for the model. */
int __wrap_gpiod_line_set_value_bulk(struct gpiod_line_bulk *bulk,
				     const int *v)
{
	uint8_t b = 1u << 3;

	assert_true(requested);
	assert_int_equal(bulk->num_lines, 6);
	if (fail_writes) {
		errno = EIO;
		return -1;
	}
	b |= (uint8_t)((v[0] ? 1u : 0u) | (v[1] ? 1u << 2 : 0u));
	for (int i = 0; i < 4; i++) {
		b |= (uint8_t)(v[2 + i] ? 1u << (4 + i) : 0u);
	}
	if (v[1] && !last_e) {
		e_rises++;
	}
	last_e = v[1];
	sets++;
	ga_hd44780_model_byte(&model, b);
	ga_hd44780_model_wait(&model, 1); /* an ioctl is a few us on a Pi */
	return 0;
}

void __wrap_gpiod_line_release_bulk(struct gpiod_line_bulk *bulk)
{
	(void)bulk;
	requested = false;
}

void __wrap_gpiod_chip_close(struct gpiod_chip *c)
{
	(void)c;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)rem;
	ga_hd44780_model_wait(&model, (unsigned int)(req->tv_nsec / 1000 +
						     req->tv_sec * 1000000));
	return 0;
}


static struct ga_conf conf;
static struct ga_loop loop;
static struct ga_lcd lcd;

static void run_ms(unsigned int ms)
{
	ga_fake_run_ms(&loop, ms);
}

static const char *seen(unsigned int row)
{
	static char buf[2][64];

	ga_hd44780_model_line(&model, GA_ROM_A00, row, 16, 2, buf[row],
			      sizeof(buf[row]));
	return buf[row];
}

static void show2(const char *a, const char *b)
{
	struct ga_span l[2] = { ga_span_str(a), ga_span_str(b) };

	ga_lcd_show(&lcd, l, 2);
	run_ms(200);
}

static int setup(void **state)
{
	struct ga_pcf8574_map common;

	(void)state;
	ga_log_setup(GA_LOG_NONE, 0);
	assert_int_equal(ga_pcf8574_map_parse("common", &common), 0);
	ga_hd44780_model_init(&model, &common);
	ga_hd44780_model_wait(&model, GA_HD44780_POWERUP_US);
	busy = fail_writes = requested = false;
	sets = e_rises = 0;
	last_e = 0;
	ga_conf_defaults(&conf);
	snprintf(conf.lcd.driver, sizeof(conf.lcd.driver), "hd44780-gpio");
	snprintf(conf.gpio.driver, sizeof(conf.gpio.driver), "gpiod");
	conf.lcd.cols = 16;
	conf.lcd.rows = 2;
	ga_fake_ms = 1000;
	ga_loop_init(&loop);
	ga_loop_set_clock(&loop, ga_fake_clock, NULL);
	ga_lcd_init(&lcd);
	return 0;
}

static void test_draws_through_gpio_lines(void **state)
{
	(void)state;
	assert_int_equal(ga_lcd_setup(&lcd, &conf, &loop), 0);
	assert_true(lcd.present);
	/* [lcd] pins default rs:7,e:8,d4:25,d5:24,d6:23,d7:18, in bank order */
	assert_int_equal(req_n, 6);
	assert_int_equal(req_offsets[0], 7);
	assert_int_equal(req_offsets[1], 8);
	assert_int_equal(req_offsets[2], 25);
	assert_int_equal(req_offsets[3], 24);
	assert_int_equal(req_offsets[4], 23);
	assert_int_equal(req_offsets[5], 18);
	assert_string_equal(req_consumer, "gridalertd");
	assert_true(model.four_bit);

	show2("SMS +14255550123", "Grüße – 5€ ok…");
	assert_string_equal(seen(0), "SMS +14255550123");
	/* A00 has ü and shows ß as its β glyph; € and … are spelt out */
	assert_string_equal(seen(1), "Grüβe - 5EUR ok.");
	if (model.violations) {
		fail_msg("protocol violation: %s", model.violation);
	}
	/* three bank writes per nibble, one E pulse each */
	assert_int_equal(sets, 3 * e_rises);
	ga_lcd_close(&lcd);
	assert_false(requested); /* lines released */
}

static void test_diff_sends_few_nibbles(void **state)
{
	unsigned long before;

	(void)state;
	assert_int_equal(ga_lcd_setup(&lcd, &conf, &loop), 0);
	show2("0 msgs, 0 new", "gridalert 12:00");
	before = e_rises;
	show2("0 msgs, 0 new", "gridalert 12:01");
	/* one cell: a set-address instruction and a data byte, 2 nibbles each */
	assert_int_equal(e_rises - before, 4);
	assert_string_equal(seen(1), "gridalert 12:01");
	assert_int_equal(model.violations, 0);
	ga_lcd_close(&lcd);
}

static void test_busy_line_then_retry(void **state)
{
	(void)state;
	busy = true;
	assert_int_equal(ga_lcd_setup(&lcd, &conf, &loop), 0); /* not fatal */
	assert_false(lcd.present);
	busy = false;
	run_ms(2500); /* the first retry comes after 1 s */
	assert_true(lcd.present);
	show2("back", "again");
	assert_string_equal(seen(0), "back");
	assert_int_equal(model.violations, 0);
	ga_lcd_close(&lcd);
}

static void test_write_failure_recovers(void **state)
{
	(void)state;
	assert_int_equal(ga_lcd_setup(&lcd, &conf, &loop), 0);
	show2("first", "screen");
	fail_writes = true;
	show2("second", "screen");
	assert_false(lcd.present);
	fail_writes = false;
	run_ms(2500); /* the first retry comes after 1 s */
	assert_true(lcd.present);
	run_ms(200);
	assert_string_equal(seen(0), "second");
	assert_true(lcd.stats.failures >= 1);
	if (model.violations) {
		fail_msg("protocol violation: %s", model.violation);
	}
	ga_lcd_close(&lcd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_draws_through_gpio_lines, setup),
		cmocka_unit_test_setup(test_diff_sends_few_nibbles, setup),
		cmocka_unit_test_setup(test_busy_line_then_retry, setup),
		cmocka_unit_test_setup(test_write_failure_recovers, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
static void test_gpio4_not_built(void **state)
{
	(void)state;
	skip(); /* libgpiod 2.x build: the 1.6 fake chip does not apply */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpio4_not_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif

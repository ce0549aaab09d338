/* test_hd44780.c - the real HD44780 core and PCF8574 encoding against the
 * HD44780+PCF8574 model, which decodes every byte the driver sends (E
 * falling edges, nibble pairing, init state machine, busy times) and
 * counts protocol violations. Real I2C hardware is not available here; the
 * model is the faithful stand-in (timings from the HD44780U datasheet). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hd44780_model.h"
#include "lcd.h"
#include "fake_clock.h"
#include "log.h"
#include "sim.h"


static struct ga_conf conf;
static struct ga_loop loop;
static struct ga_lcd lcd;

static const struct ga_hd44780_model *model(void)
{
	return lcd.bus->model(lcd.priv);
}

static void setup_lcd(unsigned int cols, unsigned int rows, const char *wiring)
{
	ga_log_setup(GA_LOG_NONE, 0);
	ga_conf_defaults(&conf);
	snprintf(conf.lcd.driver, sizeof(conf.lcd.driver), "sim");
	snprintf(conf.lcd.wiring, sizeof(conf.lcd.wiring), "%s", wiring);
	conf.lcd.cols = cols;
	conf.lcd.rows = rows;
	ga_fake_ms = 1000;
	ga_loop_init(&loop);
	ga_loop_set_clock(&loop, ga_fake_clock, NULL);
	ga_lcd_init(&lcd);
	assert_int_equal(ga_lcd_setup(&lcd, &conf, &loop), 0);
	assert_true(lcd.present);
}

static void run_ms(unsigned int ms)
{
	ga_fake_run_ms(&loop, ms);
}

static void show2(const char *a, const char *b)
{
	struct ga_span l[2] = { ga_span_str(a), ga_span_str(b) };

	ga_lcd_show(&lcd, l, 2);
}

static const char *line(unsigned int row)
{
	static char buf[4][160];

	ga_lcd_line(&lcd, row, buf[row], sizeof(buf[row]));
	return buf[row];
}

static void test_init_sequence(void **state)
{
	const struct ga_hd44780_model *m;

	(void)state;
	setup_lcd(16, 2, "common");
	m = model();
	assert_int_equal(m->violations, 0);
	assert_true(m->four_bit);
	assert_true(m->two_line);
	assert_true(m->display_on);
	assert_true(m->increment);
	assert_int_equal(m->init_step, 3);
	/* 4 init nibbles + 5 instructions of 2 nibbles, 2 bytes per nibble */
	assert_int_equal(m->bytes, (4 + 5 * 2) * 2);
	assert_true(m->backlight);
	ga_lcd_close(&lcd);
}

static void test_16x2_text_read_back(void **state)
{
	(void)state;
	setup_lcd(16, 2, "common");
	show2("SMS +14255550123", "Hello world");
	run_ms(30);
	assert_string_equal(line(0), "SMS +14255550123");
	assert_string_equal(line(1), "Hello world");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_20x4_row_addresses(void **state)
{
	struct ga_span l[4] = { GA_SPAN_LIT("row one"), GA_SPAN_LIT("row two"),
				GA_SPAN_LIT("row three"), GA_SPAN_LIT("row four") };

	(void)state;
	setup_lcd(20, 4, "common");
	ga_lcd_show(&lcd, l, 4);
	run_ms(30);
	assert_int_equal(ga_hd44780_row_addr(2, 20), 0x14);
	assert_int_equal(ga_hd44780_row_addr(3, 20), 0x54);
	assert_memory_equal(&model()->ddram[0x14], "row three", 9);
	assert_memory_equal(&model()->ddram[0x54], "row four", 8);
	assert_string_equal(line(3), "row four");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_diff_redraw_sends_only_changed_cells(void **state)
{
	unsigned long bytes0, cells0;

	(void)state;
	setup_lcd(16, 2, "common");
	show2("SMS +14255550123", "Hello world");
	run_ms(30);
	bytes0 = model()->bytes;
	cells0 = lcd.stats.cells;
	show2("SMS +14255550123", "Hello World"); /* one cell */
	run_ms(30);
	assert_int_equal(lcd.stats.cells - cells0, 1);
	/* set-address (2 nibbles) + data (2 nibbles), 2 bytes each */
	assert_int_equal(model()->bytes - bytes0, 8);
	assert_string_equal(line(1), "Hello World");
	/* coalescing: many shows, one redraw */
	cells0 = lcd.stats.redraws;
	for (int i = 0; i < 50; i++) {
		show2("SMS +14255550123", i & 1 ? "odd" : "even");
	}
	run_ms(30);
	assert_int_equal(lcd.stats.redraws - cells0, 1);
	assert_string_equal(line(1), "odd");
	assert_int_equal(model()->violations, 0);
	print_message("bus bytes: full 16x2 redraw %lu, one-cell diff 8\n",
		      bytes0 - (4 + 5 * 2) * 2);
	ga_lcd_close(&lcd);
}

static void test_marquee(void **state)
{
	(void)state;
	setup_lcd(16, 2, "common");
	show2("SMS", "This message is longer than sixteen");
	run_ms(30);
	assert_string_equal(line(1), "This message is");
	run_ms(conf.lcd.scroll_ms);
	assert_string_equal(line(1), "his message is l");
	run_ms(conf.lcd.scroll_ms * 4);
	assert_string_equal(line(1), "message is longe");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_wirings(void **state)
{
	static const char *const w[] = { "common", "alt", "bits 7,6,5,4,3,2,1,0" };

	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(w); i++) {
		setup_lcd(16, 2, w[i]);
		show2("wiring", w[i]);
		run_ms(30);
		assert_string_equal(line(0), "wiring");
		assert_int_equal(model()->violations, 0);
		ga_lcd_close(&lcd);
	}
}

static void test_model_catches_violations(void **state)
{
	struct ga_hd44780_model m;
	struct ga_pcf8574_map map;
	uint8_t b[2];

	(void)state;
	assert_int_equal(ga_pcf8574_map_parse("common", &map), 0);
	ga_hd44780_model_init(&m, &map);
	/* a nibble before the 40 ms power-up wait */
	ga_pcf8574_nibble(&map, 0x3, false, true, b);
	ga_hd44780_model_byte(&m, b[0]);
	ga_hd44780_model_byte(&m, b[1]);
	assert_int_equal(m.violations, 1);
	assert_non_null(strstr(m.violation, "busy"));
	/* data in 8-bit mode */
	ga_hd44780_model_init(&m, &map);
	ga_hd44780_model_wait(&m, 50000);
	ga_pcf8574_nibble(&map, 0x4, true, true, b);
	ga_hd44780_model_byte(&m, b[0]);
	ga_hd44780_model_byte(&m, b[1]);
	assert_int_equal(m.violations, 1);
	/* a write right after clear (1.52 ms) in a working 4-bit session */
	setup_lcd(16, 2, "common");
	{
		struct ga_lcd_sim *s = lcd.priv;

		ga_pcf8574_nibble(&s->map, 0x0, false, true, b);
		ga_hd44780_model_byte(&s->model, b[0]);
		ga_hd44780_model_byte(&s->model, b[1]);
		ga_pcf8574_nibble(&s->map, 0x1, false, true, b); /* clear */
		ga_hd44780_model_byte(&s->model, b[0]);
		ga_hd44780_model_byte(&s->model, b[1]);
		ga_pcf8574_nibble(&s->map, 0x8, false, true, b);
		ga_hd44780_model_byte(&s->model, b[0]);
		ga_hd44780_model_byte(&s->model, b[1]);
		ga_pcf8574_nibble(&s->map, 0x0, false, true, b); /* too soon */
		ga_hd44780_model_byte(&s->model, b[0]);
		ga_hd44780_model_byte(&s->model, b[1]);
		assert_int_equal(s->model.violations, 1);
		assert_non_null(strstr(s->model.violation, "while busy"));
	}
	ga_lcd_close(&lcd);
}

static void test_fault_and_recovery(void **state)
{
	(void)state;
	setup_lcd(16, 2, "common");
	show2("before", "");
	run_ms(30);
	ga_lcd_sim_set_fail(lcd.priv, true); /* unplugged */
	show2("during", "the outage");
	run_ms(30);
	assert_false(lcd.present);
	assert_string_equal(lcd.state, "absent (retrying)");
	run_ms(5000);
	assert_false(lcd.present); /* still failing: backoff */
	ga_lcd_sim_set_fail(lcd.priv, false);
	run_ms(10000);
	assert_true(lcd.present);
	run_ms(30);
	/* re-initialised and showing the current text, not the old one */
	assert_string_equal(line(0), "during");
	assert_string_equal(line(1), "the outage");
	assert_int_equal(model()->violations, 0);
	assert_int_equal(lcd.stats.reinits, 1);
	ga_lcd_close(&lcd);
}

static void test_backlight_timeout(void **state)
{
	(void)state;
	setup_lcd(16, 2, "common");
	conf.lcd.backlight_timeout_s = 2;
	show2("light", "");
	run_ms(1000);
	assert_true(model()->backlight);
	run_ms(1100);
	assert_false(model()->backlight);
	show2("wake", "");
	run_ms(30);
	assert_true(model()->backlight);
	ga_lcd_close(&lcd);
}

static void show_text(const char *head, const char *body)
{
	ga_lcd_show_text(&lcd, ga_span_str(head), ga_span_str(body));
}

/* A 45-character SMS (the issue's example). */
#define SMS45 "Pump 3 pressure low, check valve before 18:00"

static void test_wrap_16x2_unchanged(void **state)
{
	(void)state;
	setup_lcd(16, 2, "common");
	show_text("SMS +1555", "short");
	run_ms(30);
	assert_string_equal(line(0), "SMS +1555");
	assert_string_equal(line(1), "short");
	/* long: the one body row is the marquee it always was */
	show_text("SMS +1555", SMS45);
	run_ms(30);
	assert_string_equal(line(1), "Pump 3 pressure"); /* read back trims */
	run_ms(conf.lcd.scroll_ms);
	assert_string_equal(line(1), "ump 3 pressure l");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_wrap_20x2_marquee(void **state)
{
	(void)state;
	setup_lcd(20, 2, "common");
	show_text("SMS +1555", SMS45);
	run_ms(30);
	assert_string_equal(line(0), "SMS +1555");
	assert_string_equal(line(1), "Pump 3 pressure low,");
	run_ms(conf.lcd.scroll_ms * 2);
	assert_string_equal(line(1), "mp 3 pressure low, c");
	ga_lcd_close(&lcd);
}

static void test_wrap_20x4_fits(void **state)
{
	(void)state;
	setup_lcd(20, 4, "common");
	show_text("SMS +1555", SMS45);
	run_ms(30);
	/* 45 characters on three rows of 20, broken at spaces, no scrolling */
	assert_string_equal(line(0), "SMS +1555");
	assert_string_equal(line(1), "Pump 3 pressure low,");
	assert_string_equal(line(2), "check valve before");
	assert_string_equal(line(3), "18:00");
	assert_false(lcd.marquee.armed);
	run_ms(conf.lcd.scroll_ms * 3);
	assert_string_equal(line(2), "check valve before");
	/* short: one row, the rest blank */
	show_text("SMS +1555", "ok");
	run_ms(30);
	assert_string_equal(line(1), "ok");
	assert_string_equal(line(2), "");
	assert_string_equal(line(3), "");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_wrap_16x4_long_word_and_overflow(void **state)
{
	(void)state;
	setup_lcd(16, 4, "common");
	/* a word longer than a row is broken at the row's end */
	show_text("Chat ops", "see https://example.com/incident/42 now");
	run_ms(30);
	assert_string_equal(line(1), "see");
	assert_string_equal(line(2), "https://example.");
	assert_string_equal(line(3), "com/incident/42"); /* 19: scrolls */
	/* overflow: rows 2-3 stay, only the last row scrolls the rest */
	show_text("SMS +1555", SMS45 " and call the duty engineer");
	run_ms(30);
	assert_string_equal(line(1), "Pump 3 pressure");
	assert_string_equal(line(2), "low, check valve");
	assert_string_equal(line(3), "before 18:00 and");
	assert_true(lcd.marquee.armed);
	run_ms(conf.lcd.scroll_ms);
	assert_string_equal(line(1), "Pump 3 pressure");
	assert_string_equal(line(2), "low, check valve");
	assert_string_equal(line(3), "efore 18:00 and");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

static void test_wrap_folds_before_breaking(void **state)
{
	(void)state;
	setup_lcd(20, 4, "common");
	/* "Price 1000000000000€" folds to 20+2 cells: the break moves "EUR"
	 * whole to the next row instead of "...EU" / "R" */
	show_text("SMS +1555", "Price 10000000000000\xe2\x82\xac ok");
	run_ms(30);
	assert_string_equal(line(1), "Price");
	assert_string_equal(line(2), "10000000000000EUR ok");
	/* a word of 18 digits then €: hard break before EUR, not inside */
	show_text("SMS +1555", "123456789012345678\xe2\x82\xac");
	run_ms(30);
	assert_string_equal(line(1), "123456789012345678");
	assert_string_equal(line(2), "EUR");
	/* an ä is one cell on A00 (0xe1) and stays with its word */
	show_text("SMS +1555", "K\xc3\xa4lte im Lager B, T\xc3\xbcr offen seit 10 min");
	run_ms(30);
	assert_string_equal(line(1), "K\xc3\xa4lte im Lager B,");
	assert_string_equal(line(2), "T\xc3\xbcr offen seit 10");
	assert_string_equal(line(3), "min");
	assert_int_equal(model()->violations, 0);
	ga_lcd_close(&lcd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_sequence),
		cmocka_unit_test(test_16x2_text_read_back),
		cmocka_unit_test(test_20x4_row_addresses),
		cmocka_unit_test(test_diff_redraw_sends_only_changed_cells),
		cmocka_unit_test(test_marquee),
		cmocka_unit_test(test_wirings),
		cmocka_unit_test(test_model_catches_violations),
		cmocka_unit_test(test_fault_and_recovery),
		cmocka_unit_test(test_backlight_timeout),
		cmocka_unit_test(test_wrap_16x2_unchanged),
		cmocka_unit_test(test_wrap_20x2_marquee),
		cmocka_unit_test(test_wrap_20x4_fits),
		cmocka_unit_test(test_wrap_16x4_long_word_and_overflow),
		cmocka_unit_test(test_wrap_folds_before_breaking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

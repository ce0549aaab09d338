/* sim.c - [lcd] driver = sim: the core's nibbles become the exact PCF8574
 * bytes of the configured wiring and go into the HD44780 model, whose
 * DDRAM read back through the ROM table is what `status` shows as
 * lcd.lineN. GRIDALERT_SIM_I2C_US=90 makes each byte take as long as on a
 * real 100 kHz bus (the benchmark's slow-LCD case). */
#include "sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "hd44780_bus.h"
#include "log.h"

static void ga_sim_spin(unsigned int us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((uint64_t)(t.tv_sec - t0.tv_sec) * 1000000u +
			 (uint64_t)((t.tv_nsec - t0.tv_nsec) / 1000) < us);
}

static int ga_sim_open(void *priv, const struct ga_conf *conf)
{
	struct ga_lcd_sim *s = priv;
	const char *slow = getenv("GRIDALERT_SIM_I2C_US");

	if (s->fail) {
		return -ENODEV;
	}
	if (ga_pcf8574_map_parse(conf->lcd.wiring, &s->map)) {
		return -EINVAL;
	}
	ga_hd44780_model_init(&s->model, &s->map);
	s->bl = true;
	s->byte_us = slow ? (unsigned int)atoi(slow) : 0;
	return 0;
}

static int ga_sim_write4(void *priv, unsigned int nibble, bool rs)
{
	struct ga_lcd_sim *s = priv;
	uint8_t b[2];

	if (s->fail) {
		return -EIO;
	}
	ga_pcf8574_nibble(&s->map, nibble, rs, s->bl, b);
	for (int i = 0; i < 2; i++) {
		ga_hd44780_model_byte(&s->model, b[i]);
		if (s->byte_us) {
			ga_sim_spin(s->byte_us);
		}
	}
	return 0;
}

static void ga_sim_delay(void *priv, unsigned int us)
{
	struct ga_lcd_sim *s = priv;

	ga_hd44780_model_wait(&s->model, us);
	if (s->byte_us && us > 100) {
		struct timespec ts = { 0, (long)us * 1000 };

		nanosleep(&ts, NULL);
	}
}

static int ga_sim_backlight(void *priv, bool on)
{
	struct ga_lcd_sim *s = priv;

	if (s->fail) {
		return -EIO;
	}
	s->bl = on;
	ga_hd44780_model_byte(&s->model, ga_pcf8574_idle(&s->map, on));
	return 0;
}

static const struct ga_hd44780_model *ga_sim_model(const void *priv)
{
	return &((const struct ga_lcd_sim *)priv)->model;
}

void ga_lcd_sim_set_fail(void *priv, bool fail)
{
	((struct ga_lcd_sim *)priv)->fail = fail;
}

const struct ga_hd44780_bus_ops ga_hd44780_bus_sim = {
	.name = "sim",
	.priv_size = sizeof(struct ga_lcd_sim),
	.open = ga_sim_open,
	.write4 = ga_sim_write4,
	.delay_us = ga_sim_delay,
	.backlight = ga_sim_backlight,
	.model = ga_sim_model,
};

/* ---- term: the sim drawn in the terminal (make run) --------------------- */

#include <stdio.h>
#include <unistd.h>

struct ga_lcd_term {
	struct ga_lcd_sim sim; /* first: ga_lcd_sim_set_fail works on it */
	enum ga_rom rom;
	unsigned int cols, rows;
	bool tty;
	bool drawn;             /* a box is on screen... */
	unsigned long log_mark; /* ...and no log line has scrolled it since */
	char last[4][GA_LCD_SIM_LINE_MAX];
};

static int ga_term_open(void *priv, const struct ga_conf *conf)
{
	struct ga_lcd_term *t = priv;

	t->rom = strcmp(conf->lcd.rom, "a02") == 0 ? GA_ROM_A02 : GA_ROM_A00;
	t->cols = conf->lcd.cols;
	t->rows = conf->lcd.rows > 4 ? 4 : conf->lcd.rows;
	t->tty = isatty(STDOUT_FILENO);
	memset(t->last, 0, sizeof(t->last));
	return ga_sim_open(&t->sim, conf);
}

static void ga_term_flush(void *priv)
{
	struct ga_lcd_term *t = priv;
	char line[4][GA_LCD_SIM_LINE_MAX];
	bool changed = false;

	for (unsigned int r = 0; r < t->rows; r++) {
		ga_hd44780_model_line(&t->sim.model, t->rom, r, t->cols, t->rows,
				      line[r], sizeof(line[r]));
		if (strcmp(line[r], t->last[r]) != 0) {
			changed = true;
		}
	}
	if (!changed) {
		return;
	}
	memcpy(t->last, line, sizeof(line));
	if (!t->tty) {
		printf("lcd:");
		for (unsigned int r = 0; r < t->rows; r++) {
			printf(" |%s|", line[r]);
		}
		printf("\n");
		fflush(stdout);
		return;
	}
	/* A box the size of the panel; the model pads short lines. Drawn
	 * over the previous one while nothing else was printed (the LED
	 * status line below it stays), else afresh below the log. */
	if (t->drawn && t->log_mark == ga_log_tty_lines()) {
		printf("\r\033[%uA", t->rows + 2);
	} else {
		printf("\n");
	}
	printf("\033[1m+");
	for (unsigned int c = 0; c < t->cols; c++) {
		putchar('-');
	}
	printf("+\033[0m\n");
	for (unsigned int r = 0; r < t->rows; r++) {
		size_t glyphs = 0;

		for (const char *p = line[r]; *p; p++) {
			glyphs += ((unsigned char)*p & 0xc0) != 0x80;
		}
		printf("\033[1m|\033[0m\033[30;42m%s", line[r]);
		for (; glyphs < t->cols; glyphs++) {
			putchar(' ');
		}
		printf("\033[0m\033[1m|\033[0m\n");
	}
	printf("\033[1m+");
	for (unsigned int c = 0; c < t->cols; c++) {
		putchar('-');
	}
	printf("+\033[0m\n");
	fflush(stdout);
	t->drawn = true;
	t->log_mark = ga_log_tty_lines();
}

const struct ga_hd44780_bus_ops ga_hd44780_bus_term = {
	.name = "term",
	.priv_size = sizeof(struct ga_lcd_term),
	.open = ga_term_open,
	.write4 = ga_sim_write4,
	.delay_us = ga_sim_delay,
	.backlight = ga_sim_backlight,
	.model = ga_sim_model,
	.flush = ga_term_flush,
};

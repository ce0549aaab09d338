/* hd44780.c - the HD44780 core over bus ops (see lcd.h). Timings from the
 * Hitachi HD44780U datasheet pp. 45-46. */
#include "lcd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hd44780_model.h"
#include "log.h"

#define GA_LCD_RETRY_MIN_MS 1000u
#define GA_LCD_RETRY_MAX_MS 60000u

static const struct {
	const char *name;
	const struct ga_hd44780_bus_ops *ops;
} ga_lcd_buses[] = {
	{ "hd44780-i2c", &ga_hd44780_bus_pcf8574 },
	{ "hd44780-gpio", &ga_hd44780_bus_gpio4 },
	{ "sim", &ga_hd44780_bus_sim },
	{ "term", &ga_hd44780_bus_term },
};

void ga_lcd_init(struct ga_lcd *lcd)
{
	memset(lcd, 0, sizeof(*lcd));
	lcd->state = "none";
}

static int ga_lcd_byte(struct ga_lcd *lcd, uint8_t v, bool rs,
		       unsigned int exec_us)
{
	int err = lcd->bus->write4(lcd->priv, v >> 4, rs);

	if (!err) {
		err = lcd->bus->write4(lcd->priv, v & 0x0f, rs);
	}
	lcd->bus->delay_us(lcd->priv, exec_us);
	return err;
}

/* Datasheet 4-bit initialisation by instruction (Figure 24). Blocks for
 * ~50 ms, only at start and after the panel came back. */
static int ga_lcd_hw_init(struct ga_lcd *lcd)
{
	int err;

	lcd->bus->delay_us(lcd->priv, 50000); /* > 40 ms after Vcc 2.7 V */
	err = lcd->bus->write4(lcd->priv, 0x3, false);
	lcd->bus->delay_us(lcd->priv, 4500); /* > 4.1 ms */
	err = err ? err : lcd->bus->write4(lcd->priv, 0x3, false);
	lcd->bus->delay_us(lcd->priv, 150); /* > 100 us */
	err = err ? err : lcd->bus->write4(lcd->priv, 0x3, false);
	lcd->bus->delay_us(lcd->priv, 150);
	err = err ? err : lcd->bus->write4(lcd->priv, 0x2, false); /* 4-bit */
	lcd->bus->delay_us(lcd->priv, 150);
	/* function set: 4-bit, 2 lines (also for 4-row panels), 5x8 */
	err = err ? err : ga_lcd_byte(lcd, lcd->rows > 1 ? 0x28 : 0x20, false, 50);
	err = err ? err : ga_lcd_byte(lcd, 0x08, false, 50); /* display off */
	err = err ? err : ga_lcd_byte(lcd, 0x01, false, 2000); /* clear 1.52 ms */
	err = err ? err : ga_lcd_byte(lcd, 0x06, false, 50); /* increment */
	err = err ? err : ga_lcd_byte(lcd, 0x0c, false, 50); /* on, no cursor */
	if (!err) {
		memset(lcd->shown, ' ', sizeof(lcd->shown));
		lcd->ac = 0;
		lcd->ac_known = true;
	}
	return err;
}

static void ga_lcd_fail(struct ga_lcd *lcd, int err, const char *what)
{
	lcd->stats.failures++;
	if (lcd->present || lcd->retry_ms == 0) {
		/* once per state change */
		ga_log(LOG_WARNING, "lcd %s: %s: %s; retrying", lcd->bus->name,
		       what, strerror(-err));
	}
	lcd->present = false;
	lcd->state = "absent (retrying)";
	if (lcd->bus->close) {
		lcd->bus->close(lcd->priv);
	}
	lcd->retry_ms = lcd->retry_ms ? lcd->retry_ms * 2 : GA_LCD_RETRY_MIN_MS;
	if (lcd->retry_ms > GA_LCD_RETRY_MAX_MS) {
		lcd->retry_ms = GA_LCD_RETRY_MAX_MS;
	}
	ga_timer_set(lcd->loop, &lcd->retry, lcd->retry_ms);
}

static void ga_lcd_schedule(struct ga_lcd *lcd, unsigned int ms)
{
	if (!lcd->redraw.armed) {
		ga_timer_set(lcd->loop, &lcd->redraw, ms);
	}
}

static int ga_lcd_open(struct ga_lcd *lcd)
{
	int err = lcd->bus->open(lcd->priv, lcd->conf);

	if (!err) {
		err = ga_lcd_hw_init(lcd);
	}
	if (err) {
		ga_lcd_fail(lcd, err, "open");
		return err;
	}
	if (lcd->retry_ms) {
		ga_log(LOG_NOTICE, "lcd %s: present again", lcd->bus->name);
		lcd->stats.reinits++;
	}
	lcd->retry_ms = 0;
	lcd->present = true;
	lcd->backlight = true;
	lcd->state = "ok";
	lcd->dirty = true;
	ga_lcd_schedule(lcd, 0);
	return 0;
}

/* One bounded step of the diff redraw. Returns true when done. */
static bool ga_lcd_step(struct ga_lcd *lcd, unsigned int budget)
{
	for (unsigned int r = 0; r < lcd->rows; r++) {
		for (unsigned int c = 0; c < lcd->cols; c++) {
			uint8_t addr = ga_hd44780_row_addr(r, lcd->cols);
			int err;

			if (lcd->shown[r][c] == lcd->want[r][c]) {
				continue;
			}
			if (budget-- == 0) {
				return false;
			}
			if (!lcd->ac_known || lcd->ac != (uint8_t)(addr + c)) {
				err = ga_lcd_byte(lcd, (uint8_t)(0x80 | (addr + c)),
						  false, 50);
				if (err) {
					ga_lcd_fail(lcd, err, "write");
					return true;
				}
				lcd->stats.addrs++;
			}
			err = ga_lcd_byte(lcd, lcd->want[r][c], true, 50);
			if (err) {
				ga_lcd_fail(lcd, err, "write");
				return true;
			}
			lcd->stats.cells++;
			lcd->shown[r][c] = lcd->want[r][c];
			lcd->ac = (uint8_t)(addr + c + 1);
			lcd->ac_known = true;
		}
	}
	return true;
}

static void ga_lcd_redraw_cb(struct ga_timer *t)
{
	struct ga_lcd *lcd = ga_container_of(t, struct ga_lcd, redraw);
	uint64_t now = ga_loop_now_ms(lcd->loop);
	unsigned int cells = GA_LCD_CELLS_PER_STEP;

	if (!lcd->present) {
		return;
	}
	/* HTTP first: bus writes block the loop (a cell is ~0.4 ms on a
	 * 100 kHz I2C bus), so a redraw waits until the loop has been idle
	 * for GA_LCD_IDLE_MS; under a flood it still moves one cell every
	 * GA_LCD_STARVE_MS, so the display lags but is never frozen. */
	if (now - lcd->loop->io_ms < GA_LCD_IDLE_MS) {
		if (now - lcd->step_ms < GA_LCD_STARVE_MS) {
			ga_timer_set(lcd->loop, &lcd->redraw, GA_LCD_IDLE_MS);
			return;
		}
		cells = 1;
	}
	lcd->step_ms = now;
	if (ga_lcd_step(lcd, cells)) {
		if (lcd->present) {
			lcd->stats.redraws++;
			lcd->dirty = false;
			if (lcd->bus->flush) {
				lcd->bus->flush(lcd->priv);
			}
		}
		return;
	}
	ga_timer_set(lcd->loop, &lcd->redraw, 0); /* the rest next round */
}

static void ga_lcd_retry_cb(struct ga_timer *t)
{
	struct ga_lcd *lcd = ga_container_of(t, struct ga_lcd, retry);

	(void)ga_lcd_open(lcd);
}

/* Recompute want[] from the texts and the marquee offsets. */
static void ga_lcd_compose(struct ga_lcd *lcd)
{
	bool scrolling = false;

	for (unsigned int r = 0; r < lcd->rows; r++) {
		size_t len = lcd->text_len[r];

		memset(lcd->want[r], ' ', lcd->cols);
		if (len <= lcd->cols) {
			memcpy(lcd->want[r], lcd->text[r], len);
			continue;
		}
		/* marquee: the text, three spaces, the text again */
		scrolling = true;
		for (unsigned int c = 0; c < lcd->cols; c++) {
			size_t i = (lcd->scroll[r] + c) % (len + 3);

			lcd->want[r][c] = i < len ? lcd->text[r][i] : ' ';
		}
	}
	if (scrolling && !lcd->marquee.armed) {
		ga_timer_set(lcd->loop, &lcd->marquee, lcd->conf->lcd.scroll_ms);
	}
}

static void ga_lcd_marquee_cb(struct ga_timer *t)
{
	struct ga_lcd *lcd = ga_container_of(t, struct ga_lcd, marquee);

	for (unsigned int r = 0; r < lcd->rows; r++) {
		if (lcd->text_len[r] > lcd->cols) {
			lcd->scroll[r] = (lcd->scroll[r] + 1) %
					 (unsigned int)(lcd->text_len[r] + 3);
		}
	}
	ga_lcd_compose(lcd);
	ga_lcd_schedule(lcd, 0);
}

static void ga_lcd_light_cb(struct ga_timer *t)
{
	struct ga_lcd *lcd = ga_container_of(t, struct ga_lcd, light);

	if (lcd->present && lcd->bus->backlight &&
	    lcd->bus->backlight(lcd->priv, false) == 0) {
		lcd->backlight = false;
	}
}

/* Set row @r's codes; a changed row restarts its marquee. */
static void ga_lcd_set_row(struct ga_lcd *lcd, unsigned int r,
			   const uint8_t *codes, size_t len)
{
	if (len != lcd->text_len[r] || memcmp(codes, lcd->text[r], len) != 0) {
		memmove(lcd->text[r], codes, len);
		lcd->text_len[r] = len;
		lcd->scroll[r] = 0;
	}
}

/* After new text: draw it (coalesced) and wake the backlight. */
static void ga_lcd_changed(struct ga_lcd *lcd)
{
	ga_lcd_compose(lcd);
	lcd->dirty = true;
	ga_lcd_schedule(lcd, GA_LCD_COALESCE_MS);
	if (lcd->conf->lcd.backlight_timeout_s) {
		if (!lcd->backlight && lcd->present && lcd->bus->backlight &&
		    lcd->bus->backlight(lcd->priv, true) == 0) {
			lcd->backlight = true;
		}
		ga_timer_set(lcd->loop, &lcd->light,
			     (uint64_t)lcd->conf->lcd.backlight_timeout_s * 1000u);
	}
}

void ga_lcd_show(struct ga_lcd *lcd, const struct ga_span *lines, unsigned int n)
{
	if (!lcd->bus) {
		return;
	}
	for (unsigned int r = 0; r < lcd->rows; r++) {
		uint8_t tmp[GA_LCD_TEXT_MAX];
		size_t len = r < n ? ga_fold(lcd->rom, lines[r].ptr, lines[r].len,
					     tmp, sizeof(tmp))
				   : 0;

		ga_lcd_set_row(lcd, r, tmp, len);
	}
	ga_lcd_changed(lcd);
}

/* Where the row starting at @p of @len codes ends: the text up to a
 * space at most @cols on; else (a word longer than the row) the last
 * character start within @cols, so a fallback like "EUR" moves whole. */
static size_t ga_lcd_wrap_at(const uint8_t *codes, const uint8_t *unit,
			     size_t p, size_t len, unsigned int cols)
{
	size_t q;

	if (len - p <= cols) {
		return len;
	}
	for (q = p + cols; q > p; q--) {
		if (codes[q] == ' ') {
			return q;
		}
	}
	for (q = p + cols; q > p; q--) {
		if (unit[q]) {
			return q;
		}
	}
	return p + cols; /* one character wider than the row: cannot be */
}

void ga_lcd_show_text(struct ga_lcd *lcd, struct ga_span head,
		      struct ga_span body)
{
	uint8_t codes[GA_LCD_TEXT_MAX], unit[GA_LCD_TEXT_MAX];
	size_t len, p = 0;

	if (!lcd->bus) {
		return;
	}
	if (lcd->rows <= 2) {
		struct ga_span l[2] = { head, body };

		ga_lcd_show(lcd, l, 2); /* one body row: its marquee, as ever */
		return;
	}
	len = ga_fold(lcd->rom, head.ptr, head.len, codes, sizeof(codes));
	ga_lcd_set_row(lcd, 0, codes, len);
	/* fold first, then wrap: the widths are the display's cells */
	len = ga_fold_units(lcd->rom, body.ptr, body.len, codes, sizeof(codes),
			    unit);
	for (unsigned int r = 1; r < lcd->rows; r++) {
		size_t end, n;

		while (p < len && codes[p] == ' ') {
			p++;
		}
		/* the last row takes the rest, a marquee if it is longer */
		end = r == lcd->rows - 1 ? len
					 : ga_lcd_wrap_at(codes, unit, p, len,
							  lcd->cols);
		n = end - p;
		while (n && codes[p + n - 1] == ' ') {
			n--;
		}
		ga_lcd_set_row(lcd, r, codes + p, n);
		p = end;
	}
	ga_lcd_changed(lcd);
}

void ga_lcd_flush(struct ga_lcd *lcd)
{
	if (lcd->present && lcd->bus) {
		ga_timer_cancel(lcd->loop, &lcd->redraw);
		(void)ga_lcd_step(lcd, UINT32_MAX);
		if (lcd->present && lcd->bus->flush) {
			lcd->bus->flush(lcd->priv);
		}
	}
}

void ga_lcd_test_pattern(struct ga_lcd *lcd)
{
	static const char *const rows[] = {
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd",
		"\xe2\x96\x88 gridalert test \xc3\xa4\xc3\xb6\xc3\xbc \xc2\xb0 \xe2\x96\x88",
		"row 3 ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
		"row 4 ==================================",
	};
	struct ga_span l[GA_LCD_ROWS_MAX];

	for (unsigned int r = 0; r < GA_LCD_ROWS_MAX; r++) {
		l[r] = ga_span_make(rows[r], strnlen(rows[r], lcd->cols));
	}
	ga_lcd_show(lcd, l, GA_LCD_ROWS_MAX);
}

size_t ga_lcd_line(const struct ga_lcd *lcd, unsigned int row, char *out,
		   size_t size)
{
	if (size) {
		out[0] = '\0';
	}
	if (!lcd->bus || row >= lcd->rows || size == 0) {
		return 0;
	}
	if (lcd->bus->model) {
		return ga_hd44780_model_line(lcd->bus->model(lcd->priv), lcd->rom,
					     row, lcd->cols, lcd->rows, out, size);
	}
	return ga_fold_line(lcd->rom, lcd->shown[row], lcd->cols, out, size);
}

const char *ga_lcd_driver(const struct ga_lcd *lcd)
{
	return lcd->bus ? lcd->bus->name : "none";
}

int ga_lcd_setup(struct ga_lcd *lcd, const struct ga_conf *conf,
		 struct ga_loop *loop)
{
	lcd->conf = conf;
	lcd->loop = loop;
	lcd->redraw.cb = ga_lcd_redraw_cb;
	lcd->retry.cb = ga_lcd_retry_cb;
	lcd->marquee.cb = ga_lcd_marquee_cb;
	lcd->light.cb = ga_lcd_light_cb;
	if (strcmp(conf->lcd.driver, "none") == 0) {
		lcd->state = "none";
		return 0;
	}
	for (size_t i = 0; i < GA_ARRAY_SIZE(ga_lcd_buses); i++) {
		if (strcmp(conf->lcd.driver, ga_lcd_buses[i].name) == 0) {
			lcd->bus = ga_lcd_buses[i].ops;
		}
	}
	if (!lcd->bus) {
		return -EINVAL;
	}
	lcd->rom = strcmp(conf->lcd.rom, "a02") == 0 ? GA_ROM_A02 : GA_ROM_A00;
	lcd->cols = conf->lcd.cols > GA_LCD_COLS_MAX ? GA_LCD_COLS_MAX : conf->lcd.cols;
	lcd->rows = conf->lcd.rows > GA_LCD_ROWS_MAX ? GA_LCD_ROWS_MAX : conf->lcd.rows;
	memset(lcd->want, ' ', sizeof(lcd->want));
	memset(lcd->shown, ' ', sizeof(lcd->shown));
	lcd->priv = calloc(1, lcd->bus->priv_size); /* setup-only */
	if (!lcd->priv) {
		return -ENOMEM;
	}
	(void)ga_lcd_open(lcd); /* failure: logged, retried */
	return 0;
}

void ga_lcd_close(struct ga_lcd *lcd)
{
	if (lcd->loop) {
		ga_timer_cancel(lcd->loop, &lcd->redraw);
		ga_timer_cancel(lcd->loop, &lcd->retry);
		ga_timer_cancel(lcd->loop, &lcd->marquee);
		ga_timer_cancel(lcd->loop, &lcd->light);
	}
	if (lcd->bus && lcd->priv && lcd->bus->close) {
		lcd->bus->close(lcd->priv);
	}
	free(lcd->priv);
	lcd->priv = NULL;
}

/* lcd.h - the character display the alert module writes to (docs/events.md,
 * docs/status.md). One HD44780 core over a bus backend picked by [lcd] driver:
 * hd44780-i2c (PCF8574), hd44780-gpio, sim (the model), term (the model
 * drawn in a terminal, for `make run`), none.
 *
 * ga_lcd_show() only records the wanted text; a timer redraws, coalescing
 * any number of shows into one redraw that sends only the cells that
 * changed, a bounded number per loop callback, so a slow I2C bus never
 * delays an HTTP response (redraws are coalesced on a timer). A backend that fails is
 * reported once and retried with backoff; the daemon goes on without it.
 */
#ifndef GA_LCD_H
#define GA_LCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "fold.h"
#include "hd44780_bus.h"
#include "loop.h"

struct ga_conf;

#define GA_LCD_COLS_MAX 40
#define GA_LCD_ROWS_MAX 4
/* ROM codes kept per row for the marquee: an SMS line is sender + text,
 * up to 1600 bytes of text folding to as many codes; 512 keeps the first
 * ~30 s of scrolling at the default 400 ms step. */
#define GA_LCD_TEXT_MAX 512
/* Cells written per loop callback: at 100 kHz I2C a cell costs ~0.7 ms
 * (4 expander bytes incl. E pulses, ~90 us each, plus address changes),
 * so 8 cells keep one callback under ~6 ms. */
#define GA_LCD_CELLS_PER_STEP 8
/* Shows within this many ms are drawn once. */
#define GA_LCD_COALESCE_MS 20
/* Redraws use idle time: none until the loop saw no I/O for this long
 * (requests of one client come < 1 ms apart)... */
#define GA_LCD_IDLE_MS 3
/* ...but at least one cell this often, so a flood delays the display
 * (a 16x2 screen in ~8 s) instead of freezing it, and costs HTTP one
 * blocking cell in 250 ms (0.2 % of the time at 100 kHz I2C). */
#define GA_LCD_STARVE_MS 250

struct ga_lcd_stats {
	unsigned long redraws;
	unsigned long cells;    /* data writes */
	unsigned long addrs;    /* set-DDRAM-address writes */
	unsigned long failures;
	unsigned long reinits;
};

struct ga_lcd {
	const struct ga_conf *conf;
	struct ga_loop *loop;
	const struct ga_hd44780_bus_ops *bus;
	void *priv;
	enum ga_rom rom;
	unsigned int cols, rows;
	uint8_t text[GA_LCD_ROWS_MAX][GA_LCD_TEXT_MAX];
	size_t text_len[GA_LCD_ROWS_MAX];
	unsigned int scroll[GA_LCD_ROWS_MAX];
	uint8_t want[GA_LCD_ROWS_MAX][GA_LCD_COLS_MAX];
	uint8_t shown[GA_LCD_ROWS_MAX][GA_LCD_COLS_MAX];
	bool present;    /* opened and initialised */
	bool dirty;
	uint8_t ac;      /* where the controller's address counter is */
	bool ac_known;
	bool backlight;
	uint64_t step_ms;  /* last redraw step, for GA_LCD_STARVE_MS */
	unsigned int retry_ms;
	struct ga_timer redraw;
	struct ga_timer marquee;
	struct ga_timer retry;
	struct ga_timer light;
	struct ga_lcd_stats stats;
	const char *state;
};

void ga_lcd_init(struct ga_lcd *lcd);
/* Pick and open the backend; a missing device is not an error (it is
 * retried). -EINVAL for an unknown driver, -ENOMEM. */
GA_MUST_CHECK int ga_lcd_setup(struct ga_lcd *lcd, const struct ga_conf *conf,
			       struct ga_loop *loop);
/* Row r shows lines[r] (rows past @n blank); a row longer than the
 * display runs as a marquee at [lcd] scroll_ms. */
void ga_lcd_show(struct ga_lcd *lcd, const struct ga_span *lines, unsigned int n);
/* @head on the first row; @body, folded to ROM codes first, word-wrapped
 * over every row below it: broken at spaces, a word longer than a row
 * broken between characters (never inside a fallback such as € -> EUR).
 * What does not fit runs as a marquee on the last row, at scroll_ms; the
 * rows above it stay still. With 2 rows this is ga_lcd_show(): the body
 * is one row's marquee. */
void ga_lcd_show_text(struct ga_lcd *lcd, struct ga_span head,
		      struct ga_span body);
/* What row @row shows, as UTF-8: from the model for sim/term (what a
 * person would see), else from the driver's record of the panel. */
size_t ga_lcd_line(const struct ga_lcd *lcd, unsigned int row, char *out,
		   size_t size);
const char *ga_lcd_driver(const struct ga_lcd *lcd);
void ga_lcd_test_pattern(struct ga_lcd *lcd);
/* Redraw now, ignoring the per-step bound (tests, shutdown). */
void ga_lcd_flush(struct ga_lcd *lcd);
void ga_lcd_close(struct ga_lcd *lcd);

#endif /* GA_LCD_H */

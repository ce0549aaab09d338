/* hd44780_bus.h - byte transport under the HD44780 core.
 * Backends: pcf8574 (I2C backpack), gpio4 (RS/E/D4-D7 on GPIO lines), sim
 * (HD44780 + PCF8574 model), term (the model drawn in a terminal).
 * The core (hd44780.c) owns timing decisions; a backend only moves nibbles.
 */
#ifndef GA_HD44780_BUS_H
#define GA_HD44780_BUS_H

#include <stdbool.h>
#include <stddef.h>

struct ga_conf;
struct ga_hd44780_model;

struct ga_hd44780_bus_ops {
	const char *name;  /* [lcd] driver value that selects this backend */
	size_t priv_size;  /* backend state the core reserves at setup */
	/* Required. 0 or -errno (-ENODEV: not present; retried later). */
	int (*open)(void *priv, const struct ga_conf *conf);
	/* Required. One 4-bit transfer with its E pulse; @rs selects data
	 * (true) or instruction register. Blocks < 1 ms. 0 or -errno (-EIO). */
	int (*write4)(void *priv, unsigned int nibble, bool rs);
	/* Required. Wait at least @us; sim/term advance the model clock. */
	void (*delay_us)(void *priv, unsigned int us);
	/* Optional (NULL: no backlight control). 0 or -errno. */
	int (*backlight)(void *priv, bool on);
	/* Optional. Safe after a failed open, idempotent. */
	void (*close)(void *priv);
	/* Optional: a redraw is complete (term draws the panel). */
	void (*flush)(void *priv);
	/* Optional: the controller model behind sim/term, for read-back of
	 * what a person would see (lcd.lineN in docs/status.md). */
	const struct ga_hd44780_model *(*model)(const void *priv);
};

extern const struct ga_hd44780_bus_ops ga_hd44780_bus_pcf8574;
extern const struct ga_hd44780_bus_ops ga_hd44780_bus_gpio4;
extern const struct ga_hd44780_bus_ops ga_hd44780_bus_sim;
extern const struct ga_hd44780_bus_ops ga_hd44780_bus_term;

#endif /* GA_HD44780_BUS_H */

/* gpio4.c - [lcd] driver = hd44780-gpio: RS, E and D4-D7 wired straight
 * to GPIO lines of [gpio] chip ([lcd] pins, line offsets), RW tied to
 * ground, the backlight on its own supply (no control: there is no line for
 * it). The lines are one bank (drivers/gpio), so a nibble is three ioctls:
 * data with E low, E high, E low (the controller latches on E's falling
 * edge).
 *
 * Timing (HD44780U datasheet, 5 V): E high >= 230 ns, address setup >= 40
 * ns, data setup >= 80 ns, E cycle >= 500 ns. One GPIO ioctl takes a few
 * microseconds on a Pi (and the line change lands on the pin in that
 * time), so every minimum is met by the calls themselves; the core's
 * delay_us covers the 37 us / 1.52 ms execution times.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "gpio.h"
#include "hd44780_bus.h"
#include "log.h"

struct ga_gpio4 {
	const struct ga_gpio_bank_ops *bank;
	bool open;
	_Alignas(16) unsigned char bank_priv[GA_GPIO_BANK_PRIV_MAX];
};

static int ga_gpio4_open(void *priv, const struct ga_conf *conf)
{
	struct ga_gpio4 *g = priv;
	unsigned int off[GA_LCD_PINS];
	int err;

	g->bank = &ga_gpio_bank_gpiod;
	if (g->bank->priv_size > sizeof(g->bank_priv)) {
		return -ENOMEM; /* a build mistake, caught by test_gpio4 */
	}
	if (ga_conf_lcd_pins(conf->lcd.pins, off)) {
		ga_log(LOG_ERR, "lcd: pins '%s' must name rs, e, d4..d7",
		       conf->lcd.pins);
		return -EINVAL;
	}
	memset(g->bank_priv, 0, sizeof(g->bank_priv));
	err = g->bank->open(g->bank_priv, conf->gpio.chip, off, GA_LCD_PINS);
	if (err == -EBUSY) {
		ga_log(LOG_ERR, "lcd: a line of %s is in use by another program "
		       "or a kernel driver (pins %s)", conf->gpio.chip,
		       conf->lcd.pins);
	}
	g->open = err == 0;
	return err;
}

static int ga_gpio4_write4(void *priv, unsigned int nibble, bool rs)
{
	struct ga_gpio4 *g = priv;
	bool v[GA_LCD_PINS] = { [GA_LCD_PIN_RS] = rs };
	int err;

	for (int i = 0; i < 4; i++) {
		v[GA_LCD_PIN_D4 + i] = (nibble >> i) & 1u;
	}
	err = g->bank->set(g->bank_priv, v); /* setup, E low */
	if (!err) {
		v[GA_LCD_PIN_E] = true;
		err = g->bank->set(g->bank_priv, v);
	}
	if (!err) {
		v[GA_LCD_PIN_E] = false; /* falling edge: the controller latches */
		err = g->bank->set(g->bank_priv, v);
	}
	return err ? -EIO : 0;
}

static void ga_gpio4_delay(void *priv, unsigned int us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };

	(void)priv;
	/* three ioctls per nibble take ~10 us: sleep only for what is
	 * longer than that (instruction 37 us, clear 1.52 ms, init) */
	if (us > 10) {
		nanosleep(&ts, NULL);
	}
}

static void ga_gpio4_close(void *priv)
{
	struct ga_gpio4 *g = priv;

	if (g->open) {
		g->bank->close(g->bank_priv);
		g->open = false;
	}
}

const struct ga_hd44780_bus_ops ga_hd44780_bus_gpio4 = {
	.name = "hd44780-gpio",
	.priv_size = sizeof(struct ga_gpio4),
	.open = ga_gpio4_open,
	.write4 = ga_gpio4_write4,
	.delay_us = ga_gpio4_delay,
	.close = ga_gpio4_close,
};

/* gpio4.c - [lcd] driver = hd44780-gpio: RS, E, D4-D7 on GPIO lines.
 * NOT IMPLEMENTED YET: it needs the GPIO backend's line requests
 * (drivers/gpio). Opening fails with a clear log line; the daemon keeps
 * running (and retries), so a board configured for it still receives and
 * journals events. */
#include <errno.h>

#include "config.h"
#include "hd44780_bus.h"
#include "log.h"

static int ga_gpio4_open(void *priv, const struct ga_conf *conf)
{
	(void)priv;
	(void)conf;
	ga_log(LOG_ERR, "lcd: hd44780-gpio is not implemented in this build; "
	       "use hd44780-i2c");
	return -EOPNOTSUPP;
}

static int ga_gpio4_write4(void *priv, unsigned int nibble, bool rs)
{
	(void)priv;
	(void)nibble;
	(void)rs;
	return -EOPNOTSUPP;
}

static void ga_gpio4_delay(void *priv, unsigned int us)
{
	(void)priv;
	(void)us;
}

const struct ga_hd44780_bus_ops ga_hd44780_bus_gpio4 = {
	.name = "hd44780-gpio",
	.priv_size = 1,
	.open = ga_gpio4_open,
	.write4 = ga_gpio4_write4,
	.delay_us = ga_gpio4_delay,
};

/* pcf8574.c - the PCF8574 I2C backpack: wiring maps, nibble encoding, and
 * the hd44780-i2c bus backend on /dev/i2c-N. */
#include "pcf8574.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "hd44780_bus.h"
#include "log.h"

int ga_pcf8574_map_parse(const char *wiring, struct ga_pcf8574_map *m)
{
	unsigned int v[8], n = 0, seen = 0;
	const char *p;

	memset(m, 0, sizeof(*m));
	if (strcmp(wiring, "common") == 0) {
		*m = (struct ga_pcf8574_map){ .rs = 0, .rw = 1, .e = 2, .bl = 3,
					      .d = { 4, 5, 6, 7 } };
		return 0;
	}
	if (strcmp(wiring, "alt") == 0) { /* lcdproc's default, /BL */
		*m = (struct ga_pcf8574_map){ .rs = 4, .rw = 5, .e = 6, .bl = 7,
					      .d = { 0, 1, 2, 3 },
					      .bl_active_low = true };
		return 0;
	}
	if (strncmp(wiring, "bits", 4) != 0) {
		return -EINVAL;
	}
	for (p = wiring + 4; *p && n < 8; p++) {
		if (*p >= '0' && *p <= '7') {
			v[n] = (unsigned int)(*p - '0');
			if (seen & (1u << v[n])) {
				return -EINVAL;
			}
			seen |= 1u << v[n];
			n++;
		}
	}
	if (n != 8) {
		return -EINVAL;
	}
	*m = (struct ga_pcf8574_map){ .rs = (uint8_t)v[0], .rw = (uint8_t)v[1],
				      .e = (uint8_t)v[2], .bl = (uint8_t)v[3],
				      .d = { (uint8_t)v[4], (uint8_t)v[5],
					     (uint8_t)v[6], (uint8_t)v[7] } };
	return 0;
}

uint8_t ga_pcf8574_idle(const struct ga_pcf8574_map *m, bool bl)
{
	return (uint8_t)((bl != m->bl_active_low) ? 1u << m->bl : 0);
}

size_t ga_pcf8574_nibble(const struct ga_pcf8574_map *m, unsigned int nibble,
			 bool rs, bool bl, uint8_t out[2])
{
	uint8_t b = ga_pcf8574_idle(m, bl);

	for (int i = 0; i < 4; i++) {
		if (nibble & (1u << i)) {
			b |= (uint8_t)(1u << m->d[i]);
		}
	}
	if (rs) {
		b |= (uint8_t)(1u << m->rs);
	}
	out[0] = (uint8_t)(b | 1u << m->e);
	out[1] = b;
	return 2;
}

/* ---- the /dev/i2c-N backend ------------------------------------------- */

struct ga_pcf8574_i2c {
	int fd;
	struct ga_pcf8574_map map;
	bool bl;
	int addr;
};

static int ga_pcf8574_try(int fd, int addr, uint8_t idle)
{
	if (ioctl(fd, I2C_SLAVE, addr) < 0) {
		/* EBUSY: a kernel driver (hd44780-i2c-lcd overlay, pcf857x)
		 * owns the chip */
		return -errno;
	}
	return write(fd, &idle, 1) == 1 ? 0 : -errno;
}

static int ga_pcf8574_open(void *priv, const struct ga_conf *conf)
{
	struct ga_pcf8574_i2c *p = priv;
	static const int probe[] = { 0x27, 0x3f }; /* PCF8574T, PCF8574AT */
	int err = -ENODEV;

	p->fd = -1;
	if (ga_pcf8574_map_parse(conf->lcd.wiring, &p->map)) {
		return -EINVAL;
	}
	p->bl = true;
	p->fd = open(conf->lcd.i2c_bus, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		return -errno;
	}
	if (conf->lcd.address >= 0) {
		p->addr = conf->lcd.address;
		err = ga_pcf8574_try(p->fd, p->addr, ga_pcf8574_idle(&p->map, true));
	} else {
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			p->addr = probe[i];
			err = ga_pcf8574_try(p->fd, p->addr,
					     ga_pcf8574_idle(&p->map, true));
			if (err == 0 || err == -EBUSY) {
				break;
			}
		}
	}
	if (err == -EBUSY) {
		ga_log(LOG_ERR, "lcd: %s address 0x%02x is owned by a kernel driver "
		       "(hd44780-i2c-lcd overlay or pcf857x?); unload it",
		       conf->lcd.i2c_bus, p->addr);
	}
	if (err) {
		close(p->fd);
		p->fd = -1;
	}
	return err;
}

static int ga_pcf8574_write4(void *priv, unsigned int nibble, bool rs)
{
	struct ga_pcf8574_i2c *p = priv;
	uint8_t b[2];

	ga_pcf8574_nibble(&p->map, nibble, rs, p->bl, b);
	/* one transaction, two data bytes: the expander latches each */
	return write(p->fd, b, 2) == 2 ? 0 : -EIO;
}

static void ga_pcf8574_delay(void *priv, unsigned int us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };

	(void)priv;
	/* the ~180 us a nibble takes on a 100 kHz bus already covers the
	 * 37 us instruction time; only clear/home and init need a sleep */
	if (us > 100) {
		nanosleep(&ts, NULL);
	}
}

static int ga_pcf8574_backlight(void *priv, bool on)
{
	struct ga_pcf8574_i2c *p = priv;
	uint8_t b = ga_pcf8574_idle(&p->map, on);

	p->bl = on;
	return write(p->fd, &b, 1) == 1 ? 0 : -EIO;
}

static void ga_pcf8574_close(void *priv)
{
	struct ga_pcf8574_i2c *p = priv;

	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
}

const struct ga_hd44780_bus_ops ga_hd44780_bus_pcf8574 = {
	.name = "hd44780-i2c",
	.priv_size = sizeof(struct ga_pcf8574_i2c),
	.open = ga_pcf8574_open,
	.write4 = ga_pcf8574_write4,
	.delay_us = ga_pcf8574_delay,
	.backlight = ga_pcf8574_backlight,
	.close = ga_pcf8574_close,
};

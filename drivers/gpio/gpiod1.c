/* gpiod1.c - [gpio] driver = gpiod on libgpiod 1.6 (Debian 12). Chip by
 * name, path, label or number (gpiod_chip_open_lookup), outputs requested
 * for the daemon's whole life (libgpiod releases lines when the process exits),
 * the button as a rising-edge event line (logical: with active_low the
 * kernel inverts, so a press to ground is a rising edge) with a pull-up
 * when active_low. v1 has no debounce; gpio.c does it in software. */
#include <errno.h>
#include <gpiod.h>
#include <string.h>

#include "gpio.h"

#define GA_GPIOD_CONSUMER "gridalertd"

struct ga_gpiod1 {
	struct gpiod_chip *chip;
	struct gpiod_line *out[GA_OUT__COUNT];
	struct gpiod_line *button;
};

static void ga_gpiod1_close(void *priv)
{
	struct ga_gpiod1 *p = priv;

	for (int o = 0; o < GA_OUT__COUNT; o++) {
		if (p->out[o]) {
			gpiod_line_release(p->out[o]);
			p->out[o] = NULL;
		}
	}
	if (p->button) {
		gpiod_line_release(p->button);
		p->button = NULL;
	}
	if (p->chip) {
		gpiod_chip_close(p->chip);
		p->chip = NULL;
	}
}

static int ga_gpiod1_open(void *priv, const struct ga_conf *conf)
{
	struct ga_gpiod1 *p = priv;
	int err;

	p->chip = gpiod_chip_open_lookup(conf->gpio.chip);
	if (!p->chip) {
		return errno ? -errno : -ENODEV;
	}
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		const struct ga_conf_line *l = &conf->gpio.out[o];

		if (l->offset < 0) {
			continue;
		}
		p->out[o] = gpiod_chip_get_line(p->chip, (unsigned int)l->offset);
		if (!p->out[o] ||
		    gpiod_line_request_output_flags(p->out[o], GA_GPIOD_CONSUMER,
			    l->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0,
			    0) < 0) {
			err = errno ? -errno : -EINVAL;
			p->out[o] = NULL;
			ga_gpiod1_close(p);
			return err;
		}
	}
	if (conf->gpio.ack_button.offset >= 0) {
		int flags = conf->gpio.ack_button.active_low
				    ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW |
					      GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
				    : 0;

		p->button = gpiod_chip_get_line(p->chip,
						(unsigned int)conf->gpio.ack_button.offset);
		if (!p->button ||
		    gpiod_line_request_rising_edge_events_flags(p->button,
								GA_GPIOD_CONSUMER,
								flags) < 0) {
			err = errno ? -errno : -EINVAL;
			p->button = NULL;
			ga_gpiod1_close(p);
			return err;
		}
	}
	return 0;
}

static int ga_gpiod1_set(void *priv, enum ga_output o, bool on)
{
	struct ga_gpiod1 *p = priv;

	if (!p->out[o]) {
		return 0;
	}
	return gpiod_line_set_value(p->out[o], on ? 1 : 0) < 0 ? -errno : 0;
}

static int ga_gpiod1_button_fd(void *priv)
{
	struct ga_gpiod1 *p = priv;

	return p->button ? gpiod_line_event_get_fd(p->button) : -1;
}

static int ga_gpiod1_button_read(void *priv, unsigned int *presses)
{
	struct ga_gpiod1 *p = priv;
	struct gpiod_line_event ev[16];
	int n;

	*presses = 0;
	if (!p->button) {
		return 0;
	}
	n = gpiod_line_event_read_multiple(p->button, ev, 16);
	if (n < 0) {
		return errno == EAGAIN ? 0 : -errno;
	}
	for (int i = 0; i < n; i++) {
		if (ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE) {
			(*presses)++;
		}
	}
	return 0;
}

const struct ga_gpio_ops ga_gpio_gpiod = {
	.name = "gpiod",
	.priv_size = sizeof(struct ga_gpiod1),
	.open = ga_gpiod1_open,
	.set = ga_gpiod1_set,
	.button_fd = ga_gpiod1_button_fd,
	.button_read = ga_gpiod1_button_read,
	.close = ga_gpiod1_close,
};

/* ---- output bank (hd44780-gpio) ------------------------------------------ */

struct ga_gpiod1_bank {
	struct gpiod_chip *chip;
	struct gpiod_line_bulk bulk;
	unsigned int n;
	bool requested;
};

static void ga_gpiod1_bank_close(void *priv)
{
	struct ga_gpiod1_bank *b = priv;

	if (b->requested) {
		gpiod_line_release_bulk(&b->bulk);
		b->requested = false;
	}
	if (b->chip) {
		gpiod_chip_close(b->chip);
		b->chip = NULL;
	}
}

static int ga_gpiod1_bank_open(void *priv, const char *chip,
			       const unsigned int *offsets, unsigned int n)
{
	struct ga_gpiod1_bank *b = priv;
	int zeros[GA_GPIO_BANK_MAX] = { 0 };
	int err;

	if (n > GA_GPIO_BANK_MAX) {
		return -EINVAL;
	}
	b->n = n;
	b->chip = gpiod_chip_open_lookup(chip);
	if (!b->chip) {
		return errno ? -errno : -ENODEV;
	}
	if (gpiod_chip_get_lines(b->chip, (unsigned int *)offsets, n, &b->bulk) < 0 ||
	    gpiod_line_request_bulk_output(&b->bulk, GA_GPIOD_CONSUMER, zeros) < 0) {
		err = errno ? -errno : -EINVAL;
		ga_gpiod1_bank_close(b);
		return err;
	}
	b->requested = true;
	return 0;
}

static int ga_gpiod1_bank_set(void *priv, const bool *values)
{
	struct ga_gpiod1_bank *b = priv;
	int v[GA_GPIO_BANK_MAX];

	for (unsigned int i = 0; i < b->n; i++) {
		v[i] = values[i] ? 1 : 0;
	}
	return gpiod_line_set_value_bulk(&b->bulk, v) < 0 ? -errno : 0;
}

const struct ga_gpio_bank_ops ga_gpio_bank_gpiod = {
	.priv_size = sizeof(struct ga_gpiod1_bank),
	.open = ga_gpiod1_bank_open,
	.set = ga_gpiod1_bank_set,
	.close = ga_gpiod1_bank_close,
};

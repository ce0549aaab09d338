/* gpiod2.c - [gpio] driver = gpiod on libgpiod 2.x (what Buildroot ships
 * for kernel headers >= 5.10). v2 has no open-by-name/label (libgpiod
 * 2.x include/gpiod.h): the chip is a path, a gpiochipN name, or a label found by
 * walking /dev/gpiochip*. Outputs are one request held for the daemon's
 * life; the button is a second request with rising-edge detection (logical,
 * so active_low presses to ground are rising edges) and the kernel's
 * debouncer where available (kernel >= 5.10; gpio.c debounces too). */
#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>

#include "gpio.h"

#define GA_GPIOD_CONSUMER "gridalertd"
/* Edge events read per readable poll: a bouncing contact makes a handful. */
#define GA_GPIOD2_EVENTS 16

struct ga_gpiod2 {
	struct gpiod_chip *chip;
	struct gpiod_line_request *out;
	struct gpiod_line_request *button;
	struct gpiod_edge_event_buffer *events; /* allocated at open (setup) */
	int offset[GA_OUT__COUNT];
};

static struct gpiod_chip *ga_gpiod2_open_chip(const char *spec)
{
	char path[300];
	struct dirent *de;
	DIR *dir;

	if (spec[0] == '/') {
		return gpiod_chip_open(spec);
	}
	if (strncmp(spec, "gpiochip", 8) == 0) {
		snprintf(path, sizeof(path), "/dev/%s", spec);
		return gpiod_chip_open(path);
	}
	dir = opendir("/dev");
	if (!dir) {
		return NULL;
	}
	while ((de = readdir(dir))) {
		struct gpiod_chip *chip;
		struct gpiod_chip_info *info;
		bool match;

		if (strncmp(de->d_name, "gpiochip", 8) != 0) {
			continue;
		}
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		chip = gpiod_chip_open(path);
		if (!chip) {
			continue;
		}
		info = gpiod_chip_get_info(chip);
		match = info && strcmp(gpiod_chip_info_get_label(info), spec) == 0;
		gpiod_chip_info_free(info);
		if (match) {
			closedir(dir);
			return chip;
		}
		gpiod_chip_close(chip);
	}
	closedir(dir);
	errno = ENODEV;
	return NULL;
}

static void ga_gpiod2_close(void *priv)
{
	struct ga_gpiod2 *p = priv;

	if (p->out) {
		gpiod_line_request_release(p->out);
		p->out = NULL;
	}
	if (p->button) {
		gpiod_line_request_release(p->button);
		p->button = NULL;
	}
	if (p->events) {
		gpiod_edge_event_buffer_free(p->events);
		p->events = NULL;
	}
	if (p->chip) {
		gpiod_chip_close(p->chip);
		p->chip = NULL;
	}
}

/* One request for @n lines with @settings per line (active_low varies). */
static struct gpiod_line_request *ga_gpiod2_request(struct gpiod_chip *chip,
						    const struct ga_conf_line *lines,
						    unsigned int n, bool input,
						    unsigned int debounce_ms)
{
	struct gpiod_line_request *req = NULL;
	struct gpiod_request_config *rc = gpiod_request_config_new();
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_line_settings *ls = gpiod_line_settings_new();

	if (!rc || !lc || !ls) {
		goto out;
	}
	gpiod_request_config_set_consumer(rc, GA_GPIOD_CONSUMER);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int off;

		if (lines[i].offset < 0) {
			continue;
		}
		off = (unsigned int)lines[i].offset;
		gpiod_line_settings_reset(ls);
		gpiod_line_settings_set_active_low(ls, lines[i].active_low);
		if (input) {
			gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
			gpiod_line_settings_set_edge_detection(ls, GPIOD_LINE_EDGE_RISING);
			if (lines[i].active_low) {
				gpiod_line_settings_set_bias(ls, GPIOD_LINE_BIAS_PULL_UP);
			}
			gpiod_line_settings_set_debounce_period_us(ls,
				(unsigned long)debounce_ms * 1000u);
		} else {
			gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
			gpiod_line_settings_set_output_value(ls, GPIOD_LINE_VALUE_INACTIVE);
		}
		if (gpiod_line_config_add_line_settings(lc, &off, 1, ls) < 0) {
			goto out;
		}
	}
	req = gpiod_chip_request_lines(chip, rc, lc);
out:
	gpiod_line_settings_free(ls);
	gpiod_line_config_free(lc);
	gpiod_request_config_free(rc);
	return req;
}

static int ga_gpiod2_open(void *priv, const struct ga_conf *conf)
{
	struct ga_gpiod2 *p = priv;
	bool any = false;
	int err;

	p->chip = ga_gpiod2_open_chip(conf->gpio.chip);
	if (!p->chip) {
		return errno ? -errno : -ENODEV;
	}
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		p->offset[o] = conf->gpio.out[o].offset;
		any |= p->offset[o] >= 0;
	}
	if (any) {
		p->out = ga_gpiod2_request(p->chip, conf->gpio.out, GA_OUT__COUNT,
					   false, 0);
		if (!p->out) {
			goto fail;
		}
	}
	if (conf->gpio.ack_button.offset >= 0) {
		p->button = ga_gpiod2_request(p->chip, &conf->gpio.ack_button, 1,
					      true, conf->gpio.debounce_ms);
		p->events = gpiod_edge_event_buffer_new(GA_GPIOD2_EVENTS);
		if (!p->button || !p->events) {
			goto fail;
		}
	}
	return 0;
fail:
	err = errno ? -errno : -EINVAL;
	ga_gpiod2_close(p);
	return err;
}

static int ga_gpiod2_set(void *priv, enum ga_output o, bool on)
{
	struct ga_gpiod2 *p = priv;

	if (!p->out || p->offset[o] < 0) {
		return 0;
	}
	return gpiod_line_request_set_value(p->out, (unsigned int)p->offset[o],
					    on ? GPIOD_LINE_VALUE_ACTIVE
					       : GPIOD_LINE_VALUE_INACTIVE) < 0
		       ? -errno
		       : 0;
}

static int ga_gpiod2_button_fd(void *priv)
{
	struct ga_gpiod2 *p = priv;

	return p->button ? gpiod_line_request_get_fd(p->button) : -1;
}

static int ga_gpiod2_button_read(void *priv, unsigned int *presses)
{
	struct ga_gpiod2 *p = priv;
	int n;

	*presses = 0;
	if (!p->button) {
		return 0;
	}
	n = gpiod_line_request_read_edge_events(p->button, p->events,
						GA_GPIOD2_EVENTS);
	if (n < 0) {
		return errno == EAGAIN ? 0 : -errno;
	}
	for (int i = 0; i < n; i++) {
		struct gpiod_edge_event *ev =
			gpiod_edge_event_buffer_get_event(p->events, (unsigned long)i);

		if (gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE) {
			(*presses)++;
		}
	}
	return 0;
}

const struct ga_gpio_ops ga_gpio_gpiod = {
	.name = "gpiod",
	.priv_size = sizeof(struct ga_gpiod2),
	.open = ga_gpiod2_open,
	.set = ga_gpiod2_set,
	.button_fd = ga_gpiod2_button_fd,
	.button_read = ga_gpiod2_button_read,
	.close = ga_gpiod2_close,
};

/* ---- output bank (hd44780-gpio) ------------------------------------------ */

struct ga_gpiod2_bank {
	struct gpiod_chip *chip;
	struct gpiod_line_request *req;
	unsigned int n;
};

static void ga_gpiod2_bank_close(void *priv)
{
	struct ga_gpiod2_bank *b = priv;

	if (b->req) {
		gpiod_line_request_release(b->req);
		b->req = NULL;
	}
	if (b->chip) {
		gpiod_chip_close(b->chip);
		b->chip = NULL;
	}
}

static int ga_gpiod2_bank_open(void *priv, const char *chip,
			       const unsigned int *offsets, unsigned int n)
{
	struct ga_gpiod2_bank *b = priv;
	struct ga_conf_line lines[GA_GPIO_BANK_MAX];
	int err;

	if (n > GA_GPIO_BANK_MAX) {
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++) {
		lines[i] = (struct ga_conf_line){ .offset = (int)offsets[i] };
	}
	b->n = n;
	b->chip = ga_gpiod2_open_chip(chip);
	if (!b->chip) {
		return errno ? -errno : -ENODEV;
	}
	b->req = ga_gpiod2_request(b->chip, lines, n, false, 0);
	if (!b->req) {
		err = errno ? -errno : -EINVAL;
		ga_gpiod2_bank_close(b);
		return err;
	}
	return 0;
}

static int ga_gpiod2_bank_set(void *priv, const bool *values)
{
	struct ga_gpiod2_bank *b = priv;
	enum gpiod_line_value v[GA_GPIO_BANK_MAX];

	for (unsigned int i = 0; i < b->n; i++) {
		v[i] = values[i] ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
	}
	/* values in the order the offsets were added to the request */
	return gpiod_line_request_set_values(b->req, v) < 0 ? -errno : 0;
}

const struct ga_gpio_bank_ops ga_gpio_bank_gpiod = {
	.priv_size = sizeof(struct ga_gpiod2_bank),
	.open = ga_gpiod2_bank_open,
	.set = ga_gpiod2_bank_set,
	.close = ga_gpiod2_bank_close,
};

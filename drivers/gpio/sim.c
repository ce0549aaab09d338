/* sim.c - [gpio] driver = sim: line levels kept here (status shows them
 * as gpio.<name>), and the button behind an eventfd that the loop polls
 * exactly like a libgpiod edge-event fd, so `sim press` takes the same
 * path (debounce included) as a real press. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gpio.h"
#include "log.h"

struct ga_gpio_sim_priv {
	int efd;
	bool level[GA_OUT__COUNT];
	bool wired[GA_OUT__COUNT];
	bool term; /* make run: draw the outputs under the terminal LCD */
};

/* One line, rewritten in place: a lit output in colour, a dark one dim.
 * Only on a terminal with [lcd] driver = term (make run). */
static void ga_gsim_draw(const struct ga_gpio_sim_priv *s)
{
	static const char *const on_colour[GA_OUT__COUNT] = {
		"\033[1;32m", "\033[1;31m", "\033[1;34m", "\033[1;33m",
	};

	printf("\r\033[K");
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		if (!s->wired[o]) {
			continue;
		}
		printf("%s%s %s\033[0m  ", s->level[o] ? on_colour[o % 4] : "\033[2m",
		       s->level[o] ? "\xe2\x97\x8f" : "\xe2\x97\x8b", /* ● ○ */
		       ga_output_name((enum ga_output)o));
	}
	fflush(stdout);
	ga_log_tty_partial(true); /* a log line starts on a new line */
}

static int ga_gsim_open(void *priv, const struct ga_conf *conf)
{
	struct ga_gpio_sim_priv *s = priv;

	for (int o = 0; o < GA_OUT__COUNT; o++) {
		s->wired[o] = conf->gpio.out[o].offset >= 0;
		s->level[o] = false;
	}
	s->term = strcmp(conf->lcd.driver, "term") == 0 && isatty(STDOUT_FILENO);
	s->efd = conf->gpio.ack_button.offset >= 0
			 ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)
			 : -1;
	return 0;
}

static int ga_gsim_set(void *priv, enum ga_output o, bool on)
{
	struct ga_gpio_sim_priv *s = priv;

	if (s->wired[o] && s->level[o] != on) {
		s->level[o] = on;
		if (s->term) {
			ga_gsim_draw(s);
		}
	}
	return 0;
}

static int ga_gsim_button_fd(void *priv)
{
	return ((struct ga_gpio_sim_priv *)priv)->efd;
}

static int ga_gsim_button_read(void *priv, unsigned int *presses)
{
	struct ga_gpio_sim_priv *s = priv;
	uint64_t n = 0;

	*presses = 0;
	if (s->efd >= 0 && read(s->efd, &n, sizeof(n)) == (ssize_t)sizeof(n)) {
		*presses = (unsigned int)n;
	}
	return 0;
}

static int ga_gsim_press(void *priv)
{
	struct ga_gpio_sim_priv *s = priv;
	uint64_t one = 1;

	if (s->efd < 0) {
		return -ENOENT; /* ack_button not wired */
	}
	return write(s->efd, &one, sizeof(one)) == (ssize_t)sizeof(one) ? 0 : -errno;
}

static void ga_gsim_close(void *priv)
{
	struct ga_gpio_sim_priv *s = priv;

	if (s->efd >= 0) {
		close(s->efd);
		s->efd = -1;
	}
}

const struct ga_gpio_ops ga_gpio_sim = {
	.name = "sim",
	.priv_size = sizeof(struct ga_gpio_sim_priv),
	.open = ga_gsim_open,
	.set = ga_gsim_set,
	.button_fd = ga_gsim_button_fd,
	.button_read = ga_gsim_button_read,
	.press = ga_gsim_press,
	.close = ga_gsim_close,
};

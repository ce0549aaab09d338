/* gpio.c - backend selection, debounce, retry (see gpio.h). */
#include "gpio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void ga_gpio_init(struct ga_gpio *g)
{
	memset(g, 0, sizeof(*g));
	g->button.fd = -1;
	g->button.idx = -1;
	g->state = "none";
}

static void ga_gpio_retry_cb(struct ga_timer *t);

static void ga_gpio_fail(struct ga_gpio *g, int err, const char *what)
{
	if (g->present || g->retry_ms == 0) {
		ga_log(LOG_WARNING, "gpio %s (%s): %s: %s; retrying", g->ops->name,
		       g->conf->gpio.chip, what, strerror(-err));
	}
	if (g->button.idx >= 0) {
		ga_loop_fd_del(g->loop, &g->button);
	}
	if (g->ops->close) {
		g->ops->close(g->priv);
	}
	g->present = false;
	g->state = "absent (retrying)";
	g->retry_ms = g->retry_ms ? g->retry_ms * 2 : GA_GPIO_RETRY_MIN_MS;
	if (g->retry_ms > GA_GPIO_RETRY_MAX_MS) {
		g->retry_ms = GA_GPIO_RETRY_MAX_MS;
	}
	ga_timer_set(g->loop, &g->retry, g->retry_ms);
}

static void ga_gpio_button_cb(struct ga_fd *f, short revents)
{
	struct ga_gpio *g = ga_container_of(f, struct ga_gpio, button);
	unsigned int n = 0;
	uint64_t now = ga_loop_now_ms(g->loop);
	int err;

	(void)revents;
	err = g->ops->button_read(g->priv, &n);
	if (err) {
		ga_gpio_fail(g, err, "button");
		return;
	}
	if (n == 0) {
		return;
	}
	/* Software debounce (libgpiod 1.6 has none): a contact bounces for
	 * a few ms; edges inside debounce_ms of the last press are one press. */
	if (g->pressed_once && now - g->last_press_ms < g->conf->gpio.debounce_ms) {
		g->bounces += n;
		return;
	}
	g->bounces += n - 1;
	g->pressed_once = true;
	g->last_press_ms = now;
	g->presses++;
	if (g->on_press) {
		g->on_press(g->arg);
	}
}

static int ga_gpio_open(struct ga_gpio *g)
{
	int err = g->ops->open(g->priv, g->conf);
	int fd;

	if (err) {
		ga_gpio_fail(g, err, "open");
		return err;
	}
	fd = g->ops->button_fd(g->priv);
	if (fd >= 0) {
		g->button.fd = fd;
		g->button.events = POLLIN;
		g->button.cb = ga_gpio_button_cb;
		err = ga_loop_fd_add(g->loop, &g->button);
		if (err) {
			ga_gpio_fail(g, err, "button fd");
			return err;
		}
	}
	if (g->retry_ms) {
		ga_log(LOG_NOTICE, "gpio %s: present again", g->ops->name);
	}
	g->retry_ms = 0;
	g->present = true;
	g->state = "ok";
	/* restore what the alarms want after a (re)open */
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		(void)g->ops->set(g->priv, (enum ga_output)o, g->level[o]);
	}
	return 0;
}

static void ga_gpio_retry_cb(struct ga_timer *t)
{
	struct ga_gpio *g = ga_container_of(t, struct ga_gpio, retry);

	(void)ga_gpio_open(g);
}

int ga_gpio_setup(struct ga_gpio *g, const struct ga_conf *conf,
		  struct ga_loop *loop, void (*on_press)(void *arg), void *arg)
{
	g->conf = conf;
	g->loop = loop;
	g->on_press = on_press;
	g->arg = arg;
	g->retry.cb = ga_gpio_retry_cb;
	if (strcmp(conf->gpio.driver, "none") == 0) {
		return 0;
	}
	if (strcmp(conf->gpio.driver, "sim") == 0) {
		g->ops = &ga_gpio_sim;
	} else if (strcmp(conf->gpio.driver, "gpiod") == 0) {
		g->ops = &ga_gpio_gpiod;
	} else {
		return -EINVAL;
	}
	g->priv = calloc(1, g->ops->priv_size); /* setup-only */
	if (!g->priv) {
		return -ENOMEM;
	}
	(void)ga_gpio_open(g);
	return 0;
}

void ga_gpio_set(struct ga_gpio *g, enum ga_output o, bool on)
{
	int err;

	g->level[o] = on;
	if (!g->present) {
		return;
	}
	err = g->ops->set(g->priv, o, on);
	if (err) {
		ga_gpio_fail(g, err, "set");
	}
}

const char *ga_gpio_driver(const struct ga_gpio *g)
{
	return g->ops ? g->ops->name : "none";
}

int ga_gpio_sim_press(struct ga_gpio *g, struct ga_span button)
{
	if (!g->ops || !g->ops->press) {
		return -EOPNOTSUPP;
	}
	if (!ga_span_eq(button, GA_SPAN_LIT("ack_button"))) {
		return -ENOENT;
	}
	return g->ops->press(g->priv);
}

void ga_gpio_close(struct ga_gpio *g)
{
	if (g->loop) {
		ga_timer_cancel(g->loop, &g->retry);
		if (g->button.idx >= 0) {
			ga_loop_fd_del(g->loop, &g->button);
		}
	}
	if (g->ops && g->priv && g->ops->close) {
		g->ops->close(g->priv);
	}
	free(g->priv);
	g->priv = NULL;
}

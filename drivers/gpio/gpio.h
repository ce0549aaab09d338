/* gpio.h - alarm outputs (LEDs, buzzer) and the acknowledge button over
 * a backend picked by [gpio] driver: gpiod (libgpiod 1.6 or 2.x, chosen at
 * build time), sim (simulated lines: levels in status, `sim press`), none.
 * Only drivers/gpio/gpiod*.c see libgpiod (its errno stays there). A missing chip
 * or busy line is logged once and retried with backoff.
 */
#ifndef GA_GPIO_H
#define GA_GPIO_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "config.h"
#include "loop.h"

struct ga_gpio_ops {
	const char *name;
	size_t priv_size;
	/* Required. Open the chip, request the wired outputs (initially
	 * inactive) and the button as an edge-event input. 0 or -errno:
	 * -ENODEV no chip, -EBUSY line taken, -EINVAL bad offset. Blocks
	 * briefly (ioctls). */
	int (*open)(void *priv, const struct ga_conf *conf);
	/* Required. Drive @o (logical: active_low is the backend's job).
	 * Non-blocking ioctl. 0 or -errno. Unwired outputs: 0. */
	int (*set)(void *priv, enum ga_output o, bool on);
	/* Required. An fd that becomes readable on button edges, or -1. */
	int (*button_fd)(void *priv);
	/* Required. Consume pending edges; *presses = press edges seen. */
	int (*button_read)(void *priv, unsigned int *presses);
	/* Optional (sim only): press the button from `sim press`. */
	int (*press)(void *priv);
	/* Optional. NULL-safe, idempotent. */
	void (*close)(void *priv);
};

extern const struct ga_gpio_ops ga_gpio_sim;
extern const struct ga_gpio_ops ga_gpio_gpiod;

/* A bank of output lines driven together: the HD44780's RS, E and D4-D7
 * for [lcd] driver = hd44780-gpio (drivers/lcd/gpio4.c). Requested for the
 * daemon's life, initially low, every set one ioctl for all of them. */
#define GA_GPIO_BANK_MAX 8
/* Backend state, kept by the caller: libgpiod 1.6's line bulk is 64
 * pointers (520 bytes). */
#define GA_GPIO_BANK_PRIV_MAX 640

struct ga_gpio_bank_ops {
	size_t priv_size;
	/* Open @chip (as [gpio] chip: name, path or label) and request
	 * @offsets[@n] as outputs. 0 or -errno (-ENODEV, -EBUSY, -EINVAL). */
	int (*open)(void *priv, const char *chip, const unsigned int *offsets,
		    unsigned int n);
	/* Set all lines, @values[i] for @offsets[i]. 0 or -errno. */
	int (*set)(void *priv, const bool *values);
	/* NULL-safe, idempotent. */
	void (*close)(void *priv);
};

extern const struct ga_gpio_bank_ops ga_gpio_bank_gpiod;

#define GA_GPIO_RETRY_MIN_MS 1000u
#define GA_GPIO_RETRY_MAX_MS 60000u

struct ga_gpio {
	const struct ga_conf *conf;
	struct ga_loop *loop;
	const struct ga_gpio_ops *ops;
	void *priv;
	bool present;
	const char *state;
	bool level[GA_OUT__COUNT];
	struct ga_fd button;
	struct ga_timer retry;
	unsigned int retry_ms;
	uint64_t last_press_ms;
	bool pressed_once;
	void (*on_press)(void *arg);
	void *arg;
	unsigned long presses;
	unsigned long bounces; /* edges dropped by the debounce window */
};

void ga_gpio_init(struct ga_gpio *g);
/* -EINVAL for an unknown driver; a missing chip is retried, not fatal. */
GA_MUST_CHECK int ga_gpio_setup(struct ga_gpio *g, const struct ga_conf *conf,
				struct ga_loop *loop,
				void (*on_press)(void *arg), void *arg);
void ga_gpio_set(struct ga_gpio *g, enum ga_output o, bool on);
const char *ga_gpio_driver(const struct ga_gpio *g);
/* `gridalertctl sim press ack_button`: only with driver = sim. */
GA_MUST_CHECK int ga_gpio_sim_press(struct ga_gpio *g, struct ga_span button);
void ga_gpio_close(struct ga_gpio *g);

#endif /* GA_GPIO_H */

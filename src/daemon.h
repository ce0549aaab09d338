/* daemon.h - gridalertd's parts wired together: one struct holding every
 * module, reserved at setup. main() only parses flags and calls these.
 */
#ifndef GA_DAEMON_H
#define GA_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

struct ga_daemon;

struct ga_daemon_opts {
	const char *conf_path;
	bool foreground;
};

/* Allocate and set everything up; NULL on failure (logged). */
struct ga_daemon *ga_daemon_new(const struct ga_daemon_opts *opts);
/* Run until SIGTERM/SIGINT; returns the exit status. */
int ga_daemon_run(struct ga_daemon *d);
void ga_daemon_free(struct ga_daemon *d);

/* `gridalertd -t`: check config, files and certificate without touching
 * hardware; every problem printed as one line to stderr. 0 or 1. */
int ga_daemon_check(const char *conf_path);

#endif /* GA_DAEMON_H */

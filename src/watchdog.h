/* watchdog.h - telling supervisors we are alive ([system]
 * watchdog, docs/configuration.md): the hardware watchdog device and
 * systemd's notify socket, both fed from the one loop, so a hung loop
 * stops the feeding and the board or the service restarts.
 *
 * Device: any write pets it; "V" before close disarms it (the magic close),
 * done only on a clean exit, so a crash or kill -9 still ends in a reset.
 * The bcm2835 watchdog on every Pi allows ~15 s at most; we pet at a third
 * of the timeout the driver reports (5 s when it reports none).
 *
 * Notify: when NOTIFY_SOCKET is set (systemd Type=notify): READY=1 once
 * serving, STOPPING=1 on the way out, and WATCHDOG=1 at half of
 * WATCHDOG_USEC (sd_watchdog_enabled(3)). A plain datagram, no libsystemd.
 */
#ifndef GA_WATCHDOG_H
#define GA_WATCHDOG_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common.h"
#include "loop.h"

#define GA_WATCHDOG_DEFAULT_TIMEOUT_S 15

struct ga_watchdog {
	struct ga_loop *loop;
	int dev_fd;
	char dev[108];
	unsigned int dev_period_ms;
	struct ga_timer dev_timer;
	int notify_fd;
	struct sockaddr_un notify_addr;
	socklen_t notify_len;
	unsigned int notify_period_ms; /* 0: no WATCHDOG=1 wanted */
	struct ga_timer notify_timer;
	unsigned long pets;
	unsigned long notifies;
};

void ga_watchdog_init(struct ga_watchdog *w);
/* Open @device (empty: none) and NOTIFY_SOCKET (when set). The device
 * failing to open is an error (the config asked for it): -errno. */
GA_MUST_CHECK int ga_watchdog_setup(struct ga_watchdog *w, struct ga_loop *loop,
				    const char *device);
/* READY=1 (and STATUS=@status). */
void ga_watchdog_ready(struct ga_watchdog *w, const char *status);
/* STOPPING=1. */
void ga_watchdog_stopping(struct ga_watchdog *w);
/* Stop feeding; @clean: disarm the device with the magic close. */
void ga_watchdog_close(struct ga_watchdog *w, bool clean);
/* For status: "off", "/dev/watchdog every 5000 ms", ... */
const char *ga_watchdog_describe(const struct ga_watchdog *w, char *buf,
				 size_t size);

#endif /* GA_WATCHDOG_H */

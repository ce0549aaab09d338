/* watchdog.c - see watchdog.h. */
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

void ga_watchdog_init(struct ga_watchdog *w)
{
	memset(w, 0, sizeof(*w));
	w->dev_fd = -1;
	w->notify_fd = -1;
}

static void ga_watchdog_pet(struct ga_timer *t)
{
	struct ga_watchdog *w = ga_container_of(t, struct ga_watchdog, dev_timer);

	/* Any byte but 'V' pets; a failed write is logged once by the
	 * kernel's reset soon enough, nothing to retry. */
	if (write(w->dev_fd, "k", 1) == 1) {
		w->pets++;
	}
	ga_timer_set(w->loop, &w->dev_timer, w->dev_period_ms);
}

static void ga_watchdog_send(struct ga_watchdog *w, const char *msg)
{
	if (w->notify_fd < 0) {
		return;
	}
	if (sendto(w->notify_fd, msg, strlen(msg), MSG_NOSIGNAL,
		   (const struct sockaddr *)&w->notify_addr, w->notify_len) > 0) {
		w->notifies++;
	}
}

static void ga_watchdog_notify(struct ga_timer *t)
{
	struct ga_watchdog *w = ga_container_of(t, struct ga_watchdog, notify_timer);

	ga_watchdog_send(w, "WATCHDOG=1");
	ga_timer_set(w->loop, &w->notify_timer, w->notify_period_ms);
}

static int ga_watchdog_device(struct ga_watchdog *w, const char *device)
{
	int timeout = 0;

	w->dev_fd = open(device, O_WRONLY | O_CLOEXEC);
	if (w->dev_fd < 0) {
		return -errno;
	}
	snprintf(w->dev, sizeof(w->dev), "%s", device);
	/* Keep the timeout the board set up (firmware, kernel command
	 * line); a regular file (tests) has none. */
	if (ioctl(w->dev_fd, WDIOC_GETTIMEOUT, &timeout) || timeout <= 0) {
		timeout = GA_WATCHDOG_DEFAULT_TIMEOUT_S;
	}
	w->dev_period_ms = (unsigned int)timeout * 1000u / 3u;
	if (w->dev_period_ms < 1000u) {
		w->dev_period_ms = 1000u;
	}
	ga_watchdog_pet(&w->dev_timer);
	ga_log(LOG_NOTICE, "watchdog %s: timeout %d s, petted every %u ms",
	       device, timeout, w->dev_period_ms);
	return 0;
}

/* NOTIFY_SOCKET: a path, or '@' for the abstract namespace. */
static void ga_watchdog_notify_open(struct ga_watchdog *w)
{
	const char *path = getenv("NOTIFY_SOCKET");
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	size_t len;

	if (!path || !path[0]) {
		return;
	}
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    len >= sizeof(w->notify_addr.sun_path)) {
		ga_log(LOG_WARNING, "NOTIFY_SOCKET %s: not usable", path);
		return;
	}
	w->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (w->notify_fd < 0) {
		return;
	}
	w->notify_addr.sun_family = AF_UNIX;
	memcpy(w->notify_addr.sun_path, path, len);
	if (path[0] == '@') {
		w->notify_addr.sun_path[0] = '\0';
	}
	w->notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	/* WATCHDOG_PID names the process meant (a shell wrapper's child
	 * must not answer for it). */
	if (usec && (!pid || strtol(pid, NULL, 10) == (long)getpid())) {
		unsigned long long us = strtoull(usec, NULL, 10);

		if (us >= 2000) {
			w->notify_period_ms = (unsigned int)(us / 2000u);
		}
	}
}

int ga_watchdog_setup(struct ga_watchdog *w, struct ga_loop *loop,
		      const char *device)
{
	int err;

	w->loop = loop;
	w->dev_timer.cb = ga_watchdog_pet;
	w->notify_timer.cb = ga_watchdog_notify;
	if (device && device[0]) {
		err = ga_watchdog_device(w, device);
		if (err) {
			return err;
		}
	}
	ga_watchdog_notify_open(w);
	return 0;
}

void ga_watchdog_ready(struct ga_watchdog *w, const char *status)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s\nMAINPID=%ld", status,
		 (long)getpid());
	ga_watchdog_send(w, msg);
	if (w->notify_period_ms) {
		ga_watchdog_notify(&w->notify_timer);
	}
}

void ga_watchdog_stopping(struct ga_watchdog *w)
{
	ga_watchdog_send(w, "STOPPING=1");
}

void ga_watchdog_close(struct ga_watchdog *w, bool clean)
{
	if (w->loop) {
		ga_timer_cancel(w->loop, &w->dev_timer);
		ga_timer_cancel(w->loop, &w->notify_timer);
	}
	if (w->dev_fd >= 0) {
		if (clean && write(w->dev_fd, "V", 1) == 1) {
			ga_log(LOG_NOTICE, "watchdog %s: disarmed (magic close)",
			       w->dev);
		}
		close(w->dev_fd);
		w->dev_fd = -1;
	}
	if (w->notify_fd >= 0) {
		close(w->notify_fd);
		w->notify_fd = -1;
	}
}

const char *ga_watchdog_describe(const struct ga_watchdog *w, char *buf,
				 size_t size)
{
	if (w->dev_fd < 0) {
		snprintf(buf, size, "off");
	} else {
		snprintf(buf, size, "%s every %u ms, %lu pets", w->dev,
			 w->dev_period_ms, w->pets);
	}
	return buf;
}

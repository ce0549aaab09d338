/* loop.c - see loop.h. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

uint64_t ga_loop_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t ga_loop_monotonic(void *arg)
{
	(void)arg;
	return ga_loop_mono_us() / 1000u;
}

void ga_loop_init(struct ga_loop *l)
{
	memset(l, 0, sizeof(*l));
	l->clock = ga_loop_monotonic;
	l->sig.fd = -1;
	l->sig.idx = -1;
	l->now_ms = l->clock(NULL);
}

int ga_loop_setup(struct ga_loop *l, unsigned int max_fds)
{
	l->pfds = calloc(max_fds, sizeof(*l->pfds));
	l->fds = calloc(max_fds, sizeof(*l->fds));
	if (!l->pfds || !l->fds) {
		ga_loop_free(l);
		return -ENOMEM;
	}
	l->size = max_fds;
	return 0;
}

void ga_loop_free(struct ga_loop *l)
{
	if (l->sig.fd >= 0) {
		close(l->sig.fd);
		l->sig.fd = -1;
	}
	free(l->pfds);
	free(l->fds);
	l->pfds = NULL;
	l->fds = NULL;
	l->size = 0;
	l->nfds = 0;
}

int ga_loop_fd_add(struct ga_loop *l, struct ga_fd *f)
{
	if (f->fd < 0) {
		return -EINVAL;
	}
	if (l->nfds >= l->size) {
		return -ENOSPC;
	}
	f->idx = (int)l->nfds;
	l->fds[l->nfds] = f;
	l->pfds[l->nfds].fd = f->fd;
	l->pfds[l->nfds].events = f->events;
	l->pfds[l->nfds].revents = 0; /* not seen by this round's poll() */
	l->nfds++;
	return 0;
}

void ga_loop_fd_events(struct ga_loop *l, struct ga_fd *f, short events)
{
	f->events = events;
	if (f->idx >= 0) {
		l->pfds[f->idx].events = events;
	}
}

static void ga_loop_compact(struct ga_loop *l)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < l->nfds; i++) {
		if (!l->fds[i]) {
			continue;
		}
		l->fds[out] = l->fds[i];
		l->pfds[out] = l->pfds[i];
		l->fds[out]->idx = (int)out;
		out++;
	}
	l->nfds = out;
	l->holes = false;
}

void ga_loop_fd_del(struct ga_loop *l, struct ga_fd *f)
{
	int i = f->idx;

	if (i < 0 || (unsigned int)i >= l->nfds || l->fds[i] != f) {
		f->idx = -1;
		return;
	}
	f->idx = -1;
	if (l->dispatching) {
		/* Keep indexes stable while the dispatch walks the table. */
		l->fds[i] = NULL;
		l->pfds[i].fd = -1;
		l->pfds[i].revents = 0;
		l->holes = true;
		return;
	}
	l->nfds--;
	if ((unsigned int)i != l->nfds) {
		l->fds[i] = l->fds[l->nfds];
		l->pfds[i] = l->pfds[l->nfds];
		l->fds[i]->idx = i;
	}
}

void ga_timer_cancel(struct ga_loop *l, struct ga_timer *t)
{
	struct ga_timer **pp;

	if (!t->armed) {
		return;
	}
	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void ga_timer_set_at(struct ga_loop *l, struct ga_timer *t, uint64_t at_ms)
{
	struct ga_timer **pp;

	ga_timer_cancel(l, t);
	t->deadline_ms = at_ms;
	for (pp = &l->timers; *pp && (*pp)->deadline_ms <= at_ms;
	     pp = &(*pp)->next) {
	}
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

void ga_timer_set(struct ga_loop *l, struct ga_timer *t, uint64_t in_ms)
{
	ga_timer_set_at(l, t, l->now_ms + in_ms);
}

void ga_loop_hook_add(struct ga_loop *l, struct ga_hook *h)
{
	h->next = l->hooks;
	l->hooks = h;
}

void ga_loop_defer(struct ga_loop *l)
{
	l->again = true;
}

uint64_t ga_loop_now_ms(const struct ga_loop *l)
{
	return l->now_ms;
}

void ga_loop_set_clock(struct ga_loop *l, ga_loop_clock clock, void *arg)
{
	l->clock = clock ? clock : ga_loop_monotonic;
	l->clock_arg = arg;
	l->now_ms = l->clock(l->clock_arg);
}

void ga_loop_run_timers(struct ga_loop *l)
{
	l->now_ms = l->clock(l->clock_arg);
	while (l->timers && l->timers->deadline_ms <= l->now_ms) {
		struct ga_timer *t = l->timers;

		l->timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->cb(t);
	}
}

static void ga_loop_sig_cb(struct ga_fd *f, short revents)
{
	struct ga_loop *l = ga_container_of(f, struct ga_loop, sig);
	struct signalfd_siginfo si;

	(void)revents;
	while (read(f->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (l->on_signal) {
			l->on_signal(l, (int)si.ssi_signo);
		}
	}
}

int ga_loop_signals(struct ga_loop *l, ga_loop_signal_cb cb)
{
	sigset_t set;
	int err;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		return -errno;
	}
	l->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sig.fd < 0) {
		return -errno;
	}
	l->sig.events = POLLIN;
	l->sig.cb = ga_loop_sig_cb;
	l->on_signal = cb;
	err = ga_loop_fd_add(l, &l->sig);
	if (err) {
		close(l->sig.fd);
		l->sig.fd = -1;
	}
	return err;
}

int ga_loop_run_once(struct ga_loop *l, int max_wait_ms)
{
	int timeout = max_wait_ms;
	unsigned int n;
	int rc;

	l->again = false;
	for (struct ga_hook *h = l->hooks; h; h = h->next) {
		h->cb(h);
	}
	l->now_ms = l->clock(l->clock_arg);
	if (l->timers) {
		uint64_t d = l->timers->deadline_ms;
		uint64_t wait = d > l->now_ms ? d - l->now_ms : 0;

		if (wait > INT32_MAX) {
			wait = INT32_MAX;
		}
		if (timeout < 0 || (uint64_t)timeout > wait) {
			timeout = (int)wait;
		}
	}
	if (l->stop || l->again) {
		timeout = 0;
	}
	rc = poll(l->pfds, l->nfds, timeout);
	if (rc < 0) {
		return errno == EINTR ? 0 : -errno;
	}
	l->now_ms = l->clock(l->clock_arg);
	if (rc > 0 || l->again) {
		l->io_ms = l->now_ms; /* something to serve: not idle */
	}
	n = l->nfds;
	l->dispatching = true;
	for (unsigned int i = 0; i < n && rc > 0; i++) {
		struct ga_fd *f = l->fds[i];
		short re = l->pfds[i].revents;

		if (!f || !re) {
			continue;
		}
		rc--;
		l->pfds[i].revents = 0;
		f->cb(f, re);
	}
	l->dispatching = false;
	if (l->holes) {
		ga_loop_compact(l);
	}
	ga_loop_run_timers(l);
	return 0;
}

int ga_loop_run(struct ga_loop *l)
{
	l->stop = false;
	while (!l->stop) {
		int err = ga_loop_run_once(l, -1);

		if (err) {
			return err;
		}
	}
	return 0;
}

void ga_loop_stop(struct ga_loop *l)
{
	l->stop = true;
}

/* loop.h - the one poll() loop: fds, timers, prepare hooks and signals.
 *
 * Owners embed struct ga_fd / struct ga_timer / struct ga_hook in their own
 * structs and get back to them with ga_container_of() (no per-fd allocation). The
 * loop allocates its pollfd table once in ga_loop_setup() and never again.
 * Callbacks run on the loop's thread and must return in bounded time.
 */
#ifndef GA_LOOP_H
#define GA_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"

struct ga_loop;

struct ga_fd {
	int fd;
	short events; /* POLLIN and/or POLLOUT */
	/* @revents as poll() returned them (POLLERR/POLLHUP included). */
	void (*cb)(struct ga_fd *f, short revents);
	int idx; /* slot in the loop, -1 when not added */
};

struct ga_timer {
	uint64_t deadline_ms; /* loop clock, see ga_loop_now_ms() */
	void (*cb)(struct ga_timer *t);
	struct ga_timer *next;
	bool armed;
};

/* Runs before every poll(): the place for work that batches what the
 * handlers of one iteration queued (journal group commit). */
struct ga_hook {
	void (*cb)(struct ga_hook *h);
	struct ga_hook *next;
};

typedef uint64_t (*ga_loop_clock)(void *arg);
typedef void (*ga_loop_signal_cb)(struct ga_loop *l, int signo);

struct ga_loop {
	struct pollfd *pfds;
	struct ga_fd **fds;
	unsigned int nfds;
	unsigned int size;
	bool dispatching;
	bool holes; /* fds deleted while dispatching, compact afterwards */
	bool stop;
	bool again; /* work is pending: the next poll() must not block */
	struct ga_timer *timers; /* sorted by deadline, earliest first */
	struct ga_hook *hooks;
	uint64_t now_ms;
	/* when poll() last returned work (or work was deferred): work that
	 * blocks, like LCD bus writes, waits for idle time (drivers/lcd) */
	uint64_t io_ms;
	ga_loop_clock clock;
	void *clock_arg;
	struct ga_fd sig;
	ga_loop_signal_cb on_signal;
};

void ga_loop_init(struct ga_loop *l);
/* Reserve room for @max_fds descriptors. 0 or -ENOMEM. */
GA_MUST_CHECK int ga_loop_setup(struct ga_loop *l, unsigned int max_fds);
void ga_loop_free(struct ga_loop *l);

/* 0, or -ENOSPC when the table is full, -EINVAL for a bad fd. */
GA_MUST_CHECK int ga_loop_fd_add(struct ga_loop *l, struct ga_fd *f);
void ga_loop_fd_events(struct ga_loop *l, struct ga_fd *f, short events);
/* Safe inside any callback, including f's own; pending events are dropped.
 * Does not close f->fd. */
void ga_loop_fd_del(struct ga_loop *l, struct ga_fd *f);

void ga_timer_set(struct ga_loop *l, struct ga_timer *t, uint64_t in_ms);
void ga_timer_set_at(struct ga_loop *l, struct ga_timer *t, uint64_t at_ms);
void ga_timer_cancel(struct ga_loop *l, struct ga_timer *t);

void ga_loop_hook_add(struct ga_loop *l, struct ga_hook *h);
/* Work is waiting that poll() cannot see (bytes already buffered): make
 * the next poll() return at once so the hooks run again. */
void ga_loop_defer(struct ga_loop *l);

/* Block SIGHUP, SIGTERM, SIGINT and read them through a signalfd; ignore
 * SIGPIPE (peers vanish mid-write). 0 or -errno. */
GA_MUST_CHECK int ga_loop_signals(struct ga_loop *l, ga_loop_signal_cb cb);

/* Monotonic milliseconds, cached once per iteration. */
uint64_t ga_loop_now_ms(const struct ga_loop *l);
/* The real monotonic clock in microseconds, for waits shorter than the
 * loop's millisecond timers (the group commit's). */
uint64_t ga_loop_mono_us(void);
/* Tests: replace the clock (fake time); the loop re-reads it each step. */
void ga_loop_set_clock(struct ga_loop *l, ga_loop_clock clock, void *arg);
/* Re-read the clock and run every timer that is due. */
void ga_loop_run_timers(struct ga_loop *l);

/* One iteration: hooks, poll (at most @max_wait_ms, -1 = until the next
 * timer), fd callbacks, timers. 0 or -errno from poll(). */
int ga_loop_run_once(struct ga_loop *l, int max_wait_ms);
/* Iterate until ga_loop_stop(). */
int ga_loop_run(struct ga_loop *l);
void ga_loop_stop(struct ga_loop *l);

#endif /* GA_LOOP_H */

/* test_loop.c - the poll loop: timers in deadline order, fd dispatch, fd
 * deletion from inside a callback, fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <unistd.h>

#include "loop.h"

static uint64_t fake_now;
static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

struct rec {
	struct ga_timer t;
	int id;
};
static int order[8];
static int norder;

static void rec_cb(struct ga_timer *t)
{
	struct rec *r = ga_container_of(t, struct rec, t);

	order[norder++] = r->id;
}

static void test_timers_fire_in_deadline_order(void **state)
{
	struct ga_loop l;
	struct rec a = { .t.cb = rec_cb, .id = 1 };
	struct rec b = { .t.cb = rec_cb, .id = 2 };
	struct rec c = { .t.cb = rec_cb, .id = 3 };

	(void)state;
	norder = 0;
	fake_now = 1000;
	ga_loop_init(&l);
	ga_loop_set_clock(&l, fake_clock, NULL);
	ga_timer_set(&l, &a.t, 30);
	ga_timer_set(&l, &b.t, 10);
	ga_timer_set(&l, &c.t, 20);
	ga_timer_set(&l, &c.t, 25); /* re-arm moves it */
	fake_now = 1024;
	ga_loop_run_timers(&l);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 2);
	fake_now = 1030;
	ga_loop_run_timers(&l);
	assert_int_equal(norder, 3);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 1);
	ga_timer_set(&l, &a.t, 5);
	ga_timer_cancel(&l, &a.t);
	fake_now = 2000;
	ga_loop_run_timers(&l);
	assert_int_equal(norder, 3);
}

struct pipe_end {
	struct ga_fd f;
	struct ga_loop *l;
	struct pipe_end *victim;
	int hits;
};

static void pipe_cb(struct ga_fd *f, short revents)
{
	struct pipe_end *p = ga_container_of(f, struct pipe_end, f);
	char buf[16];

	assert_true(revents & POLLIN);
	assert_true(read(f->fd, buf, sizeof(buf)) > 0);
	p->hits++;
	if (p->victim) {
		ga_loop_fd_del(p->l, &p->victim->f);
	}
}

static void test_fd_delete_inside_callback_drops_events(void **state)
{
	struct ga_loop l;
	int p1[2], p2[2];
	struct pipe_end a = { 0 }, b = { 0 };

	(void)state;
	ga_loop_init(&l);
	assert_int_equal(ga_loop_setup(&l, 4), 0);
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	a.f = (struct ga_fd){ .fd = p1[0], .events = POLLIN, .cb = pipe_cb };
	b.f = (struct ga_fd){ .fd = p2[0], .events = POLLIN, .cb = pipe_cb };
	a.l = b.l = &l;
	a.victim = &b;
	assert_int_equal(ga_loop_fd_add(&l, &a.f), 0);
	assert_int_equal(ga_loop_fd_add(&l, &b.f), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "y", 1), 1);
	assert_int_equal(ga_loop_run_once(&l, 100), 0);
	assert_int_equal(a.hits, 1);
	assert_int_equal(b.hits, 0); /* deleted before its turn */
	assert_int_equal(l.nfds, 1);
	assert_int_equal(b.f.idx, -1);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	ga_loop_free(&l);
}

static void test_fd_table_full(void **state)
{
	struct ga_loop l;
	struct ga_fd f1 = { .fd = 0, .events = POLLIN };
	struct ga_fd f2 = { .fd = 1, .events = POLLIN };

	(void)state;
	ga_loop_init(&l);
	assert_int_equal(ga_loop_setup(&l, 1), 0);
	assert_int_equal(ga_loop_fd_add(&l, &f1), 0);
	assert_int_equal(ga_loop_fd_add(&l, &f2), -ENOSPC);
	ga_loop_fd_del(&l, &f1);
	assert_int_equal(ga_loop_fd_add(&l, &f2), 0);
	ga_loop_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_fd_delete_inside_callback_drops_events),
		cmocka_unit_test(test_fd_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

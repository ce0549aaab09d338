/* test_alarm.c - alarm pattern timing with a fake clock, the alert rules
 * (latch, ack, display, replay), and the simulated GPIO button path with
 * debounce. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alarm.h"
#include "alert.h"
#include "gpio.h"
#include "log.h"
#include "store.h"

static uint64_t now;
static uint64_t clk(void *a)
{
	(void)a;
	return now;
}

static struct ga_loop loop;
static bool level[GA_OUT__COUNT];
static unsigned int changes[GA_OUT__COUNT];

static void set_level(void *arg, enum ga_output o, bool on)
{
	(void)arg;
	if (level[o] != on) {
		changes[o]++;
	}
	level[o] = on;
}

static void advance(unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		now++;
		ga_loop_run_timers(&loop);
	}
}

static void fresh(void)
{
	now = 10000;
	ga_loop_init(&loop);
	ga_loop_set_clock(&loop, clk, NULL);
	memset(level, 0, sizeof(level));
	memset(changes, 0, sizeof(changes));
	ga_log_setup(GA_LOG_NONE, 0);
}

static void test_blink_and_beep_timing(void **state)
{
	struct ga_alarm a;

	(void)state;
	fresh();
	ga_alarm_setup(&a, &loop, set_level, NULL);
	ga_alarm_start(&a, GA_OUT_SMS_LED, GA_PAT_BLINK);
	assert_true(level[GA_OUT_SMS_LED]);
	advance(499);
	assert_true(level[GA_OUT_SMS_LED]);
	advance(1);
	assert_false(level[GA_OUT_SMS_LED]); /* 500 ms on */
	advance(500);
	assert_true(level[GA_OUT_SMS_LED]);  /* 500 ms off, repeats */
	ga_alarm_start(&a, GA_OUT_BUZZER, GA_PAT_BEEP2);
	advance(100);
	assert_false(level[GA_OUT_BUZZER]);
	advance(100);
	assert_true(level[GA_OUT_BUZZER]);
	advance(100);
	assert_false(level[GA_OUT_BUZZER]);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	advance(1000);
	assert_int_equal(changes[GA_OUT_BUZZER], 4); /* two chirps, then quiet */
	/* urgency: a beep does not replace a running alarm */
	ga_alarm_start(&a, GA_OUT_BUZZER, GA_PAT_ALARM);
	ga_alarm_start(&a, GA_OUT_BUZZER, GA_PAT_BEEP);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_ALARM);
	ga_alarm_stop(&a, GA_OUT_BUZZER);
	assert_false(level[GA_OUT_BUZZER]);
	ga_alarm_close(&a);
}

static struct ga_conf conf;
static struct ga_store store;
static char shown[2][128];
static unsigned int draws;

static void show(void *arg, struct ga_span head, struct ga_span body)
{
	(void)arg;
	draws++;
	ga_span_copy(head, shown[0], sizeof(shown[0]));
	ga_span_copy(body, shown[1], sizeof(shown[1]));
}

static const struct ga_msg *add(enum ga_class cls, const char *who,
				const char *text)
{
	struct ga_msg m;

	memset(&m, 0, sizeof(m));
	m.cls = (uint8_t)cls;
	snprintf(m.from, sizeof(m.from), "%s", who);
	snprintf(m.to, sizeof(m.to), "%s", who);
	snprintf(m.text, sizeof(m.text), "%s", text);
	snprintf(m.status, sizeof(m.status), "Failed");
	return ga_store_add(&store, &m, false);
}

/* An alert module with the default config over a fresh loop, store and
 * recording alarm, as the daemon wires them. */
static void alert_rig(struct ga_alarm *a, struct ga_alert *al)
{
	fresh();
	ga_conf_defaults(&conf);
	ga_store_init(&store);
	ga_alarm_setup(a, &loop, set_level, NULL);
	ga_alert_setup(al, &conf, &loop, &store, a, show, NULL);
}

static void test_alert_rules(void **state)
{
	struct ga_alarm a;
	struct ga_alert al;

	(void)state;
	alert_rig(&a, &al);
	ga_alert_refresh(&al);
	assert_non_null(strstr(shown[0], "gridalert"));     /* idle screen */

	ga_alert_event(&al, add(GA_CLASS_SMS, "+1555", "hello"), false);
	ga_loop_run_timers(&loop); /* the redraw: end of this loop iteration */
	assert_string_equal(shown[0], "SMS +1555");
	assert_string_equal(shown[1], "hello");
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_BEEP);

	ga_alert_event(&al, add(GA_CLASS_SMS_FAILED, "+1666", ""), false);
	ga_loop_run_timers(&loop);
	assert_string_equal(shown[0], "FAILED +1666 1/2");
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_ON);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_ALARM);
	assert_true(level[GA_OUT_FAIL_LED]);

	/* ack the failure: its latched alarms stop, the SMS's stay */
	assert_int_equal(ga_store_ack(&store, ga_store_nth(&store, 0)->seq), 0);
	ga_alert_refresh(&al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_OFF);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	assert_false(level[GA_OUT_FAIL_LED]);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	assert_string_equal(shown[0], "SMS +1555");

	ga_store_ack_all(&store);
	ga_alert_refresh(&al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_OFF);
	assert_non_null(strstr(shown[0], "gridalert"));

	/* replay after a power cut: latched alarm again, no chirp */
	ga_store_init(&store);
	ga_alert_event(&al, add(GA_CLASS_SMS, "+1777", "old"), true);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

/* A batch of events in one loop iteration draws the LCD once, with the
 * newest message and the count; alarms start at each event. */
static void test_alert_batch_draws_once(void **state)
{
	struct ga_alarm a;
	struct ga_alert al;

	(void)state;
	alert_rig(&a, &al);
	draws = 0;
	for (int i = 0; i < 20; i++) {
		char who[16];

		snprintf(who, sizeof(who), "+1%03d", i);
		ga_alert_event(&al, add(GA_CLASS_SMS, who, "batch"), false);
	}
	assert_int_equal(draws, 0);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	ga_loop_run_timers(&loop);
	assert_int_equal(draws, 1);
	assert_string_equal(shown[0], "SMS +1019 1/20");
	ga_loop_run_timers(&loop);
	assert_int_equal(draws, 1);
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

static void test_alert_journal_full(void **state)
{
	struct ga_alarm a;
	struct ga_alert al;

	(void)state;
	alert_rig(&a, &al);
	ga_alert_event(&al, add(GA_CLASS_SMS, "+1555", "hello"), false);
	advance(1000); /* its chirp is over */
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);

	ga_alert_journal_full(&al, true);
	assert_string_equal(shown[0], "JOURNAL FULL");
	assert_non_null(strstr(shown[1], "refused"));
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_FAST);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_BEEP);
	advance(100);
	assert_false(level[GA_OUT_FAIL_LED]);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	advance(100);
	assert_true(level[GA_OUT_FAIL_LED]);
	ga_alert_journal_full(&al, true); /* no change: no second beep */
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	/* a refresh (an ack of one message) keeps it */
	ga_alert_refresh(&al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_FAST);
	assert_string_equal(shown[0], "JOURNAL FULL");
	/* the unlatched-pattern stop timers do not end it either */
	advance(15000);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_FAST);

	/* a failed SMS's steady light on fail_led: fast still wins */
	ga_alert_journal_full(&al, false);
	ga_alert_event(&al, add(GA_CLASS_SMS_FAILED, "+1666", ""), false);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_ON);
	ga_alert_journal_full(&al, true);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_FAST);

	/* room again, everything acknowledged: quiet, idle screen */
	ga_store_ack_all(&store);
	ga_alert_journal_full(&al, false);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_OFF);
	assert_false(level[GA_OUT_FAIL_LED]);
	assert_non_null(strstr(shown[0], "gridalert"));
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

static unsigned int presses;
static void on_press(void *arg)
{
	(void)arg;
	presses++;
}

static void test_sim_button_debounce(void **state)
{
	struct ga_gpio g;

	(void)state;
	fresh();
	assert_int_equal(ga_loop_setup(&loop, 4), 0);
	ga_conf_defaults(&conf);
	snprintf(conf.gpio.driver, sizeof(conf.gpio.driver), "sim");
	ga_gpio_init(&g);
	assert_int_equal(ga_gpio_setup(&g, &conf, &loop, on_press, NULL), 0);
	presses = 0;
	assert_int_equal(ga_gpio_sim_press(&g, GA_SPAN_LIT("ack_button")), 0);
	assert_int_equal(ga_loop_run_once(&loop, 0), 0);
	assert_int_equal(presses, 1);
	now += 10; /* a bounce 10 ms later: inside debounce_ms = 30 */
	assert_int_equal(ga_gpio_sim_press(&g, GA_SPAN_LIT("ack_button")), 0);
	assert_int_equal(ga_loop_run_once(&loop, 0), 0);
	assert_int_equal(presses, 1);
	now += 100;
	assert_int_equal(ga_gpio_sim_press(&g, GA_SPAN_LIT("ack_button")), 0);
	assert_int_equal(ga_loop_run_once(&loop, 0), 0);
	assert_int_equal(presses, 2);
	assert_int_equal(ga_gpio_sim_press(&g, GA_SPAN_LIT("nope")), -ENOENT);
	ga_gpio_set(&g, GA_OUT_SMS_LED, true);
	assert_true(g.level[GA_OUT_SMS_LED]);
	ga_gpio_close(&g);
	ga_loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blink_and_beep_timing),
		cmocka_unit_test(test_alert_rules),
		cmocka_unit_test(test_alert_batch_draws_once),
		cmocka_unit_test(test_alert_journal_full),
		cmocka_unit_test(test_sim_button_debounce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_rules.c - the [rule.NAME] matcher and [quiet] hours, table-driven:
 * globs (case, '?' over UTF-8, backtracking), text as substring or glob,
 * first match wins in file order, a rule's actions over its class's,
 * `gridalertd -t` errors as file:line, get/set of rule keys, and quiet
 * hours across midnight and both DST changes with a fake clock
 * (TZ=Europe/Berlin). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alarm.h"
#include "alert.h"
#include "conf_errs.h"
#include "config.h"
#include "log.h"
#include "rules.h"
#include "store.h"

struct glob_row {
	const char *pat, *s;
	bool want;
};

static const struct glob_row globs[] = {
	{ "+1425555*", "+14255550100", true },
	{ "+1425555*", "+14255560100", false },
	{ "+1425555*", "+1425555", true },       /* '*' may be empty */
	{ "+14255550100", "+14255550100", true }, /* no wildcard: exact */
	{ "+14255550100", "+142555501001", false },
	{ "+1425555010?", "+14255550109", true },
	{ "+1425555010?", "+1425555010", false },
	{ "*pressure*", "PUMP 3: PRESSURE LOW", true },  /* case */
	{ "*PRESSURE*", "pressure low", true },
	{ "*pressure", "pressure low", false },          /* anchored */
	{ "*low", "pressure low", true },
	{ "*a*b", "aaaaaaaab", true },                   /* backtracking */
	{ "*a*b", "aaaaaaaac", false },
	{ "a*b*c", "abxbxc", true },
	{ "*", "", true },
	{ "?", "", false },
	{ "", "", true },
	{ "", "x", false },
	{ "dr?ck*", "Dr\xc3\xbc" "ck zu hoch", true },   /* '?' is one UTF-8 char */
	{ "dr??ck*", "Dr\xc3\xbc" "ck zu hoch", false },
	{ "*\xc3\xbc" "ber*", "Druck \xc3\xbc" "ber 8 bar", true },
	/* ASCII case folding only: "Ü" and "ü" differ (documented) */
	{ "*\xc3\x9c" "ber*", "Druck \xc3\xbc" "ber 8 bar", false },
	{ "*?", "\xe2\x82\xac", true },                  /* euro sign */
	{ "?", "\xe2\x82\xac", true },
	{ "??", "\xe2\x82\xac", false },
	{ "ab*ba", "aba", false },                       /* prefix, suffix overlap */
	{ "ab*ba", "abba", true },
	{ "*aab", "aaab", true },                        /* KMP fallback */
	{ "a**b", "ab", true },
	{ "*ab*ab*", "xabxxab", true },
	{ "*ab*ab*", "xabxxa", false },
};

static void test_glob(void **state)
{
	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(globs); i++) {
		const struct glob_row *g = &globs[i];

		if (ga_rules_glob(ga_span_str(g->pat), ga_span_str(g->s)) != g->want) {
			fail_msg("glob '%s' on '%s': want %s", g->pat, g->s,
				 g->want ? "match" : "no match");
		}
	}
}

/* A slow, obviously right reference: recursion over '*' and ASCII '?'. */
static bool ref_glob(const char *p, const char *s)
{
	if (!*p) {
		return !*s;
	}
	if (*p == '*') {
		return ref_glob(p + 1, s) || (*s && ref_glob(p, s + 1));
	}
	if (!*s) {
		return false;
	}
	if (*p == '?' || (*p | 0x20) == (*s | 0x20)) {
		return ref_glob(p + 1, s + 1);
	}
	return false;
}

/* both matchers (linear for '*'-only globs, backtracking with '?')
 * against the reference on 20000 random short cases */
static void test_glob_random(void **state)
{
	static const char pal[] = "ab*?", sal[] = "abAB";
	char pat[12], str[16];
	unsigned int seed = 12345;

	(void)state;
	for (int n = 0; n < 20000; n++) {
		size_t pl, sl;

		seed = seed * 1103515245u + 12345u;
		pl = (seed >> 16) % sizeof(pat);
		for (size_t i = 0; i < pl; i++) {
			seed = seed * 1103515245u + 12345u;
			/* a '?' in one case in four */
			pat[i] = pal[(seed >> 16) % (n % 4 ? 3 : 4)];
		}
		pat[pl] = '\0';
		seed = seed * 1103515245u + 12345u;
		sl = (seed >> 16) % sizeof(str);
		for (size_t i = 0; i < sl; i++) {
			seed = seed * 1103515245u + 12345u;
			str[i] = sal[(seed >> 16) % 4];
		}
		str[sl] = '\0';
		if (ga_rules_glob(ga_span_str(pat), ga_span_str(str)) !=
		    ref_glob(pat, str)) {
			fail_msg("glob '%s' on '%s': want %d", pat, str,
				 ref_glob(pat, str));
		}
	}
}

static const struct glob_row texts[] = {
	{ "pressure", "PUMP 3: PRESSURE LOW", true },  /* substring */
	{ "pressure low", "PUMP 3: PRESSURE LOW!", true },
	{ "pressure", "PUMP 3: PRESSUR", false },
	{ "*pressure", "PUMP 3: PRESSURE LOW", false }, /* glob: anchored */
	{ "*pressure*", "PUMP 3: PRESSURE LOW", true },
	{ "\xc3\xbc" "ber", "Druck \xc3\xbc" "ber 8 bar", true },
	{ "", "anything", true },
};

static void test_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(texts); i++) {
		const struct glob_row *g = &texts[i];

		if (ga_rules_text(ga_span_str(g->pat), ga_span_str(g->s)) != g->want) {
			fail_msg("text '%s' on '%s': want %s", g->pat, g->s,
				 g->want ? "match" : "no match");
		}
	}
}

static const char rules_conf[] =
	"[server]\nlisten = 127.0.0.1:8443\n[webhook]\nsecret = s\n"
	"[rule.scada]       # first match wins, in file order\n"
	"class = sms\n"
	"from = +1425555*\n"
	"text = *pressure*\n"
	"outputs = fail_led:on buzzer:alarm\n"
	"priority = 10\n"
	"quiet = ignore\n"
	"[rule.scada_any]\n"          /* same number, any text: second */
	"class = sms\n"
	"from = +1425555*\n"
	"lcd = no\n"
	"[rule.marketing]\n"
	"from = +1800*\n"
	"ignore = yes\n"
	"[rule.boss]\n"
	"class = chat chat_thread\n"
	"sender_name = *boss*\n"
	"latch = no\n"
	"[rule.nonumber]\n"
	"class = sms_failed\n"
	"status = *Unreachable*\n"
	"to = +49*\n"
	"outputs = fail_led:fast\n"
	"escalate_after = 10m\n"
	"escalate_outputs = buzzer:fast\n"
	"[rule.ops_thread]\n"
	"class = chat\n"
	"thread = 19:1d594fb1*@thread.v2\n"
	"priority = 5\n";

static struct ga_conf conf;

static void load_rules(void)
{
	unsigned int nerr = 0;

	if (ga_conf_parse(&conf, "r.conf", rules_conf, sizeof(rules_conf) - 1,
			  NULL, NULL, &nerr)) {
		fail_msg("rules_conf: %u errors", nerr);
	}
}

struct match_row {
	enum ga_class cls;
	const char *from, *to, *sender, *status, *text;
	const char *want; /* rule name or "default" */
	const char *thread;
};

static const struct match_row matches[] = {
	{ GA_CLASS_SMS, "+14255550100", "", "", "", "PUMP 3 PRESSURE LOW", "scada" },
	{ GA_CLASS_SMS, "+14255550100", "", "", "", "all good", "scada_any" },
	{ GA_CLASS_SMS, "+14255560100", "", "", "", "pressure low", "default" },
	{ GA_CLASS_SMS, "+18005550100", "", "", "", "50% off", "marketing" },
	/* no class line: every class */
	{ GA_CLASS_CHAT, "+18005550100", "", "", "", "hi", "marketing" },
	{ GA_CLASS_CHAT, "8:acs:1", "", "The Boss", "", "call me", "boss" },
	{ GA_CLASS_CHAT_THREAD, "8:acs:1", "", "BOSS", "", "topic", "boss" },
	{ GA_CLASS_CHAT_MEMBER, "8:acs:1", "", "boss", "", "", "default" },
	{ GA_CLASS_SMS_FAILED, "", "+4930123", "", "DestinationUnreachable", "",
	  "nonumber" },
	{ GA_CLASS_SMS_FAILED, "", "+4930123", "", "Expired", "", "default" },
	{ GA_CLASS_SMS_FAILED, "", "+1425123", "", "DestinationUnreachable", "",
	  "default" },
	/* the chat thread: a glob, case folded; the boss rule comes first */
	{ GA_CLASS_CHAT, "8:acs:2", "", "Operator", "", "valve 4", "ops_thread",
	  "19:1d594fb1eeb14566903cbc5decb5bf5b@thread.v2" },
	{ GA_CLASS_CHAT, "8:acs:2", "", "Operator", "", "valve 4", "ops_thread",
	  "19:1D594FB1EEB14566903CBC5DECB5BF5B@thread.v2" },
	{ GA_CLASS_CHAT, "8:acs:1", "", "The Boss", "", "valve 4", "boss",
	  "19:1d594fb1eeb14566903cbc5decb5bf5b@thread.v2" },
	{ GA_CLASS_CHAT, "8:acs:2", "", "Operator", "", "valve 4", "default",
	  "19:48899258eec941e7a281e03edc8f4964@thread.v2" },
	{ GA_CLASS_CHAT, "8:acs:2", "", "Operator", "", "valve 4", "default", "" },
	{ GA_CLASS_CHAT_THREAD, "8:acs:2", "", "Operator", "", "topic", "default",
	  "19:1d594fb1eeb14566903cbc5decb5bf5b@thread.v2" },
};

/* first match wins, in file order; fields and classes as configured */
static void test_match_table(void **state)
{
	static struct ga_msg m;

	(void)state;
	load_rules();
	assert_int_equal(conf.nrules, 6);
	for (size_t i = 0; i < GA_ARRAY_SIZE(matches); i++) {
		const struct match_row *r = &matches[i];
		int got;

		memset(&m, 0, sizeof(m));
		m.cls = (uint8_t)r->cls;
		snprintf(m.from, sizeof(m.from), "%s", r->from);
		snprintf(m.to, sizeof(m.to), "%s", r->to);
		snprintf(m.sender, sizeof(m.sender), "%s", r->sender);
		snprintf(m.status, sizeof(m.status), "%s", r->status);
		snprintf(m.text, sizeof(m.text), "%s", r->text);
		snprintf(m.thread, sizeof(m.thread), "%s",
			 r->thread ? r->thread : "");
		got = ga_rules_match(&conf, &m);
		if (strcmp(got < 0 ? "default" : conf.rule[got].name, r->want)) {
			fail_msg("row %zu: matched %s, want %s", i,
				 got < 0 ? "default" : conf.rule[got].name, r->want);
		}
	}
}

/* a rule's actions replace only what it sets; ignore silences all */
static void test_actions(void **state)
{
	struct ga_rules_action a;

	(void)state;
	load_rules();
	ga_rules_actions(&conf, GA_CLASS_SMS, -1, &a);
	assert_int_equal(a.rule, -1);
	assert_true(a.lcd);
	assert_true(a.latch);
	assert_int_equal(a.pattern[GA_OUT_SMS_LED], GA_PAT_BLINK);
	assert_int_equal(a.pattern[GA_OUT_BUZZER], GA_PAT_BEEP);
	assert_int_equal(a.priority, 0);

	ga_rules_actions(&conf, GA_CLASS_SMS, 0, &a); /* scada */
	assert_true(a.lcd);                           /* from [alert.sms] */
	assert_true(a.latch);
	assert_int_equal(a.pattern[GA_OUT_SMS_LED], GA_PAT_OFF); /* replaced */
	assert_int_equal(a.pattern[GA_OUT_FAIL_LED], GA_PAT_ON);
	assert_int_equal(a.pattern[GA_OUT_BUZZER], GA_PAT_ALARM);
	assert_int_equal(a.priority, 10);
	assert_true(a.quiet_ignore);

	ga_rules_actions(&conf, GA_CLASS_SMS, 1, &a); /* scada_any */
	assert_false(a.lcd);
	assert_int_equal(a.pattern[GA_OUT_SMS_LED], GA_PAT_BLINK);
	assert_false(a.quiet_ignore);

	ga_rules_actions(&conf, GA_CLASS_SMS, 2, &a); /* marketing */
	assert_true(a.ignore);
	assert_false(a.lcd);
	assert_false(a.latch);
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		assert_int_equal(a.pattern[o], GA_PAT_OFF);
	}

	ga_rules_actions(&conf, GA_CLASS_CHAT, 3, &a); /* boss */
	assert_false(a.latch);
	assert_int_equal(a.pattern[GA_OUT_CHAT_LED], GA_PAT_BLINK);

	ga_rules_actions(&conf, GA_CLASS_SMS_FAILED, 4, &a);
	assert_int_equal(a.escalate_after_s, 600);
	assert_int_equal(a.escalate_pattern[GA_OUT_BUZZER], GA_PAT_FAST);
	assert_int_equal(a.pattern[GA_OUT_FAIL_LED], GA_PAT_FAST);
}

/* `gridalertd -t`: every bad rule line is reported as file:line */
static void test_rule_errors(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:8443\n[webhook]\nsecret = s\n" /* 1-4 */
		"[rule.a]\n"                       /* 5 */
		"class = sms fax\n"                /* 6 */
		"form = +1*\n"                     /* 7 */
		"from = +1*\n"                     /* 8 */
		"from = +2*\n"                     /* 9 */
		"outputs = buzzer:loud\n"          /* 10 */
		"priority = 1001\n"                /* 11 */
		"quiet = never\n"                  /* 12 */
		"escalate_after = 10 minutes\n"    /* 13 */
		"[rule.a]\n"                       /* 14 */
		"[rule.b c]\n"                     /* 15 */
		"lcd = yes\n"                      /* 16: in no section */
		"[rule.c]\n"                       /* 17 */
		"escalate_outputs = buzzer:fast\n" /* 18 */
		"[quiet]\n"                        /* 19 */
		"hours = 22:00-22:00\n"            /* 20 */
		"outputs = siren\n"                /* 21 */
		"[alert.chat]\n"                   /* 22 */
		"escalate_outputs = buzzer:fast\n"; /* 23 */
	static const char *want[] = {
		"t.conf:6: rule.a.class: 'sms fax' is not a list of classes (sms "
		"sms_failed sms_delivered chat chat_deleted chat_thread chat_member)",
		"t.conf:7: unknown key 'form' in [rule.a] (did you mean 'from'?)",
		"t.conf:9: duplicate key 'from' (first set on line 8)",
		"t.conf:10: rule.a.outputs: unknown pattern 'loud' (on off blink "
		"fast beep beep2 alarm)",
		"t.conf:11: rule.a.priority: 1001 is out of bounds (0..1000)",
		"t.conf:12: rule.a.quiet: 'never' is not one of: obey ignore",
		"t.conf:13: rule.a.escalate_after: '10 minutes' is not a duration "
		"up to 604800s (600, 90s, 10m, 1h)",
		"t.conf:14: duplicate section [rule.a]",
		"t.conf:15: [rule.b c]: a rule name is 1..31 letters, digits, _ or -",
		"t.conf:20: quiet.hours: '22:00-22:00' is not HH:MM-HH:MM (two "
		"different times 00:00..23:59)",
		"t.conf:21: quiet.outputs: 'siren' is not a list of outputs (sms_led "
		"fail_led chat_led buzzer)",
		"t.conf:23: alert.chat: escalate_outputs without escalate_after",
		"t.conf:18: rule.c: escalate_outputs without escalate_after",
	};

	(void)state;
	expect_conf_errors("t.conf", text, sizeof(text) - 1, want,
			   GA_ARRAY_SIZE(want));
}

/* more than GA_CONF_RULES_MAX rules: the first one too many is reported */
static void test_rule_limit(void **state)
{
	static char text[8192];
	static struct ga_conf c;
	struct errs e = { .n = 0 };
	size_t at = 0;

	(void)state;
	at += (size_t)snprintf(text, sizeof(text), "[server]\nlisten = "
			       "127.0.0.1:8443\n[webhook]\nsecret = s\n");
	for (int i = 0; i <= GA_CONF_RULES_MAX; i++) {
		at += (size_t)snprintf(text + at, sizeof(text) - at,
				       "[rule.r%d]\nfrom = +%d*\n", i, i);
	}
	assert_int_equal(ga_conf_parse(&c, "t.conf", text, at, collect, &e,
				       NULL), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.lines[0], "t.conf:69: [rule.r32]: more than 32 rules");
}

/* gridalertctl get KEY of each row gives its value */
struct get_row {
	const char *key, *want;
};

static void expect_gets(const struct ga_conf *c, const struct get_row *rows,
			size_t n)
{
	char out[300];

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ga_conf_get(c, rows[i].key, out, sizeof(out)), 0);
		if (strcmp(out, rows[i].want)) {
			fail_msg("get %s: [%s], want [%s]", rows[i].key, out,
				 rows[i].want);
		}
	}
}

/* gridalertctl get/set: rule keys read back, and are checked alone */
static void test_get_set(void **state)
{
	static const struct get_row rows[] = {
		{ "rule.scada.class", "sms" },
		{ "rule.scada.from", "+1425555*" },
		{ "rule.scada.text", "*pressure*" },
		{ "rule.scada.outputs", "fail_led:on buzzer:alarm" },
		{ "rule.scada.priority", "10" },
		{ "rule.scada.quiet", "ignore" },
		{ "rule.boss.class", "chat chat_thread" },
		{ "rule.marketing.ignore", "yes" },
		{ "rule.nonumber.escalate_after", "10m" },
		{ "rule.nonumber.escalate_outputs", "buzzer:fast" },
		{ "quiet.outputs", "buzzer" },
		{ "quiet.hours", "" },
	};
	char out[256];

	(void)state;
	load_rules();
	expect_gets(&conf, rows, GA_ARRAY_SIZE(rows));
	assert_int_equal(ga_conf_get(&conf, "rule.nosuch.from", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(ga_conf_get(&conf, "rule.scada.colour", out, sizeof(out)),
			 -ENOENT);
	/* set checks a value alone; a new rule name is fine */
	assert_int_equal(ga_conf_check_value("rule.new.from", "+49*", NULL, NULL), 0);
	assert_int_equal(ga_conf_check_value("rule.new.priority", "x", collect,
					     &(struct errs){ .n = 0 }), -EINVAL);
	assert_int_equal(ga_conf_check_value("rule.new.colour", "x", NULL, NULL),
			 -ENOENT);
	assert_int_equal(ga_conf_check_value("rule.bad name.from", "x", NULL, NULL),
			 -ENOENT);
}

/* ---- quiet hours with a fake clock ------------------------------------ */

static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

struct quiet_row {
	const char *hours;
	time_t now;       /* UTC */
	bool quiet;
	uint32_t next_s;  /* seconds to the next edge */
	const char *what;
};

static void test_quiet_hours(void **state)
{
	/* Europe/Berlin: CET (UTC+1); CEST (UTC+2) from 2026-03-29 01:00 UTC
	 * to 2026-10-25 01:00 UTC (EU rule: last Sundays of March/October). */
	const struct quiet_row rows[] = {
		{ "22:00-07:00", utc(2026, 1, 10, 20, 59), false, 60,
		  "21:59 CET: one minute before" },
		{ "22:00-07:00", utc(2026, 1, 10, 21, 0), true, 9 * 3600,
		  "22:00 CET: nine hours to 07:00" },
		{ "22:00-07:00", utc(2026, 1, 10, 23, 30), true, 6 * 3600 + 1800,
		  "00:30 CET: across midnight" },
		{ "22:00-07:00", utc(2026, 1, 11, 5, 59), true, 60,
		  "06:59 CET" },
		{ "22:00-07:00", utc(2026, 1, 11, 6, 0), false, 15 * 3600,
		  "07:00 CET: over" },
		{ "22:00-07:00", utc(2026, 3, 28, 21, 0), true, 8 * 3600,
		  "22:00 CET before spring forward: the night is an hour shorter" },
		{ "22:00-07:00", utc(2026, 3, 29, 4, 59), true, 60,
		  "06:59 CEST after spring forward" },
		{ "22:00-07:00", utc(2026, 3, 29, 5, 0), false, 15 * 3600,
		  "07:00 CEST" },
		{ "22:00-07:00", utc(2026, 10, 24, 20, 0), true, 10 * 3600,
		  "22:00 CEST before fall back: the night is an hour longer" },
		{ "22:00-07:00", utc(2026, 10, 25, 6, 0), false, 15 * 3600,
		  "07:00 CET after fall back" },
		{ "09:00-17:00", utc(2026, 1, 10, 8, 0), true, 8 * 3600,
		  "a day window" },
		{ "09:00-17:00", utc(2026, 1, 10, 16, 0), false, 16 * 3600,
		  "after a day window" },
		{ "", utc(2026, 1, 10, 21, 0), false, 0, "no quiet hours" },
	};
	static struct ga_conf c;
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	for (size_t i = 0; i < GA_ARRAY_SIZE(rows); i++) {
		const struct quiet_row *r = &rows[i];
		uint32_t next = 12345;
		bool q;

		ga_conf_defaults(&c);
		assert_int_equal(ga_conf_check_value("quiet.hours", r->hours, NULL,
						     NULL), 0);
		{
			char text[128];
			int n = snprintf(text, sizeof(text), "[server]\nlisten = "
					 "127.0.0.1:1\n[webhook]\nsecret = s\n"
					 "[quiet]\nhours = %s\n", r->hours);

			assert_int_equal(ga_conf_parse(&c, "q.conf", text,
						       (size_t)n, NULL, NULL,
						       NULL), 0);
		}
		q = ga_rules_quiet(&c, r->now, &next);
		if (q != r->quiet || next != r->next_s) {
			fail_msg("%s (%s): quiet %d next %u, want %d %u", r->what,
				 r->hours, q, next, r->quiet, r->next_s);
		}
	}
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

/* ---- through alert.c: priority on the LCD, quiet hours on the buzzer --- */

static uint64_t now_ms = 10000;
static uint64_t clk(void *a)
{
	(void)a;
	return now_ms;
}

static char shown[2][128];
static void show(void *arg, struct ga_span head, struct ga_span body)
{
	(void)arg;
	ga_span_copy(head, shown[0], sizeof(shown[0]));
	ga_span_copy(body, shown[1], sizeof(shown[1]));
}

static void set_level(void *arg, enum ga_output o, bool on)
{
	(void)arg;
	(void)o;
	(void)on;
}

static struct ga_store store;

static const struct ga_msg *add(const char *from, const char *text)
{
	struct ga_msg m;

	memset(&m, 0, sizeof(m));
	m.cls = GA_CLASS_SMS;
	snprintf(m.from, sizeof(m.from), "%s", from);
	snprintf(m.text, sizeof(m.text), "%s", text);
	return ga_store_add(&store, &m, false);
}


/* An alert module over config @text, the fake clock, the store and a
 * recording alarm, as the daemon wires them. */
static void alert_rig(struct ga_conf *c, const char *text, size_t len,
		      struct ga_loop *loop, struct ga_alarm *a,
		      struct ga_alert *al)
{
	assert_int_equal(ga_conf_parse(c, "a.conf", text, len, NULL, NULL, NULL),
			 0);
	ga_loop_init(loop);
	ga_loop_set_clock(loop, clk, NULL);
	ga_store_init(&store);
	ga_alarm_setup(a, loop, set_level, NULL);
	ga_alert_setup(al, c, loop, &store, a, show, NULL);
}

static void test_alert_uses_rules(void **state)
{
	static struct ga_loop loop;
	static struct ga_alarm a;
	static struct ga_alert al;
	static struct ga_conf c;
	char text[512];
	time_t t = time(NULL);
	struct tm tm;
	unsigned int min, from, to;
	int n;

	(void)state;
	ga_log_setup(GA_LOG_NONE, 0);
	/* quiet hours from an hour ago to an hour ahead, on the real clock
	 * (alert.c reads time(NULL); the pure function has its own test) */
	localtime_r(&t, &tm);
	min = (unsigned int)(tm.tm_hour * 60 + tm.tm_min);
	from = (min + 1440 - 60) % 1440;
	to = (min + 60) % 1440;
	n = snprintf(text, sizeof(text),
		     "[server]\nlisten = 127.0.0.1:1\n[webhook]\nsecret = s\n"
		     "[quiet]\nhours = %02u:%02u-%02u:%02u\noutputs = buzzer\n"
		     "[rule.urgent]\ntext = pressure\npriority = 5\n"
		     "outputs = fail_led:on\n"
		     "[rule.loud]\nfrom = +1999\nquiet = ignore\n",
		     from / 60, from % 60, to / 60, to % 60);
	alert_rig(&c, text, (size_t)n, &loop, &a, &al);
	assert_true(al.quiet_on);

	ga_alert_event(&al, add("+1425", "PRESSURE LOW"), false);
	ga_loop_run_timers(&loop); /* the redraw: end of this loop iteration */
	assert_string_equal(shown[0], "SMS +1425");
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_ON);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_OFF);

	/* newer, but priority 0: the urgent one stays on screen; its beep is
	 * silent in quiet hours, its LED is not */
	ga_alert_event(&al, add("+1555", "hello"), false);
	ga_loop_run_timers(&loop);
	assert_string_equal(shown[0], "SMS +1425 1/2");
	assert_string_equal(shown[1], "PRESSURE LOW");
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);

	/* quiet = ignore rings through */
	ga_alert_event(&al, add("+1999", "wake up"), false);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_BEEP);
	ga_loop_run_timers(&loop);
	assert_string_equal(shown[0], "SMS +1425 1/3");

	/* acknowledged: the next by priority, then the newest */
	assert_int_equal(ga_store_ack(&store, 1), 0);
	ga_alert_refresh(&al);
	assert_string_equal(shown[0], "SMS +1999 1/2");
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_FAIL_LED), GA_PAT_OFF);

	/* admit: counts per rule, ignore keeps an event out */
	assert_true(ga_alert_admit(&al, ga_store_nth(&store, 0), false));
	assert_int_equal(al.rule_matches[1], 1);
	assert_true(ga_alert_admit(&al, ga_store_nth(&store, 1), true));
	assert_int_equal(al.default_matches, 0); /* replay is not counted */
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

/* the escalation clock: from the journaled receive time */
static void test_escalated(void **state)
{
	static const struct {
		unsigned int after_s;
		int64_t recv_s;
		time_t now;
		bool want;
		uint32_t left_s;
	} rows[] = {
		{ 600, 1000, 1000, false, 600 },
		{ 600, 1000, 1599, false, 1 },
		{ 600, 1000, 1600, true, 0 },
		{ 600, 1000, 99999, true, 0 },  /* a restart much later */
		{ 600, 1000, 900, false, 600 }, /* the clock stepped back */
		{ 0, 1000, 99999, false, 0 },   /* no escalation */
	};

	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(rows); i++) {
		struct ga_rules_action a = { .escalate_after_s = rows[i].after_s };
		uint32_t left = 12345;
		bool got = ga_rules_escalated(&a, rows[i].recv_s, rows[i].now, &left);

		if (got != rows[i].want || left != rows[i].left_s) {
			fail_msg("row %zu: escalated %d left %u, want %d %u", i, got,
				 left, rows[i].want, rows[i].left_s);
		}
	}
}

static const struct ga_msg *add_at(const char *from, int64_t t, bool replay,
				   struct ga_alert *al)
{
	struct ga_msg m;
	const struct ga_msg *k;

	memset(&m, 0, sizeof(m));
	m.cls = GA_CLASS_SMS;
	m.time = t;
	snprintf(m.from, sizeof(m.from), "%s", from);
	snprintf(m.text, sizeof(m.text), "level high");
	k = ga_store_add(&store, &m, false);
	ga_alert_event(al, k, replay);
	return k;
}

/* escalation through alert.c: an old unacknowledged alert replayed after
 * a restart is escalated at once (no chirp), a new one arms the timer
 * for its own due time, a rule's one-shot escalation chirps once */
static void test_alert_escalation(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:1\n[webhook]\nsecret = s\n"
		"[alert.sms]\nescalate_after = 10m\noutputs = sms_led:blink\n"
		"escalate_outputs = buzzer:alarm sms_led:fast\n"
		"[rule.chirp]\nfrom = +1777\nescalate_outputs = buzzer:beep2\n";
	static struct ga_loop loop;
	static struct ga_alarm a;
	static struct ga_alert al;
	static struct ga_conf c;
	int64_t t = (int64_t)time(NULL);
	const struct ga_msg *old;

	(void)state;
	ga_log_setup(GA_LOG_NONE, 0);
	alert_rig(&c, text, sizeof(text) - 1, &loop, &a, &al);

	/* received 700 s before this start, replayed from the journal */
	old = add_at("+1555", t - 700, true, &al);
	ga_alert_refresh(&al);
	assert_int_equal(al.escalated, 1);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_ALARM);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_FAST);
	assert_int_equal(ga_store_ack(&store, old->seq), 0);
	ga_alert_refresh(&al);
	assert_int_equal(al.escalated, 0);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	assert_false(al.escalate.armed);

	/* a new one: not yet; the timer is set for its 600 s */
	add_at("+1555", t, false, &al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_SMS_LED), GA_PAT_BLINK);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	assert_true(al.escalate.armed);
	assert_in_range(al.escalate.deadline_ms - now_ms, 598000, 600000);
	ga_store_ack_all(&store);
	ga_alert_refresh(&al);

	/* the rule's one-shot escalation (class escalate_after, rule's
	 * outputs): chirps when it becomes due, not on every refresh */
	add_at("+1777", t - 601, false, &al);
	al.esc_checked_s = t - 10; /* as if the last look was before it was due */
	ga_alert_refresh(&al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_BEEP2);
	ga_alarm_stop(&a, GA_OUT_BUZZER);
	ga_alert_refresh(&al);
	assert_int_equal(ga_alarm_pattern(&a, GA_OUT_BUZZER), GA_PAT_OFF);
	assert_int_equal(al.escalated, 1);
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

/* ---- hooks in rules and classes ---------------------------------------- */

static const char hooks_conf[] =
	"[server]\nlisten = 127.0.0.1:1\n[webhook]\nsecret = s\n"
	"[alert.sms]\nhook = classhook\nescalate_after = 10m\n"
	"escalate_hook = eschook\n"
	"[alert.chat]\nescalate_after = 5m\nescalate_outputs = buzzer:fast\n"
	"[rule.own]\ntext = own\nhook = rulehook\n"
	"[rule.none]\ntext = none\nhook =\n"
	"[rule.inherit]\ntext = inherit\npriority = 3\n"
	"[rule.spam]\ntext = spam\nignore = yes\n"
	"[rule.esc]\ntext = esc\nescalate_hook = rulehook\n"
	"[rule.chatesc]\nclass = chat\nescalate_hook = eschook\n"
	"[hook.classhook]\ncommand = /bin/true\n"
	"[hook.rulehook]\ncommand = /bin/echo \"two words\"\ntimeout = 1m\n"
	"retry = 0\n"
	"[hook.eschook]\ncommand = /bin/true\nmax_running = 2\n";

/* hook = on [alert.<class>] is the default a rule inherits; a rule's own
 * hook = (even an empty one) replaces it; ignore = yes drops it;
 * escalate_hook comes from the class unless the rule sets one */
static void test_hook_actions(void **state)
{
	static const struct {
		int cls;
		const char *rule; /* NULL: no rule matched */
		const char *hook, *esc_hook;
		unsigned int after_s;
	} rows[] = {
		{ GA_CLASS_SMS, NULL, "classhook", "eschook", 600 },
		{ GA_CLASS_SMS, "own", "rulehook", "eschook", 600 },
		{ GA_CLASS_SMS, "none", "", "eschook", 600 },
		{ GA_CLASS_SMS, "inherit", "classhook", "eschook", 600 },
		{ GA_CLASS_SMS, "spam", "", "eschook", 0 },
		{ GA_CLASS_SMS, "esc", "classhook", "rulehook", 600 },
		{ GA_CLASS_CHAT, NULL, "", "", 300 },
		{ GA_CLASS_CHAT, "inherit", "", "", 300 },
		{ GA_CLASS_CHAT, "chatesc", "", "eschook", 300 },
	};
	static struct ga_conf c;
	struct errs e = { .n = 0 };

	(void)state;
	if (ga_conf_parse(&c, "h.conf", hooks_conf, sizeof(hooks_conf) - 1,
			  collect, &e, NULL)) {
		fail_msg("hooks_conf: %s", e.lines[0]);
	}
	for (size_t i = 0; i < GA_ARRAY_SIZE(rows); i++) {
		struct ga_rules_action a;
		int rule = -1;

		for (unsigned int k = 0; rows[i].rule && k < c.nrules; k++) {
			if (strcmp(c.rule[k].name, rows[i].rule) == 0) {
				rule = (int)k;
			}
		}
		ga_rules_actions(&c, rows[i].cls, rule, &a);
		if (strcmp(a.hook, rows[i].hook) ||
		    strcmp(a.escalate_hook, rows[i].esc_hook) ||
		    a.escalate_after_s != rows[i].after_s ||
		    strcmp(ga_rules_hook(&c, rows[i].cls, rule), rows[i].hook)) {
			fail_msg("row %zu (%s): hook [%s] escalate_hook [%s] after "
				 "%u, want [%s] [%s] %u", i,
				 rows[i].rule ? rows[i].rule : "default", a.hook,
				 a.escalate_hook, a.escalate_after_s,
				 rows[i].hook, rows[i].esc_hook, rows[i].after_s);
		}
	}
}

/* `gridalertd -t`: hook names that name no [hook.NAME], and escalation
 * without something to do, as file:line */
static void test_hook_errors(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:8443\n[webhook]\nsecret = s\n" /* 1-4 */
		"[alert.sms]\n"                    /* 5 */
		"hook = nope\n"                    /* 6 */
		"[alert.chat]\n"                   /* 7 */
		"escalate_after = 5m\n"            /* 8 */
		"escalate_hook = gone\n"           /* 9 */
		"[alert.sms_failed]\n"             /* 10 */
		"escalate_hook = n\n"              /* 11 */
		"[rule.a]\n"                       /* 12 */
		"escalate_hook = missing\n"        /* 13 */
		"escalate_after = 1m\n"            /* 14 */
		"[rule.b]\n"                       /* 15 */
		"class = sms_delivered\n"          /* 16 */
		"escalate_after = 1m\n"            /* 17 */
		"[hook.n]\n"                       /* 18 */
		"command = /bin/true\n";           /* 19 */
	static const char *want[] = {
		"t.conf:11: alert.sms_failed: escalate_hook without escalate_after",
		"t.conf:17: rule.b: escalate_after without escalate_outputs or "
		"escalate_hook",
		"t.conf:6: alert.sms: hook = nope, but there is no [hook.nope]",
		"t.conf:9: alert.chat: escalate_hook = gone, but there is no "
		"[hook.gone]",
		"t.conf:13: rule.a: escalate_hook = missing, but there is no "
		"[hook.missing]",
	};

	(void)state;
	expect_conf_errors("t.conf", text, sizeof(text) - 1, want,
			   GA_ARRAY_SIZE(want));
}

/* get/set/help of hook.NAME.KEY, as of rule.NAME.KEY */
static void test_hook_get_set(void **state)
{
	static const struct get_row rows[] = {
		{ "hook.rulehook.command", "/bin/echo \"two words\"" },
		{ "hook.rulehook.timeout", "1m" },
		{ "hook.rulehook.retry", "0" },
		{ "hook.rulehook.max_running", "1" },
		{ "hook.rulehook.user", "" },
		{ "hook.eschook.max_running", "2" },
		{ "hook.eschook.timeout", "10" },
		{ "alert.sms.hook", "classhook" },
		{ "alert.sms.escalate_hook", "eschook" },
		{ "rule.own.hook", "rulehook" },
		{ "rule.esc.escalate_hook", "rulehook" },
	};
	static struct ga_conf c;
	const char *help, *def;
	char out[300];

	(void)state;
	assert_int_equal(ga_conf_parse(&c, "h.conf", hooks_conf,
				       sizeof(hooks_conf) - 1, NULL, NULL, NULL), 0);
	expect_gets(&c, rows, GA_ARRAY_SIZE(rows));
	assert_int_equal(ga_conf_get(&c, "hook.nosuch.command", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(ga_conf_get(&c, "hook.eschook.colour", out, sizeof(out)),
			 -ENOENT);
	assert_true(ga_conf_rule_key_info("hook.any.retry", &help, &def));
	assert_string_equal(def, "3");
	assert_non_null(strstr(help, "again after a failure"));
	assert_false(ga_conf_rule_key_info("hook.any.colour", &help, &def));
	/* set checks a value alone; a new hook name is fine */
	assert_int_equal(ga_conf_check_value("hook.new.command", "/bin/x y", NULL,
					     NULL), 0);
	{
		struct errs e = { .n = 0 };

		assert_int_equal(ga_conf_check_value("hook.new.timeout", "2h",
						     collect, &e), -EINVAL);
		assert_string_equal(e.lines[0], "set:1: hook.new.timeout: '2h' is "
				    "not a duration up to 3600s (600, 90s, 10m, 1h)");
	}
	assert_int_equal(ga_conf_check_value("hook.new.max_running", "5", NULL,
					     NULL), -EINVAL);
	assert_int_equal(ga_conf_check_value("hook.bad name.command", "/x", NULL,
					     NULL), -ENOENT);
}

static unsigned int esc_calls;
static char esc_last[64];

static void esc_cb(void *arg, const struct ga_msg *m, const char *hook)
{
	(void)arg;
	esc_calls++;
	snprintf(esc_last, sizeof(esc_last), "%u %s", m->seq, hook);
}

/* escalate_hook through alert.c: handed on once when the alert escalates
 * (not at every refresh), not for an acknowledged one, and again after a
 * restart (a new ga_alert over the replayed store) while it stays
 * unacknowledged and overdue */
static void test_alert_escalate_hook(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:1\n[webhook]\nsecret = s\n"
		"[alert.sms]\nescalate_after = 10m\nescalate_hook = n\n"
		"[rule.other]\nfrom = +1777\nescalate_hook = m\n"
		"[hook.n]\ncommand = /bin/true\n[hook.m]\ncommand = /bin/true\n";
	static struct ga_loop loop;
	static struct ga_alarm a;
	static struct ga_alert al;
	static struct ga_conf c;
	int64_t t = (int64_t)time(NULL);
	const struct ga_msg *old, *fresh;
	char want[64];

	(void)state;
	ga_log_setup(GA_LOG_NONE, 0);
	alert_rig(&c, text, sizeof(text) - 1, &loop, &a, &al);
	ga_alert_set_escalate(&al, esc_cb, NULL);
	esc_calls = 0;

	old = add_at("+1555", t - 700, true, &al);
	fresh = add_at("+1555", t, false, &al);
	ga_alert_refresh(&al);
	assert_int_equal(esc_calls, 1);
	snprintf(want, sizeof(want), "%u n", old->seq);
	assert_string_equal(esc_last, want);
	ga_alert_refresh(&al);
	assert_int_equal(esc_calls, 1); /* once, not per refresh */
	(void)fresh;

	/* a rule's own escalate_hook */
	add_at("+1777", t - 601, false, &al);
	ga_alert_refresh(&al);
	assert_int_equal(esc_calls, 2);
	assert_non_null(strstr(esc_last, " m"));
	ga_alert_close(&al);

	/* a restart: the overdue alerts escalate, and call, again */
	ga_alert_setup(&al, &c, &loop, &store, &a, show, NULL);
	ga_alert_set_escalate(&al, esc_cb, NULL);
	assert_int_equal(ga_store_ack(&store, old->seq), 0);
	ga_alert_refresh(&al);
	assert_int_equal(esc_calls, 3); /* +1777 only: the old one is acked */
	assert_non_null(strstr(esc_last, " m"));
	ga_alert_close(&al);
	ga_alarm_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_random),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_rule_limit),
		cmocka_unit_test(test_get_set),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_alert_uses_rules),
		cmocka_unit_test(test_escalated),
		cmocka_unit_test(test_alert_escalation),
		cmocka_unit_test(test_hook_actions),
		cmocka_unit_test(test_hook_errors),
		cmocka_unit_test(test_hook_get_set),
		cmocka_unit_test(test_alert_escalate_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

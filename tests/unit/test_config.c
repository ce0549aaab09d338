/* test_config.c - every key of the key table (docs/configuration.md), table-driven:
 * its default is valid, a good value is read back by `get`, a bad value
 * gives exactly the message a person at the console reads. A key added to
 * the table without a row here fails the test. Then whole files: every
 * error reported with its file:line, cross-key rules, relative paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_errs.h"
#include "config.h"

struct row {
	const char *key;
	const char *good; /* set, then read back by ga_conf_get (NULL: skip) */
	const char *bad;  /* NULL: free text, checked with an overlong value */
	const char *msg;  /* the whole message for @bad, after "set:1: " */
};

#define YN(k) { k, "no", "maybe", k ": 'maybe' is not yes/no" }
#define NUM(k, g, lo, hi) { k, g, "12x", k ": '12x' is not a number" }, \
	{ k, NULL, "99999999999", k ": 99999999999 is out of bounds (" lo ".." hi ")" }
#define TEXT(k, g) { k, g, NULL, NULL }
#define LINE(k) { k, "5,active_low", "GPIO5", k ": 'GPIO5' is not a line " \
	"offset (0..511), optionally with ,active_low" }
#define ALERT(c) YN("alert." c ".lcd"), YN("alert." c ".latch"), \
	{ "alert." c ".outputs", "buzzer:beep", "buzzer:loud", \
	  "alert." c ".outputs: unknown pattern 'loud' (on off blink fast " \
	  "beep beep2 alarm)" }, \
	{ "alert." c ".escalate_after", "10m", "soon", "alert." c \
	  ".escalate_after: 'soon' is not a duration up to 604800s (600, 90s, " \
	  "10m, 1h)" }, \
	{ "alert." c ".escalate_outputs", "buzzer:fast", "buzzer:loud", \
	  "alert." c ".escalate_outputs: unknown pattern 'loud' (on off blink " \
	  "fast beep beep2 alarm)" }, \
	TEXT("alert." c ".escalate_hook", "notify"), \
	TEXT("alert." c ".hook", "notify")

static const struct row rows[] = {
	{ "server.listen", "127.0.0.1:9443", "localhost:8443", "server.listen: "
	  "'localhost:8443' is not address:port (numeric, e.g. 0.0.0.0:8443 or "
	  "[::]:8443)" },
	YN("server.tls"),
	TEXT("server.cert", "/etc/x.crt"),
	TEXT("server.key", "/etc/x.key"),
	YN("server.auto_cert"),
	TEXT("server.client_ca", "/etc/ca.crt"),
	NUM("server.max_connections", "32", "1", "256"),
	NUM("server.header_timeout_ms", "5000", "100", "600000"),
	NUM("server.body_timeout_ms", "5000", "100", "600000"),
	NUM("server.keepalive_timeout_ms", "5000", "100", "3600000"),
	NUM("server.max_body", "65536", "1024", "8388608"),
	TEXT("webhook.path", "/hook"),
	TEXT("webhook.secret", "s3cret#1"),
	{ "webhook.auth", "none", "token", "webhook.auth: 'token' is not secret or none" },
	TEXT("pull.endpoint", "https://ns.westus-1.eventgrid.azure.net"),
	TEXT("pull.topic", "t"),
	TEXT("pull.subscription", "s"),
	TEXT("pull.key", "k"),
	TEXT("pull.key_file", "/etc/gridalert/ns.key"),
	TEXT("pull.ca_file", "/etc/ssl/certs/ca-certificates.crt"),
	NUM("pull.max_events", "100", "1", "100"),
	NUM("pull.wait_s", "120", "10", "120"),
	TEXT("journal.path", "/data/journal"),
	NUM("journal.max_bytes", "65536", "65536", "4294967296"),
	NUM("journal.dedupe", "100", "16", "1000000"),
	YN("journal.keep_ignored"),
	{ "lcd.driver", "sim", "hd44780", "lcd.driver: 'hd44780' is not one of: "
	  "hd44780-i2c hd44780-gpio term sim none" },
	TEXT("lcd.i2c_bus", "/dev/i2c-0"),
	{ "lcd.address", "0x3f", "0x78", "lcd.address: '0x78' is not auto or an "
	  "I2C address 0x03..0x77" },
	{ "lcd.wiring", "bits = 0,1,2,3,4,5,6,7", "bits = 0,1,2,3,4,5,6,6",
	  "lcd.wiring: 'bits = 0,1,2,3,4,5,6,6' is not common, alt or bits = "
	  "rs,rw,e,bl,d4,d5,d6,d7 (0..7 each once)" },
	NUM("lcd.cols", "20", "8", "40"),
	NUM("lcd.rows", "4", "1", "4"),
	{ "lcd.rom", "a02", "a01", "lcd.rom: 'a01' is not one of: a00 a02" },
	{ "lcd.pins", "rs:1,e:2,d4:3,d5:4,d6:5,d7:6", "rs:1,e:2,d4:3",
	  "lcd.pins: 'rs:1,e:2,d4:3' must name rs, e, d4, d5, d6, d7 once each "
	  "as name:offset" },
	NUM("lcd.scroll_ms", "250", "50", "10000"),
	NUM("lcd.backlight_timeout_s", "60", "0", "86400"),
	{ "gpio.driver", "sim", "sysfs", "gpio.driver: 'sysfs' is not one of: "
	  "gpiod sim none" },
	TEXT("gpio.chip", "pinctrl-bcm2711"),
	LINE("gpio.sms_led"),
	LINE("gpio.fail_led"),
	LINE("gpio.chat_led"),
	LINE("gpio.buzzer"),
	LINE("gpio.ack_button"),
	NUM("gpio.debounce_ms", "50", "0", "1000"),
	ALERT("sms"),
	ALERT("sms_failed"),
	ALERT("sms_delivered"),
	ALERT("chat"),
	ALERT("chat_deleted"),
	ALERT("chat_thread"),
	ALERT("chat_member"),
	TEXT("control.socket", "/run/x.sock"),
	TEXT("control.group", "gridalert"),
	TEXT("system.user", "gridalert"),
	TEXT("system.watchdog", "/dev/watchdog"),
	{ "quiet.hours", "22:00-07:00", "22-7", "quiet.hours: '22-7' is not "
	  "HH:MM-HH:MM (two different times 00:00..23:59)" },
	{ "quiet.outputs", "sms_led buzzer", "siren", "quiet.outputs: 'siren' is "
	  "not a list of outputs (sms_led fail_led chat_led buzzer)" },
};

static char msg[512];
static unsigned int nmsg;

static void err_cb(void *arg, const char *line)
{
	(void)arg;
	if (!nmsg++) {
		snprintf(msg, sizeof(msg), "%s", line);
	}
}

static const char *check(const char *key, const char *value)
{
	msg[0] = '\0';
	nmsg = 0;
	if (ga_conf_check_value(key, value, err_cb, NULL) == 0) {
		return NULL;
	}
	return msg;
}

/* Every key of the table has a row, and every row names a key. */
static void test_every_key_has_a_row(void **state)
{
	const char *name;
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; ga_conf_key_info(i, &name, NULL, NULL); i++) {
		bool found = false;

		for (size_t r = 0; r < GA_ARRAY_SIZE(rows); r++) {
			found |= strcmp(rows[r].key, name) == 0;
		}
		if (!found) {
			fail_msg("key %s has no row in test_config.c", name);
		}
		n++;
	}
	for (size_t r = 0; r < GA_ARRAY_SIZE(rows); r++) {
		if (ga_conf_check_value(rows[r].key, "", err_cb, NULL) == -ENOENT) {
			fail_msg("row %s is not a key", rows[r].key);
		}
	}
	assert_int_equal(n, ga_conf_key_count());
}

static void test_defaults_valid(void **state)
{
	const char *name, *def, *help;
	char key[64];

	(void)state;
	for (unsigned int i = 0; ga_conf_key_info(i, &name, &help, &def); i++) {
		snprintf(key, sizeof(key), "%s", name);
		if (check(key, def)) {
			fail_msg("default of %s is refused: %s", key, msg);
		}
		if (!help || strlen(help) < 8) {
			fail_msg("%s has no help text", key);
		}
	}
}

static void test_bad_values(void **state)
{
	char big[4096], want[600];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t r = 0; r < GA_ARRAY_SIZE(rows); r++) {
		const struct row *w = &rows[r];
		const char *got;

		if (w->good && check(w->key, w->good)) {
			fail_msg("%s = %s refused: %s", w->key, w->good, msg);
		}
		if (!w->bad) {
			/* free text is bounded by its field */
			got = check(w->key, big);
			if (!got || (!strstr(got, "longer than") || !strstr(got, w->key))) {
				fail_msg("%s: overlong value: [%s]", w->key, got ? got : "accepted");
			}
			continue;
		}
		snprintf(want, sizeof(want), "set:1: %s", w->msg);
		got = check(w->key, w->bad);
		if (!got) {
			fail_msg("%s = %s accepted", w->key, w->bad);
		}
		if (strcmp(got, want) != 0) {
			fail_msg("%s = %s:\n  got  [%s]\n  want [%s]", w->key, w->bad,
				 got, want);
		}
		assert_int_equal(nmsg, 1); /* one problem, one message */
	}
}

/* Good values come back from `get` as written (paths are absolute). */
static void test_get_reads_back(void **state)
{
	static struct ga_conf c;
	static char text[8192];
	char out[256], sect[64];
	bool in[GA_ARRAY_SIZE(rows)] = { false };
	const char *dot;
	size_t at = 0;
	unsigned int nerr = 0;

	(void)state;
	/* one file with every good value of the keys that are free of
	 * cross-key rules */
	for (size_t r = 0; r < GA_ARRAY_SIZE(rows); r++) {
		const struct row *w = &rows[r];

		if (!w->good || !strncmp(w->key, "pull.", 5) ||
		    !strcmp(w->key, "webhook.auth") || !strcmp(w->key, "server.tls") ||
		    !strcmp(w->key, "lcd.driver") || !strcmp(w->key, "gpio.driver")) {
			continue;
		}
		in[r] = true;
		dot = strrchr(w->key, '.');
		snprintf(sect, sizeof(sect), "%.*s", (int)(dot - w->key), w->key);
		at += (size_t)snprintf(text + at, sizeof(text) - at, "[%s]\n%s = %s\n",
				       sect, dot + 1, w->good);
	}
	/* the hook the alert.<class>.hook rows name */
	at += (size_t)snprintf(text + at, sizeof(text) - at,
			       "[hook.notify]\ncommand = /bin/true\n");
	nmsg = 0;
	/* sections repeat here; the parser allows a section to reopen */
	if (ga_conf_parse(&c, "all.conf", text, at, err_cb, NULL, &nerr)) {
		fail_msg("%u errors, first: %s\n%s", nerr, msg, text);
	}
	for (size_t r = 0; r < GA_ARRAY_SIZE(rows); r++) {
		const struct row *w = &rows[r];

		if (!in[r] || ga_conf_key_secret(w->key)) {
			continue;
		}
		assert_int_equal(ga_conf_get(&c, w->key, out, sizeof(out)), 0);
		if (strcmp(out, w->good) != 0 && strcmp(w->key, "lcd.wiring") != 0) {
			fail_msg("get %s: [%s], set [%s]", w->key, out, w->good);
		}
	}
}

/* A file with many mistakes: each one reported, with its line, in order. */
static void test_file_errors(void **state)
{
	static const char text[] =
		"stray = 1\n"                          /* 1 */
		"[server]\n"                           /* 2 */
		"listen = 0.0.0.0:8443\n"              /* 3 */
		"tls = off\n"                          /* 4 */
		"max_conections = 8\n"                 /* 5 */
		"[webhook]\n"                          /* 6 */
		"secret = x\n"                         /* 7 */
		"secret = y\n"                         /* 8 */
		"[alert.fax]\n"                        /* 9 */
		"lcd = yes\n"                          /* 10 */
		"[lcd]\n"                              /* 11 */
		"rows = 3\n"                           /* 12 */
		"no equals sign\n"                     /* 13 */
		"[pull]\n"                             /* 14 */
		"endpoint = http://ns\n";              /* 15 */
	static const char *want[] = {
		"t.conf:1: key outside of any section",
		"t.conf:5: unknown key 'max_conections' in [server] (did you mean "
		"'max_connections'?)",
		"t.conf:8: duplicate key 'secret' (first set on line 7)",
		"t.conf:9: unknown section [alert.fax] (classes: sms, sms_failed, "
		"sms_delivered, chat, chat_deleted, chat_thread, chat_member)",
		"t.conf:13: expected key = value",
		"t.conf:4: server.tls = off is only allowed on a loopback listen "
		"address, not 0.0.0.0:8443",
		"t.conf:12: lcd.rows must be 1, 2 or 4",
		"t.conf:15: pull.endpoint must start with https://",
		"t.conf:15: pull.endpoint is set but pull.topic is empty",
		"t.conf:15: pull.endpoint is set but pull.subscription is empty",
		"t.conf:15: pull.endpoint is set but neither pull.key nor pull.key_file",
	};

	(void)state;
	expect_conf_errors("t.conf", text, sizeof(text) - 1, want,
			   GA_ARRAY_SIZE(want));
}

/* hd44780-gpio: the LCD's lines may not double as alarm lines, however
 * the pins value is spaced. */
static void test_lcd_pins_conflict(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:8443\n[webhook]\nsecret = s\n"
		"[lcd]\ndriver = hd44780-gpio\n"
		"pins = rs:17, e:8, d4:25, d5:24, d6:23, d7:22\n"
		"[gpio]\ndriver = gpiod\n";
	static struct ga_conf c;
	struct errs e = { .n = 0 };
	unsigned int nerr = 0, off[GA_LCD_PINS];

	(void)state;
	assert_int_equal(ga_conf_parse(&c, "p.conf", text, sizeof(text) - 1,
				       collect, &e, &nerr), -EINVAL);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.lines[0], "p.conf:7: lcd.pins uses line 17, also "
					"gpio.sms_led");
	assert_string_equal(e.lines[1], "p.conf:7: lcd.pins uses line 22, also "
					"gpio.chat_led");
	/* the one parser, as gpio4.c uses it */
	assert_int_equal(ga_conf_lcd_pins("d7:18,d6:23,d5:24,d4:25,e:8,rs:7", off), 0);
	assert_int_equal(off[GA_LCD_PIN_RS], 7);
	assert_int_equal(off[GA_LCD_PIN_E], 8);
	assert_int_equal(off[GA_LCD_PIN_D4 + 3], 18);
	assert_int_equal(ga_conf_lcd_pins("rs:7,e:8,d4:25,d5:24,d6:23", off), -EINVAL);
	assert_int_equal(ga_conf_lcd_pins("rs:7,rs:8,d4:25,d5:24,d6:23,d7:1", off),
			 -EINVAL);
}

/* Relative paths are relative to the config file's directory. */
static void test_relative_paths(void **state)
{
	static const char text[] =
		"[server]\nlisten = 127.0.0.1:8443\ncert = c.crt\n"
		"[webhook]\nsecret = s\n[journal]\npath = state/journal\n";
	static struct ga_conf c;
	unsigned int nerr = 0;
	char out[256];

	(void)state;
	assert_int_equal(ga_conf_parse(&c, "/etc/gridalert/gridalert.conf", text,
				       sizeof(text) - 1, err_cb, NULL, &nerr), 0);
	assert_int_equal(ga_conf_get(&c, "server.cert", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/gridalert/c.crt");
	assert_int_equal(ga_conf_get(&c, "journal.path", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/gridalert/state/journal");
	assert_int_equal(ga_conf_get(&c, "webhook.secret", out, sizeof(out)), 0);
	assert_int_equal(ga_conf_get(&c, "no.such", out, sizeof(out)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_has_a_row),
		cmocka_unit_test(test_defaults_valid),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_get_reads_back),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_lcd_pins_conflict),
		cmocka_unit_test(test_relative_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* config.c - the key table and the INI parser (see config.h).
 *
 * One table row per key of docs/configuration.md: section, key, type, bounds, default,
 * offset into struct ga_conf, help text. Parsing fills a fresh struct with
 * the defaults first, then reports every error as "file:line: message" and
 * fails if there was any (every error reported, none fatal alone). Relative paths are resolved
 * against the directory of the config file, so `gridalertd -c
 * board/sim/gridalert.conf` works from any working directory.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hook.h"

/* A config file is a few KiB; 64 KiB means someone pointed us at the wrong
 * file. A line longer than 1024 bytes is not a config line either. */
#define GA_CONF_FILE_MAX (64u * 1024u)
#define GA_CONF_LINE_MAX 1024u

enum ga_conf_type {
	T_STR,    /* char[] */
	T_PATH,   /* char[], relative to the config file's directory */
	T_BOOL,
	T_UINT,   /* unsigned int, bounds */
	T_SIZE,   /* size_t, bounds */
	T_U64,    /* uint64_t, bounds */
	T_LISTEN, /* appended to server.listen[] */
	T_ENUM,   /* char[], one of a list */
	T_AUTH,
	T_ADDR,   /* i2c address: auto or 0x03..0x77 */
	T_LINE,   /* gpio line: "", "17", "17,active_low" */
	T_OUTPUTS,/* alert outputs "sms_led:blink buzzer:beep" */
	T_PINS,   /* lcd pins rs:7,e:8,d4:..,d7:.. */
	T_WIRING, /* preset name or bits = 8 numbers */
	T_CLASSES,/* rule class list: uint32_t bit per enum ga_class */
	T_DURATION,/* unsigned int seconds: "600", "90s", "10m", "1h" */
	T_HOURS,  /* struct ga_conf_hours: "" or HH:MM-HH:MM */
	T_OUTSET, /* uint8_t bit per output: "buzzer sms_led" */
};

struct ga_conf_key {
	const char *section; /* "alert" for [alert.<class>] */
	const char *name;
	enum ga_conf_type type;
	size_t off;  /* in struct ga_conf, or struct ga_conf_alert */
	size_t size; /* for strings */
	uint64_t min, max;
	const char *def;
	const char *choices; /* T_ENUM: space separated */
	const char *help;
};

#define OFF(m) offsetof(struct ga_conf, m), sizeof(((struct ga_conf *)0)->m)
#define AOFF(m) offsetof(struct ga_conf_alert, m), sizeof(((struct ga_conf_alert *)0)->m)
#define ROFF(m) offsetof(struct ga_conf_rule, m), sizeof(((struct ga_conf_rule *)0)->m)
#define HOFF(m) offsetof(struct ga_conf_hook, m), sizeof(((struct ga_conf_hook *)0)->m)

_Static_assert(GA_CONF_HOOK_NAME_MAX == GA_CONF_RULE_NAME_MAX,
	       "a hook = NAME value holds any [hook.NAME] name");

static const struct ga_conf_key ga_conf_keys[] = {
	{ "server", "listen", T_LISTEN, OFF(server.listen), 0, 0, "0.0.0.0:8443", NULL,
	  "address:port to accept HTTPS on; IPv6 as [::]:8443; repeat the line for several" },
	{ "server", "tls", T_BOOL, OFF(server.tls), 0, 0, "on", NULL,
	  "TLS on the listening sockets; off only on a loopback address (behind a local proxy)" },
	{ "server", "cert", T_PATH, OFF(server.cert), 0, 0, "/etc/gridalert/server.crt", NULL,
	  "PEM certificate chain" },
	{ "server", "key", T_PATH, OFF(server.key), 0, 0, "/etc/gridalert/server.key", NULL,
	  "PEM private key; must not be readable by group or others" },
	{ "server", "auto_cert", T_BOOL, OFF(server.auto_cert), 0, 0, "no", NULL,
	  "yes: create a self-signed ECDSA P-256 pair if missing and log its SHA-256 fingerprint" },
	{ "server", "client_ca", T_PATH, OFF(server.client_ca), 0, 0, "", NULL,
	  "optional: require client certificates signed by this CA" },
	{ "server", "max_connections", T_UINT, OFF(server.max_connections), 1, 256, "16", NULL,
	  "concurrent connections; the oldest idle keep-alive one is closed for a new one" },
	{ "server", "header_timeout_ms", T_UINT, OFF(server.header_timeout_ms), 100, 600000, "10000", NULL,
	  "TLS handshake + request head must finish within this (else 408)" },
	{ "server", "body_timeout_ms", T_UINT, OFF(server.body_timeout_ms), 100, 600000, "20000", NULL,
	  "request body must arrive within this (else 408)" },
	{ "server", "keepalive_timeout_ms", T_UINT, OFF(server.keepalive_timeout_ms), 100, 3600000, "60000", NULL,
	  "an idle keep-alive connection is closed after this" },
	{ "server", "max_body", T_SIZE, OFF(server.max_body), 1024, 8388608, "1048576", NULL,
	  "bytes; larger bodies get 413 (one Event Grid event may be up to 1 MB)" },
	{ "webhook", "path", T_STR, OFF(webhook.path), 0, 0, "/api/events", NULL,
	  "URL path Event Grid posts to" },
	{ "webhook", "secret", T_STR, OFF(webhook.secret), 0, 0, "", NULL,
	  "shared secret, as ?code=SECRET in the URL or header X-Gridalert-Key; compared in constant time" },
	{ "webhook", "auth", T_AUTH, OFF(webhook.auth), 0, 0, "secret", "secret none",
	  "secret | none (none only with a loopback listen address)" },
	{ "pull", "endpoint", T_STR, OFF(pull.endpoint), 0, 0, "", NULL,
	  "https://<namespace>.<region>-1.eventgrid.azure.net; empty: pull delivery off" },
	{ "pull", "topic", T_STR, OFF(pull.topic), 0, 0, "", NULL, "namespace topic" },
	{ "pull", "subscription", T_STR, OFF(pull.subscription), 0, 0, "", NULL,
	  "queue event subscription on the topic" },
	{ "pull", "key", T_STR, OFF(pull.key), 0, 0, "", NULL,
	  "namespace SharedAccessKey (or key_file)" },
	{ "pull", "key_file", T_PATH, OFF(pull.key_file), 0, 0, "", NULL,
	  "file holding the SharedAccessKey (instead of key)" },
	{ "pull", "ca_file", T_PATH, OFF(pull.ca_file), 0, 0, "/etc/ssl/certs/ca-certificates.crt", NULL,
	  "CA bundle the namespace's certificate is verified against" },
	{ "pull", "max_events", T_UINT, OFF(pull.max_events), 1, 100, "10", NULL,
	  "events per receive (namespace limit: 1..100)" },
	{ "pull", "wait_s", T_UINT, OFF(pull.wait_s), 10, 120, "60", NULL,
	  "long-poll wait per receive in seconds (namespace limit: 10..120)" },
	{ "journal", "path", T_PATH, OFF(journal.path), 0, 0, "/var/lib/gridalert/journal", NULL,
	  "journal file; its directory may be a separate data partition" },
	{ "journal", "max_bytes", T_U64, OFF(journal.max_bytes), 65536, 4294967296ull, "4194304", NULL,
	  "compacted when exceeded; unacknowledged events are never dropped" },
	{ "journal", "dedupe", T_UINT, OFF(journal.dedupe), 16, 1000000, "4096", NULL,
	  "event ids remembered for duplicate detection, rebuilt from the journal at start" },
	{ "journal", "keep_ignored", T_BOOL, OFF(journal.keep_ignored), 0, 0, "no", NULL,
	  "also journal events of types gridalert does not handle" },
	{ "lcd", "driver", T_ENUM, OFF(lcd.driver), 0, 0, "none",
	  "hd44780-i2c hd44780-gpio term sim none",
	  "hd44780-i2c | hd44780-gpio | term | sim | none" },
	{ "lcd", "i2c_bus", T_STR, OFF(lcd.i2c_bus), 0, 0, "/dev/i2c-1", NULL, "I2C bus device" },
	{ "lcd", "address", T_ADDR, OFF(lcd.address), 0, 0, "auto", NULL,
	  "PCF8574 address: auto probes 0x27 then 0x3f; or a number such as 0x27" },
	{ "lcd", "wiring", T_WIRING, OFF(lcd.wiring), 0, 0, "common", NULL,
	  "PCF8574 bit map preset (common, alt), or bits = rs,rw,e,bl,d4,d5,d6,d7" },
	{ "lcd", "cols", T_UINT, OFF(lcd.cols), 8, 40, "16", NULL, "characters per line (8..40)" },
	{ "lcd", "rows", T_UINT, OFF(lcd.rows), 1, 4, "2", NULL, "lines: 1, 2 or 4" },
	{ "lcd", "rom", T_ENUM, OFF(lcd.rom), 0, 0, "a00", "a00 a02",
	  "character ROM: a00 (Japanese) | a02 (European); UTF-8 is folded to its glyphs" },
	{ "lcd", "pins", T_PINS, OFF(lcd.pins), 0, 0, "rs:7,e:8,d4:25,d5:24,d6:23,d7:18", NULL,
	  "hd44780-gpio only: line offsets on [gpio] chip" },
	{ "lcd", "scroll_ms", T_UINT, OFF(lcd.scroll_ms), 50, 10000, "400", NULL,
	  "marquee step for text longer than a line" },
	{ "lcd", "backlight_timeout_s", T_UINT, OFF(lcd.backlight_timeout_s), 0, 86400, "0", NULL,
	  "backlight off after this many idle seconds; 0 = always on" },
	{ "gpio", "driver", T_ENUM, OFF(gpio.driver), 0, 0, "none", "gpiod sim none",
	  "gpiod | sim | none" },
	{ "gpio", "chip", T_STR, OFF(gpio.chip), 0, 0, "gpiochip0", NULL,
	  "GPIO chip by name, path or label (e.g. pinctrl-bcm2711)" },
	{ "gpio", "sms_led", T_LINE, OFF(gpio.out[GA_OUT_SMS_LED]), 0, 0, "17", NULL,
	  "line offset; empty = not wired; suffix ,active_low allowed" },
	{ "gpio", "fail_led", T_LINE, OFF(gpio.out[GA_OUT_FAIL_LED]), 0, 0, "27", NULL,
	  "line offset; empty = not wired; suffix ,active_low allowed" },
	{ "gpio", "chat_led", T_LINE, OFF(gpio.out[GA_OUT_CHAT_LED]), 0, 0, "22", NULL,
	  "line offset; empty = not wired; suffix ,active_low allowed" },
	{ "gpio", "buzzer", T_LINE, OFF(gpio.out[GA_OUT_BUZZER]), 0, 0, "18", NULL,
	  "line offset; empty = not wired; suffix ,active_low allowed" },
	{ "gpio", "ack_button", T_LINE, OFF(gpio.ack_button), 0, 0, "23", NULL,
	  "input line, edge events, debounced" },
	{ "gpio", "debounce_ms", T_UINT, OFF(gpio.debounce_ms), 0, 1000, "30", NULL,
	  "ignore button edges within this window" },
	{ "alert", "lcd", T_BOOL, AOFF(lcd), 0, 0, NULL, NULL,
	  "show events of this class on the LCD" },
	{ "alert", "outputs", T_OUTPUTS, AOFF(pattern), 0, 0, NULL, NULL,
	  "output:pattern list; patterns: on off blink fast beep beep2 alarm" },
	{ "alert", "latch", T_BOOL, AOFF(latch), 0, 0, NULL, NULL,
	  "alarms stay until acknowledged" },
	{ "alert", "escalate_after", T_DURATION, AOFF(escalate_after_s), 0, 604800,
	  NULL, NULL, "unacknowledged this long after it was received (600, 90s, "
	  "10m, 1h; 0 = never): run escalate_outputs or escalate_hook; "
	  "counted from the "
	  "journaled receive time, so a restart does not reset it" },
	{ "alert", "escalate_outputs", T_OUTPUTS, AOFF(escalate_pattern), 0, 0,
	  NULL, NULL, "output:pattern list that replaces outputs on those "
	  "outputs once escalate_after has passed" },
	{ "alert", "escalate_hook", T_STR, AOFF(escalate_hook), 0, 0, NULL, NULL,
	  "name of a [hook.NAME] run once (GA_ESCALATED=1) when an alert "
	  "escalates; again after a restart while it stays unacknowledged" },
	{ "alert", "hook", T_STR, AOFF(hook), 0, 0, NULL, NULL,
	  "name of a [hook.NAME] to hand this class's events to when their "
	  "rule sets no hook of its own" },
	{ "control", "socket", T_PATH, OFF(control.socket), 0, 0, "/run/gridalert/ctl.sock", NULL,
	  "unix socket gridalertctl talks to (mode 0660)" },
	{ "control", "group", T_STR, OFF(control.group), 0, 0, "", NULL,
	  "group allowed to use the control socket" },
	{ "system", "user", T_STR, OFF(system.user), 0, 0, "", NULL,
	  "drop to this user after binding and opening devices" },
	{ "system", "watchdog", T_STR, OFF(system.watchdog), 0, 0, "", NULL,
	  "watchdog device (/dev/watchdog), petted from the loop, magic close on exit" },
	{ "quiet", "hours", T_HOURS, OFF(quiet.hours), 0, 0, "", NULL,
	  "HH:MM-HH:MM local time (TZ) when quiet outputs stay silent; may "
	  "cross midnight; empty = never" },
	{ "quiet", "outputs", T_OUTSET, OFF(quiet.outputs), 0, 0, "buzzer", NULL,
	  "outputs silent in quiet hours (sms_led fail_led chat_led buzzer); "
	  "a rule with quiet = ignore rings through" },
};

/* The keys of a [rule.NAME] section; offsets into struct ga_conf_rule.
 * Not in the table above: their names carry the rule's name. */
static const struct ga_conf_key ga_conf_rule_keys[] = {
	{ "rule", "class", T_CLASSES, ROFF(classes), 0, 0, "", NULL,
	  "classes it applies to, space separated (sms sms_failed chat ...); "
	  "empty = every class" },
	{ "rule", "from", T_STR, ROFF(match[GA_RULE_FROM]), 0, 0, "", NULL,
	  "case-insensitive glob on the sender number (+1425555*)" },
	{ "rule", "to", T_STR, ROFF(match[GA_RULE_TO]), 0, 0, "", NULL,
	  "case-insensitive glob on the recipient number" },
	{ "rule", "sender_name", T_STR, ROFF(match[GA_RULE_SENDER]), 0, 0, "", NULL,
	  "case-insensitive glob on the chat sender's display name" },
	{ "rule", "status", T_STR, ROFF(match[GA_RULE_STATUS]), 0, 0, "", NULL,
	  "case-insensitive glob on the delivery status (sms_failed)" },
	{ "rule", "thread", T_STR, ROFF(match[GA_RULE_THREAD]), 0, 0, "", NULL,
	  "case-insensitive glob on the chat thread id (19:...@thread.v2)" },
	{ "rule", "text", T_STR, ROFF(match[GA_RULE_TEXT]), 0, 0, "", NULL,
	  "case-insensitive glob (with * or ?) or substring (without) on the text" },
	{ "rule", "outputs", T_OUTPUTS, ROFF(act.pattern), 0, 0, "", NULL,
	  "output:pattern list, as in [alert.<class>]; unset = the class's" },
	{ "rule", "lcd", T_BOOL, ROFF(act.lcd), 0, 0, "", NULL,
	  "show on the LCD; unset = the class's" },
	{ "rule", "latch", T_BOOL, ROFF(act.latch), 0, 0, "", NULL,
	  "alarms stay until acknowledged; unset = the class's" },
	{ "rule", "priority", T_UINT, ROFF(priority), 0, 1000, "0", NULL,
	  "0..1000; the LCD shows the highest unacknowledged first (classes: 0)" },
	{ "rule", "ignore", T_BOOL, ROFF(ignore), 0, 0, "no", NULL,
	  "yes: journaled and counted, never shown or rung" },
	{ "rule", "quiet", T_ENUM, ROFF(quiet), 0, 0, "obey", "obey ignore",
	  "obey | ignore: ignore rings through [quiet] hours" },
	{ "rule", "escalate_after", T_DURATION, ROFF(act.escalate_after_s), 0,
	  604800, "0", NULL,
	  "unacknowledged this long (600, 90s, 10m, 1h): run escalate_outputs "
	  "or escalate_hook; unset = the class's" },
	{ "rule", "escalate_outputs", T_OUTPUTS, ROFF(act.escalate_pattern), 0, 0,
	  "", NULL, "output:pattern list run when escalate_after has passed; "
	  "unset = the class's" },
	{ "rule", "escalate_hook", T_STR, ROFF(act.escalate_hook), 0, 0, "", NULL,
	  "name of a [hook.NAME] run once (GA_ESCALATED=1) when escalate_after "
	  "has passed; unset = the class's" },
	{ "rule", "hook", T_STR, ROFF(hook), 0, 0, "", NULL,
	  "name of a [hook.NAME] to hand the event to; unset = the class's "
	  "hook, empty = none" },
};
#define GA_CONF_NRULEKEYS GA_ARRAY_SIZE(ga_conf_rule_keys)

/* The keys of a [hook.NAME] section; offsets into struct ga_conf_hook. */
static const struct ga_conf_key ga_conf_hook_keys[] = {
	{ "hook", "command", T_STR, HOFF(command), 0, 0, "", NULL,
	  "program and arguments, split on spaces (\"double quotes\" keep "
	  "spaces); run without a shell" },
	{ "hook", "timeout", T_DURATION, HOFF(timeout_s), 1, 3600, "10s", NULL,
	  "killed (SIGKILL) when it runs longer (10, 10s, 1m)" },
	{ "hook", "max_running", T_UINT, HOFF(max_running), 1,
	  GA_CONF_HOOK_RUN_MAX, "1", NULL,
	  "children at once (1..4); above 1 the order of events is not kept" },
	{ "hook", "retry", T_UINT, HOFF(retry), 0, 10, "3", NULL,
	  "runs again after a failure, 1 s, 2 s, 4 s ... (up to 60 s) apart" },
	{ "hook", "user", T_STR, HOFF(user), 0, 0, "", NULL,
	  "run as this user; only when the daemon keeps root (no [system] "
	  "user) or the same user" },
};
#define GA_CONF_NHOOKKEYS GA_ARRAY_SIZE(ga_conf_hook_keys)

#define GA_CONF_NKEYS GA_ARRAY_SIZE(ga_conf_keys)
#define GA_CONF_ALERT_FIRST 44 /* index of the first "alert" row */
#define GA_CONF_ALERT_KEYS 7

/* Default reactions (docs/events.md), per class: lcd, latch, outputs. */
static const struct {
	const char *lcd, *latch, *outputs;
} ga_conf_alert_defaults[GA_CLASS__COUNT] = {
	[GA_CLASS_IGNORED] = { "no", "no", "" },
	[GA_CLASS_SMS] = { "yes", "yes", "sms_led:blink buzzer:beep" },
	[GA_CLASS_SMS_FAILED] = { "yes", "yes", "fail_led:on buzzer:alarm" },
	[GA_CLASS_SMS_DELIVERED] = { "no", "no", "" },
	[GA_CLASS_CHAT] = { "yes", "yes", "chat_led:blink" },
	[GA_CLASS_CHAT_DELETED] = { "no", "no", "" },
	[GA_CLASS_CHAT_THREAD] = { "yes", "no", "" },
	[GA_CLASS_CHAT_MEMBER] = { "yes", "no", "" },
	[GA_CLASS_VALIDATION] = { "no", "no", "" },
};

/* Classes that have an [alert.<class>] section (docs/events.md). */
static bool ga_conf_alert_class(int cls)
{
	return cls > GA_CLASS_IGNORED && cls < GA_CLASS_VALIDATION;
}

static const char *const ga_output_names[GA_OUT__COUNT] = {
	"sms_led", "fail_led", "chat_led", "buzzer",
};
static const char *const ga_pattern_names[GA_PAT__COUNT] = {
	"off", "on", "blink", "fast", "beep", "beep2", "alarm",
};

const char *ga_output_name(enum ga_output o)
{
	return (unsigned int)o < GA_OUT__COUNT ? ga_output_names[o] : "?";
}

const char *ga_pattern_name(enum ga_pattern p)
{
	return (unsigned int)p < GA_PAT__COUNT ? ga_pattern_names[p] : "?";
}

/* ---- error reporting ---------------------------------------------------- */

struct ga_conf_ctx {
	struct ga_conf *c;
	const char *name; /* file name in messages */
	char dir[GA_CONF_PATH_MAX];
	ga_conf_err_cb err;
	void *arg;
	unsigned int nerr;
	unsigned int line;
	/* line each key was set on (0 = default), for duplicates/conflicts */
	unsigned int set_line[GA_CONF_NKEYS];
	unsigned int alert_line[GA_CLASS__COUNT][GA_CONF_ALERT_KEYS];
	unsigned int section_line;
	char alert_sect[48]; /* "alert.sms", "rule.scada": for messages */
	int rule;            /* index while in [rule.NAME], else -1 */
	unsigned int rule_line[GA_CONF_RULES_MAX][GA_CONF_NRULEKEYS];
	int hook;            /* index while in [hook.NAME], else -1 */
	unsigned int hook_line[GA_CONF_HOOKS_MAX][GA_CONF_NHOOKKEYS];
	unsigned int hook_sect_line[GA_CONF_HOOKS_MAX];
};

static void ga_conf_error(struct ga_conf_ctx *x, unsigned int line,
			  const char *fmt, ...) GA_PRINTF(3, 4);

static void ga_conf_error(struct ga_conf_ctx *x, unsigned int line,
			  const char *fmt, ...)
{
	char msg[GA_CONF_PATH_MAX + 256];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s:%u: ", x->name, line);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		n = 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	x->nerr++;
	if (x->err) {
		x->err(x->arg, msg);
	} else {
		fprintf(stderr, "%s\n", msg);
	}
}

/* ---- value parsers ------------------------------------------------------- */

static int ga_conf_u64(struct ga_span v, uint64_t *out)
{
	uint64_t r = 0;

	if (v.len > 2 && v.ptr[0] == '0' && (v.ptr[1] == 'x' || v.ptr[1] == 'X')) {
		if (v.len > 18) {
			return -ERANGE;
		}
		for (size_t i = 2; i < v.len; i++) {
			char ch = v.ptr[i];
			unsigned int d;

			if (ch >= '0' && ch <= '9') {
				d = (unsigned int)(ch - '0');
			} else if (ch >= 'a' && ch <= 'f') {
				d = (unsigned int)(ch - 'a' + 10);
			} else if (ch >= 'A' && ch <= 'F') {
				d = (unsigned int)(ch - 'A' + 10);
			} else {
				return -EINVAL;
			}
			r = r << 4 | d;
		}
		*out = r;
		return 0;
	}
	return ga_span_to_u64(v, UINT64_MAX, out);
}

static int ga_conf_bool(struct ga_span v, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };

	for (unsigned int i = 0; i < 4; i++) {
		if (ga_span_ieq_str(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (ga_span_ieq_str(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static bool ga_conf_word_in(struct ga_span v, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (ga_span_eq(v, ga_span_make(p, n))) {
			return true;
		}
		p += n;
		while (*p == ' ') {
			p++;
		}
	}
	return false;
}

static int ga_conf_path(struct ga_conf_ctx *x, struct ga_span v, char *out,
			size_t size)
{
	int n;

	if (v.len == 0) {
		out[0] = '\0';
		return 0;
	}
	if (v.ptr[0] == '/' || !x->dir[0]) {
		n = snprintf(out, size, "%.*s", (int)v.len, v.ptr);
	} else {
		n = snprintf(out, size, "%s/%.*s", x->dir, (int)v.len, v.ptr);
	}
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

static int ga_conf_line_value(struct ga_span v, struct ga_conf_line *out)
{
	struct ga_span num = v;
	const char *comma = memchr(v.ptr, ',', v.len);
	uint64_t n;

	out->offset = -1;
	out->active_low = false;
	if (v.len == 0) {
		return 0;
	}
	if (comma) {
		struct ga_span flag = ga_span_trim(ga_span_make(comma + 1,
			v.len - (size_t)(comma - v.ptr) - 1));

		num = ga_span_trim(ga_span_make(v.ptr, (size_t)(comma - v.ptr)));
		if (!ga_span_eq(flag, GA_SPAN_LIT("active_low"))) {
			return -EINVAL;
		}
		out->active_low = true;
	}
	/* 0..511: the Pi 5's RP1 has 54 lines; leave room for expanders */
	if (ga_span_to_u64(num, 511, &n)) {
		return -EINVAL;
	}
	out->offset = (int)n;
	return 0;
}

static int ga_conf_outputs(struct ga_span v, uint8_t pat[GA_OUT__COUNT],
			   char *why, size_t whysize)
{
	size_t i = 0;

	memset(pat, GA_PAT_OFF, GA_OUT__COUNT);
	while (i < v.len) {
		size_t s;
		struct ga_span item, out, p;
		const char *colon;
		int o = -1, pi = -1;

		while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t')) {
			i++;
		}
		s = i;
		while (i < v.len && v.ptr[i] != ' ' && v.ptr[i] != '\t') {
			i++;
		}
		if (i == s) {
			break;
		}
		item = ga_span_make(v.ptr + s, i - s);
		colon = memchr(item.ptr, ':', item.len);
		if (!colon) {
			snprintf(why, whysize, "'%.*s' is not output:pattern",
				 (int)item.len, item.ptr);
			return -EINVAL;
		}
		out = ga_span_make(item.ptr, (size_t)(colon - item.ptr));
		p = ga_span_make(colon + 1, item.len - out.len - 1);
		for (int k = 0; k < GA_OUT__COUNT; k++) {
			if (ga_span_eq(out, ga_span_str(ga_output_names[k]))) {
				o = k;
			}
		}
		for (int k = 0; k < GA_PAT__COUNT; k++) {
			if (ga_span_eq(p, ga_span_str(ga_pattern_names[k]))) {
				pi = k;
			}
		}
		if (o < 0) {
			snprintf(why, whysize, "unknown output '%.*s' (sms_led, "
				 "fail_led, chat_led, buzzer)", (int)out.len, out.ptr);
			return -EINVAL;
		}
		if (pi < 0) {
			snprintf(why, whysize, "unknown pattern '%.*s' (on off "
				 "blink fast beep beep2 alarm)", (int)p.len, p.ptr);
			return -EINVAL;
		}
		pat[o] = (uint8_t)pi;
	}
	return 0;
}

/* rs:7,e:8,d4:25,d5:24,d6:23,d7:18 - all six, each once, 0..511. */
/* rs:N,e:N,d4:N,d5:N,d6:N,d7:N in any order, each once, N 0..511; the
 * offsets land in @off in the order of enum ga_lcd_pin. */
static int ga_conf_pins(struct ga_span v, unsigned int off[GA_LCD_PINS])
{
	static const char *const names[GA_LCD_PINS] = { "rs", "e", "d4", "d5",
							"d6", "d7" };
	unsigned int seen = 0;
	size_t i = 0;

	while (i < v.len) {
		size_t s = i;
		const char *colon;
		struct ga_span item, n;
		uint64_t num;
		int k;

		while (i < v.len && v.ptr[i] != ',') {
			i++;
		}
		item = ga_span_trim(ga_span_make(v.ptr + s, i - s));
		i++;
		colon = memchr(item.ptr, ':', item.len);
		if (!colon) {
			return -EINVAL;
		}
		n = ga_span_make(item.ptr, (size_t)(colon - item.ptr));
		for (k = 0; k < GA_LCD_PINS; k++) {
			if (ga_span_eq(n, ga_span_str(names[k]))) {
				break;
			}
		}
		if (k == GA_LCD_PINS || (seen & (1u << k)) ||
		    ga_span_to_u64(ga_span_make(colon + 1, item.len - n.len - 1),
				   511, &num)) {
			return -EINVAL;
		}
		seen |= 1u << k;
		off[k] = (unsigned int)num;
	}
	return seen == (1u << GA_LCD_PINS) - 1 ? 0 : -EINVAL;
}

int ga_conf_lcd_pins(const char *spec, unsigned int off[GA_LCD_PINS])
{
	return ga_conf_pins(ga_span_str(spec), off);
}

/* common | alt | bits = 8 distinct numbers 0..7 */
static int ga_conf_wiring(struct ga_span v)
{
	unsigned int seen = 0, count = 0;
	size_t i;

	if (ga_span_eq(v, GA_SPAN_LIT("common")) ||
	    ga_span_eq(v, GA_SPAN_LIT("alt"))) {
		return 0;
	}
	if (!ga_span_istarts(v, "bits")) {
		return -EINVAL;
	}
	i = 4;
	while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '=')) {
		i++;
	}
	for (; i < v.len; i++) {
		char ch = v.ptr[i];

		if (ch == ',' || ch == ' ') {
			continue;
		}
		if (ch < '0' || ch > '7' || (seen & (1u << (ch - '0')))) {
			return -EINVAL;
		}
		seen |= 1u << (ch - '0');
		count++;
	}
	return count == 8 ? 0 : -EINVAL;
}

/* Space separated words of @v, one at a time: false at the end. */
static bool ga_conf_next_word(struct ga_span v, size_t *i, struct ga_span *w)
{
	size_t s;

	while (*i < v.len && (v.ptr[*i] == ' ' || v.ptr[*i] == '\t')) {
		(*i)++;
	}
	s = *i;
	while (*i < v.len && v.ptr[*i] != ' ' && v.ptr[*i] != '\t') {
		(*i)++;
	}
	*w = ga_span_make(v.ptr + s, *i - s);
	return *i > s;
}

/* "sms sms_failed": classes that have an [alert.<class>] section */
static int ga_conf_classes(struct ga_span v, uint32_t *out)
{
	struct ga_span w;
	size_t i = 0;

	*out = 0;
	while (ga_conf_next_word(v, &i, &w)) {
		int cls = ga_class_from_name(w);

		if (!ga_conf_alert_class(cls)) {
			return -EINVAL;
		}
		*out |= 1u << cls;
	}
	return 0;
}

/* "buzzer sms_led" */
static int ga_conf_outset(struct ga_span v, uint8_t *out)
{
	struct ga_span w;
	size_t i = 0;

	*out = 0;
	while (ga_conf_next_word(v, &i, &w)) {
		int o;

		for (o = 0; o < GA_OUT__COUNT; o++) {
			if (ga_span_eq(w, ga_span_str(ga_output_names[o]))) {
				break;
			}
		}
		if (o == GA_OUT__COUNT) {
			return -EINVAL;
		}
		*out |= (uint8_t)(1u << o);
	}
	return 0;
}

/* "600" or "600s" seconds, "10m", "1h" */
static int ga_conf_duration(struct ga_span v, uint64_t *out)
{
	uint64_t mul = 1;

	if (v.len > 1) {
		switch (v.ptr[v.len - 1]) {
		case 's':
			v.len--;
			break;
		case 'm':
			mul = 60;
			v.len--;
			break;
		case 'h':
			mul = 3600;
			v.len--;
			break;
		default:
			break;
		}
	}
	/* bounded well below overflow: the key's max is a week */
	if (ga_span_to_u64(v, 1000000, out)) {
		return -EINVAL;
	}
	*out *= mul;
	return 0;
}

static int ga_conf_hhmm(struct ga_span v, uint16_t *min)
{
	uint64_t h, m;

	if (v.len != 5 || v.ptr[2] != ':' ||
	    ga_span_to_u64(ga_span_make(v.ptr, 2), 23, &h) ||
	    ga_span_to_u64(ga_span_make(v.ptr + 3, 2), 59, &m)) {
		return -EINVAL;
	}
	*min = (uint16_t)(h * 60 + m);
	return 0;
}

/* "" (off) or "22:00-07:00" */
static int ga_conf_hours(struct ga_span v, struct ga_conf_hours *out)
{
	const char *dash = memchr(v.ptr, '-', v.len);

	memset(out, 0, sizeof(*out));
	if (v.len == 0) {
		return 0;
	}
	if (!dash ||
	    ga_conf_hhmm(ga_span_trim(ga_span_make(v.ptr, (size_t)(dash - v.ptr))),
			 &out->start_min) ||
	    ga_conf_hhmm(ga_span_trim(ga_span_make(dash + 1, v.len - (size_t)(dash - v.ptr) - 1)),
			 &out->end_min) ||
	    out->start_min == out->end_min) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	out->on = true;
	return 0;
}

/* Set one key from its text. Returns 0 or reports an error. */
static int ga_conf_set(struct ga_conf_ctx *x, const struct ga_conf_key *k,
		       void *base, struct ga_span v)
{
	char *field = (char *)base + k->off;
	char why[160];
	uint64_t n;
	bool b;
	/* messages name the key as written: alert.sms.lcd, not alert.lcd */
	const char *sec = (strcmp(k->section, "alert") == 0 ||
			   strcmp(k->section, "rule") == 0 ||
			   strcmp(k->section, "hook") == 0) && x->alert_sect[0]
				  ? x->alert_sect : k->section;

	switch (k->type) {
	case T_STR:
	case T_ENUM:
		if (k->type == T_ENUM && !ga_conf_word_in(v, k->choices)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not one of: %s",
				      sec, k->name, (int)v.len, v.ptr,
				      k->choices);
			return -EINVAL;
		}
		if (v.len >= k->size) {
			ga_conf_error(x, x->line, "%s.%s: value longer than %zu bytes",
				      sec, k->name, k->size - 1);
			return -EINVAL;
		}
		memcpy(field, v.ptr, v.len);
		field[v.len] = '\0';
		return 0;
	case T_PATH:
		if (ga_conf_path(x, v, field, k->size)) {
			ga_conf_error(x, x->line, "%s.%s: path longer than %zu bytes",
				      sec, k->name, k->size - 1);
			return -EINVAL;
		}
		return 0;
	case T_BOOL:
		if (ga_conf_bool(v, &b)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not yes/no",
				      sec, k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		*(bool *)(void *)field = b;
		return 0;
	case T_UINT:
	case T_SIZE:
	case T_U64:
		if (ga_conf_u64(v, &n)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not a number",
				      sec, k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		if (n < k->min || n > k->max) {
			ga_conf_error(x, x->line,
				      "%s.%s: %llu is out of bounds (%llu..%llu)",
				      sec, k->name, (unsigned long long)n,
				      (unsigned long long)k->min,
				      (unsigned long long)k->max);
			return -EINVAL;
		}
		if (k->type == T_UINT) {
			*(unsigned int *)(void *)field = (unsigned int)n;
		} else if (k->type == T_SIZE) {
			*(size_t *)(void *)field = (size_t)n;
		} else {
			*(uint64_t *)(void *)field = n;
		}
		return 0;
	case T_LISTEN: {
		struct ga_conf *c = x->c;

		if (c->server.nlisten >= GA_CONF_LISTEN_MAX) {
			ga_conf_error(x, x->line, "server.listen: more than %d lines",
				      GA_CONF_LISTEN_MAX);
			return -EINVAL;
		}
		if (v.len >= GA_CONF_ADDR_MAX) {
			ga_conf_error(x, x->line, "server.listen: value too long");
			return -EINVAL;
		}
		{
			char tmp[GA_CONF_ADDR_MAX];
			const char *colon;
			char host[GA_CONF_ADDR_MAX];
			unsigned char addr[16];
			uint64_t port;
			size_t hl;

			memcpy(tmp, v.ptr, v.len);
			tmp[v.len] = '\0';
			colon = strrchr(tmp, ':');
			hl = colon ? (size_t)(colon - tmp) : 0;
			if (hl >= 2 && tmp[0] == '[' && tmp[hl - 1] == ']') {
				memcpy(host, tmp + 1, hl - 2);
				host[hl - 2] = '\0';
			} else {
				memcpy(host, tmp, hl);
				host[hl] = '\0';
			}
			if (!colon ||
			    ga_span_to_u64(ga_span_str(colon + 1), 65535, &port) ||
			    port == 0 ||
			    (inet_pton(AF_INET, host, addr) != 1 &&
			     inet_pton(AF_INET6, host, addr) != 1)) {
				ga_conf_error(x, x->line,
					      "server.listen: '%s' is not address:port "
					      "(numeric, e.g. 0.0.0.0:8443 or [::]:8443)",
					      tmp);
				return -EINVAL;
			}
			memcpy(c->server.listen[c->server.nlisten++], tmp,
			       v.len + 1);
		}
		return 0;
	}
	case T_AUTH:
		if (ga_span_eq(v, GA_SPAN_LIT("secret"))) {
			*(enum ga_auth *)(void *)field = GA_AUTH_SECRET;
		} else if (ga_span_eq(v, GA_SPAN_LIT("none"))) {
			*(enum ga_auth *)(void *)field = GA_AUTH_NONE;
		} else {
			ga_conf_error(x, x->line, "webhook.auth: '%.*s' is not "
				      "secret or none", (int)v.len, v.ptr);
			return -EINVAL;
		}
		return 0;
	case T_ADDR:
		if (ga_span_eq(v, GA_SPAN_LIT("auto"))) {
			*(int *)(void *)field = -1;
			return 0;
		}
		/* 7-bit addresses 0x03..0x77 (0x00-0x02, 0x78-0x7f reserved) */
		if (ga_conf_u64(v, &n) || n < 0x03 || n > 0x77) {
			ga_conf_error(x, x->line, "lcd.address: '%.*s' is not auto "
				      "or an I2C address 0x03..0x77", (int)v.len, v.ptr);
			return -EINVAL;
		}
		*(int *)(void *)field = (int)n;
		return 0;
	case T_LINE:
		if (ga_conf_line_value(v, (struct ga_conf_line *)(void *)field)) {
			ga_conf_error(x, x->line, "gpio.%s: '%.*s' is not a line "
				      "offset (0..511), optionally with ,active_low",
				      k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		return 0;
	case T_OUTPUTS:
		if (ga_conf_outputs(v, (uint8_t *)field, why, sizeof(why))) {
			ga_conf_error(x, x->line, "%s.%s: %s", sec, k->name, why);
			return -EINVAL;
		}
		return 0;
	case T_PINS: {
		unsigned int off[GA_LCD_PINS];

		if (ga_conf_pins(v, off)) {
			ga_conf_error(x, x->line, "lcd.pins: '%.*s' must name rs, e, "
				      "d4, d5, d6, d7 once each as name:offset",
				      (int)v.len, v.ptr);
			return -EINVAL;
		}
		memcpy(field, v.ptr, v.len < k->size ? v.len : k->size - 1);
		field[v.len < k->size ? v.len : k->size - 1] = '\0';
		return 0;
	}
	case T_WIRING:
		if (v.len >= k->size || ga_conf_wiring(v)) {
			ga_conf_error(x, x->line, "lcd.wiring: '%.*s' is not common, "
				      "alt or bits = rs,rw,e,bl,d4,d5,d6,d7 (0..7 each once)",
				      (int)v.len, v.ptr);
			return -EINVAL;
		}
		memcpy(field, v.ptr, v.len);
		field[v.len] = '\0';
		return 0;
	case T_CLASSES:
		if (ga_conf_classes(v, (uint32_t *)(void *)field)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not a list of "
				      "classes (sms sms_failed sms_delivered chat "
				      "chat_deleted chat_thread chat_member)",
				      sec, k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		return 0;
	case T_DURATION:
		if (ga_conf_duration(v, &n) || n > k->max) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not a duration "
				      "up to %llus (600, 90s, 10m, 1h)", sec, k->name,
				      (int)v.len, v.ptr, (unsigned long long)k->max);
			return -EINVAL;
		}
		*(unsigned int *)(void *)field = (unsigned int)n;
		return 0;
	case T_HOURS:
		if (ga_conf_hours(v, (struct ga_conf_hours *)(void *)field)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not HH:MM-HH:MM "
				      "(two different times 00:00..23:59)", sec,
				      k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		return 0;
	case T_OUTSET:
		if (ga_conf_outset(v, (uint8_t *)field)) {
			ga_conf_error(x, x->line, "%s.%s: '%.*s' is not a list of "
				      "outputs (sms_led fail_led chat_led buzzer)",
				      sec, k->name, (int)v.len, v.ptr);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

void ga_conf_defaults(struct ga_conf *c)
{
	struct ga_conf_ctx x;

	memset(c, 0, sizeof(*c));
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.name = "(defaults)";
	for (unsigned int i = 0; i < GA_CONF_NKEYS; i++) {
		const struct ga_conf_key *k = &ga_conf_keys[i];

		if (!k->def || k->type == T_LISTEN) {
			continue;
		}
		(void)ga_conf_set(&x, k, c, ga_span_str(k->def));
	}
	for (int cls = 0; cls < GA_CLASS__COUNT; cls++) {
		struct ga_conf_alert *a = &c->alert[cls];
		char why[64];

		(void)ga_conf_bool(ga_span_str(ga_conf_alert_defaults[cls].lcd), &a->lcd);
		(void)ga_conf_bool(ga_span_str(ga_conf_alert_defaults[cls].latch), &a->latch);
		(void)ga_conf_outputs(ga_span_str(ga_conf_alert_defaults[cls].outputs),
				      a->pattern, why, sizeof(why));
	}
}

/* "did you mean": edit distance <= 2 among the section's keys */
static unsigned int ga_conf_dist(struct ga_span a, const char *b)
{
	unsigned int d[GA_CONF_NAME_MAX + 1], prev, tmp;
	size_t bl = strlen(b);

	if (a.len > GA_CONF_NAME_MAX || bl > GA_CONF_NAME_MAX) {
		return 99;
	}
	for (size_t j = 0; j <= bl; j++) {
		d[j] = (unsigned int)j;
	}
	for (size_t i = 1; i <= a.len; i++) {
		prev = d[0];
		d[0] = (unsigned int)i;
		for (size_t j = 1; j <= bl; j++) {
			unsigned int cost = a.ptr[i - 1] == b[j - 1] ? 0 : 1;
			unsigned int best = d[j] + 1;

			if (d[j - 1] + 1 < best) {
				best = d[j - 1] + 1;
			}
			if (prev + cost < best) {
				best = prev + cost;
			}
			tmp = d[j];
			d[j] = best;
			prev = tmp;
		}
	}
	return d[bl];
}

static void ga_conf_unknown_key(struct ga_conf_ctx *x, const char *section,
				struct ga_span key)
{
	const char *best = NULL;
	unsigned int bd = 3;
	bool hook = strcmp(section, "hook") == 0;
	bool rule = hook || strcmp(section, "rule") == 0;
	const struct ga_conf_key *keys = hook ? ga_conf_hook_keys
				       : rule ? ga_conf_rule_keys : ga_conf_keys;
	unsigned int nkeys = hook ? GA_CONF_NHOOKKEYS
			     : rule ? GA_CONF_NRULEKEYS : GA_CONF_NKEYS;

	if (rule) {
		section = x->alert_sect;
	}
	for (unsigned int i = 0; i < nkeys; i++) {
		if (rule || strcmp(keys[i].section, section) == 0) {
			unsigned int dd = ga_conf_dist(key, keys[i].name);

			if (dd < bd) {
				bd = dd;
				best = keys[i].name;
			}
		}
	}
	if (best) {
		ga_conf_error(x, x->line, "unknown key '%.*s' in [%s] (did you "
			      "mean '%s'?)", (int)key.len, key.ptr, section, best);
	} else {
		ga_conf_error(x, x->line, "unknown key '%.*s' in [%s]",
			      (int)key.len, key.ptr, section);
	}
}

bool ga_conf_addr_is_loopback(const char *listen)
{
	char host[GA_CONF_ADDR_MAX];
	const char *colon = strrchr(listen, ':');
	size_t hl = colon ? (size_t)(colon - listen) : strlen(listen);
	struct in_addr a4;
	struct in6_addr a6;

	if (hl >= sizeof(host)) {
		return false;
	}
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		memcpy(host, listen + 1, hl - 2);
		host[hl - 2] = '\0';
	} else {
		memcpy(host, listen, hl);
		host[hl] = '\0';
	}
	if (inet_pton(AF_INET, host, &a4) == 1) {
		return (ntohl(a4.s_addr) >> 24) == 127;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		return IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return false;
}

static unsigned int ga_conf_key_line(const struct ga_conf_ctx *x,
				     const char *section, const char *name)
{
	for (unsigned int i = 0; i < GA_CONF_NKEYS; i++) {
		if (strcmp(ga_conf_keys[i].section, section) == 0 &&
		    strcmp(ga_conf_keys[i].name, name) == 0) {
			return x->set_line[i];
		}
	}
	return 0;
}

static bool ga_conf_any_pattern(const uint8_t pat[GA_OUT__COUNT])
{
	for (int o = 0; o < GA_OUT__COUNT; o++) {
		if (pat[o] != GA_PAT_OFF) {
			return true;
		}
	}
	return false;
}

static unsigned int ga_conf_rule_key_line(const struct ga_conf_ctx *x,
					  unsigned int rule, const char *name)
{
	for (unsigned int i = 0; i < GA_CONF_NRULEKEYS; i++) {
		if (strcmp(ga_conf_rule_keys[i].name, name) == 0) {
			return x->rule_line[rule][i];
		}
	}
	return 0;
}

/* What an escalation does: outputs to switch or a hook to run. */
static bool ga_conf_esc_action(const uint8_t pat[GA_OUT__COUNT],
			       const char *hook)
{
	return ga_conf_any_pattern(pat) || hook[0];
}

/* escalate_after needs escalate_outputs or escalate_hook, and the other
 * way round, in [alert.<class>] and in each rule together with the
 * classes it covers (a rule may set one and take the other from the
 * class). */
static void ga_conf_check_escalation(struct ga_conf_ctx *x)
{
	const struct ga_conf *c = x->c;

	for (int cls = 0; cls < GA_CLASS__COUNT; cls++) {
		const struct ga_conf_alert *a = &c->alert[cls];
		bool out = ga_conf_esc_action(a->escalate_pattern,
					      a->escalate_hook);

		if (a->escalate_after_s && !out) {
			ga_conf_error(x, x->alert_line[cls][3], "alert.%s: "
				      "escalate_after without escalate_outputs "
				      "or escalate_hook",
				      ga_class_name((enum ga_class)cls));
		} else if (out && !a->escalate_after_s) {
			bool pat = ga_conf_any_pattern(a->escalate_pattern);

			/* alert_line columns: 4 escalate_outputs, 5 escalate_hook */
			ga_conf_error(x, x->alert_line[cls][pat ? 4 : 5],
				      "alert.%s: %s without escalate_after",
				      ga_class_name((enum ga_class)cls),
				      pat ? "escalate_outputs" : "escalate_hook");
		}
	}
	for (unsigned int i = 0; i < c->nrules; i++) {
		const struct ga_conf_rule *r = &c->rule[i];
		bool sets_after = (r->set & GA_RULE_SET_ESC_AFTER) &&
				  r->act.escalate_after_s;
		bool sets_out = (r->set & GA_RULE_SET_ESC_OUTPUTS) &&
				ga_conf_any_pattern(r->act.escalate_pattern);
		bool sets_hook = (r->set & GA_RULE_SET_ESC_HOOK) &&
				 r->act.escalate_hook[0];
		bool works = false;

		if (!sets_after && !sets_out && !sets_hook) {
			continue; /* the classes' own settings were checked */
		}
		/* fine when it escalates for at least one class it covers */
		for (int cls = 1; cls < GA_CLASS_VALIDATION; cls++) {
			const struct ga_conf_alert *a = &c->alert[cls];
			unsigned int after = (r->set & GA_RULE_SET_ESC_AFTER)
					     ? r->act.escalate_after_s
					     : a->escalate_after_s;
			bool out = ga_conf_esc_action(
				(r->set & GA_RULE_SET_ESC_OUTPUTS) ? r->act.escalate_pattern
								   : a->escalate_pattern,
				(r->set & GA_RULE_SET_ESC_HOOK) ? r->act.escalate_hook
								: a->escalate_hook);

			if (!r->classes || (r->classes & (1u << cls))) {
				works |= after && out;
			}
		}
		if (works) {
			continue;
		}
		if (sets_after) {
			ga_conf_error(x, ga_conf_rule_key_line(x, i, "escalate_after"),
				      "rule.%s: escalate_after without "
				      "escalate_outputs or escalate_hook", r->name);
		} else {
			const char *k = sets_out ? "escalate_outputs"
						 : "escalate_hook";

			ga_conf_error(x, ga_conf_rule_key_line(x, i, k),
				      "rule.%s: %s without escalate_after",
				      r->name, k);
		}
	}
}

/* "" (no hook) or the name of a [hook.NAME] of @c. */
static bool ga_conf_hook_known(const struct ga_conf *c, const char *name)
{
	bool found = !name[0];

	for (unsigned int k = 0; !found && k < c->nhooks; k++) {
		found = strcmp(name, c->hook[k].name) == 0;
	}
	return found;
}

/* [hook.NAME]: a command that splits, a user the daemon can become, and
 * every hook = NAME and escalate_hook = NAME naming one. */
static void ga_conf_check_hooks(struct ga_conf_ctx *x)
{
	const struct ga_conf *c = x->c;

	for (unsigned int i = 0; i < c->nhooks; i++) {
		const struct ga_conf_hook *h = &c->hook[i];
		unsigned int l = x->hook_line[i][0];
		char buf[GA_CONF_HOOK_CMD_MAX];
		char *argv[GA_HOOK_ARGV_MAX + 1];
		int n = ga_hook_argv(h->command, buf, argv);

		if (n == -ENOENT) {
			ga_conf_error(x, l ? l : x->hook_sect_line[i],
				      "hook.%s: command is empty", h->name);
		} else if (n == -E2BIG) {
			ga_conf_error(x, l, "hook.%s: command has more than %d "
				      "arguments", h->name, GA_HOOK_ARGV_MAX - 1);
		} else if (n < 0) {
			ga_conf_error(x, l, "hook.%s: command has an unclosed \"",
				      h->name);
		} else if (argv[0][0] != '/') {
			ga_conf_error(x, l, "hook.%s: command must start with an "
				      "absolute path (no shell, no PATH search)",
				      h->name);
		}
		if (h->user[0] && c->system.user[0] &&
		    strcmp(h->user, c->system.user) != 0) {
			ga_conf_error(x, x->hook_line[i][4], "hook.%s: user = %s "
				      "needs root, but [system] user = %s drops "
				      "it (leave user empty or set it to %s)",
				      h->name, h->user, c->system.user,
				      c->system.user);
		}
	}
	for (int cls = 1; cls < GA_CLASS_VALIDATION; cls++) {
		const struct ga_conf_alert *a = &c->alert[cls];
		const char *cn = ga_class_name((enum ga_class)cls);

		if (!ga_conf_hook_known(c, a->hook)) {
			ga_conf_error(x, x->alert_line[cls][6], "alert.%s: hook = "
				      "%s, but there is no [hook.%s]", cn, a->hook,
				      a->hook);
		}
		if (!ga_conf_hook_known(c, a->escalate_hook)) {
			ga_conf_error(x, x->alert_line[cls][5], "alert.%s: "
				      "escalate_hook = %s, but there is no "
				      "[hook.%s]", cn, a->escalate_hook,
				      a->escalate_hook);
		}
	}
	for (unsigned int i = 0; i < c->nrules; i++) {
		const struct ga_conf_rule *r = &c->rule[i];

		if (!ga_conf_hook_known(c, r->hook)) {
			ga_conf_error(x, ga_conf_rule_key_line(x, i, "hook"),
				      "rule.%s: hook = %s, but there is no "
				      "[hook.%s]", r->name, r->hook, r->hook);
		}
		if (!ga_conf_hook_known(c, r->act.escalate_hook)) {
			ga_conf_error(x, ga_conf_rule_key_line(x, i, "escalate_hook"),
				      "rule.%s: escalate_hook = %s, but there is "
				      "no [hook.%s]", r->name, r->act.escalate_hook,
				      r->act.escalate_hook);
		}
	}
}

/* Rules that involve more than one key (docs/configuration.md). */
static void ga_conf_check(struct ga_conf_ctx *x)
{
	struct ga_conf *c = x->c;
	unsigned int l;

	ga_conf_check_escalation(x);
	ga_conf_check_hooks(x);

	if (c->server.nlisten == 0) {
		snprintf(c->server.listen[0], GA_CONF_ADDR_MAX, "0.0.0.0:8443");
		c->server.nlisten = 1;
	}
	for (unsigned int i = 0; i < c->server.nlisten; i++) {
		if (ga_conf_addr_is_loopback(c->server.listen[i])) {
			continue;
		}
		if (!c->server.tls) {
			l = ga_conf_key_line(x, "server", "tls");
			ga_conf_error(x, l, "server.tls = off is only allowed on a "
				      "loopback listen address, not %s",
				      c->server.listen[i]);
		}
		if (c->webhook.auth == GA_AUTH_NONE) {
			l = ga_conf_key_line(x, "webhook", "auth");
			ga_conf_error(x, l, "webhook.auth = none is only allowed on "
				      "a loopback listen address, not %s",
				      c->server.listen[i]);
		}
	}
	if (c->webhook.auth == GA_AUTH_SECRET && !c->webhook.secret[0]) {
		l = ga_conf_key_line(x, "webhook", "secret");
		ga_conf_error(x, l ? l : x->section_line,
			      "webhook.secret is empty: set a secret (or auth = "
			      "none on a loopback address)");
	}
	if (c->webhook.path[0] != '/') {
		ga_conf_error(x, ga_conf_key_line(x, "webhook", "path"),
			      "webhook.path must start with /");
	}
	if (c->lcd.rows == 3) {
		ga_conf_error(x, ga_conf_key_line(x, "lcd", "rows"),
			      "lcd.rows must be 1, 2 or 4");
	}
	if (c->pull.key[0] && c->pull.key_file[0]) {
		ga_conf_error(x, ga_conf_key_line(x, "pull", "key_file"),
			      "pull.key and pull.key_file are both set; use one");
	}
	if (c->pull.endpoint[0]) {
		l = ga_conf_key_line(x, "pull", "endpoint");
		if (strncmp(c->pull.endpoint, "https://", 8) != 0) {
			ga_conf_error(x, l, "pull.endpoint must start with https://");
		}
		if (!c->pull.topic[0]) {
			ga_conf_error(x, l, "pull.endpoint is set but pull.topic is empty");
		}
		if (!c->pull.subscription[0]) {
			ga_conf_error(x, l, "pull.endpoint is set but "
				      "pull.subscription is empty");
		}
		if (!c->pull.key[0] && !c->pull.key_file[0]) {
			ga_conf_error(x, l, "pull.endpoint is set but neither "
				      "pull.key nor pull.key_file");
		}
	}
	if (strcmp(c->lcd.driver, "hd44780-gpio") == 0 &&
	    strcmp(c->gpio.driver, "gpiod") != 0) {
		ga_conf_error(x, ga_conf_key_line(x, "lcd", "driver"),
			      "lcd.driver = hd44780-gpio needs [gpio] driver = gpiod");
	}
	if (strcmp(c->lcd.driver, "hd44780-gpio") == 0) {
		/* the LCD's six lines must not double as alarm lines */
		unsigned int pin[GA_LCD_PINS];

		if (ga_conf_lcd_pins(c->lcd.pins, pin)) {
			return; /* reported where the value was read */
		}
		for (int o = 0; o < GA_OUT__COUNT; o++) {
			for (int k = 0; k < GA_LCD_PINS; k++) {
				if (c->gpio.out[o].offset == (int)pin[k]) {
					ga_conf_error(x, ga_conf_key_line(x, "lcd", "pins"),
						      "lcd.pins uses line %d, also "
						      "gpio.%s", c->gpio.out[o].offset,
						      ga_output_names[o]);
					break;
				}
			}
		}
	}
}

/* Rule names: letters, digits, _ and -, as status keys and in messages. */
static bool ga_conf_rule_name_ok(struct ga_span n)
{
	if (n.len == 0 || n.len >= GA_CONF_RULE_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < n.len; i++) {
		char ch = n.ptr[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
			return false;
		}
	}
	return true;
}

static void ga_conf_rule_defaults(struct ga_conf_rule *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->quiet, sizeof(r->quiet), "obey");
}

/* The name of a new [KIND.NAME] section: well formed, not taken among
 * the @count names before it (@stride bytes apart from @first), and
 * room for one more of @max. 0 or -EINVAL (reported). */
static int ga_conf_section_name(struct ga_conf_ctx *x, const char *kind,
				struct ga_span n, const char *first,
				size_t stride, unsigned int count,
				unsigned int max)
{
	if (!ga_conf_rule_name_ok(n)) {
		ga_conf_error(x, x->line, "[%s.%.*s]: a %s name is 1..%d "
			      "letters, digits, _ or -", kind, (int)n.len, n.ptr,
			      kind, GA_CONF_RULE_NAME_MAX - 1);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < count; i++) {
		const char *name = first + (size_t)i * stride;

		if (ga_span_eq(n, ga_span_str(name))) {
			ga_conf_error(x, x->line, "duplicate section [%s.%s]",
				      kind, name);
			return -EINVAL;
		}
	}
	if (count >= max) {
		ga_conf_error(x, x->line, "[%s.%.*s]: more than %u %ss", kind,
			      (int)n.len, n.ptr, max, kind);
		return -EINVAL;
	}
	return 0;
}

/* [rule.NAME]: the next rule in file order. 0 or -EINVAL (reported). */
static int ga_conf_rule_section(struct ga_conf_ctx *x, struct ga_span n)
{
	struct ga_conf *c = x->c;
	struct ga_conf_rule *r;

	if (ga_conf_section_name(x, "rule", n, c->rule[0].name,
				 sizeof(c->rule[0]), c->nrules,
				 GA_CONF_RULES_MAX)) {
		return -EINVAL;
	}
	x->rule = (int)c->nrules++;
	r = &c->rule[x->rule];
	ga_conf_rule_defaults(r);
	memcpy(r->name, n.ptr, n.len);
	snprintf(x->alert_sect, sizeof(x->alert_sect), "rule.%s", r->name);
	return 0;
}

/* [hook.NAME]: the next hook. 0 or -EINVAL (reported). */
static int ga_conf_hook_section(struct ga_conf_ctx *x, struct ga_span n)
{
	struct ga_conf *c = x->c;
	struct ga_conf_hook *h;

	if (ga_conf_section_name(x, "hook", n, c->hook[0].name,
				 sizeof(c->hook[0]), c->nhooks,
				 GA_CONF_HOOKS_MAX)) {
		return -EINVAL;
	}
	x->hook = (int)c->nhooks++;
	x->hook_sect_line[x->hook] = x->line;
	h = &c->hook[x->hook];
	memset(h, 0, sizeof(*h));
	for (unsigned int i = 0; i < GA_CONF_NHOOKKEYS; i++) {
		if (ga_conf_hook_keys[i].def) {
			(void)ga_conf_set(x, &ga_conf_hook_keys[i], h,
					  ga_span_str(ga_conf_hook_keys[i].def));
		}
	}
	memcpy(h->name, n.ptr, n.len);
	snprintf(x->alert_sect, sizeof(x->alert_sect), "hook.%s", h->name);
	return 0;
}

/* key = value inside a [KIND.NAME] section: set it in @base through
 * @tab, once (@seen: the line each key was set on). The key's row when it
 * was set, NULL when unknown, a duplicate or a bad value (reported). */
static const struct ga_conf_key *
ga_conf_named_key(struct ga_conf_ctx *x, const char *kind,
		  const struct ga_conf_key *tab, unsigned int n,
		  unsigned int *seen, void *base, struct ga_span key,
		  struct ga_span val)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ga_conf_key *k = &tab[i];

		if (!ga_span_eq(key, ga_span_str(k->name))) {
			continue;
		}
		if (seen[i]) {
			ga_conf_error(x, x->line, "duplicate key '%s' (first set "
				      "on line %u)", k->name, seen[i]);
			return NULL;
		}
		seen[i] = x->line;
		return ga_conf_set(x, k, base, val) ? NULL : k;
	}
	ga_conf_unknown_key(x, kind, key);
	return NULL;
}

/* key = value inside [hook.NAME] */
static void ga_conf_hook_key(struct ga_conf_ctx *x, struct ga_span key,
			     struct ga_span val)
{
	struct ga_conf_hook *h = &x->c->hook[x->hook];

	snprintf(x->alert_sect, sizeof(x->alert_sect), "hook.%s", h->name);
	(void)ga_conf_named_key(x, "hook", ga_conf_hook_keys, GA_CONF_NHOOKKEYS,
				x->hook_line[x->hook], h, key, val);
}

/* key = value inside [rule.NAME] */
static void ga_conf_rule_key(struct ga_conf_ctx *x, struct ga_span key,
			     struct ga_span val)
{
	struct ga_conf_rule *r = &x->c->rule[x->rule];
	const struct ga_conf_key *k;

	snprintf(x->alert_sect, sizeof(x->alert_sect), "rule.%s", r->name);
	k = ga_conf_named_key(x, "rule", ga_conf_rule_keys, GA_CONF_NRULEKEYS,
			      x->rule_line[x->rule], r, key, val);
	if (!k) {
		return;
	}
	/* the actions a rule sets override its class's; the rest keep them */
	if (strcmp(k->name, "lcd") == 0) {
		r->set |= GA_RULE_SET_LCD;
	} else if (strcmp(k->name, "latch") == 0) {
		r->set |= GA_RULE_SET_LATCH;
	} else if (strcmp(k->name, "outputs") == 0) {
		r->set |= GA_RULE_SET_OUTPUTS;
	} else if (strcmp(k->name, "escalate_after") == 0) {
		r->set |= GA_RULE_SET_ESC_AFTER;
	} else if (strcmp(k->name, "escalate_outputs") == 0) {
		r->set |= GA_RULE_SET_ESC_OUTPUTS;
	} else if (strcmp(k->name, "escalate_hook") == 0) {
		r->set |= GA_RULE_SET_ESC_HOOK;
	} else if (strcmp(k->name, "hook") == 0) {
		r->set |= GA_RULE_SET_HOOK; /* "hook =" turns the class's off */
	}
}

static void ga_conf_parse_line(struct ga_conf_ctx *x, struct ga_span line,
			       char *section, size_t section_size, int *alert_cls)
{
	const char *eq;
	struct ga_span key, val;

	line = ga_span_trim(line);
	if (line.len == 0 || line.ptr[0] == '#' || line.ptr[0] == ';') {
		return;
	}
	if (line.ptr[0] == '[') {
		struct ga_span name;

		/* "[rule.scada]   # first match wins": a comment may follow */
		for (size_t i = 1; i < line.len; i++) {
			if ((line.ptr[i] == '#' || line.ptr[i] == ';') &&
			    (line.ptr[i - 1] == ' ' || line.ptr[i - 1] == '\t')) {
				line = ga_span_trim(ga_span_make(line.ptr, i));
				break;
			}
		}
		if (line.ptr[line.len - 1] != ']') {
			ga_conf_error(x, x->line, "section header without ]");
			section[0] = '\0';
			return;
		}
		name = ga_span_trim(ga_span_make(line.ptr + 1, line.len - 2));
		*alert_cls = -1;
		x->rule = -1;
		x->hook = -1;
		x->section_line = x->line;
		if (ga_span_istarts(name, "hook.")) {
			if (ga_conf_hook_section(x, ga_span_make(name.ptr + 5,
								 name.len - 5))) {
				section[0] = '\0';
				return;
			}
			snprintf(section, section_size, "hook");
			return;
		}
		if (ga_span_istarts(name, "rule.")) {
			if (ga_conf_rule_section(x, ga_span_make(name.ptr + 5,
								 name.len - 5))) {
				section[0] = '\0';
				return;
			}
			snprintf(section, section_size, "rule");
			return;
		}
		if (ga_span_istarts(name, "alert.")) {
			int cls = ga_class_from_name(ga_span_make(name.ptr + 6,
								  name.len - 6));

			if (!ga_conf_alert_class(cls)) {
				ga_conf_error(x, x->line, "unknown section [%.*s] "
					      "(classes: sms, sms_failed, "
					      "sms_delivered, chat, chat_deleted, "
					      "chat_thread, chat_member)",
					      (int)name.len, name.ptr);
				section[0] = '\0';
				return;
			}
			*alert_cls = cls;
			snprintf(section, section_size, "alert");
			return;
		}
		for (unsigned int i = 0; i < GA_CONF_NKEYS; i++) {
			if (ga_span_eq(name, ga_span_str(ga_conf_keys[i].section)) &&
			    strcmp(ga_conf_keys[i].section, "alert") != 0) {
				snprintf(section, section_size, "%s",
					 ga_conf_keys[i].section);
				return;
			}
		}
		ga_conf_error(x, x->line, "unknown section [%.*s]", (int)name.len,
			      name.ptr);
		section[0] = '\0';
		return;
	}
	eq = memchr(line.ptr, '=', line.len);
	if (!eq) {
		ga_conf_error(x, x->line, "expected key = value");
		return;
	}
	key = ga_span_trim(ga_span_make(line.ptr, (size_t)(eq - line.ptr)));
	val = ga_span_make(eq + 1, (size_t)(line.ptr + line.len - eq - 1));
	/* A trailing comment needs whitespace before # or ;, so a secret
	 * may contain # (documented in gridalert.conf(5)). */
	for (size_t i = 1; i < val.len; i++) {
		if ((val.ptr[i] == '#' || val.ptr[i] == ';') &&
		    (val.ptr[i - 1] == ' ' || val.ptr[i - 1] == '\t')) {
			val.len = i;
			break;
		}
	}
	val = ga_span_trim(val);
	if (!section[0]) {
		if (x->section_line == 0) {
			ga_conf_error(x, x->line, "key outside of any section");
		}
		return; /* the bad section was reported already */
	}
	if (strcmp(section, "rule") == 0) {
		ga_conf_rule_key(x, key, val);
		return;
	}
	if (strcmp(section, "hook") == 0) {
		ga_conf_hook_key(x, key, val);
		return;
	}
	for (unsigned int i = 0; i < GA_CONF_NKEYS; i++) {
		const struct ga_conf_key *k = &ga_conf_keys[i];
		unsigned int *seen;
		void *base = x->c;

		if (strcmp(k->section, section) != 0 ||
		    !ga_span_eq(key, ga_span_str(k->name))) {
			continue;
		}
		if (*alert_cls >= 0) {
			seen = &x->alert_line[*alert_cls][i - GA_CONF_ALERT_FIRST];
			base = &x->c->alert[*alert_cls];
		} else {
			seen = &x->set_line[i];
		}
		if (*seen && k->type != T_LISTEN) {
			ga_conf_error(x, x->line, "duplicate key '%s' (first set "
				      "on line %u)", k->name, *seen);
			return;
		}
		if (!*seen && k->type == T_LISTEN) {
			x->c->server.nlisten = 0; /* the file replaces the default */
		}
		*seen = x->line;
		x->alert_sect[0] = '\0';
		if (*alert_cls >= 0) {
			snprintf(x->alert_sect, sizeof(x->alert_sect), "alert.%s",
				 ga_class_name((enum ga_class)*alert_cls));
		}
		(void)ga_conf_set(x, k, base, val);
		return;
	}
	ga_conf_unknown_key(x, section, key);
}

int ga_conf_parse(struct ga_conf *c, const char *name, const char *buf,
		  size_t len, ga_conf_err_cb err, void *arg, unsigned int *nerr)
{
	static struct ga_conf_ctx x; /* large; config parsing is not re-entered */
	char section[16] = "";
	int alert_cls = -1;
	size_t i = 0;
	const char *slash;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.name = name;
	x.err = err;
	x.arg = arg;
	x.rule = -1;
	x.hook = -1;
	slash = strrchr(name, '/');
	if (slash) {
		size_t n = (size_t)(slash - name);

		if (n == 0) {
			snprintf(x.dir, sizeof(x.dir), "/");
		} else if (n < sizeof(x.dir)) {
			memcpy(x.dir, name, n);
			x.dir[n] = '\0';
		}
	}
	ga_conf_defaults(c);
	snprintf(c->file, sizeof(c->file), "%s", name);
	/* the defaults' relative-looking values are absolute already */
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		struct ga_span line = ga_span_make(buf + i, e - i);

		x.line++;
		if (line.len && line.ptr[line.len - 1] == '\r') {
			line.len--;
		}
		if (line.len > GA_CONF_LINE_MAX) {
			ga_conf_error(&x, x.line, "line longer than %u bytes",
				      GA_CONF_LINE_MAX);
		} else if (memchr(line.ptr, '\0', line.len)) {
			ga_conf_error(&x, x.line, "NUL byte in line");
		} else {
			ga_conf_parse_line(&x, line, section, sizeof(section),
					   &alert_cls);
		}
		i = e + 1;
	}
	ga_conf_check(&x);
	if (nerr) {
		*nerr = x.nerr;
	}
	return x.nerr ? -EINVAL : 0;
}

int ga_conf_load(struct ga_conf *c, const char *path, ga_conf_err_cb err,
		 void *arg, unsigned int *nerr)
{
	static char buf[GA_CONF_FILE_MAX + 1];
	size_t len = 0;
	int fd;

	if (nerr) {
		*nerr = 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
		if (len > GA_CONF_FILE_MAX) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return ga_conf_parse(c, path, buf, len, err, arg, nerr);
}

unsigned int ga_conf_key_count(void)
{
	return GA_CONF_ALERT_FIRST +
	       (GA_CLASS_VALIDATION - 1) * GA_CONF_ALERT_KEYS +
	       (unsigned int)(GA_CONF_NKEYS - GA_CONF_ALERT_FIRST - GA_CONF_ALERT_KEYS);
}

bool ga_conf_key_info(unsigned int i, const char **name, const char **help,
		      const char **def)
{
	static char buf[64];
	const struct ga_conf_key *k;
	unsigned int nalert = (GA_CLASS_VALIDATION - 1) * GA_CONF_ALERT_KEYS;

	if (i >= ga_conf_key_count()) {
		return false;
	}
	if (i < GA_CONF_ALERT_FIRST) {
		k = &ga_conf_keys[i];
		snprintf(buf, sizeof(buf), "%s.%s", k->section, k->name);
	} else if (i < GA_CONF_ALERT_FIRST + nalert) {
		unsigned int j = i - GA_CONF_ALERT_FIRST;
		int cls = (int)(j / GA_CONF_ALERT_KEYS) + 1;

		k = &ga_conf_keys[GA_CONF_ALERT_FIRST + j % GA_CONF_ALERT_KEYS];
		snprintf(buf, sizeof(buf), "alert.%s.%s",
			 ga_class_name((enum ga_class)cls), k->name);
		if (def) {
			const char *d = "";

			if (strcmp(k->name, "lcd") == 0) {
				d = ga_conf_alert_defaults[cls].lcd;
			} else if (strcmp(k->name, "latch") == 0) {
				d = ga_conf_alert_defaults[cls].latch;
			} else if (strcmp(k->name, "outputs") == 0) {
				d = ga_conf_alert_defaults[cls].outputs;
			} else if (strcmp(k->name, "escalate_after") == 0) {
				d = "0";
			}
			*def = d;
			def = NULL;
		}
	} else {
		k = &ga_conf_keys[i - nalert + GA_CONF_ALERT_KEYS];
		snprintf(buf, sizeof(buf), "%s.%s", k->section, k->name);
	}
	if (name) {
		*name = buf;
	}
	if (help) {
		*help = k->help;
	}
	if (def) {
		*def = k->def ? k->def : "";
	}
	return true;
}

/* ---- reading a value back (gridalertctl get) ------------------------------ */

/* Split "section.key" / "alert.<class>.key" into the table row and the
 * struct it lives in; NULL when unknown. */
static const struct ga_conf_key *ga_conf_lookup(const char *name, int *cls)
{
	const char *dot = strrchr(name, '.');
	char section[32];
	size_t sl;

	*cls = -1;
	if (!dot || (sl = (size_t)(dot - name)) >= sizeof(section)) {
		return NULL;
	}
	memcpy(section, name, sl);
	section[sl] = '\0';
	if (strncmp(section, "alert.", 6) == 0) {
		*cls = ga_class_from_name(ga_span_str(section + 6));
		if (!ga_conf_alert_class(*cls)) {
			return NULL;
		}
		snprintf(section, sizeof(section), "alert");
	}
	for (unsigned int i = 0; i < GA_CONF_NKEYS; i++) {
		if (strcmp(ga_conf_keys[i].section, section) == 0 &&
		    strcmp(ga_conf_keys[i].name, dot + 1) == 0) {
			return &ga_conf_keys[i];
		}
	}
	return NULL;
}

/* "rule.NAME.key" or "hook.NAME.key" -> the row of ga_conf_rule_keys or
 * ga_conf_hook_keys, NAME, and which (*@hook); NULL when @name is
 * neither. */
static const struct ga_conf_key *ga_conf_lookup_named(const char *name,
						      struct ga_span *sname,
						      bool *hook)
{
	const char *dot = strrchr(name, '.');
	const struct ga_conf_key *tab;
	unsigned int n;

	*hook = strncmp(name, "hook.", 5) == 0;
	if ((!*hook && strncmp(name, "rule.", 5) != 0) || !dot ||
	    dot < name + 5) {
		return NULL;
	}
	*sname = ga_span_make(name + 5, (size_t)(dot - name - 5));
	if (!ga_conf_rule_name_ok(*sname)) {
		return NULL;
	}
	tab = *hook ? ga_conf_hook_keys : ga_conf_rule_keys;
	n = *hook ? GA_CONF_NHOOKKEYS : GA_CONF_NRULEKEYS;
	for (unsigned int i = 0; i < n; i++) {
		if (strcmp(tab[i].name, dot + 1) == 0) {
			return &tab[i];
		}
	}
	return NULL;
}

bool ga_conf_rule_key_info(const char *name, const char **help,
			   const char **def)
{
	struct ga_span sname;
	bool hook;
	const struct ga_conf_key *k = ga_conf_lookup_named(name, &sname, &hook);

	if (!k) {
		return false;
	}
	*help = k->help;
	*def = k->def ? k->def : "";
	return true;
}

int ga_conf_get(const struct ga_conf *c, const char *name, char *out,
		size_t size)
{
	const struct ga_conf_key *k;
	const char *field = NULL;
	struct ga_span rname;
	bool hook;
	int cls;
	size_t o = 0;

	k = ga_conf_lookup_named(name, &rname, &hook);
	if (k) {
		for (unsigned int i = 0; !hook && i < c->nrules; i++) {
			if (ga_span_eq(rname, ga_span_str(c->rule[i].name))) {
				field = (const char *)&c->rule[i] + k->off;
			}
		}
		for (unsigned int i = 0; hook && i < c->nhooks; i++) {
			if (ga_span_eq(rname, ga_span_str(c->hook[i].name))) {
				field = (const char *)&c->hook[i] + k->off;
			}
		}
		if (!field) {
			return -ENOENT; /* no such section in the running config */
		}
		cls = -1;
	} else {
		k = ga_conf_lookup(name, &cls);
	}
	if (!k || size == 0) {
		return -ENOENT;
	}
	if (!field) {
		field = cls >= 0 ? (const char *)&c->alert[cls] + k->off
				 : (const char *)c + k->off;
	}
	out[0] = '\0';
	switch (k->type) {
	case T_STR:
	case T_PATH:
	case T_ENUM:
	case T_PINS:
	case T_WIRING:
		snprintf(out, size, "%s", field);
		break;
	case T_BOOL:
		snprintf(out, size, "%s", *(const bool *)(const void *)field ? "yes" : "no");
		break;
	case T_UINT:
		snprintf(out, size, "%u", *(const unsigned int *)(const void *)field);
		break;
	case T_SIZE:
		snprintf(out, size, "%zu", *(const size_t *)(const void *)field);
		break;
	case T_U64:
		snprintf(out, size, "%llu",
			 (unsigned long long)*(const uint64_t *)(const void *)field);
		break;
	case T_LISTEN:
		for (unsigned int i = 0; i < c->server.nlisten && o < size; i++) {
			int n = snprintf(out + o, size - o, "%s%s", i ? " " : "",
					 c->server.listen[i]);

			o += n > 0 ? (size_t)n : 0;
		}
		break;
	case T_AUTH:
		snprintf(out, size, "%s", c->webhook.auth == GA_AUTH_NONE ? "none" : "secret");
		break;
	case T_ADDR:
		if (c->lcd.address < 0) {
			snprintf(out, size, "auto");
		} else {
			snprintf(out, size, "0x%02x", (unsigned int)c->lcd.address);
		}
		break;
	case T_LINE: {
		const struct ga_conf_line *l = (const void *)field;

		if (l->offset >= 0) {
			snprintf(out, size, "%d%s", l->offset,
				 l->active_low ? ",active_low" : "");
		}
		break;
	}
	case T_OUTPUTS:
		for (int i = 0; i < GA_OUT__COUNT && o < size; i++) {
			uint8_t p = ((const uint8_t *)field)[i];
			int n;

			if (p == GA_PAT_OFF) {
				continue;
			}
			n = snprintf(out + o, size - o, "%s%s:%s", o ? " " : "",
				     ga_output_names[i], ga_pattern_names[p]);
			o += n > 0 ? (size_t)n : 0;
		}
		break;
	case T_CLASSES: {
		uint32_t m = *(const uint32_t *)(const void *)field;

		for (int i = 0; i < GA_CLASS__COUNT && o < size; i++) {
			if (m & (1u << i)) {
				int n = snprintf(out + o, size - o, "%s%s",
						 o ? " " : "",
						 ga_class_name((enum ga_class)i));

				o += n > 0 ? (size_t)n : 0;
			}
		}
		break;
	}
	case T_OUTSET: {
		uint8_t m = *(const uint8_t *)field;

		for (int i = 0; i < GA_OUT__COUNT && o < size; i++) {
			if (m & (1u << i)) {
				int n = snprintf(out + o, size - o, "%s%s",
						 o ? " " : "", ga_output_names[i]);

				o += n > 0 ? (size_t)n : 0;
			}
		}
		break;
	}
	case T_DURATION: {
		unsigned int sec = *(const unsigned int *)(const void *)field;

		if (sec && sec % 3600 == 0) {
			snprintf(out, size, "%uh", sec / 3600);
		} else if (sec && sec % 60 == 0) {
			snprintf(out, size, "%um", sec / 60);
		} else {
			snprintf(out, size, "%u", sec);
		}
		break;
	}
	case T_HOURS: {
		const struct ga_conf_hours *h = (const void *)field;

		if (h->on) {
			snprintf(out, size, "%02u:%02u-%02u:%02u",
				 h->start_min / 60u, h->start_min % 60u,
				 h->end_min / 60u, h->end_min % 60u);
		}
		break;
	}
	}
	return 0;
}

bool ga_conf_key_secret(const char *name)
{
	return strcmp(name, "webhook.secret") == 0 || strcmp(name, "pull.key") == 0;
}

int ga_conf_check_value(const char *name, const char *value,
			ga_conf_err_cb err, void *arg)
{
	static struct ga_conf scratch;
	struct ga_conf_ctx x;
	const struct ga_conf_key *k;
	int cls;

	memset(&x, 0, sizeof(x));
	x.c = &scratch;
	x.name = "set";
	x.err = err;
	x.arg = arg;
	x.line = 1;
	{
		static struct ga_conf_rule rule;
		static struct ga_conf_hook hook;
		struct ga_span rname;
		bool is_hook;

		k = ga_conf_lookup_named(name, &rname, &is_hook);
		if (k) {
			/* any name: `set` may create a new [rule.NAME] or
			 * [hook.NAME] (the whole file is checked at commit) */
			ga_conf_rule_defaults(&rule);
			memset(&hook, 0, sizeof(hook));
			snprintf(x.alert_sect, sizeof(x.alert_sect), "%s.%.*s",
				 is_hook ? "hook" : "rule", (int)rname.len,
				 rname.ptr);
			(void)ga_conf_set(&x, k, is_hook ? (void *)&hook
							 : (void *)&rule,
					  ga_span_str(value));
			return x.nerr ? -EINVAL : 0;
		}
	}
	k = ga_conf_lookup(name, &cls);
	if (!k) {
		return -ENOENT;
	}
	ga_conf_defaults(&scratch);
	if (cls >= 0) {
		snprintf(x.alert_sect, sizeof(x.alert_sect), "alert.%s",
			 ga_class_name((enum ga_class)cls));
	}
	if (k->type == T_LISTEN) {
		scratch.server.nlisten = 0;
	}
	(void)ga_conf_set(&x, k, cls >= 0 ? (void *)&scratch.alert[cls]
					  : (void *)&scratch, ga_span_str(value));
	return x.nerr ? -EINVAL : 0;
}

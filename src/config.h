/* config.h - the parsed configuration (docs/configuration.md): one plain struct, filled
 * from the INI file through the key table in config.c. A reload parses into a
 * fresh struct and swaps it in only when it has no error.
 * Strings are fixed arrays: a config never allocates.
 */
#ifndef GA_CONFIG_H
#define GA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "event.h"

#define GA_CONF_PATH_MAX 256
#define GA_CONF_LISTEN_MAX 4     /* listen lines: v4 + v6 + two spares */
#define GA_CONF_ADDR_MAX 64      /* "[ffff:...:ffff]:65535" fits in 48 */
#define GA_CONF_SECRET_MAX 128
#define GA_CONF_NAME_MAX 64
#define GA_CONF_DEFAULT_PATH "/etc/gridalert/gridalert.conf"

/* Alarm outputs of [gpio] and patterns of [alert.<class>] outputs. */
enum ga_output {
	GA_OUT_SMS_LED,
	GA_OUT_FAIL_LED,
	GA_OUT_CHAT_LED,
	GA_OUT_BUZZER,
	GA_OUT__COUNT
};

enum ga_pattern {
	GA_PAT_OFF,
	GA_PAT_ON,
	GA_PAT_BLINK,
	GA_PAT_FAST,
	GA_PAT_BEEP,
	GA_PAT_BEEP2,
	GA_PAT_ALARM,
	GA_PAT__COUNT
};

const char *ga_output_name(enum ga_output o);   /* "sms_led", ... */
const char *ga_pattern_name(enum ga_pattern p); /* "blink", ... */

/* One GPIO line: offset on [gpio] chip, or -1 when not wired. */
struct ga_conf_line {
	int offset;
	bool active_low;
};

/* A [hook.NAME] name with its NUL: the same bound as rule names
 * (GA_CONF_RULE_NAME_MAX; config.c asserts they agree). */
#define GA_CONF_HOOK_NAME_MAX 32

struct ga_conf_alert {
	bool lcd;
	bool latch;
	/* pattern per output; GA_PAT_OFF = not driven by this class */
	uint8_t pattern[GA_OUT__COUNT];
	/* unacknowledged this long after it was received (journaled time):
	 * escalate_pattern replaces pattern on the outputs it names; 0 = no */
	unsigned int escalate_after_s;
	uint8_t escalate_pattern[GA_OUT__COUNT];
	/* [hook.NAME] run once when it escalates; "" = none */
	char escalate_hook[GA_CONF_HOOK_NAME_MAX];
	/* [alert.<class>] only: the class's hook, for events whose rule
	 * sets none ([rule.NAME] keeps its own in struct ga_conf_rule) */
	char hook[GA_CONF_HOOK_NAME_MAX];
};

/* [rule.NAME]: a board's rules are a handful (a SCADA number, a
 * marketing filter, a night-shift chat); every event is matched against all
 * of them in order, so 32 also bounds the matcher's work per event. */
#define GA_CONF_RULES_MAX 32
#define GA_CONF_RULE_NAME_MAX 32 /* "rule." + name fits a 40-column line */
/* A number glob is under 20 bytes; a text condition is a word or phrase. */
#define GA_CONF_GLOB_MAX 128

/* The fields a rule matches on, in struct ga_msg. */
enum ga_rule_field {
	GA_RULE_FROM,
	GA_RULE_TO,
	GA_RULE_SENDER,  /* sender_name: chat display name */
	GA_RULE_STATUS,  /* sms_failed: deliveryStatus */
	GA_RULE_THREAD,  /* chat: threadId */
	GA_RULE_TEXT,
	GA_RULE__FIELDS
};

/* Which actions a rule sets; the others come from [alert.<class>]. */
#define GA_RULE_SET_LCD (1u << 0)
#define GA_RULE_SET_LATCH (1u << 1)
#define GA_RULE_SET_OUTPUTS (1u << 2)
#define GA_RULE_SET_ESC_AFTER (1u << 3)
#define GA_RULE_SET_ESC_OUTPUTS (1u << 4)
#define GA_RULE_SET_ESC_HOOK (1u << 5)
#define GA_RULE_SET_HOOK (1u << 6)

struct ga_conf_rule {
	char name[GA_CONF_RULE_NAME_MAX];
	uint32_t classes; /* bit per enum ga_class; 0 = every class */
	char match[GA_RULE__FIELDS][GA_CONF_GLOB_MAX]; /* "" = any */
	unsigned int set; /* GA_RULE_SET_* */
	struct ga_conf_alert act;
	unsigned int priority;
	bool ignore;
	char quiet[8]; /* obey | ignore */
	char hook[GA_CONF_RULE_NAME_MAX];
};

/* [hook.NAME]: a board hands its events to a handful of programs (MQTT,
 * mail, a relay); each hook holds a slot of fixed buffers per running
 * child (src/hook.h), so 8 bounds that memory. */
#define GA_CONF_HOOKS_MAX 8
#define GA_CONF_HOOK_CMD_MAX 256 /* a path and a few arguments */
#define GA_CONF_HOOK_RUN_MAX 4   /* max_running: children per hook */

struct ga_conf_hook {
	char name[GA_CONF_RULE_NAME_MAX];
	char command[GA_CONF_HOOK_CMD_MAX]; /* argv, split on spaces */
	unsigned int timeout_s;
	unsigned int max_running;
	unsigned int retry;
	char user[GA_CONF_NAME_MAX]; /* "" = the daemon's own */
};

/* [quiet] hours as minutes of the local day; start == end: never. */
struct ga_conf_hours {
	bool on;
	uint16_t start_min;
	uint16_t end_min;
};

enum ga_auth {
	GA_AUTH_SECRET,
	GA_AUTH_NONE,
};

struct ga_conf {
	char file[GA_CONF_PATH_MAX]; /* where it was read from */

	struct {
		char listen[GA_CONF_LISTEN_MAX][GA_CONF_ADDR_MAX];
		unsigned int nlisten;
		bool tls;
		char cert[GA_CONF_PATH_MAX];
		char key[GA_CONF_PATH_MAX];
		bool auto_cert;
		char client_ca[GA_CONF_PATH_MAX];
		unsigned int max_connections;
		unsigned int header_timeout_ms;
		unsigned int body_timeout_ms;
		unsigned int keepalive_timeout_ms;
		size_t max_body;
	} server;

	struct {
		char path[GA_CONF_PATH_MAX];
		char secret[GA_CONF_SECRET_MAX];
		enum ga_auth auth;
	} webhook;

	struct {
		char endpoint[GA_CONF_PATH_MAX]; /* empty = pull off */
		char topic[GA_CONF_NAME_MAX * 2];
		char subscription[GA_CONF_NAME_MAX * 2];
		char key[GA_CONF_SECRET_MAX];
		char key_file[GA_CONF_PATH_MAX];
		char ca_file[GA_CONF_PATH_MAX];
		unsigned int max_events; /* 1..100 (namespace receive limit) */
		unsigned int wait_s;     /* 10..120 (maxWaitTime limit) */
	} pull;

	struct {
		char path[GA_CONF_PATH_MAX];
		uint64_t max_bytes;
		unsigned int dedupe;
		bool keep_ignored;
	} journal;

	struct {
		char driver[16]; /* hd44780-i2c | hd44780-gpio | term | sim | none */
		char i2c_bus[GA_CONF_PATH_MAX];
		int address;     /* -1 = auto (0x27 then 0x3f) */
		char wiring[GA_CONF_NAME_MAX]; /* preset or bits = list */
		unsigned int cols; /* 8..40 */
		unsigned int rows; /* 1, 2 or 4 */
		char rom[4];       /* a00 | a02 */
		char pins[128];    /* hd44780-gpio: rs:7,e:8,d4:25,... */
		unsigned int scroll_ms;
		unsigned int backlight_timeout_s;
	} lcd;

	struct {
		char driver[16]; /* gpiod | sim | none */
		char chip[GA_CONF_NAME_MAX];
		struct ga_conf_line out[GA_OUT__COUNT];
		struct ga_conf_line ack_button;
		unsigned int debounce_ms;
	} gpio;

	struct ga_conf_alert alert[GA_CLASS__COUNT];

	struct ga_conf_rule rule[GA_CONF_RULES_MAX]; /* file order */
	unsigned int nrules;

	struct ga_conf_hook hook[GA_CONF_HOOKS_MAX]; /* file order */
	unsigned int nhooks;

	struct {
		struct ga_conf_hours hours;
		uint8_t outputs; /* bit per enum ga_output: silent in quiet hours */
	} quiet;

	struct {
		char socket[108]; /* sizeof(sun_path) */
		char group[GA_CONF_NAME_MAX];
	} control;

	struct {
		char user[GA_CONF_NAME_MAX];
		char watchdog[GA_CONF_PATH_MAX];
	} system;
};

/* Error reporting: every error is one "file:line: message" line passed to
 * @err (or to ga_log when @err is NULL). */
typedef void (*ga_conf_err_cb)(void *arg, const char *line);

/* Fill @c with every default (docs/configuration.md). */
void ga_conf_defaults(struct ga_conf *c);

/* Parse @path into @c (defaults first). Reports every error, not just the
 * first; returns 0, or -EINVAL when there was any error (count in
 * *@nerr when non-NULL), -errno when the file cannot be read. */
GA_MUST_CHECK int ga_conf_load(struct ga_conf *c, const char *path,
			       ga_conf_err_cb err, void *arg,
			       unsigned int *nerr);

/* Same, from a buffer (tests, fuzzing); @name is used in messages. */
GA_MUST_CHECK int ga_conf_parse(struct ga_conf *c, const char *name,
				const char *buf, size_t len,
				ga_conf_err_cb err, void *arg,
				unsigned int *nerr);

/* The key table, for `help KEY`, `get`, `set` and tab completion. Names are
 * "section.key" ("server.listen", "alert.sms.outputs"). */
unsigned int ga_conf_key_count(void);
/* false when @i is out of range; any out pointer may be NULL. */
bool ga_conf_key_info(unsigned int i, const char **name, const char **help,
		      const char **def);

/* "rule.NAME.key" or "hook.NAME.key" (any NAME): its help and default;
 * false when @name is no such key. These keys are not in the numbered
 * table above. */
bool ga_conf_rule_key_info(const char *name, const char **help,
			   const char **def);

/* The running value of "section.key" as config text. 0 or -ENOENT. */
int ga_conf_get(const struct ga_conf *c, const char *name, char *out,
		size_t size);
/* Check one value for one key alone (the cross-key rules are judged on a
 * whole file). 0, -ENOENT, -EINVAL with "set:1: message" via @err. */
int ga_conf_check_value(const char *name, const char *value,
			ga_conf_err_cb err, void *arg);
/* Keys whose value is a secret (shown masked by `get`). */
bool ga_conf_key_secret(const char *name);

/* [lcd] pins (hd44780-gpio) as line offsets, in this order. */
enum ga_lcd_pin {
	GA_LCD_PIN_RS,
	GA_LCD_PIN_E,
	GA_LCD_PIN_D4, /* D5..D7 follow */
	GA_LCD_PINS = 6,
};
/* Parse "rs:7,e:8,d4:25,d5:24,d6:23,d7:18" (any order, each once,
 * offsets 0..511). 0 or -EINVAL. The one parser of the value: config
 * checks with it, drivers/lcd/gpio4.c requests the lines it names. */
int ga_conf_lcd_pins(const char *spec, unsigned int off[GA_LCD_PINS]);

/* True when the address of a "host:port" listen value is loopback. */
bool ga_conf_addr_is_loopback(const char *listen);

#endif /* GA_CONFIG_H */

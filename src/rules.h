/* rules.h - which [rule.NAME] an event matches and what it then does
 * ([rule.NAME] sections of gridalert.conf(5), evaluated in file order,
 * first match wins, else the class defaults of [alert.<class>]); and
 * whether quiet hours hold at a given time.
 *
 * Pure functions over the parsed config and a kept message: no I/O, no
 * allocation, no clock (the caller passes the time), so the unit tests
 * drive them with a fake clock.
 */
#ifndef GA_RULES_H
#define GA_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common.h"
#include "config.h"
#include "event.h"

/* What an event does: a rule's actions over its class's defaults. */
struct ga_rules_action {
	int rule;            /* index into conf->rule[], -1 = class default */
	bool lcd;
	bool latch;
	bool ignore;         /* journaled and counted, never shown or rung */
	bool quiet_ignore;   /* rings through quiet hours */
	uint8_t pattern[GA_OUT__COUNT];
	unsigned int priority; /* the LCD shows the highest first */
	unsigned int escalate_after_s; /* 0 = no escalation */
	uint8_t escalate_pattern[GA_OUT__COUNT];
	const char *escalate_hook; /* run once when it escalates; "" = none */
	const char *hook;    /* "" = none */
};

/* Case-insensitive glob: '*' any run, '?' one UTF-8 character. Case is
 * folded for ASCII letters only (A-Z); other bytes compare exactly, so
 * "É" and "é" differ. A glob with '*' but no '?' takes linear time (KMP
 * per piece); one with '?' backtracks to its last '*', O(len(s) *
 * len(pat)) at worst. Measured on the build host (AMD EPYC, -O2), 32
 * rules on a 1600-byte text: '*pressure high*' 0.1 ms per event;
 * '*' + 124 'a' + 'b*' 0.6 ms; the pathological '*' + 123 'a' + '?b'
 * 9 ms (a Pi Zero is some 20 times slower: a config, not a sender, can
 * make that case). */
bool ga_rules_glob(struct ga_span pat, struct ga_span s);

/* A text condition: a glob when it holds '*' or '?', else a
 * case-insensitive substring ("pressure" finds "PRESSURE LOW"). */
bool ga_rules_text(struct ga_span pat, struct ga_span s);

/* Index of the first rule @m matches, or -1 (the class defaults). */
int ga_rules_match(const struct ga_conf *c, const struct ga_msg *m);

/* The actions of rule @rule (-1: none) for a message of class @cls. */
void ga_rules_actions(const struct ga_conf *c, int cls, int rule,
		      struct ga_rules_action *a);

/* The [hook.NAME] an event of class @cls that matched rule @rule (-1:
 * none) goes to, as ga_rules_actions() gives it: the rule's own hook =
 * when it sets one (an empty one turns the class's off), else the class's
 * hook = of [alert.<class>], except for a rule with ignore = yes. "" =
 * none. Cheap: hook.c asks it for every journal record it scans. */
const char *ga_rules_hook(const struct ga_conf *c, int cls, int rule);

/* Just what the display needs of ga_rules_actions(), without building
 * the whole action (it runs for every kept message at each redraw):
 * shown on the LCD, and *@priority. */
bool ga_rules_lcd(const struct ga_conf *c, int cls, int rule,
		  unsigned int *priority);

/* Whether a message received at @recv_s (unix seconds, as journaled)
 * with actions @a is escalated at @now. When it is not (yet), *@left_s
 * gets the seconds until it is, 0 when it never is. A wall clock that
 * stepped back before @recv_s counts from @now. */
bool ga_rules_escalated(const struct ga_rules_action *a, int64_t recv_s,
			time_t now, uint32_t *left_s);

/* Whether [quiet] hours hold at @now (local time, TZ). When @next_s is
 * not NULL it gets the seconds until that changes (the next start or end
 * of the window, found with mktime so a DST change is counted right). */
bool ga_rules_quiet(const struct ga_conf *c, time_t now, uint32_t *next_s);

#endif /* GA_RULES_H */

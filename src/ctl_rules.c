/* ctl_rules.c - see ctl_rules.h. */
#include "ctl_rules.h"

#include <errno.h>
#include <string.h>

#include "rules.h"

static void ga_ctl_rules_pats(struct ga_ctl_out *o, const char *key,
			      const uint8_t pat[GA_OUT__COUNT])
{
	ga_ctl_printf(o, "%s:", key);
	for (int i = 0; i < GA_OUT__COUNT; i++) {
		if (pat[i] != GA_PAT_OFF) {
			ga_ctl_printf(o, " %s:%s", ga_output_name((enum ga_output)i),
				      ga_pattern_name((enum ga_pattern)pat[i]));
		}
	}
	ga_ctl_printf(o, "\n");
}

/* the next space separated word of @args */
static struct ga_span ga_ctl_rules_word(struct ga_span *args)
{
	size_t i = 0;
	struct ga_span w;

	while (i < args->len && args->ptr[i] != ' ') {
		i++;
	}
	w = ga_span_make(args->ptr, i);
	*args = ga_span_trim(ga_span_make(args->ptr + i, args->len - i));
	return w;
}

int ga_ctl_rules_test(const struct ga_alert *al, struct ga_span args,
		      struct ga_ctl_out *o)
{
	static struct ga_msg m; /* 2.7 KiB: not on the stack */
	const struct ga_conf *c = al->conf;
	struct ga_rules_action a;
	struct ga_span cls_name, from, opt, thread = GA_SPAN_NULL, to = GA_SPAN_NULL;
	int cls, rule;

	args = ga_span_trim(args);
	/* --thread ID and --to NUM: the fields FROM and TEXT do not give */
	while (args.len > 2 && args.ptr[0] == '-' && args.ptr[1] == '-') {
		opt = ga_ctl_rules_word(&args);
		if (ga_span_eq(opt, GA_SPAN_LIT("--thread"))) {
			thread = ga_ctl_rules_word(&args);
		} else if (ga_span_eq(opt, GA_SPAN_LIT("--to"))) {
			to = ga_ctl_rules_word(&args);
		} else {
			args = GA_SPAN_NULL; /* usage below */
		}
	}
	cls_name = ga_ctl_rules_word(&args);
	from = ga_ctl_rules_word(&args);
	cls = ga_class_from_name(cls_name);
	if (cls <= GA_CLASS_IGNORED || cls >= GA_CLASS_VALIDATION || !from.len) {
		ga_ctl_printf(o, "usage: test rule [--thread ID] [--to NUM] CLASS "
			      "FROM [TEXT] (classes: sms "
			      "sms_failed sms_delivered chat chat_deleted "
			      "chat_thread chat_member)\n");
		return -EINVAL;
	}
	memset(&m, 0, sizeof(m));
	m.cls = (uint8_t)cls;
	ga_span_copy(from, m.from, sizeof(m.from));
	ga_span_copy(args, m.text, sizeof(m.text));
	if (cls == GA_CLASS_SMS_FAILED || cls == GA_CLASS_SMS_DELIVERED) {
		ga_span_copy(from, m.to, sizeof(m.to));
		ga_span_copy(args, m.status, sizeof(m.status));
	} else if (cls >= GA_CLASS_CHAT) {
		ga_span_copy(from, m.sender, sizeof(m.sender));
	}
	if (thread.len) {
		ga_span_copy(thread, m.thread, sizeof(m.thread));
	}
	if (to.len) {
		ga_span_copy(to, m.to, sizeof(m.to));
	}
	rule = ga_rules_match(c, &m);
	ga_rules_actions(c, cls, rule, &a);
	ga_ctl_printf(o, "rule: %s\n", rule >= 0 ? c->rule[rule].name : "default");
	ga_ctl_printf(o, "ignore: %s\n", a.ignore ? "yes" : "no");
	ga_ctl_printf(o, "lcd: %s\n", a.lcd ? "yes" : "no");
	ga_ctl_printf(o, "latch: %s\n", a.latch ? "yes" : "no");
	ga_ctl_rules_pats(o, "outputs", a.pattern);
	ga_ctl_printf(o, "priority: %u\n", a.priority);
	ga_ctl_printf(o, "quiet: %s%s\n", a.quiet_ignore ? "ignore" : "obey",
		      al->quiet_on ? " (quiet hours now)" : "");
	ga_ctl_printf(o, "escalate_after: %us\n", a.escalate_after_s);
	ga_ctl_rules_pats(o, "escalate_outputs", a.escalate_pattern);
	ga_ctl_printf(o, "escalate_hook: %s\n", a.escalate_hook);
	ga_ctl_printf(o, "hook: %s\n", a.hook);
	return 0;
}

void ga_ctl_rules_status(const struct ga_alert *al, struct ga_ctl_out *o)
{
	const struct ga_conf *c = al->conf;

	for (unsigned int i = 0; i < c->nrules; i++) {
		ga_ctl_printf(o, "rule.%s.matches: %lu\n", c->rule[i].name,
			      al->rule_matches[i]);
	}
	ga_ctl_printf(o, "rules.unmatched: %lu\n", al->default_matches);
	ga_ctl_printf(o, "alerts.escalated: %u\n", al->escalated);
	ga_ctl_printf(o, "quiet: %s\n", !c->quiet.hours.on ? "off"
		      : al->quiet_on ? "now" : "not now");
}

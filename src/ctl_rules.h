/* ctl_rules.h - the control commands about [rule.NAME] and [quiet]:
 * `test rule CLASS FROM TEXT` and the rule lines of `status`. Output only;
 * they read the running config and the alert module's counters. */
#ifndef GA_CTL_RULES_H
#define GA_CTL_RULES_H

#include "alert.h"
#include "common.h"
#include "config.h"
#include "ctl.h"

/* `test rule CLASS FROM TEXT`: which rule a made-up event matches and
 * what it would do. FROM is the sender number (sms), the recipient (to)
 * for sms_failed, and also the sender name for chat classes; for
 * sms_failed TEXT is also the delivery status. 0 or -EINVAL (usage). */
int ga_ctl_rules_test(const struct ga_alert *al, struct ga_span args,
		      struct ga_ctl_out *o);

/* status: rule.NAME.matches per rule, rules.unmatched, quiet. */
void ga_ctl_rules_status(const struct ga_alert *al, struct ga_ctl_out *o);

#endif /* GA_CTL_RULES_H */

#!/usr/bin/env bash
# test_rules_escalation.sh - escalate_after through the real daemon and a
# restart: the clock runs from the journaled receive time, so a restart
# neither resets it nor loses it, and an alert already overdue at start is
# escalated at once. Acknowledging ends it.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
Q="?code=$GA_SECRET"

ga_config "
[alert.sms]
escalate_after = 3s
escalate_outputs = buzzer:fast
"
ga_start || { not_ok "daemon starts"; ga_done; }

t0=$(date +%s.%N)
check "SMS accepted" 200 "$(ga_post "/api/events$Q" "$EV/sms-received.json" | cut -d' ' -f1)"
st=$(ga_ctl status)
check_match "not escalated at once" 'alerts.escalated: 0' "$st"
check_match "the class's own buzzer pattern first" 'alarm.buzzer: (beep|off)' "$st"

# a restart before it is due
ga_stop
ga_start || { not_ok "restart"; ga_done; }
st=$(ga_ctl status)
check_match "after a restart within 3 s: not yet escalated" 'alerts.escalated: 0' "$st"

# bounded wait: due 3 s after the receive time (whole seconds)
esc=
for _ in $(seq 1 60); do
	if [ "$(ga_status alarm.buzzer)" = fast ]; then
		esc=$(date +%s.%N)
		break
	fi
	sleep 0.1
done
if [ -n "$esc" ]; then
	ok "escalated to buzzer:fast after the restart"
	# receive time is kept in whole seconds: due 2..3 s after the post
	if awk -v a="$t0" -v b="$esc" 'BEGIN { exit !(b - a >= 1.9 && b - a <= 4.5) }'; then
		ok "escalated 1.9..4.5 s after the post (due 3 s after the whole-second receive time), not counted from the restart"
	else
		not_ok "escalated 1.9..4.5 s after the post" "after $(awk -v a="$t0" -v b="$esc" 'BEGIN { print b - a }') s"
	fi
else
	not_ok "escalated to buzzer:fast after the restart" "$(ga_ctl status | grep -E 'alarm|escalated')"
fi
check_match "status counts it" 'alerts.escalated: 1' "$(ga_ctl status)"

# a restart when it is overdue: escalated at once from the journal
ga_stop
ga_start || { not_ok "restart 2"; ga_done; }
st=$(ga_ctl status)
check_match "overdue at start: escalated at once" 'alerts.escalated: 1' "$st"
check_match "overdue at start: buzzer fast at once" 'alarm.buzzer: fast' "$st"

ga_ctl ack all >/dev/null
st=$(ga_ctl status)
check_match "ack ends the escalation" 'alerts.escalated: 0' "$st"
check_match "ack stops the buzzer" 'alarm.buzzer: off' "$st"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

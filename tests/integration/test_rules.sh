#!/usr/bin/env bash
# test_rules.sh - [rule.NAME] and [quiet] through the real daemon: a SCADA
# number with a keyword is matched and outranks a newer SMS on the LCD, a
# marketing number is journaled but never shown or listed, `test rule`
# explains a made-up event, status counts matches per rule (kept across a
# reload that leaves the rules alone, reset when they change), and quiet
# hours silence the buzzer except for a rule with quiet = ignore.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
Q="?code=$GA_SECRET"

# quiet hours from an hour ago to an hour ahead, in the daemon's TZ
now_min=$((10#$(date +%H) * 60 + 10#$(date +%M)))
qs=$(((now_min + 1440 - 60) % 1440))
qe=$(((now_min + 60) % 1440))
QUIET=$(printf '%02d:%02d-%02d:%02d' $((qs / 60)) $((qs % 60)) $((qe / 60)) $((qe % 60)))

RULES="
[rule.scada]
class = sms
from = +1425555*
text = pressure
outputs = fail_led:on buzzer:alarm
priority = 10
quiet = ignore

[rule.marketing]
from = +1800*
ignore = yes

[quiet]
hours = $QUIET
outputs = buzzer
"
ga_config "$RULES"
ga_start || { not_ok "daemon starts"; ga_done; }

# an SMS event from the sample, with another id, sender and text
sms() {
	sed -e "s/4f0c8a46-7d3e-4a2b-9b1e-0c2d3e4f5a61/$1/" \
	    -e "s/\"From\": \"+14255550123\"/\"From\": \"$2\"/" \
	    -e "s/\"Message\": \"[^\"]*\"/\"Message\": \"$3\"/" \
	    "$EV/sms-received.json" >"$GA_TMP/ev.json"
	ga_post "/api/events$Q" "$GA_TMP/ev.json" | cut -d' ' -f1
}

r=$(ga_ctl test rule sms +14255550123 "PUMP 2 PRESSURE LOW")
check_match "test rule: the SCADA rule matches, case-insensitively" '^rule: scada' "$r"
check_match "test rule: its outputs" 'outputs: fail_led:on buzzer:alarm' "$r"
check_match "test rule: its priority" 'priority: 10' "$r"
check_match "test rule: it rings through quiet hours" 'quiet: ignore \(quiet hours now\)' "$r"
r=$(ga_ctl test rule sms +14255550123 "all fine")
check_match "test rule: the right number without the keyword is the default" '^rule: default' "$r"
check_match "test rule: the default's outputs are [alert.sms]'s" 'outputs: sms_led:blink buzzer:beep' "$r"
check_match "test rule: marketing is ignored" 'rule: marketing.*ignore: yes' "$(ga_ctl test rule sms +18005550199 sale)"
ga_ctl test rule fax +1 x >/dev/null 2>&1
check "test rule of an unknown class fails with exit 1" 1 "$?"

check "SCADA SMS accepted" 200 "$(sms 00000000-0000-4000-8000-000000000001 +14255550123 'Pump 2 pressure low')"
check "marketing SMS accepted (200: it is journaled)" 200 "$(sms 00000000-0000-4000-8000-000000000002 +18005550199 '50 percent off today')"
check "plain SMS accepted" 200 "$(sms 00000000-0000-4000-8000-000000000003 +12065550100 'hello there')"
sleep 0.2
st=$(ga_ctl status)
check_match "status: rule.scada.matches 1" 'rule.scada.matches: 1' "$st"
check_match "status: rule.marketing.matches 1" 'rule.marketing.matches: 1' "$st"
check_match "status: one event took the class defaults" 'rules.unmatched: 1' "$st"
check_match "status: quiet hours now" 'quiet: now' "$st"
# 16 columns: the name is cut to keep "1/2" visible
check_match "the SCADA SMS (priority 10) stays on the LCD over the newer one" \
	'lcd.line1: SMS \+1425555 1/2' "$st"
check_match "with its text (scrolling: 'p 2 pressure' in every window)" 'lcd.line2: .*p 2 pressure' "$st"
check_match "the ignored one is not counted as unacknowledged" 'unacked: 2' "$st"
# three events, the ignored one written acknowledged (no ack record), so
# compaction may drop it like any acknowledged event
check_match "the ignored one is journaled, acknowledged in its record" 'journal.records: 3' "$st"
check_match "fail_led on from the rule" 'gpio.fail_led: 1' "$st"
check_match "the rule's buzzer alarm rings through quiet hours" 'alarm.buzzer: alarm' "$st"
m=$(ga_ctl messages)
check "messages lists two" 2 "$(printf '%s\n' "$m" | grep -c .)"
if printf '%s\n' "$m" | grep -q 18005550199; then
	not_ok "the ignored SMS is not in messages" "$m"
else
	ok "the ignored SMS is not in messages"
fi
if grep -aq '50 percent off today' "$GA_TMP/journal"; then
	ok "the ignored SMS is in the journal"
else
	not_ok "the ignored SMS is in the journal"
fi

# quiet hours: a class default's buzzer stays silent, its LED does not
ga_ctl ack all >/dev/null
ga_post "/api/events$Q" "$EV/sms-delivery-failed.json" >/dev/null
sleep 0.2
st=$(ga_ctl status)
check_match "quiet hours: the failure's LED is on" 'gpio.fail_led: 1' "$st"
check_match "quiet hours: its buzzer alarm is silent" 'alarm.buzzer: off' "$st"
# the line scrolls (marquee): "LED +1425555" is in every 16-column window
check_match "quiet hours: the failure is on the LCD" "lcd.line1: .*LED \\+1425555" "$(printf "%s\n" "$st" | grep lcd.line1)"

# a reload that keeps the rules keeps the counters
ga_ctl reload >/dev/null
check "reload with the same rules keeps rule.scada.matches" 1 "$(ga_status rule.scada.matches)"
cat >>"$GA_TMP/gridalert.conf" <<'CONF'

[rule.chat]
class = chat
lcd = no
CONF
ga_ctl reload >/dev/null
st=$(ga_ctl status)
check_match "reload with changed rules restarts the counters" 'rule.scada.matches: 0' "$st"
check_match "and lists the new rule" 'rule.chat.matches: 0' "$st"
check "get reads a rule key" "+1425555*" "$(ga_ctl get rule.scada.from)"
check_match "help explains a rule key with its running value" \
	'rule.scada.text: case-insensitive glob.*running: pressure' "$(ga_ctl help rule.scada.text | tr -d '\n')"
ga_ctl set rule.scada.priority 20 >/dev/null
ga_ctl set rule.night.from '+49*' >/dev/null
check_match "set of a rule key is checked alone" 'out of bounds' "$(ga_ctl set rule.scada.priority 5000 2>&1)"
ga_ctl commit >/dev/null
check "commit changed a rule key" 20 "$(ga_ctl get rule.scada.priority)"
check "commit added a new rule section" "+49*" "$(ga_ctl get rule.night.from)"
check "the new rule is counted in status" 0 "$(ga_status rule.night.matches)"

ga_stop
ga_start || { not_ok "restart"; ga_done; }
m=$(ga_ctl messages)
if printf '%s\n' "$m" | grep -q 18005550199; then
	not_ok "after a restart the ignored SMS is still not in messages" "$m"
else
	ok "after a restart the ignored SMS is still not in messages"
fi
check "a replay does not count as a match" 0 "$(ga_status rule.marketing.matches)"
# more than memory holds (32) after it: the history read from the journal
# must skip it too, and 300 more ignored ones never count as unacknowledged
shown=$(ga_ctl messages 200 | grep -c .)
for i in $(seq 10 49); do
	sms "00000000-0000-4000-8000-0000000000$i" +12065550100 "filler $i" >/dev/null
done
for i in $(seq 100 399); do
	sms "00000000-0000-4000-8000-000000000$i" +18005550199 "spam $i" >/dev/null
done
m=$(ga_ctl messages 200)
if printf '%s\n' "$m" | grep -q 18005550199; then
	not_ok "messages 200 (from the journal) leaves the ignored SMS out" "$(printf '%s\n' "$m" | grep 18005550199 | head -3)"
else
	ok "messages 200 (from the journal) leaves the ignored SMS out"
fi
check "messages 200 lists the shown ones and the 40 new" "$((shown + 40))" "$(printf '%s\n' "$m" | grep -c .)"
ga_ctl ack all >/dev/null
sms 00000000-0000-4000-8000-000000000999 +18005550199 "spam again" >/dev/null
check "301 ignored SMS never count as unacknowledged" 0 "$(ga_status unacked)"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

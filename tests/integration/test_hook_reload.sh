#!/usr/bin/env bash
# test_hook_reload.sh - hooks beyond one event's own run, through the real
# daemon and gridalertctl with real child processes: hook = on
# [alert.<class>] (the class default a rule inherits or replaces),
# escalate_hook (run once with GA_ESCALATED=1 when an unacknowledged alert
# escalates, skipped when acknowledged while it waited, again after a
# restart while still overdue), a reload that changes, removes and adds
# [hook.NAME] sections, and get/set/help/diff/commit of hook.NAME.KEY.
. "$(dirname "$0")/lib.sh"

H="$GA_TMP/h"
mkdir -p "$H"

GA_WAIT_DETAIL=hook_status
esc_runs() { [ "$(grep -c " $1 1\$" "$H/esc.log" 2>/dev/null)" = "$2" ]; }

for n in a b c d; do
	cat >"$H/$n.sh" <<SH
#!/bin/sh
cat >"$H/$n.stdin.\$GA_SEQ"
if [ "\$GA_TEXT" = slowb ]; then
	echo \$\$ >"$H/slowb.pid"
	sleep 30
	echo finished >"$H/slowb.finished"
fi
echo "$n \$GA_TEXT \$GA_ESCALATED" >>"$H/$n.log"
SH
done
cat >"$H/esc.sh" <<SH
#!/bin/sh
echo "start \$GA_SEQ \$GA_TEXT \$GA_ESCALATED" >>"$H/esc.log"
cat >"$H/esc.stdin.\$GA_SEQ"
case "\$GA_TEXT" in esc-s*) sleep 2 ;; esac
echo "done \$GA_SEQ" >>"$H/esc.log"
SH
chmod +x "$H"/*.sh

conf() {
	ga_config "
[alert.chat]
hook = a
[alert.sms]
escalate_after = 3s
escalate_hook = esc
[rule.nohook]
class = chat
text = nohook
hook =
$1
[hook.a]
command = $H/$2.sh
[hook.esc]
command = $H/esc.sh
$3
"
}
conf "[rule.byb]
class = chat
text = *b
hook = b" a "[hook.b]
command = $H/b.sh"
check "gridalertd -t accepts hook = and escalate_hook = on a class" 0 \
	"$("$GA_D" -t -c "$GA_TMP/gridalert.conf" >/dev/null 2>&1; echo $?)"
ga_start || { not_ok "daemon starts"; ga_done; }

# ---- hook = on [alert.chat]: the class default
check_match "test rule: a chat event without a rule goes to the class hook" \
	'hook: a' "$(ga_ctl test rule chat someone hello)"
ga_ctl inject chat class-default >/dev/null
ga_ctl inject chat nohook >/dev/null
ga_ctl inject chat to-b >/dev/null
wait_for 10 "the class hook ran" status_is hook.a.ok 1
wait_for 10 "a rule's own hook ran instead of the class's" status_is hook.b.ok 1
sleep 0.5
check "the class hook ran only for the event without a rule" "a class-default 0" "$(cat "$H/a.log" 2>/dev/null)"
check "the rule's hook got its event" "b to-b 0" "$(cat "$H/b.log" 2>/dev/null)"
check "hook = (empty) on a rule turns the class hook off" 1 "$(ga_status hook.a.ok)"

# ---- escalate_hook: once, with GA_ESCALATED=1 and "escalated":true
ga_ctl inject sms esc-1 >/dev/null
wait_for 10 "the escalation hook ran after escalate_after" status_is hook.esc.ok 1
sleep 0.5
check "it ran once, escalated" "1" "$(grep -c ' esc-1 1$' "$H/esc.log" 2>/dev/null)"
seq1=$(sed -n 's/^start \([0-9]*\) esc-1 1$/\1/p' "$H/esc.log" | head -1)
js=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["escalated"], d["text"])' "$H/esc.stdin.$seq1" 2>&1)
check "stdin JSON says escalated" "True esc-1" "$js"
js=$(python3 -c 'import json,sys,glob; d=json.load(open(glob.glob(sys.argv[1])[0])); print(d["escalated"])' "$H/a.stdin.*" 2>&1)
check "an event's own run says escalated false" "False" "$js"
check "an escalation run moves no event watermark: queued 0" 0 "$(ga_status hook.esc.queued)"

# two escalate together; the second waits (max_running = 1) and is
# acknowledged while it waits: it is skipped
ga_ctl inject sms esc-s1 >/dev/null
ga_ctl inject sms esc-s2 >/dev/null
wait_for 10 "one escalation runs, the other is queued" status_is hook.esc.queued 1
first=$(sed -n 's/^start \([0-9]*\) esc-s\([12]\) 1$/\1 \2/p' "$H/esc.log" | head -1)
read -r fseq fnum <<<"$first"
if [ "$fnum" = 1 ]; then other=$((fseq + 1)); else other=$((fseq - 1)); fi
check_match "ack the waiting one" 'acknowledged 1' "$(ga_ctl ack "$other")"
wait_for 10 "the queue drains" status_is hook.esc.queued 0
wait_for 10 "the running one completes" grep -q "^done $fseq\$" "$H/esc.log"
sleep 0.3
check "the acknowledged one never ran" 0 "$(grep -c "^start $other " "$H/esc.log")"
check_match "log: skipped because acknowledged" "hook esc: seq $other acknowledged before its escalation ran: skipped" "$(ga_ctl log 2>&1)"
check "hook.esc.ok counts escalation runs" 2 "$(ga_status hook.esc.ok)"

# a restart: the unacknowledged, overdue alerts escalate again
ga_stop
ga_start || { not_ok "restart"; ga_done; }
wait_for 10 "after a restart the overdue alert's escalation hook runs again" \
	esc_runs esc-1 2
done_is() { [ "$(grep -c "^done $1\$" "$H/esc.log")" = "$2" ]; }
wait_for 10 "and the other unacknowledged one's" done_is "$fseq" 2
check "the acknowledged one still never ran" 0 "$(grep -c "^start $other " "$H/esc.log")"
ga_ctl ack all >/dev/null

# ---- reload: a changed command, a removed hook (its running child is
# killed), a new hook
ga_ctl inject chat slowb >/dev/null
wait_for 10 "hook b runs a slow child" test -s "$H/slowb.pid"
bpid=$(cat "$H/slowb.pid")
conf "[rule.tod]
class = chat
text = tod
hook = d" c "[hook.d]
command = $H/d.sh"
r0=$(ga_status config.reloads)
ga_ctl reload >/dev/null
check "reload applies the [hook.NAME] changes" $((r0 + 1)) "$(ga_status config.reloads)"
st=$(ga_ctl status)
check_match "status lists the new hook" 'hook\.d\.state: idle' "$st"
if printf '%s\n' "$st" | grep -q '^hook\.b\.'; then
	not_ok "status no longer lists the removed hook" "$(printf '%s\n' "$st" | grep '^hook\.b\.')"
else
	ok "status no longer lists the removed hook"
fi
if kill -0 "$bpid" 2>/dev/null; then
	not_ok "the removed hook's running child was killed" "pid $bpid alive"
else
	ok "the removed hook's running child was killed"
fi
check "hook.esc kept its counters" 2 "$(ga_status hook.esc.ok)"
ga_ctl inject chat after-reload >/dev/null
ga_ctl inject chat tod >/dev/null
wait_for 10 "the changed hook ran its new command" grep -q '^c after-reload 0$' "$H/c.log"
wait_for 10 "the new hook ran" grep -q '^d tod 0$' "$H/d.log"
sleep 0.3
check "the old command did not run" "a class-default 0" "$(cat "$H/a.log")"
check "the new hook started at the journal's end: only the new event" "d tod 0" "$(cat "$H/d.log")"
[ -f "$H/slowb.finished" ] && not_ok "killed child never finished" || ok "killed child never finished"

# ---- get/set/help/diff/commit of hook.NAME.KEY
check "get hook.a.command" "$H/c.sh" "$(ga_ctl get hook.a.command)"
check_match "help explains a hook key with its running value" \
	'hook.a.timeout: killed.*running: 10' "$(ga_ctl help hook.a.timeout | tr -d '\n')"
check_match "set of a hook key is checked alone" 'out of bounds' "$(ga_ctl set hook.a.max_running 9 2>&1)"
ga_ctl set hook.a.timeout 5s >/dev/null
ga_ctl set hook.e.command "$H/a.sh" >/dev/null
ga_ctl set rule.toe.text toe >/dev/null
ga_ctl set rule.toe.hook e >/dev/null
check_match "diff shows a staged hook key" '\+ hook.a.timeout = 5s' "$(ga_ctl diff)"
check_match "commit applies" 'committed and applied' "$(ga_ctl commit)"
check "commit changed a hook key" 5 "$(ga_ctl get hook.a.timeout)"
check "commit added a new hook section" "$H/a.sh" "$(ga_ctl get hook.e.command)"
check "the new hook is in status" idle "$(ga_status hook.e.state)"
ga_ctl inject chat toe >/dev/null
wait_for 10 "the hook added by commit runs" grep -q '^a toe 0$' "$H/a.log"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"

# ---- -t: an unknown hook name on a class is an error at file:line
ga_config "
[alert.sms]
hook = nope
escalate_after = 1m
escalate_hook = gone
"
t=$("$GA_D" -t -c "$GA_TMP/gridalert.conf" 2>&1)
check_match "-t: alert.sms hook = names no hook, at file:line" 'gridalert.conf:[0-9]+: alert.sms: hook = nope, but there is no \[hook.nope\]' "$t"
check_match "-t: escalate_hook names no hook, at file:line" 'gridalert.conf:[0-9]+: alert.sms: escalate_hook = gone, but there is no \[hook.gone\]' "$t"
ga_done

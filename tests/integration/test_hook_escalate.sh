#!/usr/bin/env bash
# test_hook_escalate.sh - escalate_hook under load, through the real daemon,
# while the hook is stuck in its first run: 32 SMS escalate (one runs, 31
# queue), then 10 more arrive and escalate. The queue holds 32
# (GA_HOOK_ESC_MAX, the messages kept in memory), so 9 are logged and
# counted failed, never queued beyond it. When the hook moves again the
# 32 queued run oldest first, and those whose message has meanwhile left
# the 32 kept in memory (esc-2..esc-10) are read back from the journal,
# text and all.
. "$(dirname "$0")/lib.sh"

H="$GA_TMP/h"
mkdir -p "$H"
GA_WAIT_DETAIL=hook_status

cat >"$H/esc.sh" <<SH
#!/bin/sh
if [ -f "$H/stuck" ]; then
	echo \$\$ >"$H/stuck.pid"
	while [ -f "$H/stuck" ]; do sleep 0.1; done
fi
echo "\$GA_SEQ \$GA_ESCALATED \$GA_TEXT" >>"$H/esc.log"
SH
chmod +x "$H/esc.sh"

ga_config "
[alert.sms]
escalate_after = 2s
escalate_hook = esc
[hook.esc]
command = $H/esc.sh
timeout = 60s
"
ga_start || { not_ok "daemon starts"; ga_done; }

touch "$H/stuck"
for i in $(seq 1 32); do
	ga_ctl inject sms "esc-$i" >/dev/null || not_ok "inject esc-$i"
done
wait_for 10 "the first escalation run starts (and is held)" test -s "$H/stuck.pid"
wait_for 10 "the other 31 escalations wait" status_is hook.esc.queued 31
check "all 32 alerts are escalated" 32 "$(ga_status alerts.escalated)"
for i in $(seq 33 42); do
	ga_ctl inject sms "esc-$i" >/dev/null || not_ok "inject esc-$i"
done
wait_for 10 "the 9 beyond the queue are counted failed" status_is hook.esc.failed 9
check "32 escalations wait, no more" 32 "$(ga_status hook.esc.queued)"
check "the log names each one the full queue turned away" 9 \
	"$(grep -c 'hook esc: seq [0-9]* (escalated): 32 escalations already wait, not run' "$GA_LOG")"
rm -f "$H/stuck"
wait_for 20 "the held run and the 32 queued ran" lines_is "$H/esc.log" 33
# seq N carries the text esc-N (inject order)
check "they ran oldest first, esc-1..esc-33, each as an escalation with its own text" \
	"$(seq 1 33 | sed 's/.*/& 1 esc-&/')" "$(cat "$H/esc.log")"
check "none is left queued" 0 "$(ga_status hook.esc.queued)"
check "ok counts the 33 runs" 33 "$(ga_status hook.esc.ok)"
check "none lost for leaving memory: esc-2..esc-10 were read back from the journal" 0 \
	"$(grep -c 'no longer in the journal' "$GA_LOG")"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

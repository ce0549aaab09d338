#!/usr/bin/env bash
# test_rules_thread.sh - a rule on the chat thread, through the real
# daemon: `test rule --thread` explains it, a chat message in that thread
# (the sample CloudEvent) matches and its hook gets GA_THREAD and
# "threadId", one in another thread takes the class defaults, and after a
# kill -9 mid-hook the run that repeats gets the thread back from the
# journal.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
Q="?code=$GA_SECRET"
CE=application/cloudevents+json
H="$GA_TMP/h"
mkdir -p "$H"

cat >"$H/rec.sh" <<SH
#!/bin/sh
if [ -f "$H/slow" ]; then
	echo \$\$ >"$H/slow.pid"
	sleep 30
fi
printf '%s\n' "\$GA_THREAD" >"$H/thread.\$GA_SEQ"
cat >"$H/stdin.\$GA_SEQ"
echo "\$GA_SEQ" >>"$H/done"
SH
chmod 755 "$H/rec.sh"

ga_config "
[rule.ops]
class = chat
thread = 19:DEMO@thread.v2
priority = 5
hook = rec

[hook.rec]
command = $H/rec.sh
timeout = 60s
"
ga_start || { not_ok "daemon starts"; ga_done; }

wait_detail() { ga_ctl status | grep -E '^(hook|rule)' | tr '\n' ' '; }
GA_WAIT_DETAIL=wait_detail

# the sample chat message with another event id and thread
chat() {
	sed -e "s/c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f/$1/" \
	    -e "s/19:demo@thread.v2/$2/g" \
	    "$EV/chat-message.cloudevents.json" >"$GA_TMP/ev.json"
	ga_post "/api/events$Q" "$GA_TMP/ev.json" "$CE" | cut -d' ' -f1
}

r=$(ga_ctl test rule --thread 19:demo@thread.v2 chat "Night shift" hello)
check_match "test rule --thread: the thread rule matches, case folded" '^rule: ops' "$r"
check_match "test rule --thread: its hook" 'hook: rec' "$r"
check_match "test rule without --thread: the class defaults" '^rule: default' \
	"$(ga_ctl test rule chat "Night shift" hello)"
check_match "test rule in another thread: the class defaults" '^rule: default' \
	"$(ga_ctl test rule --thread 19:other@thread.v2 chat "Night shift" hello)"
r=$(ga_ctl test rule --thred 19:demo@thread.v2 chat x 2>&1)
check "test rule with an unknown option fails with exit 1" 1 "$?"
check_match "and prints its usage" 'usage: test rule \[--thread ID\]' "$r"

check "chat message in the ops thread accepted" 200 \
	"$(chat 00000000-0000-4000-8000-000000000001 19:demo@thread.v2)"
wait_for 10 "the hook ran for it" test -s "$H/done"
seq1=$(head -1 "$H/done")
check "the hook's GA_THREAD is the event's threadId" "19:demo@thread.v2" "$(cat "$H/thread.$seq1" 2>/dev/null)"
check_match "its stdin JSON carries threadId" '"threadId":"19:demo@thread.v2"' "$(cat "$H/stdin.$seq1" 2>/dev/null)"
check "chat message in another thread accepted" 200 \
	"$(chat 00000000-0000-4000-8000-000000000002 19:f1400e1c542f4086a606b52ad20cd0bd@thread.v2)"
sleep 0.3
st=$(ga_ctl status)
check_match "status: rule.ops.matches 1" 'rule.ops.matches: 1' "$st"
check_match "status: the other thread took the class defaults" 'rules.unmatched: 1' "$st"
check "the hook did not run for the other thread" 1 "$(wc -l <"$H/done")"
check "both are listed" 2 "$(ga_ctl messages | grep -c 'Night shift')"

# kill -9 while the hook runs: after the restart it runs again, and the
# thread it gets comes from the journal
touch "$H/slow"
check "a third chat message in the ops thread accepted" 200 \
	"$(chat 00000000-0000-4000-8000-000000000003 19:demo@thread.v2)"
wait_for 10 "its hook is running" test -s "$H/slow.pid"
kill -KILL "$GA_PID"
wait "$GA_PID" 2>/dev/null
GA_PID=
kill -KILL -- "-$(cat "$H/slow.pid")" 2>/dev/null
rm -f "$H/slow"
ga_start || { not_ok "restart after kill -9"; ga_done; }
done_is() { [ "$(wc -l <"$H/done")" -eq "$1" ]; }
wait_for 10 "after the restart the unfinished run repeats" done_is 2
seq3=$(tail -1 "$H/done")
check "the repeated run's GA_THREAD, read back from the journal" "19:demo@thread.v2" \
	"$(cat "$H/thread.$seq3" 2>/dev/null)"
check_match "and its stdin JSON's threadId" '"threadId":"19:demo@thread.v2"' "$(cat "$H/stdin.$seq3" 2>/dev/null)"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

#!/usr/bin/env bash
# test_confedit.sh - get/set/diff/commit/revert/commit confirm through the
# real daemon and gridalertctl: staged, validated, written atomically with
# only the changed lines touched (comments kept), applied by a reload, and
# rolled back when a commit confirm is not confirmed.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
ga_config "# a comment the editor must keep"
ga_start || { not_ok "daemon starts"; ga_done; }
C="$GA_TMP/gridalert.conf"
cp "$C" "$GA_TMP/orig.conf"

check "get a number" 16 "$(ga_ctl get server.max_connections)"
check "get a secret is masked" "(set; not shown)" "$(ga_ctl get webhook.secret)"
check "get an alert key" "sms_led:blink buzzer:beep" "$(ga_ctl get alert.sms.outputs)"
out=$(ga_ctl get no.such 2>&1)
check "get of an unknown key exits 1" 1 "$?"

out=$(ga_ctl set server.max_connections 999 2>&1)
check "set out of bounds exits 1" 1 "$?"
check_match "and says the bounds" 'out of bounds \(1..256\)' "$out"
check_match "set of a good value stages it" 'staged webhook.secret' \
	"$(ga_ctl set webhook.secret edited-secret)"
ga_ctl set lcd.scroll_ms 300 >/dev/null
ga_ctl set pull.max_events 20 >/dev/null
d=$(ga_ctl diff)
check_match "diff shows the staged change" '\+ lcd.scroll_ms = 300' "$d"
check_match "diff hides secrets" '\+ webhook.secret = \(new secret\)' "$d"
check "nothing written before commit" "" "$(diff "$GA_TMP/orig.conf" "$C")"
check_match "commit applies" 'committed and applied' "$(ga_ctl commit)"
changed=$(diff "$GA_TMP/orig.conf" "$C" | grep -c '^[<>]')
check "only the changed lines differ (1 replaced, 1 added, a 3-line section)" 6 "$changed"
grep -q "^# a comment the editor must keep" "$C" && ok "comments kept" ||
	not_ok "comments kept"
check_match "a new key goes into its section" $'scroll_ms = 300' \
	"$(sed -n '/^\[lcd\]/,/^\[/p' "$C")"
check_match "a new section is added" $'\\[pull\\]\nmax_events = 20' "$(cat "$C")"
r=$(ga_post "/api/events?code=edited-secret" "$EV/sms-received.json")
check_match "the new secret works without a restart" '^200 ' "$r"

ga_ctl set server.tls off >/dev/null
ga_ctl set server.listen 0.0.0.0:9 >/dev/null
cp "$C" "$GA_TMP/before.conf"
out=$(ga_ctl commit 2>&1)
check "a commit that makes the whole file invalid exits 1" 1 "$?"
check_match "with file:line errors" 'gridalert.conf:[0-9]+: server.tls = off is only allowed' "$out"
check "and nothing is written" "" "$(diff "$GA_TMP/before.conf" "$C")"
check_match "revert drops the staged changes" 'dropped 2' "$(ga_ctl revert)"

ga_ctl set webhook.secret temporary-secret >/dev/null
check_match "commit confirm" 'rolls back in 10 s' "$(ga_ctl commit confirm 10)"
r=$(ga_post "/api/events?code=temporary-secret" "$EV/sms-delivery-failed.json")
check_match "the confirm-pending config is live" '^200 ' "$r"
sleep 11
r=$(ga_post "/api/events?code=edited-secret" "$EV/chat-message.cloudevents.json" \
	"application/cloudevents+json")
check_match "without confirm it rolled back to the previous config" '^200 ' "$r"
check "and the file is the previous one again" "" "$(diff "$GA_TMP/before.conf" "$C")"
ga_ctl set webhook.secret kept-secret >/dev/null
ga_ctl commit confirm 10 >/dev/null
check "confirm keeps it" confirmed "$(ga_ctl confirm)"
sleep 0.2
[ ! -e "$C.confirm-backup" ] && ok "no backup left after confirm" || not_ok "no backup left after confirm"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

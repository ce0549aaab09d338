#!/usr/bin/env bash
# test_journal_full.sh - a journal full of unacknowledged events is
# visible on every surface, and survives a restart:
#  - fill a 64 KiB journal with SMS nobody acknowledges until a POST gets
#    503 with Retry-After;
#  - status says journal.state: full and the true unacknowledged count
#    (not the 32 kept in memory); the LCD says JOURNAL FULL; fail_led runs
#    fast;
#  - after a restart all of that is still so;
#  - `ack all` reports every event it acknowledged, and the next POST is
#    200.
. "$(dirname "$0")/lib.sh"

Q="?code=$GA_SECRET"
GA_CONF_JOURNAL="max_bytes = 65536"
ga_config
ga_start || { not_ok "daemon starts"; ga_done; }

batch() { # N -> a file with 20 SMS events, ids b<N>-<k>
	python3 - "$1" >"$GA_TMP/batch.json" <<'PY'
import json, sys
n = sys.argv[1]
print(json.dumps([{
    "id": "b%s-%d" % (n, k),
    "topic": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs",
    "subject": "/phonenumber/15555550100",
    "eventType": "Microsoft.Communication.SMSReceived",
    "eventTime": "2026-12-03T07:00:00Z", "dataVersion": "1.0",
    "data": {"from": "+15555550100", "to": "+15555550199",
             "message": "Freezer 4 temperature above limit, batch %s event %d" % (n, k)}}
    for k in range(20)]))
PY
	echo "$GA_TMP/batch.json"
}

accepted=0
full=
for n in $(seq 1 100); do
	r=$(ga_post "/api/events$Q" "$(batch "$n")")
	case "$r" in
	200*) accepted=$((accepted + 20)) ;;
	503*) full=$r; break ;;
	*) not_ok "filling: unexpected answer" "$r"; break ;;
	esac
done
check_match "filling ends in 503 (journal full)" '^503 .*journal full' "$full"
echo "# $accepted events accepted before the journal was full"
check_match "more than the 32 kept in memory were accepted" '^[0-9]{3,}$' "$accepted"

surfaces() { # LABEL
	local st hdr
	for _ in $(seq 1 50); do # the LCD redraw is coalesced: bounded wait
		[ "$(ga_status lcd.line1)" = "JOURNAL FULL" ] && break
		sleep 0.1
	done
	st=$(ga_ctl status)
	check_match "$1: status journal.state: full" \
		'journal.state: full \(unacknowledged events exceed max_bytes\)' "$st"
	check "$1: status unacked is the true count" "$accepted" \
		"$(printf '%s\n' "$st" | sed -n 's/^unacked: //p')"
	check "$1: LCD says JOURNAL FULL (in 5 s)" "JOURNAL FULL" \
		"$(printf '%s\n' "$st" | sed -n 's/^lcd.line1: //p')"
	check "$1: fail_led runs fast" fast \
		"$(printf '%s\n' "$st" | sed -n 's/^alarm.fail_led: //p')"
	hdr=$(curl -sk -D - -o "$GA_TMP/b" -H 'Content-Type: application/json' \
		--data-binary "@$(batch x$1)" "$GA_URL/api/events$Q" | tr -d '\r')
	check_match "$1: a new POST gets 503" '^HTTP/1.1 503' "$hdr"
	check_match "$1: with Retry-After" 'Retry-After: [0-9]+' "$hdr"
	check_match "$1: the body says why" 'journal full' "$(cat "$GA_TMP/b")"
}
surfaces "full"
check_match "the daemon logged it" 'exceed max_bytes' "$(cat "$GA_LOG")"

ga_stop
check "clean stop" 0 "$GA_RC"
ga_start || { not_ok "daemon restarts"; ga_done; }
surfaces "after restart"

check "ack all reports what it acknowledged" "acknowledged $accepted" \
	"$(ga_ctl ack all)"
st=$(ga_ctl status)
check "after ack all: journal.state: ok" ok \
	"$(printf '%s\n' "$st" | sed -n 's/^journal.state: //p')"
check "after ack all: unacked 0" 0 "$(printf '%s\n' "$st" | sed -n 's/^unacked: //p')"
# the LCD redraws after a short coalescing delay: wait for it (bounded)
for _ in $(seq 1 50); do
	line1=$(ga_status lcd.line1)
	[[ "$line1" =~ ^gridalert ]] && break
	sleep 0.1
done
check_match "after ack all: the LCD is back to the idle screen (in 5 s)" \
	'^gridalert [0-9][0-9]:[0-9][0-9]$' "$line1"
check "after ack all: fail_led off" off \
	"$(printf '%s\n' "$st" | sed -n 's/^alarm.fail_led: //p')"
r=$(ga_post "/api/events$Q" "$(batch after)")
check_match "after ack all: the next POST is 200" '^200 \{"accepted":20' "$r"

ga_stop
check "clean stop" 0 "$GA_RC"
ga_done

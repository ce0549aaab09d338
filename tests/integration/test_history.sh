#!/usr/bin/env bash
# test_history.sh - `messages` beyond the newest 32 kept in memory, served
# from the journal by the real daemon through gridalertctl:
#  - 500 events, then `messages 300` before and after a restart: the
#    newest 300, newest first, each exactly once;
#  - N past what exists shows what exists; N past the limit is an error;
#  - --before SEQ pages back, --since TIME (relative and ISO 8601) filters;
#  - `ack SEQ` of a message only the journal still holds, and what `ack
#    all` reports is what it acknowledged.
. "$(dirname "$0")/lib.sh"

ga_start || { not_ok "daemon starts"; ga_done; }

for i in $(seq 1 500); do echo "inject sms history $i"; done >"$GA_TMP/script"
ga_ctl <"$GA_TMP/script" >"$GA_TMP/inject.out" 2>&1
check "500 events injected" 500 "$(grep -c '^200 ' "$GA_TMP/inject.out")"

# seq order: column 1; the text carries the injection number
check_300() { # LABEL
	local out
	out=$(ga_ctl messages 300)
	check "$1: messages 300 lists 300" 300 "$(printf '%s\n' "$out" | wc -l)"
	check "$1: newest first, in order" \
		"$(seq 500 -1 201 | sed 's/^/history /')" \
		"$(printf '%s\n' "$out" | sed 's/^.* +10000000000 //')"
	check "$1: each once" 300 \
		"$(printf '%s\n' "$out" | awk '{print $1}' | sort -u | wc -l)"
	check "$1: seqs descend by one" 1 \
		"$(printf '%s\n' "$out" | awk 'NR>1 && $1 != prev-1 {bad=1} {prev=$1} END {print bad ? 0 : 1}')"
}
check_300 "before restart"
for _ in $(seq 1 50); do # the redraw is coalesced: bounded wait
	line1=$(ga_status lcd.line1)
	[[ "$line1" == *" 1/500" ]] && break
	sleep 0.1
done
check_match "the LCD counts all 500 waiting, not the 32 in memory (in 5 s)" \
	'^SMS .* 1/500$' "$line1"
ga_stop
check "clean stop" 0 "$GA_RC"
ga_start || { not_ok "daemon restarts"; ga_done; }
check_300 "after restart"

check "messages 4096 shows the 500 there are" 500 "$(ga_ctl messages 4096 | wc -l)"
out=$(ga_ctl messages 4097 2>&1); rc=$?
check "messages 4097: error" 1 "$rc"
check_match "messages 4097: says the range" 'N from 1 to 4096' "$out"
check "messages (no N): the newest 32" 32 "$(ga_ctl messages | wc -l)"

top=$(ga_ctl messages 1 | awk '{print $1}')
out=$(ga_ctl messages 3 --before $((top - 99))) # below seq 401
check "--before SEQ pages back" \
	"$(printf 'history %s\n' 400 399 398)" \
	"$(printf '%s\n' "$out" | sed 's/^.* +10000000000 //')"

check "--since 1h: all 500 are recent" 500 "$(ga_ctl messages --since 1h | wc -l)"
check "--since in the future (ISO, Z): none" 0 \
	"$(ga_ctl messages --since 2099-01-01T00:00Z | wc -l)"
check "--since an old ISO date: all" 500 \
	"$(ga_ctl messages --since 2020-01-01 | wc -l)"
out=$(ga_ctl messages --since yesterday 2>&1); rc=$?
check "--since garbage: error" 1 "$rc"
check_match "--since garbage: says what TIME is" 'ISO 8601' "$out"

# an old message, long out of memory: ack it by seq
old=$(ga_ctl messages 1 --before $((top - 400)) | awk '{print $1}')
check "ack of a journal-only message" "acknowledged 1" "$(ga_ctl ack "$old")"
check_match "it shows acknowledged" "^$old [^ ]+ sms \\+" \
	"$(ga_ctl messages 1 --before $((old + 1)))"
check "ack it again: nothing new" "acknowledged 0 ($old already was)" \
	"$(ga_ctl ack "$old")"
out=$(ga_ctl ack 99999 2>&1); rc=$?
check "ack of a seq never seen: error" 1 "$rc"
check "status: the true unacknowledged count" 499 "$(ga_status unacked)"
check "ack all: reports all it acknowledged" "acknowledged 499" "$(ga_ctl ack all)"
check "status: none left" 0 "$(ga_status unacked)"

# long texts: 80 of ~900 bytes pass the 64 KiB reply; it stops with how
# to get the rest, and following that hint lists the others, each once
long=$(printf 'x%.0s' $(seq 1 900))
for i in $(seq 1 80); do echo "inject sms long $i $long"; done >"$GA_TMP/script"
ga_ctl <"$GA_TMP/script" >/dev/null 2>&1
out=$(ga_ctl messages 80)
hint=$(printf '%s\n' "$out" | tail -n 1)
check_match "a reply past 64 KiB ends with how to get the rest" \
	'^\([0-9]+ shown; more: messages [0-9]+ --before [0-9]+\)$' "$hint"
next=$(printf '%s\n' "$hint" | sed 's/^.*more: \(.*\))$/\1/')
out2=$(ga_ctl $next)
check "both pages together: 80 messages, each once" 80 \
	"$( (printf '%s\n' "$out" | sed '$d'; printf '%s\n' "$out2") |
	   awk '{print $1}' | sort -u | wc -l)"
check "the second page continues the first" \
	"$(( $(printf '%s\n' "$out" | sed '$d' | tail -n 1 | awk '{print $1}') - 1 ))" \
	"$(printf '%s\n' "$out2" | head -n 1 | awk '{print $1}')"

ga_stop
check "clean stop" 0 "$GA_RC"
ga_done

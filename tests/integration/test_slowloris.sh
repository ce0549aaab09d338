#!/usr/bin/env bash
# test_slowloris.sh - a real request during the first second of a slowloris
# attack: 60 TLS connections opened over 1 s, each trickling a request head
# a byte at a time and reconnecting when closed, against the default
# max_connections (16). A GET /healthz started 0.3 to 0.9 s into the attack (16 slots are taken by 0.27 s)
# must be answered 200 within 2 s, in every one of 20 runs; the attack goes
# on until that answer is in. Bounded: each attack stops by itself after
# 4 s, each request after 3 s.
. "$(dirname "$0")/lib.sh"

SL="$GA_ROOT/tests/integration/slowloris.py"
RUNS=20
ga_start || { not_ok "daemon starts"; ga_done; }

answered=0
max_ms=0
times=
for run in $(seq 1 "$RUNS"); do
	offset=$(printf "0.%02d" $((30 + (run - 1) % 5 * 15))) # 0.30 ... 0.90: slots full
	stop="$GA_TMP/stop.$run"
	timeout 10 python3 "$SL" "$GA_PORT" 60 1.0 4.0 "$stop" \
		>"$GA_TMP/attack.$run" 2>&1 &
	attack=$!
	sleep "$offset"
	r=$(curl -sk --max-time 3 -o /dev/null -w '%{http_code} %{time_total}' \
		"$GA_URL/healthz" 2>/dev/null)
	touch "$stop"
	wait "$attack"
	code=${r%% *}
	ms=$(awk -v t="${r#* }" 'BEGIN { printf "%d", t * 1000 }')
	times="$times $code/${ms}"
	if [ "$code" = 200 ] && [ "$ms" -lt 2000 ]; then
		answered=$((answered + 1))
	fi
	[ "$ms" -gt "$max_ms" ] && max_ms=$ms
done
echo "# status/ms of each request (curl's time_total):$times"
echo "# attack $RUNS: $(cat "$GA_TMP/attack.$RUNS")"
echo "# $(ga_ctl status | grep -E '^http.(evicted|accept_paused|connections):' | tr '\n' ' ')"
check "slowloris: a request in the first second answered 200 within 2 s (max ${max_ms} ms)" \
	"$RUNS of $RUNS" "$answered of $RUNS"
check_match "slowloris: the slow heads were evicted and counted" \
	'http.evicted: [1-9]' "$(ga_ctl status)"
r=$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "$GA_URL/healthz")
check "slowloris: service after the attacks" 200 "$r"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

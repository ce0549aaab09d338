#!/usr/bin/env bash
# test_make_run.sh - what a new user does after a fresh clone: the sim
# config with nothing under build/run yet (directories, certificate, key,
# journal and socket are created on first start), then the README's curl
# line and gridalertctl. A copy of board/sim in a scratch tree keeps the
# developer's own build/run alone; only the port differs (8443 may be
# taken by a running `make run`).
. "$(dirname "$0")/lib.sh"

mkdir -p "$GA_TMP/tree/board/sim"
GA_PORT=$(ga_free_port)
sed "s/127.0.0.1:8443/127.0.0.1:$GA_PORT/" "$GA_ROOT/board/sim/gridalert.conf" \
	>"$GA_TMP/tree/board/sim/gridalert.conf"
cp -r "$GA_ROOT/board/sim/events" "$GA_TMP/tree/board/sim/"
cd "$GA_TMP/tree" || exit 1
"$GA_D" -f -c board/sim/gridalert.conf >"$GA_TMP/run.out" 2>"$GA_TMP/run.err" &
GA_PID=$!
for _ in $(seq 1 50); do
	[ -S build/run/ctl.sock ] && break
	sleep 0.1
done
check_match "first start creates the certificate and logs its fingerprint" \
	'created a self-signed ECDSA P-256 certificate.*' "$(cat "$GA_TMP/run.err")"
check_match "the fingerprint is SHA-256" 'SHA256 ([0-9A-F]{2}:){31}[0-9A-F]{2}' \
	"$(cat "$GA_TMP/run.err")"
check "the key is 0600" 600 "$(stat -c %a build/run/server.key)"
r=$(curl -sk "https://127.0.0.1:$GA_PORT/api/events?code=sim-secret" \
	-H 'Content-Type: application/json' \
	--data-binary @board/sim/events/sms-received.json)
check "the README's curl line is accepted" '{"accepted":1,"duplicates":0,"ignored":0}' "$r"
sleep 0.3
m=$("$GA_CTL_BIN" -c board/sim/gridalert.conf messages)
check_match "gridalertctl -c board/sim/gridalert.conf messages shows it" \
	'^1 .* sms\* \+14255550123 Pump 2 pressure low – café alarm ☕' "$m"
check_match "the terminal LCD shows the SMS" 'lcd: \|SMS \+14255550123\|' "$(cat "$GA_TMP/run.out")"
kill -TERM "$GA_PID"
wait "$GA_PID"
check "Ctrl-C/SIGTERM: exit 0" 0 "$?"
GA_PID=

# --- on a terminal (what make run shows): the LCD box redrawn in place and
# the simulated LEDs on a status line under it --------------------------------
rm -f build/run/ctl.sock
script -qfc "$GA_D -f -c board/sim/gridalert.conf" "$GA_TMP/tty.typescript" \
	>/dev/null 2>&1 &
SPID=$!
for _ in $(seq 1 50); do
	[ -S build/run/ctl.sock ] && break
	sleep 0.1
done
curl -sk -o /dev/null "https://127.0.0.1:$GA_PORT/api/events?code=sim-secret" \
	-H 'Content-Type: application/json' \
	--data-binary @board/sim/events/sms-delivery-failed.json
sleep 1.5
pkill -TERM -f "^$GA_D -f -c board/sim/gridalert.conf" 2>/dev/null
wait "$SPID" 2>/dev/null
screen=$(python3 "$GA_ROOT/tests/integration/vt_replay.py" "$GA_TMP/tty.typescript")
check "terminal: one LCD box on the final screen (redrawn in place)" 2 \
	"$(echo "$screen" | grep -c '^+----------------+$')"
check_match "terminal: the box shows the failed delivery" '\|FAILED' "$screen"
check_match "terminal: the LED line shows fail_led lit" '● fail_led' "$screen"
check_match "terminal: and the dark ones" '○ sms_led' "$screen"
ga_done

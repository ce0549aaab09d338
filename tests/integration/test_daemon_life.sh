#!/usr/bin/env bash
# test_daemon_life.sh - [system] watchdog against a fake device file (a
# regular file records every byte the daemon writes: pets, then the magic
# "V" only on a clean exit), sd_notify against a real datagram socket
# (READY=1, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1), and [system]
# user: privileges dropped after binding (as root only; skipped otherwise).
. "$(dirname "$0")/lib.sh"

WD="$GA_TMP/watchdog"
: >"$WD"

# --- watchdog --------------------------------------------------------------
ga_config "[system]
watchdog = $WD"
ga_start || { not_ok "daemon starts with a watchdog device"; ga_done; }
check_match "status names the watchdog and its period (15 s default / 3)" \
	"^$WD every 5000 ms" "$(ga_status watchdog)"
sleep 5.5
pets=$(tr -cd k <"$WD" | wc -c)
if [ "$pets" -ge 2 ]; then
	ok "petted from the loop: $pets pets in 5.5 s"
else
	not_ok "petted from the loop" "$pets pets in 5.5 s: $(od -c "$WD" | head -3)"
fi
check "not disarmed while running" "" "$(tr -cd V <"$WD")"
ga_stop
check "SIGTERM: exit 0" 0 "$GA_RC"
check "clean exit: the magic close 'V' is the last byte" "V" "$(tail -c 1 "$WD")"

: >"$WD"
ga_start || { not_ok "daemon starts again"; ga_done; }
kill -KILL "$GA_PID"
wait "$GA_PID" 2>/dev/null || true
GA_PID=
check "kill -9: no magic close (the board would reset)" "" "$(tr -cd V <"$WD")"
check "... but it had been petted" "k" "$(head -c 1 "$WD")"

sed -i "s|^watchdog = .*|watchdog = $GA_TMP/no-such-watchdog|" "$GA_TMP/gridalert.conf"
"$GA_D" -f -c "$GA_TMP/gridalert.conf" >"$GA_TMP/nowd.log" 2>&1
rc=$?
check "a watchdog that cannot open: not starting, exit 1" 1 "$rc"
check_match "... and says why" "watchdog .*no-such-watchdog: No such file" \
	"$(cat "$GA_TMP/nowd.log")"

# --- sd_notify -------------------------------------------------------------
sed -i "/^watchdog = /d" "$GA_TMP/gridalert.conf"
NS="$GA_TMP/notify.sock"
python3 - "$NS" >"$GA_TMP/notify.out" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.time() + 15
while time.time() < end:
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        continue
    print("%.3f %s" % (time.time(), m.replace("\n", "|")), flush=True)
    if "STOPPING=1" in m:
        break
PY
LISTENER=$!
for _ in $(seq 1 50); do [ -S "$NS" ] && break; sleep 0.1; done
GA_WRAP="env NOTIFY_SOCKET=$NS WATCHDOG_USEC=400000"
ga_start || { not_ok "daemon starts with NOTIFY_SOCKET"; ga_done; }
GA_WRAP=
sleep 1.2
ga_stop
wait "$LISTENER" 2>/dev/null
n=$(cat "$GA_TMP/notify.out")
check_match "READY=1 with a STATUS and MAINPID" \
	"READY=1\|STATUS=serving https on 127.0.0.1:[0-9]+\|MAINPID=[0-9]+" "$n"
iv=$(grep "WATCHDOG=1" "$GA_TMP/notify.out" | python3 -c '
import statistics, sys
t = [float(l.split()[0]) for l in sys.stdin]
d = [b - a for a, b in zip(t, t[1:])]
print("%d %.3f" % (len(t), statistics.median(d) if d else 0))')
if [ "${iv%% *}" -ge 4 ] && python3 -c "import sys; sys.exit(not 0.15 <= ${iv#* } <= 0.30)"; then
	ok "WATCHDOG=1 every ${iv#* } s (half of WATCHDOG_USEC=400000), ${iv%% *} sent"
else
	not_ok "WATCHDOG=1 at half of WATCHDOG_USEC" "count and median interval: $iv"
fi
check "STOPPING=1 last" "STOPPING=1" "$(tail -1 "$GA_TMP/notify.out" | cut -d' ' -f2)"

# --- [system] user ------------------------------------------------------------
sed -i "s|^\[system\]|[system]\nuser = no-such-user-here|" "$GA_TMP/gridalert.conf"
"$GA_D" -f -c "$GA_TMP/gridalert.conf" >"$GA_TMP/nouser.log" 2>&1
check "an unknown [system] user: not starting, exit 1" 1 "$?"
check_match "... and says why" "user no-such-user-here: no such user" \
	"$(cat "$GA_TMP/nouser.log")"

if [ "$(id -u)" != 0 ]; then
	echo "ok - # SKIP privilege drop: not root"
	ga_done
fi
# The state directory must be reachable by the user (as /var/lib is).
chmod 0755 "$GA_TMP"
sed -i "s|^user = .*|user = nobody|; s|^path = journal\$|path = state/journal|" \
	"$GA_TMP/gridalert.conf"
ga_start || { not_ok "daemon starts as root with user = nobody"; ga_done; }
nobody=$(id -u nobody)
check "after ready: real, effective, saved and fs uid are nobody's" \
	"$nobody $nobody $nobody $nobody" \
	"$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$GA_PID/status")"
check "supplementary groups are nobody's, not root's" \
	"$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
	"$(awk '/^Groups:/ {$1=""; print}' "/proc/$GA_PID/status" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ' | sed 's/ $//')"
check "the journal directory was given to nobody" "nobody" \
	"$(stat -c %U "$GA_TMP/state")"
r=$(ga_post "/api/events?code=$GA_SECRET" "$GA_ROOT/board/sim/events/sms-received.json")
check "as nobody: an event is journaled and answered 200" \
	'200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"
check_match "the log says who it runs as, and what it cannot do later" \
	"running as nobody.*config .* is not writable" "$(tr '\n' ' ' <"$GA_LOG")"
ga_stop
check "as nobody: SIGTERM exit 0" 0 "$GA_RC"
ga_done

#!/usr/bin/env bash
# test_config_life.sh - gridalertd -t and reload (SIGHUP and ctl) against
# the real daemon: errors as file:line, a bad reload keeps the old config,
# a good one applies without a restart.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
"$GA_D" -t -c "$GA_ROOT/board/sim/gridalert.conf" >"$GA_TMP/t.out" 2>&1
check "gridalertd -t on board/sim/gridalert.conf exits 0" 0 "$?"
cat >"$GA_TMP/bad.conf" <<'CONF'
[server]
listen = 127.0.0.1:8443
max_connections = 100000
tls = maybe
[webhok]
path = /x
[webhook]
secrt = a
CONF
"$GA_D" -t -c "$GA_TMP/bad.conf" >"$GA_TMP/t.out" 2>&1
check "gridalertd -t on a bad config exits 1" 1 "$?"
out=$(cat "$GA_TMP/t.out")
check_match "out-of-bounds value as file:line" "bad.conf:3: server.max_connections: 100000 is out of bounds \(1..256\)" "$out"
check_match "bad bool as file:line" "bad.conf:4: server.tls: 'maybe' is not yes/no" "$out"
check_match "unknown section" "bad.conf:5: unknown section \[webhok\]" "$out"
check_match "unknown key with a suggestion" "bad.conf:8: unknown key 'secrt' in \[webhook\] \(did you mean 'secret'\?\)" "$out"
check_match "every error is reported, not just the first" "4 error\(s\)|5 error\(s\)" "$out"

for bad in "listen = 0.0.0.0:8443
tls = off" "listen = [::]:8443
[webhook]
auth = none"; do
	printf '[server]\n%s\n' "$bad" >"$GA_TMP/open.conf"
	out=$("$GA_D" -t -c "$GA_TMP/open.conf" 2>&1)
	check_match "refused on a public address: $(echo "$bad" | tail -1)" \
		'only allowed on a loopback' "$out"
done

ga_config "group = daemon"
ga_start || { not_ok "daemon starts"; ga_done; }
pid=$GA_PID
check "control socket mode 0660" 660 "$(stat -c %a "$GA_TMP/ctl.sock")"
check "control socket group from [control] group" daemon "$(stat -c %G "$GA_TMP/ctl.sock")"
r=$(ga_post "/api/events?code=$GA_SECRET" "$EV/sms-received.json")
check_match "before reload: the old secret works" '^200 ' "$r"

sed -i "s/^secret = .*/secret = new-secret/" "$GA_TMP/gridalert.conf"
kill -HUP "$GA_PID"
sleep 0.3
r=$(ga_post "/api/events?code=$GA_SECRET" "$EV/sms-delivery-failed.json")
check_match "after SIGHUP: the old secret is refused" '^401 ' "$r"
r=$(ga_post "/api/events?code=new-secret" "$EV/sms-delivery-failed.json")
check_match "after SIGHUP: the new secret works" '^200 ' "$r"
check "same process after reload" "$pid" "$GA_PID"
check_match "status counts the reload" 'config.reloads: 1' "$(ga_ctl status)"

echo "bogus line" >>"$GA_TMP/gridalert.conf"
out=$(ga_ctl reload 2>&1)
check "ctl reload of a bad config fails (exit 1)" 1 "$?"
check_match "and says why with file:line" 'gridalert.conf:[0-9]+: expected key = value' "$out"
r=$(ga_post "/api/events?code=new-secret" "$EV/chat-message.cloudevents.json" \
	"application/cloudevents+json")
check_match "the running config is kept after a bad reload" '^200 ' "$r"
grep -q "keeping the running configuration" "$GA_LOG" &&
	ok "the log says the old config was kept" ||
	not_ok "the log says the old config was kept"

# --- reload under traffic: one keep-alive client posts 300 events while
# the config is reloaded 20 times (10 good by SIGHUP, 10 bad by ctl) ------
sed -i '/^bogus line$/d' "$GA_TMP/gridalert.conf"
r0=$(ga_status config.reloads)
j0=$(ga_status journal.records)
python3 - "$GA_PORT" new-secret "$EV/sms-received.json" >"$GA_TMP/traffic.out" 2>&1 <<'PY' &
import http.client, json, ssl, sys
port, secret, seed = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ev = json.load(open(seed))
ctx = ssl._create_unverified_context()
conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
codes, reconnects = {}, 0
for i in range(300):
    ev[0]["id"] = "traffic-%d" % i
    body = json.dumps(ev)
    for attempt in (0, 1):
        try:
            conn.request("POST", "/api/events?code=" + secret, body,
                         {"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            codes[resp.status] = codes.get(resp.status, 0) + 1
            break
        except (http.client.HTTPException, OSError):
            reconnects += 1
            conn.close()
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                               timeout=10)
print("codes", " ".join("%d:%d" % kv for kv in sorted(codes.items())))
print("reconnects", reconnects)
PY
TRAFFIC=$!
for i in $(seq 1 10); do
	kill -HUP "$GA_PID"
	sleep 0.05
	echo "bogus line" >>"$GA_TMP/gridalert.conf"
	ga_ctl reload >/dev/null 2>&1
	sed -i '/^bogus line$/d' "$GA_TMP/gridalert.conf"
	sleep 0.05
done
wait "$TRAFFIC"
check "under reloads: 300 of 300 requests answered 200" "codes 200:300" \
	"$(sed -n 's/^codes //p;' "$GA_TMP/traffic.out" | sed 's/^/codes /')"
check "under reloads: the keep-alive connection was never dropped" \
	"reconnects 0" "$(grep '^reconnects' "$GA_TMP/traffic.out")"
check "under reloads: same process" "$pid" "$(pgrep -f "gridalertd -f -c $GA_TMP/gridalert.conf" | head -1)"
check "under reloads: 10 good reloads counted, 10 bad ones refused" \
	"$((r0 + 10))" "$(ga_status config.reloads)"
check "under reloads: every event journaled once" "$((j0 + 300))" \
	"$(ga_status journal.records)"

ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

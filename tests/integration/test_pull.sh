#!/usr/bin/env bash
# test_pull.sh - pull delivery (issue 10) from the real daemon against
# fake_namespace.py, a namespace queue subscription over real TLS with a
# test CA made here by openssl:
#  - every event is acknowledged exactly once, after it is journaled; an
#    unparseable one is rejected (dead-lettered), an unknown type acked;
#  - kill -9 while the acknowledge is in flight: after the restart the
#    redelivered events are duplicates, acknowledged once, shown once;
#  - a broker that closes after every answer still works;
#  - a wrong key is auth-error with backoff, and a reload with the right
#    key recovers;
#  - a certificate for another host name or not from ca_file is refused
#    before any request: nothing received, nothing acknowledged.
. "$(dirname "$0")/lib.sh"

FAKE="$GA_ROOT/tests/integration/fake_namespace.py"
SEED="$GA_CORPUS/sms-received.cloudevents-2024.azure-rest-api-specs.json"
C="$GA_TMP/pki"
mkdir -p "$C"

# --- a test CA, a server certificate for localhost, and two bad ones ------
(
	cd "$C" || exit 1
	openssl ecparam -name prime256v1 -genkey -noout -out ca.key
	openssl req -x509 -new -key ca.key -subj "/CN=gridalert test CA" \
		-days 2 -out ca.crt
	mk() { # NAME SAN CA-KEY CA-CRT
		openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
		openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
		printf 'subjectAltName=%s\n' "$2" >"$1.ext"
		openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$3" \
			-CAcreateserial -days 2 -extfile "$1.ext" -out "$1.crt"
	}
	mk good "DNS:localhost,IP:127.0.0.1" ca.key ca.crt
	mk otherhost "DNS:other.example" ca.key ca.crt
	openssl ecparam -name prime256v1 -genkey -noout -out rogue-ca.key
	openssl req -x509 -new -key rogue-ca.key -subj "/CN=rogue CA" \
		-days 2 -out rogue-ca.crt
	mk rogue "DNS:localhost,IP:127.0.0.1" rogue-ca.key rogue-ca.crt
) >"$C/openssl.log" 2>&1 || { not_ok "test PKI" "$(cat "$C/openssl.log")"; ga_done; }

NS_PORT=$(ga_free_port)
NS_CTL=$(ga_free_port)
FAKE_PID=
fake_start() { # CERT-NAME
	python3 "$FAKE" --cert "$C/$1.crt" --key "$C/$1.key" --port "$NS_PORT" \
		--ctl-port "$NS_CTL" --access-key right-key --lock-s 2 \
		>>"$GA_TMP/fake.log" 2>&1 &
	FAKE_PID=$!
	for _ in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$NS_CTL/state" && return 0
		sleep 0.1
	done
	return 1
}
fake_stop() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=; }
trap 'fake_stop; ga_cleanup' EXIT
ns_state() { curl -s "http://127.0.0.1:$NS_CTL/state"; }
ns_mode() { curl -s -o /dev/null -d "$1" "http://127.0.0.1:$NS_CTL/mode"; }
# publish ID... - one CloudEvent SMS per id (the corpus event, new id/text)
publish() {
	python3 - "$SEED" "$@" >"$GA_TMP/pub.json" <<'PY'
import json, sys
seed = json.load(open(sys.argv[1]))
for k in ("operationId", "title"):
    seed.pop(k, None)
out = []
for i in sys.argv[2:]:
    e = json.loads(json.dumps(seed)); e["id"] = i
    e["data"]["message"] = "pulled " + i
    out.append(e)
print(json.dumps(out))
PY
	curl -s -o /dev/null --data-binary "@$GA_TMP/pub.json" \
		"http://127.0.0.1:$NS_CTL/publish"
}
publish_raw() { curl -s -o /dev/null --data-binary "$1" "http://127.0.0.1:$NS_CTL/publish"; }
# ev_field ID FIELD - from the broker's state
ev_field() {
	ns_state | python3 -c 'import json,sys; s=json.load(sys.stdin); e=s["events"].get(sys.argv[1]); print(e[sys.argv[2]] if e else "none")' "$1" "$2"
}
ns_counter() { ns_state | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
acked_all() { # ID... all acked
	local s
	s=$(ns_state)
	for i in "$@"; do
		[ "$(echo "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][sys.argv[1]]["acked"])' "$i")" -ge 1 ] || return 1
	done
}
state_is() { [[ "$(ga_status pull.state)" =~ $1 ]]; }
# (ga_wait runs its command again each time: no $(...) in its arguments)
field_is() { [ "$(ev_field "$1" "$2")" = "$3" ]; }
counter_ge() { [ "$(ns_counter "$1")" -ge "$2" ]; }

fake_start good || { not_ok "fake namespace starts" "$(cat "$GA_TMP/fake.log")"; ga_done; }

PULL_CONF="[pull]
endpoint = https://localhost:$NS_PORT
topic = acs-events
subscription = board-1
key = right-key
ca_file = $C/ca.crt
max_events = 10
wait_s = 10"
ga_config "$PULL_CONF"
ga_start || { not_ok "daemon starts with [pull]"; ga_done; }

# --- events flow: journaled, acknowledged once ---------------------------
publish p1 p2 p3 p4 p5
if ga_wait 15 acked_all p1 p2 p3 p4 p5; then
	ok "five pulled events are acknowledged"
else
	not_ok "five pulled events are acknowledged" "$(ns_state)"
fi
s=$(ns_state)
check "each acknowledged exactly once, delivered once" "1 1 1 1 1 1 1 1 1 1" \
	"$(for i in p1 p2 p3 p4 p5; do echo "$s" | python3 -c 'import json,sys; e=json.load(sys.stdin)["events"][sys.argv[1]]; print(e["acked"], e["deliveries"])' $i; done | tr '\n' ' ' | sed 's/ $//')"
check_match "status: polling, 5 received, 5 acknowledged" \
	'pull.state: polling.*pull.received: 5.*pull.acknowledged: 5' \
	"$(ga_ctl status | tr '\n' ' ')"
check "status: the pulled SMS count as accepted" 5 "$(ga_status events.accepted)"
m=$(ga_ctl messages)
check "messages: each pulled SMS shown once" "1 1 1 1 1" \
	"$(for i in p1 p2 p3 p4 p5; do echo "$m" | grep -c "pulled $i\$"; done | tr '\n' ' ' | sed 's/ $//')"
check_match "lcd shows the newest pulled SMS" 'pulled p5' "$(ga_status lcd.line2)"
check "journal: five records" 5 "$(ga_status journal.records)"

# --- the corpus receive example (unknown type, string data): acked, ignored
python3 - "$GA_CORPUS/namespace-receive.example.azure-rest-api-specs.json" >"$GA_TMP/demo.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps([d["responses"]["200"]["body"]["value"][0]["event"]]))
PY
publish_raw "@$GA_TMP/demo.json"
if ga_wait 15 acked_all e770f36b-381a-41db-8b2b-b7199daeb202; then
	ok "the corpus receive example (type demo-started) is acknowledged"
else
	not_ok "the corpus receive example is acknowledged" "$(ns_state)"
fi
check "... and counted ignored, not shown" 1 "$(ga_status events.ignored)"

# --- an event that can never parse is rejected (dead-lettered) ----------
publish_raw '[{"specversion":"1.0","id":"bad1","type":"Microsoft.Communication.SMSReceived","data":{}}]'
if ga_wait 15 field_is bad1 rejected 1; then
	ok "an event without source is rejected, once"
else
	not_ok "an event without source is rejected" "$(ns_state)"
fi
check "... never acknowledged" 0 "$(ev_field bad1 acked)"
check "status: pull.rejected 1" 1 "$(ga_status pull.rejected)"

# --- kill -9 between journal and acknowledge -----------------------------
ns_mode '{"drop_acks": true}'
publish k1 k2 k3
if ga_wait 15 counter_ge acks_dropped 1; then
	ok "the acknowledge of k1..k3 is in flight (held by the broker)"
else
	not_ok "the acknowledge is in flight" "$(ns_state)"
fi
kill -KILL "$GA_PID"
wait "$GA_PID" 2>/dev/null || true
GA_PID=
ns_mode '{"drop_acks": false}'
check "broker: k1 not acknowledged before the kill" 0 "$(ev_field k1 acked)"
ga_start || { not_ok "daemon restarts after kill -9"; ga_done; }
if ga_wait 20 acked_all k1 k2 k3; then
	ok "after the restart the redelivered k1..k3 are acknowledged"
else
	not_ok "redelivered events are acknowledged" "$(ns_state)"
fi
check "each acknowledged once, delivered twice" "1 2 1 2 1 2" \
	"$(for i in k1 k2 k3; do echo "$(ev_field $i acked) $(ev_field $i deliveries)"; done | tr '\n' ' ' | sed 's/ $//')"
check "redeliveries are duplicates" 3 "$(ga_status events.duplicate)"
m=$(ga_ctl messages)
check "messages: k1..k3 shown once each" "1 1 1" \
	"$(for i in k1 k2 k3; do echo "$m" | grep -c "pulled $i\$"; done | tr '\n' ' ' | sed 's/ $//')"

# --- a broker that closes the connection after every answer --------------
ns_mode '{"close": true}'
publish c1 c2
if ga_wait 20 acked_all c1 c2; then
	ok "Connection: close after every answer: still acknowledged"
else
	not_ok "Connection: close after every answer" "$(ns_state)"
fi
ns_mode '{"close": false}'

# --- a reload that changes only ca_file keeps the exchange open ----------
# (issue 22: each connection keeps the TLS context it started with; the
# new CA file is for the next connection)
# pull_port - the local port of the daemon's connection to the broker
pull_port() {
	ss -Htn state established "dport = :$NS_PORT" 2>/dev/null |
		awk '{ split($3, a, ":"); print a[length(a)] }' | sort | head -1
}
has_pull_port() { [ -n "$(pull_port)" ]; }
ga_wait 10 has_pull_port
p0=$(pull_port)
cp "$C/ca.crt" "$GA_TMP/ca-renewed.crt"
sed -i "s#^ca_file = .*#ca_file = $GA_TMP/ca-renewed.crt#" "$GA_TMP/gridalert.conf"
ga_ctl reload >/dev/null
publish r1
if ga_wait 15 acked_all r1; then
	ok "ca_file changed by reload: r1 acknowledged"
else
	not_ok "ca_file changed by reload: r1 acknowledged" "$(ga_status pull.state)"
fi
check "ca_file changed by reload: the open connection was kept" "$p0" "$(pull_port)"
check "... r1 delivered once" 1 "$(ev_field r1 deliveries)"
echo "not a certificate" >"$GA_TMP/ca-renewed.crt"
ga_ctl reload >/dev/null
publish r2
if ga_wait 15 acked_all r2; then
	ok "an unusable ca_file on reload: the previous anchors stay, r2 acknowledged"
else
	not_ok "an unusable ca_file on reload" "$(ga_status pull.state)"
fi
check_match "... and the log says so" "pull: ca_file .*ca-renewed.crt: no usable CA" "$(cat "$GA_LOG")"
cp "$C/ca.crt" "$GA_TMP/ca-renewed.crt"

# --- wrong key: auth-error, backoff, no crash; reload recovers -----------
sed -i 's/^key = right-key/key = wrong-key/' "$GA_TMP/gridalert.conf"
ga_ctl reload >/dev/null
if ga_wait 15 state_is '^auth-error$'; then
	ok "wrong key: pull.state auth-error"
else
	not_ok "wrong key: pull.state auth-error" "$(ga_status pull.state)"
fi
u0=$(ns_counter unauthorized)
sleep 5
u1=$(ns_counter unauthorized)
if [ $((u1 - u0)) -le 4 ] && kill -0 "$GA_PID"; then
	ok "wrong key: retried with backoff ($((u1 - u0)) attempts in 5 s), daemon alive"
else
	not_ok "wrong key: backoff" "$((u1 - u0)) attempts in 5 s"
fi
r0=$(ga_status pull.received)
publish w1
sleep 1
# (the broker may hand w1 to the long poll the reload cut off; a real one
# would too, and the lock expiry brings it back)
check "wrong key: nothing received, nothing acknowledged" "$r0 0" \
	"$(ga_status pull.received) $(ev_field w1 acked)"
sed -i 's/^key = wrong-key/key = right-key/' "$GA_TMP/gridalert.conf"
ga_ctl reload >/dev/null
if ga_wait 20 acked_all w1; then
	ok "right key after reload: polling again, w1 acknowledged"
else
	not_ok "right key after reload" "$(ga_status pull.state)"
fi

# --- certificates the daemon must refuse ---------------------------------
for bad in otherhost:'^tls-error \(server certificate: .*CN' \
	rogue:'^tls-error \(server certificate: .*trusted CA'; do
	want=${bad#*:}
	bad=${bad%%:*}
	fake_stop
	fake_start "$bad" || { not_ok "fake namespace with $bad cert"; continue; }
	publish "t-$bad"
	if ga_wait 30 state_is "$want"; then
		ok "$bad certificate: pull.state $(ga_status pull.state)"
	else
		not_ok "$bad certificate refused" "$(ga_status pull.state)"
	fi
	check "$bad certificate: nothing requested, nothing acknowledged" "0 0 0" \
		"$(ns_counter receives) $(ev_field "t-$bad" deliveries) $(ev_field "t-$bad" acked)"
done

ga_stop
check "daemon exits 0 on SIGTERM" 0 "$GA_RC"
ga_done

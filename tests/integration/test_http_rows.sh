#!/usr/bin/env bash
# test_http_rows.sh - one test per row of docs/http.md against the real daemon,
# with real curl over TLS. Test names start with the row they prove.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
CORPUS="$GA_CORPUS"
GA_CONF_SERVER="max_body = 65536
header_timeout_ms = 1500
body_timeout_ms = 1500
keepalive_timeout_ms = 3000"
ga_config
ga_start || { not_ok "daemon starts"; ga_done; }
ok "daemon starts and serves /healthz"

Q="?code=$GA_SECRET"

# --- 200 accepted, only after fsync (the fsync itself: test_journal*) ---
r=$(ga_post "/api/events$Q" "$EV/sms-received.json")
check "200: Event Grid array with the secret in ?code= is accepted" \
	'200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"
r=$(ga_post "/api/events$Q" "$EV/sms-received.json")
check "200: the same event again is a duplicate, not accepted twice" \
	'200 {"accepted":0,"duplicates":1,"ignored":0}' "$r"
r=$(ga_post /api/events "$EV/sms-delivery-failed.json" application/json \
	-H "X-Gridalert-Key: $GA_SECRET")
check "200: secret in the X-Gridalert-Key header" \
	'200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"
r=$(ga_post "/api/events$Q" "$EV/chat-message.cloudevents.json" \
	"application/cloudevents+json; charset=utf-8")
check "200: CloudEvents single object" \
	'200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"
python3 - "$EV/chat-message.cloudevents.json" >"$GA_TMP/ce-batch.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
out = []
for i in range(3):
    x = dict(e); x["id"] = "batch-%d" % i; out.append(x)
print(json.dumps(out))
PY
r=$(ga_post "/api/events$Q" "$GA_TMP/ce-batch.json" \
	"application/cloudevents-batch+json")
check "200: CloudEvents batch array" \
	'200 {"accepted":3,"duplicates":0,"ignored":0}' "$r"
r=$(ga_post "/api/events$Q" "$CORPUS/storage-blob-created.eg-schema.azure-sdk-for-java.json")
check_match "200: an event type we do not handle is ignored, not refused" \
	'^200 \{"accepted":0,"duplicates":0,"ignored":1\}$' "$r"

# --- 200 validation handshake ---
cat >"$GA_TMP/validation.json" <<'JSON'
[{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x","subject":"",
"data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
"validationUrl":"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/s/validate?id=1"},
"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
"eventTime":"2022-10-28T04:23:35.1981776Z","metadataVersion":"1","dataVersion":"1"}]
JSON
r=$(ga_post "/api/events$Q" "$GA_TMP/validation.json" application/json \
	-H "aeg-event-type: SubscriptionValidation")
check "200: SubscriptionValidationEvent is answered with validationResponse" \
	'200 {"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}' "$r"

# --- 200 OPTIONS handshake ---
hdrs=$(curl -sk -X OPTIONS -D - -o /dev/null \
	-H "WebHook-Request-Origin: eventgrid.azure.net" "$GA_URL/api/events$Q" |
	tr -d '\r')
check_match "200: OPTIONS handshake status" '^HTTP/1.1 200' "$hdrs"
check_match "200: OPTIONS echoes WebHook-Allowed-Origin" \
	'WebHook-Allowed-Origin: eventgrid.azure.net' "$hdrs"
check_match "200: OPTIONS sends WebHook-Allowed-Rate: *" \
	'WebHook-Allowed-Rate: \*' "$hdrs"
check_match "200: OPTIONS sends Allow: POST, OPTIONS" \
	'Allow: POST, OPTIONS' "$hdrs"

# --- 401 ---
r=$(ga_post "/api/events?code=wrong" "$EV/sms-received.json")
check "401: wrong secret" '401 {"error":"missing or wrong secret"}' "$r"
r=$(ga_post "/api/events" "$EV/sms-received.json")
check "401: missing secret" '401 {"error":"missing or wrong secret"}' "$r"
if grep -q "wrong" "$GA_LOG" && ! grep -q "$GA_SECRET" "$GA_LOG"; then
	ok "401: logged without the secret"
else
	not_ok "401: logged without the secret" "$(tail -3 "$GA_LOG")"
fi

# --- 400 ---
printf '[{"id":"x",' >"$GA_TMP/bad.json"
r=$(ga_post "/api/events$Q" "$GA_TMP/bad.json")
check_match "400: malformed JSON" '^400 \{"error":' "$r"
printf '[{"id":"x\xff","eventType":"Microsoft.Communication.SMSReceived","subject":"s","data":{}}]' >"$GA_TMP/bad.json"
r=$(ga_post "/api/events$Q" "$GA_TMP/bad.json")
check_match "400: invalid UTF-8" '^400 \{"error":' "$r"
printf '"just a string"' >"$GA_TMP/bad.json"
r=$(ga_post "/api/events$Q" "$GA_TMP/bad.json")
check_match "400: not an array or object" '^400 \{"error":' "$r"
printf '[{"eventType":"Microsoft.Communication.SMSReceived","subject":"s","data":{}}]' >"$GA_TMP/bad.json"
r=$(ga_post "/api/events$Q" "$GA_TMP/bad.json")
check_match "400: event missing id" '^400 \{"error":' "$r"

# --- 413 ---
python3 -c 'print("[" + ",".join(["{\"id\":\"%d\"}" % i for i in range(9000)]) + "]")' >"$GA_TMP/big.json"
r=$(ga_post "/api/events$Q" "$GA_TMP/big.json")
check_match "413: body over max_body" '^413 \{"error":' "$r"

# --- 411 --- (raw request: curl always sends a length)
r=$(printf 'POST /api/events%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n' "$Q" |
	timeout 5 openssl s_client -quiet -connect "127.0.0.1:$GA_PORT" 2>/dev/null | head -1 | tr -d '\r')
check_match "411: POST with neither Content-Length nor chunked" '^HTTP/1.1 411' "$r"

# --- 415 ---
r=$(ga_post "/api/events$Q" "$EV/sms-received.json" text/plain)
check_match "415: content type neither JSON nor CloudEvents" '^415 \{"error":' "$r"

# --- 405 ---
hdrs=$(curl -sk -D - -o /dev/null "$GA_URL/api/events$Q" | tr -d '\r')
check_match "405: GET on the webhook path" '^HTTP/1.1 405' "$hdrs"
check_match "405: carries Allow" 'Allow: POST, OPTIONS' "$hdrs"

# --- 404 / healthz ---
r=$(ga_post "/nowhere$Q" "$EV/sms-received.json")
check "404: other path" '404 {"error":"not found"}' "$r"
r=$(curl -sk -w ' %{http_code}' "$GA_URL/healthz")
check "200: GET /healthz" '{"status":"ok"} 200' "$r"

# --- 408 head and body too slow (header/body_timeout_ms = 1500) ---
start=$(date +%s%N)
r=$( (printf 'POST /api/events HTTP/1.1\r\nHost: x\r\n'; sleep 4) |
	timeout 8 openssl s_client -quiet -connect "127.0.0.1:$GA_PORT" 2>/dev/null |
	head -1 | tr -d '\r')
el=$((($(date +%s%N) - start) / 1000000))
check_match "408: request head too slow" '^HTTP/1.1 408' "$r"
r=$( (printf 'POST /api/events%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[' "$Q"; sleep 4) |
	timeout 8 openssl s_client -quiet -connect "127.0.0.1:$GA_PORT" 2>/dev/null |
	head -1 | tr -d '\r')
check_match "408: body too slow" '^HTTP/1.1 408' "$r"

# --- every response has Content-Length ---
hdrs=$(curl -sk -D - -o /dev/null "$GA_URL/nowhere" | tr -d '\r')
check_match "every response carries Content-Length" 'Content-Length: [0-9]+' "$hdrs"

# --- keep-alive: two requests, one connection ---
out=$(curl -sk -w '%{num_connects}\n' -o /dev/null "$GA_URL/healthz" \
	-o /dev/null "$GA_URL/healthz")
check "keep-alive: the second request reuses the connection" "1
0" "$out"

# --- chunked request body ---
python3 - "$EV/sms-received.json" >"$GA_TMP/chunked.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e[0]["id"] = "chunked-1"
print(json.dumps(e))
PY
r=$(ga_post "/api/events$Q" "$GA_TMP/chunked.json" application/json \
	-H "Transfer-Encoding: chunked")
check "chunked request body is accepted" \
	'200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"

# --- TLS versions ---
if echo | timeout 5 openssl s_client -tls1_2 -connect "127.0.0.1:$GA_PORT" >/dev/null 2>&1; then
	ok "TLS 1.2 handshake succeeds"
else
	not_ok "TLS 1.2 handshake succeeds"
fi
if echo | timeout 5 openssl s_client -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' \
	-connect "127.0.0.1:$GA_PORT" >"$GA_TMP/tls11.out" 2>&1; then
	not_ok "TLS 1.1 is refused" "$(head -5 "$GA_TMP/tls11.out")"
else
	ok "TLS 1.1 is refused"
fi

# --- status reflects it all ---
st=$(ga_ctl status)
check_match "status: events.accepted counts accepted events" \
	'events.accepted: 7' "$st"
check_match "status: events.duplicate" 'events.duplicate: 1' "$st"
check_match "status: events.rejected counts 400/413 requests" \
	'events.rejected: [5-9]' "$st"
check_match "status: tls.handshakes" 'tls.handshakes: [1-9]' "$st"

ga_stop
check "SIGTERM: exit status 0" 0 "$GA_RC"
ga_done

#!/usr/bin/env bash
# test_pipelining.sh - HTTP/1.1 pipelining (RFC 9112 §9.3.2) over real TLS:
# every request shape the server takes (GET, the OPTIONS handshake, POST
# with Content-Length, chunked POST, 4xx answers that keep the connection,
# HEAD) sent before any answer is read, in one write, one byte per TLS
# record, and in two writes split at every byte. Every answer comes, in
# order, and the last request's "Connection: close" ends the connection.
. "$(dirname "$0")/lib.sh"

PC="$GA_ROOT/tests/integration/pipeline_client.py"
ga_start || { not_ok "daemon starts"; ga_done; }

# The answers, one line each ("STATUS|Connection|body"), then EOF.
want_shapes='200||{"status":"ok"}
200||{}
200||{"accepted":1,"duplicates":0,"ignored":0}
200||{"accepted":1,"duplicates":0,"ignored":0}
404||{"error":"not found"}
405||{"error":"method not allowed"}
200||
200|close|{"status":"ok"}
EOF'
out=$(timeout 30 python3 "$PC" "$GA_PORT" "$GA_SECRET" shapes one 2>&1)
check "every shape in one write: every answer, in order, then close" \
	"$want_shapes" "$out"
out=$(timeout 60 python3 "$PC" "$GA_PORT" "$GA_SECRET" shapes bytes 2>&1)
check "every shape one byte per TLS record: every answer, in order" \
	"$want_shapes" "$out"

want_gets() { # N: N answers to GET /healthz, the last closing
	local i
	for ((i = 1; i < $1; i++)); do echo '200||{"status":"ok"}'; done
	echo '200|close|{"status":"ok"}'
	echo EOF
}
for n in 2 3; do
	out=$(timeout 30 python3 "$PC" "$GA_PORT" "$GA_SECRET" gets "$n" one 2>&1)
	check "GET /healthz x$n in one write: $n answers 200, then close" \
		"$(want_gets "$n")" "$out"
done

# Two writes, split at every byte of three GETs (a new connection each).
out=$(timeout 120 python3 "$PC" "$GA_PORT" "$GA_SECRET" gets 3 split all 2>&1)
total=$(grep -c ':' <<<"$out")
bad=$(grep -v ': 200 200 200 EOF$' <<<"$out" | head -3)
if [ "$total" -gt 100 ] && [ -z "$bad" ]; then
	ok "GET x3 split at each of $total bytes: 3 answers 200, then close"
else
	not_ok "GET x3 split at every byte: 3 answers 200, then close" \
		"$total splits; first wrong: $bad"
fi

# A request the parser refuses ends the run: the ones before it are
# answered, it gets 400 with Connection: close, what follows is not read.
out=$(printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\nHost: x\n\nGET /healthz HTTP/1.1\r\n\r\n' |
	timeout 10 openssl s_client -quiet -connect "127.0.0.1:$GA_PORT" 2>/dev/null |
	grep -ao -E 'HTTP/1.1 [0-9]+|Connection: close' | tr '\n' ' ')
check "a malformed request after a good one: 200, then 400 and close" \
	"HTTP/1.1 200 HTTP/1.1 400 Connection: close " "$out"

check "every pipelined POST was journaled (2 per shapes run)" 4 \
	"$(ga_status events.accepted)"
r=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$GA_URL/healthz")
check "service goes on" 200 "$r"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"
ga_done

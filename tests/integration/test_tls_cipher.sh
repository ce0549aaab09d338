#!/usr/bin/env bash
# test_tls_cipher.sh - the record cipher follows the CPU (issue 21): with
# AES instructions (AES-NI + PCLMULQDQ here) a TLS 1.2 client offering
# both gets AES-GCM, whatever its own order; on a CPU without them
# (GRIDALERT_CPU_NO_AES=1 stands in for a Pi) it gets ChaCha20-Poly1305,
# and a client that only has AES-GCM is still served. Checked with
# openssl s_client (the cipher it reports) and a real POST with curl.
. "$(dirname "$0")/lib.sh"

AES=ECDHE-ECDSA-AES128-GCM-SHA256
CHACHA=ECDHE-ECDSA-CHACHA20-POLY1305

# negotiated CIPHERLIST - the cipher s_client reports for a TLS 1.2
# handshake offering CIPHERLIST in that order
negotiated() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$GA_PORT" \
		-tls1_2 -cipher "$1" 2>/dev/null |
		sed -n 's/.*Cipher is \([A-Z0-9-]*\).*/\1/p' | head -1
}

ev="$GA_TMP/ev.json"
sed 's/"id": "[^"]*"/"id": "cipher-@N@"/' "$GA_ROOT/board/sim/events/sms-received.json" >"$ev.t"

# post_with CIPHER N - POST one new event over a connection using CIPHER
post_with() {
	sed "s/@N@/$2/" "$ev.t" >"$ev"
	ga_post /api/events "$ev" application/json -H "X-Gridalert-Key: $GA_SECRET" \
		--tls-max 1.2 --ciphers "$1"
}

if grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo; then
	hw=$AES
else
	hw=$CHACHA
	echo "# this CPU has no AES-NI/PCLMULQDQ: ChaCha20 expected throughout"
fi

ga_config
ga_start || { not_ok "daemon starts"; ga_done; }
check "CPU with AES: a client offering AES-GCM first gets $hw" "$hw" "$(negotiated "$AES:$CHACHA")"
check "CPU with AES: a client offering ChaCha20 first still gets $hw (server order)" \
	"$hw" "$(negotiated "$CHACHA:$AES")"
check_match "CPU with AES: a POST over $hw is accepted" '^200 .*"accepted":1' "$(post_with "$hw" 1)"
ga_stop

GRIDALERT_CPU_NO_AES=1 ga_start || { not_ok "daemon starts with GRIDALERT_CPU_NO_AES=1"; ga_done; }
check "no AES instructions: a client offering AES-GCM first gets ChaCha20-Poly1305" \
	"$CHACHA" "$(negotiated "$AES:$CHACHA")"
check "no AES instructions: a client with only AES-GCM still gets AES-GCM" \
	"$AES" "$(negotiated "$AES")"
check_match "no AES instructions: a POST over ChaCha20-Poly1305 is accepted" \
	'^200 .*"accepted":1' "$(post_with "$CHACHA" 2)"
check_match "no AES instructions: a POST from an AES-GCM-only client is accepted" \
	'^200 .*"accepted":1' "$(post_with "$AES" 3)"
ga_stop
ga_done

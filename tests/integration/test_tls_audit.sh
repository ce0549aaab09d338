#!/usr/bin/env bash
# test_tls_audit.sh - testssl.sh (Debian's package) against the daemon in
# its default configuration: no weak protocol, no weak cipher, no
# vulnerability finding. Its summary goes into the test output. Findings
# about the auto_cert test certificate itself (self-signed, no CRL/OCSP,
# long validity) are expected for a self-signed local certificate.
. "$(dirname "$0")/lib.sh"

if ! command -v testssl >/dev/null 2>&1; then
	not_ok "testssl is installed (scripts/deps.sh test installs testssl.sh)"
	ga_done
fi
ga_config
ga_start || { not_ok "daemon starts"; ga_done; }
timeout 300 testssl --quiet --color 0 --warnings off -p -E -U \
	"127.0.0.1:$GA_PORT" >"$GA_TMP/testssl.out" 2>&1
out=$(cat "$GA_TMP/testssl.out")
sed -n 's/^ \(SSLv2\|SSLv3\|TLS 1\(\.[0-3]\)\?\) .*/# &/p; /(CVE\|ROBOT\|Renegotiation/s/^/# /p' \
	"$GA_TMP/testssl.out" | sed 's/^# # /# /' | sort -u | head -40
for p in "SSLv2" "SSLv3" "TLS 1 " "TLS 1.1"; do
	check_match "testssl: $p not offered" "$p +not offered" "$out"
done
check_match "testssl: TLS 1.2 offered" 'TLS 1.2 +offered \(OK\)' "$out"
if grep -qE 'VULNERABLE|potentially VULNERABLE' "$GA_TMP/testssl.out"; then
	not_ok "testssl: no vulnerability finding" "$(grep -E 'VULNERABLE' "$GA_TMP/testssl.out")"
else
	ok "testssl: no vulnerability finding"
fi
weak=$(grep -E '^ x[0-9a-f]+ ' "$GA_TMP/testssl.out" | grep -E 'NULL|EXP|RC4|DES|CBC|MD5|anon' || true)
check "testssl: no NULL/EXPORT/RC4/DES/CBC/MD5/anon cipher offered" "" "$weak"
check_match "testssl: ciphers are ECDHE with AEAD" 'ECDHE-ECDSA-(AES128-GCM|CHACHA20)' "$out"
ga_stop
ga_done

#!/usr/bin/env bash
# cipher_cost.sh [KIB] - instructions per KiB of TLS record payload for
# AES-128-GCM and ChaCha20-Poly1305 in Debian 12's mbedTLS 2.28, built for
# aarch64 (the Pi 3/4 without crypto extensions run exactly this code:
# 2.28 has no Arm AES instructions path) and counted under qemu-user.
# Debian's valgrind runs only natively, so the count comes from qemu's
# own logs: -d in_asm gives each translated block's instruction count,
# -d exec,nochain one line per block executed; the product summed is the
# guest instructions. Two runs (KIB and 2*KIB KiB) subtract start-up.
# Needs scripts/deps.sh cross-aarch64.
set -euo pipefail
cd "$(dirname "$0")/.."
kib=${1:-32}
out=build/cipher
mkdir -p "$out"
aarch64-linux-gnu-gcc -O2 -static -o "$out/cipher_cost" bench/cipher_cost.c \
	/usr/lib/aarch64-linux-gnu/libmbedcrypto.a

count() { # ALG KIB -> guest instructions executed
	qemu-aarch64 -d in_asm,exec,nochain -D "$out/qemu.log" \
		"$out/cipher_cost" "$1" "$2" >/dev/null
	python3 - "$out/qemu.log" <<'PY'
import re, sys
size, total, pc, n = {}, 0, None, 0
with open(sys.argv[1]) as f:
    for line in f:
        if line.startswith("IN:"):
            pc, n = None, 0
        elif re.match(r"0x[0-9a-f]+:\s", line):
            if pc is None:
                pc = int(line.split(":")[0], 16)
            n += 1
        elif line.startswith("Trace "):
            if pc is not None:
                size[pc] = n
                pc = None
            m = re.search(r"\[[0-9a-f]+/([0-9a-f]+)/", line)
            total += size[int(m.group(1), 16)]
print(total)
PY
	rm -f "$out/qemu.log"
}

for alg in aes chacha; do
	a=$(count "$alg" "$kib")
	b=$(count "$alg" $((2 * kib)))
	echo "$alg: $(((b - a) / kib)) instructions/KiB (aarch64, mbedTLS 2.28, qemu-user count)"
done

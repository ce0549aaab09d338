#!/usr/bin/env bash
# vm-fetch.sh CACHE - put Debian's arm64 kernel and static BusyBox for the
# virtual board into CACHE (once: a second run finds them and is offline).
#   CACHE/kernel/  linux-image-6.1.0-<abi>-arm64 unpacked (vmlinuz, dtbs,
#                  modules)
#   CACHE/busybox  busybox-static:arm64's binary
set -euo pipefail
CACHE=$1
mkdir -p "$CACHE"
if [ -f "$CACHE/kernel/.done" ] && [ -f "$CACHE/busybox" ]; then
	exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	"${SUDO[@]}" dpkg --add-architecture arm64
	"${SUDO[@]}" apt-get update -q || echo "vm-fetch.sh: apt-get update had errors; trying anyway"
fi
# linux-image-arm64 names the current ABI's package
kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/.*Depends: \(linux-image-6[^:]*-arm64\).*/\1/p' | head -1)
if [ -z "$kpkg" ]; then
	"${SUDO[@]}" apt-get update -q || true
	kpkg=$(apt-cache depends linux-image-arm64:arm64 |
		sed -n 's/.*Depends: \(linux-image-6[^:]*-arm64\).*/\1/p' | head -1)
fi
[ -n "$kpkg" ] || { echo "vm-fetch.sh: no linux-image-arm64 in apt's lists" >&2; exit 1; }
echo "vm-fetch.sh: downloading $kpkg:arm64 and busybox-static:arm64 into $CACHE"
dl=$CACHE/deb
rm -rf "$dl" "$CACHE/kernel" "$CACHE/bb"
mkdir -p "$dl"
# apt-get download writes into the current directory; _apt may not be
# able to, which only costs a warning as root
(cd "$dl" && apt-get download -q "$kpkg:arm64" busybox-static:arm64 2>&1 |
	grep -v 'unsandboxed' || true)
ls "$dl"/linux-image-*.deb "$dl"/busybox-static_*.deb >/dev/null
dpkg-deb -x "$dl"/linux-image-*.deb "$CACHE/kernel"
dpkg-deb -x "$dl"/busybox-static_*.deb "$CACHE/bb"
cp "$CACHE/bb/bin/busybox" "$CACHE/busybox"
rm -rf "$CACHE/bb" "$dl"
touch "$CACHE/kernel/.done"

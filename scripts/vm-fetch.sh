#!/usr/bin/env bash
# vm-fetch.sh CACHE ARCH - put Debian's kernel and static BusyBox for the
# virtual boards into CACHE/ARCH (once: a second run finds them and is
# offline). ARCH arm64: linux-image-arm64's kernel (Pi 3 and virt); armel:
# linux-image-rpi's (Pi Zero / Pi 1, ARMv6).
#   CACHE/ARCH/kernel/  the kernel package unpacked (vmlinuz, dtbs, modules)
#   CACHE/ARCH/busybox  busybox-static's binary
set -euo pipefail
ARCH=$2
C=$1/$ARCH
mkdir -p "$C"
if [ -f "$C/kernel/.done" ] && [ -f "$C/busybox" ]; then
	exit 0
fi
case $ARCH in
arm64) meta=linux-image-arm64 ;;
armel) meta=linux-image-rpi ;;
*) echo "vm-fetch.sh: ARCH is arm64 or armel" >&2; exit 2 ;;
esac
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
	"${SUDO[@]}" dpkg --add-architecture "$ARCH"
	"${SUDO[@]}" apt-get update -q || echo "vm-fetch.sh: apt-get update had errors; trying anyway"
fi
# the meta package names the current ABI's kernel package
kpkg() {
	apt-cache depends "$meta:$ARCH" 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-6[^:]*\).*/\1/p' | head -1
}
k=$(kpkg)
if [ -z "$k" ]; then
	"${SUDO[@]}" apt-get update -q || true
	k=$(kpkg)
fi
[ -n "$k" ] || { echo "vm-fetch.sh: no $meta:$ARCH in apt's lists" >&2; exit 1; }
echo "vm-fetch.sh: downloading $k:$ARCH and busybox-static:$ARCH into $C"
dl=$C/deb
rm -rf "$dl" "$C/kernel" "$C/bb"
mkdir -p "$dl"
# apt-get download writes into the current directory; _apt may not be
# able to, which only costs a warning as root
(cd "$dl" && apt-get download -q "$k:$ARCH" "busybox-static:$ARCH" 2>&1 |
	grep -v 'unsandboxed' || true)
ls "$dl"/linux-image-*.deb "$dl"/busybox-static_*.deb >/dev/null
dpkg-deb -x "$dl"/linux-image-*.deb "$C/kernel"
dpkg-deb -x "$dl"/busybox-static_*.deb "$C/bb"
cp "$C/bb/bin/busybox" "$C/busybox"
rm -rf "$C/bb" "$dl"
touch "$C/kernel/.done"

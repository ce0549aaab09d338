#!/usr/bin/env bash
# deps.sh GROUP... - install the Debian packages a make target needs.
# Uses apt-get (sudo when not root); does nothing when all are installed.
# Groups: build test fuzz bench cross-aarch64 cross-armhf cross-armel compat
# musl firmware audit vm.
set -euo pipefail

declare -A GROUPS_PKGS=(
	[build]="gcc make pkg-config libc6-dev libmbedtls-dev libgpiod-dev"
	[test]="libcmocka-dev libjsmn-dev curl openssl python3 procps iproute2 clang libclang-rt-14-dev xz-utils bc cpio rsync file unzip testssl.sh wrk valgrind busybox util-linux"
	[fuzz]="clang libclang-rt-14-dev"
	[bench]="wrk python3 linux-perf"
	[cross-aarch64]="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libmbedtls-dev:arm64 libgpiod-dev:arm64 libcmocka-dev:arm64"
	[cross-armhf]="gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user libmbedtls-dev:armhf libgpiod-dev:armhf libcmocka-dev:armhf"
	[cross-armel]="gcc-arm-linux-gnueabi libc6-dev-armel-cross qemu-user libmbedtls-dev:armel libgpiod-dev:armel libcmocka-dev:armel"
	[compat]="autoconf automake libtool autoconf-archive pkg-config xz-utils"
	[musl]="musl-tools"
	[firmware]="python3-kconfiglib xz-utils rsync bc cpio unzip file"
	[audit]="testssl.sh wrk"
	[vm]="qemu-system-arm qemu-user python3 python3-pexpect e2fsprogs"
)

want=()
for g in "$@"; do
	[ -n "$g" ] || continue
	if [ -z "${GROUPS_PKGS[$g]+x}" ]; then
		echo "deps.sh: unknown group '$g'" >&2
		exit 2
	fi
	for p in ${GROUPS_PKGS[$g]}; do
		want+=("$p")
	done
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian system; install by hand: ${want[*]}" >&2
	exit 0
fi

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "deps.sh: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
else
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# multiarch -dev packages (pkg:arch) need their architecture enabled first
need_update=
for p in "${missing[@]}"; do
	case "$p" in *:*)
		a=${p#*:}
		if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
			"${SUDO[@]}" dpkg --add-architecture "$a"
			need_update=1
		fi
		;;
	esac
done
if [ -n "$need_update" ]; then
	# a mirror mid-sync fails one index; the others still serve
	"${SUDO[@]}" apt-get update -q || echo "deps.sh: apt-get update had errors; trying anyway"
fi
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	"${SUDO[@]}" apt-get update -q || echo "deps.sh: apt-get update had errors; trying anyway"
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

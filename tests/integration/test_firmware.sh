#!/usr/bin/env bash
# test_firmware.sh - firmware/ against the real Buildroot 2026.05.1 tree
# (the release tarball from THIRD_PARTY, configuration side only: it runs
# offline; skipped, with how to get it, when the tarball is absent), the
# package built the way Buildroot calls it, make install, and every
# board/<name>/gridalert.conf through gridalertd -t.
. "$(dirname "$0")/lib.sh"

BR_DIR="$GA_ROOT/build/br/buildroot-2026.05.1"
BR_HOWTO="get https://buildroot.org/downloads/buildroot-2026.05.1.tar.xz into a directory and pass THIRD_PARTY=<dir>, see README.md"
br=0
if [ -d "$BR_DIR" ] ||
	ga_tarball BR_TAR "Buildroot 2026.05.1 defconfigs with BR2_EXTERNAL=firmware" \
		'buildroot-2026.05.1.tar.*' "$BR_HOWTO"; then
	br=1
fi
if [ $br = 1 ] && [ ! -d "$BR_DIR" ]; then
	mkdir -p "$GA_ROOT/build/br" && tar -C "$GA_ROOT/build/br" -xf "$BR_TAR" ||
		{ not_ok "unpack $BR_TAR"; ga_done; }
fi
if [ $br = 1 ]; then
	declare -A BOARD=([rpi0w]=rpi-zero-w [rpi3_64]=rpi3 [rpi4_64]=rpi4 [rpi5]=rpi5 [zero2w]=zero2w)
	for d in rpi0w rpi3_64 rpi4_64 rpi5 zero2w; do
		out="$GA_ROOT/build/br/out-$d"
		if ! make -s -C "$BR_DIR" O="$out" BR2_EXTERNAL="$GA_ROOT/firmware" \
			"gridalert_${d}_defconfig" >"$GA_TMP/br-$d.log" 2>&1; then
			not_ok "gridalert_${d}_defconfig" "$(tail -5 "$GA_TMP/br-$d.log")"
			continue
		fi
		cfg=$(cat "$out/.config")
		# a symbol whose "depends on" is unmet is dropped without a word
		check_match "$d: the gridalert package survives the defconfig" \
			'(^|'$'\n'')BR2_PACKAGE_GRIDALERT=y' "$cfg"
		check_match "$d: with mbedTLS" '(^|'$'\n'')BR2_PACKAGE_MBEDTLS=y' "$cfg"
		# the daemon tokenizes JSON itself (src/json.c); jsmn is only the
		# host test's reference and must not be built for the board
		if [[ "$cfg" =~ (^|$'\n')BR2_PACKAGE_JSMN=y ]]; then
			not_ok "$d: no jsmn on the target" "BR2_PACKAGE_JSMN=y in $out/.config"
		else
			ok "$d: no jsmn on the target"
		fi
		check_match "$d: with a libgpiod" 'BR2_PACKAGE_LIBGPIOD2?=y' "$cfg"
		check_match "$d: installs board/${BOARD[$d]}" \
			"BR2_PACKAGE_GRIDALERT_BOARD=\"${BOARD[$d]}\"" "$cfg"
		check_match "$d: our post-build script (i2c, watchdog, data partition)" \
			'BR2_ROOTFS_POST_BUILD_SCRIPT=".*GRIDALERT_PATH\)/board/post-build.sh"' "$cfg"
	done
	deps=$(make -s -C "$BR_DIR" O="$GA_ROOT/build/br/out-rpi4_64" gridalert-show-depends 2>&1)
	check_match "gridalert-show-depends lists its libraries" 'libgpiod.*mbedtls' "$deps"
	if [[ "$deps" == *jsmn* ]]; then
		not_ok "gridalert-show-depends: no jsmn" "$deps"
	else
		ok "gridalert-show-depends: no jsmn"
	fi
	vars=$(make -s -C "$BR_DIR" O="$GA_ROOT/build/br/out-rpi4_64" printvars \
		VARS="GRIDALERT_SITE_METHOD GRIDALERT_BOARD" 2>&1)
	check_match "the package is built from this tree" 'GRIDALERT_SITE_METHOD=local' "$vars"
fi

# --- the Buildroot way: CC/CFLAGS/LDFLAGS/PKG_CONFIG on the command line ---
o="$GA_TMP/brbuild"
log=$(make -C "$GA_ROOT" V=1 O="$o" CC=gcc CFLAGS="-O2 -g0" LDFLAGS="" \
	PKG_CONFIG=pkg-config all 2>&1)
check "package build with Buildroot's command-line variables" 0 "$?"
check_match "our warning flags survive a command-line CFLAGS" \
	'-Wall -Wextra.*-Werror.*-O2 -g0' "$log"
make -s -C "$GA_ROOT" O="$o" CC=gcc CFLAGS="-O2 -g0" DESTDIR="$GA_TMP/root" \
	PREFIX=/usr install >/dev/null 2>&1
for f in usr/sbin/gridalertd usr/bin/gridalertctl usr/share/man/man8/gridalertd.8 \
	usr/share/man/man1/gridalertctl.1 usr/share/man/man5/gridalert.conf.5 \
	etc/init.d/S90gridalert usr/lib/systemd/system/gridalert.service \
	usr/share/gridalert/gridalert.conf.sample usr/libexec/gridalert/notify; do
	[ -f "$GA_TMP/root/$f" ] && ok "make install: $f" || not_ok "make install: $f"
done

for b in sim rpi-zero-w rpi3 rpi4 rpi5 zero2w; do
	"$GA_D" -t -c "$GA_ROOT/board/$b/gridalert.conf" >"$GA_TMP/t-$b" 2>&1
	check "gridalertd -t board/$b/gridalert.conf" 0 "$?"
done
ga_done

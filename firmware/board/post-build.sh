#!/bin/sh
# post-build.sh TARGET_DIR - what every gridalert board image needs beyond
# Buildroot's Raspberry Pi defaults (board/raspberrypi/ in Buildroot): the I2C bus for the LCD backpack, the hardware watchdog, a serial
# console, and the journal on its own partition (mounted if present; the
# rootfs may be read-only).
set -e
TARGET_DIR=$1
CONFIG_TXT="${BINARIES_DIR}/rpi-firmware/config.txt"
if [ -f "$CONFIG_TXT" ]; then
	for line in "dtparam=i2c_arm=on" "dtparam=watchdog=on" "enable_uart=1"; do
		grep -qx "$line" "$CONFIG_TXT" || echo "$line" >>"$CONFIG_TXT"
	done
fi
grep -q "^i2c-dev" "$TARGET_DIR/etc/modules" 2>/dev/null ||
	echo "i2c-dev" >>"$TARGET_DIR/etc/modules"
mkdir -p "$TARGET_DIR/var/lib/gridalert"
grep -q "/var/lib/gridalert" "$TARGET_DIR/etc/fstab" ||
	echo "/dev/mmcblk0p3	/var/lib/gridalert	ext4	defaults,noatime,nofail	0	2" \
		>>"$TARGET_DIR/etc/fstab"

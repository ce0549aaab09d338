#!/usr/bin/env bash
# vm-pack.sh BOARD BINDIR CACHE OUT - the virtual board's initramfs, packed
# from the firmware's own pieces: BusyBox init (busybox-static:arm64), the
# firmware's init script and post-build.sh, board/rpi3/gridalert.conf, the
# aarch64 gridalertd/gridalertctl from BINDIR and the arm64 runtime
# libraries they need (Debian's multiarch packages from make deps
# TARGET=aarch64), plus the kernel modules the board needs.
#   BOARD rpi3: QEMU -M raspi3b, console on the mini UART (ttyS1), the
#               config unchanged.
#   BOARD virt: QEMU -M virt, console on the PL011 (ttyAMA0); the changes a
#               VM must make are listed in vm_conf below.
#   BOARD rpi0: QEMU -M raspi0 (ARM1176) with Debian's armel "rpi" kernel
#               and the armel build, board/rpi-zero-w/gridalert.conf
#               unchanged; console on the mini UART.
set -euo pipefail
BOARD=$1 BINDIR=$2 CACHE=$3 OUT=$4
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BOARD in
rpi0) ARCH=armel TRIPLET=arm-linux-gnueabi LDSO=ld-linux.so.3 CONF=rpi-zero-w ;;
*) ARCH=arm64 TRIPLET=aarch64-linux-gnu LDSO=ld-linux-aarch64.so.1 CONF=rpi3 ;;
esac
KDIR=$CACHE/$ARCH/kernel
KVER=$(ls "$KDIR/lib/modules")
S=$OUT.d
rm -rf "$S"
mkdir -p "$S"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,lib,proc,sys,dev,tmp,run,root,var,mnt}
mkdir -p "$S"/etc/network/if-{pre-up,up,down,post-down}.d
ln -s ../run "$S/var/run"
mkdir -p "$S/var/log" "$S/var/lib"

case $BOARD in
rpi3) TTY=ttyS1 MODULES="bcm2835 ext4 crc32c_generic softdog i2c-dev" NOLOAD=bcm2835_wdt ;;
rpi0) TTY=ttyS1 MODULES="ext4 crc32c_generic softdog i2c-dev" NOLOAD= ;;
virt) TTY=ttyAMA0 MODULES="virtio_pci virtio_blk virtio_net ext4 crc32c_generic softdog" NOLOAD= ;;
*) echo "vm-pack.sh: BOARD is rpi3, virt or rpi0" >&2; exit 2 ;;
esac

# --- BusyBox: init is /init (the kernel runs it from the initramfs) ---------
install -m 0755 "$CACHE/$ARCH/busybox" "$S/bin/busybox"
for a in sh mount mkdir ln hostname; do ln -s busybox "$S/bin/$a"; done
ln -s ../bin/busybox "$S/sbin/init"
ln -s bin/busybox "$S/init"

# --- the daemon, its libraries ----------------------------------------------
install -m 0755 "$BINDIR/gridalertd" "$S/usr/sbin/gridalertd"
install -m 0755 "$BINDIR/gridalertctl" "$S/usr/bin/gridalertctl"
$TRIPLET-strip "$S/usr/sbin/gridalertd" "$S/usr/bin/gridalertctl"
LIBDIRS="/lib/$TRIPLET /usr/lib/$TRIPLET /usr/$TRIPLET/lib"
needed() { $TRIPLET-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
declare -A seen=()
copy_lib() {
	local n=$1 d
	[ -n "${seen[$n]+x}" ] && return 0
	seen[$n]=1
	for d in $LIBDIRS; do
		if [ -e "$d/$n" ]; then
			mkdir -p "$S/lib/$TRIPLET"
			cp -L "$d/$n" "$S/lib/$TRIPLET/$n"
			local m
			for m in $(needed "$d/$n"); do copy_lib "$m"; done
			return 0
		fi
	done
	echo "vm-pack.sh: $n ($TRIPLET) not found in $LIBDIRS: make vm-deps" >&2
	exit 1
}
for m in $(needed "$S/usr/sbin/gridalertd") $(needed "$S/usr/bin/gridalertctl"); do
	copy_lib "$m"
done
cp -L "/usr/$TRIPLET/lib/$LDSO" "$S/lib/$LDSO" 2>/dev/null ||
	cp -L "/lib/$LDSO" "$S/lib/$LDSO"

# --- kernel modules and what they depend on (their .modinfo "depends=") -----
mods=$(python3 - "$KDIR/lib/modules/$KVER" $MODULES $NOLOAD <<'PY'
import os, re, sys
top = sys.argv[1]
paths = {}
for d, _, fs in os.walk(top):
    for f in fs:
        if f.endswith(".ko"):
            paths[f[:-3].replace("-", "_")] = os.path.join(d, f)
order = []
def add(name):
    name = name.replace("-", "_")
    if name in order:
        return
    data = open(paths[name], "rb").read()
    m = re.search(rb"depends=([^\0]*)\0", data)
    for dep in (m.group(1).decode().split(",") if m and m.group(1) else []):
        add(dep)
    order.append(name)
for n in sys.argv[2:]:
    add(n)
print(" ".join(os.path.relpath(paths[n], top) for n in order))
PY
)
: >"$S/etc/modules-load.vm"
for m in $mods; do
	install -D -m 0644 "$KDIR/lib/modules/$KVER/$m" "$S/lib/modules/$KVER/$m"
	case " $NOLOAD " in *" $(basename "$m" .ko) "*) continue ;; esac
	echo "/lib/modules/$KVER/$m" >>"$S/etc/modules-load.vm"
done
# softdog stands in for the board's watchdog with a 10 s timeout (the
# daemon keeps the timeout it finds and pets at a third of it)
sed -i 's|/softdog.ko$|/softdog.ko soft_margin=10|' "$S/etc/modules-load.vm"

# --- the firmware's pieces --------------------------------------------------
install -D -m 0755 "$ROOT/firmware/package/gridalert/S90gridalert" "$S/etc/init.d/S90gridalert"
install -D -m 0640 "$ROOT/board/$CONF/gridalert.conf" "$S/etc/gridalert/gridalert.conf"

# Buildroot's skeleton: the fstab and inittab the post-build script extends
cat >"$S/etc/fstab" <<'EOF'
# <file system>	<mount pt>	<type>	<options>	<dump>	<pass>
proc		/proc		proc	defaults	0	0
devpts		/dev/pts	devpts	defaults,gid=5,mode=620,ptmxmode=0666	0	0
tmpfs		/dev/shm	tmpfs	mode=0777	0	0
tmpfs		/tmp		tmpfs	mode=1777	0	0
tmpfs		/run		tmpfs	mode=0755,nosuid,nodev	0	0
sysfs		/sys		sysfs	defaults	0	0
debugfs		/sys/kernel/debug	debugfs	defaults	0	0
EOF
echo "root::0:0:root:/root:/bin/sh" >"$S/etc/passwd"
echo "root::19000:0:99999:7:::" >"$S/etc/shadow"
echo "root:x:0:" >"$S/etc/group"
echo "gridalert-$BOARD" >"$S/etc/hostname"
echo "/bin/sh" >"$S/etc/shells"
cat >"$S/etc/profile" <<'EOF'
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export PS1='\h# '
EOF
cat >"$S/etc/inittab" <<EOF
# BusyBox init, as Buildroot's skeleton; the first two lines and the
# modules are what an initramfs needs (no /dev, no applet links yet)
::sysinit:/bin/busybox mount -t proc proc /proc
::sysinit:/bin/busybox --install -s
::sysinit:/bin/mount -t devtmpfs devtmpfs /dev
::sysinit:/bin/mkdir -p /dev/pts /dev/shm
::sysinit:/etc/init.d/vm-modules
::sysinit:/bin/mount -a
::sysinit:/bin/mkdir -p /run/lock/subsys
::sysinit:/bin/hostname -F /etc/hostname
::sysinit:/etc/init.d/rcS
$TTY::respawn:/sbin/getty -L $TTY 115200 vt100
::shutdown:/etc/init.d/rcK
::shutdown:/bin/umount -a -r
EOF
cat >"$S/etc/init.d/vm-modules" <<'EOF'
#!/bin/sh
# the modules this board needs (the firmware builds its kernel with them)
while read -r m args; do insmod "$m" $args 2>/dev/null; done </etc/modules-load.vm
EOF
cat >"$S/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Buildroot's rcS: start every S??* script in order
for i in /etc/init.d/S??*; do
	[ -x "$i" ] && "$i" start
done
EOF
cat >"$S/etc/init.d/rcK" <<'EOF'
#!/bin/sh
# Buildroot's rcK: stop every S??* script in reverse order
for i in $(ls -r /etc/init.d/S??*); do
	[ -x "$i" ] && "$i" stop
done
EOF
# BusyBox's syslogd with its in-memory log (logread); Buildroot's S01syslogd
cat >"$S/etc/init.d/S01syslogd" <<'EOF'
#!/bin/sh
case "$1" in
start) printf "Starting syslogd: "
	start-stop-daemon -S -q -b -m -p /run/syslogd.pid -x /sbin/syslogd -- -n -C256 &&
		echo OK || echo FAIL ;;
stop) printf "Stopping syslogd: "
	start-stop-daemon -K -q -p /run/syslogd.pid && echo OK || echo FAIL ;;
esac
EOF
cat >"$S/etc/init.d/S40network" <<'EOF'
#!/bin/sh
# Buildroot's S40network: ifup -a
case "$1" in
start) printf "Starting network: "; mkdir -p /run/network; ifup -a && echo OK || echo FAIL ;;
stop) printf "Stopping network: "; ifdown -a && echo OK || echo FAIL ;;
esac
EOF
cat >"$S/etc/network/interfaces" <<'EOF'
auto lo
iface lo inet loopback
EOF
chmod 0755 "$S"/etc/init.d/*

# the firmware's post-build script on this tree (fstab, /etc/modules)
BINARIES_DIR=$S/nonexistent sh "$ROOT/firmware/board/post-build.sh" "$S"

# --- what only a VM changes --------------------------------------------------
vm_conf() { # sed expressions on board/rpi3/gridalert.conf
	sed -i "$@" "$S/etc/gridalert/gridalert.conf"
}
if [ "$BOARD" = virt ]; then
	# QEMU's virt has no SD card: the data partition is the virtio disk's
	sed -i 's|^/dev/mmcblk0p3|/dev/vda3|' "$S/etc/fstab"
	cat >>"$S/etc/network/interfaces" <<'EOF'
auto eth0
iface eth0 inet static
	address 10.0.2.15
	netmask 255.255.255.0
EOF
	# The PL061 (8 lines) stands in for the header: line 3 is the one
	# QEMU's system_powerdown pulses (active high), the button.
	vm_conf -e 's/^chip = .*/chip = 9030000.pl061/' \
		-e 's/^sms_led = .*/sms_led = 0/' -e 's/^fail_led = .*/fail_led = 1/' \
		-e 's/^chat_led = .*/chat_led = 2/' -e 's/^buzzer = .*/buzzer = 4/' \
		-e 's/^ack_button = .*/ack_button = 3/'
	printf '\n[system]\n# softdog: see the README, "A virtual board"\nwatchdog = /dev/watchdog0\n' \
		>>"$S/etc/gridalert/gridalert.conf"
fi

python3 "$ROOT/tests/vm/cpio.py" "$S" "$OUT"

#!/usr/bin/env bash
# test_initscript.sh - the firmware's real init script (S90gridalert) with
# the real BusyBox (Debian's busybox: start-stop-daemon, syslogd, logread)
# in a chroot inside new mount, IPC and PID namespaces (unshare), the way
# the board runs it: start-stop-daemon -b sends the daemon's stderr to
# /dev/null, so its log must reach syslog. Checks the ready line in
# logread, the pid file, reload (SIGHUP) and stop (waits, exit 0, pid file
# gone). Needs root (chroot, unshare); skipped otherwise.
. "$(dirname "$0")/lib.sh"

if [ "${GA_LIBC:-}" = musl ]; then
	# the chroot gets the daemon's libraries from glibc's ldd; the script
	# itself is the same whatever the C library
	ok "# SKIP on LIBC=musl (the chroot is assembled with glibc's ldd; make test runs it)"
	ga_done
fi
BB=$(command -v busybox || true)
if [ "$(id -u)" -ne 0 ] || [ -z "$BB" ] || ! command -v unshare >/dev/null; then
	ok "# SKIP needs root, busybox and unshare (scripts/deps.sh test)"
	ga_done
fi

R="$GA_TMP/root"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/gridalert,run,var/lib,tmp,dev,proc}
cp "$BB" "$R/bin/busybox"
for a in sh cat sleep kill mkdir rm echo printf start-stop-daemon syslogd logread \
	pidof grep sed; do
	ln -s busybox "$R/bin/$a"
done
cp "$GA_D" "$R/usr/sbin/gridalertd"
cp "$GA_ROOT/firmware/package/gridalert/S90gridalert" "$R/etc/init.d/"
# the shared libraries of busybox and the daemon, at their own paths
for lib in $( (ldd "$GA_D"; ldd "$BB") 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$R$(dirname "$lib")"
	cp -L "$lib" "$R$lib"
done
for n in null zero urandom random; do
	touch "$R/dev/$n"
done

PORT=$(ga_free_port)
cat >"$R/etc/gridalert/gridalert.conf" <<CONF
[server]
listen = 127.0.0.1:$PORT
cert = /etc/gridalert/server.crt
key = /etc/gridalert/server.key
auto_cert = yes
[webhook]
path = /api/events
secret = $GA_SECRET
[journal]
path = /var/lib/gridalert/journal
[lcd]
driver = sim
[gpio]
driver = sim
[control]
socket = /run/gridalert/ctl.sock
CONF

# The board's boot in miniature: syslogd with its in-memory log (-C, what
# logread reads), then the init script; every step prints a marker line.
cat >"$R/boot.sh" <<'SH'
syslogd -C64
i=0; while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
echo "== start"; /etc/init.d/S90gridalert start; echo "rc=$?"
i=0; while ! logread | grep -q 'gridalertd.*ready:' && [ $i -lt 150 ]; do sleep 0.2; i=$((i+1)); done
echo "== logread after start"; logread
echo "== pidfile $(cat /run/gridalertd.pid 2>/dev/null) pidof $(pidof gridalertd)"
echo "== reload"; /etc/init.d/S90gridalert reload; echo "rc=$?"
i=0; while ! logread | grep -q 'gridalertd.*reloaded' && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
echo "== stop"; /etc/init.d/S90gridalert stop; echo "rc=$?"
echo "== after stop pidof [$(pidof gridalertd)] pidfile [$(cat /run/gridalertd.pid 2>/dev/null)]"
echo "== stop again"; /etc/init.d/S90gridalert stop; echo "rc=$?"
sleep 0.3
echo "== logread at the end"; logread
SH

OUT="$GA_TMP/boot.out"
timeout 60 unshare --mount --ipc --pid --fork sh -c "
	mount -t proc proc '$R/proc'
	for n in null zero urandom random; do mount --bind /dev/\$n '$R/dev/'\$n; done
	exec chroot '$R' /bin/sh /boot.sh" >"$OUT" 2>&1
rc=$?
check "the boot sequence finished within 60 s" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$OUT"

section() { sed -n "/^== $1/,/^== /p" "$OUT"; }
check_match "S90gridalert start: OK, exit 0" $'Starting gridalertd: OK\nrc=0' "$(section start)"
check_match "the daemon's ready line reaches syslog (logread)" \
	"gridalertd\[[0-9]+\]: ready: https on 127\.0\.0\.1:$PORT" "$(section 'logread after start')"
pids=$(sed -n 's/^== pidfile \([0-9]*\) pidof \([0-9 ]*\)$/\1=\2/p' "$OUT")
if [[ "$pids" =~ ^([0-9]+)=([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
	ok "the pid file holds the daemon's pid (${BASH_REMATCH[1]})"
else
	not_ok "the pid file holds the daemon's pid" "$(grep '^== pidfile' "$OUT")"
fi
check_match "reload: SIGHUP, the daemon re-reads its config" \
	"gridalertd\[[0-9]+\]: reloaded /etc/gridalert/gridalert.conf" "$(section 'logread at the end')"
check_match "stop: waits for the daemon, OK, exit 0" $'Stopping gridalertd: OK\nrc=0' "$(section 'stop')"
check "stop: no daemon left, pid file removed" "== after stop pidof [] pidfile []" \
	"$(grep '^== after stop' "$OUT")"
check_match "stop when stopped: exit 0" $'not running\nrc=0' "$(section 'stop again')"
check_match "a clean stop is logged (journal synced, loop ended)" \
	"gridalertd\[[0-9]+\]: stopped" "$(section 'logread at the end')"
if [ "$GA_FAILS" -ne 0 ]; then
	sed 's/^/#   /' "$OUT"
fi
ga_done

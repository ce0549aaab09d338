#!/usr/bin/env python3
"""vm_test.py VMDIR CACHE - make vm-test: the aarch64 build on Debian's arm64
kernel in QEMU, checked over the boards' serial consoles the way a user
would. Prints TAP lines ("ok - ...", "not ok - ...") and ends with
"N passed, N failed".

Boots (each shared by several checks, to keep the run short):
  rpi3/gpiod1  -M raspi3b, board/rpi3/gridalert.conf unchanged: boot through
               S90gridalert, log in syslog, GPIO17/GPIO27 via debugfs, the
               gridalertctl shell over the UART, reload and stop, and what
               the BCM2835 watchdog does in QEMU
  rpi3/gpiod2  the same LEDs with libgpiod 2.2.4
  rpi0/armel   -M raspi0 (ARM1176) with Debian's armel "rpi" kernel: the
               armv6 build, board/rpi-zero-w/gridalert.conf unchanged, LEDs
  virt         a fresh data disk: the ack button (system_powerdown pulses
               PL061 line 3), then VM_CUTS power cuts (SIGKILL of QEMU while
               the host posts), alternating gpiod1 and gpiod2 images on the
               same disk, then the final check of every acknowledged event,
               the button again with the other backend, and the watchdog.
"""
import hashlib
import http.client
import json
import os
import random
import re
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "support")]
import board as B  # noqa: E402
import harness as H  # noqa: E402

ROOT = H.ROOT
VMDIR, CACHE = sys.argv[1], sys.argv[2]
CUTS = int(os.environ.get("VM_CUTS", "20"))
# TCG on a shared 2-core machine: generous, but every wait is bounded
BOOT_S = int(os.environ.get("VM_BOOT_TIMEOUT", "300"))
POST_INTERVAL_S = float(os.environ.get("VM_POST_INTERVAL", "0.1"))
RUN = os.path.join(VMDIR, "run")
os.makedirs(RUN, exist_ok=True)
LOG = os.path.join(RUN, "console.log")
open(LOG, "wb").close()

passed = 0
failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok - " + name, flush=True)


def not_ok(name, detail=""):
    global failed
    failed += 1
    print("not ok - " + name, flush=True)
    for line in str(detail).splitlines()[:12]:
        print("#   " + line, flush=True)


def check(name, cond, detail=""):
    (ok if cond else lambda n: not_ok(n, detail))(name)
    return cond


def note(msg):
    print("# " + msg, flush=True)


def boot(board, image, **kw):
    argv = B.qemu_argv(board, os.path.join(VMDIR, image), CACHE, quiet=True,
                       **kw)
    t0 = time.monotonic()
    c = B.Console(argv, LOG)
    c.login(BOOT_S)
    c.boot_s = time.monotonic() - t0
    return c


def wait_log(c, pattern, timeout, what):
    """Poll logread on the board until pattern appears; returns the match."""
    deadline = time.monotonic() + timeout
    while True:
        _, out = c.sh("logread")
        m = re.search(pattern, out)
        if m:
            return m
        if time.monotonic() > deadline:
            raise B.Fail("no %s in syslog within %d s; logread ends: %s"
                         % (what, timeout, out[-600:]))
        time.sleep(1)


def gpio_lines(c):
    """debugfs: {line name, or offset on its chip when unnamed: (consumer,
    direction, level)}."""
    _, out = c.sh("cat /sys/kernel/debug/gpio")
    lines = {}
    base = 0
    for row in out.splitlines():
        m = re.search(r"GPIOs (\d+)-", row)
        if m:
            base = int(m.group(1))
        m = re.search(r"gpio-(\d+) \(([^|]*)\|([^)]*)\) (in|out) +(hi|lo)",
                      row)
        if m:
            name = m.group(2).strip() or str(int(m.group(1)) - base)
            lines[name] = (m.group(3).strip(), m.group(4), m.group(5))
    return lines, out


def wait_gpio(c, want, timeout):
    """Wait until every line in want {name: level} reads so; returns the
    last reading."""
    deadline = time.monotonic() + timeout
    while True:
        lines, out = gpio_lines(c)
        if all(lines.get(n, ("", "", ""))[2] == lv for n, lv in want.items()):
            return True, lines, out
        if time.monotonic() > deadline:
            return False, lines, out
        time.sleep(0.5)


def status(c, key):
    _, out = c.sh("gridalertctl status")
    m = re.search(r"^%s: (.*)$" % re.escape(key), out, re.M)
    return m.group(1).strip() if m else None


def wait_status(c, key, want, timeout):
    deadline = time.monotonic() + timeout
    while True:
        v = status(c, key)
        if v == want or time.monotonic() > deadline:
            return v
        time.sleep(0.5)


def leds(c, tag, sms, fail):
    """An SMS raises sms_led, a failed delivery fail_led; ack all lowers
    both. sms/fail name the lines in debugfs (GPIO17/GPIO27 on the Pi)."""
    lines, out = gpio_lines(c)
    check("%s: the kernel shows %s and %s as outputs held by gridalertd, low"
          % (tag, sms, fail),
          lines.get(sms) == ("gridalertd", "out", "lo") and
          lines.get(fail) == ("gridalertd", "out", "lo"), out)
    c.sh("gridalertctl inject sms 'VM: pump 2 pressure low'")
    c.sh("gridalertctl inject sms_failed 'VM: delivery failed'")
    good, lines, out = wait_gpio(c, {sms: "hi", fail: "hi"}, 15)
    check("%s: an SMS and a failed delivery raise %s and %s (read back from "
          "/sys/kernel/debug/gpio)" % (tag, sms, fail), good, out)
    rc, ack = c.sh("gridalertctl ack all")
    good, lines, out = wait_gpio(c, {sms: "lo", fail: "lo"}, 15)
    check("%s: ack all turns them off (%s)" % (tag, ack.replace("\n", " ")),
          rc == 0 and good, out)


# --- rpi3 -----------------------------------------------------------------

def ready_checks(c, tag):
    m = wait_log(c, r"gridalertd\[(\d+)\]: ready: (\S+) on (\S+)", 120,
                 "ready line")
    ok("%s: booted through S90gridalert to a running daemon in %.0f s; its "
       "ready line is in syslog (logread: %s)" % (tag, c.boot_s,
                                                   m.group(0)))
    _, pids = c.sh("cat /run/gridalertd.pid; pidof gridalertd")
    p = pids.split()
    check("%s: the pid file holds the daemon's pid" % tag,
          len(p) == 2 and p[0] == p[1] == m.group(1), pids)


def serial_shell(c):
    """gridalertctl with no arguments over the UART, typed key by key."""
    c.keys("gridalertctl\r")
    c.expect([rb"gridalert> "], 30, "the gridalertctl prompt")

    def line(keys, what, timeout=30):
        # the line is redrawn as keys arrive: take that echo first, then
        # what Enter (CR alone) brings up to the next prompt
        c.keys(keys)
        c.drain()
        c.keys("\r")
        _, out, _ = c.expect([rb"\n[^\n]*gridalert> "], timeout, what)
        return B.ESC_RE.sub(b"", out).decode(errors="replace")

    # Tab completes the key
    line("set lcd.co\t20", "the answer to set")
    # Left arrow, Home and End edit the line: "iff" -> "diff"
    diff = line("if\x1b[Df\x1b[Hd\x1b[F", "the diff")
    check("serial shell: Tab-completed 'set lcd.co', arrows edited 'iff' "
          "into diff: it shows lcd.cols 16 -> 20",
          re.search(r"lcd\.cols.*16", diff, re.S) is not None and
          re.search(r"lcd\.cols.*20", diff, re.S) is not None, diff)
    commit = line("commit confirm 10", "the commit")
    conf = line("confirm", "the confirm")
    check("serial shell: commit confirm 10, then confirm",
          "rolls back in 10 s unless: confirm" in commit and
          "confirmed" in conf, commit + conf)
    line("set lcd.rows 4", "the answer to set")
    # Up three times recalls "commit confirm 10" from the history
    commit2 = line("\x1b[A\x1b[A\x1b[A", "the second commit")
    rows = line("get lcd.rows", "get lcd.rows")
    check("serial shell: Up recalls commit confirm 10; it applies lcd.rows 4",
          "rolls back in 10 s" in commit2 and
          rows.strip().splitlines()[-1:] == ["4"], commit2 + rows)
    c.keys("\x04")
    c.expect([rb"\w# "], 20, "the shell after Ctrl-D")
    wait_log(c, r"commit confirm: no confirm in time; rolled back", 40,
             "rollback line")
    _, vals = c.sh("gridalertctl get lcd.rows; gridalertctl get lcd.cols;"
                   " grep -E '^(cols|rows) =' /etc/gridalert/gridalert.conf")
    check("serial shell: without confirm it rolls back by itself (rows 2, "
          "the confirmed cols 20 stay, on disk too)",
          vals.split() == ["2", "20", "cols", "=", "20", "rows", "=", "2"],
          vals)


def rpi3_session(image, tag, full, board="rpi3", conf="rpi3"):
    disk = os.path.join(RUN, board + "-data.img")
    if os.path.exists(disk):
        os.remove(disk)
    B.make_disk(disk)
    c = boot(board, image, disk=disk, no_reboot=True)
    try:
        ready_checks(c, tag)
        _, m = c.sh("grep /var/lib/gridalert /proc/mounts")
        check("%s: the journal is on the SD card's data partition (the "
              "firmware's fstab: /dev/mmcblk0p3, ext4)" % tag,
              m.startswith("/dev/mmcblk0p3 /var/lib/gridalert ext4"), m)
        if board == "rpi0":
            _, u = c.sh("uname -m; grep -m1 'model name' /proc/cpuinfo")
            check("%s: the armel build runs on an ARMv6 kernel (%s)"
                  % (tag, u.replace("\n", ", ")),
                  u.startswith("armv6l") and "ARMv6" in u, u)
        want = hashlib.sha256(open(os.path.join(
            ROOT, "board", conf, "gridalert.conf"), "rb").read()).hexdigest()
        _, got = c.sh("sha256sum /etc/gridalert/gridalert.conf")
        check("%s: board/%s/gridalert.conf unchanged on the board"
              % (tag, conf), got.split()[:1] == [want], got)
        _, gs = c.sh("gridalertctl status | grep ^gpio")
        check("%s: chip found by label pinctrl-bcm2835 (gpio.state ok)" % tag,
              "gpio.state: ok" in gs, gs)
        leds(c, tag, "GPIO17", "GPIO27")
        if not full:
            return
        serial_shell(c)
        rc, out = c.sh("/etc/init.d/S90gridalert reload")
        wait_log(c, r"gridalertd\[\d+\]: reloaded /etc/gridalert/gridalert.conf",
                 30, "reloaded line")
        ok("%s: S90gridalert reload: SIGHUP, the daemon re-reads its config "
           "(%s)" % (tag, out))
        rc, out = c.sh("/etc/init.d/S90gridalert stop", 60)
        _, left = c.sh("pidof gridalertd; test -e /run/gridalertd.pid && "
                       "echo pidfile left; echo end")
        m = re.search(r"gridalertd\[\d+\]: stopped", c.sh("logread")[1])
        check("%s: S90gridalert stop: exit 0, daemon gone, pid file removed, "
              "'stopped' logged after the journal sync" % tag,
              rc == 0 and "OK" in out and m is not None and left == "end",
              out + "\n" + left)
        bcm2835_watchdog(c)
    finally:
        c.close()


def bcm2835_watchdog(c):
    """What QEMU's raspi3b does with the BCM2835 PM watchdog: Linux arms it
    by writing the timeout and a reset request; QEMU 7.2's model resets at
    that request instead of counting the timeout down."""
    c.sh("insmod /lib/modules/*/kernel/drivers/watchdog/bcm2835_wdt.ko")
    _, devs = c.sh("cat /sys/class/watchdog/*/identity")
    if "Broadcom BCM2835 Watchdog timer" not in devs:
        note("bcm2835_wdt did not bind: %s" % devs)
        ok("raspi3b: the BCM2835 watchdog is not modelled (softdog covers it "
           "on virt)")
        return
    _, ids = c.sh("for d in /sys/class/watchdog/*; do echo $d $(cat $d/identity); done")
    dev = "/dev/" + re.search(r"/(watchdog\d+) Broadcom", ids).group(1)
    t0 = time.monotonic()
    c.keys("sleep 60 > %s &\r" % dev)       # opening it arms it (15 s)
    gone = c.wait_exit(30)
    dt = time.monotonic() - t0
    note("raspi3b: opening %s (timeout 15 s) ends QEMU (-no-reboot) after "
         "%.1f s" % (dev, dt))
    ok("raspi3b: the BCM2835 watchdog %s: %s" % (
        dev, "QEMU resets at once (%.1f s) instead of after its 15 s timeout:"
        " not a model of it; softdog on virt stands in" % dt if gone and
        dt < 10 else "resets after %.1f s" % dt if gone else
        "no reset within 30 s"))


# --- virt -----------------------------------------------------------------

class Poster:
    """Clients posting SMS events to the board's forwarded port, each id
    retried until it is answered 200 (accepted or duplicate), like Event
    Grid. Records every 200."""

    def __init__(self, port, n=3):
        self.port = port
        self.stop = False
        self.lock = threading.Lock()
        self.accepted = {}      # id -> times answered accepted:1
        self.duplicate = {}     # id -> times answered duplicates:1
        self.unanswered = []    # ids in flight when the posting stopped
        self.template = H.sms_event()
        self.threads = [threading.Thread(target=self.run, args=(i,),
                                         daemon=True) for i in range(n)]
        for t in self.threads:
            t.start()

    def post(self, conn, eid):
        ev = [dict(self.template, id=eid)]
        conn.request("POST", "/api/events?code=" + SECRET, json.dumps(ev),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, r.read()

    def run(self, i):
        ctx = H.client_context()
        conn = None
        n = 0
        while not self.stop:
            eid = "cut-%d-%d" % (i, n)
            while True:          # the same id until it gets its 200
                try:
                    if conn is None:
                        conn = http.client.HTTPSConnection(
                            "127.0.0.1", self.port, context=ctx, timeout=5)
                    st, body = self.post(conn, eid)
                except Exception:
                    conn = None
                    time.sleep(0.2)
                    if self.stop and self.final_stop:
                        # never answered: it may or may not be journaled
                        with self.lock:
                            self.unanswered.append(eid)
                        return
                    continue
                if st == 200:
                    with self.lock:
                        d = self.accepted if b'"accepted":1' in body \
                            else self.duplicate
                        d[eid] = d.get(eid, 0) + 1
                    # a steady alarm feed, not a flood: 20 cuts stay well
                    # inside the journal's dedupe window (4096 ids)
                    time.sleep(POST_INTERVAL_S)
                    break
                time.sleep(0.2)  # 503 while the journal syncs: retry
            n += 1

    final_stop = False

    def finish(self, timeout=120):
        self.stop = True
        for t in self.threads:
            t.join(timeout)


SECRET = None


def healthz(port, timeout):
    """Until the board answers /healthz 200 over the forwarded port."""
    ctx = H.client_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                               timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def button(c, tag, mon):
    """system_powerdown pulses PL061 line 3 (QEMU's gpio-key, 100 ms high):
    the ack button. One press is one ack."""
    p0 = int(status(c, "gpio.presses") or -1)
    c.sh("gridalertctl inject sms 'VM: button test 1'; "
         "gridalertctl inject sms 'VM: button test 2'")
    u = wait_status(c, "unacked", "2", 10)
    good, lines, out = wait_gpio(c, {"0": "hi"}, 10)
    check("%s: two SMS: unacked 2, sms_led (PL061 line 0) on" % tag,
          u == "2" and good, "unacked %s\n%s" % (u, out))
    B.monitor_cmd(mon, "system_powerdown")
    u = wait_status(c, "unacked", "0", 15)
    good, lines, out = wait_gpio(c, {"0": "lo"}, 10)
    time.sleep(1)               # any bounce would have been counted by now
    p1 = int(status(c, "gpio.presses") or -1)
    check("%s: system_powerdown presses the ack button (PL061 line 3): "
          "unacked drops to 0, the LED goes off" % tag,
          u == "0" and good, "unacked %s\n%s" % (u, out))
    check("%s: one press is one ack (gpio.presses %d -> %d)" % (tag, p0, p1),
          p1 == p0 + 1, "presses %d -> %d" % (p0, p1))


def virt_session():
    global SECRET
    conf = open(os.path.join(ROOT, "board/rpi3/gridalert.conf")).read()
    SECRET = re.search(r"^secret = (.*)$", conf, re.M).group(1).strip()
    disk = os.path.join(RUN, "virt-data.img")
    if os.path.exists(disk):
        os.remove(disk)
    B.make_disk(disk)
    mon = os.path.join(RUN, "virt.mon")
    port = H.free_port()
    images = ["virt-gpiod2.cpio.gz", "virt-gpiod1.cpio.gz"]

    def vboot(k):
        if os.path.exists(mon):
            os.remove(mon)
        return boot("virt", images[k % 2], disk=disk, port=port, monitor=mon,
                    no_reboot=True)

    # first boot: a fresh data partition, the button with libgpiod 2.2.4
    c = vboot(0)
    try:
        ready_checks(c, "virt/gpiod2")
        _, m = c.sh("grep /var/lib/gridalert /proc/mounts")
        check("virt: the journal is on the data partition (/dev/vda3, ext4, "
              "from the firmware's fstab)", m.startswith("/dev/vda3 "
                                                         "/var/lib/gridalert ext4"), m)
        button(c, "virt/gpiod2", mon)
        base = int(status(c, "journal.records"))
    except B.Fail:
        c.close()
        raise

    # --- power cuts ---------------------------------------------------------
    poster = Poster(port)
    replay = []
    boots = []
    cuts = 0
    try:
        for k in range(CUTS):
            if k:
                c = vboot(k)
            t0 = time.monotonic()
            if not healthz(port, 120):
                raise B.Fail("boot %d: no /healthz 200 within 120 s" % k)
            boots.append(time.monotonic() - t0 + c.boot_s)
            if k:
                m = wait_log(c, r"replayed (\d+) records, (\d+) bytes in (\d+) ms",
                             30, "journal replay line")
                replay.append((int(m.group(1)), int(m.group(3))))
            # posts go on; cut at a random moment 0.5 to 4 s from here
            time.sleep(random.uniform(0.5, 4.0))
            c.kill()
            c.close()
            cuts += 1
        c = vboot(CUTS)
        if not healthz(port, 120):
            raise B.Fail("final boot: no /healthz 200 within 120 s")
        m = wait_log(c, r"replayed (\d+) records, (\d+) bytes in (\d+) ms", 30,
                     "journal replay line")
        replay.append((int(m.group(1)), int(m.group(3))))
        poster.final_stop = True
        poster.finish()
    except B.Fail:
        poster.final_stop = True
        poster.stop = True
        c.close()
        raise
    acked = set(poster.accepted) | set(poster.duplicate)
    twice = [i for i, n in poster.accepted.items() if n > 1]
    # every event that got a 200 is known: a re-post answers duplicates
    ctx = H.client_context()
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                       timeout=30)
    lost = []
    t0 = time.monotonic()
    for eid in sorted(acked):
        st, body = poster.post(conn, eid)
        if st != 200 or b'"duplicates":1' not in body:
            lost.append((eid, st, body[:80]))
    recheck_s = time.monotonic() - t0
    # an id whose post was in flight at the end is now settled either way
    extra = 0
    for eid in poster.unanswered:
        st, body = poster.post(conn, eid)
        extra += st == 200
    recs = int(status(c, "journal.records"))
    note("power cuts: %d cuts, %d events acknowledged (200), %d lost, %d "
         "answered accepted twice; %d re-posts in %.1f s" %
         (cuts, len(acked), len(lost), len(twice), len(acked), recheck_s))
    if replay:
        note("replay after a cut: %d to %d records in %d to %d ms (median "
             "%d ms); boot to first 200: %.1f to %.1f s" % (
                 min(r[0] for r in replay), max(r[0] for r in replay),
                 min(r[1] for r in replay), max(r[1] for r in replay),
                 sorted(r[1] for r in replay)[len(replay) // 2],
                 min(boots), max(boots)))
    check("power cuts: %d cuts of QEMU (SIGKILL) while 3 clients posted; "
          "events were acknowledged" % cuts, cuts == CUTS and len(acked) > 0,
          "%d cuts, %d acked" % (cuts, len(acked)))
    check("power cuts: every event answered 200 is in the journal: its "
          "re-post answers duplicates (%d of %d)" % (len(acked) - len(lost),
                                                    len(acked)),
          not lost, "lost: %r" % lost[:10])
    check("power cuts: no event was accepted twice, the journal holds each "
          "once (%d records = %d before + %d events + %d in flight at the "
          "end)" % (recs, base, len(acked), extra),
          not twice and recs == base + len(acked) + extra,
          "twice: %r; records %d, base %d, acked %d, in flight at the end %d"
          % (twice[:10], recs, base, len(acked), extra))
    _, msgs = c.sh("gridalertctl messages 32")
    rows = [l for l in msgs.splitlines() if l.strip()]
    check("power cuts: messages shows no event twice",
          len(rows) == len(set(rows)), msgs[-600:])
    try:
        c.sh("gridalertctl ack all")
        button(c, "virt/gpiod1", mon)
        watchdog(c)
    finally:
        c.close()


def watchdog(c):
    """softdog (10 s) as [system] watchdog: a clean stop disarms it; a
    frozen daemon gets the board reset."""
    rc, out = c.sh("/etc/init.d/S90gridalert stop", 60)
    check("virt: S90gridalert stop with the watchdog armed: OK, exit 0",
          rc == 0 and "OK" in out, out)
    t0 = time.monotonic()
    alive = not c.wait_exit(16)
    rc2, up = c.sh("cat /proc/uptime")
    check("virt: a clean stop disarms the watchdog: the board still runs "
          "%.0f s later (softdog timeout 10 s)" % (time.monotonic() - t0),
          alive and rc2 == 0, up)
    c.sh("/etc/init.d/S90gridalert start", 60)
    wait_log(c, r"gridalertd\[\d+\]: ready:.*\n(.*\n)*.*gridalertd\[\d+\]: ready:",
             60, "second ready line")
    time.sleep(1)
    t0 = time.monotonic()
    c.keys("kill -STOP $(pidof gridalertd)\r")
    gone = c.wait_exit(40)
    dt = time.monotonic() - t0
    note("watchdog: daemon stopped with SIGSTOP, board reset after %.1f s "
         "(softdog timeout 10 s, petted every 3.3 s)" % dt)
    check("virt: a daemon frozen with SIGSTOP gets the board reset by the "
          "watchdog within its timeout (%.1f s; QEMU -no-reboot exits)" % dt,
          gone and dt <= 10 + 5, "QEMU %s after %.1f s" % (
              "exited" if gone else "still running", dt))


def main():
    t0 = time.monotonic()
    sessions = [
        ("rpi3/gpiod1", lambda: rpi3_session("rpi3-gpiod1.cpio.gz",
                                             "rpi3/gpiod1", True)),
        ("rpi3/gpiod2", lambda: rpi3_session("rpi3-gpiod2.cpio.gz",
                                             "rpi3/gpiod2", False)),
        ("virt", virt_session),
        ("rpi0/armel", lambda: rpi3_session("rpi0-gpiod1.cpio.gz",
                                            "rpi0/armel", False, "rpi0",
                                            "rpi-zero-w")),
    ]
    only = os.environ.get("VM_ONLY", "")
    for name, fn in sessions:
        if only and only not in name:
            continue
        t = time.monotonic()
        try:
            fn()
        except B.Fail as e:
            not_ok("%s: %s" % (name, str(e).split(";")[0]), e)
        except Exception as e:          # a bug here must still fail loudly
            not_ok("%s: %s: %s" % (name, type(e).__name__, e))
        note("%s: %.0f s" % (name, time.monotonic() - t))
    note("make vm-test: %.0f s; console log %s" % (time.monotonic() - t0, LOG))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    # make vm-test's timeout ends us with SIGTERM: QEMU goes too (atexit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("vm_test.py: timed out"))
    sys.exit(main())

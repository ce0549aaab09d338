#!/usr/bin/env python3
"""board.py - the virtual board: QEMU command lines for the two boards and a
serial-console driver (pexpect) that types like a terminal.

  board.py BOARD INITRAMFS CACHE OUTDIR   interactive: what `make vm` runs

rpi3: -M raspi3b with Debian's kernel and its bcm2837-rpi-3-b.dtb (rpi0:
-M raspi0, Debian's armel "rpi" kernel and bcm2835-rpi-zero-w.dtb). The Pi 3
device tree gives the PL011 to Bluetooth; the header's console is the mini
UART, QEMU's second serial port: -serial null -serial mon:stdio,
console=ttyS1. virt: -M virt, PL011 console (ttyAMA0), the PL061 GPIO,
a virtio disk with the data partition, user networking that reaches
nothing but the host: restrict=on, and 8443 forwarded from 127.0.0.1 only.
"""
import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import time

ESC_RE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r")


def kernel_files(cache, board):
    arch, dtb = {"rpi0": ("armel", "bcm2835-rpi-zero-w.dtb")}.get(
        board, ("arm64", "broadcom/bcm2837-rpi-3-b.dtb"))
    kdir = os.path.join(cache, arch, "kernel")
    kver = os.listdir(os.path.join(kdir, "lib", "modules"))[0]
    vmlinuz = os.path.join(kdir, "boot", "vmlinuz-" + kver)
    dtb = os.path.join(kdir, "usr", "lib", "linux-image-" + kver, dtb)
    return vmlinuz, dtb


def make_disk(path, mib=128):
    """A disk laid out like the firmware's SD card: p1 boot, p2 rootfs
    (both left empty here), p3 the data partition, ext4 with a journal,
    made by the host's mke2fs at the partition's offset. mib is the whole
    disk (QEMU's SD card wants a power of 2)."""
    p1, p2 = (2048, 16384), (18432, 16384)      # sectors: start, count
    p3 = (34816, mib * 2048 - 34816)
    total = mib * 1024 * 1024
    with open(path, "wb") as f:
        f.truncate(total)
        mbr = bytearray(512)
        for i, (start, count, ptype) in enumerate(
                ((p1[0], p1[1], 0x0c), (p2[0], p2[1], 0x83),
                 (p3[0], p3[1], 0x83))):
            e = 446 + 16 * i
            mbr[e + 4] = ptype
            mbr[e + 8:e + 12] = start.to_bytes(4, "little")
            mbr[e + 12:e + 16] = count.to_bytes(4, "little")
        mbr[510:512] = b"\x55\xaa"
        f.write(mbr)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "data",
                    "-E", "offset=%d" % (p3[0] * 512), path,
                    "%dk" % (p3[1] // 2)], check=True)


def qemu_argv(board, initrd, cache, disk=None, port=None, monitor=None,
              no_reboot=False, quiet=False, interactive=False):
    vmlinuz, dtb = kernel_files(cache, board)
    serial = "mon:stdio" if interactive else "stdio"
    append = "rdinit=/init"
    if quiet:
        append += " quiet"
    if board in ("rpi3", "rpi0"):
        if board == "rpi3":
            argv = ["qemu-system-aarch64", "-M", "raspi3b", "-m", "1G"]
        else:
            argv = ["qemu-system-arm", "-M", "raspi0", "-m", "512M"]
            # the power-domain driver reads the ASB registers, which
            # QEMU's BCM2835 does not map: an external abort at boot
            append += " initcall_blacklist=bcm2835_power_driver_init"
        argv += ["-dtb", dtb, "-serial", "null", "-serial", serial]
        if disk:
            # the SD card: mmcblk0, its p3 mounted by the firmware's fstab
            argv += ["-drive", "file=%s,format=raw,if=sd" % disk]
        append = "console=ttyS1,115200 " + append
    else:
        argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53",
                "-m", "256M", "-smp", "1", "-serial", serial]
        append = "console=ttyAMA0,115200 " + append
        net = "user,id=n0,restrict=on"
        if port:
            net += ",hostfwd=tcp:127.0.0.1:%d-:8443" % port
        argv += ["-netdev", net, "-device", "virtio-net-pci,netdev=n0,romfile="]
        if disk:
            argv += ["-drive", "file=%s,format=raw,if=none,id=d0,cache=writeback"
                     % disk, "-device", "virtio-blk-pci,drive=d0"]
    argv += ["-kernel", vmlinuz, "-initrd", initrd, "-append", append,
             "-display", "none", "-no-user-config"]
    if monitor:
        argv += ["-monitor", "unix:%s,server=on,wait=off" % monitor]
    elif not interactive:
        argv += ["-monitor", "none"]
    if no_reboot:
        argv += ["-no-reboot"]
    return argv


class Fail(Exception):
    pass


LIVE = set()     # every QEMU still running: ended at exit, whatever happens


def _end_all():
    for c in list(LIVE):
        c.close()


atexit.register(_end_all)


class Console:
    """A serial console typed at like a terminal: CR for Enter, answers the
    cursor-position query (ESC [ 6 n) that BusyBox's line editing sends,
    every wait bounded."""

    def __init__(self, argv, log_path):
        import pexpect
        self.pexpect = pexpect
        self.log = open(log_path, "ab")
        self.log.write(("\n=== %s\n" % " ".join(argv)).encode())
        self.t0 = time.monotonic()
        self.p = pexpect.spawn(argv[0], argv[1:], timeout=None, echo=False,
                               logfile=self.log, dimensions=(50, 200))
        self.p.delaybeforesend = None
        LIVE.add(self)

    def alive(self):
        return self.p.isalive()

    def expect(self, patterns, timeout, what):
        """Wait for one of patterns (bytes regexes); returns (index, before,
        match). Answers cursor queries meanwhile."""
        pats = [re.compile(rb"\x1b\[6n")] + [re.compile(p) for p in patterns]
        deadline = time.monotonic() + timeout
        seen = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("timed out after %d s waiting for %s; last output: %r"
                           % (timeout, what, seen[-300:]))
            try:
                i = self.p.expect(pats, timeout=left)
            except self.pexpect.EOF:
                raise Fail("QEMU exited while waiting for %s; last output: %r"
                           % (what, (seen + (self.p.before or b""))[-300:]))
            except self.pexpect.TIMEOUT:
                continue
            seen += self.p.before + self.p.after
            if i == 0:
                # the column the cursor is on: text since the last newline
                line = ESC_RE.sub(b"", seen.split(b"\n")[-1][:-4])
                self.p.send(b"\x1b[1;%dR" % (len(line) + 1))
                continue
            return i - 1, seen[:len(seen) - len(self.p.after)], self.p.match

    def drain(self, quiet_s=0.3, limit_s=5):
        """Read until the console has been quiet for quiet_s (at most
        limit_s); returns what came."""
        got = b""
        end = time.monotonic() + limit_s
        while time.monotonic() < end:
            try:
                self.p.expect([re.compile(rb"\x1b\[6n")], timeout=quiet_s)
                got += self.p.before + self.p.after
                self.p.send(b"\x1b[1;1R")
            except self.pexpect.TIMEOUT:
                got += self.p.before
                self.p.buffer = b""
                return got
        return got

    def keys(self, data, delay=0.003):
        """Send bytes one at a time, as a terminal does for typed keys."""
        if isinstance(data, str):
            data = data.encode()
        for b in data:
            self.p.send(bytes([b]))
            time.sleep(delay)

    def login(self, timeout):
        i, _, _ = self.expect([rb"login: ", rb"Kernel panic[^\n]*"], timeout,
                              "the getty's login prompt")
        if i == 1:
            raise Fail("the kernel panicked: %r" % self.p.after)
        self.keys("root\r")
        self.expect([rb"\w# "], 30, "the root shell prompt")
        # kernel messages stay in dmesg; long commands do not wrap
        self.sh("dmesg -n 1; stty cols 200 rows 50", 20)

    def sh(self, cmd, timeout=30):
        """Run one shell command; returns (status, output text)."""
        self.keys(cmd + '; echo "@@""RC=$?@@"\r', delay=0.001)
        _, before, m = self.expect([rb"@@RC=(\d+)@@"], timeout,
                                   "the command %r" % cmd)
        self.expect([rb"# "], 10, "the prompt after %r" % cmd)
        out = ESC_RE.sub(b"", before).decode(errors="replace")
        lines = out.split("\n")
        # the first line is the echo of what was typed
        return int(m.group(1)), "\n".join(lines[1:]).strip()

    def kill(self, sig=signal.SIGKILL):
        if self.p.isalive():
            os.kill(self.p.pid, sig)
        self.wait_exit(20)

    def wait_exit(self, timeout):
        """QEMU's exit within timeout s: True, else False."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.p.expect(self.pexpect.EOF, timeout=0.5)
            except self.pexpect.TIMEOUT:
                continue
            except self.pexpect.EOF:
                pass
            for _ in range(20):
                if not self.p.isalive():
                    return True
                time.sleep(0.1)
            return not self.p.isalive()
        return False

    def close(self):
        LIVE.discard(self)
        if self.p.isalive():
            try:
                os.kill(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.p.close(force=True)
        except Exception:
            pass
        self.log.flush()


def monitor_cmd(path, cmd, timeout=10):
    """One command on QEMU's monitor (a unix socket)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    buf = b""
    while b"(qemu)" not in buf:
        buf += s.recv(4096)
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while buf.count(b"(qemu)") < 1:
        buf += s.recv(4096)
    s.close()
    return buf


def main():
    board, initrd, cache, outdir = sys.argv[1:5]
    disk = None
    port = None
    disk = os.path.join(outdir, board + "-data.img")
    if not os.path.exists(disk):
        make_disk(disk)
    if board == "virt":
        port = int(os.environ.get("VM_PORT", "8443"))
    argv = qemu_argv(board, initrd, cache, disk=disk, port=port, interactive=True)
    print("make vm: %s board; log in as root (no password), run gridalertctl."
          % board)
    if port:
        print("make vm: the board's 8443 is https://127.0.0.1:%d/ on this host"
              % port)
    print("make vm: Ctrl-A x quits QEMU, Ctrl-A c its monitor.")
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()

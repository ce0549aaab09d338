"""harness.py - what the Python drivers of gridalertd share: bench/run.py,
bench/callgrind.py and tests/vm/vm_test.py. Python 3.11 standard library
only (Debian 12).

  free_port()        a TCP port on 127.0.0.1 nobody listens on now
  sms_event(eid)     the sample SMS event of board/sim/events
  client_context()   TLS client without verification (the daemon makes
                     its own self-signed certificate)
  read_response(s)   one HTTP/1.1 response from a socket
  write_conf(...)    a sim-board gridalert.conf in a work directory
  Proc               a program with its output in a log file; stop() is
                     SIGTERM, then SIGKILL after a bound
  connect(...)       the first TCP connection a starting server takes
  start(...)         a Proc up to its first connection
  start_daemon(...)  gridalertd on a sim-board config, up to its first
                     connection
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SMS_RECEIVED = os.path.join(ROOT, "board/sim/events/sms-received.json")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sms_event(eid=None):
    """The SMSReceived event of board/sim/events (a dict), with id eid
    when given."""
    with open(SMS_RECEIVED) as f:
        ev = json.load(f)[0]
    if eid is not None:
        ev["id"] = eid
    return ev


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def read_response(s, buf=b""):
    """One HTTP/1.1 response from s, buf holding what was read of it
    already; returns (status, headers with lower-case names, body, the
    bytes after it)."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise ConnectionError("closed before a full response head")
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    while len(rest) < n:
        d = s.recv(65536)
        if not d:
            raise ConnectionError("closed inside a response body")
        rest += d
    return status, hdrs, rest[:n], rest[n:]


def write_conf(d, port, secret, journal_bytes, max_connections=None):
    """d/gridalert.conf: listen on 127.0.0.1:port with a certificate the
    daemon makes in d (auto_cert), the sim LCD and GPIO drivers, the
    journal and the control socket (ctl.sock) in d. Returns its path."""
    conf = os.path.join(d, "gridalert.conf")
    server = ("max_connections = %d\n" % max_connections
              if max_connections else "")
    with open(conf, "w") as f:
        f.write("""[server]
listen = 127.0.0.1:%d
cert = server.crt
key = server.key
auto_cert = yes
%s[webhook]
secret = %s
[journal]
path = journal
max_bytes = %d
[lcd]
driver = sim
[gpio]
driver = sim
[control]
socket = ctl.sock
""" % (port, server, secret, journal_bytes))
    return conf


class Proc:
    """cmd running with stdout and stderr in the file log (discarded
    without one)."""

    def __init__(self, cmd, env=None, log=None, stop_s=15):
        self.log = open(log, "w") if log else subprocess.DEVNULL
        self.stop_s = stop_s
        self.p = subprocess.Popen(cmd, env=env, stdout=self.log,
                                  stderr=subprocess.STDOUT)

    def stop(self):
        """SIGTERM; SIGKILL when it is still there after stop_s."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(self.stop_s)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def connect(port, timeout_s, proc, err):
    """The first connection to 127.0.0.1:port that succeeds, tried until
    timeout_s; RuntimeError(err) when proc (a Proc) exits or the time is
    up."""
    end = time.monotonic() + timeout_s
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), 0.5)
        except OSError:
            if proc.p.poll() is not None or time.monotonic() > end:
                raise RuntimeError(err)
            time.sleep(0.1)


def start(cmd, port, log, what, env=None, start_s=10, stop_s=15):
    """Proc(cmd) with its output in log, up to its first connection on
    port; stopped again when it does not get there. Returns (Proc,
    socket): close the socket or use it."""
    p = Proc(cmd, env=env, log=log, stop_s=stop_s)
    try:
        return p, connect(port, start_s, p, "%s did not start; see %s"
                          % (what, log))
    except RuntimeError:
        p.stop()
        raise


def start_daemon(binary, d, secret, journal_bytes, env=None, wrapper=(),
                 start_s=10, stop_s=15, max_connections=None):
    """binary -f -c d/gridalert.conf (write_conf), under the command
    wrapper (e.g. valgrind) when given, its output in d/daemon.log, up to
    its first connection. Returns (Proc, port, socket)."""
    port = free_port()
    conf = write_conf(d, port, secret, journal_bytes, max_connections)
    p, s = start(list(wrapper) + [binary, "-f", "-c", conf], port,
                 os.path.join(d, "daemon.log"), os.path.basename(binary),
                 env=env, start_s=start_s, stop_s=stop_s)
    return p, port, s

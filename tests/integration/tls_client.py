#!/usr/bin/env python3
"""tls_client.py - real TLS clients (Python's ssl, i.e. OpenSSL) for the
reload tests of test_tls_reload.sh. Every socket has a timeout; every mode
stops by itself.

  storm PORT SECRET STOPFILE OUT.json [--new N] [--keep K]
      N threads open a new TLS connection per request (alternately
      GET /healthz and POST of one new SMS event), K threads keep one
      connection alive and post events on it, until STOPFILE exists
      (at most 300 s). Writes a JSON summary: status codes, each failure
      with its kind, the certificate fingerprints seen, the ids answered
      200 and whether every keep-alive connection stayed on the fingerprint
      it started with.
  hold PORT MODE FIFO_GO OUT.json
      One handshake held half done: MODE "split" sends the first half of
      the ClientHello, "flight" sends all of it and reads the server's whole
      first flight. Then it writes "held" to stdout, waits for a line on
      FIFO_GO (the test reloads the daemon meanwhile), completes the
      handshake and does GET /healthz. JSON: fingerprint, status.
  fingerprint PORT
      Prints the SHA-256 fingerprint of the certificate a new connection
      gets, as "SHA256 AB:CD:..." (the form of `status` tls.fingerprint).
"""
import hashlib
import json
import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "support"))
from harness import client_context, read_response  # noqa: E402

TIMEOUT_S = 10
STORM_MAX_S = 300
SMS = ('[{"id":"%s","topic":"/subscriptions/0/resourceGroups/r/providers/'
       'Microsoft.Communication/communicationServices/t","subject":"/phonenumber/1",'
       '"eventType":"Microsoft.Communication.SMSReceived",'
       '"eventTime":"2026-11-25T08:15:00Z","dataVersion":"1.0",'
       '"metadataVersion":"1","data":{"MessageId":"%s","From":"+14255550123",'
       '"To":"+14255550100","Message":"reload storm %s",'
       '"ReceivedTimestamp":"2026-11-25T08:15:00Z"}}]')


def fp_of(der):
    h = hashlib.sha256(der).hexdigest().upper()
    return "SHA256 " + ":".join(h[i:i + 2] for i in range(0, 64, 2))


def request(method, path, body=b"", close=False):
    h = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
    if body:
        h += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    if close:
        h += "Connection: close\r\n"
    return h.encode() + b"\r\n" + body


class Storm:
    def __init__(self, port, secret, stopfile):
        self.port, self.secret, self.stopfile = port, secret, stopfile
        # event ids unique across runs: the journal dedupes them
        self.name = "%s-%d" % (os.path.basename(stopfile), os.getpid())
        self.lock = threading.Lock()
        self.codes = {}
        self.failures = []
        self.fps = {}
        self.ok_ids = []
        self.keep_same_fp = True
        self.keep_requests = 0
        self.keep_reconnects = 0
        self.seq = 0
        self.deadline = time.monotonic() + STORM_MAX_S

    def stop(self):
        return os.path.exists(self.stopfile) or time.monotonic() > self.deadline

    def next_event(self, tag):
        with self.lock:
            self.seq += 1
            eid = "%s-%s-%d" % (self.name, tag, self.seq)
        return eid, (SMS % (eid, eid, eid)).encode()

    def note(self, code=None, failure=None, fp=None, eid=None):
        with self.lock:
            if code is not None:
                self.codes[code] = self.codes.get(code, 0) + 1
                if code == 200 and eid:
                    self.ok_ids.append(eid)
            if failure:
                self.failures.append(failure)
            if fp:
                self.fps[fp] = self.fps.get(fp, 0) + 1

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT_S)
        s = client_context().wrap_socket(raw)
        return s, fp_of(s.getpeercert(binary_form=True))

    def new_conn_loop(self, tid):
        i = 0
        while not self.stop():
            i += 1
            eid = None
            if i % 2:
                req = request("GET", "/healthz", close=True)
            else:
                eid, body = self.next_event("n%d" % tid)
                req = request("POST", "/api/events?code=" + self.secret, body,
                              close=True)
            try:
                s, fp = self.connect()
                with s:
                    s.sendall(req)
                    code, _, _, _ = read_response(s, b"")
                self.note(code=code, fp=fp, eid=eid)
            except (OSError, ssl.SSLError, ConnectionError, ValueError) as e:
                self.note(failure="%s: %s" % (type(e).__name__, e))

    def keep_loop(self, tid):
        s = None
        fp0 = None
        while not self.stop():
            try:
                if s is None:
                    s, fp0 = self.connect()
                    self.note(fp=fp0)
                    with self.lock:
                        self.keep_reconnects += 1
                eid, body = self.next_event("k%d" % tid)
                s.sendall(request("POST", "/api/events?code=" + self.secret, body))
                code, hdrs, _, rest = read_response(s, b"")
                if rest:
                    raise ValueError("bytes after a response")
                fp = fp_of(s.getpeercert(binary_form=True))
                with self.lock:
                    self.keep_requests += 1
                    if fp != fp0:
                        self.keep_same_fp = False
                self.note(code=code, eid=eid)
                if hdrs.get("connection", "").lower() == "close":
                    s.close()
                    s = None
            except (OSError, ssl.SSLError, ConnectionError, ValueError) as e:
                self.note(failure="keep-alive %s: %s" % (type(e).__name__, e))
                if s:
                    s.close()
                s = None
        if s:
            s.close()


def storm(argv):
    port, secret, stopfile, out = int(argv[0]), argv[1], argv[2], argv[3]
    nnew, nkeep = 3, 1
    if "--new" in argv:
        nnew = int(argv[argv.index("--new") + 1])
    if "--keep" in argv:
        nkeep = int(argv[argv.index("--keep") + 1])
    st = Storm(port, secret, stopfile)
    th = [threading.Thread(target=st.new_conn_loop, args=(i,)) for i in range(nnew)]
    th += [threading.Thread(target=st.keep_loop, args=(i,)) for i in range(nkeep)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    with open(out, "w") as f:
        json.dump({"codes": st.codes, "failures": st.failures,
                   "fingerprints": st.fps, "ok_ids": st.ok_ids,
                   "keep_same_fp": st.keep_same_fp,
                   "keep_requests": st.keep_requests,
                   "keep_connections": st.keep_reconnects}, f)


def pump(sock, outbio):
    data = outbio.read()
    if data:
        sock.sendall(data)
    return len(data)


def hold(argv):
    port, mode, fifo, out = int(argv[0]), argv[1], argv[2], argv[3]
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    inbio, outbio = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = client_context().wrap_bio(inbio, outbio)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outbio.read()
    if mode == "split":
        sock.sendall(hello[:len(hello) // 2])
        rest = hello[len(hello) // 2:]
    else:
        sock.sendall(hello)
        rest = b""
        # the server's first flight: until OpenSSL has something to say
        # back (TLS 1.2: ServerHelloDone read; 1.3: the server Finished)
        while True:
            d = sock.recv(65536)
            if not d:
                raise SystemExit("hold: server closed during its first flight")
            inbio.write(d)
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                if outbio.pending:
                    break
    print("held", flush=True)
    with open(fifo) as f:  # the test writes a line after its reload
        f.readline()
    sock.sendall(rest)
    pump(sock, outbio)
    while True:
        try:
            obj.do_handshake()
            pump(sock, outbio)
            break
        except ssl.SSLWantReadError:
            pump(sock, outbio)
            d = sock.recv(65536)
            if not d:
                raise SystemExit("hold: server closed the held handshake")
            inbio.write(d)
    fp = fp_of(obj.getpeercert(binary_form=True))
    obj.write(request("GET", "/healthz", close=True))
    pump(sock, outbio)
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            buf += obj.read(65536)
        except ssl.SSLWantReadError:
            d = sock.recv(65536)
            if not d:
                break
            inbio.write(d)
    status = int(buf.split(b" ", 2)[1]) if buf.startswith(b"HTTP/1.1 ") else 0
    with open(out, "w") as f:
        json.dump({"fingerprint": fp, "status": status,
                   "version": obj.version()}, f)


def fingerprint(argv):
    raw = socket.create_connection(("127.0.0.1", int(argv[0])), timeout=TIMEOUT_S)
    with client_context().wrap_socket(raw) as s:
        print(fp_of(s.getpeercert(binary_form=True)))


if __name__ == "__main__":
    {"storm": storm, "hold": hold, "fingerprint": fingerprint}[sys.argv[1]](sys.argv[2:])

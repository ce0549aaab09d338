#!/usr/bin/env python3
"""pipeline_client.py - HTTP/1.1 pipelining over real TLS (Python's ssl,
i.e. OpenSSL) for test_pipelining.sh: every request of a sequence is sent
before any answer is read (RFC 9112 §9.3.2), then the answers are read in
order. Every socket has a timeout.

  pipeline_client.py PORT SECRET SEQ MODE [ARG]
      SEQ:  shapes   GET, OPTIONS handshake, POST with Content-Length,
                     chunked POST, 404, 405, HEAD, GET with Connection: close
            gets N   N x GET /healthz, the last with Connection: close
      MODE: one      all requests in one write
            bytes    one byte per TLS record (TCP_NODELAY, 1 ms apart)
            split K  two writes, the first of K bytes (K = all: every K)
Prints one line per response, "STATUS|connection-header|body", then
"EOF" when the server closed after the last one, or "OPEN" when it did
not within 3 s; for "split all", one line per K: "K: STATUS STATUS ... EOF".
Exit status 0 unless a connection failed.
"""
import socket
import ssl
import sys
import time

TIMEOUT_S = 10
CLOSE_WAIT_S = 3


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def sms(eid):
    return ('[{"id":"%s","topic":"/subscriptions/0/resourceGroups/r/providers/'
            'Microsoft.Communication/communicationServices/t",'
            '"subject":"/phonenumber/1",'
            '"eventType":"Microsoft.Communication.SMSReceived",'
            '"eventTime":"2026-11-25T08:15:00Z","dataVersion":"1.0",'
            '"metadataVersion":"1","data":{"MessageId":"%s",'
            '"From":"+14255550123","To":"+14255550100",'
            '"Message":"pipelined %s",'
            '"ReceivedTimestamp":"2026-11-25T08:15:00Z"}}]'
            % (eid, eid, eid)).encode()


def sequence(kind, secret, arg, tag):
    """[(method, request bytes)]"""
    q = "/api/events?code=" + secret
    if kind == "gets":
        n = int(arg)
        out = []
        for i in range(n):
            close = "Connection: close\r\n" if i == n - 1 else ""
            out.append(("GET", ("GET /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n"
                                % close).encode()))
        return out
    b1 = sms("pipe-cl-" + tag)
    b2 = sms("pipe-ch-" + tag)
    half = len(b2) // 2
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (
        half, b2[:half], len(b2) - half, b2[half:])
    return [
        ("GET", b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("OPTIONS", ("OPTIONS %s HTTP/1.1\r\nHost: x\r\n"
                     "WebHook-Request-Origin: eventgrid.azure.net\r\n\r\n"
                     % q).encode()),
        ("POST", ("POST %s HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                  % (q, len(b1))).encode() + b1),
        ("POST", ("POST %s HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n" % q).encode() + chunked),
        ("GET", b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("GET", b"GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("HEAD", b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("GET", b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ]


def read_answers(s, methods):
    """One line per answer, then EOF or OPEN."""
    buf = b""
    lines = []
    for m in methods:
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                lines.append("EOF")
                return lines
            buf += d
        head, _, buf = buf.partition(b"\r\n\r\n")
        hl = head.decode("latin-1").split("\r\n")
        hdrs = {}
        for ln in hl[1:]:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if m == "HEAD" else int(hdrs.get("content-length", "0"))
        while len(buf) < n:
            d = s.recv(65536)
            if not d:
                lines.append("EOF")
                return lines
            buf += d
        body, buf = buf[:n], buf[n:]
        lines.append("%s|%s|%s" % (hl[0].split()[1],
                                   hdrs.get("connection", ""),
                                   body.decode("utf-8", "replace")))
    s.settimeout(CLOSE_WAIT_S)
    try:
        d = s.recv(65536)
        lines.append("EOF" if not d and not buf else
                     "EXTRA %r" % (buf + d))
    except (socket.timeout, TimeoutError):
        lines.append("OPEN")
    return lines


def run(port, seq, pieces, per_byte=False):
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s = ctx().wrap_socket(raw)
    data = b"".join(r for _, r in seq)
    if per_byte:
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.001)
    else:
        o = 0
        for p in pieces:
            s.sendall(data[o:p])
            o = p
            time.sleep(0.02)
    try:
        return read_answers(s, [m for m, _ in seq])
    finally:
        s.close()


def main():
    port, secret, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rest = sys.argv[4:]
    arg = rest.pop(0) if kind == "gets" else None
    mode = rest.pop(0)
    tag = "%d-%d" % (time.time_ns(), port)
    if mode == "split" and rest[0] == "all":
        seq = sequence(kind, secret, arg, tag)
        total = len(b"".join(r for _, r in seq))
        for k in range(1, total):
            seq = sequence(kind, secret, arg, "%s-%d" % (tag, k))
            lines = run(port, seq, [k, total])
            print("%d: %s" % (k, " ".join(ln.split("|")[0] for ln in lines)))
        return 0
    seq = sequence(kind, secret, arg, tag)
    total = len(b"".join(r for _, r in seq))
    if mode == "one":
        lines = run(port, seq, [total])
    elif mode == "bytes":
        lines = run(port, seq, None, per_byte=True)
    else:
        lines = run(port, seq, [int(rest[0]), total])
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

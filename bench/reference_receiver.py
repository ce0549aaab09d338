#!/usr/bin/env python3
"""The receiver a user would otherwise write in an afternoon (docs/architecture.md):
Python 3 http.server (threading, HTTP/1.1 keep-alive) wrapped in ssl,
parsing each body with json, appending each event to a file and fsyncing per
request, answering like gridalertd does. Used only by `make bench`.

usage: reference_receiver.py PORT CERT KEY JOURNAL_FILE SECRET [nodelay]

"nodelay" sets TCP_NODELAY on each connection (socketserver's
disable_nagle_algorithm). Without it, as most such receivers are written,
http.server sends the response head and body in two writes and Nagle's
algorithm holds the body until the client's delayed ACK (40 ms on Linux):
make bench measures both, and compares against the tuned one.
"""
import http.server
import json
import os
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def log_message(self, fmt, *args):  # quiet, like a production receiver
        pass

    def _reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._reply(200, {"status": "ok"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        if self.headers.get("X-Gridalert-Key") != SECRET:
            self._reply(401, {"error": "missing or wrong secret"})
            return
        try:
            doc = json.loads(raw)
        except ValueError:
            self._reply(400, {"error": "malformed JSON"})
            return
        events = doc if isinstance(doc, list) else [doc]
        lines = b"".join(json.dumps(e).encode() + b"\n" for e in events)
        with LOCK:
            os.write(FD, lines)
            os.fsync(FD)  # durable before 200, per request
        self._reply(200, {"accepted": len(events), "duplicates": 0, "ignored": 0})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


if __name__ == "__main__":
    port, cert, key, journal, SECRET = sys.argv[1:6]
    Handler.disable_nagle_algorithm = sys.argv[6:7] == ["nodelay"]
    FD = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    LOCK = threading.Lock()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    srv = Server(("127.0.0.1", int(port)), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("ready", flush=True)
    srv.serve_forever()

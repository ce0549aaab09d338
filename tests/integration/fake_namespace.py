#!/usr/bin/env python3
"""fake_namespace.py - an Event Grid namespace queue subscription for the
pull tests, written from the REST shapes of the namespace API 2024-06-01 and the corpus
examples (namespace-receive / -release / -renewlock): receive (long poll,
maxEvents, maxWaitTime), acknowledge, release, reject, lock expiry with
redelivery and a new lock token each time, 401 on a wrong key.

  fake_namespace.py --cert C --key K --port P --ctl-port Q --access-key KEY
                    [--lock-s 2]

TLS on --port (the certificate decides which host name and CA the daemon
sees); a plain-HTTP control port on 127.0.0.1 for the test:
  POST /publish      JSON array of CloudEvents -> queued
  POST /mode         {"drop_acks": true, "close": true, "failed_shape": "docs"}
  GET  /state        {"events": {id: {acked, deliveries, state, released,
                      rejected}}, "receives", "unauthorized", "acks_dropped"}
"""
import argparse
import base64
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API = "2024-06-01"
lock = threading.Condition()
queue = []          # dicts: id, event, state, token, until, deliveries, ...
mode = {"drop_acks": False, "close": False, "failed_shape": "spec"}
counters = {"receives": 0, "unauthorized": 0, "acks_dropped": 0,
            "bad_requests": 0}
args = None


def expire_locks(now):
    for e in queue:
        if e["state"] == "locked" and e["until"] <= now:
            e["state"] = "available"
            e["token"] = None


def available():
    return [e for e in queue if e["state"] == "available"]


class Broker(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def reply(self, code, obj, close=False):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if close or mode["close"]:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n) if n else b""
        if self.headers.get("Authorization") != "SharedAccessKey " + args.access_key:
            with lock:
                counters["unauthorized"] += 1
            return self.reply(401, {"error": {"code": "Unauthorized",
                                              "message": "bad key"}})
        prefix = "/topics/%s/eventsubscriptions/%s:" % (args.topic, args.subscription)
        if not url.path.startswith(prefix) or q.get("api-version") != [API]:
            with lock:
                counters["bad_requests"] += 1
            return self.reply(404, {"error": {"code": "NotFound",
                                              "message": self.path}})
        op = url.path[len(prefix):]
        if op == "receive":
            return self.receive(q)
        try:
            tokens = json.loads(raw)["lockTokens"]
        except Exception:
            return self.reply(400, {"error": {"code": "BadRequest",
                                              "message": "lockTokens"}})
        if op == "acknowledge" and mode["drop_acks"]:
            # lost on the way: not applied, no answer (the test kills the
            # daemon while it waits for this answer)
            with lock:
                counters["acks_dropped"] += 1
            time.sleep(30)
            self.close_connection = True
            return
        ok, failed = [], []
        with lock:
            expire_locks(time.monotonic())
            for t in tokens:
                e = next((e for e in queue if e["token"] == t and
                          e["state"] == "locked"), None)
                if e is None:
                    if mode["failed_shape"] == "docs":
                        failed.append({"lockToken": t, "errorCode": "TokenLost",
                                       "errorDescription": "lock expired"})
                    else:
                        failed.append({"lockToken": t, "error": {
                            "code": "TokenLost", "message": "lock expired"}})
                    continue
                ok.append(t)
                e["token"] = None
                if op == "acknowledge":
                    e["state"] = "acked"
                    e["acked"] += 1
                elif op == "release":
                    e["state"] = "available"
                    e["released"] += 1
                elif op == "reject":
                    e["state"] = "rejected"
                    e["rejected"] += 1
            lock.notify_all()
        self.reply(200, {"failedLockTokens": failed, "succeededLockTokens": ok})

    def receive(self, q):
        max_events = int(q.get("maxEvents", ["1"])[0])
        wait = int(q.get("maxWaitTime", ["60"])[0])
        deadline = time.monotonic() + wait
        with lock:
            counters["receives"] += 1
            while True:
                now = time.monotonic()
                expire_locks(now)
                ready = available()
                if ready or now >= deadline:
                    break
                lock.wait(min(0.2, deadline - now))
            out = []
            for e in ready[:max_events]:
                e["state"] = "locked"
                e["deliveries"] += 1
                e["token"] = base64.b64encode(os.urandom(18)).decode()
                e["until"] = time.monotonic() + args.lock_s
                out.append({"brokerProperties": {"lockToken": e["token"],
                                                 "deliveryCount": e["deliveries"]},
                            "event": e["event"]})
        self.reply(200, {"value": out})


class Control(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        pass

    def reply(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        obj = json.loads(self.rfile.read(n))
        with lock:
            if self.path == "/publish":
                for ev in obj:
                    queue.append({"id": ev.get("id"), "event": ev,
                                  "state": "available", "token": None,
                                  "until": 0, "deliveries": 0, "acked": 0,
                                  "released": 0, "rejected": 0})
            elif self.path == "/mode":
                mode.update(obj)
            lock.notify_all()
        self.reply({"ok": True})

    def do_GET(self):
        with lock:
            expire_locks(time.monotonic())
            st = dict(counters)
            st["events"] = {e["id"]: {k: e[k] for k in (
                "state", "deliveries", "acked", "released", "rejected")}
                for e in queue}
        self.reply(st)


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ctl-port", type=int, required=True)
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--topic", default="acs-events")
    ap.add_argument("--subscription", default="board-1")
    ap.add_argument("--lock-s", type=float, default=60)
    args = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)
    broker = ThreadingHTTPServer(("127.0.0.1", args.port), Broker)
    broker.daemon_threads = True
    broker.socket = ctx.wrap_socket(broker.socket, server_side=True)
    ctl = ThreadingHTTPServer(("127.0.0.1", args.ctl_port), Control)
    ctl.daemon_threads = True
    threading.Thread(target=ctl.serve_forever, daemon=True).start()
    broker.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""hook_post.py URL SECRET PREFIX N [FROM] - post N SMSReceived events
(texts PREFIX-0 .. PREFIX-N-1, one event per request) over one keep-alive
TLS connection, one at a time (one client), and print the latency of each
POST in ms as "p50 p99 max" on the last line. Exits 1 when a POST is not
answered 200."""
import http.client
import json
import ssl
import sys
import time
import urllib.parse
import uuid

url, secret, prefix, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sender = sys.argv[5] if len(sys.argv) > 5 else "+14255550123"
u = urllib.parse.urlsplit(url)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=10)
lat = []
for i in range(n):
    body = json.dumps([{
        "id": str(uuid.uuid4()),
        "topic": "/subscriptions/x/hooktest",
        "subject": "/phonenumber/1",
        "eventType": "Microsoft.Communication.SMSReceived",
        "eventTime": "2026-11-25T08:15:00Z",
        "dataVersion": "1.0",
        "data": {"MessageId": "m%d" % i, "From": sender, "To": "+14255550100",
                 "Message": "%s-%d" % (prefix, i)},
    }])
    t = time.monotonic()
    conn.request("POST", "/api/events?code=" + secret, body,
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    lat.append((time.monotonic() - t) * 1000.0)
    if r.status != 200:
        print("POST %d: %d" % (i, r.status))
        sys.exit(1)
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("%.2f %.2f %.2f" % (p(0.50), p(0.99), lat[-1]))

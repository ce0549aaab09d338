#!/usr/bin/env python3
"""callgrind.py - instructions per event, per phase (issue 21).

gridalertd runs under `valgrind --tool=callgrind` (Debian's valgrind) and
one keep-alive TLS connection posts a fixed workload of unique SMS events
(the `make bench` body: board/sim/events/sms-received.json). Three runs:

  base     S0 single-event requests + B0 requests of 100 events
  singles  S1 single-event requests + B0 batches
  batches  S0 singles + B1 batches

Start-up, the handshake and shutdown are the same in all three, so
(singles - base) / (S1 - S0) is the cost of one event sent alone and
(batches - base) / ((B1 - B0) * 100) the cost of one event in a batch.
The counts are instructions (Ir), not time: they do not move with the
machine's load, which makes them the regression guard.

Phases are callgrind's inclusive costs of their entry points:
  tls      mbedtls_ssl_read + mbedtls_ssl_write (records: decrypt, MAC,
           encrypt; the handshake is subtracted away)
  http     ga_http_parse + ga_http_resp_write
  parse    ga_eventgrid_parse without the sink, plus ga_eventgrid_to_msg
           (decoding the kept copy)
  journal  ga_daemon_sink_event without to_msg (dedupe, encode, append)
           + ga_journal_sync without the apply callback
  alert    ga_daemon_apply_event (store, alarms) + ga_alert_redraw_cb
           (the LCD redraw, once per loop iteration)
  total    every instruction of the process; "other" is the rest
           (event loop, poll, timers, server state machine)

  bench/callgrind.py --build DIR [--out DIR] [--json FILE]
      measure, print a table, write FILE
  bench/callgrind.py ... --check BASELINE
      measure and fail (exit 1) when a phase grows more than 10 % (and
      more than 2 % of the total) over BASELINE
      (bench/callgrind-baseline.json)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import harness as H  # noqa: E402

SECRET = "bench-secret"
TIMEOUT_S = 60          # one request under callgrind: far less than this
START_TIMEOUT_S = 120   # start-up under callgrind (key generation included)
TOLERANCE = 0.10        # the regression bound
# Small phases are checked against an absolute slack too: 2 % of the
# load's total. "other" in batches is a residual near zero that moves by
# a few hundred Ir/event between runs (how many reads and poll wakeups a
# 100 KB body takes depends on timing, shared by 100 events).
SLACK_SHARE = 0.02

S0, S1 = 200, 2000      # single-event requests
B0, B1 = 2, 20          # 100-event requests
BATCH = 100

PHASES = ("tls", "http", "parse", "journal", "alert", "other", "total")


def event_template():
    return json.dumps(H.sms_event("@ID@"))


def body(tmpl, first, n):
    # ids of one length, so every run parses the same number of bytes
    return ("[" + ", ".join(tmpl.replace("@ID@", "cg-%010d" % (first + i))
                            for i in range(n)) + "]").encode()


def run_once(build, work, name, singles, batches):
    d = os.path.join(work, name)
    os.makedirs(d)
    out = os.path.join(d, "callgrind.out")
    env = dict(os.environ, GRIDALERT_BENCH_NO_FSYNC="1")
    p, _, raw = H.start_daemon(
        os.path.join(build, "gridalertd"), d, SECRET, 64 << 20, env=env,
        wrapper=["valgrind", "--tool=callgrind",
                 "--callgrind-out-file=" + out],
        start_s=START_TIMEOUT_S, stop_s=START_TIMEOUT_S)
    try:
        raw.settimeout(TIMEOUT_S)
        s = H.client_context().wrap_socket(raw)
        tmpl = event_template()
        seq = 0
        for n, count in ((1, singles), (BATCH, batches)):
            for _ in range(count):
                b = body(tmpl, seq, n)
                seq += n
                s.sendall(b"POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/json\r\n"
                          b"X-Gridalert-Key: " + SECRET.encode() +
                          b"\r\nContent-Length: %d\r\n\r\n" % len(b) + b)
                status, _, rb, _ = H.read_response(s)
                if status != 200 or b'"accepted":%d' % n not in rb:
                    raise RuntimeError("%s: answer %d %r" % (name, status, rb))
        s.close()
    finally:
        p.stop()
    return inclusive(out)


FUNCS = ("mbedtls_ssl_read", "mbedtls_ssl_write", "ga_http_parse",
         "ga_http_resp_write", "ga_eventgrid_parse", "ga_daemon_sink_event",
         "ga_eventgrid_to_msg", "ga_journal_sync", "ga_daemon_apply_event",
         "ga_alert_redraw_cb")


def inclusive(path):
    """Inclusive Ir of FUNCS and the program total, from callgrind_annotate."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes",
                          "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    cost = {f: 0 for f in FUNCS}
    total = None
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(\S.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        what = m.group(2)
        if "PROGRAM TOTALS" in what:
            total = n
            continue
        fn = what.split(":", 1)[1] if ":" in what else what
        fn = fn.split(" ")[0].split("'")[0]
        if fn in cost:
            cost[fn] = max(cost[fn], n)
    if total is None:
        raise RuntimeError("no PROGRAM TOTALS in callgrind_annotate output")
    cost["total"] = total
    return cost


def phases(c):
    to_msg = c["ga_eventgrid_to_msg"]
    sink = c["ga_daemon_sink_event"]
    apply_ = c["ga_daemon_apply_event"]
    ph = {
        "tls": c["mbedtls_ssl_read"] + c["mbedtls_ssl_write"],
        "http": c["ga_http_parse"] + c["ga_http_resp_write"],
        "parse": c["ga_eventgrid_parse"] - sink + to_msg,
        "journal": sink - to_msg + c["ga_journal_sync"] - apply_,
        "alert": apply_ + c["ga_alert_redraw_cb"],
        "total": c["total"],
    }
    ph["other"] = ph["total"] - sum(ph[k] for k in PHASES[:5])
    return ph


def per_event(a, b, events):
    pa, pb = phases(a), phases(b)
    return {k: round((pb[k] - pa[k]) / events) for k in PHASES}


def measure(build, work):
    base = run_once(build, work, "base", S0, B0)
    singles = run_once(build, work, "singles", S1, B0)
    batches = run_once(build, work, "batches", S0, B1)
    return {"single": per_event(base, singles, S1 - S0),
            "batch100": per_event(base, batches, (B1 - B0) * BATCH),
            "workload": {"singles": [S0, S1], "batches_of_100": [B0, B1]}}


def table(res, base=None):
    lines = ["instructions per event (callgrind, Ir)",
             "%-8s %12s %12s" % ("phase", "single", "batch of 100")]
    for k in PHASES:
        row = "%-8s %12s %12s" % (k, "{:,}".format(res["single"][k]),
                                  "{:,}".format(res["batch100"][k]))
        if base:
            row += "   baseline %s / %s" % ("{:,}".format(base["single"][k]),
                                            "{:,}".format(base["batch100"][k]))
        lines.append(row)
    return "\n".join(lines)


def check(res, base):
    bad = []
    for load in ("single", "batch100"):
        for k in PHASES:
            now, was = res[load][k], base[load][k]
            slack = SLACK_SHARE * base[load]["total"]
            if now > was * (1 + TOLERANCE) and now - was > slack:
                bad.append("%s %s: %d > %d + 10 %%" % (load, k, now, was))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/callgrind")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--json")
    ap.add_argument("--check")
    ap.add_argument("--keep", action="store_true",
                    help="keep the callgrind.out files (for callgrind_annotate)")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("callgrind.py: valgrind not found (scripts/deps.sh bench)")
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="callgrind-", dir=a.out)
    res = measure(a.build, work)
    base = None
    if a.check:
        with open(a.check) as f:
            base = json.load(f)
    print(table(res, base))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
    if a.keep:
        print("callgrind outputs: %s/*/callgrind.out" % work)
    else:
        shutil.rmtree(work)
    if base:
        bad = check(res, base)
        for b in bad:
            print("bench-check: FAIL " + b)
        if bad:
            sys.exit(1)
        print("bench-check: ok (no phase grew more than 10 %% and 2 %% of the total over %s)" % a.check)


if __name__ == "__main__":
    main()

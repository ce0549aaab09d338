#!/usr/bin/env python3
"""vt_replay.py TYPESCRIPT - the final screen a terminal shows after the
bytes of a `script` typescript: CR, LF, ESC [ n A (up), ESC [ K (erase to
end of line); colours are dropped. Enough for make run's drawing."""
import re
import sys

data = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
if data.startswith("Script started"):
    data = data[data.find("\n") + 1:]
end = data.rfind("\nScript done")
if end >= 0:
    data = data[:end]
rows, r, c, i = [[]], 0, 0, 0
while i < len(data):
    ch = data[i]
    if ch == "\x1b":
        m = re.match(r"\x1b\[([0-9;]*)([A-Za-z])", data[i:])
        if m:
            if m.group(2) == "A":
                r = max(0, r - int(m.group(1) or 1))
            elif m.group(2) == "K":
                while len(rows) <= r:
                    rows.append([])
                del rows[r][c:]
            i += len(m.group(0))
            continue
    if ch == "\r":
        c = 0
    elif ch == "\n":
        r, c = r + 1, 0
    else:
        while len(rows) <= r:
            rows.append([])
        line = rows[r]
        while len(line) < c:
            line.append(" ")
        if c < len(line):
            line[c] = ch
        else:
            line.append(ch)
        c += 1
    i += 1
for line in rows:
    print("".join(line).rstrip())

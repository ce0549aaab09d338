#!/usr/bin/env bash
# test_shell.sh - gridalertctl as a person at a serial console uses it: the
# real client on a pseudo-terminal (Python's pty module), the real daemon
# behind it. Prompt, CR-only Enter, editing keys, history, tab completion
# of commands and keys, help KEY, Ctrl-D; and stdin scripts with CR-only
# lines that stop at the first failure.
. "$(dirname "$0")/lib.sh"

ga_start || { not_ok "daemon starts"; ga_done; }

# --- scripts -----------------------------------------------------------
out=$(printf 'get webhook.path\rget journal.dedupe\r' | ga_ctl 2>&1)
check "script: CR-only lines are two commands" "/api/events
4096" "$out"
out=$(printf 'get webhook.path\r\nhelp no.such\nget journal.dedupe\n' | ga_ctl 2>&1)
rc=$?
check "script: stops at the first failure, exit 1" "1" "$rc"
check_match "script: the failure is explained, the rest not run" \
	'^/api/events.help: no command or key no.such[^4]*$' "$(echo "$out" | tr '\n' '.')"

# --- the shell on a pty ------------------------------------------------
cat >"$GA_TMP/drive_shell.py" <<'PY'
import os, pty, select, sys, time

ctl, sock = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ctl, [ctl, "-s", sock])

buf = b""
def pump(timeout):
    """One read of what the terminal got within timeout: True, or False
    on silence, None when the terminal is gone."""
    global buf
    r, _, _ = select.select([fd], [], [], max(0, timeout))
    if not r:
        return False
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return None
    buf += chunk
    return True if chunk else None

def take(n):
    global buf
    got, buf = buf[:n], buf[n:]
    return got

def read_until(token, timeout=5.0):
    end = time.time() + timeout
    while token not in buf:
        if time.time() >= end or pump(end - time.time()) is None:
            raise SystemExit("no %r on the terminal; got %r" % (token, buf[-400:]))
    return take(buf.index(token) + len(token))

def send(b):
    os.write(fd, b)

def quiet(t=0.3):
    """Everything until the terminal has been silent for t seconds."""
    while pump(t):
        pass
    return take(len(buf))

def step(name, keys, token):
    send(keys)
    out = read_until(token) + quiet()
    print("=== " + name)
    sys.stdout.write(out.decode("utf-8", "replace").replace("\r", "<CR>") + "\n")

print("=== greeting")
print(read_until(b"gridalert> ").decode())
step("tab-status", b"sta\t\r", b"pull.lock_failures")   # Tab, then CR only
step("history", b"\x1b[A\r", b"pull.lock_failures")     # Up recalls "status "
step("editing", b"hepl\x1b[D\x7f\x1b[Fp\x01\x1b[C\x05\x7fp\r", b"KEY|COMMAND")
step("help-key", b"help server.max_body\r", b"running:")
step("key-complete", b"get webhook.pa\t\r", b"/api/events")
step("list", b"\t", b"status")                           # all commands
send(b"\x15")                                            # Ctrl-U: empty line
step("ctrl-c", b"junk\x03", b"^C")
step("unknown", b"frobnicate\r", b"unknown command")
send(b"\x04")                                         # Ctrl-D: leave
_, status = os.waitpid(pid, 0)
print("=== exit %d" % os.waitstatus_to_exitcode(status))
PY
python3 "$GA_TMP/drive_shell.py" "$GA_CTL_BIN" "$GA_TMP/ctl.sock" >"$GA_TMP/pty.out" 2>&1
section() { sed -n "/^=== $1\$/,/^=== /p" "$GA_TMP/pty.out" | sed '1d;$d'; }

check_match "shell: greets with the version and a prompt" \
	'gridalertctl [0-9.]+ on .*ctl.sock' "$(cat "$GA_TMP/pty.out")"
check_match "Tab completes 'sta' to 'status', CR alone runs it" \
	'gridalert> status .*version: ' "$(section tab-status | tr -d '\n')"
check_match "Up recalls the last command" 'gridalert> status .*version: ' \
	"$(section history | tr -d '\n')"
check_match "editing keys (Left, Backspace, End, Home, Right, Ctrl-E) fix 'hepl' into 'help'" \
	'status  *counters and state' "$(section editing)"
check_match "help KEY prints the key's help, default and running value" \
	'server.max_body: .*default: 1048576.*running: 1048576' "$(section help-key | tr -d '\n')"
check_match "Tab completes a config key (get webhook.pa -> webhook.path)" \
	'/api/events' "$(section key-complete)"
list=$(section list | sed "s/<CR>/ /g")
missing=
for w in $(ga_ctl help | awk '{print $1}' | sort -u); do
	[[ "$list" =~ (^|[[:space:]])$w([[:space:]]|$) ]] || missing="$missing $w"
done
check "Tab on an empty line lists every command of the daemon's help" "" "$missing"
check_match "Ctrl-C drops the line" '\^C' "$(section ctrl-c)"
check_match "an unknown command is an error, the shell stays" \
	'unknown command' "$(section unknown)"
check "Ctrl-D leaves with exit 0" "0" "$(sed -n 's/^=== exit //p' "$GA_TMP/pty.out")"

ga_stop
ga_done

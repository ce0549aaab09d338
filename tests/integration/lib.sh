# lib.sh - shared by the integration tests: start the real gridalertd on a
# free loopback port with a config in a scratch directory, talk to it with
# real curl / openssl / gridalertctl, print TAP lines.
#
# Source it, then: ga_start [extra config text]; ...; ga_stop; ga_done.

set -u
GA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GA_BUILD=${GA_BUILD:-build/host}
case "$GA_BUILD" in /*) ;; *) GA_BUILD="$GA_ROOT/$GA_BUILD" ;; esac
GA_D="$GA_BUILD/gridalertd"
GA_CTL_BIN="$GA_BUILD/gridalertctl"
GA_SECRET=test-secret
GA_FAILS=0
GA_PID=
GA_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gridalert-test.XXXXXX")
# the public Event Grid payloads (tests/corpus/eventgrid/SOURCES)
GA_CORPUS="$GA_ROOT/tests/corpus/eventgrid"
# THIRD_PARTY: the upstream release tarballs (set and exported by the
# Makefile; relative paths are relative to the top of the tree)
THIRD_PARTY=${THIRD_PARTY:-}
case "$THIRD_PARTY" in /* | "") ;; *) THIRD_PARTY="$GA_ROOT/$THIRD_PARTY" ;; esac
trap 'ga_cleanup' EXIT

ga_cleanup() {
	if [ -n "$GA_PID" ] && kill -0 "$GA_PID" 2>/dev/null; then
		kill -KILL "$GA_PID" 2>/dev/null
		wait "$GA_PID" 2>/dev/null
	fi
	if [ "$GA_FAILS" -eq 0 ] && [ -z "${GA_KEEP:-}" ]; then
		rm -rf "$GA_TMP"
	else
		echo "# scratch directory kept: $GA_TMP"
	fi
}

ok() { echo "ok - $*"; }
not_ok() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && echo "#   $*"
	GA_FAILS=$((GA_FAILS + 1))
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected [$2] got [$3]"
	fi
}

# check_match NAME REGEX ACTUAL
check_match() {
	if [[ "$3" =~ $2 ]]; then
		ok "$1"
	else
		not_ok "$1" "expected match of [$2] in [$3]"
	fi
}

# ga_wait SECONDS CMD... - run CMD every 0.1 s until it succeeds; after
# SECONDS say so in a comment line and return 1. CMD runs anew each time,
# so its arguments hold no $(...): give it a function instead.
ga_wait() {
	local t=$1
	shift
	for _ in $(seq 1 $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	echo "# timed out after ${t} s waiting for: $*"
	return 1
}

# wait_for SECONDS DESC CMD... - ga_wait as a TAP line: ok DESC, or not ok
# with what the test's wait_detail function prints, when it has one.
wait_for() {
	local t=$1 desc=$2
	shift 2
	if ga_wait "$t" "$@" >/dev/null; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc" "not within $t s${GA_WAIT_DETAIL:+; $($GA_WAIT_DETAIL)}"
	return 1
}

# ga_tarball VAR NAME PATTERN HOWTO - find $THIRD_PARTY/PATTERN (e.g.
# buildroot-2026.05.1.tar.*) and put its path in VAR. When it is missing,
# print the TAP skip line for test NAME with the reason and HOWTO (how to
# get it) and return 1; under CI=true a missing tarball is "not ok".
ga_tarball() {
	local var=$1 name=$2 pat=$3 howto=$4 f
	if [ -n "$THIRD_PARTY" ]; then
		for f in "$THIRD_PARTY"/$pat; do
			if [ -f "$f" ]; then
				printf -v "$var" '%s' "$f"
				return 0
			fi
		done
	fi
	local why="no $pat in THIRD_PARTY=${THIRD_PARTY:-<unset>} ($howto)"
	if [ "${CI:-}" = true ]; then
		not_ok "$name" "$why; under CI=true a missing tarball is a failure"
	else
		echo "ok - $name # SKIP $why"
	fi
	return 1
}

ga_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ga_config EXTRA... - write $GA_TMP/gridalert.conf. Extra text is
# appended verbatim (later sections may repeat earlier ones' names only
# through [alert.*]); use GA_CONF_SERVER / GA_CONF_WEBHOOK to add keys to
# those sections.
ga_config() {
	GA_PORT=${GA_PORT:-$(ga_free_port)}
	GA_URL="https://127.0.0.1:$GA_PORT"
	cat >"$GA_TMP/gridalert.conf" <<CONF
# written by tests/integration/lib.sh
[server]
listen = 127.0.0.1:$GA_PORT
tls = on
cert = server.crt
key = server.key
auto_cert = yes
${GA_CONF_SERVER:-}

[webhook]
path = /api/events
secret = $GA_SECRET
${GA_CONF_WEBHOOK:-}

[journal]
path = journal
${GA_CONF_JOURNAL:-}

[lcd]
driver = ${GA_LCD_DRIVER:-sim}
${GA_CONF_LCD:-}

[gpio]
driver = ${GA_GPIO_DRIVER:-sim}
${GA_CONF_GPIO:-}

[control]
socket = ctl.sock
${1:-}
CONF
}

# ga_start [EXTRA] - start the daemon, wait until it serves /healthz.
ga_start() {
	[ -f "$GA_TMP/gridalert.conf" ] || ga_config "${1:-}"
	GA_LOG="$GA_TMP/daemon.log"
	${GA_WRAP:-} "$GA_D" -f -c "$GA_TMP/gridalert.conf" >>"$GA_LOG" 2>&1 &
	GA_PID=$!
	for _ in $(seq 1 100); do
		if curl -sk -o /dev/null --max-time 1 "$GA_URL/healthz" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$GA_PID" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	echo "# gridalertd did not start; log:"
	sed 's/^/#   /' "$GA_LOG"
	return 1
}

# ga_stop - SIGTERM and wait; the exit status is left in GA_RC (not in a
# subshell: only this shell can wait for the daemon).
ga_stop() {
	GA_RC=0
	[ -n "$GA_PID" ] || return 0
	kill -TERM "$GA_PID" 2>/dev/null
	wait "$GA_PID" 2>/dev/null || GA_RC=$?
	GA_PID=
}

ga_ctl() { "$GA_CTL_BIN" -s "$GA_TMP/ctl.sock" "$@"; }

# ga_status KEY - one value from `gridalertctl status`.
ga_status() { ga_ctl status | sed -n "s/^$1: //p"; }
# status_is KEY VALUE / lines_is FILE N - conditions for wait_for
status_is() { [ "$(ga_status "$1")" = "$2" ]; }
lines_is() { [ "$(cat "$1" 2>/dev/null | wc -l)" -eq "$2" ]; }
# hook_status - the hook.* lines of status on one line (a wait_detail)
hook_status() { ga_ctl status | grep '^hook\.' | tr '\n' ' '; }

# ga_post URLPATH FILE [CONTENT-TYPE] [curl args...] - prints "CODE BODY".
ga_post() {
	local path=$1 file=$2 ct=${3:-application/json}
	shift 3 2>/dev/null || shift $#
	curl -sk --max-time 10 -o "$GA_TMP/resp.body" -w '%{http_code}' \
		-H "Content-Type: $ct" --data-binary "@$file" "$@" \
		"$GA_URL$path" >"$GA_TMP/resp.code" 2>/dev/null
	echo "$(cat "$GA_TMP/resp.code") $(cat "$GA_TMP/resp.body")"
}

ga_done() {
	if [ "$GA_FAILS" -ne 0 ]; then
		exit 1
	fi
	exit 0
}

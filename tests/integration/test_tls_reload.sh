#!/usr/bin/env bash
# test_tls_reload.sh - reloads (SIGHUP, `gridalertctl reload`) while TLS
# handshakes are in flight, against the real daemon and real TLS clients
# (Python's ssl, i.e. OpenSSL; tls_client.py):
#   - a storm of 200 mixed reloads under new-connection and keep-alive load:
#     the daemon lives, every request is answered, every 200 is journaled;
#   - certificate rotation under load: new connections get the new
#     certificate, open ones finish on the old, nothing is dropped;
#   - one handshake held half done across a reload, then completed;
#   - a short storm under valgrind (Debian's mbedTLS is not built with ASan,
#     so only valgrind sees a use-after-free inside it).
# Issue 22: before the fix a reload freed the certificate and key that the
# shared mbedTLS config still listed, and the next handshake read them.
. "$(dirname "$0")/lib.sh"
PY="python3 $GA_ROOT/tests/integration/tls_client.py"

# storm_start NAME ARGS... / storm_stop NAME - a tls_client.py storm in the
# background until its stop file appears.
storm_start() {
	local name=$1
	shift
	rm -f "$GA_TMP/$name.stop" "$GA_TMP/$name.json"
	$PY storm "$GA_PORT" "$GA_SECRET" "$GA_TMP/$name.stop" \
		"$GA_TMP/$name.json" "$@" 2>"$GA_TMP/$name.err" &
	eval "STORM_$name=\$!"
}
storm_stop() {
	local name=$1 pid
	eval "pid=\$STORM_$name"
	touch "$GA_TMP/$name.stop"
	# the clients' socket timeouts are 10 s: a stuck one ends by then
	if ! ga_wait 30 \
		bash -c "! kill -0 $pid 2>/dev/null"; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	[ -s "$GA_TMP/$name.err" ] && sed 's/^/#   client: /' "$GA_TMP/$name.err" | head -5
	[ -f "$GA_TMP/$name.json" ]
}
# jq-free reads of the summary
sj() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$GA_TMP/$1.json" "$2"; }

alive() { kill -0 "$GA_PID" 2>/dev/null; }
# accepted_ge N - events.accepted has reached N
accepted_ge() { [ "$(ga_status events.accepted)" -ge "$1" ]; }
# load_running FROM WHAT - wait (bounded) until 5 more events than FROM are
# in: the clients are really running, whatever the machine's load
load_running() {
	ga_wait 30 accepted_ge $(($1 + 5)) || not_ok "$2"
}

# new_pair NAME - a fresh P-256 certificate and key as $GA_TMP/NAME.{crt,key}
new_pair() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=gridalert-$1" -days 30 -keyout "$GA_TMP/$1.key" \
		-out "$GA_TMP/$1.crt" 2>/dev/null && chmod 600 "$GA_TMP/$1.key"
}
# install_pair NAME - what a certbot/acme.sh deploy hook does: rename the
# new files over the configured ones (each rename is atomic)
install_pair() {
	cp "$GA_TMP/$1.key" "$GA_TMP/server.key.new" &&
		cp "$GA_TMP/$1.crt" "$GA_TMP/server.crt.new" &&
		chmod 600 "$GA_TMP/server.key.new" &&
		mv "$GA_TMP/server.key.new" "$GA_TMP/server.key" &&
		mv "$GA_TMP/server.crt.new" "$GA_TMP/server.crt"
}
cert_fp() {
	openssl x509 -in "$1" -outform der | sha256sum |
		awk '{ s = toupper($1); o = "SHA256 "; for (i = 1; i <= 64; i += 2)
			o = o (i > 1 ? ":" : "") substr(s, i, 2); print o }'
}

# The storms are timed, not counted: the default 4 MiB journal (about
# 16 000 unacknowledged events) fills on a fast machine and answers 503.
GA_CONF_JOURNAL="max_bytes = 1073741824"
ga_start || { not_ok "daemon starts"; ga_done; }
pid=$GA_PID

# --- 1. reload storm: 200 reloads, half SIGHUP, half ctl, under load -------
r0=$(ga_status config.reloads)
a0=$(ga_status events.accepted)
storm_start storm --new 3 --keep 1
load_running "$a0" "storm: the clients are posting before the reloads"
ctl_fail=0
for i in $(seq 1 200); do
	if ((i % 2)); then
		kill -HUP "$GA_PID" 2>/dev/null
	else
		ga_ctl reload >/dev/null 2>&1 || ctl_fail=$((ctl_fail + 1))
	fi
	alive || break
	sleep 0.02
done
sleep 0.5
storm_stop storm || not_ok "storm: the clients wrote their summary"
if alive; then
	ok "storm: the daemon survived 200 reloads under load"
else
	not_ok "storm: the daemon survived 200 reloads under load" \
		"$(tail -5 "$GA_LOG")"
	ga_done
fi
check "storm: every ctl reload answered ok" 0 "$ctl_fail"
ga_wait 10 \
	bash -c "[ \"\$($GA_CTL_BIN -s $GA_TMP/ctl.sock status | sed -n 's/^config.reloads: //p')\" = $((r0 + 200)) ]"
check "storm: 200 reloads counted" "$((r0 + 200))" "$(ga_status config.reloads)"
check "storm: no request failed (connection, TLS or HTTP)" "[]" "$(sj storm 'd["failures"][:3]')"
check "storm: every request answered 200" "[200]" "$(sj storm 'sorted(d["codes"].keys())' | tr -d "'" | sed 's/ //g')"
n200=$(sj storm 'len(d["ok_ids"])')
uniq200=$(sj storm 'len(set(d["ok_ids"]))')
echo "# storm: $(sj storm 'sum(d["codes"].values())') requests, $n200 events answered 200, $(sj storm 'd["keep_requests"]') on keep-alive connections"
if [ "$n200" -ge 50 ]; then ok "storm: load ran throughout ($n200 events)"; else not_ok "storm: load ran throughout" "only $n200 events"; fi
check "storm: every event answered 200 was journaled once" "$n200" \
	"$(($(ga_status events.accepted) - a0))"
check "storm: ids were unique" "$n200" "$uniq200"
check "storm: the keep-alive client never lost its connection" 1 "$(sj storm 'd["keep_connections"]')"
ga_wait 10 \
	bash -c "[ \"\$($GA_CTL_BIN -s $GA_TMP/ctl.sock status | sed -n 's/^tls.contexts: //p')\" = 1 ]"
check "storm: after the load, one TLS context is left (none leaked)" 1 "$(ga_status tls.contexts)"

# --- 2. certificate rotation under load ------------------------------------
fp_old=$(ga_status tls.fingerprint)
check "rotation: status shows the certificate on disk" "$(cert_fp "$GA_TMP/server.crt")" "$fp_old"
new_pair rot1 || not_ok "rotation: openssl makes a new pair"
fp_new=$(cert_fp "$GA_TMP/rot1.crt")
a0=$(ga_status events.accepted)
storm_start rot --new 2 --keep 2
load_running "$a0" "rotation: the clients are posting before the reload"
install_pair rot1
out=$(ga_ctl reload 2>&1)
check "rotation: gridalertctl reload answers 0" 0 "$?"
load_running "$(ga_status events.accepted)" "rotation: the clients are posting after the reload"
check "rotation: status shows the new fingerprint" "$fp_new" "$(ga_status tls.fingerprint)"
check "rotation: a new connection gets the new certificate" "$fp_new" "$($PY fingerprint "$GA_PORT")"
storm_stop rot || not_ok "rotation: the clients wrote their summary"
check "rotation: no request failed" "[]" "$(sj rot 'd["failures"][:3]')"
check "rotation: new connections saw both certificates" "True True" \
	"$(sj rot "'$fp_old' in d['fingerprints']") $(sj rot "'$fp_new' in d['fingerprints']")"
check "rotation: open connections kept the certificate they started with" True "$(sj rot 'd["keep_same_fp"]')"
check "rotation: the keep-alive connections were never dropped" 2 "$(sj rot 'd["keep_connections"]')"
n200=$(sj rot 'len(d["ok_ids"])')
check "rotation: every event posted was answered 200 and journaled once" "$n200" \
	"$(($(ga_status events.accepted) - a0))"
[ "$n200" -gt 0 ] || not_ok "rotation: events were posted" "none"

# --- 3. a handshake held half done across a reload --------------------------
pair=1
for mode in split flight; do
	pair=$((pair + 1))
	fp_before=$(ga_status tls.fingerprint)
	new_pair "rot$pair"
	rm -f "$GA_TMP/go"
	mkfifo "$GA_TMP/go"
	$PY hold "$GA_PORT" "$mode" "$GA_TMP/go" "$GA_TMP/hold.json" \
		>"$GA_TMP/hold.out" 2>"$GA_TMP/hold.err" &
	hpid=$!
	if ga_wait 10 grep -q held "$GA_TMP/hold.out"; then
		install_pair "rot$pair"
		ga_ctl reload >/dev/null 2>&1
		check "held ($mode): the reload went through" "$(cert_fp "$GA_TMP/rot$pair.crt")" \
			"$(ga_status tls.fingerprint)"
		echo go >"$GA_TMP/go"
	else
		kill "$hpid" 2>/dev/null
	fi
	ga_wait 15 bash -c "! kill -0 $hpid 2>/dev/null" ||
		kill -KILL "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
	if [ -f "$GA_TMP/hold.json" ]; then
		check "held ($mode): the handshake completed and GET /healthz answered 200" 200 \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$GA_TMP/hold.json")"
		check "held ($mode): it finished on the certificate it started with" "$fp_before" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$GA_TMP/hold.json")"
	else
		not_ok "held ($mode): the handshake completed" "$(head -3 "$GA_TMP/hold.err")"
	fi
	rm -f "$GA_TMP/hold.json"
	alive || { not_ok "held ($mode): the daemon is alive"; ga_done; }
done
check "after every reload test: same process" "$pid" "$GA_PID"
ga_stop
check "clean stop after the reloads (exit 0)" 0 "$GA_RC"

# --- 4. a short storm under valgrind ---------------------------------------
# ASan cannot see into Debian's uninstrumented libmbedtls; valgrind can.
if [ "${GA_SAN:-}" = 1 ]; then
	ok "valgrind storm # SKIP under ASan (valgrind and ASan do not mix; the plain build runs it)"
elif [ "${GA_LIBC:-}" = musl ]; then
	# valgrind 3.19 (Debian 12) replaces musl's free but not the malloc
	# inside its stdio: a program that only does fopen + fclose is
	# reported "Invalid free()". The glibc build runs the storm.
	ok "valgrind storm # SKIP on musl (valgrind 3.19 misreads musl's stdio buffers; the glibc build runs it)"
elif ! command -v valgrind >/dev/null; then
	not_ok "valgrind storm" "valgrind is missing (scripts/deps.sh test installs it)"
else
	GA_WRAP="valgrind --error-exitcode=99 --log-file=$GA_TMP/vg.log --track-origins=no"
	# valgrind runs the daemon ~30x slower: give it room to start
	ga_start_slow() {
		GA_LOG="$GA_TMP/daemon.log"
		$GA_WRAP "$GA_D" -f -c "$GA_TMP/gridalert.conf" >>"$GA_LOG" 2>&1 &
		GA_PID=$!
		ga_wait 60 \
			curl -sk -o /dev/null --max-time 5 "$GA_URL/healthz"
	}
	if ga_start_slow; then
		storm_start vg --new 2 --keep 1
		load_running "$(ga_status events.accepted)" "valgrind storm: the clients are posting"
		for i in $(seq 1 20); do
			if ((i % 2)); then kill -HUP "$GA_PID"; else ga_ctl reload >/dev/null 2>&1; fi
			sleep 0.15
		done
		install_pair rot1
		ga_ctl reload >/dev/null 2>&1
		load_running "$(ga_status events.accepted)" "valgrind storm: posting after the rotation"
		storm_stop vg
		echo "# valgrind storm: $(sj vg 'sum(d["codes"].values())') requests answered"
		check "valgrind storm: no request failed" "[]" "$(sj vg 'd["failures"][:3]')"
		ga_stop
		check "valgrind storm: clean exit, no memory error (valgrind status 99 = errors)" 0 "$GA_RC"
		errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$GA_TMP/vg.log" | tail -1)
		check "valgrind storm: ERROR SUMMARY 0 errors" 0 "${errs:-missing}"
		[ "${errs:-1}" = 0 ] || grep -m 20 -A8 'Invalid' "$GA_TMP/vg.log" | sed 's/^/#   /'
	else
		not_ok "valgrind storm: the daemon starts under valgrind" "$(tail -5 "$GA_TMP/vg.log")"
	fi
fi
ga_done

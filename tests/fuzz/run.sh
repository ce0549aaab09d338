#!/usr/bin/env bash
# run.sh SECONDS TARGET... - run each libFuzzer binary for SECONDS with its
# seed corpus; one TAP line per target with execs and execs/s. A crash
# leaves its input in build/fuzz/crash-<target>-*: copy it to
# tests/corpus/<target>/ (it then stays as a regression case).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=$1
shift
fail=0
for t in "$@"; do
	work="build/fuzz/corpus-$t"
	mkdir -p "$work"
	cp -n tests/corpus/"$t"/* "$work"/ 2>/dev/null || true
	log="build/fuzz/$t.log"
	if build/fuzz/"fuzz_$t" -max_total_time="$secs" -rss_limit_mb=1024 \
		-artifact_prefix="build/fuzz/crash-$t-" -print_final_stats=1 \
		"$work" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		echo "ok - fuzz_$t: ${execs:-?} execs in ${secs}s (${rate:-?}/s), no crash"
	else
		echo "not ok - fuzz_$t crashed; see $log and build/fuzz/crash-$t-*"
		tail -20 "$log" | sed 's/^/#   /'
		fail=1
	fi
done
exit $fail

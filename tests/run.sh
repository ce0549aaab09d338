#!/usr/bin/env bash
# run.sh - runs every unit/model test binary and every integration script,
# prints each one's output, and ends with one summary line
# "N passed, N failed, N skipped" (cases, not files). A TAP line
# "ok - name # SKIP reason" (a test that needs something absent, e.g. the
# third-party tarballs) and cmocka's "[  SKIPPED ]" count as skipped,
# never as passed.
#
# Environment: GA_BUILD (build dir, default build/host), GA_SAN (1 under
# sanitizers), GA_TESTS (space-separated name filter, optional),
# GA_RUNNER (prefix for test binaries, e.g. qemu-aarch64 -cpu cortex-a53),
# GA_UNIT_ONLY=1 (unit and model tests only: the cross checks).
# GA_LIBC (musl: the build under test is make LIBC=musl's).
# Integration scripts print TAP lines ("ok - name", "not ok - name").
set -uo pipefail
cd "$(dirname "$0")/.."
GA_BUILD=${GA_BUILD:-build/host}
export GA_BUILD GA_SAN=${GA_SAN:-}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

pass=0
fail=0
skip=0
failed_names=()
logdir="$GA_BUILD/test-logs"
mkdir -p "$logdir"

want() {
	[ -z "${GA_TESTS:-}" ] && return 0
	local n
	for n in $GA_TESTS; do
		[[ "$1" == *"$n"* ]] && return 0
	done
	return 1
}

run_one() { # name log cmd...
	local name=$1 log=$2
	shift 2
	local start end rc
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	cat "$log"
	local p f s tapskip
	tapskip=$(grep -cE '^ok( .*)? # [Ss][Kk][Ii][Pp]( |$)' "$log")
	# cmocka lists each skipped test twice (when run, and in its summary)
	s=$((tapskip + $(grep -E '^\[  SKIPPED \] ' "$log" | grep -v 'test(s)' |
		sort -u | wc -l)))
	p=$(($(grep -cE '^\[       OK \]|^ok( |$)' "$log") - tapskip))
	# unique lines: a crashing forked child may repeat cmocka's report
	f=$(grep -E '^\[  FAILED  \] |^not ok( |$)' "$log" |
		grep -v 'test(s)' | sort -u | wc -l)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "run.sh: $name exited with status $rc"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	[ "$f" -gt 0 ] && failed_names+=("$name")
	echo "run.sh: $name: $p passed, $f failed, $s skipped ($((end - start)) s)"
}

for t in "$GA_BUILD"/tests/unit/test_* "$GA_BUILD"/tests/model/test_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	name=$(basename "$t")
	want "$name" || continue
	echo "=== $name"
	# shellcheck disable=SC2086
	run_one "$name" "$logdir/$name.log" ${GA_RUNNER:-} "$t"
done

for t in tests/integration/test_*.sh; do
	[ -f "$t" ] || continue
	[ -n "${GA_UNIT_ONLY:-}" ] && break
	name=$(basename "$t" .sh)
	want "$name" || continue
	echo "=== $name"
	run_one "$name" "$logdir/$name.log" bash "$t"
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

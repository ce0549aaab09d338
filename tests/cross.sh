#!/usr/bin/env bash
# cross.sh TARGET... - see mk/cross.mk.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
for t in "$@"; do
	start=$(date +%s)
	scripts/deps.sh "cross-$t" || { echo "not ok - $t: cross packages"; fail=$((fail + 1)); continue; }
	if ! make --no-print-directory TARGET="$t" tests >"build/cross-$t.log" 2>&1; then
		echo "not ok - $t: build failed"; tail -20 "build/cross-$t.log"
		fail=$((fail + 1))
		continue
	fi
	qemu=$(sed -n 's/^QEMU := //p' "toolchain/$t.mk")
	out=$(GA_BUILD="build/$t" GA_RUNNER="$qemu" GA_QEMU=1 GA_UNIT_ONLY=1 tests/run.sh 2>&1)
	sum=$(printf '%s\n' "$out" | tail -1)
	p=$(echo "$sum" | sed -nE 's/^([0-9]*) passed, ([0-9]*) failed(, [0-9]* skipped)?$/\1/p')
	f=$(echo "$sum" | sed -nE 's/^([0-9]*) passed, ([0-9]*) failed(, [0-9]* skipped)?$/\2/p')
	printf '%s\n' "$out" | grep -E '^run.sh:|FAILED|ERROR' | sed "s/^/$t: /"
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
	cc=$(sed -n 's/^CROSS_COMPILE ?= //p' "toolchain/$t.mk")
	"${cc}strip" -o "build/$t/gridalertd.stripped" "build/$t/gridalertd"
	echo "# $t: $(($(date +%s) - start)) s, ${p:-0} passed, ${f:-?} failed," \
		"stripped gridalertd $(stat -c %s "build/$t/gridalertd.stripped") bytes"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# test_standalone.sh - the repository alone is enough: `git clone` of the
# committed HEAD into build/standalone/ (nothing beside it, so no CI
# checkout of third-party tarballs next to it), then `make test` there with
# every test that once read files from outside the tree, and no THIRD_PARTY
# and no CI in the environment. The summary must report the Buildroot
# checks as skipped (with how to get the tarball), never as passed, and 0
# failed; `make compat` must report a skip; under CI=true a missing tarball
# must be a failure. Bounded: GA_STANDALONE_TIMEOUT (default 900 s).
#
# Uncommitted changes are not in the clone: commit first.
. "$(dirname "$0")/lib.sh"

if [ -n "${GA_STANDALONE_INNER:-}" ]; then
	# the clone's own make test must not clone again
	echo "ok - no nested standalone clone # SKIP already inside test_standalone"
	ga_done
fi

if [ "${GA_LIBC:-}" = musl ]; then
	# the clone has no tarballs, and a lone repository is the same whatever
	# the C library: make test checks it
	echo "ok - standalone clone # SKIP on LIBC=musl (make test runs it)"
	ga_done
fi

# Every test that read ../shared before the corpus moved into tests/corpus
# (and the docs check, which must hold in a clone too).
INNER_TESTS="test_eventgrid test_namespace test_jsontok test_firmware test_pull test_http_rows test_docs"

# and no test may start reading it again: only THIRD_PARTY's default (the
# Makefile) and these two checks may name it
hits=$(git -C "$GA_ROOT" grep -nE '\.\./shared|GA_SHARED' -- tests src drivers mk scripts bench |
	grep -v '^tests/integration/test_\(docs\|standalone\)\.sh:' || true)
if [ -n "$hits" ]; then
	not_ok "no test or build file reads ../shared" "$(printf '%s\n' "$hits" | head -3)"
else
	ok "no test or build file reads ../shared"
fi
LIMIT=${GA_STANDALONE_TIMEOUT:-900}
SCRATCH="$GA_ROOT/build/standalone"
CLONE="$SCRATCH/gridalert"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
if ! git clone -q --no-hardlinks "$(git -C "$GA_ROOT" rev-parse --show-toplevel)" \
	"$CLONE" >"$GA_TMP/clone.log" 2>&1; then
	not_ok "git clone of the repository" "$(tail -5 "$GA_TMP/clone.log")"
	ga_done
fi
check "the clone is at this tree's HEAD" "$(git -C "$GA_ROOT" rev-parse HEAD)" \
	"$(git -C "$CLONE" rev-parse HEAD)"
if [ -e "$SCRATCH/shared" ]; then
	not_ok "nothing beside the clone" "$SCRATCH/shared exists"
else
	ok "nothing beside the clone (no $SCRATCH/shared)"
fi

# A clean environment: what a user who just cloned has. The outer make's
# variables (MAKEFLAGS, SAN, O, THIRD_PARTY...) must not leak in.
clean_env=(env -u THIRD_PARTY -u CI -u MAKEFLAGS -u MAKELEVEL -u MFLAGS
	-u GA_BUILD -u GA_SAN -u SAN -u O -u GA_CORPUS -u GA_RUNNER
	-u GA_UNIT_ONLY GA_STANDALONE_INNER=1)
start=$(date +%s)
"${clean_env[@]}" GA_TESTS="$INNER_TESTS" timeout "$LIMIT" \
	make -C "$CLONE" --no-print-directory -j2 test >"$GA_TMP/inner.log" 2>&1
rc=$?
echo "# inner make test: exit $rc after $(($(date +%s) - start)) s (limit $LIMIT s)"
sed -n '/^run.sh: /p' "$GA_TMP/inner.log" | sed 's/^/#   /'
last=$(tail -1 "$GA_TMP/inner.log")
if [ "$rc" -eq 124 ]; then
	not_ok "make test in the clone finishes within $LIMIT s" "$last"
else
	check "make test in the clone exits 0" 0 "$rc"
fi
[ "$rc" -eq 0 ] || tail -30 "$GA_TMP/inner.log" | sed 's/^/#   /'
check_match "the summary is the last line: N passed, 0 failed, N skipped (N >= 1)" \
	'^[1-9][0-9]* passed, 0 failed, [1-9][0-9]* skipped$' "$last"
for t in $INNER_TESTS; do
	check_match "$t ran in the clone with 0 failed" \
		"run.sh: $t: [1-9][0-9]* passed, 0 failed" \
		"$(grep "^run.sh: $t: " "$GA_TMP/inner.log")"
done
skipline=$(grep -E '^ok - .*# SKIP' "$GA_TMP/inner.log" | head -1)
check_match "the Buildroot check is a skip that says how to get the tarball" \
	'^ok - Buildroot .*# SKIP no buildroot-2026\.05\.1\.tar\.\* .*https://buildroot\.org/downloads/buildroot-2026\.05\.1\.tar\.xz' \
	"$skipline"
nskip=$(grep -cE '^ok - .*# SKIP' "$GA_TMP/inner.log")
check_match "skips are counted as skipped, not passed" \
	" failed, $nskip skipped\$" "$last"
if grep -n '\.\./shared' "$GA_TMP/inner.log" >"$GA_TMP/shared.hits"; then
	not_ok "nothing in make test mentions ../shared" "$(head -3 "$GA_TMP/shared.hits")"
else
	ok "nothing in make test mentions ../shared"
fi

# make compat without the tarballs: a skip line and a summary, exit 0; a
# failure under CI=true.
out=$("${clean_env[@]}" make -C "$CLONE" --no-print-directory compat 2>&1)
check "make compat without tarballs exits 0" 0 "$?"
check_match "make compat without tarballs prints a skip with where to get them" \
	'ok - compat .*# SKIP no mbedtls-3\.6\.6\.tar\.\* libgpiod-2\.2\.4\.tar\.\*.*releases/download/mbedtls-3\.6\.6.*libgpiod-2\.2\.4\.tar\.xz' \
	"$out"
check_match "make compat ends with the summary line" \
	'0 passed, 0 failed, 1 skipped$' "$out"
out=$("${clean_env[@]}" CI=true make -C "$CLONE" --no-print-directory compat 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
	ok "make compat under CI=true without tarballs fails (exit $rc)"
else
	not_ok "make compat under CI=true without tarballs fails" "$out"
fi
out=$(cd "$CLONE" && "${clean_env[@]}" CI=true bash -c \
	'. tests/integration/lib.sh; trap "rm -rf \"\$GA_TMP\"" EXIT
	ga_tarball T "Buildroot tarball" "buildroot-2026.05.1.tar.*" "how"; ga_done' 2>&1)
rc=$?
check "a missing tarball under CI=true fails the test that needs it" 1 "$rc"
check_match "... with a not ok line saying why" \
	'^not ok - Buildroot tarball' "$out"

if [ "$GA_FAILS" -eq 0 ] && [ -z "${GA_KEEP:-}" ]; then
	rm -rf "$SCRATCH"
else
	echo "# clone kept: $CLONE (inner log: $GA_TMP/inner.log)"
fi
ga_done

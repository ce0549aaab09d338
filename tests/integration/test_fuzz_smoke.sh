#!/usr/bin/env bash
# test_fuzz_smoke.sh - a short libFuzzer run of every parser that takes
# outside input (HTTP, Event Grid/CloudEvents, config, journal replay, ctl).
# Longer: make fuzz FUZZ_SECONDS=600.
cd "$(dirname "$0")/../.." || exit 1
# The fuzz targets are built by clang on glibc whatever the build under test
# (libFuzzer's runtime is glibc's); once per make test is enough.
if [ "${GA_LIBC:-}" = musl ]; then
	echo "ok - # SKIP fuzz smoke on LIBC=musl (the fuzzers are glibc builds; make test runs them)"
	exit 0
fi
exec make --no-print-directory fuzz-smoke

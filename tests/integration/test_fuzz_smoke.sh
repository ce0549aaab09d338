#!/usr/bin/env bash
# test_fuzz_smoke.sh - a short libFuzzer run of every parser that takes
# outside input (HTTP, Event Grid/CloudEvents, config, journal replay, ctl).
# Longer: make fuzz FUZZ_SECONDS=600.
cd "$(dirname "$0")/../.." || exit 1
exec make --no-print-directory fuzz-smoke

#!/usr/bin/env bash
# check-banned.sh - no heap allocation in our code outside
# the functions that run at setup. A line that allocates must carry the
# marker "setup-only" in a comment on the same line.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -nE '\b(malloc|calloc|realloc|strdup|strndup|asprintf)\s*\(' \
	src/*.c drivers/*/*.c | grep -v 'setup-only' || true)
# loop.c reserves its tables in ga_loop_setup()
bad=$(printf '%s\n' "$bad" | grep -v '^src/loop.c:.*\(calloc\)' || true)
if [ -n "$bad" ]; then
	echo "check-banned: heap allocation outside setup (mark setup-only if it is):"
	echo "$bad"
	exit 1
fi
echo "check-banned: ok"

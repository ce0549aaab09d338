#!/usr/bin/env bash
# check-static.sh PROGRAM... - each program is self-contained: no program
# interpreter, no shared library, and no dynamic loader linked in (so no
# NSS module or anything else can be dlopen()ed at run time). Prints one
# "ok - " / "not ok - " line per check; exit 1 when any fails.
# Give the unstripped programs: the loader check reads the symbol table.
set -uo pipefail
fails=0
ok() { echo "ok - $*"; }
not_ok() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	fails=$((fails + 1))
}

for p in "$@"; do
	n=$(basename "$p")
	if [ ! -f "$p" ]; then
		not_ok "$n: exists" "$p not found (build it with make STATIC=1)"
		continue
	fi
	interp=$(readelf -lW "$p" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -z "$interp" ]; then ok "$n: no program interpreter"; else
		not_ok "$n: no program interpreter" "it asks for $interp"; fi
	needed=$(readelf -dW "$p" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	if [ -z "$needed" ]; then ok "$n: no shared library needed"; else
		not_ok "$n: no shared library needed" "it needs $needed"; fi
	# glibc's ldd says "statically linked" for a static PIE, "not a dynamic
	# executable" for a static non-PIE program
	l=$(ldd "$p" 2>&1)
	if [[ "$l" == *"statically linked"* || "$l" == *"not a dynamic executable"* ]]; then
		ok "$n: ldd: ${l//$'\t'/}"
	else
		not_ok "$n: ldd says statically linked" "$l"
	fi
	if ! nm "$p" >/dev/null 2>&1; then
		not_ok "$n: no dynamic loader linked in" "no symbol table (stripped?): give the unstripped program"
		continue
	fi
	# glibc's libc.a: getaddrinfo, getpwnam, getgrnam and initgroups go
	# through NSS, which dlopen()s every service of /etc/nsswitch.conf other
	# than its built-in "files" and "dns" (systemd, mdns, ldap, ...) and
	# needs that very glibc's shared libraries to do so
	loader=$(nm "$p" | awk '$3 ~ /^(dlopen|_dl_open|__libc_dlopen_mode|__nss_module_load)$/ {print $3}' | sort -u | tr '\n' ' ')
	if [ -z "$loader" ]; then
		ok "$n: no dynamic loader linked in (nothing can be dlopen()ed)"
	else
		not_ok "$n: no dynamic loader linked in" "it contains $loader" \
			"glibc's NSS (getaddrinfo, getpwnam, getgrnam, initgroups) keeps dlopen() in a static program" \
			"for services other than files and dns; build with LIBC=musl, which reads /etc/passwd, /etc/group, /etc/hosts and resolv.conf itself"
	fi
done
[ "$fails" -eq 0 ]

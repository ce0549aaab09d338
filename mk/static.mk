# make check-static STATIC=1 [LIBC=musl] - the programs of a static build
# have no interpreter, need no shared library and contain no dynamic
# loader (scripts/check-static.sh). With glibc the last check fails by
# design: its NSS keeps dlopen() in libc.a (see README "C libraries").
.PHONY: check-static
check-static: $(if $(filter 1,$(STATIC)),$(BINS))
	$(Q)if [ "$(STATIC)" != 1 ]; then \
		echo "check-static: use make check-static STATIC=1 [LIBC=musl]" >&2; exit 2; fi
	$(Q)scripts/check-static.sh $(BINS)

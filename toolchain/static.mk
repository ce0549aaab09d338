# toolchain/static.mk - make STATIC=1 [LIBC=musl]: one self-contained
# program, no interpreter, no shared library (scripts/check-static.sh
# proves it: make check-static). Linked as a static PIE, so the kernel
# still places it at a random address like the dynamic build.
O ?= build/$(TARGET)-static
ifeq ($(SAN),1)
$(error STATIC=1: the sanitizer runtimes are shared libraries; use SAN=1 without STATIC)
endif
GA_LDFLAGS += -static-pie
ifeq ($(LIBC),musl)
# musl-gcc's specs (Debian 12) know -static but not -static-pie: the same
# specs with musl's self-relocating start file (rcrt1.o) and no
# interpreter for -static-pie, written next to the musl libraries.
GA_MUSL_SPECS := $(lastword $(shell cat $$(command -v musl-gcc) 2>/dev/null))
GA_STATIC_SPECS := $(MUSL_PREFIX)/static-pie.specs
$(shell mkdir -p $(MUSL_PREFIX) && [ -f $(GA_MUSL_SPECS) ] && sed \
	-e 's|^%{!shared: \([^ ]*\)/Scrt1.o}|%{static-pie:\1/rcrt1.o;!shared:\1/Scrt1.o}|' \
	-e 's|^-dynamic-linker \([^ ]*\)|%{!static-pie:-dynamic-linker \1}|' \
	-e 's|%{static:-static}|%{static\|static-pie:-static} %{static-pie:-pie --no-dynamic-linker -z text}|' \
	$(GA_MUSL_SPECS) > $(GA_STATIC_SPECS).tmp && mv $(GA_STATIC_SPECS).tmp $(GA_STATIC_SPECS))
CC := gcc -specs=$(GA_STATIC_SPECS)
endif

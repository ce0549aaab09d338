# gridalert - one GNU Makefile.
#
#   make                      build/host/{gridalertd,gridalertctl}
#   make run | test | bench   see README.md
#   make test SAN=1           everything again under ASan + UBSan (build/host-san)
#   make TARGET=aarch64       cross build via toolchain/aarch64.mk
#   make O=dir V=1            output directory, verbose commands
#
# Buildroot passes CC, CFLAGS, LDFLAGS and PKG_CONFIG on the command line,
# which overrides any "CFLAGS +=" here: our own flags live in GA_CFLAGS and
# the caller's CFLAGS come last on the command line.

.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

TARGET ?= host
ifneq ($(BR_SDK),)
include toolchain/buildroot.mk
else ifneq ($(TARGET),host)
include toolchain/$(TARGET).mk
endif
# C library and linking: make LIBC=musl, make STATIC=1 (README "C libraries")
include $(if $(filter-out glibc,$(LIBC)),toolchain/$(LIBC).mk) $(if $(filter 1,$(STATIC)),toolchain/static.mk)

# The upstream release tarballs (mbedTLS, libgpiod, Buildroot) that make
# compat and tests/integration/test_firmware.sh need; README.md says which.
# Without them those are reported as skipped (failed under CI=true).
THIRD_PARTY ?= $(wildcard ../shared/third_party)
export THIRD_PARTY

ifeq ($(SAN),1)
O ?= build/$(TARGET)-san
else
O ?= build/$(TARGET)
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
STRIP ?= $(CROSS_COMPILE)strip
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
LDFLAGS ?=

WERROR ?= 1
GA_WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wpointer-arith -Wundef
ifeq ($(WERROR),1)
GA_WARN += -Werror
endif
# 64-bit file offsets on the 32-bit boards too (armel, armhf): a journal
# may grow to 4 GiB, and readdir() on a 64-bit file system fails with
# EOVERFLOW without it (as Buildroot's own CFLAGS do); no-op on 64-bit.
GA_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(GA_WARN) -MMD -MP \
	-Isrc -Idrivers -Idrivers/lcd -Idrivers/gpio
# No C++ exceptions or cancellation to unwind through: the .eh_frame
# tables are 16 KB of a 180 KB daemon (size target, docs/architecture.md); with -g the
# debugger still gets .debug_frame.
GA_CFLAGS += -fno-asynchronous-unwind-tables -fno-unwind-tables
# Relative relocations packed (DT_RELR): the PIE's 600 pointer fixups take
# ~1 KB instead of 14 KB. Only where the linker supports it for the target
# (binutils >= 2.41 on aarch64, 2.38 on x86-64) and the libc loads it
# (glibc >= 2.36, musl >= 1.2.4; never uClibc-ng).
GA_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
ifneq ($(findstring -gnu,$(GA_MACHINE))$(findstring -musl,$(GA_MACHINE)),)
# (binutils 2.40 for aarch64 only warns that it ignores the option: any
# output at all means no)
GA_RELR := $(shell out=$$(echo 'int main(void){return 0;}' | $(CC) -x c - \
	-o /dev/null -Wl,-z,pack-relative-relocs 2>&1) && [ -z "$$out" ] && \
	echo -Wl,-z,pack-relative-relocs)
endif
GA_LDFLAGS += $(GA_RELR)
# Full RELRO: the GOT is resolved at start and made read-only (a network
# daemon; Debian's hardening=+bindnow does the same). On aarch64 it also
# moves the RW segment so the file pads 4 KB less (size target, docs/architecture.md).
GA_LDFLAGS += -Wl,-z,relro,-z,now
# Link-time optimisation for the two programs: on aarch64 -Os it takes
# 16 KB off the stripped daemon (167 376 -> 150 992 bytes; the size
# target is in docs/architecture.md), by inlining the many one-caller static helpers across modules.
# Objects are fat (-ffat-lto-objects): the test programs, the allocation-
# counting build and anything linked with --wrap use their ordinary code,
# so link-time wrapping still sees every call. Only where the compiler has
# LTO (Buildroot's gcc has it only with BR2_GCC_ENABLE_LTO); LTO=0 turns
# it off; sanitizer builds skip it (build time, nothing to measure).
LTO ?= $(if $(filter 1,$(SAN)),0,1)
ifeq ($(LTO),1)
GA_LTO := $(shell echo 'int main(void){return 0;}' | $(CC) -flto=auto -x c - \
	-o /dev/null >/dev/null 2>&1 && echo -flto=auto)
endif
GA_LTO_CFLAGS := $(if $(GA_LTO),$(GA_LTO) -ffat-lto-objects)

ifeq ($(SAN),1)
GA_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
GA_LDFLAGS += -fsanitize=address,undefined
endif

# Debian 12's mbedTLS 2.28 ships no .pc file : fall back.
MBEDTLS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags mbedtls 2>/dev/null)
MBEDTLS_LIBS ?= $(shell $(PKG_CONFIG) --libs mbedtls mbedx509 mbedcrypto 2>/dev/null || \
	echo -lmbedtls -lmbedx509 -lmbedcrypto)
# libgpiod 1.6 (Debian) and 2.x (Buildroot) are two backends picked here
# from the library version ; no #if in core files.
GPIOD_VERSION ?= $(shell $(PKG_CONFIG) --modversion libgpiod 2>/dev/null)
ifneq ($(filter 2.%,$(GPIOD_VERSION)),)
GPIOD_BACKEND := gpiod2
else
GPIOD_BACKEND := gpiod1
endif
GPIOD_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libgpiod 2>/dev/null)
GPIOD_LIBS ?= $(shell $(PKG_CONFIG) --libs libgpiod 2>/dev/null || echo -lgpiod)

GA_CFLAGS += $(MBEDTLS_CFLAGS) $(GPIOD_CFLAGS)
LIBS := $(MBEDTLS_LIBS) $(GPIOD_LIBS)

COMPILE = $(CC) $(GA_CFLAGS) $(GA_LTO_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LINK = $(CC) $(GA_CFLAGS) $(CFLAGS) $(GA_LDFLAGS) $(LDFLAGS)

PROGS := src/gridalertd.c src/gridalertctl.c
LIB_SRCS := $(filter-out $(PROGS),$(wildcard src/*.c)) \
	$(wildcard drivers/lcd/*.c) \
	$(filter-out drivers/gpio/gpiod%.c,$(wildcard drivers/gpio/*.c)) \
	$(wildcard drivers/gpio/$(GPIOD_BACKEND).c)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/obj/%.o)
LIB := $(O)/libgridalert.a

TEST_SUPPORT_SRCS := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(O)/obj/%.o)
TEST_SRCS := $(if $(GA_NO_CMOCKA),,$(wildcard tests/unit/test_*.c tests/model/test_*.c))
TEST_BINS := $(TEST_SRCS:%.c=$(O)/%)
CMOCKA_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS ?= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

BINS := $(O)/gridalertd $(O)/gridalertctl

.PHONY: all
all: $(BINS)

$(O)/obj/%.o: %.c $(O)/.flags | $(O)/.dirs
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(COMPILE) -c -o $@ $<

$(O)/.dirs:
	$(Q)mkdir -p $(O)/obj && touch $@

# Objects do not record the flags they were built with: remember them, so
# that `make LTO=0`, SAN=1 in the same O= or a new CFLAGS rebuilds.
GA_FLAGS_NOW := $(COMPILE) | $(LINK) $(GA_LTO)
GA_FLAGS_Q = $(subst ','\'',$(GA_FLAGS_NOW))
$(O)/.flags: FORCE | $(O)/.dirs
	$(Q)if [ "$$(cat $@ 2>/dev/null)" != '$(GA_FLAGS_Q)' ]; then \
		printf '%s\n' '$(GA_FLAGS_Q)' > $@; fi

.PHONY: FORCE
FORCE:

$(LIB): $(LIB_OBJS)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/gridalertd: $(O)/obj/src/gridalertd.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(LINK) $(GA_LTO) -o $@ $< $(LIB) $(LIBS)

$(O)/gridalertctl: $(O)/obj/src/gridalertctl.o $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(LINK) $(GA_LTO) -o $@ $< $(LIB) $(LIBS)

# Unit and model tests: one cmocka binary per file (tables may leave
# trailing fields zero, hence -Wno-missing-field-initializers). A test that needs link
# options of its own (e.g. -Wl,--wrap=fsync) sets LDFLAGS_test_<name> in a
# tests/*.mk fragment.
$(O)/tests/%: tests/%.c $(TEST_SUPPORT_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  TEST-LD $@")
	$(Q)$(LINK) $(CMOCKA_CFLAGS) -Itests/support $(CPPFLAGS) \
		-Wno-missing-field-initializers -o $@ $< \
		$(TEST_SUPPORT_OBJS) $(LDFLAGS_$(notdir $@)) $(LIB) $(LIBS) $(CMOCKA_LIBS)

$(O)/obj/tests/%.o: CFLAGS += $(CMOCKA_CFLAGS)

.PHONY: tests
tests: $(BINS) $(TEST_BINS)

.PHONY: deps
deps:
	$(Q)scripts/deps.sh build test $(DEPS_EXTRA)

.PHONY: run
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(O)/gridalertd -f -c board/sim/gridalert.conf

.PHONY: test
test: deps
	$(Q)$(MAKE) --no-print-directory tests $(TEST_EXTRA_TARGETS)
	$(Q)GA_BUILD=$(O) GA_SAN=$(SAN) GA_LIBC=$(LIBC) tests/run.sh

# After "ready" our code never allocates. This grep catches new calls;
# tests/integration/test_hardening.sh proves it at run time.
.PHONY: check-banned
check-banned:
	$(Q)scripts/check-banned.sh

.PHONY: fmt
fmt:
	$(Q)clang-format -i $(wildcard src/*.[ch] drivers/*/*.[ch] tests/*/*.[ch])

.PHONY: clean
clean:
	rm -rf build

# Fragments owned by other parts of the tree: cross builds, install,
# compatibility builds, fuzzing, benchmark, per-test link flags.
-include $(sort $(wildcard mk/*.mk tests/*.mk))

-include $(LIB_OBJS:.o=.d) $(TEST_SUPPORT_OBJS:.o=.d) $(TEST_BINS:=.d) \
	$(O)/obj/src/gridalertd.d $(O)/obj/src/gridalertctl.d

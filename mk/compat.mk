# make compat - build mbedTLS 3.6.6 and libgpiod 2.2.4 (what Buildroot
# 2026.05.1 ships) from the release tarballs in $(THIRD_PARTY) (see the
# Makefile and README.md) under build/compat, then build gridalert against
# them (tls.c's 3.x blocks, drivers/gpio/gpiod2.c) and run the unit and
# model tests. The libraries are built once and kept. Without the tarballs
# it prints a TAP skip line and the summary, and fails only under CI=true.
COMPAT_O := build/compat
COMPAT_PREFIX := $(abspath $(COMPAT_O))/prefix
# Any compression tar reads: the upstream release files (README.md) are
# mbedtls-3.6.6.tar.bz2 and libgpiod-2.2.4.tar.xz.
COMPAT_MBEDTLS_TAR := $(if $(THIRD_PARTY),$(firstword $(wildcard $(THIRD_PARTY)/mbedtls-3.6.6.tar.*)))
COMPAT_GPIOD_TAR := $(if $(THIRD_PARTY),$(firstword $(wildcard $(THIRD_PARTY)/libgpiod-2.2.4.tar.*)))
COMPAT_MISSING := $(if $(COMPAT_MBEDTLS_TAR),,mbedtls-3.6.6.tar.*) \
	$(if $(COMPAT_GPIOD_TAR),,libgpiod-2.2.4.tar.*)
COMPAT_HOWTO := get https://github.com/Mbed-TLS/mbedtls/releases/download/mbedtls-3.6.6/mbedtls-3.6.6.tar.bz2 \
	and https://www.kernel.org/pub/software/libs/libgpiod/libgpiod-2.2.4.tar.xz \
	into a directory and pass THIRD_PARTY=<dir>, see README.md

.PHONY: compat compat-libs
compat-libs: $(COMPAT_PREFIX)/lib/libmbedtls.a $(COMPAT_PREFIX)/lib/pkgconfig/libgpiod.pc

$(COMPAT_PREFIX)/lib/libmbedtls.a:
	$(Q)scripts/deps.sh compat
	$(Q)mkdir -p $(COMPAT_O) $(COMPAT_PREFIX)/lib $(COMPAT_PREFIX)/include
	$(Q)test -d $(COMPAT_O)/mbedtls-3.6.6 || tar -C $(COMPAT_O) -xf $(COMPAT_MBEDTLS_TAR)
	@# the tarball lacks the framework submodule; its generated files are
	@# present, so an old empty generator keeps make from wanting it
	$(Q)mkdir -p $(COMPAT_O)/mbedtls-3.6.6/framework/scripts && \
		touch -d 2000-01-01 $(COMPAT_O)/mbedtls-3.6.6/framework/scripts/generate_ssl_debug_helpers.py
	$(Q)$(MAKE) -s -C $(COMPAT_O)/mbedtls-3.6.6/library CFLAGS="-O2 -fPIC" \
		libmbedcrypto.a libmbedx509.a libmbedtls.a
	$(Q)cp $(COMPAT_O)/mbedtls-3.6.6/library/*.a $(COMPAT_PREFIX)/lib/
	$(Q)cp -r $(COMPAT_O)/mbedtls-3.6.6/include/mbedtls $(COMPAT_O)/mbedtls-3.6.6/include/psa \
		$(COMPAT_PREFIX)/include/

$(COMPAT_PREFIX)/lib/pkgconfig/libgpiod.pc:
	$(Q)scripts/deps.sh compat
	$(Q)mkdir -p $(COMPAT_O)
	$(Q)test -d $(COMPAT_O)/libgpiod-2.2.4 || tar -C $(COMPAT_O) -xf $(COMPAT_GPIOD_TAR)
	@# a release tarball has configure; a git tree has autogen.sh, which
	@# runs autoreconf and then configure with the same arguments
	$(Q)cd $(COMPAT_O)/libgpiod-2.2.4 && cfg=./configure && \
		{ [ -x configure ] || cfg=./autogen.sh; } && $$cfg --prefix=$(COMPAT_PREFIX) \
		--enable-tools=no --enable-tests=no --enable-static --disable-shared >/dev/null && \
		$(MAKE) -s >/dev/null && $(MAKE) -s install >/dev/null

ifneq ($(strip $(COMPAT_MISSING)),)
COMPAT_WHAT := compat build against mbedTLS 3.6.6 and libgpiod 2.2.4
COMPAT_WHY := no $(strip $(COMPAT_MISSING)) in THIRD_PARTY=$(or $(THIRD_PARTY),<unset>) ($(strip $(COMPAT_HOWTO)))
compat:
ifeq ($(CI),true)
	@echo "not ok - $(COMPAT_WHAT): $(COMPAT_WHY); under CI=true a missing tarball is a failure"
	@echo "0 passed, 1 failed, 0 skipped"
	@exit 1
else
	@echo "ok - $(COMPAT_WHAT) # SKIP $(COMPAT_WHY)"
	@echo "0 passed, 0 failed, 1 skipped"
endif
else
compat: compat-libs
	$(Q)$(MAKE) --no-print-directory O=$(COMPAT_O)/gridalert \
		PKG_CONFIG_PATH=$(COMPAT_PREFIX)/lib/pkgconfig \
		MBEDTLS_CFLAGS="-I$(COMPAT_PREFIX)/include" \
		MBEDTLS_LIBS="$(COMPAT_PREFIX)/lib/libmbedtls.a $(COMPAT_PREFIX)/lib/libmbedx509.a $(COMPAT_PREFIX)/lib/libmbedcrypto.a" \
		GPIOD_CFLAGS="-I$(COMPAT_PREFIX)/include" \
		GPIOD_LIBS="$(COMPAT_PREFIX)/lib/libgpiod.a" \
		GPIOD_VERSION="$$(PKG_CONFIG_PATH=$(COMPAT_PREFIX)/lib/pkgconfig pkg-config --modversion libgpiod)" \
		tests
	$(Q)GA_BUILD=$(COMPAT_O)/gridalert GA_UNIT_ONLY=1 tests/run.sh
endif

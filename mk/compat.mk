# make compat - build mbedTLS 3.6.6 and libgpiod 2.2.4 (what Buildroot
# 2026.05.1 ships) from ../shared/third_party under build/compat, then build
# gridalert against them (tls.c's 3.x blocks, drivers/gpio/gpiod2.c) and run
# the unit and model tests. The libraries are built once and kept.
COMPAT_O := build/compat
COMPAT_PREFIX := $(abspath $(COMPAT_O))/prefix
THIRD_PARTY ?= ../shared/third_party

.PHONY: compat compat-libs
compat-libs: $(COMPAT_PREFIX)/lib/libmbedtls.a $(COMPAT_PREFIX)/lib/pkgconfig/libgpiod.pc

$(COMPAT_PREFIX)/lib/libmbedtls.a:
	$(Q)scripts/deps.sh compat
	$(Q)mkdir -p $(COMPAT_O) $(COMPAT_PREFIX)/lib $(COMPAT_PREFIX)/include
	$(Q)test -d $(COMPAT_O)/mbedtls-3.6.6 || tar -C $(COMPAT_O) -xf $(THIRD_PARTY)/mbedtls-3.6.6.tar.xz
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
	$(Q)test -d $(COMPAT_O)/libgpiod-2.2.4 || tar -C $(COMPAT_O) -xf $(THIRD_PARTY)/libgpiod-2.2.4.tar.xz
	$(Q)cd $(COMPAT_O)/libgpiod-2.2.4 && ./autogen.sh --prefix=$(COMPAT_PREFIX) \
		--enable-tools=no --enable-tests=no --enable-static --disable-shared >/dev/null && \
		$(MAKE) -s >/dev/null && $(MAKE) -s install >/dev/null

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

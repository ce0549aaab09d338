# mk/musl.mk - the libraries of make LIBC=musl (toolchain/musl.mk), built
# once into build/musl/prefix from THIRD_PARTY's upstream tarballs, and
# make check-musl, the CI step.
MUSL_SRC := build/musl/src
MUSL_PREFIX ?= $(abspath build/musl/prefix)
# the tarballs: COMPAT_MBEDTLS_TAR, COMPAT_GPIOD_TAR of mk/compat.mk

# The prefix's include/ holds the libraries' headers and links to the
# kernel's UAPI headers (musl-gcc sees /usr/include/x86_64-linux-musl only).
$(MUSL_PREFIX)/.headers:
	$(Q)scripts/deps.sh build musl
	$(Q)mkdir -p $(MUSL_PREFIX)/include $(MUSL_PREFIX)/lib
	$(Q)for d in /usr/include/linux /usr/include/asm-generic \
		/usr/include/$$(gcc -dumpmachine)/asm; do \
		ln -sfn $$d $(MUSL_PREFIX)/include/$$(basename $$d) || exit 1; done
	$(Q)touch $@

$(MUSL_PREFIX)/lib/libmbedtls.a: | $(MUSL_PREFIX)/.headers
	$(Q)$(if $(strip $(COMPAT_MISSING)),echo "LIBC=musl: $(COMPAT_WHY)" >&2; exit 1,:)
	$(if $(Q),@echo "  MUSL    mbedtls-3.6.6")
	$(Q)mkdir -p $(MUSL_SRC)
	$(Q)rm -rf $(MUSL_SRC)/mbedtls-3.6.6 && tar -C $(MUSL_SRC) -xf $(COMPAT_MBEDTLS_TAR)
	@# the tarball lacks the framework submodule; its generated files are
	@# present, so an old empty generator keeps make from wanting it
	$(Q)mkdir -p $(MUSL_SRC)/mbedtls-3.6.6/framework/scripts && \
		touch -d 2000-01-01 $(MUSL_SRC)/mbedtls-3.6.6/framework/scripts/generate_ssl_debug_helpers.py
	$(Q)$(MAKE) -s -C $(MUSL_SRC)/mbedtls-3.6.6/library CC=musl-gcc AR=ar \
		CFLAGS="-O2 -fPIC" libmbedcrypto.a libmbedx509.a libmbedtls.a
	$(Q)cp -r $(MUSL_SRC)/mbedtls-3.6.6/include/mbedtls $(MUSL_SRC)/mbedtls-3.6.6/include/psa \
		$(MUSL_PREFIX)/include/
	$(Q)cp $(MUSL_SRC)/mbedtls-3.6.6/library/libmbed*.a $(MUSL_PREFIX)/lib/

# built by the same rule (a missing tarball is then reported as such)
$(MUSL_PREFIX)/lib/libmbedx509.a $(MUSL_PREFIX)/lib/libmbedcrypto.a: $(MUSL_PREFIX)/lib/libmbedtls.a ;

$(MUSL_PREFIX)/lib/libgpiod.a: | $(MUSL_PREFIX)/.headers
	$(Q)scripts/deps.sh compat
	$(if $(Q),@echo "  MUSL    libgpiod-2.2.4")
	$(Q)mkdir -p $(MUSL_SRC)
	$(Q)rm -rf $(MUSL_SRC)/libgpiod-2.2.4 && tar -C $(MUSL_SRC) -xf $(COMPAT_GPIOD_TAR)
	$(Q)cd $(MUSL_SRC)/libgpiod-2.2.4 && ./autogen.sh --prefix=$(MUSL_PREFIX) \
		CC=musl-gcc CPPFLAGS=-I$(MUSL_PREFIX)/include \
		--enable-tools=no --enable-tests=no --enable-static --disable-shared >/dev/null && \
		$(MAKE) -s >/dev/null && $(MAKE) -s install >/dev/null

.PHONY: musl-libs
musl-libs: $(MUSL_PREFIX)/lib/libmbedtls.a $(MUSL_PREFIX)/lib/libgpiod.a

# gridalertd-alloc counts the heap calls of our objects (tests/alloc.mk,
# --wrap=malloc,...). With mbedTLS and libgpiod linked statically the wrap
# would count theirs too (a TLS handshake allocates), so that program links
# copies of the archives whose calls name __real_malloc etc.: the wrap's
# own way to the plain function, uncounted, as with shared libraries.
MUSL_WRAPPED := malloc calloc realloc strdup strndup
MUSL_ALLOC_LIBS := $(patsubst $(MUSL_PREFIX)/lib/%,$(MUSL_PREFIX)/lib/alloc/%, \
	$(filter %.a,$(MBEDTLS_LIBS) $(GPIOD_LIBS)))

$(MUSL_PREFIX)/lib/alloc/%.a: $(MUSL_PREFIX)/lib/%.a
	@mkdir -p $(@D)
	$(Q)objcopy $(foreach f,$(MUSL_WRAPPED),--redefine-sym $(f)=__real_$(f)) $< $@

ifeq ($(LIBC),musl)
# every object may include the libraries' headers
$(O)/.dirs: | musl-libs
$(O)/gridalertd-alloc: LIBS = $(MUSL_ALLOC_LIBS)
$(O)/gridalertd-alloc: $(MUSL_ALLOC_LIBS)
endif

# make check-musl - CI: the musl programs through the integration tests
# (make test LIBC=musl), then the static musl programs: self-contained
# (check-static) and through the tests that resolve names, look up users
# and groups and serve TLS (the fault shim is LD_PRELOADed and the alloc
# build wraps malloc: neither applies to a static program). Without the
# tarballs it says so and skips, except under CI=true, where a skip would
# hide a lost build.
.PHONY: check-musl
check-musl:
	$(Q)if [ -n "$(strip $(COMPAT_MISSING))" ]; then \
		if [ "$${CI:-}" = true ]; then \
			echo "check-musl: $(COMPAT_WHY)" >&2; exit 1; fi; \
		echo "check-musl: skipped: $(COMPAT_WHY)"; exit 0; fi; \
		$(MAKE) --no-print-directory test LIBC=musl && \
		$(MAKE) --no-print-directory check-static LIBC=musl STATIC=1 && \
		$(MAKE) --no-print-directory test LIBC=musl STATIC=1 \
			GA_TESTS="$(MUSL_STATIC_TESTS)"
MUSL_STATIC_TESTS ?= test_http_rows test_pull test_daemon_life test_tls_reload test_config_life

# make bench measures the musl static daemon next to glibc's when the
# tarballs are there (bench/run.py --musl)
BENCH_MUSL ?= $(if $(strip $(COMPAT_MISSING)),,build/musl-static)

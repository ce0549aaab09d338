# toolchain/musl.mk - make LIBC=musl: both programs built with Debian's
# musl-tools (musl-gcc: this machine's gcc on musl 1.2.3's headers and
# libraries) into build/musl/, against mbedTLS 3.6.6 and libgpiod 2.2.4
# built for musl from THIRD_PARTY into build/musl/prefix by mk/musl.mk and
# linked statically. The C library itself is musl's
# libc.so unless STATIC=1 (build/musl-static/).
#
# For a board, a Buildroot musl toolchain needs none of this: build its SDK
# with BR2_TOOLCHAIN_BUILDROOT_MUSL and use BR_SDK= (toolchain/buildroot.mk).
ifneq ($(TARGET),host)
$(error LIBC=musl builds for this machine with musl-gcc; for a board use a Buildroot musl SDK: make BR_SDK=...)
endif
ifeq ($(SAN),1)
$(error LIBC=musl: the sanitizer runtimes are built for glibc; use SAN=1 without LIBC)
endif

CC := musl-gcc
# The Makefile probes $(CC) while it reads itself (LTO, the triplet): the
# compiler must be there before any recipe could install it.
ifeq ($(shell command -v musl-gcc),)
$(shell scripts/deps.sh musl >&2)
endif
CFLAGS ?= -O2 -g
MUSL_PREFIX := $(abspath build/musl/prefix)
O ?= build/musl$(if $(filter 1,$(STATIC)),-static)
DEPS_EXTRA += musl compat

# Only the libraries built for musl: never the host's glibc ones.
PKG_CONFIG := env PKG_CONFIG_LIBDIR=$(MUSL_PREFIX)/lib/pkgconfig pkg-config
# musl-gcc searches only musl's include directory; the prefix also links
# the kernel's UAPI headers (linux/, asm/, asm-generic/), which libgpiod
# and our i2c and watchdog drivers include. A system directory:
# <linux/ioctl.h> redefines musl's _IOC macros (to the same values).
MBEDTLS_CFLAGS := -isystem $(MUSL_PREFIX)/include
MBEDTLS_LIBS := $(MUSL_PREFIX)/lib/libmbedtls.a $(MUSL_PREFIX)/lib/libmbedx509.a \
	$(MUSL_PREFIX)/lib/libmbedcrypto.a
GPIOD_CFLAGS :=
GPIOD_LIBS := $(MUSL_PREFIX)/lib/libgpiod.a
GPIOD_VERSION := 2.2.4

# The cmocka unit and model tests are not built: Debian has no cmocka for
# musl and THIRD_PARTY no cmocka source. They test libc-free logic and run
# under glibc, the sanitizers, qemu and make compat; what musl changes
# (sockets, signalfd, DNS, syslog, time formatting, malloc) is what the
# integration tests drive through the real musl programs.
GA_NO_CMOCKA := 1

# Packed relative relocations (DT_RELR) need musl >= 1.2.4's loader;
# Debian 12 has 1.2.3, and musl-gcc reports the host's -gnu triplet, so
# the Makefile's probe would wrongly say yes.
override GA_RELR :=

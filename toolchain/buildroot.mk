# toolchain/buildroot.mk - BR_SDK=/path/to/sdk: a Buildroot SDK (make sdk,
# unpacked; relocate-sdk.sh run). Its bin/<tuple>-gcc is the compiler and
# <tuple>/sysroot holds mbedTLS and libgpiod of the image, so the
# binaries match what the board runs.
BR_SDK_GCC := $(firstword $(wildcard $(BR_SDK)/bin/*-buildroot-linux-*-gcc))
ifeq ($(BR_SDK_GCC),)
$(error BR_SDK=$(BR_SDK): no bin/*-buildroot-linux-*-gcc there (is it an unpacked Buildroot SDK?))
endif
BR_SDK_TUPLE := $(patsubst %-gcc,%,$(notdir $(BR_SDK_GCC)))
CROSS_COMPILE ?= $(BR_SDK)/bin/$(BR_SDK_TUPLE)-
BR_SDK_SYSROOT := $(BR_SDK)/$(BR_SDK_TUPLE)/sysroot
PKG_CONFIG := env PKG_CONFIG_SYSROOT_DIR=$(BR_SDK_SYSROOT) \
	PKG_CONFIG_LIBDIR=$(BR_SDK_SYSROOT)/usr/lib/pkgconfig:$(BR_SDK_SYSROOT)/usr/share/pkgconfig \
	pkg-config
O ?= build/buildroot

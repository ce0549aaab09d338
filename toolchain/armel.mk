# toolchain/armel.mk - Debian's cross compiler and the armel multiarch
# -dev packages (make deps TARGET=armel installs them); qemu-user runs the
# tests with -cpu arm1176 (the Pi Zero / Pi 1 ARM1176).
# Boards: size over speed (an I/O-bound daemon; the size target in docs/architecture.md).
CFLAGS ?= -Os -g
CROSS_COMPILE ?= arm-linux-gnueabi-
PKG_CONFIG := env PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabi/pkgconfig:/usr/share/pkgconfig pkg-config
QEMU := qemu-arm -cpu arm1176 -L /usr/arm-linux-gnueabi
DEPS_EXTRA := cross-armel

# toolchain/armhf.mk - Debian's cross compiler and the armhf multiarch
# -dev packages (make deps TARGET=armhf installs them); qemu-user runs the
# tests with -cpu cortex-a7.
# Boards: size over speed (an I/O-bound daemon; the size target in docs/architecture.md).
CFLAGS ?= -Os -g
CROSS_COMPILE ?= arm-linux-gnueabihf-
PKG_CONFIG := env PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig pkg-config
QEMU := qemu-arm -cpu cortex-a7 -L /usr/arm-linux-gnueabihf
DEPS_EXTRA := cross-armhf

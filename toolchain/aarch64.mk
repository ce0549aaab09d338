# toolchain/aarch64.mk - Debian's cross compiler and the arm64 multiarch
# -dev packages (make deps TARGET=aarch64 installs them); qemu-user runs the
# tests with -cpu cortex-a53.
# Boards: size over speed (an I/O-bound daemon; the size target in docs/architecture.md).
CFLAGS ?= -Os -g
CROSS_COMPILE ?= aarch64-linux-gnu-
PKG_CONFIG := env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
QEMU := qemu-aarch64 -cpu cortex-a53 -L /usr/aarch64-linux-gnu
DEPS_EXTRA := cross-aarch64
# Segments aligned for 16 KiB pages: the Pi 5 kernel (kernel_2712) uses
# 16 KiB pages, and Debian's default 64 KiB alignment pads the file by
# ~50 KB for nothing (docs/architecture.md: stripped binary <= 150 KB).
GA_LDFLAGS += -Wl,-z,max-page-size=16384

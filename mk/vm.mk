# make vm BOARD=rpi3|virt|rpi0 - a virtual board: Debian's kernel on QEMU
# (-M raspi3b or -M virt with the arm64 kernel and the aarch64 daemon;
# -M raspi0 with the armel "rpi" kernel and the armel daemon) booting an
# initramfs packed from the firmware's own pieces (scripts/vm-pack.sh); its
# serial console is this terminal (Ctrl-A x quits QEMU). The kernels and
# BusyBox are downloaded once into $(VM_CACHE); a second run is offline.
# make vm-test - tests/vm/vm_test.py drives the boards over their serial
# consoles and prints TAP lines and "N passed, N failed".
#   VM_GPIOD=gpiod1|gpiod2  the GPIO backend in the image for make vm
#                           (libgpiod 1.6 from Debian, or 2.2.4 built here;
#                           gpiod2 for the aarch64 boards only)
#   VM_CUTS=N               power cuts in make vm-test (default 20)
BOARD ?= rpi3
VM_GPIOD ?= gpiod1
VM_CUTS ?= 20
# a hard bound on make vm-test (about 5 min at 20 cuts on 2 cores)
VM_TIMEOUT_S ?= $(shell echo $$((1200 + 60 * $(VM_CUTS))))
VM_CACHE ?= build/vm-cache
VM_O := build/vm
VM_GPIOD2_PREFIX := $(abspath $(VM_O))/libgpiod2-aarch64
VM_PY ?= /usr/bin/python3

.PHONY: vm vm-test vm-deps vm-images
vm-deps:
	$(Q)scripts/deps.sh build cross-aarch64 cross-armel vm

# the daemon against libgpiod 1.6 (Debian's aarch64 and armel) ...
$(VM_O)/aarch64-gpiod1/.built $(VM_O)/armel-gpiod1/.built: FORCE | vm-deps
	$(Q)t=$(@D); t=$${t##*/}; $(MAKE) --no-print-directory TARGET=$${t%-*} O=$(@D) all
	$(Q)touch $@

# ... and against libgpiod 2.2.4 cross-built from THIRD_PARTY (static)
$(VM_GPIOD2_PREFIX)/lib/libgpiod.a: | vm-deps
	$(Q)scripts/deps.sh compat
	$(Q)mkdir -p $(VM_O)/src
	$(Q)rm -rf $(VM_O)/src/libgpiod-2.2.4 && tar -C $(VM_O)/src -xf $(THIRD_PARTY)/libgpiod-2.2.4.tar.xz
	$(Q)cd $(VM_O)/src/libgpiod-2.2.4 && ./autogen.sh --host=aarch64-linux-gnu \
		--prefix=$(VM_GPIOD2_PREFIX) --enable-tools=no --enable-tests=no \
		--enable-static --disable-shared CFLAGS=-Os >/dev/null && \
		$(MAKE) -s >/dev/null && $(MAKE) -s install >/dev/null

$(VM_O)/aarch64-gpiod2/.built: $(VM_GPIOD2_PREFIX)/lib/libgpiod.a FORCE
	$(Q)$(MAKE) --no-print-directory TARGET=aarch64 O=$(@D) \
		GPIOD_CFLAGS="-I$(VM_GPIOD2_PREFIX)/include" \
		GPIOD_LIBS="$(VM_GPIOD2_PREFIX)/lib/libgpiod.a" GPIOD_VERSION=2.2.4 all
	$(Q)touch $@

$(VM_CACHE)/%/kernel/.done: | vm-deps
	$(Q)scripts/vm-fetch.sh $(VM_CACHE) $*
# made by a pattern rule for another's prerequisite: not to be deleted
.PRECIOUS: $(VM_CACHE)/%/kernel/.done

# one initramfs per board and backend (rpi3-gpiod1.cpio.gz, ...), repacked
# every time (a second); rpi0 is the armel build on an ARMv6 kernel. The
# builds are prerequisites, not sub-makes: under make -j two images share
# one build (rpi3 and virt), and two sub-makes of it clobbered each other.
$(VM_O)/rpi3-%.cpio.gz: $(VM_CACHE)/arm64/kernel/.done $(VM_O)/aarch64-%/.built FORCE
	$(Q)scripts/vm-pack.sh rpi3 $(VM_O)/aarch64-$* $(VM_CACHE) $@

$(VM_O)/virt-%.cpio.gz: $(VM_CACHE)/arm64/kernel/.done $(VM_O)/aarch64-%/.built FORCE
	$(Q)scripts/vm-pack.sh virt $(VM_O)/aarch64-$* $(VM_CACHE) $@

$(VM_O)/rpi0-%.cpio.gz: $(VM_CACHE)/armel/kernel/.done $(VM_O)/armel-%/.built FORCE
	$(Q)scripts/vm-pack.sh rpi0 $(VM_O)/armel-$* $(VM_CACHE) $@

vm-images: $(VM_O)/rpi3-gpiod1.cpio.gz $(VM_O)/rpi3-gpiod2.cpio.gz \
	$(VM_O)/virt-gpiod1.cpio.gz $(VM_O)/virt-gpiod2.cpio.gz \
	$(VM_O)/rpi0-gpiod1.cpio.gz

vm: $(VM_O)/$(BOARD)-$(VM_GPIOD).cpio.gz
	$(Q)$(VM_PY) tests/vm/board.py $(BOARD) $< $(VM_CACHE) $(VM_O)

vm-test: vm-images
	$(Q)VM_CUTS=$(VM_CUTS) timeout -k 30 $(VM_TIMEOUT_S) \
		$(VM_PY) tests/vm/vm_test.py $(VM_O) $(VM_CACHE)

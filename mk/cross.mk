# make check-cross - build for every Pi CPU and run the unit and model tests
# under qemu-user with the target's libraries: aarch64 (-cpu cortex-a53,
# Pi 3/4/Zero 2 W), armhf (cortex-a7, Pi 2/3 32-bit), armel (arm1176, the
# Pi Zero W / Pi 1). Ends with "N passed, N failed".
CROSS_TARGETS ?= aarch64 armhf armel

.PHONY: check-cross
check-cross:
	$(Q)tests/cross.sh $(CROSS_TARGETS)

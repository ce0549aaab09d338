# test_journal injects write/fsync faults by link-time wrapping.
LDFLAGS_test_journal := -Wl,--wrap=pwrite,--wrap=pwrite64,--wrap=fsync,--wrap=fdatasync

# The LD_PRELOAD fault shim for the integration tests of the real daemon.
$(O)/tests/libfault.so: tests/fault/libfault.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  SHLIB   $@")
	$(Q)$(CC) -shared -fPIC -O2 -Wall -Wextra -Werror -o $@ $< -ldl

TEST_EXTRA_TARGETS += $(O)/tests/libfault.so

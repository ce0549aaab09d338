# test_journal injects write/fsync faults by link-time wrapping.
LDFLAGS_test_journal := -Wl,--wrap=pwrite,--wrap=pwrite64,--wrap=fsync

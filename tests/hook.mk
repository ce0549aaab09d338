# test_hook counts posix_spawn_file_actions_*() calls by link-time
# wrapping: built once per run slot at setup, never per event.
LDFLAGS_test_hook := -Wl,--wrap=posix_spawn_file_actions_init,--wrap=posix_spawn_file_actions_adddup2,--wrap=posix_spawn_file_actions_addopen

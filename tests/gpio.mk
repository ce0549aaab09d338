# test_gpiod1 replaces libgpiod 1.6's calls with a fake chip (see the test).
GA_GPIOD1_WRAP := -Wl,--wrap=gpiod_chip_open_lookup,--wrap=gpiod_chip_get_line,--wrap=gpiod_line_request_output_flags,--wrap=gpiod_line_request_rising_edge_events_flags,--wrap=gpiod_line_set_value,--wrap=gpiod_line_event_get_fd,--wrap=gpiod_line_event_read_multiple,--wrap=gpiod_line_release,--wrap=gpiod_chip_close
LDFLAGS_test_gpiod1 := $(if $(filter gpiod1,$(GPIOD_BACKEND)),-DGA_TEST_GPIOD1 $(GA_GPIOD1_WRAP))

# test_gpio4: the hd44780-gpio bus and the libgpiod 1.6 bank against a fake
# chip whose lines drive the HD44780 model; nanosleep advances the model.
GA_GPIO4_WRAP := -Wl,--wrap=gpiod_chip_open_lookup,--wrap=gpiod_chip_get_lines,--wrap=gpiod_line_request_bulk_output,--wrap=gpiod_line_set_value_bulk,--wrap=gpiod_line_release_bulk,--wrap=gpiod_chip_close,--wrap=nanosleep
LDFLAGS_test_gpio4 := $(if $(filter gpiod1,$(GPIOD_BACKEND)),-DGA_TEST_GPIOD1 $(GA_GPIO4_WRAP))

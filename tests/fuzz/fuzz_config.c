/* fuzz_config.c - libFuzzer: the INI parser over any file contents. */
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *arg, const char *line)
{
	(void)arg;
	(void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ga_conf c;
	unsigned int nerr;

	(void)ga_conf_parse(&c, "/fuzz/gridalert.conf", (const char *)data, size,
			    quiet, NULL, &nerr);
	return 0;
}

/* fuzz_ctl.c - libFuzzer: control protocol lines through the dispatcher
 * with a command table shaped like the daemon's (argument parsing of
 * numbers and words), and the same bytes as a `--since` TIME. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ctl.h"
#include "history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmd_num(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	uint64_t n;

	(void)arg;
	if (args.len && ga_span_to_u64(args, 1000, &n)) {
		ga_ctl_printf(o, "bad number %.*s\n", (int)args.len, args.ptr);
		return -EINVAL;
	}
	for (uint64_t i = 0; args.len && i < n; i++) {
		ga_ctl_printf(o, "line %llu\n", (unsigned long long)i);
	}
	return 0;
}

static int cmd_echo(void *arg, struct ga_span args, struct ga_ctl_out *o)
{
	(void)arg;
	ga_ctl_write(o, args.ptr, args.len);
	return 0;
}

static const struct ga_ctl_cmd cmds[] = {
	{ "messages", "", "", cmd_num },
	{ "log", "", "", cmd_num },
	{ "test lcd", "", "", cmd_echo },
	{ "test", "", "", cmd_echo },
	{ "set", "", "", cmd_echo },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[GA_CTL_REPLY_MAX];
	struct ga_ctl c;
	struct ga_ctl_out o = { .buf = buf, .size = sizeof(buf) };

	ga_ctl_init(&c);
	c.cmds = cmds;
	c.ncmds = sizeof(cmds) / sizeof(cmds[0]);
	(void)ga_ctl_dispatch(&c, ga_span_make((const char *)data, size), &o);
	{
		/* `messages --since TIME`: any bytes, parsed or refused */
		int64_t t;

		(void)ga_history_parse_time(ga_span_make((const char *)data, size),
					    1796281200, &t);
	}
	if (o.len > o.size) {
		__builtin_trap();
	}
	return 0;
}

/* ctl.h - the control protocol spoken over the unix socket ([control]
 * socket) between gridalertd and gridalertctl.
 *
 * Wire format (line based, so it can be typed with socat/nc too):
 *   request:  one command line, UTF-8, at most GA_CTL_LINE_MAX bytes,
 *             terminated by LF (a CR before the LF is ignored). Words are
 *             separated by spaces; the command decides how much of the rest
 *             of the line is one argument ("inject sms Hello world").
 *   response: a header line "ok <N>\n" or "error <N>\n", then exactly N
 *             bytes of payload. For ok the payload is the command's output
 *             (lines ending in LF, possibly empty); for error it is one
 *             human-readable line ending in LF.
 * A connection carries any number of request/response pairs; the daemon
 * answers them in order. The payload is at most GA_CTL_REPLY_MAX bytes.
 *
 * gridalertctl exit status (docs/commands.md): 0 ok, 1 error (payload on stderr),
 * 2 daemon unreachable (cannot connect, or the connection dropped).
 */
#ifndef GA_CTL_H
#define GA_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "loop.h"

/* One command line; a serial console line is 80 columns, a `set` of a
 * long path or secret stays well under this. */
#define GA_CTL_LINE_MAX 1024
/* One reply: `messages 20` with 1600-byte texts is ~33 KiB. */
#define GA_CTL_REPLY_MAX 65536
/* Control clients at once: the serial shell, a script and two spares. */
#define GA_CTL_CLIENTS_MAX 4
/* A client idle this long is dropped so a forgotten connection cannot hold
 * one of the few slots forever; gridalertctl reconnects per command when
 * its connection was dropped, so a person at the prompt never notices. */
#define GA_CTL_IDLE_MS (10u * 60u * 1000u)

/* Reply being built by a command handler. */
struct ga_ctl_out {
	char *buf;
	size_t len;
	size_t size;
	bool overflow;
};

void ga_ctl_printf(struct ga_ctl_out *o, const char *fmt, ...) GA_PRINTF(2, 3);
void ga_ctl_write(struct ga_ctl_out *o, const char *p, size_t len);

/* A command handler: @args is the rest of the line after the command name
 * (trimmed). Returns 0 (reply "ok" with what it printed) or -errno with an
 * error message printed into @o (reply "error"). */
typedef int (*ga_ctl_fn)(void *arg, struct ga_span args, struct ga_ctl_out *o);

struct ga_ctl_cmd {
	const char *name;  /* "status", "test lcd" (multi-word allowed) */
	const char *usage; /* "messages [N]" */
	const char *help;  /* one line for `help` */
	ga_ctl_fn fn;
};

struct ga_ctl_client {
	struct ga_fd fd;
	struct ga_timer idle;
	struct ga_ctl *ctl;
	char in[GA_CTL_LINE_MAX + 2];
	size_t in_len;
	bool discard; /* the line was too long: drop bytes up to its LF */
	char *out;    /* GA_CTL_REPLY_MAX + header, reserved at setup */
	size_t out_len;
	size_t out_off;
};

struct ga_ctl {
	struct ga_loop *loop;
	struct ga_fd listen;
	const struct ga_ctl_cmd *cmds;
	unsigned int ncmds;
	void *arg;
	char path[108];
	struct ga_ctl_client clients[GA_CTL_CLIENTS_MAX];
	unsigned long commands; /* served, for status */
};

void ga_ctl_init(struct ga_ctl *c);
/* Bind @path (mode 0660, group @group when set; a stale socket is
 * replaced, a live one is an error), and serve @cmds. 0 or -errno. */
GA_MUST_CHECK int ga_ctl_setup(struct ga_ctl *c, struct ga_loop *l,
			       const char *path, const char *group,
			       const struct ga_ctl_cmd *cmds,
			       unsigned int ncmds, void *arg);
void ga_ctl_close(struct ga_ctl *c);

/* Run one command line as if it came from a client (tests, fuzzing):
 * returns the handler's result, the reply in @o. */
int ga_ctl_dispatch(struct ga_ctl *c, struct ga_span line,
		    struct ga_ctl_out *o);

#endif /* GA_CTL_H */

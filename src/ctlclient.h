/* ctlclient.h - the client side of the control protocol (ctl.h). Blocking,
 * with a timeout: gridalertctl is a short-lived command. */
#ifndef GA_CTLCLIENT_H
#define GA_CTLCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* A reply must start within this: the daemon answers every command from
 * its loop in well under a second; 10 s means it is wedged. */
#define GA_CTLCLIENT_TIMEOUT_MS 10000

struct ga_ctlclient {
	int fd;
	char path[108];
};

void ga_ctlclient_init(struct ga_ctlclient *c);
/* 0 or -errno (unreachable). */
GA_MUST_CHECK int ga_ctlclient_connect(struct ga_ctlclient *c, const char *path);
void ga_ctlclient_close(struct ga_ctlclient *c);

/* Send @line, read the reply into @out (NUL-terminated, at most @size - 1
 * bytes kept). Returns 0 (ok), 1 (error reply), or -errno when the daemon
 * is unreachable or the connection dropped mid-reply. */
int ga_ctlclient_request(struct ga_ctlclient *c, const char *line, char *out,
			 size_t size, size_t *len);

#endif /* GA_CTLCLIENT_H */

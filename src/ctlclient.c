/* ctlclient.c - see ctlclient.h. */
#include "ctlclient.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

void ga_ctlclient_init(struct ga_ctlclient *c)
{
	c->fd = -1;
	c->path[0] = '\0';
}

int ga_ctlclient_connect(struct ga_ctlclient *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	snprintf(c->path, sizeof(c->path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	return 0;
}

void ga_ctlclient_close(struct ga_ctlclient *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

/* Read exactly @n bytes (or up to the first LF when @line). */
static int ga_ctlclient_read(int fd, char *buf, size_t n, bool line,
			     size_t *got)
{
	size_t o = 0;

	while (o < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int pr = poll(&p, 1, GA_CTLCLIENT_TIMEOUT_MS);

		if (pr == 0) {
			return -ETIMEDOUT;
		}
		if (pr < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		r = read(fd, buf + o, line ? 1 : n - o);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (r == 0) {
			return -ECONNRESET;
		}
		o += (size_t)r;
		if (line && buf[o - 1] == '\n') {
			break;
		}
	}
	*got = o;
	return 0;
}

int ga_ctlclient_request(struct ga_ctlclient *c, const char *line, char *out,
			 size_t size, size_t *len)
{
	char hdr[32];
	size_t n = strlen(line), got = 0, want, keep;
	unsigned long long plen;
	bool ok;
	int err;
	char *end;

	if (n > GA_CTL_LINE_MAX) {
		return -EMSGSIZE;
	}
	/* the command and its LF in one write */
	{
		char buf[GA_CTL_LINE_MAX + 1];

		memcpy(buf, line, n);
		buf[n] = '\n';
		if (send(c->fd, buf, n + 1, MSG_NOSIGNAL) != (ssize_t)(n + 1)) {
			return -errno ? -errno : -EIO;
		}
	}
	err = ga_ctlclient_read(c->fd, hdr, sizeof(hdr) - 1, true, &got);
	if (err) {
		return err;
	}
	hdr[got] = '\0';
	if (strncmp(hdr, "ok ", 3) == 0) {
		ok = true;
	} else if (strncmp(hdr, "error ", 6) == 0) {
		ok = false;
	} else {
		return -EPROTO;
	}
	plen = strtoull(hdr + (ok ? 3 : 6), &end, 10);
	if (*end != '\n' || plen > GA_CTL_REPLY_MAX) {
		return -EPROTO;
	}
	want = (size_t)plen;
	keep = want < size ? want : size - 1;
	err = keep ? ga_ctlclient_read(c->fd, out, keep, false, &got) : 0;
	if (err) {
		return err;
	}
	/* drain what does not fit */
	for (size_t rest = want - keep; rest;) {
		char sink[512];
		size_t g;

		err = ga_ctlclient_read(c->fd, sink, rest < sizeof(sink) ? rest
									 : sizeof(sink),
					false, &g);
		if (err) {
			return err;
		}
		rest -= g;
	}
	out[keep] = '\0';
	if (len) {
		*len = keep;
	}
	return ok ? 0 : 1;
}

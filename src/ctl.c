/* ctl.c - the control socket server (protocol in ctl.h). Generic: the
 * commands come from a table the daemon passes in. */
#include "ctl.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"

/* "error 65536\n" */
#define GA_CTL_HEADER_MAX 24

void ga_ctl_printf(struct ga_ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->overflow = true;
		return;
	}
	o->len += (size_t)n;
}

void ga_ctl_write(struct ga_ctl_out *o, const char *p, size_t len)
{
	if (o->overflow || len > o->size - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, p, len);
	o->len += len;
}

void ga_ctl_init(struct ga_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->listen.fd = -1;
	c->listen.idx = -1;
	for (unsigned int i = 0; i < GA_CTL_CLIENTS_MAX; i++) {
		c->clients[i].fd.fd = -1;
		c->clients[i].fd.idx = -1;
	}
}

static bool ga_ctl_word_match(struct ga_span line, const char *name,
			      struct ga_span *rest)
{
	size_t n = strlen(name);

	if (line.len < n || memcmp(line.ptr, name, n) != 0) {
		return false;
	}
	if (line.len > n && line.ptr[n] != ' ' && line.ptr[n] != '\t') {
		return false;
	}
	*rest = ga_span_trim(ga_span_make(line.ptr + n, line.len - n));
	return true;
}

int ga_ctl_dispatch(struct ga_ctl *c, struct ga_span line, struct ga_ctl_out *o)
{
	const struct ga_ctl_cmd *best = NULL;
	struct ga_span args = GA_SPAN_NULL, rest;
	size_t best_len = 0;
	int err;

	line = ga_span_trim(line);
	if (line.len == 0) {
		return 0;
	}
	/* Longest name wins, so "test lcd" beats a plain "test". */
	for (unsigned int i = 0; i < c->ncmds; i++) {
		const struct ga_ctl_cmd *cmd = &c->cmds[i];

		if (ga_ctl_word_match(line, cmd->name, &rest) &&
		    strlen(cmd->name) > best_len) {
			best = cmd;
			best_len = strlen(cmd->name);
			args = rest;
		}
	}
	c->commands++;
	if (!best) {
		size_t w = 0;

		while (w < line.len && line.ptr[w] != ' ') {
			w++;
		}
		ga_ctl_printf(o, "unknown command '%.*s' (try: help)\n",
			      (int)(w > 64 ? 64 : w), line.ptr);
		return -EINVAL;
	}
	err = best->fn(c->arg, args, o);
	if (o->overflow) {
		o->len = 0;
		o->overflow = false;
		ga_ctl_printf(o, "reply longer than %u bytes; ask for less\n",
			      GA_CTL_REPLY_MAX);
		return -EMSGSIZE;
	}
	return err;
}

static void ga_ctl_client_close(struct ga_ctl_client *cl)
{
	struct ga_ctl *c = cl->ctl;

	if (cl->fd.fd < 0) {
		return;
	}
	ga_loop_fd_del(c->loop, &cl->fd);
	ga_timer_cancel(c->loop, &cl->idle);
	close(cl->fd.fd);
	cl->fd.fd = -1;
	cl->in_len = 0;
	cl->out_len = 0;
	cl->out_off = 0;
	cl->discard = false;
}

static void ga_ctl_client_flush(struct ga_ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd.fd, cl->out + cl->out_off,
				 cl->out_len - cl->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				ga_loop_fd_events(cl->ctl->loop, &cl->fd, POLLOUT);
				return;
			}
			ga_ctl_client_close(cl);
			return;
		}
		cl->out_off += (size_t)n;
	}
	cl->out_len = cl->out_off = 0;
	ga_loop_fd_events(cl->ctl->loop, &cl->fd, POLLIN);
}

/* Run one complete line and queue its framed reply. */
static void ga_ctl_client_line(struct ga_ctl_client *cl, struct ga_span line,
			       bool too_long)
{
	struct ga_ctl_out o = {
		.buf = cl->out + GA_CTL_HEADER_MAX,
		.size = GA_CTL_REPLY_MAX,
	};
	char hdr[GA_CTL_HEADER_MAX];
	int err, h;

	if (line.len && line.ptr[line.len - 1] == '\r') {
		line.len--;
	}
	if (too_long) {
		ga_ctl_printf(&o, "command line longer than %u bytes\n",
			      GA_CTL_LINE_MAX);
		err = -EMSGSIZE;
	} else {
		err = ga_ctl_dispatch(cl->ctl, line, &o);
	}
	h = snprintf(hdr, sizeof(hdr), "%s %zu\n", err ? "error" : "ok", o.len);
	/* Header right before the payload, so the reply is one buffer. */
	memcpy(cl->out + GA_CTL_HEADER_MAX - (size_t)h, hdr, (size_t)h);
	cl->out_off = GA_CTL_HEADER_MAX - (size_t)h;
	cl->out_len = GA_CTL_HEADER_MAX + o.len;
}

static void ga_ctl_client_cb(struct ga_fd *f, short revents)
{
	struct ga_ctl_client *cl = ga_container_of(f, struct ga_ctl_client, fd);
	struct ga_ctl *c = cl->ctl;

	ga_timer_set(c->loop, &cl->idle, GA_CTL_IDLE_MS);
	if (revents & POLLOUT) {
		ga_ctl_client_flush(cl);
		if (cl->fd.fd < 0 || cl->out_len) {
			return;
		}
		/* fall through to lines already buffered */
	} else if (revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = recv(f->fd, cl->in + cl->in_len,
				 sizeof(cl->in) - cl->in_len, 0);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			ga_ctl_client_close(cl);
			return;
		}
		if (n > 0) {
			cl->in_len += (size_t)n;
		}
	}
	/* One reply in flight at a time: lines wait in @in until it is sent,
	 * which is the back-pressure for a client that pipelines. */
	while (!cl->out_len && cl->in_len) {
		char *lf = memchr(cl->in, '\n', cl->in_len);
		size_t used;

		if (!lf) {
			if (cl->in_len == sizeof(cl->in)) {
				cl->discard = true; /* too long: skip to LF */
				cl->in_len = 0;
			}
			break;
		}
		used = (size_t)(lf - cl->in) + 1;
		ga_ctl_client_line(cl, ga_span_make(cl->in, used - 1),
				   cl->discard);
		cl->discard = false;
		memmove(cl->in, cl->in + used, cl->in_len - used);
		cl->in_len -= used;
		ga_ctl_client_flush(cl);
		if (cl->fd.fd < 0) {
			return;
		}
	}
}

static void ga_ctl_client_idle(struct ga_timer *t)
{
	struct ga_ctl_client *cl = ga_container_of(t, struct ga_ctl_client, idle);

	ga_ctl_client_close(cl);
}

static void ga_ctl_accept_cb(struct ga_fd *f, short revents)
{
	struct ga_ctl *c = ga_container_of(f, struct ga_ctl, listen);
	struct ga_ctl_client *cl = NULL;
	int fd;

	(void)revents;
	fd = accept4(f->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		return;
	}
	for (unsigned int i = 0; i < GA_CTL_CLIENTS_MAX; i++) {
		if (c->clients[i].fd.fd < 0) {
			cl = &c->clients[i];
			break;
		}
	}
	if (!cl) {
		static const char msg[] = "all control slots busy; try again\n";
		char busy[64];
		int n = snprintf(busy, sizeof(busy), "error %zu\n%s",
				 sizeof(msg) - 1, msg);
		ssize_t w = send(fd, busy, (size_t)n, MSG_NOSIGNAL);

		(void)w;
		close(fd);
		return;
	}
	cl->fd.fd = fd;
	cl->fd.events = POLLIN;
	cl->fd.cb = ga_ctl_client_cb;
	if (ga_loop_fd_add(c->loop, &cl->fd)) {
		close(fd);
		cl->fd.fd = -1;
		return;
	}
	ga_timer_set(c->loop, &cl->idle, GA_CTL_IDLE_MS);
}

int ga_ctl_setup(struct ga_ctl *c, struct ga_loop *l, const char *path,
		 const char *group, const struct ga_ctl_cmd *cmds,
		 unsigned int ncmds, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	c->loop = l;
	c->cmds = cmds;
	c->ncmds = ncmds;
	c->arg = arg;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (unsigned int i = 0; i < GA_CTL_CLIENTS_MAX; i++) {
		struct ga_ctl_client *cl = &c->clients[i];

		cl->ctl = c;
		cl->idle.cb = ga_ctl_client_idle;
		cl->out = malloc(GA_CTL_HEADER_MAX + GA_CTL_REPLY_MAX); /* setup-only */
		if (!cl->out) {
			return -ENOMEM;
		}
	}

	/* /run/gridalert on a board without systemd's RuntimeDirectory */
	err = ga_fs_mkdir_parents(path, 0750);
	if (err) {
		return err;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	/* A socket file left by a crash is stale when nobody answers on it;
	 * a live daemon's socket is not ours to take. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto fail;
	}
	if (group && group[0]) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			ga_log(LOG_ERR, "control: group '%s' does not exist", group);
			err = -ENOENT;
			goto fail_unlink;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) < 0) {
			err = -errno;
			goto fail_unlink;
		}
	}
	if (chmod(path, 0660) < 0) {
		err = -errno;
		goto fail_unlink;
	}
	if (listen(fd, GA_CTL_CLIENTS_MAX) < 0) {
		err = -errno;
		goto fail_unlink;
	}
	c->listen.fd = fd;
	c->listen.events = POLLIN;
	c->listen.cb = ga_ctl_accept_cb;
	err = ga_loop_fd_add(l, &c->listen);
	if (err) {
		goto fail_unlink;
	}
	return 0;
fail_unlink:
	unlink(path);
fail:
	close(fd);
	c->listen.fd = -1;
	return err;
}

void ga_ctl_close(struct ga_ctl *c)
{
	for (unsigned int i = 0; i < GA_CTL_CLIENTS_MAX; i++) {
		if (c->clients[i].ctl) {
			ga_ctl_client_close(&c->clients[i]);
		}
		free(c->clients[i].out);
		c->clients[i].out = NULL;
	}
	if (c->listen.fd >= 0) {
		if (c->loop) {
			ga_loop_fd_del(c->loop, &c->listen);
		}
		close(c->listen.fd);
		c->listen.fd = -1;
		unlink(c->path);
	}
}

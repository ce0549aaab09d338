/* server.c - see server.h. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "tls.h"

/* Request head limit: Event Grid sends up to 10 custom delivery headers of
 * up to 4096 bytes each plus ~10 aeg-* and standard ones (Microsoft's "delivery properties" page);
 * 48 KiB covers that worst case. */
#define GA_SERVER_HEAD_MAX (48u * 1024u)
/* After a request that used more than this, the pages above it are given
 * back to the kernel, so one 1 MB batch does not stay resident. */
#define GA_SERVER_TRIM_ABOVE (64u * 1024u)
/* Kernel accept queue: a burst of Event Grid retries plus a flood; new
 * connections also wait here while every slot is busy (server.h). */
#define GA_SERVER_BACKLOG 64

static void ga_conn_cb(struct ga_fd *f, short revents);
static void ga_conn_timer_cb(struct ga_timer *t);
static void ga_conn_read(struct ga_conn *c);
static void ga_conn_write(struct ga_conn *c);
static void ga_server_accept_resume(struct ga_server *s);
static bool ga_server_can_take(struct ga_server *s);

/* ---- helpers ---------------------------------------------------------- */

static void ga_conn_events(struct ga_conn *c, short ev)
{
	ga_loop_fd_events(c->srv->loop, &c->fd, ev);
}

static void ga_conn_close(struct ga_conn *c)
{
	struct ga_server *s = c->srv;

	if (c->state == GA_CONN_FREE) {
		return;
	}
	if (c->tls) {
		ga_tls_conn_shutdown(c->tls);
	}
	ga_loop_fd_del(s->loop, &c->fd);
	ga_timer_cancel(s->loop, &c->timer);
	close(c->fd.fd);
	c->fd.fd = -1;
	if (c->high > GA_SERVER_TRIM_ABOVE) {
		/* Give the pages of a large body back (see server.h). */
		(void)madvise(c->buf + GA_SERVER_TRIM_ABOVE,
			      c->size - GA_SERVER_TRIM_ABOVE, MADV_DONTNEED);
	}
	c->high = 0;
	c->len = 0;
	c->out_len = c->out_off = 0;
	c->state = GA_CONN_FREE;
	c->pending = false;
	s->active--;
	if (s->accept_paused) { /* a slot is free: take the next in line */
		ga_server_accept_resume(s);
	}
}

static void ga_conn_arm(struct ga_conn *c, unsigned int ms)
{
	ga_timer_set(c->srv->loop, &c->timer, ms);
}

/* Queue the response in c->resp; @close ends the connection after it. */
static void ga_conn_respond(struct ga_conn *c, bool close_after)
{
	struct ga_server *s = c->srv;
	struct ga_http_resp hr;
	char retry[16];
	size_t n;

	memset(&hr, 0, sizeof(hr));
	hr.status = c->resp.status;
	hr.content_type = c->resp.body_len ? "application/json" : NULL;
	hr.body = ga_span_make(c->resp.body, c->resp.body_len);
	if (c->resp.allow) {
		hr.headers[hr.nheaders].name = "Allow";
		hr.headers[hr.nheaders++].value = ga_span_str(c->resp.allow);
	}
	if (c->resp.retry_after_s) {
		snprintf(retry, sizeof(retry), "%u", c->resp.retry_after_s);
		hr.headers[hr.nheaders].name = "Retry-After";
		hr.headers[hr.nheaders++].value = ga_span_str(retry);
	}
	if (c->resp.allowed_origin.len) {
		hr.headers[hr.nheaders].name = "WebHook-Allowed-Origin";
		hr.headers[hr.nheaders++].value = c->resp.allowed_origin;
	}
	if (c->resp.allowed_rate) {
		hr.headers[hr.nheaders].name = "WebHook-Allowed-Rate";
		hr.headers[hr.nheaders++].value = GA_SPAN_LIT("*");
	}
	if (s->draining) {
		close_after = true;
	}
	hr.close = close_after;
	hr.head_only = ga_span_eq(ga_http_request(&c->http)->method,
				  GA_SPAN_LIT("HEAD"));
	if (c->resp.status >= 400) {
		s->stats.errors++;
	}
	n = ga_http_resp_write(&hr, c->out + c->out_len,
			       sizeof(c->out) - c->out_len);
	if (n == 0) { /* cannot happen with our bodies; stay safe */
		close_after = true;
	}
	c->out_len += n;
	c->close_after = close_after;
	c->state = GA_CONN_WRITE;
	ga_conn_write(c);
}

static void ga_conn_error(struct ga_conn *c, int status, const char *reason)
{
	c->resp.body = c->resp_body;
	c->resp.body_size = sizeof(c->resp_body);
	c->resp.allow = NULL;
	c->resp.retry_after_s = 0;
	c->resp.allowed_origin = GA_SPAN_NULL;
	c->resp.allowed_rate = false;
	ga_webhook_error(&c->resp, status, reason);
	if (status == 400 || status == 413) {
		c->srv->webhook->stats.rejected++;
	}
	ga_log(LOG_INFO, "http: %s: %d %s", c->peer, status, reason);
	ga_conn_respond(c, true);
}

static void ga_conn_fill_req(const struct ga_conn *c,
			     struct ga_webhook_req *wr)
{
	const struct ga_http_req *r = ga_http_request(&c->http);

	wr->method = r->method;
	wr->path = r->path;
	wr->query = r->query;
	wr->content_type = r->content_type;
	wr->key = r->x_gridalert_key;
	wr->origin = r->webhook_request_origin;
	wr->body = r->body;
}

/* ---- I/O -------------------------------------------------------------- */

static ssize_t ga_conn_io_read(struct ga_conn *c, char *p, size_t n)
{
	ssize_t r;

	if (c->tls) {
		return ga_tls_conn_read(c->tls, p, n);
	}
	r = recv(c->fd.fd, p, n, 0);
	if (r < 0) {
		return (errno == EAGAIN || errno == EINTR) ? -EAGAIN : -errno;
	}
	return r;
}

static ssize_t ga_conn_io_write(struct ga_conn *c, const char *p, size_t n)
{
	ssize_t r;

	if (c->tls) {
		return ga_tls_conn_write(c->tls, p, n);
	}
	r = send(c->fd.fd, p, n, MSG_NOSIGNAL);
	if (r < 0) {
		return (errno == EAGAIN || errno == EINTR) ? -EAGAIN : -errno;
	}
	return r;
}

/* ---- states ----------------------------------------------------------- */

static void ga_conn_handshake(struct ga_conn *c)
{
	struct ga_server *s = c->srv;
	int err = ga_tls_conn_handshake(c->tls);

	if (err == -EAGAIN) {
		ga_conn_events(c, ga_tls_want_write(c->tls) ? POLLOUT : POLLIN);
		return;
	}
	if (err) {
		s->stats.tls_failures++;
		ga_log(LOG_INFO, "tls: %s: %s", c->peer,
		       ga_tls_conn_error(c->tls));
		ga_conn_close(c);
		return;
	}
	s->stats.handshakes++;
	c->state = GA_CONN_READ;
	ga_conn_events(c, POLLIN);
	ga_conn_read(c);
}

/* A request is complete: ask the webhook, then respond or wait for the
 * journal's fsync. */
static void ga_conn_request(struct ga_conn *c)
{
	struct ga_server *s = c->srv;
	struct ga_webhook_req wr;

	ga_conn_fill_req(c, &wr);
	c->resp.body = c->resp_body;
	c->resp.body_size = sizeof(c->resp_body);
	ga_webhook_handle(s->webhook, &wr, &c->resp);
	ga_timer_cancel(s->loop, &c->timer);
	if (c->resp.commit) {
		c->state = GA_CONN_COMMIT;
		if (!s->commit_head) {
			s->commit_start_us = ga_loop_mono_us();
		}
		c->next_commit = s->commit_head;
		s->commit_head = c;
		s->commit_joined = true;
		c->synced = false;
		ga_conn_events(c, 0);
		return;
	}
	ga_conn_respond(c, !ga_http_request(&c->http)->keep_alive);
}

/* The head is complete: answer what it decides alone (404, 405, 401,
 * 415, /healthz, the OPTIONS handshake). True when that answer is queued:
 * this request is over, and the parser may already hold the next one. */
static bool ga_conn_head(struct ga_conn *c)
{
	struct ga_server *s = c->srv;
	const struct ga_http_req *r = ga_http_request(&c->http);
	struct ga_webhook_req wr;

	c->head_done = true;
	ga_conn_arm(c, s->conf->server.body_timeout_ms);
	ga_conn_fill_req(c, &wr);
	c->resp.body = c->resp_body;
	c->resp.body_size = sizeof(c->resp_body);
	if (!ga_webhook_head(s->webhook, &wr, &c->resp)) {
		/* Final from the head alone. Unread body bytes would be taken
		 * for the next request: close unless there is no body. */
		ga_conn_respond(c, !r->keep_alive || r->has_body);
		return true;
	}
	if (r->expect_continue) {
		c->out_len = ga_http_continue_write(c->out, sizeof(c->out));
		c->out_off = 0;
	}
	return false;
}

/* Run the parser over what is buffered. Returns true when the connection
 * moved on (response queued or closed) and reading must stop.
 *
 * An answer can be written at once and the connection already be reading
 * the next pipelined request (ga_conn_next) when this returns, so whether
 * a request was answered is what the handlers report, never a guess from
 * c->state: a state of READ after an answer is the next request's. */
static bool ga_conn_parse(struct ga_conn *c)
{
	for (;;) {
		int r = ga_http_parse(&c->http, c->buf, c->len);

		switch (r) {
		case GA_HTTP_NEED_MORE:
			return false;
		case GA_HTTP_HEAD_DONE:
			if (ga_conn_head(c)) {
				return true;
			}
			if (c->out_len) { /* 100 Continue */
				ga_conn_write(c);
				if (c->state == GA_CONN_FREE) {
					return true;
				}
			}
			continue;
		case GA_HTTP_DONE:
			c->srv->stats.requests++;
			c->requests++;
			if (!c->head_done && ga_conn_head(c)) {
				return true;
			}
			ga_conn_request(c);
			return true;
		default:
			c->srv->stats.requests++;
			ga_conn_error(c, ga_http_parse_status(&c->http),
				      ga_http_parse_reason(&c->http));
			return true;
		}
	}
}

static void ga_conn_read(struct ga_conn *c)
{
	struct ga_server *s = c->srv;
	size_t budget = GA_CONN_READ_BUDGET;

	c->pending = false;
	/* Pipelined bytes already in the buffer come first. */
	if (c->len && ga_conn_parse(c)) {
		return;
	}
	while (c->state == GA_CONN_READ) {
		ssize_t n;

		if (c->len == c->size) {
			/* The parser's limits are below the buffer size, so a
			 * full buffer means it should have stopped. */
			ga_conn_error(c, 413, "request too large");
			return;
		}
		if (budget == 0) {
			/* Fairness: come back in the prepare hook. */
			c->pending = true;
			ga_loop_defer(s->loop);
			return;
		}
		n = ga_conn_io_read(c, c->buf + c->len,
				    c->size - c->len < budget ? c->size - c->len
							      : budget);
		if (n == -EAGAIN) {
			if (c->tls && ga_tls_want_write(c->tls)) {
				ga_conn_events(c, POLLOUT);
			} else {
				ga_conn_events(c, POLLIN);
			}
			return;
		}
		if (n <= 0) {
			/* EOF or error. Mid-request is the client's loss;
			 * nothing was promised. */
			if (n < 0 && c->tls) {
				ga_log(LOG_DEBUG, "tls: %s: %s", c->peer,
				       ga_tls_conn_error(c->tls));
			}
			ga_conn_close(c);
			return;
		}
		if (!c->in_request) {
			c->in_request = true;
			c->req_ms = ga_loop_now_ms(s->loop);
			ga_conn_arm(c, s->conf->server.header_timeout_ms);
		}
		c->len += (size_t)n;
		budget -= (size_t)n;
		if (c->len > c->high) {
			c->high = c->len;
		}
		if (ga_conn_parse(c)) {
			return;
		}
	}
}

/* The response is out: close, or get ready for the next request. */
static void ga_conn_linger(struct ga_conn *c)
{
	if (c->tls) {
		ga_tls_conn_shutdown(c->tls); /* close_notify */
	}
	if (shutdown(c->fd.fd, SHUT_WR) < 0) {
		ga_conn_close(c);
		return;
	}
	c->state = GA_CONN_LINGER;
	ga_conn_events(c, POLLIN);
	ga_conn_arm(c, GA_SERVER_LINGER_MS);
}

static void ga_conn_next(struct ga_conn *c)
{
	struct ga_server *s = c->srv;
	size_t used;

	if (c->close_after) {
		ga_conn_linger(c);
		return;
	}
	used = ga_http_consumed(&c->http);
	if (used > c->len) {
		used = c->len;
	}
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	if (c->high > GA_SERVER_TRIM_ABOVE && c->len < GA_SERVER_TRIM_ABOVE) {
		(void)madvise(c->buf + GA_SERVER_TRIM_ABOVE,
			      c->size - GA_SERVER_TRIM_ABOVE, MADV_DONTNEED);
		c->high = c->len;
	}
	ga_http_parser_reset(&c->http);
	c->head_done = false;
	c->in_request = c->len > 0;
	c->req_ms = ga_loop_now_ms(s->loop);
	c->out_len = c->out_off = 0;
	c->state = GA_CONN_READ;
	ga_conn_arm(c, c->in_request ? s->conf->server.header_timeout_ms
				     : s->conf->server.keepalive_timeout_ms);
	ga_conn_events(c, POLLIN);
	/* Data may wait in our buffer or inside mbedTLS, invisible to
	 * poll(): read again from the prepare hook, not from
	 * here, so pipelined requests do not recurse. */
	c->pending = true;
	ga_loop_defer(s->loop);
}

static void ga_conn_write(struct ga_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = ga_conn_io_write(c, c->out + c->out_off,
					     c->out_len - c->out_off);

		if (n == -EAGAIN) {
			ga_conn_events(c, (c->tls && !ga_tls_want_write(c->tls))
						  ? POLLIN
						  : POLLOUT);
			return;
		}
		if (n <= 0) {
			ga_conn_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	c->out_len = c->out_off = 0;
	if (c->state == GA_CONN_WRITE) {
		ga_conn_next(c);
	}
}

/* ---- dispatch --------------------------------------------------------- */

static void ga_conn_on_handshake(struct ga_conn *c, short revents)
{
	(void)revents;
	ga_conn_handshake(c);
}

static void ga_conn_on_read(struct ga_conn *c, short revents)
{
	(void)revents;
	if (c->out_len) { /* a 100 Continue still going out */
		ga_conn_write(c);
		if (c->state != GA_CONN_READ || c->out_len) {
			return;
		}
	}
	ga_conn_read(c);
}

static void ga_conn_on_commit(struct ga_conn *c, short revents)
{
	/* Nothing to do until the fsync; a hang-up is noticed at write. */
	(void)revents;
	ga_conn_events(c, 0);
}

static void ga_conn_on_write(struct ga_conn *c, short revents)
{
	(void)revents;
	ga_conn_write(c);
}

/* Read and drop until the peer closes, or the timer ends it. */
static void ga_conn_on_linger(struct ga_conn *c, short revents)
{
	char sink[4096];
	ssize_t n;

	(void)revents;
	for (unsigned int i = 0; i < 16; i++) {
		n = recv(c->fd.fd, sink, sizeof(sink), 0);
		if (n > 0) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			return;
		}
		break; /* EOF or error */
	}
	if (n > 0) {
		return; /* more next time; the timer bounds it */
	}
	ga_conn_close(c);
}

static void (*const ga_conn_handlers[GA_CONN__COUNT])(struct ga_conn *,
						      short) = {
	[GA_CONN_HANDSHAKE] = ga_conn_on_handshake,
	[GA_CONN_READ] = ga_conn_on_read,
	[GA_CONN_COMMIT] = ga_conn_on_commit,
	[GA_CONN_WRITE] = ga_conn_on_write,
	[GA_CONN_LINGER] = ga_conn_on_linger,
};

static void ga_conn_cb(struct ga_fd *f, short revents)
{
	struct ga_conn *c = ga_container_of(f, struct ga_conn, fd);

	if ((revents & (POLLERR | POLLNVAL)) && !(revents & POLLIN)) {
		ga_conn_close(c);
		return;
	}
	if (c->state != GA_CONN_FREE && ga_conn_handlers[c->state]) {
		ga_conn_handlers[c->state](c, revents);
	}
}

static void ga_conn_timer_cb(struct ga_timer *t)
{
	struct ga_conn *c = ga_container_of(t, struct ga_conn, timer);
	struct ga_server *s = c->srv;

	switch (c->state) {
	case GA_CONN_HANDSHAKE:
		s->stats.tls_failures++;
		s->stats.timeouts++;
		ga_log(LOG_INFO, "tls: %s: handshake timed out", c->peer);
		ga_conn_close(c);
		break;
	case GA_CONN_READ:
		if (!c->in_request) { /* idle keep-alive: just close */
			ga_conn_close(c);
			break;
		}
		s->stats.timeouts++;
		c->out_len = c->out_off = 0;
		ga_conn_error(c, 408, c->head_done ? "body too slow"
						   : "request head too slow");
		break;
	case GA_CONN_WRITE:
		/* A client that does not read its response. */
		s->stats.timeouts++;
		ga_conn_close(c);
		break;
	case GA_CONN_LINGER:
		ga_conn_close(c);
		break;
	default:
		break;
	}
}

/* ---- the group commit ------------------------------------------------- */

/* Should the sync wait for more of this group? While requests keep
 * joining (a few looks), and while clients answered by the last sync are
 * still expected back, for up to the mean sync time. */
static bool ga_server_commit_wait(struct ga_server *s)
{
	uint64_t waited, cap;

	if (s->commit_joined && s->commit_defers < GA_SERVER_COMMIT_DEFER) {
		s->commit_defers++;
		return true;
	}
	cap = s->sync_us < GA_SERVER_COMMIT_WAIT_MAX_US ?
	      s->sync_us : GA_SERVER_COMMIT_WAIT_MAX_US;
	waited = ga_loop_mono_us() - s->commit_start_us;
	if (waited >= cap || s->draining) {
		return false;
	}
	for (unsigned int i = 0; i < s->nconns; i++) {
		const struct ga_conn *c = &s->conns[i];

		if (c->synced && c->state == GA_CONN_READ) {
			return true;
		}
	}
	return false;
}

static void ga_server_hook(struct ga_hook *h)
{
	struct ga_server *s = ga_container_of(h, struct ga_server, hook);
	struct ga_conn *c;
	uint64_t t;
	int err;

	/* Drain plaintext mbedTLS holds for connections that hit their read
	 * budget (poll() cannot report it). */
	for (unsigned int i = 0; i < s->nconns; i++) {
		c = &s->conns[i];
		if (c->pending && c->state == GA_CONN_READ) {
			ga_conn_read(c);
		}
	}
	/* Accepting paused: a slot may have become one to take since (a head
	 * began arriving in pieces, a request was answered). */
	if (s->accept_paused && ga_server_can_take(s)) {
		ga_server_accept_resume(s);
	}
	if (!s->commit_head) {
		return;
	}
	if (ga_server_commit_wait(s)) {
		s->commit_joined = false;
		ga_loop_defer(s->loop);
		return;
	}
	s->commit_defers = 0;
	s->commit_joined = false;
	for (unsigned int i = 0; i < s->nconns; i++) {
		s->conns[i].synced = false; /* late ones: no longer waited for */
	}
	/* One fsync for every request that completed meanwhile. */
	t = ga_loop_mono_us();
	err = s->commit ? s->commit(s->commit_arg) : 0;
	t = ga_loop_mono_us() - t;
	s->sync_us = s->sync_us ? s->sync_us - s->sync_us / 8 + t / 8 : t;
	s->stats.commits++;
	c = s->commit_head;
	s->commit_head = NULL;
	while (c) {
		struct ga_conn *next = c->next_commit;

		c->next_commit = NULL;
		if (c->state == GA_CONN_COMMIT) {
			bool close = err != 0 ||
				     !ga_http_request(&c->http)->keep_alive;

			if (err) {
				ga_webhook_commit_failed(s->webhook, &c->resp);
			}
			c->synced = !close;
			ga_conn_respond(c, close);
		}
		c = next;
	}
}

/* ---- accepting -------------------------------------------------------- */

static void ga_server_peer(const struct sockaddr_storage *ss, char *out,
			   size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(out, size, "%s:%u", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(out, size, "[%s]:%u", host, port);
	} else {
		snprintf(out, size, "?");
	}
}

/* Why a busy slot may be taken for a new connection (server.h). */
enum ga_server_evict {
	GA_EVICT_FREE,      /* not busy */
	GA_EVICT_DONE,      /* answered, lingering */
	GA_EVICT_IDLE,      /* idle keep-alive: it can reconnect at no loss */
	GA_EVICT_HEAD,      /* a request head arriving in pieces */
	GA_EVICT_HANDSHAKE, /* no request byte for GA_SERVER_SLOW_EVICT_MS */
};

/* A slot for a new connection: a free one, else the busy one to close for
 * it (closed by the caller once accept() got a connection, so nothing is
 * evicted for a connection that is not there). NULL when there is none;
 * then *wait_ms is when a handshake grows evictable (0: not before a slot
 * frees). */
static struct ga_conn *ga_server_slot(struct ga_server *s,
				      enum ga_server_evict *why,
				      uint64_t *wait_ms)
{
	struct ga_conn *best = NULL;
	uint64_t now = ga_loop_now_ms(s->loop);

	*why = GA_EVICT_FREE;
	*wait_ms = 0;
	for (unsigned int i = 0; i < s->nconns; i++) {
		struct ga_conn *c = &s->conns[i];
		enum ga_server_evict w;

		if (c->state == GA_CONN_FREE) {
			*why = GA_EVICT_FREE;
			return c;
		}
		if (c->state == GA_CONN_LINGER) {
			w = GA_EVICT_DONE;
		} else if (c->state == GA_CONN_READ && !c->in_request &&
			   c->requests > 0) {
			w = GA_EVICT_IDLE;
		} else if (c->state == GA_CONN_READ && !c->head_done &&
			   c->len > 0) {
			w = GA_EVICT_HEAD;
		} else if (c->state == GA_CONN_HANDSHAKE ||
			   (c->state == GA_CONN_READ && !c->head_done)) {
			uint64_t age = now - c->req_ms;

			if (age < GA_SERVER_SLOW_EVICT_MS) {
				uint64_t left = GA_SERVER_SLOW_EVICT_MS - age;

				if (*wait_ms == 0 || left < *wait_ms) {
					*wait_ms = left;
				}
				continue;
			}
			w = GA_EVICT_HANDSHAKE;
		} else {
			continue; /* a request being served */
		}
		/* lower kinds first; among equals the oldest */
		if (!best || w < *why ||
		    (w == *why && (w == GA_EVICT_IDLE ? c->since_ms < best->since_ms
						      : c->req_ms < best->req_ms))) {
			best = c;
			*why = w;
		}
	}
	return best;
}

static bool ga_server_can_take(struct ga_server *s)
{
	enum ga_server_evict why;
	uint64_t wait_ms;

	return ga_server_slot(s, &why, &wait_ms) != NULL;
}

/* Every slot busy: leave new connections in the listen backlog (a
 * level-triggered listener would wake the loop at once otherwise). */
static void ga_server_accept_pause(struct ga_server *s, uint64_t wait_ms)
{
	if (!s->accept_paused) {
		s->accept_paused = true;
		s->stats.paused++;
		for (unsigned int i = 0; i < s->nlisteners; i++) {
			if (s->listeners[i].fd.fd >= 0) {
				ga_loop_fd_events(s->loop, &s->listeners[i].fd, 0);
			}
		}
	}
	if (wait_ms) {
		ga_timer_set(s->loop, &s->accept_timer, wait_ms);
	}
}

static void ga_server_accept_resume(struct ga_server *s)
{
	s->accept_paused = false;
	ga_timer_cancel(s->loop, &s->accept_timer);
	for (unsigned int i = 0; i < s->nlisteners; i++) {
		if (s->listeners[i].fd.fd >= 0) {
			ga_loop_fd_events(s->loop, &s->listeners[i].fd, POLLIN);
		}
	}
}

static void ga_server_accept_timer_cb(struct ga_timer *t)
{
	ga_server_accept_resume(ga_container_of(t, struct ga_server,
						accept_timer));
}

static void ga_server_evict(struct ga_server *s, struct ga_conn *c,
			    enum ga_server_evict why)
{
	if (why == GA_EVICT_IDLE) {
		s->stats.evicted++;
	} else if (why != GA_EVICT_DONE) {
		s->stats.evicted_slow++;
		/* Debug only: a slowloris attack would log a line per
		 * connection; status counts them (http.evicted). */
		ga_log(LOG_DEBUG, "http: %s: closed after %llu ms %s, for a new "
		       "connection", c->peer,
		       (unsigned long long)(ga_loop_now_ms(s->loop) - c->req_ms),
		       why == GA_EVICT_HEAD ? "with its request head incomplete"
					    : "without a request byte");
	}
	ga_conn_close(c);
}

static void ga_server_accept_cb(struct ga_fd *f, short revents)
{
	struct ga_server_listener *ls =
		ga_container_of(f, struct ga_server_listener, fd);
	struct ga_server *s = ls->srv;

	(void)revents;
	for (unsigned int k = 0; k < GA_SERVER_ACCEPT_BUDGET; k++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		enum ga_server_evict why;
		struct ga_conn *c;
		uint64_t wait_ms;
		int one = 1;
		int fd;

		if (s->draining || s->accept_paused) {
			return;
		}
		c = ga_server_slot(s, &why, &wait_ms);
		if (!c) {
			ga_server_accept_pause(s, wait_ms);
			return;
		}
		fd = accept4(f->fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				ga_log(LOG_WARNING, "accept: %s", strerror(errno));
			}
			return;
		}
		if (why != GA_EVICT_FREE) {
			ga_server_evict(s, c, why);
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		s->stats.connections++;
		ga_server_peer(&ss, c->peer, sizeof(c->peer));
		c->fd.fd = fd;
		c->fd.events = POLLIN;
		c->len = 0;
		c->high = 0;
		c->out_len = c->out_off = 0;
		c->head_done = false;
		c->in_request = false;
		c->synced = false;
		c->requests = 0;
		c->since_ms = ga_loop_now_ms(s->loop);
		c->req_ms = c->since_ms;
		ga_http_parser_init(&c->http, &s->limits);
		if (ga_loop_fd_add(s->loop, &c->fd)) {
			close(fd);
			c->fd.fd = -1;
			continue;
		}
		s->active++;
		if (c->tls) {
			if (ga_tls_conn_start(c->tls, fd)) {
				c->state = GA_CONN_HANDSHAKE;
				ga_conn_close(c);
				continue;
			}
			c->state = GA_CONN_HANDSHAKE;
			/* Handshake and head share header_timeout_ms (docs/configuration.md): a slow handshake cannot hold a slot longer. */
			ga_conn_arm(c, s->conf->server.header_timeout_ms);
			c->in_request = true;
			ga_conn_handshake(c);
		} else {
			c->state = GA_CONN_READ;
			ga_conn_arm(c, s->conf->server.header_timeout_ms);
			c->in_request = true;
			ga_conn_read(c);
		}
	}
}

/* ---- setup ------------------------------------------------------------ */

static int ga_server_parse_addr(const char *str, struct sockaddr_storage *ss,
				socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(str, ':');
	unsigned long port;
	char *end;

	if (!colon || colon == str) {
		return -EINVAL;
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535) {
		return -EINVAL;
	}
	if (str[0] == '[') {
		size_t n = (size_t)(colon - str);

		if (n < 2 || str[n - 1] != ']' || n - 2 >= sizeof(host)) {
			return -EINVAL;
		}
		memcpy(host, str + 1, n - 2);
		host[n - 2] = '\0';
	} else {
		size_t n = (size_t)(colon - str);

		if (n >= sizeof(host)) {
			return -EINVAL;
		}
		memcpy(host, str, n);
		host[n] = '\0';
	}
	memset(ss, 0, sizeof(*ss));
	{
		struct sockaddr_in *in = (void *)ss;
		struct sockaddr_in6 *in6 = (void *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons((uint16_t)port);
			*len = sizeof(*in);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*in6);
			return 0;
		}
	}
	return -EINVAL;
}

static int ga_server_listen(struct ga_server *s, const char *addr)
{
	struct ga_server_listener *ls = &s->listeners[s->nlisteners];
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;
	int fd, err;

	if (s->nlisteners >= GA_ARRAY_SIZE(s->listeners)) {
		return -ENOSPC;
	}
	err = ga_server_parse_addr(addr, &ss, &sl);
	if (err) {
		ga_log(LOG_ERR, "listen %s: not a numeric address:port", addr);
		return err;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6) {
		/* [::] serves v6 only; 0.0.0.0 is its own listen line. */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    listen(fd, GA_SERVER_BACKLOG) < 0) {
		err = -errno;
		ga_log(LOG_ERR, "listen %s: %s", addr, strerror(errno));
		close(fd);
		return err;
	}
	ls->srv = s;
	ls->fd.fd = fd;
	ls->fd.events = POLLIN;
	ls->fd.cb = ga_server_accept_cb;
	err = ga_loop_fd_add(s->loop, &ls->fd);
	if (err) {
		close(fd);
		return err;
	}
	/* Report the real port (tests bind port 0... not allowed by the
	 * config; keep the configured text). */
	snprintf(ls->addr, sizeof(ls->addr), "%s", addr);
	s->nlisteners++;
	return 0;
}

static void ga_server_limits(struct ga_server *s, const struct ga_conf *conf)
{
	ga_http_limits_default(&s->limits);
	s->limits.max_body = conf->server.max_body;
	if (s->buf_size && s->limits.max_body > s->buf_size - GA_SERVER_HEAD_MAX) {
		/* Buffers were sized at start; a larger max_body needs a
		 * restart (a reload cannot move connections' memory). */
		s->limits.max_body = s->buf_size - GA_SERVER_HEAD_MAX;
		ga_log(LOG_WARNING, "max_body above %zu takes effect after a "
		       "restart", s->limits.max_body);
	}
}

void ga_server_init(struct ga_server *s)
{
	memset(s, 0, sizeof(*s));
}

int ga_server_setup(struct ga_server *s, struct ga_loop *l,
		    const struct ga_conf *conf, struct ga_tls_server *tls,
		    struct ga_webhook *webhook, ga_server_commit_fn commit,
		    void *commit_arg)
{
	int err;

	s->loop = l;
	s->conf = conf;
	s->tls = tls;
	s->webhook = webhook;
	s->commit = commit;
	s->commit_arg = commit_arg;
	s->buf_size = GA_SERVER_HEAD_MAX + conf->server.max_body;
	ga_server_limits(s, conf);
	s->nconns = conf->server.max_connections;
	s->conns = calloc(s->nconns, sizeof(*s->conns)); /* setup-only */
	if (!s->conns) {
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < s->nconns; i++) {
		struct ga_conn *c = &s->conns[i];

		c->srv = s;
		c->fd.fd = -1;
		c->fd.idx = -1;
		c->fd.cb = ga_conn_cb;
		c->timer.cb = ga_conn_timer_cb;
		c->size = s->buf_size;
		/* Reserved, not touched: pages become resident only as a
		 * request fills them. */
		c->buf = mmap(NULL, c->size, PROT_READ | PROT_WRITE, /* setup-only */
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (c->buf == MAP_FAILED) {
			c->buf = NULL;
			return -ENOMEM;
		}
		if (tls) {
			c->tls = ga_tls_conn_new(tls);
			if (!c->tls) {
				return -ENOMEM;
			}
		}
	}
	for (unsigned int i = 0; i < conf->server.nlisten; i++) {
		err = ga_server_listen(s, conf->server.listen[i]);
		if (err) {
			return err;
		}
	}
	s->accept_timer.cb = ga_server_accept_timer_cb;
	s->hook.cb = ga_server_hook;
	ga_loop_hook_add(l, &s->hook);
	return 0;
}

void ga_server_reconf(struct ga_server *s, const struct ga_conf *conf)
{
	s->conf = conf;
	ga_server_limits(s, conf);
	/* Idle slots let go of the TLS context a reload replaced; busy ones
	 * keep theirs until their connection ends. */
	for (unsigned int i = 0; i < s->nconns; i++) {
		ga_tls_conn_trim(s->conns[i].tls);
	}
}

/* Stop listening: nothing new is accepted, the backlog is refused. */
static void ga_server_close_listeners(struct ga_server *s)
{
	for (unsigned int i = 0; i < s->nlisteners; i++) {
		if (s->listeners[i].fd.fd >= 0) {
			ga_loop_fd_del(s->loop, &s->listeners[i].fd);
			close(s->listeners[i].fd.fd);
			s->listeners[i].fd.fd = -1;
		}
	}
}

bool ga_server_drain(struct ga_server *s)
{
	s->draining = true;
	s->accept_paused = false;
	ga_timer_cancel(s->loop, &s->accept_timer);
	ga_server_close_listeners(s);
	for (unsigned int i = 0; i < s->nconns; i++) {
		struct ga_conn *c = &s->conns[i];

		/* Idle and half-read requests have nothing promised. */
		if (c->state == GA_CONN_HANDSHAKE || c->state == GA_CONN_LINGER ||
		    (c->state == GA_CONN_READ && !c->head_done)) {
			ga_conn_close(c);
		}
	}
	return s->active == 0;
}

void ga_server_close(struct ga_server *s)
{
	s->accept_paused = false;
	if (s->loop) {
		ga_timer_cancel(s->loop, &s->accept_timer);
	}
	ga_server_close_listeners(s);
	for (unsigned int i = 0; s->conns && i < s->nconns; i++) {
		struct ga_conn *c = &s->conns[i];

		ga_conn_close(c);
		ga_tls_conn_free(c->tls);
		if (c->buf) {
			munmap(c->buf, c->size);
		}
	}
	free(s->conns);
	s->conns = NULL;
}

size_t ga_server_listen_str(const struct ga_server *s, char *out, size_t size)
{
	size_t o = 0;

	if (size) {
		out[0] = '\0';
	}
	for (unsigned int i = 0; i < s->nlisteners && o < size; i++) {
		int n = snprintf(out + o, size - o, "%s%s", i ? " " : "",
				 s->listeners[i].addr);

		if (n < 0) {
			break;
		}
		o += (size_t)n;
	}
	return o < size ? o : size - 1;
}

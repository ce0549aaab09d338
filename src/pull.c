/* pull.c - see pull.h. */
#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "eventgrid.h"
#include "json.h"
#include "log.h"
#include "tls.h"
#include "webhook.h"

/* A response head from Azure is ~600 bytes; 16 KiB is ample. */
#define GA_PULL_HEAD_MAX 16384u
/* A namespace batch is at most 1 MB (Microsoft's "pull delivery"
 * concepts page); the receive
 * envelope adds ~150 bytes per event (lock token, delivery count). */
#define GA_PULL_BODY_MAX (1048576u + 65536u)
/* Our requests: a head (< 1 KiB) and up to 100 lock tokens. */
#define GA_PULL_OUT_MAX (2048u + GA_NAMESPACE_EVENTS_MAX * \
			 (GA_NAMESPACE_TOKEN_MAX + 3u))
/* TCP connect plus TLS handshake; a Pi on Wi-Fi does a P-256 handshake
 * in well under a second, 15 s covers a slow link. */
#define GA_PULL_CONNECT_MS 15000u
/* The broker answers a receive within maxWaitTime (Event Grid
 * namespace REST API 2024-06-01, receive); give
 * the network 20 s on top before calling it a stall. */
#define GA_PULL_SLACK_MS 20000u
#define GA_PULL_OP_MS 30000u
#define GA_PULL_BACKOFF_MIN_MS 1000u
#define GA_PULL_BACKOFF_MAX_MS 60000u
/* A release after a journal failure asks for redelivery in 60 s (one of
 * the allowed 0/10/60/600/3600 of the namespace REST API
 * 2024-06-01): time for space to free. */
#define GA_PULL_RELEASE_DELAY_S 60u

enum {
	PH_OFF,
	PH_WAIT,      /* backoff, or nothing to do */
	PH_CONNECT,   /* TCP connect in progress */
	PH_HANDSHAKE,
	PH_SEND,
	PH_RECV,
};

static void ga_pull_step(struct ga_pull *p);
static void ga_pull_io(struct ga_fd *f, short revents);

void ga_pull_init(struct ga_pull *p)
{
	memset(p, 0, sizeof(*p));
	p->fd.fd = -1;
	p->fd.idx = -1;
	p->fd.cb = ga_pull_io;
	snprintf(p->state, sizeof(p->state), "off");
}

const char *ga_pull_state(const struct ga_pull *p)
{
	return p->state;
}

static void ga_pull_set_state(struct ga_pull *p, const char *s)
{
	if (p->sticky) {
		return;
	}
	snprintf(p->state, sizeof(p->state), "%s", s);
}

/* ---- connection -------------------------------------------------------- */

static void ga_pull_disconnect(struct ga_pull *p)
{
	if (p->fd.fd < 0) {
		return;
	}
	if (p->phase > PH_HANDSHAKE) {
		ga_tls_conn_shutdown(p->conn);
	}
	ga_loop_fd_del(p->loop, &p->fd);
	close(p->fd.fd);
	p->fd.fd = -1;
	p->conn_used = false;
}

/* xorshift32: jitter only, not security. */
static uint32_t ga_pull_rand(struct ga_pull *p)
{
	uint32_t x = p->rand;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	p->rand = x;
	return x;
}

/* Close, remember why, and try again after the backoff (half of it
 * random, so boards behind one NAT do not retry in step). */
static void ga_pull_fail(struct ga_pull *p, const char *state, bool sticky)
{
	unsigned int wait;

	ga_pull_disconnect(p);
	if (!p->backoff_ms) {
		p->backoff_ms = GA_PULL_BACKOFF_MIN_MS;
	} else if (p->backoff_ms < GA_PULL_BACKOFF_MAX_MS) {
		p->backoff_ms *= 2;
		if (p->backoff_ms > GA_PULL_BACKOFF_MAX_MS) {
			p->backoff_ms = GA_PULL_BACKOFF_MAX_MS;
		}
	}
	wait = p->backoff_ms / 2 + ga_pull_rand(p) % (p->backoff_ms / 2 + 1);
	if (strcmp(p->state, state) != 0) {
		ga_log(LOG_WARNING, "pull: %s; retrying in %u ms", state, wait);
	}
	p->sticky = false;
	ga_pull_set_state(p, state);
	p->sticky = sticky;
	/* addresses can change (DHCP, failover): resolve again */
	p->naddrs = 0;
	p->phase = PH_WAIT;
	ga_timer_set(p->loop, &p->timer, wait);
}

static void ga_pull_failf(struct ga_pull *p, const char *fmt, ...)
	GA_PRINTF(2, 3);

static void ga_pull_failf(struct ga_pull *p, const char *fmt, ...)
{
	char reason[128], state[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(state, sizeof(state), "backoff (%s)", reason);
	ga_pull_fail(p, state, false);
}

/* getaddrinfo() blocks: it runs only to (re)connect after a failure, and
 * resolv.conf bounds it (timeout 5 s x 2 attempts by default). The result
 * is kept, so polls on a live connection never resolve. */
static int ga_pull_resolve(struct ga_pull *p)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_ADDRCONFIG,
	};
	struct addrinfo *res;
	int err;

	if (p->naddrs) {
		return 0;
	}
	err = getaddrinfo(p->target.host, p->target.port, &hints, &res);
	if (err) {
		ga_pull_failf(p, "resolve %s: %s", p->target.host,
			      gai_strerror(err));
		return -1;
	}
	for (struct addrinfo *ai = res; ai && p->naddrs < GA_PULL_ADDRS_MAX;
	     ai = ai->ai_next) {
		if (ai->ai_addrlen <= sizeof(p->addrs[0])) {
			memcpy(&p->addrs[p->naddrs], ai->ai_addr, ai->ai_addrlen);
			p->addrlens[p->naddrs++] = ai->ai_addrlen;
		}
	}
	freeaddrinfo(res);
	p->addr_idx = 0;
	return p->naddrs ? 0 : (ga_pull_failf(p, "resolve %s: no address",
					      p->target.host), -1);
}

/* The next address of the name at once, or back off when none is left. */
static void ga_pull_connect_failed(struct ga_pull *p, int err)
{
	if (p->addr_idx + 1 < p->naddrs) {
		ga_pull_disconnect(p);
		p->addr_idx++;
		p->phase = PH_WAIT;
		ga_timer_set(p->loop, &p->timer, 0);
		return;
	}
	ga_pull_failf(p, "connect %s:%s: %s", p->target.host, p->target.port,
		      strerror(err));
}

static void ga_pull_connect(struct ga_pull *p)
{
	int fd;

	if (!p->tls) {
		p->tls = ga_tls_client_new(p->conf->pull.ca_file, NULL, NULL);
		if (!p->tls) {
			/* the path is in the log; the state stays short */
			ga_log(LOG_ERR, "pull: ca_file %s: no usable CA "
			       "certificate", p->conf->pull.ca_file);
			ga_pull_fail(p, "tls-error (ca_file unusable)", true);
			return;
		}
		p->conn = ga_tls_client_conn_new(p->tls);
		if (!p->conn) {
			ga_tls_client_free(p->tls);
			p->tls = NULL;
			ga_pull_failf(p, "out of memory");
			return;
		}
	}
	if (ga_pull_resolve(p)) {
		return;
	}
	fd = socket(p->addrs[p->addr_idx].ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ga_pull_failf(p, "socket: %s", strerror(errno));
		return;
	}
	p->fd.fd = fd;
	p->fd.events = POLLOUT;
	if (ga_loop_fd_add(p->loop, &p->fd)) {
		close(fd);
		p->fd.fd = -1;
		ga_pull_failf(p, "no room in the event loop");
		return;
	}
	ga_pull_set_state(p, "connecting");
	p->phase = PH_CONNECT;
	ga_timer_set(p->loop, &p->timer, GA_PULL_CONNECT_MS);
	if (connect(fd, (struct sockaddr *)&p->addrs[p->addr_idx],
		    p->addrlens[p->addr_idx]) == 0 || errno == EINPROGRESS) {
		return; /* POLLOUT says when */
	}
	ga_pull_connect_failed(p, errno);
}

/* ---- requests ------------------------------------------------------------ */

static void ga_pull_send(struct ga_pull *p, enum ga_namespace_op op,
			 enum ga_pull_disp which)
{
	const char *list[GA_NAMESPACE_EVENTS_MAX];
	char *body = p->buf; /* free between responses: build the body there */
	size_t blen = 0;
	unsigned int n = 0;

	if (op != GA_NS_RECEIVE) {
		for (unsigned int i = 0; i < p->ntokens; i++) {
			if (p->disp[i] == which) {
				list[n++] = p->tokens[i];
			}
		}
		blen = ga_namespace_tokens_body(list, n, body, p->buf_size);
	}
	p->out_len = ga_namespace_request(&p->target, op,
					  op == GA_NS_RELEASE ? GA_PULL_RELEASE_DELAY_S : 0,
					  ga_span_make(body, blen), p->out,
					  GA_PULL_OUT_MAX);
	if (!p->out_len || (op != GA_NS_RECEIVE && !blen)) {
		/* cannot happen with the sizes above; never loop on it */
		ga_log(LOG_ERR, "pull: %s request does not fit", ga_namespace_op_name(op));
		memset(p->disp, GA_PULL_DONE, sizeof(p->disp));
		ga_pull_failf(p, "request too large");
		return;
	}
	p->op = op;
	p->out_off = 0;
	p->len = 0;
	ga_http_parser_reset(&p->http);
	p->phase = PH_SEND;
	ga_timer_set(p->loop, &p->timer,
		     op == GA_NS_RECEIVE ? p->target.wait_s * 1000u + GA_PULL_SLACK_MS
					 : GA_PULL_OP_MS);
	ga_loop_fd_events(p->loop, &p->fd, POLLOUT);
	ga_pull_io(&p->fd, POLLOUT);
}

static bool ga_pull_has(const struct ga_pull *p, enum ga_pull_disp which)
{
	for (unsigned int i = 0; i < p->ntokens; i++) {
		if (p->disp[i] == which) {
			return true;
		}
	}
	return false;
}

/* What to do next on a live connection: settle the last batch's locks,
 * then poll again (or wait out a journal failure first). */
static void ga_pull_next(struct ga_pull *p)
{
	if (p->fd.fd < 0) {
		/* the broker closed after its answer: reconnect first */
		p->phase = PH_WAIT;
		ga_timer_set(p->loop, &p->timer, 0);
		return;
	}
	if (ga_pull_has(p, GA_PULL_ACK)) {
		ga_pull_send(p, GA_NS_ACKNOWLEDGE, GA_PULL_ACK);
	} else if (ga_pull_has(p, GA_PULL_REJECT)) {
		ga_pull_send(p, GA_NS_REJECT, GA_PULL_REJECT);
	} else if (ga_pull_has(p, GA_PULL_RELEASE)) {
		ga_pull_send(p, GA_NS_RELEASE, GA_PULL_RELEASE);
	} else if (p->journal_failed) {
		p->journal_failed = false;
		ga_pull_failf(p, "journal unavailable");
	} else {
		ga_pull_set_state(p, "polling");
		ga_pull_send(p, GA_NS_RECEIVE, GA_PULL_DONE);
	}
}

/* ---- a receive: journal first ------------------------------------------- */

struct ga_pull_batch {
	struct ga_pull *p;
	unsigned int idx;
};

static int ga_pull_event(void *arg, const struct ga_event *ev)
{
	struct ga_pull_batch *b = arg;
	struct ga_pull *p = b->p;
	int v = p->ops.sink->event(p->ops.sink_arg, ev);

	switch (v) {
	case GA_SINK_ACCEPTED:
		p->stats.accepted++;
		break;
	case GA_SINK_DUPLICATE:
		p->stats.duplicate++;
		break;
	case GA_SINK_IGNORED:
		p->stats.ignored++;
		break;
	default:
		return v < 0 ? v : -EIO;
	}
	return 0;
}

/* Lock tokens are base64 (namespace REST API examples): anything else, or too long,
 * cannot be echoed back safely and is left to expire. */
static bool ga_pull_token_ok(struct ga_span t)
{
	if (!t.len || t.len > GA_NAMESPACE_TOKEN_MAX) {
		return false;
	}
	for (size_t i = 0; i < t.len; i++) {
		char c = t.ptr[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		      c == '=' || c == '-' || c == '_')) {
			return false;
		}
	}
	return true;
}

static int ga_pull_detail(void *arg, const struct ga_namespace_detail *d)
{
	struct ga_pull_batch *b = arg;
	struct ga_pull *p = b->p;
	unsigned int i = p->ntokens;
	struct ga_eg_result res;
	int err;

	p->stats.received++;
	if (!ga_pull_token_ok(d->token)) {
		ga_log(LOG_ERR, "pull: event %u of the batch has no usable lock "
		       "token; it returns when its lock expires", b->idx + 1);
		b->idx++;
		return 0;
	}
	ga_span_copy(d->token, p->tokens[i], sizeof(p->tokens[i]));
	p->ntokens++;
	b->idx++;
	if (p->journal_failed) {
		p->disp[i] = GA_PULL_RELEASE;
		return 0;
	}
	err = ga_eventgrid_parse(p->eg, d->event, GA_EG_FORMAT_CE, ga_pull_event,
				 b, &res);
	if (err == -EINVAL || err == -EMSGSIZE) {
		/* It can never parse: dead-letter it rather than see it
		 * again every lock period (push answers 400 for the same). */
		ga_log(LOG_WARNING, "pull: rejecting event %u (delivery %lu): %s",
		       b->idx, d->delivery_count, ga_eventgrid_error(&res));
		p->disp[i] = GA_PULL_REJECT;
		return 0;
	}
	if (err) {
		ga_log(LOG_ERR, "pull: journal: %s; releasing the batch",
		       strerror(-err));
		p->journal_failed = true;
		p->disp[i] = GA_PULL_RELEASE;
		return 0;
	}
	p->disp[i] = GA_PULL_ACK;
	return 0;
}

static void ga_pull_received(struct ga_pull *p, struct ga_span body)
{
	struct ga_pull_batch b = { .p = p };
	char err[128];
	bool wrote;
	int ret;

	p->ntokens = 0;
	memset(p->disp, GA_PULL_DONE, sizeof(p->disp));
	p->ops.sink->begin(p->ops.sink_arg);
	ret = ga_namespace_receive_parse(body, ga_pull_detail, &b, err,
					 sizeof(err));
	if (ret) {
		/* Nothing was handed to the sink: the events return when
		 * their locks expire. */
		p->ops.sink->end(p->ops.sink_arg, false);
		ga_log(LOG_ERR, "pull: malformed receive response: %s", err);
		ga_pull_failf(p, "malformed response");
		return;
	}
	wrote = p->ops.sink->end(p->ops.sink_arg, !p->journal_failed);
	if (!p->journal_failed && wrote) {
		ret = p->ops.commit(p->ops.sink_arg);
		if (ret) {
			ga_log(LOG_ERR, "pull: journal fsync: %s; releasing the "
			       "batch", strerror(-ret));
			p->journal_failed = true;
		}
	}
	if (p->journal_failed) {
		for (unsigned int i = 0; i < p->ntokens; i++) {
			if (p->disp[i] == GA_PULL_ACK) {
				p->disp[i] = GA_PULL_RELEASE;
			}
		}
	}
	/* A receive worked: the next failure starts its backoff afresh. */
	p->backoff_ms = 0;
	p->sticky = false;
	ga_pull_next(p);
}

static void ga_pull_lock_failed(void *arg, const struct ga_namespace_failed *f)
{
	struct ga_pull *p = arg;
	char tok[40], code[64], msg[128];

	p->stats.lock_failures++;
	ga_span_copy(f->token, tok, sizeof(tok));
	(void)ga_json_str_decode(f->code, code, sizeof(code));
	(void)ga_json_str_decode(f->message, msg, sizeof(msg));
	ga_log(LOG_WARNING, "pull: %s of lock token %s failed: %s%s%s",
	       ga_namespace_op_name(p->op), tok, code[0] ? code : "no code",
	       msg[0] ? ": " : "", msg);
}

static void ga_pull_settled(struct ga_pull *p, struct ga_span body)
{
	enum ga_pull_disp which = p->op == GA_NS_ACKNOWLEDGE ? GA_PULL_ACK
				: p->op == GA_NS_REJECT	      ? GA_PULL_REJECT
							      : GA_PULL_RELEASE;
	unsigned int ok = 0;
	char err[128];

	if (ga_namespace_lock_parse(body, &ok, ga_pull_lock_failed, p, err,
				    sizeof(err))) {
		ga_log(LOG_WARNING, "pull: %s response: %s",
		       ga_namespace_op_name(p->op), err);
	}
	if (p->op == GA_NS_ACKNOWLEDGE) {
		p->stats.acknowledged += ok;
	} else if (p->op == GA_NS_RELEASE) {
		p->stats.released += ok;
	} else {
		p->stats.rejected += ok;
	}
	/* Failed tokens are not retried: a lost lock means the broker
	 * delivers the event again, and the journal dedupes it. */
	for (unsigned int i = 0; i < p->ntokens; i++) {
		if (p->disp[i] == which) {
			p->disp[i] = GA_PULL_DONE;
		}
	}
	ga_pull_next(p);
}

static void ga_pull_response(struct ga_pull *p)
{
	const struct ga_http_req *r = ga_http_request(&p->http);
	bool keep = r->keep_alive;
	char msg[128];

	p->retried = false;
	if (!keep) {
		/* The broker closes; the next request opens a new one. The
		 * body stays readable in p->buf. */
		ga_pull_disconnect(p);
	} else {
		p->conn_used = true;
	}
	if (r->status == 200) {
		if (p->op == GA_NS_RECEIVE) {
			ga_pull_received(p, r->body);
		} else {
			ga_pull_settled(p, r->body);
		}
	} else {
		ga_namespace_error(r->body, msg, sizeof(msg));
		ga_log(LOG_ERR, "pull: %s: HTTP %d%s%s", ga_namespace_op_name(p->op),
		       r->status, msg[0] ? ": " : "", msg);
		if (r->status == 401 || r->status == 403) {
			ga_pull_fail(p, "auth-error", true);
		} else {
			ga_pull_failf(p, "HTTP %d%s%s", r->status, msg[0] ? " " : "",
				      msg);
		}
		return;
	}
}

/* ---- I/O ---------------------------------------------------------------- */

static void ga_pull_want(struct ga_pull *p, bool write)
{
	ga_loop_fd_events(p->loop, &p->fd, write ? POLLOUT : POLLIN);
}

static void ga_pull_handshake(struct ga_pull *p)
{
	int err = ga_tls_conn_handshake(p->conn);
	char state[sizeof(p->state)];

	if (err == -EAGAIN) {
		ga_pull_want(p, ga_tls_want_write(p->conn));
		return;
	}
	if (err) {
		snprintf(state, sizeof(state), "tls-error (%.*s)",
			 (int)sizeof(state) - 16, ga_tls_conn_error(p->conn));
		ga_log(LOG_ERR, "pull: %s:%s: %s", p->target.host, p->target.port,
		       ga_tls_conn_error(p->conn));
		ga_pull_fail(p, state, true);
		return;
	}
	ga_log(LOG_INFO, "pull: connected to %s (%s)", p->target.host,
	       ga_tls_conn_protocol(p->conn));
	ga_pull_next(p);
}

static void ga_pull_write(struct ga_pull *p)
{
	while (p->out_off < p->out_len) {
		ssize_t n = ga_tls_conn_write(p->conn, p->out + p->out_off,
					      p->out_len - p->out_off);

		if (n == -EAGAIN) {
			ga_pull_want(p, ga_tls_want_write(p->conn));
			return;
		}
		if (n < 0) {
			ga_pull_failf(p, "send: %s", ga_tls_conn_error(p->conn));
			return;
		}
		p->out_off += (size_t)n;
	}
	p->phase = PH_RECV;
	ga_pull_want(p, false);
}

static void ga_pull_read(struct ga_pull *p)
{
	for (;;) {
		ssize_t n;
		int ret;

		if (p->len == p->buf_size) {
			ga_pull_failf(p, "response larger than %zu bytes",
				      p->buf_size);
			return;
		}
		n = ga_tls_conn_read(p->conn, p->buf + p->len, p->buf_size - p->len);
		if (n == -EAGAIN) {
			ga_pull_want(p, ga_tls_want_write(p->conn));
			return;
		}
		if (n == 0 && p->len == 0 && p->conn_used && !p->retried) {
			/* A kept-alive connection the broker had closed:
			 * send the same request once on a fresh one. */
			p->retried = true;
			ga_pull_disconnect(p);
			p->phase = PH_WAIT;
			ga_timer_set(p->loop, &p->timer, 0);
			return;
		}
		if (n <= 0) {
			ga_pull_failf(p, "%s", n == 0 ? "connection closed"
						      : ga_tls_conn_error(p->conn));
			return;
		}
		p->len += (size_t)n;
		ret = ga_http_parse(&p->http, p->buf, p->len);
		if (ret == GA_HTTP_HEAD_DONE || ret == GA_HTTP_NEED_MORE) {
			continue;
		}
		if (ret == GA_HTTP_DONE) {
			ga_pull_response(p);
			return;
		}
		if (ga_http_parse_status(&p->http) == 413 &&
		    p->target.max_events > 1) {
			/* Fewer events per receive next time. */
			p->target.max_events /= 2;
			ga_log(LOG_WARNING, "pull: response too large; maxEvents "
			       "now %u", p->target.max_events);
		}
		ga_pull_failf(p, "bad response: %s", ga_http_parse_reason(&p->http));
		return;
	}
}

static void ga_pull_io(struct ga_fd *f, short revents)
{
	struct ga_pull *p = ga_container_of(f, struct ga_pull, fd);

	switch (p->phase) {
	case PH_CONNECT: {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
			ga_pull_connect_failed(p, soerr ? soerr : errno);
			return;
		}
		if (ga_tls_client_start(p->conn, f->fd, p->target.host)) {
			ga_pull_failf(p, "TLS setup failed");
			return;
		}
		p->phase = PH_HANDSHAKE;
		ga_pull_handshake(p);
		return;
	}
	case PH_HANDSHAKE:
		ga_pull_handshake(p);
		return;
	case PH_SEND:
		ga_pull_write(p);
		if (p->phase == PH_RECV && ga_tls_conn_pending(p->conn)) {
			ga_pull_read(p);
		}
		return;
	case PH_RECV:
		ga_pull_read(p);
		return;
	default:
		(void)revents;
		return;
	}
}

/* ---- timer: backoff over, or a deadline passed ---------------------------- */

static void ga_pull_timer(struct ga_timer *t)
{
	struct ga_pull *p = ga_container_of(t, struct ga_pull, timer);

	switch (p->phase) {
	case PH_WAIT:
		ga_pull_step(p);
		return;
	case PH_CONNECT:
	case PH_HANDSHAKE:
		ga_pull_failf(p, "connect to %s:%s timed out", p->target.host,
			      p->target.port);
		return;
	case PH_SEND:
	case PH_RECV:
		ga_pull_failf(p, "%s timed out", ga_namespace_op_name(p->op));
		return;
	default:
		return;
	}
}

/* From PH_WAIT: (re)connect; a live connection goes on by itself. */
static void ga_pull_step(struct ga_pull *p)
{
	if (p->fd.fd < 0) {
		ga_pull_connect(p);
	}
}

/* ---- setup ---------------------------------------------------------------- */

/* The key from [pull] key, or the first line of key_file. */
static int ga_pull_key(const struct ga_conf *conf, char *key, size_t size)
{
	ssize_t n;
	int fd;

	if (conf->pull.key[0]) {
		snprintf(key, size, "%s", conf->pull.key);
		return 0;
	}
	fd = open(conf->pull.key_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	n = read(fd, key, size - 1);
	close(fd);
	if (n < 0) {
		return -EIO;
	}
	key[n] = '\0';
	/* a trailing newline from `echo key > file` is not key */
	key[strcspn(key, "\r\n")] = '\0';
	for (char *c = key; *c; c++) {
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) {
			return -EINVAL; /* it goes into a header line */
		}
	}
	return key[0] ? 0 : -EINVAL;
}

static void ga_pull_stop(struct ga_pull *p)
{
	ga_pull_disconnect(p);
	ga_timer_cancel(p->loop, &p->timer);
	ga_tls_conn_free(p->conn);
	p->conn = NULL;
	ga_tls_client_free(p->tls);
	p->tls = NULL;
	p->phase = PH_OFF;
	p->sticky = false;
	p->naddrs = 0;
	p->ntokens = 0;
	p->journal_failed = false;
	snprintf(p->state, sizeof(p->state), "off");
}

static int ga_pull_start(struct ga_pull *p, const struct ga_conf *conf)
{
	int err;

	p->conf = conf;
	if (!conf->pull.endpoint[0]) {
		return 0;
	}
	if (!p->buf) {
		/* the largest response and request, once: kept across
		 * reloads, freed by ga_pull_close() */
		p->buf_size = GA_PULL_HEAD_MAX + GA_PULL_BODY_MAX;
		p->buf = malloc(p->buf_size); /* setup-only */
		p->out = malloc(GA_PULL_OUT_MAX); /* setup-only */
		p->tokens = calloc(GA_NAMESPACE_EVENTS_MAX, /* setup-only */
				   sizeof(*p->tokens));
		if (!p->buf || !p->out || !p->tokens) {
			return -ENOMEM;
		}
	}
	{
		struct ga_http_limits lim;

		ga_http_limits_default(&lim);
		lim.request_line_max = 1024; /* the status line */
		lim.head_max = GA_PULL_HEAD_MAX;
		lim.max_body = GA_PULL_BODY_MAX;
		ga_http_parser_init_response(&p->http, &lim);
	}
	err = ga_pull_key(conf, p->key, sizeof(p->key));
	if (err) {
		ga_log(LOG_ERR, "pull: key_file %s: %s", conf->pull.key_file,
		       err == -EINVAL ? "no key in it" : strerror(-err));
		snprintf(p->state, sizeof(p->state), "auth-error");
		p->phase = PH_OFF;
		return 0;
	}
	if (ga_namespace_target(&p->target, conf->pull.endpoint, conf->pull.topic,
				conf->pull.subscription, p->key)) {
		/* config.c checked the shape; this is a length limit */
		ga_log(LOG_ERR, "pull: endpoint, topic or subscription unusable");
		snprintf(p->state, sizeof(p->state), "off (bad endpoint)");
		p->phase = PH_OFF;
		return 0;
	}
	p->target.max_events = conf->pull.max_events;
	p->target.wait_s = conf->pull.wait_s;
	p->phase = PH_WAIT;
	snprintf(p->state, sizeof(p->state), "connecting");
	ga_timer_set(p->loop, &p->timer, 0);
	ga_log(LOG_NOTICE, "pull: %s topic %s subscription %s", p->target.host,
	       conf->pull.topic, conf->pull.subscription);
	return 0;
}

int ga_pull_setup(struct ga_pull *p, struct ga_loop *loop,
		  const struct ga_conf *conf, struct ga_eventgrid *eg,
		  const struct ga_pull_ops *ops)
{
	p->loop = loop;
	p->eg = eg;
	p->ops = *ops;
	p->timer.cb = ga_pull_timer;
	p->rand = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 0x9e3779b9u;
	if (!p->rand) {
		p->rand = 1;
	}
	return ga_pull_start(p, conf);
}

/* The [pull] keys that name the exchange; ca_file is not one of them. */
static bool ga_pull_same(const struct ga_conf *a, const struct ga_conf *b)
{
	return !strcmp(a->pull.endpoint, b->pull.endpoint) &&
	       !strcmp(a->pull.topic, b->pull.topic) &&
	       !strcmp(a->pull.subscription, b->pull.subscription) &&
	       !strcmp(a->pull.key, b->pull.key) &&
	       !strcmp(a->pull.key_file, b->pull.key_file) &&
	       a->pull.max_events == b->pull.max_events &&
	       a->pull.wait_s == b->pull.wait_s;
}

int ga_pull_reconf(struct ga_pull *p, const struct ga_conf *conf)
{
	char key[sizeof(p->key)];

	/* A new key_file content counts as a change too. */
	if (p->conf && ga_pull_same(p->conf, conf) &&
	    (!conf->pull.endpoint[0] ||
	     (ga_pull_key(conf, key, sizeof(key)) == 0 &&
	      strcmp(key, p->key) == 0))) {
		/* Same exchange: the CA file is read again (a renewed bundle
		 * keeps its name) for the next connection; the one open
		 * finishes on the anchors it started with. Without a TLS
		 * client yet (or after ca_file failed) the next connect
		 * reads it anyway. */
		if (p->tls && ga_tls_client_reload(p->tls, conf->pull.ca_file,
						   NULL, NULL)) {
			ga_log(LOG_ERR, "reload: pull: ca_file %s: no usable CA "
			       "certificate; the previous one stays",
			       conf->pull.ca_file);
		}
		p->conf = conf;
		return 0;
	}
	ga_pull_stop(p);
	return ga_pull_start(p, conf);
}

void ga_pull_close(struct ga_pull *p)
{
	if (p->loop) {
		ga_pull_stop(p);
	}
	free(p->buf);
	free(p->out);
	free(p->tokens);
	p->buf = NULL;
	p->out = NULL;
	p->tokens = NULL;
}

/* server.h - the HTTPS listener and its connections: accept, TLS
 * handshake, HTTP request reading with timeouts, webhook dispatch, group
 * commit, response writing, keep-alive and pipelining, max_connections.
 *
 * Connection states are an enum-indexed table of handlers.
 * Everything is reserved in ga_server_setup(): the connection slots, a TLS
 * context per slot, and a request buffer per slot sized for the largest
 * request (head + max_body) as untouched anonymous memory, so only what a
 * request really uses becomes resident, and it is given back after a large
 * one (RSS stays flat; docs/architecture.md).
 */
#ifndef GA_SERVER_H
#define GA_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "http.h"
#include "loop.h"
#include "webhook.h"

struct ga_conf;
struct ga_tls_server;
struct ga_tls_conn;
struct ga_server;

/* Room for the response head (status line + our headers, < 512 B) and the
 * largest body we write: a validation response or an error, < 512 B. */
#define GA_CONN_OUT_MAX 1536
#define GA_CONN_BODY_MAX 512
/* Read at most this much per readable event before letting the others
 * run; mbedTLS's buffered plaintext is drained in the prepare hook. */
#define GA_CONN_READ_BUDGET (64u * 1024u)
/* Group commit: while new requests keep completing, the loop takes up to
 * this many extra non-blocking looks before the fsync, so concurrent
 * requests share it. Each look costs one poll(0) (~5 us), far below an
 * fsync (0.1 ms on an SSD, 2-20 ms on an SD card). */
#define GA_SERVER_COMMIT_DEFER 4
/* ...and while connections answered by the previous sync have not sent
 * their next request yet (closed-loop clients: Event Grid's deliveries,
 * a load generator), it waits for them up to the mean sync time (longer
 * is never worth it: they can take the next sync), at most this long.
 * At 8 clients: 7.7 events per sync instead of 5.8, 1.16x events/s
 * (median of 6 interleaved A/B pairs, wrk 4 s each). A lone client never
 * waits. */
#define GA_SERVER_COMMIT_WAIT_MAX_US 2000u
/* With every slot taken, a new connection takes the slot of (in this
 * order) one already answered and lingering, the oldest idle keep-alive,
 * the oldest request head begun but not complete, at once: a real client
 * sends its head (< 2 KB, Event Grid's worst case ~44 KiB) in one go, so
 * a head arriving in pieces is a slowloris; or, once it is this old, the
 * oldest connection still in its TLS handshake or that has not sent a
 * byte of its request: a real handshake takes 2 round trips, so a new
 * connection is protected long enough to get its head in. Otherwise the
 * listening sockets are not read and new connections wait in the kernel's
 * listen backlog until a slot frees or a handshake grows this old. */
#define GA_SERVER_SLOW_EVICT_MS 1000u
/* After an answer that ends a connection early (413, 401 before the body)
 * the client may still be sending: closing with unread data makes the
 * kernel send a reset that can destroy our answer before the client reads
 * it. So the write side is shut down and what still arrives is read and
 * dropped for at most this long (what web servers call lingering close). */
#define GA_SERVER_LINGER_MS 2000u
/* Accepts per readable event on a listening socket. */
#define GA_SERVER_ACCEPT_BUDGET 16

enum ga_conn_state {
	GA_CONN_FREE,
	GA_CONN_HANDSHAKE, /* TLS handshake */
	GA_CONN_READ,      /* reading a request (head and body) */
	GA_CONN_COMMIT,    /* response ready, waiting for the journal fsync */
	GA_CONN_WRITE,     /* writing the response */
	GA_CONN_LINGER,    /* response out, write side shut: drain, then close */
	GA_CONN__COUNT
};

struct ga_conn {
	struct ga_fd fd;
	struct ga_timer timer;
	struct ga_server *srv;
	enum ga_conn_state state;
	struct ga_tls_conn *tls; /* NULL with tls = off */
	struct ga_http_parser http;
	char *buf; /* reserved: head limit + max_body */
	size_t len;
	size_t size;
	size_t high; /* highest offset used since the last trim */
	char out[GA_CONN_OUT_MAX];
	size_t out_len;
	size_t out_off;
	bool close_after;
	bool head_done;
	bool in_request; /* handshake begun, or a byte of the request seen */
	bool pending;    /* on the server's "read again" list */
	bool synced;     /* answered by the last sync, not back yet */
	unsigned int requests;
	uint64_t since_ms; /* accepted */
	uint64_t req_ms;   /* the current handshake/request head began */
	struct ga_webhook_resp resp;
	char resp_body[GA_CONN_BODY_MAX];
	struct ga_conn *next_commit;
	char peer[64];
};

struct ga_server_stats {
	unsigned long connections; /* accepted */
	unsigned long handshakes;  /* tls.handshakes */
	unsigned long tls_failures;/* tls.failures */
	unsigned long requests;    /* http.requests */
	unsigned long errors;      /* http.errors: responses >= 400 */
	unsigned long timeouts;
	unsigned long paused;      /* accepting paused: every slot busy */
	unsigned long evicted;     /* idle keep-alives closed for a new one */
	unsigned long evicted_slow;/* heads, handshakes closed for a new one */
	unsigned long commits;     /* fsyncs shared by requests */
};

struct ga_server_listener {
	struct ga_fd fd;
	struct ga_server *srv;
	char addr[64];
};

/* The journal's group commit: called once per loop iteration when any
 * request waits; 0 or -errno (then they all get 503). */
typedef int (*ga_server_commit_fn)(void *arg);

struct ga_server {
	struct ga_loop *loop;
	const struct ga_conf *conf;
	struct ga_tls_server *tls;
	struct ga_webhook *webhook;
	ga_server_commit_fn commit;
	void *commit_arg;
	struct ga_hook hook;
	struct ga_server_listener listeners[4];
	unsigned int nlisteners;
	struct ga_conn *conns; /* max_connections */
	unsigned int nconns;
	unsigned int active;
	/* Every slot busy with nothing to evict: listeners not polled; the
	 * timer resumes when a protected handshake grows evictable. */
	bool accept_paused;
	struct ga_timer accept_timer;
	size_t buf_size;
	struct ga_conn *commit_head;
	bool commit_joined;        /* a request joined since the last look */
	unsigned int commit_defers;
	uint64_t commit_start_us;  /* the group's first request joined */
	uint64_t sync_us;          /* mean sync time (1/8 weight per sync) */
	struct ga_http_limits limits;
	struct ga_server_stats stats;
	bool draining; /* SIGTERM: no new requests, finish in-flight ones */
};

void ga_server_init(struct ga_server *s);
/* Bind every listen address of @conf and reserve all connection state.
 * @tls may be NULL only when tls = off. 0 or -errno (logged). */
GA_MUST_CHECK int ga_server_setup(struct ga_server *s, struct ga_loop *l,
				  const struct ga_conf *conf,
				  struct ga_tls_server *tls,
				  struct ga_webhook *webhook,
				  ga_server_commit_fn commit, void *commit_arg);
/* A reloaded config: timeouts and limits apply to new requests. */
void ga_server_reconf(struct ga_server *s, const struct ga_conf *conf);
/* Stop accepting; true once no request is in flight. */
bool ga_server_drain(struct ga_server *s);
void ga_server_close(struct ga_server *s);
/* "127.0.0.1:8443 [::1]:8443" of the bound sockets. */
size_t ga_server_listen_str(const struct ga_server *s, char *out, size_t size);

#endif /* GA_SERVER_H */

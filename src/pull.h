/* pull.h - pull delivery from an Event Grid namespace (docs/azure.md,
 * [pull] in docs/configuration.md, pull.* in docs/status.md): for boards behind NAT, long-poll :receive over
 * outbound HTTPS on the one loop, no threads.
 *
 * One connection, one request at a time, kept alive between requests:
 *
 *	connect -> TLS (ca_file, SNI + host name check)
 *	  -> receive (long poll, up to wait_s)
 *	  -> events through the same parser and sink as push, one fsync
 *	  -> acknowledge the journaled ones, reject the ones that can never
 *	     parse (dead-letter), release them all when the journal failed
 *	  -> receive again
 *
 * Journal first, then acknowledge: an acknowledge lost to a crash or a
 * dropped connection means the event comes back after its lock expires
 * (60..300 s) and is acknowledged as a duplicate; nothing is lost or shown
 * twice. Errors back off exponentially (1 s doubling to 60 s, with jitter).
 */
#ifndef GA_PULL_H
#define GA_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common.h"
#include "http.h"
#include "loop.h"
#include "namespace.h"

struct ga_conf;
struct ga_eventgrid;
struct ga_sink_ops;
struct ga_tls_client;
struct ga_tls_conn;

/* How pulled events become durable: the same sink as push, then @commit
 * (the journal's fsync): 0, or -errno when the events are not durable. */
struct ga_pull_ops {
	const struct ga_sink_ops *sink;
	void *sink_arg;
	int (*commit)(void *arg);
};

#define GA_PULL_ADDRS_MAX 4

struct ga_pull_stats {
	unsigned long received;     /* pull.received: events received */
	unsigned long acknowledged; /* pull.acknowledged: tokens the broker took */
	unsigned long released;     /* pull.released */
	unsigned long rejected;     /* pull.rejected: unparseable, dead-lettered */
	unsigned long lock_failures;/* failedLockTokens in any answer */
	unsigned long accepted, duplicate, ignored; /* verdicts, as push */
};

enum ga_pull_disp {
	GA_PULL_DONE = 0,
	GA_PULL_ACK,
	GA_PULL_REJECT,
	GA_PULL_RELEASE,
};

struct ga_pull {
	const struct ga_conf *conf;
	struct ga_loop *loop;
	struct ga_eventgrid *eg;
	struct ga_pull_ops ops;
	struct ga_tls_client *tls;
	struct ga_tls_conn *conn;
	struct ga_fd fd;
	struct ga_timer timer; /* backoff wait, or the current I/O deadline */
	struct ga_namespace_target target;
	char key[256];
	int phase;
	bool conn_used;   /* the connection has answered a request before */
	bool retried;     /* the current request was resent once already */
	bool journal_failed;
	enum ga_namespace_op op;
	/* resolved once, again after failures; tried in order (localhost is
	 * ::1 then 127.0.0.1, a namespace host may have A and AAAA) */
	struct sockaddr_storage addrs[GA_PULL_ADDRS_MAX];
	socklen_t addrlens[GA_PULL_ADDRS_MAX];
	unsigned int naddrs, addr_idx;
	/* the request being written */
	char *out;
	size_t out_len, out_off;
	/* the response being read (GA_PULL_HEAD_MAX + GA_PULL_BODY_MAX) */
	char *buf;
	size_t buf_size, len;
	struct ga_http_parser http;
	/* lock tokens of the last receive and what is still to be done */
	char (*tokens)[GA_NAMESPACE_TOKEN_MAX + 1];
	uint8_t disp[GA_NAMESPACE_EVENTS_MAX];
	unsigned int ntokens;
	unsigned int backoff_ms;
	uint32_t rand;
	char state[160];  /* pull.state */
	bool sticky;      /* auth-error / tls-error stay until a receive works */
	struct ga_pull_stats stats;
};

void ga_pull_init(struct ga_pull *p);
/* Start pulling when [pull] endpoint is set (else state "off"). Problems
 * of the network, the server or ca_file show in the state and are
 * retried; only allocation failures return -ENOMEM. */
GA_MUST_CHECK int ga_pull_setup(struct ga_pull *p, struct ga_loop *loop,
				const struct ga_conf *conf,
				struct ga_eventgrid *eg,
				const struct ga_pull_ops *ops);
/* After a reload: restart with the new [pull] keys when any changed. */
GA_MUST_CHECK int ga_pull_reconf(struct ga_pull *p, const struct ga_conf *conf);
void ga_pull_close(struct ga_pull *p);
/* pull.state, as docs/status.md lists it. */
const char *ga_pull_state(const struct ga_pull *p);

#endif /* GA_PULL_H */

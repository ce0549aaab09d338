/* webhook.h - Event Grid webhook semantics (docs/http.md): routing, the shared
 * secret, the two handshakes, status codes. Sans-I/O: a
 * request description in, a response description out; the events go to a
 * sink (the journal in the daemon, a recorder in tests).
 */
#ifndef GA_WEBHOOK_H
#define GA_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "event.h"

struct ga_conf;
struct ga_eventgrid;

/* What the webhook needs of an HTTP request; spans into the connection's
 * buffer (filled by the connection layer from the HTTP parser). */
struct ga_webhook_req {
	struct ga_span method;
	struct ga_span path;  /* without the query */
	struct ga_span query; /* after '?', raw */
	struct ga_span content_type;
	struct ga_span key;    /* X-Gridalert-Key */
	struct ga_span origin; /* WebHook-Request-Origin */
	struct ga_span body;   /* complete, de-chunked */
};

/* Response description. The body goes into the caller's buffer. */
struct ga_webhook_resp {
	int status;
	char *body;
	size_t body_len;
	size_t body_size;
	const char *allow;            /* Allow: value, or NULL */
	unsigned int retry_after_s;   /* Retry-After: when > 0 */
	struct ga_span allowed_origin;/* WebHook-Allowed-Origin when set */
	bool allowed_rate;            /* WebHook-Allowed-Rate: * */
	bool commit; /* 200 only after the journal's next fsync succeeds */
	unsigned int accepted; /* events this request added (undone on 503) */
};

/* Where accepted events go. A request's events are one batch: begin, then
 * event() per event, then end(ok). A batch is all-or-nothing (docs/http.md):
 * end(false) must undo every event() of the batch. */
enum ga_sink_verdict {
	GA_SINK_ACCEPTED = 0,
	GA_SINK_DUPLICATE = 1,
	GA_SINK_IGNORED = 2,
};

struct ga_sink_ops {
	void (*begin)(void *arg);
	/* A verdict (>= 0), or -errno: -ENOSPC/-EIO/-EROFS (journal cannot
	 * write: 503), -EBUSY (overloaded: 503). */
	int (*event)(void *arg, const struct ga_event *ev);
	/* @ok false: roll the batch back. Returns true when the batch wrote
	 * something that must be fsynced before the 200. */
	bool (*end)(void *arg, bool ok);
};

/* How long Event Grid should wait before retrying after our 503: it waits
 * at least 30 s after a 503 anyway (Microsoft's "Event Grid
 * message delivery and retry"); say so explicitly. */
#define GA_WEBHOOK_RETRY_AFTER_S 30

struct ga_webhook_stats {
	unsigned long accepted;  /* events.accepted */
	unsigned long duplicate; /* events.duplicate */
	unsigned long ignored;   /* events.ignored */
	unsigned long rejected;  /* events.rejected: requests answered 400/413 */
	unsigned long unauthorized;
	unsigned long validations;
	unsigned long unavailable; /* 503 */
};

struct ga_webhook {
	const struct ga_conf *conf;
	struct ga_eventgrid *eg;
	const struct ga_sink_ops *sink;
	void *sink_arg;
	struct ga_webhook_stats stats;
	/* per request, reset by handle() */
	unsigned int n_accepted, n_duplicate, n_ignored;
	bool have_validation;
	char validation_code[128];
	int sink_err;
};

void ga_webhook_init(struct ga_webhook *w, const struct ga_conf *conf,
		     struct ga_eventgrid *eg, const struct ga_sink_ops *sink,
		     void *sink_arg);

/* Decide what can be decided from the head alone (404, 405, 401, 415,
 * OPTIONS handshake, /healthz), so a body is never read for a request that
 * will be refused. Returns true when the body is wanted (the caller reads
 * it and calls ga_webhook_handle); false when @resp is final. */
bool ga_webhook_head(struct ga_webhook *w, const struct ga_webhook_req *req,
		     struct ga_webhook_resp *resp);

/* The full request (head checks again, then the body). */
void ga_webhook_handle(struct ga_webhook *w, const struct ga_webhook_req *req,
		       struct ga_webhook_resp *resp);

/* Fill @resp with {"error":"<reason>"} and @status (HTTP layer errors use
 * the same shape). */
void ga_webhook_error(struct ga_webhook_resp *resp, int status,
		      const char *reason);

/* Turn a committed 200 into a 503 when the journal's fsync failed. */
void ga_webhook_commit_failed(struct ga_webhook *w,
			      struct ga_webhook_resp *resp);

#endif /* GA_WEBHOOK_H */

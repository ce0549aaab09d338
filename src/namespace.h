/* namespace.h - the Event Grid namespace pull protocol (REST API 2024-06-01),
 * sans-I/O: request heads and bodies out, response bodies in. src/pull.c
 * does the I/O on the loop.
 *
 *	POST /topics/{t}/eventsubscriptions/{s}:receive?api-version=2024-06-01
 *	     &maxEvents=N&maxWaitTime=S                     (no body)
 *	  -> {"value":[{"brokerProperties":{"lockToken":..,"deliveryCount":..},
 *	                "event":{CloudEvent}}, ...]}
 *	POST ...:acknowledge|:release|:reject?api-version=...  {"lockTokens":[..]}
 *	  -> {"succeededLockTokens":[..],"failedLockTokens":[..]}
 */
#ifndef GA_NAMESPACE_H
#define GA_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* The GA data-plane version with receive/acknowledge/release/reject
 * (the Python SDK's default). */
#define GA_NAMESPACE_API_VERSION "2024-06-01"
/* maxEvents is 1..100 (namespace REST API, receive). */
#define GA_NAMESPACE_EVENTS_MAX 100
/* Lock tokens are opaque base64: 24 bytes in the REST examples, ~120 in
 * SDK recordings. 256 leaves room; a longer one is refused (the event is
 * then redelivered after its lock expires and logged each time). */
#define GA_NAMESPACE_TOKEN_MAX 256

enum ga_namespace_op {
	GA_NS_RECEIVE,
	GA_NS_ACKNOWLEDGE,
	GA_NS_RELEASE,
	GA_NS_REJECT,
};

const char *ga_namespace_op_name(enum ga_namespace_op op);

/* Where to pull from, from [pull]. */
struct ga_namespace_target {
	char host[256];      /* from endpoint, for Host:, SNI, name check */
	char port[8];        /* "443" unless the endpoint names one */
	char base[512];      /* /topics/{t}/eventsubscriptions/{s}, encoded */
	const char *key;     /* SharedAccessKey */
	unsigned int max_events;
	unsigned int wait_s;
};

/* Fill @t from https://host[:port][/] and the topic and subscription
 * names (percent-encoded into the path). 0 or -EINVAL. */
GA_MUST_CHECK int ga_namespace_target(struct ga_namespace_target *t,
				      const char *endpoint, const char *topic,
				      const char *subscription, const char *key);

/* The request head (and @body, copied after it) for @op into @out.
 * @release_delay_s only for GA_NS_RELEASE (0, 10, 60, 600 or 3600).
 * Bytes written, 0 when it does not fit. */
size_t ga_namespace_request(const struct ga_namespace_target *t,
			    enum ga_namespace_op op,
			    unsigned int release_delay_s, struct ga_span body,
			    char *out, size_t size);

/* {"lockTokens":["..",..]} from @n decoded tokens. Bytes written, 0 when
 * it does not fit. */
size_t ga_namespace_tokens_body(const char *const *tokens, unsigned int n,
				char *out, size_t size);

/* One received event: the raw lock token (JSON string contents, not
 * decoded), the delivery count and the CloudEvent object. */
struct ga_namespace_detail {
	struct ga_span token;
	unsigned long delivery_count;
	struct ga_span event;
};

typedef int (*ga_namespace_detail_cb)(void *arg,
				      const struct ga_namespace_detail *d);

/* Walk a receive response: the whole body is checked first (a malformed
 * response calls nothing), then @cb per detail in order; a detail without
 * a usable lock token is reported through @cb with an empty token. 0,
 * -EINVAL (with @err), or @cb's first nonzero return. */
GA_MUST_CHECK int ga_namespace_receive_parse(struct ga_span body,
					     ga_namespace_detail_cb cb,
					     void *arg, char *err,
					     size_t err_size);

/* A failed lock token: 2024-06-01 says {"lockToken","error":{"code",
 * "message"}}, the docs sample {"lockToken","errorCode",
 * "errorDescription"} (Microsoft's subscriber operations page):
 * both are read. */
struct ga_namespace_failed {
	struct ga_span token;
	struct ga_span code;
	struct ga_span message;
};

typedef void (*ga_namespace_failed_cb)(void *arg,
				       const struct ga_namespace_failed *f);

/* Walk an acknowledge/release/reject response: the number of succeeded
 * tokens in @succeeded, @cb per failed one. 0 or -EINVAL (with @err). */
GA_MUST_CHECK int ga_namespace_lock_parse(struct ga_span body,
					  unsigned int *succeeded,
					  ga_namespace_failed_cb cb, void *arg,
					  char *err, size_t err_size);

/* The code and message of an error body ({"error":{"code","message"}}),
 * decoded into @out as "code: message"; empty when there is none. */
void ga_namespace_error(struct ga_span body, char *out, size_t size);

#endif /* GA_NAMESPACE_H */

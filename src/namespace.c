/* namespace.c - see namespace.h. */
#include "namespace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

const char *ga_namespace_op_name(enum ga_namespace_op op)
{
	switch (op) {
	case GA_NS_RECEIVE: return "receive";
	case GA_NS_ACKNOWLEDGE: return "acknowledge";
	case GA_NS_RELEASE: return "release";
	case GA_NS_REJECT: return "reject";
	}
	return "?";
}

/* RFC 3986 unreserved characters pass; everything else is %XX. Topic and
 * subscription names are [A-Za-z0-9-] in Azure, so this is a guard. */
static bool ga_namespace_encode(char *out, size_t size, size_t *at,
				const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			     c == '.' || c == '~';

		if (*at + (plain ? 1 : 3) >= size) {
			return false;
		}
		if (plain) {
			out[(*at)++] = (char)c;
		} else {
			out[(*at)++] = '%';
			out[(*at)++] = hex[c >> 4];
			out[(*at)++] = hex[c & 15];
		}
	}
	out[*at] = '\0';
	return true;
}

static bool ga_namespace_append(char *out, size_t size, size_t *at,
				const char *s)
{
	size_t n = strlen(s);

	if (*at + n >= size) {
		return false;
	}
	memcpy(out + *at, s, n + 1);
	*at += n;
	return true;
}

int ga_namespace_target(struct ga_namespace_target *t, const char *endpoint,
			const char *topic, const char *subscription,
			const char *key)
{
	const char *h, *end, *colon;
	size_t hlen, at = 0;

	memset(t, 0, sizeof(*t));
	if (strncmp(endpoint, "https://", 8) != 0 || !topic[0] ||
	    !subscription[0]) {
		return -EINVAL;
	}
	h = endpoint + 8;
	end = h + strcspn(h, "/?#");
	if (*end == '?' || *end == '#' || (*end == '/' && end[1] != '\0')) {
		return -EINVAL; /* the REST paths are ours to build */
	}
	colon = memchr(h, ':', (size_t)(end - h));
	hlen = (size_t)((colon ? colon : end) - h);
	if (hlen == 0 || hlen >= sizeof(t->host) || h[0] == '[') {
		return -EINVAL; /* IPv6 literals: a host name is required */
	}
	memcpy(t->host, h, hlen);
	if (colon) {
		size_t plen = (size_t)(end - colon - 1);

		if (plen == 0 || plen >= sizeof(t->port) ||
		    strspn(colon + 1, "0123456789") < plen) {
			return -EINVAL;
		}
		memcpy(t->port, colon + 1, plen);
	} else {
		strcpy(t->port, "443");
	}
	if (!ga_namespace_append(t->base, sizeof(t->base), &at, "/topics/") ||
	    !ga_namespace_encode(t->base, sizeof(t->base), &at, topic) ||
	    !ga_namespace_append(t->base, sizeof(t->base), &at,
				 "/eventsubscriptions/") ||
	    !ga_namespace_encode(t->base, sizeof(t->base), &at, subscription)) {
		return -EINVAL;
	}
	t->key = key;
	t->max_events = 10;
	t->wait_s = 60;
	return 0;
}

size_t ga_namespace_request(const struct ga_namespace_target *t,
			    enum ga_namespace_op op,
			    unsigned int release_delay_s, struct ga_span body,
			    char *out, size_t size)
{
	char query[96];
	int n;

	if (op == GA_NS_RECEIVE) {
		snprintf(query, sizeof(query), "&maxEvents=%u&maxWaitTime=%u",
			 t->max_events, t->wait_s);
	} else if (op == GA_NS_RELEASE && release_delay_s) {
		snprintf(query, sizeof(query), "&releaseDelayInSeconds=%u",
			 release_delay_s);
	} else {
		query[0] = '\0';
	}
	/* Host without the port when it is the default (RFC 9110 §7.2). */
	n = snprintf(out, size,
		     "POST %s:%s?api-version=" GA_NAMESPACE_API_VERSION "%s HTTP/1.1\r\n"
		     "Host: %s%s%s\r\n"
		     "Authorization: SharedAccessKey %s\r\n"
		     "User-Agent: gridalertd/" GA_VERSION "\r\n"
		     "Accept: application/json\r\n"
		     "%s"
		     "Content-Length: %zu\r\n"
		     "\r\n",
		     t->base, ga_namespace_op_name(op), query, t->host,
		     strcmp(t->port, "443") ? ":" : "",
		     strcmp(t->port, "443") ? t->port : "", t->key,
		     body.len ? "Content-Type: application/json; charset=utf-8\r\n"
			      : "",
		     body.len);
	if (n < 0 || (size_t)n >= size || size - (size_t)n < body.len) {
		return 0;
	}
	if (body.len) {
		memcpy(out + n, body.ptr, body.len);
	}
	return (size_t)n + body.len;
}

size_t ga_namespace_tokens_body(const char *const *tokens, unsigned int n,
				char *out, size_t size)
{
	size_t at = 0;

	if (!ga_namespace_append(out, size, &at, "{\"lockTokens\":[")) {
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		const char *tok = tokens[i];
		size_t need = 4; /* quotes, comma, NUL */

		for (const char *c = tok; *c; c++) {
			/* base64 in practice; an escape is at most \u00XX */
			need += (*c == '"' || *c == '\\' ||
				 (unsigned char)*c < 0x20) ? 6 : 1;
		}
		if (at + need >= size) {
			return 0;
		}
		if (i) {
			out[at++] = ',';
		}
		out[at++] = '"';
		at += ga_json_escape(ga_span_str(tok), out + at, size - at);
		out[at++] = '"';
		out[at] = '\0';
	}
	if (!ga_namespace_append(out, size, &at, "]}")) {
		return 0;
	}
	return at;
}

static int ga_namespace_fail(char *err, size_t size, const char *fmt, ...)
	GA_PRINTF(3, 4);

static int ga_namespace_fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The body must be valid JSON and an object with @key holding an array. */
static int ga_namespace_array(struct ga_span body, const char *key,
			      struct ga_span *arr, char *err, size_t err_size)
{
	struct ga_json_err jerr;
	struct ga_json_iter it;
	struct ga_span k, v;

	*arr = GA_SPAN_NULL;
	if (ga_json_check(body, &jerr)) {
		return ga_namespace_fail(err, err_size, "invalid JSON at byte %zu: %s",
					 jerr.at, jerr.what);
	}
	if (!ga_json_iter_object(&it, body)) {
		return ga_namespace_fail(err, err_size, "response is not a JSON object");
	}
	while (ga_json_next_member(&it, &k, &v)) {
		if (ga_json_str_ieq(k, key)) {
			*arr = v;
		}
	}
	if (!arr->ptr) {
		return 0; /* absent: an empty list */
	}
	if (!ga_json_iter_array(&it, *arr)) {
		return ga_namespace_fail(err, err_size, "\"%s\" is not an array", key);
	}
	return 0;
}

static bool ga_namespace_u64(struct ga_span v, unsigned long *out)
{
	uint64_t n;

	if (ga_span_to_u64(v, (uint64_t)~0UL, &n)) {
		return false;
	}
	*out = (unsigned long)n;
	return true;
}

int ga_namespace_receive_parse(struct ga_span body, ga_namespace_detail_cb cb,
			       void *arg, char *err, size_t err_size)
{
	struct ga_json_iter arr, det, bp;
	struct ga_span value, el, k, v, bk, bv;
	unsigned int n = 0;
	int ret;

	ret = ga_namespace_array(body, "value", &value, err, err_size);
	if (ret || !value.ptr) {
		return ret;
	}
	/* Shape first, so a malformed detail 7 of 10 means no callback. */
	for (int pass = 0; pass < 2; pass++) {
		(void)ga_json_iter_array(&arr, value);
		for (n = 0; ga_json_next_elem(&arr, &el); n++) {
			struct ga_namespace_detail d = { .event = GA_SPAN_NULL };

			if (n >= GA_NAMESPACE_EVENTS_MAX) {
				return ga_namespace_fail(err, err_size,
							 "more than %d events",
							 GA_NAMESPACE_EVENTS_MAX);
			}
			if (!ga_json_iter_object(&det, el)) {
				return ga_namespace_fail(err, err_size,
							 "value[%u] is not an object", n);
			}
			while (ga_json_next_member(&det, &k, &v)) {
				if (ga_json_str_ieq(k, "event")) {
					d.event = v;
				} else if (ga_json_str_ieq(k, "brokerProperties") &&
					   ga_json_iter_object(&bp, v)) {
					while (ga_json_next_member(&bp, &bk, &bv)) {
						if (ga_json_str_ieq(bk, "lockToken")) {
							(void)ga_json_as_string(bv, &d.token);
						} else if (ga_json_str_ieq(bk, "deliveryCount")) {
							(void)ga_namespace_u64(bv, &d.delivery_count);
						}
					}
				}
			}
			if (!d.event.ptr) {
				return ga_namespace_fail(err, err_size,
							 "value[%u] has no event", n);
			}
			if (pass == 1) {
				ret = cb(arg, &d);
				if (ret) {
					return ret;
				}
			}
		}
	}
	return 0;
}

static void ga_namespace_failed_read(struct ga_span el,
				     struct ga_namespace_failed *f)
{
	struct ga_json_iter it, e;
	struct ga_span k, v, ek, ev;

	memset(f, 0, sizeof(*f));
	if (ga_json_as_string(el, &f->token)) {
		return; /* a bare token string */
	}
	if (!ga_json_iter_object(&it, el)) {
		return;
	}
	while (ga_json_next_member(&it, &k, &v)) {
		if (ga_json_str_ieq(k, "lockToken")) {
			(void)ga_json_as_string(v, &f->token);
		} else if (ga_json_str_ieq(k, "errorCode")) {
			(void)ga_json_as_string(v, &f->code);
		} else if (ga_json_str_ieq(k, "errorDescription")) {
			(void)ga_json_as_string(v, &f->message);
		} else if (ga_json_str_ieq(k, "error") &&
			   ga_json_iter_object(&e, v)) {
			while (ga_json_next_member(&e, &ek, &ev)) {
				if (ga_json_str_ieq(ek, "code")) {
					(void)ga_json_as_string(ev, &f->code);
				} else if (ga_json_str_ieq(ek, "message")) {
					(void)ga_json_as_string(ev, &f->message);
				}
			}
		}
	}
}

int ga_namespace_lock_parse(struct ga_span body, unsigned int *succeeded,
			    ga_namespace_failed_cb cb, void *arg, char *err,
			    size_t err_size)
{
	struct ga_json_iter it;
	struct ga_span arr, el;
	int ret;

	*succeeded = 0;
	ret = ga_namespace_array(body, "succeededLockTokens", &arr, err, err_size);
	if (ret) {
		return ret;
	}
	if (arr.ptr) {
		(void)ga_json_iter_array(&it, arr);
		while (ga_json_next_elem(&it, &el)) {
			(*succeeded)++;
		}
	}
	ret = ga_namespace_array(body, "failedLockTokens", &arr, err, err_size);
	if (ret || !arr.ptr) {
		return ret;
	}
	(void)ga_json_iter_array(&it, arr);
	while (ga_json_next_elem(&it, &el)) {
		struct ga_namespace_failed f;

		ga_namespace_failed_read(el, &f);
		if (cb) {
			cb(arg, &f);
		}
	}
	return 0;
}

void ga_namespace_error(struct ga_span body, char *out, size_t size)
{
	struct ga_json_iter it, e;
	struct ga_span k, v, code = GA_SPAN_NULL, msg = GA_SPAN_NULL;
	struct ga_json_err jerr;
	size_t at;

	out[0] = '\0';
	if (!body.len || ga_json_check(body, &jerr) ||
	    !ga_json_iter_object(&it, body)) {
		return;
	}
	while (ga_json_next_member(&it, &k, &v)) {
		if (ga_json_str_ieq(k, "error") && ga_json_iter_object(&e, v)) {
			while (ga_json_next_member(&e, &k, &v)) {
				if (ga_json_str_ieq(k, "code")) {
					(void)ga_json_as_string(v, &code);
				} else if (ga_json_str_ieq(k, "message")) {
					(void)ga_json_as_string(v, &msg);
				}
			}
		}
	}
	at = ga_json_str_decode(code, out, size);
	if (msg.len && at + 2 < size) {
		if (at) {
			out[at++] = ':';
			out[at++] = ' ';
		}
		(void)ga_json_str_decode(msg, out + at, size - at);
	}
}

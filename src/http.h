/* http.h - incremental HTTP/1.1 request parser and response writer.
 *
 * Sans-I/O: the connection appends received bytes to a buffer it owns and
 * calls ga_http_parse() after every read; input may be split at any byte.
 * The parser keeps offsets only, so the caller may move the buffer between
 * calls (contents preserved). Chunked bodies are de-chunked in place, so
 * the body is always one contiguous span.
 *
 *	ga_http_parser_init(&p, &limits);
 *	for (;;) {
 *		len += read(fd, buf + len, size - len);
 *		switch (ga_http_parse(&p, buf, len)) {
 *		case GA_HTTP_NEED_MORE: continue;
 *		case GA_HTTP_HEAD_DONE: check method/auth, maybe 100-continue;
 *					continue;
 *		case GA_HTTP_DONE: handle(ga_http_request(&p)); break;
 *		default: respond ga_http_parse_status(&p); close;
 *		}
 *	}
 *
 * Strict by design (request smuggling): both Content-Length and
 * Transfer-Encoding, duplicate Content-Length, obs-fold, bare LF, control
 * bytes and malformed chunk sizes are errors (400).
 */
#ifndef GA_HTTP_H
#define GA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Headers kept per request: Event Grid sends ~10 aeg-* and standard ones
 * plus up to 10 custom delivery headers (Microsoft's "delivery
 * properties" page); 48 is ample. */
#define GA_HTTP_HEADERS_MAX 48
/* Extra response headers: Allow, Retry-After, WebHook-Allowed-*. */
#define GA_HTTP_RESP_HEADERS_MAX 6

enum ga_http_result {
	GA_HTTP_ERROR = -1, /* see ga_http_parse_status() */
	GA_HTTP_NEED_MORE = 1,
	GA_HTTP_HEAD_DONE = 2, /* head complete; body not yet read */
	GA_HTTP_DONE = 3,      /* whole request available */
};

struct ga_http_limits {
	size_t request_line_max; /* -> 414 */
	size_t head_max;         /* request line + headers -> 431 */
	unsigned int headers_max;/* -> 431 */
	size_t max_body;         /* -> 413 */
	size_t chunk_line_max;   /* chunk-size line incl. extensions -> 400 */
};

struct ga_http_header {
	struct ga_span name;
	struct ga_span value;
};

struct ga_http_req {
	int status;            /* responses: the status code; requests: 0 */
	struct ga_span method;
	struct ga_span target; /* as sent */
	struct ga_span path;   /* target before '?' */
	struct ga_span query;  /* after '?', raw */
	unsigned int minor;    /* HTTP/1.<minor> */
	struct ga_http_header headers[GA_HTTP_HEADERS_MAX];
	unsigned int nheaders;
	/* pre-extracted (empty when absent) */
	struct ga_span content_type;
	struct ga_span host;
	struct ga_span x_gridalert_key;
	struct ga_span webhook_request_origin;
	struct ga_span webhook_request_rate;
	struct ga_span aeg_event_type;
	struct ga_span origin;
	bool keep_alive;
	bool chunked;
	bool has_length;
	bool has_body; /* a body follows (length > 0 or chunked) */
	bool expect_continue;
	uint64_t content_length;
	struct ga_span body;
};

/* Parser state: offsets into the caller's buffer only. */
struct ga_http_parser {
	struct ga_http_limits lim;
	int state;
	int status;          /* error status once GA_HTTP_ERROR */
	const char *reason;  /* static text for {"error":...} */
	size_t off;          /* next byte to look at */
	size_t line_start;
	size_t head_end;     /* offset after the blank line */
	size_t body_start;
	size_t body_len;     /* bytes of de-chunked body so far */
	size_t chunk_left;   /* bytes left in the current chunk */
	size_t consumed;     /* bytes of this request, once done */
	/* offsets kept until the request is returned */
	size_t method_off, method_len, target_off, target_len;
	struct {
		size_t name_off, name_len, value_off, value_len;
	} hdr[GA_HTTP_HEADERS_MAX];
	unsigned int nhdr;
	unsigned int minor;
	bool has_length, chunked, close, keep_alive_hdr, expect_continue;
	bool head_reported;
	bool response;       /* parse a response (pull client), not a request */
	int resp_status;
	uint64_t content_length;
	struct ga_http_req req; /* filled when HEAD_DONE / DONE is returned */
};

void ga_http_limits_default(struct ga_http_limits *lim);
void ga_http_parser_init(struct ga_http_parser *p,
			 const struct ga_http_limits *lim);
/* The same parser for a response (the pull client, src/pull.c): a status
 * line instead of a request line; the body framed by Content-Length or
 * chunked, none for 1xx/204/304. A body delimited only by the connection
 * close is refused (502): nothing we talk to sends one, and it could not
 * be told from a truncated response. Errors use the request statuses. */
void ga_http_parser_init_response(struct ga_http_parser *p,
				  const struct ga_http_limits *lim);
/* Ready for the next request on the same connection (limits kept). */
void ga_http_parser_reset(struct ga_http_parser *p);
/* Parse what is in buf[0..len). May rewrite bytes of a chunked body in
 * place. Returns an enum ga_http_result. */
int ga_http_parse(struct ga_http_parser *p, char *buf, size_t len);
/* The request, valid after HEAD_DONE (without body) or DONE, with spans
 * into the buffer of that call. */
const struct ga_http_req *ga_http_request(const struct ga_http_parser *p);
int ga_http_parse_status(const struct ga_http_parser *p);
const char *ga_http_parse_reason(const struct ga_http_parser *p);
/* Bytes of the buffer that belong to the request just completed. */
size_t ga_http_consumed(const struct ga_http_parser *p);

/* Case-insensitive header lookup; empty span when absent. */
struct ga_span ga_http_header(const struct ga_http_req *r, const char *name);
/* Find query parameter @name, percent-decode it (and '+' as space) into
 * @out (NUL-terminated). False when absent, malformed or too long. */
bool ga_http_query_get(struct ga_span query, const char *name, char *out,
		       size_t size);

struct ga_http_resp {
	int status;
	const char *content_type; /* NULL: no body type */
	struct ga_span body;
	struct {
		const char *name;
		struct ga_span value;
	} headers[GA_HTTP_RESP_HEADERS_MAX];
	unsigned int nheaders;
	bool close;
	/* An answer to HEAD: the head GET would get, Content-Length
	 * included, but no body (RFC 9110 §9.3.2). */
	bool head_only;
};

const char *ga_http_reason(int status);
/* Status line, Content-Length always (Event Grid once failed on chunked
 * validation answers, Azure/azure-event-grid issues, fixed 2020), Content-Type, Connection: close when
 * closing, extra headers, body. Bytes written, or 0 when it does not fit. */
size_t ga_http_resp_write(const struct ga_http_resp *r, char *out, size_t size);
/* "HTTP/1.1 100 Continue\r\n\r\n"; bytes written or 0. */
size_t ga_http_continue_write(char *out, size_t size);

#endif /* GA_HTTP_H */

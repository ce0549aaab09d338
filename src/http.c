/* http.c - see http.h. */
#include "http.h"

#include <stdio.h>
#include <string.h>

/* Request line: a webhook URL with a secret in the query is < 300 bytes;
 * 4 KiB leaves room for long Event Grid subscription URLs. */
#define GA_HTTP_REQUEST_LINE_MAX 4096
/* Head: Event Grid's worst case is 10 custom headers of 4096 B plus the
 * standard ones, ~44 KiB; server.c reserves 48 KiB for it. */
#define GA_HTTP_HEAD_MAX (47u * 1024u)
/* Chunk-size line with extensions: 16 hex digits + a modest extension. */
#define GA_HTTP_CHUNK_LINE_MAX 256
/* 15 hex digits is 2^60: any more is an overflow attempt. */
#define GA_HTTP_CHUNK_HEX_MAX 15

enum {
	S_LINE,
	S_HEADERS,
	S_BODY,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_CRLF,
	S_TRAILERS,
	S_DONE,
	S_ERROR,
};

void ga_http_limits_default(struct ga_http_limits *lim)
{
	lim->request_line_max = GA_HTTP_REQUEST_LINE_MAX;
	lim->head_max = GA_HTTP_HEAD_MAX;
	lim->headers_max = GA_HTTP_HEADERS_MAX;
	lim->max_body = 1048576; /* [server] max_body default */
	lim->chunk_line_max = GA_HTTP_CHUNK_LINE_MAX;
}

void ga_http_parser_init(struct ga_http_parser *p,
			 const struct ga_http_limits *lim)
{
	memset(p, 0, sizeof(*p));
	if (lim) {
		p->lim = *lim;
	} else {
		ga_http_limits_default(&p->lim);
	}
	if (p->lim.headers_max > GA_HTTP_HEADERS_MAX) {
		p->lim.headers_max = GA_HTTP_HEADERS_MAX;
	}
	p->state = S_LINE;
}

void ga_http_parser_init_response(struct ga_http_parser *p,
				  const struct ga_http_limits *lim)
{
	ga_http_parser_init(p, lim);
	p->response = true;
}

void ga_http_parser_reset(struct ga_http_parser *p)
{
	struct ga_http_limits lim = p->lim;
	bool response = p->response;

	ga_http_parser_init(p, &lim);
	p->response = response;
}

static int ga_http_fail(struct ga_http_parser *p, int status,
			const char *reason)
{
	p->state = S_ERROR;
	p->status = status;
	p->reason = reason;
	return GA_HTTP_ERROR;
}

/* RFC 9110 tchar */
static bool ga_http_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9')) {
		return true;
	}
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static struct ga_span ga_http_sp(const char *buf, size_t off, size_t len)
{
	return ga_span_make(buf + off, len);
}

/* Find the end of the line starting at p->off. Returns the offset of the
 * LF, or -1 when none yet. A line must end with CRLF (bare LF: 400). */
static long ga_http_line(struct ga_http_parser *p, const char *buf, size_t len)
{
	const char *lf = memchr(buf + p->off, '\n', len - p->off);

	if (!lf) {
		return -1;
	}
	return (long)(lf - buf);
}

static int ga_http_request_line(struct ga_http_parser *p, const char *buf,
				size_t start, size_t end)
{
	size_t i = start, m0, t0;

	/* METHOD */
	m0 = i;
	while (i < end && ga_http_tchar((unsigned char)buf[i])) {
		i++;
	}
	if (i == m0 || i >= end || buf[i] != ' ') {
		return ga_http_fail(p, 400, "malformed request line");
	}
	p->method_off = m0;
	p->method_len = i - m0;
	i++;
	/* TARGET: visible ASCII, no spaces */
	t0 = i;
	while (i < end && buf[i] != ' ') {
		unsigned char c = (unsigned char)buf[i];

		if (c <= 0x20 || c >= 0x7f) {
			return ga_http_fail(p, 400, "bad character in request target");
		}
		i++;
	}
	if (i == t0 || i >= end) {
		return ga_http_fail(p, 400, "malformed request line");
	}
	if (buf[t0] != '/' && !(i - t0 == 1 && buf[t0] == '*')) {
		return ga_http_fail(p, 400, "request target must be a path");
	}
	p->target_off = t0;
	p->target_len = i - t0;
	i++;
	/* HTTP/1.x */
	if (end - i != 8 || memcmp(buf + i, "HTTP/", 5) != 0 ||
	    buf[i + 6] != '.' || buf[i + 5] < '0' || buf[i + 5] > '9' ||
	    buf[i + 7] < '0' || buf[i + 7] > '9') {
		return ga_http_fail(p, 400, "malformed HTTP version");
	}
	if (buf[i + 5] != '1' || buf[i + 7] > '1') {
		return ga_http_fail(p, 505, "HTTP version not supported");
	}
	p->minor = (unsigned int)(buf[i + 7] - '0');
	return 0;
}

/* "HTTP/1.x 200 OK": version, three digits, a reason that may be empty. */
static int ga_http_status_line(struct ga_http_parser *p, const char *buf,
			       size_t start, size_t end)
{
	const char *s = buf + start;
	size_t n = end - start;

	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' ||
	    s[7] > '9' || s[8] != ' ' || s[9] < '1' || s[9] > '5' ||
	    s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
	    (n > 12 && s[12] != ' ')) {
		return ga_http_fail(p, 502, "malformed status line");
	}
	p->minor = (unsigned int)(s[7] - '0');
	p->resp_status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	return 0;
}

static bool ga_http_token_in(struct ga_span list, const char *tok)
{
	size_t i = 0;

	while (i < list.len) {
		size_t s, e;

		while (i < list.len && (list.ptr[i] == ' ' || list.ptr[i] == '\t' ||
					list.ptr[i] == ',')) {
			i++;
		}
		s = i;
		while (i < list.len && list.ptr[i] != ',') {
			i++;
		}
		e = i;
		while (e > s && (list.ptr[e - 1] == ' ' || list.ptr[e - 1] == '\t')) {
			e--;
		}
		if (ga_span_ieq_str(ga_span_make(list.ptr + s, e - s), tok)) {
			return true;
		}
	}
	return false;
}

/* One header line [start, end) without CRLF. */
static int ga_http_header_line(struct ga_http_parser *p, const char *buf,
			       size_t start, size_t end)
{
	size_t i = start, vs, ve;
	struct ga_span name, value;

	if (buf[start] == ' ' || buf[start] == '\t') {
		return ga_http_fail(p, 400, "obsolete header line folding");
	}
	while (i < end && ga_http_tchar((unsigned char)buf[i])) {
		i++;
	}
	if (i == start || i >= end || buf[i] != ':') {
		return ga_http_fail(p, 400, "malformed header line");
	}
	name = ga_http_sp(buf, start, i - start);
	vs = i + 1;
	ve = end;
	for (size_t k = vs; k < ve; k++) {
		unsigned char c = (unsigned char)buf[k];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return ga_http_fail(p, 400, "control character in header");
		}
	}
	while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
		vs++;
	}
	while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
		ve--;
	}
	value = ga_http_sp(buf, vs, ve - vs);
	if (p->nhdr >= p->lim.headers_max) {
		return ga_http_fail(p, 431, "too many header fields");
	}
	p->hdr[p->nhdr].name_off = start;
	p->hdr[p->nhdr].name_len = name.len;
	p->hdr[p->nhdr].value_off = vs;
	p->hdr[p->nhdr].value_len = value.len;
	p->nhdr++;

	if (ga_span_ieq_str(name, "Content-Length")) {
		uint64_t v;

		if (p->has_length) {
			return ga_http_fail(p, 400, "duplicate Content-Length");
		}
		/* digits only: no sign, space, hex or list */
		if (ga_span_to_u64(value, UINT64_MAX / 2, &v)) {
			return ga_http_fail(p, 400, "bad Content-Length");
		}
		p->has_length = true;
		p->content_length = v;
	} else if (ga_span_ieq_str(name, "Transfer-Encoding")) {
		/* Only exactly "chunked": any other coding or list is how
		 * smuggling hides; 400 rather than 501, since we cannot know
		 * where such a body ends and must not guess. */
		if (p->chunked || !ga_span_ieq_str(value, "chunked")) {
			return ga_http_fail(p, 400, "unsupported Transfer-Encoding");
		}
		p->chunked = true;
	} else if (ga_span_ieq_str(name, "Connection")) {
		if (ga_http_token_in(value, "close")) {
			p->close = true;
		}
		if (ga_http_token_in(value, "keep-alive")) {
			p->keep_alive_hdr = true;
		}
	} else if (ga_span_ieq_str(name, "Expect")) {
		if (!ga_span_ieq_str(value, "100-continue")) {
			return ga_http_fail(p, 417, "unsupported expectation");
		}
		p->expect_continue = true;
	}
	return 0;
}

static void ga_http_fill(struct ga_http_parser *p, const char *buf)
{
	struct ga_http_req *r = &p->req;
	const char *q;

	memset(r, 0, sizeof(*r));
	r->status = p->resp_status;
	r->method = ga_http_sp(buf, p->method_off, p->method_len);
	r->target = ga_http_sp(buf, p->target_off, p->target_len);
	q = memchr(r->target.ptr, '?', r->target.len);
	if (q) {
		r->path = ga_span_make(r->target.ptr, (size_t)(q - r->target.ptr));
		r->query = ga_span_make(q + 1, r->target.len - r->path.len - 1);
	} else {
		r->path = r->target;
	}
	r->minor = p->minor;
	r->nheaders = p->nhdr;
	for (unsigned int i = 0; i < p->nhdr; i++) {
		struct ga_http_header *h = &r->headers[i];

		h->name = ga_http_sp(buf, p->hdr[i].name_off, p->hdr[i].name_len);
		h->value = ga_http_sp(buf, p->hdr[i].value_off,
				      p->hdr[i].value_len);
		if (ga_span_ieq_str(h->name, "Content-Type")) {
			r->content_type = h->value;
		} else if (ga_span_ieq_str(h->name, "Host")) {
			r->host = h->value;
		} else if (ga_span_ieq_str(h->name, "X-Gridalert-Key")) {
			r->x_gridalert_key = h->value;
		} else if (ga_span_ieq_str(h->name, "WebHook-Request-Origin")) {
			r->webhook_request_origin = h->value;
		} else if (ga_span_ieq_str(h->name, "WebHook-Request-Rate")) {
			r->webhook_request_rate = h->value;
		} else if (ga_span_ieq_str(h->name, "aeg-event-type")) {
			r->aeg_event_type = h->value;
		} else if (ga_span_ieq_str(h->name, "Origin")) {
			r->origin = h->value;
		}
	}
	/* HTTP/1.1 is persistent unless "close"; 1.0 only with keep-alive. */
	r->keep_alive = p->minor >= 1 ? !p->close
				      : (p->keep_alive_hdr && !p->close);
	r->chunked = p->chunked;
	r->has_length = p->has_length;
	r->content_length = p->content_length;
	r->has_body = p->chunked || (p->has_length && p->content_length > 0);
	r->expect_continue = p->expect_continue && r->has_body && p->minor >= 1;
	r->body = ga_http_sp(buf, p->body_start, p->body_len);
}

static bool ga_http_method_needs_body(const struct ga_http_parser *p,
				      const char *buf)
{
	struct ga_span m = ga_http_sp(buf, p->method_off, p->method_len);

	return ga_span_eq(m, GA_SPAN_LIT("POST")) ||
	       ga_span_eq(m, GA_SPAN_LIT("PUT")) ||
	       ga_span_eq(m, GA_SPAN_LIT("PATCH"));
}

/* The head is complete at p->off: decide how the body is framed. */
static int ga_http_head_end(struct ga_http_parser *p, const char *buf)
{
	p->head_end = p->off;
	p->body_start = p->off;
	p->body_len = 0;
	if (p->chunked && p->has_length) {
		return ga_http_fail(p, 400,
				    "both Content-Length and Transfer-Encoding");
	}
	if (p->response && (p->resp_status < 200 || p->resp_status == 204 ||
			    p->resp_status == 304)) {
		p->state = S_DONE; /* RFC 9112 §6.3: never a body */
		p->consumed = p->off;
		return 0;
	}
	if (p->chunked) {
		p->state = S_CHUNK_SIZE;
	} else if (p->has_length) {
		if (p->content_length > p->lim.max_body) {
			return ga_http_fail(p, 413, "body larger than max_body");
		}
		p->state = S_BODY;
	} else if (p->response) {
		return ga_http_fail(p, 502, "response without Content-Length");
	} else if (ga_http_method_needs_body(p, buf)) {
		return ga_http_fail(p, 411, "Content-Length or chunked required");
	} else {
		p->state = S_DONE;
		p->consumed = p->off;
		return 0;
	}
	if (p->state == S_BODY && p->content_length == 0) {
		p->state = S_DONE;
		p->consumed = p->off;
	}
	return 0;
}

static int ga_http_chunk_size(struct ga_http_parser *p, const char *buf,
			      size_t start, size_t end)
{
	uint64_t v = 0;
	size_t i = start, ndig = 0;

	while (i < end) {
		char c = buf[i];
		unsigned int d;

		if (c >= '0' && c <= '9') {
			d = (unsigned int)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			d = (unsigned int)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			d = (unsigned int)(c - 'A' + 10);
		} else {
			break;
		}
		if (++ndig > GA_HTTP_CHUNK_HEX_MAX) {
			return ga_http_fail(p, 400, "chunk size too long");
		}
		v = (v << 4) | d;
		i++;
	}
	if (ndig == 0 || (i < end && buf[i] != ';')) {
		return ga_http_fail(p, 400, "bad chunk size");
	}
	for (; i < end; i++) { /* extension: ignored, but no controls */
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return ga_http_fail(p, 400, "bad chunk extension");
		}
	}
	if (v > p->lim.max_body || p->body_len + v > p->lim.max_body) {
		return ga_http_fail(p, 413, "body larger than max_body");
	}
	p->chunk_left = (size_t)v;
	p->state = v ? S_CHUNK_DATA : S_TRAILERS;
	return 0;
}

int ga_http_parse(struct ga_http_parser *p, char *buf, size_t len)
{
	if (p->state == S_ERROR) {
		return GA_HTTP_ERROR;
	}
	for (;;) {
		long lf;
		size_t start, end;

		switch (p->state) {
		case S_LINE:
		case S_HEADERS:
		case S_CHUNK_SIZE:
		case S_TRAILERS:
			if (p->off >= len) {
				goto need_more;
			}
			lf = ga_http_line(p, buf, len);
			if (lf < 0) {
				size_t pending = len - p->off;

				if (p->state == S_LINE &&
				    pending > p->lim.request_line_max) {
					return ga_http_fail(p, 414, "request line too long");
				}
				if (p->state == S_HEADERS && len > p->lim.head_max) {
					return ga_http_fail(p, 431, "request head too large");
				}
				if ((p->state == S_CHUNK_SIZE ||
				     p->state == S_TRAILERS) &&
				    pending > p->lim.chunk_line_max) {
					return ga_http_fail(p, 400, "chunk line too long");
				}
				goto need_more;
			}
			start = p->off;
			end = (size_t)lf;
			if (end == start || buf[end - 1] != '\r') {
				return ga_http_fail(p, 400, "line not ended by CRLF");
			}
			end--; /* drop CR */
			for (size_t k = start; k < end; k++) {
				if (buf[k] == '\r') {
					return ga_http_fail(p, 400, "stray CR");
				}
			}
			p->off = (size_t)lf + 1;
			if (p->state == S_LINE) {
				if (end - start > p->lim.request_line_max) {
					return ga_http_fail(p, 414, "request line too long");
				}
				if (p->response
					    ? ga_http_status_line(p, buf, start, end)
					    : ga_http_request_line(p, buf, start, end)) {
					return GA_HTTP_ERROR;
				}
				p->state = S_HEADERS;
			} else if (p->state == S_HEADERS) {
				if (p->off > p->lim.head_max) {
					return ga_http_fail(p, 431, "request head too large");
				}
				if (end == start) {
					if (ga_http_head_end(p, buf)) {
						return GA_HTTP_ERROR;
					}
					if (p->state == S_DONE) {
						goto done;
					}
					if (!p->head_reported) {
						p->head_reported = true;
						ga_http_fill(p, buf);
						return GA_HTTP_HEAD_DONE;
					}
				} else if (ga_http_header_line(p, buf, start, end)) {
					return GA_HTTP_ERROR;
				}
			} else if (p->state == S_CHUNK_SIZE) {
				if (end - start > p->lim.chunk_line_max) {
					return ga_http_fail(p, 400, "chunk line too long");
				}
				if (ga_http_chunk_size(p, buf, start, end)) {
					return GA_HTTP_ERROR;
				}
			} else { /* trailers: parsed for framing, dropped */
				if (end == start) {
					p->state = S_DONE;
					p->consumed = p->off;
					goto done;
				}
				if (end - start > p->lim.chunk_line_max ||
				    ++p->nhdr > GA_HTTP_HEADERS_MAX) {
					return ga_http_fail(p, 431, "trailers too large");
				}
			}
			break;
		case S_BODY:
			if (len - p->body_start < p->content_length) {
				goto need_more;
			}
			p->body_len = (size_t)p->content_length;
			p->off = p->body_start + p->body_len;
			p->consumed = p->off;
			p->state = S_DONE;
			goto done;
		case S_CHUNK_DATA: {
			size_t avail = len - p->off;
			size_t n = avail < p->chunk_left ? avail : p->chunk_left;
			size_t w = p->body_start + p->body_len;

			if (n == 0) {
				goto need_more;
			}
			if (w != p->off) { /* de-chunk in place */
				memmove(buf + w, buf + p->off, n);
			}
			p->off += n;
			p->body_len += n;
			p->chunk_left -= n;
			if (p->chunk_left == 0) {
				p->state = S_CHUNK_CRLF;
			}
			break;
		}
		case S_CHUNK_CRLF:
			if (len - p->off < 2) {
				goto need_more;
			}
			if (buf[p->off] != '\r' || buf[p->off + 1] != '\n') {
				return ga_http_fail(p, 400, "chunk not ended by CRLF");
			}
			p->off += 2;
			p->state = S_CHUNK_SIZE;
			break;
		case S_DONE:
			goto done;
		default:
			return GA_HTTP_ERROR;
		}
	}
need_more:
	return GA_HTTP_NEED_MORE;
done:
	ga_http_fill(p, buf);
	return GA_HTTP_DONE;
}

const struct ga_http_req *ga_http_request(const struct ga_http_parser *p)
{
	return &p->req;
}

int ga_http_parse_status(const struct ga_http_parser *p)
{
	return p->status ? p->status : 400;
}

const char *ga_http_parse_reason(const struct ga_http_parser *p)
{
	return p->reason ? p->reason : "bad request";
}

size_t ga_http_consumed(const struct ga_http_parser *p)
{
	return p->consumed;
}

struct ga_span ga_http_header(const struct ga_http_req *r, const char *name)
{
	for (unsigned int i = 0; i < r->nheaders; i++) {
		if (ga_span_ieq_str(r->headers[i].name, name)) {
			return r->headers[i].value;
		}
	}
	return GA_SPAN_NULL;
}

static int ga_http_hex(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

bool ga_http_query_get(struct ga_span query, const char *name, char *out,
		       size_t size)
{
	size_t nlen = strlen(name);
	size_t i = 0;

	if (size == 0) {
		return false;
	}
	while (i < query.len) {
		size_t s = i, e;

		while (i < query.len && query.ptr[i] != '&') {
			i++;
		}
		e = i++;
		if (e - s > nlen && query.ptr[s + nlen] == '=' &&
		    memcmp(query.ptr + s, name, nlen) == 0) {
			size_t o = 0;

			for (size_t k = s + nlen + 1; k < e; k++) {
				char c = query.ptr[k];

				if (c == '%') {
					int hi, lo;

					if (k + 2 >= e) {
						return false;
					}
					hi = ga_http_hex(query.ptr[k + 1]);
					lo = ga_http_hex(query.ptr[k + 2]);
					if (hi < 0 || lo < 0) {
						return false;
					}
					c = (char)(hi << 4 | lo);
					k += 2;
				} else if (c == '+') {
					c = ' ';
				}
				if (c == '\0' || o + 1 >= size) {
					return false;
				}
				out[o++] = c;
			}
			out[o] = '\0';
			return true;
		}
	}
	return false;
}

const char *ga_http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

size_t ga_http_resp_write(const struct ga_http_resp *r, char *out, size_t size)
{
	size_t o = 0;
	int n;

	n = snprintf(out, size, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n",
		     r->status, ga_http_reason(r->status), r->body.len);
	if (n < 0 || (size_t)n >= size) {
		return 0;
	}
	o = (size_t)n;
	if (r->content_type && r->body.len) {
		n = snprintf(out + o, size - o, "Content-Type: %s\r\n",
			     r->content_type);
		if (n < 0 || (size_t)n >= size - o) {
			return 0;
		}
		o += (size_t)n;
	}
	if (r->close) {
		n = snprintf(out + o, size - o, "Connection: close\r\n");
		if (n < 0 || (size_t)n >= size - o) {
			return 0;
		}
		o += (size_t)n;
	}
	for (unsigned int i = 0; i < r->nheaders; i++) {
		n = snprintf(out + o, size - o, "%s: %.*s\r\n",
			     r->headers[i].name, (int)r->headers[i].value.len,
			     r->headers[i].value.ptr);
		if (n < 0 || (size_t)n >= size - o) {
			return 0;
		}
		o += (size_t)n;
	}
	if (size - o < 2 + (r->head_only ? 0 : r->body.len)) {
		return 0;
	}
	out[o++] = '\r';
	out[o++] = '\n';
	if (r->body.len && !r->head_only) {
		memcpy(out + o, r->body.ptr, r->body.len);
		o += r->body.len;
	}
	return o;
}

size_t ga_http_continue_write(char *out, size_t size)
{
	static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";

	if (size < sizeof(msg) - 1) {
		return 0;
	}
	memcpy(out, msg, sizeof(msg) - 1);
	return sizeof(msg) - 1;
}

/* test_http.c - the HTTP parser fed every request of a table whole, split
 * at every byte, and byte by byte; pipelined sequences of every request
 * shape the same ways; the response writer's exact bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http.h"

struct want {
	const char *name;
	const char *req;
	int result;         /* GA_HTTP_DONE or GA_HTTP_ERROR */
	int status;         /* error status */
	const char *method, *path, *query, *body, *ctype;
	bool keep_alive;
	bool expect;
	size_t consumed;    /* 0: whole input */
};

#define H "Host: x\r\n"
#define ERR(n, r, s) { .name = n, .req = r, .result = GA_HTTP_ERROR, .status = s }
static const struct want table[] = {
	{ "GET", "GET /healthz HTTP/1.1\r\n" H "\r\n", GA_HTTP_DONE, 0, "GET",
	  "/healthz", "", "", NULL, true, false, 0 },
	{ "POST with length and query", "POST /api/events?code=a%20b&x=1 HTTP/1.1\r\n" H
	  "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n[1,2]",
	  GA_HTTP_DONE, 0, "POST", "/api/events", "code=a%20b&x=1", "[1,2]",
	  "application/json", true, false, 0 },
	{ "chunked with extension and trailer", "POST /p HTTP/1.1\r\n" H
	  "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
	  GA_HTTP_DONE, 0, "POST", "/p", "", "abcde", NULL, true, false, 0 },
	{ "chunked upper-case hex", "POST /p HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
	  GA_HTTP_DONE, 0, "POST", "/p", "", "0123456789", NULL, true, false, 0 },
	{ "HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n", GA_HTTP_DONE, 0, "GET",
	  "/", "", "", NULL, false, false, 0 },
	{ "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	  GA_HTTP_DONE, 0, "GET", "/", "", "", NULL, true, false, 0 },
	{ "HTTP/1.1 close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
	  GA_HTTP_DONE, 0, "GET", "/", "", "", NULL, false, false, 0 },
	{ "Expect: 100-continue", "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
	  GA_HTTP_DONE, 0, "POST", "/", "", "ok", NULL, true, true, 0 },
	{ "pipelined pair: first one", "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
	  GA_HTTP_DONE, 0, "GET", "/a", "", "", NULL, true, false, 19 },
	{ "OPTIONS *", "OPTIONS * HTTP/1.1\r\n\r\n", GA_HTTP_DONE, 0, "OPTIONS",
	  "*", "", "", NULL, true, false, 0 },
	{ "POST Content-Length: 0", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	  GA_HTTP_DONE, 0, "POST", "/", "", "", NULL, true, false, 0 },
	/* errors */
	ERR("411 POST without length", "POST / HTTP/1.1\r\n\r\n", 411),
	ERR("413 by length", "POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", 413),
	ERR("413 by chunked total", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n", 413),
	ERR("both CL and TE", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
	ERR("duplicate CL", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
	ERR("CL with sign", "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc", 400),
	ERR("CL list", "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc", 400),
	ERR("CL overflow", "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
	ERR("TE gzip, chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400),
	ERR("TE twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
	ERR("bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
	ERR("chunk size overflow", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 400),
	ERR("chunk without CRLF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXX", 400),
	ERR("obs-fold", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400),
	ERR("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400),
	ERR("NUL in header", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 400),
	ERR("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
	ERR("bad method char", "G(T / HTTP/1.1\r\n\r\n", 400),
	ERR("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505),
	ERR("garbage version", "GET / FOO/1.1\r\n\r\n", 400),
	ERR("absolute-form target", "GET http://x/ HTTP/1.1\r\n\r\n", 400),
	ERR("unknown Expect", "POST / HTTP/1.1\r\nExpect: magic\r\nContent-Length: 1\r\n\r\na", 417),
};

static size_t req_len(const struct want *w)
{
	/* the NUL row has an embedded NUL: find the real end */
	if (strcmp(w->name, "NUL in header") == 0) {
		return sizeof("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n") - 1;
	}
	return strlen(w->req);
}

static struct ga_http_limits lim;

/* Feed @in in pieces cut at @cuts (sorted offsets); returns the last
 * result. The buffer grows like a connection's. */
static int feed(struct ga_http_parser *p, char *buf, const char *in,
		size_t len, size_t step)
{
	size_t have = 0;
	int r = GA_HTTP_NEED_MORE;

	ga_http_parser_init(p, &lim);
	while (have < len) {
		size_t n = step ? (len - have < step ? len - have : step)
				: len - have;

		memcpy(buf + have, in + have, n);
		have += n;
		do {
			r = ga_http_parse(p, buf, have);
		} while (r == GA_HTTP_HEAD_DONE);
		if (r != GA_HTTP_NEED_MORE) {
			return r;
		}
	}
	return r;
}

static void check(const struct want *w, struct ga_http_parser *p, int r,
		  size_t len)
{
	const struct ga_http_req *q;

	if (r != w->result) {
		fail_msg("%s: result %d want %d (status %d %s)", w->name, r,
			 w->result, p->status, ga_http_parse_reason(p));
	}
	if (r == GA_HTTP_ERROR) {
		if (ga_http_parse_status(p) != w->status) {
			fail_msg("%s: status %d want %d", w->name,
				 ga_http_parse_status(p), w->status);
		}
		return;
	}
	q = ga_http_request(p);
	assert_true(ga_span_eq(q->method, ga_span_str(w->method)));
	assert_true(ga_span_eq(q->path, ga_span_str(w->path)));
	assert_true(ga_span_eq(q->query, ga_span_str(w->query)));
	if (!ga_span_eq(q->body, ga_span_str(w->body))) {
		fail_msg("%s: body [%.*s]", w->name, (int)q->body.len, q->body.ptr);
	}
	if (w->ctype) {
		assert_true(ga_span_eq(q->content_type, ga_span_str(w->ctype)));
	}
	assert_int_equal(q->keep_alive, w->keep_alive);
	assert_int_equal(q->expect_continue, w->expect);
	assert_int_equal(ga_http_consumed(p), w->consumed ? w->consumed : len);
}

static void test_table_whole_and_split(void **state)
{
	static char buf[8192];
	struct ga_http_parser p;

	(void)state;
	ga_http_limits_default(&lim);
	lim.max_body = 1000;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct want *w = &table[i];
		size_t len = req_len(w);

		/* whole */
		check(w, &p, feed(&p, buf, w->req, len, 0), len);
		/* byte by byte */
		check(w, &p, feed(&p, buf, w->req, len, 1), len);
		/* split in two at every byte */
		for (size_t cut = 1; cut < len; cut++) {
			size_t have = cut;
			int r;

			ga_http_parser_init(&p, &lim);
			memcpy(buf, w->req, cut);
			do {
				r = ga_http_parse(&p, buf, have);
			} while (r == GA_HTTP_HEAD_DONE);
			if (r == GA_HTTP_NEED_MORE) {
				memcpy(buf + cut, w->req + cut, len - cut);
				have = len;
				do {
					r = ga_http_parse(&p, buf, have);
				} while (r == GA_HTTP_HEAD_DONE);
			}
			check(w, &p, r, len);
		}
	}
}

static void test_head_done_before_body(void **state)
{
	static const char req[] = "POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
	char buf[128];
	struct ga_http_parser p;

	(void)state;
	ga_http_limits_default(&lim);
	ga_http_parser_init(&p, &lim);
	memcpy(buf, req, sizeof(req) - 1);
	assert_int_equal(ga_http_parse(&p, buf, sizeof(req) - 1), GA_HTTP_HEAD_DONE);
	assert_true(ga_span_eq(ga_http_request(&p)->path, GA_SPAN_LIT("/x")));
	assert_true(ga_http_request(&p)->has_body);
	assert_int_equal(ga_http_parse(&p, buf, sizeof(req) - 1), GA_HTTP_NEED_MORE);
	memcpy(buf + sizeof(req) - 1, "abcd", 4);
	assert_int_equal(ga_http_parse(&p, buf, sizeof(req) + 3), GA_HTTP_DONE);
}

/* ---- pipelining: several requests in one buffer (RFC 9112 §9.3.2) ------ */

struct pipe_want {
	const char *method, *path, *body;
	bool keep_alive;
	int status; /* 0: parsed; else the parse error that ends the run */
};

struct pipe_seq {
	const char *name;
	const char *in;
	struct pipe_want want[8];
	unsigned int n;
};

#define SMS_BODY "[{\"id\":\"1\"}]"
static const struct pipe_seq pipe_seqs[] = {
	{ "every request shape the server takes",
	  "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	  "OPTIONS /api/events?code=s HTTP/1.1\r\nHost: x\r\n"
	  "WebHook-Request-Origin: eventgrid.azure.net\r\n\r\n"
	  "POST /api/events?code=s HTTP/1.1\r\nHost: x\r\n"
	  "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n" SMS_BODY
	  "POST /api/events?code=s HTTP/1.1\r\nHost: x\r\n"
	  "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\n[{\"id\r\n7\r\n\":\"2\"}]\r\n0\r\n\r\n"
	  "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
	  "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	  "POST /api/events?code=s HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
	  "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	  { { "GET", "/healthz", "", true, 0 },
	    { "OPTIONS", "/api/events", "", true, 0 },
	    { "POST", "/api/events", SMS_BODY, true, 0 },
	    { "POST", "/api/events", "[{\"id\":\"2\"}]", true, 0 },
	    { "GET", "/nope", "", true, 0 },
	    { "HEAD", "/healthz", "", true, 0 },
	    { "POST", "/api/events", "", true, 0 },
	    { "GET", "/healthz", "", false, 0 } },
	  8 },
	{ "bodyless requests back to back",
	  "GET /healthz HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n"
	  "GET /healthz HTTP/1.1\r\n\r\n",
	  { { "GET", "/healthz", "", true, 0 },
	    { "GET", "/healthz", "", true, 0 },
	    { "GET", "/healthz", "", true, 0 } },
	  3 },
	{ "100-continue, then a GET",
	  "POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"
	  "GET /q HTTP/1.1\r\n\r\n",
	  { { "POST", "/p", "ok", true, 0 }, { "GET", "/q", "", true, 0 } },
	  2 },
	{ "a malformed request ends the run",
	  "GET /a HTTP/1.1\r\n\r\n"
	  "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
	  "GET /c HTTP/1.1\nHost: x\n\n"
	  "GET /d HTTP/1.1\r\n\r\n",
	  { { "GET", "/a", "", true, 0 },
	    { "POST", "/b", "x", true, 0 },
	    { NULL, NULL, NULL, false, 400 } },
	  3 },
};

/* Drive the parser as a connection does: @in arrives in pieces ending at
 * @ends[0..nends) (the last is the whole length); after each request the
 * bytes it used are dropped from the front, the parser is reset and the
 * rest of the buffer is parsed before more input is read. */
static void pipe_run(const struct pipe_seq *q, const size_t *ends,
		     unsigned int nends, const char *how)
{
	static char buf[4096];
	struct ga_http_parser p;
	size_t len = strlen(q->in), sent = 0, have = 0;
	unsigned int got = 0;

	ga_http_parser_init(&p, &lim);
	for (unsigned int e = 0; e < nends; e++) {
		size_t n = ends[e] - sent;

		memcpy(buf + have, q->in + sent, n);
		have += n;
		sent = ends[e];
		for (;;) {
			int r = ga_http_parse(&p, buf, have);
			const struct pipe_want *w;
			const struct ga_http_req *req;
			size_t used;

			if (r == GA_HTTP_HEAD_DONE) {
				continue;
			}
			if (r == GA_HTTP_NEED_MORE) {
				break;
			}
			if (got >= q->n) {
				fail_msg("%s (%s): request %u beyond the %u sent",
					 q->name, how, got + 1, q->n);
			}
			w = &q->want[got++];
			if (r == GA_HTTP_ERROR) {
				if (w->status != ga_http_parse_status(&p)) {
					fail_msg("%s (%s): request %u: error %d, want %d",
						 q->name, how, got,
						 ga_http_parse_status(&p), w->status);
				}
				goto out; /* the connection closes */
			}
			req = ga_http_request(&p);
			if (w->status || !ga_span_eq(req->method, ga_span_str(w->method)) ||
			    !ga_span_eq(req->path, ga_span_str(w->path)) ||
			    !ga_span_eq(req->body, ga_span_str(w->body)) ||
			    req->keep_alive != w->keep_alive) {
				fail_msg("%s (%s): request %u: %.*s %.*s body [%.*s] "
					 "keep-alive %d", q->name, how, got,
					 (int)req->method.len, req->method.ptr,
					 (int)req->path.len, req->path.ptr,
					 (int)req->body.len, req->body.ptr,
					 req->keep_alive);
			}
			used = ga_http_consumed(&p);
			assert_true(used > 0 && used <= have);
			memmove(buf, buf + used, have - used);
			have -= used;
			ga_http_parser_reset(&p);
		}
	}
	assert_int_equal(sent, len);
	assert_int_equal(have, 0); /* nothing left over, nothing half-read */
out:
	if (got != q->n) {
		fail_msg("%s (%s): %u requests of %u", q->name, how, got, q->n);
	}
}

static void test_pipelined(void **state)
{
	static size_t ends[4096];

	(void)state;
	ga_http_limits_default(&lim);
	lim.max_body = 1000;
	for (size_t i = 0; i < GA_ARRAY_SIZE(pipe_seqs); i++) {
		const struct pipe_seq *q = &pipe_seqs[i];
		size_t len = strlen(q->in);
		char how[32];

		assert_true(len < GA_ARRAY_SIZE(ends));
		ends[0] = len;
		pipe_run(q, ends, 1, "one write");
		for (size_t k = 0; k < len; k++) {
			ends[k] = k + 1;
		}
		pipe_run(q, ends, (unsigned int)len, "byte by byte");
		for (size_t cut = 1; cut < len; cut++) {
			ends[0] = cut;
			ends[1] = len;
			snprintf(how, sizeof(how), "split at %zu", cut);
			pipe_run(q, ends, 2, how);
		}
	}
}

static void test_limits(void **state)
{
	static char buf[70000];
	struct ga_http_parser p;
	size_t n;

	(void)state;
	ga_http_limits_default(&lim);
	/* request line over the limit, no LF yet -> 414 */
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', lim.request_line_max + 10);
	ga_http_parser_init(&p, &lim);
	assert_int_equal(ga_http_parse(&p, buf, lim.request_line_max + 15), GA_HTTP_ERROR);
	assert_int_equal(ga_http_parse_status(&p), 414);
	/* too many headers -> 431 */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\n");
	for (unsigned int i = 0; i <= lim.headers_max; i++) {
		n += (size_t)sprintf(buf + n, "X-%u: v\r\n", i);
	}
	n += (size_t)sprintf(buf + n, "\r\n");
	ga_http_parser_init(&p, &lim);
	assert_int_equal(ga_http_parse(&p, buf, n), GA_HTTP_ERROR);
	assert_int_equal(ga_http_parse_status(&p), 431);
	/* head bytes over the limit -> 431 */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nX: ");
	memset(buf + n, 'v', lim.head_max);
	ga_http_parser_init(&p, &lim);
	assert_int_equal(ga_http_parse(&p, buf, n + lim.head_max), GA_HTTP_ERROR);
	assert_int_equal(ga_http_parse_status(&p), 431);
}

static void test_query_get(void **state)
{
	char out[16];

	(void)state;
	assert_true(ga_http_query_get(GA_SPAN_LIT("a=1&code=s%33c+r"), "code", out, sizeof(out)));
	assert_string_equal(out, "s3c r");
	assert_false(ga_http_query_get(GA_SPAN_LIT("xcode=1"), "code", out, sizeof(out)));
	assert_false(ga_http_query_get(GA_SPAN_LIT("code=%4"), "code", out, sizeof(out)));
	assert_false(ga_http_query_get(GA_SPAN_LIT("code=%00"), "code", out, sizeof(out)));
	assert_false(ga_http_query_get(GA_SPAN_LIT("code=0123456789abcdefg"), "code", out, sizeof(out)));
	assert_true(ga_http_query_get(GA_SPAN_LIT("code="), "code", out, sizeof(out)));
	assert_string_equal(out, "");
}

static void test_response_bytes(void **state)
{
	char out[512];
	struct ga_http_resp r = {
		.status = 405,
		.content_type = "application/json",
		.body = GA_SPAN_LIT("{\"error\":\"method not allowed\"}"),
		.nheaders = 1,
	};
	size_t n;

	(void)state;
	r.headers[0].name = "Allow";
	r.headers[0].value = GA_SPAN_LIT("POST, OPTIONS");
	n = ga_http_resp_write(&r, out, sizeof(out));
	out[n] = '\0';
	assert_string_equal(out,
			    "HTTP/1.1 405 Method Not Allowed\r\n"
			    "Content-Length: 30\r\n"
			    "Content-Type: application/json\r\n"
			    "Allow: POST, OPTIONS\r\n\r\n"
			    "{\"error\":\"method not allowed\"}");
	memset(&r, 0, sizeof(r));
	r.status = 204;
	r.close = true;
	n = ga_http_resp_write(&r, out, sizeof(out));
	out[n] = '\0';
	assert_string_equal(out, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n"
				 "Connection: close\r\n\r\n");
	assert_int_equal(ga_http_resp_write(&r, out, 10), 0);
	n = ga_http_continue_write(out, sizeof(out));
	assert_int_equal(n, 25);
	/* HEAD: GET's head, Content-Length included, and no body */
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.content_type = "application/json";
	r.body = GA_SPAN_LIT("{\"status\":\"ok\"}");
	r.head_only = true;
	n = ga_http_resp_write(&r, out, sizeof(out));
	out[n] = '\0';
	assert_string_equal(out, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n"
				 "Content-Type: application/json\r\n\r\n");
}

/* Response mode (the pull client): what Azure's front ends send, split at
 * every byte, and the framings a client must refuse. */
static void test_parse_responses(void **state)
{
	static const struct {
		const char *in;
		int result;  /* GA_HTTP_DONE or GA_HTTP_ERROR */
		int status;  /* the response's, or the parse error's */
		const char *body;
		bool keep_alive;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
		  "Content-Length: 12\r\nDate: Tue, 09 Apr 2024 18:24:46 GMT\r\n\r\n"
		  "{\"value\":[]}", GA_HTTP_DONE, 200, "{\"value\":[]}", true },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n", GA_HTTP_DONE, 200,
		  "{\"a\":1}", true },
		{ "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n"
		  "Connection: close\r\n\r\n{}", GA_HTTP_DONE, 401, "{}", false },
		{ "HTTP/1.1 204 No Content\r\n\r\n", GA_HTTP_DONE, 204, "", true },
		{ "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", GA_HTTP_DONE,
		  200, "", false },
		{ "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", GA_HTTP_DONE, 200,
		  "", true }, /* the reason phrase may be absent */
		{ "HTTP/1.1 200 OK\r\n\r\nbody until close", GA_HTTP_ERROR, 502,
		  NULL, false },
		{ "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", GA_HTTP_ERROR,
		  502, NULL, false },
		{ "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", GA_HTTP_ERROR,
		  502, NULL, false },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
		  GA_HTTP_ERROR, 400, NULL, false },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",
		  GA_HTTP_ERROR, 413, NULL, false },
	};
	static char buf[4096];
	static const char again[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct ga_http_parser p;

	(void)state;
	ga_http_limits_default(&lim);
	lim.max_body = 1000;
	for (size_t i = 0; i < GA_ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].in);

		for (size_t step = 0; step <= len; step++) {
			size_t have = 0;
			int r = GA_HTTP_NEED_MORE;

			ga_http_parser_init_response(&p, &lim);
			while (have < len && r == GA_HTTP_NEED_MORE) {
				size_t n = step ? (len - have < step ? len - have : step)
						: len - have;

				memcpy(buf + have, cases[i].in + have, n);
				have += n;
				do {
					r = ga_http_parse(&p, buf, have);
				} while (r == GA_HTTP_HEAD_DONE);
			}
			if (r != cases[i].result) {
				fail_msg("case %zu step %zu: result %d", i, step, r);
			}
			if (r == GA_HTTP_ERROR) {
				assert_int_equal(ga_http_parse_status(&p), cases[i].status);
				continue;
			}
			{
				const struct ga_http_req *q = ga_http_request(&p);

				assert_int_equal(q->status, cases[i].status);
				assert_int_equal(q->body.len, strlen(cases[i].body));
				assert_memory_equal(q->body.ptr, cases[i].body, q->body.len);
				assert_int_equal(q->keep_alive, cases[i].keep_alive);
			}
		}
	}
	/* reset keeps response mode for the next answer on the connection */
	ga_http_parser_reset(&p);
	memcpy(buf, again, sizeof(again) - 1);
	assert_int_equal(ga_http_parse(&p, buf, sizeof(again) - 1), GA_HTTP_DONE);
	assert_int_equal(ga_http_request(&p)->status, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_whole_and_split),
		cmocka_unit_test(test_head_done_before_body),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_response_bytes),
		cmocka_unit_test(test_parse_responses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

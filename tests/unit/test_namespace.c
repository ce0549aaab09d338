/* test_namespace.c - the namespace pull protocol (src/namespace.c) on the
 * corpus's real REST examples and SDK recording (tests/corpus/eventgrid), both failed-lock-token
 * shapes, malformed responses, and the requests we send; plus the JSON
 * walker (src/json.c) it stands on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventgrid.h"
#include "json.h"
#include "namespace.h"

/* Relative to the top of the tree, where tests/run.sh runs every test;
 * GA_CORPUS overrides it. */
#define GA_CORPUS_DIR "tests/corpus/eventgrid"

static struct ga_span load(const char *name)
{
	static char buf[1 << 18];
	const char *dir = getenv("GA_CORPUS") ? getenv("GA_CORPUS") : GA_CORPUS_DIR;
	char path[512];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fail_msg("cannot open %s (run from the top of the tree)", path);
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	return ga_span_make(buf, len);
}

/* Member @key of object @v (the walker under test finds it). */
static struct ga_span member(struct ga_span v, const char *key)
{
	struct ga_json_iter it;
	struct ga_span k, val;

	assert_true(ga_json_iter_object(&it, v));
	while (ga_json_next_member(&it, &k, &val)) {
		if (ga_json_str_ieq(k, key)) {
			return val;
		}
	}
	fail_msg("no member %s", key);
	return GA_SPAN_NULL;
}

struct got {
	unsigned int n;
	char token[4][64];
	unsigned long count[4];
	char id[4][64];
	int parse_err[4];
	struct ga_eventgrid eg;
};

static int id_cb(void *arg, const struct ga_event *ev)
{
	struct got *g = arg;

	ga_span_copy(ev->id, g->id[g->n], sizeof(g->id[0]));
	return 0;
}

static int detail_cb(void *arg, const struct ga_namespace_detail *d)
{
	struct got *g = arg;
	struct ga_eg_result res;

	assert_true(g->n < 4);
	ga_span_copy(d->token, g->token[g->n], sizeof(g->token[0]));
	g->count[g->n] = d->delivery_count;
	g->parse_err[g->n] = ga_eventgrid_parse(&g->eg, d->event, GA_EG_FORMAT_CE,
						id_cb, g, &res);
	g->n++;
	return 0;
}

static void test_receive_example(void **state)
{
	static struct got g;
	struct ga_span doc, body;
	char err[128];

	(void)state;
	memset(&g, 0, sizeof(g));
	ga_eventgrid_init(&g.eg);
	doc = load("namespace-receive.example.azure-rest-api-specs.json");
	body = member(member(member(doc, "responses"), "200"), "body");
	assert_int_equal(ga_namespace_receive_parse(body, detail_cb, &g, err,
						    sizeof(err)), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.token[0], "CgMKATESCQoHdG9rZW4tMQ==");
	assert_int_equal(g.count[0], 1);
	/* the CloudEvent inside goes through the push parser unchanged */
	assert_int_equal(g.parse_err[0], 0);
	assert_string_equal(g.id[0], "e770f36b-381a-41db-8b2b-b7199daeb202");
}

/* Every receive answer of the JS SDK's recorded session. */
static void test_receive_recording(void **state)
{
	static struct got g;
	struct ga_json_iter it;
	struct ga_span doc, entry;
	unsigned int receives = 0, events = 0;
	char err[128];

	(void)state;
	doc = load("namespace-pull-receive-renew-session.recording."
		   "azure-sdk-for-js.json");
	assert_true(ga_json_iter_array(&it, member(doc, "Entries")));
	while (ga_json_next_elem(&it, &entry)) {
		struct ga_span uri;

		assert_true(ga_json_as_string(member(entry, "RequestUri"), &uri));
		if (!memmem(uri.ptr, uri.len, ":receive?", 9)) {
			continue;
		}
		memset(&g, 0, sizeof(g));
		ga_eventgrid_init(&g.eg);
		assert_int_equal(ga_namespace_receive_parse(member(entry, "ResponseBody"),
							    detail_cb, &g, err,
							    sizeof(err)), 0);
		for (unsigned int i = 0; i < g.n; i++) {
			assert_true(strlen(g.token[i]) > 0);
			assert_true(g.count[i] >= 1);
			assert_int_equal(g.parse_err[i], 0);
		}
		receives++;
		events += g.n;
	}
	assert_true(receives >= 2);
	assert_true(events >= 1);
}

struct failed {
	unsigned int n;
	char token[4][32], code[4][32], msg[4][64];
};

static void failed_cb(void *arg, const struct ga_namespace_failed *f)
{
	struct failed *x = arg;

	ga_span_copy(f->token, x->token[x->n], sizeof(x->token[0]));
	(void)ga_json_str_decode(f->code, x->code[x->n], sizeof(x->code[0]));
	(void)ga_json_str_decode(f->message, x->msg[x->n], sizeof(x->msg[0]));
	x->n++;
}

static void test_lock_responses(void **state)
{
	static const char spec[] =
		"{\"failedLockTokens\":[{\"lockToken\":\"T1\",\"error\":{\"code\":"
		"\"TokenLost\",\"message\":\"lock expired\"}}],"
		"\"succeededLockTokens\":[\"T2\",\"T3\"]}";
	static const char docs[] =
		"{\"succeededLockTokens\":[],\"failedLockTokens\":[{\"lockToken\":"
		"\"T4\",\"errorCode\":\"BadToken\",\"errorDescription\":\"no such "
		"token\"}]}";
	struct failed x = { 0 };
	struct ga_span doc;
	unsigned int ok;
	char err[128];

	(void)state;
	doc = load("namespace-release.example.azure-rest-api-specs.json");
	assert_int_equal(ga_namespace_lock_parse(member(member(member(doc, "responses"),
							      "200"), "body"),
						 &ok, failed_cb, &x, err,
						 sizeof(err)), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(x.n, 0);

	assert_int_equal(ga_namespace_lock_parse(ga_span_str(spec), &ok, failed_cb,
						 &x, err, sizeof(err)), 0);
	assert_int_equal(ok, 2);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.token[0], "T1");
	assert_string_equal(x.code[0], "TokenLost");
	assert_string_equal(x.msg[0], "lock expired");

	assert_int_equal(ga_namespace_lock_parse(ga_span_str(docs), &ok, failed_cb,
						 &x, err, sizeof(err)), 0);
	assert_int_equal(ok, 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.token[1], "T4");
	assert_string_equal(x.code[1], "BadToken");
	assert_string_equal(x.msg[1], "no such token");

	assert_int_equal(ga_namespace_lock_parse(ga_span_str("{\"succeededLock"),
						 &ok, failed_cb, &x, err,
						 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid JSON"));
}

static int count_cb(void *arg, const struct ga_namespace_detail *d)
{
	(void)d;
	(*(unsigned int *)arg)++;
	return 0;
}

static void test_malformed_receive(void **state)
{
	static const struct {
		const char *body;
		const char *err;
	} cases[] = {
		{ "", "invalid JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"value\":{}}", "not an array" },
		{ "{\"value\":[1]}", "not an object" },
		/* detail 2 has no event: detail 1 must not be delivered */
		{ "{\"value\":[{\"brokerProperties\":{\"lockToken\":\"a\"},\"event\":{}},"
		  "{\"brokerProperties\":{\"lockToken\":\"b\"}}]}", "value[1] has no event" },
		{ "{\"value\":[{\"event\":{},}]}", "invalid JSON" },
	};
	char err[128], big[GA_NAMESPACE_EVENTS_MAX * 16 + 64];
	unsigned int n = 0;
	size_t at;

	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(cases); i++) {
		n = 0;
		assert_int_equal(ga_namespace_receive_parse(ga_span_str(cases[i].body),
							    count_cb, &n, err,
							    sizeof(err)), -EINVAL);
		assert_int_equal(n, 0);
		if (!strstr(err, cases[i].err)) {
			fail_msg("case %zu: [%s] lacks [%s]", i, err, cases[i].err);
		}
	}
	/* an empty long poll, and no "value" at all, are zero events */
	assert_int_equal(ga_namespace_receive_parse(ga_span_str("{\"value\":[]}"),
						    count_cb, &n, err, sizeof(err)), 0);
	assert_int_equal(ga_namespace_receive_parse(ga_span_str("{}"), count_cb,
						    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	/* maxEvents is at most 100: a 101st is a broken broker */
	at = (size_t)snprintf(big, sizeof(big), "{\"value\":[");
	for (int i = 0; i <= GA_NAMESPACE_EVENTS_MAX; i++) {
		at += (size_t)snprintf(big + at, sizeof(big) - at, "%s{\"event\":{}}",
				       i ? "," : "");
	}
	snprintf(big + at, sizeof(big) - at, "]}");
	assert_int_equal(ga_namespace_receive_parse(ga_span_str(big), count_cb, &n,
						    err, sizeof(err)), -EINVAL);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "more than 100"));
}

static void test_requests(void **state)
{
	struct ga_namespace_target t;
	const char *toks[2] = { "CgMKATESCQoHdG9rZW4tMQ==", "a\"b" };
	char out[2048], body[256];
	size_t n, blen;

	(void)state;
	assert_int_equal(ga_namespace_target(&t, "https://ns1.westus-1.eventgrid.azure.net",
					     "acs-events", "board 1", "k3y"), 0);
	t.max_events = 10;
	t.wait_s = 60;
	n = ga_namespace_request(&t, GA_NS_RECEIVE, 0, GA_SPAN_NULL, out, sizeof(out));
	out[n] = '\0';
	assert_string_equal(out,
		"POST /topics/acs-events/eventsubscriptions/board%201:receive"
		"?api-version=2024-06-01&maxEvents=10&maxWaitTime=60 HTTP/1.1\r\n"
		"Host: ns1.westus-1.eventgrid.azure.net\r\n"
		"Authorization: SharedAccessKey k3y\r\n"
		"User-Agent: gridalertd/" GA_VERSION "\r\n"
		"Accept: application/json\r\n"
		"Content-Length: 0\r\n\r\n");

	blen = ga_namespace_tokens_body(toks, 2, body, sizeof(body));
	assert_string_equal(body, "{\"lockTokens\":[\"CgMKATESCQoHdG9rZW4tMQ==\","
				  "\"a\\\"b\"]}");
	assert_int_equal(blen, strlen(body));
	assert_int_equal(ga_namespace_tokens_body(toks, 2, body, 20), 0);

	assert_int_equal(ga_namespace_target(&t, "https://localhost:8443/", "t",
					     "s", "k"), 0);
	n = ga_namespace_request(&t, GA_NS_RELEASE, 60, ga_span_str("{}"), out,
				 sizeof(out));
	out[n] = '\0';
	assert_non_null(strstr(out, "POST /topics/t/eventsubscriptions/s:release"
				    "?api-version=2024-06-01&releaseDelayInSeconds=60 "));
	assert_non_null(strstr(out, "Host: localhost:8443\r\n"));
	assert_non_null(strstr(out, "Content-Type: application/json; charset=utf-8\r\n"
				    "Content-Length: 2\r\n\r\n{}"));
	assert_int_equal(ga_namespace_request(&t, GA_NS_ACKNOWLEDGE, 0,
					      ga_span_str("{}"), out, 50), 0);

	/* endpoints the daemon cannot use */
	assert_int_equal(ga_namespace_target(&t, "http://x", "t", "s", "k"), -EINVAL);
	assert_int_equal(ga_namespace_target(&t, "https://x/path", "t", "s", "k"), -EINVAL);
	assert_int_equal(ga_namespace_target(&t, "https://x:80a", "t", "s", "k"), -EINVAL);
	assert_int_equal(ga_namespace_target(&t, "https://[::1]:443", "t", "s", "k"), -EINVAL);
	assert_int_equal(ga_namespace_target(&t, "https://x", "", "s", "k"), -EINVAL);
}

static void test_error_body(void **state)
{
	char out[64];

	(void)state;
	ga_namespace_error(ga_span_str("{\"error\":{\"code\":\"Unauthorized\","
				       "\"message\":\"bad key\",\"details\":[]}}"),
			   out, sizeof(out));
	assert_string_equal(out, "Unauthorized: bad key");
	ga_namespace_error(ga_span_str("<html>502</html>"), out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_json_walker(void **state)
{
	static const char doc[] = " { \"a\" : \"x\\\"}]\" , \"b\":[1, -2.5e3 ,{\"c\":null}],"
				  "\"d\":true }";
	struct ga_json_iter it, arr;
	struct ga_span k, v, raw;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(ga_json_value_end(doc, strlen(doc), 0), strlen(doc));
	assert_true(ga_json_iter_object(&it, ga_span_str(doc)));
	assert_true(ga_json_next_member(&it, &k, &v));
	assert_true(ga_json_str_ieq(k, "a"));
	assert_true(ga_json_as_string(v, &raw));
	assert_int_equal(raw.len, 5); /* x\"}] raw */
	assert_true(ga_json_next_member(&it, &k, &v));
	assert_true(ga_json_iter_array(&arr, v));
	while (ga_json_next_elem(&arr, &v)) {
		n++;
	}
	assert_int_equal(n, 3);
	assert_true(ga_json_next_member(&it, &k, &v));
	assert_int_equal(v.len, 4);
	assert_false(ga_json_next_member(&it, &k, &v));
	assert_false(ga_json_iter_array(&it, ga_span_str("{}")));
	assert_false(ga_json_as_string(ga_span_str("12"), &raw));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive_example),
		cmocka_unit_test(test_receive_recording),
		cmocka_unit_test(test_lock_responses),
		cmocka_unit_test(test_malformed_receive),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_error_body),
		cmocka_unit_test(test_json_walker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

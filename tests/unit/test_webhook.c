/* test_webhook.c - the webhook function for every row of docs/http.md that it
 * decides (the HTTP layer's 411/413/408 rows are in test_http.c and the
 * integration tests), with the real Event Grid parser and a recording sink.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "eventgrid.h"
#include "webhook.h"

struct rec_sink {
	int begins, ends_ok, ends_fail;
	int events;
	int fail_at; /* event number that fails (1-based), 0 = never */
	int fail_err;
	int dup_at;
	char last_text[64];
};

static void rec_begin(void *arg)
{
	struct rec_sink *r = arg;

	r->begins++;
}

static int rec_event(void *arg, const struct ga_event *ev)
{
	struct rec_sink *r = arg;

	r->events++;
	if (r->fail_at && r->events == r->fail_at) {
		return r->fail_err;
	}
	if (r->dup_at && r->events == r->dup_at) {
		return GA_SINK_DUPLICATE;
	}
	if (ev->cls == GA_CLASS_IGNORED) {
		return GA_SINK_IGNORED;
	}
	ga_span_copy(ev->text, r->last_text, sizeof(r->last_text));
	return GA_SINK_ACCEPTED;
}

static bool rec_end(void *arg, bool ok)
{
	struct rec_sink *r = arg;

	if (ok) {
		r->ends_ok++;
	} else {
		r->ends_fail++;
	}
	return ok && r->events > 0;
}

static const struct ga_sink_ops rec_ops = {
	.begin = rec_begin,
	.event = rec_event,
	.end = rec_end,
};

static struct ga_conf conf;
static struct ga_eventgrid eg;
static struct ga_webhook wh;
static struct rec_sink sink;
static char body[1024];
static struct ga_webhook_resp resp;

static const char sms[] =
	"[{\"id\":\"e1\",\"topic\":\"/t\",\"subject\":\"/phonenumber/1\","
	"\"eventType\":\"Microsoft.Communication.SMSReceived\","
	"\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1.0\","
	"\"data\":{\"MessageId\":\"m1\",\"From\":\"+1555\",\"To\":\"+1666\","
	"\"Message\":\"hello\",\"ReceivedTimestamp\":\"2026-01-01T00:00:00Z\"}}]";

static const char validation[] =
	"[{\"id\":\"v1\",\"topic\":\"/t\",\"subject\":\"\","
	"\"eventType\":\"Microsoft.EventGrid.SubscriptionValidationEvent\","
	"\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\","
	"\"data\":{\"validationCode\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\","
	"\"validationUrl\":\"https://example/validate\"}}]";

static const char ce_single[] =
	"{\"specversion\":\"1.0\",\"id\":\"c1\",\"source\":\"/acs\","
	"\"type\":\"Microsoft.Communication.SMSReceived\","
	"\"time\":\"2026-01-01T00:00:00Z\","
	"\"data\":{\"messageId\":\"m2\",\"from\":\"+1555\",\"to\":\"+1666\","
	"\"message\":\"hi ce\",\"receivedTimestamp\":\"2026-01-01T00:00:00Z\"}}";

static int setup(void **state)
{
	(void)state;
	ga_conf_defaults(&conf);
	snprintf(conf.webhook.path, sizeof(conf.webhook.path), "/api/events");
	snprintf(conf.webhook.secret, sizeof(conf.webhook.secret), "s3cret");
	conf.webhook.auth = GA_AUTH_SECRET;
	ga_eventgrid_init(&eg);
	memset(&sink, 0, sizeof(sink));
	ga_webhook_init(&wh, &conf, &eg, &rec_ops, &sink);
	memset(&resp, 0, sizeof(resp));
	resp.body = body;
	resp.body_size = sizeof(body);
	return 0;
}

struct row {
	const char *name;
	const char *method, *path, *query, *ctype, *key, *origin;
	const char *body;
	int status;
	const char *resp_body; /* exact, or NULL */
	const char *allow;
	bool origin_echo;
	int sink_events; /* events the sink saw */
	bool commit;
};

#define CT_JSON "application/json; charset=utf-8"
#define CT_CE "application/cloudevents+json; charset=utf-8"

static const struct row rows[] = {
	{ "POST EG array, secret in ?code", "POST", "/api/events", "code=s3cret",
	  CT_JSON, "", "", sms, 200,
	  "{\"accepted\":1,\"duplicates\":0,\"ignored\":0}", NULL, false, 1, true },
	{ "POST EG array, secret in X-Gridalert-Key", "POST", "/api/events", "",
	  CT_JSON, "s3cret", "", sms, 200,
	  "{\"accepted\":1,\"duplicates\":0,\"ignored\":0}", NULL, false, 1, true },
	{ "percent-encoded secret", "POST", "/api/events", "a=1&code=s3%63ret",
	  CT_JSON, "", "", sms, 200, NULL, NULL, false, 1, true },
	{ "CloudEvents single object", "POST", "/api/events", "code=s3cret",
	  CT_CE, "", "", ce_single, 200,
	  "{\"accepted\":1,\"duplicates\":0,\"ignored\":0}", NULL, false, 1, true },
	{ "validation handshake", "POST", "/api/events", "code=s3cret", CT_JSON,
	  "", "", validation, 200,
	  "{\"validationResponse\":\"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\"}",
	  NULL, false, 0, false },
	{ "OPTIONS with WebHook-Request-Origin", "OPTIONS", "/api/events",
	  "code=s3cret", "", "", "eventgrid.azure.net", "", 200, "{}",
	  "POST, OPTIONS", true, 0, false },
	{ "wrong secret", "POST", "/api/events", "code=nope", CT_JSON, "", "",
	  sms, 401, "{\"error\":\"missing or wrong secret\"}", NULL, false, 0,
	  false },
	{ "missing secret", "POST", "/api/events", "", CT_JSON, "", "", sms, 401,
	  NULL, NULL, false, 0, false },
	{ "secret prefix is not the secret", "POST", "/api/events",
	  "code=s3cre", CT_JSON, "", "", sms, 401, NULL, NULL, false, 0, false },
	{ "OPTIONS without secret", "OPTIONS", "/api/events", "", "", "",
	  "eventgrid.azure.net", "", 401, NULL, NULL, false, 0, false },
	{ "malformed JSON", "POST", "/api/events", "code=s3cret", CT_JSON, "",
	  "", "[{\"id\":", 400, NULL, NULL, false, 0, false },
	{ "invalid UTF-8", "POST", "/api/events", "code=s3cret", CT_JSON, "", "",
	  "[{\"id\":\"\xff\",\"eventType\":\"x\",\"subject\":\"s\",\"data\":{}}]",
	  400, NULL, NULL, false, 0, false },
	{ "not an array or object", "POST", "/api/events", "code=s3cret",
	  CT_JSON, "", "", "42", 400, NULL, NULL, false, 0, false },
	{ "event missing id", "POST", "/api/events", "code=s3cret", CT_JSON, "",
	  "", "[{\"eventType\":\"Microsoft.Communication.SMSReceived\","
	      "\"subject\":\"s\",\"data\":{}}]",
	  400, NULL, NULL, false, 0, false },
	{ "content type text/plain", "POST", "/api/events", "code=s3cret",
	  "text/plain", "", "", sms, 415, NULL, NULL, false, 0, false },
	{ "GET on the webhook path", "GET", "/api/events", "code=s3cret", "",
	  "", "", "", 405, NULL, "POST, OPTIONS", false, 0, false },
	{ "other path", "POST", "/other", "code=s3cret", CT_JSON, "", "", sms,
	  404, "{\"error\":\"not found\"}", NULL, false, 0, false },
	{ "healthz", "GET", "/healthz", "", "", "", "", "", 200,
	  "{\"status\":\"ok\"}", NULL, false, 0, false },
};

static void run_row(const struct row *r)
{
	struct ga_webhook_req req = {
		.method = ga_span_str(r->method),
		.path = ga_span_str(r->path),
		.query = ga_span_str(r->query),
		.content_type = ga_span_str(r->ctype),
		.key = ga_span_str(r->key),
		.origin = ga_span_str(r->origin),
		.body = ga_span_str(r->body),
	};

	setup(NULL);
	ga_webhook_handle(&wh, &req, &resp);
	if (resp.status != r->status) {
		fail_msg("%s: status %d, want %d (body %.*s)", r->name,
			 resp.status, r->status, (int)resp.body_len, resp.body);
	}
	if (r->resp_body) {
		assert_int_equal(resp.body_len, strlen(r->resp_body));
		assert_memory_equal(resp.body, r->resp_body, resp.body_len);
	} else {
		/* every response but 204 has a JSON object body */
		assert_true(resp.body_len >= 2);
		assert_int_equal(resp.body[0], '{');
	}
	if (r->allow) {
		assert_non_null(resp.allow);
		assert_string_equal(resp.allow, r->allow);
	}
	if (r->origin_echo) {
		assert_true(ga_span_eq(resp.allowed_origin,
				       ga_span_str(r->origin)));
		assert_true(resp.allowed_rate);
	} else {
		assert_int_equal(resp.allowed_origin.len, 0);
	}
	assert_int_equal(sink.events, r->sink_events);
	assert_int_equal(resp.commit, r->commit);
	if (r->status != 200 && sink.begins) {
		assert_int_equal(sink.ends_ok, 0);
	}
}

static void test_design_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		run_row(&rows[i]);
	}
}

static void test_head_refuses_before_body(void **state)
{
	struct ga_webhook_req req = {
		.method = GA_SPAN_LIT("POST"),
		.path = GA_SPAN_LIT("/api/events"),
		.query = GA_SPAN_LIT("code=wrong"),
		.content_type = GA_SPAN_LIT(CT_JSON),
	};

	(void)state;
	setup(NULL);
	assert_false(ga_webhook_head(&wh, &req, &resp));
	assert_int_equal(resp.status, 401);
	req.query = GA_SPAN_LIT("code=s3cret");
	assert_true(ga_webhook_head(&wh, &req, &resp));
	assert_int_equal(sink.begins, 0);
}

static void test_journal_failure_is_503_and_rolls_back(void **state)
{
	static const char two[] =
		"[{\"id\":\"a\",\"topic\":\"/t\",\"subject\":\"s\","
		"\"eventType\":\"Microsoft.Communication.SMSReceived\","
		"\"eventTime\":\"2026-01-01T00:00:00Z\","
		"\"data\":{\"from\":\"1\",\"to\":\"2\",\"message\":\"x\","
		"\"messageId\":\"m\"}},"
		"{\"id\":\"b\",\"topic\":\"/t\",\"subject\":\"s\","
		"\"eventType\":\"Microsoft.Communication.SMSReceived\","
		"\"eventTime\":\"2026-01-01T00:00:00Z\","
		"\"data\":{\"from\":\"1\",\"to\":\"2\",\"message\":\"y\","
		"\"messageId\":\"n\"}}]";
	struct ga_webhook_req req = {
		.method = GA_SPAN_LIT("POST"),
		.path = GA_SPAN_LIT("/api/events"),
		.key = GA_SPAN_LIT("s3cret"),
		.content_type = GA_SPAN_LIT(CT_JSON),
		.body = GA_SPAN_LIT(two),
	};

	(void)state;
	setup(NULL);
	sink.fail_at = 2;
	sink.fail_err = -ENOSPC;
	ga_webhook_handle(&wh, &req, &resp);
	assert_int_equal(resp.status, 503);
	assert_int_equal(resp.retry_after_s, GA_WEBHOOK_RETRY_AFTER_S);
	assert_int_equal(sink.ends_fail, 1);
	assert_int_equal(sink.ends_ok, 0);
	assert_false(resp.commit);
	assert_int_equal(wh.stats.accepted, 0);
	assert_int_equal(wh.stats.unavailable, 1);
	/* and a commit failure after a 200 decision turns it into 503 */
	setup(NULL);
	ga_webhook_handle(&wh, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.commit);
	assert_int_equal(wh.stats.accepted, 2);
	ga_webhook_commit_failed(&wh, &resp);
	assert_int_equal(resp.status, 503);
	assert_int_equal(wh.stats.accepted, 0);
}

static void test_duplicates_counted(void **state)
{
	struct ga_webhook_req req = {
		.method = GA_SPAN_LIT("POST"),
		.path = GA_SPAN_LIT("/api/events"),
		.key = GA_SPAN_LIT("s3cret"),
		.content_type = GA_SPAN_LIT(CT_JSON),
		.body = GA_SPAN_LIT(sms),
	};

	(void)state;
	setup(NULL);
	sink.dup_at = 1;
	ga_webhook_handle(&wh, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(body, "{\"accepted\":0,\"duplicates\":1,\"ignored\":0}");
	assert_int_equal(wh.stats.duplicate, 1);
}

static void test_auth_none(void **state)
{
	struct ga_webhook_req req = {
		.method = GA_SPAN_LIT("POST"),
		.path = GA_SPAN_LIT("/api/events"),
		.content_type = GA_SPAN_LIT(CT_JSON),
		.body = GA_SPAN_LIT(sms),
	};

	(void)state;
	setup(NULL);
	conf.webhook.auth = GA_AUTH_NONE;
	ga_webhook_handle(&wh, &req, &resp);
	assert_int_equal(resp.status, 200);
}

static void test_error_reason_is_escaped(void **state)
{
	(void)state;
	setup(NULL);
	ga_webhook_error(&resp, 400, "bad \"key\" \\ \n");
	assert_string_equal(body, "{\"error\":\"bad \\\"key\\\" \\\\ \\u000a\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_rows),
		cmocka_unit_test(test_head_refuses_before_body),
		cmocka_unit_test(test_journal_failure_is_503_and_rolls_back),
		cmocka_unit_test(test_duplicates_counted),
		cmocka_unit_test(test_auth_none),
		cmocka_unit_test(test_error_reason_is_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

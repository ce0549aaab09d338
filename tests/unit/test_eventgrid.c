/* test_eventgrid.c - every file of the Event Grid corpus as a table case
 * (tests/corpus/eventgrid, real payloads from public Azure repositories;
 * tests/corpus/eventgrid/SOURCES says where each comes from), and
 * hand-written cases for each path of the parser: key casing, escapes and
 * surrogates, invalid UTF-8, control characters, deep nesting, truncation at
 * every byte, a 5 000-event batch, shapes, RFC 8259 strictness.
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

/* Relative to the top of the tree, where tests/run.sh runs every test;
 * GA_CORPUS overrides it. */
#define GA_CORPUS_DIR "tests/corpus/eventgrid"

static struct ga_eventgrid eg;

struct got {
	unsigned int n;
	struct ga_msg first;
	enum ga_class cls[8];
	bool edit;
	char code[64];
};

static int record(void *arg, const struct ga_event *ev)
{
	struct got *g = arg;

	if (g->n < 8) {
		g->cls[g->n] = ev->cls;
	}
	if (g->n == 0) {
		if (ev->cls == GA_CLASS_VALIDATION) {
			ga_json_str_decode(ev->validation_code, g->code, sizeof(g->code));
		} else {
			assert_int_equal(ga_eventgrid_to_msg(ev, 0, &g->first), 0);
		}
		g->edit = ev->edit;
	}
	g->n++;
	return 0;
}

static int parse(const char *body, size_t len, const char *ctype, struct got *g,
		 struct ga_eg_result *res)
{
	memset(g, 0, sizeof(*g));
	return ga_eventgrid_parse(&eg, ga_span_make(body, len),
				  ga_eventgrid_format(ga_span_str(ctype)), record,
				  g, res);
}

static char *load(const char *name, size_t *len, bool wrap)
{
	static char buf[1 << 20];
	char path[512];
	const char *dir = getenv("GA_CORPUS") ? getenv("GA_CORPUS") : GA_CORPUS_DIR;
	FILE *f;
	size_t n, o = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fail_msg("cannot open %s (run from the top of the tree)", path);
	}
	if (wrap) {
		buf[o++] = '[';
	}
	n = fread(buf + o, 1, sizeof(buf) - 2 - o, f);
	fclose(f);
	o += n;
	if (wrap) {
		buf[o++] = ']';
	}
	*len = o;
	return buf;
}

struct corpus_case {
	const char *file;
	bool wrap;          /* a spec example of one event: deliver as [ ... ] */
	int rc;
	unsigned int events;
	enum ga_class cls;  /* of the first event */
	const char *from, *to, *sender, *text, *status;
	bool edit;
	const char *thread; /* chat: threadId; NULL = not checked */
};

#define CE "application/cloudevents+json"
static const struct corpus_case corpus[] = {
	/* spec files are bare EG objects: as-is a real delivery would be a
	 * 400 (Event Grid schema bodies are arrays); wrapped they parse */
	{ "sms-received.eg-schema.azure-rest-api-specs.json", false, -EINVAL, 0 },
	{ "sms-received.eg-schema.azure-rest-api-specs.json", true, 0, 1,
	  GA_CLASS_SMS, "15555555555", "15555555555", "",
	  "Great to connect with ACS events", "" },
	{ "sms-received.eg-schema.azure-docs-2025.json", false, 0, 1,
	  GA_CLASS_SMS, "15555555555", "15555555555", "",
	  "Great to connect with Azure Communication Services events", "" },
	{ "sms-received.cloudevents.azure-rest-api-specs.json", false, 0, 1,
	  GA_CLASS_SMS, "15555555555", "15555555555", "",
	  "Great to connect with ACS events", "" },
	{ "sms-received.cloudevents-2024.azure-rest-api-specs.json", false, 0, 1,
	  GA_CLASS_SMS, "15555555555", "15555555555", "",
	  "Great to connect with ACS events", "" },
	{ "sms-delivery-report-delivered.eg-schema.azure-rest-api-specs.json", true,
	  0, 1, GA_CLASS_SMS_DELIVERED, "15555555555", "+15555555555", "", "",
	  "Delivered" },
	{ "sms-delivery-report-delivered.eg-schema-pascalcase.azure-rest-api-specs.json",
	  true, 0, 1, GA_CLASS_SMS_DELIVERED, "15555555555", "+15555555555", "",
	  "", "Delivered" },
	{ "sms-delivery-report-delivered.cloudevents.azure-rest-api-specs.json",
	  false, 0, 1, GA_CLASS_SMS_DELIVERED, "15555555555", "+15555555555", "",
	  "", "Delivered" },
	{ "sms-delivery-report-delivered.cloudevents-tsp.azure-rest-api-specs.json",
	  false, 0, 1, GA_CLASS_SMS_DELIVERED, "15555555555", "+15555555555", "",
	  "", "Delivered" },
	{ "sms-delivery-report-delivered-with-tag.eg-schema.azure-docs-2025.json",
	  false, 0, 1, GA_CLASS_SMS_DELIVERED, "15555555555", "+15555555555", "",
	  "tag Optional customer-tag set in the original message", "Delivered" },
	{ "chat-message-received.eg-schema.azure-rest-api-specs.json", true, 0, 1,
	  GA_CLASS_CHAT, "", "", "Jhon", "Welcome to Azure Communication Services", "",
	  false, "19:6e5d6ca1d75044a49a36a7965ec4a906@thread.v2" },
	{ "chat-message-received.cloudevents.azure-rest-api-specs.json", false, 0, 1,
	  GA_CLASS_CHAT, "", "", "Jhon", "Welcome to Azure Communication Services", "",
	  false, "19:6e5d6ca1d75044a49a36a7965ec4a906@thread.v2" },
	{ "chat-message-received-in-thread.eg-schema.azure-rest-api-specs.json",
	  true, 0, 1, GA_CLASS_CHAT, "", "", "Bob",
	  "Talk about new Thread Events in commuication services", "", false,
	  "19:5b3809e80e4a439d92c3316e273f4a2b@thread.v2" },
	{ "chat-message-edited.eg-schema.azure-rest-api-specs.json", true, 0, 1,
	  GA_CLASS_CHAT, "", "", "Bob(Admin)",
	  "Let's Chat about new communication services.", "", true,
	  "19:6e5d6ca1d75044a49a36a7965ec4a906@thread.v2" },
	{ "chat-message-deleted.eg-schema.azure-rest-api-specs.json", true, 0, 1,
	  GA_CLASS_CHAT_DELETED, "", "", "Bob(Admin)", "", "" },
	{ "chat-thread-created-with-user.eg-schema.azure-rest-api-specs.json", true,
	  0, 1, GA_CLASS_CHAT_THREAD, "", "", NULL,
	  "New thread: Chat about new commuication services", "", false,
	  "19:1d594fb1eeb14566903cbc5decb5bf5b@thread.v2" },
	{ "chat-participant-added-to-thread-with-user.eg-schema.azure-rest-api-specs.json",
	  true, 0, 1, GA_CLASS_CHAT_MEMBER, "", "", "", "John Smith joined the thread", "" },
	{ "chat-typing-indicator-received-in-thread.cloudevents.azure-rest-api-specs.json",
	  false, 0, 1, GA_CLASS_IGNORED },
	{ "advanced-message-delivery-status-failed.eg-schema.azure-docs.json", false,
	  0, 1, GA_CLASS_IGNORED },
	{ "advanced-message-delivery-status-updated.eg-schema.azure-rest-api-specs.json",
	  true, 0, 1, GA_CLASS_IGNORED },
	{ "email-delivery-report-received.eg-schema.azure-rest-api-specs.json", true,
	  0, 1, GA_CLASS_IGNORED },
	{ "storage-blob-created.eg-schema.azure-sdk-for-java.json", false, 0, 1,
	  GA_CLASS_IGNORED },
	{ "subscription-deleted.eg-schema.azure-sdk-for-java.json", false, 0, 1,
	  GA_CLASS_IGNORED },
	{ "null-data.eg-schema.azure-sdk-for-java.json", false, 0, 1, GA_CLASS_IGNORED },
	{ "cloudevent-binary-data-base64.cloudevents.azure-sdk-for-java.json", false,
	  0, 1, GA_CLASS_IGNORED },
	{ "multiple-events-batch-with-duplicate.eg-schema.azure-sdk-for-java.json",
	  false, 0, 4, GA_CLASS_IGNORED },
	{ "subscription-validation.eg-schema.azure-docs-2018.json", false, 0, 1,
	  GA_CLASS_VALIDATION },
	{ "subscription-validation.eg-schema.azure-docs-2022.json", false, 0, 1,
	  GA_CLASS_VALIDATION },
	/* not event deliveries at all: a validation *response* and namespace
	 * REST examples (pull delivery parses those, not the webhook) */
	{ "subscription-validation-response.azure-docs.json", false, -EINVAL, 0 },
	{ "namespace-receive.example.azure-rest-api-specs.json", false, -EINVAL, 0 },
	{ "namespace-release.example.azure-rest-api-specs.json", false, -EINVAL, 0 },
	{ "namespace-renewlock.example.azure-rest-api-specs.json", false, -EINVAL, 0 },
	{ "namespace-pull-receive-renew-session.recording.azure-sdk-for-js.json",
	  false, -EINVAL, 0 },
};

static void test_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(corpus); i++) {
		const struct corpus_case *c = &corpus[i];
		struct ga_eg_result res;
		struct got g;
		size_t len;
		char *body = load(c->file, &len, c->wrap);
		int rc = parse(body, len, strstr(c->file, "cloudevents") ? CE
						: "application/json", &g, &res);

		if (rc != c->rc) {
			fail_msg("%s: rc %d want %d (%s)", c->file, rc, c->rc,
				 ga_eventgrid_error(&res));
		}
		assert_int_equal(g.n, c->events);
		if (!c->events) {
			continue;
		}
		if (g.cls[0] != c->cls) {
			fail_msg("%s: class %s want %s", c->file,
				 ga_class_name(g.cls[0]), ga_class_name(c->cls));
		}
		if (c->cls == GA_CLASS_VALIDATION) {
			assert_string_equal(g.code, "512d38b6-c7b8-40c8-89fe-f46f9e9622b6");
			continue;
		}
		if (c->cls == GA_CLASS_IGNORED) {
			continue;
		}
		assert_string_equal(g.first.from, c->from);
		assert_string_equal(g.first.to, c->to);
		if (c->sender) {
			assert_string_equal(g.first.sender, c->sender);
		}
		assert_string_equal(g.first.text, c->text);
		assert_string_equal(g.first.status, c->status);
		assert_int_equal(g.edit, c->edit);
		if (c->thread) {
			assert_string_equal(g.first.thread, c->thread);
		}
	}
}

static const char sms_pascal[] =
	"[{\"Id\":\"1\",\"Topic\":\"/t\",\"Subject\":\"s\",\"EventType\":"
	"\"Microsoft.Communication.SMSReceived\",\"Data\":{\"From\":\"+1\","
	"\"TO\":\"+2\",\"Message\":\"hi\"}}]";
static const char sms_camel[] =
	"[{\"id\":\"1\",\"topic\":\"/t\",\"subject\":\"s\",\"eventType\":"
	"\"Microsoft.Communication.SMSReceived\",\"data\":{\"from\":\"+1\","
	"\"to\":\"+2\",\"message\":\"hi\"}}]";

static void test_key_casing(void **state)
{
	struct ga_eg_result res;
	struct got a, b;

	(void)state;
	assert_int_equal(parse(sms_pascal, sizeof(sms_pascal) - 1,
			       "application/json", &a, &res), 0);
	assert_int_equal(parse(sms_camel, sizeof(sms_camel) - 1,
			       "application/json", &b, &res), 0);
	assert_string_equal(a.first.from, b.first.from);
	assert_string_equal(a.first.to, "+2");
	assert_string_equal(a.first.text, b.first.text);
}

static void one_sms(const char *message_json, struct got *g, int want)
{
	char body[2048];
	struct ga_eg_result res;
	int n = snprintf(body, sizeof(body),
			 "[{\"id\":\"1\",\"topic\":\"/t\",\"subject\":\"s\","
			 "\"eventType\":\"Microsoft.Communication.SMSReceived\","
			 "\"data\":{\"from\":\"+1\",\"to\":\"+2\",\"message\":%s}}]",
			 message_json);
	int rc = parse(body, (size_t)n, "application/json", g, &res);

	if (rc != want) {
		fail_msg("%s: rc %d want %d (%s)", message_json, rc, want,
			 ga_eventgrid_error(&res));
	}
}

static void test_strings(void **state)
{
	struct got g;

	(void)state;
	one_sms("\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\"", &g, 0);
	assert_string_equal(g.first.text, "café \xf0\x9f\x98\x80 \"q\" \\ / \n");
	one_sms("\"Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x98\x80\"", &g, 0);
	assert_string_equal(g.first.text, "Grüße € 😀");
	one_sms("\"bad \xff byte\"", &g, -EINVAL);
	one_sms("\"overlong \xc0\xaf\"", &g, -EINVAL);
	one_sms("\"surrogate in UTF-8 \xed\xa0\x80\"", &g, -EINVAL);
	one_sms("\"lone high \\ud83d x\"", &g, -EINVAL);
	one_sms("\"lone low \\ude00\"", &g, -EINVAL);
	one_sms("\"raw tab \t inside\"", &g, -EINVAL);
	one_sms("\"raw newline \n inside\"", &g, -EINVAL);
	one_sms("\"bad escape \\x\"", &g, -EINVAL);
	one_sms("\"short \\u12\"", &g, -EINVAL);
}

static void test_invalid_json_kinds(void **state)
{
	static const char *const bad[] = {
		"01", "+1", ".5", "1.", "1e", "-", "tru", "nul", "True", "NaN",
		"'single'", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
		"[1 2]", "{1:2}", "{\"a\":}", "[\"x\"] garbage", "\"x\"\"y\"",
	};
	struct got g;

	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(bad); i++) {
		char json[128];

		/* the bad value in data, so the envelope is otherwise fine */
		snprintf(json, sizeof(json), "%s", bad[i]);
		one_sms(json, &g, -EINVAL);
	}
	one_sms("[1, 2.5e-3, -0, true, false, null, {}, []]", &g, 0);
}

static void test_deep_nesting_no_recursion(void **state)
{
	static char body[30000];
	struct ga_eg_result res;
	struct got g;
	size_t o = 0;

	(void)state;
	o += (size_t)sprintf(body, "[{\"id\":\"1\",\"subject\":\"s\",\"eventType\":\"x\",\"data\":");
	for (int i = 0; i < 10000; i++) {
		body[o++] = '[';
	}
	for (int i = 0; i < 10000; i++) {
		body[o++] = ']';
	}
	o += (size_t)sprintf(body + o, "}]");
	assert_int_equal(parse(body, o, "application/json", &g, &res), -EINVAL);
	assert_non_null(strstr(ga_eventgrid_error(&res), "nested too deeply"));
}

static void test_truncated_at_every_byte(void **state)
{
	struct ga_eg_result res;
	struct got g;
	size_t len;
	char *body = load("sms-received.eg-schema.azure-docs-2025.json", &len, false);
	static char copy[8192];

	(void)state;
	assert_true(len < sizeof(copy));
	for (size_t cut = 0; cut < len; cut++) {
		int rc;

		memcpy(copy, body, cut); /* exactly cut bytes: ASan sees overreads */
		rc = parse(copy, cut, "application/json", &g, &res);
		/* trailing whitespace cut off still leaves a valid body */
		if (rc == 0) {
			for (size_t k = cut; k < len; k++) {
				assert_true(body[k] == ' ' || body[k] == '\n' ||
					    body[k] == '\r' || body[k] == '\t');
			}
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_int_equal(g.n, 0);
		}
	}
}

static void test_batch_5000_events(void **state)
{
	static char body[5000 * 200 + 16];
	struct ga_eg_result res;
	struct got g;
	size_t o = 0;

	(void)state;
	body[o++] = '[';
	for (int i = 0; i < 5000; i++) {
		o += (size_t)sprintf(body + o,
			"%s{\"id\":\"e%d\",\"topic\":\"/t\",\"subject\":\"s\","
			"\"eventType\":\"Microsoft.Communication.SMSReceived\","
			"\"data\":{\"from\":\"+1\",\"to\":\"+2\",\"message\":\"m%d\"}}",
			i ? "," : "", i, i);
	}
	body[o++] = ']';
	assert_int_equal(parse(body, o, "application/json", &g, &res), 0);
	assert_int_equal(g.n, 5000);
	assert_int_equal(res.per_class[GA_CLASS_SMS], 5000);
}

static void test_shapes(void **state)
{
	static const char eg_object[] =
		"{\"id\":\"1\",\"subject\":\"s\",\"eventType\":\"x\",\"data\":{}}";
	static const char ce_array[] =
		"[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
		"\"type\":\"x\",\"data\":{}}]";
	static const char mixed[] =
		"[{\"id\":\"1\",\"subject\":\"s\",\"eventType\":\"Other.Thing\"},"
		"{\"id\":\"2\",\"topic\":\"/t\",\"subject\":\"s\",\"eventType\":"
		"\"Microsoft.Communication.SMSReceived\",\"data\":{\"message\":\"x\"}},"
		"{\"id\":\"3\",\"subject\":\"s\",\"eventType\":\"Another.One\",\"data\":null}]";
	static const char array_of_numbers[] = "[1,2]";
	static const char missing_data[] =
		"[{\"id\":\"1\",\"subject\":\"s\",\"eventType\":"
		"\"Microsoft.Communication.SMSReceived\"}]";
	static const char bad_later[] =
		"[{\"id\":\"1\",\"topic\":\"/t\",\"subject\":\"s\",\"eventType\":"
		"\"Microsoft.Communication.SMSReceived\",\"data\":{}},{\"subject\":\"s\"}]";
	static const char empty[] = "[]";
	struct ga_eg_result res;
	struct got g;

	(void)state;
	assert_int_equal(parse(eg_object, sizeof(eg_object) - 1, "application/json",
			       &g, &res), -EINVAL);
	/* either CloudEvents type carries either shape (see eventgrid.c) */
	assert_int_equal(parse(ce_array, sizeof(ce_array) - 1, CE, &g, &res), 0);
	assert_int_equal(parse(ce_array, sizeof(ce_array) - 1,
			       "application/cloudevents-batch+json", &g, &res), 0);
	assert_int_equal(parse(ce_array + 1, sizeof(ce_array) - 3,
			       "application/cloudevents-batch+json", &g, &res), 0);
	/* but a CloudEvents type needs CloudEvents */
	assert_int_equal(parse(mixed, sizeof(mixed) - 1, CE, &g, &res), -EINVAL);
	assert_int_equal(parse(mixed, sizeof(mixed) - 1, "application/json", &g, &res), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(res.per_class[GA_CLASS_IGNORED], 2);
	assert_int_equal(g.cls[1], GA_CLASS_SMS);
	assert_int_equal(parse(array_of_numbers, sizeof(array_of_numbers) - 1,
			       "application/json", &g, &res), -EINVAL);
	assert_int_equal(parse(missing_data, sizeof(missing_data) - 1,
			       "application/json", &g, &res), -EINVAL);
	/* all-or-nothing: a bad second event means no callback for the first */
	assert_int_equal(parse(bad_later, sizeof(bad_later) - 1,
			       "application/json", &g, &res), -EINVAL);
	assert_int_equal(g.n, 0);
	assert_int_equal(parse(empty, 2, "application/json", &g, &res), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(ga_eventgrid_format(GA_SPAN_LIT("text/plain")),
			 GA_EG_FORMAT_UNSUPPORTED);
	assert_int_equal(ga_eventgrid_format(GA_SPAN_LIT("Application/JSON; charset=utf-8")),
			 GA_EG_FORMAT_AUTO);
}

static void test_too_many_tokens_is_413(void **state)
{
	static char body[64 * 1024];
	struct ga_eg_result res;
	struct got g;
	size_t o = 0;

	(void)state;
	o += (size_t)sprintf(body, "[{\"id\":\"1\",\"subject\":\"s\",\"eventType\":\"x\",\"data\":[");
	for (int i = 0; i < GA_EG_TOKENS_MAX; i++) {
		o += (size_t)sprintf(body + o, "%s1", i ? "," : "");
	}
	o += (size_t)sprintf(body + o, "]}]");
	assert_int_equal(parse(body, o, "application/json", &g, &res), -EMSGSIZE);
	assert_non_null(strstr(ga_eventgrid_error(&res), "tokens"));
}

static void test_delivery_status(void **state)
{
	static const char tmpl[] =
		"[{\"id\":\"1\",\"topic\":\"/t\",\"subject\":\"s\",\"eventType\":"
		"\"Microsoft.Communication.SMSDeliveryReportReceived\",\"data\":{"
		"\"to\":\"+2\",\"deliveryStatus\":\"%s\",\"deliveryStatusDetails\":\"%s\"}}]";
	static const struct {
		const char *status, *details;
		enum ga_class cls;
		bool unknown;
	} rows[] = {
		{ "Delivered", "No error.", GA_CLASS_SMS_DELIVERED, false },
		{ "delivered", "", GA_CLASS_SMS_DELIVERED, false },
		{ "Failed", "4004 To number doesn't exist", GA_CLASS_SMS_FAILED, false },
		{ "Expired", "", GA_CLASS_SMS_FAILED, false },
		{ "Failed", "5002: carrier does not support delivery reports",
		  GA_CLASS_SMS_FAILED, true },
		{ "Failed", "15002", GA_CLASS_SMS_FAILED, false },
	};
	char body[512];
	struct ga_eg_result res;
	struct got g;

	(void)state;
	for (size_t i = 0; i < GA_ARRAY_SIZE(rows); i++) {
		int n = snprintf(body, sizeof(body), tmpl, rows[i].status,
				 rows[i].details);

		assert_int_equal(parse(body, (size_t)n, "application/json", &g, &res), 0);
		assert_int_equal(g.cls[0], rows[i].cls);
		assert_int_equal(g.first.status_unknown, rows[i].unknown);
		assert_string_equal(g.first.to, "+2");
	}
}

static void test_decode_truncates_at_char_boundary(void **state)
{
	char out[6];

	(void)state;
	/* "aé😀": 1 + 2 + 4 bytes; 5 bytes of room keeps "aé" only */
	assert_int_equal(ga_json_str_decode(GA_SPAN_LIT("a\\u00e9\\ud83d\\ude00"),
					    out, sizeof(out)), 3);
	assert_string_equal(out, "a\xc3\xa9");
	assert_int_equal(ga_json_str_decode(GA_SPAN_LIT("a\xc3\xa9\xf0\x9f\x98\x80"),
					    out, sizeof(out)), 3);
	assert_true(ga_utf8_valid("a\xc3\xa9\xf0\x9f\x98\x80", 7));
	assert_false(ga_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_key_casing),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_invalid_json_kinds),
		cmocka_unit_test(test_deep_nesting_no_recursion),
		cmocka_unit_test(test_truncated_at_every_byte),
		cmocka_unit_test(test_batch_5000_events),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_too_many_tokens_is_413),
		cmocka_unit_test(test_delivery_status),
		cmocka_unit_test(test_decode_truncates_at_char_boundary),
	};

	ga_eventgrid_init(&eg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

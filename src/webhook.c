/* webhook.c - see webhook.h. */
#include "webhook.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "eventgrid.h"
#include "http.h"
#include "json.h"
#include "log.h"

#define GA_WEBHOOK_ALLOW "POST, OPTIONS"
/* Longest validation code we echo: Event Grid's are GUIDs (36 bytes in every
 * validation sample in tests/corpus/eventgrid); anything far longer is not a real handshake. */
#define GA_WEBHOOK_CODE_MAX 127

void ga_webhook_init(struct ga_webhook *w, const struct ga_conf *conf,
		     struct ga_eventgrid *eg, const struct ga_sink_ops *sink,
		     void *sink_arg)
{
	memset(w, 0, sizeof(*w));
	w->conf = conf;
	w->eg = eg;
	w->sink = sink;
	w->sink_arg = sink_arg;
}

static void ga_webhook_body(struct ga_webhook_resp *resp, const char *fmt, ...)
	GA_PRINTF(2, 3);

static void ga_webhook_body(struct ga_webhook_resp *resp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(resp->body, resp->body_size, fmt, ap);
	va_end(ap);
	resp->body_len = (n < 0) ? 0 : ((size_t)n < resp->body_size
						 ? (size_t)n
						 : resp->body_size - 1);
}

/* {"accepted":A,"duplicates":D,"ignored":I}, the answer to every
 * delivery: written directly, not through vsnprintf (~1,600 instructions
 * a request, callgrind). */
static size_t ga_webhook_put(char *out, size_t o, const char *lit, unsigned int v)
{
	char d[10];
	size_t k = 0, n = strlen(lit);

	memcpy(out + o, lit, n);
	o += n;
	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k) {
		out[o++] = d[--k];
	}
	return o;
}

static void ga_webhook_counts(struct ga_webhook_resp *resp, unsigned int a,
			      unsigned int d, unsigned int i)
{
	char b[80]; /* the literals (40) and three 10-digit numbers */
	size_t o = 0;

	o = ga_webhook_put(b, o, "{\"accepted\":", a);
	o = ga_webhook_put(b, o, ",\"duplicates\":", d);
	o = ga_webhook_put(b, o, ",\"ignored\":", i);
	b[o++] = '}';
	if (o >= resp->body_size) {
		o = resp->body_size ? resp->body_size - 1 : 0;
	}
	memcpy(resp->body, b, o);
	if (resp->body_size) {
		resp->body[o] = '\0';
	}
	resp->body_len = o;
}

void ga_webhook_error(struct ga_webhook_resp *resp, int status,
		      const char *reason)
{
	size_t o = 0;

	resp->status = status;
	resp->commit = false;
	if (resp->body_size < 16) {
		resp->body_len = 0;
		return;
	}
	o += (size_t)snprintf(resp->body, resp->body_size, "{\"error\":\"");
	/* The reason may quote input: escape it, cut it to fit. */
	o += ga_json_escape(ga_span_str(reason), resp->body + o,
			    resp->body_size - o - 2);
	o += (size_t)snprintf(resp->body + o, resp->body_size - o, "\"}");
	resp->body_len = o < resp->body_size ? o : resp->body_size - 1;
}

static bool ga_webhook_authorized(const struct ga_webhook *w,
				  const struct ga_webhook_req *req)
{
	char code[GA_CONF_SECRET_MAX + 1];
	struct ga_span secret;

	if (w->conf->webhook.auth == GA_AUTH_NONE) {
		return true;
	}
	secret = ga_span_str(w->conf->webhook.secret);
	if (secret.len == 0) {
		return false; /* the config check refuses this; stay closed */
	}
	if (req->key.len) {
		return ga_span_eq_ct(req->key, secret);
	}
	if (ga_http_query_get(req->query, "code", code, sizeof(code))) {
		return ga_span_eq_ct(ga_span_str(code), secret);
	}
	return false;
}

static bool ga_webhook_is(struct ga_span method, const char *m)
{
	return ga_span_eq(method, ga_span_str(m));
}

bool ga_webhook_head(struct ga_webhook *w, const struct ga_webhook_req *req,
		     struct ga_webhook_resp *resp)
{
	resp->status = 0;
	resp->body_len = 0;
	resp->allow = NULL;
	resp->retry_after_s = 0;
	resp->allowed_origin = GA_SPAN_NULL;
	resp->allowed_rate = false;
	resp->commit = false;
	resp->accepted = 0;

	if (!ga_span_eq(req->path, ga_span_str(w->conf->webhook.path))) {
		if (ga_span_eq(req->path, GA_SPAN_LIT("/healthz")) &&
		    (ga_webhook_is(req->method, "GET") ||
		     ga_webhook_is(req->method, "HEAD"))) {
			resp->status = 200;
			ga_webhook_body(resp, "{\"status\":\"ok\"}");
			return false;
		}
		ga_webhook_error(resp, 404, "not found");
		return false;
	}
	if (!ga_webhook_is(req->method, "POST") &&
	    !ga_webhook_is(req->method, "OPTIONS")) {
		resp->allow = GA_WEBHOOK_ALLOW;
		ga_webhook_error(resp, 405, "method not allowed");
		return false;
	}
	if (!ga_webhook_authorized(w, req)) {
		w->stats.unauthorized++;
		/* One line, without what was sent: a secret is never logged,
		 * not even a wrong one (it may be a typo of the right one). */
		ga_log(LOG_WARNING, "webhook: %.*s %.*s: missing or wrong secret",
		       (int)req->method.len, req->method.ptr,
		       (int)req->path.len, req->path.ptr);
		ga_webhook_error(resp, 401, "missing or wrong secret");
		return false;
	}
	if (ga_webhook_is(req->method, "OPTIONS")) {
		/* CloudEvents abuse protection (CloudEvents 1.0 HTTP
		 * webhook spec, section 4): may come at
		 * any time, before any delivery. */
		resp->status = 200;
		resp->allow = GA_WEBHOOK_ALLOW;
		if (req->origin.len) {
			resp->allowed_origin = req->origin;
			resp->allowed_rate = true;
		}
		ga_webhook_body(resp, "{}");
		return false;
	}
	if (ga_eventgrid_format(req->content_type) == GA_EG_FORMAT_UNSUPPORTED) {
		ga_webhook_error(resp, 415,
				 "content type must be application/json or "
				 "application/cloudevents(-batch)+json");
		return false;
	}
	return true;
}

static int ga_webhook_event_cb(void *arg, const struct ga_event *ev)
{
	struct ga_webhook *w = arg;
	int v;

	if (ev->cls == GA_CLASS_VALIDATION) {
		if (!w->have_validation) {
			if (ev->validation_code.len == 0 ||
			    ev->validation_code.len > GA_WEBHOOK_CODE_MAX) {
				return -EINVAL;
			}
			/* The raw contents of a JSON string the parser has
			 * validated are valid contents of our JSON string. */
			ga_span_copy(ev->validation_code, w->validation_code,
				     sizeof(w->validation_code));
			w->have_validation = true;
		}
		return 0;
	}
	v = w->sink->event(w->sink_arg, ev);
	switch (v) {
	case GA_SINK_ACCEPTED:
		w->n_accepted++;
		return 0;
	case GA_SINK_DUPLICATE:
		w->n_duplicate++;
		return 0;
	case GA_SINK_IGNORED:
		w->n_ignored++;
		return 0;
	default:
		w->sink_err = v < 0 ? v : -EIO;
		return w->sink_err;
	}
}

void ga_webhook_handle(struct ga_webhook *w, const struct ga_webhook_req *req,
		       struct ga_webhook_resp *resp)
{
	struct ga_eg_result res;
	int err;

	if (!ga_webhook_head(w, req, resp)) {
		return;
	}
	w->n_accepted = w->n_duplicate = w->n_ignored = 0;
	w->have_validation = false;
	w->sink_err = 0;

	w->sink->begin(w->sink_arg);
	err = ga_eventgrid_parse(w->eg, req->body,
				 ga_eventgrid_format(req->content_type),
				 ga_webhook_event_cb, w, &res);
	if (err) {
		w->sink->end(w->sink_arg, false);
		if (w->sink_err) {
			w->stats.unavailable++;
			resp->retry_after_s = GA_WEBHOOK_RETRY_AFTER_S;
			ga_webhook_error(resp, 503,
					 w->sink_err == -EBUSY
						 ? "overloaded, retry later"
					 : w->sink_err == -ENOSPC
						 ? "journal full, retry later"
						 : "journal unavailable, retry later");
			return;
		}
		w->stats.rejected++;
		ga_log(LOG_NOTICE, "webhook: rejected request: %s",
		       ga_eventgrid_error(&res));
		ga_webhook_error(resp, err == -EMSGSIZE ? 413 : 400,
				 ga_eventgrid_error(&res));
		return;
	}
	resp->commit = w->sink->end(w->sink_arg, true);
	resp->accepted = w->n_accepted;
	w->stats.accepted += w->n_accepted;
	w->stats.duplicate += w->n_duplicate;
	w->stats.ignored += w->n_ignored;
	resp->status = 200;
	if (w->have_validation) {
		w->stats.validations++;
		ga_log(LOG_NOTICE, "webhook: answered an Event Grid subscription "
		       "validation handshake");
		ga_webhook_body(resp, "{\"validationResponse\":\"%s\"}",
				w->validation_code);
		return;
	}
	ga_webhook_counts(resp, w->n_accepted, w->n_duplicate, w->n_ignored);
}

void ga_webhook_commit_failed(struct ga_webhook *w,
			      struct ga_webhook_resp *resp)
{
	/* The events were counted as accepted when parsed; they are not. */
	w->stats.accepted -= resp->accepted <= w->stats.accepted
				     ? resp->accepted
				     : w->stats.accepted;
	resp->accepted = 0;
	w->stats.unavailable++;
	resp->retry_after_s = GA_WEBHOOK_RETRY_AFTER_S;
	ga_webhook_error(resp, 503, "journal unavailable, retry later");
}

/* fuzz_pull.c - libFuzzer: what a namespace broker (or anything in the
 * path to it) can send the pull client. The input is one HTTP response
 * through the parser in response mode; its body then goes through the
 * receive walker (and each event through the push parser, as pull.c does)
 * and the acknowledge/release walker and the error-body reader. Nothing may
 * crash, read outside the input, or hand out a span outside the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eventgrid.h"
#include "http.h"
#include "json.h"
#include "namespace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ga_eventgrid eg;
static struct ga_span body;

static void inside(struct ga_span s)
{
	if (s.len && (s.ptr < body.ptr || s.ptr + s.len > body.ptr + body.len)) {
		__builtin_trap();
	}
}

static int ev_cb(void *arg, const struct ga_event *ev)
{
	(void)arg;
	inside(ev->id);
	inside(ev->text);
	return 0;
}

static int detail_cb(void *arg, const struct ga_namespace_detail *d)
{
	struct ga_eg_result res;

	(void)arg;
	inside(d->token);
	inside(d->event);
	(void)ga_eventgrid_parse(&eg, d->event, GA_EG_FORMAT_CE, ev_cb, NULL, &res);
	return 0;
}

static void failed_cb(void *arg, const struct ga_namespace_failed *f)
{
	char out[64];

	(void)arg;
	inside(f->token);
	inside(f->code);
	inside(f->message);
	(void)ga_json_str_decode(f->message, out, sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ga_http_parser p;
	struct ga_http_limits lim;
	char *buf = malloc(size ? size : 1);
	char err[128], msg[128];
	unsigned int ok;
	int r;

	memcpy(buf, data, size);
	ga_http_limits_default(&lim);
	lim.max_body = 65536;
	ga_http_parser_init_response(&p, &lim);
	do {
		r = ga_http_parse(&p, buf, size);
	} while (r == GA_HTTP_HEAD_DONE);
	if (r == GA_HTTP_DONE) {
		body = ga_http_request(&p)->body;
	} else {
		/* also walk the raw input as a body: most of the depth is there */
		body = ga_span_make(buf, size);
	}
	(void)ga_namespace_receive_parse(body, detail_cb, NULL, err, sizeof(err));
	(void)ga_namespace_lock_parse(body, &ok, failed_cb, NULL, err, sizeof(err));
	ga_namespace_error(body, msg, sizeof(msg));
	free(buf);
	return 0;
}

/* fuzz_eventgrid.c - libFuzzer: any body under each content type; the
 * parser must never crash, and the kept copies must be bounded strings. */
#include <stdint.h>
#include <string.h>

#include "eventgrid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ga_eventgrid eg;

static int cb(void *arg, const struct ga_event *ev)
{
	struct ga_msg m;

	(void)arg;
	if (ga_eventgrid_to_msg(ev, 0, &m) == 0 &&
	    (strlen(m.text) > GA_MSG_TEXT_MAX || strlen(m.id) >= GA_MSG_ID_MAX)) {
		__builtin_trap();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ga_eg_format fmts[] = {
		GA_EG_FORMAT_AUTO, GA_EG_FORMAT_CE, GA_EG_FORMAT_CE_BATCH,
	};
	struct ga_eg_result res;

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		(void)ga_eventgrid_parse(&eg, ga_span_make((const char *)data, size),
					 fmts[i], cb, NULL, &res);
	}
	return 0;
}

/* fuzz_http.c - libFuzzer: the HTTP parser over any bytes, fed whole and
 * split in two at a point taken from the input; it must never crash, never
 * read past the buffer, and agree with itself on the outcome. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(const uint8_t *data, size_t size, size_t cut)
{
	struct ga_http_parser p;
	struct ga_http_limits lim;
	char *buf = malloc(size ? size : 1);
	int r = GA_HTTP_NEED_MORE;

	ga_http_limits_default(&lim);
	lim.max_body = 4096;
	ga_http_parser_init(&p, &lim);
	memcpy(buf, data, size);
	for (size_t have = cut; ; have = size) {
		do {
			r = ga_http_parse(&p, buf, have);
		} while (r == GA_HTTP_HEAD_DONE);
		if (r != GA_HTTP_NEED_MORE || have == size) {
			break;
		}
	}
	if (r == GA_HTTP_DONE) {
		const struct ga_http_req *q = ga_http_request(&p);

		if (q->body.len > lim.max_body || ga_http_consumed(&p) > size) {
			__builtin_trap();
		}
	}
	free(buf);
	return r == GA_HTTP_ERROR ? -ga_http_parse_status(&p) : r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut = size ? data[0] % (size + 1) : 0;

	if (run(data, size, size) != run(data, size, cut)) {
		__builtin_trap(); /* the split point must not change the outcome */
	}
	return 0;
}

/* conf_errs.h - collect what ga_conf_parse() reports, a line each, and
 * check a bad file's errors, each with its file:line, in order. Include
 * after cmocka.h. */
#ifndef GA_TEST_CONF_ERRS_H
#define GA_TEST_CONF_ERRS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

struct errs {
	char lines[16][240];
	unsigned int n;
};

static inline void collect(void *arg, const char *line)
{
	struct errs *e = arg;

	if (e->n < 16) {
		snprintf(e->lines[e->n++], sizeof(e->lines[0]), "%s", line);
	}
}

/* Parse @len bytes of @text as file @file: exactly the @nwant errors of
 * @want, in order (none: the parse succeeds), and as many counted. */
static inline void expect_conf_errors(const char *file, const char *text,
				      size_t len, const char *const *want,
				      size_t nwant)
{
	static struct ga_conf c;
	struct errs e = { .n = 0 };
	unsigned int nerr = 0;
	int rc = ga_conf_parse(&c, file, text, len, collect, &e, &nerr);

	for (size_t i = 0; i < nwant && i < e.n; i++) {
		if (strcmp(e.lines[i], want[i]) != 0) {
			fail_msg("error %zu:\n  got  [%s]\n  want [%s]", i + 1,
				 e.lines[i], want[i]);
		}
	}
	for (size_t i = nwant; i < e.n; i++) {
		print_message("# unexpected: %s\n", e.lines[i]);
	}
	assert_int_equal(e.n, nwant);
	assert_int_equal(nerr, nwant);
	assert_int_equal(rc, nwant ? -EINVAL : 0);
}

#endif /* GA_TEST_CONF_ERRS_H */

/* conf_errs.h - collect what ga_conf_parse() reports, a line each, so a
 * test can assert every error of a bad file with its file:line. */
#ifndef GA_TEST_CONF_ERRS_H
#define GA_TEST_CONF_ERRS_H

#include <stdio.h>

struct errs {
	char lines[16][200];
	unsigned int n;
};

static inline void collect(void *arg, const char *line)
{
	struct errs *e = arg;

	if (e->n < 16) {
		snprintf(e->lines[e->n++], sizeof(e->lines[0]), "%s", line);
	}
}

#endif /* GA_TEST_CONF_ERRS_H */

/* test_jsontok.c - ga_json_tokenize (src/json.c) against jsmn 1.1.0 (the
 * tokenizer it replaced, Debian's libjsmn-dev) as the reference: on every
 * valid object or array text of up to 7 bytes over the characters that
 * shape tokens,
 * and on each file of the Event Grid corpus and board/sim/events. The
 * tokens must be identical (type, start, end, size). Then the errors:
 * invalid JSON is -EINVAL whatever its size, valid JSON with too many
 * tokens -EMSGSIZE.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jsmn's strict mode (primitives are numbers, true, false, null, never
 * keys), as the daemon used jsmn before src/json.c. Only this test
 * includes jsmn: the daemon needs neither the header nor the flag. */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "json.h"

#define TOKS 4096

static jsmntok_t ref[TOKS];
static struct ga_json_tok got[TOKS];

/* Compare on @s; false when @s is not valid JSON (nothing to compare). */
static bool same_tokens(const char *s, size_t len)
{
	struct ga_json_err err;
	jsmn_parser p;
	int n, m;

	n = ga_json_tokenize(ga_span_make(s, len), got, TOKS, &err);
	if (n == -EINVAL) {
		assert_int_not_equal(ga_json_check(ga_span_make(s, len), &err), 0);
		return false;
	}
	assert_int_equal(ga_json_check(ga_span_make(s, len), &err), 0);
	if (s[0] != '{' && s[0] != '[') {
		/* jsmn's strict mode wants a delimiter after a top-level
		 * scalar; events are objects, batches arrays */
		return false;
	}
	jsmn_init(&p);
	m = jsmn_parse(&p, s, len, ref, TOKS);
	if (m != n) {
		fail_msg("%.*s: %d tokens, jsmn %d", (int)len, s, n, m);
	}
	for (int i = 0; i < n; i++) {
		if (got[i].type != (int)ref[i].type || got[i].start != ref[i].start ||
		    got[i].end != ref[i].end || got[i].size != ref[i].size) {
			fail_msg("%.*s: token %d is %d [%d,%d) size %d, jsmn %d [%d,%d) "
				 "size %d", (int)len, s, i, got[i].type, got[i].start,
				 got[i].end, got[i].size, ref[i].type, ref[i].start,
				 ref[i].end, ref[i].size);
		}
	}
	return true;
}

static void test_exhaustive_against_jsmn(void **state)
{
	static const char alpha[] = "{}[]\":,1a ";
	const size_t k = sizeof(alpha) - 1;
	char s[8];
	unsigned long valid = 0;

	(void)state;
	for (size_t len = 1; len <= 7; len++) {
		size_t total = 1;

		for (size_t i = 0; i < len; i++) {
			total *= k;
		}
		for (size_t x = 0; x < total; x++) {
			size_t v = x;

			for (size_t i = 0; i < len; i++) {
				s[i] = alpha[v % k];
				v /= k;
			}
			valid += same_tokens(s, len);
		}
	}
	/* the alphabet builds many valid texts: "1", "[]", {"":1}, ... */
	print_message("%lu valid texts compared\n", valid);
	assert_true(valid > 1000);
}

static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fail_msg("cannot open %s", path);
	}
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static int files_of(const char *dir)
{
	static char buf[1 << 20];
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d) {
		fail_msg("cannot open %s", dir);
	}
	while ((e = readdir(d))) {
		size_t len;

		if (!strstr(e->d_name, ".json")) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		len = slurp(path, buf, sizeof(buf));
		if (!same_tokens(buf, len)) {
			fail_msg("%s is not valid JSON", path);
		}
		n++;
	}
	closedir(d);
	return n;
}

static void test_corpus_against_jsmn(void **state)
{
	/* relative to the top of the tree, where tests/run.sh runs it */
	const char *dir = getenv("GA_CORPUS") ? getenv("GA_CORPUS")
					      : "tests/corpus/eventgrid";

	(void)state;
	assert_true(files_of(dir) > 0);
	assert_true(files_of("board/sim/events") > 0);
}

static void test_errors(void **state)
{
	static const char many[] = "[1,2,3,4,5]", bad_many[] = "[1,2,3,4,05]";
	struct ga_json_err err;

	(void)state;
	assert_int_equal(ga_json_tokenize(ga_span_make(many, sizeof(many) - 1),
					  got, 6, &err), 6);
	assert_int_equal(ga_json_tokenize(ga_span_make(many, sizeof(many) - 1),
					  got, 5, &err), -EMSGSIZE);
	/* invalid wins over too many: the client learns what is wrong */
	assert_int_equal(ga_json_tokenize(ga_span_make(bad_many, sizeof(bad_many) - 1),
					  got, 2, &err), -EINVAL);
	assert_string_equal(err.what, "leading zero in number");
	assert_int_equal(err.at, 10);
	assert_int_equal(ga_json_tokenize(ga_span_make("{\"a\":tru}", 9), got, 8, &err),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustive_against_jsmn),
		cmocka_unit_test(test_corpus_against_jsmn),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

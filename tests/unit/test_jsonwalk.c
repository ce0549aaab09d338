/* test_jsonwalk.c - ga_json_value_end (src/json.c), the scanner that
 * splits a batch into events and walks pull responses: exhaustively
 * against a plain byte-by-byte model on every string of up to 7 bytes
 * over the characters that matter (quote, backslash, brackets, comma,
 * a letter): 2 396 744 strings, then on named cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

/* The definition: a backslash inside a string takes the next byte with
 * it; brackets count outside strings; a top-level scalar ends at a
 * delimiter. 0 when the value does not end inside @len. */
static size_t model(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			   s[i] == '\r')) {
		i++;
	}
	for (; i < len; i++) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\') {
					i++;
				}
			}
			if (i >= len) {
				return 0;
			}
			if (depth == 0) {
				return i + 1;
			}
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			if (depth == 0) {
				return 0;
			}
			if (--depth == 0) {
				return i + 1;
			}
		} else if (depth == 0) {
			while (i < len && s[i] != ' ' && s[i] != '\t' &&
			       s[i] != '\n' && s[i] != '\r' && s[i] != ',' &&
			       s[i] != '}' && s[i] != ']') {
				i++;
			}
			return i;
		}
	}
	return 0;
}

static void test_exhaustive_against_model(void **state)
{
	static const char alpha[] = "\"\\{}[],a";
	const size_t na = sizeof(alpha) - 1;
	char s[8];
	unsigned long checked = 0;

	(void)state;
	for (size_t len = 1; len <= 7; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++) {
			total *= na;
		}
		for (size_t n = 0; n < total; n++) {
			size_t v = n;

			for (size_t k = 0; k < len; k++) {
				s[k] = alpha[v % na];
				v /= na;
			}
			if (model(s, len, 0) != ga_json_value_end(s, len, 0)) {
				s[len] = '\0';
				fail_msg("value_end(%s) = %zu, model %zu", s,
					 ga_json_value_end(s, len, 0),
					 model(s, len, 0));
			}
			checked++;
		}
	}
	assert_int_equal(checked, 2396744); /* 8 + 8^2 + ... + 8^7 */
}

static void test_named_cases(void **state)
{
	static const struct {
		const char *s;
		size_t end;
	} rows[] = {
		{ "\"abc\"", 5 },
		{ "\"a\\\"b\"", 6 },          /* escaped quote inside */
		{ "\"a\\\\\"x", 5 },          /* escaped backslash, then the end */
		{ "\"a\\\\\\\"b\"", 8 },      /* \\ then \" then the end */
		{ "\"abc\\\"", 0 },           /* the last quote is escaped */
		{ "{\"x\":\"}{][\"}z", 12 },  /* brackets inside a string */
		{ "[1,{\"a\":[2]},\"]\"] ", 17 },
		{ "  true,", 6 },
		{ "{\"a\":1", 0 },
		{ "}", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = strlen(rows[i].s);

		if (ga_json_value_end(rows[i].s, len, 0) != rows[i].end) {
			fail_msg("%s: %zu, want %zu", rows[i].s,
				 ga_json_value_end(rows[i].s, len, 0), rows[i].end);
		}
		assert_int_equal(model(rows[i].s, len, 0), rows[i].end);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustive_against_model),
		cmocka_unit_test(test_named_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* json.h - RFC 8259 strictness and string decoding around jsmn.
 *
 * jsmn (even with JSMN_STRICT) accepts things RFC 8259 does not: "tru",
 * leading zeros, a missing comma between members, raw control bytes in
 * strings, invalid UTF-8. ga_json_check() is a small iterative validator
 * run before jsmn so that everything jsmn then tokenizes is valid JSON;
 * jsmn does the navigation. No allocation, no recursion.
 */
#ifndef GA_JSON_H
#define GA_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Nesting deeper than this is refused: ACS events nest 4 levels; 32
 * leaves room for custom data and bounds the validator's state (one bit
 * per level). */
#define GA_JSON_DEPTH_MAX 32

struct ga_json_err {
	size_t at;          /* byte offset of the problem */
	const char *what;   /* static text */
};

/* Validate one complete JSON value in @s (whitespace around it allowed).
 * 0, or -EINVAL with @err filled. */
GA_MUST_CHECK int ga_json_check(struct ga_span s, struct ga_json_err *err);

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool ga_utf8_valid(const char *p, size_t len);
/* Decode one code point at @p; returns its length, 0 when ill-formed. */
size_t ga_utf8_decode(const char *p, size_t avail, uint32_t *cp);

/* Decode the raw contents of a validated JSON string (escapes, \uXXXX
 * with surrogate pairs) into UTF-8 in @out, cut at a character boundary
 * to fit, always NUL-terminated. Returns the bytes written. */
size_t ga_json_str_decode(struct ga_span raw, char *out, size_t size);

/* Escape @in as the contents of a JSON string (", \ and controls) into
 * @out, cut to fit, always NUL-terminated. Returns the bytes written. */
size_t ga_json_escape(struct ga_span in, char *out, size_t size);

/* Compare the decoded value of a raw JSON string with @lit, ASCII
 * case-insensitively (keys and enum-like values). */
bool ga_json_str_ieq(struct ga_span raw, const char *lit);

#endif /* GA_JSON_H */

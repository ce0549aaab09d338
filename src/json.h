/* json.h - strict RFC 8259 validation, jsmn-style tokens, string decoding.
 *
 * jsmn (even with JSMN_STRICT) accepts things RFC 8259 does not: "tru",
 * leading zeros, a missing comma between members, raw control bytes in
 * strings, invalid UTF-8. ga_json_tokenize() is one iterative pass that
 * validates strictly and fills a caller-owned array of jsmn-style tokens
 * (type, start, end, size: offsets into the caller's buffer) for the
 * navigation; before issue 21 a validator and then jsmn each walked every
 * byte. No allocation, no recursion.
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

/* Token types (the values of jsmn 1.1.0's jsmntype_t). */
enum ga_json_type {
	GA_JSON_OBJECT = 1,
	GA_JSON_ARRAY = 2,
	GA_JSON_STRING = 3,
	GA_JSON_PRIMITIVE = 4, /* number, true, false, null */
};

/* One token, as jsmn 1.1.0 makes them: [start, end) in the buffer (a
 * string's contents without the quotes); size is an object's member
 * count, an array's element count, 1 for a key (its value), 0 otherwise. Tokens are in document order, so a
 * token's subtree is the tokens after it that start before its end. */
struct ga_json_tok {
	int type; /* enum ga_json_type */
	int start;
	int end;
	int size;
};

/* Validate one complete JSON value in @s like ga_json_check() and
 * tokenize it into @t[0..@max). Returns the token count; -EINVAL (@err
 * filled) when @s is not valid JSON; -EMSGSIZE when it is but needs more
 * than @max tokens. @s must be shorter than INT_MAX. */
GA_MUST_CHECK int ga_json_tokenize(struct ga_span s, struct ga_json_tok *t,
				   int max, struct ga_json_err *err);

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

/* ---- walking a checked document without tokens ----------------------------
 * For envelopes around events (the namespace receive response holds up to
 * 100 events): jsmn would need tokens for all of them at once; these walk
 * member by member in O(1) state and hand out spans, and each event is then
 * tokenized on its own. Only for text ga_json_check() accepted. */

/* Index after the value starting at s[i] (after any whitespace), or 0 when
 * the text ends first. */
size_t ga_json_value_end(const char *s, size_t len, size_t i);

struct ga_json_iter {
	struct ga_span v; /* the object or array being walked */
	size_t i;
	bool first;
};

/* Begin walking @v, which must be an object ('{') or array ('['): false
 * when it is another kind of value. */
bool ga_json_iter_object(struct ga_json_iter *it, struct ga_span v);
bool ga_json_iter_array(struct ga_json_iter *it, struct ga_span v);
/* Next member: @key the raw string contents, @val the value's span (a
 * string value includes its quotes). False after the last one. */
bool ga_json_next_member(struct ga_json_iter *it, struct ga_span *key,
			 struct ga_span *val);
bool ga_json_next_elem(struct ga_json_iter *it, struct ga_span *val);
/* The raw contents of @v when it is a string, else false. */
bool ga_json_as_string(struct ga_span v, struct ga_span *raw);

#endif /* GA_JSON_H */

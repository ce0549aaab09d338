/* json.c - see json.h. */
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Length of the UTF-8 sequence at p (1..4), or 0 when it is not
 * well-formed (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static size_t ga_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];

	if (c < 0x80) {
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		return (avail >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (avail < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80) {
			return 0;
		}
		if (c == 0xe0 && p[1] < 0xa0) {
			return 0; /* overlong */
		}
		if (c == 0xed && p[1] >= 0xa0) {
			return 0; /* UTF-16 surrogate */
		}
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (avail < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80) {
			return 0;
		}
		if (c == 0xf0 && p[1] < 0x90) {
			return 0; /* overlong */
		}
		if (c == 0xf4 && p[1] >= 0x90) {
			return 0; /* > U+10FFFF */
		}
		return 4;
	}
	return 0;
}

size_t ga_utf8_decode(const char *p, size_t avail, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = avail ? ga_utf8_seq(u, avail) : 0;

	switch (n) {
	case 1:
		*cp = u[0];
		break;
	case 2:
		*cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
		break;
	case 3:
		*cp = (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 |
		      (u[2] & 0x3f);
		break;
	case 4:
		*cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
		      (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		break;
	default:
		return 0;
	}
	return n;
}

bool ga_utf8_valid(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < len) {
		size_t n = ga_utf8_seq(u + i, len - i);

		if (!n) {
			return false;
		}
		i += n;
	}
	return true;
}

static int ga_json_hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9') {
			v |= (unsigned int)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			v |= (unsigned int)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			v |= (unsigned int)(c - 'A' + 10);
		} else {
			return -1;
		}
	}
	*out = v;
	return 0;
}

static int ga_json_fail(struct ga_json_err *err, size_t at, const char *what)
{
	if (err) {
		err->at = at;
		err->what = what;
	}
	return -EINVAL;
}

/* String starting at s[*i] == '"'; leaves *i after the closing quote. */
/* Bytes a string holds as they are (not '"', '\\', a control or the
 * start of a multibyte sequence): skipped by one table lookup each, the
 * bulk of every event's bytes. */
static const unsigned char ga_json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xf0 */
};

static int ga_json_string(const char *s, size_t len, size_t *i,
			  struct ga_json_err *err)
{
	size_t k = *i + 1;

	while (k < len) {
		unsigned char c = (unsigned char)s[k];

		if (ga_json_plain[c]) {
			k++;
			continue;
		}

		if (c == '"') {
			*i = k + 1;
			return 0;
		}
		if (c < 0x20) {
			return ga_json_fail(err, k, "control character in string");
		}
		if (c == '\\') {
			unsigned int u, lo;

			if (k + 1 >= len) {
				break;
			}
			c = (unsigned char)s[k + 1];
			if (c != 'u') {
				if (!strchr("\"\\/bfnrt", c) || c == 0) {
					return ga_json_fail(err, k, "bad escape in string");
				}
				k += 2;
				continue;
			}
			if (k + 6 > len || ga_json_hex4(s + k + 2, &u)) {
				return ga_json_fail(err, k, "bad \\u escape");
			}
			k += 6;
			if (u >= 0xdc00 && u <= 0xdfff) {
				return ga_json_fail(err, k - 6, "lone low surrogate");
			}
			if (u >= 0xd800 && u <= 0xdbff) {
				if (k + 6 > len || s[k] != '\\' || s[k + 1] != 'u' ||
				    ga_json_hex4(s + k + 2, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff) {
					return ga_json_fail(err, k - 6,
							    "lone high surrogate");
				}
				k += 6;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t n = ga_utf8_seq((const unsigned char *)s + k, len - k);

			if (!n) {
				return ga_json_fail(err, k, "invalid UTF-8");
			}
			k += n;
			continue;
		}
		k++;
	}
	return ga_json_fail(err, len, "unterminated string");
}

static bool ga_json_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int ga_json_number(const char *s, size_t len, size_t *i,
			  struct ga_json_err *err)
{
	size_t k = *i;

	if (k < len && s[k] == '-') {
		k++;
	}
	if (k >= len || !ga_json_digit(s[k])) {
		return ga_json_fail(err, k, "bad number");
	}
	if (s[k] == '0') {
		k++;
		if (k < len && ga_json_digit(s[k])) {
			return ga_json_fail(err, k, "leading zero in number");
		}
	} else {
		while (k < len && ga_json_digit(s[k])) {
			k++;
		}
	}
	if (k < len && s[k] == '.') {
		k++;
		if (k >= len || !ga_json_digit(s[k])) {
			return ga_json_fail(err, k, "bad fraction in number");
		}
		while (k < len && ga_json_digit(s[k])) {
			k++;
		}
	}
	if (k < len && (s[k] == 'e' || s[k] == 'E')) {
		k++;
		if (k < len && (s[k] == '+' || s[k] == '-')) {
			k++;
		}
		if (k >= len || !ga_json_digit(s[k])) {
			return ga_json_fail(err, k, "bad exponent in number");
		}
		while (k < len && ga_json_digit(s[k])) {
			k++;
		}
	}
	*i = k;
	return 0;
}

static bool ga_json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Token output of one scan: @t NULL only validates. Past @max tokens the
 * scan goes on validating (invalid JSON is answered as such, whatever its
 * size) and only counts. */
struct ga_json_out {
	struct ga_json_tok *t;
	int max;
	int n;
	int open[GA_JSON_DEPTH_MAX]; /* token of each open container */
};

static void ga_json_emit(struct ga_json_out *o, unsigned int depth,
			 enum ga_json_type type, size_t start, size_t end)
{
	if (o->t && o->n < o->max) {
		struct ga_json_tok *k = &o->t[o->n];

		k->type = (int)type;
		k->start = (int)start;
		k->end = (int)end;
		k->size = 0;
		if (depth && o->open[depth - 1] >= 0) {
			o->t[o->open[depth - 1]].size++;
		}
	}
	o->n++;
}

/* A value (not a key) at @depth: counted in an array parent; an object
 * parent counted its key already (emitted as at depth 0: no parent). */
static void ga_json_value(struct ga_json_out *o, unsigned int depth, bool in_obj,
			  enum ga_json_type type, size_t start, size_t end)
{
	ga_json_emit(o, in_obj ? 0 : depth, type, start, end);
}

/* The container closing at s[@at] ends its token. */
static void ga_json_close(struct ga_json_out *o, unsigned int depth, size_t at)
{
	if (o->t && o->open[depth - 1] >= 0) {
		o->t[o->open[depth - 1]].end = (int)(at + 1);
	}
}

static int ga_json_scan(struct ga_span sp, struct ga_json_out *o,
			struct ga_json_err *err)
{
	enum { V, V_OR_END, KEY_OR_END, KEY, COLON, AFTER } st = V;
	const char *s = sp.ptr;
	size_t len = sp.len, i = 0;
	uint64_t objs = 0; /* bit d set: level d is an object */
	unsigned int depth = 0;

	for (;;) {
		char c;
		bool in_obj;

		while (i < len && ga_json_ws(s[i])) {
			i++;
		}
		if (i == len) {
			if (st == AFTER && depth == 0) {
				return 0;
			}
			return ga_json_fail(err, i, "unexpected end of JSON");
		}
		c = s[i];
		in_obj = depth && (objs & ((uint64_t)1 << (depth - 1)));
		switch (st) {
		case V_OR_END:
			if (c == ']') {
				ga_json_close(o, depth, i);
				depth--;
				i++;
				st = AFTER;
				break;
			}
			/* fall through */
		case V:
			if (c == '{' || c == '[') {
				if (depth >= GA_JSON_DEPTH_MAX) {
					return ga_json_fail(err, i, "nested too deeply");
				}
				if (c == '{') {
					objs |= (uint64_t)1 << depth;
				} else {
					objs &= ~((uint64_t)1 << depth);
				}
				o->open[depth] = o->t && o->n < o->max ? o->n : -1;
				ga_json_value(o, depth, in_obj, c == '{' ? GA_JSON_OBJECT
									 : GA_JSON_ARRAY, i, 0);
				depth++;
				i++;
				st = c == '{' ? KEY_OR_END : V_OR_END;
			} else if (c == '"') {
				size_t at = i;

				if (ga_json_string(s, len, &i, err)) {
					return -EINVAL;
				}
				ga_json_value(o, depth, in_obj, GA_JSON_STRING, at + 1, i - 1);
				st = AFTER;
			} else if (c == '-' || ga_json_digit(c)) {
				size_t at = i;

				if (ga_json_number(s, len, &i, err)) {
					return -EINVAL;
				}
				ga_json_value(o, depth, in_obj, GA_JSON_PRIMITIVE, at, i);
				st = AFTER;
			} else if (len - i >= 4 && memcmp(s + i, "true", 4) == 0) {
				ga_json_value(o, depth, in_obj, GA_JSON_PRIMITIVE, i, i + 4);
				i += 4;
				st = AFTER;
			} else if (len - i >= 5 && memcmp(s + i, "false", 5) == 0) {
				ga_json_value(o, depth, in_obj, GA_JSON_PRIMITIVE, i, i + 5);
				i += 5;
				st = AFTER;
			} else if (len - i >= 4 && memcmp(s + i, "null", 4) == 0) {
				ga_json_value(o, depth, in_obj, GA_JSON_PRIMITIVE, i, i + 4);
				i += 4;
				st = AFTER;
			} else {
				return ga_json_fail(err, i, "expected a JSON value");
			}
			break;
		case KEY_OR_END:
			if (c == '}') {
				ga_json_close(o, depth, i);
				depth--;
				i++;
				st = AFTER;
				break;
			}
			/* fall through */
		case KEY:
			if (c != '"') {
				return ga_json_fail(err, i, "expected a string key");
			}
			{
				size_t at = i;

				if (ga_json_string(s, len, &i, err)) {
					return -EINVAL;
				}
				ga_json_emit(o, depth, GA_JSON_STRING, at + 1, i - 1);
				if (o->t && o->n <= o->max) {
					o->t[o->n - 1].size = 1; /* its value */
				}
			}
			st = COLON;
			break;
		case COLON:
			if (c != ':') {
				return ga_json_fail(err, i, "expected ':'");
			}
			i++;
			st = V;
			break;
		case AFTER:
			if (depth == 0) {
				return ga_json_fail(err, i, "garbage after JSON value");
			}
			if (objs & ((uint64_t)1 << (depth - 1))) {
				if (c == ',') {
					st = KEY;
				} else if (c == '}') {
					ga_json_close(o, depth, i);
					depth--;
				} else {
					return ga_json_fail(err, i, "expected ',' or '}'");
				}
			} else {
				if (c == ',') {
					st = V;
				} else if (c == ']') {
					ga_json_close(o, depth, i);
					depth--;
				} else {
					return ga_json_fail(err, i, "expected ',' or ']'");
				}
			}
			i++;
			break;
		}
	}
}

int ga_json_check(struct ga_span sp, struct ga_json_err *err)
{
	struct ga_json_out o = { .t = NULL };

	return ga_json_scan(sp, &o, err);
}

int ga_json_tokenize(struct ga_span sp, struct ga_json_tok *t, int max,
		     struct ga_json_err *err)
{
	struct ga_json_out o = { .t = t, .max = max };
	int rc;

	if (sp.len >= INT_MAX) {
		return ga_json_fail(err, 0, "document too large");
	}
	rc = ga_json_scan(sp, &o, err);
	if (rc) {
		return rc;
	}
	return o.n > max ? -EMSGSIZE : o.n;
}

/* Append code point @cp as UTF-8 if it fits before the NUL. */
static bool ga_json_put(char *out, size_t size, size_t *o, unsigned int cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*o + n >= size) {
		return false;
	}
	memcpy(out + *o, b, n);
	*o += n;
	return true;
}

size_t ga_json_str_decode(struct ga_span raw, char *out, size_t size)
{
	size_t i = 0, o = 0;

	if (size == 0) {
		return 0;
	}
	while (i < raw.len) {
		unsigned char c = (unsigned char)raw.ptr[i];
		unsigned int cp;

		if (c == '\\' && i + 1 < raw.len) {
			char e = raw.ptr[i + 1];

			i += 2;
			switch (e) {
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (i + 4 > raw.len || ga_json_hex4(raw.ptr + i, &cp)) {
					cp = 0xfffd;
					break;
				}
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= raw.len &&
				    raw.ptr[i] == '\\' && raw.ptr[i + 1] == 'u') {
					unsigned int lo;

					if (!ga_json_hex4(raw.ptr + i + 2, &lo) &&
					    lo >= 0xdc00 && lo <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) +
						     (lo - 0xdc00);
						i += 6;
					}
				}
				if (cp >= 0xd800 && cp <= 0xdfff) {
					cp = 0xfffd; /* validated input never has these */
				}
				break;
			default: cp = (unsigned char)e; break;
			}
			if (!ga_json_put(out, size, &o, cp)) {
				break;
			}
			continue;
		}
		{
			/* A run up to the next escape, copied at once: the
			 * parser validated its UTF-8, so a cut only has to
			 * step back to the start of a character. */
			const char *bs = memchr(raw.ptr + i, '\\', raw.len - i);
			size_t run = (bs ? (size_t)(bs - raw.ptr) : raw.len) - i;

			if (run == 0) {
				run = 1; /* a trailing lone backslash */
			}
			if (o + run >= size) {
				run = size - 1 - o;
				while (run && ((unsigned char)raw.ptr[i + run] & 0xc0) == 0x80) {
					run--;
				}
				memcpy(out + o, raw.ptr + i, run);
				o += run;
				break;
			}
			memcpy(out + o, raw.ptr + i, run);
			o += run;
			i += run;
		}
	}
	out[o] = '\0';
	return o;
}

bool ga_json_str_ieq(struct ga_span raw, const char *lit)
{
	char buf[64];
	size_t n;

	if (raw.len == 0 || !memchr(raw.ptr, '\\', raw.len)) {
		return ga_span_ieq_str(raw, lit);
	}
	if (strlen(lit) >= sizeof(buf)) {
		return false;
	}
	n = ga_json_str_decode(raw, buf, sizeof(buf));
	return ga_span_ieq_str(ga_span_make(buf, n), lit);
}

size_t ga_json_escape(struct ga_span in, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (size == 0) {
		return 0;
	}
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];

		if (c == '"' || c == '\\') {
			if (o + 2 >= size) {
				break;
			}
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			if (o + 6 >= size) {
				break;
			}
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			if (o + 1 >= size) {
				break;
			}
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

/* ---- walking a checked document ------------------------------------------ */

static size_t ga_json_skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && ga_json_ws(s[i])) {
		i++;
	}
	return i;
}

/* The closing quote of the string opening at @i, or 0. memchr() for the
 * quote, then a look back: it is escaped when an odd run of backslashes
 * precedes it. Strings are most of an event's bytes; a byte-by-byte loop
 * here was 6 % of the daemon's CPU at 8 clients (perf, make bench). */
static size_t ga_json_string_end(const char *s, size_t len, size_t i)
{
	for (;;) {
		const char *q = memchr(s + i + 1, '"', len - i - 1);
		size_t run = 0;

		if (!q) {
			return 0;
		}
		i = (size_t)(q - s);
		while (s[i - 1 - run] == '\\') { /* stops at the opening quote */
			run++;
		}
		if (run % 2 == 0) {
			return i;
		}
	}
}

size_t ga_json_value_end(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	i = ga_json_skip_ws(s, len, i);
	for (; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			i = ga_json_string_end(s, len, i);
			if (!i) {
				return 0;
			}
			if (depth == 0) {
				return i + 1;
			}
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0) {
				return 0;
			}
			if (--depth == 0) {
				return i + 1;
			}
		} else if (depth == 0) {
			/* number or literal: up to a delimiter */
			while (i < len && !ga_json_ws(s[i]) && s[i] != ',' &&
			       s[i] != '}' && s[i] != ']') {
				i++;
			}
			return i;
		}
	}
	return 0;
}

static bool ga_json_iter_start(struct ga_json_iter *it, struct ga_span v,
			       char open)
{
	size_t i = ga_json_skip_ws(v.ptr, v.len, 0);

	if (i >= v.len || v.ptr[i] != open) {
		return false;
	}
	it->v = v;
	it->i = i + 1;
	it->first = true;
	return true;
}

bool ga_json_iter_object(struct ga_json_iter *it, struct ga_span v)
{
	return ga_json_iter_start(it, v, '{');
}

bool ga_json_iter_array(struct ga_json_iter *it, struct ga_span v)
{
	return ga_json_iter_start(it, v, '[');
}

/* Step over the ',' between items; false at the closing bracket. */
static bool ga_json_iter_step(struct ga_json_iter *it)
{
	const char *s = it->v.ptr;
	size_t len = it->v.len;

	it->i = ga_json_skip_ws(s, len, it->i);
	if (it->i >= len || s[it->i] == '}' || s[it->i] == ']') {
		return false;
	}
	if (!it->first) {
		if (s[it->i] != ',') {
			return false;
		}
		it->i = ga_json_skip_ws(s, len, it->i + 1);
	}
	it->first = false;
	return it->i < len;
}

static bool ga_json_iter_value(struct ga_json_iter *it, struct ga_span *val)
{
	size_t start = ga_json_skip_ws(it->v.ptr, it->v.len, it->i);
	size_t end = ga_json_value_end(it->v.ptr, it->v.len, start);

	if (!end) {
		it->i = it->v.len;
		return false;
	}
	*val = ga_span_make(it->v.ptr + start, end - start);
	it->i = end;
	return true;
}

bool ga_json_next_member(struct ga_json_iter *it, struct ga_span *key,
			 struct ga_span *val)
{
	struct ga_span k;

	if (!ga_json_iter_step(it) || !ga_json_iter_value(it, &k) ||
	    !ga_json_as_string(k, key)) {
		return false;
	}
	it->i = ga_json_skip_ws(it->v.ptr, it->v.len, it->i);
	if (it->i >= it->v.len || it->v.ptr[it->i] != ':') {
		return false;
	}
	it->i++;
	return ga_json_iter_value(it, val);
}

bool ga_json_next_elem(struct ga_json_iter *it, struct ga_span *val)
{
	return ga_json_iter_step(it) && ga_json_iter_value(it, val);
}

bool ga_json_as_string(struct ga_span v, struct ga_span *raw)
{
	if (v.len < 2 || v.ptr[0] != '"' || v.ptr[v.len - 1] != '"') {
		return false;
	}
	*raw = ga_span_make(v.ptr + 1, v.len - 2);
	return true;
}

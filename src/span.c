/* span.c - span helpers (see common.h). */
#include "common.h"

#include <errno.h>
#include <string.h>

struct ga_span ga_span_str(const char *s)
{
	return ga_span_make(s, s ? strlen(s) : 0);
}

bool ga_span_eq(struct ga_span a, struct ga_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static unsigned char ga_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool ga_span_ieq(struct ga_span a, struct ga_span b)
{
	if (a.len != b.len) {
		return false;
	}
	for (size_t i = 0; i < a.len; i++) {
		if (ga_lower((unsigned char)a.ptr[i]) !=
		    ga_lower((unsigned char)b.ptr[i])) {
			return false;
		}
	}
	return true;
}

bool ga_span_ieq_str(struct ga_span a, const char *lit)
{
	return ga_span_ieq(a, ga_span_str(lit));
}

bool ga_span_istarts(struct ga_span a, const char *prefix)
{
	size_t n = strlen(prefix);

	return a.len >= n && ga_span_ieq(ga_span_make(a.ptr, n),
					 ga_span_make(prefix, n));
}

struct ga_span ga_span_trim(struct ga_span s)
{
	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) {
		s.len--;
	}
	return s;
}

bool ga_span_eq_ct(struct ga_span a, struct ga_span b)
{
	/* Walk the expected value (b) fully whatever a holds, so the time
	 * depends only on the secret's length, which is not the secret. */
	volatile unsigned char diff = (unsigned char)(a.len != b.len);

	for (size_t i = 0; i < b.len; i++) {
		unsigned char x = i < a.len ? (unsigned char)a.ptr[i] : 0;

		diff |= (unsigned char)(x ^ (unsigned char)b.ptr[i]);
	}
	return diff == 0;
}

int ga_span_to_u64(struct ga_span s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0 || s.len > 20) {
		return -EINVAL;
	}
	for (size_t i = 0; i < s.len; i++) {
		unsigned int d = (unsigned char)s.ptr[i] - '0';

		if (d > 9) {
			return -EINVAL;
		}
		if (v > (UINT64_MAX - d) / 10) {
			return -ERANGE;
		}
		v = v * 10 + d;
	}
	if (v > max) {
		return -ERANGE;
	}
	*out = v;
	return 0;
}

size_t ga_span_copy(struct ga_span s, char *dst, size_t size)
{
	size_t n;

	if (size == 0) {
		return 0;
	}
	n = s.len < size - 1 ? s.len : size - 1;
	if (n) {
		memcpy(dst, s.ptr, n);
	}
	dst[n] = '\0';
	return n;
}

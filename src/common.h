/* common.h - attributes, container_of and spans shared by every module.
 *
 * A span is a (pointer, length) view into a buffer someone else owns; it is
 * never NUL-scanned. Spans are small value types and passed by copy
 * (no NUL scanning, no copies).
 */
#ifndef GA_COMMON_H
#define GA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GA_VERSION "0.1.0"

#define GA_MUST_CHECK __attribute__((warn_unused_result))
#define GA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define GA_UNUSED __attribute__((unused))

#define GA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ga_container_of(ptr, type, member)                                     \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct ga_span {
	const char *ptr;
	size_t len;
};

#define GA_SPAN_LIT(s) ((struct ga_span){ (s), sizeof(s) - 1 })
#define GA_SPAN_NULL ((struct ga_span){ NULL, 0 })

static inline struct ga_span ga_span_make(const char *ptr, size_t len)
{
	struct ga_span s = { ptr, len };
	return s;
}

/* NUL-terminated string to span (setup-time and config values only). */
struct ga_span ga_span_str(const char *s);

bool ga_span_eq(struct ga_span a, struct ga_span b);
/* ASCII case-insensitive compare (HTTP header names, JSON keys: Event Grid
 * delivers both "From" and "from": see tests/corpus/eventgrid). */
bool ga_span_ieq(struct ga_span a, struct ga_span b);
bool ga_span_ieq_str(struct ga_span a, const char *lit);
bool ga_span_istarts(struct ga_span a, const char *prefix);
struct ga_span ga_span_trim(struct ga_span s);
/* Compare in time independent of where the first difference is; the length
 * difference is folded in too (secrets). */
bool ga_span_eq_ct(struct ga_span a, struct ga_span b);
/* Parse a decimal unsigned number filling the whole span; 0 or -EINVAL /
 * -ERANGE when above max. */
GA_MUST_CHECK int ga_span_to_u64(struct ga_span s, uint64_t max, uint64_t *out);
/* Copy into a NUL-terminated buffer, truncating; returns bytes copied. */
size_t ga_span_copy(struct ga_span s, char *dst, size_t size);

#endif /* GA_COMMON_H */

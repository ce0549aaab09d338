/* history.c - see history.h. */
#include "history.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ga_history_init(struct ga_history *h)
{
	memset(h, 0, sizeof(*h));
}

int ga_history_setup(struct ga_history *h, struct ga_journal *j,
		     const struct ga_store *store)
{
	h->journal = j;
	h->store = store;
	h->buf = malloc(GA_HISTORY_CHUNK); /* setup-only */
	h->offs = calloc(GA_HISTORY_MAX, sizeof(*h->offs)); /* setup-only */
	h->unacked_valid = false; /* counted at the first ask */
	return h->buf && h->offs ? 0 : -ENOMEM;
}

void ga_history_close(struct ga_history *h)
{
	free(h->buf);
	free(h->offs);
	h->buf = NULL;
	h->offs = NULL;
}

bool ga_history_listed(uint8_t cls, bool edit)
{
	switch (cls) {
	case GA_CLASS_SMS:
	case GA_CLASS_SMS_FAILED:
	case GA_CLASS_CHAT_THREAD:
	case GA_CLASS_CHAT_MEMBER:
		return true;
	case GA_CLASS_CHAT:
		return !edit; /* an edit changes a message; it is not one */
	default:
		return false; /* delivered reports, deletes, ignored */
	}
}

void ga_history_note_event(struct ga_history *h, const struct ga_msg *m)
{
	if (h->unacked_valid && m->seq > h->counted_seq) {
		h->counted_seq = m->seq;
		if (!m->acked && ga_history_listed(m->cls, m->edit)) {
			h->unacked++;
		}
	}
}

void ga_history_note_ack(struct ga_history *h)
{
	h->unacked_valid = false; /* which ones it covered: count again */
}

/* ---- the unacknowledged count --------------------------------------------- */

static int ga_history_count_cb(void *arg, const struct ga_journal_rec *r)
{
	struct ga_history *h = arg;
	struct ga_journal_head hd;

	if (r->type != GA_JOURNAL_EVENT ||
	    ga_journal_event_head(r->p, r->len, &hd) != 0) {
		return 0;
	}
	if (hd.seq > h->counted_seq) {
		h->counted_seq = hd.seq;
	}
	if (ga_history_listed(hd.cls, hd.edit) && !hd.hidden && !hd.acked &&
	    !ga_journal_acked(h->journal, hd.seq)) {
		h->unacked++;
	}
	return 0;
}

int ga_history_unacked(struct ga_history *h, unsigned long *n)
{
	if (!h->unacked_valid) {
		int err;

		h->unacked = 0;
		h->counted_seq = 0;
		err = ga_journal_walk(h->journal, h->buf, GA_HISTORY_CHUNK,
				      ga_history_count_cb, h);
		if (err) {
			return err;
		}
		h->unacked_valid = true;
	}
	*n = h->unacked;
	return 0;
}

/* ---- listing ---------------------------------------------------------------- */

struct ga_history_scan {
	struct ga_history *h;
	const struct ga_history_query *q;
	uint32_t store_oldest; /* seqs from here on: the store knows them */
	unsigned long total;
	uint32_t want_seq;     /* ga_history_find */
	bool found;
};

/* Is @seq at or past the oldest message the store keeps? Then the store
 * is the truth for it: a message it does not have was deleted. */
static bool ga_history_in_store_range(const struct ga_history_scan *s,
				      uint32_t seq)
{
	return s->store_oldest && seq >= s->store_oldest;
}

static bool ga_history_wanted(const struct ga_history_scan *s,
			      const struct ga_journal_head *hd)
{
	if (ga_history_in_store_range(s, hd->seq)) {
		return ga_store_find(s->h->store, hd->seq) != NULL;
	}
	return !hd->hidden && ga_history_listed(hd->cls, hd->edit);
}

static void ga_history_scan_init(struct ga_history_scan *s,
				 struct ga_history *h,
				 const struct ga_history_query *q)
{
	const struct ga_msg *oldest = h->store->count
		? ga_store_nth(h->store, h->store->count - 1) : NULL;

	memset(s, 0, sizeof(*s));
	s->h = h;
	s->q = q;
	s->store_oldest = oldest ? oldest->seq : 0;
}

static int ga_history_list_cb(void *arg, const struct ga_journal_rec *r)
{
	struct ga_history_scan *s = arg;
	struct ga_journal_head hd;

	if (r->type != GA_JOURNAL_EVENT ||
	    ga_journal_event_head(r->p, r->len, &hd) != 0) {
		return 0;
	}
	if ((s->q->before && hd.seq >= s->q->before) ||
	    (s->q->since && hd.time < s->q->since) ||
	    !ga_history_wanted(s, &hd)) {
		return 0;
	}
	s->h->offs[s->total % s->q->n] = r->off;
	s->total++;
	return 0;
}

int ga_history_list(struct ga_history *h, const struct ga_history_query *q,
		    int (*fn)(void *arg, const struct ga_msg *m), void *arg,
		    unsigned long *total)
{
	struct ga_history_scan s;
	unsigned long k;
	int err;

	*total = 0;
	if (q->n == 0 || q->n > GA_HISTORY_MAX) {
		return -EINVAL;
	}
	ga_history_scan_init(&s, h, q);
	err = ga_journal_walk(h->journal, h->buf, GA_HISTORY_CHUNK,
			      ga_history_list_cb, &s);
	if (err) {
		return err;
	}
	*total = s.total;
	k = s.total < q->n ? s.total : q->n;
	for (unsigned long i = 0; i < k; i++) {
		uint64_t off = h->offs[(s.total - 1 - i) % q->n];
		const struct ga_msg *m = &h->msg;

		err = ga_journal_read_event(h->journal, off, &h->msg);
		if (err) {
			continue; /* read before; cannot be damaged now */
		}
		if (ga_history_in_store_range(&s, h->msg.seq)) {
			m = ga_store_find(h->store, h->msg.seq);
			if (!m) {
				continue;
			}
		}
		if (fn(arg, m)) {
			break;
		}
	}
	return 0;
}

static int ga_history_find_cb(void *arg, const struct ga_journal_rec *r)
{
	struct ga_history_scan *s = arg;
	struct ga_journal_head hd;

	if (r->type == GA_JOURNAL_EVENT &&
	    ga_journal_event_head(r->p, r->len, &hd) == 0 &&
	    hd.seq == s->want_seq) {
		s->found = ga_history_wanted(s, &hd);
		return 1; /* seqs are unique: done either way */
	}
	return 0;
}

int ga_history_find(struct ga_history *h, uint32_t seq, bool *acked)
{
	static const struct ga_history_query all = { .n = 1 };
	const struct ga_msg *m = ga_store_find(h->store, seq);
	struct ga_history_scan s;
	int err;

	if (m) {
		*acked = m->acked;
		return 0;
	}
	ga_history_scan_init(&s, h, &all);
	s.want_seq = seq;
	err = ga_journal_walk(h->journal, h->buf, GA_HISTORY_CHUNK,
			      ga_history_find_cb, &s);
	if (err < 0) {
		return err;
	}
	if (!s.found) {
		return -ENOENT;
	}
	*acked = ga_journal_acked(h->journal, seq);
	return 0;
}

/* ---- TIME ------------------------------------------------------------------- */

/* @n digits at @p as a number; false when they are not all digits. */
static bool ga_history_digits(const char *p, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return false;
		}
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-
 * days inverse; valid for any year this product sees). */
static int64_t ga_history_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int ga_history_parse_time(struct ga_span s, int64_t now, int64_t *t)
{
	const char *p = s.ptr;
	size_t len = s.len;
	int y, mo, d, hh = 0, mm = 0, ss = 0, oh = 0, om = 0, sign = 0;
	size_t i;

	for (i = 0; i < len && i < 11 && p[i] >= '0' && p[i] <= '9'; i++) {
	}
	if (i >= 1 && i <= 10 && i + 1 == len) {
		/* relative: 30m, 2h, 3d, 1w; at most 10 digits, so no overflow */
		int64_t v = 0, unit;

		switch (p[len - 1]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 604800; break;
		default: return -EINVAL;
		}
		for (i = 0; i + 1 < len; i++) {
			v = v * 10 + (p[i] - '0');
		}
		*t = now - v * unit;
		return 0;
	}
	/* YYYY-MM-DD */
	if (len < 10 || !ga_history_digits(p, 4, &y) || p[4] != '-' ||
	    !ga_history_digits(p + 5, 2, &mo) || p[7] != '-' ||
	    !ga_history_digits(p + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
	    d > 31) {
		return -EINVAL;
	}
	i = 10;
	if (i < len && (p[i] == 'T' || p[i] == 't')) {
		/* THH:MM[:SS] */
		if (len - i < 6 || !ga_history_digits(p + i + 1, 2, &hh) ||
		    p[i + 3] != ':' || !ga_history_digits(p + i + 4, 2, &mm) ||
		    hh > 23 || mm > 59) {
			return -EINVAL;
		}
		i += 6;
		if (i < len && p[i] == ':') {
			if (len - i < 3 || !ga_history_digits(p + i + 1, 2, &ss) ||
			    ss > 60) {
				return -EINVAL;
			}
			i += 3;
		}
	}
	if (i < len && (p[i] == 'Z' || p[i] == 'z')) {
		sign = 1;
		i++;
	} else if (i < len && (p[i] == '+' || p[i] == '-')) {
		/* +hh:mm or +hhmm */
		size_t k = i + 1;

		if (len - k < 4 || !ga_history_digits(p + k, 2, &oh)) {
			return -EINVAL;
		}
		k += 2;
		if (p[k] == ':') {
			k++;
		}
		if (len - k < 2 || !ga_history_digits(p + k, 2, &om) ||
		    oh > 23 || om > 59) {
			return -EINVAL;
		}
		sign = p[i] == '+' ? 1 : -1;
		i = k + 2;
	}
	if (i != len) {
		return -EINVAL;
	}
	if (sign) {
		*t = ga_history_days(y, mo, d) * 86400 + hh * 3600 + mm * 60 +
		     ss - sign * (oh * 3600 + om * 60);
	} else {
		/* no zone: the board's local time, as `messages` prints it */
		struct tm tm = {
			.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = hh, .tm_min = mm, .tm_sec = ss,
			.tm_isdst = -1,
		};
		time_t v = mktime(&tm);

		if (v == (time_t)-1) {
			return -EINVAL;
		}
		*t = (int64_t)v;
	}
	return 0;
}

/* ---- `messages` arguments ------------------------------------------------------ */

/* The next space-separated word of *@rest. */
static struct ga_span ga_history_word(struct ga_span *rest)
{
	const char *sp = memchr(rest->ptr, ' ', rest->len);
	struct ga_span w = ga_span_make(rest->ptr, sp ? (size_t)(sp - rest->ptr)
						       : rest->len);

	*rest = ga_span_trim(ga_span_make(rest->ptr + w.len, rest->len - w.len));
	return w;
}

_Static_assert(GA_HISTORY_MAX == 4096, "the usage text below says 4096");

int ga_history_parse_query(struct ga_span args, int64_t now,
			   struct ga_history_query *q, const char **why)
{
	memset(q, 0, sizeof(*q));
	args = ga_span_trim(args);
	while (args.len) {
		struct ga_span w = ga_history_word(&args);
		uint64_t u;

		if (ga_span_eq(w, GA_SPAN_LIT("--since"))) {
			struct ga_span v = ga_history_word(&args);

			if (!v.len || ga_history_parse_time(v, now, &q->since)) {
				*why = "bad TIME: ISO 8601 (2026-12-03T07:00, "
				       "Z or +01:00) or relative (30m, 2h, 3d)";
				return -EINVAL;
			}
		} else if (ga_span_eq(w, GA_SPAN_LIT("--before"))) {
			if (ga_span_to_u64(ga_history_word(&args), UINT32_MAX,
					   &u) || u == 0) {
				*why = "usage: --before SEQ (a seq from messages)";
				return -EINVAL;
			}
			q->before = (uint32_t)u;
		} else if (!q->n && !ga_span_to_u64(w, GA_HISTORY_MAX, &u) && u) {
			q->n = (unsigned int)u;
		} else {
			*why = "usage: messages [N] [--since TIME] [--before SEQ], "
			       "N from 1 to 4096";
			return -EINVAL;
		}
	}
	if (!q->n) {
		q->n = q->since ? GA_HISTORY_MAX : GA_STORE_MAX;
	}
	return 0;
}

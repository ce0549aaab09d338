/* rules.c - see rules.h. */
#include "rules.h"

#include <string.h>

static unsigned char ga_rules_fold(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch + ('a' - 'A')) : ch;
}

/* Bytes of the UTF-8 character that starts at @p (1 for a stray byte):
 * '?' stands for one character, not one byte. */
static size_t ga_rules_utf8_len(const unsigned char *p, size_t left)
{
	size_t n = 1;

	while (n < left && n < 4 && (p[n] & 0xc0) == 0x80) {
		n++;
	}
	return n;
}

static bool ga_rules_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ga_rules_fold((unsigned char)a[i]) !=
		    ga_rules_fold((unsigned char)b[i])) {
			return false;
		}
	}
	return true;
}

/* Leftmost case-insensitive occurrence of @seg in @s from @from (KMP:
 * linear in len(s) + len(seg)); SIZE_MAX when there is none. */
static size_t ga_rules_find(struct ga_span seg, struct ga_span s, size_t from)
{
	unsigned char fail[GA_CONF_GLOB_MAX];
	size_t k = 0;

	fail[0] = 0;
	for (size_t i = 1; i < seg.len; i++) {
		while (k && ga_rules_fold((unsigned char)seg.ptr[i]) !=
			    ga_rules_fold((unsigned char)seg.ptr[k])) {
			k = fail[k - 1];
		}
		if (ga_rules_fold((unsigned char)seg.ptr[i]) ==
		    ga_rules_fold((unsigned char)seg.ptr[k])) {
			k++;
		}
		fail[i] = (unsigned char)k;
	}
	k = 0;
	for (size_t i = from; i < s.len; i++) {
		while (k && ga_rules_fold((unsigned char)s.ptr[i]) !=
			    ga_rules_fold((unsigned char)seg.ptr[k])) {
			k = fail[k - 1];
		}
		if (ga_rules_fold((unsigned char)s.ptr[i]) ==
		    ga_rules_fold((unsigned char)seg.ptr[k])) {
			k++;
		}
		if (k == seg.len) {
			return i + 1 - seg.len;
		}
	}
	return SIZE_MAX;
}

/* A glob with '*' but no '?', in linear time: the text before the first
 * '*' is a prefix, the text after the last a suffix, and each piece in
 * between is placed at its leftmost occurrence (placing a piece as early
 * as possible never loses a match). */
static bool ga_rules_glob_stars(struct ga_span pat, struct ga_span s)
{
	const char *first = memchr(pat.ptr, '*', pat.len);
	const char *last = first;
	size_t pos, end, head, tail;

	for (const char *p = first; p < pat.ptr + pat.len; p++) {
		if (*p == '*') {
			last = p;
		}
	}
	head = (size_t)(first - pat.ptr);
	tail = pat.len - (size_t)(last - pat.ptr) - 1;
	if (head + tail > s.len || !ga_rules_ieq(pat.ptr, s.ptr, head) ||
	    !ga_rules_ieq(last + 1, s.ptr + s.len - tail, tail)) {
		return false;
	}
	pos = head;
	end = s.len - tail;
	for (const char *p = first + 1; p < last;) {
		const char *q = memchr(p, '*', (size_t)(last - p) + 1);
		struct ga_span seg = ga_span_make(p, (size_t)(q - p));

		if (seg.len) {
			size_t at = ga_rules_find(seg, ga_span_make(s.ptr, end), pos);

			if (at == SIZE_MAX) {
				return false;
			}
			pos = at + seg.len;
		}
		p = q + 1;
	}
	return true;
}

bool ga_rules_glob(struct ga_span pat, struct ga_span s)
{
	const unsigned char *p = (const unsigned char *)pat.ptr;
	const unsigned char *t = (const unsigned char *)s.ptr;
	size_t pi = 0, ti = 0;
	/* the last '*' seen and where its run ends so far: on a mismatch the
	 * run grows by one character and matching resumes after the '*' */
	size_t star_p = SIZE_MAX, star_t = 0;

	if (!memchr(pat.ptr, '?', pat.len) && pat.len < GA_CONF_GLOB_MAX &&
	    memchr(pat.ptr, '*', pat.len)) {
		return ga_rules_glob_stars(pat, s);
	}

	while (ti < s.len) {
		if (pi < pat.len && p[pi] == '*') {
			star_p = ++pi;
			star_t = ti;
			continue;
		}
		if (pi < pat.len && p[pi] == '?') {
			pi++;
			ti += ga_rules_utf8_len(t + ti, s.len - ti);
			continue;
		}
		if (pi < pat.len && ga_rules_fold(p[pi]) == ga_rules_fold(t[ti])) {
			pi++;
			ti++;
			continue;
		}
		if (star_p == SIZE_MAX) {
			return false;
		}
		pi = star_p;
		star_t += ga_rules_utf8_len(t + star_t, s.len - star_t);
		ti = star_t;
	}
	while (pi < pat.len && p[pi] == '*') {
		pi++;
	}
	return pi == pat.len;
}

bool ga_rules_text(struct ga_span pat, struct ga_span s)
{
	if (memchr(pat.ptr, '*', pat.len) || memchr(pat.ptr, '?', pat.len)) {
		return ga_rules_glob(pat, s);
	}
	if (pat.len > s.len) {
		return false;
	}
	for (size_t i = 0; i + pat.len <= s.len; i++) {
		size_t k = 0;

		while (k < pat.len && ga_rules_fold((unsigned char)pat.ptr[k]) ==
		       ga_rules_fold((unsigned char)s.ptr[i + k])) {
			k++;
		}
		if (k == pat.len) {
			return true;
		}
	}
	return false;
}

static bool ga_rules_hit(const struct ga_conf_rule *r, const struct ga_msg *m)
{
	const char *field[GA_RULE__FIELDS] = {
		[GA_RULE_FROM] = m->from,
		[GA_RULE_TO] = m->to,
		[GA_RULE_SENDER] = m->sender,
		[GA_RULE_STATUS] = m->status,
		[GA_RULE_THREAD] = m->thread,
		[GA_RULE_TEXT] = m->text,
	};

	if (r->classes && !(r->classes & (1u << m->cls))) {
		return false;
	}
	for (int f = 0; f < GA_RULE__FIELDS; f++) {
		struct ga_span pat = ga_span_str(r->match[f]);
		struct ga_span val = ga_span_str(field[f]);

		if (!pat.len) {
			continue;
		}
		if (f == GA_RULE_TEXT ? !ga_rules_text(pat, val)
				      : !ga_rules_glob(pat, val)) {
			return false;
		}
	}
	return true;
}

int ga_rules_match(const struct ga_conf *c, const struct ga_msg *m)
{
	for (unsigned int i = 0; i < c->nrules; i++) {
		if (ga_rules_hit(&c->rule[i], m)) {
			return (int)i;
		}
	}
	return -1;
}

void ga_rules_actions(const struct ga_conf *c, int cls, int rule,
		      struct ga_rules_action *a)
{
	const struct ga_conf_alert *def = &c->alert[cls];
	const struct ga_conf_rule *r;

	memset(a, 0, sizeof(*a));
	a->rule = -1;
	a->lcd = def->lcd;
	a->latch = def->latch;
	memcpy(a->pattern, def->pattern, sizeof(a->pattern));
	a->escalate_after_s = def->escalate_after_s;
	memcpy(a->escalate_pattern, def->escalate_pattern,
	       sizeof(a->escalate_pattern));
	a->escalate_hook = def->escalate_hook;
	a->hook = ga_rules_hook(c, cls, rule);
	if (rule < 0 || (unsigned int)rule >= c->nrules) {
		return;
	}
	r = &c->rule[rule];
	a->rule = rule;
	if (r->set & GA_RULE_SET_LCD) {
		a->lcd = r->act.lcd;
	}
	if (r->set & GA_RULE_SET_LATCH) {
		a->latch = r->act.latch;
	}
	if (r->set & GA_RULE_SET_OUTPUTS) {
		memcpy(a->pattern, r->act.pattern, sizeof(a->pattern));
	}
	if (r->set & GA_RULE_SET_ESC_AFTER) {
		a->escalate_after_s = r->act.escalate_after_s;
	}
	if (r->set & GA_RULE_SET_ESC_OUTPUTS) {
		memcpy(a->escalate_pattern, r->act.escalate_pattern,
		       sizeof(a->escalate_pattern));
	}
	if (r->set & GA_RULE_SET_ESC_HOOK) {
		a->escalate_hook = r->act.escalate_hook;
	}
	a->ignore = r->ignore;
	if (a->ignore) {
		/* never shown or rung */
		a->lcd = false;
		a->latch = false;
		memset(a->pattern, GA_PAT_OFF, sizeof(a->pattern));
		a->escalate_after_s = 0;
	}
	a->quiet_ignore = strcmp(r->quiet, "ignore") == 0;
	a->priority = r->priority;
}

const char *ga_rules_hook(const struct ga_conf *c, int cls, int rule)
{
	const struct ga_conf_rule *r;

	if (cls < 0 || cls >= GA_CLASS__COUNT) {
		return "";
	}
	if (rule < 0 || (unsigned int)rule >= c->nrules) {
		return c->alert[cls].hook;
	}
	r = &c->rule[rule];
	if (r->set & GA_RULE_SET_HOOK) {
		return r->hook;
	}
	/* ignore = yes drops the class's reaction, its hook too */
	return r->ignore ? "" : c->alert[cls].hook;
}

bool ga_rules_lcd(const struct ga_conf *c, int cls, int rule,
		  unsigned int *priority)
{
	const struct ga_conf_rule *r;

	if (rule < 0 || (unsigned int)rule >= c->nrules) {
		*priority = 0;
		return c->alert[cls].lcd;
	}
	r = &c->rule[rule];
	*priority = r->priority;
	if (r->ignore) {
		return false;
	}
	return (r->set & GA_RULE_SET_LCD) ? r->act.lcd : c->alert[cls].lcd;
}

bool ga_rules_escalated(const struct ga_rules_action *a, int64_t recv_s,
			time_t now, uint32_t *left_s)
{
	int64_t due;

	*left_s = 0;
	if (!a->escalate_after_s) {
		return false;
	}
	if (recv_s > (int64_t)now) {
		recv_s = (int64_t)now;
	}
	due = recv_s + (int64_t)a->escalate_after_s;
	if ((int64_t)now >= due) {
		return true;
	}
	*left_s = (uint32_t)(due - (int64_t)now);
	return false;
}

/* Local midnight-based minute of @t, and mktime of that day's @min. */
static time_t ga_rules_at(const struct tm *day, unsigned int min, int plus_days)
{
	struct tm tm = *day;

	tm.tm_mday += plus_days;
	tm.tm_hour = (int)(min / 60);
	tm.tm_min = (int)(min % 60);
	tm.tm_sec = 0;
	tm.tm_isdst = -1; /* let mktime find whether DST holds then */
	return mktime(&tm);
}

bool ga_rules_quiet(const struct ga_conf *c, time_t now, uint32_t *next_s)
{
	const struct ga_conf_hours *h = &c->quiet.hours;
	struct tm tm;
	unsigned int min, s = h->start_min, e = h->end_min;
	bool in;

	if (next_s) {
		*next_s = 0;
	}
	if (!h->on || !localtime_r(&now, &tm)) {
		return false;
	}
	min = (unsigned int)(tm.tm_hour * 60 + tm.tm_min);
	in = s < e ? (min >= s && min < e) : (min >= s || min < e);
	if (next_s) {
		time_t best = 0;

		/* the next start or end after now: today's or tomorrow's */
		for (int d = 0; d <= 1; d++) {
			time_t cand[2] = { ga_rules_at(&tm, s, d),
					   ga_rules_at(&tm, e, d) };

			for (int k = 0; k < 2; k++) {
				if (cand[k] > now && (!best || cand[k] < best)) {
					best = cand[k];
				}
			}
		}
		*next_s = best ? (uint32_t)(best - now) : 0;
	}
	return in;
}

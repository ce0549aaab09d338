/* lineedit.c - see lineedit.h. */
#include "lineedit.h"

#include <string.h>

#define CTRL(c) ((c) & 0x1f)

enum { E_NONE, E_ESC, E_CSI };

void ga_lineedit_init(struct ga_lineedit *le, const char *prompt,
		      ga_le_complete_fn complete, void *arg)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt;
	le->complete = complete;
	le->arg = arg;
	le->hpos = -1;
}

static void ga_le_put(struct ga_lineedit *le, const char *s, size_t n)
{
	if (n > sizeof(le->out) - le->outlen) {
		n = sizeof(le->out) - le->outlen; /* a listing cut short */
	}
	memcpy(le->out + le->outlen, s, n);
	le->outlen += n;
}

static void ga_le_puts(struct ga_lineedit *le, const char *s)
{
	ga_le_put(le, s, strlen(s));
}

/* CR, prompt, the whole line, erase the rest, back to the cursor. */
static void ga_le_redraw(struct ga_lineedit *le)
{
	ga_le_puts(le, "\r");
	ga_le_puts(le, le->prompt);
	ga_le_put(le, le->buf, le->len);
	ga_le_puts(le, "\x1b[K");
	for (size_t i = le->cur; i < le->len; i++) {
		/* one BS per character cell: skip UTF-8 continuation bytes */
		if (((unsigned char)le->buf[i] & 0xc0) != 0x80) {
			ga_le_puts(le, "\b");
		}
	}
}

void ga_lineedit_start(struct ga_lineedit *le)
{
	le->len = 0;
	le->cur = 0;
	le->buf[0] = '\0';
	le->hpos = -1;
	le->esc = E_NONE;
	ga_le_puts(le, le->prompt);
}

const char *ga_lineedit_line(const struct ga_lineedit *le)
{
	return le->buf;
}

void ga_lineedit_history_add(struct ga_lineedit *le, const char *line)
{
	unsigned int last = (le->hnext + GA_LE_HISTORY - 1) % GA_LE_HISTORY;

	if (!line[0] || (le->hcount && strcmp(le->hist[last], line) == 0)) {
		return;
	}
	strncpy(le->hist[le->hnext], line, GA_LE_LINE_MAX);
	le->hist[le->hnext][GA_LE_LINE_MAX] = '\0';
	le->hnext = (le->hnext + 1) % GA_LE_HISTORY;
	if (le->hcount < GA_LE_HISTORY) {
		le->hcount++;
	}
}

static void ga_le_set(struct ga_lineedit *le, const char *s)
{
	le->len = strlen(s);
	memcpy(le->buf, s, le->len + 1);
	le->cur = le->len;
}

/* @dir +1: older, -1: newer. */
static void ga_le_history(struct ga_lineedit *le, int dir)
{
	int pos = le->hpos + dir;

	if (pos < -1 || pos >= (int)le->hcount) {
		return;
	}
	if (le->hpos == -1) {
		memcpy(le->saved, le->buf, le->len + 1);
	}
	le->hpos = pos;
	if (pos == -1) {
		ga_le_set(le, le->saved);
	} else {
		ga_le_set(le, le->hist[(le->hnext + GA_LE_HISTORY - 1 - (unsigned)pos) %
				       GA_LE_HISTORY]);
	}
	ga_le_redraw(le);
}

/* Character boundaries, so the cursor never splits a UTF-8 sequence. */
static size_t ga_le_prev(const struct ga_lineedit *le, size_t i)
{
	while (i > 0 && (((unsigned char)le->buf[--i]) & 0xc0) == 0x80) {
	}
	return i;
}

static size_t ga_le_next(const struct ga_lineedit *le, size_t i)
{
	if (i < le->len) {
		i++;
	}
	while (i < le->len && (((unsigned char)le->buf[i]) & 0xc0) == 0x80) {
		i++;
	}
	return i;
}

static void ga_le_delete(struct ga_lineedit *le, size_t from, size_t to)
{
	memmove(le->buf + from, le->buf + to, le->len - to + 1);
	le->len -= to - from;
	le->cur = from;
	ga_le_redraw(le);
}

static void ga_le_insert(struct ga_lineedit *le, const char *s, size_t n)
{
	if (le->len + n > GA_LE_LINE_MAX) {
		ga_le_puts(le, "\a"); /* the daemon's line limit */
		return;
	}
	memmove(le->buf + le->cur + n, le->buf + le->cur, le->len - le->cur + 1);
	memcpy(le->buf + le->cur, s, n);
	le->len += n;
	le->cur += n;
	ga_le_redraw(le);
}

/* ---- completion ---------------------------------------------------------- */

static void ga_le_complete(struct ga_lineedit *le)
{
	const char *cands[GA_LE_CANDS_MAX];
	const char *match[GA_LE_CANDS_MAX];
	unsigned int n, nmatch = 0, nword = 0;
	size_t ws, plen, common;

	if (!le->complete) {
		return;
	}
	/* the word under the cursor starts after the last space before it */
	ws = le->cur;
	while (ws > 0 && le->buf[ws - 1] != ' ') {
		ws--;
	}
	for (size_t i = 0; i < ws; i++) {
		if (le->buf[i] != ' ' && (i == 0 || le->buf[i - 1] == ' ')) {
			nword++;
		}
	}
	plen = le->cur - ws;
	n = le->complete(le->arg, le->buf, nword, cands, GA_LE_CANDS_MAX);
	for (unsigned int i = 0; i < n; i++) {
		if (strncmp(cands[i], le->buf + ws, plen) == 0) {
			match[nmatch++] = cands[i];
		}
	}
	if (nmatch == 0) {
		ga_le_puts(le, "\a");
		return;
	}
	if (nmatch == 1) {
		size_t rest = strlen(match[0]) - plen;

		if (rest) {
			ga_le_insert(le, match[0] + plen, rest);
		}
		if (le->cur == le->len) {
			ga_le_insert(le, " ", 1);
		}
		return;
	}
	/* the longest common prefix, else the list */
	common = strlen(match[0]);
	for (unsigned int i = 1; i < nmatch; i++) {
		size_t k = 0;

		while (k < common && match[i][k] == match[0][k]) {
			k++;
		}
		common = k;
	}
	if (common > plen) {
		ga_le_insert(le, match[0] + plen, common - plen);
		return;
	}
	ga_le_puts(le, "\r\n");
	for (unsigned int i = 0; i < nmatch; i++) {
		ga_le_puts(le, match[i]);
		ga_le_puts(le, i + 1 < nmatch ? "  " : "\r\n");
	}
	ga_le_redraw(le);
}

/* ---- keys ---------------------------------------------------------------- */

static void ga_le_csi(struct ga_lineedit *le, char final)
{
	const char *p = le->escparam;

	switch (final) {
	case 'A':
		ga_le_history(le, +1);
		break;
	case 'B':
		ga_le_history(le, -1);
		break;
	case 'C':
		le->cur = ga_le_next(le, le->cur);
		ga_le_redraw(le);
		break;
	case 'D':
		le->cur = ga_le_prev(le, le->cur);
		ga_le_redraw(le);
		break;
	case 'H':
		le->cur = 0;
		ga_le_redraw(le);
		break;
	case 'F':
		le->cur = le->len;
		ga_le_redraw(le);
		break;
	case '~': /* VT220 keys: 1/7 Home, 4/8 End, 3 Delete */
		if (!strcmp(p, "1") || !strcmp(p, "7")) {
			le->cur = 0;
			ga_le_redraw(le);
		} else if (!strcmp(p, "4") || !strcmp(p, "8")) {
			le->cur = le->len;
			ga_le_redraw(le);
		} else if (!strcmp(p, "3") && le->cur < le->len) {
			ga_le_delete(le, le->cur, ga_le_next(le, le->cur));
		}
		break;
	default:
		break; /* unknown keys do nothing (never insert their bytes) */
	}
}

static enum ga_le_result ga_le_escape(struct ga_lineedit *le, unsigned char c)
{
	if (le->esc == E_ESC) {
		if (c == '[' || c == 'O') {
			le->esc = E_CSI;
			le->escn = 0;
			le->escparam[0] = '\0';
		} else {
			le->esc = E_NONE; /* Alt-key or a lone ESC: dropped */
		}
		return GA_LE_MORE;
	}
	if (c >= 0x40 && c <= 0x7e) {
		le->esc = E_NONE;
		ga_le_csi(le, (char)c);
	} else if (le->escn + 1 < sizeof(le->escparam)) {
		le->escparam[le->escn++] = (char)c;
		le->escparam[le->escn] = '\0';
	}
	return GA_LE_MORE;
}

enum ga_le_result ga_lineedit_feed(struct ga_lineedit *le, unsigned char c)
{
	bool after_cr = le->after_cr;
	size_t i;

	le->after_cr = false;
	if (le->esc != E_NONE) {
		return ga_le_escape(le, c);
	}
	switch (c) {
	case '\r':
		le->after_cr = true;
		/* fall through */
	case '\n':
		if (c == '\n' && after_cr) {
			return GA_LE_MORE; /* the LF of CR LF */
		}
		ga_le_puts(le, "\r\n");
		le->buf[le->len] = '\0';
		return GA_LE_LINE;
	case 0x1b:
		le->esc = E_ESC;
		return GA_LE_MORE;
	case 0x7f:
	case '\b':
		if (le->cur > 0) {
			ga_le_delete(le, ga_le_prev(le, le->cur), le->cur);
		}
		return GA_LE_MORE;
	case '\t':
		ga_le_complete(le);
		return GA_LE_MORE;
	case CTRL('A'):
		le->cur = 0;
		ga_le_redraw(le);
		return GA_LE_MORE;
	case CTRL('E'):
		le->cur = le->len;
		ga_le_redraw(le);
		return GA_LE_MORE;
	case CTRL('B'):
		ga_le_csi(le, 'D');
		return GA_LE_MORE;
	case CTRL('F'):
		ga_le_csi(le, 'C');
		return GA_LE_MORE;
	case CTRL('P'):
		ga_le_history(le, +1);
		return GA_LE_MORE;
	case CTRL('N'):
		ga_le_history(le, -1);
		return GA_LE_MORE;
	case CTRL('U'):
		ga_le_delete(le, 0, le->cur);
		return GA_LE_MORE;
	case CTRL('K'):
		le->buf[le->cur] = '\0';
		le->len = le->cur;
		ga_le_redraw(le);
		return GA_LE_MORE;
	case CTRL('W'):
		i = le->cur;
		while (i > 0 && le->buf[i - 1] == ' ') {
			i--;
		}
		while (i > 0 && le->buf[i - 1] != ' ') {
			i--;
		}
		ga_le_delete(le, i, le->cur);
		return GA_LE_MORE;
	case CTRL('C'):
		ga_le_puts(le, "^C\r\n");
		ga_lineedit_start(le);
		return GA_LE_MORE;
	case CTRL('D'):
		if (le->len == 0) {
			ga_le_puts(le, "\r\n");
			return GA_LE_EOF;
		}
		if (le->cur < le->len) {
			ga_le_delete(le, le->cur, ga_le_next(le, le->cur));
		}
		return GA_LE_MORE;
	case CTRL('L'):
		ga_le_redraw(le);
		return GA_LE_MORE;
	default:
		if (c < 0x20) {
			return GA_LE_MORE; /* other controls never enter the line */
		}
		ga_le_insert(le, (const char *)&c, 1);
		return GA_LE_MORE;
	}
}

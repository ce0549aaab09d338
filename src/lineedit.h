/* lineedit.h - the line editor of the gridalertctl shell (docs/commands.md), for
 * a serial console at 115 200 baud with no terminfo: bytes in, bytes for
 * the terminal out, sans-I/O so tests feed it key by key.
 *
 * It assumes nothing of the terminal beyond what every VT100 descendant and
 * every serial terminal program does: CR, BS moves left, ESC [ K erases to
 * the end of the line. Each edit redraws the line (at 115 200 baud an
 * 80-column redraw is ~7 ms). Lines longer than the terminal is wide wrap
 * and then redraw badly; commands are short.
 *
 * Keys: printable text (UTF-8 passes through), Backspace/DEL, Delete,
 * Left/Right, Home/End, Ctrl-A/E/B/F, Ctrl-U (kill to start), Ctrl-K (kill
 * to end), Ctrl-W (previous word), Up/Down and Ctrl-P/N (history), Tab
 * (completion), Ctrl-C (drop the line), Ctrl-D (EOF on an empty line),
 * Ctrl-L (redraw). Enter is CR, LF or CR LF (one line, not two).
 */
#ifndef GA_LINEEDIT_H
#define GA_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#define GA_LE_LINE_MAX 1024 /* = GA_CTL_LINE_MAX, the daemon's limit */
#define GA_LE_HISTORY 32    /* lines remembered per session */
#define GA_LE_CANDS_MAX 128 /* completion candidates considered */
#define GA_LE_OUT_MAX 8192  /* terminal output per key (a listing) */

/* Fill @cands with the words that may stand at word number @nword (0 =
 * the command) after the words before it in @line; the editor filters
 * them by the prefix typed. Returns how many. */
typedef unsigned int (*ga_le_complete_fn)(void *arg, const char *line,
					  unsigned int nword,
					  const char **cands,
					  unsigned int max);

enum ga_le_result {
	GA_LE_MORE = 0, /* keep feeding */
	GA_LE_LINE,     /* a line is ready: ga_lineedit_line() */
	GA_LE_EOF,      /* Ctrl-D on an empty line */
};

struct ga_lineedit {
	const char *prompt;
	char buf[GA_LE_LINE_MAX + 1];
	size_t len, cur;
	char hist[GA_LE_HISTORY][GA_LE_LINE_MAX + 1];
	unsigned int hcount;  /* lines in the ring */
	unsigned int hnext;   /* slot of the next line added */
	int hpos;             /* -1: the new line; else lines back */
	char saved[GA_LE_LINE_MAX + 1]; /* the new line while browsing */
	int esc;              /* escape sequence state */
	char escparam[8];
	size_t escn;
	bool after_cr;        /* swallow the LF of a CR LF */
	char out[GA_LE_OUT_MAX];
	size_t outlen;
	ga_le_complete_fn complete;
	void *arg;
};

void ga_lineedit_init(struct ga_lineedit *le, const char *prompt,
		      ga_le_complete_fn complete, void *arg);
/* Begin a new line: the prompt goes to the output. */
void ga_lineedit_start(struct ga_lineedit *le);
/* One byte from the terminal. */
enum ga_le_result ga_lineedit_feed(struct ga_lineedit *le, unsigned char c);
/* The finished line (NUL-terminated), valid until the next start. */
const char *ga_lineedit_line(const struct ga_lineedit *le);
/* Remember @line (not empty, not a repeat of the last one). */
void ga_lineedit_history_add(struct ga_lineedit *le, const char *line);
/* Terminal output produced so far; the caller writes it and clears it. */
static inline void ga_lineedit_out_clear(struct ga_lineedit *le)
{
	le->outlen = 0;
}

#endif /* GA_LINEEDIT_H */

/* test_lineedit.c - the shell's line editor key by key: what line comes
 * out, and what a terminal is sent (a small VT100 screen model replays the
 * output so the tests assert what the person at the console sees). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lineedit.h"

/* One terminal row: CR, BS, ESC [ K, printable bytes (ASCII here). */
struct screen {
	char row[256];
	size_t col;
	unsigned int bells, newlines;
};

static void screen_feed(struct screen *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\r') {
			s->col = 0;
		} else if (c == '\n') {
			s->newlines++;
			memset(s->row, 0, sizeof(s->row));
		} else if (c == '\b') {
			if (s->col) {
				s->col--;
			}
		} else if (c == '\a') {
			s->bells++;
		} else if (c == 0x1b && i + 2 < n && p[i + 1] == '[' && p[i + 2] == 'K') {
			memset(s->row + s->col, 0, sizeof(s->row) - s->col);
			i += 2;
		} else if (s->col < sizeof(s->row) - 1) {
			s->row[s->col++] = c;
		}
	}
}

static struct ga_lineedit le;
static struct screen scr;

static const char *words[] = { "status", "set", "sim", "messages" };

static unsigned int complete(void *arg, const char *line, unsigned int nword,
			     const char **cands, unsigned int max)
{
	static const char *keys[] = { "server.listen", "server.max_body",
				      "webhook.secret" };
	unsigned int n = 0;

	(void)arg;
	if (nword == 0) {
		for (; n < 4 && n < max; n++) {
			cands[n] = words[n];
		}
	} else if (nword == 1 && !strncmp(line, "set", 3)) {
		for (; n < 3 && n < max; n++) {
			cands[n] = keys[n];
		}
	}
	return n;
}

/* Type @keys; returns the last result. */
static enum ga_le_result type(const char *keys)
{
	enum ga_le_result r = GA_LE_MORE;

	for (const char *k = keys; *k; k++) {
		r = ga_lineedit_feed(&le, (unsigned char)*k);
		screen_feed(&scr, le.out, le.outlen);
		ga_lineedit_out_clear(&le);
		if (r != GA_LE_MORE) {
			break;
		}
	}
	return r;
}

static int setup(void **state)
{
	(void)state;
	memset(&scr, 0, sizeof(scr));
	ga_lineedit_init(&le, "> ", complete, NULL);
	ga_lineedit_start(&le);
	screen_feed(&scr, le.out, le.outlen);
	ga_lineedit_out_clear(&le);
	return 0;
}

static void test_enter_variants(void **state)
{
	(void)state;
	assert_string_equal(scr.row, "> ");
	assert_int_equal(type("status\r"), GA_LE_LINE);
	assert_string_equal(ga_lineedit_line(&le), "status");
	/* the LF of CR LF is not a second (empty) line; LF alone ends one */
	ga_lineedit_start(&le);
	assert_int_equal(type("\nlog\n"), GA_LE_LINE);
	assert_string_equal(ga_lineedit_line(&le), "log");
	ga_lineedit_start(&le);
	assert_int_equal(type("ack\r\n"), GA_LE_LINE);
	assert_string_equal(ga_lineedit_line(&le), "ack");
	ga_lineedit_start(&le);
	assert_int_equal(type("\n"), GA_LE_MORE); /* swallowed LF of CR LF */
	assert_int_equal(type("\r"), GA_LE_LINE);
	assert_string_equal(ga_lineedit_line(&le), "");
}

static void test_editing_keys(void **state)
{
	(void)state;
	/* Left twice, insert; Home, Delete (ESC [ 3 ~); End, Backspace */
	type("sttus\x1b[D\x1b[D\x1b[Da");
	assert_string_equal(le.buf, "status");
	type("\x01\x1b[3~");
	assert_string_equal(le.buf, "tatus");
	type("\x05\x7f\x7f");
	assert_string_equal(le.buf, "tat");
	type("\x01s\x05us");
	assert_string_equal(le.buf, "status");
	assert_string_equal(scr.row, "> status");
	/* the screen's cursor is where the editor's is */
	type("\x1b[D\x1b[D");
	assert_int_equal(scr.col, 2 + 4);
	/* Ctrl-K kills to the end, Ctrl-U to the start */
	type("\x0b");
	assert_string_equal(le.buf, "stat");
	assert_string_equal(scr.row, "> stat");
	type("\x1b[Dxy\x15");
	assert_string_equal(le.buf, "t");
	/* Ctrl-W: the previous word and the spaces before the cursor */
	type("\x05 set server.listen  \x17");
	assert_string_equal(le.buf, "t set ");
	assert_string_equal(scr.row, "> t set ");
	/* other control bytes and unknown escapes never enter the line */
	type("\x07\x1b[Z\x1bx\x1b[5~");
	assert_string_equal(le.buf, "t set ");
	assert_int_equal(type("\x03"), GA_LE_MORE); /* Ctrl-C: a fresh line */
	assert_string_equal(le.buf, "");
	assert_string_equal(scr.row, "> ");
	assert_int_equal(type("\x04"), GA_LE_EOF);
}

static void test_history(void **state)
{
	(void)state;
	ga_lineedit_history_add(&le, "status");
	ga_lineedit_history_add(&le, "log 5");
	ga_lineedit_history_add(&le, "log 5"); /* repeats kept once */
	ga_lineedit_history_add(&le, "");
	type("mess");
	type("\x1b[A");
	assert_string_equal(le.buf, "log 5");
	assert_string_equal(scr.row, "> log 5");
	type("\x1bOA"); /* application-mode Up, as some terminals send */
	assert_string_equal(le.buf, "status");
	type("\x1b[A"); /* the oldest: stays */
	assert_string_equal(le.buf, "status");
	type("\x0e\x0e"); /* Ctrl-N twice: back to the line being typed */
	assert_string_equal(le.buf, "mess");
	assert_string_equal(scr.row, "> mess");
	/* the ring keeps the newest GA_LE_HISTORY lines */
	for (int i = 0; i < GA_LE_HISTORY + 5; i++) {
		char l[16];

		snprintf(l, sizeof(l), "log %d", i);
		ga_lineedit_history_add(&le, l);
	}
	for (int i = 0; i < GA_LE_HISTORY + 3; i++) {
		type("\x10");
	}
	assert_string_equal(le.buf, "log 5");
}

static void test_completion(void **state)
{
	(void)state;
	type("st\t");
	assert_string_equal(le.buf, "status ");
	type("\x15s\t"); /* set, sim, status: common prefix is just "s" */
	assert_string_equal(le.buf, "s");
	assert_int_equal(scr.newlines, 2); /* the list went out on its own line */
	assert_string_equal(scr.row, "> s");
	type("e\tse\t"); /* "se" -> "set " then key prefix "se" -> "server." */
	assert_string_equal(le.buf, "set server.");
	type("m\t");
	assert_string_equal(le.buf, "set server.max_body ");
	type("\x15xyz\t");
	assert_int_equal(scr.bells, 1); /* nothing matches */
	assert_string_equal(le.buf, "xyz");
}

static void test_limits(void **state)
{
	char big[GA_LE_LINE_MAX + 10];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	type(big);
	assert_int_equal(le.len, GA_LE_LINE_MAX);
	assert_int_equal(scr.bells, 9);
	assert_int_equal(type("\r"), GA_LE_LINE);
	assert_int_equal(strlen(ga_lineedit_line(&le)), GA_LE_LINE_MAX);
}

/* UTF-8: the cursor steps over whole characters. */
static void test_utf8(void **state)
{
	(void)state;
	type("set lcd.x \xc3\xa9t\xc3\xa9");
	type("\x1b[D\x7f"); /* Left over "é", Backspace deletes "t" */
	assert_string_equal(le.buf, "set lcd.x \xc3\xa9\xc3\xa9");
	type("\x7f");
	assert_string_equal(le.buf, "set lcd.x \xc3\xa9");
	assert_int_equal(le.cur, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_enter_variants, setup),
		cmocka_unit_test_setup(test_editing_keys, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_completion, setup),
		cmocka_unit_test_setup(test_limits, setup),
		cmocka_unit_test_setup(test_utf8, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_fold.c - UTF-8 folded to the A00 and A02 character ROMs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fold.h"

struct row {
	enum ga_rom rom;
	const char *in;
	const char *want; /* ROM codes as a C string (\xNN for upper half) */
};

static const struct row rows[] = {
	{ GA_ROM_A00, "Hello", "Hello" },
	{ GA_ROM_A00, "caf\xc3\xa9", "cafe" },                  /* é -> e */
	{ GA_ROM_A00, "\xc3\xbc\xc3\xa4\xc3\xb6", "\xf5\xe1\xef" }, /* üäö: ROM glyphs */
	{ GA_ROM_A00, "\xc3\x9c", "U" },                         /* Ü: not in A00 */
	{ GA_ROM_A00, "\xe2\x82\xac" "5", "EUR5" },              /* € */
	{ GA_ROM_A00, "\xe2\x80\x9cq\xe2\x80\x9d", "\"q\"" },    /* “q” */
	{ GA_ROM_A00, "wait\xe2\x80\xa6", "wait..." },           /* … */
	{ GA_ROM_A00, "a\xe2\x80\x93" "b", "a-b" },              /* – */
	{ GA_ROM_A00, "20\xc2\xb0" "C", "20\xdf" "C" },          /* ° */
	{ GA_ROM_A00, "\xc3\x9f", "\xe2" },                      /* ß -> β glyph */
	{ GA_ROM_A00, "\xef\xbd\xb1", "\xb1" },                  /* ｱ half-width */
	{ GA_ROM_A00, "a\\b", "a/b" },                           /* no backslash in A00 */
	{ GA_ROM_A00, "\xc2\xa5", "\x5c" },                      /* ¥ */
	{ GA_ROM_A00, "\xf0\x9f\x98\x80!", "\xff!" },            /* emoji: one placeholder */
	{ GA_ROM_A00, "x\xff" "y", "x\xffy" },                   /* bad byte: one placeholder */
	{ GA_ROM_A00, "\xce\xb1\xcf\x80", "\xe0\xf7" },          /* απ in A00 */
	{ GA_ROM_A00, "\xce\x94", "D" },                         /* Δ transliterated */
	{ GA_ROM_A00, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "Privet" },
	{ GA_ROM_A00, "e\xcc\x81", "e" },                        /* combining acute dropped */
	{ GA_ROM_A00, "line\nbreak", "line break" },
	{ GA_ROM_A02, "caf\xc3\xa9", "caf\xe9" },                /* A02: Latin-1 glyph */
	{ GA_ROM_A02, "\xc3\x9c" "ber", "\xdc" "ber" },
	{ GA_ROM_A02, "a\\b~", "a\\b~" },
	{ GA_ROM_A02, "\xe2\x82\xac", "EUR" },
	{ GA_ROM_A02, "\xf0\x9f\x98\x80", "\x16" },               /* emoji: ● (A02 0xff is ÿ) */
	{ GA_ROM_A02, "\xc3\xbf", "\xff" },                       /* ÿ */
	/* Привет: П И from the ROM's Cyrillic, Р В Е Т as their Latin twins */
	{ GA_ROM_A02, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "\x87P\x84" "BET" },
	{ GA_ROM_A02, "\xd0\xae\xd0\xbb\xd1\x8f", "\xac\x86\xad" }, /* Юля: Ю Л Я */
	{ GA_ROM_A02, "\xd0\x93\xd0\xa4", "\x92\xd8" },          /* Г Ф as Γ Φ */
	{ GA_ROM_A02, "\xce\xb1\xce\xb2\xce\xb3", "\x90\xdf" "g" }, /* αβγ */
	{ GA_ROM_A02, "\xce\xa9\xce\x94", "\x9a" "D" },          /* Ω; Δ spelt */
	{ GA_ROM_A02, "\xc3\x98\xc2\xb0\xc2\xb5", "O\xb0\xb5" },   /* Ø not in A02; ° µ */
	{ GA_ROM_A02, "\xe2\x86\x92\xe2\x80\x9cx\xe2\x80\x9d", "\x1a\x12x\x13" }, /* → “x” */
};

static void test_fold_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t out[64];
		size_t n = ga_fold(rows[i].rom, rows[i].in, strlen(rows[i].in), out,
				   sizeof(out));

		if (n != strlen(rows[i].want) || memcmp(out, rows[i].want, n) != 0) {
			fail_msg("row %zu (%s): got %zu codes", i, rows[i].in, n);
		}
	}
}

static void test_bounded_output(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(ga_fold(GA_ROM_A00, "\xe2\x82\xac\xe2\x82\xac", 6, out,
				 sizeof(out)), 4); /* "EURE", never past the end */
}

static void test_glyph_round_trip(void **state)
{
	(void)state;
	assert_string_equal(ga_fold_glyph(GA_ROM_A00, 0xe1), "\xc3\xa4");
	assert_string_equal(ga_fold_glyph(GA_ROM_A00, 0x5c), "\xc2\xa5");
	assert_string_equal(ga_fold_glyph(GA_ROM_A00, 0xb1), "\xef\xbd\xb1");
	assert_string_equal(ga_fold_glyph(GA_ROM_A02, 0xe9), "\xc3\xa9");
	assert_string_equal(ga_fold_glyph(GA_ROM_A02, 0xff), "\xc3\xbf");   /* ÿ */
	assert_string_equal(ga_fold_glyph(GA_ROM_A02, 0x87), "\xd0\x9f");   /* П */
	assert_string_equal(ga_fold_glyph(GA_ROM_A02, 0x98), "\xf0\x9f\x94\x94"); /* 🔔 */
	assert_string_equal(ga_fold_glyph(GA_ROM_A02, 0xd8), "\xce\xa6");   /* Φ */
	assert_string_equal(ga_fold_glyph(GA_ROM_A00, 0xff), "\xe2\x96\x88"); /* █ */
	assert_string_equal(ga_fold_glyph(GA_ROM_A00, 'A'), "A");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_table),
		cmocka_unit_test(test_bounded_output),
		cmocka_unit_test(test_glyph_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

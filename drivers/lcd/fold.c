/* fold.c - see fold.h. Tables from the HD44780U datasheet's ROM code
 * tables (A00: Table 4; A02: Table 5); A02's positions outside Latin-1 as
 * the RPLCD project's A02 codec lists them.
 */
#include "fold.h"

#include <string.h>

#include "json.h"

/* A00 glyphs above 0x7F that have a Unicode twin (datasheet Table 4). */
static const struct {
	uint32_t cp;
	uint8_t code;
} ga_a00_upper[] = {
	{ 0x00a5, 0x5c }, /* ¥ sits where ASCII has the backslash */
	{ 0x2192, 0x7e }, { 0x2190, 0x7f },
	{ 0x00b7, 0xa5 }, { 0x3002, 0xa1 }, { 0x300c, 0xa2 }, { 0x300d, 0xa3 },
	{ 0x3001, 0xa4 },
	{ 0x03b1, 0xe0 }, { 0x00e4, 0xe1 }, { 0x03b2, 0xe2 }, { 0x00df, 0xe2 },
	{ 0x03b5, 0xe3 }, { 0x03bc, 0xe4 }, { 0x00b5, 0xe4 }, { 0x03c3, 0xe5 },
	{ 0x03c1, 0xe6 }, { 0x221a, 0xe8 }, { 0x00a2, 0xec }, { 0x00f1, 0xee },
	{ 0x00f6, 0xef }, { 0x03b8, 0xf2 }, { 0x221e, 0xf3 }, { 0x03a9, 0xf4 },
	{ 0x00fc, 0xf5 }, { 0x03a3, 0xf6 }, { 0x03c0, 0xf7 }, { 0x00f7, 0xfd },
	{ 0x00b0, 0xdf }, { 0x2588, 0xff },
};

/* A02 glyphs that are not at their Latin-1 position (datasheet Table 5):
 * symbols at 0x10-0x1F, Cyrillic capitals at 0x80-0x8F, Greek and symbols
 * at 0x90-0x9F, and the upper-half cells where A02 departs from Latin-1. */
static const struct {
	uint32_t cp;
	uint8_t code;
} ga_a02_upper[] = {
	{ 0x25b6, 0x10 }, { 0x25c0, 0x11 }, { 0x201c, 0x12 }, { 0x201d, 0x13 },
	{ 0x23eb, 0x14 }, { 0x23ec, 0x15 }, { 0x25cf, 0x16 }, { 0x21b2, 0x17 },
	{ 0x2191, 0x18 }, { 0x2193, 0x19 }, { 0x2192, 0x1a }, { 0x2190, 0x1b },
	{ 0x2264, 0x1c }, { 0x2265, 0x1d }, { 0x25b2, 0x1e }, { 0x25bc, 0x1f },
	{ 0x2302, 0x7f },
	/* Б Д Ж З И Й Л П У Ц Ч Ш Щ Ъ Ы Э */
	{ 0x0411, 0x80 }, { 0x0414, 0x81 }, { 0x0416, 0x82 }, { 0x0417, 0x83 },
	{ 0x0418, 0x84 }, { 0x0419, 0x85 }, { 0x041b, 0x86 }, { 0x041f, 0x87 },
	{ 0x0423, 0x88 }, { 0x0426, 0x89 }, { 0x0427, 0x8a }, { 0x0428, 0x8b },
	{ 0x0429, 0x8c }, { 0x042a, 0x8d }, { 0x042b, 0x8e }, { 0x042d, 0x8f },
	/* α ♪ Γ π Σ σ ♬ τ 🔔 θ Ω δ ∞ ♥ ε ∩ */
	{ 0x03b1, 0x90 }, { 0x266a, 0x91 }, { 0x0393, 0x92 }, { 0x03c0, 0x93 },
	{ 0x03a3, 0x94 }, { 0x03c3, 0x95 }, { 0x266c, 0x96 }, { 0x03c4, 0x97 },
	{ 0x1f514, 0x98 }, { 0x03b8, 0x99 }, { 0x03a9, 0x9a }, { 0x03b4, 0x9b },
	{ 0x221e, 0x9c }, { 0x2665, 0x9d }, { 0x03b5, 0x9e }, { 0x2229, 0x9f },
	/* the cells of 0xa0-0xff that are not Latin-1 */
	{ 0x2016, 0xa0 }, { 0x0192, 0xa8 }, { 0x042e, 0xac }, { 0x042f, 0xad },
	{ 0x00b4, 0xaf }, { 0x00b0, 0xb0 }, { 0x03bc, 0xb5 }, { 0x00b5, 0xb5 },
	{ 0x03c9, 0xb8 }, { 0x03a6, 0xd8 },
	/* look-alikes the ROM has under another name */
	{ 0x0413, 0x92 }, /* Г = Γ */
	{ 0x0424, 0xd8 }, /* Ф = Φ */
	{ 0x0401, 0xcb }, /* Ё = Ë */
	{ 0x03b2, 0xdf }, /* β = ß */
	{ 0x2211, 0x94 }, /* ∑ = Σ */
	{ 0x2126, 0x9a }, /* Ω (ohm) */
};
/* Latin-1 cells A02 uses for something else: never direct. */
static bool ga_a02_not_latin1(uint32_t cp)
{
	return cp == 0xa0 || cp == 0xa8 || cp == 0xac || cp == 0xad ||
	       cp == 0xaf || cp == 0xb4 || cp == 0xb8 || cp == 0xd8;
}
/* Cyrillic capitals А..Я written with A02's Latin twin (0: none). */
static const char ga_a02_cyr_latin[32] = {
	'A', 0, 'B', 0, 0, 'E', 0, 0, 0, 0, 'K', 0, 'M', 'H', 'O', 0,
	'P', 'C', 'T', 0, 0, 'X', 0, 0, 0, 0, 0, 0, 'b', 0, 0, 0,
};
/* Greek capitals Α..Ω with a Latin twin (0: none). */
static const char ga_a02_greek_latin[25] = {
	'A', 'B', 0, 0, 'E', 'Z', 'H', 0, 'I', 'K', 0, 'M', 'N', 0, 'O', 0,
	'P', 0, 0, 'T', 'Y', 0, 'X', 0, 0,
};

/* U+0100..U+017F (Latin Extended-A) to their base letter. */
static const char ga_latin_ext_a[] =
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
	"lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
/* Tables of short strings are char arrays, not pointers: a pointer costs
 * a 24-byte relocation in a PIE on aarch64 (without DT_RELR). */
/* U+00C0..U+00FF to their base letter(s). */
static const char ga_latin1_letters[64][3] = {
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I",
	"I", "I", "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U",
	"U", "Y", "Th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e",
	"e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", ":",
	"o", "u", "u", "u", "u", "y", "th", "y",
};
/* Greek U+0391..U+03A9 and U+03B1..U+03C9, transliterated. */
static const char ga_greek[25][3] = {
	"A", "B", "G", "D", "E", "Z", "I", "Th", "I", "K", "L", "M", "N", "X",
	"O", "P", "R", "S", "S", "T", "Y", "F", "Ch", "Ps", "O",
};
/* Cyrillic U+0410..U+042F (lower case U+0430.. is +0x20), transliterated. */
static const char ga_cyrillic[32][4] = {
	"A", "B", "V", "G", "D", "E", "Zh", "Z", "I", "Y", "K", "L", "M", "N",
	"O", "P", "R", "S", "T", "U", "F", "Kh", "Ts", "Ch", "Sh", "Sch", "\"",
	"Y", "'", "E", "Yu", "Ya",
};
/* Typography with a plain-ASCII reading. */
static const struct {
	uint32_t cp;
	char text[4];
} ga_punct[] = {
	{ 0x2018, "'" }, { 0x2019, "'" }, { 0x201a, "'" }, { 0x201b, "'" },
	{ 0x201c, "\"" }, { 0x201d, "\"" }, { 0x201e, "\"" }, { 0x201f, "\"" },
	{ 0x2026, "..." }, { 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" },
	{ 0x2013, "-" }, { 0x2014, "-" }, { 0x2212, "-" }, { 0x00a0, " " },
	{ 0x2022, "*" }, { 0x20ac, "EUR" }, { 0x00a3, "GBP" }, { 0x00a9, "(c)" },
	{ 0x00ae, "(R)" }, { 0x2122, "TM" }, { 0x00d7, "x" }, { 0x00bd, "1/2" },
	{ 0x00bc, "1/4" }, { 0x00be, "3/4" }, { 0x00b2, "2" }, { 0x00b3, "3" },
	{ 0x00b9, "1" }, { 0x2190, "<-" }, { 0x2192, "->" }, { 0x00ab, "<<" },
	{ 0x00bb, ">>" }, { 0x00a7, "S" }, { 0x00b0, "o" }, { 0x00a5, "Y" },
	{ 0x0152, "OE" }, { 0x0153, "oe" }, { 0x0132, "IJ" }, { 0x0133, "ij" },
	{ 0x3000, " " }, { 0x00ad, "" }, { 0x200b, "" }, { 0xfeff, "" },
};

static size_t ga_fold_put(uint8_t *out, size_t size, size_t o, const char *s)
{
	while (*s && o < size) {
		out[o++] = (uint8_t)*s++;
	}
	return o;
}

/* Direct glyph in @rom, or -1. */
static int ga_fold_direct(enum ga_rom rom, uint32_t cp)
{
	if (rom == GA_ROM_A00) {
		if (cp >= 0x20 && cp <= 0x7d && cp != 0x5c) {
			return (int)cp;
		}
		if (cp >= 0xff61 && cp <= 0xff9f) { /* half-width katakana */
			return (int)(cp - 0xff61 + 0xa1);
		}
		for (size_t i = 0; i < sizeof(ga_a00_upper) / sizeof(ga_a00_upper[0]); i++) {
			if (ga_a00_upper[i].cp == cp) {
				return ga_a00_upper[i].code;
			}
		}
		return -1;
	}
	if (cp >= 0x20 && cp <= 0x7e) {
		return (int)cp;
	}
	for (size_t i = 0; i < sizeof(ga_a02_upper) / sizeof(ga_a02_upper[0]); i++) {
		if (ga_a02_upper[i].cp == cp) {
			return ga_a02_upper[i].code;
		}
	}
	if (cp >= 0xa1 && cp <= 0xff && !ga_a02_not_latin1(cp)) {
		return (int)cp;
	}
	/* Cyrillic and Greek: a reader of either expects capitals in the
	 * script rather than a transliteration, so lower case is shown as
	 * its capital where A02 has that (or a Latin twin of it). */
	if (cp >= 0x430 && cp <= 0x44f) {
		int up = ga_fold_direct(rom, cp - 0x20);

		if (up >= 0) {
			return up;
		}
	}
	if (cp >= 0x410 && cp <= 0x42f && ga_a02_cyr_latin[cp - 0x410]) {
		return ga_a02_cyr_latin[cp - 0x410];
	}
	if (cp == 0x451) {
		return 0xcb; /* ё = Ë */
	}
	if (cp >= 0x391 && cp <= 0x3a9 && ga_a02_greek_latin[cp - 0x391]) {
		return ga_a02_greek_latin[cp - 0x391];
	}
	return -1;
}

/* A readable stand-in made of glyphs every ROM has, or NULL. */
static const char *ga_fold_fallback(uint32_t cp, char one[2])
{
	for (size_t i = 0; i < sizeof(ga_punct) / sizeof(ga_punct[0]); i++) {
		if (ga_punct[i].cp == cp) {
			return ga_punct[i].text;
		}
	}
	if (cp >= 0xc0 && cp <= 0xff) {
		return ga_latin1_letters[cp - 0xc0];
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		one[0] = ga_latin_ext_a[cp - 0x100];
		one[1] = '\0';
		return one;
	}
	if (cp >= 0x391 && cp <= 0x3a9) {
		return ga_greek[cp - 0x391];
	}
	if (cp >= 0x3b1 && cp <= 0x3c9) { /* lower case: same letters */
		static char lower[4];
		const char *u = ga_greek[cp - 0x3b1];

		lower[0] = (char)(u[0] | 0x20);
		lower[1] = u[1];
		lower[2] = u[1] ? u[2] : '\0';
		lower[3] = '\0';
		return lower;
	}
	if (cp >= 0x410 && cp <= 0x44f) {
		static char lower[4];
		const char *u = ga_cyrillic[(cp - 0x410) & 0x1f];

		if (cp < 0x430 || !(u[0] >= 'A' && u[0] <= 'Z')) {
			return u;
		}
		lower[0] = (char)(u[0] | 0x20);
		lower[1] = u[1];
		lower[2] = u[1] ? u[2] : '\0';
		lower[3] = '\0';
		return lower;
	}
	if (cp == 0x401) {
		return "Yo";
	}
	if (cp == 0x451) {
		return "yo";
	}
	if (cp == 0x5c) {
		return "/"; /* A00 has ¥ there; a slash reads better than ¥ */
	}
	if (cp == 0x7e) {
		return "-";
	}
	return NULL;
}

uint8_t ga_fold_placeholder(enum ga_rom rom)
{
	/* A00 0xff is the full block; A02 0xff is ÿ, so its placeholder is
	 * the black circle at 0x16 */
	return rom == GA_ROM_A00 ? 0xff : 0x16;
}

size_t ga_fold(enum ga_rom rom, const char *utf8, size_t len, uint8_t *out,
	       size_t size)
{
	return ga_fold_units(rom, utf8, len, out, size, NULL);
}

size_t ga_fold_units(enum ga_rom rom, const char *utf8, size_t len,
		     uint8_t *out, size_t size, uint8_t *unit)
{
	size_t i = 0, o = 0;

	while (i < len && o < size) {
		uint32_t cp;
		size_t n;
		const char *fb;
		char one[2];
		int d;
		unsigned char c = (unsigned char)utf8[i];

		if (unit) {
			unit[o] = 1; /* the next code starts a character */
		}
		/* printable ASCII is its own code in both ROMs, but for A00's
		 * yen at 0x5c and arrows at 0x7e, 0x7f: most texts are all
		 * this, and the body is folded at every redraw (callgrind:
		 * ~20 instructions a byte through the decoder) */
		if (c >= 0x20 && c <= 0x7d && !(rom == GA_ROM_A00 && c == 0x5c)) {
			out[o++] = c;
			i++;
			continue;
		}
		n = ga_utf8_decode(utf8 + i, len - i, &cp);
		if (n == 0) { /* one placeholder per bad byte */
			out[o++] = ga_fold_placeholder(rom);
			i++;
			continue;
		}
		i += n;
		if (cp >= 0x300 && cp <= 0x36f) {
			continue; /* combining marks: the base letter shows */
		}
		if (cp == '\n' || cp == '\r' || cp == '\t') {
			out[o++] = ' ';
			continue;
		}
		d = ga_fold_direct(rom, cp);
		if (d >= 0) {
			out[o++] = (uint8_t)d;
			continue;
		}
		fb = ga_fold_fallback(cp, one);
		if (fb) {
			size_t from = o;

			o = ga_fold_put(out, size, o, fb);
			for (size_t k = from + 1; unit && k < o; k++) {
				unit[k] = 0; /* "EUR" for € is one unit */
			}
			continue;
		}
		out[o++] = ga_fold_placeholder(rom);
	}
	return o;
}

const char *ga_fold_glyph(enum ga_rom rom, uint8_t code)
{
	static char buf[8];
	uint32_t cp = 0;

	if (code == 0xff && rom == GA_ROM_A00) {
		return "\xe2\x96\x88"; /* █ */
	}
	if (code >= 0x20 && code <= 0x7d && !(rom == GA_ROM_A00 && code == 0x5c)) {
		buf[0] = (char)code;
		buf[1] = '\0';
		return buf;
	}
	if (rom == GA_ROM_A00) {
		if (code >= 0xa1 && code <= 0xdf) {
			cp = 0xff61 + (uint32_t)(code - 0xa1);
		}
		for (size_t i = 0; !cp && i < sizeof(ga_a00_upper) / sizeof(ga_a00_upper[0]); i++) {
			if (ga_a00_upper[i].code == code) {
				cp = ga_a00_upper[i].cp;
			}
		}
	} else {
		/* the first table entry for a code is its own glyph */
		for (size_t i = 0; i < sizeof(ga_a02_upper) / sizeof(ga_a02_upper[0]); i++) {
			if (ga_a02_upper[i].code == code) {
				cp = ga_a02_upper[i].cp;
				break;
			}
		}
		if (!cp && code == 0x7e) {
			cp = '~';
		} else if (!cp && code >= 0xa1 && !ga_a02_not_latin1(code)) {
			cp = code;
		}
	}
	if (!cp) {
		return code < 0x10 ? "\xe2\x96\xa1" : "?"; /* □ CGRAM, ? unknown */
	}
	if (cp < 0x80) {
		buf[0] = (char)cp;
		buf[1] = '\0';
	} else if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		buf[2] = '\0';
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = '\0';
	} else {
		buf[0] = (char)(0xf0 | cp >> 18);
		buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[3] = (char)(0x80 | (cp & 0x3f));
		buf[4] = '\0';
	}
	return buf;
}

size_t ga_fold_line(enum ga_rom rom, const uint8_t *codes, size_t n, char *out,
		    size_t size)
{
	size_t o = 0;

	if (size == 0) {
		return 0;
	}
	for (size_t c = 0; c < n; c++) {
		const char *g = ga_fold_glyph(rom, codes[c]);
		size_t len = strlen(g);

		if (o + len >= size) {
			break;
		}
		memcpy(out + o, g, len);
		o += len;
	}
	while (o && out[o - 1] == ' ') {
		o--;
	}
	out[o] = '\0';
	return o;
}

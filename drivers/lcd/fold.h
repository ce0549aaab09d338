/* fold.h - UTF-8 text to HD44780 character ROM codes and back.
 *
 * The HD44780's character generator is a mask ROM: A00 (Japanese: ASCII
 * with ¥ at 0x5C and →/← at 0x7E/0x7F, half-width katakana at 0xA1-0xDF,
 * a few Greek and accented letters at 0xE0-0xFF) or A02 (European: ASCII
 * plus a Latin-1-like upper half). Each code point becomes the ROM glyph,
 * else a readable fallback (é → e, € → EUR, “” → ", … → ...), else ONE
 * placeholder; never bytes of the UTF-8 sequence (HD44780U datasheet ROM tables A00/A02).
 */
#ifndef GA_LCD_FOLD_H
#define GA_LCD_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ga_rom {
	GA_ROM_A00,
	GA_ROM_A02,
};

/* The code shown for a character the ROM cannot show: A00's block 0xff,
 * A02's black circle 0x16 (A02's 0xff is a letter). */
uint8_t ga_fold_placeholder(enum ga_rom rom);

/* Fold @len bytes of UTF-8 into at most @size ROM codes; returns how many
 * were written. Invalid UTF-8: one placeholder per bad byte. */
size_t ga_fold(enum ga_rom rom, const char *utf8, size_t len, uint8_t *out,
	       size_t size);

/* ga_fold(), also marking in @unit[k] (1 or 0) whether out[k] starts a
 * folded character: a fallback such as € -> "EUR" is one unit of three
 * codes, which a line break must not split. */
size_t ga_fold_units(enum ga_rom rom, const char *utf8, size_t len,
		     uint8_t *out, size_t size, uint8_t *unit);

/* What a ROM code looks like, as UTF-8 (for reading a display back). */
const char *ga_fold_glyph(enum ga_rom rom, uint8_t code);

/* A row of ROM codes as UTF-8 for a person to read: each code through
 * ga_fold_glyph(), trailing spaces dropped, always NUL-terminated. */
size_t ga_fold_line(enum ga_rom rom, const uint8_t *codes, size_t n, char *out,
		    size_t size);

#endif /* GA_LCD_FOLD_H */

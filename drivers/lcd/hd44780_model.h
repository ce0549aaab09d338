/* hd44780_model.h - a model of an HD44780 behind a PCF8574, for tests and
 * the sim/term backends. It decodes the exact byte stream the driver sends
 * to the expander: pins through the wiring map, data latched on E's falling
 * edge, RS, 8-bit mode at power-up and the 0x3/0x3/0x3/0x2 entry into
 * 4-bit mode, nibble pairing, instruction execution with its busy time
 * against a simulated clock, DDRAM and CGRAM. Anything a real controller
 * would get wrong (a write while busy, RW high, an odd nibble) is counted
 * as a protocol violation with the first one's description kept.
 */
#ifndef GA_HD44780_MODEL_H
#define GA_HD44780_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fold.h"
#include "pcf8574.h"

/* HD44780U datasheet: most instructions 37 us, clear/home 1.52 ms; after
 * power-on the controller is busy for 15 ms at 4.5 V (40 ms at 2.7 V). */
#define GA_HD44780_EXEC_US 37u
#define GA_HD44780_CLEAR_US 1520u
#define GA_HD44780_POWERUP_US 40000u

struct ga_hd44780_model {
	struct ga_pcf8574_map map;
	uint8_t pins;         /* last expander byte */
	bool four_bit;
	bool have_high;       /* first nibble of a 4-bit pair received */
	uint8_t high;
	bool high_rs;
	unsigned int init_step; /* 0x3 writes seen in 8-bit mode */
	bool two_line;
	bool display_on;
	bool increment;
	bool cgram_mode;
	uint8_t ac;           /* address counter */
	uint8_t ddram[128];
	uint8_t cgram[64];
	uint64_t clock_us;
	uint64_t busy_until_us;
	unsigned long bytes;  /* expander bytes received */
	unsigned long instr;  /* instructions executed */
	unsigned long data;   /* data bytes written */
	unsigned long violations;
	char violation[96];
	bool backlight;
};

void ga_hd44780_model_init(struct ga_hd44780_model *m,
			   const struct ga_pcf8574_map *map);
/* One byte written to the PCF8574. */
void ga_hd44780_model_byte(struct ga_hd44780_model *m, uint8_t pins);
void ga_hd44780_model_wait(struct ga_hd44780_model *m, unsigned int us);
/* Row @row of a @cols x @rows display as UTF-8 through the ROM table. */
size_t ga_hd44780_model_line(const struct ga_hd44780_model *m, enum ga_rom rom,
			     unsigned int row, unsigned int cols,
			     unsigned int rows, char *out, size_t size);
/* DDRAM address of row @row (0x00, 0x40, then +cols for rows 2 and 3). */
uint8_t ga_hd44780_row_addr(unsigned int row, unsigned int cols);

#endif /* GA_HD44780_MODEL_H */

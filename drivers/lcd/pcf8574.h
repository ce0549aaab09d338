/* pcf8574.h - the PCF8574 "I2C backpack" of HD44780 modules: which
 * expander bit drives which LCD pin, and the bytes one 4-bit transfer
 * takes. Shared by the I2C backend and the model that decodes them. */
#ifndef GA_PCF8574_H
#define GA_PCF8574_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ga_pcf8574_map {
	uint8_t rs, rw, e, bl; /* bit numbers 0..7 */
	uint8_t d[4];          /* D4..D7 */
	bool bl_active_low;
};

/* "common" (P0..P7 = RS RW E BL D4 D5 D6 D7, BL active high: the LCM1602
 * backpack, the most sold one), "alt" (lcdproc's: D4 D5 D6 D7 RS RW E /BL), or
 * "bits = rs,rw,e,bl,d4,d5,d6,d7". 0 or -EINVAL. */
int ga_pcf8574_map_parse(const char *wiring, struct ga_pcf8574_map *m);

/* The expander bytes for one nibble: data with E high, then E low (the
 * HD44780 latches on E's falling edge; E high >= 450 ns is met by the
 * ~90 us an I2C byte takes at 100 kHz). Returns 2. */
size_t ga_pcf8574_nibble(const struct ga_pcf8574_map *m, unsigned int nibble,
			 bool rs, bool bl, uint8_t out[2]);
/* The byte for "backlight only" (no E pulse). */
uint8_t ga_pcf8574_idle(const struct ga_pcf8574_map *m, bool bl);

#endif /* GA_PCF8574_H */

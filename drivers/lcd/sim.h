/* sim.h - the sim bus: the real PCF8574 byte stream into the model. */
#ifndef GA_LCD_SIM_H
#define GA_LCD_SIM_H

#include <stdbool.h>

#include "hd44780_model.h"

/* One display row as UTF-8: 40 glyphs of up to 3 bytes. */
#define GA_LCD_SIM_LINE_MAX 128

struct ga_lcd_sim {
	struct ga_hd44780_model model;
	struct ga_pcf8574_map map;
	bool bl;
	bool fail;            /* tests: the bus answers EIO */
	unsigned int byte_us; /* real time per byte (bench: 90 = 100 kHz) */
};

/* Tests: make the bus fail (unplugged) or work again. */
void ga_lcd_sim_set_fail(void *priv, bool fail);

#endif /* GA_LCD_SIM_H */

/* hd44780_model.c - see hd44780_model.h. */
#include "hd44780_model.h"

#include <stdio.h>
#include <string.h>

void ga_hd44780_model_init(struct ga_hd44780_model *m,
			   const struct ga_pcf8574_map *map)
{
	memset(m, 0, sizeof(*m));
	m->map = *map;
	/* power-on reset: 8-bit, 1 line, display off, increment, DDRAM
	 * contents undefined (we show spaces) */
	m->increment = true;
	memset(m->ddram, ' ', sizeof(m->ddram));
	m->busy_until_us = GA_HD44780_POWERUP_US;
}

uint8_t ga_hd44780_row_addr(unsigned int row, unsigned int cols)
{
	static const uint8_t base[2] = { 0x00, 0x40 };

	/* rows 2 and 3 continue rows 0 and 1 (20x4: 0x14, 0x54) */
	return (uint8_t)(base[row & 1] + (row >= 2 ? cols : 0));
}

static void ga_model_violation(struct ga_hd44780_model *m, const char *what)
{
	if (!m->violations++) {
		snprintf(m->violation, sizeof(m->violation), "%s (at %llu us)",
			 what, (unsigned long long)m->clock_us);
	}
}

static void ga_model_ac_step(struct ga_hd44780_model *m)
{
	if (m->cgram_mode) {
		m->ac = (uint8_t)((m->ac + (m->increment ? 1 : 63)) & 0x3f);
		return;
	}
	if (m->two_line) {
		/* 0x00-0x27 then 0x40-0x67, wrapping */
		if (m->increment) {
			m->ac = m->ac == 0x27 ? 0x40 : m->ac == 0x67 ? 0x00 : (uint8_t)(m->ac + 1);
		} else {
			m->ac = m->ac == 0x40 ? 0x27 : m->ac == 0x00 ? 0x67 : (uint8_t)(m->ac - 1);
		}
	} else {
		m->ac = (uint8_t)(m->increment ? (m->ac + 1) % 80 : (m->ac + 79) % 80);
	}
}

static void ga_model_exec(struct ga_hd44780_model *m, uint8_t v, bool rs)
{
	unsigned int t = GA_HD44780_EXEC_US;

	if (m->clock_us < m->busy_until_us) {
		ga_model_violation(m, rs ? "data written while busy"
					 : "instruction written while busy");
	}
	if (rs) {
		m->data++;
		if (m->cgram_mode) {
			m->cgram[m->ac & 0x3f] = v;
		} else {
			m->ddram[m->ac & 0x7f] = v;
		}
		ga_model_ac_step(m);
	} else {
		m->instr++;
		if (v & 0x80) {
			m->ac = v & 0x7f;
			m->cgram_mode = false;
		} else if (v & 0x40) {
			m->ac = v & 0x3f;
			m->cgram_mode = true;
		} else if (v & 0x20) {
			if (!(v & 0x10) && !m->four_bit) {
				m->four_bit = true; /* from here on, nibble pairs */
			}
			m->two_line = (v & 0x08) != 0;
		} else if (v & 0x10) {
			/* cursor/display shift: we never use it */
			ga_model_violation(m, "unexpected shift instruction");
		} else if (v & 0x08) {
			m->display_on = (v & 0x04) != 0;
		} else if (v & 0x04) {
			m->increment = (v & 0x02) != 0;
			if (v & 0x01) {
				ga_model_violation(m, "display shift on entry");
			}
		} else if (v & 0x02) {
			m->ac = 0;
			m->cgram_mode = false;
			t = GA_HD44780_CLEAR_US;
		} else if (v & 0x01) {
			memset(m->ddram, ' ', sizeof(m->ddram));
			m->ac = 0;
			m->cgram_mode = false;
			m->increment = true;
			t = GA_HD44780_CLEAR_US;
		}
	}
	m->busy_until_us = m->clock_us + t;
}

/* A nibble latched on E's falling edge. */
static void ga_model_latch(struct ga_hd44780_model *m, uint8_t nib, bool rs,
			   bool rw)
{
	if (rw) {
		ga_model_violation(m, "RW high: the driver never reads");
		return;
	}
	if (!m->four_bit) {
		/* 8-bit interface with D0-D3 unconnected (read as 0) */
		uint8_t v = (uint8_t)(nib << 4);

		if (rs) {
			ga_model_violation(m, "data before 4-bit mode was set");
			return;
		}
		if ((v & 0xf0) == 0x30) {
			/* the datasheet's wait after the 1st 0x3 is 4.1 ms,
			 * after the 2nd 100 us (HD44780U p. 46) */
			if (m->clock_us < m->busy_until_us) {
				ga_model_violation(m, "init nibble while busy");
			}
			m->init_step++;
			m->busy_until_us = m->clock_us +
					   (m->init_step == 1 ? 4100 : 100);
			m->instr++;
			return;
		}
		if ((v & 0xf0) == 0x20 && m->init_step < 3) {
			ga_model_violation(m, "0x2 before three 0x3 init nibbles");
		}
		ga_model_exec(m, v, false);
		return;
	}
	if (!m->have_high) {
		m->have_high = true;
		m->high = nib;
		m->high_rs = rs;
		return;
	}
	m->have_high = false;
	if (m->high_rs != rs) {
		ga_model_violation(m, "RS changed between the two nibbles");
	}
	ga_model_exec(m, (uint8_t)(m->high << 4 | nib), rs);
}

void ga_hd44780_model_byte(struct ga_hd44780_model *m, uint8_t pins)
{
	bool e_was = (m->pins >> m->map.e) & 1;
	bool e_now = (pins >> m->map.e) & 1;

	m->bytes++;
	/* ~90 us per I2C byte at 100 kHz: the bus itself is a clock */
	m->clock_us += 90;
	m->backlight = (((pins >> m->map.bl) & 1) != 0) != m->map.bl_active_low;
	if (e_was && !e_now) {
		uint8_t nib = 0;

		for (int i = 0; i < 4; i++) {
			nib |= (uint8_t)(((m->pins >> m->map.d[i]) & 1) << i);
		}
		/* data and RS must be stable across the falling edge */
		if ((m->pins & ~(1u << m->map.e)) != (pins & ~(1u << m->map.e))) {
			ga_model_violation(m, "data changed with E's falling edge");
		}
		ga_model_latch(m, nib, (m->pins >> m->map.rs) & 1,
			       (m->pins >> m->map.rw) & 1);
	}
	m->pins = pins;
}

void ga_hd44780_model_wait(struct ga_hd44780_model *m, unsigned int us)
{
	m->clock_us += us;
}

size_t ga_hd44780_model_line(const struct ga_hd44780_model *m, enum ga_rom rom,
			     unsigned int row, unsigned int cols,
			     unsigned int rows, char *out, size_t size)
{
	uint8_t codes[40];
	uint8_t base;

	if (size) {
		out[0] = '\0';
	}
	if (row >= rows || !m->display_on || size == 0) {
		return 0;
	}
	if (cols > sizeof(codes)) {
		cols = sizeof(codes);
	}
	base = ga_hd44780_row_addr(row, cols);
	for (unsigned int c = 0; c < cols; c++) {
		codes[c] = m->ddram[(base + c) & 0x7f];
	}
	return ga_fold_line(rom, codes, cols, out, size);
}

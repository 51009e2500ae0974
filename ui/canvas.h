/*
 * canvas: a grid of W x H character cells to draw charts on - curses-free.
 *
 * Each cell holds either a glyph (one Unicode code point; a wide one takes
 * two cells) or a pattern of sub-cell dots, plus one colour attribute. The
 * attribute is kept apart from the text so that each front end shows it
 * its own way: the text writer as ANSI escapes (or not at all), the TUI as
 * curses colour pairs (canvas_attr_color() gives the colour number, the
 * same numbers as curses' COLOR_RED ... COLOR_WHITE).
 *
 * Resolution. Dots are 2 across and 4 down per cell, addressed in "dot
 * coordinates" (px, py), py growing downwards; in UTF-8 a cell's dots
 * print as one braille character (U+2800..U+28FF). Bars use the block
 * elements' eighths (canvas_vbar, canvas_hbar).
 *
 * ASCII. A canvas made with ascii = true prints only ASCII: dots print as
 * their cell's marker character when the drawer gave one (a series'
 * '*', 'o', ...), else as the nearest of ' . _ - | / \ :; bars round to
 * whole cells of '#'; other glyphs go through canvas_ascii() (box drawing
 * to - | +, anything else without an ASCII look-alike to '?'). Drawers
 * may still pass Unicode glyphs: the canvas converts them.
 *
 * Everything outside the grid is clipped silently, so drawers need not
 * check bounds. Memory: one allocation of w * h cells.
 */
#ifndef WB_UI_CANVAS_H
#define WB_UI_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

/* Attributes: a colour role in the low 4 bits, and flags. */
enum {
	CANVAS_PLAIN = 0,
	CANVAS_SERIES = 1,     /* series k: canvas_series_attr(k), 8 of them */
	CANVAS_GOOD = 9,       /* green: a rise that is good news */
	CANVAS_BAD = 10,       /* red */
	CANVAS_COLOR_MASK = 0x0f,
	CANVAS_BOLD = 0x10,
	CANVAS_DIM = 0x20,
};
#define CANVAS_NSERIES 8

struct canvas_cell {
	uint32_t cp;       /* glyph; 0: none (dots or blank) */
	uint8_t dots;      /* braille bits (see canvas_dot) */
	uint8_t attr;
	char mark;         /* ASCII: what the dots print as (0: their shape) */
	bool wide_tail;    /* the right half of the wide glyph to the left */
};

struct canvas {
	int w, h;
	bool ascii;
	struct canvas_cell *cells;   /* h rows of w */
};

/* A blank canvas (w, h >= 0; a 0-sized one is valid and prints nothing). */
struct canvas *canvas_new(int w, int h, bool ascii);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c);

/* The attribute of series k (0-based): colours 1..8 in turn. */
uint8_t canvas_series_attr(int k);
/* The colour number of an attribute: 0 black, 1 red, 2 green, 3 yellow,
 * 4 blue, 5 magenta, 6 cyan, 7 white (curses' and ANSI's numbering), or
 * -1 for the terminal's default. */
int canvas_attr_color(uint8_t attr);

/* One glyph at (x, y) (a wide one also takes x + 1); it replaces the
 * cell's dots. In an ASCII canvas cp goes through canvas_ascii(). */
void canvas_put(struct canvas *c, int x, int y, uint32_t cp, uint8_t attr);
/* UTF-8 text from (x, y), at most max_cols columns (max_cols < 0: to the
 * right edge); invalid bytes and control characters print as '?'.
 * Returns the columns written. */
int canvas_text(struct canvas *c, int x, int y, const char *s, int max_cols, uint8_t attr);
/* Columns text takes on a canvas (as canvas_text counts them). */
int canvas_text_width(const char *s, bool ascii);
/* The longest prefix of s (bytes) that fits in max_cols columns. */
int canvas_text_fit(const char *s, int max_cols, bool ascii);

/* A dot at dot coordinates (px, py): cell (px / 2, py / 4). The cell
 * takes attr; mark is what an ASCII canvas prints for the cell (0: a
 * character drawn from the dots' shape). A cell holding a glyph keeps
 * it. */
void canvas_dot(struct canvas *c, int px, int py, uint8_t attr, char mark);
/* A straight line of dots from (px0, py0) to (px1, py1), ends included. */
void canvas_line(struct canvas *c, int px0, int py0, int px1, int py1, uint8_t attr, char mark);

/* Bars in eighths of a cell. canvas_vbar: column x, growing up from the
 * bottom edge of row y (eighths > 0) or down from its top edge (eighths
 * < 0); canvas_hbar: row y, growing right from the left edge of column x
 * (eighths > 0) or left from its right edge (< 0). fill is the glyph of
 * a whole cell (0: the full block; a shade such as U+2592 for series told
 * apart without colour) - partial cells are drawn with the block eighths
 * only for the full block, and otherwise round to whole cells, as in an
 * ASCII canvas. */
void canvas_vbar(struct canvas *c, int x, int y, int eighths, uint32_t fill, uint8_t attr);
void canvas_hbar(struct canvas *c, int x, int y, int eighths, uint32_t fill, uint8_t attr);

/* Copy src onto dst with its top left corner at (x, y) (clipped). */
void canvas_blit(struct canvas *dst, int x, int y, const struct canvas *src);

/* What cell (x, y) prints: its UTF-8 (or ASCII) text into out (NUL-
 * terminated; "" for the right half of a wide glyph, " " for a blank
 * cell) and its attribute. Returns the text's length. For front ends
 * that place cells themselves (the TUI). */
int canvas_cell_text(const struct canvas *c, int x, int y, char out[8], uint8_t *attr);
/* The whole canvas as text: rows ended by "\n", trailing blanks cut;
 * with ansi, attributes become SGR escapes (reset at the end of each
 * row). */
void canvas_write(const struct canvas *c, struct strbuf *out, bool ansi);

/* The ASCII look-alike of a code point: box drawing to - | +, blocks to
 * '#', shades to . : #, arrows to ^ v, anything else non-ASCII to '?'. */
char canvas_ascii(uint32_t cp);

#endif

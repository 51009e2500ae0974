/*
 * canvas: the cell grid charts draw on (see canvas.h): glyphs, braille
 * dots, block-element bars, and the text they print as, in UTF-8 or
 * ASCII, with or without ANSI colour.
 */
#include "ui/canvas.h"
#include "ui/render.h"

#include "core/utf8.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define FULL_BLOCK 0x2588

struct canvas *
canvas_new(int w, int h, bool ascii)
{
	struct canvas *c = xcalloc(1, sizeof *c);
	c->w = w > 0 ? w : 0;
	c->h = h > 0 ? h : 0;
	c->ascii = ascii;
	c->cells = xcalloc((size_t)c->w * (size_t)c->h + 1, sizeof *c->cells);
	return c;
}

void
canvas_free(struct canvas *c)
{
	if (c == NULL)
		return;
	free(c->cells);
	free(c);
}

void
canvas_clear(struct canvas *c)
{
	memset(c->cells, 0, sizeof *c->cells * (size_t)c->w * (size_t)c->h);
}

static struct canvas_cell *
cell(struct canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

uint8_t
canvas_series_attr(int k)
{
	if (k < 0)
		k = -k;
	return (uint8_t)(CANVAS_SERIES + k % CANVAS_NSERIES);
}

int
canvas_attr_color(uint8_t attr)
{
	/* series: blue, yellow, green, red, magenta, cyan, then blue and
	 * yellow again for 7 and 8 (drawn bold by the writer) - the eight
	 * colours every terminal has, the most distinct first */
	static const int series[CANVAS_NSERIES] = {4, 3, 2, 1, 5, 6, 4, 3};
	int role = attr & CANVAS_COLOR_MASK;
	if (role >= CANVAS_SERIES && role < CANVAS_SERIES + CANVAS_NSERIES)
		return series[role - CANVAS_SERIES];
	if (role == CANVAS_GOOD)
		return 2;
	if (role == CANVAS_BAD)
		return 1;
	return -1;
}

char
canvas_ascii(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (char)cp;
	if (cp >= 0x2500 && cp <= 0x257f) {
		/* box drawing: lines, corners and junctions */
		static const uint32_t horiz[] = {0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254c, 0x254d, 0x2574,
			0x2576, 0x2578, 0x257a, 0x257c, 0x257e};
		static const uint32_t vert[] = {0x2502, 0x2503, 0x2506, 0x2507, 0x250a, 0x250b, 0x254e, 0x254f, 0x2575,
			0x2577, 0x2579, 0x257b, 0x257d, 0x257f};
		for (size_t i = 0; i < sizeof horiz / sizeof horiz[0]; i++)
			if (cp == horiz[i])
				return '-';
		for (size_t i = 0; i < sizeof vert / sizeof vert[0]; i++)
			if (cp == vert[i])
				return '|';
		return '+';
	}
	if (cp >= 0x2580 && cp <= 0x2590)
		return '#';     /* block elements */
	switch (cp) {
	case 0x2591: return '.';
	case 0x2592: return ':';
	case 0x2593: return '#';
	case 0x25b2: case 0x25b4: case 0x2191: return '^';   /* up */
	case 0x25bc: case 0x25be: case 0x2193: return 'v';   /* down */
	case 0x25b6: case 0x2192: return '>';
	case 0x25c0: case 0x2190: return '<';
	case 0x2022: case 0x25cf: case 0x00b7: case 0x2219: return '*';
	case 0x25cb: case 0x2218: case 0x25e6: return 'o';
	case 0x2026: return '.';
	case 0x2013: case 0x2014: case 0x2212: return '-';
	case 0x00a0: return ' ';
	}
	return '?';
}

void
canvas_put(struct canvas *c, int x, int y, uint32_t cp, uint8_t attr)
{
	struct canvas_cell *p = cell(c, x, y);
	if (p == NULL)
		return;
	int w = 1;
	if (c->ascii) {
		cp = (uint32_t)(unsigned char)canvas_ascii(cp);
	} else {
		w = render_codepoint_width(cp);
		if (w < 0) {
			cp = '?';
			w = 1;
		}
		if (w == 2 && x + 1 >= c->w) {   /* half a wide glyph would not print */
			cp = ' ';
			w = 1;
		}
		if (w == 0) {   /* a combining mark has no cell of its own */
			return;
		}
	}
	if (p->wide_tail && x > 0)   /* overwriting the right half of a wide glyph */
		*cell(c, x - 1, y) = (struct canvas_cell){.cp = ' ', .attr = cell(c, x - 1, y)->attr};
	if (x + 1 < c->w && cell(c, x + 1, y)->wide_tail && w == 1)
		*cell(c, x + 1, y) = (struct canvas_cell){.cp = ' '};
	*p = (struct canvas_cell){.cp = cp, .attr = attr};
	if (w == 2) {
		struct canvas_cell *t = cell(c, x + 1, y);
		if (x + 2 < c->w && cell(c, x + 2, y)->wide_tail)
			*cell(c, x + 2, y) = (struct canvas_cell){.cp = ' '};
		*t = (struct canvas_cell){.attr = attr, .wide_tail = true};
	}
}

/* the next code point of s (invalid bytes: '?', one byte) */
static uint32_t
next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n = utf8_decode(p, strlen(*s), &cp);
	if (n <= 0) {
		*s += 1;
		return '?';
	}
	*s += n;
	return cp;
}

static int
cp_width(uint32_t cp, bool ascii)
{
	if (ascii)
		return 1;
	int w = render_codepoint_width(cp);
	return w < 0 ? 1 : w;
}

int
canvas_text_width(const char *s, bool ascii)
{
	int w = 0;
	while (*s)
		w += cp_width(next_cp(&s), ascii);
	return w;
}

int
canvas_text_fit(const char *s, int max_cols, bool ascii)
{
	const char *p = s;
	int w = 0;
	while (*p) {
		const char *q = p;
		int cw = cp_width(next_cp(&q), ascii);
		if (w + cw > max_cols)
			break;
		w += cw;
		p = q;
	}
	return (int)(p - s);
}

int
canvas_text(struct canvas *c, int x, int y, const char *s, int max_cols, uint8_t attr)
{
	int used = 0;
	if (max_cols < 0)
		max_cols = c->w - x;
	while (*s) {
		uint32_t cp = next_cp(&s);
		int cw = cp_width(cp, c->ascii);
		if (cw == 0)
			continue;
		if (used + cw > max_cols)
			break;
		canvas_put(c, x + used, y, cp, attr);
		used += cw;
	}
	return used;
}

void
canvas_dot(struct canvas *c, int px, int py, uint8_t attr, char mark)
{
	if (px < 0 || py < 0)
		return;
	struct canvas_cell *p = cell(c, px / 2, py / 4);
	if (p == NULL || p->cp != 0 || p->wide_tail)
		return;
	static const uint8_t bits[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	p->dots |= bits[py % 4][px % 2];
	p->attr = attr;
	p->mark = mark;   /* the last drawer decides how the cell looks */
}

void
canvas_line(struct canvas *c, int px0, int py0, int px1, int py1, uint8_t attr, char mark)
{
	/* Bresenham; long lines far outside the grid are walked only where
	 * they could be seen */
	long long dx = llabs((long long)px1 - px0), dy = -llabs((long long)py1 - py0);
	int sx = px0 < px1 ? 1 : -1, sy = py0 < py1 ? 1 : -1;
	long long e = dx + dy;
	long long limit = 4LL * (c->w + c->h) * 4 + dx - dy + 8;
	for (long long i = 0; i < limit; i++) {
		canvas_dot(c, px0, py0, attr, mark);
		if (px0 == px1 && py0 == py1)
			break;
		long long e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			px0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			py0 += sy;
		}
	}
}

void
canvas_vbar(struct canvas *c, int x, int y, int eighths, uint32_t fill, uint8_t attr)
{
	bool blocks = !c->ascii && (fill == 0 || fill == FULL_BLOCK);
	if (fill == 0)
		fill = FULL_BLOCK;
	int e = abs(eighths);
	int full = e / 8, part = e % 8;
	if (!blocks) {
		full = (e + 4) / 8;   /* whole cells, rounded */
		part = 0;
	}
	int dir = eighths >= 0 ? -1 : 1;
	for (int i = 0; i < full; i++)
		canvas_put(c, x, y + dir * i, fill, attr);
	if (part > 0) {
		if (eighths > 0)
			canvas_put(c, x, y - full, 0x2580 + (uint32_t)part, attr);   /* lower eighths */
		else if (part >= 4)
			canvas_put(c, x, y + full, 0x2580, attr);   /* upper half */
	}
}

void
canvas_hbar(struct canvas *c, int x, int y, int eighths, uint32_t fill, uint8_t attr)
{
	bool blocks = !c->ascii && (fill == 0 || fill == FULL_BLOCK);
	if (fill == 0)
		fill = FULL_BLOCK;
	int e = abs(eighths);
	int full = e / 8, part = e % 8;
	if (!blocks) {
		full = (e + 4) / 8;
		part = 0;
	}
	int dir = eighths >= 0 ? 1 : -1;
	for (int i = 0; i < full; i++)
		canvas_put(c, x + dir * i, y, fill, attr);
	if (part > 0) {
		if (eighths > 0)
			canvas_put(c, x + full, y, 0x2590 - (uint32_t)part, attr);   /* left eighths */
		else if (part >= 4)
			canvas_put(c, x - full, y, 0x2590, attr);   /* right half */
	}
}

void
canvas_blit(struct canvas *dst, int x, int y, const struct canvas *src)
{
	for (int r = 0; r < src->h; r++)
		for (int k = 0; k < src->w; k++) {
			struct canvas_cell *d = cell(dst, x + k, y + r);
			if (d == NULL)
				continue;
			const struct canvas_cell *s = &src->cells[(size_t)r * (size_t)src->w + (size_t)k];
			*d = *s;
			if (s->wide_tail && x + k == 0)   /* clipped left half */
				*d = (struct canvas_cell){.cp = ' '};
			if (s->cp && !s->wide_tail && render_codepoint_width(s->cp) == 2 && x + k + 1 >= dst->w)
				*d = (struct canvas_cell){.cp = ' '};
		}
}

/* ASCII for a cell of dots: its shape (see canvas.h) */
static char
dots_ascii(uint8_t d)
{
	static const uint8_t rowbits[4] = {0x09, 0x12, 0x24, 0xc0};
	int rmin = 4, rmax = -1;
	for (int r = 0; r < 4; r++)
		if (d & rowbits[r]) {
			if (r < rmin)
				rmin = r;
			rmax = r;
		}
	bool left = (d & 0x47) != 0, right = (d & 0xb8) != 0;
	if (rmax - rmin >= 2) {
		/* a steep stroke: which way does it lean? */
		static const uint8_t lbit[4] = {0x01, 0x02, 0x04, 0x40}, rbit[4] = {0x08, 0x10, 0x20, 0x80};
		int lsum = 0, ln = 0, rsum = 0, rn = 0;
		for (int r = 0; r < 4; r++) {
			if (d & lbit[r]) {
				lsum += r;
				ln++;
			}
			if (d & rbit[r]) {
				rsum += r;
				rn++;
			}
		}
		if (ln && rn && lsum * rn > rsum * ln)
			return '/';
		if (ln && rn && lsum * rn < rsum * ln)
			return '\\';
		return '|';
	}
	double mid = (rmin + rmax) / 2.0;
	if (mid < 0.75)
		return '\'';
	if (mid <= 2.25)
		return '-';
	return left && right ? '_' : '.';
}

int
canvas_cell_text(const struct canvas *c, int x, int y, char out[8], uint8_t *attr)
{
	const struct canvas_cell *p = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
	*attr = p->attr;
	if (p->wide_tail) {
		out[0] = '\0';
		return 0;
	}
	uint32_t cp = p->cp;
	if (cp == 0 && p->dots) {
		if (c->ascii || p->mark) {
			out[0] = p->mark ? p->mark : dots_ascii(p->dots);
			out[1] = '\0';
			return 1;
		}
		cp = 0x2800 + p->dots;
	}
	if (cp == 0) {
		*attr = 0;
		cp = ' ';
	}
	int n = utf8_encode(cp, out);
	if (n <= 0) {
		out[0] = '?';
		n = 1;
	}
	out[n] = '\0';
	return n;
}

static void
sgr(struct strbuf *out, uint8_t attr)
{
	sb_puts(out, "\033[0");
	int col = canvas_attr_color(attr);
	int role = attr & CANVAS_COLOR_MASK;
	if (attr & CANVAS_BOLD || role >= CANVAS_SERIES + 6)
		sb_puts(out, ";1");
	if (attr & CANVAS_DIM)
		sb_puts(out, ";2");
	if (col >= 0)
		sb_printf(out, ";%d", 30 + col);
	sb_putc(out, 'm');
}

void
canvas_write(const struct canvas *c, struct strbuf *out, bool ansi)
{
	char buf[8];
	for (int y = 0; y < c->h; y++) {
		/* the last cell that prints something */
		int end = 0;
		for (int x = 0; x < c->w; x++) {
			const struct canvas_cell *p = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
			if ((p->cp != 0 && p->cp != ' ') || p->dots || p->wide_tail)
				end = x + 1;
		}
		uint8_t cur = 0;
		for (int x = 0; x < end; x++) {
			uint8_t attr;
			int n = canvas_cell_text(c, x, y, buf, &attr);
			if (ansi && attr != cur && n > 0) {
				if (attr == 0)
					sb_puts(out, "\033[0m");
				else
					sgr(out, attr);
				cur = attr;
			}
			sb_add(out, buf, (size_t)n);
		}
		if (ansi && cur != 0)
			sb_puts(out, "\033[0m");
		sb_putc(out, '\n');
	}
}

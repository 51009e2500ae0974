/*
 * tui_draw: text on the screen, measured the way the box renderer measures
 * it (ui/render.h: render_codepoint_width), so a value takes as many
 * columns in the grid as in a table. Control characters and invalid UTF-8
 * are escaped (\n, \xNN) so no value can move the cursor; in a terminal
 * whose locale is not UTF-8, lines are ASCII and non-ASCII characters show
 * as '?'. Everything is clipped to the width it is given.
 */
#include "ui/tui_int.h"
#include "core/utf8.h"
#include "ui/render.h"

#include <stdio.h>
#include <string.h>

static bool utf8_mode;
static attr_t styles[TUI_ST__COUNT];

static const struct tui_glyphs glyphs_utf8 = {
	"─", "│", "┌", "┐", "└", "┘", "├", "┤", "║",
	"▾", "▸", " ", "…", "↑", "↓",
	{" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"},
	{"⠋", "⠙", "⠸", "⠴"},
};

static const struct tui_glyphs glyphs_ascii = {
	"-", "|", "+", "+", "+", "+", "+", "+", "#",
	"v", ">", " ", "~", "^", "v",
	{" ", " ", " ", " ", "#", "#", "#", "#", "#"},
	{"-", "\\", "|", "/"},
};

void
tui_draw_init(bool utf8, bool colour)
{
	utf8_mode = utf8;
	for (int i = 0; i < TUI_ST__COUNT; i++)
		styles[i] = A_NORMAL;
	styles[TUI_ST_HEADER] = A_BOLD;
	styles[TUI_ST_CURSOR] = A_BOLD;
	styles[TUI_ST_CURSOR_FOCUS] = A_REVERSE;
	styles[TUI_ST_CELL] = A_REVERSE | A_BOLD;
	styles[TUI_ST_STATUS] = A_REVERSE;
	styles[TUI_ST_ERROR] = A_BOLD;
	styles[TUI_ST_BORDER_FOCUS] = A_BOLD;
	styles[TUI_ST_MATCH] = A_UNDERLINE;
	styles[TUI_ST_TITLE] = A_BOLD;
	styles[TUI_ST_KEYWORD] = A_BOLD;
	styles[TUI_ST_DIM] = A_DIM;
	styles[TUI_ST_NULL] = A_DIM;
	if (!colour || !has_colors())
		return;
	start_color();
	short bg = COLOR_BLACK;
	if (use_default_colors() == OK)
		bg = -1;
	struct {
		enum tui_style st;
		short fg, bg;
		attr_t extra;
	} pairs[] = {
		{TUI_ST_KEYWORD, COLOR_BLUE, bg, A_BOLD},
		{TUI_ST_STRING, COLOR_GREEN, bg, 0},
		{TUI_ST_NUMBER, COLOR_MAGENTA, bg, 0},
		{TUI_ST_COMMENT, COLOR_YELLOW, bg, 0},
		{TUI_ST_PARAM, COLOR_CYAN, bg, 0},
		{TUI_ST_HEADER, COLOR_CYAN, bg, A_BOLD},
		{TUI_ST_ERROR, COLOR_RED, bg, A_BOLD},
		{TUI_ST_BORDER_FOCUS, COLOR_CYAN, bg, A_BOLD},
		{TUI_ST_MATCH, COLOR_BLACK, COLOR_YELLOW, 0},
		{TUI_ST_NULL, COLOR_BLUE, bg, 0},
		{TUI_ST_TITLE, COLOR_CYAN, bg, A_BOLD},
		{TUI_ST_BAR, COLOR_GREEN, bg, 0},
		{TUI_ST_STATUS, COLOR_BLACK, COLOR_CYAN, 0},
		{TUI_ST_CURSOR_FOCUS, COLOR_BLACK, COLOR_CYAN, 0},
		{TUI_ST_CELL, COLOR_BLACK, COLOR_YELLOW, A_BOLD},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		short n = (short)(i + 1);
		if (init_pair(n, pairs[i].fg, pairs[i].bg) == OK)
			styles[pairs[i].st] = COLOR_PAIR(n) | pairs[i].extra;
	}
}

const struct tui_glyphs *
tui_glyphs(void)
{
	return utf8_mode ? &glyphs_utf8 : &glyphs_ascii;
}

bool
tui_utf8(void)
{
	return utf8_mode;
}

attr_t
tui_attr(enum tui_style st)
{
	return styles[st];
}

/* What an ASCII terminal shows for a character: the workbench's own
 * symbols (titles, bars, arrows) have ASCII stand-ins, anything else is
 * '?'. */
static char
ascii_for(uint32_t cp)
{
	switch (cp) {
	case 0x00B7: return '-';       /* middle dot */
	case 0x00D7: return 'x';       /* multiplication sign */
	case 0x2026: return '~';       /* ellipsis */
	case 0x2191: return '^';
	case 0x2193: return 'v';
	case 0x2500: return '-';
	case 0x2502: return '|';
	case 0x2551: return '#';
	case 0x250C: case 0x2510: case 0x2514: case 0x2518: case 0x251C: case 0x2524: return '+';
	case 0x25B8: return '>';
	case 0x25BE: return 'v';
	case 0x2588: return '#';
	default: return '?';
	}
}

/* The next character of s[0..n) as drawn: its bytes or escape in out
 * (NUL-terminated), its width; returns the bytes of s it consumed. */
static size_t
next_glyph(const char *s, size_t n, char out[16], int *width)
{
	uint32_t cp;
	int len = utf8_decode((const unsigned char *)s, n, &cp);
	if (len == 0) {
		*width = snprintf(out, 16, "\\x%02X", (unsigned char)s[0]);
		return 1;
	}
	if (cp < 0x80) {
		switch (cp) {
		case '\n': *width = 2; strcpy(out, "\\n"); return 1;
		case '\t': *width = 2; strcpy(out, "\\t"); return 1;
		case '\r': *width = 2; strcpy(out, "\\r"); return 1;
		default: break;
		}
		if (cp < 0x20 || cp == 0x7f) {
			*width = snprintf(out, 16, "\\x%02X", (unsigned)cp);
			return 1;
		}
		out[0] = (char)cp;
		out[1] = '\0';
		*width = 1;
		return 1;
	}
	int w = render_codepoint_width(cp);
	if (w < 0) {
		*width = snprintf(out, 16, cp < 0x100 ? "\\x%02X" : "\\u%04X", (unsigned)cp);
		return (size_t)len;
	}
	if (!utf8_mode) {
		out[0] = ascii_for(cp);
		out[1] = '\0';
		*width = w == 0 ? 0 : 1;
		if (w == 0)
			out[0] = '\0';
		return (size_t)len;
	}
	memcpy(out, s, (size_t)len);
	out[len] = '\0';
	*width = w;
	return (size_t)len;
}

int
tui_width(const char *s, size_t n)
{
	int w = 0;
	size_t i = 0;
	char g[16];
	while (i < n) {
		int gw;
		i += next_glyph(s + i, n - i, g, &gw);
		w += gw;
	}
	return w;
}

size_t
tui_fit(const char *s, size_t n, int maxw)
{
	int w = 0;
	size_t i = 0;
	char g[16];
	while (i < n) {
		int gw;
		size_t k = next_glyph(s + i, n - i, g, &gw);
		if (w + gw > maxw)
			break;
		w += gw;
		i += k;
	}
	return i;
}

int
tui_put(int y, int x, int maxw, const char *s, size_t n, attr_t attr)
{
	if (maxw <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + maxw > COLS)
		maxw = COLS - x;
	int w = 0;
	size_t i = 0;
	char g[16];
	attr_t saved_a;
	short saved_p;
	attr_get(&saved_a, &saved_p, NULL);
	attrset(attr);
	move(y, x);
	while (i < n) {
		int gw;
		size_t k = next_glyph(s + i, n - i, g, &gw);
		if (w + gw > maxw)
			break;
		if (g[0] != '\0')
			addstr(g);
		w += gw;
		i += k;
	}
	attrset(saved_a);
	return w;
}

int
tui_puts(int y, int x, int maxw, const char *s, attr_t attr)
{
	return tui_put(y, x, maxw, s, strlen(s), attr);
}

void
tui_fill(int y, int x, int w, attr_t attr)
{
	if (y < 0 || y >= LINES || w <= 0)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attr_t saved_a;
	short saved_p;
	attr_get(&saved_a, &saved_p, NULL);
	attrset(attr);
	move(y, x);
	for (int i = 0; i < w; i++)
		addch(' ');
	attrset(saved_a);
}

void
tui_put_cell(int y, int x, int w, const char *s, size_t n, bool right, attr_t attr)
{
	if (w <= 0)
		return;
	int tw = tui_width(s, n);
	tui_fill(y, x, w, attr);
	if (tw <= w) {
		tui_put(y, right ? x + w - tw : x, w, s, n, attr);
		return;
	}
	/* cut: as much as fits before the ellipsis */
	size_t keep = tui_fit(s, n, w - 1);
	int kw = tui_put(y, x, w - 1, s, keep, attr);
	tui_puts(y, x + kw, 1, tui_glyphs()->ell, attr);
}

void
tui_box(struct tui_rect r, const char *title, bool focused)
{
	if (r.h < 2 || r.w < 2)
		return;
	const struct tui_glyphs *g = tui_glyphs();
	attr_t a = tui_attr(focused ? TUI_ST_BORDER_FOCUS : TUI_ST_BORDER);
	attr_t saved_a;
	short saved_p;
	attr_get(&saved_a, &saved_p, NULL);
	attrset(a);
	mvaddstr(r.y, r.x, g->tl);
	for (int i = 1; i < r.w - 1; i++)
		addstr(g->h);
	addstr(g->tr);
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		mvaddstr(y, r.x, g->v);
		mvaddstr(y, r.x + r.w - 1, g->v);
	}
	mvaddstr(r.y + r.h - 1, r.x, g->bl);
	for (int i = 1; i < r.w - 1; i++)
		addstr(g->h);
	addstr(g->br);
	attrset(saved_a);
	if (title && *title && r.w > 6) {
		int w = tui_puts(r.y, r.x + 2, r.w - 4, " ", a);
		w += tui_puts(r.y, r.x + 2 + w, r.w - 4 - w, title, focused ? tui_attr(TUI_ST_TITLE) | A_BOLD : a);
		tui_puts(r.y, r.x + 2 + w, r.w - 4 - w, " ", a);
	}
}

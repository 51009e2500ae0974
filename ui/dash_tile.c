/*
 * dash_tile: the insides of a dashboard tile - a result as a compact
 * table, word-wrapped text, an error - drawn on a canvas (dash_int.h).
 */
#include "ui/dash_int.h"

#include "core/strbuf.h"
#include "core/types.h"
#include "core/xmalloc.h"
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>

#define COL_MAX 40     /* no column wider, however long its values */
#define COL_MIN 4      /* narrowed no further while columns are cut */

/* One line of text at most w columns wide, cut with an ellipsis. */
static void
put_cut(struct canvas *cv, int x, int y, int w, const char *s, bool right, uint8_t attr)
{
	if (w <= 0)
		return;
	int tw = canvas_text_width(s, cv->ascii);
	if (tw <= w) {
		canvas_text(cv, right ? x + w - tw : x, y, s, w, attr);
		return;
	}
	int fit = canvas_text_fit(s, w - 1, cv->ascii);
	char *t = xstrndup(s, (size_t)fit);
	int cols = canvas_text(cv, x, y, t, w - 1, attr);
	canvas_put(cv, x + cols, y, cv->ascii ? '~' : 0x2026, attr);   /* an ellipsis */
	free(t);
}

/* Decimal points one above the other: each value padded on the right to
 * the most digits after the point (values in exponent form, NULL, NaN and
 * infinities are left as they are). */
static void
align_points(char **v, int64_t n)
{
	int most = 0;
	for (int64_t r = 0; r < n; r++) {
		const char *p = strchr(v[r], '.');
		if (p != NULL && strpbrk(v[r], "eE") == NULL && (int)strlen(p + 1) > most)
			most = (int)strlen(p + 1);
	}
	for (int64_t r = 0; r < n && most > 0; r++) {
		if (strpbrk(v[r], "eE") != NULL || strspn(v[r], "-0123456789.") != strlen(v[r]))
			continue;
		const char *p = strchr(v[r], '.');
		int frac = p ? (int)strlen(p + 1) : -1;   /* no point: its place is padded too */
		int pad = most - frac;
		if (pad <= 0)
			continue;
		char *t = xasprintf("%s%*s", v[r], pad, "");
		free(v[r]);
		v[r] = t;
	}
}

void
dash_tile_table(struct canvas *cv, int x, int y, int w, int h, const struct rowset *rs, int64_t total)
{
	if (w < 1 || h < 1 || rs->ncol == 0)
		return;
	int64_t shown = rs->nrows;
	bool more = total > shown || shown > h - 1;
	if (shown > h - 1)
		shown = h - 1;
	if (more && shown > 0 && shown == h - 1)
		shown--;   /* the last line says what is left out */
	int n = rs->ncol;
	char ***text = xcalloc((size_t)n, sizeof *text);
	int *width = xcalloc((size_t)n, sizeof *width);
	int *least = xcalloc((size_t)n, sizeof *least);   /* narrowed no further */
	bool *right = xcalloc((size_t)n, sizeof *right);
	struct strbuf b = STRBUF_INIT;
	for (int c = 0; c < n; c++) {
		right[c] = type_is_numeric(rs->types[c]);
		int vw = 0;
		text[c] = xcalloc((size_t)(shown > 0 ? shown : 1), sizeof *text[c]);
		for (int64_t r = 0; r < shown; r++) {
			struct wb_value v;
			rowset_get(rs, r, c, &v);
			sb_clear(&b);
			value_format(&v, &b, "NULL");
			text[c][r] = xstrdup(sb_str(&b));
		}
		if (rs->types[c] == WB_TYPE_DOUBLE)
			align_points(text[c], shown);
		for (int64_t r = 0; r < shown; r++) {
			int tw = canvas_text_width(text[c][r], cv->ascii);
			if (tw > vw)
				vw = tw;
		}
		int hw = canvas_text_width(rs->names[c], cv->ascii);
		width[c] = hw > vw ? hw : vw;
		if (width[c] > COL_MAX)
			width[c] = COL_MAX;
		/* a number cut is a wrong number: numbers keep their width,
		 * only their header may be cut; text narrows to COL_MIN */
		least[c] = right[c] ? (vw > COL_MIN ? vw : COL_MIN) : COL_MIN;
		if (least[c] > width[c])
			least[c] = width[c];
	}
	sb_free(&b);
	/* narrow the widest column that can be until the row fits (a space
	 * between columns); what still does not fit is left out at the right */
	for (;;) {
		int sum = n - 1, widest = -1;
		for (int c = 0; c < n; c++) {
			sum += width[c];
			if (width[c] > least[c] && (widest < 0 || width[c] > width[widest]))
				widest = c;
		}
		if (sum <= w || widest < 0)
			break;
		width[widest]--;
	}
	int cx = x, drawn = 0;
	for (int c = 0; c < n && cx + width[c] <= x + w; c++, drawn++) {
		put_cut(cv, cx, y, width[c], rs->names[c], right[c], CANVAS_BOLD);
		for (int64_t r = 0; r < shown; r++) {
			struct wb_value v;
			rowset_get(rs, r, c, &v);
			put_cut(cv, cx, y + 1 + (int)r, width[c], text[c][r], right[c], v.is_null ? CANVAS_DIM : CANVAS_PLAIN);
		}
		cx += width[c] + 1;
	}
	if (drawn < n && cx < x + w) {
		/* say what is left out, where a column would have started */
		char note[32];
		snprintf(note, sizeof note, "+%d col%s", n - drawn, n - drawn == 1 ? "" : "s");
		put_cut(cv, cx, y, x + w - cx, note, false, CANVAS_DIM);
	}
	if (more) {
		char a[32], t[32], line[96];
		render_group_digits(total - shown, a);
		render_group_digits(total, t);
		snprintf(line, sizeof line, "%s more row%s (%s in all)", a, total - shown == 1 ? "" : "s", t);
		put_cut(cv, x, y + 1 + (int)shown, w, line, false, CANVAS_DIM);
	}
	for (int c = 0; c < n; c++) {
		for (int64_t r = 0; r < shown; r++)
			free(text[c][r]);
		free(text[c]);
	}
	free(text);
	free(width);
	free(least);
	free(right);
}

/* Wrap one paragraph s[0..n) at spaces into w columns from *row on. */
static void
wrap(struct canvas *cv, int x, int y, int w, int h, const char *s, size_t n, uint8_t attr, int *row)
{
	char *t = xstrndup(s, n);
	const char *p = t;
	if (*p == '\0' && *row < h)
		(*row)++;
	while (*p && *row < h) {
		int fit = canvas_text_fit(p, w, cv->ascii);
		int take = fit;
		if (p[fit] != '\0') {
			int k = fit;
			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				take = k;
		}
		if (take == 0)
			take = fit > 0 ? fit : 1;
		char *line = xstrndup(p, (size_t)take);
		canvas_text(cv, x, y + *row, line, w, attr);
		free(line);
		(*row)++;
		p += take;
		while (*p == ' ')
			p++;
	}
	free(t);
}

void
dash_tile_text(struct canvas *cv, int x, int y, int w, int h, const char *text, uint8_t attr, int *row)
{
	if (w < 1)
		return;
	const char *p = text;
	while (*p && *row < h) {
		size_t n = strcspn(p, "\n");
		if (p[0] == '#') {
			size_t k = strspn(p, "#");
			size_t sp = strspn(p + k, " ");
			wrap(cv, x, y, w, h, p + k + sp, n - k - sp, attr | CANVAS_BOLD, row);
		} else {
			wrap(cv, x, y, w, h, p, n, attr, row);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
}

void
dash_tile_error(struct canvas *cv, int x, int y, int w, int h, const char *msg, const char *hint, const char *path,
    int line)
{
	int row = 0;
	struct strbuf b = STRBUF_INIT;
	sb_printf(&b, "Error: %s", msg ? msg : "failed");
	dash_tile_text(cv, x, y, w, h, sb_str(&b), CANVAS_BAD | CANVAS_BOLD, &row);
	sb_clear(&b);
	if (line > 0 && path != NULL) {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		sb_printf(&b, "at %s:%d", base, line);
		dash_tile_text(cv, x, y, w, h, sb_str(&b), CANVAS_DIM, &row);
	}
	if (hint != NULL) {
		sb_clear(&b);
		sb_printf(&b, "HINT: %s", hint);
		dash_tile_text(cv, x, y, w, h, sb_str(&b), CANVAS_DIM, &row);
	}
	sb_free(&b);
}

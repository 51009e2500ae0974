/*
 * stats_ctab: contingency tables of two factors, their rendering in the
 * notes, and the goodness-of-fit statistic (stats_ctab.h).
 */
#include "stats/stats_ctab.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Dense tables above this many cells (levels of a times levels of b) are
 * refused: a chi-square test over millions of cells says nothing useful,
 * and the counts alone would take gigabytes. */
#define CTAB_MAX_CELLS (1 << 22)

/* Tables shown in the notes at most this large. */
#define NOTE_MAX_ROWS 30
#define NOTE_MAX_COLS 10

int
stats_ctab_build(const struct stats_data *d, int acol, int bcol, const char *what, struct stats_ctab *t,
    struct wb_error *err)
{
	const struct stats_column *a = &d->col[acol], *b = &d->col[bcol];
	memset(t, 0, sizeof *t);
	int na = a->nlevels, nb = b->nlevels;
	if ((double)na * (double)nb > CTAB_MAX_CELLS) {
		err_set(err, -1, "%s: %s has %d levels and %s %d; their table would have %.0f cells", what, a->name, na,
		    b->name, nb, (double)na * nb);
		err_hint(err, "group the levels first (CASE WHEN ... END) or test fewer of them (WHERE ...)");
		return -1;
	}
	/* one pass of counts over all levels; empty rows and columns go after */
	int64_t *cnt = xcalloc((size_t)na * (size_t)nb + 1, sizeof *cnt);
	const int32_t *la = a->level, *lb = b->level;
	int64_t used = 0;
	for (int64_t i = 0; i < d->n; i++) {
		if (la[i] < 0 || lb[i] < 0)
			continue;
		cnt[(size_t)la[i] * (size_t)nb + (size_t)lb[i]]++;
		used++;
	}
	t->dropped = d->n - used;
	t->n = (double)used;
	int64_t *ra = xcalloc((size_t)na + 1, sizeof *ra), *cb = xcalloc((size_t)nb + 1, sizeof *cb);
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++) {
			ra[i] += cnt[(size_t)i * (size_t)nb + (size_t)j];
			cb[j] += cnt[(size_t)i * (size_t)nb + (size_t)j];
		}
	int *ri = xmalloc(sizeof *ri * ((size_t)na + 1)), *cj = xmalloc(sizeof *cj * ((size_t)nb + 1));
	for (int i = 0; i < na; i++)
		if (ra[i] > 0)
			ri[t->r++] = i;
	for (int j = 0; j < nb; j++)
		if (cb[j] > 0)
			cj[t->c++] = j;
	t->rlab = xmalloc(sizeof *t->rlab * ((size_t)t->r + 1));
	t->clab = xmalloc(sizeof *t->clab * ((size_t)t->c + 1));
	t->rsum = xmalloc(sizeof *t->rsum * ((size_t)t->r + 1));
	t->csum = xmalloc(sizeof *t->csum * ((size_t)t->c + 1));
	t->obs = xmalloc(sizeof *t->obs * ((size_t)t->r * (size_t)t->c + 1));
	for (int i = 0; i < t->r; i++) {
		t->rlab[i] = a->labels[ri[i]];
		t->rsum[i] = (double)ra[ri[i]];
		for (int j = 0; j < t->c; j++)
			t->obs[(size_t)i * (size_t)t->c + (size_t)j] = (double)cnt[(size_t)ri[i] * (size_t)nb + (size_t)cj[j]];
	}
	for (int j = 0; j < t->c; j++) {
		t->clab[j] = b->labels[cj[j]];
		t->csum[j] = (double)cb[cj[j]];
	}
	free(ri);
	free(cj);
	free(ra);
	free(cb);
	free(cnt);
	return 0;
}

void
stats_ctab_free(struct stats_ctab *t)
{
	free(t->rlab);
	free(t->clab);
	free(t->obs);
	free(t->rsum);
	free(t->csum);
	memset(t, 0, sizeof *t);
}

double
stats_ctab_expected(const struct stats_ctab *t, double *e, int *below5)
{
	double lo = INFINITY;
	int few = 0;
	for (int i = 0; i < t->r; i++)
		for (int j = 0; j < t->c; j++) {
			double v = t->rsum[i] * t->csum[j] / t->n;
			e[(size_t)i * (size_t)t->c + (size_t)j] = v;
			if (v < lo)
				lo = v;
			few += v < 5;
		}
	*below5 = few;
	return lo;
}

double
stats_chisq_gof(const double *obs, const double *p, int k, double *e)
{
	double n = 0, x2 = 0;
	for (int i = 0; i < k; i++)
		n += obs[i];
	for (int i = 0; i < k; i++) {
		double ex = n * p[i], dv = obs[i] - ex;
		x2 += dv * dv / ex;
		if (e != NULL)
			e[i] = ex;
	}
	return x2;
}

/* Display width of UTF-8 text: its code points (no wide characters in
 * level labels is assumed; close enough for the notes). */
static int
text_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void
pad_cell(struct strbuf *b, const char *s, int width, bool right)
{
	int pad = width - text_width(s);
	if (right)
		sb_repeat(b, " ", pad);
	sb_puts(b, s);
	if (!right)
		sb_repeat(b, " ", pad);
}

/* A count as text: integers without decimals, expected counts with two. */
static void
cell_text(struct strbuf *b, double o, const double *e, size_t at)
{
	sb_clear(b);
	sb_printf(b, "%.0f", o);
	if (e != NULL)
		sb_printf(b, " (%.2f)", e[at]);
}

void
stats_ctab_note(struct stats_result *r, const struct stats_ctab *t, const double *e, const char *head)
{
	if (t->r > NOTE_MAX_ROWS || t->c > NOTE_MAX_COLS) {
		stats_note(r, "%s: %d x %d, too large to show here", head, t->r, t->c);
		return;
	}
	/* column widths: the row labels, then each column's label and cells */
	int *w = xcalloc((size_t)t->c + 1, sizeof *w);
	struct strbuf cell, line;
	sb_init(&cell);
	sb_init(&line);
	for (int i = 0; i < t->r; i++)
		if (text_width(t->rlab[i]) > w[0])
			w[0] = text_width(t->rlab[i]);
	for (int j = 0; j < t->c; j++) {
		w[j + 1] = text_width(t->clab[j]);
		for (int i = 0; i < t->r; i++) {
			size_t at = (size_t)i * (size_t)t->c + (size_t)j;
			cell_text(&cell, t->obs[at], e, at);
			if (text_width(sb_str(&cell)) > w[j + 1])
				w[j + 1] = text_width(sb_str(&cell));
		}
	}
	stats_note(r, "%s:", head);
	sb_puts(&line, "  ");
	pad_cell(&line, "", w[0], false);
	for (int j = 0; j < t->c; j++) {
		sb_puts(&line, "  ");
		pad_cell(&line, t->clab[j], w[j + 1], true);
	}
	stats_note(r, "%s", sb_str(&line));
	for (int i = 0; i < t->r; i++) {
		sb_clear(&line);
		sb_puts(&line, "  ");
		pad_cell(&line, t->rlab[i], w[0], false);
		for (int j = 0; j < t->c; j++) {
			size_t at = (size_t)i * (size_t)t->c + (size_t)j;
			cell_text(&cell, t->obs[at], e, at);
			sb_puts(&line, "  ");
			pad_cell(&line, sb_str(&cell), w[j + 1], true);
		}
		stats_note(r, "%s", sb_str(&line));
	}
	sb_free(&cell);
	sb_free(&line);
	free(w);
}

/*
 * chart_data: reading a result for a chart - columns by name (with a
 * did-you-mean), cells as numbers or text, categories, the value table of
 * bar charts and the point series of line charts.
 *
 * NULLs, NaN and infinities are never drawn: builders count the rows they
 * leave out, and the drawers say so in the notes.
 */
#include "ui/chart_int.h"

#include "core/hash.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
cd_find(const struct rowset *rs, const struct chart_col *c, const char *option, struct wb_error *err)
{
	for (int i = 0; i < rs->ncol; i++)
		if (strcmp(rs->names[i], c->name) == 0)
			return i;
	int found = -1, n = 0;
	for (int i = 0; i < rs->ncol; i++)
		if (strcasecmp(rs->names[i], c->name) == 0) {
			found = i;
			n++;
		}
	if (n == 1)
		return found;
	if (n > 1) {
		err_set(err, c->pos, "chart option %s: \"%s\" matches several columns of the result when case is ignored",
		    option, c->name);
		err_hint(err, "write the name with its exact case");
		return -1;
	}
	err_set(err, c->pos, "chart option %s: no column \"%s\" in the result", option, c->name);
	const char *s = str_suggest(c->name, (const char *const *)rs->names, rs->ncol);
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < rs->ncol && i < 12; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", rs->names[i]);
	if (rs->ncol > 12)
		sb_printf(&b, ", ... (%d in all)", rs->ncol);
	if (s)
		err_hint(err, "did you mean \"%s\"? The columns: %s", s, sb_str(&b));
	else
		err_hint(err, "the columns: %s", sb_str(&b));
	sb_free(&b);
	return -1;
}

double
cd_num(const struct rowset *rs, int64_t row, int col)
{
	struct wb_value v;
	rowset_get(rs, row, col, &v);
	if (v.is_null)
		return NAN;
	switch (rs->types[col]) {
	case WB_TYPE_BIGINT: return (double)v.u.i;
	case WB_TYPE_DOUBLE: return v.u.d;
	case WB_TYPE_BOOL: return v.u.b ? 1 : 0;
	case WB_TYPE_DATE: return (double)v.u.i * 86400.0;
	case WB_TYPE_TIMESTAMP: return (double)v.u.i / 1e6;
	default: return NAN;
	}
}

void
cd_text(const struct rowset *rs, int64_t row, int col, struct strbuf *out)
{
	struct wb_value v;
	rowset_get(rs, row, col, &v);
	value_format(&v, out, "NULL");
}

void
cd_label(const struct rowset *rs, int64_t row, const int *cols, int n, struct strbuf *out)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_puts(out, " / ");
		cd_text(rs, row, cols[i], out);
	}
}

/* ------------------------------------------------------------ categories */

static void
cats_rehash(struct cd_cats *c)
{
	size_t ns = c->nslots ? c->nslots * 2 : 64;
	free(c->slots);
	c->slots = xcalloc(ns, sizeof *c->slots);
	c->nslots = ns;
	for (int i = 0; i < c->n; i++) {
		size_t h = (size_t)hash_bytes(c->names[i], strlen(c->names[i])) & (ns - 1);
		while (c->slots[h])
			h = (h + 1) & (ns - 1);
		c->slots[h] = i + 1;
	}
}

int
cd_cat_find(const struct cd_cats *c, const char *s)
{
	if (c->nslots == 0)
		return -1;
	size_t h = (size_t)hash_bytes(s, strlen(s)) & (c->nslots - 1);
	while (c->slots[h]) {
		if (strcmp(c->names[c->slots[h] - 1], s) == 0)
			return c->slots[h] - 1;
		h = (h + 1) & (c->nslots - 1);
	}
	return -1;
}

int
cd_cat_add(struct cd_cats *c, const char *s)
{
	int i = cd_cat_find(c, s);
	if (i >= 0)
		return i;
	c->names = xgrow(c->names, &c->cap, (size_t)c->n + 1, sizeof *c->names);
	c->names[c->n++] = xstrdup(s);
	if ((size_t)c->n * 2 > c->nslots)
		cats_rehash(c);
	else {
		size_t h = (size_t)hash_bytes(s, strlen(s)) & (c->nslots - 1);
		while (c->slots[h])
			h = (h + 1) & (c->nslots - 1);
		c->slots[h] = c->n;
	}
	return c->n - 1;
}

void
cd_cats_free(struct cd_cats *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->slots);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ tables */

/* The series of a value: its index among the first CHART_MAX_SERIES
 * values seen, else -1 (all are counted in seen). */
static int
seen_series(struct cd_cats *seen, struct cd_cats *sers, const char *v)
{
	cd_cat_add(seen, v);
	int k = cd_cat_find(sers, v);
	if (k >= 0)
		return k;
	if (sers->n >= CHART_MAX_SERIES)
		return -1;
	return cd_cat_add(sers, v);
}

/* the resolved columns of a spec (checked by chart_resolve) */
static int
col_of(const struct rowset *rs, const struct chart_col *c)
{
	struct wb_error e = WB_ERROR_INIT;
	int i = cd_find(rs, c, "", &e);
	err_clear(&e);
	return i;
}

void
cd_table_build(const struct chart_spec *sp, const struct rowset *rs, struct cd_table *t)
{
	memset(t, 0, sizeof *t);
	int xc[16];
	for (int i = 0; i < sp->nx; i++)
		xc[i] = col_of(rs, &sp->x[i]);
	int ny = sp->ny, *yc = xcalloc((size_t)ny, sizeof *yc);
	for (int j = 0; j < ny; j++)
		yc[j] = col_of(rs, &sp->y[j]);
	int sc = sp->series.name ? col_of(rs, &sp->series) : -1;
	if (sp->count && sc < 0)
		cd_cat_add(&t->sers, "rows");
	else if (sc < 0)
		for (int j = 0; j < ny; j++)
			cd_cat_add(&t->sers, rs->names[yc[j]]);
	/* first pass: the categories and series, in order of appearance */
	struct strbuf b = STRBUF_INIT;
	int *rcat = xmalloc(sizeof *rcat * (size_t)(rs->nrows + 1));
	int *rser = sc >= 0 ? xmalloc(sizeof *rser * (size_t)(rs->nrows + 1)) : NULL;
	struct cd_cats seen = {0};
	for (int64_t r = 0; r < rs->nrows; r++) {
		sb_clear(&b);
		cd_label(rs, r, xc, sp->nx, &b);
		rcat[r] = cd_cat_add(&t->cats, sb_str(&b));
		if (sc >= 0) {
			sb_clear(&b);
			cd_text(rs, r, sc, &b);
			rser[r] = seen_series(&seen, &t->sers, sb_str(&b));
		}
	}
	t->nseries_all = sc >= 0 ? seen.n : t->sers.n;
	cd_cats_free(&seen);
	size_t cells = (size_t)t->sers.n * (size_t)t->cats.n;
	t->v = xmalloc(sizeof *t->v * (cells ? cells : 1));
	for (size_t i = 0; i < cells; i++)
		t->v[i] = NAN;
	for (int64_t r = 0; r < rs->nrows; r++)
		for (int j = 0; j < (sc >= 0 || sp->count ? 1 : ny); j++) {
			double v = sp->count ? 1 : cd_num(rs, r, yc[j]);
			if (!isfinite(v)) {
				t->skipped++;
				continue;
			}
			int s = sc >= 0 ? rser[r] : j;
			if (s < 0) {
				t->dropped++;
				continue;
			}
			double *cell = &t->v[(size_t)s * (size_t)t->cats.n + (size_t)rcat[r]];
			if (isnan(*cell))
				*cell = v;
			else {
				*cell += v;
				t->summed += !sp->count;
			}
		}
	free(rcat);
	free(rser);
	free(yc);
	sb_free(&b);
}

void
cd_table_free(struct cd_table *t)
{
	cd_cats_free(&t->cats);
	cd_cats_free(&t->sers);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ points */

static void
series_add(struct cd_series *s, double x, double y)
{
	if ((size_t)s->n + 1 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->x = xrealloc(s->x, sizeof *s->x * s->cap);
		s->y = xrealloc(s->y, sizeof *s->y * s->cap);
	}
	s->x[s->n] = x;
	s->y[s->n] = y;
	s->n++;
}

void
cd_points_build(const struct chart_spec *sp, const struct rowset *rs, struct cd_points *p)
{
	memset(p, 0, sizeof *p);
	int xc = col_of(rs, &sp->x[0]);
	wb_type xt = rs->types[xc];
	p->x_time = cd_is_time(xt);
	p->x_date = xt == WB_TYPE_DATE;
	p->x_cat = !cd_is_num(xt) && !p->x_time;
	int ny = sp->ny, *yc = xcalloc((size_t)ny, sizeof *yc);
	for (int j = 0; j < ny; j++)
		yc[j] = col_of(rs, &sp->y[j]);
	int sc = sp->series.name ? col_of(rs, &sp->series) : -1;
	struct cd_cats names = {0};
	if (sc < 0)
		for (int j = 0; j < ny; j++)
			cd_cat_add(&names, rs->names[yc[j]]);
	struct strbuf b = STRBUF_INIT;
	struct cd_cats seen = {0};
	size_t scap = 0;
	for (int64_t r = 0; r < rs->nrows; r++) {
		double x;
		if (p->x_cat) {
			sb_clear(&b);
			cd_text(rs, r, xc, &b);
			x = cd_cat_add(&p->xcats, sb_str(&b));
		} else {
			x = cd_num(rs, r, xc);
		}
		int s0 = 0;
		if (sc >= 0) {
			sb_clear(&b);
			cd_text(rs, r, sc, &b);
			s0 = seen_series(&seen, &names, sb_str(&b));
			if (s0 < 0) {
				p->dropped++;
				continue;
			}
		}
		for (int j = 0; j < (sc >= 0 ? 1 : ny); j++) {
			int s = sc >= 0 ? s0 : j;
			while (p->n < names.n) {
				p->s = xgrow(p->s, &scap, (size_t)p->n + 1, sizeof *p->s);
				memset(&p->s[p->n], 0, sizeof p->s[p->n]);
				p->s[p->n].name = xstrdup(names.names[p->n]);
				p->n++;
			}
			double y = cd_num(rs, r, yc[j]);
			if (!isfinite(x) || !isfinite(y)) {
				p->skipped++;
				continue;
			}
			series_add(&p->s[s], x, y);
		}
	}
	while (p->n < names.n) {   /* series that had no row at all */
		p->s = xgrow(p->s, &scap, (size_t)p->n + 1, sizeof *p->s);
		memset(&p->s[p->n], 0, sizeof p->s[p->n]);
		p->s[p->n].name = xstrdup(names.names[p->n]);
		p->n++;
	}
	p->nseries_all = sc >= 0 ? seen.n : names.n;
	cd_cats_free(&seen);
	cd_cats_free(&names);
	free(yc);
	sb_free(&b);
}

void
cd_points_free(struct cd_points *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->s[i].name);
		free(p->s[i].x);
		free(p->s[i].y);
	}
	free(p->s);
	cd_cats_free(&p->xcats);
	memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------ values */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double *
cd_column_values(const struct rowset *rs, int col, int64_t *n, int64_t *skipped)
{
	double *v = xmalloc(sizeof *v * (size_t)(rs->nrows + 1));
	int64_t k = 0, sk = 0;
	for (int64_t r = 0; r < rs->nrows; r++) {
		double x = cd_num(rs, r, col);
		if (isfinite(x))
			v[k++] = x;
		else
			sk++;
	}
	qsort(v, (size_t)k, sizeof *v, cmp_double);
	*n = k;
	*skipped = sk;
	return v;
}

double
cd_quantile(const double *x, int64_t n, double p)
{
	if (n <= 0)
		return NAN;
	double h = (double)(n - 1) * p;
	int64_t lo = (int64_t)floor(h);
	if (lo >= n - 1)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

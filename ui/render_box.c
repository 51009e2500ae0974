/*
 * render_box: DuckDB-style tables.
 *
 *   ┌────────┬─────────┐
 *   │   a    │    b    │     names, centred
 *   │ bigint │ varchar │     types (show_types)
 *   ├────────┼─────────┤
 *   │     42 │ hello   │     numbers right, everything else left
 *   │      · │   ·     │     three rows of dots where rows are elided
 *   │     99 │ bye     │
 *   ├────────┴─────────┤
 *   │     100 rows     │     a footer only when something is hidden or
 *   │    (40 shown)    │     there are no rows; on one line, with
 *   └──────────────────┘     "9 columns (5 shown)" on the right, when
 *                            the table is wide enough
 *
 * Memory. No column width is known until the last row has been seen, so
 * rows are kept, but only the ones that will be shown: the first max_rows
 * rows (all of them are shown when the result turns out to be that small)
 * and a ring of the last max_rows/2 rows past those. Of each chunk only
 * its last max_rows/2 rows can still end up in the ring, so a 42 M-row
 * result costs a few formatted rows per chunk and max_rows*1.5 rows of
 * memory. Rows are kept as display text (escaped, measured once).
 *
 * Fitting max_width. Columns start at their natural width (widest of
 * name, type and shown values). If the table is too wide, the widest
 * columns are shrunk first, down to a floor (BOX_SHRINK_MIN columns for
 * text; numbers, dates and timestamps are never cut, since a truncated
 * number reads as a different number). If even the floors do not fit,
 * middle columns are hidden behind a "…" column, keeping columns from
 * both ends, as DuckDB does, and the room left is given back to the
 * shrunk columns.
 */
#include "ui/render_priv.h"

#include "core/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define BOX_SHRINK_MIN 10   /* text columns are not cut below this */
#define BOX_DOT_ROWS 3      /* rows of "·" marking elided rows */

struct box_cell {
	uint32_t off, len;      /* display text in the row's buffer */
	int width;              /* terminal columns */
	bool null;
};

struct box_row {
	struct strbuf text;     /* every cell's display text, back to back */
	struct box_cell *cells; /* ncol */
};

struct box_state {
	int64_t head_cap;       /* rows kept from the start (INT64_MAX: all) */
	int64_t tail_n;         /* rows kept from the end */
	struct box_row *head;
	size_t head_alloc;      /* slots allocated */
	int64_t nhead;          /* slots in use */
	struct box_row *ring;   /* row g >= head_cap lives in
				 * ring[(g - head_cap) % tail_n] */
	size_t ring_alloc;      /* slots allocated (grows up to tail_n) */
};

struct box_glyphs {
	const char *h, *v;
	const char *tl, *tm, *tr;   /* top: left, middle junction, right */
	const char *ml, *mm, *mr;   /* separator lines */
	const char *bl, *bm, *br;   /* bottom */
	const char *trunc;          /* end of a cut value */
	int trunc_w;
	const char *dot;            /* elided rows */
	const char *hidden;         /* the column standing for hidden ones */
	int hidden_w;
};

static const struct box_glyphs glyphs_utf8 = {
	"─", "│", "┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘",
	"…", 1, "·", "…", 1,
};

static const struct box_glyphs glyphs_ascii = {
	"-", "|", "+", "+", "+", "+", "+", "+", "+", "+", "+",
	"...", 3, ".", "...", 3,
};

/* One column as drawn: a result column, or the "…" standing for hidden
 * ones (src < 0). */
struct box_col {
	int src;
	int w;                  /* content width (without the padding) */
	bool right;
	int dot;                /* offset of "·" in elision rows */
};

static void
row_free(struct box_row *row)
{
	sb_free(&row->text);
	free(row->cells);
	row->cells = NULL;
}

static void
box_reset(struct render_sink *r)
{
	struct box_state *st = r->state;
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->head_alloc; i++)
		row_free(&st->head[i]);
	free(st->head);
	for (size_t i = 0; i < st->ring_alloc; i++)
		row_free(&st->ring[i]);
	free(st->ring);
	free(st);
	r->state = NULL;
}

int64_t
render_box_buffered(const struct render_sink *r)
{
	const struct box_state *st = r->state;
	if (st == NULL)
		return 0;
	int64_t in_ring = r->rows - st->head_cap;
	if (in_ring < 0)
		in_ring = 0;
	if (in_ring > st->tail_n)
		in_ring = st->tail_n;
	return st->nhead + in_ring;
}

static int
box_begin(struct render_sink *r, struct wb_error *err)
{
	struct box_state *st = xcalloc(1, sizeof *st);
	if (r->o.max_rows > 0) {
		st->head_cap = r->o.max_rows;
		st->tail_n = r->o.max_rows / 2;
	} else {
		st->head_cap = INT64_MAX;
	}
	r->state = st;
	return 0;
}

/* Slot i of a lazily grown row array (slots keep their memory for reuse). */
static struct box_row *
slot(struct box_row **rows, size_t *alloc, size_t i)
{
	if (i >= *alloc) {
		size_t old = *alloc;
		*rows = xgrow(*rows, alloc, i + 1, sizeof **rows);
		memset(*rows + old, 0, (*alloc - old) * sizeof **rows);
	}
	return &(*rows)[i];
}

/* Format row i of c into a row slot (reusing its memory). */
static void
store_row(struct render_sink *r, struct box_row *row, const struct chunk *c, int i)
{
	sb_clear(&row->text);
	if (row->cells == NULL)
		row->cells = xcalloc((size_t)r->ncol + 1, sizeof *row->cells);
	for (int col = 0; col < c->ncol; col++) {
		const struct vec *v = &c->cols[col];
		struct box_cell *cell = &row->cells[col];
		cell->off = (uint32_t)row->text.len;
		cell->null = false;
		if (vec_is_null(v, i) || v->type == WB_TYPE_NULL) {
			cell->null = true;
			cell->width = 0;
		} else if (v->type == WB_TYPE_VARCHAR) {
			wb_str s = vec_str_at(v, i);
			cell->width = render_escape_display(&row->text, s.p, s.n);
		} else {
			/* other types format to printable ASCII */
			render_format_value(v, i, &row->text);
			cell->width = (int)(row->text.len - cell->off);
		}
		cell->len = (uint32_t)(row->text.len - cell->off);
	}
}

static int
box_chunk(struct render_sink *r, const struct chunk *c, struct wb_error *err)
{
	struct box_state *st = r->state;
	int64_t seen = r->rows;
	int i;
	for (i = 0; i < c->n && seen + i < st->head_cap; i++) {
		store_row(r, slot(&st->head, &st->head_alloc, (size_t)st->nhead), c, i);
		st->nhead++;
	}
	if (st->tail_n > 0 && i < c->n) {
		/* rows i.. are past the head; only the last tail_n can be shown */
		int64_t from = c->n - st->tail_n;
		if (from < i)
			from = i;
		for (int64_t k = from; k < c->n; k++) {
			int64_t g = seen + k;
			size_t at = (size_t)((g - st->head_cap) % st->tail_n);
			store_row(r, slot(&st->ring, &st->ring_alloc, at), c, (int)k);
		}
	}
	return 0;
}

/* Choose which columns to show and how wide. In: natural widths w[],
 * floors m[] (m <= w). Out: widths W[] for shown columns, *nleft and
 * *nright shown at each end (nleft + nright == n when nothing is hidden).
 * max_width <= 0 means unlimited. */
static void
box_layout(int n, const int *w, const int *m, int max_width, int hidden_w,
    int *W, int *nleft, int *nright)
{
	int total = 1;
	for (int i = 0; i < n; i++)
		total += w[i] + 3;
	*nleft = n;
	*nright = 0;
	memcpy(W, w, sizeof(int) * (size_t)n);
	if (max_width <= 0 || total <= max_width)
		return;

	int fixed = 1, minsum = 1;
	for (int i = 0; i < n; i++)
		minsum += m[i] + 3;
	if (minsum > max_width) {
		/* Hide middle columns: take them from the outside in,
		 * alternating left and right, while their floors fit. */
		int avail = max_width - 1 - (hidden_w + 3);
		int used = m[0] + 3, l = 1, rr = 0;
		bool left = false;   /* the next one to try is the last column */
		while (l + rr < n) {
			int idx = left ? l : n - 1 - rr;
			if (used + m[idx] + 3 > avail)
				break;
			used += m[idx] + 3;
			if (left)
				l++;
			else
				rr++;
			left = !left;
		}
		*nleft = l;
		*nright = rr;
		if (l + rr < n)
			fixed += hidden_w + 3;
		else
			*nleft = n, *nright = 0;
	}
	/* Visible columns, in order. */
	int nv = *nleft + *nright;
	int *vw = xcalloc((size_t)nv + 1, sizeof(int)), *vm = xcalloc((size_t)nv + 1, sizeof(int));
	int maxw = 0;
	for (int k = 0; k < nv; k++) {
		int idx = k < *nleft ? k : n - nv + k;
		vw[k] = w[idx];
		vm[k] = m[idx];
		if (vw[k] > maxw)
			maxw = vw[k];
		fixed += 3;
	}
	/* Largest cap C such that widths max(m, min(w, C)) fit: shrinking
	 * the widest columns first. */
	int lo = 0, hi = maxw;
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2, sum = fixed;
		for (int k = 0; k < nv; k++)
			sum += vm[k] > (vw[k] < mid ? vw[k] : mid) ? vm[k] : (vw[k] < mid ? vw[k] : mid);
		if (sum <= max_width)
			lo = mid;
		else
			hi = mid - 1;
	}
	int sum = fixed;
	for (int k = 0; k < nv; k++) {
		int c = vw[k] < lo ? vw[k] : lo;
		W[k] = vm[k] > c ? vm[k] : c;
		sum += W[k];
	}
	/* The integer cap leaves up to one column per capped column
	 * unused; hand it out from the left. */
	for (int k = 0; k < nv && sum < max_width; k++) {
		if (W[k] < vw[k] && W[k] == lo) {
			W[k]++;
			sum++;
		}
	}
	free(vw);
	free(vm);
}

enum box_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/* Append display-safe text s (width sw) in a field of width W: cut with
 * the truncation mark if too wide, padded per alignment otherwise. */
static void
put_field(struct strbuf *out, const char *s, size_t n, int sw, int W, enum box_align a,
    const struct box_glyphs *g)
{
	if (sw > W) {
		int keep = W > g->trunc_w ? W - g->trunc_w : W, kw;
		size_t b = render_fit_prefix(s, n, keep, &kw);
		if (a == ALIGN_RIGHT && W > g->trunc_w)
			sb_repeat(out, " ", keep - kw);
		sb_add(out, s, b);
		if (W > g->trunc_w)
			sb_puts(out, g->trunc);
		if (a != ALIGN_RIGHT || W <= g->trunc_w)
			sb_repeat(out, " ", keep - kw);
		return;
	}
	int pad = W - sw, left = a == ALIGN_RIGHT ? pad : a == ALIGN_CENTER ? pad / 2 : 0;
	sb_repeat(out, " ", left);
	sb_add(out, s, n);
	sb_repeat(out, " ", pad - left);
}

struct box_text {
	char *s;
	size_t n;
	int w;
};

static void
escape_into(struct box_text *t, const char *s)
{
	struct strbuf b = STRBUF_INIT;
	t->w = render_escape_display(&b, s, strlen(s));
	t->n = b.len;
	t->s = sb_detach(&b);
}

/* Everything drawing needs, measured and laid out. */
struct box_draw {
	const struct box_glyphs *g;
	struct strbuf *out;
	const struct box_row **show;  /* rows shown, in order */
	int64_t nshow;
	int64_t dots_at;              /* dots before show[dots_at]; -1: none */
	struct box_text *names, *types, null;
	struct box_col *cols;         /* as drawn, "…" column included */
	int nc;
	int nvisible;                 /* result columns drawn */
	int width;                    /* of the whole table */
};

/* Pick the rows to show: all, or the head and the tail around the dots. */
static void
collect_rows(struct render_sink *r, struct box_draw *d)
{
	struct box_state *st = r->state;
	int64_t total = r->rows;
	bool elided = total > st->head_cap;
	d->nshow = elided ? st->head_cap : total;
	d->dots_at = -1;
	d->show = xcalloc((size_t)d->nshow + 1, sizeof *d->show);
	if (!elided) {
		for (int64_t k = 0; k < d->nshow; k++)
			d->show[k] = &st->head[k];
		return;
	}
	int64_t head_n = st->head_cap - st->tail_n;
	for (int64_t k = 0; k < head_n; k++)
		d->show[k] = &st->head[k];
	d->dots_at = head_n;
	for (int64_t k = 0; k < st->tail_n; k++) {
		int64_t gi = total - st->tail_n + k;
		d->show[head_n + k] = gi < st->head_cap ? &st->head[gi]
		    : &st->ring[(gi - st->head_cap) % st->tail_n];
	}
}

/* Measure every column, choose the visible ones and their widths. */
static void
layout_columns(struct render_sink *r, struct box_draw *d)
{
	int n = r->ncol;
	d->names = xcalloc((size_t)n, sizeof *d->names);
	d->types = xcalloc((size_t)n, sizeof *d->types);
	escape_into(&d->null, r->null_text);
	int *w = xcalloc((size_t)n, sizeof(int)), *m = xcalloc((size_t)n, sizeof(int));
	int *W = xcalloc((size_t)n, sizeof(int)), *avg = xcalloc((size_t)n, sizeof(int));
	for (int i = 0; i < n; i++) {
		escape_into(&d->names[i], r->names[i]);
		/* types in lower case under the names, as DuckDB shows them */
		char tn[32];
		const char *t = type_name(r->types[i]);
		size_t k;
		for (k = 0; t[k] && k + 1 < sizeof tn; k++)
			tn[k] = (char)tolower((unsigned char)t[k]);
		tn[k] = '\0';
		escape_into(&d->types[i], tn);

		int vw = 0;
		int64_t sumw = 0, cnt = 0;
		for (int64_t row = 0; row < d->nshow; row++) {
			const struct box_cell *c = &d->show[row]->cells[i];
			int cw = c->null ? d->null.w : c->width;
			if (cw > vw)
				vw = cw;
			if (!c->null) {
				sumw += cw;
				cnt++;
			}
		}
		w[i] = d->names[i].w;
		if (r->o.show_types && d->types[i].w > w[i])
			w[i] = d->types[i].w;
		if (vw > w[i])
			w[i] = vw;
		if (w[i] < 1)
			w[i] = 1;
		avg[i] = cnt ? (int)(sumw / cnt) : 1;
		m[i] = w[i] < BOX_SHRINK_MIN ? w[i] : BOX_SHRINK_MIN;
		if (r->types[i] != WB_TYPE_VARCHAR && vw > m[i])
			m[i] = vw;      /* never cut numbers, dates, ... */
	}

	int nleft, nright;
	box_layout(n, w, m, r->o.max_width, d->g->hidden_w, W, &nleft, &nright);
	bool hidden = nleft + nright < n;
	d->nvisible = nleft + nright;
	d->nc = d->nvisible + (hidden ? 1 : 0);
	d->cols = xcalloc((size_t)d->nc, sizeof *d->cols);
	d->width = 1;
	for (int k = 0, wi = 0; k < d->nc; k++) {
		struct box_col *c = &d->cols[k];
		if (hidden && k == nleft) {
			c->src = -1;
			c->w = d->g->hidden_w;
			c->dot = d->g->hidden_w / 2;
		} else {
			c->src = k < nleft ? k : n - (d->nc - k);
			c->w = W[wi++];
			c->right = render_type_is_right(r->types[c->src]);
			/* Dots sit under the digits of numbers and near the
			 * middle of typical values of text, as DuckDB's do. */
			c->dot = c->right ? c->w - 1 : avg[c->src] / 2;
			if (c->dot >= c->w)
				c->dot = c->w - 1;
		}
		d->width += c->w + 3;
	}
	free(w);
	free(m);
	free(W);
	free(avg);
}

/* Make the last column wider (the table grows) by `extra` columns. */
static void
widen_last(struct box_draw *d, int extra)
{
	struct box_col *c = &d->cols[d->nc - 1];
	c->w += extra;
	if (c->right)
		c->dot = c->w - 1;
	d->width += extra;
}

static void
put_rule(struct box_draw *d, const char *l, const char *mid, const char *rgt)
{
	sb_puts(d->out, l);
	for (int k = 0; k < d->nc; k++) {
		if (k > 0)
			sb_puts(d->out, mid);
		sb_repeat(d->out, d->g->h, d->cols[k].w + 2);
	}
	sb_puts(d->out, rgt);
	sb_putc(d->out, '\n');
}

/* A header line: names (line 0) or types (line 1), centred. */
static void
put_header(struct box_draw *d, int line)
{
	sb_puts(d->out, d->g->v);
	for (int k = 0; k < d->nc; k++) {
		const struct box_col *c = &d->cols[k];
		sb_putc(d->out, ' ');
		if (c->src < 0) {
			sb_puts(d->out, d->g->hidden);
		} else {
			const struct box_text *t = line == 0 ? &d->names[c->src] : &d->types[c->src];
			put_field(d->out, t->s, t->n, t->w, c->w, ALIGN_CENTER, d->g);
		}
		sb_putc(d->out, ' ');
		sb_puts(d->out, d->g->v);
	}
	sb_putc(d->out, '\n');
}

static void
put_row(struct box_draw *d, const struct box_row *row)
{
	sb_puts(d->out, d->g->v);
	for (int k = 0; k < d->nc; k++) {
		const struct box_col *c = &d->cols[k];
		sb_putc(d->out, ' ');
		if (c->src < 0) {
			sb_puts(d->out, d->g->hidden);
		} else {
			const struct box_cell *cell = &row->cells[c->src];
			enum box_align a = c->right ? ALIGN_RIGHT : ALIGN_LEFT;
			if (cell->null)
				put_field(d->out, d->null.s, d->null.n, d->null.w, c->w, a, d->g);
			else
				put_field(d->out, row->text.s + cell->off, cell->len, cell->width, c->w, a, d->g);
		}
		sb_putc(d->out, ' ');
		sb_puts(d->out, d->g->v);
	}
	sb_putc(d->out, '\n');
}

static void
put_dots(struct box_draw *d)
{
	for (int line = 0; line < BOX_DOT_ROWS; line++) {
		sb_puts(d->out, d->g->v);
		for (int k = 0; k < d->nc; k++) {
			const struct box_col *c = &d->cols[k];
			sb_putc(d->out, ' ');
			sb_repeat(d->out, " ", c->dot);
			sb_puts(d->out, d->g->dot);
			sb_repeat(d->out, " ", c->w - c->dot - 1);
			sb_putc(d->out, ' ');
			sb_puts(d->out, d->g->v);
		}
		sb_putc(d->out, '\n');
	}
}

/* The footer's pieces: "42,448,764 rows" "(40 shown)" "9 columns" "(5 shown)". */
struct box_footer {
	char rows[48], rows_shown[48], cols[48], cols_shown[48];
	char left[100], right[100];   /* rows and shown; columns and shown */
};

static void
make_footer(struct box_footer *f, int64_t total, int64_t nshow, bool elided, int ncol, int nvisible)
{
	char num[32];
	bool hidden = nvisible < ncol;
	render_group_digits(total, num);
	snprintf(f->rows, sizeof f->rows, "%s row%s", num, total == 1 ? "" : "s");
	f->rows_shown[0] = f->cols[0] = f->cols_shown[0] = '\0';
	if (elided) {
		render_group_digits(nshow, num);
		snprintf(f->rows_shown, sizeof f->rows_shown, "(%s shown)", num);
	}
	if (ncol > 1 && (elided || hidden)) {
		render_group_digits(ncol, num);
		snprintf(f->cols, sizeof f->cols, "%s columns", num);
	}
	if (hidden) {
		render_group_digits(nvisible, num);
		snprintf(f->cols_shown, sizeof f->cols_shown, "(%s shown)", num);
	}
	snprintf(f->left, sizeof f->left, "%s%s%s", f->rows, f->rows_shown[0] ? " " : "", f->rows_shown);
	snprintf(f->right, sizeof f->right, "%s%s%s", f->cols, f->cols_shown[0] ? " " : "", f->cols_shown);
}

/* Narrowest inner width the footer fits in, broken into its pieces. */
static int
footer_need(const struct box_footer *f)
{
	const char *pieces[] = {f->rows, f->rows_shown, f->cols, f->cols_shown};
	int need = 0;
	for (int k = 0; k < 4; k++)
		if ((int)strlen(pieces[k]) > need)
			need = (int)strlen(pieces[k]);
	return need;
}

static void
footer_line(struct box_draw *d, const char *s, enum box_align a)
{
	int inner = d->width - 4;
	sb_puts(d->out, d->g->v);
	sb_putc(d->out, ' ');
	put_field(d->out, s, strlen(s), (int)strlen(s), inner, a, d->g);
	sb_putc(d->out, ' ');
	sb_puts(d->out, d->g->v);
	sb_putc(d->out, '\n');
}

/* One line "rows ... columns" when it fits, as DuckDB does; otherwise
 * the pieces centred on lines of their own. */
static void
put_footer(struct box_draw *d, struct box_footer *f, bool hidden)
{
	int inner = d->width - 4;
	int oneline = (int)(strlen(f->left) + 2 + strlen(f->right));
	/* "N columns" alone is news only next to the rows; when the table
	 * is too narrow for that, DuckDB drops it, and so do we. */
	if (!hidden && oneline > inner)
		f->right[0] = '\0';
	if (f->right[0] && oneline <= inner) {
		char line[256];
		snprintf(line, sizeof line, "%s%*s", f->left, inner - (int)strlen(f->left), f->right);
		footer_line(d, line, ALIGN_LEFT);
	} else {
		if ((int)strlen(f->left) <= inner) {
			footer_line(d, f->left, ALIGN_CENTER);
		} else {
			footer_line(d, f->rows, ALIGN_CENTER);
			footer_line(d, f->rows_shown, ALIGN_CENTER);
		}
		if (f->right[0] && (int)strlen(f->right) <= inner) {
			footer_line(d, f->right, ALIGN_CENTER);
		} else if (f->right[0]) {
			footer_line(d, f->cols, ALIGN_CENTER);
			footer_line(d, f->cols_shown, ALIGN_CENTER);
		}
	}
}

static void
box_draw_free(struct box_draw *d, int n)
{
	for (int i = 0; i < n; i++) {
		free(d->names[i].s);
		free(d->types[i].s);
	}
	free(d->names);
	free(d->types);
	free(d->null.s);
	free(d->cols);
	free(d->show);
}

static int
box_end(struct render_sink *r, struct wb_error *err)
{
	struct box_draw d = {0};
	int64_t total = r->rows;
	int rc = 0;
	if (r->ncol == 0)
		return 0;
	d.g = r->o.utf8 ? &glyphs_utf8 : &glyphs_ascii;
	d.out = &r->buf;
	collect_rows(r, &d);
	layout_columns(r, &d);

	/* A footer when rows or columns are hidden, or there are no rows;
	 * small complete results have none, as in DuckDB. */
	bool elided = d.dots_at >= 0, hidden = d.nvisible < r->ncol;
	bool footer = elided || hidden || total == 0;
	struct box_footer f;
	make_footer(&f, total, d.nshow, elided, r->ncol, d.nvisible);
	if (footer && footer_need(&f) > d.width - 4)
		widen_last(&d, footer_need(&f) - (d.width - 4));

	put_rule(&d, d.g->tl, d.g->tm, d.g->tr);
	put_header(&d, 0);
	if (r->o.show_types)
		put_header(&d, 1);
	put_rule(&d, d.g->ml, total > 0 ? d.g->mm : d.g->bm, d.g->mr);
	for (int64_t k = 0; k < d.nshow; k++) {
		if (k == d.dots_at)
			put_dots(&d);
		put_row(&d, d.show[k]);
		if (d.out->len > (1u << 20) && (rc = render_flush(r, err)) < 0)
			break;
	}
	if (d.dots_at == d.nshow)
		put_dots(&d);   /* max_rows 1: nothing after the dots */
	if (!footer) {
		put_rule(&d, d.g->bl, d.g->bm, d.g->br);
	} else {
		if (total > 0)
			put_rule(&d, d.g->ml, d.g->bm, d.g->mr);
		put_footer(&d, &f, hidden);
		sb_puts(d.out, d.g->bl);
		sb_repeat(d.out, d.g->h, d.width - 2);
		sb_puts(d.out, d.g->br);
		sb_putc(d.out, '\n');
	}
	box_draw_free(&d, r->ncol);
	return rc;
}

const struct render_ops render_box_ops = {
	.begin = box_begin,
	.chunk = box_chunk,
	.end = box_end,
	.reset = box_reset,
	.print_messages = true,
};

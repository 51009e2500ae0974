/*
 * tui_grid: the result grid - a table with a frozen header, a cell cursor
 * and an order, drawing only the rows and columns on screen (a cell is
 * formatted when it is drawn, so a million-row result costs what its
 * visible window costs).
 *
 * Column widths are fitted to a sample (the header and the first 1,000
 * rows, at most 40 columns; _ fits one to its values). Numbers are
 * right-aligned, NULL dimmed, control characters escaped.
 *
 * Sorting, the frequency table and search are in memory, on the stored
 * rows, as VisiData does, and run as jobs so that the screen stays live on
 * big results. A result cut short by the store's bound would lie if
 * sorted or counted in memory: then sort and frequency go through the
 * session instead (the query wrapped in ORDER BY / GROUP BY) and open in
 * a new view. Describe is always SUMMARIZE of the query, through the
 * session.
 */
#include "ui/tui_int.h"
#include "core/hash.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"
#include "ui/render.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SAMPLE_ROWS 1000
#define MAX_COL_WIDTH 40
#define FIT_ROWS 100000
#define BAR_WIDTH 30

struct grid_view {
	struct tui_view base;
	struct tui_table *t;
	enum tui_grid_kind kind;
	char *label;
	char *source;            /* a history's table */
	int64_t *orig;           /* the rows in their own order (NULL: all, in order) */
	int64_t norig;
	int64_t *idx;            /* the rows as shown (sorted), or NULL: orig */
	int64_t row, top;        /* cursor and first shown, in shown order */
	int col, left;           /* cursor column, first shown column */
	int *width;
	int *sampled;            /* widths from the sample (for _ again) */
	int *order;              /* real columns in display order: frozen ones first */
	int nfrozen;
	int sort_col;            /* -1: the query's order */
	bool sort_desc;
	pcre2_code *re;
	char *pattern;
	bool rownum;
	uint64_t parent;         /* a frequency table's grid */
	int parent_col;
	int rank_col;            /* a leaderboard's metric, or -1 */
};

static const struct tui_view_ops grid_ops;
static void grid_freeze(struct tui_app *app, struct grid_view *g, int c);

static int64_t
nrows(const struct grid_view *g)
{
	return g->orig ? g->norig : g->t->rs->nrows;
}

/* The rowset row shown at position r. */
static int64_t
row_at(const struct grid_view *g, int64_t r)
{
	if (g->idx)
		return g->idx[r];
	return g->orig ? g->orig[r] : r;
}

static bool
is_numeric(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE;
}

static void
sample_widths(struct grid_view *g)
{
	const struct rowset *rs = g->t->rs;
	struct strbuf sb = STRBUF_INIT;
	for (int c = 0; c < rs->ncol; c++) {
		int w = tui_width(rs->names[c], strlen(rs->names[c]));
		int64_t n = nrows(g) < SAMPLE_ROWS ? nrows(g) : SAMPLE_ROWS;
		for (int64_t r = 0; r < n; r++) {
			sb_clear(&sb);
			tui_cell_text(g->t, row_at(g, r), c, &sb, NULL);
			int cw = tui_width(sb_str(&sb), sb.len);
			if (cw > w)
				w = cw;
			if (w >= MAX_COL_WIDTH)
				break;
		}
		if (w > MAX_COL_WIDTH)
			w = MAX_COL_WIDTH;
		if (w < 1)
			w = 1;
		g->width[c] = g->sampled[c] = w;
	}
	sb_free(&sb);
}

struct tui_view *
tui_grid_new(struct tui_app *app, struct tui_table *t, enum tui_grid_kind kind, const char *label)
{
	struct grid_view *g = xcalloc(1, sizeof *g);
	g->base.ops = &grid_ops;
	g->base.id = tui_view_id(app);
	g->t = tui_table_ref(t);
	g->kind = kind;
	g->label = xstrdup(label ? label : "Result");
	int ncol = t->rs->ncol > 0 ? t->rs->ncol : 1;
	g->width = xcalloc((size_t)ncol, sizeof *g->width);
	g->sampled = xcalloc((size_t)ncol, sizeof *g->sampled);
	g->order = xcalloc((size_t)ncol, sizeof *g->order);
	for (int c = 0; c < ncol; c++)
		g->order[c] = c;
	g->sort_col = -1;
	g->rank_col = -1;
	g->rownum = kind == TUI_GRID_RUNS;
	sample_widths(g);
	if (kind == TUI_GRID_RUNS)
		for (int c = 0; c < t->rs->ncol; c++)
			if (strcmp(t->rs->names[c], "run_name") == 0)
				grid_freeze(app, g, c);
	return &g->base;
}

void
tui_grid_set_parent(struct tui_view *v, struct tui_view *parent, int col)
{
	struct grid_view *g = (struct grid_view *)v;
	g->parent = parent ? parent->id : 0;
	g->parent_col = col;
}

void
tui_grid_set_rows(struct tui_view *v, int64_t *idx, int64_t n)
{
	struct grid_view *g = (struct grid_view *)v;
	free(g->orig);
	free(g->idx);
	g->idx = NULL;
	g->orig = idx;
	g->norig = n;
	g->row = g->top = 0;
	sample_widths(g);
}

void
tui_grid_set_source(struct tui_view *v, const char *what)
{
	struct grid_view *g = (struct grid_view *)v;
	free(g->source);
	g->source = what ? xstrdup(what) : NULL;
}

enum tui_scope
tui_grid_scope2(struct tui_view *v)
{
	struct grid_view *g = (struct grid_view *)v;
	return g->kind == TUI_GRID_RUNS ? TUI_SC_RUNS : TUI_SC__COUNT;
}

static void
grid_free(struct tui_view *v)
{
	struct grid_view *g = (struct grid_view *)v;
	tui_table_unref(g->t);
	free(g->label);
	free(g->source);
	free(g->orig);
	free(g->idx);
	free(g->width);
	free(g->sampled);
	free(g->order);
	if (g->re)
		pcre2_code_free(g->re);
	free(g->pattern);
	free(g);
}

/* ------------------------------------------------------------ drawing */

static bool
cell_matches(const pcre2_code *re, pcre2_match_data *md, const char *s, size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

static int
gutter_width(const struct grid_view *g)
{
	if (!g->rownum)
		return 0;
	char b[32];
	return render_group_digits(nrows(g), b) + 1;
}

/* Position of real column c in the display order. */
static int
pos_of(const struct grid_view *g, int c)
{
	for (int p = 0; p < g->t->rs->ncol; p++)
		if (g->order[p] == c)
			return p;
	return 0;
}

static int
frozen_width(const struct grid_view *g)
{
	int w = 0;
	for (int p = 0; p < g->nfrozen; p++)
		w += g->width[g->order[p]] + 3;
	return w;
}

/* Keep the cursor on screen: rows of `page`, columns within `avail`
 * (the frozen columns first, then the scrolled ones from g->left, a
 * position in the display order). */
static void
scroll_into_view(struct grid_view *g, int page, int avail)
{
	int64_t n = nrows(g);
	if (g->row >= n)
		g->row = n - 1;
	if (g->row < 0)
		g->row = 0;
	if (page < 1)
		page = 1;
	if (g->row < g->top)
		g->top = g->row;
	if (g->row >= g->top + page)
		g->top = g->row - page + 1;
	if (g->top > n - page)
		g->top = n - page;
	if (g->top < 0)
		g->top = 0;
	int ncol = g->t->rs->ncol;
	if (g->col >= ncol)
		g->col = ncol - 1;
	if (g->col < 0)
		g->col = 0;
	if (g->left < g->nfrozen)
		g->left = g->nfrozen;
	int cp = pos_of(g, g->col);
	if (cp < g->nfrozen)
		return;
	if (cp < g->left)
		g->left = cp;
	avail -= frozen_width(g);
	for (;;) {
		int used = 0;
		for (int p = g->left; p <= cp; p++)
			used += g->width[g->order[p]] + 3;
		if (used <= avail || g->left >= cp)
			break;
		g->left++;
	}
}

/* The real columns on screen, in the order they are drawn; returns how
 * many (into cols, which has room for every column). */
static int
shown_columns(const struct grid_view *g, int avail, int *cols)
{
	int n = 0, used = 0;
	for (int p = 0; p < g->nfrozen && used < avail; p++) {
		cols[n++] = g->order[p];
		used += g->width[g->order[p]] + 3;
	}
	for (int p = g->left; p < g->t->rs->ncol && used < avail; p++) {
		cols[n++] = g->order[p];
		used += g->width[g->order[p]] + 3;
	}
	return n;
}

/* Widen the columns on screen to what their shown cells need (up to the
 * cap): the sample saw the first rows only. Widths only grow, so the grid
 * does not jitter while scrolling back. */
static void
grow_widths(struct grid_view *g, int page, int avail)
{
	const struct rowset *rs = g->t->rs;
	struct strbuf sb = STRBUF_INIT;
	int *cols = xcalloc((size_t)rs->ncol, sizeof *cols);
	int nc = shown_columns(g, avail, cols);
	for (int k = 0; k < nc; k++) {
		int c = cols[k];
		if (g->width[c] != g->sampled[c])
			continue;       /* fitted by hand (_) */
		int w = g->width[c];
		int hw = tui_width(rs->names[c], strlen(rs->names[c])) + (g->sort_col == c);
		if (hw > w)
			w = hw;
		for (int64_t r = g->top; r < g->top + page && r < nrows(g) && w < MAX_COL_WIDTH; r++) {
			sb_clear(&sb);
			tui_cell_text(g->t, row_at(g, r), c, &sb, NULL);
			int cw = tui_width(sb_str(&sb), sb.len);
			if (cw > w)
				w = cw;
		}
		if (w > MAX_COL_WIDTH)
			w = MAX_COL_WIDTH;
		g->width[c] = g->sampled[c] = w;
	}
	free(cols);
	sb_free(&sb);
}

static void
grid_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct grid_view *g = (struct grid_view *)v;
	const struct rowset *rs = g->t->rs;
	const struct tui_glyphs *gl = tui_glyphs();
	int page = r.h - 1;
	v->page = page;
	if (rs->ncol == 0 || r.w < 4 || r.h < 2) {
		tui_puts(r.y, r.x + 1, r.w - 1, "(no columns)", tui_attr(TUI_ST_DIM));
		return;
	}
	int gut = gutter_width(g);
	scroll_into_view(g, page, r.w - gut);
	grow_widths(g, page, r.w - gut);
	scroll_into_view(g, page, r.w - gut);
	int *cols = xcalloc((size_t)rs->ncol, sizeof *cols);
	int nc = shown_columns(g, r.w - gut, cols);
	/* header */
	int x = r.x + gut;
	int xend = r.x + r.w;
	attr_t ha = tui_attr(TUI_ST_HEADER);
	for (int k = 0; k < nc && x < xend; k++) {
		int c = cols[k];
		int w = g->width[c];
		char name[256];
		snprintf(name, sizeof name, "%s%s", rs->names[c],
		    g->sort_col == c ? (g->sort_desc ? gl->down : gl->up) : "");
		int cw = w < xend - x - 1 ? w : xend - x - 1;
		attr_t a = ha | (c == g->col ? A_UNDERLINE : 0);
		tui_put_cell(r.y, x + 1, cw, name, strlen(name), is_numeric(rs->types[c]), a);
		if (x + w + 2 < xend)
			tui_puts(r.y, x + w + 2, 1, k + 1 == g->nfrozen ? gl->v2 : gl->v, tui_attr(TUI_ST_DIM));
		x += w + 3;
	}
	/* rows */
	struct strbuf sb = STRBUF_INIT;
	pcre2_match_data *md = g->re ? pcre2_match_data_create_from_pattern(g->re, NULL) : NULL;
	int64_t n = nrows(g);
	for (int i = 0; i < page && g->top + i < n; i++) {
		int64_t vr = g->top + i;
		int64_t rr = row_at(g, vr);
		int y = r.y + 1 + i;
		bool cur = vr == g->row;
		attr_t rowa = cur ? tui_attr(focused ? TUI_ST_CURSOR_FOCUS : TUI_ST_CURSOR) : A_NORMAL;
		if (cur)
			tui_fill(y, r.x, r.w, rowa);
		if (gut > 0) {
			char num[32];
			render_group_digits(vr + 1, num);
			tui_put_cell(y, r.x, gut - 1, num, strlen(num), true, cur ? rowa : tui_attr(TUI_ST_DIM));
		}
		x = r.x + gut;
		for (int k = 0; k < nc && x < xend; k++) {
			int c = cols[k];
			int w = g->width[c];
			bool null;
			sb_clear(&sb);
			tui_cell_text(g->t, rr, c, &sb, &null);
			attr_t a = rowa;
			if (cur && c == g->col && focused)
				a = tui_attr(TUI_ST_CELL);
			else if (null && !cur)
				a = tui_attr(TUI_ST_NULL);
			else if (md && !cur && cell_matches(g->re, md, sb_str(&sb), sb.len))
				a = tui_attr(TUI_ST_MATCH);
			int cw = w < xend - x - 1 ? w : xend - x - 1;
			tui_put_cell(y, x + 1, cw, sb_str(&sb), sb.len, is_numeric(rs->types[c]) && !null, a);
			if (x + w + 2 < xend)
				tui_puts(y, x + w + 2, 1, k + 1 == g->nfrozen ? gl->v2 : gl->v, cur ? rowa : tui_attr(TUI_ST_DIM));
			x += w + 3;
		}
	}
	free(cols);
	if (n == 0)
		tui_puts(r.y + 1, r.x + 1, r.w - 1, "(no rows)", tui_attr(TUI_ST_DIM));
	if (md)
		pcre2_match_data_free(md);
	sb_free(&sb);
	/* where the cursor is, on the bottom border */
	char pos[200], a[32], b[32];
	render_group_digits(n ? g->row + 1 : 0, a);
	render_group_digits(n, b);
	snprintf(pos, sizeof pos, " row %s of %s %s %s %s ", a, b, gl->h, rs->names[g->col], type_name(rs->types[g->col]));
	int pw = tui_width(pos, strlen(pos));
	if (pw > r.w - 2)
		pw = r.w - 2;
	if (pw > 0)
		tui_puts(r.y + r.h, r.x + r.w - pw - 1, pw, pos, tui_attr(focused ? TUI_ST_BORDER_FOCUS : TUI_ST_BORDER));
}

/* ! on a column: freeze it at the left (as a key column), or unfreeze it. */
static void
grid_freeze(struct tui_app *app, struct grid_view *g, int c)
{
	int p = pos_of(g, c);
	if (p < g->nfrozen) {
		/* back among the others, after the frozen ones */
		memmove(g->order + p, g->order + p + 1, sizeof *g->order * (size_t)(g->nfrozen - p - 1));
		g->order[g->nfrozen - 1] = c;
		g->nfrozen--;
	} else {
		memmove(g->order + g->nfrozen + 1, g->order + g->nfrozen, sizeof *g->order * (size_t)(p - g->nfrozen));
		g->order[g->nfrozen++] = c;
	}
	g->left = g->nfrozen;
}

static void
grid_title(struct tui_view *v, struct strbuf *out)
{
	struct grid_view *g = (struct grid_view *)v;
	const struct tui_table *t = g->t;
	char n[32], k[32];
	sb_puts(out, g->label);
	render_group_digits(nrows(g), n);
	if (t->truncated && g->orig == NULL) {
		render_group_digits(t->total, n);
		render_group_digits(t->rs->nrows, k);
		sb_printf(out, " · first %s of %s rows kept", k, n);
	} else {
		sb_printf(out, " · %s row%s", n, nrows(g) == 1 ? "" : "s");
	}
	sb_printf(out, " × %d col%s", t->rs->ncol, t->rs->ncol == 1 ? "" : "s");
	if (g->sort_col >= 0 && g->kind == TUI_GRID_RUNS && g->sort_col == g->rank_col) {
		bool desc;
		sb_printf(out, " · ranked by %s, %s", t->rs->names[g->sort_col], tui_runs_metric_dir(t->rs->names[g->sort_col], &desc));
	} else if (g->sort_col >= 0) {
		sb_printf(out, " · sorted by %s %s", t->rs->names[g->sort_col], g->sort_desc ? "desc" : "asc");
	} else if (g->kind == TUI_GRID_RUNS) {
		sb_puts(out, " · m ranks by a metric");
	}
	if (g->pattern)
		sb_printf(out, " · /%s/", g->pattern);
	if (g->kind == TUI_GRID_RUNS && g->rank_col >= 0) {
		/* the ranking metric over the runs, oldest first (the hook
		 * draws nothing until charts are built in) */
		int64_t m = t->rs->nrows;
		double *vals = xcalloc((size_t)(m ? m : 1), sizeof *vals);
		int nv = 0;
		for (int64_t i = m - 1; i >= 0; i--) {
			struct wb_value val;
			rowset_get(t->rs, i, g->rank_col, &val);
			if (!val.is_null && val.type == WB_TYPE_DOUBLE)
				vals[nv++] = val.u.d;
			else if (!val.is_null && val.type == WB_TYPE_BIGINT)
				vals[nv++] = (double)val.u.i;
		}
		struct strbuf sp = STRBUF_INIT;
		if (nv > 1 && tui_hook_sparkline(vals, nv, 16, &sp) == 0)
			sb_printf(out, " · %s", sb_str(&sp));
		sb_free(&sp);
		free(vals);
	}
}

/* ------------------------------------------------------------ sorting */

/* Order of two non-NULL values of one type: numbers and times by value,
 * strings by bytes (UTF-8 code point order), anything else by its text. */
static int
value_cmp(const struct wb_value *a, const struct wb_value *b)
{
	switch (a->type) {
	case WB_TYPE_BOOL: return (int)a->u.b - (int)b->u.b;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	case WB_TYPE_DOUBLE: return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
	case WB_TYPE_VARCHAR: {
		uint32_t m = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
		int c = m ? memcmp(a->u.s.p, b->u.s.p, m) : 0;
		return c ? c : (a->u.s.n < b->u.s.n ? -1 : a->u.s.n > b->u.s.n);
	}
	default: {
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
		value_format(a, &x, "");
		value_format(b, &y, "");
		int c = strcmp(sb_str(&x), sb_str(&y));
		sb_free(&x);
		sb_free(&y);
		return c;
	}
	}
}

struct sort_key {
	int64_t row;
	int64_t pos;             /* position in the original order: stability */
	bool null;
	union {
		int64_t i;
		double d;
		wb_str s;
	} u;
};

struct sort_job {
	struct tui_table *t;
	int64_t *orig;           /* copy, or NULL */
	int64_t n;
	int col;
	bool desc;
	int64_t *out;
	int kind;                /* 0 int, 1 double, 2 string */
};

static int
key_cmp(const struct sort_key *a, const struct sort_key *b, int kind)
{
	if (a->null || b->null)
		return a->null == b->null ? 0 : a->null ? 1 : -1;
	switch (kind) {
	case 0: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	case 1: return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
	default: {
		uint32_t m = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
		int c = m ? memcmp(a->u.s.p, b->u.s.p, m) : 0;
		return c ? c : (a->u.s.n < b->u.s.n ? -1 : a->u.s.n > b->u.s.n);
	}
	}
}

static _Thread_local const struct sort_job *sorting;

static int
sort_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	int c = key_cmp(a, b, sorting->kind);
	/* NULLs last in both directions, as ORDER BY ... NULLS LAST */
	if (c != 0 && !a->null && !b->null && sorting->desc)
		c = -c;
	if (c == 0)
		c = a->pos < b->pos ? -1 : a->pos > b->pos;
	return c;
}

static void
sort_work(struct tui_app *app, struct tui_job *job)
{
	struct sort_job *sj = job->arg;
	const struct rowset *rs = sj->t->rs;
	wb_type ty = rs->types[sj->col];
	sj->kind = ty == WB_TYPE_DOUBLE ? 1 : (ty == WB_TYPE_BOOL || type_is_integer_like(ty)) ? 0 : 2;
	struct sort_key *keys = xcalloc((size_t)(sj->n ? sj->n : 1), sizeof *keys);
	struct arena text;
	arena_init(&text, 1 << 16);
	struct strbuf sb = STRBUF_INIT;
	for (int64_t i = 0; i < sj->n; i++) {
		if ((i & 4095) == 0 && tui_job_cancelled(app))
			break;
		int64_t row = sj->orig ? sj->orig[i] : i;
		struct wb_value v;
		rowset_get(rs, row, sj->col, &v);
		keys[i].row = row;
		keys[i].pos = i;
		keys[i].null = v.is_null;
		if (v.is_null)
			continue;
		switch (ty) {
		case WB_TYPE_BOOL: keys[i].u.i = v.u.b; break;
		case WB_TYPE_BIGINT:
		case WB_TYPE_DATE:
		case WB_TYPE_TIMESTAMP: keys[i].u.i = v.u.i; break;
		case WB_TYPE_DOUBLE: keys[i].u.d = v.u.d; break;
		case WB_TYPE_VARCHAR: keys[i].u.s = v.u.s; break;
		default:
			/* intervals and lists: by their text */
			sb_clear(&sb);
			value_format(&v, &sb, "");
			keys[i].u.s.p = arena_strndup(&text, sb_str(&sb), sb.len);
			keys[i].u.s.n = (uint32_t)sb.len;
			break;
		}
	}
	sb_free(&sb);
	if (!tui_job_cancelled(app)) {
		sorting = sj;
		qsort(keys, (size_t)sj->n, sizeof *keys, sort_cmp);
		sorting = NULL;
		sj->out = xmalloc((size_t)(sj->n ? sj->n : 1) * sizeof *sj->out);
		for (int64_t i = 0; i < sj->n; i++)
			sj->out[i] = keys[i].row;
	}
	arena_release(&text);
	free(keys);
}

static void
sort_job_free(void *arg)
{
	struct sort_job *sj = arg;
	tui_table_unref(sj->t);
	free(sj->orig);
	free(sj->out);
	free(sj);
}

static void
sort_done(struct tui_app *app, struct tui_job *job)
{
	struct sort_job *sj = job->arg;
	struct grid_view *g = (struct grid_view *)tui_find_view(app, job->target);
	if (sj->out == NULL) {
		tui_status(app, false, "Sort cancelled");
		return;
	}
	if (g == NULL || g->t != sj->t)
		return;
	/* keep the cursor on the row it was on */
	int64_t cur = nrows(g) ? row_at(g, g->row) : 0;
	free(g->idx);
	g->idx = sj->out;
	sj->out = NULL;
	g->sort_col = sj->col;
	g->sort_desc = sj->desc;
	for (int64_t i = 0; i < sj->n; i++)
		if (g->idx[i] == cur) {
			g->row = i;
			break;
		}
	bool desc;
	if (g->kind == TUI_GRID_RUNS && g->rank_col == sj->col)
		tui_status(app, false, "Ranked by %s, %s", g->t->rs->names[sj->col],
		    tui_runs_metric_dir(g->t->rs->names[sj->col], &desc));
	else
		tui_status(app, false, "Sorted by %s, %s (in memory; NULLs last)", g->t->rs->names[sj->col],
		    sj->desc ? "descending" : "ascending");
}

static void
sql_view_done(struct tui_app *app, struct tui_job *job)
{
	struct tui_run *run = job->run;
	const char *label = job->arg;
	if (run->errors > 0 || run->ntables == 0) {
		tui_status(app, true, "Error: %s", run->error ? run->error : run->cancelled ? "cancelled" : "no result");
		if (run->log.len)
			tui_push(app, tui_text_new(app, "Messages", sb_str(&run->log), 2));
		return;
	}
	struct tui_table *t = run->tables[run->ntables - 1];
	enum tui_grid_kind kind = strncmp(label, "Describe", 8) == 0 ? TUI_GRID_DESCRIBE : TUI_GRID_PLAIN;
	tui_push(app, tui_grid_new(app, t, kind, label));
	char secs[32];
	snprintf(secs, sizeof secs, "%.3fs", (double)run->ms / 1000.0);
	tui_status(app, false, "%s (%s)", label, secs);
}

/* Run sql for a derived view labelled label (a new grid on top). */
static void
derived_sql(struct tui_app *app, const char *what, const char *sql, const char *label)
{
	struct tui_job *job = tui_job_new(what, sql, NULL, sql_view_done, xstrdup(label));
	job->free_arg = free;
	tui_job_start(app, job);
}

/* The query behind g as a subquery, or NULL (status set). */
static const char *
query_of(struct tui_app *app, struct grid_view *g, const char *what)
{
	if (g->t->sql == NULL || g->orig != NULL || g->kind == TUI_GRID_FREQ || g->kind == TUI_GRID_DESCRIBE) {
		tui_status(app, true, "%s needs the result of a query; this view was made in memory", what);
		return NULL;
	}
	return g->t->sql;
}

static void
grid_sort(struct tui_app *app, struct grid_view *g, bool desc)
{
	const struct rowset *rs = g->t->rs;
	if (rs->ncol == 0)
		return;
	if (g->sort_col == g->col && g->sort_desc == desc) {
		/* the same sort again: back to the query's order, the cursor
		 * staying on its row */
		int64_t cur = nrows(g) ? row_at(g, g->row) : 0;
		free(g->idx);
		g->idx = NULL;
		g->sort_col = -1;
		for (int64_t i = 0; i < nrows(g); i++)
			if (row_at(g, i) == cur) {
				g->row = i;
				break;
			}
		tui_status(app, false, "In the query's order");
		return;
	}
	if (g->t->truncated && g->orig == NULL) {
		const char *q = query_of(app, g, "Sorting a result cut short");
		if (q == NULL)
			return;
		struct strbuf sql = STRBUF_INIT, label = STRBUF_INIT;
		sb_printf(&sql, "SELECT * FROM (%s) ORDER BY %d %s NULLS LAST", q, g->col + 1, desc ? "DESC" : "ASC");
		sb_printf(&label, "Sorted by %s %s (by the query)", rs->names[g->col], desc ? "desc" : "asc");
		derived_sql(app, "sorting", sb_str(&sql), sb_str(&label));
		sb_free(&sql);
		sb_free(&label);
		return;
	}
	struct sort_job *sj = xcalloc(1, sizeof *sj);
	sj->t = tui_table_ref(g->t);
	sj->n = nrows(g);
	if (g->orig) {
		sj->orig = xmalloc((size_t)(sj->n ? sj->n : 1) * sizeof *sj->orig);
		memcpy(sj->orig, g->orig, (size_t)sj->n * sizeof *sj->orig);
	}
	sj->col = g->col;
	sj->desc = desc;
	struct tui_job *job = tui_job_new("sorting", NULL, sort_work, sort_done, sj);
	job->free_arg = sort_job_free;
	job->target = g->base.id;
	tui_job_start(app, job);
}

/* ------------------------------------------------------------ frequency */

struct freq_entry {
	uint64_t hash;
	const char *text;        /* arena */
	uint32_t len;
	bool null;
	int64_t count;
	int64_t first;           /* a row with the value */
};

struct freq_job {
	struct tui_table *t;
	int64_t *orig;
	int64_t n;
	int col;
	char *colname;
	struct rowset *out;
	uint64_t parent;
};

static _Thread_local const struct freq_job *counting;

/* By count, descending; ties by value, NULL last. */
static int
freq_cmp(const void *pa, const void *pb)
{
	const struct freq_entry *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->null != b->null)
		return a->null ? 1 : -1;
	if (a->null)
		return 0;
	struct wb_value va, vb;
	rowset_get(counting->t->rs, a->first, counting->col, &va);
	rowset_get(counting->t->rs, b->first, counting->col, &vb);
	return value_cmp(&va, &vb);
}

/* value, count, percent, a bar: from (representative value, count) pairs
 * sorted by count, descending. */
static struct rowset *
freq_table(const char *colname, wb_type type, const struct rowset *src, int vcol, const int64_t *vrows,
    const int64_t *counts, int64_t ngroups, int64_t total)
{
	const char *names[] = {colname, "count", "percent", "histogram"};
	wb_type types[] = {type, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	struct rowset_builder b;
	rsb_init(&b, 4, names, types);
	int64_t max = 1;
	for (int64_t i = 0; i < ngroups; i++)
		if (counts[i] > max)
			max = counts[i];
	const struct tui_glyphs *g = tui_glyphs();
	struct strbuf bar = STRBUF_INIT;
	for (int64_t i = 0; i < ngroups; i++) {
		struct wb_value v;
		rowset_get(src, vrows[i], vcol, &v);
		if (v.is_null)
			rsb_null(&b, 0);
		else
			rsb_value(&b, 0, &v);
		rsb_int(&b, 1, counts[i]);
		double pct = total > 0 ? (double)counts[i] * 100.0 / (double)total : 0;
		rsb_double(&b, 2, (double)(int64_t)(pct * 100 + 0.5) / 100);
		/* in eighths of a cell */
		int64_t eighths = (counts[i] * BAR_WIDTH * 8 + max / 2) / max;
		if (eighths == 0 && counts[i] > 0)
			eighths = 1;
		sb_clear(&bar);
		for (int64_t k = 0; k < eighths / 8; k++)
			sb_puts(&bar, g->bar8[8]);
		if (eighths % 8)
			sb_puts(&bar, tui_utf8() ? g->bar8[eighths % 8] : (eighths / 8 == 0 ? "#" : ""));
		rsb_str(&b, 3, sb_str(&bar));
		rsb_end_row(&b);
	}
	sb_free(&bar);
	return rsb_finish(&b);
}

static void
freq_work(struct tui_app *app, struct tui_job *job)
{
	struct freq_job *fj = job->arg;
	const struct rowset *rs = fj->t->rs;
	size_t cap = 1024;
	struct freq_entry *tab = xcalloc(cap, sizeof *tab);
	size_t used = 0;
	struct arena text;
	arena_init(&text, 1 << 16);
	struct strbuf sb = STRBUF_INIT;
	for (int64_t i = 0; i < fj->n; i++) {
		if ((i & 4095) == 0 && tui_job_cancelled(app))
			goto out;
		int64_t row = fj->orig ? fj->orig[i] : i;
		bool null;
		sb_clear(&sb);
		tui_cell_text(fj->t, row, fj->col, &sb, &null);
		uint64_t h = null ? HASH_NULL : hash_bytes(sb_str(&sb), sb.len);
		if (used * 2 >= cap) {
			size_t ncap = cap * 2;
			struct freq_entry *nt = xcalloc(ncap, sizeof *nt);
			for (size_t k = 0; k < cap; k++) {
				if (tab[k].count == 0)
					continue;
				size_t j = tab[k].hash & (ncap - 1);
				while (nt[j].count)
					j = (j + 1) & (ncap - 1);
				nt[j] = tab[k];
			}
			free(tab);
			tab = nt;
			cap = ncap;
		}
		size_t j = h & (cap - 1);
		for (;;) {
			struct freq_entry *e = &tab[j];
			if (e->count == 0) {
				e->hash = h;
				e->null = null;
				e->len = (uint32_t)sb.len;
				e->text = null ? "" : arena_strndup(&text, sb_str(&sb), sb.len);
				e->count = 1;
				e->first = row;
				used++;
				break;
			}
			if (e->hash == h && e->null == null && e->len == sb.len && memcmp(e->text, sb_str(&sb), sb.len) == 0) {
				e->count++;
				break;
			}
			j = (j + 1) & (cap - 1);
		}
	}
	{
		size_t k = 0;
		for (size_t i = 0; i < cap; i++)
			if (tab[i].count)
				tab[k++] = tab[i];
		counting = fj;
		qsort(tab, k, sizeof *tab, freq_cmp);
		counting = NULL;
		int64_t *vrows = xmalloc((k ? k : 1) * sizeof *vrows), *counts = xmalloc((k ? k : 1) * sizeof *counts);
		for (size_t i = 0; i < k; i++) {
			vrows[i] = tab[i].first;
			counts[i] = tab[i].count;
		}
		fj->out = freq_table(fj->colname, rs->types[fj->col], rs, fj->col, vrows, counts, (int64_t)k, fj->n);
		free(vrows);
		free(counts);
	}
out:
	sb_free(&sb);
	arena_release(&text);
	free(tab);
}

static void
freq_job_free(void *arg)
{
	struct freq_job *fj = arg;
	tui_table_unref(fj->t);
	free(fj->orig);
	free(fj->colname);
	rowset_free(fj->out);
	free(fj);
}

static void
push_freq(struct tui_app *app, struct rowset *out, uint64_t parent, int col, const char *colname, int64_t total,
    bool by_query)
{
	struct tui_table *t = tui_table_new(out, NULL, 0);
	struct strbuf label = STRBUF_INIT;
	char n[32];
	render_group_digits(total, n);
	sb_printf(&label, "Frequency of %s in %s rows%s", colname, n, by_query ? " (by the query)" : "");
	struct tui_view *v = tui_grid_new(app, t, TUI_GRID_FREQ, sb_str(&label));
	struct grid_view *pg = (struct grid_view *)tui_find_view(app, parent);
	tui_grid_set_parent(v, pg ? &pg->base : NULL, col);
	tui_push(app, v);
	tui_table_unref(t);
	char k[32];
	render_group_digits(out->nrows, k);
	tui_status(app, false, "%s distinct value%s of %s", k, out->nrows == 1 ? "" : "s", colname);
	sb_free(&label);
}

static void
freq_done(struct tui_app *app, struct tui_job *job)
{
	struct freq_job *fj = job->arg;
	if (fj->out == NULL) {
		tui_status(app, false, "Frequency cancelled");
		return;
	}
	if (tui_find_view(app, fj->parent) == NULL)
		return;
	push_freq(app, fj->out, fj->parent, fj->col, fj->colname, fj->n, false);
	fj->out = NULL;
}

struct freq_sql {
	uint64_t parent;
	int col;
	char *colname;
	wb_type type;
};

static void
freq_sql_free(void *arg)
{
	struct freq_sql *f = arg;
	free(f->colname);
	free(f);
}

static void
freq_sql_done(struct tui_app *app, struct tui_job *job)
{
	struct freq_sql *f = job->arg;
	struct tui_run *run = job->run;
	if (run->errors > 0 || run->ntables == 0) {
		tui_status(app, true, "Error: %s", run->error ? run->error : "no result");
		return;
	}
	const struct rowset *rs = run->tables[run->ntables - 1]->rs;
	int64_t n = rs->nrows, total = 0;
	int64_t *vrows = xmalloc((size_t)(n ? n : 1) * sizeof *vrows), *counts = xmalloc((size_t)(n ? n : 1) * sizeof *counts);
	for (int64_t i = 0; i < n; i++) {
		struct wb_value v;
		rowset_get(rs, i, 1, &v);
		vrows[i] = i;
		counts[i] = v.is_null ? 0 : v.u.i;
		total += counts[i];
	}
	struct rowset *out = freq_table(f->colname, rs->types[0], rs, 0, vrows, counts, n, total);
	free(vrows);
	free(counts);
	push_freq(app, out, f->parent, f->col, f->colname, total, true);
}

static void
grid_freq(struct tui_app *app, struct grid_view *g)
{
	const struct rowset *rs = g->t->rs;
	if (rs->ncol == 0)
		return;
	const char *name = rs->names[g->col];
	if (g->t->truncated && g->orig == NULL) {
		const char *q = query_of(app, g, "A frequency table of a result cut short");
		if (q == NULL)
			return;
		struct strbuf sql = STRBUF_INIT;
		sb_puts(&sql, "SELECT ");
		tui_quote_ident(&sql, name);
		sb_puts(&sql, ", count(*) FROM (");
		sb_puts(&sql, q);
		sb_puts(&sql, ") GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST");
		struct freq_sql *f = xcalloc(1, sizeof *f);
		f->parent = g->base.id;
		f->col = g->col;
		f->colname = xstrdup(name);
		struct tui_job *job = tui_job_new("counting", sb_str(&sql), NULL, freq_sql_done, f);
		job->free_arg = freq_sql_free;
		tui_job_start(app, job);
		sb_free(&sql);
		return;
	}
	struct freq_job *fj = xcalloc(1, sizeof *fj);
	fj->t = tui_table_ref(g->t);
	fj->n = nrows(g);
	if (g->orig) {
		fj->orig = xmalloc((size_t)(fj->n ? fj->n : 1) * sizeof *fj->orig);
		memcpy(fj->orig, g->orig, (size_t)fj->n * sizeof *fj->orig);
	}
	fj->col = g->col;
	fj->colname = xstrdup(name);
	fj->parent = g->base.id;
	struct tui_job *job = tui_job_new("counting", NULL, freq_work, freq_done, fj);
	job->free_arg = freq_job_free;
	job->target = g->base.id;
	tui_job_start(app, job);
}

/* Enter on a frequency row: the parent's rows with that value. */
static void
freq_open(struct tui_app *app, struct grid_view *f)
{
	struct grid_view *p = (struct grid_view *)tui_find_view(app, f->parent);
	if (p == NULL || nrows(f) == 0) {
		tui_status(app, true, "The table this frequency was counted in is closed");
		return;
	}
	bool vnull;
	struct strbuf want = STRBUF_INIT, sb = STRBUF_INIT;
	tui_cell_text(f->t, row_at(f, f->row), 0, &want, &vnull);
	const char *colname = p->t->rs->names[f->parent_col];
	if (p->t->truncated && p->orig == NULL) {
		const char *q = query_of(app, p, "Filtering a result cut short");
		if (q != NULL) {
			struct strbuf sql = STRBUF_INIT, label = STRBUF_INIT;
			sb_printf(&sql, "SELECT * FROM (%s) WHERE ", q);
			tui_quote_ident(&sql, colname);
			if (vnull) {
				sb_puts(&sql, " IS NULL");
			} else {
				sb_puts(&sql, "::VARCHAR = ");
				lex_put_string(&sql, sb_str(&want));
			}
			sb_printf(&label, "%s = %s (by the query)", colname, sb_str(&want));
			derived_sql(app, "filtering", sb_str(&sql), sb_str(&label));
			sb_free(&sql);
			sb_free(&label);
		}
		sb_free(&want);
		return;
	}
	int64_t n = nrows(p), k = 0;
	int64_t *idx = xmalloc((size_t)(n ? n : 1) * sizeof *idx);
	for (int64_t i = 0; i < n; i++) {
		int64_t rr = p->orig ? p->orig[i] : i;
		bool null;
		sb_clear(&sb);
		tui_cell_text(p->t, rr, f->parent_col, &sb, &null);
		if (null == vnull && (null || (sb.len == want.len && memcmp(sb_str(&sb), sb_str(&want), sb.len) == 0)))
			idx[k++] = rr;
	}
	struct strbuf label = STRBUF_INIT;
	sb_printf(&label, "%s = %s", colname, vnull ? "NULL" : sb_str(&want));
	struct tui_view *v = tui_grid_new(app, p->t, TUI_GRID_PLAIN, sb_str(&label));
	tui_grid_set_rows(v, idx, k);
	((struct grid_view *)v)->col = f->parent_col;
	tui_push(app, v);
	sb_free(&label);
	sb_free(&want);
	sb_free(&sb);
}

/* ------------------------------------------------------------ search */

struct search_job {
	struct tui_table *t;
	int *cols;               /* columns in display order */
	int64_t *order;          /* shown order (copy), or NULL */
	int64_t n;
	int64_t row;
	int col;
	int dir;
	pcre2_code *re;
	char *pattern;
	bool found;
	bool wrapped;
	int64_t frow;
	int fcol;
};

static void
search_work(struct tui_app *app, struct tui_job *job)
{
	struct search_job *sj = job->arg;
	int ncol = sj->t->rs->ncol;
	if (sj->n == 0 || ncol == 0)
		return;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(sj->re, NULL);
	struct strbuf sb = STRBUF_INIT;
	int64_t r = sj->row;
	int c = sj->col;
	/* every cell once, starting after the cursor */
	int64_t cells = sj->n * ncol;
	for (int64_t k = 0; k < cells; k++) {
		c += sj->dir;
		if (c >= ncol) {
			c = 0;
			if (++r >= sj->n) {
				r = 0;
				sj->wrapped = true;
			}
		} else if (c < 0) {
			c = ncol - 1;
			if (--r < 0) {
				r = sj->n - 1;
				sj->wrapped = true;
			}
		}
		if ((k & 16383) == 0 && tui_job_cancelled(app))
			break;
		sb_clear(&sb);
		tui_cell_text(sj->t, sj->order ? sj->order[r] : r, sj->cols[c], &sb, NULL);
		if (cell_matches(sj->re, md, sb_str(&sb), sb.len)) {
			sj->found = true;
			sj->frow = r;
			sj->fcol = sj->cols[c];
			break;
		}
	}
	sb_free(&sb);
	pcre2_match_data_free(md);
}

static void
search_job_free(void *arg)
{
	struct search_job *sj = arg;
	tui_table_unref(sj->t);
	free(sj->order);
	free(sj->cols);
	free(sj->pattern);
	pcre2_code_free(sj->re);
	free(sj);
}

static void
search_done(struct tui_app *app, struct tui_job *job)
{
	struct search_job *sj = job->arg;
	struct grid_view *g = (struct grid_view *)tui_find_view(app, job->target);
	if (g == NULL)
		return;
	if (!sj->found) {
		tui_status(app, true, "%s /%s/", tui_job_cancelled(app) ? "Search cancelled:" : "No match for", sj->pattern);
		return;
	}
	g->row = sj->frow;
	g->col = sj->fcol;
	char n[32];
	render_group_digits(sj->frow + 1, n);
	tui_status(app, false, "/%s/ at row %s, %s%s", sj->pattern, n, g->t->rs->names[sj->fcol],
	    sj->wrapped ? " (search wrapped around)" : "");
}

static void
grid_search(struct tui_app *app, struct grid_view *g, int dir)
{
	if (g->re == NULL) {
		tui_status(app, true, "No search yet: / starts one");
		return;
	}
	struct search_job *sj = xcalloc(1, sizeof *sj);
	sj->t = tui_table_ref(g->t);
	sj->n = nrows(g);
	if (g->idx || g->orig) {
		sj->order = xmalloc((size_t)(sj->n ? sj->n : 1) * sizeof *sj->order);
		for (int64_t i = 0; i < sj->n; i++)
			sj->order[i] = row_at(g, i);
	}
	sj->row = g->row;
	sj->col = pos_of(g, g->col);
	sj->cols = xmalloc(sizeof *sj->cols * (size_t)(g->t->rs->ncol ? g->t->rs->ncol : 1));
	memcpy(sj->cols, g->order, sizeof *sj->cols * (size_t)g->t->rs->ncol);
	sj->dir = dir;
	sj->re = pcre2_code_copy(g->re);
	sj->pattern = xstrdup(g->pattern);
	struct tui_job *job = tui_job_new("searching", NULL, search_work, search_done, sj);
	job->free_arg = search_job_free;
	job->target = g->base.id;
	tui_job_start(app, job);
}

static void
search_accept(struct tui_app *app, const char *text, void *arg)
{
	struct grid_view *g = (struct grid_view *)tui_find_view(app, (uint64_t)(uintptr_t)arg);
	if (g == NULL || *text == '\0')
		return;
	if (tui_job_busy(app) && !app->job->quiet) {
		tui_status(app, true, "busy: %s is still running (Ctrl-C cancels it)", app->job->label);
		return;
	}
	/* smart case: a pattern without capitals ignores case */
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	bool upper = false;
	for (const char *p = text; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			upper = true;
	if (!upper)
		opts |= PCRE2_CASELESS;
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		tui_status(app, true, "Error: invalid regular expression /%s/ at offset %zu: %s", text, (size_t)eo,
		    (const char *)msg);
		return;
	}
	if (g->re)
		pcre2_code_free(g->re);
	free(g->pattern);
	g->re = re;
	g->pattern = xstrdup(text);
	grid_search(app, g, 1);
}

/* ------------------------------------------------------------ keys */

static void
grid_fit(struct tui_app *app, struct grid_view *g)
{
	int c = g->col;
	if (g->width[c] != g->sampled[c]) {
		g->width[c] = g->sampled[c];
		return;
	}
	const struct rowset *rs = g->t->rs;
	int w = tui_width(rs->names[c], strlen(rs->names[c]));
	int64_t n = nrows(g) < FIT_ROWS ? nrows(g) : FIT_ROWS;
	struct strbuf sb = STRBUF_INIT;
	int maxw = app->r_res.w - 6 > 10 ? app->r_res.w - 6 : 10;
	for (int64_t r = 0; r < n && w < maxw; r++) {
		sb_clear(&sb);
		tui_cell_text(g->t, row_at(g, r), c, &sb, NULL);
		int cw = tui_width(sb_str(&sb), sb.len);
		if (cw > w)
			w = cw;
	}
	sb_free(&sb);
	g->width[c] = w > maxw ? maxw : w;
}

static void
grid_rank(struct tui_app *app, struct grid_view *g)
{
	const struct rowset *rs = g->t->rs;
	int start = g->rank_col;
	for (int k = 1; k <= rs->ncol; k++) {
		int c = (start + k + rs->ncol) % rs->ncol;
		if (strncmp(rs->names[c], "metrics.", 8) != 0)
			continue;
		bool desc;
		tui_runs_metric_dir(rs->names[c], &desc);
		g->rank_col = c;
		g->col = c;
		/* ranking again by the same metric keeps it */
		if (g->sort_col == c && g->sort_desc == desc)
			return;
		grid_sort(app, g, desc);
		return;
	}
	tui_status(app, true, "No metrics to rank by: the runs logged none");
}

static void
grid_open(struct tui_app *app, struct grid_view *g)
{
	const struct rowset *rs = g->t->rs;
	if (nrows(g) == 0 || rs->ncol == 0)
		return;
	int64_t rr = row_at(g, g->row);
	switch (g->kind) {
	case TUI_GRID_HISTORY:
		if (g->source) {
			tui_history_open(app, g->t, rr, g->source);
			return;
		}
		break;
	case TUI_GRID_FREQ:
		freq_open(app, g);
		return;
	default:
		break;
	}
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	tui_cell_text(g->t, rr, g->col, &sb, NULL);
	char n[32];
	render_group_digits(g->row + 1, n);
	sb_printf(&title, "%s of row %s", rs->names[g->col], n);
	tui_push(app, tui_text_new(app, sb_str(&title), sb_str(&sb), -1));
	sb_free(&sb);
	sb_free(&title);
}

static int
grid_key(struct tui_view *v, struct tui_app *app, enum tui_action a)
{
	struct grid_view *g = (struct grid_view *)v;
	int64_t page = v->page > 1 ? v->page - 1 : 1;
	int64_t n = nrows(g);
	switch (a) {
	case TUI_A_UP: g->row--; break;
	case TUI_A_DOWN: g->row++; break;
	case TUI_A_PAGE_UP: g->row -= page; g->top -= page; break;
	case TUI_A_PAGE_DOWN: g->row += page; g->top += page; break;
	case TUI_A_TOP: g->row = 0; break;
	case TUI_A_BOTTOM: g->row = n - 1; break;
	case TUI_A_LEFT:
	case TUI_A_RIGHT: {
		int p = pos_of(g, g->col) + (a == TUI_A_RIGHT ? 1 : -1);
		if (p >= 0 && p < g->t->rs->ncol)
			g->col = g->order[p];
		break;
	}
	case TUI_A_FREEZE: grid_freeze(app, g, g->col); return 1;
	case TUI_A_SORT_ASC: grid_sort(app, g, false); return 1;
	case TUI_A_SORT_DESC: grid_sort(app, g, true); return 1;
	case TUI_A_SEARCH:
		tui_prompt_open(app, "/", search_accept, (void *)(uintptr_t)g->base.id);
		return 1;
	case TUI_A_SEARCH_NEXT: grid_search(app, g, 1); return 1;
	case TUI_A_SEARCH_PREV: grid_search(app, g, -1); return 1;
	case TUI_A_FREQ: grid_freq(app, g); return 1;
	case TUI_A_DESCRIBE: {
		const char *q = query_of(app, g, "Describe");
		if (q != NULL) {
			struct strbuf sql = STRBUF_INIT;
			sb_printf(&sql, "SUMMARIZE (%s)", q);
			derived_sql(app, "describing", sb_str(&sql), "Describe (SUMMARIZE)");
			sb_free(&sql);
		}
		return 1;
	}
	case TUI_A_OPEN: grid_open(app, g); return 1;
	case TUI_A_FIT: grid_fit(app, g); return 1;
	case TUI_A_ROWNUM: g->rownum = !g->rownum; return 1;
	case TUI_A_PREV_RESULT:
	case TUI_A_NEXT_RESULT: {
		struct tui_run *run = app->last;
		bool mine = run && app->shown < run->ntables && run->tables[app->shown] == g->t && v->below == NULL;
		int to = app->shown + (a == TUI_A_NEXT_RESULT ? 1 : -1);
		if (!mine || to < 0 || to >= run->ntables) {
			tui_status(app, false, "%s", mine && run->ntables > 1 ? "No more results in that direction"
			    : "The last run made one result (< and > move between a run's results)");
			return 1;
		}
		tui_show_table(app, to);
		tui_focus(app, TUI_PANE_RESULT);
		return 1;
	}
	case TUI_A_CHART: {
		int64_t *order = NULL;
		if (g->idx || g->orig) {
			order = xmalloc((size_t)(n ? n : 1) * sizeof *order);
			for (int64_t i = 0; i < n; i++)
				order[i] = row_at(g, i);
		}
		tui_push(app, tui_chart_new(app, g->t, order, n, 0, g->col));
		free(order);
		return 1;
	}
	case TUI_A_RANK: grid_rank(app, g); return 1;
	default: return 0;
	}
	if (g->row >= n)
		g->row = n - 1;
	if (g->row < 0)
		g->row = 0;
	if (g->top < 0)
		g->top = 0;
	if (g->col >= g->t->rs->ncol)
		g->col = g->t->rs->ncol - 1;
	if (g->col < 0)
		g->col = 0;
	return 1;
}

/* A click: that row, and the column under the pointer. */
static void
grid_click(struct tui_view *v, struct tui_app *app, int y, int x)
{
	struct grid_view *g = (struct grid_view *)v;
	int64_t r = g->top + (y - v->at.y - 1);
	if (y > v->at.y && r < nrows(g))
		g->row = r;
	int gut = gutter_width(g);
	int *cols = xcalloc((size_t)(g->t->rs->ncol ? g->t->rs->ncol : 1), sizeof *cols);
	int nc = shown_columns(g, v->at.w - gut, cols);
	int cx = v->at.x + gut;
	for (int k = 0; k < nc; k++) {
		int w = g->width[cols[k]] + 3;
		if (x >= cx && x < cx + w) {
			g->col = cols[k];
			break;
		}
		cx += w;
	}
	free(cols);
}

static const struct tui_view_ops grid_ops = {
	.name = "grid",
	.scope = TUI_SC_GRID,
	.draw = grid_draw,
	.key = grid_key,
	.title = grid_title,
	.free = grid_free,
	.click = grid_click,
};

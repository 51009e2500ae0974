/*
 * tui_grid: the result grid - a table with a frozen header, a cell cursor
 * and an order, drawing only the rows and columns on screen (a cell is
 * formatted when it is drawn, so a million-row result costs what its
 * visible window costs).
 *
 * Column widths are fitted to a sample (the header and the first 1,000
 * rows) and widen as wider values scroll by, up to 40 columns; _ fits one
 * to its values, ! freezes one at the left. Numbers are right-aligned,
 * NULL dimmed, control characters escaped.
 *
 * What a grid does to its rows - sorting (tui_grid_sort.c), the frequency
 * table (tui_grid_freq.c), search (tui_grid_search.c) - runs as jobs.
 * Describe is SUMMARIZE of the query, through the session.
 *
 * A runs leaderboard has one more column, drawn after the frozen ones and
 * not a column of the table: each run's metric history as a sparkline
 * (struct tui_trend, loaded by tui_views.c). The cursor never stands on
 * it, so every action on "the current column" still has a real one.
 */
#include "ui/tui_int.h"
#include "core/datetime.h"
#include "core/xmalloc.h"
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SAMPLE_ROWS 1000
#define FIT_ROWS 100000
#define MAX_COL_WIDTH 40
/* How long m rests before the new metric's histories load. */
#define TREND_DELAY_MS 150

static void grid_freeze(struct tui_app *app, struct tui_grid *g, int c);

int64_t
tui_grid_nrows(const struct tui_grid *g)
{
	return g->orig ? g->norig : g->t->rs->nrows;
}

/* The rowset row shown at position r. */
int64_t
tui_grid_row(const struct tui_grid *g, int64_t r)
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
sample_widths(struct tui_grid *g)
{
	const struct rowset *rs = g->t->rs;
	struct strbuf sb = STRBUF_INIT;
	for (int c = 0; c < rs->ncol; c++) {
		int w = tui_width(rs->names[c], strlen(rs->names[c]));
		int64_t n = tui_grid_nrows(g) < SAMPLE_ROWS ? tui_grid_nrows(g) : SAMPLE_ROWS;
		for (int64_t r = 0; r < n; r++) {
			sb_clear(&sb);
			tui_cell_text(g->t, tui_grid_row(g, r), c, &sb, NULL);
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
	struct tui_grid *g = xcalloc(1, sizeof *g);
	g->base.ops = &tui_grid_ops;
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
		for (int c = 0; c < t->rs->ncol; c++) {
			if (strcmp(t->rs->names[c], "run_name") == 0)
				grid_freeze(app, g, c);
			/* the histories are found by run id */
			if (strcmp(t->rs->names[c], "run_id") == 0 && t->rs->types[c] == WB_TYPE_VARCHAR)
				g->trend = tui_trend_new();
		}
	return &g->base;
}

void
tui_grid_set_parent(struct tui_view *v, struct tui_view *parent, int col)
{
	struct tui_grid *g = (struct tui_grid *)v;
	g->parent = parent ? parent->id : 0;
	g->parent_col = col;
}

void
tui_grid_set_rows(struct tui_view *v, int64_t *idx, int64_t n)
{
	struct tui_grid *g = (struct tui_grid *)v;
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
	struct tui_grid *g = (struct tui_grid *)v;
	free(g->source);
	g->source = what ? xstrdup(what) : NULL;
}

enum tui_scope
tui_grid_scope2(struct tui_view *v)
{
	struct tui_grid *g = (struct tui_grid *)v;
	return g->kind == TUI_GRID_RUNS ? TUI_SC_RUNS : TUI_SC__COUNT;
}

static void
grid_free(struct tui_view *v)
{
	struct tui_grid *g = (struct tui_grid *)v;
	tui_table_unref(g->t);
	free(g->label);
	free(g->source);
	free(g->orig);
	free(g->idx);
	free(g->width);
	free(g->sampled);
	free(g->order);
	tui_trend_free(g->trend);
	if (g->re)
		pcre2_code_free(g->re);
	free(g->pattern);
	free(g);
}

/* ------------------------------------------------------------ drawing */

bool
tui_grid_matches(const pcre2_code *re, pcre2_match_data *md, const char *s, size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

static int
gutter_width(const struct tui_grid *g)
{
	if (!g->rownum)
		return 0;
	char b[32];
	return render_group_digits(tui_grid_nrows(g), b) + 1;
}

/* Position of real column c in the display order. */
int
tui_grid_pos(const struct tui_grid *g, int c)
{
	for (int p = 0; p < g->t->rs->ncol; p++)
		if (g->order[p] == c)
			return p;
	return 0;
}

/* Columns the history column takes with its border (0: none). */
static int
trend_width(const struct tui_grid *g)
{
	return g->trend != NULL && g->trend->w > 0 ? g->trend->w + 3 : 0;
}

/* The frozen columns and the history column after them. */
static int
frozen_width(const struct tui_grid *g)
{
	int w = trend_width(g);
	for (int p = 0; p < g->nfrozen; p++)
		w += g->width[g->order[p]] + 3;
	return w;
}

/* Keep the cursor on screen: rows of `page`, columns within `avail`
 * (the frozen columns first, then the scrolled ones from g->left, a
 * position in the display order). */
static void
scroll_into_view(struct tui_grid *g, int page, int avail)
{
	int64_t n = tui_grid_nrows(g);
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
	int cp = tui_grid_pos(g, g->col);
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
shown_columns(const struct tui_grid *g, int avail, int *cols)
{
	int n = 0, used = 0;
	for (int p = 0; p < g->nfrozen && used < avail; p++) {
		cols[n++] = g->order[p];
		used += g->width[g->order[p]] + 3;
	}
	used += trend_width(g);
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
grow_widths(struct tui_grid *g, int page, int avail)
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
		for (int64_t r = g->top; r < g->top + page && r < tui_grid_nrows(g) && w < MAX_COL_WIDTH; r++) {
			sb_clear(&sb);
			tui_cell_text(g->t, tui_grid_row(g, r), c, &sb, NULL);
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

/* The history column at x on row y: its header (rr < 0) or table row
 * rr's sparkline (nothing for a run with fewer than two values), then the
 * border that ends the columns kept at the left. Returns its width. */
static int
draw_trend(const struct tui_grid *g, int y, int x, int xend, int64_t rr, attr_t a, attr_t border)
{
	const struct tui_trend *tr = g->trend;
	int cw = tr->w < xend - x - 1 ? tr->w : xend - x - 1;
	if (cw > 0 && rr < 0) {
		tui_put_cell(y, x + 1, cw, tr->header, strlen(tr->header), false, a);
	} else if (cw > 0 && rr < tr->nrows && tr->v[rr] != NULL) {
		struct strbuf sb = STRBUF_INIT;
		if (tui_hook_sparkline(tr->v[rr], tr->n[rr], tr->w, &sb) == 0)
			tui_put_cell(y, x + 1, cw, sb_str(&sb), sb.len, false, a);
		sb_free(&sb);
	}
	if (x + tr->w + 2 < xend)
		tui_puts(y, x + tr->w + 2, 1, tui_glyphs()->v2, border);
	return tr->w + 3;
}

static void
grid_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct tui_grid *g = (struct tui_grid *)v;
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
	/* the history column comes after the frozen ones, and ends them */
	bool trend = trend_width(g) > 0;
	const char *v2 = trend ? gl->v : gl->v2;
	int tk = nc < g->nfrozen ? nc : g->nfrozen;
	for (int k = 0; k <= nc && x < xend; k++) {
		if (trend && k == tk)
			x += draw_trend(g, r.y, x, xend, -1, ha, tui_attr(TUI_ST_DIM));
		if (k == nc || x >= xend)
			break;
		int c = cols[k];
		int w = g->width[c];
		char name[256];
		snprintf(name, sizeof name, "%s%s", rs->names[c],
		    g->sort_col == c ? (g->sort_desc ? gl->down : gl->up) : "");
		int cw = w < xend - x - 1 ? w : xend - x - 1;
		attr_t a = ha | (c == g->col ? A_UNDERLINE : 0);
		tui_put_cell(r.y, x + 1, cw, name, strlen(name), is_numeric(rs->types[c]), a);
		if (x + w + 2 < xend)
			tui_puts(r.y, x + w + 2, 1, k + 1 == g->nfrozen ? v2 : gl->v, tui_attr(TUI_ST_DIM));
		x += w + 3;
	}
	/* rows */
	struct strbuf sb = STRBUF_INIT;
	pcre2_match_data *md = g->re ? pcre2_match_data_create_from_pattern(g->re, NULL) : NULL;
	int64_t n = tui_grid_nrows(g);
	for (int i = 0; i < page && g->top + i < n; i++) {
		int64_t vr = g->top + i;
		int64_t rr = tui_grid_row(g, vr);
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
		for (int k = 0; k <= nc && x < xend; k++) {
			if (trend && k == tk)
				x += draw_trend(g, y, x, xend, rr, cur ? rowa : tui_attr(TUI_ST_BAR), cur ? rowa : tui_attr(TUI_ST_DIM));
			if (k == nc || x >= xend)
				break;
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
			else if (md && !cur && tui_grid_matches(g->re, md, sb_str(&sb), sb.len))
				a = tui_attr(TUI_ST_MATCH);
			int cw = w < xend - x - 1 ? w : xend - x - 1;
			tui_put_cell(y, x + 1, cw, sb_str(&sb), sb.len, is_numeric(rs->types[c]) && !null, a);
			if (x + w + 2 < xend)
				tui_puts(y, x + w + 2, 1, k + 1 == g->nfrozen ? v2 : gl->v, cur ? rowa : tui_attr(TUI_ST_DIM));
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
grid_freeze(struct tui_app *app, struct tui_grid *g, int c)
{
	int p = tui_grid_pos(g, c);
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
	struct tui_grid *g = (struct tui_grid *)v;
	const struct tui_table *t = g->t;
	char n[32], k[32];
	sb_puts(out, g->label);
	render_group_digits(tui_grid_nrows(g), n);
	if (t->truncated && g->orig == NULL) {
		render_group_digits(t->total, n);
		render_group_digits(t->rs->nrows, k);
		sb_printf(out, " · first %s of %s rows kept", k, n);
	} else {
		sb_printf(out, " · %s row%s", n, tui_grid_nrows(g) == 1 ? "" : "s");
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

/* ------------------------------------------------------------ keys */

static void
grid_fit(struct tui_app *app, struct tui_grid *g)
{
	int c = g->col;
	if (g->width[c] != g->sampled[c]) {
		g->width[c] = g->sampled[c];
		return;
	}
	const struct rowset *rs = g->t->rs;
	int w = tui_width(rs->names[c], strlen(rs->names[c]));
	int64_t n = tui_grid_nrows(g) < FIT_ROWS ? tui_grid_nrows(g) : FIT_ROWS;
	struct strbuf sb = STRBUF_INIT;
	int maxw = app->r_res.w - 6 > 10 ? app->r_res.w - 6 : 10;
	for (int64_t r = 0; r < n && w < maxw; r++) {
		sb_clear(&sb);
		tui_cell_text(g->t, tui_grid_row(g, r), c, &sb, NULL);
		int cw = tui_width(sb_str(&sb), sb.len);
		if (cw > w)
			w = cw;
	}
	sb_free(&sb);
	g->width[c] = w > maxw ? maxw : w;
}

static void
grid_rank(struct tui_app *app, struct tui_grid *g)
{
	const struct rowset *rs = g->t->rs;
	int start = g->rank_col;
	for (int k = 1; k <= rs->ncol; k++) {
		int c = (start + k + rs->ncol) % rs->ncol;
		if (strncmp(rs->names[c], "metrics.", 8) != 0)
			continue;
		bool desc;
		tui_runs_metric_dir(rs->names[c], &desc);
		/* another metric: its history (loaded when the worker is free) */
		if (g->trend != NULL && c != g->rank_col) {
			g->trend->pending = true;
			g->trend->due_ms = dt_now_ms() + TREND_DELAY_MS;
		}
		g->rank_col = c;
		g->col = c;
		/* ranking again by the same metric keeps it */
		if (g->sort_col == c && g->sort_desc == desc)
			return;
		tui_grid_sort(app, g, desc);
		return;
	}
	tui_status(app, true, "No metrics to rank by: the runs logged none");
}

static void
grid_open(struct tui_app *app, struct tui_grid *g)
{
	const struct rowset *rs = g->t->rs;
	if (tui_grid_nrows(g) == 0 || rs->ncol == 0)
		return;
	int64_t rr = tui_grid_row(g, g->row);
	switch (g->kind) {
	case TUI_GRID_HISTORY:
		if (g->source) {
			tui_history_open(app, g->t, rr, g->source);
			return;
		}
		break;
	case TUI_GRID_FREQ:
		tui_grid_freq_open(app, g);
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
	struct tui_grid *g = (struct tui_grid *)v;
	int64_t page = v->page > 1 ? v->page - 1 : 1;
	int64_t n = tui_grid_nrows(g);
	switch (a) {
	case TUI_A_UP: g->row--; break;
	case TUI_A_DOWN: g->row++; break;
	case TUI_A_PAGE_UP: g->row -= page; g->top -= page; break;
	case TUI_A_PAGE_DOWN: g->row += page; g->top += page; break;
	case TUI_A_TOP: g->row = 0; break;
	case TUI_A_BOTTOM: g->row = n - 1; break;
	case TUI_A_LEFT:
	case TUI_A_RIGHT: {
		int p = tui_grid_pos(g, g->col) + (a == TUI_A_RIGHT ? 1 : -1);
		if (p >= 0 && p < g->t->rs->ncol)
			g->col = g->order[p];
		break;
	}
	case TUI_A_FREEZE: grid_freeze(app, g, g->col); return 1;
	case TUI_A_SORT_ASC: tui_grid_sort(app, g, false); return 1;
	case TUI_A_SORT_DESC: tui_grid_sort(app, g, true); return 1;
	case TUI_A_SEARCH:
		tui_grid_search_prompt(app, g);
		return 1;
	case TUI_A_SEARCH_NEXT: tui_grid_search(app, g, 1); return 1;
	case TUI_A_SEARCH_PREV: tui_grid_search(app, g, -1); return 1;
	case TUI_A_FREQ: tui_grid_freq(app, g); return 1;
	case TUI_A_DESCRIBE: {
		const char *q = tui_grid_query(app, g, "Describe");
		if (q != NULL) {
			struct strbuf sql = STRBUF_INIT;
			sb_printf(&sql, "SUMMARIZE (%s)", q);
			tui_grid_derived(app, "describing", sb_str(&sql), "Describe (SUMMARIZE)");
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
				order[i] = tui_grid_row(g, i);
		}
		/* the cursor's column against the key the grid keeps at the left
		 * (the first frozen column: a leaderboard's run name), else the
		 * first column */
		int xcol = g->nfrozen > 0 ? g->order[0] : 0;
		tui_push(app, tui_chart_new(app, g->t, order, n, xcol, g->col));
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
	struct tui_grid *g = (struct tui_grid *)v;
	int64_t r = g->top + (y - v->at.y - 1);
	if (y > v->at.y && r < tui_grid_nrows(g))
		g->row = r;
	int gut = gutter_width(g);
	int *cols = xcalloc((size_t)(g->t->rs->ncol ? g->t->rs->ncol : 1), sizeof *cols);
	int nc = shown_columns(g, v->at.w - gut, cols);
	int cx = v->at.x + gut;
	int tk = nc < g->nfrozen ? nc : g->nfrozen;
	for (int k = 0; k < nc; k++) {
		if (k == tk)
			cx += trend_width(g);     /* the history column: not a column to stand on */
		int w = g->width[cols[k]] + 3;
		if (x >= cx && x < cx + w) {
			g->col = cols[k];
			break;
		}
		cx += w;
	}
	free(cols);
}

/* A leaderboard loads its histories once the worker is free (it opens
 * while the catalog refreshes, and m starts a sort) and m has rested a
 * moment. */
static void
grid_tick(struct tui_view *v, struct tui_app *app)
{
	struct tui_grid *g = (struct tui_grid *)v;
	struct tui_trend *tr = g->trend;
	if (tr == NULL || !tr->pending)
		return;
	int64_t now = dt_now_ms();
	if (now < tr->due_ms) {
		if (app->wake_ms == 0 || tr->due_ms < app->wake_ms)
			app->wake_ms = tr->due_ms;
		return;
	}
	if (app->job == NULL && app->queued == NULL)
		tui_trend_load(app, g);
}

const struct tui_view_ops tui_grid_ops = {
	.name = "grid",
	.scope = TUI_SC_GRID,
	.draw = grid_draw,
	.key = grid_key,
	.title = grid_title,
	.free = grid_free,
	.click = grid_click,
	.tick = grid_tick,
};

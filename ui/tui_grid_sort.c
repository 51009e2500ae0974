/*
 * tui_grid_sort: sorting a grid, and the views derived from a grid's query.
 *
 * Sorting is in memory, on the stored rows, as VisiData does: stable (ties
 * keep the query's order), NULLs last in both directions, numbers and
 * times by value, strings by bytes. It runs as a job, so the screen stays
 * live on a million rows. A result cut short by the store's bound would
 * lie if sorted in memory: then the query runs again wrapped in ORDER BY
 * (through the session) and opens in a new view.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* Order of two non-NULL values of one type: numbers and times by value,
 * strings by bytes (UTF-8 code point order), anything else by its text. */
int
tui_value_cmp(const struct wb_value *a, const struct wb_value *b)
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
	struct tui_grid *g = (struct tui_grid *)tui_find_view(app, job->target);
	if (sj->out == NULL) {
		tui_status(app, false, "Sort cancelled");
		return;
	}
	if (g == NULL || g->t != sj->t)
		return;
	/* keep the cursor on the row it was on */
	int64_t cur = tui_grid_nrows(g) ? tui_grid_row(g, g->row) : 0;
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
void
tui_grid_derived(struct tui_app *app, const char *what, const char *sql, const char *label)
{
	struct tui_job *job = tui_job_new(what, sql, NULL, sql_view_done, xstrdup(label));
	job->free_arg = free;
	tui_job_start(app, job);
}

/* The query behind g as a subquery, or NULL (status set). */
const char *
tui_grid_query(struct tui_app *app, struct tui_grid *g, const char *what)
{
	if (g->t->sql == NULL || g->orig != NULL || g->kind == TUI_GRID_FREQ || g->kind == TUI_GRID_DESCRIBE) {
		tui_status(app, true, "%s needs the result of a query; this view was made in memory", what);
		return NULL;
	}
	return g->t->sql;
}

void
tui_grid_sort(struct tui_app *app, struct tui_grid *g, bool desc)
{
	const struct rowset *rs = g->t->rs;
	if (rs->ncol == 0)
		return;
	if (g->sort_col == g->col && g->sort_desc == desc) {
		/* the same sort again: back to the query's order, the cursor
		 * staying on its row */
		int64_t cur = tui_grid_nrows(g) ? tui_grid_row(g, g->row) : 0;
		free(g->idx);
		g->idx = NULL;
		g->sort_col = -1;
		for (int64_t i = 0; i < tui_grid_nrows(g); i++)
			if (tui_grid_row(g, i) == cur) {
				g->row = i;
				break;
			}
		tui_status(app, false, "In the query's order");
		return;
	}
	if (g->t->truncated && g->orig == NULL) {
		const char *q = tui_grid_query(app, g, "Sorting a result cut short");
		if (q == NULL)
			return;
		struct strbuf sql = STRBUF_INIT, label = STRBUF_INIT;
		sb_printf(&sql, "SELECT * FROM (%s) ORDER BY %d %s NULLS LAST", q, g->col + 1, desc ? "DESC" : "ASC");
		sb_printf(&label, "Sorted by %s %s (by the query)", rs->names[g->col], desc ? "desc" : "asc");
		tui_grid_derived(app, "sorting", sb_str(&sql), sb_str(&label));
		sb_free(&sql);
		sb_free(&label);
		return;
	}
	struct sort_job *sj = xcalloc(1, sizeof *sj);
	sj->t = tui_table_ref(g->t);
	sj->n = tui_grid_nrows(g);
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

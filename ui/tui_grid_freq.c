/*
 * tui_grid_freq: the frequency table of a grid's column (Shift+F, as in
 * VisiData): each value, its count, its percentage and a bar, the most
 * frequent first (ties by value, NULL last). Counted in memory over the
 * grid's rows; over a result cut short by the store's bound, by the query
 * (GROUP BY through the session) instead. Enter on a value opens the rows
 * that have it.
 */
#include "ui/tui_int.h"
#include "core/hash.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>

#define BAR_WIDTH 30

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
	return tui_value_cmp(&va, &vb);
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
	struct tui_grid *pg = (struct tui_grid *)tui_find_view(app, parent);
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

void
tui_grid_freq(struct tui_app *app, struct tui_grid *g)
{
	const struct rowset *rs = g->t->rs;
	if (rs->ncol == 0)
		return;
	const char *name = rs->names[g->col];
	if (g->t->truncated && g->orig == NULL) {
		const char *q = tui_grid_query(app, g, "A frequency table of a result cut short");
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
	fj->n = tui_grid_nrows(g);
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
void
tui_grid_freq_open(struct tui_app *app, struct tui_grid *f)
{
	struct tui_grid *p = (struct tui_grid *)tui_find_view(app, f->parent);
	if (p == NULL || tui_grid_nrows(f) == 0) {
		tui_status(app, true, "The table this frequency was counted in is closed");
		return;
	}
	bool vnull;
	struct strbuf want = STRBUF_INIT, sb = STRBUF_INIT;
	tui_cell_text(f->t, tui_grid_row(f, f->row), 0, &want, &vnull);
	const char *colname = p->t->rs->names[f->parent_col];
	if (p->t->truncated && p->orig == NULL) {
		const char *q = tui_grid_query(app, p, "Filtering a result cut short");
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
			tui_grid_derived(app, "filtering", sb_str(&sql), sb_str(&label));
			sb_free(&sql);
			sb_free(&label);
		}
		sb_free(&want);
		return;
	}
	int64_t n = tui_grid_nrows(p), k = 0;
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
	((struct tui_grid *)v)->col = f->parent_col;
	tui_push(app, v);
	sb_free(&label);
	sb_free(&want);
	sb_free(&sb);
}

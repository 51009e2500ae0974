/*
 * DML: UPDATE, DELETE and TRUNCATE, and the runner every rewrite uses.
 *
 * A statement that changes rows is rewritten into a query over the target
 * that yields the target's columns plus an action per row (stmt_int.h,
 * enum dml_action): UPDATE gives every row of the target (the updated
 * ones with their new values), DELETE every row with "delete" or "copy".
 * dml_run streams that query, counts the actions and writes the rows
 * kept. For an in-memory table the result replaces the table's row groups
 * (readers keep the old ones); Delta tables rewrite only the files that
 * hold affected rows (stmt_lake_dml.c).
 */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "store/lake/lake.h"
#include "store/parquet/pq.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct table *
stmt_dml_target(struct session *s, struct ast_name *nm, int pos, const char *what, struct wb_error *err)
{
	struct table *t = catalog_get(s->catalog, nm->parts, nm->n, err);
	if (t == NULL) {
		err_at(err, pos);
		return NULL;
	}
	if (t->view_sql || (memtable_of(t) == NULL && lake_table_dir(t) == NULL)) {
		err_set(err, pos, "cannot %s \"%s\": it is a %s", what, t->name, t->view_sql ? "view" : "read-only table");
		table_unref(t);
		return NULL;
	}
	return t;
}

/* ------------------------------------------------------------ runner */

struct dml_feed {
	struct lake_part **parts;        /* Delta: one writer per worker */
	struct mt_builder **builders;    /* in memory: one builder per worker */
	struct chunk *scratch;           /* per worker: the rows kept of a chunk */
	struct dml_counts *counts;       /* per worker */
	int ncol;                        /* columns written (the action follows) */
	const char *violation;
	struct expect_guard *guard;      /* the table's constraints and expectations, or NULL */
};

static bool
kept(int64_t a)
{
	return a == DML_COPY || a == DML_UPDATE || a == DML_INSERT || a == DML_SRC_UPDATE;
}

static int
dml_write(struct dml_feed *f, int worker, const struct chunk *c, struct wb_error *err)
{
	if (f->parts)
		return lake_part_write(f->parts[worker], c, err);
	mt_builder_append(f->builders[worker], c);
	return 0;
}

/* The table's constraints and expectations on the rows kept (sel): the
 * rows they leave out (dropped, quarantined) are counted as what they now
 * are - a changed target row that is gone a DELETE, a new row never
 * written a DROP - so the statement's counts and metrics say what was
 * written. */
static int
guard_rows(struct dml_feed *f, int worker, const struct chunk *c, const struct vec *act, uint32_t *sel, int *nsel,
    struct wb_error *err)
{
	uint32_t before[WB_VEC_SIZE];
	int n = *nsel;
	memcpy(before, sel, sizeof(uint32_t) * (size_t)n);
	if (expect_guard_rows(f->guard, worker, c, sel, nsel, err) < 0)
		return -1;
	int64_t *cnt = f->counts[worker].n;
	for (int i = 0, j = 0; i < n; i++) {
		if (j < *nsel && sel[j] == before[i]) {
			j++;
			continue;
		}
		int64_t a = vec_i64(act)[act->kind == VEC_CONST ? 0 : before[i]];
		cnt[a]--;
		cnt[a == DML_INSERT ? DML_DROP : a == DML_SRC_UPDATE ? DML_SRC_DELETE : DML_DELETE]++;
	}
	return 0;
}

static int
dml_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct dml_feed *f = arg;
	const struct vec *act = &c->cols[f->ncol];
	int64_t *cnt = f->counts[worker].n;
	uint32_t sel[WB_VEC_SIZE];
	int nsel = 0;
	for (int i = 0; i < c->n; i++) {
		int64_t a = vec_is_null(act, i) ? DML_DROP : vec_i64(act)[act->kind == VEC_CONST ? 0 : i];
		if (a < 0 || a >= DML_NACTIONS)
			a = DML_DROP;
		cnt[a]++;
		if (a == DML_VIOLATION) {
			err_set(err, -1, "%s", f->violation ? f->violation : "a row violates the statement's condition");
			return -1;
		}
		if (kept(a))
			sel[nsel++] = (uint32_t)i;
	}
	if (f->guard && guard_rows(f, worker, c, act, sel, &nsel, err) < 0)
		return -1;
	if (nsel == 0)
		return 0;
	struct chunk view = *c;
	view.ncol = f->ncol;
	if (nsel == c->n)
		return dml_write(f, worker, &view, err);
	struct chunk *sc = &f->scratch[worker];
	for (int j = 0; j < f->ncol; j++)
		vec_gather(&sc->cols[j], &c->cols[j], sel, nsel);
	sc->n = nsel;
	sc->seq = c->seq;
	return dml_write(f, worker, sc, err);
}

int
dml_run(struct session *s, struct pnode *p, struct lake_write *w, struct mt_rowgroup ***rgs, int *nrg,
    struct dml_counts *counts, const char *violation, struct wb_error *err)
{
	int nw = pool_size();
	struct dml_feed f = {0};
	f.ncol = p->ncol - 1;
	f.violation = violation;
	memset(counts, 0, sizeof *counts);
	if (w && expect_guard_prepare(s, w, &p, f.ncol, true, &f.guard, err) < 0)
		return -1;
	f.scratch = xcalloc((size_t)nw, sizeof *f.scratch);
	f.counts = xcalloc((size_t)nw, sizeof *f.counts);
	if (w) {
		lake_write_set_limits(w, s->max_records_per_file, s->delta_target_file_size);
		f.parts = xcalloc((size_t)nw, sizeof *f.parts);
		for (int i = 0; i < nw; i++)
			f.parts[i] = lake_write_part(w);
	} else {
		f.builders = xcalloc((size_t)nw, sizeof *f.builders);
		for (int i = 0; i < nw; i++)
			f.builders[i] = mt_builder_new(f.ncol, p->types);
	}
	for (int i = 0; i < nw; i++)
		chunk_init(&f.scratch[i], f.ncol, p->types);
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	int rc = exec_prepare(p, &ctx);
	if (rc == 0)
		rc = exec_parallel(p, &ctx, dml_consume, &f, NULL);
	if (rc < 0)
		err_move(err, &ctx.err);
	exec_ctx_fini(&ctx);
	memset(counts, 0, sizeof *counts);
	for (int i = 0; i < nw; i++)
		for (int a = 0; a < DML_NACTIONS; a++)
			counts->n[a] += f.counts[i].n[a];
	if (f.builders) {
		struct mt_rowgroup **all = NULL;
		size_t cap = 0;
		int total = 0;
		for (int i = 0; i < nw; i++) {
			int n;
			struct mt_rowgroup **g = mt_builder_finish(f.builders[i], &n);
			all = xgrow(all, &cap, (size_t)(total + n), sizeof *all);
			if (n)
				memcpy(all + total, g, sizeof *all * (size_t)n);
			total += n;
			free(g);
			mt_builder_free(f.builders[i]);
		}
		if (rc == 0) {
			*rgs = all;
			*nrg = total;
		} else {
			for (int i = 0; i < total; i++)
				mt_rowgroup_unref(all[i]);
			free(all);
		}
	}
	for (int i = 0; i < nw; i++)
		chunk_free(&f.scratch[i]);
	free(f.scratch);
	free(f.counts);
	free(f.parts);
	free(f.builders);
	return rc;
}

/* ------------------------------------------------------------ queries */

int
dml_set_columns(struct arena *a, const struct ast_list *set, const char *tname, int ncol, char *const *names,
    struct ast ***out, struct wb_error *err)
{
	struct ast **setv = arena_zalloc(a, sizeof(struct ast *) * (size_t)(ncol ? ncol : 1));
	for (int i = 0; i < set->n; i++) {
		struct ast *as = set->v[i];
		const char *cn = as->u.assign.target.parts[as->u.assign.target.n - 1];
		int c = -1;
		for (int k = 0; k < ncol && c < 0; k++)
			if (strcasecmp(names[k], cn) == 0)
				c = k;
		if (c < 0) {
			err_set(err, as->pos, "table \"%s\" has no column \"%s\"", tname, cn);
			const char *sug = str_suggest(cn, (const char *const *)names, ncol);
			if (sug)
				err_hint(err, "did you mean \"%s\"?", sug);
			return -1;
		}
		if (setv[c]) {
			err_set(err, as->pos, "column \"%s\" is assigned twice", cn);
			return -1;
		}
		setv[c] = as->u.assign.value;
	}
	*out = setv;
	return 0;
}

struct ast *
dml_rewrite_query(struct arena *a, struct ast *rel, const char *qual, int ncol, char *const *names,
    const wb_type *types, struct ast *const *setv, struct ast *where, int pos)
{
	struct ast_list items = {0};
	for (int i = 0; i < ncol; i++) {
		struct ast *col = ast_mk_col(a, qual, names[i], pos);
		struct ast *e = col;
		if (setv && setv[i]) {
			e = setv[i];
			if (where) {
				struct ast *cs = ast_mk_case(a, setv[i]->pos);
				ast_case_when(a, cs, where, setv[i]);
				cs->u.kase.els = col;
				e = cs;
			}
			/* the column keeps its type */
			e = ast_mk_cast(a, e, types[i]);
		}
		ast_list_add(a, &items, ast_mk_item(a, e, names[i]));
	}
	int64_t hit = setv ? DML_UPDATE : DML_DELETE;
	struct ast *act = ast_mk_int(a, hit, pos);
	if (where) {
		act = ast_mk_case(a, pos);
		ast_case_when(a, act, where, ast_mk_int(a, hit, pos));
		act->u.kase.els = ast_mk_int(a, DML_COPY, pos);
	}
	ast_list_add(a, &items, ast_mk_item(a, act, DML_ACTION_COLUMN));
	return ast_mk_select(a, rel, &items, NULL);
}

char *
dml_predicate_json(struct arena *a, const struct ast *where)
{
	struct strbuf sql = STRBUF_INIT, js = STRBUF_INIT;
	sb_putc(&js, '[');
	if (where) {
		ast_expr_text(where, &sql);
		json_put_string(&js, sb_str(&sql), strlen(sb_str(&sql)));
	}
	sb_putc(&js, ']');
	char *r = arena_strdup(a, sb_str(&js));
	sb_free(&sql);
	sb_free(&js);
	return r;
}

/* ------------------------------------------------------------ in memory */

/* Run rewrite query q and make its rows the contents of memtable t. */
static int
memtable_rewrite(struct session *s, struct arena *a, struct table *t, struct ast *q, struct dml_counts *counts,
    struct wb_error *err)
{
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	int rc = -1;
	struct mt_rowgroup **rgs = NULL;
	int nrg = 0;
	if (p && dml_run(s, p, NULL, &rgs, &nrg, counts, NULL, err) == 0) {
		memtable_replace(memtable_of(t), rgs, nrg);
		free(rgs);
		rc = 0;
	}
	stmt_finish(s, &b, p);
	return rc;
}

static void
rows_message(struct session *s, int64_t n, const char *what, int64_t version)
{
	struct strbuf msg = STRBUF_INIT;
	sb_printf(&msg, "%lld row%s %s", (long long)n, n == 1 ? "" : "s", what);
	if (version >= 0)
		sb_printf(&msg, " (Delta version %lld)", (long long)version);
	expect_note_append(s, &msg);
	session_message(s, "%s", sb_str(&msg));
	sb_free(&msg);
}

/* DELETE FROM t [[AS] alias] [WHERE cond] */
int
stmt_delete(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast *tab = st->u.del.table;
	struct table *t = stmt_dml_target(s, &tab->u.table.name, st->pos, "delete from", err);
	if (t == NULL)
		return -1;
	int rc;
	struct dml_counts counts;
	int64_t version = -1;
	const char *qual = tab->u.table.alias ? tab->u.table.alias : tab->u.table.name.parts[tab->u.table.name.n - 1];
	if (lake_table_dir(t)) {
		rc = stmt_lake_rewrite(s, a, t, qual, st->u.del.where, NULL, st->pos, &counts, &version, err);
	} else {
		struct ast *q = dml_rewrite_query(a, tab, qual, t->ncol, t->names, t->types, NULL, st->u.del.where, st->pos);
		rc = memtable_rewrite(s, a, t, q, &counts, err);
	}
	if (rc == 0)
		rows_message(s, counts.n[DML_DELETE], "deleted", version);
	table_unref(t);
	return rc;
}

/* UPDATE t [[AS] alias] SET col = expr, ... [WHERE cond] */
int
stmt_update(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast *tab = st->u.update.table;
	struct table *t = stmt_dml_target(s, &tab->u.table.name, st->pos, "update", err);
	if (t == NULL)
		return -1;
	int rc = -1;
	struct dml_counts counts;
	int64_t version = -1;
	const char *qual = tab->u.table.alias ? tab->u.table.alias : tab->u.table.name.parts[tab->u.table.name.n - 1];
	if (st->u.update.from) {
		err_set(err, st->u.update.from->pos, "UPDATE ... FROM is not supported; use MERGE INTO");
		err_hint(err, "MERGE INTO t USING src ON cond WHEN MATCHED THEN UPDATE SET ...");
		goto out;
	}
	if (lake_table_dir(t)) {
		rc = stmt_lake_rewrite(s, a, t, qual, st->u.update.where, &st->u.update.set, st->pos, &counts, &version, err);
	} else {
		struct ast **setv;
		if (dml_set_columns(a, &st->u.update.set, t->name, t->ncol, t->names, &setv, err) < 0)
			goto out;
		struct ast *q = dml_rewrite_query(a, tab, qual, t->ncol, t->names, t->types, setv, st->u.update.where, st->pos);
		rc = memtable_rewrite(s, a, t, q, &counts, err);
	}
	if (rc == 0)
		rows_message(s, counts.n[DML_UPDATE], "updated", version);
out:
	table_unref(t);
	return rc;
}

/* TRUNCATE [TABLE] t */
int
stmt_truncate(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast *tab = st->u.del.table;
	struct table *t = stmt_dml_target(s, &tab->u.table.name, st->pos, "truncate", err);
	if (t == NULL)
		return -1;
	int rc = 0;
	if (lake_table_dir(t)) {
		rc = stmt_lake_truncate(s, t, err);
		if (rc < 0)
			err_at(err, st->pos);
	} else {
		memtable_replace(memtable_of(t), NULL, 0);
		session_message(s, "Table %s truncated", t->name);
	}
	table_unref(t);
	return rc;
}

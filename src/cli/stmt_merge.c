/*
 * MERGE INTO, with Spark / Databricks semantics, on Delta and in-memory
 * tables.
 *
 * Each target row and each source row is classified by the ON condition:
 * matched (a pair), target-only (NOT MATCHED BY SOURCE) or source-only
 * (NOT MATCHED [BY TARGET]). The WHEN clauses of its class are tried in
 * order and the first whose AND condition is true decides: UPDATE, DELETE
 * or INSERT; a target row no clause applies to is kept unchanged, a source
 * row no clause applies to is dropped. A target row matched by several
 * source rows is an error (Spark's), unless the only WHEN MATCHED clause
 * is an unconditional DELETE.
 *
 * The statement becomes queries over the source, run once into an
 * in-memory table:
 *
 *   1. (WHEN MATCHED clauses) the files touched: per target data file, the
 *      ON matches and the distinct target rows they hit
 *        SELECT t._wb_file, count(*), count(DISTINCT t._wb_row)
 *        FROM source JOIN target t ON cond GROUP BY t._wb_file
 *      more matches than rows is the duplicate-match error.
 *   2. the rewrite: a join of the source (marked by _wb_src) and the
 *      target rows that may change (marked by _wb_file), and a projection
 *      of CASE expressions that give each row its action and each column
 *      its new value (stmt_int.h, enum dml_action).
 *
 * On a Delta table step 2 reads only the touched files (all files when
 * there are NOT MATCHED BY SOURCE clauses), batch by batch (a big file
 * alone, small ones combined: stmt_lake_batch_end), each joined RIGHT
 * with the source into a new data file of its own, so the table keeps its
 * file layout;
 * then, for WHEN NOT MATCHED clauses, one LEFT join of the source with the
 * touched files gives the inserted rows. Every source row that matches any
 * target row matches one in a touched file, so "not matched" is decided
 * correctly over the touched files alone. A MERGE that only inserts joins
 * the source with the whole target but rewrites nothing. One commit
 * removes the touched files and adds the new ones. An in-memory table is
 * rewritten whole, with one FULL (or RIGHT) join.
 */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SRC_MARK "_wb_src"

struct merge {
	struct ast *st;
	const char *tq, *sq;           /* target / source qualifiers */
	int ncol;                      /* target columns (after evolution) */
	char **names;
	wb_type *types;
	bool *exists;                  /* column exists in the target relation */
	int nsrc;                      /* source columns */
	char **snames;
	wb_type *stypes;
	bool has_matched, has_insert, has_by_source;
	bool rewrite;                  /* target rows are written back (not insert-only) */
	struct table *src_table;       /* the source, materialised once (in memory) */
	bool check_dups;
	/* per clause: one value per target column (NULL: keep / NULL) */
	struct ast ***values;
};

static const char *
rel_alias(const struct ast *r)
{
	switch (r->kind) {
	case AST_TABLE:
		return r->u.table.alias ? r->u.table.alias : r->u.table.name.parts[r->u.table.name.n - 1];
	case AST_DERIVED:
		return r->u.derived.alias;
	case AST_TABLE_FUNC:
		return r->u.tfunc.alias;
	default:
		return NULL;
	}
}

static int
col_index(char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Run the source once into an in-memory table that every query of the
 * statement reads (as Delta does: a source query is not run again, so a
 * non-deterministic one cannot make the passes disagree), and learn its
 * columns. */
static int
materialize_source(struct session *s, struct arena *a, struct merge *m, struct wb_error *err)
{
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, m->st->pos), NULL));
	struct ast *q = ast_mk_select(a, m->st->u.merge.source, &items, NULL);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct memtable *mt = NULL;
	if (p) {
		struct exec_ctx ctx;
		stmt_ctx_setup(s, &ctx);
		mt = exec_materialize(p, &ctx);
		if (mt == NULL)
			err_move(err, &ctx.err);
		exec_ctx_fini(&ctx);
	}
	if (mt) {
		m->nsrc = p->ncol;
		m->snames = arena_alloc(a, sizeof(char *) * (size_t)(p->ncol ? p->ncol : 1));
		m->stypes = arena_alloc(a, sizeof(wb_type) * (size_t)(p->ncol ? p->ncol : 1));
		for (int i = 0; i < p->ncol; i++) {
			m->snames[i] = arena_strdup(a, p->names[i]);
			m->stypes[i] = p->types[i];
		}
		m->src_table = memtable_table(m->sq, p->ncol, p->names, p->types, mt);
		struct ast_name nm = {1, {(char *)m->sq}};
		m->st->u.merge.source = ast_mk_table(a, &nm, m->sq, m->src_table, m->st->u.merge.source->pos);
	}
	stmt_finish(s, &b, p);
	return mt ? 0 : -1;
}

/* Schema evolution: source columns that UPDATE SET * / INSERT * would
 * write and the target lacks become new target columns (at the end). */
static void
evolve_columns(struct arena *a, struct merge *m)
{
	bool star = false;
	for (int i = 0; i < m->st->u.merge.clauses.n; i++)
		star = star || m->st->u.merge.clauses.v[i]->u.mclause.star;
	if (!star)
		return;
	int extra = 0;
	for (int k = 0; k < m->nsrc; k++)
		if (col_index(m->names, m->ncol, m->snames[k]) < 0)
			extra++;
	if (extra == 0)
		return;
	int n = m->ncol + extra;
	char **names = arena_alloc(a, sizeof(char *) * (size_t)n);
	wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)n);
	bool *exists = arena_zalloc(a, sizeof(bool) * (size_t)n);
	memcpy(names, m->names, sizeof(char *) * (size_t)m->ncol);
	memcpy(types, m->types, sizeof(wb_type) * (size_t)m->ncol);
	memcpy(exists, m->exists, sizeof(bool) * (size_t)m->ncol);
	int j = m->ncol;
	for (int k = 0; k < m->nsrc; k++)
		if (col_index(m->names, m->ncol, m->snames[k]) < 0) {
			names[j] = m->snames[k];
			types[j++] = m->stypes[k];
		}
	m->names = names;
	m->types = types;
	m->exists = exists;
	m->ncol = n;
}

/* Per clause, the value each target column gets (UPDATE: NULL = unchanged;
 * INSERT: NULL = NULL). Errors name the clause's column. */
static int
clause_values(struct arena *a, struct merge *m, struct table *t, bool evolve, struct wb_error *err)
{
	struct ast_list *cl = &m->st->u.merge.clauses;
	m->values = arena_zalloc(a, sizeof(struct ast **) * (size_t)cl->n);
	for (int i = 0; i < cl->n; i++) {
		struct ast *c = cl->v[i];
		if (c->u.mclause.action == MERGE_DELETE)
			continue;
		struct ast **v = arena_zalloc(a, sizeof(struct ast *) * (size_t)(m->ncol ? m->ncol : 1));
		m->values[i] = v;
		bool insert = c->u.mclause.action == MERGE_INSERT;
		if (c->u.mclause.star) {
			for (int j = 0; j < m->ncol; j++) {
				int k = col_index(m->snames, m->nsrc, m->names[j]);
				if (k >= 0) {
					v[j] = ast_mk_col(a, m->sq, m->snames[k], c->pos);
				} else if (!evolve) {
					err_set(err, c->pos, "%s *: the source has no column \"%s\" (a column of \"%s\")",
					    insert ? "INSERT" : "UPDATE SET", m->names[j], t->name);
					err_hint(err, "list the columns instead, or MERGE WITH SCHEMA EVOLUTION to leave it %s",
					    insert ? "NULL" : "unchanged");
					return -1;
				}
			}
		} else if (insert) {
			struct ast_list *cols = &c->u.mclause.columns, *vals = &c->u.mclause.values;
			if (cols->n == 0 && vals->n != m->ncol) {
				err_set(err, c->pos, "INSERT VALUES gives %d values but \"%s\" has %d columns", vals->n, t->name,
				    m->ncol);
				err_hint(err, "list the columns: INSERT (col, ...) VALUES (...)");
				return -1;
			}
			for (int k = 0; k < vals->n; k++) {
				int j = k;
				if (cols->n > 0) {
					const struct ast_name *nm = &cols->v[k]->u.name;
					const char *cn = nm->parts[nm->n - 1];
					j = col_index(m->names, m->ncol, cn);
					if (j < 0) {
						err_set(err, cols->v[k]->pos, "table \"%s\" has no column \"%s\"", t->name, cn);
						const char *sug = str_suggest(cn, (const char *const *)m->names, m->ncol);
						if (sug)
							err_hint(err, "did you mean \"%s\"?", sug);
						return -1;
					}
					if (v[j]) {
						err_set(err, cols->v[k]->pos, "column \"%s\" is inserted twice", cn);
						return -1;
					}
				}
				v[j] = vals->v[k];
			}
		} else {
			struct ast **setv;
			if (dml_set_columns(a, &c->u.mclause.set, t->name, m->ncol, m->names, &setv, err) < 0)
				return -1;
			memcpy(v, setv, sizeof(struct ast *) * (size_t)m->ncol);
		}
	}
	return 0;
}

/* The conditions of the three row classes. */
static struct ast *
is_matched(struct arena *a, struct merge *m, int pos)
{
	return ast_mk_binary(a, "AND", ast_mk_is_null(a, ast_mk_col(a, m->tq, LAKE_FILE_COLUMN, pos), true),
	    ast_mk_is_null(a, ast_mk_col(a, m->sq, SRC_MARK, pos), true));
}

static struct ast *
is_target(struct arena *a, struct merge *m, int pos)
{
	return ast_mk_is_null(a, ast_mk_col(a, m->tq, LAKE_FILE_COLUMN, pos), true);
}

static struct ast *
clause_cond(struct arena *a, struct merge *m, const struct ast *c)
{
	int pos = c->pos;
	struct ast *cls = c->u.mclause.when == MERGE_MATCHED ? is_matched(a, m, pos) : c->u.mclause.when == MERGE_NOT_MATCHED_BY_SOURCE ? is_target(a, m, pos) : NULL;
	if (cls == NULL) {
		/* source-only rows: reached after the matched and target-only
		 * branches, so no class test is needed; a WHEN needs some
		 * condition though */
		cls = ast_mk_is_null(a, ast_mk_col(a, m->sq, SRC_MARK, pos), true);
	}
	return c->u.mclause.cond ? ast_mk_binary(a, "AND", cls, c->u.mclause.cond) : cls;
}

static int64_t
clause_action(const struct ast *c)
{
	bool by_source = c->u.mclause.when == MERGE_NOT_MATCHED_BY_SOURCE;
	switch (c->u.mclause.action) {
	case MERGE_UPDATE: return by_source ? DML_SRC_UPDATE : DML_UPDATE;
	case MERGE_DELETE: return by_source ? DML_SRC_DELETE : DML_DELETE;
	default: return DML_INSERT;
	}
}

/* The clauses in evaluation order: matched, then by source, then insert
 * (each class's clauses keep their order; the classes are disjoint). */
static void
ordered_clauses(struct merge *m, int *order)
{
	struct ast_list *cl = &m->st->u.merge.clauses;
	int k = 0;
	static const enum ast_merge_when classes[] = {MERGE_MATCHED, MERGE_NOT_MATCHED_BY_SOURCE, MERGE_NOT_MATCHED};
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < cl->n; i++)
			if (cl->v[i]->u.mclause.when == classes[w])
				order[k++] = i;
}

/* The old value of target column j (NULL for a column schema evolution adds). */
static struct ast *
old_value(struct arena *a, struct merge *m, int j, int pos)
{
	return m->exists[j] ? ast_mk_col(a, m->tq, m->names[j], pos) : ast_mk_null(a, pos);
}

/* Query 2: the rewrite, with the source joined to target_rel by jt:
 * FULL - every row of both (in-memory tables: all of it at once); RIGHT -
 * the target rows with their matches (a batch of touched files); LEFT
 * (with m->rewrite false) - the insert pass: only the WHEN NOT MATCHED
 * clauses, for the source rows no target row matches. */
static struct ast *
rewrite_query(struct arena *a, struct merge *m, struct ast *target_rel, enum ast_join_type jt)
{
	struct ast *st = m->st;
	int pos = st->pos;
	struct ast_list *cl = &st->u.merge.clauses;
	int *order = arena_alloc(a, sizeof(int) * (size_t)cl->n);
	ordered_clauses(m, order);
	/* source with its mark */
	struct ast_list sitems = {0};
	ast_list_add(a, &sitems, ast_mk_item(a, ast_new(a, AST_STAR, pos), NULL));
	ast_list_add(a, &sitems, ast_mk_item(a, ast_mk_bool(a, true, pos), SRC_MARK));
	struct ast *src = ast_mk_derived(a, ast_mk_select(a, st->u.merge.source, &sitems, NULL), m->sq);
	struct ast *from = ast_mk_join(a, jt, src, target_rel, st->u.merge.on);
	struct ast_list items = {0};
	for (int j = 0; j < m->ncol; j++) {
		struct ast *cs = ast_mk_case(a, pos);
		bool insert_seen = false;
		for (int i = 0; i < cl->n; i++) {
			const struct ast *c = cl->v[order[i]];
			struct ast **vals = m->values[order[i]];
			struct ast *v;
			if (jt == JOIN_LEFT && c->u.mclause.when != MERGE_NOT_MATCHED)
				continue;     /* the insert pass: target rows are not written */
			if (c->u.mclause.when == MERGE_NOT_MATCHED && !insert_seen) {
				/* before the first insert branch: every target row
				 * no clause changed keeps its value */
				ast_case_when(a, cs, is_target(a, m, pos), old_value(a, m, j, pos));
				insert_seen = true;
			}
			if (c->u.mclause.action == MERGE_INSERT)
				v = vals[j] ? vals[j] : ast_mk_null(a, pos);
			else
				v = vals && vals[j] ? vals[j] : old_value(a, m, j, pos);
			ast_case_when(a, cs, clause_cond(a, m, c), ast_mk_cast(a, v, m->types[j]));
		}
		if (!insert_seen)
			ast_case_when(a, cs, is_target(a, m, pos), old_value(a, m, j, pos));
		cs->u.kase.els = ast_mk_cast(a, ast_mk_null(a, pos), m->types[j]);
		ast_list_add(a, &items, ast_mk_item(a, cs, m->names[j]));
	}
	struct ast *act = ast_mk_case(a, pos);
	bool insert_seen = false;
	for (int i = 0; i < cl->n; i++) {
		const struct ast *c = cl->v[order[i]];
		if (jt == JOIN_LEFT && c->u.mclause.when != MERGE_NOT_MATCHED)
			continue;
		if (c->u.mclause.when == MERGE_NOT_MATCHED && !insert_seen) {
			ast_case_when(a, act, is_target(a, m, pos), ast_mk_int(a, m->rewrite ? DML_COPY : DML_DROP, pos));
			insert_seen = true;
		}
		ast_case_when(a, act, clause_cond(a, m, c), ast_mk_int(a, clause_action(c), pos));
	}
	if (!insert_seen)
		ast_case_when(a, act, is_target(a, m, pos), ast_mk_int(a, m->rewrite ? DML_COPY : DML_DROP, pos));
	act->u.kase.els = ast_mk_int(a, DML_DROP, pos);
	ast_list_add(a, &items, ast_mk_item(a, act, DML_ACTION_COLUMN));
	return ast_mk_select(a, from, &items, NULL);
}

/* Query 1 over target_rel (with _wb_file and _wb_row): per file, ON
 * matches and distinct target rows matched. */
static int
touched_files(struct session *s, struct arena *a, struct merge *m, struct ast *target_rel, int64_t **files,
    int64_t *nfiles, struct wb_error *err)
{
	struct ast *st = m->st;
	int pos = st->pos;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_mk_col(a, m->tq, LAKE_FILE_COLUMN, pos), "f"));
	struct ast *cnt = ast_mk_func(a, "count", pos, 0);
	cnt->u.func.star = true;
	ast_list_add(a, &items, ast_mk_item(a, cnt, "m"));
	struct ast *rows = ast_mk_func(a, "count", pos, 1, ast_mk_col(a, m->tq, LAKE_ROW_COLUMN, pos));
	rows->u.func.distinct = true;
	ast_list_add(a, &items, ast_mk_item(a, rows, "r"));
	struct ast *from = ast_mk_join(a, JOIN_INNER, st->u.merge.source, target_rel, st->u.merge.on);
	struct ast *q = ast_mk_select(a, from, &items, NULL);
	ast_list_add(a, &q->u.query.body->u.select.group, ast_mk_col(a, m->tq, LAKE_FILE_COLUMN, pos));
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct rowset *rs = NULL;
	int rc = -1;
	if (p && stmt_collect(s, p, &rs, err) == 0) {
		int64_t dups = 0;
		*files = xcalloc((size_t)(rs->nrows ? rs->nrows : 1), sizeof(int64_t));
		*nfiles = rs->nrows;
		for (int64_t i = 0; i < rs->nrows; i++) {
			struct wb_value f, mv, rv;
			rowset_get(rs, i, 0, &f);
			rowset_get(rs, i, 1, &mv);
			rowset_get(rs, i, 2, &rv);
			(*files)[i] = f.u.i;
			dups += mv.u.i - rv.u.i;
		}
		rc = 0;
		if (dups > 0 && m->check_dups) {
			err_set(err, st->pos, "cannot perform MERGE: multiple source rows matched and attempted to modify the "
			    "same target row in possibly conflicting ways (%lld extra match%s)", (long long)dups, dups == 1 ? "" : "es");
			err_hint(err, "make the source unique on the ON columns (e.g. GROUP BY them, or keep one row per key "
			    "with QUALIFY row_number() OVER (PARTITION BY key ORDER BY ...) = 1)");
			rc = -1;
		}
	}
	rowset_free(rs);
	stmt_finish(s, &b, p);
	return rc;
}

/* Spark's operationParameters of a MERGE. */
static void
merge_params(struct arena *a, struct merge *m, struct lake_write *w)
{
	struct strbuf sb = STRBUF_INIT;
	ast_expr_text(m->st->u.merge.on, &sb);
	lake_write_param(w, "predicate", sb_str(&sb));
	static const char *const keys[] = {"matchedPredicates", "notMatchedPredicates", "notMatchedBySourcePredicates"};
	static const enum ast_merge_when whens[] = {MERGE_MATCHED, MERGE_NOT_MATCHED, MERGE_NOT_MATCHED_BY_SOURCE};
	for (int k = 0; k < 3; k++) {
		struct strbuf js = STRBUF_INIT;
		struct json_writer jw;
		json_w_init(&jw, &js);
		json_w_array(&jw);
		struct ast_list *cl = &m->st->u.merge.clauses;
		for (int i = 0; i < cl->n; i++) {
			const struct ast *c = cl->v[i];
			if (c->u.mclause.when != whens[k])
				continue;
			json_w_object(&jw);
			if (c->u.mclause.cond) {
				sb_clear(&sb);
				ast_expr_text(c->u.mclause.cond, &sb);
				json_w_key(&jw, "predicate");
				json_w_string(&jw, sb_str(&sb));
			}
			json_w_key(&jw, "actionType");
			json_w_string(&jw, c->u.mclause.action == MERGE_UPDATE ? (c->u.mclause.star ? "update_star" : "update")
			    : c->u.mclause.action == MERGE_DELETE ? "delete" : (c->u.mclause.star ? "insert_star" : "insert"));
			json_w_end(&jw);
		}
		json_w_end(&jw);
		lake_write_param(w, keys[k], sb_str(&js));
		sb_free(&js);
	}
	sb_free(&sb);
}

static void
merge_metrics(struct lake_write *w, const struct dml_counts *c, long long t0, long long t1, long long t2)
{
	const int64_t *n = c->n;
	lake_write_metric(w, "numTargetRowsInserted", n[DML_INSERT]);
	lake_write_metric(w, "numTargetRowsUpdated", n[DML_UPDATE] + n[DML_SRC_UPDATE]);
	lake_write_metric(w, "numTargetRowsMatchedUpdated", n[DML_UPDATE]);
	lake_write_metric(w, "numTargetRowsNotMatchedBySourceUpdated", n[DML_SRC_UPDATE]);
	lake_write_metric(w, "numTargetRowsDeleted", n[DML_DELETE] + n[DML_SRC_DELETE]);
	lake_write_metric(w, "numTargetRowsMatchedDeleted", n[DML_DELETE]);
	lake_write_metric(w, "numTargetRowsNotMatchedBySourceDeleted", n[DML_SRC_DELETE]);
	lake_write_metric(w, "numTargetRowsCopied", n[DML_COPY]);
	lake_write_metric(w, "numOutputRows", n[DML_INSERT] + n[DML_UPDATE] + n[DML_SRC_UPDATE] + n[DML_COPY]);
	lake_write_metric(w, "numTargetChangeFilesAdded", 0);
	lake_write_metric(w, "executionTimeMs", (t2 - t0) / 1000000);
	lake_write_metric(w, "scanTimeMs", (t1 - t0) / 1000000);
	lake_write_metric(w, "rewriteTimeMs", (t2 - t1) / 1000000);
}

static bool
changed(const struct dml_counts *c)
{
	return c->n[DML_UPDATE] || c->n[DML_DELETE] || c->n[DML_INSERT] || c->n[DML_SRC_UPDATE] || c->n[DML_SRC_DELETE];
}

/* Run one rewrite query into w (counts added to *counts). */
static int
merge_pass(struct session *s, struct arena *a, struct merge *m, struct ast *target_rel, enum ast_join_type jt,
    struct lake_write *w, struct dml_counts *counts, struct wb_error *err)
{
	struct ast *q = rewrite_query(a, m, target_rel, jt);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct dml_counts c;
	int r = p ? dml_run(s, p, w, NULL, NULL, &c, NULL, err) : -1;
	stmt_finish(s, &b, p);
	if (r == 0)
		for (int k = 0; k < DML_NACTIONS; k++)
			counts->n[k] += c.n[k];
	return r;
}

static int
merge_delta(struct session *s, struct arena *a, struct merge *m, struct table *t, bool evolve, struct dml_counts *counts,
    int64_t *version, struct wb_error *err)
{
	const char *dir = lake_table_dir(t);
	long long t0 = exec_now_ns();
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		delta_snapshot_free(snap);
		return -1;
	}
	int rc = -1;
	int64_t *files = NULL, nfiles = 0;
	struct table *pin = NULL;
	struct lake_write *w = NULL;
	m->ncol = snap->schema.ncols;
	m->names = arena_alloc(a, sizeof(char *) * (size_t)(m->ncol ? m->ncol : 1));
	m->types = arena_alloc(a, sizeof(wb_type) * (size_t)(m->ncol ? m->ncol : 1));
	m->exists = arena_alloc(a, sizeof(bool) * (size_t)(m->ncol ? m->ncol : 1));
	for (int c = 0; c < m->ncol; c++) {
		m->names[c] = (char *)snap->schema.cols[c].name;
		m->types[c] = snap->schema.cols[c].type;
		m->exists[c] = true;
	}
	int old_ncol = m->ncol;
	if (evolve)
		evolve_columns(a, m);
	if (clause_values(a, m, t, evolve, err) < 0)
		goto out;
	struct ast_name nm = {1, {t->name}};
	if (m->has_matched) {
		pin = lake_table_pinned(t->name, snap, NULL, 0, LAKE_PIN_FILE | LAKE_PIN_ROW);
		int r = touched_files(s, a, m, ast_mk_table(a, &nm, m->tq, pin, m->st->pos), &files, &nfiles, err);
		table_unref(pin);
		pin = NULL;
		if (r < 0)
			goto out;
		if (m->has_by_source) {
			free(files);
			files = NULL;
			nfiles = snap->nfiles;
		}
	} else if (m->has_by_source) {
		nfiles = snap->nfiles;     /* files NULL: all */
	}
	long long t1 = exec_now_ns();
	if (nfiles == 0 && !m->has_insert) {
		rc = 0;
		goto out;
	}
	/* new columns (schema evolution) go to the schema in the same commit */
	w = lake_write_begin_at(dir, snap, "MERGE", m->ncol, m->names, m->types, m->ncol > old_ncol, err);
	if (w == NULL)
		goto out;
	if (m->rewrite)
		for (int64_t i = 0; i < nfiles; i++)
			lake_write_remove(w, files ? files[i] : i);
	merge_params(a, m, w);
	lake_write_file_metrics(w, "numTargetFilesAdded", "numTargetFilesRemoved", "numTargetBytesAdded",
	    "numTargetBytesRemoved");
	/* the touched files (files NULL: all), batch by batch: each batch's
	 * rows and their matches into a new data file of its own */
	memset(counts, 0, sizeof *counts);
	for (int64_t first = 0; m->rewrite && first < nfiles;) {
		int64_t last = stmt_lake_batch_end(snap, files, nfiles, first, a);
		int64_t *batch = arena_alloc(a, sizeof(int64_t) * (size_t)(last - first));
		for (int64_t i = first; i < last; i++)
			batch[i - first] = files ? files[i] : i;
		if (first > 0 && lake_write_next_file(w, err) < 0)
			goto out;
		pin = lake_table_pinned(t->name, snap, batch, last - first, LAKE_PIN_FILE);
		int r = merge_pass(s, a, m, ast_mk_table(a, &nm, m->tq, pin, m->st->pos), JOIN_RIGHT, w, counts, err);
		table_unref(pin);
		pin = NULL;
		if (r < 0)
			goto out;
		first = last;
	}
	/* then the source rows nothing matched: against the touched files,
	 * which hold every target row any source row matches (or, when only
	 * inserting, the whole target, never rewritten) */
	if (m->has_insert) {
		if (m->rewrite && nfiles > 0 && lake_write_next_file(w, err) < 0)
			goto out;
		pin = lake_table_pinned(t->name, snap, files, files ? nfiles : 0, LAKE_PIN_FILE);
		bool rewrite = m->rewrite;
		m->rewrite = false;
		int r = merge_pass(s, a, m, ast_mk_table(a, &nm, m->tq, pin, m->st->pos), JOIN_LEFT, w, counts, err);
		m->rewrite = rewrite;
		if (r < 0)
			goto out;
	}
	if (!changed(counts)) {
		rc = 0;              /* nothing changed: no commit */
		goto out;
	}
	merge_metrics(w, counts, t0, t1, exec_now_ns());
	int64_t rows;
	*version = lake_write_commit(w, &rows, err);
	w = NULL;
	if (*version >= 0) {
		if (m->ncol > old_ncol)
			stmt_lake_refresh(s, t);
		rc = 0;
	}
out:
	if (w)
		lake_write_abort(w);
	if (pin)
		table_unref(pin);
	free(files);
	delta_snapshot_free(snap);
	return rc;
}

/* The in-memory target with the columns the queries expect: _wb_file (a
 * constant) and, for the duplicate check, _wb_row (a row number). */
static struct ast *
memory_target(struct arena *a, struct merge *m, struct table *t, bool rownum)
{
	int pos = m->st->pos;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, pos), NULL));
	ast_list_add(a, &items, ast_mk_item(a, ast_mk_int(a, 0, pos), LAKE_FILE_COLUMN));
	if (rownum) {
		struct ast *rn = ast_mk_func(a, "row_number", pos, 0);
		rn->u.func.over = ast_new(a, AST_WINDOW_SPEC, pos);
		ast_list_add(a, &items, ast_mk_item(a, rn, LAKE_ROW_COLUMN));
	}
	struct ast_name nm = {1, {t->name}};
	struct ast *q = ast_mk_select(a, ast_mk_table(a, &nm, NULL, t, pos), &items, NULL);
	return ast_mk_derived(a, q, m->tq);
}

static int
merge_memory(struct session *s, struct arena *a, struct merge *m, struct table *t, bool evolve,
    struct dml_counts *counts, struct wb_error *err)
{
	m->ncol = t->ncol;
	m->names = t->names;
	m->types = t->types;
	m->exists = arena_alloc(a, sizeof(bool) * (size_t)(t->ncol ? t->ncol : 1));
	for (int c = 0; c < t->ncol; c++)
		m->exists[c] = true;
	if (evolve)
		evolve_columns(a, m);
	if (clause_values(a, m, t, evolve, err) < 0)
		return -1;
	m->rewrite = true;
	if (m->has_matched && m->check_dups) {
		int64_t *files = NULL, n = 0;
		int r = touched_files(s, a, m, memory_target(a, m, t, true), &files, &n, err);
		free(files);
		if (r < 0)
			return -1;
	}
	struct ast *q = rewrite_query(a, m, memory_target(a, m, t, false), m->has_insert ? JOIN_FULL : JOIN_RIGHT);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	struct mt_rowgroup **rgs = NULL;
	int nrg = 0;
	int rc = p ? dml_run(s, p, NULL, &rgs, &nrg, counts, NULL, err) : -1;
	stmt_finish(s, &b, p);
	if (rc < 0)
		return -1;
	if (!changed(counts)) {
		for (int i = 0; i < nrg; i++)
			mt_rowgroup_unref(rgs[i]);
		free(rgs);
		return 0;
	}
	if (m->ncol == t->ncol) {
		memtable_replace(memtable_of(t), rgs, nrg);
		free(rgs);
		return 0;
	}
	/* schema evolution: a new table object with the new columns */
	struct memtable *mt = memtable_new(m->ncol, m->types);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	struct table *nt = memtable_table(t->name, m->ncol, m->names, m->types, mt);
	if (t->comment)
		nt->comment = xstrdup(t->comment);
	return catalog_swap(s->catalog, t, nt, err);
}

/* MERGE [WITH SCHEMA EVOLUTION] INTO target USING source ON cond WHEN ... */
int
stmt_merge(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast *tgt = st->u.merge.target;
	struct table *t = stmt_dml_target(s, &tgt->u.table.name, st->pos, "merge into", err);
	if (t == NULL)
		return -1;
	struct merge m = {.st = st};
	m.tq = rel_alias(tgt);
	m.sq = rel_alias(st->u.merge.source);
	if (m.sq == NULL)
		m.sq = "_wb_source";
	struct ast_list *cl = &st->u.merge.clauses;
	int nmatched = 0;
	for (int i = 0; i < cl->n; i++) {
		const struct ast *c = cl->v[i];
		if (c->u.mclause.when == MERGE_MATCHED) {
			m.has_matched = true;
			nmatched++;
		}
		m.has_insert = m.has_insert || c->u.mclause.when == MERGE_NOT_MATCHED;
		m.has_by_source = m.has_by_source || c->u.mclause.when == MERGE_NOT_MATCHED_BY_SOURCE;
	}
	m.rewrite = m.has_matched || m.has_by_source;
	/* Spark lets several source rows match one target row only when all
	 * they can do is delete it */
	m.check_dups = true;
	for (int i = 0; i < cl->n; i++) {
		const struct ast *c = cl->v[i];
		if (nmatched == 1 && c->u.mclause.when == MERGE_MATCHED && c->u.mclause.action == MERGE_DELETE &&
		    c->u.mclause.cond == NULL)
			m.check_dups = false;
	}
	bool evolve = st->u.merge.schema_evolution || s->schema_auto_merge;
	struct dml_counts counts;
	memset(&counts, 0, sizeof counts);
	int64_t version = -1;
	int rc = materialize_source(s, a, &m, err);
	if (rc == 0)
		rc = lake_table_dir(t) ? merge_delta(s, a, &m, t, evolve, &counts, &version, err)
		                       : merge_memory(s, a, &m, t, evolve, &counts, err);
	if (rc == 0) {
		int64_t upd = counts.n[DML_UPDATE] + counts.n[DML_SRC_UPDATE];
		int64_t del = counts.n[DML_DELETE] + counts.n[DML_SRC_DELETE];
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%lld row%s updated, %lld deleted, %lld inserted", (long long)upd, upd == 1 ? "" : "s",
		    (long long)del, (long long)counts.n[DML_INSERT]);
		if (version >= 0)
			sb_printf(&sb, " (Delta version %lld)", (long long)version);
		expect_note_append(s, &sb);
		session_message(s, "%s", sb_str(&sb));
		sb_free(&sb);
	} else {
		err_at(err, st->pos);
	}
	if (m.src_table)
		table_unref(m.src_table);
	table_unref(t);
	return rc;
}

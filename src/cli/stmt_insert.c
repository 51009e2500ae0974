/*
 * INSERT INTO / INSERT OVERWRITE [TABLE] t [(cols)] [BY NAME]
 *   [REPLACE WHERE cond] query
 * and INSERT WITH SCHEMA EVOLUTION INTO ...
 *
 * The query's columns go to the table's by position, by the listed names
 * or BY NAME; columns not given are NULL. Values are converted to the
 * column types. Delta tables follow Spark's store assignment: a value may
 * be converted between numbers, to a string, between DATE and TIMESTAMP,
 * and from a string to a DATE or TIMESTAMP, but a string or a boolean is
 * not silently made a number (the error names the column and says to
 * CAST). With schema evolution (INSERT WITH SCHEMA EVOLUTION, or SET
 * spark.databricks.delta.schema.autoMerge.enabled = true) the columns a
 * Delta table lacks - the extra query columns BY NAME, or the trailing
 * ones by position - are added to its schema in the same commit.
 *
 * REPLACE WHERE (Databricks) replaces the rows matching cond with the
 * query's rows in one commit: the files holding matching rows are
 * rewritten without them, the new rows are added, and a new row that does
 * not satisfy cond is an error (nothing is written). In-memory tables get
 * the same semantics.
 */
#include "cli/stmt_int.h"
#include "cli/expect.h"
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "sql/optimizer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Spark's ANSI store assignment, on wb's types (plus string -> date /
 * timestamp, so that date literals written as strings work). */
static bool
store_assignable(wb_type from, wb_type to)
{
	if (from == to || from == WB_TYPE_NULL)
		return true;
	bool fnum = from == WB_TYPE_BIGINT || from == WB_TYPE_DOUBLE;
	bool tnum = to == WB_TYPE_BIGINT || to == WB_TYPE_DOUBLE;
	if (fnum && tnum)
		return true;
	if (to == WB_TYPE_VARCHAR)
		return !type_is_list(from);
	bool fdt = from == WB_TYPE_DATE || from == WB_TYPE_TIMESTAMP;
	bool tdt = to == WB_TYPE_DATE || to == WB_TYPE_TIMESTAMP;
	return tdt && (fdt || from == WB_TYPE_VARCHAR);
}

struct insert_cols {
	int ncol;                      /* table columns, then new ones (evolution) */
	char **names;
	wb_type *types;
	int *src;                      /* query column of each, -1: NULL, -2: a static partition value */
	int nnew;
	struct wb_value *fixed;        /* per table column: its static partition value */
};

static bool
named_before(const struct ast_list *spec, int i)
{
	for (int j = 0; j < i; j++)
		if (strcasecmp(spec->v[j]->u.assign.target.parts[0], spec->v[i]->u.assign.target.parts[0]) == 0)
			return true;
	return false;
}

/* The mapping of an INSERT into t from plan p: nothing mapped yet. */
static void
insert_cols_init(struct arena *a, struct table *t, struct pnode *p, struct insert_cols *ic)
{
	int cap = t->ncol + p->ncol;
	ic->names = arena_alloc(a, sizeof(char *) * (size_t)(cap ? cap : 1));
	ic->types = arena_alloc(a, sizeof(wb_type) * (size_t)(cap ? cap : 1));
	ic->src = arena_alloc(a, sizeof(int) * (size_t)(cap ? cap : 1));
	ic->fixed = arena_zalloc(a, sizeof *ic->fixed * (size_t)(t->ncol ? t->ncol : 1));
	ic->ncol = t->ncol;
	ic->nnew = 0;
	for (int i = 0; i < t->ncol; i++) {
		ic->names[i] = t->names[i];
		ic->types[i] = t->types[i];
		ic->src[i] = -1;
	}
}

/* PARTITION (k = v, k2) of an INSERT into a partitioned Delta table: each
 * name must be a partition column; the columns given a value are fixed
 * (ic->fixed, src -2) and the query gives the others (a column named
 * without a value, Spark's dynamic partition column, is one of them). */
static int
partition_spec(struct binder *b, struct ast *st, struct table *t, struct insert_cols *ic, struct wb_error *err)
{
	const struct ast_list *spec = &st->u.insert.partition;
	if (spec->n == 0)
		return 0;
	const char *dir = lake_table_dir(t);
	if (dir == NULL) {
		err_set(err, spec->v[0]->pos, "INSERT ... PARTITION needs a partitioned Delta table; \"%s\" is in memory",
		    t->name);
		return -1;
	}
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	int rc = 0;
	for (int i = 0; i < spec->n && rc == 0; i++) {
		struct ast *as = spec->v[i];
		const char *name = as->u.assign.target.parts[0];
		int c = 0;
		while (c < t->ncol && strcasecmp(t->names[c], name) != 0)
			c++;
		int sc = delta_schema_find(&snap->schema, name);
		if (c == t->ncol || sc < 0 || snap->schema.cols[sc].partition_index < 0) {
			struct strbuf sb = STRBUF_INIT;
			for (int k = 0; k < snap->metadata.npartition_columns; k++)
				sb_printf(&sb, "%s%s", k ? ", " : "", snap->metadata.partition_columns[k]);
			err_set(err, as->pos, "\"%s\" is not a partition column of \"%s\"", name, t->name);
			if (sb.len)
				err_hint(err, "its partition columns are: %s", sb_str(&sb));
			else
				err_hint(err, "the table is not partitioned: drop the PARTITION clause");
			sb_free(&sb);
			rc = -1;
		} else if (named_before(spec, i)) {
			err_set(err, as->pos, "PARTITION names \"%s\" twice", name);
			rc = -1;
		} else if (as->u.assign.value != NULL) {
			rc = bind_constant(b, as->u.assign.value, &ic->fixed[c]);
			ic->src[c] = -2;
		}
	}
	delta_snapshot_free(snap);
	return rc;
}

/* The REPLACE WHERE of INSERT OVERWRITE ... PARTITION (k = v): the rows of
 * the fixed partitions ('' and NULL are the null partition). */
static struct ast *
fixed_condition(struct arena *a, struct table *t, const struct insert_cols *ic, int pos)
{
	struct ast *cond = NULL;
	for (int c = 0; c < t->ncol; c++) {
		if (ic->src[c] != -2)
			continue;
		const struct wb_value *v = &ic->fixed[c];
		struct ast *col = ast_mk_col(a, NULL, t->names[c], pos), *e;
		if (v->is_null || (v->type == WB_TYPE_VARCHAR && v->u.s.n == 0)) {
			e = ast_mk_is_null(a, col, false);
		} else {
			struct ast *lit = ast_new(a, AST_LITERAL, pos);
			lit->u.lit = *v;
			e = ast_mk_binary(a, "=", col, v->type == t->types[c] ? lit : ast_mk_cast(a, lit, t->types[c]));
		}
		cond = cond ? ast_mk_binary(a, "AND", cond, e) : e;
	}
	return cond;
}

/* Map the table's columns (and, evolving, new ones) to query columns
 * (after insert_cols_init and partition_spec). */
static int
map_insert(struct ast *st, struct table *t, struct pnode *p, bool evolve, struct insert_cols *ic,
    struct wb_error *err)
{
	int nfixed = 0;
	for (int i = 0; i < t->ncol; i++)
		nfixed += ic->src[i] == -2;
	int qpos = st->u.insert.query->pos;
	if (st->u.insert.columns.n > 0 || st->u.insert.by_name) {
		int n = st->u.insert.by_name ? p->ncol : st->u.insert.columns.n;
		if (!st->u.insert.by_name && n != p->ncol) {
			err_set(err, qpos, "INSERT lists %d columns but the query produces %d", n, p->ncol);
			return -1;
		}
		for (int k = 0; k < n; k++) {
			const char *cn = st->u.insert.by_name ? p->names[k] : st->u.insert.columns.v[k]->u.name.parts[0];
			int c = -1;
			for (int i = 0; i < ic->ncol && c < 0; i++)
				if (strcasecmp(ic->names[i], cn) == 0)
					c = i;
			if (c < 0 && evolve && st->u.insert.by_name) {
				c = ic->ncol++;
				ic->names[c] = (char *)cn;
				ic->types[c] = p->types[k];
				ic->src[c] = -1;
				ic->nnew++;
			}
			if (c < 0) {
				err_set(err, st->u.insert.by_name ? qpos : st->u.insert.columns.v[k]->pos,
				    "table \"%s\" has no column \"%s\"", t->name, cn);
				const char *sug = str_suggest(cn, (const char *const *)t->names, t->ncol);
				if (sug)
					err_hint(err, "did you mean \"%s\"?", sug);
				else if (lake_table_dir(t) && st->u.insert.by_name)
					err_hint(err, "INSERT WITH SCHEMA EVOLUTION INTO adds new columns to a Delta table");
				return -1;
			}
			if (ic->src[c] >= 0 || ic->src[c] == -2) {
				err_set(err, st->pos, "column \"%s\" is given twice%s", cn,
				    ic->src[c] == -2 ? " (in PARTITION too)" : "");
				return -1;
			}
			ic->src[c] = k;
		}
		return 0;
	}
	int nfree = t->ncol - nfixed;
	if (p->ncol > nfree && evolve) {
		/* the trailing query columns are new columns */
		for (int k = nfree; k < p->ncol; k++) {
			for (int i = 0; i < ic->ncol; i++)
				if (strcasecmp(ic->names[i], p->names[k]) == 0) {
					err_set(err, qpos, "the new column \"%s\" (query column %d) is already a column of \"%s\"",
					    p->names[k], k + 1, t->name);
					err_hint(err, "give it another name, or insert BY NAME");
					return -1;
				}
			ic->names[ic->ncol] = p->names[k];
			ic->types[ic->ncol++] = p->types[k];
			ic->nnew++;
		}
	} else if (p->ncol != nfree) {
		if (nfixed > 0)
			err_set(err, qpos, "table \"%s\" has %d columns besides the PARTITION values but the query produces %d",
			    t->name, nfree, p->ncol);
		else
			err_set(err, qpos, "table \"%s\" has %d columns but the query produces %d", t->name, t->ncol, p->ncol);
		err_hint(err, "list the target columns: INSERT INTO %s (col, ...) ..., or INSERT INTO %s BY NAME ...", t->name,
		    t->name);
		return -1;
	}
	/* by position, past the fixed partition columns */
	for (int i = 0, k = 0; i < ic->ncol; i++)
		if (i >= t->ncol || ic->src[i] != -2)
			ic->src[i] = k++;
	return 0;
}

/* A Delta table's store-assignment check: the first column whose query
 * type would be silently converted in a way Spark refuses. */
static int
check_store_types(struct ast *st, struct table *t, struct pnode *p, const struct insert_cols *ic, struct wb_error *err)
{
	for (int i = 0; i < ic->ncol; i++) {
		int k = ic->src[i];
		if (k < 0 || bind_null_column(p, k) || store_assignable(p->types[k], ic->types[i]))
			continue;
		err_set(err, st->u.insert.query->pos, "cannot write %s into column \"%s\" (%s) of Delta table \"%s\"",
		    type_name(p->types[k]), ic->names[i], type_name(ic->types[i]), t->name);
		err_hint(err, "convert it explicitly: CAST(... AS %s)", type_name(ic->types[i]));
		return -1;
	}
	for (int i = t->ncol; i < ic->ncol; i++)
		if (ic->types[i] == WB_TYPE_INTERVAL || type_is_list(ic->types[i])) {
			err_set(err, st->u.insert.query->pos, "new column \"%s\" is %s, which a Delta table cannot store",
			    ic->names[i], type_name(ic->types[i]));
			err_hint(err, "CAST it to a storable type");
			return -1;
		}
	return 0;
}

/* The rows kept by REPLACE WHERE: SELECT cols, CASE WHEN cond THEN delete
 * ELSE copy END FROM rel. */
static struct ast *
replace_keep_query(struct arena *a, struct ast *rel, const char *qual, struct table *t, struct ast *cond, int pos)
{
	return dml_rewrite_query(a, rel, qual, t->ncol, t->names, t->types, NULL, cond, pos);
}

/* The inserted rows of REPLACE WHERE, each checked against cond. */
static struct pnode *
replace_new_rows(struct binder *b, struct arena *a, struct pnode *rows, const char *qual, struct ast *cond, int pos)
{
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, pos), NULL));
	struct ast *act = ast_mk_case(a, pos);
	ast_case_when(a, act, cond, ast_mk_int(a, DML_INSERT, pos));
	act->u.kase.els = ast_mk_int(a, DML_VIOLATION, pos);
	ast_list_add(a, &items, ast_mk_item(a, act, DML_ACTION_COLUMN));
	struct ast *q = ast_mk_select(a, bind_bound_relation(b, rows, qual, pos), &items, NULL);
	struct pnode *p = bind_query(b, q);
	return p ? optimize(a, p) : NULL;
}

static char *
violation_text(struct arena *a, struct ast *cond)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "INSERT ... REPLACE WHERE: a row written does not satisfy the condition ");
	ast_expr_text(cond, &sb);
	char *r = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return r;
}

/* Spark's partitionBy parameter: ["k","d"]. */
static const char *
partition_by_json(struct arena *a, const struct delta_snapshot *snap)
{
	struct strbuf sb = STRBUF_INIT;
	json_string_array(&sb, snap->metadata.partition_columns, snap->metadata.npartition_columns);
	const char *r = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return r;
}

/* REPLACE WHERE on a Delta table: one commit that removes the files with
 * matching rows, adds them back without those rows, and adds the new
 * rows (Spark's WRITE with mode Overwrite and a predicate). */
static int
replace_where_delta(struct session *s, struct arena *a, struct binder *b, struct ast *st, struct table *t,
    struct pnode *rows, int64_t *inserted, int64_t *version, struct wb_error *err)
{
	const char *dir = lake_table_dir(t);
	struct ast *cond = st->u.insert.replace_where;
	const char *qual = t->name;
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		delta_snapshot_free(snap);
		return -1;
	}
	int rc = -1;
	struct lake_doomed d = {0};
	struct lake_write *w = NULL;
	bool same = snap->schema.ncols == t->ncol;
	for (int c = 0; same && c < t->ncol; c++)
		same = strcasecmp(snap->schema.cols[c].name, t->names[c]) == 0 && snap->schema.cols[c].type == t->types[c];
	if (!same) {
		stmt_lake_refresh(s, t);
		err_set(err, st->pos, "Delta table \"%s\" changed its columns since it was opened", t->name);
		err_hint(err, "run the statement again");
		goto out;
	}
	/* the files with matching rows go; those with other rows too are
	 * rewritten without the matching ones */
	if (stmt_lake_doomed(s, a, snap, t->name, qual, cond, &d, err) < 0)
		goto out;
	w = lake_write_begin_at(dir, snap, "WRITE", t->ncol, t->names, t->types, false, err);
	if (w == NULL)
		goto out;
	for (int64_t i = 0; i < d.nfiles; i++)
		lake_write_remove(w, d.files[i]);
	lake_write_param(w, "mode", "Overwrite");
	lake_write_param(w, "partitionBy", partition_by_json(a, snap));
	lake_write_param(w, "predicate", dml_predicate_json(a, cond));
	lake_write_file_metrics(w, "numFiles", "numRemovedFiles", "numOutputBytes", "numRemovedBytes");
	struct dml_counts kept = {0}, added = {0};
	if (d.npartial > 0 &&
	    (stmt_lake_rewrite_files(s, a, snap, t->name, qual, d.partial, d.npartial, NULL, cond, st->pos, w, &kept,
	    err) < 0 || lake_write_next_file(w, err) < 0))
		goto out;
	kept.n[DML_DELETE] += d.whole_rows;
	struct pnode *np = replace_new_rows(b, a, rows, qual, cond, st->pos);
	int r = np ? dml_run(s, np, w, NULL, NULL, &added, violation_text(a, cond), err) : -1;
	if (np)
		exec_cleanup(np);
	if (r < 0)
		goto out;
	*inserted = added.n[DML_INSERT];
	lake_write_metric(w, "numOutputRows", added.n[DML_INSERT] + kept.n[DML_COPY]);
	lake_write_metric(w, "numDeletedRows", kept.n[DML_DELETE]);
	lake_write_metric(w, "numCopiedRows", kept.n[DML_COPY]);
	int64_t n;
	*version = lake_write_commit(w, &n, err);
	w = NULL;
	if (*version >= 0)
		rc = 0;
out:
	if (w)
		lake_write_abort(w);
	stmt_lake_doomed_free(&d);
	delta_snapshot_free(snap);
	return rc;
}

/* REPLACE WHERE on an in-memory table: the kept rows, then the new ones. */
static int
replace_where_memory(struct session *s, struct arena *a, struct binder *b, struct ast *st, struct table *t,
    struct pnode *rows, int64_t *inserted, struct wb_error *err)
{
	struct ast *cond = st->u.insert.replace_where;
	struct ast_name nm = {1, {t->name}};
	struct ast *q = replace_keep_query(a, ast_mk_table(a, &nm, t->name, t, st->pos), t->name, t, cond, st->pos);
	struct dml_counts kept, added;
	struct mt_rowgroup **krgs = NULL, **args = NULL;
	int nk = 0, na = 0;
	struct binder kb;
	struct pnode *kp = stmt_plan_query(s, &kb, a, q, err);
	int rc = kp ? dml_run(s, kp, NULL, &krgs, &nk, &kept, NULL, err) : -1;
	stmt_finish(s, &kb, kp);
	if (rc < 0)
		return -1;
	struct pnode *np = replace_new_rows(b, a, rows, t->name, cond, st->pos);
	rc = np ? dml_run(s, np, NULL, &args, &na, &added, violation_text(a, cond), err) : -1;
	if (np)
		exec_cleanup(np);
	if (rc < 0) {
		for (int i = 0; i < nk; i++)
			mt_rowgroup_unref(krgs[i]);
		free(krgs);
		return -1;
	}
	krgs = xrealloc(krgs, sizeof *krgs * (size_t)(nk + na ? nk + na : 1));
	for (int i = 0; i < na; i++) {
		args[i]->seq += UINT64_C(1) << 62;    /* after the kept rows */
		krgs[nk + i] = args[i];
	}
	free(args);
	memtable_replace(memtable_of(t), krgs, nk + na);
	free(krgs);
	*inserted = added.n[DML_INSERT];
	return 0;
}

/* Append (or overwrite with) plan p's rows to in-memory table t. */
static int
memory_insert(struct session *s, struct table *t, struct pnode *p, bool overwrite, int64_t *rows, struct wb_error *err)
{
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	struct memtable *add = exec_materialize(p, &ctx);
	if (add == NULL)
		err_move(err, &ctx.err);
	exec_ctx_fini(&ctx);
	if (add == NULL)
		return -1;
	struct memtable *mt = memtable_of(t);
	*rows = add->nrows;
	/* move the new row groups over */
	pthread_mutex_lock(&add->mu);
	struct mt_rowgroup **rgs = add->rgs;
	int nrg = add->nrg;
	add->rgs = NULL;
	add->nrg = 0;
	pthread_mutex_unlock(&add->mu);
	if (overwrite) {
		memtable_replace(mt, rgs, nrg);
	} else {
		/* keep appended rows after the existing ones */
		for (int i = 0; i < nrg; i++)
			rgs[i]->seq += UINT64_C(1) << 62;
		memtable_add(mt, rgs, nrg);
	}
	free(rgs);
	memtable_free(add);
	return 0;
}

int
stmt_insert(struct session *s, struct arena *a, struct ast *st, const struct lake_write_options *lo,
    struct wb_error *err)
{
	struct table *t = stmt_dml_target(s, &st->u.insert.table, st->pos, "insert into", err);
	if (t == NULL)
		return -1;
	bool delta = lake_table_dir(t) != NULL;
	bool evolve = delta && (st->u.insert.schema_evolution || s->schema_auto_merge);
	struct binder b;
	struct pnode *p = NULL;
	int rc = -1;
	if (st->u.insert.schema_evolution && !delta) {
		err_set(err, st->pos, "schema evolution needs a Delta table; \"%s\" is in memory", t->name);
		err_hint(err, "ALTER TABLE %s ADD COLUMNS (...) first", t->name);
		table_unref(t);
		return -1;
	}
	if (st->u.insert.replace_where && st->u.insert.overwrite) {
		err_set(err, st->u.insert.replace_where->pos, "REPLACE WHERE goes with INSERT INTO, not INSERT OVERWRITE");
		table_unref(t);
		return -1;
	}
	p = stmt_plan_query(s, &b, a, st->u.insert.query, err);
	if (p == NULL)
		goto out;
	struct insert_cols ic;
	insert_cols_init(a, t, p, &ic);
	if (partition_spec(&b, st, t, &ic, err) < 0 || map_insert(st, t, p, evolve, &ic, err) < 0 ||
	    (delta && lo == NULL && check_store_types(st, t, p, &ic, err) < 0))
		goto out;
	/* INSERT OVERWRITE of a partitioned table: in dynamic mode the
	 * partitions written to are replaced; otherwise PARTITION (k = v)
	 * replaces those partitions (REPLACE WHERE k = v), and no PARTITION
	 * the whole table */
	enum lake_write_mode mode = st->u.insert.overwrite ? LAKE_OVERWRITE : LAKE_APPEND;
	if (delta && st->u.insert.overwrite && s->dynamic_partition_overwrite) {
		mode = LAKE_OVERWRITE_PARTITIONS;
	} else if (delta && st->u.insert.overwrite) {
		st->u.insert.replace_where = fixed_condition(a, t, &ic, st->pos);
		if (st->u.insert.replace_where)
			mode = LAKE_APPEND;
	}
	if (ic.nnew > 0 && st->u.insert.replace_where) {
		err_set(err, st->u.insert.replace_where->pos, "REPLACE WHERE with schema evolution is not supported yet");
		err_hint(err, "add the columns first: ALTER TABLE %s ADD COLUMNS (...)", t->name);
		goto out;
	}
	struct pnode *proj = pnode_new(a, PN_PROJECT, p, ic.ncol);
	proj->u.project.exprs = arena_alloc(a, sizeof(struct bexpr *) * (size_t)(ic.ncol ? ic.ncol : 1));
	for (int i = 0; i < ic.ncol; i++) {
		int k = ic.src[i];
		if (k >= 0) {
			proj->u.project.exprs[i] = bexpr_column(a, k, p->types[k]);
			pnode_set_col(a, proj, i, ic.names[i], p->types[k]);
		} else if (k == -2) {
			proj->u.project.exprs[i] = bexpr_const(a, &ic.fixed[i], st->pos);
			pnode_set_col(a, proj, i, ic.names[i], ic.fixed[i].type);
		} else {
			struct wb_value nv = {.type = ic.types[i], .is_null = true};
			proj->u.project.exprs[i] = bexpr_const(a, &nv, st->pos);
			pnode_set_col(a, proj, i, ic.names[i], ic.types[i]);
		}
	}
	proj->est_rows = p->est_rows;
	struct pnode *cast = bind_cast_columns(&b, proj, ic.types, ic.names, ic.ncol, st->u.insert.query->pos);
	if (cast == NULL)
		goto out;
	p = cast;
	int64_t rows = 0, version = -1;
	if (st->u.insert.replace_where) {
		if (delta)
			rc = replace_where_delta(s, a, &b, st, t, cast, &rows, &version, err);
		else
			rc = replace_where_memory(s, a, &b, st, t, cast, &rows, err);
		if (rc < 0)
			err_at(err, st->pos);
	} else if (delta) {
		struct lake_write_options o = {0};
		if (lo)
			o = *lo;
		o.merge_schema = ic.nnew > 0;
		rc = stmt_lake_insert(s, t, cast, mode, &o, &rows, err);
		if (rc < 0)
			err_at(err, st->pos);
		else if (ic.nnew > 0)
			stmt_lake_refresh(s, t);
	} else {
		rc = memory_insert(s, t, cast, st->u.insert.overwrite, &rows, err);
	}
	if (rc == 0) {
		struct strbuf msg = STRBUF_INIT;
		sb_printf(&msg, "%lld row%s inserted", (long long)rows, rows == 1 ? "" : "s");
		if (ic.nnew > 0)
			sb_printf(&msg, "; %d new column%s", ic.nnew, ic.nnew == 1 ? "" : "s");
		expect_note_append(s, &msg);
		session_message(s, "%s", sb_str(&msg));
		sb_free(&msg);
	}
out:
	stmt_finish(s, &b, p);
	table_unref(t);
	return rc;
}

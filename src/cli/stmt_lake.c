/*
 * Statements on Delta tables: CREATE TABLE [AS] into the warehouse or a
 * LOCATION, registering an existing table by LOCATION, and the write path
 * of INSERT INTO / INSERT OVERWRITE (store/lake does the files and the
 * commit; this file runs the query into it).
 */
#include "cli/stmt_int.h"
#include "sql/lexer.h"
#include "cli/expect.h"
#include "store/files.h"
#include "store/lake/lake.h"
#include "store/parquet/pq.h"
#include "store/delta/delta.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "sql/parser.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

bool
stmt_lake_wanted(struct session *s, const struct ast *st)
{
	const char *fmt = st->u.create.using_format;
	if (fmt && strcasecmp(fmt, "delta") == 0)
		return true;
	return st->u.create.location || st->u.create.partitioned.n > 0 || st->u.create.props.n > 0 ||
	    (!st->u.create.temp && !fmt && s->default_delta && catalog_warehouse(s->catalog) != NULL);
}

struct lake_feed {
	struct lake_part **parts;
	struct expect_guard *guard;    /* the table's constraints and expectations, or NULL */
	int ncol;                      /* the written columns (the guard's follow) */
	struct chunk *scratch;         /* per worker: the rows the guard keeps */
};

static int
lake_consume(void *arg, int worker, struct chunk *c, struct wb_error *err)
{
	struct lake_feed *f = arg;
	if (f->guard == NULL)
		return lake_part_write(f->parts[worker], c, err);
	uint32_t sel[WB_VEC_SIZE];
	int nsel = c->n;
	for (int i = 0; i < nsel; i++)
		sel[i] = (uint32_t)i;
	if (expect_guard_rows(f->guard, worker, c, sel, &nsel, err) < 0)
		return -1;
	if (nsel == 0)
		return 0;
	struct chunk view = *c;
	view.ncol = f->ncol;
	if (nsel == c->n)
		return lake_part_write(f->parts[worker], &view, err);
	struct chunk *sc = &f->scratch[worker];
	for (int j = 0; j < f->ncol; j++)
		vec_gather(&sc->cols[j], &c->cols[j], sel, nsel);
	sc->n = nsel;
	sc->seq = c->seq;
	return lake_part_write(f->parts[worker], sc, err);
}

/* Run plan p into w and commit. Returns the version or -1 (w freed). */
static int64_t
run_into(struct session *s, struct pnode *p, struct lake_write *w, int64_t *rows, struct wb_error *err)
{
	int nw = pool_size();
	struct lake_feed f = {.ncol = p->ncol};
	if (expect_guard_prepare(s, w, &p, f.ncol, false, &f.guard, err) < 0) {
		lake_write_abort(w);
		return -1;
	}
	if (f.guard) {
		f.scratch = xcalloc((size_t)nw, sizeof *f.scratch);
		for (int i = 0; i < nw; i++)
			chunk_init(&f.scratch[i], f.ncol, p->types);
	}
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	f.parts = xcalloc((size_t)nw, sizeof *f.parts);
	lake_write_set_limits(w, s->max_records_per_file, s->delta_target_file_size);
	for (int i = 0; i < nw; i++)
		f.parts[i] = lake_write_part(w);
	int rc = exec_prepare(p, &ctx);
	if (rc == 0)
		rc = exec_parallel(p, &ctx, lake_consume, &f, NULL);
	int64_t v;
	if (rc < 0) {
		err_move(err, &ctx.err);
		lake_write_abort(w);
		v = -1;
	} else {
		v = lake_write_commit(w, rows, err);
	}
	free(f.parts);
	if (f.scratch) {
		for (int i = 0; i < nw; i++)
			chunk_free(&f.scratch[i]);
		free(f.scratch);
	}
	exec_ctx_fini(&ctx);
	return v;
}

/* TBLPROPERTIES as strings. */
static int
props_of(struct arena *a, const struct ast *st, struct lake_write_options *o, struct wb_error *err)
{
	int n = st->u.create.props.n;
	o->nprops = n;
	if (n == 0)
		return 0;
	char **k = arena_alloc(a, sizeof(char *) * (size_t)n), **v = arena_alloc(a, sizeof(char *) * (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct ast *pr = st->u.create.props.v[i];
		const struct ast *val = pr->u.prop.value;
		if (expect_reserved_key(pr->u.prop.key)) {
			err_set(err, pr->pos, "table property '%s' holds a constraint: declare it in the column list",
			    pr->u.prop.key);
			err_hint(err, "CREATE TABLE t (..., CONSTRAINT name CHECK (...)) or CONSTRAINT name EXPECT (...)");
			return -1;
		}
		if (val == NULL || val->kind != AST_LITERAL || val->u.lit.is_null) {
			err_set(err, pr->pos, "table property '%s' needs a literal value", pr->u.prop.key);
			return -1;
		}
		struct strbuf sb = STRBUF_INIT;
		value_format(&val->u.lit, &sb, "");
		k[i] = pr->u.prop.key;
		v[i] = arena_strdup(a, sb_str(&sb));
		sb_free(&sb);
	}
	o->prop_keys = k;
	o->prop_values = v;
	return 0;
}

/* Columns of a type a Delta table cannot store (lists, INTERVAL) are an
 * error that says how to keep such a table instead. */
static int
check_storable(char *const *names, const wb_type *types, int n, int pos, struct wb_error *err)
{
	for (int i = 0; i < n; i++) {
		if (delta_type_for(types[i]) != NULL || types[i] == WB_TYPE_NULL)
			continue;
		err_set(err, pos, "column \"%s\" is %s, which a Delta table cannot store", names[i], type_name(types[i]));
		err_hint(err, "keep the table in memory (CREATE TEMP TABLE, or USING MEMORY), or CAST the column");
		return -1;
	}
	return 0;
}

int
stmt_lake_create(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	struct ast_name *nm = &st->u.create.name;
	const char *name = nm->parts[nm->n - 1];
	if (st->u.create.temp) {
		err_set(err, st->pos, "a temporary table lives in memory: it cannot be a Delta table");
		err_hint(err, "drop TEMP, or drop USING DELTA / LOCATION / TBLPROPERTIES");
		return -1;
	}
	bool external = st->u.create.location != NULL;
	char *dir = external ? xstrdup(st->u.create.location) : catalog_table_dir(s->catalog, nm->parts, nm->n, err);
	if (dir == NULL) {
		err_at(err, st->pos);
		return -1;
	}
	struct lake_write_options o = {.comment = st->u.create.comment};
	int np = st->u.create.partitioned.n;
	if (np > 0) {
		char **pb = arena_alloc(a, sizeof(char *) * (size_t)np);
		for (int i = 0; i < np; i++)
			pb[i] = st->u.create.partitioned.v[i]->u.name.parts[0];
		o.partition_by = pb;
		o.npartition = np;
	}
	int rc = -1;
	int64_t rows = 0, version = -1;
	bool register_only = external && st->u.create.query == NULL && st->u.create.columns.n == 0;
	if (register_only && st->u.create.constraints.n > 0) {
		err_set(err, st->u.create.constraints.v[0]->pos, "constraints are declared with the table's columns or query");
		err_hint(err, "ALTER TABLE %s ADD CONSTRAINT ... adds one to an existing table", name);
		goto out;
	} else if (register_only) {
		/* CREATE TABLE t LOCATION '/path': an existing table */
		if (!delta_table_exists(dir)) {
			err_set(err, st->pos, "there is no Delta table at '%s'", dir);
			err_hint(err, "give columns or AS query to create one there");
			goto out;
		}
	} else if (props_of(a, st, &o, err) < 0 || expect_add_props(a, &st->u.create.constraints, &o, err) < 0) {
		goto out;
	} else {
		enum lake_write_mode mode = st->u.create.or_replace ? LAKE_REPLACE : LAKE_CREATE;
		if (!st->u.create.or_replace && delta_table_exists(dir)) {
			err_set(err, st->pos, "table \"%s\" already exists (a Delta table at %s)", name, dir);
			err_hint(err, "use CREATE OR REPLACE, or DROP it first");
			goto out;
		}
		if (st->u.create.query) {
			struct binder b;
			struct pnode *p = stmt_plan_query(s, &b, a, st->u.create.query, err);
			if (p && st->u.create.columns.n > 0) {
				int n = st->u.create.columns.n;
				wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)n);
				char **names = arena_alloc(a, sizeof(char *) * (size_t)n);
				for (int i = 0; i < n; i++) {
					types[i] = st->u.create.columns.v[i]->u.coldef.type;
					names[i] = st->u.create.columns.v[i]->u.coldef.name;
				}
				p = bind_cast_columns(&b, p, types, names, n, st->u.create.query->pos);
			}
			if (p == NULL || stmt_check_names(p->names, p->ncol, st->u.create.query->pos, err) < 0 ||
			    check_storable(p->names, p->types, p->ncol, st->pos, err) < 0 ||
			    (st->u.create.constraints.n > 0 && expect_check_conditions(s, &b, a,
			    bind_bound_relation(&b, p, name, st->pos), p, &st->u.create.constraints, err) < 0)) {
				stmt_finish(s, &b, p);
				goto out;
			}
			struct lake_write *w = lake_write_begin(dir, mode, p->ncol, p->names, p->types, &o, err);
			if (w)
				version = run_into(s, p, w, &rows, err);
			stmt_finish(s, &b, p);
		} else {
			int n = st->u.create.columns.n;
			char **names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
			wb_type *types = arena_alloc(a, sizeof(wb_type) * (size_t)(n ? n : 1));
			for (int i = 0; i < n; i++) {
				names[i] = st->u.create.columns.v[i]->u.coldef.name;
				types[i] = st->u.create.columns.v[i]->u.coldef.type;
			}
			if (stmt_check_names(names, n, st->pos, err) < 0 || check_storable(names, types, n, st->pos, err) < 0 ||
			    expect_check_columns(s, a, &st->u.create.constraints, n, names, types, name, err) < 0)
				goto out;
			o.operation = st->u.create.or_replace ? "CREATE OR REPLACE TABLE" : "CREATE TABLE";
			struct lake_write *w = lake_write_begin(dir, mode, n, names, types, &o, err);
			if (w)
				version = lake_write_commit(w, &rows, err);
		}
		if (version < 0) {
			err_at(err, st->pos);
			goto out;
		}
	}
	struct table *t = lake_table_open(name, dir, external, err);
	if (t == NULL || catalog_put(s->catalog, nm->parts, nm->n, t, false, st->u.create.or_replace, false, err) < 0) {
		/* the name is taken (by an in-memory table): a table created
		 * here goes again */
		if (t != NULL && !register_only && !st->u.create.or_replace) {
			struct wb_error e = WB_ERROR_INIT;
			lake_drop_files(dir, &e);
			err_clear(&e);
		}
		err_at(err, st->pos);
		goto out;
	}
	if (st->u.create.query) {
		struct strbuf msg = STRBUF_INIT;
		sb_printf(&msg, "Table %s created (%lld rows, Delta version %lld)", name, (long long)rows, (long long)version);
		expect_note_append(s, &msg);
		session_message(s, "%s", sb_str(&msg));
		sb_free(&msg);
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

int
stmt_lake_insert(struct session *s, struct table *t, struct pnode *p, enum lake_write_mode mode,
    const struct lake_write_options *o, int64_t *rows, struct wb_error *err)
{
	struct lake_write *w = lake_write_begin(lake_table_dir(t), mode, p->ncol,
	    p->names, p->types, o, err);
	if (w == NULL)
		return -1;
	return run_into(s, p, w, rows, err) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ COPY INTO */

#define COPY_TXN_PREFIX "wb.copy_into:"

struct name_list {
	char **v;
	int n;
	size_t cap;
};

static void
names_add(struct name_list *l, const char *s)
{
	l->v = xgrow(l->v, &l->cap, (size_t)l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

static void
names_free(struct name_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files a COPY INTO path names: a folder's files (not hidden, not
 * starting with '_' like _SUCCESS or _delta_log), a glob's matches, or the
 * file itself (store_glob); absolute, sorted. */
static int
copy_files(const char *path, struct name_list *out, struct wb_error *err)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' || e->d_name[0] == '_')
				continue;
			char *f = xasprintf("%s/%s", path, e->d_name);
			if (stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
				char *abs = realpath(f, NULL);
				names_add(out, abs ? abs : f);
				free(abs);
			}
			free(f);
		}
		if (d)
			closedir(d);
	} else {
		int n;
		char **paths = store_glob(&path, 1, &n, err);
		if (paths == NULL)
			return -1;
		for (int i = 0; i < n; i++) {
			char *abs = realpath(paths[i], NULL);
			names_add(out, abs ? abs : paths[i]);
			free(abs);
		}
		store_glob_free(paths, n);
	}
	if (out->n > 1)
		qsort(out->v, (size_t)out->n, sizeof *out->v, cmp_str);
	return 0;
}

/* The files as COPY INTO's commitInfo.operationParameters.files: a JSON
 * array of {path, size, modificationTime (ms)}, so the log says what each
 * commit loaded (the txn actions say which paths are done). */
static char *
copy_files_json(const struct name_list *files)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_array(&w);
	for (int i = 0; i < files->n; i++) {
		struct stat st;
		bool ok = stat(files->v[i], &st) == 0;
		json_w_object(&w);
		json_w_key(&w, "path");
		json_w_string(&w, files->v[i]);
		json_w_key(&w, "size");
		json_w_int(&w, ok ? (int64_t)st.st_size : -1);
		json_w_key(&w, "modificationTime");
		json_w_int(&w, ok ? (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 : -1);
		json_w_end(&w);
	}
	json_w_end(&w);
	return sb_detach(&sb);
}

/* Does COPY INTO infer the CSV's column types ('inferSchema' = 'true')?
 * By default, as in Databricks, it reads text and casts it to the table's
 * columns: "2019-10-01 00:00:00 UTC" stays as-is in a STRING column, and a
 * value that does not fit a typed column is an error naming it. */
static bool
copy_infers(const struct ast_list *opts)
{
	for (int i = 0; i < opts->n; i++) {
		const struct ast *v = opts->v[i]->u.named.value;
		if (strcasecmp(opts->v[i]->u.named.name, "inferSchema") == 0 && v->kind == AST_LITERAL)
			return (v->u.lit.type == WB_TYPE_BOOL && v->u.lit.u.b) ||
			    (v->u.lit.type == WB_TYPE_VARCHAR && strcasecmp(v->u.lit.u.s.p, "true") == 0);
	}
	return false;
}

/* A FORMAT_OPTIONS pair as a read_csv / read_parquet argument (Spark's
 * option names mapped to wb's). */
static void
format_option(struct strbuf *sb, const struct ast *o)
{
	const char *k = o->u.named.name;
	if (strcasecmp(k, "inferSchema") == 0 || strcasecmp(k, "mergeSchema") == 0)
		return;    /* see copy_infers; columns are matched by name */
	if (strcasecmp(k, "delimiter") == 0 || strcasecmp(k, "sep") == 0)
		k = "delim";
	else if (strcasecmp(k, "nullValue") == 0)
		k = "nullstr";
	sb_printf(sb, ", %s = ", k);
	const struct ast *v = o->u.named.value;
	struct strbuf t = STRBUF_INIT;
	if (v->kind == AST_LITERAL && !v->u.lit.is_null)
		value_format(&v->u.lit, &t, "");
	const char *x = sb_str(&t);
	if (v->kind == AST_LITERAL && v->u.lit.type == WB_TYPE_VARCHAR &&
	    (strcasecmp(x, "true") == 0 || strcasecmp(x, "false") == 0))
		sb_puts(sb, strcasecmp(x, "true") == 0 ? "true" : "false");
	else if (v->kind == AST_LITERAL && v->u.lit.type == WB_TYPE_VARCHAR)
		lex_put_string(sb, x);
	else
		sb_puts(sb, x);
	sb_free(&t);
}

/* Run a generated query to its end (its rows are not kept), or with
 * names set only plan it: *names / *ncol its columns (in a). */
static int
copy_run_query(struct session *s, const char *sql, char ***names, int *ncol, struct arena *a, struct wb_error *err)
{
	struct binder b;
	struct pnode *p = NULL;
	struct rowset *rs = NULL;
	struct ast *q = parse_statement(sql, (int)strlen(sql), a, err);
	int rc = -1;
	if (q && (p = stmt_plan_query(s, &b, a, q, err)) != NULL) {
		if (names) {
			*ncol = p->ncol;
			*names = arena_alloc(a, sizeof **names * (size_t)(p->ncol ? p->ncol : 1));
			for (int c = 0; c < p->ncol; c++)
				(*names)[c] = arena_strdup(a, p->names[c]);
			rc = 0;
		} else {
			rc = stmt_collect(s, p, &rs, err);
		}
	}
	if (q)
		stmt_finish(s, &b, p);
	rowset_free(rs);
	return rc;
}

/*
 * COPY INTO read the files as text and the cast to a typed column failed
 * ("could not convert 'abc' to DOUBLE"), which says nothing of where. Read
 * each file again with the table's types for its typed columns, so that
 * the CSV reader's own error names the file, line and column; err becomes
 * that error (it is left alone when no file fails that way).
 */
static void
copy_locate_bad_value(struct session *s, struct table *t, const struct name_list *files, const struct ast_list *opts,
    struct wb_error *err)
{
	for (int f = 0; f < files->n; f++) {
		struct arena a;
		arena_init(&a, 0);
		struct strbuf args = STRBUF_INIT, sql = STRBUF_INIT;
		lex_put_string(&args, files->v[f]);
		for (int i = 0; i < opts->n; i++)
			format_option(&args, opts->v[i]);
		/* the file's columns */
		sb_printf(&sql, "SELECT * FROM read_csv(%s, all_varchar = true) LIMIT 0", sb_str(&args));
		struct wb_error e = WB_ERROR_INIT;
		char **names;
		int ncol;
		bool found = false;
		if (copy_run_query(s, sb_str(&sql), &names, &ncol, &a, &e) == 0) {
			struct strbuf types = STRBUF_INIT, reads = STRBUF_INIT;
			for (int c = 0; c < ncol; c++) {
				int tc = table_column(t, names[c]);
				wb_type ty = tc >= 0 ? t->types[tc] : WB_TYPE_VARCHAR;
				if (ty != WB_TYPE_BOOL && ty != WB_TYPE_BIGINT && ty != WB_TYPE_DOUBLE && ty != WB_TYPE_DATE &&
				    ty != WB_TYPE_TIMESTAMP)
					continue;
				sb_puts(&types, types.len ? ", " : "{");
				lex_put_string(&types, names[c]);
				sb_printf(&types, ": '%s'", type_name(ty));
				/* count(col) reads the column, so its values are converted */
				sb_printf(&reads, "%scount(\"", reads.len ? ", " : "");
				for (const char *ch = names[c]; *ch; ch++)
					sb_printf(&reads, *ch == '"' ? "\"\"" : "%c", *ch);
				sb_puts(&reads, "\")");
			}
			if (types.len) {
				sb_clear(&sql);
				sb_printf(&sql, "SELECT %s FROM read_csv(%s, all_varchar = true, types = %s})", sb_str(&reads),
				    sb_str(&args), sb_str(&types));
				err_clear(&e);
				found = copy_run_query(s, sb_str(&sql), NULL, NULL, &a, &e) < 0 && e.msg &&
				    strstr(e.msg, "could not convert") != NULL;
			}
			sb_free(&types);
			sb_free(&reads);
		}
		if (found) {
			err_clear(err);
			err_set(err, -1, "COPY INTO %s: %s", t->name, e.msg);
			err_hint(err, "fix the file (it was not loaded: nothing was committed), or make the column STRING "
			    "and cast in the next layer");
		}
		err_clear(&e);
		sb_free(&args);
		sb_free(&sql);
		arena_release(&a);
		if (found)
			return;
	}
}

int
stmt_copy_into(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	const struct ast_name *nm = &st->u.copy.table;
	const char *fmt = st->u.copy.fileformat ? st->u.copy.fileformat : "csv";
	bool csv = strcasecmp(fmt, "csv") == 0;
	if (!csv && strcasecmp(fmt, "parquet") != 0) {
		err_set(err, st->pos, "COPY INTO: FILEFORMAT %s is not supported", fmt);
		err_hint(err, "FILEFORMAT = CSV or PARQUET");
		return -1;
	}
	struct table *t = catalog_get(s->catalog, nm->parts, nm->n, err);
	if (t == NULL) {
		err_at(err, st->pos);
		return -1;
	}
	int rc = -1;
	struct name_list files = {0}, fresh = {0}, txns = {0};
	struct delta_snapshot *snap = NULL;
	struct strbuf sql = STRBUF_INIT;
	if (lake_table_dir(t) == NULL) {
		err_set(err, st->pos, "COPY INTO loads into Delta tables; \"%s\" is not one", t->name);
		err_hint(err, "INSERT INTO %s SELECT * FROM read_csv('...') loads any table", t->name);
		goto out;
	}
	struct stat pst;
	size_t plen = strlen(st->u.copy.path);
	if (plen > 0 && st->u.copy.path[plen - 1] == '/' && stat(st->u.copy.path, &pst) != 0) {
		char *cwd = getcwd(NULL, 0);
		err_set(err, st->pos, "COPY INTO %s: the folder '%s' does not exist", t->name, st->u.copy.path);
		err_hint(err, "create it (files land there) or give the right path; relative paths start at %s",
		    cwd ? cwd : "the current directory");
		free(cwd);
		goto out;
	}
	if (copy_files(st->u.copy.path, &files, err) < 0) {
		err_at(err, st->pos);
		goto out;
	}
	/* the files loaded before are the table's COPY INTO txn markers */
	snap = delta_snapshot_open(lake_table_dir(t), NULL, err);
	if (snap == NULL) {
		err_at(err, st->pos);
		goto out;
	}
	for (int i = 0; i < files.n; i++) {
		char *id = xasprintf(COPY_TXN_PREFIX "%s", files.v[i]);
		bool seen = false;
		for (int k = 0; k < snap->ntxns && !seen && !st->u.copy.force; k++)
			seen = strcmp(snap->txns[k].app_id, id) == 0;
		if (!seen) {
			names_add(&fresh, files.v[i]);
			names_add(&txns, id);
		}
		free(id);
	}
	if (fresh.n == 0) {
		session_message(s, "0 files loaded (%d already loaded before)", files.n);
		rc = 0;
		goto out;
	}
	sb_puts(&sql, "INSERT INTO ");
	for (int i = 0; i < nm->n; i++) {
		sb_printf(&sql, "%s`", i ? "." : "");
		for (const char *c = nm->parts[i]; *c; c++)
			sb_printf(&sql, *c == '`' ? "``" : "%c", *c);
		sb_putc(&sql, '`');
	}
	/* Bronze lineage columns, when the table has them (_source_line only
	 * to a table that has that one too) */
	bool meta = csv && table_column(t, "_source_file") >= 0 && table_column(t, "_ingested_at") >= 0;
	sb_printf(&sql, " BY NAME SELECT *%s FROM %s([", meta && table_column(t, "_source_line") < 0 ?
	    " EXCLUDE (_source_line)" : "", csv ? "read_csv" : "read_parquet");
	for (int i = 0; i < fresh.n; i++) {
		if (i)
			sb_puts(&sql, ", ");
		lex_put_string(&sql, fresh.v[i]);
	}
	sb_putc(&sql, ']');
	for (int i = 0; i < st->u.copy.options.n; i++)
		format_option(&sql, st->u.copy.options.v[i]);
	if (csv && !copy_infers(&st->u.copy.options))
		sb_puts(&sql, ", all_varchar = true");
	if (meta)
		sb_puts(&sql, ", metadata = true");
	sb_puts(&sql, ")");
	struct ast *ins = parse_statement(sb_str(&sql), (int)sql.len, a, err);
	if (ins == NULL) {
		err_at(err, st->pos);
		goto out;
	}
	/* what was loaded, as the log's record: path, size and mtime of each file */
	char *files_json = copy_files_json(&fresh);
	char *pkey = "files";
	struct lake_write_options o = {.operation = "COPY INTO", .txn_ids = txns.v, .ntxns = txns.n,
	    .param_keys = &pkey, .param_values = &files_json, .nparams = 1};
	rc = stmt_insert(s, a, ins, &o, err);
	free(files_json);
	if (rc < 0 && csv && !copy_infers(&st->u.copy.options) && err->msg && strstr(err->msg, "could not convert"))
		copy_locate_bad_value(s, t, &fresh, &st->u.copy.options, err);
	if (rc < 0)
		err_at(err, st->pos);
	else
		session_message(s, "%d file%s loaded", fresh.n, fresh.n == 1 ? "" : "s");
out:
	sb_free(&sql);
	delta_snapshot_free(snap);
	names_free(&files);
	names_free(&fresh);
	names_free(&txns);
	table_unref(t);
	return rc;
}

/* ------------------------------------------------------------ CACHE */

int
stmt_cache(struct session *s, struct ast *st, struct wb_error *err)
{
	const struct ast_name *nm = &st->u.cache.name;
	struct table *t = catalog_get(s->catalog, nm->parts, nm->n, err);
	if (t == NULL) {
		if (st->u.cache.if_exists) {
			err_clear(err);
			return 0;
		}
		err_at(err, st->pos);
		return -1;
	}
	int rc = 0;
	if (lake_table_dir(t) == NULL) {
		/* in-memory tables and views: nothing to keep (Spark accepts them) */
		session_message(s, "%s is %s: nothing to %s", t->name, t->view_sql ? "a view" : "in memory already",
		    st->u.cache.uncache ? "uncache" : "cache");
	} else if (st->u.cache.uncache) {
		lake_table_uncache(t);
	} else if (st->u.cache.lazy) {
		session_message(s, "CACHE LAZY TABLE: %s is cached when CACHE TABLE runs; lazily nothing is done", t->name);
	} else {
		int64_t rows = lake_table_cache(t, err);
		if (rows < 0) {
			err_at(err, st->pos);
			rc = -1;
		} else {
			session_message(s, "%lld row%s of %s cached (version %lld)", (long long)rows, rows == 1 ? "" : "s",
			    t->name, (long long)lake_table_cached_version(t));
		}
	}
	table_unref(t);
	return rc;
}

void
stmt_lake_refresh(struct session *s, struct table *t)
{
	struct wb_error e = WB_ERROR_INIT;
	struct table *nt = lake_table_open(t->name, lake_table_dir(t), lake_table_is_external(t), &e);
	if (nt != NULL)
		catalog_swap(s->catalog, t, nt, &e);   /* delta.`path` tables are not registered */
	err_clear(&e);
}

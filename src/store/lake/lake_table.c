/*
 * Delta tables as catalog tables: the "delta" table kind and its scan.
 *
 * The scan source replays the log when the query opens it (the version it
 * reads), picks the live files at start() - when the planner has set the
 * projection and the pruning hints - and hands the rest to a Parquet
 * source over those files, whose readers do the work.
 */
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "store/memtable.h"
#include "store/parquet/pq.h"
#include "core/arena.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct lake_tab {
	char *dir;
	bool external;
	/* CACHE TABLE: the decoded rows of one version (NULL: none) */
	pthread_mutex_t mu;
	struct memtable *cache;
	int64_t cache_version;
};

struct lake_scan {
	struct source src;             /* the table's columns */
	struct delta_snapshot *snap;
	int *scol;                     /* table column -> snapshot schema column */
	struct source *inner;          /* Parquet over the files kept; NULL: none */
	struct scan_pred *ipreds;      /* the hints in the inner source's columns */
};

/* ------------------------------------------------------------ source */

static int
ls_start(struct source *s, struct wb_error *err)
{
	struct lake_scan *ls = s->impl;
	struct delta_snapshot *snap = ls->snap;
	struct arena a;
	arena_init(&a, 0);
	char **paths = xcalloc((size_t)(snap->nfiles ? snap->nfiles : 1), sizeof(char *));
	int np = 0, rc = -1;
	struct col_stats *cs = xcalloc((size_t)(s->ncol ? s->ncol : 1), sizeof *cs);
	const struct col_stats **csp = xcalloc((size_t)(s->ncol ? s->ncol : 1), sizeof *csp);
	for (int64_t f = 0; f < snap->nfiles; f++) {
		const struct delta_add *add = &snap->files[f];
		if (s->npreds > 0) {
			/* file skipping: the add's stats, where it has them */
			struct delta_file_stats fs;
			struct wb_error e = WB_ERROR_INIT;
			bool have = add->stats && delta_stats_parse(&snap->schema, add->stats, &a, &fs, &e) == 0;
			err_clear(&e);
			for (int c = 0; c < s->ncol; c++)
				csp[c] = NULL;
			if (have) {
				for (int i = 0; i < s->npreds; i++) {
					int c = s->preds[i].col;
					const struct delta_col_stats *d = &fs.cols[ls->scol[c]];
					cs[c] = (struct col_stats){d->has_min && d->has_max, d->min, d->max, d->null_count,
					    fs.num_records};
					csp[c] = &cs[c];
				}
			}
			if (!source_morsel_may_match(s, csp))
				continue;
		}
		paths[np] = delta_file_path(snap->table, add->path, err);
		if (paths[np] == NULL)
			goto out;
		np++;
	}
	if (np > 0) {
		struct pq_read_options o;
		pq_read_options_init(&o);
		ls->inner = pq_source_open(paths, np, &o, err);
		if (ls->inner == NULL)
			goto out;
		/* the files' columns by name: Delta column names are unique
		 * regardless of case */
		int *proj = xcalloc((size_t)(s->nproj ? s->nproj : 1), sizeof(int));
		int *icol = xcalloc((size_t)(s->ncol ? s->ncol : 1), sizeof(int));
		for (int c = 0; c < s->ncol; c++) {
			icol[c] = -1;
			for (int k = 0; k < ls->inner->ncol; k++)
				if (strcasecmp(ls->inner->names[k], s->names[c]) == 0)
					icol[c] = k;
		}
		for (int p = 0; p < s->nproj; p++) {
			int c = s->proj[p];
			if (icol[c] < 0 || ls->inner->types[icol[c]] != s->types[c]) {
				err_set(err, -1, "Delta table %s: its data file %s %s column \"%s\"", snap->table, paths[0],
				    icol[c] < 0 ? "has no" : "has another type for", s->names[c]);
				err_hint(err, "the table's files do not match its schema; they may have been written by hand");
				free(proj);
				free(icol);
				goto out;
			}
			proj[p] = icol[c];
		}
		source_project(ls->inner, proj, s->nproj);
		if (s->npreds > 0) {
			ls->ipreds = xcalloc((size_t)s->npreds, sizeof *ls->ipreds);
			for (int i = 0; i < s->npreds; i++) {
				ls->ipreds[i] = s->preds[i];
				ls->ipreds[i].col = icol[s->preds[i].col];
			}
			ls->inner->preds = ls->ipreds;
			ls->inner->npreds = s->npreds;
		}
		free(proj);
		free(icol);
		if (ls->inner->ops->start(ls->inner, err) < 0)
			goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	free(cs);
	free(csp);
	arena_release(&a);
	return rc;
}

static void *
ls_reader_new(struct source *s)
{
	struct lake_scan *ls = s->impl;
	return ls->inner ? ls->inner->ops->reader_new(ls->inner) : NULL;
}

static int
ls_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct lake_scan *ls = s->impl;
	if (ls->inner == NULL)
		return 0;
	return ls->inner->ops->next(ls->inner, reader, out, err);
}

static void
ls_reader_free(struct source *s, void *reader)
{
	struct lake_scan *ls = s->impl;
	if (ls->inner && reader)
		ls->inner->ops->reader_free(ls->inner, reader);
}

static void
ls_free(struct source *s)
{
	struct lake_scan *ls = s->impl;
	source_free(ls->inner);
	delta_snapshot_free(ls->snap);
	free(ls->scol);
	free(ls->ipreds);
	source_fini(s);
	free(ls);
}

static const struct source_ops lake_scan_ops = {
	.name = "delta",
	.start = ls_start,
	.reader_new = ls_reader_new,
	.next = ls_next,
	.reader_free = ls_reader_free,
	.free = ls_free,
};

/* ------------------------------------------------------------ table */

/* Open the latest snapshot and check that it still has t's columns. */
static struct delta_snapshot *
snapshot_for(struct table *t, const char *dir, int *scol, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return NULL;
	if (snap->metadata.npartition_columns > 0) {
		err_set(err, -1, "Delta table %s is partitioned by %s: reading partitioned tables is not supported yet",
		    dir, snap->metadata.partition_columns[0]);
		delta_snapshot_free(snap);
		return NULL;
	}
	for (int c = 0; c < t->ncol; c++) {
		scol[c] = delta_schema_find(&snap->schema, t->names[c]);
		if (scol[c] < 0 || snap->schema.cols[scol[c]].type != t->types[c]) {
			err_set(err, -1, "Delta table %s changed since it was opened: column \"%s\" is %s", dir, t->names[c],
			    scol[c] < 0 ? "gone" : "of another type");
			err_hint(err, "run the statement again");
			delta_snapshot_free(snap);
			return NULL;
		}
	}
	return snap;
}

static struct source *
lt_scan(struct table *t, struct wb_error *err)
{
	struct lake_tab *lt = t->impl;
	int *scol = xcalloc((size_t)(t->ncol ? t->ncol : 1), sizeof(int));
	struct delta_snapshot *snap = snapshot_for(t, lt->dir, scol, err);
	if (snap == NULL) {
		free(scol);
		return NULL;
	}
	/* the cache serves the version it holds, and only that one */
	pthread_mutex_lock(&lt->mu);
	if (lt->cache && lt->cache_version != snap->version) {
		memtable_free(lt->cache);    /* scans hold their own row-group references */
		lt->cache = NULL;
	}
	struct source *cached = lt->cache ? memtable_scan(lt->cache, t->names, err) : NULL;
	pthread_mutex_unlock(&lt->mu);
	if (cached) {
		free(scol);
		delta_snapshot_free(snap);
		return cached;
	}
	struct lake_scan *ls = xcalloc(1, sizeof *ls);
	source_init(&ls->src, &lake_scan_ops, t->ncol);
	for (int c = 0; c < t->ncol; c++)
		source_set_column(&ls->src, c, t->names[c], t->types[c]);
	ls->src.impl = ls;
	ls->snap = snap;
	ls->scol = scol;
	ls->src.unit_name = "files";
	struct wb_error e = WB_ERROR_INIT;
	ls->src.est_rows = delta_snapshot_num_records(snap, &e);
	err_clear(&e);
	/* any number of readers share the files' row groups */
	ls->src.max_readers = snap->nfiles > 0 ? 256 : 1;
	return &ls->src;
}

static int64_t
lt_rows(struct table *t)
{
	struct lake_tab *lt = t->impl;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	int64_t n = snap ? delta_snapshot_num_records(snap, &e) : -1;
	err_clear(&e);
	delta_snapshot_free(snap);
	return n;
}

static int64_t
lt_bytes(struct table *t)
{
	struct lake_tab *lt = t->impl;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	err_clear(&e);
	if (snap == NULL)
		return -1;
	int64_t n = 0;
	for (int64_t f = 0; f < snap->nfiles; f++)
		n += snap->files[f].size;
	delta_snapshot_free(snap);
	return n;
}

static void
lt_destroy(struct table *t)
{
	struct lake_tab *lt = t->impl;
	if (lt->cache)
		memtable_free(lt->cache);
	pthread_mutex_destroy(&lt->mu);
	free(lt->dir);
	free(lt);
}

/* ------------------------------------------------------------ cache */

struct cache_job {
	struct source *src;
	struct mt_builder **b;
	struct wb_error *errs;
	int n;
};

static void
cache_task(void *arg, int task, int worker)
{
	struct cache_job *j = arg;
	void *r = j->src->ops->reader_new(j->src);
	struct chunk c;
	chunk_init(&c, j->src->ncol, j->src->types);    /* the projection is all columns */
	int rc;
	for (;;) {
		chunk_reset(&c);
		if ((rc = j->src->ops->next(j->src, r, &c, &j->errs[task])) <= 0)
			break;
		c.n = rc;
		for (int i = 0; i < c.ncol; i++)
			c.cols[i].n = rc;
		mt_builder_append(j->b[task], &c);
	}
	chunk_free(&c);
	j->src->ops->reader_free(j->src, r);
}

int64_t
lake_table_cache(struct table *t, struct wb_error *err)
{
	struct lake_tab *lt = t->impl;
	pthread_mutex_lock(&lt->mu);
	if (lt->cache) {
		memtable_free(lt->cache);
		lt->cache = NULL;
	}
	pthread_mutex_unlock(&lt->mu);
	struct source *s = lt_scan(t, err);
	if (s == NULL)
		return -1;
	struct lake_scan *ls = s->impl;
	int64_t version = ls->snap->version;
	if (s->ops->start(s, err) < 0) {
		source_free(s);
		return -1;
	}
	int n = pool_size();
	struct cache_job j = {s, xcalloc((size_t)n, sizeof *j.b), xcalloc((size_t)n, sizeof *j.errs), n};
	for (int i = 0; i < n; i++)
		j.b[i] = mt_builder_new(t->ncol, t->types);
	pool_run(n, cache_task, &j);
	struct memtable *mt = memtable_new(t->ncol, t->types);
	int64_t rows = 0;
	for (int i = 0; i < n; i++) {
		if (err_isset(&j.errs[i]) && !err_isset(err))
			err_move(err, &j.errs[i]);
		err_clear(&j.errs[i]);
		int nrg;
		struct mt_rowgroup **rgs = mt_builder_finish(j.b[i], &nrg);
		memtable_add(mt, rgs, nrg);
		free(rgs);
		mt_builder_free(j.b[i]);
	}
	free(j.b);
	free(j.errs);
	source_free(s);
	if (err_isset(err)) {
		memtable_free(mt);
		return -1;
	}
	rows = mt->nrows;
	pthread_mutex_lock(&lt->mu);
	if (lt->cache)
		memtable_free(lt->cache);
	lt->cache = mt;
	lt->cache_version = version;
	pthread_mutex_unlock(&lt->mu);
	return rows;
}

bool
lake_table_uncache(struct table *t)
{
	struct lake_tab *lt = t->impl;
	pthread_mutex_lock(&lt->mu);
	bool had = lt->cache != NULL;
	if (lt->cache)
		memtable_free(lt->cache);
	lt->cache = NULL;
	pthread_mutex_unlock(&lt->mu);
	return had;
}

int64_t
lake_table_cached_version(struct table *t)
{
	if (lake_table_dir(t) == NULL)
		return -1;
	struct lake_tab *lt = t->impl;
	pthread_mutex_lock(&lt->mu);
	int64_t v = lt->cache ? lt->cache_version : -1;
	pthread_mutex_unlock(&lt->mu);
	if (v >= 0) {
		/* a cache of an older version will not be read */
		struct wb_error e = WB_ERROR_INIT;
		if (delta_latest_version(lt->dir, &e) != v)
			v = -1;
		err_clear(&e);
	}
	return v;
}

static const struct table_ops lake_table_ops = {
	.kind = "delta",
	.scan = lt_scan,
	.row_count = lt_rows,
	.byte_size = lt_bytes,
	.destroy = lt_destroy,
};

struct table *
lake_table_open(const char *name, const char *dir, bool external, struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return NULL;
	int n = snap->schema.ncols;
	char **names = xcalloc((size_t)(n ? n : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(n ? n : 1), sizeof(wb_type));
	for (int c = 0; c < n; c++) {
		names[c] = (char *)snap->schema.cols[c].name;
		types[c] = snap->schema.cols[c].type;
	}
	struct lake_tab *lt = xcalloc(1, sizeof *lt);
	lt->dir = xstrdup(dir);
	lt->external = external;
	pthread_mutex_init(&lt->mu, NULL);
	struct table *t = table_new(name, n, names, types, &lake_table_ops, lt);
	if (snap->metadata.description)
		t->comment = xstrdup(snap->metadata.description);
	free(names);
	free(types);
	delta_snapshot_free(snap);
	return t;
}

const char *
lake_table_dir(const struct table *t)
{
	return t && t->ops == &lake_table_ops ? ((const struct lake_tab *)t->impl)->dir : NULL;
}

bool
lake_table_is_external(const struct table *t)
{
	return t && t->ops == &lake_table_ops && ((const struct lake_tab *)t->impl)->external;
}

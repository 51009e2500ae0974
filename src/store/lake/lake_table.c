/*
 * Delta tables as catalog tables: the "delta" table kind.
 *
 * A scan replays the log when the query opens it (the version it reads)
 * and reads that snapshot through lake_scan.c, which picks the live files
 * at start() - when the planner has set the projection and the pruning
 * hints.
 */
#include "store/lake/lake_int.h"
#include "store/memtable.h"
#include "core/arena.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct lake_tab {
	char *dir;
	bool external;
	int64_t version;               /* time travel: the version every scan reads; -1: the latest */
	int64_t rows, bytes;           /* of that version (pinned tables only; -1 unknown) */
	/* CACHE TABLE: the decoded rows of one version (NULL: none) */
	pthread_mutex_t mu;
	struct memtable *cache;
	int64_t cache_version;
};

/* ------------------------------------------------------------ table */

/* Open the snapshot a scan reads (the latest, or the pinned version) and
 * check that it still has t's columns. */
static struct delta_snapshot *
snapshot_for(struct table *t, const struct lake_tab *lt, int *scol, struct wb_error *err)
{
	const char *dir = lt->dir;
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.version = lt->version >= 0 ? lt->version : DELTA_LATEST;
	struct delta_snapshot *snap = delta_snapshot_open(dir, &o, err);
	if (snap == NULL)
		return NULL;
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
	struct delta_snapshot *snap = snapshot_for(t, lt, scol, err);
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
	struct lake_scan_args a = {
		.snap = snap, .own_snap = true, .ncol = t->ncol, .names = t->names, .types = t->types, .scol = scol,
	};
	struct source *src = lake_scan_open(&a);
	free(scol);
	return src;
}

static int64_t
lt_rows(struct table *t)
{
	struct lake_tab *lt = t->impl;
	if (lt->version >= 0)
		return lt->rows;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	int64_t n = snap ? delta_snapshot_num_records(snap, &e) : -1;
	err_clear(&e);
	delta_snapshot_free(snap);
	return n;
}

static int64_t snapshot_bytes(const struct delta_snapshot *snap);

static int64_t
lt_bytes(struct table *t)
{
	struct lake_tab *lt = t->impl;
	if (lt->version >= 0)
		return lt->bytes;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = delta_snapshot_open(lt->dir, NULL, &e);
	err_clear(&e);
	if (snap == NULL)
		return -1;
	int64_t n = snapshot_bytes(snap);
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

static struct table *lt_as_of(struct table *t, int64_t version, int64_t timestamp_us, int64_t *resolved,
    struct wb_error *err);
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
	int64_t version = lake_scan_version(s);
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
	.as_of = lt_as_of,
};

static int64_t
snapshot_bytes(const struct delta_snapshot *snap)
{
	int64_t n = 0;
	for (int64_t f = 0; f < snap->nfiles; f++)
		n += snap->files[f].size;
	return n;
}

struct table *
lake_table_open_at(const char *name, const char *dir, bool external, const struct delta_read_options *at,
    struct wb_error *err)
{
	struct delta_snapshot *snap = delta_snapshot_open(dir, at, err);
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
	lt->version = -1;
	lt->rows = lt->bytes = -1;
	if (at && (at->version != DELTA_LATEST || at->timestamp != DELTA_NO_TIMESTAMP)) {
		struct wb_error e = WB_ERROR_INIT;
		lt->version = snap->version;
		lt->rows = delta_snapshot_num_records(snap, &e);
		lt->bytes = snapshot_bytes(snap);
		err_clear(&e);
	}
	pthread_mutex_init(&lt->mu, NULL);
	struct table *t = table_new(name, n, names, types, &lake_table_ops, lt);
	if (snap->metadata.description)
		t->comment = xstrdup(snap->metadata.description);
	free(names);
	free(types);
	delta_snapshot_free(snap);
	return t;
}

struct table *
lake_table_open(const char *name, const char *dir, bool external, struct wb_error *err)
{
	return lake_table_open_at(name, dir, external, NULL, err);
}

static struct table *
lt_as_of(struct table *t, int64_t version, int64_t timestamp_us, int64_t *resolved, struct wb_error *err)
{
	struct lake_tab *lt = t->impl;
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.ts_source = LAKE_TS_SOURCE;
	if (version >= 0) {
		o.version = version;
	} else {
		/* floor to the millisecond the log's times have */
		o.timestamp = timestamp_us >= 0 ? timestamp_us / 1000 : -((-timestamp_us + 999) / 1000);
	}
	struct table *x = lake_table_open_at(t->name, lt->dir, true, &o, err);
	if (x && resolved)
		*resolved = ((struct lake_tab *)x->impl)->version;
	return x;
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

int64_t
lake_table_version(const struct table *t)
{
	return t && t->ops == &lake_table_ops ? ((const struct lake_tab *)t->impl)->version : -1;
}

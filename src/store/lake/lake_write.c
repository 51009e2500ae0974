/*
 * Writing Delta tables: new Parquet data files (one per statement and
 * partition, or per batch of rewritten files: lake_write_next_file), then
 * one commit. A partitioned table's files go to Hive-style directories
 * (country=DE/part-...parquet) and hold only the data columns; their add
 * actions carry the partition values.
 * Every file is written completely (and closed) before the commit that
 * adds it is published, so a crash at any point leaves either the old
 * version (plus unreferenced files that VACUUM removes) or the new one.
 */
#include "store/lake/lake_int.h"
#include "store/parquet/pq.h"
#include "core/arena.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <stdatomic.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* A data file being written: one per partition (one in all when the
 * table is not partitioned). */
struct lw_out {
	char *file;                    /* relative to the table directory */
	char *path;
	char *key;                     /* the partition's directory ("" unpartitioned) */
	struct delta_map pv;           /* partition values for the add action (arena) */
	struct pq_writer *pq;
	atomic_int_fast64_t rows;      /* rows reserved for the file (lake_write_reserve) */
	atomic_bool full;              /* no more rows: the partition has a newer file */
};

/* The files of a run, in blocks that never move, so that producing
 * threads can read an entry without the lock once they got its index
 * under it. */
#define LW_BLOCK 1024
#define LW_MAX_OUTS (LW_BLOCK * 1024)

struct lake_write {
	char *dir;
	enum lake_write_mode mode;
	struct arena arena;
	struct delta_snapshot *read;   /* the version written on top of; NULL when creating */
	bool own_read;                 /* read is freed with w (not for lake_write_begin_at) */
	bool rewrite;                  /* lake_write_begin_at: the caller's metrics */
	const char *m_added_files, *m_removed_files, *m_added_bytes, *m_removed_bytes;
	int64_t removed_files, removed_bytes;
	struct delta_schema schema;    /* the table's schema after the commit */
	int *scol;                     /* written column -> schema column */
	int ncol;
	struct delta_commit *commit;
	/* layout: partition columns (partitionColumns order) and data columns */
	int npcols;
	const char **pnames;
	int *pcol_w;                   /* partition column -> written column, -1 */
	wb_type *ptypes;
	const struct delta_column **pcols;
	int ndata;
	int *dcol_w;                   /* data column -> written column */
	int *dscol;                    /* data column -> schema column */
	char **dnames;
	wb_type *dtypes;
	/* the files being written, shared by the producing threads */
	pthread_mutex_t mu;
	struct lw_out **blocks[LW_MAX_OUTS / LW_BLOCK];
	int nouts;
	int npartitions;               /* distinct partitions of the run */
	int64_t max_rows, max_bytes;   /* cut a file there (0: no limit) */
	int64_t prop_target;           /* the table's delta.targetFileSize, or -1 */
	int *slots;                    /* open addressing on the key's hash: out index, -1 */
	int nslots;
	struct lake_part **parts;      /* every router handed out (freed with the files) */
	int nparts;
	size_t parts_cap;
	int nfile;                     /* files opened, for their names */
	char **done;                   /* full paths of the closed files with rows */
	char **done_keys;              /* ... their partition directories */
	int ndone;
	size_t done_cap, done_keys_cap;
	int64_t added_rows, added_bytes;
	struct delta_map conf;         /* the table's configuration after the commit */
	bool made_dir;                 /* the table's directory is this write's: a write that
	                                  gives up removes it again (when empty) */
	const struct lake_write_hook *hook;   /* the SQL layer's checks (lake_write_attach) */
	void *hook_arg;
	char *op;                      /* commitInfo.operation, for the commit observer */
	int64_t copied_rows, deleted_rows;   /* a rewrite's metrics, for the observer's rows */
};

static struct lw_out *
out_at(const struct lake_write *w, int i)
{
	return w->blocks[i / LW_BLOCK][i % LW_BLOCK];
}

/* Free the routers handed out (their Parquet parts go with the files). */
static void
free_parts(struct lake_write *w)
{
	for (int i = 0; i < w->nparts; i++)
		lake_part_free(w->parts[i]);
	w->nparts = 0;
}

/* Forget the files of the current run (closed or aborted). */
static void
clear_outs(struct lake_write *w)
{
	for (int i = 0; i < w->nouts; i++) {
		struct lw_out *o = out_at(w, i);
		free(o->file);
		free(o->path);
		free(o->key);
		free(o);
	}
	w->nouts = 0;
	w->npartitions = 0;
	for (int i = 0; i < w->nslots; i++)
		w->slots[i] = -1;
}

static void
lw_free(struct lake_write *w)
{
	if (w->hook && w->hook->release)
		w->hook->release(w->hook_arg);
	free_parts(w);
	clear_outs(w);
	for (size_t b = 0; b < sizeof w->blocks / sizeof w->blocks[0] && w->blocks[b]; b++)
		free(w->blocks[b]);
	free(w->slots);
	free(w->parts);
	if (w->commit)
		delta_commit_free(w->commit);
	if (w->own_read)
		delta_snapshot_free(w->read);
	free(w->dir);
	free(w->op);
	free(w->scol);
	for (int i = 0; i < w->ndone; i++) {
		free(w->done[i]);
		free(w->done_keys[i]);
	}
	free(w->done);
	free(w->done_keys);
	pthread_mutex_destroy(&w->mu);
	arena_release(&w->arena);
	free(w);
}

/* Remove the empty directories under and including dir, deepest first
 * (never a file, never through a symbolic link). */
static void
rmdir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *sub = xasprintf("%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				rmdir_empty(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Remove every data file this write made (it failed or gave up), and the
 * table's directory when the write made it: a cancelled CREATE TABLE AS
 * leaves nothing behind. */
static void
lw_unlink_all(struct lake_write *w)
{
	free_parts(w);
	for (int i = 0; i < w->nouts; i++)
		if (out_at(w, i)->pq) {
			pq_writer_abort(out_at(w, i)->pq);
			out_at(w, i)->pq = NULL;
		}
	clear_outs(w);
	for (int i = 0; i < w->ndone; i++)
		unlink(w->done[i]);
	if (w->made_dir)
		rmdir_empty(w->dir);
}

static const char *
default_operation(enum lake_write_mode mode)
{
	switch (mode) {
	case LAKE_CREATE: return "CREATE TABLE AS SELECT";
	case LAKE_REPLACE: return "CREATE OR REPLACE TABLE AS SELECT";
	default: return "WRITE";
	}
}

/* The partition columns of a new table: columns of the written ones,
 * each once, not all of them, of a type a directory name can hold. */
static int
check_partition_columns(struct lake_write *w, int ncol, char *const *names, const wb_type *types,
    const struct lake_write_options *o, struct wb_error *err)
{
	for (int i = 0; i < o->npartition; i++) {
		int c = 0;
		while (c < ncol && strcasecmp(names[c], o->partition_by[i]) != 0)
			c++;
		if (c == ncol) {
			err_set(err, -1, "PARTITIONED BY \"%s\": the table has no such column", o->partition_by[i]);
			return -1;
		}
		if (types[c] == WB_TYPE_NULL || types[c] == WB_TYPE_INTERVAL || type_is_list(types[c])) {
			err_set(err, -1, "PARTITIONED BY \"%s\": a %s column cannot be a partition column", names[c],
			    type_name(types[c]));
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (strcasecmp(o->partition_by[j], o->partition_by[i]) == 0) {
				err_set(err, -1, "PARTITIONED BY lists column \"%s\" twice", names[c]);
				return -1;
			}
	}
	if (o->npartition > 0 && o->npartition >= ncol) {
		err_set(err, -1, "Delta table %s: every column would be a partition column", w->dir);
		err_hint(err, "a Delta table needs at least one data column besides its partition columns");
		return -1;
	}
	return 0;
}

/* New metadata (CREATE / REPLACE) from the written columns. */
static int
set_new_metadata(struct lake_write *w, int ncol, char *const *names, const wb_type *types,
    const struct lake_write_options *o, struct wb_error *err)
{
	if (o && check_partition_columns(w, ncol, names, types, o, err) < 0)
		return -1;
	int np = o ? o->npartition : 0;
	const char **pc = arena_zalloc(&w->arena, sizeof(char *) * (size_t)(np ? np : 1));
	w->schema.ncols = ncol;
	w->schema.cols = arena_zalloc(&w->arena, sizeof(struct delta_column) * (size_t)(ncol ? ncol : 1));
	for (int c = 0; c < ncol; c++) {
		struct delta_column *dc = &w->schema.cols[c];
		dc->name = arena_strdup(&w->arena, names[c]);
		dc->type = types[c];
		dc->delta_type = delta_type_for(types[c]);
		dc->nullable = true;
		dc->metadata = "{}";
		dc->partition_index = -1;
		for (int i = 0; i < np; i++)
			if (strcasecmp(o->partition_by[i], names[c]) == 0) {
				dc->partition_index = i;
				pc[i] = dc->name;       /* the column's own spelling */
			}
	}
	struct delta_metadata md;
	delta_metadata_new(&w->schema, pc, np, &w->arena, &md);
	if (w->read)
		md.id = w->read->metadata.id;     /* a replaced table keeps its identity */
	if (o && o->comment)
		md.description = o->comment;
	if (o && o->nprops > 0) {
		md.configuration.n = o->nprops;
		md.configuration.keys = arena_alloc(&w->arena, sizeof(char *) * (size_t)o->nprops);
		md.configuration.values = arena_alloc(&w->arena, sizeof(char *) * (size_t)o->nprops);
		for (int i = 0; i < o->nprops; i++) {
			md.configuration.keys[i] = arena_strdup(&w->arena, o->prop_keys[i]);
			md.configuration.values[i] = arena_strdup(&w->arena, o->prop_values[i]);
		}
	}
	w->conf = md.configuration;
	delta_commit_set_metadata(w->commit, &md);
	return 0;
}

/* Split the written columns into partition and data columns (after
 * w->schema and w->scol are known). */
static void
set_layout(struct lake_write *w, char *const *names, const wb_type *types)
{
	struct arena *a = &w->arena;
	int np = 0;
	for (int c = 0; c < w->schema.ncols; c++)
		if (w->schema.cols[c].partition_index >= 0)
			np++;
	w->npcols = np;
	w->pnames = arena_zalloc(a, sizeof(char *) * (size_t)(np ? np : 1));
	w->pcol_w = arena_zalloc(a, sizeof(int) * (size_t)(np ? np : 1));
	w->ptypes = arena_zalloc(a, sizeof(wb_type) * (size_t)(np ? np : 1));
	w->pcols = arena_zalloc(a, sizeof(*w->pcols) * (size_t)(np ? np : 1));
	for (int c = 0; c < w->schema.ncols; c++) {
		const struct delta_column *dc = &w->schema.cols[c];
		int k = dc->partition_index;
		if (k < 0 || k >= np)
			continue;
		w->pnames[k] = dc->name;
		w->ptypes[k] = dc->type;
		w->pcols[k] = dc;
		w->pcol_w[k] = -1;
		for (int j = 0; j < w->ncol; j++)
			if (w->scol[j] == c)
				w->pcol_w[k] = j;
	}
	w->dcol_w = arena_zalloc(a, sizeof(int) * (size_t)(w->ncol ? w->ncol : 1));
	w->dscol = arena_zalloc(a, sizeof(int) * (size_t)(w->ncol ? w->ncol : 1));
	w->dnames = arena_zalloc(a, sizeof(char *) * (size_t)(w->ncol ? w->ncol : 1));
	w->dtypes = arena_zalloc(a, sizeof(wb_type) * (size_t)(w->ncol ? w->ncol : 1));
	w->ndata = 0;
	for (int j = 0; j < w->ncol; j++) {
		if (w->schema.cols[w->scol[j]].partition_index >= 0)
			continue;
		w->dcol_w[w->ndata] = j;
		w->dscol[w->ndata] = w->scol[j];
		w->dnames[w->ndata] = arena_strdup(a, names[j]);
		w->dtypes[w->ndata] = types[j];
		w->ndata++;
	}
}

void
lake_write_layout(const struct lake_write *w, struct lake_layout *out)
{
	out->npcols = w->npcols;
	out->pcol_w = w->pcol_w;
	out->ptypes = w->ptypes;
	out->ndata = w->ndata;
	out->dcol_w = w->dcol_w;
	out->dtypes = w->dtypes;
}

/* Open a new data file in the partition directory key (values pv). */
static struct lw_out *
open_output(struct lake_write *w, const char *key, struct delta_map pv, struct wb_error *err)
{
	char uuid[37];
	delta_uuid(uuid);
	struct lw_out *o = xcalloc(1, sizeof *o);
	o->key = xstrdup(key);
	o->pv = pv;
	o->file = xasprintf("%s%spart-%05d-%s.c000.zstd.parquet", key, key[0] ? "/" : "", w->nfile++, uuid);
	o->path = xasprintf("%s/%s", w->dir, o->file);
	if (key[0]) {
		char *d = xasprintf("%s/%s", w->dir, key);
		int rc = lake_mkdirs(d, err);
		free(d);
		if (rc < 0)
			goto fail;
	}
	struct pq_write_options po;
	pq_write_options_init(&po);
	o->pq = pq_writer_open(o->path, w->ndata, w->dnames, w->dtypes, &po, err);
	if (o->pq == NULL)
		goto fail;
	return o;
fail:
	free(o->key);
	free(o->file);
	free(o->path);
	free(o);
	return NULL;
}

/* Append o to the run's files (w->mu held); its index, or -1 with err. */
static int
add_output(struct lake_write *w, struct lw_out *o, struct wb_error *err)
{
	if (w->nouts >= LW_MAX_OUTS) {
		err_set(err, -1, "Delta table %s: the statement writes more than %d files", w->dir, LW_MAX_OUTS);
		pq_writer_abort(o->pq);
		free(o->key);
		free(o->file);
		free(o->path);
		free(o);
		return -1;
	}
	int b = w->nouts / LW_BLOCK;
	if (w->blocks[b] == NULL)
		w->blocks[b] = xcalloc(LW_BLOCK, sizeof *w->blocks[b]);
	w->blocks[b][w->nouts % LW_BLOCK] = o;
	return w->nouts++;
}

/* The slot of a partition directory name in the map to its current file
 * (open addressing; grown at half full; w->mu held). */
static int *
slot_of(struct lake_write *w, const char *key)
{
	if (w->npartitions * 2 >= w->nslots) {
		int n = w->nslots ? w->nslots * 2 : 64;
		int *old = w->slots, nold = w->nslots;
		w->slots = xcalloc((size_t)n, sizeof *w->slots);
		w->nslots = n;
		for (int i = 0; i < n; i++)
			w->slots[i] = -1;
		for (int i = 0; i < nold; i++) {
			if (old[i] < 0)
				continue;
			const char *k = out_at(w, old[i])->key;
			uint32_t j = (uint32_t)hash_bytes(k, strlen(k)) & (uint32_t)(n - 1);
			while (w->slots[j] >= 0)
				j = (j + 1) & (uint32_t)(n - 1);
			w->slots[j] = old[i];
		}
		free(old);
	}
	uint32_t j = (uint32_t)hash_bytes(key, strlen(key)) & (uint32_t)(w->nslots - 1);
	while (w->slots[j] >= 0 && strcmp(out_at(w, w->slots[j])->key, key) != 0)
		j = (j + 1) & (uint32_t)(w->nslots - 1);
	return &w->slots[j];
}

/* Open the first file of a partition and map it (w->mu held). */
static int
new_partition(struct lake_write *w, const char *key, struct delta_map pv, struct wb_error *err)
{
	int *slot = slot_of(w, key);
	struct lw_out *o = open_output(w, key, pv, err);
	if (o == NULL)
		return -1;
	int out = add_output(w, o, err);
	if (out >= 0) {
		slot = slot_of(w, key);     /* after a rehash */
		*slot = out;
		w->npartitions++;
	}
	return out;
}

static void
lift_file_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Many partitions are many open files: lift the soft limit on them to
 * the hard one, once. */
static void
raise_file_limit(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, lift_file_limit);
}

int
lake_write_output(struct lake_write *w, const struct wb_value *vals, struct wb_error *err)
{
	if (w->npcols == 0) {
		pthread_mutex_lock(&w->mu);
		int out = w->nslots ? *slot_of(w, "") : -1;
		pthread_mutex_unlock(&w->mu);
		return out;
	}
	/* the partition's log text and directory */
	struct arena *a = &w->arena;
	struct strbuf text = STRBUF_INIT, key = STRBUF_INIT;
	const char **pvals = NULL;
	pthread_mutex_lock(&w->mu);
	pvals = arena_zalloc(a, sizeof(char *) * (size_t)w->npcols);
	for (int k = 0; k < w->npcols; k++) {
		sb_clear(&text);
		if (delta_partition_format(w->pcols[k], &vals[k], &text))
			pvals[k] = arena_strdup(a, sb_str(&text));
	}
	struct delta_map pv = {w->npcols, w->pnames, pvals};
	lake_partition_dir(&pv, &key);
	int out = *slot_of(w, sb_str(&key));
	if (out < 0) {
		if (w->npartitions >= LAKE_MAX_PARTITIONS) {
			err_set(err, -1, "Delta table %s: the statement writes more than %d partitions", w->dir,
			    LAKE_MAX_PARTITIONS);
			err_hint(err, "partition by a column with fewer distinct values (a date rather than a timestamp)");
		} else {
			if (w->npartitions == 64)
				raise_file_limit();
			out = new_partition(w, sb_str(&key), pv, err);
		}
	}
	pthread_mutex_unlock(&w->mu);
	sb_free(&text);
	sb_free(&key);
	return out;
}

struct pq_part *
lake_write_output_part(struct lake_write *w, int out)
{
	pthread_mutex_lock(&w->mu);
	struct pq_part *p = out >= 0 && out < w->nouts && out_at(w, out)->pq ? pq_writer_part(out_at(w, out)->pq) : NULL;
	pthread_mutex_unlock(&w->mu);
	return p;
}

int
lake_write_reserve(struct lake_write *w, int out, int n)
{
	struct lw_out *o = out_at(w, out);
	if (atomic_load(&o->full))
		return 0;
	if (w->max_rows <= 0 && w->max_bytes <= 0)
		return n;
	int_fast64_t cur = atomic_load(&o->rows);
	for (;;) {
		int take = n;
		if (w->max_rows > 0)
			take = cur >= w->max_rows ? 0 : w->max_rows - cur < n ? (int)(w->max_rows - cur) : n;
		if (take > 0 && w->max_bytes > 0) {
			/* the bytes written, and the rows reserved but still buffered
			 * at the bytes per row written so far */
			int64_t done, bytes = pq_writer_bytes(o->pq, &done);
			if (done > 0 && bytes + (double)(cur - done) * (double)bytes / (double)done >= (double)w->max_bytes)
				take = 0;
		}
		if (take == 0) {
			atomic_store(&o->full, true);
			return 0;
		}
		if (atomic_compare_exchange_weak(&o->rows, &cur, cur + take))
			return take;
	}
}

int
lake_write_next_output(struct lake_write *w, int out, struct wb_error *err)
{
	pthread_mutex_lock(&w->mu);
	struct lw_out *o = out_at(w, out);
	int *slot = slot_of(w, o->key);
	int cur = *slot;
	if (cur == out) {
		/* the first thread to find it full opens the next one */
		struct lw_out *n = open_output(w, o->key, o->pv, err);
		cur = n ? add_output(w, n, err) : -1;
		if (cur >= 0)
			*slot_of(w, o->key) = cur;
	}
	pthread_mutex_unlock(&w->mu);
	return cur;
}

void
lake_write_set_limits(struct lake_write *w, int64_t max_rows, int64_t target_bytes)
{
	w->max_rows = max_rows > 0 ? max_rows : 0;
	w->max_bytes = w->prop_target > 0 ? w->prop_target : target_bytes > 0 ? target_bytes : LAKE_TARGET_FILE_SIZE;
}

void
lake_stats_json(const struct delta_schema *s, const int *dscol, int ndata, const struct pq_write_stats *ws,
    struct arena *a, struct strbuf *out)
{
	struct delta_file_stats fs = {ws->rows, true, NULL};
	fs.cols = arena_zalloc(a, sizeof(struct delta_col_stats) * (size_t)(s->ncols ? s->ncols : 1));
	for (int c = 0; c < s->ncols; c++)
		fs.cols[c].null_count = -1;
	for (int j = 0; j < ndata && j < ws->ncol; j++) {
		struct delta_col_stats *d = &fs.cols[dscol[j]];
		d->has_min = d->has_max = ws->cols[j].has_minmax;
		d->min = ws->cols[j].min;
		d->max = ws->cols[j].max;
		d->null_count = ws->cols[j].null_count;
	}
	delta_stats_write(s, &fs, out);
}

/* Close data file o: with rows, its add action goes to the commit;
 * without, the file goes. */
static int
close_output(struct lake_write *w, struct lw_out *o, struct wb_error *err)
{
	struct pq_write_stats ws = {0};
	struct pq_writer *pq = o->pq;
	o->pq = NULL;
	if (pq == NULL)
		return 0;
	if (pq_writer_close(pq, &ws, err) < 0)
		return -1;
	if (ws.rows == 0) {
		unlink(o->path);    /* no rows: no file (as Spark writes none) */
		pq_write_stats_free(&ws);
		return 0;
	}
	struct strbuf stats = STRBUF_INIT, rel = STRBUF_INIT;
	lake_stats_json(&w->schema, w->dscol, w->ndata, &ws, &w->arena, &stats);
	delta_path_encode(o->file, &rel);
	struct delta_add add = {0};
	add.path = sb_str(&rel);
	add.partition_values = o->pv;
	add.size = ws.bytes;
	add.modification_time = lake_now_ms();
	add.data_change = true;
	add.stats = sb_str(&stats);
	add.base_row_id = -1;
	add.default_row_commit_version = -1;
	delta_commit_add(w->commit, &add);
	sb_free(&stats);
	sb_free(&rel);
	w->done = xgrow(w->done, &w->done_cap, (size_t)w->ndone + 1, sizeof *w->done);
	w->done_keys = xgrow(w->done_keys, &w->done_keys_cap, (size_t)w->ndone + 1, sizeof *w->done_keys);
	w->done_keys[w->ndone] = xstrdup(o->key);
	w->done[w->ndone++] = xstrdup(o->path);
	w->added_rows += ws.rows;
	w->added_bytes += ws.bytes;
	pq_write_stats_free(&ws);
	return 0;
}

/* Close every file of the run, in the order they were opened. */
static int
close_outputs(struct lake_write *w, struct wb_error *err)
{
	free_parts(w);
	int rc = 0;
	for (int i = 0; i < w->nouts && rc == 0; i++)
		rc = close_output(w, out_at(w, i), err);
	if (rc < 0)
		return -1;          /* the caller unlinks the rest */
	clear_outs(w);
	return 0;
}

/* Unpartitioned writes open their one file at once, so that a directory
 * that cannot take it fails the statement before it runs. */
static int
open_first(struct lake_write *w, struct wb_error *err)
{
	if (w->npcols > 0)
		return 0;
	struct delta_map none = {0};
	return new_partition(w, "", none, err) < 0 ? -1 : 0;
}

int
lake_write_next_file(struct lake_write *w, struct wb_error *err)
{
	if (w->ncol == 0)
		return 0;
	if (close_outputs(w, err) < 0 || open_first(w, err) < 0) {
		lw_unlink_all(w);
		return -1;
	}
	return 0;
}

/* Map the written columns onto the read schema (w->scol); with
 * merge_schema, columns it lacks are appended to it and the commit gets the
 * new metadata. */
static int
map_columns(struct lake_write *w, int ncol, char *const *names, const wb_type *types, bool merge_schema,
    struct wb_error *err)
{
	const struct delta_schema *old = &w->read->schema;
	w->schema = *old;
	int nnew = 0;
	for (int c = 0; c < ncol; c++) {
		w->scol[c] = delta_schema_find(old, names[c]);
		if (w->scol[c] >= 0 && old->cols[w->scol[c]].type != types[c]) {
			err_set(err, -1, "Delta table %s: column \"%s\" is %s, the data written is %s", w->dir, names[c],
			    type_name(old->cols[w->scol[c]].type), type_name(types[c]));
			return -1;
		}
		if (w->scol[c] < 0 && !merge_schema) {
			err_set(err, -1, "Delta table %s has no column \"%s\"", w->dir, names[c]);
			err_hint(err, "SET spark.databricks.delta.schema.autoMerge.enabled = true adds new columns to the schema");
			return -1;
		}
		if (w->scol[c] < 0)
			nnew++;
	}
	if (nnew == 0)
		return 0;
	w->schema.ncols = old->ncols + nnew;
	w->schema.cols = arena_zalloc(&w->arena, sizeof(struct delta_column) * (size_t)w->schema.ncols);
	memcpy(w->schema.cols, old->cols, sizeof(struct delta_column) * (size_t)old->ncols);
	int k = old->ncols;
	for (int c = 0; c < ncol; c++) {
		if (w->scol[c] >= 0)
			continue;
		if (types[c] == WB_TYPE_INTERVAL || type_is_list(types[c]) || types[c] == WB_TYPE_NULL) {
			err_set(err, -1, "Delta table %s: new column \"%s\" is %s, which a Delta table cannot store", w->dir,
			    names[c], type_name(types[c]));
			err_hint(err, "cast it to a storable type (BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, BOOLEAN)");
			return -1;
		}
		struct delta_column *dc = &w->schema.cols[k];
		dc->name = arena_strdup(&w->arena, names[c]);
		dc->type = types[c];
		dc->delta_type = delta_type_for(types[c]);
		dc->nullable = true;
		dc->metadata = "{}";
		dc->partition_index = -1;
		w->scol[c] = k++;
	}
	struct delta_metadata md = w->read->metadata;
	struct strbuf sb = STRBUF_INIT;
	delta_schema_write(&w->schema, &sb);
	md.schema_string = arena_strdup(&w->arena, sb_str(&sb));
	sb_free(&sb);
	delta_commit_set_metadata(w->commit, &md);
	return 0;
}

static struct lake_write *
lw_new(const char *dir, int ncol)
{
	struct lake_write *w = xcalloc(1, sizeof *w);
	arena_init(&w->arena, 0);
	pthread_mutex_init(&w->mu, NULL);
	w->dir = xstrdup(dir);
	w->ncol = ncol;
	w->scol = xcalloc((size_t)(ncol ? ncol : 1), sizeof(int));
	w->prop_target = -1;
	return w;
}

/* delta.targetFileSize of a configuration, or -1. */
static int64_t
target_property(const struct delta_map *conf)
{
	const char *v = delta_map_get(conf, "delta.targetFileSize", NULL);
	return v ? lake_parse_size(v) : -1;
}

struct lake_write *
lake_write_begin(const char *dir, enum lake_write_mode mode, int ncol, char *const *names, const wb_type *types,
    const struct lake_write_options *o, struct wb_error *err)
{
	struct lake_write *w = lw_new(dir, ncol);
	w->mode = mode;
	bool exists = delta_table_exists(dir);
	if (mode == LAKE_CREATE && exists) {
		err_set(err, -1, "a Delta table already exists at %s", dir);
		err_hint(err, "CREATE OR REPLACE TABLE replaces it; DROP TABLE removes it");
		goto fail;
	}
	if (mode == LAKE_REPLACE && !exists)
		mode = w->mode = LAKE_CREATE;
	if (mode != LAKE_CREATE) {
		w->read = delta_snapshot_open(dir, NULL, err);
		if (w->read == NULL)
			goto fail;
		w->own_read = true;
	}
	const char *op = o && o->operation ? o->operation : default_operation(mode);
	w->op = xstrdup(op);
	w->commit = delta_commit_begin(dir, w->read, op, err);
	if (w->commit == NULL)
		goto fail;
	if (o && o->txn_app_id)
		delta_commit_set_txn(w->commit, o->txn_app_id, o->txn_version);
	if (mode == LAKE_CREATE || mode == LAKE_REPLACE) {
		if (set_new_metadata(w, ncol, names, types, o, err) < 0)
			goto fail;
		struct delta_map conf = {o ? o->nprops : 0, o ? (const char **)o->prop_keys : NULL,
		    o ? (const char **)o->prop_values : NULL};
		w->prop_target = target_property(&conf);
		for (int c = 0; c < ncol; c++)
			w->scol[c] = c;
	} else if (map_columns(w, ncol, names, types, o && o->merge_schema, err) < 0) {
		goto fail;
	} else {
		w->prop_target = target_property(&w->read->metadata.configuration);
		w->conf = w->read->metadata.configuration;
	}
	set_layout(w, names, types);
	for (int i = 0; o && i < o->ntxns; i++)
		delta_commit_set_txn(w->commit, o->txn_ids[i], 1);
	for (int i = 0; o && i < o->nparams; i++)
		lake_write_param(w, o->param_keys[i], o->param_values[i]);
	if (mode == LAKE_OVERWRITE_PARTITIONS)
		delta_commit_reads_table(w->commit);
	if (mode == LAKE_REPLACE || mode == LAKE_OVERWRITE) {
		int64_t t = lake_now_ms();
		for (int64_t f = 0; f < w->read->nfiles; f++) {
			struct delta_remove rm = delta_remove_for(&w->read->files[f], t);
			delta_commit_remove(w->commit, &rm);
		}
		delta_commit_reads_table(w->commit);
	}
	delta_commit_param(w->commit, "mode", mode == LAKE_APPEND ? "Append" : mode == LAKE_CREATE ? "ErrorIfExists" : "Overwrite");
	if (mode == LAKE_OVERWRITE_PARTITIONS)
		delta_commit_param(w->commit, "partitionOverwriteMode", "DYNAMIC");
	if (w->npcols > 0) {
		/* Spark's form: ["country","day"] */
		struct strbuf sb = STRBUF_INIT;
		json_string_array(&sb, w->pnames, w->npcols);
		delta_commit_param(w->commit, "partitionBy", sb_str(&sb));
		sb_free(&sb);
	}
	struct stat st;
	w->made_dir = stat(dir, &st) != 0;
	if (lake_mkdirs(dir, err) < 0 || open_first(w, err) < 0) {
		if (w->made_dir)
			rmdir_empty(dir);
		goto fail;
	}
	return w;
fail:
	lw_free(w);
	return NULL;
}

struct lake_write *
lake_write_begin_at(const char *dir, struct delta_snapshot *read, const char *op, int ncol, char *const *names,
    const wb_type *types, bool merge_schema, struct wb_error *err)
{
	struct lake_write *w = lw_new(dir, ncol);
	w->mode = LAKE_APPEND;
	w->rewrite = true;
	w->read = read;
	w->op = xstrdup(op);
	w->commit = delta_commit_begin(dir, read, op, err);
	if (w->commit == NULL)
		goto fail;
	delta_commit_reads_table(w->commit);
	w->prop_target = target_property(&read->metadata.configuration);
	w->conf = read->metadata.configuration;
	if (ncol > 0) {
		if (map_columns(w, ncol, names, types, merge_schema, err) < 0)
			goto fail;
		set_layout(w, names, types);
		if (open_first(w, err) < 0)
			goto fail;
	}
	return w;
fail:
	lw_free(w);
	return NULL;
}

void
lake_write_remove(struct lake_write *w, int64_t f)
{
	const struct delta_add *add = &w->read->files[f];
	struct delta_remove rm = delta_remove_for(add, lake_now_ms());
	delta_commit_remove(w->commit, &rm);
	w->removed_files++;
	w->removed_bytes += add->size > 0 ? add->size : 0;
}

void
lake_write_param(struct lake_write *w, const char *key, const char *value)
{
	delta_commit_param(w->commit, key, value);
}

void
lake_write_metric(struct lake_write *w, const char *key, int64_t value)
{
	if (strcmp(key, "numCopiedRows") == 0 || strcmp(key, "numTargetRowsCopied") == 0)
		w->copied_rows = value;
	else if (strcmp(key, "numDeletedRows") == 0 || strcmp(key, "numTargetRowsDeleted") == 0)
		w->deleted_rows = value;
	delta_commit_metric(w->commit, key, value);
}

void
lake_write_file_metrics(struct lake_write *w, const char *added_files, const char *removed_files,
    const char *added_bytes, const char *removed_bytes)
{
	w->m_added_files = added_files;
	w->m_removed_files = removed_files;
	w->m_added_bytes = added_bytes;
	w->m_removed_bytes = removed_bytes;
}

struct lake_part *
lake_write_part(struct lake_write *w)
{
	struct lake_part *p = lake_part_new(w);
	pthread_mutex_lock(&w->mu);
	w->parts = xgrow(w->parts, &w->parts_cap, (size_t)w->nparts + 1, sizeof *w->parts);
	w->parts[w->nparts++] = p;
	pthread_mutex_unlock(&w->mu);
	return p;
}

/* The partition directory of live file add, from its partitionValues read
 * and written again the way this write formats them (another writer may
 * have logged "2019-10-01 00:00:00" for what wb logs as ISO 8601). */
static int
canonical_key(struct lake_write *w, const struct delta_add *add, struct arena *a, struct strbuf *out,
    struct wb_error *err)
{
	const char **vals = arena_zalloc(a, sizeof(char *) * (size_t)w->npcols);
	for (int k = 0; k < w->npcols; k++) {
		struct wb_value v;
		if (delta_partition_value(w->pcols[k], delta_add_partition_text(add, w->pnames[k]), a, &v, err) < 0)
			return -1;
		struct strbuf sb = STRBUF_INIT;
		if (delta_partition_format(w->pcols[k], &v, &sb))
			vals[k] = arena_strdup(a, sb_str(&sb));
		sb_free(&sb);
	}
	struct delta_map pv = {w->npcols, w->pnames, vals};
	lake_partition_dir(&pv, out);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Dynamic partition overwrite: remove the live files of every partition
 * this write added a file to. */
static int
remove_written_partitions(struct lake_write *w, struct wb_error *err)
{
	int64_t now = lake_now_ms();
	struct arena a;
	arena_init(&a, 0);
	char **keys = xcalloc((size_t)(w->ndone ? w->ndone : 1), sizeof *keys);
	memcpy(keys, w->done_keys, sizeof *keys * (size_t)w->ndone);
	qsort(keys, (size_t)w->ndone, sizeof *keys, cmp_str);
	int rc = 0;
	for (int64_t f = 0; f < w->read->nfiles && rc == 0; f++) {
		bool hit = w->npcols == 0;
		struct strbuf key = STRBUF_INIT;
		if (!hit && (rc = canonical_key(w, &w->read->files[f], &a, &key, err)) == 0) {
			const char *k = sb_str(&key);
			hit = bsearch(&k, keys, (size_t)w->ndone, sizeof *keys, cmp_str) != NULL;
		}
		sb_free(&key);
		if (rc == 0 && hit) {
			struct delta_remove rm = delta_remove_for(&w->read->files[f], now);
			delta_commit_remove(w->commit, &rm);
		}
	}
	free(keys);
	arena_release(&a);
	return rc;
}

void
lake_write_abort(struct lake_write *w)
{
	lw_unlink_all(w);
	lw_free(w);
}

int64_t
lake_write_commit(struct lake_write *w, int64_t *rows, struct wb_error *err)
{
	if (close_outputs(w, err) < 0) {
		lw_unlink_all(w);
		lw_free(w);
		return -1;
	}
	*rows = w->added_rows;
	if (w->mode == LAKE_OVERWRITE_PARTITIONS && remove_written_partitions(w, err) < 0) {
		lw_unlink_all(w);
		lw_free(w);
		return -1;
	}
	if (!w->rewrite) {
		delta_commit_metric(w->commit, "numFiles", w->ndone);
		delta_commit_metric(w->commit, "numOutputRows", w->added_rows);
		delta_commit_metric(w->commit, "numOutputBytes", w->added_bytes);
	} else {
		if (w->m_added_files)
			delta_commit_metric(w->commit, w->m_added_files, w->ndone);
		if (w->m_removed_files)
			delta_commit_metric(w->commit, w->m_removed_files, w->removed_files);
		if (w->m_added_bytes)
			delta_commit_metric(w->commit, w->m_added_bytes, w->added_bytes);
		if (w->m_removed_bytes)
			delta_commit_metric(w->commit, w->m_removed_bytes, w->removed_bytes);
	}
	/* rows of a table with CHECK constraints are written only through
	 * the SQL layer's checks (delta_protocol.c: writer version 3) */
	if (w->added_rows > 0 && w->hook == NULL && delta_has_constraints(&w->conf)) {
		err_set(err, -1, "internal error: rows written to Delta table %s, which has CHECK constraints, "
		    "were not checked against them; nothing was committed", w->dir);
		lw_unlink_all(w);
		lw_free(w);
		return -1;
	}
	if (w->hook && w->hook->before_commit && w->hook->before_commit(w->hook_arg, w, err) < 0) {
		lw_unlink_all(w);
		lw_free(w);
		return -1;
	}
	struct delta_commit_result res;
	int64_t v = delta_commit_publish(w->commit, &res, err);
	if (v < 0) {
		lw_unlink_all(w);
	} else {
		if (w->hook && w->hook->committed)
			w->hook->committed(w->hook_arg, v);
		lake_commit_notify(w->dir, v, w->op,
		    w->rewrite ? w->added_rows - w->copied_rows + w->deleted_rows : w->added_rows);
	}
	lw_free(w);
	return v;
}

void
lake_write_attach(struct lake_write *w, const struct lake_write_hook *h, void *arg)
{
	w->hook = h;
	w->hook_arg = arg;
}

void *
lake_write_attached(const struct lake_write *w, const struct lake_write_hook *h)
{
	return w->hook == h ? w->hook_arg : NULL;
}

const char *
lake_write_dir(const struct lake_write *w)
{
	return w->dir;
}

int64_t
lake_write_read_version(const struct lake_write *w)
{
	return w->read ? w->read->version : -1;
}

const struct delta_map *
lake_write_configuration(const struct lake_write *w)
{
	return &w->conf;
}

void
lake_write_info(struct lake_write *w, const char *key, const char *json)
{
	delta_commit_info(w->commit, key, json);
}

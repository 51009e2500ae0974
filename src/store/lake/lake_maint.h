/*
 * lake_maint: helpers shared by the table maintenance operations of
 * store/lake (OPTIMIZE, RESTORE, VACUUM); not for other modules.
 */
#ifndef WB_STORE_LAKE_LAKE_MAINT_H
#define WB_STORE_LAKE_LAKE_MAINT_H

#include "store/lake/lake.h"
#include "core/arena.h"

/* ---- sets of data file paths ----
 * Paths are kept percent-decoded and relative to the table directory
 * when they lie inside it, so that the same file named two ways in the
 * log ("a%20b" and "a b", or an absolute file: URI) is one member. */
struct lake_pathset {
	char **v;
	size_t n, cap;
	char *dir;          /* the table directory */
	char *real_dir;     /* its realpath, for absolute log paths; NULL if none */
};

void lake_pathset_init(struct lake_pathset *s, const char *dir);
void lake_pathset_free(struct lake_pathset *s);
/* The set's key for a path from the log (malloc'd). */
char *lake_pathset_key(const struct lake_pathset *s, const char *log_path);
/* Add a path from the log. Call lake_pathset_seal() before lookups. */
void lake_pathset_add(struct lake_pathset *s, const char *log_path);
void lake_pathset_seal(struct lake_pathset *s);
/* Is the path from the log (log_path) or, with rel, the file relative to
 * the table directory a member? */
bool lake_pathset_has(const struct lake_pathset *s, const char *log_path);
bool lake_pathset_has_rel(const struct lake_pathset *s, const char *rel);

/* ---- writing new data files ----
 * A Parquet file with the snapshot schema's data columns, in its order,
 * named like the files lake_write makes, and the add action for it. A
 * partitioned table's file goes to the directory of its partition
 * (lake_partition_dir of partition_values) and leaves the partition
 * columns out, as lake_write does. */
struct lake_newfile;

/* partition_values: the file's partition (keys the partition columns in
 * partitionColumns order); NULL or empty for an unpartitioned table. It
 * must stay valid until lake_newfile_close(), which copies it. */
struct lake_newfile *lake_newfile_open(const char *dir, const struct delta_schema *schema,
    const struct delta_map *partition_values, struct wb_error *err);
/* Append rows: c's columns are all the schema's, in order (as
 * lake_read_files gives them); partition columns are skipped. */
int lake_newfile_write(struct lake_newfile *f, const struct chunk *c, struct wb_error *err);
/* Close the file and describe it as an add action (dataChange as given,
 * the partition values, statistics of every data column; strings in a).
 * The file stays on disk: lake_newfile_unlink() removes it if the commit
 * fails. Frees f. */
int lake_newfile_close(struct lake_newfile *f, bool data_change, struct arena *a, struct delta_add *out,
    struct wb_error *err);
/* Remove the file; frees f. */
void lake_newfile_abort(struct lake_newfile *f);
/* Remove a data file written for a commit that failed (add->path). */
void lake_newfile_unlink(const char *dir, const struct delta_add *add);

/* ---- reading data files ----
 * Call fn for each chunk of the given live files of snap (indexes into
 * snap->files), in file and row order, with the schema's columns in its
 * order (matched by name, as scans do). Chunks are valid during the call;
 * fn returns 0 or -1 (stops, error set). */
typedef int (*lake_chunk_fn)(void *arg, const struct chunk *c, struct wb_error *err);
int lake_read_files(const struct delta_snapshot *snap, const int64_t *files, int64_t n, lake_chunk_fn fn,
    void *arg, struct wb_error *err);

/* ---- Z-order ----
 * Rewrite the rows of the given live files of snap - all of partition pv
 * (NULL: the table is not partitioned) - sorted along a Z-order
 * (Morton) curve of the columns zcols[0..nz) (schema indexes), as new
 * files of about target_bytes each (the rows per file estimated from
 * input_bytes, the files' total size, over the rows read) and at most
 * max_rows rows (0: no limit), cut where the curve leaves a large
 * aligned block so that every file spans a narrow range of each column.
 * The new files' add actions (dataChange false) go to *adds (in a);
 * on failure the files written so far are removed. */
int lake_zorder_rewrite(const char *dir, const struct delta_snapshot *snap, const int64_t *files, int64_t n,
    const struct delta_map *pv, const int *zcols, int nz, int64_t target_bytes, int64_t input_bytes, int64_t max_rows, struct arena *a,
    struct delta_add **adds, int64_t *nadds, struct wb_error *err);

/* ms since the epoch */
int64_t lake_now_ms(void);

#endif

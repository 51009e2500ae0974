/*
 * lake: Delta tables as catalog tables, and the warehouse that holds them.
 *
 * A Delta table (store/delta + store/parquet) becomes a `struct table` of
 * kind "delta": its schema is the latest snapshot's at open, and every scan
 * replays the log again, so a query sees the latest committed version
 * (another process's commits included) and nothing half-written. Scans
 * read only the live files of that version, skip files whose add-action
 * statistics rule out the filter above the scan (scan_pred.h; counted as
 * "files" in EXPLAIN ANALYZE), and read the rest in parallel, one morsel
 * per Parquet row group.
 *
 * Writing goes through a lake_write: the statement's workers append
 * chunks to Parquet parts of one new data file, then one commit publishes
 * the file (add action with numRecords/minValues/maxValues/nullCount
 * stats) and, for an overwrite, removes every file the read snapshot had.
 * A failure before the commit deletes the new file; the table stays at its
 * last version.
 *
 * The warehouse is a directory of `catalog/schema/table` folders (DESIGN
 * §4): lake_warehouse_* name the folders; tables are found by looking for
 * `_delta_log` in them. Only the log decides what a table holds.
 */
#ifndef WB_STORE_LAKE_LAKE_H
#define WB_STORE_LAKE_LAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"
#include "store/table.h"

/* ------------------------------------------------------------ tables */

/* Open the Delta table in dir as a catalog table called name (one
 * reference). external: DROP TABLE leaves its files (LOCATION tables and
 * tables read by path). NULL with err (naming dir) when it is not a
 * readable Delta table. */
struct table *lake_table_open(const char *name, const char *dir, bool external, struct wb_error *err);
/* The table's directory, or NULL if t is not a Delta table. */
const char *lake_table_dir(const struct table *t);
bool lake_table_is_external(const struct table *t);

/* CACHE TABLE: decode the latest version into memory (compressed
 * columns, like an in-memory table); scans of that same version read the
 * cache, scans of any later version the files again (a stale cache is
 * dropped). Returns the rows cached, or -1 with err. t must be a Delta
 * table. */
int64_t lake_table_cache(struct table *t, struct wb_error *err);
/* Drop the cache; false if there was none. */
bool lake_table_uncache(struct table *t);
/* The version cached if it is the latest, else -1 (also for tables that
 * are not Delta). */
int64_t lake_table_cached_version(struct table *t);

/* ------------------------------------------------------------ writing */

enum lake_write_mode {
	LAKE_CREATE,        /* a new table: version 0 with protocol and metadata */
	LAKE_REPLACE,       /* CREATE OR REPLACE: new metadata, every old file removed */
	LAKE_APPEND,        /* INSERT INTO */
	LAKE_OVERWRITE,     /* INSERT OVERWRITE: every old file removed */
};

struct lake_write_options {
	const char *comment;           /* metadata description, or NULL */
	char *const *prop_keys;        /* TBLPROPERTIES (configuration) */
	char *const *prop_values;
	int nprops;
	const char *operation;         /* commitInfo.operation; NULL: by mode */
	char *const *txn_ids;          /* txn actions (appId, version 1) to record, */
	int ntxns;                     /* e.g. the files COPY INTO loaded */
};

struct lake_write;
struct pq_part;

/* Begin writing rows of ncol columns (names, types: the table's schema for
 * CREATE/REPLACE; checked against the table's otherwise) to the table in
 * dir. CREATE refuses a directory that already holds a table. */
struct lake_write *lake_write_begin(const char *dir, enum lake_write_mode mode, int ncol, char *const *names,
    const wb_type *types, const struct lake_write_options *o, struct wb_error *err);
/* A Parquet part for one producing thread (see pq.h: pq_part_write). */
struct pq_part *lake_write_part(struct lake_write *w);
/* Close the data file and publish the commit; frees w. Returns the
 * committed version (rows written in *rows), or -1 with err (the new file
 * is removed, the table unchanged). */
int64_t lake_write_commit(struct lake_write *w, int64_t *rows, struct wb_error *err);
/* Give up: remove the new file, free w. */
void lake_write_abort(struct lake_write *w);

/* rm -rf path (a missing path is no error). */
int lake_remove_tree(const char *path, struct wb_error *err);
/* Remove a managed table's directory (DROP TABLE): the log first, so a
 * crash half-way never leaves a readable table with missing files. */
int lake_drop_files(const char *dir, struct wb_error *err);

/* ------------------------------------------------------------ warehouse */

/* The warehouse root: dir if given, else $WB_WAREHOUSE, else ./wb.lake
 * (malloc'd, not created). */
char *lake_warehouse_root(const char *dir);
/* root/catalog/schema[/table] (malloc'd; names lower-cased). table may be
 * NULL. */
char *lake_warehouse_path(const char *root, const char *catalog, const char *schema, const char *table);
/* mkdir -p; 0 or -1 with err naming the directory. */
int lake_mkdirs(const char *path, struct wb_error *err);
/* Call fn for each sub-directory name of dir (none if dir is missing);
 * tables_only: only those that hold a Delta table. Sorted bytewise. */
void lake_each_dir(const char *dir, bool tables_only, void (*fn)(void *arg, const char *name), void *arg);

#endif

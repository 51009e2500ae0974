/*
 * lake_int: shared by the files of src/store/lake only.
 */
#ifndef WB_STORE_LAKE_LAKE_INT_H
#define WB_STORE_LAKE_LAKE_INT_H

#include "store/lake/lake.h"
#include "store/lake/lake_maint.h"   /* lake_now_ms */
#include "store/delta/delta.h"
#include "store/source.h"
#include "core/strbuf.h"

/* What a Delta scan reads (lake_scan.c). */
struct lake_scan_args {
	struct delta_snapshot *snap;   /* the version read */
	bool own_snap;                 /* the scan frees snap */
	int ncol;                      /* the table's columns, found in the files by name */
	char *const *names;
	const wb_type *types;
	const int *scol;               /* column -> snap->schema column, for file statistics */
	const int64_t *files;          /* indexes into snap->files (copied); NULL: every live file */
	int64_t nfiles;
	unsigned flags;                /* LAKE_PIN_FILE / LAKE_PIN_ROW: extra columns after ncol */
};

/* The scan source over a Delta snapshot: one Parquet source per data
 * file, read in file order (morsels are the files' row groups); a column
 * a file lacks (added to the schema after the file was written) reads as
 * NULL. Files whose add statistics rule out the scan's pruning hints are
 * skipped at start(). */
struct source *lake_scan_open(const struct lake_scan_args *a);
/* The version a scan from lake_scan_open reads. */
int64_t lake_scan_version(const struct source *s);

/* ---- partitioned writes ---- */

/* The most partitions one statement writes: each is an open file with a
 * row group buffered per thread until the statement ends. */
#define LAKE_MAX_PARTITIONS 10000

/* Append the Hive-style directory of partition values pv (keys: the
 * partition columns in order; a NULL value is the null partition):
 * "country=DE/day=2019-10-01", each name and value escaped as Spark
 * escapes path names, NULL as __HIVE_DEFAULT_PARTITION__. Appends nothing
 * for an empty map. */
void lake_partition_dir(const struct delta_map *pv, struct strbuf *out);

/* File add's partition values in snap's partitionColumns order, keyed by
 * those names (an add's keys match them case-insensitively, as scans
 * read them; a missing key is the null partition): the form
 * lake_partition_dir and new add actions take. The arrays are in a, the
 * strings the snapshot's. Empty for an unpartitioned table. */
void lake_add_partition(const struct delta_snapshot *snap, const struct delta_add *add, struct arena *a,
    struct delta_map *out);

/* The statistics JSON of an add action (delta_stats_write: schema s's
 * order, partition columns left out) for a data file closed with ws,
 * whose column j is schema column dscol[j] (j < ndata); scratch in a. */
struct pq_write_stats;
void lake_stats_json(const struct delta_schema *s, const int *dscol, int ndata, const struct pq_write_stats *ws,
    struct arena *a, struct strbuf *out);

/* How a lake_write lays written columns out (lake_write.c, for the row
 * router of lake_part.c). */
struct lake_layout {
	int npcols;                  /* partition columns, in partitionColumns order */
	const int *pcol_w;           /* ... their written column, or -1 (not written: NULL) */
	const wb_type *ptypes;       /* ... their types */
	int ndata;                   /* columns stored in the data files */
	const int *dcol_w;           /* ... their written column */
	const wb_type *dtypes;
};
void lake_write_layout(const struct lake_write *w, struct lake_layout *out);
/* The data file of the partition with values vals[0..npcols) (created on
 * first use, thread-safe), or -1 with err (too many partitions, or the
 * file cannot be created). Unpartitioned writes have one file, 0. */
int lake_write_output(struct lake_write *w, const struct wb_value *vals, struct wb_error *err);
/* A Parquet part of output file out for one producing thread. */
struct pq_part *lake_write_output_part(struct lake_write *w, int out);
/* Reserve up to n rows of output file out (thread-safe): how many it
 * takes before reaching the write's limits; 0 when it is full. */
int lake_write_reserve(struct lake_write *w, int out, int n);
/* The partition's next file after out is full (opened by the first
 * thread that asks), or -1 with err. */
int lake_write_next_output(struct lake_write *w, int out, struct wb_error *err);
/* lake_part.c: a thread's router, and freeing it. */
struct lake_part *lake_part_new(struct lake_write *w);
void lake_part_free(struct lake_part *p);


#endif

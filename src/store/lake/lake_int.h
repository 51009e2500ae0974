/*
 * lake_int: shared by the files of src/store/lake only.
 */
#ifndef WB_STORE_LAKE_LAKE_INT_H
#define WB_STORE_LAKE_LAKE_INT_H

#include "store/lake/lake.h"
#include "store/lake/lake_maint.h"   /* lake_now_ms */
#include "store/delta/delta.h"
#include "store/source.h"

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


#endif

/*
 * source: a parallel producer of chunks — the one interface by which the
 * executor reads any table-like thing (in-memory tables, CSV files, Parquet,
 * Delta tables, table functions).
 *
 * Life cycle (all calls but next() from one thread):
 *   s = xxx_source_open(...)       schema known (names, types), nothing read
 *   s->proj / s->nproj set by the planner (which columns, in what order)
 *   ops->start(s)                  once, before readers exist
 *   r = ops->reader_new(s)         one per worker thread
 *   ops->next(s, r, out) ...       concurrently from several threads
 *   ops->reader_free(s, r); ops->free(s)
 *
 * Work is divided into morsels (row groups, file blocks) claimed by readers
 * with an atomic counter, so any number of readers cooperate on one scan.
 * next() fills `out` (a chunk whose columns are the projected columns, in
 * proj order, with the source's types) with 1..WB_VEC_SIZE rows and returns
 * the row count, 0 when no morsel is left for this reader, or -1 with err
 * set. It sets out->seq = (morsel index << 24) | (chunk index within the
 * morsel) so that order can be restored after a parallel scan. After an
 * error, callers stop all readers; no further next() calls are made.
 */
#ifndef WB_STORE_SOURCE_H
#define WB_STORE_SOURCE_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rowset.h"
#include "core/types.h"
#include "core/vector.h"
#include "store/scan_pred.h"

#define SOURCE_SEQ(morsel, idx) (((uint64_t)(morsel) << 24) | (uint64_t)(idx))

struct source;

struct source_ops {
	const char *name;
	int (*start)(struct source *s, struct wb_error *err);
	void *(*reader_new)(struct source *s);
	int (*next)(struct source *s, void *reader, struct chunk *out, struct wb_error *err);
	void (*reader_free)(struct source *s, void *reader);
	void (*free)(struct source *s);
	/* Optional: rows rejected by the scan so far as a table, or NULL
	 * (caller owns the rowset). See source.rejects_table. */
	struct rowset *(*rejects)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	int ncol;
	char **names;          /* malloc'd by the source, freed by source_free */
	wb_type *types;
	int nproj;             /* columns to produce; default: all */
	int *proj;
	int64_t est_rows;      /* -1 when unknown */
	int64_t est_bytes;     /* input size for progress, -1 when unknown */
	int max_readers;       /* readers that can be busy at once (1: serial);
	                          valid right after open: the planner reads it
	                          before start() */
	/* When set (malloc'd), the statement that ran this scan stores
	 * ops->rejects() as a temporary table of this name afterwards. */
	char *rejects_table;
	/* Pruning hints set by the planner before start() (the plan owns
	 * them; see scan_pred.h). Sources that prune count their morsels:
	 * units_read + units_skipped = morsels considered, named unit_name
	 * ("row groups", "files"); NULL unit_name = the source never prunes. */
	const struct scan_pred *preds;
	int npreds;
	const char *unit_name;
	atomic_llong units_read, units_skipped;
	void *impl;
};

/* Helpers for implementations: allocate schema arrays; proj = identity. */
void source_init(struct source *s, const struct source_ops *ops, int ncol);
void source_set_column(struct source *s, int i, const char *name, wb_type type);
/* Frees names, types, proj (not impl, not s). */
void source_fini(struct source *s);
/* ops->free(s) */
void source_free(struct source *s);
/* Set the projection (copies cols). */
void source_project(struct source *s, const int *cols, int n);
/* May a morsel whose column c has statistics stats[c] (NULL entries:
 * unknown) hold a row satisfying all of s->preds? Counts the morsel as
 * read or skipped. */
bool source_morsel_may_match(struct source *s, const struct col_stats *const *stats);

#endif

/*
 * memtable: in-memory columnar tables made of immutable row groups.
 *
 * A row group holds up to MT_ROWGROUP_ROWS rows. Each column of a row group
 * is encoded on its own:
 *   VARCHAR  dictionary-encoded (codes of 1, 2 or 4 bytes into a per-row-
 *            group dictionary) while distinct values stay under half the
 *            rows, else plain string views into the row group's heap;
 *   BIGINT/DATE/TIMESTAMP  frame of reference: base + 1/2/4-byte offsets
 *            when the range allows, else plain int64;
 *   lists    plain arrays of wb_list views into deep copies in the row
 *            group's heap (no statistics);
 *   others   plain arrays.
 * NULLs are a byte array per column, absent when there are none. Scans
 * hand out plain columns without copying and DICT vectors that carry the
 * row group's dictionary, so dictionary-aware operators see low-cardinality
 * strings as codes end to end.
 *
 * Row groups are reference counted and never modified after creation; a
 * scan takes a snapshot of the row group list, so writers (INSERT, DELETE,
 * UPDATE, CREATE OR REPLACE) never disturb running readers.
 */
#ifndef WB_STORE_MEMTABLE_H
#define WB_STORE_MEMTABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/vector.h"
#include "store/table.h"

#define MT_ROWGROUP_ROWS (WB_VEC_SIZE * 60)   /* 122,880 rows */

enum mt_enc { MT_PLAIN = 0, MT_DICT, MT_FOR };

struct mt_col {
	uint8_t enc;
	uint8_t width;       /* DICT code / FOR offset width in bytes */
	uint8_t *nulls;      /* n bytes, NULL when no NULLs */
	void *data;
	int64_t base;        /* FOR base (the minimum) */
	struct wb_dict dict; /* DICT */
	bool has_minmax;
	struct wb_value min, max;
	int64_t null_count;
};

struct mt_rowgroup {
	int64_t n;
	uint64_t seq;
	atomic_int refs;
	struct mt_col *cols;
	struct arena heap;
};

struct memtable {
	int ncol;
	wb_type *types;
	pthread_mutex_t mu;
	struct mt_rowgroup **rgs;
	int nrg;
	size_t cap;
	int64_t nrows;
};

struct memtable *memtable_new(int ncol, const wb_type *types);
void memtable_free(struct memtable *mt);
/* Append row groups (takes ownership); sorted by seq first. */
void memtable_add(struct memtable *mt, struct mt_rowgroup **rgs, int n);
/* Replace the whole content (INSERT OVERWRITE, DELETE, UPDATE). */
void memtable_replace(struct memtable *mt, struct mt_rowgroup **rgs, int n);
int64_t memtable_bytes(struct memtable *mt);
/* A table object over a memtable (the table owns it). */
struct table *memtable_table(const char *name, int ncol, char *const *names, const wb_type *types,
    struct memtable *mt);
struct memtable *memtable_of(struct table *t);   /* NULL if t is not in-memory */
void mt_rowgroup_unref(struct mt_rowgroup *rg);

/*
 * Building row groups. One builder per thread; append chunks in order;
 * a row group is cut every MT_ROWGROUP_ROWS rows and whenever the chunk's
 * morsel (seq >> 24) changes, so that row groups sorted by seq reproduce
 * the input order. Values are copied.
 */
struct mt_builder;
struct mt_builder *mt_builder_new(int ncol, const wb_type *types);
void mt_builder_append(struct mt_builder *b, const struct chunk *c);
/* Flush and hand over the finished row groups (caller owns them). */
struct mt_rowgroup **mt_builder_finish(struct mt_builder *b, int *n);
void mt_builder_free(struct mt_builder *b);

/* Scan source over a snapshot. */
struct source *memtable_scan(struct memtable *mt, char *const *names, struct wb_error *err);

#endif

/*
 * rowset: a fully materialised, self-owned table of rows.
 *
 * Used where a result must outlive the operators that made it: renderers'
 * head/tail buffers, scalar subquery values, test runners, small results.
 * Appending deep-copies: strings (including dictionary entries) are copied
 * into the rowset's heap, so the rowset owns everything it points to.
 */
#ifndef WB_CORE_ROWSET_H
#define WB_CORE_ROWSET_H

#include <stdint.h>

#include "core/arena.h"
#include "core/sink.h"
#include "core/vector.h"

struct rowset {
	int ncol;
	char **names;        /* malloc'd */
	wb_type *types;
	struct chunk *chunks; /* each holds FLAT vectors, up to WB_VEC_SIZE rows */
	int nchunks;
	size_t cap;
	int64_t nrows;
	struct arena heap;   /* strings */
};

struct rowset *rowset_new(int ncol, char *const *names, const wb_type *types);
void rowset_free(struct rowset *rs);
/* Copy rows [from, from+n) of c (or all rows when n < 0). */
void rowset_append(struct rowset *rs, const struct chunk *c, int from, int n);
/* Value of a cell (strings point into the rowset). */
void rowset_get(const struct rowset *rs, int64_t row, int col, struct wb_value *out);
/* A sink that appends what it receives into rs (made at begin): every
 * row, or with max > 0 the first max rows; rows counts them all. */
struct rowset_sink {
	struct wb_sink base;
	struct rowset *rs;
	int64_t max;
	int64_t rows;
};
void rowset_sink_init(struct rowset_sink *s);

/* A small result built row by row (statement results: DESCRIBE HISTORY,
 * a t-test's table). Set a row's values with rsb_* (strings copied; a
 * NULL string, INT64_MIN for BIGINT/DATE/TIMESTAMP, a negative BOOLEAN
 * are SQL NULL), then rsb_end_row(). rsb_finish() hands over the rowset. */
struct rowset_builder {
	struct rowset *rs;
	struct chunk c;
};

void rsb_init(struct rowset_builder *r, int ncol, const char *const *names, const wb_type *types);
void rsb_str(struct rowset_builder *r, int col, const char *v);
void rsb_int(struct rowset_builder *r, int col, int64_t v);
void rsb_double(struct rowset_builder *r, int col, double v);
void rsb_bool(struct rowset_builder *r, int col, int v);      /* -1: NULL */
void rsb_null(struct rowset_builder *r, int col);
void rsb_value(struct rowset_builder *r, int col, const struct wb_value *v);   /* of the column's scalar type */
void rsb_end_row(struct rowset_builder *r);
/* The rows built (the caller owns them); the builder is freed. */
struct rowset *rsb_finish(struct rowset_builder *r);
void rsb_free(struct rowset_builder *r);

#endif

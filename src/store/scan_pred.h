/*
 * scan_pred: pruning hints a scan may use to skip whole morsels (memtable
 * row groups, Parquet row groups, Delta files) from their statistics.
 *
 * The planner hands a source the conjuncts of the filter directly above it
 * that have the shape `column op constant` (the constant already of the
 * column's type). A source may skip a morsel only when statistics prove
 * that no row of it satisfies the conjunction; it never has to: the filter
 * above the scan still checks every row that is read. Comparisons follow
 * SQL: a NULL never satisfies one, NaN is the largest double.
 */
#ifndef WB_STORE_SCAN_PRED_H
#define WB_STORE_SCAN_PRED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"

enum scan_op {
	SCAN_EQ = 1,
	SCAN_LT,
	SCAN_LE,
	SCAN_GT,
	SCAN_GE,
	SCAN_IS_NULL,
	SCAN_NOT_NULL,
};

struct scan_pred {
	int col;               /* source column (not projection position) */
	enum scan_op op;
	struct wb_value val;   /* of the column's type; unused for IS [NOT] NULL */
};

/* What a morsel's statistics say about one column. has_minmax: min and max
 * (of the column's type) bound every non-NULL value; a source sets it false
 * when it does not know, or when a double column holds a NaN. */
struct col_stats {
	bool has_minmax;
	struct wb_value min, max;
	int64_t null_count;    /* -1 when unknown */
	int64_t rows;          /* rows in the morsel, -1 when unknown */
};

/* a <=> b (-1, 0, 1) for two non-NULL values of one type; 2 when they
 * cannot be compared (NaN, or a type without an order here). */
int scan_value_cmp(const struct wb_value *a, const struct wb_value *b);
/* "<=", "IS NULL", ... */
const char *scan_op_text(enum scan_op op);
/* May a row with these column statistics satisfy p? (false = skip) */
bool scan_pred_may_match(const struct scan_pred *p, const struct col_stats *st);

#endif

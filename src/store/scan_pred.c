#include "store/scan_pred.h"
#include "core/vector.h"

const char *
scan_op_text(enum scan_op op)
{
	switch (op) {
	case SCAN_EQ: return "=";
	case SCAN_LT: return "<";
	case SCAN_LE: return "<=";
	case SCAN_GT: return ">";
	case SCAN_GE: return ">=";
	case SCAN_IS_NULL: return "IS NULL";
	case SCAN_NOT_NULL: return "IS NOT NULL";
	}
	return "?";
}

int
scan_value_cmp(const struct wb_value *a, const struct wb_value *b)
{
	switch (a->type) {
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	case WB_TYPE_DOUBLE:
		if (a->u.d != a->u.d || b->u.d != b->u.d)
			return 2;
		return (a->u.d > b->u.d) - (a->u.d < b->u.d);
	case WB_TYPE_BOOL:
		return (a->u.b > b->u.b) - (a->u.b < b->u.b);
	case WB_TYPE_VARCHAR: {
		int c = wb_str_cmp(a->u.s, b->u.s);
		return (c > 0) - (c < 0);
	}
	default:
		return 2;
	}
}

bool
scan_pred_may_match(const struct scan_pred *p, const struct col_stats *st)
{
	bool all_null = st->rows >= 0 && st->null_count == st->rows;
	switch (p->op) {
	case SCAN_IS_NULL:
		return st->null_count != 0;
	case SCAN_NOT_NULL:
		return !all_null;
	default:
		break;
	}
	if (all_null)
		return false;      /* comparisons with NULL are never true */
	if (!st->has_minmax || p->val.is_null || p->val.type != st->min.type)
		return true;
	int lo = scan_value_cmp(&p->val, &st->min), hi = scan_value_cmp(&p->val, &st->max);
	if (lo == 2 || hi == 2)
		return true;
	switch (p->op) {
	case SCAN_EQ: return lo >= 0 && hi <= 0;   /* min <= v <= max */
	case SCAN_LT: return lo > 0;               /* min < v */
	case SCAN_LE: return lo >= 0;              /* min <= v */
	case SCAN_GT: return hi < 0;               /* max > v */
	case SCAN_GE: return hi <= 0;              /* max >= v */
	default: return true;
	}
}

/* delta_scan('path'): DuckDB's name for reading the Delta table at a path
 * (Spark's is delta.`path`); the latest version, read like a catalog
 * table. */
#include "func/tablefn.h"
#include "store/lake/lake.h"

struct source *
tf_delta_scan_bind(const struct tf_args *a, struct wb_error *err)
{
	const struct tf_value *arg = a->npos == 1 ? &a->pos[0] : NULL;
	if (arg == NULL || arg->kind != TF_SCALAR || arg->v.is_null || arg->v.type != WB_TYPE_VARCHAR) {
		err_set(err, a->call_pos, "delta_scan expects the path of a Delta table as its argument");
		return NULL;
	}
	static const char *const none[] = {NULL};
	if (tf_check_names(a, "delta_scan", none, err) < 0)
		return NULL;
	struct table *t = lake_table_open(arg->v.u.s.p, arg->v.u.s.p, true, err);
	struct source *s = t ? t->ops->scan(t, err) : NULL;
	if (t)
		table_unref(t);
	if (s == NULL)
		err_at(err, arg->pos);
	return s;
}

/* delta_scan('path' [, version => n] [, timestamp => t]): DuckDB's name
 * for reading the Delta table at a path (Spark's is delta.`path`), read
 * like a catalog table - the latest version, or time travel to a version
 * or a time as VERSION AS OF / TIMESTAMP AS OF do. */
#include "func/tablefn.h"
#include "core/datetime.h"
#include "store/lake/lake.h"

struct source *
tf_delta_scan_bind(const struct tf_args *a, struct wb_error *err)
{
	const struct tf_value *arg = a->npos == 1 ? &a->pos[0] : NULL;
	if (arg == NULL || arg->kind != TF_SCALAR || arg->v.is_null || arg->v.type != WB_TYPE_VARCHAR) {
		err_set(err, a->call_pos, "delta_scan expects the path of a Delta table as its argument");
		return NULL;
	}
	static const char *const known[] = {"version", "timestamp", NULL};
	if (tf_check_names(a, "delta_scan", known, err) < 0)
		return NULL;
	struct delta_read_options at = DELTA_READ_OPTIONS_INIT;
	at.ts_source = LAKE_TS_SOURCE;
	const struct tf_value *ver = tf_named(a, "version"), *ts = tf_named(a, "timestamp");
	if (ver && ts) {
		err_set(err, ts->pos, "delta_scan: give version or timestamp, not both");
		return NULL;
	}
	if (ver) {
		int64_t v;
		if (!tf_int(ver, "delta_scan", "version", &v, err))
			return NULL;
		if (v < 0) {
			err_set(err, ver->pos, "delta_scan: version must be a version number (0, 1, ...)");
			return NULL;
		}
		at.version = v;
	}
	if (ts) {
		int64_t us = 0;
		bool ok = ts->kind == TF_SCALAR && !ts->v.is_null;
		if (ok && ts->v.type == WB_TYPE_TIMESTAMP)
			us = ts->v.u.i;
		else if (ok && ts->v.type == WB_TYPE_DATE)
			us = ts->v.u.i * 86400 * INT64_C(1000000);
		else if (ok && ts->v.type == WB_TYPE_VARCHAR)
			ok = dt_parse_timestamp(ts->v.u.s.p, ts->v.u.s.n, &us);
		else
			ok = false;
		if (!ok) {
			err_set(err, ts->pos, "delta_scan: timestamp must be a time such as '2024-01-01 12:00:00'");
			return NULL;
		}
		at.timestamp = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
	}
	struct table *t = lake_table_open_at(arg->v.u.s.p, arg->v.u.s.p, true, &at, err);
	struct source *s = t ? t->ops->scan(t, err) : NULL;
	if (t)
		table_unref(t);
	if (s == NULL)
		err_at(err, arg->pos);
	return s;
}

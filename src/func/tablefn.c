/* Table function registry and the built-in range()/generate_series(). */
#include "func/tablefn.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "store/parquet/pq.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct source *tf_read_csv_bind(const struct tf_args *args, struct wb_error *err);
struct source *tf_read_parquet_bind(const struct tf_args *args, struct wb_error *err);
struct source *tf_delta_scan_bind(const struct tf_args *args, struct wb_error *err);
struct source *tf_generate_ecommerce_bind(const struct tf_args *args, struct wb_error *err);

/* ---- helpers ---- */

const struct tf_value *
tf_named(const struct tf_args *a, const char *name)
{
	for (int i = 0; i < a->nnamed; i++)
		if (strcasecmp(a->names[i], name) == 0)
			return &a->named[i];
	return NULL;
}

bool
tf_bool(const struct tf_value *v, const char *fn, const char *opt, bool *out, struct wb_error *err)
{
	if (v->kind == TF_SCALAR && !v->v.is_null) {
		if (v->v.type == WB_TYPE_BOOL) {
			*out = v->v.u.b;
			return true;
		}
		if (v->v.type == WB_TYPE_BIGINT) {
			*out = v->v.u.i != 0;
			return true;
		}
		if (v->v.type == WB_TYPE_VARCHAR && parse_bool(v->v.u.s.p, v->v.u.s.n, out))
			return true;
	}
	err_set(err, v->pos, "%s: option %s expects true or false", fn, opt);
	return false;
}

bool
tf_int(const struct tf_value *v, const char *fn, const char *opt, int64_t *out, struct wb_error *err)
{
	if (v->kind == TF_SCALAR && !v->v.is_null && v->v.type == WB_TYPE_BIGINT) {
		*out = v->v.u.i;
		return true;
	}
	err_set(err, v->pos, "%s: option %s expects an integer", fn, opt);
	return false;
}

const char *
tf_string(const struct tf_value *v, const char *fn, const char *opt, struct wb_error *err)
{
	if (v->kind == TF_SCALAR && !v->v.is_null && v->v.type == WB_TYPE_VARCHAR)
		return v->v.u.s.p;
	err_set(err, v->pos, "%s: option %s expects a string", fn, opt);
	return NULL;
}

int
tf_check_names(const struct tf_args *a, const char *fn, const char *const *known, struct wb_error *err)
{
	int nk = 0;
	while (known[nk])
		nk++;
	for (int i = 0; i < a->nnamed; i++) {
		bool found = false;
		for (int k = 0; k < nk && !found; k++)
			found = strcasecmp(a->names[i], known[k]) == 0;
		if (found)
			continue;
		err_set(err, a->named[i].pos, "%s: unknown option \"%s\"", fn, a->names[i]);
		const char *s = str_suggest(a->names[i], known, nk);
		if (s)
			err_hint(err, "did you mean \"%s\"?", s);
		else {
			struct strbuf b = STRBUF_INIT;
			for (int k = 0; k < nk; k++)
				sb_printf(&b, "%s%s", k ? ", " : "", known[k]);
			err_hint(err, "options are: %s", sb_str(&b));
			sb_free(&b);
		}
		return -1;
	}
	return 0;
}

/* ---- range / generate_series ---- */

struct range_src {
	struct source src;
	int64_t start, stop, step;   /* stop exclusive */
	int64_t count;
	atomic_llong next_morsel;
};

#define RANGE_MORSEL (WB_VEC_SIZE * 32)

static int
range_start(struct source *s, struct wb_error *err)
{
	return 0;
}

struct range_reader {
	int64_t morsel;
	int64_t off;
	int chunk;
};

static void *
range_reader_new(struct source *s)
{
	struct range_reader *r = xcalloc(1, sizeof *r);
	r->morsel = -1;
	return r;
}

static void
range_reader_free(struct source *s, void *r)
{
	free(r);
}

static int
range_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct range_src *rs = s->impl;
	struct range_reader *r = reader;
	int64_t nm = (rs->count + RANGE_MORSEL - 1) / RANGE_MORSEL;
	while (r->morsel < 0 || r->off >= RANGE_MORSEL || r->morsel * RANGE_MORSEL + r->off >= rs->count) {
		int64_t m = atomic_fetch_add(&rs->next_morsel, 1);
		if (m >= nm)
			return 0;
		r->morsel = m;
		r->off = 0;
		r->chunk = 0;
	}
	int64_t first = r->morsel * RANGE_MORSEL + r->off;
	int64_t left = rs->count - first;
	int n = left < WB_VEC_SIZE ? (int)left : WB_VEC_SIZE;
	if (s->nproj > 0) {
		struct vec *v = &out->cols[0];
		vec_reset(v);
		int64_t *d = vec_i64(v);
		for (int i = 0; i < n; i++)
			d[i] = rs->start + (first + i) * rs->step;
		v->n = n;
	}
	out->n = n;
	out->seq = SOURCE_SEQ(r->morsel, r->chunk++);
	r->off += n;
	return n;
}

static void
range_free(struct source *s)
{
	source_fini(s);
	free(s->impl);
}

static const struct source_ops range_ops = {"range", range_start, range_reader_new, range_next, range_reader_free, range_free};

static struct source *
range_common(const struct tf_args *a, const char *fn, bool inclusive, struct wb_error *err)
{
	int64_t v[3] = {0, 0, 1};
	if (a->npos < 1 || a->npos > 3) {
		err_set(err, a->call_pos, "%s expects 1 to 3 integer arguments: %s(stop), %s(start, stop[, step])", fn, fn, fn);
		return NULL;
	}
	for (int i = 0; i < a->npos; i++) {
		const struct tf_value *x = &a->pos[i];
		if (x->kind != TF_SCALAR || x->v.is_null || x->v.type != WB_TYPE_BIGINT) {
			err_set(err, x->pos, "%s: argument %d must be an integer", fn, i + 1);
			return NULL;
		}
	}
	if (a->npos == 1) {
		v[1] = a->pos[0].v.u.i;
	} else {
		v[0] = a->pos[0].v.u.i;
		v[1] = a->pos[1].v.u.i;
		if (a->npos == 3)
			v[2] = a->pos[2].v.u.i;
	}
	if (v[2] == 0) {
		err_set(err, a->call_pos, "%s: step must not be 0", fn);
		return NULL;
	}
	if (tf_check_names(a, fn, (const char *const[]){NULL}, err) < 0)
		return NULL;
	struct range_src *rs = xcalloc(1, sizeof *rs);
	source_init(&rs->src, &range_ops, 1);
	source_set_column(&rs->src, 0, strcmp(fn, "range") == 0 ? "range" : "generate_series", WB_TYPE_BIGINT);
	rs->src.impl = rs;
	rs->start = v[0];
	rs->step = v[2];
	/* number of elements, computed without overflow */
	__int128 lo = v[0], hi = v[1], step = v[2], cnt;
	if (step > 0)
		cnt = inclusive ? (hi >= lo ? (hi - lo) / step + 1 : 0) : (hi > lo ? (hi - lo + step - 1) / step : 0);
	else
		cnt = inclusive ? (lo >= hi ? (lo - hi) / -step + 1 : 0) : (lo > hi ? (lo - hi - step - 1) / -step : 0);
	if (cnt > INT64_C(1) << 40) {
		err_set(err, a->call_pos, "%s: too many rows (%lld)", fn, (long long)cnt);
		free(rs);
		return NULL;
	}
	rs->count = (int64_t)cnt;
	rs->src.est_rows = rs->count;
	rs->src.max_readers = (int)((rs->count + RANGE_MORSEL - 1) / RANGE_MORSEL);
	if (rs->src.max_readers < 1)
		rs->src.max_readers = 1;
	atomic_init(&rs->next_morsel, 0);
	return &rs->src;
}

static struct source *
range_bind(const struct tf_args *a, struct wb_error *err)
{
	return range_common(a, "range", false, err);
}

static struct source *
series_bind(const struct tf_args *a, struct wb_error *err)
{
	return range_common(a, "generate_series", true, err);
}

static const struct table_fn tf_table[] = {
	{"generate_ecommerce",
	    "generate_ecommerce([rows] [, rows => N] [, seed => S] [, start => DATE] [, days => D])",
	    "synthetic e-commerce events, the rows `wb generate ecommerce` writes with the same options "
	    "(defaults: 1000000 rows, seed 1, start 2019-10-01, 31 days), typed as read_csv reads that file",
	    "SELECT event_type, count(*) FROM generate_ecommerce(rows => 1000, seed => 42) GROUP BY ALL",
	    tf_generate_ecommerce_bind},
	{"generate_series", "generate_series([start,] stop [, step])", "integers from start to stop inclusive",
	    "SELECT * FROM generate_series(1, 3)", series_bind},
	{"range", "range([start,] stop [, step])", "integers from start up to (not including) stop",
	    "SELECT * FROM range(3)", range_bind},
	{"read_csv", "read_csv('file or glob' | ['file', ...], option = value, ...)",
	    "read CSV files (dialect, header and types detected; see wb-sql(7) for options)",
	    "SELECT count(*) FROM read_csv('events.csv', header = true)", tf_read_csv_bind},
	{"read_csv_auto", "read_csv_auto('file', ...)", "alias of read_csv",
	    "SELECT * FROM read_csv_auto('events.csv')", tf_read_csv_bind},
	{"read_parquet", "read_parquet('file or glob' | ['file', ...], option = value, ...)",
	    "read Parquet files (flat columns; see wb-sql(7) for types and options)",
	    "SELECT count(*) FROM read_parquet('events.parquet')", tf_read_parquet_bind},
	{"parquet_scan", "parquet_scan('file or glob', ...)", "alias of read_parquet",
	    "SELECT * FROM parquet_scan('events.parquet')", tf_read_parquet_bind},
	{"delta_scan", "delta_scan('path' [, version => n | timestamp => t])",
	    "read the Delta table at path (as delta.`path` does): the latest version, or as of a version or a time",
	    "SELECT count(*) FROM delta_scan('wb.lake/main/bronze/events')", tf_delta_scan_bind},
};

const struct table_fn *
tablefn_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof tf_table / sizeof tf_table[0]; i++)
		if (strcasecmp(tf_table[i].name, name) == 0)
			return &tf_table[i];
	return NULL;
}

int
tablefn_count(void)
{
	return (int)(sizeof tf_table / sizeof tf_table[0]);
}

const struct table_fn *
tablefn_at(int i)
{
	return &tf_table[i];
}

const struct table_fn *
tablefn_for_path(const char *path, struct wb_error *err)
{
	size_t n = strlen(path);
	const char *exts[] = {".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz", ".gz", NULL};
	for (int i = 0; exts[i]; i++) {
		size_t l = strlen(exts[i]);
		if (n >= l && strcasecmp(path + n - l, exts[i]) == 0)
			return tablefn_lookup("read_csv");
	}
	const char *pexts[] = {".parquet", ".pq", ".parq", NULL};
	for (int i = 0; pexts[i]; i++) {
		size_t l = strlen(pexts[i]);
		if (n >= l && strcasecmp(path + n - l, pexts[i]) == 0)
			return tablefn_lookup("read_parquet");
	}
	/* unknown extension: Parquet by its magic bytes, else CSV, which
	 * sniffs the dialect */
	if (strpbrk(path, "*?[") == NULL && pq_file_looks_parquet(path))
		return tablefn_lookup("read_parquet");
	return tablefn_lookup("read_csv");
}

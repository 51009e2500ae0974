/* Unit tests for the CSV reader and writer (src/store/csv*.c) and the
 * progress bar (src/core/progress.c). Small inputs live in
 * tests/data/csv/; big ones (parallel splitting, gzip, pipes) are
 * generated in a temporary directory. */
#include "tests/tap.h"

#include "core/pool.h"
#include "core/progress.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/csv.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

/* ---- helpers ---- */

static const char *
path_of(const char *fmt, const char *a, const char *b)
{
	static char ring[8][1024];
	static int k;
	char *p = ring[k++ & 7];
	snprintf(p, sizeof ring[0], fmt, a, b);
	return p;
}

static const char *
srcdir(void)
{
	const char *e = getenv("WB_SRCDIR");
	return e && *e ? e : WB_SRCDIR;
}

static const char *
data(const char *name)
{
	return path_of("%s/tests/data/csv/%s", srcdir(), name);
}

static const char *
tmp(const char *name)
{
	return path_of("%s/%s", tmpdir, name);
}

static const char *
shared(const char *rel)
{
	const char *e = getenv("WB_SHARED");
	if (e && *e)
		return path_of("%s/%s", e, rel);
	return path_of("%s/../shared/%s", srcdir(), rel);
}

static void
write_file(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fwrite(p, 1, n, f);
	fclose(f);
}

static char *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t k;
	if (f == NULL)
		return NULL;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, k);
	fclose(f);
	*n = sb.len;
	if (sb.s == NULL)
		return xstrdup("");
	return sb_detach(&sb);
}

/* A scan's pieces: each chunk copied with its seq, sorted at the end. */
struct piece {
	uint64_t seq;
	struct rowset *rs;
};

struct scan_ctx {
	struct source *s;
	pthread_mutex_t mu;
	struct piece *pieces;
	size_t npieces, cap;
	char *err;
	atomic_bool stop;
	bool seq_ok;
};

static void
scan_task(void *arg, int task, int worker)
{
	struct scan_ctx *x = arg;
	struct source *s = x->s;
	struct wb_error err = WB_ERROR_INIT;
	wb_type *types = xcalloc((size_t)s->nproj + 1, sizeof(wb_type));
	char **names = xcalloc((size_t)s->nproj + 1, sizeof(char *));
	struct chunk c;
	uint64_t last = 0;
	bool first = true;
	int n;
	(void)task;
	(void)worker;
	for (int k = 0; k < s->nproj; k++) {
		types[k] = s->types[s->proj[k]];
		names[k] = s->names[s->proj[k]];
	}
	void *r = s->ops->reader_new(s);
	chunk_init(&c, s->nproj, types);
	while (!atomic_load(&x->stop) && (n = s->ops->next(s, r, &c, &err)) > 0) {
		struct rowset *rs = rowset_new(s->nproj, names, types);
		rowset_append(rs, &c, 0, n);
		pthread_mutex_lock(&x->mu);
		if (!first && c.seq <= last)
			x->seq_ok = false;
		first = false;
		last = c.seq;
		x->pieces = xgrow(x->pieces, &x->cap, x->npieces + 1, sizeof *x->pieces);
		x->pieces[x->npieces].seq = c.seq;
		x->pieces[x->npieces++].rs = rs;
		pthread_mutex_unlock(&x->mu);
	}
	if (err_isset(&err)) {
		pthread_mutex_lock(&x->mu);
		if (x->err == NULL)
			x->err = xstrdup(err.msg);
		atomic_store(&x->stop, true);
		pthread_mutex_unlock(&x->mu);
	}
	err_clear(&err);
	chunk_free(&c);
	s->ops->reader_free(s, r);
	free(types);
	free(names);
}

static int
cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Scan an opened source with `readers` readers driven by pool_run; rows
 * in file order (by seq). On error returns NULL and sets *errmsg.
 */
static struct rowset *
scan_source(struct source *s, int readers, char **errmsg)
{
	struct scan_ctx x;
	struct wb_error err = WB_ERROR_INIT;
	struct rowset *out = NULL;
	memset(&x, 0, sizeof x);
	atomic_init(&x.stop, false);
	x.s = s;
	x.seq_ok = true;
	pthread_mutex_init(&x.mu, NULL);
	*errmsg = NULL;
	if (s->ops->start(s, &err) < 0) {
		*errmsg = xstrdup(err.msg);
		err_clear(&err);
		return NULL;
	}
	pool_run(readers, scan_task, &x);
	if (x.npieces > 1)
		qsort(x.pieces, x.npieces, sizeof *x.pieces, cmp_piece);
	for (size_t i = 1; i < x.npieces; i++)
		if (x.pieces[i].seq == x.pieces[i - 1].seq)
			x.seq_ok = false;
	if (x.err != NULL) {
		*errmsg = x.err;
	} else {
		wb_type *types = xcalloc((size_t)s->nproj + 1, sizeof(wb_type));
		char **names = xcalloc((size_t)s->nproj + 1, sizeof(char *));
		for (int k = 0; k < s->nproj; k++) {
			types[k] = s->types[s->proj[k]];
			names[k] = s->names[s->proj[k]];
		}
		out = rowset_new(s->nproj, names, types);
		for (size_t i = 0; i < x.npieces; i++)
			for (int k = 0; k < x.pieces[i].rs->nchunks; k++)
				rowset_append(out, &x.pieces[i].rs->chunks[k], 0, -1);
		free(types);
		free(names);
	}
	if (!x.seq_ok) {
		rowset_free(out);
		out = NULL;
		if (*errmsg == NULL)
			*errmsg = xstrdup("chunk seq numbers not increasing / unique");
	}
	for (size_t i = 0; i < x.npieces; i++)
		rowset_free(x.pieces[i].rs);
	free(x.pieces);
	pthread_mutex_destroy(&x.mu);
	return out;
}

/* Open and scan; NULL with *errmsg on failure (open or scan). */
static struct rowset *
scan_path(const char *path, const struct csv_options *o, int readers, char **errmsg)
{
	struct wb_error err = WB_ERROR_INIT;
	struct source *s = csv_source_open(path, o, &err);
	if (s == NULL) {
		*errmsg = xstrdup(err.msg ? err.msg : "(no message)");
		err_clear(&err);
		return NULL;
	}
	struct rowset *rs = scan_source(s, readers, errmsg);
	source_free(s);
	return rs;
}

/* Text of a cell ("NULL" for NULL). */
static const char *
cell(const struct rowset *rs, int64_t row, int col)
{
	static struct strbuf ring[8];
	static int k;
	struct strbuf *sb = &ring[k++ & 7];
	struct wb_value v;
	sb_clear(sb);
	rowset_get(rs, row, col, &v);
	value_format(&v, sb, "NULL");
	return sb_str(sb);
}

static bool
is_null(const struct rowset *rs, int64_t row, int col)
{
	struct wb_value v;
	rowset_get(rs, row, col, &v);
	return v.is_null;
}

/* Compare two rowsets cell by cell; describes the first difference. */
static bool
same_rows(const struct rowset *a, const struct rowset *b, char *why, size_t n)
{
	if (a == NULL || b == NULL) {
		snprintf(why, n, "missing result");
		return false;
	}
	if (a->nrows != b->nrows || a->ncol != b->ncol) {
		snprintf(why, n, "%lld x %d vs %lld x %d", (long long)a->nrows, a->ncol,
		    (long long)b->nrows, b->ncol);
		return false;
	}
	for (int64_t r = 0; r < a->nrows; r++) {
		for (int c = 0; c < a->ncol; c++) {
			struct wb_value x, y;
			rowset_get(a, r, c, &x);
			rowset_get(b, r, c, &y);
			bool eq = x.is_null == y.is_null && x.type == y.type;
			if (eq && !x.is_null) {
				switch (x.type) {
				case WB_TYPE_VARCHAR: eq = wb_str_eq(x.u.s, y.u.s); break;
				case WB_TYPE_DOUBLE: eq = x.u.d == y.u.d; break;
				case WB_TYPE_BOOL: eq = x.u.b == y.u.b; break;
				default: eq = x.u.i == y.u.i; break;
				}
			}
			if (!eq) {
				snprintf(why, n, "row %lld col %d: '%s' vs '%s'", (long long)r, c,
				    cell(a, r, c), cell(b, r, c));
				return false;
			}
		}
	}
	return true;
}

/* Expect an error containing `want` from opening or scanning path. */
static void
expect_error(const char *path, const struct csv_options *o, int readers, const char *want,
    const char *what)
{
	char *msg = NULL;
	struct rowset *rs = scan_path(path, o, readers, &msg);
	ok(rs == NULL && msg != NULL && strstr(msg, want) != NULL, "%s", what);
	if (rs != NULL || msg == NULL || strstr(msg, want) == NULL)
		diag("got '%s', want '...%s...'", msg ? msg : "(success)", want);
	rowset_free(rs);
	free(msg);
}

/* ---- tests ---- */

static void
test_real_file(void)
{
	struct csv_options o;
	struct wb_error err = WB_ERROR_INIT;
	char *msg = NULL;
	csv_options_init(&o);
	const char *path = shared("data/ecommerce/2019-Oct-head200.csv");
	struct source *s = csv_source_open(path, &o, &err);
	ok(s != NULL, "open the real 200-row e-commerce file (%s)", err.msg ? err.msg : path);
	if (s == NULL)
		return;
	static const char *const names[] = {"event_time", "event_type", "product_id", "category_id",
		"category_code", "brand", "price", "user_id", "user_session"};
	static const wb_type types[] = {WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_BIGINT,
		WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_BIGINT,
		WB_TYPE_VARCHAR};
	bool schema = s->ncol == 9;
	for (int i = 0; i < 9 && schema; i++)
		schema = strcmp(s->names[i], names[i]) == 0 && s->types[i] == types[i];
	ok(schema, "header names and inferred types (TIMESTAMP, VARCHAR, BIGINT x2, VARCHAR x2, DOUBLE, BIGINT, VARCHAR)");
	struct csv_sniff_info si;
	csv_source_sniff_info(s, &si);
	ok(si.delim == ',' && si.header && si.sample_rows == 200, "sniffed ',' with a header over 200 rows");
	ok(s->est_rows > 150 && s->est_rows < 250, "row estimate %lld near 200", (long long)s->est_rows);
	struct rowset *rs = scan_source(s, 1, &msg);
	ok(rs != NULL && rs->nrows == 200, "200 rows (%s)", msg ? msg : "ok");
	if (rs != NULL) {
		struct wb_value v;
		rowset_get(rs, 0, 0, &v);
		is_int(v.u.i, INT64_C(1569888000000000), "row 1 event_time = 2019-10-01 00:00:00 UTC in microseconds");
		rowset_get(rs, 0, 3, &v);
		is_int(v.u.i, INT64_C(2103807459595387724), "row 1 category_id is the exact 19-digit BIGINT");
		rowset_get(rs, 0, 6, &v);
		ok(v.u.d == 35.79, "row 1 price = 35.79 exactly");
		ok(is_null(rs, 0, 4), "row 1 empty category_code is NULL");
		is_str(cell(rs, 0, 5), "shiseido", "row 1 brand");
		ok(is_null(rs, 2, 5), "row 3 empty brand is NULL");
		is_str(cell(rs, 1, 4), "appliances.environment.water_heater", "row 2 category_code");
		is_str(cell(rs, 0, 8), "72d76fde-8bb3-4e00-8c23-a032dfed738c", "row 1 user_session");
		is_str(cell(rs, 199, 1), "view", "row 200 event_type");
	}
	rowset_free(rs);
	free(msg);
	source_free(s);
	csv_options_free(&o);
}

static void
test_quoting(void)
{
	struct csv_options o;
	char *msg = NULL;
	csv_options_init(&o);
	struct rowset *rs = scan_path(data("quoted.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 4 && rs->ncol == 4, "quoted.csv: BOM, CRLF, quotes: 4 rows x 4 (%s)",
	    msg ? msg : "ok");
	if (rs != NULL) {
		is_str(rs->names[0], "id", "BOM is not part of the first name");
		is_int(rs->types[3], WB_TYPE_DOUBLE, "amount is DOUBLE");
		is_str(cell(rs, 0, 1), "Smith, John", "embedded delimiter");
		is_str(cell(rs, 0, 2), "said \"hi\"", "doubled quotes become one");
		is_str(cell(rs, 1, 1), "multi\r\nline", "embedded CRLF kept");
		ok(is_null(rs, 1, 2), "empty unquoted field is NULL");
		ok(!is_null(rs, 2, 1) && strcmp(cell(rs, 2, 1), "") == 0, "quoted empty field is an empty string, not NULL");
		ok(is_null(rs, 2, 3), "empty DOUBLE is NULL");
		is_str(cell(rs, 3, 2), "a,b\nc", "embedded LF and delimiter");
		is_str(cell(rs, 3, 3), "-3.25", "last field before CRLF");
	}
	rowset_free(rs);
	free(msg);

	msg = NULL;
	o.escape = '\\';
	rs = scan_path(data("escape.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2, "escape='\\\\' (%s)", msg ? msg : "ok");
	if (rs != NULL) {
		is_str(cell(rs, 0, 1), "x\"y", "backslash-escaped quote");
		is_str(cell(rs, 1, 1), "p\\q", "backslash-escaped backslash");
	}
	rowset_free(rs);
	free(msg);
	csv_options_free(&o);

	csv_options_init(&o);
	msg = NULL;
	rs = scan_path(data("cr.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(cell(rs, 1, 1), "4") == 0, "lone CR line endings");
	rowset_free(rs);
	free(msg);
	msg = NULL;
	rs = scan_path(data("blank.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2, "blank lines are skipped in multi-column files");
	rowset_free(rs);
	free(msg);
	msg = NULL;
	rs = scan_path(data("onecol.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 3 && is_null(rs, 1, 0) && strcmp(cell(rs, 2, 0), "y") == 0,
	    "single column: a blank line is a NULL value");
	rowset_free(rs);
	free(msg);
	msg = NULL;
	rs = scan_path(data("noeol.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(cell(rs, 1, 1), "4") == 0, "last row without a newline");
	rowset_free(rs);
	free(msg);
	msg = NULL;
	rs = scan_path(data("allquoted.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 3 && rs->types[0] == WB_TYPE_BIGINT && rs->types[2] == WB_TYPE_DOUBLE &&
	    is_null(rs, 1, 0) && is_null(rs, 0, 2) && !is_null(rs, 1, 1) && strcmp(cell(rs, 2, 0), "3") == 0,
	    "every field quoted: \"\" is NULL in numeric columns, '' in VARCHAR ones");
	rowset_free(rs);
	free(msg);
	msg = NULL;
	rs = scan_path(data("headeronly.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 0 && rs->ncol == 2 && rs->types[0] == WB_TYPE_VARCHAR,
	    "header-only file: 0 rows, VARCHAR columns");
	rowset_free(rs);
	free(msg);
	csv_options_free(&o);
}

static void
test_sniffing(void)
{
	struct csv_options o;
	struct wb_error err = WB_ERROR_INIT;
	char *msg = NULL;
	struct rowset *rs;
	csv_options_init(&o);

	rs = scan_path(data("semi.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->ncol == 3 && strcmp(cell(rs, 0, 1), "2,5") == 0, "';' sniffed (commas in values)");
	rowset_free(rs);
	rs = scan_path(data("pipe.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->ncol == 2 && strcmp(cell(rs, 1, 1), "y") == 0, "'|' sniffed");
	rowset_free(rs);
	rs = scan_path(data("tab.tsv"), &o, 1, &msg);
	ok(rs != NULL && rs->ncol == 2 && rs->types[1] == WB_TYPE_BIGINT, "tab sniffed");
	rowset_free(rs);

	rs = scan_path(data("noheader.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(rs->names[0], "column0") == 0 &&
	    rs->types[0] == WB_TYPE_BIGINT && rs->types[1] == WB_TYPE_DOUBLE,
	    "no header detected: column0.., first row is data");
	rowset_free(rs);
	rs = scan_path(data("allvarchar.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(rs->names[1], "city") == 0, "all-VARCHAR file: header assumed");
	rowset_free(rs);
	o.header = 0;
	rs = scan_path(data("allvarchar.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 3 && strcmp(cell(rs, 0, 0), "name") == 0, "header=0: first row is data");
	rowset_free(rs);
	o.header = -1;

	struct source *s = csv_source_open(data("types.csv"), &o, &err);
	ok(s != NULL, "types.csv opens");
	if (s != NULL) {
		static const wb_type want[] = {WB_TYPE_BOOL, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DATE,
			WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_VARCHAR, WB_TYPE_TIMESTAMP};
		for (int i = 0; i < 9; i++)
			is_str(type_name(s->types[i]), type_name(want[i]), "inferred type of %s", s->names[i]);
		rs = scan_source(s, 1, &msg);
		ok(rs != NULL && rs->nrows == 3, "types.csv rows");
		if (rs != NULL) {
			is_str(cell(rs, 1, 0), "false", "F is false");
			is_str(cell(rs, 2, 1), "9223372036854775807", "INT64_MAX");
			is_str(cell(rs, 2, 2), "-1000.0", "-1e3");
			is_str(cell(rs, 1, 3), "2020-02-29", "leap day");
			is_str(cell(rs, 1, 4), "2019-10-01 12:34:56.5", "ISO T, fraction, Z");
			is_str(cell(rs, 2, 4), "2019-10-01 00:00:00", "+02:00 offset applied");
			is_str(cell(rs, 0, 6), "1e+20", "integer beyond int64 read as DOUBLE");
			is_str(cell(rs, 0, 8), "2019-10-01 00:00:00", "date in a TIMESTAMP column is midnight");
			ok(is_null(rs, 0, 7), "all-NULL column");
		}
		rowset_free(rs);
		source_free(s);
	}
	csv_options_free(&o);
}

static void
test_options(void)
{
	struct csv_options o;
	struct wb_error err = WB_ERROR_INIT;
	char *msg = NULL;
	struct rowset *rs;

	/* explicit full schema, no detection */
	csv_options_init(&o);
	o.auto_detect = false;
	o.header = 1;
	csv_options_add_column(&o, "x", WB_TYPE_VARCHAR);
	csv_options_add_column(&o, "y", WB_TYPE_DOUBLE);
	csv_options_add_column(&o, "z", WB_TYPE_VARCHAR);
	rs = scan_path(data("noheader.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 1 && strcmp(rs->names[0], "x") == 0 &&
	    rs->types[0] == WB_TYPE_VARCHAR, "columns= with auto_detect=false, header=1 (%s)", msg ? msg : "ok");
	free(msg);
	msg = NULL;
	rowset_free(rs);
	csv_options_free(&o);
	expect_error(data("noheader.csv"), &o, 1, "auto_detect=false needs the columns option",
	    "auto_detect=false without columns is refused");

	csv_options_init(&o);
	csv_options_add_column(&o, "x", WB_TYPE_BIGINT);
	expect_error(data("noheader.csv"), &o, 1, "the file has 3 columns (delimiter ',') but columns= lists 1",
	    "columns= with the wrong count");
	csv_options_free(&o);

	csv_options_init(&o);
	csv_options_add_column(&o, "n", WB_TYPE_BIGINT);
	csv_options_add_column(&o, "d", WB_TYPE_DOUBLE);
	csv_options_add_column(&o, "s", WB_TYPE_VARCHAR);
	rs = scan_path(data("noheader.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(rs->names[2], "s") == 0, "columns= with header auto: no header found");
	rowset_free(rs);
	csv_options_free(&o);

	/* per-name type overrides */
	csv_options_init(&o);
	csv_options_add_type(&o, "i", WB_TYPE_VARCHAR);
	csv_options_add_type(&o, "D", WB_TYPE_VARCHAR);
	struct source *s = csv_source_open(data("types.csv"), &o, &err);
	ok(s != NULL && s->types[1] == WB_TYPE_VARCHAR && s->types[2] == WB_TYPE_VARCHAR &&
	    s->types[0] == WB_TYPE_BOOL, "types= overrides by name (case-insensitive fallback)");
	source_free(s);
	csv_options_free(&o);
	csv_options_init(&o);
	csv_options_add_type(&o, "nope", WB_TYPE_BIGINT);
	expect_error(data("types.csv"), &o, 1, "types= names a column 'nope' that the file does not have (columns: b, i,",
	    "types= with an unknown column");
	csv_options_free(&o);
	csv_options_init(&o);
	csv_options_add_type(&o, "b", WB_TYPE_INTERVAL);
	expect_error(data("types.csv"), &o, 1, "cannot be of type INTERVAL", "unsupported column type");
	csv_options_free(&o);

	/* all_varchar */
	csv_options_init(&o);
	o.all_varchar = true;
	s = csv_source_open(data("types.csv"), &o, &err);
	bool allv = s != NULL;
	for (int i = 0; s != NULL && i < s->ncol; i++)
		allv &= s->types[i] == WB_TYPE_VARCHAR;
	ok(allv && strcmp(s->names[0], "b") == 0, "all_varchar keeps the header, all VARCHAR");
	source_free(s);
	csv_options_free(&o);

	/* null strings */
	csv_options_init(&o);
	csv_options_add_null(&o, "NA");
	rs = scan_path(data("nulls.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->types[0] == WB_TYPE_BIGINT && is_null(rs, 0, 0) &&
	    !is_null(rs, 0, 1) && strcmp(cell(rs, 0, 1), "") == 0 && is_null(rs, 1, 1),
	    "null_strings: NA is NULL; an empty VARCHAR is '' once null strings are given");
	rowset_free(rs);
	csv_options_free(&o);

	/* skip, explicit delimiter */
	csv_options_init(&o);
	o.skip = 2;
	rs = scan_path(data("skip.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(rs->names[0], "a") == 0 && strcmp(cell(rs, 1, 1), "4") == 0,
	    "skip=2 drops the preamble");
	rowset_free(rs);
	o.skip = 0;
	o.delim = ';';
	rs = scan_path(data("semi.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->ncol == 3, "explicit delimiter");
	rowset_free(rs);
	csv_options_free(&o);

	/* projection: only some columns, any order, filename */
	csv_options_init(&o);
	o.filename = true;
	s = csv_source_open(data("types.csv"), &o, &err);
	ok(s != NULL && s->ncol == 10 && strcmp(s->names[9], "filename") == 0, "filename column added");
	if (s != NULL) {
		int cols[3] = {9, 4, 1};
		source_project(s, cols, 3);
		rs = scan_source(s, 1, &msg);
		ok(rs != NULL && rs->ncol == 3 && strcmp(cell(rs, 0, 0), data("types.csv")) == 0 &&
		    strcmp(cell(rs, 2, 2), "9223372036854775807") == 0, "projection (filename, ts, i)");
		rowset_free(rs);
		source_free(s);
	}
	csv_options_free(&o);
	free(msg);
}

static void
test_errors(void)
{
	struct csv_options o;
	char *msg = NULL;
	struct rowset *rs;
	char want[512];

	csv_options_init(&o);
	o.sample_rows = 3;
	snprintf(want, sizeof want, "%s:5: column \"price\": could not convert 'abc' to DOUBLE (the type "
	    "was inferred from the first 3 rows; set types={'price':'VARCHAR'}, ignore_errors=true or "
	    "store_rejects=true)", data("bad_convert.csv"));
	expect_error(data("bad_convert.csv"), &o, 1, want, "conversion error: file, line, column, value, type, inference, what to do");
	csv_options_add_type(&o, "price", WB_TYPE_DOUBLE);
	snprintf(want, sizeof want, "%s:5: column \"price\": could not convert 'abc' to DOUBLE (set "
	    "types={'price':'VARCHAR'}, ignore_errors=true or store_rejects=true)", data("bad_convert.csv"));
	expect_error(data("bad_convert.csv"), &o, 1, want, "conversion error with an explicit type");
	csv_options_free(&o);

	/* a bad value in a column that is not read is not an error */
	csv_options_init(&o);
	o.sample_rows = 3;
	{
		struct wb_error err = WB_ERROR_INIT;
		struct source *s = csv_source_open(data("bad_convert.csv"), &o, &err);
		int cols[1] = {0};
		source_project(s, cols, 1);
		rs = scan_source(s, 1, &msg);
		ok(rs != NULL && rs->nrows == 5, "unprojected columns are not converted");
		rowset_free(rs);
		source_free(s);
	}
	o.ignore_errors = true;
	{
		struct wb_error err = WB_ERROR_INIT;
		struct source *s = csv_source_open(data("bad_convert.csv"), &o, &err);
		rs = scan_source(s, 1, &msg);
		ok(rs != NULL && rs->nrows == 4 && csv_source_rows_rejected(s) == 1 &&
		    strcmp(cell(rs, 3, 0), "5") == 0, "ignore_errors skips the bad row and counts it");
		ok(csv_source_rejects(s) == NULL, "no rejects table without store_rejects");
		rowset_free(rs);
		source_free(s);
	}
	csv_options_free(&o);

	csv_options_init(&o);
	snprintf(want, sizeof want, "%s:5: expected 3 fields but found 2 (check the delimiter (',')",
	    data("fields.csv"));
	expect_error(data("fields.csv"), &o, 1, want, "too few fields, line counted across a quoted newline");
	csv_options_free(&o);

	csv_options_init(&o);
	o.store_rejects = true;
	{
		struct wb_error err = WB_ERROR_INIT;
		struct source *s = csv_source_open(data("fields.csv"), &o, &err);
		rs = scan_source(s, 1, &msg);
		ok(rs != NULL && rs->nrows == 3 && csv_source_rows_rejected(s) == 2, "store_rejects implies ignore_errors");
		struct rowset *rj = csv_source_rejects(s);
		ok(rj != NULL && rj->nrows == 2 && rj->ncol == 5, "rejects table: 2 rows x 5 columns");
		if (rj != NULL) {
			is_str(rj->names[4], "original", "rejects column names");
			is_str(cell(rj, 0, 0), data("fields.csv"), "reject file");
			is_str(cell(rj, 0, 1), "5", "reject line");
			ok(is_null(rj, 0, 2), "row-level error: column is NULL");
			is_str(cell(rj, 0, 3), "expected 3 fields but found 2", "reject error");
			is_str(cell(rj, 0, 4), "7,8", "reject original text");
			is_str(cell(rj, 1, 3), "expected 3 fields but found 4", "too many fields");
			is_str(cell(rj, 1, 1), "6", "second reject line");
		}
		rowset_free(rj);
		rowset_free(rs);
		source_free(s);
	}
	{
		struct wb_error err = WB_ERROR_INIT;
		csv_options_free(&o);
		csv_options_init(&o);
		o.store_rejects = true;
		o.sample_rows = 3;
		struct source *s = csv_source_open(data("bad_convert.csv"), &o, &err);
		rs = scan_source(s, 1, &msg);
		struct rowset *rj = csv_source_rejects(s);
		ok(rj != NULL && rj->nrows == 1 && strcmp(cell(rj, 0, 2), "price") == 0 &&
		    strcmp(cell(rj, 0, 3), "column \"price\": could not convert 'abc' to DOUBLE") == 0 &&
		    strcmp(cell(rj, 0, 4), "4,abc") == 0, "conversion reject: column, error, original");
		rowset_free(rj);
		rowset_free(rs);
		source_free(s);
	}
	csv_options_free(&o);

	csv_options_init(&o);
	snprintf(want, sizeof want, "%s:3: column \"b\": quoted field is never closed (the file ends inside it)",
	    data("unterminated.csv"));
	expect_error(data("unterminated.csv"), &o, 1, want, "unterminated quote at end of file");
	snprintf(want, sizeof want, "%s:2: column \"b\": quote character inside an unquoted field",
	    data("stray.csv"));
	expect_error(data("stray.csv"), &o, 1, want, "stray quote");
	snprintf(want, sizeof want, "%s:2: column \"b\": unexpected text after the closing quote",
	    data("after.csv"));
	expect_error(data("after.csv"), &o, 1, want, "text after a closing quote");
	o.max_line_size = 64;
	snprintf(want, sizeof want, "%s:3: row longer than max_line_size (64 bytes) (raise max_line_size",
	    data("longline.csv"));
	expect_error(data("longline.csv"), &o, 1, want, "row longer than max_line_size");
	o.ignore_errors = true;
	rs = scan_path(data("longline.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2 && strcmp(cell(rs, 1, 0), "5") == 0, "ignore_errors skips the long row");
	rowset_free(rs);
	csv_options_free(&o);

	csv_options_init(&o);
	snprintf(want, sizeof want, "%s: the file is empty", data("empty.csv"));
	expect_error(data("empty.csv"), &o, 1, want, "empty file");
	snprintf(want, sizeof want, "%s: does not look like a CSV text file (NUL byte at offset 6)",
	    data("binary.csv"));
	expect_error(data("binary.csv"), &o, 1, want, "binary garbage");
	snprintf(want, sizeof want, "%s:3: column \"name\": invalid UTF-8 (byte 0xe9) (the file must be UTF-8",
	    data("latin1.csv"));
	expect_error(data("latin1.csv"), &o, 1, want, "invalid UTF-8: file, line, column");
	o.ignore_errors = true;
	rs = scan_path(data("latin1.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 2, "ignore_errors skips the invalid UTF-8 row");
	rowset_free(rs);
	o.ignore_errors = false;
	snprintf(want, sizeof want, "%s: No such file or directory", data("missing.csv"));
	expect_error(data("missing.csv"), &o, 1, want, "missing file");
	expect_error(data("nothing-*.csv"), &o, 1, "no file matches", "glob without a match");
	write_file(tmp("z.csv.zst"), "\x28\xb5\x2f\xfd\0\0\0\0", 8);
	expect_error(tmp("z.csv.zst"), &o, 1, "the file is zstd-compressed", "zstd input is named");
	o.compression = CSV_COMPRESSION_GZIP;
	expect_error(data("pipe.csv"), &o, 1, "not gzip data", "compression=gzip on a plain file");
	csv_options_free(&o);
	free(msg);
}

static void
test_glob(void)
{
	struct csv_options o;
	char *msg = NULL;
	char want[512];
	csv_options_init(&o);
	o.filename = true;
	struct rowset *rs = scan_path(data("glob/part-*.csv"), &o, 2, &msg);
	ok(rs != NULL && rs->nrows == 5 && rs->ncol == 3, "glob: 3 files, 5 rows (%s)", msg ? msg : "ok");
	if (rs != NULL) {
		bool order = true;
		for (int i = 0; i < 5; i++)
			order &= atoi(cell(rs, i, 0)) == i + 1;
		ok(order, "rows in file order");
		is_str(cell(rs, 2, 2), data("glob/part-2.csv"), "filename column names the file");
		is_str(cell(rs, 4, 1), "e", "value from the last file");
	}
	rowset_free(rs);
	snprintf(want, sizeof want, "%s has 3 columns but %s has 2", data("glob_bad/b.csv"),
	    data("glob_bad/a.csv"));
	expect_error(data("glob_bad/*.csv"), &o, 1, want, "glob files with different widths");
	csv_options_free(&o);
	free(msg);
}

static void
test_writer(void)
{
	struct strbuf sb = STRBUF_INIT;
	csv_write_field(&sb, "plain", 5, ',', '"');
	sb_putc(&sb, ',');
	csv_write_field(&sb, "a,b", 3, ',', '"');
	sb_putc(&sb, ',');
	csv_write_field(&sb, "say \"x\"", 7, ',', '"');
	sb_putc(&sb, ',');
	csv_write_field(&sb, "", 0, ',', '"');
	sb_putc(&sb, ',');
	sb_putc(&sb, ',');
	csv_write_field(&sb, "l1\nl2", 5, ',', '"');
	is_str(sb_str(&sb), "plain,\"a,b\",\"say \"\"x\"\"\",\"\",,\"l1\nl2\"", "csv_write_field quotes only when needed");

	/* round trip through the reader */
	struct strbuf file = STRBUF_INIT;
	sb_puts(&file, "a,b,c,d,e,f\n");
	sb_add(&file, sb.s, sb.len);
	sb_putc(&file, '\n');
	write_file(tmp("rt.csv"), file.s, file.len);
	struct csv_options o;
	char *msg = NULL;
	csv_options_init(&o);
	struct rowset *rs = scan_path(tmp("rt.csv"), &o, 1, &msg);
	ok(rs != NULL && rs->nrows == 1 && strcmp(cell(rs, 0, 2), "say \"x\"") == 0 &&
	    strcmp(cell(rs, 0, 3), "") == 0 && !is_null(rs, 0, 3) && is_null(rs, 0, 4) &&
	    strcmp(cell(rs, 0, 5), "l1\nl2") == 0, "written fields read back the same (empty vs NULL kept)");
	rowset_free(rs);
	free(msg);
	csv_options_free(&o);
	sb_free(&file);
	sb_free(&sb);
}

/*
 * A multi-MB file whose quoted fields hold newlines, delimiters and text
 * that looks like whole rows, so that any split inside quotes would
 * change the result. Returns the number of data rows; *bad_line gets the
 * physical line of row `bad_row` (whose price is made invalid when
 * bad_row >= 0).
 */
static int
gen_big(const char *path, int nrows, int bad_row, int64_t *bad_line)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t line = 2;
	sb_puts(&sb, "id,text,price,ts\n");
	for (int i = 0; i < nrows; i++) {
		if (i == bad_row)
			*bad_line = line;
		sb_printf(&sb, "%d,", i);
		switch (i % 9) {
		case 0:
			sb_printf(&sb, "\"fake\n%d,\"\"x\"\",1.5,2019-10-01 00:00:00 UTC\nend\"", i + 1);
			line += 2;
			break;
		case 3: sb_puts(&sb, "\"\""); break;
		case 5: break;
		case 7: sb_puts(&sb, "\"a,b\r\nc\""); line++; break;
		default: sb_printf(&sb, "word%d", i % 100); break;
		}
		if (i == bad_row)
			sb_puts(&sb, ",oops,");
		else
			sb_printf(&sb, ",%d.%02d,", i / 100, i % 100);
		sb_printf(&sb, "2019-10-%02d %02d:%02d:%02d UTC", 1 + i / 86400 % 28, i / 3600 % 24,
		    i / 60 % 60, i % 60);
		sb_puts(&sb, i % 4 == 0 ? "\r\n" : "\n");
		line++;
	}
	write_file(path, sb.s, sb.len);
	sb_free(&sb);
	return nrows;
}

static void
gzip_file(const char *src, const char *dst, int members)
{
	size_t n;
	char *p = read_file(src, &n);
	size_t part = n / (size_t)members;
	for (int m = 0; m < members; m++) {
		gzFile g = gzopen(dst, m == 0 ? "wb6" : "ab6");
		size_t off = part * (size_t)m, len = m == members - 1 ? n - off : part;
		gzwrite(g, p + off, (unsigned)len);
		gzclose(g);
	}
	free(p);
}

static void
test_parallel(void)
{
	struct csv_options o;
	char *msg = NULL, *msg2 = NULL;
	char why[256] = "";
	int64_t bad_line = 0;
	int nrows = gen_big(tmp("big.csv"), 60000, -1, &bad_line);

	csv_options_init(&o);
	o.block_size = (int64_t)1 << 40;
	struct rowset *ref = scan_path(tmp("big.csv"), &o, 1, &msg);
	ok(ref != NULL && ref->nrows == nrows, "generated file: 1 reader reads %d rows (%s)", nrows,
	    msg ? msg : "ok");
	if (ref != NULL) {
		is_str(cell(ref, 0, 1), "fake\n1,\"x\",1.5,2019-10-01 00:00:00 UTC\nend", "quoted row-like text");
		is_str(cell(ref, 7, 1), "a,b\r\nc", "quoted CRLF");
		ok(!is_null(ref, 3, 1) && is_null(ref, 5, 1), "\"\" vs empty in the big file");
	}
	static const int64_t blocks[] = {4096, 65536, 1000003};
	for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
		o.block_size = blocks[k];
		struct wb_error err = WB_ERROR_INIT;
		struct source *s = csv_source_open(tmp("big.csv"), &o, &err);
		struct rowset *par = NULL;
		if (s != NULL) {
			ok(s->max_readers > 1 && s->max_readers <= pool_size(),
			    "max_readers %d (pool %d) with %lld-byte blocks", s->max_readers, pool_size(),
			    (long long)blocks[k]);
			par = scan_source(s, 4, &msg2);
			source_free(s);
		}
		ok(same_rows(ref, par, why, sizeof why), "4 readers, %lld-byte blocks: same rows in the same order (%s)",
		    (long long)blocks[k], msg2 ? msg2 : why);
		rowset_free(par);
		free(msg2);
		msg2 = NULL;
	}
	{
		/* the same source scanned twice */
		struct wb_error err = WB_ERROR_INIT;
		o.block_size = 65536;
		struct source *s = csv_source_open(tmp("big.csv"), &o, &err);
		struct rowset *a = scan_source(s, 3, &msg2);
		struct rowset *b = scan_source(s, 2, &msg2);
		ok(same_rows(ref, a, why, sizeof why) && same_rows(ref, b, why, sizeof why),
		    "a source can be scanned twice (%s)", why);
		rowset_free(a);
		rowset_free(b);
		source_free(s);
	}
	o.block_size = 0;
	struct rowset *par = scan_path(tmp("big.csv"), &o, 2, &msg2);
	ok(same_rows(ref, par, why, sizeof why), "automatic blocks, 2 readers (%s)", msg2 ? msg2 : why);
	rowset_free(par);
	free(msg2);
	msg2 = NULL;

	/* gzip: same rows, one member or several; truncated input is an error */
	gzip_file(tmp("big.csv"), tmp("big.csv.gz"), 1);
	par = scan_path(tmp("big.csv.gz"), &o, 2, &msg2);
	ok(same_rows(ref, par, why, sizeof why), "gzip file reads the same rows (%s)", msg2 ? msg2 : why);
	rowset_free(par);
	free(msg2);
	msg2 = NULL;
	gzip_file(tmp("big.csv"), tmp("multi.gz"), 3);
	par = scan_path(tmp("multi.gz"), &o, 1, &msg2);
	ok(same_rows(ref, par, why, sizeof why), "multi-member gzip reads the same rows (%s)", msg2 ? msg2 : why);
	rowset_free(par);
	free(msg2);
	msg2 = NULL;
	{
		size_t n;
		char *p = read_file(tmp("big.csv.gz"), &n);
		write_file(tmp("trunc.csv.gz"), p, n / 2);
		free(p);
		expect_error(tmp("trunc.csv.gz"), &o, 1, "unexpected end of gzip data", "truncated gzip");
	}

	/* pipes: streamed, not mapped (gzip when named .gz) */
	static const char *const pipes[][2] = {{"fifo.csv", "big.csv"}, {"fifo.csv.gz", "big.csv.gz"}};
	for (int k = 0; k < 2; k++) {
		unlink(tmp(pipes[k][0]));
		if (mkfifo(tmp(pipes[k][0]), 0600) != 0) {
			ok(0, "mkfifo");
			continue;
		}
		pid_t pid = fork();
		if (pid == 0) {
			size_t n;
			char *p = read_file(tmp(pipes[k][1]), &n);
			int fd = open(tmp(pipes[k][0]), O_WRONLY);
			for (size_t off = 0; p && off < n;) {
				ssize_t w = write(fd, p + off, n - off);
				if (w <= 0)
					break;
				off += (size_t)w;
			}
			_exit(0);
		}
		par = scan_path(tmp(pipes[k][0]), &o, 2, &msg2);
		waitpid(pid, NULL, 0);
		ok(same_rows(ref, par, why, sizeof why), "named pipe (%s) reads the same rows (%s)",
		    pipes[k][0], msg2 ? msg2 : why);
		rowset_free(par);
		free(msg2);
		msg2 = NULL;
	}

	/* errors deep in the file carry the exact line, in parallel and streamed */
	gen_big(tmp("bigbad.csv"), 60000, 45678, &bad_line);
	char want[512];
	snprintf(want, sizeof want, "%s:%lld: column \"price\": could not convert 'oops' to DOUBLE",
	    tmp("bigbad.csv"), (long long)bad_line);
	o.block_size = 65536;
	expect_error(tmp("bigbad.csv"), &o, 4, want, "parallel scan: error line number is exact");
	gzip_file(tmp("bigbad.csv"), tmp("bigbad.csv.gz"), 1);
	snprintf(want, sizeof want, "%s:%lld: column \"price\": could not convert 'oops' to DOUBLE",
	    tmp("bigbad.csv.gz"), (long long)bad_line);
	expect_error(tmp("bigbad.csv.gz"), &o, 1, want, "gzip scan: error line number is exact");
	o.store_rejects = true;
	{
		struct wb_error err = WB_ERROR_INIT;
		struct source *s = csv_source_open(tmp("bigbad.csv"), &o, &err);
		struct rowset *rs = scan_source(s, 4, &msg2);
		struct rowset *rj = csv_source_rejects(s);
		ok(rs != NULL && rs->nrows == nrows - 1 && rj != NULL && rj->nrows == 1 &&
		    atoll(cell(rj, 0, 1)) == bad_line, "parallel store_rejects: line %lld", (long long)bad_line);
		rowset_free(rj);
		rowset_free(rs);
		source_free(s);
		free(msg2);
		msg2 = NULL;
	}
	csv_options_free(&o);

	/* glob over plain + gzip files in parallel: file order kept */
	mkdir(tmp("g"), 0700);
	gen_big(tmp("g/1.csv"), 20000, -1, &bad_line);
	gen_big(tmp("g/2.csv"), 1000, -1, &bad_line);
	gzip_file(tmp("g/1.csv"), tmp("g/3.csv.gz"), 1);
	csv_options_init(&o);
	o.block_size = 65536;
	o.filename = true;
	par = scan_path(tmp("g/*"), &o, 4, &msg2);
	ok(par != NULL && par->nrows == 41000 && strcmp(cell(par, 20000, 0), "0") == 0 &&
	    strcmp(cell(par, 20999, 4), tmp("g/2.csv")) == 0 && strcmp(cell(par, 21000, 4), tmp("g/3.csv.gz")) == 0,
	    "glob of plain and gzip files, 4 readers, in file order (%s)", msg2 ? msg2 : "ok");
	rowset_free(par);
	free(msg2);
	csv_options_free(&o);
	rowset_free(ref);
	free(msg);
}

/* Numbers through the fast paths must equal strtod / exact int64. */
static void
test_numbers(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_options o;
	char *msg = NULL;
	unsigned long long x = 88172645463325252ULL;
	const int n = 20000;
	char (*txt)[40] = xmalloc((size_t)n * 40);
	long long *iv = xmalloc(sizeof(long long) * (size_t)n);

	sb_puts(&sb, "d,i\n");
	for (int k = 0; k < n; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (k % 6) {
		case 0: snprintf(txt[k], 40, "%llu.%02llu", x % 100000, (x >> 20) % 100); break;
		case 1: snprintf(txt[k], 40, "-%llu.%llu", x % 1000000000000ULL, (x >> 7) % 100000); break;
		case 2: snprintf(txt[k], 40, "%.17g", (double)(x >> 11) / (double)(1ULL << 40)); break;
		case 3: snprintf(txt[k], 40, "%llue%d", x % 1000000, (int)(x >> 40) % 40 - 20); break;
		case 4: snprintf(txt[k], 40, "0.%017llu", x % 100000000000000000ULL); break;
		default: snprintf(txt[k], 40, "%llu", x % 100000000000000000ULL); break;
		}
		iv[k] = (long long)(x >> 1) * ((k & 1) ? -1 : 1);
		sb_printf(&sb, "%s,%lld\n", txt[k], iv[k]);
	}
	write_file(tmp("num.csv"), sb.s, sb.len);
	csv_options_init(&o);
	csv_options_add_type(&o, "d", WB_TYPE_DOUBLE);
	struct rowset *rs = scan_path(tmp("num.csv"), &o, 1, &msg);
	int bad_d = 0, bad_i = 0;
	for (int k = 0; rs != NULL && k < n; k++) {
		struct wb_value v;
		rowset_get(rs, k, 0, &v);
		if (v.is_null || v.u.d != strtod(txt[k], NULL)) {
			if (bad_d++ < 3)
				diag("'%s' read as %.17g, strtod %.17g", txt[k], v.u.d, strtod(txt[k], NULL));
		}
		rowset_get(rs, k, 1, &v);
		bad_i += v.is_null || v.u.i != iv[k];
	}
	ok(rs != NULL && rs->nrows == n && bad_d == 0, "%d doubles equal strtod's (correctly rounded)", n);
	ok(rs != NULL && rs->types[1] == WB_TYPE_BIGINT && bad_i == 0, "%d 19-digit int64 values exact", n);
	rowset_free(rs);
	free(msg);
	csv_options_free(&o);
	free(txt);
	free(iv);
	sb_free(&sb);
}

static void
test_progress(void)
{
	char buf[256];
	progress_format(buf, sizeof buf, "load", 50 << 20, 100 << 20, 1000000, 1.0, 80);
	ok(strstr(buf, " 50%") != NULL && strstr(buf, "52.4MB/s") != NULL && strstr(buf, "1.0M rows/s") != NULL &&
	    strstr(buf, "ETA 0:01") != NULL && strstr(buf, "[####") != NULL, "progress line: '%s'", buf);
	progress_format(buf, sizeof buf, "load", 3000000, -1, 0, 2.0, 80);
	ok(strstr(buf, "3.0MB") != NULL && strstr(buf, "%") == NULL, "progress without a total: '%s'", buf);
	size_t n = progress_format(buf, sizeof buf, "a-very-long-label-for-a-narrow-terminal", 1, 2, 0, 1.0, 30);
	ok(n <= 30, "progress line fits the width");
	progress_format_unit(buf, sizeof buf, "gold.rf", 37, 100, 0, 2.0, 80, "trees");
	ok(strstr(buf, "37/100 trees") != NULL && strstr(buf, "B/s") == NULL && strstr(buf, "ETA 0:03") != NULL,
	    "progress in units: %s", buf);
	struct progress *p = progress_new("x", 10);
	progress_add(p, 5);
	progress_add_rows(p, 5);
	progress_done(p);
	progress_free(p);
	progress_add(NULL, 1);
	ok(1, "progress calls are safe (and NULL-safe)");
}

/* Regression inputs under tests/data/csv/fuzz/ (edge cases, and any
 * input tests/fuzz/fuzz_csv.c ever crashes on): each must scan to a clean
 * result or a clean error, and, as in the fuzzer, a scan cut into tiny
 * morsels must equal the one-morsel scan. */
static void
test_fuzz_regressions(void)
{
	const char *dir = data("fuzz");
	DIR *d = opendir(dir);
	int n = 0, bad = 0, differ = 0;
	struct dirent *e;
	char why[256];
	if (d == NULL) {
		ok(1, "no fuzz regression inputs");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		const char *path = path_of("%s/%s", dir, e->d_name);
		struct csv_options o;
		char *msg = NULL, *msg2 = NULL;
		csv_options_init(&o);
		o.progress = false;
		struct rowset *rs = scan_path(path, &o, 1, &msg);
		if (rs == NULL && (msg == NULL || msg[0] == '\0'))
			bad++;
		rowset_free(rs);
		free(msg);
		msg = NULL;
		o.store_rejects = true;
		o.sample_rows = 3;
		o.max_line_size = 200;
		o.block_size = 7;
		rs = scan_path(path, &o, 2, &msg);
		o.block_size = (int64_t)1 << 40;
		struct rowset *one = scan_path(path, &o, 1, &msg2);
		if ((rs == NULL) != (one == NULL) || (rs != NULL && !same_rows(rs, one, why, sizeof why))) {
			diag("%s: split and serial scans differ", e->d_name);
			differ++;
		}
		rowset_free(rs);
		rowset_free(one);
		free(msg);
		free(msg2);
		csv_options_free(&o);
		n++;
	}
	closedir(d);
	ok(bad == 0, "%d fuzz regression inputs scan cleanly", n);
	ok(differ == 0, "split scans equal serial scans on them");
}

int
main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/wb-test-csv-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	pool_init(4);
	test_real_file();
	test_quoting();
	test_sniffing();
	test_options();
	test_errors();
	test_glob();
	test_writer();
	test_parallel();
	test_numbers();
	test_progress();
	test_fuzz_regressions();
	pool_shutdown();
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return done_testing();
}

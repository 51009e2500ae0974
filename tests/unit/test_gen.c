/* Unit tests for src/gen: `wb generate ecommerce` options, determinism,
 * the format of every row, and the calibration that matters at small sizes.
 *
 * Also a driver for tests/gen_calibration.sh:
 *   test_gen generate [generate ecommerce options...]
 */
#include "tests/tap.h"

#include "core/datetime.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "gen/gen.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[] = "/tmp/wb-test-gen-XXXXXX";

/* |got - want| <= tol, absolute */
static void
near(double got, double want, double tol, const char *name)
{
	if (!ok(fabs(got - want) <= tol, "%s", name))
		diag("  got %.4g, want %.4g +- %.4g", got, want, tol);
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	if (!f)
		return NULL;
	do {
		buf = xgrow(buf, &cap, n + 65536 + 1, 1);
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *
gunzip_all(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int r;
	if (!g)
		return NULL;
	do {
		buf = xgrow(buf, &cap, n + 65536 + 1, 1);
		r = gzread(g, buf + n, (unsigned)(cap - n - 1));
		if (r > 0)
			n += (size_t)r;
	} while (r > 0);
	gzclose(g);
	buf[n] = '\0';
	*len = n;
	return r < 0 ? (free(buf), NULL) : buf;
}

/* Generate with the given options into `name` under tmpdir; returns the
 * file's bytes (or NULL, with the error printed as a diagnostic). */
static char *
generate(int64_t rows, uint64_t seed, const char *start, int days, const char *name, size_t *len)
{
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;
	char *path = tmp_path(name), *buf;
	gen_options_init(&o);
	o.rows = rows;
	o.seed = seed;
	if (start)
		dt_parse_date(start, strlen(start), &o.start_day);
	if (days)
		o.days = days;
	o.output = path;
	if (gen_ecommerce(&o, &err) < 0) {
		diag("generate: %s", err.msg);
		err_clear(&err);
		free(path);
		return NULL;
	}
	buf = strstr(name, ".gz") ? gunzip_all(path, len) : read_all(path, len);
	unlink(path);
	free(path);
	return buf;
}

/* ---- options ---------------------------------------------------------- */

static int
parse(const char *line, struct gen_options *o, struct wb_error *err)
{
	char *copy = xstrdup(line), *argv[32], *tok, *save = NULL;
	int argc = 0, rc;
	for (tok = strtok_r(copy, " ", &save); tok && argc < 32; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	gen_options_init(o);
	rc = gen_parse_args(argc, argv, o, err);
	/* o->output points into copy: keep a stable copy for the caller */
	if (o->output)
		o->output = strcmp(o->output, "x.csv.gz") == 0 ? "x.csv.gz" : "other";
	free(copy);
	return rc;
}

static void
expect_error(const char *line, const char *in_msg, const char *in_hint)
{
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;
	int rc = parse(line, &o, &err);
	ok(rc == -1 && err.msg && strstr(err.msg, in_msg) &&
	    (!in_hint || (err.hint && strstr(err.hint, in_hint))) &&
	    err.hint && strstr(err.hint, "usage: wb generate ecommerce"),
	    "'%s' fails naming %s", line, in_msg);
	if (err.msg) {
		/* one diagnostic line: hints have newlines */
		for (char *q = err.hint; q && *q; q++)
			if (*q == '\n')
				*q = '|';
		diag("  %s / %s", err.msg, err.hint ? err.hint : "");
	}
	err_clear(&err);
}

static void
test_options(void)
{
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;

	gen_options_init(&o);
	ok(o.rows == 1000000 && o.seed == 1 && o.days == 31 && o.output == NULL && !o.help,
	    "defaults: 1M rows, seed 1, 31 days, stdout");
	is_int(o.start_day, dt_days_from_civil(2019, 10, 1), "default start 2019-10-01");

	ok(parse("--rows 10M --seed 0x10 --start 2019-11-01 --days 30 -o x.csv.gz", &o, &err) == 0,
	    "full option set parses");
	ok(o.rows == 10000000 && o.seed == 16 && o.days == 30 &&
	    o.start_day == dt_days_from_civil(2019, 11, 1) && o.output && strcmp(o.output, "x.csv.gz") == 0,
	    "values: 10M rows, hex seed, start, days, output");
	ok(parse("--rows=2500 --seed=18446744073709551615 --output=-", &o, &err) == 0 &&
	    o.rows == 2500 && o.seed == UINT64_MAX, "--opt=value form, seed up to 2^64-1");
	ok(parse("--rows 3k", &o, &err) == 0 && o.rows == 3000, "k suffix");
	ok(parse("--help", &o, &err) == 0 && o.help, "--help sets help");
	ok(strstr(gen_usage, "--rows N") && strstr(gen_usage, "--seed S") &&
	    strstr(gen_usage, "--start YYYY-MM-DD") && strstr(gen_usage, "--days D") &&
	    strstr(gen_usage, "-o, --output FILE"), "usage documents every option");
	ok(strncmp(gen_usage, "usage: ", 7) == 0 &&
	    strncmp(gen_usage + 7, gen_synopsis, strlen(gen_synopsis)) == 0, "synopsis is usage's first line");
	err_clear(&err);

	expect_error("--rowz 10", "unknown option '--rowz'", "did you mean '--rows'?");
	expect_error("--sede 1", "unknown option '--sede'", "did you mean '--seed'?");
	expect_error("--frobnicate", "unknown option '--frobnicate'", NULL);
	expect_error("--rows", "option '--rows' needs a value", NULL);
	expect_error("--rows ten", "--rows wants a row count", NULL);
	expect_error("--rows -5", "--rows wants a row count", NULL);
	expect_error("--rows 20G", "--rows wants a row count", NULL);
	expect_error("--seed -1", "--seed wants a non-negative integer", NULL);
	expect_error("--seed 99999999999999999999", "--seed wants", NULL);
	expect_error("--start 2019-13-01", "--start wants a date YYYY-MM-DD, not '2019-13-01'", NULL);
	expect_error("--start 1900-01-01", "--start must be between", NULL);
	expect_error("--days 0", "--days wants a whole number of days", NULL);
	expect_error("--days 4000", "--days wants", NULL);
	expect_error("-o part-%d.csv", "patterns (%d) are not supported", NULL);
	expect_error("extra", "unexpected argument 'extra'", NULL);
}

static void
test_output_errors(void)
{
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;
	char *dir = tmp_path("no/such/dir/out.csv");
	gen_options_init(&o);
	o.rows = 10;
	o.output = dir;
	ok(gen_ecommerce(&o, &err) == -1 && err.msg && strstr(err.msg, dir) && strstr(err.msg, "cannot create"),
	    "unwritable output: error names the file");
	err_clear(&err);
	free(dir);

	o.output = NULL;
	o.rows = -1;
	ok(gen_ecommerce(&o, &err) == -1 && err.msg && strstr(err.msg, "--rows"),
	    "bad options rejected by gen_ecommerce too");
	err_clear(&err);
}

/* ---- rows ------------------------------------------------------------- */

struct row {
	const char *f[9];
	size_t n[9];
};

/* Split one line (without its newline) into 9 fields; false if not 9. */
static bool
split_row(const char *s, size_t len, struct row *r)
{
	int k = 0;
	const char *start = s, *end = s + len;
	for (const char *p = s; p <= end; p++) {
		if (p == end || *p == ',') {
			if (k == 9)
				return false;
			r->f[k] = start;
			r->n[k] = (size_t)(p - start);
			k++;
			start = p + 1;
		}
	}
	return k == 9;
}

static bool
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool
valid_code(const char *s, size_t n)
{
	int dots = 0;
	if (n == 0)
		return true;
	if (s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
			dots++;
		} else if (!islower((unsigned char)s[i]) && s[i] != '_') {
			return false;
		}
	}
	return dots >= 1 && dots <= 3;
}

static bool
valid_brand(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool
valid_price(const char *s, size_t n)
{
	return n >= 4 && s[n - 3] == '.' && all_digits(s, n - 3) && all_digits(s + n - 2, 2) &&
	    (n == 4 || s[0] != '0');
}

static bool
valid_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
			return false;
		}
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static const char header[] =
    "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";

/* Check the header and every row; returns the number of data rows, or -1
 * after reporting the first bad line. */
static long
check_rows(const char *buf, size_t len, int64_t first_day, int days)
{
	const char *p = buf, *end = buf + len;
	int64_t lo = first_day * DT_US_PER_DAY, hi = (first_day + days) * DT_US_PER_DAY, last = INT64_MIN;
	long n = 0;
	if (len < sizeof header - 1 || memcmp(buf, header, sizeof header - 1) != 0) {
		diag("bad header");
		return -1;
	}
	p += sizeof header - 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct row r;
		int64_t us;
		const char *why = NULL;
		if (!nl) {
			why = "no final newline";
		} else if (memchr(p, '\r', (size_t)(nl - p))) {
			why = "CR in line";
		} else if (!split_row(p, (size_t)(nl - p), &r)) {
			why = "not 9 fields";
		} else if (r.n[0] != 23 || memcmp(r.f[0] + 19, " UTC", 4) != 0 || r.f[0][10] != ' ' ||
		    !dt_parse_timestamp(r.f[0], 19, &us)) {
			why = "event_time";
		} else if (us < lo || us >= hi) {
			why = "event_time outside the period";
		} else if (us < last) {
			why = "event_time decreases";
		} else if (!((r.n[1] == 4 && (memcmp(r.f[1], "view", 4) == 0 || memcmp(r.f[1], "cart", 4) == 0)) ||
		    (r.n[1] == 8 && memcmp(r.f[1], "purchase", 8) == 0))) {
			why = "event_type";
		} else if (!all_digits(r.f[2], r.n[2]) || r.n[2] < 7 || r.n[2] > 9 || r.f[2][0] == '0') {
			why = "product_id";
		} else if (!all_digits(r.f[3], r.n[3]) || r.n[3] != 19 || r.f[3][0] != '2') {
			why = "category_id";
		} else if (!valid_code(r.f[4], r.n[4])) {
			why = "category_code";
		} else if (!valid_brand(r.f[5], r.n[5])) {
			why = "brand";
		} else if (!valid_price(r.f[6], r.n[6])) {
			why = "price";
		} else if (!all_digits(r.f[7], r.n[7]) || r.n[7] < 8 || r.n[7] > 10) {
			why = "user_id";
		} else if (!valid_uuid(r.f[8], r.n[8])) {
			why = "user_session";
		}
		if (why) {
			diag("row %ld: %s: %.*s", n + 1, why, nl ? (int)(nl - p) : (int)(end - p), p);
			return -1;
		}
		last = us;
		n++;
		p = nl + 1;
	}
	return n;
}

/* ---- statistics ------------------------------------------------------- */

/* open-addressing set/map of strings -> small value, for the checks */
struct smap {
	char **key;
	long *val;
	size_t cap, n;
};

static long *
smap_get(struct smap *m, const char *k, size_t kn, bool add)
{
	uint64_t h;
	size_t i;
	if (add && (m->n + 1) * 2 > m->cap) {
		struct smap g = {xcalloc(m->cap ? m->cap * 2 : 1024, sizeof(char *)),
		    xcalloc(m->cap ? m->cap * 2 : 1024, sizeof(long)), m->cap ? m->cap * 2 : 1024, 0};
		for (size_t j = 0; j < m->cap; j++)
			if (m->key[j]) {
				*smap_get(&g, m->key[j], strlen(m->key[j]), true) = m->val[j];
				free(m->key[j]);
			}
		free(m->key);
		free(m->val);
		*m = g;
	}
	if (m->cap == 0)
		return NULL;
	h = hash_bytes(k, kn);
	for (i = h & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (strncmp(m->key[i], k, kn) == 0 && m->key[i][kn] == '\0')
			return &m->val[i];
	if (!add)
		return NULL;
	m->key[i] = xstrndup(k, kn);
	m->val[i] = 0;
	m->n++;
	return &m->val[i];
}

static void
smap_free(struct smap *m)
{
	for (size_t j = 0; j < m->cap; j++)
		free(m->key[j]);
	free(m->key);
	free(m->val);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* linear-interpolated quantile of sorted values (DuckDB's quantile_cont) */
static double
quantile(const long *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	if (i + 1 >= n)
		return (double)v[n - 1];
	return (double)v[i] + (pos - (double)i) * (double)(v[i + 1] - v[i]);
}

static void
test_calibration(const char *buf, size_t len)
{
	const char *p = strchr(buf, '\n') + 1, *end = buf + len;
	long n = 0, views = 0, carts = 0, purchases = 0, nobrand = 0, nocode = 0, orphans = 0;
	long *pprice = NULL, np = 0, maxp = 0, samsung = 0, apple = 0, xiaomi = 0, huawei = 0;
	size_t pcap = 0;
	long id_conflicts = 0, product_conflicts = 0;
	struct smap viewed = {0}, sessions = {0}, cat_code = {0}, product = {0};
	char key[128];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct row r;
		long *v;
		split_row(p, (size_t)(nl - p), &r);
		n++;
		nobrand += r.n[5] == 0;
		nocode += r.n[4] == 0;
		if (r.n[5] == 7 && memcmp(r.f[5], "samsung", 7) == 0)
			samsung++;
		else if (r.n[5] == 5 && memcmp(r.f[5], "apple", 5) == 0)
			apple++;
		else if (r.n[5] == 6 && memcmp(r.f[5], "xiaomi", 6) == 0)
			xiaomi++;
		else if (r.n[5] == 6 && memcmp(r.f[5], "huawei", 6) == 0)
			huawei++;
		(*smap_get(&sessions, r.f[8], 36, true))++;

		/* one category_code per category_id; one category and brand per product */
		snprintf(key, sizeof key, "%.*s", (int)r.n[3], r.f[3]);
		v = smap_get(&cat_code, key, strlen(key), true);
		{
			long code_h = (long)(hash_bytes(r.f[4], r.n[4]) >> 2) + 1;
			if (*v == 0)
				*v = code_h;
			else if (*v != code_h)
				id_conflicts++;
		}
		snprintf(key, sizeof key, "%.*s", (int)r.n[2], r.f[2]);
		v = smap_get(&product, key, strlen(key), true);
		{
			long h = (long)(hash_combine(hash_bytes(r.f[3], r.n[3]), hash_bytes(r.f[5], r.n[5])) >> 2) + 1;
			if (*v == 0)
				*v = h;
			else if (*v != h)
				product_conflicts++;
		}

		/* every cart and purchase follows a view of the same product in
		 * the same session (file order is time order) */
		snprintf(key, sizeof key, "%.*s/%.*s", (int)r.n[8], r.f[8], (int)r.n[2], r.f[2]);
		if (r.f[1][0] == 'v') {
			views++;
			*smap_get(&viewed, key, strlen(key), true) = 1;
		} else {
			if (!smap_get(&viewed, key, strlen(key), false))
				orphans++;
			if (r.f[1][0] == 'c') {
				carts++;
			} else {
				long cents = atol(r.f[6]) * 100 + atol(r.f[6] + r.n[6] - 2);
				purchases++;
				pprice = xgrow(pprice, &pcap, (size_t)np + 1, sizeof *pprice);
				pprice[np++] = cents;
				if (cents > maxp)
					maxp = cents;
			}
		}
		p = nl + 1;
	}

	diag("%ld rows: view %.2f%% cart %.2f%% purchase %.2f%%, no brand %.1f%%, no code %.1f%%",
	    n, 100.0 * views / n, 100.0 * carts / n, 100.0 * purchases / n,
	    100.0 * nobrand / n, 100.0 * nocode / n);
	near(100.0 * views / n, 96.07, 0.6, "view share ~96.07%");
	near(100.0 * carts / n, 2.18, 0.35, "cart share ~2.18%");
	near(100.0 * purchases / n, 1.75, 0.3, "purchase share ~1.75%");
	near(100.0 * nobrand / n, 14, 2.5, "empty brand ~14%");
	near(100.0 * nocode / n, 33, 2.5, "empty category_code ~33%");
	ok(samsung > apple && apple > xiaomi && xiaomi > huawei && huawei > 0,
	    "brands by rows: samsung %ld > apple %ld > xiaomi %ld > huawei %ld", samsung, apple, xiaomi, huawei);

	qsort(pprice, (size_t)np, sizeof *pprice, cmp_long);
	if (np > 10) {
		double q1 = quantile(pprice, (size_t)np, 0.25) / 100, med = quantile(pprice, (size_t)np, 0.5) / 100,
		       q3 = quantile(pprice, (size_t)np, 0.75) / 100;
		diag("purchase price quartiles %.2f %.2f %.2f, max %.2f", q1, med, q3, maxp / 100.0);
		near(q1, 84, 20, "purchase price Q1 ~84");
		near(med, 175, 30, "purchase price median ~175");
		near(q3, 375, 60, "purchase price Q3 ~375");
	} else {
		ok(0, "enough purchases for quartiles (%ld)", np);
	}
	ok(maxp <= 257407, "no price above 2574.07 (max %.2f)", maxp / 100.0);

	/* sessions */
	{
		long *sz = xmalloc(sessions.n * sizeof *sz), k = 0, total = 0;
		for (size_t j = 0; j < sessions.cap; j++)
			if (sessions.key[j]) {
				sz[k++] = sessions.val[j];
				total += sessions.val[j];
			}
		qsort(sz, (size_t)k, sizeof *sz, cmp_long);
		diag("%ld sessions, mean %.2f, median %ld events", k, (double)total / k, sz[k / 2]);
		ok((double)total / k > 4.2 && (double)total / k < 5.3, "mean session ~4.7 events");
		is_int(sz[k / 2], 2, "median session 2 events");
		free(sz);
	}
	is_int(orphans, 0, "every cart/purchase follows a view of that product in its session");
	is_int(id_conflicts, 0, "a category_id maps to one category_code");
	is_int(product_conflicts, 0, "a product has one category_id and one brand");
	smap_free(&viewed);
	smap_free(&sessions);
	smap_free(&cat_code);
	smap_free(&product);
	free(pprice);
}

/* ---- typed rows (gen_model, for generate_ecommerce()) ----------------- */

/* One typed row as the CSV text of the file writes it. */
static void
event_text(struct strbuf *b, const struct gen_event *e, const char *const *codes, const char *const *brands)
{
	char date[32];
	int64_t day = e->time >= 0 ? e->time / 86400 : (e->time - 86399) / 86400, sec = e->time - day * 86400;
	dt_format_date(day, date);
	sb_printf(b, "%s %02d:%02d:%02d UTC,%s,%lld,%lld,%s,%s,%u.%02u,%lld,%.36s\n", date,
	    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60), gen_event_types[e->type],
	    (long long)e->product_id, (long long)e->category_id, e->code >= 0 ? codes[e->code] : "",
	    e->brand >= 0 ? brands[e->brand] : "", e->price / 100, e->price % 100,
	    (long long)e->user_id, e->session);
}

/* The rows of the model, read window by window in the given direction,
 * as text in window order (header first). */
static char *
model_text(struct gen_model *m, bool backwards, size_t *len)
{
	struct wb_error err = WB_ERROR_INIT;
	if (m == NULL)
		return NULL;
	int64_t nw = gen_model_windows(m);
	int nc, nb;
	const char *const *codes = gen_model_codes(m, &nc), *const *brands = gen_model_brands(m, &nb);
	struct strbuf *parts = xcalloc((size_t)nw, sizeof *parts);
	struct gen_event ev[1000];
	bool failed = false;
	for (int64_t k = 0; k < nw && !failed; k++) {
		int64_t w = backwards ? nw - 1 - k : k;
		struct gen_window *win = gen_window_open(m, w, &err);
		int n;
		if (win == NULL) {
			diag("gen_window_open: %s", err.msg);
			err_clear(&err);
			failed = true;
			break;
		}
		while ((n = gen_window_read(win, ev, 1000)) > 0)
			for (int i = 0; i < n; i++)
				event_text(&parts[w], &ev[i], codes, brands);
		gen_window_close(win);
	}
	struct strbuf all = STRBUF_INIT;
	sb_puts(&all, header);
	for (int64_t w = 0; w < nw; w++) {
		if (parts[w].len)
			sb_puts(&all, sb_str(&parts[w]));
		sb_free(&parts[w]);
	}
	free(parts);
	*len = all.len;
	if (failed) {
		sb_free(&all);
		return NULL;
	}
	return sb_detach(&all);
}

static void
test_model(int64_t rows, uint64_t seed, const char *start, int days)
{
	struct gen_options o;
	size_t lf, lm, lb;
	char *file = generate(rows, seed, start, days, "model.csv", &lf);
	gen_options_init(&o);
	o.rows = rows;
	o.seed = seed;
	if (start)
		dt_parse_date(start, strlen(start), &o.start_day);
	if (days)
		o.days = days;
	struct wb_error err = WB_ERROR_INIT;
	struct gen_model *m = gen_model_new(&o, &err);
	if (m == NULL) {
		diag("gen_model_new: %s", err.msg);
		err_clear(&err);
	}
	char *fwd = model_text(m, false, &lm);
	/* a window is read once per scan */
	struct gen_window *again = m ? gen_window_open(m, 0, &err) : NULL;
	ok(m && again == NULL && err.msg && strstr(err.msg, "read twice"), "  a window read twice is an error");
	err_clear(&err);
	if (m)
		gen_model_rewind(m);
	char *bwd = model_text(m, true, &lb);
	gen_model_free(m);
	ok(file && fwd && lf == lm && memcmp(file, fwd, lf) == 0,
	    "typed rows = the file's rows, in order (rows %lld, seed %llu, %s, %d days)",
	    (long long)rows, (unsigned long long)seed, start ? start : "default start", days ? days : 31);
	ok(file && bwd && lf == lb && memcmp(file, bwd, lf) == 0,
	    "  the same after a rewind, with the windows read last first");
	is_int(gen_model_windows_for(&o), rows > 0 ? (rows + 65535) / 65536 : 1, "  windows known from the options");
	free(file);
	free(fwd);
	free(bwd);
}

static void
test_models(void)
{
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;
	test_model(0, 1, NULL, 0);
	test_model(1, 1, NULL, 0);
	test_model(5000, 3, "2020-02-28", 2);
	test_model(200000, 42, NULL, 0);
	/* one day: windows of under an hour, so sessions cross several */
	test_model(400000, 9, NULL, 1);
	gen_options_init(&o);
	o.days = 0;
	ok(gen_model_new(&o, &err) == NULL && err.msg && strstr(err.msg, "--days"),
	    "gen_model_new checks the options");
	err_clear(&err);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_small(void)
{
	size_t len;
	char *buf = generate(0, 1, NULL, 0, "zero.csv", &len);
	ok(buf && strcmp(buf, header) == 0, "--rows 0 writes the header only");
	free(buf);
	buf = generate(1, 1, NULL, 0, "one.csv", &len);
	ok(buf && check_rows(buf, len, dt_days_from_civil(2019, 10, 1), 31) == 1, "--rows 1 writes one valid row");
	free(buf);
	buf = generate(5000, 3, "2019-11-01", 30, "nov.csv", &len);
	ok(buf && check_rows(buf, len, dt_days_from_civil(2019, 11, 1), 30) == 5000,
	    "--start 2019-11-01 --days 30: 5000 rows, all in November");
	free(buf);
	buf = generate(3000, 3, "2020-02-28", 2, "leap.csv", &len);
	ok(buf && check_rows(buf, len, dt_days_from_civil(2020, 2, 28), 2) == 3000 && strstr(buf, "2020-02-29 "),
	    "a period over a leap day");
	free(buf);
}

static void
test_determinism(const char *argv0)
{
	size_t la, lb, lc, lz;
	char *a = generate(300000, 42, NULL, 0, "a.csv", &la);
	char *b = generate(300000, 42, NULL, 0, "b.csv", &lb);
	char *c = generate(300000, 43, NULL, 0, "c.csv", &lc);
	char *z = generate(300000, 42, NULL, 0, "z.csv.gz", &lz);
	char *cmd, *one_path = tmp_path("one-thread.csv");
	ok(a && b && la == lb && memcmp(a, b, la) == 0, "same seed: identical bytes (%zu)", la);
	ok(a && c && (la != lc || memcmp(a, c, la) != 0), "different seed: different bytes");
	ok(a && z && la == lz && memcmp(a, z, la) == 0, ".gz output decompresses to the same bytes");

	/* the thread count must not matter: run this binary with one thread */
	cmd = xasprintf("WB_THREADS=1 '%s' generate --rows 300000 --seed 42 -o '%s'", argv0, one_path);
	if (system(cmd) == 0) {
		size_t l1;
		char *one = read_all(one_path, &l1);
		ok(one && a && l1 == la && memcmp(one, a, la) == 0, "one thread: identical bytes");
		free(one);
	} else {
		ok(0, "one-thread run: %s", cmd);
	}
	unlink(one_path);
	free(one_path);
	free(cmd);

	if (a) {
		long rows = check_rows(a, la, dt_days_from_civil(2019, 10, 1), 31);
		is_int(rows, 300000, "every one of 300000 rows is well-formed, time non-decreasing");
		test_calibration(a, la);
	}
	free(a);
	free(b);
	free(c);
	free(z);
}

static void
test_format_20k(void)
{
	size_t len;
	char *buf = generate(20000, 7, NULL, 0, "f.csv", &len);
	is_int(buf ? check_rows(buf, len, dt_days_from_civil(2019, 10, 1), 31) : -1, 20000,
	    "20000-row sample: header, fields, timestamps, uuids, prices all well-formed");
	free(buf);
}

static void
test_taxonomy(void)
{
	int bad = 0;
	for (int i = 0; i < gen_ncategories; i++) {
		const struct gen_category_spec *c = &gen_categories[i];
		if (c->code && !valid_code(c->code, strlen(c->code)))
			bad++;
		if (c->share <= 0 || c->price <= 0 || c->nids < 1 || c->nobrand < 0 || c->nobrand >= 1)
			bad++;
	}
	is_int(bad, 0, "taxonomy: codes have 2-4 levels, weights and prices positive");
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "generate") == 0) {
		struct gen_options o;
		struct wb_error err = WB_ERROR_INIT;
		gen_options_init(&o);
		if (gen_parse_args(argc - 2, argv + 2, &o, &err) < 0 ||
		    (!o.help && gen_ecommerce(&o, &err) < 0)) {
			fprintf(stderr, "test_gen: %s\n%s\n", err.msg, err.hint ? err.hint : "");
			return 1;
		}
		if (o.help)
			fputs(gen_usage, stdout);
		pool_shutdown();
		return 0;
	}
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	test_options();
	test_output_errors();
	test_taxonomy();
	test_small();
	test_format_20k();
	test_determinism(argv[0]);
	test_models();
	rmdir(tmpdir);
	pool_shutdown();
	return done_testing();
}

/* sqllogictest runner. */
#include "store/lake/lake.h"
#include "cli/slt.h"
#include "cli/notebook.h"
#include "cli/session.h"
#include "core/digest.h"
#include "core/pool.h"
#include "core/rowset.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct slt_run {
	const char *file;
	int passed, failed, skipped;
	bool tap;
	int tapn;
	int hash_threshold;
	struct session *s;
};

struct lines {
	char **v;
	int n;
};

static void
split_lines(char *text, struct lines *L)
{
	size_t cap = 0;
	L->v = NULL;
	L->n = 0;
	char *p = text;
	while (*p) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = '\0';
		L->v = xgrow(L->v, &cap, (size_t)L->n + 1, sizeof *L->v);
		L->v[L->n++] = p;
		if (!e)
			break;
		p = e + 1;
	}
}

static bool
blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

static void
report(struct slt_run *r, int line, bool ok, const char *what, const char *fmt, ...)
{
	if (ok)
		r->passed++;
	else
		r->failed++;
	if (r->tap) {
		printf("%sok %d - %s:%d %s\n", ok ? "" : "not ", ++r->tapn, r->file, line, what);
	}
	if (!ok && fmt) {
		va_list ap;
		va_start(ap, fmt);
		char *msg = xvasprintf(fmt, ap);
		va_end(ap);
		/* diagnostics: TAP comments, or plain text on stderr */
		FILE *o = r->tap ? stdout : stderr;
		if (!r->tap)
			fprintf(o, "%s:%d: FAILED %s\n", r->file, line, what);
		for (char *p = msg; *p;) {
			char *e = strchr(p, '\n');
			fprintf(o, "%s%.*s\n", r->tap ? "# " : "  ", e ? (int)(e - p) : (int)strlen(p), p);
			if (!e)
				break;
			p = e + 1;
		}
		free(msg);
	}
}

static char *
format_value(const struct wb_value *v, char type)
{
	struct strbuf b = STRBUF_INIT;
	if (v->is_null) {
		sb_puts(&b, "NULL");
	} else if (v->type == WB_TYPE_VARCHAR && v->u.s.n == 0) {
		sb_puts(&b, "(empty)");
	} else if (type == 'I' && v->type == WB_TYPE_DOUBLE) {
		sb_printf(&b, "%lld", (long long)v->u.d);
	} else if (type == 'I' && v->type == WB_TYPE_BOOL) {
		sb_puts(&b, v->u.b ? "1" : "0");
	} else {
		value_format(v, &b, "NULL");
		/* control characters would break the line format */
		for (size_t i = 0; i < b.len; i++)
			if (b.s[i] == '\n' || b.s[i] == '\t' || b.s[i] == '\r')
				b.s[i] = ' ';
	}
	return sb_detach(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct row_ref {
	char **vals;
	int n;
};

static int
cmp_row(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;
	for (int i = 0; i < x->n && i < y->n; i++) {
		int c = strcmp(x->vals[i], y->vals[i]);
		if (c)
			return c;
	}
	return x->n - y->n;
}

static bool
values_equal(const char *got, const char *want, char type)
{
	if (strcmp(got, want) == 0 || strcmp(want, "<any>") == 0)   /* <any>: a volatile value */
		return true;
	if (type == 'R') {
		char *e1, *e2;
		double a = strtod(got, &e1), b = strtod(want, &e2);
		if (*e1 || *e2 || e1 == got || e2 == want)
			return false;
		if (isnan(a) && isnan(b))
			return true;
		double tol = 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
		if (fabs(a - b) <= tol || fabs(a - b) <= 1e-12)
			return true;
		return false;
	}
	return false;
}

static int
run_query(struct slt_run *r, int line, const char *sql, const char *types, const char *sortmode, struct lines *L,
    int rstart, int rend)
{
	struct rowset_sink rs;
	rowset_sink_init(&rs);
	struct session *s = r->s;
	s->override_sink = &rs.base;
	FILE *saved = s->errout;
	char *errbuf = NULL;
	size_t errlen = 0;
	FILE *ef = open_memstream(&errbuf, &errlen);
	s->errout = ef;
	int rc = session_run(s, sql, r->file, line + 1);
	fclose(ef);
	s->errout = saved;
	s->override_sink = NULL;
	if (rc < 0) {
		report(r, line, false, "query", "query failed:\n%s\n%s", sql, errbuf ? errbuf : "");
		free(errbuf);
		rowset_free(rs.rs);
		return -1;
	}
	free(errbuf);
	struct rowset *res = rs.rs;
	int ncol = (int)strlen(types);
	if (res == NULL) {
		report(r, line, false, "query", "the statement returned no result");
		return -1;
	}
	if (res->ncol != ncol) {
		report(r, line, false, "query", "expected %d columns (%s), got %d", ncol, types, res->ncol);
		rowset_free(res);
		return -1;
	}
	int64_t nrows = res->nrows;
	struct row_ref *rows = xcalloc((size_t)(nrows ? nrows : 1), sizeof *rows);
	for (int64_t i = 0; i < nrows; i++) {
		rows[i].n = ncol;
		rows[i].vals = xcalloc((size_t)ncol, sizeof(char *));
		for (int c = 0; c < ncol; c++) {
			struct wb_value v;
			rowset_get(res, i, c, &v);
			rows[i].vals[c] = format_value(&v, types[c]);
		}
	}
	if (strcmp(sortmode, "rowsort") == 0)
		qsort(rows, (size_t)nrows, sizeof *rows, cmp_row);
	int64_t nvals = nrows * ncol;
	char **vals = xcalloc((size_t)(nvals ? nvals : 1), sizeof(char *));
	for (int64_t i = 0; i < nrows; i++)
		for (int c = 0; c < ncol; c++)
			vals[i * ncol + c] = rows[i].vals[c];
	if (strcmp(sortmode, "valuesort") == 0)
		qsort(vals, (size_t)nvals, sizeof *vals, cmp_str);

	/* expected values */
	int nexp_lines = rend - rstart;
	bool ok = true;
	struct strbuf diff = STRBUF_INIT;
	bool hashed = nexp_lines == 1 && strstr(L->v[rstart], "values hashing to") != NULL;
	if (hashed) {
		struct strbuf all = STRBUF_INIT;
		for (int64_t i = 0; i < nvals; i++) {
			sb_puts(&all, vals[i]);
			sb_putc(&all, '\n');
		}
		char hex[33];
		digest_md5_hex(all.s ? all.s : "", all.len, hex);
		char got[128];
		snprintf(got, sizeof got, "%lld values hashing to %s", (long long)nvals, hex);
		ok = strcmp(got, L->v[rstart]) == 0;
		if (!ok)
			sb_printf(&diff, "want: %s\n got: %s", L->v[rstart], got);
		sb_free(&all);
	} else {
		/* row-per-line (tab separated) or value-per-line */
		bool rowmode = nexp_lines == nrows && ncol > 1;
		char **exp = NULL;
		size_t ecap = 0;
		int nexp = 0;
		for (int i = rstart; i < rend; i++) {
			if (rowmode || ncol == 1) {
				char *p = L->v[i];
				for (;;) {
					char *t = strchr(p, '\t');
					exp = xgrow(exp, &ecap, (size_t)nexp + 1, sizeof *exp);
					exp[nexp++] = t ? xstrndup(p, (size_t)(t - p)) : xstrdup(p);
					if (!t)
						break;
					p = t + 1;
				}
			} else {
				exp = xgrow(exp, &ecap, (size_t)nexp + 1, sizeof *exp);
				exp[nexp++] = xstrdup(L->v[i]);
			}
		}
		if (strcmp(sortmode, "valuesort") == 0 && nexp > 0)
			qsort(exp, (size_t)nexp, sizeof *exp, cmp_str);
		if (nexp != nvals) {
			ok = false;
			sb_printf(&diff, "expected %d values, got %lld\n", nexp, (long long)nvals);
		}
		for (int64_t i = 0; i < nvals && i < nexp; i++) {
			char t = types[i % ncol];
			if (!values_equal(vals[i], exp[i], t)) {
				if (ok || diff.len < 2000)
					sb_printf(&diff, "row %lld column %lld: want '%s', got '%s'\n", (long long)(i / ncol + 1),
					    (long long)(i % ncol + 1), exp[i], vals[i]);
				ok = false;
			}
		}
		if (!ok && nvals <= 40) {
			sb_puts(&diff, "actual result:\n");
			for (int64_t i = 0; i < nrows; i++) {
				for (int c = 0; c < ncol; c++)
					sb_printf(&diff, "%s%s", c ? "\t" : "", rows[i].vals[c]);
				sb_putc(&diff, '\n');
			}
		}
		for (int i = 0; i < nexp; i++)
			free(exp[i]);
		free(exp);
	}
	report(r, line, ok, "query", "%s\n%s", sql, sb_str(&diff));
	sb_free(&diff);
	for (int64_t i = 0; i < nrows; i++) {
		for (int c = 0; c < ncol; c++)
			free(rows[i].vals[c]);
		free(rows[i].vals);
	}
	free(rows);
	free(vals);
	rowset_free(res);
	return ok ? 0 : -1;
}

static void
run_statement(struct slt_run *r, int line, const char *sql, bool expect_error, const char *msg)
{
	struct rowset_sink rs;
	rowset_sink_init(&rs);
	struct session *s = r->s;
	s->override_sink = &rs.base;
	FILE *saved = s->errout;
	char *errbuf = NULL;
	size_t errlen = 0;
	FILE *ef = open_memstream(&errbuf, &errlen);
	s->errout = ef;
	int rc = session_run(s, sql, r->file, line + 1);
	fclose(ef);
	s->errout = saved;
	s->override_sink = NULL;
	rowset_free(rs.rs);
	if (expect_error) {
		bool ok = rc < 0 && (msg == NULL || *msg == '\0' || (errbuf && strstr(errbuf, msg)));
		if (rc < 0 && !ok)
			report(r, line, false, "statement error", "%s\nexpected an error containing '%s', got:\n%s", sql, msg, errbuf);
		else
			report(r, line, ok, "statement error", "%s\nstatement succeeded but an error was expected", sql);
	} else {
		report(r, line, rc == 0, "statement ok", "%s\n%s", sql, errbuf ? errbuf : "");
	}
	free(errbuf);
}

static int
run_file(struct slt_run *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "wb test: cannot open %s: %s\n", path, strerror(errno));
		r->failed++;
		return -1;
	}
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	fclose(f);
	char *text = sb_detach(&b);
	struct lines L;
	split_lines(text, &L);
	r->file = path;
	r->hash_threshold = 0;
	r->s = session_new();
	r->s->render.mode = RENDER_TRASH;
	session_reset_sink(r->s);
	/* every file gets a fresh warehouse of its own, removed afterwards */
	char whdir[] = "/tmp/wb-slt-XXXXXX";
	bool have_wh = mkdtemp(whdir) != NULL;
	if (have_wh)
		catalog_set_warehouse(r->s->catalog, whdir);
	int i = 0;
	while (i < L.n) {
		char *ln = L.v[i];
		if (blank(ln) || ln[0] == '#') {
			i++;
			continue;
		}
		bool skip = false;
		/* conditions */
		while (i < L.n && (strncmp(L.v[i], "skipif ", 7) == 0 || strncmp(L.v[i], "onlyif ", 7) == 0)) {
			char engine[64] = "";
			sscanf(L.v[i] + 7, "%63s", engine);
			bool is_wb = strcasecmp(engine, "wb") == 0;
			if (L.v[i][0] == 's' ? is_wb : !is_wb)
				skip = true;
			i++;
		}
		if (i >= L.n)
			break;
		ln = L.v[i];
		int rec_line = i + 1;
		char word[64] = "";
		sscanf(ln, "%63s", word);
		if (strcmp(word, "halt") == 0) {
			if (!skip)
				break;
			i++;
			continue;
		}
		if (strcmp(word, "hash-threshold") == 0) {
			r->hash_threshold = atoi(ln + 15);
			i++;
			continue;
		}
		if (strcmp(word, "mode") == 0 || strcmp(word, "loop") == 0 || strcmp(word, "endloop") == 0 ||
		    strcmp(word, "require") == 0 || strcmp(word, "load") == 0) {
			/* not meaningful for wb; `require` lines guard extension tests */
			if (strcmp(word, "require") == 0)
				skip = true;
			i++;
			if (!skip)
				continue;
		}
		if (strcmp(word, "statement") == 0 || strcmp(word, "query") == 0) {
			char header[512];
			snprintf(header, sizeof header, "%s", ln);
			i++;
			/* SQL up to a blank line or ---- */
			struct strbuf sql = STRBUF_INIT;
			while (i < L.n && !blank(L.v[i]) && strcmp(L.v[i], "----") != 0) {
				if (sql.len)
					sb_putc(&sql, '\n');
				sb_puts(&sql, L.v[i]);
				i++;
			}
			int rstart = i, rend = i;
			if (i < L.n && strcmp(L.v[i], "----") == 0) {
				i++;
				rstart = i;
				while (i < L.n && !(blank(L.v[i]) && strcmp(word, "query") == 0))
					i++;
				if (strcmp(word, "statement") == 0) {
					/* statement error with an expected message block */
					while (i < L.n && !blank(L.v[i]))
						i++;
				}
				rend = i;
			}
			if (skip) {
				r->skipped++;
				sb_free(&sql);
				continue;
			}
			if (strcmp(word, "statement") == 0) {
				char kind[32] = "";
				sscanf(header + 9, "%31s", kind);
				if (strcmp(kind, "ok") == 0) {
					run_statement(r, rec_line, sb_str(&sql), false, NULL);
				} else if (strcmp(kind, "error") == 0) {
					const char *msg = header + strlen("statement error");
					while (*msg == ' ')
						msg++;
					struct strbuf m = STRBUF_INIT;
					sb_puts(&m, msg);
					for (int k = rstart; k < rend && rend > rstart; k++) {
						if (m.len)
							sb_putc(&m, '\n');
						sb_puts(&m, L.v[k]);
					}
					run_statement(r, rec_line, sb_str(&sql), true, m.len ? m.s : NULL);
					sb_free(&m);
				} else {
					report(r, rec_line, false, "statement", "unknown statement kind '%s'", kind);
				}
			} else {
				char types[64] = "", sortmode[32] = "nosort";
				sscanf(header + 6, "%63s %31s", types, sortmode);
				if (strcmp(sortmode, "nosort") != 0 && strcmp(sortmode, "rowsort") != 0 &&
				    strcmp(sortmode, "valuesort") != 0)
					strcpy(sortmode, "nosort");
				run_query(r, rec_line, sb_str(&sql), types, sortmode, &L, rstart, rend);
			}
			sb_free(&sql);
			continue;
		}
		report(r, rec_line, false, "record", "cannot parse record '%s'", ln);
		i++;
	}
	session_free(r->s);
	r->s = NULL;
	if (have_wh) {
		struct wb_error e = WB_ERROR_INIT;
		lake_remove_tree(whdir, &e);
		err_clear(&e);
	}
	free(L.v);
	free(text);
	return 0;
}

int
slt_main(int argc, char **argv)
{
	struct slt_run r = {0};
	int first = 1;
	char *warehouse = NULL;   /* --warehouse DIR: where notebooks run */
	for (;;) {
		if (first < argc && strcmp(argv[first], "--tap") == 0) {
			r.tap = true;
			first++;
		} else if (first + 1 < argc && strcmp(argv[first], "--warehouse") == 0) {
			/* absolute: the runner may move to WB_SRCDIR */
			const char *w = argv[first + 1];
			char here[4096];
			free(warehouse);
			warehouse = w[0] == '/' || getcwd(here, sizeof here) == NULL ? xstrdup(w) : xasprintf("%s/%s", here, w);
			first += 2;
		} else {
			break;
		}
	}
	if (first >= argc) {
		fprintf(stderr, "usage: wb test [--tap] [--warehouse DIR] FILE.slt|NOTEBOOK.wb ...\n");
		free(warehouse);
		return 2;
	}
	/* make check runs from the build directory; test files name their
	 * data relative to the source tree (tests/data/..., ../shared/...) */
	char cwd[4096];
	const char *srcdir = getenv("WB_SRCDIR");
	bool moved = false;
	if (srcdir && *srcdir && getcwd(cwd, sizeof cwd) && chdir(srcdir) == 0)
		moved = true;
	for (int i = first; i < argc; i++) {
		char *path = argv[i];
		char abs[8192];
		if (moved && path[0] != '/') {
			snprintf(abs, sizeof abs, "%s/%s", cwd, path);
			if (access(abs, R_OK) == 0)
				path = abs;
		}
		if (nb_is_notebook_path(path)) {
			/* a notebook: its cells' output against its expected blocks */
			struct nb_test_totals t = {.tap = r.tap, .tapn = r.tapn, .warehouse = warehouse};
			nb_test_file(path, argv[i], &t);
			r.tapn = t.tapn;
			r.passed += t.passed;
			r.failed += t.failed;
			continue;
		}
		run_file(&r, path);
	}
	if (moved && chdir(cwd) != 0)
		perror("wb test: chdir back");
	if (r.tap)
		printf("1..%d\n", r.tapn);
	else
		printf("%d passed, %d failed%s\n", r.passed, r.failed, r.skipped ? "" : "");
	if (!r.tap && r.skipped)
		printf("(%d skipped)\n", r.skipped);
	pool_shutdown();
	free(warehouse);
	return r.failed ? 1 : 0;
}

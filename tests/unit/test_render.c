/* Unit tests for ui/render: every mode against golden files in
 * tests/data/render/, plus the properties goldens cannot show (widths
 * under max_width, bounded memory, valid JSON, CSV round trips).
 *
 * WB_UPDATE_GOLDEN=1 rewrites the golden files from the current output;
 * read the diff before committing it. */
#include "tests/tap.h"

#include "core/datetime.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/vector.h"
#include "ui/render.h"
#include "ui/render_priv.h"   /* render_format_value */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building chunks by hand ---- */

static struct chunk *
new_chunk(int ncol, const wb_type *types, int n)
{
	struct chunk *c = calloc(1, sizeof *c);
	chunk_init(c, ncol, types);
	chunk_reset(c);
	c->n = n;
	for (int i = 0; i < ncol; i++)
		c->cols[i].n = n;
	return c;
}

static void
free_chunk(struct chunk *c)
{
	chunk_free(c);
	free(c);
}

static void
set_i64(struct chunk *c, int col, int row, int64_t v)
{
	vec_i64(&c->cols[col])[row] = v;
}

static void
set_f64(struct chunk *c, int col, int row, double v)
{
	vec_f64(&c->cols[col])[row] = v;
}

static void
set_bool(struct chunk *c, int col, int row, bool v)
{
	vec_bool(&c->cols[col])[row] = v;
}

static void
set_str(struct chunk *c, int col, int row, const char *s)
{
	struct vec *v = &c->cols[col];
	vec_str(v)[row] = vec_str_copy(v, s, strlen(s));
}

static void
set_strn(struct chunk *c, int col, int row, const char *s, size_t n)
{
	struct vec *v = &c->cols[col];
	vec_str(v)[row] = vec_str_copy(v, s, n);
}

static void
set_ts(struct chunk *c, int col, int row, const char *text)
{
	int64_t us = 0;
	if (!dt_parse_timestamp(text, strlen(text), &us))
		diag("bad timestamp literal %s", text);
	set_i64(c, col, row, us);
}

static void
set_date(struct chunk *c, int col, int row, const char *text)
{
	int64_t d = 0;
	if (!dt_parse_date(text, strlen(text), &d))
		diag("bad date literal %s", text);
	set_i64(c, col, row, d);
}

static void
set_null(struct chunk *c, int col, int row)
{
	vec_set_null(&c->cols[col], row);
}

/* ---- rendering into memory ---- */

struct result {
	int ncol;
	const char *const *names;
	const wb_type *types;
	struct chunk **chunks;
	int nchunks;
};

static int
feed(struct wb_sink *s, const struct result *r, struct wb_error *err)
{
	/* any callback may be NULL (core/sink.h) */
	if (s->begin && s->begin(s, r->ncol, (char *const *)r->names, r->types, err) < 0)
		return -1;
	for (int i = 0; i < r->nchunks; i++)
		if (s->chunk && s->chunk(s, r->chunks[i], err) < 0)
			return -1;
	return s->end ? s->end(s, err) : 0;
}

/* Render results (one or more, through one sink); returns malloc'd text. */
static char *
render_many(const struct render_options *o, const struct result *rs, int nres)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct wb_sink *s = render_sink_new(o, f);
	struct wb_error err = WB_ERROR_INIT;
	for (int i = 0; i < nres; i++) {
		if (feed(s, &rs[i], &err) < 0) {
			diag("render failed: %s", err.msg ? err.msg : "?");
			err_clear(&err);
		}
	}
	render_sink_free(s);
	fclose(f);
	return buf;
}

static char *
render1(const struct render_options *o, const struct result *r)
{
	return render_many(o, r, 1);
}

static struct render_options
opts(enum render_mode m)
{
	struct render_options o;
	render_options_init(&o);
	o.mode = m;
	return o;
}

/* ---- golden files ---- */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		sb_add(&b, tmp, n);
	fclose(f);
	return sb_detach(&b);
}

static void
golden(const char *name, const char *got)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/render/%s", WB_SRCDIR, name);
	if (getenv("WB_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "wb");
		ok(f != NULL && fputs(got, f) >= 0 && fclose(f) == 0, "golden %s written", name);
		return;
	}
	char *want = slurp(path);
	if (want == NULL) {
		ok(0, "golden %s: cannot read %s: %s", name, path, strerror(errno));
		return;
	}
	if (!ok(strcmp(got, want) == 0, "golden %s", name)) {
		/* show the first differing line */
		const char *g = got, *w = want;
		int line = 1;
		while (*g && *g == *w) {
			if (*g == '\n')
				line++;
			g++, w++;
		}
		while (g > got && g[-1] != '\n')
			g--, w--;
		diag("first difference at line %d", line);
		diag("got:  %.*s", (int)strcspn(g, "\n"), g);
		diag("want: %.*s", (int)strcspn(w, "\n"), w);
	}
	free(want);
}

static int
count_str(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static int
max_line_width(const char *s)
{
	int maxw = 0;
	while (*s) {
		size_t n = strcspn(s, "\n");
		int w = render_display_width(s, n);
		if (w > maxw)
			maxw = w;
		s += n;
		if (*s)
			s++;
	}
	return maxw;
}

/* Do all lines have the same width? (the grid did not break) */
static bool
lines_even(const char *s)
{
	int first = -1;
	while (*s) {
		size_t n = strcspn(s, "\n");
		int w = render_display_width(s, n);
		if (first < 0)
			first = w;
		else if (w != first)
			return false;
		s += n;
		if (*s)
			s++;
	}
	return true;
}

/* ---- a small e-commerce fixture: every type and vector kind ---- */

static const char *const shop_names[] = {
	"event_time", "event_type", "product_id", "brand", "price", "in_stock", "day", "src",
};
static const wb_type shop_types[] = {
	WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_VARCHAR,
	WB_TYPE_DOUBLE, WB_TYPE_BOOL, WB_TYPE_DATE, WB_TYPE_VARCHAR,
};
static const wb_str event_dict_vals[] = {{"view", 4}, {"cart", 4}, {"purchase", 8}};
static struct wb_dict event_dict = {3, event_dict_vals, 0};

static struct chunk *
shop_chunk(void)
{
	struct chunk *c = new_chunk(8, shop_types, 4);
	set_ts(c, 0, 0, "2019-10-01 00:00:00 UTC");
	set_ts(c, 0, 1, "2019-10-01 00:00:05 UTC");
	set_ts(c, 0, 2, "2019-10-01 00:00:08 UTC");
	set_ts(c, 0, 3, "2019-10-01 00:00:10.5 UTC");
	/* event_type: dictionary-encoded, as the CSV reader produces */
	struct vec *et = &c->cols[1];
	event_dict.id = dict_next_id();
	et->kind = VEC_DICT;
	et->dict = &event_dict;
	uint32_t codes[] = {0, 1, 2, 0};
	memcpy(vec_codes(et), codes, sizeof codes);
	set_i64(c, 2, 0, 44600062);
	set_i64(c, 2, 1, 3900821);
	set_i64(c, 2, 2, 17200506);
	set_i64(c, 2, 3, -1307067);
	set_str(c, 3, 0, "shiseido");
	set_str(c, 3, 1, "aqua");
	set_null(c, 3, 2);
	set_str(c, 3, 3, "lenovo");
	set_f64(c, 4, 0, 35.79);
	set_f64(c, 4, 1, 33.2);
	set_f64(c, 4, 2, 543.1);
	set_f64(c, 4, 3, 1e21);
	set_bool(c, 5, 0, true);
	set_bool(c, 5, 1, false);
	set_null(c, 5, 2);
	set_bool(c, 5, 3, true);
	set_date(c, 6, 0, "2019-10-01");
	set_date(c, 6, 1, "2019-10-01");
	set_date(c, 6, 2, "2019-10-02");
	set_null(c, 6, 3);
	/* src: one constant for the whole chunk */
	struct wb_value oct = {.type = WB_TYPE_VARCHAR};
	oct.u.s = wb_str_c("oct");
	vec_set_const(&c->cols[7], &oct, 4);
	return c;
}

static void
test_names_and_helpers(void)
{
	enum render_mode m = RENDER_TRASH;
	ok(render_mode_from_name("box", &m) && m == RENDER_BOX, "mode box");
	ok(render_mode_from_name("MD", &m) && m == RENDER_MARKDOWN, "mode md alias, any case");
	ok(render_mode_from_name("jsonl", &m) && m == RENDER_JSONL, "mode jsonl");
	ok(render_mode_from_name("trash", &m) && m == RENDER_TRASH, "mode trash");
	ok(!render_mode_from_name("xml", &m) && m == RENDER_TRASH, "unknown mode rejected, out untouched");
	bool all = true;
	for (int i = 0; i < RENDER__COUNT; i++) {
		enum render_mode back;
		all &= render_mode_from_name(render_mode_name((enum render_mode)i), &back) && back == (enum render_mode)i;
	}
	ok(all, "every mode name round-trips");

	char buf[32];
	render_group_digits(0, buf);
	is_str(buf, "0", "group 0");
	render_group_digits(999, buf);
	is_str(buf, "999", "group 999");
	render_group_digits(1000, buf);
	is_str(buf, "1,000", "group 1000");
	render_group_digits(42448764, buf);
	is_str(buf, "42,448,764", "group 42448764");
	render_group_digits(INT64_MIN, buf);
	is_str(buf, "-9,223,372,036,854,775,808", "group INT64_MIN");

	is_int(render_display_width("hello", 5), 5, "ASCII width");
	is_int(render_display_width("caf\xC3\xA9", 5), 4, "precomposed é is 1 column");
	is_int(render_display_width("cafe\xCC\x81", 6), 4, "combining acute is 0 columns");
	is_int(render_display_width("\xE6\x97\xA5\xE6\x9C\xAC", 6), 4, "日本 is 4 columns");
	is_int(render_display_width("\xEF\xBC\xA1", 3), 2, "fullwidth A is 2 columns");
	is_int(render_display_width("\xF0\x9F\x91\x8D", 4), 2, "thumbs-up emoji is 2 columns");
	is_int(render_display_width("\xED\x95\x9C", 3), 2, "Hangul syllable is 2 columns");
	is_int(render_display_width("a\nb", 3), 4, "newline shows as \\n");
	is_int(render_display_width("\x1b", 1), 4, "ESC shows as \\x1b");
	is_int(render_display_width("\xff", 1), 4, "invalid byte shows as \\xff");
	is_int(render_display_width("\xE2\x80\xAE", 3), 6, "RLO shows as \\u202e");
	is_int(render_display_width("\xC0\x80", 2), 8, "overlong NUL is two invalid bytes");
	is_int(render_display_width("\xED\xA0\x80", 3), 12, "UTF-8 surrogate is invalid");
	is_int(render_codepoint_width(0x4E00), 2, "U+4E00 wide");
	is_int(render_codepoint_width(0x0301), 0, "U+0301 zero");
	is_int(render_codepoint_width(0x07), -1, "BEL escaped");
	is_int(render_codepoint_width(0x20AC), 1, "euro sign narrow");
}

/* render_format_value must agree with value_format for every type. */
static void
test_value_format_agrees(void)
{
	wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_TIMESTAMP, WB_TYPE_DATE,
	    WB_TYPE_BOOL, WB_TYPE_INTERVAL};
	struct chunk *c = new_chunk(6, types, 4);
	int64_t ints[] = {0, -1, INT64_MIN, INT64_MAX};
	double dbls[] = {0.1, -0.0, 1e300, 3.0};
	for (int i = 0; i < 4; i++) {
		set_i64(c, 0, i, ints[i]);
		set_f64(c, 1, i, dbls[i]);
		set_i64(c, 2, i, ints[i] / 1000 + 1569888005000123);
		set_i64(c, 3, i, i * 4000 - 7000);
		set_bool(c, 4, i, i & 1);
		wb_interval iv = {i * 13, i - 1, (int64_t)i * 3723000001};
		vec_iv(&c->cols[5])[i] = iv;
	}
	int bad = 0;
	for (int col = 0; col < 6; col++) {
		for (int i = 0; i < 4; i++) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			struct wb_value v;
			vec_get(&c->cols[col], i, &v);
			value_format(&v, &a, "NULL");
			render_format_value(&c->cols[col], i, &b);
			if (strcmp(sb_str(&a), sb_str(&b)) != 0) {
				diag("col %d row %d: value_format '%s' render '%s'", col, i, sb_str(&a), sb_str(&b));
				bad++;
			}
			sb_free(&a);
			sb_free(&b);
		}
	}
	is_int(bad, 0, "fast-path formatting agrees with value_format");
	free_chunk(c);
}

static void
test_box_basic(void)
{
	struct chunk *c = shop_chunk();
	struct result r = {8, shop_names, shop_types, &c, 1};
	struct render_options o = opts(RENDER_BOX);
	char *out = render1(&o, &r);
	golden("box_basic.txt", out);
	ok(lines_even(out), "box lines all equally wide");
	ok(strstr(out, "rows") == NULL, "small complete result has no footer (as DuckDB)");
	free(out);

	o.utf8 = false;
	out = render1(&o, &r);
	golden("box_ascii.txt", out);
	ok(strspn(out, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n")
	    == strlen(out), "ASCII mode output is pure ASCII for ASCII data");
	free(out);

	o = opts(RENDER_BOX);
	o.show_types = false;
	o.null_text = "∅";
	out = render1(&o, &r);
	golden("box_notypes.txt", out);
	free(out);
	free_chunk(c);
}

static void
test_box_unicode(void)
{
	static const char *const names[] = {"名前", "text", "n"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct chunk *c = new_chunk(3, types, 6);
	set_str(c, 0, 0, "日本語");
	set_str(c, 1, 0, "line one\nline two");
	set_str(c, 0, 1, "cafe\xCC\x81");
	set_str(c, 1, 1, "tab\there");
	set_str(c, 0, 2, "한국어 텍스트");
	set_str(c, 1, 2, "\x1b[31mred\x1b[0m");
	set_str(c, 0, 3, "emoji \xF0\x9F\x91\x8D");
	set_str(c, 1, 3, "bidi \xE2\x80\xAE" "abc");
	set_str(c, 0, 4, "ｆｕｌｌ");
	set_strn(c, 1, 4, "nul\0byte \xff", 10);
	set_str(c, 0, 5, "");
	set_str(c, 1, 5, "CRLF\r\n");
	for (int i = 0; i < 6; i++)
		set_i64(c, 2, i, i * 1000);
	struct result r = {3, names, types, &c, 1};
	struct render_options o = opts(RENDER_BOX);
	char *out = render1(&o, &r);
	golden("box_unicode.txt", out);
	ok(lines_even(out), "wide and escaped text keeps the grid straight");
	ok(strchr(out, '\x1b') == NULL && strchr(out, '\r') == NULL && strchr(out, '\t') == NULL,
	    "no raw control characters reach the terminal");
	ok(strstr(out, "\xE2\x80\xAE") == NULL, "bidi override escaped");
	free(out);

	/* truncating CJK text at an odd width pads instead of splitting a character */
	o.max_width = 40;
	out = render1(&o, &r);
	golden("box_unicode_narrow.txt", out);
	ok(lines_even(out) && max_line_width(out) == 40, "narrow CJK table exactly 40 columns");
	free(out);
	free_chunk(c);
}

static void
test_box_empty_and_odd(void)
{
	static const char *const names[] = {"a", "b"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	struct result r = {2, names, types, NULL, 0};
	struct render_options o = opts(RENDER_BOX);
	char *out = render1(&o, &r);
	golden("box_empty.txt", out);
	ok(strstr(out, "0 rows") != NULL, "empty result says 0 rows");
	free(out);

	/* a zero-column result draws nothing */
	struct result z = {0, NULL, NULL, NULL, 0};
	out = render1(&o, &z);
	is_str(out, "", "zero columns: no output");
	free(out);

	/* single column, one row: DuckDB-like minimal box */
	static const char *const n1[] = {"count_star()"};
	static const wb_type t1[] = {WB_TYPE_BIGINT};
	struct chunk *c = new_chunk(1, t1, 1);
	set_i64(c, 0, 0, 42448764);
	struct result r1 = {1, n1, t1, &c, 1};
	out = render1(&o, &r1);
	golden("box_single.txt", out);
	free(out);
	free_chunk(c);

	/* an untyped NULL column */
	static const char *const n2[] = {"x"};
	static const wb_type t2[] = {WB_TYPE_NULL};
	c = new_chunk(1, t2, 2);
	struct result r2 = {1, n2, t2, &c, 1};
	out = render1(&o, &r2);
	ok(count_str(out, "NULL") == 2 && strstr(out, "null") != NULL, "NULL-typed column shows NULL values and type null");
	free(out);
	free_chunk(c);
}

/* n rows "r00000".. in chunks of `step` rows: columns (i BIGINT, s VARCHAR). */
static struct result
seq_result_cols(int ncol, int64_t n, int step, struct chunk ***store)
{
	static const char *const names[] = {"i", "s"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	int nch = (int)((n + step - 1) / step);
	struct chunk **ch = calloc((size_t)nch + 1, sizeof *ch);
	for (int k = 0; k < nch; k++) {
		int m = (int)(n - (int64_t)k * step < step ? n - (int64_t)k * step : step);
		ch[k] = new_chunk(ncol, types, m);
		for (int i = 0; i < m; i++) {
			int64_t g = (int64_t)k * step + i;
			char b[32];
			snprintf(b, sizeof b, "r%06lld", (long long)g);
			set_i64(ch[k], 0, i, g);
			if (ncol > 1)
				set_str(ch[k], 1, i, b);
		}
	}
	*store = ch;
	struct result r = {ncol, names, types, ch, nch};
	return r;
}

static struct result
seq_result(int64_t n, int step, struct chunk ***store)
{
	return seq_result_cols(2, n, step, store);
}

static void
free_result_chunks(struct result *r)
{
	for (int i = 0; i < r->nchunks; i++)
		free_chunk(r->chunks[i]);
	free(r->chunks);
}

/* The rows shown are exactly the first max_rows - max_rows/2 and the
 * last max_rows/2, whatever the chunking. */
static void
test_box_elision_rows(void)
{
	int64_t totals[] = {1, 39, 40, 41, 59, 60, 61, 1000};
	int steps[] = {1, 7, 2048};
	int64_t maxr[] = {40, 5, 1};
	int bad = 0, cases = 0;
	for (size_t a = 0; a < sizeof totals / sizeof totals[0]; a++)
	for (size_t b = 0; b < sizeof steps / sizeof steps[0]; b++)
	for (size_t c = 0; c < sizeof maxr / sizeof maxr[0]; c++) {
		struct chunk **ch;
		struct result r = seq_result(totals[a], steps[b], &ch);
		struct render_options o = opts(RENDER_BOX);
		o.max_rows = maxr[c];
		char *out = render1(&o, &r);
		int64_t T = totals[a], M = maxr[c], tail = M / 2, head = M - tail;
		for (int64_t g = 0; g < T; g++) {
			char b2[32];
			snprintf(b2, sizeof b2, "r%06lld ", (long long)g);
			bool want = T <= M || g < head || g >= T - tail;
			if ((count_str(out, b2) == 1) != want) {
				if (bad < 5)
					diag("total %lld step %d max %lld: row %lld shown=%d want=%d", (long long)T,
					    steps[b], (long long)M, (long long)g, !want, want);
				bad++;
			}
		}
		bool dots = count_str(out, "·") > 0;
		if (dots != (T > M)) {
			bad++;
			diag("total %lld max %lld: dots %d", (long long)T, (long long)M, dots);
		}
		if (!lines_even(out))
			bad++;
		cases++;
		free(out);
		free_result_chunks(&r);
	}
	is_int(bad, 0, "shown rows exact for %d totals x chunkings x max_rows", cases);
}

static void
test_box_footer(void)
{
	struct chunk **ch;
	struct result r = seq_result(100000, WB_VEC_SIZE, &ch);
	struct render_options o = opts(RENDER_BOX);
	char *out = render1(&o, &r);
	ok(strstr(out, "│   100,000 rows   │\n│    (40 shown)    │\n") != NULL,
	    "narrow footer: 100,000 rows / (40 shown) centred on two lines");
	ok(strstr(out, "columns") == NULL, "no room for \"2 columns\": dropped, as DuckDB does");
	is_int(count_str(out, "·"), 6, "three elision rows of dots over two columns");
	ok(lines_even(out), "elided table lines equally wide");
	free(out);
	free_result_chunks(&r);

	r = seq_result(100, 9, &ch);
	out = render1(&o, &r);
	golden("box_elided.txt", out);
	free(out);
	free_result_chunks(&r);

	/* a wide table: rows left, columns right on one footer line */
	struct chunk *c = shop_chunk();
	struct result sr = {8, shop_names, shop_types, &c, 1};
	o.max_rows = 3;
	out = render1(&o, &sr);
	golden("box_elided_wide.txt", out);
	ok(strstr(out, "│ 4 rows (3 shown)  ") != NULL && strstr(out, "  8 columns │") != NULL,
	    "footer: rows left, columns right");
	free(out);
	free_chunk(c);
	o.max_rows = 40;

	/* ASCII and a one-column table whose footer must be split */
	r = seq_result_cols(1, 100, 9, &ch);
	o.utf8 = false;
	out = render1(&o, &r);
	golden("box_elided_ascii.txt", out);
	free(out);
	free_result_chunks(&r);

	/* max_rows = 0 shows all */
	r = seq_result(100, 9, &ch);
	o = opts(RENDER_BOX);
	o.max_rows = 0;
	out = render1(&o, &r);
	ok(strstr(out, "r000050") != NULL && strstr(out, "rows") == NULL, "max_rows 0 shows every row, no footer");
	free(out);
	free_result_chunks(&r);
}

static void
test_box_width(void)
{
	static const char *const names[] = {"id", "category_code", "user_session", "price"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	struct chunk *c = new_chunk(4, types, 3);
	set_i64(c, 0, 0, 2103807459595387724);
	set_str(c, 1, 0, "appliances.environment.water_heater");
	set_str(c, 2, 0, "72d76fde-8bb3-4e00-8c23-a032dfb2fa4c");
	set_f64(c, 3, 0, 35.79);
	set_i64(c, 0, 1, 1);
	set_str(c, 1, 1, "electronics.smartphone");
	set_str(c, 2, 1, "9333dfbd-b87a-4708-9857-6336556b0fcc");
	set_f64(c, 3, 1, 1234.5);
	set_i64(c, 0, 2, 2);
	set_null(c, 1, 2);
	set_str(c, 2, 2, "short");
	set_f64(c, 3, 2, 0.5);
	struct result r = {4, names, types, &c, 1};
	struct render_options o = opts(RENDER_BOX);
	char *out = render1(&o, &r);
	int natural = max_line_width(out);
	free(out);

	o.max_width = 70;
	out = render1(&o, &r);
	golden("box_truncate.txt", out);
	ok(lines_even(out) && max_line_width(out) == 70, "truncated table exactly 70 wide (natural %d)", natural);
	ok(strstr(out, "2103807459595387724") != NULL, "numbers are never cut");
	ok(strstr(out, "…") != NULL, "cut values end in …");
	free(out);

	int bad = 0;
	for (int mw = 40; mw <= natural + 2; mw++) {
		o.max_width = mw;
		out = render1(&o, &r);
		int w = max_line_width(out);
		if (!lines_even(out) || w > mw || (mw >= natural && w != natural))
			bad++;
		free(out);
	}
	is_int(bad, 0, "every max_width 40..%d: straight grid, never wider than max_width", natural + 2);
	free_chunk(c);
}

static void
test_box_many_columns(void)
{
	enum { NC = 30 };
	const char *names[NC];
	wb_type types[NC];
	char nb[NC][16];
	for (int i = 0; i < NC; i++) {
		snprintf(nb[i], sizeof nb[i], "col%02d", i);
		names[i] = nb[i];
		types[i] = i % 3 == 0 ? WB_TYPE_VARCHAR : WB_TYPE_BIGINT;
	}
	struct chunk *c = new_chunk(NC, types, 3);
	for (int row = 0; row < 3; row++)
		for (int i = 0; i < NC; i++) {
			if (types[i] == WB_TYPE_VARCHAR)
				set_str(c, i, row, row == 1 ? "a fairly long text value" : "v");
			else
				set_i64(c, i, row, (int64_t)row * 1000 + i);
		}
	struct result r = {NC, names, types, &c, 1};
	struct render_options o = opts(RENDER_BOX);
	o.max_width = 80;
	char *out = render1(&o, &r);
	golden("box_hidden.txt", out);
	ok(lines_even(out) && max_line_width(out) <= 80, "30 columns squeezed into 80");
	ok(strstr(out, "col00") != NULL && strstr(out, "col29") != NULL && strstr(out, "col15") == NULL,
	    "first and last columns kept, middle hidden");
	ok(strstr(out, "3 rows") != NULL && strstr(out, "30 columns (") != NULL, "footer: rows and 30 columns (N shown)");
	free(out);

	o.utf8 = false;
	out = render1(&o, &r);
	ok(lines_even(out) && max_line_width(out) <= 80 && strstr(out, "| ... |") != NULL,
	    "ASCII hidden-column marker");
	free(out);

	/* absurdly narrow: still a well-formed table */
	o.utf8 = true;
	o.max_width = 10;
	out = render1(&o, &r);
	ok(lines_even(out) && strstr(out, "col00") != NULL, "max_width 10: first column and … kept, grid straight");
	free(out);
	free_chunk(c);
}

/* A million rows through the box sink: memory holds head + tail only. */
static void
test_box_memory(void)
{
	static const char *const names[] = {"i", "s"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	struct chunk *c = new_chunk(2, types, WB_VEC_SIZE);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct render_options o = opts(RENDER_BOX);
	struct wb_sink *s = render_sink_new(&o, f);
	struct wb_error err = WB_ERROR_INIT;
	s->begin(s, 2, (char *const *)names, types, &err);
	int64_t total = 1000000, maxbuf = 0;
	for (int64_t done = 0; done < total;) {
		int n = total - done < WB_VEC_SIZE ? (int)(total - done) : WB_VEC_SIZE;
		vec_reset(&c->cols[1]);
		c->n = c->cols[0].n = c->cols[1].n = n;
		for (int i = 0; i < n; i++) {
			char b[32];
			snprintf(b, sizeof b, "row %lld", (long long)(done + i));
			set_i64(c, 0, i, done + i);
			set_str(c, 1, i, b);
		}
		s->chunk(s, c, &err);
		done += n;
		if (render_sink_buffered(s) > maxbuf)
			maxbuf = render_sink_buffered(s);
	}
	is_int(render_sink_rows(s), total, "sink counted 1,000,000 rows");
	ok(maxbuf <= 60, "at most max_rows + max_rows/2 rows buffered (peak %lld)", (long long)maxbuf);
	s->end(s, &err);
	is_int(render_sink_buffered(s), 0, "buffers released at end");
	fflush(f);
	ok(strstr(buf, "1,000,000 rows") != NULL && strstr(buf, "(40 shown)") != NULL,
	    "footer: 1,000,000 rows (40 shown)");
	ok(strstr(buf, "row 999999 ") != NULL && strstr(buf, "row 999980 ") != NULL &&
	    strstr(buf, "row 999979 ") == NULL && strstr(buf, "row 19 ") != NULL && strstr(buf, "row 20 ") == NULL,
	    "first 20 and last 20 rows shown");
	render_sink_free(s);
	fclose(f);
	free(buf);
	free_chunk(c);
	err_clear(&err);
}

static void
test_reuse(void)
{
	struct chunk *c = shop_chunk();
	struct chunk **ch;
	struct result rs[3] = {
		{8, shop_names, shop_types, &c, 1},
		seq_result(3, 2, &ch),
		{8, shop_names, shop_types, &c, 1},
	};
	struct render_options o = opts(RENDER_BOX);
	char *once = render1(&o, &rs[0]);
	char *seq = render1(&o, &rs[1]);
	char *all = render_many(&o, rs, 3);
	struct strbuf want = STRBUF_INIT;
	sb_puts(&want, once);
	sb_puts(&want, seq);
	sb_puts(&want, once);
	is_str(all, sb_str(&want), "three results through one box sink");
	free(all);
	sb_free(&want);
	free(once);
	free(seq);

	o = opts(RENDER_JSON);
	all = render_many(&o, rs, 3);
	is_int(count_str(all, "]\n"), 3, "json: one array per result");
	free(all);

	/* rows counter follows the last result */
	FILE *f = fopen("/dev/null", "w");
	struct wb_sink *s = render_sink_new(&o, f);
	struct wb_error err = WB_ERROR_INIT;
	feed(s, &rs[0], &err);
	is_int(render_sink_rows(s), 4, "rows of first result");
	feed(s, &rs[1], &err);
	is_int(render_sink_rows(s), 3, "rows of the last result");
	render_sink_free(s);
	fclose(f);
	free_result_chunks(&rs[1]);
	free_chunk(c);
}

/* ---- csv ---- */

static const char *const tricky[] = {
	"plain", "with,comma", "with \"quote\"", "line\nbreak", "cr\rhere", " lead", "trail ",
	"", "tab\tinside", "\xE6\x97\xA5\xE6\x9C\xAC", "back\\slash",
};
#define NTRICKY (int)(sizeof tricky / sizeof tricky[0])

static struct chunk *
tricky_chunk(void)
{
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	struct chunk *c = new_chunk(2, types, NTRICKY + 1);
	for (int i = 0; i < NTRICKY; i++) {
		set_i64(c, 0, i, i);
		set_str(c, 1, i, tricky[i]);
	}
	set_i64(c, 0, NTRICKY, NTRICKY);
	set_null(c, 1, NTRICKY);
	return c;
}

/* A strict RFC 4180 reader: fields[i] NULL for an empty unquoted field. */
static int
csv_parse_record(const char **p, char **fields, int max)
{
	int n = 0;
	const char *s = *p;
	for (;;) {
		struct strbuf b = STRBUF_INIT;
		bool quoted = false;
		if (*s == '"') {
			quoted = true;
			s++;
			for (;;) {
				if (*s == '\0')
					return -1;
				if (*s == '"') {
					if (s[1] == '"') {
						sb_putc(&b, '"');
						s += 2;
						continue;
					}
					s++;
					break;
				}
				sb_putc(&b, *s++);
			}
		} else {
			while (*s && *s != ',' && *s != '\n') {
				if (*s == '"' || *s == '\r')
					return -1;
				sb_putc(&b, *s++);
			}
		}
		if (n < max)
			fields[n] = quoted || b.len ? sb_detach(&b) : NULL;
		n++;
		sb_free(&b);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\n')
			s++;
		else if (*s != '\0')
			return -1;
		break;
	}
	*p = s;
	return n;
}

static void
test_csv(void)
{
	struct chunk *c = tricky_chunk();
	static const char *const names[] = {"id", "text, with comma"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	struct result r = {2, names, types, &c, 1};
	struct render_options o = opts(RENDER_CSV);
	char *out = render1(&o, &r);
	golden("tricky.csv", out);

	/* round trip: every value and the NULL come back */
	const char *p = out;
	char *fields[4];
	int bad = 0;
	if (csv_parse_record(&p, fields, 4) != 2 || strcmp(fields[1], names[1]) != 0)
		bad++;
	for (int k = 0; k < 2; k++)
		free(fields[k]);
	for (int i = 0; i <= NTRICKY; i++) {
		int n = csv_parse_record(&p, fields, 4);
		if (n != 2) {
			bad++;
			diag("record %d: %d fields", i, n);
			break;
		}
		bool same = i < NTRICKY ? fields[1] != NULL && strcmp(fields[1], tricky[i]) == 0 : fields[1] == NULL;
		if (!same) {
			bad++;
			diag("record %d: got '%s'", i, fields[1] ? fields[1] : "(null)");
		}
		free(fields[0]);
		free(fields[1]);
	}
	ok(bad == 0 && *p == '\0', "csv round-trips values, the empty string and NULL");
	free(out);

	o.header = false;
	o.null_text = "NULL";
	out = render1(&o, &r);
	ok(strncmp(out, "0,plain\n", 8) == 0, "no header line");
	ok(strstr(out, "\n11,NULL\n") != NULL && strstr(out, "\n7,\n") != NULL,
	    "custom null text; empty string then needs no quotes");
	free(out);

	struct chunk *s = shop_chunk();
	struct result sr = {8, shop_names, shop_types, &s, 1};
	o = opts(RENDER_CSV);
	out = render1(&o, &sr);
	golden("shop.csv", out);
	free(out);

	o = opts(RENDER_TSV);
	out = render1(&o, &r);
	golden("tricky.tsv", out);
	int tabs = 0, lines = 0;
	for (const char *q = out; *q; q++)
		tabs += *q == '\t', lines += *q == '\n';
	ok(tabs == NTRICKY + 2 && lines == NTRICKY + 2, "tsv: one tab and one newline per record");
	free(out);
	free_chunk(s);
	free_chunk(c);
}

/* ---- json ---- */

/* A strict RFC 8259 checker (no duplicate-key policy). */
static bool json_value(const char **p);

static void
json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool
json_string(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	if (*s++ != '"')
		return false;
	for (;;) {
		if (*s == '"')
			break;
		if (*s < 0x20)
			return false;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || s[i] == 0)
						return false;
				s += 5;
			} else if (*s && strchr("\"\\/bfnrt", *s)) {
				s++;
			} else {
				return false;
			}
			continue;
		}
		if (*s >= 0x80) {
			/* must be well-formed UTF-8 */
			int len = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC2 ? 2 : 0;
			if (len == 0 || *s > 0xF4)
				return false;
			for (int i = 1; i < len; i++)
				if ((s[i] & 0xC0) != 0x80)
					return false;
			s += len;
			continue;
		}
		s++;
	}
	*p = (const char *)s + 1;
	return true;
}

static bool
json_number(const char **p)
{
	const char *s = *p;
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*p = s;
	return true;
}

static bool
json_value(const char **p)
{
	json_ws(p);
	const char *s = *p;
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		bool obj = *s == '{';
		*p = s + 1;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		for (;;) {
			json_ws(p);
			if (obj) {
				if (!json_string(p))
					return false;
				json_ws(p);
				if (*(*p)++ != ':')
					return false;
			}
			if (!json_value(p))
				return false;
			json_ws(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (**p == close) {
				(*p)++;
				return true;
			}
			return false;
		}
	}
	if (*s == '"')
		return json_string(p);
	if (strncmp(s, "true", 4) == 0 || strncmp(s, "null", 4) == 0) {
		*p = s + 4;
		return true;
	}
	if (strncmp(s, "false", 5) == 0) {
		*p = s + 5;
		return true;
	}
	return json_number(p);
}

static bool
json_valid(const char *text)
{
	const char *p = text;
	if (!json_value(&p))
		return false;
	json_ws(&p);
	return *p == '\0';
}

static void
test_json(void)
{
	struct chunk *c = shop_chunk();
	struct result r = {8, shop_names, shop_types, &c, 1};
	struct render_options o = opts(RENDER_JSON);
	char *out = render1(&o, &r);
	golden("shop.json", out);
	ok(json_valid(out), "json output is valid JSON");
	ok(strstr(out, "\"price\":1e+21") != NULL && strstr(out, "\"in_stock\":true") != NULL &&
	    strstr(out, "\"brand\":null") != NULL && strstr(out, "\"event_time\":\"2019-10-01 00:00:10.5\"") != NULL,
	    "numbers, booleans, null and timestamps typed as JSON");
	free(out);

	o.mode = RENDER_JSONL;
	out = render1(&o, &r);
	golden("shop.jsonl", out);
	int lines = 0, bad = 0;
	for (char *line = out; *line;) {
		size_t n = strcspn(line, "\n");
		char save = line[n];
		line[n] = '\0';
		bad += !json_valid(line);
		line[n] = save;
		line += n + (save != '\0');
		lines++;
	}
	ok(lines == 4 && bad == 0, "jsonl: 4 lines, each a JSON object");
	free(out);
	free_chunk(c);

	/* hostile strings and non-finite doubles */
	static const char *const names[] = {"s\"q", "d"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	c = new_chunk(2, types, 4);
	set_strn(c, 0, 0, "ctl\x01\x1f\b\f\n\r\t\"\\/", 13);
	set_str(c, 0, 1, "bad \xff\xfe utf8 \xE6\x97");
	set_str(c, 0, 2, "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x91\x8D");
	set_strn(c, 0, 3, "nul\0", 4);
	set_f64(c, 1, 0, 0.0 / 0.0);
	set_f64(c, 1, 1, 1.0 / 0.0);
	set_f64(c, 1, 2, -1.0 / 0.0);
	set_f64(c, 1, 3, -0.0);
	struct result h = {2, names, types, &c, 1};
	o.mode = RENDER_JSON;
	out = render1(&o, &h);
	golden("hostile.json", out);
	ok(json_valid(out), "hostile strings still give valid JSON");
	is_int(count_str(out, "\"d\":null"), 3, "NaN and infinities are null");
	free(out);
	free_chunk(c);

	/* empty result: [] */
	struct result e = {2, names, types, NULL, 0};
	out = render1(&o, &e);
	is_str(out, "[]\n", "empty json result is []");
	free(out);
	o.mode = RENDER_JSONL;
	out = render1(&o, &e);
	is_str(out, "", "empty jsonl result is nothing");
	free(out);
}

static void
test_markdown_line_trash(void)
{
	struct chunk *c = shop_chunk();
	struct result r = {8, shop_names, shop_types, &c, 1};
	struct render_options o = opts(RENDER_MARKDOWN);
	char *out = render1(&o, &r);
	golden("shop.md", out);
	free(out);

	static const char *const names[] = {"a|b", "n"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct chunk *p = new_chunk(2, types, 2);
	set_str(p, 0, 0, "x|y");
	set_i64(p, 1, 0, 1);
	set_str(p, 0, 1, "two\nlines");
	set_null(p, 1, 1);
	struct result pr = {2, names, types, &p, 1};
	out = render1(&o, &pr);
	is_str(out, "| a\\|b | n |\n|------|--:|\n| x\\|y | 1 |\n| two\\nlines | NULL |\n",
	    "markdown escapes pipes and newlines, right-aligns numbers");
	free(out);

	o.mode = RENDER_LINE;
	out = render1(&o, &r);
	golden("shop.line", out);
	free(out);
	struct result two[2] = {pr, pr};
	out = render_many(&o, two, 2);
	is_str(out, "a|b = x|y\n  n = 1\n\na|b = two\nlines\n  n = NULL\n\n"
	    "a|b = x|y\n  n = 1\n\na|b = two\nlines\n  n = NULL\n",
	    "line mode: names right-aligned, blank line between rows and results");
	free(out);
	free_chunk(p);

	o.mode = RENDER_TRASH;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct wb_sink *s = render_sink_new(&o, f);
	struct wb_error err = WB_ERROR_INIT;
	feed(s, &r, &err);
	s->message(s, "Table t created");
	fflush(f);
	ok(len == 0 && render_sink_rows(s) == 4, "trash writes nothing, counts rows");
	render_sink_free(s);
	fclose(f);
	free(buf);
	free_chunk(c);
}

static void
test_messages_errors(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct render_options o = opts(RENDER_BOX);
	struct wb_sink *s = render_sink_new(&o, f);
	s->message(s, "Table t created");
	fflush(f);
	is_str(buf, "Table t created\n", "box prints messages");
	render_sink_free(s);
	fclose(f);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	o = opts(RENDER_CSV);
	s = render_sink_new(&o, f);
	s->message(s, "Table t created");
	fflush(f);
	is_int(len, 0, "csv drops messages so the stream stays parseable");

	struct wb_error err = WB_ERROR_INIT;
	struct chunk **ch;
	struct result r = seq_result(3, 3, &ch);
	ok(s->chunk(s, ch[0], &err) == -1 && err.msg != NULL && strstr(err.msg, "before the result began"),
	    "chunk before begin is an error");
	err_clear(&err);
	render_sink_free(s);
	fclose(f);
	free(buf);

	/* a write error is reported, not ignored */
	f = fopen("/dev/full", "w");
	if (f != NULL) {
		o = opts(RENDER_CSV);
		s = render_sink_new(&o, f);
		setvbuf(f, NULL, _IONBF, 0);
		int rc = feed(s, &r, &err);
		ok(rc == -1 && err.msg && strstr(err.msg, "cannot write results"), "write error reported: %s",
		    err.msg ? err.msg : "(none)");
		err_clear(&err);
		render_sink_free(s);
		fclose(f);
	} else {
		ok(1, "# SKIP no /dev/full");
	}

	/* render_rowset gives what the sink gives */
	struct rowset_sink rsk;
	rowset_sink_init(&rsk);
	feed(&rsk.base, &r, &err);
	o = opts(RENDER_BOX);
	buf = NULL;
	f = open_memstream(&buf, &len);
	is_int(render_rowset(rsk.rs, &o, f), 0, "render_rowset ok");
	fclose(f);
	char *direct = render1(&o, &r);
	is_str(buf, direct, "render_rowset output equals streamed output");
	free(direct);
	free(buf);
	rowset_free(rsk.rs);
	free_result_chunks(&r);
}

int
main(void)
{
	test_names_and_helpers();
	test_value_format_agrees();
	test_box_basic();
	test_box_unicode();
	test_box_empty_and_odd();
	test_box_elision_rows();
	test_box_footer();
	test_box_width();
	test_box_many_columns();
	test_box_memory();
	test_reuse();
	test_csv();
	test_json();
	test_markdown_line_trash();
	test_messages_errors();
	return done_testing();
}

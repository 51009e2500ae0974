/*
 * generate_ecommerce(): the synthetic e-commerce events of `wb generate
 * ecommerce` as typed rows, straight from the generator (gen_model_*), so
 * that a notebook makes its data in one statement and no file:
 *
 *   SELECT * FROM generate_ecommerce(rows => 200000, seed => 42,
 *                                    start => DATE '2019-10-01', days => 31)
 *
 * Options have the command line's meaning, defaults and limits (rows may
 * also come first, unnamed). The columns and types are what read_csv gives
 * for the generated file (an empty category_code or brand is NULL):
 * event_time TIMESTAMP, event_type VARCHAR, product_id BIGINT, category_id
 * BIGINT, category_code VARCHAR, brand VARCHAR, price DOUBLE (cents / 100,
 * the same double as the text "12.34" reads as), user_id BIGINT,
 * user_session VARCHAR. The rows are the file's, in its order: a morsel is
 * one of the generator's windows, and chunk seq numbers restore the order
 * after a parallel scan, so WB_THREADS never changes a result.
 *
 * event_type, category_code and brand are dictionary-encoded vectors over
 * the generator's lists. Binding builds nothing (EXPLAIN is free); start()
 * builds the model, the first reads generate the blocks they need.
 */
#include "func/tablefn.h"
#include "core/hash.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "gen/gen.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FN "generate_ecommerce"
#define USAGE "generate_ecommerce([rows] [, rows => N] [, seed => S] [, start => DATE] [, days => D])"

enum {
	COL_TIME, COL_TYPE, COL_PRODUCT, COL_CATEGORY, COL_CODE, COL_BRAND, COL_PRICE, COL_USER,
	COL_SESSION, NCOLS
};

static const struct {
	const char *name;
	wb_type type;
} columns[NCOLS] = {
	{"event_time", WB_TYPE_TIMESTAMP}, {"event_type", WB_TYPE_VARCHAR},
	{"product_id", WB_TYPE_BIGINT}, {"category_id", WB_TYPE_BIGINT},
	{"category_code", WB_TYPE_VARCHAR}, {"brand", WB_TYPE_VARCHAR},
	{"price", WB_TYPE_DOUBLE}, {"user_id", WB_TYPE_BIGINT},
	{"user_session", WB_TYPE_VARCHAR},
};

static const char *const gen_opts[] = {"rows", "seed", "start", "days", NULL};

/* a dictionary over a list of C strings */
struct dict {
	struct wb_dict d;
	wb_str *vals;
	uint64_t *hashes;
};

struct gen_src {
	struct source s;
	struct gen_options o;
	struct gen_model *m;          /* made by start() */
	int64_t nwin;
	atomic_llong next_win;
	struct dict types, codes, brands;
};

struct gen_reader {
	struct gen_window *win;       /* open window, or NULL */
	int64_t w;
	int64_t chunk;                /* chunks emitted from it */
	struct gen_event *ev;         /* WB_VEC_SIZE rows */
};

static void
dict_build(struct dict *d, const char *const *v, int n)
{
	d->vals = xcalloc((size_t)(n ? n : 1), sizeof *d->vals);
	d->hashes = xcalloc((size_t)(n ? n : 1), sizeof *d->hashes);
	for (int i = 0; i < n; i++) {
		d->vals[i] = (wb_str){v[i], (uint32_t)strlen(v[i])};
		d->hashes[i] = hash_bytes(v[i], strlen(v[i]));
	}
	d->d.n = (uint32_t)n;
	d->d.vals = d->vals;
	d->d.hashes = d->hashes;
	d->d.id = dict_next_id();
}

static void
dict_free(struct dict *d)
{
	free(d->vals);
	free(d->hashes);
}

static int
gen_start(struct source *s, struct wb_error *err)
{
	struct gen_src *gs = s->impl;
	const char *const *v;
	int n;

	atomic_store(&gs->next_win, 0);
	if (gs->m) {
		/* a second scan of the same source */
		gen_model_rewind(gs->m);
		return 0;
	}
	gs->m = gen_model_new(&gs->o, err);
	if (gs->m == NULL)
		return -1;
	dict_build(&gs->types, gen_event_types, 3);
	v = gen_model_codes(gs->m, &n);
	dict_build(&gs->codes, v, n);
	v = gen_model_brands(gs->m, &n);
	dict_build(&gs->brands, v, n);
	return 0;
}

static void *
gen_reader_new(struct source *s)
{
	struct gen_reader *r = xcalloc(1, sizeof *r);
	r->ev = xmalloc(WB_VEC_SIZE * sizeof *r->ev);
	return r;
}

static void
gen_reader_free(struct source *s, void *reader)
{
	struct gen_reader *r = reader;
	gen_window_close(r->win);
	free(r->ev);
	free(r);
}

/* codes of a dictionary-encoded column; index -1 is NULL */
static void
fill_dict(struct vec *v, const struct dict *d, const struct gen_event *ev, int n, size_t off)
{
	uint32_t *codes = v->data;
	for (int i = 0; i < n; i++) {
		int k = *(const int *)((const char *)&ev[i] + off);
		if (k < 0) {
			codes[i] = 0;
			vec_set_null(v, i);
		} else {
			codes[i] = (uint32_t)k;
		}
	}
	v->kind = VEC_DICT;
	v->dict = &d->d;
}

static void
fill(struct gen_src *gs, struct vec *v, int col, const struct gen_event *ev, int n)
{
	vec_reset(v);
	switch (col) {
	case COL_TIME: {
		int64_t *d = vec_i64(v);
		for (int i = 0; i < n; i++)
			d[i] = ev[i].time * INT64_C(1000000);
		break;
	}
	case COL_TYPE:
		fill_dict(v, &gs->types, ev, n, offsetof(struct gen_event, type));
		break;
	case COL_PRODUCT: {
		int64_t *d = vec_i64(v);
		for (int i = 0; i < n; i++)
			d[i] = ev[i].product_id;
		break;
	}
	case COL_CATEGORY: {
		int64_t *d = vec_i64(v);
		for (int i = 0; i < n; i++)
			d[i] = ev[i].category_id;
		break;
	}
	case COL_CODE:
		fill_dict(v, &gs->codes, ev, n, offsetof(struct gen_event, code));
		break;
	case COL_BRAND:
		fill_dict(v, &gs->brands, ev, n, offsetof(struct gen_event, brand));
		break;
	case COL_PRICE: {
		/* correctly rounded, so the same double as strtod("12.34") */
		double *d = vec_f64(v);
		for (int i = 0; i < n; i++)
			d[i] = (double)ev[i].price / 100.0;
		break;
	}
	case COL_USER: {
		int64_t *d = vec_i64(v);
		for (int i = 0; i < n; i++)
			d[i] = ev[i].user_id;
		break;
	}
	case COL_SESSION: {
		/* views into the generator's blocks, which live until the window
		 * is closed: at this reader's next call at the earliest */
		wb_str *d = vec_str(v);
		for (int i = 0; i < n; i++)
			d[i] = (wb_str){ev[i].session, 36};
		break;
	}
	}
	v->n = n;
}

static int
gen_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct gen_src *gs = s->impl;
	struct gen_reader *r = reader;
	int n = 0;

	for (;;) {
		if (r->win) {
			n = gen_window_read(r->win, r->ev, WB_VEC_SIZE);
			if (n > 0)
				break;
			gen_window_close(r->win);
			r->win = NULL;
		}
		int64_t w = atomic_fetch_add(&gs->next_win, 1);
		if (w >= gs->nwin)
			return 0;
		r->win = gen_window_open(gs->m, w, err);
		if (r->win == NULL)
			return -1;
		r->w = w;
		r->chunk = 0;
	}
	for (int k = 0; k < s->nproj; k++)
		fill(gs, &out->cols[k], s->proj[k], r->ev, n);
	out->n = n;
	out->seq = SOURCE_SEQ(r->w, r->chunk++);
	return n;
}

static void
gen_free(struct source *s)
{
	struct gen_src *gs = s->impl;
	gen_model_free(gs->m);
	dict_free(&gs->types);
	dict_free(&gs->codes);
	dict_free(&gs->brands);
	source_fini(s);
	free(gs);
}

static const struct source_ops gen_ops = {"generate_ecommerce", gen_start, gen_reader_new, gen_next,
	gen_reader_free, gen_free, NULL};

/* ---- options ---- */

/* "not 42", "not 'abc'", "not NULL": the value given, for messages */
static void
value_text(const struct tf_value *v, struct strbuf *b)
{
	if (v->kind != TF_SCALAR) {
		sb_puts(b, v->kind == TF_LIST ? "a list" : "a map");
		return;
	}
	if (!v->v.is_null && v->v.type == WB_TYPE_VARCHAR)
		sb_printf(b, "'%.*s'", (int)v->v.u.s.n, v->v.u.s.p);
	else
		value_format(&v->v, b, "NULL");
}

static bool
bad_value(const struct tf_value *v, const char *opt, const char *want, struct wb_error *err)
{
	struct strbuf b = STRBUF_INIT;
	value_text(v, &b);
	err_set(err, v->pos, FN ": %s must be %s, not %s", opt, want, sb_str(&b));
	err_hint(err, "usage: " USAGE);
	sb_free(&b);
	return false;
}

static bool
is_type(const struct tf_value *v, wb_type t)
{
	return v->kind == TF_SCALAR && !v->v.is_null && v->v.type == t;
}

/* an integer, or the command line's text form ("10M", "0x2a") */
static bool
count_value(const struct tf_value *v, int64_t *out)
{
	if (is_type(v, WB_TYPE_BIGINT)) {
		*out = v->v.u.i;
		return true;
	}
	return is_type(v, WB_TYPE_VARCHAR) && gen_parse_count(v->v.u.s.p, out) == 0;
}

static bool
set_option(struct gen_options *o, const char *name, const struct tf_value *v, struct wb_error *err)
{
	int64_t k;
	if (strcasecmp(name, "rows") == 0) {
		if (!count_value(v, &k) || !gen_rows_ok(k))
			return bad_value(v, "rows", "a row count from 0 to 10000000000 (an integer, or a "
			    "string with a k, M or G suffix such as '10M')", err);
		o->rows = k;
	} else if (strcasecmp(name, "seed") == 0) {
		uint64_t seed;
		if (is_type(v, WB_TYPE_BIGINT) && v->v.u.i >= 0)
			seed = (uint64_t)v->v.u.i;
		else if (!is_type(v, WB_TYPE_VARCHAR) || gen_parse_seed(v->v.u.s.p, &seed) < 0)
			return bad_value(v, "seed", "a non-negative integer below 2^64 (larger than "
			    "BIGINT as a string: '18446744073709551615' or '0xffffffffffffffff')", err);
		o->seed = seed;
	} else if (strcasecmp(name, "start") == 0) {
		int64_t day;
		if (is_type(v, WB_TYPE_DATE))
			day = v->v.u.i;
		else if (!is_type(v, WB_TYPE_VARCHAR) || gen_parse_start(v->v.u.s.p, &day) < 0)
			return bad_value(v, "start", "a DATE or a 'YYYY-MM-DD' string", err);
		if (!gen_start_ok(day))
			return bad_value(v, "start", "a date from " GEN_MIN_START " to " GEN_MAX_START, err);
		o->start_day = day;
	} else {
		if (!count_value(v, &k) || !gen_days_ok(k)) {
			char want[96];
			snprintf(want, sizeof want, "a whole number of days from 1 to %d", GEN_MAX_DAYS);
			return bad_value(v, "days", want, err);
		}
		o->days = (int)k;
	}
	return true;
}

struct source *
tf_generate_ecommerce_bind(const struct tf_args *a, struct wb_error *err)
{
	struct gen_options o;
	gen_options_init(&o);
	if (a->npos > 1) {
		err_set(err, a->pos[1].pos, FN ": only rows may be given without a name; "
		    "name the others (seed => 42, start => DATE '2019-10-01', days => 31)");
		err_hint(err, "usage: " USAGE);
		return NULL;
	}
	if (tf_check_names(a, FN, gen_opts, err) < 0)
		return NULL;
	if (a->npos == 1) {
		if (tf_named(a, "rows")) {
			err_set(err, tf_named(a, "rows")->pos, FN ": rows is given twice (first without a name)");
			return NULL;
		}
		if (!set_option(&o, "rows", &a->pos[0], err))
			return NULL;
	}
	for (int i = 0; i < a->nnamed; i++) {
		for (int j = 0; j < i; j++)
			if (strcasecmp(a->names[i], a->names[j]) == 0) {
				err_set(err, a->named[i].pos, FN ": option %s is given twice", a->names[i]);
				return NULL;
			}
		if (!set_option(&o, a->names[i], &a->named[i], err))
			return NULL;
	}

	struct gen_src *gs = xcalloc(1, sizeof *gs);
	source_init(&gs->s, &gen_ops, NCOLS);
	for (int c = 0; c < NCOLS; c++)
		source_set_column(&gs->s, c, columns[c].name, columns[c].type);
	gs->s.impl = gs;
	gs->o = o;
	gs->nwin = gen_model_windows_for(&o);
	gs->s.est_rows = o.rows;
	gs->s.max_readers = gs->nwin > 1024 ? 1024 : (int)gs->nwin;
	atomic_init(&gs->next_win, 0);
	return &gs->s;
}

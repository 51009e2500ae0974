/*
 * stmt_stats: the one executor of the statistics statements (stats/).
 *
 * It runs SELECT var1, var2, ... FROM source [WHERE cond], reads the rows
 * into a struct stats_data - NUMERIC variables as doubles, FACTOR
 * variables as level codes - and hands them to the statement's run
 * function; the result table goes to the session. In box mode, for a
 * person, the statement's title is printed above the table, a column of
 * significance stars after its p-value column, and its notes below; other
 * modes and queries over the statement (CREATE TABLE x AS TTEST ...) get
 * the plain table.
 */
#include "cli/stmt_int.h"
#include "stats/stats.h"
#include "core/hash.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ factors */

/* The distinct values of a FACTOR variable seen so far, by hash. */
struct level_map {
	struct wb_value *vals;      /* by code; strings in heap */
	uint64_t *hashes;
	int n, cap;
	int32_t *slots;             /* open addressing: code + 1, 0 empty */
	int nslots;
	struct arena heap;
	/* the codes of the last dictionary's entries (-1: not seen yet) */
	uint64_t dict_id;
	int32_t *dict_codes;
	uint32_t dict_n;
};

static uint64_t
value_hash(const struct wb_value *v)
{
	switch (v->type) {
	case WB_TYPE_VARCHAR: return hash_bytes(v->u.s.p, v->u.s.n);
	case WB_TYPE_DOUBLE: return hash_double(v->u.d);
	case WB_TYPE_BOOL: return hash_u64(v->u.b);
	default: return hash_u64((uint64_t)v->u.i);
	}
}

static bool
value_same(const struct wb_value *a, const struct wb_value *b)
{
	switch (a->type) {
	case WB_TYPE_VARCHAR: return wb_str_eq(a->u.s, b->u.s);
	case WB_TYPE_DOUBLE: return a->u.d == b->u.d || (isnan(a->u.d) && isnan(b->u.d));
	case WB_TYPE_BOOL: return a->u.b == b->u.b;
	default: return a->u.i == b->u.i;
	}
}

static void
lm_grow(struct level_map *m)
{
	int ns = m->nslots ? 2 * m->nslots : 64;
	free(m->slots);
	m->slots = xcalloc((size_t)ns, sizeof *m->slots);
	m->nslots = ns;
	for (int c = 0; c < m->n; c++) {
		size_t i = m->hashes[c] & (size_t)(ns - 1);
		while (m->slots[i])
			i = (i + 1) & (size_t)(ns - 1);
		m->slots[i] = c + 1;
	}
}

/* The code of value v (not NULL), added if new. */
static int32_t
lm_code(struct level_map *m, const struct wb_value *v)
{
	if (2 * (m->n + 1) > m->nslots)
		lm_grow(m);
	uint64_t h = value_hash(v);
	size_t i = h & (size_t)(m->nslots - 1);
	for (; m->slots[i]; i = (i + 1) & (size_t)(m->nslots - 1)) {
		int32_t c = m->slots[i] - 1;
		if (m->hashes[c] == h && value_same(&m->vals[c], v))
			return c;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->vals = xrealloc(m->vals, sizeof *m->vals * (size_t)m->cap);
		m->hashes = xrealloc(m->hashes, sizeof *m->hashes * (size_t)m->cap);
	}
	struct wb_value c = *v;
	if (v->type == WB_TYPE_VARCHAR) {
		char *p = arena_alloc(&m->heap, v->u.s.n + 1);
		memcpy(p, v->u.s.p, v->u.s.n);
		p[v->u.s.n] = 0;
		c.u.s.p = p;
	}
	m->vals[m->n] = c;
	m->hashes[m->n] = h;
	m->slots[i] = m->n + 1;
	return m->n++;
}

static void
lm_free(struct level_map *m)
{
	free(m->vals);
	free(m->hashes);
	free(m->slots);
	free(m->dict_codes);
	arena_release(&m->heap);
}

/* Codes for rows [0, n) of vector v into out (-1 for NULL). */
static void
lm_vector(struct level_map *m, const struct vec *v, int n, int32_t *out)
{
	if (v->kind == VEC_DICT) {
		const struct wb_dict *d = v->dict;
		if (m->dict_codes == NULL || m->dict_id != d->id || m->dict_n != d->n) {
			free(m->dict_codes);
			m->dict_codes = xmalloc(sizeof *m->dict_codes * (size_t)(d->n ? d->n : 1));
			for (uint32_t k = 0; k < d->n; k++)
				m->dict_codes[k] = -1;
			m->dict_id = d->id;
			m->dict_n = d->n;
		}
		const uint32_t *codes = vec_codes(v);
		for (int i = 0; i < n; i++) {
			if (vec_is_null(v, i)) {
				out[i] = -1;
				continue;
			}
			int32_t *c = &m->dict_codes[codes[i]];
			if (*c < 0) {
				struct wb_value val = {.type = WB_TYPE_VARCHAR};
				val.u.s = d->vals[codes[i]];
				*c = lm_code(m, &val);
			}
			out[i] = *c;
		}
		return;
	}
	if (v->kind == VEC_FLAT && (v->type == WB_TYPE_BIGINT || v->type == WB_TYPE_DATE || v->type == WB_TYPE_TIMESTAMP)) {
		/* integers straight from the array; runs of one value (a day, a
		 * month in time order) hit the last code without hashing */
		const int64_t *x = vec_i64(v);
		struct wb_value val = {.type = v->type};
		int32_t last = -1;
		int64_t last_v = 0;
		for (int i = 0; i < n; i++) {
			if (vec_is_null(v, i)) {
				out[i] = -1;
				continue;
			}
			if (last < 0 || x[i] != last_v) {
				val.u.i = last_v = x[i];
				last = lm_code(m, &val);
			}
			out[i] = last;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		if (vec_is_null(v, i)) {
			out[i] = -1;
			continue;
		}
		struct wb_value val;
		vec_get(v, i, &val);
		out[i] = lm_code(m, &val);
	}
}

static const struct wb_value *sort_vals;

static int
cmp_level(const void *a, const void *b)
{
	const struct wb_value *x = &sort_vals[*(const int32_t *)a], *y = &sort_vals[*(const int32_t *)b];
	switch (x->type) {
	case WB_TYPE_VARCHAR: return wb_str_cmp(x->u.s, y->u.s);
	case WB_TYPE_DOUBLE:
		if (isnan(x->u.d) || isnan(y->u.d))
			return isnan(x->u.d) - isnan(y->u.d);
		return x->u.d < y->u.d ? -1 : x->u.d > y->u.d;
	case WB_TYPE_BOOL: return (int)x->u.b - (int)y->u.b;
	default: return x->u.i < y->u.i ? -1 : x->u.i > y->u.i;
	}
}

/* Give column c its levels in value order and remap its codes. */
static void
lm_finish(struct level_map *m, struct stats_column *c, int64_t n, struct arena *a)
{
	int32_t *order = xmalloc(sizeof *order * (size_t)(m->n ? m->n : 1));
	for (int k = 0; k < m->n; k++)
		order[k] = k;
	sort_vals = m->vals;
	qsort(order, (size_t)m->n, sizeof *order, cmp_level);
	int32_t *remap = xmalloc(sizeof *remap * (size_t)(m->n ? m->n : 1));
	c->nlevels = m->n;
	c->labels = arena_alloc(a, sizeof(char *) * (size_t)(m->n ? m->n : 1));
	struct strbuf b;
	sb_init(&b);
	for (int k = 0; k < m->n; k++) {
		remap[order[k]] = k;
		sb_clear(&b);
		value_format(&m->vals[order[k]], &b, "NULL");
		c->labels[k] = arena_strdup(a, sb_str(&b));
	}
	sb_free(&b);
	for (int64_t i = 0; i < n; i++)
		if (c->level[i] >= 0)
			c->level[i] = remap[c->level[i]];
	free(remap);
	free(order);
}

/* ------------------------------------------------------------ reading */

struct reader {
	struct wb_sink base;
	struct stats_data *d;
	struct level_map *maps;     /* per column (FACTOR) */
	const char *what;           /* the statement, for errors */
	const int *pos;             /* each column's position, for errors (or NULL) */
	int64_t cap;
	int64_t *shift;             /* per column: decimal text's integer shift */
	bool *have_shift;
};

/*
 * A number written in decimal, minus shift, rounded once: "-12.75" is
 * split into its integer part (exact in int64 up to 18 digits) and its
 * fraction, so (int - shift) is exact and only the fraction rounds. The
 * first value sets the shift (its integer part). Exponents and longer
 * integers are read by strtod. False when s is not a number.
 */
static bool
decimal_minus(wb_str s, int64_t *shift, bool *have_shift, double *out)
{
	char buf[64];
	size_t n = s.n;
	while (n > 0 && (s.p[n - 1] == ' ' || s.p[n - 1] == '\t'))
		n--;
	const char *p = s.p;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, p, n);
	buf[n] = 0;
	char *end;
	double whole = strtod(buf, &end);
	if (*end != 0 || end == buf || isinf(whole))
		return false;
	size_t i = 0;
	bool neg = buf[0] == '-';
	if (buf[0] == '-' || buf[0] == '+')
		i++;
	int64_t ip = 0;
	int digits = 0;
	for (; buf[i] >= '0' && buf[i] <= '9' && digits < 18; i++, digits++)
		ip = ip * 10 + (buf[i] - '0');
	bool simple = buf[i] == 0 || (buf[i] == '.' && strspn(buf + i + 1, "0123456789") == strlen(buf + i + 1));
	if (!simple || isnan(whole)) {
		if (!*have_shift) {
			*shift = 0;
			*have_shift = true;
		}
		*out = whole - (double)*shift;
		return true;
	}
	if (neg)
		ip = -ip;
	if (!*have_shift) {
		*shift = ip;
		*have_shift = true;
	}
	double frac = buf[i] == '.' ? strtod(buf + i, NULL) : 0;   /* ".xxx" reads as 0.xxx */
	*out = (double)(ip - *shift) + (neg ? -frac : frac);
	return true;
}

/* Rows [0, n) of a BIGINT, DOUBLE or BOOLEAN vector as doubles into x,
 * NaN for NULL: one loop per type, NULLs applied after. Returns the
 * first row holding an infinite value, or -1. */
static int
numeric_vector(const struct vec *v, int n, double *x)
{
	bool konst = v->kind == VEC_CONST;
	if (v->type == WB_TYPE_NULL) {   /* SELECT NULL: no values to read */
		for (int i = 0; i < n; i++)
			x[i] = NAN;
		return -1;
	}
	switch (v->type) {
	case WB_TYPE_DOUBLE:
		if (konst)
			for (int i = 0; i < n; i++)
				x[i] = vec_f64(v)[0];
		else
			memcpy(x, vec_f64(v), sizeof *x * (size_t)n);
		break;
	case WB_TYPE_BOOL:
		for (int i = 0; i < n; i++)
			x[i] = vec_bool(v)[konst ? 0 : i] ? 1.0 : 0.0;
		break;
	default:
		for (int i = 0; i < n; i++)
			x[i] = (double)vec_i64(v)[konst ? 0 : i];
		break;
	}
	if (v->nulls != NULL)
		for (int i = 0; i < n; i++)
			if (vec_is_null(v, i))
				x[i] = NAN;
	if (v->type == WB_TYPE_DOUBLE)
		for (int i = 0; i < n; i++)
			if (isinf(x[i]))
				return i;
	return -1;
}

static int
reader_chunk(struct wb_sink *sk, const struct chunk *ch, struct wb_error *err)
{
	struct reader *r = (struct reader *)sk;
	struct stats_data *d = r->d;
	int n = ch->n;
	if (d->n + n > r->cap) {
		int64_t cap = r->cap ? 2 * r->cap : 4096;
		while (cap < d->n + n)
			cap *= 2;
		for (int j = 0; j < d->ncol; j++) {
			struct stats_column *c = &d->col[j];
			if (c->role == STATS_NUMERIC)
				c->x = xrealloc(c->x, sizeof *c->x * (size_t)cap);
			else
				c->level = xrealloc(c->level, sizeof *c->level * (size_t)cap);
		}
		r->cap = cap;
	}
	for (int j = 0; j < d->ncol; j++) {
		struct stats_column *c = &d->col[j];
		const struct vec *v = &ch->cols[j];
		if (c->role == STATS_FACTOR) {
			lm_vector(&r->maps[j], v, n, c->level + d->n);
			continue;
		}
		double *x = c->x + d->n;
		if (v->type == WB_TYPE_VARCHAR) {
			for (int i = 0; i < n; i++) {
				if (vec_is_null(v, i)) {
					x[i] = NAN;
					continue;
				}
				wb_str t = vec_str_at(v, i);
				if (!decimal_minus(t, &r->shift[j], &r->have_shift[j], &x[i])) {
					err_set(err, r->pos ? r->pos[j] : -1, "%s: %s has \"%.*s\", not a number (row %lld)", r->what,
					    c->name, t.n > 40 ? 40 : (int)t.n, t.p, (long long)(d->n + i + 1));
					err_hint(err, "a numeric variable is a number, or text holding a decimal number");
					return -1;
				}
			}
			continue;
		}
		int inf = numeric_vector(v, n, x);
		if (inf >= 0) {
			err_set(err, r->pos ? r->pos[j] : -1, "%s: %s has an infinite value (row %lld)", r->what, c->name,
			    (long long)(d->n + inf + 1));
			err_hint(err, "leave such rows out: WHERE isfinite(%s)", c->name);
			return -1;
		}
	}
	d->n += n;
	return 0;
}

static bool
numeric_type(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE || t == WB_TYPE_BOOL;
}

/* The query reading a statement's variables: SELECT v1 AS "1", ... */
static struct ast *
read_query(struct arena *a, const struct stats_stmt *st)
{
	struct ast_list items = {0};
	for (int j = 0; j < st->nvars; j++) {
		char alias[16];
		snprintf(alias, sizeof alias, "v%d", j + 1);
		ast_list_add(a, &items, ast_mk_item(a, st->vars[j].expr, arena_strdup(a, alias)));
	}
	struct ast *sel = ast_mk_select(a, st->source, &items, st->where);
	struct ast *q = ast_new(a, AST_QUERY, st->pos);
	q->u.query.body = sel;
	return q;
}

/* Run plan p and read its rows into d, whose columns are set up (roles
 * decided); releases the plan. */
static int
read_plan(struct session *s, struct binder *b, struct pnode *p, const char *what, const int *pos,
    struct arena *a, struct stats_data *d, struct wb_error *err)
{
	int nc = d->ncol ? d->ncol : 1;
	struct reader r = {.base = {.chunk = reader_chunk}, .d = d, .what = what, .pos = pos};
	r.maps = xcalloc((size_t)nc, sizeof *r.maps);
	r.shift = xcalloc((size_t)nc, sizeof *r.shift);
	r.have_shift = xcalloc((size_t)nc, sizeof *r.have_shift);
	for (int j = 0; j < d->ncol; j++)
		arena_init(&r.maps[j].heap, 4096);
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	int rc = exec_run(p, &ctx, &r.base);
	if (rc < 0)
		err_move(err, &ctx.err);
	exec_ctx_fini(&ctx);
	stmt_finish(s, b, p);
	for (int j = 0; j < d->ncol; j++) {
		if (rc == 0 && d->col[j].role == STATS_FACTOR)
			lm_finish(&r.maps[j], &d->col[j], d->n, a);
		lm_free(&r.maps[j]);
		d->col[j].shift = (double)r.shift[j];
	}
	free(r.maps);
	free(r.shift);
	free(r.have_shift);
	return rc;
}

/* Read the statement's variables from its source into d. */
static int
read_data(struct session *s, struct arena *a, const struct stats_stmt *st, struct stats_data *d,
    struct wb_error *err)
{
	memset(d, 0, sizeof *d);
	if (st->no_source)
		return 0;
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, read_query(a, st), err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		return -1;
	}
	d->ncol = st->nvars;
	d->col = arena_zalloc(a, sizeof *d->col * (size_t)(st->nvars ? st->nvars : 1));
	for (int j = 0; j < st->nvars; j++) {
		struct stats_column *c = &d->col[j];
		c->name = st->vars[j].name;
		c->role = st->vars[j].role;
		c->type = p->types[j];
		if (c->role == STATS_AUTO)   /* other types fall to NUMERIC's error below */
			c->role = c->type == WB_TYPE_VARCHAR || c->type == WB_TYPE_BOOL || c->type == WB_TYPE_DATE ||
			    c->type == WB_TYPE_TIMESTAMP ? STATS_FACTOR : STATS_NUMERIC;
		if (c->role == STATS_NUMERIC && !numeric_type(c->type) && c->type != WB_TYPE_NULL &&
		    c->type != WB_TYPE_VARCHAR) {
			err_set(err, st->vars[j].pos, "%s: %s is %s; it needs a number", st->what, c->name,
			    type_name(c->type));
			err_hint(err, "cast it (CAST(%s AS DOUBLE)) or use a numeric column", c->name);
			stmt_finish(s, &b, p);
			return -1;
		}
	}
	int *pos = arena_alloc(a, sizeof *pos * (size_t)(st->nvars ? st->nvars : 1));
	for (int j = 0; j < st->nvars; j++)
		pos[j] = st->vars[j].pos;
	return read_plan(s, &b, p, st->what, pos, a, d, err);
}

int
stmt_read_columns(struct session *s, struct binder *b, struct pnode *p, const enum stats_role *roles,
    const char *what, struct arena *a, struct stats_data *d, struct wb_error *err)
{
	memset(d, 0, sizeof *d);
	d->ncol = p->ncol;
	d->col = arena_zalloc(a, sizeof *d->col * (size_t)(p->ncol ? p->ncol : 1));
	for (int j = 0; j < p->ncol; j++) {
		d->col[j].name = arena_strdup(a, p->names[j]);
		d->col[j].role = roles[j];
		d->col[j].type = p->types[j];
	}
	return read_plan(s, b, p, what, NULL, a, d, err);
}
void
stmt_free_columns(struct stats_data *d)
{
	for (int j = 0; j < d->ncol; j++) {
		free(d->col[j].x);
		free(d->col[j].level);
	}
}

/* ------------------------------------------------------------ output */

/* The result with a column of stars after column k (box mode). */
static struct rowset *
with_stars(const struct rowset *rs, int k)
{
	int n = rs->ncol + 1;
	char **names = xmalloc(sizeof(char *) * (size_t)n);
	wb_type *types = xmalloc(sizeof(wb_type) * (size_t)n);
	for (int c = 0, o = 0; c < rs->ncol; c++) {
		names[o] = rs->names[c];
		types[o++] = rs->types[c];
		if (c == k) {
			names[o] = "signif";
			types[o++] = WB_TYPE_VARCHAR;
		}
	}
	struct rowset_builder rb;
	rsb_init(&rb, n, (const char *const *)names, types);
	for (int64_t r = 0; r < rs->nrows; r++) {
		for (int c = 0, o = 0; c < rs->ncol; c++) {
			struct wb_value v;
			rowset_get(rs, r, c, &v);
			rsb_value(&rb, o++, &v);
			if (c == k)
				rsb_str(&rb, o++, v.is_null || v.type != WB_TYPE_DOUBLE ? "" : stats_stars(v.u.d));
		}
		rsb_end_row(&rb);
	}
	free(names);
	free(types);
	return rsb_finish(&rb);
}

/* One row of many columns (a t-test's) reads better as a list. */
#define TRANSPOSE_COLUMNS 7

/* The one row of rs as (name, value) rows, numbers to 7 significant
 * digits as R prints them (the table itself keeps every digit); stars
 * after the p-value. */
static struct rowset *
transposed(const struct rowset *rs, int stars_col)
{
	static const char *const names[2] = {"name", "value"};
	static const wb_type types[2] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder rb;
	rsb_init(&rb, 2, names, types);
	struct strbuf b;
	sb_init(&b);
	for (int c = 0; c < rs->ncol; c++) {
		struct wb_value v;
		rowset_get(rs, 0, c, &v);
		sb_clear(&b);
		if (!v.is_null && v.type == WB_TYPE_DOUBLE && isfinite(v.u.d))
			sb_printf(&b, "%.7g", v.u.d);   /* R's 7 significant digits */
		else
			value_format(&v, &b, "NULL");
		if (c == stars_col && !v.is_null && v.type == WB_TYPE_DOUBLE && *stats_stars(v.u.d))
			sb_printf(&b, " %s", stats_stars(v.u.d));
		rsb_str(&rb, 0, rs->names[c]);
		rsb_str(&rb, 1, sb_str(&b));
		rsb_end_row(&rb);
	}
	sb_free(&b);
	return rsb_finish(&rb);
}

static void
print_lines(struct session *s, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);
		session_message(s, "%.*s", len, text);
		text += len + (nl != NULL);
	}
}

static int
emit_result(struct session *s, struct stats_result *res, struct wb_error *err)
{
	struct rowset *rs = rsb_finish(&res->rows);
	bool person = (s->override_sink == NULL || s->override_sink == s->show_sink) && s->render.mode == RENDER_BOX;
	int rc;
	if (person) {
		if (res->title)
			session_message(s, "%s", res->title);
		bool stars = res->stars_col >= 0 && res->stars_col < rs->ncol;
		struct rowset *shown = rs->nrows == 1 && rs->ncol > TRANSPOSE_COLUMNS ? transposed(rs, res->stars_col)
		    : stars ? with_stars(rs, res->stars_col) : rs;
		rc = session_emit(s, shown, err);
		if (shown != rs)
			rowset_free(shown);
		if (rc == 0 && stars)
			sb_puts(&res->notes, "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n");
		if (rc == 0)
			print_lines(s, sb_str(&res->notes));
	} else {
		rc = session_emit(s, rs, err);
	}
	rowset_free(rs);
	return rc;
}

/* SUMMARIZE-style statements: the source's schema, then a query. */
static int
exec_rewrite(struct session *s, struct arena *a, const struct stats_stmt *st, struct wb_error *err)
{
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, st->pos), NULL));
	struct ast *q = ast_new(a, AST_QUERY, st->pos);
	q->u.query.body = ast_mk_select(a, st->source, &items, st->where);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		return -1;
	}
	struct ast *rq = st->rewrite(st, a, p->ncol, p->names, p->types);
	stmt_finish(s, &b, p);
	p = stmt_plan_query(s, &b, a, rq, err);
	struct rowset *rs = NULL;
	int rc = p != NULL ? stmt_collect(s, p, &rs, err) : -1;
	stmt_finish(s, &b, p);
	if (rc == 0)
		rc = session_emit(s, rs, err);
	rowset_free(rs);
	return rc;
}

static int
exec_stats(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	const struct stats_stmt *st = data;
	if (st->rewrite)
		return exec_rewrite(s, a, st, err);
	struct stats_data d;
	int rc = read_data(s, a, st, &d, err);
	if (rc == 0) {
		struct stats_result res = {.stars_col = -1};   /* run() initialises it; freeing is safe before */
		struct stats_stmt run = *st;   /* the parsed statement stays as it is */
		run.cancel = &s->cancel;
		rc = run.run(&run, &d, &res, err);
		if (rc == 0 && res.rows.rs == NULL) {
			err_set(err, st->pos, "%s produced no table (a bug)", st->what);
			rc = -1;
		}
		if (rc == 0)
			rc = emit_result(s, &res, err);
		stats_result_free(&res);
	}
	stmt_free_columns(&d);
	if (rc < 0)
		err_at(err, st->pos);
	return rc;
}

void
stmt_register_stats(void)
{
	static struct stmt_ext copies[64];
	static int n;
	if (n > 0)
		return;
	stats_init();
	for (int i = 0; stats_exts[i] != NULL && i < (int)(sizeof copies / sizeof copies[0]); i++) {
		copies[i] = *stats_exts[i];
		copies[i].exec = (void *)exec_stats;
		parse_register_ext(&copies[i]);
		n++;
	}
}

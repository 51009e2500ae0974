#include "exec/expr.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- bexpr */

struct bexpr *
bexpr_new(struct arena *a, enum bexpr_kind kind, wb_type type, int pos, int nargs)
{
	struct bexpr *e = arena_zalloc(a, sizeof *e);
	e->kind = kind;
	e->type = type;
	e->pos = pos;
	e->nargs = nargs;
	if (nargs > 0)
		e->args = arena_zalloc(a, sizeof(struct bexpr *) * (size_t)nargs);
	return e;
}

struct bexpr *
bexpr_const(struct arena *a, const struct wb_value *v, int pos)
{
	struct bexpr *e = bexpr_new(a, BX_CONST, v->type, pos, 0);
	e->u.value = *v;
	if (!v->is_null && v->type == WB_TYPE_VARCHAR) {
		char *p = arena_alloc(a, v->u.s.n + 1);
		if (v->u.s.n)
			memcpy(p, v->u.s.p, v->u.s.n);
		p[v->u.s.n] = '\0';
		e->u.value.u.s.p = p;
	}
	if (!v->is_null && type_is_list(v->type))
		e->u.value.u.l = list_copy(a, v->u.l, type_list_elem(v->type));
	return e;
}

struct bexpr *
bexpr_column(struct arena *a, int column, wb_type type)
{
	struct bexpr *e = bexpr_new(a, BX_COLUMN, type, -1, 0);
	e->u.column = column;
	return e;
}

static bool
value_equal(const struct wb_value *a, const struct wb_value *b)
{
	if (a->type != b->type || a->is_null != b->is_null)
		return false;
	if (a->is_null)
		return true;
	switch (a->type) {
	case WB_TYPE_BOOL: return a->u.b == b->u.b;
	case WB_TYPE_DOUBLE: return a->u.d == b->u.d || (a->u.d != a->u.d && b->u.d != b->u.d);
	case WB_TYPE_VARCHAR: return wb_str_eq(a->u.s, b->u.s);
	case WB_TYPE_INTERVAL: return memcmp(&a->u.iv, &b->u.iv, sizeof a->u.iv) == 0;
	case WB_TYPE_NULL: return true;
	default:
		if (type_is_list(a->type))
			return list_eq(a->u.l, b->u.l, type_list_elem(a->type));
		return a->u.i == b->u.i;
	}
}

bool
bexpr_equal(const struct bexpr *a, const struct bexpr *b)
{
	if (a == b)
		return true;
	if (a == NULL || b == NULL || a->kind != b->kind || a->type != b->type || a->nargs != b->nargs ||
	    a->negate != b->negate)
		return false;
	switch (a->kind) {
	case BX_CONST:
		if (!value_equal(&a->u.value, &b->u.value))
			return false;
		break;
	case BX_COLUMN:
	case BX_AGGREF:
	case BX_WINREF:
		if (a->u.column != b->u.column)
			return false;
		break;
	case BX_FUNC:
		if (a->u.func.fn != b->u.func.fn || a->u.func.sig != b->u.func.sig)
			return false;
		break;
	case BX_CAST:
		if (a->u.cast.kernel != b->u.cast.kernel || a->u.cast.try_cast != b->u.cast.try_cast)
			return false;
		break;
	case BX_OUTER:
		if (a->u.outer.depth != b->u.outer.depth || a->u.outer.column != b->u.outer.column)
			return false;
		break;
	default:
		break;
	}
	for (int i = 0; i < a->nargs; i++)
		if (!bexpr_equal(a->args[i], b->args[i]))
			return false;
	return true;
}

struct bexpr *
bexpr_remap(struct arena *a, const struct bexpr *e, const int *map)
{
	struct bexpr *c = arena_alloc(a, sizeof *c);
	*c = *e;
	if (e->kind == BX_COLUMN && map != NULL)
		c->u.column = map[e->u.column];
	if (e->nargs > 0) {
		c->args = arena_alloc(a, sizeof(struct bexpr *) * (size_t)e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = bexpr_remap(a, e->args[i], map);
	}
	return c;
}

bool
bexpr_uses_column(const struct bexpr *e, int col)
{
	if (e->kind == BX_COLUMN && e->u.column == col)
		return true;
	for (int i = 0; i < e->nargs; i++)
		if (bexpr_uses_column(e->args[i], col))
			return true;
	return false;
}

void
bexpr_columns_used(const struct bexpr *e, bool *used, int ncol)
{
	if (e->kind == BX_COLUMN && e->u.column >= 0 && e->u.column < ncol)
		used[e->u.column] = true;
	for (int i = 0; i < e->nargs; i++)
		bexpr_columns_used(e->args[i], used, ncol);
}

bool
bexpr_is_const(const struct bexpr *e)
{
	switch (e->kind) {
	case BX_COLUMN:
	case BX_AGGREF:
	case BX_WINREF:
	case BX_OUTER:
		return false;
	case BX_FUNC:
		if (e->u.func.sig->flags & FN_VOLATILE)
			return false;
		break;
	default:
		break;
	}
	for (int i = 0; i < e->nargs; i++)
		if (!bexpr_is_const(e->args[i]))
			return false;
	return true;
}

static bool
is_operator_name(const char *s)
{
	return !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
}

void
bexpr_to_sql(const struct bexpr *e, char *const *names, struct strbuf *o)
{
	switch (e->kind) {
	case BX_CONST:
		if (!e->u.value.is_null && e->u.value.type == WB_TYPE_VARCHAR) {
			sb_putc(o, '\'');
			sb_add(o, e->u.value.u.s.p, e->u.value.u.s.n);
			sb_putc(o, '\'');
		} else if (!e->u.value.is_null && (e->u.value.type == WB_TYPE_DATE || e->u.value.type == WB_TYPE_TIMESTAMP)) {
			sb_printf(o, "%s '", type_name(e->u.value.type));
			value_format(&e->u.value, o, "NULL");
			sb_putc(o, '\'');
		} else {
			value_format(&e->u.value, o, "NULL");
		}
		return;
	case BX_COLUMN:
		if (names && names[e->u.column])
			sb_puts(o, names[e->u.column]);
		else
			sb_printf(o, "#%d", e->u.column);
		return;
	case BX_AGGREF:
		sb_printf(o, "agg#%d", e->u.column);
		return;
	case BX_WINREF:
		sb_printf(o, "win#%d", e->u.column);
		return;
	case BX_OUTER:
		sb_printf(o, "outer#%d.%d", e->u.outer.depth, e->u.outer.column);
		return;
	case BX_FUNC: {
		const char *name = e->u.func.fn->name;
		if (is_operator_name(name) && e->nargs == 2) {
			sb_putc(o, '(');
			bexpr_to_sql(e->args[0], names, o);
			sb_printf(o, " %s ", name);
			bexpr_to_sql(e->args[1], names, o);
			sb_putc(o, ')');
			return;
		}
		if (strcmp(name, "neg") == 0 && e->nargs == 1) {
			sb_putc(o, '-');
			bexpr_to_sql(e->args[0], names, o);
			return;
		}
		if ((strcmp(name, "like") == 0 || strcmp(name, "ilike") == 0 || strcmp(name, "rlike") == 0) && e->nargs == 2) {
			sb_putc(o, '(');
			bexpr_to_sql(e->args[0], names, o);
			sb_printf(o, " %s ", name);
			bexpr_to_sql(e->args[1], names, o);
			sb_putc(o, ')');
			return;
		}
		sb_printf(o, "%s(", name);
		for (int i = 0; i < e->nargs; i++) {
			if (i)
				sb_puts(o, ", ");
			bexpr_to_sql(e->args[i], names, o);
		}
		sb_putc(o, ')');
		return;
	}
	case BX_CAST:
		sb_puts(o, e->u.cast.try_cast ? "TRY_CAST(" : "CAST(");
		bexpr_to_sql(e->args[0], names, o);
		sb_printf(o, " AS %s)", type_name(e->type));
		return;
	case BX_AND:
	case BX_OR:
		sb_putc(o, '(');
		for (int i = 0; i < e->nargs; i++) {
			if (i)
				sb_puts(o, e->kind == BX_AND ? " AND " : " OR ");
			bexpr_to_sql(e->args[i], names, o);
		}
		sb_putc(o, ')');
		return;
	case BX_NOT:
		sb_puts(o, "(NOT ");
		bexpr_to_sql(e->args[0], names, o);
		sb_putc(o, ')');
		return;
	case BX_IS_NULL:
		sb_putc(o, '(');
		bexpr_to_sql(e->args[0], names, o);
		sb_puts(o, e->negate ? " IS NOT NULL)" : " IS NULL)");
		return;
	case BX_IS_DISTINCT:
		sb_putc(o, '(');
		bexpr_to_sql(e->args[0], names, o);
		sb_puts(o, e->negate ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
		bexpr_to_sql(e->args[1], names, o);
		sb_putc(o, ')');
		return;
	case BX_IN:
		sb_putc(o, '(');
		bexpr_to_sql(e->args[0], names, o);
		sb_puts(o, e->negate ? " NOT IN (" : " IN (");
		for (int i = 1; i < e->nargs; i++) {
			if (i > 1)
				sb_puts(o, ", ");
			bexpr_to_sql(e->args[i], names, o);
		}
		sb_puts(o, "))");
		return;
	case BX_CASE:
		sb_puts(o, "CASE");
		for (int i = 0; i + 1 < e->nargs; i += 2) {
			sb_puts(o, " WHEN ");
			bexpr_to_sql(e->args[i], names, o);
			sb_puts(o, " THEN ");
			bexpr_to_sql(e->args[i + 1], names, o);
		}
		if (e->nargs % 2) {
			sb_puts(o, " ELSE ");
			bexpr_to_sql(e->args[e->nargs - 1], names, o);
		}
		sb_puts(o, " END");
		return;
	}
}

/* ---------------------------------------------------------------- state */

struct in_set {
	int n;
	bool has_null;
	wb_type type;
	int64_t *ints;      /* sorted */
	double *dbls;       /* sorted */
	wb_str *strs;
	uint64_t *str_hash; /* open addressing over strs indexes (+1), size mask+1 */
	uint32_t *slots;
	uint32_t mask;
};

struct expr_state {
	const struct bexpr *e;
	struct expr_state **child;
	struct vec result;
	struct vec *scratch;          /* nargs flattened arguments */
	struct vec **argv;
	struct fn_call call;
	bool prepared;
	/* dictionary cache (one dictionary at a time) */
	uint64_t cache_id;
	uint32_t cache_n;
	void *cache_data;
	uint8_t *cache_nulls;
	bool cache_any_null;
	struct arena *cache_heap;
	struct wb_dict cache_dict;
	struct vec batch_out;
	struct vec batch_in;
	/* CASE */
	struct chunk tmp;
	bool tmp_init;
	bool *tmp_used;               /* the columns the CASE reads (only those are gathered) */
	uint32_t *sel_a, *sel_b, *sel_c;
	/* IN */
	struct in_set in;
	/* IS DISTINCT: equality kernel */
	const struct fn_sig *eq_sig;
};

static bool
expr_is_safe(const struct bexpr *e)
{
	/* can this expression be evaluated on rows a CASE does not select
	 * without risking a spurious error? */
	if (e->kind == BX_FUNC || e->kind == BX_CAST)
		return false;
	for (int i = 0; i < e->nargs; i++)
		if (!expr_is_safe(e->args[i]))
			return false;
	return true;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int
cmp_f64(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
in_set_build(struct expr_state *s, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	struct in_set *in = &s->in;
	in->type = e->args[0]->type;
	int n = e->nargs - 1;
	if (in->type == WB_TYPE_VARCHAR) {
		in->strs = xcalloc((size_t)n + 1, sizeof(wb_str));
		uint32_t cap = 16;
		while (cap < (uint32_t)n * 2)
			cap *= 2;
		in->mask = cap - 1;
		in->slots = xcalloc(cap, sizeof(uint32_t));
	} else if (in->type == WB_TYPE_DOUBLE) {
		in->dbls = xcalloc((size_t)n + 1, sizeof(double));
	} else {
		in->ints = xcalloc((size_t)n + 1, sizeof(int64_t));
	}
	for (int i = 1; i < e->nargs; i++) {
		const struct wb_value *v = &e->args[i]->u.value;
		if (e->args[i]->kind != BX_CONST) {
			err_set(err, e->pos, "internal: IN list item is not constant");
			return -1;
		}
		if (v->is_null || v->type == WB_TYPE_NULL) {
			in->has_null = true;
			continue;
		}
		switch (in->type) {
		case WB_TYPE_VARCHAR: {
			uint64_t h = hash_bytes(v->u.s.p, v->u.s.n);
			uint32_t slot = (uint32_t)h & in->mask;
			bool dup = false;
			while (in->slots[slot]) {
				if (wb_str_eq(in->strs[in->slots[slot] - 1], v->u.s)) {
					dup = true;
					break;
				}
				slot = (slot + 1) & in->mask;
			}
			if (!dup) {
				in->strs[in->n] = v->u.s;
				in->slots[slot] = (uint32_t)++in->n;
			}
			break;
		}
		case WB_TYPE_DOUBLE:
			in->dbls[in->n++] = v->type == WB_TYPE_BIGINT ? (double)v->u.i : v->u.d;
			break;
		case WB_TYPE_BOOL:
			in->ints[in->n++] = v->u.b;
			break;
		default:
			in->ints[in->n++] = v->u.i;
			break;
		}
	}
	if (in->ints)
		qsort(in->ints, (size_t)in->n, sizeof(int64_t), cmp_i64);
	if (in->dbls)
		qsort(in->dbls, (size_t)in->n, sizeof(double), cmp_f64);
	return 0;
}

static void
in_set_free(struct in_set *in)
{
	free(in->ints);
	free(in->dbls);
	free(in->strs);
	free(in->slots);
}

struct expr_state *
expr_state_new(const struct bexpr *e, struct wb_error *err)
{
	struct expr_state *s = xcalloc(1, sizeof *s);
	s->e = e;
	vec_init(&s->result, e->type);
	vec_init(&s->batch_out, e->type);
	vec_init(&s->batch_in, WB_TYPE_VARCHAR);
	if (e->nargs > 0) {
		s->child = xcalloc((size_t)e->nargs, sizeof(struct expr_state *));
		s->scratch = xcalloc((size_t)e->nargs, sizeof(struct vec));
		s->argv = xcalloc((size_t)e->nargs, sizeof(struct vec *));
		for (int i = 0; i < e->nargs; i++) {
			vec_init(&s->scratch[i], e->args[i]->type);
			/* IN list constants are read directly, not evaluated */
			if (e->kind == BX_IN && i > 0)
				continue;
			s->child[i] = expr_state_new(e->args[i], err);
			if (s->child[i] == NULL) {
				expr_state_free(s);
				return NULL;
			}
		}
	}
	s->call.err = err;
	s->call.pos = e->pos;
	if (e->kind == BX_FUNC && e->u.func.fn->prepare != NULL) {
		struct wb_value consts[FN_MAXARGS + 8];
		bool is_const[FN_MAXARGS + 8];
		int na = e->nargs < FN_MAXARGS + 8 ? e->nargs : FN_MAXARGS + 8;
		for (int i = 0; i < na; i++) {
			is_const[i] = e->args[i]->kind == BX_CONST;
			if (is_const[i])
				consts[i] = e->args[i]->u.value;
			else
				memset(&consts[i], 0, sizeof consts[i]);
		}
		s->call.state = e->u.func.fn->prepare(consts, is_const, na, err);
		if (err_isset(err)) {
			err_at(err, e->pos);
			expr_state_free(s);
			return NULL;
		}
		s->prepared = true;
	}
	if (e->kind == BX_IN && in_set_build(s, err) < 0) {
		expr_state_free(s);
		return NULL;
	}
	if (e->kind == BX_IS_DISTINCT) {
		wb_type t = e->args[0]->type, types[2] = {t, t}, cast[2], ret;
		const struct scalar_fn *eq = fn_lookup("=");
		s->eq_sig = eq ? fn_resolve(eq, types, NULL, 2, cast, &ret, err) : NULL;
		if (s->eq_sig == NULL) {
			err_set(err, e->pos, "cannot compare values of type %s", type_name(t));
			expr_state_free(s);
			return NULL;
		}
	}
	return s;
}

void
expr_state_free(struct expr_state *s)
{
	if (s == NULL)
		return;
	const struct bexpr *e = s->e;
	for (int i = 0; i < e->nargs; i++) {
		if (s->child)
			expr_state_free(s->child[i]);
		if (s->scratch)
			vec_free(&s->scratch[i]);
	}
	if (s->prepared && e->u.func.fn->release)
		e->u.func.fn->release(s->call.state);
	free(s->child);
	free(s->scratch);
	free(s->argv);
	vec_free(&s->result);
	vec_free(&s->batch_out);
	vec_free(&s->batch_in);
	free(s->cache_data);
	free(s->cache_nulls);
	arena_free(s->cache_heap);
	free(s->tmp_used);
	if (s->tmp_init)
		chunk_free(&s->tmp);
	free(s->sel_a);
	free(s->sel_b);
	free(s->sel_c);
	in_set_free(&s->in);
	free(s);
}

/* ------------------------------------------------------------- kernels */

/* Set out->nulls to the OR of the argument NULL flags (FLAT args). */
static void
strict_nulls(struct vec **args, int nargs, int n, struct vec *out)
{
	for (int a = 0; a < nargs; a++) {
		const uint8_t *an = args[a]->nulls;
		if (an == NULL)
			continue;
		uint8_t *on = out->nulls;
		if (on == NULL) {
			on = vec_nulls_writable(out);
			memcpy(on, an, (size_t)n);
		} else {
			for (int i = 0; i < n; i++)
				on[i] |= an[i];
		}
	}
}

static void
in_eval(struct expr_state *s, const struct vec *x, int n, struct vec *out)
{
	const struct in_set *in = &s->in;
	uint8_t *r = vec_bool(out);
	bool neg = s->e->negate;
	for (int i = 0; i < n; i++) {
		bool found = false;
		if (x->nulls && x->nulls[i]) {
			r[i] = 0;
			continue;
		}
		switch (in->type) {
		case WB_TYPE_VARCHAR: {
			wb_str v = vec_str(x)[i];
			uint32_t slot = (uint32_t)hash_bytes(v.p, v.n) & in->mask;
			while (in->slots[slot]) {
				if (wb_str_eq(in->strs[in->slots[slot] - 1], v)) {
					found = true;
					break;
				}
				slot = (slot + 1) & in->mask;
			}
			break;
		}
		case WB_TYPE_DOUBLE: {
			double v = vec_f64(x)[i];
			int lo = 0, hi = in->n - 1;
			while (lo <= hi) {
				int mid = (lo + hi) / 2;
				if (in->dbls[mid] == v) {
					found = true;
					break;
				}
				if (in->dbls[mid] < v)
					lo = mid + 1;
				else
					hi = mid - 1;
			}
			break;
		}
		default: {
			int64_t v = in->type == WB_TYPE_BOOL ? vec_bool(x)[i] : vec_i64(x)[i];
			int lo = 0, hi = in->n - 1;
			while (lo <= hi) {
				int mid = (lo + hi) / 2;
				if (in->ints[mid] == v) {
					found = true;
					break;
				}
				if (in->ints[mid] < v)
					lo = mid + 1;
				else
					hi = mid - 1;
			}
		}
		}
		if (found) {
			r[i] = !neg;
		} else if (in->has_null) {
			vec_set_null(out, i);
			r[i] = 0;
		} else {
			r[i] = neg;
		}
	}
	if (x->nulls) {
		uint8_t *on = vec_nulls_writable(out);
		for (int i = 0; i < n; i++)
			on[i] |= x->nulls[i];
	}
}

/* Evaluate a function/cast/IN node on FLAT arguments. */
static int
eval_flat(struct expr_state *s, struct vec **args, int n, struct vec *out, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	vec_reset(out);
	out->n = n;
	switch (e->kind) {
	case BX_FUNC: {
		unsigned flags = e->u.func.sig->flags;
		if (!(flags & FN_NONSTRICT))
			strict_nulls(args, e->nargs, n, out);
		s->call.err = err;
		if (e->u.func.sig->kernel(&s->call, args, e->nargs, n, out) < 0) {
			if (!err_isset(err))
				err_set(err, e->pos, "%s failed", e->u.func.fn->name);
			err_at(err, e->pos);
			return -1;
		}
		return 0;
	}
	case BX_CAST:
		strict_nulls(args, 1, n, out);
		s->call.err = err;
		if (e->u.cast.kernel(&s->call, args, 1, n, out) < 0) {
			err_at(err, e->pos);
			return -1;
		}
		return 0;
	case BX_IN:
		in_eval(s, args[0], n, out);
		return 0;
	default:
		err_set(err, e->pos, "internal: eval_flat on node kind %d", (int)e->kind);
		return -1;
	}
}

/* Copy a batch result into the dictionary cache at offset `at`. */
static void
cache_store(struct expr_state *s, const struct vec *b, uint32_t at, int n)
{
	size_t sz = type_size(s->e->type);
	if (s->e->type == WB_TYPE_VARCHAR) {
		wb_str *dst = (wb_str *)s->cache_data + at;
		for (int i = 0; i < n; i++) {
			if (b->nulls && b->nulls[i]) {
				dst[i].p = "";
				dst[i].n = 0;
				continue;
			}
			wb_str v = vec_str(b)[i];
			char *p = arena_alloc(s->cache_heap, v.n);
			if (v.n)
				memcpy(p, v.p, v.n);
			dst[i].p = p;
			dst[i].n = v.n;
		}
	} else if (type_is_list(s->e->type)) {
		/* the batch's lists live in its heap, reset by the next batch */
		wb_list *dst = (wb_list *)s->cache_data + at;
		wb_type et = type_list_elem(s->e->type);
		for (int i = 0; i < n; i++)
			dst[i] = b->nulls && b->nulls[i] ? list_empty() : list_copy(s->cache_heap, vec_list(b)[i], et);
	} else {
		memcpy((char *)s->cache_data + (size_t)at * sz, b->data, sz * (size_t)n);
	}
	for (int i = 0; i < n; i++) {
		uint8_t isnull = b->nulls ? b->nulls[i] : 0;
		s->cache_nulls[at + (uint32_t)i] = isnull;
		s->cache_any_null |= isnull;
	}
}

/* Evaluate node over the dictionary of argument `di` (others CONST). */
static int
eval_dict(struct expr_state *s, int di, struct vec **vals, int n, struct vec *out, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	const struct vec *dv = vals[di];
	const struct wb_dict *d = dv->dict;
	if (s->cache_id != d->id) {
		size_t sz = type_size(e->type);
		free(s->cache_data);
		free(s->cache_nulls);
		s->cache_data = xmalloc(sz * (d->n ? d->n : 1));
		s->cache_nulls = xmalloc(d->n ? d->n : 1);
		s->cache_any_null = false;
		if (s->cache_heap == NULL)
			s->cache_heap = arena_new(64 * 1024);
		else
			arena_reset(s->cache_heap);
		s->cache_id = 0;
		for (uint32_t off = 0; off < d->n; off += WB_VEC_SIZE) {
			int bn = d->n - off < WB_VEC_SIZE ? (int)(d->n - off) : WB_VEC_SIZE;
			struct vec **args = s->argv;
			for (int a = 0; a < e->nargs; a++) {
				if (e->kind == BX_IN && a > 0)
					break;
				struct vec *sc = &s->scratch[a];
				if (a == di) {
					vec_reset(&s->batch_in);
					s->batch_in.data = (void *)(d->vals + off);
					s->batch_in.n = bn;
					args[a] = &s->batch_in;
				} else {
					vec_ref(sc, vals[a]);
					sc->n = bn;
					vec_flatten(sc);
					args[a] = sc;
				}
			}
			if (eval_flat(s, args, bn, &s->batch_out, err) < 0)
				return -1;
			cache_store(s, &s->batch_out, off, bn);
		}
		s->cache_id = d->id;
		s->cache_n = d->n;
		s->cache_dict.n = d->n;
		s->cache_dict.vals = s->cache_data;
		s->cache_dict.id = dict_next_id();
	}
	/* map codes through the cached results */
	const uint32_t *codes = vec_codes(dv);
	vec_reset(out);
	out->n = n;
	if (e->type == WB_TYPE_VARCHAR) {
		out->kind = VEC_DICT;
		out->dict = &s->cache_dict;
		memcpy(out->data, codes, sizeof(uint32_t) * (size_t)n);
	} else {
		size_t sz = type_size(e->type);
		if (sz == 1) {
			const uint8_t *c = s->cache_data;
			uint8_t *o = out->data;
			for (int i = 0; i < n; i++)
				o[i] = c[codes[i]];
		} else if (sz == 8) {
			const int64_t *c = s->cache_data;
			int64_t *o = out->data;
			for (int i = 0; i < n; i++)
				o[i] = c[codes[i]];
		} else {
			for (int i = 0; i < n; i++)
				memcpy((char *)out->data + (size_t)i * sz, (char *)s->cache_data + (size_t)codes[i] * sz, sz);
		}
	}
	if (dv->nulls || s->cache_any_null) {
		uint8_t *on = vec_nulls_writable(out);
		for (int i = 0; i < n; i++)
			on[i] = (dv->nulls ? dv->nulls[i] : 0) | s->cache_nulls[codes[i]];
	}
	return 0;
}

/* Function-like node: handle CONST / DICT / FLAT argument shapes. */
static int
eval_fnlike(struct expr_state *s, struct vec **vals, int n, struct vec *out, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	int na = e->kind == BX_IN ? 1 : e->nargs;
	bool all_const = true, volatile_fn = e->kind == BX_FUNC && (e->u.func.sig->flags & FN_VOLATILE);
	int ndict = 0, di = -1, nflat = 0;
	for (int a = 0; a < na; a++) {
		if (vals[a]->kind != VEC_CONST)
			all_const = false;
		if (vals[a]->kind == VEC_DICT) {
			ndict++;
			di = a;
		} else if (vals[a]->kind == VEC_FLAT) {
			nflat++;
		}
	}
	if (all_const && !volatile_fn && na > 0) {
		struct vec **args = s->argv;
		for (int a = 0; a < na; a++) {
			struct vec *sc = &s->scratch[a];
			vec_ref(sc, vals[a]);
			sc->n = 1;
			vec_flatten(sc);
			args[a] = sc;
		}
		if (eval_flat(s, args, 1, out, err) < 0)
			return -1;
		out->kind = VEC_CONST;
		out->n = n;
		return 0;
	}
	/* The dictionary path computes f(entry) and ORs in the row NULLs,
	 * which is only right when f(NULL) is NULL: a non-strict function
	 * (coalesce, concat_ws) over a column with NULLs takes the flat path. */
	bool nonstrict = e->kind == BX_FUNC && (e->u.func.sig->flags & FN_NONSTRICT);
	if (ndict == 1 && nflat == 0 && !volatile_fn && !(nonstrict && vec_has_nulls(vals[di])))
		return eval_dict(s, di, vals, n, out, err);
	struct vec **args = s->argv;
	for (int a = 0; a < na; a++) {
		if (vals[a]->kind == VEC_FLAT) {
			args[a] = vals[a];
		} else {
			struct vec *sc = &s->scratch[a];
			vec_ref(sc, vals[a]);
			sc->n = n;
			vec_flatten(sc);
			args[a] = sc;
		}
	}
	return eval_flat(s, args, n, out, err);
}

static inline uint8_t
bool_at(const struct vec *v, int i, uint8_t *isnull)
{
	int k = v->kind == VEC_CONST ? 0 : i;
	*isnull = v->nulls ? v->nulls[k] : 0;
	return ((const uint8_t *)v->data)[k];
}

static void
eval_andor(const struct bexpr *e, struct vec **vals, int n, struct vec *out)
{
	bool is_and = e->kind == BX_AND;
	vec_reset(out);
	out->n = n;
	uint8_t *r = vec_bool(out);
	uint8_t *rn = NULL;
	for (int i = 0; i < n; i++) {
		/* decided: AND sees a FALSE / OR sees a TRUE */
		bool decided = false, anynull = false;
		for (int a = 0; a < e->nargs; a++) {
			uint8_t isnull;
			uint8_t v = bool_at(vals[a], i, &isnull);
			if (isnull)
				anynull = true;
			else if ((v != 0) != is_and) {
				decided = true;
				break;
			}
		}
		if (decided) {
			r[i] = !is_and;
		} else if (anynull) {
			if (rn == NULL)
				rn = vec_nulls_writable(out);
			rn[i] = 1;
			r[i] = 0;
		} else {
			r[i] = is_and;
		}
	}
}

static int eval_node(struct expr_state *s, const struct chunk *in, int n, struct vec **out, struct wb_error *err);

/* Build s->tmp as the rows sel[0..m) of `in`. */
static void
gather_chunk(struct expr_state *s, const struct chunk *in, const uint32_t *sel, int m)
{
	if (!s->tmp_init || s->tmp.ncol != in->ncol) {
		if (s->tmp_init)
			chunk_free(&s->tmp);
		wb_type *types = xmalloc(sizeof(wb_type) * (size_t)(in->ncol ? in->ncol : 1));
		for (int c = 0; c < in->ncol; c++)
			types[c] = in->cols[c].type;
		chunk_init(&s->tmp, in->ncol, types);
		free(types);
		s->tmp_init = true;
		/* a join's pair chunk fills only the columns its residual reads:
		 * the others must not be touched */
		free(s->tmp_used);
		s->tmp_used = xcalloc((size_t)(in->ncol ? in->ncol : 1), sizeof *s->tmp_used);
		bexpr_columns_used(s->e, s->tmp_used, in->ncol);
	}
	for (int c = 0; c < in->ncol; c++) {
		if (!s->tmp_used[c])
			continue;
		if (s->tmp.cols[c].type != in->cols[c].type)
			vec_retype(&s->tmp.cols[c], in->cols[c].type);
		vec_gather(&s->tmp.cols[c], &in->cols[c], sel, m);
	}
	s->tmp.n = m;
}

/* Write rows of v (m rows) into out at positions pos[]. */
static void
scatter(struct vec *out, const struct vec *v, const uint32_t *pos, int m)
{
	size_t sz = type_size(out->type);
	for (int j = 0; j < m; j++) {
		uint32_t p = pos[j];
		if (vec_is_null(v, j)) {
			vec_nulls_writable(out)[p] = 1;
			continue;
		}
		if (out->nulls)
			out->nulls[p] = 0;
		if (out->type == WB_TYPE_VARCHAR) {
			vec_str(out)[p] = vec_str_at(v, j);
		} else {
			int k = v->kind == VEC_CONST ? 0 : j;
			memcpy((char *)out->data + (size_t)p * sz, (const char *)v->data + (size_t)k * sz, sz);
		}
	}
}

static int
eval_case(struct expr_state *s, const struct chunk *in, int n, struct vec *out, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	int nwhen = e->nargs / 2;
	bool has_else = e->nargs % 2 == 1;
	if (s->sel_a == NULL) {
		s->sel_a = xmalloc(sizeof(uint32_t) * WB_VEC_SIZE);
		s->sel_b = xmalloc(sizeof(uint32_t) * WB_VEC_SIZE);
		s->sel_c = xmalloc(sizeof(uint32_t) * WB_VEC_SIZE);
	}
	uint32_t *rem = s->sel_a, *take = s->sel_b, *rest = s->sel_c;
	int m = n;
	for (int i = 0; i < n; i++)
		rem[i] = (uint32_t)i;
	vec_reset(out);
	if (n <= 0 || n > WB_VEC_SIZE)
		return 0;
	out->n = n;
	memset(vec_nulls_writable(out), 1, (size_t)n);
	memset(out->data, 0, type_size(out->type) * (size_t)n);
	bool identity = true;  /* rem == 0..n-1 */
	for (int w = 0; w < nwhen && m > 0; w++) {
		const struct chunk *sub = in;
		if (!identity) {
			gather_chunk(s, in, rem, m);
			sub = &s->tmp;
		}
		struct vec *cond;
		if (eval_node(s->child[2 * w], sub, m, &cond, err) < 0)
			return -1;
		int nt = 0, nr = 0;
		for (int j = 0; j < m; j++) {
			uint8_t isnull;
			uint8_t v = bool_at(cond, j, &isnull);
			if (v && !isnull)
				take[nt++] = (uint32_t)j;
			else
				rest[nr++] = (uint32_t)j;
		}
		if (nt > 0) {
			struct vec *val;
			const struct bexpr *then = e->args[2 * w + 1];
			if (nt == m) {
				if (eval_node(s->child[2 * w + 1], sub, m, &val, err) < 0)
					return -1;
				for (int j = 0; j < nt; j++)
					take[j] = rem[j];
				scatter(out, val, take, nt);
			} else if (expr_is_safe(then)) {
				if (eval_node(s->child[2 * w + 1], sub, m, &val, err) < 0)
					return -1;
				/* pick the taken rows out of the full evaluation */
				for (int j = 0; j < nt; j++) {
					uint32_t src = take[j];
					struct wb_value v;
					vec_get(val, (int)src, &v);
					if (v.is_null) {
						vec_nulls_writable(out)[rem[src]] = 1;
					} else {
						out->nulls[rem[src]] = 0;
						size_t sz = type_size(out->type);
						switch (out->type) {
						case WB_TYPE_BOOL: vec_bool(out)[rem[src]] = v.u.b; break;
						case WB_TYPE_DOUBLE: vec_f64(out)[rem[src]] = v.u.d; break;
						case WB_TYPE_VARCHAR: vec_str(out)[rem[src]] = v.u.s; break;
						case WB_TYPE_INTERVAL: vec_iv(out)[rem[src]] = v.u.iv; break;
						default:
							if (type_is_list(out->type))
								vec_list(out)[rem[src]] = v.u.l;
							else
								memcpy((char *)out->data + rem[src] * sz, &v.u.i, sz);
							break;
						}
					}
				}
			} else {
				/* rows of `in` that take this branch */
				uint32_t *abs_take = xmalloc(sizeof(uint32_t) * (size_t)nt);
				for (int j = 0; j < nt; j++)
					abs_take[j] = rem[take[j]];
				gather_chunk(s, in, abs_take, nt);
				if (eval_node(s->child[2 * w + 1], &s->tmp, nt, &val, err) < 0) {
					free(abs_take);
					return -1;
				}
				scatter(out, val, abs_take, nt);
				free(abs_take);
			}
		}
		for (int j = 0; j < nr; j++)
			rest[j] = rem[rest[j]];
		uint32_t *t = rem;
		rem = rest;
		rest = t;
		identity = identity && nr == m;
		m = nr;
	}
	if (has_else && m > 0) {
		struct vec *val;
		if (m == n) {
			if (eval_node(s->child[e->nargs - 1], in, n, &val, err) < 0)
				return -1;
			scatter(out, val, rem, m);
		} else {
			gather_chunk(s, in, rem, m);
			if (eval_node(s->child[e->nargs - 1], &s->tmp, m, &val, err) < 0)
				return -1;
			scatter(out, val, rem, m);
		}
	}
	/* keep scratch pointers consistent for the next call */
	s->sel_a = rem;
	s->sel_c = rest;
	return 0;
}

static int
eval_node(struct expr_state *s, const struct chunk *in, int n, struct vec **out, struct wb_error *err)
{
	const struct bexpr *e = s->e;
	struct vec *vals[64];
	struct vec **pv = e->nargs <= 64 ? vals : xmalloc(sizeof(struct vec *) * (size_t)e->nargs);
	int rc = 0;

	switch (e->kind) {
	case BX_CONST:
		vec_set_const(&s->result, &e->u.value, n);
		*out = &s->result;
		break;
	case BX_COLUMN:
		*out = &in->cols[e->u.column];
		break;
	case BX_CASE:
		rc = eval_case(s, in, n, &s->result, err);
		*out = &s->result;
		break;
	default: {
		int na = e->kind == BX_IN ? 1 : e->nargs;
		for (int a = 0; a < na; a++) {
			if (eval_node(s->child[a], in, n, &pv[a], err) < 0) {
				rc = -1;
				goto done;
			}
		}
		*out = &s->result;
		switch (e->kind) {
		case BX_FUNC:
		case BX_CAST:
		case BX_IN:
			rc = eval_fnlike(s, pv, n, &s->result, err);
			break;
		case BX_AND:
		case BX_OR:
			eval_andor(e, pv, n, &s->result);
			break;
		case BX_NOT: {
			struct vec *a = pv[0], *r = &s->result;
			vec_reset(r);
			r->n = n;
			if (a->kind == VEC_CONST) {
				r->kind = VEC_CONST;
				vec_bool(r)[0] = !vec_bool(a)[0];
				if (a->nulls && a->nulls[0])
					vec_nulls_writable(r)[0] = 1;
				break;
			}
			const uint8_t *av = vec_bool(a);
			uint8_t *rv = vec_bool(r);
			for (int i = 0; i < n; i++)
				rv[i] = !av[i];
			if (a->nulls)
				memcpy(vec_nulls_writable(r), a->nulls, (size_t)n);
			break;
		}
		case BX_IS_NULL: {
			struct vec *a = pv[0], *r = &s->result;
			vec_reset(r);
			r->n = n;
			uint8_t *rv = vec_bool(r);
			if (a->kind == VEC_CONST) {
				r->kind = VEC_CONST;
				rv[0] = (a->nulls && a->nulls[0]) ^ e->negate;
			} else if (a->nulls == NULL) {
				for (int i = 0; i < n; i++)
					rv[i] = e->negate;
			} else {
				for (int i = 0; i < n; i++)
					rv[i] = (a->nulls[i] != 0) ^ e->negate;
			}
			break;
		}
		case BX_IS_DISTINCT: {
			/* equality on flattened values, then NULL rules */
			struct vec *fa = &s->scratch[0], *fb = &s->scratch[1], *r = &s->result;
			vec_ref(fa, pv[0]);
			fa->n = n;
			vec_flatten(fa);
			vec_ref(fb, pv[1]);
			fb->n = n;
			vec_flatten(fb);
			struct vec *args2[2] = {fa, fb};
			vec_reset(r);
			r->n = n;
			s->call.err = err;
			if (s->eq_sig->kernel(&s->call, args2, 2, n, r) < 0) {
				rc = -1;
				break;
			}
			uint8_t *rv = vec_bool(r);
			for (int i = 0; i < n; i++) {
				bool an = fa->nulls && fa->nulls[i], bn = fb->nulls && fb->nulls[i];
				bool distinct = (an || bn) ? (an != bn) : !rv[i];
				rv[i] = distinct ^ e->negate;
			}
			r->nulls = NULL;
			break;
		}
		default:
			err_set(err, e->pos, "internal: cannot evaluate expression kind %d", (int)e->kind);
			rc = -1;
		}
	}
	}
done:
	if (pv != vals)
		free(pv);
	return rc;
}

int
expr_eval(struct expr_state *s, const struct chunk *in, struct vec **out, struct wb_error *err)
{
	return eval_node(s, in, in->n, out, err);
}

int
expr_eval_const(const struct bexpr *e, struct arena *a, struct wb_value *out, struct wb_error *err)
{
	struct chunk empty;
	struct vec *v;
	int rc = -1;
	chunk_init(&empty, 0, NULL);
	empty.n = 1;
	struct expr_state *s = expr_state_new(e, err);
	if (s != NULL && eval_node(s, &empty, 1, &v, err) == 0) {
		vec_get(v, 0, out);
		out->type = e->type;
		if (!out->is_null && out->type == WB_TYPE_VARCHAR) {
			char *p = arena_alloc(a, out->u.s.n + 1);
			if (out->u.s.n)
				memcpy(p, out->u.s.p, out->u.s.n);
			p[out->u.s.n] = '\0';
			out->u.s.p = p;
		}
		if (!out->is_null && type_is_list(out->type))
			out->u.l = list_copy(a, out->u.l, type_list_elem(out->type));
		rc = 0;
	}
	expr_state_free(s);
	chunk_free(&empty);
	return rc;
}

int
expr_select_true(const struct vec *v, int n, uint32_t *sel)
{
	int m = 0;
	if (v->kind == VEC_CONST) {
		bool t = vec_bool(v)[0] && !(v->nulls && v->nulls[0]);
		if (!t)
			return 0;
		for (int i = 0; i < n; i++)
			sel[i] = (uint32_t)i;
		return n;
	}
	const uint8_t *b = vec_bool(v);
	if (v->nulls == NULL) {
		for (int i = 0; i < n; i++) {
			sel[m] = (uint32_t)i;
			m += b[i] != 0;
		}
	} else {
		const uint8_t *nl = v->nulls;
		for (int i = 0; i < n; i++) {
			sel[m] = (uint32_t)i;
			m += (b[i] != 0) & (nl[i] == 0);
		}
	}
	return m;
}

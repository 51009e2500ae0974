/*
 * bind_window: window function calls (f(...) OVER (...)).
 *
 * Each call is bound into a win_entry of the SELECT's win_collect and
 * replaced by a BX_WINREF; bind_window_nodes() later stacks one PN_WINDOW
 * node per distinct (PARTITION BY, ORDER BY) pair over the SELECT's input,
 * so that calls sharing a window share its sort. Named windows (WINDOW w
 * AS (...), OVER w, OVER (w ORDER BY ...)) are resolved here.
 */
#include "sql/bind_int.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "func/agg.h"
#include "func/func.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	enum pn_win_kind kind;
	int min_args, max_args;
} win_fns[] = {
	{"row_number", PW_ROW_NUMBER, 0, 0},
	{"rank", PW_RANK, 0, 0},
	{"dense_rank", PW_DENSE_RANK, 0, 0},
	{"percent_rank", PW_PERCENT_RANK, 0, 0},
	{"cume_dist", PW_CUME_DIST, 0, 0},
	{"ntile", PW_NTILE, 1, 1},
	{"lag", PW_LAG, 1, 3},
	{"lead", PW_LEAD, 1, 3},
	{"first_value", PW_FIRST_VALUE, 1, 1},
	{"last_value", PW_LAST_VALUE, 1, 1},
	{"nth_value", PW_NTH_VALUE, 2, 2},
};

/* The effective window of a call: its own spec over the named one it
 * extends (the SQL rules: a reference may add ORDER BY and a frame to a
 * window that has none, never a PARTITION BY). */
struct win_spec {
	struct ast_list *partition;
	struct ast_list *order;
	enum ast_frame_type frame;
	struct ast_frame_bound start, end;
	int pos;
};

static struct ast *
find_named(struct win_collect *wc, const char *name)
{
	for (int i = 0; wc->named && i < wc->named->n; i++)
		if (strcasecmp(wc->named->v[i]->u.win.name, name) == 0)
			return wc->named->v[i];
	return NULL;
}

static int
resolve_spec(struct binder *b, struct win_collect *wc, struct ast *w, struct win_spec *out, int depth)
{
	if (depth > 16) {
		err_set(b->err, w->pos, "window definitions refer to each other in a cycle");
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->pos = w->pos;
	if (w->u.win.base) {
		struct ast *base = find_named(wc, w->u.win.base);
		if (base == NULL) {
			err_set(b->err, w->pos, "window \"%s\" does not exist", w->u.win.base);
			err_hint(b->err, "define it in a WINDOW clause: WINDOW %s AS (PARTITION BY ... ORDER BY ...)", w->u.win.base);
			return -1;
		}
		if (resolve_spec(b, wc, base, out, depth + 1) < 0)
			return -1;
		if (w->u.win.partition.n) {
			err_set(b->err, w->pos, "cannot override the PARTITION BY of window \"%s\"", w->u.win.base);
			return -1;
		}
		if (w->u.win.order.n && out->order && out->order->n) {
			err_set(b->err, w->pos, "cannot override the ORDER BY of window \"%s\"", w->u.win.base);
			return -1;
		}
		if (out->frame != FRAME_NONE && (w->u.win.order.n || w->u.win.frame != FRAME_NONE)) {
			err_set(b->err, w->pos, "cannot extend window \"%s\": it has a frame", w->u.win.base);
			err_hint(b->err, "use OVER %s as it is, or define the frame in the referencing window only", w->u.win.base);
			return -1;
		}
	} else {
		out->partition = &w->u.win.partition;
	}
	if (w->u.win.order.n)
		out->order = &w->u.win.order;
	if (w->u.win.frame != FRAME_NONE) {
		out->frame = w->u.win.frame;
		out->start = w->u.win.start;
		out->end = w->u.win.end;
	}
	return 0;
}

/* A frame offset: a constant, non-negative row count (ROWS) or distance
 * (RANGE: a number for numeric keys, an INTERVAL for DATE / TIMESTAMP). */
static int
frame_offset(struct binder *b, const struct ast_frame_bound *fb, enum pn_frame_unit unit, wb_type key,
    int64_t *ioff, struct wb_value *voff)
{
	if (fb->offset == NULL)
		return 0;
	struct wb_value v;
	if (bind_constant(b, fb->offset, &v) < 0)
		return -1;
	if (v.is_null) {
		err_set(b->err, fb->offset->pos, "a window frame offset cannot be NULL");
		return -1;
	}
	if (unit == PF_ROWS) {
		if (v.type != WB_TYPE_BIGINT || v.u.i < 0) {
			err_set(b->err, fb->offset->pos, "a ROWS frame offset must be a non-negative integer");
			return -1;
		}
		*ioff = v.u.i;
		return 0;
	}
	if (key == WB_TYPE_DATE || key == WB_TYPE_TIMESTAMP) {
		if (v.type != WB_TYPE_INTERVAL) {
			err_set(b->err, fb->offset->pos, "a RANGE frame over a %s key needs an INTERVAL offset", type_name(key));
			err_hint(b->err, "for example RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW");
			return -1;
		}
		if (v.u.iv.months < 0 || v.u.iv.days < 0 || v.u.iv.micros < 0) {
			err_set(b->err, fb->offset->pos, "a RANGE frame offset must not be negative");
			return -1;
		}
	} else if (type_is_numeric(key)) {
		if (!type_is_numeric(v.type) || (v.type == WB_TYPE_BIGINT ? v.u.i < 0 : v.u.d < 0)) {
			err_set(b->err, fb->offset->pos, "a RANGE frame offset must be a non-negative number");
			return -1;
		}
		if (key == WB_TYPE_DOUBLE && v.type == WB_TYPE_BIGINT) {
			v.u.d = (double)v.u.i;
			v.type = WB_TYPE_DOUBLE;
		} else if (key == WB_TYPE_BIGINT && v.type == WB_TYPE_DOUBLE) {
			/* keep the exact distance; the key is compared as a double */
		}
	} else {
		err_set(b->err, fb->offset->pos, "a RANGE frame with an offset needs a numeric, DATE or TIMESTAMP ORDER BY key, not %s",
		    type_name(key));
		return -1;
	}
	*voff = v;
	return 0;
}

static enum pn_bound
bound_of(enum ast_bound_type t)
{
	switch (t) {
	case BOUND_UNBOUNDED_PRECEDING: return PB_UNBOUNDED_PRECEDING;
	case BOUND_PRECEDING: return PB_PRECEDING;
	case BOUND_CURRENT_ROW: return PB_CURRENT_ROW;
	case BOUND_FOLLOWING: return PB_FOLLOWING;
	case BOUND_UNBOUNDED_FOLLOWING: return PB_UNBOUNDED_FOLLOWING;
	}
	return PB_CURRENT_ROW;
}

static int
bind_frame(struct binder *b, const struct win_spec *ws, struct win_entry *we)
{
	struct pn_frame *f = &we->fn.frame;
	memset(f, 0, sizeof *f);
	if (ws->frame == FRAME_NONE) {
		/* SQL default: up to the current row's last peer when ordered,
		 * else the whole partition */
		f->unit = we->norder ? PF_RANGE : PF_ROWS;
		f->start = PB_UNBOUNDED_PRECEDING;
		f->end = we->norder ? PB_CURRENT_ROW : PB_UNBOUNDED_FOLLOWING;
		return 0;
	}
	f->unit = ws->frame == FRAME_ROWS ? PF_ROWS : PF_RANGE;
	f->start = bound_of(ws->start.type);
	f->end = bound_of(ws->end.type);
	if (f->start == PB_UNBOUNDED_FOLLOWING) {
		err_set(b->err, ws->pos, "a window frame cannot start at UNBOUNDED FOLLOWING");
		return -1;
	}
	if (f->end == PB_UNBOUNDED_PRECEDING) {
		err_set(b->err, ws->pos, "a window frame cannot end at UNBOUNDED PRECEDING");
		return -1;
	}
	if (f->end < f->start) {
		err_set(b->err, ws->pos, "the window frame ends before it starts");
		err_hint(b->err, "write the start bound first: BETWEEN 3 PRECEDING AND CURRENT ROW");
		return -1;
	}
	bool has_offset = ws->start.offset || ws->end.offset;
	wb_type key = WB_TYPE_NULL;
	if (f->unit == PF_RANGE && has_offset) {
		if (we->norder != 1) {
			err_set(b->err, ws->pos, "a RANGE frame with an offset needs exactly one ORDER BY key (this window has %d)",
			    we->norder);
			err_hint(b->err, "use ROWS BETWEEN ... for a frame counted in rows");
			return -1;
		}
		key = we->order[0].expr->type;
	}
	if (frame_offset(b, &ws->start, f->unit, key, &f->start_ioff, &f->start_voff) < 0 ||
	    frame_offset(b, &ws->end, f->unit, key, &f->end_ioff, &f->end_voff) < 0)
		return -1;
	return 0;
}

static bool
same_window(const struct win_entry *a, const struct win_entry *b)
{
	if (a->npartition != b->npartition || a->norder != b->norder)
		return false;
	for (int i = 0; i < a->npartition; i++)
		if (!bexpr_equal(a->partition[i], b->partition[i]))
			return false;
	for (int i = 0; i < a->norder; i++)
		if (!bexpr_equal(a->order[i].expr, b->order[i].expr) || a->order[i].desc != b->order[i].desc ||
		    a->order[i].nulls_first != b->order[i].nulls_first)
			return false;
	return true;
}

static bool
same_call(const struct win_entry *a, const struct win_entry *b)
{
	if (a->fn.kind != b->fn.kind || a->fn.agg != b->fn.agg || a->fn.sig != b->fn.sig || a->fn.nargs != b->fn.nargs ||
	    a->fn.distinct != b->fn.distinct || a->fn.ignore_nulls != b->fn.ignore_nulls ||
	    memcmp(&a->fn.frame, &b->fn.frame, sizeof a->fn.frame) != 0 || !same_window(a, b))
		return false;
	for (int i = 0; i < a->fn.nargs; i++)
		if (!bexpr_equal(a->fn.args[i], b->fn.args[i]))
			return false;
	return true;
}

static int
bind_args(struct binder *b, struct ast *e, struct bind_env *sub, struct bexpr **args, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		struct ast *a = e->u.func.args.v[i];
		if (a->kind == AST_NAMED_ARG) {
			err_set(b->err, a->pos, "%s() does not take named arguments", e->u.func.name);
			return -1;
		}
		args[i] = bind_expr(b, a, sub);
		if (args[i] == NULL)
			return -1;
	}
	return 0;
}

/* The constant integer argument of ntile / nth_value / lag / lead (NULL
 * allowed when null_ok: the result is NULL). */
static int
const_count_arg(struct binder *b, struct ast *a, const char *fn, const char *what, int64_t min, bool null_ok)
{
	struct wb_value v;
	if (bind_constant(b, a, &v) < 0) {
		err_clear(b->err);
		err_set(b->err, a->pos, "%s(): the %s must be a constant integer", fn, what);
		return -1;
	}
	if (v.is_null && null_ok)
		return 0;
	if (v.is_null || v.type != WB_TYPE_BIGINT || v.u.i < min) {
		err_set(b->err, a->pos, "%s(): the %s must be an integer >= %lld", fn, what, (long long)min);
		return -1;
	}
	return 0;
}

static int
bind_ranking_or_value(struct binder *b, struct ast *e, int k, struct bind_env *sub, struct win_entry *we)
{
	const char *name = win_fns[k].name;
	int nargs = e->u.func.args.n;
	if (e->u.func.star || nargs < win_fns[k].min_args || nargs > win_fns[k].max_args) {
		if (win_fns[k].min_args == win_fns[k].max_args)
			err_set(b->err, e->pos, "%s() takes %d argument%s, not %d", name, win_fns[k].min_args,
			    win_fns[k].min_args == 1 ? "" : "s", nargs);
		else
			err_set(b->err, e->pos, "%s() takes %d to %d arguments, not %d", name, win_fns[k].min_args,
			    win_fns[k].max_args, nargs);
		return -1;
	}
	if (e->u.func.distinct || e->u.func.filter) {
		err_set(b->err, e->pos, "%s() does not take DISTINCT or FILTER", name);
		return -1;
	}
	enum pn_win_kind kind = win_fns[k].kind;
	bool value_fn = kind == PW_LAG || kind == PW_LEAD || kind == PW_FIRST_VALUE || kind == PW_LAST_VALUE ||
	    kind == PW_NTH_VALUE;
	if (e->u.func.ignore_nulls == 1 && !value_fn) {
		err_set(b->err, e->pos, "IGNORE NULLS applies to lag, lead, first_value, last_value and nth_value, not %s()", name);
		return -1;
	}
	we->fn.ignore_nulls = e->u.func.ignore_nulls == 1;
	struct bexpr **args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nargs ? nargs : 1));
	if (bind_args(b, e, sub, args, nargs) < 0)
		return -1;
	we->fn.kind = kind;
	we->fn.nargs = nargs;
	we->fn.args = args;
	switch (kind) {
	case PW_PERCENT_RANK:
	case PW_CUME_DIST:
		we->fn.ret = WB_TYPE_DOUBLE;
		break;
	case PW_NTILE:
		if (const_count_arg(b, e->u.func.args.v[0], name, "bucket count", 1, true) < 0)
			return -1;
		args[0] = bind_coerce(b, args[0], WB_TYPE_BIGINT, args[0]->pos);
		we->fn.ret = WB_TYPE_BIGINT;
		break;
	case PW_LAG:
	case PW_LEAD: {
		wb_type t = args[0]->type;
		if (nargs >= 2) {
			if (const_count_arg(b, e->u.func.args.v[1], name, "offset", INT64_MIN, true) < 0)
				return -1;
			args[1] = bind_coerce(b, args[1], WB_TYPE_BIGINT, args[1]->pos);
		}
		if (nargs == 3) {
			wb_type u;
			if (!fn_common_type(t, args[2]->type, &u)) {
				err_set(b->err, args[2]->pos, "%s(): the default (%s) does not match the value (%s)", name,
				    type_name(args[2]->type), type_name(t));
				return -1;
			}
			t = u;
			args[0] = bind_coerce(b, args[0], t, args[0]->pos);
			args[2] = bind_coerce(b, args[2], t, args[2]->pos);
			if (args[0] == NULL || args[2] == NULL)
				return -1;
		}
		we->fn.ret = t;
		break;
	}
	case PW_NTH_VALUE:
		if (const_count_arg(b, e->u.func.args.v[1], name, "position", 1, false) < 0)
			return -1;
		args[1] = bind_coerce(b, args[1], WB_TYPE_BIGINT, args[1]->pos);
		we->fn.ret = args[0]->type;
		break;
	case PW_FIRST_VALUE:
	case PW_LAST_VALUE:
		we->fn.ret = args[0]->type;
		break;
	default:
		we->fn.ret = WB_TYPE_BIGINT;
		break;
	}
	if (we->fn.ret == WB_TYPE_NULL)
		we->fn.ret = WB_TYPE_BIGINT;
	return 0;
}

static int
bind_window_agg(struct binder *b, struct ast *e, const struct agg_fn *af, struct bind_env *sub, struct win_entry *we)
{
	int nargs = e->u.func.star ? 0 : e->u.func.args.n;
	if (nargs > AGG_MAXARGS) {
		err_set(b->err, e->pos, "%s: too many arguments", af->name);
		return -1;
	}
	if (e->u.func.star && strcasecmp(af->name, "count") != 0) {
		err_set(b->err, e->pos, "%s(*) is not valid; only count(*) takes *", af->name);
		return -1;
	}
	if (e->u.func.order.n) {
		err_set(b->err, e->pos, "%s(... ORDER BY ...) is not supported with OVER; order the window instead", af->name);
		return -1;
	}
	if (e->u.func.ignore_nulls == 1) {
		err_set(b->err, e->pos, "IGNORE NULLS does not apply to %s(); aggregates skip NULLs already", af->name);
		return -1;
	}
	if (e->u.func.distinct && nargs != 1) {
		err_set(b->err, e->pos, "DISTINCT is supported for aggregates of one argument");
		return -1;
	}
	struct bexpr **args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nargs ? nargs : 1));
	if (bind_args(b, e, sub, args, nargs) < 0)
		return -1;
	if (e->u.func.filter) {
		/* agg(x) FILTER (WHERE c) = agg(CASE WHEN c THEN x END): the
		 * aggregate skips the NULLs; count(*) counts CASE WHEN c THEN 1 */
		struct bexpr *c = bind_expr(b, e->u.func.filter, sub);
		if (c == NULL || (c = bind_coerce(b, c, WB_TYPE_BOOL, e->u.func.filter->pos)) == NULL)
			return -1;
		if (nargs == 0) {
			struct wb_value one = {.type = WB_TYPE_BIGINT, .u.i = 1};
			args[0] = bexpr_const(b->arena, &one, e->pos);
			nargs = 1;
		}
		for (int i = 0; i < nargs; i++) {
			struct bexpr *k = bexpr_new(b->arena, BX_CASE, args[i]->type, args[i]->pos, 2);
			k->args[0] = c;
			k->args[1] = args[i];
			args[i] = k;
		}
	}
	wb_type types[AGG_MAXARGS], cast_to[AGG_MAXARGS], ret;
	for (int i = 0; i < nargs; i++)
		types[i] = args[i]->type;
	const struct agg_sig *sig = agg_resolve(af, types, nargs, cast_to, &ret, b->err);
	if (sig == NULL) {
		err_at(b->err, e->pos);
		return -1;
	}
	if (sig->flags & (AGG_PARAM_ARG | AGG_SPARAM_ARG | AGG_WITHIN_GROUP)) {
		err_set(b->err, e->pos, "%s() is not supported as a window function", af->name);
		err_hint(b->err, "compute it with GROUP BY and join the result back");
		return -1;
	}
	if (e->u.func.filter && (sig->flags & AGG_SEES_NULLS) && nargs > 0 && strcmp(af->name, "count") != 0) {
		err_set(b->err, e->pos, "FILTER is not supported on windowed %s()", af->name);
		return -1;
	}
	for (int i = 0; i < nargs; i++) {
		args[i] = bind_coerce(b, args[i], cast_to[i], args[i]->pos);
		if (args[i] == NULL)
			return -1;
	}
	we->fn.kind = PW_AGG;
	we->fn.agg = af;
	we->fn.sig = sig;
	we->fn.nargs = nargs;
	we->fn.args = args;
	we->fn.distinct = e->u.func.distinct;
	we->fn.ret = ret;
	return 0;
}

struct bexpr *
bind_window_call(struct binder *b, struct ast *e, struct bind_env *env)
{
	const char *name = e->u.func.name;
	if (env->win == NULL) {
		err_set(b->err, e->pos, "window functions are not allowed in %s", env->clause ? env->clause : "this context");
		if (env->clause && (strcmp(env->clause, "WHERE") == 0 || strcmp(env->clause, "HAVING") == 0))
			err_hint(b->err, "filter on a window function with QUALIFY, or in an outer query");
		return NULL;
	}
	if (env->in_agg) {
		err_set(b->err, e->pos, "window functions cannot be used inside an aggregate");
		err_hint(b->err, "compute the window function in a subquery first");
		return NULL;
	}
	struct win_collect *wc = env->win;
	struct win_spec ws;
	if (resolve_spec(b, wc, e->u.func.over, &ws, 0) < 0)
		return NULL;
	struct bind_env sub = *env;
	sub.win = NULL;
	sub.clause = "window definitions";
	struct win_entry we = {0};
	we.fn.pos = e->pos;
	we.name = name;
	/* PARTITION BY / ORDER BY */
	we.npartition = ws.partition ? ws.partition->n : 0;
	we.partition = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(we.npartition ? we.npartition : 1));
	for (int i = 0; i < we.npartition; i++) {
		we.partition[i] = bind_expr(b, ws.partition->v[i], &sub);
		if (we.partition[i] == NULL)
			return NULL;
	}
	we.norder = ws.order ? ws.order->n : 0;
	we.order = arena_zalloc(b->arena, sizeof(struct pn_sortkey) * (size_t)(we.norder ? we.norder : 1));
	for (int i = 0; i < we.norder; i++) {
		struct ast *oi = ws.order->v[i];
		we.order[i].expr = bind_expr(b, oi->u.order.expr, &sub);
		if (we.order[i].expr == NULL)
			return NULL;
		we.order[i].desc = oi->u.order.desc;
		we.order[i].nulls_first = oi->u.order.nulls_first >= 0 ? oi->u.order.nulls_first == 1 : !oi->u.order.desc;
	}
	/* the call */
	sub.clause = "window function arguments";
	char lname[64];
	size_t ln = strlen(name);
	if (ln >= sizeof lname)
		ln = sizeof lname - 1;
	for (size_t i = 0; i < ln; i++)
		lname[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	lname[ln] = 0;
	int k = -1;
	for (int i = 0; i < (int)(sizeof win_fns / sizeof win_fns[0]) && k < 0; i++)
		if (strcmp(win_fns[i].name, lname) == 0)
			k = i;
	if (k >= 0) {
		if (bind_ranking_or_value(b, e, k, &sub, &we) < 0)
			return NULL;
	} else {
		const struct agg_fn *af = agg_lookup(lname);
		if (af == NULL) {
			if (fn_lookup(lname) != NULL)
				err_set(b->err, e->pos, "%s() is not a window function or an aggregate; it cannot take OVER", lname);
			else
				err_set(b->err, e->pos, "window function %s() does not exist", lname);
			err_hint(b->err, "window functions: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, "
			    "lead, first_value, last_value, nth_value, and every aggregate");
			return NULL;
		}
		if (bind_window_agg(b, e, af, &sub, &we) < 0)
			return NULL;
	}
	if (bind_frame(b, &ws, &we) < 0)
		return NULL;
	int idx = -1;
	for (int i = 0; i < wc->n && idx < 0; i++)
		if (same_call(&wc->v[i], &we))
			idx = i;
	if (idx < 0) {
		if (wc->n == wc->cap) {
			int ncap = wc->cap ? wc->cap * 2 : 8;
			struct win_entry *nv = arena_zalloc(b->arena, sizeof *nv * (size_t)ncap);
			if (wc->n)
				memcpy(nv, wc->v, sizeof *nv * (size_t)wc->n);
			wc->v = nv;
			wc->cap = ncap;
		}
		we.column = -1;
		idx = wc->n;
		wc->v[wc->n++] = we;
	}
	struct bexpr *r = bexpr_new(b->arena, BX_WINREF, wc->v[idx].fn.ret, e->pos, 0);
	r->u.column = idx;
	return r;
}

/* ---------------------------------------------------------- plan */

static char *
entry_label(struct binder *b, const struct win_entry *we, char **names)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s(", we->fn.kind == PW_AGG ? we->fn.agg->name : we->name);
	if (we->fn.distinct)
		sb_puts(&sb, "DISTINCT ");
	for (int i = 0; i < we->fn.nargs; i++) {
		if (i)
			sb_puts(&sb, ", ");
		bexpr_to_sql(we->fn.args[i], names, &sb);
	}
	if (we->fn.kind == PW_AGG && we->fn.nargs == 0)
		sb_putc(&sb, '*');
	sb_putc(&sb, ')');
	char *s = arena_strdup(b->arena, sb_str(&sb));
	sb_free(&sb);
	return s;
}

struct pnode *
bind_window_nodes(struct binder *b, struct win_collect *wc, struct pnode *input)
{
	struct pnode *top = input;
	bool *done = xcalloc((size_t)(wc->n ? wc->n : 1), 1);
	for (int i = 0; i < wc->n; i++) {
		if (done[i])
			continue;
		int nf = 0;
		for (int j = i; j < wc->n; j++)
			if (!done[j] && same_window(&wc->v[i], &wc->v[j]))
				nf++;
		struct pnode *w = pnode_new(b->arena, PN_WINDOW, top, top->ncol + nf);
		memcpy(w->types, top->types, sizeof(wb_type) * (size_t)top->ncol);
		memcpy(w->names, top->names, sizeof(char *) * (size_t)top->ncol);
		w->est_rows = top->est_rows;
		w->u.window.npartition = wc->v[i].npartition;
		w->u.window.partition = wc->v[i].partition;
		w->u.window.norder = wc->v[i].norder;
		w->u.window.order = wc->v[i].order;
		w->u.window.nfuncs = nf;
		w->u.window.funcs = arena_zalloc(b->arena, sizeof(struct pn_winfn) * (size_t)nf);
		int k = 0;
		for (int j = i; j < wc->n; j++) {
			if (done[j] || !same_window(&wc->v[i], &wc->v[j]))
				continue;
			done[j] = true;
			w->u.window.funcs[k] = wc->v[j].fn;
			wc->v[j].column = top->ncol + k;
			pnode_set_col(b->arena, w, top->ncol + k, entry_label(b, &wc->v[j], input->names), wc->v[j].fn.ret);
			k++;
		}
		top = w;
	}
	free(done);
	return top;
}

struct bexpr *
bind_resolve_winrefs(struct binder *b, struct bexpr *e, const struct win_collect *wc)
{
	if (e == NULL)
		return NULL;
	if (e->kind == BX_WINREF) {
		struct bexpr *c = bexpr_column(b->arena, wc->v[e->u.column].column, e->type);
		c->pos = e->pos;
		return c;
	}
	if (e->nargs == 0)
		return e;
	struct bexpr *c = arena_alloc(b->arena, sizeof *c);
	*c = *e;
	c->args = arena_alloc(b->arena, sizeof(struct bexpr *) * (size_t)e->nargs);
	for (int i = 0; i < e->nargs; i++)
		c->args[i] = bind_resolve_winrefs(b, e->args[i], wc);
	return c;
}

struct pnode *
bind_row_number(struct binder *b, struct pnode *input, const int *keys, int nkeys, struct pn_sortkey *order, int norder)
{
	struct pnode *w = pnode_new(b->arena, PN_WINDOW, input, input->ncol + 1);
	memcpy(w->types, input->types, sizeof(wb_type) * (size_t)input->ncol);
	memcpy(w->names, input->names, sizeof(char *) * (size_t)input->ncol);
	pnode_set_col(b->arena, w, input->ncol, "#row_number", WB_TYPE_BIGINT);
	w->est_rows = input->est_rows;
	w->u.window.npartition = nkeys;
	w->u.window.partition = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(nkeys ? nkeys : 1));
	for (int k = 0; k < nkeys; k++)
		w->u.window.partition[k] = bexpr_column(b->arena, keys[k], input->types[keys[k]]);
	w->u.window.norder = norder;
	w->u.window.order = order;
	w->u.window.nfuncs = 1;
	w->u.window.funcs = arena_zalloc(b->arena, sizeof(struct pn_winfn));
	w->u.window.funcs[0].kind = PW_ROW_NUMBER;
	w->u.window.funcs[0].ret = WB_TYPE_BIGINT;
	w->u.window.funcs[0].frame.unit = PF_ROWS;
	w->u.window.funcs[0].frame.start = PB_UNBOUNDED_PRECEDING;
	w->u.window.funcs[0].frame.end = PB_CURRENT_ROW;
	return w;
}

struct pnode *
bind_first_per_key(struct binder *b, struct pnode *input, const int *keys, int nkeys, struct pn_sortkey *order,
    int norder)
{
	struct pnode *w = bind_row_number(b, input, keys, nkeys, order, norder);
	struct wb_value one = {.type = WB_TYPE_BIGINT, .u.i = 1};
	struct bexpr *args[2] = {bexpr_column(b->arena, input->ncol, WB_TYPE_BIGINT), bexpr_const(b->arena, &one, -1)};
	struct bexpr *eq = bind_call(b, "=", args, 2, -1);
	if (eq == NULL)
		return NULL;
	struct pnode *f = bind_filter(b, w, eq);
	f->est_rows = input->est_rows / 2;
	return f;
}

/*
 * func.c: the registry of scalar functions and operators, overload
 * resolution and common types.
 *
 * Each family file (fn_arith.c, fn_string.c, ...) owns a table; the
 * registry is those tables merged into one array of pointers sorted by
 * name, built once, searched by binary search.
 */
#include "func/fn_impl.h"

#include "core/xmalloc.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const struct scalar_fn *table;
	const int *count;
} families[] = {
	{fn_arith_table, &fn_arith_count},
	{fn_cond_table, &fn_cond_count},
	{fn_string_table, &fn_string_count},
	{fn_like_table, &fn_like_count},
	{fn_regex_table, &fn_regex_count},
	{fn_math_table, &fn_math_count},
	{fn_date_table, &fn_date_count},
	{fn_hash_table, &fn_hash_count},
	{fn_list_table, &fn_list_count},
};

static const struct scalar_fn **registry;
static int registry_n;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static int
cmp_fn(const void *a, const void *b)
{
	const struct scalar_fn *x = *(const struct scalar_fn *const *)a;
	const struct scalar_fn *y = *(const struct scalar_fn *const *)b;
	return strcmp(x->name, y->name);
}

static void
registry_build(void)
{
	int n = 0;
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		n += *families[f].count;
	registry = xmalloc((size_t)n * sizeof *registry);
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		for (int i = 0; i < *families[f].count; i++)
			registry[registry_n++] = &families[f].table[i];
	qsort(registry, (size_t)registry_n, sizeof *registry, cmp_fn);
}

static void
registry_init(void)
{
	pthread_once(&registry_once, registry_build);
}

int
fn_count(void)
{
	registry_init();
	return registry_n;
}

const struct scalar_fn *
fn_at(int i)
{
	registry_init();
	return i >= 0 && i < registry_n ? registry[i] : NULL;
}

/* Functions of other modules that rewrites call (fn_register_hidden). */
static const struct scalar_fn *hidden[16];
static int nhidden;

const struct scalar_fn *
fn_lookup(const char *name)
{
	char low[64];
	size_t n = strlen(name);
	if (n >= sizeof low)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	registry_init();
	int lo = 0, hi = registry_n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(low, registry[mid]->name);
		if (c == 0)
			return registry[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	for (int i = 0; i < nhidden; i++)
		if (strcmp(low, hidden[i]->name) == 0)
			return hidden[i];
	return NULL;
}

void
fn_register_hidden(const struct scalar_fn *f)
{
	for (int i = 0; i < nhidden; i++)
		if (hidden[i] == f)
			return;
	if (nhidden < (int)(sizeof hidden / sizeof hidden[0]))
		hidden[nhidden++] = f;
}

static bool
is_ident(const char *s)
{
	return isalpha((unsigned char)s[0]) || s[0] == '_';
}

/* Levenshtein distance, case-insensitive, capped inputs (names are short). */
static int
edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int row[65];
	if (la > 64 || lb > 64)
		return INT_MAX;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int sub = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			int best = sub;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
fn_suggest(const char *name)
{
	size_t len = strlen(name);
	/* Allow roughly one typo per three characters, at least one. */
	int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	const char *best = NULL;
	int bestd = INT_MAX;
	registry_init();
	for (int i = 0; i < registry_n; i++) {
		const char *cand = registry[i]->name;
		if (!is_ident(cand))
			continue;
		int d = edit_distance(name, cand);
		if (d < bestd) {
			bestd = d;
			best = cand;
		}
	}
	return bestd <= limit && bestd < (int)len ? best : NULL;
}

bool
fn_common_type(wb_type a, wb_type b, wb_type *out)
{
	if ((unsigned)a >= WB_TYPE__COUNT || (unsigned)b >= WB_TYPE__COUNT)
		return false;
	if (a == b || b == WB_TYPE_NULL) {
		*out = a;
		return true;
	}
	if (a == WB_TYPE_NULL) {
		*out = b;
		return true;
	}
	if ((a == WB_TYPE_BIGINT && b == WB_TYPE_DOUBLE) || (a == WB_TYPE_DOUBLE && b == WB_TYPE_BIGINT)) {
		*out = WB_TYPE_DOUBLE;
		return true;
	}
	if ((a == WB_TYPE_DATE && b == WB_TYPE_TIMESTAMP) || (a == WB_TYPE_TIMESTAMP && b == WB_TYPE_DATE)) {
		*out = WB_TYPE_TIMESTAMP;
		return true;
	}
	if (type_is_list(a) && type_is_list(b)) {
		wb_type e;
		if (!fn_common_type(type_list_elem(a), type_list_elem(b), &e))
			return false;
		*out = type_list_of(e);
		return true;
	}
	return false;
}

/*
 * Cost of implicitly casting an argument of type `from` to `to`, or -1
 * when not allowed. The ordering makes exact matches win, then NULL
 * literals, then widening, then parsing string literals; casting any
 * value to VARCHAR (FN_ANY_TO_STR only) is the last resort.
 */
static int
cast_cost(wb_type from, wb_type to, bool literal, bool any_to_str)
{
	if (from == to)
		return 0;
	if (from == WB_TYPE_NULL)
		return 1;
	if (from == WB_TYPE_BIGINT && to == WB_TYPE_DOUBLE)
		return 2;
	if (from == WB_TYPE_DATE && to == WB_TYPE_TIMESTAMP)
		return 2;
	if (type_is_list(from) && type_is_list(to)) {
		/* element-wise widening only (BIGINT[] -> DOUBLE[], NULL[] -> T[]) */
		int c = cast_cost(type_list_elem(from), type_list_elem(to), false, false);
		return c >= 0 && c <= 2 ? c : -1;
	}
	if (from == WB_TYPE_VARCHAR && literal &&
	    (to == WB_TYPE_DATE || to == WB_TYPE_TIMESTAMP || to == WB_TYPE_INTERVAL ||
	    to == WB_TYPE_BIGINT || to == WB_TYPE_DOUBLE || to == WB_TYPE_BOOL))
		return 3;
	if (any_to_str && to == WB_TYPE_VARCHAR)
		return 5;
	return -1;
}

static bool
arity_ok(const struct fn_sig *s, int nargs)
{
	if (s->flags & FN_VARIADIC)
		return nargs >= s->nargs - 1;
	return nargs == s->nargs;
}

static wb_type
sig_arg(const struct fn_sig *s, int i)
{
	return s->args[i < s->nargs ? i : s->nargs - 1];
}

static bool
sig_is_generic_list(const struct fn_sig *s)
{
	if (s->ret == FN_LIST || s->ret == FN_ELEM)
		return true;
	for (int i = 0; i < s->nargs; i++)
		if (s->args[i] == FN_LIST || s->args[i] == FN_ELEM)
			return true;
	return false;
}

/* The element type E of a call of a signature with FN_LIST / FN_ELEM
 * arguments (see func.h); false when the arguments do not fit. */
static bool
sig_list_elem(const struct fn_sig *s, const wb_type *types, const bool *lit, int nargs, wb_type *elem)
{
	wb_type e = WB_TYPE_NULL;
	bool lit_str = false;
	for (int i = 0; i < nargs; i++) {
		wb_type want = sig_arg(s, i), t = types[i];
		if (want == FN_LIST) {
			if (t == WB_TYPE_NULL)
				continue;
			if (!type_is_list(t) || !fn_common_type(e, type_list_elem(t), &e))
				return false;
		} else if (want == FN_ELEM) {
			if (t == WB_TYPE_VARCHAR && lit != NULL && lit[i]) {
				lit_str = true;
				continue;
			}
			if (!type_is_elem(t) || !fn_common_type(e, t, &e))
				return false;
		}
	}
	if (lit_str && e == WB_TYPE_NULL)
		e = WB_TYPE_VARCHAR;
	if (!type_is_elem(e))
		return false;
	*elem = e;
	return true;
}

/* Total cost of calling s with these arguments, -1 if impossible. */
static int
sig_cost(const struct fn_sig *s, const wb_type *types, const bool *lit, int nargs,
    wb_type *to, wb_type *ret)
{
	wb_type common = WB_TYPE_NULL, elem = WB_TYPE_NULL;
	if (sig_is_generic_list(s) && !sig_list_elem(s, types, lit, nargs, &elem))
		return -1;
	if (s->flags & FN_SAME_TYPE) {
		bool lit_str = false;
		for (int i = 0; i < nargs; i++) {
			if (sig_arg(s, i) != FN_ANY)
				continue;
			/* A string literal adapts to the other arguments
			 * (coalesce(d, '2019-10-01') is a DATE). */
			if (types[i] == WB_TYPE_VARCHAR && lit != NULL && lit[i]) {
				lit_str = true;
				continue;
			}
			if (!fn_common_type(common, types[i], &common))
				return -1;
		}
		if (lit_str && common == WB_TYPE_NULL)
			common = WB_TYPE_VARCHAR;
	}
	int cost = 0;
	bool any_str = (s->flags & FN_ANY_TO_STR) != 0;
	for (int i = 0; i < nargs; i++) {
		wb_type want = sig_arg(s, i);
		if (want == FN_ANY && !(s->flags & FN_SAME_TYPE)) {
			to[i] = types[i];
			continue;
		}
		if (want == FN_ANY)
			want = common;
		else if (want == FN_LIST)
			want = type_list_of(elem);
		else if (want == FN_ELEM)
			want = elem;
		int c = cast_cost(types[i], want, lit != NULL && lit[i], any_str);
		if (c < 0)
			return -1;
		cost += c;
		to[i] = want;
	}
	*ret = s->ret == FN_ANY ? common : s->ret == FN_LIST ? type_list_of(elem) : s->ret == FN_ELEM ? elem : s->ret;
	return cost;
}

static bool
is_operator(const char *name)
{
	return !is_ident(name) || strcmp(name, "div") == 0 || strcmp(name, "neg") == 0;
}

static void
describe_sig(struct strbuf *b, const struct fn_sig *s)
{
	sb_putc(b, '(');
	for (int i = 0; i < s->nargs; i++) {
		if (i)
			sb_puts(b, ", ");
		wb_type t = s->args[i];
		sb_puts(b, t == FN_ANY ? "ANY" : t == FN_LIST ? "T[]" : t == FN_ELEM ? "T" : type_name(t));
	}
	if (s->flags & FN_VARIADIC)
		sb_puts(b, ", ...");
	sb_putc(b, ')');
}

static void
resolve_error(const struct scalar_fn *f, const wb_type *types, int nargs, bool arity_match,
    struct wb_error *err)
{
	struct strbuf b = STRBUF_INIT;
	if (!arity_match) {
		/* Describe the accepted argument counts: "2 or 3", "at least 1". */
		int counts[FN_MAXARGS + 2], nc = 0, variadic_min = -1;
		for (int i = 0; i < f->nsigs; i++) {
			const struct fn_sig *s = &f->sigs[i];
			if (s->flags & FN_VARIADIC) {
				int m = s->nargs - 1;
				if (variadic_min < 0 || m < variadic_min)
					variadic_min = m;
				continue;
			}
			bool seen = false;
			for (int j = 0; j < nc; j++)
				seen |= counts[j] == s->nargs;
			if (!seen && nc < FN_MAXARGS + 2)
				counts[nc++] = s->nargs;
		}
		/* sort the few counts */
		for (int i = 1; i < nc; i++)
			for (int j = i; j > 0 && counts[j - 1] > counts[j]; j--) {
				int t = counts[j];
				counts[j] = counts[j - 1];
				counts[j - 1] = t;
			}
		if (variadic_min >= 0 && nc == 0) {
			sb_printf(&b, "at least %d", variadic_min);
		} else {
			for (int i = 0; i < nc; i++)
				sb_printf(&b, "%s%d", i == 0 ? "" : i == nc - 1 && variadic_min < 0 ? " or " : ", ",
				    counts[i]);
			if (variadic_min >= 0)
				sb_printf(&b, " or at least %d", variadic_min);
		}
		bool one = nc == 1 && counts[0] == 1 && variadic_min < 0;
		err_set(err, -1, "%s takes %s argument%s but was given %d", f->name, sb_str(&b),
		    one ? "" : "s", nargs);
		if (f->usage != NULL)
			err_hint(err, "usage: %s", f->usage);
		sb_free(&b);
		return;
	}
	if (is_operator(f->name) && nargs <= 2) {
		if (nargs == 2)
			sb_printf(&b, "operator does not exist: %s %s %s", type_name(types[0]), f->name,
			    type_name(types[1]));
		else
			sb_printf(&b, "operator does not exist: %s%s", strcmp(f->name, "neg") == 0 ? "-" : f->name,
			    nargs ? type_name(types[0]) : "");
	} else {
		sb_printf(&b, "function %s(", f->name);
		for (int i = 0; i < nargs; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", type_name(types[i]));
		sb_puts(&b, ") does not exist");
	}
	err_set(err, -1, "%s", sb_str(&b));
	sb_clear(&b);
	/* a list where an element goes: [[1]], array_contains(l, [1]) */
	bool nests = false;
	for (int i = 0; i < f->nsigs; i++) {
		const struct fn_sig *s = &f->sigs[i];
		for (int a = 0; a < nargs && (a < s->nargs || (s->flags & FN_VARIADIC)); a++)
			nests |= sig_arg(s, a) == FN_ELEM && type_is_list(types[a]);
	}
	if (nests) {
		err_hint(err, "lists do not nest: an element of a list cannot be a list");
		sb_free(&b);
		return;
	}
	for (int i = 0; i < f->nsigs; i++) {
		if (i)
			sb_puts(&b, ", ");
		describe_sig(&b, &f->sigs[i]);
	}
	err_hint(err, "%s accepts %s; add an explicit CAST", f->name, sb_str(&b));
	sb_free(&b);
}

const struct fn_sig *
fn_resolve(const struct scalar_fn *f, const wb_type *argtypes, const bool *is_literal, int nargs,
    wb_type *cast_to, wb_type *ret, struct wb_error *err)
{
	const struct fn_sig *best = NULL;
	int best_cost = INT_MAX;
	bool arity_match = false;
	if (nargs < 0 || nargs > 4096) {
		err_set(err, -1, "%s: too many arguments (%d)", f->name, nargs);
		return NULL;
	}
	wb_type *tmp = xmalloc(sizeof(wb_type) * (size_t)(nargs ? nargs : 1));
	for (int i = 0; i < f->nsigs; i++) {
		const struct fn_sig *s = &f->sigs[i];
		wb_type r;
		if (!arity_ok(s, nargs))
			continue;
		arity_match = true;
		int c = sig_cost(s, argtypes, is_literal, nargs, tmp, &r);
		if (c >= 0 && c < best_cost) {
			best = s;
			best_cost = c;
			memcpy(cast_to, tmp, sizeof(wb_type) * (size_t)nargs);
			*ret = r;
		}
	}
	free(tmp);
	if (best == NULL)
		resolve_error(f, argtypes, nargs, arity_match, err);
	return best;
}

/* ---- helpers shared by the family files (fn_impl.h) ---- */

char *
fn_sw_grow(struct fn_sw *w, size_t n)
{
	/* Blocks of 16 KiB amortise the arena call over many short results;
	 * the unused tail of the previous block is abandoned. */
	size_t sz = n > 16384 ? n : 16384;
	w->p = vec_str_alloc(w->out, sz);
	w->left = sz;
	return w->p;
}

const char *
fn_show_str(wb_str s, char *buf, size_t size)
{
	size_t max = size > 8 ? size - 8 : 0;
	size_t n = s.n;
	bool cut = false;
	if (n > 40 && max > 40)
		max = 40;
	if (n > max) {
		n = max;
		/* don't cut inside a UTF-8 sequence */
		while (n > 0 && fn_is_cont((unsigned char)s.p[n]))
			n--;
		cut = true;
	}
	snprintf(buf, size, "'%.*s%s'", (int)n, s.p, cut ? "..." : "");
	return buf;
}

const char *
fn_show(const struct wb_value *v, char *buf, size_t size)
{
	if (!v->is_null && v->type == WB_TYPE_VARCHAR)
		return fn_show_str(v->u.s, buf, size);
	struct strbuf b = STRBUF_INIT;
	value_format(v, &b, "NULL");
	snprintf(buf, size, "%s", sb_str(&b));
	sb_free(&b);
	return buf;
}

int64_t
fn_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * DT_US_PER_SEC + ts.tv_nsec / 1000;
}

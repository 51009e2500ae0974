/*
 * bind_group: the aggregation node(s) of a grouped SELECT, including
 * GROUPING SETS / ROLLUP / CUBE and the GROUPING() function.
 *
 * Grouping sets are planned as one aggregation per set over a shared
 * materialisation of the input, each padded to the full key list with
 * NULLs and unioned. GROUPING(a, b, ...) is a bit mask (leftmost argument
 * = most significant bit, 1 = the key is not grouped in this row's set),
 * so it is a constant per set: the per-set projection supplies it.
 */
#include "sql/bind_int.h"
#include "core/strbuf.h"

#include <string.h>
#include <strings.h>

char *
bind_agg_label(struct binder *b, const struct pn_agg *a, char **names)
{
	struct strbuf nb = STRBUF_INIT;
	sb_printf(&nb, "%s(", a->fn ? a->fn->name : "grouping");
	if (a->distinct)
		sb_puts(&nb, "DISTINCT ");
	for (int k = 0; k < a->nargs; k++) {
		if (k)
			sb_puts(&nb, ", ");
		bexpr_to_sql(a->args[k], names, &nb);
	}
	if (a->nargs == 0)
		sb_putc(&nb, '*');
	sb_putc(&nb, ')');
	char *s = arena_strdup(b->arena, sb_str(&nb));
	sb_free(&nb);
	return s;
}

static char *
key_label(struct binder *b, const struct bexpr *k, char **names)
{
	struct strbuf nb = STRBUF_INIT;
	bexpr_to_sql(k, names, &nb);
	char *s = arena_strdup(b->arena, sb_str(&nb));
	sb_free(&nb);
	return s;
}

/* One AGG node over input for the keys in `set` and the real aggregates. */
static struct pnode *
agg_node(struct binder *b, struct pnode *input, struct bexpr **keys, int nkeys, uint64_t set, struct agg_collect *ac)
{
	int ng = 0, na = 0;
	for (int k = 0; k < nkeys; k++)
		ng += (set >> k) & 1;
	for (int a = 0; a < ac->n; a++)
		na += ac->aggs[a].fn != NULL;
	struct pnode *agg = pnode_new(b->arena, PN_AGG, input, ng + na);
	agg->u.agg.ngroups = ng;
	agg->u.agg.groups = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(ng ? ng : 1));
	agg->u.agg.naggs = na;
	agg->u.agg.aggs = arena_zalloc(b->arena, sizeof(struct pn_agg) * (size_t)(na ? na : 1));
	int g = 0;
	for (int k = 0; k < nkeys; k++) {
		if (!((set >> k) & 1))
			continue;
		agg->u.agg.groups[g] = keys[k];
		pnode_set_col(b->arena, agg, g, key_label(b, keys[k], input->names), keys[k]->type);
		g++;
	}
	int j = 0;
	for (int a = 0; a < ac->n; a++) {
		if (ac->aggs[a].fn == NULL)
			continue;
		/* own argument arrays: the optimiser rewrites them per node */
		struct pn_agg *pa = &agg->u.agg.aggs[j];
		*pa = ac->aggs[a];
		pa->args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(pa->nargs ? pa->nargs : 1));
		for (int k = 0; k < pa->nargs; k++)
			pa->args[k] = ac->aggs[a].args[k];
		pnode_set_col(b->arena, agg, ng + j, bind_agg_label(b, &ac->aggs[a], input->names), ac->aggs[a].ret);
		j++;
	}
	agg->est_rows = ng == 0 ? 1 : input->est_rows > 100 ? input->est_rows / 10 : input->est_rows;
	return agg;
}

static int
key_index(struct bexpr **keys, int nkeys, const struct bexpr *e)
{
	for (int k = 0; k < nkeys; k++)
		if (bexpr_equal(keys[k], e))
			return k;
	return -1;
}

/* The per-set projection: every key (NULL when not in the set), every
 * aggregate, GROUPING() values as constants. */
static struct pnode *
pad_node(struct binder *b, struct pnode *agg, struct bexpr **keys, int nkeys, uint64_t set, struct agg_collect *ac,
    char **names)
{
	int n = nkeys + ac->n;
	struct bexpr **ex = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)(n ? n : 1));
	int g = 0;
	for (int k = 0; k < nkeys; k++) {
		if ((set >> k) & 1) {
			ex[k] = bexpr_column(b->arena, g++, keys[k]->type);
		} else {
			struct wb_value v = {.type = keys[k]->type, .is_null = true};
			ex[k] = bexpr_const(b->arena, &v, -1);
		}
	}
	int j = 0;
	for (int a = 0; a < ac->n; a++) {
		const struct pn_agg *pa = &ac->aggs[a];
		if (pa->fn != NULL) {
			ex[nkeys + a] = bexpr_column(b->arena, g + j++, pa->ret);
			continue;
		}
		int64_t mask = 0;
		for (int i = 0; i < pa->nargs; i++) {
			int k = key_index(keys, nkeys, pa->args[i]);
			mask = mask << 1 | (k >= 0 && !((set >> k) & 1));
		}
		struct wb_value v = {.type = WB_TYPE_BIGINT, .u.i = mask};
		ex[nkeys + a] = bexpr_const(b->arena, &v, -1);
	}
	struct pnode *p = bind_project(b, agg, n, ex, names);
	p->est_rows = agg->est_rows;
	return p;
}

struct pnode *
bind_aggregation(struct binder *b, struct pnode *input, struct bexpr **keys, int nkeys, const uint64_t *sets, int nsets,
    struct agg_collect *ac)
{
	bool pseudo = false;
	for (int a = 0; a < ac->n; a++)
		pseudo = pseudo || ac->aggs[a].fn == NULL;
	if (nsets == 1 && !pseudo)
		return agg_node(b, input, keys, nkeys, sets[0], ac);
	int n = nkeys + ac->n;
	char **names = arena_zalloc(b->arena, sizeof(char *) * (size_t)(n ? n : 1));
	for (int k = 0; k < nkeys; k++)
		names[k] = key_label(b, keys[k], input->names);
	for (int a = 0; a < ac->n; a++)
		names[nkeys + a] = bind_agg_label(b, &ac->aggs[a], input->names);
	if (nsets == 1)
		return pad_node(b, agg_node(b, input, keys, nkeys, sets[0], ac), keys, nkeys, sets[0], ac, names);
	/* the input is read once, by a materialisation every set scans */
	struct pnode *m = pnode_new(b->arena, PN_MATERIALIZE, input, input->ncol);
	memcpy(m->types, input->types, sizeof(wb_type) * (size_t)input->ncol);
	memcpy(m->names, input->names, sizeof(char *) * (size_t)input->ncol);
	m->u.cte.name = "grouping sets input";
	m->u.cte.forced = true;
	m->est_rows = input->est_rows;
	struct pnode *u = pnode_new(b->arena, PN_UNION, NULL, n);
	u->u.set.ninputs = nsets;
	u->u.set.inputs = arena_zalloc(b->arena, sizeof(struct pnode *) * (size_t)nsets);
	u->est_rows = 0;
	for (int s = 0; s < nsets; s++) {
		struct pnode *scan = pnode_new(b->arena, PN_CTE_SCAN, NULL, input->ncol);
		memcpy(scan->types, input->types, sizeof(wb_type) * (size_t)input->ncol);
		memcpy(scan->names, input->names, sizeof(char *) * (size_t)input->ncol);
		scan->u.cte.source = m;
		scan->u.cte.name = m->u.cte.name;
		scan->est_rows = input->est_rows;
		struct pnode *p = pad_node(b, agg_node(b, scan, keys, nkeys, sets[s], ac), keys, nkeys, sets[s], ac, names);
		u->u.set.inputs[s] = p;
		u->est_rows += p->est_rows;
	}
	u->child = u->u.set.inputs[0];
	struct pnode *first = u->u.set.inputs[0];
	memcpy(u->types, first->types, sizeof(wb_type) * (size_t)n);
	memcpy(u->names, first->names, sizeof(char *) * (size_t)n);
	return u;
}

struct bexpr *
bind_grouping_call(struct binder *b, struct ast *e, struct bind_env *env)
{
	if (env->agg == NULL || env->ngroups == 0) {
		err_set(b->err, e->pos, "GROUPING() needs a GROUP BY");
		return NULL;
	}
	if (env->in_agg) {
		err_set(b->err, e->pos, "GROUPING() cannot be used inside an aggregate");
		return NULL;
	}
	int nargs = e->u.func.args.n;
	if (nargs == 0 || nargs > 62 || e->u.func.star || e->u.func.distinct || e->u.func.filter || e->u.func.over) {
		err_set(b->err, e->pos, "GROUPING() takes 1 to 62 GROUP BY expressions");
		return NULL;
	}
	struct bind_env sub = *env;
	sub.agg = NULL;
	sub.win = NULL;
	sub.clause = "GROUPING() arguments";
	struct bexpr **args = arena_zalloc(b->arena, sizeof(struct bexpr *) * (size_t)nargs);
	for (int i = 0; i < nargs; i++) {
		args[i] = bind_expr(b, e->u.func.args.v[i], &sub);
		if (args[i] == NULL)
			return NULL;
		if (key_index(env->groups, env->ngroups, args[i]) < 0) {
			err_set(b->err, e->u.func.args.v[i]->pos, "GROUPING() arguments must be GROUP BY expressions");
			return NULL;
		}
	}
	struct agg_collect *ac = env->agg;
	int idx = -1;
	for (int i = 0; i < ac->n && idx < 0; i++) {
		struct pn_agg *p = &ac->aggs[i];
		if (p->fn != NULL || p->nargs != nargs)
			continue;
		bool same = true;
		for (int a = 0; a < nargs && same; a++)
			same = bexpr_equal(p->args[a], args[a]);
		if (same)
			idx = i;
	}
	if (idx < 0) {
		if (ac->n == ac->cap) {
			int ncap = ac->cap ? ac->cap * 2 : 8;
			struct pn_agg *na = arena_zalloc(b->arena, sizeof *na * (size_t)ncap);
			if (ac->n)
				memcpy(na, ac->aggs, sizeof *na * (size_t)ac->n);
			ac->aggs = na;
			ac->cap = ncap;
		}
		struct pn_agg *p = &ac->aggs[ac->n];
		memset(p, 0, sizeof *p);
		p->nargs = nargs;
		p->args = args;
		p->ret = WB_TYPE_BIGINT;
		p->pos = e->pos;
		idx = ac->n++;
	}
	struct bexpr *r = bexpr_new(b->arena, BX_AGGREF, WB_TYPE_BIGINT, e->pos, 0);
	r->u.column = idx;
	return r;
}

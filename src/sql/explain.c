#include "sql/explain.h"
#include "core/json.h"
#include "core/xmalloc.h"
#include "exec/exec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
names_of_child(const struct pnode *n, char *const **names)
{
	*names = n->child ? n->child->names : NULL;
}

void
explain_node_text(const struct pnode *n, struct strbuf *o)
{
	char *const *cn;
	names_of_child(n, &cn);
	sb_puts(o, pnode_kind_name(n->kind));
	switch (n->kind) {
	case PN_SCAN:
		sb_printf(o, " %s", n->u.scan.label ? n->u.scan.label : "?");
		sb_puts(o, " [");
		for (int i = 0; i < n->ncol; i++)
			sb_printf(o, "%s%s", i ? ", " : "", n->names[i]);
		sb_putc(o, ']');
		if (n->u.scan.preds_sql)
			sb_printf(o, " prune by %s", n->u.scan.preds_sql);
		{
			const char *unit;
			int64_t rd, sk;
			if (exec_scan_units(n, &unit, &rd, &sk))
				sb_printf(o, " (%s: %lld read, %lld skipped)", unit, (long long)rd, (long long)sk);
		}
		break;
	case PN_VALUES:
		sb_printf(o, " %lld row%s", (long long)(n->u.values.rows ? n->u.values.rows->nrows : 0),
		    n->u.values.rows && n->u.values.rows->nrows == 1 ? "" : "s");
		break;
	case PN_FILTER:
		sb_putc(o, ' ');
		bexpr_to_sql(n->u.filter.pred, cn, o);
		break;
	case PN_PROJECT:
		sb_puts(o, n->ncol ? " " : " (no columns: rows only)");
		for (int i = 0; i < n->ncol; i++) {
			if (i)
				sb_puts(o, ", ");
			const struct bexpr *e = n->u.project.exprs[i];
			bexpr_to_sql(e, cn, o);
			if (!(e->kind == BX_COLUMN && cn && strcmp(cn[e->u.column], n->names[i]) == 0))
				sb_printf(o, " AS %s", n->names[i]);
		}
		break;
	case PN_AGG:
		if (n->u.agg.ngroups) {
			sb_puts(o, " by ");
			for (int g = 0; g < n->u.agg.ngroups; g++) {
				if (g)
					sb_puts(o, ", ");
				bexpr_to_sql(n->u.agg.groups[g], cn, o);
			}
			if (n->u.agg.naggs)
				sb_puts(o, ":");
		}
		for (int a = 0; a < n->u.agg.naggs; a++) {
			sb_printf(o, "%s%s", a ? ", " : " ", n->names[n->u.agg.ngroups + a]);
		}
		break;
	case PN_SORT:
	case PN_TOPN:
		if (n->kind == PN_TOPN)
			sb_printf(o, " %lld", (long long)(n->u.sort.limit - n->u.sort.offset));
		sb_puts(o, " by ");
		for (int k = 0; k < n->u.sort.nkeys; k++) {
			if (k)
				sb_puts(o, ", ");
			bexpr_to_sql(n->u.sort.keys[k].expr, cn, o);
			if (n->u.sort.keys[k].desc)
				sb_puts(o, " DESC");
			if (n->u.sort.keys[k].nulls_first == n->u.sort.keys[k].desc)
				sb_puts(o, n->u.sort.keys[k].nulls_first ? " NULLS FIRST" : " NULLS LAST");
		}
		if (n->kind == PN_TOPN && n->u.sort.offset)
			sb_printf(o, " OFFSET %lld", (long long)n->u.sort.offset);
		break;
	case PN_LIMIT:
		if (n->u.limit.limit >= 0)
			sb_printf(o, " %lld", (long long)n->u.limit.limit);
		if (n->u.limit.offset)
			sb_printf(o, " OFFSET %lld", (long long)n->u.limit.offset);
		break;
	case PN_HASH_JOIN:
	case PN_NL_JOIN: {
		static const char *const jt[] = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI", "CROSS"};
		sb_printf(o, " %s", jt[n->u.join.type]);
		char *const *rn = n->u.join.right ? n->u.join.right->names : NULL;
		for (int k = 0; k < n->u.join.nkeys; k++) {
			sb_puts(o, k ? " AND " : " ON ");
			bexpr_to_sql(n->u.join.lkeys[k], cn, o);
			sb_puts(o, n->u.join.null_eq && n->u.join.null_eq[k] ? " IS NOT DISTINCT FROM " : " = ");
			bexpr_to_sql(n->u.join.rkeys[k], rn, o);
		}
		if (n->u.join.residual) {
			/* residual columns: probe then build */
			int nl = n->child->ncol, nr = n->u.join.right->ncol;
			char **both = xcalloc((size_t)(nl + nr + 1), sizeof(char *));
			for (int i = 0; i < nl; i++)
				both[i] = cn[i];
			for (int i = 0; i < nr; i++)
				both[nl + i] = rn[i];
			sb_puts(o, n->u.join.nkeys ? " AND " : " ON ");
			bexpr_to_sql(n->u.join.residual, both, o);
			free(both);
		}
		if (n->u.join.null_aware)
			sb_puts(o, " (null-aware)");
		break;
	}
	case PN_UNION:
		sb_printf(o, " %d inputs", n->u.set.ninputs);
		break;
	case PN_WINDOW: {
		if (n->u.window.npartition) {
			sb_puts(o, " partition by ");
			for (int k = 0; k < n->u.window.npartition; k++) {
				if (k)
					sb_puts(o, ", ");
				bexpr_to_sql(n->u.window.partition[k], cn, o);
			}
		}
		if (n->u.window.norder) {
			sb_puts(o, " order by ");
			for (int k = 0; k < n->u.window.norder; k++) {
				if (k)
					sb_puts(o, ", ");
				bexpr_to_sql(n->u.window.order[k].expr, cn, o);
				if (n->u.window.order[k].desc)
					sb_puts(o, " DESC");
			}
		}
		sb_putc(o, ':');
		int base = n->ncol - n->u.window.nfuncs;
		for (int f = 0; f < n->u.window.nfuncs; f++)
			sb_printf(o, "%s%s", f ? ", " : " ", n->names[base + f]);
		break;
	}
	case PN_CTE_SCAN:
		sb_printf(o, " %s", n->u.cte.name ? n->u.cte.name : "");
		break;
	case PN_MATERIALIZE:
		if (n->child == NULL)
			sb_printf(o, " %s (working table)", n->u.cte.name ? n->u.cte.name : "");
		else
			sb_printf(o, " %s%s", n->u.cte.name ? n->u.cte.name : "", n->u.cte.forced ? " (MATERIALIZED)" : "");
		break;
	case PN_RECURSIVE:
		sb_printf(o, " %s", n->u.rec.union_all ? "UNION ALL" : "UNION");
		break;
	default:
		break;
	}
}

/* The nodes drawn below n: its inputs, and for the first scan of a shared
 * CTE the materialisation it reads (later scans refer back to it). */
struct ex_seen {
	const struct pnode *mats[64];
	int n;
};

static int
ex_children(const struct pnode *n, struct ex_seen *seen, struct pnode **kids, int max)
{
	int nk = pnode_children(n, kids, max);
	if (n->kind == PN_CTE_SCAN && n->u.cte.source && nk < max) {
		for (int i = 0; i < seen->n; i++)
			if (seen->mats[i] == n->u.cte.source)
				return nk;
		if (seen->n < 64)
			seen->mats[seen->n++] = n->u.cte.source;
		kids[nk++] = n->u.cte.source;
	}
	return nk;
}

/* Operators that consume their input into a state (memory reported). */
static bool
builds_state(enum pn_kind k)
{
	return k == PN_AGG || k == PN_SORT || k == PN_TOPN || k == PN_LIMIT || k == PN_MATERIALIZE || k == PN_HASH_JOIN ||
	    k == PN_NL_JOIN || k == PN_WINDOW || k == PN_RECURSIVE;
}

struct ex_row {
	char *text;
	double est;
	long long rows;
	double ms;
	int workers;
	int64_t mem;      /* bytes the operator's build allocated; -1: streams */
	int depth;
	double self;
};

static void
collect(const struct pnode *n, const char *prefix, bool last, bool root, struct ex_seen *seen, struct ex_row **rows,
    int *nrows, size_t *cap)
{
	struct strbuf sb = STRBUF_INIT;
	if (!root) {
		sb_puts(&sb, prefix);
		sb_puts(&sb, last ? "└─ " : "├─ ");
	}
	explain_node_text(n, &sb);
	*rows = xgrow(*rows, cap, (size_t)*nrows + 1, sizeof **rows);
	struct ex_row *r = &(*rows)[(*nrows)++];
	r->text = sb_detach(&sb);
	r->est = n->est_rows;
	r->rows = atomic_load(&n->stats.rows);
	r->ms = (double)(atomic_load(&n->stats.ns) + atomic_load(&n->stats.build_ns)) / 1e6;
	r->workers = n->stats.workers;
	r->mem = builds_state(n->kind) ? n->stats.peak_bytes : -1;
	r->depth = (int)strlen(prefix);
	struct pnode *kids[64];
	int nk = ex_children(n, seen, kids, 64);
	struct strbuf np = STRBUF_INIT;
	sb_puts(&np, prefix);
	if (!root)
		sb_puts(&np, last ? "   " : "│  ");
	for (int i = 0; i < nk; i++)
		collect(kids[i], sb_str(&np), i == nk - 1, false, seen, rows, nrows, cap);
	sb_free(&np);
}

/* Breakers' build time includes their inputs' time: report self time by
 * subtracting the time of the direct children (rows one level deeper until
 * the next row at this level). */
static void
self_times(struct ex_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		double kids = 0;
		int d = -1;
		for (int k = i + 1; k < n && rows[k].depth > rows[i].depth; k++) {
			if (d < 0)
				d = rows[k].depth;
			if (rows[k].depth == d)
				kids += rows[k].ms + 0;
		}
		rows[i].self = rows[i].ms - kids;
		if (rows[i].self < 0)
			rows[i].self = 0;
	}
	for (int i = 0; i < n; i++)
		rows[i].ms = rows[i].self;
}

struct rowset *
explain_table(const struct pnode *root, bool analyze, double total_ms, long long total_mem)
{
	struct ex_row *rows = NULL;
	int nrows = 0;
	size_t cap = 0;
	struct ex_seen seen = {.n = 0};
	collect(root, "", true, true, &seen, &rows, &nrows, &cap);
	char *names[] = {"plan", "est_rows", "rows", "time_ms", "workers", "memory_mb"};
	wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_BIGINT, WB_TYPE_DOUBLE};
	int ncol = analyze ? 6 : 2;
	struct rowset *rs = rowset_new(ncol, names, types);
	struct chunk c;
	chunk_init(&c, ncol, types);
	if (analyze)
		self_times(rows, nrows);
	for (int i = 0; i <= nrows; i++) {
		if (i == nrows && !analyze)
			break;
		chunk_reset(&c);
		c.n = 1;
		for (int k = 0; k < ncol; k++)
			c.cols[k].n = 1;
		if (i < nrows) {
			vec_str(&c.cols[0])[0] = wb_str_c(rows[i].text);
			vec_i64(&c.cols[1])[0] = (int64_t)llround(rows[i].est);
			if (analyze) {
				vec_i64(&c.cols[2])[0] = rows[i].rows;
				vec_f64(&c.cols[3])[0] = round(rows[i].ms * 1000) / 1000;
				if (rows[i].workers > 0)
					vec_i64(&c.cols[4])[0] = rows[i].workers;
				else
					vec_set_null(&c.cols[4], 0);
				if (rows[i].mem >= 0)
					vec_f64(&c.cols[5])[0] = round((double)rows[i].mem / 1048576.0 * 100) / 100;
				else
					vec_set_null(&c.cols[5], 0);
			}
		} else {
			vec_str(&c.cols[0])[0] = wb_str_c("total");
			vec_set_null(&c.cols[1], 0);
			vec_set_null(&c.cols[2], 0);
			vec_f64(&c.cols[3])[0] = round(total_ms * 1000) / 1000;
			vec_set_null(&c.cols[4], 0);
			if (total_mem >= 0)
				vec_f64(&c.cols[5])[0] = round((double)total_mem / 1048576.0 * 100) / 100;
			else
				vec_set_null(&c.cols[5], 0);
		}
		rowset_append(rs, &c, 0, 1);
	}
	chunk_free(&c);
	for (int i = 0; i < nrows; i++)
		free(rows[i].text);
	free(rows);
	return rs;
}

static void
json_str(struct strbuf *o, const char *s)
{
	json_put_string(o, s, strlen(s));
}

static void
json_node(const struct pnode *n, bool analyze, struct ex_seen *seen, struct strbuf *o)
{
	struct strbuf d = STRBUF_INIT;
	explain_node_text(n, &d);
	sb_puts(o, "{\"operator\":");
	json_str(o, pnode_kind_name(n->kind));
	sb_puts(o, ",\"detail\":");
	json_str(o, sb_str(&d));
	sb_free(&d);
	sb_printf(o, ",\"est_rows\":%.0f", n->est_rows);
	if (analyze) {
		sb_printf(o, ",\"rows\":%lld,\"time_ms\":%.3f", (long long)atomic_load(&n->stats.rows),
		    (double)(atomic_load(&n->stats.ns) + atomic_load(&n->stats.build_ns)) / 1e6);
		if (builds_state(n->kind))
			sb_printf(o, ",\"memory_bytes\":%lld", (long long)n->stats.peak_bytes);
	}
	sb_puts(o, ",\"columns\":[");
	for (int i = 0; i < n->ncol; i++) {
		if (i)
			sb_putc(o, ',');
		json_str(o, n->names[i]);
	}
	sb_puts(o, "],\"children\":[");
	struct pnode *kids[64];
	int nk = ex_children(n, seen, kids, 64);
	for (int i = 0; i < nk; i++) {
		if (i)
			sb_putc(o, ',');
		json_node(kids[i], analyze, seen, o);
	}
	sb_puts(o, "]}");
}

struct rowset *
explain_json(const struct pnode *root, bool analyze, double total_ms, long long total_mem)
{
	struct strbuf o = STRBUF_INIT;
	sb_puts(&o, "{\"plan\":");
	struct ex_seen seen = {.n = 0};
	json_node(root, analyze, &seen, &o);
	if (analyze)
		sb_printf(&o, ",\"total_ms\":%.3f,\"total_memory_bytes\":%lld", total_ms, total_mem);
	sb_putc(&o, '}');
	char *names[] = {"plan"};
	wb_type types[] = {WB_TYPE_VARCHAR};
	struct rowset *rs = rowset_new(1, names, types);
	struct chunk c;
	chunk_init(&c, 1, types);
	chunk_reset(&c);
	c.n = c.cols[0].n = 1;
	vec_str(&c.cols[0])[0] = (wb_str){o.s, (uint32_t)o.len};
	rowset_append(rs, &c, 0, 1);
	chunk_free(&c);
	sb_free(&o);
	return rs;
}

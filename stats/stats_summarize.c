/*
 * SUMMARIZE source [WHERE cond]
 * SUMMARIZE SELECT ...            (DuckDB's form: a query as the source)
 *
 * One row per column of the source, as DuckDB's SUMMARIZE: column_name,
 * column_type, min and max (as text, for every type), approx_unique
 * (HyperLogLog), avg, std (sample), q25, q50, q75 (exact, R's type 7 as
 * quantile_cont; BIGINT and DOUBLE columns only, NULL otherwise), count
 * (the source's rows), null_percentage (rounded to 2 decimals, NULL for no
 * rows), and top_values for VARCHAR and BOOLEAN columns: the 5 most
 * frequent non-NULL values with their counts, "a (123), b (45), ...",
 * ties broken by value.
 *
 * It is a rewrite, not a reader: given the source's columns, it builds the
 * query that computes all this with the engine's own aggregates
 *
 *   WITH "summarize#src" AS (SELECT * FROM source WHERE cond),   -- not for a table
 *        "summarize#agg" AS (SELECT count(*) AS n, min/max/... per column FROM src),
 *        "summarize#top<j>" AS MATERIALIZED (SELECT string_agg(...) FROM
 *            (SELECT c AS v, count(*) AS k FROM src WHERE c IS NOT NULL
 *             GROUP BY c ORDER BY k DESC, v LIMIT 5)),           -- per VARCHAR/BOOLEAN column
 *   SELECT * EXCLUDE (ord) FROM (
 *        SELECT 0 AS ord, 'c0' AS column_name, ... FROM agg [, top0]
 *        UNION ALL SELECT 1 AS ord, ... ) ORDER BY ord
 *
 * so the wide aggregate reads the source once. A named table is read
 * directly by each part (scans of a table are cheap and project only the
 * column each top-values part needs); any other source (a table function,
 * a query) is the CTE "summarize#src", which the engine materialises when
 * the top values read it too, so a CSV is parsed once. The top-values
 * CTEs are MATERIALIZED so that each is optimised as its own tree: the
 * optimizer turns ORDER BY ... LIMIT into a top-N only along a tree's
 * spine, not inside join inputs, and a full sort of millions of groups
 * costs seconds.
 */
#include "stats/stats.h"

#include <string.h>
#include <strings.h>

/* The names the rewrite invents are not valid unquoted identifiers, so
 * they cannot shadow or clash with the source's tables and columns. */
#define SRC_NAME "summarize#src"
#define AGG_NAME "summarize#agg"
#define N_NAME "summarize#n"
#define V_NAME "summarize#v"
#define K_NAME "summarize#k"
#define TOP_NAME "summarize#top"
#define ORD_NAME "summarize#ord"
#define TOP_VALUES 5

struct summ_ctx {
	struct arena *a;
	const struct stats_stmt *st;
	int pos;
	bool direct;   /* the source is a named table: read it in each part */
	char **ref;    /* how the parts name column j: its name in a table, a
	                  positional alias in the CTE (a query's names may repeat) */
};

static struct ast *
typed_null(struct arena *a, wb_type t, int pos)
{
	return ast_mk_cast(a, ast_mk_null(a, pos), t);
}

static struct ast *
col(const struct summ_ctx *c, const char *name)
{
	return ast_mk_col(c->a, NULL, name, c->pos);
}

static struct ast *
named(const struct summ_ctx *c, const char *name)
{
	struct ast_name n = {.n = 1, .parts = {(char *)name}};
	return ast_mk_table(c->a, &n, NULL, NULL, c->pos);
}

/* A FROM item reading the source: a fresh copy of the table node (each
 * part of the query gets its own), or the CTE. */
static struct ast *
source_ref(const struct summ_ctx *c)
{
	if (!c->direct)
		return named(c, SRC_NAME);
	struct ast *t = ast_new(c->a, AST_TABLE, c->st->source->pos);
	*t = *c->st->source;
	return t;
}

static struct ast *
cte(const struct summ_ctx *c, const char *name, struct ast *query, int materialized)
{
	struct ast *e = ast_new(c->a, AST_CTE, c->pos);
	e->u.cte.name = (char *)name;
	e->u.cte.query = query;
	e->u.cte.materialized = materialized;
	return e;
}

static void
add_item(const struct summ_ctx *c, struct ast_list *items, struct ast *e, const char *alias)
{
	ast_list_add(c->a, items, ast_mk_item(c->a, e, alias));
}

static bool
is_numeric(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE;
}

static bool
has_top_values(wb_type t)
{
	return t == WB_TYPE_VARCHAR || t == WB_TYPE_BOOL;
}

/* The aggregate item's alias for column j ("min#3"). */
static const char *
alias(const struct summ_ctx *c, const char *what, int j)
{
	return arena_printf(c->a, "%s#%d", what, j);
}

/* SELECT count(*) AS n, and per column j: min, max (as text),
 * approx_count_distinct, count and, for numbers, avg, stddev_samp and the
 * quartiles - one row, one scan of the source. */
static struct ast *
agg_query(const struct summ_ctx *c, int ncol, const wb_type *types)
{
	struct arena *a = c->a;
	struct ast_list items = {0};
	struct ast *star = ast_mk_func(a, "count", c->pos, 0);
	star->u.func.star = true;
	add_item(c, &items, star, N_NAME);
	for (int j = 0; j < ncol; j++) {
		add_item(c, &items, ast_mk_cast(a, ast_mk_func(a, "min", c->pos, 1, col(c, c->ref[j])), WB_TYPE_VARCHAR),
		    alias(c, "min", j));
		add_item(c, &items, ast_mk_cast(a, ast_mk_func(a, "max", c->pos, 1, col(c, c->ref[j])), WB_TYPE_VARCHAR),
		    alias(c, "max", j));
		add_item(c, &items, ast_mk_func(a, "approx_count_distinct", c->pos, 1, col(c, c->ref[j])), alias(c, "u", j));
		add_item(c, &items, ast_mk_func(a, "count", c->pos, 1, col(c, c->ref[j])), alias(c, "c", j));
		if (!is_numeric(types[j]))
			continue;
		add_item(c, &items, ast_mk_func(a, "avg", c->pos, 1, col(c, c->ref[j])), alias(c, "avg", j));
		add_item(c, &items, ast_mk_func(a, "stddev_samp", c->pos, 1, col(c, c->ref[j])), alias(c, "std", j));
		static const char *const q[3] = {"q25", "q50", "q75"};
		for (int k = 0; k < 3; k++)
			add_item(c, &items,
			    ast_mk_func(a, "quantile_cont", c->pos, 2, col(c, c->ref[j]), ast_mk_double(a, 0.25 * (k + 1), c->pos)),
			    alias(c, q[k], j));
	}
	return ast_mk_select(a, source_ref(c), &items, c->direct ? c->st->where : NULL);
}

/* The top values of column `name` as one text:
 *   SELECT string_agg(CAST(v AS VARCHAR) || ' (' || CAST(k AS VARCHAR) || ')', ', ') AS top
 *   FROM (SELECT name AS v, count(*) AS k FROM src WHERE [cond AND] name IS NOT NULL
 *         GROUP BY name ORDER BY k DESC, v LIMIT 5)
 * string_agg follows its input's order, which the subquery sets. */
static struct ast *
top_query(const struct summ_ctx *c, const char *name)
{
	struct arena *a = c->a;
	struct ast *cond = ast_mk_is_null(a, col(c, name), true);
	if (c->direct && c->st->where)
		cond = ast_mk_binary(a, "AND", c->st->where, cond);
	struct ast_list items = {0};
	add_item(c, &items, col(c, name), V_NAME);
	struct ast *cnt = ast_mk_func(a, "count", c->pos, 0);
	cnt->u.func.star = true;
	add_item(c, &items, cnt, K_NAME);
	struct ast *inner = ast_mk_select(a, source_ref(c), &items, cond);
	struct ast *sel = inner->u.query.body;
	sel->u.select.group_kind = GROUP_PLAIN;
	ast_list_add(a, &sel->u.select.group, col(c, name));
	struct ast *by_k = ast_new(a, AST_ORDER_ITEM, c->pos);
	by_k->u.order.expr = col(c, K_NAME);
	by_k->u.order.desc = true;
	by_k->u.order.nulls_first = -1;
	struct ast *by_v = ast_new(a, AST_ORDER_ITEM, c->pos);
	by_v->u.order.expr = col(c, V_NAME);
	by_v->u.order.nulls_first = -1;
	ast_list_add(a, &inner->u.query.order, by_k);
	ast_list_add(a, &inner->u.query.order, by_v);
	inner->u.query.limit = ast_mk_int(a, TOP_VALUES, c->pos);
	inner->u.query.limit_pos = c->pos;

	struct ast *text = ast_mk_binary(a, "||", ast_mk_cast(a, col(c, V_NAME), WB_TYPE_VARCHAR), ast_mk_str(a, " (", c->pos));
	text = ast_mk_binary(a, "||", text, ast_mk_cast(a, col(c, K_NAME), WB_TYPE_VARCHAR));
	text = ast_mk_binary(a, "||", text, ast_mk_str(a, ")", c->pos));
	struct ast_list outer = {0};
	add_item(c, &outer, ast_mk_func(a, "string_agg", c->pos, 2, text, ast_mk_str(a, ", ", c->pos)), TOP_NAME);
	return ast_mk_select(a, ast_mk_derived(a, inner, "summarize#t"), &outer, NULL);
}

/* Column j's row of the result, from the aggregate row (and its top values). */
static struct ast *
column_row(const struct summ_ctx *c, int j, const char *name, wb_type type, const char *top_cte)
{
	struct arena *a = c->a;
	struct ast_list items = {0};
	add_item(c, &items, ast_mk_int(a, j, c->pos), ORD_NAME);
	add_item(c, &items, ast_mk_str(a, name, c->pos), "column_name");
	add_item(c, &items, ast_mk_str(a, type_name(type), c->pos), "column_type");
	add_item(c, &items, col(c, alias(c, "min", j)), "min");
	add_item(c, &items, col(c, alias(c, "max", j)), "max");
	add_item(c, &items, col(c, alias(c, "u", j)), "approx_unique");
	static const char *const num[5] = {"avg", "std", "q25", "q50", "q75"};
	for (int k = 0; k < 5; k++)
		add_item(c, &items, is_numeric(type) ? col(c, alias(c, num[k], j)) : typed_null(a, WB_TYPE_DOUBLE, c->pos),
		    num[k]);
	add_item(c, &items, col(c, N_NAME), "count");
	/* CASE WHEN n = 0 THEN NULL ELSE round(100.0 * (n - c#j) / n, 2) END */
	struct ast *pct = ast_mk_binary(a, "*", ast_mk_double(a, 100.0, c->pos),
	    ast_mk_binary(a, "-", col(c, N_NAME), col(c, alias(c, "c", j))));
	pct = ast_mk_func(a, "round", c->pos, 2, ast_mk_binary(a, "/", pct, col(c, N_NAME)), ast_mk_int(a, 2, c->pos));
	struct ast *kase = ast_mk_case(a, c->pos);
	ast_case_when(a, kase, ast_mk_binary(a, "=", col(c, N_NAME), ast_mk_int(a, 0, c->pos)),
	    typed_null(a, WB_TYPE_DOUBLE, c->pos));
	kase->u.kase.els = pct;
	add_item(c, &items, kase, "null_percentage");
	struct ast *from = named(c, AGG_NAME);
	if (top_cte) {
		add_item(c, &items, col(c, TOP_NAME), "top_values");
		from = ast_mk_join(a, JOIN_CROSS, from, named(c, top_cte), NULL);
	} else {
		add_item(c, &items, typed_null(a, WB_TYPE_VARCHAR, c->pos), "top_values");
	}
	return ast_mk_select(a, from, &items, NULL)->u.query.body;
}

/* The rewrite (stats.h): the query whose result is SUMMARIZE's table. */
static struct ast *
summarize_rewrite(const struct stats_stmt *st, struct arena *a, int ncol, char *const *names, const wb_type *types)
{
	struct summ_ctx c = {.a = a, .st = st, .pos = st->pos, .direct = st->source->kind == AST_TABLE};
	c.ref = arena_alloc(a, sizeof *c.ref * (size_t)(ncol ? ncol : 1));
	for (int j = 0; j < ncol; j++)
		c.ref[j] = c.direct ? names[j] : arena_printf(a, "summarize#c%d", j);
	struct ast *q = ast_new(a, AST_QUERY, st->pos);
	if (!c.direct) {
		struct ast_list all = {0};
		add_item(&c, &all, ast_new(a, AST_STAR, st->pos), NULL);
		struct ast *src = cte(&c, SRC_NAME, ast_mk_select(a, st->source, &all, st->where), -1);
		for (int j = 0; j < ncol; j++)
			ast_list_add(a, &src->u.cte.columns, col(&c, c.ref[j]));
		ast_list_add(a, &q->u.query.with, src);
	}
	ast_list_add(a, &q->u.query.with, cte(&c, AGG_NAME, agg_query(&c, ncol, types), -1));
	struct ast *body = NULL;
	for (int j = 0; j < ncol; j++) {
		const char *top = NULL;
		if (has_top_values(types[j])) {
			top = arena_printf(a, "summarize#top%d", j);
			ast_list_add(a, &q->u.query.with, cte(&c, top, top_query(&c, c.ref[j]), 1));
		}
		struct ast *row = column_row(&c, j, names[j], types[j], top);
		if (body == NULL) {
			body = row;
			continue;
		}
		struct ast *u = ast_new(a, AST_SETOP, st->pos);
		u->u.setop.op = SETOP_UNION;
		u->u.setop.all = true;
		u->u.setop.left = body;
		u->u.setop.right = row;
		body = u;
	}
	/* SELECT * EXCLUDE (ord) FROM (rows) ORDER BY ord */
	struct ast *rows = ast_new(a, AST_QUERY, st->pos);
	rows->u.query.body = body;
	struct ast *star = ast_new(a, AST_STAR, st->pos);
	ast_list_add(a, &star->u.star.exclude, col(&c, ORD_NAME));
	struct ast_list items = {0};
	add_item(&c, &items, star, NULL);
	struct ast *outer = ast_mk_select(a, ast_mk_derived(a, rows, "summarize#rows"), &items, NULL);
	q->u.query.body = outer->u.query.body;
	struct ast *by = ast_new(a, AST_ORDER_ITEM, st->pos);
	by->u.order.expr = col(&c, ORD_NAME);
	by->u.order.nulls_first = -1;
	ast_list_add(a, &q->u.query.order, by);
	return q;
}

static bool
at_query(struct parser *p)
{
	const struct token *t = parser_peek(p, 0);
	if (t->type != TOK_IDENT)
		return false;
	static const char *const starts[] = {"SELECT", "WITH", "VALUES", "FROM"};
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
		if ((size_t)t->len == strlen(starts[i]) && strncasecmp(t->text, starts[i], (size_t)t->len) == 0)
			return true;
	return false;
}

/* SUMMARIZE source [WHERE cond] | SUMMARIZE query */
static int
summarize_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, NULL, "SUMMARIZE");
	st->rewrite = summarize_rewrite;
	*data = st;
	if (at_query(p)) {
		struct ast *q = parser_query(p);
		if (q == NULL)
			return -1;
		st->source = ast_mk_derived(p->arena, q, "summarize#query");
	} else {
		if (parser_at_end(p))
			return parser_syntax_error(p, "a source: a table, a table function, a (query) or SELECT ...");
		st->source = parser_table_ref(p);
		if (st->source == NULL)
			return -1;
		if (parser_accept_word(p, "WHERE") && (st->where = parser_expr(p)) == NULL)
			return -1;
	}
	/* ")" ends it where it stands as a query: FROM (SUMMARIZE t) */
	const struct token *t = parser_peek(p, 0);
	if (!parser_at_end(p) && !(t->type == TOK_OP && t->len == 1 && t->text[0] == ')'))
		return parser_syntax_error(p, "WHERE or the end of the statement");
	return 0;
}

const struct stmt_ext stats_ext_summarize = {
	.word = "SUMMARIZE",
	.parse = summarize_parse,
	.query = true,
	.usage = "SUMMARIZE source [WHERE cond] | SUMMARIZE SELECT ...",
	.summary = "one row per column of a table or query: type, min, max, distinct, mean, sd, quartiles, nulls, top values",
};

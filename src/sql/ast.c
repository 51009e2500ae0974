#include "sql/ast.h"
#include "core/datetime.h"
#include "sql/parser.h"

#include <string.h>

struct ast *
ast_new(struct arena *a, enum ast_kind kind, int pos)
{
	struct ast *n = arena_zalloc(a, sizeof *n);
	n->kind = kind;
	n->pos = pos;
	return n;
}

void
ast_list_add(struct arena *a, struct ast_list *l, struct ast *node)
{
	if (l->n == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 4;
		struct ast **nv = arena_alloc(a, sizeof(struct ast *) * (size_t)ncap);
		if (l->n)
			memcpy(nv, l->v, sizeof(struct ast *) * (size_t)l->n);
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = node;
}

static const char *const kind_names[] = {
	[AST_LITERAL] = "lit", [AST_COLREF] = "col", [AST_STAR] = "star", [AST_PARAM] = "param",
	[AST_UNARY] = "unary", [AST_BINARY] = "bin", [AST_FUNC] = "func", [AST_CASE] = "case",
	[AST_CAST] = "cast", [AST_IN] = "in", [AST_BETWEEN] = "between", [AST_LIKE] = "like",
	[AST_IS] = "is", [AST_EXISTS] = "exists", [AST_SUBQUERY] = "subquery",
	[AST_INTERVAL] = "interval", [AST_ORDER_ITEM] = "order", [AST_SELECT_ITEM] = "item",
	[AST_WINDOW_SPEC] = "window", [AST_WHEN] = "when", [AST_CTE] = "cte",
	[AST_NAMED_ARG] = "named", [AST_STRUCT] = "struct", [AST_LIST] = "list",
	[AST_ASSIGN] = "assign", [AST_COLDEF] = "coldef", [AST_PROPERTY] = "prop",
	[AST_SELECT] = "select", [AST_SETOP] = "setop", [AST_VALUES] = "values",
	[AST_QUERY] = "query", [AST_TABLE] = "table", [AST_TABLE_FUNC] = "tfunc",
	[AST_DERIVED] = "derived", [AST_JOIN] = "join", [AST_PIVOT] = "pivot",
	[AST_UNPIVOT] = "unpivot", [AST_BOUND] = "bound", [AST_CREATE_TABLE] = "create-table",
	[AST_CREATE_VIEW] = "create-view", [AST_CREATE_SCHEMA] = "create-schema",
	[AST_DROP] = "drop", [AST_INSERT] = "insert", [AST_UPDATE] = "update",
	[AST_DELETE] = "delete", [AST_EXPLAIN] = "explain", [AST_SHOW] = "show",
	[AST_DESCRIBE] = "describe", [AST_SET] = "set", [AST_USE] = "use", [AST_COPY] = "copy", [AST_CACHE] = "cache",
	[AST_EXT] = "ext", [AST_MERGE] = "merge", [AST_MERGE_CLAUSE] = "when", [AST_ALTER_TABLE] = "alter-table",
	[AST_TRUNCATE] = "truncate", [AST_CONSTRAINT] = "constraint",
};

const char *
ast_kind_name(enum ast_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0] && kind_names[k])
		return kind_names[k];
	return "?";
}

static void dump(const struct ast *n, struct strbuf *o);

static void
dump_list(const char *tag, const struct ast_list *l, struct strbuf *o)
{
	if (l->n == 0)
		return;
	sb_printf(o, " (%s", tag);
	for (int i = 0; i < l->n; i++) {
		sb_putc(o, ' ');
		dump(l->v[i], o);
	}
	sb_putc(o, ')');
}

static void
dump_opt(const char *tag, const struct ast *n, struct strbuf *o)
{
	if (n == NULL)
		return;
	sb_printf(o, " (%s ", tag);
	dump(n, o);
	sb_putc(o, ')');
}

static void
dump_name(const struct ast_name *nm, struct strbuf *o)
{
	for (int i = 0; i < nm->n; i++) {
		if (i)
			sb_putc(o, '.');
		sb_puts(o, nm->parts[i]);
	}
}

static void
dump_lit(const struct wb_value *v, struct strbuf *o)
{
	if (v->is_null || v->type == WB_TYPE_NULL) {
		sb_puts(o, "NULL");
		return;
	}
	if (v->type == WB_TYPE_VARCHAR) {
		sb_putc(o, '\'');
		sb_add(o, v->u.s.p, v->u.s.n);
		sb_putc(o, '\'');
		return;
	}
	if (v->type == WB_TYPE_INTERVAL) {
		sb_puts(o, "INTERVAL '");
		format_interval(v->u.iv, o);
		sb_putc(o, '\'');
		return;
	}
	value_format(v, o, "NULL");
}

static const char *const join_names[] = {"inner", "left", "right", "full", "cross", "semi", "anti"};
static const char *const setop_names[] = {"union", "intersect", "except"};

static void
dump(const struct ast *n, struct strbuf *o)
{
	if (n == NULL) {
		sb_puts(o, "nil");
		return;
	}
	sb_putc(o, '(');
	sb_puts(o, ast_kind_name(n->kind));
	switch (n->kind) {
	case AST_LITERAL:
		sb_putc(o, ' ');
		dump_lit(&n->u.lit, o);
		break;
	case AST_COLREF:
		sb_putc(o, ' ');
		dump_name(&n->u.name, o);
		break;
	case AST_STAR:
		if (n->u.star.qualifier)
			sb_printf(o, " %s", n->u.star.qualifier);
		dump_list("exclude", &n->u.star.exclude, o);
		dump_list("replace", &n->u.star.replace, o);
		break;
	case AST_PARAM:
		sb_printf(o, " %s", n->u.param.name);
		break;
	case AST_UNARY:
		sb_printf(o, " %s ", n->u.unary.op);
		dump(n->u.unary.arg, o);
		break;
	case AST_BINARY:
		sb_printf(o, " %s ", n->u.binary.op);
		dump(n->u.binary.left, o);
		sb_putc(o, ' ');
		dump(n->u.binary.right, o);
		break;
	case AST_FUNC:
		sb_printf(o, " %s%s%s", n->u.func.name, n->u.func.distinct ? " distinct" : "", n->u.func.star ? " *" : "");
		for (int i = 0; i < n->u.func.args.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.func.args.v[i], o);
		}
		dump_list("order", &n->u.func.order, o);
		dump_opt("filter", n->u.func.filter, o);
		if (n->u.func.ignore_nulls == 1)
			sb_puts(o, " ignore-nulls");
		dump_opt("over", n->u.func.over, o);
		break;
	case AST_CASE:
		dump_opt("operand", n->u.kase.operand, o);
		for (int i = 0; i < n->u.kase.whens.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.kase.whens.v[i], o);
		}
		dump_opt("else", n->u.kase.els, o);
		break;
	case AST_WHEN:
		sb_putc(o, ' ');
		dump(n->u.when.cond, o);
		sb_putc(o, ' ');
		dump(n->u.when.then, o);
		break;
	case AST_CAST:
		sb_printf(o, "%s %s ", n->u.cast.try_cast ? " try" : "", type_name(n->u.cast.type));
		dump(n->u.cast.arg, o);
		break;
	case AST_IN:
		sb_puts(o, n->u.in.not ? " not " : " ");
		dump(n->u.in.arg, o);
		dump_list("list", &n->u.in.list, o);
		dump_opt("query", n->u.in.subquery, o);
		break;
	case AST_BETWEEN:
		sb_puts(o, n->u.between.not ? " not " : " ");
		dump(n->u.between.arg, o);
		sb_putc(o, ' ');
		dump(n->u.between.lo, o);
		sb_putc(o, ' ');
		dump(n->u.between.hi, o);
		break;
	case AST_LIKE:
		sb_printf(o, " %s%s ", n->u.like.not ? "not-" : "", n->u.like.op);
		dump(n->u.like.arg, o);
		sb_putc(o, ' ');
		dump(n->u.like.pattern, o);
		dump_opt("escape", n->u.like.escape, o);
		break;
	case AST_IS: {
		static const char *const w[] = {"null", "true", "false", "distinct-from"};
		sb_printf(o, " %s%s ", n->u.is.not ? "not-" : "", w[n->u.is.what]);
		dump(n->u.is.arg, o);
		if (n->u.is.other) {
			sb_putc(o, ' ');
			dump(n->u.is.other, o);
		}
		break;
	}
	case AST_EXISTS:
	case AST_SUBQUERY:
		if (n->u.sub.not)
			sb_puts(o, " not");
		sb_putc(o, ' ');
		dump(n->u.sub.query, o);
		break;
	case AST_ORDER_ITEM:
		sb_putc(o, ' ');
		dump(n->u.order.expr, o);
		if (n->u.order.desc)
			sb_puts(o, " desc");
		if (n->u.order.nulls_first >= 0)
			sb_puts(o, n->u.order.nulls_first ? " nulls-first" : " nulls-last");
		break;
	case AST_SELECT_ITEM:
		sb_putc(o, ' ');
		dump(n->u.item.expr, o);
		if (n->u.item.alias)
			sb_printf(o, " as %s", n->u.item.alias);
		break;
	case AST_WINDOW_SPEC: {
		static const char *const b[] = {"unbounded-preceding", "preceding", "current-row", "following", "unbounded-following"};
		if (n->u.win.name)
			sb_printf(o, " name=%s", n->u.win.name);
		if (n->u.win.base)
			sb_printf(o, " base=%s", n->u.win.base);
		dump_list("partition", &n->u.win.partition, o);
		dump_list("order", &n->u.win.order, o);
		if (n->u.win.frame != FRAME_NONE) {
			sb_printf(o, " (%s %s", n->u.win.frame == FRAME_ROWS ? "rows" : "range", b[n->u.win.start.type]);
			if (n->u.win.start.offset) {
				sb_putc(o, ' ');
				dump(n->u.win.start.offset, o);
			}
			sb_printf(o, " %s", b[n->u.win.end.type]);
			if (n->u.win.end.offset) {
				sb_putc(o, ' ');
				dump(n->u.win.end.offset, o);
			}
			sb_putc(o, ')');
		}
		break;
	}
	case AST_CTE:
		sb_printf(o, " %s", n->u.cte.name);
		dump_list("cols", &n->u.cte.columns, o);
		sb_putc(o, ' ');
		dump(n->u.cte.query, o);
		break;
	case AST_NAMED_ARG:
		sb_printf(o, " %s ", n->u.named.name);
		dump(n->u.named.value, o);
		break;
	case AST_STRUCT:
		for (int i = 0; i < n->u.strct.keys.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.strct.keys.v[i], o);
			sb_putc(o, ':');
			dump(n->u.strct.values.v[i], o);
		}
		break;
	case AST_LIST:
		for (int i = 0; i < n->u.list.items.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.list.items.v[i], o);
		}
		break;
	case AST_ASSIGN:
		sb_putc(o, ' ');
		dump_name(&n->u.assign.target, o);
		sb_putc(o, ' ');
		dump(n->u.assign.value, o);
		break;
	case AST_COLDEF:
		sb_printf(o, " %s %s%s", n->u.coldef.name, type_name(n->u.coldef.type), n->u.coldef.not_null ? " not-null" : "");
		break;
	case AST_PROPERTY:
		sb_printf(o, " %s ", n->u.prop.key);
		dump(n->u.prop.value, o);
		break;
	case AST_CONSTRAINT: {
		static const char *const kinds[] = {"check", "expect", "expect-drop-row", "expect-fail-update",
		    "expect-quarantine"};
		sb_printf(o, " %s %s ", n->u.constraint.name, kinds[n->u.constraint.kind]);
		dump(n->u.constraint.cond, o);
		break;
	}
	case AST_SELECT:
		if (n->u.select.distinct)
			sb_puts(o, " distinct");
		dump_list("on", &n->u.select.distinct_on, o);
		dump_list("items", &n->u.select.items, o);
		dump_opt("from", n->u.select.from, o);
		dump_opt("where", n->u.select.where, o);
		if (n->u.select.group_kind == GROUP_ALL)
			sb_puts(o, " (group-by all)");
		else if (n->u.select.group.n) {
			static const char *const g[] = {"group-by", "group-by", "rollup", "cube", "grouping-sets"};
			dump_list(g[n->u.select.group_kind], &n->u.select.group, o);
		}
		dump_opt("having", n->u.select.having, o);
		dump_list("windows", &n->u.select.windows, o);
		dump_opt("qualify", n->u.select.qualify, o);
		break;
	case AST_SETOP:
		sb_printf(o, " %s%s%s ", setop_names[n->u.setop.op], n->u.setop.all ? " all" : "", n->u.setop.by_name ? " by-name" : "");
		dump(n->u.setop.left, o);
		sb_putc(o, ' ');
		dump(n->u.setop.right, o);
		break;
	case AST_VALUES:
		for (int i = 0; i < n->u.values.rows.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.values.rows.v[i], o);
		}
		break;
	case AST_QUERY:
		if (n->u.query.recursive)
			sb_puts(o, " recursive");
		dump_list("with", &n->u.query.with, o);
		sb_putc(o, ' ');
		dump(n->u.query.body, o);
		if (n->u.query.order_all)
			sb_puts(o, " order-all");
		dump_list("order", &n->u.query.order, o);
		dump_opt("limit", n->u.query.limit, o);
		dump_opt("offset", n->u.query.offset, o);
		break;
	case AST_TABLE:
		sb_putc(o, ' ');
		dump_name(&n->u.table.name, o);
		if (n->u.table.alias)
			sb_printf(o, " as %s", n->u.table.alias);
		dump_list("cols", &n->u.table.col_aliases, o);
		dump_opt("version", n->u.table.version, o);
		dump_opt("timestamp", n->u.table.timestamp, o);
		break;
	case AST_TABLE_FUNC:
		sb_printf(o, " %s", n->u.tfunc.name[0] ? n->u.tfunc.name : "''");
		for (int i = 0; i < n->u.tfunc.args.n; i++) {
			sb_putc(o, ' ');
			dump(n->u.tfunc.args.v[i], o);
		}
		if (n->u.tfunc.alias)
			sb_printf(o, " as %s", n->u.tfunc.alias);
		break;
	case AST_DERIVED:
		if (n->u.derived.lateral)
			sb_puts(o, " lateral");
		sb_putc(o, ' ');
		dump(n->u.derived.query, o);
		if (n->u.derived.alias)
			sb_printf(o, " as %s", n->u.derived.alias);
		dump_list("cols", &n->u.derived.col_aliases, o);
		break;
	case AST_JOIN:
		sb_printf(o, " %s%s ", n->u.join.natural ? "natural-" : "", join_names[n->u.join.type]);
		dump(n->u.join.left, o);
		sb_putc(o, ' ');
		dump(n->u.join.right, o);
		dump_opt("on", n->u.join.on, o);
		dump_list("using", &n->u.join.using_cols, o);
		break;
	case AST_PIVOT:
		sb_putc(o, ' ');
		dump(n->u.pivot.source, o);
		dump_list("aggs", &n->u.pivot.aggs, o);
		dump_list("for", &n->u.pivot.for_cols, o);
		dump_list("in", &n->u.pivot.in_values, o);
		if (n->u.pivot.alias)
			sb_printf(o, " as %s", n->u.pivot.alias);
		break;
	case AST_UNPIVOT:
		sb_putc(o, ' ');
		dump(n->u.unpivot.source, o);
		dump_list("value", &n->u.unpivot.value_cols, o);
		dump_list("name", &n->u.unpivot.name_cols, o);
		dump_list("in", &n->u.unpivot.in_cols, o);
		break;
	case AST_BOUND:
		break;
	case AST_CREATE_TABLE:
	case AST_CREATE_VIEW:
	case AST_CREATE_SCHEMA:
		if (n->u.create.or_replace)
			sb_puts(o, " or-replace");
		if (n->u.create.temp)
			sb_puts(o, " temp");
		if (n->u.create.if_not_exists)
			sb_puts(o, " if-not-exists");
		sb_putc(o, ' ');
		dump_name(&n->u.create.name, o);
		dump_list("columns", &n->u.create.columns, o);
		dump_list("constraints", &n->u.create.constraints, o);
		dump_list("partitioned", &n->u.create.partitioned, o);
		dump_list("props", &n->u.create.props, o);
		if (n->u.create.location)
			sb_printf(o, " (location '%s')", n->u.create.location);
		dump_opt("as", n->u.create.query, o);
		break;
	case AST_DROP:
		sb_printf(o, " %s%s ", n->u.drop.what == OBJ_TABLE ? "table" : n->u.drop.what == OBJ_VIEW ? "view" :
		    n->u.drop.what == OBJ_SCHEMA ? "schema" : n->u.drop.what_text, n->u.drop.if_exists ? " if-exists" : "");
		dump_name(&n->u.drop.name, o);
		break;
	case AST_INSERT:
		sb_puts(o, n->u.insert.overwrite ? " overwrite " : " into ");
		dump_name(&n->u.insert.table, o);
		dump_list("cols", &n->u.insert.columns, o);
		if (n->u.insert.by_name)
			sb_puts(o, " by-name");
		if (n->u.insert.schema_evolution)
			sb_puts(o, " schema-evolution");
		dump_opt("replace-where", n->u.insert.replace_where, o);
		sb_putc(o, ' ');
		dump(n->u.insert.query, o);
		break;
	case AST_UPDATE:
		sb_putc(o, ' ');
		dump(n->u.update.table, o);
		dump_list("set", &n->u.update.set, o);
		dump_opt("where", n->u.update.where, o);
		break;
	case AST_DELETE:
	case AST_TRUNCATE:
		sb_putc(o, ' ');
		dump(n->u.del.table, o);
		dump_opt("where", n->u.del.where, o);
		break;
	case AST_MERGE:
		if (n->u.merge.schema_evolution)
			sb_puts(o, " schema-evolution");
		sb_putc(o, ' ');
		dump(n->u.merge.target, o);
		sb_puts(o, " (using ");
		dump(n->u.merge.source, o);
		sb_putc(o, ')');
		dump_opt("on", n->u.merge.on, o);
		dump_list("clauses", &n->u.merge.clauses, o);
		break;
	case AST_MERGE_CLAUSE: {
		static const char *const when[] = {"matched", "not-matched", "not-matched-by-source"};
		static const char *const act[] = {"update", "delete", "insert"};
		sb_printf(o, " %s %s%s", when[n->u.mclause.when], act[n->u.mclause.action], n->u.mclause.star ? " *" : "");
		dump_opt("and", n->u.mclause.cond, o);
		dump_list("set", &n->u.mclause.set, o);
		dump_list("cols", &n->u.mclause.columns, o);
		dump_list("values", &n->u.mclause.values, o);
		break;
	}
	case AST_ALTER_TABLE: {
		static const char *const what[] = {"add-columns", "rename-column", "drop-columns", "set-props",
		    "unset-props", "column-comment", "rename-table", "add-constraint", "drop-constraint"};
		sb_printf(o, " %s ", what[n->u.alter.what]);
		dump_name(&n->u.alter.name, o);
		if (n->u.alter.column)
			sb_printf(o, " (column %s)", n->u.alter.column);
		if (n->u.alter.new_name)
			sb_printf(o, " (to %s)", n->u.alter.new_name);
		if (n->u.alter.comment)
			sb_printf(o, " (comment '%s')", n->u.alter.comment);
		dump_list("cols", &n->u.alter.columns, o);
		dump_list("props", &n->u.alter.props, o);
		if (n->u.alter.constraint) {
			sb_putc(o, ' ');
			dump(n->u.alter.constraint, o);
		}
		break;
	}
	case AST_EXPLAIN:
		if (n->u.explain.analyze)
			sb_puts(o, " analyze");
		if (n->u.explain.format)
			sb_printf(o, " format=%s", n->u.explain.format);
		sb_putc(o, ' ');
		dump(n->u.explain.stmt, o);
		break;
	case AST_SHOW:
		sb_printf(o, " %d", (int)n->u.show.what);
		if (n->u.show.in.n) {
			sb_puts(o, " in ");
			dump_name(&n->u.show.in, o);
		}
		if (n->u.show.like)
			sb_printf(o, " like '%s'", n->u.show.like);
		break;
	case AST_DESCRIBE:
		if (n->u.describe.extended)
			sb_puts(o, " extended");
		if (n->u.describe.what)
			sb_printf(o, " %s", n->u.describe.what);
		if (n->u.describe.name.n) {
			sb_putc(o, ' ');
			dump_name(&n->u.describe.name, o);
		}
		dump_opt("query", n->u.describe.query, o);
		break;
	case AST_SET:
		sb_printf(o, " %s ", n->u.set.name);
		dump(n->u.set.value, o);
		break;
	case AST_USE:
		sb_putc(o, ' ');
		dump_name(&n->u.use.name, o);
		break;
	case AST_CACHE:
		sb_puts(o, n->u.cache.uncache ? " uncache " : n->u.cache.lazy ? " lazy " : " ");
		dump_name(&n->u.cache.name, o);
		break;
	case AST_COPY:
		sb_printf(o, " %s '%s'", n->u.copy.to ? "to" : "from", n->u.copy.path);
		dump_opt("query", n->u.copy.query, o);
		dump_list("options", &n->u.copy.options, o);
		break;
	case AST_EXT:
		sb_printf(o, " %s", n->u.ext.ext->word);
		break;
	case AST_INTERVAL:
		break;
	}
	sb_putc(o, ')');
}

void
ast_dump(const struct ast *node, struct strbuf *out)
{
	dump(node, out);
}

static void
sql_name(const char *s, struct strbuf *o)
{
	sb_puts(o, s);
}

/* ast_expr_text: ast_expr_sql keeping qualifiers (set during its call) */
static _Thread_local bool sql_qualified;

void
ast_expr_text(const struct ast *n, struct strbuf *o)
{
	bool saved = sql_qualified;
	sql_qualified = true;
	ast_expr_sql(n, o);
	sql_qualified = saved;
}

void
ast_expr_sql(const struct ast *n, struct strbuf *o)
{
	if (n == NULL)
		return;
	switch (n->kind) {
	case AST_LITERAL:
		if (n->u.lit.type == WB_TYPE_VARCHAR) {
			sb_putc(o, '\'');
			for (uint32_t i = 0; i < n->u.lit.u.s.n; i++) {
				if (n->u.lit.u.s.p[i] == '\'')
					sb_putc(o, '\'');
				sb_putc(o, n->u.lit.u.s.p[i]);
			}
			sb_putc(o, '\'');
		} else {
			dump_lit(&n->u.lit, o);
		}
		break;
	case AST_COLREF:
		for (int i = sql_qualified ? 0 : n->u.name.n - 1; i < n->u.name.n; i++) {
			sql_name(n->u.name.parts[i], o);
			if (i < n->u.name.n - 1)
				sb_putc(o, '.');
		}
		break;
	case AST_STAR:
		if (n->u.star.qualifier)
			sb_printf(o, "%s.", n->u.star.qualifier);
		sb_putc(o, '*');
		break;
	case AST_PARAM:
		sb_printf(o, ":%s", n->u.param.name);
		break;
	case AST_UNARY:
		if (strcmp(n->u.unary.op, "NOT") == 0)
			sb_puts(o, "NOT ");
		else
			sb_puts(o, n->u.unary.op);
		ast_expr_sql(n->u.unary.arg, o);
		break;
	case AST_BINARY:
		sb_putc(o, '(');
		ast_expr_sql(n->u.binary.left, o);
		sb_printf(o, " %s ", n->u.binary.op);
		ast_expr_sql(n->u.binary.right, o);
		sb_putc(o, ')');
		break;
	case AST_FUNC:
		if (n->u.func.subscript && n->u.func.args.n == 2) {
			ast_expr_sql(n->u.func.args.v[0], o);
			sb_putc(o, '[');
			ast_expr_sql(n->u.func.args.v[1], o);
			sb_putc(o, ']');
			break;
		}
		sb_printf(o, "%s(", n->u.func.name);
		if (n->u.func.distinct)
			sb_puts(o, "DISTINCT ");
		if (n->u.func.star)
			sb_putc(o, '*');
		for (int i = 0; i < n->u.func.args.n; i++) {
			if (i)
				sb_puts(o, ", ");
			ast_expr_sql(n->u.func.args.v[i], o);
		}
		sb_putc(o, ')');
		/* count(*) FILTER (WHERE x) and ... (WHERE y) are different columns */
		if (n->u.func.filter) {
			sb_puts(o, " FILTER (WHERE ");
			ast_expr_sql(n->u.func.filter, o);
			sb_putc(o, ')');
		}
		if (n->u.func.over)
			sb_puts(o, " OVER (...)");
		break;
	case AST_CASE:
		sb_puts(o, "CASE ... END");
		break;
	case AST_CAST:
		sb_puts(o, "CAST(");
		ast_expr_sql(n->u.cast.arg, o);
		sb_printf(o, " AS %s)", n->u.cast.type_text ? n->u.cast.type_text : type_name(n->u.cast.type));
		break;
	case AST_IN:
		ast_expr_sql(n->u.in.arg, o);
		sb_puts(o, n->u.in.not ? " NOT IN (...)" : " IN (...)");
		break;
	case AST_BETWEEN:
		ast_expr_sql(n->u.between.arg, o);
		sb_puts(o, n->u.between.not ? " NOT BETWEEN " : " BETWEEN ");
		ast_expr_sql(n->u.between.lo, o);
		sb_puts(o, " AND ");
		ast_expr_sql(n->u.between.hi, o);
		break;
	case AST_LIKE:
		ast_expr_sql(n->u.like.arg, o);
		sb_printf(o, " %s%s ", n->u.like.not ? "NOT " : "", n->u.like.op);
		ast_expr_sql(n->u.like.pattern, o);
		break;
	case AST_IS:
		ast_expr_sql(n->u.is.arg, o);
		sb_puts(o, n->u.is.not ? " IS NOT " : " IS ");
		sb_puts(o, n->u.is.what == IS_NULL ? "NULL" : n->u.is.what == IS_TRUE ? "TRUE" :
		    n->u.is.what == IS_FALSE ? "FALSE" : "DISTINCT FROM ...");
		break;
	case AST_EXISTS:
		sb_puts(o, n->u.sub.not ? "NOT EXISTS(...)" : "EXISTS(...)");
		break;
	case AST_SUBQUERY:
		sb_puts(o, "(SELECT ...)");
		break;
	case AST_LIST:
		sb_putc(o, n->u.list.bracket ? '[' : '(');
		for (int i = 0; i < n->u.list.items.n; i++) {
			if (i)
				sb_puts(o, ", ");
			ast_expr_sql(n->u.list.items.v[i], o);
		}
		sb_putc(o, n->u.list.bracket ? ']' : ')');
		break;
	default:
		sb_puts(o, ast_kind_name(n->kind));
	}
}

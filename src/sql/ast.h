/*
 * ast: the parse tree.
 *
 * Ownership: every node, list and string of a statement's tree lives in the
 * parse arena handed to the parser, and is freed with it in one go. Strings
 * (names, literals) are NUL-terminated copies in that arena. `pos` is the
 * byte offset in the statement text where the node starts (for carets).
 * Names are kept as written; comparison is case-insensitive downstream.
 */
#ifndef WB_SQL_AST_H
#define WB_SQL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/types.h"

struct ast;

struct ast_list {
	int n;
	int cap;
	struct ast **v;
};

/* A possibly qualified name: parts[0].parts[1]... (1 to 4 parts). */
struct ast_name {
	int n;
	char *parts[4];
};

enum ast_kind {
	/* expressions */
	AST_LITERAL = 1,   /* lit */
	AST_COLREF,        /* name */
	AST_STAR,          /* star */
	AST_PARAM,         /* param */
	AST_UNARY,         /* op: "-", "+", "NOT" */
	AST_BINARY,        /* op: "+" "-" "*" "/" "%" "div" "||" "=" "<>" "<" "<=" ">" ">=" "AND" "OR" */
	AST_FUNC,          /* func */
	AST_CASE,          /* kase */
	AST_CAST,          /* cast */
	AST_IN,            /* in: list or subquery */
	AST_BETWEEN,       /* between */
	AST_LIKE,          /* like: op "like" "ilike" "rlike" "glob" */
	AST_IS,            /* is: IS [NOT] NULL / TRUE / FALSE / DISTINCT FROM */
	AST_EXISTS,        /* sub */
	AST_SUBQUERY,      /* sub: scalar subquery */
	AST_INTERVAL,      /* interval literal, folded into lit */
	/* pieces */
	AST_ORDER_ITEM,    /* order */
	AST_SELECT_ITEM,   /* item */
	AST_WINDOW_SPEC,   /* win */
	AST_WHEN,          /* when */
	AST_CTE,           /* cte */
	AST_NAMED_ARG,     /* named: name => value (table function options) */
	AST_STRUCT,        /* strct: {'a': 'BIGINT', ...} (DuckDB-style option maps) */
	AST_LIST,          /* list: [a, b] */
	AST_ASSIGN,        /* assign: col = expr (UPDATE SET, MERGE) */
	AST_COLDEF,        /* coldef */
	AST_PROPERTY,      /* prop: 'key' = 'value' (TBLPROPERTIES, OPTIONS) */
	/* relations */
	AST_SELECT,        /* select: one SELECT core */
	AST_SETOP,         /* setop */
	AST_VALUES,        /* values */
	AST_QUERY,         /* query: WITH + body + ORDER BY + LIMIT */
	AST_TABLE,         /* table: a named table */
	AST_TABLE_FUNC,    /* tfunc: name(args) or 'file.csv' */
	AST_DERIVED,       /* derived: (query) AS alias */
	AST_JOIN,          /* join */
	AST_PIVOT,         /* pivot */
	AST_UNPIVOT,       /* unpivot */
	AST_BOUND,         /* bound: a relation the binder already bound (rewrites) */
	/* statements */
	AST_CREATE_TABLE,  /* create */
	AST_CREATE_VIEW,   /* create */
	AST_CREATE_SCHEMA, /* create */
	AST_DROP,          /* drop */
	AST_INSERT,        /* insert */
	AST_UPDATE,        /* update */
	AST_DELETE,        /* del */
	AST_EXPLAIN,       /* explain */
	AST_SHOW,          /* show */
	AST_DESCRIBE,      /* describe */
	AST_SET,           /* set */
	AST_USE,           /* use */
	AST_COPY,          /* copy */
	AST_CACHE,         /* cache: CACHE [LAZY] TABLE t / UNCACHE TABLE [IF EXISTS] t */
	AST_EXT,           /* ext: a statement parsed by a registered extension */
	AST_MERGE,         /* merge */
	AST_MERGE_CLAUSE,  /* mclause: one WHEN ... THEN ... of a MERGE */
	AST_ALTER_TABLE,   /* alter */
	AST_TRUNCATE,      /* del (no where): TRUNCATE TABLE t */
	AST_CONSTRAINT,    /* constraint: CONSTRAINT name CHECK (cond) | EXPECT (cond) [ON VIOLATION ...] */
};

enum ast_join_type { JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL, JOIN_CROSS, JOIN_SEMI, JOIN_ANTI };
enum ast_setop_type { SETOP_UNION, SETOP_INTERSECT, SETOP_EXCEPT };
enum ast_frame_type { FRAME_NONE, FRAME_ROWS, FRAME_RANGE };
enum ast_bound_type { BOUND_UNBOUNDED_PRECEDING, BOUND_PRECEDING, BOUND_CURRENT_ROW, BOUND_FOLLOWING, BOUND_UNBOUNDED_FOLLOWING };
enum ast_group_kind { GROUP_PLAIN, GROUP_ALL, GROUP_ROLLUP, GROUP_CUBE, GROUP_SETS };
enum ast_is_kind { IS_NULL, IS_TRUE, IS_FALSE, IS_DISTINCT_FROM };
enum ast_show_kind { SHOW_TABLES, SHOW_SCHEMAS, SHOW_FUNCTIONS, SHOW_COLUMNS, SHOW_VIEWS, SHOW_OTHER };
enum ast_object_kind { OBJ_TABLE, OBJ_VIEW, OBJ_SCHEMA, OBJ_OTHER };
/* MERGE: which rows a WHEN clause applies to, and what it does. */
enum ast_merge_when { MERGE_MATCHED, MERGE_NOT_MATCHED, MERGE_NOT_MATCHED_BY_SOURCE };
enum ast_merge_action { MERGE_UPDATE, MERGE_DELETE, MERGE_INSERT };
enum ast_alter_kind {
	ALTER_ADD_COLUMNS,     /* columns: COLDEF */
	ALTER_RENAME_COLUMN,   /* column TO new_name */
	ALTER_DROP_COLUMNS,    /* names: COLREF */
	ALTER_SET_PROPS,       /* props */
	ALTER_UNSET_PROPS,     /* props (keys only) */
	ALTER_COLUMN_COMMENT,  /* column, comment */
	ALTER_RENAME_TABLE,    /* new_name */
	ALTER_ADD_CONSTRAINT,  /* constraint */
	ALTER_DROP_CONSTRAINT, /* column: the constraint's name; if_exists */
};
/* What a table constraint is: a Delta CHECK constraint, or a data-quality
 * expectation (Delta Live Tables) with what to do with a row that fails it. */
enum ast_constraint_kind {
	CONSTRAINT_CHECK,         /* CHECK (cond): a failing row fails the statement */
	CONSTRAINT_EXPECT,        /* EXPECT (cond): warn, keep the row */
	CONSTRAINT_DROP_ROW,      /* ... ON VIOLATION DROP ROW */
	CONSTRAINT_FAIL_UPDATE,   /* ... ON VIOLATION FAIL UPDATE */
	CONSTRAINT_QUARANTINE,    /* ... ON VIOLATION QUARANTINE: to <table>_quarantine */
};

struct ast_frame_bound {
	enum ast_bound_type type;
	struct ast *offset;        /* n PRECEDING / FOLLOWING */
};

struct ast {
	enum ast_kind kind;
	int pos;
	union {
		struct wb_value lit;              /* strings in the parse arena */
		struct ast_name name;             /* COLREF */
		struct {
			char *qualifier;          /* t.* (NULL for *) */
			struct ast_list exclude;  /* COLREF nodes */
			struct ast_list replace;  /* SELECT_ITEM nodes (expr AS name) */
			bool columns_regex;       /* COLUMNS('re') */
		} star;
		struct {
			char *name;
		} param;
		struct {
			const char *op;
			struct ast *arg;
		} unary;
		struct {
			const char *op;
			struct ast *left, *right;
		} binary;
		struct {
			char *name;               /* as written */
			struct ast_list args;
			bool distinct;
			bool star;                /* count(*) */
			struct ast *filter;       /* FILTER (WHERE ...) */
			struct ast_list order;    /* WITHIN GROUP (ORDER BY ...) / agg(x ORDER BY y) */
			struct ast *over;         /* WINDOW_SPEC, or NULL */
			int ignore_nulls;         /* -1 unspecified, 0 RESPECT, 1 IGNORE NULLS */
			bool subscript;           /* written arr[i] (bound as get(arr, i)) */
		} func;
		struct {
			struct ast *operand;      /* CASE x WHEN ... (NULL for searched CASE) */
			struct ast_list whens;    /* WHEN nodes */
			struct ast *els;
		} kase;
		struct {
			struct ast *cond, *then;
		} when;
		struct {
			struct ast *arg;
			wb_type type;
			char *type_text;          /* as written (e.g. "DECIMAL(10,2)") */
			bool try_cast;
		} cast;
		struct {
			struct ast *arg;
			struct ast_list list;
			struct ast *subquery;     /* QUERY, when IN (SELECT ...) */
			bool not;
		} in;
		struct {
			struct ast *arg, *lo, *hi;
			bool not;
		} between;
		struct {
			const char *op;           /* "like", "ilike", "rlike", "glob" */
			struct ast *arg, *pattern, *escape;
			bool not;
		} like;
		struct {
			enum ast_is_kind what;
			struct ast *arg, *other;  /* other: DISTINCT FROM operand */
			bool not;
		} is;
		struct {
			struct ast *query;        /* QUERY */
			bool not;                 /* NOT EXISTS */
		} sub;
		struct {
			struct ast *expr;
			bool desc;
			int nulls_first;          /* -1 default, 0 NULLS LAST, 1 NULLS FIRST */
		} order;
		struct {
			struct ast *expr;
			char *alias;              /* NULL when none */
		} item;
		struct {
			char *base;               /* OVER (w ...) / OVER w: a named window */
			char *name;               /* WINDOW name AS (...) */
			struct ast_list partition;
			struct ast_list order;    /* ORDER_ITEM nodes */
			enum ast_frame_type frame;
			struct ast_frame_bound start, end;
			bool has_end;             /* BETWEEN ... AND ... */
		} win;
		struct {
			char *name;
			struct ast_list columns;  /* COLREF with 1 part */
			struct ast *query;
			int materialized;         /* -1 default, 0 NOT MATERIALIZED, 1 MATERIALIZED */
		} cte;
		struct {
			char *name;
			struct ast *value;
		} named;
		struct {
			struct ast_list keys;     /* LITERAL strings or COLREF */
			struct ast_list values;
		} strct;
		struct {
			struct ast_list items;
			bool bracket;             /* [a, b] (a list value), not (a, b) */
		} list;
		struct {
			struct ast_name target;
			struct ast *value;
		} assign;
		struct {
			char *name;
			wb_type type;
			char *type_text;
			bool not_null;
			char *comment;
			struct ast *default_value;
		} coldef;
		struct {
			char *key;
			struct ast *value;
		} prop;
		struct {
			char *name;
			enum ast_constraint_kind kind;
			struct ast *cond;
			char *cond_text;          /* the condition as written (without the parentheses) */
		} constraint;
		struct {
			bool distinct;
			struct ast_list distinct_on;
			struct ast_list items;      /* SELECT_ITEM */
			struct ast *from;           /* relation or NULL */
			struct ast *where;
			enum ast_group_kind group_kind;
			struct ast_list group;      /* exprs; for GROUP_SETS: LIST nodes */
			struct ast *having;
			struct ast *qualify;
			struct ast_list windows;    /* WINDOW_SPEC with name */
		} select;
		struct {
			enum ast_setop_type op;
			bool all;
			bool by_name;
			struct ast *left, *right;
		} setop;
		struct {
			struct ast_list rows;       /* LIST nodes */
			char *alias;
			struct ast_list col_aliases;
		} values;
		struct {
			struct ast_list with;       /* CTE nodes */
			bool recursive;
			struct ast *body;           /* SELECT / SETOP / VALUES / QUERY */
			struct ast_list order;
			bool order_all;             /* ORDER BY ALL */
			struct ast *limit, *offset;
			int limit_pos;
		} query;
		struct {
			struct ast_name name;
			char *alias;
			struct ast_list col_aliases;
			struct ast *version;        /* VERSION AS OF n / t@v3 */
			struct ast *timestamp;      /* TIMESTAMP AS OF '...' */
			char *format_path;          /* delta.`/path` style: format name in name.parts[0] */
			void *object;               /* a struct table to bind instead of looking name up
			                               (statement rewrites: DML reading a pinned snapshot);
			                               the plan takes its own reference */
		} table;
		struct {
			char *name;                 /* read_csv, ... ("" for a bare 'file') */
			struct ast_list args;       /* positional args and NAMED_ARG nodes */
			char *alias;
			struct ast_list col_aliases;
		} tfunc;
		struct {
			struct ast *query;
			char *alias;
			struct ast_list col_aliases;
			bool lateral;
		} derived;
		struct {
			enum ast_join_type type;
			bool natural;
			struct ast *left, *right;
			struct ast *on;
			struct ast_list using_cols;  /* COLREF with 1 part */
		} join;
		struct {
			struct ast *source;
			struct ast_list aggs;        /* SELECT_ITEM: agg AS alias */
			struct ast_list for_cols;    /* COLREF */
			struct ast_list in_values;   /* SELECT_ITEM: value [AS alias] (value may be a LIST for several FOR columns) */
			char *alias;
		} pivot;
		struct {
			void *plan;                  /* struct pnode */
			void *scope;                 /* struct scope */
		} bound;
		struct {
			struct ast *source;
			struct ast_list value_cols;  /* names of the value column(s) */
			struct ast_list name_cols;   /* FOR name column */
			struct ast_list in_cols;     /* SELECT_ITEM: column [AS alias] */
			bool include_nulls;
			char *alias;
		} unpivot;
		struct {
			struct ast_name name;
			bool or_replace, if_not_exists, temp;
			struct ast_list columns;     /* COLDEF */
			struct ast *query;           /* AS query */
			struct ast_list partitioned; /* COLREF */
			struct ast_list props;       /* PROPERTY */
			char *comment;
			char *location;
			char *using_format;
			struct ast_list constraints; /* CONSTRAINT, from the column list */
		} create;
		struct {
			enum ast_object_kind what;
			char *what_text;             /* for OBJ_OTHER (MODEL...) */
			struct ast_name name;
			bool if_exists;
			bool cascade;
		} drop;
		struct {
			struct ast_name table;
			struct ast_list columns;     /* COLREF, optional */
			struct ast_list partition;   /* PARTITION (k = v, k2): ASSIGN, value NULL when
			                                the column is dynamic (given by the query) */
			struct ast *query;           /* QUERY (VALUES included) */
			bool overwrite;
			bool by_name;
			bool schema_evolution;       /* INSERT WITH SCHEMA EVOLUTION INTO */
			struct ast *replace_where;
		} insert;
		struct {
			struct ast *target;          /* TABLE (alias: the target's name in conditions) */
			struct ast *source;          /* a FROM item: TABLE, DERIVED, TABLE_FUNC */
			struct ast *on;
			struct ast_list clauses;     /* MERGE_CLAUSE, in order */
			bool schema_evolution;       /* MERGE WITH SCHEMA EVOLUTION INTO */
		} merge;
		struct {
			enum ast_merge_when when;
			enum ast_merge_action action;
			struct ast *cond;            /* AND condition, or NULL */
			bool star;                   /* UPDATE SET * / INSERT * */
			struct ast_list set;         /* UPDATE: ASSIGN */
			struct ast_list columns;     /* INSERT: COLREF (empty: all, in order) */
			struct ast_list values;      /* INSERT: expressions */
		} mclause;
		struct {
			struct ast_name name;
			enum ast_alter_kind what;
			struct ast_list columns;     /* ADD COLUMNS: COLDEF; DROP COLUMNS: COLREF */
			char *column;                /* RENAME COLUMN / ALTER COLUMN; DROP CONSTRAINT's name */
			char *new_name;              /* RENAME COLUMN ... TO / RENAME TO */
			char *comment;
			struct ast_list props;       /* PROPERTY */
			bool if_exists;              /* UNSET TBLPROPERTIES / DROP CONSTRAINT IF EXISTS */
			struct ast *constraint;      /* ADD CONSTRAINT: CONSTRAINT */
		} alter;
		struct {
			struct ast *table;           /* TABLE */
			struct ast_list set;         /* ASSIGN */
			struct ast *from;
			struct ast *where;
		} update;
		struct {
			struct ast *table;
			struct ast *where;
		} del;
		struct {
			bool analyze;
			char *format;                /* "json", "text", ... or NULL */
			struct ast *stmt;
		} explain;
		struct {
			enum ast_show_kind what;
			char *what_text;
			struct ast_name in;
			char *like;
		} show;
		struct {
			struct ast_name name;        /* when describing a table */
			struct ast *query;           /* DESCRIBE SELECT ... / DESCRIBE 'file' */
			bool extended;
			char *what;                  /* "HISTORY", ... or NULL */
		} describe;
		struct {
			char *name;
			struct ast *value;           /* NULL for RESET */
			char *value_text;
		} set;
		struct {
			struct ast_name name;
		} use;
		struct {
			struct ast_name name;
			bool uncache, lazy, if_exists;
		} cache;
		struct {
			struct ast *query;           /* COPY (query) TO / COPY table TO */
			struct ast_name table;
			char *path;
			struct ast_list options;     /* NAMED_ARG */
			bool to;                     /* COPY ... TO (else FROM) */
			/* COPY INTO table FROM path (Databricks): */
			bool into;
			char *fileformat;            /* FILEFORMAT = CSV | PARQUET */
			bool force;                  /* COPY_OPTIONS ('force' = 'true') */
		} copy;
		struct {
			const struct stmt_ext *ext;  /* from the statement registry */
			void *data;                  /* parsed by the extension */
		} ext;
	} u;
};

struct ast *ast_new(struct arena *a, enum ast_kind kind, int pos);
void ast_list_add(struct arena *a, struct ast_list *l, struct ast *node);
/* S-expression dump for tests and debugging: deterministic, one line. */
void ast_dump(const struct ast *node, struct strbuf *out);
const char *ast_kind_name(enum ast_kind k);
/*
 * Building trees (ast_build.c) - for statements rewritten into queries
 * (UPDATE, DELETE, MERGE). Nodes and strings are not copied: they must
 * live in arena a (or longer); names are used as given.
 */
struct ast *ast_mk_col(struct arena *a, const char *qual, const char *name, int pos);
struct ast *ast_mk_int(struct arena *a, int64_t v, int pos);
struct ast *ast_mk_bool(struct arena *a, bool v, int pos);
struct ast *ast_mk_null(struct arena *a, int pos);
struct ast *ast_mk_double(struct arena *a, double v, int pos);
/* A VARCHAR literal of a copy of s (in a). */
struct ast *ast_mk_str(struct arena *a, const char *s, int pos);
struct ast *ast_mk_binary(struct arena *a, const char *op, struct ast *l, struct ast *r);
struct ast *ast_mk_not(struct arena *a, struct ast *e);
/* e IS TRUE: NULL counts as false */
struct ast *ast_mk_is_true(struct arena *a, struct ast *e);
/* e IS [NOT] NULL */
struct ast *ast_mk_is_null(struct arena *a, struct ast *e, bool not);
struct ast *ast_mk_cast(struct arena *a, struct ast *e, wb_type type);
/* CASE WHEN ... END: add branches with ast_case_when; els may stay NULL */
struct ast *ast_mk_case(struct arena *a, int pos);
void ast_case_when(struct arena *a, struct ast *kase, struct ast *cond, struct ast *then);
struct ast *ast_mk_func(struct arena *a, const char *name, int pos, int nargs, ...);
struct ast *ast_mk_item(struct arena *a, struct ast *e, const char *alias);
/* SELECT items [FROM from] [WHERE where] as a QUERY (from may be NULL) */
struct ast *ast_mk_select(struct arena *a, struct ast *from, struct ast_list *items, struct ast *where);
/* A named table; object: a struct table bound instead of the name (AST_TABLE) */
struct ast *ast_mk_table(struct arena *a, const struct ast_name *name, const char *alias, void *object, int pos);
struct ast *ast_mk_derived(struct arena *a, struct ast *query, const char *alias);
struct ast *ast_mk_join(struct arena *a, enum ast_join_type type, struct ast *l, struct ast *r, struct ast *on);

/* Reproduce SQL text for an expression (used for default column names, as
 * DuckDB names `sum(price)` after its text). */
void ast_expr_sql(const struct ast *node, struct strbuf *out);
/* The same with column qualifiers kept (t.id): a condition as text, for
 * logs such as Delta's commitInfo. */
void ast_expr_text(const struct ast *node, struct strbuf *out);

#endif

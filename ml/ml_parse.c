/*
 * ml_parse: the grammar of the ML statements (ml_stmt.h) as parser
 * extensions. Each statement parses into one struct ml_stmt; the session
 * gives every one the same executor.
 */
#include "ml/ml_stmt.h"
#include "core/arena.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static struct ml_stmt *
stmt_new(struct parser *p, enum ml_stmt_kind kind, void **data)
{
	struct ml_stmt *st = arena_zalloc(p->arena, sizeof *st);
	st->kind = kind;
	st->pos = p->toks[p->cur > 0 ? p->cur - 1 : 0].pos;
	st->limit = -1;
	*data = st;
	return st;
}

/* The end of the statement - or of a statement standing in FROM (...). */
static int
end(struct parser *p)
{
	if (!parser_at_query_end(p))
		return parser_syntax_error(p, "the end of the statement");
	return 0;
}

/* A name written bare or quoted, or a 'string'. */
static char *
name_or_string(struct parser *p, const char *what)
{
	if (parser_peek(p, 0)->type == TOK_STRING)
		return parser_string(p, what);
	return parser_ident(p, what);
}

static char *
lower(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	for (char *c = r; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return r;
}

/* ------------------------------------------------------------ options */

static int parse_value(struct parser *p, struct ml_opt *o);

static int
parse_items(struct parser *p, struct ml_opt *o, bool map, const char *close)
{
	int cap = 0;
	o->type = map ? MLO_MAP : MLO_LIST;
	if (parser_accept_op(p, close))
		return 0;
	do {
		if (o->n == cap) {
			cap = cap ? 2 * cap : 4;
			struct ml_opt *v = arena_zalloc(p->arena, sizeof *v * (size_t)cap);
			if (o->n)
				memcpy(v, o->items, sizeof *v * (size_t)o->n);
			o->items = v;
		}
		struct ml_opt *it = &o->items[o->n++];
		if (map) {
			it->key = name_or_string(p, "a key");
			if (it->key == NULL || !parser_expect_op(p, ":"))
				return -1;
		}
		if (parse_value(p, it) < 0)
			return -1;
	} while (parser_accept_op(p, ","));
	return parser_expect_op(p, close) ? 0 : -1;
}

static int
parse_value(struct parser *p, struct ml_opt *o)
{
	const struct token *t = parser_peek(p, 0);
	o->pos = t->pos;
	if (parser_accept_op(p, "["))
		return parse_items(p, o, false, "]");
	if (parser_accept_op(p, "{"))
		return parse_items(p, o, true, "}");
	if (t->type == TOK_STRING) {
		o->type = MLO_STR;
		o->str = parser_string(p, "a value");
		return 0;
	}
	if (parser_accept_word(p, "TRUE") || parser_accept_word(p, "FALSE")) {
		o->type = MLO_BOOL;
		o->b = strncasecmp(t->text, "TRUE", 4) == 0;
		o->str = o->b ? "true" : "false";
		return 0;
	}
	bool neg = t->type == TOK_OP && t->len == 1 && t->text[0] == '-';
	const struct token *nt = parser_peek(p, neg ? 1 : 0);
	if (nt->type == TOK_INTEGER || nt->type == TOK_FLOAT) {
		o->type = MLO_NUM;
		if (!parser_number(p, &o->num))
			return -1;
		o->str = arena_printf(p->arena, "%s%.*s", neg ? "-" : "", nt->len, nt->text);
		return 0;
	}
	if (t->type == TOK_IDENT || t->type == TOK_QIDENT) {
		/* a bare word: model_type = logistic_reg */
		o->type = MLO_STR;
		o->str = parser_ident(p, "a value");
		return o->str ? 0 : -1;
	}
	return parser_syntax_error(p, "a value (a string, a number, TRUE/FALSE, [list] or {map})");
}

/* key = value | key => value, until the closing parenthesis (not eaten). */
static int
parse_named(struct parser *p, struct ml_opts *o, bool first_needs_comma)
{
	int cap = 0;
	bool first = true;
	while (!parser_accept_op(p, ")")) {
		if (!first || first_needs_comma) {
			if (!parser_expect_op(p, ","))
				return -1;
		}
		first = false;
		if (o->n == cap) {
			cap = cap ? 2 * cap : 8;
			struct ml_opt *v = arena_zalloc(p->arena, sizeof *v * (size_t)cap);
			if (o->n)
				memcpy(v, o->v, sizeof *v * (size_t)o->n);
			o->v = v;
		}
		struct ml_opt *it = &o->v[o->n];
		int pos = parser_peek(p, 0)->pos;
		char *key = parser_ident(p, "an option name");
		if (key == NULL)
			return -1;
		if (!parser_accept_op(p, "=>") && !parser_expect_op(p, "="))
			return -1;
		if (parse_value(p, it) < 0)
			return -1;
		it->key = lower(p->arena, key);
		it->pos = pos;
		for (int i = 0; i < o->n; i++)
			if (strcmp(o->v[i].key, it->key) == 0)
				return parser_error(p, "option %s is given twice", it->key);
		o->n++;
	}
	return 0;
}

/* ------------------------------------------------------------ CREATE MODEL */

static int
parse_create_tail(struct parser *p, struct ml_stmt *st)
{
	if (parser_accept_word(p, "IF")) {
		if (!parser_expect_word(p, "NOT") || !parser_expect_word(p, "EXISTS"))
			return -1;
		/* one says replace it, the other keep it */
		if (st->or_replace)
			return parser_error(p, "CREATE OR REPLACE MODEL and IF NOT EXISTS cannot be combined");
		st->if_not_exists = true;
	}
	if (!parser_qualified_name(p, &st->name))
		return -1;
	if (parser_accept_word(p, "OPTIONS")) {
		if (!parser_expect_op(p, "("))
			return -1;
		if (parse_named(p, &st->opts, false) < 0)
			return -1;
	}
	if (!parser_expect_word(p, "AS"))
		return -1;
	bool paren = parser_accept_op(p, "(");
	int from = parser_peek(p, 0)->pos;
	st->query = parser_query(p);
	if (st->query == NULL)
		return -1;
	int to = parser_peek(p, 0)->pos;
	if (paren && !parser_expect_op(p, ")"))
		return -1;
	while (to > from && isspace((unsigned char)p->src[to - 1]))
		to--;
	st->query_text = arena_printf(p->arena, "%.*s", to - from, p->src + from);
	return end(p);
}

static int
p_create(struct parser *p, void **data)
{
	return parse_create_tail(p, stmt_new(p, MLS_CREATE, data));
}

static int
p_create_or_replace(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_CREATE, data);
	st->or_replace = true;
	return parse_create_tail(p, st);
}

/* ------------------------------------------------------------ models */

static int
p_drop(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_DROP, data);
	if (parser_accept_word(p, "IF")) {
		if (!parser_expect_word(p, "EXISTS"))
			return -1;
		st->if_exists = true;
	}
	if (!parser_qualified_name(p, &st->name))
		return -1;
	return end(p);
}

static int
p_show_models(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_SHOW_MODELS, data);
	if (parser_accept_word(p, "IN") || parser_accept_word(p, "FROM")) {
		if (!parser_qualified_name(p, &st->name))
			return -1;
	}
	return end(p);
}

static int parse_ref_name(struct parser *p, struct ml_stmt *st);

/* DESCRIBE MODEL takes any model reference, as ML.* do */
static int
p_describe(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_DESCRIBE, data);
	if (parse_ref_name(p, st) < 0)
		return -1;
	return end(p);
}

/* A model reference: [schema.]name, name@alias, name/3 or 'any of these'. */
static int
parse_ref(struct parser *p, struct ml_stmt *st)
{
	if (!parser_expect_word(p, "MODEL"))
		return -1;
	return parse_ref_name(p, st);
}

static int
parse_ref_name(struct parser *p, struct ml_stmt *st)
{
	st->ref_pos = parser_peek(p, 0)->pos;
	if (parser_peek(p, 0)->type == TOK_STRING) {
		st->ref = parser_string(p, "a model");
		return st->ref ? 0 : -1;
	}
	struct ast_name n;
	if (!parser_qualified_name(p, &n))
		return -1;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n.n; i++)
		sb_printf(&sb, "%s%s", i ? "." : "", n.parts[i]);
	if (parser_accept_op(p, "@")) {
		char *alias = parser_ident(p, "an alias");
		if (alias == NULL) {
			sb_free(&sb);
			return -1;
		}
		sb_printf(&sb, "@%s", alias);
	} else if (parser_accept_op(p, "/")) {
		double v;
		if (!parser_number(p, &v)) {
			sb_free(&sb);
			return -1;
		}
		sb_printf(&sb, "/%.0f", v);
	}
	st->ref = arena_strdup(p->arena, sb_str(&sb));
	sb_free(&sb);
	st->name = n;
	return 0;
}

/* ML.X(MODEL m [, TABLE t | (query) | SELECT ...] [, name => value ...]) */
static int
parse_call(struct parser *p, void **data, enum ml_stmt_kind kind, bool input, bool k)
{
	struct ml_stmt *st = stmt_new(p, kind, data);
	st->pos = p->toks[p->cur >= 4 ? p->cur - 4 : 0].pos;
	if (parse_ref(p, st) < 0)
		return -1;
	if (k && parser_peek(p, 0)->type == TOK_OP && parser_peek(p, 1)->type == TOK_INTEGER &&
	    parser_accept_op(p, ",")) {
		double v;
		if (!parser_number(p, &v))
			return -1;
		/* 0 would read as "not given" */
		if (!(v >= 1 && v <= 1000))
			return parser_error(p, "ML.RECOMMEND: k = %g is out of range 1..1000", v);
		st->k = (int64_t)v;
	}
	if (input && parser_peek(p, 0)->type == TOK_OP && parser_peek(p, 0)->text[0] == ',') {
		const struct token *t = parser_peek(p, 1);
		bool named = (t->type == TOK_IDENT || t->type == TOK_QIDENT) && parser_peek(p, 2)->type == TOK_OP &&
		    (parser_peek(p, 2)->text[0] == '=');
		if (!named && !(t->type == TOK_IDENT && (strncasecmp(t->text, "STRUCT", 6) == 0 && t->len == 6))) {
			parser_accept_op(p, ",");
			int from = parser_peek(p, 0)->pos;
			st->query = parser_query(p);
			if (st->query == NULL)
				return -1;
			st->query_text = arena_printf(p->arena, "%.*s", parser_peek(p, 0)->pos - from, p->src + from);
		}
	}
	return parse_named(p, &st->opts, true);
}

#define CALL(fn, kind, input, k) \
	static int fn(struct parser *p, void **data) { return parse_call(p, data, kind, input, k); }
CALL(p_predict, MLS_PREDICT, true, false)
CALL(p_evaluate, MLS_EVALUATE, true, false)
CALL(p_confusion, MLS_CONFUSION, true, false)
CALL(p_roc, MLS_ROC, true, false)
CALL(p_importance, MLS_IMPORTANCE, false, false)
CALL(p_training_info, MLS_TRAINING_INFO, false, false)
CALL(p_weights, MLS_WEIGHTS, false, false)
CALL(p_recommend, MLS_RECOMMEND, true, true)

/* ------------------------------------------------------------ tracking */

static int
p_set_experiment(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_SET_EXPERIMENT, data);
	parser_accept_op(p, "=");
	st->experiment = name_or_string(p, "an experiment name");
	return st->experiment ? end(p) : -1;
}

static int
p_show_experiments(struct parser *p, void **data)
{
	stmt_new(p, MLS_SHOW_EXPERIMENTS, data);
	return end(p);
}

static int
p_show_runs(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_SHOW_RUNS, data);
	if (parser_accept_word(p, "IN") || parser_accept_word(p, "FROM")) {
		st->experiment = name_or_string(p, "an experiment name");
		if (st->experiment == NULL)
			return -1;
	}
	if (parser_accept_word(p, "WHERE")) {
		st->where = parser_expr(p);
		if (st->where == NULL)
			return -1;
	}
	if (parser_accept_word(p, "ORDER")) {
		if (!parser_expect_word(p, "BY"))
			return -1;
		int cap = 0;
		do {
			if (st->norder == cap) {
				cap = cap ? 2 * cap : 4;
				struct ml_order *o = arena_zalloc(p->arena, sizeof *o * (size_t)cap);
				if (st->norder)
					memcpy(o, st->order, sizeof *o * (size_t)st->norder);
				st->order = o;
			}
			struct ml_order *o = &st->order[st->norder++];
			o->expr = parser_expr(p);
			if (o->expr == NULL)
				return -1;
			if (parser_accept_word(p, "DESC"))
				o->desc = true;
			else
				parser_accept_word(p, "ASC");
		} while (parser_accept_op(p, ","));
	}
	if (parser_accept_word(p, "LIMIT")) {
		double v;
		if (!parser_number(p, &v))
			return -1;
		st->limit = (int64_t)v;
	}
	return end(p);
}

static int
run_list(struct parser *p, struct ml_stmt *st)
{
	int cap = 0;
	do {
		if (st->nruns == cap) {
			cap = cap ? 2 * cap : 4;
			char **v = arena_zalloc(p->arena, sizeof *v * (size_t)cap);
			if (st->nruns)
				memcpy(v, st->run_ids, sizeof *v * (size_t)st->nruns);
			st->run_ids = v;
		}
		char *id = name_or_string(p, "a run id");
		if (id == NULL)
			return -1;
		st->run_ids[st->nruns++] = id;
	} while (parser_accept_op(p, ","));
	return 0;
}

static int
p_compare_runs(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_COMPARE_RUNS, data);
	if (run_list(p, st) < 0)
		return -1;
	return end(p);
}

static int
p_delete_run(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_DELETE_RUN, data);
	if (run_list(p, st) < 0)
		return -1;
	return end(p);
}

/* ------------------------------------------------------------ registry */

static int
p_register(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_REGISTER, data);
	if (parser_peek(p, 0)->type == TOK_STRING || !parser_accept_word(p, "FROM")) {
		if (!parser_qualified_name(p, &st->name))
			return -1;
		if (parser_accept_word(p, "FROM")) {
			if (!parser_expect_word(p, "RUN"))
				return -1;
			if ((st->experiment = name_or_string(p, "a run id")) == NULL)
				return -1;
		}
	} else {
		/* REGISTER MODEL FROM RUN id | (query) AS name */
		if (!parser_expect_word(p, "RUN"))
			return -1;
		if (parser_accept_op(p, "(")) {
			st->run_query = parser_query(p);
			if (st->run_query == NULL || !parser_expect_op(p, ")"))
				return -1;
		} else if ((st->experiment = name_or_string(p, "a run id")) == NULL) {
			return -1;
		}
	}
	if (!parser_expect_word(p, "AS") || (st->target = name_or_string(p, "a registered model name")) == NULL)
		return -1;
	return end(p);
}

static int
p_show_versions(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_SHOW_VERSIONS, data);
	parser_accept_word(p, "OF");
	st->target = name_or_string(p, "a registered model name");
	return st->target ? end(p) : -1;
}

static int
p_alter(struct parser *p, void **data)
{
	struct ml_stmt *st = stmt_new(p, MLS_SET_ALIAS, data);
	if ((st->target = name_or_string(p, "a registered model name")) == NULL)
		return -1;
	if (parser_accept_word(p, "SET")) {
		if (!parser_expect_word(p, "ALIAS") || (st->alias = name_or_string(p, "an alias")) == NULL)
			return -1;
		if (parser_accept_word(p, "VERSION") || parser_accept_op(p, "=")) {
			double v;
			if (!parser_number(p, &v))
				return -1;
			st->version = (int64_t)v;
		}
		return end(p);
	}
	if (parser_accept_word(p, "DROP")) {
		st->kind = MLS_DROP_ALIAS;
		if (!parser_expect_word(p, "ALIAS") || (st->alias = name_or_string(p, "an alias")) == NULL)
			return -1;
		return end(p);
	}
	return parser_syntax_error(p, "SET ALIAS or DROP ALIAS");
}

/* ------------------------------------------------------------ the table */

#define EXT(var, w, w2, fnp, use, sum, ...) \
	static const struct stmt_ext var = {.word = w, .words2 = w2, .parse = fnp, .usage = use, .summary = sum, \
	    __VA_ARGS__};

EXT(e_create, "CREATE", "MODEL", p_create,
    "CREATE [OR REPLACE] MODEL [IF NOT EXISTS] name OPTIONS (model_type = '...', label = 'col', ...) AS query",
    "train a model (a tracked run)")
static const struct stmt_ext e_create_or = {.word = "CREATE", .words2 = "OR REPLACE MODEL",
    .parse = p_create_or_replace};    /* listed under CREATE MODEL */
EXT(e_drop, "DROP", "MODEL", p_drop, "DROP MODEL [IF EXISTS] name", "remove a trained model (its runs stay)")
EXT(e_show_models, "SHOW", "MODELS", p_show_models, "SHOW MODELS [IN schema]", "list trained models",
    .bare = true, .query = true)
EXT(e_describe, "DESCRIBE", "MODEL", p_describe, "DESCRIBE MODEL name | name@alias | name/N",
    "a model's type, features, options, metrics and notes", .query = true)
EXT(e_predict, "ML", "PREDICT", p_predict, "ML.PREDICT(MODEL m, TABLE t | (query) [, threshold => 0.5])",
    "the input's rows with predicted_<label> (and _probability) columns", .fn = true, .query = true)
EXT(e_evaluate, "ML", "EVALUATE", p_evaluate, "ML.EVALUATE(MODEL m [, TABLE t | (query)] [, threshold => 0.5])",
    "metrics on the held-out rows or on the given rows", .fn = true, .query = true)
EXT(e_confusion, "ML", "CONFUSION_MATRIX", p_confusion,
    "ML.CONFUSION_MATRIX(MODEL m [, TABLE t | (query)] [, threshold => 0.5])",
    "counts of actual by predicted class", .fn = true, .query = true)
EXT(e_roc, "ML", "ROC_CURVE", p_roc, "ML.ROC_CURVE(MODEL m [, TABLE t | (query)])",
    "ROC points of a binary classifier", .fn = true, .query = true)
EXT(e_importance, "ML", "FEATURE_IMPORTANCE", p_importance, "ML.FEATURE_IMPORTANCE(MODEL m)",
    "each feature's importance", .fn = true, .query = true)
EXT(e_training_info, "ML", "TRAINING_INFO", p_training_info, "ML.TRAINING_INFO(MODEL m)",
    "loss per training iteration", .fn = true, .query = true)
EXT(e_weights, "ML", "WEIGHTS", p_weights, "ML.WEIGHTS(MODEL m)",
    "a linear model's coefficients with standard errors", .fn = true, .query = true)
EXT(e_recommend, "ML", "RECOMMEND", p_recommend, "ML.RECOMMEND(MODEL m [, k] [, TABLE users])",
    "top-k items per user from an als model", .fn = true, .query = true)
EXT(e_set_exp, "SET", "EXPERIMENT", p_set_experiment, "SET EXPERIMENT name",
    "the experiment later runs are logged in")
EXT(e_show_exps, "SHOW", "EXPERIMENTS", p_show_experiments, "SHOW EXPERIMENTS", "list experiments",
    .bare = true, .query = true)
EXT(e_show_runs, "SHOW", "RUNS", p_show_runs,
    "SHOW RUNS [IN experiment] [WHERE metrics.x > 0.8 AND params.y = '...'] [ORDER BY ...] [LIMIT n]",
    "list tracked runs with their params and metrics", .bare = true, .query = true)
EXT(e_compare, "COMPARE", "RUNS", p_compare_runs, "COMPARE RUNS id, id, ...",
    "params and metrics of runs side by side", .query = true)
EXT(e_delete_run, "DELETE", "RUN", p_delete_run, "DELETE RUN id", "delete a run and its artifacts")
EXT(e_register, "REGISTER", "MODEL", p_register, "REGISTER MODEL m [FROM RUN id] AS name | REGISTER MODEL FROM RUN (query) AS name",
    "register a model version")
EXT(e_versions, "SHOW", "MODEL VERSIONS", p_show_versions, "SHOW MODEL VERSIONS name",
    "a registered model's versions and aliases", .query = true)
EXT(e_alter, "ALTER", "MODEL", p_alter, "ALTER MODEL name SET ALIAS alias [VERSION n] | DROP ALIAS alias",
    "point an alias (champion) at a version")

const struct stmt_ext *const ml_exts[] = {
	&e_create, &e_create_or, &e_drop, &e_show_models, &e_describe, &e_predict, &e_evaluate, &e_confusion,
	&e_roc, &e_importance, &e_training_info, &e_weights, &e_recommend, &e_set_exp, &e_show_exps,
	&e_show_runs, &e_compare, &e_delete_run, &e_register, &e_versions, &e_alter, NULL,
};

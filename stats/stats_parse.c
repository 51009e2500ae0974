/*
 * stats_parse: the grammar every statistics statement shares - its
 * variables (expressions over the source), option values, and the
 * closing FROM source [WHERE cond].
 */
#include "stats/stats.h"

#include <math.h>
#include <string.h>

struct stats_stmt *
stats_stmt_new(struct parser *p, stats_run_fn run, const char *what)
{
	struct stats_stmt *st = arena_zalloc(p->arena, sizeof *st);
	st->what = what;
	st->run = run;
	/* the leading word(s) were consumed: the statement starts before them */
	int back = p->cur > 0 ? 1 : 0;
	if (p->cur > 1 && strchr(what, ' ') != NULL)
		back = 2;
	st->pos = p->toks[p->cur - back].pos;
	return st;
}

int
stats_parse_var(struct parser *p, struct stats_stmt *st, enum stats_role role)
{
	const struct token *first = parser_peek(p, 0);
	int start = first->pos;
	struct ast *e = parser_expr(p);
	if (e == NULL)
		return -1;
	const struct token *last = &p->toks[p->cur - 1];
	/* a string's or quoted name's text leaves out its quotes: its end in
	 * the source is one past the text */
	int end = (int)(last->text - p->src) + last->len + (last->type == TOK_STRING || last->type == TOK_QIDENT);
	if (st->nvars == st->vcap) {
		int cap = st->vcap ? 2 * st->vcap : 4;
		struct stats_var *v = arena_zalloc(p->arena, sizeof *v * (size_t)cap);
		if (st->nvars)
			memcpy(v, st->vars, sizeof *v * (size_t)st->nvars);
		st->vars = v;
		st->vcap = cap;
	}
	struct stats_var *v = &st->vars[st->nvars];
	v->expr = e;
	v->role = role;
	v->pos = start;
	/* a quoted name is labelled without its quotes */
	if (e->kind == AST_COLREF && e->u.name.n == 1)
		v->name = arena_strdup(p->arena, e->u.name.parts[0]);
	else
		v->name = arena_strndup(p->arena, p->src + start, (size_t)(end > start ? end - start : 0));
	return st->nvars++;
}

int
stats_parse_vars(struct parser *p, struct stats_stmt *st, enum stats_role role)
{
	int n = 0;
	do {
		if (stats_parse_var(p, st, role) < 0)
			return -1;
		n++;
	} while (parser_accept_op(p, ","));
	return n;
}

int
stats_parse_from(struct parser *p, struct stats_stmt *st)
{
	if (!parser_accept_word(p, "FROM")) {
		parser_syntax_error(p, "FROM source (a table, a table function or a (query))");
		return -1;
	}
	st->source = parser_table_ref(p);
	if (st->source == NULL)
		return -1;
	if (parser_accept_word(p, "WHERE")) {
		st->where = parser_expr(p);
		if (st->where == NULL)
			return -1;
	}
	/* ")" ends it where it stands as a query: FROM (TTEST ...) */
	if (!parser_at_query_end(p))
		return parser_syntax_error(p, "WHERE or the end of the statement");
	return 0;
}

bool
stats_parse_number(struct parser *p, const char *what, double lo, double hi, double *out)
{
	int pos = parser_peek(p, 0)->pos;
	if (!parser_number(p, out))
		return false;
	if (!(*out >= lo && *out <= hi) || !isfinite(*out)) {
		err_set(p->err, pos, "%s must be between %g and %g, not %g", what, lo, hi, *out);
		return false;
	}
	return true;
}

char *
stats_parse_label(struct parser *p, const char *what)
{
	const struct token *t = parser_peek(p, 0);
	if (t->type == TOK_STRING)
		return parser_string(p, what);
	if (t->type == TOK_INTEGER || t->type == TOK_FLOAT || (t->type == TOK_OP && t->len == 1 && t->text[0] == '-')) {
		double d;
		int start = t->pos;
		if (!parser_number(p, &d))
			return NULL;
		const struct token *last = &p->toks[p->cur - 1];
		return arena_strndup(p->arena, p->src + start, (size_t)(last->pos + last->len - start));
	}
	return parser_ident(p, what);
}

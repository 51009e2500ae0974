/*
 * notebook_param: a notebook's parameters.
 *
 *   -- param run_date DATE = '2019-10-01'     (a default)
 *   -- param region VARCHAR                   (required: -p region=EU)
 *
 * Values come from the defaults and from -p NAME=VALUE, are parsed as the
 * declared type before any cell runs, and reach the SQL two ways:
 *   :run_date     a typed value, bound by the session's binder (a DATE
 *                 compares as a date; never re-parsed as SQL text);
 *   ${run_date}   text substituted into the cell before it runs: for
 *                 identifiers, paths and anything that is not a value.
 * A notebook that declares no parameters takes -p as `wb -p` does (typed
 * by the value's text) and substitutes ${NAME} for those.
 */
#include "cli/notebook.h"
#include "cli/session.h"

#include "core/datetime.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct type_alias {
	const char *name;
	wb_type type;
};

static const struct type_alias type_aliases[] = {
	{"VARCHAR", WB_TYPE_VARCHAR}, {"STRING", WB_TYPE_VARCHAR}, {"TEXT", WB_TYPE_VARCHAR},
	{"BIGINT", WB_TYPE_BIGINT}, {"INT", WB_TYPE_BIGINT}, {"INTEGER", WB_TYPE_BIGINT}, {"LONG", WB_TYPE_BIGINT},
	{"DOUBLE", WB_TYPE_DOUBLE}, {"FLOAT", WB_TYPE_DOUBLE}, {"REAL", WB_TYPE_DOUBLE},
	{"BOOLEAN", WB_TYPE_BOOL}, {"BOOL", WB_TYPE_BOOL},
	{"DATE", WB_TYPE_DATE}, {"TIMESTAMP", WB_TYPE_TIMESTAMP},
};
#define NALIASES (int)(sizeof type_aliases / sizeof type_aliases[0])

const char *
nb_type_name(wb_type t)
{
	switch (t) {
	case WB_TYPE_VARCHAR: return "VARCHAR";
	case WB_TYPE_BIGINT: return "BIGINT";
	case WB_TYPE_DOUBLE: return "DOUBLE";
	case WB_TYPE_BOOL: return "BOOLEAN";
	case WB_TYPE_DATE: return "DATE";
	case WB_TYPE_TIMESTAMP: return "TIMESTAMP";
	default: return "?";
	}
}

/* text with one pair of surrounding quotes ('...' or "...") removed and
 * doubled quotes inside undone; blanks around it trimmed (caller frees) */
static char *
unquote(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		char q = s[0];
		struct strbuf b = STRBUF_INIT;
		for (size_t i = 1; i + 1 < n; i++) {
			sb_putc(&b, s[i]);
			if (s[i] == q && i + 2 < n && s[i + 1] == q)
				i++;
		}
		char *r = sb_detach(&b);
		return r ? r : xstrdup("");
	}
	return xstrndup(s, n);
}

bool
nb_value_parse(wb_type t, const char *text, struct wb_value *out, const char **why)
{
	size_t n = strlen(text);
	memset(out, 0, sizeof *out);
	out->type = t;
	*why = NULL;
	if (strchr(text, '\n') || strchr(text, '\r')) {
		*why = "a value is one line of text";
		return false;
	}
	switch (t) {
	case WB_TYPE_VARCHAR:
		out->u.s = wb_str_c(text);
		return true;
	case WB_TYPE_BIGINT:
		*why = "a whole number, such as 10";
		return parse_int64(text, n, &out->u.i);
	case WB_TYPE_DOUBLE:
		*why = "a number, such as 0.05";
		return parse_double(text, n, &out->u.d) && strpbrk(text, "0123456789") != NULL;
	case WB_TYPE_BOOL:
		*why = "true or false";
		return parse_bool(text, n, &out->u.b);
	case WB_TYPE_DATE:
		*why = "a date written YYYY-MM-DD, such as 2019-10-01";
		return dt_parse_date(text, n, &out->u.i);
	case WB_TYPE_TIMESTAMP:
		*why = "a timestamp written YYYY-MM-DD HH:MM:SS, such as 2019-10-01 00:00:00";
		return dt_parse_timestamp(text, n, &out->u.i);
	default:
		*why = "a parameter type";
		return false;
	}
}

int
nb_param_decl(const char *s, int len, struct nb_param *out, struct wb_error *err)
{
	int i = 0;
	memset(out, 0, sizeof *out);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	int ns = i;
	if (i < len && (isalpha((unsigned char)s[i]) || s[i] == '_'))
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
	if (i == ns || (i < len && s[i] != ' ' && s[i] != '\t')) {
		err_set(err, -1, "expected a parameter name (letters, digits and _) after 'param'");
		return -1;
	}
	char *name = xstrndup(s + ns, (size_t)(i - ns));
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	int ts = i;
	while (i < len && isalpha((unsigned char)s[i]))
		i++;
	if (i == ts) {
		err_set(err, -1, "parameter %s has no type", name);
		free(name);
		return -1;
	}
	char *type_text = xstrndup(s + ts, (size_t)(i - ts));
	wb_type type = WB_TYPE_NULL;
	for (int k = 0; k < NALIASES; k++)
		if (strcasecmp(type_aliases[k].name, type_text) == 0)
			type = type_aliases[k].type;
	if (type == WB_TYPE_NULL) {
		const char *names[NALIASES];
		for (int k = 0; k < NALIASES; k++)
			names[k] = type_aliases[k].name;
		const char *sug = str_suggest(type_text, names, NALIASES);
		if (sug)
			err_set(err, -1, "unknown type '%s' for parameter %s (did you mean %s?)", type_text, name, sug);
		else
			err_set(err, -1, "unknown type '%s' for parameter %s", type_text, name);
		free(name);
		free(type_text);
		return -1;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	char *def = NULL;
	if (i < len) {
		if (s[i] != '=') {
			err_set(err, -1, "expected '= DEFAULT' or the end of the line after %s %s, found '%.*s'", name, type_text,
			    len - i, s + i);
			free(name);
			free(type_text);
			return -1;
		}
		i++;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		int ds = i, de = len;
		if (i < len && (s[i] == '\'' || s[i] == '"')) {
			/* a quoted default ends at its closing quote */
			char q = s[i];
			int j = i + 1;
			for (; j < len; j++) {
				if (s[j] == q && j + 1 < len && s[j + 1] == q)
					j++;
				else if (s[j] == q)
					break;
			}
			if (j >= len) {
				err_set(err, -1, "the default of %s has no closing quote", name);
				free(name);
				free(type_text);
				return -1;
			}
			de = j + 1;
			int k = de;
			while (k < len && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (k < len) {
				err_set(err, -1, "unexpected '%.*s' after the default of %s", len - k, s + k, name);
				free(name);
				free(type_text);
				return -1;
			}
		}
		while (de > ds && (s[de - 1] == ' ' || s[de - 1] == '\t'))
			de--;
		if (de == ds) {
			err_set(err, -1, "'=' without a default for %s", name);
			free(name);
			free(type_text);
			return -1;
		}
		def = unquote(s + ds, (size_t)(de - ds));
		struct wb_value v;
		const char *why;
		if (!nb_value_parse(type, def, &v, &why)) {
			err_set(err, -1, "the default of %s, '%s', is not a %s: expected %s", name, def, nb_type_name(type), why);
			free(name);
			free(type_text);
			free(def);
			return -1;
		}
	}
	out->name = name;
	out->type_text = type_text;
	out->type = type;
	out->def = def;
	return 0;
}

/* ------------------------------------------------------------ values */

static void
var_set(struct nb_var *v, const char *raw)
{
	free(v->text);
	v->text = xstrdup(raw);
}

static struct nb_var *
var_find(const struct nb_vars *v, const char *name, size_t n)
{
	for (int i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == n && strncasecmp(v->v[i].name, name, n) == 0)
			return &v->v[i];
	return NULL;
}

static void
param_list(const struct notebook *nb, struct strbuf *b)
{
	for (int i = 0; i < nb->nparams; i++)
		sb_printf(b, "%s%s (%s)", i ? ", " : "", nb->params[i].name, nb_type_name(nb->params[i].type));
}

/* every ${NAME} in the SQL cells names a declared parameter */
static int
check_refs(const struct notebook *nb, const struct nb_vars *v, struct wb_error *err)
{
	for (int c = 0; c < nb->ncells; c++) {
		const struct nb_cell *cell = &nb->cells[c];
		if (cell->kind != NB_SQL)
			continue;
		for (int ln = cell->first; ln < cell->code_end; ln++) {
			const struct nb_line *l = &nb->lines[ln - 1];
			for (int i = 0; i + 1 < l->len; i++) {
				if (l->p[i] != '$' || l->p[i + 1] != '{' || (i > 0 && l->p[i - 1] == '\\'))
					continue;
				const char *e = memchr(l->p + i + 2, '}', (size_t)(l->len - i - 2));
				if (e == NULL)
					continue;
				const char *name = l->p + i + 2;
				size_t n = (size_t)(e - name);
				if (var_find(v, name, n) != NULL)
					continue;
				char *nm = xstrndup(name, n);
				const char **names = xcalloc((size_t)nb->nparams + 1, sizeof *names);
				for (int k = 0; k < nb->nparams; k++)
					names[k] = nb->params[k].name;
				const char *sug = str_suggest(nm, names, nb->nparams);
				struct strbuf pl = STRBUF_INIT;
				param_list(nb, &pl);
				err_set(err, -1, "%s:%d: ${%s} is not a parameter of this notebook (it declares %s)", nb->path, ln, nm,
				    sb_str(&pl));
				if (sug)
					err_hint(err, "did you mean ${%s}?", sug);
				else
					err_hint(err, "declare it at the top: -- param %s VARCHAR = 'value'", nm);
				sb_free(&pl);
				free(names);
				free(nm);
				return -1;
			}
		}
	}
	return 0;
}

int
nb_vars_resolve(const struct notebook *nb, char **assigns, int nassigns, struct nb_vars *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	out->declared = nb->nparams > 0;
	int cap = out->declared ? nb->nparams : nassigns;
	out->v = xcalloc((size_t)(cap ? cap : 1), sizeof *out->v);
	for (int i = 0; i < nb->nparams; i++) {
		struct nb_var *v = &out->v[out->n++];
		v->name = xstrdup(nb->params[i].name);
		v->type = nb->params[i].type;
		v->text = nb->params[i].def ? xstrdup(nb->params[i].def) : NULL;
	}
	for (int a = 0; a < nassigns; a++) {
		const char *eq = strchr(assigns[a], '=');
		if (eq == NULL || eq == assigns[a]) {
			err_set(err, -1, "-p expects NAME=VALUE, got '%s'", assigns[a]);
			err_hint(err, "for example: -p run_date=2019-10-01");
			return -1;
		}
		const char *name = assigns[a];
		if (*name == ':' || *name == '$')
			name++;
		size_t n = (size_t)(eq - name);
		struct nb_var *v = var_find(out, name, n);
		if (v == NULL && out->declared) {
			char *nm = xstrndup(name, n);
			const char **names = xcalloc((size_t)nb->nparams + 1, sizeof *names);
			for (int k = 0; k < nb->nparams; k++)
				names[k] = nb->params[k].name;
			const char *sug = str_suggest(nm, names, nb->nparams);
			struct strbuf pl = STRBUF_INIT;
			param_list(nb, &pl);
			err_set(err, -1, "-p %s: %s has no parameter %s (it declares %s)", assigns[a], nb->path, nm, sb_str(&pl));
			if (sug)
				err_hint(err, "did you mean -p %s=...?", sug);
			else
				err_hint(err, "declare it at the top of the notebook: -- param %s VARCHAR = 'value'", nm);
			sb_free(&pl);
			free(names);
			free(nm);
			return -1;
		}
		if (v == NULL) {
			v = &out->v[out->n++];
			v->name = xstrndup(name, n);
			v->type = WB_TYPE_NULL;   /* typed by the session, as wb -p */
		}
		char *raw = out->declared ? unquote(eq + 1, strlen(eq + 1)) : xstrdup(eq + 1);
		var_set(v, raw);
		free(raw);
	}
	for (int i = 0; i < out->n; i++) {
		struct nb_var *v = &out->v[i];
		const struct nb_param *p = out->declared ? &nb->params[i] : NULL;
		if (v->text == NULL) {
			err_set(err, -1, "parameter %s (%s, declared at %s:%d) has no default and no value", v->name,
			    nb_type_name(v->type), nb->path, p ? p->line : 0);
			err_hint(err, "give it a value: -p %s=VALUE", v->name);
			return -1;
		}
		if (v->type == WB_TYPE_NULL) {
			/* ${NAME} of an undeclared -p: its text, quotes removed */
			char *t = unquote(v->text, strlen(v->text));
			free(v->raw);
			v->raw = v->text;
			v->text = t;
			continue;
		}
		const char *why;
		if (!nb_value_parse(v->type, v->text, &v->value, &why)) {
			err_set(err, -1, "-p %s=%s: not a %s (declared at %s:%d): expected %s", v->name, v->text,
			    nb_type_name(v->type), nb->path, p->line, why);
			return -1;
		}
		if (v->type != WB_TYPE_VARCHAR) {
			/* ${NAME} writes the value as wb writes it: 2019-10-01 for
			 * a DATE given as 2019-10-1 */
			struct strbuf b = STRBUF_INIT;
			value_format(&v->value, &b, "NULL");
			free(v->text);
			v->text = sb_detach(&b);
		}
		nb_value_parse(v->type, v->text, &v->value, &why);   /* strings point into text */
	}
	if (out->declared && check_refs(nb, out, err) < 0)
		return -1;
	return 0;
}

int
nb_vars_bind(const struct nb_vars *v, struct session *s, struct wb_error *err)
{
	for (int i = 0; i < v->n; i++) {
		const struct nb_var *var = &v->v[i];
		if (var->type == WB_TYPE_NULL) {
			/* an undeclared -p: the session types it by its text */
			if (session_set_param(s, var->name, var->raw, err) < 0)
				return -1;
			continue;
		}
		if (session_set_param(s, var->name, var->text, err) < 0)
			return -1;
		/* the session types a value by its text; a declared parameter
		 * has its declared type: give the entry the parsed value, its
		 * string pointing into the entry's own copy of the text */
		for (int k = 0; k < s->nparams; k++) {
			struct session_param *p = &s->params[k];
			if (strcasecmp(p->name, var->name) != 0)
				continue;
			free(p->text);
			p->text = xstrdup(var->text);
			p->value = var->value;
			if (var->type == WB_TYPE_VARCHAR)
				p->value.u.s = wb_str_c(p->text);
		}
	}
	return 0;
}

void
nb_vars_substitute(const struct nb_vars *v, const char *text, size_t len, struct strbuf *out)
{
	size_t i = 0, from = 0;
	while (i + 1 < len) {
		if (text[i] == '$' && text[i + 1] == '{' && !(i > 0 && text[i - 1] == '\\')) {
			const char *e = memchr(text + i + 2, '}', len - i - 2);
			const char *nl = memchr(text + i + 2, '\n', len - i - 2);
			if (e != NULL && (nl == NULL || e < nl)) {
				struct nb_var *var = var_find(v, text + i + 2, (size_t)(e - text - i - 2));
				if (var != NULL) {
					sb_add(out, text + from, i - from);
					sb_puts(out, var->text);
					i = (size_t)(e - text) + 1;
					from = i;
					continue;
				}
			}
		}
		i++;
	}
	sb_add(out, text + from, len - from);
}

void
nb_vars_free(struct nb_vars *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].text);
		free(v->v[i].raw);
	}
	free(v->v);
	memset(v, 0, sizeof *v);
}

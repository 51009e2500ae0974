/*
 * notebook_dbx: Databricks SQL notebook source, both ways, and the
 * `wb notebook` subcommands (cells, params, export, import).
 *
 * Databricks writes a SQL notebook as
 *
 *   -- Databricks notebook source
 *   <cell>
 *
 *   -- COMMAND ----------
 *
 *   -- DBTITLE 1,<title>
 *   -- MAGIC %md
 *   -- MAGIC # markdown lines
 *
 * The mapping:
 *   wb                                   Databricks
 *   header comments                      the first cell
 *   -- param run_date DATE = '2019-10-01'  CREATE WIDGET TEXT run_date DEFAULT '2019-10-01'; -- wb: DATE
 *   -- param region VARCHAR              CREATE WIDGET TEXT region DEFAULT ''; -- wb: VARCHAR, required
 *   -- %% sql name=load                  -- DBTITLE 1,load  (then the SQL)
 *   -- %% md  (-- lines)                 -- MAGIC %md  (-- MAGIC lines)
 *   -- %% chart OPTS (-- lines)          -- MAGIC %md / -- MAGIC %% chart OPTS / -- MAGIC lines
 *   .bail on  (dot-commands)             -- wb: .bail on
 *   :name and ${name}                    unchanged: Databricks reads both
 *                                        (:name on DBR 15.2+, ${name} before)
 * Databricks widget values are strings; wb's :name is typed, and Spark
 * casts a string compared with a date or a number, so the SQL reads the
 * same on both sides.
 *
 * Import writes the canonical layout (header, then each cell after its
 * marker, one blank line between); a notebook in that layout and without
 * expected blocks comes back byte for byte from wb -> Databricks -> wb.
 * An untitled single SQL cell comes back without a marker, as a plain
 * script. Cells in other languages (%python, %scala, %sh, ...) are kept
 * as comment-only SQL cells, with a warning.
 */
#include "cli/notebook.h"
#include "cli/session.h"

#include "core/rowset.h"
#include "core/xmalloc.h"
#include "ui/render.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DBX_HEAD "-- Databricks notebook source"
#define DBX_SEP "-- COMMAND ----------"

/* ------------------------------------------------------------ export */

static void
spark_string(struct strbuf *out, const char *s)
{
	sb_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sb_putc(out, '\\');
		sb_putc(out, *s);
	}
	sb_putc(out, '\'');
}

static const struct nb_param *
param_at(const struct notebook *nb, int line)
{
	for (int i = 0; i < nb->nparams; i++)
		if (nb->params[i].line == line)
			return &nb->params[i];
	return NULL;
}

/* first and last non-blank lines of [a, b): [*fa, *fb) */
static void
trim_range(const struct notebook *nb, int a, int b, int *fa, int *fb)
{
	while (a < b && nb_line_is_blank(nb->lines[a - 1].p, nb->lines[a - 1].len))
		a++;
	while (b > a && nb_line_is_blank(nb->lines[b - 2].p, nb->lines[b - 2].len))
		b--;
	*fa = a;
	*fb = b;
}

/* SQL lines [a, b): parameters become widgets, dot-commands comments */
static void
export_sql_lines(const struct notebook *nb, int a, int b, struct strbuf *out)
{
	bool boundary = true;   /* at the start of a statement */
	for (int ln = a; ln < b; ln++) {
		const struct nb_line *l = &nb->lines[ln - 1];
		const struct nb_param *p = param_at(nb, ln);
		if (p != NULL) {
			sb_printf(out, "CREATE WIDGET TEXT %s DEFAULT ", p->name);
			spark_string(out, p->def ? p->def : "");
			sb_printf(out, "; -- wb: %s%s\n", p->type_text, p->def ? "" : ", required");
			continue;
		}
		if (boundary && l->len > 0 && l->p[0] == '.') {
			sb_printf(out, "-- wb: %.*s\n", l->len, l->p);
			continue;
		}
		sb_add(out, l->p, (size_t)l->len);
		sb_putc(out, '\n');
		if (!nb_line_is_comment(l->p, l->len)) {
			/* a statement goes on until a line ends with ';' */
			int e = l->len;
			while (e > 0 && (l->p[e - 1] == ' ' || l->p[e - 1] == '\t'))
				e--;
			boundary = e > 0 && l->p[e - 1] == ';';
		}
	}
}

static void
export_magic_lines(const struct notebook *nb, int a, int b, struct strbuf *out)
{
	for (int ln = a; ln < b; ln++) {
		const struct nb_line *l = &nb->lines[ln - 1];
		const char *t;
		int tl;
		nb_comment_text(l->p, l->len, &t, &tl);
		if (nb_line_is_blank(l->p, l->len))
			tl = 0;
		if (tl == 0)
			sb_puts(out, "-- MAGIC\n");
		else
			sb_printf(out, "-- MAGIC %.*s\n", tl, t);
	}
}

int
nb_export_dbx(const struct notebook *nb, struct strbuf *out, struct wb_error *err)
{
	(void)err;
	struct strbuf cell = STRBUF_INIT;
	int ncells = 0;
	sb_puts(out, DBX_HEAD "\n");
#define NEXT_CELL()                                    \
	do {                                           \
		if (ncells++ > 0)                      \
			sb_puts(out, "\n" DBX_SEP "\n\n"); \
		sb_add(out, cell.s ? cell.s : "", cell.len);  \
		sb_clear(&cell);                       \
	} while (0)
	if (nb->header_end > 1) {
		int a, b;
		trim_range(nb, 1, nb->header_end, &a, &b);
		if (b > a) {
			export_sql_lines(nb, a, b, &cell);
			NEXT_CELL();
		}
	}
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		int a, b;
		trim_range(nb, c->first, c->end, &a, &b);
		if (c->name)
			sb_printf(&cell, "-- DBTITLE 1,%s\n", c->name);
		switch (c->kind) {
		case NB_SQL:
			export_sql_lines(nb, a, b, &cell);
			break;
		case NB_MD:
			sb_puts(&cell, "-- MAGIC %md\n");
			export_magic_lines(nb, a, b, &cell);
			break;
		case NB_CHART:
			sb_printf(&cell, "-- MAGIC %%md\n-- MAGIC %%%% chart%s%s\n", c->opts[0] ? " " : "", c->opts);
			export_magic_lines(nb, a, b, &cell);
			break;
		}
		NEXT_CELL();
	}
#undef NEXT_CELL
	sb_free(&cell);
	return 0;
}

/* ------------------------------------------------------------ import */

struct icell {
	enum nb_kind kind;
	char *name;
	char *opts;
	struct strbuf body;   /* lines, each ended by "\n" */
};

static bool
starts(const char *s, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);
	return n >= l && memcmp(s, prefix, l) == 0;
}

/* a Databricks title as a wb cell name */
static char *
title_name(const char *t, size_t n, int number)
{
	struct strbuf b = STRBUF_INIT;
	bool under = false, digits = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (isalnum(c) || c == '_' || c == '-' || c == '.') {
			if (under && b.len)
				sb_putc(&b, '_');
			under = false;
			sb_putc(&b, (char)c);
			if (!isdigit(c))
				digits = false;
		} else {
			under = true;
		}
	}
	if (b.len == 0 || digits) {
		sb_free(&b);
		return xasprintf("cell_%d", number);
	}
	return sb_detach(&b);
}

/* CREATE WIDGET kind name [DEFAULT 'v'] ... [; -- wb: TYPE[, required]]
 * as a `-- param` line; false when the line is not a widget */
static bool
widget_param(const char *s, size_t n, struct strbuf *out, const char *path, int line)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i < 14 || strncasecmp(s + i, "CREATE", 6) != 0)
		return false;
	i += 6;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i < 7 || strncasecmp(s + i, "WIDGET", 6) != 0 || !isspace((unsigned char)s[i + 6]))
		return false;
	i += 6;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	size_t ks = i;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	char kind[16];
	snprintf(kind, sizeof kind, "%.*s", (int)(i - ks), s + ks);
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	bool bq = i < n && s[i] == '`';
	if (bq)
		i++;
	size_t ns = i;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	size_t ne = i;
	if (bq && i < n && s[i] == '`')
		i++;
	if (ne == ns)
		return false;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	struct strbuf def = STRBUF_INIT;
	bool has_def = false;
	if (n - i >= 7 && strncasecmp(s + i, "DEFAULT", 7) == 0) {
		i += 7;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i < n && (s[i] == '\'' || s[i] == '"')) {
			char q = s[i++];
			for (; i < n && s[i] != q; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				sb_putc(&def, s[i]);
			}
			if (i < n)
				i++;
			has_def = true;
		}
	}
	if (strcasecmp(kind, "TEXT") != 0)
		fprintf(stderr, "wb notebook import: %s:%d: %s widget %.*s imported as a VARCHAR parameter (its choices are "
		    "left out)\n", path, line, kind, (int)(ne - ns), s + ns);
	/* the type wb wrote in the trailing comment */
	char type[32] = "VARCHAR";
	bool required = false;
	const char *wb = NULL;
	for (size_t k = i; k + 6 <= n; k++)
		if (memcmp(s + k, "-- wb:", 6) == 0) {
			wb = s + k + 6;
			break;
		}
	if (wb != NULL) {
		while (wb < s + n && *wb == ' ')
			wb++;
		size_t tl = 0;
		while (wb + tl < s + n && isalpha((unsigned char)wb[tl]))
			tl++;
		if (tl > 0 && tl < sizeof type)
			snprintf(type, sizeof type, "%.*s", (int)tl, wb);
		required = memmem(wb, (size_t)(s + n - wb), "required", 8) != NULL;
	}
	sb_printf(out, "-- param %.*s %s", (int)(ne - ns), s + ns, type);
	if (!required && has_def) {
		struct nb_param p;
		struct wb_error e = WB_ERROR_INIT;
		bool quoted = true;
		char *probe = xasprintf("x %s = 0", type);
		if (nb_param_decl(probe, (int)strlen(probe), &p, &e) == 0) {
			quoted = p.type == WB_TYPE_VARCHAR || p.type == WB_TYPE_DATE || p.type == WB_TYPE_TIMESTAMP;
			free(p.name);
			free(p.type_text);
			free(p.def);
		}
		err_clear(&e);
		free(probe);
		sb_puts(out, " = ");
		if (quoted) {
			sb_putc(out, '\'');
			for (size_t k = 0; k < def.len; k++) {
				if (def.s[k] == '\'')
					sb_putc(out, '\'');
				sb_putc(out, def.s[k]);
			}
			sb_putc(out, '\'');
		} else {
			sb_add(out, def.s, def.len);
		}
	}
	sb_putc(out, '\n');
	sb_free(&def);
	return true;
}

static void
icell_free(struct icell *c)
{
	free(c->name);
	free(c->opts);
	sb_free(&c->body);
}

/* the body without blank lines at either end */
static void
trim_body(struct strbuf *b)
{
	size_t s = 0;
	while (s < b->len) {
		const char *nl = memchr(b->s + s, '\n', b->len - s);
		size_t e = nl ? (size_t)(nl - b->s) : b->len;
		if (!nb_line_is_blank(b->s + s, (int)(e - s)))
			break;
		s = nl ? e + 1 : b->len;
	}
	size_t e = b->len;
	while (e > s) {
		size_t ls = e;
		if (ls > s && b->s[ls - 1] == '\n')
			ls--;
		size_t le = ls;
		while (ls > s && b->s[ls - 1] != '\n')
			ls--;
		if (!nb_line_is_blank(b->s + ls, (int)(le - ls)))
			break;
		e = ls;
	}
	struct strbuf t = STRBUF_INIT;
	sb_add(&t, b->s ? b->s + s : "", e - s);
	sb_free(b);
	*b = t;
}

int
nb_import_dbx(const char *path, const char *text, size_t len, struct strbuf *out, struct wb_error *err)
{
	struct notebook *lines = nb_text(path, text, len);
	int ln = 1;
	while (ln <= lines->nlines && nb_line_is_blank(lines->lines[ln - 1].p, lines->lines[ln - 1].len))
		ln++;
	const struct nb_line *h = ln <= lines->nlines ? &lines->lines[ln - 1] : NULL;
	if (h == NULL || !starts(h->p, (size_t)h->len, DBX_HEAD)) {
		if (h && starts(h->p, (size_t)h->len, "# Databricks notebook source"))
			err_set(err, -1, "%s is a Python (or R, Scala) Databricks notebook; wb imports SQL notebooks", path);
		else
			err_set(err, -1, "%s:%d: not a Databricks SQL notebook source: its first line is not '%s'", path,
			    h ? ln : 1, DBX_HEAD);
		err_hint(err, "export the notebook from Databricks as Source File (.sql)");
		nb_free(lines);
		return -1;
	}
	struct icell *cells = NULL;
	size_t cap = 0;
	int n = 0;
	struct strbuf moved = STRBUF_INIT;   /* widgets found after the first cell */
	for (ln++; ln <= lines->nlines + 1;) {
		/* one cell: lines up to the next separator */
		int a = ln;
		while (ln <= lines->nlines) {
			const struct nb_line *l = &lines->lines[ln - 1];
			int e = l->len;
			while (e > 0 && (l->p[e - 1] == ' ' || l->p[e - 1] == '\t'))
				e--;
			if (e == (int)strlen(DBX_SEP) && memcmp(l->p, DBX_SEP, (size_t)e) == 0)
				break;
			ln++;
		}
		int b = ln;
		ln++;
		while (a < b && nb_line_is_blank(lines->lines[a - 1].p, lines->lines[a - 1].len))
			a++;
		while (b > a && nb_line_is_blank(lines->lines[b - 2].p, lines->lines[b - 2].len))
			b--;
		cells = xgrow(cells, &cap, (size_t)n + 1, sizeof *cells);
		struct icell *c = &cells[n++];
		memset(c, 0, sizeof *c);
		c->kind = NB_SQL;
		if (a < b && starts(lines->lines[a - 1].p, (size_t)lines->lines[a - 1].len, "-- DBTITLE ")) {
			const struct nb_line *l = &lines->lines[a - 1];
			const char *comma = memchr(l->p, ',', (size_t)l->len);
			if (comma)
				c->name = title_name(comma + 1, (size_t)(l->p + l->len - comma - 1), n);
			a++;
		}
		bool code_seen = false, moved_here = false;
		const struct nb_line *f = a < b ? &lines->lines[a - 1] : NULL;
		bool magic_md = f && starts(f->p, (size_t)f->len, "-- MAGIC %md");
		bool magic_sql = f && starts(f->p, (size_t)f->len, "-- MAGIC %sql");
		bool magic_other = f && !magic_md && !magic_sql && starts(f->p, (size_t)f->len, "-- MAGIC %");
		if (magic_md) {
			c->kind = NB_MD;
			/* "%md" or "%md-sandbox", maybe with text after it */
			const char *p = f->p + 12, *e = f->p + f->len;
			while (p < e && *p != ' ')
				p++;
			while (p < e && *p == ' ')
				p++;
			if (p < e)
				sb_printf(&c->body, "-- %.*s\n", (int)(e - p), p);
			a++;
			if (a < b && starts(lines->lines[a - 1].p, (size_t)lines->lines[a - 1].len, "-- MAGIC %% chart") &&
			    (lines->lines[a - 1].len == 17 || lines->lines[a - 1].p[17] == ' ')) {
				c->kind = NB_CHART;
				const struct nb_line *l = &lines->lines[a - 1];
				const char *o = l->p + 17;
				while (o < l->p + l->len && *o == ' ')
					o++;
				c->opts = xstrndup(o, (size_t)(l->p + l->len - o));
				a++;
			}
		} else if (magic_other) {
			int w = 0;
			while (9 + w < f->len && !isspace((unsigned char)f->p[9 + w]))
				w++;
			fprintf(stderr, "wb notebook import: %s:%d: a %.*s cell: kept as comments (wb runs SQL)\n", path, a, w,
			    f->p + 9);
		}
		for (int k = a; k < b; k++) {
			const struct nb_line *l = &lines->lines[k - 1];
			const char *t = l->p;
			size_t tl = (size_t)l->len;
			if ((magic_md || magic_sql) && starts(t, tl, "-- MAGIC")) {
				t += 8;
				tl -= 8;
				if (tl > 0 && *t == ' ')
					t++, tl--;
				if (magic_sql && k == a)
					continue;   /* the %sql line itself */
			}
			if (c->kind != NB_SQL) {
				if (tl == 0)
					sb_puts(&c->body, "--\n");
				else
					sb_printf(&c->body, "-- %.*s\n", (int)tl, t);
				continue;
			}
			if (starts(t, tl, "-- wb: .")) {
				sb_add(&c->body, t + 7, tl - 7);
				sb_putc(&c->body, '\n');
				continue;
			}
			/* widgets are parameters, declared at the top: in place when
			 * they lead the first cell, else moved there */
			bool in_place = n == 1 && !code_seen;
			if (!magic_other && widget_param(t, tl, in_place ? &c->body : &moved, path, k)) {
				moved_here |= !in_place;
				if (!in_place)
					fprintf(stderr, "wb notebook import: %s:%d: widget moved to the top of the notebook as a "
					    "parameter\n", path, k);
				continue;
			}
			if (!nb_line_is_comment(t, (int)tl))
				code_seen = true;
			sb_add(&c->body, t, tl);
			sb_putc(&c->body, '\n');
		}
		trim_body(&c->body);
		if (moved_here && c->body.len == 0 && c->name == NULL && c->kind == NB_SQL) {
			icell_free(c);   /* it held widgets only: they moved to the top */
			n--;
		}
		if (ln > lines->nlines + 1)
			break;
	}
	/* the first cell is the header when it holds only comments (and
	 * parameters) and has no title */
	int first = 0;
	bool header = false;
	if (n > 0 && cells[0].kind == NB_SQL && cells[0].name == NULL) {
		header = true;
		const char *p = cells[0].body.s ? cells[0].body.s : "";
		while (*p) {
			const char *e = strchr(p, '\n');
			int l = e ? (int)(e - p) : (int)strlen(p);
			if (!nb_line_is_comment(p, l))
				header = false;
			p += l + (e != NULL);
		}
	}
	bool plain = n == 1 && cells[0].kind == NB_SQL && cells[0].name == NULL;
	struct strbuf top = STRBUF_INIT;
	if (plain)
		sb_add(&top, moved.s ? moved.s : "", moved.len);
	if ((header || plain) && n > 0) {
		sb_add(&top, cells[0].body.s ? cells[0].body.s : "", cells[0].body.len);
		first = 1;
	} else if (n > 0 && cells[0].kind == NB_SQL) {
		/* a first cell with code gets a marker: its parameter lines
		 * go above it */
		struct strbuf keep = STRBUF_INIT;
		const char *p = cells[0].body.s ? cells[0].body.s : "";
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
			sb_add(starts(p, l, "-- param ") ? &top : &keep, p, l);
			p += l;
		}
		sb_free(&cells[0].body);
		cells[0].body = keep;
	}
	if (!plain)
		sb_add(&top, moved.s ? moved.s : "", moved.len);
	sb_add(out, top.s ? top.s : "", top.len);
	for (int i = first; i < n; i++) {
		struct icell *c = &cells[i];
		if (out->len > 0)
			sb_putc(out, '\n');
		sb_printf(out, "-- %%%% %s", nb_kind_name(c->kind));
		if (c->name) {
			/* titles are unique names in wb */
			for (int j = 0; j < i; j++)
				if (cells[j].name && strcasecmp(cells[j].name, c->name) == 0) {
					char *u = xasprintf("%s_%d", c->name, i + 1);
					free(c->name);
					c->name = u;
					j = -1;
				}
			sb_printf(out, " name=%s", c->name);
		}
		if (c->opts && c->opts[0])
			sb_printf(out, " %s", c->opts);
		sb_putc(out, '\n');
		sb_add(out, c->body.s ? c->body.s : "", c->body.len);
	}
	sb_free(&top);
	sb_free(&moved);
	for (int i = 0; i < n; i++)
		icell_free(&cells[i]);
	free(cells);
	nb_free(lines);
	/* what was written must read back as a notebook */
	struct notebook *check = nb_parse(path, out->s ? out->s : "", out->len, err);
	if (check == NULL)
		return -1;
	nb_free(check);
	return 0;
}

/* ------------------------------------------------------------ wb notebook */

static const char notebook_usage[] =
    "usage: wb notebook cells NOTEBOOK.wb           list the cells (number, kind, name, line)\n"
    "       wb notebook params NOTEBOOK.wb          list the parameters\n"
    "       wb notebook export NOTEBOOK.wb [-o FILE.sql]   as Databricks SQL notebook source\n"
    "       wb notebook import FILE.sql [-o NOTEBOOK.wb]   from Databricks SQL notebook source\n"
    "See wb-notebook(5).\n";

/* the first non-blank line of a cell, for the listing */
static char *
first_text(const struct notebook *nb, const struct nb_cell *c)
{
	for (int ln = c->first; ln < c->code_end; ln++) {
		const struct nb_line *l = &nb->lines[ln - 1];
		if (nb_line_is_blank(l->p, l->len))
			continue;
		const char *t = l->p;
		int tl = l->len;
		if (c->kind != NB_SQL)
			nb_comment_text(l->p, l->len, &t, &tl);
		if (tl > 60)
			return xasprintf("%.57s...", t);
		return xstrndup(t, (size_t)tl);
	}
	return xstrdup("");
}

static int
list_cells(const struct notebook *nb)
{
	static const char *const names[] = {"cell", "kind", "name", "line", "expected", "first_line"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BOOL,
	    WB_TYPE_VARCHAR};
	struct rowset_builder b;
	rsb_init(&b, 6, names, types);
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		rsb_int(&b, 0, c->number);
		rsb_str(&b, 1, nb_kind_name(c->kind));
		rsb_str(&b, 2, c->name);
		rsb_int(&b, 3, c->marker ? c->marker : c->first);
		rsb_bool(&b, 4, c->kind != NB_MD ? c->out_first != 0 : -1);
		char *t = first_text(nb, c);
		rsb_str(&b, 5, t);
		free(t);
		rsb_end_row(&b);
	}
	struct rowset *rs = rsb_finish(&b);
	struct render_options o;
	render_options_init(&o);
	o.max_rows = 0;
	int rc = render_rowset(rs, &o, stdout);
	rowset_free(rs);
	return rc < 0 ? 1 : 0;
}

static int
list_params(const struct notebook *nb)
{
	static const char *const names[] = {"name", "type", "default", "line"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct rowset_builder b;
	rsb_init(&b, 4, names, types);
	for (int i = 0; i < nb->nparams; i++) {
		const struct nb_param *p = &nb->params[i];
		rsb_str(&b, 0, p->name);
		rsb_str(&b, 1, nb_type_name(p->type));
		rsb_str(&b, 2, p->def);   /* NULL: required */
		rsb_int(&b, 3, p->line);
		rsb_end_row(&b);
	}
	struct rowset *rs = rsb_finish(&b);
	struct render_options o;
	render_options_init(&o);
	o.max_rows = 0;
	int rc = render_rowset(rs, &o, stdout);
	rowset_free(rs);
	return rc < 0 ? 1 : 0;
}

static int
emit(const char *outpath, const struct strbuf *b, struct wb_error *err)
{
	if (outpath == NULL || strcmp(outpath, "-") == 0) {
		fwrite(b->s ? b->s : "", 1, b->len, stdout);
		return fflush(stdout) == 0 ? 0 : (err_set(err, -1, "cannot write: %s", strerror(errno)), -1);
	}
	return nb_write_atomic(outpath, b->s ? b->s : "", b->len, err);
}

int
nb_notebook_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(notebook_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	static const char *const cmds[] = {"cells", "params", "export", "import"};
	bool known = false;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		known |= strcmp(cmd, cmds[i]) == 0;
	if (!known) {
		fprintf(stderr, "wb notebook: unknown subcommand '%s' (cells, params, export, import)\n", cmd);
		fputs(notebook_usage, stderr);
		return 2;
	}
	const char *outpath = NULL;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': outpath = optarg; break;
		case 'h': fputs(notebook_usage, stdout); return 0;
		default: fputs(notebook_usage, stderr); return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "wb notebook %s: give one file\n", cmd);
		fputs(notebook_usage, stderr);
		return 2;
	}
	const char *path = argv[1 + optind];
	bool listing = strcmp(cmd, "cells") == 0 || strcmp(cmd, "params") == 0;
	if (listing && outpath) {
		fprintf(stderr, "wb notebook %s: -o is for export and import\n", cmd);
		return 2;
	}
	struct wb_error err = WB_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	int rc = 0;
	if (strcmp(cmd, "import") == 0) {
		size_t len;
		char *text = nb_read_file(path, &len, &err);
		if (text == NULL || nb_import_dbx(path, text, len, &out, &err) < 0 || emit(outpath, &out, &err) < 0)
			rc = 1;
		free(text);
	} else {
		struct notebook *nb = nb_load(path, &err);
		if (nb == NULL)
			rc = 1;
		else if (strcmp(cmd, "cells") == 0)
			rc = list_cells(nb);
		else if (strcmp(cmd, "params") == 0)
			rc = list_params(nb);
		else if (nb_export_dbx(nb, &out, &err) < 0 || emit(outpath, &out, &err) < 0)
			rc = 1;
		nb_free(nb);
	}
	if (err_isset(&err)) {
		fprintf(stderr, "wb notebook %s: %s\n", cmd, err.msg);
		if (err.hint)
			fprintf(stderr, "HINT: %s\n", err.hint);
	}
	err_clear(&err);
	sb_free(&out);
	return rc;
}

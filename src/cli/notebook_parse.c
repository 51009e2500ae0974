/*
 * notebook_parse: the .wb format (wb-notebook(5)).
 *
 *   -- Title and notes: the header, comments before the first marker
 *   -- param run_date DATE = '2019-10-01'
 *
 *   -- %% md
 *   -- # Markdown, as comment lines
 *
 *   -- %% sql name=daily
 *   SELECT ...;
 *   -- > the expected output, one `-- > ` line per line
 *
 *   -- %% chart bar x=day
 *   -- title: orders by day
 *   -- > the chart as text, after the spec lines
 *
 * The parser keeps the file's text and indexes it by line, so that
 * --update can rewrite expected blocks leaving every other byte as it was.
 * It checks everything that can be checked without running: markers,
 * options, parameter lines, markdown and chart cells holding only
 * comments, an expected block ending its cell.
 */
#include "cli/notebook.h"

#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define NB_PARAM_EXAMPLE "-- param run_date DATE = '2019-10-01'   (types: VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE, " \
	"TIMESTAMP; without \"= DEFAULT\" the parameter is required)"

const char *
nb_kind_name(enum nb_kind k)
{
	switch (k) {
	case NB_SQL: return "sql";
	case NB_MD: return "md";
	case NB_CHART: return "chart";
	}
	return "?";
}

bool
nb_line_is_blank(const char *p, int len)
{
	for (int i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\f' && p[i] != '\v')
			return false;
	return true;
}

bool
nb_line_is_comment(const char *p, int len)
{
	int i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == len || (i + 1 < len && p[i] == '-' && p[i + 1] == '-');
}

void
nb_comment_text(const char *p, int len, const char **text, int *tlen)
{
	int i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 1 < len && p[i] == '-' && p[i + 1] == '-') {
		i += 2;
		if (i < len && p[i] == ' ')
			i++;
	}
	*text = p + i;
	*tlen = len - i;
}

/* `-- %%` followed by the end of the line or a blank */
static bool
is_marker(const char *p, int len)
{
	return len >= 5 && memcmp(p, "-- %%", 5) == 0 && (len == 5 || p[5] == ' ' || p[5] == '\t');
}

/* `-- >`: a line of an expected-output block */
static bool
is_output(const char *p, int len)
{
	return len >= 4 && memcmp(p, "-- >", 4) == 0;
}

/* `-- param ...`: returns the offset of what follows "param", or -1 */
static int
param_line(const char *p, int len)
{
	int i = 0;
	if (len < 2 || p[0] != '-' || p[1] != '-')
		return -1;
	i = 2;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (len - i < 6 || memcmp(p + i, "param", 5) != 0 || (p[i + 5] != ' ' && p[i + 5] != '\t'))
		return -1;
	return i + 5;
}

const char *
nb_cell_label(const struct nb_cell *c, char *buf, size_t n)
{
	if (c->name)
		snprintf(buf, n, "cell %d (%s)", c->number, c->name);
	else
		snprintf(buf, n, "cell %d", c->number);
	return buf;
}

static void
split_lines(struct notebook *nb)
{
	size_t cap = 0;
	size_t i = 0;
	nb->eol = "\n";
	bool eol_seen = false;
	while (i < nb->len) {
		size_t s = i;
		while (i < nb->len && nb->text[i] != '\n')
			i++;
		size_t e = i;
		if (i < nb->len)
			i++;   /* past '\n' */
		if (e > s && nb->text[e - 1] == '\r' && e < nb->len) {
			if (!eol_seen)
				nb->eol = "\r\n";
			e--;
		}
		if (!eol_seen && e < nb->len)
			eol_seen = true;
		nb->lines = xgrow(nb->lines, &cap, (size_t)nb->nlines + 1, sizeof *nb->lines);
		struct nb_line *l = &nb->lines[nb->nlines++];
		l->p = nb->text + s;
		l->len = (int)(e - s);
		l->off = s;
		l->next = i;
	}
}

#define LN(nb, n) (&(nb)->lines[(n) - 1])

static int
fail_at(struct wb_error *err, const struct notebook *nb, int line, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
fail_at(struct wb_error *err, const struct notebook *nb, int line, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(err, -1, "%s:%d: %s", nb->path, line, msg);
	if (hint)
		err_hint(err, "%s", hint);
	free(msg);
	return -1;
}

/* A cell name: letters, digits, '_', '-' and '.', not only digits (a number
 * names a cell by position). */
static bool
valid_name(const char *s, size_t n)
{
	bool digits = true;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
		if (!isdigit(c))
			digits = false;
	}
	return !digits;
}

static int
parse_marker(struct notebook *nb, int line, struct nb_cell *c, struct wb_error *err)
{
	const struct nb_line *l = LN(nb, line);
	const char *p = l->p + 5, *e = l->p + l->len;
	struct strbuf opts = STRBUF_INIT;
	bool kind_seen = false;
	c->kind = NB_SQL;
	while (p < e) {
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= e)
			break;
		const char *t = p;
		while (p < e && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - t);
		const char *eq = memchr(t, '=', n);
		if (!kind_seen && eq == NULL) {
			kind_seen = true;
			if (n == 3 && memcmp(t, "sql", 3) == 0)
				c->kind = NB_SQL;
			else if ((n == 2 && memcmp(t, "md", 2) == 0) || (n == 8 && memcmp(t, "markdown", 8) == 0) ||
			    (n == 10 && memcmp(t, "[markdown]", 10) == 0))
				c->kind = NB_MD;
			else if (n == 5 && memcmp(t, "chart", 5) == 0)
				c->kind = NB_CHART;
			else {
				sb_free(&opts);
				return fail_at(err, nb, line,
				    "cells are sql, md (markdown as -- comment lines) or chart: -- %% sql name=load_events",
				    "unknown cell kind '%.*s'", (int)n, t);
			}
			continue;
		}
		kind_seen = true;
		if (eq != NULL && eq - t == 4 && memcmp(t, "name", 4) == 0) {
			const char *v = eq + 1;
			size_t vn = n - 5;
			if (!valid_name(v, vn)) {
				sb_free(&opts);
				return fail_at(err, nb, line,
				    "a name is letters, digits, '_', '-' and '.', not only digits: -- %% sql name=load_events",
				    "bad cell name '%.*s'", (int)vn, v);
			}
			if (c->name) {
				sb_free(&opts);
				return fail_at(err, nb, line, NULL, "the cell is named twice");
			}
			c->name = xstrndup(v, vn);
			continue;
		}
		if (c->kind != NB_CHART) {
			sb_free(&opts);
			return fail_at(err, nb, line, "sql and md cells take one option, name=NAME: -- %% sql name=load_events",
			    "unknown option '%.*s' for a %s cell", (int)n, t, nb_kind_name(c->kind));
		}
		/* a chart's options are its renderer's business: kept as written */
		if (opts.len)
			sb_putc(&opts, ' ');
		sb_add(&opts, t, n);
	}
	c->opts = sb_detach(&opts);
	if (c->opts == NULL)
		c->opts = xstrdup("");
	return 0;
}

/* The expected block starting at line i of cell c: its lines, and the
 * code (or spec) ending there. Returns the line after it. */
static int
take_block(const struct notebook *nb, struct nb_cell *c, int i)
{
	c->out_first = i;
	c->code_end = i;
	int j = i;
	while (j < c->end && is_output(LN(nb, j)->p, LN(nb, j)->len))
		j++;
	c->out_end = j;
	return j;
}

/* The expected block of a SQL cell, and what may follow it. */
static int
scan_sql_cell(struct notebook *nb, struct nb_cell *c, struct wb_error *err)
{
	c->code_end = c->end;
	c->out_first = c->out_end = 0;
	for (int i = c->first; i < c->end; i++) {
		const struct nb_line *l = LN(nb, i);
		if (c->out_first == 0) {
			if (is_output(l->p, l->len))
				i = take_block(nb, c, i) - 1;
			continue;
		}
		if (is_output(l->p, l->len)) {
			char b[64];
			return fail_at(err, nb, i,
			    "a cell has one expected block, right after its code; start a new cell with -- %% sql",
			    "%s has a second expected-output block (the first is at line %d)", nb_cell_label(c, b, sizeof b),
			    c->out_first);
		}
		if (!nb_line_is_comment(l->p, l->len)) {
			char b[64];
			return fail_at(err, nb, i, "start a new cell with -- %% sql before this line",
			    "SQL after the expected-output block of %s (line %d): the block must end its cell",
			    nb_cell_label(c, b, sizeof b), c->out_first);
		}
	}
	/* a new block goes under the last line of code, before any
	 * comments that end the cell (they introduce what follows) */
	c->last = 0;
	for (int i = c->code_end - 1; i >= c->first; i--)
		if (!nb_line_is_comment(LN(nb, i)->p, LN(nb, i)->len)) {
			c->last = i;
			break;
		}
	/* a parameter declared below the top is a mistake worth naming */
	for (int i = c->first; i < c->code_end; i++) {
		const struct nb_line *l = LN(nb, i);
		int k = param_line(l->p, l->len);
		bool declared = false;
		for (int j = 0; j < nb->nparams; j++)
			declared |= nb->params[j].line == i;
		if (k < 0 || declared)
			continue;
		struct nb_param tmp = {0};
		struct wb_error e2 = WB_ERROR_INIT;
		if (nb_param_decl(l->p + k, l->len - k, &tmp, &e2) == 0) {
			fail_at(err, nb, i, "move the line to the top of the notebook, before the first cell and any SQL",
			    "parameter %s is declared inside a cell; parameters are declared at the top", tmp.name);
			free(tmp.name);
			free(tmp.type_text);
			free(tmp.def);
			return -1;
		}
		err_clear(&e2);
	}
	return 0;
}

static int
check_comment_cell(struct notebook *nb, struct nb_cell *c, struct wb_error *err)
{
	for (int i = c->first; i < c->end; i++) {
		const struct nb_line *l = LN(nb, i);
		if (!nb_line_is_comment(l->p, l->len)) {
			char b[64];
			return fail_at(err, nb, i,
			    "write its lines as `-- ` comments (so the notebook still runs as a script), or start a SQL cell "
			    "with -- %% sql",
			    "%s is a %s cell but this line is not a comment", nb_cell_label(c, b, sizeof b),
			    c->kind == NB_MD ? "markdown" : "chart");
		}
	}
	c->code_end = c->end;
	c->last = 0;
	return 0;
}

/* a blank line, or a comment with nothing in it ("--") */
static bool
empty_comment(const char *p, int len)
{
	const char *t;
	int tl;
	nb_comment_text(p, len, &t, &tl);
	return nb_line_is_blank(t, tl);
}

/* A chart cell: comment lines, its spec, then maybe an expected block.
 * Every comment of a chart cell is read as spec, so only empty lines may
 * follow the block (a markdown cell's `-- > ` lines are a quote, not a
 * block: only sql and chart cells have blocks). */
static int
scan_chart_cell(struct notebook *nb, struct nb_cell *c, struct wb_error *err)
{
	if (check_comment_cell(nb, c, err) < 0)
		return -1;
	c->out_first = c->out_end = 0;
	for (int i = c->first; i < c->end; i++) {
		const struct nb_line *l = LN(nb, i);
		char b[64];
		if (c->out_first == 0) {
			if (is_output(l->p, l->len))
				i = take_block(nb, c, i) - 1;
			continue;
		}
		if (is_output(l->p, l->len))
			return fail_at(err, nb, i,
			    "a cell has one expected block, right after its spec lines; start a new cell with -- %% chart",
			    "%s has a second expected-output block (the first is at line %d)", nb_cell_label(c, b, sizeof b),
			    c->out_first);
		if (!empty_comment(l->p, l->len))
			return fail_at(err, nb, i, "move the line above the block: a chart's spec lines come first, then its -- > lines",
			    "a spec line after the expected-output block of %s (line %d): the block must end its cell",
			    nb_cell_label(c, b, sizeof b), c->out_first);
	}
	/* a new block goes under the last spec line that says something,
	 * else under the marker (empty lines stay after it) */
	c->last = c->marker;
	for (int i = c->code_end - 1; i >= c->first; i--)
		if (!empty_comment(LN(nb, i)->p, LN(nb, i)->len)) {
			c->last = i;
			break;
		}
	return 0;
}

/* the parameter lines among the leading comments [1, end) */
static int
parse_params(struct notebook *nb, int end, struct wb_error *err)
{
	size_t cap = 0;
	for (int i = 1; i < end; i++) {
		const struct nb_line *l = LN(nb, i);
		if (!nb_line_is_comment(l->p, l->len))
			break;
		int k = param_line(l->p, l->len);
		if (k < 0)
			continue;
		struct nb_param p = {0};
		struct wb_error e2 = WB_ERROR_INIT;
		if (nb_param_decl(l->p + k, l->len - k, &p, &e2) < 0) {
			fail_at(err, nb, i, "write it as: " NB_PARAM_EXAMPLE, "malformed parameter line: %s", e2.msg);
			err_clear(&e2);
			return -1;
		}
		p.line = i;
		for (int j = 0; j < nb->nparams; j++)
			if (strcasecmp(nb->params[j].name, p.name) == 0) {
				fail_at(err, nb, i, "give each parameter one line", "parameter %s is declared twice (also at line %d)",
				    p.name, nb->params[j].line);
				free(p.name);
				free(p.type_text);
				free(p.def);
				return -1;
			}
		nb->params = xgrow(nb->params, &cap, (size_t)nb->nparams + 1, sizeof *nb->params);
		nb->params[nb->nparams++] = p;
	}
	return 0;
}

struct notebook *
nb_text(const char *path, const char *text, size_t len)
{
	struct notebook *nb = xcalloc(1, sizeof *nb);
	nb->path = xstrdup(path);
	nb->text = xmalloc(len + 1);
	memcpy(nb->text, text, len);
	nb->text[len] = '\0';
	nb->len = len;
	split_lines(nb);
	nb->header_end = 1;
	return nb;
}

struct notebook *
nb_parse(const char *path, const char *text, size_t len, struct wb_error *err)
{
	struct notebook *nb = nb_text(path, text, len);
	if (memchr(nb->text, '\0', len) != NULL) {
		err_set(err, -1, "%s is not a text file (it contains NUL bytes)", path);
		nb_free(nb);
		return NULL;
	}
	int first_marker = 0;
	for (int i = 1; i <= nb->nlines; i++)
		if (is_marker(LN(nb, i)->p, LN(nb, i)->len)) {
			first_marker = i;
			break;
		}
	int top_end = first_marker ? first_marker : nb->nlines + 1;
	if (parse_params(nb, top_end, err) < 0) {
		nb_free(nb);
		return NULL;
	}
	size_t ccap = 0;
	/* lines before the first marker: a header, or an implicit first SQL
	 * cell when they hold code (always, in a file without markers) */
	bool code = first_marker == 0;
	for (int i = 1; i < top_end && !code; i++)
		if (!nb_line_is_comment(LN(nb, i)->p, LN(nb, i)->len))
			code = true;
	nb->header_end = 1;
	if (code) {
		nb->cells = xgrow(nb->cells, &ccap, 1, sizeof *nb->cells);
		struct nb_cell *c = &nb->cells[nb->ncells++];
		memset(c, 0, sizeof *c);
		c->kind = NB_SQL;
		c->number = 1;
		c->opts = xstrdup("");
		c->first = 1;
		c->end = top_end;
	} else {
		nb->header_end = top_end;
	}
	for (int m = first_marker; m != 0;) {
		int next = 0;
		for (int i = m + 1; i <= nb->nlines; i++)
			if (is_marker(LN(nb, i)->p, LN(nb, i)->len)) {
				next = i;
				break;
			}
		nb->cells = xgrow(nb->cells, &ccap, (size_t)nb->ncells + 1, sizeof *nb->cells);
		struct nb_cell *c = &nb->cells[nb->ncells++];
		memset(c, 0, sizeof *c);
		c->number = nb->ncells;
		c->marker = m;
		c->first = m + 1;
		c->end = next ? next : nb->nlines + 1;
		if (parse_marker(nb, m, c, err) < 0) {
			nb_free(nb);
			return NULL;
		}
		for (int j = 0; j < nb->ncells - 1 && c->name; j++)
			if (nb->cells[j].name && strcasecmp(nb->cells[j].name, c->name) == 0) {
				fail_at(err, nb, m, "give each cell its own name", "two cells are named %s (cells %d and %d)",
				    c->name, nb->cells[j].number, c->number);
				nb_free(nb);
				return NULL;
			}
		m = next;
	}
	for (int i = 0; i < nb->ncells; i++) {
		struct nb_cell *c = &nb->cells[i];
		int rc = c->kind == NB_SQL ? scan_sql_cell(nb, c, err)
		    : c->kind == NB_CHART ? scan_chart_cell(nb, c, err) : check_comment_cell(nb, c, err);
		if (rc < 0) {
			nb_free(nb);
			return NULL;
		}
	}
	return nb;
}

char *
nb_read_file(const char *path, size_t *len, struct wb_error *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err_set(err, -1, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		err_set(err, -1, "cannot read %s: %s", path, strerror(errno));
		sb_free(&b);
		return NULL;
	}
	*len = b.len;
	if (b.s == NULL)
		return xstrdup("");
	return sb_detach(&b);
}

struct notebook *
nb_load(const char *path, struct wb_error *err)
{
	size_t len;
	char *text = nb_read_file(path, &len, err);
	if (text == NULL)
		return NULL;
	struct notebook *nb = nb_parse(path, text, len, err);
	free(text);
	return nb;
}

void
nb_free(struct notebook *nb)
{
	if (nb == NULL)
		return;
	for (int i = 0; i < nb->nparams; i++) {
		free(nb->params[i].name);
		free(nb->params[i].type_text);
		free(nb->params[i].def);
	}
	free(nb->params);
	for (int i = 0; i < nb->ncells; i++) {
		free(nb->cells[i].name);
		free(nb->cells[i].opts);
	}
	free(nb->cells);
	free(nb->lines);
	free(nb->text);
	free(nb->path);
	free(nb);
}

int
nb_find_cell(const struct notebook *nb, const char *spec, struct wb_error *err)
{
	size_t n = strlen(spec);
	bool digits = n > 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)spec[i]))
			digits = false;
	if (digits) {
		long v = n < 10 ? strtol(spec, NULL, 10) : -1;
		if (v >= 1 && v <= nb->ncells)
			return (int)v - 1;
		err_set(err, -1, "%s has no cell %s: its cells are numbered 1 to %d", nb->path, spec, nb->ncells);
		err_hint(err, "wb notebook cells %s lists them", nb->path);
		return -1;
	}
	const char **names = xcalloc((size_t)nb->ncells + 1, sizeof *names);
	int nn = 0;
	for (int i = 0; i < nb->ncells; i++) {
		if (nb->cells[i].name && strcasecmp(nb->cells[i].name, spec) == 0) {
			free(names);
			return i;
		}
		if (nb->cells[i].name)
			names[nn++] = nb->cells[i].name;
	}
	const char *s = str_suggest(spec, names, nn);
	err_set(err, -1, "%s has no cell named '%s'", nb->path, spec);
	if (s)
		err_hint(err, "did you mean '%s'? (wb notebook cells %s lists the cells)", s, nb->path);
	else if (nn == 0)
		err_hint(err, "its cells have no names: give a number (1 to %d), or name a cell with -- %%%% sql name=NAME",
		    nb->ncells);
	else
		err_hint(err, "wb notebook cells %s lists the cells, with their numbers and names", nb->path);
	free(names);
	return -1;
}

void
nb_lines_text(const struct notebook *nb, int a, int b, struct strbuf *out)
{
	for (int i = a; i < b && i <= nb->nlines; i++) {
		sb_add(out, LN(nb, i)->p, (size_t)LN(nb, i)->len);
		sb_putc(out, '\n');
	}
}

char *
nb_line_dup(const struct notebook *nb, int n)
{
	return xstrndup(LN(nb, n)->p, (size_t)LN(nb, n)->len);
}

int
nb_write_atomic(const char *path, const char *data, size_t len, struct wb_error *err)
{
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
			  : xasprintf(".%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, -1, "cannot write %s: %s", path, strerror(errno));
		err_hint(err, "the directory must exist and be writable");
		free(tmp);
		return -1;
	}
	struct stat st;
	mode_t mode;
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	bool ok = true;
	for (size_t done = 0; ok && done < len;) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			ok = false;
		else
			done += (size_t)w;
	}
	int saved = errno;
	if (ok && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		ok = false, saved = errno;
	if (close(fd) < 0 && ok)
		ok = false, saved = errno;
	if (ok && rename(tmp, path) < 0)
		ok = false, saved = errno;
	if (!ok) {
		unlink(tmp);
		err_set(err, -1, "cannot write %s: %s", path, strerror(saved));
		err_hint(err, "%s was left as it was", path);
	}
	free(tmp);
	return ok ? 0 : -1;
}

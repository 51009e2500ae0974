/*
 * notebook_report: the markdown report of a run (wb run --output R.md).
 *
 * The report is the notebook as it ran: its parameters' values, markdown
 * cells as markdown, each SQL cell's code (parameters substituted) in a
 * ```sql fence followed by what it printed, in order - result tables as
 * markdown tables (the first rows of long ones, then a row count), and
 * messages, warnings, errors and dot-command output in ```text fences;
 * each chart cell's spec in a ```text fence, then its chart, as text, in
 * another -
 * and, when a cell failed, where the run stopped.
 *
 * Tables come from a tee sink installed as the session's override (and as
 * its show_sink, so statements still format for a person): each result
 * goes to the session's own sink, as before, and to a markdown renderer.
 * Everything else arrives through nb_report_text() from the runner's
 * capturing streams, except what the session's sink draws while the tee
 * is inside a callback (the terminal's copy of a table).
 */
#include "config.h"

#include "cli/notebook.h"
#include "cli/session.h"

#include "core/xmalloc.h"
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_ROWS 40

struct nb_report {
	struct wb_sink tee;
	struct session *s;
	struct strbuf md;        /* the report */
	struct strbuf pending;   /* text not yet fenced */
	struct wb_sink *mdsink;  /* markdown tables, written to mdf */
	FILE *mdf;
	char *mdbuf;
	size_t mdlen, mdused;
	bool in_sink;
	int64_t rows;
	const struct nb_vars *vars;   /* for a chart cell's spec, as it ran */
};

static void
flush_pending(struct nb_report *r)
{
	if (r->pending.len == 0)
		return;
	/* a fence longer than any run of backquotes inside */
	int run = 0, longest = 0;
	for (size_t i = 0; i < r->pending.len; i++) {
		run = r->pending.s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	int fl = longest >= 3 ? longest + 1 : 3;
	sb_repeat(&r->md, "`", fl);
	sb_puts(&r->md, "text\n");
	sb_add(&r->md, r->pending.s, r->pending.len);
	if (r->pending.s[r->pending.len - 1] != '\n')
		sb_putc(&r->md, '\n');
	sb_repeat(&r->md, "`", fl);
	sb_puts(&r->md, "\n\n");
	sb_clear(&r->pending);
}

static void
take_tables(struct nb_report *r)
{
	fflush(r->mdf);
	/* the renderer puts a blank line between tables; the report has its
	 * own between blocks */
	while (r->mdused < r->mdlen && r->mdbuf[r->mdused] == '\n')
		r->mdused++;
	if (r->mdlen > r->mdused) {
		sb_add(&r->md, r->mdbuf + r->mdused, r->mdlen - r->mdused);
		r->mdused = r->mdlen;
	}
}

static int
tee_begin(struct wb_sink *sk, int ncol, char *const *names, const wb_type *types, struct wb_error *err)
{
	struct nb_report *r = (struct nb_report *)sk;
	struct wb_sink *show = r->s->sink;
	flush_pending(r);
	r->in_sink = true;
	r->rows = 0;
	int rc = show->begin ? show->begin(show, ncol, names, types, err) : 0;
	if (rc == 0)
		rc = r->mdsink->begin(r->mdsink, ncol, names, types, err);
	r->in_sink = false;
	return rc;
}

static int
tee_chunk(struct wb_sink *sk, const struct chunk *c, struct wb_error *err)
{
	struct nb_report *r = (struct nb_report *)sk;
	struct wb_sink *show = r->s->sink;
	r->in_sink = true;
	int rc = show->chunk ? show->chunk(show, c, err) : 0;
	if (rc == 0 && r->rows < REPORT_MAX_ROWS) {
		/* the report shows the first rows; a shallow copy shorter */
		struct chunk head = *c;
		if (head.n > REPORT_MAX_ROWS - r->rows)
			head.n = (int)(REPORT_MAX_ROWS - r->rows);
		rc = r->mdsink->chunk(r->mdsink, &head, err);
	}
	r->rows += c->n;
	r->in_sink = false;
	return rc;
}

static int
tee_end(struct wb_sink *sk, struct wb_error *err)
{
	struct nb_report *r = (struct nb_report *)sk;
	struct wb_sink *show = r->s->sink;
	r->in_sink = true;
	int rc = show->end ? show->end(show, err) : 0;
	if (rc == 0)
		rc = r->mdsink->end(r->mdsink, err);
	r->in_sink = false;
	take_tables(r);
	if (r->rows > REPORT_MAX_ROWS) {
		char a[32], b[32];
		render_group_digits(r->rows, a);
		render_group_digits(REPORT_MAX_ROWS, b);
		sb_printf(&r->md, "\n*%s rows (%s shown)*\n", a, b);
	} else if (r->rows == 0) {
		sb_puts(&r->md, "\n*0 rows*\n");
	}
	sb_putc(&r->md, '\n');
	return rc;
}

static void
tee_message(struct wb_sink *sk, const char *text)
{
	struct nb_report *r = (struct nb_report *)sk;
	struct wb_sink *show = r->s->sink;
	r->in_sink = true;
	if (show->message)
		show->message(show, text);
	r->in_sink = false;
	sb_puts(&r->pending, text);
	if (text[0] == '\0' || text[strlen(text) - 1] != '\n')
		sb_putc(&r->pending, '\n');
}

struct nb_report *
nb_report_new(const struct notebook *nb, const struct nb_vars *v)
{
	struct nb_report *r = xcalloc(1, sizeof *r);
	r->tee.begin = tee_begin;
	r->tee.chunk = tee_chunk;
	r->tee.end = tee_end;
	r->tee.message = tee_message;
	r->mdf = open_memstream(&r->mdbuf, &r->mdlen);
	if (r->mdf == NULL) {
		perror("wb: open_memstream");
		abort();
	}
	struct render_options o;
	render_options_init(&o);
	o.mode = RENDER_MARKDOWN;
	r->mdsink = render_sink_new(&o, r->mdf);
	r->vars = v;
	const char *base = strrchr(nb->path, '/') ? strrchr(nb->path, '/') + 1 : nb->path;
	sb_printf(&r->md, "# %s\n\n", base);
	sb_printf(&r->md, "Report of a run of `%s` by wb %s.\n\n", nb->path, PACKAGE_VERSION);
	if (v != NULL && v->n > 0) {
		sb_puts(&r->md, "| parameter | type | value |\n| --- | --- | --- |\n");
		for (int i = 0; i < v->n; i++) {
			sb_printf(&r->md, "| %s | %s | ", v->v[i].name,
			    v->v[i].type == WB_TYPE_NULL ? "(as given)" : nb_type_name(v->v[i].type));
			for (const char *p = v->v[i].text; *p; p++) {
				if (*p == '|')
					sb_putc(&r->md, '\\');
				sb_putc(&r->md, *p);
			}
			sb_puts(&r->md, " |\n");
		}
		sb_putc(&r->md, '\n');
	}
	return r;
}

struct wb_sink *
nb_report_sink(struct nb_report *r, struct session *s)
{
	r->s = s;
	return &r->tee;
}

bool
nb_report_in_sink(const struct nb_report *r)
{
	return r->in_sink;
}

void
nb_report_text(struct nb_report *r, const char *s, size_t n)
{
	sb_add(&r->pending, s, n);
}

/* lines [a, b) of text without the blank lines at either end */
static void
trimmed_block(const char *text, struct strbuf *out)
{
	const char *s = text, *e = text + strlen(text);
	for (;;) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		if (nl == NULL || !nb_line_is_blank(s, (int)(nl - s)))
			break;
		s = nl + 1;
	}
	while (e > s) {
		const char *ls = e;
		if (ls > s && ls[-1] == '\n')
			ls--;
		while (ls > s && ls[-1] != '\n')
			ls--;
		const char *le = e > s && e[-1] == '\n' ? e - 1 : e;
		if (!nb_line_is_blank(ls, (int)(le - ls)))
			break;
		e = ls;
	}
	sb_add(out, s, (size_t)(e - s));
	if (e > s && e[-1] != '\n')
		sb_putc(out, '\n');
}

void
nb_report_cell_begin(struct nb_report *r, const struct notebook *nb, int cell, const char *code)
{
	const struct nb_cell *c = &nb->cells[cell];
	flush_pending(r);
	if (c->kind == NB_MD || c->kind == NB_CHART) {
		struct strbuf t = STRBUF_INIT;
		/* not a chart's expected block: the chart itself follows */
		for (int ln = c->first; ln < c->code_end; ln++) {
			const struct nb_line *l = &nb->lines[ln - 1];
			const char *x;
			int xl;
			nb_comment_text(l->p, l->len, &x, &xl);
			sb_add(&t, x, (size_t)xl);
			sb_putc(&t, '\n');
		}
		if (c->kind == NB_CHART) {
			/* the spec (parameters substituted, as the cell ran it); the
			 * chart follows in a fence of its own, as the cell's output */
			struct strbuf spec = STRBUF_INIT, sub = STRBUF_INIT;
			sb_printf(&spec, "%%%% chart%s%s\n", c->opts[0] ? " " : "", c->opts);
			trimmed_block(sb_str(&t), &spec);
			if (r->vars)
				nb_vars_substitute(r->vars, sb_str(&spec), spec.len, &sub);
			else
				sb_add(&sub, sb_str(&spec), spec.len);
			sb_puts(&r->md, "```text\n");
			sb_add(&r->md, sb_str(&sub), sub.len);
			sb_puts(&r->md, "```\n\n");
			sb_free(&spec);
			sb_free(&sub);
		} else {
			size_t before = r->md.len;
			trimmed_block(sb_str(&t), &r->md);
			if (r->md.len > before)
				sb_putc(&r->md, '\n');
		}
		sb_free(&t);
		return;
	}
	struct strbuf t = STRBUF_INIT;
	trimmed_block(code ? code : "", &t);
	if (t.len > 0) {
		int run = 0, longest = 0;
		for (size_t i = 0; i < t.len; i++) {
			run = t.s[i] == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		int fl = longest >= 3 ? longest + 1 : 3;
		sb_repeat(&r->md, "`", fl);
		sb_puts(&r->md, "sql\n");
		sb_add(&r->md, t.s, t.len);
		sb_repeat(&r->md, "`", fl);
		sb_puts(&r->md, "\n\n");
	}
	sb_free(&t);
}

void
nb_report_cell_end(struct nb_report *r)
{
	flush_pending(r);
}

void
nb_report_stopped(struct nb_report *r, const char *what)
{
	flush_pending(r);
	sb_printf(&r->md, "**Stopped:** %s\n", what);
}

int
nb_report_write(struct nb_report *r, const char *path, struct wb_error *err)
{
	flush_pending(r);
	return nb_write_atomic(path, r->md.s ? r->md.s : "", r->md.len, err);
}

void
nb_report_free(struct nb_report *r)
{
	if (r == NULL)
		return;
	render_sink_free(r->mdsink);
	fclose(r->mdf);
	free(r->mdbuf);
	sb_free(&r->md);
	sb_free(&r->pending);
	free(r);
}

/*
 * dash_run: running a dashboard's cells (ui/dash.h).
 *
 * Each SQL cell runs through session_run() - with the file's name and the
 * cell's first line, so errors know their line - while an override sink
 * keeps the cell's last result (its first DASH_MAX_ROWS rows, as .chart
 * keeps the REPL's) and its last message, and the session's text streams
 * go to a scratch stream: a dashboard shows its results in tiles, never
 * on the terminal. A failing statement ends its cell (bail), never the
 * run: the next cells run, and tiles show what failed.
 */
#include "ui/dash.h"

#include "cli/session.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the cell's results: each into a bounded rowset (rs), the last complete
 * one kept, and the last message */
struct keep {
	struct rowset_sink rs;
	struct rowset *last;
	int64_t last_rows;
	char *message;
};

static int
keep_end(struct wb_sink *sk, struct wb_error *err)
{
	struct keep *k = (struct keep *)sk;
	rowset_free(k->last);
	k->last = k->rs.rs;
	k->last_rows = k->rs.rows;
	k->rs.rs = NULL;
	return 0;
}

static void
keep_message(struct wb_sink *sk, const char *text)
{
	struct keep *k = (struct keep *)sk;
	free(k->message);
	k->message = xstrdup(text);
}

static void
cell_clear(struct dash_cell *c)
{
	rowset_free(c->rs);
	if (c->spec) {
		chart_spec_free(c->spec);
		free(c->spec);
	}
	free(c->error);
	free(c->hint);
	free(c->message);
	memset(c, 0, sizeof *c);
}

static void
cell_fail(struct dash_cell *c, const char *msg, const char *hint, int line)
{
	c->failed = true;
	free(c->error);
	free(c->hint);
	c->error = xstrdup(msg ? msg : "failed");
	c->hint = hint ? xstrdup(hint) : NULL;
	c->line = line;
}

static void
run_sql(const struct dashboard *d, struct session *s, const struct nb_vars *vars, int i, struct dash_cell *out)
{
	const struct nb_cell *c = &d->nb->cells[i];
	struct keep k = {.last = NULL};
	rowset_sink_init(&k.rs);
	k.rs.max = DASH_MAX_ROWS;
	k.rs.base.end = keep_end;
	k.rs.base.message = keep_message;
	struct wb_sink *saved_override = s->override_sink, *saved_show = s->show_sink;
	FILE *saved_out = s->out, *saved_err = s->errout;
	char *scratch = NULL;
	size_t scratch_len = 0;
	FILE *f = open_memstream(&scratch, &scratch_len);
	if (f != NULL) {
		s->out = f;
		s->errout = f;
	}
	s->override_sink = &k.rs.base;
	s->show_sink = &k.rs.base;
	s->bail = true;
	int errors = s->errors;
	char *code = nb_cell_code(d->nb, vars, c);
	int rc = session_run(s, code, d->nb->path, c->first);
	free(code);
	s->override_sink = saved_override;
	s->show_sink = saved_show;
	s->out = saved_out;
	s->errout = saved_err;
	if (f != NULL)
		fclose(f);
	free(scratch);
	out->ran = true;
	if (rc < 0 || s->errors > errors) {
		cell_fail(out, s->last_error.msg, s->last_error.hint, s->last_error_line);
		rowset_free(k.last);
	} else {
		out->rs = k.last;
		out->rows = k.last_rows;
	}
	rowset_free(k.rs.rs);
	out->message = k.message;
}

static void
run_chart(const struct dashboard *d, const struct nb_vars *vars, int i, struct dash_cell *out)
{
	const struct nb_cell *c = &d->nb->cells[i];
	struct chart_spec *sp = xcalloc(1, sizeof *sp);
	chart_spec_init(sp);
	struct wb_error err = WB_ERROR_INIT;
	int line, col;
	out->ran = true;
	if (nb_chart_spec(d->nb, vars, c, sp, &err, &line, &col) < 0) {
		cell_fail(out, err.msg, err.hint, line);
		chart_spec_free(sp);
		free(sp);
	} else {
		out->spec = sp;
	}
	err_clear(&err);
}

struct dash_results *
dash_run(const struct dashboard *d, struct session *s, const struct nb_vars *vars, bool all,
    const volatile sig_atomic_t *cancel)
{
	const struct notebook *nb = d->nb;
	struct dash_results *r = xcalloc(1, sizeof *r);
	r->ncells = nb->ncells;
	r->cells = xcalloc((size_t)nb->ncells + 1, sizeof *r->cells);
	int64_t t0 = dt_now_ms();
	bool saved_bail = s->bail;
	struct wb_error err = WB_ERROR_INIT;
	if (vars != NULL && nb_vars_bind(vars, s, &err) < 0) {
		/* every cell that would have run says why it did not */
		for (int i = 0; i < nb->ncells; i++)
			if (all || d->rerun[i])
				cell_fail(&r->cells[i], err.msg, err.hint, 0);
		err_clear(&err);
	}
	for (int i = 0; i < nb->ncells; i++) {
		struct dash_cell *out = &r->cells[i];
		if (out->failed)
			continue;
		if (!all && !d->rerun[i])
			continue;
		if (cancel != NULL && *cancel) {
			/* the front end keeps what it showed before */
			r->cancelled = true;
			break;
		}
		int64_t c0 = dt_now_ms();
		switch (nb->cells[i].kind) {
		case NB_SQL:
			run_sql(d, s, vars, i, out);
			break;
		case NB_CHART:
			run_chart(d, vars, i, out);
			break;
		case NB_MD:
			out->ran = true;
			break;
		}
		out->ms = dt_now_ms() - c0;
	}
	for (int i = 0; i < nb->ncells; i++)
		r->failed += r->cells[i].failed;
	s->bail = saved_bail;
	r->at_ms = dt_now_ms();
	r->took_ms = r->at_ms - t0;
	return r;
}

void
dash_results_free(struct dash_results *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < r->ncells; i++)
		cell_clear(&r->cells[i]);
	free(r->cells);
	free(r);
}

int
dash_tile_failed(const struct dashboard *d, const struct dash_results *r, int tile)
{
	const struct dash_tile *t = &d->tiles[tile];
	if (r == NULL)
		return -1;
	if (r->cells[t->cell].failed)
		return t->cell;
	if (t->kind == DASH_CHART && t->src >= 0 && r->cells[t->src].failed)
		return t->src;
	return -1;
}

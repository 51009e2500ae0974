/*
 * notebook_run: running a notebook's cells, and `wb run`.
 *
 * Each SQL cell's code (its lines up to its expected block, ${NAME}
 * substituted) goes to session_run() with the file's name and the cell's
 * first line, so errors read file:line:col in the notebook. Each cell
 * starts with the session's bail on: a failing statement ends its cell,
 * and a failing cell ends the run, unless the cell said `.bail off` (its
 * statements then all run, and the run goes on). Markdown cells do not
 * run; a chart cell draws the last result of the SQL cell before it, from
 * its spec lines (not its expected block), under the bail that cell left.
 * A run that captures (tests, --update) draws charts at a fixed size, in
 * UTF-8 unless the spec says ascii and without colour, so that their
 * expected blocks hold on any terminal and in any locale.
 *
 * Output: by default cells write straight to stdout and stderr. A run that
 * captures (tests, --update) or reports (--output) replaces the session's
 * out and errout by unbuffered streams that copy each write to the cell's
 * capture, the report, and (unless testing) the real stream - one stream
 * for both, so that errors land between results in the order they came.
 */
#include "cli/notebook.h"
#include "cli/session.h"
#include "cli/stmt_chart.h"

#include "core/pool.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* a cell's output beyond this is not kept (a test of 64 MiB of output
 * would not be read by anyone) */
#define NB_CAPTURE_MAX ((size_t)64 << 20)

struct nb_capture;

struct nb_stream {
	struct nb_capture *cap;
	FILE *pass;      /* the real stream, or NULL */
	bool is_err;
};

struct nb_capture {
	struct strbuf cell;
	bool capture, truncated;
	struct nb_report *report;
	struct nb_stream out, err;
};

static ssize_t
stream_write(void *cookie, const char *buf, size_t n)
{
	struct nb_stream *st = cookie;
	struct nb_capture *c = st->cap;
	if (st->pass) {
		if (st->is_err)
			fflush(stdout);   /* an error comes after the results before it */
		fwrite(buf, 1, n, st->pass);
		if (st->is_err)
			fflush(st->pass);
	}
	if (c->capture) {
		if (c->cell.len + n <= NB_CAPTURE_MAX)
			sb_add(&c->cell, buf, n);
		else
			c->truncated = true;
	}
	if (c->report && !nb_report_in_sink(c->report))
		nb_report_text(c->report, buf, n);
	return (ssize_t)n;
}

static FILE *
stream_open(struct nb_stream *st)
{
	cookie_io_functions_t fns = {.read = NULL, .write = stream_write, .seek = NULL, .close = NULL};
	FILE *f = fopencookie(st, "w", fns);
	if (f != NULL)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}

/* A copy of line n of the notebook with what is not the chart spec
 * blanked out (the comment's "--", the marker's "%% chart" and its
 * name=), so that positions in it are positions in the line. */
static char *
spec_line(const struct notebook *nb, int n, bool marker)
{
	const struct nb_line *l = &nb->lines[n - 1];
	char *t = xstrndup(l->p, (size_t)l->len);
	const char *body;
	int blen;
	nb_comment_text(l->p, l->len, &body, &blen);
	memset(t, ' ', (size_t)(body - l->p));
	if (!marker)
		return t;
	/* "%% chart": the first two words after the comment's "--" */
	char *p = t + (body - l->p);
	for (int w = 0; w < 2 && *p; w++) {
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p && *p != ' ' && *p != '\t')
			*p++ = ' ';
	}
	for (char *q = p; *q;) {
		while (*q == ' ' || *q == '\t')
			q++;
		char *e = q;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (e - q > 5 && strncmp(q, "name=", 5) == 0)
			memset(q, ' ', (size_t)(e - q));
		q = e;
	}
	return t;
}

int
nb_chart_spec(const struct notebook *nb, const struct nb_vars *vars, const struct nb_cell *c, struct chart_spec *sp,
    struct wb_error *err, int *line, int *col)
{
	int rc = 0;
	for (int n = c->marker ? c->marker : c->first; rc == 0 && n < c->code_end; n++) {
		bool marker = n == c->marker;
		char *t = spec_line(nb, n, marker);
		if (vars && strstr(t, "${")) {
			struct strbuf b = STRBUF_INIT;
			nb_vars_substitute(vars, t, strlen(t), &b);
			free(t);
			t = sb_detach(&b);
			t = t ? t : xstrdup("");
		}
		int base = (int)nb->lines[n - 1].off;
		rc = marker ? chart_spec_parse(sp, t, base, err) : chart_spec_parse_line(sp, t, base, err);
		free(t);
	}
	if (rc < 0 && line != NULL)
		nb_error_line(nb, c, err->pos, line, col);
	return rc;
}

void
nb_error_line(const struct notebook *nb, const struct nb_cell *c, int pos, int *line, int *col)
{
	/* the line the error is about, else the marker's */
	*line = c->marker ? c->marker : c->first;
	*col = -1;
	for (int n = *line; pos >= 0 && n < c->code_end; n++) {
		const struct nb_line *l = &nb->lines[n - 1];
		if ((size_t)pos >= l->off && (size_t)pos <= l->off + (size_t)l->len) {
			*line = n;
			*col = pos - (int)l->off;
		}
	}
}

/* A chart cell: its spec drawn on the last result of the SQL cell before
 * it (under tests at a fixed size: stmt_chart_show_fixed). An error is
 * reported at the line and column it is about. */
static int
chart_cell(struct nb_run *r, const struct nb_cell *c, const char *shown)
{
	struct session *s = r->s;
	struct chart_spec sp;
	chart_spec_init(&sp);
	struct wb_error err = WB_ERROR_INIT;
	int rc = nb_chart_spec(r->nb, r->vars, c, &sp, &err, NULL, NULL);
	if (rc == 0 && s->last == NULL) {
		char b[64];
		err_set(&err, -1, "%s: nothing to chart: the SQL cell before it showed no result", nb_cell_label(c, b, sizeof b));
		err_hint(&err, "a chart cell draws the last result of the SQL cell above it: end that cell with a query "
		    "(with --from or --only, start at that SQL cell)");
		rc = -1;
	}
	if (rc == 0)
		rc = r->capture ? stmt_chart_show_fixed(s, &sp, s->last, s->last_rows, &err)
				: stmt_chart_show(s, &sp, s->last, s->last_rows, &err);
	chart_spec_free(&sp);
	if (rc < 0) {
		int line, pos;
		nb_error_line(r->nb, c, err.pos, &line, &pos);
		const struct nb_line *l = &r->nb->lines[line - 1];
		const char *saved_name = s->source_name;
		int saved_line = s->source_line;
		s->source_name = shown;
		s->source_line = line;
		err.pos = pos;
		session_report(s, l->p, l->len, &err);
		s->source_name = saved_name;
		s->source_line = saved_line;
		s->errors++;
	}
	err_clear(&err);
	return rc;
}

char *
nb_cell_code(const struct notebook *nb, const struct nb_vars *vars, const struct nb_cell *c)
{
	struct strbuf raw = STRBUF_INIT, out = STRBUF_INIT;
	nb_lines_text(nb, c->first, c->code_end, &raw);
	if (vars)
		nb_vars_substitute(vars, raw.s ? raw.s : "", raw.len, &out);
	else
		sb_add(&out, raw.s ? raw.s : "", raw.len);
	sb_free(&raw);
	char *s = sb_detach(&out);
	return s ? s : xstrdup("");
}

int
nb_run_cells(struct nb_run *r)
{
	struct session *s = r->s;
	struct notebook *nb = r->nb;
	struct nb_capture cap = {.capture = r->capture, .report = r->report};
	cap.out = (struct nb_stream){&cap, r->pass ? stdout : NULL, false};
	cap.err = (struct nb_stream){&cap, r->pass ? stderr : NULL, true};
	FILE *saved_out = s->out, *saved_err = s->errout;
	struct wb_sink *saved_override = s->override_sink, *saved_show = s->show_sink;
	FILE *fo = NULL, *fe = NULL;
	if (r->capture || r->report) {
		fo = stream_open(&cap.out);
		fe = stream_open(&cap.err);
		if (fo == NULL || fe == NULL) {
			fprintf(stderr, "wb: cannot capture a notebook's output: %s\n", strerror(errno));
			if (fo)
				fclose(fo);
			if (fe)
				fclose(fe);
			return -1;
		}
		s->out = fo;
		s->errout = fe;
		session_reset_sink(s);
	}
	if (r->report) {
		s->override_sink = nb_report_sink(r->report, s);
		s->show_sink = s->override_sink;
	}
	const char *shown = r->shown_path ? r->shown_path : nb->path;
	free(r->outs);
	r->outs = xcalloc((size_t)nb->ncells + 1, sizeof *r->outs);
	r->stopped = -1;
	r->failed = 0;
	for (int i = r->from; i <= r->to && i < nb->ncells && !s->quit; i++) {
		const struct nb_cell *c = &nb->cells[i];
		struct nb_cell_out *o = &r->outs[i];
		sb_clear(&cap.cell);
		cap.truncated = false;
		char *code = c->kind == NB_SQL ? nb_cell_code(nb, r->vars, c) : NULL;
		if (r->report)
			nb_report_cell_begin(r->report, nb, i, code);
		if (c->kind == NB_CHART) {
			int rc = chart_cell(r, c, shown);
			fflush(session_output(s));
			o->ran = true;
			o->failed = rc < 0;
		} else if (c->kind == NB_SQL) {
			/* each cell starts with bail on: `.bail off` in a cell lets
			 * that cell's errors pass (an expected error, in a test) */
			s->bail = true;
			/* a chart cell after this one draws this cell's last result */
			rowset_free(s->last);
			s->last = NULL;
			s->last_rows = 0;
			int rc = session_run(s, code, shown, c->first);
			fflush(session_output(s));
			o->ran = true;
			o->failed = rc < 0;
		}
		if (r->capture) {
			if (cap.truncated)
				sb_printf(&cap.cell, "(output cut at %zu MiB)\n", NB_CAPTURE_MAX >> 20);
			o->text = xstrdup(sb_str(&cap.cell));
		}
		if (r->report)
			nb_report_cell_end(r->report);
		free(code);
		if (o->failed) {
			r->failed++;
			if (s->bail) {
				r->stopped = i;
				break;
			}
		}
	}
	s->override_sink = saved_override;
	s->show_sink = saved_show;
	if (fo != NULL) {
		s->out = saved_out;
		s->errout = saved_err;
		session_reset_sink(s);
		fclose(fo);
		fclose(fe);
	}
	sb_free(&cap.cell);
	return r->failed ? -1 : 0;
}

void
nb_run_free(struct nb_run *r)
{
	if (r->outs)
		for (int i = 0; i < r->nb->ncells; i++)
			free(r->outs[i].text);
	free(r->outs);
	r->outs = NULL;
}

/* ------------------------------------------------------------ sessions */

struct session *
nb_session_new(const char *warehouse, char *tmp_wh, size_t tmp_len)
{
	struct session *s = session_new();
	if (warehouse == NULL && tmp_wh != NULL) {
		/* tests and --update: a fresh warehouse of their own, so that the
		 * output does not depend on tables left by earlier runs */
		snprintf(tmp_wh, tmp_len, "%s/wb-nb-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(tmp_wh) == NULL) {
			fprintf(stderr, "wb: cannot make a temporary warehouse %s: %s\n", tmp_wh, strerror(errno));
			tmp_wh[0] = '\0';
		} else {
			catalog_set_warehouse(s->catalog, tmp_wh);
		}
	} else {
		if (tmp_wh != NULL)
			tmp_wh[0] = '\0';
		char *root = lake_warehouse_root(warehouse);
		catalog_set_warehouse(s->catalog, root);
		free(root);
	}
	s->bail = true;
	return s;
}

void
nb_session_free(struct session *s, const char *tmp_wh)
{
	session_free(s);
	if (tmp_wh != NULL && tmp_wh[0] != '\0') {
		struct wb_error e = WB_ERROR_INIT;
		if (lake_remove_tree(tmp_wh, &e) < 0)
			fprintf(stderr, "wb: cannot remove the temporary warehouse %s: %s\n", tmp_wh, e.msg);
		err_clear(&e);
	}
}

/* ------------------------------------------------------------ wb run */

static const char run_usage[] =
    "usage: wb run NOTEBOOK.wb [-p NAME=VALUE ...] [--from CELL | --only CELL]\n"
    "              [--output REPORT.md] [--update] [--warehouse DIR] [--threads N]\n"
    "              [-m MODE | --csv | --json | --markdown] [--echo]\n"
    "\n"
    "Runs a notebook's cells in order and stops at the first failing cell.\n"
    "  -p NAME=VALUE      a parameter's value (declared with -- param NAME TYPE)\n"
    "  --from CELL        start at a cell: its number or its name\n"
    "  --only CELL        run that cell only\n"
    "  -o, --output FILE  also write a markdown report of the run\n"
    "  --update           rewrite the expected-output blocks (-- > lines) from\n"
    "                     this run, in a fresh temporary warehouse unless --warehouse\n"
    "See wb-notebook(5).\n";

static void
stop_message(const struct nb_run *r, const char *path)
{
	const struct nb_cell *c = &r->nb->cells[r->stopped];
	char b[64];
	int line = c->marker ? c->marker : c->first;
	fprintf(stderr, "wb run: %s:%d: %s failed; the run stopped there.", path, line, nb_cell_label(c, b, sizeof b));
	int a = r->nb->cells[r->from].number, z = r->nb->cells[r->to].number;
	if (r->stopped > r->from) {
		if (a == c->number - 1)
			fprintf(stderr, " Cell %d ran and what it wrote is committed.", a);
		else
			fprintf(stderr, " Cells %d-%d ran and what they wrote is committed.", a, c->number - 1);
	}
	if (r->stopped < r->to) {
		if (z == c->number + 1)
			fprintf(stderr, " Cell %d did not run.", z);
		else
			fprintf(stderr, " Cells %d-%d did not run.", c->number + 1, z);
	}
	fprintf(stderr, "\nHINT: fix the cell, then go on from it: wb run %s --from %s\n", path,
	    c->name ? c->name : (snprintf(b, sizeof b, "%d", c->number), b));
}

int
nb_run_main(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_ONLY, OPT_UPDATE, OPT_WAREHOUSE, OPT_THREADS, OPT_CSV, OPT_JSON, OPT_MD, OPT_ECHO };
	static const struct option longopts[] = {
		{"from", required_argument, NULL, OPT_FROM},
		{"only", required_argument, NULL, OPT_ONLY},
		{"output", required_argument, NULL, 'o'},
		{"update", no_argument, NULL, OPT_UPDATE},
		{"warehouse", required_argument, NULL, OPT_WAREHOUSE},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"mode", required_argument, NULL, 'm'},
		{"csv", no_argument, NULL, OPT_CSV},
		{"json", no_argument, NULL, OPT_JSON},
		{"markdown", no_argument, NULL, OPT_MD},
		{"echo", no_argument, NULL, OPT_ECHO},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char **assigns = xcalloc((size_t)argc + 1, sizeof *assigns);
	int nassigns = 0;
	const char *from = NULL, *only = NULL, *report_path = NULL, *warehouse = NULL, *mode = NULL;
	bool update = false, echo = false;
	int threads = 0, opt, rc = 2;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:o:m:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': assigns[nassigns++] = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_ONLY: only = optarg; break;
		case 'o': report_path = optarg; break;
		case OPT_UPDATE: update = true; break;
		case OPT_WAREHOUSE: warehouse = optarg; break;
		case 'm': mode = optarg; break;
		case OPT_CSV: mode = "csv"; break;
		case OPT_JSON: mode = "json"; break;
		case OPT_MD: mode = "markdown"; break;
		case OPT_ECHO: echo = true; break;
		case OPT_THREADS:
			threads = atoi(optarg);
			if (threads < 1) {
				fprintf(stderr, "wb run: --threads needs a positive number, got '%s'\n", optarg);
				free(assigns);
				return 2;
			}
			break;
		case 'h':
			fputs(run_usage, stdout);
			free(assigns);
			return 0;
		default:
			fputs(run_usage, stderr);
			free(assigns);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "wb run: %s\n", optind >= argc ? "which notebook? give one .wb file" : "give one notebook");
		fputs(run_usage, stderr);
		free(assigns);
		return 2;
	}
	if (from && only) {
		fprintf(stderr, "wb run: --from and --only go one at a time\n");
		free(assigns);
		return 2;
	}
	enum render_mode m = RENDER_BOX;
	if (mode && !render_mode_from_name(mode, &m)) {
		fprintf(stderr, "wb run: unknown mode '%s' (box, csv, tsv, json, jsonl, markdown, line, trash)\n", mode);
		free(assigns);
		return 2;
	}
	const char *path = argv[optind];
	struct wb_error err = WB_ERROR_INIT;
	struct nb_vars vars = {0};
	struct notebook *nb = nb_load(path, &err);
	struct nb_report *report = NULL;
	struct session *s = NULL;
	char tmp_wh[4096] = "";
	struct nb_run r = {0};
	if (nb == NULL || nb_vars_resolve(nb, assigns, nassigns, &vars, &err) < 0)
		goto fail;
	r.nb = nb;
	r.vars = &vars;
	r.from = 0;
	r.to = nb->ncells - 1;
	if (from || only) {
		int k = nb_find_cell(nb, from ? from : only, &err);
		if (k < 0)
			goto fail;
		r.from = k;
		if (only)
			r.to = k;
	}
	if (threads > 0)
		pool_init(threads);
	s = nb_session_new(warehouse, update ? tmp_wh : NULL, sizeof tmp_wh);
	s->echo = echo;
	s->render.mode = m;
	if (!update && isatty(STDOUT_FILENO)) {
		/* output goes through a capturing stream when reporting: draw
		 * tables for the terminal it ends up on */
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			s->render.max_width = ws.ws_col;
	}
	session_reset_sink(s);
	if (nb_vars_bind(&vars, s, &err) < 0)
		goto fail;
	if (report_path)
		report = nb_report_new(nb, &vars);
	r.s = s;
	r.report = report;
	if (update) {
		r.capture = true;
		r.shown_path = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		rc = nb_update(&r, tmp_wh);
	} else {
		r.pass = true;
		nb_run_cells(&r);
		rc = r.failed ? 1 : 0;
		if (r.stopped >= 0)
			stop_message(&r, path);
		else if (r.failed)
			fprintf(stderr, "wb run: %s: %d cell%s failed\n", path, r.failed, r.failed == 1 ? "" : "s");
	}
	if (report) {
		if (r.stopped >= 0) {
			char b[64];
			const struct nb_cell *c = &nb->cells[r.stopped];
			char *what = xasprintf("%s failed (line %d); the cells after it did not run.", nb_cell_label(c, b, sizeof b),
			    c->marker ? c->marker : c->first);
			nb_report_stopped(report, what);
			free(what);
		}
		if (nb_report_write(report, report_path, &err) < 0)
			goto fail;
	}
	goto done;
fail:
	fprintf(stderr, "wb run: %s\n", err.msg ? err.msg : "failed");
	if (err.hint)
		fprintf(stderr, "HINT: %s\n", err.hint);
	if (rc == 0)
		rc = 1;
done:
	err_clear(&err);
	if (nb)
		nb_run_free(&r);
	nb_report_free(report);
	if (s)
		nb_session_free(s, tmp_wh);
	nb_vars_free(&vars);
	nb_free(nb);
	free(assigns);
	pool_shutdown();
	fflush(stdout);
	return rc;
}

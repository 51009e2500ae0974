/*
 * stmt_chart: the CHART statement, `.chart`, and showing a chart where
 * the session's results go (see stmt_chart.h).
 *
 * CHART's spec is the text between the word CHART and its FROM, read by
 * the one spec grammar (ui/chart.h), with positions kept so that an error
 * points into the statement. The source is read as SELECT * FROM source
 * [WHERE cond], at most CHART_MAX_ROWS rows (the rest counted and said).
 */
#include "cli/stmt_chart.h"
#include "cli/stmt_int.h"

#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CHART_MAX_ROWS 1000000

/* ------------------------------------------------------------ showing */

/* Is the session's result going to a person (text) or a program (a table)? */
static bool
for_person(const struct session *s)
{
	bool own = s->override_sink == NULL || s->override_sink == s->show_sink;
	enum render_mode m = s->render.mode;
	return own && (m == RENDER_BOX || m == RENDER_MARKDOWN || m == RENDER_LINE);
}

/* fixed: 80 x 20, no colour, UTF-8 unless the spec says ascii, whatever
 * the output and the locale (notebook tests) */
static int
show(struct session *s, const struct chart_spec *sp, const struct rowset *rs, int64_t total_rows, bool fixed,
    struct wb_error *err)
{
	bool person = for_person(s);
	FILE *out = session_output(s);
	int fd = person && !fixed ? fileno(out) : -1;
	bool tty = fd >= 0 && isatty(fd);
	int dw = 80, dh = 20;
	if (tty) {
		/* the terminal's size, less two rows for the prompt and a note */
		struct winsize ws;
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
			dw = ws.ws_col;
			dh = ws.ws_row > 12 ? ws.ws_row - 2 : 10;
		}
	}
	const char *nc = getenv("NO_COLOR");
	struct chart_opts o = {.ascii = !fixed && !chart_locale_utf8(), .color = tty && (nc == NULL || nc[0] == '\0')};
	chart_size(sp, dw, dh, &o.width, &o.height);
	struct strbuf notes = STRBUF_INIT;
	if (rs != NULL && total_rows > rs->nrows) {
		char a[32], b[32];
		render_group_digits(rs->nrows, a);
		render_group_digits(total_rows, b);
		sb_printf(&notes, "the first %s of %s rows are charted; aggregate in SQL first to chart them all\n", a, b);
	}
	struct canvas *cv = chart_render(sp, rs, &o, &notes, err);
	if (cv == NULL) {
		sb_free(&notes);
		return -1;
	}
	struct strbuf text = STRBUF_INIT;
	canvas_write(cv, &text, o.color);
	canvas_free(cv);
	/* blank rows at the bottom (a short bar chart in a tall terminal) */
	while (text.len >= 2 && text.s[text.len - 1] == '\n' && text.s[text.len - 2] == '\n')
		text.s[--text.len] = '\0';
	int rc = 0;
	if (person) {
		fputs(sb_str(&text), out);
		fputs(sb_str(&notes), out);
		fflush(out);
	} else {
		/* a table of lines; the result charted stays the last one */
		static const char *const names[] = {"chart"};
		static const wb_type types[] = {WB_TYPE_VARCHAR};
		struct rowset_builder rb;
		rsb_init(&rb, 1, names, types);
		for (const char *p = sb_str(&text); *p;) {
			const char *e = strchr(p, '\n');
			char *line = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
			rsb_str(&rb, 0, line);
			rsb_end_row(&rb);
			free(line);
			p = e ? e + 1 : p + strlen(p);
		}
		struct rowset *keep = s->last;
		int64_t keep_rows = s->last_rows;
		s->last = NULL;
		struct rowset *lines = rsb_finish(&rb);
		rc = session_emit(s, lines, err);
		rowset_free(lines);
		rowset_free(s->last);
		s->last = keep;
		s->last_rows = keep_rows;
		for (const char *p = sb_str(&notes); *p && rc == 0;) {
			const char *e = strchr(p, '\n');
			char *line = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
			session_message(s, "%s", line);
			free(line);
			p = e ? e + 1 : p + strlen(p);
		}
	}
	sb_free(&text);
	sb_free(&notes);
	return rc;
}

int
stmt_chart_show(struct session *s, const struct chart_spec *sp, const struct rowset *rs, int64_t total_rows,
    struct wb_error *err)
{
	return show(s, sp, rs, total_rows, false, err);
}

int
stmt_chart_show_fixed(struct session *s, const struct chart_spec *sp, const struct rowset *rs, int64_t total_rows,
    struct wb_error *err)
{
	return show(s, sp, rs, total_rows, true, err);
}

/* ------------------------------------------------------------ .chart */

/* .chart [KIND] [MODIFIER ...] [KEY=VALUE ...] */
int
stmt_chart_command(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (argc == 2 && (strcasecmp(argv[1], "help") == 0 || strcmp(argv[1], "?") == 0)) {
		struct strbuf b = STRBUF_INIT;
		chart_spec_help(&b);
		fputs(sb_str(&b), session_output(s));
		sb_free(&b);
		return 0;
	}
	/* the words again, as one spec (quoted values were split at spaces) */
	struct strbuf text = STRBUF_INIT;
	for (int i = 1; i < argc; i++)
		sb_printf(&text, "%s%s", i > 1 ? " " : "", argv[i]);
	struct chart_spec sp;
	chart_spec_init(&sp);
	int rc = chart_spec_parse(&sp, sb_str(&text), 0, err);
	sb_free(&text);
	if (rc == 0 && s->last == NULL) {
		err_set(err, -1, ".chart: there is no result to chart yet");
		err_hint(err, "run a query first, e.g. SELECT brand, sum(price) AS revenue FROM events GROUP BY brand; "
		    "or CHART ... FROM source");
		rc = -1;
	}
	if (rc == 0)
		rc = stmt_chart_show(s, &sp, s->last, s->last_rows, err);
	chart_spec_free(&sp);
	return rc;
}

/* ------------------------------------------------------------ CHART */

struct chart_stmt {
	const char *spec;     /* the text between CHART and FROM */
	int spec_pos;
	struct ast *source;
	struct ast *where;
	int pos;
};

/* CHART [KIND] [MODIFIER ...] [KEY=VALUE ...] FROM source [WHERE cond] */
static int
parse_chart(struct parser *p, void **data)
{
	struct chart_stmt *c = arena_zalloc(p->arena, sizeof *c);
	*data = c;
	const struct token *t = parser_peek(p, 0);
	c->pos = t->pos;
	int start = t->pos, depth = 0;
	for (;;) {
		t = parser_peek(p, 0);
		bool op = t->type == TOK_OP;
		if (t->type == TOK_EOF || (op && t->len == 1 && t->text[0] == ';') || (op && depth == 0 && t->text[0] == ')')) {
			err_set(p->err, t->pos, "CHART needs FROM and the rows to chart");
			err_hint(p->err, "CHART bar x=brand y=revenue FROM gold.brand_revenue (or FROM (SELECT ...)); "
			    ".chart draws the last result");
			return -1;
		}
		if (depth == 0 && t->type == TOK_IDENT && t->len == 4 && strncasecmp(t->text, "FROM", 4) == 0)
			break;
		if (op && t->text[0] == '(')
			depth++;
		if (op && t->text[0] == ')')
			depth--;
		p->cur++;
	}
	c->spec = arena_strndup(p->arena, p->src + start, (size_t)(t->pos - start));
	c->spec_pos = start;
	/* the spec is checked now, so that its mistakes are found before
	 * the source is read */
	struct chart_spec sp;
	chart_spec_init(&sp);
	int rc = chart_spec_parse(&sp, c->spec, start, p->err);
	chart_spec_free(&sp);
	if (rc < 0)
		return -1;
	parser_accept_word(p, "FROM");
	c->source = parser_table_ref(p);
	if (c->source == NULL)
		return -1;
	if (parser_accept_word(p, "WHERE")) {
		c->where = parser_expr(p);
		if (c->where == NULL)
			return -1;
	}
	if (!parser_at_end(p))
		return parser_syntax_error(p, "WHERE or the end of the statement");
	return 0;
}

static int
exec_chart(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct chart_stmt *c = data;
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, c->pos), NULL));
	struct ast *q = ast_new(a, AST_QUERY, c->pos);
	q->u.query.body = ast_mk_select(a, c->source, &items, c->where);
	struct binder b;
	struct pnode *p = stmt_plan_query(s, &b, a, q, err);
	if (p == NULL) {
		stmt_finish(s, &b, NULL);
		return -1;
	}
	struct rowset_sink bs;
	rowset_sink_init(&bs);
	bs.max = CHART_MAX_ROWS;
	struct exec_ctx ctx;
	stmt_ctx_setup(s, &ctx);
	int rc = exec_run(p, &ctx, &bs.base);
	if (rc < 0)
		err_move(err, &ctx.err);
	exec_ctx_fini(&ctx);
	stmt_finish(s, &b, p);
	if (rc == 0) {
		struct chart_spec sp;
		chart_spec_init(&sp);
		rc = chart_spec_parse(&sp, c->spec, c->spec_pos, err);
		if (rc == 0)
			rc = stmt_chart_show(s, &sp, bs.rs, bs.rows, err);
		chart_spec_free(&sp);
	}
	rowset_free(bs.rs);
	return rc;
}

static const struct stmt_ext chart_ext = {
	.word = "CHART",
	.parse = parse_chart,
	.exec = (void *)exec_chart,
	.usage = "CHART [KIND] [MODIFIER ...] [KEY=VALUE ...] FROM source [WHERE cond]",
	.summary = "draw the rows of source as a text chart (man wb-chart)",
};

void
stmt_register_chart(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	parse_register_ext(&chart_ext);
}

/* The dot-command table and its dispatcher. One handler per command,
 * each preceded by its syntax (as Redis documents its commands). */
#include "cli/cmd.h"
#include "cli/stmt_chart.h"
#include "gen/gen.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "sql/parser.h"
#include "ui/dash.h"
#include "ui/tui.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

static int
on_off(const char *arg, bool *out, struct wb_error *err)
{
	if (strcasecmp(arg, "on") == 0 || strcasecmp(arg, "true") == 0 || strcmp(arg, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(arg, "off") == 0 || strcasecmp(arg, "false") == 0 || strcmp(arg, "0") == 0) {
		*out = false;
		return 0;
	}
	err_set(err, -1, "expected on or off, got '%s'", arg);
	return -1;
}

static char *
slurp(const char *path, struct wb_error *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err_set(err, -1, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	fclose(f);
	if (memchr(b.s ? b.s : "", '\0', b.len) != NULL) {
		err_set(err, -1, "'%s' is not a text file (it contains NUL bytes)", path);
		sb_free(&b);
		return NULL;
	}
	return sb_detach(&b);
}

/* .help [COMMAND] */
static int
cmd_help(struct session *s, int argc, char **argv, struct wb_error *err)
{
	FILE *o = session_output(s);
	if (argc > 1) {
		const struct cmd *c = cmd_find(argv[1], err);
		if (c == NULL)
			return -1;
		fprintf(o, ".%s%s%s\n    %s\n\n", c->name, c->args ? " " : "", c->args ? c->args : "", c->summary);
		if (c->help)
			fprintf(o, "%s\n", c->help);
		if (c->aliases)
			fprintf(o, "\nAliases: %s\n", c->aliases);
		if (c->example)
			fprintf(o, "\nExample: %s\n", c->example);
		return 0;
	}
	fprintf(o, "Statements end with ';' (SELECT, CREATE TABLE, INSERT, SHOW TABLES, DESCRIBE, EXPLAIN, ...).\n"
	    "See man wb-sql for the query language. Dot-commands:\n\n");
	int w = 0;
	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		int l = (int)strlen(c->name) + (c->args ? (int)strlen(c->args) + 1 : 0);
		if (l > w)
			w = l;
	}
	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		char head[128];
		snprintf(head, sizeof head, "%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
		fprintf(o, "  .%-*s  %s\n", w, head, c->summary);
	}
	/* statements registered by extensions (the Delta maintenance
	 * statements), from the parser's registry */
	if (parse_ext_count() > 0)
		fprintf(o, "\nMore statements:\n\n");
	for (int i = 0; i < parse_ext_count(); i++) {
		const struct stmt_ext *e = parse_ext_at(i);
		if (e->usage == NULL)    /* another spelling of a statement listed */
			continue;
		fprintf(o, "  %s\n      %s\n", e->usage, e->summary ? e->summary : "");
	}
	fprintf(o, "\n.help COMMAND shows details.\n");
	return 0;
}

struct tables_arg {
	FILE *o;
	const char *pattern;
	int col;
	const char *current;
};

static void
tables_cb(void *arg, const struct catalog_entry *e)
{
	struct tables_arg *ta = arg;
	char name[512];
	if (e->temp || strcasecmp(e->schema, ta->current) == 0)
		snprintf(name, sizeof name, "%s", e->name);
	else
		snprintf(name, sizeof name, "%s.%s", e->schema, e->name);
	if (ta->pattern && !str_like(name, ta->pattern))
		return;
	fprintf(ta->o, "%s\n", name);
}

/* .tables [PATTERN] */
static int
cmd_tables(struct session *s, int argc, char **argv, struct wb_error *err)
{
	struct tables_arg ta = {session_output(s), argc > 1 ? argv[1] : NULL, 0, catalog_current_schema(s->catalog)};
	catalog_each_table(s->catalog, NULL, tables_cb, &ta);
	return 0;
}

struct schema_arg {
	FILE *o;
	const char *only;
	int found;
};

static void
schema_cb(void *arg, const struct catalog_entry *e)
{
	struct schema_arg *sa = arg;
	if (sa->only && strcasecmp(sa->only, e->name) != 0)
		return;
	sa->found++;
	const struct table *t = e->table;
	if (t->view_sql) {
		fprintf(sa->o, "CREATE %sVIEW %s.%s AS %s;\n", e->temp ? "TEMP " : "", e->schema, e->name, t->view_sql);
		return;
	}
	fprintf(sa->o, "CREATE %sTABLE %s.%s (", e->temp ? "TEMP " : "", e->schema, e->name);
	for (int i = 0; i < t->ncol; i++)
		fprintf(sa->o, "%s%s %s", i ? ", " : "", t->names[i], type_name(t->types[i]));
	/* CREATE TABLE makes a Delta table unless told otherwise */
	fprintf(sa->o, ")%s;\n", !e->temp && t->ops && strcmp(t->ops->kind, "memory") == 0 ? " USING MEMORY" : "");
}

/* .schema [TABLE] */
static int
cmd_schema(struct session *s, int argc, char **argv, struct wb_error *err)
{
	struct schema_arg sa = {session_output(s), argc > 1 ? argv[1] : NULL, 0};
	catalog_each_table(s->catalog, NULL, schema_cb, &sa);
	if (sa.only && sa.found == 0) {
		err_set(err, -1, "no table or view named \"%s\"", sa.only);
		err_hint(err, ".tables lists them");
		return -1;
	}
	return 0;
}

/* .mode [MODE] */
static int
cmd_mode(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (argc == 1) {
		fprintf(session_output(s), "%s\n", render_mode_name(s->render.mode));
		return 0;
	}
	enum render_mode m;
	if (!render_mode_from_name(argv[1], &m)) {
		err_set(err, -1, "unknown mode '%s'", argv[1]);
		err_hint(err, "modes: box, csv, tsv, json, jsonl, markdown, line, trash");
		return -1;
	}
	s->render.mode = m;
	session_reset_sink(s);
	return 0;
}

/* .timer on|off */
static int
cmd_timer(struct session *s, int argc, char **argv, struct wb_error *err)
{
	return on_off(argv[1], &s->timer, err);
}

/* .bail on|off */
static int
cmd_bail(struct session *s, int argc, char **argv, struct wb_error *err)
{
	return on_off(argv[1], &s->bail, err);
}

/* .echo on|off */
static int
cmd_echo(struct session *s, int argc, char **argv, struct wb_error *err)
{
	return on_off(argv[1], &s->echo, err);
}

/* .headers on|off */
static int
cmd_headers(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (on_off(argv[1], &s->render.header, err) < 0)
		return -1;
	session_reset_sink(s);
	return 0;
}

/* .nullvalue TEXT */
static int
cmd_nullvalue(struct session *s, int argc, char **argv, struct wb_error *err)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%s", argv[1]);
	s->render.null_text = buf;
	session_reset_sink(s);
	return 0;
}

/* .read FILE */
static int
cmd_read(struct session *s, int argc, char **argv, struct wb_error *err)
{
	static int depth;
	if (depth > 16) {
		err_set(err, -1, ".read nested too deeply (a file reading itself?)");
		return -1;
	}
	char *text = slurp(argv[1], err);
	if (text == NULL)
		return -1;
	depth++;
	int saved_errors = s->errors;
	int rc = session_run(s, text, argv[1], 1);
	depth--;
	free(text);
	if (rc < 0) {
		/* errors were reported where they happened */
		err_set(err, -1, "%s: %d statement%s failed", argv[1], s->errors - saved_errors,
		    s->errors - saved_errors == 1 ? "" : "s");
		s->errors--;  /* this summary is not another failure */
	}
	return rc;
}

static int
open_output(struct session *s, const char *path, bool once, struct wb_error *err)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	if (s->redirect)
		fclose(s->redirect);
	s->redirect = f;
	s->redirect_once = once;
	session_reset_sink(s);
	return 0;
}

/* .output [FILE] */
static int
cmd_output(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (argc == 1 || strcmp(argv[1], "stdout") == 0) {
		if (s->redirect)
			fclose(s->redirect);
		s->redirect = NULL;
		s->redirect_once = false;
		session_reset_sink(s);
		return 0;
	}
	return open_output(s, argv[1], false, err);
}

/* .once FILE */
static int
cmd_once(struct session *s, int argc, char **argv, struct wb_error *err)
{
	return open_output(s, argv[1], true, err);
}

static int
parse_count(const char *arg, int64_t *out, struct wb_error *err)
{
	int64_t v;
	if (!parse_int64(arg, strlen(arg), &v) || v < 0) {
		err_set(err, -1, "expected a non-negative number, got '%s'", arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* .maxrows N */
static int
cmd_maxrows(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (argc == 1) {
		fprintf(session_output(s), "%lld\n", (long long)s->render.max_rows);
		return 0;
	}
	if (parse_count(argv[1], &s->render.max_rows, err) < 0)
		return -1;
	session_reset_sink(s);
	return 0;
}

/* .maxwidth N */
static int
cmd_maxwidth(struct session *s, int argc, char **argv, struct wb_error *err)
{
	int64_t v;
	if (argc == 1) {
		fprintf(session_output(s), "%d\n", s->render.max_width);
		return 0;
	}
	if (parse_count(argv[1], &v, err) < 0)
		return -1;
	s->render.max_width = (int)v;
	session_reset_sink(s);
	return 0;
}

/* .param set NAME VALUE | unset NAME | list | clear */
static int
cmd_param(struct session *s, int argc, char **argv, struct wb_error *err)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	if (strcasecmp(sub, "set") == 0) {
		if (argc != 4) {
			err_set(err, -1, "usage: .param set NAME VALUE");
			return -1;
		}
		return session_set_param(s, argv[2], argv[3], err);
	}
	if (strcasecmp(sub, "unset") == 0) {
		if (argc != 3) {
			err_set(err, -1, "usage: .param unset NAME");
			return -1;
		}
		for (int i = 0; i < s->nparams; i++) {
			if (strcasecmp(s->params[i].name, argv[2]) == 0) {
				free(s->params[i].name);
				free(s->params[i].text);
				memmove(&s->params[i], &s->params[i + 1], sizeof *s->params * (size_t)(s->nparams - i - 1));
				s->nparams--;
				return 0;
			}
		}
		err_set(err, -1, "parameter %s is not set", argv[2]);
		return -1;
	}
	if (strcasecmp(sub, "clear") == 0) {
		for (int i = 0; i < s->nparams; i++) {
			free(s->params[i].name);
			free(s->params[i].text);
		}
		s->nparams = 0;
		return 0;
	}
	if (strcasecmp(sub, "list") == 0) {
		FILE *o = session_output(s);
		for (int i = 0; i < s->nparams; i++)
			fprintf(o, "%s = %s (%s)\n", s->params[i].name, s->params[i].text,
			    type_name(s->params[i].value.type));
		return 0;
	}
	err_set(err, -1, "unknown .param subcommand '%s'", sub);
	err_hint(err, ".param set NAME VALUE | unset NAME | list | clear");
	return -1;
}

/* .show */
static int
cmd_show(struct session *s, int argc, char **argv, struct wb_error *err)
{
	FILE *o = session_output(s);
	fprintf(o, "     mode: %s\n", render_mode_name(s->render.mode));
	fprintf(o, "  maxrows: %lld\n", (long long)s->render.max_rows);
	fprintf(o, " maxwidth: %d\n", s->render.max_width);
	fprintf(o, "  headers: %s\n", s->render.header ? "on" : "off");
	fprintf(o, "nullvalue: %s\n", s->render.null_text ? s->render.null_text : "(default)");
	fprintf(o, "    timer: %s\n", s->timer ? "on" : "off");
	fprintf(o, "     bail: %s\n", s->bail ? "on" : "off");
	fprintf(o, "     echo: %s\n", s->echo ? "on" : "off");
	fprintf(o, "   output: %s\n", s->redirect ? "file" : "stdout");
	fprintf(o, "   schema: %s\n", catalog_current_schema(s->catalog));
	return 0;
}

/* .cd DIR */
static int
cmd_cd(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (chdir(argv[1]) != 0) {
		err_set(err, -1, "cannot change directory to '%s': %s", argv[1], strerror(errno));
		return -1;
	}
	return 0;
}

/* .generate ecommerce [--rows N] [--seed S] [--start DATE] [--days D] -o FILE:
 * `wb generate` inside a script, so a notebook can make its own data */
static int
cmd_generate(struct session *s, int argc, char **argv, struct wb_error *err)
{
	if (strcmp(argv[1], "ecommerce") != 0) {
		err_set(err, -1, ".generate: unknown dataset '%s'", argv[1]);
		err_hint(err, "the dataset is 'ecommerce': %s", gen_synopsis);
		return -1;
	}
	struct gen_options o;
	gen_options_init(&o);
	if (gen_parse_args(argc - 2, argv + 2, &o, err) < 0)
		return -1;
	if (o.help) {
		fputs(gen_usage, session_output(s));
		return 0;
	}
	if (o.output == NULL || strcmp(o.output, "-") == 0) {
		err_set(err, -1, ".generate writes a file: give -o FILE");
		err_hint(err, "e.g. .generate ecommerce --rows 100000 -o events.csv");
		return -1;
	}
	if (gen_ecommerce(&o, err) < 0)
		return -1;
	session_message(s, "%lld rows written to %s", (long long)o.rows, o.output);
	return 0;
}

/* .shell COMMAND... */
static int
cmd_shell(struct session *s, int argc, char **argv, struct wb_error *err)
{
	struct strbuf b = STRBUF_INIT;
	for (int i = 1; i < argc; i++)
		sb_printf(&b, "%s%s", i > 1 ? " " : "", argv[i]);
	fflush(session_output(s));
	int rc = system(sb_str(&b));
	sb_free(&b);
	if (rc != 0) {
		err_set(err, -1, "command exited with status %d", WEXITSTATUS(rc));
		return -1;
	}
	return 0;
}

/* .tui: the full-screen workbench on this session (ui/tui.h) */
static int
cmd_tui(struct session *s, int argc, char **argv, struct wb_error *err)
{
	return tui_run(s, NULL, err);
}

/* .dashboard FILE.wb [-p NAME=VALUE ...] [--once ...]: a dashboard on
 * this session, full screen or (--once) as text on the output */
static int
cmd_dashboard(struct session *s, int argc, char **argv, struct wb_error *err)
{
	struct dash_args a;
	int rc = dash_args_parse(argc, argv, &a, err);
	if (rc == 0 && a.help) {
		err_set(err, -1, "usage: .dashboard FILE.wb [-p NAME=VALUE ...] [--refresh DURATION] [--zoom TILE] "
		    "[--once [--width N] [--height N] [--ascii]]");
		rc = -1;
	} else if (rc == 0 && (a.warehouse || a.threads)) {
		err_set(err, -1, ".dashboard runs on this session: --warehouse and --threads are wb dashboard's");
		rc = -1;
	} else if (rc == 0 && a.once) {
		fflush(session_output(s));
		rc = dash_once(s, &a, session_output(s), err);
		if (rc > 0) {
			err_set(err, -1, "%s: a cell failed; its tile shows the error", a.path);
			rc = -1;
		}
	} else if (rc == 0) {
		struct tui_options o = {.dashboard = &a};
		rc = tui_run(s, &o, err);
	}
	dash_args_free(&a);
	return rc;
}

/* .quit [CODE] */
static int
cmd_quit(struct session *s, int argc, char **argv, struct wb_error *err)
{
	s->quit = true;
	return 0;
}

static const struct cmd cmd_table[] = {
	{.name = "bail", .args = "on|off", .minargs = 1, .maxargs = 1, .complete = "onoff",
	    .summary = "stop a script at the first error",
	    .help = "With bail on, a script (wb FILE, .read, -c) stops at the first failing statement. "
		"The exit status is non-zero whenever a statement failed, bail or not.",
	    .example = ".bail on", .exec = cmd_bail},
	{.name = "cd", .args = "DIR", .minargs = 1, .maxargs = 1, .complete = "file",
	    .summary = "change the working directory", .exec = cmd_cd},
	{.name = "chart", .args = "[KIND] [MODIFIER ...] [KEY=VALUE ...]", .minargs = 0, .maxargs = -1,
	    .summary = "draw the last result as a text chart",
	    .help = "Draws the last result shown (its first 100,000 rows) as a chart: bar, line, area, histogram, "
		"scatter, box, heatmap, interval, sparkline or kpi, or, without a kind, the chart that suits its "
		"columns. Options name the columns (x=brand y=revenue,orders series=event_type) and the look "
		"(horizontal, stacked, log, title='...', width=N, height=N, bins=N, ascii). The size is the "
		"terminal's (80x20 when not writing to one); colour when writing to a terminal and NO_COLOR is "
		"not set. .chart help lists the options; man wb-chart describes them, and CHART ... FROM source "
		"charts any query.",
	    .example = ".chart bar x=brand y=revenue title='Revenue by brand'", .exec = stmt_chart_command},
	{.name = "dashboard", .args = "FILE.wb [-p NAME=VALUE ...] [--refresh DURATION] [--once [--width N] [--height N]]",
	    .minargs = 1, .maxargs = -1, .complete = "file",
	    .summary = "show a notebook as a dashboard of tiles (as wb dashboard)",
	    .help = "Runs the notebook's cells on this session and shows its chart, table and text cells as tiles laid "
		"out by its header's layout, its parameters as filters: full screen (r refreshes, f edits the filters, "
		"Enter zooms a tile, q comes back), or with --once as text at the terminal's size (or --width and "
		"--height). See wb-dashboard(1). In wb tui, type it in the editor.",
	    .example = ".dashboard notebooks/ecommerce_dashboard.wb --once --width 100 --height 40", .exec = cmd_dashboard},
	{.name = "echo", .args = "on|off", .minargs = 1, .maxargs = 1, .complete = "onoff",
	    .summary = "print each statement before running it", .exec = cmd_echo},
	{.name = "generate", .args = "ecommerce [--rows N] [--seed S] [--start DATE] [--days D] -o FILE", .minargs = 1,
	    .maxargs = -1, .complete = "- file",
	    .summary = "write generated e-commerce events to a CSV file (as wb generate)",
	    .help = "Runs the generator of `wb generate ecommerce` from a script or notebook, so that it can make the data it needs. "
	            "The output is a function of the options alone: the same options write the same bytes. "
	            "In a query, generate_ecommerce(rows => N, seed => S, ...) yields the same rows without a file.",
	    .example = ".generate ecommerce --rows 1000 --seed 7 --days 1 -o /tmp/wb_gen_example.csv",
	    .exec = cmd_generate},
	{.name = "headers", .args = "on|off", .minargs = 1, .maxargs = 1, .complete = "onoff",
	    .summary = "write a header line in csv and tsv modes", .exec = cmd_headers},
	{.name = "help", .args = "[COMMAND]", .minargs = 0, .maxargs = 1, .complete = "command",
	    .summary = "list dot-commands, or describe one",
	    .example = ".help mode", .exec = cmd_help},
	{.name = "maxrows", .args = "[N]", .minargs = 0, .maxargs = 1,
	    .summary = "rows shown in box mode before the middle is elided (0: all)",
	    .help = "Large results show their first and last rows with a footer such as "
		"\"42,448,764 rows (40 shown)\". The default is 40.",
	    .example = ".maxrows 100", .exec = cmd_maxrows},
	{.name = "maxwidth", .args = "[N]", .minargs = 0, .maxargs = 1,
	    .summary = "width of box tables in columns (0: the terminal's width)", .exec = cmd_maxwidth},
	{.name = "mode", .args = "[MODE]", .minargs = 0, .maxargs = 1, .complete = "mode",
	    .summary = "set the output mode: box, csv, tsv, json, jsonl, markdown, line, trash",
	    .help = "box draws tables with Unicode lines and right-aligned numbers; csv and tsv write "
		"RFC 4180 text; json writes an array of objects, jsonl one object per line (lists as JSON arrays "
		"in both); markdown writes "
		"a GitHub table; line writes one \"column = value\" per line; trash discards results "
		"(useful for timing). Without an argument, prints the current mode.",
	    .example = ".mode csv", .exec = cmd_mode},
	{.name = "nullvalue", .args = "TEXT", .minargs = 1, .maxargs = 1,
	    .summary = "text shown for NULL", .exec = cmd_nullvalue},
	{.name = "once", .args = "FILE", .minargs = 1, .maxargs = 1, .complete = "file",
	    .summary = "send the next result to FILE", .example = ".once top_brands.csv", .exec = cmd_once},
	{.name = "output", .args = "[FILE]", .minargs = 0, .maxargs = 1, .complete = "file",
	    .summary = "send results to FILE (no argument: back to standard output)", .exec = cmd_output},
	{.name = "param", .args = "set NAME VALUE | unset NAME | list | clear", .minargs = 0, .maxargs = 3,
	    .complete = "- param", .summary = "manage named parameters (:name and ${name} in SQL)",
	    .help = "Values are typed by their text: 42 is a BIGINT, 4.2 a DOUBLE, true a BOOLEAN, "
		"'quoted' or anything else a VARCHAR. wb -p name=value sets one from the command line.",
	    .example = ".param set run_date '2019-10-01'", .exec = cmd_param},
	{.name = "quit", .aliases = "exit", .args = NULL, .minargs = 0, .maxargs = 1,
	    .summary = "leave wb", .exec = cmd_quit},
	{.name = "read", .args = "FILE", .minargs = 1, .maxargs = 1, .complete = "file",
	    .summary = "run the statements and dot-commands in FILE",
	    .example = ".read notebooks/ecommerce_demo.wb", .exec = cmd_read},
	{.name = "schema", .args = "[TABLE]", .minargs = 0, .maxargs = 1, .complete = "table",
	    .summary = "show CREATE statements for tables and views", .exec = cmd_schema},
	{.name = "shell", .aliases = "system", .args = "COMMAND...", .minargs = 1, .maxargs = -1, .complete = "file",
	    .summary = "run a shell command", .exec = cmd_shell},
	{.name = "show", .args = NULL, .minargs = 0, .maxargs = 0,
	    .summary = "show the current settings", .exec = cmd_show},
	{.name = "tables", .args = "[PATTERN]", .minargs = 0, .maxargs = 1, .complete = "table",
	    .summary = "list tables and views (PATTERN uses % and _ or *)", .exec = cmd_tables},
	{.name = "timer", .args = "on|off", .minargs = 1, .maxargs = 1, .complete = "onoff",
	    .summary = "print the run time of each statement", .exec = cmd_timer},
	{.name = "tui", .args = NULL, .minargs = 0, .maxargs = 0,
	    .summary = "open the full-screen workbench on this session (as wb tui)",
	    .help = "The catalog, a SQL editor and a result grid on the whole terminal, with the session's tables, "
		"settings and parameters; C-q comes back. See wb-tui(1). Needs a terminal.",
	    .exec = cmd_tui},
};

#define NCMD (int)(sizeof cmd_table / sizeof cmd_table[0])

int
cmd_count(void)
{
	return NCMD;
}

const struct cmd *
cmd_at(int i)
{
	return &cmd_table[i];
}

static bool
alias_match(const char *aliases, const char *name, size_t n, bool prefix)
{
	if (aliases == NULL)
		return false;
	const char *p = aliases;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if ((prefix ? n <= l : n == l) && strncasecmp(p, name, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

const struct cmd *
cmd_find(const char *name, struct wb_error *err)
{
	if (name[0] == '.')
		name++;
	size_t n = strlen(name);
	for (int i = 0; i < NCMD; i++)
		if (strcasecmp(cmd_table[i].name, name) == 0 || alias_match(cmd_table[i].aliases, name, n, false))
			return &cmd_table[i];
	const struct cmd *found = NULL;
	struct strbuf amb = STRBUF_INIT;
	int count = 0;
	for (int i = 0; i < NCMD && n > 0; i++) {
		if (strncasecmp(cmd_table[i].name, name, n) == 0 || alias_match(cmd_table[i].aliases, name, n, true)) {
			found = &cmd_table[i];
			sb_printf(&amb, "%s.%s", count ? ", " : "", cmd_table[i].name);
			count++;
		}
	}
	if (count == 1) {
		sb_free(&amb);
		return found;
	}
	if (count > 1)
		err_set(err, -1, "ambiguous command .%s: could be %s", name, sb_str(&amb));
	else {
		err_set(err, -1, "unknown command .%s", name);
		const char **names = xcalloc(NCMD, sizeof *names);
		for (int i = 0; i < NCMD; i++)
			names[i] = cmd_table[i].name;
		const char *sug = str_suggest(name, names, NCMD);
		free(names);
		if (sug)
			err_hint(err, "did you mean .%s?", sug);
		else
			err_hint(err, ".help lists the commands");
	}
	sb_free(&amb);
	return NULL;
}

int
cmd_split(const char *line, char ***argvp)
{
	char **argv = NULL;
	size_t cap = 0;
	int argc = 0;
	const char *p = line;
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		struct strbuf w = STRBUF_INIT;
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p && *p != q)
				sb_putc(&w, *p++);
			if (*p == q)
				p++;
			/* keep single quotes so .param can tell strings */
			if (q == '\'') {
				char *inner = sb_detach(&w);
				sb_putc(&w, '\'');
				sb_puts(&w, inner);
				sb_putc(&w, '\'');
				free(inner);
			}
		} else {
			while (*p && !isspace((unsigned char)*p))
				sb_putc(&w, *p++);
		}
		argv = xgrow(argv, &cap, (size_t)argc + 2, sizeof *argv);
		argv[argc++] = sb_detach(&w);
	}
	if (argv == NULL)
		argv = xcalloc(1, sizeof *argv);
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}

void
cmd_free_args(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

static void
unquote_args(int argc, char **argv, const struct cmd *c)
{
	/* only .param keeps quotes (to type its value) */
	if (strcmp(c->name, "param") == 0)
		return;
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (n >= 2 && argv[i][0] == '\'' && argv[i][n - 1] == '\'') {
			memmove(argv[i], argv[i] + 1, n - 2);
			argv[i][n - 2] = '\0';
		}
	}
}

int
cmd_run(struct session *s, const char *line, struct wb_error *err)
{
	char **argv;
	int argc = cmd_split(line, &argv);
	if (argc == 0 || argv[0][0] != '.') {
		cmd_free_args(argc, argv);
		err_set(err, -1, "not a dot-command");
		return -1;
	}
	const struct cmd *c = cmd_find(argv[0], err);
	int rc = -1;
	if (c != NULL) {
		unquote_args(argc, argv, c);
		int nargs = argc - 1;
		if (nargs < c->minargs || (c->maxargs >= 0 && nargs > c->maxargs)) {
			err_set(err, -1, "usage: .%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
		} else {
			rc = c->exec(s, argc, argv, err);
		}
	}
	cmd_free_args(argc, argv);
	return rc;
}

void
cmd_write_man(FILE *out)
{
	fprintf(out, ".SH COMMANDS\n");
	fprintf(out, "Dot-commands are typed on a line of their own, in the REPL, in scripts and with \\-c.\n"
	    "A unique prefix of a command name is enough.\n");
	for (int i = 0; i < NCMD; i++) {
		const struct cmd *c = &cmd_table[i];
		fprintf(out, ".TP\n.B .%s", c->name);
		if (c->args) {
			fputs(" \\fI", out);
			str_write_roff(out, c->args);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		/* capitalise the summary as a sentence */
		char first[2] = {(char)toupper((unsigned char)c->summary[0]), '\0'};
		fputs(first, out);
		str_write_roff(out, c->summary + 1);
		fputs(".\n", out);
		if (c->help) {
			str_write_roff(out, c->help);
			fputc('\n', out);
		}
		if (c->aliases) {
			fputs(".br\nAlias: \\fB.", out);
			str_write_roff(out, c->aliases);
			fputs("\\fR\n", out);
		}
		if (c->example) {
			fputs(".br\nExample: \\fB", out);
			str_write_roff(out, c->example);
			fputs("\\fR\n", out);
		}
	}
}

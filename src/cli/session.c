/* Sessions: script splitting, statement execution entry, error reports,
 * parameters and output. */
#include "cli/session.h"
#include "cli/cmd.h"
#include "cli/stmt.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"
#include "store/lake/lake.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void
session_notice(void *arg, const char *msg)
{
	struct session *s = arg;
	fprintf(s->errout, "Warning: %s\n", msg);
	fflush(s->errout);
}

struct session *
session_new(void)
{
	struct session *s = xcalloc(1, sizeof *s);
	s->catalog = catalog_new();
	s->delta_retention_check = true;
	stmt_register_exts();
	lake_checkpoint_init();
	render_options_init(&s->render);
	s->out = stdout;
	s->errout = stderr;
	wb_notice_set(session_notice, s);
	/* CREATE TABLE makes Delta tables, as in Databricks (when the catalog
	 * has a warehouse) */
	s->default_delta = true;
	err_init(&s->last_error);
	session_reset_sink(s);
	return s;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	wb_notice_set(NULL, NULL);   /* notices go to stderr again */
	session_keep_sink_free(s->sink);
	if (s->redirect)
		fclose(s->redirect);
	free(s->redirect_path);
	free(s->ml_experiment);
	free(s->expect_note);
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		free(s->params[i].text);
	}
	free(s->params);
	rowset_free(s->last);
	err_clear(&s->last_error);
	catalog_free(s->catalog);
	free(s);
}

FILE *
session_output(struct session *s)
{
	return s->redirect ? s->redirect : s->out;
}

void
session_reset_sink(struct session *s)
{
	session_keep_sink_free(s->sink);
	FILE *out = session_output(s);
	struct render_options o = s->render;
	if (o.max_width == 0 && isatty(fileno(out))) {
		struct winsize ws;
		if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			o.max_width = ws.ws_col;
	}
	s->sink = session_keep_sink_new(s, render_sink_new(&o, out));   /* keeps s->last */
}

struct wb_sink *
session_sink(struct session *s)
{
	return s->override_sink ? s->override_sink : s->sink;
}

void
session_message(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	struct wb_sink *sink = session_sink(s);
	if (sink && sink->message)
		sink->message(sink, msg);
	free(msg);
}

int
session_emit(struct session *s, const struct rowset *rs, struct wb_error *err)
{
	struct wb_sink *sink = session_sink(s);
	if (sink->begin && sink->begin(sink, rs->ncol, rs->names, rs->types, err) < 0)
		return -1;
	for (int i = 0; i < rs->nchunks; i++)
		if (sink->chunk && sink->chunk(sink, &rs->chunks[i], err) < 0)
			return -1;
	if (sink->end && sink->end(sink, err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ errors */

void
session_report(struct session *s, const char *text, int len, struct wb_error *err)
{
	FILE *f = s->errout;
	const char *msg = err->msg ? err->msg : "unknown error";
	int pos = err->pos;
	s->last_error_line = s->source_line;
	if (pos < 0 || pos > len || text == NULL) {
		if (s->source_name)
			fprintf(f, "%s:%d: Error: %s\n", s->source_name, s->source_line, msg);
		else
			fprintf(f, "Error: %s\n", msg);
	} else {
		/* line and column of pos within the statement */
		int line = 1, col = 1, ls = 0;
		for (int i = 0; i < pos; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
				ls = i + 1;
			} else {
				col++;
			}
		}
		int le = ls;
		while (le < len && text[le] != '\n')
			le++;
		s->last_error_line = s->source_line + line - 1;
		if (s->source_name)
			fprintf(f, "%s:%d:%d: Error: %s\n", s->source_name, s->source_line + line - 1, col, msg);
		else
			fprintf(f, "Error: %s\n", msg);
		/* show the line (trimmed to 200 columns around pos) with a caret */
		int from = ls, to = le;
		if (to - from > 200) {
			from = pos - 100 > ls ? pos - 100 : ls;
			to = from + 200 < le ? from + 200 : le;
		}
		char prefix[32];
		int pl = snprintf(prefix, sizeof prefix, "LINE %d: ", s->source_name ? s->source_line + line - 1 : line);
		fprintf(f, "%s%.*s\n", prefix, to - from, text + from);
		int caret = pl;
		for (int i = from; i < pos; i++)
			if (((unsigned char)text[i] & 0xc0) != 0x80)
				caret++;
		fprintf(f, "%*s^\n", caret, "");
	}
	if (err->hint)
		fprintf(f, "HINT: %s\n", err->hint);
	fflush(f);
	err_clear(&s->last_error);
	s->last_error.msg = xstrdup(msg);
	s->last_error.hint = err->hint ? xstrdup(err->hint) : NULL;
	s->last_error.pos = err->pos;
}

/* ------------------------------------------------------------ parameters */

int
session_set_param(struct session *s, const char *name, const char *value, struct wb_error *err)
{
	if (name[0] == ':' || name[0] == '$')
		name++;
	if (!*name) {
		err_set(err, -1, "parameter name is empty");
		return -1;
	}
	struct session_param *p = NULL;
	for (int i = 0; i < s->nparams; i++)
		if (strcasecmp(s->params[i].name, name) == 0)
			p = &s->params[i];
	if (p == NULL) {
		s->params = xgrow(s->params, &s->pcap, (size_t)s->nparams + 1, sizeof *s->params);
		p = &s->params[s->nparams++];
		memset(p, 0, sizeof *p);
		p->name = xstrdup(name);
	}
	free(p->text);
	/* typed by its text: integers, decimals, booleans, NULL, else a string
	 * ('quoted' values are always strings) */
	size_t n = strlen(value);
	memset(&p->value, 0, sizeof p->value);
	if (n >= 2 && value[0] == '\'' && value[n - 1] == '\'') {
		p->text = xstrndup(value + 1, n - 2);
		p->value.type = WB_TYPE_VARCHAR;
		p->value.u.s = wb_str_c(p->text);
		return 0;
	}
	p->text = xstrdup(value);
	int64_t i;
	double d;
	bool bv;
	if (parse_int64(value, n, &i)) {
		p->value.type = WB_TYPE_BIGINT;
		p->value.u.i = i;
	} else if (parse_double(value, n, &d) && strpbrk(value, "0123456789")) {
		p->value.type = WB_TYPE_DOUBLE;
		p->value.u.d = d;
	} else if (strcasecmp(value, "true") == 0 || strcasecmp(value, "false") == 0) {
		parse_bool(value, n, &bv);
		p->value.type = WB_TYPE_BOOL;
		p->value.u.b = bv;
	} else if (strcasecmp(value, "null") == 0) {
		p->value.type = WB_TYPE_NULL;
		p->value.is_null = true;
	} else {
		p->value.type = WB_TYPE_VARCHAR;
		p->value.u.s = wb_str_c(p->text);
	}
	return 0;
}

const struct wb_value *
session_get_param(struct session *s, const char *name)
{
	for (int i = 0; i < s->nparams; i++)
		if (strcasecmp(s->params[i].name, name) == 0)
			return &s->params[i].value;
	return NULL;
}

/* ------------------------------------------------------------ scripts */

int
session_exec_sql(struct session *s, const char *sql, int len)
{
	struct wb_error err = WB_ERROR_INIT;
	s->cancel = 0;
	const char *outer_text = s->stmt_text;   /* a statement may run others */
	int outer_len = s->stmt_len;
	s->stmt_text = sql;
	s->stmt_len = len;
	int rc = stmt_run(s, sql, len, &err);
	s->stmt_text = outer_text;
	s->stmt_len = outer_len;
	if (rc < 0) {
		if (!err_isset(&err))
			err_set(&err, -1, "statement failed");
		session_report(s, sql, len, &err);
		s->errors++;
	}
	err_clear(&err);
	if (s->redirect_once && s->redirect) {
		fclose(s->redirect);
		s->redirect = NULL;
		s->redirect_once = false;
		session_reset_sink(s);
	}
	return rc;
}

int
session_exec_command(struct session *s, const char *line)
{
	struct wb_error err = WB_ERROR_INIT;
	int rc = cmd_run(s, line, &err);
	if (rc < 0) {
		if (!err_isset(&err))
			err_set(&err, -1, "command failed");
		err.pos = -1;
		session_report(s, line, (int)strlen(line), &err);
		s->errors++;
	}
	err_clear(&err);
	return rc;
}

int
session_run(struct session *s, const char *text, const char *source_name, int first_line)
{
	int len = (int)strlen(text);
	int p = 0, line = first_line;
	int rc = 0;
	const char *saved_name = s->source_name;
	int saved_line = s->source_line;
	s->source_name = source_name;
	while (p < len && !s->quit) {
		/* skip blank space and whole-line -- comments, counting lines, so
		 * that a dot-command after a comment is seen as one */
		for (;;) {
			while (p < len && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r' || text[p] == '\n')) {
				if (text[p] == '\n')
					line++;
				p++;
			}
			if (p + 1 < len && text[p] == '-' && text[p + 1] == '-') {
				while (p < len && text[p] != '\n')
					p++;
				continue;
			}
			break;
		}
		if (p >= len)
			break;
		if (text[p] == '.') {
			int e = p;
			while (e < len && text[e] != '\n')
				e++;
			char *cmd = xstrndup(text + p, (size_t)(e - p));
			s->source_line = line;
			if (s->echo)
				fprintf(session_output(s), "%s\n", cmd);
			int r = session_exec_command(s, cmd);
			free(cmd);
			p = e;
			if (r < 0) {
				rc = -1;
				if (s->bail)
					break;
			}
			continue;
		}
		bool open;
		int end = lex_statement_end(text + p, len - p, &open);
		int stmt_len = end < 0 ? len - p : end;
		s->source_line = line;
		if (!lex_is_blank(text + p, stmt_len)) {
			if (s->echo)
				fprintf(session_output(s), "%.*s;\n", stmt_len, text + p);
			/* leading comments and blank lines are part of the span:
			 * positions stay relative to p, lines to `line` */
			if (session_exec_sql(s, text + p, stmt_len) < 0) {
				rc = -1;
				if (s->bail)
					break;
			}
		}
		for (int i = p; i < p + stmt_len && i < len; i++)
			if (text[i] == '\n')
				line++;
		p += stmt_len + (end >= 0 ? 1 : 0);
	}
	s->source_name = saved_name;
	s->source_line = saved_line;
	return rc;
}

/*
 * A streaming table's definition: the query text with its one STREAM
 * source, and each batch's query made from it.
 *
 *   ... FROM STREAM read_csv('landing/' [, option => value ...])
 *            [WATERMARK column DELAY OF INTERVAL 10 MINUTES] [[AS] alias] ...
 *
 * The source is read_csv, read_parquet or Databricks' read_files (format
 * => 'csv' | 'parquet'), optionally in parentheses (STREAM(read_csv(...))).
 * Its first argument names a folder, a glob pattern or a file; the stream
 * options are Spark's maxFilesPerTrigger and ignoreMissingFiles plus wb's
 * fileStableMs, and every other argument is passed on to the table
 * function. WATERMARK follows Databricks SQL: WATERMARK column DELAY OF
 * interval, or WATERMARK expression AS column DELAY OF interval, which adds
 * that column; the delay is positive and less than a month.
 *
 * A batch's text is the definition with the source replaced by a read of
 * the batch's files - read_csv(['f1', 'f2'], header = true) - and the
 * WATERMARK clause removed, so the query's projection, filter, joins and
 * grouping apply to each batch. window( becomes STREAM_WINDOW_FN( since
 * WINDOW is a reserved word of wb's grammar. Errors in a batch map back to
 * the definition's text (stream_sql_pos).
 */
#include "cli/stream.h"
#include "sql/lexer.h"
#include "func/func.h"
#include "sql/parser.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILES_DEFAULT 1000
#define STABLE_MS_DEFAULT 500

static bool
tok_word(const struct token *t, const char *w)
{
	return t->type == TOK_IDENT && (size_t)t->len == strlen(w) && strncasecmp(t->text, w, (size_t)t->len) == 0;
}

static bool
tok_op(const struct token *t, const char *op)
{
	return t->type == TOK_OP && (size_t)t->len == strlen(op) && strncmp(t->text, op, (size_t)t->len) == 0;
}

static void
add_edit(struct arena *a, struct stream_def *d, int start, int len, const char *text)
{
	struct stream_edit *e = arena_alloc(a, sizeof *e * (size_t)(d->nedits + 1));
	if (d->nedits)
		memcpy(e, d->edits, sizeof *e * (size_t)d->nedits);
	e[d->nedits++] = (struct stream_edit){start, len, text};
	d->edits = e;
}

static int
cmp_edit(const void *a, const void *b)
{
	const struct stream_edit *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Where token i ends in the text. */
static int
tok_end(const struct parser *p, int i)
{
	const struct token *t = &p->toks[i];
	int end = (int)(t->text - p->src) + t->len;
	if (t->type == TOK_STRING || t->type == TOK_QIDENT)
		end++;    /* the closing quote */
	return end;
}

/* The literal value of a stream option: a BIGINT, BOOLEAN or string. */
static bool
option_int(struct parser *p, const struct ast *v, const char *name, int64_t min, int64_t *out)
{
	if (v->kind == AST_LITERAL && !v->u.lit.is_null && v->u.lit.type == WB_TYPE_BIGINT && v->u.lit.u.i >= min) {
		*out = v->u.lit.u.i;
		return true;
	}
	err_set(p->err, v->pos, "STREAM source option %s needs a whole number of at least %lld", name, (long long)min);
	return false;
}

static bool
option_bool(struct parser *p, const struct ast *v, const char *name, bool *out)
{
	if (v->kind == AST_LITERAL && !v->u.lit.is_null && v->u.lit.type == WB_TYPE_BOOL) {
		*out = v->u.lit.u.b;
		return true;
	}
	if (v->kind == AST_LITERAL && !v->u.lit.is_null && v->u.lit.type == WB_TYPE_VARCHAR &&
	    (strcasecmp(v->u.lit.u.s.p, "true") == 0 || strcasecmp(v->u.lit.u.s.p, "false") == 0)) {
		*out = strcasecmp(v->u.lit.u.s.p, "true") == 0;
		return true;
	}
	err_set(p->err, v->pos, "STREAM source option %s is true or false", name);
	return false;
}

/* read_files' Spark option names as read_csv's (COPY INTO maps the same). */
static const char *
csv_option_name(const char *k)
{
	if (strcasecmp(k, "sep") == 0 || strcasecmp(k, "delimiter") == 0)
		return "delim";
	if (strcasecmp(k, "nullValue") == 0)
		return "nullstr";
	return k;
}

/* The source call after STREAM: fn ( 'path' [, name => value ...] ). */
static int
parse_source(struct parser *p, struct arena *a, struct stream_def *d)
{
	const struct token *t = parser_peek(p, 0);
	int fn_pos = t->pos;
	if ((t->type != TOK_IDENT && t->type != TOK_QIDENT) || !tok_op(parser_peek(p, 1), "(")) {
		err_set(p->err, t->pos, "STREAM reads files here: a table as a stream source is not supported yet");
		err_hint(p->err, "stream the files: FROM STREAM read_csv('landing/*.csv') or STREAM read_parquet('dir/')");
		return -1;
	}
	char *fn = parser_ident(p, "a table function");
	bool files_fn = strcasecmp(fn, "read_files") == 0;
	if (strcasecmp(fn, "read_csv") == 0 || strcasecmp(fn, "read_csv_auto") == 0) {
		d->format = STREAM_CSV;
	} else if (strcasecmp(fn, "read_parquet") == 0) {
		d->format = STREAM_PARQUET;
	} else if (!files_fn) {
		err_set(p->err, fn_pos, "STREAM %s(...): a streaming table reads read_csv, read_parquet or read_files", fn);
		err_hint(p->err, "FROM STREAM read_csv('landing/*.csv')");
		return -1;
	}
	parser_expect_op(p, "(");
	struct strbuf opts = STRBUF_INIT;
	bool have_format = !files_fn;
	int npos = 0;
	int rc = -1;
	if (!parser_accept_op(p, ")")) {
		do {
			int start = parser_peek(p, 0)->pos;
			const struct token *t0 = parser_peek(p, 0), *t1 = parser_peek(p, 1);
			char *name = NULL;
			if ((t0->type == TOK_IDENT || t0->type == TOK_QIDENT) &&
			    (tok_op(t1, "=") || tok_op(t1, "=>") || tok_op(t1, ":="))) {
				name = parser_ident(p, "an option name");
				p->cur++;
				start = parser_peek(p, 0)->pos;
			}
			struct ast *v = parser_expr(p);
			if (v == NULL)
				goto out;
			int end = tok_end(p, p->cur - 1);
			if (name == NULL) {
				if (npos++ > 0) {
					err_set(p->err, v->pos, "STREAM %s: one folder, glob pattern or file, then options "
					    "(name => value)", fn);
					goto out;
				}
				if (v->kind != AST_LITERAL || v->u.lit.is_null || v->u.lit.type != WB_TYPE_VARCHAR) {
					err_set(p->err, v->pos, "STREAM %s: the first argument is a folder, glob pattern or "
					    "file as a string", fn);
					err_hint(p->err, "STREAM %s('landing/*.csv')", fn);
					goto out;
				}
				d->path = arena_strdup(a, v->u.lit.u.s.p);
				continue;
			}
			if (strcasecmp(name, "maxFilesPerTrigger") == 0) {
				if (!option_int(p, v, name, 1, &d->max_files))
					goto out;
			} else if (strcasecmp(name, "ignoreMissingFiles") == 0) {
				if (!option_bool(p, v, name, &d->ignore_missing))
					goto out;
			} else if (strcasecmp(name, "fileStableMs") == 0) {
				if (!option_int(p, v, name, 0, &d->stable_ms))
					goto out;
			} else if (files_fn && strcasecmp(name, "format") == 0) {
				const char *f = v->kind == AST_LITERAL && v->u.lit.type == WB_TYPE_VARCHAR && !v->u.lit.is_null ?
				    v->u.lit.u.s.p : "";
				if (strcasecmp(f, "csv") == 0) {
					d->format = STREAM_CSV;
				} else if (strcasecmp(f, "parquet") == 0) {
					d->format = STREAM_PARQUET;
				} else {
					err_set(p->err, v->pos, "read_files: format is 'csv' or 'parquet'");
					goto out;
				}
				have_format = true;
			} else if (files_fn && (strcasecmp(name, "inferSchema") == 0 || strcasecmp(name, "mergeSchema") == 0 ||
			    strcasecmp(name, "schemaEvolutionMode") == 0)) {
				continue;   /* wb always infers, and adds new columns */
			} else if (files_fn) {
				sb_printf(&opts, ", %s = %.*s", csv_option_name(name), end - start, p->src + start);
			} else {
				sb_printf(&opts, ", %s = %.*s", name, end - start, p->src + start);
			}
		} while (parser_accept_op(p, ","));
		if (!parser_expect_op(p, ")"))
			goto out;
	}
	if (d->path == NULL) {
		err_set(p->err, fn_pos, "STREAM %s needs the folder, glob pattern or file to read", fn);
		err_hint(p->err, "STREAM %s('landing/*.csv')", fn);
		goto out;
	}
	if (!have_format) {
		size_t n = strlen(d->path);
		if (n >= 8 && strcasecmp(d->path + n - 8, ".parquet") == 0) {
			d->format = STREAM_PARQUET;
		} else if (n >= 4 && strcasecmp(d->path + n - 4, ".csv") == 0) {
			d->format = STREAM_CSV;
		} else {
			err_set(p->err, fn_pos, "read_files needs format => 'csv' or 'parquet' for '%s'", d->path);
			goto out;
		}
	}
	d->fn = d->format == STREAM_CSV ? "read_csv" : "read_parquet";
	d->options = arena_strdup(a, sb_str(&opts));
	rc = 0;
out:
	sb_free(&opts);
	return rc;
}

int64_t
stream_interval_us(const struct ast *v, const char *what, struct arena *a, struct wb_error *err)
{
	struct wb_value iv = {0};
	bool ok = false;
	if (v->kind == AST_LITERAL && !v->u.lit.is_null && v->u.lit.type == WB_TYPE_INTERVAL) {
		iv = v->u.lit;
		ok = true;
	} else {
		const struct ast *s = v->kind == AST_CAST && v->u.cast.type == WB_TYPE_INTERVAL ? v->u.cast.arg : v;
		if (s->kind == AST_LITERAL && !s->u.lit.is_null && s->u.lit.type == WB_TYPE_VARCHAR) {
			struct wb_error e = WB_ERROR_INIT;
			ok = cast_value(&s->u.lit, WB_TYPE_INTERVAL, false, &iv, a, &e) == 0 && !iv.is_null;
			err_clear(&e);
		}
	}
	if (!ok) {
		err_set(err, v->pos, "%s needs an interval such as INTERVAL 10 MINUTES or '10 minutes'", what);
		return -1;
	}
	int64_t us = (int64_t)iv.u.iv.days * 86400 * 1000000 + iv.u.iv.micros;
	if (iv.u.iv.months != 0 || us <= 0 || us >= INT64_C(31) * 86400 * 1000000) {
		err_set(err, v->pos, "%s must be positive and less than a month", what);
		return -1;
	}
	return us;
}

/* WATERMARK column | expr AS column DELAY OF interval, the parser after WATERMARK. */
static int
parse_watermark(struct parser *p, struct arena *a, struct stream_def *d)
{
	int at = parser_peek(p, 0)->pos;
	struct ast *e = parser_expr(p);
	if (e == NULL)
		return -1;
	if (parser_accept_word(p, "AS")) {
		int as = parser_peek(p, -1)->pos;
		d->wm_expr = arena_strndup(a, p->src + at, (size_t)(as - at));
		d->wm_column = parser_ident(p, "a name for the watermark column");
		if (d->wm_column == NULL)
			return -1;
	} else if (e->kind == AST_COLREF) {
		d->wm_column = e->u.name.parts[e->u.name.n - 1];
	} else {
		err_set(p->err, at, "WATERMARK: an expression needs a name");
		err_hint(p->err, "WATERMARK to_timestamp(ts_text) AS event_time DELAY OF INTERVAL 10 MINUTES");
		return -1;
	}
	if (!parser_expect_word(p, "DELAY") || !parser_expect_word(p, "OF"))
		return -1;
	struct ast *iv = parser_expr(p);
	if (iv == NULL)
		return -1;
	d->wm_delay_us = stream_interval_us(iv, "WATERMARK ... DELAY OF", a, p->err);
	return d->wm_delay_us < 0 ? -1 : 0;
}

int
stream_def_parse(const char *query, int len, int pos0, struct arena *a, struct stream_def *d, struct wb_error *err)
{
	memset(d, 0, sizeof *d);
	d->query = query;
	d->len = len;
	d->max_files = MAX_FILES_DEFAULT;
	d->stable_ms = STABLE_MS_DEFAULT;
	d->src_pos = -1;
	d->pos0 = pos0;
	struct parser p;
	int rc = -1;
	if (!parser_open(&p, query, len, a, err))
		goto out;
	int found = -1;
	for (int i = 0; p.toks[i].type != TOK_EOF; i++) {
		const struct token *t = &p.toks[i];
		const struct token *next = &p.toks[i + 1];
		if (tok_word(t, "STREAM") && i > 0 &&
		    (tok_word(&p.toks[i - 1], "FROM") || tok_word(&p.toks[i - 1], "JOIN") || tok_op(&p.toks[i - 1], ",")) &&
		    (next->type == TOK_IDENT || next->type == TOK_QIDENT || tok_op(next, "("))) {
			if (found >= 0) {
				err_set(err, t->pos, "a streaming table reads one STREAM source");
				err_hint(err, "join other sources as tables, without STREAM");
				goto out;
			}
			found = i;
		}
		if (t->type == TOK_IDENT && t->kw == KW_WINDOW && tok_op(next, "("))
			add_edit(a, d, t->pos, t->len, STREAM_WINDOW_FN);
	}
	if (found < 0) {
		err_set(err, 0, "the query of a streaming table reads FROM STREAM a source");
		err_hint(err, "... AS SELECT * FROM STREAM read_csv('landing/*.csv')");
		goto out;
	}
	d->src_pos = p.toks[found].pos;
	p.cur = found + 1;
	bool paren = parser_accept_op(&p, "(");
	if (parse_source(&p, a, d) < 0 || (paren && !parser_expect_op(&p, ")")))
		goto out;
	add_edit(a, d, d->src_pos, tok_end(&p, p.cur - 1) - d->src_pos, NULL);
	if (parser_accept_word(&p, "WATERMARK")) {
		int wm = parser_peek(&p, -1)->pos;
		d->wm_pos = wm;
		if (parse_watermark(&p, a, d) < 0)
			goto out;
		add_edit(a, d, wm, tok_end(&p, p.cur - 1) - wm, "");
	}
	qsort(d->edits, (size_t)d->nedits, sizeof *d->edits, cmp_edit);
	rc = 0;
out:
	if (rc < 0 && err->pos >= 0)
		err->pos += pos0;
	return rc;
}

static void
source_text(const struct stream_def *d, char *const *files, int nfiles, struct strbuf *sb)
{
	if (d->wm_expr)
		sb_puts(sb, "(SELECT *, ");
	if (d->wm_expr) {
		sb_puts(sb, d->wm_expr);
		sb_puts(sb, " AS `");
		for (const char *c = d->wm_column; *c; c++)
			sb_printf(sb, *c == '`' ? "``" : "%c", *c);
		sb_puts(sb, "` FROM ");
	}
	sb_printf(sb, "%s([", d->fn);
	for (int i = 0; i < nfiles; i++) {
		if (i)
			sb_puts(sb, ", ");
		lex_put_string(sb, files[i]);
	}
	sb_puts(sb, "]");
	sb_puts(sb, d->options);
	sb_puts(sb, ")");
	if (d->wm_expr)
		sb_puts(sb, ")");
}

void
stream_sql_build(const struct stream_def *d, char *const *files, int nfiles, struct stream_sql *out)
{
	struct strbuf sb = STRBUF_INIT;
	out->at = xcalloc((size_t)(d->nedits ? d->nedits : 1), sizeof *out->at);
	out->n = xcalloc((size_t)(d->nedits ? d->nedits : 1), sizeof *out->n);
	int from = 0;
	for (int i = 0; i < d->nedits; i++) {
		const struct stream_edit *e = &d->edits[i];
		sb_add(&sb, d->query + from, (size_t)(e->start - from));
		out->at[i] = (int)sb.len;
		if (e->text)
			sb_puts(&sb, e->text);
		else
			source_text(d, files, nfiles, &sb);
		out->n[i] = (int)sb.len - out->at[i];
		from = e->start + e->len;
	}
	sb_add(&sb, d->query + from, (size_t)(d->len - from));
	out->len = (int)sb.len;
	out->text = sb_detach(&sb);
	if (out->text == NULL)
		out->text = xstrdup("");
}

void
stream_sql_free(struct stream_sql *q)
{
	free(q->text);
	free(q->at);
	free(q->n);
	memset(q, 0, sizeof *q);
}

int
stream_sql_pos(const struct stream_def *d, const struct stream_sql *q, int pos)
{
	if (pos < 0)
		return pos;
	int shift = 0;
	for (int i = 0; i < d->nedits; i++) {
		if (pos < q->at[i])
			break;
		if (pos < q->at[i] + q->n[i])
			return d->pos0 + (d->edits[i].text ? d->edits[i].start : d->src_pos);
		shift += q->n[i] - d->edits[i].len;
	}
	return d->pos0 + pos - shift;
}

/*
 * render_sink: the wb_sink every mode shares. It keeps the generic part
 * of a result (names, types, row count), checks the sink protocol, turns
 * write errors into messages, and hands the rest to the mode's ops.
 */
#include "ui/render_priv.h"

#include "core/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[RENDER__COUNT] = {
	[RENDER_BOX] = "box",
	[RENDER_CSV] = "csv",
	[RENDER_TSV] = "tsv",
	[RENDER_JSON] = "json",
	[RENDER_JSONL] = "jsonl",
	[RENDER_MARKDOWN] = "markdown",
	[RENDER_LINE] = "line",
	[RENDER_TRASH] = "trash",
};

static const struct {
	const char *name;
	enum render_mode mode;
} mode_aliases[] = {
	{"duckbox", RENDER_BOX},
	{"ndjson", RENDER_JSONL},
	{"md", RENDER_MARKDOWN},
};

bool
render_mode_from_name(const char *name, enum render_mode *out)
{
	if (name == NULL)
		return false;
	for (int m = 0; m < RENDER__COUNT; m++) {
		if (strcasecmp(name, mode_names[m]) == 0) {
			*out = (enum render_mode)m;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof mode_aliases / sizeof mode_aliases[0]; i++) {
		if (strcasecmp(name, mode_aliases[i].name) == 0) {
			*out = mode_aliases[i].mode;
			return true;
		}
	}
	return false;
}

const char *
render_mode_name(enum render_mode m)
{
	return (unsigned)m < RENDER__COUNT ? mode_names[m] : "?";
}

void
render_options_init(struct render_options *o)
{
	memset(o, 0, sizeof *o);
	o->mode = RENDER_BOX;
	o->max_rows = 40;        /* DuckDB's .maxrows */
	o->max_width = 0;
	o->utf8 = true;
	o->header = true;
	o->show_types = true;    /* DuckDB shows them; they answer "why is
				  * this column right-aligned?" */
	o->null_text = NULL;
}

/* The trash mode needs no callbacks: the generic part counts rows. */
static const struct render_ops render_trash_ops = {
	.print_messages = false,
};

static const struct render_ops *const mode_ops[RENDER__COUNT] = {
	[RENDER_BOX] = &render_box_ops,
	[RENDER_CSV] = &render_csv_ops,
	[RENDER_TSV] = &render_tsv_ops,
	[RENDER_JSON] = &render_json_ops,
	[RENDER_JSONL] = &render_jsonl_ops,
	[RENDER_MARKDOWN] = &render_markdown_ops,
	[RENDER_LINE] = &render_line_ops,
	[RENDER_TRASH] = &render_trash_ops,
};

int
render_flush(struct render_sink *r, struct wb_error *err)
{
	if (r->buf.len > 0) {
		size_t len = r->buf.len;
		errno = 0;
		size_t n = fwrite(r->buf.s, 1, len, r->out);
		sb_clear(&r->buf);
		if (n != len || ferror(r->out)) {
			err_set(err, -1, "cannot write results: %s",
			    errno ? strerror(errno) : "write error");
			return -1;
		}
	}
	return 0;
}

/* Forget the current result (names, types, the mode's buffers). */
static void
drop_result(struct render_sink *r)
{
	if (r->ops->reset)
		r->ops->reset(r);
	for (int i = 0; i < r->ncol; i++)
		free(r->names[i]);
	free(r->names);
	free(r->types);
	r->names = NULL;
	r->types = NULL;
	r->ncol = 0;
	r->open = false;
	sb_clear(&r->buf);
}

static int
sink_begin(struct wb_sink *s, int ncol, char *const *names, const wb_type *types,
    struct wb_error *err)
{
	struct render_sink *r = (struct render_sink *)s;
	drop_result(r);
	r->rows_before += r->rows;
	if (ncol < 0)
		ncol = 0;
	r->ncol = ncol;
	r->names = xcalloc((size_t)ncol + 1, sizeof(char *));
	r->types = xcalloc((size_t)ncol + 1, sizeof(wb_type));
	for (int i = 0; i < ncol; i++) {
		r->names[i] = xstrdup(names != NULL && names[i] != NULL ? names[i] : "");
		r->types[i] = types != NULL ? types[i] : WB_TYPE_VARCHAR;
	}
	r->rows = 0;
	r->results++;
	r->open = true;
	if (r->ops->begin && r->ops->begin(r, err) < 0)
		return -1;
	return render_flush(r, err);
}

static int
sink_chunk(struct wb_sink *s, const struct chunk *c, struct wb_error *err)
{
	struct render_sink *r = (struct render_sink *)s;
	if (!r->open) {
		err_set(err, -1, "internal error: renderer got rows before the result began");
		return -1;
	}
	if (c->ncol != r->ncol) {
		err_set(err, -1, "internal error: renderer got a chunk of %d columns for a result of %d",
		    c->ncol, r->ncol);
		return -1;
	}
	if (c->n <= 0)
		return 0;
	if (r->ops->chunk && r->ops->chunk(r, c, err) < 0)
		return -1;
	r->rows += c->n;
	return render_flush(r, err);
}

static int
sink_end(struct wb_sink *s, struct wb_error *err)
{
	struct render_sink *r = (struct render_sink *)s;
	if (!r->open)
		return 0;
	int rc = 0;
	if (r->ops->end)
		rc = r->ops->end(r, err);
	if (rc == 0)
		rc = render_flush(r, err);
	if (rc == 0 && fflush(r->out) != 0) {
		err_set(err, -1, "cannot write results: %s", strerror(errno));
		rc = -1;
	}
	/* keep names/types/rows for render_sink_rows; free the mode's state */
	if (r->ops->reset)
		r->ops->reset(r);
	r->open = false;
	return rc;
}

static void
sink_message(struct wb_sink *s, const char *text)
{
	struct render_sink *r = (struct render_sink *)s;
	if (!r->ops->print_messages || text == NULL)
		return;
	fputs(text, r->out);
	size_t n = strlen(text);
	if (n == 0 || text[n - 1] != '\n')
		fputc('\n', r->out);
}

struct wb_sink *
render_sink_new(const struct render_options *o, FILE *out)
{
	struct render_sink *r = xcalloc(1, sizeof *r);
	if (o != NULL)
		r->o = *o;
	else
		render_options_init(&r->o);
	if ((unsigned)r->o.mode >= RENDER__COUNT)
		r->o.mode = RENDER_BOX;
	r->ops = mode_ops[r->o.mode];
	if (r->o.null_text != NULL)
		r->null_text = xstrdup(r->o.null_text);
	else
		r->null_text = xstrdup(r->o.mode == RENDER_CSV || r->o.mode == RENDER_TSV ? "" : "NULL");
	r->o.null_text = r->null_text;
	r->out = out;
	sb_init(&r->buf);
	r->base.begin = sink_begin;
	r->base.chunk = sink_chunk;
	r->base.end = sink_end;
	r->base.message = sink_message;
	return &r->base;
}

void
render_sink_free(struct wb_sink *s)
{
	if (s == NULL)
		return;
	struct render_sink *r = (struct render_sink *)s;
	drop_result(r);
	free(r->null_text);
	sb_free(&r->buf);
	free(r);
}

int64_t
render_sink_rows(struct wb_sink *s)
{
	return ((struct render_sink *)s)->rows;
}

int64_t
render_sink_buffered(struct wb_sink *s)
{
	struct render_sink *r = (struct render_sink *)s;
	return r->o.mode == RENDER_BOX ? render_box_buffered(r) : 0;
}

int
render_rowset(const struct rowset *rs, const struct render_options *o, FILE *out)
{
	struct wb_error err = WB_ERROR_INIT;
	struct wb_sink *s = render_sink_new(o, out);
	int rc = s->begin(s, rs->ncol, rs->names, rs->types, &err);
	for (int i = 0; rc == 0 && i < rs->nchunks; i++)
		rc = s->chunk(s, &rs->chunks[i], &err);
	if (rc == 0)
		rc = s->end(s, &err);
	render_sink_free(s);
	err_clear(&err);
	return rc;
}

/*
 * render_priv: what the render_*.c files share; not for other modules
 * (they use ui/render.h).
 *
 * Each mode is a `struct render_ops`; render_sink.c owns the generic part
 * (copying names and types at begin, counting rows, checking for write
 * errors, staging output) and calls the mode's callbacks. A mode writes
 * into r->out directly or stages text in r->buf and calls render_flush().
 */
#ifndef WB_UI_RENDER_PRIV_H
#define WB_UI_RENDER_PRIV_H

#include "ui/render.h"
#include "core/strbuf.h"

struct render_sink;

struct render_ops {
	/* Called after the generic begin copied ncol/names/types. */
	int (*begin)(struct render_sink *r, struct wb_error *err);
	/* c->ncol == r->ncol is checked before; r->rows does not yet count c. */
	int (*chunk)(struct render_sink *r, const struct chunk *c, struct wb_error *err);
	int (*end)(struct render_sink *r, struct wb_error *err);
	/* Drop per-result state (after end, before a new begin, at free). */
	void (*reset)(struct render_sink *r);
	bool print_messages;
};

struct render_sink {
	struct wb_sink base;        /* first: a wb_sink * is a render_sink * */
	struct render_options o;
	char *null_text;            /* o.null_text resolved for the mode, owned */
	FILE *out;
	const struct render_ops *ops;
	/* the current (or last) result */
	bool open;                  /* between begin and end */
	int ncol;
	char **names;               /* owned copies; never NULL entries */
	wb_type *types;
	int64_t rows;               /* rows received so far */
	int64_t results;            /* results begun since the sink was made */
	int64_t rows_before;        /* rows of all results before this one */
	struct strbuf buf;          /* output staging, flushed per chunk */
	void *state;                /* the mode's own */
};

extern const struct render_ops render_box_ops;
extern const struct render_ops render_csv_ops;
extern const struct render_ops render_tsv_ops;
extern const struct render_ops render_json_ops;
extern const struct render_ops render_jsonl_ops;
extern const struct render_ops render_markdown_ops;
extern const struct render_ops render_line_ops;

/* Write r->buf to r->out and clear it; -1 with err set on a write error. */
int render_flush(struct render_sink *r, struct wb_error *err);
/* Rows currently buffered by the box mode (see render_sink_buffered). */
int64_t render_box_buffered(const struct render_sink *r);

/* Append row i of v as value_format() would (fast paths for the common
 * types). Returns false, appending nothing, when the value is NULL. */
bool render_format_value(const struct vec *v, int i, struct strbuf *out);
/* Is a column of this type right-aligned (numbers)? */
static inline bool render_type_is_right(wb_type t)
{
	return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE;
}

/* Decode one UTF-8 sequence at s (n > 0 bytes available). Returns its
 * length (1..4) and sets *cp, or 0 if the bytes are not well-formed UTF-8
 * (overlong, surrogate, > U+10FFFF, truncated, stray continuation). */
int render_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);   /* = utf8_decode */
/* Append s[0..n) made safe for a terminal grid: C0/C1 controls, DEL,
 * bidi controls and U+2028/9 escaped (\n \r \t, \x01, \u202e), invalid
 * UTF-8 bytes as \xff. Returns the display width of what was appended. */
int render_escape_display(struct strbuf *out, const char *s, size_t n);
/* For escaped (display-safe) text: the byte length of the longest prefix
 * whose width is <= maxw; its width goes to *w. Zero-width characters
 * that follow the last character kept are kept with it. */
size_t render_fit_prefix(const char *s, size_t n, int maxw, int *w);
/* Width of display-safe text (no escaping considered). */
int render_safe_width(const char *s, size_t n);

#endif

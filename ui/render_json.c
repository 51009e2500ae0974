/*
 * render_json: json (an array of objects, one per line) and jsonl (one
 * object per line), streamed.
 *
 * Output is RFC 8259 JSON whatever the data: strings are escaped (control
 * characters as \n, \t, ... or \u00XX), invalid UTF-8 is replaced by
 * U+FFFD because a JSON text must be UTF-8, and doubles that JSON cannot
 * represent (NaN, infinities) are null. BIGINTs are written in full even
 * beyond 2^53: JSON numbers have no precision limit and a reader that
 * needs exact 64-bit ids (category_id) can get them. Lists are JSON arrays
 * whose elements follow the same rules ([1, null], ["a", "b"],
 * ["2019-10-01"]).
 */
#include "ui/render_priv.h"

#include "core/json.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct json_state {
	char **keys;    /* "\"name\":" per column, escaped once at begin */
	size_t *keylen;
	int ncol;
};

static void
json_reset(struct render_sink *r)
{
	struct json_state *st = r->state;
	if (st == NULL)
		return;
	for (int i = 0; i < st->ncol; i++)
		free(st->keys[i]);
	free(st->keys);
	free(st->keylen);
	free(st);
	r->state = NULL;
}

static int
json_begin(struct render_sink *r, struct wb_error *err)
{
	struct json_state *st = xcalloc(1, sizeof *st);
	st->ncol = r->ncol;
	st->keys = xcalloc((size_t)r->ncol + 1, sizeof(char *));
	st->keylen = xcalloc((size_t)r->ncol + 1, sizeof(size_t));
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < r->ncol; i++) {
		sb_clear(&b);
		json_put_string(&b, r->names[i], strlen(r->names[i]));
		sb_putc(&b, ':');
		st->keylen[i] = b.len;
		st->keys[i] = xstrndup(b.s, b.len);
	}
	sb_free(&b);
	r->state = st;
	return 0;
}

/* A list as a JSON array: numbers and booleans bare, other elements as
 * strings of their text, NULL elements (and NaN, infinities) as null. */
static void
json_list(struct strbuf *out, wb_list l, wb_type et, struct strbuf *tmp)
{
	sb_putc(out, '[');
	for (uint32_t k = 0; k < l.n; k++) {
		if (k)
			sb_putc(out, ',');
		struct wb_value e;
		list_get(l, et, k, &e);
		if (e.is_null || (et == WB_TYPE_DOUBLE && !isfinite(e.u.d))) {
			sb_add(out, "null", 4);
			continue;
		}
		switch (et) {
		case WB_TYPE_VARCHAR:
			json_put_string(out, e.u.s.p, e.u.s.n);
			break;
		case WB_TYPE_BIGINT:
		case WB_TYPE_DOUBLE:
		case WB_TYPE_BOOL:
			value_format(&e, out, "null");
			break;
		default:
			sb_clear(tmp);
			value_format(&e, tmp, "null");
			json_put_string(out, tmp->s, tmp->len);
		}
	}
	sb_putc(out, ']');
}

static void
json_value(struct strbuf *out, const struct vec *v, int i, struct strbuf *tmp)
{
	if (vec_is_null(v, i) || v->type == WB_TYPE_NULL) {
		sb_add(out, "null", 4);
		return;
	}
	switch (v->type) {
	case WB_TYPE_VARCHAR: {
		wb_str s = vec_str_at(v, i);
		json_put_string(out, s.p, s.n);
		return;
	}
	case WB_TYPE_DOUBLE: {
		double d = vec_f64(v)[v->kind == VEC_CONST ? 0 : i];
		if (!isfinite(d)) {
			sb_add(out, "null", 4);
			return;
		}
		render_format_value(v, i, out);
		return;
	}
	case WB_TYPE_BIGINT:
	case WB_TYPE_BOOL:
		render_format_value(v, i, out);
		return;
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
	case WB_TYPE_INTERVAL:
		/* their text, as a string */
		sb_clear(tmp);
		render_format_value(v, i, tmp);
		json_put_string(out, tmp->s, tmp->len);
		return;
	default:
		json_list(out, vec_list(v)[v->kind == VEC_CONST ? 0 : i], type_list_elem(v->type), tmp);
	}
}

static int
json_chunk(struct render_sink *r, const struct chunk *c, struct wb_error *err)
{
	struct json_state *st = r->state;
	struct strbuf *out = &r->buf;
	struct strbuf tmp = STRBUF_INIT;
	bool array = r->o.mode == RENDER_JSON;
	for (int i = 0; i < c->n; i++) {
		if (array)
			sb_add(out, r->rows + i == 0 ? "[" : ",\n", r->rows + i == 0 ? 1 : 2);
		sb_putc(out, '{');
		for (int col = 0; col < c->ncol; col++) {
			if (col > 0)
				sb_putc(out, ',');
			sb_add(out, st->keys[col], st->keylen[col]);
			json_value(out, &c->cols[col], i, &tmp);
		}
		sb_putc(out, '}');
		if (!array)
			sb_putc(out, '\n');
		if (out->len > (1u << 20) && render_flush(r, err) < 0) {
			sb_free(&tmp);
			return -1;
		}
	}
	sb_free(&tmp);
	return 0;
}

static int
json_end(struct render_sink *r, struct wb_error *err)
{
	/* An empty result is still a JSON text: [] */
	if (r->o.mode == RENDER_JSON)
		sb_puts(&r->buf, r->rows == 0 ? "[]\n" : "]\n");
	return 0;
}

const struct render_ops render_json_ops = {
	.begin = json_begin,
	.chunk = json_chunk,
	.end = json_end,
	.reset = json_reset,
	.print_messages = false,
};

const struct render_ops render_jsonl_ops = {
	.begin = json_begin,
	.chunk = json_chunk,
	.reset = json_reset,
	.print_messages = false,
};

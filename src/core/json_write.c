/*
 * json_write: JSON output - string escaping, DOM serialisation and the
 * streaming writer (see json.h). The renderers' json/jsonl modes and
 * EXPLAIN (FORMAT JSON) escape strings through json_put_string too, so
 * every JSON wb emits follows the same rules.
 */
#include "core/json.h"

#include "core/types.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
json_put_string(struct strbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sb_reserve(out, n + 2);
	sb_putc(out, '"');
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			int len = utf8_decode(p + i, n - i, &cp);
			if (len > 0) {
				i += (size_t)len;
				continue;
			}
		}
		sb_add(out, s + run, i - run);
		switch (c) {
		case '"': sb_add(out, "\\\"", 2); break;
		case '\\': sb_add(out, "\\\\", 2); break;
		case '\n': sb_add(out, "\\n", 2); break;
		case '\r': sb_add(out, "\\r", 2); break;
		case '\t': sb_add(out, "\\t", 2); break;
		case '\b': sb_add(out, "\\b", 2); break;
		case '\f': sb_add(out, "\\f", 2); break;
		default:
			if (c < 0x20) {
				char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				sb_add(out, u, 6);
			} else {
				sb_add(out, "\xEF\xBF\xBD", 3);   /* U+FFFD for a byte that is not UTF-8 */
			}
		}
		i++;
		run = i;
	}
	sb_add(out, s + run, n - run);
	sb_putc(out, '"');
}

static void
put_double(struct strbuf *out, double d)
{
	char buf[40];
	if (!isfinite(d)) {
		sb_add(out, "null", 4);
		return;
	}
	int len = format_double(d, buf);
	/* format_double may write an integral double as "3"; that is valid
	 * JSON, but it would read back as an integer, so keep it a double. */
	bool has_mark = memchr(buf, '.', (size_t)len) || memchr(buf, 'e', (size_t)len) ||
	    memchr(buf, 'E', (size_t)len);
	sb_add(out, buf, (size_t)len);
	if (!has_mark)
		sb_add(out, ".0", 2);
}

void
json_write(struct strbuf *out, const struct json *v)
{
	char buf[32];
	switch (v->type) {
	case JSON_NULL:
		sb_add(out, "null", 4);
		break;
	case JSON_BOOL:
		if (v->u.b)
			sb_add(out, "true", 4);
		else
			sb_add(out, "false", 5);
		break;
	case JSON_INT:
		sb_add(out, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, v->u.i));
		break;
	case JSON_DOUBLE:
		if (v->text != NULL)
			sb_add(out, v->text, strlen(v->text));
		else
			put_double(out, v->u.d);
		break;
	case JSON_STRING:
		json_put_string(out, v->u.s, v->n);
		break;
	case JSON_ARRAY:
		sb_putc(out, '[');
		for (uint32_t i = 0; i < v->n; i++) {
			if (i > 0)
				sb_putc(out, ',');
			json_write(out, &v->u.items[i]);
		}
		sb_putc(out, ']');
		break;
	case JSON_OBJECT:
		sb_putc(out, '{');
		for (uint32_t i = 0; i < v->n; i++) {
			if (i > 0)
				sb_putc(out, ',');
			json_put_string(out, v->u.members[i].key, v->u.members[i].keylen);
			sb_putc(out, ':');
			json_write(out, &v->u.members[i].value);
		}
		sb_putc(out, '}');
		break;
	}
}

const struct json *
json_get(const struct json *v, const char *key)
{
	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	size_t kl = strlen(key);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct json_member *m = &v->u.members[i];
		if (m->keylen == kl && memcmp(m->key, key, kl) == 0)
			return &m->value;
	}
	return NULL;
}

bool
json_get_int(const struct json *obj, const char *key, int64_t *out)
{
	const struct json *v = json_get(obj, key);
	if (!json_is(v, JSON_INT))
		return false;
	*out = v->u.i;
	return true;
}

bool
json_get_bool(const struct json *obj, const char *key, bool *out)
{
	const struct json *v = json_get(obj, key);
	if (!json_is(v, JSON_BOOL))
		return false;
	*out = v->u.b;
	return true;
}

const char *
json_get_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);
	return json_is(v, JSON_STRING) ? v->u.s : NULL;
}

const char *
json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "boolean";
	case JSON_INT: return "integer";
	case JSON_DOUBLE: return "number";
	case JSON_STRING: return "string";
	case JSON_ARRAY: return "array";
	case JSON_OBJECT: return "object";
	}
	return "?";
}

/* ---- streaming writer ---- */

void
json_w_init(struct json_writer *w, struct strbuf *out)
{
	w->out = out;
	w->depth = 0;
	w->first[0] = true;
	w->in_object[0] = false;
	w->after_key = false;
}

/* Separator before a value (or a key) at the current level. */
static void
before_item(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		sb_putc(w->out, ',');
	w->first[w->depth] = false;
}

static void
open_level(struct json_writer *w, char c, bool obj)
{
	before_item(w);
	if (w->depth >= JSON_W_MAX_DEPTH) {
		fprintf(stderr, "wb: internal error: json_writer nested deeper than %d\n", JSON_W_MAX_DEPTH);
		abort();
	}
	sb_putc(w->out, c);
	w->depth++;
	w->first[w->depth] = true;
	w->in_object[w->depth] = obj;
}

void
json_w_object(struct json_writer *w)
{
	open_level(w, '{', true);
}

void
json_w_array(struct json_writer *w)
{
	open_level(w, '[', false);
}

void
json_w_end(struct json_writer *w)
{
	if (w->depth == 0) {
		fprintf(stderr, "wb: internal error: json_w_end without an open object or array\n");
		abort();
	}
	sb_putc(w->out, w->in_object[w->depth] ? '}' : ']');
	w->depth--;
}

void
json_w_key(struct json_writer *w, const char *key)
{
	before_item(w);
	json_put_string(w->out, key, strlen(key));
	sb_putc(w->out, ':');
	w->after_key = true;
}

void
json_w_stringn(struct json_writer *w, const char *s, size_t n)
{
	before_item(w);
	json_put_string(w->out, s, n);
}

void
json_w_string(struct json_writer *w, const char *s)
{
	if (s == NULL)
		json_w_null(w);
	else
		json_w_stringn(w, s, strlen(s));
}

void
json_w_int(struct json_writer *w, int64_t v)
{
	char buf[32];
	before_item(w);
	sb_add(w->out, buf, (size_t)snprintf(buf, sizeof buf, "%" PRId64, v));
}

void
json_w_double(struct json_writer *w, double d)
{
	before_item(w);
	put_double(w->out, d);
}

void
json_w_bool(struct json_writer *w, bool b)
{
	before_item(w);
	sb_puts(w->out, b ? "true" : "false");
}

void
json_w_null(struct json_writer *w)
{
	before_item(w);
	sb_add(w->out, "null", 4);
}

void
json_w_raw(struct json_writer *w, const char *json, size_t n)
{
	before_item(w);
	sb_add(w->out, json, n);
}

void
json_w_value(struct json_writer *w, const struct json *v)
{
	before_item(w);
	json_write(w->out, v);
}

void
json_string_array(struct strbuf *out, const char *const *v, int n)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_array(&w);
	for (int i = 0; i < n; i++)
		json_w_string(&w, v[i]);
	json_w_end(&w);
}

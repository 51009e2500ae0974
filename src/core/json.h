/*
 * json: a strict RFC 8259 parser into an arena-allocated DOM, and a
 * compact writer.
 *
 * Parsing. json_parse() reads exactly one JSON text (surrounding white
 * space allowed, nothing else) and returns its root value, or NULL with a
 * json_error saying where (byte offset, 1-based line and column counted in
 * characters) and what was expected. Strict means: no comments, trailing
 * commas, single quotes, leading zeros, "+1", ".5", NaN/Infinity, control
 * characters in strings, invalid UTF-8 (anywhere), lone surrogate escapes,
 * and - unless JSON_ALLOW_DUPLICATE_KEYS - no repeated member names.
 *
 * Ownership: every node, string and member array of the result lives in
 * the arena passed to json_parse() and dies with it; the input text may be
 * freed as soon as json_parse() returns.
 *
 * Values:
 *   JSON_INT     a number written without fraction or exponent that fits
 *                int64_t ("-0" is not one: it is DOUBLE -0.0)
 *   JSON_DOUBLE  any other number; `text` keeps the number exactly as
 *                written, so 12345678901234567890 or 0.1000 are written
 *                back unchanged by json_write()
 *   JSON_STRING  decoded (escapes resolved, \uXXXX surrogate pairs joined)
 *                UTF-8, NUL-terminated; `n` bytes, which may include NULs
 *   JSON_ARRAY   `n` items in u.items[]
 *   JSON_OBJECT  `n` members in u.members[], in document order
 *
 * Writing. json_put_string() escapes any bytes into a JSON string (invalid
 * UTF-8 becomes U+FFFD, because a JSON text must be UTF-8); json_write()
 * serialises a DOM compactly; struct json_writer streams a document with
 * the commas and colons placed for the caller.
 */
#ifndef WB_CORE_JSON_H
#define WB_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/strbuf.h"

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT,
	JSON_DOUBLE,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_member;

struct json {
	enum json_type type;
	uint32_t n;          /* STRING bytes, ARRAY items, OBJECT members */
	size_t off;          /* byte offset of the value in the parsed text */
	union {
		bool b;
		int64_t i;
		double d;
		const char *s;
		struct json *items;
		struct json_member *members;
	} u;
	const char *text;    /* DOUBLE: the number as written (NUL-terminated) */
};

struct json_member {
	const char *key;     /* decoded, NUL-terminated */
	uint32_t keylen;
	struct json value;
};

/* Flags for json_parse(). */
#define JSON_ALLOW_DUPLICATE_KEYS 1   /* keep every member; json_get finds the first */

/* Default and hard limit of nesting depth: deeper input is an error rather
 * than a stack overflow. */
#define JSON_MAX_DEPTH 512

struct json_error {
	size_t offset;       /* byte offset of the problem */
	int line;            /* 1-based */
	int col;             /* 1-based, in characters (UTF-8 sequences) */
	char msg[160];       /* "expected ',' or '}' after an object member, found 'x'" */
};

/* Parse text[0..len) (need not be NUL-terminated). Returns the root, or
 * NULL with *je filled. */
struct json *json_parse(const char *text, size_t len, struct arena *a, int flags,
    struct json_error *je);
/* The same with the error as a wb_error: "<what> <line>:<col>: <msg>",
 * e.g. what = "commit file /t/_delta_log/00..01.json line 3," */
struct json *json_parse_err(const char *text, size_t len, struct arena *a, int flags,
    const char *what, struct wb_error *err);

/* Object member by name (first match), or NULL if absent or v is not an
 * object. */
const struct json *json_get(const struct json *v, const char *key);
/* Accessors that tolerate NULL and wrong types by returning false / NULL;
 * callers turn that into a message naming the field. */
static inline bool json_is(const struct json *v, enum json_type t) { return v != NULL && v->type == t; }
bool json_get_int(const struct json *obj, const char *key, int64_t *out);
bool json_get_bool(const struct json *obj, const char *key, bool *out);
/* A string member, or NULL (also for JSON null). */
const char *json_get_str(const struct json *obj, const char *key);
const char *json_type_name(enum json_type t);   /* "string", "object", ... */

/* Append s[0..n) as a quoted JSON string. Control characters become \n,
 * \t, ... or \u00XX; '"' and '\' are escaped; other bytes are copied, except
 * that bytes which are not valid UTF-8 become U+FFFD. Never fails. */
void json_put_string(struct strbuf *out, const char *s, size_t n);
/* Append v compactly (no white space). Doubles without text are written
 * in the shortest form that reads back exactly; NaN and infinities (which
 * JSON cannot express) as null. */
void json_write(struct strbuf *out, const struct json *v);

/* Streaming writer:
 *   struct json_writer w; json_w_init(&w, &buf);
 *   json_w_object(&w); json_w_key(&w, "a"); json_w_int(&w, 1); json_w_end(&w);
 * produces {"a":1}. Separators are inserted automatically; the caller must
 * pair each json_w_object/json_w_array with json_w_end and put a key before
 * each value inside an object. Nesting deeper than JSON_W_MAX_DEPTH aborts
 * (a programming error, not input). */
#define JSON_W_MAX_DEPTH 64
struct json_writer {
	struct strbuf *out;
	int depth;
	bool first[JSON_W_MAX_DEPTH + 1];   /* nothing written yet at this level */
	bool in_object[JSON_W_MAX_DEPTH + 1];
	bool after_key;
};
void json_w_init(struct json_writer *w, struct strbuf *out);
void json_w_object(struct json_writer *w);
void json_w_array(struct json_writer *w);
void json_w_end(struct json_writer *w);
void json_w_key(struct json_writer *w, const char *key);
void json_w_string(struct json_writer *w, const char *s);            /* NULL -> null */
void json_w_stringn(struct json_writer *w, const char *s, size_t n);
void json_w_int(struct json_writer *w, int64_t v);
void json_w_double(struct json_writer *w, double d);                 /* non-finite -> null */
void json_w_bool(struct json_writer *w, bool b);
void json_w_null(struct json_writer *w);
/* Insert an already serialised JSON value (trusted to be valid). */
void json_w_raw(struct json_writer *w, const char *json, size_t n);
void json_w_value(struct json_writer *w, const struct json *v);
/* Append the JSON array of strings v[0..n) (["a","b"]) to out. */
void json_string_array(struct strbuf *out, const char *const *v, int n);

#endif

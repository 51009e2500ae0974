/*
 * json_parse: the strict recursive-descent JSON parser (see json.h).
 *
 * Speed comes from three things: strings without escapes or non-ASCII
 * bytes are found with a tight scan and copied once; container children
 * are collected on one reusable scratch stack and copied to the arena in
 * a single block when the container closes (no per-child allocation, no
 * linked lists); and integers are converted while they are scanned.
 */
#include "core/json.h"

#include "core/hash.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const unsigned char *start, *p, *end;
	struct arena *a;
	int flags;
	int depth;
	struct json_error *je;
	bool failed;
	struct json *vals;           /* scratch stack of array items */
	size_t nvals, capvals;
	struct json_member *mems;    /* scratch stack of object members */
	size_t nmems, capmems;
	struct strbuf sb;            /* strings with escapes are decoded here */
};

static bool parse_value(struct jp *jp, struct json *out);

/* Describe the character at q for "found ..." (into buf). */
static const char *
describe(const struct jp *jp, const unsigned char *q, char *buf, size_t bufsz)
{
	if (q >= jp->end)
		return "end of input";
	unsigned char c = *q;
	if (c == '\n' || c == '\r')
		return "a line break";
	if (c == '\t')
		return "a tab";
	if (c >= 0x20 && c < 0x7f) {
		snprintf(buf, bufsz, "'%c'", c);
		return buf;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(buf, bufsz, "control character 0x%02x", c);
		return buf;
	}
	uint32_t cp;
	int len = utf8_decode(q, (size_t)(jp->end - q), &cp);
	if (len == 0)
		snprintf(buf, bufsz, "invalid UTF-8 byte 0x%02x", c);
	else
		snprintf(buf, bufsz, "'%.*s' (U+%04X)", len, (const char *)q, (unsigned)cp);
	return buf;
}

/* Record the first error at q: message plus line and column. */
static bool __attribute__((format(printf, 3, 4)))
fail(struct jp *jp, const unsigned char *q, const char *fmt, ...)
{
	if (jp->failed)
		return false;
	jp->failed = true;
	if (q > jp->end)
		q = jp->end;
	struct json_error *je = jp->je;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(je->msg, sizeof je->msg, fmt, ap);
	va_end(ap);
	je->offset = (size_t)(q - jp->start);
	je->line = 1;
	const unsigned char *ls = jp->start;
	for (const unsigned char *r = jp->start; r < q; r++)
		if (*r == '\n') {
			je->line++;
			ls = r + 1;
		}
	je->col = 1;
	for (const unsigned char *r = ls; r < q; r++)
		if ((*r & 0xC0) != 0x80)
			je->col++;
	return false;
}

static inline void
skip_ws(struct jp *jp)
{
	const unsigned char *p = jp->p, *end = jp->end;
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	jp->p = p;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at q (the XXXX of \uXXXX). */
static bool
hex4(struct jp *jp, const unsigned char *q, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = q + i < jp->end ? hexval(q[i]) : -1;
		if (h < 0) {
			char b[48];
			return fail(jp, q + i, "expected 4 hex digits after \\u, found %s",
			    describe(jp, q + i, b, sizeof b));
		}
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return true;
}

/* A string starting at the opening quote; the decoded bytes go to the
 * arena (NUL-terminated). */
static bool
parse_string(struct jp *jp, const char **out, uint32_t *outlen)
{
	const unsigned char *open = jp->p;
	const unsigned char *p = open + 1, *end = jp->end, *run = p;
	char b[48];
	/* fast path: printable ASCII without escapes */
	while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
		p++;
	if (p < end && *p == '"') {
		size_t n = (size_t)(p - run);
		if (n > UINT32_MAX)
			return fail(jp, open, "string longer than 4 GiB");
		*out = arena_strndup(jp->a, (const char *)run, n);
		*outlen = (uint32_t)n;
		jp->p = p + 1;
		return true;
	}
	struct strbuf *sb = &jp->sb;
	sb_clear(sb);
	for (;;) {
		if (p >= end) {
			sb_add(sb, (const char *)run, (size_t)(p - run));
			return fail(jp, p, "expected '\"' to end the string that starts at byte %zu, found end of input",
			    (size_t)(open - jp->start) + 1);
		}
		unsigned char c = *p;
		if (c == '"')
			break;
		if (c >= 0x20 && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			int len = utf8_decode(p, (size_t)(end - p), &cp);
			if (len == 0)
				return fail(jp, p, "invalid UTF-8 byte 0x%02x in a string (JSON text must be UTF-8)", c);
			p += len;
			continue;
		}
		if (c < 0x20)
			return fail(jp, p, "control character 0x%02x in a string: write it as \\u%04x", c, c);
		/* an escape */
		sb_add(sb, (const char *)run, (size_t)(p - run));
		if (p + 1 >= end)
			return fail(jp, p + 1, "expected an escape character after '\\', found end of input");
		unsigned char e = p[1];
		char ch;
		switch (e) {
		case '"': ch = '"'; break;
		case '\\': ch = '\\'; break;
		case '/': ch = '/'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'u': {
			uint32_t cp;
			if (!hex4(jp, p + 2, &cp))
				return false;
			const unsigned char *esc = p;
			p += 6;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(jp, esc, "lone low surrogate \\u%04X: it must follow a high surrogate \\uD800..\\uDBFF",
				    (unsigned)cp);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo;
				if (p + 1 >= end || p[0] != '\\' || p[1] != 'u')
					return fail(jp, esc, "lone high surrogate \\u%04X: expected a low surrogate \\uDC00..\\uDFFF to follow",
					    (unsigned)cp);
				if (!hex4(jp, p + 2, &lo))
					return false;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(jp, esc, "high surrogate \\u%04X is followed by \\u%04X, not by a low surrogate \\uDC00..\\uDFFF",
					    (unsigned)cp, (unsigned)lo);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			char u[4];
			sb_add(sb, u, (size_t)utf8_encode(cp, u));
			run = p;
			continue;
		}
		default:
			if (e >= 0x20 && e < 0x7f)
				return fail(jp, p, "invalid escape '\\%c': expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", e);
			return fail(jp, p, "invalid escape: '\\' followed by %s", describe(jp, p + 1, b, sizeof b));
		}
		sb_putc(sb, ch);
		p += 2;
		run = p;
	}
	sb_add(sb, (const char *)run, (size_t)(p - run));
	if (sb->len > UINT32_MAX)
		return fail(jp, open, "string longer than 4 GiB");
	*out = arena_strndup(jp->a, sb_str(sb), sb->len);
	*outlen = (uint32_t)sb->len;
	jp->p = p + 1;
	return true;
}

static bool
parse_number(struct jp *jp, struct json *out)
{
	const unsigned char *s = jp->p, *p = s, *end = jp->end;
	char b[48];
	bool neg = false, integral = true, overflow = false;
	uint64_t mag = 0;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p < end && *p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			return fail(jp, p - 1, "leading zeros are not allowed in numbers");
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');
			if (mag > (UINT64_MAX - d) / 10)
				overflow = true;
			else
				mag = mag * 10 + d;
			p++;
		}
	} else {
		return fail(jp, p, "expected a digit after '-', found %s", describe(jp, p, b, sizeof b));
	}
	if (p < end && *p == '.') {
		integral = false;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(jp, p, "expected a digit after the decimal point, found %s", describe(jp, p, b, sizeof b));
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		integral = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(jp, p, "expected a digit in the exponent, found %s", describe(jp, p, b, sizeof b));
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	out->off = (size_t)(s - jp->start);
	jp->p = p;
	if (integral && !overflow) {
		if (!neg && mag <= (uint64_t)INT64_MAX) {
			out->type = JSON_INT;
			out->u.i = (int64_t)mag;
			return true;
		}
		if (neg && mag != 0 && mag <= (uint64_t)INT64_MAX + 1) {
			out->type = JSON_INT;
			out->u.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
			return true;
		}
	}
	size_t n = (size_t)(p - s);
	if (n > UINT32_MAX)
		return fail(jp, s, "number longer than 4 GiB");
	char *text = arena_strndup(jp->a, (const char *)s, n);
	out->type = JSON_DOUBLE;
	out->u.d = strtod(text, NULL);
	out->text = text;
	out->n = (uint32_t)n;
	return true;
}

static bool
literal(struct jp *jp, const char *word, size_t n)
{
	if ((size_t)(jp->end - jp->p) >= n && memcmp(jp->p, word, n) == 0) {
		jp->p += n;
		return true;
	}
	const unsigned char *q = jp->p;
	while (q < jp->end && (size_t)(q - jp->p) < n && *q == (unsigned char)word[q - jp->p])
		q++;
	char b[48];
	return fail(jp, q, "invalid literal: expected '%s', found %s", word, describe(jp, q, b, sizeof b));
}

static bool
key_equal(const struct json_member *a, const struct json_member *b)
{
	return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

/* Members m[0..n) with a repeated key: index of the second occurrence of
 * the first repeated key, or -1. */
static long
find_duplicate(const struct json_member *m, size_t n)
{
	if (n < 2)
		return -1;
	if (n <= 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (key_equal(&m[i], &m[j]))
					return (long)i;
		return -1;
	}
	size_t cap = 32;
	while (cap < 2 * n)
		cap <<= 1;
	uint32_t *slot = xcalloc(cap, sizeof *slot);   /* index + 1; 0 = empty */
	long dup = -1;
	for (size_t i = 0; i < n && dup < 0; i++) {
		size_t h = (size_t)hash_bytes(m[i].key, m[i].keylen) & (cap - 1);
		while (slot[h] != 0) {
			if (key_equal(&m[slot[h] - 1], &m[i])) {
				dup = (long)i;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		slot[h] = (uint32_t)i + 1;
	}
	free(slot);
	return dup;
}

static bool
parse_object(struct jp *jp, struct json *out)
{
	const unsigned char *open = jp->p;
	char b[48];
	if (++jp->depth > JSON_MAX_DEPTH)
		return fail(jp, open, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	size_t base = jp->nmems;
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == '}') {
		jp->p++;
	} else {
		for (;;) {
			if (jp->p >= jp->end || *jp->p != '"')
				return fail(jp, jp->p, jp->nmems == base
				    ? "expected a string key or '}' in an object, found %s"
				    : "expected a string key after ',' in an object, found %s",
				    describe(jp, jp->p, b, sizeof b));
			struct json_member m;
			if (!parse_string(jp, &m.key, &m.keylen))
				return false;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return fail(jp, jp->p, "expected ':' after the object key \"%.40s\", found %s",
				    m.key, describe(jp, jp->p, b, sizeof b));
			jp->p++;
			skip_ws(jp);
			if (!parse_value(jp, &m.value))
				return false;
			if (jp->nmems == jp->capmems)
				jp->mems = xgrow(jp->mems, &jp->capmems, jp->nmems + 1, sizeof *jp->mems);
			jp->mems[jp->nmems++] = m;
			skip_ws(jp);
			if (jp->p < jp->end && *jp->p == ',') {
				jp->p++;
				skip_ws(jp);
				continue;
			}
			if (jp->p < jp->end && *jp->p == '}') {
				jp->p++;
				break;
			}
			return fail(jp, jp->p, "expected ',' or '}' after an object member, found %s",
			    describe(jp, jp->p, b, sizeof b));
		}
	}
	size_t n = jp->nmems - base;
	if (n > UINT32_MAX)
		return fail(jp, open, "object with more than 2^32 members");
	struct json_member *m = n > 0 ? jp->mems + base : NULL;
	if (n > 0 && !(jp->flags & JSON_ALLOW_DUPLICATE_KEYS)) {
		long d = find_duplicate(m, n);
		if (d >= 0)
			return fail(jp, jp->start + m[d].value.off, "duplicate object key \"%.60s\"", m[d].key);
	}
	out->type = JSON_OBJECT;
	out->off = (size_t)(open - jp->start);
	out->n = (uint32_t)n;
	out->u.members = NULL;
	if (n > 0) {
		out->u.members = arena_alloc(jp->a, n * sizeof *m);
		memcpy(out->u.members, m, n * sizeof *m);
	}
	jp->nmems = base;
	jp->depth--;
	return true;
}

static bool
parse_array(struct jp *jp, struct json *out)
{
	const unsigned char *open = jp->p;
	char b[48];
	if (++jp->depth > JSON_MAX_DEPTH)
		return fail(jp, open, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	size_t base = jp->nvals;
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == ']') {
		jp->p++;
	} else {
		for (;;) {
			struct json v;
			if (!parse_value(jp, &v))
				return false;
			if (jp->nvals == jp->capvals)
				jp->vals = xgrow(jp->vals, &jp->capvals, jp->nvals + 1, sizeof *jp->vals);
			jp->vals[jp->nvals++] = v;
			skip_ws(jp);
			if (jp->p < jp->end && *jp->p == ',') {
				jp->p++;
				skip_ws(jp);
				continue;
			}
			if (jp->p < jp->end && *jp->p == ']') {
				jp->p++;
				break;
			}
			return fail(jp, jp->p, "expected ',' or ']' after an array element, found %s",
			    describe(jp, jp->p, b, sizeof b));
		}
	}
	size_t n = jp->nvals - base;
	if (n > UINT32_MAX)
		return fail(jp, open, "array with more than 2^32 elements");
	out->type = JSON_ARRAY;
	out->off = (size_t)(open - jp->start);
	out->n = (uint32_t)n;
	out->u.items = NULL;
	if (n > 0) {
		out->u.items = arena_alloc(jp->a, n * sizeof *out->u.items);
		memcpy(out->u.items, jp->vals + base, n * sizeof *out->u.items);
	}
	jp->nvals = base;
	jp->depth--;
	return true;
}

/* A value at jp->p (white space already skipped). */
static bool
parse_value(struct jp *jp, struct json *out)
{
	char b[48];
	memset(out, 0, sizeof *out);
	if (jp->p >= jp->end)
		return fail(jp, jp->p, "expected a value, found end of input");
	out->off = (size_t)(jp->p - jp->start);
	switch (*jp->p) {
	case '{':
		return parse_object(jp, out);
	case '[':
		return parse_array(jp, out);
	case '"':
		out->type = JSON_STRING;
		return parse_string(jp, &out->u.s, &out->n);
	case 't':
		out->type = JSON_BOOL;
		out->u.b = true;
		return literal(jp, "true", 4);
	case 'f':
		out->type = JSON_BOOL;
		return literal(jp, "false", 5);
	case 'n':
		out->type = JSON_NULL;
		return literal(jp, "null", 4);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(jp, out);
	default:
		return fail(jp, jp->p, "expected a value (object, array, string, number, true, false or null), found %s",
		    describe(jp, jp->p, b, sizeof b));
	}
}

struct json *
json_parse(const char *text, size_t len, struct arena *a, int flags, struct json_error *je)
{
	struct jp jp = {0};
	struct json_error spare;
	jp.start = jp.p = (const unsigned char *)(text != NULL ? text : "");
	jp.end = jp.start + len;
	jp.a = a;
	jp.flags = flags;
	jp.je = je != NULL ? je : &spare;
	sb_init(&jp.sb);
	struct json root;
	struct json *res = NULL;
	skip_ws(&jp);
	if (parse_value(&jp, &root)) {
		skip_ws(&jp);
		if (jp.p < jp.end) {
			char b[48];
			fail(&jp, jp.p, "unexpected %s after the JSON value", describe(&jp, jp.p, b, sizeof b));
		} else {
			res = arena_alloc(a, sizeof *res);
			*res = root;
		}
	}
	free(jp.vals);
	free(jp.mems);
	sb_free(&jp.sb);
	return res;
}

struct json *
json_parse_err(const char *text, size_t len, struct arena *a, int flags, const char *what,
    struct wb_error *err)
{
	struct json_error je;
	struct json *v = json_parse(text, len, a, flags, &je);
	if (v == NULL)
		err_set(err, -1, "%s:%d:%d: %s", what != NULL ? what : "JSON", je.line, je.col, je.msg);
	return v;
}

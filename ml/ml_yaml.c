/*
 * ml_yaml: the YAML subset of MLflow's meta.yaml files (see ml_yaml.h),
 * and atomic file writes.
 *
 * The writer follows PyYAML 6's emitter for the one shape MLflow writes -
 * a top-level block mapping whose values are scalars, [] / {} or lists of
 * strings - step by step: the same scalar analysis (which styles a string
 * allows), the same implicit resolver (a string that would read back as a
 * bool, int, float, null, timestamp, '<<' or '=' is quoted), the same
 * column bookkeeping in characters (not bytes) and folding at width 80
 * with a two-space indent. Columns and analysis work on code points, so
 * the UTF-8 text is decoded first (and invalid UTF-8 refused).
 */
#include "ml/ml_yaml.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ the mapping */

static void
val_free(struct ml_yaml_val *v)
{
	free(v->s);
	for (int i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		val_free(&v->items[i]);
	}
	free(v->keys);
	free(v->items);
	memset(v, 0, sizeof *v);
}

void
ml_yaml_free(struct ml_yaml *y)
{
	for (int i = 0; i < y->n; i++) {
		free(y->keys[i]);
		val_free(&y->vals[i]);
	}
	free(y->keys);
	free(y->vals);
	memset(y, 0, sizeof *y);
}

static int
find_key(const struct ml_yaml *y, const char *key)
{
	for (int i = 0; i < y->n; i++)
		if (strcmp(y->keys[i], key) == 0)
			return i;
	return -1;
}

/* Store v (taken over) under key, replacing an earlier value. */
static void
put(struct ml_yaml *y, const char *key, struct ml_yaml_val v)
{
	int i = find_key(y, key);
	if (i >= 0) {
		val_free(&y->vals[i]);
		y->vals[i] = v;
		return;
	}
	if (y->n == y->cap) {
		y->cap = y->cap ? 2 * y->cap : 16;
		y->keys = xrealloc(y->keys, (size_t)y->cap * sizeof *y->keys);
		y->vals = xrealloc(y->vals, (size_t)y->cap * sizeof *y->vals);
	}
	y->keys[y->n] = xstrdup(key);
	y->vals[y->n++] = v;
}

const struct ml_yaml_val *
ml_yaml_get(const struct ml_yaml *y, const char *key)
{
	int i = find_key(y, key);
	return i < 0 ? NULL : &y->vals[i];
}

const char *
ml_yaml_text(const struct ml_yaml *y, const char *key)
{
	const struct ml_yaml_val *v = ml_yaml_get(y, key);
	return v && (v->kind == ML_YAML_STR || v->kind == ML_YAML_INT) ? v->s : NULL;
}

/* A whole decimal integer, optionally signed, with no other characters. */
static bool
parse_dec(const char *s, int64_t *out)
{
	if (s == NULL || *s == '\0')
		return false;
	char *e;
	errno = 0;
	long long v = strtoll(s, &e, 10);
	if (*e != '\0' || errno == ERANGE || !(s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
		return false;
	*out = v;
	return true;
}

bool
ml_yaml_int(const struct ml_yaml *y, const char *key, int64_t *out)
{
	const struct ml_yaml_val *v = ml_yaml_get(y, key);
	if (v == NULL)
		return false;
	if (v->kind == ML_YAML_INT) {
		*out = v->i;
		return true;
	}
	return v->kind == ML_YAML_STR && parse_dec(v->s, out);
}

void
ml_yaml_unset(struct ml_yaml *y, const char *key)
{
	int i = find_key(y, key);
	if (i < 0)
		return;
	free(y->keys[i]);
	val_free(&y->vals[i]);
	memmove(y->keys + i, y->keys + i + 1, (size_t)(y->n - i - 1) * sizeof *y->keys);
	memmove(y->vals + i, y->vals + i + 1, (size_t)(y->n - i - 1) * sizeof *y->vals);
	y->n--;
}

void
ml_yaml_set_str(struct ml_yaml *y, const char *key, const char *s)
{
	if (s == NULL) {
		ml_yaml_set_null(y, key);
		return;
	}
	put(y, key, (struct ml_yaml_val){.kind = ML_YAML_STR, .s = xstrdup(s)});
}

void
ml_yaml_set_int(struct ml_yaml *y, const char *key, int64_t v)
{
	put(y, key, (struct ml_yaml_val){.kind = ML_YAML_INT, .s = xasprintf("%lld", (long long)v), .i = v,
	    .plain = true});
}

void
ml_yaml_set_null(struct ml_yaml *y, const char *key)
{
	put(y, key, (struct ml_yaml_val){.kind = ML_YAML_NULL});
}

void
ml_yaml_set_list(struct ml_yaml *y, const char *key, int n, char *const *items)
{
	struct ml_yaml_val v = {.kind = ML_YAML_LIST, .n = n};
	if (n > 0) {
		v.items = xcalloc((size_t)n, sizeof *v.items);
		for (int i = 0; i < n; i++)
			v.items[i] = (struct ml_yaml_val){.kind = ML_YAML_STR, .s = xstrdup(items[i])};
	}
	put(y, key, v);
}

void
ml_yaml_set_empty_map(struct ml_yaml *y, const char *key)
{
	put(y, key, (struct ml_yaml_val){.kind = ML_YAML_MAP});
}

void
ml_yaml_set_map(struct ml_yaml *y, const char *key, int n, char *const *keys, char *const *vals)
{
	struct ml_yaml_val v = {.kind = ML_YAML_MAP, .n = n};
	if (n > 0) {
		v.keys = xcalloc((size_t)n, sizeof *v.keys);
		v.items = xcalloc((size_t)n, sizeof *v.items);
		for (int i = 0; i < n; i++) {
			v.keys[i] = xstrdup(keys[i]);
			v.items[i] = (struct ml_yaml_val){.kind = ML_YAML_STR, .s = xstrdup(vals[i])};
		}
	}
	put(y, key, v);
}

/* ------------------------------------------------------------ PyYAML's implicit resolver */

static bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* [0-9_]* from *p */
static void
skip_dig_(const char **p)
{
	while (isdig(**p) || **p == '_')
		(*p)++;
}

/* (?::[0-5]?[0-9])+ : at least one group. Greedy is enough: what may
 * follow (end, or '.') can never be a digit. */
static bool
sexagesimal(const char **p)
{
	int groups = 0;
	while (**p == ':') {
		const char *q = *p + 1;
		if (*q >= '0' && *q <= '5' && isdig(q[1]))
			q += 2;
		else if (isdig(*q))
			q += 1;
		else
			break;
		*p = q;
		groups++;
	}
	return groups > 0;
}

static bool
is_yaml_int(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && p[1] == 'b') {
		p += 2;
		if (*p != '0' && *p != '1' && *p != '_')
			return false;
		while (*p == '0' || *p == '1' || *p == '_')
			p++;
		return *p == '\0';
	}
	if (p[0] == '0' && p[1] == 'x') {
		p += 2;
		const char *h = p;
		while (isdig(*p) || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') || *p == '_')
			p++;
		return p > h && *p == '\0';
	}
	if (p[0] == '0') {
		/* 0 alone, or octal 0[0-7_]+ */
		p++;
		while ((*p >= '0' && *p <= '7') || *p == '_')
			p++;
		return *p == '\0';
	}
	if (*p < '1' || *p > '9')
		return false;
	p++;
	skip_dig_(&p);
	if (*p == '\0')
		return true;
	return sexagesimal(&p) && *p == '\0';
}

static bool
exponent_end(const char *p)
{
	if (*p == '\0')
		return true;
	if (*p != 'e' && *p != 'E')
		return false;
	p++;
	if (*p != '-' && *p != '+')
		return false;
	p++;
	if (!isdig(*p))
		return false;
	while (isdig(*p))
		p++;
	return *p == '\0';
}

static bool
is_yaml_float(const char *s)
{
	const char *p = s;
	if (p[0] == '.') {
		/* \.[0-9][0-9_]*(exp)? | \.(nan|NaN|NAN) | \.(inf|Inf|INF) */
		if (isdig(p[1])) {
			p += 2;
			skip_dig_(&p);
			return exponent_end(p);
		}
		return strcmp(p, ".nan") == 0 || strcmp(p, ".NaN") == 0 || strcmp(p, ".NAN") == 0 ||
		    strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '.')
		return strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0;
	if (!isdig(*p))
		return false;
	p++;
	skip_dig_(&p);
	if (*p == '.') {
		p++;
		skip_dig_(&p);
		return exponent_end(p);
	}
	if (!sexagesimal(&p) || *p != '.')
		return false;
	p++;
	skip_dig_(&p);
	return *p == '\0';
}

static int
ndig(const char *p)
{
	int n = 0;
	while (isdig(p[n]))
		n++;
	return n;
}

static bool
is_yaml_timestamp(const char *s)
{
	const char *p = s;
	if (ndig(p) < 4 || p[4] != '-')
		return false;
	p += 5;
	if (ndig(p) == 2 && p[2] == '-' && ndig(p + 3) == 2 && p[5] == '\0')
		return true;  /* YYYY-MM-DD */
	/* YYYY-M[M]-D[D](T|[ \t]+)H[H]:MM:SS(.f*)?([ \t]*(Z|[-+]H[H](:MM)?))? */
	int k = ndig(p);
	if (k < 1 || k > 2 || p[k] != '-')
		return false;
	p += k + 1;
	k = ndig(p);
	if (k < 1 || k > 2)
		return false;
	p += k;
	if (*p == 'T' || *p == 't')
		p++;
	else if (*p == ' ' || *p == '\t')
		while (*p == ' ' || *p == '\t')
			p++;
	else
		return false;
	k = ndig(p);
	if (k < 1 || k > 2 || p[k] != ':' || ndig(p + k + 1) < 2 || p[k + 3] != ':' || ndig(p + k + 4) < 2)
		return false;
	p += k + 6;
	if (*p == '.') {
		p++;
		while (isdig(*p))
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return true;
	if (*p == 'Z')
		return p[1] == '\0';
	if (*p != '-' && *p != '+')
		return false;
	p++;
	k = ndig(p);
	if (k < 1 || k > 2)
		return false;
	p += k;
	if (*p == ':') {
		if (ndig(p + 1) != 2)
			return false;
		p += 3;
	}
	return *p == '\0';
}

/* Would PyYAML read s, written plain, as something other than a string?
 * Its resolvers are chosen by the first character. */
static bool
resolves_non_str(const char *s)
{
	static const char *const bools[] = {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
	    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
	char c = s[0];
	if (c == '\0')
		return true;  /* null */
	if (strchr("yYnNtTfFoO", c))
		for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
			if (strcmp(s, bools[i]) == 0)
				return true;
	if (strchr("-+0123456789.", c) && is_yaml_float(s))
		return true;
	if (strchr("-+0123456789", c) && is_yaml_int(s))
		return true;
	if (strcmp(s, "<<") == 0 || strcmp(s, "=") == 0 || strcmp(s, "~") == 0)
		return true;
	if (strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return true;
	return isdig(c) && is_yaml_timestamp(s);
}

/* ------------------------------------------------------------ PyYAML's scalar analysis */

#define NONE 0xFFFFFFFFu
#define WIDTH 80

static bool
is_break(uint32_t c)
{
	return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* The separators analyze_scalar looks for around indicators. */
static bool
is_ws_or_end(uint32_t c)
{
	return c == 0 || c == ' ' || c == '\t' || c == '\r' || is_break(c);
}

/* Printable for a plain or single-quoted scalar with allow_unicode. */
static bool
is_printable(uint32_t c)
{
	if (c == '\n' || (c >= 0x20 && c <= 0x7E))
		return true;
	return (c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
	    (c >= 0x10000 && c < 0x10FFFF)) && c != 0xFEFF;
}

struct analysis {
	bool block_plain, single_quoted;
};

static struct analysis
analyze(const uint32_t *t, int n)
{
	struct analysis a = {true, true};
	if (n == 0)
		return a;
	bool block_ind = false, breaks = false, special = false;
	bool lead_sp = false, lead_br = false, trail_sp = false, trail_br = false;
	bool break_space = false, space_break = false, prev_sp = false, prev_br = false;
	if (n >= 3 && ((t[0] == '-' && t[1] == '-' && t[2] == '-') || (t[0] == '.' && t[1] == '.' && t[2] == '.')))
		block_ind = true;
	bool preceded = true, followed = n == 1 || is_ws_or_end(t[1]);
	for (int i = 0; i < n; i++) {
		uint32_t c = t[i];
		if (i == 0) {
			if (c < 128 && strchr("#,[]{}&*!|>'\"%@`", (int)c))
				block_ind = true;
			if ((c == '?' || c == ':') && followed)
				block_ind = true;
			if (c == '-' && followed)
				block_ind = true;
		} else {
			if (c == ':' && followed)
				block_ind = true;
			if (c == '#' && preceded)
				block_ind = true;
		}
		if (is_break(c))
			breaks = true;
		if (!is_printable(c))
			special = true;
		if (c == ' ') {
			lead_sp |= i == 0;
			trail_sp |= i == n - 1;
			break_space |= prev_br;
			prev_sp = true;
			prev_br = false;
		} else if (is_break(c)) {
			lead_br |= i == 0;
			trail_br |= i == n - 1;
			space_break |= prev_sp;
			prev_sp = false;
			prev_br = true;
		} else {
			prev_sp = prev_br = false;
		}
		preceded = is_ws_or_end(c);
		followed = i + 2 >= n || is_ws_or_end(t[i + 2]);
	}
	if (lead_sp || lead_br || trail_sp || trail_br)
		a.block_plain = false;
	if (break_space)
		a.block_plain = a.single_quoted = false;
	if (space_break || special)
		a.block_plain = a.single_quoted = false;
	if (breaks || block_ind)
		a.block_plain = false;
	return a;
}

/* ------------------------------------------------------------ PyYAML's emitter, for one mapping */

struct em {
	struct strbuf *out;
	int column;         /* in characters */
	int indent;         /* continuation indent of the scalar being written */
	bool whitespace, indention;
	bool split;         /* fold long lines (not in keys) */
};

static void
em_text(struct em *e, const uint32_t *t, int n)
{
	for (int i = 0; i < n; i++) {
		char b[4];
		int k = utf8_encode(t[i], b);
		sb_add(e->out, b, (size_t)k);
	}
	e->column += n;
}

static void
em_ascii(struct em *e, const char *s)
{
	sb_puts(e->out, s);
	e->column += (int)strlen(s);
}

static void
em_break(struct em *e, uint32_t br)
{
	e->whitespace = e->indention = true;
	e->column = 0;
	if (br == 0 || br == '\n')
		sb_putc(e->out, '\n');
	else
		em_text(e, &br, 1), e->column = 0;
}

static void
em_indent(struct em *e)
{
	if (!e->indention || e->column > e->indent || (e->column == e->indent && !e->whitespace))
		em_break(e, 0);
	if (e->column < e->indent) {
		e->whitespace = true;
		sb_repeat(e->out, " ", e->indent - e->column);
		e->column = e->indent;
	}
}

static void
em_indicator(struct em *e, const char *ind, bool need_ws, bool ws, bool indention)
{
	if (!e->whitespace && need_ws)
		em_ascii(e, " ");
	em_ascii(e, ind);
	e->whitespace = ws;
	e->indention = e->indention && indention;
}

/* The line breaks of t[start..end), as the emitter writes them inside a
 * folded scalar: a leading '\n' doubled (a single one would fold to a
 * space when read). */
static void
em_breaks(struct em *e, const uint32_t *t, int start, int end)
{
	if (t[start] == '\n')
		em_break(e, 0);
	for (int i = start; i < end; i++)
		em_break(e, t[i]);
	em_indent(e);
}

static void
em_plain(struct em *e, const uint32_t *t, int n)
{
	if (n == 0)
		return;
	if (!e->whitespace)
		em_ascii(e, " ");
	e->whitespace = e->indention = false;
	bool spaces = false, breaks = false;
	int start = 0;
	for (int end = 0; end <= n; end++) {
		uint32_t ch = end < n ? t[end] : NONE;
		if (spaces) {
			if (ch != ' ') {
				if (start + 1 == end && e->column > WIDTH && e->split) {
					em_indent(e);
					e->whitespace = e->indention = false;
				} else {
					em_text(e, t + start, end - start);
				}
				start = end;
			}
		} else if (breaks) {
			if (!is_break(ch)) {
				em_breaks(e, t, start, end);
				e->whitespace = e->indention = false;
				start = end;
			}
		} else if (ch == NONE || ch == ' ' || is_break(ch)) {
			em_text(e, t + start, end - start);
			start = end;
		}
		if (ch != NONE) {
			spaces = ch == ' ';
			breaks = is_break(ch);
		}
	}
}

static void
em_single(struct em *e, const uint32_t *t, int n)
{
	em_indicator(e, "'", true, false, false);
	bool spaces = false, breaks = false;
	int start = 0;
	for (int end = 0; end <= n; end++) {
		uint32_t ch = end < n ? t[end] : NONE;
		if (spaces) {
			if (ch != ' ') {
				if (start + 1 == end && e->column > WIDTH && e->split && start != 0 && end != n)
					em_indent(e);
				else
					em_text(e, t + start, end - start);
				start = end;
			}
		} else if (breaks) {
			if (!is_break(ch)) {
				em_breaks(e, t, start, end);
				start = end;
			}
		} else if (ch == NONE || ch == ' ' || is_break(ch) || ch == '\'') {
			if (start < end) {
				em_text(e, t + start, end - start);
				start = end;
			}
		}
		if (ch == '\'') {
			em_ascii(e, "''");
			start = end + 1;
		}
		if (ch != NONE) {
			spaces = ch == ' ';
			breaks = is_break(ch);
		}
	}
	em_indicator(e, "'", false, false, false);
}

static const char *
dq_escape(uint32_t c)
{
	switch (c) {
	case 0: return "0";
	case 0x07: return "a";
	case 0x08: return "b";
	case 0x09: return "t";
	case 0x0A: return "n";
	case 0x0B: return "v";
	case 0x0C: return "f";
	case 0x0D: return "r";
	case 0x1B: return "e";
	case '"': return "\"";
	case '\\': return "\\";
	case 0x85: return "N";
	case 0xA0: return "_";
	case 0x2028: return "L";
	case 0x2029: return "P";
	default: return NULL;
	}
}

static void
em_double(struct em *e, const uint32_t *t, int n)
{
	em_indicator(e, "\"", true, false, false);
	int start = 0;
	for (int end = 0; end <= n; end++) {
		uint32_t ch = end < n ? t[end] : NONE;
		bool plain_ok = ch != NONE && ch != '"' && ch != '\\' && ch != 0x85 && ch != 0x2028 && ch != 0x2029 &&
		    ch != 0xFEFF && ((ch >= 0x20 && ch <= 0x7E) || (ch >= 0xA0 && ch <= 0xD7FF) ||
		    (ch >= 0xE000 && ch <= 0xFFFD));
		if (!plain_ok) {
			if (start < end) {
				em_text(e, t + start, end - start);
				start = end;
			}
			if (ch != NONE) {
				const char *x = dq_escape(ch);
				char buf[16];
				if (x)
					snprintf(buf, sizeof buf, "\\%s", x);
				else if (ch <= 0xFF)
					snprintf(buf, sizeof buf, "\\x%02X", (unsigned)ch);
				else if (ch <= 0xFFFF)
					snprintf(buf, sizeof buf, "\\u%04X", (unsigned)ch);
				else
					snprintf(buf, sizeof buf, "\\U%08X", (unsigned)ch);
				em_ascii(e, buf);
				start = end + 1;
			}
		}
		if (end > 0 && end < n - 1 && (ch == ' ' || start >= end) && e->column + (end - start) > WIDTH &&
		    e->split) {
			if (start < end) {
				em_text(e, t + start, end - start);
				start = end;
			}
			em_ascii(e, "\\");
			em_indent(e);
			e->whitespace = e->indention = false;
			if (t[start] == ' ')
				em_ascii(e, "\\");
		}
	}
	em_indicator(e, "\"", false, false, false);
}

/* Decode UTF-8 into code points (*n of them; malloc'd). NULL when s is
 * not valid UTF-8. */
static uint32_t *
decode(const char *s, int *n)
{
	size_t len = strlen(s);
	uint32_t *t = xmalloc((len + 1) * sizeof *t);
	int k = 0;
	for (size_t i = 0; i < len;) {
		int m = utf8_decode((const unsigned char *)s + i, len - i, &t[k]);
		if (m == 0) {
			free(t);
			return NULL;
		}
		i += (size_t)m;
		k++;
	}
	*n = k;
	return t;
}

/* One string scalar, in the style PyYAML chooses for a block mapping
 * value or block sequence item. */
static int
em_string(struct em *e, const char *s, const char *key, struct wb_error *err)
{
	int n;
	uint32_t *t = decode(s, &n);
	if (t == NULL) {
		err_set(err, -1, "the value of '%s' is not valid UTF-8", key);
		err_hint(err, "MLflow's files hold UTF-8 text; pass the value in UTF-8");
		return -1;
	}
	struct analysis a = analyze(t, n);
	if (a.block_plain && !resolves_non_str(s))
		em_plain(e, t, n);
	else if (a.single_quoted)
		em_single(e, t, n);
	else
		em_double(e, t, n);
	free(t);
	return 0;
}

static int
em_scalar(struct em *e, const struct ml_yaml_val *v, const char *key, struct wb_error *err)
{
	e->split = true;
	switch (v->kind) {
	case ML_YAML_NULL:
		em_plain(e, (const uint32_t[]){'n', 'u', 'l', 'l'}, 4);
		return 0;
	case ML_YAML_INT: {
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)v->i);
		if (!e->whitespace)
			em_ascii(e, " ");
		em_ascii(e, buf);
		e->whitespace = e->indention = false;
		return 0;
	}
	case ML_YAML_STR:
		return em_string(e, v->s, key, err);
	default:
		err_set(err, -1, "'%s': nested collections are not written", key);
		return -1;
	}
}

static int
cmp_idx(const void *a, const void *b, void *keys)
{
	char **k = keys;
	return strcmp(k[*(const int *)a], k[*(const int *)b]);
}

/* The order PyYAML's sort_keys writes n keys in (code point order, which
 * is byte order in UTF-8); malloc'd. */
static int *
sorted_order(char **keys, int n)
{
	int *ord = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *ord);
	for (int i = 0; i < n; i++)
		ord[i] = i;
	qsort_r(ord, (size_t)n, sizeof *ord, cmp_idx, keys);
	return ord;
}

/* A nested block mapping of strings, at indent 2 under its key. */
static int
em_map(struct em *e, const struct ml_yaml_val *v, const char *key, struct wb_error *err)
{
	int *ord = sorted_order(v->keys, v->n);
	int rc = 0;
	for (int j = 0; j < v->n && rc == 0; j++) {
		const char *k = v->keys[ord[j]];
		if (k[0] == '\0' || strlen(k) >= 128 || strpbrk(k, "\n\r") || strstr(k, "\xC2\x85") ||
		    strstr(k, "\xE2\x80\xA8") || strstr(k, "\xE2\x80\xA9")) {
			err_set(err, -1, "'%s': the key '%s' cannot be written as a simple YAML key", key, k);
			rc = -1;
			break;
		}
		e->indent = 2;
		em_indent(e);
		e->indent = 4;
		e->split = false;
		rc = em_string(e, k, key, err);
		if (rc == 0) {
			em_indicator(e, ":", false, false, false);
			e->indent = 4;
			rc = em_scalar(e, &v->items[ord[j]], key, err);
		}
	}
	free(ord);
	return rc;
}

static bool
simple_key(const char *k)
{
	if (*k == '\0')
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || isdig(*k) || *k == '_'))
			return false;
	return true;
}

int
ml_yaml_emit(const struct ml_yaml *y, struct strbuf *out, struct wb_error *err)
{
	int *ord = sorted_order(y->keys, y->n);
	struct em e = {.out = out, .whitespace = true, .indention = true};
	int rc = 0;
	if (y->n == 0)
		sb_puts(out, "{}\n");
	for (int j = 0; j < y->n && rc == 0; j++) {
		const char *key = y->keys[ord[j]];
		const struct ml_yaml_val *v = &y->vals[ord[j]];
		if (!simple_key(key) || resolves_non_str(key)) {
			err_set(err, -1, "YAML key '%s' is not a plain identifier", key);
			rc = -1;
			break;
		}
		e.indent = 0;
		em_indent(&e);
		em_ascii(&e, key);
		e.whitespace = e.indention = false;
		em_indicator(&e, ":", false, false, false);
		if ((v->kind == ML_YAML_LIST || v->kind == ML_YAML_MAP) && v->n == 0) {
			em_indicator(&e, v->kind == ML_YAML_LIST ? "[" : "{", true, true, false);
			em_indicator(&e, v->kind == ML_YAML_LIST ? "]" : "}", false, false, false);
		} else if (v->kind == ML_YAML_LIST) {
			/* an indentless block sequence under the key */
			for (int i = 0; i < v->n && rc == 0; i++) {
				e.indent = 0;
				em_indent(&e);
				em_indicator(&e, "-", true, false, true);
				e.indent = 2;
				rc = em_scalar(&e, &v->items[i], key, err);
			}
		} else if (v->kind == ML_YAML_MAP) {
			rc = em_map(&e, v, key, err);
		} else {
			e.indent = 2;
			rc = em_scalar(&e, v, key, err);
		}
	}
	if (rc == 0 && y->n > 0) {
		e.indent = 0;
		em_indent(&e);
	}
	free(ord);
	return rc;
}

/* ------------------------------------------------------------ reading */

struct rd {
	const char *s, *end;
	const char *path;
	struct wb_error *err;
};

static int
line_no(const struct rd *r, const char *p)
{
	int n = 1;
	for (const char *q = r->s; q < p && q < r->end; q++)
		n += *q == '\n';
	return n;
}

static int
rd_fail(struct rd *r, const char *at, const char *what)
{
	err_set(r->err, -1, "%s:%d: %s", r->path, line_no(r, at), what);
	err_hint(r->err, "the file is not a meta.yaml as MLflow writes it; repair or remove it");
	return -1;
}

static const char *
eol(const struct rd *r, const char *p)
{
	while (p < r->end && *p != '\n')
		p++;
	return p;
}

static const char *
next_line(const struct rd *r, const char *p)
{
	p = eol(r, p);
	return p < r->end ? p + 1 : p;
}

static bool
is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Leading spaces of the line at ls. */
static int
indent_at(const struct rd *r, const char *ls)
{
	int n = 0;
	while (ls + n < r->end && ls[n] == ' ')
		n++;
	return n;
}

/* Nothing but white space, or a comment, from p to the end of its line. */
static bool
rest_blank(const struct rd *r, const char *p)
{
	while (p < r->end && is_sp(*p))
		p++;
	return p >= r->end || *p == '\n' || *p == '#';
}

/* The first line from ls on that holds something (NULL at the end). */
static const char *
next_content(const struct rd *r, const char *ls)
{
	while (ls < r->end) {
		if (!rest_blank(r, ls))
			return ls;
		ls = next_line(r, ls);
	}
	return NULL;
}

/* Plain text of one line from p: up to a comment (" #") or the end,
 * white space trimmed. */
static void
plain_seg(const struct rd *r, const char *p, const char **a, const char **b)
{
	while (p < r->end && is_sp(*p))
		p++;
	const char *q = p;
	while (q < r->end && *q != '\n' && !(*q == '#' && q > p && is_sp(q[-1])))
		q++;
	while (q > p && is_sp(q[-1]))
		q--;
	*a = p;
	*b = q;
}

static void
classify_plain(char *text, struct ml_yaml_val *v)
{
	v->plain = true;
	if (strcmp(text, "") == 0 || strcmp(text, "~") == 0 || strcmp(text, "null") == 0 ||
	    strcmp(text, "Null") == 0 || strcmp(text, "NULL") == 0) {
		free(text);
		v->kind = ML_YAML_NULL;
		return;
	}
	v->s = text;
	v->kind = ML_YAML_STR;
	/* [-+]?(0|[1-9][0-9_]*), underscores dropped */
	const char *p = text + (text[0] == '-' || text[0] == '+');
	if (!(p[0] == '0' ? p[1] == '\0' : p[0] >= '1' && p[0] <= '9' && p[strspn(p, "0123456789_")] == '\0'))
		return;
	char digits[64];
	size_t k = 0;
	for (const char *q = text; *q && k < sizeof digits - 1; q++)
		if (*q != '_')
			digits[k++] = *q;
	digits[k] = '\0';
	int64_t iv;
	if (parse_dec(digits, &iv)) {
		v->kind = ML_YAML_INT;
		v->i = iv;
	}
}

/* A plain scalar starting at p whose continuation lines are indented at
 * least contind; *next is where parsing resumes. Lines fold to one space;
 * each empty line in between gives a line break. */
static void
read_plain(struct rd *r, const char *p, int contind, struct ml_yaml_val *v, const char **next)
{
	struct strbuf sb = STRBUF_INIT;
	const char *a, *b;
	plain_seg(r, p, &a, &b);
	sb_add(&sb, a, (size_t)(b - a));
	sb_puts(&sb, "");
	const char *ls = next_line(r, p);
	bool comment = b < eol(r, p) && rest_blank(r, b) && !rest_blank(r, a);
	while (!comment && ls < r->end) {
		int empties = 0;
		const char *c = ls;
		while (c < r->end && rest_blank(r, c) && !(c[indent_at(r, c)] == '#')) {
			empties++;
			c = next_line(r, c);
		}
		if (c >= r->end || indent_at(r, c) < contind || c[indent_at(r, c)] == '#')
			break;
		plain_seg(r, c, &a, &b);
		if (empties == 0)
			sb_putc(&sb, ' ');
		else
			sb_repeat(&sb, "\n", empties);
		sb_add(&sb, a, (size_t)(b - a));
		if (b < eol(r, c))
			comment = true;
		ls = next_line(r, c);
	}
	classify_plain(sb_detach(&sb), v);
	*next = ls;
}

static int
hexval(char c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A double-quoted escape after the backslash at *pp; *pp moves past it. */
static int
read_escape(struct rd *r, const char **pp, struct strbuf *sb)
{
	const char *p = *pp + 1;
	if (p >= r->end)
		return rd_fail(r, *pp, "unterminated escape in a double-quoted string");
	char c = *p;
	char lit = 0;
	switch (c) {
	case 'a': lit = '\a'; break;
	case 'b': lit = '\b'; break;
	case 't': case '\t': lit = '\t'; break;
	case 'n': lit = '\n'; break;
	case 'v': lit = '\v'; break;
	case 'f': lit = '\f'; break;
	case 'r': lit = '\r'; break;
	case 'e': lit = 0x1b; break;
	case ' ': case '"': case '/': case '\\': lit = c; break;
	case '0': return rd_fail(r, *pp, "a NUL character (\\0) cannot be held in a value");
	default: break;
	}
	if (lit) {
		sb_putc(sb, lit);
		*pp = p + 1;
		return 0;
	}
	uint32_t cp = 0;
	int digits = 0;
	switch (c) {
	case 'N': cp = 0x85; break;
	case '_': cp = 0xA0; break;
	case 'L': cp = 0x2028; break;
	case 'P': cp = 0x2029; break;
	case 'x': digits = 2; break;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default:
		return rd_fail(r, *pp, "unknown escape in a double-quoted string");
	}
	p++;
	for (int i = 0; i < digits; i++, p++) {
		int h = p < r->end ? hexval(*p) : -1;
		if (h < 0)
			return rd_fail(r, *pp, "bad hexadecimal escape in a double-quoted string");
		cp = cp * 16 + (uint32_t)h;
	}
	char b[4];
	int k = utf8_encode(cp, b);
	if (k == 0 || cp == 0)
		return rd_fail(r, *pp, "escape of a character that has no UTF-8 form");
	sb_add(sb, b, (size_t)k);
	*pp = p;
	return 0;
}

/* The length of the line break at p (0: none) and what it reads as:
 * YAML 1.1 breaks are \r\n, \r, \n and NEL (all read as \n), and LS /
 * PS, which are kept as they are. */
static int
break_at(const struct rd *r, const char *p, const char **as)
{
	size_t left = (size_t)(r->end - p);
	*as = "\n";
	if (left >= 1 && *p == '\n')
		return 1;
	if (left >= 1 && *p == '\r')
		return left >= 2 && p[1] == '\n' ? 2 : 1;
	if (left >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0x85)
		return 2;
	if (left >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9)) {
		*as = (unsigned char)p[2] == 0xA8 ? "\xE2\x80\xA8" : "\xE2\x80\xA9";
		return 3;
	}
	return 0;
}

/* After a line break inside a quoted scalar: skip the indentation of the
 * following lines and append the breaks of the empty ones. */
static const char *
empty_lines(const struct rd *r, const char *p, struct strbuf *breaks)
{
	for (;;) {
		while (p < r->end && (*p == ' ' || *p == '\t'))
			p++;
		const char *as;
		int k = break_at(r, p, &as);
		if (k == 0)
			return p;
		sb_puts(breaks, as);
		p += k;
	}
}

/* A quoted scalar from the quote at p; *after points past the closing
 * quote. Line breaks fold as PyYAML reads them: white space before a
 * break dropped, a lone \n becomes a space, LS / PS stay, and each empty
 * line adds its break; in double quotes a backslash before the break
 * joins the lines. */
static int
read_quoted(struct rd *r, const char *p, struct strbuf *sb, const char **after)
{
	char q = *p++;
	size_t keep = sb->len;  /* length without trailing literal white space */
	struct strbuf breaks = STRBUF_INIT;
	for (;;) {
		if (p >= r->end) {
			sb_free(&breaks);
			return rd_fail(r, p, q == '"' ? "unterminated double-quoted string" :
			    "unterminated single-quoted string");
		}
		char c = *p;
		const char *as;
		int k;
		if (c == q && q == '\'' && p + 1 < r->end && p[1] == '\'') {
			sb_putc(sb, '\'');
			keep = sb->len;
			p += 2;
		} else if (c == q) {
			*after = p + 1;
			sb_free(&breaks);
			return 0;
		} else if (q == '"' && c == '\\' && p + 1 < r->end && (k = break_at(r, p + 1, &as)) > 0) {
			/* escaped line break: the lines join without a space */
			sb_clear(&breaks);
			p = empty_lines(r, p + 1 + k, &breaks);
			if (breaks.len)
				sb_add(sb, breaks.s, breaks.len);
			keep = sb->len;
		} else if (q == '"' && c == '\\') {
			if (read_escape(r, &p, sb) < 0) {
				sb_free(&breaks);
				return -1;
			}
			keep = sb->len;
		} else if ((k = break_at(r, p, &as)) > 0) {
			sb->len = keep;
			sb_puts(sb, "");
			sb_clear(&breaks);
			p = empty_lines(r, p + k, &breaks);
			if (strcmp(as, "\n") != 0)
				sb_puts(sb, as);
			else if (breaks.len == 0)
				sb_putc(sb, ' ');
			if (breaks.len)
				sb_add(sb, breaks.s, breaks.len);
			keep = sb->len;
		} else {
			sb_putc(sb, c);
			if (c != ' ' && c != '\t')
				keep = sb->len;
			p++;
		}
	}
}

/* One scalar of a flow collection from *pp, up to one of stop. */
static int
read_flow_scalar(struct rd *r, const char **pp, const char *stop, struct ml_yaml_val *v)
{
	const char *p = *pp;
	if (*p == '\'' || *p == '"') {
		struct strbuf sb = STRBUF_INIT;
		if (read_quoted(r, p, &sb, pp) < 0) {
			sb_free(&sb);
			return -1;
		}
		v->kind = ML_YAML_STR;
		v->s = sb_detach(&sb);
		if (v->s == NULL)
			v->s = xstrdup("");
		return 0;
	}
	if (*p == '[' || *p == '{')
		return rd_fail(r, p, "nested flow collections are not supported");
	const char *q = p;
	while (q < r->end && !strchr(stop, *q) && *q != '\n')
		q++;
	const char *e = q;
	while (e > p && is_sp(e[-1]))
		e--;
	classify_plain(xstrndup(p, (size_t)(e - p)), v);
	*pp = q;
	return 0;
}

static const char *
skip_flow_ws(const struct rd *r, const char *p)
{
	while (p < r->end && (is_sp(*p) || *p == '\n'))
		p++;
	return p;
}

static void
add_item(struct ml_yaml_val *c, char *key, struct ml_yaml_val item)
{
	c->items = xrealloc(c->items, (size_t)(c->n + 1) * sizeof *c->items);
	if (c->kind == ML_YAML_MAP)
		c->keys = xrealloc(c->keys, (size_t)(c->n + 1) * sizeof *c->keys), c->keys[c->n] = key;
	c->items[c->n++] = item;
}

/* [a, 'b'] or {k: v} from the bracket at p, scalars only. */
static int
read_flow(struct rd *r, const char *p, struct ml_yaml_val *v, const char **after)
{
	bool map = *p == '{';
	char close = map ? '}' : ']';
	v->kind = map ? ML_YAML_MAP : ML_YAML_LIST;
	p = skip_flow_ws(r, p + 1);
	while (p < r->end && *p != close) {
		char *key = NULL;
		if (map) {
			struct ml_yaml_val k = {0};
			if (read_flow_scalar(r, &p, ":,}", &k) < 0)
				return -1;
			key = k.s ? k.s : xstrdup("");
			if (p >= r->end || *p != ':') {
				free(key);
				return rd_fail(r, p, "expected ':' in a flow mapping");
			}
			p = skip_flow_ws(r, p + 1);
		}
		struct ml_yaml_val item = {0};
		if (read_flow_scalar(r, &p, map ? ",}" : ",]", &item) < 0) {
			free(key);
			return -1;
		}
		add_item(v, key, item);
		p = skip_flow_ws(r, p);
		if (p < r->end && *p == ',')
			p = skip_flow_ws(r, p + 1);
		else if (p >= r->end || *p != close)
			return rd_fail(r, p, map ? "expected ',' or '}' in a flow mapping" :
			    "expected ',' or ']' in a flow sequence");
	}
	if (p >= r->end)
		return rd_fail(r, p, map ? "unterminated flow mapping" : "unterminated flow sequence");
	*after = p + 1;
	return 0;
}

/* A scalar or flow value starting at p (after "key: " or "- "), inside a
 * block at column col; *next is the start of the following line. */
static int
read_inline(struct rd *r, const char *p, int col, struct ml_yaml_val *v, const char **next)
{
	if (*p == '\'' || *p == '"') {
		struct strbuf sb = STRBUF_INIT;
		const char *after = p;
		if (read_quoted(r, p, &sb, &after) < 0) {
			sb_free(&sb);
			return -1;
		}
		v->kind = ML_YAML_STR;
		v->s = sb.s ? sb_detach(&sb) : xstrdup("");
		if (!rest_blank(r, after))
			return rd_fail(r, after, "unexpected text after a quoted string");
		*next = next_line(r, after);
		return 0;
	}
	if (*p == '[' || *p == '{') {
		const char *after = p;
		if (read_flow(r, p, v, &after) < 0)
			return -1;
		if (!rest_blank(r, after))
			return rd_fail(r, after, "unexpected text after a flow collection");
		*next = next_line(r, after);
		return 0;
	}
	if (*p && strchr("|>&*!%@`", *p))
		return rd_fail(r, p, "block scalars, anchors, aliases and tags are not supported");
	read_plain(r, p, col + 1, v, next);
	return 0;
}

/* The key of a "key: value" line starting at p (plain or quoted, on one
 * line): *key (malloc'd) and *after, just past its ':'. */
static int
read_key(struct rd *r, const char *p, char **key, const char **after)
{
	const char *q = p, *ke;
	*key = NULL;
	if (*p == '\'' || *p == '"') {
		struct strbuf sb = STRBUF_INIT;
		if (read_quoted(r, p, &sb, &q) < 0) {
			sb_free(&sb);
			return -1;
		}
		*key = sb.s ? sb_detach(&sb) : xstrdup("");
		while (q < r->end && is_sp(*q))
			q++;
		if (q >= r->end || *q != ':') {
			free(*key);
			*key = NULL;
			return rd_fail(r, p, "expected ':' after a quoted key");
		}
		*after = q + 1;
		return 0;
	}
	bool lone = p + 1 >= r->end || p[1] == ' ' || p[1] == '\n' || p[1] == '\r';
	if (((*p == '-' || *p == '?' || *p == ':') && lone) || (*p && strchr("#[]{}&*!|>%@`", *p)))
		return rd_fail(r, p, "expected 'key: value' (a mapping of plain or quoted keys)");
	for (; q < r->end && *q != '\n'; q++)
		if (*q == ':' && (q + 1 >= r->end || q[1] == ' ' || q[1] == '\n' || q[1] == '\r'))
			break;
	if (q >= r->end || *q != ':')
		return rd_fail(r, p, "expected 'key: value'");
	ke = q;
	while (ke > p && is_sp(ke[-1]))
		ke--;
	*key = xstrndup(p, (size_t)(ke - p));
	*after = q + 1;
	return 0;
}

static int read_value(struct rd *r, const char *p, int col, bool nested_ok, struct ml_yaml_val *v,
    const char **next);

/* Block sequence items "- x" at column col from the line ls. */
static int
read_block_list(struct rd *r, const char *ls, int col, struct ml_yaml_val *v, const char **next)
{
	v->kind = ML_YAML_LIST;
	while ((ls = next_content(r, ls)) != NULL) {
		int ind = indent_at(r, ls);
		const char *p = ls + ind;
		if (ind != col || *p != '-' || !(p + 1 >= r->end || p[1] == ' ' || p[1] == '\n'))
			break;
		p++;
		while (p < r->end && *p == ' ')
			p++;
		struct ml_yaml_val item = {0};
		if (rest_blank(r, p)) {
			item.kind = ML_YAML_NULL;
			ls = next_line(r, p);
		} else if (read_inline(r, p, col, &item, &ls) < 0) {
			val_free(&item);
			return -1;
		}
		add_item(v, NULL, item);
	}
	*next = ls ? ls : r->end;
	return 0;
}

/* Block mapping "k: scalar" lines at column col from the line ls. */
static int
read_block_map(struct rd *r, const char *ls, int col, struct ml_yaml_val *v, const char **next)
{
	v->kind = ML_YAML_MAP;
	while ((ls = next_content(r, ls)) != NULL) {
		int ind = indent_at(r, ls);
		if (ind < col)
			break;
		if (ind > col)
			return rd_fail(r, ls, "unexpected indentation");
		char *key;
		const char *after;
		if (read_key(r, ls + ind, &key, &after) < 0)
			return -1;
		struct ml_yaml_val item = {0};
		if (read_value(r, after, col, false, &item, &ls) < 0) {
			free(key);
			val_free(&item);
			return -1;
		}
		add_item(v, key, item);
	}
	*next = ls ? ls : r->end;
	return 0;
}

/* The value after "key:" at p, for a key at column col. Nested blocks
 * (lists, and maps when nested_ok) come on the following lines. */
static int
read_value(struct rd *r, const char *p, int col, bool nested_ok, struct ml_yaml_val *v, const char **next)
{
	while (p < r->end && *p == ' ')
		p++;
	if (!rest_blank(r, p))
		return read_inline(r, p, col, v, next);
	const char *ls = next_content(r, next_line(r, p));
	if (ls != NULL) {
		int ind = indent_at(r, ls);
		const char *c = ls + ind;
		if (ind >= col && *c == '-' && (c + 1 >= r->end || c[1] == ' ' || c[1] == '\n'))
			return read_block_list(r, ls, ind, v, next);
		if (ind > col) {
			if (!nested_ok)
				return rd_fail(r, ls, "mappings nested more than one level are not supported");
			return read_block_map(r, ls, ind, v, next);
		}
	}
	v->kind = ML_YAML_NULL;
	*next = next_line(r, p);
	return 0;
}

static int parse_doc(const char *text, size_t len, const char *path, struct ml_yaml *y, struct wb_error *err);

int
ml_yaml_parse(const char *text, size_t len, const char *path, struct ml_yaml *y, struct wb_error *err)
{
	*y = (struct ml_yaml)ML_YAML_INIT;
	/* A private copy ending in NULs: the scanner may look a few bytes
	 * past a token without running off the caller's buffer. */
	char *buf = xmalloc(len + 4);
	memcpy(buf, text, len);
	memset(buf + len, 0, 4);
	int rc = parse_doc(buf, len, path, y, err);
	free(buf);
	return rc;
}

static int
parse_doc(const char *text, size_t len, const char *path, struct ml_yaml *y, struct wb_error *err)
{
	struct rd r = {text, text + len, path, err};
	const char *ls = text;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		ls += 3;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\0')
			return rd_fail(&r, text + i, "NUL byte in the file");
	while ((ls = next_content(&r, ls)) != NULL) {
		if (indent_at(&r, ls) != 0) {
			ml_yaml_free(y);
			return rd_fail(&r, ls, "unexpected indentation");
		}
		if ((strncmp(ls, "---", 3) == 0 || strncmp(ls, "...", 3) == 0) && (ls + 3 >= r.end || ls[3] == '\n' ||
		    is_sp(ls[3]))) {
			ls = next_line(&r, ls);
			continue;
		}
		char *key;
		const char *after;
		if (read_key(&r, ls, &key, &after) < 0) {
			ml_yaml_free(y);
			return -1;
		}
		struct ml_yaml_val v = {0};
		if (read_value(&r, after, 0, true, &v, &ls) < 0) {
			free(key);
			val_free(&v);
			ml_yaml_free(y);
			return -1;
		}
		put(y, key, v);
		free(key);
	}
	return 0;
}

int
ml_yaml_read_file(const char *path, struct ml_yaml *y, struct wb_error *err)
{
	size_t len;
	char *text = ml_yaml_file_read(path, &len, NULL, err);
	if (text == NULL) {
		*y = (struct ml_yaml)ML_YAML_INIT;
		return -1;
	}
	int rc = ml_yaml_parse(text, len, path, y, err);
	free(text);
	return rc;
}

/* ------------------------------------------------------------ files */

char *
ml_yaml_file_read(const char *path, size_t *len, bool *missing, struct wb_error *err)
{
	if (missing)
		*missing = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (missing)
			*missing = errno == ENOENT;
		err_set(err, -1, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_reserve(&sb, 256);
	for (;;) {
		sb_reserve(&sb, 4096);
		ssize_t k = read(fd, sb.s + sb.len, sb.cap - sb.len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			err_set(err, -1, "cannot read %s: %s", path, strerror(errno));
			close(fd);
			sb_free(&sb);
			return NULL;
		}
		if (k == 0)
			break;
		sb.len += (size_t)k;
	}
	close(fd);
	sb.s[sb.len] = '\0';
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, data, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		data += k;
		len -= (size_t)k;
	}
	return 0;
}

int
ml_yaml_file_write(const char *path, const char *tmpdir, const char *data, size_t len, bool exclusive,
    struct wb_error *err)
{
	char *tmp;
	if (tmpdir) {
		tmp = xasprintf("%s/.wb-tmp-XXXXXX", tmpdir);
	} else {
		const char *slash = strrchr(path, '/');
		tmp = slash ? xasprintf("%.*s/.wb-tmp-XXXXXX", (int)(slash - path), path) :
		    xstrdup(".wb-tmp-XXXXXX");
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(err, -1, "cannot create a temporary file next to %s: %s", path, strerror(errno));
		err_hint(err, "check that the directory exists and is writable");
		free(tmp);
		return -1;
	}
	int rc = 0;
	if (fchmod(fd, 0644) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		err_set(err, -1, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (close(fd) < 0 && rc == 0) {
		err_set(err, -1, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && exclusive) {
		if (link(tmp, path) < 0) {
			int e = errno;
			if (e == EEXIST) {
				rc = 1;
			} else if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS) {
				/* no hard links here: check, then rename (racy, but
				 * only between two writers of the same new key) */
				struct stat st;
				if (stat(path, &st) == 0) {
					rc = 1;
				} else if (rename(tmp, path) < 0) {
					err_set(err, -1, "cannot create %s: %s", path, strerror(errno));
					rc = -1;
				}
			} else {
				err_set(err, -1, "cannot create %s: %s", path, strerror(e));
				rc = -1;
			}
		}
	} else if (rc == 0 && rename(tmp, path) < 0) {
		err_set(err, -1, "cannot replace %s: %s", path, strerror(errno));
		err_hint(err, "check that the directory is writable");
		rc = -1;
	}
	if (rc != 0 || exclusive)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
ml_yaml_write_file(const char *path, const struct ml_yaml *y, struct wb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = ml_yaml_emit(y, &sb, err);
	if (rc == 0)
		rc = ml_yaml_file_write(path, NULL, sb_str(&sb), sb.len, false, err);
	else
		err_hint(err, "nothing was written to %s", path);
	sb_free(&sb);
	return rc;
}

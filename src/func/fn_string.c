/*
 * fn_string.c: string functions.
 *
 * Lengths and positions count characters (UTF-8 code points), as Spark
 * does; comparisons and searches work on bytes, which for UTF-8 give the
 * same answers. Positions are 1-based. Invalid UTF-8 is never rejected:
 * a stray byte counts as one character (see fn_impl.h).
 *
 * Strict kernels leave NULL rows as empty strings so values under NULL
 * are always safe to read.
 */
#include "func/fn_impl.h"

#include "core/xmalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <wctype.h>

static const wb_str empty_str = {"", 0};

/* ---- UTF-8 helpers (declared in fn_impl.h) ---- */

bool
fn_is_ascii(const char *p, size_t n)
{
	unsigned char acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= (unsigned char)p[i];
	return acc < 0x80;
}

size_t
fn_utf8_count(const char *p, size_t n)
{
	/* Characters begin at every byte that is not a continuation byte; a
	 * string starting with a stray continuation byte has one more. */
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += !fn_is_cont((unsigned char)p[i]);
	return c + (n > 0 && fn_is_cont((unsigned char)p[0]));
}

size_t
fn_utf8_skip(const char *p, size_t n, size_t off, size_t k)
{
	while (k > 0 && off < n) {
		off++;
		while (off < n && fn_is_cont((unsigned char)p[off]))
			off++;
		k--;
	}
	return off;
}

/* Invalid bytes decode to 0x110000 + byte so that encode writes them back
 * unchanged; such "code points" are never case-mapped. */
#define RAW_BYTE 0x110000u

uint32_t
fn_utf8_decode(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = *i;
	unsigned c = p[k];
	if (c < 0x80) {
		*i = k + 1;
		return c;
	}
	int len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
	if (c >= 0xF5)
		len = 0;
	if (len == 0 || k + (size_t)len > n)
		goto raw;
	uint32_t cp = c & (0x7F >> len);
	for (int j = 1; j < len; j++) {
		if (!fn_is_cont(p[k + j]))
			goto raw;
		cp = (cp << 6) | (p[k + j] & 0x3F);
	}
	/* reject overlong forms and surrogates */
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		goto raw;
	*i = k + (size_t)len;
	return cp;
raw:
	*i = k + 1;
	return RAW_BYTE + c;
}

int
fn_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp >= RAW_BYTE) {
		o[0] = (unsigned char)(cp - RAW_BYTE);
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Unicode case mapping borrows the C library's tables for C.UTF-8,
 * opened once; without that locale only ASCII is mapped. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_locale_open(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

uint32_t
fn_cp_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (cp >= RAW_BYTE)
		return cp;
	pthread_once(&utf8_once, utf8_locale_open);
	return utf8_locale ? (uint32_t)towlower_l((wint_t)cp, utf8_locale) : cp;
}

uint32_t
fn_cp_upper(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
	if (cp >= RAW_BYTE)
		return cp;
	pthread_once(&utf8_once, utf8_locale_open);
	return utf8_locale ? (uint32_t)towupper_l((wint_t)cp, utf8_locale) : cp;
}

/* Case-map s into dst (>= 2 * n bytes: a mapping can grow a 2-byte
 * character to 3 bytes, never more than doubling). */
static size_t
map_case(const char *s, size_t n, char *dst, bool upper)
{
	size_t i = 0, o = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			dst[o++] = (char)(upper ? (c >= 'a' && c <= 'z' ? c - 32 : c) : (c >= 'A' && c <= 'Z' ? c + 32 : c));
			i++;
			continue;
		}
		uint32_t cp = fn_utf8_decode(s, n, &i);
		o += (size_t)fn_utf8_encode(upper ? fn_cp_upper(cp) : fn_cp_lower(cp), dst + o);
	}
	return o;
}

size_t
fn_str_lower(const char *s, size_t n, char *dst)
{
	return map_case(s, n, dst, false);
}

/* ---- errors ---- */

static int
too_long(struct fn_call *call, const char *fname, double bytes)
{
	err_set(call->err, call->pos, "%s: result of %.0f bytes is longer than the limit of %zu bytes", fname,
	    bytes, FN_MAX_STR);
	return -1;
}

/* ---- lower, upper, initcap ---- */

static int
case_kernel(struct vec **args, int n, struct vec *out, bool upper)
{
	const wb_str *a = vec_str(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		char *d = fn_sw_reserve(&w, (size_t)a[i].n * 2);
		r[i] = fn_sw_commit(&w, map_case(a[i].p, a[i].n, d, upper));
	}
	return 0;
}

static int
lower_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return case_kernel(args, n, out, false);
}

static int
upper_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return case_kernel(args, n, out, true);
}

/* Spark's initcap: lower-case everything, then upper-case the first
 * character and each character that follows a space. */
static int
initcap_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		const char *s = a[i].p;
		size_t len = a[i].n, k = 0, o = 0;
		char *d = fn_sw_reserve(&w, len * 2);
		bool start = true;
		while (k < len) {
			uint32_t cp = fn_utf8_decode(s, len, &k);
			cp = start ? fn_cp_upper(cp) : fn_cp_lower(cp);
			o += (size_t)fn_utf8_encode(cp, d + o);
			start = cp == ' ';
		}
		r[i] = fn_sw_commit(&w, o);
	}
	return 0;
}

/* ---- lengths ---- */

static int
length_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = (int64_t)fn_utf8_count(a[i].p, a[i].n);
	return 0;
}

static int
octet_length_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i].n;
	return 0;
}

static int
bit_length_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++)
		r[i] = (int64_t)a[i].n * 8;
	return 0;
}

/* ---- substr, left, right ---- */

/*
 * Spark's substring on characters: a positive pos counts from 1, a
 * negative one from the end, 0 behaves like 1; the window [start,
 * start+len) is clipped to the string, and an empty or negative window
 * gives ''. len < 0 means "to the end" when `has_len` is false.
 */
static wb_str
substr_chars(wb_str s, int64_t pos, int64_t len, bool has_len)
{
	bool ascii = fn_is_ascii(s.p, s.n);
	int64_t nchars = -1;
	int64_t start;
	if (pos > 0) {
		start = pos - 1;
	} else if (pos < 0) {
		nchars = ascii ? (int64_t)s.n : (int64_t)fn_utf8_count(s.p, s.n);
		start = nchars + pos;
	} else {
		start = 0;
	}
	int64_t end;
	if (!has_len || __builtin_add_overflow(start, len, &end))
		end = has_len && len < 0 ? INT64_MIN : INT64_MAX;
	if (start < 0)
		start = 0;
	if (start >= end)
		return empty_str;
	if (ascii) {
		if (start >= (int64_t)s.n)
			return empty_str;
		if (end > (int64_t)s.n)
			end = s.n;
		wb_str r = {s.p + start, (uint32_t)(end - start)};
		return r;
	}
	size_t b0 = fn_utf8_skip(s.p, s.n, 0, (size_t)start);
	size_t b1 = end == INT64_MAX ? s.n : fn_utf8_skip(s.p, s.n, b0, (size_t)(end - start));
	wb_str r = {s.p + b0, (uint32_t)(b1 - b0)};
	return r;
}

static int
substr_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *p = vec_i64(args[1]);
	const int64_t *l = nargs > 2 ? vec_i64(args[2]) : NULL;
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? empty_str : substr_chars(a[i], p[i], l ? l[i] : 0, l != NULL);
	return 0;
}

static int
left_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *k = vec_i64(args[1]);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) || k[i] <= 0 ? empty_str : substr_chars(a[i], 1, k[i], true);
	return 0;
}

static int
right_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *k = vec_i64(args[1]);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i) || k[i] <= 0)
			r[i] = empty_str;
		else
			r[i] = substr_chars(a[i], k[i] == INT64_MIN ? INT64_MIN + 1 : -k[i], 0, false);
	}
	return 0;
}

/* ---- trim ---- */

/* Does the character s[0..len) occur in the set `chars`? UTF-8 is self
 * synchronising, so a byte search finds only whole characters. */
static inline bool
in_set(const char *s, size_t len, wb_str chars)
{
	if (len == 1)
		return chars.n && memchr(chars.p, s[0], chars.n) != NULL;
	return chars.n >= len && memmem(chars.p, chars.n, s, len) != NULL;
}

static wb_str
trim_chars(wb_str s, wb_str chars, bool left, bool right)
{
	size_t b = 0, e = s.n;
	if (left)
		while (b < e) {
			size_t l = fn_utf8_clen(s.p, e, b);
			if (!in_set(s.p + b, l, chars))
				break;
			b += l;
		}
	if (right)
		while (e > b) {
			size_t st = e - 1;
			while (st > b && fn_is_cont((unsigned char)s.p[st]))
				st--;
			if (!in_set(s.p + st, e - st, chars))
				break;
			e = st;
		}
	wb_str r = {s.p + b, (uint32_t)(e - b)};
	return r;
}

static int
trim_kernel(struct vec **args, int nargs, int n, struct vec *out, bool left, bool right)
{
	const wb_str *a = vec_str(args[0]);
	const wb_str *c = nargs > 1 ? vec_str(args[1]) : NULL;
	static const wb_str space = {" ", 1};
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++)
		r[i] = fn_skip(out, i) ? empty_str : trim_chars(a[i], c ? c[i] : space, left, right);
	return 0;
}

static int
trim_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return trim_kernel(args, nargs, n, out, true, true);
}

static int
ltrim_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return trim_kernel(args, nargs, n, out, true, false);
}

static int
rtrim_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return trim_kernel(args, nargs, n, out, false, true);
}

/* ---- lpad, rpad ---- */

/* Spark's lpad/rpad: pad to len characters with repetitions of pad, or
 * cut to len characters if longer; an empty pad only cuts. */
static int
pad_kernel(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out, bool left)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *l = vec_i64(args[1]);
	const wb_str *p = nargs > 2 ? vec_str(args[2]) : NULL;
	static const wb_str space = {" ", 1};
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i) || l[i] <= 0) {
			r[i] = empty_str;
			continue;
		}
		wb_str s = a[i], pad = p ? p[i] : space;
		int64_t nchars = (int64_t)fn_utf8_count(s.p, s.n);
		int64_t need = l[i] - nchars;
		if (need <= 0 || pad.n == 0) {
			r[i] = substr_chars(s, 1, l[i], true);
			continue;
		}
		int64_t pchars = (int64_t)fn_utf8_count(pad.p, pad.n);
		int64_t full = need / pchars, rest = need % pchars;
		size_t rest_bytes = fn_utf8_skip(pad.p, pad.n, 0, (size_t)rest);
		double total = (double)full * pad.n + (double)rest_bytes + s.n;
		if (total > (double)FN_MAX_STR)
			return too_long(call, left ? "lpad" : "rpad", total);
		char *d = fn_sw_reserve(&w, (size_t)total);
		size_t o = 0;
		if (!left) {
			memcpy(d, s.p, s.n);
			o = s.n;
		}
		for (int64_t k = 0; k < full; k++, o += pad.n)
			memcpy(d + o, pad.p, pad.n);
		memcpy(d + o, pad.p, rest_bytes);
		o += rest_bytes;
		if (left) {
			memcpy(d + o, s.p, s.n);
			o += s.n;
		}
		r[i] = fn_sw_commit(&w, o);
	}
	return 0;
}

static int
lpad_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return pad_kernel(call, args, nargs, n, out, true);
}

static int
rpad_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	return pad_kernel(call, args, nargs, n, out, false);
}

/* ---- concat, concat_ws ---- */

/* concat(s1, s2, ...): NULL if any argument is NULL (Spark). */
static int
concat_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	wb_str *r = vec_str(out);
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		size_t len = 0;
		for (int k = 0; k < nargs; k++)
			len += vec_str(args[k])[i].n;
		if (len > FN_MAX_STR)
			return too_long(call, "concat", (double)len);
		total += len;
	}
	/* one allocation for the whole chunk */
	char *p = total ? vec_str_alloc(out, total) : NULL;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		size_t len = 0;
		for (int k = 0; k < nargs; k++) {
			wb_str s = vec_str(args[k])[i];
			if (s.n)
				memcpy(p + len, s.p, s.n);
			len += s.n;
		}
		r[i].p = p ? p : "";
		r[i].n = (uint32_t)len;
		p += len;
	}
	return 0;
}

/* concat_ws(sep, s1, ...): NULL arguments are skipped; NULL sep gives NULL. */
static int
concat_ws_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *sep = vec_str(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_isnull(args[0], i)) {
			vec_set_null(out, i);
			r[i] = empty_str;
			continue;
		}
		size_t total = 0;
		int parts = 0;
		for (int k = 1; k < nargs; k++)
			if (!fn_isnull(args[k], i)) {
				total += vec_str(args[k])[i].n;
				parts++;
			}
		if (parts > 1)
			total += (size_t)(parts - 1) * sep[i].n;
		if (total > FN_MAX_STR)
			return too_long(call, "concat_ws", (double)total);
		char *d = fn_sw_reserve(&w, total);
		size_t o = 0;
		bool first = true;
		for (int k = 1; k < nargs; k++) {
			if (fn_isnull(args[k], i))
				continue;
			if (!first) {
				memcpy(d + o, sep[i].p, sep[i].n);
				o += sep[i].n;
			}
			wb_str s = vec_str(args[k])[i];
			memcpy(d + o, s.p, s.n);
			o += s.n;
			first = false;
		}
		r[i] = fn_sw_commit(&w, o);
	}
	return 0;
}

/* ---- searching ---- */

static inline const char *
find(wb_str hay, size_t from, wb_str needle)
{
	if (from > hay.n)
		return NULL;
	return memmem(hay.p + from, hay.n - from, needle.p, needle.n);
}

/* 1-based character position of the byte offset off. */
static inline int64_t
char_pos(wb_str s, size_t off)
{
	return (int64_t)fn_utf8_count(s.p, off) + 1;
}

/* instr(str, substr) and strpos(str, substr) */
static int
instr_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		const char *f = b[i].n ? find(a[i], 0, b[i]) : a[i].p;
		r[i] = f ? char_pos(a[i], (size_t)(f - a[i].p)) : 0;
	}
	return 0;
}

/* locate(substr, str [, pos]) and position(...): Spark returns 0 for
 * pos < 1, and 1 for an empty substr. */
static int
locate_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *sub = vec_str(args[0]), *s = vec_str(args[1]);
	const int64_t *p = nargs > 2 ? vec_i64(args[2]) : NULL;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		int64_t pos = p ? p[i] : 1;
		if (pos < 1) {
			r[i] = 0;
			continue;
		}
		if (sub[i].n == 0) {
			r[i] = 1;
			continue;
		}
		size_t from = fn_utf8_skip(s[i].p, s[i].n, 0, (size_t)(pos - 1));
		const char *f = find(s[i], from, sub[i]);
		r[i] = f ? char_pos(s[i], (size_t)(f - s[i].p)) : 0;
	}
	return 0;
}

static int
starts_with_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i].n >= b[i].n && (b[i].n == 0 || memcmp(a[i].p, b[i].p, b[i].n) == 0);
	return 0;
}

static int
ends_with_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = a[i].n >= b[i].n && (b[i].n == 0 || memcmp(a[i].p + a[i].n - b[i].n, b[i].p, b[i].n) == 0);
	return 0;
}

static int
contains_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++)
		r[i] = b[i].n == 0 || (!fn_skip(out, i) && find(a[i], 0, b[i]) != NULL);
	return 0;
}

/* ---- replace, split_part, substring_index ---- */

static int
replace_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *s = vec_str(args[1]);
	const wb_str *t = nargs > 2 ? vec_str(args[2]) : NULL;
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		wb_str str = a[i], search = s[i], rep = t ? t[i] : empty_str;
		if (search.n == 0) {
			r[i] = str;
			continue;
		}
		size_t count = 0;
		for (const char *f = find(str, 0, search); f; f = find(str, (size_t)(f - str.p) + search.n, search))
			count++;
		if (count == 0) {
			r[i] = str;
			continue;
		}
		double total = (double)str.n + (double)count * ((double)rep.n - search.n);
		if (total > (double)FN_MAX_STR)
			return too_long(call, "replace", total);
		char *d = fn_sw_reserve(&w, (size_t)total);
		size_t o = 0, at = 0;
		for (const char *f = find(str, 0, search); f; f = find(str, at, search)) {
			size_t k = (size_t)(f - str.p);
			memcpy(d + o, str.p + at, k - at);
			o += k - at;
			memcpy(d + o, rep.p, rep.n);
			o += rep.n;
			at = k + search.n;
		}
		memcpy(d + o, str.p + at, str.n - at);
		o += str.n - at;
		r[i] = fn_sw_commit(&w, o);
	}
	return 0;
}

/* split_part(str, delim, k): the k-th field (1-based; negative counts
 * from the end); '' when out of range; an empty delimiter does not split. */
static int
split_part_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *d = vec_str(args[1]);
	const int64_t *k = vec_i64(args[2]);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++) {
		r[i] = empty_str;
		if (fn_skip(out, i))
			continue;
		if (k[i] == 0) {
			err_set(call->err, call->pos,
			    "split_part: part number 0 is invalid; parts are numbered from 1 (or from -1 at the end)");
			return -1;
		}
		wb_str s = a[i], del = d[i];
		if (del.n == 0) {
			if (k[i] == 1 || k[i] == -1)
				r[i] = s;
			continue;
		}
		int64_t want = k[i];
		if (want < 0) {
			int64_t parts = 1;
			for (const char *f = find(s, 0, del); f; f = find(s, (size_t)(f - s.p) + del.n, del))
				parts++;
			want = parts + want + 1;
			if (want < 1)
				continue;
		}
		size_t at = 0;
		int64_t part = 1;
		for (;;) {
			const char *f = find(s, at, del);
			size_t end = f ? (size_t)(f - s.p) : s.n;
			if (part == want) {
				r[i].p = s.p + at;
				r[i].n = (uint32_t)(end - at);
				break;
			}
			if (f == NULL)
				break;
			at = end + del.n;
			part++;
		}
	}
	return 0;
}

/* substring_index(str, delim, count): text before the count-th delimiter
 * (count > 0) or after the count-th one from the end (count < 0). */
static int
substring_index_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *d = vec_str(args[1]);
	const int64_t *k = vec_i64(args[2]);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++) {
		r[i] = empty_str;
		if (fn_skip(out, i) || k[i] == 0 || d[i].n == 0)
			continue;
		wb_str s = a[i], del = d[i];
		if (k[i] > 0) {
			size_t at = 0;
			int64_t c = 0;
			const char *f;
			r[i] = s;
			while ((f = find(s, at, del)) != NULL) {
				if (++c == k[i]) {
					r[i].n = (uint32_t)(f - s.p);
					break;
				}
				/* occurrences may overlap, as in Spark */
				at = (size_t)(f - s.p) + 1;
			}
		} else {
			/* scan backwards for occurrences */
			int64_t c = 0;
			r[i] = s;
			if (s.n < del.n)
				continue;
			for (size_t pos = s.n - del.n + 1; pos-- > 0;) {
				if (memcmp(s.p + pos, del.p, del.n) == 0) {
					if (++c == -k[i]) {
						r[i].p = s.p + pos + del.n;
						r[i].n = (uint32_t)(s.n - pos - del.n);
						break;
					}
				}
			}
		}
	}
	return 0;
}

/* ---- reverse, repeat, space, translate ---- */

static int
reverse_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		wb_str s = a[i];
		char *d = fn_sw_reserve(&w, s.n);
		size_t k = 0;
		while (k < s.n) {
			size_t l = fn_utf8_clen(s.p, s.n, k);
			memcpy(d + s.n - k - l, s.p + k, l);
			k += l;
		}
		r[i] = fn_sw_commit(&w, s.n);
	}
	return 0;
}

static int
repeat_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	const int64_t *k = vec_i64(args[1]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i) || k[i] <= 0 || a[i].n == 0) {
			r[i] = empty_str;
			continue;
		}
		double total = (double)a[i].n * (double)k[i];
		if (total > (double)FN_MAX_STR)
			return too_long(call, "repeat", total);
		char *d = fn_sw_reserve(&w, (size_t)total);
		for (int64_t j = 0; j < k[i]; j++)
			memcpy(d + (size_t)j * a[i].n, a[i].p, a[i].n);
		r[i] = fn_sw_commit(&w, (size_t)total);
	}
	return 0;
}

static int
space_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *k = vec_i64(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i) || k[i] <= 0) {
			r[i] = empty_str;
			continue;
		}
		if ((uint64_t)k[i] > FN_MAX_STR)
			return too_long(call, "space", (double)k[i]);
		char *d = fn_sw_reserve(&w, (size_t)k[i]);
		memset(d, ' ', (size_t)k[i]);
		r[i] = fn_sw_commit(&w, (size_t)k[i]);
	}
	return 0;
}

/*
 * translate(str, from, to): each character of str found in `from` is
 * replaced by the character at the same position in `to`, or deleted if
 * `to` is shorter; the first occurrence in `from` wins (Spark).
 */
#define TR_KEEP (-2)
#define TR_DELETE (-1)

/* Mapping of code point cp, searching from/to directly (no allocation). */
static int64_t
tr_lookup(uint32_t cp, wb_str from, wb_str to)
{
	size_t i = 0, j = 0;
	while (i < from.n) {
		uint32_t f = fn_utf8_decode(from.p, from.n, &i);
		bool have_to = j < to.n;
		uint32_t t = have_to ? fn_utf8_decode(to.p, to.n, &j) : 0;
		if (f == cp)
			return have_to ? (int64_t)t : TR_DELETE;
	}
	return TR_KEEP;
}

static int
translate_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *fr = vec_str(args[1]), *to = vec_str(args[2]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	int64_t ascii_map[128];
	wb_str cached_from = {NULL, 0}, cached_to = {NULL, 0};
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		/* ASCII lookups go through a table rebuilt only when from/to change */
		if (cached_from.p == NULL || !wb_str_eq(cached_from, fr[i]) || !wb_str_eq(cached_to, to[i])) {
			for (uint32_t c = 0; c < 128; c++)
				ascii_map[c] = TR_KEEP;
			size_t fi = 0, ti = 0;
			while (fi < fr[i].n) {
				uint32_t f = fn_utf8_decode(fr[i].p, fr[i].n, &fi);
				bool have_to = ti < to[i].n;
				uint32_t t = have_to ? fn_utf8_decode(to[i].p, to[i].n, &ti) : 0;
				if (f < 128 && ascii_map[f] == TR_KEEP)
					ascii_map[f] = have_to ? (int64_t)t : TR_DELETE;
			}
			cached_from = fr[i];
			cached_to = to[i];
		}
		wb_str s = a[i];
		char *d = fn_sw_reserve(&w, (size_t)s.n * 4);
		size_t k = 0, o = 0;
		while (k < s.n) {
			uint32_t cp = fn_utf8_decode(s.p, s.n, &k);
			int64_t m = cp < 128 ? ascii_map[cp] : tr_lookup(cp, fr[i], to[i]);
			if (m == TR_DELETE)
				continue;
			o += (size_t)fn_utf8_encode(m == TR_KEEP ? cp : (uint32_t)m, d + o);
		}
		r[i] = fn_sw_commit(&w, o);
	}
	return 0;
}

/* ---- ascii, chr ---- */

static int
ascii_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		size_t k = 0;
		if (a[i].n == 0) {
			r[i] = 0;
			continue;
		}
		uint32_t cp = fn_utf8_decode(a[i].p, a[i].n, &k);
		r[i] = cp >= RAW_BYTE ? (int64_t)(cp - RAW_BYTE) : (int64_t)cp;
	}
	return 0;
}

/* chr(n): Spark's rule: '' for n < 0, else the character n mod 256. */
static int
chr_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const int64_t *a = vec_i64(args[0]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i) || a[i] < 0) {
			r[i] = empty_str;
			continue;
		}
		char *d = fn_sw_reserve(&w, 4);
		r[i] = fn_sw_commit(&w, (size_t)fn_utf8_encode((uint32_t)(a[i] & 0xFF), d));
	}
	return 0;
}

/* ---- levenshtein ---- */

static int
levenshtein_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const wb_str *a = vec_str(args[0]), *b = vec_str(args[1]);
	int64_t *r = vec_i64(out);
	/* one scratch area per call, grown as needed: code points of both
	 * strings and one DP row */
	uint32_t *buf = NULL;
	size_t cap = 0;
	for (int i = 0; i < n; i++) {
		if (fn_skip(out, i))
			continue;
		size_t need = (size_t)a[i].n + b[i].n * 2 + 2;
		if (need > cap)
			buf = xgrow(buf, &cap, need, sizeof *buf);
		uint32_t *x = buf, *y = buf + a[i].n, *row = y + b[i].n;
		size_t lx = 0, ly = 0, k = 0;
		while (k < a[i].n)
			x[lx++] = fn_utf8_decode(a[i].p, a[i].n, &k);
		k = 0;
		while (k < b[i].n)
			y[ly++] = fn_utf8_decode(b[i].p, b[i].n, &k);
		for (size_t j = 0; j <= ly; j++)
			row[j] = (uint32_t)j;
		for (size_t p = 1; p <= lx; p++) {
			uint32_t diag = row[0];
			row[0] = (uint32_t)p;
			for (size_t q = 1; q <= ly; q++) {
				uint32_t up = row[q];
				uint32_t best = diag + (x[p - 1] != y[q - 1]);
				if (up + 1 < best)
					best = up + 1;
				if (row[q - 1] + 1 < best)
					best = row[q - 1] + 1;
				row[q] = best;
				diag = up;
			}
		}
		r[i] = row[ly];
	}
	free(buf);
	return 0;
}

/* ---- format_number ---- */

/* format_number(x, d): x rounded to d decimals (half-even on the exact
 * binary value, like Java's DecimalFormat) with thousands separators;
 * NULL for d < 0 (Spark). */
static int
format_number_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	const double *x = vec_f64(args[0]);
	const int64_t *d = vec_i64(args[1]);
	wb_str *r = vec_str(out);
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		char buf[400];
		if (fn_skip(out, i)) {
			r[i] = empty_str;
			continue;
		}
		if (d[i] < 0) {
			vec_set_null(out, i);
			r[i] = empty_str;
			continue;
		}
		if (!isfinite(x[i])) {
			int k = format_double(x[i], buf);
			r[i] = fn_sw_copy(&w, buf, (size_t)k);
			continue;
		}
		int dec = d[i] > 60 ? 60 : (int)d[i];
		int len = snprintf(buf, sizeof buf, "%.*f", dec, x[i]);
		if (len < 0 || (size_t)len >= sizeof buf) {
			r[i] = fn_sw_copy(&w, buf, strlen(buf));
			continue;
		}
		const char *dot = strchr(buf, '.');
		size_t ip_end = dot ? (size_t)(dot - buf) : (size_t)len;
		size_t ip_start = buf[0] == '-' ? 1 : 0;
		size_t digits = ip_end - ip_start;
		char *o = fn_sw_reserve(&w, (size_t)len + digits / 3 + 1);
		size_t k = 0;
		/* "-0.00" prints as "-0.00" in Java too; keep the sign */
		for (size_t j = 0; j < ip_start; j++)
			o[k++] = buf[j];
		for (size_t j = ip_start; j < ip_end; j++) {
			o[k++] = buf[j];
			size_t left = ip_end - j - 1;
			if (left > 0 && left % 3 == 0)
				o[k++] = ',';
		}
		memcpy(o + k, buf + ip_end, (size_t)len - ip_end);
		k += (size_t)len - ip_end;
		r[i] = fn_sw_commit(&w, k);
	}
	return 0;
}

/* ---- table ---- */

#define STR1(k) static const struct fn_sig k##_sigs[] = {SIG1(T_STR, T_STR, k)}
STR1(lower_k);
STR1(upper_k);
STR1(initcap_k);
STR1(reverse_k);
static const struct fn_sig length_sigs[] = {SIG1(T_I64, T_STR, length_k)};
static const struct fn_sig octet_length_sigs[] = {SIG1(T_I64, T_STR, octet_length_k)};
static const struct fn_sig bit_length_sigs[] = {SIG1(T_I64, T_STR, bit_length_k)};
static const struct fn_sig substr_sigs[] = {
	SIG2(T_STR, T_STR, T_I64, substr_k),
	SIG3(T_STR, T_STR, T_I64, T_I64, substr_k),
};
static const struct fn_sig left_sigs[] = {SIG2(T_STR, T_STR, T_I64, left_k)};
static const struct fn_sig right_sigs[] = {SIG2(T_STR, T_STR, T_I64, right_k)};
#define TRIM_SIGS(k) \
	static const struct fn_sig k##_sigs[] = { \
		SIG1(T_STR, T_STR, k), \
		SIG2(T_STR, T_STR, T_STR, k), \
	}
TRIM_SIGS(trim_k);
TRIM_SIGS(ltrim_k);
TRIM_SIGS(rtrim_k);
#define PAD_SIGS(k) \
	static const struct fn_sig k##_sigs[] = { \
		SIG2(T_STR, T_STR, T_I64, k), \
		SIG3(T_STR, T_STR, T_I64, T_STR, k), \
	}
PAD_SIGS(lpad_k);
PAD_SIGS(rpad_k);
static const struct fn_sig concat_sigs[] = {
	SIG1(T_STR, T_STR, concat_k, .flags = FN_VARIADIC | FN_ANY_TO_STR),
	SIG2(FN_LIST, FN_LIST, FN_LIST, fn_list_concat_k, .flags = FN_VARIADIC),
};
static const struct fn_sig concat_ws_sigs[] = {
	SIG2(T_STR, T_STR, T_STR, concat_ws_k, .flags = FN_VARIADIC | FN_NONSTRICT | FN_ANY_TO_STR),
};
static const struct fn_sig instr_sigs[] = {SIG2(T_I64, T_STR, T_STR, instr_k)};
static const struct fn_sig locate_sigs[] = {
	SIG2(T_I64, T_STR, T_STR, locate_k),
	SIG3(T_I64, T_STR, T_STR, T_I64, locate_k),
};
static const struct fn_sig str2bool_sw[] = {SIG2(T_BOOL, T_STR, T_STR, starts_with_k)};
static const struct fn_sig str2bool_ew[] = {SIG2(T_BOOL, T_STR, T_STR, ends_with_k)};
static const struct fn_sig str2bool_ct[] = {SIG2(T_BOOL, T_STR, T_STR, contains_k)};
static const struct fn_sig replace_sigs[] = {
	SIG2(T_STR, T_STR, T_STR, replace_k),
	SIG3(T_STR, T_STR, T_STR, T_STR, replace_k),
};
static const struct fn_sig split_part_sigs[] = {SIG3(T_STR, T_STR, T_STR, T_I64, split_part_k)};
static const struct fn_sig substring_index_sigs[] = {SIG3(T_STR, T_STR, T_STR, T_I64, substring_index_k)};
static const struct fn_sig repeat_sigs[] = {SIG2(T_STR, T_STR, T_I64, repeat_k)};
static const struct fn_sig space_sigs[] = {SIG1(T_STR, T_I64, space_k)};
static const struct fn_sig translate_sigs[] = {SIG3(T_STR, T_STR, T_STR, T_STR, translate_k)};
static const struct fn_sig ascii_sigs[] = {SIG1(T_I64, T_STR, ascii_k)};
static const struct fn_sig chr_sigs[] = {SIG1(T_STR, T_I64, chr_k)};
static const struct fn_sig levenshtein_sigs[] = {SIG2(T_I64, T_STR, T_STR, levenshtein_k)};
static const struct fn_sig format_number_sigs[] = {SIG2(T_STR, T_F64, T_I64, format_number_k)};

const struct scalar_fn fn_string_table[] = {
	{.name = "lower", SIGS(lower_k_sigs), .usage = "lower(str)",
	    .doc = "str in lower case (Unicode simple case mapping)",
	    .example = "lower('Shiseido ÉTÉ')", .example_result = "shiseido été"},
	{.name = "lcase", SIGS(lower_k_sigs), .usage = "lcase(str)",
	    .doc = "Same as lower(str)",
	    .example = "lcase('ABC')", .example_result = "abc"},
	{.name = "upper", SIGS(upper_k_sigs), .usage = "upper(str)",
	    .doc = "str in upper case (Unicode simple case mapping)",
	    .example = "upper('apple')", .example_result = "APPLE"},
	{.name = "ucase", SIGS(upper_k_sigs), .usage = "ucase(str)",
	    .doc = "Same as upper(str)",
	    .example = "ucase('abc')", .example_result = "ABC"},
	{.name = "initcap", SIGS(initcap_k_sigs), .usage = "initcap(str)",
	    .doc = "str in lower case with the first letter of each space-separated word in upper case",
	    .example = "initcap('sPARK sql')", .example_result = "Spark Sql"},
	{.name = "length", SIGS(length_sigs), .usage = "length(str)",
	    .doc = "Number of characters (not bytes) in str",
	    .example = "length('café')", .example_result = "4"},
	{.name = "len", SIGS(length_sigs), .usage = "len(str)",
	    .doc = "Same as length(str)",
	    .example = "len('abc')", .example_result = "3"},
	{.name = "char_length", SIGS(length_sigs), .usage = "char_length(str)",
	    .doc = "Same as length(str)",
	    .example = "char_length('café')", .example_result = "4"},
	{.name = "character_length", SIGS(length_sigs), .usage = "character_length(str)",
	    .doc = "Same as length(str)",
	    .example = "character_length('abc')", .example_result = "3"},
	{.name = "octet_length", SIGS(octet_length_sigs), .usage = "octet_length(str)",
	    .doc = "Number of bytes in str (UTF-8)",
	    .example = "octet_length('café')", .example_result = "5"},
	{.name = "bit_length", SIGS(bit_length_sigs), .usage = "bit_length(str)",
	    .doc = "Number of bits in str (8 per byte)",
	    .example = "bit_length('abc')", .example_result = "24"},
	{.name = "substr", SIGS(substr_sigs), .usage = "substr(str, pos [, len])",
	    .doc = "len characters of str from position pos (1-based; negative pos counts from the end; pos 0 acts as 1)",
	    .example = "substr('lakehouse', -5, 3)", .example_result = "hou"},
	{.name = "substring", SIGS(substr_sigs), .usage = "substring(str, pos [, len])",
	    .doc = "Same as substr(str, pos [, len])",
	    .example = "substring('hello', 2, 3)", .example_result = "ell"},
	{.name = "left", SIGS(left_sigs), .usage = "left(str, n)",
	    .doc = "The first n characters of str ('' if n <= 0)",
	    .example = "left('lakehouse', 4)", .example_result = "lake"},
	{.name = "right", SIGS(right_sigs), .usage = "right(str, n)",
	    .doc = "The last n characters of str ('' if n <= 0)",
	    .example = "right('lakehouse', 5)", .example_result = "house"},
	{.name = "trim", SIGS(trim_k_sigs), .usage = "trim(str [, chars])",
	    .doc = "str without leading and trailing spaces, or characters in chars (SQL TRIM(BOTH chars FROM str))",
	    .example = "trim('  wb  ')", .example_result = "wb"},
	{.name = "btrim", SIGS(trim_k_sigs), .usage = "btrim(str [, chars])",
	    .doc = "Same as trim(str [, chars])",
	    .example = "btrim('xxwbxx', 'x')", .example_result = "wb"},
	{.name = "ltrim", SIGS(ltrim_k_sigs), .usage = "ltrim(str [, chars])",
	    .doc = "str without leading spaces, or leading characters in chars",
	    .example = "ltrim('--wb--', '-')", .example_result = "wb--"},
	{.name = "rtrim", SIGS(rtrim_k_sigs), .usage = "rtrim(str [, chars])",
	    .doc = "str without trailing spaces, or trailing characters in chars",
	    .example = "rtrim('--wb--', '-')", .example_result = "--wb"},
	{.name = "lpad", SIGS(lpad_k_sigs), .usage = "lpad(str, len [, pad])",
	    .doc = "str left-padded with pad (default space) to len characters, or cut to len if longer",
	    .example = "lpad('7', 3, '0')", .example_result = "007"},
	{.name = "rpad", SIGS(rpad_k_sigs), .usage = "rpad(str, len [, pad])",
	    .doc = "str right-padded with pad (default space) to len characters, or cut to len if longer",
	    .example = "rpad('ab', 5, 'xy')", .example_result = "abxyx"},
	{.name = "concat", SIGS(concat_sigs), .usage = "concat(str, ...) | concat(arr, ...)",
	    .doc = "The arguments joined together (non-strings are converted), or the lists one after the other; NULL if any argument is NULL (Spark)",
	    .example = "concat('wb', '-', 1)", .example_result = "wb-1"},
	{.name = "concat_ws", SIGS(concat_ws_sigs), .usage = "concat_ws(sep, str, ...)",
	    .doc = "The non-NULL arguments joined with separator sep; NULL if sep is NULL",
	    .example = "concat_ws('/', 'a', NULL, 'b')", .example_result = "a/b"},
	{.name = "instr", SIGS(instr_sigs), .usage = "instr(str, substr)",
	    .doc = "Character position (1-based) of the first occurrence of substr in str, 0 if none",
	    .example = "instr('lakehouse', 'house')", .example_result = "5"},
	{.name = "strpos", SIGS(instr_sigs), .usage = "strpos(str, substr)",
	    .doc = "Same as instr(str, substr)",
	    .example = "strpos('abc', 'c')", .example_result = "3"},
	{.name = "locate", SIGS(locate_sigs), .usage = "locate(substr, str [, pos])",
	    .doc = "Position of the first occurrence of substr in str at or after character pos (default 1); 0 if none or pos < 1",
	    .example = "locate('a', 'banana', 3)", .example_result = "4"},
	{.name = "position", SIGS(locate_sigs), .usage = "position(substr, str [, pos])",
	    .doc = "Same as locate; POSITION(substr IN str) is the SQL form",
	    .example = "position('b', 'abc')", .example_result = "2"},
	{.name = "starts_with", SIGS(str2bool_sw), .usage = "starts_with(str, prefix)",
	    .doc = "true if str begins with prefix",
	    .example = "starts_with('lakehouse', 'lake')", .example_result = "true"},
	{.name = "startswith", SIGS(str2bool_sw), .usage = "startswith(str, prefix)",
	    .doc = "Same as starts_with(str, prefix)",
	    .example = "startswith('abc', 'b')", .example_result = "false"},
	{.name = "ends_with", SIGS(str2bool_ew), .usage = "ends_with(str, suffix)",
	    .doc = "true if str ends with suffix",
	    .example = "ends_with('lakehouse', 'house')", .example_result = "true"},
	{.name = "endswith", SIGS(str2bool_ew), .usage = "endswith(str, suffix)",
	    .doc = "Same as ends_with(str, suffix)",
	    .example = "endswith('abc', 'bc')", .example_result = "true"},
	{.name = "contains", SIGS(str2bool_ct), .usage = "contains(str, substr)",
	    .doc = "true if substr occurs in str",
	    .example = "contains('electronics.smartphone', 'smart')", .example_result = "true"},
	{.name = "replace", SIGS(replace_sigs), .usage = "replace(str, search [, replacement])",
	    .doc = "str with every occurrence of search replaced (default: removed); an empty search changes nothing",
	    .example = "replace('a.b.c', '.', '/')", .example_result = "a/b/c"},
	{.name = "split_part", SIGS(split_part_sigs), .usage = "split_part(str, delim, n)",
	    .doc = "The n-th field of str split on delim (negative n counts from the end); '' if there is none",
	    .example = "split_part('electronics.smartphone', '.', 2)", .example_result = "smartphone"},
	{.name = "substring_index", SIGS(substring_index_sigs), .usage = "substring_index(str, delim, count)",
	    .doc = "str before the count-th delim, or after the count-th delim from the end if count < 0",
	    .example = "substring_index('a.b.c', '.', -2)", .example_result = "b.c"},
	{.name = "reverse", SIGS(reverse_k_sigs), .usage = "reverse(str)",
	    .doc = "The characters of str in reverse order",
	    .example = "reverse('café')", .example_result = "éfac"},
	{.name = "repeat", SIGS(repeat_sigs), .usage = "repeat(str, n)",
	    .doc = "str repeated n times ('' if n <= 0)",
	    .example = "repeat('ab', 3)", .example_result = "ababab"},
	{.name = "space", SIGS(space_sigs), .usage = "space(n)",
	    .doc = "A string of n spaces",
	    .example = "concat('[', space(2), ']')", .example_result = "[  ]"},
	{.name = "translate", SIGS(translate_sigs), .usage = "translate(str, from, to)",
	    .doc = "str with each character in from replaced by the one at the same place in to, or removed if to is shorter",
	    .example = "translate('AaBbCc', 'abc', '12')", .example_result = "A1B2C"},
	{.name = "ascii", SIGS(ascii_sigs), .usage = "ascii(str)",
	    .doc = "Code point of the first character of str (0 for '')",
	    .example = "ascii('A')", .example_result = "65"},
	{.name = "chr", SIGS(chr_sigs), .usage = "chr(n)",
	    .doc = "The character with code n mod 256 (Spark); '' for negative n",
	    .example = "chr(65)", .example_result = "A"},
	{.name = "levenshtein", SIGS(levenshtein_sigs), .usage = "levenshtein(a, b)",
	    .doc = "Edit distance between a and b in characters (insertions, deletions, substitutions)",
	    .example = "levenshtein('kitten', 'sitting')", .example_result = "3"},
	{.name = "format_number", SIGS(format_number_sigs), .usage = "format_number(x, d)",
	    .doc = "x rounded to d decimals (half-even) with thousands separators, as text; NULL if d < 0",
	    .example = "format_number(12332.123456, 4)", .example_result = "12,332.1235"},
};
const int fn_string_count = (int)(sizeof fn_string_table / sizeof fn_string_table[0]);

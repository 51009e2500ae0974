/*
 * fn_regex.c: regular expressions through PCRE2 (rlike, regexp_like,
 * regexp_extract, regexp_extract_all, regexp_replace, regexp_count,
 * regexp_instr, regexp_substr, split).
 *
 * Patterns are Perl-compatible, which for everyday use agrees with Java's
 * regexes that Spark uses. A constant pattern is compiled once per thread
 * in prepare (and JIT-compiled where PCRE2 supports it); a pattern that
 * varies per row is compiled when it changes. Each match runs under a
 * match limit and a depth limit, so a catastrophically backtracking
 * pattern fails with a clear error in milliseconds instead of hanging.
 *
 * split and regexp_extract_all return VARCHAR[] lists whose elements are
 * views into the input string (no bytes are copied).
 */
#include "func/fn_impl.h"

#include "core/list.h"
#include "core/xmalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * PCRE2's JIT scans the subject a word at a time and may read past its
 * end within the same aligned word (never across a page, so it cannot
 * fault), which valgrind reports as use of uninitialised memory. Under
 * valgrind the interpreter is used instead, so memory checks stay clean.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

/* Generous for real patterns on real data, small enough that exponential
 * backtracking is cut off within about a hundred milliseconds. */
#define RX_MATCH_LIMIT 5000000
#define RX_DEPTH_LIMIT 100000

struct rx_state {
	const char *fname;
	pcre2_code *code;          /* current pattern (constant or last row's) */
	bool constant;
	bool have;                 /* code is valid for `pat` */
	char *pat;                 /* its text, for errors and the cache */
	size_t patn, patcap;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	uint32_t ngroups;
};

static bool
rx_compile(struct rx_state *st, wb_str pat, struct wb_error *err, int pos)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)(pat.n ? pat.p : ""), pat.n,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];
		char b[96];
		pcre2_get_error_message(ec, msg, sizeof msg);
		err_set(err, pos, "%s: invalid regular expression %s at offset %zu: %s", st->fname,
		    fn_show_str(pat, b, sizeof b), (size_t)eo, (const char *)msg);
		return false;
	}
	/* JIT is an optimisation only: the interpreter is the fallback */
	if (!UNDER_VALGRIND())
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (st->code)
		pcre2_code_free(st->code);
	st->code = code;
	uint32_t cap = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cap);
	if (st->md == NULL || cap + 1 > pcre2_get_ovector_count(st->md)) {
		if (st->md)
			pcre2_match_data_free(st->md);
		st->md = pcre2_match_data_create(cap + 1 > 16 ? cap + 1 : 16, NULL);
	}
	st->ngroups = cap;
	if (pat.n + 1 > st->patcap)
		st->pat = xgrow(st->pat, &st->patcap, pat.n + 1, 1);
	if (pat.n)
		memcpy(st->pat, pat.p, pat.n);
	st->patn = pat.n;
	st->have = true;
	return true;
}

static void
rx_release(void *state)
{
	struct rx_state *st = state;
	if (st == NULL)
		return;
	if (st->code)
		pcre2_code_free(st->code);
	if (st->md)
		pcre2_match_data_free(st->md);
	if (st->mctx)
		pcre2_match_context_free(st->mctx);
	if (st->jstack)
		pcre2_jit_stack_free(st->jstack);
	free(st->pat);
	free(st);
}

static void *
rx_prepare(const char *fname, const struct wb_value *consts, const bool *is_const, struct wb_error *err)
{
	struct rx_state *st = xcalloc(1, sizeof *st);
	st->fname = fname;
	st->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(st->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(st->mctx, RX_DEPTH_LIMIT);
	st->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (st->jstack)
		pcre2_jit_stack_assign(st->mctx, NULL, st->jstack);
	if (is_const[1] && !consts[1].is_null) {
		if (!rx_compile(st, consts[1].u.s, err, -1)) {
			rx_release(st);
			return NULL;
		}
		st->constant = true;
	}
	return st;
}

#define RX_PREPARE(fn, name) \
	static void *fn(const struct wb_value *c, const bool *k, int nargs, struct wb_error *err) \
	{ \
		return rx_prepare(name, c, k, err); \
	}
RX_PREPARE(rlike_prepare, "rlike")
RX_PREPARE(regexp_like_prepare, "regexp_like")
RX_PREPARE(regexp_prepare, "regexp")
RX_PREPARE(extract_prepare, "regexp_extract")
RX_PREPARE(replace_prepare, "regexp_replace")
RX_PREPARE(count_prepare, "regexp_count")
RX_PREPARE(instr_prepare, "regexp_instr")
RX_PREPARE(substr_prepare, "regexp_substr")
RX_PREPARE(extract_all_prepare, "regexp_extract_all")
RX_PREPARE(split_prepare, "split")

/* Make st->code the pattern of this row (a no-op for constants). */
static bool
rx_row(struct rx_state *st, struct fn_call *call, wb_str pat)
{
	if (st->constant)
		return true;
	if (st->have && st->patn == pat.n && (pat.n == 0 || memcmp(st->pat, pat.p, pat.n) == 0))
		return true;
	st->have = false;
	return rx_compile(st, pat, call->err, call->pos);
}

/*
 * One match of st->code in s from byte `start`. Returns 1 (match; offsets
 * in st->md), 0 (no match) or -1 (error set).
 */
static int
rx_exec(struct rx_state *st, struct fn_call *call, wb_str s, size_t start, uint32_t opts)
{
	int rc = pcre2_match(st->code, (PCRE2_SPTR)(s.n ? s.p : ""), s.n, start, opts, st->md, st->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	char pb[96], vb[96];
	wb_str pat = {st->pat, (uint32_t)st->patn};
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT) {
		err_set(call->err, call->pos,
		    "%s: regular expression %s backtracks too much on value %s (match limit exceeded)", st->fname,
		    fn_show_str(pat, pb, sizeof pb), fn_show_str(s, vb, sizeof vb));
		err_hint(call->err, "nested quantifiers such as (a+)+ backtrack exponentially; simplify the pattern");
		return -1;
	}
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(rc, msg, sizeof msg);
	err_set(call->err, call->pos, "%s: matching %s failed: %s", st->fname, fn_show_str(pat, pb, sizeof pb),
	    (const char *)msg);
	return -1;
}

/*
 * Iterate over successive non-overlapping matches the way Java's find()
 * loop does (Spark's regexp_replace and regexp_count): a search starts
 * where the previous match ended, or one character later if that match
 * was empty. Returns as rx_exec.
 */
struct rx_iter {
	size_t at;          /* where the previous match ended */
	bool after_empty;   /* the previous match was empty */
};

static int
rx_next(struct rx_state *st, struct fn_call *call, wb_str s, struct rx_iter *it)
{
	if (it->after_empty) {
		if (it->at >= s.n)
			return 0;
		it->at += fn_utf8_clen(s.p, s.n, it->at);
	}
	if (it->at > s.n)
		return 0;
	int rc = rx_exec(st, call, s, it->at, 0);
	if (rc <= 0)
		return rc;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	it->after_empty = ov[0] == ov[1];
	it->at = ov[1];
	return 1;
}

/* ---- rlike / regexp_like / regexp ---- */

static int
rlike_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (!rx_row(st, call, p[i]))
			return -1;
		int rc = rx_exec(st, call, a[i], 0, 0);
		if (rc < 0)
			return -1;
		r[i] = (uint8_t)rc;
	}
	return 0;
}

/* ---- regexp_extract ---- */

static bool
group_ok(struct rx_state *st, struct fn_call *call, int64_t g)
{
	if (g >= 0 && g <= (int64_t)st->ngroups)
		return true;
	char pb[96];
	wb_str pat = {st->pat, (uint32_t)st->patn};
	err_set(call->err, call->pos, "%s: group %lld does not exist; %s has %u group%s", st->fname, (long long)g,
	    fn_show_str(pat, pb, sizeof pb), st->ngroups, st->ngroups == 1 ? "" : "s");
	err_hint(call->err, "group 0 is the whole match, groups 1..%u the parenthesised parts", st->ngroups);
	return false;
}

/* regexp_extract(str, pattern [, group = 1]): '' when there is no match
 * or the group did not take part (Spark). */
static int
extract_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	const int64_t *g = nargs > 2 ? vec_i64(args[2]) : NULL;
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		int64_t grp = g ? g[i] : 1;
		if (!rx_row(st, call, p[i]) || !group_ok(st, call, grp))
			return -1;
		int rc = rx_exec(st, call, a[i], 0, 0);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
		if (ov[2 * grp] == PCRE2_UNSET)
			continue;
		r[i].p = a[i].p + ov[2 * grp];
		r[i].n = (uint32_t)(ov[2 * grp + 1] - ov[2 * grp]);
	}
	return 0;
}

/* regexp_substr(str, pattern): the first match, NULL if none (Spark). */
static int
substr_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	wb_str *r = vec_str(out);
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		if (!rx_row(st, call, p[i]))
			return -1;
		int rc = rx_exec(st, call, a[i], 0, 0);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			vec_set_null(out, i);
			continue;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
		r[i].p = a[i].p + ov[0];
		r[i].n = (uint32_t)(ov[1] - ov[0]);
	}
	return 0;
}

/* regexp_count(str, pattern): number of non-overlapping matches. */
static int
count_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (!rx_row(st, call, p[i]))
			return -1;
		struct rx_iter it = {0, false};
		int rc;
		while ((rc = rx_next(st, call, a[i], &it)) > 0)
			r[i]++;
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* regexp_instr(str, pattern [, group = 0]): 1-based character position of
 * the first match (or of the group in it), 0 if none. */
static int
instr_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	const int64_t *g = nargs > 2 ? vec_i64(args[2]) : NULL;
	int64_t *r = vec_i64(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		int64_t grp = g ? g[i] : 0;
		if (!rx_row(st, call, p[i]) || !group_ok(st, call, grp))
			return -1;
		int rc = rx_exec(st, call, a[i], 0, 0);
		if (rc < 0)
			return -1;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
		if (rc == 0 || ov[2 * grp] == PCRE2_UNSET)
			continue;
		r[i] = (int64_t)fn_utf8_count(a[i].p, ov[2 * grp]) + 1;
	}
	return 0;
}

/* ---- regexp_replace ---- */

/*
 * Append the replacement for the current match to d (Java syntax, as
 * Spark): $n and ${n} insert group n (digits are taken greedily while the
 * group exists), \c inserts c literally. Returns the number of bytes, or
 * -1 with the error set. With d == NULL only measures.
 */
static int64_t
expand(struct rx_state *st, struct fn_call *call, wb_str s, wb_str rep, char *d)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	int64_t o = 0;
	char b[96];
	for (size_t i = 0; i < rep.n; i++) {
		char c = rep.p[i];
		if (c == '\\') {
			if (++i >= rep.n) {
				err_set(call->err, call->pos, "%s: replacement %s ends with a backslash", st->fname,
				    fn_show_str(rep, b, sizeof b));
				err_hint(call->err, "write \\\\ for a literal backslash");
				return -1;
			}
			if (d)
				d[o] = rep.p[i];
			o++;
			continue;
		}
		if (c != '$') {
			if (d)
				d[o] = c;
			o++;
			continue;
		}
		uint64_t g = 0;
		bool braced = i + 1 < rep.n && rep.p[i + 1] == '{';
		size_t j = i + 1 + braced;
		if (j >= rep.n || rep.p[j] < '0' || rep.p[j] > '9') {
			err_set(call->err, call->pos, "%s: replacement %s has '$' not followed by a group number", st->fname,
			    fn_show_str(rep, b, sizeof b));
			err_hint(call->err, "write \\$ for a literal dollar sign");
			return -1;
		}
		g = (uint64_t)(rep.p[j++] - '0');
		if (braced) {
			while (j < rep.n && rep.p[j] >= '0' && rep.p[j] <= '9' && g < 100000)
				g = g * 10 + (uint64_t)(rep.p[j++] - '0');
			if (j >= rep.n || rep.p[j] != '}') {
				err_set(call->err, call->pos, "%s: replacement %s has an unterminated ${...}", st->fname,
				    fn_show_str(rep, b, sizeof b));
				return -1;
			}
			j++;
		} else {
			/* Java: take more digits only while the group exists */
			while (j < rep.n && rep.p[j] >= '0' && rep.p[j] <= '9' &&
			    g * 10 + (uint64_t)(rep.p[j] - '0') <= st->ngroups)
				g = g * 10 + (uint64_t)(rep.p[j++] - '0');
		}
		if (g > st->ngroups) {
			char pb[96];
			wb_str pat = {st->pat, (uint32_t)st->patn};
			err_set(call->err, call->pos, "%s: replacement %s refers to group %llu but %s has %u group%s",
			    st->fname, fn_show_str(rep, b, sizeof b), (unsigned long long)g, fn_show_str(pat, pb, sizeof pb),
			    st->ngroups, st->ngroups == 1 ? "" : "s");
			return -1;
		}
		if (ov[2 * g] != PCRE2_UNSET) {
			size_t len = ov[2 * g + 1] - ov[2 * g];
			if (d)
				memcpy(d + o, s.p + ov[2 * g], len);
			o += (int64_t)len;
		}
		i = j - 1;
	}
	return o;
}

/* regexp_replace(str, pattern, replacement [, pos = 1]): every match at or
 * after character pos replaced. */
static int
replace_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]), *rp = vec_str(args[2]);
	const int64_t *ps = nargs > 3 ? vec_i64(args[3]) : NULL;
	wb_str *r = vec_str(out);
	struct strbuf b = STRBUF_INIT;
	struct fn_sw w;
	fn_sw_init(&w, out);
	for (int i = 0; i < n; i++) {
		r[i] = wb_str_c("");
		if (fn_skip(out, i))
			continue;
		if (!rx_row(st, call, p[i]))
			goto fail;
		wb_str s = a[i];
		int64_t pos = ps ? ps[i] : 1;
		if (pos < 1) {
			char vb[32];
			err_set(call->err, call->pos, "%s: position %s must be 1 or more", st->fname,
			    (snprintf(vb, sizeof vb, "%lld", (long long)pos), vb));
			goto fail;
		}
		size_t start = fn_utf8_skip(s.p, s.n, 0, (size_t)(pos - 1));
		struct rx_iter it = {start, false};
		size_t copied = 0;
		int rc;
		bool any = false;
		sb_clear(&b);
		while ((rc = rx_next(st, call, s, &it)) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
			sb_add(&b, s.p + copied, ov[0] - copied);
			int64_t len = expand(st, call, s, rp[i], NULL);
			if (len < 0)
				goto fail;
			sb_reserve(&b, (size_t)len);
			expand(st, call, s, rp[i], b.s + b.len);
			b.len += (size_t)len;
			copied = ov[1];
			any = true;
			if (b.len > FN_MAX_STR) {
				err_set(call->err, call->pos, "%s: result is longer than the limit of %zu bytes", st->fname,
				    FN_MAX_STR);
				goto fail;
			}
		}
		if (rc < 0)
			goto fail;
		if (!any) {
			r[i] = s;
			continue;
		}
		sb_add(&b, s.p + copied, s.n - copied);
		r[i] = fn_sw_copy(&w, b.s, b.len);
	}
	sb_free(&b);
	return 0;
fail:
	sb_free(&b);
	return -1;
}

/* ---- list results: split, regexp_extract_all ---- */

/* The pieces of one row (byte spans of the input string), collected
 * before the row's list is allocated; grown once per call as needed. */
struct rx_pieces {
	wb_str *v;
	size_t n, cap;
};

static void
pieces_add(struct rx_pieces *pc, const char *p, size_t n)
{
	if (pc->n == pc->cap)
		pc->v = xgrow(pc->v, &pc->cap, pc->n + 1, sizeof *pc->v);
	pc->v[pc->n++] = (wb_str){n ? p : "", (uint32_t)n};
}

/* The row's list: the pieces as views into the input string. */
static wb_list
pieces_list(struct vec *out, const struct rx_pieces *pc)
{
	void *data;
	uint8_t *nulls;
	wb_list l = vec_list_alloc(out, WB_TYPE_VARCHAR, (uint32_t)pc->n, false, &data, &nulls);
	if (pc->n)
		memcpy(data, pc->v, sizeof(wb_str) * pc->n);
	return l;
}

/*
 * split(str, pattern [, limit]): str cut around the matches of pattern,
 * as Spark (Java's String.split with a negative limit): a zero-width match
 * at the start makes no leading empty piece, trailing empty pieces are
 * kept, no match gives [str]. limit > 0 makes at most limit pieces, the
 * last holding the rest of str; limit <= 0 means no limit. An empty
 * pattern splits into characters (no trailing empty piece), as Spark.
 */
static int
split_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	const int64_t *lim = nargs > 2 ? vec_i64(args[2]) : NULL;
	wb_list *r = vec_list(out);
	struct rx_pieces pc = {0};
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		r[i] = list_empty();
		if (fn_skip(out, i))
			continue;
		wb_str s = a[i];
		int64_t limit = lim ? lim[i] : -1;
		pc.n = 0;
		if (p[i].n == 0 && s.n > 0) {
			size_t chars = fn_utf8_count(s.p, s.n);
			size_t k = limit <= 0 || (uint64_t)limit > chars ? chars : (size_t)limit;
			size_t off = 0;
			for (size_t c = 0; c + 1 < k; c++) {
				size_t len = fn_utf8_clen(s.p, s.n, off);
				pieces_add(&pc, s.p + off, len);
				off += len;
			}
			pieces_add(&pc, s.p + off, s.n - off);
			r[i] = pieces_list(out, &pc);
			continue;
		}
		if (!rx_row(st, call, p[i])) {
			rc = -1;
			break;
		}
		struct rx_iter it = {0, false};
		size_t index = 0;
		bool matched = false;
		while ((rc = rx_next(st, call, s, &it)) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
			if (limit > 0 && pc.n >= (size_t)limit - 1)
				break;
			if (index == 0 && ov[0] == 0 && ov[1] == 0)
				continue;   /* no leading empty piece for a zero-width match */
			pieces_add(&pc, s.p + index, ov[0] - index);
			index = ov[1];
			matched = true;
		}
		if (rc < 0)
			break;
		rc = 0;
		if (!matched) {
			pc.n = 0;
			pieces_add(&pc, s.p, s.n);
		} else {
			pieces_add(&pc, s.p + index, s.n - index);
		}
		r[i] = pieces_list(out, &pc);
	}
	free(pc.v);
	return rc;
}

/* regexp_extract_all(str, pattern [, group = 1]): the group of every
 * non-overlapping match, '' where the group did not take part (Spark). */
static int
extract_all_k(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct rx_state *st = call->state;
	const wb_str *a = vec_str(args[0]), *p = vec_str(args[1]);
	const int64_t *g = nargs > 2 ? vec_i64(args[2]) : NULL;
	wb_list *r = vec_list(out);
	struct rx_pieces pc = {0};
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		r[i] = list_empty();
		if (fn_skip(out, i))
			continue;
		int64_t grp = g ? g[i] : 1;
		if (!rx_row(st, call, p[i]) || !group_ok(st, call, grp)) {
			rc = -1;
			break;
		}
		pc.n = 0;
		struct rx_iter it = {0, false};
		while ((rc = rx_next(st, call, a[i], &it)) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
			if (ov[2 * grp] == PCRE2_UNSET)
				pieces_add(&pc, "", 0);
			else
				pieces_add(&pc, a[i].p + ov[2 * grp], ov[2 * grp + 1] - ov[2 * grp]);
		}
		if (rc < 0)
			break;
		rc = 0;
		r[i] = pieces_list(out, &pc);
	}
	free(pc.v);
	return rc;
}

/* ---- table ---- */

static const struct fn_sig rlike_sigs[] = {SIG2(T_BOOL, T_STR, T_STR, rlike_k)};
static const struct fn_sig extract_sigs[] = {
	SIG2(T_STR, T_STR, T_STR, extract_k),
	SIG3(T_STR, T_STR, T_STR, T_I64, extract_k),
};
static const struct fn_sig replace_sigs[] = {
	SIG3(T_STR, T_STR, T_STR, T_STR, replace_k),
	SIG4(T_STR, T_STR, T_STR, T_STR, T_I64, replace_k),
};
static const struct fn_sig count_sigs[] = {SIG2(T_I64, T_STR, T_STR, count_k)};
static const struct fn_sig instr_sigs[] = {
	SIG2(T_I64, T_STR, T_STR, instr_k),
	SIG3(T_I64, T_STR, T_STR, T_I64, instr_k),
};
static const struct fn_sig substr_sigs[] = {SIG2(T_STR, T_STR, T_STR, substr_k)};
#define T_STRS WB_TYPE_LIST_VARCHAR
static const struct fn_sig extract_all_sigs[] = {
	SIG2(T_STRS, T_STR, T_STR, extract_all_k),
	SIG3(T_STRS, T_STR, T_STR, T_I64, extract_all_k),
};
static const struct fn_sig split_sigs[] = {
	SIG2(T_STRS, T_STR, T_STR, split_k),
	SIG3(T_STRS, T_STR, T_STR, T_I64, split_k),
};

const struct scalar_fn fn_regex_table[] = {
	{.name = "rlike", SIGS(rlike_sigs), .usage = "str RLIKE pattern | rlike(str, pattern)",
	    .doc = "true if the regular expression pattern (PCRE) matches anywhere in str; also written REGEXP",
	    .example = "'iphone 11 pro' RLIKE '^iphone [0-9]+'", .example_result = "true",
	    .prepare = rlike_prepare, .release = rx_release},
	{.name = "regexp_like", SIGS(rlike_sigs), .usage = "regexp_like(str, pattern)",
	    .doc = "Same as str RLIKE pattern",
	    .example = "regexp_like('abc', 'b+')", .example_result = "true",
	    .prepare = regexp_like_prepare, .release = rx_release},
	{.name = "regexp", SIGS(rlike_sigs), .usage = "regexp(str, pattern)",
	    .doc = "Same as str RLIKE pattern",
	    .example = "regexp('abc', '^b')", .example_result = "false",
	    .prepare = regexp_prepare, .release = rx_release},
	{.name = "regexp_extract", SIGS(extract_sigs), .usage = "regexp_extract(str, pattern [, group])",
	    .doc = "The part of the first match of pattern matched by group (default 1; 0 is the whole match); '' if no match",
	    .example = "regexp_extract('order-1234-x', '([a-z]+)-([0-9]+)', 2)", .example_result = "1234",
	    .prepare = extract_prepare, .release = rx_release},
	{.name = "regexp_extract_all", SIGS(extract_all_sigs), .usage = "regexp_extract_all(str, pattern [, group])",
	    .doc = "The part matched by group (default 1; 0 is the whole match) of every non-overlapping match of pattern, as a list",
	    .example = "regexp_extract_all('a1 b22 c333', '([a-z])([0-9]+)', 2)", .example_result = "[1, 22, 333]",
	    .prepare = extract_all_prepare, .release = rx_release},
	{.name = "regexp_replace", SIGS(replace_sigs), .usage = "regexp_replace(str, pattern, replacement [, pos])",
	    .doc = "str with every match of pattern (from character pos, default 1) replaced; $1 or ${1} in replacement inserts a group, \\$ a dollar",
	    .example = "regexp_replace('2019-10-01', '([0-9]+)-([0-9]+)-([0-9]+)', '$3/$2/$1')",
	    .example_result = "01/10/2019",
	    .prepare = replace_prepare, .release = rx_release},
	{.name = "regexp_count", SIGS(count_sigs), .usage = "regexp_count(str, pattern)",
	    .doc = "Number of non-overlapping matches of pattern in str",
	    .example = "regexp_count('a1b22c333', '[0-9]+')", .example_result = "3",
	    .prepare = count_prepare, .release = rx_release},
	{.name = "regexp_instr", SIGS(instr_sigs), .usage = "regexp_instr(str, pattern [, group])",
	    .doc = "Character position (1-based) where the first match (or its group) begins; 0 if none",
	    .example = "regexp_instr('abc123', '[0-9]')", .example_result = "4",
	    .prepare = instr_prepare, .release = rx_release},
	{.name = "regexp_substr", SIGS(substr_sigs), .usage = "regexp_substr(str, pattern)",
	    .doc = "The first match of pattern in str; NULL if none",
	    .example = "regexp_substr('size: 42 cm', '[0-9]+')", .example_result = "42",
	    .prepare = substr_prepare, .release = rx_release},
	{.name = "split", SIGS(split_sigs), .usage = "split(str, pattern [, limit])",
	    .doc = "str cut around the matches of the regular expression pattern, as a list (trailing empty strings kept); at most limit pieces when limit > 0",
	    .example = "split('oneAtwoBthreeC', '[ABC]')", .example_result = "[one, two, three, ]",
	    .prepare = split_prepare, .release = rx_release},
};
const int fn_regex_count = (int)(sizeof fn_regex_table / sizeof fn_regex_table[0]);

/*
 * fn_like.c: LIKE and ILIKE.
 *
 * `%` matches any run of characters, `_` exactly one character (UTF-8
 * aware), and the escape character (default backslash) makes the next
 * `%`, `_` or escape character literal; anything else after it is an
 * error, as in Spark. ILIKE lower-cases both sides (Unicode simple case
 * folding, see lower()).
 *
 * A pattern compiles to segments separated by `%`; each segment is a
 * fixed sequence of literal runs and `_`. The first segment is anchored at
 * the start, the last at the end, and the middle ones match leftmost
 * (which is optimal because each matches a fixed number of characters),
 * so matching is linear-ish with no backtracking blow-up. Common shapes
 * get fast paths: 'abc', 'abc%', '%abc', '%abc%', '%'.
 */
#include "func/fn_impl.h"

#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>

enum like_kind { LK_EXACT, LK_PREFIX, LK_SUFFIX, LK_CONTAINS, LK_ALL, LK_GENERAL };

struct like_tok {
	uint32_t off, len;  /* literal bytes in pat->lit; len 0 means `_` */
};

struct like_seg {
	uint32_t tok, ntok;  /* tokens of this segment */
	uint32_t nchars;     /* characters it matches */
};

struct like_pat {
	enum like_kind kind;
	char *lit;           /* all literal bytes, unescaped (lower-cased for ILIKE) */
	size_t litcap;
	struct like_tok *toks;
	size_t ntok, tokcap;
	struct like_seg *segs;
	size_t nseg, segcap;
	bool has_percent;
	wb_str fast;         /* the literal of the fast paths */
};

struct like_state {
	bool icase;
	bool constant;       /* pat holds the compiled constant pattern */
	struct like_pat pat;
	/* per-row compilation: cache the last pattern and escape */
	char *last;
	size_t lastcap, lastn, last_escn;
	bool last_ok;
	char *low;           /* lower-cased input for ILIKE */
	size_t lowcap;
};

static void
pat_free(struct like_pat *p)
{
	free(p->lit);
	free(p->toks);
	free(p->segs);
	memset(p, 0, sizeof *p);
}

static void
add_tok(struct like_pat *p, uint32_t off, uint32_t len)
{
	p->toks = xgrow(p->toks, &p->tokcap, p->ntok + 1, sizeof *p->toks);
	p->toks[p->ntok].off = off;
	p->toks[p->ntok].len = len;
	p->ntok++;
}

static void
end_seg(struct like_pat *p, uint32_t first_tok)
{
	p->segs = xgrow(p->segs, &p->segcap, p->nseg + 1, sizeof *p->segs);
	struct like_seg *s = &p->segs[p->nseg++];
	s->tok = first_tok;
	s->ntok = (uint32_t)p->ntok - first_tok;
	s->nchars = 0;
	for (uint32_t t = s->tok; t < s->tok + s->ntok; t++)
		s->nchars += p->toks[t].len ? (uint32_t)fn_utf8_count(p->lit + p->toks[t].off, p->toks[t].len) : 1;
}

/*
 * Compile pattern `pt` with escape sequence `esc` (esc.n == 0: none) into
 * p (reusing its buffers). Returns false with err set on a bad escape.
 */
static bool
pat_compile(struct like_pat *p, wb_str pt, wb_str esc, bool icase, const char *fname, struct fn_call *call,
    struct wb_error *err)
{
	/* raw literals, then room to lower-case them (ILIKE) behind */
	size_t need = (size_t)pt.n * 3 + 1;
	if (need > p->litcap) {
		free(p->lit);
		p->lit = xmalloc(need);
		p->litcap = need;
	}
	p->ntok = p->nseg = 0;
	p->has_percent = false;
	size_t litn = 0, i = 0;
	uint32_t seg_start = 0;
	bool in_lit = false;
	uint32_t run_off = 0;
	/* literal runs are collected raw, then lower-cased in place for ILIKE */
	while (i < pt.n) {
		char c = pt.p[i];
		size_t cl = fn_utf8_clen(pt.p, pt.n, i);
		if (esc.n && pt.n - i >= esc.n && memcmp(pt.p + i, esc.p, esc.n) == 0) {
			size_t j = i + esc.n;
			if (j >= pt.n) {
				char b[96];
				err_set(err, call ? call->pos : -1, "%s: pattern %s ends with the escape character", fname,
				    fn_show_str(pt, b, sizeof b));
				return false;
			}
			size_t jl = fn_utf8_clen(pt.p, pt.n, j);
			bool ok = (jl == 1 && (pt.p[j] == '%' || pt.p[j] == '_')) ||
			    (jl == esc.n && memcmp(pt.p + j, esc.p, esc.n) == 0);
			if (!ok) {
				char b[96];
				err_set(err, call ? call->pos : -1,
				    "%s: in pattern %s the escape character '%.*s' is followed by '%.*s'; it may only precede %%, _ or itself",
				    fname, fn_show_str(pt, b, sizeof b), (int)esc.n, esc.p, (int)jl, pt.p + j);
				err_hint(err, "double the escape character to match it literally, or use ESCAPE '' for none");
				return false;
			}
			if (!in_lit) {
				run_off = (uint32_t)litn;
				in_lit = true;
			}
			memcpy(p->lit + litn, pt.p + j, jl);
			litn += jl;
			i = j + jl;
			continue;
		}
		if (c == '%' || c == '_') {
			if (in_lit) {
				add_tok(p, run_off, (uint32_t)(litn - run_off));
				in_lit = false;
			}
			if (c == '_') {
				add_tok(p, 0, 0);
			} else {
				end_seg(p, seg_start);
				seg_start = (uint32_t)p->ntok;
				p->has_percent = true;
			}
			i++;
			continue;
		}
		if (!in_lit) {
			run_off = (uint32_t)litn;
			in_lit = true;
		}
		memcpy(p->lit + litn, pt.p + i, cl);
		litn += cl;
		i += cl;
	}
	if (in_lit)
		add_tok(p, run_off, (uint32_t)(litn - run_off));
	end_seg(p, seg_start);

	if (icase) {
		/* lower each literal run into the upper half of the buffer */
		size_t o = litn;
		for (size_t t = 0; t < p->ntok; t++) {
			struct like_tok *k = &p->toks[t];
			if (k->len == 0)
				continue;
			size_t l = fn_str_lower(p->lit + k->off, k->len, p->lit + o);
			k->off = (uint32_t)o;
			k->len = (uint32_t)l;
			o += l;
		}
		/* segment lengths in characters do not change under case mapping */
	}

	/* classify for the fast paths */
	bool simple = true;   /* every segment is empty or one literal run */
	for (size_t s = 0; s < p->nseg; s++)
		if (p->segs[s].ntok > 1 || (p->segs[s].ntok == 1 && p->toks[p->segs[s].tok].len == 0))
			simple = false;
	p->kind = LK_GENERAL;
	if (simple) {
		const struct like_seg *sg = p->segs;
#define SEG_EMPTY(k) (sg[k].ntok == 0)
#define SEG_STR(k) ((wb_str){p->lit + p->toks[sg[k].tok].off, p->toks[sg[k].tok].len})
		if (p->nseg == 1) {
			p->kind = LK_EXACT;
			p->fast = SEG_EMPTY(0) ? (wb_str){"", 0} : SEG_STR(0);
		} else {
			bool all_mid_empty = true;
			for (size_t s = 1; s + 1 < p->nseg; s++)
				all_mid_empty &= SEG_EMPTY(s);
			size_t last = p->nseg - 1;
			if (all_mid_empty && SEG_EMPTY(0) && SEG_EMPTY(last)) {
				p->kind = LK_ALL;
			} else if (all_mid_empty && !SEG_EMPTY(0) && SEG_EMPTY(last)) {
				p->kind = LK_PREFIX;
				p->fast = SEG_STR(0);
			} else if (all_mid_empty && SEG_EMPTY(0) && !SEG_EMPTY(last)) {
				p->kind = LK_SUFFIX;
				p->fast = SEG_STR(last);
			} else if (p->nseg == 3 && SEG_EMPTY(0) && SEG_EMPTY(2)) {
				p->kind = LK_CONTAINS;
				p->fast = SEG_STR(1);
			}
		}
#undef SEG_EMPTY
#undef SEG_STR
	}
	return true;
}

/* Match segment sg anchored at byte at of s; returns the end offset or -1. */
static int64_t
seg_match_at(const struct like_pat *p, const struct like_seg *sg, wb_str s, size_t at)
{
	for (uint32_t t = sg->tok; t < sg->tok + sg->ntok; t++) {
		const struct like_tok *k = &p->toks[t];
		if (k->len == 0) {
			if (at >= s.n)
				return -1;
			at += fn_utf8_clen(s.p, s.n, at);
		} else {
			if (s.n - at < k->len || memcmp(s.p + at, p->lit + k->off, k->len) != 0)
				return -1;
			at += k->len;
		}
	}
	return (int64_t)at;
}

static bool
match_general(const struct like_pat *p, wb_str s)
{
	const struct like_seg *sg = p->segs;
	size_t nseg = p->nseg;
	if (!p->has_percent) {
		int64_t e = seg_match_at(p, &sg[0], s, 0);
		return e == (int64_t)s.n;
	}
	int64_t e = seg_match_at(p, &sg[0], s, 0);
	if (e < 0)
		return false;
	size_t at = (size_t)e;
	for (size_t k = 1; k + 1 < nseg; k++) {
		if (sg[k].ntok == 0)
			continue;
		/* leftmost match at or after `at`, trying character boundaries */
		const struct like_tok *first = &p->toks[sg[k].tok];
		bool found = false;
		while (at <= s.n) {
			if (first->len) {
				const char *f = memmem(s.p + at, s.n - at, p->lit + first->off, first->len);
				if (f == NULL)
					return false;
				at = (size_t)(f - s.p);
			}
			int64_t end = seg_match_at(p, &sg[k], s, at);
			if (end >= 0) {
				at = (size_t)end;
				found = true;
				break;
			}
			if (at >= s.n)
				break;
			at += fn_utf8_clen(s.p, s.n, at);
		}
		if (!found)
			return false;
	}
	/* the last segment ends at the end of s: step back its characters */
	const struct like_seg *last = &sg[nseg - 1];
	if (last->ntok == 0)
		return true;
	size_t st = s.n;
	for (uint32_t c = 0; c < last->nchars; c++) {
		if (st <= at)
			return false;
		st--;
		while (st > at && fn_is_cont((unsigned char)s.p[st]))
			st--;
	}
	return seg_match_at(p, last, s, st) == (int64_t)s.n;
}

static inline bool
like_match(const struct like_pat *p, wb_str s)
{
	switch (p->kind) {
	case LK_EXACT: return wb_str_eq(s, p->fast);
	case LK_PREFIX: return s.n >= p->fast.n && memcmp(s.p, p->fast.p, p->fast.n) == 0;
	case LK_SUFFIX: return s.n >= p->fast.n && memcmp(s.p + s.n - p->fast.n, p->fast.p, p->fast.n) == 0;
	case LK_CONTAINS: return memmem(s.p, s.n, p->fast.p, p->fast.n) != NULL;
	case LK_ALL: return true;
	default: return match_general(p, s);
	}
}

static const wb_str default_escape = {"\\", 1};

static bool
check_escape(wb_str esc, const char *fname, struct wb_error *err, int pos)
{
	if (esc.n > 0 && fn_utf8_clen(esc.p, esc.n, 0) != esc.n) {
		char b[96];
		err_set(err, pos, "%s: escape %s must be a single character", fname, fn_show_str(esc, b, sizeof b));
		return false;
	}
	return true;
}

static void *
like_prepare_common(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err,
    bool icase)
{
	const char *fname = icase ? "ilike" : "like";
	struct like_state *st = xcalloc(1, sizeof *st);
	st->icase = icase;
	bool pat_const = is_const[1] && !consts[1].is_null;
	bool esc_const = nargs < 3 || (is_const[2] && !consts[2].is_null);
	if (pat_const && esc_const) {
		wb_str esc = nargs < 3 ? default_escape : consts[2].u.s;
		if (!check_escape(esc, fname, err, -1) ||
		    !pat_compile(&st->pat, consts[1].u.s, esc, icase, fname, NULL, err)) {
			pat_free(&st->pat);
			free(st);
			return NULL;
		}
		st->constant = true;
	}
	return st;
}

static void *
like_prepare(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err)
{
	return like_prepare_common(consts, is_const, nargs, err, false);
}

static void *
ilike_prepare(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err)
{
	return like_prepare_common(consts, is_const, nargs, err, true);
}

static void
like_release(void *state)
{
	struct like_state *st = state;
	if (st == NULL)
		return;
	pat_free(&st->pat);
	free(st->last);
	free(st->low);
	free(st);
}

static int
like_kernel(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct like_state *st = call->state;
	const char *fname = st->icase ? "ilike" : "like";
	const wb_str *a = vec_str(args[0]), *pt = vec_str(args[1]);
	const wb_str *es = nargs > 2 ? vec_str(args[2]) : NULL;
	uint8_t *r = vec_bool(out);
	for (int i = 0; i < n; i++) {
		r[i] = 0;
		if (fn_skip(out, i))
			continue;
		if (!st->constant) {
			/* compile this row's pattern unless it repeats the last one */
			wb_str esc = es ? es[i] : default_escape;
			size_t key = (size_t)pt[i].n + esc.n;
			if (!st->last_ok || st->lastn != pt[i].n || st->last_escn != esc.n ||
			    memcmp(st->last, pt[i].p, pt[i].n) != 0 || memcmp(st->last + pt[i].n, esc.p, esc.n) != 0) {
				st->last_ok = false;
				if (!check_escape(esc, fname, call->err, call->pos) ||
				    !pat_compile(&st->pat, pt[i], esc, st->icase, fname, call, call->err))
					return -1;
				if (key + 1 > st->lastcap)
					st->last = xgrow(st->last, &st->lastcap, key + 1, 1);
				memcpy(st->last, pt[i].p, pt[i].n);
				memcpy(st->last + pt[i].n, esc.p, esc.n);
				st->lastn = pt[i].n;
				st->last_escn = esc.n;
				st->last_ok = true;
			}
		}
		wb_str s = a[i];
		if (st->icase) {
			size_t need = (size_t)s.n * 2 + 1;
			if (need > st->lowcap)
				st->low = xgrow(st->low, &st->lowcap, need, 1);
			s.n = (uint32_t)fn_str_lower(s.p, s.n, st->low);
			s.p = st->low;
		}
		r[i] = like_match(&st->pat, s);
	}
	return 0;
}

static const struct fn_sig like_sigs[] = {
	SIG2(T_BOOL, T_STR, T_STR, like_kernel),
	SIG3(T_BOOL, T_STR, T_STR, T_STR, like_kernel),
};

const struct scalar_fn fn_like_table[] = {
	{.name = "like", SIGS(like_sigs), .usage = "str LIKE pattern [ESCAPE esc] | like(str, pattern [, esc])",
	    .doc = "true if str matches pattern: % is any run of characters, _ one character; esc (default \\) quotes %, _ and itself",
	    .example = "'electronics.smartphone' LIKE 'electronics.%'", .example_result = "true",
	    .prepare = like_prepare, .release = like_release},
	{.name = "ilike", SIGS(like_sigs), .usage = "str ILIKE pattern [ESCAPE esc] | ilike(str, pattern [, esc])",
	    .doc = "Case-insensitive LIKE (both sides lower-cased with lower())",
	    .example = "'Apple' ILIKE 'a%'", .example_result = "true",
	    .prepare = ilike_prepare, .release = like_release},
};
const int fn_like_count = (int)(sizeof fn_like_table / sizeof fn_like_table[0]);

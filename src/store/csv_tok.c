/*
 * csv_tok: split a byte range into rows and fields.
 *
 * The scan works on 64-byte windows: one pass of byte compares gives a
 * bitmask of the "special" bytes (delimiter, LF, CR, quote) and one of the
 * bytes that matter inside quotes (quote, escape). The loop then jumps from
 * set bit to set bit, so ordinary field text costs a few vector operations
 * per 64 bytes and each field a handful of scalar ones. Inside a quoted
 * field only the quote mask is followed.
 *
 * Quote semantics are chosen so that, with RFC 4180 doubling, every quote
 * byte toggles the in-quotes state (a doubled quote toggles twice, a stray
 * quote in an unquoted field opens a quoted section and marks the row bad).
 * The row boundaries are therefore exactly the terminators at even quote
 * parity, which is what lets csv_split_point() cut a file into morsels.
 */
#include "store/csv_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define CSV_SSE2 1
#endif

void
csv_tok_init(struct csv_tok *t, const struct csv_dialect *d, int cap, int maxrows,
    bool keep_blank, int64_t max_line)
{
	memset(t, 0, sizeof *t);
	t->d = *d;
	t->cap = cap < 1 ? 1 : cap;
	t->maxrows = maxrows < 1 ? 1 : maxrows;
	t->keep_blank = keep_blank;
	t->max_line = max_line;
	size_t mr = (size_t)t->maxrows;
	t->rstart = xmalloc(mr * sizeof(uint32_t));
	t->rend = xmalloc(mr * sizeof(uint32_t));
	t->nf = xmalloc(mr * sizeof(uint32_t));
	t->flags = xmalloc(mr);
	t->fend = xmalloc(mr * (size_t)t->cap * sizeof(uint32_t));
}

void
csv_tok_free(struct csv_tok *t)
{
	free(t->rstart);
	free(t->rend);
	free(t->nf);
	free(t->flags);
	free(t->fend);
	memset(t, 0, sizeof *t);
}

struct tok_vecs {
#ifdef CSV_SSE2
	__m128i delim, lf, cr, quote, esc;
#endif
	uint64_t qen;      /* all ones when quoting is on */
	char cd, cq, ce;
};

static void
tok_vecs_init(struct tok_vecs *k, const struct csv_dialect *d)
{
	/* With no quoting (or no separate escape), compare against a byte that
	 * is already special so the vector code needs no branches; qen then
	 * clears the quote mask. */
	char q = d->quote ? d->quote : d->delim;
	char e = (d->quote && d->escape && d->escape != d->quote) ? d->escape : q;
	k->cd = d->delim;
	k->cq = q;
	k->ce = e;
	k->qen = d->quote ? ~UINT64_C(0) : 0;
#ifdef CSV_SSE2
	k->delim = _mm_set1_epi8(d->delim);
	k->lf = _mm_set1_epi8('\n');
	k->cr = _mm_set1_epi8('\r');
	k->quote = _mm_set1_epi8(q);
	k->esc = _mm_set1_epi8(e);
#endif
}

/* Masks of the 64 bytes at p: *dm = delimiters, *lm = LF or CR, *qm =
 * quote or escape (zero without quoting); *hi accumulates high bits. */
static inline void
tok_masks(const char *p, const struct tok_vecs *k, uint64_t *dm, uint64_t *lm, uint64_t *qm,
    uint64_t *hi)
{
#ifdef CSV_SSE2
	uint64_t dd = 0, ll = 0, qq = 0;
	__m128i h = _mm_setzero_si128();
	for (int j = 0; j < 4; j++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j));
		__m128i a = _mm_cmpeq_epi8(x, k->delim);
		__m128i b = _mm_or_si128(_mm_cmpeq_epi8(x, k->lf), _mm_cmpeq_epi8(x, k->cr));
		__m128i c = _mm_or_si128(_mm_cmpeq_epi8(x, k->quote), _mm_cmpeq_epi8(x, k->esc));
		dd |= (uint64_t)(uint32_t)_mm_movemask_epi8(a) << (16 * j);
		ll |= (uint64_t)(uint32_t)_mm_movemask_epi8(b) << (16 * j);
		qq |= (uint64_t)(uint32_t)_mm_movemask_epi8(c) << (16 * j);
		h = _mm_or_si128(h, x);
	}
	*dm = dd;
	*lm = ll;
	*qm = qq & k->qen;
	*hi |= (uint64_t)_mm_movemask_epi8(h);
#else
	uint64_t dd = 0, ll = 0, qq = 0, h = 0;
	for (int j = 0; j < 64; j++) {
		char c = p[j];
		uint64_t bit = UINT64_C(1) << j;
		if (c == k->cd)
			dd |= bit;
		if (c == '\n' || c == '\r')
			ll |= bit;
		if (c == k->cq || c == k->ce)
			qq |= bit;
		h |= (unsigned char)c & 0x80;
	}
	*dm = dd;
	*lm = ll;
	*qm = qq & k->qen;
	*hi |= h;
#endif
}

/* bits strictly above bit i (i in 0..63) */
static inline uint64_t
above(unsigned i)
{
	return (~UINT64_C(1)) << i;
}

size_t
csv_tok_run(struct csv_tok *t, const char *buf, size_t pos, size_t limit, size_t end,
    bool eof, enum csv_tok_status *status)
{
	struct tok_vecs k;
	const char delim = t->d.delim, quote = t->d.quote;
	const bool esc_mode = quote && t->d.escape && t->d.escape != quote;
	const char esc = t->d.escape;
	const size_t org = pos;
	const size_t cap = (size_t)t->cap;
	const size_t max_line = (size_t)t->max_line;
	const size_t off_limit = (size_t)1 << 31;
	uint32_t *const fe = t->fend;
	uint64_t hi = 0;
	int r = 0;
	size_t rs = pos, fs = pos, cur = pos, w = pos;
	size_t nf = 0;
	uint8_t rflags = 0;
	bool inq = false;

	t->org = buf + pos;
	t->nrows = 0;
	t->highbit = false;
	t->anybad = false;
	if (pos >= end || pos >= limit) {
		*status = pos >= limit ? CSV_TOK_LIMIT : eof ? CSV_TOK_EOF : CSV_TOK_MORE;
		return pos;
	}
	tok_vecs_init(&k, &t->d);

#define TOK_RETURN(st, at) do { \
	t->nrows = r; t->highbit = hi != 0; *status = (st); return (at); \
} while (0)

	for (; w < end; w += 64) {
		uint64_t D, L, Q, S, m;
		size_t avail = end - w;
		if (avail >= 64) {
			tok_masks(buf + w, &k, &D, &L, &Q, &hi);
		} else {
			char pad[64];
			memcpy(pad, buf + w, avail);
			memset(pad + avail, 0, sizeof pad - avail);
			tok_masks(pad, &k, &D, &L, &Q, &hi);
			uint64_t valid = (UINT64_C(1) << avail) - 1;
			D &= valid;
			L &= valid;
			Q &= valid;
		}
		if (w > rs && w - rs > max_line) {
			t->long_start = rs;
			t->long_in_quote = inq;
			TOK_RETURN(CSV_TOK_TOOLONG, rs);
		}
		if (cur > w) {
			if (cur - w >= 64)
				continue;
			uint64_t from = ~UINT64_C(0) << (cur - w);
			D &= from;
			L &= from;
			Q &= from;
		}
		/* The quote mask also holds the escape byte, which only matters
		 * inside quotes; outside, a bit of Q that is not the quote is
		 * skipped below. */
		S = D | L | Q;
		m = inq ? Q : S;
		while (m != 0) {
			unsigned i = (unsigned)__builtin_ctzll(m);
			uint64_t bit = UINT64_C(1) << i;
			size_t at = w + i;
			/* In quotes m only holds Q bits, so a D or L bit is always
			 * outside quotes: no state test on the common paths. */
			if (D & bit) {
				if (nf < cap)
					fe[(size_t)r * cap + nf] = (uint32_t)(at - org);
				nf++;
				fs = at + 1;
				m &= m - 1;
				continue;
			}
			if (L & bit) {
				size_t term = 1;
				if (buf[at] == '\r') {
					if (at + 1 >= end) {
						if (!eof)
							TOK_RETURN(CSV_TOK_MORE, rs);
					} else if (buf[at + 1] == '\n') {
						term = 2;
					}
				}
				if (nf == 0 && at == rs && !t->keep_blank) {
					/* blank line: no row */
				} else {
					if (at - rs > max_line) {
						t->long_start = rs;
						t->long_in_quote = false;
						TOK_RETURN(CSV_TOK_TOOLONG, rs);
					}
					if (nf < cap)
						fe[(size_t)r * cap + nf] = (uint32_t)(at - org);
					nf++;
					t->rstart[r] = (uint32_t)(rs - org);
					t->rend[r] = (uint32_t)(at - org);
					t->nf[r] = (uint32_t)nf;
					t->flags[r] = rflags;
					if (rflags & (CSV_RF_BADQUOTE | CSV_RF_UNTERMINATED))
						t->anybad = true;
					r++;
				}
				rs = fs = at + term;
				nf = 0;
				rflags = 0;
				if (rs >= limit)
					TOK_RETURN(rs >= end && eof ? CSV_TOK_EOF : CSV_TOK_LIMIT, rs);
				if (r == t->maxrows || rs - org >= off_limit)
					TOK_RETURN(rs >= end && eof ? CSV_TOK_EOF : CSV_TOK_FULL, rs);
				if (term == 2) {
					cur = at + 2;
					m = i < 63 ? m & above(i + 1) : 0;
				} else {
					m &= m - 1;
				}
				continue;
			}
			char c = buf[at];
			if (inq) {
				if (esc_mode && c == esc) {
					/* the escaped byte is taken literally */
					if (at + 1 >= end) {
						if (!eof)
							TOK_RETURN(CSV_TOK_MORE, rs);
						m = 0;
						break;
					}
					rflags |= CSV_RF_ESCAPED;
					cur = at + 2;
					m = i < 63 ? Q & above(i + 1) : 0;
					continue;
				}
				if (at + 1 >= end && !eof)
					TOK_RETURN(CSV_TOK_MORE, rs);
				if (!esc_mode && at + 1 < end && buf[at + 1] == quote) {
					/* doubled quote: a literal quote */
					rflags |= CSV_RF_ESCAPED;
					cur = at + 2;
					m = i < 63 ? Q & above(i + 1) : 0;
					continue;
				}
				inq = false;
				if (at + 1 < end) {
					char nx = buf[at + 1];
					if (nx != delim && nx != '\n' && nx != '\r')
						rflags |= CSV_RF_BADQUOTE;
				}
				m = S & above(i);
				continue;
			}
			if (c != quote) {
				/* an escape byte outside quotes is ordinary text */
				m &= m - 1;
				continue;
			}
			/* a quote outside quotes */
			if (at != fs)
				rflags |= CSV_RF_BADQUOTE;
			inq = true;
			m = Q & above(i);
		}
	}
	if (!eof)
		TOK_RETURN(CSV_TOK_MORE, rs);
	if (rs < end) {
		/* last row without a terminator */
		if (end - rs > max_line) {
			t->long_start = rs;
			t->long_in_quote = inq;
			TOK_RETURN(CSV_TOK_TOOLONG, rs);
		}
		if (inq)
			rflags |= CSV_RF_UNTERMINATED;
		if (nf < cap)
			fe[(size_t)r * cap + nf] = (uint32_t)(end - org);
		nf++;
		t->rstart[r] = (uint32_t)(rs - org);
		t->rend[r] = (uint32_t)(end - org);
		t->nf[r] = (uint32_t)nf;
		t->flags[r] = rflags;
		if (rflags & (CSV_RF_BADQUOTE | CSV_RF_UNTERMINATED))
			t->anybad = true;
		r++;
	}
	TOK_RETURN(CSV_TOK_EOF, end);
#undef TOK_RETURN
}

void
csv_tok_compact(struct csv_tok *t, const uint8_t *keep)
{
	size_t cap = (size_t)t->cap;
	int w = 0;
	for (int r = 0; r < t->nrows; r++) {
		if (!keep[r])
			continue;
		if (w != r) {
			t->rstart[w] = t->rstart[r];
			t->rend[w] = t->rend[r];
			t->nf[w] = t->nf[r];
			t->flags[w] = t->flags[r];
			memmove(t->fend + (size_t)w * cap, t->fend + (size_t)r * cap, cap * sizeof(uint32_t));
		}
		w++;
	}
	t->nrows = w;
}

size_t
csv_split_point(const char *buf, size_t from, size_t end, char quote, bool in_quote)
{
	for (size_t i = from; i < end; i++) {
		char c = buf[i];
		if (c == quote && quote) {
			in_quote = !in_quote;
		} else if (!in_quote && (c == '\n' || c == '\r')) {
			if (c == '\r' && i + 1 < end && buf[i + 1] == '\n')
				i++;
			return i + 1;
		}
	}
	return end;
}

int
csv_quote_parity(const char *p, size_t n, char quote)
{
	size_t i = 0;
	unsigned par = 0;
	if (!quote)
		return 0;
#ifdef CSV_SSE2
	/* xor of the compare results keeps, per byte lane, the parity of the
	 * quotes seen in that lane; the total parity is the parity of lanes. */
	__m128i acc = _mm_setzero_si128(), vq = _mm_set1_epi8(quote);
	for (; i + 64 <= n; i += 64) {
		__m128i a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), vq);
		__m128i b = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)), vq);
		__m128i c = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i + 32)), vq);
		__m128i d = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i + 48)), vq);
		acc = _mm_xor_si128(acc, _mm_xor_si128(_mm_xor_si128(a, b), _mm_xor_si128(c, d)));
	}
	par = (unsigned)__builtin_popcount((unsigned)_mm_movemask_epi8(acc));
#endif
	for (; i < n; i++)
		par += p[i] == quote;
	return (int)(par & 1);
}

size_t
csv_skip_row(const char *buf, size_t pos, size_t end, const struct csv_dialect *d, bool *in_quote)
{
	const bool esc_mode = d->quote && d->escape && d->escape != d->quote;
	bool inq = *in_quote;
	for (size_t i = pos; i < end; i++) {
		char c = buf[i];
		if (inq) {
			if (esc_mode && c == d->escape) {
				i++;
			} else if (c == d->quote) {
				inq = false;
			}
		} else if (c == d->quote && d->quote) {
			inq = true;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && i + 1 < end && buf[i + 1] == '\n')
				i++;
			*in_quote = false;
			return i + 1;
		}
	}
	*in_quote = inq;
	return (size_t)-1;
}

/*
 * Hash join and nested-loop join: the probe side.
 *
 * join_prepare() collects the build side (u.join.right) and builds the
 * hash table (join_build.c); then any number of instances stream the probe
 * side (child), one per worker, sharing the read-only table.
 *
 * An instance works on one probe chunk at a time:
 *   1. evaluate the key expressions, hash them, and look up every row's
 *      first candidate build row ("head") with prefetching: integer keys
 *      compare the slot's stored key, other keys compare the hash and then
 *      the key columns, vectorized over all found rows;
 *   2. walk the candidates (each head's chain, or every build row for a
 *      nested loop) into (probe row, build id) pairs, at most one output
 *      vector at a time; a cursor keeps the place, so a probe chunk whose
 *      matches exceed a vector spans several next() calls;
 *   3. with a residual, evaluate it over a chunk of the candidate pairs
 *      (only the columns it reads are gathered) and keep the pairs where
 *      it is TRUE;
 *   4. gather the output: probe columns by selection vector (or passed
 *      through when every row matched once, in order), build columns from
 *      the stored blocks by id.
 * A nested loop (no keys) makes every build row a candidate; over a large
 * inner side it evaluates the residual per (probe row, stored block)
 * instead, the probe row as constants and the block's columns referenced.
 * LEFT/FULL pair unmatched probe rows with the all-NULL build row; SEMI and
 * ANTI output probe rows only. RIGHT/FULL mark matched build rows with
 * relaxed atomic byte stores; the last instance to finish its probe input
 * emits the unmatched ones (the probe morsels are all handed out by then,
 * to instances that were counted when created).
 */
#include "exec/join_int.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct op_join {
	struct op base;
	struct join_global *G;
	struct op *child;
	struct expr_state **keys;
	struct vec *kflat;
	struct vec **kv;
	struct expr_state *residual;
	struct chunk pair;            /* residual input: probe then build columns */
	bool outputs_pairs;           /* INNER/LEFT/RIGHT/FULL */
	bool tail;                    /* after a residual: unmatched (or matched) probe rows */
	bool direct;                  /* SEMI/ANTI without residual: one selection per chunk */
	bool skip_probe;              /* the result is known to be empty */
	bool by_block;                /* nested loop: residual per (probe row, build block) */
	/* current probe chunk */
	struct chunk *in;
	int nin;
	int row;                      /* cursor: probe row, */
	uint32_t cur;                 /* ... its next candidate id + 1 (0: not started) */
	int trow;                     /* tail cursor */
	bool anynull;
	/* end of input */
	bool probe_done, finished, emit_unmatched;
	uint32_t ucur;
	uint32_t uchunks;
	/* single dictionary-encoded key: heads per code, per dictionary */
	uint64_t dict_id;
	uint32_t *dict_heads;         /* head, 0 = none, UINT32_MAX = not looked up */
	uint32_t dict_cap;
	uint64_t hashes[WB_VEC_SIZE];
	uint32_t heads[WB_VEC_SIZE];
	uint32_t sidx[WB_VEC_SIZE];
	uint8_t nullkey[WB_VEC_SIZE];
	uint8_t pmatched[WB_VEC_SIZE];
	uint32_t cand[WB_VEC_SIZE];
	uint8_t ok[WB_VEC_SIZE];
	uint32_t psel[WB_VEC_SIZE], bids[WB_VEC_SIZE];
	uint32_t csel[WB_VEC_SIZE], cids[WB_VEC_SIZE], rsel[WB_VEC_SIZE];
};

static inline void
mark_matched(struct join_global *G, uint32_t id)
{
	if (!__atomic_load_n(&G->matched[id], __ATOMIC_RELAXED))
		__atomic_store_n(&G->matched[id], 1, __ATOMIC_RELAXED);
}

static struct vec *
flat_of(struct vec *scratch, struct vec *v, int n)
{
	if (v->kind == VEC_FLAT)
		return v;
	vec_ref(scratch, v);
	scratch->n = n;
	vec_flatten(scratch);
	return scratch;
}

/* ------------------------------------------------------------- lookup */

/* Continue probing partition slots after slot s for a row whose first
 * hash-equal slot held another key (generic mode; rare). */
static uint32_t
find_slow(const struct join_global *G, struct vec *const *kv, int i, uint64_t h, uint32_t s)
{
	const struct jpart *P = &G->parts[join_part_of(G, h)];
	for (;;) {
		s = (s + 1) & P->mask;
		const struct jslot *sl = &P->slots[s];
		if (sl->head == 0)
			return 0;
		if (sl->hv == h && join_keys_equal(G, kv, i, sl->head - 1))
			return sl->head;
	}
}

/* The first slot whose hv equals hv (its index in *sidx), or 0. */
static inline uint32_t
find_hv(const struct join_global *G, uint64_t h, uint64_t hv, uint32_t *sidx)
{
	const struct jpart *P = &G->parts[join_part_of(G, h)];
	uint32_t s = (uint32_t)h & P->mask;
	for (;;) {
		const struct jslot *sl = &P->slots[s];
		if (sl->head == 0)
			return 0;
		if (sl->hv == hv) {
			*sidx = s;
			return sl->head;
		}
		s = (s + 1) & P->mask;
	}
}

static inline void
prefetch_slot(const struct join_global *G, uint64_t h)
{
	const struct jpart *P = &G->parts[join_part_of(G, h)];
	__builtin_prefetch(&P->slots[(uint32_t)h & P->mask]);
}

/* Compare key k of the found rows cand[0..nc) with their heads' keys;
 * clear ok[c] where they differ. */
static void
verify_key(struct op_join *J, int k, int nc)
{
	const struct join_global *G = J->G;
	int sc = G->key_store[k];
	void *const *cd = G->cdata[sc];
	const struct vec *pv = J->kv[k];
	const uint32_t *cand = J->cand, *heads = J->heads;
	uint8_t *ok = J->ok;
#define BID(c) (heads[cand[c]] - 1)
#define BVAL(T, c) (((const T *)cd[BID(c) >> JB_SHIFT])[BID(c) & JB_MASK])
	switch (G->stypes[sc]) {
	case WB_TYPE_VARCHAR: {
		const wb_str *p = vec_str(pv);
		for (int c = 0; c < nc; c++)
			ok[c] &= wb_str_eq(BVAL(wb_str, c), p[cand[c]]);
		break;
	}
	case WB_TYPE_DOUBLE: {
		const double *p = vec_f64(pv);
		for (int c = 0; c < nc; c++) {
			double x = BVAL(double, c), y = p[cand[c]];
			ok[c] &= x == y || (x != x && y != y);
		}
		break;
	}
	case WB_TYPE_BOOL: {
		const uint8_t *p = vec_bool(pv);
		for (int c = 0; c < nc; c++)
			ok[c] &= BVAL(uint8_t, c) == p[cand[c]];
		break;
	}
	case WB_TYPE_INTERVAL: {
		const wb_interval *p = vec_iv(pv);
		for (int c = 0; c < nc; c++)
			ok[c] &= memcmp(&BVAL(wb_interval, c), &p[cand[c]], sizeof(wb_interval)) == 0;
		break;
	}
	case WB_TYPE_NULL:
		break;
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP: {
		const int64_t *p = vec_i64(pv);
		for (int c = 0; c < nc; c++)
			ok[c] &= BVAL(int64_t, c) == p[cand[c]];
		break;
	}
	default: {   /* lists */
		const wb_list *p = vec_list(pv);
		wb_type et = type_list_elem(G->stypes[sc]);
		for (int c = 0; c < nc; c++)
			ok[c] &= list_eq(BVAL(wb_list, c), p[cand[c]], et);
	}
	}
	/* NULL keys reach here only under null_eq: NULL matches NULL */
	const bool *ne = G->n->u.join.null_eq;
	if (ne && ne[k] && (pv->nulls || G->cany_null[sc])) {
		for (int c = 0; c < nc; c++) {
			uint32_t id = BID(c);
			const uint8_t *bn = G->cnulls[sc][id >> JB_SHIFT];
			bool b = bn && bn[id & JB_MASK], p = pv->nulls && pv->nulls[cand[c]];
			if (b || p)
				ok[c] = b && p;
		}
	}
#undef BVAL
#undef BID
}

/* heads[] for a single dictionary-encoded VARCHAR key: each code is looked
 * up once per dictionary. */
static void
lookup_dict(struct op_join *J, const struct vec *v, int cnt)
{
	const struct join_global *G = J->G;
	const struct wb_dict *d = v->dict;
	if (J->dict_id != d->id) {
		if (J->dict_cap < d->n) {
			free(J->dict_heads);
			J->dict_heads = xmalloc(sizeof(uint32_t) * d->n);
			J->dict_cap = d->n;
		}
		memset(J->dict_heads, 0xff, sizeof(uint32_t) * d->n);
		J->dict_id = d->id;
	}
	const uint32_t *codes = vec_codes(v);
	struct vec one;
	vec_init(&one, WB_TYPE_VARCHAR);
	wb_str sv;
	one.data = &sv;
	one.n = 1;
	struct vec *pone = &one;
	for (int i = 0; i < cnt; i++) {
		if (J->anynull && J->nullkey[i]) {
			J->heads[i] = 0;
			continue;
		}
		uint32_t c = codes[i];
		uint32_t h = J->dict_heads[c];
		if (h == UINT32_MAX) {
			sv = d->vals[c];
			uint64_t hh = hash_bytes(sv.p, sv.n);
			uint32_t s;
			h = find_hv(G, hh, hh, &s);
			if (h && !join_keys_equal(G, &pone, 0, h - 1))
				h = find_slow(G, &pone, 0, hh, s);
			J->dict_heads[c] = h;
		}
		J->heads[i] = h;
	}
}

/* Step 1 for a new probe chunk: heads[], nullkey[]. */
static int
load(struct op_join *J, struct chunk *in)
{
	struct join_global *G = J->G;
	const struct pnode *n = G->n;
	int cnt = in->n;
	J->in = in;
	J->nin = cnt;
	J->row = 0;
	J->cur = 0;
	J->trow = 0;
	J->anynull = false;
	if (J->tail)
		memset(J->pmatched, 0, (size_t)cnt);
	if (G->allrows) {
		uint32_t h = G->nrows > 0 ? 1 : 0;   /* id 0 is the first row */
		for (int i = 0; i < cnt; i++)
			J->heads[i] = h;
		return 0;
	}
	const bool *ne = n->u.join.null_eq;
	struct vec *first = NULL;
	for (int k = 0; k < G->nkeys; k++) {
		struct vec *v;
		if (expr_eval(J->keys[k], in, &v, &J->base.err) < 0)
			return -1;
		if (k == 0)
			first = v;
		if (v->nulls && !(ne && ne[k])) {
			if (!J->anynull)
				memset(J->nullkey, 0, (size_t)cnt);
			J->anynull = true;
			if (v->kind == VEC_CONST) {
				if (v->nulls[0])
					memset(J->nullkey, 1, (size_t)cnt);
			} else
				for (int i = 0; i < cnt; i++)
					J->nullkey[i] |= v->nulls[i];
		}
		J->kv[k] = v;
	}
	if (G->nrows == 0) {
		memset(J->heads, 0, sizeof(uint32_t) * (size_t)cnt);
		return 0;
	}
	if (G->nkeys == 1 && first->kind == VEC_DICT && !(ne && ne[0])) {
		lookup_dict(J, first, cnt);
		return 0;
	}
	for (int k = 0; k < G->nkeys; k++)
		J->kv[k] = flat_of(&J->kflat[k], J->kv[k], cnt);
	uint64_t *h = J->hashes;
	enum { PF = 16 };
	if (G->intmode) {
		const int64_t *kv = vec_i64(J->kv[0]);
		for (int i = 0; i < cnt; i++)
			h[i] = hash_u64((uint64_t)kv[i]);
		for (int i = 0; i < cnt && i < PF; i++)
			prefetch_slot(G, h[i]);
		for (int i = 0; i < cnt; i++) {
			if (i + PF < cnt)
				prefetch_slot(G, h[i + PF]);
			uint32_t s;
			J->heads[i] = find_hv(G, h[i], (uint64_t)kv[i], &s);
		}
		if (J->anynull)
			for (int i = 0; i < cnt; i++)
				if (J->nullkey[i])
					J->heads[i] = 0;
		return 0;
	}
	for (int k = 0; k < G->nkeys; k++)
		hash_vec(J->kv[k], cnt, h, k > 0);
	for (int i = 0; i < cnt && i < PF; i++)
		prefetch_slot(G, h[i]);
	int nc = 0;
	for (int i = 0; i < cnt; i++) {
		if (i + PF < cnt)
			prefetch_slot(G, h[i + PF]);
		uint32_t hd = J->anynull && J->nullkey[i] ? 0 : find_hv(G, h[i], h[i], &J->sidx[i]);
		J->heads[i] = hd;
		J->cand[nc] = (uint32_t)i;
		nc += hd != 0;
	}
	memset(J->ok, 1, (size_t)nc);
	for (int k = 0; k < G->nkeys; k++)
		verify_key(J, k, nc);
	for (int c = 0; c < nc; c++) {
		if (J->ok[c])
			continue;
		int i = (int)J->cand[c];
		J->heads[i] = find_slow(G, J->kv, i, h[i], J->sidx[i]);
	}
	return 0;
}

/* ------------------------------------------------------------ pairing */

/* The build row after id in "every row" order, as id + 1 (0: none). */
static inline uint32_t
all_next(const struct join_global *G, uint32_t id)
{
	id++;
	uint32_t b = id >> JB_SHIFT;
	if ((id & JB_MASK) >= G->bn[b]) {
		b++;
		if (b >= G->nblocks)
			return 0;
		id = b << JB_SHIFT;
	}
	return id + 1;
}

/* Step 2: up to max (probe row, build id) candidate pairs from the
 * cursor on. With `unmatched`, probe rows without candidates pair with the
 * NULL row (LEFT/FULL without residual). */
static int
gen(struct op_join *J, int max, uint32_t *ps, uint32_t *bs, bool unmatched)
{
	const struct join_global *G = J->G;
	int k = 0, row = J->row, nin = J->nin;
	uint32_t cur = J->cur;
	const uint32_t *heads = J->heads;
	if (G->unique && !G->allrows) {
		/* at most one candidate per row: no chains */
		if (unmatched) {
			for (; k < max && row < nin; row++, k++) {
				ps[k] = (uint32_t)row;
				bs[k] = heads[row] ? heads[row] - 1 : G->null_id;
			}
		} else {
			for (; k < max && row < nin; row++) {
				ps[k] = (uint32_t)row;
				bs[k] = heads[row] - 1;
				k += heads[row] != 0;
			}
		}
		J->row = row;
		J->cur = 0;
		return k;
	}
	bool skip = J->tail && G->type == PJ_SEMI;
	while (k < max && row < nin) {
		if (skip && J->pmatched[row]) {
			row++;
			cur = 0;
			continue;
		}
		if (cur == 0) {
			cur = heads[row];
			if (cur == 0) {
				if (unmatched) {
					ps[k] = (uint32_t)row;
					bs[k++] = G->null_id;
				}
				row++;
				continue;
			}
		}
		ps[k] = (uint32_t)row;
		bs[k++] = cur - 1;
		cur = G->allrows ? all_next(G, cur - 1) : G->next[cur - 1];
		if (cur == 0)
			row++;
	}
	J->row = row;
	J->cur = cur;
	return k;
}

/* dst = values of store column sc at ids[0..m). */
static void
gather_build(const struct join_global *G, struct vec *dst, int sc, const uint32_t *ids, int m)
{
	vec_reset(dst);
	dst->n = m;
	void *const *cd = G->cdata[sc];
	switch (type_size(G->stypes[sc])) {
	case 1: {
		uint8_t *d = dst->data;
		for (int k = 0; k < m; k++)
			d[k] = ((const uint8_t *)cd[ids[k] >> JB_SHIFT])[ids[k] & JB_MASK];
		break;
	}
	case 8: {
		int64_t *d = dst->data;
		for (int k = 0; k < m; k++)
			d[k] = ((const int64_t *)cd[ids[k] >> JB_SHIFT])[ids[k] & JB_MASK];
		break;
	}
	case 16: {
		wb_str *d = dst->data;
		for (int k = 0; k < m; k++)
			memcpy(&d[k], (const char *)cd[ids[k] >> JB_SHIFT] + (size_t)(ids[k] & JB_MASK) * 16, 16);
		break;
	}
	default: {
		size_t sz = type_size(G->stypes[sc]);
		for (int k = 0; k < m; k++)
			memcpy((char *)dst->data + (size_t)k * sz, (const char *)cd[ids[k] >> JB_SHIFT] + (size_t)(ids[k] & JB_MASK) * sz, sz);
	}
	}
	if (!G->cany_null[sc])
		return;
	uint8_t *dn = vec_nulls_writable(dst);
	uint8_t any = 0;
	uint8_t *const *cn = G->cnulls[sc];
	for (int k = 0; k < m; k++) {
		const uint8_t *bn = cn[ids[k] >> JB_SHIFT];
		dn[k] = bn ? bn[ids[k] & JB_MASK] : 0;
		any |= dn[k];
	}
	if (!any)
		dst->nulls = NULL;
}

/* Step 3: evaluate the residual over candidate pairs csel/cids[0..k);
 * returns how many hold, their indexes in rsel. */
static int
eval_residual(struct op_join *J, int k)
{
	const struct join_global *G = J->G;
	for (int c = 0; c < G->pncol; c++)
		if (G->res_used[c])
			vec_gather(&J->pair.cols[c], &J->in->cols[c], J->csel, k);
	for (int j = 0; j < G->bncol; j++)
		if (G->res_used[G->pncol + j])
			gather_build(G, &J->pair.cols[G->pncol + j], G->bcol_store[j], J->cids, k);
	J->pair.n = k;
	struct vec *v;
	if (expr_eval(J->residual, &J->pair, &v, &J->base.err) < 0)
		return -1;
	return expr_select_true(v, k, J->rsel);
}

/*
 * Nested loop with a residual over large inner blocks: evaluate it over
 * one probe row (as constants) against a whole stored block (referenced,
 * not copied), so a pair costs one kernel step and no gathering. Appends
 * passing pairs at psel/bids[m..); a block is only started when its rows
 * all fit. Returns the new m, or -1.
 */
static int
pairs_by_block(struct op_join *J, int m)
{
	struct join_global *G = J->G;
	struct chunk *pc = &J->pair;
	bool skip = G->type == PJ_SEMI;
	while (J->row < J->nin) {
		int row = J->row;
		if (J->cur == 0) {
			if (G->nrows == 0 || (skip && J->pmatched[row])) {
				J->row++;
				continue;
			}
			J->cur = 1;   /* id 0 */
		}
		uint32_t b = (J->cur - 1) >> JB_SHIFT;
		if (m + (int)G->bn[b] > WB_VEC_SIZE)
			break;
		for (int c = 0; c < G->pncol; c++) {
			if (!G->res_used[c])
				continue;
			const struct vec *src = &J->in->cols[c];
			struct vec *v = &pc->cols[c];
			vec_reset(v);
			v->kind = VEC_CONST;
			if (vec_is_null(src, row)) {
				vec_nulls_writable(v)[0] = 1;
				memset(v->data, 0, type_size(v->type));
			} else if (src->kind == VEC_DICT) {
				vec_str(v)[0] = vec_str_at(src, row);
			} else {
				size_t sz = type_size(v->type);
				memcpy(v->data, (const char *)src->data + (src->kind == VEC_CONST ? 0 : (size_t)row * sz), sz);
			}
		}
		int n = (int)G->bn[b];
		for (int j = 0; j < G->bncol; j++) {
			if (!G->res_used[G->pncol + j])
				continue;
			struct vec *v = &pc->cols[G->pncol + j];
			int sc = G->bcol_store[j];
			vec_reset(v);
			v->data = G->cdata[sc][b];
			v->nulls = G->cnulls[sc][b];
			v->n = n;
		}
		for (int c = 0; c < G->pncol; c++)
			pc->cols[c].n = n;
		pc->n = n;
		struct vec *v;
		if (expr_eval(J->residual, pc, &v, &J->base.err) < 0)
			return -1;
		int np = expr_select_true(v, n, J->rsel);
		for (int t = 0; t < np; t++) {
			uint32_t id = b << JB_SHIFT | J->rsel[t];
			if (G->matched)
				mark_matched(G, id);
			J->psel[m] = (uint32_t)row;
			J->bids[m] = id;
			m += J->outputs_pairs;
		}
		if (np > 0)
			J->pmatched[row] = 1;
		if (b + 1 < G->nblocks) {
			J->cur = ((b + 1) << JB_SHIFT) + 1;
		} else {
			J->cur = 0;
			J->row++;
		}
		if (exec_should_stop(J->base.ctx))
			return -1;
	}
	return m;
}

/* Steps 2-3: the next pairs (psel/bids) of the current chunk, or the tail
 * rows; clears J->in when the chunk is used up. */
static int
fill(struct op_join *J)
{
	struct join_global *G = J->G;
	if (J->residual == NULL) {
		bool unmatched = G->type == PJ_LEFT || G->type == PJ_FULL;
		int m = gen(J, WB_VEC_SIZE, J->psel, J->bids, unmatched);
		if (G->matched)
			for (int k = 0; k < m; k++)
				mark_matched(G, J->bids[k]);
		if (J->row >= J->nin)
			J->in = NULL;
		return m;
	}
	int m = 0;
	if (J->by_block) {
		m = pairs_by_block(J, 0);
		if (m < 0)
			return -1;
	}
	while (!J->by_block && J->row < J->nin && m <= WB_VEC_SIZE - 256) {
		int k = gen(J, WB_VEC_SIZE - m, J->csel, J->cids, false);
		if (k == 0)
			break;
		int np = eval_residual(J, k);
		if (np < 0)
			return -1;
		for (int t = 0; t < np; t++) {
			uint32_t c = J->rsel[t], i = J->csel[c], id = J->cids[c];
			J->pmatched[i] = 1;
			if (G->matched)
				mark_matched(G, id);
			J->psel[m] = i;
			J->bids[m] = id;
			m += J->outputs_pairs;
		}
		if (exec_should_stop(J->base.ctx))
			return -1;
	}
	if (J->row < J->nin)
		return m;
	/* tail: rows decided by whether any pair held */
	bool aware = G->n->u.join.null_aware && G->build_rows > 0;
	while (J->trow < J->nin && m < WB_VEC_SIZE) {
		int i = J->trow++;
		bool take;
		switch (G->type) {
		case PJ_LEFT:
		case PJ_FULL:
			take = !J->pmatched[i];
			break;
		case PJ_SEMI:
			take = J->pmatched[i];
			break;
		case PJ_ANTI:
			take = !J->pmatched[i] && !(aware && J->anynull && J->nullkey[i]);
			break;
		default:
			take = false;
		}
		J->psel[m] = (uint32_t)i;
		J->bids[m] = G->null_id;
		m += take;
	}
	if (J->trow >= J->nin)
		J->in = NULL;
	return m;
}

/* ------------------------------------------------------------- output */

/* Step 4: output m rows: probe rows psel (all probe columns) and, unless
 * SEMI/ANTI, build rows bids. */
static void
emit(struct op_join *J, const struct chunk *in, int m)
{
	const struct join_global *G = J->G;
	struct chunk *out = &J->base.out;
	bool ident = m == in->n;
	for (int k = 0; k < m && ident; k++)
		ident = J->psel[k] == (uint32_t)k;
	for (int c = 0; c < G->pncol; c++) {
		if (ident)
			vec_ref(&out->cols[c], &in->cols[c]);
		else
			vec_gather(&out->cols[c], &in->cols[c], J->psel, m);
		out->cols[c].n = m;
	}
	if (out->ncol > G->pncol)
		for (int j = 0; j < G->bncol; j++)
			gather_build(G, &out->cols[G->pncol + j], G->bcol_store[j], J->bids, m);
	out->n = m;
	out->seq = in->seq;
}

/* SEMI/ANTI without residual: the probe rows that qualify. */
static int
select_direct(struct op_join *J)
{
	const struct join_global *G = J->G;
	int m = 0, nin = J->nin;
	if (G->type == PJ_SEMI) {
		for (int i = 0; i < nin; i++) {
			J->psel[m] = (uint32_t)i;
			m += J->heads[i] != 0;
		}
		return m;
	}
	bool aware = G->n->u.join.null_aware && G->build_rows > 0 && J->anynull;
	for (int i = 0; i < nin; i++) {
		J->psel[m] = (uint32_t)i;
		m += J->heads[i] == 0 && !(aware && J->nullkey[i]);
	}
	return m;
}

/* RIGHT/FULL after the probe side: the build rows nobody matched, with
 * NULL probe columns (only in the instance that finished last). */
static int
next_unmatched(struct op_join *J, struct chunk **outp)
{
	struct join_global *G = J->G;
	if (!J->emit_unmatched)
		return 0;
	int m = 0;
	uint32_t id = J->ucur;
	while (m < WB_VEC_SIZE) {
		uint32_t b = id >> JB_SHIFT;
		if (b >= G->nblocks)
			break;
		if ((id & JB_MASK) >= G->bn[b]) {
			id = (b + 1) << JB_SHIFT;
			continue;
		}
		J->bids[m] = id;
		m += !G->matched[id];
		id++;
	}
	J->ucur = id;
	if (m == 0)
		return 0;
	struct chunk *out = &J->base.out;
	for (int c = 0; c < G->pncol; c++) {
		struct vec *v = &out->cols[c];
		vec_reset(v);
		v->kind = VEC_CONST;
		memset(v->data, 0, type_size(v->type));
		if (v->type == WB_TYPE_VARCHAR)
			vec_str(v)[0] = (wb_str){"", 0};
		if (type_is_list(v->type))
			vec_list(v)[0] = list_empty();
		vec_nulls_writable(v)[0] = 1;
		v->n = m;
	}
	for (int j = 0; j < G->bncol; j++)
		gather_build(G, &out->cols[G->pncol + j], G->bcol_store[j], J->bids, m);
	out->n = m;
	out->seq = SOURCE_SEQ(UINT64_C(0xffffffffff), J->uchunks++);
	*outp = out;
	return 1;
}

/* The probe input is exhausted (or will not be read). */
static void
probe_finished(struct op_join *J)
{
	struct join_global *G = J->G;
	J->probe_done = true;
	if (J->finished)
		return;
	J->finished = true;
	/* the last instance to finish has seen every other instance's marks:
	 * each one's decrement (a release) precedes ours (an acquire) */
	if (atomic_fetch_sub(&G->active, 1) == 1 && G->matched && !atomic_exchange(&G->unmatched_taken, true))
		J->emit_unmatched = true;
}

static int
join_next(struct op *op, struct chunk **out)
{
	struct op_join *J = (struct op_join *)op;
	for (;;) {
		struct chunk *in = J->in;
		if (in == NULL) {
			if (J->probe_done)
				return next_unmatched(J, out);
			if (J->skip_probe) {
				probe_finished(J);
				continue;
			}
			int r = op_next(J->child, &in);
			if (r < 0)
				return -1;
			if (r == 0) {
				probe_finished(J);
				continue;
			}
			if (in->n == 0)
				continue;
			if (load(J, in) < 0)
				return op_fail(op);
			if (J->direct) {
				J->in = NULL;
				int m = select_direct(J);
				if (m == 0)
					continue;
				emit(J, in, m);
				*out = &op->out;
				return 1;
			}
		}
		int m = fill(J);
		if (m < 0)
			return err_isset(&op->err) ? op_fail(op) : -1;
		if (m > 0) {
			emit(J, in, m);
			*out = &op->out;
			return 1;
		}
	}
}

static void
join_free(struct op *op)
{
	struct op_join *J = (struct op_join *)op;
	struct join_global *G = J->G;
	/* an instance dropped before the end of its input (an error, a
	 * LIMIT above) must not keep the others from finishing */
	if (!J->finished)
		atomic_fetch_sub(&G->active, 1);
	op_free(J->child);
	for (int k = 0; k < G->nkeys; k++) {
		expr_state_free(J->keys[k]);
		vec_free(&J->kflat[k]);
	}
	free(J->keys);
	free(J->kflat);
	free(J->kv);
	expr_state_free(J->residual);
	if (J->pair.cols)
		chunk_free(&J->pair);
	free(J->dict_heads);
	op_base_free(op);
}

static const struct op_vtab join_vt = {join_next, join_free};

struct op *
op_join_create(struct pnode *n, struct exec_ctx *ctx)
{
	struct join_global *G = n->gstate;
	struct op_join *J = op_alloc(sizeof *J, &join_vt, n, ctx);
	J->G = G;
	atomic_fetch_add(&G->active, 1);
	int nk = G->nkeys ? G->nkeys : 1;
	J->keys = xcalloc((size_t)nk, sizeof *J->keys);
	J->kflat = xcalloc((size_t)nk, sizeof *J->kflat);
	J->kv = xcalloc((size_t)nk, sizeof *J->kv);
	for (int k = 0; k < G->nkeys; k++)
		vec_init(&J->kflat[k], n->u.join.lkeys[k]->type);
	bool semi = G->type == PJ_SEMI || G->type == PJ_ANTI;
	J->outputs_pairs = !semi;
	if (n->u.join.residual) {
		J->tail = semi || G->type == PJ_LEFT || G->type == PJ_FULL;
		int tot = G->pncol + G->bncol;
		wb_type *pt = xmalloc(sizeof(wb_type) * (size_t)(tot ? tot : 1));
		memcpy(pt, n->child->types, sizeof(wb_type) * (size_t)G->pncol);
		memcpy(pt + G->pncol, n->u.join.right->types, sizeof(wb_type) * (size_t)G->bncol);
		chunk_init(&J->pair, tot, pt);
		free(pt);
		/* blocks of a few rows would cost one evaluation each: below
		 * that, candidate pairs of many probe rows are gathered */
		J->by_block = G->allrows && G->nrows >= 4 * 256 && G->nrows >= 256 * (int64_t)G->nblocks;
	} else {
		J->direct = semi;
	}
	/* nothing can come out: skip reading the probe side */
	if (G->nrows == 0 && (G->type == PJ_INNER || G->type == PJ_RIGHT || G->type == PJ_SEMI))
		J->skip_probe = true;
	if (G->type == PJ_ANTI && n->u.join.null_aware && G->build_null_key)
		J->skip_probe = true;
	J->child = op_create(n->child, ctx);
	if (J->child == NULL) {
		join_free(&J->base);
		return NULL;
	}
	for (int k = 0; k < G->nkeys; k++)
		if ((J->keys[k] = expr_state_new(n->u.join.lkeys[k], &J->base.err)) == NULL)
			goto fail;
	if (n->u.join.residual && (J->residual = expr_state_new(n->u.join.residual, &J->base.err)) == NULL)
		goto fail;
	return &J->base;
fail:
	exec_fail(ctx, &J->base.err);
	join_free(&J->base);
	return NULL;
}

int
join_prepare(struct pnode *n, struct exec_ctx *ctx)
{
	struct join_global *G = xcalloc(1, sizeof *G);
	n->gstate = G;
	G->n = n;
	atomic_init(&G->active, 0);
	atomic_init(&G->unmatched_taken, false);
	bool semi = n->u.join.type == PJ_SEMI || n->u.join.type == PJ_ANTI;
	int want = n->child->ncol + (semi ? 0 : n->u.join.right->ncol);
	if (n->ncol != want) {
		struct wb_error e = WB_ERROR_INIT;
		err_set(&e, -1, "%s has %d columns, its inputs give %d", pnode_kind_name(n->kind), n->ncol, want);
		exec_fail(ctx, &e);
		return -1;
	}
	return join_build(G, ctx);
}

void
join_cleanup(struct pnode *n)
{
	struct join_global *G = n->gstate;
	if (G == NULL)
		return;
	join_build_free(G);
	free(G);
	n->gstate = NULL;
}

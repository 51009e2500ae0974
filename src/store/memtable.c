#include "store/memtable.h"
#include "core/list.h"
#include "core/hash.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ row groups */

void
mt_rowgroup_unref(struct mt_rowgroup *rg)
{
	if (rg == NULL || atomic_fetch_sub(&rg->refs, 1) != 1)
		return;
	arena_release(&rg->heap);
	free(rg->cols);
	free(rg);
}

struct memtable *
memtable_new(int ncol, const wb_type *types)
{
	struct memtable *mt = xcalloc(1, sizeof *mt);
	mt->ncol = ncol;
	mt->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof(wb_type));
	memcpy(mt->types, types, sizeof(wb_type) * (size_t)ncol);
	pthread_mutex_init(&mt->mu, NULL);
	return mt;
}

void
memtable_free(struct memtable *mt)
{
	if (mt == NULL)
		return;
	for (int i = 0; i < mt->nrg; i++)
		mt_rowgroup_unref(mt->rgs[i]);
	free(mt->rgs);
	free(mt->types);
	pthread_mutex_destroy(&mt->mu);
	free(mt);
}

static int
rg_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct mt_rowgroup *const *)a)->seq, y = (*(struct mt_rowgroup *const *)b)->seq;
	return x < y ? -1 : x > y;
}

void
memtable_add(struct memtable *mt, struct mt_rowgroup **rgs, int n)
{
	if (n > 1)   /* rgs may be NULL when n == 0 */
		qsort(rgs, (size_t)n, sizeof *rgs, rg_cmp);
	pthread_mutex_lock(&mt->mu);
	/* copy-on-write of the pointer array so snapshots stay valid */
	size_t cap = (size_t)(mt->nrg + n);
	struct mt_rowgroup **arr = xmalloc(sizeof *arr * (cap ? cap : 1));
	if (mt->nrg)
		memcpy(arr, mt->rgs, sizeof *arr * (size_t)mt->nrg);
	for (int i = 0; i < n; i++) {
		arr[mt->nrg + i] = rgs[i];
		mt->nrows += rgs[i]->n;
	}
	free(mt->rgs);
	mt->rgs = arr;
	mt->nrg += n;
	mt->cap = cap;
	pthread_mutex_unlock(&mt->mu);
}

void
memtable_replace(struct memtable *mt, struct mt_rowgroup **rgs, int n)
{
	if (n > 1)   /* rgs may be NULL when n == 0 */
		qsort(rgs, (size_t)n, sizeof *rgs, rg_cmp);
	pthread_mutex_lock(&mt->mu);
	struct mt_rowgroup **old = mt->rgs;
	int oldn = mt->nrg;
	mt->rgs = xmalloc(sizeof *mt->rgs * (size_t)(n ? n : 1));
	mt->nrows = 0;
	for (int i = 0; i < n; i++) {
		mt->rgs[i] = rgs[i];
		mt->nrows += rgs[i]->n;
	}
	mt->nrg = n;
	mt->cap = (size_t)n;
	pthread_mutex_unlock(&mt->mu);
	for (int i = 0; i < oldn; i++)
		mt_rowgroup_unref(old[i]);
	free(old);
}

int64_t
memtable_bytes(struct memtable *mt)
{
	int64_t b = 0;
	pthread_mutex_lock(&mt->mu);
	for (int i = 0; i < mt->nrg; i++)
		b += (int64_t)mt->rgs[i]->heap.total;
	pthread_mutex_unlock(&mt->mu);
	return b;
}

/* --------------------------------------------------------------- builder */

struct pcol {
	wb_type type;
	void *vals;          /* MT_ROWGROUP_ROWS values (codes for dict strings) */
	uint8_t *nulls;
	bool any_null;
	/* VARCHAR dictionary being built */
	bool plain;
	wb_str *dvals;
	uint64_t *dhash;
	uint32_t ndict;
	size_t dcap;
	uint32_t *slots;     /* code + 1, 0 = empty */
	uint32_t mask;
	/* cached mapping from an input dictionary's codes to ours */
	uint64_t map_id;
	uint32_t *map;
	uint32_t map_n;
};

struct mt_builder {
	int ncol;
	wb_type *types;
	struct pcol *cols;
	int64_t n;
	uint64_t seq;
	bool have_seq;
	struct arena heap;   /* strings of the row group in progress */
	struct mt_rowgroup **out;
	int nout;
	size_t outcap;
};

#define DICT_MAX_FRACTION 2   /* dictionary while ndict <= rows / 2 */
#define DICT_MIN_SWITCH 4096  /* never give up on dictionaries below this */

static void
pcol_reset_dict(struct pcol *p)
{
	p->plain = false;
	p->ndict = 0;
	if (p->slots)
		memset(p->slots, 0, sizeof(uint32_t) * (p->mask + 1));
	p->map_id = 0;
}

struct mt_builder *
mt_builder_new(int ncol, const wb_type *types)
{
	struct mt_builder *b = xcalloc(1, sizeof *b);
	b->ncol = ncol;
	b->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof(wb_type));
	memcpy(b->types, types, sizeof(wb_type) * (size_t)ncol);
	b->cols = xcalloc((size_t)(ncol ? ncol : 1), sizeof(struct pcol));
	for (int c = 0; c < ncol; c++) {
		struct pcol *p = &b->cols[c];
		p->type = types[c];
		size_t sz = types[c] == WB_TYPE_VARCHAR ? sizeof(wb_str) : type_size(types[c]);
		p->vals = xmalloc(sz * MT_ROWGROUP_ROWS);
		if (p->type == WB_TYPE_VARCHAR) {
			p->mask = 1023;
			p->slots = xcalloc(p->mask + 1, sizeof(uint32_t));
		}
	}
	arena_init(&b->heap, 1 << 20);
	return b;
}

static void
pcol_grow_slots(struct pcol *p)
{
	uint32_t ncap = (p->mask + 1) * 2;
	free(p->slots);
	p->slots = xcalloc(ncap, sizeof(uint32_t));
	p->mask = ncap - 1;
	for (uint32_t code = 0; code < p->ndict; code++) {
		uint32_t s = (uint32_t)p->dhash[code] & p->mask;
		while (p->slots[s])
			s = (s + 1) & p->mask;
		p->slots[s] = code + 1;
	}
}

/* Switch a VARCHAR column from codes to plain views (rows [0, n)). */
static void
pcol_to_plain(struct pcol *p, int64_t n)
{
	uint32_t *codes = p->vals;
	wb_str *strs = p->vals;
	/* wb_str is wider than a code: convert back to front */
	for (int64_t i = n - 1; i >= 0; i--) {
		uint32_t c = codes[i];
		strs[i] = (p->nulls && p->nulls[i]) ? (wb_str){"", 0} : p->dvals[c];
	}
	p->plain = true;
}

static uint32_t
pcol_intern(struct mt_builder *b, struct pcol *p, wb_str s)
{
	uint64_t h = hash_bytes(s.p, s.n);
	uint32_t slot = (uint32_t)h & p->mask;
	for (;;) {
		uint32_t e = p->slots[slot];
		if (e == 0)
			break;
		if (p->dhash[e - 1] == h && wb_str_eq(p->dvals[e - 1], s))
			return e - 1;
		slot = (slot + 1) & p->mask;
	}
	if (p->ndict == p->dcap) {
		p->dcap = p->dcap ? p->dcap * 2 : 256;
		p->dvals = xrealloc(p->dvals, sizeof(wb_str) * p->dcap);
		p->dhash = xrealloc(p->dhash, sizeof(uint64_t) * p->dcap);
	}
	char *copy = arena_alloc(&b->heap, s.n);
	if (s.n)
		memcpy(copy, s.p, s.n);
	uint32_t code = p->ndict++;
	p->dvals[code].p = copy;
	p->dvals[code].n = s.n;
	p->dhash[code] = h;
	p->slots[slot] = code + 1;
	if (p->ndict * 2 > p->mask)
		pcol_grow_slots(p);
	return code;
}

static void mt_builder_flush(struct mt_builder *b);

static void
append_strings(struct mt_builder *b, struct pcol *p, const struct vec *v, int from, int k, int64_t at)
{
	for (int i = 0; i < k; i++) {
		int r = from + i;
		bool isnull = vec_is_null(v, r);
		if (p->plain) {
			wb_str *dst = (wb_str *)p->vals + at + i;
			if (isnull) {
				dst->p = "";
				dst->n = 0;
				continue;
			}
			wb_str s = vec_str_at(v, r);
			char *copy = arena_alloc(&b->heap, s.n);
			if (s.n)
				memcpy(copy, s.p, s.n);
			dst->p = copy;
			dst->n = s.n;
			continue;
		}
		uint32_t *codes = p->vals;
		if (isnull) {
			codes[at + i] = 0;
			if (p->ndict == 0)
				pcol_intern(b, p, (wb_str){"", 0});
			continue;
		}
		uint32_t code;
		if (v->kind == VEC_DICT) {
			if (p->map_id != v->dict->id) {
				if (p->map_n < v->dict->n) {
					free(p->map);
					p->map = xmalloc(sizeof(uint32_t) * v->dict->n);
					p->map_n = v->dict->n;
				}
				memset(p->map, 0xff, sizeof(uint32_t) * v->dict->n);
				p->map_id = v->dict->id;
			}
			uint32_t ic = vec_codes(v)[r];
			code = p->map[ic];
			if (code == UINT32_MAX)
				code = p->map[ic] = pcol_intern(b, p, v->dict->vals[ic]);
		} else {
			code = pcol_intern(b, p, vec_str_at(v, r));
		}
		codes[at + i] = code;
		if (p->ndict > DICT_MIN_SWITCH && (int64_t)p->ndict * DICT_MAX_FRACTION > at + i + 1) {
			pcol_to_plain(p, at + i + 1);
			/* the mapping cache refers to codes: drop it */
			p->map_id = 0;
		}
	}
}

void
mt_builder_append(struct mt_builder *b, const struct chunk *c)
{
	uint64_t morsel = c->seq >> 24;
	if (b->have_seq && b->n > 0 && (b->seq >> 24) != morsel)
		mt_builder_flush(b);
	if (!b->have_seq || b->n == 0) {
		b->seq = c->seq;
		b->have_seq = true;
	}
	int from = 0;
	while (from < c->n) {
		int k = c->n - from;
		if (k > MT_ROWGROUP_ROWS - b->n)
			k = (int)(MT_ROWGROUP_ROWS - b->n);
		for (int col = 0; col < b->ncol; col++) {
			struct pcol *p = &b->cols[col];
			const struct vec *v = &c->cols[col];
			int64_t at = b->n;
			if (v->nulls != NULL) {
				for (int i = 0; i < k; i++) {
					if (vec_is_null(v, from + i)) {
						if (p->nulls == NULL)
							p->nulls = xcalloc(MT_ROWGROUP_ROWS, 1);
						p->nulls[at + i] = 1;
						p->any_null = true;
					} else if (p->nulls) {
						p->nulls[at + i] = 0;
					}
				}
			} else if (p->nulls) {
				memset(p->nulls + at, 0, (size_t)k);
			}
			if (p->type == WB_TYPE_VARCHAR) {
				append_strings(b, p, v, from, k, at);
				continue;
			}
			if (type_is_list(p->type)) {
				/* deep copies into the row group's heap (a CONST once) */
				wb_type et = type_list_elem(p->type);
				wb_list *dst = (wb_list *)p->vals + at;
				if (v->kind == VEC_CONST) {
					wb_list l = vec_is_null(v, 0) ? list_empty() : list_copy(&b->heap, vec_list(v)[0], et);
					for (int i = 0; i < k; i++)
						dst[i] = l;
					continue;
				}
				for (int i = 0; i < k; i++)
					dst[i] = vec_is_null(v, from + i) ? list_empty() : list_copy(&b->heap, vec_list(v)[from + i], et);
				continue;
			}
			size_t sz = type_size(p->type);
			if (v->kind == VEC_CONST) {
				for (int i = 0; i < k; i++)
					memcpy((char *)p->vals + (size_t)(at + i) * sz, v->data, sz);
			} else {
				memcpy((char *)p->vals + (size_t)at * sz, (const char *)v->data + (size_t)from * sz, sz * (size_t)k);
			}
			/* values under NULL are unspecified: zero them for stable stats */
			if (p->nulls && v->nulls) {
				for (int i = 0; i < k; i++)
					if (p->nulls[at + i])
						memset((char *)p->vals + (size_t)(at + i) * sz, 0, sz);
			}
		}
		b->n += k;
		from += k;
		if (b->n == MT_ROWGROUP_ROWS) {
			uint64_t next = b->seq + (uint64_t)(MT_ROWGROUP_ROWS / WB_VEC_SIZE);
			mt_builder_flush(b);
			/* continuation row groups of the same morsel keep order */
			b->seq = next;
			b->have_seq = true;
		}
	}
}

static void
encode_ints(struct mt_rowgroup *rg, struct mt_col *mc, struct pcol *p, int64_t n)
{
	const int64_t *v = p->vals;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int64_t nn = 0;
	for (int64_t i = 0; i < n; i++) {
		if (p->nulls && p->nulls[i])
			continue;
		nn++;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	if (nn == 0)
		lo = hi = 0;
	mc->has_minmax = nn > 0;
	mc->min.type = mc->max.type = p->type;
	mc->min.u.i = lo;
	mc->max.u.i = hi;
	uint64_t range = (uint64_t)hi - (uint64_t)lo;
	int width = range <= 0xff ? 1 : range <= 0xffff ? 2 : range <= 0xffffffffu ? 4 : 8;
	if (width == 8) {
		mc->enc = MT_PLAIN;
		mc->data = arena_alloc(&rg->heap, sizeof(int64_t) * (size_t)n);
		memcpy(mc->data, v, sizeof(int64_t) * (size_t)n);
		return;
	}
	mc->enc = MT_FOR;
	mc->width = (uint8_t)width;
	mc->base = lo;
	mc->data = arena_alloc(&rg->heap, (size_t)width * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		uint64_t d = (p->nulls && p->nulls[i]) ? 0 : (uint64_t)v[i] - (uint64_t)lo;
		switch (width) {
		case 1: ((uint8_t *)mc->data)[i] = (uint8_t)d; break;
		case 2: ((uint16_t *)mc->data)[i] = (uint16_t)d; break;
		default: ((uint32_t *)mc->data)[i] = (uint32_t)d; break;
		}
	}
}

static void
encode_strings(struct mt_rowgroup *rg, struct mt_col *mc, struct pcol *p, int64_t n)
{
	if (p->plain) {
		mc->enc = MT_PLAIN;
		mc->data = arena_alloc(&rg->heap, sizeof(wb_str) * (size_t)n);
		memcpy(mc->data, p->vals, sizeof(wb_str) * (size_t)n);
		return;
	}
	mc->enc = MT_DICT;
	wb_str *dv = arena_alloc(&rg->heap, sizeof(wb_str) * (p->ndict ? p->ndict : 1));
	if (p->ndict)
		memcpy(dv, p->dvals, sizeof(wb_str) * p->ndict);
	mc->dict.n = p->ndict;
	mc->dict.vals = dv;
	mc->dict.id = dict_next_id();
	/* the interning hashes are hash_vec's: keep them for hash consumers */
	uint64_t *dh = arena_alloc(&rg->heap, sizeof(uint64_t) * (p->ndict ? p->ndict : 1));
	if (p->ndict)
		memcpy(dh, p->dhash, sizeof(uint64_t) * p->ndict);
	mc->dict.hashes = dh;
	int width = p->ndict <= 256 ? 1 : p->ndict <= 65536 ? 2 : 4;
	mc->width = (uint8_t)width;
	const uint32_t *codes = p->vals;
	mc->data = arena_alloc(&rg->heap, (size_t)width * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		switch (width) {
		case 1: ((uint8_t *)mc->data)[i] = (uint8_t)codes[i]; break;
		case 2: ((uint16_t *)mc->data)[i] = (uint16_t)codes[i]; break;
		default: ((uint32_t *)mc->data)[i] = codes[i]; break;
		}
	}
	/* min/max over dictionary entries actually used by non-NULL rows */
	if (p->ndict > 0) {
		bool any = false;
		wb_str lo = {0}, hi = {0};
		for (uint32_t k = 0; k < p->ndict; k++) {
			if (!any || wb_str_cmp(dv[k], lo) < 0)
				lo = dv[k];
			if (!any || wb_str_cmp(dv[k], hi) > 0)
				hi = dv[k];
			any = true;
		}
		mc->has_minmax = n > mc->null_count;
		mc->min.type = mc->max.type = WB_TYPE_VARCHAR;
		mc->min.u.s = lo;
		mc->max.u.s = hi;
	}
}

static void
mt_builder_flush(struct mt_builder *b)
{
	if (b->n == 0)
		return;
	int64_t n = b->n;
	struct mt_rowgroup *rg = xcalloc(1, sizeof *rg);
	rg->n = n;
	rg->seq = b->seq;
	atomic_init(&rg->refs, 1);
	/* the strings already live in b->heap: the row group takes it over */
	rg->heap = b->heap;
	arena_init(&b->heap, 1 << 20);
	rg->cols = xcalloc((size_t)(b->ncol ? b->ncol : 1), sizeof(struct mt_col));
	for (int c = 0; c < b->ncol; c++) {
		struct pcol *p = &b->cols[c];
		struct mt_col *mc = &rg->cols[c];
		if (p->any_null) {
			mc->nulls = arena_alloc(&rg->heap, (size_t)n);
			memcpy(mc->nulls, p->nulls, (size_t)n);
			for (int64_t i = 0; i < n; i++)
				mc->null_count += p->nulls[i];
		}
		switch (p->type) {
		case WB_TYPE_BIGINT:
		case WB_TYPE_DATE:
		case WB_TYPE_TIMESTAMP:
			encode_ints(rg, mc, p, n);
			break;
		case WB_TYPE_VARCHAR:
			encode_strings(rg, mc, p, n);
			break;
		default: {
			size_t sz = type_size(p->type);
			mc->enc = MT_PLAIN;
			mc->data = arena_alloc(&rg->heap, sz * (size_t)n);
			memcpy(mc->data, p->vals, sz * (size_t)n);
			if (p->type == WB_TYPE_DOUBLE) {
				const double *d = p->vals;
				bool any = false, nan = false;
				double lo = 0, hi = 0;
				for (int64_t i = 0; i < n; i++) {
					if (p->nulls && p->nulls[i])
						continue;
					if (d[i] != d[i]) {
						nan = true;
						continue;
					}
					if (!any || d[i] < lo)
						lo = d[i];
					if (!any || d[i] > hi)
						hi = d[i];
					any = true;
				}
				/* NaN is above every number: no usable max */
				mc->has_minmax = any && !nan;
				mc->min.type = mc->max.type = WB_TYPE_DOUBLE;
				mc->min.u.d = lo;
				mc->max.u.d = hi;
			}
		}
		}
		p->any_null = false;
		if (p->nulls)
			memset(p->nulls, 0, MT_ROWGROUP_ROWS);
		if (p->type == WB_TYPE_VARCHAR)
			pcol_reset_dict(p);
	}
	b->out = xgrow(b->out, &b->outcap, (size_t)b->nout + 1, sizeof *b->out);
	b->out[b->nout++] = rg;
	b->n = 0;
	b->have_seq = false;
}

struct mt_rowgroup **
mt_builder_finish(struct mt_builder *b, int *n)
{
	mt_builder_flush(b);
	struct mt_rowgroup **out = b->out;
	*n = b->nout;
	b->out = NULL;
	b->nout = 0;
	b->outcap = 0;
	return out;
}

void
mt_builder_free(struct mt_builder *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->nout; i++)
		mt_rowgroup_unref(b->out[i]);
	free(b->out);
	for (int c = 0; c < b->ncol; c++) {
		struct pcol *p = &b->cols[c];
		free(p->vals);
		free(p->nulls);
		free(p->dvals);
		free(p->dhash);
		free(p->slots);
		free(p->map);
	}
	free(b->cols);
	free(b->types);
	arena_release(&b->heap);
	free(b);
}

/* ------------------------------------------------------------------ scan */

struct mt_scan {
	struct source src;
	struct mt_rowgroup **rgs;
	int nrg;
	atomic_int next_rg;
};

struct mt_reader {
	int rg;          /* current row group, -1 none */
	int64_t off;
	int chunk;
	/* pruning: statistics of the current candidate row group */
	struct col_stats *stats;
	const struct col_stats **statp;
};

static int
mts_start(struct source *s, struct wb_error *err)
{
	return 0;
}

static void *
mts_reader_new(struct source *s)
{
	struct mt_reader *r = xcalloc(1, sizeof *r);
	r->rg = -1;
	if (s->npreds > 0) {
		r->stats = xcalloc((size_t)s->ncol, sizeof *r->stats);
		r->statp = xcalloc((size_t)s->ncol, sizeof *r->statp);
	}
	return r;
}

static void
mts_reader_free(struct source *s, void *reader)
{
	struct mt_reader *r = reader;
	free(r->stats);
	free(r->statp);
	free(r);
}

/* Can row group rg hold rows that pass the scan's pruning predicates? */
static bool
rg_may_match(struct source *s, struct mt_reader *r, const struct mt_rowgroup *rg)
{
	if (s->npreds == 0)
		return true;
	for (int i = 0; i < s->npreds; i++) {
		int c = s->preds[i].col;
		const struct mt_col *mc = &rg->cols[c];
		r->stats[c] = (struct col_stats){mc->has_minmax, mc->min, mc->max, mc->null_count, rg->n};
		r->statp[c] = &r->stats[c];
	}
	return source_morsel_may_match(s, r->statp);
}

static void
decode_col(const struct mt_col *mc, wb_type type, int64_t off, int n, struct vec *v)
{
	vec_reset(v);
	v->n = n;
	v->nulls = mc->nulls ? mc->nulls + off : NULL;
	switch (mc->enc) {
	case MT_PLAIN:
		v->data = (char *)mc->data + (size_t)off * type_size(type);
		break;
	case MT_DICT: {
		uint32_t *out = v->buf;
		v->kind = VEC_DICT;
		v->dict = &mc->dict;
		v->data = out;
		switch (mc->width) {
		case 1: {
			const uint8_t *c = (const uint8_t *)mc->data + off;
			for (int i = 0; i < n; i++)
				out[i] = c[i];
			break;
		}
		case 2: {
			const uint16_t *c = (const uint16_t *)mc->data + off;
			for (int i = 0; i < n; i++)
				out[i] = c[i];
			break;
		}
		default:
			memcpy(out, (const uint32_t *)mc->data + off, sizeof(uint32_t) * (size_t)n);
		}
		break;
	}
	case MT_FOR: {
		int64_t *out = v->buf, base = mc->base;
		switch (mc->width) {
		case 1: {
			const uint8_t *c = (const uint8_t *)mc->data + off;
			for (int i = 0; i < n; i++)
				out[i] = base + c[i];
			break;
		}
		case 2: {
			const uint16_t *c = (const uint16_t *)mc->data + off;
			for (int i = 0; i < n; i++)
				out[i] = base + c[i];
			break;
		}
		default: {
			const uint32_t *c = (const uint32_t *)mc->data + off;
			for (int i = 0; i < n; i++)
				out[i] = (int64_t)((uint64_t)base + c[i]);
		}
		}
		break;
	}
	}
}

static int
mts_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct mt_scan *ms = s->impl;
	struct mt_reader *r = reader;
	while (r->rg < 0 || r->off >= ms->rgs[r->rg]->n) {
		int next = atomic_fetch_add(&ms->next_rg, 1);
		if (next >= ms->nrg)
			return 0;
		if (!rg_may_match(s, r, ms->rgs[next]))
			continue;
		r->rg = next;
		r->off = 0;
		r->chunk = 0;
	}
	const struct mt_rowgroup *rg = ms->rgs[r->rg];
	int n = rg->n - r->off < WB_VEC_SIZE ? (int)(rg->n - r->off) : WB_VEC_SIZE;
	for (int p = 0; p < s->nproj; p++) {
		int c = s->proj[p];
		decode_col(&rg->cols[c], s->types[c], r->off, n, &out->cols[p]);
	}
	out->n = n;
	out->seq = SOURCE_SEQ(r->rg, r->chunk);
	r->off += n;
	r->chunk++;
	return n;
}

static void
mts_free(struct source *s)
{
	struct mt_scan *ms = s->impl;
	for (int i = 0; i < ms->nrg; i++)
		mt_rowgroup_unref(ms->rgs[i]);
	free(ms->rgs);
	source_fini(s);
	free(ms);
}

static const struct source_ops mt_scan_ops = {
	.name = "memory",
	.start = mts_start,
	.reader_new = mts_reader_new,
	.next = mts_next,
	.reader_free = mts_reader_free,
	.free = mts_free,
};

struct source *
memtable_scan(struct memtable *mt, char *const *names, struct wb_error *err)
{
	struct mt_scan *ms = xcalloc(1, sizeof *ms);
	source_init(&ms->src, &mt_scan_ops, mt->ncol);
	for (int c = 0; c < mt->ncol; c++)
		source_set_column(&ms->src, c, names[c], mt->types[c]);
	ms->src.impl = ms;
	pthread_mutex_lock(&mt->mu);
	ms->nrg = mt->nrg;
	ms->rgs = xmalloc(sizeof *ms->rgs * (size_t)(mt->nrg ? mt->nrg : 1));
	for (int i = 0; i < mt->nrg; i++) {
		ms->rgs[i] = mt->rgs[i];
		atomic_fetch_add(&mt->rgs[i]->refs, 1);
	}
	ms->src.est_rows = mt->nrows;
	pthread_mutex_unlock(&mt->mu);
	atomic_init(&ms->next_rg, 0);
	ms->src.max_readers = ms->nrg > 0 ? ms->nrg : 1;
	ms->src.unit_name = "row groups";
	return &ms->src;
}

/* ------------------------------------------------------------ table ops */

static struct source *
mtt_scan(struct table *t, struct wb_error *err)
{
	return memtable_scan(t->impl, t->names, err);
}

static int64_t
mtt_rows(struct table *t)
{
	struct memtable *mt = t->impl;
	pthread_mutex_lock(&mt->mu);
	int64_t n = mt->nrows;
	pthread_mutex_unlock(&mt->mu);
	return n;
}

static int64_t
mtt_bytes(struct table *t)
{
	return memtable_bytes(t->impl);
}

static void
mtt_destroy(struct table *t)
{
	memtable_free(t->impl);
}

static const struct table_ops memtable_ops = {
	.kind = "memory",
	.scan = mtt_scan,
	.row_count = mtt_rows,
	.byte_size = mtt_bytes,
	.destroy = mtt_destroy,
};

struct table *
memtable_table(const char *name, int ncol, char *const *names, const wb_type *types, struct memtable *mt)
{
	return table_new(name, ncol, names, types, &memtable_ops, mt);
}

struct memtable *
memtable_of(struct table *t)
{
	return t->ops == &memtable_ops ? t->impl : NULL;
}

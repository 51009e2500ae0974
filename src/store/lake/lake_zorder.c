/*
 * OPTIMIZE ... ZORDER BY: rewrite rows sorted along a Z-order (Morton)
 * curve so that rows close in every Z-order column land in the same file,
 * and each file's min/max statistics cover a narrow range of each column:
 * a selective filter on any of them then skips most files.
 *
 * The steps:
 *   1. read the files' rows into memory (one column array each);
 *   2. map each Z-order column to order-preserving ranks: a value's rank
 *      is the position of its first occurrence in the column's sorted
 *      non-NULL values, scaled to `bits` bits; NULL is rank 0 (NULLs
 *      first). Ranks rather than raw values spread skewed or clustered
 *      columns (user ids 5e8..6e8, timestamps of one month) over the whole
 *      key space and make strings, dates and doubles comparable as ints;
 *   3. interleave the ranks' bits, most significant first, into a 64-bit
 *      key and sort the rows by it (stable: ties keep their order);
 *   4. cut the sorted rows into files of about the target size (rows per
 *      file from the bytes per row written so far), moving each cut
 *      (within a quarter of a file) to where the key's highest changing
 *      bit is highest: there the curve leaves an aligned block,
 *      so a file is one block (or a few) rather than the tail of one
 *      quadrant and the head of a distant one.
 *
 * Memory: the rows of all the files rewritten, uncompressed (about the
 * values' size plus 16 bytes per string and per sort entry). A
 * partitioned table is Z-ordered partition by partition (lake_optimize
 * calls this once per partition), as Databricks does: the memory is that
 * of the largest partition rewritten.
 */
#include "store/lake/lake_maint.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct zcolumn {
	wb_type type;
	void *data;                  /* int64_t, double, uint8_t or wb_str per row */
	uint8_t *nulls;              /* NULL while no row is NULL */
	const struct wb_dict *dict;  /* the dictionary last copied from */
	wb_str *dict_copy;           /* its entries, copied once (p NULL: not yet) */
};

struct zrows {
	int ncol;
	int64_t n, cap;
	struct zcolumn *cols;
	struct arena strings;
};

static size_t
elem_size(wb_type t)
{
	switch (t) {
	case WB_TYPE_BOOL: return 1;
	case WB_TYPE_VARCHAR: return sizeof(wb_str);
	default: return 8;
	}
}

static void
zrows_grow(struct zrows *z, int64_t need)
{
	if (need <= z->cap)
		return;
	int64_t cap = z->cap ? z->cap : 65536;
	while (cap < need)
		cap *= 2;
	for (int k = 0; k < z->ncol; k++) {
		struct zcolumn *c = &z->cols[k];
		c->data = xrealloc(c->data, (size_t)cap * elem_size(c->type));
		if (c->nulls) {
			c->nulls = xrealloc(c->nulls, (size_t)cap);
			memset(c->nulls + z->cap, 0, (size_t)(cap - z->cap));
		}
	}
	z->cap = cap;
}

static wb_str
copy_str(struct zrows *z, wb_str s)
{
	if (s.n == 0)
		return (wb_str){"", 0};
	char *p = arena_alloc(&z->strings, s.n);
	memcpy(p, s.p, s.n);
	return (wb_str){p, s.n};
}

static int
zrows_append(void *arg, const struct chunk *ch, struct wb_error *err)
{
	struct zrows *z = arg;
	int n = ch->n;
	zrows_grow(z, z->n + n);
	for (int k = 0; k < z->ncol; k++) {
		struct zcolumn *c = &z->cols[k];
		const struct vec *v = &ch->cols[k];
		int64_t base = z->n;
		for (int i = 0; i < n; i++) {
			if (vec_is_null(v, i)) {
				if (c->nulls == NULL)
					c->nulls = xcalloc((size_t)z->cap, 1);
				c->nulls[base + i] = 1;
				continue;
			}
			int j = v->kind == VEC_CONST ? 0 : i;
			switch (c->type) {
			case WB_TYPE_BOOL:
				((uint8_t *)c->data)[base + i] = vec_bool(v)[j];
				break;
			case WB_TYPE_VARCHAR:
				if (v->kind == VEC_DICT) {
					/* a dictionary's entries are copied once */
					if (v->dict != c->dict) {
						free(c->dict_copy);
						c->dict = v->dict;
						c->dict_copy = xcalloc(v->dict->n ? v->dict->n : 1, sizeof(wb_str));
					}
					uint32_t code = vec_codes(v)[i];
					if (c->dict_copy[code].p == NULL)
						c->dict_copy[code] = copy_str(z, v->dict->vals[code]);
					((wb_str *)c->data)[base + i] = c->dict_copy[code];
				} else {
					((wb_str *)c->data)[base + i] = copy_str(z, vec_str(v)[j]);
				}
				break;
			case WB_TYPE_DOUBLE:
				((double *)c->data)[base + i] = vec_f64(v)[j];
				break;
			default:
				((int64_t *)c->data)[base + i] = vec_i64(v)[j];
				break;
			}
		}
	}
	z->n += n;
	return 0;
}

static void
zrows_free(struct zrows *z)
{
	for (int k = 0; k < z->ncol; k++) {
		free(z->cols[k].data);
		free(z->cols[k].nulls);
		free(z->cols[k].dict_copy);
	}
	free(z->cols);
	arena_release(&z->strings);
}

/* ------------------------------------------------------------ sorting */

struct zitem {
	uint64_t key;
	uint64_t row;
};

/* Stable LSD radix sort of items by key; bytes equal in every key are
 * skipped. tmp has room for n items. */
static void
radix_sort(struct zitem *items, struct zitem *tmp, int64_t n)
{
	size_t count[256];
	struct zitem *src = items, *dst = tmp;
	for (int byte = 0; byte < 8; byte++) {
		int shift = byte * 8;
		memset(count, 0, sizeof count);
		for (int64_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xff]++;
		if (n == 0 || count[(src[0].key >> shift) & 0xff] == (size_t)n)
			continue;
		size_t pos = 0;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = pos;
			pos += c;
		}
		for (int64_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
		struct zitem *t = src;
		src = dst;
		dst = t;
	}
	if (src != items)
		memcpy(items, src, (size_t)n * sizeof *items);
}

/* An unsigned key ordered as the value: integers with the sign bit
 * flipped; doubles by their bits (negatives inverted); strings by their
 * first 8 bytes (ties sorted by the whole string afterwards). */
static uint64_t
order_key(const struct zcolumn *c, int64_t row)
{
	switch (c->type) {
	case WB_TYPE_BOOL:
		return ((const uint8_t *)c->data)[row];
	case WB_TYPE_DOUBLE: {
		double d = ((const double *)c->data)[row];
		uint64_t u;
		if (d == 0)
			d = 0;       /* -0.0 sorts with 0.0 */
		memcpy(&u, &d, 8);
		return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
	}
	case WB_TYPE_VARCHAR: {
		wb_str s = ((const wb_str *)c->data)[row];
		uint64_t k = 0;
		for (int i = 0; i < 8; i++)
			k = (k << 8) | (i < (int)s.n ? (uint8_t)s.p[i] : 0);
		return k;
	}
	default:
		return (uint64_t)((const int64_t *)c->data)[row] ^ (UINT64_C(1) << 63);
	}
}

static _Thread_local const wb_str *tl_strs;

static int
cmp_str_rows(const void *a, const void *b)
{
	const struct zitem *x = a, *y = b;
	int c = wb_str_cmp(tl_strs[x->row], tl_strs[y->row]);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static bool
same_value(const struct zcolumn *c, const struct zitem *a, const struct zitem *b)
{
	if (a->key != b->key)
		return false;
	if (c->type != WB_TYPE_VARCHAR)
		return true;
	const wb_str *s = c->data;
	return wb_str_eq(s[a->row], s[b->row]);
}

/* Ranks of column c in `bits` bits (see the top of the file) into rank[]. */
static void
column_ranks(const struct zcolumn *c, int64_t n, int bits, struct zitem *items, struct zitem *tmp,
    uint32_t *rank)
{
	int64_t nn = 0;
	for (int64_t r = 0; r < n; r++) {
		if (c->nulls && c->nulls[r]) {
			rank[r] = 0;
			continue;
		}
		items[nn].key = order_key(c, r);
		items[nn].row = (uint64_t)r;
		nn++;
	}
	radix_sort(items, tmp, nn);
	if (c->type == WB_TYPE_VARCHAR) {
		/* strings that share their first 8 bytes: by the whole string */
		tl_strs = c->data;
		for (int64_t i = 0; i < nn;) {
			int64_t j = i + 1;
			while (j < nn && items[j].key == items[i].key)
				j++;
			if (j - i > 1)
				qsort(items + i, (size_t)(j - i), sizeof *items, cmp_str_rows);
			i = j;
		}
		tl_strs = NULL;
	}
	uint64_t top = (UINT64_C(1) << bits) - 1;   /* ranks 1 .. top-1; 0 is NULL */
	int64_t first = 0;
	for (int64_t i = 0; i < nn; i++) {
		if (i > 0 && !same_value(c, &items[i - 1], &items[i]))
			first = i;
		uint64_t scaled = 1 + (uint64_t)(((unsigned __int128)first * (top - 1)) / (uint64_t)nn);
		rank[items[i].row] = (uint32_t)scaled;
	}
}

/* Spread the low 32 bits of x to the even bit positions. */
static uint64_t
spread2(uint64_t x)
{
	x &= 0xffffffffu;
	x = (x | (x << 16)) & UINT64_C(0x0000ffff0000ffff);
	x = (x | (x << 8)) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x | (x << 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	x = (x | (x << 2)) & UINT64_C(0x3333333333333333);
	x = (x | (x << 1)) & UINT64_C(0x5555555555555555);
	return x;
}

static uint64_t
interleave(uint32_t *const *ranks, int nz, int bits, int64_t row)
{
	if (nz == 1)
		return ranks[0][row];
	if (nz == 2)
		return (spread2(ranks[0][row]) << 1) | spread2(ranks[1][row]);
	uint64_t key = 0;
	for (int b = bits - 1; b >= 0; b--)
		for (int c = 0; c < nz; c++)
			key = (key << 1) | ((ranks[c][row] >> b) & 1);
	return key;
}

/* The highest bit in which two keys differ (-1: equal). */
static int
high_bit(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;
	return x ? 63 - __builtin_clzll(x) : -1;
}

/* ------------------------------------------------------------ writing */

static int
write_rows(const char *dir, const struct delta_snapshot *snap, const struct delta_map *pv, const struct zrows *z,
    const struct zitem *order, int64_t from, int64_t to, struct arena *a, struct delta_add *out, struct wb_error *err)
{
	struct lake_newfile *f = lake_newfile_open(dir, &snap->schema, pv, err);
	if (f == NULL)
		return -1;
	wb_type *types = xcalloc((size_t)z->ncol, sizeof(wb_type));
	for (int k = 0; k < z->ncol; k++)
		types[k] = z->cols[k].type;
	struct chunk c;
	chunk_init(&c, z->ncol, types);
	free(types);
	int rc = 0;
	for (int64_t at = from; at < to && rc == 0; at += WB_VEC_SIZE) {
		int m = (int)(to - at < WB_VEC_SIZE ? to - at : WB_VEC_SIZE);
		chunk_reset(&c);
		for (int k = 0; k < z->ncol; k++) {
			const struct zcolumn *zc = &z->cols[k];
			struct vec *v = &c.cols[k];
			for (int j = 0; j < m; j++) {
				int64_t r = (int64_t)order[at + j].row;
				if (zc->nulls && zc->nulls[r]) {
					vec_set_null(v, j);
					continue;
				}
				switch (zc->type) {
				case WB_TYPE_BOOL: vec_bool(v)[j] = ((const uint8_t *)zc->data)[r]; break;
				case WB_TYPE_VARCHAR: vec_str(v)[j] = ((const wb_str *)zc->data)[r]; break;
				case WB_TYPE_DOUBLE: vec_f64(v)[j] = ((const double *)zc->data)[r]; break;
				default: vec_i64(v)[j] = ((const int64_t *)zc->data)[r]; break;
				}
			}
			v->n = m;
		}
		c.n = m;
		rc = lake_newfile_write(f, &c, err);
	}
	chunk_free(&c);
	if (rc < 0) {
		lake_newfile_abort(f);
		return -1;
	}
	return lake_newfile_close(f, false, a, out, err);
}

int
lake_zorder_rewrite(const char *dir, const struct delta_snapshot *snap, const int64_t *files, int64_t nfiles,
    const struct delta_map *pv, const int *zcols, int nz, int64_t target_bytes, int64_t input_bytes, int64_t max_rows, struct arena *a,
    struct delta_add **adds, int64_t *nadds, struct wb_error *err)
{
	*adds = NULL;
	*nadds = 0;
	struct zrows z = {0};
	z.ncol = snap->schema.ncols;
	z.cols = xcalloc((size_t)(z.ncol ? z.ncol : 1), sizeof *z.cols);
	for (int k = 0; k < z.ncol; k++)
		z.cols[k].type = snap->schema.cols[k].type;
	arena_init(&z.strings, 1 << 20);
	if (lake_read_files(snap, files, nfiles, zrows_append, &z, err) < 0) {
		zrows_free(&z);
		return -1;
	}
	int64_t n = z.n;
	if (n == 0) {
		zrows_free(&z);
		return 0;
	}
	int bits = nz == 1 ? 32 : 64 / nz;
	if (bits > 32)
		bits = 32;
	struct zitem *items = xmalloc((size_t)n * sizeof *items), *tmp = xmalloc((size_t)n * sizeof *tmp);
	uint32_t **ranks = xcalloc((size_t)nz, sizeof *ranks);
	for (int c = 0; c < nz; c++) {
		ranks[c] = xmalloc((size_t)n * sizeof(uint32_t));
		column_ranks(&z.cols[zcols[c]], n, bits, items, tmp, ranks[c]);
	}
	for (int64_t r = 0; r < n; r++) {
		items[r].key = interleave(ranks, nz, bits, r);
		items[r].row = (uint64_t)r;
	}
	for (int c = 0; c < nz; c++)
		free(ranks[c]);
	free(ranks);
	radix_sort(items, tmp, n);
	free(tmp);

	/* Files of about target_bytes: the rows per file come from the
	 * bytes per row of the files written so far (the input's to begin
	 * with: sorting changes how well columns compress). The rows left
	 * are split evenly over the files still to write, and each cut is
	 * moved, within a quarter file (never past max_rows), to the largest
	 * Z-block boundary. */
	double per_row = input_bytes > 0 ? (double)input_bytes / (double)n : 1;
	int64_t written_bytes = 0, from = 0, k = 0;
	size_t cap = 0;
	struct delta_add *out = NULL;
	int rc = 0;
	while (from < n && rc == 0) {
		double tr = (double)target_bytes / per_row;
		int64_t rows = tr < 1 ? 1 : tr > (double)n ? n : (int64_t)tr;
		if (max_rows > 0 && rows > max_rows)
			rows = max_rows;
		int64_t left = n - from, nleft = (left + rows - 1) / rows, to = n;
		if (nleft > 1) {
			int64_t per = left / nleft, window = per / 4;
			int64_t ideal = from + per, best = ideal;
			int best_bit = high_bit(items[ideal - 1].key, items[ideal].key);
			int64_t lo = ideal - window > from + 1 ? ideal - window : from + 1;
			int64_t hi = ideal + window < n - 1 ? ideal + window : n - 1;
			if (max_rows > 0 && hi > from + max_rows)
				hi = from + max_rows;       /* maxRecordsPerFile is a hard cap */
			for (int64_t i = lo; i <= hi; i++) {
				int hb = high_bit(items[i - 1].key, items[i].key);
				int64_t d = i > ideal ? i - ideal : ideal - i, bd = best > ideal ? best - ideal : ideal - best;
				if (hb > best_bit || (hb == best_bit && d < bd)) {
					best = i;
					best_bit = hb;
				}
			}
			to = best;
		}
		if ((size_t)k == cap)
			out = xgrow(out, &cap, (size_t)k + 1, sizeof *out);
		rc = write_rows(dir, snap, pv, &z, items, from, to, a, &out[k], err);
		if (rc == 0) {
			written_bytes += out[k].size;
			k++;
			per_row = (double)written_bytes / (double)to;
		}
		from = to;
	}
	free(items);
	zrows_free(&z);
	if (rc < 0) {
		for (int64_t i = 0; i < k; i++)
			lake_newfile_unlink(dir, &out[i]);
		free(out);
		return -1;
	}
	*adds = arena_alloc(a, (size_t)(k ? k : 1) * sizeof *out);
	memcpy(*adds, out, (size_t)k * sizeof *out);
	*nadds = k;
	free(out);
	return 0;
}

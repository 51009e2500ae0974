/*
 * Routing written rows to data files: a lake_part is one producing
 * thread's handle on a lake_write. Unpartitioned, every row goes to the
 * one data file. Partitioned, each row goes to the file of its partition
 * values: the rows of a chunk are hashed on the partition columns, looked
 * up in a thread-local table of the partitions this thread has seen (so
 * the write's lock is taken once per partition and thread, not per row),
 * grouped by file, and only the data columns (Delta keeps partition values
 * in the log, not in the files) are written to each file's Parquet part.
 * Rows are reserved in a file before they are written to it, so that the
 * write's limits (rows and bytes per file) cut files exactly: a file that
 * is full makes way for the partition's next one.
 */
#include "store/lake/lake_int.h"
#include "store/parquet/pq.h"
#include "core/arena.h"
#include "core/hash.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A partition this thread has seen: its hash, values and file. Two
 * entries may share a file (VARCHAR '' and NULL are both the null
 * partition). */
struct lp_entry {
	uint64_t h;
	int out;                       /* -1: empty slot */
	struct wb_value *vals;         /* npcols values, strings in the part's arena */
};

struct lake_part {
	struct lake_write *w;
	struct lake_layout lay;
	struct pq_part **pq;           /* per output file: this thread's part, NULL until used */
	int npq;
	/* partitioned only */
	struct lp_entry *tab;
	uint32_t cap, used;
	struct arena heap;
	uint64_t *hashes;              /* per row of the chunk being routed */
	int *rowout;                   /* ... its output file */
	uint32_t *sel;                 /* rows grouped by output */
	int rows_cap;
	int *slot;                     /* output -> its group in the chunk, -1 */
	int nslot;
	int *outs, *cnt, *off;         /* the chunk's distinct outputs, rows each, offsets */
	int groups_cap;
	struct chunk view;             /* the data columns of a chunk (shallow) */
	struct chunk scratch;          /* ... of one output's rows */
	struct chunk slice;            /* ... of a stretch of rows that fits a file */
	uint32_t *iota;                /* 0, 1, 2, ... for slicing */
	int iota_n;
	int flat_out;                  /* unpartitioned: the current file */
};

struct lake_part *
lake_part_new(struct lake_write *w)
{
	struct lake_part *p = xcalloc(1, sizeof *p);
	p->w = w;
	lake_write_layout(w, &p->lay);
	arena_init(&p->heap, 0);
	int nd = p->lay.ndata;
	p->view.cols = xcalloc((size_t)(nd ? nd : 1), sizeof(struct vec));
	p->view.ncol = nd;
	if (p->lay.npcols > 0)
		chunk_init(&p->scratch, nd, p->lay.dtypes);
	chunk_init(&p->slice, nd, p->lay.dtypes);
	p->flat_out = p->lay.npcols > 0 ? -1 : lake_write_output(w, NULL, NULL);
	return p;
}

void
lake_part_free(struct lake_part *p)
{
	if (p == NULL)
		return;
	free(p->pq);
	free(p->tab);
	arena_release(&p->heap);
	free(p->hashes);
	free(p->rowout);
	free(p->sel);
	free(p->slot);
	free(p->outs);
	free(p->cnt);
	free(p->off);
	free(p->view.cols);
	if (p->lay.npcols > 0)
		chunk_free(&p->scratch);
	chunk_free(&p->slice);
	free(p->iota);
	free(p);
}

/* This thread's Parquet part of output out. */
static struct pq_part *
part_of(struct lake_part *p, int out)
{
	if (out >= p->npq) {
		int n = out + 16;
		p->pq = xrealloc(p->pq, sizeof *p->pq * (size_t)n);
		memset(p->pq + p->npq, 0, sizeof *p->pq * (size_t)(n - p->npq));
		p->npq = n;
	}
	if (p->pq[out] == NULL)
		p->pq[out] = lake_write_output_part(p->w, out);
	return p->pq[out];
}

/* Rows [from, from + n) of c (data columns). */
static const struct chunk *
slice_of(struct lake_part *p, const struct chunk *c, int from, int n)
{
	if (from + n > p->iota_n) {
		p->iota = xrealloc(p->iota, sizeof *p->iota * (size_t)(from + n));
		for (int i = p->iota_n; i < from + n; i++)
			p->iota[i] = (uint32_t)i;
		p->iota_n = from + n;
	}
	for (int j = 0; j < c->ncol; j++)
		vec_gather(&p->slice.cols[j], &c->cols[j], p->iota + from, n);
	p->slice.n = n;
	p->slice.seq = c->seq;
	return &p->slice;
}

/* A partition's file out is full and next follows it: the partitions
 * this thread has seen go there from now on. */
static void
retarget(struct lake_part *p, int out, int next)
{
	for (uint32_t i = 0; i < p->cap; i++)
		if (p->tab[i].out == out)
			p->tab[i].out = next;
}

/* Write c (data columns) to the partition whose current file is *outp,
 * moving on to its next file whenever one is full. */
static int
write_out(struct lake_part *p, int *outp, const struct chunk *c, struct wb_error *err)
{
	for (int from = 0; from < c->n;) {
		int got = lake_write_reserve(p->w, *outp, c->n - from);
		if (got == 0) {
			int next = lake_write_next_output(p->w, *outp, err);
			if (next < 0)
				return -1;
			retarget(p, *outp, next);
			*outp = next;
			continue;
		}
		struct pq_part *pp = part_of(p, *outp);
		if (pp == NULL) {
			err_set(err, -1, "internal error: a Delta write without its data file");
			return -1;
		}
		const struct chunk *w = from == 0 && got == c->n ? c : slice_of(p, c, from, got);
		if (pq_part_write(pp, w, err) < 0)
			return -1;
		from += got;
	}
	return 0;
}

/* The data columns of c, shallow. */
static void
make_view(struct lake_part *p, const struct chunk *c)
{
	for (int j = 0; j < p->lay.ndata; j++)
		p->view.cols[j] = c->cols[p->lay.dcol_w[j]];
	p->view.n = c->n;
	p->view.seq = c->seq;
}

/* ---- partitioned ---- */

static bool
value_eq(const struct wb_value *a, const struct wb_value *b)
{
	if (a->is_null || b->is_null)
		return a->is_null == b->is_null;
	switch (a->type) {
	case WB_TYPE_BOOL:
		return a->u.b == b->u.b;
	case WB_TYPE_DOUBLE:
		return memcmp(&a->u.d, &b->u.d, sizeof a->u.d) == 0;   /* as the log text tells them apart */
	case WB_TYPE_VARCHAR:
		return wb_str_eq(a->u.s, b->u.s);
	default:
		return a->u.i == b->u.i;
	}
}

/* Does row i of c have the values of e? */
static bool
row_matches(const struct lake_part *p, const struct chunk *c, int i, const struct wb_value *vals)
{
	for (int k = 0; k < p->lay.npcols; k++) {
		struct wb_value v;
		int wc = p->lay.pcol_w[k];
		if (wc < 0)
			continue;          /* not written: NULL for every row */
		vec_get(&c->cols[wc], i, &v);
		if (!value_eq(&v, &vals[k]))
			return false;
	}
	return true;
}

static void
tab_grow(struct lake_part *p)
{
	uint32_t cap = p->cap ? p->cap * 2 : 64;
	struct lp_entry *t = xcalloc(cap, sizeof *t);
	for (uint32_t i = 0; i < cap; i++)
		t[i].out = -1;
	for (uint32_t i = 0; i < p->cap; i++) {
		if (p->tab[i].out < 0)
			continue;
		uint32_t j = (uint32_t)p->tab[i].h & (cap - 1);
		while (t[j].out >= 0)
			j = (j + 1) & (cap - 1);
		t[j] = p->tab[i];
	}
	free(p->tab);
	p->tab = t;
	p->cap = cap;
}

/* The output of row i (hash h), adding the partition on first sight;
 * its values in *vals_out. */
static int
route_row(struct lake_part *p, const struct chunk *c, int i, uint64_t h, const struct wb_value **vals_out,
    struct wb_error *err)
{
	uint32_t j = p->cap ? (uint32_t)h & (p->cap - 1) : 0;
	for (; p->cap && p->tab[j].out >= 0; j = (j + 1) & (p->cap - 1))
		if (p->tab[j].h == h && row_matches(p, c, i, p->tab[j].vals)) {
			*vals_out = p->tab[j].vals;
			return p->tab[j].out;
		}
	/* a partition this thread has not seen */
	int np = p->lay.npcols;
	struct wb_value *vals = arena_zalloc(&p->heap, sizeof *vals * (size_t)np);
	for (int k = 0; k < np; k++) {
		int wc = p->lay.pcol_w[k];
		if (wc < 0) {
			vals[k].type = p->lay.ptypes[k];
			vals[k].is_null = true;
			continue;
		}
		vec_get(&c->cols[wc], i, &vals[k]);
		if (!vals[k].is_null && vals[k].type == WB_TYPE_VARCHAR)
			vals[k].u.s.p = arena_strndup(&p->heap, vals[k].u.s.p, vals[k].u.s.n);
	}
	int out = lake_write_output(p->w, vals, err);
	if (out < 0)
		return -1;
	if (part_of(p, out) == NULL)
		return -1;
	if ((p->used + 1) * 2 > p->cap)
		tab_grow(p);
	j = (uint32_t)h & (p->cap - 1);
	while (p->tab[j].out >= 0)
		j = (j + 1) & (p->cap - 1);
	p->tab[j] = (struct lp_entry){h, out, vals};
	p->used++;
	*vals_out = vals;
	return out;
}

static void
ensure_rows(struct lake_part *p, int n)
{
	if (n <= p->rows_cap)
		return;
	p->rows_cap = n;
	p->hashes = xrealloc(p->hashes, sizeof *p->hashes * (size_t)n);
	p->rowout = xrealloc(p->rowout, sizeof *p->rowout * (size_t)n);
	p->sel = xrealloc(p->sel, sizeof *p->sel * (size_t)n);
}

/* The group of output out in this chunk (a new one on first sight). */
static int
group_of(struct lake_part *p, int out, int *ngroups)
{
	if (out >= p->nslot) {
		int n = out + 64;
		p->slot = xrealloc(p->slot, sizeof *p->slot * (size_t)n);
		for (int i = p->nslot; i < n; i++)
			p->slot[i] = -1;
		p->nslot = n;
	}
	if (p->slot[out] >= 0)
		return p->slot[out];
	if (*ngroups >= p->groups_cap) {
		p->groups_cap = p->groups_cap ? p->groups_cap * 2 : 16;
		p->outs = xrealloc(p->outs, sizeof *p->outs * (size_t)p->groups_cap);
		p->cnt = xrealloc(p->cnt, sizeof *p->cnt * (size_t)p->groups_cap);
		p->off = xrealloc(p->off, sizeof *p->off * (size_t)p->groups_cap);
	}
	int g = (*ngroups)++;
	p->outs[g] = out;
	p->cnt[g] = 0;
	p->slot[out] = g;
	return g;
}

static int
write_partitioned(struct lake_part *p, const struct chunk *c, struct wb_error *err)
{
	int n = c->n;
	ensure_rows(p, n);
	memset(p->hashes, 0, sizeof *p->hashes * (size_t)n);
	int hashed = 0;
	for (int k = 0; k < p->lay.npcols; k++)
		if (p->lay.pcol_w[k] >= 0)
			hash_vec(&c->cols[p->lay.pcol_w[k]], n, p->hashes, hashed++ > 0);
	int ngroups = 0;
	int last_out = -1;
	uint64_t last_h = 0;
	const struct wb_value *last_vals = NULL;
	for (int i = 0; i < n; i++) {
		int out;
		/* runs of one partition (sorted or clustered input) skip the probe */
		if (last_vals && p->hashes[i] == last_h && row_matches(p, c, i, last_vals))
			out = last_out;
		else if ((out = route_row(p, c, i, p->hashes[i], &last_vals, err)) < 0)
			goto fail;
		p->rowout[i] = out;
		int g = group_of(p, out, &ngroups);     /* may move p->cnt */
		p->cnt[g]++;
		last_out = out;
		last_h = p->hashes[i];
	}
	int rc = 0;
	make_view(p, c);
	if (ngroups == 1) {
		int o = p->outs[0];
		rc = write_out(p, &o, &p->view, err);
	} else {
		int o = 0;
		for (int g = 0; g < ngroups; g++) {
			p->off[g] = o;
			o += p->cnt[g];
		}
		for (int i = 0; i < n; i++)
			p->sel[p->off[p->slot[p->rowout[i]]]++] = (uint32_t)i;
		int from = 0;
		for (int g = 0; g < ngroups && rc == 0; g++) {
			for (int j = 0; j < p->lay.ndata; j++)
				vec_gather(&p->scratch.cols[j], &p->view.cols[j], p->sel + from, p->cnt[g]);
			p->scratch.n = p->cnt[g];
			p->scratch.seq = c->seq;
			from += p->cnt[g];
			int o = p->outs[g];      /* p->outs stays as is: it clears p->slot below */
			rc = write_out(p, &o, &p->scratch, err);
		}
	}
	for (int g = 0; g < ngroups; g++)
		p->slot[p->outs[g]] = -1;
	return rc;
fail:
	for (int g = 0; g < ngroups; g++)
		p->slot[p->outs[g]] = -1;
	return -1;
}

int
lake_part_write(struct lake_part *p, const struct chunk *c, struct wb_error *err)
{
	if (c->n == 0)
		return 0;
	if (p->lay.npcols > 0)
		return write_partitioned(p, c, err);
	if (p->flat_out < 0) {
		err_set(err, -1, "internal error: a Delta write without a data file");
		return -1;
	}
	make_view(p, c);
	return write_out(p, &p->flat_out, &p->view, err);
}

/* ---- partition directories ---- */

/* Spark's escaping of path names (ExternalCatalogUtils.escapePathName's
 * set): control characters, the quotes, '/', ':', '=', '%', '*' and the
 * rest of the list below become %XX. */
static void
escape_path_name(const char *s, struct strbuf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr("\"#%'*/:=?\\{[]^", *p) != NULL) {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			sb_add(out, e, 3);
		} else {
			sb_putc(out, (char)*p);
		}
	}
}

void
lake_partition_dir(const struct delta_map *pv, struct strbuf *out)
{
	for (int k = 0; k < pv->n; k++) {
		if (k > 0)
			sb_putc(out, '/');
		escape_path_name(pv->keys[k], out);
		sb_putc(out, '=');
		if (pv->values[k] == NULL || pv->values[k][0] == '\0')
			sb_puts(out, "__HIVE_DEFAULT_PARTITION__");
		else
			escape_path_name(pv->values[k], out);
	}
}

void
lake_add_partition(const struct delta_snapshot *snap, const struct delta_add *add, struct arena *a,
    struct delta_map *out)
{
	int np = snap->metadata.npartition_columns;
	out->n = np;
	out->keys = out->values = NULL;
	if (np == 0)
		return;
	out->keys = arena_zalloc(a, sizeof(char *) * (size_t)np);
	out->values = arena_zalloc(a, sizeof(char *) * (size_t)np);
	for (int k = 0; k < np; k++) {
		out->keys[k] = snap->metadata.partition_columns[k];
		out->values[k] = delta_add_partition_text(add, out->keys[k]);
	}
}

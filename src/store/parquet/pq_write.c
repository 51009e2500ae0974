/*
 * pq_write: the Parquet writer - buffering rows, forming row groups in
 * input order, encoding them (pq_wcol.c) on the producing threads,
 * appending them to the file, and the footer.
 *
 * Producers (parts, one per thread) copy rows into segments: raw column
 * arrays with strings in the segment's heap. A part cuts its segment when
 * the input morsel (chunk seq >> 24) changes, or at row_group_rows /
 * row_group_bytes, and hands it to the assembler as a piece: (morsel,
 * piece number within the morsel, last piece of the morsel?). All chunks of
 * one morsel pass through one part, in order, so pieces say exactly where
 * they belong.
 *
 * The assembler (under the writer's lock) concatenates pieces in input
 * order - morsel m+1 after the last piece of morsel m - into row groups of
 * row_group_rows rows, so row groups are full whatever the morsel sizes.
 * A finished row group is encoded and compressed by the thread whose piece
 * completed it, outside the lock, and appended to the file at an offset
 * reserved under the lock. Morsel numbers are dense for wb's sources, but a
 * morsel whose rows were all filtered away never shows up: when pieces
 * waiting for a missing morsel pass a budget, the assembler closes its row
 * group and continues from the earliest piece it holds (a row group
 * boundary at the gap; a late piece becomes row groups of its own). The
 * footer lists row groups by input position, whatever order their bytes
 * landed in, so the file reads back in input order.
 */
#include "config.h"
#include "store/parquet/pq_int.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct seg_col {
	void *vals;
	uint8_t *nulls;          /* allocated at the first NULL */
	int64_t nnull;
};

struct seg {
	uint64_t seq, sub;       /* input position of its first row: (chunk seq, part counter) */
	int64_t n, cap;
	int64_t bytes;
	struct seg_col *cols;
	struct arena *heap;      /* copied strings */
	int refs;                /* assembler + row groups using it (under the lock) */
};

/* Rows [from, to) of a segment. */
struct span {
	struct seg *seg;
	int64_t from, to;
};

/* A row group being formed, or formed and waiting to be encoded. */
struct group {
	struct span *spans;
	int n;
	size_t cap;
	int64_t rows, bytes;
};

struct piece {
	uint64_t morsel;
	uint32_t idx;            /* piece number within the morsel */
	bool last;
	struct seg *seg;         /* NULL for an empty last piece */
};

struct rg_done {
	uint64_t seq, sub;
	int64_t row;
	struct pq_row_group rg;
	struct arena *a;         /* the row group's metadata */
};

/* Copies of one input dictionary's entries, in the current segment's heap. */
struct dict_copy {
	uint64_t id;
	uint32_t n;
	wb_str *copies;          /* p == NULL: not copied yet */
};

struct pq_part {
	struct pq_writer *w;
	struct seg *cur;
	uint64_t morsel;         /* of cur's rows */
	uint32_t idx;            /* pieces of that morsel handed over so far */
	bool started;
	struct pq_cenc *enc;
	struct strbuf buf;
	uint64_t sub;
	bool serial;             /* one caller: the call order is the order */
	struct dict_copy *dc;    /* per column */
	struct pq_part *next;
};

struct pq_writer {
	char *path;
	int fd;
	int ncol;
	char **names;
	wb_type *types;
	struct pq_write_options o;
	pthread_mutex_t mu;
	int64_t offset;
	atomic_bool failed;
	char *errmsg;
	struct rg_done *done;
	int ndone;
	size_t done_cap;
	struct pq_part *parts;
	int nparts;
	struct pq_part *serial;
	struct pq_col_stats *stats;
	int64_t *nan_counts;     /* per column, for the statistics handed out */
	int64_t rows;
	/* assembler */
	struct piece *held;      /* sorted by (morsel, idx) */
	int nheld;
	size_t held_cap;
	int64_t held_rows, held_bytes;
	uint64_t next_morsel;
	uint32_t next_idx;
	struct group open;
	struct group *ready;     /* formed, waiting for an encoder (a FIFO) */
	int nready;
	size_t ready_cap;
	/* encoder threads */
	pthread_t *threads;
	int nthreads;
	bool closing;
	pthread_cond_t cv_work, cv_space;
};

void
pq_write_options_init(struct pq_write_options *o)
{
	memset(o, 0, sizeof *o);
	o->codec = PQ_CODEC_ZSTD;
	o->level = 0;
	o->row_group_rows = 122880;
	o->row_group_bytes = (int64_t)128 << 20;
	o->page_bytes = (int64_t)1 << 20;
	o->dict_bytes = (int64_t)1 << 20;
	o->dictionary = true;
}

bool
pq_codec_from_name(const char *name, int *codec)
{
	static const struct { const char *name; int codec; } names[] = {
		{"zstd", PQ_CODEC_ZSTD}, {"snappy", PQ_CODEC_SNAPPY}, {"gzip", PQ_CODEC_GZIP},
		{"uncompressed", PQ_CODEC_UNCOMPRESSED}, {"none", PQ_CODEC_UNCOMPRESSED},
		{"lz4", PQ_CODEC_LZ4_RAW}, {"lz4_raw", PQ_CODEC_LZ4_RAW},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(name, names[i].name) == 0) {
			if (!pq_codec_supported(names[i].codec))
				return false;
			*codec = names[i].codec;
			return true;
		}
	return false;
}

void
pq_write_stats_free(struct pq_write_stats *s)
{
	if (s == NULL || s->cols == NULL)
		return;
	for (int c = 0; c < s->ncol; c++) {
		if (s->cols[c].has_minmax && s->cols[c].min.type == WB_TYPE_VARCHAR) {
			free((char *)s->cols[c].min.u.s.p);
			free((char *)s->cols[c].max.u.s.p);
		}
	}
	free(s->cols);
	s->cols = NULL;
}

/* First error wins; later calls see `failed` and stop. */
static void
fail(struct pq_writer *w, const char *msg)
{
	pthread_mutex_lock(&w->mu);
	if (w->errmsg == NULL)
		w->errmsg = xstrdup(msg);
	atomic_store(&w->failed, true);
	pthread_cond_broadcast(&w->cv_space);
	pthread_mutex_unlock(&w->mu);
}

static int
report(struct pq_writer *w, struct wb_error *err)
{
	pthread_mutex_lock(&w->mu);
	err_set(err, -1, "%s", w->errmsg ? w->errmsg : "writing the Parquet file failed");
	pthread_mutex_unlock(&w->mu);
	return -1;
}

struct pq_writer *
pq_writer_open(const char *path, int ncol, char *const *names, const wb_type *types,
    const struct pq_write_options *o, struct wb_error *err)
{
	for (int c = 0; c < ncol; c++) {
		if (types[c] == WB_TYPE_INTERVAL) {
			err_set(err, -1, "column \"%s\" is an INTERVAL, which wb does not write to Parquet", names[c]);
			err_hint(err, "cast it to VARCHAR, or store a number (e.g. epoch(x) seconds)");
			return NULL;
		}
		if (types[c] == WB_TYPE_LIST_NULL) {
			err_set(err, -1, "column \"%s\" is a list whose elements have no type; cast it, e.g. "
			    "CAST(%s AS BIGINT[])", names[c], names[c]);
			return NULL;
		}
		if (types[c] == WB_TYPE_NULL || types[c] >= WB_TYPE__COUNT) {
			err_set(err, -1, "column \"%s\" has no type (an untyped NULL); cast it, e.g. CAST(NULL AS VARCHAR)",
			    names[c]);
			return NULL;
		}
	}
	if (!pq_codec_supported(o->codec) || o->codec == PQ_CODEC_LZ4) {
		err_set(err, -1, "Parquet codec %s is not available for writing", pq_codec_name(o->codec));
		return NULL;
	}
	if (o->row_group_rows < 1 || o->row_group_bytes < 1 || o->page_bytes < 1) {
		err_set(err, -1, "row group and page sizes must be positive");
		return NULL;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (write(fd, "PAR1", 4) != 4) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	struct pq_writer *w = xcalloc(1, sizeof *w);
	w->path = xstrdup(path);
	w->fd = fd;
	w->ncol = ncol;
	w->names = xcalloc((size_t)(ncol ? ncol : 1), sizeof *w->names);
	w->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof *w->types);
	for (int c = 0; c < ncol; c++) {
		w->names[c] = xstrdup(names[c]);
		w->types[c] = types[c];
	}
	w->o = *o;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv_work, NULL);
	pthread_cond_init(&w->cv_space, NULL);
	w->offset = 4;
	atomic_init(&w->failed, false);
	w->stats = xcalloc((size_t)(ncol ? ncol : 1), sizeof *w->stats);
	w->nan_counts = xcalloc((size_t)(ncol ? ncol : 1), sizeof *w->nan_counts);
	return w;
}

struct pq_part *
pq_writer_part(struct pq_writer *w)
{
	struct pq_part *p = xcalloc(1, sizeof *p);
	p->w = w;
	p->dc = xcalloc((size_t)(w->ncol ? w->ncol : 1), sizeof *p->dc);
	pthread_mutex_lock(&w->mu);
	p->next = w->parts;
	w->parts = p;
	w->nparts++;
	pthread_mutex_unlock(&w->mu);
	return p;
}

int64_t
pq_writer_bytes(struct pq_writer *w, int64_t *rows)
{
	pthread_mutex_lock(&w->mu);
	int64_t n = w->offset;
	*rows = w->rows;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* ------------------------------------------------------------ segments */

static struct seg *
seg_new(struct pq_writer *w, uint64_t seq, uint64_t sub)
{
	struct seg *s = xcalloc(1, sizeof *s);
	s->seq = seq;
	s->sub = sub;
	s->cols = xcalloc((size_t)(w->ncol ? w->ncol : 1), sizeof *s->cols);
	s->heap = arena_new(256 * 1024);
	return s;
}

static void
seg_free(struct pq_writer *w, struct seg *s)
{
	if (s == NULL)
		return;
	for (int c = 0; c < w->ncol; c++) {
		free(s->cols[c].vals);
		free(s->cols[c].nulls);
	}
	free(s->cols);
	if (s->heap)
		arena_free(s->heap);
	free(s);
}

static void
seg_reserve(struct pq_writer *w, struct seg *s, int64_t need)
{
	if (need <= s->cap)
		return;
	int64_t cap = s->cap ? s->cap : 4096;
	while (cap < need)
		cap *= 2;
	if (cap > w->o.row_group_rows && need <= w->o.row_group_rows)
		cap = w->o.row_group_rows;
	for (int c = 0; c < w->ncol; c++) {
		struct seg_col *sc = &s->cols[c];
		sc->vals = xrealloc(sc->vals, type_size(w->types[c]) * (size_t)cap);
		if (sc->nulls) {
			sc->nulls = xrealloc(sc->nulls, (size_t)cap);
			memset(sc->nulls + s->cap, 0, (size_t)(cap - s->cap));
		}
	}
	s->cap = cap;
}

/* Copy the strings of rows [from, from + k) of v (FLAT or CONST) into dst,
 * one heap allocation for all of them. */
static int64_t
copy_strings(struct seg *s, const struct vec *v, int from, int k, wb_str *dst)
{
	size_t total = 0;
	for (int i = 0; i < k; i++)
		if (!vec_is_null(v, from + i))
			total += vec_str_at(v, from + i).n;
	char *h = total ? arena_alloc(s->heap, total) : NULL;
	for (int i = 0; i < k; i++) {
		if (vec_is_null(v, from + i)) {
			dst[i] = (wb_str){"", 0};
			continue;
		}
		wb_str x = vec_str_at(v, from + i);
		if (x.n) {
			memcpy(h, x.p, x.n);
			dst[i].p = h;
			h += x.n;
		} else {
			dst[i].p = "";
		}
		dst[i].n = x.n;
	}
	return (int64_t)total;
}

/* A DICT vector's strings: each dictionary entry is copied once per
 * segment, and rows share the copy (which the encoder notices). */
static int64_t
copy_dict_strings(struct pq_part *p, int col, struct seg *s, const struct vec *v, int from, int k, wb_str *dst)
{
	struct dict_copy *dc = &p->dc[col];
	const struct wb_dict *d = v->dict;
	if (dc->id != d->id || dc->n != d->n) {
		free(dc->copies);
		dc->copies = xcalloc(d->n ? d->n : 1, sizeof *dc->copies);
		dc->id = d->id;
		dc->n = d->n;
	}
	int64_t total = 0;
	const uint32_t *codes = vec_codes(v);
	for (int i = 0; i < k; i++) {
		if (vec_is_null(v, from + i)) {
			dst[i] = (wb_str){"", 0};
			continue;
		}
		uint32_t code = codes[from + i];
		wb_str *cp = &dc->copies[code];
		if (cp->p == NULL) {
			wb_str x = d->vals[code];
			char *h = arena_alloc(s->heap, x.n ? x.n : 1);
			if (x.n)
				memcpy(h, x.p, x.n);
			cp->p = h;
			cp->n = x.n;
			total += x.n;
		}
		dst[i] = *cp;
	}
	return total;
}

static void
seg_append(struct pq_part *p, struct seg *s, const struct chunk *c, int from, int k)
{
	struct pq_writer *w = p->w;
	seg_reserve(w, s, s->n + k);
	int64_t at = s->n;
	for (int col = 0; col < w->ncol; col++) {
		const struct vec *v = &c->cols[col];
		struct seg_col *sc = &s->cols[col];
		size_t es = type_size(w->types[col]);
		if (v->nulls != NULL) {
			for (int i = 0; i < k; i++) {
				if (!vec_is_null(v, from + i))
					continue;
				if (sc->nulls == NULL)
					sc->nulls = xcalloc((size_t)s->cap, 1);
				sc->nulls[at + i] = 1;
				sc->nnull++;
			}
		}
		char *dst = (char *)sc->vals + (size_t)at * es;
		if (type_is_list(w->types[col])) {
			/* deep copies: elements, flags and string bytes */
			wb_type el = type_list_elem(w->types[col]);
			wb_list *d = (wb_list *)dst;
			for (int i = 0; i < k; i++) {
				if (vec_is_null(v, from + i)) {
					d[i] = list_empty();
					continue;
				}
				wb_list l = vec_list(v)[v->kind == VEC_CONST ? 0 : from + i];
				d[i] = list_copy(s->heap, l, el);
				s->bytes += (int64_t)list_copy_size(l, el);
			}
		} else if (w->types[col] == WB_TYPE_VARCHAR) {
			if (v->kind == VEC_DICT)
				s->bytes += copy_dict_strings(p, col, s, v, from, k, (wb_str *)dst);
			else
				s->bytes += copy_strings(s, v, from, k, (wb_str *)dst);
		} else if (v->kind == VEC_CONST) {
			for (int i = 0; i < k; i++)
				memcpy(dst + (size_t)i * es, v->data, es);
		} else if (v->kind == VEC_DICT) {
			/* not produced for other types; flatten defensively */
			struct vec tmp;
			vec_init(&tmp, v->type);
			vec_gather(&tmp, v, NULL, from + k);
			vec_flatten(&tmp);
			memcpy(dst, (const char *)tmp.data + (size_t)from * es, es * (size_t)k);
			vec_free(&tmp);
		} else {
			memcpy(dst, (const char *)v->data + (size_t)from * es, es * (size_t)k);
		}
		s->bytes += (int64_t)(es * (size_t)k);
	}
	s->n += k;
}

/* ------------------------------------------------------------ row groups */

static void
merge_stats(struct pq_writer *w, int c, const struct pq_wcol_res *r)
{
	struct pq_col_stats *st = &w->stats[c];
	st->null_count += r->null_count;
	w->nan_counts[c] += r->nan_count;
	if (!r->has_minmax)
		return;
	wb_type t = w->types[c];
	if (t == WB_TYPE_VARCHAR) {
		if (!st->has_minmax || wb_str_cmp(r->min.u.s, st->min.u.s) < 0) {
			if (st->has_minmax)
				free((char *)st->min.u.s.p);
			st->min.type = t;
			st->min.u.s.p = xstrndup(r->min.u.s.p, r->min.u.s.n);
			st->min.u.s.n = r->min.u.s.n;
		}
		if (!st->has_minmax || wb_str_cmp(r->max.u.s, st->max.u.s) > 0) {
			if (st->has_minmax)
				free((char *)st->max.u.s.p);
			st->max.type = t;
			st->max.u.s.p = xstrndup(r->max.u.s.p, r->max.u.s.n);
			st->max.u.s.n = r->max.u.s.n;
		}
	} else if (!st->has_minmax) {
		st->min = r->min;
		st->max = r->max;
	} else if (t == WB_TYPE_DOUBLE) {
		if (r->min.u.d < st->min.u.d)
			st->min = r->min;
		if (r->max.u.d > st->max.u.d)
			st->max = r->max;
	} else if (t == WB_TYPE_BOOL) {
		st->min.u.b = st->min.u.b && r->min.u.b;
		st->max.u.b = st->max.u.b || r->max.u.b;
	} else {
		if (r->min.u.i < st->min.u.i)
			st->min = r->min;
		if (r->max.u.i > st->max.u.i)
			st->max = r->max;
	}
	st->has_minmax = true;
}

static void
shift_meta(struct pq_column_meta *m, int64_t base)
{
	m->data_page_offset += base;
	if (m->dictionary_page_offset >= 0)
		m->dictionary_page_offset += base;
}

/* Encode rows [from, from + n) of a segment into a row group and write it
 * (the key is its first row's input position). */
static int
write_rowgroup(struct pq_writer *w, struct pq_cenc *e, struct strbuf *buf, struct seg *s, int64_t from,
    int64_t n, uint64_t seq, uint64_t sub, int64_t row)
{
	struct wb_error err = WB_ERROR_INIT;
	struct arena *a = arena_new(4096);
	int nc = w->ncol ? w->ncol : 1;
	struct pq_column_chunk *cols = arena_zalloc(a, sizeof *cols * (size_t)nc);
	struct pq_wcol_res *res = xcalloc((size_t)nc, sizeof *res);
	int64_t *rel = xcalloc((size_t)nc, sizeof *rel);
	sb_clear(buf);
	for (int c = 0; c < w->ncol; c++) {
		const struct seg_col *sc = &s->cols[c];
		const uint8_t *nulls = sc->nulls ? sc->nulls + from : NULL;
		int64_t nnull = 0;
		if (nulls && (from > 0 || n < s->n)) {
			for (int64_t i = 0; i < n; i++)
				nnull += nulls[i];
		} else if (nulls) {
			nnull = sc->nnull;
		}
		struct pq_wcol_in in = {w->names[c], w->types[c], n,
			(const char *)sc->vals + (size_t)from * type_size(w->types[c]), nnull ? nulls : NULL, nnull};
		rel[c] = (int64_t)buf->len;
		if (pq_wcol_encode(e, &w->o, &in, buf, a, &res[c], &err) < 0) {
			fail(w, err.msg);
			err_clear(&err);
			free(res);
			free(rel);
			arena_free(a);
			return -1;
		}
	}
	pthread_mutex_lock(&w->mu);
	int64_t off = w->offset;
	w->offset += (int64_t)buf->len;
	w->done = xgrow(w->done, &w->done_cap, (size_t)w->ndone + 1, sizeof *w->done);
	struct rg_done *d = &w->done[w->ndone++];
	memset(d, 0, sizeof *d);
	d->seq = seq;
	d->sub = sub;
	d->row = row;
	d->a = a;
	d->rg.cols = cols;
	d->rg.ncols = w->ncol;
	d->rg.num_rows = n;
	d->rg.file_offset = off;
	d->rg.total_compressed_size = (int64_t)buf->len;
	d->rg.ordinal = -1;
	for (int c = 0; c < w->ncol; c++) {
		cols[c].has_meta = true;
		cols[c].meta = res[c].meta;
		shift_meta(&cols[c].meta, off + rel[c]);
		cols[c].file_offset = off + rel[c];
		d->rg.total_byte_size += res[c].meta.total_uncompressed_size;
		merge_stats(w, c, &res[c]);
	}
	w->rows += n;
	pthread_mutex_unlock(&w->mu);
	free(res);
	free(rel);

	const char *p = buf->s;
	size_t left = buf->len;
	while (left > 0) {
		ssize_t k = pwrite(w->fd, p, left, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			char msg[512];
			snprintf(msg, sizeof msg, "cannot write '%s': %s", w->path, k < 0 ? strerror(errno) : "short write");
			fail(w, msg);
			return -1;
		}
		p += k;
		left -= (size_t)k;
		off += k;
	}
	return 0;
}

/* Drop a reference to a segment (lock held); free it at zero. */
static void
seg_unref(struct pq_writer *w, struct seg *s)
{
	if (--s->refs == 0)
		seg_free(w, s);
}

/* Encode and write a formed row group, then release its segments. A group
 * of one span is encoded in place; several are concatenated first (the
 * strings stay views into the segments' heaps). */
static void
encode_group(struct pq_writer *w, struct pq_cenc *e, struct strbuf *buf, struct group *g)
{
	const struct span *f = &g->spans[0];
	if (!atomic_load(&w->failed)) {
		if (g->n == 1) {
			write_rowgroup(w, e, buf, f->seg, f->from, f->to - f->from, f->seg->seq, f->seg->sub, f->from);
		} else {
			struct seg *m = seg_new(w, 0, 0);
			seg_reserve(w, m, g->rows);
			for (int i = 0; i < g->n; i++) {
				const struct span *sp = &g->spans[i];
				int64_t k = sp->to - sp->from;
				for (int c = 0; c < w->ncol; c++) {
					size_t es = type_size(w->types[c]);
					struct seg_col *mc = &m->cols[c], *sc = &sp->seg->cols[c];
					memcpy((char *)mc->vals + (size_t)m->n * es, (char *)sc->vals + (size_t)sp->from * es,
					    es * (size_t)k);
					if (sc->nnull) {
						if (mc->nulls == NULL)
							mc->nulls = xcalloc((size_t)m->cap, 1);
						memcpy(mc->nulls + m->n, sc->nulls + sp->from, (size_t)k);
						for (int64_t r = 0; r < k; r++)
							mc->nnull += sc->nulls[sp->from + r];
					}
				}
				m->n += k;
			}
			write_rowgroup(w, e, buf, m, 0, m->n, f->seg->seq, f->seg->sub, f->from);
			seg_free(w, m);
		}
	}
	pthread_mutex_lock(&w->mu);
	for (int i = 0; i < g->n; i++)
		seg_unref(w, g->spans[i].seg);
	pthread_mutex_unlock(&w->mu);
	free(g->spans);
	memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------------ the assembler (lock held) */

static void
group_add(struct group *g, struct seg *s, int64_t from, int64_t to)
{
	g->spans = xgrow(g->spans, &g->cap, (size_t)g->n + 1, sizeof *g->spans);
	g->spans[g->n++] = (struct span){s, from, to};
	s->refs++;
	g->rows += to - from;
	g->bytes += s->n ? (int64_t)((double)s->bytes * (double)(to - from) / (double)s->n) : 0;
}

static void
close_open(struct pq_writer *w)
{
	if (w->open.n == 0)
		return;
	w->ready = xgrow(w->ready, &w->ready_cap, (size_t)w->nready + 1, sizeof *w->ready);
	w->ready[w->nready++] = w->open;
	memset(&w->open, 0, sizeof w->open);
}

/* Append a segment's rows to the open row group, closing it whenever it is
 * full. */
static void
consume_seg(struct pq_writer *w, struct seg *s)
{
	int64_t from = 0;
	while (from < s->n) {
		int64_t room = w->o.row_group_rows - w->open.rows;
		int64_t k = s->n - from < room ? s->n - from : room;
		group_add(&w->open, s, from, from + k);
		from += k;
		if (w->open.rows >= w->o.row_group_rows || w->open.bytes >= w->o.row_group_bytes)
			close_open(w);
	}
}

static int
cmp_piece(const struct piece *a, uint64_t morsel, uint32_t idx)
{
	if (a->morsel != morsel)
		return a->morsel < morsel ? -1 : 1;
	return a->idx < idx ? -1 : a->idx > idx ? 1 : 0;
}

/* Take pieces in input order while the next one is there; past the
 * budget, skip to the earliest piece held (a missing morsel). */
static void
drain(struct pq_writer *w, bool all)
{
	/* a few row groups per part, and never less than a few MiB: a part
	 * encoding or copying a long morsel is not a missing morsel */
	int64_t budget_rows = (int64_t)(w->nparts + 2) * (w->o.row_group_rows > 262144 ? w->o.row_group_rows : 262144);
	int64_t budget_bytes = (int64_t)(w->nparts + 2) * ((int64_t)32 << 20);
	for (;;) {
		while (w->nheld > 0 && cmp_piece(&w->held[0], w->next_morsel, w->next_idx) == 0) {
			struct piece pc = w->held[0];
			memmove(w->held, w->held + 1, sizeof *w->held * (size_t)(--w->nheld));
			if (pc.seg) {
				w->held_rows -= pc.seg->n;
				w->held_bytes -= pc.seg->bytes;
				consume_seg(w, pc.seg);
				seg_unref(w, pc.seg);
			}
			if (pc.last) {
				w->next_morsel = pc.morsel + 1;
				w->next_idx = 0;
			} else {
				w->next_idx = pc.idx + 1;
			}
		}
		if (w->nheld == 0 || !(all || w->held_rows > budget_rows || w->held_bytes > budget_bytes))
			return;
		/* the expected piece is missing or late. At close nothing more
		 * comes: just go on. Before, a late piece would have to fit
		 * between rows already in the open row group: close it here. */
		if (!all)
			close_open(w);
		w->next_morsel = w->held[0].morsel;
		w->next_idx = w->held[0].idx;
	}
}

static void *encoder_main(void *arg);

/* Start the encoder threads (lock held). */
static void
start_encoders(struct pq_writer *w)
{
	if (w->threads != NULL)
		return;
	w->nthreads = pool_size();
	w->threads = xcalloc((size_t)w->nthreads, sizeof *w->threads);
	for (int i = 0; i < w->nthreads; i++)
		if (pthread_create(&w->threads[i], NULL, encoder_main, w) != 0) {
			/* run with the threads we have (the caller encodes if none) */
			w->nthreads = i;
			break;
		}
}

/* Encoder threads: take formed row groups in order of formation and encode
 * them. Producers never encode, so a producer in the middle of a morsel
 * never keeps the assembler waiting for long. */
static void *
encoder_main(void *arg)
{
	struct pq_writer *w = arg;
	struct pq_cenc *e = pq_cenc_new();
	struct strbuf buf = STRBUF_INIT;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->nready == 0 && !w->closing)
			pthread_cond_wait(&w->cv_work, &w->mu);
		if (w->nready == 0)
			break;
		struct group g = w->ready[0];
		memmove(w->ready, w->ready + 1, sizeof *w->ready * (size_t)(--w->nready));
		pthread_cond_broadcast(&w->cv_space);
		pthread_mutex_unlock(&w->mu);
		encode_group(w, e, &buf, &g);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	pq_cenc_free(e);
	sb_free(&buf);
	return NULL;
}

/* Hand a piece to the assembler. Waits while more row groups are formed
 * than the encoders can take (memory stays bounded). */
static void
deliver(struct pq_writer *w, struct piece pc)
{
	pthread_mutex_lock(&w->mu);
	if (pc.seg)
		pc.seg->refs = 1;
	if (cmp_piece(&(struct piece){w->next_morsel, w->next_idx, false, NULL}, pc.morsel, pc.idx) > 0) {
		/* behind the assembler (it skipped ahead): row groups of its own */
		if (pc.seg) {
			struct group saved = w->open;
			memset(&w->open, 0, sizeof w->open);
			consume_seg(w, pc.seg);
			close_open(w);
			w->open = saved;
			seg_unref(w, pc.seg);
		}
	} else {
		/* insert in order */
		w->held = xgrow(w->held, &w->held_cap, (size_t)w->nheld + 1, sizeof *w->held);
		int i = w->nheld;
		while (i > 0 && cmp_piece(&w->held[i - 1], pc.morsel, pc.idx) > 0) {
			w->held[i] = w->held[i - 1];
			i--;
		}
		w->held[i] = pc;
		w->nheld++;
		if (pc.seg) {
			w->held_rows += pc.seg->n;
			w->held_bytes += pc.seg->bytes;
		}
		drain(w, false);
	}
	if (w->nready > 0) {
		start_encoders(w);
		pthread_cond_broadcast(&w->cv_work);
	}
	while (w->nthreads > 0 && w->nready > 2 * w->nthreads && !atomic_load(&w->failed))
		pthread_cond_wait(&w->cv_space, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

/* Hand the part's current segment over as the next piece of its morsel. */
static int
hand_over(struct pq_part *p, bool last)
{
	struct pq_writer *w = p->w;
	struct seg *s = p->cur;
	p->cur = NULL;
	for (int c = 0; c < w->ncol; c++)
		p->dc[c].id = 0;   /* the copies lived in that segment's heap */
	if (s && s->n == 0) {
		seg_free(w, s);
		s = NULL;
	}
	if (s == NULL && !last)
		return 0;
	struct piece pc = {p->morsel, p->idx++, last, s};
	deliver(w, pc);
	return atomic_load(&w->failed) ? -1 : 0;
}

int
pq_part_write(struct pq_part *p, const struct chunk *c, struct wb_error *err)
{
	struct pq_writer *w = p->w;
	if (atomic_load(&w->failed))
		return report(w, err);
	uint64_t morsel = p->serial ? 0 : c->seq >> 24;
	if (p->started && morsel != p->morsel) {
		if (hand_over(p, true) < 0)
			return report(w, err);
		p->idx = 0;
	}
	p->morsel = morsel;
	p->started = true;
	int from = 0;
	while (from < c->n) {
		if (p->cur == NULL)
			p->cur = seg_new(w, p->serial ? 0 : c->seq, p->sub++);
		int64_t room = w->o.row_group_rows - p->cur->n;
		int k = c->n - from < room ? c->n - from : (int)room;
		seg_append(p, p->cur, c, from, k);
		from += k;
		if ((p->cur->n >= w->o.row_group_rows || p->cur->bytes >= w->o.row_group_bytes) && hand_over(p, false) < 0)
			return report(w, err);
	}
	return 0;
}

int
pq_writer_write(struct pq_writer *w, const struct chunk *c, struct wb_error *err)
{
	if (w->serial == NULL) {
		w->serial = pq_writer_part(w);
		w->serial->serial = true;
	}
	return pq_part_write(w->serial, c, err);
}

/* ------------------------------------------------------------ close */

static int
cmp_done(const void *a, const void *b)
{
	const struct rg_done *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if (x->sub != y->sub)
		return x->sub < y->sub ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Last pieces of every part, then whatever the assembler holds; wait for
 * the encoders to finish. */
static int
flush_all(struct pq_writer *w)
{
	for (struct pq_part *p = w->parts; p; p = p->next)
		if (p->started || p->cur)
			hand_over(p, true);
	pthread_mutex_lock(&w->mu);
	drain(w, true);
	close_open(w);
	if (w->nready > 0)
		start_encoders(w);
	w->closing = true;
	pthread_cond_broadcast(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	w->threads = NULL;
	w->nthreads = 0;
	/* no thread could start: encode here */
	struct pq_cenc *e = NULL;
	struct strbuf buf = STRBUF_INIT;
	while (w->nready > 0) {
		struct group g = w->ready[0];
		memmove(w->ready, w->ready + 1, sizeof *w->ready * (size_t)(--w->nready));
		if (e == NULL)
			e = pq_cenc_new();
		encode_group(w, e, &buf, &g);
	}
	pq_cenc_free(e);
	sb_free(&buf);
	return atomic_load(&w->failed) ? -1 : 0;
}

static void
schema_elem_init(struct pq_schema_elem *e)
{
	memset(e, 0, sizeof *e);
	e->type = e->repetition = e->num_children = e->converted = -1;
	e->type_length = e->scale = e->precision = e->field_id = -1;
}

static int
write_footer(struct pq_writer *w, struct wb_error *err)
{
	struct arena *a = arena_new(4096);
	struct pq_file_meta m;
	memset(&m, 0, sizeof m);
	m.version = 1;
	m.nschema = 1;
	for (int c = 0; c < w->ncol; c++)
		m.nschema += type_is_list(w->types[c]) ? 3 : 1;
	m.schema = arena_alloc(a, sizeof *m.schema * (size_t)m.nschema);
	schema_elem_init(&m.schema[0]);
	m.schema[0].name = "schema";
	m.schema[0].num_children = w->ncol;
	int k = 1;
	for (int c = 0; c < w->ncol; c++) {
		wb_type t = w->types[c];
		if (type_is_list(t)) {
			/* the standard 3-level list:
			 * optional group name (LIST) { repeated group list { optional <t> element; } } */
			struct pq_schema_elem *g = &m.schema[k++], *l = &m.schema[k++];
			schema_elem_init(g);
			g->name = w->names[c];
			g->repetition = PQ_OPTIONAL;
			g->num_children = 1;
			g->converted = PQ_CT_LIST;
			g->logical.kind = PQ_LT_LIST;
			schema_elem_init(l);
			l->name = "list";
			l->repetition = PQ_REPEATED;
			l->num_children = 1;
			t = type_list_elem(t);
		}
		struct pq_schema_elem *e = &m.schema[k++];
		schema_elem_init(e);
		e->name = type_is_list(w->types[c]) ? "element" : w->names[c];
		e->repetition = PQ_OPTIONAL;
		switch (t) {
		case WB_TYPE_BOOL:
			e->type = PQ_BOOLEAN;
			break;
		case WB_TYPE_DOUBLE:
			e->type = PQ_DOUBLE;
			break;
		case WB_TYPE_VARCHAR:
			e->type = PQ_BYTE_ARRAY;
			e->converted = PQ_CT_UTF8;
			e->logical.kind = PQ_LT_STRING;
			break;
		case WB_TYPE_DATE:
			e->type = PQ_INT32;
			e->converted = PQ_CT_DATE;
			e->logical.kind = PQ_LT_DATE;
			break;
		case WB_TYPE_TIMESTAMP:
			e->type = PQ_INT64;
			e->converted = PQ_CT_TIMESTAMP_MICROS;
			e->logical.kind = PQ_LT_TIMESTAMP;
			e->logical.utc = true;
			e->logical.unit = PQ_UNIT_MICROS;
			break;
		default:
			e->type = PQ_INT64;
			break;
		}
	}
	if (w->ndone > 1)
		qsort(w->done, (size_t)w->ndone, sizeof *w->done, cmp_done);
	m.nrg = w->ndone;
	m.rgs = arena_alloc(a, sizeof *m.rgs * (size_t)(w->ndone ? w->ndone : 1));
	for (int i = 0; i < w->ndone; i++) {
		m.rgs[i] = w->done[i].rg;
		m.rgs[i].ordinal = i < 32768 ? i : -1;
	}
	m.num_rows = w->rows;
	m.created_by = "wb version " PACKAGE_VERSION;
	m.ncolumn_orders = w->ncol;
	struct strbuf b = STRBUF_INIT;
	pq_meta_encode(&b, &m);
	uint32_t len = (uint32_t)b.len;
	char tail[8];
	memcpy(tail, &len, 4);
	memcpy(tail + 4, "PAR1", 4);
	sb_add(&b, tail, 8);
	const char *p = b.s;
	size_t left = b.len;
	int64_t off = w->offset;
	int rc = 0;
	while (left > 0) {
		ssize_t k = pwrite(w->fd, p, left, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			err_set(err, -1, "cannot write '%s': %s", w->path, k < 0 ? strerror(errno) : "short write");
			rc = -1;
			break;
		}
		p += k;
		left -= (size_t)k;
		off += k;
	}
	w->offset = off;
	sb_free(&b);
	arena_free(a);
	return rc;
}

static void
writer_free(struct pq_writer *w)
{
	struct pq_part *p = w->parts;
	while (p) {
		struct pq_part *next = p->next;
		seg_free(w, p->cur);
		pq_cenc_free(p->enc);
		sb_free(&p->buf);
		for (int c = 0; c < w->ncol; c++)
			free(p->dc[c].copies);
		free(p->dc);
		free(p);
		p = next;
	}
	/* segments still held: each reference dropped once */
	for (int i = 0; i < w->nheld; i++)
		if (w->held[i].seg)
			seg_unref(w, w->held[i].seg);
	free(w->held);
	for (int i = 0; i < w->open.n; i++)
		seg_unref(w, w->open.spans[i].seg);
	free(w->open.spans);
	for (int r = 0; r < w->nready; r++) {
		for (int i = 0; i < w->ready[r].n; i++)
			seg_unref(w, w->ready[r].spans[i].seg);
		free(w->ready[r].spans);
	}
	free(w->ready);
	for (int i = 0; i < w->ndone; i++)
		arena_free(w->done[i].a);
	free(w->done);
	struct pq_write_stats st = {.ncol = w->ncol, .cols = w->stats};
	pq_write_stats_free(&st);
	for (int c = 0; c < w->ncol; c++)
		free(w->names[c]);
	free(w->names);
	free(w->types);
	free(w->nan_counts);
	free(w->errmsg);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_space);
	pthread_mutex_destroy(&w->mu);
	free(w->path);
	free(w);
}

void
pq_writer_abort(struct pq_writer *w)
{
	if (w == NULL)
		return;
	if (w->threads) {
		pthread_mutex_lock(&w->mu);
		atomic_store(&w->failed, true);
		w->closing = true;
		pthread_cond_broadcast(&w->cv_work);
		pthread_mutex_unlock(&w->mu);
		for (int i = 0; i < w->nthreads; i++)
			pthread_join(w->threads[i], NULL);
		free(w->threads);
		w->threads = NULL;
	}
	if (w->fd >= 0)
		close(w->fd);
	unlink(w->path);
	writer_free(w);
}

int
pq_writer_close(struct pq_writer *w, struct pq_write_stats *stats, struct wb_error *err)
{
	if (atomic_load(&w->failed) || flush_all(w) < 0) {
		report(w, err);
		pq_writer_abort(w);
		return -1;
	}
	int rc = write_footer(w, err);
	if (close(w->fd) != 0 && rc == 0) {
		err_set(err, -1, "cannot write '%s': %s", w->path, strerror(errno));
		rc = -1;
	}
	w->fd = -1;
	if (rc < 0) {
		pq_writer_abort(w);
		return -1;
	}
	/* bounds that leave a NaN out are no bounds for SQL (see pq.h) */
	for (int c = 0; c < w->ncol; c++)
		if (w->nan_counts[c] > 0 && w->stats[c].has_minmax)
			w->stats[c].has_minmax = false;
	if (stats) {
		stats->rows = w->rows;
		stats->bytes = w->offset;
		stats->row_groups = w->ndone;
		stats->ncol = w->ncol;
		stats->cols = w->stats;   /* handed over */
		w->stats = NULL;
	}
	writer_free(w);
	return 0;
}

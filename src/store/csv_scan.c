/*
 * csv_scan: the scan side of the CSV source (struct source_ops).
 *
 * Morsels. Every uncompressed regular file is mapped and cut into blocks
 * of bsize bytes. The reader that claims block b counts the quote parity
 * of its own bytes, publishes it, and waits (briefly: every earlier block
 * was claimed before and its reader counts first thing) for the parities
 * of the earlier blocks; their xor is the quote state at the block's
 * nominal start. The block then really starts after the first row
 * terminator outside quotes from there (csv_split_point), and ends where
 * the next block starts - exactly the row boundaries a serial scan sees.
 * gzip files and pipes are single morsels read through a stream buffer.
 *
 * Per chunk: tokenize up to 2048 rows, drop or report rows with the wrong
 * number of fields, bad quoting or invalid UTF-8 (checked only when a
 * byte >= 0x80 was seen), convert the projected columns, drop or report
 * values that do not convert, and stamp seq = SOURCE_SEQ(morsel, chunk).
 */
#include "store/csv_int.h"
#include "core/pool.h"
#include "core/progress.h"
#include "core/xmalloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CSV_STREAM_BUF ((size_t)4 << 20)
#define CSV_MIN_BLOCK ((size_t)2 << 20)
#define CSV_MAX_BLOCK ((size_t)16 << 20)
#define CSV_CHUNK_FIELDS ((size_t)1 << 22)   /* cap on tokenizer memory */

static bool
parity_splits(const struct csv_dialect *d)
{
	/* with an escape character, a quote byte does not always toggle */
	return !(d->quote && d->escape && d->escape != d->quote);
}

/* Cut the files into morsels; sets max_readers (known from the open). */
void
csv_plan_morsels(struct csv_src *cs)
{
	int nthreads = pool_size();
	int nm = 0;

	for (int i = 0; i < cs->nfiles; i++) {
		struct csv_file *f = &cs->files[i];
		f->nblocks = 1;
		f->bsize = 0;
		if (f->mapped && f->size > f->data_start && parity_splits(&cs->sn.d)) {
			size_t body = f->size - f->data_start;
			size_t bs = (size_t)cs->block_size;
			if (bs == 0) {
				if (nthreads > 1 && body >= 2 * CSV_MIN_BLOCK) {
					bs = body / ((size_t)nthreads * 8);
					bs = bs < CSV_MIN_BLOCK ? CSV_MIN_BLOCK : bs > CSV_MAX_BLOCK ? CSV_MAX_BLOCK : bs;
				} else {
					bs = body;
				}
			}
			f->bsize = bs;
			f->nblocks = (int)((body + bs - 1) / bs);
		}
		f->parity = xcalloc((size_t)f->nblocks, 1);
		f->pdone = xcalloc((size_t)f->nblocks, 1);
		f->cum = xcalloc((size_t)f->nblocks + 1, 1);
		f->known = 0;
		f->first_morsel = nm;
		nm += f->nblocks;
	}
	cs->morsels = xcalloc((size_t)nm, sizeof *cs->morsels);
	for (int i = 0, m = 0; i < cs->nfiles; i++)
		for (int b = 0; b < cs->files[i].nblocks; b++, m++) {
			cs->morsels[m].file = i;
			cs->morsels[m].block = b;
		}
	cs->nmorsels = nm;
	cs->s.max_readers = nm > 1 ? (nm < nthreads ? nm : nthreads) : 1;
}

static int
csv_start(struct source *s, struct wb_error *err)
{
	struct csv_src *cs = s->impl;

	if (cs->started) {
		/* a second scan of the same source */
		for (int i = 0; i < cs->nfiles; i++) {
			struct csv_file *f = &cs->files[i];
			if (!f->mapped && f->raw_size < 0) {
				err_set(err, -1, "%s: a pipe can only be read once", f->path);
				return -1;
			}
			memset(f->pdone, 0, (size_t)f->nblocks);
			f->known = 0;
		}
	}
	atomic_store(&cs->next_morsel, 0);
	atomic_store(&cs->morsels_done, 0);
	/* rejects and progress belong to one scan */
	atomic_store(&cs->nrejected, 0);
	for (size_t i = 0; i < cs->nrej; i++) {
		free(cs->rej[i].column);
		free(cs->rej[i].error);
		free(cs->rej[i].original);
	}
	cs->nrej = 0;
	progress_free(cs->prog);
	cs->prog = NULL;
	if (cs->progress) {
		char *label = xasprintf("%s%s", cs->first_name, cs->nfiles > 1 ? " ..." : "");
		cs->prog = progress_new(label, s->est_bytes);
		free(label);
	}
	cs->started = true;
	return 0;
}

static void *
csv_reader_new(struct source *s)
{
	struct csv_src *cs = s->impl;
	struct csv_reader *r = xcalloc(1, sizeof *r);
	size_t ncol = (size_t)(cs->ncol_file > 0 ? cs->ncol_file : 1);
	size_t maxrows = CSV_CHUNK_FIELDS / ncol;
	if (maxrows > WB_VEC_SIZE)
		maxrows = WB_VEC_SIZE;
	if (maxrows < 1)
		maxrows = 1;
	csv_tok_init(&r->tok, &cs->sn.d, (int)ncol, (int)maxrows, cs->ncol_file == 1, cs->max_line);
	r->bad = xmalloc(maxrows * sizeof(int));
	r->keep = xmalloc(maxrows);
	r->morsel = -1;
	return r;
}

/* The reader's stream, through the read-ahead thread when there is one. */
static ssize_t
reader_read(struct csv_reader *r, char *dst, size_t n, struct wb_error *err)
{
	return r->async ? csv_async_read(&r->aio, dst, n, err) : csv_stream_read(r->st, dst, n, err);
}

static int64_t
reader_in_total(struct csv_reader *r)
{
	return r->async ? csv_async_in_total(&r->aio) : r->st->in_total;
}

static void
reader_close_stream(struct csv_reader *r)
{
	if (r->streaming) {
		if (r->async) {
			csv_async_close(&r->aio);
		} else if (r->st != NULL) {
			csv_stream_close(r->st);
			free(r->st);
		}
		r->st = NULL;
		r->async = false;
		free(r->buf);
		r->buf = NULL;
		r->len = r->cap = r->bpos = 0;
		r->streaming = false;
	}
	r->lbase = NULL;
}

static void
csv_reader_free(struct source *s, void *rp)
{
	struct csv_reader *r = rp;
	(void)s;
	if (r == NULL)
		return;
	reader_close_stream(r);
	csv_tok_free(&r->tok);
	free(r->bad);
	free(r->keep);
	vec_free(&r->scratch);
	free(r);
}

/* Quote state at the nominal start of block b: publish this block's
 * parity, fold every known leading parity into the running prefix, and
 * wait until the prefix reaches b. The wait is short: each earlier block
 * was claimed first and its reader publishes before doing anything else. */
static bool
block_state(struct csv_src *cs, struct csv_file *f, int b, int par)
{
	bool state;
	pthread_mutex_lock(&cs->mu);
	f->parity[b] = (uint8_t)par;
	f->pdone[b] = 1;
	while (f->known < f->nblocks && f->pdone[f->known]) {
		f->cum[f->known + 1] = f->cum[f->known] ^ f->parity[f->known];
		f->known++;
	}
	pthread_cond_broadcast(&cs->cv);
	while (f->known < b)
		pthread_cond_wait(&cs->cv, &cs->mu);
	state = f->cum[b] != 0;
	pthread_mutex_unlock(&cs->mu);
	return state;
}

/* Claim the next morsel: 1, 0 when none is left, -1 on error. */
static int
claim(struct csv_src *cs, struct csv_reader *r, struct wb_error *err)
{
	int m = atomic_fetch_add(&cs->next_morsel, 1);
	if (m >= cs->nmorsels)
		return 0;
	struct csv_file *f = &cs->files[cs->morsels[m].file];
	int b = cs->morsels[m].block;
	r->morsel = m;
	r->file = cs->morsels[m].file;
	r->chunk = 0;
	r->skipping = false;
	r->lbase = NULL;
	if (f->mapped) {
		r->streaming = false;
		if (f->nblocks == 1) {
			r->pos = r->mstart = f->data_start;
			r->end = f->size;
			return 1;
		}
		size_t nom = f->data_start + (size_t)b * f->bsize;
		size_t nom_end = b + 1 < f->nblocks ? nom + f->bsize : f->size;
		int par = csv_quote_parity(f->map + nom, nom_end - nom, cs->sn.d.quote);
		bool state = block_state(cs, f, b, par);
		r->pos = b == 0 ? f->data_start : csv_split_point(f->map, nom, f->size, cs->sn.d.quote, state);
		r->end = b + 1 < f->nblocks ?
		    csv_split_point(f->map, nom_end, f->size, cs->sn.d.quote, state ^ (par != 0)) : f->size;
		if (r->pos > r->end)
			r->pos = r->end;
		r->mstart = r->pos;
		return 1;
	}
	/* streamed */
	r->streaming = true;
	r->beof = false;
	r->bline = 1;
	r->st_reported = 0;
	r->capmax = (size_t)cs->max_line + ((size_t)1 << 20);
	if (f->keep != NULL) {
		r->st = f->keep;
		f->keep = NULL;
		r->buf = f->keepbuf;
		r->len = f->keeplen;
		r->cap = f->keepcap;
		f->keepbuf = NULL;
	} else {
		r->st = xcalloc(1, sizeof *r->st);
		if (csv_stream_open(r->st, f->path, -1, f->gzip, err) < 0) {
			free(r->st);
			r->st = NULL;
			r->streaming = false;
			return -1;
		}
		r->buf = NULL;
		r->len = 0;
		r->cap = 0;
	}
	if (r->cap < CSV_STREAM_BUF) {
		r->cap = CSV_STREAM_BUF;
		r->buf = xrealloc(r->buf, r->cap);
	}
	/* inflate ahead on another thread while this one parses */
	r->async = f->gzip && csv_async_start(&r->aio, r->st, CSV_STREAM_BUF / 2) == 0;
	if (r->async)
		r->st = NULL;
	/* skip BOM, skipped lines and header */
	while (r->len < f->data_start && !r->beof) {
		if (r->cap < f->data_start) {
			r->cap = f->data_start;
			r->buf = xrealloc(r->buf, r->cap);
		}
		ssize_t got = reader_read(r, r->buf + r->len, r->cap - r->len, err);
		if (got < 0)
			return -1;
		if (got == 0)
			r->beof = true;
		r->len += (size_t)got;
	}
	r->bpos = f->data_start < r->len ? f->data_start : r->len;
	return 1;
}

static void
release(struct csv_src *cs, struct csv_reader *r)
{
	struct csv_file *f = &cs->files[r->file];
	if (!r->streaming && f->mapped && r->end > r->mstart) {
		/* Parsed: drop the morsel's pages from this process so a 10 GB
		 * file does not stay resident. The mapping is private and never
		 * written, so a later touch (an error message counting lines)
		 * simply reads the file again. Only whole pages inside the
		 * morsel are dropped. */
		uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
		uintptr_t a = ((uintptr_t)(f->map + r->mstart) + pg - 1) & ~(pg - 1);
		uintptr_t b = (uintptr_t)(f->map + r->end) & ~(pg - 1);
		if (b > a)
			madvise((void *)a, b - a, MADV_DONTNEED);
	}
	if (r->streaming)
		progress_add(cs->prog, reader_in_total(r) - r->st_reported);
	reader_close_stream(r);
	r->morsel = -1;
	if (atomic_fetch_add(&cs->morsels_done, 1) + 1 == cs->nmorsels)
		progress_done(cs->prog);
}

/* Handle a row longer than max_line_size at absolute position start of
 * base: report it (error or reject). */
static int
too_long(struct csv_src *cs, struct csv_reader *r, const char *base, size_t start, size_t avail,
    struct wb_error *err)
{
	int64_t line = csv_reader_line(cs, r, base, start);
	size_t show = avail < 4096 ? avail : 4096;
	return csv_report(cs, r, CSV_BAD_TOOLONG, base + start, show, line, -1, NULL, 0,
	    r->tok.long_in_quote, err);
}

/* Tokenize the next chunk of a mapped morsel: rows, 0 at its end, -1. */
static int
fill_mapped(struct csv_src *cs, struct csv_reader *r, struct wb_error *err)
{
	struct csv_file *f = &cs->files[r->file];
	enum csv_tok_status st;
	for (;;) {
		if (r->pos >= r->end)
			return 0;
		size_t next = csv_tok_run(&r->tok, f->map, r->pos, r->end, f->size, true, &st);
		if (st == CSV_TOK_TOOLONG) {
			if (r->tok.nrows == 0) {
				bool q = false;
				size_t start = r->tok.long_start;
				if (too_long(cs, r, f->map, start, f->size - start, err) < 0)
					return -1;
				size_t e = csv_skip_row(f->map, start, f->size, &cs->sn.d, &q);
				next = e == (size_t)-1 ? f->size : e;
			} else {
				next = r->tok.long_start;
			}
		}
		progress_add(cs->prog, (int64_t)(next - r->pos));
		r->pos = next;
		if (r->tok.nrows > 0)
			return r->tok.nrows;
	}
}

/* Move the unread rows to the front of the buffer and read more. */
static int
refill(struct csv_src *cs, struct csv_reader *r, struct wb_error *err)
{
	if (r->bpos > 0) {
		r->bline += csv_count_lines(r->buf, r->bpos, r->bpos < r->len && r->buf[r->bpos] == '\n');
		memmove(r->buf, r->buf + r->bpos, r->len - r->bpos);
		r->len -= r->bpos;
		r->bpos = 0;
		r->lbase = NULL;
	}
	if (r->len == r->cap) {
		size_t nc = r->cap * 2 > r->capmax ? r->capmax : r->cap * 2;
		if (nc <= r->cap) {
			/* cannot happen: the tokenizer reports rows over max_line first */
			err_set(err, -1, "%s: internal error: row buffer full", cs->files[r->file].path);
			return -1;
		}
		r->buf = xrealloc(r->buf, nc);
		r->cap = nc;
	}
	/* fill the buffer (pipes deliver little at a time) */
	size_t target = r->len + (r->cap - r->len) / 2;
	while (r->len < target || r->len == 0) {
		ssize_t got = reader_read(r, r->buf + r->len, r->cap - r->len, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			r->beof = true;
			break;
		}
		r->len += (size_t)got;
	}
	int64_t in = reader_in_total(r);
	progress_add(cs->prog, in - r->st_reported);
	r->st_reported = in;
	return 0;
}

/* Tokenize the next chunk of a streamed morsel: rows, 0 at its end, -1. */
static int
fill_stream(struct csv_src *cs, struct csv_reader *r, struct wb_error *err)
{
	enum csv_tok_status st;
	for (;;) {
		if (r->skipping) {
			size_t e = csv_skip_row(r->buf, r->bpos, r->len, &cs->sn.d, &r->skip_q);
			if (e != (size_t)-1) {
				r->bpos = e;
				r->skipping = false;
				continue;
			}
			r->bpos = r->len;
			if (r->beof)
				return 0;
		} else if (r->bpos < r->len) {
			size_t next = csv_tok_run(&r->tok, r->buf, r->bpos, SIZE_MAX, r->len, r->beof, &st);
			if (st == CSV_TOK_TOOLONG && r->tok.nrows == 0) {
				size_t start = r->tok.long_start;
				if (too_long(cs, r, r->buf, start, r->len - start, err) < 0)
					return -1;
				r->bpos = start;
				r->skipping = true;
				r->skip_q = false;
				continue;
			}
			if (r->tok.nrows > 0) {
				r->bpos = st == CSV_TOK_TOOLONG ? r->tok.long_start : next;
				return r->tok.nrows;
			}
			if (st == CSV_TOK_EOF) {
				r->bpos = next;
				return 0;
			}
		} else if (r->beof) {
			return 0;
		}
		if (r->beof)
			return 0;
		if (refill(cs, r, err) < 0)
			return -1;
	}
}

/* Drop (or report) rows with the wrong width, bad quoting or invalid
 * UTF-8. 0 or -1. */
static int
check_rows(struct csv_src *cs, struct csv_reader *r, const char *base, struct wb_error *err)
{
	struct csv_tok *t = &r->tok;
	const uint32_t want = (uint32_t)cs->ncol_file;
	bool drop = false;
	bool structural = t->anybad;

	if (!structural) {
		for (int i = 0; i < t->nrows; i++)
			structural |= t->nf[i] != want;
	}
	if (!structural && !t->highbit)
		return 0;
	memset(r->keep, 1, (size_t)t->nrows);
	for (int i = 0; i < t->nrows; i++) {
		const char *row = t->org + t->rstart[i];
		size_t rn = t->rend[i] - t->rstart[i];
		size_t abs = (size_t)(row - base);
		enum csv_bad_kind kind;
		long extra = 0;
		if (t->flags[i] & CSV_RF_BADQUOTE) {
			kind = CSV_BAD_QUOTE;
		} else if (t->flags[i] & CSV_RF_UNTERMINATED) {
			kind = CSV_BAD_UNTERMINATED;
		} else if (t->nf[i] != want) {
			kind = CSV_BAD_FIELDS;
			extra = (long)t->nf[i];
		} else if (t->highbit && (extra = (long)csv_utf8_check(row, rn)) >= 0) {
			kind = CSV_BAD_UTF8;
		} else {
			continue;
		}
		if (csv_report(cs, r, kind, row, rn, csv_reader_line(cs, r, base, abs), -1, NULL, 0,
		    extra, err) < 0)
			return -1;
		r->keep[i] = 0;
		drop = true;
	}
	if (drop)
		csv_tok_compact(t, r->keep);
	return 0;
}

static void
vec_compact(struct vec *v, const uint8_t *keep, int n)
{
	int w = 0;
	if (v->kind == VEC_CONST) {
		for (int i = 0; i < n; i++)
			w += keep[i] != 0;
		v->n = w;
		return;
	}
	size_t sz = type_size(v->type);
	char *d = v->data;
	for (int i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (w != i) {
			memcpy(d + (size_t)w * sz, d + (size_t)i * sz, sz);
			if (v->nulls != NULL)
				v->nulls[w] = v->nulls[i];
		}
		w++;
	}
	v->n = w;
}

/* Convert the projected columns into out; returns the rows kept, -1. */
static int
convert(struct csv_src *cs, struct csv_reader *r, const char *base, struct chunk *out,
    struct wb_error *err)
{
	struct source *s = &cs->s;
	struct csv_tok *t = &r->tok;
	const int n = t->nrows;
	int first_row = -1, first_col = -1;
	bool drop = false;

	if (cs->ignore_errors)
		memset(r->keep, 1, (size_t)n);
	/* with ignore_errors / store_rejects, also convert the file columns the
	 * query does not read (into a scratch vector), so that which rows are
	 * dropped does not depend on the projection */
	int nconv = s->nproj + (cs->ignore_errors ? cs->ncol_file : 0);
	for (int k = 0; k < nconv; k++) {
		int c;
		struct vec *v;
		if (k < s->nproj) {
			c = s->proj[k];
			v = &out->cols[k];
		} else {
			c = k - s->nproj;
			bool projected = false;
			for (int j = 0; j < s->nproj && !projected; j++)
				projected = s->proj[j] == c;
			if (projected || s->types[c] == WB_TYPE_VARCHAR)
				continue;
			v = &r->scratch;
		}
		if (v->type != s->types[c])
			vec_retype(v, s->types[c]);
		else
			vec_reset(v);
		if (c == cs->line_col) {
			/* _source_line: the line each row starts on. Rows come in
			 * file order, so the first row's line (csv_reader_line
			 * counts on from the reader's last position) plus the line
			 * ends between row starts gives the others; the reader's
			 * position is then moved to the last row. */
			int64_t *lines = vec_i64(v);
			if (n > 0) {
				int64_t line = csv_reader_line(cs, r, base, (size_t)(t->org + t->rstart[0] - base));
				lines[0] = line;
				for (int i = 1; i < n; i++) {
					const char *q = t->org + t->rstart[i - 1], *e = t->org + t->rstart[i];
					for (; q < e; q++)
						line += *q == '\n' || (*q == '\r' && q[1] != '\n');
					lines[i] = line;
				}
				csv_reader_line(cs, r, base, (size_t)(t->org + t->rstart[n - 1] - base));
			}
			v->n = n;
			continue;
		}
		if (c >= cs->ncol_file) {
			/* filename / _source_file: the path; _ingested_at: the open time */
			struct wb_value val = {.type = s->types[c], .is_null = false};
			if (s->types[c] == WB_TYPE_TIMESTAMP)
				val.u.i = cs->ingested_at;
			else
				val.u.s = wb_str_c(cs->files[r->file].path);
			vec_set_const(v, &val, n);
			continue;
		}
		int nb = csv_conv_column(t, c, s->types[c], &cs->sn.d, &cs->nulls, v, r->bad);
		for (int i = 0; i < nb; i++) {
			int row = r->bad[i];
			if (!cs->ignore_errors) {
				if (first_row < 0 || row < first_row || (row == first_row && c < first_col)) {
					first_row = row;
					first_col = c;
				}
				break;
			}
			if (!r->keep[row])
				continue;
			uint32_t fs = csv_tok_fstart(t, row, c), fe = csv_tok_fend(t, row, c);
			const char *val = t->org + fs;
			size_t vn = fe - fs;
			const char *rowp = t->org + t->rstart[row];
			if (csv_report(cs, r, CSV_BAD_CONVERT, rowp, t->rend[row] - t->rstart[row],
			    csv_reader_line(cs, r, base, (size_t)(rowp - base)), c, val, vn, 0, err) < 0)
				return -1;
			r->keep[row] = 0;
			drop = true;
		}
	}
	if (first_row >= 0) {
		uint32_t fs = csv_tok_fstart(t, first_row, first_col), fe = csv_tok_fend(t, first_row, first_col);
		const char *rowp = t->org + t->rstart[first_row];
		csv_report(cs, r, CSV_BAD_CONVERT, rowp, t->rend[first_row] - t->rstart[first_row],
		    csv_reader_line(cs, r, base, (size_t)(rowp - base)), first_col, t->org + fs,
		    fe - fs, 0, err);
		return -1;
	}
	int kept = n;
	if (drop) {
		for (int k = 0; k < s->nproj; k++)
			vec_compact(&out->cols[k], r->keep, n);
		kept = 0;
		for (int i = 0; i < n; i++)
			kept += r->keep[i] != 0;
	}
	return kept;
}

static int
csv_next(struct source *s, void *rp, struct chunk *out, struct wb_error *err)
{
	struct csv_src *cs = s->impl;
	struct csv_reader *r = rp;
	for (;;) {
		if (r->morsel < 0) {
			int rc = claim(cs, r, err);
			if (rc <= 0) {
				out->n = 0;
				return rc;
			}
		}
		struct csv_file *f = &cs->files[r->file];
		int n = f->mapped ? fill_mapped(cs, r, err) : fill_stream(cs, r, err);
		if (n < 0)
			return -1;
		if (n == 0) {
			release(cs, r);
			continue;
		}
		const char *base = f->mapped ? f->map : r->buf;
		if (check_rows(cs, r, base, err) < 0)
			return -1;
		if (r->tok.nrows == 0)
			continue;
		n = convert(cs, r, base, out, err);
		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		out->n = n;
		out->seq = SOURCE_SEQ(r->morsel, r->chunk++);
		progress_add_rows(cs->prog, n);
		return n;
	}
}

static void
csv_free(struct source *s)
{
	struct csv_src *cs = s->impl;
	for (int i = 0; i < cs->nfiles; i++) {
		struct csv_file *f = &cs->files[i];
		if (f->mapped)
			csv_unmap(f->map, f->size);
		if (f->keep != NULL) {
			csv_stream_close(f->keep);
			free(f->keep);
		}
		free(f->keepbuf);
		free(f->parity);
		free(f->pdone);
		free(f->cum);
		free(f->path);
	}
	free(cs->files);
	free(cs->morsels);
	for (size_t i = 0; i < cs->nrej; i++) {
		free(cs->rej[i].column);
		free(cs->rej[i].error);
		free(cs->rej[i].original);
	}
	free(cs->rej);
	for (int i = 0; i < cs->nulls.n; i++)
		free(cs->nulls.s[i]);
	free(cs->nulls.s);
	free(cs->nulls.len);
	csv_sniff_free(&cs->sn);
	progress_free(cs->prog);
	pthread_mutex_destroy(&cs->mu);
	pthread_cond_destroy(&cs->cv);
	source_fini(s);
	free(cs);
}

const struct source_ops csv_source_ops = {
	.name = "csv",
	.start = csv_start,
	.reader_new = csv_reader_new,
	.next = csv_next,
	.reader_free = csv_reader_free,
	.free = csv_free,
	.rejects = csv_source_rejects,
};

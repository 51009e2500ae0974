/*
 * pq_source: read_parquet as a `struct source`. Opening maps every file,
 * checks its magic bytes, decodes its footer and schema, and matches its
 * columns to the first file's by name; scanning hands out one morsel per
 * row group and decodes only the projected columns (pq_column.c).
 */
#include "store/parquet/pq_int.h"
#include "store/files.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ keep list */

struct pq_keep {
	pthread_mutex_t mu;
	void **ptrs;
	struct arena **arenas;
	int nptrs, narenas;
	size_t cap_ptrs, cap_arenas;
};

void
pq_keep_ptr(struct pq_keep *k, void *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&k->mu);
	k->ptrs = xgrow(k->ptrs, &k->cap_ptrs, (size_t)k->nptrs + 1, sizeof *k->ptrs);
	k->ptrs[k->nptrs++] = p;
	pthread_mutex_unlock(&k->mu);
}

void
pq_keep_arena(struct pq_keep *k, struct arena *a)
{
	pthread_mutex_lock(&k->mu);
	k->arenas = xgrow(k->arenas, &k->cap_arenas, (size_t)k->narenas + 1, sizeof *k->arenas);
	k->arenas[k->narenas++] = a;
	pthread_mutex_unlock(&k->mu);
}

static void
keep_release(struct pq_keep *k)
{
	for (int i = 0; i < k->nptrs; i++)
		free(k->ptrs[i]);
	for (int i = 0; i < k->narenas; i++)
		arena_free(k->arenas[i]);
	free(k->ptrs);
	free(k->arenas);
	pthread_mutex_destroy(&k->mu);
}

/* ------------------------------------------------------------ files */

struct pq_file {
	char *path;
	const uint8_t *map;
	size_t size;
	struct arena arena;
	struct pq_file_meta meta;
	struct pq_schema schema;
	int *colmap;             /* source column -> schema column of this file */
};

struct pq_morsel {
	int file, rg;
	int64_t first_row;       /* of the row group within its file */
};

struct pq_src {
	struct source src;
	struct pq_read_options opt;
	struct pq_file *files;
	int nfiles;
	struct pq_morsel *morsels;
	int nmorsels;
	atomic_int next;
	int ncol_file;           /* columns from the files (filename, file_row_number follow) */
	int filename_col, rownum_col;   /* -1 when not asked for */
	struct pq_keep keep;
};

struct pq_reader {
	int morsel;              /* -1: none */
	struct col_stats *stats; /* pruning: per source column */
	const struct col_stats **statp;
	int64_t row, rows;
	int chunk;
	int ncr;
	struct pq_creader *crs;  /* one per projected file column */
	bool open;
};

void
pq_read_options_init(struct pq_read_options *o)
{
	memset(o, 0, sizeof *o);
	o->verify_crc = true;
}

bool
pq_file_looks_parquet(const char *path)
{
	char magic[4];
	struct stat st;
	/* never read from a pipe: the bytes would be lost to its real reader */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = read(fd, magic, 4) == 4 && memcmp(magic, "PAR1", 4) == 0;
	close(fd);
	return ok;
}

static int
map_file(struct pq_file *f, struct wb_error *err)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -1, "%s: %s", f->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		err_set(err, -1, "%s: %s", f->path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set(err, -1, "%s: is a directory, not a Parquet file (use a pattern such as '%s/*.parquet')",
		    f->path, f->path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, -1, "%s: not a regular file (Parquet is read from its end, so pipes cannot be read)",
		    f->path);
		close(fd);
		return -1;
	}
	f->size = (size_t)st.st_size;
	if (f->size > 0) {
		void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			err_set(err, -1, "%s: cannot map the file: %s", f->path, strerror(errno));
			close(fd);
			return -1;
		}
		f->map = p;
	}
	close(fd);
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Map, check and decode the footer and schema of one file. */
static int
open_file(struct pq_file *f, const struct pq_read_options *o, struct wb_error *err)
{
	const char *why = NULL;
	arena_init(&f->arena, 16 * 1024);
	if (map_file(f, err) < 0)
		return -1;
	if (f->size < 12) {
		err_set(err, -1, "%s: not a Parquet file (%zu bytes; too short)", f->path, f->size);
		return -1;
	}
	const uint8_t *end = f->map + f->size;
	if (memcmp(f->map, "PAR1", 4) != 0 && memcmp(f->map, "PARE", 4) != 0) {
		err_set(err, -1, "%s: not a Parquet file (it does not start with PAR1)", f->path);
		return -1;
	}
	if (memcmp(end - 4, "PARE", 4) == 0) {
		err_set(err, -1, "%s: the file is encrypted (Parquet modular encryption), which wb cannot read", f->path);
		return -1;
	}
	if (memcmp(end - 4, "PAR1", 4) != 0) {
		err_set(err, -1, "%s: truncated or not a Parquet file (it does not end with PAR1)", f->path);
		return -1;
	}
	uint32_t flen = le32(end - 8);
	if ((uint64_t)flen > f->size - 12) {
		err_set(err, -1, "%s: corrupt footer length (%u bytes in a %zu-byte file)", f->path, flen, f->size);
		return -1;
	}
	if (pq_meta_decode(end - 8 - flen, flen, &f->arena, &f->meta, &why) < 0) {
		err_set(err, -1, "%s: corrupt footer (%s)", f->path, why);
		return -1;
	}
	if (f->meta.encrypted) {
		err_set(err, -1, "%s: the file is encrypted (Parquet modular encryption), which wb cannot read", f->path);
		return -1;
	}
	if (pq_schema_build(&f->meta, o->binary_as_string, &f->arena, &f->schema, &why) < 0) {
		err_set(err, -1, "%s: corrupt schema (%s)", f->path, why);
		return -1;
	}
	for (int g = 0; g < f->meta.nrg; g++) {
		const struct pq_row_group *rg = &f->meta.rgs[g];
		if (rg->ncols != f->schema.nleaves) {
			err_set(err, -1, "%s: corrupt footer (row group %d has %d column chunks, the schema has %d columns)",
			    f->path, g, rg->ncols, f->schema.nleaves);
			return -1;
		}
		if (rg->num_rows < 0) {
			err_set(err, -1, "%s: corrupt footer (row group %d has a negative row count)", f->path, g);
			return -1;
		}
	}
	return 0;
}

static void
close_file(struct pq_file *f)
{
	if (f->map)
		munmap((void *)f->map, f->size);
	arena_release(&f->arena);
	free(f->colmap);
	free(f->path);
}

/* ------------------------------------------------------------ source ops */

static int
pqs_start(struct source *s, struct wb_error *err)
{
	struct pq_src *ps = s->impl;
	const struct pq_file *f0 = &ps->files[0];
	for (int p = 0; p < s->nproj; p++) {
		int c = s->proj[p];
		if (c >= ps->ncol_file)
			continue;
		for (int i = 0; i < ps->nfiles; i++) {
			const struct pq_file *f = &ps->files[i];
			const struct pq_col *col = &f->schema.cols[f->colmap[c]];
			if (col->conv == PQ_CV_NESTED) {
				err_set(err, -1, "%s: column \"%s\" is %s, which wb cannot read (it reads columns of "
				    "values and lists of values)", f->path, col->name, col->nested_what);
				err_hint(err, "leave it out of the query, e.g. SELECT * EXCLUDE (\"%s\") FROM '%s'",
				    col->name, f0->path);
				return -1;
			}
		}
	}
	return 0;
}

static void *
pqs_reader_new(struct source *s)
{
	struct pq_reader *r = xcalloc(1, sizeof *r);
	r->morsel = -1;
	int n = 0;
	for (int p = 0; p < s->nproj; p++)
		if (s->proj[p] < ((struct pq_src *)s->impl)->ncol_file)
			n++;
	r->ncr = n;
	r->crs = n ? xcalloc((size_t)n, sizeof *r->crs) : NULL;
	if (s->npreds > 0) {
		r->stats = xcalloc((size_t)s->ncol, sizeof *r->stats);
		r->statp = xcalloc((size_t)s->ncol, sizeof *r->statp);
	}
	return r;
}

static void
close_morsel(struct pq_reader *r)
{
	if (!r->open)
		return;
	for (int i = 0; i < r->ncr; i++)
		pq_cr_fini(&r->crs[i]);
	r->open = false;
}

static void
pqs_reader_free(struct source *s, void *reader)
{
	struct pq_reader *r = reader;
	close_morsel(r);
	free(r->crs);
	free(r->stats);
	free(r->statp);
	free(r);
}

/* Set up the column readers of morsel m. */
static int
open_morsel(struct pq_src *ps, struct pq_reader *r, int m, struct wb_error *err)
{
	const struct source *s = &ps->src;
	const struct pq_file *f = &ps->files[ps->morsels[m].file];
	int g = ps->morsels[m].rg;
	const struct pq_row_group *rg = &f->meta.rgs[g];
	int k = 0;
	r->open = true;
	for (int p = 0; p < s->nproj; p++) {
		int c = s->proj[p];
		if (c >= ps->ncol_file)
			continue;
		const struct pq_col *col = &f->schema.cols[f->colmap[c]];
		struct pq_creader *cr = &r->crs[k++];
		memset(cr, 0, offsetof(struct pq_creader, levels));
		cr->col = col;
		cr->file = f->path;
		cr->rg = g;
		cr->verify_crc = ps->opt.verify_crc;
		cr->keep = &ps->keep;
		pq_cr_open(cr, NULL, 0, rg->num_rows, err);
		const struct pq_column_chunk *cc = &rg->cols[col->leaf];
		if (!cc->has_meta) {
			err_set(err, -1, "%s: row group %d, column \"%s\": the column chunk has no metadata", f->path, g, col->name);
			return -1;
		}
		if (cc->file_path) {
			err_set(err, -1, "%s: row group %d, column \"%s\": the data is in another file (%s), which wb does not follow",
			    f->path, g, col->name, cc->file_path);
			return -1;
		}
		const struct pq_column_meta *md = &cc->meta;
		if (md->type != col->ptype) {
			err_set(err, -1, "%s: row group %d, column \"%s\": the column chunk is %s but the schema says %s",
			    f->path, g, col->name, pq_ptype_name(md->type), pq_ptype_name(col->ptype));
			return -1;
		}
		if (!pq_codec_supported(md->codec)) {
			err_set(err, -1, "%s: row group %d, column \"%s\": compressed with %s, which this build of wb cannot read",
			    f->path, g, col->name, pq_codec_name(md->codec));
			if (md->codec == PQ_CODEC_LZ4 || md->codec == PQ_CODEC_LZ4_RAW)
				err_hint(err, "rebuild wb with liblz4-dev installed");
			return -1;
		}
		int64_t start = md->data_page_offset;
		if (md->dictionary_page_offset > 0 && md->dictionary_page_offset < start)
			start = md->dictionary_page_offset;
		int64_t len = md->total_compressed_size;
		if (start < 4 || len < 0 || (uint64_t)start > f->size || (uint64_t)len > f->size - (uint64_t)start) {
			err_set(err, -1, "%s: row group %d, column \"%s\": the column chunk lies outside the file (truncated?)",
			    f->path, g, col->name);
			return -1;
		}
		cr->codec = md->codec;
		pq_cr_open(cr, f->map + start, (size_t)len, rg->num_rows, err);
	}
	return 0;
}

/* One statistics value (PLAIN bytes) as a wb value of col's type; false
 * when it cannot stand for a bound in wb's order. */
static bool
stat_value(const struct pq_col *col, struct pq_bin b, struct wb_value *v)
{
	int32_t i32;
	int64_t i64;
	float f;
	if (!b.set)
		return false;
	v->type = col->type;
	v->is_null = false;
	switch (col->conv) {
	case PQ_CV_BOOL:
		if (b.n != 1)
			return false;
		v->u.b = b.p[0] != 0;
		return true;
	case PQ_CV_I32: case PQ_CV_U32: case PQ_CV_DATE: case PQ_CV_DEC32:
		if (b.n != 4)
			return false;
		memcpy(&i32, b.p, 4);
		if (col->conv == PQ_CV_DEC32)
			v->u.d = (double)i32;
		else
			v->u.i = col->conv == PQ_CV_U32 ? (int64_t)(uint32_t)i32 : i32;
		break;
	case PQ_CV_I64: case PQ_CV_U64: case PQ_CV_TS_MS: case PQ_CV_TS_US: case PQ_CV_TS_NS: case PQ_CV_DEC64:
		if (b.n != 8)
			return false;
		memcpy(&i64, b.p, 8);
		if (col->conv == PQ_CV_U64 && i64 < 0)
			return false;
		if (col->conv == PQ_CV_TS_MS && __builtin_mul_overflow(i64, 1000, &i64))
			return false;
		if (col->conv == PQ_CV_TS_NS)
			i64 /= 1000;
		if (col->conv == PQ_CV_DEC64)
			v->u.d = (double)i64;
		else
			v->u.i = i64;
		break;
	case PQ_CV_F32:
		if (b.n != 4)
			return false;
		memcpy(&f, b.p, 4);
		v->u.d = f;
		break;
	case PQ_CV_F64:
		if (b.n != 8)
			return false;
		memcpy(&v->u.d, b.p, 8);
		break;
	case PQ_CV_STRING:
		v->u.s.p = (const char *)b.p;
		v->u.s.n = b.n;
		return true;
	default:
		return false;
	}
	if (col->conv == PQ_CV_DEC32 || col->conv == PQ_CV_DEC64) {
		double p10 = 1;
		for (int k = 0; k < col->scale && k < 40; k++)
			p10 *= 10;
		v->u.d /= p10;
	}
	if (col->type == WB_TYPE_DOUBLE && v->u.d != v->u.d)
		return false;
	return true;
}

/* The footer's statistics of one column chunk, as scan_pred wants them. */
static void
chunk_stats(const struct pq_col *col, const struct pq_column_chunk *cc, int64_t rows, struct col_stats *out)
{
	memset(out, 0, sizeof *out);
	out->null_count = -1;
	out->rows = rows;
	if (!cc->has_meta || !cc->meta.has_stats)
		return;
	const struct pq_stats *st = &cc->meta.stats;
	if (st->has_null_count)
		out->null_count = st->null_count;
	/* min_value/max_value are in the column's own order; the deprecated
	 * min/max in signed order, right only for signed numbers */
	struct pq_bin mn = st->min_value, mx = st->max_value;
	bool legacy_ok = col->conv == PQ_CV_BOOL || col->conv == PQ_CV_I32 || col->conv == PQ_CV_I64 ||
	    col->conv == PQ_CV_DATE || col->conv == PQ_CV_TS_MS || col->conv == PQ_CV_TS_US ||
	    col->conv == PQ_CV_TS_NS || col->conv == PQ_CV_F32 || col->conv == PQ_CV_F64;
	if ((!mn.set || !mx.set) && legacy_ok) {
		mn = st->min;
		mx = st->max;
	}
	/* NaN sorts above everything in wb but is left out of Parquet's
	 * bounds: doubles count only when the file says there is no NaN */
	if ((col->type == WB_TYPE_DOUBLE) && !(st->has_nan_count && st->nan_count == 0))
		return;
	out->has_minmax = stat_value(col, mn, &out->min) && stat_value(col, mx, &out->max);
}

/* Can row group m hold rows that pass the scan's pruning predicates? */
static bool
morsel_may_match(struct pq_src *ps, struct pq_reader *r, int m)
{
	struct source *s = &ps->src;
	const struct pq_file *f = &ps->files[ps->morsels[m].file];
	const struct pq_row_group *rg = &f->meta.rgs[ps->morsels[m].rg];
	for (int i = 0; i < s->npreds; i++) {
		int c = s->preds[i].col;
		r->statp[c] = NULL;
		if (c >= ps->ncol_file)
			continue;
		const struct pq_col *col = &f->schema.cols[f->colmap[c]];
		if (col->conv == PQ_CV_NESTED || col->is_list || col->leaf < 0)
			continue;
		chunk_stats(col, &rg->cols[col->leaf], rg->num_rows, &r->stats[c]);
		r->statp[c] = &r->stats[c];
	}
	return source_morsel_may_match(s, r->statp);
}

static int
pqs_next(struct source *s, void *reader, struct chunk *out, struct wb_error *err)
{
	struct pq_src *ps = s->impl;
	struct pq_reader *r = reader;
	while (r->morsel < 0 || r->row >= r->rows) {
		close_morsel(r);
		int m = atomic_fetch_add(&ps->next, 1);
		if (m >= ps->nmorsels)
			return 0;
		if (s->npreds > 0 && !morsel_may_match(ps, r, m))
			continue;
		r->morsel = m;
		r->row = 0;
		r->chunk = 0;
		const struct pq_file *f = &ps->files[ps->morsels[m].file];
		r->rows = f->meta.rgs[ps->morsels[m].rg].num_rows;
		if (open_morsel(ps, r, m, err) < 0)
			return -1;
	}
	int n = r->rows - r->row < WB_VEC_SIZE ? (int)(r->rows - r->row) : WB_VEC_SIZE;
	int k = 0;
	for (int p = 0; p < s->nproj; p++) {
		int c = s->proj[p];
		struct vec *v = &out->cols[p];
		if (c == ps->filename_col) {
			struct wb_value val = {.type = WB_TYPE_VARCHAR};
			val.u.s = wb_str_c(ps->files[ps->morsels[r->morsel].file].path);
			vec_set_const(v, &val, n);
			continue;
		}
		if (c == ps->rownum_col) {
			vec_reset(v);
			int64_t first = ps->morsels[r->morsel].first_row + r->row;
			for (int i = 0; i < n; i++)
				vec_i64(v)[i] = first + i;
			v->n = n;
			continue;
		}
		if (pq_cr_read(&r->crs[k++], n, v, err) < 0)
			return -1;
	}
	out->n = n;
	out->seq = SOURCE_SEQ(r->morsel, r->chunk);
	r->chunk++;
	r->row += n;
	return n;
}

static void
pqs_free(struct source *s)
{
	struct pq_src *ps = s->impl;
	for (int i = 0; i < ps->nfiles; i++)
		close_file(&ps->files[i]);
	free(ps->files);
	free(ps->morsels);
	keep_release(&ps->keep);
	source_fini(s);
	free(ps);
}

static const struct source_ops pq_source_ops = {
	.name = "parquet",
	.start = pqs_start,
	.reader_new = pqs_reader_new,
	.next = pqs_next,
	.reader_free = pqs_reader_free,
	.free = pqs_free,
};

/* Column c of file f by name (exact, then ignoring case); -1 if absent. */
static int
find_col(const struct pq_file *f, const char *name)
{
	for (int i = 0; i < f->schema.ncol; i++)
		if (strcmp(f->schema.cols[i].name, name) == 0)
			return i;
	for (int i = 0; i < f->schema.ncol; i++)
		if (strcasecmp(f->schema.cols[i].name, name) == 0)
			return i;
	return -1;
}

struct source *
pq_source_open(char *const *paths, int npaths, const struct pq_read_options *o, struct wb_error *err)
{
	int n;
	if (npaths == 0) {
		err_set(err, -1, "read_parquet: no files given");
		return NULL;
	}
	char **files = store_glob((const char *const *)paths, npaths, &n, err);
	if (files == NULL)
		return NULL;
	struct pq_src *ps = xcalloc(1, sizeof *ps);
	ps->opt = *o;
	pthread_mutex_init(&ps->keep.mu, NULL);
	ps->files = xcalloc((size_t)n, sizeof *ps->files);
	ps->nfiles = n;
	for (int i = 0; i < n; i++)
		ps->files[i].path = files[i];
	free(files);
	source_init(&ps->src, &pq_source_ops, 0);
	ps->src.impl = ps;

	int64_t rows = 0, bytes = 0, nmorsels = 0;
	for (int i = 0; i < n; i++) {
		struct pq_file *f = &ps->files[i];
		if (open_file(f, o, err) < 0)
			goto fail;
		rows += f->meta.num_rows;
		bytes += (int64_t)f->size;
		nmorsels += f->meta.nrg;
	}
	/* the schema: the first file's columns; the others matched by name */
	const struct pq_file *f0 = &ps->files[0];
	int nc = f0->schema.ncol;
	ps->ncol_file = nc;
	source_fini(&ps->src);
	source_init(&ps->src, &pq_source_ops, nc + (o->filename ? 1 : 0) + (o->file_row_number ? 1 : 0));
	ps->src.impl = ps;
	for (int c = 0; c < nc; c++) {
		/* duplicate names get a suffix, as CSV headers do */
		const char *name = f0->schema.cols[c].name;
		char *uniq = xstrdup(name[0] ? name : "column");
		for (int k = 1;; k++) {
			bool dup = false;
			for (int d = 0; d < c && !dup; d++)
				dup = strcmp(ps->src.names[d], uniq) == 0;
			if (!dup)
				break;
			free(uniq);
			uniq = xasprintf("%s_%d", name, k);
		}
		source_set_column(&ps->src, c, uniq, f0->schema.cols[c].type);
		free(uniq);
	}
	ps->filename_col = ps->rownum_col = -1;
	int extra = nc;
	if (o->filename) {
		ps->filename_col = extra;
		source_set_column(&ps->src, extra++, "filename", WB_TYPE_VARCHAR);
	}
	if (o->file_row_number) {
		ps->rownum_col = extra;
		source_set_column(&ps->src, extra++, "file_row_number", WB_TYPE_BIGINT);
	}
	for (int i = 0; i < n; i++) {
		struct pq_file *f = &ps->files[i];
		f->colmap = xcalloc((size_t)(nc ? nc : 1), sizeof *f->colmap);
		for (int c = 0; c < nc; c++) {
			int k = i == 0 ? c : find_col(f, f0->schema.cols[c].name);
			if (k < 0) {
				err_set(err, -1, "%s: no column \"%s\" (the first file, %s, has it)", f->path,
				    f0->schema.cols[c].name, f0->path);
				goto fail;
			}
			const struct pq_col *a = &f0->schema.cols[c], *b = &f->schema.cols[k];
			if (a->type != b->type || (a->conv == PQ_CV_NESTED) != (b->conv == PQ_CV_NESTED)) {
				err_set(err, -1, "%s: column \"%s\" is %s there but %s in %s", f->path, a->name,
				    b->conv == PQ_CV_NESTED ? b->nested_what : type_name(b->type),
				    a->conv == PQ_CV_NESTED ? a->nested_what : type_name(a->type), f0->path);
				goto fail;
			}
			f->colmap[c] = k;
		}
	}
	if (nmorsels > INT32_MAX / 2) {
		err_set(err, -1, "read_parquet: too many row groups (%lld)", (long long)nmorsels);
		goto fail;
	}
	ps->morsels = xmalloc(sizeof *ps->morsels * (size_t)(nmorsels ? nmorsels : 1));
	for (int i = 0; i < n; i++) {
		int64_t first = 0;
		for (int g = 0; g < ps->files[i].meta.nrg; g++) {
			int64_t rows_g = ps->files[i].meta.rgs[g].num_rows;
			if (rows_g > 0) {
				ps->morsels[ps->nmorsels].file = i;
				ps->morsels[ps->nmorsels].rg = g;
				ps->morsels[ps->nmorsels].first_row = first;
				ps->nmorsels++;
			}
			first += rows_g;
		}
	}
	atomic_init(&ps->next, 0);
	ps->src.est_rows = rows;
	ps->src.est_bytes = bytes;
	ps->src.max_readers = ps->nmorsels > 0 ? ps->nmorsels : 1;
	ps->src.unit_name = "row groups";
	return &ps->src;
fail:
	pqs_free(&ps->src);
	return NULL;
}

/*
 * pq_nested: reading nested columns leaf by leaf (see pq.h). A leaf is
 * decoded by the column chunk reader of pq_column.c in its list mode: the
 * leaf's levels are cut into rows at repetition level 0, definition
 * levels below the top-level field's say "NULL row", below the repeated
 * (or innermost) level "no element here", below the maximum "NULL
 * element". For a leaf that never repeats every level is a row.
 */
#include "store/parquet/pq_int.h"

#include "core/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NLEAF_MAX_DEPTH 16

/* One leaf of the schema tree with what its levels mean. */
struct nleaf {
	char *path;                    /* dotted: "add.partitionValues.key_value.key" */
	int elem;                      /* schema element index */
	int depth;                     /* path components */
	int def_at[NLEAF_MAX_DEPTH];   /* definition level once component i is defined */
	int rep_at[NLEAF_MAX_DEPTH];   /* component i is repeated */
	int max_def, max_rep;
};

struct pq_nfile {
	char *path;
	uint8_t *data;
	size_t size;
	struct arena arena;
	struct pq_file_meta meta;
	struct nleaf *leaves;
	int nleaves;
};

struct pq_ncol {
	struct pq_nfile *f;
	struct pq_col col;
	wb_type want;
	struct pq_creader *cr;
	bool open;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
read_all(struct pq_nfile *f, struct wb_error *err)
{
	FILE *fp = fopen(f->path, "rb");
	if (fp == NULL) {
		err_set(err, -1, "cannot open '%s': %s", f->path, strerror(errno));
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = xmalloc(cap);
	for (;;) {
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
		size_t k = fread(buf + n, 1, cap - n, fp);
		n += k;
		if (k == 0)
			break;
	}
	bool bad = ferror(fp);
	fclose(fp);
	if (bad) {
		free(buf);
		err_set(err, -1, "cannot read '%s': %s", f->path, strerror(errno));
		return -1;
	}
	f->data = buf;
	f->size = n;
	return 0;
}

/* Walk the subtree at *i; leaves get their paths and levels. */
static int
walk(struct pq_nfile *f, int *i, int depth, char *prefix, int def, int rep, int *def_at, int *rep_at,
    const char **why)
{
	if (*i >= f->meta.nschema) {
		*why = "the schema tree has fewer elements than its groups announce";
		return -1;
	}
	if (depth >= NLEAF_MAX_DEPTH) {
		*why = "the schema is nested too deeply";
		return -1;
	}
	int at = (*i)++;
	const struct pq_schema_elem *e = &f->meta.schema[at];
	if (e->repetition == PQ_OPTIONAL || e->repetition == PQ_REPEATED)
		def++;
	if (e->repetition == PQ_REPEATED)
		rep++;
	def_at[depth] = def;
	rep_at[depth] = e->repetition == PQ_REPEATED;
	size_t pl = strlen(prefix), nl = strlen(e->name ? e->name : "");
	char *path = arena_alloc(&f->arena, pl + nl + 2);
	if (pl)
		memcpy(path, prefix, pl), path[pl] = '.';
	memcpy(path + (pl ? pl + 1 : 0), e->name ? e->name : "", nl + 1);
	if (e->num_children <= 0) {
		if (e->type < 0) {
			*why = "a schema leaf without a physical type";
			return -1;
		}
		f->leaves = xrealloc(f->leaves, sizeof *f->leaves * (size_t)(f->nleaves + 1));
		struct nleaf *l = &f->leaves[f->nleaves++];
		memset(l, 0, sizeof *l);
		l->path = path;
		l->elem = at;
		l->depth = depth + 1;
		memcpy(l->def_at, def_at, sizeof l->def_at);
		memcpy(l->rep_at, rep_at, sizeof l->rep_at);
		l->max_def = def;
		l->max_rep = rep;
		return 0;
	}
	for (int c = 0; c < e->num_children; c++)
		if (walk(f, i, depth + 1, path, def, rep, def_at, rep_at, why) < 0)
			return -1;
	return 0;
}

void
pq_nfile_free(struct pq_nfile *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->data);
	free(f->leaves);
	arena_release(&f->arena);
	free(f);
}

struct pq_nfile *
pq_nfile_open(const char *path, struct wb_error *err)
{
	struct pq_nfile *f = xcalloc(1, sizeof *f);
	const char *why = NULL;
	f->path = xstrdup(path);
	arena_init(&f->arena, 16 * 1024);
	if (read_all(f, err) < 0)
		goto fail;
	if (f->size < 12 || memcmp(f->data, "PAR1", 4) != 0) {
		err_set(err, -1, "%s: not a Parquet file (%s)", path, f->size < 12 ? "too short" : "it does not start with PAR1");
		goto fail;
	}
	const uint8_t *end = f->data + f->size;
	if (memcmp(end - 4, "PAR1", 4) != 0) {
		err_set(err, -1, "%s: truncated or not a Parquet file (it does not end with PAR1)", path);
		goto fail;
	}
	uint32_t flen = le32(end - 8);
	if ((uint64_t)flen > f->size - 12) {
		err_set(err, -1, "%s: corrupt footer length (%u bytes in a %zu-byte file)", path, flen, f->size);
		goto fail;
	}
	if (pq_meta_decode(end - 8 - flen, flen, &f->arena, &f->meta, &why) < 0) {
		err_set(err, -1, "%s: corrupt footer (%s)", path, why);
		goto fail;
	}
	if (f->meta.encrypted || f->meta.nschema < 1 || f->meta.schema[0].num_children < 0) {
		err_set(err, -1, "%s: %s", path, f->meta.encrypted ? "the file is encrypted, which wb cannot read" :
		    "corrupt schema (no root group)");
		goto fail;
	}
	int i = 1, def_at[NLEAF_MAX_DEPTH], rep_at[NLEAF_MAX_DEPTH];
	for (int c = 0; c < f->meta.schema[0].num_children; c++)
		if (walk(f, &i, 0, "", 0, 0, def_at, rep_at, &why) < 0) {
			err_set(err, -1, "%s: corrupt schema (%s)", path, why);
			goto fail;
		}
	for (int g = 0; g < f->meta.nrg; g++) {
		if (f->meta.rgs[g].ncols != f->nleaves || f->meta.rgs[g].num_rows < 0) {
			err_set(err, -1, "%s: corrupt footer (row group %d has %d column chunks, the schema has %d columns)",
			    path, g, f->meta.rgs[g].ncols, f->nleaves);
			goto fail;
		}
	}
	return f;
fail:
	pq_nfile_free(f);
	return NULL;
}

int
pq_nfile_row_groups(const struct pq_nfile *f)
{
	return f->meta.nrg;
}

int64_t
pq_nfile_rows(const struct pq_nfile *f, int rg)
{
	return f->meta.rgs[rg].num_rows;
}

/* The leaves whose path is prefix + "." + something with `extra` more
 * components: the first such leaf's index (and how many follow it
 * contiguously), or -1. */
static int
find_under(const struct pq_nfile *f, const char *prefix, int extra, int *count)
{
	size_t pl = strlen(prefix);
	int first = -1;
	*count = 0;
	for (int i = 0; i < f->nleaves; i++) {
		const char *p = f->leaves[i].path;
		if (strncmp(p, prefix, pl) != 0 || p[pl] != '.')
			continue;
		int comps = 1;
		for (const char *q = p + pl + 1; *q; q++)
			comps += *q == '.';
		if (extra > 0 && comps != extra)
			continue;
		if (first < 0)
			first = i;
		if (i == first + *count)
			(*count)++;
	}
	return first;
}

static int
depth_of(const char *path)
{
	int d = 1;
	for (; *path; path++)
		d += *path == '.';
	return d;
}

struct pq_ncol *
pq_ncol_open(struct pq_nfile *f, const char *path, enum pq_nkind kind, wb_type want, struct wb_error *err)
{
	int li = -1, cnt = 0, base = depth_of(path);
	int d_elem;
	switch (kind) {
	case PQ_NVALUE:
		for (int i = 0; i < f->nleaves; i++)
			if (strcmp(f->leaves[i].path, path) == 0)
				li = i;
		if (li < 0)
			return NULL;
		if (f->leaves[li].max_rep != 0) {
			err_set(err, -1, "%s: column %s is repeated, expected a single value", f->path, path);
			return NULL;
		}
		d_elem = f->leaves[li].max_def;
		break;
	case PQ_NMAP_KEY:
	case PQ_NMAP_VALUE:
		li = find_under(f, path, 2, &cnt);
		if (li < 0)
			return NULL;
		if (cnt != 2 || !f->leaves[li].rep_at[base]) {
			err_set(err, -1, "%s: column %s is not a map of primitive keys and values", f->path, path);
			return NULL;
		}
		li += kind == PQ_NMAP_VALUE;
		d_elem = f->leaves[li].def_at[base];
		break;
	default:
		li = find_under(f, path, 0, &cnt);
		if (li < 0)
			return NULL;
		if (cnt != 1 || f->leaves[li].depth > base + 2 || !f->leaves[li].rep_at[base]) {
			err_set(err, -1, "%s: column %s is not a list of primitive values", f->path, path);
			return NULL;
		}
		d_elem = f->leaves[li].def_at[base];
		break;
	}
	const struct nleaf *l = &f->leaves[li];
	if (l->max_rep > 1) {
		err_set(err, -1, "%s: column %s is nested more deeply than wb reads", f->path, l->path);
		return NULL;
	}
	struct pq_ncol *c = xcalloc(1, sizeof *c);
	const char *why = NULL;
	c->f = f;
	c->want = want;
	c->col.name = l->path;
	if (pq_schema_leaf_conv(&f->meta.schema[l->elem], false, &c->col, &why) < 0) {
		err_set(err, -1, "%s: column %s: %s", f->path, l->path, why);
		free(c);
		return NULL;
	}
	if (c->col.type != want || (want == WB_TYPE_BIGINT && c->col.conv != PQ_CV_I32 && c->col.conv != PQ_CV_I64) ||
	    (want == WB_TYPE_VARCHAR && c->col.conv != PQ_CV_STRING && c->col.conv != PQ_CV_BLOB)) {
		err_set(err, -1, "%s: column %s is %s, expected %s", f->path, l->path,
		    pq_ptype_name(c->col.ptype), want == WB_TYPE_BIGINT ? "an integer" :
		    want == WB_TYPE_BOOL ? "BOOLEAN" : "a string");
		free(c);
		return NULL;
	}
	c->col.vtype = c->col.type;
	c->col.type = type_list_of(c->col.type);
	c->col.is_list = true;
	c->col.max_rep = l->max_rep;
	c->col.d_list = l->def_at[0];
	c->col.d_elem = d_elem;
	c->col.max_def = l->max_def;
	c->col.leaf = li;
	c->cr = xcalloc(1, sizeof *c->cr);
	return c;
}

int
pq_ncol_start(struct pq_ncol *c, int rg, struct wb_error *err)
{
	struct pq_nfile *f = c->f;
	struct pq_creader *cr = c->cr;
	if (c->open)
		pq_cr_fini(cr);
	c->open = false;
	const struct pq_row_group *g = &f->meta.rgs[rg];
	const struct pq_column_chunk *cc = &g->cols[c->col.leaf];
	const char *name = c->col.name;
	memset(cr, 0, offsetof(struct pq_creader, levels));
	cr->col = &c->col;
	cr->file = f->path;
	cr->rg = rg;
	cr->verify_crc = true;
	cr->keep = NULL;   /* dictionaries stay with the reader: no DICT vectors */
	if (!cc->has_meta || cc->file_path) {
		err_set(err, -1, "%s: row group %d, column \"%s\": %s", f->path, rg, name,
		    cc->file_path ? "the data is in another file, which wb does not follow" : "the column chunk has no metadata");
		return -1;
	}
	const struct pq_column_meta *md = &cc->meta;
	if (md->type != c->col.ptype) {
		err_set(err, -1, "%s: row group %d, column \"%s\": the column chunk is %s but the schema says %s",
		    f->path, rg, name, pq_ptype_name(md->type), pq_ptype_name(c->col.ptype));
		return -1;
	}
	if (!pq_codec_supported(md->codec)) {
		err_set(err, -1, "%s: row group %d, column \"%s\": compressed with %s, which this build of wb cannot read",
		    f->path, rg, name, pq_codec_name(md->codec));
		return -1;
	}
	int64_t start = md->data_page_offset;
	if (md->dictionary_page_offset > 0 && md->dictionary_page_offset < start)
		start = md->dictionary_page_offset;
	int64_t len = md->total_compressed_size;
	if (start < 4 || len < 0 || (uint64_t)start > f->size || (uint64_t)len > f->size - (uint64_t)start) {
		err_set(err, -1, "%s: row group %d, column \"%s\": the column chunk lies outside the file (truncated?)",
		    f->path, rg, name);
		return -1;
	}
	cr->codec = md->codec;
	pq_cr_open(cr, f->data + start, (size_t)len, g->num_rows, err);
	c->open = true;
	return 0;
}

int
pq_ncol_read(struct pq_ncol *c, int rows, struct vec *v, struct wb_error *err)
{
	return pq_cr_read(c->cr, rows, v, err);
}

void
pq_ncol_free(struct pq_ncol *c)
{
	if (c == NULL)
		return;
	if (c->open)
		pq_cr_fini(c->cr);
	free(c->cr);
	free(c);
}

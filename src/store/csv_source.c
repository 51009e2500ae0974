/*
 * csv_source: options and csv_source_open() - expand the pattern, map or
 * stream each file's start, sniff the first file, check the others, and
 * build the schema and estimates. Scanning is in csv_scan.c.
 */
#include "store/csv_int.h"
#include "store/files.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

void
csv_options_init(struct csv_options *o)
{
	memset(o, 0, sizeof *o);
	o->header = -1;
	o->quote = '"';
	o->escape = 0;
	o->sample_rows = 20480;
	o->auto_detect = true;
	o->compression = CSV_COMPRESSION_AUTO;
	o->max_line_size = (int64_t)16 << 20;
	o->progress = true;
}

static void
free_specs(struct csv_column_spec *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

void
csv_options_free(struct csv_options *o)
{
	free_specs(o->columns, o->ncolumns);
	free_specs(o->types, o->ntypes);
	for (int i = 0; i < o->nnull_strings; i++)
		free(o->null_strings[i]);
	free(o->null_strings);
	o->columns = o->types = NULL;
	o->null_strings = NULL;
	o->ncolumns = o->ntypes = o->nnull_strings = 0;
}

static void
add_spec(struct csv_column_spec **a, int *n, const char *name, wb_type type)
{
	*a = xrealloc(*a, sizeof **a * (size_t)(*n + 1));
	(*a)[*n].name = xstrdup(name);
	(*a)[*n].type = type;
	(*n)++;
}

void
csv_options_add_column(struct csv_options *o, const char *name, wb_type type)
{
	add_spec(&o->columns, &o->ncolumns, name, type);
}

void
csv_options_add_type(struct csv_options *o, const char *name, wb_type type)
{
	add_spec(&o->types, &o->ntypes, name, type);
}

void
csv_options_add_null(struct csv_options *o, const char *s)
{
	o->null_strings = xrealloc(o->null_strings, sizeof(char *) * (size_t)(o->nnull_strings + 1));
	o->null_strings[o->nnull_strings++] = xstrdup(s);
}

/* ---- opening ---- */

static bool
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcasecmp(s + a - b, suf) == 0;
}

/* Read from st into *buf until it holds `lines` line feeds, `max` bytes,
 * or the input ends (*whole). */
static int
read_prefix(struct csv_stream *st, char **buf, size_t *len, size_t *cap, int64_t lines,
    size_t max, bool *whole, struct wb_error *err)
{
	int64_t seen = csv_count_lines(*buf, *len, false);
	while (!*whole && seen < lines && *len < max) {
		if (*cap - *len < (1u << 16)) {
			*cap = *cap ? *cap * 2 : (1u << 20);
			*buf = xrealloc(*buf, *cap);
		}
		size_t want = *cap - *len;
		if (want > max - *len)
			want = max - *len;
		ssize_t got = csv_stream_read(st, *buf + *len, want, err);
		if (got < 0)
			return -1;
		if (got == 0)
			*whole = true;
		seen += csv_count_lines(*buf + *len, (size_t)got, false);
		*len += (size_t)got;
	}
	return 0;
}

/*
 * Open file i for sniffing: map it, or stream its first bytes. The first
 * file gets the full sniff; others only have their data start located and
 * their width checked.
 */
static int
open_file(struct csv_src *cs, int i, const struct csv_options *o, struct wb_error *err)
{
	struct csv_file *f = &cs->files[i];
	const char *map;
	size_t size;
	int pipefd;
	int rc = csv_map_file(f->path, &map, &size, &pipefd, err);
	bool regular = rc == 1;

	if (rc < 0)
		return -1;
	if (regular) {
		enum csv_magic m = csv_detect_magic((const unsigned char *)map, size);
		f->raw_size = (int64_t)size;
		if (o->compression == CSV_COMPRESSION_GZIP && m != CSV_MAGIC_GZIP) {
			err_set(err, -1, "%s: not gzip data (compression=gzip was given); "
			    "set compression='auto' or 'none'", f->path);
			csv_unmap(map, size);
			return -1;
		}
		if (o->compression == CSV_COMPRESSION_AUTO && m != CSV_MAGIC_NONE && m != CSV_MAGIC_GZIP) {
			err_set(err, -1, "%s: the file is %s-compressed; wb reads plain or gzip CSV "
			    "(decompress it first)", f->path, csv_magic_name(m));
			csv_unmap(map, size);
			return -1;
		}
		f->gzip = o->compression != CSV_COMPRESSION_NONE && m == CSV_MAGIC_GZIP;
		if (!f->gzip) {
			f->mapped = true;
			f->map = map;
			f->size = size;
		} else {
			csv_unmap(map, size);
		}
	} else {
		/* a pipe or device: cannot peek, go by the name */
		f->gzip = o->compression == CSV_COMPRESSION_GZIP ||
		    (o->compression == CSV_COMPRESSION_AUTO && has_suffix(f->path, ".gz"));
		f->raw_size = -1;
	}

	if (f->mapped) {
		if (i == 0)
			return csv_sniff_run(f->map, f->size, true, o, f->path, &cs->sn, err) == 0 ? 0 : -1;
		return csv_sniff_follow(f->map, f->size, true, &cs->sn, o, f->path, cs->first_name,
		    &f->data_start, &f->data_line, err);
	}

	/* streamed: sniff a decompressed prefix, growing it if a row does not fit */
	struct csv_stream *st = xcalloc(1, sizeof *st);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool whole = false;
	int64_t lines = i == 0 ? o->skip + o->sample_rows + 2 : o->skip + 3;
	size_t max = i == 0 ? (size_t)64 << 20 : (size_t)1 << 20;
	if (csv_stream_open(st, f->path, pipefd, f->gzip, err) < 0) {
		free(st);
		return -1;
	}
	for (;;) {
		if (read_prefix(st, &buf, &len, &cap, lines, max, &whole, err) < 0)
			goto fail;
		if (i == 0)
			rc = csv_sniff_run(buf, len, whole, o, f->path, &cs->sn, err);
		else
			rc = csv_sniff_follow(buf, len, whole, &cs->sn, o, f->path, cs->first_name,
			    &f->data_start, &f->data_line, err);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			break;
		if (max > (size_t)o->max_line_size + ((size_t)1 << 20)) {
			err_set(err, -1, "%s:1: the first row is longer than max_line_size (%lld bytes)",
			    f->path, (long long)o->max_line_size);
			goto fail;
		}
		/* the first row is incomplete (quoted newlines count as lines) */
		lines = INT64_MAX;
		max *= 4;
	}
	if (i == 0) {
		if (st->in_total > 0 && len > 0)
			cs->gz_ratio = (double)len / (double)st->in_total;
		f->data_start = cs->sn.data_start;
		f->data_line = cs->sn.data_line;
	}
	if (regular) {
		/* reopened by the reader that claims it */
		csv_stream_close(st);
		free(st);
		free(buf);
	} else {
		f->keep = st;
		f->keepbuf = buf;
		f->keeplen = len;
		f->keepcap = cap;
	}
	return 0;
fail:
	csv_stream_close(st);
	free(st);
	free(buf);
	return -1;
}

static int
check_options(const struct csv_options *o, struct wb_error *err)
{
	if (o->delim != 0 && (o->delim == o->quote || o->delim == o->escape || o->delim == '\n' ||
	    o->delim == '\r')) {
		err_set(err, -1, "the delimiter cannot be the quote or escape character or a line break");
		return -1;
	}
	if (o->quote == '\n' || o->quote == '\r' || o->escape == '\n' || o->escape == '\r') {
		err_set(err, -1, "the quote and escape characters cannot be line breaks");
		return -1;
	}
	if (o->max_line_size <= 0 || o->max_line_size > CSV_MAX_LINE_LIMIT) {
		err_set(err, -1, "max_line_size must be between 1 and %lld bytes",
		    (long long)CSV_MAX_LINE_LIMIT);
		return -1;
	}
	if (o->sample_rows <= 0) {
		err_set(err, -1, "sample_rows must be positive");
		return -1;
	}
	if (o->skip < 0) {
		err_set(err, -1, "skip must not be negative");
		return -1;
	}
	if (!o->auto_detect && o->ncolumns == 0) {
		err_set(err, -1, "auto_detect=false needs the columns option (names and types of all columns)");
		return -1;
	}
	return 0;
}

struct source *
csv_source_open(const char *pattern, const struct csv_options *o, struct wb_error *err)
{
	return csv_source_open_list(&pattern, 1, o, err);
}

struct source *
csv_source_open_list(const char *const *patterns, int npatterns, const struct csv_options *o, struct wb_error *err)
{
	int npaths = 0;
	char **paths;
	struct csv_src *cs;

	if (check_options(o, err) < 0)
		return NULL;
	paths = store_glob(patterns, npatterns, &npaths, err);
	if (paths == NULL)
		return NULL;
	cs = xcalloc(1, sizeof *cs);
	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	cs->nfiles = npaths;
	cs->files = xcalloc((size_t)npaths, sizeof *cs->files);
	for (int i = 0; i < npaths; i++)
		cs->files[i].path = paths[i];
	free(paths);
	cs->first_name = cs->files[0].path;
	cs->ignore_errors = o->ignore_errors || o->store_rejects;
	cs->store_rejects = o->store_rejects;
	cs->progress = o->progress;
	cs->max_line = o->max_line_size;
	cs->block_size = o->block_size;
	cs->gz_ratio = 4;
	/* the source must exist before files, for csv_free on failure */
	source_init(&cs->s, &csv_source_ops, 0);
	cs->s.impl = cs;

	for (int i = 0; i < npaths; i++) {
		if (open_file(cs, i, o, err) < 0) {
			csv_source_ops.free(&cs->s);
			return NULL;
		}
		if (i == 0 && cs->files[0].mapped) {
			cs->files[0].data_start = cs->sn.data_start;
			cs->files[0].data_line = cs->sn.data_line;
		}
	}

	/* schema */
	cs->ncol_file = cs->sn.ncol;
	cs->filename_col = o->filename;
	cs->metadata_cols = o->metadata;
	cs->line_col = -1;
	if (o->metadata) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		cs->ingested_at = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	source_fini(&cs->s);
	source_init(&cs->s, &csv_source_ops, cs->ncol_file + (o->filename ? 1 : 0) + (o->metadata ? 3 : 0));
	cs->s.impl = cs;
	for (int c = 0; c < cs->ncol_file; c++)
		source_set_column(&cs->s, c, cs->sn.names[c], cs->sn.types[c]);
	if (o->filename) {
		const char *name = "filename";
		char *alt = NULL;
		for (int k = 1;; k++) {
			bool used = false;
			for (int c = 0; c < cs->ncol_file && !used; c++)
				used = strcasecmp(cs->sn.names[c], name) == 0;
			if (!used)
				break;
			free(alt);
			alt = xasprintf("filename_%d", k);
			name = alt;
		}
		source_set_column(&cs->s, cs->ncol_file, name, WB_TYPE_VARCHAR);
		free(alt);
	}
	if (o->metadata) {
		int at = cs->ncol_file + (o->filename ? 1 : 0);
		source_set_column(&cs->s, at, "_source_file", WB_TYPE_VARCHAR);
		source_set_column(&cs->s, at + 1, "_ingested_at", WB_TYPE_TIMESTAMP);
		source_set_column(&cs->s, at + 2, "_source_line", WB_TYPE_BIGINT);
		cs->line_col = at + 2;
	}

	/* nulls */
	cs->nulls.n = o->nnull_strings;
	if (o->nnull_strings > 0) {
		cs->nulls.s = xcalloc((size_t)o->nnull_strings, sizeof(char *));
		cs->nulls.len = xcalloc((size_t)o->nnull_strings, sizeof(uint32_t));
		for (int i = 0; i < o->nnull_strings; i++) {
			cs->nulls.s[i] = xstrdup(o->null_strings[i]);
			cs->nulls.len[i] = (uint32_t)strlen(o->null_strings[i]);
			cs->nulls.empty_is_null |= cs->nulls.len[i] == 0;
		}
	}

	/* estimates */
	int64_t bytes = 0;
	double rows = 0;
	for (int i = 0; i < npaths; i++) {
		struct csv_file *f = &cs->files[i];
		if (f->raw_size < 0) {
			bytes = -1;
			rows = -1;
			break;
		}
		bytes += f->raw_size;
		double body = f->mapped ? (double)(f->size - f->data_start) :
		    (double)f->raw_size * cs->gz_ratio;
		rows += body / (cs->sn.row_bytes > 0 ? cs->sn.row_bytes : 100);
	}
	cs->s.est_bytes = bytes;
	cs->s.est_rows = rows < 0 ? -1 : (int64_t)(rows + 0.5);
	csv_plan_morsels(cs);
	return &cs->s;
}

void
csv_source_sniff_info(struct source *s, struct csv_sniff_info *out)
{
	struct csv_src *cs = s->impl;
	out->delim = cs->sn.d.delim;
	out->quote = cs->sn.d.quote;
	out->escape = cs->sn.d.escape;
	out->header = cs->sn.header;
	out->sample_rows = cs->sn.sample_rows;
	out->nfiles = cs->nfiles;
}


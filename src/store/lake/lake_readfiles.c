/*
 * Reading chosen data files of a snapshot chunk by chunk (lake_maint.h),
 * for rewrites that copy rows into new files. One reader, so chunks come
 * in file and row order.
 */
#include "store/lake/lake_maint.h"
#include "store/parquet/pq.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <strings.h>

int
lake_read_files(const struct delta_snapshot *snap, const int64_t *files, int64_t n, lake_chunk_fn fn, void *arg,
    struct wb_error *err)
{
	if (n == 0)
		return 0;
	const struct delta_schema *sc = &snap->schema;
	char **paths = xcalloc((size_t)n, sizeof(char *));
	int np = 0, rc = -1;
	struct source *src = NULL;
	void *reader = NULL;
	struct chunk c = {0};
	int *proj = xcalloc((size_t)(sc->ncols ? sc->ncols : 1), sizeof(int));
	for (int64_t i = 0; i < n; i++) {
		paths[np] = delta_file_path(snap->table, snap->files[files[i]].path, err);
		if (paths[np] == NULL)
			goto out;
		np++;
	}
	struct pq_read_options o;
	pq_read_options_init(&o);
	src = pq_source_open(paths, np, &o, err);
	if (src == NULL)
		goto out;
	for (int k = 0; k < sc->ncols; k++) {
		proj[k] = -1;
		for (int j = 0; j < src->ncol; j++)
			if (strcasecmp(src->names[j], sc->cols[k].name) == 0)
				proj[k] = j;
		if (proj[k] < 0 || src->types[proj[k]] != sc->cols[k].type) {
			err_set(err, -1, "Delta table %s: a data file among %s... %s column \"%s\"", snap->table, paths[0],
			    proj[k] < 0 ? "has no" : "has another type for", sc->cols[k].name);
			goto out;
		}
	}
	source_project(src, proj, sc->ncols);
	if (src->ops->start(src, err) < 0)
		goto out;
	reader = src->ops->reader_new(src);
	chunk_init(&c, src->nproj, NULL);
	for (int k = 0; k < sc->ncols; k++)
		vec_retype(&c.cols[k], sc->cols[k].type);
	for (;;) {
		chunk_reset(&c);
		int r = src->ops->next(src, reader, &c, err);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		c.n = r;
		for (int k = 0; k < c.ncol; k++)
			c.cols[k].n = r;
		if (fn(arg, &c, err) < 0)
			goto out;
	}
	rc = 0;
out:
	if (reader)
		src->ops->reader_free(src, reader);
	if (c.cols)
		chunk_free(&c);
	source_free(src);
	for (int i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	free(proj);
	return rc;
}

/*
 * Reading chosen data files of a snapshot chunk by chunk (lake_maint.h),
 * for rewrites that copy rows into new files. One reader, so chunks come
 * in file and row order.
 */
#include "store/lake/lake_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <strings.h>

int
lake_read_files(const struct delta_snapshot *snap, const int64_t *files, int64_t n, lake_chunk_fn fn, void *arg,
    struct wb_error *err)
{
	if (n == 0)
		return 0;
	/* the table's scan (lake_scan.c): columns matched by name, and a
	 * column a file lacks (added to the schema later) read as NULL */
	const struct delta_schema *sc = &snap->schema;
	int nc = sc->ncols;
	char **names = xcalloc((size_t)(nc ? nc : 1), sizeof(char *));
	wb_type *types = xcalloc((size_t)(nc ? nc : 1), sizeof(wb_type));
	int *scol = xcalloc((size_t)(nc ? nc : 1), sizeof(int));
	for (int k = 0; k < nc; k++) {
		names[k] = (char *)sc->cols[k].name;
		types[k] = sc->cols[k].type;
		scol[k] = k;
	}
	struct lake_scan_args la = {
		.snap = (struct delta_snapshot *)snap, .own_snap = false, .ncol = nc, .names = names, .types = types,
		.scol = scol, .files = files, .nfiles = n,
	};
	struct source *src = lake_scan_open(&la);
	void *reader = NULL;
	struct chunk c;
	chunk_init(&c, nc, types);
	int rc = -1;
	if (src->ops->start(src, err) < 0)
		goto out;
	/* one reader: chunks come in file and row order */
	reader = src->ops->reader_new(src);
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
	chunk_free(&c);
	source_free(src);
	free(names);
	free(types);
	free(scol);
	return rc;
}

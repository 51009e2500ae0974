/* read_parquet(): files, globs or a list of them, with DuckDB's option names. */
#include "func/tablefn.h"
#include "core/xmalloc.h"
#include "store/parquet/pq.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const pq_opts[] = {"binary_as_string", "filename", "file_row_number", "verify_checksums", NULL};

struct source *
tf_read_parquet_bind(const struct tf_args *a, struct wb_error *err)
{
	const struct tf_value *arg = a->npos == 1 ? &a->pos[0] : NULL;
	char **paths = NULL;
	int n = 0;
	if (arg && arg->kind == TF_SCALAR && !arg->v.is_null && arg->v.type == WB_TYPE_VARCHAR) {
		paths = xmalloc(sizeof *paths);
		paths[n++] = (char *)arg->v.u.s.p;
	} else if (arg && arg->kind == TF_LIST && arg->n > 0) {
		paths = xmalloc(sizeof *paths * (size_t)arg->n);
		for (int i = 0; i < arg->n; i++) {
			const struct tf_value *x = &arg->items[i];
			if (x->kind != TF_SCALAR || x->v.is_null || x->v.type != WB_TYPE_VARCHAR) {
				err_set(err, x->pos, "read_parquet: the list must hold file names or glob patterns");
				free(paths);
				return NULL;
			}
			paths[n++] = (char *)x->v.u.s.p;
		}
	} else {
		err_set(err, a->call_pos, "read_parquet expects a file name, a glob pattern or a list of them "
		    "as its first argument");
		return NULL;
	}
	if (tf_check_names(a, "read_parquet", pq_opts, err) < 0) {
		free(paths);
		return NULL;
	}
	struct pq_read_options o;
	pq_read_options_init(&o);
	bool ok = true;
	for (int i = 0; i < a->nnamed && ok; i++) {
		const char *name = a->names[i];
		const struct tf_value *v = &a->named[i];
		if (strcasecmp(name, "binary_as_string") == 0)
			ok = tf_bool(v, "read_parquet", name, &o.binary_as_string, err);
		else if (strcasecmp(name, "filename") == 0)
			ok = tf_bool(v, "read_parquet", name, &o.filename, err);
		else if (strcasecmp(name, "file_row_number") == 0)
			ok = tf_bool(v, "read_parquet", name, &o.file_row_number, err);
		else if (strcasecmp(name, "verify_checksums") == 0)
			ok = tf_bool(v, "read_parquet", name, &o.verify_crc, err);
	}
	struct source *s = ok ? pq_source_open(paths, n, &o, err) : NULL;
	free(paths);
	if (s == NULL && err_isset(err))
		err_at(err, a->call_pos);
	return s;
}

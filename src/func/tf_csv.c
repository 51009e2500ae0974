/* read_csv(): DuckDB-style named options mapped onto the CSV reader. */
#include "func/tablefn.h"
#include "core/xmalloc.h"
#include "store/csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const csv_opts[] = {
	"header", "delim", "sep", "delimiter", "quote", "escape", "skip", "sample_size", "all_varchar",
	"auto_detect", "columns", "types", "dtypes", "column_types", "nullstr", "null_str", "null_padding",
	"filename", "metadata", "ignore_errors", "store_rejects", "rejects_table", "compression", "max_line_size",
	"progress", NULL,
};

static bool
one_char(const struct tf_value *v, const char *opt, char *out, struct wb_error *err)
{
	const char *s = tf_string(v, "read_csv", opt, err);
	if (s == NULL)
		return false;
	if (strcmp(s, "\\t") == 0 || strcasecmp(s, "tab") == 0) {
		*out = '\t';
		return true;
	}
	if (strlen(s) > 1) {
		err_set(err, v->pos, "read_csv: %s must be a single character, got '%s'", opt, s);
		return false;
	}
	*out = s[0];   /* '' means none (quote) */
	return true;
}

static bool
type_map(const struct tf_value *v, const char *opt, struct csv_options *o, bool full, struct wb_error *err)
{
	if (v->kind != TF_MAP) {
		err_set(err, v->pos, "read_csv: %s expects a map like {'name': 'BIGINT', ...}", opt);
		return false;
	}
	for (int i = 0; i < v->n; i++) {
		const struct tf_value *tv = &v->items[i];
		const char *tn = tf_string(tv, "read_csv", opt, err);
		if (tn == NULL)
			return false;
		wb_type t;
		/* "DECIMAL(10,2)" -> base name */
		size_t l = strcspn(tn, "(");
		while (l > 0 && tn[l - 1] == ' ')
			l--;
		if (!type_from_name(tn, l, &t)) {
			err_set(err, tv->pos, "read_csv: unknown type '%s' for column \"%s\"", tn, v->keys[i]);
			err_hint(err, "types are BOOLEAN, BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP");
			return false;
		}
		if (full)
			csv_options_add_column(o, v->keys[i], t);
		else
			csv_options_add_type(o, v->keys[i], t);
	}
	return true;
}

struct source *
tf_read_csv_bind(const struct tf_args *a, struct wb_error *err)
{
	/* one file or pattern, or a list of them (DuckDB) */
	const char **paths = NULL;
	int npaths = 0;
	if (a->npos == 1 && a->pos[0].kind == TF_LIST && a->pos[0].n > 0) {
		paths = xcalloc((size_t)a->pos[0].n, sizeof *paths);
		for (int i = 0; i < a->pos[0].n; i++) {
			const struct tf_value *x = &a->pos[0].items[i];
			if (x->kind != TF_SCALAR || x->v.is_null || x->v.type != WB_TYPE_VARCHAR) {
				err_set(err, x->pos, "read_csv: the list must hold file names or glob patterns");
				free(paths);
				return NULL;
			}
			paths[npaths++] = x->v.u.s.p;
		}
	} else if (a->npos == 1 && a->pos[0].kind == TF_SCALAR && !a->pos[0].v.is_null &&
	    a->pos[0].v.type == WB_TYPE_VARCHAR) {
		paths = xcalloc(1, sizeof *paths);
		paths[npaths++] = a->pos[0].v.u.s.p;
	} else {
		err_set(err, a->call_pos, "read_csv expects a file name, a glob pattern or a list of them as its first argument");
		return NULL;
	}
	if (tf_check_names(a, "read_csv", csv_opts, err) < 0) {
		free(paths);
		return NULL;
	}
	struct csv_options o;
	csv_options_init(&o);
	o.progress = true;
	char *rejects_table = NULL;
	bool ok = true;
	for (int i = 0; i < a->nnamed && ok; i++) {
		const char *n = a->names[i];
		const struct tf_value *v = &a->named[i];
		bool b;
		int64_t k;
		if (strcasecmp(n, "header") == 0) {
			ok = tf_bool(v, "read_csv", n, &b, err);
			o.header = b ? 1 : 0;
		} else if (strcasecmp(n, "delim") == 0 || strcasecmp(n, "sep") == 0 || strcasecmp(n, "delimiter") == 0) {
			ok = one_char(v, n, &o.delim, err);
		} else if (strcasecmp(n, "quote") == 0) {
			ok = one_char(v, n, &o.quote, err);
		} else if (strcasecmp(n, "escape") == 0) {
			ok = one_char(v, n, &o.escape, err);
		} else if (strcasecmp(n, "skip") == 0) {
			ok = tf_int(v, "read_csv", n, &o.skip, err);
		} else if (strcasecmp(n, "sample_size") == 0) {
			ok = tf_int(v, "read_csv", n, &k, err);
			o.sample_rows = k;
		} else if (strcasecmp(n, "all_varchar") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.all_varchar, err);
		} else if (strcasecmp(n, "auto_detect") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.auto_detect, err);
		} else if (strcasecmp(n, "columns") == 0) {
			ok = type_map(v, n, &o, true, err);
		} else if (strcasecmp(n, "types") == 0 || strcasecmp(n, "dtypes") == 0 || strcasecmp(n, "column_types") == 0) {
			ok = type_map(v, n, &o, false, err);
		} else if (strcasecmp(n, "nullstr") == 0 || strcasecmp(n, "null_str") == 0) {
			if (v->kind == TF_LIST) {
				for (int j = 0; j < v->n && ok; j++) {
					const char *sv = tf_string(&v->items[j], "read_csv", n, err);
					if (sv == NULL)
						ok = false;
					else
						csv_options_add_null(&o, sv);
				}
			} else {
				const char *sv = tf_string(v, "read_csv", n, err);
				if (sv == NULL)
					ok = false;
				else
					csv_options_add_null(&o, sv);
			}
		} else if (strcasecmp(n, "null_padding") == 0) {
			err_set(err, v->pos, "read_csv: null_padding is not supported; rows must have every column");
			ok = false;
		} else if (strcasecmp(n, "filename") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.filename, err);
		} else if (strcasecmp(n, "metadata") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.metadata, err);
		} else if (strcasecmp(n, "ignore_errors") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.ignore_errors, err);
		} else if (strcasecmp(n, "store_rejects") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.store_rejects, err);
		} else if (strcasecmp(n, "rejects_table") == 0) {
			const char *sv = tf_string(v, "read_csv", n, err);
			ok = sv != NULL;
			if (ok) {
				free(rejects_table);
				rejects_table = xstrdup(sv);
				o.store_rejects = true;
			}
		} else if (strcasecmp(n, "compression") == 0) {
			const char *sv = tf_string(v, "read_csv", n, err);
			if (sv == NULL)
				ok = false;
			else if (strcasecmp(sv, "gzip") == 0)
				o.compression = CSV_COMPRESSION_GZIP;
			else if (strcasecmp(sv, "none") == 0 || strcasecmp(sv, "uncompressed") == 0)
				o.compression = CSV_COMPRESSION_NONE;
			else if (strcasecmp(sv, "auto") == 0)
				o.compression = CSV_COMPRESSION_AUTO;
			else {
				err_set(err, v->pos, "read_csv: unknown compression '%s' (auto, gzip, none)", sv);
				ok = false;
			}
		} else if (strcasecmp(n, "max_line_size") == 0) {
			ok = tf_int(v, "read_csv", n, &o.max_line_size, err);
		} else if (strcasecmp(n, "progress") == 0) {
			ok = tf_bool(v, "read_csv", n, &o.progress, err);
		}
	}
	struct source *src = NULL;
	if (ok)
		src = csv_source_open_list(paths, npaths, &o, err);
	free(paths);
	if (src && o.store_rejects)
		src->rejects_table = rejects_table ? rejects_table : xstrdup("reject_errors");
	else
		free(rejects_table);
	csv_options_free(&o);
	return src;
}

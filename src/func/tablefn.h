/*
 * tablefn: table functions (read_csv, range, ...), declared once in a table
 * like scalar functions. A table function binds constant arguments to a
 * scan source whose schema is known at bind time.
 *
 * Arguments arrive already evaluated to constants, in a small tree form so
 * that DuckDB-style options work: positional and named (`header = true`,
 * `delim => ';'`), scalars, lists (`['a', 'b']`) and key/value maps
 * (`columns = {'a': 'BIGINT'}`).
 */
#ifndef WB_FUNC_TABLEFN_H
#define WB_FUNC_TABLEFN_H

#include "core/error.h"
#include "core/types.h"
#include "store/source.h"

enum tf_kind { TF_SCALAR, TF_LIST, TF_MAP };

struct tf_value {
	enum tf_kind kind;
	struct wb_value v;        /* TF_SCALAR */
	int n;                    /* TF_LIST / TF_MAP items */
	char **keys;              /* TF_MAP */
	struct tf_value *items;
	int pos;                  /* statement offset, for errors */
};

struct tf_args {
	int npos;
	struct tf_value *pos;
	int nnamed;
	char **names;
	struct tf_value *named;
	int call_pos;
};

struct table_fn {
	const char *name;
	const char *usage;
	const char *doc;
	const char *example;      /* a query */
	struct source *(*bind)(const struct tf_args *args, struct wb_error *err);
};

const struct table_fn *tablefn_lookup(const char *name);
int tablefn_count(void);
const struct table_fn *tablefn_at(int i);
/* The table function that reads a bare file name in FROM ('x.csv'). */
const struct table_fn *tablefn_for_path(const char *path, struct wb_error *err);

/* Helpers for bind functions: typed access with clear errors. */
const struct tf_value *tf_named(const struct tf_args *a, const char *name);
bool tf_bool(const struct tf_value *v, const char *fn, const char *opt, bool *out, struct wb_error *err);
bool tf_int(const struct tf_value *v, const char *fn, const char *opt, int64_t *out, struct wb_error *err);
const char *tf_string(const struct tf_value *v, const char *fn, const char *opt, struct wb_error *err);
/* Report named options the function does not know ("did you mean"). */
int tf_check_names(const struct tf_args *a, const char *fn, const char *const *known, struct wb_error *err);

#endif

#include "store/table.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <strings.h>

static void
table_schema(struct table *t, int ncol, char *const *names, const wb_type *types)
{
	t->ncol = ncol;
	t->names = xcalloc((size_t)(ncol ? ncol : 1), sizeof(char *));
	t->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof(wb_type));
	for (int i = 0; i < ncol; i++) {
		t->names[i] = xstrdup(names[i]);
		t->types[i] = types[i];
	}
}

struct table *
table_new(const char *name, int ncol, char *const *names, const wb_type *types, const struct table_ops *ops,
    void *impl)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	table_schema(t, ncol, names, types);
	t->ops = ops;
	t->impl = impl;
	atomic_init(&t->refs, 1);
	return t;
}

struct table *
table_new_view(const char *name, const char *sql, int ncol, char *const *names, const wb_type *types)
{
	struct table *t = table_new(name, ncol, names, types, NULL, NULL);
	t->view_sql = xstrdup(sql);
	return t;
}

void
table_ref(struct table *t)
{
	atomic_fetch_add(&t->refs, 1);
}

void
table_unref(struct table *t)
{
	if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	if (t->ops && t->ops->destroy)
		t->ops->destroy(t);
	for (int i = 0; i < t->ncol; i++)
		free(t->names[i]);
	free(t->names);
	free(t->types);
	free(t->name);
	free(t->view_sql);
	free(t->comment);
	free(t);
}

int
table_column(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncol; i++)
		if (strcasecmp(t->names[i], name) == 0)
			return i;
	return -1;
}

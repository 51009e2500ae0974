#include "store/source.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

void
source_init(struct source *s, const struct source_ops *ops, int ncol)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->ncol = ncol;
	s->names = xcalloc((size_t)(ncol ? ncol : 1), sizeof(char *));
	s->types = xcalloc((size_t)(ncol ? ncol : 1), sizeof(wb_type));
	s->nproj = ncol;
	s->proj = xcalloc((size_t)(ncol ? ncol : 1), sizeof(int));
	for (int i = 0; i < ncol; i++)
		s->proj[i] = i;
	s->est_rows = -1;
	s->est_bytes = -1;
	s->max_readers = 1;
}

void
source_set_column(struct source *s, int i, const char *name, wb_type type)
{
	free(s->names[i]);
	s->names[i] = xstrdup(name);
	s->types[i] = type;
}

void
source_fini(struct source *s)
{
	for (int i = 0; i < s->ncol; i++)
		free(s->names[i]);
	free(s->names);
	free(s->types);
	free(s->proj);
	free(s->rejects_table);
	s->rejects_table = NULL;
	s->names = NULL;
	s->types = NULL;
	s->proj = NULL;
}

void
source_free(struct source *s)
{
	if (s != NULL)
		s->ops->free(s);
}

void
source_project(struct source *s, const int *cols, int n)
{
	/* copy first: cols may be s->proj itself */
	int *p = xcalloc((size_t)(n ? n : 1), sizeof(int));
	memcpy(p, cols, sizeof(int) * (size_t)n);
	free(s->proj);
	s->proj = p;
	s->nproj = n;
}

bool
source_morsel_may_match(struct source *s, const struct col_stats *const *stats)
{
	bool ok = true;
	for (int i = 0; i < s->npreds && ok; i++) {
		const struct col_stats *st = stats[s->preds[i].col];
		ok = st == NULL || scan_pred_may_match(&s->preds[i], st);
	}
	atomic_fetch_add(ok ? &s->units_read : &s->units_skipped, 1);
	return ok;
}

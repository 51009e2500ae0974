/*
 * Sets of data file paths (lake_maint.h): a sorted array of keys, built
 * once and then searched - the sizes here are file counts of one table.
 */
#include "store/lake/lake_maint.h"
#include "core/datetime.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

int64_t
lake_now_ms(void)
{
	return dt_now_ms();
}

void
lake_pathset_init(struct lake_pathset *s, const char *dir)
{
	memset(s, 0, sizeof *s);
	s->dir = xstrdup(dir);
	for (size_t n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
		s->dir[n - 1] = '\0';
	s->real_dir = realpath(dir, NULL);
}

void
lake_pathset_free(struct lake_pathset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->dir);
	free(s->real_dir);
	memset(s, 0, sizeof *s);
}

/* p relative to root when it lies inside it, else NULL */
static const char *
inside(const char *p, const char *root)
{
	size_t n = root ? strlen(root) : 0;
	if (n == 0 || strncmp(p, root, n) != 0 || p[n] != '/')
		return NULL;
	return p + n + 1;
}

char *
lake_pathset_key(const struct lake_pathset *s, const char *log_path)
{
	struct wb_error e = WB_ERROR_INIT;
	char *full = delta_file_path(s->dir, log_path, &e);
	err_clear(&e);
	if (full == NULL)
		return xstrdup(log_path);    /* another scheme: kept as written */
	const char *rel = inside(full, s->dir);
	if (rel == NULL)
		rel = inside(full, s->real_dir);
	while (rel && rel[0] == '.' && rel[1] == '/')
		rel += 2;
	char *key = xstrdup(rel ? rel : full);
	free(full);
	return key;
}

void
lake_pathset_add(struct lake_pathset *s, const char *log_path)
{
	if (s->n == s->cap)
		s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = lake_pathset_key(s, log_path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
lake_pathset_seal(struct lake_pathset *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k > 0 && strcmp(s->v[k - 1], s->v[i]) == 0)
			free(s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

bool
lake_pathset_has_rel(const struct lake_pathset *s, const char *rel)
{
	return s->n > 0 && bsearch(&rel, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

bool
lake_pathset_has(const struct lake_pathset *s, const char *log_path)
{
	char *k = lake_pathset_key(s, log_path);
	bool has = lake_pathset_has_rel(s, k);
	free(k);
	return has;
}

#include "store/files.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

/* glob's error callback: a folder that does not exist only matches
 * nothing ("no file matches"); other read errors stop the expansion */
static int
glob_error(const char *path, int eno)
{
	(void)path;
	return eno != ENOENT && eno != ENOTDIR;
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
store_glob(const char *const *patterns, int npatterns, int *n, struct wb_error *err)
{
	char **out = NULL;
	size_t cap = 0;
	*n = 0;
	for (int i = 0; i < npatterns; i++) {
		const char *pat = patterns[i];
		if (strpbrk(pat, "*?[") == NULL) {
			out = xgrow(out, &cap, (size_t)*n + 1, sizeof *out);
			out[(*n)++] = xstrdup(pat);
			continue;
		}
		glob_t g;
		int rc = glob(pat, GLOB_NOSORT, glob_error, &g);
		if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
			if (rc == 0)
				globfree(&g);
			err_set(err, -1, "no file matches '%s'", pat);
			goto fail;
		}
		if (rc != 0) {
			err_set(err, -1, "cannot expand '%s': %s", pat, rc == GLOB_NOSPACE ? "out of memory" : "read error");
			goto fail;
		}
		int first = *n;
		out = xgrow(out, &cap, (size_t)*n + g.gl_pathc, sizeof *out);
		for (size_t k = 0; k < g.gl_pathc; k++)
			out[(*n)++] = xstrdup(g.gl_pathv[k]);
		globfree(&g);
		qsort(out + first, (size_t)(*n - first), sizeof *out, cmp_path);
	}
	return out;
fail:
	store_glob_free(out, *n);
	*n = 0;
	return NULL;
}

void
store_glob_free(char **paths, int n)
{
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

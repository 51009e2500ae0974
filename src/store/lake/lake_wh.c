/*
 * The warehouse directory: where managed tables live, and how they are
 * found and removed.
 */
#include "store/lake/lake.h"
#include "store/delta/delta.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
lake_warehouse_root(const char *dir)
{
	if (dir && *dir)
		return xstrdup(dir);
	const char *env = getenv("WB_WAREHOUSE");
	if (env && *env)
		return xstrdup(env);
	return xstrdup("./wb.lake");
}

static void
put_lower(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '/');
	for (; *s; s++)
		sb_putc(sb, (char)tolower((unsigned char)*s));
}

char *
lake_warehouse_path(const char *root, const char *catalog, const char *schema, const char *table)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, root);
	put_lower(&sb, catalog);
	put_lower(&sb, schema);
	if (table)
		put_lower(&sb, table);
	return sb_detach(&sb);
}

int
lake_mkdirs(const char *path, struct wb_error *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			err_set(err, -1, "cannot create directory %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
lake_each_dir(const char *dir, bool tables_only, void (*fn)(void *arg, const char *name), void *arg)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || e->d_name[0] == '_')
			continue;
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%s/%s", dir, e->d_name);
		struct stat st;
		bool ok = stat(sb_str(&sb), &st) == 0 && S_ISDIR(st.st_mode) && (!tables_only || delta_table_exists(sb_str(&sb)));
		sb_free(&sb);
		if (!ok)
			continue;
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		fn(arg, names[i]);
		free(names[i]);
	}
	free(names);
}

int
lake_remove_tree(const char *path, struct wb_error *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (err_set(err, -1, "cannot remove %s: %s", path, strerror(errno)), -1);
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d == NULL) {
			err_set(err, -1, "cannot remove %s: %s", path, strerror(errno));
			return -1;
		}
		struct dirent *e;
		int rc = 0;
		while (rc == 0 && (e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			struct strbuf sb = STRBUF_INIT;
			sb_printf(&sb, "%s/%s", path, e->d_name);
			rc = lake_remove_tree(sb_str(&sb), err);
			sb_free(&sb);
		}
		closedir(d);
		if (rc == 0 && rmdir(path) < 0) {
			err_set(err, -1, "cannot remove %s: %s", path, strerror(errno));
			return -1;
		}
		return rc;
	}
	if (unlink(path) < 0) {
		err_set(err, -1, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
lake_drop_files(const char *dir, struct wb_error *err)
{
	/* the log is renamed away first (atomically): from then on the
	 * folder is no table, whatever happens to the rest */
	struct strbuf log = STRBUF_INIT, gone = STRBUF_INIT;
	sb_printf(&log, "%s/_delta_log", dir);
	sb_printf(&gone, "%s/.wb_dropped_log", dir);
	int rc = 0;
	if (rename(sb_str(&log), sb_str(&gone)) < 0 && errno != ENOENT) {
		err_set(err, -1, "cannot drop the table at %s: %s", dir, strerror(errno));
		rc = -1;
	}
	sb_free(&log);
	sb_free(&gone);
	return rc < 0 ? -1 : lake_remove_tree(dir, err);
}

/*
 * Views of a warehouse schema outlive the session, as a metastore keeps
 * them: CREATE VIEW gold.v writes <warehouse>/main/gold/_views/v.json
 * ({"name", "sql", "columns": [{"name", "type"}]}), written to a temporary
 * file and renamed so a crash leaves the old definition or the new one;
 * DROP VIEW removes it; another session finds it by name or in listings.
 * The folder starts with '_', so it is never taken for a table. The SQL
 * is bound again at each use, against the tables as they are then.
 */
#include "store/catalog_int.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"
#include "store/table.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
view_path(const char *warehouse, const char *schema, const char *name)
{
	char *dir = lake_warehouse_path(warehouse, CATALOG_NAME, schema, NULL);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/_views/", dir);
	for (const char *p = name; *p; p++)
		sb_putc(&sb, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	sb_puts(&sb, ".json");
	free(dir);
	return sb_detach(&sb);
}

int
catalog_view_save(const char *warehouse, const char *schema, const char *name, const struct table *t,
    struct wb_error *err)
{
	char *path = view_path(warehouse, schema, name);
	char *dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	json_w_key(&w, "name");
	json_w_string(&w, name);
	json_w_key(&w, "sql");
	json_w_string(&w, t->view_sql);
	json_w_key(&w, "columns");
	json_w_array(&w);
	for (int c = 0; c < t->ncol; c++) {
		json_w_object(&w);
		json_w_key(&w, "name");
		json_w_string(&w, t->names[c]);
		json_w_key(&w, "type");
		json_w_string(&w, type_name(t->types[c]));
		json_w_end(&w);
	}
	json_w_end(&w);
	json_w_end(&w);
	sb_putc(&sb, '\n');
	int rc = -1;
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = NULL;
	if (lake_mkdirs(dir, err) < 0)
		goto out;
	f = fopen(tmp, "wb");
	if (f == NULL || fwrite(sb.s, 1, sb.len, f) != sb.len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		err_set(err, -1, "cannot write the view definition %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0 || (f = NULL, rename(tmp, path) != 0)) {
		f = NULL;
		err_set(err, -1, "cannot write the view definition %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	sb_free(&sb);
	free(dir);
	free(path);
	return rc;
}

int
catalog_view_remove(const char *warehouse, const char *schema, const char *name, struct wb_error *err)
{
	char *path = view_path(warehouse, schema, name);
	int rc = 0;
	if (unlink(path) != 0 && errno != ENOENT) {
		err_set(err, -1, "cannot remove the view definition %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

struct table *
catalog_view_load(const char *warehouse, const char *schema, const char *name, struct wb_error *err)
{
	char *path = view_path(warehouse, schema, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		free(path);
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_read_stream(&sb, f);
	fclose(f);
	struct arena a;
	arena_init(&a, 0);
	struct table *t = NULL;
	const struct json *v = json_parse(sb_str(&sb), sb.len, &a, 0, NULL);
	const struct json *cols = json_get(v, "columns");
	const char *sql = json_get_str(v, "sql");
	if (sql == NULL || !json_is(cols, JSON_ARRAY)) {
		err_set(err, -1, "the view definition %s is not valid (it needs \"sql\" and \"columns\")", path);
		err_hint(err, "DROP VIEW %s.%s and create it again", schema, name);
		goto out;
	}
	int nc = (int)cols->n;
	char **names = xcalloc((size_t)(nc ? nc : 1), sizeof *names);
	wb_type *types = xcalloc((size_t)(nc ? nc : 1), sizeof *types);
	bool ok = true;
	for (int c = 0; c < nc && ok; c++) {
		const char *cn = json_get_str(&cols->u.items[c], "name");
		const char *ct = json_get_str(&cols->u.items[c], "type");
		names[c] = (char *)cn;
		ok = cn != NULL && ct != NULL && type_from_name(ct, strlen(ct), &types[c]);
	}
	if (ok)
		t = table_new_view(name, sql, nc, names, types);
	else
		err_set(err, -1, "the view definition %s has a column without a name or a known type", path);
	free(names);
	free(types);
out:
	arena_release(&a);
	sb_free(&sb);
	free(path);
	return t;
}

void
catalog_view_each(const char *warehouse, const char *schema, void (*fn)(void *arg, const char *name), void *arg)
{
	char *dir = lake_warehouse_path(warehouse, CATALOG_NAME, schema, NULL);
	char *vdir = xasprintf("%s/_views", dir);
	DIR *d = opendir(vdir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		char *name = xstrndup(e->d_name, l - 5);
		fn(arg, name);
		free(name);
	}
	if (d)
		closedir(d);
	free(vdir);
	free(dir);
}

/*
 * Metadata-only commits of ALTER TABLE on Delta tables: new columns, table
 * properties, column comments. Each reads the latest version and commits
 * a new metaData action on top of it (a metadata change conflicts with any
 * concurrent commit, per the protocol), with Spark's operation name and
 * parameters. Data files are untouched: a column added later is absent
 * from the older files and reads as NULL there (lake_scan.c).
 */
#include "store/lake/lake_int.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <string.h>
#include <strings.h>

/* The table properties wb cannot honour: they need reader or writer
 * features beyond protocol 1/2 that wb does not implement. */
static const struct {
	const char *key;
	const char *feature;
} unsupported_props[] = {
	{"delta.columnMapping.mode", "column mapping"},
	{"delta.enableDeletionVectors", "deletion vectors"},
	{"delta.enableChangeDataFeed", "the change data feed"},
	{"delta.enableRowTracking", "row tracking"},
	{"delta.enableTypeWidening", "type widening"},
	{"delta.enableIcebergCompatV2", "Iceberg compatibility"},
	{"delta.universalFormat.enabledFormats", "UniForm"},
	{"delta.checkpointPolicy", "v2 checkpoints"},
	{"delta.enableInCommitTimestamps", "in-commit timestamps"},
};

/* Begin a metadata commit on the latest version: *snap and a copy of its
 * metadata in *md (strings in a). */
static struct delta_commit *
alter_begin(const char *dir, const char *op, struct delta_snapshot **snap, struct wb_error *err)
{
	*snap = delta_snapshot_open(dir, NULL, err);
	if (*snap == NULL)
		return NULL;
	struct delta_commit *c = delta_commit_begin(dir, *snap, op, err);
	if (c == NULL) {
		delta_snapshot_free(*snap);
		*snap = NULL;
	}
	return c;
}

static int64_t
alter_publish(struct delta_commit *c, struct delta_snapshot *snap, const struct delta_metadata *md,
    struct wb_error *err)
{
	delta_commit_set_metadata(c, md);
	int64_t v = delta_commit_publish(c, NULL, err);
	delta_commit_free(c);
	delta_snapshot_free(snap);
	return v;
}

static void
write_schema(const struct delta_schema *s, struct arena *a, struct delta_metadata *md)
{
	struct strbuf sb = STRBUF_INIT;
	delta_schema_write(s, &sb);
	md->schema_string = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
}

/* A field's metadata object with "comment" set to comment. */
static const char *
with_comment(const char *metadata, const char *comment, struct arena *a)
{
	struct json_error je;
	struct json *j = metadata ? json_parse(metadata, strlen(metadata), a, 0, &je) : NULL;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	if (j && j->type == JSON_OBJECT) {
		for (uint32_t i = 0; i < j->n; i++) {
			if (strcmp(j->u.members[i].key, "comment") == 0)
				continue;
			json_w_key(&w, j->u.members[i].key);
			json_w_value(&w, &j->u.members[i].value);
		}
	}
	json_w_key(&w, "comment");
	json_w_string(&w, comment);
	json_w_end(&w);
	const char *r = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return r;
}

/* One StructField as Spark writes it in operationParameters.columns. */
static void
column_json(struct json_writer *w, const struct delta_column *c)
{
	json_w_object(w);
	json_w_key(w, "name");
	json_w_string(w, c->name);
	json_w_key(w, "type");
	json_w_string(w, c->delta_type);
	json_w_key(w, "nullable");
	json_w_bool(w, c->nullable);
	json_w_key(w, "metadata");
	const char *md = c->metadata ? c->metadata : "{}";
	json_w_raw(w, md, strlen(md));
	json_w_end(w);
}

int64_t
lake_add_columns(const char *dir, int n, char *const *names, const wb_type *types, char *const *comments,
    struct wb_error *err)
{
	struct delta_snapshot *snap;
	struct delta_commit *c = alter_begin(dir, "ADD COLUMNS", &snap, err);
	if (c == NULL)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	const struct delta_schema *old = &snap->schema;
	struct delta_schema ns = {old->ncols + n, arena_zalloc(&a, sizeof(struct delta_column) * (size_t)(old->ncols + n))};
	memcpy(ns.cols, old->cols, sizeof(struct delta_column) * (size_t)old->ncols);
	struct strbuf params = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &params);
	json_w_array(&w);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < old->ncols + i; k++)
			if (strcasecmp(ns.cols[k].name, names[i]) == 0) {
				err_set(err, -1, "Delta table %s already has a column \"%s\"", dir, names[i]);
				goto fail;
			}
		if (types[i] == WB_TYPE_INTERVAL || type_is_list(types[i]) || types[i] == WB_TYPE_NULL) {
			err_set(err, -1, "column \"%s\" is %s, which a Delta table cannot store", names[i], type_name(types[i]));
			goto fail;
		}
		struct delta_column *dc = &ns.cols[old->ncols + i];
		dc->name = names[i];
		dc->type = types[i];
		dc->delta_type = delta_type_for(types[i]);
		dc->nullable = true;
		dc->metadata = comments && comments[i] ? with_comment("{}", comments[i], &a) : "{}";
		dc->partition_index = -1;
		json_w_object(&w);
		json_w_key(&w, "column");
		column_json(&w, dc);
		json_w_end(&w);
	}
	json_w_end(&w);
	struct delta_metadata md = snap->metadata;
	write_schema(&ns, &a, &md);
	delta_commit_param(c, "columns", sb_str(&params));
	sb_free(&params);
	int64_t v = alter_publish(c, snap, &md, err);
	lake_commit_notify(dir, v, "ADD COLUMNS", 0);
	arena_release(&a);
	return v;
fail:
	sb_free(&params);
	arena_release(&a);
	delta_commit_free(c);
	delta_snapshot_free(snap);
	return -1;
}

int64_t
lake_set_properties(const char *dir, int n, char *const *keys, char *const *values, bool unset, bool if_exists,
    struct wb_error *err)
{
	if (!unset)
		for (int i = 0; i < n; i++)
			for (size_t k = 0; k < sizeof unsupported_props / sizeof unsupported_props[0]; k++) {
				if (strcasecmp(keys[i], unsupported_props[k].key) != 0)
					continue;
				if (strcasecmp(keys[i], "delta.columnMapping.mode") == 0 && strcasecmp(values[i], "none") == 0)
					continue;
				if (strcasecmp(values[i], "false") == 0)
					continue;
				err_set(err, -1, "table property %s = '%s' needs %s, a Delta protocol feature wb does not implement",
				    keys[i], values[i], unsupported_props[k].feature);
				err_hint(err, "wb reads and writes Delta protocol reader 1 / writer 2 tables");
				return -1;
			}
	struct delta_snapshot *snap;
	struct delta_commit *c = alter_begin(dir, unset ? "UNSET TBLPROPERTIES" : "SET TBLPROPERTIES", &snap, err);
	if (c == NULL)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	const struct delta_map *old = &snap->metadata.configuration;
	int cap = old->n + n;
	const char **k = arena_alloc(&a, sizeof(char *) * (size_t)(cap ? cap : 1));
	const char **v = arena_alloc(&a, sizeof(char *) * (size_t)(cap ? cap : 1));
	int m = 0;
	for (int i = 0; i < old->n; i++) {
		bool drop = false;
		for (int j = 0; j < n && !drop; j++)
			drop = strcmp(old->keys[i], keys[j]) == 0;
		if (drop && !unset)
			continue;     /* replaced below */
		if (drop)
			continue;
		k[m] = old->keys[i];
		v[m++] = old->values[i];
	}
	struct strbuf params = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &params);
	if (unset) {
		json_w_array(&w);
		for (int j = 0; j < n; j++) {
			bool found;
			delta_map_get(old, keys[j], &found);
			if (!found && !if_exists) {
				err_set(err, -1, "Delta table %s has no table property '%s'", dir, keys[j]);
				err_hint(err, "UNSET TBLPROPERTIES IF EXISTS ignores missing properties");
				sb_free(&params);
				arena_release(&a);
				delta_commit_free(c);
				delta_snapshot_free(snap);
				return -1;
			}
			json_w_string(&w, keys[j]);
		}
		json_w_end(&w);
		delta_commit_param(c, "propKeys", sb_str(&params));
		delta_commit_param(c, "ifExists", if_exists ? "true" : "false");
	} else {
		json_w_object(&w);
		for (int j = 0; j < n; j++) {
			k[m] = keys[j];
			v[m++] = values[j];
			json_w_key(&w, keys[j]);
			json_w_string(&w, values[j]);
		}
		json_w_end(&w);
		delta_commit_param(c, "properties", sb_str(&params));
	}
	sb_free(&params);
	struct delta_metadata md = snap->metadata;
	md.configuration.n = m;
	md.configuration.keys = k;
	md.configuration.values = v;
	int64_t ver = alter_publish(c, snap, &md, err);
	lake_commit_notify(dir, ver, unset ? "UNSET TBLPROPERTIES" : "SET TBLPROPERTIES", 0);
	arena_release(&a);
	return ver;
}

int64_t
lake_comment_column(const char *dir, const char *column, const char *comment, struct wb_error *err)
{
	struct delta_snapshot *snap;
	struct delta_commit *c = alter_begin(dir, "CHANGE COLUMN", &snap, err);
	if (c == NULL)
		return -1;
	int col = delta_schema_find(&snap->schema, column);
	if (col < 0) {
		err_set(err, -1, "Delta table %s has no column \"%s\"", dir, column);
		delta_commit_free(c);
		delta_snapshot_free(snap);
		return -1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct delta_schema ns = {snap->schema.ncols,
	    arena_zalloc(&a, sizeof(struct delta_column) * (size_t)(snap->schema.ncols ? snap->schema.ncols : 1))};
	memcpy(ns.cols, snap->schema.cols, sizeof(struct delta_column) * (size_t)ns.ncols);
	ns.cols[col].metadata = with_comment(ns.cols[col].metadata, comment, &a);
	struct delta_metadata md = snap->metadata;
	write_schema(&ns, &a, &md);
	struct strbuf params = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &params);
	column_json(&w, &ns.cols[col]);
	delta_commit_param(c, "column", sb_str(&params));
	sb_free(&params);
	int64_t v = alter_publish(c, snap, &md, err);
	lake_commit_notify(dir, v, "CHANGE COLUMN", 0);
	arena_release(&a);
	return v;
}

int64_t
lake_change_properties(const char *dir, struct delta_snapshot *read, const char *op, int nset, char *const *keys,
    char *const *values, int nunset, char *const *unset, int nparams, char *const *pkeys, char *const *pvalues,
    struct wb_error *err)
{
	struct delta_commit *c = delta_commit_begin(dir, read, op, err);
	if (c == NULL)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	const struct delta_map *old = &read->metadata.configuration;
	int cap = old->n + nset;
	const char **k = arena_alloc(&a, sizeof(char *) * (size_t)(cap ? cap : 1));
	const char **v = arena_alloc(&a, sizeof(char *) * (size_t)(cap ? cap : 1));
	int m = 0;
	for (int i = 0; i < old->n; i++) {
		bool drop = false;
		for (int j = 0; j < nset && !drop; j++)
			drop = strcmp(old->keys[i], keys[j]) == 0;
		for (int j = 0; j < nunset && !drop; j++)
			drop = strcmp(old->keys[i], unset[j]) == 0;
		if (!drop) {
			k[m] = old->keys[i];
			v[m++] = old->values[i];
		}
	}
	for (int j = 0; j < nset; j++) {
		k[m] = keys[j];
		v[m++] = values[j];
	}
	for (int j = 0; j < nparams; j++)
		delta_commit_param(c, pkeys[j], pvalues[j]);
	struct delta_metadata md = read->metadata;
	md.configuration.n = m;
	md.configuration.keys = k;
	md.configuration.values = v;
	delta_commit_set_metadata(c, &md);
	int64_t ver = delta_commit_publish(c, NULL, err);
	delta_commit_free(c);
	arena_release(&a);
	return ver;
}

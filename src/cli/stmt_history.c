/*
 * What a Delta table is and was: DESCRIBE HISTORY, DESCRIBE DETAIL, SHOW
 * TBLPROPERTIES, the Delta part of DESCRIBE EXTENDED, and COMMENT ON
 * TABLE (a metadata commit for Delta tables, the in-memory comment for
 * others). Column names and meanings follow Databricks.
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"
#include "core/datetime.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hist_stmt {
	struct stmt_target target;
	int64_t limit;              /* 0: all */
};

struct detail_stmt {
	struct stmt_target target;
};

struct props_stmt {
	struct stmt_target target;
	char *key;                  /* SHOW TBLPROPERTIES t ('key'), or NULL */
	int key_pos;
};

struct comment_stmt {
	struct stmt_target target;
	char *text;                 /* NULL: IS NULL */
};

#define MS_TO_US(ms) ((ms) < 0 ? INT64_MIN : (ms) * 1000)

/* A JSON member of obj as compact JSON text in sb (NULL when absent). */
static const char *
json_member_text(const struct json *obj, const char *key, struct strbuf *sb)
{
	const struct json *v = json_get(obj, key);
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	sb_clear(sb);
	if (v->type == JSON_STRING)
		sb_puts(sb, json_get_str(obj, key));
	else
		json_write(sb, v);
	return sb_str(sb);
}

/* ------------------------------------------------------- DESCRIBE HISTORY */

/* DESCRIBE HISTORY table [LIMIT n] */
static int
parse_history(struct parser *p, void **data)
{
	struct hist_stmt *h = arena_zalloc(p->arena, sizeof *h);
	*data = h;
	if (!stmt_parse_target(p, &h->target))
		return -1;
	if (parser_accept_word(p, "LIMIT") && parser_count(p, &h->limit, "LIMIT", "commits") < 0)
		return -1;
	return parser_at_query_end(p) ? 0 : parser_syntax_error(p, "LIMIT or the end of the statement");
}

static int
exec_history(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct hist_stmt *h = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &h->target, "DESCRIBE HISTORY", true, &dir, err);
	if (t == NULL)
		return -1;
	struct delta_history_entry *e;
	int64_t n;
	int rc = delta_history(dir, h->limit, LAKE_TS_SOURCE, a, &e, &n, err);
	table_unref(t);
	if (rc < 0) {
		err_at(err, h->target.pos);
		return -1;
	}
	static const char *const names[] = {"version", "timestamp", "userId", "userName", "operation",
	    "operationParameters", "readVersion", "isolationLevel", "isBlindAppend", "operationMetrics", "userMetadata",
	    "engineInfo"};
	static const wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_BOOL, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder r;
	rsb_init(&r, 12, names, types);
	struct arena scratch;
	arena_init(&scratch, 0);
	struct strbuf sb = STRBUF_INIT;
	for (int64_t i = 0; i < n; i++) {
		arena_reset(&scratch);
		const struct json *ci = e[i].commit_info ? json_parse(e[i].commit_info, strlen(e[i].commit_info), &scratch, 0, NULL)
		                                         : NULL;
		int64_t rv;
		bool blind;
		rsb_int(&r, 0, e[i].version);
		rsb_int(&r, 1, MS_TO_US(e[i].timestamp));
		rsb_str(&r, 2, json_member_text(ci, "userId", &sb));
		rsb_str(&r, 3, json_member_text(ci, "userName", &sb));
		rsb_str(&r, 4, e[i].operation);
		rsb_str(&r, 5, json_member_text(ci, "operationParameters", &sb));
		rsb_int(&r, 6, json_get_int(ci, "readVersion", &rv) ? rv : INT64_MIN);
		rsb_str(&r, 7, json_member_text(ci, "isolationLevel", &sb));
		rsb_bool(&r, 8, json_get_bool(ci, "isBlindAppend", &blind) ? blind : -1);
		rsb_str(&r, 9, json_member_text(ci, "operationMetrics", &sb));
		rsb_str(&r, 10, json_member_text(ci, "userMetadata", &sb));
		rsb_str(&r, 11, json_member_text(ci, "engineInfo", &sb));
		rsb_end_row(&r);
	}
	sb_free(&sb);
	arena_release(&scratch);
	return rows_emit(s, &r, err);
}

const struct stmt_ext stmt_ext_describe_history = {
	.word = "DESCRIBE",
	.words2 = "HISTORY",
	.parse = parse_history,
	.exec = (void *)exec_history,
	.usage = "DESCRIBE HISTORY table [LIMIT n]",
	.summary = "the commits of a Delta table, newest first",
	.query = true,   /* SELECT ... FROM (DESCRIBE HISTORY t) */
};

/* ------------------------------------------------------- details */

/* The table features a protocol has: its explicit feature lists, or
 * those the legacy versions imply. */
static void
features_json(const struct delta_protocol *p, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_array(&w);
	if (p->nreader_features > 0 || p->nwriter_features > 0) {
		for (int i = 0; i < p->nreader_features; i++)
			json_w_string(&w, p->reader_features[i]);
		for (int i = 0; i < p->nwriter_features; i++) {
			bool dup = false;
			for (int j = 0; j < p->nreader_features; j++)
				dup |= strcmp(p->reader_features[j], p->writer_features[i]) == 0;
			if (!dup)
				json_w_string(&w, p->writer_features[i]);
		}
	} else {
		static const char *const legacy[] = {"appendOnly", "invariants", "checkConstraints", "changeDataFeed",
		    "generatedColumns", "columnMapping", "identityColumns"};
		static const int since[] = {2, 2, 3, 4, 4, 5, 6};
		for (int i = 0; i < 7; i++)
			if (p->min_writer_version >= since[i])
				json_w_string(&w, legacy[i]);
	}
	json_w_end(&w);
}

static void
map_json(const struct delta_map *m, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	for (int i = 0; i < m->n; i++) {
		json_w_key(&w, m->keys[i]);
		json_w_string(&w, m->values[i]);
	}
	json_w_end(&w);
}

static struct delta_snapshot *
latest(const char *dir, struct wb_error *err)
{
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.ts_source = LAKE_TS_SOURCE;
	return delta_snapshot_open(dir, &o, err);
}

static int64_t
total_size(const struct delta_snapshot *snap)
{
	int64_t n = 0;
	for (int64_t f = 0; f < snap->nfiles; f++)
		n += snap->files[f].size;
	return n;
}

/* "catalog.schema.table" for a managed table (the warehouse's
 * root/catalog/schema/table layout), else NULL. */
static char *
qualified_name(const struct table *t, const char *dir)
{
	if (lake_table_is_external(t))
		return NULL;
	char *d = xstrdup(dir), *parts[3];
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	for (int k = 2; k >= 1; k--) {
		char *slash = strrchr(d, '/');
		if (slash == NULL) {
			free(d);
			return NULL;
		}
		*slash = '\0';
		parts[k] = slash + 1;
	}
	char *slash = strrchr(d, '/');
	parts[0] = slash ? slash + 1 : d;
	char *q = xasprintf("%s.%s.%s", parts[0], parts[1], t->name);
	free(d);
	return q;
}

/* DESCRIBE DETAIL table */
static int
parse_detail(struct parser *p, void **data)
{
	struct detail_stmt *d = arena_zalloc(p->arena, sizeof *d);
	*data = d;
	if (!stmt_parse_target(p, &d->target))
		return -1;
	return parser_at_query_end(p) ? 0 : parser_syntax_error(p, "the end of the statement");
}

static int
exec_detail(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct detail_stmt *d = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &d->target, "DESCRIBE DETAIL", true, &dir, err);
	if (t == NULL)
		return -1;
	struct delta_snapshot *snap = latest(dir, err);
	if (snap == NULL) {
		table_unref(t);
		err_at(err, d->target.pos);
		return -1;
	}
	static const char *const names[] = {"format", "id", "name", "description", "location", "createdAt", "lastModified",
	    "partitionColumns", "numFiles", "sizeInBytes", "properties", "minReaderVersion", "minWriterVersion",
	    "tableFeatures", "version"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR,
	    WB_TYPE_VARCHAR, WB_TYPE_TIMESTAMP, WB_TYPE_TIMESTAMP, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
	    WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_BIGINT};
	struct rowset_builder r;
	rsb_init(&r, 15, names, types);
	struct strbuf sb = STRBUF_INIT;
	char *qn = d->target.path ? NULL : qualified_name(t, dir);
	rsb_str(&r, 0, "delta");
	rsb_str(&r, 1, snap->metadata.id);
	rsb_str(&r, 2, qn);
	rsb_str(&r, 3, snap->metadata.description);
	rsb_str(&r, 4, dir);
	rsb_int(&r, 5, MS_TO_US(snap->metadata.created_time));
	rsb_int(&r, 6, MS_TO_US(snap->timestamp));
	json_string_array(&sb, snap->metadata.partition_columns, snap->metadata.npartition_columns);
	rsb_str(&r, 7, sb_str(&sb));
	rsb_int(&r, 8, snap->nfiles);
	rsb_int(&r, 9, total_size(snap));
	sb_clear(&sb);
	map_json(&snap->metadata.configuration, &sb);
	rsb_str(&r, 10, sb_str(&sb));
	rsb_int(&r, 11, snap->protocol.min_reader_version);
	rsb_int(&r, 12, snap->protocol.min_writer_version);
	sb_clear(&sb);
	features_json(&snap->protocol, &sb);
	rsb_str(&r, 13, sb_str(&sb));
	rsb_int(&r, 14, snap->version);
	rsb_end_row(&r);
	free(qn);
	sb_free(&sb);
	delta_snapshot_free(snap);
	table_unref(t);
	return rows_emit(s, &r, err);
}

const struct stmt_ext stmt_ext_describe_detail = {
	.word = "DESCRIBE",
	.words2 = "DETAIL",
	.parse = parse_detail,
	.exec = (void *)exec_detail,
	.usage = "DESCRIBE DETAIL table",
	.summary = "a Delta table's location, version, files, size, properties and protocol",
	.query = true,
};

void
stmt_lake_describe_extended(struct table *t, void (*row)(void *arg, const char *key, const char *value), void *arg)
{
	const char *dir = lake_table_dir(t);
	struct wb_error e = WB_ERROR_INIT;
	struct delta_snapshot *snap = dir ? latest(dir, &e) : NULL;
	if (snap == NULL) {
		if (dir)
			row(arg, "delta", e.msg ? e.msg : "unreadable");
		err_clear(&e);
		return;
	}
	char buf[64];
	struct strbuf sb = STRBUF_INIT;
	row(arg, "provider", "delta");
	row(arg, "location", dir);
	row(arg, "table id", snap->metadata.id);
	snprintf(buf, sizeof buf, "%lld", (long long)snap->version);
	row(arg, "version", buf);
	if (snap->metadata.created_time >= 0) {
		dt_format_timestamp(snap->metadata.created_time * 1000, buf);
		row(arg, "created", buf);
	}
	if (snap->timestamp >= 0) {
		dt_format_timestamp(snap->timestamp * 1000, buf);
		row(arg, "last modified", buf);
	}
	snprintf(buf, sizeof buf, "%lld", (long long)snap->nfiles);
	row(arg, "files", buf);
	snprintf(buf, sizeof buf, "%lld", (long long)total_size(snap));
	row(arg, "size in bytes", buf);
	json_string_array(&sb, snap->metadata.partition_columns, snap->metadata.npartition_columns);
	row(arg, "partition columns", sb_str(&sb));
	sb_clear(&sb);
	map_json(&snap->metadata.configuration, &sb);
	row(arg, "table properties", sb_str(&sb));
	snprintf(buf, sizeof buf, "%d / %d", snap->protocol.min_reader_version, snap->protocol.min_writer_version);
	row(arg, "min reader / writer version", buf);
	sb_clear(&sb);
	features_json(&snap->protocol, &sb);
	row(arg, "table features", sb_str(&sb));
	sb_free(&sb);
	delta_snapshot_free(snap);
}

/* ------------------------------------------------------- SHOW TBLPROPERTIES */

/* SHOW TBLPROPERTIES table [('key')] */
static int
parse_props(struct parser *p, void **data)
{
	struct props_stmt *d = arena_zalloc(p->arena, sizeof *d);
	*data = d;
	if (!stmt_parse_target(p, &d->target))
		return -1;
	if (parser_accept_op(p, "(")) {
		d->key_pos = parser_peek(p, 0)->pos;
		if (parser_peek(p, 0)->type == TOK_STRING) {
			d->key = parser_string(p, "a property name");
		} else {
			/* dotted names: delta.appendOnly */
			struct ast_name n;
			if (!parser_qualified_name(p, &n))
				return -1;
			struct strbuf sb = STRBUF_INIT;
			for (int i = 0; i < n.n; i++)
				sb_printf(&sb, "%s%s", i ? "." : "", n.parts[i]);
			d->key = arena_strdup(p->arena, sb_str(&sb));
			sb_free(&sb);
		}
		if (d->key == NULL || !parser_expect_op(p, ")"))
			return -1;
	}
	return parser_at_query_end(p) ? 0 : parser_syntax_error(p, "('key') or the end of the statement");
}

static int
cmp_kv(const void *a, const void *b)
{
	return strcmp(((const char *const *)a)[0], ((const char *const *)b)[0]);
}

static int
exec_props(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct props_stmt *d = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &d->target, "SHOW TBLPROPERTIES", false, &dir, err);
	if (t == NULL)
		return -1;
	struct delta_snapshot *snap = dir ? latest(dir, err) : NULL;
	table_unref(t);
	if (dir && snap == NULL) {
		err_at(err, d->target.pos);
		return -1;
	}
	/* (key, value) pairs, sorted by key */
	int n = snap ? snap->metadata.configuration.n + 2 : 0;
	const char **kv = arena_zalloc(a, sizeof(char *) * 2 * (size_t)(n ? n : 1));
	if (snap) {
		const struct delta_map *m = &snap->metadata.configuration;
		for (int i = 0; i < m->n; i++) {
			kv[2 * i] = m->keys[i];
			kv[2 * i + 1] = m->values[i];
		}
		kv[2 * m->n] = "delta.minReaderVersion";
		kv[2 * m->n + 1] = arena_printf(a, "%d", snap->protocol.min_reader_version);
		kv[2 * m->n + 2] = "delta.minWriterVersion";
		kv[2 * m->n + 3] = arena_printf(a, "%d", snap->protocol.min_writer_version);
		qsort(kv, (size_t)n, 2 * sizeof(char *), cmp_kv);
	}
	static const char *const names[] = {"key", "value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	bool found = false;
	for (int i = 0; i < n; i++) {
		if (d->key && strcmp(kv[2 * i], d->key) != 0)
			continue;
		found = true;
		rsb_str(&r, 0, kv[2 * i]);
		rsb_str(&r, 1, kv[2 * i + 1]);
		rsb_end_row(&r);
	}
	delta_snapshot_free(snap);
	if (d->key && !found) {
		rsb_free(&r);
		err_set(err, d->key_pos, "table \"%s\" does not have property '%s'", d->target.path ? d->target.path :
		    d->target.name.parts[d->target.name.n - 1], d->key);
		err_hint(err, "SHOW TBLPROPERTIES %s lists them", d->target.path ? "'path'" : d->target.name.parts[d->target.name.n - 1]);
		return -1;
	}
	return rows_emit(s, &r, err);
}

const struct stmt_ext stmt_ext_show_tblproperties = {
	.word = "SHOW",
	.words2 = "TBLPROPERTIES",
	.parse = parse_props,
	.exec = (void *)exec_props,
	.usage = "SHOW TBLPROPERTIES table [('key')]",
	.summary = "a Delta table's properties (configuration and protocol versions)",
	.query = true,   /* SELECT ... FROM (SHOW TBLPROPERTIES t) */
};

/* ------------------------------------------------------- COMMENT ON */

/* COMMENT ON TABLE table IS 'text' | NULL */
static int
parse_comment(struct parser *p, void **data)
{
	struct comment_stmt *c = arena_zalloc(p->arena, sizeof *c);
	*data = c;
	if (!parser_expect_word(p, "TABLE"))
		return -1;
	if (!stmt_parse_target(p, &c->target) || !parser_expect_word(p, "IS"))
		return -1;
	if (!parser_accept_word(p, "NULL")) {
		c->text = parser_string(p, "a comment string or NULL");
		if (c->text == NULL)
			return -1;
	}
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "the end of the statement");
}

static int
exec_comment(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct comment_stmt *c = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &c->target, "COMMENT ON TABLE", false, &dir, err);
	if (t == NULL)
		return -1;
	int rc = 0;
	if (t->view_sql) {
		err_set(err, c->target.pos, "COMMENT ON TABLE: \"%s\" is a view", t->name);
		rc = -1;
	} else if (dir) {
		int64_t v = lake_set_comment(dir, c->text, err);
		if (v < 0) {
			err_at(err, c->target.pos);
			rc = -1;
		} else {
			stmt_target_refresh(s, &c->target, t);
			session_message(s, "Comment %s (Delta version %lld)", c->text ? "set" : "removed", (long long)v);
		}
	} else {
		free(t->comment);
		t->comment = c->text ? xstrdup(c->text) : NULL;
	}
	table_unref(t);
	return rc;
}

const struct stmt_ext stmt_ext_comment_on = {
	.word = "COMMENT",
	.words2 = "ON",
	.parse = parse_comment,
	.exec = (void *)exec_comment,
	.usage = "COMMENT ON TABLE table IS 'text' | NULL",
	.summary = "set or remove a table's comment (a metadata commit for Delta tables)",
};

/*
 * delta_action: log actions between their JSON form (a commit file line,
 * `{"add":{...}}`) and struct delta_action.
 *
 * Reading follows the protocol's compatibility rule: unknown actions and
 * unknown fields are ignored (a newer writer may add them), but a field
 * the protocol requires, or a known field of the wrong type, is an error
 * naming the file, line, action and field - a reader that guessed would
 * return wrong data. A deletion vector is refused here rather than
 * silently returning the rows it deletes.
 */
#include "store/delta/delta_int.h"

#include <string.h>

struct ap {
	const char *where;               /* "file:line" */
	const char *action;              /* "add" */
	struct arena *a;
	struct wb_error *err;
};

static int
bad_type(struct ap *ap, const char *field, const char *want, const struct json *v)
{
	err_set(ap->err, -1, "%s: %s action: \"%s\" must be %s, found %s", ap->where, ap->action, field, want,
	    json_type_name(v->type));
	return -1;
}

static int
missing(struct ap *ap, const char *field)
{
	err_set(ap->err, -1, "%s: %s action has no \"%s\", which the Delta protocol requires", ap->where,
	    ap->action, field);
	return -1;
}

static const char *
dup(struct ap *ap, const struct json *s)
{
	return arena_strndup(ap->a, s->u.s, s->n);
}

/* A string field; absent or null leaves *out NULL (an error if required). */
static int
get_str(struct ap *ap, const struct json *o, const char *field, bool required, const char **out)
{
	const struct json *v = json_get(o, field);
	*out = NULL;
	if (v == NULL || v->type == JSON_NULL)
		return required ? missing(ap, field) : 0;
	if (v->type != JSON_STRING)
		return bad_type(ap, field, "a string", v);
	*out = dup(ap, v);
	return 0;
}

static int
get_int(struct ap *ap, const struct json *o, const char *field, bool required, int64_t dflt, int64_t *out)
{
	const struct json *v = json_get(o, field);
	*out = dflt;
	if (v == NULL || v->type == JSON_NULL)
		return required ? missing(ap, field) : 0;
	if (v->type != JSON_INT)
		return bad_type(ap, field, "an integer", v);
	*out = v->u.i;
	return 0;
}

static int
get_bool(struct ap *ap, const struct json *o, const char *field, bool required, bool dflt, bool *out)
{
	const struct json *v = json_get(o, field);
	*out = dflt;
	if (v == NULL || v->type == JSON_NULL)
		return required ? missing(ap, field) : 0;
	if (v->type != JSON_BOOL)
		return bad_type(ap, field, "true or false", v);
	*out = v->u.b;
	return 0;
}

/* A map<string,string> field (values may be null). */
static int
get_map(struct ap *ap, const struct json *o, const char *field, bool required, struct delta_map *out)
{
	const struct json *v = json_get(o, field);
	memset(out, 0, sizeof *out);
	if (v == NULL || v->type == JSON_NULL)
		return required ? missing(ap, field) : 0;
	if (v->type != JSON_OBJECT)
		return bad_type(ap, field, "an object of strings", v);
	out->n = (int)v->n;
	if (v->n == 0)
		return 0;
	out->keys = arena_alloc(ap->a, v->n * sizeof *out->keys);
	out->values = arena_alloc(ap->a, v->n * sizeof *out->values);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct json_member *m = &v->u.members[i];
		out->keys[i] = arena_strndup(ap->a, m->key, m->keylen);
		if (m->value.type == JSON_NULL) {
			out->values[i] = NULL;
		} else if (m->value.type == JSON_STRING) {
			out->values[i] = dup(ap, &m->value);
		} else {
			err_set(ap->err, -1, "%s: %s action: \"%s\".\"%s\" must be a string or null, found %s", ap->where,
			    ap->action, field, m->key, json_type_name(m->value.type));
			return -1;
		}
	}
	return 0;
}

static int
get_str_array(struct ap *ap, const struct json *o, const char *field, bool required, int *n,
    const char ***out)
{
	const struct json *v = json_get(o, field);
	*n = 0;
	*out = NULL;
	if (v == NULL || v->type == JSON_NULL)
		return required ? missing(ap, field) : 0;
	if (v->type != JSON_ARRAY)
		return bad_type(ap, field, "an array of strings", v);
	*n = (int)v->n;
	if (v->n == 0)
		return 0;
	*out = arena_alloc(ap->a, v->n * sizeof **out);
	for (uint32_t i = 0; i < v->n; i++) {
		if (v->u.items[i].type != JSON_STRING)
			return bad_type(ap, field, "an array of strings", &v->u.items[i]);
		(*out)[i] = dup(ap, &v->u.items[i]);
	}
	return 0;
}

static int
no_deletion_vector(struct ap *ap, const struct json *o, const char *path)
{
	const struct json *dv = json_get(o, "deletionVector");
	if (dv != NULL && dv->type != JSON_NULL) {
		err_set(ap->err, -1, "%s: %s action for '%s' has a deletion vector; wb cannot apply deletion vectors yet",
		    ap->where, ap->action, path);
		err_hint(ap->err, "rewrite the table without deletion vectors (Spark: REORG TABLE ... APPLY (PURGE)) to read it with wb");
		return -1;
	}
	return 0;
}

static int
parse_protocol(struct ap *ap, const struct json *o, struct delta_protocol *p)
{
	int64_t r, w;
	if (get_int(ap, o, "minReaderVersion", true, 0, &r) < 0 ||
	    get_int(ap, o, "minWriterVersion", true, 0, &w) < 0 ||
	    get_str_array(ap, o, "readerFeatures", false, &p->nreader_features, &p->reader_features) < 0 ||
	    get_str_array(ap, o, "writerFeatures", false, &p->nwriter_features, &p->writer_features) < 0)
		return -1;
	if (r < 1 || r > 1000 || w < 1 || w > 1000) {
		err_set(ap->err, -1, "%s: protocol action: versions %lld/%lld are out of range", ap->where,
		    (long long)r, (long long)w);
		return -1;
	}
	p->min_reader_version = (int)r;
	p->min_writer_version = (int)w;
	return 0;
}

static int
parse_metadata(struct ap *ap, const struct json *o, struct delta_metadata *m)
{
	if (get_str(ap, o, "id", true, &m->id) < 0 || get_str(ap, o, "name", false, &m->name) < 0 ||
	    get_str(ap, o, "description", false, &m->description) < 0 ||
	    get_str(ap, o, "schemaString", true, &m->schema_string) < 0 ||
	    get_str_array(ap, o, "partitionColumns", false, &m->npartition_columns, &m->partition_columns) < 0 ||
	    get_map(ap, o, "configuration", false, &m->configuration) < 0 ||
	    get_int(ap, o, "createdTime", false, -1, &m->created_time) < 0)
		return -1;
	const struct json *f = json_get(o, "format");
	m->format_provider = "parquet";
	memset(&m->format_options, 0, sizeof m->format_options);
	if (f != NULL && f->type != JSON_NULL) {
		if (f->type != JSON_OBJECT)
			return bad_type(ap, "format", "an object", f);
		struct ap sub = *ap;
		sub.action = "metaData.format";
		const char *prov;
		if (get_str(&sub, f, "provider", false, &prov) < 0 ||
		    get_map(&sub, f, "options", false, &m->format_options) < 0)
			return -1;
		if (prov != NULL)
			m->format_provider = prov;
	}
	return 0;
}

static int
parse_add(struct ap *ap, const struct json *o, struct delta_add *x)
{
	if (get_str(ap, o, "path", true, &x->path) < 0 || no_deletion_vector(ap, o, x->path) < 0 ||
	    get_map(ap, o, "partitionValues", false, &x->partition_values) < 0 ||
	    get_int(ap, o, "size", true, 0, &x->size) < 0 ||
	    get_int(ap, o, "modificationTime", true, 0, &x->modification_time) < 0 ||
	    get_bool(ap, o, "dataChange", true, true, &x->data_change) < 0 ||
	    get_str(ap, o, "stats", false, &x->stats) < 0 || get_map(ap, o, "tags", false, &x->tags) < 0 ||
	    get_int(ap, o, "baseRowId", false, -1, &x->base_row_id) < 0 ||
	    get_int(ap, o, "defaultRowCommitVersion", false, -1, &x->default_row_commit_version) < 0)
		return -1;
	if (x->size < 0) {
		err_set(ap->err, -1, "%s: add action for '%s' has a negative size", ap->where, x->path);
		return -1;
	}
	return 0;
}

static int
parse_remove(struct ap *ap, const struct json *o, struct delta_remove *x)
{
	if (get_str(ap, o, "path", true, &x->path) < 0 || no_deletion_vector(ap, o, x->path) < 0 ||
	    get_int(ap, o, "deletionTimestamp", false, -1, &x->deletion_timestamp) < 0 ||
	    get_bool(ap, o, "dataChange", true, true, &x->data_change) < 0 ||
	    get_bool(ap, o, "extendedFileMetadata", false, false, &x->extended_file_metadata) < 0 ||
	    get_map(ap, o, "partitionValues", false, &x->partition_values) < 0 ||
	    get_int(ap, o, "size", false, -1, &x->size) < 0 || get_str(ap, o, "stats", false, &x->stats) < 0 ||
	    get_map(ap, o, "tags", false, &x->tags) < 0 ||
	    get_int(ap, o, "baseRowId", false, -1, &x->base_row_id) < 0 ||
	    get_int(ap, o, "defaultRowCommitVersion", false, -1, &x->default_row_commit_version) < 0)
		return -1;
	return 0;
}

int
delta_action_parse(const char *key, const struct json *v, struct arena *a, struct delta_action *out,
    const char *where, struct wb_error *err)
{
	static const struct {
		const char *key;
		enum delta_action_type type;
	} known[] = {
		{"protocol", DELTA_ACTION_PROTOCOL}, {"metaData", DELTA_ACTION_METADATA},
		{"add", DELTA_ACTION_ADD}, {"remove", DELTA_ACTION_REMOVE},
		{"txn", DELTA_ACTION_TXN}, {"domainMetadata", DELTA_ACTION_DOMAIN},
		{"commitInfo", DELTA_ACTION_COMMIT_INFO},
	};
	int k = -1;
	for (int i = 0; i < (int)(sizeof known / sizeof known[0]); i++)
		if (strcmp(key, known[i].key) == 0)
			k = i;
	if (k < 0 || v->type == JSON_NULL)
		return 0;   /* cdc, checkpointMetadata, sidecar, future actions; or a null column */
	struct ap ap = {where, key, a, err};
	if (v->type != JSON_OBJECT) {
		err_set(err, -1, "%s: the %s action must be a JSON object, found %s", where, key, json_type_name(v->type));
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->type = known[k].type;
	int rc = 0;
	switch (out->type) {
	case DELTA_ACTION_PROTOCOL:
		rc = parse_protocol(&ap, v, &out->u.protocol);
		break;
	case DELTA_ACTION_METADATA:
		rc = parse_metadata(&ap, v, &out->u.metadata);
		break;
	case DELTA_ACTION_ADD:
		rc = parse_add(&ap, v, &out->u.add);
		break;
	case DELTA_ACTION_REMOVE:
		rc = parse_remove(&ap, v, &out->u.remove);
		break;
	case DELTA_ACTION_TXN:
		rc = get_str(&ap, v, "appId", true, &out->u.txn.app_id) < 0 ||
		    get_int(&ap, v, "version", true, 0, &out->u.txn.version) < 0 ||
		    get_int(&ap, v, "lastUpdated", false, -1, &out->u.txn.last_updated) < 0 ? -1 : 0;
		break;
	case DELTA_ACTION_DOMAIN:
		rc = get_str(&ap, v, "domain", true, &out->u.domain.domain) < 0 ||
		    get_str(&ap, v, "configuration", true, &out->u.domain.configuration) < 0 ||
		    get_bool(&ap, v, "removed", true, false, &out->u.domain.removed) < 0 ? -1 : 0;
		break;
	case DELTA_ACTION_COMMIT_INFO: {
		struct strbuf sb = STRBUF_INIT;
		json_write(&sb, v);
		out->u.commit_info = arena_strndup(a, sb.s, sb.len);
		sb_free(&sb);
		break;
	}
	}
	return rc < 0 ? -1 : 1;
}

const char *
delta_map_get(const struct delta_map *m, const char *key, bool *found)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0) {
			if (found != NULL)
				*found = true;
			return m->values[i];
		}
	if (found != NULL)
		*found = false;
	return NULL;
}

/* ---- copying ---- */

static const char *
cp_str(struct arena *a, const char *s)
{
	return s != NULL ? arena_strdup(a, s) : NULL;
}

void
delta_map_copy(struct arena *a, const struct delta_map *src, struct delta_map *dst)
{
	dst->n = src->n;
	dst->keys = dst->values = NULL;
	if (src->n == 0)
		return;
	dst->keys = arena_alloc(a, (size_t)src->n * sizeof *dst->keys);
	dst->values = arena_alloc(a, (size_t)src->n * sizeof *dst->values);
	for (int i = 0; i < src->n; i++) {
		dst->keys[i] = cp_str(a, src->keys[i]);
		dst->values[i] = cp_str(a, src->values[i]);
	}
}

static const char **
cp_strs(struct arena *a, const char **src, int n)
{
	if (n == 0)
		return NULL;
	const char **d = arena_alloc(a, (size_t)n * sizeof *d);
	for (int i = 0; i < n; i++)
		d[i] = cp_str(a, src[i]);
	return d;
}

void
delta_action_copy(const struct delta_action *src, struct arena *a, struct delta_action *dst)
{
	*dst = *src;
	switch (src->type) {
	case DELTA_ACTION_PROTOCOL:
		dst->u.protocol.reader_features = cp_strs(a, src->u.protocol.reader_features, src->u.protocol.nreader_features);
		dst->u.protocol.writer_features = cp_strs(a, src->u.protocol.writer_features, src->u.protocol.nwriter_features);
		break;
	case DELTA_ACTION_METADATA: {
		const struct delta_metadata *s = &src->u.metadata;
		struct delta_metadata *d = &dst->u.metadata;
		d->id = cp_str(a, s->id);
		d->name = cp_str(a, s->name);
		d->description = cp_str(a, s->description);
		d->format_provider = cp_str(a, s->format_provider);
		delta_map_copy(a, &s->format_options, &d->format_options);
		d->schema_string = cp_str(a, s->schema_string);
		d->partition_columns = cp_strs(a, s->partition_columns, s->npartition_columns);
		delta_map_copy(a, &s->configuration, &d->configuration);
		break;
	}
	case DELTA_ACTION_ADD: {
		const struct delta_add *s = &src->u.add;
		struct delta_add *d = &dst->u.add;
		d->path = cp_str(a, s->path);
		delta_map_copy(a, &s->partition_values, &d->partition_values);
		d->stats = cp_str(a, s->stats);
		delta_map_copy(a, &s->tags, &d->tags);
		break;
	}
	case DELTA_ACTION_REMOVE: {
		const struct delta_remove *s = &src->u.remove;
		struct delta_remove *d = &dst->u.remove;
		d->path = cp_str(a, s->path);
		delta_map_copy(a, &s->partition_values, &d->partition_values);
		d->stats = cp_str(a, s->stats);
		delta_map_copy(a, &s->tags, &d->tags);
		break;
	}
	case DELTA_ACTION_TXN:
		dst->u.txn.app_id = cp_str(a, src->u.txn.app_id);
		break;
	case DELTA_ACTION_DOMAIN:
		dst->u.domain.domain = cp_str(a, src->u.domain.domain);
		dst->u.domain.configuration = cp_str(a, src->u.domain.configuration);
		break;
	case DELTA_ACTION_COMMIT_INFO:
		dst->u.commit_info = cp_str(a, src->u.commit_info);
		break;
	}
}

/* ---- writing ---- */

static void
w_map(struct json_writer *w, const char *key, const struct delta_map *m)
{
	json_w_key(w, key);
	json_w_object(w);
	for (int i = 0; i < m->n; i++) {
		json_w_key(w, m->keys[i]);
		json_w_string(w, m->values[i]);
	}
	json_w_end(w);
}

static void
w_strs(struct json_writer *w, const char *key, const char **v, int n)
{
	json_w_key(w, key);
	json_w_array(w);
	for (int i = 0; i < n; i++)
		json_w_string(w, v[i]);
	json_w_end(w);
}

void
delta_action_write(const struct delta_action *act, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	json_w_key(&w, delta_action_name(act->type));
	switch (act->type) {
	case DELTA_ACTION_PROTOCOL: {
		const struct delta_protocol *p = &act->u.protocol;
		json_w_object(&w);
		json_w_key(&w, "minReaderVersion");
		json_w_int(&w, p->min_reader_version);
		json_w_key(&w, "minWriterVersion");
		json_w_int(&w, p->min_writer_version);
		if (p->min_reader_version >= 3 || p->nreader_features > 0)
			w_strs(&w, "readerFeatures", p->reader_features, p->nreader_features);
		if (p->min_writer_version >= 7 || p->nwriter_features > 0)
			w_strs(&w, "writerFeatures", p->writer_features, p->nwriter_features);
		json_w_end(&w);
		break;
	}
	case DELTA_ACTION_METADATA: {
		const struct delta_metadata *m = &act->u.metadata;
		json_w_object(&w);
		json_w_key(&w, "id");
		json_w_string(&w, m->id);
		if (m->name != NULL) {
			json_w_key(&w, "name");
			json_w_string(&w, m->name);
		}
		if (m->description != NULL) {
			json_w_key(&w, "description");
			json_w_string(&w, m->description);
		}
		json_w_key(&w, "format");
		json_w_object(&w);
		json_w_key(&w, "provider");
		json_w_string(&w, m->format_provider != NULL ? m->format_provider : "parquet");
		w_map(&w, "options", &m->format_options);
		json_w_end(&w);
		json_w_key(&w, "schemaString");
		json_w_string(&w, m->schema_string);
		w_strs(&w, "partitionColumns", m->partition_columns, m->npartition_columns);
		w_map(&w, "configuration", &m->configuration);
		if (m->created_time >= 0) {
			json_w_key(&w, "createdTime");
			json_w_int(&w, m->created_time);
		}
		json_w_end(&w);
		break;
	}
	case DELTA_ACTION_ADD: {
		const struct delta_add *x = &act->u.add;
		json_w_object(&w);
		json_w_key(&w, "path");
		json_w_string(&w, x->path);
		w_map(&w, "partitionValues", &x->partition_values);
		json_w_key(&w, "size");
		json_w_int(&w, x->size);
		json_w_key(&w, "modificationTime");
		json_w_int(&w, x->modification_time);
		json_w_key(&w, "dataChange");
		json_w_bool(&w, x->data_change);
		if (x->stats != NULL) {
			json_w_key(&w, "stats");
			json_w_string(&w, x->stats);
		}
		if (x->tags.n > 0)
			w_map(&w, "tags", &x->tags);
		if (x->base_row_id >= 0) {
			json_w_key(&w, "baseRowId");
			json_w_int(&w, x->base_row_id);
		}
		if (x->default_row_commit_version >= 0) {
			json_w_key(&w, "defaultRowCommitVersion");
			json_w_int(&w, x->default_row_commit_version);
		}
		json_w_end(&w);
		break;
	}
	case DELTA_ACTION_REMOVE: {
		const struct delta_remove *x = &act->u.remove;
		json_w_object(&w);
		json_w_key(&w, "path");
		json_w_string(&w, x->path);
		if (x->deletion_timestamp >= 0) {
			json_w_key(&w, "deletionTimestamp");
			json_w_int(&w, x->deletion_timestamp);
		}
		json_w_key(&w, "dataChange");
		json_w_bool(&w, x->data_change);
		if (x->extended_file_metadata) {
			json_w_key(&w, "extendedFileMetadata");
			json_w_bool(&w, true);
			w_map(&w, "partitionValues", &x->partition_values);
			if (x->size >= 0) {
				json_w_key(&w, "size");
				json_w_int(&w, x->size);
			}
			if (x->tags.n > 0)
				w_map(&w, "tags", &x->tags);
		}
		if (x->stats != NULL) {
			json_w_key(&w, "stats");
			json_w_string(&w, x->stats);
		}
		if (x->base_row_id >= 0) {
			json_w_key(&w, "baseRowId");
			json_w_int(&w, x->base_row_id);
		}
		if (x->default_row_commit_version >= 0) {
			json_w_key(&w, "defaultRowCommitVersion");
			json_w_int(&w, x->default_row_commit_version);
		}
		json_w_end(&w);
		break;
	}
	case DELTA_ACTION_TXN:
		json_w_object(&w);
		json_w_key(&w, "appId");
		json_w_string(&w, act->u.txn.app_id);
		json_w_key(&w, "version");
		json_w_int(&w, act->u.txn.version);
		if (act->u.txn.last_updated >= 0) {
			json_w_key(&w, "lastUpdated");
			json_w_int(&w, act->u.txn.last_updated);
		}
		json_w_end(&w);
		break;
	case DELTA_ACTION_DOMAIN:
		json_w_object(&w);
		json_w_key(&w, "domain");
		json_w_string(&w, act->u.domain.domain);
		json_w_key(&w, "configuration");
		json_w_string(&w, act->u.domain.configuration);
		json_w_key(&w, "removed");
		json_w_bool(&w, act->u.domain.removed);
		json_w_end(&w);
		break;
	case DELTA_ACTION_COMMIT_INFO:
		json_w_raw(&w, act->u.commit_info, strlen(act->u.commit_info));
		break;
	}
	json_w_end(&w);
}

const char *
delta_action_name(enum delta_action_type t)
{
	switch (t) {
	case DELTA_ACTION_PROTOCOL: return "protocol";
	case DELTA_ACTION_METADATA: return "metaData";
	case DELTA_ACTION_ADD: return "add";
	case DELTA_ACTION_REMOVE: return "remove";
	case DELTA_ACTION_TXN: return "txn";
	case DELTA_ACTION_DOMAIN: return "domainMetadata";
	case DELTA_ACTION_COMMIT_INFO: return "commitInfo";
	}
	return "?";
}

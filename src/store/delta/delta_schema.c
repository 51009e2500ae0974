/*
 * delta_schema: the table schema (metaData.schemaString, Spark's StructType
 * JSON) to and from wb columns. See delta.h for the type mapping.
 */
#include "store/delta/delta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "decimal(p,s)" with 1 <= p <= 38 and 0 <= s <= p (or bare "decimal"). */
static bool
is_decimal(const char *t)
{
	if (strcmp(t, "decimal") == 0)
		return true;
	int p, s, n = 0;
	if (sscanf(t, "decimal(%d,%d)%n", &p, &s, &n) != 2 || t[n] != '\0') {
		n = 0;
		if (sscanf(t, "decimal(%d, %d)%n", &p, &s, &n) != 2 || t[n] != '\0')
			return false;
	}
	return p >= 1 && p <= 38 && s >= 0 && s <= p;
}

static int
map_type(const char *col, const char *t, wb_type *out, struct wb_error *err)
{
	static const struct {
		const char *delta;
		wb_type wb;
	} prim[] = {
		{"byte", WB_TYPE_BIGINT}, {"short", WB_TYPE_BIGINT}, {"integer", WB_TYPE_BIGINT},
		{"long", WB_TYPE_BIGINT}, {"float", WB_TYPE_DOUBLE}, {"double", WB_TYPE_DOUBLE},
		{"string", WB_TYPE_VARCHAR}, {"binary", WB_TYPE_VARCHAR}, {"boolean", WB_TYPE_BOOL},
		{"date", WB_TYPE_DATE}, {"timestamp", WB_TYPE_TIMESTAMP}, {"timestamp_ntz", WB_TYPE_TIMESTAMP},
	};
	for (size_t i = 0; i < sizeof prim / sizeof prim[0]; i++)
		if (strcmp(t, prim[i].delta) == 0) {
			*out = prim[i].wb;
			return 0;
		}
	if (is_decimal(t)) {
		*out = WB_TYPE_DOUBLE;
		return 0;
	}
	if (strcmp(t, "void") == 0 || strcmp(t, "variant") == 0)
		err_set(err, -1, "column '%s' has the Delta type '%s', which wb does not support", col, t);
	else
		err_set(err, -1, "column '%s' has the unknown Delta type '%s'", col, t);
	return -1;
}

int
delta_schema_parse(const char *schema_string, struct arena *a, struct delta_schema *out,
    struct wb_error *err)
{
	struct arena tmp;
	arena_init(&tmp, 0);
	memset(out, 0, sizeof *out);
	int rc = -1;
	struct json_error je;
	struct json *root = json_parse(schema_string, strlen(schema_string), &tmp, 0, &je);
	const struct json *fields = json_get(root, "fields");
	if (root == NULL) {
		err_set(err, -1, "the table schema (schemaString) is not valid JSON: column %d: %s", je.col, je.msg);
		goto out;
	}
	const char *rt = json_get_str(root, "type");
	if (rt == NULL || strcmp(rt, "struct") != 0 || !json_is(fields, JSON_ARRAY)) {
		err_set(err, -1, "the table schema (schemaString) is not a struct with a \"fields\" array");
		goto out;
	}
	out->ncols = (int)fields->n;
	out->cols = arena_zalloc(a, (fields->n > 0 ? fields->n : 1) * sizeof *out->cols);
	for (uint32_t i = 0; i < fields->n; i++) {
		const struct json *f = &fields->u.items[i];
		struct delta_column *c = &out->cols[i];
		const char *name = json_get_str(f, "name");
		if (name == NULL || name[0] == '\0') {
			err_set(err, -1, "field %u of the table schema has no name", i + 1);
			goto out;
		}
		c->name = arena_strdup(a, name);
		c->partition_index = -1;
		for (uint32_t j = 0; j < i; j++)
			if (strcasecmp(out->cols[j].name, name) == 0) {
				err_set(err, -1, "the table schema has two columns named '%s'", name);
				goto out;
			}
		const struct json *t = json_get(f, "type");
		if (json_is(t, JSON_OBJECT)) {
			const char *kind = json_get_str(t, "type");
			err_set(err, -1, "column '%s' has the nested type %s; wb supports columns of primitive types only (for now)",
			    name, kind != NULL ? kind : "(unknown)");
			goto out;
		}
		if (!json_is(t, JSON_STRING)) {
			err_set(err, -1, "column '%s' of the table schema has no type", name);
			goto out;
		}
		if (map_type(name, t->u.s, &c->type, err) < 0)
			goto out;
		c->delta_type = arena_strdup(a, t->u.s);
		bool nullable = true;
		json_get_bool(f, "nullable", &nullable);
		c->nullable = nullable;
		const struct json *md = json_get(f, "metadata");
		if (json_is(md, JSON_OBJECT)) {
			struct strbuf sb = STRBUF_INIT;
			json_write(&sb, md);
			c->metadata = arena_strndup(a, sb.s, sb.len);
			sb_free(&sb);
		} else {
			c->metadata = "{}";
		}
	}
	rc = 0;
out:
	arena_release(&tmp);
	return rc;
}

void
delta_schema_write(const struct delta_schema *s, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	json_w_key(&w, "type");
	json_w_string(&w, "struct");
	json_w_key(&w, "fields");
	json_w_array(&w);
	for (int i = 0; i < s->ncols; i++) {
		const struct delta_column *c = &s->cols[i];
		json_w_object(&w);
		json_w_key(&w, "name");
		json_w_string(&w, c->name);
		json_w_key(&w, "type");
		json_w_string(&w, c->delta_type != NULL ? c->delta_type : delta_type_for(c->type));
		json_w_key(&w, "nullable");
		json_w_bool(&w, c->nullable);
		json_w_key(&w, "metadata");
		const char *md = c->metadata != NULL ? c->metadata : "{}";
		json_w_raw(&w, md, strlen(md));
		json_w_end(&w);
	}
	json_w_end(&w);
	json_w_end(&w);
}

const char *
delta_type_for(wb_type t)
{
	switch (t) {
	case WB_TYPE_BOOL: return "boolean";
	case WB_TYPE_BIGINT: return "long";
	case WB_TYPE_DOUBLE: return "double";
	case WB_TYPE_VARCHAR: return "string";
	case WB_TYPE_DATE: return "date";
	case WB_TYPE_TIMESTAMP: return "timestamp";
	default: return NULL;
	}
}

int
delta_schema_find(const struct delta_schema *s, const char *name)
{
	for (int i = 0; i < s->ncols; i++)
		if (strcasecmp(s->cols[i].name, name) == 0)
			return i;
	return -1;
}

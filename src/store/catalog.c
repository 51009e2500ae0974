#include "store/catalog.h"
#include "store/catalog_int.h"
#include "store/delta/delta.h"
#include "store/lake/lake.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <unistd.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


struct cat_table {
	char *name;
	struct table *t;
};

struct cat_schema {
	char *name;
	struct cat_table *tables;
	int ntables;
	size_t cap;
};

struct catalog {
	pthread_mutex_t mu;
	struct cat_schema *schemas;   /* includes "temp" */
	int nschemas;
	size_t cap;
	char *current;
	char *warehouse;              /* root of the Delta tables, or NULL */
};

static struct cat_schema *
schema_find(struct catalog *c, const char *name)
{
	for (int i = 0; i < c->nschemas; i++)
		if (strcasecmp(c->schemas[i].name, name) == 0)
			return &c->schemas[i];
	return NULL;
}

static struct cat_schema *
schema_add(struct catalog *c, const char *name)
{
	c->schemas = xgrow(c->schemas, &c->cap, (size_t)c->nschemas + 1, sizeof *c->schemas);
	struct cat_schema *s = &c->schemas[c->nschemas++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	return s;
}

struct catalog *
catalog_new(void)
{
	struct catalog *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	schema_add(c, TEMP_SCHEMA);
	schema_add(c, "default");
	schema_add(c, "bronze");
	schema_add(c, "silver");
	schema_add(c, "gold");
	c->current = xstrdup("default");
	return c;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->nschemas; i++) {
		struct cat_schema *s = &c->schemas[i];
		for (int j = 0; j < s->ntables; j++) {
			free(s->tables[j].name);
			table_unref(s->tables[j].t);
		}
		free(s->tables);
		free(s->name);
	}
	free(c->schemas);
	free(c->warehouse);
	free(c->current);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static int
table_index(struct cat_schema *s, const char *name)
{
	for (int i = 0; i < s->ntables; i++)
		if (strcasecmp(s->tables[i].name, name) == 0)
			return i;
	return -1;
}

/* Split parts into (schema, name); validates the catalog part. */
static int
split_name(struct catalog *c, char *const *parts, int n, const char **schema, const char **name, struct wb_error *err)
{
	if (n < 1 || n > 3) {
		err_set(err, -1, "invalid name: expected [catalog.][schema.]name");
		return -1;
	}
	if (n == 3 && strcasecmp(parts[0], CATALOG_NAME) != 0) {
		err_set(err, -1, "catalog '%s' does not exist", parts[0]);
		err_hint(err, "the catalog is '%s'", CATALOG_NAME);
		return -1;
	}
	*name = parts[n - 1];
	*schema = n >= 2 ? parts[n - 2] : NULL;
	return 0;
}

static void
suggest_table(struct catalog *c, const char *name, struct wb_error *err)
{
	const char **cands = NULL;
	size_t cap = 0;
	int nc = 0;
	for (int i = 0; i < c->nschemas; i++) {
		struct cat_schema *s = &c->schemas[i];
		for (int j = 0; j < s->ntables; j++) {
			cands = xgrow(cands, &cap, (size_t)nc + 1, sizeof *cands);
			cands[nc++] = s->tables[j].name;
		}
	}
	const char *best = str_suggest(name, cands, nc);
	if (best)
		err_hint(err, "did you mean \"%s\"?", best);
	else if (nc == 0)
		err_hint(err, "there are no tables yet: CREATE TABLE %s AS SELECT ... or FROM 'file.csv'", name);
	else
		err_hint(err, "SHOW TABLES lists the tables");
	free(cands);
}

/* Insert (name, t) into s, keeping names sorted for listing. */
static void
table_insert(struct cat_schema *s, const char *name, struct table *t)
{
	s->tables = xgrow(s->tables, &s->cap, (size_t)s->ntables + 1, sizeof *s->tables);
	int pos = s->ntables;
	while (pos > 0 && strcasecmp(s->tables[pos - 1].name, name) > 0)
		pos--;
	memmove(&s->tables[pos + 1], &s->tables[pos], sizeof *s->tables * (size_t)(s->ntables - pos));
	s->tables[pos].name = xstrdup(name);
	s->tables[pos].t = t;
	s->ntables++;
}

/* A Delta table of the warehouse not registered yet (created by another
 * session, or before this one started): open and register it. NULL when
 * there is none; NULL with err set when it exists but cannot be read. */
static struct table *
warehouse_load(struct catalog *c, struct cat_schema *s, const char *name, struct wb_error *err)
{
	if (c->warehouse == NULL || strcasecmp(s->name, TEMP_SCHEMA) == 0)
		return NULL;
	char *dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, s->name, name);
	struct table *t = NULL;
	if (delta_table_exists(dir)) {
		t = lake_table_open(name, dir, false, err);
		if (t)
			table_insert(s, name, t);
	} else if ((t = catalog_view_load(c->warehouse, s->name, name, err)) != NULL) {
		table_insert(s, name, t);
	}
	free(dir);
	return t;
}

struct load_all {
	struct catalog *c;
	struct cat_schema *s;
};

static void
load_one(void *arg, const char *name)
{
	struct load_all *la = arg;
	if (table_index(la->s, name) >= 0)
		return;
	struct wb_error e = WB_ERROR_INIT;
	/* unreadable tables are left out of listings; naming one gives its error */
	warehouse_load(la->c, la->s, name, &e);
	err_clear(&e);
}

/* Register every table of the schema's warehouse folder. */
static void
warehouse_load_all(struct catalog *c, struct cat_schema *s)
{
	if (c->warehouse == NULL || strcasecmp(s->name, TEMP_SCHEMA) == 0)
		return;
	char *dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, s->name, NULL);
	struct load_all la = {c, s};
	lake_each_dir(dir, true, load_one, &la);
	catalog_view_each(c->warehouse, s->name, load_one, &la);
	free(dir);
}

static void
add_schema_dir(void *arg, const char *name)
{
	struct catalog *c = arg;
	if (schema_find(c, name) == NULL && strcasecmp(name, TEMP_SCHEMA) != 0)
		schema_add(c, name);
}

void
catalog_set_warehouse(struct catalog *c, const char *root)
{
	pthread_mutex_lock(&c->mu);
	free(c->warehouse);
	c->warehouse = root ? xstrdup(root) : NULL;
	if (root) {
		char *dir = lake_warehouse_path(root, CATALOG_NAME, "", NULL);
		dir[strlen(dir) - 1] = '\0';    /* root/main */
		lake_each_dir(dir, false, add_schema_dir, c);
		free(dir);
	}
	pthread_mutex_unlock(&c->mu);
}

const char *
catalog_warehouse(struct catalog *c)
{
	return c->warehouse;
}

char *
catalog_table_dir(struct catalog *c, char *const *parts, int n, struct wb_error *err)
{
	const char *schema, *name;
	if (split_name(c, parts, n, &schema, &name, err) < 0)
		return NULL;
	if (c->warehouse == NULL) {
		err_set(err, -1, "there is no warehouse for Delta tables");
		err_hint(err, "start wb with --warehouse DIR (or set WB_WAREHOUSE), or give the table a LOCATION");
		return NULL;
	}
	pthread_mutex_lock(&c->mu);
	struct cat_schema *s = schema_find(c, schema ? schema : c->current);
	char *dir = NULL;
	if (s == NULL || strcasecmp(s->name, TEMP_SCHEMA) == 0) {
		err_set(err, -1, "schema \"%s\" does not exist", schema);
		err_hint(err, "CREATE SCHEMA %s", schema);
	} else {
		dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, s->name, name);
	}
	pthread_mutex_unlock(&c->mu);
	return dir;
}

/* delta.`/path/to/table`: a Delta table read by path (never registered). */
static bool
is_path_name(struct catalog *c, char *const *parts, int n)
{
	return n == 2 && strcasecmp(parts[0], "delta") == 0 && schema_find(c, "delta") == NULL;
}

static struct table *
lookup_locked(struct catalog *c, const char *schema, const char *name)
{
	if (schema == NULL) {
		struct cat_schema *t = schema_find(c, TEMP_SCHEMA);
		int i = table_index(t, name);
		if (i >= 0)
			return t->tables[i].t;
		schema = c->current;
	}
	struct cat_schema *s = schema_find(c, schema);
	if (s == NULL)
		return NULL;
	int i = table_index(s, name);
	if (i >= 0)
		return s->tables[i].t;
	struct wb_error e = WB_ERROR_INIT;
	struct table *t = warehouse_load(c, s, name, &e);
	err_clear(&e);
	return t;
}

struct table *
catalog_find(struct catalog *c, char *const *parts, int n)
{
	const char *schema, *name;
	struct wb_error tmp = WB_ERROR_INIT;
	if (split_name(c, parts, n, &schema, &name, &tmp) < 0) {
		err_clear(&tmp);
		return NULL;
	}
	pthread_mutex_lock(&c->mu);
	struct table *t = lookup_locked(c, schema, name);
	if (t)
		table_ref(t);
	pthread_mutex_unlock(&c->mu);
	return t;
}

struct table *
catalog_get(struct catalog *c, char *const *parts, int n, struct wb_error *err)
{
	const char *schema, *name;
	if (split_name(c, parts, n, &schema, &name, err) < 0)
		return NULL;
	pthread_mutex_lock(&c->mu);
	if (is_path_name(c, parts, n)) {
		pthread_mutex_unlock(&c->mu);
		return lake_table_open(parts[1], parts[1], true, err);
	}
	struct table *t = lookup_locked(c, schema, name);
	struct cat_schema *ws = schema_find(c, schema ? schema : c->current);
	if (t == NULL && ws && c->warehouse) {
		/* a table folder that does not open says why */
		char *dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, ws->name, name);
		if (delta_table_exists(dir)) {
			struct table *x = lake_table_open(name, dir, false, err);
			if (x)
				table_unref(x);
			free(dir);
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		free(dir);
	}
	if (t) {
		table_ref(t);
	} else if (schema && schema_find(c, schema) == NULL) {
		err_set(err, -1, "schema \"%s\" does not exist", schema);
		err_hint(err, "SHOW SCHEMAS lists the schemas");
	} else {
		if (schema)
			err_set(err, -1, "table \"%s.%s\" does not exist", schema, name);
		else
			err_set(err, -1, "table \"%s\" does not exist", name);
		suggest_table(c, name, err);
	}
	pthread_mutex_unlock(&c->mu);
	return t;
}

/* A view of a warehouse schema is kept on disk (catalog_views.c); a table
 * put in place of a stored view removes its file. */
static int
view_store(struct catalog *c, struct cat_schema *s, const char *name, const struct table *t, struct wb_error *err)
{
	if (c->warehouse == NULL || strcasecmp(s->name, TEMP_SCHEMA) == 0)
		return 0;
	if (t->view_sql)
		return catalog_view_save(c->warehouse, s->name, name, t, err);
	return catalog_view_remove(c->warehouse, s->name, name, err);
}

int
catalog_put(struct catalog *c, char *const *parts, int n, struct table *t, bool temp, bool replace,
    bool if_not_exists, struct wb_error *err)
{
	const char *schema, *name;
	if (split_name(c, parts, n, &schema, &name, err) < 0) {
		table_unref(t);
		return -1;
	}
	if (temp) {
		if (schema != NULL && strcasecmp(schema, TEMP_SCHEMA) != 0) {
			err_set(err, -1, "temporary tables cannot be qualified with a schema");
			table_unref(t);
			return -1;
		}
		schema = TEMP_SCHEMA;
	}
	pthread_mutex_lock(&c->mu);
	struct cat_schema *s = schema_find(c, schema ? schema : c->current);
	if (s == NULL) {
		pthread_mutex_unlock(&c->mu);
		err_set(err, -1, "schema \"%s\" does not exist", schema);
		err_hint(err, "CREATE SCHEMA %s", schema);
		table_unref(t);
		return -1;
	}
	int i = table_index(s, name);
	if (i < 0 && t->view_sql) {
		/* a stored view of another session counts as existing */
		struct wb_error e = WB_ERROR_INIT;
		if (warehouse_load(c, s, name, &e))
			i = table_index(s, name);
		err_clear(&e);
	}
	if (i >= 0) {
		if (if_not_exists) {
			pthread_mutex_unlock(&c->mu);
			table_unref(t);
			return 0;
		}
		if (!replace) {
			pthread_mutex_unlock(&c->mu);
			err_set(err, -1, "%s \"%s\" already exists", s->tables[i].t->view_sql ? "view" : "table", name);
			err_hint(err, "use CREATE OR REPLACE, or DROP it first");
			table_unref(t);
			return -1;
		}
		if (view_store(c, s, name, t, err) < 0) {
			pthread_mutex_unlock(&c->mu);
			table_unref(t);
			return -1;
		}
		struct table *old = s->tables[i].t;
		s->tables[i].t = t;
		pthread_mutex_unlock(&c->mu);
		table_unref(old);
		return 0;
	}
	if (view_store(c, s, name, t, err) < 0) {
		pthread_mutex_unlock(&c->mu);
		table_unref(t);
		return -1;
	}
	table_insert(s, name, t);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int
catalog_drop(struct catalog *c, char *const *parts, int n, bool view, bool if_exists, struct wb_error *err)
{
	const char *schema, *name;
	if (split_name(c, parts, n, &schema, &name, err) < 0)
		return -1;
	pthread_mutex_lock(&c->mu);
	struct cat_schema *s = NULL;
	int i = -1;
	if (schema == NULL) {
		s = schema_find(c, TEMP_SCHEMA);
		i = table_index(s, name);
		if (i < 0) {
			s = schema_find(c, c->current);
			i = s ? table_index(s, name) : -1;
		}
	} else {
		s = schema_find(c, schema);
		i = s ? table_index(s, name) : -1;
	}
	if (i < 0 && s) {
		struct wb_error e = WB_ERROR_INIT;
		if (warehouse_load(c, s, name, &e))
			i = table_index(s, name);
		err_clear(&e);
	}
	if (i < 0) {
		if (if_exists) {
			pthread_mutex_unlock(&c->mu);
			return 0;
		}
		err_set(err, -1, "%s \"%s\" does not exist", view ? "view" : "table", name);
		suggest_table(c, name, err);
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	struct table *t = s->tables[i].t;
	if ((t->view_sql != NULL) != view) {
		err_set(err, -1, "\"%s\" is a %s, not a %s", name, t->view_sql ? "view" : "table", view ? "view" : "table");
		err_hint(err, "use DROP %s %s", t->view_sql ? "VIEW" : "TABLE", name);
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	/* a managed Delta table's files go with it; an external one keeps them */
	if (lake_table_dir(t) && !lake_table_is_external(t) && lake_drop_files(lake_table_dir(t), err) < 0) {
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	if (t->view_sql && c->warehouse && strcasecmp(s->name, TEMP_SCHEMA) != 0 &&
	    catalog_view_remove(c->warehouse, s->name, name, err) < 0) {
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	free(s->tables[i].name);
	memmove(&s->tables[i], &s->tables[i + 1], sizeof *s->tables * (size_t)(s->ntables - i - 1));
	s->ntables--;
	pthread_mutex_unlock(&c->mu);
	table_unref(t);
	return 0;
}

int
catalog_create_schema(struct catalog *c, char *const *parts, int n, bool if_not_exists, struct wb_error *err)
{
	if (n == 2 && strcasecmp(parts[0], CATALOG_NAME) != 0) {
		err_set(err, -1, "catalog '%s' does not exist", parts[0]);
		return -1;
	}
	if (n < 1 || n > 2) {
		err_set(err, -1, "invalid schema name");
		return -1;
	}
	const char *name = parts[n - 1];
	pthread_mutex_lock(&c->mu);
	if (schema_find(c, name)) {
		pthread_mutex_unlock(&c->mu);
		if (if_not_exists)
			return 0;
		err_set(err, -1, "schema \"%s\" already exists", name);
		return -1;
	}
	if (c->warehouse) {
		char *dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, name, NULL);
		int rc = lake_mkdirs(dir, err);
		free(dir);
		if (rc < 0) {
			pthread_mutex_unlock(&c->mu);
			return -1;
		}
	}
	schema_add(c, name);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int
catalog_drop_schema(struct catalog *c, char *const *parts, int n, bool if_exists, bool cascade, struct wb_error *err)
{
	const char *name = parts[n - 1];
	pthread_mutex_lock(&c->mu);
	struct cat_schema *s = schema_find(c, name);
	if (s == NULL) {
		pthread_mutex_unlock(&c->mu);
		if (if_exists)
			return 0;
		err_set(err, -1, "schema \"%s\" does not exist", name);
		return -1;
	}
	if (strcasecmp(name, TEMP_SCHEMA) == 0 || strcasecmp(name, "default") == 0 || strcasecmp(name, c->current) == 0) {
		pthread_mutex_unlock(&c->mu);
		err_set(err, -1, "cannot drop schema \"%s\"", name);
		err_hint(err, "it is the temporary, default or current schema");
		return -1;
	}
	warehouse_load_all(c, s);
	if (s->ntables > 0 && !cascade) {
		pthread_mutex_unlock(&c->mu);
		err_set(err, -1, "schema \"%s\" is not empty (%d tables)", name, s->ntables);
		err_hint(err, "DROP SCHEMA %s CASCADE drops its tables too", name);
		return -1;
	}
	for (int j = 0; j < s->ntables; j++) {
		struct table *t = s->tables[j].t;
		if (lake_table_dir(t) && !lake_table_is_external(t) && lake_drop_files(lake_table_dir(t), err) < 0) {
			/* the tables dropped so far are gone; the rest stay */
			memmove(&s->tables[0], &s->tables[j], sizeof *s->tables * (size_t)(s->ntables - j));
			s->ntables -= j;
			pthread_mutex_unlock(&c->mu);
			return -1;
		}
		free(s->tables[j].name);
		table_unref(t);
	}
	if (c->warehouse) {
		char *dir = lake_warehouse_path(c->warehouse, CATALOG_NAME, s->name, NULL);
		rmdir(dir);    /* a folder that still holds other files stays */
		free(dir);
	}
	free(s->tables);
	free(s->name);
	int idx = (int)(s - c->schemas);
	memmove(&c->schemas[idx], &c->schemas[idx + 1], sizeof *c->schemas * (size_t)(c->nschemas - idx - 1));
	c->nschemas--;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int
catalog_use(struct catalog *c, char *const *parts, int n, struct wb_error *err)
{
	if (n == 2 && strcasecmp(parts[0], CATALOG_NAME) != 0) {
		err_set(err, -1, "catalog '%s' does not exist", parts[0]);
		return -1;
	}
	const char *name = parts[n - 1];
	pthread_mutex_lock(&c->mu);
	if (n == 1 && strcasecmp(name, CATALOG_NAME) == 0) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	struct cat_schema *s = schema_find(c, name);
	if (s == NULL || strcasecmp(name, TEMP_SCHEMA) == 0) {
		pthread_mutex_unlock(&c->mu);
		err_set(err, -1, "schema \"%s\" does not exist", name);
		err_hint(err, "SHOW SCHEMAS lists the schemas");
		return -1;
	}
	free(c->current);
	c->current = xstrdup(s->name);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

bool
catalog_schema_exists(struct catalog *c, const char *schema)
{
	pthread_mutex_lock(&c->mu);
	bool r = schema_find(c, schema) != NULL && strcasecmp(schema, TEMP_SCHEMA) != 0;
	pthread_mutex_unlock(&c->mu);
	return r;
}

const char *
catalog_current_schema(struct catalog *c)
{
	return c->current;
}

const char *
catalog_current_catalog(struct catalog *c)
{
	return CATALOG_NAME;
}

void
catalog_each_table(struct catalog *c, const char *schema, void (*fn)(void *arg, const struct catalog_entry *e), void *arg)
{
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < c->nschemas; i++) {
		struct cat_schema *s = &c->schemas[i];
		if (schema && strcasecmp(schema, s->name) != 0)
			continue;
		warehouse_load_all(c, s);
		for (int j = 0; j < s->ntables; j++) {
			struct catalog_entry e = {CATALOG_NAME, s->name, s->tables[j].name, s->tables[j].t,
			    strcasecmp(s->name, TEMP_SCHEMA) == 0};
			fn(arg, &e);
		}
	}
	pthread_mutex_unlock(&c->mu);
}

void
catalog_each_schema(struct catalog *c, void (*fn)(void *arg, const char *catalog, const char *schema), void *arg)
{
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < c->nschemas; i++)
		if (strcasecmp(c->schemas[i].name, TEMP_SCHEMA) != 0)
			fn(arg, CATALOG_NAME, c->schemas[i].name);
	pthread_mutex_unlock(&c->mu);
}

int
catalog_swap(struct catalog *c, struct table *old, struct table *t, struct wb_error *err)
{
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < c->nschemas; i++) {
		struct cat_schema *s = &c->schemas[i];
		for (int j = 0; j < s->ntables; j++) {
			if (s->tables[j].t != old)
				continue;
			s->tables[j].t = t;
			pthread_mutex_unlock(&c->mu);
			table_unref(old);
			return 0;
		}
	}
	pthread_mutex_unlock(&c->mu);
	err_set(err, -1, "table \"%s\" was dropped or replaced while the statement ran", old->name);
	table_unref(t);
	return -1;
}

/*
 * catalog: names -> tables and views, in catalogs and schemas.
 *
 * Names are `[catalog.][schema.]name`, case-insensitive. The default
 * catalog is `main`, with schemas `default`, `bronze`, `silver` and `gold`
 * from the start; `USE` changes the current schema. Temporary tables and
 * views live in the session-local schema `temp`, which shadows the current
 * schema for unqualified names (as temporary views do in Spark).
 *
 * Thread-safe; lookups return a reference the caller releases with
 * table_unref().
 */
#ifndef WB_STORE_CATALOG_H
#define WB_STORE_CATALOG_H

#include <stdbool.h>

#include "core/error.h"
#include "store/table.h"

struct catalog;

struct catalog *catalog_new(void);
void catalog_free(struct catalog *c);

/* Look a table/view up; NULL with a "did you mean" error when absent. */
struct table *catalog_get(struct catalog *c, char *const *parts, int n, struct wb_error *err);
/* Like catalog_get, but absent is not an error (returns NULL, err untouched). */
struct table *catalog_find(struct catalog *c, char *const *parts, int n);
/* Register t under the name (the catalog takes over the caller's reference).
 * temp: put it in the temp schema (n must be 1). replace: overwrite an
 * existing entry; otherwise an existing name is an error (unless
 * if_not_exists, which silently keeps the old one and drops t). */
int catalog_put(struct catalog *c, char *const *parts, int n, struct table *t, bool temp, bool replace,
    bool if_not_exists, struct wb_error *err);
int catalog_drop(struct catalog *c, char *const *parts, int n, bool view, bool if_exists, struct wb_error *err);
int catalog_create_schema(struct catalog *c, char *const *parts, int n, bool if_not_exists, struct wb_error *err);
int catalog_drop_schema(struct catalog *c, char *const *parts, int n, bool if_exists, bool cascade, struct wb_error *err);
int catalog_use(struct catalog *c, char *const *parts, int n, struct wb_error *err);
const char *catalog_current_schema(struct catalog *c);
bool catalog_schema_exists(struct catalog *c, const char *schema);
const char *catalog_current_catalog(struct catalog *c);

/* The warehouse: a directory of catalog/schema/table folders holding Delta
 * tables (store/lake). Once set, schema folders are schemas, table folders
 * are tables (opened when first named or listed), CREATE SCHEMA makes a
 * folder and DROP TABLE removes a managed table's files. delta.`/path`
 * names the Delta table at that path (not registered). */
void catalog_set_warehouse(struct catalog *c, const char *root);
const char *catalog_warehouse(struct catalog *c);
/* The folder a managed table of this name lives in (malloc'd); NULL with
 * err when there is no warehouse or no such schema. */
char *catalog_table_dir(struct catalog *c, char *const *parts, int n, struct wb_error *err);

/* Enumerations (for SHOW, completion, the TUI tree). */
struct catalog_entry {
	const char *catalog;
	const char *schema;
	const char *name;
	struct table *table;   /* borrowed; valid during the callback */
	bool temp;
};
/* schema NULL: all schemas; callback order is schema then name. */
void catalog_each_table(struct catalog *c, const char *schema, void (*fn)(void *arg, const struct catalog_entry *e), void *arg);
void catalog_each_schema(struct catalog *c, void (*fn)(void *arg, const char *catalog, const char *schema), void *arg);

#endif

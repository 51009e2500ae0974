/*
 * catalog_int: what catalog.c shares with catalog_views.c (the views of a
 * warehouse schema, kept as files); not for other modules.
 */
#ifndef WB_STORE_CATALOG_INT_H
#define WB_STORE_CATALOG_INT_H

#include "core/error.h"
#include "store/catalog.h"

#define CATALOG_NAME "main"
#define TEMP_SCHEMA "temp"

/* Write view t's definition (name, SQL, columns) for schema.name, atomically. */
int catalog_view_save(const char *warehouse, const char *schema, const char *name, const struct table *t,
    struct wb_error *err);
/* Remove it (none is fine). */
int catalog_view_remove(const char *warehouse, const char *schema, const char *name, struct wb_error *err);
/* The stored view schema.name as a view table (one reference); NULL when
 * there is none, NULL with err when its file is damaged. */
struct table *catalog_view_load(const char *warehouse, const char *schema, const char *name, struct wb_error *err);
/* Call fn with the name of each stored view of the schema. */
void catalog_view_each(const char *warehouse, const char *schema, void (*fn)(void *arg, const char *name), void *arg);

#endif

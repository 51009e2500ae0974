/*
 * table: what the catalog stores — an interface over any kind of table
 * (in-memory today, Delta Lake later) plus views (stored as SQL text; the
 * SQL layer parses them, the store does not).
 *
 * Tables are reference counted: the catalog holds one reference and every
 * query that resolves a name takes one for its duration, so DROP or
 * CREATE OR REPLACE never frees a table under a running query.
 */
#ifndef WB_STORE_TABLE_H
#define WB_STORE_TABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "store/source.h"

struct table;

struct table_ops {
	const char *kind;                     /* "memory", "delta", ... */
	/* A scan source over a consistent snapshot of the table. */
	struct source *(*scan)(struct table *t, struct wb_error *err);
	int64_t (*row_count)(struct table *t);  /* -1 when unknown */
	int64_t (*byte_size)(struct table *t);  /* in-memory or on-disk bytes, -1 unknown */
	void (*destroy)(struct table *t);
	/* Optional, for kinds that keep history (time travel): the table as
	 * of a version (version >= 0) or, when version < 0, as of a time
	 * (microseconds since the epoch, UTC): a new table object (one
	 * reference) with that version's schema whose every scan reads that
	 * version, and the version it resolved to in *resolved. NULL with err
	 * (naming the versions or times that exist) when there is no such
	 * version. NULL op: the kind has no history. */
	struct table *(*as_of)(struct table *t, int64_t version, int64_t timestamp_us, int64_t *resolved,
	    struct wb_error *err);
};

struct table {
	char *name;            /* unqualified name as created */
	int ncol;
	char **names;
	wb_type *types;
	const struct table_ops *ops;   /* NULL for views */
	void *impl;
	char *view_sql;        /* views: the defining query text */
	char *comment;
	atomic_int refs;
};

/* New table object with a copy of the schema and one reference. */
struct table *table_new(const char *name, int ncol, char *const *names, const wb_type *types,
    const struct table_ops *ops, void *impl);
struct table *table_new_view(const char *name, const char *sql, int ncol, char *const *names, const wb_type *types);
void table_ref(struct table *t);
void table_unref(struct table *t);
/* Column index by name (case-insensitive), -1 if absent. */
int table_column(const struct table *t, const char *name);

#endif

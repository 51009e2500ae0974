/*
 * delta_protocol: may wb read / write this table?
 *
 * The protocol action says which reader and writer versions (and, from
 * reader 3 / writer 7 on, which named features) a client must implement.
 * A client that reads a table with a feature it does not implement returns
 * wrong answers (deletion vectors: deleted rows come back; column mapping:
 * columns come back NULL), so everything unknown is refused, naming the
 * table and the feature.
 *
 * Reading: versions 1 to 3. Version 2 means column mapping, which reads
 * like version 1 while the mapping mode is "none"; version 3 lists its
 * features, and those whose reader side wb implements are accepted:
 * timestampNtz (a TIMESTAMP without time zone), vacuumProtocolCheck
 * (affects VACUUM only), columnMapping in mode "none".
 *
 * Writing: versions 1 and 2 (append-only tables and column invariants;
 * invariants are refused until the SQL layer can evaluate them), 3 (CHECK
 * constraints, which the SQL layer evaluates on every row it writes - a
 * lake_write refuses to commit rows to such a table unless its checks
 * were attached, lake.h - and the checkpoint statistics properties, of
 * which wb honours the defaults: statistics as JSON, not as structs), or
 * 7 with only such features.
 */
#include "store/delta/delta_int.h"

#include <string.h>
#include <strings.h>

static const char *const reader_ok[] = {"columnMapping", "timestampNtz", "vacuumProtocolCheck"};
static const char *const writer_ok[] = {
	"appendOnly", "invariants", "columnMapping", "timestampNtz", "vacuumProtocolCheck", "domainMetadata",
	"checkConstraints",
};

#define CONSTRAINT_PREFIX "delta.constraints."

bool
delta_has_constraints(const struct delta_map *conf)
{
	for (int i = 0; i < conf->n; i++)
		if (strncasecmp(conf->keys[i], CONSTRAINT_PREFIX, strlen(CONSTRAINT_PREFIX)) == 0)
			return true;
	return false;
}

static bool
in(const char *f, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f, set[i]) == 0)
			return true;
	return false;
}

static const char *
feature_what(const char *f)
{
	static const struct {
		const char *name, *what;
	} t[] = {
		{"deletionVectors", "deletion vectors (rows deleted without rewriting files)"},
		{"v2Checkpoint", "V2 checkpoints"},
		{"typeWidening", "type widening"},
		{"variantType", "the VARIANT type"},
		{"catalogManaged", "catalog-managed commits"},
		{"rowTracking", "row tracking"},
		{"changeDataFeed", "change data feed"},
		{"generatedColumns", "generated columns"},
		{"identityColumns", "identity columns"},
		{"checkConstraints", "CHECK constraints"},
		{"inCommitTimestamp", "in-commit timestamps"},
		{"clustering", "liquid clustering"},
		{"allowColumnDefaults", "column defaults"},
		{"icebergCompatV1", "Iceberg compatibility"},
		{"icebergCompatV2", "Iceberg compatibility"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(f, t[i].name) == 0)
			return t[i].what;
	return "a feature wb does not know";
}

static int
column_mapping_check(const char *table, const struct delta_protocol *p, const struct delta_metadata *m,
    struct wb_error *err)
{
	const char *mode = delta_map_get(&m->configuration, "delta.columnMapping.mode", NULL);
	if (p->min_reader_version < 2 || mode == NULL || strcasecmp(mode, "none") == 0)
		return 0;
	err_set(err, -1, "Delta table %s uses column mapping (mode '%s'); wb reads columns by name only and "
	    "cannot read column-mapped tables yet", table, mode);
	return -1;
}

int
delta_protocol_check_read(const char *table, const struct delta_protocol *p, const struct delta_metadata *m,
    struct wb_error *err)
{
	if (p->min_reader_version > 3) {
		err_set(err, -1, "Delta table %s requires reader version %d; wb implements reader versions 1 to 3",
		    table, p->min_reader_version);
		err_hint(err, "a newer wb may read it; Spark or Databricks can rewrite it with a lower protocol");
		return -1;
	}
	if (p->min_reader_version == 3) {
		for (int i = 0; i < p->nreader_features; i++) {
			const char *f = p->reader_features[i];
			if (!in(f, reader_ok, sizeof reader_ok / sizeof reader_ok[0])) {
				err_set(err, -1, "Delta table %s requires the reader feature '%s' (%s), which wb does not implement",
				    table, f, feature_what(f));
				return -1;
			}
		}
	}
	if (column_mapping_check(table, p, m, err) < 0)
		return -1;
	if (m->format_provider != NULL && strcasecmp(m->format_provider, "parquet") != 0) {
		err_set(err, -1, "Delta table %s stores its data as '%s'; wb reads Parquet data files only", table,
		    m->format_provider);
		return -1;
	}
	return 0;
}

int
delta_protocol_check_write(const char *table, const struct delta_protocol *p, const struct delta_metadata *m,
    struct wb_error *err)
{
	static const char *const by_version[] = {
		[3] = "CHECK constraints and statistics as structs",
		[4] = "change data feed and generated columns",
		[5] = "column mapping",
		[6] = "identity columns",
	};
	if (delta_protocol_check_read(table, p, m, err) < 0)
		return -1;
	int w = p->min_writer_version;
	if (w > 7) {
		err_set(err, -1, "Delta table %s requires writer version %d; wb writes versions 1, 2, 3 and 7", table, w);
		return -1;
	}
	if (w >= 4 && w <= 6) {
		err_set(err, -1, "Delta table %s requires writer version %d (%s); wb can write tables of writer versions "
		    "up to 3", table, w, by_version[w]);
		err_hint(err, "wb can still read the table");
		return -1;
	}
	if (w >= 3) {
		/* wb's checkpoints keep add statistics as JSON only */
		const char *json = delta_map_get(&m->configuration, "delta.checkpoint.writeStatsAsJson", NULL);
		const char *strct = delta_map_get(&m->configuration, "delta.checkpoint.writeStatsAsStruct", NULL);
		if ((json && strcasecmp(json, "false") == 0) || (strct && strcasecmp(strct, "true") == 0)) {
			err_set(err, -1, "Delta table %s asks for checkpoint statistics %s (delta.checkpoint.writeStatsAs%s), "
			    "which wb does not write", table, strct && strcasecmp(strct, "true") == 0 ? "as structs" : "without JSON",
			    strct && strcasecmp(strct, "true") == 0 ? "Struct" : "Json");
			err_hint(err, "wb can still read the table");
			return -1;
		}
	}
	if (w == 7) {
		for (int i = 0; i < p->nwriter_features; i++) {
			const char *f = p->writer_features[i];
			if (!in(f, writer_ok, sizeof writer_ok / sizeof writer_ok[0])) {
				err_set(err, -1, "Delta table %s requires the writer feature '%s' (%s), which wb does not implement",
				    table, f, feature_what(f));
				err_hint(err, "wb can still read the table");
				return -1;
			}
		}
	}
	/* Column invariants (writer version 2) are SQL expressions every new
	 * row must satisfy; until wb evaluates them, it must not write. */
	if (m->schema_string != NULL && strstr(m->schema_string, "delta.invariants") != NULL) {
		struct arena a;
		struct delta_schema s;
		struct wb_error e2 = WB_ERROR_INIT;
		arena_init(&a, 0);
		if (delta_schema_parse(m->schema_string, &a, &s, &e2) == 0) {
			for (int i = 0; i < s.ncols; i++)
				if (strstr(s.cols[i].metadata, "\"delta.invariants\"") != NULL) {
					err_set(err, -1, "column '%s' of Delta table %s has an invariant (delta.invariants), "
					    "which wb cannot check yet, so it does not write to this table", s.cols[i].name, table);
					break;
				}
		}
		err_clear(&e2);
		arena_release(&a);
		if (err_isset(err))
			return -1;
	}
	return 0;
}

bool
delta_protocol_raise(const struct delta_protocol *p, const struct delta_metadata *m, struct arena *a,
    struct delta_protocol *out)
{
	if (!delta_has_constraints(&m->configuration))
		return false;
	*out = *p;
	if (p->min_writer_version < 3) {
		out->min_writer_version = 3;
		return true;
	}
	if (p->min_writer_version < 7)
		return false;
	for (int i = 0; i < p->nwriter_features; i++)
		if (strcmp(p->writer_features[i], "checkConstraints") == 0)
			return false;
	const char **f = arena_alloc(a, sizeof(char *) * (size_t)(p->nwriter_features + 1));
	for (int i = 0; i < p->nwriter_features; i++)
		f[i] = p->writer_features[i];
	f[p->nwriter_features] = "checkConstraints";
	out->writer_features = f;
	out->nwriter_features = p->nwriter_features + 1;
	return true;
}

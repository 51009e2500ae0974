/* Unit tests for src/store/delta: log replay of the Spark-written tables in
 * ../shared/data/delta (their documented versions, files, row counts from
 * stats and schemas), the checkpoint table with and without a checkpoint
 * reader, time travel, history, _last_checkpoint and its checksum, schema
 * and value mapping, and damaged or unsupported logs built in a temporary
 * directory: a missing version, a torn last line, invalid JSON, unknown
 * reader features, column mapping, nested columns, deletion vectors. */
#include "tests/tap.h"

#include "core/datetime.h"
#include "core/xmalloc.h"
#include "store/delta/delta.h"
#include "store/lake/lake.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char tmproot[1024];

static const char *
fmt(const char *f, ...)
{
	static char bufs[8][4096];
	static int k;
	char *b = bufs[k++ & 7];
	va_list ap;
	va_start(ap, f);
	vsnprintf(b, 4096, f, ap);
	va_end(ap);
	return b;
}

static const char *
shared(const char *rel)
{
	static char names[16][4096];
	static int k;
	char *b = names[k++ & 15];
	const char *e = getenv("WB_SHARED");
	if (e && *e)
		snprintf(b, 4096, "%s/data/delta/%s", e, rel);
	else
		snprintf(b, 4096, "%s/../shared/data/delta/%s", WB_SRCDIR, rel);
	return b;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

/* A fresh table directory with an empty _delta_log. */
static const char *
new_table(const char *name)
{
	static char names[64][4096];   /* stable for the whole run (fmt's buffers rotate) */
	static int k;
	char *t = names[k++ & 63];
	snprintf(t, 4096, "%s/%s", tmproot, name);
	mkdir(t, 0755);
	mkdir(fmt("%s/_delta_log", t), 0755);
	return t;
}

static void
commit(const char *table, int version, const char *lines)
{
	write_file(fmt("%s/_delta_log/%020d.json", table, version), lines);
}

static void
set_mtime(const char *path, int64_t ms)
{
	struct timeval tv[2];
	tv[0].tv_sec = tv[1].tv_sec = ms / 1000;
	tv[0].tv_usec = tv[1].tv_usec = (ms % 1000) * 1000;
	utimes(path, tv);
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;
	if (in == NULL || out == NULL) {
		perror(from);
		exit(2);
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

#define PROTO "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
#define META(schema, parts, conf) \
	"{\"metaData\":{\"id\":\"t1\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" schema \
	"\",\"partitionColumns\":" parts ",\"configuration\":" conf ",\"createdTime\":1}}\n"
#define SCHEMA_ID_S "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"," \
	"\\\"nullable\\\":true,\\\"metadata\\\":{}},{\\\"name\\\":\\\"s\\\",\\\"type\\\":\\\"string\\\"," \
	"\\\"nullable\\\":true,\\\"metadata\\\":{}}]}"
#define ADD(path, size) "{\"add\":{\"path\":\"" path "\",\"partitionValues\":{},\"size\":" #size \
	",\"modificationTime\":1,\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":" #size "}\"}}\n"
#define REMOVE(path) "{\"remove\":{\"path\":\"" path "\",\"deletionTimestamp\":5,\"dataChange\":true}}\n"

static struct delta_snapshot *
open_at(const char *table, int64_t version, struct wb_error *err)
{
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.version = version;
	return delta_snapshot_open(table, &o, err);
}

static bool
has_file(const struct delta_snapshot *s, const char *path)
{
	for (int64_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return true;
	return false;
}

/* The error message of opening table (latest), or "ok". */
static const char *
open_error(const char *table)
{
	static char buf[2048];
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(table, NULL, &err);
	if (s != NULL) {
		delta_snapshot_free(s);
		return "ok";
	}
	snprintf(buf, sizeof buf, "%s", err.msg ? err.msg : "(no message)");
	err_clear(&err);
	return buf;
}

#define has_error(table, needle, ...) do { \
	const char *m_ = open_error(table); \
	if (!ok(strstr(m_, needle) != NULL, __VA_ARGS__)) \
		diag("message: %s", m_); \
} while (0)

/* ---- the shared tables ---- */

static void
test_snapshot_data(void)
{
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(shared("snapshot-data0"), NULL, &err);
	ok(s != NULL, "snapshot-data0 opens%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s == NULL)
		return;
	is_int(s->version, 0, "snapshot-data0: version 0");
	is_int(s->nfiles, 2, "two live files");
	is_int(s->protocol.min_reader_version, 1, "reader version 1");
	is_int(s->protocol.min_writer_version, 2, "writer version 2");
	is_str(s->metadata.id, "93351cf1-c931-4326-88f0-d10e29e71b21", "table id");
	is_int(s->metadata.created_time, 1603723967515, "createdTime");
	is_int(s->schema.ncols, 2, "two columns");
	ok(strcmp(s->schema.cols[0].name, "col1") == 0 && s->schema.cols[0].type == WB_TYPE_BIGINT &&
	    strcmp(s->schema.cols[0].delta_type, "integer") == 0, "col1 integer -> BIGINT");
	ok(strcmp(s->schema.cols[1].name, "col2") == 0 && s->schema.cols[1].type == WB_TYPE_VARCHAR, "col2 string -> VARCHAR");
	is_int(s->files[0].size + s->files[1].size, 1300, "file sizes");
	ok(s->commit_info != NULL && strstr(s->commit_info, "\"operation\":\"WRITE\"") != NULL, "commitInfo kept");
	is_int(delta_snapshot_num_records(s, &err), -1, "no stats: row count unknown");
	ok(err.msg && strstr(err.msg, "has no numRecords statistic"), "... and said so");
	err_clear(&err);
	char *p = delta_file_path(s->table, s->files[0].path, &err);
	ok(p != NULL && access(p, R_OK) == 0, "data file path resolves to an existing file");
	free(p);
	delta_snapshot_free(s);

	s = delta_snapshot_open(shared("snapshot-data1"), NULL, &err);
	ok(s != NULL && s->version == 1 && s->nfiles == 4, "snapshot-data1: version 1, four files (two appends)");
	ok(s && has_file(s, "part-00000-64680d94-9e18-4fa1-9ca9-f0cd8a9cfd11-c000.snappy.parquet") &&
	    has_file(s, "part-00000-0441e99a-c421-400e-83a1-212aa6c84c73-c000.snappy.parquet"), "files of both commits");
	ok(s && s->files[0].modification_time == 1603723967000, "files in log order");
	delta_snapshot_free(s);
	s = open_at(shared("snapshot-data1"), 0, &err);
	ok(s != NULL && s->version == 0 && s->nfiles == 2, "snapshot-data1 as of version 0: two files");
	delta_snapshot_free(s);
	s = open_at(shared("snapshot-data1"), 2, &err);
	ok(s == NULL && err.msg && strstr(err.msg, "has no version 2: its versions are 0 to 1"), "no version 2");
	err_clear(&err);
}

static void
test_updates(void)
{
	struct wb_error err = WB_ERROR_INIT;
	const char *t = shared("basic-with-inserts-updates");
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s != NULL, "basic-with-inserts-updates opens%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s == NULL)
		return;
	is_int(s->version, 1, "version 1");
	is_int(s->nfiles, 2, "two live files after the UPDATE");
	ok(has_file(s, "part-00001-13a6bfd9-3835-44dd-b4f1-465aa95b2bf4-c000.snappy.parquet") &&
	    has_file(s, "part-00000-6dfaec75-bd45-4fd6-b20f-7d58c9341479-c000.snappy.parquet"), "the kept and the rewritten file");
	ok(!has_file(s, "part-00000-f9886fc2-20a0-42fe-8b30-c3abb5e3c720-c000.snappy.parquet"),
	    "the removed file is not live (though it is still in the folder)");
	is_int(s->ntombstones, 1, "one tombstone");
	ok(s->ntombstones == 1 && s->tombstones[0].deletion_timestamp == 1697587762273 &&
	    s->tombstones[0].extended_file_metadata && s->tombstones[0].size == 1091, "tombstone fields");
	is_int(delta_snapshot_num_records(s, &err), 100, "100 rows from stats");
	ok(s->commit_info && strstr(s->commit_info, "\"operation\":\"UPDATE\""), "commitInfo of version 1");
	is_int(s->timestamp > 0, 1, "a commit timestamp");

	/* stats of the rewritten file: id 0..49, str 'N/A' */
	const struct delta_add *f = NULL;
	for (int64_t i = 0; i < s->nfiles; i++)
		if (strncmp(s->files[i].path, "part-00000-6dfa", 15) == 0)
			f = &s->files[i];
	struct delta_file_stats st;
	ok(f && delta_stats_parse(&s->schema, f->stats, &s->arena, &st, &err) == 0, "stats parse");
	if (f) {
		is_int(st.num_records, 50, "numRecords 50");
		ok(st.cols[0].has_min && st.cols[0].min.u.i == 0 && st.cols[0].has_max && st.cols[0].max.u.i == 49,
		    "id min 0, max 49");
		ok(st.cols[1].has_min && st.cols[1].min.u.s.n == 3 && memcmp(st.cols[1].min.u.s.p, "N/A", 3) == 0,
		    "str min 'N/A'");
		ok(st.cols[0].null_count == 0 && st.cols[1].null_count == 0, "null counts 0");
	}
	delta_snapshot_free(s);

	s = open_at(t, 0, &err);
	ok(s && s->nfiles == 2 && has_file(s, "part-00000-f9886fc2-20a0-42fe-8b30-c3abb5e3c720-c000.snappy.parquet"),
	    "as of version 0: the original two files");
	ok(s && delta_snapshot_num_records(s, &err) == 100 && s->ntombstones == 0, "100 rows, no tombstones");
	ok(s && s->commit_info && strstr(s->commit_info, "\"operation\":\"WRITE\""), "commitInfo of version 0");
	delta_snapshot_free(s);

	/* time travel by commitInfo.timestamp (the copies' file times are
	 * when the test data was copied) */
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.ts_source = DELTA_TS_COMMIT_INFO;
	o.timestamp = 1697587750000;
	s = delta_snapshot_open(t, &o, &err);
	ok(s && s->version == 0 && s->timestamp == 1697587748016, "as of a time between the commits: version 0");
	delta_snapshot_free(s);
	o.timestamp = 1697587762295;
	s = delta_snapshot_open(t, &o, &err);
	ok(s && s->version == 1, "as of the second commit's exact time: version 1");
	delta_snapshot_free(s);
	o.timestamp = 1697587748015;
	s = delta_snapshot_open(t, &o, &err);
	ok(s == NULL && err.msg && strstr(err.msg, "has no version as old as 2023-10-18 00:09:08.015 UTC") &&
	    strstr(err.msg, "earliest available version, 0, was committed at 2023-10-18 00:09:08.016 UTC"),
	    "before the first commit: error naming both times");
	err_clear(&err);

	struct arena a;
	arena_init(&a, 0);
	struct delta_history_entry *h;
	int64_t n;
	ok(delta_history(t, 0, DELTA_TS_COMMIT_INFO, &a, &h, &n, &err) == 0 && n == 2, "history: two commits");
	ok(n == 2 && h[0].version == 1 && strcmp(h[0].operation, "UPDATE") == 0 && h[0].timestamp == 1697587762295 &&
	    h[1].version == 0 && strcmp(h[1].operation, "WRITE") == 0, "newest first, with operation and timestamp");
	ok(n == 2 && strstr(h[0].commit_info, "\"numUpdatedRows\":\"50\"") != NULL, "commitInfo as raw JSON");
	arena_release(&a);
}

static void
test_primitives(void)
{
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(shared("data-reader-primitives"), NULL, &err);
	ok(s != NULL, "data-reader-primitives opens%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s == NULL)
		return;
	is_int(s->nfiles, 2, "two files");
	static const struct {
		const char *name, *delta;
		wb_type t;
	} want[] = {
		{"as_int", "integer", WB_TYPE_BIGINT}, {"as_long", "long", WB_TYPE_BIGINT},
		{"as_byte", "byte", WB_TYPE_BIGINT}, {"as_short", "short", WB_TYPE_BIGINT},
		{"as_boolean", "boolean", WB_TYPE_BOOL}, {"as_float", "float", WB_TYPE_DOUBLE},
		{"as_double", "double", WB_TYPE_DOUBLE}, {"as_string", "string", WB_TYPE_VARCHAR},
		{"as_binary", "binary", WB_TYPE_VARCHAR}, {"as_big_decimal", "decimal(1,0)", WB_TYPE_DOUBLE},
	};
	int good = s->schema.ncols == 10;
	for (int i = 0; good && i < 10; i++)
		good = strcmp(s->schema.cols[i].name, want[i].name) == 0 && strcmp(s->schema.cols[i].delta_type, want[i].delta) == 0 &&
		    s->schema.cols[i].type == want[i].t && s->schema.cols[i].nullable && s->schema.cols[i].partition_index < 0;
	ok(good, "ten columns with the documented types and their wb mapping");
	struct strbuf sb = STRBUF_INIT;
	delta_schema_write(&s->schema, &sb);
	is_str(sb.s, s->metadata.schema_string, "schema written back byte for byte (types kept)");
	sb_free(&sb);
	is_int(delta_schema_find(&s->schema, "AS_DOUBLE"), 6, "column lookup ignores case");
	delta_snapshot_free(s);
}

/* Do two snapshots describe the same table state? (what a checkpoint
 * must preserve) */
static bool
same_state(const struct delta_snapshot *x, const struct delta_snapshot *y, bool tombstones, char *why, size_t n)
{
#define DIFF(c, what) do { if (c) { snprintf(why, n, "%s", what); return false; } } while (0)
#define SEQ(p, q) ((p) == (q) || ((p) && (q) && strcmp((p), (q)) == 0))
	DIFF(x->version != y->version, "version");
	DIFF(x->protocol.min_reader_version != y->protocol.min_reader_version ||
	    x->protocol.min_writer_version != y->protocol.min_writer_version ||
	    x->protocol.nreader_features != y->protocol.nreader_features ||
	    x->protocol.nwriter_features != y->protocol.nwriter_features, "protocol");
	const struct delta_metadata *m = &x->metadata, *o = &y->metadata;
	DIFF(!SEQ(m->id, o->id) || !SEQ(m->name, o->name) || !SEQ(m->description, o->description) ||
	    !SEQ(m->format_provider, o->format_provider) || !SEQ(m->schema_string, o->schema_string) ||
	    m->created_time != o->created_time, "metaData");
	DIFF(m->npartition_columns != o->npartition_columns || m->configuration.n != o->configuration.n ||
	    m->format_options.n != o->format_options.n, "metaData lists and maps");
	for (int i = 0; i < m->configuration.n; i++)
		DIFF(!SEQ(m->configuration.keys[i], o->configuration.keys[i]) ||
		    !SEQ(m->configuration.values[i], o->configuration.values[i]), "metaData.configuration");
	for (int i = 0; i < m->npartition_columns; i++)
		DIFF(!SEQ(m->partition_columns[i], o->partition_columns[i]), "partitionColumns");
	DIFF(x->nfiles != y->nfiles, "number of live files");
	for (int64_t i = 0; i < x->nfiles; i++) {
		const struct delta_add *p = &x->files[i], *q = NULL;
		for (int64_t j = 0; j < y->nfiles; j++)
			if (strcmp(y->files[j].path, p->path) == 0)
				q = &y->files[j];
		DIFF(q == NULL, "live file paths");
		DIFF(p->size != q->size || p->modification_time != q->modification_time || !SEQ(p->stats, q->stats) ||
		    p->partition_values.n != q->partition_values.n || p->base_row_id != q->base_row_id, "an add");
		for (int k = 0; k < p->partition_values.n; k++)
			DIFF(!SEQ(p->partition_values.keys[k], q->partition_values.keys[k]) ||
			    !SEQ(p->partition_values.values[k], q->partition_values.values[k]), "partitionValues");
	}
	DIFF(tombstones && x->ntombstones != y->ntombstones, "number of tombstones");
	DIFF(x->ntxns != y->ntxns, "number of txns");
	for (int i = 0; i < x->ntxns; i++)
		DIFF(!SEQ(x->txns[i].app_id, y->txns[i].app_id) || x->txns[i].version != y->txns[i].version, "a txn");
	return true;
#undef DIFF
#undef SEQ
}

static void
test_checkpoint_table(void)
{
	struct wb_error err = WB_ERROR_INIT;
	const char *t = shared("checkpoint");
	struct delta_last_checkpoint lc;
	is_int(delta_last_checkpoint_read(t, &lc, &err), 0, "_last_checkpoint reads, checksum verified%s%s",
	    err.msg ? ": " : "", err.msg ? err.msg : "");
	ok(lc.version == 10 && lc.size == 13 && lc.size_in_bytes == 14800 && lc.num_of_add_files == 1 && lc.parts == 0,
	    "_last_checkpoint: version 10, 13 actions, 1 add");
	err_clear(&err);

	/* no checkpoint reader: every JSON commit exists, so replay from 0 */
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s != NULL, "checkpoint table opens without Parquet support%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s != NULL) {
		is_int(s->version, 14, "version 14");
		ok(s->nfiles == 1 && strcmp(s->files[0].path, "15") == 0, "exactly one live file, \"15\"");
		is_int(s->ntombstones, 14, "14 tombstones (1..14)");
		is_int(s->checkpoint_version, -1, "replayed from version 0, not from the checkpoint");
		delta_snapshot_free(s);
	}
	s = open_at(t, 10, &err);
	ok(s && s->nfiles == 1 && strcmp(s->files[0].path, "11") == 0, "as of version 10: file \"11\"");
	delta_snapshot_free(s);

	/* the same log after cleanup removed versions 0..9 */
	const char *c = new_table("cleaned");
	for (int v = 10; v <= 14; v++)
		copy_file(fmt("%s/_delta_log/%020d.json", t, v), fmt("%s/_delta_log/%020d.json", c, v));
	copy_file(fmt("%s/_delta_log/%020d.checkpoint.parquet", t, 10), fmt("%s/_delta_log/%020d.checkpoint.parquet", c, 10));
	copy_file(fmt("%s/_delta_log/_last_checkpoint", t), fmt("%s/_delta_log/_last_checkpoint", c));
	has_error(c, "00000000000000000010.checkpoint.parquet needs Parquet support",
	    "without its early commits: 'reading checkpoint ... needs Parquet support'");

	/* Spark's checkpoint through the real Parquet reader */
	lake_checkpoint_init();
	struct delta_snapshot *full = delta_snapshot_open(t, NULL, &err);
	s = delta_snapshot_open(c, NULL, &err);
	ok(s != NULL, "with the Parquet checkpoint reader the cleaned-up table opens%s%s", err.msg ? ": " : "",
	    err.msg ? err.msg : "");
	char why[128] = "";
	if (s != NULL && full != NULL) {
		ok(s->version == 14 && s->checkpoint_version == 10, "from the checkpoint at 10, then versions 11..14");
		ok(s->nfiles == 1 && strcmp(s->files[0].path, "15") == 0, "the same single live file \"15\"");
		ok(s->schema.ncols == 1 && strcmp(s->schema.cols[0].name, "intCol") == 0, "schema from the checkpoint row");
		ok(same_state(s, full, true, why, sizeof why), "the same state as the replay of every JSON commit%s%s",
		    why[0] ? ": differs in " : "", why);
	}
	delta_snapshot_free(s);
	s = open_at(c, 10, &err);
	ok(s && s->checkpoint_version == 10 && s->nfiles == 1 && strcmp(s->files[0].path, "11") == 0 &&
	    s->ntombstones == 10 && s->commit_info && strstr(s->commit_info, "\"readVersion\":9"),
	    "as of the checkpoint version: file \"11\", 10 tombstones, commitInfo from its JSON");
	delta_snapshot_free(s);
	s = open_at(t, 9, &err);
	ok(s && s->checkpoint_version == -1 && strcmp(s->files[0].path, "10") == 0,
	    "a version before the checkpoint replays JSON only");
	delta_snapshot_free(s);
	err_clear(&err);

	/* wb writes a checkpoint of the full replay at 14; the log cut to
	 * 14 alone reads the same */
	const char *w = new_table("rewritten");
	copy_file(fmt("%s/_delta_log/%020d.json", t, 14), fmt("%s/_delta_log/%020d.json", w, 14));
	if (full != NULL) {
		free(full->table);
		full->table = xstrdup(w);
		ok(delta_checkpoint_write(full, &err) == 0, "a checkpoint of version 14 written%s%s",
		    err.msg ? ": " : "", err.msg ? err.msg : "");
		err_clear(&err);
		s = delta_snapshot_open(w, NULL, &err);
		why[0] = '\0';
		ok(s && s->checkpoint_version == 14 && s->ntombstones == 0 && same_state(s, full, false, why, sizeof why),
		    "read back: the same state, without the expired (2023) tombstones%s%s%s", why[0] ? ": differs in " : "", why, err.msg ? err.msg : "");
		delta_snapshot_free(s);
		err_clear(&err);

		/* a multi-part checkpoint (as Spark writes for big tables): the
		 * same rows in two files, named by part, listed in order */
		const char *mp = new_table("multipart");
		copy_file(fmt("%s/_delta_log/%020d.json", t, 14), fmt("%s/_delta_log/%020d.json", mp, 14));
		struct arena ra;
		arena_init(&ra, 0);
		struct delta_action *rows;
		int64_t nrows = delta_checkpoint_rows(full, 0, &ra, &rows), half = nrows / 2;
		const struct delta_checkpoint_io *io = delta_checkpoint_io_get();
		ok(io->write(io->ctx, fmt("%s/_delta_log/%020d.checkpoint.%010d.%010d.parquet", mp, 14, 1, 2), rows, half, full,
		    &err) == 0 &&
		    io->write(io->ctx, fmt("%s/_delta_log/%020d.checkpoint.%010d.%010d.parquet", mp, 14, 2, 2), rows + half,
		    nrows - half, full, &err) == 0, "two checkpoint parts written%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
		struct delta_last_checkpoint lc2 = {14, nrows, 2, -1, full->nfiles};
		ok(delta_last_checkpoint_write(mp, &lc2, &err) == 0, "_last_checkpoint with parts = 2");
		s = delta_snapshot_open(mp, NULL, &err);
		why[0] = '\0';
		ok(s && s->checkpoint_version == 14 && s->ntombstones == full->ntombstones &&
		    same_state(s, full, true, why, sizeof why), "a two-part checkpoint reads as the full replay%s%s%s",
		    why[0] ? ": differs in " : "", why, err.msg ? err.msg : "");
		delta_snapshot_free(s);
		err_clear(&err);
		arena_release(&ra);
	}
	delta_snapshot_free(full);

	/* a damaged checkpoint: an error naming the file, never a crash */
	const char *cp = fmt("%s/_delta_log/%020d.checkpoint.parquet", c, 10);
	struct stat stt;
	if (stat(cp, &stt) == 0) {
		ok(truncate(cp, stt.st_size / 2) == 0, "checkpoint truncated");
		has_error(c, "00000000000000000010.checkpoint.parquet",
		    "a truncated checkpoint: the error names the file");
	}
	delta_checkpoint_io_set(NULL);
	err_clear(&err);

	delta_checkpoint_io_set(NULL);
	err_clear(&err);

	struct arena a;
	arena_init(&a, 0);
	struct delta_history_entry *h;
	int64_t n;
	ok(delta_history(t, 3, DELTA_TS_FILE_TIME, &a, &h, &n, &err) == 0 && n == 3 && h[0].version == 14 && h[2].version == 12 &&
	    strcmp(h[1].operation, "Manual Update") == 0, "history limit 3: versions 14, 13, 12");
	arena_release(&a);
	is_int(delta_latest_version(t, &err), 14, "latest version by listing");
	ok(delta_table_exists(t) && !delta_table_exists(tmproot), "delta_table_exists");
}

/* ---- logs built here ---- */

static void
test_damaged_logs(void)
{
	const char *t = new_table("missing");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1));
	commit(t, 1, ADD("b", 2));
	commit(t, 3, ADD("c", 3));
	has_error(t, "is missing version 2 (the commit file _delta_log/00000000000000000002.json does not exist",
	    "a missing version is named");
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = open_at(t, 1, &err);
	ok(s && s->nfiles == 2, "versions before the gap still read");
	delta_snapshot_free(s);

	t = new_table("nozero");
	commit(t, 1, PROTO META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1));
	has_error(t, "starts at version 1 and has no checkpoint", "no version 0 and no checkpoint");

	t = new_table("torn");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1));
	commit(t, 1, ADD("b", 2) "{\"add\":{\"path\":\"c\",\"partitionVal");
	has_error(t, "00000000000000000001.json:2: the last line of the commit is cut off",
	    "a torn last line is named with file and line");
	has_error(t, "read the table as of version 0", "... and says what to do");
	s = open_at(t, 0, &err);
	ok(s && s->nfiles == 1, "the version before the torn commit reads");
	delta_snapshot_free(s);

	t = new_table("badjson");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") "{\"add\":{\"path\":\"a\" \"size\":1}}\n" ADD("b", 2));
	has_error(t, "00000000000000000000.json:3:20: not a valid JSON action: expected ',' or '}' after an object member",
	    "invalid JSON in a middle line: file:line:column");

	t = new_table("badtype");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}")
	    "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":\"12\",\"modificationTime\":1,\"dataChange\":true}}\n");
	has_error(t, "00000000000000000000.json:3: add action: \"size\" must be an integer, found string",
	    "a field of the wrong type");

	t = new_table("nopath");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") "{\"remove\":{\"deletionTimestamp\":1,\"dataChange\":true}}\n");
	has_error(t, ":3: remove action has no \"path\", which the Delta protocol requires", "a missing required field");

	t = new_table("empty");
	commit(t, 0, "");
	has_error(t, "00000000000000000000.json is empty", "an empty commit file");

	t = new_table("noproto");
	commit(t, 0, META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1));
	has_error(t, "has no protocol action up to version 0", "no protocol action");

	t = new_table("notarray");
	commit(t, 0, "[1,2]\n");
	has_error(t, "00000000000000000000.json:1: expected an action object", "a line that is not an object");

	has_error(fmt("%s/nonexistent", tmproot), "does not exist", "a missing table");
	has_error(tmproot, "is not a Delta table: it has no _delta_log directory", "a folder without a log");
	t = new_table("nolog");
	has_error(t, "holds no commits", "an empty _delta_log");
}

static void
test_protocols(void)
{
	const char *t = new_table("dv");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
	    "\"writerFeatures\":[\"deletionVectors\"]}}\n" META(SCHEMA_ID_S, "[]", "{}"));
	has_error(t, "requires the reader feature 'deletionVectors' (deletion vectors", "deletion vectors refused, named");
	has_error(t, "/dv", "... with the table named");

	t = new_table("future");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"timestampNtz\",\"quantumFoam\"],"
	    "\"writerFeatures\":[]}}\n" META(SCHEMA_ID_S, "[]", "{}"));
	has_error(t, "requires the reader feature 'quantumFoam' (a feature wb does not know)", "an unknown reader feature");

	t = new_table("ntz");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"timestampNtz\"],"
	    "\"writerFeatures\":[\"timestampNtz\"]}}\n"
	    META("{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"t\\\",\\\"type\\\":\\\"timestamp_ntz\\\","
	        "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}", "[]", "{}"));
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s && s->schema.cols[0].type == WB_TYPE_TIMESTAMP && strcmp(s->schema.cols[0].delta_type, "timestamp_ntz") == 0,
	    "reader version 3 with timestampNtz reads");
	delta_snapshot_free(s);
	err_clear(&err);

	t = new_table("v4");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":4,\"minWriterVersion\":7}}\n" META(SCHEMA_ID_S, "[]", "{}"));
	has_error(t, "requires reader version 4; wb implements reader versions 1 to 3", "reader version 4 refused");

	t = new_table("cm");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n"
	    META(SCHEMA_ID_S, "[]", "{\"delta.columnMapping.mode\":\"name\"}"));
	has_error(t, "uses column mapping (mode 'name')", "column mapping by name refused");
	t = new_table("cmnone");
	commit(t, 0, "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n"
	    META(SCHEMA_ID_S, "[]", "{\"delta.columnMapping.mode\":\"none\"}"));
	is_str(open_error(t), "ok", "column mapping mode none reads");

	t = new_table("dvadd");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}")
	    "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,\"dataChange\":true,"
	    "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab\",\"sizeInBytes\":4,\"cardinality\":1}}}\n");
	has_error(t, "add action for 'a' has a deletion vector", "a deletion vector on an add refused");

	t = new_table("csvfmt");
	commit(t, 0, PROTO "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"csv\"},\"schemaString\":\"" SCHEMA_ID_S
	    "\",\"partitionColumns\":[],\"configuration\":{}}}\n");
	has_error(t, "stores its data as 'csv'", "a non-Parquet table refused");

	t = new_table("nested");
	commit(t, 0, PROTO META("{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"tags\\\",\\\"type\\\":"
	    "{\\\"type\\\":\\\"array\\\",\\\"elementType\\\":\\\"string\\\",\\\"containsNull\\\":true},\\\"nullable\\\":true,"
	    "\\\"metadata\\\":{}}]}", "[]", "{}"));
	has_error(t, "column 'tags' has the nested type array; wb supports columns of primitive types only",
	    "a nested column is named");

	t = new_table("ignored");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1)
	    "{\"cdc\":{\"path\":\"_change_data/c1\",\"partitionValues\":{},\"size\":1,\"dataChange\":false}}\n"
	    "{\"domainMetadata\":{\"domain\":\"user.x\",\"configuration\":\"{}\",\"removed\":false}}\n"
	    "{\"futureAction\":{\"anything\":[1,2,3]}}\n"
	    "{\"add\":{\"path\":\"b\",\"partitionValues\":{},\"size\":2,\"modificationTime\":1,\"dataChange\":true,\"newField\":{\"x\":1}}}\n");
	s = delta_snapshot_open(t, NULL, &err);
	ok(s && s->nfiles == 2 && s->ndomains == 1 && strcmp(s->domains[0].domain, "user.x") == 0,
	    "cdc and unknown actions/fields ignored; domain metadata kept");
	delta_snapshot_free(s);
	err_clear(&err);
}

static void
test_reconcile(void)
{
	const char *t = new_table("reconcile");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{}") ADD("a", 1) ADD("b%20c", 2) ADD("d", 3));
	commit(t, 1, REMOVE("b c") ADD("e", 4) "{\"txn\":{\"appId\":\"app\",\"version\":7}}\n");
	commit(t, 2, REMOVE("a") ADD("a", 10) "{\"txn\":{\"appId\":\"app\",\"version\":8,\"lastUpdated\":9}}\n");
	/* version 3 names d by its absolute URI: the same logical file */
	char real[4096];
	if (realpath(t, real) == NULL)
		strcpy(real, t);
	commit(t, 3, fmt(REMOVE("e") "{\"add\":{\"path\":\"file://%s/d\",\"partitionValues\":{},\"size\":30,"
	    "\"modificationTime\":1,\"dataChange\":false,\"stats\":\"{\\\"numRecords\\\":3}\"}}\n", real));
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s != NULL, "reconcile table opens%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s == NULL)
		return;
	is_int(s->nfiles, 2, "a and d live");
	ok(s->nfiles == 2 && strcmp(s->files[0].path, "a") == 0 && s->files[0].size == 10, "re-added a: the newer add wins");
	ok(s->nfiles == 2 && s->files[1].size == 30 && strncmp(s->files[1].path, "file://", 7) == 0,
	    "d re-added by absolute URI replaces the relative entry");
	is_int(s->ntombstones, 2, "tombstones: 'b c' (removed by its decoded name) and e");
	ok(s->ntxns == 1 && s->txns[0].version == 8 && s->txns[0].last_updated == 9, "latest txn version per appId");
	is_int(delta_snapshot_num_records(s, &err), 10 + 3, "row count from the live files' stats");
	char *p = delta_file_path(s->table, s->files[1].path, &err);
	ok(p && strcmp(p, fmt("%s/d", real)) == 0, "a file: URI resolves to its local path");
	free(p);
	delta_snapshot_free(s);
	err_clear(&err);

	/* file times as the commit clock (the protocol's rule) */
	for (int v = 0; v <= 3; v++)
		set_mtime(fmt("%s/_delta_log/%020d.json", t, v), 1700000000000 + v * 1000);
	set_mtime(fmt("%s/_delta_log/%020d.json", t, 2), 1700000000500);   /* a skewed clock */
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.timestamp = 1700000001200;
	s = delta_snapshot_open(t, &o, &err);
	ok(s && s->version == 2, "as of a file time: version 2 (its time was made later than version 1's)");
	ok(s && s->timestamp == 1700000001001, "... with the adjusted, strictly increasing time");
	delta_snapshot_free(s);
	o.timestamp = 1700000003000;
	s = delta_snapshot_open(t, &o, &err);
	ok(s && s->version == 3, "after the last commit: the latest version");
	delta_snapshot_free(s);
	struct arena a;
	arena_init(&a, 0);
	struct delta_history_entry *h;
	int64_t n;
	ok(delta_history(t, 0, DELTA_TS_FILE_TIME, &a, &h, &n, &err) == 0 && n == 4 && h[1].version == 2 &&
	    h[1].timestamp == 1700000001001 && h[0].timestamp == 1700000003000, "history shows the times time travel uses");
	arena_release(&a);
	err_clear(&err);
}

static void
test_partitions(void)
{
	const char *t = new_table("parts");
	commit(t, 0, PROTO META("{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":["
	    "{\\\"name\\\":\\\"v\\\",\\\"type\\\":\\\"double\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}},"
	    "{\\\"name\\\":\\\"day\\\",\\\"type\\\":\\\"date\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}},"
	    "{\\\"name\\\":\\\"city\\\",\\\"type\\\":\\\"string\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}},"
	    "{\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"byte\\\",\\\"nullable\\\":true,\\\"metadata\\\":{}}]}",
	    "[\"day\",\"city\",\"n\"]", "{}")
	    "{\"add\":{\"path\":\"day=2019-10-01/city=S%C3%A3o%20Paulo/n=7/p1.parquet\",\"partitionValues\":"
	    "{\"day\":\"2019-10-01\",\"city\":\"S\xC3\xA3o Paulo\",\"n\":\"7\"},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n"
	    "{\"add\":{\"path\":\"day=__HIVE_DEFAULT_PARTITION__/p2.parquet\",\"partitionValues\":"
	    "{\"day\":null,\"city\":\"\",\"n\":\"-128\"},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n");
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s != NULL, "partitioned table opens%s%s", err.msg ? ": " : "", err.msg ? err.msg : "");
	if (s == NULL)
		return;
	ok(s->schema.cols[1].partition_index == 0 && s->schema.cols[2].partition_index == 1 &&
	    s->schema.cols[0].partition_index == -1, "partition columns marked");
	struct wb_value v;
	const struct delta_column *day = &s->schema.cols[1], *city = &s->schema.cols[2], *n = &s->schema.cols[3];
	ok(delta_partition_value(day, delta_map_get(&s->files[0].partition_values, "day", NULL), &s->arena, &v, &err) == 0 &&
	    !v.is_null && v.type == WB_TYPE_DATE && v.u.i == 18170, "date partition value");
	ok(delta_partition_value(city, delta_map_get(&s->files[0].partition_values, "city", NULL), &s->arena, &v, &err) == 0 &&
	    v.u.s.n == 10 && memcmp(v.u.s.p, "S\xC3\xA3o Paulo", 10) == 0, "string partition value");
	ok(delta_partition_value(day, NULL, &s->arena, &v, &err) == 0 && v.is_null, "null -> NULL");
	ok(delta_partition_value(city, "", &s->arena, &v, &err) == 0 && v.is_null, "\"\" -> NULL");
	ok(delta_partition_value(n, "-128", &s->arena, &v, &err) == 0 && v.u.i == -128, "byte -128");
	ok(delta_partition_value(n, "128", &s->arena, &v, &err) < 0 &&
	    strcmp(err.msg, "partition value '128' of column 'n' is not a valid byte") == 0, "byte 128 out of range");
	err_clear(&err);
	char *p = delta_file_path(s->table, s->files[0].path, &err);
	ok(p && strcmp(p, fmt("%s/day=2019-10-01/city=S\xC3\xA3o Paulo/n=7/p1.parquet", t)) == 0, "path decoded");
	free(p);
	delta_snapshot_free(s);

	t = new_table("partmissing");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[\"s\"]", "{}") ADD("a", 1));
	has_error(t, "data file 'a' of Delta table", "a file without a partition value");
	has_error(t, "has no value for the partition column 's'", "... names the column");
	t = new_table("partbad");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[\"id\"]", "{}")
	    "{\"add\":{\"path\":\"x\",\"partitionValues\":{\"id\":\"seven\"},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n");
	has_error(t, "partition value 'seven' of column 'id' is not a valid long", "a partition value of the wrong type");
	t = new_table("partnocol");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[\"zz\"]", "{}"));
	has_error(t, "is partitioned by 'zz', which is not a column of its schema", "an unknown partition column");
}

static void
test_values(void)
{
	struct wb_error err = WB_ERROR_INIT;
	struct arena a;
	arena_init(&a, 0);
	struct delta_schema sc;
	ok(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
	    "{\"name\":\"d\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,"
	    "\"metadata\":{\"comment\":\"x\"}},{\"name\":\"x\",\"type\":\"decimal(10,2)\",\"nullable\":false,\"metadata\":{}},"
	    "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}]}", &a, &sc, &err) == 0, "schema parses");
	ok(sc.cols[3].type == WB_TYPE_DOUBLE && !sc.cols[3].nullable && strcmp(sc.cols[2].metadata, "{\"comment\":\"x\"}") == 0,
	    "decimal -> DOUBLE, nullable and metadata kept");
	struct delta_file_stats st;
	ok(delta_stats_parse(&sc, "{\"numRecords\":3,\"minValues\":{\"ts\":\"2019-10-01T00:00:05.123Z\",\"d\":\"2019-10-01\","
	    "\"s\":\"abc\",\"x\":12.5},\"maxValues\":{\"ts\":\"2019-10-01T02:00:05.123+02:00\",\"x\":\"bad\"},"
	    "\"nullCount\":{\"s\":1,\"b\":3}}", &a, &st, &err) == 0, "stats parse");
	ok(st.num_records == 3 && st.cols[0].has_min && st.cols[0].min.u.i == INT64_C(1569888005123000), "timestamp min");
	ok(st.cols[0].has_max && st.cols[0].max.u.i == INT64_C(1569888005123999), "timestamp max widened by 999 us (offset applied)");
	ok(st.cols[1].has_min && st.cols[1].min.u.i == 18170 && !st.cols[1].has_max, "date min, no max");
	ok(st.cols[3].has_min && st.cols[3].min.u.d == 12.5 && !st.cols[3].has_max, "decimal min; a bound of the wrong type is unknown");
	ok(st.cols[2].null_count == 1 && st.cols[4].null_count == 3 && st.cols[0].null_count == -1, "null counts");
	struct delta_file_stats bad;
	ok(delta_stats_parse(&sc, "{\"numRecords\":", &a, &bad, &err) < 0 && strstr(err.msg, "not valid JSON"), "bad stats JSON");
	err_clear(&err);

	/* writing stats */
	st.cols[0].min.u.i = INT64_C(1569888005123456);
	st.cols[0].max.u.i = INT64_C(1569888005123456);
	st.cols[2].has_max = true;
	st.cols[2].max.type = WB_TYPE_VARCHAR;
	st.cols[2].max.u.s = wb_str_c("0123456789012345678901234567890123456789");
	st.cols[2].min.u.s = st.cols[2].max.u.s;
	st.cols[4].has_min = true;
	st.cols[4].min.type = WB_TYPE_BOOL;
	struct strbuf sb = STRBUF_INIT;
	delta_stats_write(&sc, &st, &sb);
	is_str(sb.s, "{\"numRecords\":3,\"minValues\":{\"ts\":\"2019-10-01T00:00:05.123Z\",\"d\":\"2019-10-01\","
	    "\"s\":\"01234567890123456789012345678901\",\"x\":12.5},\"maxValues\":{\"ts\":\"2019-10-01T00:00:05.124Z\"},"
	    "\"nullCount\":{\"s\":1,\"b\":3}}", "stats written: ms bounds rounded outwards, long strings cut/omitted, no bool bounds");
	struct delta_file_stats back;
	ok(delta_stats_parse(&sc, sb.s, &a, &back, &err) == 0 && back.cols[0].max.u.i >= INT64_C(1569888005123456),
	    "written stats read back as valid bounds");
	sb_free(&sb);

	/* partition values written */
	struct wb_value v = {.type = WB_TYPE_TIMESTAMP, .u.i = INT64_C(1569888005000001)};
	sb_init(&sb);
	ok(delta_partition_format(&sc.cols[0], &v, &sb) && strcmp(sb.s, "2019-10-01T00:00:05.000001Z") == 0, "timestamp partition value ISO UTC");
	struct wb_value back_v;
	ok(delta_partition_value(&sc.cols[0], sb.s, &a, &back_v, &err) == 0 && back_v.u.i == v.u.i, "... and back");
	sb_clear(&sb);
	v.is_null = true;
	ok(!delta_partition_format(&sc.cols[0], &v, &sb), "NULL: no text (JSON null)");
	sb_free(&sb);

	/* paths */
	sb_init(&sb);
	delta_path_encode("day=2019-10-01/city=S\xC3\xA3o Paulo/a%b:c#.parquet", &sb);
	is_str(sb.s, "day=2019-10-01/city=S%C3%A3o%20Paulo/a%25b%3Ac%23.parquet", "path encoded");
	struct strbuf dec = STRBUF_INIT;
	ok(delta_path_decode(sb.s, &dec) && strcmp(dec.s, "day=2019-10-01/city=S\xC3\xA3o Paulo/a%b:c#.parquet") == 0, "and decoded");
	sb_clear(&dec);
	ok(!delta_path_decode("a%2", &dec) && !delta_path_decode("a%zz", &dec), "bad escapes refused");
	sb_free(&dec);
	sb_free(&sb);
	char *p = delta_file_path("/t", "s3://bucket/x.parquet", &err);
	ok(p == NULL && strstr(err.msg, "is on 's3' storage; wb reads local files only"), "other schemes refused");
	err_clear(&err);
	p = delta_file_path("/t", "file:///abs/x.parquet", &err);
	is_str(p, "/abs/x.parquet", "file:/// URI");
	free(p);
	p = delta_file_path("/t", "file:/abs/y%20z", &err);
	is_str(p, "/abs/y z", "file:/ URI (Spark's form)");
	free(p);
	p = delta_file_path("/t/", "/abs/q", &err);
	is_str(p, "/abs/q", "absolute path");
	free(p);
	p = delta_file_path("/t", "file://otherhost/x", &err);
	ok(p == NULL && strstr(err.msg, "not a local file URI"), "a remote host refused");
	err_clear(&err);

	/* schema errors */
	ok(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"void\"}]}", &a, &sc, &err) < 0 &&
	    strstr(err.msg, "column 'v' has the Delta type 'void'"), "void refused");
	err_clear(&err);
	ok(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"interval\"}]}", &a, &sc, &err) < 0 &&
	    strstr(err.msg, "unknown Delta type 'interval'"), "unknown type refused");
	err_clear(&err);
	ok(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"A\",\"type\":\"long\"},{\"name\":\"a\",\"type\":\"long\"}]}",
	    &a, &sc, &err) < 0 && strstr(err.msg, "two columns named 'a'"), "names equal but for case refused");
	err_clear(&err);
	ok(delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"m\",\"type\":{\"type\":\"map\"}}]}", &a, &sc, &err) < 0 &&
	    strstr(err.msg, "column 'm' has the nested type map"), "map refused");
	err_clear(&err);
	ok(delta_schema_parse("{\"fields\":[]", &a, &sc, &err) < 0 && strstr(err.msg, "not valid JSON"), "bad schema JSON");
	err_clear(&err);
	is_str(delta_type_for(WB_TYPE_BIGINT), "long", "new BIGINT columns are long");
	is_str(delta_type_for(WB_TYPE_TIMESTAMP), "timestamp", "new TIMESTAMP columns are timestamp");
	arena_release(&a);
}

static void
test_last_checkpoint(void)
{
	struct wb_error err = WB_ERROR_INIT;
	char sum[33];
	const char *ex = "{\"k0\":\"'v 0'\", \"checksum\": \"adsaskfljadfkjadfkj\", \"k1\":{\"k2\": 2, \"k3\": [\"v3\", [1, 2], "
	    "{\"k4\": \"v4\", \"k5\": [\"v5\", \"v6\", \"v7\"]}]}}";
	ok(delta_json_checksum(ex, strlen(ex), sum, &err) == 0, "checksum of the protocol's example");
	is_str(sum, "6a92d155a59bf2eecbd4b4ec7fd1f875", "equals the protocol's value");

	const char *t = new_table("lastcp");
	struct delta_last_checkpoint lc = {20, 57, 0, 1234, 40}, back;
	is_int(delta_last_checkpoint_read(t, &back, &err), 1, "no _last_checkpoint: 1");
	ok(delta_last_checkpoint_write(t, &lc, &err) == 0, "_last_checkpoint written");
	ok(delta_last_checkpoint_read(t, &back, &err) == 0 && back.version == 20 && back.size == 57 &&
	    back.size_in_bytes == 1234 && back.num_of_add_files == 40, "read back with its checksum");
	write_file(fmt("%s/_delta_log/_last_checkpoint", t), "{\"version\":21,\"size\":57,\"checksum\":\"00000000000000000000000000000000\"}");
	ok(delta_last_checkpoint_read(t, &back, &err) < 0 && strstr(err.msg, "checksum mismatch"), "a damaged one is detected");
	err_clear(&err);
	write_file(fmt("%s/_delta_log/_last_checkpoint", t), "{\"version\":21,");
	ok(delta_last_checkpoint_read(t, &back, &err) < 0 && strstr(err.msg, "_last_checkpoint:1:15:"), "invalid JSON: file:line:col");
	err_clear(&err);
	DIR *d = opendir(fmt("%s/_delta_log", t));
	int leftovers = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		leftovers += e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	is_int(leftovers, 0, "no temporary files left behind");

	const char *schema = delta_checkpoint_schema();
	struct arena a;
	arena_init(&a, 0);
	ok(schema && strstr(schema, "{\"name\":\"add\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"path\",\"type\":\"string\"") &&
	    strstr(schema, "{\"name\":\"partitionValues\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"string\""),
	    "checkpoint schema: add struct with a partitionValues map");
	arena_release(&a);
}

static void
test_checkpoint_rows(void)
{
	const char *t = new_table("cprows");
	commit(t, 0, PROTO META(SCHEMA_ID_S, "[]", "{\"delta.deletedFileRetentionDuration\":\"interval 2 days\"}")
	    ADD("a", 1) ADD("b", 2) ADD("c", 3) "{\"txn\":{\"appId\":\"q\",\"version\":1}}\n");
	commit(t, 1, "{\"remove\":{\"path\":\"a\",\"deletionTimestamp\":1000,\"dataChange\":true,\"stats\":\"{}\"}}\n"
	    "{\"remove\":{\"path\":\"b\",\"deletionTimestamp\":172800000,\"dataChange\":true}}\n");
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	ok(s != NULL, "cprows opens");
	if (s == NULL)
		return;
	struct arena a;
	arena_init(&a, 0);
	struct delta_action *rows;
	int64_t n = delta_checkpoint_rows(s, 172800000 + 1000, &a, &rows);
	is_int(n, 5, "protocol, metaData, txn, add c, remove b (a's tombstone expired after 2 days)");
	ok(n == 5 && rows[0].type == DELTA_ACTION_PROTOCOL && rows[1].type == DELTA_ACTION_METADATA &&
	    rows[2].type == DELTA_ACTION_TXN && rows[3].type == DELTA_ACTION_ADD && strcmp(rows[3].u.add.path, "c") == 0 &&
	    rows[4].type == DELTA_ACTION_REMOVE && strcmp(rows[4].u.remove.path, "b") == 0, "in the protocol's order");
	ok(delta_checkpoint_write(s, &err) < 0 && strstr(err.msg, "needs Parquet support"), "no writer: checkpoint refused clearly");
	err_clear(&err);
	arena_release(&a);
	delta_snapshot_free(s);
}

/* Remove the temporary tree. */
static void
rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
			rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

int
main(void)
{
	const char *td = getenv("TMPDIR");
	snprintf(tmproot, sizeof tmproot, "%s/wb-delta-XXXXXX", td && *td ? td : "/tmp");
	if (mkdtemp(tmproot) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_snapshot_data();
	test_updates();
	test_primitives();
	test_checkpoint_table();
	test_damaged_logs();
	test_protocols();
	test_reconcile();
	test_partitions();
	test_values();
	test_last_checkpoint();
	test_checkpoint_rows();
	rm_rf(tmproot);
	return done_testing();
}

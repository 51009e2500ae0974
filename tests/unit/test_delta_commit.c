/* Unit tests for writing Delta commits (src/store/delta/delta_commit.c):
 * creating a table, sequential commits, a stale blind append that retries,
 * the protocol's conflicts, processes and threads racing for the same
 * version (exactly one wins; appends retry and succeed), no partial or
 * temporary file ever visible as a version, append-only tables, writer
 * protocol checks, and the checkpoint hook with a stand-in Parquet
 * writer/reader. Everything happens in a temporary directory. */
#include "tests/tap.h"

#include "store/delta/delta.h"
#include "store/delta/delta_int.h"   /* delta_action_copy for the stand-in checkpoint writer */

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmproot[1024];
static struct arena A;   /* test-lifetime allocations */

static const char *
tpath(const char *f, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return arena_strdup(&A, buf);
}

static const char *
table(const char *name)
{
	return tpath("%s/%s", tmproot, name);
}

static struct delta_schema
schema(void)
{
	struct delta_schema s;
	struct wb_error err = WB_ERROR_INIT;
	if (delta_schema_parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
	    "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}", &A, &s, &err) < 0)
		abort();
	return s;
}

static struct delta_add
file_add(const char *path, int64_t rows)
{
	struct delta_add a;
	memset(&a, 0, sizeof a);
	a.path = path;
	a.size = 100 + rows;
	a.modification_time = 1700000000000;
	a.data_change = true;
	a.stats = tpath("{\"numRecords\":%lld}", (long long)rows);
	a.base_row_id = a.default_row_commit_version = -1;
	return a;
}

static struct delta_snapshot *
latest(const char *t)
{
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
	if (s == NULL) {
		diag("open %s: %s", t, err.msg);
		err_clear(&err);
	}
	return s;
}

/* Create t with files a (10 rows) and b (20 rows) at version 0. */
static int64_t
create(const char *t, const char *const *parts, int nparts)
{
	struct wb_error err = WB_ERROR_INIT;
	struct delta_commit *c = delta_commit_begin(t, NULL, "CREATE TABLE", &err);
	if (c == NULL) {
		diag("begin: %s", err.msg);
		err_clear(&err);
		return -1;
	}
	struct delta_schema s = schema();
	struct delta_metadata m;
	delta_metadata_new(&s, parts, nparts, &A, &m);
	delta_commit_set_metadata(c, &m);
	struct delta_add a = file_add("a", 10), b = file_add("b", 20);
	delta_commit_add(c, &a);
	delta_commit_add(c, &b);
	delta_commit_param(c, "mode", "ErrorIfExists");
	delta_commit_metric(c, "numFiles", 2);
	int64_t v = delta_commit_publish(c, NULL, &err);
	if (v < 0)
		diag("publish: %s", err.msg);
	err_clear(&err);
	delta_commit_free(c);
	return v;
}

/* A blind append of one file on snapshot s. */
static int64_t
append(const char *t, const struct delta_snapshot *s, const char *path, struct delta_commit_result *res,
    struct wb_error *err)
{
	struct delta_commit *c = delta_commit_begin(t, s, "WRITE", err);
	if (c == NULL)
		return -1;
	struct delta_add a = file_add(path, 5);
	delta_commit_add(c, &a);
	delta_commit_param(c, "mode", "Append");
	int64_t v = delta_commit_publish(c, res, err);
	delta_commit_free(c);
	return v;
}

/* Remove file `path` of s (as DELETE does), optionally adding `add`. */
static int64_t
rewrite(const char *t, const struct delta_snapshot *s, const char *path, const char *add,
    struct delta_commit_result *res, struct wb_error *err)
{
	struct delta_commit *c = delta_commit_begin(t, s, "DELETE", err);
	if (c == NULL)
		return -1;
	for (int64_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0) {
			struct delta_remove r = delta_remove_for(&s->files[i], (int64_t)time(NULL) * 1000);
			delta_commit_remove(c, &r);
		}
	if (add != NULL) {
		struct delta_add a = file_add(add, 1);
		delta_commit_add(c, &a);
	}
	int64_t v = delta_commit_publish(c, res, err);
	delta_commit_free(c);
	return v;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Files in t/_delta_log that are neither a commit, a checkpoint nor
 * _last_checkpoint (temporary files left behind). */
static int
strays(const char *t)
{
	DIR *d = opendir(tpath("%s/_delta_log", t));
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		const char *nm = e->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || strcmp(nm, "_last_checkpoint") == 0)
			continue;
		size_t l = strlen(nm);
		if (l == 25 && strcmp(nm + 20, ".json") == 0)
			continue;
		if (l > 20 && strstr(nm, ".checkpoint.parquet") != NULL && nm[0] != '.')
			continue;
		diag("stray file %s", nm);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void
test_create(void)
{
	const char *t = table("create");
	is_int(create(t, NULL, 0), 0, "a new table is version 0");
	struct delta_snapshot *s = latest(t);
	ok(s && s->version == 0 && s->nfiles == 2 && s->protocol.min_reader_version == 1 &&
	    s->protocol.min_writer_version == 2, "read back: two files, protocol 1/2");
	ok(s && s->schema.ncols == 2 && strcmp(s->schema.cols[0].delta_type, "long") == 0 &&
	    strlen(s->metadata.id) == 36 && s->metadata.created_time > 0, "schema, a UUID id, createdTime");
	ok(s && s->commit_info && strstr(s->commit_info, "\"operation\":\"CREATE TABLE\"") &&
	    strstr(s->commit_info, "\"engineInfo\":\"wb/") && strstr(s->commit_info, "\"isBlindAppend\":false") &&
	    strstr(s->commit_info, "\"operationParameters\":{\"mode\":\"ErrorIfExists\"}") &&
	    strstr(s->commit_info, "\"operationMetrics\":{\"numFiles\":\"2\"}") &&
	    strstr(s->commit_info, "\"isolationLevel\":\"Serializable\"") && !strstr(s->commit_info, "readVersion"),
	    "commitInfo: operation, parameters, metrics, engineInfo, isBlindAppend");
	is_int(s ? delta_snapshot_num_records(s, NULL) : 0, 30, "30 rows from the written stats");
	const char *text = slurp(tpath("%s/_delta_log/%020d.json", t, 0));
	ok(text && strncmp(text, "{\"commitInfo\":{\"timestamp\":", 27) == 0, "commitInfo is the first line");
	ok(text && strstr(text, "\n{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n{\"metaData\":{\"id\":"),
	    "then protocol and metaData");
	delta_snapshot_free(s);

	struct wb_error err = WB_ERROR_INIT;
	ok(delta_commit_begin(t, NULL, "CREATE TABLE", &err) == NULL && strstr(err.msg, "already exists"),
	    "creating an existing table is refused");
	err_clear(&err);
	struct delta_commit *c = delta_commit_begin(table("nometa"), NULL, "CREATE TABLE", &err);
	ok(c && delta_commit_publish(c, NULL, &err) < 0 && strstr(err.msg, "needs its metadata"), "creating needs metadata");
	delta_commit_free(c);
	err_clear(&err);
	is_int(strays(t), 0, "no temporary files left");
}

static void
test_sequential(void)
{
	const char *t = table("seq");
	create(t, NULL, 0);
	struct wb_error err = WB_ERROR_INIT;
	struct delta_commit_result res;
	int good = 1;
	for (int i = 1; i <= 3; i++) {
		struct delta_snapshot *s = latest(t);
		good &= append(t, s, tpath("app%d", i), &res, &err) == i && res.attempts == 1 && !res.conflict;
		delta_snapshot_free(s);
	}
	ok(good, "three appends: versions 1, 2, 3 at the first attempt");
	struct delta_snapshot *s = latest(t);
	ok(s && s->commit_info && strstr(s->commit_info, "\"readVersion\":2") && strstr(s->commit_info, "\"isBlindAppend\":true"),
	    "an append's commitInfo: readVersion, isBlindAppend");
	is_int(rewrite(t, s, "a", "a2", &res, &err), 4, "DELETE-style rewrite is version 4");
	delta_snapshot_free(s);
	s = latest(t);
	ok(s && s->nfiles == 5 && s->ntombstones == 1 && strcmp(s->tombstones[0].path, "a") == 0 &&
	    s->tombstones[0].extended_file_metadata && s->tombstones[0].size == 110, "a removed (extended metadata), a2 added");
	ok(s && strstr(s->commit_info, "\"isBlindAppend\":false"), "a rewrite is not a blind append");
	delta_snapshot_free(s);
	struct arena a;
	arena_init(&a, 0);
	struct delta_history_entry *h;
	int64_t n;
	ok(delta_history(t, 0, DELTA_TS_FILE_TIME, &a, &h, &n, &err) == 0 && n == 5 && strcmp(h[0].operation, "DELETE") == 0 &&
	    strcmp(h[4].operation, "CREATE TABLE") == 0, "history: five commits, newest first");
	arena_release(&a);
	is_int(strays(t), 0, "no temporary files left");
	err_clear(&err);
}

static void
test_stale(void)
{
	const char *t = table("stale");
	create(t, NULL, 0);
	struct wb_error err = WB_ERROR_INIT;
	struct delta_commit_result res;
	struct delta_snapshot *old = latest(t);   /* version 0 */

	struct delta_snapshot *s = latest(t);
	append(t, s, "w1", NULL, &err);   /* a concurrent writer wins version 1 */
	delta_snapshot_free(s);
	is_int(append(t, old, "mine", &res, &err), 2, "a stale blind append lands at version 2");
	ok(res.attempts == 2 && !res.conflict, "after losing version 1 once");

	struct delta_snapshot *mid = latest(t);   /* version 2 */
	s = latest(t);
	rewrite(t, s, "b", NULL, NULL, &err);   /* version 3 removes b */
	delta_snapshot_free(s);
	is_int(append(t, old, "mine2", &res, &err), 4, "a blind append does not conflict with a concurrent delete");
	ok(res.attempts == 2, "... it retried once more (versions 1-2 were checked before)");

	memset(&res, 0, sizeof res);
	ok(rewrite(t, mid, "b", NULL, &res, &err) < 0 && res.conflict, "removing a file someone else removed: conflict");
	ok(err.msg && strstr(err.msg, "DELETE on Delta table") && strstr(err.msg, "conflicts with version 3 (DELETE)") &&
	    strstr(err.msg, "it also removed the file 'b'"), "the message names the version, its operation and the file");
	err_clear(&err);
	delta_snapshot_free(mid);
	ok(rewrite(t, old, "a", NULL, &res, &err) < 0 && res.conflict && strstr(err.msg, "conflicts with version 1 (WRITE)") &&
	    strstr(err.msg, "it added data (file 'w1') that this operation did not see"),
	    "a DELETE on a stale snapshot conflicts with a concurrent append");
	err_clear(&err);

	s = latest(t);
	struct delta_commit *c = delta_commit_begin(t, s, "SET TBLPROPERTIES", &err);
	struct delta_metadata m = s->metadata;
	delta_commit_set_metadata(c, &m);
	ok(delta_commit_publish(c, NULL, &err) == 5, "a metadata change is version 5");
	delta_commit_free(c);
	delta_snapshot_free(s);
	s = latest(t);   /* version 5 */
	ok(append(t, old, "late", &res, &err) < 0 && res.conflict && strstr(err.msg, "changed the table's metadata"),
	    "a blind append conflicts with a concurrent metadata change");
	err_clear(&err);

	/* txn: two commits for the same application */
	struct delta_snapshot *s5 = latest(t);
	c = delta_commit_begin(t, s5, "STREAMING UPDATE", &err);
	delta_commit_set_txn(c, "stream-1", 7);
	ok(delta_commit_publish(c, NULL, &err) == 6, "txn for stream-1 at version 6");
	delta_commit_free(c);
	c = delta_commit_begin(t, s5, "STREAMING UPDATE", &err);
	delta_commit_set_txn(c, "stream-1", 7);
	ok(delta_commit_publish(c, &res, &err) < 0 && res.conflict && strstr(err.msg, "application 'stream-1'"),
	    "the same appId committed concurrently: conflict");
	err_clear(&err);
	delta_commit_free(c);
	delta_snapshot_free(s5);
	delta_snapshot_free(s);
	s = latest(t);
	ok(s && s->version == 6 && s->ntxns == 1 && s->txns[0].version == 7, "the winner's txn is in the table");
	delta_snapshot_free(s);
	delta_snapshot_free(old);
	is_int(strays(t), 0, "losers left no temporary files");
}

/* ---- racing processes ---- */

struct outcome {
	long long version;
	int attempts, conflict;
};

/* Fork two writers that open the same version, wait at a barrier, then
 * publish at once; collect their outcomes. */
static void
race(const char *t, bool deletes, int round, struct outcome out[2])
{
	int ready[2], go[2], result[2];
	if (pipe(ready) < 0 || pipe(go) < 0 || pipe(result) < 0)
		abort();
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			struct wb_error err = WB_ERROR_INIT;
			struct delta_snapshot *s = delta_snapshot_open(t, NULL, &err);
			char b = 'r';
			if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
				_exit(3);
			struct delta_commit_result res;
			memset(&res, 0, sizeof res);
			int64_t v = -1;
			if (s != NULL) {
				char name[64];
				snprintf(name, sizeof name, "r%d-%d", round, k);
				v = deletes ? rewrite(t, s, "b", name, &res, &err) : append(t, s, name, &res, &err);
			}
			struct outcome o = {v, res.attempts, res.conflict};
			if (write(result[1], &o, sizeof o) != (ssize_t)sizeof o)
				_exit(4);
			_exit(0);
		}
	}
	char b[2];
	if (read(ready[0], b, 2) != 2 && read(ready[0], b + 1, 1) != 1)
		abort();
	if (write(go[1], "gg", 2) != 2)
		abort();
	for (int k = 0; k < 2; k++)
		if (read(result[0], &out[k], sizeof out[k]) != (ssize_t)sizeof out[k])
			memset(&out[k], 0, sizeof out[k]);
	for (int k = 0; k < 2; k++)
		waitpid(pid[k], NULL, 0);
	close(ready[0]), close(ready[1]), close(go[0]), close(go[1]), close(result[0]), close(result[1]);
}

static void
test_process_race(void)
{
	const char *t = table("race");
	create(t, NULL, 0);
	int rounds = 20, exact = 0;
	for (int r = 0; r < rounds; r++) {
		struct outcome o[2];
		race(t, false, r, o);
		long long base = 1 + 2LL * r;   /* both read version base-1 */
		int lo = o[0].version < o[1].version ? 0 : 1, hi = 1 - lo;
		exact += o[lo].version == base && o[lo].attempts == 1 && o[hi].version == base + 1 &&
		    o[hi].attempts == 2 && !o[0].conflict && !o[1].conflict;
	}
	is_int(exact, rounds, "%d races of two processes appending on the same version: one wins it, the other retries "
	    "and commits the next", rounds);
	struct delta_snapshot *s = latest(t);
	ok(s && s->version == 2 * rounds && s->nfiles == 2 + 2 * rounds, "every append is in the table once");
	delta_snapshot_free(s);

	/* two DELETEs of the same file: exactly one commits */
	struct outcome o[2];
	race(t, true, 99, o);
	ok((o[0].version == 2 * rounds + 1) + (o[1].version == 2 * rounds + 1) == 1 &&
	    (o[0].conflict + o[1].conflict) == 1 && (o[0].version < 0 || o[1].version < 0),
	    "two processes deleting the same file: one commits, the other gets a conflict");
	s = latest(t);
	ok(s && s->version == 2 * rounds + 1, "and nothing else was committed");
	delta_snapshot_free(s);
	is_int(strays(t), 0, "no temporary files left by the losers");
}

/* ---- racing threads ---- */

static const char *thread_table;
#define NTHREADS 4
#define PER_THREAD 10

static void *
appender(void *arg)
{
	long id = (long)arg;
	long fails = 0;
	for (int i = 0; i < PER_THREAD; i++) {
		struct wb_error err = WB_ERROR_INIT;
		struct delta_snapshot *s = delta_snapshot_open(thread_table, NULL, &err);
		char name[64];
		snprintf(name, sizeof name, "t%ld-%d", id, i);
		if (s == NULL || append(thread_table, s, name, NULL, &err) < 0)
			fails++;
		delta_snapshot_free(s);
		err_clear(&err);
	}
	return (void *)fails;
}

static void
test_thread_race(void)
{
	thread_table = table("threads");
	create(thread_table, NULL, 0);
	pthread_t th[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, appender, (void *)i);
	long fails = 0;
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(th[i], &r);
		fails += (long)r;
	}
	is_int(fails, 0, "%d threads x %d appends: all commit", NTHREADS, PER_THREAD);
	struct delta_snapshot *s = latest(thread_table);
	ok(s && s->version == NTHREADS * PER_THREAD && s->nfiles == 2 + NTHREADS * PER_THREAD,
	    "versions 1..%d, one append each, none lost", NTHREADS * PER_THREAD);
	delta_snapshot_free(s);
}

static void
test_crash_leftovers(void)
{
	const char *t = table("crash");
	create(t, NULL, 0);
	/* what a writer that died before link() leaves behind */
	FILE *f = fopen(tpath("%s/_delta_log/.%020d.json.4242.00000000deadbeef.tmp", t, 1), "w");
	fputs("{\"commitInfo\":{\"timestamp\":1}}\n{\"add\":{\"path\":\"half", f);
	fclose(f);
	struct delta_snapshot *s = latest(t);
	ok(s && s->version == 0 && s->nfiles == 2, "an unfinished commit's temporary file is not a version");
	struct wb_error err = WB_ERROR_INIT;
	is_int(append(t, s, "after", NULL, &err), 1, "the next commit takes version 1");
	delta_snapshot_free(s);
	err_clear(&err);
}

static void
test_write_protocol(void)
{
	struct wb_error err = WB_ERROR_INIT;
	const char *t = table("ao");
	struct delta_commit *c = delta_commit_begin(t, NULL, "CREATE TABLE", &err);
	struct delta_schema sc = schema();
	struct delta_metadata m;
	delta_metadata_new(&sc, NULL, 0, &A, &m);
	const char *keys[] = {"delta.appendOnly"}, *vals[] = {"true"};
	m.configuration = (struct delta_map){1, keys, vals};
	delta_commit_set_metadata(c, &m);
	struct delta_add a = file_add("a", 1);
	delta_commit_add(c, &a);
	ok(delta_commit_publish(c, NULL, &err) == 0, "an append-only table");
	delta_commit_free(c);
	struct delta_snapshot *s = latest(t);
	ok(append(t, s, "more", NULL, &err) == 1, "appending to it works");
	ok(rewrite(t, s, "a", NULL, NULL, &err) < 0 && strstr(err.msg, "is append-only (delta.appendOnly = true): DELETE would remove data"),
	    "deleting from it is refused");
	err_clear(&err);
	delta_snapshot_free(s);

	t = table("w4");
	mkdir(t, 0755);
	mkdir(tpath("%s/_delta_log", t), 0755);
	FILE *f = fopen(tpath("%s/_delta_log/%020d.json", t, 0), "w");
	fprintf(f, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":4}}\n{\"metaData\":{\"id\":\"x\",\"format\":"
	    "{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"%s\",\"partitionColumns\":[],\"configuration\":{}}}\n",
	    "{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"long\\\",\\\"nullable\\\":true,"
	    "\\\"metadata\\\":{\\\"delta.invariants\\\":\\\"{}\\\"}}]}");
	fclose(f);
	s = latest(t);
	ok(s != NULL, "a writer-version-4 table reads");
	ok(delta_commit_begin(t, s, "WRITE", &err) == NULL && strstr(err.msg, "requires writer version 4 (change data feed and generated columns)"),
	    "but wb refuses to write it");
	err_clear(&err);
	s->protocol.min_writer_version = 2;
	ok(delta_commit_begin(t, s, "WRITE", &err) == NULL && strstr(err.msg, "column 'x'") && strstr(err.msg, "invariant"),
	    "a column invariant blocks writing");
	err_clear(&err);
	s->protocol.min_writer_version = 7;
	const char *wf[] = {"rowTracking"};
	s->protocol.writer_features = wf;
	s->protocol.nwriter_features = 1;
	ok(delta_commit_begin(t, s, "WRITE", &err) == NULL && strstr(err.msg, "writer feature 'rowTracking' (row tracking)"),
	    "an unknown writer feature blocks writing");
	err_clear(&err);
	delta_snapshot_free(s);
}

/* CHECK constraints (delta.constraints.*) raise the protocol to writer
 * version 3 (or add the checkConstraints feature at 7); wb writes such
 * tables unless they ask for checkpoint statistics it does not write. */
static void
test_constraints_protocol(void)
{
	struct wb_error err = WB_ERROR_INIT;
	const char *t = table("chk");
	struct delta_commit *c = delta_commit_begin(t, NULL, "CREATE TABLE", &err);
	struct delta_schema sc = schema();
	struct delta_metadata m;
	delta_metadata_new(&sc, NULL, 0, &A, &m);
	const char *keys[] = {"delta.constraints.pos"}, *vals[] = {"id > 0"};
	m.configuration = (struct delta_map){1, keys, vals};
	delta_commit_set_metadata(c, &m);
	ok(delta_commit_publish(c, NULL, &err) == 0, "a table created with a CHECK constraint");
	delta_commit_free(c);
	struct delta_snapshot *s = latest(t);
	is_int(s->protocol.min_writer_version, 3, "has writer version 3");
	ok(append(t, s, "x", NULL, &err) == 1, "and wb writes to it");
	err_clear(&err);
	delta_snapshot_free(s);

	/* a constraint added to a writer-version-2 table raises it */
	t = table("chk2");
	ok(create(t, NULL, 0) == 0, "a writer-version-2 table");
	s = latest(t);
	c = delta_commit_begin(t, s, "ADD CONSTRAINT", &err);
	struct delta_metadata m2 = s->metadata;
	m2.configuration = (struct delta_map){1, keys, vals};
	delta_commit_set_metadata(c, &m2);
	ok(delta_commit_publish(c, NULL, &err) == 1, "gets a CHECK constraint");
	delta_commit_free(c);
	delta_snapshot_free(s);
	s = latest(t);
	is_int(s->protocol.min_writer_version, 3, "and writer version 3 in the same commit");
	delta_snapshot_free(s);

	/* writer version 7: the feature is added to its list */
	struct delta_protocol p7 = {.min_reader_version = 1, .min_writer_version = 7}, out;
	const char *wf[] = {"appendOnly"};
	p7.writer_features = wf;
	p7.nwriter_features = 1;
	ok(delta_protocol_raise(&p7, &m2, &A, &out) && out.nwriter_features == 2 &&
	    strcmp(out.writer_features[1], "checkConstraints") == 0, "writer version 7 gets the checkConstraints feature");
	ok(!delta_protocol_raise(&out, &m2, &A, &p7), "and keeps it");
	struct delta_protocol p3 = {.min_reader_version = 1, .min_writer_version = 3};
	ok(!delta_protocol_raise(&p3, &m2, &A, &out), "writer version 3 is enough");
	struct delta_metadata none = m2;
	none.configuration = (struct delta_map){0, NULL, NULL};
	struct delta_protocol p2 = {.min_reader_version = 1, .min_writer_version = 2};
	ok(!delta_protocol_raise(&p2, &none, &A, &out), "no constraint, no raise");

	/* statistics as structs are not written by wb */
	s = latest(t);
	const char *k2[] = {"delta.constraints.pos", "delta.checkpoint.writeStatsAsStruct"}, *v2[] = {"id > 0", "true"};
	s->metadata.configuration = (struct delta_map){2, k2, v2};
	ok(delta_commit_begin(t, s, "WRITE", &err) == NULL && strstr(err.msg, "writeStatsAsStruct"),
	    "a writer-version-3 table asking for struct statistics is refused");
	err_clear(&err);
	delta_snapshot_free(s);
}

/* ---- checkpoint hook with a stand-in Parquet layer ---- */

static struct arena cp_arena;
static struct delta_action *cp_rows;
static int64_t cp_n;
static int cp_writes;

static int
mock_write(void *ctx, const char *path, const struct delta_action *rows, int64_t n, const struct delta_snapshot *snap,
    struct wb_error *err)
{
	(void)ctx;
	(void)snap;
	arena_reset(&cp_arena);
	cp_rows = arena_alloc(&cp_arena, (size_t)(n > 0 ? n : 1) * sizeof *cp_rows);
	for (int64_t i = 0; i < n; i++)   /* a deep copy: what the Parquet file would hold */
		delta_action_copy(&rows[i], &cp_arena, &cp_rows[i]);
	cp_n = n;
	cp_writes++;
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		err_set(err, -1, "cannot create %s", path);
		return -1;
	}
	fputs("PAR1 stand-in PAR1", f);
	fclose(f);
	return 0;
}

static int
mock_read(void *ctx, const char *const *files, int nfiles, delta_checkpoint_emit_fn emit, void *st, struct wb_error *err)
{
	(void)ctx;
	(void)files;
	(void)nfiles;
	for (int64_t i = 0; i < cp_n; i++)
		if (emit(st, &cp_rows[i], err) < 0)
			return -1;
	return 0;
}

static void
test_checkpoint_hook(void)
{
	const char *t = table("cp");
	arena_init(&cp_arena, 0);
	struct delta_checkpoint_io io = {mock_read, mock_write, NULL};
	delta_checkpoint_io_set(&io);
	create(t, NULL, 0);
	struct wb_error err = WB_ERROR_INIT;
	struct delta_commit_result res;
	int checkpointed_at = -1;
	for (int i = 1; i <= 11; i++) {
		struct delta_snapshot *s = latest(t);
		if (i == 6)
			rewrite(t, s, "a", NULL, &res, &err);
		else
			append(t, s, tpath("f%d", i), &res, &err);
		if (res.checkpointed)
			checkpointed_at = (int)res.version;
		if (res.warning[0])
			diag("%s", res.warning);
		delta_snapshot_free(s);
	}
	is_int(checkpointed_at, 10, "a checkpoint after version 10 (and only then)");
	is_int(cp_writes, 1, "the writer was called once");
	struct stat st;
	ok(stat(tpath("%s/_delta_log/%020d.checkpoint.parquet", t, 10), &st) == 0 && st.st_size == 18,
	    "00000000000000000010.checkpoint.parquet installed");
	struct delta_last_checkpoint lc;
	ok(delta_last_checkpoint_read(t, &lc, &err) == 0 && lc.version == 10 && lc.size == cp_n && lc.size_in_bytes == 18 &&
	    lc.num_of_add_files == 10, "_last_checkpoint points at it (13 rows: protocol, metaData, 10 adds, 1 remove)");
	is_int(cp_n, 13, "checkpoint rows");
	ok(cp_n == 13 && cp_rows[0].type == DELTA_ACTION_PROTOCOL && cp_rows[1].type == DELTA_ACTION_METADATA &&
	    cp_rows[12].type == DELTA_ACTION_REMOVE && strcmp(cp_rows[12].u.remove.path, "a") == 0, "rows in order, tombstone last");

	/* replay from the checkpoint once commits 0..9 are gone */
	struct delta_snapshot *full = latest(t);
	for (int v = 0; v < 10; v++)
		unlink(tpath("%s/_delta_log/%020d.json", t, v));
	struct delta_snapshot *s = latest(t);
	ok(s && s->checkpoint_version == 10 && full && s->nfiles == full->nfiles && s->version == 11,
	    "after cleanup the table replays from the checkpoint, with the same files");
	delta_checkpoint_io_set(NULL);
	struct delta_snapshot *none = delta_snapshot_open(t, NULL, &err);
	ok(none == NULL && strstr(err.msg, "needs Parquet support"), "without the reader: the clear message");
	err_clear(&err);
	delta_snapshot_free(s);
	delta_snapshot_free(full);
	arena_release(&cp_arena);
	is_int(strays(t), 0, "no temporary files left");
}

static void
test_partitioned(void)
{
	const char *t = table("part");
	const char *parts[] = {"s"};
	struct wb_error err = WB_ERROR_INIT;
	struct delta_commit *c = delta_commit_begin(t, NULL, "CREATE TABLE", &err);
	struct delta_schema sc = schema();
	struct delta_metadata m;
	delta_metadata_new(&sc, parts, 1, &A, &m);
	delta_commit_set_metadata(c, &m);
	struct strbuf p = STRBUF_INIT;
	delta_path_encode("s=S\xC3\xA3o Paulo/part-00000.parquet", &p);
	struct delta_add a = file_add(p.s, 3);
	const char *k[] = {"s"}, *v[] = {"S\xC3\xA3o Paulo"};
	a.partition_values = (struct delta_map){1, k, v};
	delta_commit_add(c, &a);
	ok(delta_commit_publish(c, NULL, &err) == 0, "a partitioned table");
	delta_commit_free(c);
	sb_free(&p);
	struct delta_snapshot *s = latest(t);
	ok(s && s->metadata.npartition_columns == 1 && s->schema.cols[1].partition_index == 0, "partitioned by s");
	char *fp = s ? delta_file_path(s->table, s->files[0].path, &err) : NULL;
	ok(fp && strstr(fp, "/part/s=S\xC3\xA3o Paulo/part-00000.parquet"), "the encoded path decodes to the folder");
	free(fp);
	struct wb_value val;
	ok(s && delta_partition_value(&s->schema.cols[1], delta_map_get(&s->files[0].partition_values, "s", NULL), &s->arena,
	    &val, &err) == 0 && val.u.s.n == 10, "partition value read back");
	delta_snapshot_free(s);

	c = delta_commit_begin(table("badpart"), NULL, "CREATE TABLE", &err);
	const char *bad[] = {"nope"};
	delta_metadata_new(&sc, bad, 1, &A, &m);
	delta_commit_set_metadata(c, &m);
	ok(delta_commit_publish(c, NULL, &err) < 0 && strstr(err.msg, "partition column 'nope' is not in the schema"),
	    "a partition column must be in the schema");
	delta_commit_free(c);
	err_clear(&err);
}

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
	snprintf(tmproot, sizeof tmproot, "%s/wb-delta-commit-XXXXXX", td && *td ? td : "/tmp");
	if (mkdtemp(tmproot) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	arena_init(&A, 0);
	test_create();
	test_sequential();
	test_stale();
	test_process_race();
	test_thread_race();
	test_crash_leftovers();
	test_write_protocol();
	test_constraints_protocol();
	test_checkpoint_hook();
	test_partitioned();
	rm_rf(tmproot);
	arena_release(&A);
	return done_testing();
}

/* Unit tests for src/cli/stream_def.c, stream_ckpt.c and stream_plan.c:
 * a streaming table's definition (its STREAM source, options and
 * WATERMARK; each batch's text and error positions), its checkpoint
 * records, and the planning of batches from a folder's files.
 *
 * Files go to a temporary directory under $TMPDIR (or /tmp), removed at
 * the end. */
#include "tests/tap.h"

#include "cli/stream.h"
#include "store/lake/lake.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char tmp[4096];

static int
parse(const char *q, struct arena *a, struct stream_def *d, struct wb_error *err)
{
	err_clear(err);
	return stream_def_parse(q, (int)strlen(q), 0, a, d, err);
}

static void
test_definitions(void)
{
	struct arena a;
	arena_init(&a, 0);
	struct wb_error err = WB_ERROR_INIT;
	struct stream_def d;

	const char *q = "SELECT a, b FROM STREAM read_csv('land/*.csv', header => true, maxFilesPerTrigger => 3) AS s "
	    "WHERE a > 1";
	is_int(parse(q, &a, &d, &err), 0, "a read_csv source parses");
	is_str(d.fn, "read_csv", "... its table function");
	is_str(d.path, "land/*.csv", "... its path");
	is_str(d.options, ", header = true", "... the other options go to read_csv, the stream's do not");
	is_int(d.max_files, 3, "... maxFilesPerTrigger");
	is_int(d.stable_ms, 500, "... fileStableMs defaults to 500");
	ok(!d.ignore_missing && d.wm_column == NULL, "... no ignoreMissingFiles, no watermark");
	is_int(d.src_pos, 17, "... the STREAM keyword's position");

	char *files[] = {"/x/f1.csv", "/x/it's.csv"};
	struct stream_sql sql;
	stream_sql_build(&d, files, 2, &sql);
	is_str(sql.text, "SELECT a, b FROM read_csv(['/x/f1.csv', '/x/it''s.csv'], header = true) AS s WHERE a > 1",
	    "a batch reads its files with the same options");
	const char *at = strstr(sql.text, "a > 1");
	is_int(stream_sql_pos(&d, &sql, (int)(at - sql.text)), (int)(strstr(q, "a > 1") - q),
	    "a position after the source maps back into the definition");
	is_int(stream_sql_pos(&d, &sql, 7), 7, "... one before it stays");
	is_int(stream_sql_pos(&d, &sql, 30), 17, "... one inside the source maps to STREAM");
	stream_sql_free(&sql);

	q = "SELECT window(ts, '10 minutes') AS w, count(*) FROM STREAM(read_files('d/', format => 'parquet')) "
	    "WATERMARK to_timestamp(t) AS ts DELAY OF INTERVAL 10 MINUTES GROUP BY ALL";
	is_int(parse(q, &a, &d, &err), 0, "read_files in parentheses, a derived watermark column");
	is_str(d.fn, "read_parquet", "... format => 'parquet' reads Parquet");
	is_str(d.wm_column, "ts", "... the watermark column");
	is_str(d.wm_expr, "to_timestamp(t) ", "... and its expression");
	is_int(d.wm_delay_us, INT64_C(600000000), "... a 10-minute delay");
	stream_sql_build(&d, files, 1, &sql);
	ok(strstr(sql.text, "SELECT " STREAM_WINDOW_FN "(ts, '10 minutes') AS w, count(*) FROM (SELECT *, to_timestamp(t)  "
	    "AS `ts` FROM read_parquet(['/x/f1.csv']))") != NULL && strstr(sql.text, "WATERMARK") == NULL,
	    "the batch adds the column, renames window() and drops WATERMARK: %s", sql.text);
	stream_sql_free(&sql);

	q = "SELECT * FROM STREAM read_csv('d/') WATERMARK ts DELAY OF INTERVAL '1 hour 30 minutes'";
	is_int(parse(q, &a, &d, &err), 0, "a watermark delay written as a string interval");
	is_int(d.wm_delay_us, INT64_C(5400000000), "... 90 minutes");

	static const struct {
		const char *q, *msg;
		int pos;
	} bad[] = {
		{"SELECT * FROM read_csv('d/')", "reads FROM STREAM a source", 0},
		{"SELECT * FROM STREAM read_csv('a/') JOIN STREAM read_csv('b/') USING (k)", "one STREAM source", 41},
		{"SELECT * FROM STREAM read_json('a')", "read_csv, read_parquet or read_files", 21},
		{"SELECT * FROM STREAM read_csv(header => true)", "needs the folder, glob pattern or file", 21},
		{"SELECT * FROM STREAM read_csv(42)", "the first argument is a folder", 30},
		{"SELECT * FROM STREAM read_csv('a', maxFilesPerTrigger => 0)", "at least 1", 57},
		{"SELECT * FROM STREAM read_csv('a', ignoreMissingFiles => 3)", "is true or false", 57},
		{"SELECT * FROM STREAM read_files('a/')", "needs format", 21},
		{"SELECT * FROM STREAM read_csv('a') WATERMARK ts + 1 DELAY OF INTERVAL 1 MINUTE", "needs a name", 45},
		{"SELECT * FROM STREAM read_csv('a') WATERMARK ts DELAY OF INTERVAL 40 DAYS", "less than a month", 57},
		{"SELECT * FROM STREAM read_csv('a') WATERMARK ts DELAY OF 5", "needs an interval", 57},
		{"SELECT * FROM STREAM t", "a table as a stream source is not supported yet", 21},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = parse(bad[i].q, &a, &d, &err);
		ok(rc < 0 && err.msg && strstr(err.msg, bad[i].msg) != NULL, "refused: %s", bad[i].q);
		if (err.msg && strstr(err.msg, bad[i].msg) == NULL)
			printf("#   got '%s'\n", err.msg);
		is_int(err.pos, bad[i].pos, "... at the offending token");
	}
	/* positions are offsets in the statement the query stands in */
	err_clear(&err);
	stream_def_parse("SELECT * FROM read_csv('d/')", 28, 100, &a, &d, &err);
	is_int(err.pos, 100, "an error's position is shifted by where the query starts");

	err_clear(&err);
	arena_release(&a);
}

static char *
path(const char *name)
{
	return xasprintf("%s/%s", tmp, name);
}

static void
test_checkpoint(void)
{
	struct wb_error err = WB_ERROR_INIT;
	char *ck = path("ck");
	is_int(stream_ckpt_reset(ck, "id-1", "main.t", &err), 0, "a new checkpoint");
	char *id = stream_ckpt_id(ck);
	is_str(id, "id-1", "... records the stream's id");
	free(id);
	struct stream_file files[] = {{"/l/a.csv", 10, 1000}, {"/l/\"b\".csv", 20, 2000}};
	struct stream_offsets o = {0, 123, 2, files};
	is_int(stream_ckpt_write_offsets(ck, &o, &err), 0, "offsets/0 written");
	ok(stream_ckpt_write_offsets(ck, &o, &err) < 0 && strstr(err.msg, "exists already") != NULL,
	    "offsets are never written twice");
	err_clear(&err);
	o.batch = 1;
	o.nfiles = 1;
	stream_ckpt_write_offsets(ck, &o, &err);
	struct arena a;
	arena_init(&a, 0);
	struct stream_offsets r;
	is_int(stream_ckpt_read_offsets(ck, 0, &a, &r, &err), 0, "offsets/0 read back");
	ok(r.batch == 0 && r.time_ms == 123 && r.nfiles == 2 && strcmp(r.files[1].path, "/l/\"b\".csv") == 0 &&
	    r.files[1].size == 20 && r.files[1].mtime_ms == 2000, "... the same batch, files, sizes and times");
	int64_t *ids;
	int n;
	stream_ckpt_list(ck, "offsets", &ids, &n, &err);
	ok(n == 2 && ids[0] == 0 && ids[1] == 1, "offsets listed in order");
	free(ids);

	struct stream_commit c, back;
	stream_commit_init(&c, 1);
	c.files = 2;
	c.rows = 99;
	c.late_rows = 3;
	c.delta_version = 7;
	c.watermark_us = INT64_C(1704103320000000);
	c.signature = 42;
	is_int(stream_ckpt_write_commit(ck, "commits", &c, &err), 0, "commits/1 written");
	is_int(stream_ckpt_read_commit(ck, "commits", 1, &back, &err), 0, "... read back");
	ok(back.files == 2 && back.rows == 99 && back.late_rows == 3 && back.delta_version == 7 &&
	    back.watermark_us == c.watermark_us && back.max_event_us == STREAM_NO_TIME && back.signature == 42,
	    "... with its counts, watermark and no event time");
	ok(stream_ckpt_read_commit(ck, "commits", 0, &back, &err) < 0 && strstr(err.msg, "cannot read") != NULL,
	    "a missing record is an error naming it");
	err_clear(&err);
	char *bad = stream_ckpt_path(ck, "commits", 2);
	FILE *f = fopen(bad, "w");
	fputs("v1\n{\"batchId\": 2,\n", f);
	fclose(f);
	ok(stream_ckpt_read_commit(ck, "commits", 2, &back, &err) < 0 && strstr(err.msg, "is not a JSON object") != NULL,
	    "a damaged record is an error naming the file and line");
	free(bad);
	err_clear(&err);

	int fd = stream_ckpt_lock(ck, &err);
	ok(fd >= 0, "the lock is taken");
	ok(stream_ckpt_lock(ck, &err) < 0 && strstr(err.msg, "being run by another process") != NULL,
	    "... and refused to a second taker");
	err_clear(&err);
	close(fd);
	fd = stream_ckpt_lock(ck, &err);
	ok(fd >= 0, "... free again once released");
	close(fd);

	is_int(stream_ckpt_reset(ck, "id-2", "main.t", &err), 0, "a reset");
	stream_ckpt_list(ck, "offsets", &ids, &n, &err);
	is_int(n, 0, "... leaves no offsets");
	free(ids);
	id = stream_ckpt_id(ck);
	is_str(id, "id-2", "... and the new id");
	free(id);
	arena_release(&a);
	free(ck);
}

static void
touch_file(const char *name, const char *text, time_t mtime)
{
	char *p = path(name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	struct timeval tv[2] = {{mtime, 0}, {mtime, 0}};
	utimes(p, tv);
	free(p);
}

static void
test_planning(void)
{
	struct arena a;
	arena_init(&a, 0);
	struct wb_error err = WB_ERROR_INIT;
	char *land = path("land");
	mkdir(land, 0755);
	touch_file("land/b.csv", "x\n1\n", 1000);
	touch_file("land/a.csv", "x\n1\n", 1000);
	touch_file("land/c.csv", "x\n1\n", 900);
	touch_file("land/_SUCCESS", "", 800);
	touch_file("land/.tmp.csv", "x\n", 800);
	char *q = xasprintf("SELECT * FROM STREAM read_csv('%s/', maxFilesPerTrigger => 2)", land);
	struct stream_def d;
	is_int(parse(q, &a, &d, &err), 0, "a folder source");
	struct stream_file *files;
	int n;
	is_int(stream_list_files(&d, &files, &n, &err), 0, "the folder is listed");
	ok(n == 3 && strstr(files[0].path, "/c.csv") && strstr(files[1].path, "/a.csv") && strstr(files[2].path, "/b.csv"),
	    "... its visible files, oldest first, then by name");
	struct stream_seen seen = {0};
	struct stream_file *plan;
	int np, young;
	stream_plan_batch(&d, files, n, &seen, &plan, &np, &young, &err);
	ok(np == 2 && strstr(plan[0].path, "/c.csv") && strstr(plan[1].path, "/a.csv") && young == 0,
	    "a batch takes maxFilesPerTrigger of them");
	for (int i = 0; i < np; i++)
		stream_seen_add(&seen, plan[i].path);
	stream_seen_sort(&seen);
	stream_files_free(plan, np);
	stream_plan_batch(&d, files, n, &seen, &plan, &np, &young, &err);
	ok(np == 1 && strstr(plan[0].path, "/b.csv"), "the next batch takes what no batch had");
	stream_seen_add(&seen, plan[0].path);
	stream_seen_sort(&seen);
	stream_files_free(plan, np);
	stream_plan_batch(&d, files, n, &seen, &plan, &np, &young, &err);
	is_int(np, 0, "... and then there is nothing new");
	free(plan);
	stream_files_free(files, n);
	free(q);

	/* a glob matching nothing is no error; a folder that is not there is */
	q = xasprintf("SELECT * FROM STREAM read_csv('%s/*.json')", land);
	parse(q, &a, &d, &err);
	ok(stream_list_files(&d, &files, &n, &err) == 0 && n == 0, "a pattern matching nothing: no files yet");
	free(files);
	free(q);
	q = xasprintf("SELECT * FROM STREAM read_csv('%s/nowhere/*.csv')", land);
	parse(q, &a, &d, &err);
	ok(stream_list_files(&d, &files, &n, &err) < 0 && strstr(err.msg, "nowhere' does not exist") != NULL,
	    "a missing folder is an error naming it");
	err_clear(&err);
	free(q);

	/* a file younger than fileStableMs that keeps changing is left */
	q = xasprintf("SELECT * FROM STREAM read_csv('%s/', fileStableMs => 200)", land);
	parse(q, &a, &d, &err);
	touch_file("land/fresh.csv", "x\n1\n", time(NULL) + 3600);
	stream_list_files(&d, &files, &n, &err);
	stream_plan_batch(&d, files, n, &seen, &plan, &np, &young, &err);
	ok(np == 0 && young == 1, "a file whose mtime is ahead of the clock waits (still being written)");
	free(plan);
	stream_files_free(files, n);
	touch_file("land/fresh.csv", "x\n1\n", time(NULL));
	stream_list_files(&d, &files, &n, &err);
	stream_plan_batch(&d, files, n, &seen, &plan, &np, &young, &err);
	ok(np == 1 && young == 0, "a fresh file that holds still while planning waits is taken");
	stream_files_free(plan, np);
	stream_files_free(files, n);
	free(q);
	stream_seen_free(&seen);
	free(land);
	arena_release(&a);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/wb-stream-unit-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	test_definitions();
	test_checkpoint();
	test_planning();
	struct wb_error err = WB_ERROR_INIT;
	lake_remove_tree(tmp, &err);
	err_clear(&err);
	return done_testing();
}

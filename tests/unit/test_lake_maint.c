/* Unit tests for the maintenance of Delta tables in src/store/lake (no
 * SQL): path sets, sizes, OPTIMIZE bin-packing and Z-order (every row
 * kept; each Z-ordered file covers a small box of the Z-order columns;
 * a partitioned table per partition, new files in their partitions),
 * RESTORE metrics, and VACUUM's retention rule with a moved clock.
 * Everything happens in a temporary directory. */
#include "tests/tap.h"

#include "store/lake/lake.h"
#include "store/lake/lake_maint.h"
#include "store/parquet/pq.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

static char root[1024];

/* Fill rows at .. at + n of a chunk of c's columns. */
typedef void (*fill_fn)(struct chunk *c, int64_t at, int n, const int64_t *arg);

/* Write the rows i in [from, to) that fill makes, of columns names and
 * types (options wo), as one commit: its version, or -1. */
static int64_t
write_commit(const char *dir, enum lake_write_mode mode, int ncol, char **names, wb_type *types,
    const struct lake_write_options *wo, int64_t from, int64_t to, fill_fn fill, const int64_t *arg)
{
	struct wb_error err = WB_ERROR_INIT;
	struct lake_write *w = lake_write_begin(dir, mode, ncol, names, types, wo, &err);
	if (w == NULL) {
		printf("# %s\n", err.msg);
		err_clear(&err);
		return -1;
	}
	struct lake_part *part = lake_write_part(w);
	struct chunk c;
	chunk_init(&c, ncol, types);
	for (int64_t at = from; at < to; at += WB_VEC_SIZE) {
		chunk_reset(&c);
		int n = (int)(to - at < WB_VEC_SIZE ? to - at : WB_VEC_SIZE);
		fill(&c, at, n, arg);
		c.n = n;
		for (int k = 0; k < ncol; k++)
			c.cols[k].n = n;
		lake_part_write(part, &c, &err);
	}
	chunk_free(&c);
	int64_t rows;
	int64_t v = lake_write_commit(w, &rows, &err);
	if (v < 0)
		printf("# %s\n", err.msg);
	err_clear(&err);
	return v;
}

/* (x, y) = ((i * 7919) % arg[0], (i * 104729) % arg[1]) */
static void
fill_xy(struct chunk *c, int64_t at, int n, const int64_t *arg)
{
	for (int i = 0; i < n; i++) {
		int64_t r = at + i;
		vec_i64(&c->cols[0])[i] = (r * 7919) % arg[0];
		vec_i64(&c->cols[1])[i] = (r * 104729) % arg[1];
	}
}

/* Write rows (x, y) = (f(i), g(i)) for i in [from, to) as one commit. */
static int64_t
write_xy(const char *dir, enum lake_write_mode mode, int64_t from, int64_t to, int64_t xmod, int64_t ymod)
{
	char *names[] = {"x", "y"};
	wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	int64_t mods[] = {xmod, ymod};
	return write_commit(dir, mode, 2, names, types, NULL, from, to, fill_xy, mods);
}

static struct delta_snapshot *
latest(const char *dir)
{
	struct wb_error err = WB_ERROR_INIT;
	struct delta_snapshot *s = delta_snapshot_open(dir, NULL, &err);
	if (s == NULL)
		printf("# %s\n", err.msg);
	err_clear(&err);
	return s;
}

static void
test_pathset(void)
{
	struct lake_pathset s;
	lake_pathset_init(&s, "/t/dir/");
	lake_pathset_add(&s, "a%20b.parquet");
	lake_pathset_add(&s, "file:/t/dir/c.parquet");
	lake_pathset_add(&s, "/t/dir/sub/d.parquet");
	lake_pathset_add(&s, "a b.parquet");
	lake_pathset_seal(&s);
	is_int(s.n, 3, "pathset: duplicates (one file named two ways) merged");
	ok(lake_pathset_has_rel(&s, "a b.parquet"), "pathset: percent-decoded");
	ok(lake_pathset_has_rel(&s, "c.parquet"), "pathset: a file: URI inside the table is relative");
	ok(lake_pathset_has(&s, "sub%2Fd.parquet") || lake_pathset_has_rel(&s, "sub/d.parquet"),
	    "pathset: an absolute path inside the table is relative");
	ok(!lake_pathset_has_rel(&s, "e.parquet"), "pathset: others are not members");
	lake_pathset_free(&s);
}

static void
test_sizes(void)
{
	is_int(lake_parse_size("134217728"), 134217728, "size: bytes");
	is_int(lake_parse_size("128mb"), 134217728, "size: 128mb");
	is_int(lake_parse_size("1g"), 1073741824, "size: 1g");
	is_int(lake_parse_size("64 KiB"), 65536, "size: 64 KiB");
	is_int(lake_parse_size("lots"), -1, "size: not a size");
	is_int(lake_parse_size("-5"), -1, "size: negative");
}

static void
test_optimize(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/bins", root);
	for (int i = 0; i < 4; i++)
		write_xy(dir, i == 0 ? LAKE_CREATE : LAKE_APPEND, i * 1000, (i + 1) * 1000, 100, 97);
	struct lake_optimize_options o = {0};
	struct lake_optimize_metrics m;
	struct wb_error err = WB_ERROR_INIT;
	ok(lake_optimize(dir, &o, &m, &err) == 0, "optimize: bin-packing runs");
	is_int(m.removed.files, 4, "optimize: the four small files are removed");
	is_int(m.added.files, 1, "optimize: one file is added");
	is_int(m.rows, 4000, "optimize: every row is copied");
	is_int(m.version, 4, "optimize: version 4");
	struct delta_snapshot *s = latest(dir);
	ok(s && s->nfiles == 1 && !s->files[0].data_change, "optimize: the new file is added with dataChange false");
	struct wb_error e2 = WB_ERROR_INIT;
	ok(s && delta_snapshot_num_records(s, &e2) == 4000, "optimize: 4000 rows in the stats");
	delta_snapshot_free(s);
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.version == -1, "optimize: a single file is left alone");
	/* new files cut by rows; a pack that would not leave fewer files is
	 * not done */
	o.max_records_per_file = 1500;
	write_xy(dir, LAKE_APPEND, 4000, 5000, 100, 97);
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.version == -1,
	    "optimize: 4000 + 1000 rows at 1500 rows per file would be 4 files: left alone");
	snprintf(dir, sizeof dir, "%s/cut", root);
	for (int i = 0; i < 3; i++)
		write_xy(dir, i == 0 ? LAKE_CREATE : LAKE_APPEND, i * 500, (i + 1) * 500, 100, 97);
	o.max_records_per_file = 1000;
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.removed.files == 3, "optimize: 3 files of 500 rows packed");
	is_int(m.added.files, 2, "optimize: into files of at most 1000 rows");
	err_clear(&err);
	err_clear(&e2);
}

/* (x, k, y) = (i, i % 3, i % 7) */
static void
fill_xky(struct chunk *c, int64_t at, int n, const int64_t *arg)
{
	(void)arg;
	for (int i = 0; i < n; i++) {
		vec_i64(&c->cols[0])[i] = at + i;
		vec_i64(&c->cols[1])[i] = (at + i) % 3;
		vec_i64(&c->cols[2])[i] = (at + i) % 7;
	}
}

/* Write rows (x, k, y) = (i, i % 3, i % 7) for i in [from, to), the
 * table partitioned by k, as one commit (a file per partition). */
static int64_t
write_xky(const char *dir, enum lake_write_mode mode, int64_t from, int64_t to)
{
	char *names[] = {"x", "k", "y"};
	wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	char *pby[] = {"k"};
	struct lake_write_options wo = {.partition_by = pby, .npartition = 1};
	return write_commit(dir, mode, 3, names, types, &wo, from, to, fill_xky, NULL);
}

/* Is every live file of s in the directory of its partitionValues, with
 * the data columns x and y and without the partition column k, and its
 * statistics those of its partition's rows (x % 3 == k)? */
static bool
files_in_partitions(const char *dir, const struct delta_snapshot *s)
{
	struct arena a;
	arena_init(&a, 0);
	bool good = true;
	for (int64_t f = 0; f < s->nfiles && good; f++) {
		const struct delta_add *add = &s->files[f];
		const char *k = delta_map_get(&add->partition_values, "k", NULL);
		char want[32];
		snprintf(want, sizeof want, "k=%s/", k ? k : "?");
		struct wb_error err = WB_ERROR_INIT;
		char *path = delta_file_path(dir, add->path, &err);
		struct pq_nfile *pf = path ? pq_nfile_open(path, &err) : NULL;
		struct pq_ncol *x = pf ? pq_ncol_open(pf, "x", PQ_NVALUE, WB_TYPE_BIGINT, &err) : NULL;
		struct pq_ncol *kc = pf ? pq_ncol_open(pf, "k", PQ_NVALUE, WB_TYPE_BIGINT, &err) : NULL;
		struct delta_file_stats fs;
		good = k && strncmp(add->path, want, strlen(want)) == 0 && x && !kc && !add->data_change &&
		    delta_stats_parse(&s->schema, add->stats, &a, &fs, &err) == 0 &&
		    fs.cols[0].min.u.i % 3 == atoi(k) && fs.cols[0].max.u.i % 3 == atoi(k) && fs.cols[1].null_count < 0;
		if (!good)
			printf("# file %s (partition k=%s): %s\n", add->path, k ? k : "?", err.msg ? err.msg : "wrong");
		pq_ncol_free(x);
		pq_ncol_free(kc);
		if (pf)
			pq_nfile_free(pf);
		free(path);
		err_clear(&err);
	}
	arena_release(&a);
	return good;
}

static int nparquet;

static int
count_parquet(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (flag == FTW_F && n > 8 && strcmp(path + n - 8, ".parquet") == 0)
		nparquet++;
	return 0;
}

/* Data files under dir, removed ones included. */
static int
parquet_files(const char *dir)
{
	nparquet = 0;
	nftw(dir, count_parquet, 16, FTW_PHYS);
	return nparquet;
}

static void
test_optimize_partitioned(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/parts", root);
	for (int i = 0; i < 4; i++)
		write_xky(dir, i == 0 ? LAKE_CREATE : LAKE_APPEND, i * 300, (i + 1) * 300);
	struct lake_optimize_options o = {0};
	struct lake_optimize_metrics m;
	struct wb_error err = WB_ERROR_INIT;
	/* only the files of k = 1 (o.files) */
	struct delta_snapshot *s = latest(dir);
	int64_t files[4], n = 0;
	for (int64_t f = 0; s && f < s->nfiles; f++)
		if (strcmp(delta_map_get(&s->files[f].partition_values, "k", NULL), "1") == 0)
			files[n++] = f;
	o.files = files;
	o.nfiles = n;
	ok(s && lake_optimize_at(dir, s, &o, &m, &err) == 0 && m.removed.files == 4 && m.added.files == 1,
	    "partitioned: the 4 files of one partition packed into 1");
	is_int(m.partitions, 1, "partitioned: one partition optimized");
	delta_snapshot_free(s);
	memset(&o, 0, sizeof o);
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.removed.files == 8 && m.added.files == 2,
	    "partitioned: the other 8 files packed into one per partition");
	is_int(m.partitions, 2, "partitioned: two partitions optimized");
	is_int(m.considered_files, 9, "partitioned: 9 files considered");
	s = latest(dir);
	ok(s && s->nfiles == 3 && files_in_partitions(dir, s), "partitioned: one file per partition, in its directory");
	ok(s && delta_snapshot_num_records(s, &err) == 1200, "partitioned: 1200 rows in the stats");
	delta_snapshot_free(s);
	/* Z-order: each partition on its own, cut at 100 rows */
	char *cols[] = {"y", "x"};
	o.zorder = cols;
	o.nzorder = 2;
	o.max_records_per_file = 100;
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.removed.files == 3 && m.added.files >= 12 && m.added.files <= 15,
	    "partitioned zorder: 400 rows per partition in 4 or 5 files of at most 100 (%lld files)",
	    (long long)m.added.files);
	is_int(m.partitions, 3, "partitioned zorder: three partitions");
	s = latest(dir);
	ok(s && files_in_partitions(dir, s), "partitioned zorder: files in their partitions' directories");
	delta_snapshot_free(s);
	char *pcol[] = {"k"};
	o.zorder = pcol;
	o.nzorder = 1;
	ok(lake_optimize(dir, &o, &m, &err) < 0 && strstr(err.msg, "k is a partition column"),
	    "partitioned zorder: not by a partition column");
	err_clear(&err);
	/* a commit that fails (the files were removed by a concurrent
	 * OPTIMIZE) leaves no new file behind */
	o.zorder = cols;
	o.nzorder = 2;
	o.max_records_per_file = 200;
	s = latest(dir);
	ok(lake_optimize(dir, &o, &m, &err) == 0 && m.version >= 0, "partitioned: a concurrent OPTIMIZE");
	int files_before = parquet_files(dir);
	int rc = s ? lake_optimize_at(dir, s, &o, &m, &err) : 0;
	ok(rc < 0, "partitioned: the OPTIMIZE of the old snapshot fails");
	printf("# %s\n", err.msg ? err.msg : "no error");
	is_int(parquet_files(dir), files_before, "partitioned: its new files are removed");
	delta_snapshot_free(s);
	err_clear(&err);
}

/* The most rows of a live file of s, by its statistics (-1: unknown). */
static int64_t
max_file_rows(const struct delta_snapshot *s)
{
	int64_t most = 0;
	struct arena a;
	arena_init(&a, 0);
	for (int64_t f = 0; f < s->nfiles && most >= 0; f++) {
		struct delta_file_stats fs;
		struct wb_error err = WB_ERROR_INIT;
		if (delta_stats_parse(&s->schema, s->files[f].stats, &a, &fs, &err) < 0)
			most = -1;
		else if (fs.num_records > most)
			most = fs.num_records;
		err_clear(&err);
	}
	arena_release(&a);
	return most;
}

/* The fraction of the x-y box each file covers, averaged. */
static double
mean_box(const struct delta_snapshot *s, double xr, double yr)
{
	double sum = 0;
	struct arena a;
	arena_init(&a, 0);
	for (int64_t f = 0; f < s->nfiles; f++) {
		struct delta_file_stats fs;
		struct wb_error err = WB_ERROR_INIT;
		if (delta_stats_parse(&s->schema, s->files[f].stats, &a, &fs, &err) < 0)
			return 99;
		double dx = (double)(fs.cols[0].max.u.i - fs.cols[0].min.u.i + 1) / xr;
		double dy = (double)(fs.cols[1].max.u.i - fs.cols[1].min.u.i + 1) / yr;
		sum += dx * dy;
	}
	arena_release(&a);
	return sum / (double)s->nfiles;
}

static void
test_zorder(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/z", root);
	for (int i = 0; i < 4; i++)
		write_xy(dir, i == 0 ? LAKE_CREATE : LAKE_APPEND, i * 16384, (i + 1) * 16384, 256, 251);
	struct delta_snapshot *s = latest(dir);
	double before = s ? mean_box(s, 256, 251) : 99;
	delta_snapshot_free(s);
	ok(before > 0.95, "zorder: before, each file spans the whole box (%.3f)", before);
	char *cols[] = {"y", "x"};
	struct lake_optimize_options o = {.zorder = cols, .nzorder = 2, .max_records_per_file = 4096};
	struct lake_optimize_metrics m;
	struct wb_error err = WB_ERROR_INIT;
	ok(lake_optimize(dir, &o, &m, &err) == 0, "zorder: runs");
	is_int(m.rows, 65536, "zorder: every row rewritten");
	s = latest(dir);
	/* 16 files would do; cuts move to Z-block boundaries, and only
	 * downwards when the file would exceed 4096 rows */
	ok(m.added.files >= 16 && m.added.files <= 20 && s && max_file_rows(s) <= 4096,
	    "zorder: 65536 rows in 16 to 20 files of at most 4096 (%lld files, the largest %lld rows)",
	    (long long)m.added.files, s ? (long long)max_file_rows(s) : -1LL);
	double after = s ? mean_box(s, 256, 251) : 99;
	/* 16 aligned blocks of a 2-D curve: 1/16 of the box each */
	ok(after < 0.1, "zorder: after, a file spans a small part of the box (%.3f)", after);
	struct wb_error e2 = WB_ERROR_INIT;
	ok(s && delta_snapshot_num_records(s, &e2) == 65536, "zorder: 65536 rows in the stats");
	delta_snapshot_free(s);
	char *bad[] = {"nope"};
	o.zorder = bad;
	o.nzorder = 1;
	ok(lake_optimize(dir, &o, &m, &err) < 0 && strstr(err.msg, "has no column \"nope\""), "zorder: unknown column");
	err_clear(&err);
	err_clear(&e2);
}

static void
test_restore_vacuum(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/rv", root);
	write_xy(dir, LAKE_CREATE, 0, 100, 10, 10);        /* v0: file A */
	write_xy(dir, LAKE_APPEND, 100, 200, 10, 10);      /* v1: + B */
	write_xy(dir, LAKE_OVERWRITE, 0, 10, 10, 10);      /* v2: - A - B + C */
	struct lake_restore_options ro = {.to = DELTA_READ_OPTIONS_INIT};
	ro.to.version = 1;
	struct lake_restore_metrics m;
	struct wb_error err = WB_ERROR_INIT;
	ok(lake_restore(dir, &ro, &m, &err) == 3, "restore: version 3");
	ok(m.num_restored_files == 2 && m.num_removed_files == 1 && m.num_files_after == 2,
	    "restore: 2 files restored, 1 removed, 2 after");
	struct delta_snapshot *s = latest(dir);
	struct wb_error e2 = WB_ERROR_INIT;
	ok(s && delta_snapshot_num_records(s, &e2) == 200, "restore: version 1's 200 rows");
	delta_snapshot_free(s);

	/* C is removed now (tombstone now): kept for a week, gone after */
	struct lake_vacuum_options vo = {.retain_ms = 7 * 86400000LL, .dry_run = true};
	struct lake_vacuum_result r;
	ok(lake_vacuum(dir, &vo, &r, &err) == 0 && r.files == 0, "vacuum: a file removed just now stays");
	vo.now_ms = lake_now_ms() + 8 * 86400000LL;
	ok(lake_vacuum(dir, &vo, &r, &err) == 0 && r.files == 1, "vacuum: eight days later it goes (dry run)");
	vo.dry_run = false;
	int64_t before = delta_latest_version(dir, &err);
	ok(lake_vacuum(dir, &vo, &r, &err) == 0 && r.files == 1, "vacuum: deletes it");
	is_int(delta_latest_version(dir, &err), before + 2, "vacuum: logs VACUUM START and END");
	ro.to.version = 2;
	ok(lake_restore(dir, &ro, &m, &err) < 0 && strstr(err.msg, "no longer exist"), "restore: refuses vacuumed files");
	err_clear(&err);
	err_clear(&e2);
}

/* The checks' hook of a lake_write: a table with CHECK constraints takes
 * rows only with checks attached; the hook is told before the commit
 * (and may refuse it), told the version, and released either way. */
struct hook_log {
	int before, committed, released;
	int64_t version;
	bool refuse;
};

static int
hk_before(void *arg, struct lake_write *w, struct wb_error *err)
{
	struct hook_log *h = arg;
	h->before++;
	if (h->refuse) {
		err_set(err, -1, "refused by the hook");
		return -1;
	}
	lake_write_info(w, "wb.test", "[1,2]");
	return 0;
}

static void
hk_committed(void *arg, int64_t v)
{
	struct hook_log *h = arg;
	h->committed++;
	h->version = v;
}

static void
hk_release(void *arg)
{
	((struct hook_log *)arg)->released++;
}

static const struct lake_write_hook test_hook = {hk_before, hk_committed, hk_release};

static void
test_constraint_hook(void)
{
	char dir[1100];
	snprintf(dir, sizeof dir, "%s/checked", root);
	char *names[] = {"x", "y"};
	wb_type types[] = {WB_TYPE_BIGINT, WB_TYPE_BIGINT};
	char *pk[] = {"delta.constraints.pos"}, *pv[] = {"x >= 0"};
	struct lake_write_options o = {.prop_keys = pk, .prop_values = pv, .nprops = 1};
	int64_t mods[] = {10, 10};
	ok(write_commit(dir, LAKE_CREATE, 2, names, types, &o, 0, 0, fill_xy, mods) == 0,
	    "a table with a CHECK constraint is created (no rows)");
	ok(write_xy(dir, LAKE_APPEND, 0, 5, 10, 10) < 0, "rows without checks attached are refused");
	struct delta_snapshot *s = latest(dir);
	ok(s && s->version == 0 && s->nfiles == 0 && s->protocol.min_writer_version == 3,
	    "the table is unchanged (version 0, writer version 3)");
	delta_snapshot_free(s);

	struct hook_log h = {0};
	for (int pass = 0; pass < 2; pass++) {
		struct wb_error err = WB_ERROR_INIT;
		struct lake_write *w = lake_write_begin(dir, LAKE_APPEND, 2, names, types, NULL, &err);
		h.refuse = pass == 0;
		lake_write_attach(w, &test_hook, &h);
		ok(lake_write_attached(w, &test_hook) == &h, "the hook's argument is found again");
		struct lake_part *part = lake_write_part(w);
		struct chunk c;
		chunk_init(&c, 2, types);
		chunk_reset(&c);
		fill_xy(&c, 0, 3, mods);
		c.n = c.cols[0].n = c.cols[1].n = 3;
		lake_part_write(part, &c, &err);
		chunk_free(&c);
		int64_t rows;
		int64_t v = lake_write_commit(w, &rows, &err);
		if (pass == 0) {
			ok(v < 0 && err.msg && strstr(err.msg, "refused by the hook"), "a hook refusing the commit stops it");
			s = latest(dir);
			ok(s && s->version == 0, "nothing committed");
			delta_snapshot_free(s);
		} else {
			ok(v == 1 && h.version == 1, "with the hook attached the rows are committed");
			char path[1200];
			snprintf(path, sizeof path, "%s/_delta_log/%020d.json", dir, 1);
			FILE *f = fopen(path, "r");
			char buf[4096] = {0};
			if (f) {
				size_t n = fread(buf, 1, sizeof buf - 1, f);
				buf[n] = '\0';
				fclose(f);
			}
			ok(strstr(buf, "\"wb.test\":[1,2]") != NULL, "the hook's commitInfo member is in the commit");
		}
		err_clear(&err);
	}
	ok(h.before == 2 && h.committed == 1 && h.released == 2, "told before each commit, once committed, released twice");
}

int
main(void)
{
	snprintf(root, sizeof root, "%s/wb-test-lake-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_pathset();
	test_sizes();
	test_optimize();
	test_zorder();
	test_optimize_partitioned();
	test_restore_vacuum();
	test_constraint_hook();
	struct wb_error err = WB_ERROR_INIT;
	lake_remove_tree(root, &err);
	err_clear(&err);
	pool_shutdown();
	return done_testing();
}

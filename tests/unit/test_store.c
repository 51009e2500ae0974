/* Unit tests for src/store: memtable encodings and scans, row order,
 * snapshots, and the catalog's name resolution. */
#include "tests/tap.h"

#include "core/pool.h"
#include "store/catalog.h"
#include "store/memtable.h"
#include "store/scan_pred.h"

#include <stdlib.h>

static struct memtable *
build(int64_t rows, bool many_strings)
{
	wb_type types[3] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR, WB_TYPE_DOUBLE};
	struct mt_builder *b = mt_builder_new(3, types);
	struct chunk c;
	chunk_init(&c, 3, types);
	char buf[64];
	for (int64_t off = 0; off < rows; off += WB_VEC_SIZE) {
		chunk_reset(&c);
		int n = rows - off < WB_VEC_SIZE ? (int)(rows - off) : WB_VEC_SIZE;
		for (int i = 0; i < n; i++) {
			int64_t r = off + i;
			vec_i64(&c.cols[0])[i] = 1000000 + r;           /* FOR-friendly */
			int l = many_strings ? snprintf(buf, sizeof buf, "s%lld", (long long)r)
			                     : snprintf(buf, sizeof buf, "k%lld", (long long)(r % 7));
			vec_str(&c.cols[1])[i] = vec_str_copy(&c.cols[1], buf, (size_t)l);
			vec_f64(&c.cols[2])[i] = (double)r / 4;
			if (r % 10 == 3)
				vec_set_null(&c.cols[2], i);
		}
		c.n = n;
		c.seq = SOURCE_SEQ(0, off / WB_VEC_SIZE);
		mt_builder_append(b, &c);
	}
	int nrg;
	struct mt_rowgroup **rgs = mt_builder_finish(b, &nrg);
	struct memtable *mt = memtable_new(3, types);
	memtable_add(mt, rgs, nrg);
	free(rgs);
	mt_builder_free(b);
	chunk_free(&c);
	return mt;
}

static void
test_encodings(void)
{
	struct memtable *mt = build(300000, false);
	is_int(mt->nrows, 300000, "rows");
	is_int(mt->nrg, 3, "row groups of %d rows", MT_ROWGROUP_ROWS);
	ok(mt->rgs[0]->cols[0].enc == MT_FOR && mt->rgs[0]->cols[0].width == 4, "dense integers use frame of reference");
	ok(mt->rgs[0]->cols[1].enc == MT_DICT && mt->rgs[0]->cols[1].dict.n == 7 && mt->rgs[0]->cols[1].width == 1,
	    "7 distinct strings: a 1-byte dictionary");
	ok(mt->rgs[0]->cols[2].null_count == MT_ROWGROUP_ROWS / 10, "NULLs counted");
	memtable_free(mt);
	mt = build(150000, true);
	ok(mt->rgs[0]->cols[1].enc == MT_PLAIN, "unique strings fall back to plain");
	memtable_free(mt);
}

static void
test_scan(void)
{
	struct memtable *mt = build(250000, false);
	char *names[3] = {"id", "s", "x"};
	struct wb_error err = WB_ERROR_INIT;
	struct source *src = memtable_scan(mt, names, &err);
	int proj[2] = {2, 1};
	source_project(src, proj, 2);
	ok(src->ops->start(src, &err) == 0, "scan starts");
	void *r = src->ops->reader_new(src);
	wb_type t[2] = {WB_TYPE_DOUBLE, WB_TYPE_VARCHAR};
	struct chunk c;
	chunk_init(&c, 2, t);
	int64_t rows = 0, nulls = 0;
	bool dict = true, values = true;
	int n;
	while ((n = src->ops->next(src, r, &c, &err)) > 0) {
		for (int i = 0; i < n; i++) {
			int64_t row = rows + i;
			if (vec_is_null(&c.cols[0], i))
				nulls++;
			else if (vec_f64(&c.cols[0])[i] != (double)row / 4)
				values = false;
			wb_str sv = vec_str_at(&c.cols[1], i);
			char buf[32];
			int l = snprintf(buf, sizeof buf, "k%lld", (long long)(row % 7));
			if (sv.n != (uint32_t)l || memcmp(sv.p, buf, (size_t)l) != 0)
				values = false;
		}
		dict &= c.cols[1].kind == VEC_DICT;
		rows += n;
	}
	is_int(rows, 250000, "scan returns every row in order");
	is_int(nulls, 25000, "NULLs come back");
	ok(values, "projected values come back in projection order");
	ok(dict, "strings come back dictionary-encoded");
	src->ops->reader_free(src, r);
	chunk_free(&c);
	/* a snapshot survives a concurrent replace */
	struct memtable *other = build(10, false);
	/* replace takes the row groups (not the array that lists them) */
	memtable_replace(mt, other->rgs, other->nrg);
	free(other->rgs);
	other->rgs = NULL;
	other->nrg = 0;
	memtable_free(other);
	is_int(mt->nrows, 10, "table replaced; the open scan keeps its snapshot");
	source_free(src);
	memtable_free(mt);
}

static void
test_order(void)
{
	/* two builders, interleaved morsels: row groups sorted by seq */
	wb_type types[1] = {WB_TYPE_BIGINT};
	struct mt_builder *b[2] = {mt_builder_new(1, types), mt_builder_new(1, types)};
	struct chunk c;
	chunk_init(&c, 1, types);
	for (int m = 0; m < 6; m++) {
		chunk_reset(&c);
		for (int i = 0; i < 100; i++)
			vec_i64(&c.cols[0])[i] = m * 100 + i;
		c.n = 100;
		c.seq = SOURCE_SEQ(m, 0);
		mt_builder_append(b[(m * 7) % 2], &c);
	}
	struct mt_rowgroup *all[16];
	int total = 0;
	for (int k = 0; k < 2; k++) {
		int n;
		struct mt_rowgroup **rgs = mt_builder_finish(b[k], &n);
		for (int i = 0; i < n; i++)
			all[total++] = rgs[i];
		free(rgs);
		mt_builder_free(b[k]);
	}
	struct memtable *mt = memtable_new(1, types);
	memtable_add(mt, all, total);
	bool ordered = true;
	for (int i = 0; i < mt->nrg; i++)
		ordered &= mt->rgs[i]->cols[0].base == i * 100;
	ok(ordered && mt->nrg == 6, "row groups from several builders are put back in input order");
	memtable_free(mt);
	chunk_free(&c);
}

static void
test_catalog(void)
{
	struct catalog *cat = catalog_new();
	struct wb_error err = WB_ERROR_INIT;
	char *names[1] = {"brand"};
	wb_type types[1] = {WB_TYPE_VARCHAR};
	char *p1[1] = {"events"};
	ok(catalog_put(cat, p1, 1, memtable_table("events", 1, names, types, memtable_new(1, types)), false, false, false, &err) == 0,
	    "create default.events");
	char *p2[2] = {"silver", "events"};
	ok(catalog_put(cat, p2, 2, memtable_table("events", 1, names, types, memtable_new(1, types)), false, false, false, &err) == 0,
	    "create silver.events");
	ok(catalog_put(cat, p1, 1, memtable_table("events", 1, names, types, memtable_new(1, types)), false, false, false, &err) < 0 &&
	    strstr(err.msg, "already exists"), "duplicate name is an error");
	err_clear(&err);
	char *typo[1] = {"evnets"};
	ok(catalog_get(cat, typo, 1, &err) == NULL && err.hint && strstr(err.hint, "\"events\""), "misspelt name gets a suggestion");
	err_clear(&err);
	char *p3[3] = {"main", "silver", "events"};
	struct table *t = catalog_get(cat, p3, 3, &err);
	ok(t != NULL, "three-part name resolves");
	table_unref(t);
	char *tmp[1] = {"events"};
	ok(catalog_put(cat, tmp, 1, table_new_view("events", "SELECT 1", 1, names, types), true, false, false, &err) == 0,
	    "temp view with the same name");
	t = catalog_get(cat, tmp, 1, &err);
	ok(t && t->view_sql != NULL, "temp objects shadow the current schema");
	table_unref(t);
	char *s1[1] = {"silver"};
	ok(catalog_drop_schema(cat, s1, 1, false, false, &err) < 0 && strstr(err.msg, "not empty"), "non-empty schema kept");
	err_clear(&err);
	ok(catalog_use(cat, s1, 1, &err) == 0 && strcmp(catalog_current_schema(cat), "silver") == 0, "USE silver");
	catalog_free(cat);
}

static struct wb_value
ival(int64_t i)
{
	struct wb_value v = {.type = WB_TYPE_BIGINT};
	v.u.i = i;
	return v;
}

/* scan_pred_may_match: skip only when statistics prove no row matches */
static void
test_scan_pred(void)
{
	struct col_stats st = {true, ival(10), ival(20), 0, 100};
	struct scan_pred p = {0, SCAN_EQ, ival(15)};
	ok(scan_pred_may_match(&p, &st), "= inside [min, max] may match");
	p.val = ival(21);
	ok(!scan_pred_may_match(&p, &st), "= above max is skipped");
	p = (struct scan_pred){0, SCAN_LT, ival(10)};
	ok(!scan_pred_may_match(&p, &st), "< min is skipped");
	p.op = SCAN_LE;
	ok(scan_pred_may_match(&p, &st), "<= min may match");
	p = (struct scan_pred){0, SCAN_GT, ival(20)};
	ok(!scan_pred_may_match(&p, &st), "> max is skipped");
	p.op = SCAN_GE;
	ok(scan_pred_may_match(&p, &st), ">= max may match");
	p = (struct scan_pred){0, SCAN_IS_NULL};
	ok(!scan_pred_may_match(&p, &st), "IS NULL without NULLs is skipped");
	st.null_count = -1;
	ok(scan_pred_may_match(&p, &st), "IS NULL with an unknown NULL count may match");
	st = (struct col_stats){false, {0}, {0}, 100, 100};
	p = (struct scan_pred){0, SCAN_GT, ival(0)};
	ok(!scan_pred_may_match(&p, &st), "a comparison on an all-NULL morsel is skipped");
	p.op = SCAN_NOT_NULL;
	ok(!scan_pred_may_match(&p, &st), "IS NOT NULL on an all-NULL morsel is skipped");
	st = (struct col_stats){false, {0}, {0}, 0, 100};
	p = (struct scan_pred){0, SCAN_EQ, ival(5)};
	ok(scan_pred_may_match(&p, &st), "no min/max: may match");
	struct wb_value d = {.type = WB_TYPE_DOUBLE};
	d.u.d = 0.0 / 0.0;
	st = (struct col_stats){true, d, d, 0, 100};
	st.min.u.d = 1;
	p = (struct scan_pred){0, SCAN_GT, d};
	ok(scan_pred_may_match(&p, &st), "NaN bounds never skip");
	p.val = ival(5);
	ok(scan_pred_may_match(&p, &st), "a constant of another type never skips");
}

int
main(void)
{
	test_scan_pred();
	test_encodings();
	test_scan();
	test_order();
	test_catalog();
	pool_shutdown();
	return done_testing();
}

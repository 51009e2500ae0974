/* Unit tests for src/core: datetime, number parsing/formatting, vectors,
 * arena, hashing, pool. */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/datetime.h"
#include "core/hash.h"
#include "core/list.h"
#include "core/pool.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/vector.h"

#include <stdatomic.h>
#include <stdlib.h>

static void
test_datetime(void)
{
	int64_t d, us;
	char buf[64];
	int y, m, dd;

	ok(dt_parse_date("2019-10-01", 10, &d), "parse date");
	is_int(d, 18170, "2019-10-01 is day 18170");
	dt_format_date(d, buf);
	is_str(buf, "2019-10-01", "format date round trip");
	ok(!dt_parse_date("2019-02-29", 10, &d), "2019-02-29 rejected");
	ok(dt_parse_date("2020-02-29", 10, &d), "2020-02-29 accepted");
	ok(dt_parse_date("1969-12-31", 10, &d) && d == -1, "day before epoch is -1");
	dt_civil_from_days(-719162, &y, &m, &dd);
	ok(y == 1 && m == 1 && dd == 1, "0001-01-01 round trip");

	ok(dt_parse_timestamp("2019-10-01 00:00:05 UTC", 23, &us), "parse e-commerce timestamp");
	is_int(us, INT64_C(1569888005000000), "value of 2019-10-01 00:00:05 UTC");
	dt_format_timestamp(us, buf);
	is_str(buf, "2019-10-01 00:00:05", "format timestamp");
	ok(dt_parse_timestamp("2019-10-01T01:02:03.25Z", 23, &us), "ISO with Z and fraction");
	dt_format_timestamp(us, buf);
	is_str(buf, "2019-10-01 01:02:03.25", "fraction kept, zeros trimmed");
	ok(dt_parse_timestamp("2019-10-01 02:00:00+02:00", 25, &us), "offset");
	dt_format_timestamp(us, buf);
	is_str(buf, "2019-10-01 00:00:00", "offset applied");
	ok(!dt_parse_timestamp("2019-10-01 25:00:00", 19, &us), "hour 25 rejected");
	ok(!dt_parse_timestamp("2019-10-01 10:00:00 PST", 23, &us), "unknown zone rejected");
	dt_format_timestamp(-1, buf);
	is_str(buf, "1969-12-31 23:59:59.999999", "negative timestamp formats");
	is_int(dt_iso_dow(18170), 2, "2019-10-01 was a Tuesday");
	is_int(dt_add_months(dt_days_from_civil(2019, 1, 31), 1), dt_days_from_civil(2019, 2, 28), "add_months clamps");
}

static void
test_numbers(void)
{
	int64_t i;
	double d;
	char buf[64];
	ok(parse_int64("2103807459595387724", 19, &i) && i == INT64_C(2103807459595387724), "19-digit int");
	ok(parse_int64("-9223372036854775808", 20, &i) && i == INT64_MIN, "INT64_MIN");
	ok(!parse_int64("9223372036854775808", 19, &i), "overflow rejected");
	ok(!parse_int64("12a", 3, &i), "junk rejected");
	ok(parse_double("35.79", 5, &d) && d == 35.79, "double");
	ok(!parse_double("0x10", 4, &d), "hex double rejected");
	format_double(0.1, buf);
	is_str(buf, "0.1", "0.1 shortest");
	format_double(3.0, buf);
	is_str(buf, "3.0", "integral double shows .0");
	format_double(1.0 / 3, buf);
	is_str(buf, "0.3333333333333333", "1/3 round trip");
	format_double(1e300, buf);
	is_str(buf, "1e+300", "exponent form");
}

static void
test_vectors(void)
{
	struct vec v;
	struct wb_value val = {.type = WB_TYPE_BIGINT, .is_null = false, .u.i = 7};
	vec_init(&v, WB_TYPE_BIGINT);
	vec_set_const(&v, &val, 100);
	vec_flatten(&v);
	ok(v.kind == VEC_FLAT && vec_i64(&v)[99] == 7 && v.nulls == NULL, "flatten const");
	vec_free(&v);

	static const wb_str dv[] = {{"view", 4}, {"cart", 4}, {"purchase", 8}};
	struct wb_dict dict = {3, dv, dict_next_id()};
	vec_init(&v, WB_TYPE_VARCHAR);
	vec_reset(&v);
	v.kind = VEC_DICT;
	v.dict = &dict;
	for (int i = 0; i < 2048; i++)
		vec_codes(&v)[i] = (uint32_t)(i % 3);
	v.n = 2048;
	uint64_t h1[2048], h2[2048];
	hash_vec(&v, 2048, h1, 0);
	vec_flatten(&v);
	ok(v.kind == VEC_FLAT && wb_str_eq(vec_str(&v)[2047], dv[2047 % 3]), "flatten dict");
	hash_vec(&v, 2048, h2, 0);
	ok(memcmp(h1, h2, sizeof h1) == 0, "dict and flat hash alike");
	vec_free(&v);

	/* a NULL's payload never reaches the hash, first key or later ones */
	struct vec k1, k2;
	vec_init(&k1, WB_TYPE_BIGINT);
	vec_init(&k2, WB_TYPE_VARCHAR);
	vec_reset(&k1);
	vec_reset(&k2);
	for (int i = 0; i < 2; i++) {
		vec_i64(&k1)[i] = 3;
		vec_str(&k2)[i] = i ? wb_str_c("garbage") : wb_str_c("other");
	}
	k1.n = k2.n = 2;
	vec_nulls_writable(&k2)[0] = vec_nulls_writable(&k2)[1] = 1;
	uint64_t hk[2];
	hash_vec(&k1, 2, hk, 0);
	hash_vec(&k2, 2, hk, 1);
	ok(hk[0] == hk[1], "NULL in a second key hashes alike whatever its payload");
	hash_vec(&k2, 2, hk, 0);
	ok(hk[0] == hk[1], "NULL in a first key hashes alike whatever its payload");
	vec_free(&k1);
	vec_free(&k2);
}

static atomic_int pool_sum;
static void
pool_task(void *arg, int task, int worker)
{
	(void)arg;
	(void)worker;
	atomic_fetch_add(&pool_sum, task);
}

static void
test_pool_arena(void)
{
	pool_run(1000, pool_task, NULL);
	is_int(atomic_load(&pool_sum), 999 * 1000 / 2, "pool runs every task once");
	struct arena *a = arena_new(1024);
	char *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	char *s = arena_strdup(a, "hello");
	is_str(s, "hello", "arena strdup");
	arena_reset(a);
	ok(a->total <= 1024, "arena reset keeps one block");
	arena_free(a);
}

static void
test_rowset(void)
{
	wb_type t[2] = {WB_TYPE_BIGINT, WB_TYPE_VARCHAR};
	char *names[2] = {"a", "b"};
	struct chunk c;
	chunk_init(&c, 2, t);
	chunk_reset(&c);
	for (int i = 0; i < 3000 % WB_VEC_SIZE; i++) {
		vec_i64(&c.cols[0])[i] = i;
		vec_str(&c.cols[1])[i] = vec_str_copy(&c.cols[1], "xy", 2);
	}
	c.n = c.cols[0].n = c.cols[1].n = 952;
	vec_set_null(&c.cols[1], 5);
	struct rowset *rs = rowset_new(2, names, t);
	rowset_append(rs, &c, 0, -1);
	rowset_append(rs, &c, 0, -1);
	rowset_append(rs, &c, 0, -1);
	is_int(rs->nrows, 2856, "rowset rows");
	is_int(rs->nchunks, 2, "rowset chunks fill to 2048");
	struct wb_value v;
	rowset_get(rs, 952 + 5, 1, &v);
	ok(v.is_null, "null kept");
	rowset_get(rs, 2855, 0, &v);
	is_int(v.u.i, 951, "value kept across chunk boundary");
	rowset_free(rs);
	chunk_free(&c);
}

/* Build a VARCHAR list in a vector's heap from C strings (NULL = NULL). */
static wb_list
str_list(struct vec *v, const char *const *items, uint32_t n)
{
	void *data;
	uint8_t *nulls;
	wb_list l = vec_list_alloc(v, WB_TYPE_VARCHAR, n, true, &data, &nulls);
	wb_str *s = data;
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		if (items[i] == NULL) {
			nulls[i] = 1;
			s[i] = (wb_str){"", 0};
			any = true;
		} else {
			s[i] = vec_str_copy(v, items[i], strlen(items[i]));
		}
	}
	if (!any)
		l.nulls = NULL;
	return l;
}

static void
test_lists(void)
{
	is_int(type_list_of(WB_TYPE_VARCHAR), WB_TYPE_LIST_VARCHAR, "list type of VARCHAR");
	is_int(type_list_elem(WB_TYPE_LIST_TIMESTAMP), WB_TYPE_TIMESTAMP, "element type of TIMESTAMP[]");
	ok(type_is_list(WB_TYPE_LIST_NULL) && !type_is_list(WB_TYPE_INTERVAL), "type_is_list");
	ok(!type_is_elem(WB_TYPE_INTERVAL) && !type_is_elem(WB_TYPE_LIST_BIGINT), "no INTERVAL or nested lists");
	is_str(type_name(WB_TYPE_LIST_BIGINT), "BIGINT[]", "list type name");
	is_int(type_size(WB_TYPE_LIST_DATE), sizeof(wb_list), "list values are views");

	struct vec v;
	vec_init(&v, WB_TYPE_LIST_VARCHAR);
	vec_reset(&v);
	const char *a_items[] = {"a", NULL, "ccc"};
	const char *b_items[] = {"a", NULL, "ccc"};
	const char *c_items[] = {"a", "b"};
	wb_list a = str_list(&v, a_items, 3), b = str_list(&v, b_items, 3), c = str_list(&v, c_items, 2);
	ok(list_eq(a, b, WB_TYPE_VARCHAR), "equal lists (NULL elements equal)");
	ok(list_hash(a, WB_TYPE_VARCHAR) == list_hash(b, WB_TYPE_VARCHAR), "equal lists hash alike");
	ok(!list_eq(a, c, WB_TYPE_VARCHAR), "different lists");
	is_int(list_cmp(a, c, WB_TYPE_VARCHAR), -1, "a NULL element sorts before a value");
	is_int(list_cmp(c, a, WB_TYPE_VARCHAR), 1, "... and the other way round");
	wb_list pre = a;
	pre.n = 1;
	is_int(list_cmp(pre, a, WB_TYPE_VARCHAR), -1, "a prefix sorts first");
	ok(list_cmp(list_empty(), list_empty(), WB_TYPE_NULL) == 0 && list_empty().data != NULL, "empty list");

	struct strbuf sb = STRBUF_INIT;
	list_format(a, WB_TYPE_VARCHAR, &sb);
	is_str(sb_str(&sb), "[a, null, ccc]", "text form");
	struct wb_value val = {.type = WB_TYPE_LIST_VARCHAR, .u.l = c};
	sb_clear(&sb);
	value_format(&val, &sb, "NULL");
	is_str(sb_str(&sb), "[a, b]", "value_format of a list");

	/* deep copy survives the source */
	struct arena ar;
	arena_init(&ar, 1024);
	wb_list d = list_copy(&ar, a, WB_TYPE_VARCHAR);
	vec_reset(&v);   /* the heap is emptied and may be reused */
	wb_list e = str_list(&v, c_items, 2);
	(void)e;
	sb_clear(&sb);
	list_format(d, WB_TYPE_VARCHAR, &sb);
	is_str(sb_str(&sb), "[a, null, ccc]", "deep copy owns its strings");
	ok(d.nulls != NULL && d.nulls[1] && !d.nulls[0], "flags copied");

	/* doubles: NaN equal to NaN and largest; -0 = 0 */
	struct vec dv;
	vec_init(&dv, WB_TYPE_LIST_DOUBLE);
	vec_reset(&dv);
	void *data;
	uint8_t *nulls;
	wb_list x = vec_list_alloc(&dv, WB_TYPE_DOUBLE, 2, false, &data, &nulls);
	((double *)data)[0] = -0.0;
	((double *)data)[1] = 0.0 / 0.0;
	wb_list y = vec_list_alloc(&dv, WB_TYPE_DOUBLE, 2, false, &data, &nulls);
	((double *)data)[0] = 0.0;
	((double *)data)[1] = 0.0 / 0.0;
	ok(list_eq(x, y, WB_TYPE_DOUBLE) && list_hash(x, WB_TYPE_DOUBLE) == list_hash(y, WB_TYPE_DOUBLE),
	    "NaN = NaN and -0 = 0 in lists, hashes agree");
	((double *)data)[1] = 1e300;
	is_int(list_cmp(x, y, WB_TYPE_DOUBLE), 1, "NaN sorts above numbers");
	sb_clear(&sb);
	list_format(y, WB_TYPE_DOUBLE, &sb);
	is_str(sb_str(&sb), "[0.0, 1e+300]", "doubles formatted like CAST");

	/* CONST vectors, flattening, hashing and gathering carry lists */
	struct vec cv, g;
	vec_init(&cv, WB_TYPE_LIST_DOUBLE);
	vec_init(&g, WB_TYPE_LIST_DOUBLE);
	struct wb_value lv = {.type = WB_TYPE_LIST_DOUBLE, .u.l = y};
	vec_set_const(&cv, &lv, 3);
	uint64_t h[3];
	hash_vec(&cv, 3, h, 0);
	ok(h[0] == list_hash(y, WB_TYPE_DOUBLE), "hash of a CONST list");
	vec_flatten(&cv);
	hash_vec(&cv, 3, h, 0);
	ok(h[2] == list_hash(y, WB_TYPE_DOUBLE), "hash of a FLAT list");
	uint32_t sel[2] = {2, 0};
	vec_gather(&g, &cv, sel, 2);
	struct wb_value got;
	vec_get(&g, 1, &got);
	ok(got.type == WB_TYPE_LIST_DOUBLE && list_eq(got.u.l, y, WB_TYPE_DOUBLE), "gathered list row");

	/* rowsets deep-copy lists */
	wb_type rt[1] = {WB_TYPE_LIST_DOUBLE};
	char *rn[1] = {"l"};
	struct rowset *rs = rowset_new(1, rn, rt);
	struct chunk ch = {.ncol = 1, .n = 3, .cols = &cv};
	rowset_append(rs, &ch, 0, -1);
	vec_free(&dv);
	rowset_get(rs, 1, 0, &got);
	sb_clear(&sb);
	value_format(&got, &sb, "NULL");
	is_str(sb_str(&sb), "[0.0, 1e+300]", "rowset owns its list copies");
	rowset_free(rs);

	sb_free(&sb);
	arena_release(&ar);
	vec_free(&v);
	vec_free(&cv);
	vec_free(&g);
}

int
main(void)
{
	test_datetime();
	test_numbers();
	test_vectors();
	test_pool_arena();
	test_rowset();
	test_lists();
	return done_testing();
}

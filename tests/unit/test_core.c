/* Unit tests for src/core: datetime, number parsing/formatting, vectors,
 * arena, hashing, pool. */
#include "tests/tap.h"

#include "core/arena.h"
#include "core/datetime.h"
#include "core/hash.h"
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

int
main(void)
{
	test_datetime();
	test_numbers();
	test_vectors();
	test_pool_arena();
	test_rowset();
	return done_testing();
}

/*
 * delta_value: typed values in the log - partition values (strings, per
 * the protocol's "Partition Value Serialization") and per-file statistics
 * (a JSON document with numRecords, minValues, maxValues, nullCount).
 */
#include "store/delta/delta_int.h"

#include "core/datetime.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Range of the Delta integer types, which all map to BIGINT. */
static bool
int_range(const char *delta_type, int64_t v)
{
	if (strcmp(delta_type, "byte") == 0)
		return v >= -128 && v <= 127;
	if (strcmp(delta_type, "short") == 0)
		return v >= -32768 && v <= 32767;
	if (strcmp(delta_type, "integer") == 0)
		return v >= INT32_MIN && v <= INT32_MAX;
	return true;
}

int
delta_partition_value(const struct delta_column *col, const char *text, struct arena *a,
    struct wb_value *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	out->type = col->type;
	if (text == NULL || text[0] == '\0') {
		out->is_null = true;
		return 0;
	}
	size_t n = strlen(text);
	bool ok = false;
	switch (col->type) {
	case WB_TYPE_BIGINT:
		ok = parse_int64(text, n, &out->u.i) && int_range(col->delta_type, out->u.i);
		break;
	case WB_TYPE_DOUBLE:
		ok = parse_double(text, n, &out->u.d);
		break;
	case WB_TYPE_BOOL:
		ok = strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0;
		out->u.b = strcasecmp(text, "true") == 0;
		break;
	case WB_TYPE_DATE:
		ok = dt_parse_date(text, n, &out->u.i);
		break;
	case WB_TYPE_TIMESTAMP:
		/* "2019-10-01 00:00:05[.ffffff]" (no zone: wb takes it as UTC) or
		 * ISO 8601 with Z or an offset. */
		ok = dt_parse_timestamp(text, n, &out->u.i);
		break;
	case WB_TYPE_VARCHAR:
		if (n > UINT32_MAX)
			break;
		out->u.s.p = arena_strndup(a, text, n);
		out->u.s.n = (uint32_t)n;
		ok = true;
		break;
	default:
		break;
	}
	if (!ok) {
		err_set(err, -1, "partition value '%s' of column '%s' is not a valid %s", text, col->name,
		    col->delta_type != NULL ? col->delta_type : type_name(col->type));
		return -1;
	}
	return 0;
}

/* ISO 8601 UTC with n fraction digits (3 or 6). */
static void
put_iso_ts(struct strbuf *out, int64_t us, int digits)
{
	char buf[48];
	int64_t day = dt_ts_day(us), t = dt_ts_time(us);
	dt_format_date(day, buf);
	sb_puts(out, buf);
	int64_t sec = t / DT_US_PER_SEC, frac = t % DT_US_PER_SEC;
	sb_printf(out, "T%02d:%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	if (digits == 3)
		sb_printf(out, ".%03dZ", (int)(frac / 1000));
	else
		sb_printf(out, ".%06dZ", (int)frac);
}

const char *
delta_add_partition_text(const struct delta_add *add, const char *column)
{
	for (int i = 0; i < add->partition_values.n; i++)
		if (strcasecmp(add->partition_values.keys[i], column) == 0)
			return add->partition_values.values[i];
	return NULL;
}

int64_t
delta_add_num_records(const struct delta_schema *s, const struct delta_add *add, struct arena *a)
{
	if (add->stats == NULL)
		return -1;
	struct delta_file_stats fs;
	struct wb_error e = WB_ERROR_INIT;
	int64_t n = delta_stats_parse(s, add->stats, a, &fs, &e) == 0 ? fs.num_records : -1;
	err_clear(&e);
	return n;
}

bool
delta_partition_format(const struct delta_column *col, const struct wb_value *v, struct strbuf *out)
{
	char buf[48];
	if (v->is_null || v->type == WB_TYPE_NULL)
		return false;
	switch (v->type) {
	case WB_TYPE_BIGINT:
		sb_printf(out, "%" PRId64, v->u.i);
		return true;
	case WB_TYPE_DOUBLE:
		if (isnan(v->u.d))
			sb_puts(out, "NaN");
		else if (isinf(v->u.d))
			sb_puts(out, v->u.d > 0 ? "Infinity" : "-Infinity");
		else
			sb_add(out, buf, (size_t)format_double(v->u.d, buf));
		return true;
	case WB_TYPE_BOOL:
		sb_puts(out, v->u.b ? "true" : "false");
		return true;
	case WB_TYPE_DATE:
		sb_add(out, buf, (size_t)dt_format_date(v->u.i, buf));
		return true;
	case WB_TYPE_TIMESTAMP:
		put_iso_ts(out, v->u.i, 6);
		return true;
	case WB_TYPE_VARCHAR:
		/* "" is NULL in the log (as in Spark, which writes empty strings
		 * to the null partition) */
		if (v->u.s.n == 0)
			return false;
		sb_add(out, v->u.s.p, v->u.s.n);
		return true;
	default:
		(void)col;
		return false;
	}
}

/* ---- statistics ---- */

/* A stats bound of a column as a value of its type; false when the JSON
 * value does not fit the type (stats are advisory: such a bound is left
 * unknown rather than failing the read). */
static bool
stat_value(const struct delta_column *c, const struct json *j, struct arena *a, bool is_max,
    struct wb_value *out)
{
	memset(out, 0, sizeof *out);
	out->type = c->type;
	switch (c->type) {
	case WB_TYPE_BIGINT:
		if (j->type != JSON_INT)
			return false;
		out->u.i = j->u.i;
		return true;
	case WB_TYPE_DOUBLE:
		if (j->type == JSON_INT)
			out->u.d = (double)j->u.i;
		else if (j->type == JSON_DOUBLE)
			out->u.d = j->u.d;
		else
			return false;
		return true;
	case WB_TYPE_BOOL:
		if (j->type != JSON_BOOL)
			return false;
		out->u.b = j->u.b;
		return true;
	case WB_TYPE_VARCHAR:
		if (j->type != JSON_STRING)
			return false;
		out->u.s.p = arena_strndup(a, j->u.s, j->n);
		out->u.s.n = j->n;
		return true;
	case WB_TYPE_DATE:
		return j->type == JSON_STRING && dt_parse_date(j->u.s, j->n, &out->u.i);
	case WB_TYPE_TIMESTAMP:
		if (j->type != JSON_STRING || !dt_parse_timestamp(j->u.s, j->n, &out->u.i))
			return false;
		if (is_max)
			out->u.i += 999;   /* bounds are truncated to milliseconds */
		return true;
	default:
		return false;
	}
}

int
delta_stats_parse(const struct delta_schema *s, const char *stats, struct arena *a,
    struct delta_file_stats *out, struct wb_error *err)
{
	struct arena tmp;
	arena_init(&tmp, 0);
	out->num_records = -1;
	out->tight_bounds = true;
	out->cols = arena_zalloc(a, (size_t)(s->ncols > 0 ? s->ncols : 1) * sizeof *out->cols);
	for (int i = 0; i < s->ncols; i++)
		out->cols[i].null_count = -1;
	struct json_error je;
	struct json *root = json_parse(stats, strlen(stats), &tmp, JSON_ALLOW_DUPLICATE_KEYS, &je);
	if (!json_is(root, JSON_OBJECT)) {
		if (root == NULL)
			err_set(err, -1, "file statistics are not valid JSON (column %d: %s)", je.col, je.msg);
		else
			err_set(err, -1, "file statistics are not a JSON object");
		arena_release(&tmp);
		return -1;
	}
	int64_t nr;
	if (json_get_int(root, "numRecords", &nr) && nr >= 0)
		out->num_records = nr;
	json_get_bool(root, "tightBounds", &out->tight_bounds);
	const struct json *mins = json_get(root, "minValues"), *maxs = json_get(root, "maxValues"),
	    *nulls = json_get(root, "nullCount");
	for (int i = 0; i < s->ncols; i++) {
		const struct delta_column *c = &s->cols[i];
		struct delta_col_stats *cs = &out->cols[i];
		const struct json *v;
		if ((v = json_get(mins, c->name)) != NULL)
			cs->has_min = stat_value(c, v, a, false, &cs->min);
		if ((v = json_get(maxs, c->name)) != NULL)
			cs->has_max = stat_value(c, v, a, true, &cs->max);
		int64_t nc;
		if (json_get_int(nulls, c->name, &nc) && nc >= 0)
			cs->null_count = nc;
	}
	arena_release(&tmp);
	return 0;
}

/* Byte length of the first `chars` UTF-8 characters of s[0..n). */
static size_t
utf8_prefix(const char *s, size_t n, size_t chars)
{
	size_t i = 0;
	while (i < n && chars > 0) {
		uint32_t cp;
		int l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		i += l > 0 ? (size_t)l : 1;
		chars--;
	}
	return i;
}

#define DELTA_STATS_PREFIX 32   /* characters kept of string bounds (Spark's default) */

/* Write one bound; false if the column gets no bound. */
static bool
stat_writable(const struct delta_column *c, const struct wb_value *v, bool is_max)
{
	if (v->is_null)
		return false;
	if (c->delta_type != NULL && strcmp(c->delta_type, "binary") == 0)
		return false;
	switch (c->type) {
	case WB_TYPE_BIGINT:
	case WB_TYPE_DATE:
	case WB_TYPE_TIMESTAMP:
		return true;
	case WB_TYPE_DOUBLE:
		return isfinite(v->u.d);
	case WB_TYPE_VARCHAR:
		return !is_max || utf8_prefix(v->u.s.p, v->u.s.n, DELTA_STATS_PREFIX) == v->u.s.n;
	default:
		return false;   /* booleans get no bounds, as in Spark */
	}
}

static void
put_stat(struct json_writer *w, const struct delta_column *c, const struct wb_value *v, bool is_max)
{
	char buf[48];
	json_w_key(w, c->name);
	switch (c->type) {
	case WB_TYPE_BIGINT:
		json_w_int(w, v->u.i);
		break;
	case WB_TYPE_DOUBLE:
		json_w_double(w, v->u.d);
		break;
	case WB_TYPE_DATE:
		json_w_stringn(w, buf, (size_t)dt_format_date(v->u.i, buf));
		break;
	case WB_TYPE_TIMESTAMP: {
		int64_t us = v->u.i, r = us % 1000;
		if (r < 0)
			r += 1000;
		us -= r;
		if (is_max && r != 0)
			us += 1000;   /* to the millisecond, keeping the bound a bound */
		struct strbuf t = STRBUF_INIT;
		put_iso_ts(&t, us, 3);
		json_w_stringn(w, t.s, t.len);
		sb_free(&t);
		break;
	}
	case WB_TYPE_VARCHAR:
		json_w_stringn(w, v->u.s.p, utf8_prefix(v->u.s.p, v->u.s.n, DELTA_STATS_PREFIX));
		break;
	default:
		json_w_null(w);
	}
}

void
delta_stats_write(const struct delta_schema *s, const struct delta_file_stats *st, struct strbuf *out)
{
	struct json_writer w;
	json_w_init(&w, out);
	json_w_object(&w);
	json_w_key(&w, "numRecords");
	json_w_int(&w, st->num_records >= 0 ? st->num_records : 0);
	for (int pass = 0; pass < 2; pass++) {
		json_w_key(&w, pass == 0 ? "minValues" : "maxValues");
		json_w_object(&w);
		for (int i = 0; i < s->ncols; i++) {
			const struct delta_col_stats *cs = &st->cols[i];
			if (s->cols[i].partition_index >= 0)
				continue;
			if (pass == 0 && cs->has_min && stat_writable(&s->cols[i], &cs->min, false))
				put_stat(&w, &s->cols[i], &cs->min, false);
			if (pass == 1 && cs->has_max && stat_writable(&s->cols[i], &cs->max, true))
				put_stat(&w, &s->cols[i], &cs->max, true);
		}
		json_w_end(&w);
	}
	json_w_key(&w, "nullCount");
	json_w_object(&w);
	for (int i = 0; i < s->ncols; i++)
		if (s->cols[i].partition_index < 0 && st->cols[i].null_count >= 0) {
			json_w_key(&w, s->cols[i].name);
			json_w_int(&w, st->cols[i].null_count);
		}
	json_w_end(&w);
	json_w_end(&w);
}

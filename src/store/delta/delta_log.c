/*
 * delta_log: the _delta_log directory - which commits and checkpoints
 * exist, reading one commit file action by action, commit timestamps, and
 * the history of commits.
 *
 * Only _delta_log is ever listed (never the data folders). Names that are
 * not log files (.crc side files, temporary files of unfinished commits,
 * _last_checkpoint, compacted logs) are skipped.
 */
#include "store/delta/delta_int.h"

#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *
delta_log_dir(const char *table)
{
	return xasprintf("%s/_delta_log", table);
}

char *
delta_commit_path(const char *table, int64_t version)
{
	return xasprintf("%s/_delta_log/%020lld.json", table, (long long)version);
}

char *
delta_checkpoint_path(const char *table, int64_t version, int part, int parts)
{
	if (parts == 0)
		return xasprintf("%s/_delta_log/%020lld.checkpoint.parquet", table, (long long)version);
	return xasprintf("%s/_delta_log/%020lld.checkpoint.%010d.%010d.parquet", table, (long long)version, part, parts);
}

/* n decimal digits at s as a number (fits: n <= 19 or the value does). */
static bool
digits(const char *s, int n, int64_t *out)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (uint64_t)(INT64_MAX - (s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (int64_t)v;
	return true;
}

struct part {
	int64_t version;
	int64_t part, parts;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int
cmp_part(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->version != y->version)
		return (x->version > y->version) - (x->version < y->version);
	if (x->parts != y->parts)
		return (x->parts > y->parts) - (x->parts < y->parts);
	return (x->part > y->part) - (x->part < y->part);
}

int
delta_list(const char *table, struct delta_listing *out, struct wb_error *err)
{
	memset(out, 0, sizeof *out);
	char *dir = delta_log_dir(table);
	DIR *d = opendir(dir);
	if (d == NULL) {
		struct stat st;
		if (errno == ENOENT && stat(table, &st) == 0)
			err_set(err, -1, "%s is not a Delta table: it has no _delta_log directory", table);
		else if (errno == ENOENT)
			err_set(err, -1, "Delta table %s does not exist", table);
		else
			err_set(err, -1, "cannot list %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	size_t capc = 0, capp = 0, np = 0;
	struct part *parts = NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		int64_t v, o = 0, p = 0;
		if (strlen(n) < 21 || !digits(n, 20, &v))
			continue;
		const char *rest = n + 20;
		if (strcmp(rest, ".json") == 0) {
			if ((size_t)out->ncommits == capc)
				out->commits = xgrow(out->commits, &capc, (size_t)out->ncommits + 1, sizeof *out->commits);
			out->commits[out->ncommits++] = v;
		} else if (strcmp(rest, ".checkpoint.parquet") == 0 ||
		    (strncmp(rest, ".checkpoint.", 12) == 0 && strlen(rest) == 12 + 21 + 8 &&
		        digits(rest + 12, 10, &o) && rest[22] == '.' && digits(rest + 23, 10, &p) &&
		        strcmp(rest + 33, ".parquet") == 0 && o >= 1 && o <= p)) {
			if (np == capp)
				parts = xgrow(parts, &capp, np + 1, sizeof *parts);
			bool classic = rest[12] == 'p';
			parts[np++] = (struct part){v, classic ? 0 : o, classic ? 0 : p};
		}
		/* UUID-named (v2) checkpoints need the v2Checkpoint reader
		 * feature, which delta_protocol_check_read refuses; the JSON
		 * commits are read instead. */
	}
	closedir(d);
	free(dir);
	if (out->ncommits > 1)
		qsort(out->commits, (size_t)out->ncommits, sizeof *out->commits, cmp_i64);
	/* Keep complete checkpoints: classic files, and multi-part sets with
	 * every part present (a partial set is an unfinished write). */
	if (np > 1)
		qsort(parts, np, sizeof *parts, cmp_part);
	size_t capk = 0;
	for (size_t i = 0; i < np;) {
		size_t j = i;
		while (j < np && parts[j].version == parts[i].version && parts[j].parts == parts[i].parts)
			j++;
		bool complete = parts[i].parts == 0;
		if (!complete) {
			int64_t want = 1;
			for (size_t k = i; k < j; k++)
				if (parts[k].part == want)
					want++;
			complete = want == parts[i].parts + 1;
		}
		bool dup = out->ncps > 0 && out->cps[out->ncps - 1].version == parts[i].version;
		if (complete && !dup) {
			if ((size_t)out->ncps == capk)
				out->cps = xgrow(out->cps, &capk, (size_t)out->ncps + 1, sizeof *out->cps);
			out->cps[out->ncps++] = (struct delta_cp){parts[i].version, (int)parts[i].parts};
		}
		i = j;
	}
	free(parts);
	if (out->ncommits == 0 && out->ncps == 0) {
		err_set(err, -1, "%s is not a Delta table: %s/_delta_log holds no commits", table, table);
		delta_listing_free(out);
		return -1;
	}
	return 0;
}

void
delta_listing_free(struct delta_listing *l)
{
	free(l->commits);
	free(l->cps);
	memset(l, 0, sizeof *l);
}

bool
delta_listing_has(const struct delta_listing *l, int64_t v)
{
	return l->ncommits > 0 && bsearch(&v, l->commits, (size_t)l->ncommits, sizeof v, cmp_i64) != NULL;
}

int64_t
delta_listing_latest(const struct delta_listing *l)
{
	int64_t v = l->ncommits > 0 ? l->commits[l->ncommits - 1] : -1;
	if (l->ncps > 0 && l->cps[l->ncps - 1].version > v)
		v = l->cps[l->ncps - 1].version;
	return v;
}

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

int
delta_commit_read(const char *table, int64_t version, struct arena *scratch, struct arena *a,
    delta_action_fn fn, void *st, struct wb_error *err)
{
	char *path = delta_commit_path(table, version);
	char *data;
	size_t len;
	int rc = -1;
	if (delta_read_file(path, &data, &len, err) < 0) {
		free(path);
		return -1;
	}
	struct strbuf where = STRBUF_INIT;
	if (blank(data, len) || len == 0) {
		err_set(err, -1, "%s is empty, but a commit holds at least one action: the log of %s is damaged at version %lld",
		    path, table, (long long)version);
		goto out;
	}
	size_t pos = 0;
	int line = 0;
	while (pos < len) {
		const char *ls = data + pos;
		const char *nl = memchr(ls, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - ls) : len - pos;
		pos += ll + (nl != NULL);
		line++;
		if (blank(ls, ll))
			continue;
		bool last = blank(data + pos, len - pos);
		arena_reset(scratch);
		struct json_error je;
		struct json *v = json_parse(ls, ll, scratch, 0, &je);
		if (v == NULL) {
			if (last && je.offset >= ll && version > 0)
				err_set(err, -1, "%s:%d: the last line of the commit is cut off (%s at column %d): version %lld "
				    "was not written completely (a torn write); read the table as of version %lld, or restore the file",
				    path, line, je.msg, je.col, (long long)version, (long long)(version - 1));
			else if (last && je.offset >= ll)
				err_set(err, -1, "%s:%d: the last line of the commit is cut off (%s at column %d): the table's first "
				    "version was not written completely (a torn write); restore the file", path, line, je.msg, je.col);
			else
				err_set(err, -1, "%s:%d:%d: not a valid JSON action: %s", path, line, je.col, je.msg);
			goto out;
		}
		if (v->type != JSON_OBJECT) {
			err_set(err, -1, "%s:%d: expected an action object such as {\"add\":{...}}, found %s", path, line,
			    json_type_name(v->type));
			goto out;
		}
		sb_clear(&where);
		sb_printf(&where, "%s:%d", path, line);
		for (uint32_t i = 0; i < v->n; i++) {
			struct delta_action act;
			int r = delta_action_parse(v->u.members[i].key, &v->u.members[i].value, a, &act, where.s, err);
			if (r < 0 || (r > 0 && fn(st, &act, line, err) < 0))
				goto out;
		}
	}
	rc = 0;
out:
	sb_free(&where);
	free(data);
	free(path);
	return rc;
}

/* The commitInfo object of a commit (searched line by line; lines that do
 * not mention it are not parsed), or NULL. */
static const struct json *
find_commit_info(const char *data, size_t len, struct arena *a)
{
	size_t pos = 0;
	while (pos < len) {
		const char *ls = data + pos;
		const char *nl = memchr(ls, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - ls) : len - pos;
		pos += ll + (nl != NULL);
		if (memmem(ls, ll, "\"commitInfo\"", 12) == NULL)
			continue;
		struct json *v = json_parse(ls, ll, a, 0, NULL);
		const struct json *ci = json_get(v, "commitInfo");
		if (json_is(ci, JSON_OBJECT))
			return ci;
	}
	return NULL;
}

static int64_t
file_mtime_ms(const char *path, struct wb_error *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		err_set(err, -1, "cannot stat %s: %s", path, strerror(errno));
		return INT64_MIN;
	}
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

int
delta_commit_timestamps(const char *table, const int64_t *versions, int64_t n, enum delta_ts_source src,
    int64_t *out, struct wb_error *err)
{
	struct arena a;
	arena_init(&a, 0);
	int rc = 0;
	for (int64_t i = 0; i < n && rc == 0; i++) {
		char *path = delta_commit_path(table, versions[i]);
		char *data;
		size_t len;
		if (delta_read_file(path, &data, &len, err) < 0) {
			rc = -1;
		} else {
			arena_reset(&a);
			const struct json *ci = find_commit_info(data, len, &a);
			int64_t ts;
			if (json_get_int(ci, "inCommitTimestamp", &ts) ||
			    (src == DELTA_TS_COMMIT_INFO && json_get_int(ci, "timestamp", &ts)))
				out[i] = ts;
			else if ((out[i] = file_mtime_ms(path, err)) == INT64_MIN)
				rc = -1;
			free(data);
		}
		free(path);
		/* Clocks of different writers disagree; like Spark, make commit
		 * times strictly increasing so "as of" has one answer. */
		if (rc == 0 && i > 0 && out[i] <= out[i - 1])
			out[i] = out[i - 1] + 1;
	}
	arena_release(&a);
	return rc;
}

int
delta_history(const char *table, int64_t limit, enum delta_ts_source ts_source, struct arena *a,
    struct delta_history_entry **out, int64_t *n, struct wb_error *err)
{
	struct delta_listing l;
	*out = NULL;
	*n = 0;
	if (delta_list(table, &l, err) < 0)
		return -1;
	int64_t cnt = l.ncommits;
	if (limit > 0 && cnt > limit)
		cnt = limit;
	struct delta_history_entry *h = arena_zalloc(a, (size_t)(cnt > 0 ? cnt : 1) * sizeof *h);
	struct arena scratch;
	arena_init(&scratch, 0);
	int rc = 0;
	/* oldest shown first, so that times can be made increasing */
	for (int64_t i = cnt - 1; i >= 0 && rc == 0; i--) {
		int64_t v = l.commits[l.ncommits - 1 - i];
		char *path = delta_commit_path(table, v);
		char *data;
		size_t len;
		if (delta_read_file(path, &data, &len, err) < 0) {
			free(path);
			rc = -1;
			break;
		}
		arena_reset(&scratch);
		const struct json *ci = find_commit_info(data, len, &scratch);
		h[i].version = v;
		if (ci != NULL) {
			struct strbuf sb = STRBUF_INIT;
			json_write(&sb, ci);
			h[i].commit_info = arena_strndup(a, sb.s, sb.len);
			sb_free(&sb);
			const char *op = json_get_str(ci, "operation");
			h[i].operation = op != NULL ? arena_strdup(a, op) : NULL;
		}
		int64_t ts;
		if (json_get_int(ci, "inCommitTimestamp", &ts) ||
		    (ts_source == DELTA_TS_COMMIT_INFO && json_get_int(ci, "timestamp", &ts)))
			h[i].timestamp = ts;
		else if ((h[i].timestamp = file_mtime_ms(path, err)) == INT64_MIN)
			rc = -1;
		if (i + 1 < cnt && h[i].timestamp <= h[i + 1].timestamp)
			h[i].timestamp = h[i + 1].timestamp + 1;
		free(data);
		free(path);
	}
	arena_release(&scratch);
	delta_listing_free(&l);
	if (rc < 0)
		return -1;
	*out = h;
	*n = cnt;
	return 0;
}

int64_t
delta_latest_version(const char *table, struct wb_error *err)
{
	struct delta_listing l;
	if (delta_list(table, &l, err) < 0)
		return -1;
	int64_t v = delta_listing_latest(&l);
	delta_listing_free(&l);
	return v;
}

bool
delta_table_exists(const char *table)
{
	struct delta_listing l;
	struct wb_error err = WB_ERROR_INIT;
	if (delta_list(table, &l, &err) < 0) {
		err_clear(&err);
		return false;
	}
	delta_listing_free(&l);
	return true;
}

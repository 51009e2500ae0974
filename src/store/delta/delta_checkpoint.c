/*
 * delta_checkpoint: what goes into a checkpoint (the rows; the Parquet
 * bytes are the installed writer's business), writing one, and the
 * _last_checkpoint pointer file with the protocol's checksum.
 */
#include "store/delta/delta_int.h"

#include "core/digest.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* -1 when it cannot be understood: then checkpoints keep every
 * tombstone, which is always safe (VACUUM only deletes less). */
int64_t
delta_deleted_file_retention_ms(const struct delta_snapshot *s)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{"week", 604800000}, {"day", 86400000}, {"hour", 3600000}, {"minute", 60000},
		{"second", 1000}, {"millisecond", 1},
	};
	const char *v = delta_map_get(&s->metadata.configuration, "delta.deletedFileRetentionDuration", NULL);
	if (v == NULL)
		return 604800000;
	long long n;
	char unit[32];
	if (sscanf(v, " interval %lld %31[a-zA-Z]", &n, unit) != 2 || n < 0)
		return -1;
	size_t ul = strlen(unit);
	if (ul > 1 && (unit[ul - 1] == 's' || unit[ul - 1] == 'S'))
		unit[--ul] = '\0';
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcasecmp(unit, units[i].unit) == 0)
			return n > INT64_MAX / units[i].ms ? -1 : n * units[i].ms;
	return -1;
}

int64_t
delta_checkpoint_rows(const struct delta_snapshot *s, int64_t now_ms, struct arena *a,
    struct delta_action **rows)
{
	int64_t cap = 2 + s->ntxns + s->ndomains + s->nfiles + s->ntombstones, n = 0;
	struct delta_action *r = arena_zalloc(a, (size_t)cap * sizeof *r);
	r[n].type = DELTA_ACTION_PROTOCOL;
	r[n++].u.protocol = s->protocol;
	r[n].type = DELTA_ACTION_METADATA;
	r[n++].u.metadata = s->metadata;
	for (int i = 0; i < s->ntxns; i++) {
		r[n].type = DELTA_ACTION_TXN;
		r[n++].u.txn = s->txns[i];
	}
	for (int i = 0; i < s->ndomains; i++) {
		r[n].type = DELTA_ACTION_DOMAIN;
		r[n++].u.domain = s->domains[i];
	}
	for (int64_t i = 0; i < s->nfiles; i++) {
		r[n].type = DELTA_ACTION_ADD;
		r[n++].u.add = s->files[i];
	}
	int64_t keep = delta_deleted_file_retention_ms(s);
	for (int64_t i = 0; i < s->ntombstones; i++) {
		const struct delta_remove *t = &s->tombstones[i];
		if (keep >= 0 && t->deletion_timestamp >= 0 && t->deletion_timestamp + keep <= now_ms)
			continue;   /* expired: VACUUM may delete the file, readers never need it */
		r[n].type = DELTA_ACTION_REMOVE;
		r[n].u.remove = *t;
		r[n].u.remove.stats = NULL;   /* tombstones carry neither stats nor tags */
		memset(&r[n].u.remove.tags, 0, sizeof r[n].u.remove.tags);
		n++;
	}
	*rows = r;
	return n;
}

/* ---- the checkpoint schema ---- */

static char *checkpoint_schema;
static pthread_once_t checkpoint_schema_once = PTHREAD_ONCE_INIT;

enum ftype { F_STRING, F_LONG, F_INT, F_BOOL, F_MAP, F_ARRAY, F_BEGIN, F_END };

struct field {
	const char *name;
	enum ftype t;
};

static void
put_field(struct json_writer *w, const char *name, const char *type)
{
	json_w_object(w);
	json_w_key(w, "name");
	json_w_string(w, name);
	json_w_key(w, "type");
	json_w_string(w, type);
	json_w_key(w, "nullable");
	json_w_bool(w, true);
	json_w_key(w, "metadata");
	json_w_object(w);
	json_w_end(w);
	json_w_end(w);
}

static void
build_checkpoint_schema(void)
{
	/* The protocol's checkpoint schema ("Checkpoint Schema" in the
	 * appendix): one struct column per action. */
	static const struct field fields[] = {
		{"txn", F_BEGIN}, {"appId", F_STRING}, {"version", F_LONG}, {"lastUpdated", F_LONG}, {0, F_END},
		{"add", F_BEGIN}, {"path", F_STRING}, {"partitionValues", F_MAP}, {"size", F_LONG},
		{"modificationTime", F_LONG}, {"dataChange", F_BOOL}, {"stats", F_STRING}, {"tags", F_MAP},
		{"baseRowId", F_LONG}, {"defaultRowCommitVersion", F_LONG}, {0, F_END},
		{"remove", F_BEGIN}, {"path", F_STRING}, {"deletionTimestamp", F_LONG}, {"dataChange", F_BOOL},
		{"extendedFileMetadata", F_BOOL}, {"partitionValues", F_MAP}, {"size", F_LONG},
		{"baseRowId", F_LONG}, {"defaultRowCommitVersion", F_LONG}, {0, F_END},
		{"metaData", F_BEGIN}, {"id", F_STRING}, {"name", F_STRING}, {"description", F_STRING},
		{"format", F_BEGIN}, {"provider", F_STRING}, {"options", F_MAP}, {0, F_END},
		{"schemaString", F_STRING}, {"partitionColumns", F_ARRAY}, {"configuration", F_MAP},
		{"createdTime", F_LONG}, {0, F_END},
		{"protocol", F_BEGIN}, {"minReaderVersion", F_INT}, {"minWriterVersion", F_INT},
		{"readerFeatures", F_ARRAY}, {"writerFeatures", F_ARRAY}, {0, F_END},
		{"domainMetadata", F_BEGIN}, {"domain", F_STRING}, {"configuration", F_STRING}, {"removed", F_BOOL},
		{0, F_END},
	};
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	json_w_key(&w, "type");
	json_w_string(&w, "struct");
	json_w_key(&w, "fields");
	json_w_array(&w);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field *f = &fields[i];
		switch (f->t) {
		case F_STRING: put_field(&w, f->name, "string"); break;
		case F_LONG: put_field(&w, f->name, "long"); break;
		case F_INT: put_field(&w, f->name, "integer"); break;
		case F_BOOL: put_field(&w, f->name, "boolean"); break;
		case F_MAP:
		case F_ARRAY:
			json_w_object(&w);
			json_w_key(&w, "name");
			json_w_string(&w, f->name);
			json_w_key(&w, "type");
			json_w_object(&w);
			json_w_key(&w, "type");
			if (f->t == F_MAP) {
				json_w_string(&w, "map");
				json_w_key(&w, "keyType");
				json_w_string(&w, "string");
				json_w_key(&w, "valueType");
				json_w_string(&w, "string");
				json_w_key(&w, "valueContainsNull");
			} else {
				json_w_string(&w, "array");
				json_w_key(&w, "elementType");
				json_w_string(&w, "string");
				json_w_key(&w, "containsNull");
			}
			json_w_bool(&w, true);
			json_w_end(&w);
			json_w_key(&w, "nullable");
			json_w_bool(&w, true);
			json_w_key(&w, "metadata");
			json_w_object(&w);
			json_w_end(&w);
			json_w_end(&w);
			break;
		case F_BEGIN:
			json_w_object(&w);
			json_w_key(&w, "name");
			json_w_string(&w, f->name);
			json_w_key(&w, "type");
			json_w_object(&w);
			json_w_key(&w, "type");
			json_w_string(&w, "struct");
			json_w_key(&w, "fields");
			json_w_array(&w);
			break;
		case F_END:
			json_w_end(&w);   /* fields */
			json_w_end(&w);   /* struct type */
			json_w_key(&w, "nullable");
			json_w_bool(&w, true);
			json_w_key(&w, "metadata");
			json_w_object(&w);
			json_w_end(&w);
			json_w_end(&w);   /* field */
			break;
		}
	}
	json_w_end(&w);
	json_w_end(&w);
	checkpoint_schema = sb_detach(&sb);
}

const char *
delta_checkpoint_schema(void)
{
	pthread_once(&checkpoint_schema_once, build_checkpoint_schema);
	return checkpoint_schema;
}

/* ---- _last_checkpoint ---- */

struct leaf {
	char *path;
	char *value;
};

/* Percent-encode all but a-z A-Z 0-9 - . _ ~ (the checksum's rule). */
static void
url_encode(const char *s, size_t n, struct strbuf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			sb_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			sb_add(out, e, 3);
		}
	}
}

static void
collect(const struct json *v, struct strbuf *path, bool top, struct leaf **leaves, size_t *n, size_t *cap)
{
	size_t base = path->len;
	if (v->type == JSON_OBJECT || v->type == JSON_ARRAY) {
		for (uint32_t i = 0; i < v->n; i++) {
			if (base > 0)
				sb_putc(path, '+');
			if (v->type == JSON_OBJECT) {
				const struct json_member *m = &v->u.members[i];
				if (top && m->keylen == 8 && memcmp(m->key, "checksum", 8) == 0) {
					path->len = base;
					continue;
				}
				sb_putc(path, '"');
				url_encode(m->key, m->keylen, path);
				sb_putc(path, '"');
				collect(&m->value, path, false, leaves, n, cap);
			} else {
				sb_printf(path, "%u", i);
				collect(&v->u.items[i], path, false, leaves, n, cap);
			}
			path->len = base;
			if (path->s != NULL)
				path->s[base] = '\0';
		}
		return;
	}
	struct strbuf val = STRBUF_INIT;
	if (v->type == JSON_STRING) {
		sb_putc(&val, '"');
		url_encode(v->u.s, v->n, &val);
		sb_putc(&val, '"');
	} else {
		json_write(&val, v);   /* literals and numbers as written */
	}
	if (*n == *cap)
		*leaves = xgrow(*leaves, cap, *n + 1, sizeof **leaves);
	(*leaves)[*n].path = xstrndup(path->s != NULL ? path->s : "", path->len);
	(*leaves)[*n].value = sb_detach(&val);
	(*n)++;
}

static int
cmp_leaf(const void *a, const void *b)
{
	return strcmp(((const struct leaf *)a)->path, ((const struct leaf *)b)->path);
}

int
delta_json_checksum(const char *json, size_t len, char out[33], struct wb_error *err)
{
	struct arena a;
	arena_init(&a, 0);
	struct json_error je;
	struct json *root = json_parse(json, len, &a, 0, &je);
	if (root == NULL) {
		err_set(err, -1, "not valid JSON (line %d, column %d: %s)", je.line, je.col, je.msg);
		arena_release(&a);
		return -1;
	}
	struct leaf *leaves = NULL;
	size_t n = 0, cap = 0;
	struct strbuf path = STRBUF_INIT, canon = STRBUF_INIT;
	collect(root, &path, true, &leaves, &n, &cap);
	if (n > 1)
		qsort(leaves, n, sizeof *leaves, cmp_leaf);   /* strcmp: bytewise, as required */
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_putc(&canon, ',');
		sb_puts(&canon, leaves[i].path);
		sb_putc(&canon, '=');
		sb_puts(&canon, leaves[i].value);
		free(leaves[i].path);
		free(leaves[i].value);
	}
	digest_md5_hex(canon.s != NULL ? canon.s : "", canon.len, out);
	free(leaves);
	sb_free(&path);
	sb_free(&canon);
	arena_release(&a);
	return 0;
}

int
delta_last_checkpoint_read(const char *table, struct delta_last_checkpoint *out, struct wb_error *err)
{
	char *path = xasprintf("%s/_delta_log/_last_checkpoint", table);
	char *data = NULL;
	size_t len;
	int rc = -1;
	struct arena a;
	arena_init(&a, 0);
	memset(out, 0, sizeof *out);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		rc = 1;
		goto out;
	}
	if (delta_read_file(path, &data, &len, err) < 0)
		goto out;
	struct json *root = json_parse_err(data, len, &a, 0, path, err);
	if (root == NULL)
		goto out;
	if (!json_get_int(root, "version", &out->version) || out->version < 0 ||
	    !json_get_int(root, "size", &out->size)) {
		err_set(err, -1, "%s: \"version\" and \"size\" must be non-negative integers", path);
		goto out;
	}
	if (!json_get_int(root, "parts", &out->parts))
		out->parts = 0;
	if (!json_get_int(root, "sizeInBytes", &out->size_in_bytes))
		out->size_in_bytes = -1;
	if (!json_get_int(root, "numOfAddFiles", &out->num_of_add_files))
		out->num_of_add_files = -1;
	const char *sum = json_get_str(root, "checksum");
	if (sum != NULL) {
		char want[33];
		if (delta_json_checksum(data, len, want, err) < 0)
			goto out;
		if (strcasecmp(sum, want) != 0) {
			err_set(err, -1, "%s: checksum mismatch (the file says %s, its content gives %s): it was changed or "
			    "damaged after it was written", path, sum, want);
			goto out;
		}
	}
	rc = 0;
out:
	arena_release(&a);
	free(data);
	free(path);
	return rc;
}

int
delta_last_checkpoint_write(const char *table, const struct delta_last_checkpoint *lc, struct wb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	json_w_key(&w, "version");
	json_w_int(&w, lc->version);
	json_w_key(&w, "size");
	json_w_int(&w, lc->size);
	if (lc->parts > 0) {
		json_w_key(&w, "parts");
		json_w_int(&w, lc->parts);
	}
	if (lc->size_in_bytes >= 0) {
		json_w_key(&w, "sizeInBytes");
		json_w_int(&w, lc->size_in_bytes);
	}
	if (lc->num_of_add_files >= 0) {
		json_w_key(&w, "numOfAddFiles");
		json_w_int(&w, lc->num_of_add_files);
	}
	json_w_end(&w);
	char sum[33];
	if (delta_json_checksum(sb.s, sb.len, sum, err) < 0) {
		sb_free(&sb);
		return -1;
	}
	sb.len--;   /* reopen the object to add the checksum */
	sb_printf(&sb, ",\"checksum\":\"%s\"}", sum);
	char *dir = delta_log_dir(table);
	char *final = xasprintf("%s/_last_checkpoint", dir);
	char *tmp = delta_write_temp(dir, "_last_checkpoint", sb.s, sb.len, err);
	int rc = -1;
	if (tmp != NULL) {
		if (rename(tmp, final) < 0) {
			err_set(err, -1, "cannot replace %s: %s", final, strerror(errno));
			unlink(tmp);
		} else {
			rc = delta_fsync_dir(dir, err);
		}
	}
	free(tmp);
	free(final);
	free(dir);
	sb_free(&sb);
	return rc;
}

int
delta_checkpoint_write(const struct delta_snapshot *s, struct wb_error *err)
{
	const struct delta_checkpoint_io *io = delta_checkpoint_io_get();
	if (io == NULL || io->write == NULL) {
		err_set(err, -1, "writing a checkpoint of Delta table %s needs Parquet support, which this build of wb "
		    "does not have yet", s->table);
		return -1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct delta_action *rows;
	int64_t n = delta_checkpoint_rows(s, delta_now_ms(), &a, &rows);
	int64_t nadd = 0;
	for (int64_t i = 0; i < n; i++)
		nadd += rows[i].type == DELTA_ACTION_ADD;
	char *dir = delta_log_dir(s->table);
	char *name = xasprintf("%020lld.checkpoint.parquet", (long long)s->version);
	char *tmp = delta_temp_name(dir, name);
	char *final = xasprintf("%s/%s", dir, name);
	int rc = -1;
	struct stat st;
	if (io->write(io->ctx, tmp, rows, n, s, err) < 0) {
		if (!err_isset(err))
			err_set(err, -1, "cannot write checkpoint %s", final);
		unlink(tmp);
		goto out;
	}
	/* A classic checkpoint may be replaced by a racing writer with the
	 * same content ("latest writer wins"), so rename() is right here. */
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	bool synced = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!synced || stat(tmp, &st) < 0 || rename(tmp, final) < 0) {
		err_set(err, -1, "cannot install checkpoint %s: %s", final, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (delta_fsync_dir(dir, err) < 0)
		goto out;
	struct delta_last_checkpoint lc = {s->version, n, 0, (int64_t)st.st_size, nadd};
	rc = delta_last_checkpoint_write(s->table, &lc, err);
out:
	free(final);
	free(tmp);
	free(name);
	free(dir);
	arena_release(&a);
	return rc;
}

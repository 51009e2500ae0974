/*
 * delta_commit: building a commit and publishing it as the next version,
 * atomically and exclusively, with the protocol's conflict detection
 * against commits that won the race (see delta.h for the rules).
 */
#include "config.h"

#include "store/delta/delta_int.h"

#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Attempts before giving up under constant contention. */
#define DELTA_MAX_ATTEMPTS 1000

struct kv {
	const char *key;
	const char *value;
};

struct delta_commit {
	char *table;
	struct arena a;
	char *operation;
	bool creating;
	int64_t read_version;
	bool append_only;
	int checkpoint_interval;
	bool reads_table;
	bool has_protocol, has_metadata;
	struct delta_protocol protocol;
	struct delta_metadata metadata;
	struct delta_action *acts;       /* adds, removes, txn */
	size_t nacts, capacts;
	const char *app_id;              /* of our txn action, NULL if none */
	struct kv *params;
	size_t nparams, capparams;
	struct kv *metrics;
	size_t nmetrics, capmetrics;
	struct kv *infos;                /* further commitInfo members: key, JSON text */
	size_t ninfos, capinfos;
};

static int
config_bool(const struct delta_metadata *m, const char *key)
{
	const char *v = delta_map_get(&m->configuration, key, NULL);
	return v != NULL && strcasecmp(v, "true") == 0;
}

struct delta_commit *
delta_commit_begin(const char *table, const struct delta_snapshot *read, const char *operation,
    struct wb_error *err)
{
	if (read != NULL) {
		if (delta_protocol_check_write(table, &read->protocol, &read->metadata, err) < 0)
			return NULL;
	} else if (delta_table_exists(table)) {
		err_set(err, -1, "Delta table %s already exists", table);
		err_hint(err, "commit on top of its latest version instead of creating it");
		return NULL;
	}
	struct delta_commit *c = xcalloc(1, sizeof *c);
	arena_init(&c->a, 0);
	c->table = xstrdup(table);
	c->operation = xstrdup(operation != NULL ? operation : "WRITE");
	c->creating = read == NULL;
	c->read_version = read != NULL ? read->version : -1;
	c->checkpoint_interval = 10;
	if (read != NULL) {
		c->append_only = config_bool(&read->metadata, "delta.appendOnly");
		const char *ci = delta_map_get(&read->metadata.configuration, "delta.checkpointInterval", NULL);
		int n;
		if (ci != NULL && sscanf(ci, "%d", &n) == 1 && n > 0)
			c->checkpoint_interval = n;
	}
	return c;
}

void
delta_commit_free(struct delta_commit *c)
{
	if (c == NULL)
		return;
	arena_release(&c->a);
	free(c->acts);
	free(c->params);
	free(c->metrics);
	free(c->infos);
	free(c->operation);
	free(c->table);
	free(c);
}

static struct delta_action *
push(struct delta_commit *c)
{
	if (c->nacts == c->capacts)
		c->acts = xgrow(c->acts, &c->capacts, c->nacts + 1, sizeof *c->acts);
	return &c->acts[c->nacts++];
}

void
delta_commit_set_protocol(struct delta_commit *c, const struct delta_protocol *p)
{
	struct delta_action src = {.type = DELTA_ACTION_PROTOCOL, .u.protocol = *p}, dst;
	delta_action_copy(&src, &c->a, &dst);
	c->protocol = dst.u.protocol;
	c->has_protocol = true;
}

void
delta_commit_set_metadata(struct delta_commit *c, const struct delta_metadata *m)
{
	struct delta_action src = {.type = DELTA_ACTION_METADATA, .u.metadata = *m}, dst;
	delta_action_copy(&src, &c->a, &dst);
	c->metadata = dst.u.metadata;
	c->has_metadata = true;
	c->reads_table = true;   /* a schema change must not pass files written under the old one */
}

void
delta_commit_add(struct delta_commit *c, const struct delta_add *add)
{
	struct delta_action src = {.type = DELTA_ACTION_ADD, .u.add = *add};
	delta_action_copy(&src, &c->a, push(c));
}

void
delta_commit_remove(struct delta_commit *c, const struct delta_remove *rm)
{
	struct delta_action src = {.type = DELTA_ACTION_REMOVE, .u.remove = *rm};
	delta_action_copy(&src, &c->a, push(c));
	if (rm->data_change)
		c->reads_table = true;   /* deleting data is decided by reading it */
}

void
delta_commit_set_txn(struct delta_commit *c, const char *app_id, int64_t version)
{
	struct delta_action *a = push(c);
	memset(a, 0, sizeof *a);
	a->type = DELTA_ACTION_TXN;
	a->u.txn.app_id = c->app_id = arena_strdup(&c->a, app_id);
	a->u.txn.version = version;
	a->u.txn.last_updated = delta_now_ms();
}

void
delta_commit_reads_table(struct delta_commit *c)
{
	c->reads_table = true;
}

void
delta_commit_param(struct delta_commit *c, const char *key, const char *value)
{
	if (c->nparams == c->capparams)
		c->params = xgrow(c->params, &c->capparams, c->nparams + 1, sizeof *c->params);
	c->params[c->nparams++] = (struct kv){arena_strdup(&c->a, key), arena_strdup(&c->a, value)};
}

void
delta_commit_metric(struct delta_commit *c, const char *key, int64_t value)
{
	if (c->nmetrics == c->capmetrics)
		c->metrics = xgrow(c->metrics, &c->capmetrics, c->nmetrics + 1, sizeof *c->metrics);
	c->metrics[c->nmetrics++] = (struct kv){arena_strdup(&c->a, key), arena_printf(&c->a, "%lld", (long long)value)};
}

void
delta_commit_info(struct delta_commit *c, const char *key, const char *json)
{
	if (c->ninfos == c->capinfos)
		c->infos = xgrow(c->infos, &c->capinfos, c->ninfos + 1, sizeof *c->infos);
	c->infos[c->ninfos++] = (struct kv){arena_strdup(&c->a, key), arena_strdup(&c->a, json)};
}

struct delta_remove
delta_remove_for(const struct delta_add *add, int64_t now_ms)
{
	struct delta_remove r;
	memset(&r, 0, sizeof r);
	r.path = add->path;
	r.deletion_timestamp = now_ms;
	r.data_change = true;
	r.extended_file_metadata = true;
	r.partition_values = add->partition_values;
	r.size = add->size;
	r.tags = add->tags;
	r.base_row_id = add->base_row_id;
	r.default_row_commit_version = add->default_row_commit_version;
	return r;
}

void
delta_metadata_new(const struct delta_schema *s, const char *const *partition_columns, int npart,
    struct arena *a, struct delta_metadata *out)
{
	char id[37];
	struct strbuf sb = STRBUF_INIT;
	memset(out, 0, sizeof *out);
	delta_uuid(id);
	out->id = arena_strdup(a, id);
	out->format_provider = "parquet";
	delta_schema_write(s, &sb);
	out->schema_string = arena_strndup(a, sb.s, sb.len);
	sb_free(&sb);
	out->npartition_columns = npart;
	if (npart > 0) {
		const char **pc = arena_alloc(a, (size_t)npart * sizeof *pc);
		for (int i = 0; i < npart; i++)
			pc[i] = arena_strdup(a, partition_columns[i]);
		out->partition_columns = pc;
	}
	out->created_time = delta_now_ms();
}

/* ---- checks before publishing ---- */

static bool
is_blind_append(const struct delta_commit *c)
{
	if (c->reads_table || c->has_metadata || c->has_protocol)
		return false;
	for (size_t i = 0; i < c->nacts; i++)
		if (c->acts[i].type == DELTA_ACTION_REMOVE ||
		    (c->acts[i].type == DELTA_ACTION_ADD && !c->acts[i].u.add.data_change))
			return false;
	return true;
}

static int
validate(struct delta_commit *c, struct wb_error *err)
{
	if (c->creating && !c->has_metadata) {
		err_set(err, -1, "creating Delta table %s needs its metadata (schema)", c->table);
		return -1;
	}
	if (c->creating && !c->has_protocol) {
		c->protocol = (struct delta_protocol){.min_reader_version = 1, .min_writer_version = 2};
		c->has_protocol = true;
	}
	if (c->has_protocol || c->has_metadata) {
		/* what the table will be after this commit must be writable by wb */
		struct delta_metadata m = c->metadata;
		struct delta_protocol p = c->protocol;
		struct delta_snapshot *cur = NULL;
		if (!c->has_protocol || !c->has_metadata) {
			struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
			o.version = c->read_version;
			if ((cur = delta_snapshot_open(c->table, &o, err)) == NULL)
				return -1;
			if (!c->has_protocol)
				p = cur->protocol;
			if (!c->has_metadata)
				m = cur->metadata;
		}
		struct delta_protocol raised;
		if (c->has_metadata && delta_protocol_raise(&p, &m, &c->a, &raised)) {
			/* the new metadata needs a protocol feature (CHECK constraints) */
			delta_commit_set_protocol(c, &raised);
			p = c->protocol;
		}
		int rc = delta_protocol_check_write(c->table, &p, &m, err);
		if (rc == 0 && c->has_metadata) {
			struct arena tmp;
			struct delta_schema s;
			struct wb_error e2 = WB_ERROR_INIT;
			arena_init(&tmp, 0);
			if (delta_schema_parse(m.schema_string, &tmp, &s, &e2) < 0) {
				err_set(err, -1, "the new metadata of Delta table %s: %s", c->table, e2.msg);
				rc = -1;
			}
			for (int i = 0; rc == 0 && i < m.npartition_columns; i++)
				if (delta_schema_find(&s, m.partition_columns[i]) < 0) {
					err_set(err, -1, "the new metadata of Delta table %s: partition column '%s' is not in the schema",
					    c->table, m.partition_columns[i]);
					rc = -1;
				}
			err_clear(&e2);
			arena_release(&tmp);
			if (config_bool(&m, "delta.appendOnly"))
				c->append_only = true;
		}
		delta_snapshot_free(cur);
		if (rc < 0)
			return -1;
	}
	if (c->append_only)
		for (size_t i = 0; i < c->nacts; i++)
			if (c->acts[i].type == DELTA_ACTION_REMOVE && c->acts[i].u.remove.data_change) {
				err_set(err, -1, "Delta table %s is append-only (delta.appendOnly = true): %s would remove data "
				    "from it (file '%s')", c->table, c->operation, c->acts[i].u.remove.path);
				return -1;
			}
	return 0;
}

/* ---- conflicts ---- */

struct winner {
	struct delta_commit *c;
	int64_t version;
	const char **removed;            /* our removes' keys, sorted */
	size_t nremoved;
	const char *table_abs;
	struct strbuf key;
	const char *operation;           /* the winner's, from its commitInfo */
	char why[1024];                  /* the first conflict found */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
we_remove(struct winner *w, const char *path)
{
	sb_clear(&w->key);
	delta_path_key(w->table_abs, path, &w->key);
	const char *k = w->key.s;
	return bsearch(&k, w->removed, w->nremoved, sizeof *w->removed, cmp_str) != NULL;
}

static int
check_winner_action(void *st, const struct delta_action *act, int line, struct wb_error *err)
{
	struct winner *w = st;
	(void)line;
	(void)err;
	if (w->why[0] != '\0')
		return 0;
	switch (act->type) {
	case DELTA_ACTION_PROTOCOL:
		snprintf(w->why, sizeof w->why, "it changed the table's protocol");
		break;
	case DELTA_ACTION_METADATA:
		snprintf(w->why, sizeof w->why, "it changed the table's metadata (schema, partitioning or properties)");
		break;
	case DELTA_ACTION_TXN:
		if (w->c->app_id != NULL && strcmp(act->u.txn.app_id, w->c->app_id) == 0)
			snprintf(w->why, sizeof w->why, "it also committed for application '%s' (version %lld)",
			    act->u.txn.app_id, (long long)act->u.txn.version);
		break;
	case DELTA_ACTION_REMOVE:
		if (we_remove(w, act->u.remove.path))
			snprintf(w->why, sizeof w->why, "it also removed the file '%s'", act->u.remove.path);
		else if (w->c->reads_table && act->u.remove.data_change)
			snprintf(w->why, sizeof w->why, "it removed the file '%s', whose data this operation read",
			    act->u.remove.path);
		break;
	case DELTA_ACTION_ADD:
		if (w->c->reads_table && act->u.add.data_change)
			snprintf(w->why, sizeof w->why, "it added data (file '%s') that this operation did not see",
			    act->u.add.path);
		break;
	case DELTA_ACTION_COMMIT_INFO: {
		struct json *ci = json_parse(act->u.commit_info, strlen(act->u.commit_info), &w->c->a, 0, NULL);
		const char *op = json_get_str(ci, "operation");
		if (op != NULL)
			w->operation = op;
		break;
	}
	case DELTA_ACTION_DOMAIN:
		break;
	}
	return 0;
}

/* Check the commits from..to that won against c. 0: none conflicts;
 * -1 with err (and *conflict) otherwise. */
static int
check_winners(struct delta_commit *c, int64_t from, int64_t to, bool *conflict, struct wb_error *err)
{
	struct winner w;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.table_abs = realpath(c->table, NULL);
	sb_init(&w.key);
	for (size_t i = 0; i < c->nacts; i++)
		if (c->acts[i].type == DELTA_ACTION_REMOVE)
			w.nremoved++;
	w.removed = xcalloc(w.nremoved + 1, sizeof *w.removed);
	w.nremoved = 0;
	for (size_t i = 0; i < c->nacts; i++)
		if (c->acts[i].type == DELTA_ACTION_REMOVE) {
			sb_clear(&w.key);
			delta_path_key(w.table_abs, c->acts[i].u.remove.path, &w.key);
			w.removed[w.nremoved++] = arena_strndup(&c->a, w.key.s, w.key.len);
		}
	qsort(w.removed, w.nremoved, sizeof *w.removed, cmp_str);
	struct arena scratch, acts;
	arena_init(&scratch, 0);
	arena_init(&acts, 0);
	int rc = 0;
	for (int64_t v = from; v <= to && rc == 0; v++) {
		w.version = v;
		w.operation = NULL;
		arena_reset(&acts);
		if (delta_commit_read(c->table, v, &scratch, &acts, check_winner_action, &w, err) < 0) {
			rc = -1;
		} else if (w.why[0] != '\0') {
			*conflict = true;
			err_set(err, -1, "%s on Delta table %s conflicts with version %lld%s%s%s, committed concurrently: %s",
			    c->operation, c->table, (long long)v, w.operation ? " (" : "", w.operation ? w.operation : "",
			    w.operation ? ")" : "", w.why);
			err_hint(err, "run the operation again on the table's new version");
			rc = -1;
		}
	}
	arena_release(&scratch);
	arena_release(&acts);
	sb_free(&w.key);
	free(w.removed);
	free((char *)w.table_abs);
	return rc;
}

/* ---- publishing ---- */

/* The commit file's text for version v (commitInfo first). */
static void
serialize(const struct delta_commit *c, int64_t now, struct strbuf *out)
{
	char txn_id[37];
	struct strbuf ci = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &ci);
	json_w_object(&w);
	json_w_key(&w, "timestamp");
	json_w_int(&w, now);
	json_w_key(&w, "operation");
	json_w_string(&w, c->operation);
	json_w_key(&w, "operationParameters");
	json_w_object(&w);
	for (size_t i = 0; i < c->nparams; i++) {
		json_w_key(&w, c->params[i].key);
		json_w_string(&w, c->params[i].value);
	}
	json_w_end(&w);
	if (c->read_version >= 0) {
		json_w_key(&w, "readVersion");
		json_w_int(&w, c->read_version);
	}
	json_w_key(&w, "isolationLevel");
	json_w_string(&w, "Serializable");
	json_w_key(&w, "isBlindAppend");
	json_w_bool(&w, is_blind_append(c));
	json_w_key(&w, "operationMetrics");
	json_w_object(&w);
	for (size_t i = 0; i < c->nmetrics; i++) {
		json_w_key(&w, c->metrics[i].key);
		json_w_string(&w, c->metrics[i].value);
	}
	json_w_end(&w);
	for (size_t i = 0; i < c->ninfos; i++) {
		json_w_key(&w, c->infos[i].key);
		json_w_raw(&w, c->infos[i].value, strlen(c->infos[i].value));
	}
	json_w_key(&w, "engineInfo");
	json_w_string(&w, "wb/" PACKAGE_VERSION);
	json_w_key(&w, "txnId");
	delta_uuid(txn_id);
	json_w_string(&w, txn_id);
	json_w_end(&w);

	struct delta_action a = {.type = DELTA_ACTION_COMMIT_INFO, .u.commit_info = ci.s};
	delta_action_write(&a, out);
	sb_putc(out, '\n');
	if (c->has_protocol) {
		a = (struct delta_action){.type = DELTA_ACTION_PROTOCOL, .u.protocol = c->protocol};
		delta_action_write(&a, out);
		sb_putc(out, '\n');
	}
	if (c->has_metadata) {
		a = (struct delta_action){.type = DELTA_ACTION_METADATA, .u.metadata = c->metadata};
		delta_action_write(&a, out);
		sb_putc(out, '\n');
	}
	for (size_t i = 0; i < c->nacts; i++) {
		delta_action_write(&c->acts[i], out);
		sb_putc(out, '\n');
	}
	sb_free(&ci);
}

/* Make tmp visible as final unless final exists: 0 done, 1 final exists,
 * -1 error (errno). */
static int
install(const char *tmp, const char *final)
{
	if (link(tmp, final) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return 1;
	if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK || errno == ENOSYS) {
		/* no hard links here (some FUSE and network file systems) */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EEXIST)
			return 1;
	}
	return -1;
}

static void
maybe_checkpoint(struct delta_commit *c, int64_t v, struct delta_commit_result *res)
{
	const struct delta_checkpoint_io *io = delta_checkpoint_io_get();
	if (v == 0 || v % c->checkpoint_interval != 0 || io == NULL || io->write == NULL)
		return;
	struct wb_error e = WB_ERROR_INIT;
	struct delta_read_options o = DELTA_READ_OPTIONS_INIT;
	o.version = v;
	struct delta_snapshot *s = delta_snapshot_open(c->table, &o, &e);
	if (s != NULL && delta_checkpoint_write(s, &e) == 0)
		res->checkpointed = true;
	else {
		snprintf(res->warning, sizeof res->warning, "version %lld was committed, but its checkpoint was not written: %s",
		    (long long)v, e.msg ? e.msg : "unknown error");
		wb_notice("Delta table %s: %s", c->table, res->warning);
	}
	delta_snapshot_free(s);
	err_clear(&e);
}

int64_t
delta_commit_publish(struct delta_commit *c, struct delta_commit_result *res, struct wb_error *err)
{
	struct delta_commit_result spare;
	if (res == NULL)
		res = &spare;
	memset(res, 0, sizeof *res);
	res->version = -1;
	if (validate(c, err) < 0)
		return -1;
	char *dir = delta_log_dir(c->table);
	if (c->creating) {
		if (mkdir(c->table, 0777) < 0 && errno != EEXIST) {
			err_set(err, -1, "cannot create directory %s: %s", c->table, strerror(errno));
			free(dir);
			return -1;
		}
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			err_set(err, -1, "cannot create directory %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	int64_t v = c->read_version + 1;
	struct strbuf text = STRBUF_INIT;
	int64_t result = -1;
	for (int attempt = 1; attempt <= DELTA_MAX_ATTEMPTS; attempt++) {
		res->attempts = attempt;
		sb_clear(&text);
		serialize(c, delta_now_ms(), &text);
		char name[64];
		snprintf(name, sizeof name, "%020lld.json", (long long)v);
		char *tmp = delta_write_temp(dir, name, text.s, text.len, err);
		if (tmp == NULL)
			break;
		char *final = xasprintf("%s/%s", dir, name);
		int r = install(tmp, final);
		int saved = errno;
		if (r != 0)
			unlink(tmp);
		free(tmp);
		free(final);
		if (r < 0) {
			err_set(err, -1, "cannot publish version %lld of Delta table %s: %s", (long long)v, c->table,
			    strerror(saved));
			break;
		}
		if (r == 0) {
			if (delta_fsync_dir(dir, err) == 0)
				result = v;
			break;
		}
		/* lost version v to a concurrent writer */
		if (c->creating) {
			res->conflict = true;
			err_set(err, -1, "Delta table %s was created concurrently by another writer", c->table);
			break;
		}
		int64_t latest = delta_latest_version(c->table, err);
		if (latest < v) {
			if (latest >= 0)
				err_set(err, -1, "version %lld of Delta table %s exists but the log does not list it", (long long)v, c->table);
			break;
		}
		if (check_winners(c, v, latest, &res->conflict, err) < 0)
			break;
		v = latest + 1;
		if (attempt == DELTA_MAX_ATTEMPTS)
			err_set(err, -1, "gave up committing to Delta table %s after %d attempts: other writers kept committing first",
			    c->table, DELTA_MAX_ATTEMPTS);
	}
	sb_free(&text);
	free(dir);
	if (result >= 0) {
		res->version = result;
		maybe_checkpoint(c, result, res);
	}
	return result;
}

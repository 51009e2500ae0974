/*
 * delta_snapshot: reconstructing a table version by log replay.
 *
 * Replay starts from the newest complete checkpoint at or before the
 * target version (read through the installed delta_checkpoint_io) - or,
 * without a checkpoint reader, from version 0 when every JSON commit is
 * still there - then applies the JSON commits in order, checking that no
 * version is missing. Reconciliation follows the protocol: the latest
 * protocol and metaData win; a logical file (keyed by its decoded path,
 * since wb refuses deletion vectors) is live if its newest action is an
 * add, a tombstone if it is a remove; the newest txn per appId and
 * domainMetadata per domain win.
 *
 * The checkpoint is found by listing _delta_log, not through
 * _last_checkpoint: that file exists so that readers on object stores can
 * avoid listing, but wb lists a local directory anyway, and the listing
 * also sees checkpoints newer than a stale _last_checkpoint. wb keeps the
 * file up to date for other readers (delta_last_checkpoint_write).
 */
#include "store/delta/delta_int.h"

#include "core/datetime.h"
#include "core/hash.h"
#include "core/xmalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ENT_ADD, ENT_REMOVE };

struct entry {
	const char *key;
	int kind;
	union {
		struct delta_add add;
		struct delta_remove rm;
	} u;
};

/* A hash slot: the key's hash is kept so that probing rarely touches the
 * entries (a cache miss each) of other keys. */
struct slot {
	uint64_t hash;
	int64_t idx;                     /* entry index + 1; 0 = empty */
};

struct replay {
	struct delta_snapshot *s;
	char *table_abs;                 /* realpath of the table, for absolute paths */
	int64_t target;
	int64_t cur_version;             /* version being applied (-1: checkpoint) */
	struct entry *ents;
	size_t nents, capents;
	struct slot *slots;              /* open addressing over ents */
	size_t nslots;
	bool have_protocol, have_metadata;
	struct delta_protocol protocol;
	struct delta_metadata metadata;
	struct delta_app_txn *txns;
	size_t ntxns, captxns;
	struct delta_domain *domains;
	size_t ndomains, capdomains;
	struct strbuf key;
};

static const struct delta_checkpoint_io *checkpoint_io;

void
delta_checkpoint_io_set(const struct delta_checkpoint_io *io)
{
	checkpoint_io = io;
}

const struct delta_checkpoint_io *
delta_checkpoint_io_get(void)
{
	return checkpoint_io;
}

static void
grow_slots(struct replay *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 1024;
	struct slot *slots = xcalloc(n, sizeof *slots);
	for (size_t i = 0; i < r->nslots; i++) {
		if (r->slots[i].idx == 0)
			continue;
		size_t h = (size_t)r->slots[i].hash & (n - 1);
		while (slots[h].idx != 0)
			h = (h + 1) & (n - 1);
		slots[h] = r->slots[i];
	}
	free(r->slots);
	r->slots = slots;
	r->nslots = n;
}

/* The entry for a log path, created if new. */
static struct entry *
entry_for(struct replay *r, const char *path)
{
	sb_clear(&r->key);
	delta_path_key(r->table_abs, path, &r->key);
	if (2 * (r->nents + 1) > r->nslots)
		grow_slots(r);
	uint64_t hash = hash_bytes(r->key.s, r->key.len);
	size_t h = (size_t)hash & (r->nslots - 1);
	while (r->slots[h].idx != 0) {
		if (r->slots[h].hash == hash) {
			struct entry *e = &r->ents[r->slots[h].idx - 1];
			if (strcmp(e->key, r->key.s) == 0)
				return e;
		}
		h = (h + 1) & (r->nslots - 1);
	}
	if (r->nents == r->capents)
		r->ents = xgrow(r->ents, &r->capents, r->nents + 1, sizeof *r->ents);
	struct entry *e = &r->ents[r->nents++];
	memset(e, 0, sizeof *e);
	e->key = arena_strndup(&r->s->arena, r->key.s, r->key.len);
	r->slots[h] = (struct slot){hash, (int64_t)r->nents};
	return e;
}

static int
apply(void *st, const struct delta_action *act, int line, struct wb_error *err)
{
	struct replay *r = st;
	(void)line;
	(void)err;
	switch (act->type) {
	case DELTA_ACTION_PROTOCOL:
		r->protocol = act->u.protocol;
		r->have_protocol = true;
		break;
	case DELTA_ACTION_METADATA:
		r->metadata = act->u.metadata;
		r->have_metadata = true;
		break;
	case DELTA_ACTION_ADD: {
		struct entry *e = entry_for(r, act->u.add.path);
		e->kind = ENT_ADD;
		e->u.add = act->u.add;
		break;
	}
	case DELTA_ACTION_REMOVE: {
		struct entry *e = entry_for(r, act->u.remove.path);
		e->kind = ENT_REMOVE;
		e->u.rm = act->u.remove;
		break;
	}
	case DELTA_ACTION_TXN: {
		size_t i;
		for (i = 0; i < r->ntxns; i++)
			if (strcmp(r->txns[i].app_id, act->u.txn.app_id) == 0)
				break;
		if (i == r->ntxns) {
			if (r->ntxns == r->captxns)
				r->txns = xgrow(r->txns, &r->captxns, r->ntxns + 1, sizeof *r->txns);
			r->ntxns++;
		}
		r->txns[i] = act->u.txn;
		break;
	}
	case DELTA_ACTION_DOMAIN: {
		size_t i;
		for (i = 0; i < r->ndomains; i++)
			if (strcmp(r->domains[i].domain, act->u.domain.domain) == 0)
				break;
		if (i == r->ndomains) {
			if (r->ndomains == r->capdomains)
				r->domains = xgrow(r->domains, &r->capdomains, r->ndomains + 1, sizeof *r->domains);
			r->ndomains++;
		}
		r->domains[i] = act->u.domain;
		break;
	}
	case DELTA_ACTION_COMMIT_INFO:
		if (r->cur_version == r->target)
			r->s->commit_info = act->u.commit_info;
		break;
	}
	return 0;
}

/* Checkpoint rows arrive with strings that die after the call: copy. */
static int
apply_checkpoint_row(void *st, const struct delta_action *row, struct wb_error *err)
{
	struct replay *r = st;
	struct delta_action copy;
	if (row->type == DELTA_ACTION_COMMIT_INFO)
		return 0;   /* checkpoints hold none; ignore one if a reader emits it */
	delta_action_copy(row, &r->s->arena, &copy);
	return apply(st, &copy, 0, err);
}

static void
format_ms(int64_t ms, char *buf)
{
	int64_t us = ms * 1000;
	int n = dt_format_timestamp(us - us % 1000000, buf);
	snprintf(buf + n, 16, ".%03d UTC", (int)(((ms % 1000) + 1000) % 1000));
}

/* The version a read resolves to. */
static int64_t
resolve_version(const char *table, const struct delta_listing *l, const struct delta_read_options *opt,
    int64_t *ts_out, struct wb_error *err)
{
	int64_t latest = delta_listing_latest(l);
	*ts_out = INT64_MIN;
	if (opt->timestamp != DELTA_NO_TIMESTAMP) {
		int64_t *ts = xmalloc((size_t)(l->ncommits > 0 ? l->ncommits : 1) * sizeof *ts);
		if (delta_commit_timestamps(table, l->commits, l->ncommits, opt->ts_source, ts, err) < 0) {
			free(ts);
			return -1;
		}
		int64_t lo = 0, hi = l->ncommits;   /* first index with ts > T */
		while (lo < hi) {
			int64_t mid = lo + (hi - lo) / 2;
			if (ts[mid] <= opt->timestamp)
				lo = mid + 1;
			else
				hi = mid;
		}
		int64_t v = -1;
		if (lo == 0) {
			char want[64], first[64];
			format_ms(opt->timestamp, want);
			if (l->ncommits > 0) {
				format_ms(ts[0], first);
				err_set(err, -1, "Delta table %s has no version as old as %s: its earliest available version, %lld, "
				    "was committed at %s", table, want, (long long)l->commits[0], first);
			} else {
				err_set(err, -1, "Delta table %s has no commit files to resolve a timestamp against", table);
			}
		} else {
			v = l->commits[lo - 1];
			*ts_out = ts[lo - 1];
		}
		free(ts);
		return v;
	}
	if (opt->version == DELTA_LATEST)
		return latest;
	if (opt->version < 0 || opt->version > latest) {
		/* the oldest version that can be rebuilt: 0 while the first
		 * commit is there, else the oldest checkpoint */
		int64_t earliest = l->ncommits > 0 && l->commits[0] == 0 ? 0 : l->ncps > 0 ? l->cps[0].version : latest;
		err_set(err, -1, "Delta table %s has no version %lld: its versions are %lld to %lld", table,
		    (long long)opt->version, (long long)earliest, (long long)latest);
		return -1;
	}
	return opt->version;
}

/* Check that commits from..to all exist. */
static int
require_commits(const char *table, const struct delta_listing *l, int64_t from, int64_t to, struct wb_error *err)
{
	for (int64_t v = from; v <= to; v++)
		if (!delta_listing_has(l, v)) {
			if (v == 0 && l->ncommits > 0 && l->commits[0] > 0)
				err_set(err, -1, "the log of Delta table %s starts at version %lld and has no checkpoint to "
				    "start from: versions before it were deleted", table, (long long)l->commits[0]);
			else
				err_set(err, -1, "the log of Delta table %s is missing version %lld (the commit file "
				    "_delta_log/%020lld.json does not exist, but later versions do)", table, (long long)v,
				    (long long)v);
			return -1;
		}
	return 0;
}

/* Replay the checkpoint cp into r. */
static int
read_checkpoint(struct replay *r, const char *table, const struct delta_cp *cp, struct wb_error *err)
{
	int nf = cp->parts == 0 ? 1 : cp->parts;
	char **files = xcalloc((size_t)nf, sizeof *files);
	for (int i = 0; i < nf; i++)
		files[i] = delta_checkpoint_path(table, cp->version, cp->parts == 0 ? 0 : i + 1, cp->parts);
	r->cur_version = -1;
	int rc = checkpoint_io->read(checkpoint_io->ctx, (const char *const *)files, nf, apply_checkpoint_row, r, err);
	if (rc < 0 && !err_isset(err))
		err_set(err, -1, "cannot read checkpoint %s", files[0]);
	for (int i = 0; i < nf; i++)
		free(files[i]);
	free(files);
	return rc < 0 ? -1 : 0;
}

static int
capture_commit_info(void *st, const struct delta_action *act, int line, struct wb_error *err)
{
	(void)line;
	(void)err;
	if (act->type == DELTA_ACTION_COMMIT_INFO)
		*(const char **)st = act->u.commit_info;
	return 0;
}

/* Turn the replay state into the snapshot's arrays and check it. */
static int
finish(struct replay *r, struct wb_error *err)
{
	struct delta_snapshot *s = r->s;
	struct arena *a = &s->arena;
	if (!r->have_protocol || !r->have_metadata) {
		err_set(err, -1, "the log of Delta table %s has no %s action up to version %lld: it is damaged", s->table,
		    r->have_protocol ? "metaData" : "protocol", (long long)s->version);
		return -1;
	}
	s->protocol = r->protocol;
	s->metadata = r->metadata;
	if (delta_protocol_check_read(s->table, &s->protocol, &s->metadata, err) < 0)
		return -1;
	struct wb_error e2 = WB_ERROR_INIT;
	if (delta_schema_parse(s->metadata.schema_string, a, &s->schema, &e2) < 0) {
		err_set(err, -1, "Delta table %s: %s", s->table, e2.msg);
		err_clear(&e2);
		return -1;
	}
	for (int i = 0; i < s->metadata.npartition_columns; i++) {
		const char *pc = s->metadata.partition_columns[i];
		int c = delta_schema_find(&s->schema, pc);
		if (c < 0) {
			err_set(err, -1, "Delta table %s is partitioned by '%s', which is not a column of its schema", s->table, pc);
			return -1;
		}
		s->schema.cols[c].partition_index = i;
	}
	for (size_t i = 0; i < r->nents; i++) {
		if (r->ents[i].kind == ENT_ADD)
			s->nfiles++;
		else
			s->ntombstones++;
	}
	s->files = arena_alloc(a, (size_t)(s->nfiles > 0 ? s->nfiles : 1) * sizeof *s->files);
	s->tombstones = arena_alloc(a, (size_t)(s->ntombstones > 0 ? s->ntombstones : 1) * sizeof *s->tombstones);
	int64_t nf = 0, nt = 0;
	for (size_t i = 0; i < r->nents; i++)
		if (r->ents[i].kind == ENT_ADD)
			s->files[nf++] = r->ents[i].u.add;
		else
			s->tombstones[nt++] = r->ents[i].u.rm;
	/* Every live file must carry a valid value for every partition column. */
	for (int64_t f = 0; f < s->nfiles; f++) {
		const struct delta_add *x = &s->files[f];
		for (int i = 0; i < s->metadata.npartition_columns; i++) {
			const struct delta_column *c = &s->schema.cols[delta_schema_find(&s->schema, s->metadata.partition_columns[i])];
			bool found;
			const char *text = delta_map_get(&x->partition_values, c->name, &found);
			struct wb_value v;
			if (!found) {
				err_set(err, -1, "data file '%s' of Delta table %s has no value for the partition column '%s'",
				    x->path, s->table, c->name);
				return -1;
			}
			if (delta_partition_value(c, text, a, &v, &e2) < 0) {
				err_set(err, -1, "data file '%s' of Delta table %s: %s", x->path, s->table, e2.msg);
				err_clear(&e2);
				return -1;
			}
		}
	}
	s->ntxns = (int)r->ntxns;
	s->txns = arena_alloc(a, (r->ntxns > 0 ? r->ntxns : 1) * sizeof *s->txns);
	if (r->ntxns > 0)
		memcpy(s->txns, r->txns, r->ntxns * sizeof *s->txns);
	s->domains = arena_alloc(a, (r->ndomains > 0 ? r->ndomains : 1) * sizeof *s->domains);
	for (size_t i = 0; i < r->ndomains; i++)
		if (!r->domains[i].removed)
			s->domains[s->ndomains++] = r->domains[i];
	return 0;
}

struct delta_snapshot *
delta_snapshot_open(const char *table, const struct delta_read_options *opt, struct wb_error *err)
{
	static const struct delta_read_options dflt = DELTA_READ_OPTIONS_INIT;
	if (opt == NULL)
		opt = &dflt;
	struct delta_listing l;
	if (delta_list(table, &l, err) < 0)
		return NULL;
	int64_t ts = INT64_MIN;
	int64_t target = resolve_version(table, &l, opt, &ts, err);
	if (target < 0) {
		delta_listing_free(&l);
		return NULL;
	}
	struct delta_snapshot *s = xcalloc(1, sizeof *s);
	arena_init(&s->arena, 0);
	s->table = xstrdup(table);
	s->version = target;
	s->checkpoint_version = -1;
	struct replay r = {0};
	r.s = s;
	r.target = target;
	r.table_abs = realpath(table, NULL);
	sb_init(&r.key);
	struct arena scratch;
	arena_init(&scratch, 0);
	int rc = -1;

	/* newest complete checkpoint <= target */
	const struct delta_cp *cp = NULL;
	for (int i = 0; i < l.ncps; i++)
		if (l.cps[i].version <= target)
			cp = &l.cps[i];
	int64_t from = 0;
	if (cp != NULL && checkpoint_io != NULL && checkpoint_io->read != NULL) {
		if (read_checkpoint(&r, table, cp, err) < 0)
			goto out;
		s->checkpoint_version = cp->version;
		from = cp->version + 1;
	} else if (cp != NULL && require_commits(table, &l, 0, cp->version, NULL) < 0) {
		char *p = delta_checkpoint_path(table, cp->version, cp->parts == 0 ? 0 : 1, cp->parts);
		err_set(err, -1, "reading checkpoint %s needs Parquet support, which this build of wb does not have yet "
		    "(the JSON commits before version %lld are gone, so the log cannot be replayed without it)", p,
		    (long long)cp->version);
		free(p);
		goto out;
	}
	/* With no checkpoint reader the checkpoint is skipped and every
	 * JSON commit from 0 is replayed (all present, checked above). */
	if (require_commits(table, &l, from, target, err) < 0)
		goto out;
	for (int64_t v = from; v <= target; v++) {
		r.cur_version = v;
		if (delta_commit_read(table, v, &scratch, &s->arena, apply, &r, err) < 0)
			goto out;
	}
	if (s->commit_info == NULL && s->checkpoint_version == target && delta_listing_has(&l, target)) {
		const char *ci = NULL;
		if (delta_commit_read(table, target, &scratch, &s->arena, capture_commit_info, &ci, err) < 0)
			goto out;
		s->commit_info = ci;
	}
	if (finish(&r, err) < 0)
		goto out;
	if (ts != INT64_MIN) {
		s->timestamp = ts;
	} else if (delta_listing_has(&l, target)) {
		if (delta_commit_timestamps(table, &target, 1, opt->ts_source, &s->timestamp, err) < 0)
			goto out;
	} else {
		s->timestamp = -1;   /* only a checkpoint remains of this version */
	}
	rc = 0;
out:
	arena_release(&scratch);
	sb_free(&r.key);
	free(r.ents);
	free(r.slots);
	free(r.txns);
	free(r.domains);
	free(r.table_abs);
	delta_listing_free(&l);
	if (rc < 0) {
		delta_snapshot_free(s);
		return NULL;
	}
	return s;
}

void
delta_snapshot_free(struct delta_snapshot *s)
{
	if (s == NULL)
		return;
	arena_release(&s->arena);
	free(s->table);
	free(s);
}

int64_t
delta_snapshot_num_records(const struct delta_snapshot *s, struct wb_error *err)
{
	struct arena a;
	arena_init(&a, 0);
	int64_t total = 0;
	for (int64_t i = 0; i < s->nfiles && total >= 0; i++) {
		const struct delta_add *f = &s->files[i];
		struct json *st = f->stats != NULL ? json_parse(f->stats, strlen(f->stats), &a, JSON_ALLOW_DUPLICATE_KEYS, NULL) : NULL;
		int64_t n;
		if (!json_get_int(st, "numRecords", &n) || n < 0) {
			err_set(err, -1, "data file '%s' of Delta table %s has no numRecords statistic", f->path, s->table);
			total = -1;
		} else {
			total += n;
		}
		arena_reset(&a);
	}
	arena_release(&a);
	return total;
}

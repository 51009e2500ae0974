/*
 * RESTORE: one commit that makes the latest version hold the files of an
 * earlier one - adds for the files of that version that are not live,
 * removes for the live files it did not have - and its metadata when that
 * differs (a restore across a schema change brings the old schema back).
 * The files to re-add must still exist: VACUUM may have deleted them, and
 * restoring a table with missing files would break every later read.
 */
#include "store/lake/lake_maint.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool
same_map(const struct delta_map *a, const struct delta_map *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++) {
		bool found;
		const char *v = delta_map_get(b, a->keys[i], &found);
		if (!found || !same_str(v, a->values[i]))
			return false;
	}
	return true;
}

static bool
same_metadata(const struct delta_metadata *a, const struct delta_metadata *b)
{
	if (!same_str(a->schema_string, b->schema_string) || !same_str(a->description, b->description) ||
	    !same_str(a->name, b->name) || !same_map(&a->configuration, &b->configuration) ||
	    a->npartition_columns != b->npartition_columns)
		return false;
	for (int i = 0; i < a->npartition_columns; i++)
		if (strcmp(a->partition_columns[i], b->partition_columns[i]) != 0)
			return false;
	return true;
}

int64_t
lake_restore(const char *dir, const struct lake_restore_options *o, struct lake_restore_metrics *m,
    struct wb_error *err)
{
	memset(m, 0, sizeof *m);
	struct delta_snapshot *latest = delta_snapshot_open(dir, NULL, err);
	if (latest == NULL)
		return -1;
	struct delta_snapshot *old = delta_snapshot_open(dir, &o->to, err);
	if (old == NULL) {
		delta_snapshot_free(latest);
		return -1;
	}
	int64_t v = -1;
	struct delta_commit *c = NULL;
	struct lake_pathset live, want;
	lake_pathset_init(&live, dir);
	lake_pathset_init(&want, dir);
	for (int64_t f = 0; f < latest->nfiles; f++)
		lake_pathset_add(&live, latest->files[f].path);
	for (int64_t f = 0; f < old->nfiles; f++)
		lake_pathset_add(&want, old->files[f].path);
	lake_pathset_seal(&live);
	lake_pathset_seal(&want);
	m->restored_version = old->version;

	/* the files to bring back must all be there */
	int64_t missing = 0;
	const char *first_missing = NULL;
	for (int64_t f = 0; f < old->nfiles; f++) {
		const struct delta_add *add = &old->files[f];
		if (lake_pathset_has(&live, add->path))
			continue;
		char *p = delta_file_path(dir, add->path, err);
		if (p == NULL)
			goto out;
		struct stat st;
		if (stat(p, &st) != 0 && errno == ENOENT) {
			if (missing++ == 0)
				first_missing = add->path;
		}
		free(p);
	}
	if (missing > 0) {
		err_set(err, -1, "cannot restore Delta table %s to version %lld: %lld of its data files no longer exist "
		    "(the first is %s); VACUUM deleted them or they were removed by hand", dir, (long long)old->version,
		    (long long)missing, first_missing);
		err_hint(err, "restore a later version; DESCRIBE HISTORY shows the VACUUM commits");
		goto out;
	}

	c = delta_commit_begin(dir, latest, "RESTORE", err);
	if (c == NULL)
		goto out;
	int64_t now = lake_now_ms();
	for (int64_t f = 0; f < old->nfiles; f++) {
		struct delta_add add = old->files[f];
		m->num_files_after++;
		m->table_size_after += add.size;
		if (lake_pathset_has(&live, add.path))
			continue;
		add.data_change = true;
		delta_commit_add(c, &add);
		m->num_restored_files++;
		m->restored_files_size += add.size;
	}
	for (int64_t f = 0; f < latest->nfiles; f++) {
		const struct delta_add *add = &latest->files[f];
		if (lake_pathset_has(&want, add->path))
			continue;
		struct delta_remove rm = delta_remove_for(add, now);
		delta_commit_remove(c, &rm);
		m->num_removed_files++;
		m->removed_files_size += add->size;
	}
	if (!same_metadata(&old->metadata, &latest->metadata)) {
		struct delta_metadata md = old->metadata;
		md.id = latest->metadata.id;     /* the table keeps its identity */
		delta_commit_set_metadata(c, &md);
	}
	/* a restore never downgrades the protocol: readers of the newer
	 * version's features must keep refusing what they cannot read */
	delta_commit_reads_table(c);
	if (o->timestamp_text) {
		delta_commit_param(c, "timestamp", o->timestamp_text);
	} else {
		char buf[32];
		snprintf(buf, sizeof buf, "%lld", (long long)old->version);
		delta_commit_param(c, "version", buf);
	}
	delta_commit_metric(c, "numRestoredFiles", m->num_restored_files);
	delta_commit_metric(c, "restoredFilesSize", m->restored_files_size);
	delta_commit_metric(c, "numRemovedFiles", m->num_removed_files);
	delta_commit_metric(c, "removedFilesSize", m->removed_files_size);
	delta_commit_metric(c, "numOfFilesAfterRestore", m->num_files_after);
	delta_commit_metric(c, "tableSizeAfterRestore", m->table_size_after);
	v = delta_commit_publish(c, NULL, err);
	lake_commit_notify(dir, v, "RESTORE", 0);
	m->version = v;
out:
	delta_commit_free(c);
	lake_pathset_free(&live);
	lake_pathset_free(&want);
	delta_snapshot_free(old);
	delta_snapshot_free(latest);
	return v;
}

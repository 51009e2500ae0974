/*
 * VACUUM: delete the table directory's files that no version a reader may
 * still ask for needs (see lake.h for the rule). This is the one place
 * wb lists a table's data folders: the log says what must stay, the
 * listing finds what is there.
 *
 * A file is kept when the latest version references it, when its
 * tombstone (the remove action that retired it) is younger than the
 * retention, or - for files the log does not know, such as the data file
 * of a commit that failed or is still being written - when it was
 * modified within the retention. Names starting with '_' or '.' (the log,
 * _SUCCESS markers, hidden temporary files) are never touched, except
 * the .crc side files Hadoop writes next to data files being deleted.
 */
#include "store/lake/lake_maint.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct vac_file {
	char *rel;                   /* relative to the table directory */
	int64_t size;
	int64_t mtime_ms;
	bool is_crc;                 /* ".name.crc": the side file of name */
	bool doomed;
};

struct vac {
	const char *dir;
	struct vac_file *files;
	size_t n, cap;
	char **dirs;                 /* sub-directories, parents first */
	size_t ndirs, capdirs;
};

static void
vac_add(struct vac *v, const char *rel, const struct stat *st, bool is_crc)
{
	if (v->n == v->cap)
		v->files = xgrow(v->files, &v->cap, v->n + 1, sizeof *v->files);
	struct vac_file *f = &v->files[v->n++];
	f->rel = xstrdup(rel);
	f->size = (int64_t)st->st_size;
	f->mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
	f->is_crc = is_crc;
	f->doomed = false;
}

static bool
is_crc_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' && n > 5 && strcmp(name + n - 4, ".crc") == 0;
}

/* List rel (relative to the table; "" for the table directory). */
static int
vac_walk(struct vac *v, const char *rel, struct wb_error *err)
{
	char *path = rel[0] ? xasprintf("%s/%s", v->dir, rel) : xstrdup(v->dir);
	DIR *d = opendir(path);
	if (d == NULL) {
		err_set(err, -1, "cannot list %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		bool crc = is_crc_name(name);
		if ((name[0] == '_' || name[0] == '.') && !crc)
			continue;
		char *sub = rel[0] ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		char *full = xasprintf("%s/%s", v->dir, sub);
		struct stat st;
		if (lstat(full, &st) != 0) {
			if (errno != ENOENT) {
				err_set(err, -1, "cannot stat %s: %s", full, strerror(errno));
				rc = -1;
			}
		} else if (S_ISDIR(st.st_mode) && !crc) {
			if (v->ndirs == v->capdirs)
				v->dirs = xgrow(v->dirs, &v->capdirs, v->ndirs + 1, sizeof *v->dirs);
			v->dirs[v->ndirs++] = xstrdup(sub);
			rc = vac_walk(v, sub, err);
		} else if (S_ISREG(st.st_mode)) {
			vac_add(v, sub, &st, crc);
		}
		free(full);
		free(sub);
	}
	closedir(d);
	free(path);
	return rc;
}

static void
vac_free(struct vac *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->files[i].rel);
	free(v->files);
	for (size_t i = 0; i < v->ndirs; i++)
		free(v->dirs[i]);
	free(v->dirs);
}

static int
cmp_rel(const void *a, const void *b)
{
	return strcmp(((const struct vac_file *)a)->rel, ((const struct vac_file *)b)->rel);
}

/* The data file a ".name.crc" side file belongs to: "dir/name". */
static char *
crc_owner(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	size_t dl = slash ? (size_t)(slash - rel + 1) : 0;
	return xasprintf("%.*s%.*s", (int)dl, rel, (int)(strlen(name) - 5), name + 1);
}

static int64_t
commit_info_only(const char *dir, const struct delta_snapshot *snap, const char *op, const char *const *params,
    const char *const *metric_names, const int64_t *metrics, int nmetrics, struct wb_error *err)
{
	struct delta_commit *c = delta_commit_begin(dir, snap, op, err);
	if (c == NULL)
		return -1;
	for (int i = 0; params[i]; i += 2)
		delta_commit_param(c, params[i], params[i + 1]);
	for (int i = 0; i < nmetrics; i++)
		delta_commit_metric(c, metric_names[i], metrics[i]);
	int64_t v = delta_commit_publish(c, NULL, err);
	lake_commit_notify(dir, v, op, 0);
	delta_commit_free(c);
	return v;
}

int
lake_vacuum(const char *dir, const struct lake_vacuum_options *o, struct lake_vacuum_result *r,
    struct wb_error *err)
{
	memset(r, 0, sizeof *r);
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL)
		return -1;
	int64_t now = o->now_ms > 0 ? o->now_ms : lake_now_ms();
	int64_t cutoff = now - o->retain_ms;
	struct lake_pathset keep, old_tombs;
	lake_pathset_init(&keep, dir);
	lake_pathset_init(&old_tombs, dir);
	for (int64_t f = 0; f < snap->nfiles; f++)
		lake_pathset_add(&keep, snap->files[f].path);
	for (int64_t t = 0; t < snap->ntombstones; t++) {
		const struct delta_remove *rm = &snap->tombstones[t];
		if (rm->deletion_timestamp >= cutoff)
			lake_pathset_add(&keep, rm->path);
		else if (rm->deletion_timestamp >= 0)
			lake_pathset_add(&old_tombs, rm->path);
		/* no deletionTimestamp: judged by the file's time, like an
		 * untracked file */
	}
	lake_pathset_seal(&keep);
	lake_pathset_seal(&old_tombs);

	struct vac v = {.dir = dir};
	int rc = -1;
	if (vac_walk(&v, "", err) < 0)
		goto out;
	r->dirs = (int64_t)v.ndirs + 1;
	if (v.n > 1)
		qsort(v.files, v.n, sizeof *v.files, cmp_rel);
	for (size_t i = 0; i < v.n; i++) {
		struct vac_file *f = &v.files[i];
		if (f->is_crc)
			continue;
		if (lake_pathset_has_rel(&keep, f->rel))
			continue;
		f->doomed = lake_pathset_has_rel(&old_tombs, f->rel) || f->mtime_ms < cutoff;
	}
	/* a side file goes with its data file, or alone when that is gone */
	for (size_t i = 0; i < v.n; i++) {
		struct vac_file *f = &v.files[i];
		if (!f->is_crc)
			continue;
		struct vac_file key = {.rel = crc_owner(f->rel)};
		struct vac_file *owner = bsearch(&key, v.files, v.n, sizeof *v.files, cmp_rel);
		f->doomed = owner ? owner->doomed : !lake_pathset_has_rel(&keep, key.rel) && f->mtime_ms < cutoff;
		free(key.rel);
	}
	for (size_t i = 0; i < v.n; i++)
		if (v.files[i].doomed) {
			r->files++;
			r->bytes += v.files[i].size;
		}

	if (!o->dry_run) {
		char spec[32], def[32], chk[8];
		snprintf(spec, sizeof spec, "%lld", (long long)o->retain_ms);
		snprintf(def, sizeof def, "%lld", (long long)o->default_retention_ms);
		snprintf(chk, sizeof chk, "%s", o->retention_check ? "true" : "false");
		const char *params[] = {"retentionCheckEnabled", chk, "defaultRetentionMillis", def,
		    o->retain_given ? "specifiedRetentionMillis" : NULL, spec, NULL};
		const char *mn[] = {"numFilesToDelete", "sizeOfDataToDelete"};
		int64_t mv[] = {r->files, r->bytes};
		if (commit_info_only(dir, snap, "VACUUM START", params, mn, mv, 2, err) < 0)
			goto out;
	}
	struct strbuf path = STRBUF_INIT;
	int64_t deleted = 0;
	for (size_t i = 0; i < v.n; i++) {
		struct vac_file *f = &v.files[i];
		if (!f->doomed)
			continue;
		sb_clear(&path);
		sb_printf(&path, "%s/%s", dir, f->rel);
		if (!o->dry_run && unlink(path.s) != 0 && errno != ENOENT) {
			err_set(err, -1, "VACUUM of Delta table %s: cannot delete %s: %s", dir, path.s, strerror(errno));
			sb_free(&path);
			goto out;
		}
		deleted++;
		if (o->each)
			o->each(o->arg, path.s, f->size);
	}
	if (!o->dry_run) {
		/* directories left empty, deepest first */
		for (size_t i = v.ndirs; i-- > 0;) {
			sb_clear(&path);
			sb_printf(&path, "%s/%s", dir, v.dirs[i]);
			if (rmdir(path.s) == 0)
				r->empty_dirs++;
		}
		const char *params[] = {"status", "COMPLETED", NULL};
		const char *mn[] = {"numDeletedFiles", "numVacuumedDirectories"};
		int64_t mv[] = {deleted, r->dirs};
		struct delta_snapshot *now_snap = delta_snapshot_open(dir, NULL, err);
		if (now_snap == NULL || commit_info_only(dir, now_snap, "VACUUM END", params, mn, mv, 2, err) < 0) {
			delta_snapshot_free(now_snap);
			sb_free(&path);
			goto out;
		}
		delta_snapshot_free(now_snap);
	}
	sb_free(&path);
	rc = 0;
out:
	vac_free(&v);
	lake_pathset_free(&keep);
	lake_pathset_free(&old_tombs);
	delta_snapshot_free(snap);
	return rc;
}

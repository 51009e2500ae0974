/*
 * Planning a streaming table's next batch: which files of the source it
 * reads.
 *
 * Listing: the source path is a folder (its files), a glob pattern (its
 * matches) or one file; hidden files and names starting with '_' are left
 * out (writers that write a temporary name and rename it, _SUCCESS
 * markers). A folder that does not exist is an error naming it: a typo
 * must not look like an idle stream. A pattern matching nothing is fine.
 *
 * Choosing: files never planned before (by absolute path: a file that
 * appears again under a name already processed is not read again), oldest
 * modification first, at most maxFilesPerTrigger, and only files that are
 * complete: a file is taken once its size and modification time have held
 * still for fileStableMs (500 ms by default). When the candidates are
 * younger than that, planning waits (once, at most fileStableMs) and looks
 * again; a file that changed meanwhile is still being written and is left
 * for a later batch.
 */
#include "cli/stream.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

struct listing {
	struct stream_file *v;
	int n;
	size_t cap;
	int64_t *ns;        /* modification times in ns, for ordering and stability */
	size_t nscap;
};

static bool
visible(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return base[0] != '.' && base[0] != '_';
}

static void
listing_add(struct listing *l, const char *path)
{
	struct stat st;
	if (!visible(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	char *abs = realpath(path, NULL);
	l->v = xgrow(l->v, &l->cap, (size_t)l->n + 1, sizeof *l->v);
	l->ns = xgrow(l->ns, &l->nscap, (size_t)l->n + 1, sizeof *l->ns);
	l->v[l->n] = (struct stream_file){abs ? abs : xstrdup(path), st.st_size, mtime_ns(&st) / 1000000};
	l->ns[l->n] = mtime_ns(&st);
	l->n++;
}

struct sorted {
	struct stream_file f;
	int64_t ns;
};

static int
cmp_sorted(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return strcmp(x->f.path, y->f.path);
}

static int
missing_folder(const struct stream_def *d, const char *dir, struct wb_error *err)
{
	err_set(err, d->pos0 + d->src_pos, "the STREAM source's folder '%s' does not exist", dir);
	err_hint(err, "create it (files arriving there are picked up by the next refresh), or correct the path '%s'",
	    d->path);
	return -1;
}

int
stream_list_files(const struct stream_def *d, struct stream_file **files, int *n, struct wb_error *err)
{
	struct listing l = {0};
	const char *path = d->path;
	const char *glob_at = strpbrk(path, "*?[");
	struct stat st;
	*files = NULL;
	*n = 0;
	if (glob_at == NULL) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *dir = opendir(path);
			struct dirent *e;
			while (dir && (e = readdir(dir)) != NULL) {
				char *f = xasprintf("%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
				listing_add(&l, f);
				free(f);
			}
			if (dir)
				closedir(dir);
		} else if (stat(path, &st) == 0) {
			listing_add(&l, path);
		} else {
			/* one file that is not there yet: its folder must be */
			char *dir = xstrdup(path);
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			bool ok = slash == NULL || dir[0] == '\0' || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
			int rc = ok ? 0 : missing_folder(d, dir, err);
			free(dir);
			if (rc < 0)
				return -1;
		}
	} else {
		/* the folder part before the first wildcard must exist */
		char *dir = xstrndup(path, (size_t)(glob_at - path));
		char *slash = strrchr(dir, '/');
		if (slash) {
			slash[slash == dir ? 1 : 0] = '\0';
			if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
				missing_folder(d, dir, err);
				free(dir);
				return -1;
			}
		}
		free(dir);
		glob_t g;
		int rc = glob(path, 0, NULL, &g);
		if (rc != 0 && rc != GLOB_NOMATCH) {
			err_set(err, d->pos0 + d->src_pos, "cannot list the STREAM source '%s'", path);
			return -1;
		}
		for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
			listing_add(&l, g.gl_pathv[i]);
		if (rc == 0)
			globfree(&g);
	}
	/* oldest first; ties by name */
	struct sorted *srt = xcalloc((size_t)(l.n ? l.n : 1), sizeof *srt);
	for (int i = 0; i < l.n; i++)
		srt[i] = (struct sorted){l.v[i], l.ns[i]};
	qsort(srt, (size_t)l.n, sizeof *srt, cmp_sorted);
	struct stream_file *out = xcalloc((size_t)(l.n ? l.n : 1), sizeof *out);
	for (int i = 0; i < l.n; i++)
		out[i] = srt[i].f;
	free(srt);
	free(l.v);
	free(l.ns);
	*files = out;
	*n = l.n;
	return 0;
}

void
stream_files_free(struct stream_file *files, int n)
{
	for (int i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

void
stream_seen_add(struct stream_seen *s, const char *path)
{
	s->paths = xgrow(s->paths, &s->cap, (size_t)s->n + 1, sizeof *s->paths);
	s->paths[s->n++] = xstrdup(path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
stream_seen_sort(struct stream_seen *s)
{
	if (s->n > 1)
		qsort(s->paths, (size_t)s->n, sizeof *s->paths, cmp_str);
}

bool
stream_seen_has(const struct stream_seen *s, const char *path)
{
	return s->n > 0 && bsearch(&path, s->paths, (size_t)s->n, sizeof *s->paths, cmp_str) != NULL;
}

void
stream_seen_free(struct stream_seen *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	memset(s, 0, sizeof *s);
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* A candidate: the listing's file with its fresh stat. */
struct cand {
	int i;              /* index in the listing */
	int64_t size, ns;
	bool ok;            /* still there */
};

static void
restat(const struct stream_file *f, struct cand *c)
{
	struct stat st;
	c->ok = stat(f->path, &st) == 0 && S_ISREG(st.st_mode);
	if (c->ok) {
		c->size = st.st_size;
		c->ns = mtime_ns(&st);
	}
}

int
stream_plan_batch(const struct stream_def *d, struct stream_file *listed, int nlisted, const struct stream_seen *seen,
    struct stream_file **out, int *n, int *young, struct wb_error *err)
{
	(void)err;
	*out = NULL;
	*n = 0;
	*young = 0;
	int64_t stable = d->stable_ms * 1000000;
	int64_t limit = d->max_files > 0 ? d->max_files : nlisted;
	struct cand *c = xcalloc((size_t)(nlisted ? nlisted : 1), sizeof *c);
	int nc = 0;
	int64_t now = now_ns(), wait = 0;
	for (int i = 0; i < nlisted && nc < limit; i++) {
		if (stream_seen_has(seen, listed[i].path))
			continue;
		struct cand k = {.i = i};
		restat(&listed[i], &k);
		if (!k.ok)
			continue;    /* gone before it was planned: nothing to do */
		/* (a clock ahead of ours - mtime in the future - waits the
		 * whole period, no more) */
		int64_t age = now - k.ns;
		if (age < stable) {
			int64_t w = age < 0 ? stable : stable - age;
			if (w > wait)
				wait = w;
		}
		c[nc++] = k;
	}
	if (wait > 0) {
		/* some are fresh: look again once they could have settled */
		sleep_ns(wait);
		now = now_ns();
		for (int j = 0; j < nc; j++) {
			struct cand k = {.i = c[j].i};
			restat(&listed[c[j].i], &k);
			bool same = k.ok && k.size == c[j].size && k.ns == c[j].ns;
			if (!same || now - k.ns < stable) {
				/* still changing (or its clock is ahead): a later batch */
				if (k.ok)
					(*young)++;
				c[j].ok = false;
			}
		}
	}
	struct stream_file *v = xcalloc((size_t)(nc ? nc : 1), sizeof *v);
	int m = 0;
	for (int j = 0; j < nc; j++) {
		if (!c[j].ok)
			continue;
		v[m++] = (struct stream_file){xstrdup(listed[c[j].i].path), c[j].size, c[j].ns / 1000000};
	}
	free(c);
	*out = v;
	*n = m;
	return 0;
}

/*
 * A streaming table's checkpoint directory (the layout is in stream.h).
 *
 * Contracts: every file is written whole or not at all (temporary name,
 * fsync, rename or link, fsync of the directory), so a reader never sees
 * half a record; offsets/N is created exclusively and never rewritten, so
 * the files of a planned batch are fixed once written. Records are small
 * text files (a version line, then JSON) so that a user can read them.
 */
#include "cli/stream.h"
#include "store/lake/lake.h"
#include "core/json.h"
#include "core/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_VERSION "v1\n"

char *
stream_ckpt_path(const char *ckpt, const char *kind, int64_t batch)
{
	if (batch < 0)
		return xasprintf("%s/%s", ckpt, kind);
	return xasprintf("%s/%s/%lld", ckpt, kind, (long long)batch);
}

char *
stream_ckpt_state_path(const char *ckpt, int64_t batch, const char *ext)
{
	return xasprintf("%s/state/%lld.%s", ckpt, (long long)batch, ext);
}

int
stream_ckpt_mkdirs(const char *ckpt, struct wb_error *err)
{
	static const char *const subs[] = {"offsets", "commits", "state"};
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		char *d = stream_ckpt_path(ckpt, subs[i], -1);
		int rc = lake_mkdirs(d, err);
		free(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void
stream_sync_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
stream_write_file(const char *path, const char *text, size_t len, bool excl, struct wb_error *err)
{
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.tmp-%d", (int)(slash - path), path, slash + 1, (int)getpid()) :
	    xasprintf(".%s.tmp-%d", path, (int)getpid());
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (excl) {
		if (link(tmp, path) != 0) {
			if (errno == EEXIST)
				err_set(err, -1, "'%s' exists already: another process planned this batch", path);
			else
				err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
			unlink(tmp);
			goto out;
		}
		unlink(tmp);
	} else if (rename(tmp, path) != 0) {
		err_set(err, -1, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	stream_sync_dir(path);
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* The whole file (malloc'd, NUL-terminated), or NULL (errno set). */
static char *
read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	sb_read_stream(&sb, f);
	fclose(f);
	*len = sb.len;
	char *s = sb_detach(&sb);
	return s ? s : xstrdup("");
}

char *
stream_ckpt_id(const char *ckpt)
{
	char *path = stream_ckpt_path(ckpt, "metadata", -1);
	size_t len;
	char *text = read_text(path, &len);
	free(path);
	if (text == NULL)
		return NULL;
	struct arena a;
	arena_init(&a, 0);
	struct json_error je;
	struct json *j = json_parse(text, len, &a, 0, &je);
	const char *id = j ? json_get_str(j, "id") : NULL;
	char *out = id ? xstrdup(id) : NULL;
	arena_release(&a);
	free(text);
	return out;
}

int
stream_ckpt_reset(const char *ckpt, const char *id, const char *table, struct wb_error *err)
{
	static const char *const subs[] = {"offsets", "commits", "state", "metadata"};
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		char *d = stream_ckpt_path(ckpt, subs[i], -1);
		int rc = lake_remove_tree(d, err);
		free(d);
		if (rc < 0)
			return -1;
	}
	if (stream_ckpt_mkdirs(ckpt, err) < 0)
		return -1;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	json_w_key(&w, "id");
	json_w_string(&w, id);
	json_w_key(&w, "table");
	json_w_string(&w, table);
	json_w_end(&w);
	sb_putc(&sb, '\n');
	char *path = stream_ckpt_path(ckpt, "metadata", -1);
	int rc = stream_write_file(path, sb.s, sb.len, false, err);
	free(path);
	sb_free(&sb);
	return rc;
}

int
stream_ckpt_lock(const char *ckpt, struct wb_error *err)
{
	char *path = stream_ckpt_path(ckpt, "lock", -1);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(err, -1, "cannot open '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		err_set(err, -1, "the stream is being run by another process%s%s (it holds %s)", *pid ? ", pid " : "", pid,
		    path);
		err_hint(err, "wait for it to finish, or stop it (wb stream run stops cleanly on Ctrl-C)");
		close(fd);
		free(path);
		return -1;
	}
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0) {
		/* the pid is only for the message above */
	}
	free(path);
	return fd;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int
stream_ckpt_list(const char *ckpt, const char *kind, int64_t **ids, int *n, struct wb_error *err)
{
	char *dir = stream_ckpt_path(ckpt, kind, -1);
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		int e = errno;
		if (e != ENOENT)
			err_set(err, -1, "cannot read the checkpoint folder '%s': %s", dir, strerror(e));
		free(dir);
		return e == ENOENT ? 0 : -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *s = e->d_name;
		if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
			continue;
		*ids = xgrow(*ids, &cap, (size_t)*n + 1, sizeof **ids);
		(*ids)[(*n)++] = strtoll(s, NULL, 10);
	}
	closedir(d);
	free(dir);
	if (*n > 1)
		qsort(*ids, (size_t)*n, sizeof **ids, cmp_i64);
	return 0;
}

int
stream_ckpt_write_offsets(const char *ckpt, const struct stream_offsets *o, struct wb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, RECORD_VERSION);
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
	json_w_key(&w, "batchId");
	json_w_int(&w, o->batch);
	json_w_key(&w, "timestampMs");
	json_w_int(&w, o->time_ms);
	json_w_key(&w, "files");
	json_w_int(&w, o->nfiles);
	json_w_end(&w);
	sb_putc(&sb, '\n');
	for (int i = 0; i < o->nfiles; i++) {
		json_w_init(&w, &sb);
		json_w_object(&w);
		json_w_key(&w, "path");
		json_w_string(&w, o->files[i].path);
		json_w_key(&w, "size");
		json_w_int(&w, o->files[i].size);
		json_w_key(&w, "mtimeMs");
		json_w_int(&w, o->files[i].mtime_ms);
		json_w_end(&w);
		sb_putc(&sb, '\n');
	}
	char *path = stream_ckpt_path(ckpt, "offsets", o->batch);
	int rc = stream_write_file(path, sb.s, sb.len, true, err);
	free(path);
	sb_free(&sb);
	return rc;
}

/* Split a record into its JSON lines after the version line; NULL (err
 * naming path) when it is not one. */
static struct json **
record_lines(const char *path, char *text, size_t len, struct arena *a, int *n, struct wb_error *err)
{
	*n = 0;
	if (len < strlen(RECORD_VERSION) || strncmp(text, RECORD_VERSION, strlen(RECORD_VERSION)) != 0) {
		err_set(err, -1, "checkpoint file '%s' is not a wb stream record (it should start with v1)", path);
		return NULL;
	}
	int cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	struct json **v = arena_alloc(a, sizeof *v * (size_t)cap);
	char *line = text + strlen(RECORD_VERSION);
	int lineno = 2;
	while (*line) {
		char *nl = strchr(line, '\n');
		size_t ll = nl ? (size_t)(nl - line) : strlen(line);
		if (ll > 0) {
			struct json_error je;
			struct json *j = json_parse(line, ll, a, 0, &je);
			if (j == NULL || j->type != JSON_OBJECT) {
				err_set(err, -1, "checkpoint file '%s', line %d, is not a JSON object", path, lineno);
				err_hint(err, "the checkpoint is damaged: REFRESH STREAMING TABLE ... FULL starts the stream over");
				return NULL;
			}
			v[(*n)++] = j;
		}
		if (nl == NULL)
			break;
		line = nl + 1;
		lineno++;
	}
	return v;
}

int
stream_ckpt_read_offsets(const char *ckpt, int64_t batch, struct arena *a, struct stream_offsets *o,
    struct wb_error *err)
{
	char *path = stream_ckpt_path(ckpt, "offsets", batch);
	size_t len;
	char *text = read_text(path, &len);
	int rc = -1;
	memset(o, 0, sizeof *o);
	if (text == NULL) {
		err_set(err, -1, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	int n;
	struct json **lines = record_lines(path, text, len, a, &n, err);
	if (lines == NULL)
		goto out;
	if (n < 1 || !json_get_int(lines[0], "batchId", &o->batch) || o->batch != batch) {
		err_set(err, -1, "checkpoint file '%s' does not describe batch %lld", path, (long long)batch);
		goto out;
	}
	json_get_int(lines[0], "timestampMs", &o->time_ms);
	o->nfiles = n - 1;
	o->files = arena_zalloc(a, sizeof *o->files * (size_t)(n > 1 ? n - 1 : 1));
	for (int i = 1; i < n; i++) {
		struct stream_file *f = &o->files[i - 1];
		const char *p = json_get_str(lines[i], "path");
		if (p == NULL || !json_get_int(lines[i], "size", &f->size) || !json_get_int(lines[i], "mtimeMs", &f->mtime_ms)) {
			err_set(err, -1, "checkpoint file '%s', line %d, lacks path, size or mtimeMs", path, i + 2);
			goto out;
		}
		f->path = arena_strdup(a, p);
	}
	rc = 0;
out:
	free(text);
	free(path);
	return rc;
}

void
stream_commit_init(struct stream_commit *c, int64_t batch)
{
	memset(c, 0, sizeof *c);
	c->batch = batch;
	c->delta_version = -1;
	c->max_event_us = STREAM_NO_TIME;
	c->watermark_us = STREAM_NO_TIME;
}

static char *
commit_path(const char *ckpt, const char *kind, int64_t batch)
{
	if (strcmp(kind, "state") == 0)
		return stream_ckpt_state_path(ckpt, batch, "json");
	return stream_ckpt_path(ckpt, kind, batch);
}

#define COMMIT_FIELDS(X) \
	X("batchId", batch) X("timestampMs", time_ms) X("files", files) X("missingFiles", missing) \
	X("rows", rows) X("inputRows", input_rows) X("lateRows", late_rows) X("deltaVersion", delta_version) \
	X("maxEventTimeUs", max_event_us) X("watermarkUs", watermark_us) X("windows", windows) \
	X("openWindows", open_windows) X("durationMs", duration_ms) X("stateSignature", signature)

int
stream_ckpt_write_commit(const char *ckpt, const char *kind, const struct stream_commit *c, struct wb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, RECORD_VERSION);
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_object(&w);
#define WRITE_FIELD(key, field) \
	if (strcmp(#field, "watermark_us") && strcmp(#field, "max_event_us") ? 1 : c->field != STREAM_NO_TIME) { \
		json_w_key(&w, key); \
		json_w_int(&w, c->field); \
	}
	COMMIT_FIELDS(WRITE_FIELD)
#undef WRITE_FIELD
	json_w_end(&w);
	sb_putc(&sb, '\n');
	char *path = commit_path(ckpt, kind, c->batch);
	int rc = stream_write_file(path, sb.s, sb.len, false, err);
	free(path);
	sb_free(&sb);
	return rc;
}

int
stream_ckpt_read_commit(const char *ckpt, const char *kind, int64_t batch, struct stream_commit *c,
    struct wb_error *err)
{
	char *path = commit_path(ckpt, kind, batch);
	size_t len;
	char *text = read_text(path, &len);
	struct arena a;
	arena_init(&a, 0);
	int rc = -1, n;
	stream_commit_init(c, batch);
	struct json **lines;
	if (text == NULL) {
		err_set(err, -1, "cannot read '%s': %s", path, strerror(errno));
	} else if ((lines = record_lines(path, text, len, &a, &n, err)) == NULL) {
		/* err set */
	} else if (n != 1 || !json_get_int(lines[0], "batchId", &c->batch) || c->batch != batch) {
		err_set(err, -1, "checkpoint file '%s' does not describe batch %lld", path, (long long)batch);
	} else {
#define READ_FIELD(key, field) json_get_int(lines[0], key, &c->field);
		COMMIT_FIELDS(READ_FIELD)
#undef READ_FIELD
		rc = 0;
	}
	arena_release(&a);
	free(text);
	free(path);
	return rc;
}

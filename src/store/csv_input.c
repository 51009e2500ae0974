/*
 * csv_input: getting bytes - read-only mappings of regular files, and
 * sequential streams (gzip via zlib, or plain reads for pipes), plus line
 * counting for error messages.
 */
#include "store/csv_int.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSV_STREAM_INBUF (1 << 20)

/* open(2) with a message that names the file. */
static int
open_input(const char *path, struct stat *st, struct wb_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -1, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		err_set(err, -1, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		err_set(err, -1, "%s: is a directory, not a CSV file (use a pattern such as '%s/*.csv')",
		    path, path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns 1 when mapped, 0 when the file is not regular (stream it from
 * the open descriptor left in *fd: a pipe cannot be opened twice), -1 on
 * error. */
int
csv_map_file(const char *path, const char **map, size_t *size, int *pipefd, struct wb_error *err)
{
	struct stat st;
	int fd = open_input(path, &st, err);
	*map = NULL;
	*size = 0;
	*pipefd = -1;
	if (fd < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		*pipefd = fd;
		return 0;
	}
	if (st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			err_set(err, -1, "%s: cannot map the file: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		*map = p;
		*size = (size_t)st.st_size;
	}
	close(fd);
	return 1;
}

void
csv_unmap(const char *map, size_t size)
{
	if (map != NULL && size > 0)
		munmap((void *)(uintptr_t)map, size);
}

enum csv_magic
csv_detect_magic(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return CSV_MAGIC_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return CSV_MAGIC_ZSTD;
	if (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h')
		return CSV_MAGIC_BZIP2;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return CSV_MAGIC_XZ;
	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return CSV_MAGIC_ZIP;
	return CSV_MAGIC_NONE;
}

const char *
csv_magic_name(enum csv_magic m)
{
	switch (m) {
	case CSV_MAGIC_GZIP: return "gzip";
	case CSV_MAGIC_ZSTD: return "zstd";
	case CSV_MAGIC_BZIP2: return "bzip2";
	case CSV_MAGIC_XZ: return "xz";
	case CSV_MAGIC_ZIP: return "zip";
	default: return "plain";
	}
}

int
csv_stream_open(struct csv_stream *st, const char *path, int fd, bool gzip, struct wb_error *err)
{
	struct stat sb;
	memset(st, 0, sizeof *st);
	st->name = path;
	st->fd = fd >= 0 ? fd : open_input(path, &sb, err);
	if (st->fd < 0)
		return -1;
	st->gzip = gzip;
	if (gzip) {
		st->in = xmalloc(CSV_STREAM_INBUF);
		st->incap = CSV_STREAM_INBUF;
		/* 15 + 16: gzip wrapper only */
		if (inflateInit2(&st->z, 15 + 16) != Z_OK) {
			err_set(err, -1, "%s: cannot initialise zlib", path);
			csv_stream_close(st);
			return -1;
		}
		st->zinit = true;
	}
	return 0;
}

static ssize_t
read_full(int fd, void *dst, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, dst, n);
		if (r >= 0 || errno != EINTR)
			return r;
	}
}

ssize_t
csv_stream_read(struct csv_stream *st, char *dst, size_t n, struct wb_error *err)
{
	if (n == 0 || st->zdone)
		return 0;
	if (!st->gzip) {
		ssize_t r = read_full(st->fd, dst, n);
		if (r < 0) {
			err_set(err, -1, "%s: read error: %s", st->name, strerror(errno));
			return -1;
		}
		if (r == 0)
			st->zdone = true;
		st->in_total += r;
		return r;
	}
	z_stream *z = &st->z;
	z->next_out = (Bytef *)dst;
	z->avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	uInt want = z->avail_out;
	while (z->avail_out > 0) {
		if (z->avail_in == 0 && !st->in_eof) {
			ssize_t r = read_full(st->fd, st->in, st->incap);
			if (r < 0) {
				err_set(err, -1, "%s: read error: %s", st->name, strerror(errno));
				return -1;
			}
			if (r == 0)
				st->in_eof = true;
			st->in_total += r;
			z->next_in = st->in;
			z->avail_in = (uInt)r;
		}
		int rc = inflate(z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			/* another gzip member may follow (concatenated .gz files) */
			if (z->avail_in == 0 && !st->in_eof) {
				ssize_t r = read_full(st->fd, st->in, st->incap);
				if (r < 0) {
					err_set(err, -1, "%s: read error: %s", st->name, strerror(errno));
					return -1;
				}
				if (r == 0)
					st->in_eof = true;
				st->in_total += r;
				z->next_in = st->in;
				z->avail_in = (uInt)r;
			}
			if (z->avail_in >= 1 && z->next_in[0] == 0x1f) {
				inflateReset(z);
				continue;
			}
			/* trailing bytes that are not gzip are ignored, as gzip -d does */
			st->zdone = true;
			break;
		}
		if (rc == Z_BUF_ERROR) {
			/* no progress possible: more input needed */
			if (z->avail_in == 0 && st->in_eof) {
				err_set(err, -1, "%s: unexpected end of gzip data after %lld compressed bytes "
				    "(the file is truncated or still being written)", st->name,
				    (long long)st->in_total);
				return -1;
			}
			continue;
		}
		if (rc != Z_OK) {
			err_set(err, -1, "%s: corrupt gzip data (%s) near compressed byte %lld",
			    st->name, z->msg ? z->msg : "inflate failed",
			    (long long)(st->in_total - z->avail_in));
			return -1;
		}
	}
	return (ssize_t)(want - z->avail_out);
}

void
csv_stream_close(struct csv_stream *st)
{
	if (st->zinit)
		inflateEnd(&st->z);
	if (st->fd >= 0)
		close(st->fd);
	free(st->in);
	memset(st, 0, sizeof *st);
	st->fd = -1;
}

static void *
async_main(void *arg)
{
	struct csv_async *a = arg;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->stop && a->count == CSV_ASYNC_SLOTS)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop)
			break;
		int k = (a->head + a->count) % CSV_ASYNC_SLOTS;
		pthread_mutex_unlock(&a->mu);
		/* decompress outside the lock: the consumer works meanwhile */
		struct wb_error err = WB_ERROR_INIT;
		size_t len = 0;
		ssize_t got = 0;
		while (len < a->slot_size &&
		    (got = csv_stream_read(a->st, a->slot[k].p + len, a->slot_size - len, &err)) > 0)
			len += (size_t)got;
		pthread_mutex_lock(&a->mu);
		a->in_total = a->st->in_total;
		a->slot[k].len = len;
		a->slot[k].off = 0;
		if (len > 0)
			a->count++;
		if (got < 0) {
			a->errmsg = err.msg;
			err.msg = NULL;
			err_clear(&err);
		}
		if (got <= 0)
			a->eof = true;
		pthread_cond_broadcast(&a->cv);
		if (a->eof)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

int
csv_async_start(struct csv_async *a, struct csv_stream *st, size_t slot_size)
{
	memset(a, 0, sizeof *a);
	a->st = st;
	a->slot_size = slot_size;
	for (int k = 0; k < CSV_ASYNC_SLOTS; k++)
		a->slot[k].p = xmalloc(slot_size);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->th, NULL, async_main, a) != 0) {
		for (int k = 0; k < CSV_ASYNC_SLOTS; k++)
			free(a->slot[k].p);
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		memset(a, 0, sizeof *a);
		return -1;
	}
	return 0;
}

ssize_t
csv_async_read(struct csv_async *a, char *dst, size_t n, struct wb_error *err)
{
	size_t done = 0;
	pthread_mutex_lock(&a->mu);
	while (done < n) {
		/* block only for the first bytes; then take what is ready */
		while (a->count == 0 && !a->eof && done == 0)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->count == 0) {
			/* drained: report a failure only after the data before it */
			if (a->errmsg != NULL && done == 0) {
				err_set(err, -1, "%s", a->errmsg);
				pthread_mutex_unlock(&a->mu);
				return -1;
			}
			break;
		}
		int k = a->head;
		size_t take = a->slot[k].len - a->slot[k].off;
		if (take > n - done)
			take = n - done;
		memcpy(dst + done, a->slot[k].p + a->slot[k].off, take);
		a->slot[k].off += take;
		done += take;
		if (a->slot[k].off == a->slot[k].len) {
			a->head = (a->head + 1) % CSV_ASYNC_SLOTS;
			a->count--;
			pthread_cond_broadcast(&a->cv);
		}
	}
	pthread_mutex_unlock(&a->mu);
	return (ssize_t)done;
}

int64_t
csv_async_in_total(struct csv_async *a)
{
	pthread_mutex_lock(&a->mu);
	int64_t t = a->in_total;
	pthread_mutex_unlock(&a->mu);
	return t;
}

void
csv_async_close(struct csv_async *a)
{
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	for (int k = 0; k < CSV_ASYNC_SLOTS; k++)
		free(a->slot[k].p);
	free(a->errmsg);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	csv_stream_close(a->st);
	free(a->st);
	memset(a, 0, sizeof *a);
}

int64_t
csv_count_lines(const char *p, size_t n, bool next_is_lf)
{
	int64_t lines = 0;
	const char *q = p, *e = p + n;
	while (q < e && (q = memchr(q, '\n', (size_t)(e - q))) != NULL) {
		lines++;
		q++;
	}
	/* lone CRs (old Mac files) end lines too; CRLF counted once above */
	q = p;
	while (q < e && (q = memchr(q, '\r', (size_t)(e - q))) != NULL) {
		if (q + 1 < e ? q[1] != '\n' : !next_is_lf)
			lines++;
		q++;
	}
	return lines;
}

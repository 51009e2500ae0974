/*
 * delta_file: the few file-system operations the log needs, each with an
 * error that names the file and the reason.
 */
#include "store/delta/delta_int.h"

#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int
delta_read_file(const char *path, char **data, size_t *len, struct wb_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -1, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		err_set(err, -1, "cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = xgrow(buf, &cap, n + 4096, 1);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(err, -1, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* 64 random bits; getrandom, or (if the kernel refuses) time and a counter. */
static uint64_t
random64(void)
{
	uint64_t r;
	if (getrandom(&r, sizeof r, 0) == (ssize_t)sizeof r)
		return r;
	static uint64_t counter;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (++counter << 40) ^ (uint64_t)getpid();
}

void
delta_uuid(char out[37])
{
	unsigned char b[16];
	uint64_t r0 = random64(), r1 = random64();
	memcpy(b, &r0, 8);
	memcpy(b + 8, &r1, 8);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);   /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	int k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

char *
delta_temp_name(const char *dir, const char *name)
{
	return xasprintf("%s/.%s.%ld.%016llx.tmp", dir, name, (long)getpid(), (unsigned long long)random64());
}

char *
delta_write_temp(const char *dir, const char *name, const char *data, size_t len, struct wb_error *err)
{
	char *path = delta_temp_name(dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(err, -1, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err_set(err, -1, "cannot write %s: %s", path, strerror(errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		err_set(err, -1, "cannot sync %s to disk: %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set(err, -1, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	return path;
fail:
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(path);
	return NULL;
}

int
delta_fsync_dir(const char *dir, struct wb_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -1, "cannot open directory %s: %s", dir, strerror(errno));
		return -1;
	}
	/* Some file systems cannot sync directories (EINVAL); their renames
	 * and links are then as durable as they get. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
		err_set(err, -1, "cannot sync directory %s to disk: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int64_t
delta_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

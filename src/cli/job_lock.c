/*
 * job_lock: one run of a job at a time. An flock(2) on
 * <warehouse>/_jobs/<job>/lock, taken before a run or a repair starts and
 * held until it ends; the kernel drops it when the process dies, however
 * it dies, so a crashed run never blocks the next. The file's text names
 * the holder (pid, run id, start) for the message the next one prints.
 * The descriptor is close-on-exec: tasks never inherit the lock.
 */
#include "cli/job.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* The holder's note, trimmed ("" when none). */
static void
read_note(int fd, char *buf, size_t n)
{
	ssize_t got = pread(fd, buf, n - 1, 0);
	buf[got > 0 ? got : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int
job_lock_take(const char *warehouse, const char *job_name, bool wait, FILE *msg, struct job_lock *l,
    struct wb_error *err)
{
	l->fd = -1;
	char *home = job_home(warehouse, job_name);
	l->path = xasprintf("%s/lock", home);
	int rc = lake_mkdirs(home, err);
	free(home);
	if (rc < 0)
		goto fail;
	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (l->fd < 0) {
		err_set(err, -1, "cannot open the job's lock %s: %s", l->path, strerror(errno));
		goto fail;
	}
	if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK) {
		err_set(err, -1, "cannot lock %s: %s", l->path, strerror(errno));
		goto fail;
	}
	char note[512];
	read_note(l->fd, note, sizeof note);
	if (!wait) {
		err_set(err, -1, "job %s is already running (%s; lock %s)", job_name, *note ? note : "holder unknown",
		    l->path);
		err_hint(err, "wait for it to end, or pass --wait to start when it does");
		close(l->fd);
		l->fd = -1;
		return 1;
	}
	if (msg) {
		fprintf(msg, "waiting for the running job %s to end (%s)\n", job_name, *note ? note : "holder unknown");
		fflush(msg);
	}
	while (flock(l->fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			err_set(err, -1, "cannot lock %s: %s", l->path, strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->path);
	l->path = NULL;
	return -1;
}

void
job_lock_note(struct job_lock *l, int64_t run_id)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char buf[512];
	int n = snprintf(buf, sizeof buf, "run %lld, pid %ld on %s, since %s\n", (long long)run_id, (long)getpid(),
	    host, when);
	if (ftruncate(l->fd, 0) == 0 && pwrite(l->fd, buf, (size_t)n, 0) == n)
		return;
	/* the note only improves the next one's message */
}

void
job_lock_release(struct job_lock *l)
{
	if (l->fd >= 0) {
		/* empty the note first: a reader between the two sees no holder */
		if (ftruncate(l->fd, 0) < 0) {
			/* nothing to do: the lock still goes */
		}
		close(l->fd);
	}
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}

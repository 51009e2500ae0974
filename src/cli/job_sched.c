/*
 * job_sched: running jobs on a schedule, two ways.
 *
 * `wb job schedule` puts one line in the user's crontab (read with
 * `crontab -l`, written back whole with `crontab -`):
 *
 *   0 23 * * * cd '/p' && '/usr/bin/wb' job run '/p/nightly.job' --warehouse '/p/wb.lake' \
 *       --trigger PERIODIC >> '/p/wb.lake/_jobs/nightly/cron.log' 2>&1 # wb-job:/p/nightly.job
 *
 * (one line in the table). The trailing shell comment tags the entry with
 * the job file's absolute path: installing again replaces exactly that
 * line, --remove removes exactly it, and no other line is touched.
 *
 * `wb job daemon` is a scheduler of its own for machines without cron (or
 * a container's foreground process): it re-reads its job files every
 * minute (edits apply from the next minute), starts `wb job run FILE
 * --trigger PERIODIC` for each job whose schedule matches the minute, and
 * skips a job whose previous run is still going (the job's lock would
 * refuse it anyway). Missed minutes are not caught up, as with cron.
 * SIGINT/SIGTERM stop it after passing SIGTERM to the runs in progress,
 * which cancel cleanly.
 */
#include "cli/job.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ crontab */

static void
shell_quote(struct strbuf *b, const char *s)
{
	sb_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(b, "'\\''");
		else
			sb_putc(b, *s);
	}
	sb_putc(b, '\'');
}

/* cron turns '%' into a newline, and a line is one entry. */
static int
cron_safe(const char *what, const char *s, struct wb_error *err)
{
	if (strpbrk(s, "%\n\r") == NULL)
		return 0;
	err_set(err, -1, "cannot schedule: the %s %s holds a '%%' or a line break, which a crontab line cannot carry",
	    what, s);
	err_hint(err, "move it to a path without '%%', or run `wb job daemon` instead of cron");
	return -1;
}

/* The user's crontab (malloc'd; "" when there is none), or NULL with err. */
static char *
crontab_read(struct wb_error *err)
{
	FILE *f = popen("crontab -l 2>/dev/null", "r");
	if (f == NULL) {
		err_set(err, -1, "cannot run crontab -l: %s", strerror(errno));
		return NULL;
	}
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	int st = pclose(f);
	if (st != 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		sb_free(&b);
		err_set(err, -1, "there is no crontab command");
		err_hint(err, "install cron (Debian: apt-get install cron), or run `wb job daemon`");
		return NULL;
	}
	if (st != 0) {
		/* "no crontab for user" (status 1, nothing on stdout): empty */
		if (b.len == 0) {
			sb_free(&b);
			return xstrdup("");
		}
		sb_free(&b);
		err_set(err, -1, "crontab -l failed (status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return NULL;
	}
	if (b.len == 0)
		return xstrdup("");
	return sb_detach(&b);
}

static int
crontab_write(const char *text, struct wb_error *err)
{
	FILE *f = popen("crontab -", "w");
	if (f == NULL) {
		err_set(err, -1, "cannot run crontab -: %s", strerror(errno));
		return -1;
	}
	fputs(text, f);
	int st = pclose(f);
	if (st != 0) {
		err_set(err, -1, "crontab - refused the new table (status %d); the old one is unchanged",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		err_hint(err, "crontab -l shows the table; check that cron lets this user have one");
		return -1;
	}
	return 0;
}

static void
next_text(const struct job_cron *c, char *buf, size_t n)
{
	time_t next = job_cron_next(c, time(NULL));
	if (next < 0) {
		snprintf(buf, n, "never");
		return;
	}
	struct tm tm;
	localtime_r(&next, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M %Z", &tm);
}

int
job_schedule(const struct job *j, const char *cron, bool remove, const char *self, const char *warehouse,
    FILE *out, struct wb_error *err)
{
	const char *expr = cron ? cron : j->schedule;
	struct job_cron c;
	if (!remove) {
		if (expr == NULL) {
			err_set(err, -1, "%s has no schedule", j->path);
			err_hint(err, "pass --cron '0 23 * * *', or add schedule = 0 23 * * * under [job]");
			return -1;
		}
		if (job_cron_parse(expr, &c, err) < 0)
			return -1;
		if (job_cron_next(&c, time(NULL)) < 0) {
			err_set(err, -1, "cron expression '%s' never matches a date", expr);
			err_hint(err, "check the day of month against the month (there is no 30 February)");
			return -1;
		}
	}
	char *home = job_home(warehouse, j->name);
	char *cronlog = xasprintf("%s/cron.log", home);
	char *marker = xasprintf("# wb-job:%s", j->abs_path);
	char *table = NULL;
	struct strbuf nt = STRBUF_INIT;
	int rc = -1;
	if (cron_safe("job file", j->abs_path, err) < 0 || cron_safe("folder", j->dir, err) < 0 ||
	    cron_safe("warehouse", warehouse, err) < 0 || cron_safe("wb binary", self, err) < 0 ||
	    (!remove && cron_safe("schedule", expr, err) < 0))
		goto out;
	table = crontab_read(err);
	if (table == NULL)
		goto out;
	/* every line but ours */
	int removed = 0;
	size_t ml = strlen(marker);
	for (char *line = table; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= ml && memcmp(line + len - ml, marker, ml) == 0 && (len == ml || line[len - ml - 1] == ' '))
			removed++;
		else {
			sb_add(&nt, line, len);
			sb_putc(&nt, '\n');
		}
		line += len + (nl != NULL);
	}
	if (remove && removed == 0) {
		fprintf(out, "no crontab entry for job %s (%s): nothing to remove\n", j->name, j->abs_path);
		rc = 0;
		goto out;
	}
	if (!remove) {
		if (lake_mkdirs(home, err) < 0)
			goto out;
		sb_printf(&nt, "%s cd ", expr);
		shell_quote(&nt, j->dir);
		sb_puts(&nt, " && ");
		shell_quote(&nt, self);
		sb_puts(&nt, " job run ");
		shell_quote(&nt, j->abs_path);
		sb_puts(&nt, " --warehouse ");
		shell_quote(&nt, warehouse);
		sb_puts(&nt, " --trigger PERIODIC >> ");
		shell_quote(&nt, cronlog);
		sb_printf(&nt, " 2>&1 %s\n", marker);
	}
	if (crontab_write(sb_str(&nt), err) < 0)
		goto out;
	if (remove) {
		fprintf(out, "removed the crontab entry of job %s (%s)\n", j->name, j->abs_path);
	} else {
		char next[64];
		next_text(&c, next, sizeof next);
		fprintf(out, "%s the crontab entry of job %s: %s (next run %s); output goes to %s\n",
		    removed ? "replaced" : "installed", j->name, expr, next, cronlog);
	}
	rc = 0;
out:
	free(home);
	free(cronlog);
	free(marker);
	free(table);
	sb_free(&nt);
	return rc;
}

/* ------------------------------------------------------------ the daemon */

struct djob {
	char *path;
	time_t mtime;
	off_t size;
	bool seen;                 /* found by this scan */
	bool loaded;               /* parsed, with a schedule */
	char *name;
	char *expr;
	struct job_cron cron;
	pid_t pid;                 /* its run in progress, 0 */
	int exit_status;
};

struct daemon {
	struct djob *v;
	int n;
	const char *self, *warehouse;
	FILE *out;
	int failures;              /* runs that did not exit 0 */
};

static void
dsay(struct daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
dsay(struct daemon *d, const char *fmt, ...)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(d->out, "[%s] ", when);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	fflush(d->out);
}

static struct djob *
djob_for(struct daemon *d, const char *path)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->v[i].path, path) == 0)
			return &d->v[i];
	d->v = xrealloc(d->v, sizeof *d->v * (size_t)(d->n + 1));
	struct djob *j = &d->v[d->n++];
	memset(j, 0, sizeof *j);
	j->path = xstrdup(path);
	j->mtime = -1;
	return j;
}

/* (Re)load one job file when it changed since the last look. */
static void
look_at(struct daemon *d, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return;
	struct djob *j = djob_for(d, path);
	j->seen = true;
	if (st.st_mtime == j->mtime && st.st_size == j->size)
		return;
	j->mtime = st.st_mtime;
	j->size = st.st_size;
	j->loaded = false;
	free(j->name);
	free(j->expr);
	j->name = j->expr = NULL;
	struct job jb;
	struct wb_error err = WB_ERROR_INIT;
	if (job_load(path, &jb, &err) < 0) {
		dsay(d, "%s (not scheduled until the file is fixed)", err.msg);
		err_clear(&err);
		return;
	}
	if (jb.schedule == NULL) {
		dsay(d, "%s: job %s has no schedule (add schedule = CRON under [job]); not scheduled", path, jb.name);
	} else if (job_cron_parse(jb.schedule, &j->cron, &err) == 0) {
		j->loaded = true;
		j->name = xstrdup(jb.name);
		j->expr = xstrdup(jb.schedule);
		char next[64];
		next_text(&j->cron, next, sizeof next);
		dsay(d, "%s: job %s on schedule %s (next run %s)", path, j->name, j->expr, next);
	}
	err_clear(&err);
	job_free(&jb);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Find the job files: files as given, folders' *.job files. */
static void
scan(struct daemon *d, char **paths, int npaths)
{
	for (int i = 0; i < d->n; i++)
		d->v[i].seen = false;
	for (int p = 0; p < npaths; p++) {
		struct stat st;
		if (stat(paths[p], &st) < 0) {
			dsay(d, "%s: %s", paths[p], strerror(errno));
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			look_at(d, paths[p]);
			continue;
		}
		DIR *dir = opendir(paths[p]);
		if (dir == NULL)
			continue;
		char **names = NULL;
		int n = 0;
		for (struct dirent *e; (e = readdir(dir)) != NULL;) {
			size_t len = strlen(e->d_name);
			if (len > 4 && strcmp(e->d_name + len - 4, ".job") == 0 && e->d_name[0] != '.') {
				names = xrealloc(names, sizeof *names * (size_t)(n + 1));
				names[n++] = xasprintf("%s/%s", paths[p], e->d_name);
			}
		}
		closedir(dir);
		qsort(names, (size_t)n, sizeof *names, cmp_str);
		for (int i = 0; i < n; i++) {
			look_at(d, names[i]);
			free(names[i]);
		}
		free(names);
	}
}

static void
start_run(struct daemon *d, struct djob *j, const sigset_t *orig)
{
	if (j->pid > 0) {
		dsay(d, "%s: skipped: its previous run (pid %ld) is still going", j->name, (long)j->pid);
		return;
	}
	char *argv[] = {(char *)d->self, "job", "run", j->path, "--warehouse", (char *)d->warehouse, "--trigger",
	    "PERIODIC", NULL};
	fflush(d->out);
	pid_t pid = fork();
	if (pid < 0) {
		dsay(d, "%s: cannot start: %s", j->name, strerror(errno));
		d->failures++;
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, orig, NULL);
		execv(d->self, argv);
		static const char m[] = "wb job daemon: cannot run the wb binary\n";
		ssize_t w = write(2, m, sizeof m - 1);
		(void)w;
		_exit(127);
	}
	setpgid(pid, pid);
	j->pid = pid;
	dsay(d, "%s: starting a run (%s)", j->name, j->path);
}

static void
reap(struct daemon *d)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < d->n; i++) {
			if (d->v[i].pid != pid)
				continue;
			d->v[i].pid = 0;
			int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			if (code != 0)
				d->failures++;
			dsay(d, "%s: run ended (exit status %d%s)", d->v[i].name ? d->v[i].name : d->v[i].path, code,
			    code == 0 ? ", success" : code == 3 ? ", already running" : "");
		}
	}
}

static int
running(const struct daemon *d)
{
	int n = 0;
	for (int i = 0; i < d->n; i++)
		n += d->v[i].pid > 0;
	return n;
}

/* Start the jobs due at minute m; how many started. */
static int
fire(struct daemon *d, time_t m, const sigset_t *orig)
{
	struct tm tm;
	localtime_r(&m, &tm);
	int started = 0;
	for (int i = 0; i < d->n; i++) {
		struct djob *j = &d->v[i];
		if (j->seen && j->loaded && job_cron_match(&j->cron, &tm)) {
			start_run(d, j, orig);
			started++;
		}
	}
	return started;
}

static void
wait_all(struct daemon *d, int sigfd)
{
	while (running(d) > 0) {
		struct pollfd p = {.fd = sigfd, .events = POLLIN};
		if (poll(&p, 1, 1000) > 0) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo != SIGCHLD)
					for (int i = 0; i < d->n; i++)
						if (d->v[i].pid > 0)
							kill(-d->v[i].pid, SIGTERM);
			}
		}
		reap(d);
	}
}

int
job_daemon(char **paths, int npaths, const char *self, const char *warehouse, bool once, time_t at, FILE *out)
{
	struct daemon d = {.self = self, .warehouse = warehouse, .out = out};
	sigset_t mask, orig;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &orig);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		fprintf(stderr, "wb job daemon: cannot watch for signals: %s\n", strerror(errno));
		sigprocmask(SIG_SETMASK, &orig, NULL);
		return 1;
	}
	int rc = 0;
	if (once) {
		time_t m = at >= 0 ? at : time(NULL);
		m -= m % 60;
		scan(&d, paths, npaths);
		struct tm tm;
		localtime_r(&m, &tm);
		char when[32];
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		if (fire(&d, m, &orig) == 0)
			dsay(&d, "no job is due at %s", when);
		wait_all(&d, sigfd);
		rc = d.failures ? 1 : 0;
	} else {
		scan(&d, paths, npaths);
		int loaded = 0;
		for (int i = 0; i < d.n; i++)
			loaded += d.v[i].loaded;
		dsay(&d, "wb job daemon: %d scheduled job%s, warehouse %s; SIGINT or SIGTERM stops it", loaded,
		    loaded == 1 ? "" : "s", warehouse);
		time_t next = time(NULL);
		next = next - next % 60 + 60;
		bool stop = false;
		while (!stop) {
			time_t now = time(NULL);
			int wait_ms = now >= next ? 0 : (int)(next - now) * 1000;
			struct pollfd p = {.fd = sigfd, .events = POLLIN};
			if (poll(&p, 1, wait_ms) > 0) {
				struct signalfd_siginfo si;
				while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
					if (si.ssi_signo != SIGCHLD)
						stop = true;
			}
			reap(&d);
			if (stop)
				break;
			now = time(NULL);
			if (now >= next) {
				if (now - next >= 60)       /* asleep (suspended): do not catch up */
					next = now - now % 60;
				scan(&d, paths, npaths);
				fire(&d, next, &orig);
				next += 60;
			}
		}
		dsay(&d, "stopping: %d run%s in progress will be canceled", running(&d), running(&d) == 1 ? "" : "s");
		for (int i = 0; i < d.n; i++)
			if (d.v[i].pid > 0)
				kill(-d.v[i].pid, SIGTERM);
		wait_all(&d, sigfd);
	}
	close(sigfd);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	for (int i = 0; i < d.n; i++) {
		free(d.v[i].path);
		free(d.v[i].name);
		free(d.v[i].expr);
	}
	free(d.v);
	return rc;
}

/*
 * job_runner: running a job's tasks as processes.
 *
 * Each attempt of a task is a child process of the wb binary itself
 * (job_task_argv says with which arguments), started in the job file's
 * folder in a process group of its own, with stdin from /dev/null,
 * stdout to logs/<task>.<attempt>.log and stderr through a pipe that the
 * runner copies to the same log while keeping its last lines - the
 * attempt's error when it fails. Killing the group on a timeout (SIGTERM,
 * then SIGKILL two seconds later) ends whatever the task started too; the
 * group is also killed when the task's main process has exited, so no
 * stray process outlives its task.
 *
 * One loop waits, with poll(2), on the children's stderr pipes and on a
 * signalfd for SIGCHLD, SIGINT, SIGTERM and SIGHUP, with a timeout at the
 * next deadline (a timeout, a kill, a retry's backoff). Children are
 * found with waitid(WNOWAIT) before they are reaped, so their process
 * group id cannot be reused while the runner kills it. SIGINT, SIGTERM
 * or SIGHUP cancels the run: running tasks are terminated, waiting ones
 * are not started, all are recorded CANCELED.
 *
 * The runner is single-threaded (wb job never starts the engine's thread
 * pool), which is what makes fork() and the blocked signal mask safe.
 */
#include "cli/job.h"
#include "cli/notebook.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define KILL_GRACE_MS 2000       /* SIGTERM, then SIGKILL this much later */
#define MAX_BACKOFF_MS 3600000   /* a retry waits at most an hour */
#define TAIL_BYTES 8192          /* stderr kept for the error */

/* ------------------------------------------------------------ commands */

char *
job_self_path(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	if (argv0 && strchr(argv0, '/')) {
		char *p = realpath(argv0, NULL);
		if (p)
			return p;
	}
	const char *path = getenv("PATH");
	while (argv0 && path && *path) {
		size_t len = strcspn(path, ":");
		char *cand = xasprintf("%.*s/%s", (int)len, path, argv0);
		if (access(cand, X_OK) == 0) {
			char *p = realpath(cand, NULL);
			free(cand);
			if (p)
				return p;
		} else {
			free(cand);
		}
		path += len + (path[len] == ':');
	}
	return xstrdup(argv0 ? argv0 : "wb");
}

/* Does the notebook take parameter name? A notebook that declares
 * parameters is given only those (a job's parameters go to every task,
 * and a task needs only what its notebook reads; `wb run` refuses the
 * others); one that declares none, or cannot be read (its run then says
 * why), takes them all. */
static bool
task_takes(const struct notebook *nb, const char *name)
{
	if (nb == NULL || nb->nparams == 0)
		return true;
	for (int i = 0; i < nb->nparams; i++)
		if (strcasecmp(nb->params[i].name, name) == 0)
			return true;
	return false;
}

char **
job_task_argv(const char *self, const char *warehouse, const char *notebook, const struct job_kv *params,
    int nparams)
{
	/* `wb run`: cell by cell, stopping at the first failing cell, which
	 * then fails the task (non-zero exit status) */
	struct wb_error err = WB_ERROR_INIT;
	struct notebook *nb = nb_load(notebook, &err);
	err_clear(&err);
	char **argv = xcalloc((size_t)(nparams * 2 + 6), sizeof *argv);
	int n = 0;
	argv[n++] = xstrdup(self);
	argv[n++] = xstrdup("run");
	argv[n++] = xstrdup(notebook);
	argv[n++] = xstrdup("--warehouse");
	argv[n++] = xstrdup(warehouse);
	for (int i = 0; i < nparams; i++) {
		if (!task_takes(nb, params[i].key))
			continue;
		argv[n++] = xstrdup("-p");
		argv[n++] = xasprintf("%s=%s", params[i].key, params[i].value);
	}
	argv[n] = NULL;
	nb_free(nb);
	return argv;
}

void
job_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/* ------------------------------------------------------------ clocks */

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ state */

enum tstate { T_WAIT, T_READY, T_RUNNING, T_DONE };

struct task_state {
	enum tstate st;
	int64_t ready_at;           /* monotonic: a retry starts no earlier */
	int tries;                  /* attempts in this execution */
	pid_t pid;
	int errfd;                  /* stderr pipe, -1 when closed */
	int logfd;
	int64_t deadline;           /* monotonic: the attempt's timeout, 0 none */
	int64_t kill_at;            /* monotonic: SIGKILL after SIGTERM, 0 none */
	bool timed_out;
	bool canceled;
	struct strbuf tail;         /* the last stderr bytes */
	char *commits;              /* the attempt's commits file */
};

struct runner {
	const struct job *j;
	struct job_run *r;
	const struct job_run_options *o;
	int repair;
	struct task_state *ts;
	int running;
	bool canceling;
	int sigfd;
	bool save_failed;
	struct wb_error save_err;
};

static void
progress(struct runner *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
progress(struct runner *rn, const char *fmt, ...)
{
	if (rn->o->out == NULL)
		return;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char when[16];
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	fprintf(rn->o->out, "[%s] ", when);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(rn->o->out, fmt, ap);
	va_end(ap);
	fputc('\n', rn->o->out);
	fflush(rn->o->out);
}

static void
save(struct runner *rn)
{
	struct wb_error e = WB_ERROR_INIT;
	if (job_run_save(rn->r, &e) < 0 && !rn->save_failed) {
		/* keep running: the tasks matter more than their record, but
		 * say so now and fail the run at the end */
		fprintf(stderr, "wb job: warning: %s\n", e.msg);
		rn->save_failed = true;
		err_move(&rn->save_err, &e);
	}
	err_clear(&e);
}

static void
fmt_secs(char *buf, size_t n, int64_t ms)
{
	if (ms < 10000)
		snprintf(buf, n, "%.1f s", (double)ms / 1000);
	else if (ms < 120000)
		snprintf(buf, n, "%lld s", (long long)((ms + 500) / 1000));
	else
		snprintf(buf, n, "%lld min %lld s", (long long)(ms / 60000), (long long)((ms % 60000) / 1000));
}

/* ------------------------------------------------------------ errors */

/* What a failed attempt's stderr says: from its last "Error" line on
 * (the message and its HINT; the statement and caret lines are in the
 * log), else its last three lines. */
static char *
error_text(const char *tail, size_t n)
{
	char **lines = NULL;
	int nl = 0;
	size_t i = 0;
	/* the tail may start mid-line: drop that part */
	if (n == TAIL_BYTES) {
		while (i < n && tail[i] != '\n')
			i++;
		i++;
	}
	while (i < n) {
		size_t e = i;
		while (e < n && tail[e] != '\n')
			e++;
		size_t a = i, b = e;
		while (a < b && (tail[a] == ' ' || tail[a] == '\t' || tail[a] == '\r'))
			a++;
		while (b > a && (tail[b - 1] == ' ' || tail[b - 1] == '\r'))
			b--;
		if (b > a) {
			lines = xrealloc(lines, sizeof *lines * (size_t)(nl + 1));
			lines[nl++] = xstrndup(tail + a, b - a);
		}
		i = e + 1;
	}
	int from = -1;
	for (int k = nl - 1; k >= 0 && from < 0; k--)
		if (strstr(lines[k], "Error: ") != NULL || strncmp(lines[k], "wb: ", 4) == 0)
			from = k;
	struct strbuf out = STRBUF_INIT;
	if (from >= 0) {
		for (int k = from; k < nl; k++) {
			if (k > from && strncmp(lines[k], "HINT:", 5) != 0)
				continue;
			sb_printf(&out, "%s%s", out.len ? "\n" : "", lines[k]);
		}
	} else {
		for (int k = nl > 3 ? nl - 3 : 0; k < nl; k++)
			sb_printf(&out, "%s%s", out.len ? "\n" : "", lines[k]);
	}
	for (int k = 0; k < nl; k++)
		free(lines[k]);
	free(lines);
	if (out.len > 2000) {
		out.len = 2000;
		out.s[out.len] = '\0';
	}
	return out.len ? sb_detach(&out) : (sb_free(&out), NULL);
}

/* The first line of s (for progress lines), in buf. */
static const char *
first_line(const char *s, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
	return buf;
}

/* ------------------------------------------------------------ starting */

/* The environment of a task: ours, with the job's variables. */
static char **
task_env(struct runner *rn, int t, int attempt, const char *commits)
{
	int n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc((size_t)n + 6, sizeof *env);
	int k = 0;
	for (int i = 0; i < n; i++)
		if (strncmp(environ[i], "WB_JOB_", 7) != 0)
			env[k++] = xstrdup(environ[i]);
	env[k++] = xasprintf("WB_JOB_COMMITS=%s", commits);
	env[k++] = xasprintf("WB_JOB_NAME=%s", rn->r->job_name);
	env[k++] = xasprintf("WB_JOB_RUN_ID=%lld", (long long)rn->r->run_id);
	env[k++] = xasprintf("WB_JOB_TASK=%s", rn->j->tasks[t].key);
	env[k++] = xasprintf("WB_JOB_ATTEMPT=%d", attempt);
	env[k] = NULL;
	return env;
}

/* The task's parameters for this run: its own, then the job's (which win,
 * as Databricks pushes job parameters down over task parameters). */
static int
task_params(struct runner *rn, int t, struct job_kv **out, int *nout, struct wb_error *err)
{
	const struct job_task *k = &rn->j->tasks[t];
	struct job_ref_ctx ctx = {
		.job_name = rn->r->job_name, .run_id = rn->r->run_id, .start_ms = rn->r->start_ms,
		.trigger = rn->r->trigger, .repair_count = rn->repair, .task_key = k->key,
		.params = rn->r->params, .nparams = rn->r->nparams,
	};
	struct job_kv *kv = xcalloc((size_t)(k->nparams + rn->r->nparams + 1), sizeof *kv);
	int n = 0;
	for (int i = 0; i < k->nparams; i++) {
		bool shadowed = false;
		for (int p = 0; p < rn->r->nparams; p++)
			shadowed |= strcmp(rn->r->params[p].key, k->params[i].key) == 0;
		if (shadowed)
			continue;
		char *v = job_expand(k->params[i].value, &ctx, err);
		if (v == NULL) {
			job_kv_free(kv, n);
			return -1;
		}
		kv[n++] = (struct job_kv){xstrdup(k->params[i].key), v, 0};
	}
	for (int p = 0; p < rn->r->nparams; p++)
		kv[n++] = (struct job_kv){xstrdup(rn->r->params[p].key), xstrdup(rn->r->params[p].value), 0};
	*out = kv;
	*nout = n;
	return 0;
}

static struct job_attempt *
new_attempt(struct job_task_run *tr)
{
	tr->attempts = xrealloc(tr->attempts, sizeof *tr->attempts * (size_t)(tr->nattempts + 1));
	struct job_attempt *a = &tr->attempts[tr->nattempts++];
	memset(a, 0, sizeof *a);
	a->attempt = tr->nattempts;
	return a;
}

/* An attempt ended (status from waitpid; -1: it could not start). */
static void finish(struct runner *rn, int t, int status);

/* Start an attempt of task t. When it cannot start (no log file, no
 * fork), the attempt fails like one that ran, with the reason as its
 * error, and is retried like one. */
static void
launch(struct runner *rn, int t)
{
	const struct job_task *k = &rn->j->tasks[t];
	struct job_task_run *tr = &rn->r->tasks[t];
	struct task_state *s = &rn->ts[t];
	struct job_attempt *a = new_attempt(tr);
	a->repair = rn->repair;
	a->start_ms = wall_ms();
	a->status = JOB_RUNNING;
	a->log = xasprintf("logs/%s.%d.log", k->key, a->attempt);
	if (s->tries == 0)
		tr->start_ms = a->start_ms;
	s->tries++;
	tr->status = JOB_RUNNING;
	s->timed_out = false;
	s->canceled = false;
	s->kill_at = 0;
	s->deadline = k->timeout_ms > 0 ? mono_ms() + k->timeout_ms : 0;
	sb_clear(&s->tail);
	free(s->commits);
	s->commits = xasprintf("%s/logs/%s.%d.commits", rn->r->dir, k->key, a->attempt);
	free(tr->log);
	tr->log = xstrdup(a->log);

	struct wb_error err = WB_ERROR_INIT;
	char *logdir = xasprintf("%s/logs", rn->r->dir);
	char *logpath = xasprintf("%s/%s", rn->r->dir, a->log);
	struct job_kv *params = NULL;
	int nparams = 0;
	char *notebook = k->notebook[0] == '/' ? xstrdup(k->notebook) : xasprintf("%s/%s", rn->j->dir, k->notebook);
	char **argv = NULL, **env = NULL;
	int pipefd[2] = {-1, -1};
	s->logfd = -1;
	if (task_params(rn, t, &params, &nparams, &err) < 0 || lake_mkdirs(logdir, &err) < 0)
		goto fail;
	job_kv_free(tr->params, tr->nparams);
	tr->params = params;
	tr->nparams = nparams;
	s->logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (s->logfd < 0) {
		err_set(&err, -1, "cannot create the log %s: %s", logpath, strerror(errno));
		goto fail;
	}
	unlink(s->commits);
	argv = job_task_argv(rn->o->self, rn->o->warehouse, notebook, params, nparams);
	env = task_env(rn, t, a->attempt, s->commits);
	{
		struct strbuf h = STRBUF_INIT;
		sb_printf(&h, "# wb job %s, run %lld, task %s, attempt %d%s in %s:\n#", rn->r->job_name,
		    (long long)rn->r->run_id, k->key, a->attempt, rn->repair ? " (repair)" : "", rn->j->dir);
		for (char **p = argv; *p; p++) {
			/* quoted where a shell would need it, to copy and re-run */
			if (**p && strspn(*p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
			    strlen(*p)) {
				sb_printf(&h, " %s", *p);
				continue;
			}
			sb_puts(&h, " '");
			for (const char *c = *p; *c; c++) {
				if (*c == '\'')
					sb_puts(&h, "'\\''");
				else
					sb_putc(&h, *c);
			}
			sb_putc(&h, '\'');
		}
		sb_putc(&h, '\n');
		ssize_t w = write(s->logfd, h.s, h.len);
		(void)w;
		sb_free(&h);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err_set(&err, -1, "cannot make a pipe for task %s: %s", k->key, strerror(errno));
		goto fail;
	}
	sigset_t none;
	sigemptyset(&none);
	pid_t pid = fork();
	if (pid < 0) {
		err_set(&err, -1, "cannot start task %s: %s", k->key, strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls until execve */
		setpgid(0, 0);
		/* a task does not outlive its runner, and gets the default
		 * SIGPIPE the runner ignores */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(s->logfd, 1) < 0 || dup2(pipefd[1], 2) < 0)
			_exit(126);
		if (devnull > 2)
			close(devnull);
		if (chdir(rn->j->dir) < 0) {
			static const char m[] = "wb job: cannot enter the job file's folder\n";
			ssize_t w = write(2, m, sizeof m - 1);
			(void)w;
			_exit(126);
		}
		execve(argv[0], argv, env);
		static const char m[] = "wb job: cannot run the wb binary: exec failed\n";
		ssize_t w = write(2, m, sizeof m - 1);
		(void)w;
		_exit(127);
	}
	setpgid(pid, pid);     /* also here: no race with a kill before the child ran */
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, fcntl(pipefd[0], F_GETFL) | O_NONBLOCK);
	s->errfd = pipefd[0];
	s->pid = pid;
	s->st = T_RUNNING;
	rn->running++;
	if (a->attempt > 1 || s->tries > 1)
		progress(rn, "%s: started (attempt %d)", k->key, a->attempt);
	else
		progress(rn, "%s: started", k->key);
	job_argv_free(argv);
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
	free(notebook);
	free(logdir);
	free(logpath);
	return;
fail:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	job_argv_free(argv);
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
	free(notebook);
	free(logdir);
	free(logpath);
	if (params != tr->params)
		job_kv_free(params, nparams);
	sb_puts(&s->tail, "wb: ");
	sb_puts(&s->tail, err.msg ? err.msg : "the task could not start");
	err_clear(&err);
	s->pid = 0;
	s->st = T_RUNNING;
	rn->running++;
	finish(rn, t, -1);
}

/* ------------------------------------------------------------ ending */

static void
drain(struct task_state *s)
{
	char buf[65536];
	while (s->errfd >= 0) {
		ssize_t n = read(s->errfd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(s->errfd);
				s->errfd = -1;
			}
			return;
		}
		ssize_t w = write(s->logfd, buf, (size_t)n);
		(void)w;
		sb_add(&s->tail, buf, (size_t)n);
		if (s->tail.len > TAIL_BYTES) {
			memmove(s->tail.s, s->tail.s + s->tail.len - TAIL_BYTES, TAIL_BYTES);
			s->tail.len = TAIL_BYTES;
			s->tail.s[TAIL_BYTES] = '\0';
		}
	}
}

static int64_t
backoff(const struct job_task *k, int tries)
{
	int64_t ms = k->backoff_ms;
	for (int i = 1; i < tries && ms < MAX_BACKOFF_MS; i++)
		ms *= 2;
	return ms < MAX_BACKOFF_MS ? ms : MAX_BACKOFF_MS;
}

static void
finish(struct runner *rn, int t, int status)
{
	const struct job_task *k = &rn->j->tasks[t];
	struct job_task_run *tr = &rn->r->tasks[t];
	struct task_state *s = &rn->ts[t];
	struct job_attempt *a = &tr->attempts[tr->nattempts - 1];
	rn->running--;
	if (s->errfd >= 0) {
		close(s->errfd);
		s->errfd = -1;
	}
	if (s->logfd >= 0) {
		close(s->logfd);
		s->logfd = -1;
	}
	a->end_ms = wall_ms();
	a->exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	a->signal = status >= 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (s->canceled)
		a->status = JOB_CANCELED;
	else if (s->timed_out)
		a->status = JOB_TIMEDOUT;
	else
		a->status = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? JOB_SUCCESS : JOB_FAILED;

	/* rows written: what the attempt's commits say */
	for (int c = 0; c < tr->ncommits; c++) {
		free(tr->commits[c].table);
		free(tr->commits[c].operation);
	}
	free(tr->commits);
	tr->commits = NULL;
	tr->ncommits = 0;
	struct wb_error e = WB_ERROR_INIT;
	if (job_commits_read(s->commits, rn->o->warehouse, &tr->commits, &tr->ncommits, &a->rows, &e) < 0) {
		sb_printf(&s->tail, "\nwb: %s", e.msg);
		err_clear(&e);
	}
	tr->rows = a->rows;

	char dur[48];
	fmt_secs(dur, sizeof dur, a->end_ms - a->start_ms);
	free(a->error);
	a->error = NULL;
	if (a->status != JOB_SUCCESS) {
		char *tail = error_text(s->tail.s ? s->tail.s : "", s->tail.len);
		struct strbuf m = STRBUF_INIT;
		if (a->status == JOB_CANCELED)
			sb_puts(&m, "the run was canceled");
		else if (a->status == JOB_TIMEDOUT)
		{
			char lim[48];
			fmt_secs(lim, sizeof lim, k->timeout_ms);
			sb_printf(&m, "timed out after %s (the task's timeout); its processes were killed", lim);
		}
		else if (a->signal)
			sb_printf(&m, "killed by signal %d (%s)", a->signal, strsignal(a->signal));
		if (tail)
			sb_printf(&m, "%s%s", m.len ? "\n" : "", tail);
		else if (m.len == 0)
			sb_printf(&m, "exited with status %d", a->exit_code);
		a->error = sb_detach(&m);
		free(tail);
	}
	free(tr->error);
	tr->error = a->error ? xstrdup(a->error) : NULL;

	int max_tries = 1 + k->max_retries;
	bool retry = !rn->canceling && s->tries < max_tries &&
	    (a->status == JOB_FAILED || (a->status == JOB_TIMEDOUT && k->retry_on_timeout));
	char line[300];
	if (retry) {
		int64_t wait = backoff(k, s->tries);
		char w[48];
		fmt_secs(w, sizeof w, wait);
		s->st = T_READY;
		s->ready_at = mono_ms() + wait;
		tr->status = JOB_RUNNING;
		progress(rn, "%s: %s in %s: %s; retrying in %s (attempt %d of %d)", k->key, job_status_name(a->status), dur,
		    first_line(a->error, line, sizeof line), w, s->tries + 1, max_tries);
	} else {
		s->st = T_DONE;
		tr->status = a->status;
		tr->end_ms = a->end_ms;
		if (a->status == JOB_SUCCESS)
			progress(rn, "%s: SUCCESS in %s, %lld row%s written", k->key, dur, (long long)a->rows,
			    a->rows == 1 ? "" : "s");
		else
			progress(rn, "%s: %s in %s: %s", k->key, job_status_name(a->status), dur,
			    first_line(a->error, line, sizeof line));
	}
	save(rn);
}

/* A task that will not run: its dependencies decided so. */
static void
settle(struct runner *rn, int t, enum job_status why)
{
	const struct job_task *k = &rn->j->tasks[t];
	struct job_task_run *tr = &rn->r->tasks[t];
	rn->ts[t].st = T_DONE;
	tr->status = why;
	tr->start_ms = tr->end_ms = -1;
	tr->rows = 0;
	for (int c = 0; c < tr->ncommits; c++) {
		free(tr->commits[c].table);
		free(tr->commits[c].operation);
	}
	free(tr->commits);
	tr->commits = NULL;
	tr->ncommits = 0;
	free(tr->log);
	tr->log = NULL;
	struct strbuf m = STRBUF_INIT;
	if (why == JOB_CANCELED) {
		sb_puts(&m, "the run was canceled before it started");
	} else {
		for (int d = 0; d < k->ndeps; d++) {
			enum job_status ds = rn->r->tasks[k->dep[d]].status;
			if (why == JOB_UPSTREAM_FAILED ? job_status_failed(ds) : true)
				sb_printf(&m, "%s%s %s", m.len ? ", " : "", rn->j->tasks[k->dep[d]].key, job_status_name(ds));
		}
		if (why == JOB_SKIPPED) {
			char *deps = sb_detach(&m);
			sb_printf(&m, "run_if %s not met (%s)", job_run_if_name(k->run_if), deps);
			free(deps);
		} else {
			char *deps = sb_detach(&m);
			sb_printf(&m, "upstream failed: %s", deps);
			free(deps);
		}
	}
	free(tr->error);
	tr->error = sb_detach(&m);
	progress(rn, "%s: %s (%s)", k->key, job_status_name(why), tr->error);
	save(rn);
}

/* ------------------------------------------------------------ the loop */

static void
kill_group(struct task_state *s, int sig)
{
	if (s->pid > 0)
		kill(-s->pid, sig);
}

static void
cancel(struct runner *rn, bool hard)
{
	if (!rn->canceling)
		progress(rn, "canceling the run: stopping its running tasks");
	rn->canceling = true;
	for (int t = 0; t < rn->j->ntasks; t++) {
		struct task_state *s = &rn->ts[t];
		if (s->st == T_RUNNING) {
			s->canceled = true;
			kill_group(s, hard ? SIGKILL : SIGTERM);
			if (!s->kill_at)
				s->kill_at = mono_ms() + KILL_GRACE_MS;
		} else if (s->st == T_WAIT || s->st == T_READY) {
			settle(rn, t, JOB_CANCELED);
		}
	}
}

/* Start what can start; decide tasks whose dependencies all ended. */
static void
schedule(struct runner *rn, const int *order)
{
	bool again = true;
	while (again && !rn->canceling) {
		again = false;
		for (int i = 0; i < rn->j->ntasks; i++) {
			int t = order[i];
			if (rn->ts[t].st != T_WAIT)
				continue;
			const struct job_task *k = &rn->j->tasks[t];
			enum job_status dep[k->ndeps ? k->ndeps : 1];
			bool ended = true;
			for (int d = 0; d < k->ndeps && ended; d++) {
				ended = rn->ts[k->dep[d]].st == T_DONE;
				dep[d] = rn->r->tasks[k->dep[d]].status;
			}
			if (!ended)
				continue;
			enum job_status why;
			if (job_run_if_met(k->run_if, dep, k->ndeps, &why)) {
				rn->ts[t].st = T_READY;
				rn->ts[t].ready_at = 0;
			} else {
				settle(rn, t, why);
				again = true;     /* its dependents may be decided now */
			}
		}
	}
	int64_t now = mono_ms();
	for (int i = 0; i < rn->j->ntasks && !rn->canceling; i++) {
		int t = order[i];
		if (rn->ts[t].st == T_READY && rn->ts[t].ready_at <= now && rn->running < rn->o->max_parallel)
			launch(rn, t);
	}
}

static bool
busy(const struct runner *rn)
{
	for (int t = 0; t < rn->j->ntasks; t++)
		if (rn->ts[t].st != T_DONE)
			return true;
	return false;
}

/* Milliseconds until the next deadline (-1: none). */
static int
next_wait(struct runner *rn)
{
	int64_t now = mono_ms(), next = -1;
	for (int t = 0; t < rn->j->ntasks; t++) {
		const struct task_state *s = &rn->ts[t];
		int64_t at = -1;
		if (s->st == T_READY && s->ready_at > now && rn->running < rn->o->max_parallel)
			at = s->ready_at;
		else if (s->st == T_RUNNING && s->kill_at)
			at = s->kill_at;
		else if (s->st == T_RUNNING && s->deadline)
			at = s->deadline;
		if (at >= 0 && (next < 0 || at < next))
			next = at;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void
check_deadlines(struct runner *rn)
{
	int64_t now = mono_ms();
	for (int t = 0; t < rn->j->ntasks; t++) {
		struct task_state *s = &rn->ts[t];
		if (s->st != T_RUNNING)
			continue;
		if (s->kill_at && now >= s->kill_at) {
			kill_group(s, SIGKILL);
			s->kill_at = now + 60000;   /* already dead but for the reaping */
		} else if (!s->kill_at && s->deadline && now >= s->deadline) {
			s->timed_out = true;
			kill_group(s, SIGTERM);
			s->kill_at = now + KILL_GRACE_MS;
		}
	}
}

static void
reap(struct runner *rn)
{
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
			return;
		int t = -1;
		for (int i = 0; i < rn->j->ntasks; i++)
			if (rn->ts[i].st == T_RUNNING && rn->ts[i].pid == si.si_pid)
				t = i;
		/* the group goes with its leader: whatever it started too */
		kill(-si.si_pid, SIGKILL);
		int status = 0;
		while (waitpid(si.si_pid, &status, 0) < 0 && errno == EINTR)
			;
		if (t < 0)
			continue;
		drain(&rn->ts[t]);
		rn->ts[t].pid = 0;
		finish(rn, t, status);
	}
}

int
job_execute(const struct job *j, struct job_run *r, const bool *run, int repair, const struct job_run_options *o,
    struct wb_error *err)
{
	struct runner rn = {.j = j, .r = r, .o = o, .repair = repair, .sigfd = -1, .save_err = WB_ERROR_INIT};
	rn.ts = xcalloc((size_t)j->ntasks, sizeof *rn.ts);
	int *order = xcalloc((size_t)j->ntasks, sizeof *order);
	job_dag_order(j, order);
	for (int t = 0; t < j->ntasks; t++) {
		rn.ts[t].errfd = rn.ts[t].logfd = -1;
		if (run[t]) {
			rn.ts[t].st = T_WAIT;
			r->tasks[t].status = JOB_PENDING;
		} else {
			rn.ts[t].st = T_DONE;
		}
	}
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	/* progress lines into a closed pipe (wb job run | head) must not
	 * kill the runner and orphan its tasks */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	rn.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (rn.sigfd < 0) {
		err_set(err, -1, "cannot watch for signals (signalfd): %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGPIPE, old_pipe);
		free(order);
		free(rn.ts);
		return -1;
	}
	r->status = JOB_RUNNING;
	save(&rn);
	struct pollfd *pfd = xcalloc((size_t)j->ntasks + 1, sizeof *pfd);
	int *pft = xcalloc((size_t)j->ntasks + 1, sizeof *pft);
	for (;;) {
		schedule(&rn, order);
		if (!busy(&rn))
			break;
		int n = 0;
		pfd[n++] = (struct pollfd){.fd = rn.sigfd, .events = POLLIN};
		for (int t = 0; t < j->ntasks; t++)
			if (rn.ts[t].st == T_RUNNING && rn.ts[t].errfd >= 0) {
				pft[n] = t;
				pfd[n++] = (struct pollfd){.fd = rn.ts[t].errfd, .events = POLLIN};
			}
		int rc = poll(pfd, (nfds_t)n, next_wait(&rn));
		if (rc < 0 && errno != EINTR) {
			err_set(err, -1, "poll: %s", strerror(errno));
			cancel(&rn, true);
			continue;
		}
		for (int i = 1; i < n && rc > 0; i++)
			if (pfd[i].revents)
				drain(&rn.ts[pft[i]]);
		if (rc > 0 && pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(rn.sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
					cancel(&rn, rn.canceling);   /* a second signal kills at once */
			}
		}
		reap(&rn);
		check_deadlines(&rn);
	}
	free(pfd);
	free(pft);
	close(rn.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, old_pipe);
	for (int t = 0; t < j->ntasks; t++) {
		sb_free(&rn.ts[t].tail);
		free(rn.ts[t].commits);
	}
	free(rn.ts);
	free(order);
	r->status = job_run_outcome(r);
	r->end_ms = wall_ms();
	save(&rn);
	if (rn.save_failed) {
		err_move(err, &rn.save_err);
		return -1;
	}
	return 0;
}

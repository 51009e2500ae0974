/*
 * job_cli: the `wb job` subcommands - argument parsing, and the steps of
 * a run and of a repair around the runner (check the file, resolve the
 * parameters, take the job's lock, allocate the run, run, summarise).
 *
 *   wb job run FILE [-p NAME=VALUE ...] [--warehouse DIR] [--max-parallel N] [--wait]
 *   wb job validate FILE
 *   wb job runs [FILE | JOB] [--limit N] [--warehouse DIR] [-m MODE]
 *   wb job show RUN_ID [--warehouse DIR] [-m MODE]
 *   wb job repair RUN_ID [--task KEY ...] [-p NAME=VALUE ...] [--warehouse DIR] [--max-parallel N] [--wait]
 *   wb job schedule FILE [--cron EXPR] [--remove] [--warehouse DIR]
 *   wb job daemon [FILE | DIR ...] [--warehouse DIR] [--once] [--at 'YYYY-MM-DD HH:MM']
 *
 * Exit status: 0 success; 1 the run did not succeed (a task failed or
 * timed out); 2 usage or job file errors; 3 the job is already running;
 * 130 the run was canceled (SIGINT, SIGTERM, SIGHUP).
 */
#include "cli/job.h"
#include "core/datetime.h"
#include "sql/lexer.h"
#include "cli/session.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"
#include "ui/render.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_RUN_FAILED = 1, EXIT_USAGE = 2, EXIT_LOCKED = 3, EXIT_CANCELED = 130 };

static const char job_usage[] =
    "usage: wb job run FILE [-p NAME=VALUE ...] [--warehouse DIR] [--max-parallel N] [--wait]\n"
    "       wb job validate FILE\n"
    "       wb job runs [FILE | JOB] [--limit N] [--warehouse DIR] [-m MODE]\n"
    "       wb job show RUN_ID [--warehouse DIR] [-m MODE]\n"
    "       wb job repair RUN_ID [--task KEY ...] [-p NAME=VALUE ...] [--warehouse DIR] [--max-parallel N] [--wait]\n"
    "       wb job schedule FILE [--cron EXPR] [--remove] [--warehouse DIR]\n"
    "       wb job daemon [FILE | DIR ...] [--warehouse DIR] [--once] [--at 'YYYY-MM-DD HH:MM']\n"
    "\n"
    "Runs the tasks of a job file (see wb-job(5)) in dependency order, independent\n"
    "ones in parallel, and records every run in the warehouse under _jobs/.\n";

static void
report(struct wb_error *err)
{
	fprintf(stderr, "wb job: %s\n", err->msg ? err->msg : "failed");
	if (err->hint)
		fprintf(stderr, "HINT: %s\n", err->hint);
	err_clear(err);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "wb job: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", job_usage);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------ options */

struct opts {
	const char *warehouse;
	char **params;             /* NAME=VALUE */
	int nparams;
	char **tasks;              /* --task */
	int ntasks;
	int max_parallel;
	int64_t limit;
	bool wait, remove, once;
	const char *cron;
	const char *at;
	const char *mode;
	const char *trigger;
	char **args;               /* positional */
	int nargs;
};

enum {
	O_WAREHOUSE = 256, O_MAXPAR, O_WAIT, O_LIMIT, O_TASK, O_CRON, O_REMOVE, O_ONCE, O_AT, O_TRIGGER, O_CSV, O_JSON,
	O_MD,
};

/* Parse argv (argv[0]: the subcommand); allowed lists the long options
 * the subcommand takes (and "p", "m"). 0, or the exit status. */
static int
parse_opts(int argc, char **argv, const char *allowed, struct opts *o)
{
	static const struct option longopts[] = {
		{"warehouse", required_argument, NULL, O_WAREHOUSE},
		{"max-parallel", required_argument, NULL, O_MAXPAR},
		{"wait", no_argument, NULL, O_WAIT},
		{"limit", required_argument, NULL, O_LIMIT},
		{"task", required_argument, NULL, O_TASK},
		{"cron", required_argument, NULL, O_CRON},
		{"remove", no_argument, NULL, O_REMOVE},
		{"once", no_argument, NULL, O_ONCE},
		{"at", required_argument, NULL, O_AT},
		{"trigger", required_argument, NULL, O_TRIGGER},
		{"mode", required_argument, NULL, 'm'},
		{"csv", no_argument, NULL, O_CSV},
		{"json", no_argument, NULL, O_JSON},
		{"markdown", no_argument, NULL, O_MD},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	o->params = xcalloc((size_t)argc + 1, sizeof *o->params);
	o->tasks = xcalloc((size_t)argc + 1, sizeof *o->tasks);
	o->args = xcalloc((size_t)argc + 1, sizeof *o->args);
	optind = 0;     /* GNU: start afresh */
	opterr = 0;
	int opt, idx;
	while ((opt = getopt_long(argc, argv, ":p:m:h", longopts, &idx)) != -1) {
		const char *name = NULL;
		for (const struct option *l = longopts; l->name; l++)
			if (l->val == opt)
				name = l->name;
		if (opt == 'p')
			name = "p";
		if (opt == 'm' || opt == O_CSV || opt == O_JSON || opt == O_MD)
			name = "mode";
		if (opt == 'h') {
			fputs(job_usage, stdout);
			return -1;
		}
		if (opt == '?' || opt == ':') {
			char buf[64];
			if (optopt > 0 && optopt < 256)
				snprintf(buf, sizeof buf, "-%c", optopt);
			else
				snprintf(buf, sizeof buf, "%s", argv[optind - 1]);
			return usage_error(opt == ':' ? "option %s needs a value" : "unknown option %s", buf);
		}
		char want[40];
		snprintf(want, sizeof want, " %s ", name ? name : "?");
		if (strstr(allowed, want) == NULL) {
			char buf[80];
			snprintf(buf, sizeof buf, "%s%s", strlen(name) == 1 ? "-" : "--", name);
			fprintf(stderr, "wb job %s: option %s does not apply here\n", argv[0], buf);
			fputs(job_usage, stderr);
			return EXIT_USAGE;
		}
		switch (opt) {
		case 'p':
			if (strchr(optarg, '=') == NULL || optarg[0] == '=')
				return usage_error("-p expects NAME=VALUE, got '%s'", optarg);
			o->params[o->nparams++] = optarg;
			break;
		case 'm': o->mode = optarg; break;
		case O_CSV: o->mode = "csv"; break;
		case O_JSON: o->mode = "json"; break;
		case O_MD: o->mode = "markdown"; break;
		case O_WAREHOUSE: o->warehouse = optarg; break;
		case O_MAXPAR: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 1024)
				return usage_error("--max-parallel needs a number from 1 to 1024, got '%s'", optarg);
			o->max_parallel = (int)v;
			break;
		}
		case O_LIMIT: {
			char *end;
			long long v = strtoll(optarg, &end, 10);
			if (*end || v < 1)
				return usage_error("--limit needs a positive number, got '%s'", optarg);
			o->limit = v;
			break;
		}
		case O_WAIT: o->wait = true; break;
		case O_TASK: o->tasks[o->ntasks++] = optarg; break;
		case O_CRON: o->cron = optarg; break;
		case O_REMOVE: o->remove = true; break;
		case O_ONCE: o->once = true; break;
		case O_AT: o->at = optarg; break;
		case O_TRIGGER:
			if (strcmp(optarg, "ONE_TIME") != 0 && strcmp(optarg, "PERIODIC") != 0)
				return usage_error("--trigger is ONE_TIME or PERIODIC, got '%s'", optarg);
			o->trigger = optarg;
			break;
		}
	}
	for (int i = optind; i < argc; i++)
		o->args[o->nargs++] = argv[i];
	return 0;
}

static void
opts_free(struct opts *o)
{
	free(o->params);
	free(o->tasks);
	free(o->args);
}

/* The warehouse as an absolute path (malloc'd). */
static char *
warehouse_abs(const char *given)
{
	char *root = lake_warehouse_root(given);
	if (root[0] == '/')
		return root;
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return root;
	char *abs = xasprintf("%s/%s", cwd, strncmp(root, "./", 2) == 0 ? root + 2 : root);
	free(root);
	return abs;
}

static int
default_parallel(const struct job *j, const struct opts *o)
{
	if (o->max_parallel > 0)
		return o->max_parallel;
	if (j->max_parallel > 0)
		return j->max_parallel;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static int
exit_status(enum job_status s)
{
	return s == JOB_SUCCESS ? 0 : s == JOB_CANCELED ? EXIT_CANCELED : EXIT_RUN_FAILED;
}

/* Apply -p NAME=VALUE to the parameters kv (names must exist there). */
static int
override_params(struct job_kv *kv, int n, char **given, int ngiven, const char *what, struct wb_error *err)
{
	for (int i = 0; i < ngiven; i++) {
		const char *eq = strchr(given[i], '=');
		char *name = xstrndup(given[i], (size_t)(eq - given[i]));
		int k = -1;
		for (int m = 0; m < n; m++)
			if (strcmp(kv[m].key, name) == 0)
				k = m;
		if (k < 0) {
			const char **names = xcalloc((size_t)n + 1, sizeof *names);
			for (int m = 0; m < n; m++)
				names[m] = kv[m].key;
			const char *s = str_suggest(name, names, n);
			err_set(err, -1, "-p %s: %s has no parameter %s", name, what, name);
			if (s)
				err_hint(err, "did you mean %s?", s);
			else if (n == 0)
				err_hint(err, "the job declares no parameters: add them under [parameters] with a default");
			else
				err_hint(err, "declare it under [parameters] with a default");
			free(names);
			free(name);
			return -1;
		}
		free(name);
		free(kv[k].value);
		kv[k].value = xstrdup(eq + 1);
	}
	return 0;
}

static void
summary(const struct job_run *r, FILE *out)
{
	int counts[JOB_SUCCESS_WITH_FAILURES + 1] = {0};
	for (int t = 0; t < r->ntasks; t++)
		counts[r->tasks[t].status]++;
	struct strbuf b = STRBUF_INIT;
	static const enum job_status order[] = {JOB_SUCCESS, JOB_FAILED, JOB_TIMEDOUT, JOB_UPSTREAM_FAILED, JOB_SKIPPED,
	    JOB_CANCELED};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (counts[order[i]])
			sb_printf(&b, "%s%d %s", b.len ? ", " : "", counts[order[i]], job_status_name(order[i]));
	double secs = (double)(r->end_ms - r->start_ms) / 1000;
	if (r->nrepairs > 0) {
		const struct job_repair *rp = &r->repairs[r->nrepairs - 1];
		secs = (double)(rp->end_ms - rp->start_ms) / 1000;
		fprintf(out, "run %lld of %s, repair %d: %s in %.1f s (%s)\n", (long long)r->run_id, r->job_name, rp->id,
		    job_status_name(r->status), secs, sb_str(&b));
	} else {
		fprintf(out, "run %lld of %s: %s in %.1f s (%s)\n", (long long)r->run_id, r->job_name,
		    job_status_name(r->status), secs, sb_str(&b));
	}
	if (r->status != JOB_SUCCESS)
		fprintf(out, "logs: %s/logs\n", r->dir);
	sb_free(&b);
}

/* The task runs of a new run of j. */
static void
fresh_tasks(const struct job *j, struct job_run *r)
{
	r->tasks = xcalloc((size_t)j->ntasks, sizeof *r->tasks);
	r->ntasks = j->ntasks;
	for (int t = 0; t < j->ntasks; t++) {
		struct job_task_run *k = &r->tasks[t];
		k->key = xstrdup(j->tasks[t].key);
		k->notebook = xstrdup(j->tasks[t].notebook);
		k->ndeps = j->tasks[t].ndeps;
		k->deps = xcalloc((size_t)(k->ndeps ? k->ndeps : 1), sizeof *k->deps);
		for (int d = 0; d < k->ndeps; d++)
			k->deps[d] = xstrdup(j->tasks[t].deps[d]);
		k->run_if = j->tasks[t].run_if;
		k->status = JOB_PENDING;
		k->start_ms = k->end_ms = -1;
	}
}

/* ------------------------------------------------------------ run */

static int
cmd_run(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error("job run needs one job FILE%s", "");
	struct wb_error err = WB_ERROR_INIT;
	struct job j;
	if (job_load(o->args[0], &j, &err) < 0) {
		report(&err);
		return EXIT_USAGE;
	}
	int rc = EXIT_USAGE;
	char *wh = warehouse_abs(o->warehouse);
	char *self = job_self_path(program_invocation_name);
	struct job_run r = {0};
	struct job_lock lock = {-1, NULL};
	struct job_kv *params = xcalloc((size_t)j.nparams + 1, sizeof *params);
	for (int i = 0; i < j.nparams; i++)
		params[i] = (struct job_kv){xstrdup(j.params[i].key), xstrdup(j.params[i].value), j.params[i].line};
	r.params = params;
	r.nparams = j.nparams;
	if (override_params(r.params, r.nparams, o->params, o->nparams, "the job", &err) < 0)
		goto out;
	int lk = job_lock_take(wh, j.name, o->wait, stdout, &lock, &err);
	if (lk != 0) {
		rc = lk == 1 ? EXIT_LOCKED : EXIT_USAGE;
		goto out;
	}
	r.run_id = job_new_run_id(wh, &err);
	if (r.run_id < 0)
		goto out;
	job_lock_note(&lock, r.run_id);
	r.job_name = xstrdup(j.name);
	r.job_file = xstrdup(j.abs_path);
	r.warehouse = xstrdup(wh);
	r.trigger = xstrdup(o->trigger ? o->trigger : "ONE_TIME");
	r.start_ms = dt_now_ms();
	r.end_ms = -1;
	char *home = job_home(wh, j.name);
	r.dir = xasprintf("%s/runs/%lld", home, (long long)r.run_id);
	free(home);
	/* job parameters: {{job.*}} references resolved once for the run */
	struct job_ref_ctx ctx = {.job_name = r.job_name, .run_id = r.run_id, .start_ms = r.start_ms,
	    .trigger = r.trigger, .params = r.params, .nparams = r.nparams};
	for (int i = 0; i < r.nparams; i++) {
		char *v = job_expand(r.params[i].value, &ctx, &err);
		if (v == NULL)
			goto out;
		free(r.params[i].value);
		r.params[i].value = v;
	}
	fresh_tasks(&j, &r);
	struct job_run_options ro = {.self = self, .warehouse = wh, .max_parallel = default_parallel(&j, o),
	    .out = stdout};
	printf("run %lld of %s: %d task%s", (long long)r.run_id, r.job_name, j.ntasks, j.ntasks == 1 ? "" : "s");
	if (j.ntasks > 1)
		printf(", at most %d at once", ro.max_parallel);
	for (int i = 0; i < r.nparams; i++)
		printf("%s%s=%s", i ? ", " : "; parameters ", r.params[i].key, r.params[i].value);
	printf("\n");
	fflush(stdout);
	bool *all = xcalloc((size_t)j.ntasks, sizeof *all);
	for (int t = 0; t < j.ntasks; t++)
		all[t] = true;
	int ex = job_execute(&j, &r, all, 0, &ro, &err);
	free(all);
	summary(&r, stdout);
	fflush(stdout);
	rc = ex < 0 ? EXIT_RUN_FAILED : exit_status(r.status);
out:
	if (err_isset(&err))
		report(&err);
	job_lock_release(&lock);
	job_run_free(&r);
	job_free(&j);
	free(wh);
	free(self);
	return rc;
}

/* ------------------------------------------------------------ repair */

static int
cmd_repair(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error("job repair needs one RUN_ID%s", "");
	char *end;
	long long id = strtoll(o->args[0], &end, 10);
	if (*end || id < 1)
		return usage_error("job repair: '%s' is not a run id (wb job runs lists them)", o->args[0]);
	struct wb_error err = WB_ERROR_INIT;
	char *wh = warehouse_abs(o->warehouse);
	char *self = job_self_path(program_invocation_name);
	struct job_run r = {0};
	struct job j = {0};
	struct job_lock lock = {-1, NULL};
	bool *run = NULL;
	int rc = EXIT_USAGE;
	if (job_run_find(wh, id, &r, &err) < 0)
		goto out;
	/* the job as its file defines it now (Databricks repairs with the
	 * current settings: fix the notebook, then repair) */
	if (job_load(r.job_file, &j, &err) < 0)
		goto out;
	if (strcmp(j.name, r.job_name) != 0) {
		err_set(&err, -1, "run %lld is a run of job %s, but %s now names the job %s", id, r.job_name, r.job_file,
		    j.name);
		err_hint(&err, "a repair runs the job of the run; run the renamed job anew with wb job run");
		goto out;
	}
	int lk = job_lock_take(wh, j.name, o->wait, stdout, &lock, &err);
	if (lk != 0) {
		rc = lk == 1 ? EXIT_LOCKED : EXIT_USAGE;
		goto out;
	}
	/* re-read under the lock: a run that was in progress has ended */
	job_run_free(&r);
	if (job_run_find(wh, id, &r, &err) < 0)
		goto out;
	/* line the record's tasks up with the file's */
	for (int t = 0; t < r.ntasks; t++)
		if (job_task_find(&j, r.tasks[t].key) < 0) {
			err_set(&err, -1, "task %s of run %lld is no longer in %s", r.tasks[t].key, id, r.job_file);
			err_hint(&err, "a repair keeps the run's history: run the changed job anew with wb job run");
			goto out;
		}
	struct job_task_run *tasks = xcalloc((size_t)j.ntasks, sizeof *tasks);
	for (int t = 0; t < j.ntasks; t++) {
		int k = -1;
		for (int m = 0; m < r.ntasks && k < 0; m++)
			if (r.tasks[m].key && strcmp(r.tasks[m].key, j.tasks[t].key) == 0)
				k = m;
		if (k >= 0) {
			tasks[t] = r.tasks[k];
			memset(&r.tasks[k], 0, sizeof r.tasks[k]);
			free(tasks[t].notebook);
			for (int d = 0; d < tasks[t].ndeps; d++)
				free(tasks[t].deps[d]);
			free(tasks[t].deps);
		} else {
			tasks[t].key = xstrdup(j.tasks[t].key);
			tasks[t].status = JOB_PENDING;
			tasks[t].start_ms = tasks[t].end_ms = -1;
		}
		tasks[t].notebook = xstrdup(j.tasks[t].notebook);
		tasks[t].ndeps = j.tasks[t].ndeps;
		tasks[t].deps = xcalloc((size_t)(tasks[t].ndeps ? tasks[t].ndeps : 1), sizeof *tasks[t].deps);
		for (int d = 0; d < tasks[t].ndeps; d++)
			tasks[t].deps[d] = xstrdup(j.tasks[t].deps[d]);
		tasks[t].run_if = j.tasks[t].run_if;
	}
	free(r.tasks);          /* every task moved: none is missing from the file */
	r.tasks = tasks;
	r.ntasks = j.ntasks;
	/* what to run: the tasks named, or those that did not succeed; and
	 * everything downstream of them */
	run = xcalloc((size_t)j.ntasks, sizeof *run);
	for (int i = 0; i < o->ntasks; i++) {
		int t = job_task_find(&j, o->tasks[i]);
		if (t < 0) {
			err_set(&err, -1, "--task %s: job %s has no such task", o->tasks[i], j.name);
			err_hint(&err, "wb job show %lld lists its tasks", id);
			goto out;
		}
		run[t] = true;
	}
	if (o->ntasks == 0 && r.status != JOB_SUCCESS)
		for (int t = 0; t < j.ntasks; t++)
			run[t] = r.tasks[t].status != JOB_SUCCESS;
	job_dag_downstream(&j, run);
	int nrun = 0;
	for (int t = 0; t < j.ntasks; t++)
		nrun += run[t];
	if (nrun == 0) {
		printf("run %lld of %s succeeded: nothing to repair (--task KEY re-runs a task and what depends on it)\n",
		    id, j.name);
		rc = 0;
		goto out;
	}
	if (override_params(r.params, r.nparams, o->params, o->nparams, "the run", &err) < 0)
		goto out;
	job_lock_note(&lock, r.run_id);
	r.repairs = xrealloc(r.repairs, sizeof *r.repairs * (size_t)(r.nrepairs + 1));
	struct job_repair *rp = &r.repairs[r.nrepairs++];
	memset(rp, 0, sizeof *rp);
	rp->id = r.nrepairs;
	rp->start_ms = dt_now_ms();
	rp->end_ms = -1;
	rp->status = JOB_RUNNING;
	rp->tasks = xcalloc((size_t)nrun, sizeof *rp->tasks);
	for (int t = 0; t < j.ntasks; t++)
		if (run[t])
			rp->tasks[rp->ntasks++] = xstrdup(j.tasks[t].key);
	r.end_ms = -1;
	free(r.warehouse);
	r.warehouse = xstrdup(wh);
	struct job_run_options ro = {.self = self, .warehouse = wh, .max_parallel = default_parallel(&j, o),
	    .out = stdout};
	printf("repair %d of run %lld of %s: re-running %d task%s:", rp->id, id, j.name, nrun, nrun == 1 ? "" : "s");
	for (int i = 0; i < rp->ntasks; i++)
		printf(" %s", rp->tasks[i]);
	printf("\n");
	fflush(stdout);
	int ex = job_execute(&j, &r, run, rp->id, &ro, &err);
	rp = &r.repairs[r.nrepairs - 1];
	rp->end_ms = r.end_ms;
	rp->status = r.status;
	struct wb_error e2 = WB_ERROR_INIT;
	if (job_run_save(&r, &e2) < 0)
		report(&e2);
	summary(&r, stdout);
	rc = ex < 0 ? EXIT_RUN_FAILED : exit_status(r.status);
out:
	if (err_isset(&err))
		report(&err);
	job_lock_release(&lock);
	free(run);
	job_run_free(&r);
	job_free(&j);
	free(wh);
	free(self);
	return rc;
}

/* ------------------------------------------------------------ validate */

static void
print_next(const char *expr, FILE *out)
{
	struct job_cron c;
	struct wb_error err = WB_ERROR_INIT;
	if (job_cron_parse(expr, &c, &err) < 0) {
		err_clear(&err);
		return;
	}
	time_t next = job_cron_next(&c, time(NULL));
	if (next < 0) {
		fprintf(out, "schedule %s never runs\n", expr);
		return;
	}
	struct tm tm;
	localtime_r(&next, &tm);
	char buf[64];
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
	fprintf(out, "schedule: %s (next run %s)\n", expr, buf);
}

static int
cmd_validate(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error("job validate needs one job FILE%s", "");
	struct wb_error err = WB_ERROR_INIT;
	struct job j;
	if (job_load(o->args[0], &j, &err) < 0) {
		report(&err);
		return EXIT_USAGE;
	}
	printf("%s: job %s, %d task%s, %d parameter%s: valid\n", j.path, j.name, j.ntasks, j.ntasks == 1 ? "" : "s",
	    j.nparams, j.nparams == 1 ? "" : "s");
	int *order = xcalloc((size_t)j.ntasks, sizeof *order);
	job_dag_order(&j, order);
	for (int i = 0; i < j.ntasks; i++) {
		const struct job_task *k = &j.tasks[order[i]];
		printf("  %s (%s)", k->key, k->notebook);
		for (int d = 0; d < k->ndeps; d++)
			printf("%s%s", d ? ", " : " after ", k->deps[d]);
		if (k->run_if != JOB_ALL_SUCCESS)
			printf(", run_if %s", job_run_if_name(k->run_if));
		printf("\n");
	}
	free(order);
	if (j.schedule)
		print_next(j.schedule, stdout);
	job_free(&j);
	return 0;
}

/* ------------------------------------------------------------ listing */

/* Run SQL text through a session with the warehouse and output mode. */
static int
run_sql(const struct opts *o, const char *sql)
{
	struct session *s = session_new();
	char *wh = warehouse_abs(o->warehouse);
	catalog_set_warehouse(s->catalog, wh);
	free(wh);
	if (o->mode) {
		enum render_mode m;
		if (!render_mode_from_name(o->mode, &m)) {
			fprintf(stderr, "wb job: unknown mode '%s' (box, csv, tsv, json, jsonl, markdown, line)\n", o->mode);
			session_free(s);
			return EXIT_USAGE;
		}
		s->render.mode = m;
		session_reset_sink(s);
	}
	int rc = session_run(s, sql, NULL, 1) < 0 ? 1 : 0;
	session_free(s);
	fflush(stdout);
	return rc;
}

static int
cmd_runs(struct opts *o)
{
	if (o->nargs > 1)
		return usage_error("job runs takes one job FILE or name, got %s more", "some");
	char *name = NULL;
	if (o->nargs == 1) {
		struct stat st;
		if (stat(o->args[0], &st) == 0 && S_ISREG(st.st_mode)) {
			struct wb_error err = WB_ERROR_INIT;
			struct job j;
			if (job_load(o->args[0], &j, &err) < 0) {
				report(&err);
				return EXIT_USAGE;
			}
			name = xstrdup(j.name);
			job_free(&j);
		} else if (job_name_ok(o->args[0], false)) {
			name = xstrdup(o->args[0]);
		} else {
			fprintf(stderr, "wb job runs: %s is neither a job file nor a job name\n", o->args[0]);
			return EXIT_USAGE;
		}
	}
	struct strbuf q = STRBUF_INIT;
	sb_printf(&q, "SELECT run_id, %sstatus, trigger, start_time, duration_s, tasks, failed, skipped, rows_written, "
	    "repairs FROM (SHOW JOB RUNS", name ? "" : "job_name, ");
	if (name) {
		sb_puts(&q, " IN ");
		lex_put_string(&q, name);
	}
	if (o->limit > 0)
		sb_printf(&q, " LIMIT %lld", (long long)o->limit);
	sb_puts(&q, ")");
	int rc = run_sql(o, sb_str(&q));
	sb_free(&q);
	free(name);
	return rc;
}

static void
print_time(const char *label, int64_t ms)
{
	if (ms < 0)
		return;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	char buf[64];
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
	printf("%-11s%s\n", label, buf);
}

static int
cmd_show(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error("job show needs one RUN_ID%s", "");
	char *end;
	long long id = strtoll(o->args[0], &end, 10);
	if (*end || id < 1)
		return usage_error("job show: '%s' is not a run id (wb job runs lists them)", o->args[0]);
	char *wh = warehouse_abs(o->warehouse);
	struct job_run r;
	struct wb_error err = WB_ERROR_INIT;
	int rc = job_run_find(wh, id, &r, &err);
	free(wh);
	if (rc < 0) {
		report(&err);
		return 1;
	}
	if (o->mode == NULL) {
		/* a header for people; with -m the table alone, for programs */
		printf("run %lld of %s: %s\n", id, r.job_name, job_status_name(r.status));
		printf("%-11s%s\n", "job file", r.job_file ? r.job_file : "");
		printf("%-11s%s\n", "trigger", r.trigger);
		if (r.nparams) {
			printf("%-11s", "parameters");
			for (int i = 0; i < r.nparams; i++)
				printf("%s%s=%s", i ? ", " : "", r.params[i].key, r.params[i].value);
			printf("\n");
		}
		print_time("started", r.start_ms);
		print_time("ended", r.end_ms);
		for (int i = 0; i < r.nrepairs; i++) {
			printf("%-11s%d:", "repair", r.repairs[i].id);
			for (int t = 0; t < r.repairs[i].ntasks; t++)
				printf("%s%s", t ? ", " : " ", r.repairs[i].tasks[t]);
			printf(" -> %s\n", job_status_name(r.repairs[i].status));
		}
		printf("%-11s%s\n", "folder", r.dir);
		fflush(stdout);
	}
	job_run_free(&r);
	struct strbuf q = STRBUF_INIT;
	if (o->mode == NULL)
		sb_printf(&q, "SELECT task_key, status, attempts, start_time, duration_s, rows_written, "
		    "split_part(error, chr(10), 1) AS error FROM (SHOW JOB TASKS FOR RUN %lld)", id);
	else
		sb_printf(&q, "SHOW JOB TASKS FOR RUN %lld", id);
	rc = run_sql(o, sb_str(&q));
	sb_free(&q);
	return rc;
}

/* ------------------------------------------------------------ scheduling */

static int
cmd_schedule(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error("job schedule needs one job FILE%s", "");
	if (o->remove && o->cron)
		return usage_error("job schedule: --remove takes no --cron%s", "");
	struct wb_error err = WB_ERROR_INIT;
	struct job j;
	if (job_load(o->args[0], &j, &err) < 0) {
		report(&err);
		return EXIT_USAGE;
	}
	char *wh = warehouse_abs(o->warehouse);
	char *self = job_self_path(program_invocation_name);
	int rc = job_schedule(&j, o->cron, o->remove, self, wh, stdout, &err);
	if (rc < 0)
		report(&err);
	free(wh);
	free(self);
	job_free(&j);
	return rc < 0 ? EXIT_USAGE : 0;
}

/* "YYYY-MM-DD HH:MM" in local time, or -1. */
static time_t
parse_at(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int
cmd_daemon(struct opts *o)
{
	time_t at = -1;
	if (o->at) {
		at = parse_at(o->at);
		if (at < 0)
			return usage_error("--at needs a local time 'YYYY-MM-DD HH:MM', got '%s'", o->at);
	}
	char *wh = warehouse_abs(o->warehouse);
	char *self = job_self_path(program_invocation_name);
	static char dot[] = ".";
	char *here[] = {dot};
	int rc = job_daemon(o->nargs ? o->args : here, o->nargs ? o->nargs : 1, self, wh, o->once || o->at, at, stdout);
	free(wh);
	free(self);
	return rc;
}

/* ------------------------------------------------------------ dispatch */

static const struct {
	const char *name;
	const char *options;       /* the options it takes, space-separated */
	int (*fn)(struct opts *o);
} subcommands[] = {
	{"run", " p warehouse max-parallel wait trigger ", cmd_run},
	{"validate", " ", cmd_validate},
	{"runs", " warehouse limit mode ", cmd_runs},
	{"show", " warehouse mode ", cmd_show},
	{"repair", " task p warehouse max-parallel wait ", cmd_repair},
	{"schedule", " cron remove warehouse ", cmd_schedule},
	{"daemon", " warehouse once at ", cmd_daemon},
};

int
job_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(job_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	int n = (int)(sizeof subcommands / sizeof subcommands[0]);
	for (int i = 0; i < n; i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		struct opts o;
		int rc = parse_opts(argc - 1, argv + 1, subcommands[i].options, &o);
		if (rc == 0)
			rc = subcommands[i].fn(&o);
		else if (rc < 0)
			rc = 0;     /* --help */
		opts_free(&o);
		return rc;
	}
	const char *names[16];
	for (int i = 0; i < n; i++)
		names[i] = subcommands[i].name;
	const char *s = str_suggest(argv[1], names, n);
	fprintf(stderr, "wb job: unknown subcommand '%s'%s%s%s\n", argv[1], s ? " (did you mean " : "", s ? s : "",
	    s ? "?)" : "");
	fputs(job_usage, stderr);
	return EXIT_USAGE;
}

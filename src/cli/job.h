/*
 * job: `wb job` - jobs of notebooks run as a DAG of tasks, the way
 * Databricks Workflows runs them, on one machine.
 *
 * A job file (wb-job(5); job_file.c) names a job, its parameters with
 * defaults and its tasks: a notebook each, with task parameters,
 * depends_on, retries with exponential backoff, a timeout and a run_if
 * condition. `wb job run` checks the file (job_file.c, job_dag.c), takes
 * the job's lock (job_lock.c), and runs the tasks in dependency order,
 * independent ones in parallel, each as a child process of the same
 * binary in its own process group (job_runner.c), so that a task can be
 * timed out and killed with everything it started and a crash stays in
 * its task. Each task's stdout and stderr go to a log file in the run's
 * folder; a child reports its Delta commits through the commit observer
 * of store/lake into a file the runner names (job_commits.c), which gives
 * the rows each task wrote.
 *
 * Every run is recorded under <warehouse>/_jobs/<job>/runs/<run id>/ as
 * run.json (written atomically, after every task that ends) plus logs/
 * (job_store.c); SHOW JOB RUNS and SHOW JOB TASKS read the records as
 * tables (job_sql.c). `wb job repair` re-runs the failed and skipped
 * tasks of a run and what depends on them as a new attempt of the same
 * run. `wb job schedule` installs a crontab entry; `wb job daemon` runs
 * due jobs itself with the 5-field cron syntax of job_cron.c
 * (job_sched.c).
 *
 * Ownership: every struct here owns its strings and arrays (malloc'd);
 * the *_free functions release them. Errors are wb_errors whose message
 * names the file and line (or the run) and whose hint says what to do.
 */
#ifndef WB_CLI_JOB_H
#define WB_CLI_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/error.h"

/* ------------------------------------------------------------ front end */

/* `wb job SUBCOMMAND ...` (argv[0] is "job"); the exit status. */
int job_main(int argc, char **argv);
/* In a task's process: when $WB_JOB_COMMITS names a file, report every
 * Delta commit the process publishes there (one JSON line each). main()
 * calls it once at start-up; a no-op otherwise. */
void job_commit_log_install(void);
/* Register SHOW JOB RUNS and SHOW JOB TASKS with the parser. */
void job_register_sql(void);

/* ------------------------------------------------------------ job files */

enum job_run_if {
	JOB_ALL_SUCCESS,           /* every dependency succeeded (the default) */
	JOB_AT_LEAST_ONE_SUCCESS,  /* one succeeded */
	JOB_NONE_FAILED,           /* none failed, at least one ran (skipped ones allowed) */
	JOB_ALL_DONE,              /* the dependencies ended, whatever their status */
	JOB_AT_LEAST_ONE_FAILED,   /* one failed: error handlers */
	JOB_ALL_FAILED,            /* every one failed */
};

/* "all_success", ... (lower case, as job files write them). */
const char *job_run_if_name(enum job_run_if r);
bool job_run_if_parse(const char *s, enum job_run_if *out);

struct job_kv {
	char *key;
	char *value;
	int line;                  /* in the job file, 0 when not from it */
};
/* Free kv[0..n) and the array. */
void job_kv_free(struct job_kv *kv, int n);

struct job_task {
	char *key;                 /* [task KEY] */
	int line;                  /* of the section header */
	char *notebook;            /* as written: relative to the job file's folder */
	int notebook_line;
	char **deps;               /* depends_on, as written */
	int ndeps;
	int deps_line;
	int *dep;                  /* deps as task indexes (job_dag_resolve) */
	struct job_kv *params;     /* param.NAME = VALUE */
	int nparams;
	int max_retries;           /* retries after a failure (0: none) */
	int64_t backoff_ms;        /* before the first retry; doubled for each further one */
	bool retry_on_timeout;     /* a timed-out attempt is retried too */
	int64_t timeout_ms;        /* per attempt; 0: none */
	enum job_run_if run_if;
	char *description;
};

struct job {
	char *path;                /* the job file as given (messages) */
	char *abs_path;            /* its absolute path (run records, crontab) */
	char *dir;                 /* its absolute folder: tasks run there */
	char *name;                /* [job] name, else the file name without .job */
	char *description;
	char *schedule;            /* cron expression, or NULL */
	int schedule_line;
	int max_parallel;          /* 0: not given */
	struct job_kv *params;     /* [parameters], in file order */
	int nparams;
	struct job_task *tasks;    /* in file order */
	int ntasks;
};

/* Read, parse and check the job file at path: the syntax, the keys and
 * their values, that notebooks exist, dependencies (unknown ones, cycles
 * named as a path "a -> b -> a"), parameter references and the schedule.
 * 0, or -1 with err ("path:line: what" and a hint with what to write). */
int job_load(const char *path, struct job *j, struct wb_error *err);
/* The same for text (path names it and is where notebooks are looked
 * for); check_files false skips the notebooks' existence (unit tests). */
int job_parse(const char *text, size_t len, const char *path, bool check_files, struct job *j,
    struct wb_error *err);
void job_free(struct job *j);
/* The task called key, or -1. */
int job_task_find(const struct job *j, const char *key);
/* A job or task name wb can use as a folder and file name. */
bool job_name_ok(const char *s, bool task);

/* What {{...}} references in parameter values resolve to. */
struct job_ref_ctx {
	const char *job_name;
	int64_t run_id;
	int64_t start_ms;          /* the run's start */
	const char *trigger;
	int repair_count;
	const char *task_key;      /* NULL: job parameters (no task.* references) */
	const struct job_kv *params;   /* the job's parameters, for job.parameters.NAME */
	int nparams;
};
/* value with its {{...}} references replaced (malloc'd), or NULL with err
 * naming the reference. ctx NULL only checks the references (what names
 * exist: job_params/njob_params, task or not). */
char *job_expand(const char *value, const struct job_ref_ctx *ctx, struct wb_error *err);

/* ------------------------------------------------------------ the DAG */

/* Resolve every task's depends_on to indexes; refuse unknown tasks (with
 * a suggestion), a task depending on itself or twice on one task, and
 * cycles, named as the path "a -> b -> c -> a". 0 or -1 with err. */
int job_dag_resolve(struct job *j, struct wb_error *err);
/* A topological order of the tasks, earlier file position first among
 * those ready together (order[ntasks], the caller's). */
void job_dag_order(const struct job *j, int *order);
/* Mark (mark[i] = true) every task downstream of a marked one. */
void job_dag_downstream(const struct job *j, bool *mark);
/* Whether a task has no task depending on it. */
bool job_dag_is_leaf(const struct job *j, int task);

/* ------------------------------------------------------------ statuses */

enum job_status {
	JOB_PENDING,               /* not decided yet (never recorded) */
	JOB_RUNNING,               /* a run in progress; a task being run */
	JOB_SUCCESS,
	JOB_FAILED,
	JOB_TIMEDOUT,
	JOB_SKIPPED,               /* its run_if was not met, and nothing failed upstream */
	JOB_UPSTREAM_FAILED,       /* not run because a dependency failed */
	JOB_CANCELED,              /* the run was interrupted */
	JOB_SUCCESS_WITH_FAILURES, /* runs only: tasks failed but every leaf succeeded or was skipped */
};

const char *job_status_name(enum job_status s);
bool job_status_parse(const char *s, enum job_status *out);
/* FAILED, TIMEDOUT, UPSTREAM_FAILED, CANCELED: what run_if counts as failed. */
bool job_status_failed(enum job_status s);
/* Whether a task whose dependencies ended with dep[0..n) runs under
 * run_if r; when not, *why is SKIPPED or UPSTREAM_FAILED. A task without
 * dependencies always runs. */
bool job_run_if_met(enum job_run_if r, const enum job_status *dep, int n, enum job_status *why);

/* ------------------------------------------------------------ run records */

struct job_commit {
	char *table;               /* catalog.schema.table when in the warehouse, else its folder */
	int64_t version;
	char *operation;
	int64_t rows;
	char *expectations;        /* what its expectations did, or NULL (job_commits.c) */
};

struct job_attempt {
	int attempt;               /* 1, 2, ... over the whole run, repairs included */
	int repair;                /* 0: the run itself; n: its n-th repair */
	int64_t start_ms, end_ms;
	enum job_status status;
	int exit_code;             /* -1 when a signal ended it */
	int signal;
	int64_t rows;              /* rows its commits wrote */
	char *error;               /* the last error lines of its stderr; NULL on success */
	char *log;                 /* relative to the run's folder */
};

struct job_task_run {
	char *key;
	char *notebook;
	char **deps;
	int ndeps;
	enum job_run_if run_if;
	enum job_status status;    /* of its latest execution */
	int64_t start_ms, end_ms;  /* of its latest execution; -1 when it did not run */
	int64_t rows;              /* rows its last attempt wrote */
	char *error;               /* its last attempt's error, or why it did not run */
	char *log;                 /* its last attempt's log, or NULL */
	struct job_kv *params;     /* the parameters it last ran with */
	int nparams;
	struct job_commit *commits;   /* its last attempt's commits */
	int ncommits;
	struct job_attempt *attempts;
	int nattempts;
};

struct job_repair {
	int id;                    /* 1, 2, ... */
	int64_t start_ms, end_ms;
	enum job_status status;    /* of the run after the repair */
	char **tasks;              /* the tasks it ran */
	int ntasks;
};

struct job_run {
	int64_t run_id;
	char *job_name;
	char *job_file;            /* absolute */
	char *warehouse;           /* absolute */
	char *trigger;             /* ONE_TIME (wb job run), PERIODIC (cron, daemon) */
	enum job_status status;
	int64_t start_ms, end_ms;  /* end -1 while running */
	struct job_kv *params;     /* the job's parameters as resolved for the run */
	int nparams;
	struct job_repair *repairs;
	int nrepairs;
	struct job_task_run *tasks;
	int ntasks;
	char *dir;                 /* the run's folder (not stored in the record) */
};

void job_run_free(struct job_run *r);
int job_run_task_find(const struct job_run *r, const char *key);
/* The run's status from its tasks' (Databricks' rule): CANCELED if a
 * task was canceled; SUCCESS when every task succeeded or was skipped;
 * FAILED when a leaf task (nothing depends on it) failed; else
 * SUCCESS_WITH_FAILURES (failures that downstream tasks handled). */
enum job_status job_run_outcome(const struct job_run *r);

/* <warehouse>/_jobs/<job> (malloc'd). */
char *job_home(const char *warehouse, const char *job_name);
/* A new run id, unique in the warehouse (a counter under a lock in
 * <warehouse>/_jobs). -1 with err. */
int64_t job_new_run_id(const char *warehouse, struct wb_error *err);
/* Write r->dir/run.json atomically (temporary file, then rename). */
int job_run_save(const struct job_run *r, struct wb_error *err);
/* Read a run.json. */
int job_run_load(const char *path, struct job_run *r, struct wb_error *err);
/* Find run run_id in the warehouse (any job). 0, or -1 with err. */
int job_run_find(const char *warehouse, int64_t run_id, struct job_run *r, struct wb_error *err);
/* Every recorded run of job name (NULL: of every job), newest first.
 * Records that cannot be read are reported through wb_notice and left
 * out. -1 with err when job name never ran in the warehouse. */
int job_runs_list(const char *warehouse, const char *name, struct job_run **out, int *n, struct wb_error *err);
/* Read a task's commits file (one JSON line per commit, as
 * job_commit_log_install writes them); table folders under warehouse
 * become catalog.schema.table. Appends to *c and *n; the rows in *rows.
 * A missing file is no commit. */
int job_commits_read(const char *path, const char *warehouse, struct job_commit **c, int *n, int64_t *rows,
    struct wb_error *err);

/* ------------------------------------------------------------ the lock */

struct job_lock {
	int fd;
	char *path;
};

/* Take <warehouse>/_jobs/<job>/lock (flock, released when the process
 * ends, however it ends). Held by another process: with wait, say so on
 * msg and wait for it; without, return 1 with err naming the holder
 * (pid, run, since when). 0 when taken, -1 on other errors. */
int job_lock_take(const char *warehouse, const char *job_name, bool wait, FILE *msg, struct job_lock *l,
    struct wb_error *err);
/* Record the holder's run in the lock file, for the next one's message. */
void job_lock_note(struct job_lock *l, int64_t run_id);
void job_lock_release(struct job_lock *l);

/* ------------------------------------------------------------ running */

struct job_run_options {
	const char *self;          /* the wb binary tasks run */
	const char *warehouse;     /* absolute */
	int max_parallel;          /* tasks at once, >= 1 */
	FILE *out;                 /* progress lines */
};

/* The command line of a task's process (NULL-terminated, malloc'd; free
 * with job_argv_free): `wb run NOTEBOOK` with the parameters it declares.
 * The one place that says how a notebook is run. */
char **job_task_argv(const char *self, const char *warehouse, const char *notebook, const struct job_kv *params,
    int nparams);
void job_argv_free(char **argv);

/* Run the tasks of r marked in run[] (all of them for a new run; a
 * repair's selection) in dependency order; the others keep their recorded
 * status and count as ended. repair: 0 for the run, else the repair's
 * number. r->tasks must hold every task of j, in j's order. Saves the
 * record after each task ends. Returns 0 (the outcome in r->status), or
 * -1 with err when the run could not go on (the record says so). */
int job_execute(const struct job *j, struct job_run *r, const bool *run, int repair, const struct job_run_options *o,
    struct wb_error *err);
/* The path of the running wb binary (malloc'd), for tasks and crontab
 * entries: /proc/self/exe, else argv0 resolved. */
char *job_self_path(const char *argv0);

/* ------------------------------------------------------------ cron */

/* A 5-field cron expression: minute hour day-of-month month day-of-week,
 * each a list of *, N, N-M, with /STEP, month and weekday names (jan,
 * mon); 0 and 7 are Sunday; or @yearly, @annually, @monthly, @weekly,
 * @daily, @midnight, @hourly. As in Vixie cron, when both day fields
 * are restricted (neither starts with *), a day matching either runs. */
struct job_cron {
	uint64_t minute;           /* bit m: minute m */
	uint32_t hour;
	uint32_t dom;              /* bits 1..31 */
	uint16_t month;            /* bits 1..12 */
	uint8_t dow;               /* bits 0..6, Sunday 0 */
	bool dom_star, dow_star;
};

int job_cron_parse(const char *expr, struct job_cron *c, struct wb_error *err);
/* Whether the minute of tm (local time, seconds ignored) matches. */
bool job_cron_match(const struct job_cron *c, const struct tm *tm);
/* The first matching minute after t (local time), or -1 when there is
 * none in the next 8 years (30 February). */
time_t job_cron_next(const struct job_cron *c, time_t t);

/* ------------------------------------------------------------ scheduling */

/* `wb job schedule`: install (cron NULL: the job file's schedule) or,
 * with remove, remove the crontab entry of job file j for the warehouse.
 * Edits the current user's table through `crontab -l` and `crontab -`. */
int job_schedule(const struct job *j, const char *cron, bool remove, const char *self, const char *warehouse,
    FILE *out, struct wb_error *err);
/* `wb job daemon`: run the scheduled jobs of the job files in paths
 * (files, or folders of *.job files) when they are due, until a signal
 * ends it; once: only the minute at (or now when at is -1), then wait for
 * those runs and return. The exit status. */
int job_daemon(char **paths, int npaths, const char *self, const char *warehouse, bool once, time_t at, FILE *out);

#endif

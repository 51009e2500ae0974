/*
 * job_dag: the tasks of a job as a graph - resolving depends_on, finding
 * cycles (named as a path, so the user sees which edge to cut), the order
 * tasks become ready in, what lies downstream of a task (repair runs), and
 * the run_if rules deciding whether a task runs once its dependencies
 * ended. Statuses and the run outcome live here too: they are the graph's
 * arithmetic.
 */
#include "cli/job.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"PENDING", "RUNNING", "SUCCESS", "FAILED", "TIMEDOUT", "SKIPPED",
    "UPSTREAM_FAILED", "CANCELED", "SUCCESS_WITH_FAILURES"};

const char *
job_status_name(enum job_status s)
{
	return status_names[s];
}

bool
job_status_parse(const char *s, enum job_status *out)
{
	for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum job_status)i;
			return true;
		}
	return false;
}

bool
job_status_failed(enum job_status s)
{
	return s == JOB_FAILED || s == JOB_TIMEDOUT || s == JOB_UPSTREAM_FAILED || s == JOB_CANCELED;
}

bool
job_run_if_met(enum job_run_if r, const enum job_status *dep, int n, enum job_status *why)
{
	if (n == 0)
		return true;
	int ok = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		if (dep[i] == JOB_SUCCESS)
			ok++;
		else if (job_status_failed(dep[i]))
			failed++;
	}
	bool met;
	switch (r) {
	case JOB_ALL_SUCCESS: met = ok == n; break;
	case JOB_AT_LEAST_ONE_SUCCESS: met = ok > 0; break;
	case JOB_NONE_FAILED: met = failed == 0 && ok > 0; break;
	case JOB_ALL_DONE: met = true; break;
	case JOB_AT_LEAST_ONE_FAILED: met = failed > 0; break;
	default: met = failed == n; break;
	}
	/* Not running because something failed upstream is a failure of its
	 * own (it propagates); not running because a condition about
	 * failures did not hold is a skip. */
	if (!met)
		*why = failed > 0 && (r == JOB_ALL_SUCCESS || r == JOB_AT_LEAST_ONE_SUCCESS || r == JOB_NONE_FAILED)
		    ? JOB_UPSTREAM_FAILED : JOB_SKIPPED;
	return met;
}

/* ------------------------------------------------------------ resolving */

static int
dep_error(struct job *j, int line, struct wb_error *err, const char *hint, const char *fmt, const char *a,
    const char *b)
{
	char *m = xasprintf(fmt, a, b);
	err_set(err, -1, "%s:%d: %s", j->path, line, m);
	if (hint)
		err_hint(err, "%s", hint);
	free(m);
	return -1;
}

/* DFS from t along depends_on; color 1 = on the stack. On a back edge,
 * the cycle is the stack from the task met again. */
static bool
find_cycle(const struct job *j, int t, int *color, int *stack, int depth, int *cyc, int *ncyc)
{
	color[t] = 1;
	stack[depth] = t;
	const struct job_task *k = &j->tasks[t];
	for (int d = 0; d < k->ndeps; d++) {
		int u = k->dep[d];
		if (color[u] == 1) {
			int from = depth;
			while (stack[from] != u)
				from--;
			*ncyc = 0;
			for (int i = from; i <= depth; i++)
				cyc[(*ncyc)++] = stack[i];
			return true;
		}
		if (color[u] == 0 && find_cycle(j, u, color, stack, depth + 1, cyc, ncyc))
			return true;
	}
	color[t] = 2;
	return false;
}

int
job_dag_resolve(struct job *j, struct wb_error *err)
{
	const char **names = xcalloc((size_t)j->ntasks, sizeof *names);
	for (int t = 0; t < j->ntasks; t++)
		names[t] = j->tasks[t].key;
	for (int t = 0; t < j->ntasks; t++) {
		struct job_task *k = &j->tasks[t];
		free(k->dep);
		k->dep = xcalloc((size_t)(k->ndeps ? k->ndeps : 1), sizeof *k->dep);
		for (int d = 0; d < k->ndeps; d++) {
			int u = job_task_find(j, k->deps[d]);
			if (u < 0) {
				const char *s = str_suggest(k->deps[d], names, j->ntasks);
				char hint[300];
				if (s)
					snprintf(hint, sizeof hint, "did you mean %s?", s);
				else
					snprintf(hint, sizeof hint, "depends_on names [task NAME] sections of this file");
				free(names);
				return dep_error(j, k->deps_line, err, hint, "task %s depends on %s, which is not a task", k->key,
				    k->deps[d]);
			}
			for (int e = 0; e < d; e++)
				if (k->dep[e] == u) {
					free(names);
					return dep_error(j, k->deps_line, err, "name each dependency once",
					    "task %s depends on %s twice", k->key, k->deps[d]);
				}
			k->dep[d] = u;
		}
	}
	free(names);
	int *color = xcalloc((size_t)j->ntasks, sizeof *color);
	int *stack = xcalloc((size_t)j->ntasks, sizeof *stack);
	int *cyc = xcalloc((size_t)j->ntasks, sizeof *cyc);
	int ncyc = 0, rc = 0;
	for (int t = 0; t < j->ntasks && rc == 0; t++) {
		if (color[t] != 0 || !find_cycle(j, t, color, stack, 0, cyc, &ncyc))
			continue;
		/* start the path at the task written first, for a stable message */
		int first = 0;
		for (int i = 1; i < ncyc; i++)
			if (cyc[i] < cyc[first])
				first = i;
		struct strbuf path = STRBUF_INIT;
		for (int i = 0; i <= ncyc; i++)
			sb_printf(&path, "%s%s", i ? " -> " : "", j->tasks[cyc[(first + i) % ncyc]].key);
		const struct job_task *k = &j->tasks[cyc[first]];
		const struct job_task *next = &j->tasks[cyc[(first + 1) % ncyc]];
		char hint[400];
		snprintf(hint, sizeof hint, "tasks must not depend on themselves, even through others: remove %s from the "
		    "depends_on of %s (or another edge of the cycle)", next->key, k->key);
		rc = dep_error(j, k->deps_line, err, hint, "dependency cycle: %s%s", sb_str(&path),
		    " (each task depends on the next)");
		sb_free(&path);
	}
	free(color);
	free(stack);
	free(cyc);
	return rc;
}

/* ------------------------------------------------------------ order */

void
job_dag_order(const struct job *j, int *order)
{
	bool *placed = xcalloc((size_t)j->ntasks, sizeof *placed);
	for (int n = 0; n < j->ntasks; n++) {
		/* the first task in file order whose dependencies are placed;
		 * there is one while the graph has no cycle */
		int pick = -1;
		for (int t = 0; t < j->ntasks && pick < 0; t++) {
			if (placed[t])
				continue;
			bool ready = true;
			for (int d = 0; d < j->tasks[t].ndeps && ready; d++)
				ready = placed[j->tasks[t].dep[d]];
			if (ready)
				pick = t;
		}
		if (pick < 0)
			break;
		placed[pick] = true;
		order[n] = pick;
	}
	free(placed);
}

void
job_dag_downstream(const struct job *j, bool *mark)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (int t = 0; t < j->ntasks; t++) {
			if (mark[t])
				continue;
			for (int d = 0; d < j->tasks[t].ndeps; d++)
				if (mark[j->tasks[t].dep[d]]) {
					mark[t] = true;
					changed = true;
					break;
				}
		}
	}
}

bool
job_dag_is_leaf(const struct job *j, int task)
{
	for (int t = 0; t < j->ntasks; t++)
		for (int d = 0; d < j->tasks[t].ndeps; d++)
			if (j->tasks[t].dep[d] == task)
				return false;
	return true;
}

/* ------------------------------------------------------------ outcome */

enum job_status
job_run_outcome(const struct job_run *r)
{
	bool all_ok = true, leaf_failed = false;
	for (int t = 0; t < r->ntasks; t++) {
		enum job_status s = r->tasks[t].status;
		if (s == JOB_CANCELED)
			return JOB_CANCELED;
		if (s != JOB_SUCCESS && s != JOB_SKIPPED)
			all_ok = false;
		if (!job_status_failed(s) && s != JOB_PENDING && s != JOB_RUNNING)
			continue;
		/* a leaf: no task of the run depends on it */
		bool leaf = true;
		for (int u = 0; u < r->ntasks && leaf; u++)
			for (int d = 0; d < r->tasks[u].ndeps; d++)
				if (strcmp(r->tasks[u].deps[d], r->tasks[t].key) == 0) {
					leaf = false;
					break;
				}
		if (leaf)
			leaf_failed = true;
	}
	if (all_ok)
		return JOB_SUCCESS;
	return leaf_failed ? JOB_FAILED : JOB_SUCCESS_WITH_FAILURES;
}

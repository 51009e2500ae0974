/*
 * job_file: reading and checking job files (the format is wb-job(5)).
 *
 * An INI-like text, one setting per line so that diffs show what
 * changed:
 *
 *   # comment
 *   [job]
 *   name = nightly
 *   [parameters]
 *   day = 2019-10-01
 *   [task ingest]
 *   notebook = ingest.wb
 *   param.source = events.csv
 *   [task silver]
 *   notebook = silver.wb
 *   depends_on = ingest
 *
 * Every error names the file and line and says what to write instead;
 * nothing in a file is ignored (unknown keys and sections are errors, so
 * a typo never silently changes what runs).
 */
#include "cli/job.h"
#include "core/datetime.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/types.h"
#include "core/xmalloc.h"
#include "ml/ml_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const job_keys[] = {"name", "description", "schedule", "max_parallel"};
static const char *const task_keys[] = {"notebook", "depends_on", "max_retries", "retry_backoff", "retry_on_timeout",
    "timeout", "run_if", "description", "param.NAME"};

#define NKEYS(a) ((int)(sizeof(a) / sizeof(a)[0]))

static const char *const run_if_names[] = {"all_success", "at_least_one_success", "none_failed", "all_done",
    "at_least_one_failed", "all_failed"};

const char *
job_run_if_name(enum job_run_if r)
{
	return run_if_names[r];
}

bool
job_run_if_parse(const char *s, enum job_run_if *out)
{
	for (int i = 0; i < NKEYS(run_if_names); i++)
		if (strcasecmp(s, run_if_names[i]) == 0) {
			*out = (enum job_run_if)i;
			return true;
		}
	return false;
}

bool
job_name_ok(const char *s, bool task)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '-' && (task || c != '.'))
			return false;
	}
	return true;
}

/* A parameter name as SQL writes :name. */
static bool
param_name_ok(const char *s)
{
	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return strlen(s) <= 100;
}

/* ------------------------------------------------------------ freeing */

void
job_kv_free(struct job_kv *kv, int n)
{
	for (int i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void
job_free(struct job *j)
{
	free(j->path);
	free(j->abs_path);
	free(j->dir);
	free(j->name);
	free(j->description);
	free(j->schedule);
	job_kv_free(j->params, j->nparams);
	for (int t = 0; t < j->ntasks; t++) {
		struct job_task *k = &j->tasks[t];
		free(k->key);
		free(k->notebook);
		for (int d = 0; d < k->ndeps; d++)
			free(k->deps[d]);
		free(k->deps);
		free(k->dep);
		job_kv_free(k->params, k->nparams);
		free(k->description);
	}
	free(j->tasks);
	memset(j, 0, sizeof *j);
}

int
job_task_find(const struct job *j, const char *key)
{
	for (int t = 0; t < j->ntasks; t++)
		if (strcmp(j->tasks[t].key, key) == 0)
			return t;
	return -1;
}

static const struct job_kv *
kv_find(const struct job_kv *kv, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return &kv[i];
	return NULL;
}

static void
kv_add(struct job_kv **kv, int *n, const char *key, const char *value, int line)
{
	*kv = xrealloc(*kv, sizeof **kv * (size_t)(*n + 1));
	(*kv)[*n] = (struct job_kv){xstrdup(key), xstrdup(value), line};
	(*n)++;
}

/* ------------------------------------------------------------ references */

/* The reference names: job.NAME, job.start_time.X, job.parameters.NAME,
 * task.name. */
static const char *const ref_names[] = {"job.name", "job.run_id", "job.repair_count", "job.trigger.type",
    "job.start_time.iso_date", "job.start_time.iso_datetime", "job.start_time.timestamp_ms", "job.start_time.year",
    "job.start_time.month", "job.start_time.day", "job.start_time.hour", "job.start_time.minute", "task.name",
    "job.parameters.NAME"};

/* Resolve one reference (trimmed) into out; false when unknown. With ctx
 * NULL only known-ness is checked; task says whether task.* is allowed,
 * and pnames the job parameters job.parameters.NAME may name. */
static bool
ref_resolve(const char *ref, const struct job_ref_ctx *ctx, bool task, const struct job_kv *params, int nparams,
    struct strbuf *out, struct wb_error *err, const char *where)
{
	if (strncmp(ref, "job.parameters.", 15) == 0) {
		const struct job_kv *kv = kv_find(params, nparams, ref + 15);
		if (kv == NULL) {
			err_set(err, -1, "%s: {{%s}} names no job parameter", where, ref);
			err_hint(err, "declare it under [parameters]");
			return false;
		}
		if (!task) {
			err_set(err, -1, "%s: {{%s}}: a job parameter cannot refer to another", where, ref);
			err_hint(err, "task parameters (param.NAME) can refer to job parameters");
			return false;
		}
		sb_puts(out, kv->value);
		return true;
	}
	int found = -1;
	for (int i = 0; i < NKEYS(ref_names) - 1; i++)
		if (strcmp(ref, ref_names[i]) == 0)
			found = i;
	if (found < 0) {
		err_set(err, -1, "%s: unknown reference {{%s}}", where, ref);
		const char *s = str_suggest(ref, ref_names, NKEYS(ref_names));
		if (s)
			err_hint(err, "did you mean {{%s}}? (see wb-job(5), PARAMETERS)", s);
		else
			err_hint(err, "references are {{job.name}}, {{job.run_id}}, {{job.start_time.iso_date}}, "
			    "{{job.parameters.NAME}}, {{task.name}}, ... (see wb-job(5), PARAMETERS)");
		return false;
	}
	if (strcmp(ref, "task.name") == 0 && !task) {
		err_set(err, -1, "%s: {{task.name}} is only known in task parameters", where);
		err_hint(err, "use it in a task's param.NAME");
		return false;
	}
	if (ctx == NULL)
		return true;
	time_t ts = (time_t)(ctx->start_ms / 1000);
	struct tm tm;
	gmtime_r(&ts, &tm);
	char buf[64];
	switch (found) {
	case 0: sb_puts(out, ctx->job_name); break;
	case 1: sb_printf(out, "%lld", (long long)ctx->run_id); break;
	case 2: sb_printf(out, "%d", ctx->repair_count); break;
	case 3: sb_puts(out, ctx->trigger); break;
	case 4: strftime(buf, sizeof buf, "%Y-%m-%d", &tm); sb_puts(out, buf); break;
	case 5: strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm); sb_puts(out, buf); break;
	case 6: sb_printf(out, "%lld", (long long)ctx->start_ms); break;
	case 7: sb_printf(out, "%d", tm.tm_year + 1900); break;
	case 8: sb_printf(out, "%d", tm.tm_mon + 1); break;
	case 9: sb_printf(out, "%d", tm.tm_mday); break;
	case 10: sb_printf(out, "%d", tm.tm_hour); break;
	case 11: sb_printf(out, "%d", tm.tm_min); break;
	default: sb_puts(out, ctx->task_key ? ctx->task_key : ""); break;
	}
	return true;
}

/* job_expand with the checking context spelled out. */
static char *
expand(const char *value, const struct job_ref_ctx *ctx, bool task, const struct job_kv *params, int nparams,
    struct wb_error *err, const char *where)
{
	struct strbuf out = STRBUF_INIT;
	sb_puts(&out, "");
	const char *p = value;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (open == NULL) {
			sb_puts(&out, p);
			break;
		}
		sb_add(&out, p, (size_t)(open - p));
		const char *close = strstr(open + 2, "}}");
		if (close == NULL) {
			err_set(err, -1, "%s: '{{' without '}}' in \"%s\"", where, value);
			err_hint(err, "write a reference as {{job.run_id}}");
			sb_free(&out);
			return NULL;
		}
		const char *a = open + 2, *b = close;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		char *ref = xstrndup(a, (size_t)(b - a));
		bool ok = ref_resolve(ref, ctx, task, params, nparams, &out, err, where);
		free(ref);
		if (!ok) {
			sb_free(&out);
			return NULL;
		}
		p = close + 2;
	}
	return sb_detach(&out);
}

char *
job_expand(const char *value, const struct job_ref_ctx *ctx, struct wb_error *err)
{
	char where[160];
	if (ctx->task_key)
		snprintf(where, sizeof where, "task %s", ctx->task_key);
	else
		snprintf(where, sizeof where, "job %s", ctx->job_name);
	return expand(value, ctx, ctx->task_key != NULL, ctx->params, ctx->nparams, err, where);
}

/* ------------------------------------------------------------ parsing */

struct pstate {
	const char *path;
	struct job *j;
	struct wb_error *err;
	int line;
	enum { SEC_NONE, SEC_JOB, SEC_PARAMS, SEC_TASK } sec;
	int task;                    /* SEC_TASK: its index */
	/* which keys were set, and where, to refuse a key given twice */
	struct job_kv *seen;
	int nseen;
};

static int
perr(struct pstate *ps, const char *hint, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
perr(struct pstate *ps, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(ps->err, -1, "%s:%d: %s", ps->path, ps->line, m);
	if (hint)
		err_hint(ps->err, "%s", hint);
	free(m);
	return -1;
}

static const char *
section_name(struct pstate *ps, char *buf, size_t n)
{
	switch (ps->sec) {
	case SEC_JOB: return "[job]";
	case SEC_PARAMS: return "[parameters]";
	case SEC_TASK: snprintf(buf, n, "[task %s]", ps->j->tasks[ps->task].key); return buf;
	default: return "(no section)";
	}
}

/* A key may be given once per section. */
static int
check_once(struct pstate *ps, const char *key)
{
	char id[300];
	snprintf(id, sizeof id, "%d/%d/%s", (int)ps->sec, ps->task, key);
	const struct job_kv *kv = kv_find(ps->seen, ps->nseen, id);
	if (kv != NULL) {
		char b[160];
		return perr(ps, "remove one of them", "%s is set twice in %s (first at line %d)", key,
		    section_name(ps, b, sizeof b), kv->line);
	}
	kv_add(&ps->seen, &ps->nseen, id, "", ps->line);
	return 0;
}

/* The value after '=': trimmed; a "quoted" value keeps spaces and '#'
 * (escapes \" \\ \n \t); otherwise " #" starts a comment. */
static int
parse_value(struct pstate *ps, const char *s, char **out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	struct strbuf b = STRBUF_INIT;
	sb_puts(&b, "");
	if (*s == '"') {
		s++;
		for (;; s++) {
			if (*s == '\0') {
				sb_free(&b);
				return perr(ps, "close the quoted value with \" on the same line", "unterminated quoted value");
			}
			if (*s == '"')
				break;
			if (*s == '\\') {
				s++;
				char c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
				if (*s != '"' && *s != '\\' && *s != 'n' && *s != 't') {
					sb_free(&b);
					return perr(ps, "inside quotes write \\\" \\\\ \\n or \\t", "unknown escape \\%c in a quoted value",
					    *s ? *s : ' ');
				}
				sb_putc(&b, c);
				continue;
			}
			sb_putc(&b, *s);
		}
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '\0' && *s != '#') {
			sb_free(&b);
			return perr(ps, "put a comment after the value as  # comment", "unexpected text after the quoted value: %s", s);
		}
		*out = sb_detach(&b);
		return 0;
	}
	const char *end = s;
	for (const char *p = s; *p; p++) {
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t'))
			break;
		end = p + 1;
	}
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	sb_add(&b, s, (size_t)(end - s));
	*out = sb_detach(&b);
	return 0;
}

static int
parse_int_value(struct pstate *ps, const char *key, const char *v, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi) {
		char hint[120];
		snprintf(hint, sizeof hint, "write %s = N with N a whole number from %d to %d", key, lo, hi);
		return perr(ps, hint, "%s: '%s' is not a number from %d to %d", key, v, lo, hi);
	}
	*out = (int)n;
	return 0;
}

static int
parse_duration_value(struct pstate *ps, const char *key, const char *v, int64_t *out)
{
	if (!dt_parse_duration(v, out)) {
		char hint[160];
		snprintf(hint, sizeof hint, "write %s = 30s (or 90, 500ms, 5m, 1h30m)", key);
		return perr(ps, hint, "%s: '%s' is not a duration", key, v);
	}
	return 0;
}

/* depends_on = a, b c: names separated by commas and/or spaces. */
static int
parse_deps(struct pstate *ps, struct job_task *t, const char *v)
{
	const char *p = v;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ' && *e != '\t')
			e++;
		char *name = xstrndup(p, (size_t)(e - p));
		if (!job_name_ok(name, true)) {
			perr(ps, "write depends_on = task1, task2 with the names of [task NAME] sections",
			    "depends_on: '%s' is not a task name", name);
			free(name);
			return -1;
		}
		t->deps = xrealloc(t->deps, sizeof *t->deps * (size_t)(t->ndeps + 1));
		t->deps[t->ndeps++] = name;
		p = e;
	}
	t->deps_line = ps->line;
	return 0;
}

static int
unknown_key(struct pstate *ps, const char *key, const char *const *keys, int n, const char *sec)
{
	const char *s = str_suggest(key, keys, n);
	struct strbuf h = STRBUF_INIT;
	if (s)
		sb_printf(&h, "did you mean %s? ", s);
	sb_printf(&h, "%s takes ", sec);
	for (int i = 0; i < n; i++)
		sb_printf(&h, "%s%s", i ? (i == n - 1 ? " and " : ", ") : "", keys[i]);
	perr(ps, sb_str(&h), "unknown key '%s' in %s", key, sec);
	sb_free(&h);
	return -1;
}

static int
job_setting(struct pstate *ps, const char *key, const char *v)
{
	struct job *j = ps->j;
	if (strcmp(key, "name") == 0) {
		if (!job_name_ok(v, false))
			return perr(ps, "a job name is letters, digits, '_', '-' and '.', starting with a letter or digit "
			    "(it names the job's folder in the warehouse)", "name: '%s' is not a usable job name", v);
		free(j->name);
		j->name = xstrdup(v);
	} else if (strcmp(key, "description") == 0) {
		free(j->description);
		j->description = xstrdup(v);
	} else if (strcmp(key, "schedule") == 0) {
		struct job_cron c;
		struct wb_error e = WB_ERROR_INIT;
		if (job_cron_parse(v, &c, &e) < 0) {
			perr(ps, e.hint, "schedule: %s", e.msg);
			err_clear(&e);
			return -1;
		}
		free(j->schedule);
		j->schedule = xstrdup(v);
		j->schedule_line = ps->line;
	} else if (strcmp(key, "max_parallel") == 0) {
		return parse_int_value(ps, key, v, 1, 1024, &j->max_parallel);
	} else {
		return unknown_key(ps, key, job_keys, NKEYS(job_keys), "[job]");
	}
	return 0;
}

static int
task_setting(struct pstate *ps, const char *key, const char *v)
{
	struct job_task *t = &ps->j->tasks[ps->task];
	if (strncmp(key, "param.", 6) == 0) {
		if (!param_name_ok(key + 6))
			return perr(ps, "write param.NAME = VALUE; NAME is letters, digits and '_' (the notebook reads :NAME)",
			    "'%s' is not a parameter name", key + 6);
		kv_add(&t->params, &t->nparams, key + 6, v, ps->line);
	} else if (strcmp(key, "notebook") == 0) {
		if (*v == '\0')
			return perr(ps, "write notebook = path/to/notebook.wb (relative to the job file)", "notebook: no path");
		free(t->notebook);
		t->notebook = xstrdup(v);
		t->notebook_line = ps->line;
	} else if (strcmp(key, "depends_on") == 0) {
		return parse_deps(ps, t, v);
	} else if (strcmp(key, "max_retries") == 0) {
		return parse_int_value(ps, key, v, 0, 100, &t->max_retries);
	} else if (strcmp(key, "retry_backoff") == 0) {
		return parse_duration_value(ps, key, v, &t->backoff_ms);
	} else if (strcmp(key, "timeout") == 0) {
		return parse_duration_value(ps, key, v, &t->timeout_ms);
	} else if (strcmp(key, "retry_on_timeout") == 0) {
		if (!parse_bool(v, strlen(v), &t->retry_on_timeout))
			return perr(ps, "write retry_on_timeout = true or false", "retry_on_timeout: '%s' is not true or false", v);
	} else if (strcmp(key, "run_if") == 0) {
		if (!job_run_if_parse(v, &t->run_if)) {
			struct strbuf h = STRBUF_INIT;
			const char *s = str_suggest(v, run_if_names, NKEYS(run_if_names));
			if (s)
				sb_printf(&h, "did you mean %s? ", s);
			sb_puts(&h, "run_if is all_success (the default), at_least_one_success, none_failed, all_done, "
			    "at_least_one_failed or all_failed");
			perr(ps, sb_str(&h), "run_if: unknown condition '%s'", v);
			sb_free(&h);
			return -1;
		}
	} else if (strcmp(key, "description") == 0) {
		free(t->description);
		t->description = xstrdup(v);
	} else {
		return unknown_key(ps, key, task_keys, NKEYS(task_keys), "a [task] section");
	}
	return 0;
}

static int
section(struct pstate *ps, char *s)
{
	char *close = strchr(s, ']');
	if (close == NULL)
		return perr(ps, "write a section header as [job], [parameters] or [task NAME]", "'[' without ']'");
	for (char *p = close + 1; *p; p++) {
		if (*p == '#')
			break;
		if (*p != ' ' && *p != '\t')
			return perr(ps, "put nothing but a # comment after a section header", "unexpected text after ']': %s",
			    close + 1);
	}
	*close = '\0';
	char *name = s + 1;
	while (*name == ' ' || *name == '\t')
		name++;
	char *end = name + strlen(name);
	while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	struct job *j = ps->j;
	if (strcmp(name, "job") == 0) {
		ps->sec = SEC_JOB;
	} else if (strcmp(name, "parameters") == 0) {
		ps->sec = SEC_PARAMS;
	} else if (strncmp(name, "task", 4) == 0 && (name[4] == ' ' || name[4] == '\t' || name[4] == '\0')) {
		char *key = name + 4;
		while (*key == ' ' || *key == '\t')
			key++;
		if (*key == '\0')
			return perr(ps, "name the task: [task ingest]", "a task section needs a name");
		if (!job_name_ok(key, true))
			return perr(ps, "a task name is letters, digits, '_' and '-', starting with a letter or digit",
			    "'%s' is not a usable task name", key);
		int other = job_task_find(j, key);
		if (other >= 0) {
			char hint[200];
			snprintf(hint, sizeof hint, "task names are unique: rename one, or merge them into the one at line %d",
			    j->tasks[other].line);
			return perr(ps, hint, "task %s is defined twice", key);
		}
		j->tasks = xrealloc(j->tasks, sizeof *j->tasks * (size_t)(j->ntasks + 1));
		struct job_task *t = &j->tasks[j->ntasks];
		memset(t, 0, sizeof *t);
		t->key = xstrdup(key);
		t->line = ps->line;
		t->backoff_ms = 1000;
		ps->sec = SEC_TASK;
		ps->task = j->ntasks++;
	} else {
		return perr(ps, "the sections are [job], [parameters] and [task NAME]", "unknown section [%s]", name);
	}
	if (ps->sec != SEC_TASK) {
		/* [job] and [parameters] may be split, but a key stays unique */
		ps->task = -1;
	}
	return 0;
}

static int
setting(struct pstate *ps, char *s)
{
	char *eq = strchr(s, '=');
	if (eq == NULL) {
		if (ps->sec == SEC_TASK)
			return perr(ps, "write key = value, e.g. notebook = ingest.wb", "expected 'key = value', found '%s'", s);
		return perr(ps, "write key = value, a [section] header, or a # comment",
		    "expected 'key = value', found '%s'", s);
	}
	char *kend = eq;
	while (kend > s && (kend[-1] == ' ' || kend[-1] == '\t'))
		kend--;
	char *key = xstrndup(s, (size_t)(kend - s));
	int rc = -1;
	char *v = NULL;
	if (*key == '\0') {
		perr(ps, "write key = value", "a key is missing before '='");
		goto out;
	}
	for (char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-') {
			perr(ps, "keys are letters, digits, '_' and '.'; write key = value", "'%s' is not a key", key);
			goto out;
		}
	if (parse_value(ps, eq + 1, &v) < 0)
		goto out;
	if (ps->sec == SEC_NONE) {
		perr(ps, "start the file with [job] (name = ...) and the tasks with [task NAME]",
		    "'%s' is outside any section", key);
		goto out;
	}
	if (check_once(ps, key) < 0)
		goto out;
	if (ps->sec == SEC_JOB) {
		rc = job_setting(ps, key, v);
	} else if (ps->sec == SEC_PARAMS) {
		if (!param_name_ok(key)) {
			perr(ps, "a parameter name is letters, digits and '_' (the notebooks read :NAME)",
			    "'%s' is not a parameter name", key);
			goto out;
		}
		kv_add(&ps->j->params, &ps->j->nparams, key, v, ps->line);
		rc = 0;
	} else {
		rc = task_setting(ps, key, v);
	}
out:
	free(key);
	free(v);
	return rc;
}

static int
parse_lines(struct pstate *ps, const char *text, size_t len)
{
	size_t i = 0;
	ps->line = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		ps->line++;
		char *line = xstrndup(text + i, e - i);
		i = e + 1;
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		int rc = 0;
		if (*s == '\0' || *s == '#' || *s == ';')
			rc = 0;
		else if (*s == '[')
			rc = section(ps, s);
		else
			rc = setting(ps, s);
		free(line);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ checks */

static int
lerr(struct job *j, struct wb_error *err, int line, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
lerr(struct job *j, struct wb_error *err, int line, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(err, -1, "%s:%d: %s", j->path, line, m);
	if (hint)
		err_hint(err, "%s", hint);
	free(m);
	return -1;
}

static int
check_refs(struct job *j, const struct job_kv *kv, bool task, struct wb_error *err)
{
	char where[200];
	snprintf(where, sizeof where, "%s:%d", j->path, kv->line);
	char *v = expand(kv->value, NULL, task, j->params, j->nparams, err, where);
	free(v);
	return v ? 0 : -1;
}

static int
check(struct job *j, bool check_files, struct wb_error *err)
{
	if (j->ntasks == 0) {
		err_set(err, -1, "%s: the job has no tasks", j->path);
		err_hint(err, "add a task: [task NAME] with notebook = path/to/notebook.wb");
		return -1;
	}
	for (int i = 0; i < j->nparams; i++)
		if (check_refs(j, &j->params[i], false, err) < 0)
			return -1;
	for (int t = 0; t < j->ntasks; t++) {
		struct job_task *k = &j->tasks[t];
		if (k->notebook == NULL)
			return lerr(j, err, k->line, "add notebook = path/to/notebook.wb (relative to the job file)",
			    "task %s has no notebook", k->key);
		if (check_files) {
			char *p = k->notebook[0] == '/' ? xstrdup(k->notebook) : xasprintf("%s/%s", j->dir, k->notebook);
			struct stat st;
			int rc = stat(p, &st);
			int e = errno;
			free(p);
			if (rc < 0 || !S_ISREG(st.st_mode))
				return lerr(j, err, k->notebook_line, "notebook paths are relative to the job file's folder",
				    "task %s: notebook %s: %s", k->key, k->notebook, rc < 0 ? strerror(e) : "not a file");
		}
		for (int i = 0; i < k->nparams; i++) {
			const struct job_kv *jp = kv_find(j->params, j->nparams, k->params[i].key);
			if (jp != NULL) {
				char hint[300];
				snprintf(hint, sizeof hint, "job parameters override task parameters of the same name (as in "
				    "Databricks), so this one would never be used: rename it, or remove one (the job's is at line %d)",
				    jp->line);
				return lerr(j, err, k->params[i].line, hint, "task %s: param.%s is also a job parameter", k->key,
				    k->params[i].key);
			}
			if (check_refs(j, &k->params[i], true, err) < 0)
				return -1;
		}
	}
	return job_dag_resolve(j, err);
}

/* The absolute folder of path and path made absolute. */
static void
locate(struct job *j, const char *path)
{
	char *abs = realpath(path, NULL);
	if (abs == NULL) {
		char cwd[PATH_MAX];
		abs = path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL ? xstrdup(path) : xasprintf("%s/%s", cwd, path);
	}
	j->abs_path = abs;
	const char *slash = strrchr(abs, '/');
	j->dir = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
}

/* The file's name without its folder and a trailing .job. */
static char *
default_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".job") == 0)
		n -= 4;
	return xstrndup(b, n);
}

int
job_parse(const char *text, size_t len, const char *path, bool check_files, struct job *j, struct wb_error *err)
{
	memset(j, 0, sizeof *j);
	j->path = xstrdup(path);
	locate(j, path);
	if (memchr(text, '\0', len) != NULL) {
		err_set(err, -1, "%s is not a text file (it contains NUL bytes)", path);
		err_hint(err, "a job file is text: see wb-job(5)");
		job_free(j);
		return -1;
	}
	struct pstate ps = {.path = path, .j = j, .err = err, .task = -1};
	int rc = parse_lines(&ps, text, len);
	job_kv_free(ps.seen, ps.nseen);
	if (rc == 0 && j->name == NULL) {
		j->name = default_name(path);
		if (!job_name_ok(j->name, false)) {
			err_set(err, -1, "%s: no job name, and the file name '%s' cannot be one", path, j->name);
			err_hint(err, "add [job] with name = NAME (letters, digits, '_', '-', '.')");
			rc = -1;
		}
	}
	if (rc == 0)
		rc = check(j, check_files, err);
	if (rc < 0)
		job_free(j);
	return rc;
}

int
job_load(const char *path, struct job *j, struct wb_error *err)
{
	size_t len;
	char *text = ml_yaml_file_read(path, &len, NULL, err);
	if (text == NULL) {
		err_hint(err, "name a job file (wb-job(5) describes the format)");
		return -1;
	}
	int rc = job_parse(text, len, path, true, j, err);
	free(text);
	return rc;
}

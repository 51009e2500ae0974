/*
 * job_commits: the task side of rows written. The runner starts each task
 * with $WB_JOB_COMMITS naming a file in the run's logs; the task's process
 * appends one JSON line per Delta commit it publishes:
 *
 *   {"table":"/w/main/silver/events","version":3,"operation":"WRITE","rows":1000,
 *    "expectations":"valid_price: 1 of 1000 failed (quarantine)"}
 *
 * Each line goes out in one write(2) on an O_APPEND descriptor, so a task
 * killed mid-way leaves whole lines (and at worst a last partial one, which
 * job_commits_read ignores). The runner reads the file when the task ends.
 */
#include "cli/job.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static const char *commit_path;
static int commit_fd = -1;

/* What the commit's expectations did ("valid_price: 1 of 9768 failed
 * (quarantine); ..."), from its commitInfo's "wb.expectations" member
 * (cli/expect.h), into out; nothing when it has none. */
static void
expectations_summary(const char *dir, int64_t version, struct strbuf *out)
{
	char *path = xasprintf("%s/_delta_log/%020lld.json", dir, (long long)version);
	FILE *f = fopen(path, "rb");
	free(path);
	if (f == NULL)
		return;
	struct strbuf text = STRBUF_INIT;
	sb_read_stream(&text, f);
	fclose(f);
	struct arena a;
	arena_init(&a, 0);
	const char *p = sb_str(&text);
	while (*p) {
		size_t len = strcspn(p, "\n");
		const struct json *o = json_parse(p, len, &a, 0, NULL);
		const struct json *e = json_get(json_get(o, "commitInfo"), "wb.expectations");
		for (uint32_t i = 0; json_is(e, JSON_ARRAY) && i < e->n; i++) {
			const struct json *x = &e->u.items[i];
			int64_t passed = 0, failed = 0;
			json_get_int(x, "passed", &passed);
			json_get_int(x, "failed", &failed);
			const char *name = json_get_str(x, "name"), *action = json_get_str(x, "action");
			sb_printf(out, "%s%s: %lld of %lld failed (%s)", out->len ? "; " : "", name ? name : "?",
			    (long long)failed, (long long)(passed + failed), action ? action : "?");
		}
		if (json_get(o, "commitInfo"))
			break;
		p += len + (p[len] == '\n');
	}
	arena_release(&a);
	sb_free(&text);
}

static void
log_commit(void *arg, const char *dir, int64_t version, const char *operation, int64_t rows)
{
	(void)arg;
	if (commit_fd < 0)
		commit_fd = open(commit_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (commit_fd < 0)
		return;     /* the runner then counts no rows for this task */
	struct strbuf b = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &b);
	json_w_object(&w);
	json_w_key(&w, "table");
	json_w_string(&w, dir);
	json_w_key(&w, "version");
	json_w_int(&w, version);
	json_w_key(&w, "operation");
	json_w_string(&w, operation);
	json_w_key(&w, "rows");
	json_w_int(&w, rows);
	struct strbuf ex = STRBUF_INIT;
	expectations_summary(dir, version, &ex);
	if (ex.len) {
		json_w_key(&w, "expectations");
		json_w_string(&w, sb_str(&ex));
	}
	sb_free(&ex);
	json_w_end(&w);
	sb_putc(&b, '\n');
	/* the commit stands whatever happens here; a lost line only makes
	 * the task's rows written smaller */
	ssize_t n = write(commit_fd, b.s, b.len);
	(void)n;
	sb_free(&b);
}

void
job_commit_log_install(void)
{
	const char *path = getenv("WB_JOB_COMMITS");
	if (path == NULL || *path == '\0' || commit_path != NULL)
		return;
	/* opened at the first commit: a task that writes nothing leaves no file */
	commit_path = path;
	lake_set_commit_observer(log_commit, NULL);
}

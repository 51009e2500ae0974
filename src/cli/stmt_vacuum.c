/*
 * VACUUM table [RETAIN n HOURS] [DRY RUN]: delete the files a Delta table
 * no longer needs (store/lake lake_vacuum has the rule). Retentions below
 * the table's (delta.deletedFileRetentionDuration, 7 days by default) are
 * refused, as Databricks does, unless the session turned the check off:
 * readers of older versions, time travel and writers still running may
 * need files removed that recently.
 */
#include "cli/stmt_int.h"
#include "store/lake/lake.h"

#include <math.h>
#include <stdio.h>

struct vacuum_stmt {
	struct stmt_target target;
	bool retain;
	double hours;
	int retain_pos;
	bool dry_run;
};

static int
parse_vacuum(struct parser *p, void **data)
{
	struct vacuum_stmt *v = arena_zalloc(p->arena, sizeof *v);
	*data = v;
	if (!stmt_parse_target(p, &v->target))
		return -1;
	if (parser_accept_word(p, "RETAIN")) {
		v->retain = true;
		v->retain_pos = parser_peek(p, 0)->pos;
		if (!parser_number(p, &v->hours))
			return -1;
		if (v->hours < 0 || !isfinite(v->hours) || v->hours > 1e9) {
			p->cur--;
			return parser_error(p, "RETAIN needs a number of hours, 0 or more");
		}
		if (!parser_accept_word(p, "HOURS") && !parser_expect_word(p, "HOUR"))
			return -1;
	}
	if (parser_accept_word(p, "DRY")) {
		if (!parser_expect_word(p, "RUN"))
			return -1;
		v->dry_run = true;
	}
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "RETAIN n HOURS, DRY RUN or the end of the statement");
}

struct listing {
	struct rowset_builder *rows;
};

static void
list_file(void *arg, const char *path, int64_t size)
{
	struct listing *l = arg;
	(void)size;
	if (l->rows) {
		rsb_str(l->rows, 0, path);
		rsb_end_row(l->rows);
	}
}

static int
exec_vacuum(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct vacuum_stmt *v = data;
	const char *dir;
	struct table *t = stmt_target_open(s, &v->target, "VACUUM", true, &dir, err);
	if (t == NULL)
		return -1;
	int rc = -1;
	struct delta_snapshot *snap = delta_snapshot_open(dir, NULL, err);
	if (snap == NULL) {
		err_at(err, v->target.pos);
		goto out;
	}
	int64_t table_ms = delta_deleted_file_retention_ms(snap);
	delta_snapshot_free(snap);
	if (table_ms < 0 && !v->retain) {
		err_set(err, v->target.pos, "VACUUM: the table property delta.deletedFileRetentionDuration of \"%s\" is not an "
		    "interval wb understands (such as 'interval 7 days')", t->name);
		err_hint(err, "give the retention: VACUUM %s RETAIN 168 HOURS", t->name);
		goto out;
	}
	int64_t retain_ms = v->retain ? (int64_t)llround(v->hours * 3600000.0) : table_ms;
	if (v->retain && s->delta_retention_check && table_ms >= 0 && retain_ms < table_ms) {
		err_set(err, v->retain_pos, "VACUUM ... RETAIN %g HOURS is shorter than the retention of \"%s\", %g hours "
		    "(delta.deletedFileRetentionDuration): readers of older versions, time travel and writers still running "
		    "may need files removed since then", v->hours, t->name, (double)table_ms / 3600000.0);
		err_hint(err, "if you are sure no one needs them: SET spark.databricks.delta.retentionDurationCheck.enabled = "
		    "false");
		goto out;
	}
	struct rowset_builder rows;
	struct listing l = {NULL};
	if (v->dry_run) {
		static const char *const names[] = {"path"};
		static const wb_type types[] = {WB_TYPE_VARCHAR};
		rsb_init(&rows, 1, names, types);
		l.rows = &rows;
	}
	struct lake_vacuum_options o = {.retain_ms = retain_ms, .dry_run = v->dry_run, .retention_check =
	    s->delta_retention_check, .default_retention_ms = table_ms, .retain_given = v->retain, .each = list_file,
	    .arg = &l};
	struct lake_vacuum_result r;
	if (lake_vacuum(dir, &o, &r, err) < 0) {
		err_at(err, v->target.pos);
		if (v->dry_run)
			rsb_free(&rows);
		goto out;
	}
	if (v->dry_run) {
		session_message(s, "Found %lld file%s (%lld bytes) to delete", (long long)r.files, r.files == 1 ? "" : "s",
		    (long long)r.bytes);
		rc = rows_emit(s, &rows, err);
	} else {
		session_message(s, "Deleted %lld file%s (%lld bytes) in %lld director%s", (long long)r.files,
		    r.files == 1 ? "" : "s", (long long)r.bytes, (long long)r.dirs, r.dirs == 1 ? "y" : "ies");
		static const char *const names[] = {"path", "numDeletedFiles", "numDeletedBytes"};
		static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT};
		rsb_init(&rows, 3, names, types);
		rsb_str(&rows, 0, dir);
		rsb_int(&rows, 1, r.files);
		rsb_int(&rows, 2, r.bytes);
		rsb_end_row(&rows);
		rc = rows_emit(s, &rows, err);
	}
out:
	table_unref(t);
	return rc;
}

const struct stmt_ext stmt_ext_vacuum = {
	.word = "VACUUM",
	.parse = parse_vacuum,
	.exec = (void *)exec_vacuum,
	.usage = "VACUUM table [RETAIN n HOURS] [DRY RUN]",
	.summary = "delete the files a Delta table no longer needs (removed longer ago than the retention)",
};

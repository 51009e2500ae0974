/*
 * The statements of streaming tables (stream.h), registered as parser
 * extensions:
 *
 *   CREATE [OR REFRESH] STREAMING TABLE [IF NOT EXISTS] name
 *     [(column type [NOT NULL] [COMMENT '...'], ... [, CONSTRAINT c EXPECT (cond) ...])]
 *     [PARTITIONED BY (col, ...)] [COMMENT '...'] [TBLPROPERTIES (...)]
 *     AS SELECT ... FROM STREAM read_csv('landing/' [, option => value ...])
 *        [WATERMARK col DELAY OF INTERVAL ...] ...
 *   REFRESH STREAMING TABLE name [FULL]
 *   DESCRIBE STREAM name
 *   SHOW STREAMING TABLES [IN schema]
 *
 * CREATE makes the Delta table (with its first batch's columns, or the
 * columns listed), records the definition in its properties and runs what
 * is available; OR REFRESH on an existing streaming table keeps its data
 * and checkpoint, takes the new definition and runs. REFRESH runs the
 * batches the files present allow (trigger available-now); FULL empties
 * the table and processes every file again. Each says how many batches,
 * files and rows.
 */
#include "cli/expect.h"
#include "cli/stream.h"
#include "cli/stmt_int.h"
#include "core/datetime.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ CREATE */

struct create_stmt {
	bool or_refresh, if_not_exists;
	struct stream_create create;
	char *query;
	int query_len, query_pos;
};

static bool
tok_is(const struct token *t, const char *w)
{
	return t->type == TOK_IDENT && (size_t)t->len == strlen(w) && strncasecmp(t->text, w, (size_t)t->len) == 0;
}

static bool
tok_op(const struct token *t, const char *op)
{
	return t->type == TOK_OP && (size_t)t->len == strlen(op) && strncmp(t->text, op, (size_t)t->len) == 0;
}

/* The clauses between the name and AS - (elements), PARTITIONED BY,
 * COMMENT, TBLPROPERTIES - through CREATE TABLE's grammar: the text is
 * parsed as "CREATE TABLE x <clauses>", at the same offsets so that errors
 * point into the statement. */
static int
parse_clauses(struct parser *p, struct create_stmt *c, int first, int as)
{
	int from = p->toks[first].pos, to = p->toks[as].pos;
	char *text = arena_alloc(p->arena, (size_t)to + 32);
	memset(text, ' ', (size_t)to);
	memcpy(text, "CREATE TABLE x", 14);
	memcpy(text + from, p->src + from, (size_t)(to - from));
	int len = to;
	/* columns and CONSTRAINT items as CREATE TABLE takes them (cli/expect.h:
	 * EXPECT [ON VIOLATION ...]); a list of constraints alone needs a query
	 * in that grammar: the columns come from the stream's first files */
	bool cols = false;
	if (tok_op(&p->toks[first], "(")) {
		const struct token *t = &p->toks[first + 1];
		cols = !tok_is(t, "CONSTRAINT");
		for (int i = first + 1, d = 1; i < as && d > 0 && !cols; i++) {
			d += tok_op(&p->toks[i], "(") - tok_op(&p->toks[i], ")");
			if (d == 1 && tok_op(&p->toks[i], ",") && !tok_is(&p->toks[i + 1], "CONSTRAINT"))
				cols = true;
		}
	}
	if (!cols) {
		memcpy(text + len, " AS SELECT 1", 12);
		len += 12;
	}
	struct ast *ct = parse_statement(text, len, p->arena, p->err);
	if (ct == NULL)
		return -1;
	if (ct->kind != AST_CREATE_TABLE) {
		err_set(p->err, from, "syntax error in CREATE STREAMING TABLE");
		return -1;
	}
	if (ct->u.create.location) {
		err_set(p->err, from, "a streaming table lives in the warehouse: LOCATION is not supported");
		return -1;
	}
	if (ct->u.create.using_format && strcasecmp(ct->u.create.using_format, "delta") != 0) {
		err_set(p->err, from, "a streaming table is a Delta table (USING %s)", ct->u.create.using_format);
		return -1;
	}
	if (cols)
		c->create.columns = ct->u.create.columns;
	c->create.constraints = ct->u.create.constraints;
	c->create.partitioned = ct->u.create.partitioned;
	c->create.props = ct->u.create.props;
	c->create.comment = ct->u.create.comment;
	return 0;
}

static int
parse_create(struct parser *p, void **data, bool or_refresh)
{
	struct create_stmt *c = arena_zalloc(p->arena, sizeof *c);
	*data = c;
	c->or_refresh = or_refresh;
	if (parser_accept_word(p, "IF")) {
		if (!parser_expect_word(p, "NOT") || !parser_expect_word(p, "EXISTS"))
			return -1;
		c->if_not_exists = true;
	}
	c->create.pos = parser_peek(p, 0)->pos;
	if (!parser_qualified_name(p, &c->create.name))
		return -1;
	/* the top-level AS that starts the query */
	int first = p->cur, as = p->cur, depth = 0;
	for (;; as++) {
		const struct token *t = &p->toks[as];
		if (t->type == TOK_EOF || (depth == 0 && tok_op(t, ";"))) {
			p->cur = as;
			return parser_syntax_error(p, "AS and the streaming table's query");
		}
		depth += tok_op(t, "(") - tok_op(t, ")");
		if (depth == 0 && t->type == TOK_IDENT && t->kw == KW_AS)
			break;
	}
	if (as > first && parse_clauses(p, c, first, as) < 0)
		return -1;
	p->cur = as + 1;
	int end = p->cur;
	for (depth = 0; p->toks[end].type != TOK_EOF && !(depth == 0 && tok_op(&p->toks[end], ";")); end++)
		depth += tok_op(&p->toks[end], "(") - tok_op(&p->toks[end], ")");
	if (end == p->cur)
		return parser_syntax_error(p, "the streaming table's query");
	c->query_pos = p->toks[p->cur].pos;
	int qend = p->toks[end - 1].pos + p->toks[end - 1].len;
	if (p->toks[end - 1].type == TOK_STRING || p->toks[end - 1].type == TOK_QIDENT)
		qend = (int)(p->toks[end - 1].text - p->src) + p->toks[end - 1].len + 1;
	c->query_len = qend - c->query_pos;
	c->query = arena_strndup(p->arena, p->src + c->query_pos, (size_t)c->query_len);
	/* the definition's grammar is checked now, so that a typo fails before anything is made */
	struct stream_def d;
	if (stream_def_parse(c->query, c->query_len, c->query_pos, p->arena, &d, p->err) < 0)
		return -1;
	p->cur = end;
	return 0;
}

static int
parse_create_refresh(struct parser *p, void **data)
{
	return parse_create(p, data, true);
}

static int
parse_create_plain(struct parser *p, void **data)
{
	return parse_create(p, data, false);
}

/* The end of CREATE / REFRESH: what the run did. */
static void
summary(struct stream *st, const char *what)
{
	struct session *s = st->s;
	if (st->batches == 0) {
		session_message(s, "%s %s: up to date, no new files%s", what, st->name,
		    st->young ? " (some are still being written: a later refresh takes them)" : "");
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s %s: %lld batch%s, %lld file%s, %lld row%s written", what, st->name, (long long)st->batches,
	    st->batches == 1 ? "" : "es", (long long)st->files, st->files == 1 ? "" : "s", (long long)st->rows,
	    st->rows == 1 ? "" : "s");
	if (st->aggregate)
		sb_printf(&sb, ", %lld late row%s dropped", (long long)st->late_rows, st->late_rows == 1 ? "" : "s");
	if (st->first_version >= 0 && st->first_version == st->last_version)
		sb_printf(&sb, " (Delta version %lld)", (long long)st->last_version);
	else if (st->first_version >= 0)
		sb_printf(&sb, " (Delta versions %lld to %lld)", (long long)st->first_version, (long long)st->last_version);
	if (st->young)
		sb_printf(&sb, "; %lld file%s still being written left for a later refresh", (long long)st->young,
		    st->young == 1 ? "" : "s");
	session_message(s, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* CREATE [OR REFRESH] STREAMING TABLE [IF NOT EXISTS] name [(...)] [clauses] AS query */
static int
exec_create(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct create_stmt *c = data;
	struct ast_name *nm = &c->create.name;
	struct table *t = catalog_find(s->catalog, nm->parts, nm->n);
	if (t) {
		/* CREATE OR REFRESH: the table's expectations become the ones
		 * declared now (a new table gets them as it is created) */
		int64_t v;
		int src = t->view_sql || lake_table_dir(t) == NULL ? 0 :
		    expect_store(s, a, t, &c->create.constraints, &v, err);
		table_unref(t);
		if (src < 0)
			return -1;
		if (c->if_not_exists) {
			session_message(s, "%s exists already; nothing done (IF NOT EXISTS)", nm->parts[nm->n - 1]);
			return 0;
		}
		if (!c->or_refresh) {
			err_set(err, c->create.pos, "table %s already exists", nm->parts[nm->n - 1]);
			err_hint(err, "CREATE OR REFRESH STREAMING TABLE updates and refreshes a streaming table");
			return -1;
		}
	}
	struct stream st;
	int rc = -1;
	if (stream_open(&st, s, nm, c->create.pos, &c->create, c->query, c->query_len, c->query_pos, false, err) == 0 &&
	    stream_run_available(&st, err) == 0) {
		if (!delta_table_exists(st.dir)) {
			err_set(err, st.def.pos0 + st.def.src_pos, "no file in '%s' yet: a streaming table takes its columns "
			    "from its first files", st.def.path);
			err_hint(err, "put files there and run this again, or list the columns: CREATE OR REFRESH STREAMING "
			    "TABLE %s (col TYPE, ...) AS ...", st.name);
		} else {
			summary(&st, "Streaming table");
			rc = 0;
		}
	}
	stream_close(&st);
	return rc;
}

/* ------------------------------------------------------------ REFRESH */

struct refresh_stmt {
	struct ast_name name;
	int pos;
	bool full;
};

static int
parse_refresh(struct parser *p, void **data)
{
	struct refresh_stmt *r = arena_zalloc(p->arena, sizeof *r);
	*data = r;
	r->pos = parser_peek(p, 0)->pos;
	if (!parser_qualified_name(p, &r->name))
		return -1;
	r->full = parser_accept_word(p, "FULL");
	return parser_at_end(p) ? 0 : parser_syntax_error(p, "FULL or the end of the statement");
}

/* REFRESH STREAMING TABLE name [FULL] */
static int
exec_refresh(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	(void)a;
	struct refresh_stmt *r = data;
	struct stream st;
	int rc = -1;
	if (stream_open(&st, s, &r->name, r->pos, NULL, NULL, 0, 0, r->full, err) == 0 &&
	    stream_run_available(&st, err) == 0) {
		summary(&st, r->full ? "Full refresh of" : "Refresh of");
		rc = 0;
	}
	err_at(err, r->pos);
	stream_close(&st);
	return rc;
}

/* ------------------------------------------------------------ DESCRIBE STREAM */

/* What a stream's checkpoint says, without taking its lock. */
struct stream_status {
	int64_t batches, files, rows, late_rows, missing;
	struct stream_commit last;       /* batch -1: none */
	int64_t planned;                 /* a batch planned and not committed, or -1 */
	int64_t planned_files;
	int64_t waiting;                 /* files at the source never planned (-1: cannot list) */
	char *list_error;
};

static void
status_free(struct stream_status *x)
{
	free(x->list_error);
}

static int
stream_status(const char *ckpt, const struct stream_def *d, struct stream_status *x, struct wb_error *err)
{
	memset(x, 0, sizeof *x);
	stream_commit_init(&x->last, -1);
	x->planned = -1;
	int64_t *coms = NULL, *offs = NULL;
	int ncoms = 0, noffs = 0, rc = -1;
	struct stream_seen seen = {0};
	struct arena a;
	arena_init(&a, 0);
	if (stream_ckpt_list(ckpt, "commits", &coms, &ncoms, err) < 0 || stream_ckpt_list(ckpt, "offsets", &offs, &noffs,
	    err) < 0)
		goto out;
	for (int i = 0; i < ncoms; i++) {
		struct stream_commit c;
		if (stream_ckpt_read_commit(ckpt, "commits", coms[i], &c, err) < 0)
			goto out;
		x->batches++;
		x->files += c.files;
		x->rows += c.rows;
		x->late_rows += c.late_rows;
		x->missing += c.missing;
		x->last = c;
	}
	for (int i = 0; i < noffs; i++) {
		struct stream_offsets o;
		arena_reset(&a);
		if (stream_ckpt_read_offsets(ckpt, offs[i], &a, &o, err) < 0)
			goto out;
		for (int k = 0; k < o.nfiles; k++)
			stream_seen_add(&seen, o.files[k].path);
		if (offs[i] > x->last.batch) {
			x->planned = offs[i];
			x->planned_files = o.nfiles;
		}
	}
	stream_seen_sort(&seen);
	struct stream_file *files;
	int n;
	struct wb_error e = WB_ERROR_INIT;
	if (stream_list_files(d, &files, &n, &e) == 0) {
		for (int i = 0; i < n; i++)
			x->waiting += !stream_seen_has(&seen, files[i].path);
		stream_files_free(files, n);
	} else {
		x->waiting = -1;
		x->list_error = xstrdup(e.msg);
	}
	err_clear(&e);
	rc = 0;
out:
	stream_seen_free(&seen);
	free(coms);
	free(offs);
	arena_release(&a);
	return rc;
}

/* The end of a statement that may stand where a query does: (DESCRIBE STREAM t) */
static bool
at_query_end(struct parser *p)
{
	return parser_at_end(p) || tok_op(parser_peek(p, 0), ")");
}

struct describe_stmt {
	struct ast_name name;
	int pos;
};

static int
parse_describe(struct parser *p, void **data)
{
	struct describe_stmt *d = arena_zalloc(p->arena, sizeof *d);
	*data = d;
	d->pos = parser_peek(p, 0)->pos;
	if (!parser_qualified_name(p, &d->name))
		return -1;
	return at_query_end(p) ? 0 : parser_syntax_error(p, "the end of the statement");
}

static void
kv(struct rowset_builder *r, const char *k, const char *v)
{
	rsb_str(r, 0, k);
	rsb_str(r, 1, v);
	rsb_end_row(r);
}

static void
kv_int(struct rowset_builder *r, const char *k, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	kv(r, k, buf);
}

static void
kv_time(struct rowset_builder *r, const char *k, int64_t us)
{
	char ts[40];
	if (us == STREAM_NO_TIME) {
		kv(r, k, NULL);
		return;
	}
	dt_format_timestamp(us, ts);
	kv(r, k, ts);
}

/* The streaming table's directory, definition and id (a reference in
 * *t); -1 with err when it is not a streaming table. */
static int
open_streaming(struct session *s, const struct ast_name *nm, int pos, struct table **t, char **def, char **id,
    struct wb_error *err)
{
	bool declared;
	*def = *id = NULL;
	*t = catalog_get(s->catalog, nm->parts, nm->n, err);
	if (*t == NULL) {
		err_at(err, pos);
		return -1;
	}
	const char *dir = lake_table_dir(*t);
	if (dir == NULL || stream_table_props(dir, def, id, &declared, err) < 0 || *def == NULL) {
		if (!err_isset(err)) {
			err_set(err, pos, "%s is not a streaming table", (*t)->name);
			err_hint(err, "SHOW STREAMING TABLES lists them");
		}
		err_at(err, pos);
		return -1;
	}
	return 0;
}

/* DESCRIBE STREAM name */
static int
exec_describe(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct describe_stmt *d = data;
	struct table *t;
	char *def, *id;
	int rc = -1;
	if (open_streaming(s, &d->name, d->pos, &t, &def, &id, err) < 0)
		goto out;
	const char *dir = lake_table_dir(t);
	struct stream_def sd;
	if (stream_def_parse(def, (int)strlen(def), 0, a, &sd, err) < 0) {
		err->pos = d->pos;
		goto out;
	}
	char *ckpt = xasprintf("%s/%s", dir, STREAM_CHECKPOINT_DIR);
	struct stream_status x;
	if (stream_status(ckpt, &sd, &x, err) < 0) {
		err_at(err, d->pos);
		free(ckpt);
		goto out;
	}
	static const char *const names[] = {"name", "value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset_builder r;
	rsb_init(&r, 2, names, types);
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < d->name.n; i++)
		sb_printf(&sb, "%s%s", i ? "." : "", d->name.parts[i]);
	kv(&r, "table", sb_str(&sb));
	kv(&r, "location", dir);
	kv(&r, "checkpoint", ckpt);
	kv(&r, "stream id", id);
	sb_clear(&sb);
	sb_printf(&sb, "%s('%s')", sd.fn, sd.path);
	kv(&r, "source", sb_str(&sb));
	kv(&r, "definition", def);
	kv(&r, "output mode", "append");
	kv_int(&r, "batches", x.batches);
	if (x.last.batch >= 0) {
		kv_int(&r, "last batch", x.last.batch);
		kv_time(&r, "last batch at", x.last.time_ms * 1000);
		kv_int(&r, "last batch files", x.last.files);
		kv_int(&r, "last batch rows", x.last.rows);
		kv_int(&r, "last Delta version", x.last.delta_version);
	}
	kv_int(&r, "files processed", x.files);
	if (x.missing)
		kv_int(&r, "files missing (skipped)", x.missing);
	kv_int(&r, "rows written", x.rows);
	if (sd.wm_column) {
		sb_clear(&sb);
		sb_printf(&sb, "%s - %lld seconds", sd.wm_column, (long long)(sd.wm_delay_us / 1000000));
		kv(&r, "watermark on", sb_str(&sb));
		kv_time(&r, "watermark", x.last.watermark_us);
		kv_time(&r, "max event time", x.last.max_event_us);
		kv_int(&r, "open windows", x.last.open_windows);
		kv_int(&r, "late rows dropped", x.late_rows);
		if (x.last.batch >= 0)
			kv_int(&r, "last batch late rows", x.last.late_rows);
	}
	if (x.planned >= 0) {
		sb_clear(&sb);
		sb_printf(&sb, "batch %lld (%lld files) planned, not committed: the next refresh runs it",
		    (long long)x.planned, (long long)x.planned_files);
		kv(&r, "pending", sb_str(&sb));
	}
	if (x.waiting >= 0)
		kv_int(&r, "files waiting", x.waiting);
	else
		kv(&r, "files waiting", x.list_error);
	kv_int(&r, "maxFilesPerTrigger", sd.max_files);
	sb_free(&sb);
	status_free(&x);
	free(ckpt);
	rc = rows_emit(s, &r, err);
out:
	if (t)
		table_unref(t);
	free(def);
	free(id);
	return rc;
}

/* ------------------------------------------------------------ SHOW STREAMING TABLES */

struct show_stmt {
	struct ast_name in;
};

static int
parse_show(struct parser *p, void **data)
{
	struct show_stmt *sh = arena_zalloc(p->arena, sizeof *sh);
	*data = sh;
	if (parser_accept_word(p, "IN") || parser_accept_word(p, "FROM")) {
		if (!parser_qualified_name(p, &sh->in))
			return -1;
	}
	return at_query_end(p) ? 0 : parser_syntax_error(p, "IN schema or the end of the statement");
}

struct show_ctx {
	struct arena *a;
	struct rowset_builder *r;
};

static void
show_one(void *arg, const struct catalog_entry *e)
{
	struct show_ctx *x = arg;
	const char *dir = e->table ? lake_table_dir(e->table) : NULL;
	char *def = NULL, *id = NULL;
	bool declared;
	struct wb_error err = WB_ERROR_INIT;
	if (dir == NULL || stream_table_props(dir, &def, &id, &declared, &err) < 0 || def == NULL)
		goto out;
	struct stream_def sd;
	struct stream_status st;
	char *ckpt = xasprintf("%s/%s", dir, STREAM_CHECKPOINT_DIR);
	bool ok = stream_def_parse(arena_strdup(x->a, def), (int)strlen(def), 0, x->a, &sd, &err) == 0 &&
	    stream_status(ckpt, &sd, &st, &err) == 0;
	rsb_str(x->r, 0, e->schema);
	rsb_str(x->r, 1, e->name);
	if (ok) {
		char src[4096];
		snprintf(src, sizeof src, "%s('%s')", sd.fn, sd.path);
		rsb_str(x->r, 2, src);
		rsb_int(x->r, 3, st.batches);
		rsb_int(x->r, 4, st.files);
		rsb_int(x->r, 5, st.rows);
		rsb_int(x->r, 6, st.waiting >= 0 ? st.waiting : INT64_MIN);
		rsb_int(x->r, 7, st.last.batch >= 0 ? st.last.time_ms * 1000 : INT64_MIN);
		status_free(&st);
	} else {
		rsb_str(x->r, 2, err.msg);
		for (int c = 3; c < 8; c++)
			rsb_null(x->r, c);
	}
	rsb_end_row(x->r);
	free(ckpt);
out:
	err_clear(&err);
	free(def);
	free(id);
}

/* SHOW STREAMING TABLES [IN schema] */
static int
exec_show(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	struct show_stmt *sh = data;
	static const char *const names[] = {"namespace", "tableName", "source", "batches", "files", "rows",
	    "filesWaiting", "lastBatchAt"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_BIGINT,
	    WB_TYPE_BIGINT, WB_TYPE_BIGINT, WB_TYPE_TIMESTAMP};
	const char *schema = sh->in.n ? sh->in.parts[sh->in.n - 1] : NULL;
	if (schema && !catalog_schema_exists(s->catalog, schema)) {
		err_set(err, -1, "schema %s does not exist", schema);
		return -1;
	}
	struct rowset_builder r;
	rsb_init(&r, 8, names, types);
	struct show_ctx x = {a, &r};
	catalog_each_table(s->catalog, schema, show_one, &x);
	return rows_emit(s, &r, err);
}

/* ------------------------------------------------------------ registration */

static const struct stmt_ext ext_create_refresh = {
	.word = "CREATE",
	.words2 = "OR REFRESH STREAMING TABLE",
	.parse = parse_create_refresh,
	.exec = (void *)exec_create,
	.usage = "CREATE OR REFRESH STREAMING TABLE name [(columns)] [COMMENT '...'] [TBLPROPERTIES (...)] AS SELECT ... "
	    "FROM STREAM read_csv('dir/*.csv') [WATERMARK col DELAY OF INTERVAL ...] ...",
	.summary = "a Delta table fed by files that keep arriving, in exactly-once micro-batches",
};

static const struct stmt_ext ext_create = {
	.word = "CREATE",
	.words2 = "STREAMING TABLE",
	.parse = parse_create_plain,
	.exec = (void *)exec_create,
	.usage = "CREATE STREAMING TABLE [IF NOT EXISTS] name ... AS SELECT ... FROM STREAM read_csv('dir/*.csv') ...",
	.summary = "create a streaming table (an error if it exists)",
};

static const struct stmt_ext ext_refresh = {
	.word = "REFRESH",
	.words2 = "STREAMING TABLE",
	.parse = parse_refresh,
	.exec = (void *)exec_refresh,
	.usage = "REFRESH STREAMING TABLE name [FULL]",
	.summary = "process the files that arrived since the last refresh (FULL: all of them, from an empty table)",
};

static const struct stmt_ext ext_describe = {
	.word = "DESCRIBE",
	.words2 = "STREAM",
	.parse = parse_describe,
	.exec = (void *)exec_describe,
	.usage = "DESCRIBE STREAM name",
	.summary = "where a streaming table's stream is: checkpoint, batches, files, rows, watermark",
	.query = true,
};

static const struct stmt_ext ext_show = {
	.word = "SHOW",
	.words2 = "STREAMING TABLES",
	.parse = parse_show,
	.exec = (void *)exec_show,
	.usage = "SHOW STREAMING TABLES [IN schema]",
	.summary = "the streaming tables and how far each has read",
	.query = true,
	.bare = true,
};

void
stmt_register_stream(void)
{
	parse_register_ext(&ext_create_refresh);
	parse_register_ext(&ext_create);
	parse_register_ext(&ext_refresh);
	parse_register_ext(&ext_describe);
	parse_register_ext(&ext_show);
}

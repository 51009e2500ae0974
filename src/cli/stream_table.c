/*
 * The Delta side of a streaming table: creating it (its columns, and the
 * properties that hold the definition and the stream's id), a batch's
 * commit through the normal insert path with the batch's txn action, and
 * finding a batch's commit again in the table's history.
 */
#include "cli/stream.h"
#include "cli/stmt_int.h"
#include "core/xmalloc.h"
#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ messages of inserts */

/* While a batch runs its INSERT (and the CREATE of its table), their
 * routine messages ("400 rows inserted") would repeat what the batch's own
 * line says; anything else (warnings) goes through. */
struct quiet_sink {
	struct wb_sink base;
	struct wb_sink *next;
};

static void
quiet_message(struct wb_sink *sk, const char *text)
{
	struct quiet_sink *q = (struct quiet_sink *)sk;
	size_t n = strspn(text, "0123456789");
	if ((n > 0 && (strcmp(text + n, " rows inserted") == 0 || strcmp(text + n, " row inserted") == 0)) ||
	    (strncmp(text, "Table ", 6) == 0 && strstr(text, " created (") != NULL))
		return;
	const char *tail = n > 0 ? strstr(text, " inserted; ") : NULL;
	if (q->next && q->next->message && tail) {
		/* "400 rows inserted; 1 new column; expectation e: 3 failed (dropped)":
		 * schema evolution and expectations' counts, each a line */
		tail += strlen(" inserted; ");
		while (*tail) {
			size_t len = strcspn(tail, ";");
			char *msg = strncmp(tail, "expectation ", 12) == 0 ? xasprintf("%.*s", (int)len, tail) :
			    xasprintf("the batch's files add %.*s to the table", (int)len, tail);
			q->next->message(q->next, msg);
			free(msg);
			tail += len;
			tail += strspn(tail, "; ");
		}
	} else if (q->next && q->next->message) {
		q->next->message(q->next, text);
	}
}

static void
quiet_begin(struct session *s, struct quiet_sink *q, struct wb_sink **saved)
{
	*saved = s->override_sink;
	memset(q, 0, sizeof *q);
	q->base.message = quiet_message;
	q->next = session_sink(s);
	s->override_sink = &q->base;
}

/* ------------------------------------------------------------ the table */

static struct ast *
prop(struct arena *a, const char *key, const char *value)
{
	struct ast *p = ast_new(a, AST_PROPERTY, 0);
	p->u.prop.key = arena_strdup(a, key);
	p->u.prop.value = ast_mk_str(a, value, 0);
	return p;
}

/* CREATE the streaming table: its columns as listed, or those of query q
 * (a batch's rows: SELECT * FROM (q) LIMIT 0), its properties holding the
 * definition and the stream's id. */
int
stream_create_table(struct stream *st, struct arena *a, struct ast *q, struct wb_error *err)
{
	const struct stream_create *c = st->create;
	struct ast *ct = ast_new(a, AST_CREATE_TABLE, c->pos);
	ct->u.create.name = c->name;
	ct->u.create.columns = c->columns;
	ct->u.create.constraints = c->constraints;
	ct->u.create.partitioned = c->partitioned;
	ct->u.create.comment = c->comment;
	ct->u.create.using_format = "delta";
	for (int i = 0; i < c->props.n; i++)
		ast_list_add(a, &ct->u.create.props, c->props.v[i]);
	char *def = arena_strndup(a, st->def.query, (size_t)st->def.len);
	ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_DEFINITION, def));
	ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_ID, st->id));
	if (c->columns.n > 0)
		ast_list_add(a, &ct->u.create.props, prop(a, STREAM_PROP_DECLARED, "true"));
	if (c->columns.n == 0) {
		struct ast_list items = {0};
		ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, 0), NULL));
		struct ast *outer = ast_mk_select(a, ast_mk_derived(a, q, "batch"), &items, NULL);
		outer->u.query.limit = ast_mk_int(a, 0, 0);
		ct->u.create.query = outer;
	}
	struct quiet_sink qs;
	struct wb_sink *saved;
	quiet_begin(st->s, &qs, &saved);
	int rc = stmt_lake_create(st->s, a, ct, err);
	st->s->override_sink = saved;
	return rc;
}

/* The write options of batch N's commit. */
static void
batch_options(struct stream *st, struct arena *a, int64_t batch, struct lake_write_options *o)
{
	char **k = arena_alloc(a, sizeof *k * 3), **v = arena_alloc(a, sizeof *v * 3);
	k[0] = "outputMode";
	v[0] = "Append";
	k[1] = "queryId";
	v[1] = st->id;
	k[2] = "epochId";
	v[2] = arena_printf(a, "%lld", (long long)batch);
	*o = (struct lake_write_options){.operation = "STREAMING UPDATE", .param_keys = k, .param_values = v,
	    .nparams = 3, .txn_app_id = st->id, .txn_version = batch};
}

/* INSERT INTO t BY NAME q, in a commit with the batch's txn action. */
int
stream_insert_batch(struct stream *st, struct arena *a, struct ast *q, int64_t batch, struct wb_error *err)
{
	struct ast *ins = ast_new(a, AST_INSERT, 0);
	ins->u.insert.table = st->tname;
	ins->u.insert.by_name = true;
	/* columns that appear in later files join the table (they were not
	 * declared: the data decides them) */
	ins->u.insert.schema_evolution = !st->aggregate && !st->declared;
	ins->u.insert.query = q;
	struct lake_write_options o;
	batch_options(st, a, batch, &o);
	struct quiet_sink qs;
	struct wb_sink *saved;
	quiet_begin(st->s, &qs, &saved);
	int rc = stmt_insert(st->s, a, ins, &o, err);
	st->s->override_sink = saved;
	return rc;
}

/* A commit with the batch's txn action and no rows (no file of the batch
 * left, or no window closed and none open). */
int
stream_commit_empty(struct stream *st, struct arena *a, int64_t batch, struct wb_error *err)
{
	struct lake_write_options o;
	batch_options(st, a, batch, &o);
	struct lake_write *w = lake_write_begin(st->dir, LAKE_APPEND, 0, NULL, NULL, &o, err);
	int64_t rows;
	return w == NULL || lake_write_commit(w, &rows, err) < 0 ? -1 : 0;
}

/* Batch N's Delta commit: its version and rows written (from commitInfo:
 * operationParameters queryId and epochId, operationMetrics numOutputRows). */
void
stream_find_commit(const struct stream *st, int64_t batch, int64_t *version, int64_t *rows)
{
	*version = -1;
	*rows = 0;
	char epoch[32];
	snprintf(epoch, sizeof epoch, "%lld", (long long)batch);
	for (int pass = 0; pass < 2 && *version < 0; pass++) {
		struct arena a;
		arena_init(&a, 0);
		struct delta_history_entry *h;
		int64_t n;
		struct wb_error e = WB_ERROR_INIT;
		if (delta_history(st->dir, pass == 0 ? 8 : 0, LAKE_TS_SOURCE, &a, &h, &n, &e) == 0) {
			for (int64_t i = 0; i < n && *version < 0; i++) {
				struct json_error je;
				struct json *j = h[i].commit_info ? json_parse(h[i].commit_info, strlen(h[i].commit_info), &a, 0,
				    &je) : NULL;
				const struct json *p = j ? json_get(j, "operationParameters") : NULL;
				const char *qid = p ? json_get_str(p, "queryId") : NULL, *ep = p ? json_get_str(p, "epochId") : NULL;
				if (qid == NULL || ep == NULL || strcmp(qid, st->id) != 0 || strcmp(ep, epoch) != 0)
					continue;
				*version = h[i].version;
				const struct json *m = json_get(j, "operationMetrics");
				const char *r = m ? json_get_str(m, "numOutputRows") : NULL;
				if (r)
					*rows = strtoll(r, NULL, 10);
			}
		}
		err_clear(&e);
		arena_release(&a);
	}
}


/*
 * Enforcing CHECK constraints and expectations on a write (expect.h).
 *
 * A guard belongs to one lake_write (attached as its hook) and lives
 * until the write is committed or aborted; a statement may run several
 * plans into one write (a rewrite's batches, MERGE's passes, REPLACE
 * WHERE's kept and new rows), each prepared here: its plan gets one
 * BOOLEAN column per rule - SELECT *, (cond1), (cond2) FROM <the plan> -
 * bound like any query, so the conditions are evaluated a chunk at a
 * time by the executor. The workers then hand each chunk to
 * expect_guard_rows, which reads those columns row by row, counts per
 * worker (summed at the commit), and writes quarantined rows to the
 * quarantine table's writer, one part per worker.
 *
 * At the commit (before_commit): the quarantine rows are committed first,
 * then the counts go into the table's commitInfo; when the commit stood
 * (committed) the session's note tells what the expectations did.
 */
#include "cli/expect_int.h"
#include "cli/stmt_int.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define QUARANTINE_RULES "_expectation"
#define QUARANTINE_TIME "_quarantined_at"

struct expect_guard {
	struct session *s;
	struct lake_write *w;
	struct arena arena;
	struct expect_rules rules;
	const char *dir;
	const char *table;             /* the directory's name: the conditions' qualifier */
	int nw;                        /* workers */
	int64_t *passed, *failed;      /* [worker * rules.n + rule] */
	uint8_t *fails;                /* [worker * rules.n + rule]: the row being looked at */
	/* the run being prepared / run */
	int ncol;                      /* written columns */
	char **names;
	wb_type *types;
	int act;                       /* the action column, or -1 */
	int first;                     /* the first rule column */
	int **refs, *nrefs;            /* per rule: the written columns its condition names */
	/* the quarantine table */
	pthread_mutex_t mu;
	char *qdir, *qname;
	struct lake_write *qw;
	int qncol;                     /* its written columns: ncol, then the two below */
	struct lake_part **qparts;     /* per worker */
	struct chunk *qchunks;         /* per worker (ncol 0 until used) */
	uint32_t *qsel;                /* [worker * WB_VEC_SIZE] */
	int64_t *qrows;                /* per worker */
	int64_t quarantined_at;        /* us */
};

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ counts */

static int64_t
sum(const struct expect_guard *g, const int64_t *v, int r)
{
	int64_t n = 0;
	for (int k = 0; k < g->nw; k++)
		n += v[k * g->rules.n + r];
	return n;
}

static bool
any_checked(const struct expect_guard *g)
{
	for (int r = 0; r < g->rules.n; r++)
		if (g->rules.v[r].action != EXPECT_CHECK && sum(g, g->passed, r) + sum(g, g->failed, r) > 0)
			return true;
	return false;
}

/* [{"name":..,"condition":..,"action":..,"passed":n,"failed":m}, ...] */
static char *
counts_json(const struct expect_guard *g)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_w_init(&w, &sb);
	json_w_array(&w);
	for (int r = 0; r < g->rules.n; r++) {
		const struct expect_rule *e = &g->rules.v[r];
		if (e->action == EXPECT_CHECK)
			continue;
		json_w_object(&w);
		json_w_key(&w, "name");
		json_w_string(&w, e->name);
		json_w_key(&w, "condition");
		json_w_string(&w, e->cond);
		json_w_key(&w, "action");
		json_w_string(&w, expect_action_name(e->action));
		json_w_key(&w, "passed");
		json_w_int(&w, sum(g, g->passed, r));
		json_w_key(&w, "failed");
		json_w_int(&w, sum(g, g->failed, r));
		json_w_end(&w);
	}
	json_w_end(&w);
	return sb_detach(&sb);
}

/* ------------------------------------------------------------ hooks */

static int
before_commit(void *arg, struct lake_write *w, struct wb_error *err)
{
	struct expect_guard *g = arg;
	if (g->qw) {
		/* the quarantine first: a crash before the table's commit
		 * leaves rows there the table never got, never the reverse */
		int64_t rows = 0;
		for (int k = 0; k < g->nw; k++)
			rows += g->qrows[k];
		struct lake_write *qw = g->qw;
		g->qw = NULL;
		if (rows == 0) {
			lake_write_abort(qw);
		} else if (lake_write_commit(qw, &rows, err) < 0) {
			err_hint(err, "nothing was written to %s either", g->table);
			return -1;
		}
	}
	if (any_checked(g)) {
		char *js = counts_json(g);
		lake_write_info(w, EXPECT_COMMIT_INFO, js);
		free(js);
	}
	return 0;
}

static void
committed(void *arg, int64_t version)
{
	(void)version;
	struct expect_guard *g = arg;
	struct strbuf sb = STRBUF_INIT;
	for (int r = 0; r < g->rules.n; r++) {
		const struct expect_rule *e = &g->rules.v[r];
		int64_t f = sum(g, g->failed, r);
		if (e->action == EXPECT_CHECK || f == 0)
			continue;
		if (sb.len)
			sb_puts(&sb, "; ");
		sb_printf(&sb, "expectation %s: %lld failed (", e->name, (long long)f);
		switch (e->action) {
		case EXPECT_DROP:
			sb_puts(&sb, "dropped)");
			break;
		case EXPECT_QUARANTINE:
			sb_printf(&sb, "quarantined in %s)", g->qname);
			break;
		default:
			sb_printf(&sb, "warning: kept, %lld passed)", (long long)sum(g, g->passed, r));
			break;
		}
	}
	if (sb.len) {
		struct session *s = g->s;
		if (s->expect_note) {
			char *both = xasprintf("%s; %s", s->expect_note, sb_str(&sb));
			free(s->expect_note);
			s->expect_note = both;
		} else {
			s->expect_note = xstrdup(sb_str(&sb));
		}
	}
	sb_free(&sb);
}

static void
release(void *arg)
{
	struct expect_guard *g = arg;
	if (g->qw)
		lake_write_abort(g->qw);
	if (g->qchunks)
		for (int k = 0; k < g->nw; k++)
			if (g->qchunks[k].cols)
				chunk_free(&g->qchunks[k]);
	free(g->qchunks);
	free(g->qparts);
	free(g->qsel);
	free(g->qrows);
	free(g->qdir);
	free(g->qname);
	free(g->passed);
	free(g->failed);
	free(g->fails);
	pthread_mutex_destroy(&g->mu);
	arena_release(&g->arena);
	free(g);
}

static const struct lake_write_hook guard_hook = {
	.before_commit = before_commit,
	.committed = committed,
	.release = release,
};

/* ------------------------------------------------------------ preparing */

static struct expect_guard *
guard_new(struct session *s, struct lake_write *w, const struct expect_rules *rules)
{
	struct expect_guard *g = xcalloc(1, sizeof *g);
	arena_init(&g->arena, 0);
	g->s = s;
	g->w = w;
	g->rules.n = rules->n;
	g->rules.v = arena_alloc(&g->arena, sizeof *g->rules.v * (size_t)rules->n);
	for (int i = 0; i < rules->n; i++) {
		g->rules.v[i].name = arena_strdup(&g->arena, rules->v[i].name);
		g->rules.v[i].cond = arena_strdup(&g->arena, rules->v[i].cond);
		g->rules.v[i].action = rules->v[i].action;
	}
	g->dir = arena_strdup(&g->arena, lake_write_dir(w));
	g->table = expect_dir_name(&g->arena, g->dir);
	g->nw = pool_size();
	size_t cells = (size_t)g->nw * (size_t)rules->n;
	g->passed = xcalloc(cells, sizeof(int64_t));
	g->failed = xcalloc(cells, sizeof(int64_t));
	g->fails = xcalloc(cells, 1);
	pthread_mutex_init(&g->mu, NULL);
	size_t n = strlen(g->dir);
	while (n > 1 && g->dir[n - 1] == '/')
		n--;
	g->qdir = xasprintf("%.*s" EXPECT_QUARANTINE_SUFFIX, (int)n, g->dir);
	g->qname = xasprintf("%s" EXPECT_QUARANTINE_SUFFIX, g->table);
	g->quarantined_at = now_us();
	lake_write_attach(w, &guard_hook, g);
	return g;
}

struct refs {
	struct expect_guard *g;
	struct arena *a;
	int *v;
	int n;
};

static void
collect_ref(void *arg, const struct ast *e)
{
	struct refs *r = arg;
	if (e->kind != AST_COLREF)
		return;
	const char *name = e->u.name.parts[e->u.name.n - 1];
	for (int c = 0; c < r->g->ncol; c++)
		if (strcasecmp(r->g->names[c], name) == 0) {
			for (int k = 0; k < r->n; k++)
				if (r->v[k] == c)
					return;
			r->v[r->n++] = c;
			return;
		}
}

/* Why a stored condition cannot be evaluated: the binder's message, with
 * the rule named (its position is in the condition, not the statement). */
static void
cannot_evaluate(struct expect_guard *g, const struct expect_rule *r, struct wb_error *e, struct wb_error *err)
{
	err_set(err, -1, "%s %s (%s) of Delta table %s cannot be evaluated: %s", expect_kind_name(r->action), r->name,
	    r->cond, g->table, e->msg ? e->msg : "unknown error");
	err_hint(err, "%s%sALTER TABLE ... DROP CONSTRAINT %s removes it", e->hint ? e->hint : "", e->hint ? "; " : "",
	    r->name);
	err_clear(e);
}

int
expect_guard_prepare(struct session *s, struct lake_write *w, struct pnode **plan, int ncol, bool actions,
    struct expect_guard **out, struct wb_error *err)
{
	*out = NULL;
	struct expect_guard *g = lake_write_attached(w, &guard_hook);
	if (g == NULL) {
		struct arena tmp;
		arena_init(&tmp, 0);
		struct expect_rules rules;
		expect_rules_of(lake_write_configuration(w), &tmp, &rules);
		if (rules.n > 0)
			g = guard_new(s, w, &rules);
		arena_release(&tmp);
		if (g == NULL)
			return 0;
	}
	struct pnode *p = *plan;
	struct arena *a = &g->arena;
	g->ncol = ncol;
	g->names = p->names;
	g->types = p->types;
	g->act = actions ? ncol : -1;
	g->first = p->ncol;
	/* SELECT *, (cond) AS _wb_rule_i, ... FROM <plan> AS <table> */
	struct binder b;
	struct wb_error e = WB_ERROR_INIT;
	binder_init(&b, a, s->catalog, &e);
	struct ast_list items = {0};
	ast_list_add(a, &items, ast_mk_item(a, ast_new(a, AST_STAR, 0), NULL));
	g->refs = arena_alloc(a, sizeof(int *) * (size_t)g->rules.n);
	g->nrefs = arena_alloc(a, sizeof(int) * (size_t)g->rules.n);
	for (int r = 0; r < g->rules.n; r++) {
		const struct expect_rule *rule = &g->rules.v[r];
		const char *text = rule->cond;
		struct ast *cond = parse_expression(text, (int)strlen(text), a, &e);
		if (cond == NULL) {
			cannot_evaluate(g, rule, &e, err);
			return -1;
		}
		struct refs rf = {g, a, arena_alloc(a, sizeof(int) * (size_t)(ncol ? ncol : 1)), 0};
		expect_walk(cond, collect_ref, &rf);
		g->refs[r] = rf.v;
		g->nrefs[r] = rf.n;
		ast_list_add(a, &items, ast_mk_item(a, cond, arena_printf(a, "_wb_rule_%d", r)));
	}
	struct ast *q = ast_mk_select(a, bind_bound_relation(&b, p, g->table, 0), &items, NULL);
	/* bound as it is (not optimized again): the plan it reads is the
	 * caller's, which the caller cleans up */
	struct pnode *wp = bind_query(&b, q);
	int bad = -1;
	if (wp != NULL && (wp->kind != PN_PROJECT || wp->child != p || b.nowned > 0))
		bad = 0;       /* not a projection of the row: an aggregate, a subquery */
	for (int r = 0; wp != NULL && bad < 0 && r < g->rules.n; r++)
		if (wp->types[g->first + r] != WB_TYPE_BOOL)
			bad = r;
	binder_release(&b);
	if (wp == NULL || bad >= 0) {
		/* name the rule: bind them one by one */
		int r = bad;
		if (wp == NULL) {
			for (r = 0; r < g->rules.n; r++) {
				struct binder b1;
				struct wb_error e1 = WB_ERROR_INIT;
				binder_init(&b1, a, s->catalog, &e1);
				struct ast_list one = {0};
				ast_list_add(a, &one, ast_mk_item(a, parse_expression(g->rules.v[r].cond,
				    (int)strlen(g->rules.v[r].cond), a, &e1), "c"));
				struct pnode *t = bind_query(&b1, ast_mk_select(a, bind_bound_relation(&b1, p, g->table, 0), &one, NULL));
				binder_release(&b1);
				if (t == NULL) {
					err_clear(&e);
					err_move(&e, &e1);
					break;
				}
				err_clear(&e1);
			}
			if (r == g->rules.n)
				r = 0;
		} else if (!err_isset(&e)) {
			err_set(&e, -1, "%s", wp->types[g->first + r] != WB_TYPE_BOOL ? "it is not a BOOLEAN condition" :
			    "it does not look at one row only");
		}
		cannot_evaluate(g, &g->rules.v[r], &e, err);
		return -1;
	}
	err_clear(&e);
	if (g->qchunks == NULL) {
		for (int r = 0; r < g->rules.n; r++)
			if (g->rules.v[r].action == EXPECT_QUARANTINE) {
				g->qchunks = xcalloc((size_t)g->nw, sizeof *g->qchunks);
				g->qparts = xcalloc((size_t)g->nw, sizeof *g->qparts);
				g->qsel = xcalloc((size_t)g->nw * WB_VEC_SIZE, sizeof(uint32_t));
				g->qrows = xcalloc((size_t)g->nw, sizeof(int64_t));
				break;
			}
		for (int c = 0; g->qchunks && c < ncol; c++)
			if (strcasecmp(p->names[c], QUARANTINE_RULES) == 0 || strcasecmp(p->names[c], QUARANTINE_TIME) == 0) {
				err_set(err, -1, "Delta table %s has a column \"%s\", which its quarantine table %s adds itself",
				    g->table, p->names[c], g->qname);
				err_hint(err, "rename the column, or drop the QUARANTINE expectations");
				return -1;
			}
	}
	*plan = wp;
	*out = g;
	return 0;
}

/* ------------------------------------------------------------ rows */

static bool
row_true(const struct vec *v, int i)
{
	return !vec_is_null(v, i) && vec_bool(v)[v->kind == VEC_CONST ? 0 : i] != 0;
}

/* The values of the columns rule r names, in row i: "price = -1, id = 7". */
static void
row_values(const struct expect_guard *g, int r, const struct chunk *c, int i, struct strbuf *sb)
{
	for (int k = 0; k < g->nrefs[r]; k++) {
		int col = g->refs[r][k];
		struct wb_value v;
		vec_get(&c->cols[col], i, &v);
		sb_printf(sb, "%s%s = ", k ? ", " : "", g->names[col]);
		if (!v.is_null && v.type == WB_TYPE_VARCHAR)
			sb_putc(sb, '\'');
		value_format(&v, sb, "NULL");
		if (!v.is_null && v.type == WB_TYPE_VARCHAR)
			sb_putc(sb, '\'');
	}
	if (g->nrefs[r] == 0)
		sb_puts(sb, "(the condition names no column)");
}

static int
violation(const struct expect_guard *g, int r, const struct chunk *c, int i, struct wb_error *err)
{
	const struct expect_rule *e = &g->rules.v[r];
	struct strbuf sb = STRBUF_INIT;
	row_values(g, r, c, i, &sb);
	if (e->action == EXPECT_CHECK) {
		err_set(err, -1, "CHECK constraint %s (%s) violated by row with values: %s", e->name, e->cond, sb_str(&sb));
		err_hint(err, "nothing was written; fix or filter the rows, or ALTER TABLE %s DROP CONSTRAINT %s", g->table,
		    e->name);
	} else {
		err_set(err, -1, "expectation %s (%s) failed (ON VIOLATION FAIL UPDATE) for row with values: %s", e->name,
		    e->cond, sb_str(&sb));
		err_hint(err, "nothing was written; fix the input, or make the expectation DROP ROW or QUARANTINE");
	}
	sb_free(&sb);
	return -1;
}

/* Does row i's action give it new values (so expectations look at it)? */
static bool
row_is_new(const struct expect_guard *g, const struct chunk *c, int i)
{
	if (g->act < 0)
		return true;
	const struct vec *v = &c->cols[g->act];
	if (vec_is_null(v, i))
		return false;
	int64_t a = vec_i64(v)[v->kind == VEC_CONST ? 0 : i];
	return a == DML_UPDATE || a == DML_INSERT || a == DML_SRC_UPDATE;
}

/* The quarantine writer and worker's part of it (created on first use). */
static struct lake_part *
quarantine_part(struct expect_guard *g, int worker, struct wb_error *err)
{
	if (g->qparts[worker])
		return g->qparts[worker];
	pthread_mutex_lock(&g->mu);
	if (g->qw == NULL) {
		int n = g->ncol + 2;
		char **names = arena_alloc(&g->arena, sizeof(char *) * (size_t)n);
		wb_type *types = arena_alloc(&g->arena, sizeof(wb_type) * (size_t)n);
		for (int c = 0; c < g->ncol; c++) {
			names[c] = g->names[c];
			types[c] = g->types[c];
		}
		names[g->ncol] = QUARANTINE_RULES;
		types[g->ncol] = WB_TYPE_VARCHAR;
		names[g->ncol + 1] = QUARANTINE_TIME;
		types[g->ncol + 1] = WB_TYPE_TIMESTAMP;
		bool exists = delta_table_exists(g->qdir);
		struct lake_write_options o = {.merge_schema = exists};
		g->qw = lake_write_begin(g->qdir, exists ? LAKE_APPEND : LAKE_CREATE, n, names, types, &o, err);
		if (g->qw && delta_has_constraints(lake_write_configuration(g->qw))) {
			/* rows that failed one table's rules are kept as they are */
			err_set(err, -1, "quarantine table %s has CHECK constraints; the rows %s quarantines are kept as they "
			    "came, unchecked", g->qname, g->table);
			err_hint(err, "ALTER TABLE %s DROP CONSTRAINT ...", g->qname);
			lake_write_abort(g->qw);
			g->qw = NULL;
		} else if (g->qw) {
			g->qncol = n;
			/* which write of the table these rows came from: it commits
			 * on top of this version (a crash in between leaves the
			 * quarantine ahead of the table) */
			lake_write_param(g->qw, "quarantineOf", g->dir);
			char v[32];
			snprintf(v, sizeof v, "%lld", (long long)lake_write_read_version(g->w));
			lake_write_param(g->qw, "tableReadVersion", v);
		} else {
			err_hint(err, "%s holds the rows %s's expectations quarantine; drop or fix it", g->qname, g->table);
		}
	}
	struct lake_part *part = NULL;
	if (g->qw && g->qncol != g->ncol + 2)
		err_set(err, -1, "internal error: one write into %s with columns of two shapes", g->table);
	else if (g->qw)
		part = g->qparts[worker] = lake_write_part(g->qw);
	pthread_mutex_unlock(&g->mu);
	return part;
}

/* Write rows qsel[0..nq) of c (their failed rules in names) to the quarantine. */
static int
quarantine(struct expect_guard *g, int worker, const struct chunk *c, const uint32_t *qsel, int nq, char **names,
    struct wb_error *err)
{
	struct lake_part *part = quarantine_part(g, worker, err);
	if (part == NULL)
		return -1;
	struct chunk *qc = &g->qchunks[worker];
	if (qc->cols == NULL) {
		wb_type *types = xcalloc((size_t)g->qncol, sizeof(wb_type));
		for (int k = 0; k < g->ncol; k++)
			types[k] = g->types[k];
		types[g->ncol] = WB_TYPE_VARCHAR;
		types[g->ncol + 1] = WB_TYPE_TIMESTAMP;
		chunk_init(qc, g->qncol, types);
		free(types);
	}
	for (int k = 0; k < g->ncol; k++)
		vec_gather(&qc->cols[k], &c->cols[k], qsel, nq);
	struct vec *ev = &qc->cols[g->ncol];
	vec_reset(ev);
	for (int k = 0; k < nq; k++)
		vec_str(ev)[k] = vec_str_copy(ev, names[k], strlen(names[k]));
	ev->n = nq;
	struct wb_value ts = {.type = WB_TYPE_TIMESTAMP, .u.i = g->quarantined_at};
	vec_set_const(&qc->cols[g->ncol + 1], &ts, nq);
	qc->n = nq;
	qc->seq = c->seq;
	g->qrows[worker] += nq;
	return lake_part_write(part, qc, err);
}

int
expect_guard_rows(struct expect_guard *g, int worker, const struct chunk *c, uint32_t *sel, int *nsel,
    struct wb_error *err)
{
	int nr = g->rules.n;
	int64_t *passed = g->passed + (size_t)worker * (size_t)nr, *failed = g->failed + (size_t)worker * (size_t)nr;
	uint8_t *fails = g->fails + (size_t)worker * (size_t)nr;
	uint32_t *qsel = g->qsel ? g->qsel + (size_t)worker * WB_VEC_SIZE : NULL;
	char *qnames[WB_VEC_SIZE];
	int nq = 0, out = 0, n = *nsel;
	struct arena scratch;
	bool have_scratch = false;
	int rc = 0;
	for (int k = 0; k < n && rc == 0; k++) {
		int i = (int)sel[k];
		bool isnew = row_is_new(g, c, i), drop = false, quar = false, any = false;
		for (int r = 0; r < nr; r++) {
			enum expect_action act = g->rules.v[r].action;
			fails[r] = 0;
			if (act != EXPECT_CHECK && !isnew)
				continue;
			if (row_true(&c->cols[g->first + r], i)) {
				if (act != EXPECT_CHECK)
					passed[r]++;
				continue;
			}
			if (act == EXPECT_CHECK || act == EXPECT_FAIL) {
				rc = violation(g, r, c, i, err);
				break;
			}
			failed[r]++;
			fails[r] = 1;
			any = true;
			drop = drop || act == EXPECT_DROP;
			quar = quar || act == EXPECT_QUARANTINE;
		}
		if (rc < 0)
			break;
		if (quar) {
			if (!have_scratch) {
				arena_init(&scratch, 0);
				have_scratch = true;
			}
			struct strbuf sb = STRBUF_INIT;
			for (int r = 0; r < nr; r++)
				if (fails[r])
					sb_printf(&sb, "%s%s", sb.len ? ", " : "", g->rules.v[r].name);
			qnames[nq] = arena_strdup(&scratch, sb_str(&sb));
			sb_free(&sb);
			qsel[nq++] = (uint32_t)i;
		}
		if (!(any && (drop || quar)))
			sel[out++] = (uint32_t)i;
	}
	if (rc == 0 && nq > 0)
		rc = quarantine(g, worker, c, qsel, nq, qnames, err);
	if (have_scratch)
		arena_release(&scratch);
	*nsel = out;
	return rc;
}

/* ------------------------------------------------------------ notes */

void
expect_note_append(struct session *s, struct strbuf *sb)
{
	if (s->expect_note == NULL)
		return;
	sb_printf(sb, "; %s", s->expect_note);
	free(s->expect_note);
	s->expect_note = NULL;
}

void
expect_note_flush(struct session *s)
{
	if (s->expect_note == NULL)
		return;
	session_message(s, "%s", s->expect_note);
	free(s->expect_note);
	s->expect_note = NULL;
}

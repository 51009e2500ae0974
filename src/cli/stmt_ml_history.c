/*
 * stmt_ml_history: SHOW METRIC HISTORY - every logged value of the runs'
 * metrics, step by step, as MLflow's get_metric_history gives them, read
 * from the file store under <warehouse>/mlruns (ml/ml_track.h).
 *
 *   SHOW METRIC HISTORY [key] [FOR RUN 'run_id' | IN [EXPERIMENT] name]
 *
 * One row per logged value: run_id, run_name, key, step BIGINT,
 * timestamp TIMESTAMP, value DOUBLE; runs in SHOW RUNS' order (newest
 * first), then keys by name, then steps ascending (a step logged twice
 * keeps its logging order). Without a key every metric of the runs;
 * without FOR RUN / IN the active runs of every experiment. It stands
 * where a query does: SELECT step, value FROM (SHOW METRIC HISTORY
 * eval_loss FOR RUN '...') - the TUI's runs leaderboard loads its trends
 * so.
 *
 * Contracts: a run, experiment or key that does not exist is an error at
 * its position with a did-you-mean (a run given by its name points at its
 * id); a key that exists but none of the runs in scope logged is an error
 * too (naming the scope), while no runs and no key is an empty table. A
 * key written as SHOW RUNS' column ("metrics.eval_loss") is the metric.
 * A damaged run or metric file is an error naming it (the listing itself
 * skips damaged runs with a notice, as SHOW RUNS does).
 */
#include "cli/stmt_ml_int.h"
#include "ml/ml_track.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct show_history {
	char *key;                  /* NULL: every metric */
	char *run_id;               /* FOR RUN, or NULL */
	char *experiment;           /* IN [EXPERIMENT], or NULL */
	int pos, key_pos, scope_pos;
};

/* ------------------------------------------------------------ grammar */

/* A name, a dotted name (keys may hold dots) or a 'string'. */
static char *
key_or_name(struct parser *p, const char *what)
{
	if (parser_peek(p, 0)->type == TOK_STRING)
		return parser_string(p, what);
	struct ast_name n;
	if (!parser_qualified_name(p, &n))
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n.n; i++)
		sb_printf(&sb, "%s%s", i ? "." : "", n.parts[i]);
	char *r = arena_strdup(p->arena, sb_str(&sb));
	sb_free(&sb);
	return r;
}

/* Is the next token the word w (not consumed)? A key named "for" or "in"
 * is written quoted. */
static bool
word_at(struct parser *p, const char *w)
{
	const struct token *t = parser_peek(p, 0);
	return t->type == TOK_IDENT && t->len == (int)strlen(w) && strncasecmp(t->text, w, (size_t)t->len) == 0;
}

static int
parse_history(struct parser *p, void **data)
{
	struct show_history *h = arena_zalloc(p->arena, sizeof *h);
	h->pos = parser_peek(p, 0)->pos;
	*data = h;
	if (!parser_at_query_end(p) && !word_at(p, "FOR") && !word_at(p, "IN")) {
		h->key_pos = parser_peek(p, 0)->pos;
		if ((h->key = key_or_name(p, "a metric key")) == NULL)
			return -1;
	}
	if (parser_accept_word(p, "FOR")) {
		if (!parser_expect_word(p, "RUN"))
			return -1;
		const struct token *t = parser_peek(p, 0);
		h->scope_pos = t->pos;
		if (t->type == TOK_INTEGER || t->type == TOK_FLOAT)
			return parser_error(p, "FOR RUN takes the run id quoted, as in FOR RUN '0c50...': ids may start "
			    "with a digit");
		h->run_id = t->type == TOK_STRING ? parser_string(p, "a run id") : parser_ident(p, "a run id");
		if (h->run_id == NULL)
			return -1;
	} else if (parser_accept_word(p, "IN")) {
		parser_accept_word(p, "EXPERIMENT");
		h->scope_pos = parser_peek(p, 0)->pos;
		if ((h->experiment = key_or_name(p, "an experiment name")) == NULL)
			return -1;
	}
	return 0;      /* what follows is the caller's: the end, or ')' in FROM (SHOW ...) */
}

/* ------------------------------------------------------------ scope */

/* "run <id>": a run that does not exist, with what the user may have meant:
 * the id of a run of that name, the run an id prefix names, a near id. */
static void
no_such_run(struct mlt_store *st, const struct show_history *h, struct wb_error *err)
{
	err_set(err, h->scope_pos, "run '%s' does not exist", h->run_id);
	struct mlt_run *runs = NULL;
	int n = 0;
	struct wb_error ignore = WB_ERROR_INIT;
	if (mlt_runs(st, NULL, MLT_ALL, &runs, &n, &ignore) < 0)
		n = 0;
	err_clear(&ignore);
	const struct mlt_run *named = NULL, *prefixed = NULL;
	int nprefixed = 0;
	size_t len = strlen(h->run_id);
	const char **ids = xcalloc((size_t)n + 1, sizeof *ids);
	for (int i = 0; i < n; i++) {
		ids[i] = runs[i].run_id;
		if (named == NULL && runs[i].run_name && strcasecmp(runs[i].run_name, h->run_id) == 0)
			named = &runs[i];
		if (len >= 4 && strncasecmp(runs[i].run_id, h->run_id, len) == 0) {
			prefixed = &runs[i];
			nprefixed++;
		}
	}
	const char *near = str_suggest(h->run_id, ids, n);
	if (named)
		err_hint(err, "did you mean FOR RUN '%s' (the run named %s)? FOR RUN takes a run id", named->run_id,
		    named->run_name);
	else if (nprefixed == 1)
		err_hint(err, "did you mean FOR RUN '%s'? (a run id is given whole)", prefixed->run_id);
	else if (near)
		err_hint(err, "did you mean '%s'?", near);
	else
		err_hint(err, "SHOW RUNS lists the run ids");
	free(ids);
	mlt_runs_free(runs, n);
}

static void
no_such_experiment(struct mlt_store *st, const struct show_history *h, struct wb_error *err)
{
	err_set(err, h->scope_pos, "experiment %s does not exist", h->experiment);
	struct mlt_experiment *e = NULL;
	int n = 0;
	struct wb_error ignore = WB_ERROR_INIT;
	if (mlt_experiments(st, MLT_ACTIVE, &e, &n, &ignore) < 0)
		n = 0;
	err_clear(&ignore);
	const char **names = xcalloc((size_t)n + 1, sizeof *names);
	for (int i = 0; i < n; i++)
		names[i] = e[i].name;
	const char *near = str_suggest(h->experiment, names, n);
	if (near)
		err_hint(err, "did you mean %s?", near);
	else
		err_hint(err, "SHOW EXPERIMENTS lists them");
	free(names);
	mlt_experiments_free(e, n);
}

/* The runs in scope, in SHOW RUNS' order: 0, or -1 with err. */
static int
scope_runs(struct mlt_store *st, const struct show_history *h, struct mlt_run **runs, int *n, struct wb_error *err)
{
	*runs = NULL;
	*n = 0;
	if (h->run_id != NULL) {
		struct mlt_run *r = xcalloc(1, sizeof *r);
		int found = mlt_run_get(st, h->run_id, r, err);
		if (found <= 0) {
			free(r);
			if (found == 0)
				no_such_run(st, h, err);
			else
				err_at(err, h->scope_pos);
			return -1;
		}
		*runs = r;
		*n = 1;
		return 0;
	}
	char *exp_id = NULL;
	if (h->experiment != NULL) {
		struct mlt_experiment e = {0};
		int found = mlt_experiment_by_name(st, h->experiment, &e, err);
		if (found <= 0) {
			if (found == 0)
				no_such_experiment(st, h, err);
			return -1;
		}
		exp_id = xstrdup(e.experiment_id);
		mlt_experiment_clear(&e);
	}
	int rc = mlt_runs(st, exp_id, MLT_ACTIVE, runs, n, err);
	free(exp_id);
	return rc;
}

static bool
run_has(const struct mlt_run *r, const char *key)
{
	for (int j = 0; j < r->nmetrics; j++)
		if (strcmp(r->metrics[j].key, key) == 0)
			return true;
	return false;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The metric keys of the runs, sorted, without repeats (borrowed). */
static const char **
scope_keys(const struct mlt_run *runs, int n, int *count)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += runs[i].nmetrics;
	const char **v = xcalloc((size_t)total + 1, sizeof *v);
	int k = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < runs[i].nmetrics; j++)
			v[k++] = runs[i].metrics[j].key;
	if (k > 1)
		qsort(v, (size_t)k, sizeof *v, cmp_str);
	int u = 0;
	for (int i = 0; i < k; i++)
		if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
			v[u++] = v[i];
	*count = u;
	return v;
}

/* The key the statement names, as the runs logged it: the key itself, or
 * SHOW RUNS' column name "metrics.<key>". NULL with err when no run in
 * scope logged it. */
static const char *
resolve_key(const struct show_history *h, const struct mlt_run *runs, int n, struct wb_error *err)
{
	int nk;
	const char **keys = scope_keys(runs, n, &nk);
	const char *found = NULL;
	for (int i = 0; i < nk && found == NULL; i++)
		if (strcmp(keys[i], h->key) == 0)
			found = keys[i];
	if (found == NULL && strncasecmp(h->key, "metrics.", 8) == 0)
		for (int i = 0; i < nk && found == NULL; i++)
			if (strcmp(keys[i], h->key + 8) == 0)
				found = keys[i];
	if (found != NULL) {
		free(keys);
		return found;
	}
	if (h->run_id)
		err_set(err, h->key_pos, "run '%s' logged no metric %s", h->run_id, h->key);
	else if (h->experiment)
		err_set(err, h->key_pos, "no run of experiment %s logged a metric %s", h->experiment, h->key);
	else
		err_set(err, h->key_pos, "no run logged a metric %s", h->key);
	const char *near = str_suggest(h->key, keys, nk);
	if (near == NULL && strncasecmp(h->key, "metrics.", 8) == 0)
		near = str_suggest(h->key + 8, keys, nk);
	if (near) {
		err_hint(err, "did you mean %s?", near);
	} else if (nk > 0) {
		struct strbuf sb = STRBUF_INIT;
		for (int i = 0; i < nk && i < 12; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", keys[i]);
		err_hint(err, "the runs there logged: %s%s", sb_str(&sb), nk > 12 ? ", ..." : "");
		sb_free(&sb);
	} else {
		err_hint(err, "%s", n == 0 ? "there are no runs: CREATE MODEL logs one" : "those runs logged no metrics");
	}
	free(keys);
	return NULL;
}

/* ------------------------------------------------------------ rows */

struct point {
	struct mlt_metric m;
	int seq;                    /* logging order: ties of step keep it */
};

static int
cmp_point(const void *a, const void *b)
{
	const struct point *p = a, *q = b;
	if (p->m.step != q->m.step)
		return p->m.step < q->m.step ? -1 : 1;
	return p->seq - q->seq;
}

/* The rows of one run's metric key, by step. */
static int
add_history(struct mlt_store *st, const struct mlt_run *r, const char *key, struct rowset_builder *rb,
    struct wb_error *err)
{
	struct mlt_metric *m;
	int n;
	if (mlt_metric_history(st, r->run_id, key, &m, &n, err) < 0)
		return -1;
	struct point *pt = xcalloc((size_t)n + 1, sizeof *pt);
	for (int i = 0; i < n; i++) {
		pt[i].m = m[i];
		pt[i].seq = i;
	}
	qsort(pt, (size_t)n, sizeof *pt, cmp_point);
	for (int i = 0; i < n; i++) {
		rsb_str(rb, 0, r->run_id);
		if (r->run_name)
			rsb_str(rb, 1, r->run_name);
		else
			rsb_null(rb, 1);
		rsb_str(rb, 2, key);
		rsb_int(rb, 3, pt[i].m.step);
		if (pt[i].m.timestamp >= 0)
			rsb_int(rb, 4, pt[i].m.timestamp * 1000);    /* TIMESTAMP: microseconds */
		else
			rsb_null(rb, 4);
		rsb_double(rb, 5, pt[i].m.value);
		rsb_end_row(rb);
	}
	free(pt);
	mlt_metrics_free(m, n);
	return 0;
}

/* SHOW METRIC HISTORY [key] [FOR RUN 'id' | IN [EXPERIMENT] name] */
static int
exec_history(struct session *s, struct arena *a, void *data, struct wb_error *err)
{
	(void)a;
	const struct show_history *h = data;
	struct mlt_store *st = ml_track_store(s, err);
	if (st == NULL) {
		err_at(err, h->pos);
		return -1;
	}
	struct mlt_run *runs;
	int n;
	if (scope_runs(st, h, &runs, &n, err) < 0) {
		mlt_close(st);
		return -1;
	}
	const char *key = NULL;
	if (h->key != NULL && (key = resolve_key(h, runs, n, err)) == NULL) {
		mlt_runs_free(runs, n);
		mlt_close(st);
		return -1;
	}
	static const char *const names[] = {"run_id", "run_name", "key", "step", "timestamp", "value"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, WB_TYPE_BIGINT,
	    WB_TYPE_TIMESTAMP, WB_TYPE_DOUBLE};
	struct rowset_builder rb;
	rsb_init(&rb, 6, names, types);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		if (key != NULL) {
			if (run_has(&runs[i], key))
				rc = add_history(st, &runs[i], key, &rb, err);
			continue;
		}
		/* the run's metrics are sorted by key */
		for (int j = 0; j < runs[i].nmetrics && rc == 0; j++)
			rc = add_history(st, &runs[i], runs[i].metrics[j].key, &rb, err);
	}
	mlt_runs_free(runs, n);
	mlt_close(st);
	if (rc < 0) {
		rsb_free(&rb);
		err_at(err, h->pos);
		return -1;
	}
	return rows_emit(s, &rb, err);
}

static const struct stmt_ext history_ext = {
	.word = "SHOW",
	.words2 = "METRIC HISTORY",
	.parse = parse_history,
	.exec = (void *)exec_history,
	.usage = "SHOW METRIC HISTORY [key] [FOR RUN 'run_id' | IN [EXPERIMENT] name]",
	.summary = "every logged value of the runs' metrics, step by step (MLflow's metric history)",
	.query = true,
	.bare = true,
};

void
ml_register_history(void)
{
	parse_register_ext(&history_ext);
}

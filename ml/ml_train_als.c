/*
 * ml_train_als: CREATE MODEL ... OPTIONS (model_type = 'als') - user and
 * item ids to dense codes, duplicate (user, item) rows merged (implicit
 * feedback: ratings summed; explicit: averaged), a held-out share of the
 * interactions, training (ml_als.c) and ranking / rating metrics on the
 * held-out interactions.
 *
 * Held-out metrics: implicit feedback ranks, for each user with held-out
 * items, the top k items not among the user's training items:
 * precision_at_k and recall_at_k (mean over those users of hits / k and
 * hits / held-out items) and ndcg_at_k (binary relevance); explicit
 * ratings: mean_absolute_error, mean_squared_error and
 * root_mean_squared_error of the predicted ratings.
 */
#include "ml/ml_train.h"
#include "ml/ml_als.h"
#include "core/hash.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pair {
	int32_t u, i;
	double r;
	int64_t cnt;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static char **
copy_labels(const struct stats_column *c)
{
	char **v = xmalloc(sizeof *v * (size_t)(c->nlevels ? c->nlevels : 1));
	for (int k = 0; k < c->nlevels; k++)
		v[k] = xstrdup(c->labels[k]);
	return v;
}

/* Ranking metrics over users with held-out pairs (ho: sorted by user). */
static void
ranking_metrics(struct ml_model *m, const struct pair *tr, int64_t ntr, const struct pair *ho, int64_t nho, int k)
{
	int nu = m->nusers;
	int64_t *off = xcalloc((size_t)nu + 1, sizeof *off);
	for (int64_t q = 0; q < ntr; q++)
		off[tr[q].u + 1]++;
	for (int u = 0; u < nu; u++)
		off[u + 1] += off[u];
	int32_t *seen = xmalloc(sizeof *seen * (size_t)(ntr ? ntr : 1));
	for (int64_t q = 0; q < ntr; q++)
		seen[q] = tr[q].i;    /* tr is sorted by (u, i) */
	/* users with held-out items */
	int32_t *users = xmalloc(sizeof *users * (size_t)(nho ? nho : 1));
	int nreq = 0;
	for (int64_t q = 0; q < nho; q++)
		if (q == 0 || ho[q].u != ho[q - 1].u)
			users[nreq++] = ho[q].u;
	int64_t *req_off = xmalloc(sizeof *req_off * (size_t)(nreq + 1));
	int64_t req_n = 0;
	for (int r = 0; r < nreq; r++) {
		req_off[r] = req_n;
		req_n += off[users[r] + 1] - off[users[r]];
	}
	req_off[nreq] = req_n;
	int32_t *req_seen = xmalloc(sizeof *req_seen * (size_t)(req_n ? req_n : 1));
	for (int r = 0; r < nreq; r++)
		memcpy(req_seen + req_off[r], seen + off[users[r]], sizeof *seen * (size_t)(req_off[r + 1] - req_off[r]));
	int32_t *items = xmalloc(sizeof *items * (size_t)nreq * (size_t)k);
	double *scores = xmalloc(sizeof *scores * (size_t)nreq * (size_t)k);
	ml_als_recommend_many(m->als, users, nreq, req_off, req_seen, k, items, scores);
	double prec = 0, rec = 0, ndcg = 0;
	int64_t q = 0;
	for (int r = 0; r < nreq; r++) {
		int64_t a = q;
		while (q < nho && ho[q].u == users[r])
			q++;
		int64_t nrel = q - a;
		double hits = 0, dcg = 0, idcg = 0;
		for (int j = 0; j < k; j++) {
			int32_t it = items[(size_t)r * (size_t)k + (size_t)j];
			bool rel = false;
			for (int64_t t = a; t < q && it >= 0; t++)
				rel |= ho[t].i == it;
			if (rel) {
				hits++;
				dcg += 1 / log2(j + 2.0);
			}
			if (j < nrel)
				idcg += 1 / log2(j + 2.0);
		}
		prec += hits / k;
		rec += hits / (double)nrel;
		ndcg += idcg > 0 ? dcg / idcg : 0;
	}
	char name[40];
	snprintf(name, sizeof name, "precision_at_%d", k);
	ml_model_add_metric(m, name, nreq ? prec / nreq : NAN);
	snprintf(name, sizeof name, "recall_at_%d", k);
	ml_model_add_metric(m, name, nreq ? rec / nreq : NAN);
	snprintf(name, sizeof name, "ndcg_at_%d", k);
	ml_model_add_metric(m, name, nreq ? ndcg / nreq : NAN);
	free(off);
	free(seen);
	free(users);
	free(req_off);
	free(req_seen);
	free(items);
	free(scores);
}

struct ml_model *
ml_train_als(const struct ml_plan *pl, const struct stats_data *d, struct ml_log *log, struct ml_eval *ev,
    struct wb_error *err)
{
	(void)ev;
	const struct stats_column *uc = &d->col[pl->user_col], *ic = &d->col[pl->item_col];
	const struct stats_column *rc = pl->rating_col >= 0 ? &d->col[pl->rating_col] : NULL;
	const char *fb;
	static const char *const fbs[] = {"implicit", "explicit", NULL};
	if (ml_opt_choice(pl->opts, "feedback_type", "implicit", fbs, &fb, err) < 0)
		return NULL;
	bool implicit = strcmp(fb, "implicit") == 0;
	/* interactions, merged */
	struct pair *pr = xmalloc(sizeof *pr * (size_t)d->n);
	int64_t np = 0, dropped = 0;
	for (int64_t r = 0; r < d->n; r++) {
		double v = rc ? rc->x[r] : 1;
		if (uc->level[r] < 0 || ic->level[r] < 0 || isnan(v)) {
			dropped++;
			continue;
		}
		pr[np++] = (struct pair){uc->level[r], ic->level[r], v, 1};
	}
	qsort(pr, (size_t)np, sizeof *pr, cmp_pair);
	int64_t m2 = 0;
	for (int64_t q = 0; q < np; q++) {
		if (m2 > 0 && pr[m2 - 1].u == pr[q].u && pr[m2 - 1].i == pr[q].i) {
			pr[m2 - 1].r += pr[q].r;
			pr[m2 - 1].cnt++;
		} else {
			pr[m2++] = pr[q];
		}
	}
	np = m2;
	if (!implicit)
		for (int64_t q = 0; q < np; q++)
			pr[q].r /= (double)pr[q].cnt;
	if (np == 0) {
		free(pr);
		err_set(err, -1, "als: no interactions to train on (%lld rows with a NULL user, item or rating)",
		    (long long)dropped);
		return NULL;
	}
	/* held-out interactions, by a hash of (user, item, seed) */
	struct pair *tr = xmalloc(sizeof *tr * (size_t)np), *ho = xmalloc(sizeof *ho * (size_t)np);
	int64_t ntr = 0, nho = 0;
	uint64_t cut = (uint64_t)(pl->split_frac * 18446744073709551616.0);
	for (int64_t q = 0; q < np; q++) {
		uint64_t h = hash_combine(hash_u64(pl->seed ^ 0x3c6ef372fe94f82bULL),
		    hash_combine(hash_bytes(uc->labels[pr[q].u], strlen(uc->labels[pr[q].u])),
		    hash_bytes(ic->labels[pr[q].i], strlen(ic->labels[pr[q].i]))));
		if (pl->split_frac > 0 && h < cut)
			ho[nho++] = pr[q];
		else
			tr[ntr++] = pr[q];
	}
	if (ntr == 0) {
		free(pr);
		free(tr);
		free(ho);
		err_set(err, -1, "als: every interaction is held out; none is left to train on");
		return NULL;
	}
	struct ml_model *m = xcalloc(1, sizeof *m);
	m->model_type = xstrdup("als");
	m->seed = pl->seed;
	m->split_frac = pl->split_frac;
	m->split_method = xstrdup(pl->split_frac > 0 ? "random" : "none");
	m->user_col = xstrdup(pl->names[pl->user_col]);
	m->item_col = xstrdup(pl->names[pl->item_col]);
	m->rating_col = rc ? xstrdup(pl->names[pl->rating_col]) : NULL;
	m->user_type = pl->types[pl->user_col];
	m->item_type = pl->types[pl->item_col];
	m->nusers = uc->nlevels;
	m->nitems = ic->nlevels;
	m->users = copy_labels(uc);
	m->items = copy_labels(ic);
	m->train_rows = ntr;
	m->eval_rows = nho;
	int32_t *u = xmalloc(sizeof *u * (size_t)ntr), *it = xmalloc(sizeof *it * (size_t)ntr);
	double *rt = xmalloc(sizeof *rt * (size_t)ntr);
	for (int64_t q = 0; q < ntr; q++) {
		u[q] = tr[q].u;
		it[q] = tr[q].i;
		rt[q] = tr[q].r;
	}
	struct ml_als_data ad = {ntr, u, it, rt, m->nusers, m->nitems};
	m->als = ml_als_train(&ad, pl->opts, log, err);
	free(u);
	free(it);
	free(rt);
	if (m->als == NULL) {
		free(pr);
		free(tr);
		free(ho);
		ml_model_free(m);
		return NULL;
	}
	/* what each user has interacted with: every merged pair */
	m->seen_off = xcalloc((size_t)m->nusers + 1, sizeof *m->seen_off);
	for (int64_t q = 0; q < np; q++)
		m->seen_off[pr[q].u + 1]++;
	for (int k = 0; k < m->nusers; k++)
		m->seen_off[k + 1] += m->seen_off[k];
	m->seen = xmalloc(sizeof *m->seen * (size_t)np);
	for (int64_t q = 0; q < np; q++)
		m->seen[q] = pr[q].i;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%d users, %d items, %lld interactions (%lld training, %lld held out)", m->nusers, m->nitems,
	    (long long)np, (long long)ntr, (long long)nho);
	if (dropped)
		sb_printf(&sb, "; %lld rows with a NULL user, item or rating left out", (long long)dropped);
	ml_model_note(m, "%s", sb_str(&sb));
	sb_free(&sb);
	if (nho > 0) {
		if (implicit) {
			ranking_metrics(m, tr, ntr, ho, nho, pl->k);
		} else {
			double sae = 0, sse = 0;
			for (int64_t q = 0; q < nho; q++) {
				double e = ho[q].r - ml_als_score(m->als, ho[q].u, ho[q].i);
				sae += fabs(e);
				sse += e * e;
			}
			ml_model_add_metric(m, "mean_absolute_error", sae / (double)nho);
			ml_model_add_metric(m, "mean_squared_error", sse / (double)nho);
			ml_model_add_metric(m, "root_mean_squared_error", sqrt(sse / (double)nho));
		}
	}
	free(pr);
	free(tr);
	free(ho);
	return m;
}

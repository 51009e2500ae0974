/*
 * ml_predict_fn: the hidden scalar function ML.PREDICT's rewrite calls,
 *
 *   __ml_predict(model_file, mode, feature1, feature2, ...)
 *
 * one DOUBLE per row: mode 'p1' the probability of class 1 (binary
 * classifiers; 'p<c>' that of class code c of any classifier), 'class'
 * the predicted class code and 'pmax' its probability (multiclass),
 * 'value' a regressor's prediction. Features
 * arrive as the model's input columns in order, of the types it was
 * trained with; rows the model cannot score (a NULL under null_handling =
 * 'drop') are NULL.
 *
 * Models are loaded once per query and thread through a process-wide
 * cache keyed by the file's path, size and modification time (a replaced
 * model is loaded afresh; the old one lives until its last user is done).
 */
#include "ml/ml_model.h"
#include "ml/ml_metrics.h"
#include "func/func.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ cache */

struct cache_entry {
	char *path;
	int64_t size, mtime_ns;
	struct ml_model *m;
	int refs;
	bool stale;
	struct cache_entry *next;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache;

static void
entry_free(struct cache_entry *e)
{
	ml_model_free(e->m);
	free(e->path);
	free(e);
}

const struct ml_model *
ml_cache_acquire(const char *path, struct wb_error *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		err_set(err, -1, "model file %s is gone", path);
		return NULL;
	}
	int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	pthread_mutex_lock(&cache_mu);
	for (struct cache_entry **pp = &cache; *pp;) {
		struct cache_entry *e = *pp;
		if (strcmp(e->path, path) == 0 && !e->stale) {
			if (e->size == (int64_t)st.st_size && e->mtime_ns == mt) {
				e->refs++;
				pthread_mutex_unlock(&cache_mu);
				return e->m;
			}
			e->stale = true;
		}
		if (e->stale && e->refs == 0) {
			*pp = e->next;
			entry_free(e);
			continue;
		}
		pp = &e->next;
	}
	struct ml_model *m = ml_model_load(path, err);
	if (m == NULL) {
		pthread_mutex_unlock(&cache_mu);
		return NULL;
	}
	struct cache_entry *e = xcalloc(1, sizeof *e);
	e->path = xstrdup(path);
	e->size = (int64_t)st.st_size;
	e->mtime_ns = mt;
	e->m = m;
	e->refs = 1;
	e->next = cache;
	cache = e;
	pthread_mutex_unlock(&cache_mu);
	return m;
}

void
ml_cache_release(const struct ml_model *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&cache_mu);
	for (struct cache_entry **pp = &cache; *pp; pp = &(*pp)->next) {
		struct cache_entry *e = *pp;
		if (e->m != m)
			continue;
		if (--e->refs == 0 && e->stale) {
			*pp = e->next;
			entry_free(e);
		}
		break;
	}
	pthread_mutex_unlock(&cache_mu);
}

/* ------------------------------------------------------------ function */

enum mode { MODE_PCLASS, MODE_CLASS, MODE_PMAX, MODE_VALUE };

struct state {
	const struct ml_model *m;
	enum mode mode;
	int cls;                 /* MODE_PCLASS: the class code */
	double *x, *out;
	bool *ok;
};

static void
release(void *arg)
{
	struct state *s = arg;
	if (s == NULL)
		return;
	ml_cache_release(s->m);
	free(s->x);
	free(s->out);
	free(s->ok);
	free(s);
}

static void *
prepare(const struct wb_value *consts, const bool *is_const, int nargs, struct wb_error *err)
{
	if (nargs < 2 || !is_const[0] || !is_const[1] || consts[0].type != WB_TYPE_VARCHAR ||
	    consts[1].type != WB_TYPE_VARCHAR) {
		err_set(err, -1, "__ml_predict: the model and mode must be constants");
		return NULL;
	}
	char path[4096], mode[16];
	wb_str p = consts[0].u.s, md = consts[1].u.s;
	if (p.n >= sizeof path || md.n >= sizeof mode) {
		err_set(err, -1, "__ml_predict: bad arguments");
		return NULL;
	}
	memcpy(path, p.p, p.n);
	path[p.n] = '\0';
	memcpy(mode, md.p, md.n);
	mode[md.n] = '\0';
	struct state *s = xcalloc(1, sizeof *s);
	if (mode[0] == 'p' && mode[1] >= '0' && mode[1] <= '9') {
		s->mode = MODE_PCLASS;
		s->cls = (int)strtol(mode + 1, NULL, 10);
	} else {
		s->mode = strcmp(mode, "class") == 0 ? MODE_CLASS : strcmp(mode, "pmax") == 0 ? MODE_PMAX : MODE_VALUE;
	}
	s->m = ml_cache_acquire(path, err);
	if (s->m == NULL) {
		free(s);
		return NULL;
	}
	if (s->m->kind == NULL || (s->mode != MODE_VALUE && s->cls >= s->m->label.nclass)) {
		err_set(err, -1, "__ml_predict: mode '%s' does not apply to model %s", mode, s->m->name);
		ml_cache_release(s->m);
		free(s);
		return NULL;
	}
	int width = s->m->label.nclass ? s->m->label.nclass : 1;
	s->x = xmalloc(sizeof *s->x * (size_t)ML_CHUNK * (size_t)(s->m->p ? s->m->p : 1));
	s->out = xmalloc(sizeof *s->out * (size_t)ML_CHUNK * (size_t)width);
	s->ok = xmalloc(sizeof *s->ok * ML_CHUNK);
	return s;
}

static int
kernel(struct fn_call *call, struct vec **args, int nargs, int n, struct vec *out)
{
	struct state *s = call->state;
	const struct ml_model *m = s->m;
	if (nargs - 2 != m->nfeat) {
		err_set(call->err, call->pos, "__ml_predict: %d features given, model %s has %d", nargs - 2, m->name,
		    m->nfeat);
		return -1;
	}
	if (ml_encode_chunk(m, args + 2, n, s->x, s->ok, call->err) < 0)
		return -1;
	m->kind->predict(m->impl, s->x, n, s->out);
	double *r = vec_f64(out);
	int k = m->label.nclass;
	for (int i = 0; i < n; i++) {
		if (!s->ok[i]) {
			vec_set_null(out, i);
			continue;
		}
		switch (s->mode) {
		case MODE_PCLASS: r[i] = s->out[(size_t)i * (size_t)k + (size_t)s->cls]; break;
		case MODE_VALUE: r[i] = s->out[i]; break;
		case MODE_CLASS:
		case MODE_PMAX: {
			int c = ml_predict_class(s->out + (size_t)i * (size_t)k, k, m->threshold);
			r[i] = s->mode == MODE_CLASS ? (double)c : s->out[(size_t)i * (size_t)k + (size_t)c];
			break;
		}
		}
	}
	return 0;
}

static const struct fn_sig sigs[] = {
	{WB_TYPE_DOUBLE, 3, {WB_TYPE_VARCHAR, WB_TYPE_VARCHAR, FN_ANY}, kernel, FN_VARIADIC | FN_NONSTRICT},
};

const struct scalar_fn ml_predict_fn = {
	.name = "__ml_predict",
	.sigs = sigs,
	.nsigs = 1,
	.usage = "__ml_predict(model_file, mode, features...)",
	.doc = "ML.PREDICT's scoring (internal)",
	.prepare = prepare,
	.release = release,
};

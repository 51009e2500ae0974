/*
 * ml_model: the model struct, its file, and feature encoding (ml_model.h).
 */
#include "ml/ml_model.h"
#include "ml/ml_als.h"
#include "ml/ml_yaml.h"
#include "core/digest.h"
#include "core/hash.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "WBMODEL"
#define FORMAT_VERSION 1
#define MD5_HEX 32

static void
free_strs(char **v, int n)
{
	if (v == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
ml_model_free(struct ml_model *m)
{
	if (m == NULL)
		return;
	if (m->impl != NULL && m->kind != NULL)
		m->kind->free(m->impl);
	if (m->als != NULL)
		ml_als_free(m->als);
	for (int i = 0; i < m->nfeat; i++) {
		struct ml_feature *f = &m->feat[i];
		free(f->name);
		free_strs(f->levels, f->nlevels);
		free(f->slots);
		free(f->hashes);
	}
	free(m->feat);
	free_strs(m->fnames, m->p);
	free(m->label.name);
	free_strs(m->label.classes, m->label.nclass);
	free(m->user_col);
	free(m->item_col);
	free(m->rating_col);
	free_strs(m->users, m->nusers);
	free_strs(m->items, m->nitems);
	free(m->seen_off);
	free(m->seen);
	free_strs(m->opt_keys, m->nopts);
	free_strs(m->opt_vals, m->nopts);
	for (int i = 0; i < m->nmetrics; i++)
		free(m->metrics[i].name);
	free(m->metrics);
	free(m->cm);
	ml_roc_free(&m->roc);
	free(m->steps);
	free_strs(m->notes, m->nnotes);
	free(m->name);
	free(m->model_type);
	free(m->run_id);
	free(m->experiment_id);
	free(m->eval_query);
	free(m->split_method);
	free(m->split_col);
	free(m);
}

void
ml_model_add_metric(struct ml_model *m, const char *name, double v)
{
	m->metrics = xrealloc(m->metrics, sizeof *m->metrics * (size_t)(m->nmetrics + 1));
	m->metrics[m->nmetrics++] = (struct ml_metric){xstrdup(name), v};
}

void
ml_model_note(struct ml_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	m->notes = xrealloc(m->notes, sizeof *m->notes * (size_t)(m->nnotes + 1));
	m->notes[m->nnotes++] = sb_detach(&sb);
}

/* ------------------------------------------------------------ level lookup */

void
ml_model_index(struct ml_model *m)
{
	for (int i = 0; i < m->nfeat; i++) {
		struct ml_feature *f = &m->feat[i];
		free(f->slots);
		free(f->hashes);
		f->slots = NULL;
		f->hashes = NULL;
		f->nslots = 0;
		if (f->enc == ML_ENC_NUMERIC)
			continue;
		int ns = 16;
		while (ns < 2 * f->nlevels + 2)
			ns *= 2;
		f->nslots = ns;
		f->slots = xmalloc(sizeof *f->slots * (size_t)ns);
		f->hashes = xmalloc(sizeof *f->hashes * (size_t)(f->nlevels ? f->nlevels : 1));
		for (int k = 0; k < ns; k++)
			f->slots[k] = -1;
		for (int k = 0; k < f->nlevels; k++) {
			uint64_t h = hash_bytes(f->levels[k], strlen(f->levels[k]));
			f->hashes[k] = h;
			size_t s = h & (size_t)(ns - 1);
			while (f->slots[s] >= 0)
				s = (s + 1) & (size_t)(ns - 1);
			f->slots[s] = k;
		}
	}
}

int
ml_feature_level(const struct ml_feature *f, const char *s, size_t len)
{
	if (f->nslots == 0)
		return -1;
	uint64_t h = hash_bytes(s, len);
	for (size_t k = h & (size_t)(f->nslots - 1);; k = (k + 1) & (size_t)(f->nslots - 1)) {
		int32_t c = f->slots[k];
		if (c < 0)
			return -1;
		if (f->hashes[c] == h && strlen(f->levels[c]) == len && memcmp(f->levels[c], s, len) == 0)
			return c;
	}
}

/* ------------------------------------------------------------ encoding */

/* The double value of row i of a numeric vector, NaN for NULL. */
static double
num_at(const struct vec *v, int i)
{
	if (vec_is_null(v, i))
		return NAN;
	switch (v->type) {
	case WB_TYPE_BIGINT: return (double)vec_i64(v)[i];
	case WB_TYPE_DOUBLE: return vec_f64(v)[i];
	case WB_TYPE_BOOL: return vec_bool(v)[i] ? 1.0 : 0.0;
	default: return NAN;
	}
}

/* The level of row i of a categorical vector (-1 unseen, -2 NULL). */
static int
level_at(const struct ml_feature *f, const struct vec *v, int i)
{
	if (vec_is_null(v, i))
		return -2;
	if (v->type == WB_TYPE_BOOL)
		return vec_bool(v)[i] ? ml_feature_level(f, "true", 4) : ml_feature_level(f, "false", 5);
	wb_str s = vec_str_at(v, i);
	return ml_feature_level(f, s.p, s.n);
}

static bool
type_fits(const struct ml_feature *f, wb_type t)
{
	if (t == WB_TYPE_NULL)
		return true;
	if (f->enc == ML_ENC_NUMERIC)
		return t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE || t == WB_TYPE_BOOL;
	return t == f->type;
}

int
ml_encode_chunk(const struct ml_model *m, struct vec **cols, int n, double *x, bool *ok, struct wb_error *err)
{
	for (int i = 0; i < n; i++)
		ok[i] = true;
	for (int c = 0; c < m->nfeat; c++) {
		const struct ml_feature *f = &m->feat[c];
		const struct vec *v = cols[c];
		if (!type_fits(f, v->type)) {
			err_set(err, -1, "model %s: feature %s is %s here but was %s in training", m->name, f->name,
			    type_name(v->type), type_name(f->type));
			err_hint(err, "cast it: CAST(%s AS %s)", f->name, type_name(f->type));
			return -1;
		}
		double *col = x + (size_t)f->first * (size_t)n;
		if (f->enc == ML_ENC_NUMERIC) {
			bool std = m->standardize;
			double sd = f->sd > 0 ? f->sd : 1, mean = std ? f->mean : 0;
			if (!std)
				sd = 1;
			for (int i = 0; i < n; i++) {
				double d = v->type == WB_TYPE_NULL ? NAN : num_at(v, i);
				if (isnan(d)) {
					if (m->drop_nulls)
						ok[i] = false;
					d = f->mean;
				}
				col[i] = (d - mean) / sd;
			}
			continue;
		}
		if (f->enc == ML_ENC_ORDINAL) {
			for (int i = 0; i < n; i++) {
				int k = v->type == WB_TYPE_NULL ? -2 : level_at(f, v, i);
				if (k == -2 && m->drop_nulls)
					ok[i] = false;
				col[i] = k < 0 ? -1.0 : (double)k;
			}
			continue;
		}
		memset(col, 0, sizeof *col * (size_t)n * (size_t)f->width);
		for (int i = 0; i < n; i++) {
			int k = v->type == WB_TYPE_NULL ? -2 : level_at(f, v, i);
			if (k == -2 && m->drop_nulls)
				ok[i] = false;
			k -= f->skip;
			if (k >= 0 && k < f->width)
				col[(size_t)k * (size_t)n + (size_t)i] = 1.0;
		}
	}
	return 0;
}

void
ml_model_coefs(const struct ml_model *m, double *est, double *se)
{
	int p = m->p;
	const double *b = NULL, *cov = NULL;
	for (int j = 0; j <= p; j++)
		est[j] = se[j] = NAN;
	if (m->kind == NULL || m->kind->coefs == NULL)
		return;
	m->kind->coefs(m->impl, &b, &cov);
	if (b == NULL)
		return;
	/* x_std = (x - mean) / sd: beta_j = b_j / sd_j, b0 = b0 - sum b_j mean_j / sd_j.
	 * As a linear map T (est = T b): var(est) = T cov T'. */
	double *scale = xmalloc(sizeof *scale * (size_t)(p + 1)), *shift = xcalloc((size_t)(p + 1), sizeof *shift);
	for (int j = 0; j <= p; j++)
		scale[j] = 1;
	for (int c = 0; c < m->nfeat; c++) {
		const struct ml_feature *f = &m->feat[c];
		if (f->enc != ML_ENC_NUMERIC || !m->standardize)
			continue;
		double sd = f->sd > 0 ? f->sd : 1;
		scale[f->first + 1] = 1 / sd;
		shift[f->first + 1] = f->mean / sd;
	}
	est[0] = b[0];
	for (int j = 1; j <= p; j++) {
		est[j] = b[j] * scale[j];
		est[0] -= b[j] * shift[j];
	}
	if (cov != NULL) {
		/* row 0 of T: (1, -shift_1, ..., -shift_p); row j: scale_j e_j */
		int q = p + 1;
		double v0 = 0;
		for (int a = 0; a < q; a++)
			for (int c = 0; c < q; c++) {
				double ta = a == 0 ? 1 : -shift[a], tc = c == 0 ? 1 : -shift[c];
				v0 += ta * tc * cov[(size_t)a * (size_t)q + (size_t)c];
			}
		se[0] = sqrt(v0 > 0 ? v0 : 0);
		for (int j = 1; j <= p; j++) {
			double v = cov[(size_t)j * (size_t)q + (size_t)j] * scale[j] * scale[j];
			se[j] = sqrt(v > 0 ? v : 0);
		}
	}
	free(scale);
	free(shift);
}

/* ------------------------------------------------------------ file */

static void
w_strs(struct ml_wbuf *b, char *const *v, int n)
{
	ml_w_u32(b, (uint32_t)n);
	for (int i = 0; i < n; i++)
		ml_w_str(b, v[i]);
}

static char **
r_strs(struct ml_rbuf *r, int *n)
{
	uint32_t k = ml_r_u32(r);
	*n = 0;
	if (!ml_r_fits(r, k, 4))
		return NULL;
	char **v = xcalloc(k ? k : 1, sizeof *v);
	for (uint32_t i = 0; i < k; i++) {
		v[i] = ml_r_str(r);
		if (v[i] == NULL) {
			r->bad = true;
			free_strs(v, (int)i);
			return NULL;
		}
	}
	*n = (int)k;
	return v;
}

static void
w_payload(struct ml_wbuf *b, const struct ml_wbuf *inner)
{
	ml_w_i64(b, (int64_t)inner->n);
	for (size_t i = 0; i < inner->n; i++)
		ml_w_u8(b, inner->p[i]);
}

void
ml_model_write(const struct ml_model *m, struct ml_wbuf *b)
{
	for (const char *s = MAGIC; *s; s++)
		ml_w_u8(b, (uint8_t)*s);
	ml_w_u8(b, 0);
	ml_w_u32(b, FORMAT_VERSION);
	ml_w_str(b, m->name);
	ml_w_str(b, m->model_type);
	ml_w_u32(b, (uint32_t)m->nfeat);
	for (int i = 0; i < m->nfeat; i++) {
		const struct ml_feature *f = &m->feat[i];
		ml_w_str(b, f->name);
		ml_w_u32(b, (uint32_t)f->type);
		ml_w_u8(b, (uint8_t)f->enc);
		w_strs(b, f->levels, f->nlevels);
		ml_w_u32(b, (uint32_t)f->first);
		ml_w_u32(b, (uint32_t)f->width);
		ml_w_u32(b, (uint32_t)f->skip);
		ml_w_f64(b, f->mean);
		ml_w_f64(b, f->sd);
	}
	w_strs(b, m->fnames, m->p);
	ml_w_str(b, m->label.name);
	ml_w_u32(b, (uint32_t)m->label.type);
	w_strs(b, m->label.classes, m->label.nclass);
	ml_w_u8(b, m->drop_nulls);
	ml_w_u8(b, m->standardize);
	ml_w_f64(b, m->threshold);
	ml_w_u32(b, (uint32_t)m->nopts);
	for (int i = 0; i < m->nopts; i++) {
		ml_w_str(b, m->opt_keys[i]);
		ml_w_str(b, m->opt_vals[i]);
	}
	ml_w_u32(b, (uint32_t)m->nmetrics);
	for (int i = 0; i < m->nmetrics; i++) {
		ml_w_str(b, m->metrics[i].name);
		ml_w_f64(b, m->metrics[i].value);
	}
	ml_w_u8(b, m->cm != NULL);
	if (m->cm != NULL)
		for (int i = 0; i < m->label.nclass * m->label.nclass; i++)
			ml_w_i64(b, m->cm[i]);
	ml_w_u32(b, (uint32_t)m->roc.n);
	for (int i = 0; i < m->roc.n; i++) {
		ml_w_f64(b, m->roc.threshold[i]);
		ml_w_i64(b, m->roc.tp[i]);
		ml_w_i64(b, m->roc.fp[i]);
		ml_w_i64(b, m->roc.tn[i]);
		ml_w_i64(b, m->roc.fn[i]);
	}
	ml_w_u32(b, (uint32_t)m->nsteps);
	for (int i = 0; i < m->nsteps; i++) {
		ml_w_u32(b, (uint32_t)m->steps[i].iteration);
		ml_w_f64(b, m->steps[i].loss);
		ml_w_f64(b, m->steps[i].eval_loss);
		ml_w_f64(b, m->steps[i].duration_ms);
	}
	w_strs(b, m->notes, m->nnotes);
	ml_w_str(b, m->run_id);
	ml_w_str(b, m->experiment_id);
	ml_w_i64(b, m->created_ms);
	ml_w_i64(b, m->train_rows);
	ml_w_i64(b, m->eval_rows);
	ml_w_str(b, m->eval_query);
	ml_w_f64(b, m->split_frac);
	ml_w_str(b, m->split_method);
	ml_w_str(b, m->split_col);
	ml_w_i64(b, (int64_t)m->seed);
	struct ml_wbuf inner = {0};
	if (m->kind != NULL) {
		m->kind->save(m->impl, &inner);
	} else if (m->als != NULL) {
		ml_w_str(b, m->user_col);
		ml_w_str(b, m->item_col);
		ml_w_str(b, m->rating_col);
		ml_w_u32(b, (uint32_t)m->user_type);
		ml_w_u32(b, (uint32_t)m->item_type);
		w_strs(b, m->users, m->nusers);
		w_strs(b, m->items, m->nitems);
		int64_t nseen = m->seen_off[m->nusers];
		for (int u = 0; u <= m->nusers; u++)
			ml_w_i64(b, m->seen_off[u]);
		ml_w_i32s(b, m->seen, (size_t)nseen);
		ml_als_save(m->als, &inner);
	}
	w_payload(b, &inner);
	ml_wbuf_free(&inner);
	char md5[MD5_HEX + 1];
	digest_md5_hex(b->p, b->n, md5);
	for (int i = 0; i < MD5_HEX; i++)
		ml_w_u8(b, (uint8_t)md5[i]);
}

static bool
valid_type(uint32_t t)
{
	return t < (uint32_t)WB_TYPE__COUNT;
}

/* The model part of the file (after the header), into m. */
static int
read_body(struct ml_rbuf *r, struct ml_model *m, const char *what, struct wb_error *err)
{
	m->name = ml_r_str(r);
	m->model_type = ml_r_str(r);
	if (!ml_r_ok(r) || m->model_type == NULL)
		goto corrupt;
	bool als = strcmp(m->model_type, "als") == 0;
	if (!als) {
		m->kind = ml_kind_find(m->model_type);
		if (m->kind == NULL) {
			err_set(err, -1, "model file %s has model_type '%s', which this wb does not know", what,
			    m->model_type);
			return -1;
		}
	}
	uint32_t nf = ml_r_u32(r);
	if (!ml_r_fits(r, nf, 16))
		goto corrupt;
	m->feat = xcalloc(nf ? nf : 1, sizeof *m->feat);
	m->nfeat = (int)nf;
	int width = 0;
	for (uint32_t i = 0; i < nf; i++) {
		struct ml_feature *f = &m->feat[i];
		f->name = ml_r_str(r);
		uint32_t t = ml_r_u32(r);
		uint8_t enc = ml_r_u8(r);
		f->levels = r_strs(r, &f->nlevels);
		f->first = (int)ml_r_u32(r);
		f->width = (int)ml_r_u32(r);
		f->skip = (int)ml_r_u32(r);
		f->mean = ml_r_f64(r);
		f->sd = ml_r_f64(r);
		if (!ml_r_ok(r) || f->name == NULL || !valid_type(t) || enc > ML_ENC_ORDINAL)
			goto corrupt;
		f->type = (wb_type)t;
		f->enc = (enum ml_enc)enc;
		int want = f->enc == ML_ENC_ONEHOT ? f->nlevels - f->skip : 1;
		if (f->first != width || f->width != want || f->skip < 0 || f->skip > 1 || f->width < 0)
			goto corrupt;
		width += f->width;
	}
	m->fnames = r_strs(r, &m->p);
	m->label.name = ml_r_str(r);
	uint32_t lt = ml_r_u32(r);
	m->label.classes = r_strs(r, &m->label.nclass);
	m->drop_nulls = ml_r_u8(r) != 0;
	m->standardize = ml_r_u8(r) != 0;
	m->threshold = ml_r_f64(r);
	if (!ml_r_ok(r) || !valid_type(lt) || (!als && m->p != width))
		goto corrupt;
	m->label.type = (wb_type)lt;
	uint32_t no = ml_r_u32(r);
	if (!ml_r_fits(r, no, 8))
		goto corrupt;
	m->opt_keys = xcalloc(no ? no : 1, sizeof(char *));
	m->opt_vals = xcalloc(no ? no : 1, sizeof(char *));
	m->nopts = (int)no;
	for (uint32_t i = 0; i < no; i++) {
		m->opt_keys[i] = ml_r_str(r);
		m->opt_vals[i] = ml_r_str(r);
		if (m->opt_keys[i] == NULL || m->opt_vals[i] == NULL)
			goto corrupt;
	}
	uint32_t nm = ml_r_u32(r);
	if (!ml_r_fits(r, nm, 12))
		goto corrupt;
	m->metrics = xcalloc(nm ? nm : 1, sizeof *m->metrics);
	m->nmetrics = (int)nm;
	for (uint32_t i = 0; i < nm; i++) {
		m->metrics[i].name = ml_r_str(r);
		m->metrics[i].value = ml_r_f64(r);
		if (m->metrics[i].name == NULL)
			goto corrupt;
	}
	if (ml_r_u8(r)) {
		size_t k = (size_t)m->label.nclass * (size_t)m->label.nclass;
		if (k == 0 || !ml_r_fits(r, k, 8))
			goto corrupt;
		m->cm = xmalloc(sizeof *m->cm * k);
		for (size_t i = 0; i < k; i++)
			m->cm[i] = ml_r_i64(r);
	}
	uint32_t nroc = ml_r_u32(r);
	if (!ml_r_fits(r, nroc, 40))
		goto corrupt;
	if (nroc > 0) {
		m->roc.threshold = xmalloc(sizeof(double) * nroc);
		m->roc.tp = xmalloc(sizeof(int64_t) * nroc);
		m->roc.fp = xmalloc(sizeof(int64_t) * nroc);
		m->roc.tn = xmalloc(sizeof(int64_t) * nroc);
		m->roc.fn = xmalloc(sizeof(int64_t) * nroc);
		m->roc.n = (int)nroc;
		for (uint32_t i = 0; i < nroc; i++) {
			m->roc.threshold[i] = ml_r_f64(r);
			m->roc.tp[i] = ml_r_i64(r);
			m->roc.fp[i] = ml_r_i64(r);
			m->roc.tn[i] = ml_r_i64(r);
			m->roc.fn[i] = ml_r_i64(r);
		}
	}
	uint32_t ns = ml_r_u32(r);
	if (!ml_r_fits(r, ns, 28))
		goto corrupt;
	m->steps = xcalloc(ns ? ns : 1, sizeof *m->steps);
	m->nsteps = (int)ns;
	for (uint32_t i = 0; i < ns; i++) {
		m->steps[i].iteration = (int)ml_r_u32(r);
		m->steps[i].loss = ml_r_f64(r);
		m->steps[i].eval_loss = ml_r_f64(r);
		m->steps[i].duration_ms = ml_r_f64(r);
	}
	m->notes = r_strs(r, &m->nnotes);
	m->run_id = ml_r_str(r);
	m->experiment_id = ml_r_str(r);
	m->created_ms = ml_r_i64(r);
	m->train_rows = ml_r_i64(r);
	m->eval_rows = ml_r_i64(r);
	m->eval_query = ml_r_str(r);
	m->split_frac = ml_r_f64(r);
	m->split_method = ml_r_str(r);
	m->split_col = ml_r_str(r);
	m->seed = (uint64_t)ml_r_i64(r);
	if (!ml_r_ok(r))
		goto corrupt;
	if (als) {
		m->user_col = ml_r_str(r);
		m->item_col = ml_r_str(r);
		m->rating_col = ml_r_str(r);
		uint32_t ut = ml_r_u32(r), it = ml_r_u32(r);
		m->users = r_strs(r, &m->nusers);
		m->items = r_strs(r, &m->nitems);
		if (!ml_r_ok(r) || !valid_type(ut) || !valid_type(it) || !ml_r_fits(r, (uint64_t)m->nusers + 1, 8))
			goto corrupt;
		m->user_type = (wb_type)ut;
		m->item_type = (wb_type)it;
		m->seen_off = xmalloc(sizeof *m->seen_off * (size_t)(m->nusers + 1));
		for (int u = 0; u <= m->nusers; u++) {
			m->seen_off[u] = ml_r_i64(r);
			if (m->seen_off[u] < (u ? m->seen_off[u - 1] : 0) || (u == 0 && m->seen_off[0] != 0))
				goto corrupt;
		}
		int64_t nseen = m->seen_off[m->nusers];
		if (!ml_r_fits(r, (uint64_t)nseen, 4))
			goto corrupt;
		m->seen = xmalloc(sizeof *m->seen * (size_t)(nseen ? nseen : 1));
		ml_r_i32s(r, m->seen, (size_t)nseen);
		for (int64_t k = 0; k < nseen; k++)
			if (m->seen[k] < 0 || m->seen[k] >= m->nitems)
				goto corrupt;
	}
	int64_t plen = ml_r_i64(r);
	if (!ml_r_ok(r) || plen < 0 || (uint64_t)plen != r->n - r->off)
		goto corrupt;
	struct ml_rbuf inner = {r->p + r->off, (size_t)plen, 0, false};
	if (als) {
		m->als = ml_als_load(&inner, err);
		if (m->als == NULL)
			return -1;
		if (ml_als_nusers(m->als) != m->nusers || ml_als_nitems(m->als) != m->nitems)
			goto corrupt;
	} else {
		m->impl = m->kind->load(&inner, m->p, m->label.nclass, err);
		if (m->impl == NULL)
			return -1;
	}
	if (inner.off != inner.n)
		goto corrupt;
	ml_model_index(m);
	return 0;
corrupt:
	err_set(err, -1, "model file %s is corrupt", what);
	err_hint(err, "train the model again (CREATE OR REPLACE MODEL ...)");
	return -1;
}

struct ml_model *
ml_model_read(const uint8_t *p, size_t n, const char *what, struct wb_error *err)
{
	size_t hdr = sizeof MAGIC + 4;
	if (n < hdr + MD5_HEX || memcmp(p, MAGIC, sizeof MAGIC) != 0) {
		err_set(err, -1, "%s is not a wb model file", what);
		return NULL;
	}
	char md5[MD5_HEX + 1];
	digest_md5_hex(p, n - MD5_HEX, md5);
	if (memcmp(md5, p + n - MD5_HEX, MD5_HEX) != 0) {
		err_set(err, -1, "model file %s is corrupt (its checksum does not match)", what);
		err_hint(err, "train the model again (CREATE OR REPLACE MODEL ...)");
		return NULL;
	}
	struct ml_rbuf r = {p, n - MD5_HEX, sizeof MAGIC, false};
	uint32_t version = ml_r_u32(&r);
	if (version != FORMAT_VERSION) {
		err_set(err, -1, "model file %s has format version %u; this wb reads version %d", what, version,
		    FORMAT_VERSION);
		return NULL;
	}
	struct ml_model *m = xcalloc(1, sizeof *m);
	if (read_body(&r, m, what, err) < 0) {
		ml_model_free(m);
		return NULL;
	}
	return m;
}

int
ml_model_save(const struct ml_model *m, const char *path, struct wb_error *err)
{
	struct ml_wbuf b = {0};
	ml_model_write(m, &b);
	int rc = ml_yaml_file_write(path, NULL, (const char *)b.p, b.n, false, err);
	ml_wbuf_free(&b);
	return rc < 0 ? -1 : 0;
}

struct ml_model *
ml_model_load(const char *path, struct wb_error *err)
{
	size_t n;
	char *buf = ml_yaml_file_read(path, &n, NULL, err);
	if (buf == NULL)
		return NULL;
	struct ml_model *m = ml_model_read((const uint8_t *)buf, n, path, err);
	free(buf);
	return m;
}

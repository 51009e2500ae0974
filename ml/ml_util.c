/*
 * ml_util: what every model kind shares (ml.h): options, the training
 * log, key/value summaries, model-file buffers and random numbers.
 */
#include "ml/ml.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

double
ml_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ options */

struct ml_opt *
ml_opt_find(const struct ml_opts *o, const char *key)
{
	if (o == NULL)
		return NULL;
	for (int i = 0; i < o->n; i++)
		if (strcasecmp(o->v[i].key, key) == 0) {
			o->v[i].used = true;
			return &o->v[i];
		}
	return NULL;
}

int
ml_opt_num(const struct ml_opts *o, const char *key, double def, double lo, double hi, double *out,
    struct wb_error *err)
{
	const struct ml_opt *v = ml_opt_find(o, key);
	*out = def;
	if (v == NULL)
		return 0;
	if (v->type != MLO_NUM) {
		err_set(err, v->pos, "option %s must be a number, not %s", key, v->str ? v->str : "a list");
		return -1;
	}
	if (!(v->num >= lo && v->num <= hi)) {
		err_set(err, v->pos, "option %s = %s is out of range", key, v->str);
		err_hint(err, "%s takes a value from %g to %g", key, lo, hi);
		return -1;
	}
	*out = v->num;
	return 0;
}

int
ml_opt_int(const struct ml_opts *o, const char *key, int64_t def, int64_t lo, int64_t hi, int64_t *out,
    struct wb_error *err)
{
	double d;
	if (ml_opt_num(o, key, (double)def, (double)lo, (double)hi, &d, err) < 0)
		return -1;
	if (d != floor(d)) {
		const struct ml_opt *v = ml_opt_find(o, key);
		err_set(err, v ? v->pos : -1, "option %s must be a whole number, not %g", key, d);
		return -1;
	}
	*out = (int64_t)d;
	return 0;
}

int
ml_opt_bool(const struct ml_opts *o, const char *key, bool def, bool *out, struct wb_error *err)
{
	const struct ml_opt *v = ml_opt_find(o, key);
	*out = def;
	if (v == NULL)
		return 0;
	if (v->type == MLO_BOOL) {
		*out = v->b;
		return 0;
	}
	if (v->type == MLO_STR && (strcasecmp(v->str, "true") == 0 || strcasecmp(v->str, "false") == 0)) {
		*out = strcasecmp(v->str, "true") == 0;
		return 0;
	}
	err_set(err, v->pos, "option %s must be TRUE or FALSE, not %s", key, v->str ? v->str : "a list");
	return -1;
}

int
ml_opt_str(const struct ml_opts *o, const char *key, const char *def, const char **out, struct wb_error *err)
{
	const struct ml_opt *v = ml_opt_find(o, key);
	*out = def;
	if (v == NULL)
		return 0;
	if (v->type != MLO_STR) {
		err_set(err, v->pos, "option %s must be a string", key);
		err_hint(err, "quote it: %s = '...'", key);
		return -1;
	}
	*out = v->str;
	return 0;
}

int
ml_opt_choice(const struct ml_opts *o, const char *key, const char *def, const char *const *allowed,
    const char **out, struct wb_error *err)
{
	const char *s;
	if (ml_opt_str(o, key, def, &s, err) < 0)
		return -1;
	*out = s;
	if (s == NULL)
		return 0;
	for (int i = 0; allowed[i]; i++)
		if (strcasecmp(allowed[i], s) == 0) {
			*out = allowed[i];
			return 0;
		}
	const struct ml_opt *v = ml_opt_find(o, key);
	err_set(err, v ? v->pos : -1, "option %s = '%s' is not known", key, s);
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; allowed[i]; i++)
		sb_printf(&sb, "%s'%s'", i ? ", " : "", allowed[i]);
	err_hint(err, "%s takes one of %s", key, sb_str(&sb));
	sb_free(&sb);
	return -1;
}

static void
opt_text(struct strbuf *sb, const struct ml_opt *v)
{
	switch (v->type) {
	case MLO_NUM: {
		char buf[40];
		snprintf(buf, sizeof buf, "%.15g", v->num);
		if (strtod(buf, NULL) != v->num)
			snprintf(buf, sizeof buf, "%.17g", v->num);
		sb_puts(sb, buf);
		break;
	}
	case MLO_STR:
		sb_puts(sb, v->str);
		break;
	case MLO_BOOL:
		sb_puts(sb, v->b ? "true" : "false");
		break;
	case MLO_LIST:
	case MLO_MAP:
		sb_putc(sb, v->type == MLO_LIST ? '[' : '{');
		for (int i = 0; i < v->n; i++) {
			if (i)
				sb_puts(sb, ", ");
			if (v->type == MLO_MAP)
				sb_printf(sb, "%s: ", v->items[i].key);
			opt_text(sb, &v->items[i]);
		}
		sb_putc(sb, v->type == MLO_LIST ? ']' : '}');
		break;
	}
}

char *
ml_opt_text(const struct ml_opt *v)
{
	struct strbuf sb = STRBUF_INIT;
	opt_text(&sb, v);
	return sb_detach(&sb);
}

/* ------------------------------------------------------------ training log */

void
ml_log_init(struct ml_log *l)
{
	memset(l, 0, sizeof *l);
	l->t_last = ml_now();
}

void
ml_log_free(struct ml_log *l)
{
	for (int i = 0; i < l->nnotes; i++)
		free(l->notes[i]);
	free(l->notes);
	free(l->steps);
	memset(l, 0, sizeof *l);
}

void
ml_log_step(struct ml_log *l, int iteration, double loss, double eval_loss)
{
	if (l->nsteps == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->steps = xrealloc(l->steps, (size_t)l->cap * sizeof *l->steps);
	}
	double t = ml_now();
	l->steps[l->nsteps++] = (struct ml_step){iteration, loss, eval_loss, (t - l->t_last) * 1e3};
	l->t_last = t;
}

void
ml_log_note(struct ml_log *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	l->notes = xrealloc(l->notes, (size_t)(l->nnotes + 1) * sizeof *l->notes);
	l->notes[l->nnotes++] = sb_detach(&sb);
}

void
ml_log_progress(struct ml_log *l, int64_t done, int64_t total, const char *unit)
{
	if (l != NULL && l->progress != NULL)
		l->progress(l->progress_arg, done, total, unit);
}

bool
ml_log_cancelled(const struct ml_log *l)
{
	return l != NULL && l->cancel != NULL && *l->cancel != 0;
}

/* ------------------------------------------------------------ key/values */

void
ml_kv_add(struct ml_kv *kv, const char *key, const char *fmt, ...)
{
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? 2 * kv->cap : 8;
		kv->keys = xrealloc(kv->keys, (size_t)kv->cap * sizeof *kv->keys);
		kv->vals = xrealloc(kv->vals, (size_t)kv->cap * sizeof *kv->vals);
	}
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	kv->keys[kv->n] = xstrdup(key);
	kv->vals[kv->n++] = sb_detach(&sb);
}

void
ml_kv_free(struct ml_kv *kv)
{
	for (int i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->vals[i]);
	}
	free(kv->keys);
	free(kv->vals);
	memset(kv, 0, sizeof *kv);
}

/* ------------------------------------------------------------ buffers */

/* Little-endian on disk whatever the host. */
static void
w_bytes(struct ml_wbuf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
w_le(struct ml_wbuf *b, uint64_t v, int size)
{
	uint8_t tmp[8];
	for (int i = 0; i < size; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	w_bytes(b, tmp, (size_t)size);
}

void ml_w_u8(struct ml_wbuf *b, uint8_t v) { w_le(b, v, 1); }
void ml_w_u32(struct ml_wbuf *b, uint32_t v) { w_le(b, v, 4); }
void ml_w_i64(struct ml_wbuf *b, int64_t v) { w_le(b, (uint64_t)v, 8); }

void
ml_w_f64(struct ml_wbuf *b, double v)
{
	uint64_t u;
	memcpy(&u, &v, 8);
	w_le(b, u, 8);
}

void
ml_w_f64s(struct ml_wbuf *b, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ml_w_f64(b, v[i]);
}

void
ml_w_i32s(struct ml_wbuf *b, const int32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w_le(b, (uint32_t)v[i], 4);
}

void
ml_w_f32s(struct ml_wbuf *b, const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, &v[i], 4);
		w_le(b, u, 4);
	}
}

void
ml_w_str(struct ml_wbuf *b, const char *s)
{
	if (s == NULL) {
		ml_w_u32(b, UINT32_MAX);
		return;
	}
	size_t n = strlen(s);
	ml_w_u32(b, (uint32_t)n);
	w_bytes(b, s, n);
}

void
ml_wbuf_free(struct ml_wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static uint64_t
r_le(struct ml_rbuf *r, int size)
{
	if (r->bad || r->n - r->off < (size_t)size) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < size; i++)
		v |= (uint64_t)r->p[r->off + (size_t)i] << (8 * i);
	r->off += (size_t)size;
	return v;
}

uint8_t ml_r_u8(struct ml_rbuf *r) { return (uint8_t)r_le(r, 1); }
uint32_t ml_r_u32(struct ml_rbuf *r) { return (uint32_t)r_le(r, 4); }
int64_t ml_r_i64(struct ml_rbuf *r) { return (int64_t)r_le(r, 8); }

double
ml_r_f64(struct ml_rbuf *r)
{
	uint64_t u = r_le(r, 8);
	double d;
	memcpy(&d, &u, 8);
	return d;
}

bool
ml_r_fits(struct ml_rbuf *r, uint64_t count, size_t size)
{
	if (r->bad || (size && count > (r->n - r->off) / size)) {
		r->bad = true;
		return false;
	}
	return true;
}

void
ml_r_f64s(struct ml_rbuf *r, double *out, size_t n)
{
	if (!ml_r_fits(r, n, 8)) {
		memset(out, 0, n * sizeof *out);
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = ml_r_f64(r);
}

void
ml_r_i32s(struct ml_rbuf *r, int32_t *out, size_t n)
{
	if (!ml_r_fits(r, n, 4)) {
		memset(out, 0, n * sizeof *out);
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (int32_t)(uint32_t)r_le(r, 4);
}

void
ml_r_f32s(struct ml_rbuf *r, float *out, size_t n)
{
	if (!ml_r_fits(r, n, 4)) {
		memset(out, 0, n * sizeof *out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t u = (uint32_t)r_le(r, 4);
		memcpy(&out[i], &u, 4);
	}
}

char *
ml_r_str(struct ml_rbuf *r)
{
	uint32_t n = ml_r_u32(r);
	if (r->bad || n == UINT32_MAX)
		return NULL;
	if (!ml_r_fits(r, n, 1))
		return NULL;
	char *s = xmalloc((size_t)n + 1);
	memcpy(s, r->p + r->off, n);
	s[n] = '\0';
	r->off += n;
	return s;
}

bool
ml_r_ok(const struct ml_rbuf *r)
{
	return !r->bad;
}

/* ------------------------------------------------------------ random numbers */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
ml_rng_seed(struct ml_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
	splitmix64(&x);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
ml_rng_next(struct ml_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
ml_rng_uniform(struct ml_rng *r)
{
	return (double)(ml_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
ml_rng_below(struct ml_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	/* Lemire's multiply-shift with rejection */
	unsigned __int128 m = (unsigned __int128)ml_rng_next(r) * n;
	uint64_t lo = (uint64_t)m;
	if (lo < n) {
		uint64_t t = -n % n;
		while (lo < t) {
			m = (unsigned __int128)ml_rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double
ml_rng_normal(struct ml_rng *r)
{
	/* Marsaglia's polar method, one value per call */
	for (;;) {
		double u = 2 * ml_rng_uniform(r) - 1, v = 2 * ml_rng_uniform(r) - 1;
		double s = u * u + v * v;
		if (s > 0 && s < 1)
			return u * sqrt(-2 * log(s) / s);
	}
}

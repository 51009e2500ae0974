/*
 * events: the generator's events as typed rows (gen_model_*, see gen.h),
 * for the SQL table function generate_ecommerce().
 *
 * The text writer (ecommerce.c) makes blocks in batches and keeps those
 * whose last event still reaches a window to come. Here windows are read
 * in any order by several readers, so which blocks a window needs is
 * decided from the bounds alone: block j's events lie in [w0[j], w0[j+1] +
 * SESSION_MAX_SEC] (see gen_int.h), so window w needs the blocks j <= w
 * with w0[j+1] + REACH > w0[w]. A block holding more than its window's
 * share is harmless (the merge takes only what falls into the window), so
 * REACH has a margin over SESSION_MAX_SEC for the rounding of session
 * starts; a block found to reach further than REACH would make rows go
 * missing, so it fails the read instead.
 *
 * Each block is made once, by the first window to need it (the others
 * wait for it), and freed when the last window that needs it is closed:
 * refs[j] counts those windows. With readers taking windows in order, a
 * few blocks per reader are alive at a time.
 */
#include "gen/gen.h"
#include "gen/gen_int.h"

#include "core/xmalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define REACH (SESSION_MAX_SEC + 60)

enum { BLK_NONE, BLK_MAKING, BLK_READY };

const char *const gen_event_types[3] = {"view", "cart", "purchase"};

struct gen_model {
	struct gen_ctx x;
	int64_t *need_lo;       /* first block that may reach window w */
	int64_t *refs0;         /* refs at the start of a scan */
	uint8_t *opened;        /* window w was opened (each is read once) */
	/* under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t *refs;          /* windows not yet closed that need block j */
	uint8_t *state;         /* BLK_*, per block */
	bool broken;            /* some block broke the REACH bound */
};

struct gen_window {
	struct gen_model *m;
	int64_t w;
	struct gen_seg *sv;
	int nseg;
};

int64_t
gen_model_windows_for(const struct gen_options *o)
{
	int64_t nb = (o->rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
	return nb < 1 ? 1 : nb;
}

struct gen_model *
gen_model_new(const struct gen_options *o, struct wb_error *err)
{
	struct gen_model *m;
	int64_t nb, j;
	int64_t *diff;

	if (gen_check_options(o, err) < 0)
		return NULL;
	m = xcalloc(1, sizeof *m);
	gen_ctx_setup(&m->x, o);
	nb = m->x.nb;
	m->need_lo = xmalloc((size_t)nb * sizeof *m->need_lo);
	m->opened = xcalloc((size_t)nb, 1);
	m->refs = xcalloc((size_t)nb, sizeof *m->refs);
	m->state = xcalloc((size_t)nb, 1);
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);

	/* w0 never decreases, so need_lo does not either */
	j = 0;
	for (int64_t w = 0; w < nb; w++) {
		while (j < w && (uint64_t)m->x.w0[j + 1] + REACH <= m->x.w0[w])
			j++;
		m->need_lo[w] = j;
	}
	/* refs[j] = windows w with need_lo[w] <= j <= w */
	diff = xcalloc((size_t)nb + 1, sizeof *diff);
	for (int64_t w = 0; w < nb; w++) {
		diff[m->need_lo[w]]++;
		diff[w + 1]--;
	}
	m->refs0 = xmalloc((size_t)nb * sizeof *m->refs0);
	for (int64_t k = 0, run = 0; k < nb; k++) {
		run += diff[k];
		m->refs0[k] = m->refs[k] = run;
	}
	free(diff);
	return m;
}

void
gen_model_rewind(struct gen_model *m)
{
	int64_t nb = m->x.nb;
	pthread_mutex_lock(&m->mu);
	for (int64_t j = 0; j < nb; j++) {
		gen_block_free(m->x.blk[j]);
		m->x.blk[j] = NULL;
	}
	memcpy(m->refs, m->refs0, (size_t)nb * sizeof *m->refs);
	memset(m->state, BLK_NONE, (size_t)nb);
	memset(m->opened, 0, (size_t)nb);
	m->broken = false;
	pthread_mutex_unlock(&m->mu);
}

void
gen_model_free(struct gen_model *m)
{
	if (m == NULL)
		return;
	gen_ctx_teardown(&m->x);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m->need_lo);
	free(m->refs0);
	free(m->opened);
	free(m->refs);
	free(m->state);
	free(m);
}

int64_t
gen_model_windows(const struct gen_model *m)
{
	return m->x.nb;
}

const char *const *
gen_model_codes(const struct gen_model *m, int *n)
{
	*n = m->x.cat.ncodes;
	return m->x.cat.codes;
}

const char *const *
gen_model_brands(const struct gen_model *m, int *n)
{
	*n = m->x.cat.nbrands;
	return (const char *const *)m->x.cat.brands;
}

/* Make block j unless another reader is making it or has made it. */
static void
make_block(struct gen_model *m, int64_t j)
{
	struct gen_block *blk;
	bool bad;

	pthread_mutex_lock(&m->mu);
	if (m->state[j] != BLK_NONE) {
		pthread_mutex_unlock(&m->mu);
		return;
	}
	m->state[j] = BLK_MAKING;
	pthread_mutex_unlock(&m->mu);

	blk = gen_block_make(&m->x, j);
	bad = blk->nev > 0 && (uint64_t)blk->max_t >= (uint64_t)m->x.w0[j + 1] + REACH;

	pthread_mutex_lock(&m->mu);
	m->x.blk[j] = blk;
	m->state[j] = BLK_READY;
	if (bad)
		m->broken = true;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

struct gen_window *
gen_window_open(struct gen_model *m, int64_t w, struct wb_error *err)
{
	const struct gen_ctx *x = &m->x;
	int64_t lo = m->need_lo[w];
	struct gen_window *win;
	bool broken;

	pthread_mutex_lock(&m->mu);
	if (m->opened[w]) {
		pthread_mutex_unlock(&m->mu);
		err_set(err, -1, "generate_ecommerce: window %lld was read twice (an internal error)",
		    (long long)w);
		return NULL;
	}
	m->opened[w] = 1;
	pthread_mutex_unlock(&m->mu);

	/* its own block first: the earlier ones are likely being made by
	 * the readers of the earlier windows */
	for (int64_t j = w; j >= lo; j--)
		make_block(m, j);
	pthread_mutex_lock(&m->mu);
	for (int64_t j = lo; j <= w; j++)
		while (m->state[j] != BLK_READY)
			pthread_cond_wait(&m->cv, &m->mu);
	broken = m->broken;
	pthread_mutex_unlock(&m->mu);

	win = xcalloc(1, sizeof *win);
	win->m = m;
	win->w = w;
	if (broken) {
		err_set(err, -1, "generate_ecommerce: a session runs past the generator's window bound "
		    "(an internal error: rows would be missing)");
		err_hint(err, "please report it with the options used; `wb generate ecommerce` "
		    "with the same options writes the complete file");
		gen_window_close(win);
		return NULL;
	}
	win->sv = xmalloc((size_t)(w - lo + 1) * sizeof *win->sv);
	for (int64_t j = lo; j <= w; j++) {
		const struct gen_block *blk = x->blk[j];
		size_t i = gen_lower_bound_t(blk, x->w0[w]);
		size_t e = gen_lower_bound_t(blk, x->w0[w + 1]);
		if (i < e)
			win->sv[win->nseg++] = (struct gen_seg){blk, i, e};
	}
	return win;
}

int
gen_window_read(struct gen_window *win, struct gen_event *out, int max)
{
	const struct gen_ctx *x = &win->m->x;
	const struct gen_catalog *c = &x->cat;
	int64_t day0 = x->start_day * 86400;
	int n = 0;

	while (n < max) {
		int k = gen_seg_pick(win->sv, win->nseg);
		if (k < 0)
			break;
		const struct gen_block *blk = win->sv[k].blk;
		const struct gen_ev *e = &blk->ev[win->sv[k].i++];
		const struct gen_sess *se = &blk->sess[e->sess];
		const struct gen_product *pr = &c->prod[e->product];
		const struct gen_cat *ct = &c->cat[pr->cat];
		struct gen_event *o = &out[n++];
		o->time = day0 + e->t;
		o->type = (int)e->type;
		o->product_id = (int64_t)pr->id;
		o->category_id = (int64_t)ct->id;
		o->code = ct->code_index;
		o->brand = pr->brand;
		o->price = gen_price_at(c, e->product, (uint32_t)((x->start_day + e->t / 86400) / 7));
		o->user_id = (int64_t)se->user_id;
		o->session = se->uuid;
	}
	return n;
}

void
gen_window_close(struct gen_window *win)
{
	struct gen_model *m;
	if (win == NULL)
		return;
	m = win->m;
	pthread_mutex_lock(&m->mu);
	for (int64_t j = m->need_lo[win->w]; j <= win->w; j++)
		if (--m->refs[j] == 0) {
			gen_block_free(m->x.blk[j]);
			m->x.blk[j] = NULL;
		}
	pthread_mutex_unlock(&m->mu);
	free(win->sv);
	free(win);
}

/*
 * gen_int: internals of the e-commerce generator shared by its two
 * outputs (not a public header):
 *
 *   ecommerce.c  the model (catalog, users, sessions, blocks of events,
 *                windows of time) and the CSV text of `wb generate`
 *   events.c     the same events as typed rows (gen_model_*, for the SQL
 *                table function generate_ecommerce)
 *
 * A run is a gen_ctx: the catalog and the rhythm built from the options,
 * and the period cut into nb windows of equal expected traffic. Block b
 * (gen_block_make) holds the events of the sessions that start in window
 * b, sorted by time; a session runs at most SESSION_MAX_SEC, so block b's
 * events lie in [w0[b], w0[b+1] + SESSION_MAX_SEC]. The rows of window b
 * are the events of blocks <= b that fall into [w0[b], w0[b+1]), merged by
 * time, the lower block first on ties (gen_seg_pick). The file is the
 * windows in order, so both outputs give the same rows in the same order.
 */
#ifndef WB_GEN_GEN_INT_H
#define WB_GEN_GEN_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/hash.h"
#include "gen/gen.h"

#define PRICE_CAP 257407u             /* cents: the real file's maximum price */
#define BLOCK_ROWS 65536              /* rows drawn per block (and window) */
#define SESSION_MAX_SEC (3 * 3600)    /* a session's events span at most this */

enum { EV_VIEW, EV_CART, EV_PURCHASE };

/* ---- the catalog ---- */

struct gen_cat {
	uint64_t id;
	const char *code;       /* NULL: empty category_code */
	int code_index;         /* index into catalog.codes, -1: none */
	double weight;          /* share of all rows */
	double price;           /* median price */
	double sigma;
	double conv;
	double nobrand;
	int spec;               /* index into gen_categories */
	int line;               /* product_id / 100000 */
	uint32_t first, n;      /* its products */
};

struct gen_product {
	uint64_t id;            /* product_id */
	uint32_t cat;
	uint32_t price;         /* base price, cents */
	uint32_t text;          /* "product_id,category_id,code,brand," in cat->text */
	uint16_t len;
	int32_t brand;          /* index into catalog.brands, -1: no brand */
};

struct gen_catalog {
	uint64_t seed;
	int ncat;
	struct gen_cat *cat;
	float *cat_prob;
	uint32_t *cat_alias;
	uint32_t nprod;
	struct gen_product *prod;
	float *prod_prob;       /* per category, slots relative to cat->first */
	uint32_t *prod_alias;
	char *text;
	size_t max_prefix;
	char **brands;          /* brand names (malloc'd), by index */
	int nbrands;
	const char **codes;     /* distinct category codes (borrowed from gen_categories) */
	int ncodes;
	uint32_t nusers;
	uint32_t user_mul, user_add;  /* rank -> id slot permutation */
	uint32_t n_old;               /* users with pre-2019 ids */
	uint64_t step_old, step_new;
};

/* Price of a product in a given week: the base price, or in a quarter of
 * product-weeks a promotion or mark-up of up to 10%. */
static inline uint32_t
gen_price_at(const struct gen_catalog *c, uint32_t product, uint32_t week)
{
	uint32_t base = c->prod[product].price;
	uint64_t h = hash_combine(c->seed ^ UINT64_C(0x510e527fade682d1), ((uint64_t)product << 24) ^ week);
	double v;
	if ((h & 0xff) >= 64 || base == 0)
		return base;
	v = floor(base * (0.90 + 0.20 * (double)((h >> 8) & 0xffff) / 65536.0) + 0.5);
	return v > PRICE_CAP ? PRICE_CAP : (uint32_t)v;
}

/* ---- events, blocks and the run ---- */

struct gen_ev {
	uint32_t t;             /* seconds since the start of the period */
	uint32_t product;
	uint32_t sess;          /* index into its block's sessions */
	uint32_t type;
};

struct gen_sess {
	char uuid[36];
	char user[20];          /* user_id as text */
	uint32_t user_len;
	uint64_t user_id;
};

struct gen_block {
	struct gen_ev *ev;
	size_t nev, evcap;
	struct gen_sess *sess;
	size_t nsess, sesscap;
	uint32_t max_t;
};

struct gen_ctx {
	struct gen_catalog cat;
	int64_t rows;
	int64_t start_day;
	int days;
	uint32_t T;             /* period length, seconds */
	int nhours;
	double *hour_w;         /* traffic weight per hour of the period */
	double *hour_cum;       /* nhours + 1 running sums */
	int64_t nb;             /* blocks = windows */
	double *m0;             /* nb + 1 window boundaries in traffic mass */
	uint32_t *w0;           /* nb + 1 window starts in seconds; w0[nb] = T */
	char (*day)[11];        /* "YYYY-MM-DD " per day of the period */
	/* the text writer's state (ecommerce.c) */
	int level;              /* gzip level, 0: plain text */
	struct gen_block **blk; /* generated blocks still needed, by index */
	int64_t first_live;
	/* per batch: two sets of output slots, one being written out while
	 * the next batch is generated into the other */
	int64_t batch0;
	int slot0;              /* first slot of the set in use */
	char **out;
	size_t *outlen, *outcap;
	char **zout;
	size_t *zlen, *zcap;
	int zerr;
};

/* Check the options' ranges (as gen_parse_args does): 0 or -1 with err. */
int gen_check_options(const struct gen_options *o, struct wb_error *err);
/* Build the catalog, the rhythm and the windows for valid options
 * (one thread; blk is allocated, all NULL). */
void gen_ctx_setup(struct gen_ctx *x, const struct gen_options *o);
/* Free what gen_ctx_setup made and any blocks left in x->blk. */
void gen_ctx_teardown(struct gen_ctx *x);
/* Block b's events, sorted by time; a function of the options and b only,
 * safe to call for different b from several threads at once. */
struct gen_block *gen_block_make(const struct gen_ctx *x, int64_t b);
void gen_block_free(struct gen_block *blk);

/* ---- merging the blocks that reach a window ---- */

/* events blk->ev[i .. end) of one block */
struct gen_seg {
	const struct gen_block *blk;
	size_t i, end;
};

/* First event of blk at or after second t. */
static inline size_t
gen_lower_bound_t(const struct gen_block *blk, uint32_t t)
{
	size_t lo = 0, hi = blk->nev;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (blk->ev[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The segment whose next event comes first: the earliest time, the
 * earlier segment (block) on ties; -1 when all are used up. Segments are
 * in block order. */
static inline int
gen_seg_pick(const struct gen_seg *sv, int nseg)
{
	int best = -1;
	for (int k = 0; k < nseg; k++)
		if (sv[k].i < sv[k].end &&
		    (best < 0 || sv[k].blk->ev[sv[k].i].t < sv[best].blk->ev[sv[best].i].t))
			best = k;
	return best;
}

#endif

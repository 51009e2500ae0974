/*
 * ecommerce: `wb generate ecommerce`, a synthetic stand-in for the
 * "eCommerce behavior data from multi-category store" event files.
 *
 * Model (all of it calibrated to the October 2019 file, 42,448,764 rows):
 *
 *   catalog   category_ids (gen_categories, plus a long tail of uncoded
 *             ones) -> brand groups (named brands, long-tail brands, no
 *             brand) -> products with Zipf popularity inside their group,
 *             one category_id, brand and base price each.
 *   users     a population sized to the row count; the share of sessions
 *             a user gets falls off as a power of its rank, so a few users
 *             have hundreds of sessions and over a quarter have one.
 *             Users differ in how readily they buy.
 *   sessions  a user views products (mostly in one category, sometimes
 *             re-viewing one, sometimes switching category), may add some
 *             viewed products to the cart right after viewing them, and may
 *             check out: purchases of carted (or, without a cart event,
 *             viewed) products at one second at the end. Cart events are
 *             sometimes logged several times at the same second, which is
 *             where the real file's exact duplicate rows come from.
 *   time      an hourly rhythm (hour of day x day of week x a little daily
 *             noise and trend) decides when sessions start.
 *
 * Funnel, precisely (what tests/gen_calibration.mjs measures):
 *   view->cart     = users with a cart event / users with a view event
 *   cart->purchase = users with a purchase event among users with a cart
 *                    event / users with a cart event
 * Targets 0.13 and 0.44. At the session level 0.13 is out of reach: with
 * 2.18% cart events and ~4.7 events per session there are 0.10 cart events
 * per session, so at most ~10% of sessions can hold one (and sessions with
 * a cart usually hold more). Per session the generator gives about 0.05
 * (view->cart) and 0.28 (cart->purchase); the calibration script reports
 * both levels.
 *
 * Parallel and deterministic: the period is cut into windows of equal
 * expected traffic, one per block of BLOCK_ROWS rows. Block b draws the
 * sessions that start in window b from its own RNG (seeded from the seed
 * and b only), so blocks are generated in any order on any thread. A
 * session may run past the end of its window; the text of window b is the
 * merge, in time order, of the events that fall into it from blocks <= b.
 * Blocks are generated and windows formatted in parallel batches and
 * written in order, so the bytes never depend on the thread count.
 */
#include "gen/gen.h"
#include "gen/gen_int.h"

#include "core/datetime.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* ---- calibration constants ------------------------------------------ */

#define FULL_ROWS 42448764.0          /* the October 2019 file */
#define CODED_SHARE 0.67              /* rows with a category_code */
#define SESSION_MAX_VIEWS 1000

/* catalog size at full scale and how it shrinks for smaller files: the
 * number of distinct products and brands seen grows sublinearly with rows */
#define PRODUCTS_FULL 140000.0
#define PRODUCTS_EXP 0.55
#define TAIL_BRANDS_FULL 3150.0
#define TAIL_BRANDS_EXP 0.5
#define PRICE_SCALE 1.25              /* taxonomy medians -> this store's price level */
#define PRODUCT_ZIPF 1.0              /* popularity by rank inside a brand group */
#define TAIL_CAT_ZIPF 0.7             /* weights of the long tail of categories */

/* users: population per row and skew of sessions per user (see user_draw) */
#define USERS_PER_ROW 0.083
#define USER_ALPHA 1.8

/* sessions: views ~ ceil(lognormal) (median 2, mean ~4.5) */
#define SESSION_MU 0.40
#define SESSION_SIGMA 1.40
#define P_FAVOURITE 0.45              /* session starts in the user's favourite category */
#define P_REVIEW 0.20                 /* a view re-views a product seen in the session */
#define P_SWITCH 0.12                 /* a new view switches category */

/* funnel */
#define P_CART 0.0345                 /* base chance a session carts something */
#define P_MORE_CART 0.45              /* ... and carts one more product */
#define P_CHECKOUT 0.28               /* a cart session checks out */
#define P_BUY_CARTED 0.90             /* a carted product is in the order */
#define P_DIRECT 0.034                /* a session buys without a cart event */
#define P_MORE_DIRECT 0.35
#define PRICE_PULL_FLOOR 0.5          /* see price_pull() */
#define PRICE_PULL_AT 80.0            /* dollars */
#define PRICE_PULL_LOW 0.8            /* log-width below and above */
#define PRICE_PULL_HIGH 3.0

/* logging duplicates: exact copies of a row at the same second */
#define P_VIEW_DUP 0.001
#define P_CART_DUP 0.14
#define P_CART_BURST 0.002            /* a cart event logged 5..78 times */
#define P_PURCHASE_DUP 0.01

/* padded to 16 bytes: the formatter copies whole 16-byte chunks */
static const char ev_name[][16] = {"view,", "cart,", "purchase,"};
static const int ev_len[] = {5, 5, 9};

/* ---- random numbers --------------------------------------------------- */

/* splitmix64 as a stream generator: one add and a strong 64-bit finaliser
 * per draw; plenty for simulation and seekable by construction. */
struct rng {
	uint64_t s;
	double spare;
	int has_spare;
};

static void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->s = hash_combine(hash_u64(seed ^ UINT64_C(0x6a09e667f3bcc908)), stream);
	r->has_spare = 0;
}

static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static inline double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* uniform in [0, n) */
static inline uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* standard normal (Marsaglia's polar method; keeps the second value) */
static double
rng_normal(struct rng *r)
{
	double u, v, s;
	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	do {
		u = 2 * rng_unit(r) - 1;
		v = 2 * rng_unit(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	s = sqrt(-2 * log(s) / s);
	r->spare = v * s;
	r->has_spare = 1;
	return u * s;
}

/* exp(N(log(median), sigma)) capped at cap */
static double
rng_lognormal(struct rng *r, double median, double sigma, double cap)
{
	double x = median * exp(sigma * rng_normal(r));
	return x < cap ? x : cap;
}

/* ---- alias tables ----------------------------------------------------- */

/* Walker/Vose alias method: O(1) draws from a discrete distribution of n
 * weights, as n slots of (prob, alias). One 64-bit random picks a slot
 * (high half) and flips its coin (low half). */
static void
alias_build(float *prob, uint32_t *alias, const double *w, uint32_t n)
{
	double sum = 0;
	uint32_t *small = xmalloc((size_t)n * sizeof *small);
	uint32_t *large = xmalloc((size_t)n * sizeof *large);
	double *p = xmalloc((size_t)n * sizeof *p);
	uint32_t ns = 0, nl = 0;

	for (uint32_t i = 0; i < n; i++)
		sum += w[i];
	for (uint32_t i = 0; i < n; i++) {
		p[i] = sum > 0 ? w[i] * n / sum : 1.0;
		alias[i] = i;
		if (p[i] < 1)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns > 0 && nl > 0) {
		uint32_t s = small[--ns], l = large[nl - 1];
		prob[s] = (float)p[s];
		alias[s] = l;
		p[l] -= 1 - p[s];
		if (p[l] < 1) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl > 0)
		prob[large[--nl]] = 1;
	while (ns > 0)                  /* rounding leftovers */
		prob[small[--ns]] = 1;
	free(small);
	free(large);
	free(p);
}

static inline uint32_t
alias_draw(const float *prob, const uint32_t *alias, uint32_t n, uint64_t x)
{
	uint32_t i = (uint32_t)(((x >> 32) * (uint64_t)n) >> 32);
	float coin = (float)(uint32_t)x * 0x1.0p-32f;
	return coin < prob[i] ? i : alias[i];
}

/* ---- the catalog ------------------------------------------------------ */

/* a brand group while the catalog is being built */
struct group {
	int brand;              /* index into names, -1: no brand */
	double weight;          /* share of all rows */
	double price;           /* median price */
};

/* brand names: the named ones from the taxonomy, then synthetic tail ones */
struct names {
	char **v;
	size_t n, cap;
};

/* index of name s (len bytes) among the first n names, or -1 */
static int
names_find(const struct names *nm, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(nm->v[i], s, len) == 0 && nm->v[i][len] == '\0')
			return (int)i;
	return -1;
}

static int names_push(struct names *nm, const char *s, size_t len);

static int
names_add(struct names *nm, const char *s, size_t len)
{
	int i = names_find(nm, nm->n, s, len);
	if (i >= 0)
		return i;
	return names_push(nm, s, len);
}

/* append without looking for it first */
static int
names_push(struct names *nm, const char *s, size_t len)
{
	nm->v = xgrow(nm->v, &nm->cap, nm->n + 1, sizeof *nm->v);
	nm->v[nm->n] = xstrndup(s, len);
	return (int)nm->n++;
}

/* A pronounceable made-up brand name for tail brand k: 2 or 3
 * consonant-vowel syllables and maybe a final consonant. Names of
 * different shapes differ in length and a shape decodes uniquely, so
 * distinct k give distinct names. */
static size_t
tail_brand_name(uint64_t k, char *buf)
{
	static const char cons[] = "bdfgklmnprstvz";   /* 14 */
	static const char vow[] = "aeiou";              /* 5 */
	static const char fin[] = "nrsxt";              /* 5 */
	/* 2 syllables: 4900 names, with final consonant 24500; then 3 syllables */
	uint64_t shape, x;
	size_t n = 0;
	int syl;
	if (k < 4900) {
		shape = 0, x = k;
	} else if (k < 4900 + 24500) {
		shape = 1, x = k - 4900;
	} else {
		shape = 2, x = k - 4900 - 24500;
	}
	syl = shape == 2 ? 3 : 2;
	for (int i = 0; i < syl; i++) {
		buf[n++] = cons[x % 14];
		x /= 14;
		buf[n++] = vow[x % 5];
		x /= 5;
	}
	if (shape >= 1) {
		buf[n++] = fin[x % 5];
		x /= 5;
	}
	buf[n] = '\0';
	return n;
}

struct brand_spec {
	int brand;
	double pct;
	double factor;
};

/* Parse "name pct[*factor], ..." into out (at most max entries). */
static int
parse_brands(const char *s, struct names *nm, struct brand_spec *out, int max)
{
	int n = 0;
	while (s && *s && n < max) {
		const char *name, *end;
		char *q;
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		name = s;
		while (*s && *s != ' ')
			s++;
		end = s;
		out[n].brand = names_add(nm, name, (size_t)(end - name));
		out[n].pct = strtod(s, &q);
		s = q;
		out[n].factor = 1;
		if (*s == '*') {
			out[n].factor = strtod(s + 1, &q);
			s = q;
		}
		n++;
	}
	return n;
}

/* bases of made-up uncoded category_ids: the id families of the real file */
static const uint64_t tail_id_base[] = {
	UINT64_C(2055156924000000000), UINT64_C(2061717937000000000),
	UINT64_C(2103807459000000000), UINT64_C(2110187436000000000),
	UINT64_C(2127425438000000000), UINT64_C(2134905044000000000),
	UINT64_C(2146660887000000000), UINT64_C(2151191071000000000),
};

static uint64_t
synth_category_id(struct rng *r, bool tail)
{
	if (!tail || rng_unit(r) < 0.8)
		return UINT64_C(2053013552000000000) + rng_next(r) % UINT64_C(14600000000);
	return tail_id_base[rng_below(r, 8)] + rng_next(r) % UINT64_C(1000000000);
}

static bool
id_taken(const struct gen_cat *cat, int n, uint64_t id)
{
	for (int i = 0; i < n; i++)
		if (cat[i].id == id)
			return true;
	return false;
}

/* An unused product-id line (product_id / 100000) in [10, 1000). Lines
 * may be shared once all are taken: serials stay unique per line. */
static int
pick_line(struct rng *r, bool *used)
{
	for (int tries = 0; tries < 100000; tries++) {
		int l = 10 + (int)rng_below(r, 990);
		if (!used[l]) {
			used[l] = true;
			return l;
		}
	}
	return 10 + (int)rng_below(r, 990);
}

/* a flat list of brand groups, each belonging to one category */
struct groups {
	struct group *v;
	uint32_t *cat;
	size_t n, cap, catcap;
};

static void
groups_add(struct groups *g, uint32_t cat, int brand, double weight, double price)
{
	if (weight <= 0)
		return;
	g->v = xgrow(g->v, &g->cap, g->n + 1, sizeof *g->v);
	g->cat = xgrow(g->cat, &g->catcap, g->n + 1, sizeof *g->cat);
	g->v[g->n] = (struct group){brand, weight, price};
	g->cat[g->n] = cat;
	g->n++;
}

static size_t
fmt_u64(char *p, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/*
 * Build the catalog for a file of `rows` rows: categories, brand groups,
 * products (ids, prices, the constant text of their rows) and the alias
 * tables that draw them. Everything comes from `seed`, in one thread.
 */
static void
catalog_build(struct gen_catalog *c, int64_t rows, uint64_t seed)
{
	struct rng r;
	struct names nm = {0};
	struct groups gr = {0};
	bool used_line[1000] = {false};
	double raw_coded = 0, raw_unc = 0, scale = (double)rows / FULL_ROWS;
	int ncat = 0, k;
	uint32_t ntail;

	memset(c, 0, sizeof *c);
	c->seed = seed;
	rng_seed(&r, seed, 1);

	/* categories */
	for (int s = 0; s < gen_ncategories; s++) {
		const struct gen_category_spec *sp = &gen_categories[s];
		if (sp->code)
			raw_coded += sp->share;
		else
			raw_unc += sp->share;
		ncat += sp->nids;
		if (sp->line)
			used_line[sp->line] = true;
	}
	c->cat = xcalloc((size_t)ncat, sizeof *c->cat);
	k = 0;
	for (int s = 0; s < gen_ncategories; s++) {
		const struct gen_category_spec *sp = &gen_categories[s];
		bool tail = sp->nids > 8;
		double e = tail ? TAIL_CAT_ZIPF : 1.0, z = 0;
		double w = sp->share * (sp->code ? CODED_SHARE / raw_coded : (1 - CODED_SHARE) / raw_unc);
		const char *ids = sp->ids;
		int line = sp->line;
		for (int i = 0; i < sp->nids; i++)
			z += pow(i + 1, -e);
		if (!line && !tail)
			line = pick_line(&r, used_line);
		for (int i = 0; i < sp->nids; i++, k++) {
			struct gen_cat *ct = &c->cat[k];
			uint64_t id = 0;
			if (ids && *ids) {
				char *q;
				id = strtoull(ids, &q, 10);
				ids = *q == ',' ? q + 1 : q;
			}
			while (id == 0 || id_taken(c->cat, k, id))
				id = synth_category_id(&r, sp->code == NULL);
			ct->id = id;
			ct->code = sp->code;
			ct->spec = s;
			ct->weight = w * pow(i + 1, -e) / z;
			ct->price = sp->price * PRICE_SCALE;
			ct->sigma = sp->sigma;
			ct->conv = sp->conv;
			ct->nobrand = sp->nobrand;
			if (tail) {
				/* each small category gets its own price level and mix */
				ct->price *= exp(0.9 * rng_normal(&r));
				ct->conv *= exp(0.25 * rng_normal(&r));
				ct->nobrand *= exp(0.5 * rng_normal(&r));
				if (ct->nobrand > 0.9)
					ct->nobrand = 0.9;
			} else if (i > 0) {
				ct->price *= exp(0.2 * rng_normal(&r));
			}
			ct->line = tail ? pick_line(&r, used_line) : line;
		}
	}
	c->ncat = ncat;

	/* the distinct category codes, numbered for typed rows (events.c) */
	c->codes = xmalloc((size_t)ncat * sizeof *c->codes);
	for (int i = 0; i < ncat; i++) {
		struct gen_cat *ct = &c->cat[i];
		ct->code_index = -1;
		for (int j = 0; ct->code && j < c->ncodes && ct->code_index < 0; j++)
			if (strcmp(c->codes[j], ct->code) == 0)
				ct->code_index = j;
		if (ct->code && ct->code_index < 0) {
			ct->code_index = c->ncodes;
			c->codes[c->ncodes++] = ct->code;
		}
	}

	/* named brand groups and the mass left to tail brands */
	double *tailmass = xcalloc((size_t)ncat, sizeof *tailmass);
	double total_tail = 0;
	for (int i = 0; i < ncat; i++) {
		struct gen_cat *ct = &c->cat[i];
		const struct gen_category_spec *sp = &gen_categories[ct->spec];
		struct brand_spec bs[32];
		int nb = parse_brands(sp->brands, &nm, bs, 32);
		double named = 0, nob = ct->nobrand * 100, fit = 1, rest;
		for (int j = 0; j < nb; j++)
			named += bs[j].pct;
		if (named + nob > 100)
			fit = (100 - nob) / named;
		for (int j = 0; j < nb; j++)
			groups_add(&gr, (uint32_t)i, bs[j].brand, ct->weight * bs[j].pct * fit / 100,
			    ct->price * bs[j].factor);
		groups_add(&gr, (uint32_t)i, -1, ct->weight * nob / 100, ct->price);
		rest = 100 - named * fit - nob;
		if (rest > 1e-9) {
			tailmass[i] = ct->weight * rest / 100;
			total_tail += tailmass[i];
		}
	}

	/* tail brands: a chunk of the tail-brand list per category, in
	 * proportion to its tail mass; chunks wrap around (and so share
	 * brands) when the list is short */
	ntail = (uint32_t)lround(TAIL_BRANDS_FULL * pow(scale, TAIL_BRANDS_EXP));
	if (ntail < 8)
		ntail = 8;
	int *tail_id = xmalloc((size_t)ntail * sizeof *tail_id);
	size_t nnamed = nm.n;
	for (uint32_t j = 0, k = 0; j < ntail; k++) {
		char buf[16];
		/* 7919 is prime to 29400 (the 2-syllable names): a scramble */
		uint64_t x = k < 29400 ? (uint64_t)k * 7919 % 29400 : k;
		size_t len = tail_brand_name(x, buf);
		/* made-up names are distinct; skip those of real brands */
		if (names_find(&nm, nnamed, buf, len) >= 0)
			continue;
		tail_id[j++] = names_push(&nm, buf, len);
	}
	uint32_t off = 0;
	for (int i = 0; i < ncat; i++) {
		struct gen_cat *ct = &c->cat[i];
		uint32_t kc;
		double z = 0;
		if (tailmass[i] <= 0)
			continue;
		kc = (uint32_t)lround(ntail * tailmass[i] / total_tail);
		if (kc < 1)
			kc = 1;
		if (kc > ntail)
			kc = ntail;
		for (uint32_t j = 0; j < kc; j++)
			z += pow(j + 1, -0.9);
		for (uint32_t j = 0; j < kc; j++)
			groups_add(&gr, (uint32_t)i, tail_id[(off + j) % ntail],
			    tailmass[i] * pow(j + 1, -0.9) / z, ct->price * exp(0.3 * rng_normal(&r)));
		off = (off + kc) % ntail;
	}
	free(tail_id);
	free(tailmass);

	/* group the groups by category (stably), so each category's products
	 * come out contiguous */
	{
		size_t *start = xcalloc((size_t)ncat + 1, sizeof *start);
		struct group *v = xmalloc(gr.n * sizeof *v);
		uint32_t *vc = xmalloc(gr.n * sizeof *vc);
		for (size_t g = 0; g < gr.n; g++)
			start[gr.cat[g] + 1]++;
		for (int i = 0; i < ncat; i++)
			start[i + 1] += start[i];
		for (size_t g = 0; g < gr.n; g++) {
			size_t at = start[gr.cat[g]]++;
			v[at] = gr.v[g];
			vc[at] = gr.cat[g];
		}
		free(gr.v);
		free(gr.cat);
		gr.v = v;
		gr.cat = vc;
		free(start);
	}

	/* products: a group's product count grows with the square root of
	 * its traffic, so big brands have more products but fewer rows each */
	double target = PRODUCTS_FULL * pow(scale, PRODUCTS_EXP), sumsq = 0;
	uint32_t *gsize = xmalloc(gr.n * sizeof *gsize);
	uint64_t nprod = 0;
	for (size_t g = 0; g < gr.n; g++)
		sumsq += sqrt(gr.v[g].weight);
	for (size_t g = 0; g < gr.n; g++) {
		double n = floor(target * sqrt(gr.v[g].weight) / sumsq + 0.5);
		gsize[g] = n < 1 ? 1 : (uint32_t)n;
		nprod += gsize[g];
	}
	c->nprod = (uint32_t)nprod;
	c->prod = xcalloc(nprod, sizeof *c->prod);
	c->prod_prob = xmalloc(nprod * sizeof *c->prod_prob);
	c->prod_alias = xmalloc(nprod * sizeof *c->prod_alias);
	double *pw = xmalloc(nprod * sizeof *pw);
	int *pbrand = xmalloc(nprod * sizeof *pbrand);
	uint64_t *pid = xmalloc(nprod * sizeof *pid);
	uint32_t *perm = xmalloc(nprod * sizeof *perm);
	uint32_t next_serial[1000] = {0};
	uint64_t overflow_id = 100000000;   /* 9-digit ids once a line is full */

	/* groups were added category by category, so each category's
	 * products are contiguous */
	uint32_t p = 0;
	size_t g = 0;
	for (int i = 0; i < ncat; i++) {
		struct gen_cat *ct = &c->cat[i];
		ct->first = p;
		for (; g < gr.n && gr.cat[g] == (uint32_t)i; g++) {
			double z = 0;
			for (uint32_t j = 0; j < gsize[g]; j++)
				z += pow(j + 1, -PRODUCT_ZIPF);
			for (uint32_t j = 0; j < gsize[g]; j++, p++) {
				struct gen_product *pr = &c->prod[p];
				/* best-sellers are mainstream: priced nearer the median */
				double spread = ct->sigma * (j < 4 ? 0.5 + 0.125 * j : 1.0);
				double cents = floor(gr.v[g].price * exp(spread * rng_normal(&r)) * 100 + 0.5);
				if (rng_unit(&r) < 0.03)
					cents = floor(cents / 100 + 0.5) * 100;  /* whole-dollar prices */
				if (cents < 1)
					cents = 1;
				if (cents > PRICE_CAP)
					cents = PRICE_CAP;
				if (!ct->code && rng_unit(&r) < 0.003)
					cents = 0;                           /* free items */
				pr->cat = (uint32_t)i;
				pr->price = (uint32_t)cents;
				pw[p] = gr.v[g].weight * pow(j + 1, -PRODUCT_ZIPF) / z;
				pbrand[p] = gr.v[g].brand;
			}
		}
		ct->n = p - ct->first;
		if (ct->n == 0)
			continue;
		alias_build(c->prod_prob + ct->first, c->prod_alias + ct->first, pw + ct->first, ct->n);

		/* product ids: increasing serials on the category's line, handed
		 * out in random order so that brands interleave as in the real file */
		for (uint32_t j = 0; j < ct->n; j++)
			perm[j] = ct->first + j;
		for (uint32_t j = ct->n - 1; j > 0; j--) {
			uint32_t x = rng_below(&r, j + 1), t = perm[j];
			perm[j] = perm[x];
			perm[x] = t;
		}
		if (next_serial[ct->line] == 0)
			next_serial[ct->line] = 1 + rng_below(&r, 600);
		for (uint32_t j = 0; j < ct->n; j++) {
			uint32_t gap = rng_unit(&r) < 0.25 ? 1 + rng_below(&r, 40) : 1;
			if (next_serial[ct->line] + gap < 100000) {
				next_serial[ct->line] += gap;
				pid[perm[j]] = (uint64_t)ct->line * 100000 + next_serial[ct->line];
			} else {
				pid[perm[j]] = overflow_id++;
			}
		}
	}

	/* the constant part of each product's rows */
	size_t textlen = 0;
	for (uint32_t q = 0; q < c->nprod; q++) {
		const struct gen_cat *ct = &c->cat[c->prod[q].cat];
		textlen += 20 + 20 + (ct->code ? strlen(ct->code) : 0) + 4 +
		    (pbrand[q] >= 0 ? strlen(nm.v[pbrand[q]]) : 0);
	}
	c->text = xmalloc(textlen + 16);   /* slack for 16-byte chunk copies */
	textlen = 0;
	for (uint32_t q = 0; q < c->nprod; q++) {
		struct gen_product *pr = &c->prod[q];
		const struct gen_cat *ct = &c->cat[pr->cat];
		char *t0 = c->text + textlen, *t = t0;
		pr->id = pid[q];
		pr->brand = pbrand[q];
		t += fmt_u64(t, pid[q]);
		*t++ = ',';
		t += fmt_u64(t, ct->id);
		*t++ = ',';
		if (ct->code) {
			memcpy(t, ct->code, strlen(ct->code));
			t += strlen(ct->code);
		}
		*t++ = ',';
		if (pbrand[q] >= 0) {
			memcpy(t, nm.v[pbrand[q]], strlen(nm.v[pbrand[q]]));
			t += strlen(nm.v[pbrand[q]]);
		}
		*t++ = ',';
		pr->text = (uint32_t)textlen;
		pr->len = (uint16_t)(t - t0);
		if ((size_t)pr->len > c->max_prefix)
			c->max_prefix = pr->len;
		textlen += pr->len;
	}

	/* categories */
	double *cw = xmalloc((size_t)ncat * sizeof *cw);
	for (int i = 0; i < ncat; i++)
		cw[i] = c->cat[i].n ? c->cat[i].weight : 0;
	c->cat_prob = xmalloc((size_t)ncat * sizeof *c->cat_prob);
	c->cat_alias = xmalloc((size_t)ncat * sizeof *c->cat_alias);
	alias_build(c->cat_prob, c->cat_alias, cw, (uint32_t)ncat);
	free(cw);

	/* users: ids are handed out through a permutation of ranks so that
	 * heavy users are spread over the id range; 2.5% are old accounts
	 * with ids below the 2019 range */
	double nu = ceil(USERS_PER_ROW * (double)rows);
	c->nusers = nu < 1 ? 1 : (uint32_t)nu;
	c->user_mul = ((uint32_t)(c->nusers * 0.6180339887) | 1);
	while (c->nusers > 1) {
		uint32_t a = c->user_mul, b = c->nusers;
		while (b) {
			uint32_t t = a % b;
			a = b;
			b = t;
		}
		if (a == 1)
			break;
		c->user_mul += 2;
	}
	c->user_add = rng_below(&r, c->nusers);
	c->n_old = c->nusers / 40;
	c->step_old = c->n_old ? (512000000 - 34000000) / c->n_old : 1;
	c->step_new = 54000000 / (c->nusers - c->n_old);
	if (c->step_new < 1)
		c->step_new = 1;

	free(pw);
	free(pbrand);
	free(pid);
	free(perm);
	free(gsize);
	free(gr.v);
	free(gr.cat);
	/* the brand names stay, for typed rows (events.c) */
	c->brands = nm.v;
	c->nbrands = (int)nm.n;
}

static void
catalog_free(struct gen_catalog *c)
{
	for (int i = 0; i < c->nbrands; i++)
		free(c->brands[i]);
	free(c->brands);
	free(c->codes);
	free(c->cat);
	free(c->cat_prob);
	free(c->cat_alias);
	free(c->prod);
	free(c->prod_prob);
	free(c->prod_alias);
	free(c->text);
}

static inline uint32_t
cat_draw(const struct gen_catalog *c, uint64_t x)
{
	return alias_draw(c->cat_prob, c->cat_alias, (uint32_t)c->ncat, x);
}

static inline uint32_t
product_draw(const struct gen_catalog *c, uint32_t cat, uint64_t x)
{
	const struct gen_cat *ct = &c->cat[cat];
	return ct->first + alias_draw(c->prod_prob + ct->first, c->prod_alias + ct->first, ct->n, x);
}

/* The user of a session: rank ~ nusers * u^alpha, so rank 0 is the busiest
 * and the number of sessions falls off as a power of the rank. */
static inline uint32_t
user_draw(const struct gen_catalog *c, struct rng *r)
{
	double x = pow(rng_unit(r), USER_ALPHA) * c->nusers;
	uint32_t u = (uint32_t)x;
	return u < c->nusers ? u : c->nusers - 1;
}

static uint64_t
user_id(const struct gen_catalog *c, uint32_t user)
{
	uint64_t j = ((uint64_t)user * c->user_mul + c->user_add) % c->nusers;
	uint64_t h = hash_u64(c->seed ^ (j * UINT64_C(0x2545f4914f6cdd1d)));
	if (j < c->n_old)
		return 34000000 + j * c->step_old + h % c->step_old;
	return 512000000 + (j - c->n_old) * c->step_new + h % c->step_new;
}

/* ---- time ------------------------------------------------------------- */

/* Hourly traffic over the whole period: hour of day x day of week x a
 * little day-to-day noise and a gentle upward trend over the period. */
static void
rhythm_build(struct gen_ctx *x, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed, 2);
	x->nhours = 24 * x->days;
	x->hour_w = xmalloc((size_t)x->nhours * sizeof *x->hour_w);
	x->hour_cum = xmalloc(((size_t)x->nhours + 1) * sizeof *x->hour_cum);
	x->hour_cum[0] = 0;
	for (int d = 0; d < x->days; d++) {
		int dow = dt_iso_dow(x->start_day + d) - 1;
		double f = gen_dow_weight[dow] * exp(0.05 * rng_normal(&r)) *
		    (1 + 0.06 * d / (x->days > 1 ? x->days - 1 : 1));
		for (int h = 0; h < 24; h++) {
			int k = d * 24 + h;
			x->hour_w[k] = gen_hour_weight[h] * f;
			x->hour_cum[k + 1] = x->hour_cum[k] + x->hour_w[k];
		}
	}
}

/* The second at which cumulative traffic reaches mass m. */
static uint32_t
time_at_mass(const struct gen_ctx *x, double m)
{
	int lo = 0, hi = x->nhours;     /* find the last hour with cum <= m */
	double t;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;
		if (x->hour_cum[mid] <= m)
			lo = mid;
		else
			hi = mid;
	}
	t = lo * 3600.0 + (m - x->hour_cum[lo]) / x->hour_w[lo] * 3600.0;
	if (t < 0)
		t = 0;
	if (t > x->T - 1)
		t = x->T - 1;
	return (uint32_t)t;
}

/* ---- sessions --------------------------------------------------------- */

#define DSET 2048               /* > 2 * SESSION_MAX_VIEWS, power of two */
#define MAX_CONV 16             /* products carted or bought per session */

struct pending {
	uint32_t product;
	uint32_t type;
	double off;             /* seconds after the session's first event */
};

/* per-task scratch for building one session at a time */
struct scratch {
	uint32_t views[SESSION_MAX_VIEWS];
	/* distinct products viewed: product, views, last view index */
	uint32_t dprod[SESSION_MAX_VIEWS], dcount[SESSION_MAX_VIEWS], dlast[SESSION_MAX_VIEWS];
	double dw[SESSION_MAX_VIEWS];
	uint16_t slot[DSET];
	uint32_t stamp[DSET], cur;
	int32_t cart_after[SESSION_MAX_VIEWS];  /* product carted after view i, or -1 */
	struct pending *pend;
	size_t npend, pendcap;
};

static void
emit(struct scratch *s, uint32_t product, uint32_t type, double off)
{
	s->pend = xgrow(s->pend, &s->pendcap, s->npend + 1, sizeof *s->pend);
	s->pend[s->npend++] = (struct pending){product, type, off};
}

/* How readily a product at this price is bought online, relative: best
 * around $175 (the real file's median purchase), less for cheap items
 * (left for later, bought elsewhere) and for expensive ones (researched
 * here, bought less often). This is what makes purchase prices bunch
 * (quartiles ~84 and ~375) more tightly than view prices do. */
static double
price_pull(uint32_t cents)
{
	double x = log((cents + 100) / (100.0 * PRICE_PULL_AT));
	double w = x < 0 ? PRICE_PULL_LOW : PRICE_PULL_HIGH;
	return PRICE_PULL_FLOOR + exp(-x * x / (2 * w * w));
}

/* Choose up to k distinct viewed products, more likely the more often
 * viewed and the more buyable (price_pull); returns how many (indices
 * into d*). */
static int
choose_viewed(const struct gen_catalog *c, struct scratch *s, uint32_t nd, int k, struct rng *r,
    uint32_t *out)
{
	double sum = 0;
	int n = 0;
	for (uint32_t i = 0; i < nd; i++) {
		s->dw[i] = s->dcount[i] * price_pull(c->prod[s->dprod[i]].price);
		sum += s->dw[i];
	}
	while (n < k && sum > 0) {
		double u = rng_unit(r) * sum;
		uint32_t i = 0;
		while (i + 1 < nd && (u >= s->dw[i] || s->dw[i] == 0)) {
			u -= s->dw[i];
			i++;
		}
		if (s->dw[i] == 0)
			break;
		out[n++] = i;
		sum -= s->dw[i];
		s->dw[i] = 0;
	}
	return n;
}

/* how much a user converts: most users rarely, a few often (mean 1) */
static double
user_conv(uint64_t uh)
{
	uint32_t v = (uint32_t)(hash_u64(uh) % 100);
	return v < 60 ? 0.5 : v < 90 ? 1.2 : 3.4;
}

static void
uuid_v4(struct rng *r, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = rng_next(r), b = rng_next(r);
	int n = 0;
	a = (a & ~UINT64_C(0xf000)) | UINT64_C(0x4000);                 /* version 4 */
	b = (b & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);            /* variant 10 */
	for (int i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? a : b;
		int sh = 60 - 4 * (i & 15);
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[n++] = '-';
		out[n++] = hex[(w >> sh) & 15];
	}
}

/*
 * Draw one session that starts in window b and append its events to blk.
 * Views come first in their order; a cart event follows the last view of
 * each carted product; the order (purchases) comes at the end, all at one
 * second. So every cart and purchase follows a view of the same product in
 * the same session.
 */
static void
session(const struct gen_ctx *x, int64_t b, struct gen_block *blk, struct scratch *s, struct rng *r)
{
	const struct gen_catalog *c = &x->cat;
	uint32_t user = user_draw(c, r);
	uint64_t uh = hash_combine(c->seed ^ UINT64_C(0x3c6ef372fe94f82b), user);
	double lv = exp(SESSION_MU + SESSION_SIGMA * rng_normal(r));
	uint32_t L = lv >= SESSION_MAX_VIEWS ? SESSION_MAX_VIEWS : (uint32_t)ceil(lv);
	uint32_t cat, cat0, nd = 0, conv[MAX_CONV], nconv = 0, bought[MAX_CONV], nbought = 0;
	double pconv, off, limit, f;
	uint32_t start;

	if (L < 1)
		L = 1;
	s->npend = 0;
	s->cur++;
	cat = rng_unit(r) < P_FAVOURITE ? cat_draw(c, uh) : cat_draw(c, rng_next(r));
	cat0 = cat;
	for (uint32_t i = 0; i < L; i++) {
		uint32_t p, h;
		if (i > 0 && rng_unit(r) < P_REVIEW) {
			p = s->views[rng_below(r, i)];
		} else {
			if (i > 0 && rng_unit(r) < P_SWITCH)
				cat = cat_draw(c, rng_next(r));
			p = product_draw(c, cat, rng_next(r));
		}
		s->views[i] = p;
		s->cart_after[i] = -1;
		/* distinct products via a small stamped hash set */
		h = (uint32_t)(hash_u64(p) & (DSET - 1));
		while (s->stamp[h] == s->cur && s->dprod[s->slot[h]] != p)
			h = (h + 1) & (DSET - 1);
		if (s->stamp[h] == s->cur) {
			s->dcount[s->slot[h]]++;
			s->dlast[s->slot[h]] = i;
		} else {
			s->stamp[h] = s->cur;
			s->slot[h] = (uint16_t)nd;
			s->dprod[nd] = p;
			s->dcount[nd] = 1;
			s->dlast[nd] = i;
			nd++;
		}
	}

	/* the funnel: longer sessions, converting categories and converting
	 * users cart and buy more */
	pconv = c->cat[cat0].conv * user_conv(uh) * (L >= 8 ? 2.5 : 0.5 + 0.25 * L) *
	    price_pull(c->prod[s->views[0]].price);
	if (rng_unit(r) < P_CART * pconv) {
		int k = 1;
		while (k < MAX_CONV && rng_unit(r) < P_MORE_CART)
			k++;
		nconv = (uint32_t)choose_viewed(c, s, nd, k, r, conv);
		for (uint32_t i = 0; i < nconv; i++)
			s->cart_after[s->dlast[conv[i]]] = (int32_t)s->dprod[conv[i]];
		if (rng_unit(r) < P_CHECKOUT) {
			for (uint32_t i = 0; i < nconv; i++)
				if (rng_unit(r) < P_BUY_CARTED)
					bought[nbought++] = s->dprod[conv[i]];
			if (nbought == 0 && nconv > 0)
				bought[nbought++] = s->dprod[conv[0]];
		}
	} else if (rng_unit(r) < P_DIRECT * pconv) {
		int k = 1;
		while (k < MAX_CONV && rng_unit(r) < P_MORE_DIRECT)
			k++;
		nconv = (uint32_t)choose_viewed(c, s, nd, k, r, conv);
		for (uint32_t i = 0; i < nconv; i++)
			bought[nbought++] = s->dprod[conv[i]];
	}

	/* events with offsets from the first one */
	off = 0;
	for (uint32_t i = 0; i < L; i++) {
		if (i > 0)
			off += rng_lognormal(r, 25, 1.2, 1800);
		emit(s, s->views[i], EV_VIEW, off);
		if (rng_unit(r) < P_VIEW_DUP)
			emit(s, s->views[i], EV_VIEW, off);
		if (s->cart_after[i] >= 0) {
			uint32_t p = (uint32_t)s->cart_after[i], copies = 1;
			off += rng_lognormal(r, 10, 0.8, 600);
			if (rng_unit(r) < P_CART_BURST)
				copies = 5 + (uint32_t)(74 * pow(rng_unit(r), 2));
			else if (rng_unit(r) < P_CART_DUP)
				for (copies = 2; copies < 20 && rng_unit(r) < 0.45; copies++)
					;
			while (copies--)
				emit(s, p, EV_CART, off);
		}
	}
	if (nbought) {
		off += rng_lognormal(r, 90, 0.9, 1800);
		for (uint32_t i = 0; i < nbought; i++) {
			emit(s, bought[i], EV_PURCHASE, off);
			if (rng_unit(r) < P_PURCHASE_DUP)
				emit(s, bought[i], EV_PURCHASE, off);
		}
	}

	/* place it: start by the rhythm inside the window; squeeze sessions
	 * that would be too long or run past the end of the period */
	start = time_at_mass(x, x->m0[b] + rng_unit(r) * (x->m0[b + 1] - x->m0[b]));
	if (start < x->w0[b])
		start = x->w0[b];
	limit = SESSION_MAX_SEC;
	if (limit > (double)(x->T - 1 - start))
		limit = (double)(x->T - 1 - start);
	f = off > limit ? limit / off : 1;

	blk->sess = xgrow(blk->sess, &blk->sesscap, blk->nsess + 1, sizeof *blk->sess);
	struct gen_sess *se = &blk->sess[blk->nsess];
	uuid_v4(r, se->uuid);
	se->user_id = user_id(c, user);
	se->user_len = (uint32_t)fmt_u64(se->user, se->user_id);
	blk->ev = xgrow(blk->ev, &blk->evcap, blk->nev + s->npend, sizeof *blk->ev);
	for (size_t i = 0; i < s->npend; i++) {
		struct gen_ev *e = &blk->ev[blk->nev++];
		e->t = start + (uint32_t)(s->pend[i].off * f);
		e->product = s->pend[i].product;
		e->sess = (uint32_t)blk->nsess;
		e->type = s->pend[i].type;
	}
	blk->nsess++;
}

/* Stable LSD radix sort of events by time, 16 bits per pass. */
static void
sort_events(struct gen_block *blk, uint32_t base)
{
	size_t n = blk->nev;
	struct gen_ev *tmp;
	uint32_t maxk = 0;
	uint32_t *cnt;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		if (blk->ev[i].t - base > maxk)
			maxk = blk->ev[i].t - base;
	tmp = xmalloc(n * sizeof *tmp);
	cnt = xmalloc(65536 * sizeof *cnt);
	for (int shift = 0; shift < 32 && (shift == 0 || (maxk >> shift) != 0); shift += 16) {
		size_t sum = 0;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[((blk->ev[i].t - base) >> shift) & 0xffff]++;
		for (int k = 0; k < 65536; k++) {
			uint32_t v = cnt[k];
			cnt[k] = (uint32_t)sum;
			sum += v;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[((blk->ev[i].t - base) >> shift) & 0xffff]++] = blk->ev[i];
		struct gen_ev *sw = blk->ev;
		blk->ev = tmp;
		tmp = sw;
	}
	free(tmp);
	free(cnt);
}

static int64_t
block_quota(const struct gen_ctx *x, int64_t b)
{
	return x->rows / x->nb + (b < x->rows % x->nb ? 1 : 0);
}

struct gen_block *
gen_block_make(const struct gen_ctx *x, int64_t b)
{
	int64_t quota = block_quota(x, b);
	struct gen_block *blk = xcalloc(1, sizeof *blk);
	struct scratch *s = xcalloc(1, sizeof *s);
	struct rng r;

	rng_seed(&r, x->cat.seed, UINT64_C(0x100000000) + (uint64_t)b);
	while ((int64_t)blk->nev < quota)
		session(x, b, blk, s, &r);
	blk->nev = (size_t)quota;       /* the last session is cut short */
	sort_events(blk, x->w0[b]);
	blk->max_t = blk->nev ? blk->ev[blk->nev - 1].t : 0;
	free(s->pend);
	free(s);
	return blk;
}

void
gen_block_free(struct gen_block *blk)
{
	if (blk == NULL)
		return;
	free(blk->ev);
	free(blk->sess);
	free(blk);
}

/* pool task: generate block batch0 + task */
static void
block_task(void *arg, int task, int worker)
{
	struct gen_ctx *x = arg;
	x->blk[x->batch0 + task] = gen_block_make(x, x->batch0 + task);
}

/* ---- text ------------------------------------------------------------- */

static const char header[] =
    "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";

static inline char *
put2(char *p, uint32_t v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static inline char *
put_price(char *p, uint32_t cents)
{
	p += fmt_u64(p, cents / 100);
	*p++ = '.';
	return put2(p, cents % 100);
}

/* pool task: format window batch0 + task (and gzip it) */
static void
window_task(void *arg, int task, int worker)
{
	struct gen_ctx *x = arg;
	const struct gen_catalog *c = &x->cat;
	int64_t b = x->batch0 + task;
	int slot = x->slot0 + task;
	uint32_t lo = x->w0[b], hi = x->w0[b + 1];
	struct gen_seg seg[64], *sv = seg;
	int nseg = 0, segcap = 64;
	size_t rows = 0, len = 0, need;
	char ts[24], *o;
	uint32_t last_t = UINT32_MAX;

	/* the pieces of blocks <= b that fall into this window, in block order */
	for (int64_t j = x->first_live; j <= b; j++) {
		const struct gen_block *blk = x->blk[j];
		size_t i, e;
		if (!blk || blk->nev == 0 || blk->max_t < lo)
			continue;
		i = gen_lower_bound_t(blk, lo);
		e = gen_lower_bound_t(blk, hi);
		if (i == e)
			continue;
		if (nseg == segcap) {
			struct gen_seg *nsv = xmalloc((size_t)segcap * 2 * sizeof *nsv);
			memcpy(nsv, sv, (size_t)nseg * sizeof *nsv);
			if (sv != seg)
				free(sv);
			sv = nsv;
			segcap *= 2;
		}
		sv[nseg++] = (struct gen_seg){blk, i, e};
		rows += e - i;
	}

	/* the widest row, plus 16 bytes of slack for chunked copies */
	need = (b == 0 ? sizeof header : 0) +
	    rows * (24 + 9 + c->max_prefix + 12 + 21 + 37) + 64;
	x->out[slot] = xgrow(x->out[slot], &x->outcap[slot], need, 1);
	o = x->out[slot];
	if (b == 0) {
		memcpy(o, header, sizeof header - 1);
		len = sizeof header - 1;
	}
	memcpy(ts + 10, " 00:00:00 UTC,", 14);
	for (;;) {
		/* next event: earliest time, earlier block on ties */
		int best = gen_seg_pick(sv, nseg);
		if (best < 0)
			break;
		const struct gen_block *blk = sv[best].blk;
		const struct gen_ev *e = &blk->ev[sv[best].i++];
		const struct gen_sess *se = &blk->sess[e->sess];
		const struct gen_product *pr = &c->prod[e->product];
		char *p = o + len;
		if (e->t != last_t) {
			uint32_t d = e->t / 86400, sec = e->t % 86400;
			memcpy(ts, x->day[d], 10);
			put2(ts + 11, sec / 3600);
			put2(ts + 14, sec / 60 % 60);
			put2(ts + 17, sec % 60);
			last_t = e->t;
		}
		memcpy(p, ts, 24);
		p += 24;
		/* short variable-length fields: copy whole 16-byte chunks (the
		 * buffers have slack) instead of calling memcpy per field */
		memcpy(p, ev_name[e->type], 16);
		p += ev_len[e->type];
		for (size_t k = 0; k < pr->len; k += 16)
			memcpy(p + k, c->text + pr->text + k, 16);
		p += pr->len;
		p = put_price(p, gen_price_at(c, e->product, (uint32_t)((x->start_day + e->t / 86400) / 7)));
		*p++ = ',';
		memcpy(p, se->user, 16);
		if (se->user_len > 16)
			memcpy(p + 16, se->user + 16, 4);
		p += se->user_len;
		*p++ = ',';
		memcpy(p, se->uuid, 36);
		p += 36;
		*p++ = '\n';
		len = (size_t)(p - o);
	}
	if (sv != seg)
		free(sv);
	x->outlen[slot] = len;

	if (x->level > 0 && len > 0) {
		z_stream z;
		memset(&z, 0, sizeof z);
		/* windowBits 15 + 16: a complete gzip member per window */
		if (deflateInit2(&z, x->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			x->zerr = 1;
			return;
		}
		need = deflateBound(&z, (uLong)len);
		x->zout[slot] = xgrow(x->zout[slot], &x->zcap[slot], need, 1);
		z.next_in = (Bytef *)o;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)x->zout[slot];
		z.avail_out = (uInt)need;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			x->zerr = 1;
		x->zlen[slot] = need - z.avail_out;
		deflateEnd(&z);
	} else {
		x->zlen[slot] = 0;
	}
}

/* ---- driver ----------------------------------------------------------- */

/*
 * The writer thread: the output (often a disk slower than generation)
 * is written while the next batch is generated. Sets of slots alternate;
 * set k is QUEUED by the generator and handed back FREE by the writer.
 */
struct writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct gen_ctx *x;
	int fd;
	int batch;              /* slots per set */
	int queued[2];          /* buffers queued in each set, 0 when free */
	bool stop;
	int err;                /* errno of the first failed write */
};

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct gen_ctx *x = w->x;
	int set = 0;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		int n;
		while (!w->queued[set] && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->queued[set])
			break;
		n = w->queued[set];
		pthread_mutex_unlock(&w->mu);
		for (int i = 0; i < n && w->err == 0; i++) {
			int k = set * w->batch + i;
			w->err = x->level > 0 ? write_all(w->fd, x->zout[k], x->zlen[k])
			                      : write_all(w->fd, x->out[k], x->outlen[k]);
		}
		pthread_mutex_lock(&w->mu);
		w->queued[set] = 0;
		pthread_cond_broadcast(&w->cv);
		set ^= 1;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
gen_check_options(const struct gen_options *o, struct wb_error *err)
{
	if (!gen_rows_ok(o->rows)) {
		err_set(err, -1, "--rows must be between 0 and %lld, not %lld",
		    (long long)GEN_MAX_ROWS, (long long)o->rows);
		return -1;
	}
	if (!gen_days_ok(o->days)) {
		err_set(err, -1, "--days must be between 1 and %d, not %d", GEN_MAX_DAYS, o->days);
		return -1;
	}
	if (!gen_start_ok(o->start_day)) {
		err_set(err, -1, "--start must be a date from %s to %s", GEN_MIN_START, GEN_MAX_START);
		return -1;
	}
	return 0;
}

void
gen_ctx_setup(struct gen_ctx *x, const struct gen_options *o)
{
	memset(x, 0, sizeof *x);
	x->rows = o->rows;
	x->start_day = o->start_day;
	x->days = o->days;
	x->T = (uint32_t)o->days * 86400u;
	catalog_build(&x->cat, o->rows, o->seed);
	rhythm_build(x, o->seed);

	/* windows of equal expected traffic, one per block of rows */
	x->nb = (o->rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
	if (x->nb < 1)
		x->nb = 1;
	x->m0 = xmalloc(((size_t)x->nb + 1) * sizeof *x->m0);
	x->w0 = xmalloc(((size_t)x->nb + 1) * sizeof *x->w0);
	for (int64_t b = 0; b <= x->nb; b++) {
		x->m0[b] = x->hour_cum[x->nhours] * (double)b / (double)x->nb;
		x->w0[b] = b == 0 ? 0 : b == x->nb ? x->T : time_at_mass(x, x->m0[b]);
	}
	x->day = xmalloc((size_t)x->days * sizeof *x->day);
	for (int d = 0; d < x->days; d++) {
		char buf[32];
		dt_format_date(x->start_day + d, buf);
		memcpy(x->day[d], buf, 10);
		x->day[d][10] = ' ';
	}
	x->blk = xcalloc((size_t)x->nb, sizeof *x->blk);
}

void
gen_ctx_teardown(struct gen_ctx *x)
{
	for (int64_t j = 0; j < x->nb; j++)
		gen_block_free(x->blk[j]);
	free(x->blk);
	free(x->day);
	free(x->m0);
	free(x->w0);
	free(x->hour_w);
	free(x->hour_cum);
	catalog_free(&x->cat);
	memset(x, 0, sizeof *x);
}

int
gen_ecommerce_fd(const struct gen_options *o, int fd, bool gzip, struct wb_error *err)
{
	const char *name = o->output && strcmp(o->output, "-") != 0 ? o->output : "standard output";
	struct gen_ctx x;
	int batch, rc = 0;

	if (gen_check_options(o, err) < 0)
		return -1;
	gen_ctx_setup(&x, o);
	x.level = gzip ? 1 : 0;

	batch = 2 * pool_size();
	if (batch < 2)
		batch = 2;
	x.out = xcalloc(2 * (size_t)batch, sizeof *x.out);
	x.outlen = xcalloc(2 * (size_t)batch, sizeof *x.outlen);
	x.outcap = xcalloc(2 * (size_t)batch, sizeof *x.outcap);
	x.zout = xcalloc(2 * (size_t)batch, sizeof *x.zout);
	x.zlen = xcalloc(2 * (size_t)batch, sizeof *x.zlen);
	x.zcap = xcalloc(2 * (size_t)batch, sizeof *x.zcap);

	struct writer w = {.x = &x, .fd = fd, .batch = batch};
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	bool started = pthread_create(&w.th, NULL, writer_main, &w) == 0;
	if (!started) {
		err_set(err, -1, "cannot start a thread to write %s", name);
		rc = -1;
	}

	int set = 0;
	for (int64_t b0 = 0; b0 < x.nb && rc == 0; b0 += batch, set ^= 1) {
		int n = (int)(x.nb - b0 < batch ? x.nb - b0 : batch);
		int64_t end = b0 + n;
		x.batch0 = b0;
		pool_run(n, block_task, &x);
		/* wait until the writer is done with this set of slots */
		pthread_mutex_lock(&w.mu);
		while (w.queued[set])
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		if (w.err)
			break;
		x.slot0 = set * batch;
		pool_run(n, window_task, &x);
		if (x.zerr) {
			err_set(err, -1, "gzip compression failed for %s", name);
			rc = -1;
			break;
		}
		pthread_mutex_lock(&w.mu);
		w.queued[set] = n;
		pthread_cond_broadcast(&w.cv);
		pthread_mutex_unlock(&w.mu);

		/* drop blocks that cannot reach the windows still to come */
		for (int64_t j = x.first_live; j < end; j++) {
			struct gen_block *blk = x.blk[j];
			if (blk && (end == x.nb || blk->max_t < x.w0[end])) {
				gen_block_free(blk);
				x.blk[j] = NULL;
			}
		}
		while (x.first_live < end && x.blk[x.first_live] == NULL)
			x.first_live++;
	}
	if (started) {
		pthread_mutex_lock(&w.mu);
		w.stop = true;
		pthread_cond_broadcast(&w.cv);
		pthread_mutex_unlock(&w.mu);
		pthread_join(w.th, NULL);
	}
	if (w.err && rc == 0) {
		err_set(err, -1, "cannot write %s: %s", name, strerror(w.err));
		rc = -1;
	}
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	for (int i = 0; i < 2 * batch; i++) {
		free(x.out[i]);
		free(x.zout[i]);
	}
	free(x.out);
	free(x.outlen);
	free(x.outcap);
	free(x.zout);
	free(x.zlen);
	free(x.zcap);
	gen_ctx_teardown(&x);
	return rc;
}

static bool
has_gz_suffix(const char *s)
{
	size_t n = strlen(s);
	return n > 3 && strcasecmp(s + n - 3, ".gz") == 0;
}

/*
 * The output file appears only when complete. Where the file system
 * allows, the data goes to an unnamed O_TMPFILE in the target's directory
 * that is linked in at the end, so even a killed run leaves nothing
 * behind; otherwise to "FILE.tmp.PID", removed on failure.
 */
int
gen_ecommerce(const struct gen_options *o, struct wb_error *err)
{
	char *tmp, *dir;
	const char *slash;
	int fd = -1, rc;
	bool anon = false, named = false;   /* named: tmp exists and is ours */

	if (o->output == NULL || strcmp(o->output, "-") == 0) {
		fflush(stdout);
		return gen_ecommerce_fd(o, STDOUT_FILENO, false, err);
	}
	if (gen_check_options(o, err) < 0)
		return -1;
	tmp = xasprintf("%s.tmp.%ld", o->output, (long)getpid());
	slash = strrchr(o->output, '/');
	dir = slash ? xstrndup(o->output, slash == o->output ? 1 : (size_t)(slash - o->output)) : xstrdup(".");
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	anon = fd >= 0;
#endif
	if (fd < 0) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0666);
		named = fd >= 0;
	}
	if (fd < 0) {
		err_set(err, -1, "cannot create %s: %s", o->output, strerror(errno));
		err_hint(err, "check that the directory %s exists and is writable", dir);
		free(dir);
		free(tmp);
		return -1;
	}
	free(dir);
	rc = gen_ecommerce_fd(o, fd, has_gz_suffix(o->output), err);
	if (rc == 0 && anon) {
		/* give the unnamed file a temporary name, then rename it over
		 * the target in one step */
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0) {
			err_set(err, -1, "cannot create %s: %s", tmp, strerror(errno));
			rc = -1;
		} else {
			named = true;
		}
	}
	if (close(fd) != 0 && rc == 0) {
		err_set(err, -1, "cannot write %s: %s", o->output, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, o->output) != 0) {
		err_set(err, -1, "cannot rename %s to %s: %s", tmp, o->output, strerror(errno));
		rc = -1;
	}
	if (rc != 0 && named)
		unlink(tmp);
	free(tmp);
	return rc;
}

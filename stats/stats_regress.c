/*
 * REGRESS y ON term [, term ...] [NO INTERCEPT] [CONF 0.95] [FIT] FROM source
 *
 * Ordinary least squares, as R's lm(): the coefficient table of
 * summary(lm()) (broom::tidy(conf.int = TRUE)) - term, estimate,
 * std_error, t_value, p_value, ci_low, ci_high - with R's footer in the
 * notes (residual standard error, R-squared, F); with FIT one row as
 * broom::glance().
 *
 * Terms. A numeric expression is one column; `x^k` (k a positive
 * integer) is the k-th power of x, named "x^2" (R's I(x^2)) - '^' binds
 * to the whole term, SQL having no power operator. A VARCHAR, BOOLEAN,
 * DATE or TIMESTAMP expression, or factor(expr) of any type, is
 * categorical: treatment-coded dummies against its first level (in value
 * order) among the rows used, named as R names them ("categoryhome",
 * "flagTRUE", "factor(month)2"); without an intercept the first
 * categorical term gets a dummy for every level, as in R.
 *
 * Numerics: the design is never stored; rows are folded into a Householder
 * QR in long double (stats_lsq.h). With an intercept each column (and y)
 * is first shifted by its mean, which keeps the intercept column but
 * removes the huge common part of columns like years or x^10 - the fit
 * is the same model, the rounding much smaller. A term whose part not
 * explained by the terms before it is below 1e-10 of its norm is aliased:
 * its row has NULL estimate and a note says so, as R's "not defined
 * because of singularities" (R's lm uses 1e-7, which already aliases the
 * x^10 of NIST's Filip set; 1e-10 still catches exact collinearity, whose
 * remainder is rounding, about 1e-16).
 */
#include "stats/stats.h"
#include "stats/stats_lsq.h"
#include "core/xmalloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REGRESS_TOL 1e-10
#define REGRESS_MAX_POWER 20
/* design columns: the QR holds p^2 values and costs p^2 per row */
#define REGRESS_MAX_COLUMNS 1000

struct regress_term {
	int var;
	int power;       /* a numeric term's power (1: itself) */
	int pos;
	char *name;      /* as written; "x^2" for a power */
};

struct regress_opt {
	struct regress_term *terms;
	int nterms, tcap;
	bool no_intercept, fit;
	double conf;
};

/* One column of the design matrix. */
struct regress_col {
	const double *x;       /* numeric term, or NULL */
	double base;           /* its column's shift (decimal text): x + base is the value */
	const int32_t *lv;     /* categorical term: level codes */
	int power, level;
	char *name;
};

/* The design: its columns (the intercept first, if any) and the rows used. */
struct regress_design {
	int p;
	struct regress_col *col;
	uint8_t *ok;           /* per source row: every variable present */
	int64_t n;             /* rows used */
	double ybase;          /* y's column shift */
};

/* Fill buf - column by column, STATS_LSQ_BLOCK rows each: the design's p
 * columns, then y - with the next rows used from *at on, each column less
 * its shift; *at moves past them. The number of rows filled (0 at the
 * end). Column by column, so each kind of column is one tight loop. */
static int
design_fill(const struct regress_design *dz, const double *y, const long double *shift, int64_t *at, int64_t n,
    long double *buf)
{
	int64_t idx[STATS_LSQ_BLOCK];
	int nr = 0;
	int64_t i = *at;
	for (; i < n && nr < STATS_LSQ_BLOCK; i++)
		if (dz->ok[i])
			idx[nr++] = i;
	*at = i;
	for (int j = 0; j <= dz->p; j++) {
		long double *o = buf + (size_t)j * STATS_LSQ_BLOCK, s = shift[j];
		const struct regress_col *c = j < dz->p ? &dz->col[j] : NULL;
		if (c == NULL) {
			for (int r = 0; r < nr; r++)
				o[r] = ((long double)y[idx[r]] + dz->ybase) - s;
		} else if (c->lv) {
			for (int r = 0; r < nr; r++)
				o[r] = (c->lv[idx[r]] == c->level ? 1.0L : 0.0L) - s;
		} else if (c->x == NULL) {
			for (int r = 0; r < nr; r++)
				o[r] = 1 - s;   /* the intercept (never shifted) */
		} else if (c->power == 1) {
			for (int r = 0; r < nr; r++)
				o[r] = ((long double)c->x[idx[r]] + c->base) - s;
		} else {
			for (int r = 0; r < nr; r++) {
				long double v = (long double)c->x[idx[r]] + c->base, pw = v;
				for (int k = 1; k < c->power; k++)
					pw *= v;
				o[r] = pw - s;
			}
		}
	}
	return nr;
}

static void
design_free(struct regress_design *dz)
{
	for (int j = 0; j < dz->p; j++)
		free(dz->col[j].name);
	free(dz->col);
	free(dz->ok);
}

/* The label of level l of a categorical column as R writes it. */
static const char *
level_label(const struct stats_column *c, int l)
{
	if (c->type == WB_TYPE_BOOL)
		return strcasecmp(c->labels[l], "true") == 0 ? "TRUE" : "FALSE";
	return c->labels[l];
}

/* Build the design: mark the complete rows, find each categorical
 * term's levels among them, and lay out the columns. */
static int
design_build(const struct stats_stmt *st, const struct stats_data *d, struct regress_design *dz,
    struct wb_error *err)
{
	const struct regress_opt *o = st->opt;
	memset(dz, 0, sizeof *dz);
	dz->ybase = d->col[0].shift;
	dz->ok = xmalloc((size_t)(d->n ? d->n : 1));
	for (int64_t i = 0; i < d->n; i++) {
		bool ok = true;
		for (int v = 0; v < d->ncol && ok; v++) {
			const struct stats_column *c = &d->col[v];
			ok = c->role == STATS_NUMERIC ? !isnan(c->x[i]) : c->level[i] >= 0;
		}
		dz->ok[i] = ok;
		dz->n += ok;
	}
	int cap = 8;
	dz->col = xcalloc((size_t)cap, sizeof *dz->col);
	if (!o->no_intercept)
		dz->col[dz->p++].name = xstrdup("(Intercept)");
	bool full_coded = false;
	for (int t = 0; t < o->nterms; t++) {
		const struct regress_term *tm = &o->terms[t];
		const struct stats_column *c = &d->col[tm->var];
		if (c->role == STATS_NUMERIC) {
			if (dz->p == cap) {
				cap *= 2;
				dz->col = xrealloc(dz->col, sizeof *dz->col * (size_t)cap);
			}
			dz->col[dz->p++] = (struct regress_col){.x = c->x, .base = c->shift, .power = tm->power,
			    .name = xstrdup(tm->name)};
			continue;
		}
		if (tm->power != 1) {
			err_set(err, tm->pos, "REGRESS: %s is categorical; it cannot be raised to a power", c->name);
			err_hint(err, "use ^ on numeric terms only");
			return -1;
		}
		bool *seen = xcalloc((size_t)(c->nlevels ? c->nlevels : 1), sizeof *seen);
		int present = 0;
		for (int64_t i = 0; i < d->n; i++)
			if (dz->ok[i] && !seen[c->level[i]]) {
				seen[c->level[i]] = true;
				present++;
			}
		if (present < 2 && dz->n > 0) {
			int l = 0;
			while (!seen[l])
				l++;
			free(seen);
			err_set(err, tm->pos, "REGRESS: %s has one level ('%s') in the rows used; a categorical term needs two or more",
			    tm->name, level_label(c, l));
			err_hint(err, "drop the term, or widen WHERE so that it varies");
			return -1;
		}
		/* R: without an intercept the first categorical term is coded in full */
		bool full = o->no_intercept && !full_coded;
		full_coded = true;
		if (dz->p + present - !full > REGRESS_MAX_COLUMNS) {
			free(seen);
			err_set(err, tm->pos, "REGRESS: %s has %d levels; a regression takes at most %d columns", tm->name,
			    present, REGRESS_MAX_COLUMNS);
			err_hint(err, "group the levels first (a CASE expression), or leave the term out");
			return -1;
		}
		bool first = true;
		for (int l = 0; l < c->nlevels; l++) {
			if (!seen[l])
				continue;
			if (first && !full) {
				first = false;
				continue;   /* the baseline */
			}
			first = false;
			if (dz->p == cap) {
				cap *= 2;
				dz->col = xrealloc(dz->col, sizeof *dz->col * (size_t)cap);
			}
			size_t len = strlen(tm->name) + strlen(level_label(c, l)) + 1;
			char *name = xmalloc(len);
			snprintf(name, len, "%s%s", tm->name, level_label(c, l));
			dz->col[dz->p++] = (struct regress_col){.lv = c->level, .level = l, .power = 1, .name = name};
		}
		free(seen);
	}
	return 0;
}

/* x to 4 significant digits as R prints it in the footer ("NaN", not
 * printf's "-nan"); buf holds at least 32 bytes. */
static const char *
fmt4(char *buf, double x)
{
	if (isnan(x))
		return "NaN";
	snprintf(buf, 32, "%.4g", x);
	return buf;
}

/* R's format.pval(p, digits = 4) for the footer. */
static const char *
format_p(char *buf, double p)
{
	return p < 2.220446e-16 ? "< 2.2e-16" : fmt4(buf, p);
}

/* The fit's summary numbers, as summary.lm() and logLik() compute them. */
struct regress_summary {
	double n, k, rdf, df1;
	double rss, ssr, sigma, r2, adj_r2, f, f_p;
	double loglik, aic, bic;
};

static void
summarize(const struct regress_design *dz, const struct stats_lsq_fit *fit, bool intercept, struct regress_summary *s)
{
	s->n = (double)dz->n;
	s->k = fit->rank;
	s->rdf = s->n - s->k;
	s->df1 = s->k - intercept;
	long double ssr = 0;
	for (int i = intercept; i < fit->rank; i++)
		ssr += fit->qty[i] * fit->qty[i];
	s->rss = (double)fit->rss;
	s->ssr = (double)ssr;
	s->sigma = sqrt(s->rss / s->rdf);
	s->r2 = (double)(ssr / (ssr + fit->rss));
	s->adj_r2 = 1 - (1 - s->r2) * ((s->n - intercept) / s->rdf);
	s->f = s->df1 > 0 ? (s->ssr / s->df1) / (s->rss / s->rdf) : NAN;
	s->f_p = s->df1 > 0 ? stats_fdist_Q(s->f, s->df1, s->rdf) : NAN;
	if (s->df1 > 0 && isinf(s->f))
		s->f_p = 0;
	s->loglik = 0.5 * -(s->n * (log(2 * M_PI) + 1 - log(s->n) + log(s->rss)));
	s->aic = -2 * s->loglik + 2 * (s->k + 1);
	s->bic = -2 * s->loglik + log(s->n) * (s->k + 1);
}

static void
fit_table(struct stats_result *r, const struct regress_summary *s)
{
	static const char *const names[] = {"r_squared", "adj_r_squared", "sigma", "statistic", "p_value", "df",
		"log_lik", "aic", "bic", "deviance", "df_residual", "nobs"};
	static const wb_type types[] = {WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_BIGINT,
		WB_TYPE_BIGINT};
	stats_result_init(r, 12, names, types);
	stats_d(r, 0, s->r2);
	stats_d(r, 1, s->adj_r2);
	stats_d(r, 2, s->sigma);
	if (s->df1 > 0) {
		stats_d(r, 3, s->f);
		stats_d(r, 4, s->f_p);
	} else {
		stats_null(r, 3);
		stats_null(r, 4);
	}
	stats_i(r, 5, (int64_t)s->df1);
	stats_d(r, 6, s->loglik);
	stats_d(r, 7, s->aic);
	stats_d(r, 8, s->bic);
	stats_d(r, 9, s->rss);
	stats_i(r, 10, (int64_t)s->rdf);
	stats_i(r, 11, (int64_t)s->n);
	stats_row(r);
	r->stars_col = 4;
}

/* The coefficient table: one row per design column. */
static void
coef_table(struct stats_result *r, const struct regress_design *dz, const struct stats_lsq_fit *fit,
    const long double *shift, long double yshift, bool intercept, double conf, double sigma, double rdf)
{
	static const char *const names[] = {"term", "estimate", "std_error", "t_value", "p_value", "ci_low", "ci_high"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE,
		WB_TYPE_DOUBLE, WB_TYPE_DOUBLE, WB_TYPE_DOUBLE};
	stats_result_init(r, 7, names, types);
	r->stars_col = 4;
	double q = gsl_cdf_tdist_Pinv(0.5 + conf / 2, rdf);
	long double *a = xcalloc((size_t)dz->p, sizeof *a);
	for (int j = 0; j < dz->p; j++) {
		stats_s(r, 0, dz->col[j].name);
		if (fit->aliased[j]) {
			for (int c = 1; c < 7; c++)
				stats_null(r, c);
			stats_row(r);
			continue;
		}
		long double est = fit->coef[j];
		memset(a, 0, sizeof *a * (size_t)dz->p);
		if (intercept && j == 0) {
			/* y - my = c + sum b_j (x_j - m_j): the intercept is
			 * c + my - sum b_j m_j, a linear combination of the fit */
			est += yshift;
			a[0] = 1;
			for (int l = 1; l < dz->p; l++)
				if (!fit->aliased[l]) {
					est -= fit->coef[l] * shift[l];
					a[l] = -shift[l];
				}
		} else {
			a[j] = 1;
		}
		double se = sigma * sqrt((double)stats_lsq_quad(fit, a));
		double e = (double)est, t = e / se;
		stats_d(r, 1, e);
		stats_d(r, 2, se);
		stats_d(r, 3, t);
		stats_d(r, 4, stats_t_pvalue(t, rdf));
		stats_d(r, 5, e - q * se);
		stats_d(r, 6, e + q * se);
		stats_row(r);
	}
	free(a);
}

static int
regress_run(const struct stats_stmt *st, const struct stats_data *d, struct stats_result *r, struct wb_error *err)
{
	const struct regress_opt *o = st->opt;
	bool intercept = !o->no_intercept;
	struct regress_design dz;
	if (design_build(st, d, &dz, err) < 0) {
		design_free(&dz);
		return -1;
	}
	const double *y = d->col[0].x;
	int p = dz.p;
	if (dz.n == 0) {
		design_free(&dz);
		err_set(err, st->pos, "REGRESS: no row has %s and every term present", d->col[0].name);
		err_hint(err, "check the columns for NULLs, or the WHERE condition");
		return -1;
	}
	/* pass 1: each column's mean (the shift) and norm (for the rank rule) */
	long double *sum = xcalloc((size_t)p + 1, sizeof *sum), *ssq = xcalloc((size_t)p + 1, sizeof *ssq);
	long double *zero = xcalloc((size_t)p + 1, sizeof *zero);
	long double *buf = xmalloc(sizeof *buf * ((size_t)p + 1) * STATS_LSQ_BLOCK);
	int nr;
	for (int64_t at = 0; (nr = design_fill(&dz, y, zero, &at, d->n, buf)) > 0;)
		for (int j = 0; j <= p; j++) {
			const long double *c = buf + (size_t)j * STATS_LSQ_BLOCK;
			long double s1 = 0, s2 = 0;   /* in registers, not through sum[] */
			for (int r = 0; r < nr; r++) {
				s1 += c[r];
				s2 += c[r] * c[r];
			}
			sum[j] += s1;
			ssq[j] += s2;
		}
	free(zero);
	long double *shift = xcalloc((size_t)p + 1, sizeof *shift), *norm = xcalloc((size_t)p + 1, sizeof *norm);
	int rc = 0;
	for (int j = 0; j <= p; j++) {
		norm[j] = sqrtl(ssq[j]);
		if (isinf(ssq[j]) && rc == 0) {
			err_set(err, st->pos, "REGRESS: the term %s overflows (its values are too large)",
			    j < p ? dz.col[j].name : d->col[0].name);
			err_hint(err, "rescale the variable (divide it by a power of ten)");
			rc = -1;
		}
		if (intercept && j > 0)
			shift[j] = sum[j] / (long double)dz.n;
	}
	struct stats_lsq q;
	struct stats_lsq_fit fit;
	memset(&fit, 0, sizeof fit);
	stats_lsq_init(&q, p);
	if (rc == 0) {
		/* pass 2: the shifted rows into the QR */
		for (int64_t at = 0; (nr = design_fill(&dz, y, shift, &at, d->n, buf)) > 0;)
			stats_lsq_add_block(&q, buf, nr);
		stats_lsq_solve(&q, norm, REGRESS_TOL, &fit);
		/* pass 3: X'r for one step of refinement */
		long double *g = xcalloc((size_t)p + 1, sizeof *g), res[STATS_LSQ_BLOCK];
		for (int64_t at = 0; (nr = design_fill(&dz, y, shift, &at, d->n, buf)) > 0;) {
			for (int r = 0; r < nr; r++) {
				long double e = buf[(size_t)p * STATS_LSQ_BLOCK + r];
				for (int j = 0; j < p; j++)
					e -= fit.coef[j] * buf[(size_t)j * STATS_LSQ_BLOCK + r];
				res[r] = e;
			}
			for (int j = 0; j < p; j++) {
				const long double *c = buf + (size_t)j * STATS_LSQ_BLOCK;
				long double s = 0;
				for (int r = 0; r < nr; r++)
					s += c[r] * res[r];
				g[j] += s;
			}
		}
		stats_lsq_refine(&fit, g);
		free(g);
		if (fit.rank == 0 || dz.n <= fit.rank) {
			err_set(err, st->pos, "REGRESS: %lld rows used for %d coefficients; the residuals need at least one degree of freedom",
			    (long long)dz.n, fit.rank);
			err_hint(err, "use more rows or fewer terms");
			rc = -1;
		}
	}
	if (rc == 0) {
		struct regress_summary s;
		summarize(&dz, &fit, intercept, &s);
		if (o->fit) {
			fit_table(r, &s);
			stats_title(r, "Linear regression (OLS): model fit");
		} else {
			coef_table(r, &dz, &fit, shift, shift[p], intercept, o->conf, s.sigma, s.rdf);
			stats_title(r, "Linear regression (OLS)");
		}
		/* the footer of R's summary.lm */
		struct strbuf model;
		sb_init(&model);
		sb_printf(&model, "%s ~ %s", d->col[0].name, intercept ? "" : "0");
		for (int t = 0; t < o->nterms; t++)
			sb_printf(&model, "%s%s", t > 0 || !intercept ? " + " : "", o->terms[t].name);
		stats_note(r, "Model: %s", sb_str(&model));
		sb_free(&model);
		int nal = p - fit.rank;
		if (nal > 0)
			stats_note(r, "Coefficients: (%d not defined because of singularities)", nal);
		char b1[32], b2[32], b3[32];
		stats_note(r, "Residual standard error: %s on %.0f degrees of freedom", fmt4(b1, s.sigma), s.rdf);
		if (d->n > dz.n)
			stats_note(r, "  (%lld observation%s deleted due to missingness)", (long long)(d->n - dz.n),
			    d->n - dz.n == 1 ? "" : "s");
		stats_note(r, "Multiple R-squared:  %s,  Adjusted R-squared:  %s", fmt4(b1, s.r2), fmt4(b2, s.adj_r2));
		if (s.df1 > 0)
			stats_note(r, "F-statistic: %s on %.0f and %.0f DF,  p-value: %s", fmt4(b1, s.f), s.df1, s.rdf,
			    format_p(b3, s.f_p));
		if (s.ssr + s.rss == 0)
			stats_note(r, "%s is constant: R-squared and F are not defined (NaN)", d->col[0].name);
		/* R warns when the residual variance is negligible against the
		 * fitted values' size: mean(f)^2 + var(f) */
		long double fsum = 0;
		for (int j = 0; j < p; j++)
			if (!fit.aliased[j])
				fsum += (fit.coef[j]) * (sum[j] - shift[j] * (long double)dz.n);
		fsum += shift[p] * (long double)dz.n;
		double fmean = (double)(fsum / (long double)dz.n);
		double fvar = intercept ? s.ssr / (s.n - 1) : (s.ssr - s.n * fmean * fmean) / (s.n - 1);
		if (s.rss / s.rdf < (fmean * fmean + fvar) * 1e-30)
			stats_note(r, "Warning: essentially perfect fit: the standard errors, t and p are unreliable");
	}
	stats_lsq_fit_free(&fit);
	stats_lsq_free(&q);
	free(buf);
	free(sum);
	free(ssq);
	free(shift);
	free(norm);
	design_free(&dz);
	return rc;
}

/* A term: expr [^ k] or factor(expr); appended to o->terms. */
static int
parse_term(struct parser *p, struct stats_stmt *st, struct regress_opt *o)
{
	const struct token *t0 = parser_peek(p, 0), *t1 = parser_peek(p, 1);
	int pos = t0->pos;
	bool factor = t0->type == TOK_IDENT && t0->len == 6 && strncasecmp(t0->text, "factor", 6) == 0 &&
	    t1->type == TOK_OP && t1->len == 1 && t1->text[0] == '(';
	int v;
	char *name;
	int power = 1;
	if (factor) {
		p->cur += 2;
		if ((v = stats_parse_var(p, st, STATS_FACTOR)) < 0 || !parser_expect_op(p, ")"))
			return -1;
		const struct token *last = &p->toks[p->cur - 1];
		name = arena_strndup(p->arena, p->src + pos, (size_t)(last->pos + last->len - pos));
		st->vars[v].name = name;
	} else {
		if ((v = stats_parse_var(p, st, STATS_AUTO)) < 0)
			return -1;
		name = st->vars[v].name;
		if (parser_accept_op(p, "^")) {
			struct ast *e = st->vars[v].expr;
			if ((e->kind == AST_BINARY || e->kind == AST_UNARY) && p->src[pos] != '(') {
				err_set(p->err, pos, "REGRESS: ^ applies to the whole term %s", name);
				err_hint(p->err, "put the base in parentheses: (%s)^k", name);
				return -1;
			}
			const struct token *k = parser_peek(p, 0);
			double dk;
			if (k->type != TOK_INTEGER || !parser_number(p, &dk) || dk < 1 || dk > REGRESS_MAX_POWER) {
				err_set(p->err, k->pos, "REGRESS: the power after ^ must be an integer from 1 to %d",
				    REGRESS_MAX_POWER);
				err_hint(p->err, "write a polynomial term as x^2, x^3, ...");
				return -1;
			}
			power = (int)dk;
			size_t len = strlen(name) + 16;
			char *pn = arena_alloc(p->arena, len);
			snprintf(pn, len, "%s^%d", name, power);   /* R writes I(x^2) without spaces */
			name = pn;
		}
	}
	/* a variable read twice (x, x^2) is read once */
	for (int u = 0; u < v; u++)
		if (st->vars[u].role == st->vars[v].role && strcmp(st->vars[u].name, st->vars[v].name) == 0) {
			st->nvars--;
			v = u;
			break;
		}
	if (o->nterms == o->tcap) {
		int cap = o->tcap ? 2 * o->tcap : 8;
		struct regress_term *n = arena_zalloc(p->arena, sizeof *n * (size_t)cap);
		if (o->nterms)
			memcpy(n, o->terms, sizeof *n * (size_t)o->nterms);
		o->terms = n;
		o->tcap = cap;
	}
	for (int u = 0; u < o->nterms; u++)
		if (strcmp(o->terms[u].name, name) == 0) {
			err_set(p->err, pos, "REGRESS: the term %s is given twice", name);
			return -1;
		}
	o->terms[o->nterms++] = (struct regress_term){.var = v, .power = power, .pos = pos, .name = name};
	return 0;
}

static int
regress_parse(struct parser *p, void **data)
{
	struct stats_stmt *st = stats_stmt_new(p, regress_run, "REGRESS");
	struct regress_opt *o = arena_zalloc(p->arena, sizeof *o);
	st->opt = o;
	*data = st;
	o->conf = 0.95;
	if (stats_parse_var(p, st, STATS_NUMERIC) < 0)
		return -1;
	if (!parser_accept_word(p, "ON")) {
		parser_syntax_error(p, "ON and the terms: REGRESS y ON x1, x2, ...");
		return -1;
	}
	do {
		if (parse_term(p, st, o) < 0)
			return -1;
	} while (parser_accept_op(p, ","));
	for (;;) {
		if (parser_accept_word(p, "NO")) {
			if (!parser_expect_word(p, "INTERCEPT"))
				return -1;
			o->no_intercept = true;
		} else if (parser_accept_word(p, "CONF")) {
			if (!stats_parse_number(p, "CONF", 0.5, 0.9999, &o->conf))
				return -1;
		} else if (parser_accept_word(p, "FIT")) {
			o->fit = true;
		} else {
			break;
		}
	}
	return stats_parse_from(p, st);
}

const struct stmt_ext stats_ext_regress = {
	.word = "REGRESS",
	.parse = regress_parse,
	.query = true,
	.usage = "REGRESS y ON x1 [, x2, x^2, category ...] [NO INTERCEPT] [CONF 0.95] [FIT] FROM source [WHERE cond]",
	.summary = "linear regression (OLS) as R's lm(): coefficients, standard errors, t, p, CIs; R-squared and F",
};

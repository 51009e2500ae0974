# Expected values of tests/sql/stats_ttest.slt, from R 4.2.2:
#   Rscript tests/stats/ttest.R
# Each case prints one line: the label, then the values of TTEST's columns
# (statistic, df, p_value, estimate, ci_low, ci_high, mean_x, mean_y,
# n_x, n_y, cohens_d, hedges_g, power, method, alternative) separated by
# tabs as the slt wants them, numbers with 17 significant digits.
# cohens_d, hedges_g and power are computed by their formulas (wb-stats(7)):
# d over the pooled sd (two samples) or the sd (one sample, differences),
# g = d * J(df) with J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)), and
# the power from R's noncentral t (pt(..., ncp =)), both tails when
# two-sided (as pwr::pwr.t2n.test).

# The data, as the slt makes it with range(100)
id <- 0:99
arm <- ifelse(id %% 5 < 3, "control", "treat")
y <- 10 + ((id * 7919) %% 1000) / 50 + ifelse(id %% 5 < 3, 0, 1.51)
y[id %% 17 == 5] <- NA
before <- 8 + ((id * 104729) %% 1000) / 40
before[id %% 11 == 0] <- NA

fmt <- function(v) {
  if (is.null(v) || length(v) == 0 || is.na(v)) return("NULL")
  if (is.character(v)) return(v)
  if (is.infinite(v)) return(if (v > 0) "inf" else "-inf")
  sprintf("%.17g", v)
}
row <- function(label, ...) cat(label, paste(sapply(list(...), fmt), collapse = "\t"), sep = "\t", fill = FALSE)
hedges_j <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
power_t <- function(ncp, df, alpha, alt) {
  if (alt == "less") return(pt(-qt(1 - alpha, df), df, ncp))
  if (alt == "greater") return(pt(qt(1 - alpha, df), df, ncp, lower.tail = FALSE))
  q <- qt(1 - alpha / 2, df)
  pt(q, df, ncp, lower.tail = FALSE) + pt(-q, df, ncp)
}

# A two-sample case: r = t.test(...) of x against y
two <- function(label, r, x, y, mu = 0, conf = 0.95) {
  x <- x[!is.na(x)]; y <- y[!is.na(y)]
  nx <- length(x); ny <- length(y)
  ss <- (if (nx > 1) (nx - 1) * var(x) else 0) + (if (ny > 1) (ny - 1) * var(y) else 0)
  sp <- sqrt(ss / (nx + ny - 2))
  d <- (mean(x) - mean(y) - mu) / sp
  g <- d * hedges_j(nx + ny - 2)
  pw <- power_t(d * sqrt(nx * ny / (nx + ny)), nx + ny - 2, 1 - conf, r$alternative)
  row(label, r$statistic, r$parameter, r$p.value, mean(x) - mean(y), r$conf.int[1], r$conf.int[2],
      r$estimate[1], r$estimate[2], nx, ny, d, g, pw, r$method, r$alternative)
  cat("\n")
  # the power agrees with power.t.test(strict = TRUE) where n_x = n_y
  if (nx == ny && r$alternative == "two.sided")
    cat("# check", sprintf("%.17g", power.t.test(n = nx, delta = d, sd = 1, sig.level = 1 - conf, strict = TRUE)$power), "\n")
}

# A one-sample or paired case: x the sample (or the differences)
one <- function(label, r, x, mu = 0, conf = 0.95, mx = NA, my = NA, paired = FALSE) {
  n <- length(x)
  d <- (mean(x) - mu) / sd(x)
  g <- d * hedges_j(n - 1)
  pw <- power_t(d * sqrt(n), n - 1, 1 - conf, r$alternative)
  row(label, r$statistic, r$parameter, r$p.value, r$estimate, r$conf.int[1], r$conf.int[2],
      if (paired) mx else r$estimate, if (paired) my else NA, n, if (paired) n else NA, d, g, pw,
      r$method, r$alternative)
  cat("\n")
  if (r$alternative == "two.sided")
    cat("# check", sprintf("%.17g", power.t.test(n = n, delta = d, sd = 1, sig.level = 1 - conf, type = "one.sample", strict = TRUE)$power), "\n")
}

d <- data.frame(id, arm, y, before)
xc <- d$y[d$arm == "control"]; xt <- d$y[d$arm == "treat"]

# welch: t.test(y ~ arm, data = d)
two("welch", t.test(y ~ arm, data = d), xc, xt)
# pooled_less: t.test(y ~ arm, data = d, var.equal = TRUE, alternative = "less", conf.level = 0.9)
two("pooled_less", t.test(y ~ arm, data = d, var.equal = TRUE, alternative = "less", conf.level = 0.9), xc, xt, conf = 0.9)
# welch_greater_mu: t.test(y ~ arm, data = d, mu = -1, alternative = "greater")
two("welch_greater_mu", t.test(y ~ arm, data = d, mu = -1, alternative = "greater"), xc, xt, mu = -1)
# numeric_groups: t.test(y ~ I(id %% 2), data = d) (levels 0 then 1)
two("numeric_groups", t.test(y ~ I(id %% 2), data = d), d$y[id %% 2 == 0], d$y[id %% 2 == 1])
# columns: t.test(d$y, d$before) (unpaired; NAs dropped from each)
two("columns", t.test(d$y, d$before), d$y, d$before)
# pooled_one: a group of one value: t.test(y ~ arm, data = e, var.equal = TRUE), e = control rows and id 3
e <- d[d$arm == "control" | d$id == 3, ]
two("pooled_one", t.test(y ~ arm, data = e, var.equal = TRUE), e$y[e$arm == "control"], e$y[e$arm == "treat"])
# one_sample: t.test(d$y, mu = 19)
yy <- d$y[!is.na(d$y)]
one("one_sample", t.test(d$y, mu = 19), yy, mu = 19)
# one_sample_less: t.test(d$y, mu = 19, alternative = "less", conf.level = 0.99)
one("one_sample_less", t.test(d$y, mu = 19, alternative = "less", conf.level = 0.99), yy, mu = 19, conf = 0.99)
# paired: t.test(d$y, d$before, paired = TRUE) (incomplete pairs dropped)
ok <- complete.cases(d$y, d$before)
one("paired", t.test(d$y, d$before, paired = TRUE), d$y[ok] - d$before[ok], mx = mean(d$y[ok]), my = mean(d$before[ok]), paired = TRUE)
# paired_mu_greater: t.test(d$y, d$before, paired = TRUE, mu = 2, alternative = "greater")
one("paired_mu_greater", t.test(d$y, d$before, paired = TRUE, mu = 2, alternative = "greater"), d$y[ok] - d$before[ok], mu = 2, mx = mean(d$y[ok]), my = mean(d$before[ok]), paired = TRUE)

# The errors R gives for the degenerate cases the slt tests
err <- function(label, expr) cat("# ", label, ": ", tryCatch({ force(expr); "no error" }, error = function(e) conditionMessage(e)), "\n", sep = "")
err("constant", t.test(c(5, 5, 5), c(5, 5, 5)))
err("group_of_one_welch", t.test(y ~ arm, data = e))
err("one_value", t.test(c(3)))
err("three_levels", t.test(y ~ I(id %% 3), data = d))

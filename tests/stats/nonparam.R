# Expected values of tests/sql/stats_nonparam.slt, from R 4.2.2:
#   Rscript tests/stats/nonparam.R
# Each case prints one line: its label, then the values of the
# statement's columns separated by tabs, numbers with 17 significant
# digits:
#   rank sum (MANNWHITNEY):  statistic, p_value, z, n_x, n_y, rank_biserial, method, alternative
#   signed rank (WILCOXON):  statistic, p_value, z, n, n_zero, rank_biserial, method, alternative
#   KRUSKAL:                 statistic, df, p_value, n, groups, epsilon_sq, method
# statistic, p_value and method are wilcox.test's / kruskal.test's; z
# (NULL when exact), the rank-biserial correlation and epsilon squared are
# computed here by the formulas of wb-stats(7).

# The data, as the slt makes it with range(100)
id <- 0:99
arm <- ifelse(id %% 5 < 3, "control", "treat")
y <- 10 + ((id * 7919) %% 1000) / 50 + ifelse(id %% 5 < 3, 0, 1.51)
y[id %% 17 == 5] <- NA
before <- 8 + ((id * 104729) %% 1000) / 40
before[id %% 11 == 0] <- NA
score <- (id * 13) %% 7 + ifelse(id %% 5 < 3, 0, 1)
d <- data.frame(id, arm, y, before, score)

fmt <- function(v) {
  if (is.null(v) || length(v) == 0 || is.na(v)) return("NULL")
  if (is.character(v)) return(v)
  if (is.infinite(v)) return(if (v > 0) "inf" else "-inf")
  sprintf("%.17g", v)
}
row <- function(label, ...) cat(label, "\t", paste(sapply(list(...), fmt), collapse = "\t"), "\n", sep = "")

cc <- function(z, alt, correct) if (!correct) 0 else switch(alt, two.sided = sign(z) * 0.5, greater = 0.5, less = -0.5)

# rank sum of x against y: r = wilcox.test(...)
ranksum <- function(label, r, x, y, mu = 0, correct = TRUE) {
  x <- x[!is.na(x)]; y <- y[!is.na(y)]
  nx <- length(x); ny <- length(y)
  w <- unname(r$statistic)
  z <- NA
  if (!grepl("exact", r$method)) {
    rk <- rank(c(x - mu, y)); nt <- table(rk)
    sigma <- sqrt((nx * ny / 12) * ((nx + ny + 1) - sum(nt^3 - nt) / ((nx + ny) * (nx + ny - 1))))
    z0 <- w - nx * ny / 2
    z <- (z0 - cc(z0, r$alternative, correct)) / sigma
  }
  row(label, w, r$p.value, z, nx, ny, 2 * w / (nx * ny) - 1, r$method, r$alternative)
}

# signed rank of x (already the differences, before mu)
signrank <- function(label, r, x, mu = 0, correct = TRUE) {
  x <- x[!is.na(x)] - mu
  nz <- sum(x == 0); x <- x[x != 0]; n <- length(x)
  v <- unname(r$statistic)
  z <- NA
  if (!grepl("exact", r$method)) {
    rk <- rank(abs(x)); nt <- table(rk)
    sigma <- sqrt(n * (n + 1) * (2 * n + 1) / 24 - sum(nt^3 - nt) / 48)
    z0 <- v - n * (n + 1) / 4
    z <- (z0 - cc(z0, r$alternative, correct)) / sigma
  }
  row(label, v, r$p.value, z, n, nz, 2 * v / (n * (n + 1) / 2) - 1, r$method, r$alternative)
}

kw <- function(label, r, n) row(label, unname(r$statistic), unname(r$parameter), r$p.value, n,
                                unname(r$parameter) + 1, unname(r$statistic) / (n - 1), r$method)

s40 <- d[d$id < 40, ]
s30 <- d[d$id < 30, ]
ok <- complete.cases(d$y, d$before)
ok40 <- ok & d$id < 40
dx <- function(s, v, g) s[[v]][s$arm == g]

ranksum("exact", wilcox.test(y ~ arm, data = s40), dx(s40, "y", "control"), dx(s40, "y", "treat"))
ranksum("exact_less", wilcox.test(y ~ arm, data = s40, alternative = "less"), dx(s40, "y", "control"), dx(s40, "y", "treat"))
ranksum("exact_greater_mu", wilcox.test(y ~ arm, data = s40, alternative = "greater", mu = -2), dx(s40, "y", "control"), dx(s40, "y", "treat"), mu = -2)
ranksum("approx", wilcox.test(y ~ arm, data = d), dx(d, "y", "control"), dx(d, "y", "treat"))
ranksum("exact_forced", wilcox.test(y ~ arm, data = d, exact = TRUE), dx(d, "y", "control"), dx(d, "y", "treat"))
ranksum("approx_nocorrect", wilcox.test(y ~ arm, data = s40, exact = FALSE, correct = FALSE), dx(s40, "y", "control"), dx(s40, "y", "treat"), correct = FALSE)
ranksum("ties", wilcox.test(score ~ arm, data = d), dx(d, "score", "control"), dx(d, "score", "treat"))
ranksum("ties_small", suppressWarnings(wilcox.test(score ~ arm, data = s30)), dx(s30, "score", "control"), dx(s30, "score", "treat"))
ranksum("ties_greater_nocorrect", wilcox.test(score ~ arm, data = d, alternative = "greater", correct = FALSE), dx(d, "score", "control"), dx(d, "score", "treat"), correct = FALSE)
ranksum("columns", wilcox.test(d$y, d$before), d$y, d$before)

signrank("paired_exact", wilcox.test(s40$y, s40$before, paired = TRUE), d$y[ok40] - d$before[ok40])
signrank("paired_approx", wilcox.test(d$y, d$before, paired = TRUE), d$y[ok] - d$before[ok])
signrank("paired_greater_mu", wilcox.test(d$y, d$before, paired = TRUE, mu = -1, alternative = "greater", exact = FALSE, correct = FALSE), d$y[ok] - d$before[ok], mu = -1, correct = FALSE)
signrank("paired_exact_forced", suppressWarnings(wilcox.test(d$y, d$before, paired = TRUE, exact = TRUE)), d$y[ok] - d$before[ok])
signrank("one_exact", wilcox.test(s30$y, mu = 19), s30$y, mu = 19)
signrank("one_exact_less", wilcox.test(s30$y, mu = 21, alternative = "less"), s30$y, mu = 21)
signrank("one_approx", wilcox.test(d$y, mu = 19.003), d$y, mu = 19.003)
signrank("one_exact_forced", wilcox.test(d$y, mu = 19.003, exact = TRUE), d$y, mu = 19.003)
signrank("one_zeros_ties", wilcox.test(d$score, mu = 3), d$score, mu = 3)
signrank("one_zeros_small", suppressWarnings(wilcox.test(s30$score, mu = 3)), s30$score, mu = 3)

kw("kruskal3", kruskal.test(y ~ factor(id %% 3), data = d), sum(!is.na(d$y)))
kw("kruskal_ties", kruskal.test(score ~ factor(id %% 4), data = d), 100)
kw("kruskal2", kruskal.test(y ~ arm, data = d), sum(!is.na(d$y)))

# A larger sample (5000 values, ties, negatives and zeros), where wb
# radix-sorts the groups (2048 values and more) before merging their ranks
big <- data.frame(id = 0:4999)
big$v <- (((big$id * 7919) %% 1000) - 500) / 8 + (big$id %% 3) * 0.25
big$g <- big$id %% 3
big$h <- big$id %% 2
ranksum("big_ranksum", wilcox.test(v ~ h, data = big), big$v[big$h == 0], big$v[big$h == 1])
signrank("big_signrank", wilcox.test(big$v, mu = 0.25), big$v, mu = 0.25)
kw("big_kruskal", kruskal.test(v ~ factor(g), data = big), 5000)

# The errors and warnings R gives for the degenerate cases the slt tests
msg <- function(label, expr) cat("# ", label, ": ", tryCatch(withCallingHandlers({ r <- force(expr); sprintf("p = %s", fmt(r$p.value)) },
  warning = function(w) { cat("# ", label, " warns: ", conditionMessage(w), "\n", sep = ""); invokeRestart("muffleWarning") }),
  error = function(e) conditionMessage(e)), "\n", sep = "")
msg("ties_small", wilcox.test(score ~ arm, data = s30))
msg("one_zeros_small", wilcox.test(s30$score, mu = 3))
msg("all_tied", wilcox.test(c(2, 2, 2), c(2, 2)))
msg("all_zero", wilcox.test(c(1, 1, 1), mu = 1))
msg("kruskal_one_group", kruskal.test(c(1, 2, 3), c(1, 1, 1)))
msg("kruskal_all_tied", kruskal.test(c(4, 4, 4, 4), c(1, 1, 2, 2)))
msg("empty_y", wilcox.test(c(1, 2), numeric(0)))
msg("paired_exact_forced", wilcox.test(d$y, d$before, paired = TRUE, exact = TRUE))

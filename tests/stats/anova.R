# Expected values of tests/sql/stats_anova.slt (ANOVA), from R 4.2.2:
#   Rscript tests/stats/anova.R
# The data are built here by the same arithmetic as the slt's SQL (exact
# in doubles). car is not installed, so type II sums of squares come from
# nested lm fits compared with anova(): SS(g1 | g2) = RSS(y ~ g2) -
# RSS(y ~ g1 + g2), SS(g2 | g1) likewise, SS(g1:g2 | g1, g2) = RSS(y ~ g1 +
# g2) - RSS(y ~ g1 * g2), each F against the full model's residual mean
# square (what car::Anova(type = 2) computes).
#
# R's qtukey is documented as accurate to 4 decimals (its secant search
# stops at a step of 1e-4); its TukeyHSD intervals are off by about 1e-8
# relative. So the intervals expected here are diff -/+ q se with q solved
# from R's ptukey by uniroot to 1e-15, and the script prints how far
# TukeyHSD's own are from them.

p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = " "), "\n")

# ---- one-way, unbalanced (14, 14, 13 and 6 values), unequal spreads
r <- 0:46
gi <- ifelse(r %% 7 < 2, 0, ifelse(r %% 7 < 4, 1, ifelse(r %% 7 < 6, 2, 3)))
d1 <- data.frame(g = factor(c("a", "b", "c", "d")[gi + 1]),
                 y = 50 + ((r * 37) %% 23) * (1 + gi) / 4 + 3 * gi)
s <- summary(aov(y ~ g, d1))[[1]]
cat("# one-way: summary(aov(y ~ g, d1))\n")
p("df", s$Df); p("sum_sq", s$`Sum Sq`); p("mean_sq", s$`Mean Sq`)
p("f_value", s$`F value`[1]); p("p_value", s$`Pr(>F)`[1])
p("eta_sq", s$`Sum Sq`[1] / sum(s$`Sum Sq`))

cat("# Brown-Forsythe: anova(lm(abs(y - median of group) ~ g))\n")
z <- abs(d1$y - ave(d1$y, d1$g, FUN = median))
a <- anova(lm(z ~ d1$g)); p("df", a$Df); p("f_value", a$`F value`[1]); p("p_value", a$`Pr(>F)`[1])
cat("# Levene (mean): anova(lm(abs(y - mean of group) ~ g))\n")
z <- abs(d1$y - ave(d1$y, d1$g, FUN = mean))
a <- anova(lm(z ~ d1$g)); p("f_value", a$`F value`[1]); p("p_value", a$`Pr(>F)`[1])

cat("# Welch: oneway.test(y ~ g, d1, var.equal = FALSE)\n")
w <- oneway.test(y ~ g, d1, var.equal = FALSE)
p("statistic", w$statistic); p("num_df", w$parameter[1]); p("den_df", w$parameter[2]); p("p_value", w$p.value)

tukey <- function(fit, d, conf) {
  t <- TukeyHSD(fit, conf.level = conf)[[1]]
  k <- nlevels(d$g); df <- fit$df.residual
  q <- uniroot(function(x) ptukey(x, k, df) - conf, c(1, 20), tol = 1e-15)$root
  mse <- sum(fit$residuals^2) / df
  n <- table(d$g); pr <- combn(k, 2)
  se <- sqrt(mse / 2 * (1 / n[pr[1, ]] + 1 / n[pr[2, ]]))
  cat("#", rownames(t), "\n")
  p("diff", t[, "diff"]); p("p_adj", t[, "p adj"])
  p("ci_low", t[, "diff"] - q * se); p("ci_high", t[, "diff"] + q * se)
  p("qtukey_uniroot", q); p("qtukey_R", qtukey(conf, k, df))
  p("TukeyHSD_lwr_rel_diff", (t[, "lwr"] - (t[, "diff"] - q * se)) / (t[, "diff"] - q * se))
}
cat("# Tukey: TukeyHSD(aov(y ~ g, d1))\n")
tukey(aov(y ~ g, d1), d1, 0.95)
cat("# Tukey CONF 0.99: TukeyHSD(aov(y ~ g, d1), conf.level = 0.99)\n")
tukey(aov(y ~ g, d1), d1, 0.99)

# ---- two-way: 60 rows, a = r %% 3, b = r %% 4: 5 per cell (balanced)
r <- 0:59
d2 <- data.frame(r = r, a = factor(c("x", "y", "z")[r %% 3 + 1]), b = factor(paste0("p", r %% 4)),
                 y = 10 + ((r * 13) %% 17) / 2 + 2 * (r %% 3) + (r %% 4) * (r %% 3) / 2)
cat("# balanced, interaction: summary(aov(y ~ a * b, d2))\n")
s <- summary(aov(y ~ a * b, d2))[[1]]
p("df", s$Df); p("sum_sq", s$`Sum Sq`); p("mean_sq", s$`Mean Sq`)
p("f_value", s$`F value`[1:3]); p("p_value", s$`Pr(>F)`[1:3]); p("eta_sq", s$`Sum Sq`[1:3] / sum(s$`Sum Sq`))
cat("# balanced, additive: summary(aov(y ~ a + b, d2))\n")
s <- summary(aov(y ~ a + b, d2))[[1]]
p("df", s$Df); p("sum_sq", s$`Sum Sq`); p("mean_sq", s$`Mean Sq`)
p("f_value", s$`F value`[1:2]); p("p_value", s$`Pr(>F)`[1:2]); p("eta_sq", s$`Sum Sq`[1:2] / sum(s$`Sum Sq`))

type2 <- function(d, inter) {
  full <- if (inter) lm(y ~ a * b, d) else lm(y ~ a + b, d)
  add <- lm(y ~ a + b, d)
  rss <- function(m) sum(residuals(m)^2)
  ss <- c(rss(lm(y ~ b, d)) - rss(add), rss(lm(y ~ a, d)) - rss(add))
  dfs <- c(nlevels(d$a) - 1, nlevels(d$b) - 1)
  if (inter) { ss <- c(ss, anova(add, full)$`Sum of Sq`[2]); dfs <- c(dfs, anova(add, full)$Df[2]) }
  rdf <- full$df.residual; mse <- rss(full) / rdf
  f <- ss / dfs / mse
  # the same sums of squares as anova() of the nested fits
  chk <- c(anova(lm(y ~ b, d), add)$`Sum of Sq`[2], anova(lm(y ~ a, d), add)$`Sum of Sq`[2])
  stopifnot(all(abs(chk - ss[1:2]) <= 1e-9 * abs(ss[1:2])))
  sst <- sum((d$y - mean(d$y))^2)
  p("df", c(dfs, rdf)); p("sum_sq", c(ss, rss(full))); p("mean_sq", c(ss / dfs, mse))
  p("f_value", f); p("p_value", pf(f, dfs, rdf, lower.tail = FALSE)); p("eta_sq", ss / sst)
}
d3 <- d2[d2$r %% 5 != 0 & d2$r %% 11 != 3, ]
d3$a <- droplevels(d3$a); d3$b <- droplevels(d3$b)
cat("# unbalanced, interaction, type II (", nrow(d3), "rows; cells", table(d3$a, d3$b), ")\n")
type2(d3, TRUE)
cat("# unbalanced, additive, type II\n")
type2(d3, FALSE)
d4 <- d3[!(d3$a == "x" & d3$b == "p0"), ]
cat("# additive with an empty cell (a = x, b = p0), type II\n")
type2(d4, FALSE)

# ---- degenerate
cat("# a group of one value: summary(aov(y ~ g)) and TukeyHSD, y = 1 2 3 5 7, g = a b b c c\n")
d5 <- data.frame(y = c(1, 2, 3, 5, 7), g = factor(c("a", "b", "b", "c", "c")))
s <- summary(aov(y ~ g, d5))[[1]]
p("sum_sq", s$`Sum Sq`); p("f_value", s$`F value`[1]); p("p_value", s$`Pr(>F)`[1]); p("eta_sq", s$`Sum Sq`[1] / sum(s$`Sum Sq`))
tukey(aov(y ~ g, d5), d5, 0.95)
cat("# zero within variance: R's F is 3.3e30 from rounding (exact: Inf)\n")
d6 <- data.frame(y = c(1, 1, 2, 2, 3, 3), g = factor(c("a", "a", "b", "b", "c", "c")))
print(summary(aov(y ~ g, d6)))

# ---- a million rows: the F tail with 999997 residual degrees of freedom
# (GSL's gsl_cdf_fdist_Q returns 0 there; R's pf is exact)
r <- 0:999999
d7 <- data.frame(g = factor(c("a", "b", "c")[r %% 3 + 1]), y = ((r * 7919) %% 1000) / 10 + ifelse(r %% 3 == 2, 1, 0))
cat("# 1e6 rows: summary(aov(y ~ g, d7))\n")
s <- summary(aov(y ~ g, d7))[[1]]
p("sum_sq", s$`Sum Sq`); p("f_value", s$`F value`[1]); p("p_value", s$`Pr(>F)`[1])

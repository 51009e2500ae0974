# Expected values of tests/sql/stats_regress.slt (REGRESS), from R 4.2.2:
#   Rscript tests/stats/regress.R
# The data are built with the same arithmetic as the slt's table d (integer
# arithmetic, one exact division; R's %% binds tighter than *, hence the
# parentheses), so both hold the same doubles. Each block
# prints the slt rows of one query (tab-separated, 17 significant digits).
i <- 0:59
x <- ((i * 37) %% 100) / 10
z <- ((i * 53) %% 71) / 7
g <- c("a", "b", "c")[i %% 3 + 1]
flag <- (i %% 4) == 0
k <- i %% 3
e <- ((i * 7919) %% 101) / 50
y <- 3 + 0.5 * x - 0.2 * z + (g == "b") * 1.5 + e
w <- 2 * x + 1
xm <- ifelse(i %% 13 == 5, NA, x)
xn <- ifelse(i == 3, NaN, x)
day <- as.Date(ifelse(i %% 2 == 0, "2024-01-01", "2024-02-01"))
d <- data.frame(i, x, z, g, flag, k, e, y, w, xm, xn, day)

f <- function(v) ifelse(is.na(v), "NULL", sprintf("%.17g", v))

coefs <- function(m, level = 0.95) {
	cf <- coef(m)                       # NA where aliased
	s <- summary(m)$coefficients
	ci <- confint(m, level = level)
	for (t in names(cf)) {
		if (is.na(cf[t])) {
			cat(t, "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", sep = "\t")
		} else {
			cat(t, f(s[t, 1]), f(s[t, 2]), f(s[t, 3]), f(s[t, 4]), f(ci[t, 1]), f(ci[t, 2]), sep = "\t")
		}
		cat("\n")
	}
}

glance <- function(m) {
	s <- summary(m)
	fs <- s$fstatistic
	ll <- logLik(m)
	cat(f(s$r.squared), f(s$adj.r.squared), f(s$sigma), f(fs[1]),
	    f(pf(fs[1], fs[2], fs[3], lower.tail = FALSE)), fs[2], f(ll), f(AIC(m)), f(BIC(m)),
	    f(deviance(m)), df.residual(m), nobs(m), sep = "\t")
	cat("\n")
}

cat("# lm(y ~ x + z + g)\n");                 coefs(lm(y ~ x + z + g, data = d))
cat("# glance: lm(y ~ x + z + g)\n");         glance(lm(y ~ x + z + g, data = d))
cat("# lm(y ~ x + I(x^2) + I(x^3)), confint level 0.9\n"); coefs(lm(y ~ x + I(x^2) + I(x^3), data = d), 0.9)
cat("# lm(y ~ 0 + x + g)\n");                 coefs(lm(y ~ 0 + x + g, data = d))
cat("# glance: lm(y ~ 0 + x + g)\n");         glance(lm(y ~ 0 + x + g, data = d))
cat("# lm(y ~ 0 + x)\n");                     coefs(lm(y ~ 0 + x, data = d))
cat("# glance: lm(y ~ 0 + x)\n");             glance(lm(y ~ 0 + x, data = d))
cat("# lm(y ~ x + z + w) (w = 2x + 1: aliased)\n"); coefs(lm(y ~ x + z + w, data = d))
cat("# glance: lm(y ~ x + z + w)\n");         glance(lm(y ~ x + z + w, data = d))
cat("# lm(y ~ xm + flag + factor(k)) (xm has NAs)\n"); coefs(lm(y ~ xm + flag + factor(k), data = d))
cat("# glance: lm(y ~ xm + flag + factor(k))\n"); glance(lm(y ~ xm + flag + factor(k), data = d))
cat("# lm(y ~ x + g) over i < 20\n");         coefs(lm(y ~ x + g, data = d[d$i < 20, ]))
cat("# lm(y ~ xn) (xn NaN in one row)\n");   glance(lm(y ~ xn, data = d))
cat("# lm(y ~ I(k * 0)) (a zero column: aliased; no F)\n"); coefs(lm(y ~ I(k * 0), data = d))
cat("# glance: lm(y ~ I(k * 0)): r.squared, adj.r.squared, sigma, df.residual\n")
m <- lm(y ~ I(k * 0), data = d); s <- summary(m)
cat(f(s$r.squared), f(s$adj.r.squared), f(s$sigma), f(logLik(m)), f(AIC(m)), f(BIC(m)), f(deviance(m)), sep = "\t"); cat("\n")
cat("# lm(y ~ factor(day) + x) (a DATE term)\n"); coefs(lm(y ~ factor(day) + x, data = d))

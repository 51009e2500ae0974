# Standard errors for tests/unit/test_ml_linear.c from R (4.2.2): lm() and
# glm(binomial) on tests/ml/linear_data.csv. Run by tests/ml/linear_ref.py
# (Rscript tests/ml/linear_ref.R DATA.csv); prints "name v1 v2 ..." lines
# with the coefficients then the standard errors, intercept first.
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- y_reg ~ x1 + x2 + x3 + x4 + x5
fb <- y_bin ~ x1 + x2 + x3 + x4 + x5
out <- function(name, m) {
	s <- summary(m)$coefficients
	cat(name, "coef", sprintf("%.17g", s[, 1]), "\n")
	cat(name, "se", sprintf("%.17g", s[, 2]), "\n")
}
out("ols", lm(f, data = d))
out("ols_w", lm(f, data = d, weights = w))
out("ols_noint", lm(y_reg ~ 0 + x1 + x2 + x3 + x4 + x5, data = d))
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
out("logit_none", glm(fb, family = binomial, data = d, control = ctl))
# non-integer prior weights: R warns about "non-integer #successes", the
# fit is the weighted likelihood all the same
out("logit_none_w", suppressWarnings(glm(fb, family = binomial, data = d, weights = w, control = ctl)))

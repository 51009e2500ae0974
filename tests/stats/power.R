# Expected values of tests/sql/stats_power.slt, from R 4.2.2:
#   Rscript tests/stats/power.R
# Each case prints one line: its label, then POWER's columns (test, n,
# n_per_group, power, alpha, effect, baseline, sd, alternative) separated
# by tabs, numbers with 17 significant digits. POWER solves to full
# precision; R's uniroot stops at tol = .Machine$double.eps^0.25 (n to
# about 1e-4) by default, so the solving calls here pass tol = 1e-12.

fmt <- function(v) {
  if (is.null(v) || length(v) == 0 || is.na(v)) return("NULL")
  if (is.character(v)) return(v)
  sprintf("%.17g", v)
}
row <- function(label, ...) cat(label, "\t", paste(sapply(list(...), fmt), collapse = "\t"), "\n", sep = "")

prop <- function(label, r) row(label, "proportion", r$n, ceiling(r$n), r$power, r$sig.level, r$p2 - r$p1, r$p1, NA, r$alternative)
mean_ <- function(label, r) row(label, "mean", r$n, ceiling(r$n), r$power, r$sig.level, r$delta, NA, r$sd, r$alternative)

prop("prop_n", power.prop.test(p1 = 0.03, p2 = 0.035, power = 0.8, tol = 1e-12))
prop("prop_n_onesided", power.prop.test(p1 = 0.1, p2 = 0.12, sig.level = 0.01, power = 0.9, alternative = "one.sided", tol = 1e-12))
prop("prop_n_decrease", power.prop.test(p1 = 0.2, p2 = 0.15, power = 0.8, tol = 1e-12))
prop("prop_power", power.prop.test(n = 1000, p1 = 0.1, p2 = 0.12))
prop("prop_power_onesided", power.prop.test(n = 2500, p1 = 0.05, p2 = 0.06, sig.level = 0.1, alternative = "one.sided"))
prop("prop_mde", power.prop.test(n = 1000, p1 = 0.1, power = 0.8, tol = 1e-12))
prop("prop_mde_onesided", power.prop.test(n = 5000, p1 = 0.03, power = 0.9, alternative = "one.sided", tol = 1e-12))
prop("prop_n_tiny", power.prop.test(p1 = 0.1, p2 = 0.9, power = 0.8, tol = 1e-12))

mean_("mean_n", power.t.test(delta = 2, sd = 10, power = 0.8, tol = 1e-12))
mean_("mean_n_onesided", power.t.test(delta = 0.5, sd = 1.2, sig.level = 0.01, power = 0.95, alternative = "one.sided", tol = 1e-12))
mean_("mean_n_large", power.t.test(delta = 0.01, sd = 1, power = 0.8, tol = 1e-12))
mean_("mean_n_below_2", power.t.test(delta = 10, sd = 1, power = 0.8, tol = 1e-12))
mean_("mean_power", power.t.test(n = 100, delta = 2, sd = 10))
mean_("mean_power_negative", power.t.test(n = 100, delta = -2, sd = 10))
mean_("mean_power_onesided_wrong_way", power.t.test(n = 30, delta = -1, sd = 4, alternative = "one.sided"))
mean_("mean_mde", power.t.test(n = 100, sd = 10, power = 0.8, tol = 1e-12))
mean_("mean_mde_onesided", power.t.test(n = 40, sd = 3, power = 0.9, sig.level = 0.01, alternative = "one.sided", tol = 1e-12))

# R's own default tolerance, for the record: n agrees to about 1e-4
cat("# default tol: prop_n n =", sprintf("%.17g", power.prop.test(p1 = 0.03, p2 = 0.035, power = 0.8)$n),
    "mean_n n =", sprintf("%.17g", power.t.test(delta = 2, sd = 10, power = 0.8)$n), "\n")
# where R finds no p2 in [p1, 1] (it warns; wb stops with an error)
r <- withCallingHandlers(power.prop.test(n = 3, p1 = 0.5, power = 0.99),
  warning = function(w) { cat("# no_p2 warns:", conditionMessage(w), "\n"); invokeRestart("muffleWarning") })
cat("# no_p2: p2 =", r$p2, "\n")

# Expected values for tests/sql/stats_chisq.slt (CHISQ and FISHER).
# Run: Rscript tests/stats/chisq.R   (R 4.2.2)
# The data are the slt's, rebuilt from the same integer arithmetic; note
# that R's %% binds tighter than *, hence the parentheses.
g <- function(...) cat(paste(sapply(c(...), function(x) sprintf("%.17g", x)), collapse = "\t"), "\n", sep = "")
lab <- function(s) cat("# ", s, "\n", sep = "")

# ---- ct: SELECT range AS i, ... FROM range(400)
i <- 0:399
a <- ifelse(i %% 7 < 3, "lo", ifelse(i %% 7 < 5, "mid", "hi"))
b <- ifelse(((i * 13) %% 10) + (i %% 7) < 6, "x", ifelse(((i * 13) %% 10) < 8, "y", "z"))
s <- ((i * 13) %% 11) < 3 + (i %% 2) * 2
gr <- ifelse(i %% 2 == 0, "ctl", "trt")
cramer <- function(t) { x <- suppressWarnings(chisq.test(t, correct = FALSE)); sqrt(unname(x$statistic) / (sum(t) * (min(dim(t)) - 1))) }
row <- function(t, correct) {
	x <- suppressWarnings(chisq.test(t, correct = correct))
	g(x$statistic, x$parameter, x$p.value, sum(t), cramer(t), min(x$expected))
}

lab("chisq.test(table(a, b)): statistic df p_value n cramers_v min_expected")
row(table(a, b), FALSE)
lab("chisq.test(table(s, gr)) (Yates, R's default for 2 x 2)")
row(table(s, gr), TRUE)
lab("chisq.test(table(s, gr), correct = FALSE)")
row(table(s, gr), FALSE)
lab("chisq.test(table(a, s)) with CORRECT (3 x 2: no correction)")
row(table(a, s), TRUE)

# rows with i %% 11 == 0 have a NULL a2, WHERE i < 300
a2 <- ifelse(i %% 11 == 0, NA, a)
keep <- i < 300
lab("chisq.test(table(a2, b)[i < 300]) - NULLs dropped by table()")
row(table(a2[keep], b[keep]), FALSE)

lab("chisq.test(table(a)) - equal probabilities")
x <- chisq.test(table(a)); g(x$statistic, x$parameter, x$p.value, sum(table(a)), min(x$expected))
lab("chisq.test(table(b), p = c(0.5, 0.3, 0.2))")
x <- chisq.test(table(b), p = c(0.5, 0.3, 0.2)); g(x$statistic, x$parameter, x$p.value, min(x$expected))

# ---- small: FROM range(30): expected counts below 5
j <- 0:29
u <- ifelse(j %% 3 == 0, "p", ifelse(j %% 3 == 1, "q", "r"))
v <- ((j * 7) %% 10) < 2 + (j %% 3) * 2
lab("chisq.test(table(u, v)) small: statistic df p min_expected, and the count of E < 5")
x <- suppressWarnings(chisq.test(table(u, v))); g(x$statistic, x$parameter, x$p.value, min(x$expected), sum(x$expected < 5))

# ---- fisher.test. fisher.test finds the estimate and interval with
# uniroot()'s default tolerance (about 1e-4); the same function with the
# roots found to full precision gives the values wb must match (the
# p-value does not depend on it). Both are printed.
e <- new.env(parent = asNamespace("stats"))
e$uniroot <- function(f, interval, ...) stats::uniroot(f, interval, ..., tol = 1e-300, maxiter = 5000)
fisher_exact <- stats::fisher.test
environment(fisher_exact) <- e
frow <- function(t, ...) {
	x <- fisher_exact(t, ...)
	d <- stats::fisher.test(t, ...)
	g(x$estimate, x$p.value, x$conf.int[1], x$conf.int[2], sum(t))
	cat("#   default uniroot tolerance: ", sprintf("%.10g", c(d$estimate, d$p.value, d$conf.int)), "\n")
}
lab("fisher.test(table(s, gr)): estimate p_value ci_low ci_high n")
frow(table(s, gr))
lab("fisher.test(table(s, gr), alternative = 'less', conf.level = 0.9)")
frow(table(s, gr), alternative = "less", conf.level = 0.9)
lab("fisher.test(table(s, gr), alternative = 'greater')")
frow(table(s, gr), alternative = "greater")
# small table from range(30)
w <- (j %% 5) < 2
lab("fisher.test(table(v, w))")
frow(table(v, w))
# a zero cell: z = j < 6, h = j < 4
z <- j < 6
h <- j < 4
lab("fisher.test(table(h, z)) with a zero cell")
print(table(h, z))
frow(table(h, z))

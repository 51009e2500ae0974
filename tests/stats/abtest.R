# Expected values for tests/sql/stats_abtest.slt (ABTEST).
# Run: Rscript tests/stats/abtest.R   (R 4.2.2)
# The data are the slt's table ab, rebuilt from the same arithmetic (R's %%
# binds tighter than *, hence the parentheses).
g <- function(...) cat(paste(sapply(c(...), function(x) sprintf("%.17g", x)), collapse = "\t"), "\n", sep = "")
lab <- function(s) cat("# ", s, "\n", sep = "")

i <- 0:3999
variant <- ifelse(i %% 10 < 4, "A", ifelse(i %% 10 < 8, "B", "C"))
conv <- ((i * 37) %% 101) < ifelse(i %% 10 < 4, 10, ifelse(i %% 10 < 8, 14, 11))
pre <- 10 + ((i * 104729) %% 997) / 16.0
rev <- pre * 0.75 + ((i * 7919) %% 1000) / 32.0 + ifelse(variant == "B", 1.5, ifelse(variant == "C", 0.25, 0))
variant2 <- ifelse(i %% 13 == 0, NA, variant)
rev2 <- ifelse(i %% 17 == 0, NA, rev)

z <- qnorm(0.975)
# the delta method's interval of the relative lift m1 / m0 - 1
rel <- function(m1, m0, v1, v0, q = z) {
	r <- (m1 - m0) / m0
	se <- sqrt(v1 / m0^2 + m1^2 * v0 / m0^4)
	c(r, r - q * se, r + q * se)
}
# proportion row: n value control_n control_value lift_abs lo hi lift_rel lo hi statistic p_value
prop_row <- function(y, v, b, a, alpha = 0.05) {
	x1 <- sum(y[v == b]); n1 <- sum(v == b); x0 <- sum(y[v == a]); n0 <- sum(v == a)
	p1 <- x1 / n1; p0 <- x0 / n0
	pt <- suppressWarnings(prop.test(c(x1, x0), c(n1, n0), correct = FALSE, conf.level = 1 - alpha))
	zz <- sign(p1 - p0) * sqrt(unname(pt$statistic))
	q <- qnorm(1 - alpha / 2)
	c(n1, p1, n0, p0, p1 - p0, pt$conf.int, rel(p1, p0, p1 * (1 - p1) / n1, p0 * (1 - p0) / n0, q), zz, pt$p.value)
}
# mean row (Welch): ... statistic df p_value
mean_row <- function(y, v, b, a, alpha = 0.05) {
	y1 <- y[v == b]; y0 <- y[v == a]
	tt <- t.test(y1, y0, conf.level = 1 - alpha)
	q <- qnorm(1 - alpha / 2)
	c(length(y1), mean(y1), length(y0), mean(y0), mean(y1) - mean(y0), tt$conf.int,
	  rel(mean(y1), mean(y0), var(y1) / length(y1), var(y0) / length(y0), q), tt$statistic, tt$parameter, tt$p.value)
}
srm <- function(v, p) chisq.test(table(v), p = p)$p.value

ab2 <- variant != "C"
lab("proportion, A vs B: prop.test(c(xB, xA), c(nB, nA), correct = FALSE); z = sign * sqrt(X-squared); srm chisq.test(table(variant), p = c(.5, .5))")
g(prop_row(conv[ab2], variant[ab2], "B", "A"), srm(variant[ab2], c(0.5, 0.5)))
lab("same with SPLIT (0.6, 0.4): srm p-value")
g(srm(variant[ab2], c(0.6, 0.4)))
lab("proportion, ALPHA 0.01: conf.level = 0.99")
g(prop_row(conv[ab2], variant[ab2], "B", "A", 0.01))

lab("proportion, three variants, control A: rows B, C; then Holm p.adjust(c(pB, pC), 'holm'); srm against (0.4, 0.4, 0.2)")
rB <- prop_row(conv, variant, "B", "A"); rC <- prop_row(conv, variant, "C", "A")
g(rB); g(rC)
g(p.adjust(c(rB[12], rC[12]), "holm"), srm(variant, c(0.4, 0.4, 0.2)))

lab("mean, A vs B: t.test(rev[B], rev[A]): n value control_n control_value lift_abs lo hi rel lo hi t df p")
g(mean_row(rev[ab2], variant[ab2], "B", "A"))
lab("mean, three variants, CONTROL 'B': rows A, C; Holm")
rA <- mean_row(rev, variant, "A", "B"); rC <- mean_row(rev, variant, "C", "B")
g(rA); g(rC)
g(p.adjust(c(rA[13], rC[13]), "holm"))

lab("CUPED over A and B: theta = cov(rev, pre) / var(pre); 1 - var(adj) / var(rev); t.test(adj[B], adj[A])")
y <- rev[ab2]; x <- pre[ab2]; v <- variant[ab2]
theta <- cov(y, x) / var(x)
adj <- y - theta * (x - mean(x))
g(theta, 1 - var(adj) / var(y))
g(mean_row(adj, v, "B", "A"))

lab("NULL variant (i %% 13 == 0) and NULL metric (i %% 17 == 0) rows left out; A vs B mean; srm on rows with a variant")
keep <- !is.na(variant2) & variant2 != "C"
ok <- keep & !is.na(rev2)
g(mean_row(rev2[ok], variant2[ok], "B", "A"), srm(variant2[keep], c(0.5, 0.5)))

lab("SRM: WHERE NOT (variant = 'B' AND i % 5 = 0), A vs B: srm p-value")
k2 <- ab2 & !(variant == "B" & i %% 5 == 0)
g(srm(variant[k2], c(0.5, 0.5)))

lab("three variants with the default equal split: srm p-value")
g(srm(variant, c(1, 1, 1) / 3))
lab("control rate 0: metric (variant = 'B' AND conv), A vs B (the formula gives lift_rel Inf, NaN interval; wb: NaN, documented)")
m <- variant == "B" & conv
g(prop_row(m[ab2], variant[ab2], "B", "A"))
lab("both rates 0: prop.test gives NaN")
g(prop_row(rep(FALSE, sum(ab2)), variant[ab2], "B", "A"))

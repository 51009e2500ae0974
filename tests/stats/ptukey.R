# Expected values of tests/unit/test_ptukey.c from R 4.2.2:
#   Rscript tests/stats/ptukey.R
# ptukey where R is accurate (a few means, tails not tiny); qtukey's
# quantiles solved from R's ptukey by uniroot to 1e-15, since R's own
# qtukey stops its secant search at a step of 1e-4 (documented: "accurate
# to the 4th decimal place"; 1e-8 relative in practice). Where R's ptukey
# is not accurate (many means, small upper tails: it returns 1 - lower),
# the test uses high-precision values from tests/stats/ptukey_ref.py.
p <- function(...) cat(paste(sprintf("%.17g", c(...)), collapse = ", "), "\n")
cat("# q, k, df, ptukey lower, ptukey upper\n")
for (a in list(c(3.5, 3, 20), c(2, 5, 10), c(4, 4, 100), c(1, 2, 5), c(8, 3, 2), c(3, 3, Inf), c(4.5, 6, 30)))
  p(a, ptukey(a[1], a[2], a[3]), ptukey(a[1], a[2], a[3], lower.tail = FALSE))
cat("# p, k, df, uniroot quantile, R's qtukey\n")
for (a in list(c(0.95, 3, 20), c(0.95, 5, 10), c(0.9, 2, 5), c(0.95, 3, 2), c(0.99, 6, 30))) {
  q <- qtukey(a[1], a[2], a[3])
  u <- uniroot(function(x) ptukey(x, a[2], a[3]) - a[1], c(q - 0.01, q + 0.01), tol = 1e-15)$root
  p(a, u, q)
}

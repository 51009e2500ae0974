# Expected quartiles of tests/sql/stats_summarize.slt (R 4.2.2).
#
#   Rscript tests/stats/summarize.R
#
# DuckDB's SUMMARIZE estimates its quartiles (approx_quantile), so the
# slt takes the rest of its expected values from DuckDB and these from R:
# quantile(type = 7), which is DuckDB's and wb's exact quantile_cont. The
# data is the slt's table t, built with the same arithmetic (i = 0..599).
f <- function(v) cat(sprintf("%.17g", v), "\n")
i <- 0:599
id <- i
x <- ((i * 7919) %% 1000) / 8
k <- ifelse(i %% 7 == 0, NA, (i * 31) %% 97)
for (v in list(id, x, k)) {
	f(unname(quantile(v, c(0.25, 0.5, 0.75), type = 7, na.rm = TRUE)))
	f(c(mean(v, na.rm = TRUE), sd(v, na.rm = TRUE)))
}
cat("# the rows with id < 100 (WHERE): quantile(x[i < 100], c(.25, .5, .75)), and of id\n")
f(unname(quantile(x[i < 100], c(0.25, 0.5, 0.75), type = 7)))
f(unname(quantile(id[i < 100], c(0.25, 0.5, 0.75), type = 7)))
cat("# their means: mean(x[i < 100]), mean(id[i < 100])\n")
f(c(mean(x[i < 100]), mean(id[i < 100])))

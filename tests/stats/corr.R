# Expected values of tests/sql/stats_corr.slt (CORR), from R 4.2.2:
#   Rscript tests/stats/corr.R
# The data are built with the same arithmetic as the slt's tables (integer
# arithmetic, one exact division; R's %% binds tighter than *, hence the
# parentheses). Each block prints the slt rows of one query: x, y,
# estimate, statistic, df, p_value, ci_low, ci_high, n, method from
# cor.test(a, b, method = ..., conf.level = ...) on the pairwise complete
# rows, 17 significant digits.
i <- 0:59
x <- ((i * 37) %% 100) / 10
z <- ((i * 53) %% 71) / 7
g <- c("a", "b", "c")[i %% 3 + 1]
k <- i %% 3
e <- ((i * 7919) %% 101) / 50
y <- 3 + 0.5 * x - 0.2 * z + (g == "b") * 1.5 + e
xm <- ifelse(i %% 13 == 5, NA, x)
d <- data.frame(i, x, z, k, y, xm)

# 2000 rows: u (97 distinct values) and v with ties, s and s2 without
j <- 0:1999
big <- data.frame(j, u = ((j * 7) %% 97) / 4, v = ((j * 13) %% 89) / 8 + ((j * 7) %% 97) / 40,
                  s = ((j * 1103) %% 2003) / 3, s2 = ((j * 1511) %% 2003) / 7)

f <- function(v) ifelse(is.null(v) || is.na(v), "NULL", sprintf("%.17g", v))
pairs <- function(data, vars, method = "pearson", conf = 0.95) {
	for (a in 1:(length(vars) - 1)) for (b in (a + 1):length(vars)) {
		u <- data[[vars[a]]]; w <- data[[vars[b]]]
		ok <- complete.cases(u, w)
		t <- suppressWarnings(cor.test(u[ok], w[ok], method = method, conf.level = conf))
		ci <- if (is.null(t$conf.int)) c(NA, NA) else t$conf.int
		df <- if (is.null(t$parameter)) "NULL" else t$parameter
		cat(vars[a], vars[b], f(t$estimate), f(t$statistic), df, f(t$p.value), f(ci[1]), f(ci[2]),
		    sum(ok), t$method, sep = "\t")
		cat("\n")
	}
}

cat("# pearson x z y xm\n");              pairs(d, c("x", "z", "y", "xm"))
cat("# pearson x y conf 0.9\n");          pairs(d, c("x", "y"), conf = 0.9)
cat("# pearson x y, i < 4 (n = 4)\n");    pairs(d[d$i < 4, ], c("x", "y"))
cat("# pearson x y, i < 3 (n = 3: no interval)\n"); pairs(d[d$i < 3, ], c("x", "y"))
cat("# spearman x z y (n = 60, no ties: AS 89 Edgeworth)\n"); pairs(d, c("x", "z", "y"), "spearman")
cat("# spearman x z y, i < 8 (exact)\n"); pairs(d[d$i < 8, ], c("x", "z", "y"), "spearman")
cat("# spearman z y xm (pairwise complete)\n"); pairs(d, c("z", "y", "xm"), "spearman")
cat("# spearman x k y (ties: t)\n");      pairs(d, c("x", "k", "y"), "spearman")
cat("# kendall x z y (n = 60: z)\n");     pairs(d, c("x", "z", "y"), "kendall")
cat("# kendall x z y, i < 30 (exact T)\n"); pairs(d[d$i < 30, ], c("x", "z", "y"), "kendall")
cat("# kendall x k, i < 30 (ties: z)\n"); pairs(d[d$i < 30, ], c("x", "k"), "kendall")
cat("# big: spearman u v s s2\n");        pairs(big, c("u", "v", "s", "s2"), "spearman")
cat("# big: kendall u v s\n");            pairs(big, c("u", "v", "s"), "kendall")
cat("# big: pearson u v s\n");            pairs(big, c("u", "v", "s"))

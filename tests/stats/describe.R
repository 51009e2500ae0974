# DESCRIBE STATS: the t confidence intervals of the mean in tests/sql/stats_describe.slt.
# Rscript tests/stats/describe.R (R 4.2.2); the data is the slt's table t.
i <- 0:99; g <- i %% 3; x <- ((i * 7919) %% 1000) / 10 + (i %% 3) * 5; x[i %% 17 == 5] <- NA
for (k in 0:2) { ci <- t.test(x[g == k])$conf.int; cat(sprintf('%.17g %.17g\n', ci[1], ci[2])) }
ci <- t.test(x)$conf.int; cat(sprintf('%.17g %.17g\n', ci[1], ci[2]))
ci <- t.test(x, conf.level = 0.99)$conf.int; cat(sprintf('%.17g %.17g\n', ci[1], ci[2]))

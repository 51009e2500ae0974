# Expected values of tests/sql/stats_bootstrap.slt (R 4.2.2, boot 1.3-28.1).
#
#   Rscript tests/stats/bootstrap.R
#
# The data is the slt's table t, built here with the same arithmetic:
#   i = 0..199, g = a/b/c by i %% 3, x = (i * 7919 %% 1000) / 10 + i %% 7,
#   k = (i * 31) %% 50 (NA when i %% 9 == 0), flag = (i * 13) %% 10 < 3,
#   s = 'v' || i %% 5 (NA when i %% 4 == 0).
#
# Resamples cannot be compared with R's (wb draws with GSL's mt19937, R
# with its own generator), so the replicates wb drew (N 999, SEED 2024,
# written with WB_THREADS=1 by the COPY statements in the slt's comments)
# are in tests/data/stats/bootstrap_reps*.csv; this script puts them into
# boot objects in place of R's own (b$t) and computes what wb reports from
# them: bias = mean(t) - t0, std_error = sd(t), and boot.ci()'s "perc",
# "basic" and "bca" intervals, the BCa one with the jackknife influence
# values L = empinf(b, type = "jack").
suppressMessages(library(boot))
f <- function(v) cat(sprintf("%.17g", v), "\n")

i <- 0:199
g <- c("a", "b", "c")[i %% 3 + 1]
x <- ((i * 7919) %% 1000) / 10 + i %% 7
k <- ifelse(i %% 9 == 0, NA, (i * 31) %% 50)
flag <- as.numeric((i * 13) %% 10 < 3)
s <- ifelse(i %% 4 == 0, NA, paste0("v", i %% 5))
kk <- k[!is.na(k)]

cat("# estimates: mean(x), sum(k), count(s), median(x), quantile(x, .9, type = 7),\n")
cat("# quantile(x, .9, type = 1), sd(x), var(x), min(x), max(x), mean(flag)\n")
f(mean(x)); f(sum(kk)); f(sum(!is.na(s))); f(median(x))
f(unname(quantile(x, 0.9, type = 7))); f(unname(quantile(x, 0.9, type = 1)))
f(sd(x)); f(var(x)); f(min(x)); f(max(x)); f(mean(flag))
cat("# sum(x[i < 10])\n")
f(sum(x[i < 10]))
cat("# tapply(x, g, mean)\n")
f(tapply(x, g, mean))

reps <- read.csv("tests/data/stats/bootstrap_reps.csv")
one <- function(label, data, stat, t, conf = 0.95) {
	set.seed(1)
	b <- boot(data, stat, R = length(t))
	b$t[, 1] <- t
	ci <- boot.ci(b, conf = conf, type = c("perc", "basic"))
	# bca.ci stops where the adjustment is infinite (no replicate below
	# the estimate, as for min): wb reports NaN there
	bca <- tryCatch(boot.ci(b, conf = conf, type = "bca", L = empinf(b, type = "jack"))$bca[4:5],
		error = function(e) c(NaN, NaN))
	cat("#", label, "conf", conf, ": estimate, bias, std_error, perc lo/hi, basic lo/hi, bca lo/hi\n")
	f(b$t0); f(mean(t) - b$t0); f(sd(t))
	f(ci$percent[4:5]); f(ci$basic[4:5]); f(bca)
}
one("avg(x)", x, function(d, j) mean(d[j]), reps$avg_x)
one("avg(x)", x, function(d, j) mean(d[j]), reps$avg_x, conf = 0.9)
one("median(x)", x, function(d, j) median(d[j]), reps$median_x)
one("sd(x)", x, function(d, j) sd(d[j]), reps$sd_x)
one("var_samp(x)", x, function(d, j) var(d[j]), reps$var_x)
one("quantile_disc(x, 0.9)", x, function(d, j) unname(quantile(d[j], 0.9, type = 1)), reps$q90disc_x)
one("quantile_cont(x, 0.25)", x, function(d, j) unname(quantile(d[j], 0.25, type = 7)), reps$q25cont_x)
one("count(s)", s, function(d, j) sum(!is.na(d[j])), reps$count_s)
one("sum(k)", kk, function(d, j) sum(d[j]), reps$sum_k)
one("max(x)", x, function(d, j) max(d[j]), reps$max_x)
one("min(x)", x, function(d, j) min(d[j]), reps$min_x)
one("avg(flag)", flag, function(d, j) mean(d[j]), reps$avg_flag)

by <- read.csv("tests/data/stats/bootstrap_reps_by.csv")
for (lv in c("a", "b", "c")) {
	xs <- x[g == lv]
	t <- by$value[by$g == lv]
	b <- boot(xs, function(d, j) mean(d[j]), R = length(t))
	b$t[, 1] <- t
	ci <- boot.ci(b, conf = 0.95, type = "perc")
	cat("# avg(x) BY g, group", lv, ": estimate, bias, std_error, perc lo/hi\n")
	f(b$t0); f(mean(t) - b$t0); f(sd(t)); f(ci$percent[4:5])
}
cat("# the degenerate table dg: sd(c(1, 2, 4)) (group a)\n")
f(sd(c(1, 2, 4)))

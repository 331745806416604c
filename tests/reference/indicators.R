# Reference values for tests/unit/test_indicators.c and tests/unit/test_agg.c.
# Run: Rscript tests/reference/indicators.R   (needs r-cran-survival for the KM part)
options(digits = 15)

# Wilson 95% intervals: prop.test without continuity correction.
for (xn in list(c(7, 20), c(0, 10), c(10, 10), c(1, 3), c(45, 120))) {
	ci <- prop.test(xn[1], xn[2], correct = FALSE)$conf.int
	cat(sprintf("wilson x=%g n=%g lo=%.15f hi=%.15f\n", xn[1], xn[2], ci[1], ci[2]))
}

# Kaplan-Meier medians.
library(survival)
km <- function(time, status) {
	s <- summary(survfit(Surv(time, status) ~ 1))$table["median"]
	cat(sprintf("km time=%s status=%s median=%.15g\n", paste(time, collapse = " "),
		    paste(status, collapse = " "), s))
}
km(c(2, 3, 5, 7, 9), c(1, 0, 1, 0, 1))   # 5 durations, 2 censored
km(c(1, 2, 3, 4), c(1, 1, 1, 1))         # S = 0.5 exactly at 2
km(c(4, 4, 6, 8, 8, 10), c(1, 0, 1, 1, 0, 0)) # ties, censoring at an event time
km(c(5, 6, 7), c(1, 0, 0))               # never reaches 0.5: NA
km(c(20, 49), c(1, 0))                   # S = 0.5 at 20, no later event: 20

# Sample mean and variance (for the moments and Chan's update).
x <- c(3, 7, 7, 19, 2, 5)
cat(sprintf("mean=%.15g var=%.15g median=%.15g\n", mean(x), var(x), median(x)))

# Mismatch, 3 sectors; HHI of 3 employers.
u <- c(50, 30, 20); v <- c(20, 30, 50)
cat(sprintf("jackman_roper=%.15g sstv=%.15g\n", sum(abs(u / sum(u) - v / sum(v))) / 2,
	    1 - sum((v / sum(v))^0.5 * (u / sum(u))^0.5)))
e <- c(5, 3, 2)
cat(sprintf("hhi=%.15g equivalent=%.15g\n", sum((100 * e / sum(e))^2), 10000 / sum((100 * e / sum(e))^2)))

# Reference values for lmi evaluate (tests/cli/t0620-evaluate.sh).  Model: glm(am ~ wt + hp)
# on R's built-in mtcars (1974 Motor Trend; see model_mtcars.R), evaluated in-sample and by cyl.
# Run from the repository root:  Rscript tests/reference/model_evaluate.R
options(digits = 12)
suppressMessages(library(pROC))   # Debian package r-cran-proc
f <- glm(am ~ wt + hp, family = binomial, data = mtcars)
p <- unname(fitted(f)); y <- mtcars$am

delong <- function(p, y) {          # DeLong et al. 1988, written out in base R
	x1 <- p[y == 1]; x0 <- p[y == 0]
	psi <- function(a, b) (a > b) + 0.5 * (a == b)
	v10 <- sapply(x1, function(a) mean(psi(a, x0)))
	v01 <- sapply(x0, function(b) mean(psi(x1, b)))
	c(auc = mean(v10), se = sqrt(var(v10) / length(x1) + var(v01) / length(x0)))
}
hl <- function(p, y, g = 10) {      # groups of ranks floor(r * g / n), ties in input order
	o <- order(p); n <- length(p)
	grp <- integer(n); grp[o] <- floor((seq_len(n) - 1) * g / n)
	O <- tapply(y, grp, sum); E <- tapply(p, grp, sum); m <- tapply(p, grp, length)
	s <- sum((O - E)^2 / (E * (1 - E / m)))
	list(stat = s, p = pchisq(s, g - 2, lower.tail = FALSE), n = m, meanp = E / m, obs = O / m)
}
card <- function(p, y, label) {
	r <- roc(y, p, quiet = TRUE, direction = "<")
	d <- delong(p, y)
	cat("==", label, "\n")
	cat("n", length(y), "prevalence", mean(y), "mean_predicted", mean(p), "\n")
	cat("pROC auc", auc(r), "var.delong", var(r, method = "delong"),
	    "ci", ci.auc(r, method = "delong"), "\n")
	cat("base auc", d[["auc"]], "se", d[["se"]], "\n")
	cat("brier", mean((p - y)^2), "log_loss", -mean(y * log(p) + (1 - y) * log(1 - p)), "\n")
	if (length(unique(y)) > 1) {
		cal <- suppressWarnings(glm(y ~ qlogis(p), family = binomial))
		cat("calibration intercept", coef(cal)[1], "slope", coef(cal)[2], "\n")
	}
	for (t in c(0.2, 0.5)) {
		pr <- p >= t
		cat("at", t, "tp", sum(pr & y == 1), "fp", sum(pr & y == 0), "tn", sum(!pr & y == 0),
		    "fn", sum(!pr & y == 1), "fpr", sum(pr & y == 0) / sum(y == 0),
		    "fnr", sum(!pr & y == 1) / sum(y == 1), "\n")
	}
}
card(p, y, "all")
h <- hl(p, y)
cat("HL", h$stat, "p", h$p, "\n"); print(rbind(n = h$n, meanp = h$meanp, obs = h$obs))
for (c in c(4, 6, 8)) {
	s <- mtcars$cyl == c
	if (sum(y[s]) >= 2 && sum(1 - y[s]) >= 2) card(p[s], y[s], paste("cyl", c))
	else cat("== cyl", c, "n", sum(s), "positives", sum(y[s]), "(AUC undefined)\n")
}
cat("== fitted probabilities of am ~ wt + factor(cyl) (ref 4) for the first three cars\n")
mt <- mtcars; mt$cyl <- factor(mt$cyl)
print(head(fitted(glm(am ~ wt + cyl, family = binomial, data = mt)), 3), digits = 12)

# Reference values for a held-out check of lmi train / evaluate / score on real labour data
# (tests/cli/t0630-swisslabor.sh).  Data: SwissLabor from the AER package (Debian
# r-cran-aer; GPL-2 | GPL-3): 872 women from the 1981 Swiss health survey (SOMIPOPS), labour
# force participation with log non-labour income, age/10, years of education, young and
# old children and a foreign flag (Gerfin 1996, Journal of Applied Econometrics 11: 321-339).
# Every third row is held out for evaluation; the rest is used to fit.
# Run from the repository root:  Rscript tests/reference/model_swisslabor.R
options(digits = 12)
suppressMessages(library(AER))
suppressMessages(library(pROC))   # Debian package r-cran-proc
data("SwissLabor", package = "AER")
d <- SwissLabor
d$y <- as.integer(d$participation == "yes")
d$split <- ifelse(seq_len(nrow(d)) %% 3 == 0, "test", "train")
# write.csv keeps R's row names as a first column with an empty name, as R users export.
write.csv(d, "tests/cli/data/model-swisslabor.csv")

tr <- d[d$split == "train", ]
te <- d[d$split == "test", ]
f <- glm(y ~ income + age + education + youngkids + oldkids + foreign, family = binomial,
	 data = tr)
cat("== fit on", nrow(tr), "rows\n")
print(summary(f)$coefficients)
cat("residual deviance", format(f$deviance, digits = 12), "null deviance",
    format(f$null.deviance, digits = 12), "AIC", format(f$aic, digits = 12),
    "iterations", f$iter, "\n")

p <- unname(predict(f, te, type = "response"))
y <- te$y
r <- roc(y, p, quiet = TRUE, direction = "<")
cat("== held out:", length(y), "rows,", sum(y), "positives\n")
cat("auc", format(as.numeric(auc(r)), digits = 12),
    "se.delong", format(sqrt(var(r, method = "delong")), digits = 12), "\n")
cat("brier", format(mean((p - y)^2), digits = 12),
    "logloss", format(-mean(y * log(p) + (1 - y) * log(1 - p)), digits = 12), "\n")
cat("== first three held-out rows: R row name and predicted probability\n")
print(data.frame(row = rownames(te)[1:3], p = p[1:3]))

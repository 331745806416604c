# Reference values for lmi train on string levels (tests/cli/t0600-train.sh).
# Data: R's built-in infert (datasets package, GPL): a matched case-control study of
# infertility after spontaneous and induced abortion (Trichopoulos et al., 1976).
# Run from the repository root:  Rscript tests/reference/model_infert.R
options(digits = 12)
d <- infert[, c("education", "age", "parity", "induced", "case", "spontaneous")]
write.csv(d, "tests/cli/data/model-infert.csv", row.names = FALSE)
cat("== case ~ age + parity + induced + spontaneous + education (reference 0-5yrs)\n")
f <- glm(case ~ age + parity + induced + spontaneous + education, family = binomial, data = d)
print(summary(f)$coefficients)
cat("residual deviance", format(f$deviance, digits = 12), "AIC", format(f$aic, digits = 12),
    "iterations", f$iter, "\n")
cat("== the same with reference 12+ yrs, induced and spontaneous as factors (reference 0)\n")
d$education <- relevel(d$education, ref = "12+ yrs")
f <- glm(case ~ age + parity + factor(induced) + factor(spontaneous) + education,
	 family = binomial, data = d)
print(summary(f)$coefficients)

# Reference values for lmi train (tests/cli/t0600-train.sh, tests/unit/test_model.c).
# Data: R's built-in mtcars (Henderson and Velleman 1981, from the 1974 Motor Trend
# US magazine; ships with R, datasets package, GPL).  Run from the repository root:
#   Rscript tests/reference/model_mtcars.R
# It rewrites tests/cli/data/model-mtcars.csv and prints coefficients, standard
# errors, deviances and AIC with 12 significant digits.
options(digits = 12)
d <- cbind(model = rownames(mtcars), mtcars)
write.csv(d, "tests/cli/data/model-mtcars.csv", row.names = FALSE)

show <- function(f) {
	s <- summary(f)
	print(s$coefficients)
	cat("null deviance", format(f$null.deviance, digits = 12), "on", f$df.null, "df\n")
	cat("residual deviance", format(f$deviance, digits = 12), "on", f$df.residual, "df\n")
	cat("AIC", format(f$aic, digits = 12), " iterations", f$iter, "\n")
	cat("colMeans(model.matrix)\n")
	print(colMeans(model.matrix(f)))
}

cat("== case 1: am ~ wt + hp\n")
f1 <- glm(am ~ wt + hp, family = binomial, data = mtcars)
show(f1)

cat("== case 2: am ~ wt + factor(cyl), reference level 4\n")
mt <- mtcars
mt$cyl <- relevel(factor(mt$cyl), ref = "4")
f2 <- glm(am ~ wt + cyl, family = binomial, data = mt)
show(f2)

cat("== case 3: am ~ wt + factor(cyl), reference level 8\n")
mt$cyl <- relevel(factor(mtcars$cyl), ref = "8")
f3 <- glm(am ~ wt + cyl, family = binomial, data = mt)
show(f3)
cat("== case 4: vs ~ mpg, subset gear == 4 (lmi train --where gear=4)\n")
f4 <- glm(vs ~ mpg, family = binomial, data = mtcars, subset = gear == 4)
show(f4)

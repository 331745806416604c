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

cat("== case 5: --missing indicator: hp blanked in rows 3 and 7, imputed by the mean of the rest\n")
na <- d
na$hp[c(3, 7)] <- NA
write.csv(na, "tests/cli/data/model-mtcars-na.csv", row.names = FALSE, na = "")
hpi <- ifelse(is.na(na$hp), mean(na$hp, na.rm = TRUE), na$hp)
miss <- as.numeric(is.na(na$hp))
f5 <- glm(na$am ~ na$wt + hpi + miss, family = binomial)
show(f5)
cat("imputed mean", mean(na$hp, na.rm = TRUE), "\n")

cat("== case 6: ridge, am ~ wt + hp, minimising deviance/2 + (lambda/2) * (b_wt^2 + b_hp^2), lambda = 1\n")
X <- cbind(1, mtcars$wt, mtcars$hp); y <- mtcars$am; lambda <- 1
obj <- function(b) { eta <- X %*% b; -sum(y * eta - log1p(exp(eta))) + lambda / 2 * sum(b[-1]^2) }
grad <- function(b) { mu <- plogis(X %*% b); -t(X) %*% (y - mu) + lambda * c(0, b[-1]) }
o <- optim(c(0, 0, 0), obj, grad, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))
print(o$par)

cat("== points: factor = 50 / log(2), offset = 600 - factor * log(19), case 2 coefficients\n")
factor <- 50 / log(2); offset <- 600 - factor * log(19); b <- coef(f2)
print(c(factor = factor, offset = offset, base = offset - factor * b[[1]],
	wt = -factor * b[["wt"]], cyl6 = -factor * b[["cyl6"]], cyl8 = -factor * b[["cyl8"]]))

cat("== case 1 summary as lmi-train prints it (formats %14.7g %14.7g %10.4g %12.4g, deviances %.6g)\n")
s <- summary(f1)$coefficients
cat("Coefficients:\n", sprintf("%-11s %14s %14s %10s %12s\n", "", "Estimate", "Std. Error",
	"z value", "Pr(>|z|)"), sep = "")
for (i in seq_len(nrow(s)))
	cat(sprintf("%-11s %14.7g %14.7g %10.4g %12.4g\n", rownames(s)[i], s[i, 1], s[i, 2], s[i, 3],
		s[i, 4]), sep = "")
cat(sprintf("\n    Null deviance: %.6g  on %d  degrees of freedom\n", f1$null.deviance, f1$df.null))
cat(sprintf("Residual deviance: %.6g  on %d  degrees of freedom\n", f1$deviance, f1$df.residual))
cat(sprintf("AIC: %.6g\n\nNumber of Fisher Scoring iterations: %d\n", f1$aic, f1$iter))

cat("== case 7: --standardize: am ~ scale(wt) + scale(hp) + factor(cyl); sd of wt and hp\n")
f7 <- glm(am ~ scale(wt) + scale(hp) + factor(cyl), family = binomial, data = mtcars)
print(summary(f7)$coefficients)
print(c(sd_wt = sd(mtcars$wt), sd_hp = sd(mtcars$hp)))

# Reference for tests/unit/test_link.c: the Fellegi-Sunter EM of lib/link.c
# (lmi_fs_em) written again in base R from its description in lib/link.h.
# Run: Rscript tests/reference/link_em.R
#
# Model: conditional independence; levels 0..L-1 per field, NA = missing
# (left out of the products and of that field's M-step).  Start: top level
# m = 0.9, u = 0.1, other levels m = 0.1/(L-1), u = 0.9/(L-1); lambda = 0.1.
# Rows flagged `fixed` are known non-matches (posterior 0).  After each M-step
# probabilities are floored at 1e-6 and renormalised per field; lambda is kept
# in [1e-12, 1 - 1e-6].  Stop when |ll - ll_prev| <= tol * |ll|.

em <- function(pat, n, fixed, nlev, tol = 1e-10, maxiter = 1000) {
  nf <- ncol(pat)
  m <- lapply(nlev, function(L) c(rep(0.1 / (L - 1), L - 1), 0.9))
  u <- lapply(nlev, function(L) c(rep(0.9 / (L - 1), L - 1), 0.1))
  lambda <- 0.1
  it <- 0
  prev <- 0
  repeat {
    pm <- rep(lambda, nrow(pat))
    pu <- rep(1 - lambda, nrow(pat))
    for (k in 1:nf) {
      ok <- !is.na(pat[, k])
      pm[ok] <- pm[ok] * m[[k]][pat[ok, k] + 1]
      pu[ok] <- pu[ok] * u[[k]][pat[ok, k] + 1]
    }
    g <- ifelse(fixed, 0, pm / (pm + pu))
    ll <- sum(n * log(ifelse(fixed, pu, pm + pu)))
    if (it > 0 && abs(ll - prev) <= tol * abs(ll)) break
    if (it >= maxiter) break
    prev <- ll
    lambda <- min(max(sum(n * g) / sum(n), 1e-12), 1 - 1e-6)
    for (k in 1:nf) {
      ok <- !is.na(pat[, k])
      sm <- sapply(0:(nlev[k] - 1), function(l) sum((n * g)[ok & pat[, k] == l]))
      su <- sapply(0:(nlev[k] - 1), function(l) sum((n * (1 - g))[ok & pat[, k] == l]))
      if (sum(sm) > 0) { x <- pmax(sm / sum(sm), 1e-6); m[[k]] <- x / sum(x) }
      if (sum(su) > 0) { x <- pmax(su / sum(su), 1e-6); u[[k]] <- x / sum(x) }
    }
    it <- it + 1
  }
  list(lambda = lambda, m = m, u = u, iterations = it, loglik = ll)
}

show <- function(r) {
  cat(sprintf("lambda %.12g\nloglik %.12g\niterations %d\n", r$lambda, r$loglik, r$iterations))
  for (k in seq_along(r$m)) {
    cat(sprintf("m[%d] %s\n", k - 1, paste(sprintf("%.12g", r$m[[k]]), collapse = " ")))
    cat(sprintf("u[%d] %s\n", k - 1, paste(sprintf("%.12g", r$u[[k]]), collapse = " ")))
  }
}

if (!exists("LINK_EM_ONLY")) {
# Case 1: three fields (binary, 3 levels, binary with missing values), the
# same table as test_link.c's `case1`.
pat <- matrix(c(
  1, 2, 1,
  1, 2, 0,
  1, 1, 1,
  0, 2, 1,
  1, 0, NA,
  0, 0, 0,
  0, 1, 0,
  1, 0, 0,
  0, 0, 1,
  0, 2, NA,
  1, 2, NA,
  0, 0, NA), ncol = 3, byrow = TRUE)
n <- c(40, 6, 5, 4, 7, 300, 30, 25, 20, 3, 9, 50)
cat("case1\n")
show(em(pat, n, rep(FALSE, nrow(pat)), c(2, 3, 2)))

# Case 2: the same candidate table plus known non-matches (pairs outside the
# blocks) standing for 5000 pairs.
xpat <- matrix(c(
  0, 0, 0,
  0, 0, 1,
  1, 0, 0,
  0, 1, 0,
  0, 0, NA), ncol = 3, byrow = TRUE)
xn <- c(3500, 600, 500, 300, 100)
cat("case2\n")
show(em(rbind(pat, xpat), c(n, xn), c(rep(FALSE, nrow(pat)), rep(TRUE, nrow(xpat))), c(2, 3, 2)))
}

# Reference for tests/cli/t0800-link.sh "weights-match-r": the whole of
#   lmi link --id claim_id=enrollment_id --fields name:jw,birth_date:date,sex,region \
#            --block sex link-claims.csv link-training.csv
# written again in base R from lmi-link(1): comparators, blocking, EM with the
# pairs outside the block as known non-matches, weights, probabilities, order.
# Run from the top folder: Rscript tests/reference/link_golden.R
LINK_EM_ONLY <- TRUE
source("tests/reference/link_em.R")

a <- read.csv("tests/cli/data/link-claims.csv", colClasses = "character", na.strings = NULL)
b <- read.csv("tests/cli/data/link-training.csv", colClasses = "character", na.strings = NULL)

norm <- function(s) toupper(gsub("[ \t]+", " ", trimws(s)))

jaro <- function(s, t) {
  x <- utf8ToInt(s); y <- utf8ToInt(t)
  n <- length(x); m <- length(y)
  if (n == 0 && m == 0) return(1)
  if (n == 0 || m == 0) return(0)
  w <- max(0, floor(max(n, m) / 2) - 1)
  mx <- rep(FALSE, n); my <- rep(FALSE, m)
  for (i in 1:n) {
    lo <- max(1, i - w); hi <- min(m, i + w)
    if (lo > hi) next
    for (j in lo:hi) if (!my[j] && x[i] == y[j]) { mx[i] <- TRUE; my[j] <- TRUE; break }
  }
  k <- sum(mx)
  if (k == 0) return(0)
  t2 <- sum(x[mx] != y[my]) / 2
  (k / n + k / m + (k - t2) / k) / 3
}
jw <- function(s, t) {
  j <- jaro(s, t)
  if (j <= 0.7) return(j)
  x <- utf8ToInt(s); y <- utf8ToInt(t); l <- 0
  while (l < 4 && l < length(x) && l < length(y) && x[l + 1] == y[l + 1]) l <- l + 1
  j + l * 0.1 * (1 - j)
}
lev_jw <- function(s, t) {
  s <- norm(s); t <- norm(t)
  if (s == "" || t == "") return(NA)
  if (s == t) return(3)
  v <- jw(s, t)
  if (v >= 0.92) 2 else if (v >= 0.85) 1 else 0
}
lev_exact <- function(s, t) {
  s <- norm(s); t <- norm(t)
  if (s == "" || t == "") return(NA)
  if (s == t) 1 else 0
}
lev_date <- function(s, t) {
  if (s == "" || t == "") return(NA)
  p <- as.integer(strsplit(s, "-")[[1]]); q <- as.integer(strsplit(t, "-")[[1]])
  if (all(p == q)) return(4)
  if (p[1] == q[1] && p[2] == q[3] && p[3] == q[2]) return(3)
  if (sum(p == q) == 2) return(2)
  if (abs(as.numeric(as.Date(s) - as.Date(t))) <= 365) return(1)
  0
}

pairs <- expand.grid(j = seq_len(nrow(b)), i = seq_len(nrow(a)))[, c("i", "j")]
pat <- t(sapply(seq_len(nrow(pairs)), function(r) {
  i <- pairs$i[r]; j <- pairs$j[r]
  c(lev_jw(a$name[i], b$name[j]), lev_date(a$birth_date[i], b$birth_date[j]),
    lev_exact(a$sex[i], b$sex[j]), lev_exact(a$region[i], b$region[j]))
}))
cand <- norm(a$sex[pairs$i]) == norm(b$sex[pairs$j]) & norm(a$sex[pairs$i]) != ""

# Fewer than a million pairs outside the block: all of them enter, each counting once.
r <- em(pat, rep(1, nrow(pat)), !cand, c(4, 5, 2, 2))
w <- sapply(seq_len(nrow(pat)), function(p) {
  s <- 0
  for (k in 1:4) if (!is.na(pat[p, k])) s <- s + log2(r$m[[k]][pat[p, k] + 1] / r$u[[k]][pat[p, k] + 1])
  s
})
prob <- 1 / (1 + (1 - r$lambda) / r$lambda * 2^(-w))
keep <- which(cand & prob >= 0.5)
keep <- keep[order(-w[keep], pairs$i[keep], pairs$j[keep])]
f4 <- function(x) { s <- sprintf("%.4f", x); sub("^-(0\\.0+)$", "\\1", s) }
cat("id_a,id_b,match_weight,match_probability,gamma_name,gamma_birth_date,gamma_sex,gamma_region\n")
for (p in keep) {
  g <- ifelse(is.na(pat[p, ]), "", as.character(pat[p, ]))
  cat(paste(c(a$claim_id[pairs$i[p]], b$enrollment_id[pairs$j[p]], f4(w[p]), sprintf("%.6f", prob[p]), g),
            collapse = ","), "\n", sep = "")
}
cat(sprintf("# candidates=%d patterns=%d linked=%d lambda=%.6g em_iterations=%d\n", sum(cand),
            nrow(unique(pat[cand, ])), length(keep), r$lambda, r$iterations))

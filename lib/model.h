/* Logistic regression by IRLS on GSL, one-hot encoding, the model file, row explanations. */
#ifndef LMI_MODEL_H
#define LMI_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include "csvio.h"

/*
 * Ownership: a struct lmi_model owns every string and array it points to;
 * lmi_model_release() frees them all.  Functions that fail fill `err` (a
 * message without file:line, for the caller to print) and return a negative
 * LMI_E* status; they never print or exit.
 */

#define LMI_MODEL_MAX_LEVELS 10000u /* distinct levels per categorical feature */
#define LMI_MODEL_MAX_TERMS 1000u   /* columns of the design matrix (3 p x p matrices) */
#define LMI_MODEL_MAX_ITER 25       /* IRLS iterations, as R's glm.control() */
#define LMI_MODEL_EPS 1e-8          /* relative deviance change, as R's glm.control() */

enum lmi_model_missing {
	LMI_MISSING_ERROR = 0,     /* a missing feature value is a data error */
	LMI_MISSING_INDICATOR = 1, /* impute the training mean and add a "F:missing" term */
};

enum lmi_term_kind {
	LMI_TERM_INTERCEPT,
	LMI_TERM_NUMERIC, /* x = the value */
	LMI_TERM_LEVEL,   /* x = 1 when the feature equals the level */
	LMI_TERM_MISSING, /* x = 1 when the feature is missing */
};

struct lmi_model_feature {
	char *name;
	size_t namelen; /* strlen(name), for the reasons text */
	int categorical;
	int col; /* 0-based column in the current input, -1 before binding */
	/* Categorical: levels sorted bytewise after lmi_model_fit(); levels[ref] is the ref. */
	char **levels;
	size_t nlevels, levcap;
	size_t ref;
	char *ref_want; /* --ref request, NULL for the default (first sorted level) */
	/* Terms: tnum for a numeric feature, lterm[level] (-1 for the reference), tmiss or -1. */
	int tnum, tmiss;
	int *lterm;
	double impute; /* training mean used for a missing numeric value */
	double center, scale; /* numeric term: (x - center) / scale; 0 and 1 unless standardised */
	double bmean;  /* sum over the feature's terms of est * mean */
	/* Private: hash of level -> index while collecting (open addressing). */
	unsigned *hash;
	size_t hcap;
	unsigned long long nmissing;
};

struct lmi_model_term {
	char *name; /* "(Intercept)", "wt", "cyl=6", "age:missing" */
	enum lmi_term_kind kind;
	int feature; /* index into feat, -1 for the intercept */
	size_t level;
	double est, se, z, p, mean;
};

struct lmi_fit_report {
	int iter;
	int converged;
	double null_dev, dev, aic;
	unsigned long long n;
	double max_abs_eta; /* largest |linear predictor| at the final estimates */
	size_t moved;       /* the term whose estimate changed most in the last iteration */
	char warning[512]; /* non-fatal finding (e.g. separation under --l2), or "" */
};

struct lmi_model {
	char *target;
	int target_col;
	struct lmi_model_feature *feat;
	size_t nfeat;
	struct lmi_model_term *term;
	size_t nterm;
	double l2;
	enum lmi_model_missing missing;
	int standardize; /* numeric features centred and scaled by their training mean and sd */
	char *na; /* a field equal to this (besides the empty one) is missing; NULL for none */
	double tier_low, tier_high;
	char as_of[32]; /* training date written to the file, "" to omit */
	struct lmi_fit_report fit;

	/* Training rows (private): nrows x nfeat values; a categorical value is its level index. */
	double *vals;
	unsigned char *y;
	size_t nrows, rowcap;
};

/*
 * Prepares m for training on `target` and the comma-separated `features`;
 * `categorical` lists which of them are categorical (NULL for none) and
 * `refs` holds "A=LEVEL" items (NULL for none).  Returns LMI_OK or LMI_EINVAL
 * (unknown feature in `categorical`/`refs`, duplicate or empty name).
 */
int lmi_model_init(struct lmi_model *m, const char *target, const char *features,
		   const char *categorical, const char *const *refs, size_t nrefs, char *err,
		   size_t errsz);

/* Frees everything m owns; safe on a zeroed struct. */
void lmi_model_release(struct lmi_model *m);

/*
 * Finds the target and feature columns in r's header.  Returns LMI_OK or
 * LMI_EINVAL naming the missing column.  `need_target` is 0 for scoring.
 */
int lmi_model_bind(struct lmi_model *m, const struct lmi_csv *r, int need_target, char *err,
		   size_t errsz);

/*
 * Stores one training row.  Returns LMI_OK, LMI_EPARSE (bad target or
 * number, missing value under LMI_MISSING_ERROR; err says which column and
 * value), LMI_ETOOBIG (too many levels) or LMI_ENOMEM.
 */
int lmi_model_add(struct lmi_model *m, const struct lmi_csv_row *row, char *err, size_t errsz);

/*
 * Fits the model on the stored rows: sorts levels, picks reference levels,
 * builds the terms, checks for singular design and perfect separation (naming
 * the term), then runs IRLS (R's glm.fit: start at mu = (y + 0.5) / 2, stop when
 * |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25 iterations) with the
 * Cholesky factorisation of X'WX + l2*I (intercept unpenalised) from GSL.
 * Frees the stored rows.  Returns LMI_OK with m->fit filled, or LMI_EDATA
 * with err naming the problem.  With l2 > 0, separation is only a warning
 * in m->fit.warning.
 */
int lmi_model_fit(struct lmi_model *m, char *err, size_t errsz);

/*
 * Writes an R-style summary of a fitted model to fp: coefficient table, null
 * and residual deviance with degrees of freedom, AIC, Fisher scoring
 * iterations.  Returns LMI_OK or LMI_EIO.
 */
int lmi_model_summary(const struct lmi_model *m, FILE *fp);

/* Writes the model file (see lmi-train(1)).  Returns LMI_OK or LMI_EIO. */
int lmi_model_write(const struct lmi_model *m, FILE *fp);

/*
 * Writes the points scorecard: score = offset + factor * ln((1 - p) / p) with
 * factor = pdo / ln 2 and offset = base - factor * ln(base_odds), i.e. more
 * points = lower risk.  Returns LMI_OK or LMI_EIO.
 */
int lmi_model_write_points(const struct lmi_model *m, FILE *fp, double base, double base_odds,
			   double pdo);

/* Reads a model file written by lmi_model_write().  Returns LMI_OK or LMI_EPARSE with err. */
int lmi_model_read(struct lmi_model *m, const char *path, char *err, size_t errsz);

/* Why a row could not be scored. */
struct lmi_score_err {
	const char *rule;  /* "missing", "unknown_level", "not_numeric" */
	int feature;       /* index into feat */
	const char *value; /* the offending field (valid while the row is) */
};

/*
 * Scores one row of a bound model: *p = probability, *lp = linear predictor.
 * When contrib is not NULL it receives, per feature, the sum over the
 * feature's terms of est * (x - mean) (the log-odds contribution).  Returns
 * LMI_OK or LMI_EPARSE with *e filled.
 */
int lmi_model_score(const struct lmi_model *m, const struct lmi_csv_row *row, double *p,
		    double *lp, double *contrib, struct lmi_score_err *e);

/*
 * Formats the k largest |contrib[j]| as "name=value +0.82; name=value -0.41"
 * (value as found in row, "(missing)" when empty; ties keep feature order)
 * into *buf, growing it with realloc (*cap is its size).  Returns the length,
 * or LMI_ENOMEM.
 */
int lmi_model_reasons(const struct lmi_model *m, const struct lmi_csv_row *row,
		      const double *contrib, size_t k, char **buf, size_t *cap);

/*
 * A memo for scoring many rows with one bound model: values of up to 8 bytes
 * that repeat (ages, codes, flags) are parsed, looked up and formatted once.
 * Results are the same, to the bit, as without it.  NULL when out of memory;
 * free it with lmi_model_memo_free() (which takes NULL).
 */
struct lmi_model_memo;
struct lmi_model_memo *lmi_model_memo_new(const struct lmi_model *m);
void lmi_model_memo_free(struct lmi_model_memo *mm);

/* lmi_model_score() through memo mm (NULL: none). */
int lmi_model_score_memo(const struct lmi_model *m, struct lmi_model_memo *mm,
			 const struct lmi_csv_row *row, double *p, double *lp, double *contrib,
			 struct lmi_score_err *e);

/*
 * lmi_model_reasons() for the row just scored through mm (NULL: none).  When
 * needq is not NULL, *needq says whether the text holds a byte that a
 * comma-separated writer must quote (from row->needq when the reader set it).
 */
int lmi_model_reasons_memo(const struct lmi_model *m, const struct lmi_model_memo *mm,
			   const struct lmi_csv_row *row, const double *contrib, size_t k,
			   char **buf, size_t *cap, int *needq);

/*
 * Parses "low:0.2,high:0.5" (either order, both required, 0 < low <= high < 1).
 * Returns LMI_OK or LMI_EINVAL.
 */
int lmi_model_parse_tiers(const char *s, double *low, double *high);

/* Returns "low", "medium" or "high" for probability p. */
const char *lmi_model_tier(double p, double low, double high);

/*
 * A level set on its own (for audit groups): interns level s of length n and
 * returns its index (in order of first appearance), or LMI_ETOOBIG/LMI_ENOMEM.
 * Use a zeroed feature; free it with lmi_model_levels_release().
 */
long lmi_model_level_intern(struct lmi_model_feature *f, const char *s, size_t n);

/*
 * Sorts the levels bytewise; *map (malloc'd, free it) maps old index to new.
 * Returns LMI_OK or LMI_ENOMEM.
 */
int lmi_model_levels_sort(struct lmi_model_feature *f, size_t **map);
void lmi_model_levels_release(struct lmi_model_feature *f);

/*
 * Writes v with `decimals` (0..9) digits after the point into buf (at least 40
 * bytes), with a leading '+' for v >= 0 when `plus`; the same text as printf
 * "%.*f" but faster, except that a value rounding to zero never shows "-0"
 * (unless it is halfway, where printf decides).  printf's text longer than 39
 * bytes is cut there.  Returns the length written (without the NUL).
 */
size_t lmi_model_fmt_fixed(char *buf, double v, int decimals, int plus);

/* Returns the outcome 0 or 1 for "0"/"FALSE" and "1"/"TRUE" (R's logicals), else -1. */
int lmi_model_target(const char *s);

/* Parses a decimal number (whole string, finite).  Returns LMI_OK or LMI_EPARSE. */
int lmi_model_num(const char *s, double *v);

/*
 * Writes row i of the design matrix as its nonzero entries: column indices in
 * ascending order into idx and their values into val (each room for p); returns
 * how many.  Zero values may be included.
 */
typedef size_t lmi_irls_row_fn(size_t i, size_t *idx, double *val, void *ctx);

/*
 * Generic IRLS for logistic regression on n rows and p columns, the rows given
 * by row().  beta (p) receives the estimates,
 * cov (p * p, may be NULL) the covariance (X'WX + l2*P)^-1, where P is the
 * identity without its [0][0] element when `pen_first` is 0.  Returns
 * LMI_OK, or LMI_EDATA when X'WX is not positive definite.
 */
int lmi_logit_irls(size_t n, size_t p, lmi_irls_row_fn *row, void *ctx, const unsigned char *y,
		   double l2, int pen_first, double *beta, double *cov, struct lmi_fit_report *rep);

/* A --where COL=VALUE filter (string equality); several are ANDed. */
struct lmi_where {
	char *col;
	char *val;
	int idx;
};

/* Parses "COL=VALUE" (VALUE may be empty).  Returns LMI_OK, LMI_EINVAL or LMI_ENOMEM. */
int lmi_where_parse(struct lmi_where *w, const char *arg);
void lmi_where_release(struct lmi_where *w);

/* Finds the columns in r's header.  Returns -1 when all exist, else the first missing one. */
int lmi_where_bind(struct lmi_where *w, size_t n, const struct lmi_csv *r);

/* Returns 1 when row satisfies every filter, else 0. */
int lmi_where_match(const struct lmi_where *w, size_t n, const struct lmi_csv_row *row);

#endif

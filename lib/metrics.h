/* Metrics of a probability model: DeLong AUC, Brier, log-loss, calibration, Hosmer-Lemeshow. */
#ifndef LMI_METRICS_H
#define LMI_METRICS_H

#include <stddef.h>

/*
 * All functions take n predicted probabilities p[] and 0/1 outcomes y[]; they
 * neither keep nor free them.  They return LMI_OK, LMI_EINVAL when the metric
 * is undefined for the data (say, AUC without positives), or LMI_ENOMEM.
 */

/*
 * Area under the ROC curve (ties count one half) and its DeLong et al. (1988)
 * standard error: var = S10 / m + S01 / n over the m positives and n negatives
 * (the structural components' sample variances).  O(N log N).  Needs at
 * least two positives and two negatives.
 */
int lmi_auc_delong(const double *p, const unsigned char *y, size_t n, double *auc, double *se);

/* Mean of (p - y)^2.  0 for n = 0. */
double lmi_brier(const double *p, const unsigned char *y, size_t n);

/* Mean of -log(p) for y = 1 and -log(1 - p) for y = 0, p clamped to [1e-15, 1 - 1e-15]. */
double lmi_logloss(const double *p, const unsigned char *y, size_t n);

/*
 * Calibration slope and intercept: the logistic regression of y on
 * logit(p) (IRLS, as glm(y ~ qlogis(p), binomial)).  LMI_EINVAL when it does
 * not converge or all y are equal.
 */
int lmi_calibration(const double *p, const unsigned char *y, size_t n, double *intercept,
		    double *slope);

/* Groups by predicted risk: ranks by p (ties in input order), group k holds ranks r with */
/* floor(r * g / n) = k, so sizes differ by at most one. */
#define LMI_HL_MAX_G 100
struct lmi_hl {
	size_t g;
	size_t n[LMI_HL_MAX_G];
	double expected[LMI_HL_MAX_G]; /* sum of p */
	double observed[LMI_HL_MAX_G]; /* sum of y */
	double stat;                   /* sum (O - E)^2 / (E (1 - E / n_k)) */
	int df;                        /* g - 2 */
	double p_value;                /* gsl_cdf_chisq_Q(stat, df) */
};

/* Hosmer-Lemeshow test with g groups (2 < g <= LMI_HL_MAX_G, n >= g). */
int lmi_hosmer_lemeshow(const double *p, const unsigned char *y, size_t n, size_t g,
			struct lmi_hl *out);

/* Confusion counts when "positive" means p >= threshold. */
struct lmi_confusion {
	unsigned long long tp, fp, tn, fn;
};
void lmi_confusion_at(const double *p, const unsigned char *y, size_t n, double threshold,
		      struct lmi_confusion *c);

#endif

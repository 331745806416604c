/* Unit tests for lib/metrics.c on hand-made lists whose answers are worked out in the comments. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "metrics.h"
#include "unit.h"
#include "banned.h"

/*
 * p = 0.1 0.4 0.35 0.8 with y = 0 0 1 1.  Positives 0.35, 0.8; negatives 0.1, 0.4.
 * Pairs (pos > neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes: AUC = 3/4.
 * DeLong: V10 = (1/2, 1), V01 = (1, 1/2); var(V10) = var(V01) = 0.125 (n - 1 = 1);
 * var(AUC) = 0.125/2 + 0.125/2 = 0.125, se = 0.3535533906.
 * Brier = (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.158125.
 * Log-loss = -(log 0.9 + log 0.6 + log 0.35 + log 0.8) / 4 = 0.4722879538.
 */
static void ranked_list(void)
{
	double p[] = { 0.1, 0.4, 0.35, 0.8 }, auc = 0, se = 0;
	unsigned char y[] = { 0, 0, 1, 1 };

	CHECK_INT(lmi_auc_delong(p, y, 4, &auc, &se), LMI_OK);
	CHECK_NEAR(auc, 0.75, 1e-12);
	CHECK_NEAR(se, 0.3535533906, 1e-9);
	CHECK_NEAR(lmi_brier(p, y, 4), 0.158125, 1e-12);
	CHECK_NEAR(lmi_logloss(p, y, 4), 0.4722879538, 1e-9);
}

/* Ties count one half: pos 0.5, 0.9; neg 0.5, 0.1: (0.5 + 1 + 1 + 1) / 4 = 0.875. */
static void ties(void)
{
	double p[] = { 0.5, 0.5, 0.9, 0.1 }, auc = 0, se = 0;
	unsigned char y[] = { 1, 0, 1, 0 };

	CHECK_INT(lmi_auc_delong(p, y, 4, &auc, &se), LMI_OK);
	CHECK_NEAR(auc, 0.875, 1e-12);
	/* V10 = (0.75, 1), V01 = (0.75, 1): var 0.03125 each; se = sqrt(0.03125) = 0.1767766953 */
	CHECK_NEAR(se, 0.1767766953, 1e-9);
	CHECK_INT(lmi_auc_delong(p, y, 2, &auc, &se), LMI_EINVAL);
}

/*
 * Hosmer-Lemeshow on nine rows in three groups of three (ranked by p):
 *   p = 0.1 x3, O = 1: E = 0.3, (1 - 0.3)^2 / (0.3 * 0.9)   = 1.8148148148
 *   p = 0.5 x3, O = 1: E = 1.5, (1 - 1.5)^2 / (1.5 * 0.5)   = 0.3333333333
 *   p = 0.9 x3, O = 3: E = 2.7, (3 - 2.7)^2 / (2.7 * 0.1)   = 0.3333333333
 * HL = 2.4814814815 on g - 2 = 1 df; P(chi2_1 > HL) = erfc(sqrt(HL / 2)) = 0.1151937029.
 */
static void hosmer_lemeshow(void)
{
	double p[] = { 0.9, 0.1, 0.5, 0.9, 0.1, 0.5, 0.9, 0.1, 0.5 };
	unsigned char y[] = { 1, 1, 0, 1, 0, 1, 1, 0, 0 };
	struct lmi_hl hl;

	CHECK_INT(lmi_hosmer_lemeshow(p, y, 9, 3, &hl), LMI_OK);
	CHECK_INT(hl.n[0], 3);
	CHECK_NEAR(hl.expected[1], 1.5, 1e-12);
	CHECK_NEAR(hl.observed[2], 3, 0);
	CHECK_NEAR(hl.stat, 2.4814814815, 1e-9);
	CHECK_INT(hl.df, 1);
	CHECK_NEAR(hl.p_value, 0.1151937029, 1e-8);
	CHECK_INT(lmi_hosmer_lemeshow(p, y, 2, 3, &hl), LMI_EINVAL);
	CHECK_INT(lmi_hosmer_lemeshow(p, y, 9, 2, &hl), LMI_EINVAL);
}

/* Threshold 0.4 on the ranked list: predicted positive 0.4, 0.8 (p >= 0.4): tp 1, fp 1, fn 1, tn 1. */
static void confusion(void)
{
	double p[] = { 0.1, 0.4, 0.35, 0.8 };
	unsigned char y[] = { 0, 0, 1, 1 };
	struct lmi_confusion c;

	lmi_confusion_at(p, y, 4, 0.4, &c);
	CHECK_INT(c.tp, 1);
	CHECK_INT(c.fp, 1);
	CHECK_INT(c.tn, 1);
	CHECK_INT(c.fn, 1);
}

/*
 * Calibration of a perfectly calibrated score: p = 0.25 for 4 rows with one event, 0.75 for 4
 * rows with three; the logistic regression of y on logit(p) reproduces the cell rates, so the
 * slope is 1 and the intercept 0.
 */
static void calibration(void)
{
	double p[] = { 0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75 }, a = 1, b = 0;
	unsigned char y[] = { 1, 0, 0, 0, 1, 1, 1, 0 };

	CHECK_INT(lmi_calibration(p, y, 8, &a, &b), LMI_OK);
	CHECK_NEAR(a, 0, 1e-9);
	CHECK_NEAR(b, 1, 1e-9);
	CHECK_INT(lmi_calibration(p, (unsigned char[]){ 1, 1, 1, 1, 1, 1, 1, 1 }, 8, &a, &b),
		  LMI_EINVAL);
}

int main(void)
{
	ranked_list();
	ties();
	hosmer_lemeshow();
	confusion();
	calibration();
	return UNIT_DONE();
}

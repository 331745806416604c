/* Synthetic canonical extracts (vacancy, claim, training, seeker) with planted truth, for tests. */
#ifndef LMI_SYNTH_H
#define LMI_SYNTH_H

#include <stddef.h>

#include "csvio.h"

/*
 * The output is a pure function of (kind, rows, seed, dup_rate, bad_rate):
 * GSL's mt19937 seeded with `seed` drives every choice, and nothing depends on
 * the clock or the locale.  Memory is constant in `rows`: a planted duplicate
 * copies a posting from a ring of the last LMI_SYNTH_RING originals.
 */
#define LMI_SYNTH_RING 64
#define LMI_SYNTH_DUP_RATE 0.1  /* default share of planted duplicate postings */
#define LMI_SYNTH_BAD_RATE 0.02 /* default share of planted rule violations */
#define LMI_SYNTH_AS_OF "2026-11-25" /* statuses and outcomes are as of this date */

/*
 * The seeker kind's generating model.  For each row
 *   logit P(ltu = 1) = B0 + B_AGE*age + B_TENURE*tenure_months
 *                      + B_SPELLS*prior_spells + B_UI*ui_recipient
 *                      + B_DISABILITY*disability + B_EDU_k*[edu = Ek]
 * with edu level E1 as the reference (its coefficient is 0).  sex, region_code
 * and age_band are generated but have no effect (coefficient 0), so a fairness
 * audit by sex should find calibration gaps near zero.  A logistic regression
 * of ltu on these terms over the rows recovers the constants within sampling
 * error (about 0.02 for 100,000 rows).
 */
#define LMI_SYNTH_B0 (-1.5)
#define LMI_SYNTH_B_AGE 0.03         /* per year of age (18..64) */
#define LMI_SYNTH_B_TENURE (-0.01)   /* per month of tenure in the last job */
#define LMI_SYNTH_B_SPELLS 0.25      /* per earlier unemployment spell */
#define LMI_SYNTH_B_UI (-0.4)        /* receives UI benefit */
#define LMI_SYNTH_B_DISABILITY 0.7   /* registered disability */
#define LMI_SYNTH_B_EDU_E2 (-0.2)    /* high school */
#define LMI_SYNTH_B_EDU_E3 (-0.4)    /* junior college */
#define LMI_SYNTH_B_EDU_E4 (-0.6)    /* university */
#define LMI_SYNTH_B_EDU_E5 (-0.8)    /* graduate school */

struct lmi_synth_opts {
	const char *kind;        /* "vacancy", "claim", "training" or "seeker" */
	unsigned long long rows; /* data rows to write (the header is extra) */
	unsigned long seed;
	double dup_rate; /* vacancy: share of rows that are planted duplicates, 0..1 */
	double bad_rate; /* share of rows with one planted rule violation, 0..1 */
};

/* Returns 1 when `kind` is one of the four kinds, else 0. */
int lmi_synth_kind_valid(const char *kind);

/*
 * Writes the header and o->rows rows of kind o->kind to w (the caller flushes
 * it).  The columns are the kind's schema (lib/schema.h) without the
 * LMI_F_ADDED ones, then truth columns: vacancy truth_cluster, truth_bad;
 * claim and training truth_bad; seeker has its own columns (lmi-synth(1)).
 * Returns LMI_OK, LMI_EINVAL for a bad kind or rate (dup_rate + bad_rate must
 * not exceed 1), LMI_ENOMEM, or the writer's LMI_EIO.
 */
int lmi_synth_write(const struct lmi_synth_opts *o, struct lmi_csvw *w);

/*
 * Computes the NTS check digit of a business registration number from its
 * first nine digits d[0..8] (each 0..9): weights 1,3,7,1,3,7,1,3,5, plus
 * floor(d[8]*5/10), check = (10 - sum % 10) % 10.
 */
int lmi_synth_bizno_check(const int d[9]);

#endif

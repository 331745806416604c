/* Metrics of a probability model: DeLong AUC, Brier, log-loss, calibration, Hosmer-Lemeshow. */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "cli.h"
#include "model.h"
#include "banned.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Number of v[] below x and equal to x, v sorted ascending. */
static void rank_in(const double *v, size_t n, double x, size_t *below, size_t *equal)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	*below = lo;
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	*equal = lo - *below;
}

static double sample_var(const double *v, size_t n)
{
	double mean = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	return ss / (double)(n - 1);
}

int lmi_auc_delong(const double *p, const unsigned char *y, size_t n, double *auc, double *se)
{
	size_t m1 = 0, m0 = 0;
	double *pos, *neg, *v10, *v01, sum = 0;
	int rc = LMI_ENOMEM;

	for (size_t i = 0; i < n; i++)
		m1 += y[i] != 0;
	m0 = n - m1;
	if (m1 < 2 || m0 < 2)
		return LMI_EINVAL;
	pos = malloc(m1 * sizeof(*pos));
	neg = malloc(m0 * sizeof(*neg));
	v10 = malloc(m1 * sizeof(*v10));
	v01 = malloc(m0 * sizeof(*v01));
	if (pos == NULL || neg == NULL || v10 == NULL || v01 == NULL)
		goto out;
	m1 = m0 = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i])
			pos[m1++] = p[i];
		else
			neg[m0++] = p[i];
	}
	qsort(pos, m1, sizeof(*pos), cmp_double);
	qsort(neg, m0, sizeof(*neg), cmp_double);
	/* V10(x) = share of negatives below x (ties half); V01(y) = share of positives above y. */
	for (size_t i = 0; i < m1; i++) {
		size_t below, equal;

		rank_in(neg, m0, pos[i], &below, &equal);
		v10[i] = ((double)below + 0.5 * (double)equal) / (double)m0;
		sum += v10[i];
	}
	for (size_t j = 0; j < m0; j++) {
		size_t below, equal;

		rank_in(pos, m1, neg[j], &below, &equal);
		v01[j] = ((double)(m1 - below - equal) + 0.5 * (double)equal) / (double)m1;
	}
	*auc = sum / (double)m1;
	*se = sqrt(sample_var(v10, m1) / (double)m1 + sample_var(v01, m0) / (double)m0);
	rc = LMI_OK;
out:
	free(pos);
	free(neg);
	free(v10);
	free(v01);
	return rc;
}

double lmi_brier(const double *p, const unsigned char *y, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (p[i] - y[i]) * (p[i] - y[i]);
	return n ? s / (double)n : 0;
}

double lmi_logloss(const double *p, const unsigned char *y, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++) {
		double q = fmin(fmax(p[i], 1e-15), 1 - 1e-15);

		s -= y[i] ? log(q) : log(1 - q);
	}
	return n ? s / (double)n : 0;
}

struct calib_ctx {
	const double *p;
};

static size_t calib_row(size_t i, size_t *idx, double *val, void *vctx)
{
	const struct calib_ctx *c = vctx;
	double q = fmin(fmax(c->p[i], 1e-15), 1 - 1e-15);

	idx[0] = 0;
	val[0] = 1;
	idx[1] = 1;
	val[1] = log(q / (1 - q));
	return 2;
}

int lmi_calibration(const double *p, const unsigned char *y, size_t n, double *intercept,
		    double *slope)
{
	struct calib_ctx c = { p };
	struct lmi_fit_report rep;
	double beta[2];
	size_t ones = 0;

	for (size_t i = 0; i < n; i++)
		ones += y[i] != 0;
	if (ones == 0 || ones == n || n < 3)
		return LMI_EINVAL;
	memset(&rep, 0, sizeof(rep));
	if (lmi_logit_irls(n, 2, calib_row, &c, y, 0, 0, beta, NULL, &rep) != LMI_OK ||
	    !rep.converged)
		return LMI_EINVAL;
	*intercept = beta[0];
	*slope = beta[1];
	return LMI_OK;
}

struct rank_item {
	double p;
	size_t i;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int lmi_hosmer_lemeshow(const double *p, const unsigned char *y, size_t n, size_t g,
			struct lmi_hl *out)
{
	struct rank_item *r;

	if (g <= 2 || g > LMI_HL_MAX_G || n < g)
		return LMI_EINVAL;
	r = malloc(n * sizeof(*r));
	if (r == NULL)
		return LMI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r[i].p = p[i];
		r[i].i = i;
	}
	qsort(r, n, sizeof(*r), cmp_rank);
	memset(out, 0, sizeof(*out));
	out->g = g;
	for (size_t k = 0; k < n; k++) {
		size_t grp = (size_t)((unsigned long long)k * g / n);

		out->n[grp]++;
		out->expected[grp] += r[k].p;
		out->observed[grp] += y[r[k].i];
	}
	free(r);
	for (size_t k = 0; k < g; k++) {
		double e = out->expected[k], o = out->observed[k];
		double v = e * (1 - e / (double)out->n[k]);

		if (v > 0)
			out->stat += (o - e) * (o - e) / v;
	}
	out->df = (int)g - 2;
	out->p_value = gsl_cdf_chisq_Q(out->stat, out->df);
	return LMI_OK;
}

void lmi_confusion_at(const double *p, const unsigned char *y, size_t n, double threshold,
		      struct lmi_confusion *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		int pred = p[i] >= threshold;

		if (pred && y[i])
			c->tp++;
		else if (pred)
			c->fp++;
		else if (y[i])
			c->fn++;
		else
			c->tn++;
	}
}

/* Unit tests for lib/agg: exact moments, Chan's parallel update, histograms and the group map. */
#include <stdlib.h>

#include "agg.h"
#include "cli.h"
#include "unit.h"

/*
 * x = 3, 7, 7, 19, 2, 5.  By hand: n = 6, sum = 43, sumsq = 9+49+49+361+4+25
 * = 497, mean = 43/6 = 7.1666..., var = (6*497 - 43^2) / (6*5) = (2982 - 1849)
 * / 30 = 1133/30 = 37.7666...; sorted 2 3 5 7 7 19, median (5+7)/2 = 6.
 * R agrees: tests/reference/indicators.R prints mean=7.16666666666667
 * var=37.7666666666667 median=6.
 */
static const int64_t xs[] = {3, 7, 7, 19, 2, 5};

static void test_moments(void)
{
	struct lmi_agg_mom all = {0}, a = {0}, b = {0}, empty = {0};

	for (int i = 0; i < 6; i++) {
		lmi_agg_mom_add(&all, xs[i]);
		lmi_agg_mom_add(i < 2 ? &a : &b, xs[i]);
	}
	CHECK_INT(all.n, 6);
	CHECK_INT(all.sum, 43);
	CHECK_INT(all.sumsq, 497);
	CHECK_INT(all.min, 2);
	CHECK_INT(all.max, 19);
	CHECK_NEAR(lmi_agg_mom_mean(&all), 7.16666666666667, 1e-12);
	CHECK_NEAR(lmi_agg_mom_var(&all), 37.7666666666667, 1e-12);
	/* Merging the split {3,7} + {7,19,2,5} gives the same state exactly. */
	lmi_agg_mom_merge(&b, &a);
	lmi_agg_mom_merge(&b, &empty);
	CHECK(memcmp(&b, &all, sizeof(all)) == 0);
	lmi_agg_mom_merge(&empty, &all);
	CHECK_INT(empty.min, 2);
	CHECK(isnan(lmi_agg_mom_var(&a) + lmi_agg_mom_mean(&(struct lmi_agg_mom){0})));
}

static void test_chan(void)
{
	struct lmi_agg_chan all = {0}, a = {0}, b = {0};

	for (int i = 0; i < 6; i++) {
		lmi_agg_chan_add(&all, (double)xs[i]);
		lmi_agg_chan_add(i < 3 ? &a : &b, (double)xs[i]);
	}
	/* Same values as R: mean 7.1666..., var 37.7666... */
	CHECK_NEAR(all.mean, 7.16666666666667, 1e-12);
	CHECK_NEAR(lmi_agg_chan_var(&all), 37.7666666666667, 1e-12);
	/*
	 * Chan by hand: a = {3,7,7}: mean 17/3, M2 = 9+49+49 - 17^2/3 = 107 - 96.333 = 10.667;
	 * b = {19,2,5}: mean 26/3, M2 = 361+4+25 - 26^2/3 = 390 - 225.333 = 164.667;
	 * delta = 3, M2 = 10.667 + 164.667 + 9*3*3/6 = 188.833 = 37.7666 * 5.
	 */
	lmi_agg_chan_merge(&a, &b);
	CHECK_NEAR(a.n, 6, 0);
	CHECK_NEAR(a.mean, 7.16666666666667, 1e-12);
	CHECK_NEAR(a.m2, 188.833333333333, 1e-12);
	CHECK(isnan(lmi_agg_chan_var(&(struct lmi_agg_chan){0})));
}

static void test_hist(void)
{
	struct lmi_agg_cell c, d, e;

	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	for (int i = 0; i < 6; i++)
		CHECK_INT(lmi_agg_hist_add(i < 4 ? &c : &d, xs[i], 1), LMI_OK);
	CHECK_INT(lmi_agg_hist_total(&c), 4);
	/* {3,7,7,19}: median (7+7)/2 = 7; k-th values 3, 7, 7, 19. */
	CHECK_NEAR(lmi_agg_hist_median(&c), 7, 0);
	CHECK_INT(lmi_agg_hist_kth(&c, 0), 3);
	CHECK_INT(lmi_agg_hist_kth(&c, 3), 19);
	CHECK_INT(lmi_agg_cell_merge(&c, &d), LMI_OK);
	CHECK_INT(lmi_agg_hist_total(&c), 6);
	CHECK_NEAR(lmi_agg_hist_median(&c), 6, 0); /* R: median = 6 */
	CHECK_INT(lmi_agg_hist_kth(&c, 0), 2);
	CHECK(isnan(lmi_agg_hist_median(&e)));
	/* Negative values and a span past the cap. */
	CHECK_INT(lmi_agg_hist_add(&e, -5, 2), LMI_OK);
	CHECK_INT(lmi_agg_hist_add(&e, 5, 1), LMI_OK);
	CHECK_NEAR(lmi_agg_hist_median(&e), -5, 0);
	CHECK_INT(lmi_agg_hist_add(&e, 5 + LMI_AGG_HIST_MAX, 1), LMI_ETOOBIG);
	free(c.h);
	free(d.h);
	free(e.h);
}

static void test_map(void)
{
	struct lmi_agg a;
	struct lmi_agg_cell *c, *c2, **v;
	char key[16];
	int rc = LMI_OK;

	lmi_agg_init(&a, 1000);
	for (int i = 0; i < 1000 && rc == LMI_OK; i++) {
		int n = snprintf(key, sizeof(key), "k%03d", 999 - i);

		rc = lmi_agg_get(&a, key, (size_t)n, &c);
		if (rc == LMI_OK)
			lmi_agg_mom_add(&c->m, i);
	}
	CHECK_INT(rc, LMI_OK);
	CHECK_INT(a.n, 1000);
	CHECK_INT(lmi_agg_get(&a, "new", 3, &c), LMI_ETOOBIG); /* cap reached */
	CHECK_INT(lmi_agg_get(&a, "k500", 4, &c), LMI_OK);     /* existing keys still found */
	CHECK_INT(c->m.sum, 499);
	c2 = lmi_agg_find(&a, "k500", 4);
	CHECK(c2 == c);
	CHECK(lmi_agg_find(&a, "k5000", 5) == NULL);
	v = lmi_agg_sorted(&a);
	CHECK(v != NULL);
	if (v != NULL) {
		CHECK_STR(v[0]->key, "k000");
		CHECK_STR(v[999]->key, "k999");
	}
	free(v);
	lmi_agg_release(&a);
	CHECK_INT(a.n, 0);
}

int main(void)
{
	test_moments();
	test_chan();
	test_hist();
	test_map();
	return UNIT_DONE();
}

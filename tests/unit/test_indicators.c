/* Unit tests for lib/indicators: every formula against a hand calculation or R. */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "indicators.h"
#include "parse.h"
#include "unit.h"

/*
 * Wilson 95% intervals.  Expected values from R 4.2.2,
 * prop.test(x, n, correct = FALSE)$conf.int, printed by
 * tests/reference/indicators.R.  By hand for x = 7, n = 20: p = 0.35,
 * z^2/n = 3.841459/20 = 0.192073, centre = (0.35 + 0.096037)/1.192073 =
 * 0.374168, half = 1.959964/1.192073 * sqrt(0.2275/20 + 3.841459/1600) =
 * 1.644165 * sqrt(0.013776) = 1.644165 * 0.117371 = 0.192977, so the
 * interval is [0.181191, 0.567145].
 */
static void test_wilson(void)
{
	static const struct {
		double x, n, lo, hi;
	} c[] = {
	    {7, 20, 0.181191824101082, 0.567145723314764},
	    {0, 10, 0.000000000000000, 0.277532799862889},
	    {10, 10, 0.722467200137111, 1.000000000000000},
	    {1, 3, 0.061491944720396, 0.792340399197952},
	    {45, 120, 0.293524297864468, 0.464230493740208},
	};
	double lo, hi;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CHECK_INT(lmi_ind_wilson(c[i].x, c[i].n, LMI_IND_Z95, &lo, &hi), LMI_OK);
		CHECK_NEAR(lo, c[i].lo, 1e-12);
		CHECK_NEAR(hi, c[i].hi, 1e-12);
	}
	CHECK_INT(lmi_ind_wilson(1, 0, LMI_IND_Z95, &lo, &hi), LMI_EINVAL);
	CHECK_INT(lmi_ind_wilson(3, 2, LMI_IND_Z95, &lo, &hi), LMI_EINVAL);
}

/* Builds event and censored histograms from (time, status) pairs. */
static double km(const int *t, const int *st, size_t n)
{
	struct lmi_agg_cell ev, cen;
	double m;

	memset(&ev, 0, sizeof(ev));
	memset(&cen, 0, sizeof(cen));
	for (size_t i = 0; i < n; i++)
		lmi_agg_hist_add(st[i] ? &ev : &cen, t[i], 1);
	m = lmi_ind_km_median(&ev, &cen);
	free(ev.h);
	free(cen.h);
	return m;
}

/*
 * Kaplan-Meier medians, by hand and checked with R survival::survfit
 * (tests/reference/indicators.R):
 * (a) 5 durations 2, 3+, 5, 7+, 9 (+ = censored): S(2) = 4/5 = 0.8; at 3 one
 *     leaves censored, 3 at risk; S(5) = 0.8 * 2/3 = 0.5333; at 7 one more
 *     censored, 1 at risk; S(9) = 0.  First S <= 0.5 at 9: median 9 (R: 9).
 * (b) 1, 2, 3, 4 all events: S(2) = 0.5 exactly, so the midpoint of 2 and 3:
 *     2.5 (R: 2.5).
 * (c) 4, 4+, 6, 8, 8+, 10+: S(4) = 5/6, 4 at risk; S(6) = 5/6 * 3/4 = 0.625;
 *     3 at risk; S(8) = 0.625 * 2/3 = 0.4167: median 8 (R: 8).
 * (d) 5, 6+, 7+: S(5) = 2/3 and no later event: not reached (R: NA).
 * (e) 20, 49+: S(20) = 0.5 and no later event to average with: 20 (R: 20).
 */
static void test_km(void)
{
	static const int ta[] = {2, 3, 5, 7, 9}, sa[] = {1, 0, 1, 0, 1};
	static const int tb[] = {1, 2, 3, 4}, sb[] = {1, 1, 1, 1};
	static const int tc[] = {4, 4, 6, 8, 8, 10}, sc[] = {1, 0, 1, 1, 0, 0};
	static const int td[] = {5, 6, 7}, sd[] = {1, 0, 0};
	static const int te[] = {20, 49}, se[] = {1, 0};

	CHECK_NEAR(km(ta, sa, 5), 9, 0);
	CHECK_NEAR(km(tb, sb, 4), 2.5, 0);
	CHECK_NEAR(km(tc, sc, 6), 8, 0);
	CHECK(isnan(km(td, sd, 3)));
	CHECK_NEAR(km(te, se, 2), 20, 0);
	CHECK(isnan(lmi_ind_km_median(NULL, NULL)));
}

/*
 * HHI of 3 employers with 5, 3 and 2 postings: shares 50, 30, 20 percent,
 * HHI = 2500 + 900 + 400 = 3800 (highly concentrated), equivalent number of
 * employers 10000 / 3800 = 2.631579.  One employer: 10000.
 */
static void test_hhi(void)
{
	static const double e[] = {5, 3, 2}, one[] = {7}, zero[] = {0, 0};

	CHECK_NEAR(lmi_ind_hhi(e, 3), 3800, 1e-12);
	CHECK_NEAR(10000 / lmi_ind_hhi(e, 3), 2.63157894736842, 1e-12);
	CHECK_NEAR(lmi_ind_hhi(one, 1), 10000, 1e-12);
	CHECK(isnan(lmi_ind_hhi(zero, 2)));
}

/*
 * 3-sector mismatch: u = 50, 30, 20 (shares .5 .3 .2), v = 20, 30, 50
 * (shares .2 .3 .5).  Jackman-Roper 1/2 (.3 + 0 + .3) = 0.3.
 * Sahin-Song-Topa-Violante, alpha 0.5: 1 - (sqrt(.2*.5) + sqrt(.3*.3) +
 * sqrt(.5*.2)) = 1 - (0.316228 + 0.3 + 0.316228) = 0.067544 (R:
 * 0.0675444679663242).  Identical shares give 0 for both.
 */
static void test_mismatch(void)
{
	static const double u[] = {50, 30, 20}, v[] = {20, 30, 50}, w[] = {5, 3, 2};

	CHECK_NEAR(lmi_ind_jackman_roper(u, v, 3), 0.3, 1e-12);
	CHECK_NEAR(lmi_ind_sstv(u, v, 3, 0.5), 0.0675444679663242, 1e-12);
	CHECK_NEAR(lmi_ind_jackman_roper(u, w, 3), 0, 1e-12);
	CHECK_NEAR(lmi_ind_sstv(u, w, 3, 0.5), 0, 1e-12);
	/* alpha = 1: 1 - sum v_i/v = 0 whatever u is. */
	CHECK_NEAR(lmi_ind_sstv(u, v, 3, 1.0), 0, 1e-12);
	CHECK(isnan(lmi_ind_jackman_roper(u, (double[]){0, 0, 0}, 3)));
}

/*
 * Suppression, min_cell 5.  Counts 12, 3, 8, 20: 3 is primary; being the
 * only one, the smallest other (8) is suppressed too, so 3 cannot be
 * recovered from the total 43.  Counts 12, 3, 2: two primaries, nothing
 * more.  Zeros are never suppressed (nothing to disclose).
 */
static void test_suppress(void)
{
	struct lmi_ind_supcell a[] = {{12, 0}, {3, 0}, {8, 0}, {20, 0}};
	struct lmi_ind_supcell b[] = {{12, 0}, {3, 0}, {2, 0}};
	struct lmi_ind_supcell c[] = {{0, 0}, {7, 0}};
	struct lmi_ind_supcell *pa[] = {&a[0], &a[1], &a[2], &a[3]};
	struct lmi_ind_supcell *pb[] = {&b[0], &b[1], &b[2]};
	struct lmi_ind_supcell *pc[] = {&c[0], &c[1]};

	CHECK_INT(lmi_ind_suppress(pa, 4, 5), 2);
	CHECK_INT(a[0].sup, 0);
	CHECK_INT(a[1].sup, LMI_IND_SUP_PRIMARY);
	CHECK_INT(a[2].sup, LMI_IND_SUP_COMPLEMENT);
	CHECK_INT(a[3].sup, 0);
	CHECK_INT(lmi_ind_suppress(pa, 4, 5), 0); /* stable */
	CHECK_INT(lmi_ind_suppress(pb, 3, 5), 2);
	CHECK_INT(b[0].sup, 0);
	CHECK_INT(lmi_ind_suppress(pc, 2, 5), 0);
	CHECK_INT(lmi_ind_suppress(pc, 2, 0), 0); /* 0 turns suppression off */
}

/* Period indices and labels; 2025-02-14 is in month 2025*12+1 and quarter 2025*4. */
static void test_periods(void)
{
	long d = lmi_days_from_civil(2025, 2, 14), idx;
	char b[16];

	CHECK_INT(lmi_ind_period_of(LMI_IND_MONTH, d), 2025 * 12 + 1);
	CHECK_INT(lmi_ind_period_of(LMI_IND_QUARTER, d), 2025 * 4);
	CHECK_INT(lmi_ind_period_of(LMI_IND_YEAR, d), 2025);
	CHECK_INT(lmi_ind_period_end(LMI_IND_MONTH, 2025 * 12 + 1),
		  lmi_days_from_civil(2025, 2, 28));
	CHECK_INT(lmi_ind_period_end(LMI_IND_MONTH, 2024 * 12 + 11),
		  lmi_days_from_civil(2024, 12, 31));
	CHECK_INT(lmi_ind_period_end(LMI_IND_QUARTER, 2025 * 4 + 3),
		  lmi_days_from_civil(2025, 12, 31));
	CHECK_INT(lmi_ind_period_end(LMI_IND_YEAR, 2024), lmi_days_from_civil(2024, 12, 31));
	lmi_ind_period_label(LMI_IND_MONTH, 2025 * 12 + 1, b, sizeof(b));
	CHECK_STR(b, "2025-02");
	lmi_ind_period_label(LMI_IND_QUARTER, 2025 * 4 + 3, b, sizeof(b));
	CHECK_STR(b, "2025-Q4");
	lmi_ind_period_label(LMI_IND_YEAR, 2025, b, sizeof(b));
	CHECK_STR(b, "2025");
	CHECK_INT(lmi_ind_period_parse(LMI_IND_QUARTER, "2025-Q4", &idx), LMI_OK);
	CHECK_INT(idx, 2025 * 4 + 3);
	CHECK_INT(lmi_ind_period_parse(LMI_IND_MONTH, "2025-13", &idx), LMI_EPARSE);
	CHECK_INT(lmi_ind_period_parse(LMI_IND_MONTH, "2025-Q1", &idx), LMI_EPARSE);
	CHECK_INT(lmi_ind_period_parse(LMI_IND_YEAR, "2025x", &idx), LMI_EPARSE);
}

static void test_by(void)
{
	struct lmi_ind_opts o;
	char err[128];

	lmi_ind_opts_default(&o, LMI_IND_MISMATCH);
	CHECK_INT(o.ngroups, 1);
	CHECK_STR(o.group[0], "occupation_code");
	CHECK_INT(o.prefix[0], 2);
	CHECK_INT(lmi_ind_parse_by(&o, "region_code,occupation_code:4", err, sizeof(err)), LMI_OK);
	CHECK_INT(o.ngroups, 2);
	CHECK_INT(o.prefix[0], 0);
	CHECK_INT(o.prefix[1], 4);
	CHECK_INT(lmi_ind_parse_by(&o, "a:0", err, sizeof(err)), LMI_EINVAL);
	CHECK_STR(err, "bad prefix length in 'a:0'");
	CHECK_INT(lmi_ind_parse_by(&o, "a,", err, sizeof(err)), LMI_EINVAL);
	CHECK_INT(lmi_ind_parse_by(&o, ":3", err, sizeof(err)), LMI_EINVAL);
	CHECK_INT(lmi_ind_set_parse("office"), LMI_IND_OFFICE);
	CHECK_INT(lmi_ind_set_parse("offices"), -1);
}

/*
 * Runs the claims engine on CSV text; returns lmi_ind_finish()'s status and
 * the output in *out (free it).
 */
static int run_claims(const char *text, struct lmi_ind *ind, char **out)
{
	char path[] = "/tmp/lmi-test-ind-XXXXXX";
	struct lmi_ind_opts o;
	struct lmi_csv_opts co = {0};
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_ind_bind b;
	struct lmi_csvw w;
	size_t n = 0;
	FILE *fp;
	int fd = mkstemp(path), rc;

	*out = NULL;
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -100;
	close(fd);
	lmi_ind_opts_default(&o, LMI_IND_CLAIMS);
	o.min_cell = 0;
	lmi_ind_init(ind, &o);
	rc = lmi_csv_open(&r, path, &co);
	if (rc == LMI_OK)
		rc = lmi_ind_bind(ind, LMI_IND_IN_CLAIM, &r, &b);
	while (rc == LMI_OK && lmi_csv_next(&r, &row) == 1)
		rc = lmi_ind_add(ind, &b, &row);
	lmi_csv_close(&r);
	unlink(path);
	if (rc != LMI_OK)
		return rc;
	fp = open_memstream(out, &n);
	if (fp == NULL)
		return -100;
	lmi_csvw_init(&w, fp, ',');
	rc = lmi_ind_finish(ind, &w);
	lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	fclose(fp);
	return rc;
}

/*
 * Stock-flow identity S_t = S_{t-1} + I_t - O_t.  (a) c1 eligible 01-05, ends
 * 02-10; c2 eligible 01-20, open.  Jan: I = 2, O = 0, S = 2 (= 0 + 2 - 0).
 * Feb: I = 0, O = 1, S = 1 (= 2 + 0 - 1): holds.  (b) Adding c3 with an end
 * date (02-03) but no eligibility: Feb O = 2 while the stock, counted from
 * spells, is still 1, and 1 != 2 + 0 - 2: the engine refuses (LMI_EDATA)
 * and names the group and period.
 */
static void test_stock_flow(void)
{
	static const char ok[] = "claim_id,eligibility_date,end_date,end_reason\n"
				 "c1,2025-01-05,2025-02-10,reemployed\n"
				 "c2,2025-01-20,,\n";
	static const char bad[] = "claim_id,eligibility_date,end_date,end_reason\n"
				  "c1,2025-01-05,2025-02-10,reemployed\n"
				  "c2,2025-01-20,,\n"
				  "c3,,2025-02-03,other\n";
	struct lmi_ind ind;
	char *out;

	CHECK_INT(run_claims(ok, &ind, &out), LMI_OK);
	CHECK(out != NULL && strstr(out, "\nclaims_stock,2025-01,2,,2,,,2,\n") != NULL);
	CHECK(out != NULL && strstr(out, "\nclaims_stock,2025-02,1,,1,,,1,\n") != NULL);
	CHECK(out != NULL && strstr(out, "\nclaims_outflow,2025-02,1,,1,,,1,\n") != NULL);
	free(out);
	lmi_ind_release(&ind);
	CHECK_INT(run_claims(bad, &ind, &out), LMI_EDATA);
	CHECK_STR(ind.err, "stock-flow identity fails for all rows in 2025-02: "
			   "stock 1 != 2 + inflow 0 - outflow 2");
	free(out);
	lmi_ind_release(&ind);
}

int main(void)
{
	test_wilson();
	test_km();
	test_hhi();
	test_mismatch();
	test_suppress();
	test_periods();
	test_by();
	test_stock_flow();
	return UNIT_DONE();
}

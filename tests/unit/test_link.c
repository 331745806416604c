/* Unit tests for lib/link: comparators, date parsing, Fellegi-Sunter weights and the EM. */
#include <math.h>
#include <stdlib.h>

#include "cli.h"
#include "link.h"
#include "unit.h"

#define NA (-1)

static void test_comparators(void)
{
	/* exact: trimmed, spaces collapsed, ASCII upper-cased. */
	CHECK_INT(lmi_link_compare(LMI_CMP_EXACT, 0, "F", "f"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_EXACT, 0, " Seoul  City ", "seoul city"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_EXACT, 0, "F", "M"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_EXACT, 0, "", "M"), NA);
	CHECK_INT(lmi_link_compare(LMI_CMP_EXACT, 0, "  ", "M"), NA);

	/* jw: 3 equal, 2 >= 0.92, 1 >= 0.85, 0 else (values from test_strsim.c). */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "martha", "MARTHA"), 3);
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "MARTHA", "MARHTA"), 2);   /* 0.9611 */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "DWAYNE", "DUANE"), 0);    /* 0.84 */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "DIXON", "DICKSONX"), 0);  /* 0.8133 */
	/* JONES/JOHNSON: m = 4, t = 0: (4/5 + 4/7 + 1) / 3 = 0.7905; l = 2 -> 0.8324: 0. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "JONES", "JOHNSON"), 0);
	/* JOHNSON/JONSON: window 2, m = 6, t = 0: (6/7 + 1 + 1) / 3 = 0.9524; l = 3 -> 0.9667. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "JOHNSON", "JONSON"), 2);
	/* 남궁민수/남궁민 = 0.9417 (test_strsim.c): 2; 김민준/김민중 = 0.8222: 0. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "남궁민수", "남궁민"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "김민준", "김민중"), 0);
	/* 김서연/김서영: m = 2, jaro 0.7778, l = 2 -> 0.8222: 0.  이서연/이서연 equal: 3. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "김서연", "김서영"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "이서연", " 이서연"), 3);
	/* CRISTINA/CHRISTINA: window 3, m = 8, t = 0: (1 + 8/9 + 1) / 3 = 0.9630; l = 1: 0.9667. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "cristina", "Christina"), 2);
	/* MARTHA/MARTA: m = 5, t = 0: (5/6 + 1 + 1) / 3 = 0.9444, l = 3 -> 0.9611: 2. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "MARTHA", "MARTA"), 2);
	/* JON/JAN: m = 2, (2/3 + 2/3 + 1) / 3 = 0.7778, l = 1 -> 0.8: 0.  ABCDEFGH/ABCDEFHG:
	 * m = 8, t = 1: (1 + 1 + 7/8) / 3 = 0.9583, l = 4 -> 0.975: 2. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "JON", "JAN"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "ABCDEFGH", "ABCDEFHG"), 2);
	/* DUANE/DWANE: window 1, m = 4 (D,A,N,E), t = 0: (0.8 + 0.8 + 1) / 3 = 0.8667, l = 1
	 * -> 0.88: level 1. */
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "DUANE", "DWANE"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_JW, 0, "", "DWANE"), NA);

	/* id: 2 equal (ignoring spaces, '-', '.', '/'), 1 one edit, 0 else. */
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "850307-1234567", "8503071234567"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "ab 12", "AB12"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "8503071234567", "8530071234567"), 1); /* swap */
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "8503071234567", "8503071234568"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "8503071234567", "850307123456"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "8503071234567", "8503071234576"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "8503071234567", "8503071234678"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_ID, 0, "-", "8503071234678"), NA);

	/* num: 2 equal, 1 within the tolerance, 0 else; text that is no number is missing. */
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "1985", " 1985 "), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "1985", "1986"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "1985", "1987"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 2.5, "1985", "1987"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 0, "1985", "1985.0"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "1985", "unknown"), NA);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "nan", "1985"), NA);
	CHECK_INT(lmi_link_compare(LMI_CMP_NUM, 1, "", "1985"), NA);

	/* date: 4 equal, 3 day/month swapped, 2 one part differs, 1 within 365 days, 0 else. */
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "19850307"), 4);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1985.3.7."), 4);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1985-07-03"), 3);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1985-03-17"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1995-03-07"), 2);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1985-09-07"), 2);
	/* 1985-03-07 to 1985-12-25: 293 days; to 1986-04-09: 398 days. */
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1985-12-25"), 1);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "1986-04-09"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-12-31", "1986-01-01"), 1);
	/* A swapped date that is no calendar date (month 13) still compares by parts. */
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-01-13", "1985-13-01"), 3);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-02-30", "1985-06-01"), 0);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "1985-03-07", "March 7"), NA);
	CHECK_INT(lmi_link_compare(LMI_CMP_DATE, 0, "", "1985-03-07"), NA);
}

static void test_parse_date(void)
{
	int y = 0, m = 0, d = 0;

	CHECK_INT(lmi_link_parse_date("2025-03-01", &y, &m, &d), 0);
	CHECK(y == 2025 && m == 3 && d == 1);
	CHECK_INT(lmi_link_parse_date(" 2025/3/1 ", &y, &m, &d), 0);
	CHECK(y == 2025 && m == 3 && d == 1);
	CHECK_INT(lmi_link_parse_date("20251231", &y, &m, &d), 0);
	CHECK(y == 2025 && m == 12 && d == 31);
	CHECK_INT(lmi_link_parse_date("2025.03.01.", &y, &m, &d), 0);
	CHECK_INT(lmi_link_parse_date("2025-13-01", &y, &m, &d), 0); /* swapped parts kept */
	CHECK_INT(lmi_link_parse_date("2025-32-01", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("2025-00-01", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("25-03-01", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("2025-03-01x", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("2025-003-01", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("2025031", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("", &y, &m, &d), -1);
	CHECK_INT(lmi_link_parse_date("99999999999999999999", &y, &m, &d), -1);
}

static void test_weights(void)
{
	struct lmi_fs fs;
	int nlev[2] = { 2, 3 };
	signed char g1[2] = { 1, 2 }, g2[2] = { 0, NA }, g3[2] = { NA, NA };

	CHECK_INT(lmi_fs_init(&fs, 2, nlev), LMI_OK);
	/* Starting values: top m 0.9 / u 0.1; the others share 0.1 and 0.9. */
	CHECK_NEAR(fs.m[1][0], 0.05, 1e-15);
	CHECK_NEAR(fs.u[1][1], 0.45, 1e-15);
	CHECK_NEAR(fs.lambda, 0.1, 1e-15);
	fs.m[0][1] = 0.9, fs.m[0][0] = 0.1, fs.u[0][1] = 0.05, fs.u[0][0] = 0.95;
	fs.m[1][2] = 0.8, fs.u[1][2] = 0.01;
	fs.lambda = 0.2;
	/* log2(0.9/0.05) + log2(0.8/0.01) = 4.1699 + 6.3219 = 10.4919 */
	CHECK_NEAR(lmi_fs_weight(&fs, g1), log2(18.0) + log2(80.0), 1e-12);
	/* Disagreement: log2((1 - 0.9)/(1 - 0.05)) = log2(0.1/0.95) = -3.2479; missing adds 0. */
	CHECK_NEAR(lmi_fs_weight(&fs, g2), log2(0.1 / 0.95), 1e-12);
	CHECK_NEAR(lmi_fs_weight(&fs, g3), 0.0, 1e-15);
	/* Probability: prior odds 0.25 times 2^w.  w = 0: 0.2; w = 2: odds 1 -> 0.5. */
	CHECK_NEAR(lmi_fs_probability(&fs, 0.0), 0.2, 1e-12);
	CHECK_NEAR(lmi_fs_probability(&fs, 2.0), 0.5, 1e-12);
	CHECK_NEAR(lmi_fs_probability(&fs, 10.4919), 1.0 / (1.0 + 4.0 * exp2(-10.4919)), 1e-12);
	nlev[0] = 1;
	CHECK_INT(lmi_fs_init(&fs, 2, nlev), LMI_EINVAL);
	nlev[0] = 6;
	CHECK_INT(lmi_fs_init(&fs, 2, nlev), LMI_EINVAL);
}

/*
 * EM recovers known parameters: the counts are the exact expected counts of
 * N = 100000 pairs from a mixture with lambda = 0.2, m = (0.9, 0.8, 0.7),
 * u = (0.1, 0.2, 0.3) on three binary fields.  Eight cells and seven free
 * parameters: the model fits exactly, so the maximum-likelihood estimates
 * are the true values.
 */
static void test_em_recovers(void)
{
	const double lambda = 0.2, m[3] = { 0.9, 0.8, 0.7 }, u[3] = { 0.1, 0.2, 0.3 };
	signed char pat[8 * 3];
	double count[8];
	int nlev[3] = { 2, 2, 2 };
	struct lmi_fs fs;

	for (int i = 0; i < 8; i++) {
		double pm = lambda, pu = 1 - lambda;

		for (int k = 0; k < 3; k++) {
			int g = (i >> k) & 1;

			pat[i * 3 + k] = (signed char)g;
			pm *= g ? m[k] : 1 - m[k];
			pu *= g ? u[k] : 1 - u[k];
		}
		count[i] = 100000 * (pm + pu);
	}
	lmi_fs_init(&fs, 3, nlev);
	CHECK_INT(lmi_fs_em(&fs, pat, count, 8, NULL, NULL, 0, 1e-15, 100000), LMI_OK);
	CHECK(fs.converged);
	CHECK_NEAR(fs.lambda, 0.2, 1e-4);
	for (int k = 0; k < 3; k++) {
		CHECK_NEAR(fs.m[k][1], m[k], 1e-4);
		CHECK_NEAR(fs.u[k][1], u[k], 1e-4);
	}
}

/* The same table as tests/reference/link_em.R. */
static const signed char case1[12 * 3] = {
	1, 2, 1, 1, 2, 0, 1, 1, 1, 0, 2, 1, 1, 0, NA, 0, 0, 0,
	0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 2, NA, 1, 2, NA, 0, 0, NA,
};
static const double count1[12] = { 40, 6, 5, 4, 7, 300, 30, 25, 20, 3, 9, 50 };
static const signed char xcase[5 * 3] = { 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, NA };
static const double xcount[5] = { 3500, 600, 500, 300, 100 };

static void test_em_matches_r(void)
{
	int nlev[3] = { 2, 3, 2 };
	struct lmi_fs fs;

	/* Values printed by Rscript tests/reference/link_em.R ("case1"). */
	lmi_fs_init(&fs, 3, nlev);
	lmi_fs_em(&fs, case1, count1, 12, NULL, NULL, 0, 1e-10, 1000);
	CHECK_NEAR(fs.lambda, 0.134099773092, 1e-7);
	CHECK_NEAR(fs.loglik, -556.874796402, 1e-9);
	CHECK_INT(fs.iterations, 18);
	CHECK_NEAR(fs.m[0][1], 0.894420568181, 1e-7);
	CHECK_NEAR(fs.u[0][1], 0.0744048104288, 1e-7);
	CHECK_NEAR(fs.m[1][0], 9.99999414666e-07, 1e-6);
	CHECK_NEAR(fs.m[1][1], 0.0734653338031, 1e-7);
	CHECK_NEAR(fs.m[1][2], 0.926533666197, 1e-7);
	CHECK_NEAR(fs.u[1][0], 0.93037370051, 1e-7);
	CHECK_NEAR(fs.u[1][1], 0.0696252994908, 1e-7);
	CHECK_NEAR(fs.u[1][2], 9.99999542636e-07, 1e-6);
	CHECK_NEAR(fs.m[2][1], 0.889556741759, 1e-7);
	CHECK_NEAR(fs.u[2][1], 0.0537189939774, 1e-7);

	/* "case2": the same candidates plus known non-matches. */
	lmi_fs_init(&fs, 3, nlev);
	lmi_fs_em(&fs, case1, count1, 12, xcase, xcount, 5, 1e-10, 1000);
	CHECK_NEAR(fs.lambda, 0.0112775888751, 1e-6);
	CHECK_NEAR(fs.loglik, -5310.86456581, 1e-9);
	CHECK_NEAR(fs.m[0][1], 0.887164395777, 1e-6);
	CHECK_NEAR(fs.u[0][1], 0.0987646896887, 1e-6);
	CHECK_NEAR(fs.m[1][1], 0.000298430900567, 1e-4);
	CHECK_NEAR(fs.m[1][2], 0.9997005691, 1e-6);
	CHECK_NEAR(fs.u[1][0], 0.938387394698, 1e-6);
	CHECK_NEAR(fs.u[1][1], 0.0616116053026, 1e-6);
	CHECK_NEAR(fs.m[2][1], 0.880050371843, 1e-6);
	CHECK_NEAR(fs.u[2][1], 0.118368189229, 1e-6);

	/* Deterministic: a second run gives the same bits. */
	{
		struct lmi_fs again;

		lmi_fs_init(&again, 3, nlev);
		lmi_fs_em(&again, case1, count1, 12, xcase, xcount, 5, 1e-10, 1000);
		CHECK(memcmp(&again, &fs, sizeof(fs)) == 0);
	}
	/* maxiter stops early and says so. */
	lmi_fs_init(&fs, 3, nlev);
	lmi_fs_em(&fs, case1, count1, 12, NULL, NULL, 0, 1e-10, 3);
	CHECK_INT(fs.iterations, 3);
	CHECK_INT(fs.converged, 0);
}

static void test_specs(void)
{
	struct lmi_link lk;

	lmi_link_init(&lk);
	CHECK_INT(lmi_link_set_id(&lk, "claim_id=enrollment_id"), LMI_OK);
	CHECK_STR(lk.id[0], "claim_id");
	CHECK_STR(lk.id[1], "enrollment_id");
	CHECK_INT(lmi_link_add_fields(&lk, "name:jw,dob=birth_date:date,birth_year:num:2,sex"),
		  LMI_OK);
	CHECK_INT(lk.nf, 4);
	CHECK_STR(lk.f[1].name[1], "birth_date");
	CHECK_INT(lk.f[2].cmp, LMI_CMP_NUM);
	CHECK_NEAR(lk.f[2].tol, 2.0, 1e-15);
	CHECK_INT(lk.f[3].cmp, LMI_CMP_AUTO);
	CHECK_INT(lmi_link_add_fields(&lk, "x:soundex"), LMI_EINVAL);
	CHECK_STR(lk.err,
		  "unknown comparator 'soundex' in --fields (use exact, jw, id, num or date)");
	CHECK_INT(lmi_link_add_fields(&lk, "x:num:-1"), LMI_EINVAL);
	CHECK_STR(lk.err, "bad tolerance '-1' for num");
	CHECK_INT(lmi_link_add_fields(&lk, "x:jw:2"), LMI_EINVAL);
	CHECK_INT(lmi_link_add_fields(&lk, ":jw"), LMI_EINVAL);
	CHECK_INT(lmi_link_add_block(&lk, "surname:3+birth_year"), LMI_OK);
	CHECK_INT(lk.b[0].nparts, 2);
	CHECK_INT(lk.b[0].part[0].prefix, 3);
	CHECK_INT(lmi_link_add_block(&lk, "surname:0"), LMI_EINVAL);
	CHECK_INT(lmi_link_add_block(&lk, "a+b+c+d+e"), LMI_EINVAL);
	lmi_link_release(&lk);
}

int main(void)
{
	test_comparators();
	test_parse_date();
	test_weights();
	test_em_recovers();
	test_em_matches_r();
	test_specs();
	return UNIT_DONE();
}

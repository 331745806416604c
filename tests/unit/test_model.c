/* Unit tests for lib/model.c on tiny data whose answers are worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "unit.h"
#include "banned.h"

/* Feeds rows "y,x" to m (target column 0, feature column 1). */
static int feed(struct lmi_model *m, const char *const *rows, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++) {
		char a[32], b[32];
		char *f[2] = { a, b };
		size_t len[2];
		struct lmi_csv_row row = { 2, f, len, i + 2, NULL };
		const char *c = strchr(rows[i], ',');

		snprintf(a, sizeof(a), "%.*s", (int)(c - rows[i]), rows[i]);
		snprintf(b, sizeof(b), "%s", c + 1);
		len[0] = strlen(a);
		len[1] = strlen(b);
		int rc = lmi_model_add(m, &row, err, 256);

		if (rc != LMI_OK)
			return rc;
	}
	return LMI_OK;
}

/*
 * A 2x2 table: x = 0: 10 with y = 1, 30 with y = 0; x = 1: 20 and 20.
 * The logistic MLE reproduces the cell proportions, so
 *   intercept = log(10/30) = -log 3 = -1.0986122887,
 *   slope     = log odds ratio = log((20*30)/(20*10)) = log 3 = 1.0986122887,
 *   SE(slope) = sqrt(1/20 + 1/20 + 1/10 + 1/30) = 0.4830458915 (Woolf),
 *   SE(int)   = sqrt(1/10 + 1/30) = 0.3651483717,
 *   null deviance = -2 (30 log 0.375 + 50 log 0.625) = 105.8501181053,
 *   residual deviance = -2 (10 log .25 + 30 log .75 + 40 log .5) = 100.4385860143.
 * Like R, the standard errors come from the weights at the start of the last IRLS
 * iteration, so they match the closed form to about 1e-6 and R's glm to 1e-12.
 */
static void two_by_two(int categorical)
{
	struct lmi_model m;
	const char *rows[80];
	char err[256] = "";
	size_t n = 0;

	for (int i = 0; i < 10; i++)
		rows[n++] = "1,0";
	for (int i = 0; i < 30; i++)
		rows[n++] = "0,0";
	for (int i = 0; i < 20; i++)
		rows[n++] = "1,1";
	for (int i = 0; i < 20; i++)
		rows[n++] = "0,1";
	CHECK_INT(lmi_model_init(&m, "y", "x", categorical ? "x" : NULL, NULL, 0, err, 256), LMI_OK);
	m.target_col = 0;
	m.feat[0].col = 1;
	CHECK_INT(feed(&m, rows, n, err), LMI_OK);
	CHECK_INT(lmi_model_fit(&m, err, sizeof(err)), LMI_OK);
	CHECK_INT(m.nterm, 2);
	CHECK_STR(m.term[1].name, categorical ? "x=1" : "x");
	CHECK_NEAR(m.term[0].est, -1.0986122887, 1e-8);
	CHECK_NEAR(m.term[1].est, 1.0986122887, 1e-8);
	CHECK_NEAR(m.term[0].se, 0.3651483717, 1e-5);
	CHECK_NEAR(m.term[1].se, 0.4830458915, 1e-5);
	/* R's glm(y ~ x, binomial) on this table prints 0.365148057157 and 0.483045653790 */
	CHECK_NEAR(m.term[0].se, 0.365148057157, 1e-9);
	CHECK_NEAR(m.term[1].se, 0.483045653790, 1e-9);
	CHECK_NEAR(m.fit.null_dev, 105.8501181053, 1e-9);
	CHECK_NEAR(m.fit.dev, 100.4385860143, 1e-9);
	CHECK_NEAR(m.fit.aic, 104.4385860143, 1e-9);
	CHECK_NEAR(m.term[1].mean, 0.5, 1e-12);
	CHECK(m.fit.converged);
	lmi_model_release(&m);
}

/* Writes a fitted model, reads it back and scores a row: x = 1 gives p = 20/40. */
static void round_trip(void)
{
	struct lmi_model m, r;
	const char *rows[] = { "1,a", "0,a", "0,a", "1,b", "1,b", "0,b", "1,c", "0,c" };
	char err[256] = "", a[8] = "b";
	char *f[1] = { a };
	size_t len[1] = { 1 };
	struct lmi_csv_row row = { 1, f, len, 2, NULL };
	struct lmi_score_err e;
	double p, lp, contrib[1];
	char *buf = NULL;
	size_t cap = 0;
	FILE *fp;
	char path[64];

	CHECK_INT(lmi_model_init(&m, "y", "g", "g", (const char *const[]){ "g=b" }, 1, err, 256),
		  LMI_OK);
	m.target_col = 0;
	m.feat[0].col = 1;
	CHECK_INT(feed(&m, rows, 8, err), LMI_OK);
	CHECK_INT(lmi_model_fit(&m, err, sizeof(err)), LMI_OK);
	/* reference b: intercept log(2/1); a: log(1/2) - log 2 = -2 log 2; c: 0 - log 2 */
	CHECK_STR(m.term[1].name, "g=a");
	CHECK_STR(m.term[2].name, "g=c");
	CHECK_NEAR(m.term[0].est, 0.6931471806, 1e-7);
	CHECK_NEAR(m.term[1].est, -1.3862943611, 1e-7);
	CHECK_NEAR(m.term[2].est, -0.6931471806, 1e-7);
	snprintf(path, sizeof(path), "/tmp/lmi-test-model-%ld.csv", (long)getpid());
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	CHECK_INT(lmi_model_write(&m, fp), LMI_OK);
	fclose(fp);
	CHECK_INT(lmi_model_read(&r, path, err, sizeof(err)), LMI_OK);
	remove(path);
	r.feat[0].col = 0;
	CHECK_INT(lmi_model_score(&r, &row, &p, &lp, contrib, &e), LMI_OK);
	CHECK_NEAR(p, 2.0 / 3.0, 1e-9);
	/* means: g=a 3/8, g=c 2/8; level b contributes 0 - (-2 log 2 * 3/8 - log 2 * 2/8) = log 2 */
	CHECK_NEAR(contrib[0], 0.6931471806 * 1.0, 1e-7);
	CHECK(lmi_model_reasons(&r, &row, contrib, 3, &buf, &cap) > 0);
	CHECK_STR(buf, "g=b +0.69");
	a[0] = 'z';
	CHECK_INT(lmi_model_score(&r, &row, &p, &lp, contrib, &e), LMI_EPARSE);
	CHECK_STR(e.rule, "unknown_level");
	free(buf);
	lmi_model_release(&m);
	lmi_model_release(&r);
}

static void errors(void)
{
	struct lmi_model m;
	const char *sep[] = { "0,1", "0,2", "1,3", "1,4" };
	const char *bad[] = { "0,1", "7,2" };
	char err[256] = "";

	lmi_model_init(&m, "y", "x", NULL, NULL, 0, err, 256);
	m.target_col = 0;
	m.feat[0].col = 1;
	CHECK_INT(feed(&m, sep, 4, err), LMI_OK);
	CHECK_INT(lmi_model_fit(&m, err, sizeof(err)), LMI_EDATA);
	CHECK(strstr(err, "term 'x' perfectly separates y") != NULL);
	lmi_model_release(&m);

	lmi_model_init(&m, "y", "x", NULL, NULL, 0, err, 256);
	m.target_col = 0;
	m.feat[0].col = 1;
	CHECK_INT(feed(&m, bad, 2, err), LMI_EPARSE);
	CHECK_STR(err, "target 'y' must be 0 or 1 (or FALSE or TRUE), found '7'");
	lmi_model_release(&m);

	CHECK_INT(lmi_model_init(&m, "y", "a,,b", NULL, NULL, 0, err, 256), LMI_EINVAL);
	CHECK_STR(err, "empty feature name in --features");
	lmi_model_release(&m);
	CHECK_INT(lmi_model_init(&m, "y", "a,a", NULL, NULL, 0, err, 256), LMI_EINVAL);
	CHECK_STR(err, "feature 'a' is listed twice");
	lmi_model_release(&m);
}

static void small_helpers(void)
{
	double v = 0, lo = 0, hi = 0;
	struct lmi_where w;

	CHECK_INT(lmi_model_num("1e3", &v), LMI_OK);
	CHECK_NEAR(v, 1000, 0);
	CHECK_INT(lmi_model_num("-0.5", &v), LMI_OK);
	CHECK_INT(lmi_model_num("", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("nan", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("inf", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("0x10", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("1,5", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("1e999", &v), LMI_EPARSE);
	/* the fast path for plain decimals gives strtod's correctly rounded values */
	CHECK_INT(lmi_model_num("0.1", &v), LMI_OK);
	CHECK(v == 0.1);
	CHECK_INT(lmi_model_num("-123456789.012345", &v), LMI_OK);
	CHECK(v == -123456789.012345);
	CHECK_INT(lmi_model_num(".5", &v), LMI_OK);
	CHECK(v == 0.5);
	CHECK_INT(lmi_model_num("1.", &v), LMI_OK);
	CHECK(v == 1);
	CHECK_INT(lmi_model_num("007", &v), LMI_OK);
	CHECK(v == 7);
	CHECK_INT(lmi_model_num("1234567890123456789", &v), LMI_OK); /* over 15 digits: strtod */
	CHECK(v == 1234567890123456789.0);
	CHECK_INT(lmi_model_num(".", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("-", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_num("1.2.3", &v), LMI_EPARSE);
	CHECK_INT(lmi_model_parse_tiers("high:0.5,low:0.2", &lo, &hi), LMI_OK);
	CHECK_NEAR(lo, 0.2, 0);
	CHECK_NEAR(hi, 0.5, 0);
	CHECK_INT(lmi_model_parse_tiers("low:0.2", &lo, &hi), LMI_EINVAL);
	CHECK_INT(lmi_model_parse_tiers("low:0.6,high:0.5", &lo, &hi), LMI_EINVAL);
	CHECK_INT(lmi_model_parse_tiers("low:0,high:0.5", &lo, &hi), LMI_EINVAL);
	CHECK_INT(lmi_model_parse_tiers("mid:0.3", &lo, &hi), LMI_EINVAL);
	CHECK_STR(lmi_model_tier(0.19999, 0.2, 0.5), "low");
	CHECK_STR(lmi_model_tier(0.2, 0.2, 0.5), "medium");
	CHECK_STR(lmi_model_tier(0.5, 0.2, 0.5), "high");
	CHECK_INT(lmi_where_parse(&w, "split=train"), LMI_OK);
	CHECK_STR(w.col, "split");
	CHECK_STR(w.val, "train");
	lmi_where_release(&w);
	CHECK_INT(lmi_where_parse(&w, "a=b=c"), LMI_OK);
	CHECK_STR(w.val, "b=c");
	lmi_where_release(&w);
	CHECK_INT(lmi_where_parse(&w, "=x"), LMI_EINVAL);
	CHECK_INT(lmi_where_parse(&w, "split"), LMI_EINVAL);
}

/* R's factor() order for a CSV column: numbers numerically, anything else bytewise. */
static void level_order(void)
{
	struct lmi_model_feature f;
	size_t *map = NULL;

	memset(&f, 0, sizeof(f));
	lmi_model_level_intern(&f, "10", 2);
	lmi_model_level_intern(&f, "9", 1);
	lmi_model_level_intern(&f, "08", 2);
	CHECK_INT(lmi_model_levels_sort(&f, &map), LMI_OK);
	CHECK_STR(f.levels[0], "08");
	CHECK_STR(f.levels[1], "9");
	CHECK_STR(f.levels[2], "10");
	CHECK_INT(map[0], 2);
	free(map);
	lmi_model_level_intern(&f, "a", 1);
	CHECK_INT(lmi_model_levels_sort(&f, &map), LMI_OK);
	CHECK_STR(f.levels[0], "08");
	CHECK_STR(f.levels[1], "10");
	CHECK_STR(f.levels[2], "9");
	CHECK_STR(f.levels[3], "a");
	CHECK_INT(lmi_model_level_intern(&f, "9", 1), 2);
	free(map);
	lmi_model_levels_release(&f);
}

static void fmt_fixed(void)
{
	char b[48];

	lmi_model_fmt_fixed(b, 0.91682730, 6, 0);
	CHECK_STR(b, "0.916827");
	lmi_model_fmt_fixed(b, 0.5, 6, 0);
	CHECK_STR(b, "0.500000");
	lmi_model_fmt_fixed(b, 1e-9, 6, 0);
	CHECK_STR(b, "0.000000");
	lmi_model_fmt_fixed(b, -0.534, 2, 1);
	CHECK_STR(b, "-0.53");
	lmi_model_fmt_fixed(b, 0.825, 2, 1);
	CHECK_STR(b, "+0.82"); /* 0.825 is 0.82499999999999995559 in binary */
	lmi_model_fmt_fixed(b, -0.004, 2, 1);
	CHECK_STR(b, "+0.00"); /* no negative zero */
	lmi_model_fmt_fixed(b, 12.5, 0, 0);
	CHECK_STR(b, "12"); /* an exact tie: printf rounds to even */
	lmi_model_fmt_fixed(b, -2.03, 2, 1);
	CHECK_STR(b, "-2.03");
	lmi_model_fmt_fixed(b, 1e10, 2, 0);
	CHECK_STR(b, "10000000000.00");
}

int main(void)
{
	fmt_fixed();
	level_order();
	two_by_two(1);
	two_by_two(0);
	round_trip();
	errors();
	small_helpers();
	return UNIT_DONE();
}

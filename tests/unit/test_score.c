/*
 * Unit tests for the scoring fast paths: fixed-point formatting, number
 * parsing, top-k reasons, and the memo of repeated values.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "model.h"
#include "unit.h"

/* xorshift64*: the same values on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double unit_rand(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

/* Returns 1 when s is printf's text for a negative zero ("-0", "-0.000"). */
static int negative_zero(const char *s)
{
	if (*s++ != '-')
		return 0;
	for (; *s != '\0'; s++)
		if (*s != '0' && *s != '.')
			return 0;
	return 1;
}

/* Compares lmi_model_fmt_fixed() with printf; returns 1 when they agree. */
static int fmt_agrees(double v, int decimals, int plus)
{
	char got[48], want[48];
	size_t n = lmi_model_fmt_fixed(got, v, decimals, plus);

	snprintf(want, sizeof(want), plus ? "%+.*f" : "%.*f", decimals, v);
	if (n != strlen(got))
		return 0;
	if (strcmp(got, want) == 0)
		return 1;
	/* The documented difference: no "-0.00" for a value that rounds to zero. */
	return negative_zero(want) && strcmp(got + plus, want + 1) == 0 &&
	       (!plus || got[0] == '+');
}

static void fmt_random(void)
{
	long bad = 0, tried = 0;

	for (int i = 0; i < 2000000; i++) {
		int d = (int)(rng() % 10), plus = (int)(rng() & 1);
		double v;

		switch (i % 6) {
		case 0: /* a probability */
			v = unit_rand();
			break;
		case 1: /* a contribution */
			v = (unit_rand() - 0.5) * 8;
			break;
		case 2: /* any magnitude from 1e-12 to 1e10 */
			v = pow(10, unit_rand() * 22 - 12) * (rng() & 1 ? -1 : 1);
			break;
		case 3: /* near a halfway point of 2 or 6 decimals */
			d = rng() & 1 ? 2 : 6;
			v = ((double)(rng() % 2000000) + 0.5) / pow(10, d);
			v = (rng() & 1) ? -v : v;
			break;
		case 4: /* a decimal fraction read from text */
			v = (double)(long long)(rng() % 100000000) / pow(10, (double)(rng() % 9));
			break;
		default: /* small values that round to zero, of either sign */
			v = (unit_rand() - 0.5) * pow(10, -(double)d);
			break;
		}
		tried++;
		if (!fmt_agrees(v, d, plus)) {
			if (bad < 5)
				printf("# mismatch: %.17g decimals %d plus %d\n", v, d, plus);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK(tried == 2000000);
}

static void fmt_edges(void)
{
	static const double v[] = { 0.0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.375, 0.005, 0.015,
				    0.025, 0.045, 0.995, 0.9999995, 0.0000005, 999999999.5,
				    999999999.49, 1e9, -1e9, 99999.995, 1e-300, 4.35, 2.675 };
	char b[48];
	long bad = 0;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int d = 0; d <= 9; d++)
			for (int plus = 0; plus <= 1; plus++)
				bad += !fmt_agrees(v[i], d, plus);
	CHECK_INT(bad, 0);
	lmi_model_fmt_fixed(b, 1e300, 2, 1); /* printf's text cut at 39 bytes */
	CHECK_INT(strlen(b), 39);
	CHECK_INT(lmi_model_fmt_fixed(b, -1e300, 2, 0), 39);
	CHECK_INT(lmi_model_fmt_fixed(b, 12345678.125, 2, 1), 12);
	CHECK_STR(b, "+12345678.12"); /* an exact tie above the fast range: printf rounds to even */
	lmi_model_fmt_fixed(b, -0.0, 2, 1);
	CHECK_STR(b, "+0.00");
	lmi_model_fmt_fixed(b, 1, 0, 0);
	CHECK_STR(b, "1");
	lmi_model_fmt_fixed(b, 999999.9999999, 6, 0);
	CHECK_STR(b, "1000000.000000");
}

/* Parsing agrees with strtod on whole strings of digits, signs and points. */
static void num_random(void)
{
	static const char alpha[] = "0123456789012345678901234567890123456789.-+";
	long bad = 0;

	for (int i = 0; i < 500000; i++) {
		char s[24], *end;
		size_t n = 1 + rng() % 20;
		double got = 0, want;
		int rc, ok;

		for (size_t j = 0; j < n; j++)
			s[j] = alpha[rng() % (sizeof(alpha) - 1)];
		s[n] = '\0';
		errno = 0;
		want = strtod(s, &end);
		ok = end != s && *end == '\0' && errno != ERANGE && isfinite(want);
		rc = lmi_model_num(s, &got);
		if ((rc == LMI_OK) != ok || (ok && memcmp(&got, &want, sizeof(got)) != 0)) {
			if (bad < 5)
				printf("# mismatch: '%s' rc %d\n", s, rc);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
}

/*
 * The reasons as the first version built them: the r-th is the best-ranked
 * feature ranked after the (r-1)-th, larger |c| first, then feature order.
 */
static void reasons_ref(const struct lmi_model *m, const struct lmi_csv_row *row,
			const double *c, size_t k, char *out, size_t outsz)
{
	size_t prev = SIZE_MAX, len = 0;

	out[0] = '\0';
	for (size_t r = 0; r < k && r < m->nfeat; r++) {
		size_t best = SIZE_MAX;
		const char *v;
		char num[48];

		for (size_t j = 0; j < m->nfeat; j++) {
			if (prev != SIZE_MAX && !(fabs(c[prev]) > fabs(c[j]) ||
						  (fabs(c[prev]) == fabs(c[j]) && prev < j)))
				continue;
			if (best == SIZE_MAX || fabs(c[j]) > fabs(c[best]) ||
			    (fabs(c[j]) == fabs(c[best]) && j < best))
				best = j;
		}
		prev = best;
		v = row->f[m->feat[best].col];
		if (*v == '\0')
			v = "(missing)";
		lmi_model_fmt_fixed(num, c[best], 2, 1); /* checked against printf above */
		len += (size_t)snprintf(out + len, outsz - len, "%s%s=%s %s", r ? "; " : "",
					m->feat[best].name, v, num);
	}
}

static void reasons_random(void)
{
	static const double pick[] = { 0, 0.25, -0.25, 0.5, -0.5, 1.125, -1.125, 0.004, -0.004 };
	struct lmi_model m = { 0 };
	struct lmi_model_feature feat[40];
	char names[40][8], vals[40][8], *f[40], want[4096];
	size_t len[40], cap = 0;
	struct lmi_csv_row row = { 1, f, len, 40, NULL };
	double c[40];
	char *buf = NULL;
	long bad = 0;

	memset(feat, 0, sizeof(feat));
	for (size_t j = 0; j < 40; j++) {
		snprintf(names[j], sizeof(names[j]), "f%zu", j);
		feat[j].name = names[j];
		feat[j].namelen = strlen(names[j]);
		feat[j].col = (int)(39 - j);
	}
	m.feat = feat;
	for (int i = 0; i < 20000; i++) {
		size_t k = rng() % 24;
		int n;

		m.nfeat = 1 + rng() % 40;
		for (size_t j = 0; j < 40; j++) {
			c[j] = rng() % 4 ? pick[rng() % 9] : unit_rand() - 0.5;
			if (rng() % 5 == 0)
				vals[j][0] = '\0';
			else
				snprintf(vals[j], sizeof(vals[j]), "%u", (unsigned)(rng() % 1000));
			f[j] = vals[j];
			len[j] = strlen(vals[j]);
		}
		n = lmi_model_reasons(&m, &row, c, k, &buf, &cap);
		reasons_ref(&m, &row, c, k, want, sizeof(want));
		if (n < 0 || strcmp(buf, want) != 0 || (size_t)n != strlen(want)) {
			if (bad < 3)
				printf("# k %zu: got '%s', want '%s'\n", k, buf ? buf : "", want);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	free(buf);
}

/* Whether text holds a byte a comma-separated writer must quote. */
static int csv_needs_quotes(const char *s)
{
	return strpbrk(s, "\",\r\n") != NULL;
}

/* A categorical value: level i of 40, 1 to 12 bytes, some with a comma or a quote. */
static void level_name(char *out, size_t cap, unsigned i)
{
	static const char *const odd[] = { "a,b", "q\"x", "long,level12", "x" };

	if (i < 4)
		snprintf(out, cap, "%s", odd[i]);
	else
		snprintf(out, cap, "%.*s", (int)(1 + i % 12), "L0123456789abcdef" + i % 5);
}

/*
 * A numeric value: integers 0..4999 (more than the memo's 512 slots, so slots
 * are replaced), decimals longer than 8 bytes (no memo), sometimes "NA" or
 * empty (missing), and in scoring now and then not a number.
 */
static void number_text(char *out, size_t cap, int scoring)
{
	unsigned r = (unsigned)(rng() % 100);

	if (r < 5)
		snprintf(out, cap, "NA");
	else if (r < 8)
		out[0] = '\0';
	else if (r < 20)
		snprintf(out, cap, "%.6f", unit_rand() * 90);
	else if (scoring && r < 22)
		snprintf(out, cap, "x%u", (unsigned)(rng() % 10));
	else
		snprintf(out, cap, "%u", (unsigned)(rng() % 5000));
}

/* Fills a row of y (training only), age, code, flag and a feature with a long name. */
static void memo_row(char v[5][40], char **f, size_t *len, unsigned char *q, int scoring)
{
	snprintf(v[0], 40, "%u", (unsigned)(rng() % 2));
	number_text(v[1], 40, scoring);
	if (scoring && rng() % 50 == 0)
		snprintf(v[2], 40, "unseen");
	else
		level_name(v[2], 40, (unsigned)(rng() % 40));
	snprintf(v[3], 40, "%u", (unsigned)(rng() % 2));
	number_text(v[4], 40, scoring);
	for (int i = 0; i < 5; i++) {
		f[i] = v[i];
		len[i] = strlen(v[i]);
		q[i] = (unsigned char)csv_needs_quotes(v[i]);
	}
}

/*
 * The memo must change nothing: on random rows, scores, linear predictors
 * and contributions are the same bits as without it, errors the same, the
 * reasons text the same bytes, and its needq flag what a scan of the text says.
 */
static void memo_random(void)
{
	static const char *const longname = "feature_with_a_name_too_long_for_a_memo_fragment";
	struct lmi_model m;
	char err[256] = "", v[5][40], *f[5], feats[128];
	size_t len[5], cap1 = 0, cap2 = 0;
	unsigned char q[5];
	struct lmi_csv_row row = { 5, f, len, 2, q };
	struct lmi_model_memo *mm;
	char *b1 = NULL, *b2 = NULL;
	long bad = 0, scored = 0, rejected = 0;

	snprintf(feats, sizeof(feats), "age,code,flag,%s", longname);
	CHECK_INT(lmi_model_init(&m, "y", feats, "code", NULL, 0, err, sizeof(err)), LMI_OK);
	m.missing = LMI_MISSING_INDICATOR;
	m.na = strdup("NA");
	m.l2 = 1.0;
	m.target_col = 0;
	for (size_t j = 0; j < 4; j++)
		m.feat[j].col = (int)j + 1;
	for (int i = 0; i < 4000; i++) {
		memo_row(v, f, len, q, 0);
		bad += lmi_model_add(&m, &row, err, sizeof(err)) != LMI_OK;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(lmi_model_fit(&m, err, sizeof(err)), LMI_OK);
	mm = lmi_model_memo_new(&m);
	CHECK(mm != NULL);
	for (int i = 0; i < 30000; i++) {
		struct lmi_score_err e1 = { 0 }, e2 = { 0 };
		double p1 = 0, p2 = 0, lp1 = 0, lp2 = 0, c1[4] = { 0 }, c2[4] = { 0 };
		size_t k = rng() % 5;
		int rc1, rc2, n1, n2, nq = -1;

		memo_row(v, f, len, q, 1);
		row.needq = rng() % 4 ? q : NULL;
		rc1 = lmi_model_score(&m, &row, &p1, &lp1, c1, &e1);
		rc2 = lmi_model_score_memo(&m, mm, &row, &p2, &lp2, c2, &e2);
		if (rc1 != rc2 || (rc1 != LMI_OK && (strcmp(e1.rule, e2.rule) != 0 ||
						     e1.feature != e2.feature || e1.value != e2.value))) {
			bad++;
			continue;
		}
		if (rc1 != LMI_OK) {
			rejected++;
			continue;
		}
		scored++;
		n1 = lmi_model_reasons(&m, &row, c1, k, &b1, &cap1);
		n2 = lmi_model_reasons_memo(&m, mm, &row, c2, k, &b2, &cap2, &nq);
		if (memcmp(&p1, &p2, sizeof(p1)) != 0 || memcmp(&lp1, &lp2, sizeof(lp1)) != 0 ||
		    memcmp(c1, c2, sizeof(c1)) != 0 || n1 != n2 || n1 < 0 || strcmp(b1, b2) != 0 ||
		    nq != csv_needs_quotes(b2)) {
			if (bad < 3)
				printf("# row %d: '%s' vs '%s' (needq %d)\n", i, b1, b2, nq);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	/* Both kinds of row occurred often enough to mean something. */
	CHECK(scored > 10000);
	CHECK(rejected > 1000);
	printf("# memo: %ld rows scored, %ld rejected, all as without the memo\n", scored, rejected);
	lmi_model_memo_free(mm);
	lmi_model_memo_free(NULL);
	free(b1);
	free(b2);
	lmi_model_release(&m);
}

int main(void)
{
	fmt_edges();
	fmt_random();
	num_random();
	reasons_random();
	memo_random();
	return UNIT_DONE();
}

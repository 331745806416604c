/* Unit tests for the scoring fast paths: fixed-point formatting, number parsing, top-k reasons. */
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

int main(void)
{
	fmt_edges();
	fmt_random();
	num_random();
	reasons_random();
	return UNIT_DONE();
}

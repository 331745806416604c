/*
 * Unit tests for the indicator engine's date and period shortcuts: one claim
 * eligible on every day 1900-01-01 .. 2100-12-31, written canonically (read
 * through the month table) or as YYYYMMDD (read by lmi_parse_date()), must
 * give the inflow and long-term counts that lmi_ind_period_of() predicts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "indicators.h"
#include "parse.h"
#include "unit.h"

static struct lmi_ind ind;

/* Runs claims over every day; the finished CSV goes to *out (free it).  Returns the status. */
static int run(int compact, enum lmi_ind_period p, long long long_term, char **out)
{
	struct lmi_ind_opts o;
	struct lmi_csv_opts co = { 0 };
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_ind_bind b;
	struct lmi_csvw w;
	long first = lmi_days_from_civil(1900, 1, 1), last = lmi_days_from_civil(2100, 12, 31);
	size_t n = 0;
	FILE *in = tmpfile(), *fp;
	int rc, y, m, d;

	*out = NULL;
	if (in == NULL)
		return -100;
	fprintf(in, "claim_id,eligibility_date\n");
	for (long day = first; day <= last; day++) {
		lmi_civil_from_days(day, &y, &m, &d);
		fprintf(in, compact ? "c,%04d%02d%02d\n" : "c,%04d-%02d-%02d\n", y, m, d);
	}
	rewind(in);
	lmi_ind_opts_default(&o, LMI_IND_CLAIMS);
	o.period = p;
	o.min_cell = 0;
	o.long_term = long_term;
	lmi_ind_init(&ind, &o);
	rc = lmi_csv_open_fp(&r, in, "days", &co);
	if (rc == LMI_OK)
		rc = lmi_ind_bind(&ind, LMI_IND_IN_CLAIM, &r, &b);
	while (rc == LMI_OK && lmi_csv_next(&r, &row) == 1)
		rc = lmi_ind_add(&ind, &b, &row);
	lmi_csv_close(&r);
	fclose(in);
	if (rc == LMI_OK) {
		fp = open_memstream(out, &n);
		if (fp == NULL)
			return -100;
		lmi_csvw_init(&w, fp, ',');
		rc = lmi_ind_finish(&ind, &w);
		lmi_csvw_flush(&w);
		lmi_csvw_release(&w);
		fclose(fp);
	}
	lmi_ind_release(&ind);
	return rc;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : NULL;
}

/*
 * Checks claims_inflow (the days of each period) and the numerator and
 * denominator of claims_longterm_share against lmi_ind_period_of().
 * Returns the number of mismatching or missing rows.
 */
static long verify(const char *csv, enum lmi_ind_period p, long long long_term)
{
	long first = lmi_days_from_civil(1900, 1, 1), last = lmi_days_from_civil(2100, 12, 31);
	long pmin = lmi_ind_period_of(p, first), pmax = lmi_ind_period_of(p, last);
	size_t np = (size_t)(pmax - pmin + 1);
	long long *in = calloc(np, sizeof(*in)), *lt = calloc(np, sizeof(*lt));
	long bad = 0, seen_in = 0, seen_lt = 0;
	const char *line = csv;

	if (in == NULL || lt == NULL) {
		free(in);
		free(lt);
		return -1;
	}
	for (long day = first; day <= last; day++) {
		long plt = lmi_ind_period_of(p, day + (long)long_term + 1);

		in[lmi_ind_period_of(p, day) - pmin]++;
		if (plt <= pmax)
			lt[plt - pmin]++;
	}
	/* A claim is long-term at the end of every period from plt on. */
	for (size_t i = 1; i < np; i++)
		lt[i] += lt[i - 1];
	for (; line != NULL && *line != '\0'; line = next_line(line)) {
		char label[16];
		long long a, b_;
		long idx;
		int is_in = strncmp(line, "claims_inflow,", 14) == 0;
		int is_lt = strncmp(line, "claims_longterm_share,", 22) == 0;
		const char *f = line + (is_in ? 14 : 22);
		size_t k = 0;

		if (!is_in && !is_lt)
			continue;
		while (f[k] != ',' && k + 1 < sizeof(label)) {
			label[k] = f[k];
			k++;
		}
		label[k] = '\0';
		if (lmi_ind_period_parse(p, label, &idx) != LMI_OK || idx < pmin || idx > pmax ||
		    sscanf(f + k, ",%lld,%lld", &a, &b_) < 1) {
			bad++;
			continue;
		}
		if (is_in) {
			seen_in++;
			bad += a != in[idx - pmin];
		} else {
			long long stock = 0;

			for (long j = pmin; j <= idx; j++)
				stock += in[j - pmin];
			seen_lt++;
			bad += a != lt[idx - pmin] || b_ != stock;
		}
	}
	bad += (long)np - seen_in;
	bad += (long)np - seen_lt;
	free(in);
	free(lt);
	return bad;
}

int main(void)
{
	static const enum lmi_ind_period periods[] = { LMI_IND_MONTH, LMI_IND_QUARTER,
						       LMI_IND_YEAR };
	/* 100000 days carries most long-term dates past the engine's month table (2199). */
	static const long long terms[] = { 365, 30000, 100000 };
	char *out;

	for (int compact = 0; compact <= 1; compact++) {
		for (size_t i = 0; i < 3; i++) {
			for (size_t t = 0; t < 3; t++) {
				if (t > 0 && i > 0)
					continue;
				CHECK_INT(run(compact, periods[i], terms[t], &out), LMI_OK);
				CHECK_INT(verify(out ? out : "", periods[i], terms[t]), 0);
				free(out);
			}
		}
	}
	return UNIT_DONE();
}

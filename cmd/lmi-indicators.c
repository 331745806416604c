/* lmi-indicators: labour-market indicators by group and period, or their mergeable partials. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "indicators.h"
#include "parse.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi indicators SET [--by COLS] [--period month|quarter|year] [--as-of DATE]"
	" [--min-cell N] [--partial] [FILE...]",
	"",
	"Computes indicators from canonical CSV and writes tidy CSV:",
	"  indicator,period,<--by columns>,numerator,denominator,value,ci_low,ci_high,n,note",
	"sorted by indicator, period and groups.  Counts are integers; value, ci_low and",
	"ci_high are printed with six decimals.  Rates carry Wilson 95% intervals, means",
	"a normal 95% interval.  Cells with 0 < n < --min-cell are suppressed, with",
	"complementary suppression across groups (and across outflow reasons).",
	"",
	"SETs (input):",
	"  vacancy    (vacancy) new postings and positions, open stock, closed postings,",
	"             posting duration (closed cohort; Kaplan-Meier with --as-of),",
	"             time to fill, fill rate",
	"  claims     (claim) inflow, outflow by end_reason, stock (S = S' + I - O is",
	"             checked: exit 1 when it fails), completed duration, exhaustion",
	"             rate (lagged and cohort), long-term share",
	"  training   (training) enrolments, completion, employment rate at 3 and 6 months",
	"  tightness  (--vacancies F --claims F) V/U and guin baesu (new positions / new claims)",
	"  hhi        (vacancy) HHI of employer shares per --by market and quarter",
	"  mismatch   (--vacancies F --claims F) Jackman-Roper and Sahin-Song-Topa-Violante",
	"  office     (claim) registrations, placements, placement rate and rank by office",
	"",
	"  -a, --alpha X          SSTV elasticity for mismatch (default 0.5)",
	"      --as-of DATE       reference date: later events are not yet known (no clock)",
	"  -b, --by COLS          group columns, COL or COL:N (first N characters)",
	"      --claims FILE      claim input for tightness and mismatch",
	"      --hhi-thresholds LO,HI  HHI class bounds (default 1500,2500)",
	"  -h, --help             show this help",
	"      --long-term DAYS   claims open longer are long-term (default 365)",
	"  -m, --min-cell N       suppress cells with a count below N (default 5; 0 = off)",
	"      --partial          write mergeable partial state for 'lmi merge' instead",
	"  -p, --period P         month (default), quarter or year (hhi: quarter)",
	"  -q, --quiet            no row accounting on stderr",
	"      --vacancies FILE   vacancy input for tightness and mismatch",
	"  -V, --version          show version",
	"",
	"Memory grows with groups x periods x statistics (hhi: x employers; medians: x",
	"distinct durations in days), never with rows; at most 8,388,608 cells (~1.2 GB).",
	"exit: 0 ok, 1 data error or failed stock-flow identity, 2 usage, 3 rows rejected",
	"example: lmi indicators claims --by region_code --period quarter claims.csv > ind.csv",
	"example: parallel --pipe --header : lmi indicators claims --partial < c.csv | lmi merge",
	NULL,
};

static const struct option longopts[] = {
	{ "alpha", required_argument, NULL, 'a' },
	{ "as-of", required_argument, NULL, 'A' },
	{ "by", required_argument, NULL, 'b' },
	{ "claims", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "hhi-thresholds", required_argument, NULL, 'T' },
	{ "long-term", required_argument, NULL, 'L' },
	{ "min-cell", required_argument, NULL, 'm' },
	{ "partial", no_argument, NULL, 'P' },
	{ "period", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "vacancies", required_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct lmi_ind ind;
	struct lmi_count count;
	struct lmi_warncap wc;
	const char *vac, *claims;
	int partial, quiet;
};

static long long num_arg(const char *s, const char *what, long long max)
{
	long long v;
	const char *err;

	if (lmi_parse_long(s, 0, max, &v, &err) != 0)
		lmi_usage_error(usage, "%s is %s: '%s'", what, err, s);
	return v;
}

/* Applies one option to *o after the SET's defaults are in place. */
static void apply(struct lmi_ind_opts *o, struct run *run, int c, const char *arg)
{
	char err[128], *end;
	long days;

	switch (c) {
	case 'a': /* SSTV alpha */
		o->alpha = strtod(arg, &end);
		if (*end != '\0' || !(o->alpha >= 0 && o->alpha <= 1))
			lmi_usage_error(usage, "--alpha must be a number in [0, 1]: '%s'", arg);
		break;
	case 'A': /* reference date */
		if (lmi_parse_date(arg, &days) != LMI_OK)
			lmi_usage_error(usage, "bad --as-of date '%s'", arg);
		o->as_of = days;
		break;
	case 'b': /* group columns */
		if (lmi_ind_parse_by(o, arg, err, sizeof(err)) != LMI_OK)
			lmi_usage_error(usage, "%s", err);
		break;
	case 'C':
		run->claims = arg;
		break;
	case 'L':
		o->long_term = num_arg(arg, "--long-term", 100000);
		break;
	case 'm':
		o->min_cell = num_arg(arg, "--min-cell", 1000000000);
		break;
	case 'p':
		if (strcmp(arg, "month") == 0)
			o->period = LMI_IND_MONTH;
		else if (strcmp(arg, "quarter") == 0)
			o->period = LMI_IND_QUARTER;
		else if (strcmp(arg, "year") == 0)
			o->period = LMI_IND_YEAR;
		else
			lmi_usage_error(usage, "--period must be month, quarter or year: '%s'",
					arg);
		break;
	case 'P':
		run->partial = 1;
		break;
	case 'q':
		run->quiet = 1;
		break;
	case 'T': /* HHI thresholds */
		o->hhi_lo = strtod(arg, &end);
		if (*end == ',')
			o->hhi_hi = strtod(end + 1, &end);
		if (*end != '\0' || !(o->hhi_lo > 0 && o->hhi_lo < o->hhi_hi && o->hhi_hi <= 10000))
			lmi_usage_error(usage,
					"--hhi-thresholds must be LO,HI with 0 < LO < HI <= 10000");
		break;
	case 'v':
		run->vac = arg;
		break;
	}
}

/* Streams one input file into the engine.  Returns LMI_OK or LMI_EDATA. */
static int feed(struct run *run, const char *path, enum lmi_ind_kind kind)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_ind_bind b;
	/* Repeated headers (chunks joined by a mapper) are skipped, never rejected. */
	struct lmi_csv_opts copts = { .flags = LMI_CSV_SKIP_HEADERS };
	int rc = lmi_csv_open(&r, path, &copts);

	if (rc == LMI_OK && r.header.n > 0 && lmi_ind_bind(&run->ind, kind, &r, &b) != LMI_OK) {
		lmi_warn_at(r.name, r.header.line, "%s", run->ind.err);
		lmi_csv_close(&r);
		return LMI_EDATA;
	}
	while (rc == LMI_OK && r.header.n > 0) {
		rc = lmi_csv_next(&r, &row);
		if (rc != 1)
			break;
		run->count.in++;
		rc = lmi_ind_add(&run->ind, &b, &row);
		if (rc == LMI_EPARSE) {
			lmi_warncap_at(&run->wc, r.name, row.line, "%s", run->ind.err);
			run->count.rejected++;
			rc = LMI_OK;
		} else if (rc != LMI_OK) {
			lmi_warn_at(r.name, row.line, "%s%s", lmi_strerror(rc),
				    rc == LMI_ETOOBIG ? " (too many groups x periods)" : "");
			lmi_csv_close(&r);
			return LMI_EDATA;
		} else {
			run->count.out++;
		}
	}
	if (rc < 0)
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	return rc < 0 ? LMI_EDATA : LMI_OK;
}

static int feed_all(struct run *run, int argc, char **argv)
{
	enum lmi_ind_set set = run->ind.o.set;
	enum lmi_ind_kind kind = set == LMI_IND_TRAINING ? LMI_IND_IN_TRAINING
				 : set == LMI_IND_VACANCY || set == LMI_IND_HHI ? LMI_IND_IN_VACANCY
				 : LMI_IND_IN_CLAIM;
	int rc = LMI_OK;

	if (set == LMI_IND_TIGHTNESS || set == LMI_IND_MISMATCH) {
		if (run->vac != NULL)
			rc = feed(run, run->vac, LMI_IND_IN_VACANCY);
		if (rc == LMI_OK && run->claims != NULL)
			rc = feed(run, run->claims, LMI_IND_IN_CLAIM);
		return rc;
	}
	if (argc == 0)
		return feed(run, "-", kind);
	for (int i = 0; i < argc && rc == LMI_OK; i++)
		rc = feed(run, argv[i], kind);
	return rc;
}

int main(int argc, char **argv)
{
	static struct run run;
	struct lmi_ind_opts o;
	struct lmi_csvw w;
	int c, set, status, seen[128] = { 0 };
	char *args[128];

	lmi_cli_init(argv[0]);
	run.wc.cap = 10;
	while ((c = getopt_long(argc, argv, "a:b:hm:p:qV", longopts, NULL)) != -1) {
		if (c == 'h')
			lmi_usage_help(usage);
		if (c == 'V')
			lmi_version();
		if (c == '?' || c < 0 || c >= 128)
			lmi_usage_error(usage, "unknown option");
		seen[c] = 1;
		args[c] = optarg;
	}
	if (optind == argc)
		lmi_usage_error(usage, "missing SET");
	set = lmi_ind_set_parse(argv[optind]);
	if (set < 0)
		lmi_usage_error(usage, "unknown SET '%s'", argv[optind]);
	lmi_ind_opts_default(&o, (enum lmi_ind_set)set);
	for (c = 0; c < 128; c++)
		if (seen[c])
			apply(&o, &run, c, args[c]);
	if ((set == LMI_IND_TIGHTNESS || set == LMI_IND_MISMATCH) && !run.vac && !run.claims)
		lmi_usage_error(usage, "%s needs --vacancies FILE and --claims FILE", argv[optind]);
	if ((set == LMI_IND_TIGHTNESS || set == LMI_IND_MISMATCH) != (run.vac || run.claims))
		lmi_usage_error(usage,
				"--vacancies and --claims go with tightness and mismatch only");
	if ((set == LMI_IND_TIGHTNESS || set == LMI_IND_MISMATCH) && optind + 1 < argc)
		lmi_usage_error(usage, "%s reads --vacancies and --claims, not FILE", argv[optind]);

	lmi_ind_init(&run.ind, &o);
	status = feed_all(&run, argc - optind - 1, argv + optind + 1);
	lmi_csvw_init(&w, stdout, ',');
	if (status == LMI_OK) {
		int rc = run.partial ? lmi_ind_write_partial(&run.ind, &w)
				     : lmi_ind_finish(&run.ind, &w);

		if (rc != LMI_OK && rc != LMI_EIO)
			lmi_warn("%s", rc == LMI_EDATA ? run.ind.err : lmi_strerror(rc));
		if (rc != LMI_OK)
			status = LMI_EDATA;
	}
	lmi_warncap_summary(&run.wc);
	/* A failed flush leaves the error in stdout; lmi_close_stdout() reports it. */
	if (lmi_csvw_flush(&w) != LMI_OK)
		status = LMI_EDATA;
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	lmi_csvw_release(&w);
	lmi_ind_release(&run.ind);
	if (!run.quiet)
		lmi_count_report(&run.count);
	if (status == LMI_OK && run.count.rejected > 0)
		status = LMI_EPARTIAL;
	return status;
}

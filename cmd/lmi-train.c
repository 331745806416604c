/* lmi-train: fit an explainable logistic profiling model (IRLS, as R's glm) and write it as CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "model.h"
#include "banned.h"

#define MAX_OPT_LIST 64 /* --ref and --where items */

static const char *const usage[] = {
	"usage: lmi train --target COL --features A,B,... [--categorical A,...] [--ref A=LEVEL]",
	"                 [--l2 LAMBDA] [--where COL=VALUE] [--missing error|indicator]",
	"                 [--na TOKEN] [--standardize] [--tiers low:P,high:P] [--as-of DATE]",
	"                 [--points FILE] [-o MODEL] [FILE]",
	"",
	"Fits a logistic regression of the 0/1 column COL on the features by",
	"iteratively reweighted least squares (as R's glm(family = binomial); GSL",
	"Cholesky on X'WX) and writes the model as a plain CSV (standard output",
	"without -o).  COL holds 0/1 (or FALSE/TRUE).  Categorical features are",
	"one-hot encoded against a reference level: the first level in sorted order",
	"(numeric when all levels are numbers, else bytewise) unless --ref names one.",
	"The R-style summary (coefficients, deviances, AIC, iterations) goes to",
	"standard error.  Separation, singular design and non-convergence stop with",
	"a message naming the term.",
	"Memory: holds 8 bytes per feature per row (1M rows x 30 features = 240 MB);",
	"at most 1000 terms.",
	"",
	"  -t, --target COL        0/1 outcome column",
	"  -f, --features LIST     comma-separated feature columns",
	"  -c, --categorical LIST  which features are categorical",
	"  -r, --ref A=LEVEL       reference level of categorical A (repeatable)",
	"      --l2 LAMBDA         ridge penalty (LAMBDA/2) * sum(beta^2), intercept unpenalised",
	"  -w, --where COL=VALUE   fit only rows whose COL equals VALUE (repeatable, ANDed)",
	"      --na TOKEN          a field equal to TOKEN (e.g. NA) is missing too (recorded)",
	"  -s, --standardize       centre and scale numeric features by mean and sd (recorded)",
	"      --missing MODE      error (default): an empty feature is an error;",
	"                          indicator: impute the mean and add a 'A:missing' term",
	"      --tiers low:P,high:P  tier thresholds kept in the model (default low:0.2,high:0.5)",
	"      --as-of DATE        training date to record (none by default: deterministic)",
	"      --points FILE       also write a points scorecard ('-': standard output)",
	"  -o, --output MODEL      write the model here (default and '-': standard output)",
	"  -q, --quiet             no summary on standard error",
	"  -h, --help              show this help",
	"  -V, --version           show version",
	"",
	"exit: 0 ok, 1 bad data or the model cannot be fitted, 2 usage error",
	"example: lmi train -t ltu -f age,sex,edu -c sex,edu -w split=train -o m.csv seekers.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "as-of", required_argument, NULL, 'A' },
	{ "categorical", required_argument, NULL, 'c' },
	{ "features", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "l2", required_argument, NULL, 'L' },
	{ "missing", required_argument, NULL, 'M' },
	{ "na", required_argument, NULL, 'N' },
	{ "output", required_argument, NULL, 'o' },
	{ "points", required_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "ref", required_argument, NULL, 'r' },
	{ "standardize", no_argument, NULL, 's' },
	{ "target", required_argument, NULL, 't' },
	{ "tiers", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ "where", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *target, *features, *categorical, *output, *points, *as_of, *tiers, *missing;
	const char *na;
	const char *refs[MAX_OPT_LIST];
	size_t nrefs;
	struct lmi_where where[MAX_OPT_LIST];
	size_t nwhere;
	double l2;
	int quiet, standardize;
};

static int valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "c:f:ho:qr:st:Vw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'A': /* training date */
			if (!valid_date(optarg))
				lmi_usage_error(usage, "--as-of wants YYYY-MM-DD, not '%s'",
						optarg);
			o->as_of = optarg;
			break;
		case 'c':
			o->categorical = optarg;
			break;
		case 'f':
			o->features = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'L': /* ridge penalty */
			if (lmi_model_num(optarg, &o->l2) != LMI_OK || o->l2 < 0)
				lmi_usage_error(usage, "--l2 wants a number >= 0, not '%s'",
						optarg);
			break;
		case 'M':
			if (strcmp(optarg, "error") != 0 && strcmp(optarg, "indicator") != 0)
				lmi_usage_error(usage, "--missing is 'error' or 'indicator'");
			o->missing = optarg;
			break;
		case 'N': /* missing-value token */
			o->na = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'P':
			o->points = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r': /* reference level */
			if (o->nrefs == MAX_OPT_LIST)
				lmi_usage_error(usage, "too many --ref options");
			o->refs[o->nrefs++] = optarg;
			break;
		case 's':
			o->standardize = 1;
			break;
		case 't':
			o->target = optarg;
			break;
		case 'T':
			o->tiers = optarg;
			break;
		case 'V':
			lmi_version();
		case 'w': /* row filter */
			if (o->nwhere == MAX_OPT_LIST)
				lmi_usage_error(usage, "too many --where options");
			if (lmi_where_parse(&o->where[o->nwhere], optarg) != LMI_OK)
				lmi_usage_error(usage, "--where wants COL=VALUE, not '%s'", optarg);
			o->nwhere++;
			break;
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (o->target == NULL || o->features == NULL)
		lmi_usage_error(usage, "--target and --features are required");
	if (argc - optind > 1)
		lmi_usage_error(usage, "at most one input file");
}

/* Reads the rows that pass --where into m; dies on malformed input. */
static void collect(struct lmi_model *m, struct opts *o, const char *path,
		    unsigned long long *nin)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts co = { 0 };
	char err[512];
	int rc = lmi_csv_open(&r, path, &co);

	if (rc != LMI_OK)
		lmi_die_at(r.name, r.err_line, "%s", r.err);
	if (r.header.n == 0)
		lmi_die("%s: empty input", r.name);
	if (lmi_model_bind(m, &r, 1, err, sizeof(err)) != LMI_OK)
		lmi_die_at(r.name, r.header.line, "%s", err);
	rc = lmi_where_bind(o->where, o->nwhere, &r);
	if (rc >= 0)
		lmi_die_at(r.name, r.header.line, "no column '%s' (in --where) in the header",
			   o->where[rc].col);
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		(*nin)++;
		if (!lmi_where_match(o->where, o->nwhere, &row))
			continue;
		rc = lmi_model_add(m, &row, err, sizeof(err));
		if (rc == LMI_ENOMEM)
			lmi_die("out of memory after %zu rows", m->nrows);
		if (rc != LMI_OK)
			lmi_die_at(r.name, row.line, "%s", err);
	}
	if (rc < 0)
		lmi_die_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
}

/* Writes the model (and the scorecard) to their files; returns an exit status. */
static int write_outputs(const struct lmi_model *m, const struct opts *o)
{
	FILE *fp = stdout;

	if (o->output != NULL && strcmp(o->output, "-") != 0) {
		fp = fopen(o->output, "w");
		if (fp == NULL)
			lmi_die_errno("cannot open '%s'", o->output);
	}
	if (lmi_model_write(m, fp) != LMI_OK || (fp != stdout && fclose(fp) != 0))
		lmi_die_errno("cannot write '%s'", o->output ? o->output : "<stdout>");
	if (o->points != NULL) {
		fp = strcmp(o->points, "-") == 0 ? stdout : fopen(o->points, "w");
		if (fp == NULL)
			lmi_die_errno("cannot open '%s'", o->points);
		if (lmi_model_write_points(m, fp, 600, 19, 50) != LMI_OK ||
		    (fp != stdout && fclose(fp) != 0))
			lmi_die_errno("cannot write '%s'", o->points);
	}
	return lmi_close_stdout();
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct lmi_model m;
	unsigned long long nin = 0;
	char err[512];
	int status;

	lmi_cli_init(argv[0]);
	parse_args(argc, argv, &o);
	if (lmi_model_init(&m, o.target, o.features, o.categorical, o.refs, o.nrefs, err,
			   sizeof(err)) != LMI_OK)
		lmi_usage_error(usage, "%s", err);
	m.l2 = o.l2;
	m.standardize = o.standardize;
	m.missing = o.missing && strcmp(o.missing, "indicator") == 0 ? LMI_MISSING_INDICATOR
								      : LMI_MISSING_ERROR;
	if (o.tiers && lmi_model_parse_tiers(o.tiers, &m.tier_low, &m.tier_high) != LMI_OK)
		lmi_usage_error(usage, "--tiers wants low:P,high:P with 0 < low <= high < 1");
	if (o.as_of)
		snprintf(m.as_of, sizeof(m.as_of), "%s", o.as_of);
	if (o.na)
		m.na = lmi_xstrdup(o.na);

	collect(&m, &o, optind < argc ? argv[optind] : "-", &nin);
	if (lmi_model_fit(&m, err, sizeof(err)) != LMI_OK)
		lmi_die("%s", err);
	if (m.fit.warning[0] != '\0')
		lmi_warn("%s", m.fit.warning);
	if (!o.quiet) {
		lmi_warn("fitted %llu of %llu rows (%llu left out by --where), %zu terms",
			 m.fit.n, nin, nin - m.fit.n, m.nterm);
		lmi_model_summary(&m, stderr);
	}
	status = write_outputs(&m, &o);
	lmi_model_release(&m);
	for (size_t i = 0; i < o.nwhere; i++)
		lmi_where_release(&o.where[i]);
	return status;
}

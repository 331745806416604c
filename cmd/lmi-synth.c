/* lmi-synth: write realistic synthetic canonical extracts with planted truth columns. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "synth.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi synth --kind KIND --rows N [--seed S] [--dup-rate R] [--bad-rate R]",
	"",
	"Writes N rows of realistic synthetic data in the canonical schema of KIND",
	"(lmi-formats(5)) to standard output, plus truth columns at the end: vacancy",
	"truth_cluster (source_id of the original a planted duplicate copies) and",
	"truth_bad (the planted rule id, empty for clean rows); claim and training",
	"truth_bad; seeker rows follow a known logistic model of ltu (lmi-synth(1)).",
	"The same options and seed give byte-identical output.  Streams: memory",
	"does not grow with N.",
	"",
	"  -k, --kind KIND        vacancy, claim, training or seeker",
	"  -n, --rows N           number of data rows",
	"  -s, --seed S           random seed, 0..4294967295 (default 1)",
	"      --dup-rate R       share of planted duplicate postings, 0..1 (default 0.1)",
	"      --bad-rate R       share of rows with a planted rule violation, 0..1 (default 0.02)",
	"  -h, --help             show this help",
	"  -V, --version          show version",
	"",
	"exit: 0 ok, 1 write error, 2 usage error",
	"example: lmi synth --kind vacancy --rows 10000 --seed 7 | lmi validate --kind vacancy",
	NULL,
};

static const struct option longopts[] = {
	{ "bad-rate", required_argument, NULL, 'B' },
	{ "dup-rate", required_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "kind", required_argument, NULL, 'k' },
	{ "rows", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Parses a rate in [0, 1]: digits with an optional decimal part, nothing else. */
static double parse_rate(const char *opt, const char *arg)
{
	char *end;
	double v;

	if (strspn(arg, "0123456789.") != strlen(arg) || *arg == '\0')
		lmi_usage_error(usage, "%s must be a number from 0 to 1: '%s'", opt, arg);
	v = strtod(arg, &end);
	if (*end != '\0' || !(v >= 0 && v <= 1))
		lmi_usage_error(usage, "%s must be a number from 0 to 1: '%s'", opt, arg);
	return v;
}

static long long parse_int(const char *opt, const char *arg, long long max)
{
	long long v;
	const char *err;

	if (lmi_parse_long(arg, 0, max, &v, &err) != 0)
		lmi_usage_error(usage, "%s is %s: '%s'", opt, err, arg);
	return v;
}

int main(int argc, char **argv)
{
	struct lmi_synth_opts o = { NULL, 0, 1, LMI_SYNTH_DUP_RATE, LMI_SYNTH_BAD_RATE };
	struct lmi_csvw w;
	int c, rc, have_rows = 0, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hk:n:s:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': /* share of planted violations */
			o.bad_rate = parse_rate("--bad-rate", optarg);
			break;
		case 'D': /* share of planted duplicates */
			o.dup_rate = parse_rate("--dup-rate", optarg);
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'k':
			o.kind = optarg;
			break;
		case 'n': /* data rows */
			o.rows = (unsigned long long)parse_int("--rows", optarg, 10000000000LL);
			have_rows = 1;
			break;
		case 's':
			o.seed = (unsigned long)parse_int("--seed", optarg, 4294967295LL);
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		lmi_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (o.kind == NULL || !have_rows)
		lmi_usage_error(usage, "--kind and --rows are required");
	if (!lmi_synth_kind_valid(o.kind))
		lmi_usage_error(usage, "unknown kind '%s' (vacancy, claim, training, seeker)",
				o.kind);
	if (o.dup_rate + o.bad_rate > 1)
		lmi_usage_error(usage, "--dup-rate plus --bad-rate exceeds 1");

	lmi_csvw_init(&w, stdout, ',');
	rc = lmi_synth_write(&o, &w);
	if (lmi_csvw_flush(&w) != LMI_OK && rc == LMI_OK)
		rc = LMI_EIO;
	lmi_csvw_release(&w);
	if (rc != LMI_OK && rc != LMI_EIO) {
		lmi_warn("%s", lmi_strerror(rc));
		status = LMI_EDATA;
	}
	if (lmi_close_stdout() != LMI_OK || rc == LMI_EIO)
		status = LMI_EDATA;
	return status;
}

/* lmi-report: XLSX workbook and self-contained HTML status board from tidy indicator CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "parse.h"
#include "report.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi report [--xlsx FILE] [--html FILE] [--title T] [--as-of DATE] "
	"[--definitions FILE] [FILE...]",
	"",
	"Reads tidy indicator CSV (the output of lmi indicators: indicator, period,",
	"group columns, numerator, denominator, value, ci_low, ci_high, n, note) and",
	"writes an XLSX workbook (a README sheet, one sheet per indicator with typed",
	"cells, a Charts sheet with native line and bar charts) and/or one",
	"self-contained HTML board (headline figures, change from the last period,",
	"inline SVG charts, tables, definitions).  Outputs are written to FILE.tmp and",
	"renamed when complete.  At least one of --xlsx and --html is required.",
	"Memory: data sheets stream (constant memory); charts keep at most 240",
	"periods x 60 groups of each of at most 250 indicators (about 1 MiB each);",
	"a repeated indicator, period and group replaces the earlier value.",
	"",
	"      --as-of DATE        reference date shown on the board (YYYY-MM-DD)",
	"      --definitions FILE  CSV: indicator,definition[,numerator,denominator,source]",
	"  -h, --help              show this help",
	"      --html FILE         write the HTML board to FILE",
	"      --quiet             do not print the row count",
	"      --title T           title of the workbook and the board",
	"  -V, --version           show version",
	"      --xlsx FILE         write the workbook to FILE",
	"",
	"exit: 0 ok, 1 bad input or I/O error, 2 usage error",
	"example: lmi indicators vacancy --by region_code vac.csv | "
	"lmi report --xlsx board.xlsx --html board.html",
	NULL,
};

enum { OPT_ASOF = 256, OPT_DEFS, OPT_HTML, OPT_QUIET, OPT_TITLE, OPT_XLSX };

static const struct option longopts[] = {
	{ "as-of", required_argument, NULL, OPT_ASOF },
	{ "definitions", required_argument, NULL, OPT_DEFS },
	{ "help", no_argument, NULL, 'h' },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "version", no_argument, NULL, 'V' },
	{ "xlsx", required_argument, NULL, OPT_XLSX },
	{ NULL, 0, NULL, 0 },
};

/* Streams one input file into the report. */
static int report_file(struct lmi_report *rp, const char *path, unsigned long long *rows)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	int rc = lmi_csv_open(&r, path, NULL);

	if (rc != LMI_OK || r.header.n == 0)
		goto out;
	rc = lmi_report_begin_file(rp, r.name, &r.header);
	if (rc != LMI_OK) {
		lmi_warn_at(r.name, r.header.line, "%s", lmi_report_error(rp));
		goto out;
	}
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		(*rows)++;
		rc = lmi_report_row(rp, &row);
		if (rc != LMI_OK) {
			lmi_warn_at(r.name, row.line, "%s", lmi_report_error(rp));
			goto out;
		}
	}
out:
	if (rc < 0 && r.err[0] != '\0')
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	return rc < 0 ? LMI_EDATA : LMI_OK;
}

int main(int argc, char **argv)
{
	struct lmi_report_opts o = { 0 };
	struct lmi_report *rp;
	struct lmi_count cnt = { 0 };
	char err[600], asof[11];
	long days;
	int c, quiet = 0, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ASOF: /* date printed on the board and used as the workbook date */
			if (lmi_parse_date(optarg, &days) != LMI_OK)
				lmi_usage_error(usage, "--as-of needs a date such as 2026-11-25");
			lmi_format_date(days, asof); /* 20261125 and 2026.11.25 become ISO */
			o.as_of = asof;
			break;
		case OPT_DEFS: /* indicator definitions for README and board */
			o.definitions = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case OPT_HTML:
			o.html = optarg;
			break;
		case OPT_QUIET:
			quiet = 1;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case 'V':
			lmi_version();
		case OPT_XLSX:
			o.xlsx = optarg;
			break;
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (o.xlsx == NULL && o.html == NULL)
		lmi_usage_error(usage, "give --xlsx FILE, --html FILE or both");

	if (lmi_report_new(&rp, &o, err, sizeof(err)) != LMI_OK)
		lmi_die("%s", err);
	if (optind == argc)
		status = report_file(rp, "-", &cnt.in);
	for (int i = optind; i < argc && status == LMI_OK; i++)
		status = report_file(rp, argv[i], &cnt.in);
	if (status == LMI_OK && lmi_report_finish(rp) != LMI_OK) {
		lmi_warn("%s", lmi_report_error(rp));
		status = LMI_EDATA;
	}
	if (status == LMI_OK && lmi_report_uncharted(rp) > 0)
		lmi_warn("%llu rows beyond the chart limits are in the sheets only",
			 lmi_report_uncharted(rp));
	lmi_report_free(rp);
	cnt.out = cnt.in;
	if (status == LMI_OK && !quiet)
		status = lmi_count_report(&cnt);
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	return status;
}

/* lmi-merge: combine partial states written by 'lmi indicators --partial' into final indicators. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "indicators.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi merge [--partial] [FILE...]",
	"",
	"Reads any number of partial files written by 'lmi indicators SET --partial'",
	"(standard input when none or '-'; repeated header rows, as GNU parallel and",
	"Hadoop Streaming concatenate them, are skipped), adds their counts, sums,",
	"sums of squares, minima, maxima and duration histograms, and writes the same",
	"final CSV, byte for byte, as one 'lmi indicators' run over all the input.",
	"The SET and its options (--by, --period, --as-of, --min-cell, ...) travel in",
	"the partials' @opt rows; partials that disagree are an error.",
	"Memory grows with groups x periods x statistics, never with rows.",
	"",
	"  -h, --help       show this help",
	"      --partial    write the merged partial state (a combiner) instead",
	"  -V, --version    show version",
	"",
	"exit: 0 ok, 1 bad partial or failed stock-flow identity, 2 usage error",
	"example: parallel --pipe --header : lmi indicators claims --partial < c.csv | lmi merge",
	NULL,
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "partial", no_argument, NULL, 'P' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Merges one partial file; returns LMI_OK or LMI_EDATA after a message. */
static int merge_file(struct lmi_ind *ind, const char *path, int first)
{
	struct lmi_csv_opts copts = { .flags = LMI_CSV_SKIP_HEADERS };
	struct lmi_csv r;
	unsigned long line = 0;
	int rc = lmi_csv_open(&r, path, &copts);

	if (rc == LMI_OK && r.header.n == 0) {
		lmi_warn("%s: empty partial input", r.name);
		rc = LMI_EINVAL;
	} else if (rc == LMI_OK) {
		rc = lmi_ind_merge_file(ind, &r, first, &line);
		if (rc != LMI_OK)
			lmi_warn_at(r.name, line, "%s", ind->err);
	} else {
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	}
	lmi_csv_close(&r);
	return rc == LMI_OK ? LMI_OK : LMI_EDATA;
}

int main(int argc, char **argv)
{
	static struct lmi_ind ind;
	struct lmi_ind_opts o;
	struct lmi_csvw w;
	int c, partial = 0, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			lmi_usage_help(usage);
		case 'P': /* combiner: partial in, partial out */
			partial = 1;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	lmi_ind_opts_default(&o, LMI_IND_CLAIMS);
	lmi_ind_init(&ind, &o);
	if (optind == argc)
		status = merge_file(&ind, "-", 1);
	for (int i = optind; i < argc && status == LMI_OK; i++)
		status = merge_file(&ind, argv[i], i == optind);
	if (status == LMI_OK && ind.merge_set < 0) {
		lmi_warn("no partial state in the input (no '@opt' rows)");
		status = LMI_EDATA;
	}
	lmi_csvw_init(&w, stdout, ',');
	if (status == LMI_OK) {
		int rc = partial ? lmi_ind_write_partial(&ind, &w) : lmi_ind_finish(&ind, &w);

		if (rc != LMI_OK && rc != LMI_EIO)
			lmi_warn("%s", rc == LMI_EDATA ? ind.err : lmi_strerror(rc));
		if (rc != LMI_OK)
			status = LMI_EDATA;
	}
	/* A failed flush leaves the error in stdout; lmi_close_stdout() reports it. */
	if (lmi_csvw_flush(&w) != LMI_OK)
		status = LMI_EDATA;
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	lmi_csvw_release(&w);
	lmi_ind_release(&ind);
	return status;
}

/* lmi-link: link records of the same person across two files or within one (Fellegi-Sunter). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "link.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi link --id COL [-f SPEC] [-b SPEC]... [-t P] [-1] [-P | -c] [-p FILE]"
	" A.csv [B.csv]",
	"",
	"Links records of the same person across A and B (or within A when B is not",
	"given: pairs i < j).  Candidate pairs come from blocking passes; each field is",
	"compared at agreement levels; the m and u probabilities of every level are",
	"estimated by EM (no labels needed); a pair's match weight is the sum of",
	"log2(m/u) over its non-missing fields and its probability comes from the EM",
	"prior.  Writes id_a,id_b,match_weight,match_probability,gamma_<field>... for",
	"the pairs at or above the threshold, best first (weight, then A and B order).",
	"",
	"  -i, --id COL           record id column (COL or A_COL=B_COL); required",
	"  -f, --fields SPEC      fields to compare: COL[=B_COL][:CMP][,...]; CMP is",
	"                         exact, jw (3 equal, 2 Jaro-Winkler >= 0.92, 1 >= 0.85),",
	"                         id (2 equal, 1 one edit), num[:TOL] (2 equal, 1 within",
	"                         TOL, default 1) or date (4 equal, 3 day/month swapped,",
	"                         2 one part differs, 1 within 365 days); no CMP or no",
	"                         --fields: chosen from the column names and values",
	"  -b, --block SPEC       blocking pass COL[=B_COL][:N|:sdx][+COL...] (N = first",
	"                         N characters, sdx = Soundex, or the initial consonants",
	"                         of Hangul); repeat for several passes.  Default: one",
	"                         pass per id or date field on its whole value and one",
	"                         on the first two jw fields together",
	"  -t, --threshold P      keep pairs with match probability >= P (default 0.5)",
	"  -1, --one-to-one       keep each record's best partner only (greedy by weight)",
	"  -P, --pairs-only       leave out the per-field agreement columns",
	"  -c, --clusters         write cluster_id,file,id for every record instead:",
	"                         connected components of the linked pairs",
	"  -p, --params FILE      write the estimated m, u and lambda to FILE (CSV)",
	"  -M, --max-pairs N      stop when blocking gives more than N distinct",
	"                         candidate pairs (default 20000000)",
	"  -q, --quiet            no row accounting or summary on stderr",
	"  -h, --help             show this help",
	"  -V, --version          show version",
	"",
	"Missing values are neutral (weight 0).  Memory: both files are held (their",
	"size plus about 40 bytes per record and field) and 16 bytes per candidate",
	"pair, at most --max-pairs pairs (320 MB at the default).",
	"",
	"exit: 0 ok, 1 bad input (missing column, empty id, malformed CSV) or I/O error,",
	"2 usage error",
	"example: lmi link --id claim_id=enrollment_id -f name:jw,birth_date:date,sex -1"
	" claims.csv hrd.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "block", required_argument, NULL, 'b' },
	{ "clusters", no_argument, NULL, 'c' },
	{ "fields", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "id", required_argument, NULL, 'i' },
	{ "max-pairs", required_argument, NULL, 'M' },
	{ "one-to-one", no_argument, NULL, '1' },
	{ "pairs-only", no_argument, NULL, 'P' },
	{ "params", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "threshold", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Prints the engine's error with file:line when it has them. */
static int report(const struct lmi_link *lk)
{
	if (lk->err_file != NULL)
		lmi_warn_at(lk->err_file, lk->err_line, "%s", lk->err);
	else
		lmi_warn("%s", lk->err);
	return LMI_EDATA;
}

/* Reads one input into side 0 (A) or 1 (B). */
static int read_side(struct lmi_link *lk, int side, const char *path)
{
	struct lmi_csv r;
	int rc = lmi_csv_open(&r, path, NULL);

	if (rc != LMI_OK) {
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
		lmi_csv_close(&r);
		return LMI_EDATA;
	}
	rc = lmi_link_read(lk, side, &r);
	lmi_csv_close(&r);
	return rc == LMI_OK ? LMI_OK : report(lk);
}

/* Writes the m/u table to path. */
static int write_params(const struct lmi_link *lk, const char *path)
{
	struct lmi_csvw w;
	FILE *fp = fopen(path, "w");
	int rc;

	if (fp == NULL) {
		lmi_warn_errno("cannot open '%s'", path);
		return LMI_EDATA;
	}
	lmi_csvw_init(&w, fp, ',');
	rc = lmi_link_write_params(lk, &w);
	if (lmi_csvw_flush(&w) != LMI_OK)
		rc = LMI_EIO;
	lmi_csvw_release(&w);
	if (fclose(fp) != 0)
		rc = LMI_EIO;
	if (rc != LMI_OK) {
		lmi_warn("cannot write '%s'", path);
		return LMI_EDATA;
	}
	return LMI_OK;
}

/* Warns once per column about values that are not numbers or dates. */
static void warn_bad_values(const struct lmi_link *lk)
{
	for (size_t k = 0; k < lk->nf; k++)
		for (int side = 0; side < 1 + lk->two; side++)
			if (lk->f[k].bad[side] > 0)
				lmi_warn_at(lk->file[side].name, lk->f[k].bad_line[side],
					    "%llu value(s) of column '%s' are not a %s; "
					    "compared as missing", lk->f[k].bad[side],
					    lk->f[k].name[side],
					    lk->f[k].cmp == LMI_CMP_NUM ? "number" : "date");
}

/* Writes the pairs or clusters to stdout, the params file, and the summary. */
static int finish(const struct lmi_link *lk, int clusters, const char *params, int quiet)
{
	struct lmi_csvw w;
	struct lmi_count cnt = { 0 };
	int rc, status = LMI_OK;

	lmi_csvw_init(&w, stdout, ',');
	rc = clusters ? lmi_link_write_clusters(lk, &w) : lmi_link_write_pairs(lk, &w);
	if (lmi_csvw_flush(&w) != LMI_OK || rc != LMI_OK)
		status = LMI_EDATA;
	lmi_csvw_release(&w);
	if (status == LMI_OK && params != NULL)
		status = write_params(lk, params);
	warn_bad_values(lk);
	cnt.in = lk->file[0].nrec + (lk->two ? lk->file[1].nrec : 0);
	cnt.out = cnt.in;
	if (!quiet) {
		lmi_warn("candidates=%zu patterns=%zu linked=%zu lambda=%.6g em_iterations=%d%s",
			 lk->npairs, lk->npat, lk->nlinked, lk->fs.lambda, lk->fs.iterations,
			 lk->npat > 0 && !lk->fs.converged ? " (not converged)" : "");
		if (lmi_count_report(&cnt) != LMI_OK)
			status = LMI_EDATA;
	}
	return status;
}

static double parse_prob(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= 0 && v <= 1))
		lmi_usage_error(usage, "--threshold must be a number in [0, 1], not '%s'", s);
	return v;
}

int main(int argc, char **argv)
{
	struct lmi_link lk;
	const char *params = NULL, *id = NULL;
	int c, clusters = 0, quiet = 0, status;
	long long v;
	const char *es;

	lmi_cli_init(argv[0]);
	lmi_link_init(&lk);
	while ((c = getopt_long(argc, argv, "1b:cf:hi:M:Pp:qt:V", longopts, NULL)) != -1) {
		switch (c) {
		case '1': /* best partner only */
			lk.flags |= LMI_LINK_ONE_TO_ONE;
			break;
		case 'b': /* blocking pass */
			if (lmi_link_add_block(&lk, optarg) != LMI_OK)
				lmi_usage_error(usage, "%s", lk.err);
			break;
		case 'c': /* connected components instead of pairs */
			clusters = 1;
			break;
		case 'f': /* compared fields */
			if (lmi_link_add_fields(&lk, optarg) != LMI_OK)
				lmi_usage_error(usage, "%s", lk.err);
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'i': /* id column */
			id = optarg;
			if (lmi_link_set_id(&lk, optarg) != LMI_OK)
				lmi_usage_error(usage, "%s", lk.err);
			break;
		case 'M': /* candidate pair cap */
			if (lmi_parse_long(optarg, 1, 1LL << 40, &v, &es) < 0)
				lmi_usage_error(usage, "--max-pairs '%s' is %s", optarg, es);
			lk.max_pairs = (size_t)v;
			break;
		case 'P': /* no agreement columns */
			lk.flags |= LMI_LINK_PAIRS_ONLY;
			break;
		case 'p': /* m/u table */
			params = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 't': /* probability threshold */
			lk.threshold = parse_prob(optarg);
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (id == NULL)
		lmi_usage_error(usage, "--id is required");
	if (clusters && (lk.flags & LMI_LINK_PAIRS_ONLY))
		lmi_usage_error(usage, "--clusters and --pairs-only exclude each other");
	if (argc - optind > 2)
		lmi_usage_error(usage, "at most two input files");
	if (argc - optind == 2 && strcmp(argv[optind], "-") == 0 &&
	    strcmp(argv[optind + 1], "-") == 0)
		lmi_usage_error(usage, "only one input can be standard input");

	status = read_side(&lk, 0, optind < argc ? argv[optind] : "-");
	if (status == LMI_OK && argc - optind == 2)
		status = read_side(&lk, 1, argv[optind + 1]);
	if (status == LMI_OK && lmi_link_run(&lk) != LMI_OK)
		status = report(&lk);
	if (status == LMI_OK)
		status = finish(&lk, clusters, params, quiet);
	lmi_link_release(&lk);
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	return status;
}

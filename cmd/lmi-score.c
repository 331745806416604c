/* lmi-score: append a model's probability, tier and top reasons to each row. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "model.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi score --model MODEL [--top-k K] [--tiers low:P,high:P] [--rejects FILE] [FILE]",
	"",
	"Streams rows and appends three columns: score (the model's probability),",
	"tier (low below the low threshold, high at or above the high one, else",
	"medium; thresholds from the model unless --tiers) and reasons: the K",
	"features with the largest contributions beta * (x - training mean) on the",
	"log-odds scale, as \"ui=1 +0.82; age=52 +0.41\" (a categorical feature's",
	"contribution sums its level terms).  A row with a missing feature (and no",
	"missing term in the model), a non-number or a level unseen in training goes",
	"to the rejects file.  Row-local: runs unchanged under GNU parallel.",
	"Streams: memory does not grow with input size.",
	"",
	"  -m, --model MODEL       model file written by lmi train",
	"  -k, --top-k K           reasons per row (default 3; 0 leaves reasons empty)",
	"      --tiers low:P,high:P  override the model's tier thresholds",
	"      --rejects FILE      write rejected rows here (line, rule, field, value,",
	"                          message, then the original row)",
	"  -q, --quiet             no row accounting on standard error",
	"  -h, --help              show this help",
	"  -V, --version           show version",
	"",
	"exit: 0 ok, 1 bad model, malformed input or I/O error, 2 usage error,",
	"      3 output written but rows were rejected",
	"example: lmi score -m model.csv -k 3 new-claims.csv | lmi report --xlsx caseload.xlsx",
	NULL,
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "model", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, 'R' },
	{ "tiers", required_argument, NULL, 'T' },
	{ "top-k", required_argument, NULL, 'k' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *model, *rejects, *tiers;
	long long topk;
	int quiet;
};

struct scorer {
	struct lmi_model m;
	struct lmi_model_memo *memo; /* repeated values are scored and explained once */
	struct lmi_csvw out, rej;
	FILE *rejfp;
	double *contrib;
	char *reasons;
	size_t rcap;
	struct lmi_count count;
	struct lmi_warncap wc;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	const char *errstr;
	int c;

	o->topk = 3;
	while ((c = getopt_long(argc, argv, "hk:m:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			lmi_usage_help(usage);
		case 'k': /* reasons per row */
			if (lmi_parse_long(optarg, 0, 1000, &o->topk, &errstr) != 0)
				lmi_usage_error(usage, "--top-k is %s: '%s'", errstr, optarg);
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'R':
			o->rejects = optarg;
			break;
		case 'T':
			o->tiers = optarg;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (o->model == NULL)
		lmi_usage_error(usage, "--model is required");
	if (argc - optind > 1)
		lmi_usage_error(usage, "at most one input file");
}

/* Writes the header of output and rejects. */
static void write_headers(struct scorer *s, const struct lmi_csv *r)
{
	static const char *const rejcols[] = { "line", "rule", "field", "value", "message" };

	for (size_t i = 0; i < r->header.n; i++)
		lmi_csvw_field(&s->out, r->header.f[i], r->header.len[i]);
	lmi_csvw_str(&s->out, "score");
	lmi_csvw_str(&s->out, "tier");
	lmi_csvw_str(&s->out, "reasons");
	lmi_csvw_endrow(&s->out);
	if (s->rejfp == NULL)
		return;
	for (size_t i = 0; i < 5; i++)
		lmi_csvw_str(&s->rej, rejcols[i]);
	lmi_csvw_row(&s->rej, &r->header);
}

static void reject(struct scorer *s, const struct lmi_csv *r, const struct lmi_csv_row *row,
		   const struct lmi_score_err *e)
{
	const char *name = s->m.feat[e->feature].name;
	char msg[512], line[32];

	if (strcmp(e->rule, "missing") == 0)
		snprintf(msg, sizeof(msg), "feature '%.100s' is missing (the model has no "
			 "missing term for it)", name);
	else if (strcmp(e->rule, "unknown_level") == 0)
		snprintf(msg, sizeof(msg), "level '%.100s' of '%.100s' was not seen in training",
			 e->value, name);
	else
		snprintf(msg, sizeof(msg), "feature '%.100s' is not a number: '%.100s'", name,
			 e->value);
	lmi_warncap_at(&s->wc, r->name, row->line, "%s", msg);
	s->count.rejected++;
	if (s->rejfp == NULL)
		return;
	snprintf(line, sizeof(line), "%lu", row->line);
	lmi_csvw_str(&s->rej, line);
	lmi_csvw_str(&s->rej, e->rule);
	lmi_csvw_str(&s->rej, name);
	lmi_csvw_str(&s->rej, e->value);
	lmi_csvw_str(&s->rej, msg);
	lmi_csvw_row(&s->rej, row);
}

/* Scores every row of path.  Returns LMI_OK or LMI_EDATA (after a message). */
static int score_file(struct scorer *s, const struct opts *o, const char *path)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts co = { 0 };
	struct lmi_score_err e;
	char err[512], num[64]; /* at most 39 bytes of number, a comma and "medium" */
	const char *tier;
	double p, lp;
	size_t k, tl;
	int n, q, rc = lmi_csv_open(&r, path, &co);

	if (rc != LMI_OK || r.header.n == 0)
		goto out;
	if (lmi_model_bind(&s->m, &r, 0, err, sizeof(err)) != LMI_OK) {
		lmi_warn_at(r.name, r.header.line, "%s", err);
		lmi_csv_close(&r);
		return LMI_EDATA;
	}
	write_headers(s, &r);
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		s->count.in++;
		if (lmi_model_score_memo(&s->m, s->memo, &row, &p, &lp, s->contrib, &e) != LMI_OK) {
			reject(s, &r, &row, &e);
			continue;
		}
		n = lmi_model_reasons_memo(&s->m, s->memo, &row, s->contrib, (size_t)o->topk,
					   &s->reasons, &s->rcap, &q);
		if (n < 0)
			lmi_die("out of memory");
		lmi_csvw_fields(&s->out, &row);
		/* Digits, a comma and a tier word: already CSV, two fields in one append. */
		k = lmi_model_fmt_fixed(num, p, 6, 0);
		tier = lmi_model_tier(p, s->m.tier_low, s->m.tier_high);
		num[k++] = ',';
		tl = strlen(tier);
		memcpy(num + k, tier, tl);
		k += tl;
		lmi_csvw_encoded(&s->out, num, k, 2);
		if (q)
			lmi_csvw_field(&s->out, s->reasons, (size_t)n);
		else
			lmi_csvw_encoded(&s->out, s->reasons, (size_t)n, 1);
		lmi_csvw_endrow(&s->out);
		s->count.out++;
	}
out:
	if (rc < 0)
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	return rc < 0 ? LMI_EDATA : LMI_OK;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct scorer s = { 0 };
	char err[512];
	int status;

	lmi_cli_init(argv[0]);
	parse_args(argc, argv, &o);
	if (lmi_model_read(&s.m, o.model, err, sizeof(err)) != LMI_OK)
		lmi_die("%s: %s", o.model, err);
	if (o.tiers && lmi_model_parse_tiers(o.tiers, &s.m.tier_low, &s.m.tier_high) != LMI_OK)
		lmi_usage_error(usage, "--tiers wants low:P,high:P with 0 < low <= high < 1");
	s.contrib = lmi_xcalloc(s.m.nfeat + 1, sizeof(*s.contrib));
	s.memo = lmi_model_memo_new(&s.m);
	if (s.memo == NULL)
		lmi_die("out of memory");
	s.wc.cap = 10;
	if (o.rejects != NULL) {
		s.rejfp = fopen(o.rejects, "w");
		if (s.rejfp == NULL)
			lmi_die_errno("cannot open '%s'", o.rejects);
		lmi_csvw_init(&s.rej, s.rejfp, ',');
	}
	lmi_csvw_init(&s.out, stdout, ',');

	status = score_file(&s, &o, optind < argc ? argv[optind] : "-");
	lmi_warncap_summary(&s.wc);
	if (lmi_csvw_flush(&s.out) != LMI_OK)
		status = LMI_EDATA;
	if (s.rejfp != NULL && (lmi_csvw_flush(&s.rej) != LMI_OK || fclose(s.rejfp) != 0)) {
		lmi_warn_errno("cannot write '%s'", o.rejects);
		status = LMI_EDATA;
	}
	if (!o.quiet && lmi_count_report(&s.count) != LMI_OK)
		status = LMI_EDATA;
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	if (status == LMI_OK && s.count.rejected > 0)
		status = LMI_EPARTIAL;
	lmi_csvw_release(&s.out);
	lmi_csvw_release(&s.rej);
	lmi_model_memo_free(s.memo);
	lmi_model_release(&s.m);
	free(s.contrib);
	free(s.reasons);
	return status;
}

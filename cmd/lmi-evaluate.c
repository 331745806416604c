/* lmi-evaluate: the model card: discrimination, calibration and fairness of a profiling model. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "metrics.h"
#include "model.h"
#include "banned.h"

#define MAX_GROUPS 16
#define MAX_WHERE 64
#define Z975 1.959963984540054 /* qnorm(0.975) */

static const char *const usage[] = {
	"usage: lmi evaluate --model MODEL [--target COL] [--group COL,...] [--where COL=VALUE]",
	"                    [--tiers low:P,high:P] [--format csv|md] [FILE]",
	"",
	"Scores every row with the model and writes the model card as rows of",
	"group,level,metric,value: n, prevalence, mean predicted, calibration in the",
	"large (observed - predicted), AUC with its DeLong standard error and 95% CI,",
	"Brier score, log-loss, calibration intercept and slope (logistic regression",
	"of the outcome on the logit of the score), confusion counts and FPR/FNR at",
	"both tier thresholds (positive = score >= threshold); for all rows also",
	"calibration by risk decile (group 'decile') and the Hosmer-Lemeshow test",
	"(10 groups, 8 df).  Each --group column (which need not be a model feature)",
	"adds the same metrics per level and the max-min gaps across levels.",
	"Memory: holds 9 bytes plus 4 per --group column per row.",
	"",
	"  -m, --model MODEL       model file written by lmi train",
	"  -t, --target COL        0/1 outcome column (default: the model's target)",
	"  -g, --group LIST        audit these columns (comma-separated, up to 16)",
	"  -w, --where COL=VALUE   evaluate only rows whose COL equals VALUE (repeatable)",
	"      --tiers low:P,high:P  override the model's tier thresholds",
	"      --format FMT        csv (default) or md (a Markdown table)",
	"  -q, --quiet             no row accounting on standard error",
	"  -h, --help              show this help",
	"  -V, --version           show version",
	"",
	"exit: 0 ok, 1 bad model, malformed input or I/O error, 2 usage error,",
	"      3 output written but rows could not be scored",
	"example: lmi evaluate -m model.csv -g sex,region --where split=test seekers.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'F' },
	{ "group", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "model", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "target", required_argument, NULL, 't' },
	{ "tiers", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ "where", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *model, *target, *groups, *tiers;
	struct lmi_where where[MAX_WHERE];
	size_t nwhere;
	int md, quiet;
};

/* The scored rows held for the metrics. */
struct eval {
	struct lmi_model m;
	size_t n, cap;
	double *p;
	unsigned char *y;
	unsigned *gl; /* n x ngroup level indices */
	size_t ngroup;
	struct lmi_model_feature group[MAX_GROUPS]; /* name and levels of each --group column */
	int gcol[MAX_GROUPS], tcol;
	struct lmi_count count;
	unsigned long long filtered;
	struct lmi_warncap wc;
	struct lmi_csvw w;
	int md;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "g:hm:qt:Vw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': /* output format */
			if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "md") != 0)
				lmi_usage_error(usage, "--format is 'csv' or 'md'");
			o->md = strcmp(optarg, "md") == 0;
			break;
		case 'g':
			o->groups = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'm':
			o->model = optarg;
			break;
		case 'q':
			o->quiet = 1;
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
			if (o->nwhere == MAX_WHERE)
				lmi_usage_error(usage, "too many --where options");
			if (lmi_where_parse(&o->where[o->nwhere], optarg) != LMI_OK)
				lmi_usage_error(usage, "--where wants COL=VALUE, not '%s'", optarg);
			o->nwhere++;
			break;
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (o->model == NULL)
		lmi_usage_error(usage, "--model is required");
	if (argc - optind > 1)
		lmi_usage_error(usage, "at most one input file");
}

/* Splits --group into e->group[].name. */
static void parse_groups(struct eval *e, const char *list)
{
	const char *s = list;

	while (s != NULL && *s != '\0') {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		char *name;

		if (e->ngroup == MAX_GROUPS)
			lmi_usage_error(usage, "at most %d --group columns", MAX_GROUPS);
		if (n == 0)
			lmi_usage_error(usage, "empty column name in --group");
		name = lmi_xmalloc(n + 1);
		memcpy(name, s, n);
		name[n] = '\0';
		e->group[e->ngroup++].name = name;
		s = c ? c + 1 : NULL;
	}
}

/* ---- output ---- */

static void emit(struct eval *e, const char *group, const char *level, const char *metric,
		 const char *value)
{
	if (!e->md) {
		lmi_csvw_str(&e->w, group);
		lmi_csvw_str(&e->w, level);
		lmi_csvw_str(&e->w, metric);
		lmi_csvw_str(&e->w, value);
		lmi_csvw_endrow(&e->w);
		return;
	}
	/* Markdown: escape the pipe so a level cannot break the table. */
	const char *f[4] = { group, level, metric, value };

	for (int i = 0; i < 4; i++) {
		fputs("| ", stdout);
		for (const char *c = f[i]; *c != '\0'; c++) {
			if (*c == '|')
				fputc('\\', stdout);
			fputc(*c, stdout);
		}
		fputc(' ', stdout);
	}
	fputs("|\n", stdout);
}

static void emitf(struct eval *e, const char *group, const char *level, const char *metric,
		  double v)
{
	char b[64];

	if (isnan(v))
		b[0] = '\0';
	else
		snprintf(b, sizeof(b), "%.10g", fabs(v) < 1e-12 ? 0.0 : v);
	emit(e, group, level, metric, b);
}

/* Metrics of the rows idx[0..n) under (group, level). */
struct slice_out {
	double citl, fpr[2], fnr[2];
};

static void slice(struct eval *e, const char *group, const char *level, const double *p,
		  const unsigned char *y, size_t n, struct slice_out *so)
{
	static const char *const tname[2] = { "low", "high" };
	double thr[2] = { e->m.tier_low, e->m.tier_high };
	double pos = 0, meanp = 0, auc = NAN, se = NAN, ci = NAN, cs = NAN;
	char name[64];

	for (size_t i = 0; i < n; i++) {
		pos += y[i];
		meanp += p[i];
	}
	meanp = n ? meanp / (double)n : NAN;
	emitf(e, group, level, "n", (double)n);
	emitf(e, group, level, "positives", pos);
	emitf(e, group, level, "prevalence", n ? pos / (double)n : NAN);
	emitf(e, group, level, "mean_predicted", meanp);
	so->citl = n ? pos / (double)n - meanp : NAN;
	emitf(e, group, level, "calibration_in_the_large", so->citl);
	if (lmi_auc_delong(p, y, n, &auc, &se) != LMI_OK)
		auc = se = NAN;
	emitf(e, group, level, "auc", auc);
	emitf(e, group, level, "auc_se_delong", se);
	emitf(e, group, level, "auc_lower_95", isnan(auc) ? NAN : fmax(0, auc - Z975 * se));
	emitf(e, group, level, "auc_upper_95", isnan(auc) ? NAN : fmin(1, auc + Z975 * se));
	emitf(e, group, level, "brier", n ? lmi_brier(p, y, n) : NAN);
	emitf(e, group, level, "log_loss", n ? lmi_logloss(p, y, n) : NAN);
	if (lmi_calibration(p, y, n, &ci, &cs) != LMI_OK)
		ci = cs = NAN;
	emitf(e, group, level, "calibration_intercept", ci);
	emitf(e, group, level, "calibration_slope", cs);
	for (int t = 0; t < 2; t++) {
		struct lmi_confusion c;
		double np, nn;

		lmi_confusion_at(p, y, n, thr[t], &c);
		np = (double)(c.tp + c.fn);
		nn = (double)(c.fp + c.tn);
		so->fpr[t] = nn > 0 ? (double)c.fp / nn : NAN;
		so->fnr[t] = np > 0 ? (double)c.fn / np : NAN;
		snprintf(name, sizeof(name), "tp_at_%s", tname[t]);
		emitf(e, group, level, name, (double)c.tp);
		snprintf(name, sizeof(name), "fp_at_%s", tname[t]);
		emitf(e, group, level, name, (double)c.fp);
		snprintf(name, sizeof(name), "tn_at_%s", tname[t]);
		emitf(e, group, level, name, (double)c.tn);
		snprintf(name, sizeof(name), "fn_at_%s", tname[t]);
		emitf(e, group, level, name, (double)c.fn);
		snprintf(name, sizeof(name), "fpr_at_%s", tname[t]);
		emitf(e, group, level, name, so->fpr[t]);
		snprintf(name, sizeof(name), "fnr_at_%s", tname[t]);
		emitf(e, group, level, name, so->fnr[t]);
	}
}

static void overall(struct eval *e)
{
	struct slice_out so;
	struct lmi_hl hl;
	char lv[24];

	emitf(e, "all", "", "threshold_low", e->m.tier_low);
	emitf(e, "all", "", "threshold_high", e->m.tier_high);
	slice(e, "all", "", e->p, e->y, e->n, &so);
	if (lmi_hosmer_lemeshow(e->p, e->y, e->n, 10, &hl) != LMI_OK) {
		emitf(e, "all", "", "hosmer_lemeshow_chisq", NAN);
		return;
	}
	emitf(e, "all", "", "hosmer_lemeshow_chisq", hl.stat);
	emitf(e, "all", "", "hosmer_lemeshow_df", hl.df);
	emitf(e, "all", "", "hosmer_lemeshow_p", hl.p_value);
	for (size_t k = 0; k < hl.g; k++) {
		snprintf(lv, sizeof(lv), "%zu", k + 1);
		emitf(e, "decile", lv, "n", (double)hl.n[k]);
		emitf(e, "decile", lv, "mean_predicted", hl.expected[k] / (double)hl.n[k]);
		emitf(e, "decile", lv, "observed_rate", hl.observed[k] / (double)hl.n[k]);
	}
}

/* Per-level metrics of group g and the max - min gaps. */
static void by_group(struct eval *e, size_t g)
{
	struct lmi_model_feature *f = &e->group[g];
	double *p = lmi_xmalloc((e->n + 1) * sizeof(*p));
	unsigned char *y = lmi_xmalloc(e->n + 1);
	double lo[5], hi[5];
	static const char *const gapname[5] = {
		"calibration_in_the_large_gap", "fpr_at_low_gap", "fnr_at_low_gap",
		"fpr_at_high_gap", "fnr_at_high_gap",
	};

	for (int k = 0; k < 5; k++) {
		lo[k] = HUGE_VAL;
		hi[k] = -HUGE_VAL;
	}
	for (size_t l = 0; l < f->nlevels; l++) {
		struct slice_out so;
		size_t n = 0;

		for (size_t i = 0; i < e->n; i++)
			if (e->gl[i * e->ngroup + g] == l) {
				p[n] = e->p[i];
				y[n++] = e->y[i];
			}
		slice(e, f->name, f->levels[l], p, y, n, &so);
		double v[5] = { so.citl, so.fpr[0], so.fnr[0], so.fpr[1], so.fnr[1] };

		for (int k = 0; k < 5; k++)
			if (!isnan(v[k])) {
				lo[k] = fmin(lo[k], v[k]);
				hi[k] = fmax(hi[k], v[k]);
			}
	}
	for (int k = 0; k < 5; k++)
		emitf(e, f->name, "(max-min)", gapname[k], hi[k] >= lo[k] ? hi[k] - lo[k] : NAN);
	free(p);
	free(y);
}

/* ---- input ---- */

static void bind(struct eval *e, struct opts *o, const struct lmi_csv *r)
{
	char err[512];
	int rc;

	if (lmi_model_bind(&e->m, r, 0, err, sizeof(err)) != LMI_OK)
		lmi_die_at(r->name, r->header.line, "%s", err);
	e->tcol = lmi_csv_col(r, o->target ? o->target : e->m.target);
	if (e->tcol < 0)
		lmi_die_at(r->name, r->header.line, "no column '%s' (the target) in the header",
			   o->target ? o->target : e->m.target);
	for (size_t g = 0; g < e->ngroup; g++) {
		e->gcol[g] = lmi_csv_col(r, e->group[g].name);
		if (e->gcol[g] < 0)
			lmi_die_at(r->name, r->header.line, "no column '%s' (in --group) in the "
				   "header", e->group[g].name);
	}
	rc = lmi_where_bind(o->where, o->nwhere, r);
	if (rc >= 0)
		lmi_die_at(r->name, r->header.line, "no column '%s' (in --where) in the header",
			   o->where[rc].col);
}

static void grow(struct eval *e)
{
	size_t cap = e->cap ? 2 * e->cap : 1024;

	e->p = lmi_xrealloc(e->p, cap * sizeof(*e->p));
	e->y = lmi_xrealloc(e->y, cap);
	e->gl = lmi_xrealloc(e->gl, cap * (e->ngroup + 1) * sizeof(*e->gl));
	e->cap = cap;
}

/* Scores and stores one row; unscorable rows and bad targets are counted as rejected. */
static void add_row(struct eval *e, const struct lmi_csv *r, const struct lmi_csv_row *row)
{
	const char *t = row->f[e->tcol];
	struct lmi_score_err se;
	double p, lp;

	if (lmi_model_target(t) < 0) {
		lmi_warncap_at(&e->wc, r->name, row->line,
			       "target must be 0 or 1 (or FALSE or TRUE), found '%s'", t);
		e->count.rejected++;
		return;
	}
	if (lmi_model_score(&e->m, row, &p, &lp, NULL, &se) != LMI_OK) {
		lmi_warncap_at(&e->wc, r->name, row->line, "cannot score: %s '%s' of '%s'",
			       se.rule, se.value, e->m.feat[se.feature].name);
		e->count.rejected++;
		return;
	}
	if (e->n == e->cap)
		grow(e);
	for (size_t g = 0; g < e->ngroup; g++) {
		long l = lmi_model_level_intern(&e->group[g], row->f[e->gcol[g]],
						row->len[e->gcol[g]]);

		if (l < 0)
			lmi_die_at(r->name, row->line, "more than %u levels in --group '%s'",
				   LMI_MODEL_MAX_LEVELS, e->group[g].name);
		e->gl[e->n * e->ngroup + g] = (unsigned)l;
	}
	e->p[e->n] = p;
	e->y[e->n++] = (unsigned char)lmi_model_target(t);
	e->count.out++;
}

static void read_rows(struct eval *e, struct opts *o, const char *path)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts co = { 0 };
	int rc = lmi_csv_open(&r, path, &co);

	if (rc != LMI_OK)
		lmi_die_at(r.name, r.err_line, "%s", r.err);
	if (r.header.n == 0)
		lmi_die("%s: empty input", r.name);
	bind(e, o, &r);
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		if (!lmi_where_match(o->where, o->nwhere, &row)) {
			e->filtered++;
			continue;
		}
		e->count.in++;
		add_row(e, &r, &row);
	}
	if (rc < 0)
		lmi_die_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	/* Sort each group's levels so the card lists them in a stable order. */
	for (size_t g = 0; g < e->ngroup; g++) {
		size_t *map;

		if (lmi_model_levels_sort(&e->group[g], &map) != LMI_OK)
			lmi_die("out of memory");
		for (size_t i = 0; i < e->n; i++)
			e->gl[i * e->ngroup + g] = (unsigned)map[e->gl[i * e->ngroup + g]];
		free(map);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct eval e = { 0 };
	char err[512];
	int status;

	lmi_cli_init(argv[0]);
	parse_args(argc, argv, &o);
	parse_groups(&e, o.groups);
	if (lmi_model_read(&e.m, o.model, err, sizeof(err)) != LMI_OK)
		lmi_die("%s: %s", o.model, err);
	if (o.tiers && lmi_model_parse_tiers(o.tiers, &e.m.tier_low, &e.m.tier_high) != LMI_OK)
		lmi_usage_error(usage, "--tiers wants low:P,high:P with 0 < low <= high < 1");
	e.wc.cap = 10;
	e.md = o.md;

	read_rows(&e, &o, optind < argc ? argv[optind] : "-");
	lmi_csvw_init(&e.w, stdout, ',');
	if (e.md)
		fputs("| group | level | metric | value |\n|---|---|---|---|\n", stdout);
	else
		emit(&e, "group", "level", "metric", "value");
	overall(&e);
	for (size_t g = 0; g < e.ngroup; g++)
		by_group(&e, g);
	status = lmi_csvw_flush(&e.w) == LMI_OK ? LMI_OK : LMI_EDATA;
	lmi_warncap_summary(&e.wc);
	if (!o.quiet && e.filtered > 0)
		lmi_warn("%llu rows left out by --where", e.filtered);
	if (!o.quiet && lmi_count_report(&e.count) != LMI_OK)
		status = LMI_EDATA;
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	if (status == LMI_OK && e.count.rejected > 0)
		status = LMI_EPARTIAL;
	lmi_csvw_release(&e.w);
	for (size_t g = 0; g < e.ngroup; g++) {
		free(e.group[g].name);
		lmi_model_levels_release(&e.group[g]);
	}
	for (size_t i = 0; i < o.nwhere; i++)
		lmi_where_release(&o.where[i]);
	lmi_model_release(&e.m);
	free(e.p);
	free(e.y);
	free(e.gl);
	return status;
}

/* lmi-validate: apply the rule tables to canonical CSV, flag warnings, reject errors with reasons.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "parse.h"
#include "rules.h"
#include "schema.h"
#include "banned.h"

/* clang-format off */
static const char *const usage[] = {
	"usage: lmi validate --kind vacancy|claim|training [--rules DIR] [--as-of DATE]"
	" [--rejects FILE] [--quiet] [FILE]",
	"",
	"Checks canonical CSV (standard input when no FILE or '-') against the rule",
	"tables (vacancy R1..R12, claim C0..C5, training T0..T4; see lmi-validate(1)).",
	"A row that breaks an error-severity rule is rejected: it goes to the rejects",
	"file with line, rule ids, field, value and message, or, without --rejects, is",
	"reported on stderr (capped).  Every other row goes to stdout unchanged, plus a",
	"'flags' column with the ids of the warnings it raised (appended to an existing",
	"'flags' column) and, for vacancies, 'wage_hourly_min' (wage_min per hour) and",
	"the derived 'status' (expired once close_date is before the as-of date).",
	"Streams: memory does not grow with input size.",
	"",
	"  -k, --kind KIND        vacancy, claim or training (required)",
	"  -a, --as-of DATE       reference date of the date rules (default $LMI_AS_OF,",
	"                         else today's UTC date; pass it in cron jobs)",
	"  -r, --rejects FILE     write rejected rows to FILE as CSV",
	"  -R, --rules DIR        rule tables (default $LMI_RULES_DIR, else",
	"                         ../data-samples/rules or ../share/lmi/rules by bin/)",
	"  -q, --quiet            do not print the row accounting line",
	"  -h, --help             show this help",
	"  -V, --version          show version",
	"",
	"exit: 0 ok, 1 malformed input, bad rule tables or I/O error, 2 usage error,",
	"      3 output written but rows were rejected",
	"example: lmi ingest --kind vacancy --profile worknet raw.csv |",
	"         lmi validate -k vacancy -a 2025-06-30 -r rej.csv > ok.csv",
	NULL,
};
/* clang-format on */

/* clang-format off */
static const struct option longopts[] = {
	{ "as-of", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ "kind", required_argument, NULL, 'k' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, 'r' },
	{ "rules", required_argument, NULL, 'R' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

struct run {
	const char *kind, *rules_dir, *rejects_path, *input;
	long as_of;
	int have_as_of, quiet;
	int vacancy; /* kind is vacancy: add wage_hourly_min and status */
	struct lmi_rules rules;
	struct lmi_csv in;
	struct lmi_csvw out, rej;
	FILE *rej_fp;
	int *cols;
	int flags_col, wage_col, status_col; /* existing output columns, or -1 */
	size_t special[3], nspecial;	     /* the existing ones, ascending */
	struct lmi_warncap cap;
	struct lmi_count count;
	char *buf; /* flags being built, reused from row to row */
	size_t buflen, bufcap;
};

static long parse_as_of(const char *s, const char *what)
{
	long d;

	if (lmi_parse_date(s, &d) != LMI_OK)
		lmi_usage_error(usage, "invalid %s date '%s'", what, s);
	return d;
}

/* The as-of date: --as-of, else $LMI_AS_OF, else today in UTC. */
static long default_as_of(void)
{
	const char *env = getenv("LMI_AS_OF");
	time_t now;

	if (env != NULL && env[0] != '\0')
		return parse_as_of(env, "LMI_AS_OF");
	now = time(NULL);
	if (now == (time_t)-1)
		lmi_die_errno("cannot read the clock");
	return (long)(now / 86400);
}

static int has_rules(const char *dir)
{
	char path[PATH_MAX];

	return (size_t)snprintf(path, sizeof(path), "%s/rules.csv", dir) < sizeof(path) &&
	       access(path, R_OK) == 0;
}

/* The rules directory: --rules, $LMI_RULES_DIR, then next to the executable. */
static const char *find_rules(const char *opt)
{
	static char dir[PATH_MAX];
	const char *env = getenv("LMI_RULES_DIR");

	if (opt != NULL)
		return opt;
	if (env != NULL && env[0] != '\0')
		return env;
	if (lmi_data_dir("rules", dir, sizeof(dir)) == LMI_OK && has_rules(dir))
		return dir;
	return "data-samples/rules";
}

static void buf_add(struct run *r, const char *s, size_t n)
{
	if (r->buflen + n + 1 > r->bufcap) {
		r->bufcap = 2 * (r->buflen + n + 1);
		r->buf = lmi_xrealloc(r->buf, r->bufcap);
	}
	memcpy(r->buf + r->buflen, s, n);
	r->buflen += n;
	r->buf[r->buflen] = '\0';
}

/* Appends the distinct ids of violations of severity `sev` to r->buf, ';'-separated. */
static void join_ids(struct run *r, const struct lmi_verdict *v, enum lmi_severity sev)
{
	for (size_t i = 0; i < v->n; i++) {
		size_t j;

		if (v->v[i].severity != sev)
			continue;
		for (j = 0; j < i; j++)
			if (v->v[j].severity == sev && strcmp(v->v[j].rule, v->v[i].rule) == 0)
				break;
		if (j < i)
			continue;
		if (r->buflen > 0)
			buf_add(r, ";", 1);
		buf_add(r, v->v[i].rule, strlen(v->v[i].rule));
	}
}

static void write_header(struct run *r)
{
	int vac = r->vacancy = strcmp(r->kind, "vacancy") == 0;

	r->flags_col = lmi_csv_col(&r->in, "flags");
	r->wage_col = vac ? lmi_csv_col(&r->in, "wage_hourly_min") : -1;
	r->status_col = vac ? lmi_csv_col(&r->in, "status") : -1;
	for (size_t i = 0; i < r->in.header.n; i++)
		if ((int)i == r->flags_col || (int)i == r->wage_col || (int)i == r->status_col)
			r->special[r->nspecial++] = i;
	for (size_t i = 0; i < r->in.header.n; i++)
		lmi_csvw_field(&r->out, r->in.header.f[i], r->in.header.len[i]);
	if (r->flags_col < 0)
		lmi_csvw_str(&r->out, "flags");
	if (vac && r->wage_col < 0)
		lmi_csvw_str(&r->out, "wage_hourly_min");
	if (vac && r->status_col < 0)
		lmi_csvw_str(&r->out, "status");
	lmi_csvw_endrow(&r->out);
}

/* Writes a passing row with its flags, hourly wage and status. */
static void write_row(struct run *r, const struct lmi_csv_row *row, const struct lmi_verdict *v)
{
	int vac = r->vacancy;
	size_t i = 0;

	r->buflen = 0;
	if (r->flags_col >= 0)
		buf_add(r, row->f[r->flags_col], row->len[r->flags_col]);
	join_ids(r, v, LMI_SEV_WARN);
	/* the input columns run by unchanged between the (at most three) replaced ones */
	for (size_t k = 0; k < r->nspecial && r->special[k] < row->n; k++, i++) {
		lmi_csvw_span(&r->out, row, i, r->special[k]);
		i = r->special[k];
		if ((int)i == r->flags_col)
			lmi_csvw_field(&r->out, r->buf, r->buflen);
		else if ((int)i == r->wage_col)
			lmi_csvw_str(&r->out, v->wage_hourly);
		else
			lmi_csvw_str(&r->out, v->status ? v->status : "");
	}
	lmi_csvw_span(&r->out, row, i, row->n);
	if (r->flags_col < 0)
		lmi_csvw_field(&r->out, r->buf, r->buflen);
	if (vac && r->wage_col < 0)
		lmi_csvw_str(&r->out, v->wage_hourly);
	if (vac && r->status_col < 0)
		lmi_csvw_str(&r->out, v->status ? v->status : "");
	lmi_csvw_endrow(&r->out);
}

/* Reports a rejected row: one line in the rejects file, or a capped warning. */
static void write_reject(struct run *r, const struct lmi_csv_row *row, const struct lmi_verdict *v)
{
	const struct lmi_violation *first = NULL;
	char line[24];

	r->buflen = 0;
	join_ids(r, v, LMI_SEV_ERROR);
	for (size_t i = 0; i < v->n && first == NULL; i++)
		if (v->v[i].severity == LMI_SEV_ERROR)
			first = &v->v[i];
	if (r->rej_fp == NULL) {
		lmi_warncap_at(&r->cap, r->in.name, row->line, "rejected by %s: %s", r->buf,
			       first ? first->msg : "too many violations");
		return;
	}
	snprintf(line, sizeof(line), "%lu", row->line);
	lmi_csvw_str(&r->rej, line);
	lmi_csvw_field(&r->rej, r->buf, r->buflen);
	lmi_csvw_str(&r->rej, first ? first->field : "");
	lmi_csvw_str(&r->rej, first ? first->value : "");
	lmi_csvw_str(&r->rej, first ? first->msg : "");
	lmi_csvw_row(&r->rej, row);
}

static void open_rejects(struct run *r)
{
	static const char *const cols[] = {"line", "rule", "field", "value", "message"};

	r->rej_fp = fopen(r->rejects_path, "w");
	if (r->rej_fp == NULL)
		lmi_die_errno("cannot open '%s'", r->rejects_path);
	lmi_csvw_init(&r->rej, r->rej_fp, ',');
	for (size_t i = 0; i < 5; i++)
		lmi_csvw_str(&r->rej, cols[i]);
	lmi_csvw_row(&r->rej, &r->in.header);
}

/* Opens the input, binds the columns and writes the headers.  Returns 0 for an empty input. */
static int start(struct run *r)
{
	const char *missing;
	int rc = lmi_csv_open(&r->in, r->input, NULL);

	if (rc != LMI_OK && r->in.err[0] == '\0')
		lmi_die_errno("%s", r->in.name ? r->in.name : r->input);
	if (rc != LMI_OK)
		lmi_die_at(r->in.name, r->in.err_line, "%s", r->in.err);
	if (r->in.header.n == 0)
		return 0;
	buf_add(r, "", 0); /* r->buf is never NULL from here on */
	r->cols = lmi_xmalloc(r->rules.schema->n * sizeof(*r->cols));
	if (lmi_schema_bind(r->rules.schema, &r->in, r->cols, &missing) != LMI_OK)
		lmi_die_at(r->in.name, r->in.header.line, "missing column '%s'", missing);
	lmi_rules_bind(&r->rules, r->cols);
	if (r->rejects_path != NULL)
		open_rejects(r);
	write_header(r);
	return 1;
}

/* Streams every row through the rules.  Returns LMI_OK or LMI_EDATA (malformed input). */
static int validate(struct run *r)
{
	struct lmi_csv_row row;
	struct lmi_verdict v;
	int rc;

	while ((rc = lmi_csv_next(&r->in, &row)) == 1) {
		r->count.in++;
		if (lmi_rules_check(&r->rules, &row, &v) > 0) {
			r->count.rejected++;
			write_reject(r, &row, &v);
		} else {
			r->count.out++;
			write_row(r, &row, &v);
		}
	}
	if (rc < 0) {
		lmi_warn_at(r->in.name, r->in.err_line, "%s", r->in.err);
		return LMI_EDATA;
	}
	return LMI_OK;
}

/* Flushes the outputs and prints the accounting; returns the exit status. */
static int finish(struct run *r, int status)
{
	if (lmi_csvw_flush(&r->out) != LMI_OK)
		status = LMI_EDATA;
	if (r->rej_fp != NULL) {
		int bad = lmi_csvw_flush(&r->rej) != LMI_OK;
		int err = errno;

		if (fclose(r->rej_fp) != 0) {
			bad = 1;
			err = errno;
		}
		if (bad) {
			errno = err;
			lmi_warn_errno("write error on '%s'", r->rejects_path);
			status = LMI_EDATA;
		}
	}
	lmi_csvw_release(&r->out);
	lmi_csvw_release(&r->rej);
	lmi_warncap_summary(&r->cap);
	if (!r->quiet && lmi_count_report(&r->count) != LMI_OK)
		status = LMI_EDATA;
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	if (status == LMI_OK && r->count.rejected > 0)
		status = LMI_EPARTIAL;
	lmi_csv_close(&r->in);
	lmi_rules_release(&r->rules);
	free(r->cols);
	free(r->buf);
	return status;
}

int main(int argc, char **argv)
{
	struct run r = {.cap = {20, 0}};
	int c, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "a:hk:qr:R:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': /* reference date */
			r.as_of = parse_as_of(optarg, "--as-of");
			r.have_as_of = 1;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'k': /* schema */
			r.kind = optarg;
			break;
		case 'q': /* no accounting line */
			r.quiet = 1;
			break;
		case 'r': /* rejects file */
			r.rejects_path = optarg;
			break;
		case 'R': /* rule tables */
			r.rules_dir = optarg;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (r.kind == NULL)
		lmi_usage_error(usage, "--kind is required");
	if (lmi_schema_get(r.kind) == NULL)
		lmi_usage_error(usage, "unknown kind '%s' (vacancy, claim or training)", r.kind);
	if (argc - optind > 1)
		lmi_usage_error(usage, "at most one input file");
	r.input = optind < argc ? argv[optind] : "-";
	if (!r.have_as_of)
		r.as_of = default_as_of();

	if (lmi_rules_init(&r.rules, find_rules(r.rules_dir), r.kind) != LMI_OK)
		lmi_die("%s", r.rules.err);
	r.rules.as_of = r.as_of;
	lmi_csvw_init(&r.out, stdout, ',');
	if (start(&r))
		status = validate(&r);
	return finish(&r, status);
}

/* lmi-ingest: map a source extract (Work-net, HRD-Net, UI claims) to a canonical schema. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "profile.h"
#include "pseudo.h"
#include "schema.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]",
	"                  [--key-file FILE] [--rejects FILE] [--quiet] [FILE...]",
	"",
	"Maps a source extract (standard input when no FILE or '-') to the canonical",
	"schema of KIND, column by column as the profile NAME says (canonical, worknet,",
	"hrd, ui, or a path to a profile file).  Dates become ISO, amounts plain numbers,",
	"codes stay strings.  A value that does not parse leaves its field empty, keeps",
	"the text in raw_FIELD and names the field in ingest_flags.  Person identifiers",
	"become person_key, an HMAC-SHA-256 under the secret key; the identifier itself",
	"is never written.  Rows with the wrong number of fields go to --rejects.",
	"Streams: memory does not grow with input size.",
	"",
	"  -k, --kind KIND        vacancy, claim or training",
	"  -p, --profile NAME     profile name or file (see lmi-ingest(1), FILES)",
	"  -e, --encoding ENC     input encoding, e.g. cp949 or euc-kr (default UTF-8)",
	"      --key-file FILE    secret key for person_key, at least 32 bytes",
	"                         (default: $LMI_KEY_FILE)",
	"      --rejects FILE     write rejected rows (line, reason, masked row) to FILE",
	"  -q, --quiet            no row accounting and no warnings on stderr",
	"  -h, --help             show this help",
	"  -V, --version          show version",
	"",
	"exit: 0 ok, 1 data or I/O error, 2 usage error, 3 rows were rejected",
	"example: lmi ingest --kind vacancy --profile worknet --encoding cp949 raw.csv"
	" | lmi validate --kind vacancy > ok.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "encoding", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "key-file", required_argument, NULL, 'K' },
	{ "kind", required_argument, NULL, 'k' },
	{ "profile", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, 'R' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Everything one run shares across input files. */
struct ingest {
	const char *kind, *profile_name, *encoding, *key_file, *rejects_path;
	int quiet;
	struct lmi_profile prof;
	struct lmi_pseudo key;
	struct lmi_csvw out;
	struct lmi_csvw rej;
	FILE *rej_fp;
	int *cols;
	struct lmi_count count;
	struct lmi_warncap warn;
	unsigned long long flagged;
	struct lmi_decode dec;
};

/* Loads the profile and the key; usage problems exit 2 here. */
static void setup(struct ingest *g)
{
	char path[4096];
	int rc, others;

	if (g->kind == NULL || g->profile_name == NULL)
		lmi_usage_error(usage, "--kind and --profile are required");
	if (lmi_schema_get(g->kind) == NULL)
		lmi_usage_error(usage, "unknown kind '%s' (vacancy, claim or training)", g->kind);
	if (g->encoding && lmi_decode_open(&g->dec, NULL, g->encoding) != LMI_OK)
		lmi_usage_error(usage, "unknown encoding '%s' (see iconv -l)", g->encoding);
	if (lmi_profile_find(g->profile_name, path, sizeof(path)) != LMI_OK)
		lmi_usage_error(usage, "unknown profile '%s'", g->profile_name);
	rc = lmi_profile_load(&g->prof, path, g->kind);
	if (rc != LMI_OK && g->prof.err_line > 0)
		lmi_die_at(path, g->prof.err_line, "%s", g->prof.err);
	if (rc != LMI_OK)
		lmi_die("%s: %s", path, g->prof.err);
	g->cols = lmi_xcalloc(g->prof.schema->n, sizeof(int));
	if (!g->prof.has_person)
		return;
	if (g->key_file == NULL)
		g->key_file = getenv("LMI_KEY_FILE");
	if (g->key_file == NULL || g->key_file[0] == '\0')
		lmi_usage_error(usage, "profile '%s' hashes person identifiers: give --key-file "
			       "FILE or set LMI_KEY_FILE", g->profile_name);
	rc = lmi_pseudo_load(&g->key, g->key_file, &others);
	if (rc == LMI_EIO)
		lmi_die_errno("cannot read key file '%s'", g->key_file);
	if (rc != LMI_OK)
		lmi_usage_error(usage, "key file '%s' must hold %u to %u bytes", g->key_file,
				LMI_PSEUDO_MIN_KEY, LMI_PSEUDO_MAX_KEY);
	if (others && !g->quiet)
		lmi_warn("key file '%s' is readable by group or others (chmod 600 it)",
			 g->key_file);
}

static void open_rejects(struct ingest *g)
{
	static const char *const hdr[] = { "file", "line", "rule", "field", "value", "message",
					   "row", NULL };

	if (g->rejects_path == NULL)
		return;
	g->rej_fp = fopen(g->rejects_path, "w");
	if (g->rej_fp == NULL)
		lmi_die_errno("cannot open '%s'", g->rejects_path);
	lmi_csvw_init(&g->rej, g->rej_fp, ',');
	for (size_t i = 0; hdr[i] != NULL; i++)
		lmi_csvw_str(&g->rej, hdr[i]);
	lmi_csvw_endrow(&g->rej);
}

/*
 * Rejects a row whose field count is wrong.  The row goes to the rejects
 * file re-encoded as one CSV line, with every field that could hold a person
 * identifier masked: the person column itself and, since a ragged row may be
 * shifted, every field within the size of the shift around it.
 */
static int reject_row(struct ingest *g, const char *name, const struct lmi_csv_row *row,
		      size_t want)
{
	char msg[96], line[32], *mem = NULL;
	size_t memlen = 0, shift = row->n > want ? row->n - want : want - row->n;
	struct lmi_csvw mw;
	FILE *mf;
	int rc;

	g->count.rejected++;
	snprintf(msg, sizeof(msg), "expected %zu fields, found %zu", want, row->n);
	if (!g->quiet)
		lmi_warncap_at(&g->warn, name, row->line, "%s (row rejected)", msg);
	if (g->rej_fp == NULL)
		return LMI_OK;
	mf = open_memstream(&mem, &memlen);
	if (mf == NULL)
		lmi_die("out of memory");
	lmi_csvw_init(&mw, mf, ',');
	for (size_t i = 0; i < row->n; i++) {
		int masked = 0;

		for (size_t j = 0; j < g->prof.schema->n; j++) {
			size_t c = (size_t)g->cols[j];

			if (g->prof.rule[j].x == LMI_X_PERSON && g->cols[j] >= 0 &&
			    i + shift >= c && i <= c + shift)
				masked = 1;
		}
		if (masked)
			lmi_csvw_str(&mw, "***");
		else
			lmi_csvw_field(&mw, row->f[i], row->len[i]);
	}
	lmi_csvw_endrow(&mw);
	rc = lmi_csvw_flush(&mw);
	lmi_csvw_release(&mw);
	if (fclose(mf) != 0 || rc != LMI_OK)
		lmi_die("out of memory");
	snprintf(line, sizeof(line), "%lu", row->line);
	lmi_csvw_str(&g->rej, name);
	lmi_csvw_str(&g->rej, line);
	lmi_csvw_str(&g->rej, "ingest-ragged");
	lmi_csvw_str(&g->rej, "");
	lmi_csvw_str(&g->rej, "");
	lmi_csvw_str(&g->rej, msg);
	lmi_csvw_field(&g->rej, mem, memlen > 0 ? memlen - 1 : 0); /* without the LF */
	free(mem);
	return lmi_csvw_endrow(&g->rej);
}

/* Opens one input, through iconv when --encoding was given. */
static int open_input(struct ingest *g, const char *path, struct lmi_csv *r, FILE **src)
{
	const struct lmi_csv_opts opts = { .flags = LMI_CSV_RAGGED };

	*src = NULL;
	if (g->encoding == NULL)
		return lmi_csv_open(r, path, &opts);
	*src = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (*src == NULL) {
		memset(r, 0, sizeof(*r));
		snprintf(r->err, sizeof(r->err), "%s", strerror(errno));
		return LMI_EIO;
	}
	if (lmi_decode_open(&g->dec, *src, g->encoding) != LMI_OK)
		lmi_die("out of memory");
	return lmi_csv_open_fp(r, g->dec.fp, strcmp(path, "-") == 0 ? "<stdin>" : path, &opts);
}

/* Returns 1 when the input encoding conversion failed. */
static int input_failed(const struct ingest *g)
{
	unsigned long line;
	const char *msg;

	return g->encoding && g->dec.fp && lmi_decode_error(&g->dec, &line, &msg);
}

/* Reports the reader's error, or the decoder's when the conversion failed. */
static void input_error(struct ingest *g, const char *name, const struct lmi_csv *r)
{
	unsigned long line;
	const char *msg;

	if (input_failed(g) && lmi_decode_error(&g->dec, &line, &msg))
		lmi_warn_at(name, line, "%s (%s)", msg, g->encoding);
	else if (r->err_line > 0)
		lmi_warn_at(name, r->err_line, "%s", r->err);
	else
		lmi_warn("%s: %s", name, r->err);
}

static int ingest_file(struct ingest *g, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char *missing, *ffield, *fvalue;
	struct lmi_csv r;
	struct lmi_csv_row row;
	size_t nfailed;
	FILE *src;
	int rc = open_input(g, path, &r, &src);

	if (rc == LMI_OK && r.header.n > 0 &&
	    lmi_profile_bind(&g->prof, &r, g->cols, &missing) != LMI_OK) {
		lmi_warn_at(name, r.header.line, "missing column '%s' (profile %s)", missing,
			    g->profile_name);
		rc = LMI_EDATA;
		goto out;
	}
	while (rc == LMI_OK && r.header.n > 0) {
		rc = lmi_csv_next(&r, &row);
		if (rc != 1)
			break;
		rc = LMI_OK;
		g->count.in++;
		if (row.n != r.header.n) {
			reject_row(g, name, &row, r.header.n);
			continue;
		}
		rc = lmi_profile_write_row(&g->prof, g->cols, &row, &g->key, &g->out, &nfailed,
					   &ffield, &fvalue);
		if (rc == LMI_ETOOBIG) {
			lmi_warn_at(name, row.line, "person identifier exceeds %u bytes",
				    LMI_PSEUDO_MAX_ID);
			rc = LMI_EDATA;
			goto out;
		}
		if (rc == LMI_ENOMEM)
			lmi_die("out of memory");
		if (rc != LMI_OK) {
			/* A write error: lmi_close_stdout() reports it. */
			rc = LMI_EDATA;
			goto out;
		}
		g->count.out++;
		if (nfailed > 0) {
			g->flagged++;
			if (!g->quiet)
				lmi_warncap_at(&g->warn, name, row.line, "cannot parse %s '%s' "
					       "(kept in raw_%s)", ffield, fvalue, ffield);
		}
	}
	if (rc == LMI_OK && input_failed(g))
		rc = LMI_EPARSE;
	if (rc < 0)
		input_error(g, name, &r);
out:
	lmi_csv_close(&r);
	if (g->encoding && g->dec.fp)
		lmi_decode_close(&g->dec);
	if (src != NULL && src != stdin)
		fclose(src);
	return rc == LMI_OK ? LMI_OK : LMI_EDATA;
}

static int finish(struct ingest *g, int status)
{
	if (lmi_csvw_flush(&g->out) != LMI_OK)
		status = LMI_EDATA;
	lmi_csvw_release(&g->out);
	if (g->rej_fp != NULL) {
		if (lmi_csvw_flush(&g->rej) != LMI_OK || fclose(g->rej_fp) != 0) {
			lmi_warn("cannot write '%s'", g->rejects_path);
			status = LMI_EDATA;
		}
		lmi_csvw_release(&g->rej);
	}
	/* After a fatal error the counts would only describe a part of the input. */
	if (!g->quiet && status != LMI_EDATA) {
		lmi_warncap_summary(&g->warn);
		if (g->flagged > 0)
			lmi_warn("rows with unparseable values: %llu (see ingest_flags)",
				 g->flagged);
		if (lmi_count_report(&g->count) != LMI_OK)
			status = LMI_EDATA;
	}
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	lmi_profile_release(&g->prof);
	lmi_pseudo_release(&g->key);
	free(g->cols);
	if (status == LMI_OK && g->count.rejected > 0)
		status = LMI_EPARTIAL;
	return status;
}

int main(int argc, char **argv)
{
	static struct ingest g = { .warn = { .cap = 10 } };
	int c, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "e:hk:p:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': /* iconv name of the input encoding */
			g.encoding = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'K': /* secret key for person_key */
			g.key_file = optarg;
			break;
		case 'k': /* canonical schema */
			g.kind = optarg;
			break;
		case 'p': /* profile name or file */
			g.profile_name = optarg;
			break;
		case 'q':
			g.quiet = 1;
			break;
		case 'R': /* rejected rows go here */
			g.rejects_path = optarg;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	setup(&g);
	open_rejects(&g);
	lmi_csvw_init(&g.out, stdout, ',');
	lmi_profile_write_header(&g.prof, &g.out);
	if (optind == argc)
		status = ingest_file(&g, "-");
	for (int i = optind; i < argc && status == LMI_OK; i++)
		status = ingest_file(&g, argv[i]);
	return finish(&g, status);
}

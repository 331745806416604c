/* lmi-cat: concatenate CSV files whose headers agree, re-quoted to RFC 4180. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi cat [-d CHAR] [--no-header | --header-from FILE] [--skip-headers] [FILE...]",
	"",
	"Concatenates CSV files (standard input when none or '-') into one RFC 4180",
	"stream: LF line ends, UTF-8 without BOM, quotes only where needed.  Every",
	"file's header must equal the first one's.  Malformed input (unterminated or",
	"stray quote, ragged row, invalid UTF-8, NUL byte) stops with file:line.",
	"Streams: memory does not grow with input size.",
	"",
	"  -d, --delimiter CHAR   input field delimiter (default ','; 'tab' for TAB)",
	"      --header-from FILE the inputs have no header; take it from FILE",
	"  -H, --no-header        inputs have no header row; none is written",
	"      --skip-headers     drop data rows that repeat the header (joined outputs)",
	"  -h, --help             show this help",
	"  -V, --version          show version",
	"",
	"exit: 0 ok, 1 malformed input or I/O error, 2 usage error",
	"example: lmi cat jan.csv feb.csv | lmi validate --kind vacancy > ok.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "delimiter", required_argument, NULL, 'd' },
	{ "header-from", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "skip-headers", no_argument, NULL, 'S' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Parses a delimiter argument: one byte, or "tab". */
static unsigned char parse_delim(const char *arg)
{
	if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' || arg[0] == '\r')
		lmi_usage_error(usage, "delimiter must be one character, not a quote or newline");
	return (unsigned char)arg[0];
}

/* Copies one file's records to w.  *first keeps a copy of the first header seen. */
static int cat_file(const char *path, const struct lmi_csv_opts *o, struct lmi_csvw *w,
		    struct lmi_csv_row **first, const char **first_name)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	int rc = lmi_csv_open(&r, path, o);

	if (rc != LMI_OK || r.header.n == 0)
		goto out;
	if (*first == NULL) {
		*first = lmi_csv_row_dup(&r.header);
		if (*first == NULL)
			lmi_die("out of memory");
		*first_name = path;
		if (!(o->flags & LMI_CSV_NO_HEADER))
			rc = lmi_csvw_row(w, &r.header);
	} else if (!(o->flags & LMI_CSV_NO_HEADER) && !lmi_csv_row_equal(&r.header, *first)) {
		lmi_warn_at(r.name, r.header.line, "header differs from the header of '%s'",
			    *first_name);
		lmi_csv_close(&r);
		return LMI_EDATA;
	}
	while (rc == LMI_OK) {
		rc = lmi_csv_next(&r, &row);
		if (rc != 1)
			break;
		rc = lmi_csvw_row(w, &row);
	}
out:
	if (rc < 0 && r.err[0] != '\0')
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	return rc < 0 ? LMI_EDATA : LMI_OK;
}

int main(int argc, char **argv)
{
	struct lmi_csv_opts opts = { 0 };
	struct lmi_csv_row *first = NULL;
	const char *first_name = NULL;
	struct lmi_csvw w;
	int c, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:hHV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': /* input delimiter */
			opts.delim = parse_delim(optarg);
			break;
		case 'F': /* header for headerless inputs */
			opts.header_from = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'H':
			opts.flags |= LMI_CSV_NO_HEADER | LMI_CSV_RAGGED;
			break;
		case 'S':
			opts.flags |= LMI_CSV_SKIP_HEADERS;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (opts.header_from && (opts.flags & LMI_CSV_NO_HEADER))
		lmi_usage_error(usage, "--no-header and --header-from exclude each other");

	lmi_csvw_init(&w, stdout, ',');
	if (optind == argc)
		status = cat_file("-", &opts, &w, &first, &first_name);
	for (int i = optind; i < argc && status == LMI_OK; i++)
		status = cat_file(argv[i], &opts, &w, &first, &first_name);
	if (lmi_csvw_flush(&w) != LMI_OK)
		status = LMI_EDATA;
	lmi_csvw_release(&w);
	free(first);
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	return status;
}

/* lmi-load: upsert canonical or indicator CSV into a SQLite warehouse table, idempotently. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "schema.h"
#include "store.h"
#include "banned.h"

#define DETECT_ROWS 1000 /* rows read ahead to choose column types of an unknown header */

static const char *const usage[] = {
	"usage: lmi load --db FILE --table NAME [--key COLS] [--kind vacancy|claim|training] "
	"[--batch N] [FILE...]",
	"",
	"Loads CSV files (standard input when none or '-') into table NAME of the",
	"SQLite database FILE (created when missing, WAL mode).  The table is created",
	"with typed columns: from the schema of --kind, or of the kind whose required",
	"columns the header has; indicator CSV (lmi indicators) gets REAL numbers and",
	"an INTEGER n; any other header gets types from its first 1000 rows (INTEGER",
	"or REAL when every non-empty value is one, without leading zeros; else TEXT).",
	"Rows are upserted on the key: inserted when new, updated only when a value",
	"changed, else left alone, so loading a file twice changes nothing.  One",
	"transaction per batch: a killed load keeps whole batches only.  Each file is",
	"recorded in the table 'loads' with its row count and SHA-256.  Prints",
	"in=N inserted=N updated=N unchanged=N on stderr.  Every file must have the",
	"same header.  Memory: flat (one row, plus 1000 rows for type detection).",
	"",
	"      --batch N      rows per transaction (default 10000)",
	"      --db FILE      SQLite database",
	"  -h, --help         show this help",
	"  -k, --key COLS     key columns, comma-separated (default: the schema's key;",
	"                     for indicator CSV indicator, period and the group columns)",
	"      --kind KIND    take column types and key from schema KIND",
	"  -q, --quiet        do not print the counts",
	"  -t, --table NAME   table to load into",
	"  -V, --version      show version",
	"",
	"exit: 0 ok, 1 bad input, database or I/O error, 2 usage error",
	"example: lmi indicators vacancy --by region_code v.csv | lmi load --db lmi.db --table ind",
	NULL,
};

enum { OPT_BATCH = 256, OPT_DB, OPT_KIND };

static const struct option longopts[] = {
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "db", required_argument, NULL, OPT_DB },
	{ "help", no_argument, NULL, 'h' },
	{ "key", required_argument, NULL, 'k' },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "quiet", no_argument, NULL, 'q' },
	{ "table", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const tidy_num[] = { "numerator", "denominator", "value", "ci_low", "ci_high" };

struct load {
	const char *table;
	const char *key;
	const struct lmi_schema *schema;
	size_t batch;
	struct lmi_store st;
	struct lmi_csv_row *first; /* header of the first file */
	const char *first_name;
	struct lmi_csv_row **ahead; /* rows read for type detection */
	size_t nahead;
};

static int is_tidy(const struct lmi_csv *r)
{
	static const char *const need[] = { "indicator", "period", "numerator", "denominator",
					     "value", "ci_low", "ci_high", "n", "note", NULL };

	for (int i = 0; need[i]; i++)
		if (lmi_csv_col(r, need[i]) < 0)
			return 0;
	return 1;
}

/* The schema named by --kind, or the first whose required columns the header has. */
static const struct lmi_schema *match_schema(const struct load *l, const struct lmi_csv *r)
{
	static const char *const kinds[] = { "vacancy", "claim", "training", NULL };
	int *cols;
	const char *missing;

	if (l->schema)
		return l->schema;
	for (int i = 0; kinds[i]; i++) {
		const struct lmi_schema *s = lmi_schema_get(kinds[i]);
		int ok;

		if (s == NULL)
			continue;
		cols = lmi_xcalloc(s->n + 1, sizeof(*cols));
		ok = lmi_schema_bind(s, r, cols, &missing) == LMI_OK;
		free(cols);
		if (ok)
			return s;
	}
	return NULL;
}

static enum lmi_store_type schema_type(const struct lmi_schema *s, const char *name)
{
	int i = lmi_schema_index(s, name);

	if (i < 0)
		return LMI_STORE_TEXT;
	switch (s->fields[i].type) {
	case LMI_T_INT:
	case LMI_T_BOOL:
		return LMI_STORE_INTEGER;
	case LMI_T_NUM:
		return LMI_STORE_REAL;
	default:
		return LMI_STORE_TEXT;
	}
}

/* Marks the key columns named in the comma-separated list; returns 0 or -1 (message given). */
static int mark_key(const struct lmi_csv *r, const char *list, unsigned char *iskey)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *name = lmi_xmalloc(n + 1);
		int c;

		memcpy(name, p, n);
		name[n] = '\0';
		c = lmi_csv_col(r, name);
		if (c < 0) {
			lmi_warn_at(r->name, r->header.line, "no key column '%s'", name);
			free(name);
			return -1;
		}
		iskey[c] = 1;
		free(name);
		p += n + (e ? 1 : 0);
	}
	return 0;
}

/* Chooses types and key from the first file's header (and first rows) and prepares the table. */
static int setup_table(struct load *l, struct lmi_csv *r)
{
	size_t n = r->header.n;
	enum lmi_store_type *types = lmi_xcalloc(n, sizeof(*types));
	unsigned char *iskey = lmi_xcalloc(n, 1);
	const struct lmi_schema *s = match_schema(l, r);
	int rc = LMI_EDATA, tidy = !s && is_tidy(r);

	for (size_t i = 0; i < n; i++) {
		if (s) {
			types[i] = schema_type(s, r->header.f[i]);
		} else if (tidy) {
			types[i] = LMI_STORE_TEXT;
			if (strcmp(r->header.f[i], "n") == 0)
				types[i] = LMI_STORE_INTEGER;
			for (size_t k = 0; k < sizeof(tidy_num) / sizeof(*tidy_num); k++)
				if (strcmp(r->header.f[i], tidy_num[k]) == 0)
					types[i] = LMI_STORE_REAL;
			if (!l->key && types[i] == LMI_STORE_TEXT && strcmp(r->header.f[i], "note"))
				iskey[i] = 1;
		} else {
			size_t seen = 0;

			types[i] = LMI_STORE_INTEGER;
			for (size_t j = 0; j < l->nahead && types[i] != LMI_STORE_TEXT; j++) {
				enum lmi_store_type t = lmi_store_detect(l->ahead[j]->f[i],
									 l->ahead[j]->len[i]);

				seen += l->ahead[j]->len[i] > 0;
				if (t != LMI_STORE_INTEGER)
					types[i] = t;
			}
			if (seen == 0) /* nothing to go by: text keeps anything */
				types[i] = LMI_STORE_TEXT;
		}
	}
	if (l->key) {
		memset(iskey, 0, n);
		if (mark_key(r, l->key, iskey) != 0)
			goto out;
	} else if (s) {
		if (mark_key(r, s->key, iskey) != 0)
			goto out;
	} else if (!tidy) {
		lmi_warn_at(r->name, r->header.line,
			    "no key for table '%s': not a known schema; give --key COLS", l->table);
		goto out;
	}
	if (lmi_store_table(&l->st, l->table, (const char *const *)r->header.f, types, iskey, n) !=
	    LMI_OK) {
		lmi_warn("%s", l->st.err);
		goto out;
	}
	rc = LMI_OK;
out:
	free(types);
	free(iskey);
	return rc;
}

static int store_row(struct load *l, const struct lmi_csv *r, const struct lmi_csv_row *row)
{
	if (lmi_store_row(&l->st, (const char *const *)row->f, row->len) != LMI_OK) {
		lmi_warn_at(r->name, row->line, "%s", l->st.err);
		return LMI_EDATA;
	}
	return LMI_OK;
}

/* Loads one file; the first one also decides the table's layout. */
static int load_file(struct load *l, const char *path)
{
	struct lmi_sha256 h;
	struct lmi_csv r;
	struct lmi_csv_row row;
	unsigned long long in0 = l->st.in, i0 = l->st.inserted, u0 = l->st.updated;
	unsigned long long s0 = l->st.unchanged;
	char hex[65];
	FILE *fp = lmi_sha256_fopen(&h, path);
	int rc;

	if (fp == NULL)
		lmi_die_errno("%s", path);
	/* The checksumming reader hashes the file in the same pass that loads it. */
	rc = lmi_csv_open_fp(&r, fp, strcmp(path, "-") == 0 ? "<stdin>" : path, NULL);
	if (rc != LMI_OK || r.header.n == 0)
		goto out;
	if (l->first == NULL) {
		l->first = lmi_csv_row_dup(&r.header);
		if (l->first == NULL)
			lmi_die("out of memory");
		l->first_name = r.name;
		while (!match_schema(l, &r) && !is_tidy(&r) && l->nahead < DETECT_ROWS &&
		       (rc = lmi_csv_next(&r, &row)) == 1) {
			l->ahead = lmi_xrealloc(l->ahead, (l->nahead + 1) * sizeof(*l->ahead));
			l->ahead[l->nahead] = lmi_csv_row_dup(&row);
			if (l->ahead[l->nahead++] == NULL)
				lmi_die("out of memory");
		}
		if (rc < 0)
			goto out;
		rc = setup_table(l, &r);
		for (size_t j = 0; j < l->nahead && rc == LMI_OK; j++)
			rc = store_row(l, &r, l->ahead[j]);
		if (rc != LMI_OK)
			goto out;
	} else if (!lmi_csv_row_equal(&r.header, l->first)) {
		lmi_warn_at(r.name, r.header.line, "header differs from the header of '%s'",
			    l->first_name);
		rc = LMI_EDATA;
		goto out;
	}
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		rc = store_row(l, &r, &row);
		if (rc != LMI_OK)
			goto out;
	}
out:
	if (rc < 0 && r.err[0] != '\0')
		lmi_warn_at(r.name, r.err_line, "%s", r.err);
	lmi_csv_close(&r);
	fclose(fp);
	if (rc != LMI_OK)
		return LMI_EDATA;
	lmi_sha256_hex(&h, hex);
	if (lmi_store_file_done(&l->st, l->table, r.name, hex, l->st.in - in0,
				l->st.inserted - i0, l->st.updated - u0, l->st.unchanged - s0) !=
	    LMI_OK) {
		lmi_warn("%s", l->st.err);
		return LMI_EDATA;
	}
	return LMI_OK;
}

int main(int argc, char **argv)
{
	struct load l = { 0 };
	const char *db = NULL, *errstr;
	long long v;
	int c, quiet = 0, status = LMI_OK;

	lmi_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hk:qt:V", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BATCH: /* rows per transaction */
			if (lmi_parse_long(optarg, 1, 100000000, &v, &errstr) != 0)
				lmi_usage_error(usage, "--batch is %s: '%s'", errstr, optarg);
			l.batch = (size_t)v;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'k': /* key columns */
			l.key = optarg;
			break;
		case OPT_KIND: /* schema for types and key */
			l.schema = lmi_schema_get(optarg);
			if (l.schema == NULL)
				lmi_usage_error(usage, "unknown kind '%s'", optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			l.table = optarg;
			break;
		case 'V':
			lmi_version();
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (db == NULL || l.table == NULL)
		lmi_usage_error(usage, "--db and --table are required");

	if (lmi_store_open(&l.st, db, l.batch) != LMI_OK)
		lmi_die("%s", l.st.err);
	if (optind == argc)
		status = load_file(&l, "-");
	for (int i = optind; i < argc && status == LMI_OK; i++)
		status = load_file(&l, argv[i]);
	if (!quiet && status == LMI_OK)
		lmi_warn("in=%llu inserted=%llu updated=%llu unchanged=%llu", l.st.in,
			 l.st.inserted, l.st.updated, l.st.unchanged);
	lmi_store_close(&l.st);
	for (size_t j = 0; j < l.nahead; j++)
		free(l.ahead[j]);
	free(l.ahead);
	free(l.first);
	if (lmi_close_stdout() != LMI_OK)
		status = LMI_EDATA;
	return status;
}

/* lmi-dedup: mark exact and near-duplicate vacancy postings, incrementally with a state DB. */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "dedup.h"
#include "normalize.h"
#include "parse.h"
#include "banned.h"

static const char *const usage[] = {
	"usage: lmi dedup [--window DAYS] [--threshold T] [--drop --rejects FILE] [--clusters F]",
	"                 [--state DB [--night ID]] [--truth COL] [--shard-key] [FILE]",
	"",
	"Marks duplicate postings in a canonical vacancy CSV and appends dup_cluster",
	"(the source:source_id of the cluster's canonical posting) and is_canonical.",
	"Two postings are duplicates when they share source and source_id; or share",
	"the blocking key (normalised employer name, else employer_id; region_code;",
	"occupation_code) and, within --window days, a normalised title (exact key)",
	"or title n-grams with Jaccard similarity >= --threshold (near duplicate),",
	"and their terms agree: employment_type, wage_type, wage_min, hours_per_week,",
	"edu_min, career_req, positions, and employer_id and wage_max when both have",
	"one.  Required columns: source, source_id, employer_name, title, reg_date.",
	"Clusters are the connected pairs (union-find).  The canonical posting is the",
	"earliest reg_date, then the most complete row, then the smallest key.",
	"Normalisation: (주) 주식회사 ㈜ Co. Ltd. Inc. and spacing, case and full width",
	"in names; bracketed tags like [급구] (모집) 【】 and urgency words in titles.",
	"",
	"Memory: between the two passes the rows wait in memory up to --spool-memory",
	"MiB, then in an unlinked temporary file in TMPDIR.  Besides that, each",
	"posting costs about 110 bytes plus 4 per title n-gram",
	"and its source:source_id, and each exact key at most 48 bytes in the hash",
	"sets (16-byte slots, load 3/8 to 3/4): about 230 bytes per posting in all",
	"(1M lmi synth postings: 230 MB).  Near-duplicate work is bounded: each row",
	"is compared with at most 512 earlier rows of its block inside the window.",
	"",
	"  -C, --clusters FILE    write dup_cluster,size,members for clusters of 2 or more",
	"  -d, --drop             write canonical rows only; the others go to --rejects",
	"  -E, --exact            exact duplicates only (source_id, exact key): no n-grams",
	"  -g, --ngram N          character n-grams of 2 (default) or 3 code points",
	"  -h, --help             show this help",
	"  -K, --shard-key        only prepend a dedup_block column (the blocking key) for",
	"                         GNU parallel --shard 1; sharded runs give the same clusters",
	"  -N, --night ID         name of this run in --state (default: a hash of the input);",
	"                         re-running a night replaces its postings",
	"  -q, --quiet            no row accounting on stderr",
	"  -r, --rejects FILE     with --drop: line,rule,field,value,message and the row",
	"  -M, --spool-memory MIB rows kept in memory between the passes (default 256;",
	"                         0: all in the temporary file)",
	"  -s, --state DB         SQLite state: compare with the postings of earlier nights",
	"                         and add tonight's, in one transaction",
	"      --stats            print key counts and bytes per exact key on stderr",
	"  -t, --threshold T      Jaccard threshold for near duplicates (default 0.7)",
	"  -T, --truth COL        report pairwise precision and recall against COL",
	"  -V, --version          show version",
	"  -w, --window DAYS      days between reposts of one posting (default 60)",
	"",
	"exit: 0 ok, 1 malformed input, missing column or I/O error, 2 usage error",
	"example: lmi validate --kind vacancy < v.csv | lmi dedup --state dedup.db --drop "
	"--rejects dups.csv > uniq.csv",
	NULL,
};

static const struct option longopts[] = {
	{ "clusters", required_argument, NULL, 'C' },
	{ "drop", no_argument, NULL, 'd' },
	{ "exact", no_argument, NULL, 'E' },
	{ "help", no_argument, NULL, 'h' },
	{ "ngram", required_argument, NULL, 'g' },
	{ "night", required_argument, NULL, 'N' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, 'r' },
	{ "shard-key", no_argument, NULL, 'K' },
	{ "spool-memory", required_argument, NULL, 'M' },
	{ "state", required_argument, NULL, 's' },
	{ "stats", no_argument, NULL, 'S' },
	{ "threshold", required_argument, NULL, 't' },
	{ "truth", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ "window", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

enum { C_SOURCE, C_SOURCE_ID, C_EMP_ID, C_EMP_NAME, C_TITLE, C_REGION, C_OCC, C_DATE, C_TRUTH,
       C_CLUSTER, C_CANON, C_N };

/*
 * The rows between the passes: the first `limit` bytes in memory, the rest
 * in an unlinked temporary file, so that small and medium inputs cost no
 * file system work and large ones no more memory than the limit.
 */
struct spool {
	char *mem;                     /* mapped, cap = limit bytes */
	size_t len, cap, limit, rpos;
	FILE *fp;
	char *fpbuf;
};

struct run {
	const char *path, *clusters, *rejects, *state, *night, *truth;
	int drop, quiet, shard, stats;
	struct lmi_dedup_opts o;
	struct lmi_dedup d;
	struct lmi_count count;
	int col[C_N];
	int acol[LMI_DEDUP_NATTR];
	struct spool spool; /* the rows between the passes (binary) */
	int as_text;        /* ... as CSV text (no column to replace) */
	struct lmi_csvw enc; /* encodes them */
	uint64_t night_hash;
};

static double parse_threshold(const char *arg)
{
	char *end;
	double t = strtod(arg, &end);

	if (end == arg || *end != '\0' || !(t > 0.0 && t <= 1.0))
		lmi_usage_error(usage, "threshold must be a number in (0, 1]: '%s'", arg);
	return t;
}

static long long parse_num(const char *arg, long long min, long long max, const char *what)
{
	const char *err;
	long long v;

	if (lmi_parse_long(arg, min, max, &v, &err) != 0)
		lmi_usage_error(usage, "%s is %s: '%s'", what, err, arg);
	return v;
}

/* Finds the columns; dies with file:1 when a required one is missing. */
static void bind_cols(struct run *u, const struct lmi_csv *r)
{
	static const char *const names[C_N] = {
		"source", "source_id", "employer_id", "employer_name", "title", "region_code",
		"occupation_code", "reg_date", NULL, "dup_cluster", "is_canonical",
	};
	static const int required[C_N] = { 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0 };

	for (int c = 0; c < C_N; c++) {
		const char *name = c == C_TRUTH ? u->truth : names[c];

		u->col[c] = name != NULL ? lmi_csv_col(r, name) : -1;
		if (u->col[c] < 0 && (required[c] || (c == C_TRUTH && name != NULL)) &&
		    !(u->shard && (c == C_SOURCE || c == C_SOURCE_ID || c == C_TITLE ||
				   c == C_DATE)))
			lmi_die_at(r->name, r->header.line, "missing column '%s'", name);
	}
	for (int k = 0; k < LMI_DEDUP_NATTR; k++)
		u->acol[k] = lmi_csv_col(r, lmi_dedup_attr_names[k]);
	u->as_text = u->col[C_CLUSTER] < 0 && u->col[C_CANON] < 0;
	lmi_csvw_init(&u->enc, NULL, ',');
}

static void field(const struct run *u, const struct lmi_csv_row *row, int c, const char **s,
		  size_t *n)
{
	int k = u->col[c];

	*s = k >= 0 ? row->f[k] : "";
	*n = k >= 0 ? row->len[k] : 0;
}

static void make_rec(const struct run *u, const struct lmi_csv_row *row, struct lmi_dedup_rec *r)
{
	long days;

	memset(r, 0, sizeof(*r));
	field(u, row, C_SOURCE, &r->source, &r->source_len);
	field(u, row, C_SOURCE_ID, &r->source_id, &r->source_id_len);
	field(u, row, C_EMP_ID, &r->employer_id, &r->employer_id_len);
	field(u, row, C_EMP_NAME, &r->employer_name, &r->employer_name_len);
	field(u, row, C_TITLE, &r->title, &r->title_len);
	field(u, row, C_REGION, &r->region, &r->region_len);
	field(u, row, C_OCC, &r->occupation, &r->occupation_len);
	field(u, row, C_TRUTH, &r->truth, &r->truth_len);
	for (int k = 0; k < LMI_DEDUP_NATTR; k++) {
		r->attr[k] = u->acol[k] >= 0 ? row->f[u->acol[k]] : NULL;
		r->attr_len[k] = u->acol[k] >= 0 ? row->len[u->acol[k]] : 0;
	}
	r->date = LMI_DEDUP_NODATE;
	if (u->col[C_DATE] >= 0 && lmi_parse_date(row->f[u->col[C_DATE]], &days) == LMI_OK)
		r->date = (int32_t)days;
	for (size_t i = 0; i < row->n; i++)
		r->complete += row->len[i] > 0;
}

/* --shard-key: streams the rows with the blocking key in front. */
static int shard_rows(struct run *u, struct lmi_csv *r, struct lmi_csvw *w)
{
	struct lmi_csv_row row;
	struct lmi_dedup_rec rec;
	char hex[17];
	int rc;

	lmi_csvw_str(w, "dedup_block");
	for (size_t i = 0; i < r->header.n; i++)
		lmi_csvw_field(w, r->header.f[i], r->header.len[i]);
	lmi_csvw_endrow(w);
	while ((rc = lmi_csv_next(r, &row)) == 1) {
		u->count.in++;
		make_rec(u, &row, &rec);
		snprintf(hex, sizeof(hex), "%016" PRIx64, lmi_dedup_block_key(&rec));
		lmi_csvw_str(w, hex);
		lmi_csvw_fields(w, &row);
		if (lmi_csvw_endrow(w) != LMI_OK)
			return LMI_EDATA;
		u->count.out++;
	}
	return rc;
}

/*
 * The spool: every row as line (8 bytes), field count (4), field lengths (4
 * each), the reader's needq flags (1 each) and the field bytes, each with a
 * NUL.  Reading it back needs no CSV parsing, and it works for standard
 * input, which cannot be read twice.
 */
static FILE *spool_create(void)
{
	const char *dir = getenv("TMPDIR");
	char name[4096];
	FILE *fp;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if (snprintf(name, sizeof(name), "%s/lmi-dedup.XXXXXX", dir) >= (int)sizeof(name))
		lmi_die("TMPDIR is too long");
	fd = mkstemp(name);
	if (fd < 0)
		lmi_die_errno("cannot create a temporary file in '%s'", dir);
	unlink(name);
	fp = fdopen(fd, "w+");
	if (fp == NULL)
		lmi_die_errno("cannot open a temporary file");
	return fp;
}

/*
 * Reserves the memory part as address space only: pages are taken as rows
 * arrive, and nothing is copied as it grows.  (Asking for 2 MiB pages made
 * the system time less steady here, not smaller.)
 */
static void spool_map(struct spool *sp)
{
	void *m = mmap(NULL, sp->limit, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED) {
		sp->limit = 0; /* the file takes everything */
		return;
	}
	sp->mem = m;
	sp->cap = sp->limit;
}

static void spool_write(struct spool *sp, const void *p, size_t n)
{
	if (sp->mem == NULL && sp->limit > 0 && sp->fp == NULL)
		spool_map(sp);
	if (sp->fp == NULL && n <= sp->limit - sp->len) {
		memcpy(sp->mem + sp->len, p, n);
		sp->len += n;
		return;
	}
	if (sp->fp == NULL) {
		sp->fp = spool_create();
		sp->fpbuf = lmi_xmalloc((size_t)1 << 20);
		setvbuf(sp->fp, sp->fpbuf, _IOFBF, (size_t)1 << 20);
	}
	fwrite(p, 1, n, sp->fp);
}

/* Ends writing and goes back to the first row; dies when the file part failed. */
static void spool_rewind(struct spool *sp)
{
	sp->rpos = 0;
	if (sp->fp != NULL &&
	    (fflush(sp->fp) != 0 || ferror(sp->fp) || fseek(sp->fp, 0, SEEK_SET) != 0))
		lmi_die_errno("cannot write a temporary file");
}

static size_t spool_read(struct spool *sp, void *p, size_t n)
{
	size_t k = sp->len - sp->rpos < n ? sp->len - sp->rpos : n;

	if (k > 0) {
		memcpy(p, sp->mem + sp->rpos, k);
		sp->rpos += k;
	}
	if (k < n && sp->fp != NULL)
		k += fread((char *)p + k, 1, n - k, sp->fp);
	return k;
}

static void spool_release(struct spool *sp)
{
	if (sp->fp != NULL)
		fclose(sp->fp);
	free(sp->fpbuf);
	if (sp->mem != NULL)
		munmap(sp->mem, sp->cap);
	memset(sp, 0, sizeof(*sp));
}

/* Appends one row to the spool through buf (grown as needed, freed by the caller). */
static void spool_put(struct spool *sp, const struct lmi_csv_row *row, char **buf, size_t *cap)
{
	uint64_t line = row->line;
	uint32_t n = (uint32_t)row->n, len;
	size_t need = 12 + 5 * row->n, at;

	for (size_t i = 0; i < row->n; i++)
		need += row->len[i] + 1;
	if (need > *cap) {
		*cap = need * 2;
		*buf = lmi_xrealloc(*buf, *cap);
	}
	memcpy(*buf, &line, 8);
	memcpy(*buf + 8, &n, 4);
	at = 12;
	for (size_t i = 0; i < row->n; i++, at += 4) {
		len = (uint32_t)row->len[i];
		memcpy(*buf + at, &len, 4);
	}
	for (size_t i = 0; i < row->n; i++, at++)
		(*buf)[at] = (char)(row->needq == NULL || row->needq[i]);
	for (size_t i = 0; i < row->n; i++) {
		memcpy(*buf + at, row->f[i], row->len[i] + 1);
		at += row->len[i] + 1;
	}
	spool_write(sp, *buf, at);
}

/*
 * When the input has no dup_cluster or is_canonical column to replace, a
 * row is spooled as its CSV text instead (line, field count, length, text):
 * smaller, and written out again without a second encoding.
 */
static void spool_put_text(struct spool *sp, const struct lmi_csv_row *row, struct lmi_csvw *enc)
{
	uint64_t line = row->line;
	uint32_t head[2];

	lmi_csvw_clear(enc);
	if (lmi_csvw_fields(enc, row) != LMI_OK)
		lmi_die("out of memory");
	head[0] = (uint32_t)row->n;
	head[1] = (uint32_t)enc->len;
	spool_write(sp, &line, sizeof(line));
	spool_write(sp, head, sizeof(head));
	spool_write(sp, enc->buf, enc->len);
}

struct spool_text {
	unsigned long line;
	uint32_t nfields, len;
	char *buf;
	size_t cap;
};

/* Reads the next row spooled as text; returns 1, or 0 at the end or on a read error. */
static int spool_get_text(struct spool *sp, struct spool_text *t)
{
	uint64_t line;
	uint32_t head[2];

	if (spool_read(sp, &line, sizeof(line)) != sizeof(line) ||
	    spool_read(sp, head, sizeof(head)) != sizeof(head))
		return 0;
	if (head[1] > t->cap) {
		t->cap = head[1];
		t->buf = lmi_xrealloc(t->buf, t->cap);
	}
	if (spool_read(sp, t->buf, head[1]) != head[1])
		return 0;
	t->line = (unsigned long)line;
	t->nfields = head[0];
	t->len = head[1];
	return 1;
}

struct spool_row {
	struct lmi_csv_row row;
	uint32_t *len32;
	unsigned char *needq;
	char *buf;
	size_t ncap, bcap;
};

/* Reads the next spooled row; returns 1, or 0 at the end or on a read error (ferror). */
static int spool_get(struct spool *fp, struct spool_row *s)
{
	uint64_t line;
	uint32_t n;
	size_t total = 0;

	if (spool_read(fp, &line, sizeof(line)) != sizeof(line) ||
	    spool_read(fp, &n, sizeof(n)) != sizeof(n) || n > LMI_CSV_MAX_FIELDS)
		return 0;
	if (n > s->ncap) {
		s->ncap = n;
		s->len32 = lmi_xrealloc(s->len32, n * sizeof(*s->len32));
		s->row.f = lmi_xrealloc(s->row.f, n * sizeof(*s->row.f));
		s->row.len = lmi_xrealloc(s->row.len, n * sizeof(*s->row.len));
		s->needq = lmi_xrealloc(s->needq, n);
	}
	if (spool_read(fp, s->len32, n * sizeof(*s->len32)) != n * sizeof(*s->len32) ||
	    spool_read(fp, s->needq, n) != n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		total += (size_t)s->len32[i] + 1;
	if (total > s->bcap) {
		s->bcap = total;
		s->buf = lmi_xrealloc(s->buf, total);
	}
	if (spool_read(fp, s->buf, total) != total)
		return 0;
	total = 0;
	for (uint32_t i = 0; i < n; i++) {
		s->row.f[i] = s->buf + total;
		s->row.len[i] = s->len32[i];
		total += (size_t)s->len32[i] + 1;
	}
	s->row.n = n;
	s->row.line = (unsigned long)line;
	s->row.needq = s->needq;
	return 1;
}

/* Pass 1: features of every row into u->d, and the row into the spool. */
static int read_rows(struct run *u, struct lmi_csv *r)
{
	struct lmi_csv_row row;
	struct lmi_dedup_rec rec;
	char *rec_buf = NULL;
	size_t rec_cap = 0;
	int rc;

	while ((rc = lmi_csv_next(r, &row)) == 1) {
		make_rec(u, &row, &rec);
		rc = lmi_dedup_add(&u->d, &rec);
		if (rc != LMI_OK)
			lmi_die_at(r->name, row.line, "%s", lmi_strerror(rc));
		if (u->state != NULL && u->night == NULL)
			for (size_t i = 0; i < row.n; i++)
				u->night_hash = lmi_norm_hash(u->night_hash ^ row.len[i], row.f[i],
							      row.len[i]);
		if (u->as_text)
			spool_put_text(&u->spool, &row, &u->enc);
		else
			spool_put(&u->spool, &row, &rec_buf, &rec_cap);
		u->count.in++;
	}
	free(rec_buf);
	spool_rewind(&u->spool);
	return rc;
}

static const char *how_text(enum lmi_dedup_how h)
{
	switch (h) {
	case LMI_DEDUP_SAME_ID:
		return "same source and source_id";
	case LMI_DEDUP_SAME_KEY:
		return "same employer, title, region and occupation within the window";
	case LMI_DEDUP_NEAR:
		return "similar title at the same employer, region and occupation "
		       "within the window";
	default:
		return "in the cluster of a duplicate";
	}
}

/* Writes one row with dup_cluster and is_canonical set (replaced when present). */
static int put_row(const struct run *u, struct lmi_csvw *w, const struct lmi_csv_row *row,
		   const char *label, const char *canon)
{
	if (u->col[C_CLUSTER] < 0 && u->col[C_CANON] < 0) {
		lmi_csvw_fields(w, row);
		lmi_csvw_str(w, label);
		lmi_csvw_str(w, canon);
		return lmi_csvw_endrow(w);
	}
	for (size_t k = 0; k < row->n; k++) {
		if ((int)k == u->col[C_CLUSTER])
			lmi_csvw_str(w, label);
		else if ((int)k == u->col[C_CANON])
			lmi_csvw_str(w, canon);
		else
			lmi_csvw_field(w, row->f[k], row->len[k]);
	}
	if (u->col[C_CLUSTER] < 0)
		lmi_csvw_str(w, label);
	if (u->col[C_CANON] < 0)
		lmi_csvw_str(w, canon);
	return lmi_csvw_endrow(w);
}

static int put_reject(const struct run *u, struct lmi_csvw *rj, const struct lmi_csv_row *row,
		      size_t i)
{
	char num[32];

	snprintf(num, sizeof(num), "%lu", row->line);
	lmi_csvw_str(rj, num);
	lmi_csvw_str(rj, "DUP");
	lmi_csvw_str(rj, "dup_cluster");
	lmi_csvw_str(rj, lmi_dedup_label(&u->d, i));
	lmi_csvw_str(rj, how_text(lmi_dedup_how(&u->d, i)));
	return lmi_csvw_row(rj, row);
}

/* Pass 2 for rows spooled as text; returns the number of rows written or rejected. */
static size_t write_text_rows(struct run *u, struct lmi_csvw *w, struct lmi_csvw *rj, int *rc)
{
	struct spool_text t = { 0 };
	size_t i = 0, n = lmi_dedup_count(&u->d);
	char num[32];

	for (; *rc == LMI_OK && i < n && spool_get_text(&u->spool, &t); i++) {
		if (!u->drop || lmi_dedup_is_canonical(&u->d, i)) {
			lmi_csvw_encoded(w, t.buf, t.len, t.nfields);
			lmi_csvw_str(w, lmi_dedup_label(&u->d, i));
			lmi_csvw_str(w, lmi_dedup_is_canonical(&u->d, i) ? "1" : "0");
			*rc = lmi_csvw_endrow(w);
			u->count.out++;
			continue;
		}
		u->count.duplicates++;
		if (rj == NULL)
			continue;
		snprintf(num, sizeof(num), "%lu", t.line);
		lmi_csvw_str(rj, num);
		lmi_csvw_str(rj, "DUP");
		lmi_csvw_str(rj, "dup_cluster");
		lmi_csvw_str(rj, lmi_dedup_label(&u->d, i));
		lmi_csvw_str(rj, how_text(lmi_dedup_how(&u->d, i)));
		lmi_csvw_encoded(rj, t.buf, t.len, t.nfields);
		*rc = lmi_csvw_endrow(rj);
	}
	free(t.buf);
	return i;
}

/* Pass 2: reads the spooled rows back and writes them with their cluster. */
static int write_rows(struct run *u, const struct lmi_csv_row *header, struct lmi_csvw *w,
		      struct lmi_csvw *rj)
{
	static const char *const cols[] = { "line", "rule", "field", "value", "message" };
	struct spool_row s = { 0 };
	size_t i = 0, n = lmi_dedup_count(&u->d);
	int rc = put_row(u, w, header, "dup_cluster", "is_canonical");

	if (rj != NULL) {
		for (size_t k = 0; k < 5; k++)
			lmi_csvw_str(rj, cols[k]);
		lmi_csvw_row(rj, header);
	}
	if (u->as_text)
		i = write_text_rows(u, w, rj, &rc);
	for (; !u->as_text && rc == LMI_OK && i < n && spool_get(&u->spool, &s); i++) {
		if (!u->drop || lmi_dedup_is_canonical(&u->d, i)) {
			rc = put_row(u, w, &s.row, lmi_dedup_label(&u->d, i),
				     lmi_dedup_is_canonical(&u->d, i) ? "1" : "0");
			u->count.out++;
		} else {
			rc = rj != NULL ? put_reject(u, rj, &s.row, i) : LMI_OK;
			u->count.duplicates++;
		}
	}
	free(s.len32);
	free(s.needq);
	free(s.buf);
	free(s.row.f);
	free(s.row.len);
	if (rc < 0)
		lmi_warn_errno("cannot write output");
	else if (i != n)
		lmi_warn_errno("cannot read back a temporary file");
	return rc < 0 || i != n ? LMI_EDATA : LMI_OK;
}

/* --clusters FILE: dup_cluster,size,members (members canonical first, ';'-separated). */
static int write_clusters(struct run *u)
{
	struct lmi_csvw w;
	uint32_t *o = NULL;
	size_t n = 0, a, b;
	char num[32];
	FILE *fp = fopen(u->clusters, "w");
	int rc;

	if (fp == NULL) {
		lmi_warn_errno("cannot open '%s'", u->clusters);
		return LMI_EDATA;
	}
	if (lmi_dedup_cluster_order(&u->d, &o, &n) != LMI_OK)
		lmi_die("out of memory");
	lmi_csvw_init(&w, fp, ',');
	lmi_csvw_str(&w, "dup_cluster");
	lmi_csvw_str(&w, "size");
	lmi_csvw_str(&w, "members");
	lmi_csvw_endrow(&w);
	for (a = 0; a < n; a = b) {
		size_t len = 0, cap = 256;
		char *m = lmi_xmalloc(cap);

		for (b = a; b < n && lmi_dedup_same_cluster(&u->d, o[a], o[b]); b++) {
			const char *k = u->d.keys + u->d.key_off[o[b]];
			size_t kl = strlen(k);

			while (len + kl + 2 > cap) {
				cap *= 2;
				m = lmi_xrealloc(m, cap);
			}
			if (b > a)
				m[len++] = ';';
			memcpy(m + len, k, kl);
			len += kl;
		}
		snprintf(num, sizeof(num), "%zu", b - a);
		lmi_csvw_str(&w, lmi_dedup_label(&u->d, o[a]));
		lmi_csvw_str(&w, num);
		lmi_csvw_field(&w, m, len);
		lmi_csvw_endrow(&w);
		free(m);
	}
	free(o);
	rc = lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	if (fclose(fp) != 0 || rc != LMI_OK) {
		lmi_warn_errno("cannot write '%s'", u->clusters);
		return LMI_EDATA;
	}
	return LMI_OK;
}

static void report_truth(struct run *u)
{
	unsigned long long tp, found, truth;

	if (lmi_dedup_truth_pairs(&u->d, &tp, &found, &truth) != LMI_OK)
		lmi_die("out of memory");
	lmi_warn("truth '%s': pairs found=%llu true=%llu both=%llu precision=%.4f recall=%.4f",
		 u->truth, found, truth, tp, found ? (double)tp / (double)found : 1.0,
		 truth ? (double)tp / (double)truth : 1.0);
}

static void report_stats(const struct run *u)
{
	size_t bytes, keys;

	lmi_dedup_key_memory(&u->d, &bytes, &keys);
	lmi_warn("rows=%zu state_rows=%zu exact_keys=%zu key_bytes=%zu bytes_per_key=%.1f",
		 lmi_dedup_count(&u->d), u->d.n - lmi_dedup_count(&u->d), keys, bytes,
		 keys ? (double)bytes / (double)keys : 0.0);
}

/* Test hook (LMI_DEDUP_TEST_PAUSE=N): stop after N state rows so a test can kill -9 us. */
static size_t pause_at;
static void pause_hook(size_t row)
{
	if (row != pause_at)
		return;
	lmi_warn("test hook: paused after %zu state rows", row);
	for (;;)
		pause();
}

/* Opens --state, loads earlier nights, returns the night name to save under. */
static void open_state(struct run *u, struct lmi_dedup_state *st, char *night, size_t size)
{
	const char *env = getenv("LMI_DEDUP_TEST_PAUSE");

	if (u->night != NULL)
		snprintf(night, size, "%s", u->night);
	else
		snprintf(night, size, "auto:%016" PRIx64, u->night_hash);
	if (env != NULL && *env != '\0') {
		pause_at = (size_t)strtoul(env, NULL, 10);
		st->on_row = pause_hook;
	}
	if (lmi_dedup_state_open(st, u->state, u->o.ngram) != LMI_OK ||
	    lmi_dedup_state_load(st, &u->d, night) != LMI_OK)
		lmi_die("%s: %s", u->state, st->err);
}

/* The dedup proper: pass 1, state, clusters, pass 2, reports, state save. */
static int dedup(struct run *u, struct lmi_csv *r, struct lmi_csvw *w)
{
	struct lmi_dedup_state st = { 0 };
	struct lmi_csvw rj;
	FILE *rjf = NULL;
	char night[128];
	int rc = read_rows(u, r);

	if (rc < 0) {
		lmi_warn_at(r->name, r->err_line, "%s", r->err);
		spool_release(&u->spool);
		lmi_csvw_release(&u->enc);
		return LMI_EDATA;
	}
	if (u->state != NULL)
		open_state(u, &st, night, sizeof(night));
	if (lmi_dedup_run(&u->d) != LMI_OK)
		lmi_die("out of memory");
	if (u->rejects != NULL) {
		rjf = fopen(u->rejects, "w");
		if (rjf == NULL)
			lmi_die_errno("cannot open '%s'", u->rejects);
		lmi_csvw_init(&rj, rjf, ',');
	}
	rc = write_rows(u, &r->header, w, rjf ? &rj : NULL);
	spool_release(&u->spool);
	lmi_csvw_release(&u->enc);
	if (rjf != NULL) {
		if (lmi_csvw_flush(&rj) != LMI_OK || fclose(rjf) != 0)
			lmi_die_errno("cannot write '%s'", u->rejects);
		lmi_csvw_release(&rj);
	}
	if (rc == LMI_OK && u->clusters != NULL)
		rc = write_clusters(u);
	if (rc == LMI_OK && u->truth != NULL)
		report_truth(u);
	if (u->stats)
		report_stats(u);
	/* The state changes only when everything else was written. */
	if (rc == LMI_OK && (lmi_csvw_flush(w) != LMI_OK || fflush(stdout) != 0)) {
		lmi_warn_errno("cannot write output");
		rc = LMI_EDATA;
	}
	if (rc == LMI_OK && u->state != NULL && lmi_dedup_state_save(&st, &u->d, night) != LMI_OK)
		lmi_die("%s: %s", u->state, st.err);
	lmi_dedup_state_close(&st);
	return rc;
}

/* Options and their combinations; dies with a usage error. */
static void parse_options(int argc, char **argv, struct run *u)
{
	int c;

	while ((c = getopt_long(argc, argv, "C:dEg:hKM:N:qr:s:t:T:Vw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': /* clusters file */
			u->clusters = optarg;
			break;
		case 'd': /* canonical rows only */
			u->drop = 1;
			break;
		case 'E': /* no near-duplicate pass */
			u->o.exact_only = 1;
			break;
		case 'g': /* n-gram length */
			u->o.ngram = (int)parse_num(optarg, 2, 3, "--ngram");
			break;
		case 'h':
			lmi_usage_help(usage);
		case 'K': /* blocking key only */
			u->shard = 1;
			break;
		case 'N': /* night name in the state */
			u->night = optarg;
			break;
		case 'q':
			u->quiet = 1;
			break;
		case 'r': /* rejects file */
			u->rejects = optarg;
			break;
		case 's': /* SQLite state */
			u->state = optarg;
			break;
		case 'S':
			u->stats = 1;
			break;
		case 't': /* near-duplicate threshold */
			u->o.threshold = parse_threshold(optarg);
			break;
		case 'T': /* truth column */
			u->truth = optarg;
			break;
		case 'V':
			lmi_version();
		case 'M': /* MiB of rows kept in memory between the passes */
			u->spool.limit = (size_t)parse_num(optarg, 0, 1 << 20, "--spool-memory");
			u->spool.limit <<= 20;
			break;
		case 'w': /* window in days */
			u->o.window = (int)parse_num(optarg, 1, 36500, "--window");
			break;
		default:
			lmi_usage_error(usage, "unknown option");
		}
	}
	if (argc - optind > 1)
		lmi_usage_error(usage, "at most one input file");
	if (u->drop != (u->rejects != NULL))
		lmi_usage_error(usage, "--drop and --rejects FILE go together");
	if (u->o.exact_only && u->state != NULL)
		lmi_usage_error(usage, "--exact keeps no n-grams, so it cannot update --state");
	if (u->night != NULL && u->state == NULL)
		lmi_usage_error(usage, "--night needs --state");
	if (u->shard && (u->drop || u->state || u->clusters || u->truth))
		lmi_usage_error(usage, "--shard-key only adds the key; run dedup on each shard");
	u->path = optind < argc ? argv[optind] : "-";
}

int main(int argc, char **argv)
{
	struct run u = { .night_hash = LMI_NORM_HASH_SEED, .spool.limit = (size_t)256 << 20 };
	struct lmi_csv_opts opts = { 0 };
	struct lmi_csv r;
	struct lmi_csvw w;
	int rc;

	lmi_cli_init(argv[0]);
	parse_options(argc, argv, &u);
	lmi_dedup_init(&u.d, &u.o);
	u.o = u.d.o;
	rc = lmi_csv_open(&r, u.path, &opts);
	if (rc != LMI_OK)
		lmi_die_at(r.name, r.err_line, "%s", r.err);
	lmi_csvw_init(&w, stdout, ',');
	if (r.header.n > 0) {
		bind_cols(&u, &r);
		rc = u.shard ? shard_rows(&u, &r, &w) : dedup(&u, &r, &w);
		if (u.shard && rc < 0)
			lmi_warn_at(r.name, r.err_line, "%s", r.err);
		rc = rc < 0 ? LMI_EDATA : rc;
	}
	lmi_csv_close(&r);
	if (lmi_csvw_flush(&w) != LMI_OK)
		rc = LMI_EDATA;
	lmi_csvw_release(&w);
	if (lmi_close_stdout() != LMI_OK)
		rc = LMI_EDATA;
	/* after a data error the rows read so far are not accounted for: say nothing */
	if (!u.quiet && rc != LMI_EDATA && lmi_count_report(&u.count) != LMI_OK)
		rc = LMI_EDATA;
	lmi_dedup_release(&u.d);
	return rc;
}

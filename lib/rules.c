/* Validation rules: loads the rule tables of a directory and evaluates one row at a time. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "banned.h"

#define MAX_TABLE_ROWS 100000 /* cap on the rows of one rule table */

/* Rule slots: the rules the C code knows; rules.csv gives each a severity. */
enum rid {
	R1,
	R2,
	R3_EMP,
	R3_WAGE,
	R3_EDU,
	R3_CAREER,
	R3_REGION,
	R3_OCC,
	R3_STATUS,
	R4_DATE,
	R4_ORDER,
	R4_FUTURE,
	R4_SPAN,
	R6,
	R6_YEAR,
	R7,
	R8,
	R9,
	R10,
	R11,
	R12_TYPE,
	R12_TITLE,
	R12_POS,
	R12_RANGE,
	R12_WAGETYPE,
	R12_HOURS,
	C_REQ,
	C_TYPE,
	C_ENT,
	C_ORDER,
	C_PAID,
	C_END,
	C_REEMP,
	C_REASON,
	T_REQ,
	T_TYPE,
	T_ORDER,
	T_ATT,
	T_EMP6M,
	T_STATUS,
	NRID
};

static const struct {
	const char *id;
	const char *kind;
} rid_info[NRID] = {
    {"R1", "vacancy"},
    {"R2", "vacancy"},
    {"R3.emp", "vacancy"},
    {"R3.wage", "vacancy"},
    {"R3.edu", "vacancy"},
    {"R3.career", "vacancy"},
    {"R3.region", "vacancy"},
    {"R3.occ", "vacancy"},
    {"R3.status", "vacancy"},
    {"R4.date", "vacancy"},
    {"R4.order", "vacancy"},
    {"R4.future", "vacancy"},
    {"R4.span", "vacancy"},
    {"R6", "vacancy"},
    {"R6.year", "vacancy"},
    {"R7", "vacancy"},
    {"R8", "vacancy"},
    {"R9", "vacancy"},
    {"R10", "vacancy"},
    {"R11", "vacancy"},
    {"R12.type", "vacancy"},
    {"R12.title", "vacancy"},
    {"R12.positions", "vacancy"},
    {"R12.range", "vacancy"},
    {"R12.wagetype", "vacancy"},
    {"R12.hours", "vacancy"},
    {"C0", "claim"},
    {"C0.type", "claim"},
    {"C1", "claim"},
    {"C2", "claim"},
    {"C3", "claim"},
    {"C4", "claim"},
    {"C4.reemp", "claim"},
    {"C5", "claim"},
    {"T0", "training"},
    {"T0.type", "training"},
    {"T1", "training"},
    {"T2", "training"},
    {"T3", "training"},
    {"T4", "training"},
};

/* Field slots: the columns the rules read, looked up in the schema once. */
enum fid {
	F_EMPLOYER,
	F_TITLE,
	F_DESC,
	F_OCC,
	F_REGION,
	F_EMP,
	F_WTYPE,
	F_WMIN,
	F_WMAX,
	F_HOURS,
	F_EDU,
	F_CAREER,
	F_POS,
	F_REG,
	F_CLOSE,
	F_UNTIL,
	F_STATUS,
	F_SEP,
	F_ELIG,
	F_ENTITLED,
	F_FIRSTPAY,
	F_DAYSPAID,
	F_END,
	F_ENDREASON,
	F_REEMP,
	F_START,
	F_ATT,
	F_EMP6M,
	NFID
};

static const char *const fid_name[NFID] = {
    "employer_id",	 "title",	  "description",
    "occupation_code",	 "region_code",	  "employment_type",
    "wage_type",	 "wage_min",	  "wage_max",
    "hours_per_week",	 "edu_min",	  "career_req",
    "positions",	 "reg_date",	  "close_date",
    "until_filled",	 "status",	  "separation_date",
    "eligibility_date",	 "entitled_days", "first_payment_date",
    "days_paid",	 "end_date",	  "end_reason",
    "reemployment_date", "start_date",	  "attendance_rate",
    "employed_6m",
};

/* Code lists the C code reads by name, and the kind that needs each. */
enum lid { L_EMP, L_WAGE, L_EDU, L_CAREER, L_STATUS, L_END, L_TSTATUS, L_EMP6M, NLID };

static const struct {
	const char *name;
	const char *kind;
} lid_info[NLID] = {
    {"employment_type", "vacancy"},  {"wage_type", "vacancy"},	     {"edu_min", "vacancy"},
    {"career_req", "vacancy"},	     {"status", "vacancy"},	     {"end_reason", "claim"},
    {"training_status", "training"}, {"employed_6m_ok", "training"},
};

enum kind { K_VACANCY, K_CLAIM, K_TRAINING };

struct rule {
	char *id;
	enum lmi_severity sev;
	int has_min, has_max;
	double min, max;
};

struct strset {
	char *name;
	char **s;
	size_t *len;   /* strlen of each s[], set by set_sort() */
	uint64_t *key; /* short_key() of each s[], set by set_sort() */
	size_t n, cap;
};

struct pattern {
	enum rid rule;
	unsigned fields; /* bit 0 title, bit 1 description */
	int when_slot;	 /* field slot of the condition, or -1 */
	const struct strset *when_list;
	pcre2_code *re;
	char *label;
};

#define MAX_STARTS 128 /* start code points of one field with a pair table and a mask bit */
#define NO_DETAIL 255  /* start[] value of a code point that may begin a match, no pair table */
#define PROBE_END 0xD7A4 /* code points probed lie below; the rest may always start a match */
#define PAIR_BYTES (PROBE_END / 4 + 1) /* 2 bits per next code point */
#define TRI_BITS 14			/* 2^14 triples cached per field */
#define TRI_PROBES 8			/* slots tried per triple before giving up */

/*
 * The patterns of one field (title or description) as one alternation, and the
 * filters that keep most positions of a text away from it.
 */
struct anyre {
	pcre2_code *re; /* NULL when no pattern reads the field */
	/*
	 * With a start table, re is compiled anchored and is tried only where a
	 * match can begin (see probe_starts()): start[cp] is 0 when no match can
	 * begin with code point cp, k + 1 for the start code point starts[k], and
	 * NO_DETAIL for one that may but has no index.
	 */
	unsigned char *start;
	uint32_t starts[MAX_STARTS];
	size_t nstarts;
	/*
	 * pair + k * PAIR_BYTES: whether a match can begin with starts[k] followed
	 * by code point cp2, probed on first sight: 2 bits per cp2, 0 not yet
	 * known, 1 no, 2 maybe.  One zeroed block, so checking a row never
	 * allocates.
	 */
	unsigned char *pair;
	/*
	 * When a pair may begin a match, the triple with the code point after it
	 * (0 for the end of the text): a hash table of (key << 1 | may), 0 when
	 * empty, filled on first sight; when it is full a triple is not cached.
	 */
	uint64_t *tri;
	uint64_t (*pmask)[2]; /* [npats]: the starts[] a pattern may begin with */
};

/* A schema field to check in each row: its schema index, input column and type. */
struct fcheck {
	size_t si;
	size_t col;
	enum lmi_type type;
};


/* Parsed value of one schema field in the current row. */
enum vstate { V_EMPTY, V_OK, V_BAD, V_UNTIL };

struct lmi_rules_priv {
	const char *kind;
	enum kind k;
	const struct strset *lst[NLID]; /* the code lists of lid_info, NULL for other kinds */
	const struct lmi_schema *schema;
	struct rule *rules;
	size_t nrules;
	struct rule *slot[NRID];
	int sidx[NFID]; /* schema index of each field slot, or -1 */
	int *cols;	/* input column of each schema field */
	struct strset *lists;
	size_t nlists;
	unsigned char *regions; /* [100000]: known 5-digit si-gun-gu codes */
	unsigned char *occ;	/* [100]: known 2-digit occupation prefixes */
	int *wage_year;
	double *wage_hourly;
	size_t nwage;
	struct pattern *pats;
	size_t npats;
	struct anyre any[2]; /* all patterns of title / description, for a quick miss */
	pcre2_match_data *md;
	/* The schema fields present in the input and not added by tools: the ones to check. */
	struct fcheck *check;
	size_t ncheck;
	/* Per-row scratch, one entry per schema field. */
	enum vstate *st;
	double *num;
	long *days;
};

static int fail(struct lmi_rules *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lmi_rules *rs, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rs->err, sizeof(rs->err), fmt, ap);
	va_end(ap);
	return status;
}

/* Length of the longest prefix of s that is at most max bytes and ends on a code point. */
static int clip(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Bytes of a match to show: all of it, or its first 60 bytes cut on a code point. */
static int clip_match(const char *s, size_t n)
{
	int k = clip(s, 60);

	return (size_t)k < n ? k : (int)n;
}

size_t lmi_utf8_len(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

int lmi_bizno_valid(const char *s)
{
	static const unsigned w[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};
	unsigned sum = 0, any = 0, d;

	/* stops at the first non-digit, so never reads past a shorter string */
	for (int i = 0; i < 9; i++) {
		d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return 0;
		any |= d;
		sum += d * w[i];
	}
	d = (unsigned)(unsigned char)s[9] - '0';
	if (d > 9 || s[10] != '\0' || (any | d) == 0)
		return 0;
	sum += ((unsigned)(unsigned char)s[8] - '0') * 5 / 10;
	return (10 - sum % 10) % 10 == d;
}

/* ---- string sets ---- */

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_add(struct strset *set, const char *s)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 16;
		set->s = lmi_xrealloc(set->s, set->cap * sizeof(*set->s));
	}
	set->s[set->n++] = lmi_xstrdup(s);
}

/*
 * The n bytes of s packed into an integer when 1 <= n <= 8, else 0.  Two such
 * strings without NUL bytes have equal keys exactly when they are equal.
 */
static uint64_t short_key(const char *s, size_t n)
{
	uint64_t k = 0;

	if (n == 0 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		k |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return k;
}

static void set_sort(struct strset *set)
{
	size_t n = set->n ? set->n : 1;

	if (set->n > 1)
		qsort(set->s, set->n, sizeof(*set->s), cmpstr);
	set->len = lmi_xrealloc(set->len, n * sizeof(*set->len));
	set->key = lmi_xrealloc(set->key, n * sizeof(*set->key));
	for (size_t i = 0; i < set->n; i++) {
		set->len[i] = strlen(set->s[i]);
		set->key[i] = short_key(set->s[i], set->len[i]);
	}
}

/* Whether the n bytes of s (NUL-terminated) are in the sorted set. */
static int set_has(const struct strset *set, const char *s, size_t n)
{
	uint64_t k;

	if (set == NULL || set->n == 0)
		return 0;
	k = short_key(s, n);
	if (set->n <= 16 && k != 0) {
		/* short codes in short lists, the usual case: one integer compare each */
		for (size_t i = 0; i < set->n; i++)
			if (set->key[i] == k)
				return 1;
		return 0;
	}
	return bsearch(&s, set->s, set->n, sizeof(*set->s), cmpstr) != NULL;
}

static void set_free(struct strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->s[i]);
	free(set->s);
	free(set->len);
	free(set->key);
	free(set->name);
}

static struct strset *find_list(const struct lmi_rules_priv *p, const char *name)
{
	for (size_t i = 0; i < p->nlists; i++)
		if (strcmp(p->lists[i].name, name) == 0)
			return &p->lists[i];
	return NULL;
}

/* ---- table loading ---- */

/*
 * Opens DIR/NAME as CSV and looks up the columns named in want[] (NULL-ended;
 * a name starting with '?' is optional).  Returns LMI_OK or an error in rs->err.
 */
static int table_open(struct lmi_rules *rs, struct lmi_csv *r, const char *dir, const char *name,
		      const char *const *want, int *col)
{
	char path[4096];
	int rc;

	memset(r, 0, sizeof(*r));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return fail(rs, LMI_EINVAL, "rules directory name too long");
	errno = 0;
	rc = lmi_csv_open(r, path, NULL);
	if (rc == LMI_EIO && errno != 0)
		return fail(rs, LMI_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (rc != LMI_OK)
		return fail(rs, rc, "%s:%lu: %s", path, r->err_line, r->err);
	for (size_t i = 0; want[i] != NULL; i++) {
		int opt = want[i][0] == '?';

		col[i] = lmi_csv_col(r, want[i] + opt);
		if (col[i] < 0 && !opt)
			return fail(rs, LMI_EPARSE, "%s:1: missing column '%s'", path, want[i]);
	}
	return LMI_OK;
}

/* Reads the next table row; 1 row, 0 end, < 0 error in rs->err. */
static int table_next(struct lmi_rules *rs, struct lmi_csv *r, struct lmi_csv_row *row,
		      const char *name)
{
	int rc = lmi_csv_next(r, row);

	if (rc < 0)
		return fail(rs, rc, "%s:%lu: %s", name, r->err_line, r->err);
	if (rc == 1 && row->line > MAX_TABLE_ROWS)
		return fail(rs, LMI_ETOOBIG, "%s: more than %d rows", name, MAX_TABLE_ROWS);
	return rc;
}

static const char *cell(const struct lmi_csv_row *row, int c)
{
	return c >= 0 && (size_t)c < row->n ? row->f[c] : "";
}

static int parse_bound(const char *s, int *has, double *v)
{
	*has = 0;
	if (s[0] == '\0')
		return 0;
	if (lmi_parse_num(s, v) != LMI_OK)
		return -1;
	*has = 1;
	return 0;
}

static int load_rules(struct lmi_rules *rs, const char *dir)
{
	static const char *const want[] = {"id", "kind", "severity", "min", "max", NULL};
	struct lmi_rules_priv *p = rs->p;
	struct lmi_csv r;
	struct lmi_csv_row row;
	int col[5], rc = table_open(rs, &r, dir, "rules.csv", want, col);
	size_t cap = 0;

	while (rc == LMI_OK && (rc = table_next(rs, &r, &row, "rules.csv")) == 1) {
		const char *id = cell(&row, col[0]), *sev = cell(&row, col[2]);
		struct rule *ru;
		int k;

		rc = LMI_OK;
		if (strcmp(cell(&row, col[1]), p->kind) != 0)
			continue;
		for (k = 0; k < NRID; k++)
			if (strcmp(rid_info[k].id, id) == 0 &&
			    strcmp(rid_info[k].kind, p->kind) == 0)
				break;
		if (k == NRID) {
			rc = fail(rs, LMI_EPARSE, "rules.csv:%lu: unknown rule '%s' for kind %s",
				  row.line, id, p->kind);
			break;
		}
		if (p->nrules == cap) {
			cap = cap ? 2 * cap : 32;
			p->rules = lmi_xrealloc(p->rules, cap * sizeof(*p->rules));
		}
		ru = &p->rules[p->nrules++];
		memset(ru, 0, sizeof(*ru));
		ru->id = lmi_xstrdup(id);
		if (strcmp(sev, "error") == 0) {
			ru->sev = LMI_SEV_ERROR;
		} else if (strcmp(sev, "warn") == 0) {
			ru->sev = LMI_SEV_WARN;
		} else if (strcmp(sev, "off") == 0) {
			ru->sev = LMI_SEV_OFF;
		} else {
			rc = fail(rs, LMI_EPARSE, "rules.csv:%lu: unknown severity '%s'", row.line,
				  sev);
			break;
		}
		if (parse_bound(cell(&row, col[3]), &ru->has_min, &ru->min) < 0 ||
		    parse_bound(cell(&row, col[4]), &ru->has_max, &ru->max) < 0) {
			rc = fail(rs, LMI_EPARSE, "rules.csv:%lu: min and max must be numbers",
				  row.line);
			break;
		}
	}
	lmi_csv_close(&r);
	if (rc < 0)
		return rc;
	/* rules[] no longer moves: point the slots at it. */
	for (size_t i = 0; i < p->nrules; i++)
		for (int k = 0; k < NRID; k++)
			if (strcmp(rid_info[k].id, p->rules[i].id) == 0 &&
			    strcmp(rid_info[k].kind, p->kind) == 0)
				p->slot[k] = &p->rules[i];
	for (int k = 0; k < NRID; k++)
		if (strcmp(rid_info[k].kind, p->kind) == 0 && p->slot[k] == NULL)
			return fail(rs, LMI_EPARSE, "rules.csv: no rule '%s' for kind %s",
				    rid_info[k].id, p->kind);
	return LMI_OK;
}

static int load_min_wage(struct lmi_rules *rs, const char *dir)
{
	static const char *const want[] = {"year", "hourly", NULL};
	struct lmi_rules_priv *p = rs->p;
	struct lmi_csv r;
	struct lmi_csv_row row;
	int col[2], rc = table_open(rs, &r, dir, "min_wage.csv", want, col);
	size_t cap = 0;

	while (rc == LMI_OK && (rc = table_next(rs, &r, &row, "min_wage.csv")) == 1) {
		long long y;
		double h;
		const char *e;

		rc = LMI_OK;
		if (lmi_parse_long(cell(&row, col[0]), 1900, 2100, &y, &e) < 0 ||
		    lmi_parse_num(cell(&row, col[1]), &h) != LMI_OK || h <= 0) {
			rc = fail(rs, LMI_EPARSE, "min_wage.csv:%lu: bad year or hourly amount",
				  row.line);
			break;
		}
		if (p->nwage == cap) {
			cap = cap ? 2 * cap : 16;
			p->wage_year = lmi_xrealloc(p->wage_year, cap * sizeof(*p->wage_year));
			p->wage_hourly = lmi_xrealloc(p->wage_hourly, cap * sizeof(double));
		}
		p->wage_year[p->nwage] = (int)y;
		p->wage_hourly[p->nwage++] = h;
	}
	lmi_csv_close(&r);
	return rc < 0 ? rc : LMI_OK;
}

static int load_codes(struct lmi_rules *rs, const char *dir)
{
	static const char *const want[] = {"list", "code", NULL};
	struct lmi_rules_priv *p = rs->p;
	struct lmi_csv r;
	struct lmi_csv_row row;
	int col[2], rc = table_open(rs, &r, dir, "codes.csv", want, col);
	size_t cap = 0;

	while (rc == LMI_OK && (rc = table_next(rs, &r, &row, "codes.csv")) == 1) {
		const char *name = cell(&row, col[0]);
		struct strset *set = find_list(p, name);

		rc = LMI_OK;
		if (name[0] == '\0' || cell(&row, col[1])[0] == '\0') {
			rc = fail(rs, LMI_EPARSE, "codes.csv:%lu: empty list or code", row.line);
			break;
		}
		if (set == NULL) {
			if (p->nlists == cap) {
				cap = cap ? 2 * cap : 16;
				p->lists = lmi_xrealloc(p->lists, cap * sizeof(*p->lists));
			}
			set = &p->lists[p->nlists++];
			memset(set, 0, sizeof(*set));
			set->name = lmi_xstrdup(name);
		}
		set_add(set, cell(&row, col[1]));
	}
	lmi_csv_close(&r);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < p->nlists; i++)
		set_sort(&p->lists[i]);
	for (int k = 0; k < NLID; k++) {
		if (strcmp(lid_info[k].kind, p->kind) != 0)
			continue;
		p->lst[k] = find_list(p, lid_info[k].name);
		if (p->lst[k] == NULL)
			return fail(rs, LMI_EPARSE, "codes.csv: no code list '%s'",
				    lid_info[k].name);
	}
	return LMI_OK;
}

/* The value of s when it is exactly n ASCII digits (n <= 9), else -1. */
static long digits_index(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return i == n && s[n] == '\0' ? v : -1;
}

/*
 * Loads column `colname` of a one-list table of n-digit codes into table[10^n]
 * (1 = known), so that a lookup is one index.
 */
static int load_digits(struct lmi_rules *rs, const char *dir, const char *name, const char *colname,
		       int n, unsigned char **table)
{
	const char *want[] = {colname, NULL};
	struct lmi_csv r;
	struct lmi_csv_row row;
	int col[1], rc = table_open(rs, &r, dir, name, want, col);
	long size = 1;

	for (int i = 0; i < n; i++)
		size *= 10;
	*table = lmi_xcalloc((size_t)size, 1);
	while (rc == LMI_OK && (rc = table_next(rs, &r, &row, name)) == 1) {
		long k = digits_index(cell(&row, col[0]), n);

		rc = LMI_OK;
		if (k < 0) {
			rc = fail(rs, LMI_EPARSE, "%s:%lu: %s must be %d digits", name, row.line,
				  colname, n);
			break;
		}
		(*table)[k] = 1;
	}
	lmi_csv_close(&r);
	return rc < 0 ? rc : LMI_OK;
}

static pcre2_code *compile(struct lmi_rules *rs, const char *where, const char *pat,
			   uint32_t options)
{
	int errcode;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | options,
				       &errcode, &off, NULL);
	PCRE2_UCHAR msg[160];

	if (re == NULL) {
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		fail(rs, LMI_EPARSE, "%s: bad regex at offset %zu: %s", where, (size_t)off,
		     (const char *)msg);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* an interpreter fallback is fine */
	return re;
}

static int parse_pattern_row(struct lmi_rules *rs, const struct lmi_csv_row *row, const int *col,
			     struct pattern *pt)
{
	struct lmi_rules_priv *p = rs->p;
	const char *rule = cell(row, col[0]), *field = cell(row, col[1]);
	const char *when = cell(row, col[2]), *colon;
	char where[64], fname[64];
	int k;

	snprintf(where, sizeof(where), "patterns.csv:%lu", row->line);
	for (k = R7; k <= R11; k++)
		if (strcmp(rid_info[k].id, rule) == 0)
			break;
	if (k > R11)
		return fail(rs, LMI_EPARSE, "%s: rule must be R7..R11, not '%s'", where, rule);
	pt->rule = (enum rid)k;
	if (strcmp(field, "title") == 0)
		pt->fields = 1;
	else if (strcmp(field, "description") == 0)
		pt->fields = 2;
	else if (strcmp(field, "title|description") == 0)
		pt->fields = 3;
	else
		return fail(rs, LMI_EPARSE,
			    "%s: field must be title, description or "
			    "title|description",
			    where);
	pt->when_slot = -1;
	if (when[0] != '\0') {
		colon = strchr(when, ':');
		if (colon == NULL || (size_t)(colon - when) >= sizeof(fname))
			return fail(rs, LMI_EPARSE, "%s: when must be FIELD:LIST", where);
		memcpy(fname, when, (size_t)(colon - when));
		fname[colon - when] = '\0';
		for (k = 0; k < NFID; k++)
			if (strcmp(fid_name[k], fname) == 0)
				break;
		pt->when_list = find_list(p, colon + 1);
		if (k == NFID || pt->when_list == NULL)
			return fail(rs, LMI_EPARSE, "%s: unknown field or code list in '%s'", where,
				    when);
		pt->when_slot = k;
	}
	pt->re = compile(rs, where, cell(row, col[3]), 0);
	if (pt->re == NULL)
		return LMI_EPARSE;
	pt->label = lmi_xstrdup(cell(row, col[4]));
	return LMI_OK;
}

static int probed(uint32_t cp)
{
	return cp < 0x80 || (cp >= 0x3130 && cp < 0x3190) || (cp >= 0xAC00 && cp < PROBE_END);
}

/* Writes code point cp (below 0x10000) as UTF-8 into buf; returns its length. */
static size_t utf8_put(uint32_t cp, unsigned char *buf)
{
	if (cp < 0x80) {
		buf[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (unsigned char)(0xC0 | (cp >> 6));
		buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	buf[0] = (unsigned char)(0xE0 | (cp >> 12));
	buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
	return 3;
}

/*
 * Whether some text starting with the n bytes of s could match re at its
 * start: with PCRE2_PARTIAL_HARD in options, a hard partial match of the
 * anchored re; without, whether re matches at the start when s ends the text.
 * Sound without positive look-behinds, \b, \B and verbs (the caller checks for
 * them): a negative look-behind sees no text before s and passes, and PCRE2
 * reports running out of text inside a look-ahead as a partial match, so a
 * probe only errs on the side of "maybe".  A matching error also answers maybe.
 */
static int may_begin(const pcre2_code *re, const unsigned char *s, size_t n, uint32_t options,
		     pcre2_match_data *md)
{
	return pcre2_match(re, s, n, 0, options, md, NULL) != PCRE2_ERROR_NOMATCH;
}

/*
 * Fills a->start: for each ASCII character, Hangul compatibility jamo and
 * Hangul syllable, a one-character probe tells whether a match can begin with
 * it; code points not probed are marked possible.  The first MAX_STARTS
 * possible ones get an index (a->starts[]); a->pair gets one zeroed block of
 * pair tables.  A pattern that matches the empty string gets no table.
 */
static void probe_starts(struct anyre *a, pcre2_match_data *md)
{
	unsigned char buf[4];

	if (pcre2_match(a->re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) != PCRE2_ERROR_NOMATCH)
		return;
	a->start = lmi_xcalloc(PROBE_END, 1);
	for (uint32_t cp = 1; cp < PROBE_END; cp++) {
		if (!probed(cp)) {
			a->start[cp] = NO_DETAIL;
		} else if (may_begin(a->re, buf, utf8_put(cp, buf), PCRE2_PARTIAL_HARD, md)) {
			a->start[cp] = a->nstarts < MAX_STARTS ? (unsigned char)(a->nstarts + 1)
							       : NO_DETAIL;
			if (a->nstarts < MAX_STARTS)
				a->starts[a->nstarts++] = cp;
		}
	}
	/* calloc: pages of pairs never seen are never touched */
	a->pair = lmi_xcalloc(a->nstarts ? a->nstarts : 1, PAIR_BYTES);
	a->tri = lmi_xcalloc((size_t)1 << TRI_BITS, sizeof(*a->tri));
}

/* Decodes the code point at s (valid UTF-8) and sets *len to its length in bytes. */
static uint32_t utf8_at(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] < 0xF0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		       (s[2] & 0x3F);
	}
	*len = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/*
 * Sets p->any[b].pmask[i] to the start code points that pattern i may begin
 * with (the same probe as the combined pattern's, anchored at match time).
 */
static void probe_pattern_starts(struct lmi_rules_priv *p, unsigned b)
{
	struct anyre *a = &p->any[b];
	unsigned char buf[4];

	a->pmask = lmi_xcalloc(p->npats, sizeof(*a->pmask));
	for (size_t i = 0; i < p->npats; i++) {
		if (!(p->pats[i].fields & (1u << b)))
			continue;
		for (size_t k = 0; k < a->nstarts; k++)
			if (may_begin(p->pats[i].re, buf, utf8_put(a->starts[k], buf),
				      PCRE2_ANCHORED | PCRE2_PARTIAL_HARD, p->md))
				a->pmask[i][k / 64] |= (uint64_t)1 << (k % 64);
	}
}

/* Appends "(?:pat)" for every pattern of field b to one alternation. */
static int build_any(struct lmi_rules *rs, unsigned b, char **pats)
{
	struct lmi_rules_priv *p = rs->p;
	struct anyre *a = &p->any[b];
	size_t len = 0, k = 0;
	char *all;
	int safe = 1;

	for (size_t i = 0; i < p->npats; i++) {
		if (!(p->pats[i].fields & (1u << b)))
			continue;
		len += strlen(pats[i]) + 5;
		/* Constructs that look at the text before the start defeat the probe. */
		if (strstr(pats[i], "(?<=") || strstr(pats[i], "\\b") || strstr(pats[i], "\\B") ||
		    strstr(pats[i], "(*"))
			safe = 0;
	}
	if (len == 0)
		return LMI_OK;
	all = lmi_xmalloc(len + 1);
	for (size_t i = 0; i < p->npats; i++) {
		size_t n = strlen(pats[i]);

		if (!(p->pats[i].fields & (1u << b)))
			continue;
		if (k > 0)
			all[k++] = '|';
		memcpy(all + k, "(?:", 3);
		memcpy(all + k + 3, pats[i], n);
		all[k + 3 + n] = ')';
		k += n + 4;
	}
	all[k] = '\0';
	a->re = compile(rs, "patterns.csv", all, safe ? PCRE2_ANCHORED : 0);
	free(all);
	if (a->re == NULL)
		return LMI_EPARSE;
	if (!safe)
		return LMI_OK;
	/* the probes are hard partial matches: JIT them too */
	pcre2_jit_compile(a->re, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
	probe_starts(a, p->md);
	if (a->start != NULL)
		probe_pattern_starts(p, b);
	return LMI_OK;
}

static int load_patterns(struct lmi_rules *rs, const char *dir)
{
	static const char *const want[] = {"rule", "field", "when", "pattern", "label", NULL};
	struct lmi_rules_priv *p = rs->p;
	struct lmi_csv r;
	struct lmi_csv_row row;
	int col[5], rc = table_open(rs, &r, dir, "patterns.csv", want, col);
	size_t cap = 0;
	char **pats = NULL;

	while (rc == LMI_OK && (rc = table_next(rs, &r, &row, "patterns.csv")) == 1) {
		if (p->npats == cap) {
			cap = cap ? 2 * cap : 32;
			p->pats = lmi_xrealloc(p->pats, cap * sizeof(*p->pats));
			pats = lmi_xrealloc(pats, cap * sizeof(*pats));
		}
		memset(&p->pats[p->npats], 0, sizeof(*p->pats));
		pats[p->npats] = lmi_xstrdup(cell(&row, col[3]));
		p->npats++;
		rc = parse_pattern_row(rs, &row, col, &p->pats[p->npats - 1]);
	}
	lmi_csv_close(&r);
	p->md = pcre2_match_data_create(1, NULL);
	if (p->md == NULL && rc >= 0)
		rc = fail(rs, LMI_ENOMEM, "out of memory");
	if (rc >= 0)
		rc = build_any(rs, 0, pats);
	if (rc >= 0)
		rc = build_any(rs, 1, pats);
	for (size_t i = 0; i < p->npats; i++)
		free(pats[i]);
	free(pats);
	return rc < 0 ? rc : LMI_OK;
}

int lmi_rules_init(struct lmi_rules *rs, const char *dir, const char *kind)
{
	struct lmi_rules_priv *p;
	size_t n;
	int rc;

	memset(rs, 0, sizeof(*rs));
	rs->schema = lmi_schema_get(kind);
	if (rs->schema == NULL)
		return fail(rs, LMI_EINVAL, "unknown kind '%s'", kind);
	n = rs->schema->n;
	p = lmi_xcalloc(1, sizeof(*p));
	rs->p = p;
	p->kind = rs->schema->kind;
	p->k = strcmp(p->kind, "vacancy") == 0 ? K_VACANCY
	       : strcmp(p->kind, "claim") == 0 ? K_CLAIM
					       : K_TRAINING;
	p->schema = rs->schema;
	for (int k = 0; k < NFID; k++)
		p->sidx[k] = lmi_schema_index(rs->schema, fid_name[k]);
	p->cols = lmi_xmalloc(n * sizeof(*p->cols));
	for (size_t i = 0; i < n; i++)
		p->cols[i] = -1;
	p->st = lmi_xcalloc(n, sizeof(*p->st));
	p->num = lmi_xcalloc(n, sizeof(*p->num));
	p->days = lmi_xcalloc(n, sizeof(*p->days));
	p->check = lmi_xcalloc(n, sizeof(*p->check));
	rc = load_rules(rs, dir);
	if (rc == LMI_OK)
		rc = load_min_wage(rs, dir);
	if (rc == LMI_OK)
		rc = load_codes(rs, dir);
	if (rc == LMI_OK)
		rc = load_digits(rs, dir, "regions.csv", "code", 5, &p->regions);
	if (rc == LMI_OK)
		rc = load_digits(rs, dir, "occupations.csv", "prefix", 2, &p->occ);
	if (rc == LMI_OK)
		rc = load_patterns(rs, dir);
	return rc;
}

int lmi_rules_bind(struct lmi_rules *rs, const int *cols)
{
	struct lmi_rules_priv *p = rs->p;

	memcpy(p->cols, cols, rs->schema->n * sizeof(*cols));
	p->ncheck = 0;
	for (size_t i = 0; i < rs->schema->n; i++) {
		p->st[i] = V_EMPTY;
		if (cols[i] >= 0 && !(rs->schema->fields[i].flags & LMI_F_ADDED))
			p->check[p->ncheck++] = (struct fcheck){i, (size_t)cols[i],
								rs->schema->fields[i].type};
	}
	return LMI_OK;
}

enum lmi_severity lmi_rules_severity(const struct lmi_rules *rs, const char *id)
{
	if (rs->p == NULL)
		return LMI_SEV_OFF;
	/* from the end: a later line for the same id wins, as in load_rules() */
	for (size_t i = rs->p->nrules; i-- > 0;)
		if (strcmp(rs->p->rules[i].id, id) == 0)
			return rs->p->rules[i].sev;
	return LMI_SEV_OFF;
}

void lmi_rules_release(struct lmi_rules *rs)
{
	struct lmi_rules_priv *p = rs->p;

	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i].id);
	free(p->rules);
	for (size_t i = 0; i < p->nlists; i++)
		set_free(&p->lists[i]);
	free(p->lists);
	free(p->regions);
	free(p->occ);
	free(p->wage_year);
	free(p->wage_hourly);
	for (size_t i = 0; i < p->npats; i++) {
		pcre2_code_free(p->pats[i].re);
		free(p->pats[i].label);
	}
	free(p->pats);
	for (int b = 0; b < 2; b++) {
		pcre2_code_free(p->any[b].re);
		free(p->any[b].start);
		free(p->any[b].pair);
		free(p->any[b].tri);
		free(p->any[b].pmask);
	}
	pcre2_match_data_free(p->md);
	free(p->cols);
	free(p->st);
	free(p->num);
	free(p->days);
	free(p->check);
	free(p);
	rs->p = NULL;
}

/* ---- evaluation ---- */

struct ctx {
	struct lmi_rules_priv *p;
	const struct lmi_csv_row *row;
	struct lmi_verdict *v;
	long as_of;
};

static void add(struct ctx *c, enum rid k, const char *field, const char *value, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

/* Records a violation of rule k unless the rule is off. */
static void add(struct ctx *c, enum rid k, const char *field, const char *value, const char *fmt,
		...)
{
	const struct rule *ru = c->p->slot[k];
	struct lmi_violation *x;
	va_list ap;
	int n;

	if (ru == NULL || ru->sev == LMI_SEV_OFF)
		return;
	if (ru->sev == LMI_SEV_ERROR)
		c->v->nerr++;
	else
		c->v->nwarn++;
	if (c->v->n == LMI_RULES_MAX_VIOL)
		return;
	x = &c->v->v[c->v->n++];
	x->rule = ru->id;
	x->severity = ru->sev;
	x->field = field;
	x->value = value;
	va_start(ap, fmt);
	n = vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(x->msg))
		x->msg[clip(x->msg, sizeof(x->msg) - 1)] = '\0';
}

static int on(const struct ctx *c, enum rid k)
{
	return c->p->slot[k] != NULL && c->p->slot[k]->sev != LMI_SEV_OFF;
}

/* Value of field slot f in the row, "" when the column is absent. */
static const char *val(const struct ctx *c, enum fid f)
{
	int si = c->p->sidx[f];

	return si < 0 ? "" : cell(c->row, c->p->cols[si]);
}

/* Length in bytes of val(c, f). */
static size_t val_len(const struct ctx *c, enum fid f)
{
	int si = c->p->sidx[f], col = si < 0 ? -1 : c->p->cols[si];

	return col >= 0 && (size_t)col < c->row->n ? c->row->len[col] : 0;
}

static enum vstate st(const struct ctx *c, enum fid f)
{
	int si = c->p->sidx[f];

	return si < 0 ? V_EMPTY : c->p->st[si];
}

static double num(const struct ctx *c, enum fid f)
{
	return c->p->num[c->p->sidx[f]];
}

static long days(const struct ctx *c, enum fid f)
{
	return c->p->days[c->p->sidx[f]];
}

/*
 * The common case of a number field: 1 to max (at most 15) ASCII digits,
 * exact in a double; len is strlen(s).
 */
static int plain_int(const char *s, size_t len, size_t max, double *v)
{
	long long x = 0;

	if (len == 0 || len > max)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = (double)x;
	return 1;
}

/*
 * Writes x with two decimals, rounded half away from zero, like "%.2f" but
 * without printf's exact-decimal machinery (this runs for every vacancy).
 * Falls back to snprintf for values past 10^15.
 */
static void format_cents(double x, char *out, size_t size)
{
	char tmp[32];
	long long c;
	int k = 0, neg = x < 0;

	if (!(fabs(x) < 1e15)) {
		snprintf(out, size, "%.2f", x);
		return;
	}
	c = llround(fabs(x) * 100);
	tmp[k++] = (char)('0' + c % 10);
	c /= 10;
	tmp[k++] = (char)('0' + c % 10);
	c /= 10;
	tmp[k++] = '.';
	do {
		tmp[k++] = (char)('0' + c % 10);
		c /= 10;
	} while (c > 0);
	if (neg && (size_t)k < sizeof(tmp))
		tmp[k++] = '-';
	if ((size_t)k >= size) {
		out[0] = '\0';
		return;
	}
	for (int i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = '\0';
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* Shows a value in a message: at most 60 bytes, cut on a code point. */
#define SHOW(s) clip((s), 60), (s)

/* R1/C0/T0 required fields, then R4.date/R12.type/C0.type/T0.type; fills st/num/days. */
static void check_types(struct ctx *c, enum rid req, enum rid date_rule, enum rid type_rule)
{
	struct lmi_rules_priv *p = c->p;
	/* in locals: the calls below would make the compiler reload them for every field */
	const struct fcheck *check = p->check;
	size_t ncheck = p->ncheck, ncol = c->row->n;
	char *const *cf = c->row->f;
	const size_t *clen = c->row->len;

	/* the fields not in p->check stay V_EMPTY (lmi_rules_bind) */
	for (size_t k = 0; k < ncheck; k++) {
		size_t i = check[k].si, col = check[k].col;
		const struct lmi_field *f;
		const char *x = "";
		size_t len = 0;
		long long ll;
		const char *e;
		int rc;

		if (col < ncol) {
			x = cf[col];
			len = clen[col];
		}
		/* only a value that is empty or starts with a blank can be blank */
		if (len == 0 || ((x[0] == ' ' || x[0] == '\t') && blank(x))) {
			f = &p->schema->fields[i];
			p->st[i] = V_EMPTY;
			if (f->flags & LMI_F_REQUIRED)
				add(c, req, f->name, x, "required field '%s' is empty", f->name);
			continue;
		}
		p->st[i] = V_OK;
		f = &p->schema->fields[i];
		switch (check[k].type) {
		case LMI_T_DATE:
			rc = lmi_parse_date_len(x, len, &p->days[i]);
			if (rc == LMI_PARSE_UNTIL_FILLED && strcmp(f->name, "close_date") == 0) {
				p->st[i] = V_UNTIL;
			} else if (rc != LMI_OK) {
				p->st[i] = V_BAD;
				add(c, date_rule, f->name, x, "%s '%.*s' is not a date", f->name,
				    SHOW(x));
			}
			break;
		case LMI_T_INT:
			/* 12 digits stay below lmi_parse_long's bound of 10^12 */
			if (plain_int(x, len, 12, &p->num[i]))
				break;
			if (lmi_parse_long(x, -1000000000000LL, 1000000000000LL, &ll, &e) < 0) {
				p->st[i] = V_BAD;
				add(c, type_rule, f->name, x, "%s '%.*s' is not an integer",
				    f->name, SHOW(x));
			} else {
				p->num[i] = (double)ll;
			}
			break;
		case LMI_T_NUM:
			if (plain_int(x, len, 15, &p->num[i]))
				rc = LMI_OK;
			else if (strncmp(f->name, "wage_", 5) == 0)
				rc = lmi_parse_money(x, &p->num[i]);
			else
				rc = lmi_parse_num(x, &p->num[i]);
			if (rc == LMI_PARSE_EMPTY) {
				p->st[i] = V_EMPTY;
			} else if (rc != LMI_OK) {
				p->st[i] = V_BAD;
				add(c, type_rule, f->name, x, "%s '%.*s' is not a number", f->name,
				    SHOW(x));
			}
			break;
		case LMI_T_BOOL:
			if (len != 1 || (x[0] != '0' && x[0] != '1')) {
				p->st[i] = V_BAD;
				add(c, type_rule, f->name, x, "%s '%.*s' is not 0 or 1", f->name,
				    SHOW(x));
			} else {
				p->num[i] = x[0] - '0';
			}
			break;
		default:
			break;
		}
	}
}

static void check_code(struct ctx *c, enum rid k, enum fid f, enum lid list)
{
	const char *x;

	if (!on(c, k) || st(c, f) == V_EMPTY)
		return;
	x = val(c, f);
	if (!set_has(c->p->lst[list], x, val_len(c, f)))
		add(c, k, fid_name[f], x, "%s '%.*s' is not in the code list", fid_name[f],
		    SHOW(x));
}

static void check_bizno(struct ctx *c)
{
	const char *x = val(c, F_EMPLOYER);
	size_t n = val_len(c, F_EMPLOYER);
	int sum = 0;
	static const int w[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};

	if (st(c, F_EMPLOYER) == V_EMPTY || (n == 10 && lmi_bizno_valid(x)))
		return;
	if (n != 10 || !lmi_is_digits(x)) {
		add(c, R2, "employer_id", x, "business number '%.*s' is not 10 digits", SHOW(x));
		return;
	}
	if (strcmp(x, "0000000000") == 0) {
		add(c, R2, "employer_id", x, "business number is all zeros");
		return;
	}
	for (int i = 0; i < 9; i++)
		sum += (x[i] - '0') * w[i];
	sum += (x[8] - '0') * 5 / 10;
	add(c, R2, "employer_id", x, "business number '%s' has check digit %c, expected %d", x,
	    x[9], (10 - sum % 10) % 10);
}

static void check_region_occ(struct ctx *c)
{
	const char *x = val(c, F_REGION);
	long k;

	k = digits_index(x, 5);
	if (on(c, R3_REGION) && st(c, F_REGION) != V_EMPTY && (k < 0 || !c->p->regions[k]))
		add(c, R3_REGION, "region_code", x,
		    "region_code '%.*s' is not a known si-gun-gu code", SHOW(x));
	x = val(c, F_OCC);
	if (!on(c, R3_OCC) || st(c, F_OCC) == V_EMPTY)
		return;
	k = digits_index(x, 6);
	if (k < 0 || !c->p->occ[k / 10000])
		add(c, R3_OCC, "occupation_code", x,
		    "occupation_code '%.*s' is not 6 digits with a known prefix", SHOW(x));
}

/* R4 and R5: reg_date not after as-of, close_date not before reg_date, span, status. */
static void check_dates(struct ctx *c)
{
	const struct rule *span = c->p->slot[R4_SPAN];
	const char *status = val(c, F_STATUS);
	size_t slen = val_len(c, F_STATUS);
	char a[11], b[11];
	long reg = 0, close = 0;
	int has_reg = st(c, F_REG) == V_OK, has_close = st(c, F_CLOSE) == V_OK;

	if (st(c, F_UNTIL) == V_OK && num(c, F_UNTIL) == 1)
		has_close = 0;
	if (has_reg)
		reg = days(c, F_REG);
	if (has_close)
		close = days(c, F_CLOSE);
	if (has_reg && reg > c->as_of) {
		lmi_format_date(reg, a);
		lmi_format_date(c->as_of, b);
		add(c, R4_FUTURE, "reg_date", val(c, F_REG),
		    "reg_date %s is after the as-of date %s", a, b);
	}
	if (has_reg && has_close && close < reg) {
		lmi_format_date(close, a);
		lmi_format_date(reg, b);
		add(c, R4_ORDER, "close_date", val(c, F_CLOSE),
		    "close_date %s is before reg_date %s", a, b);
	} else if (has_reg && has_close && span->has_max && close - reg > span->max) {
		add(c, R4_SPAN, "close_date", val(c, F_CLOSE),
		    "posting open %ld days, more than %.0f", close - reg, span->max);
	}
	/* A status the source set (closed one way or another) stands; open is re-derived. */
	if (slen == 6 && memcmp(status, "filled", 6) == 0)
		c->v->status = "filled";
	else if (slen == 9 && memcmp(status, "cancelled", 9) == 0)
		c->v->status = "cancelled";
	else if (slen == 7 && memcmp(status, "expired", 7) == 0)
		c->v->status = "expired";
	else if (has_close && close < c->as_of)
		c->v->status = "expired";
	else
		c->v->status = "open";
}

static double min_wage(const struct lmi_rules_priv *p, int year, int *found)
{
	for (size_t i = 0; i < p->nwage; i++) {
		if (p->wage_year[i] == year) {
			*found = 1;
			return p->wage_hourly[i];
		}
	}
	*found = 0;
	return 0;
}

/* R6, R12.wagetype, R12.range: the offered wage. */
static void check_wage(struct ctx *c)
{
	const char *wt = val(c, F_WTYPE);
	int have_min = st(c, F_WMIN) == V_OK, have_max = st(c, F_WMAX) == V_OK;
	int y, m, d, found;
	double h, floor_h;

	if ((have_min || have_max) && st(c, F_WTYPE) == V_EMPTY)
		add(c, R12_WAGETYPE, "wage_type", wt, "a wage is given without a wage_type");
	if (have_min && have_max && num(c, F_WMIN) > num(c, F_WMAX))
		add(c, R12_RANGE, "wage_max", val(c, F_WMAX),
		    "wage_min %.0f is greater than wage_max %.0f", num(c, F_WMIN), num(c, F_WMAX));
	if (!have_min || lmi_wage_hourly(wt, num(c, F_WMIN), &h) != LMI_OK)
		return;
	format_cents(h, c->v->wage_hourly, sizeof(c->v->wage_hourly));
	if (st(c, F_REG) != V_OK)
		return;
	lmi_civil_from_days(days(c, F_REG), &y, &m, &d);
	floor_h = min_wage(c->p, y, &found);
	if (!found)
		add(c, R6_YEAR, "reg_date", val(c, F_REG),
		    "no minimum wage for %d in min_wage.csv; wage not checked", y);
	else if (h < floor_h)
		add(c, R6, "wage_min", val(c, F_WMIN),
		    "wage_min %.0f %s is %.2f an hour, below the %d minimum of %.0f",
		    num(c, F_WMIN), wt, h, y, floor_h);
}

/* R12: title length, positions, weekly hours. */
static void check_structure(struct ctx *c)
{
	const struct rule *t = c->p->slot[R12_TITLE], *pos = c->p->slot[R12_POS];
	const struct rule *hr = c->p->slot[R12_HOURS];
	const char *x = val(c, F_TITLE);

	if (st(c, F_TITLE) != V_EMPTY) {
		size_t bytes = val_len(c, F_TITLE), n;

		/* n bytes hold n / 4 to n code points: count them only when that range decides */
		if ((!t->has_min || (bytes + 3) / 4 >= t->min) && (!t->has_max || bytes <= t->max))
			n = bytes;
		else
			n = lmi_utf8_len(x, bytes);
		if ((t->has_min && n < t->min) || (t->has_max && n > t->max))
			add(c, R12_TITLE, "title", x,
			    "title has %zu characters, outside %.0f..%.0f", n,
			    t->has_min ? t->min : 0, t->has_max ? t->max : 0);
	}
	if (st(c, F_POS) == V_OK && pos->has_min && num(c, F_POS) < pos->min)
		add(c, R12_POS, "positions", val(c, F_POS), "positions %.0f is below %.0f",
		    num(c, F_POS), pos->min);
	if (st(c, F_HOURS) == V_OK && ((hr->has_min && num(c, F_HOURS) < hr->min) ||
				       (hr->has_max && num(c, F_HOURS) > hr->max)))
		add(c, R12_HOURS, "hours_per_week", val(c, F_HOURS),
		    "hours_per_week %g is outside %g..%g", num(c, F_HOURS),
		    hr->has_min ? hr->min : 0, hr->has_max ? hr->max : 0);
}

/* utf8_at() with ASCII and three-byte characters (Hangul) decoded inline: this runs on every one */
static inline uint32_t cp_at(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xE0 && s[0] < 0xF0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		       (s[2] & 0x3F);
	}
	return utf8_at(s, len);
}

/* The start[] entry of the code point at s (see struct anyre); sets *len to its length. */
static inline unsigned start_at(const struct anyre *a, const unsigned char *s, size_t *len)
{
	uint32_t cp = cp_at(s, len);

	return cp < PROBE_END ? a->start[cp] : NO_DETAIL;
}

/*
 * Whether a match of a->re can begin at s, where start code point k and
 * code point cp2 (len bytes in all) are followed by the code point at s +
 * len, or by the end of the text when len == end: the triple table.
 */
static int tri_may(struct anyre *a, pcre2_match_data *md, unsigned k, uint32_t cp2,
		   const unsigned char *s, size_t len, size_t end)
{
	size_t len3 = 0;
	uint32_t cp3 = 0;
	uint64_t key, h;

	if (len < end)
		cp3 = utf8_at(s + len, &len3);
	key = ((uint64_t)(k + 1) << 42 | (uint64_t)cp2 << 21 | cp3) << 1;
	h = (key * 0x9E3779B97F4A7C15u) >> (64 - TRI_BITS);
	for (int i = 0; i < TRI_PROBES; i++) {
		uint64_t *slot = &a->tri[(h + (uint64_t)i) & (((uint64_t)1 << TRI_BITS) - 1)];

		if (*slot == 0) {
			*slot = key | (uint64_t)may_begin(a->re, s, len + len3,
						       PCRE2_NO_UTF_CHECK |
							   (len3 > 0 ? PCRE2_PARTIAL_HARD : 0),
						       md);
			return (int)(*slot & 1);
		}
		if ((*slot & ~(uint64_t)1) == key)
			return (int)(*slot & 1);
	}
	return 1;
}

/* The pair table entry for the n bytes of s: 2 when a match may begin with them, else 1. */
static unsigned pair_probe(struct anyre *a, pcre2_match_data *md, const unsigned char *s,
			   size_t n, int partial)
{
	return may_begin(a->re, s, n, PCRE2_NO_UTF_CHECK | (partial ? PCRE2_PARTIAL_HARD : 0), md)
		   ? 2
		   : 1;
}

/*
 * pair_may() for a pair not yet probed or that may begin a match: probes it
 * (tab and sh locate its entry), then looks up the triple.
 */
static int pair_maybe(struct anyre *a, pcre2_match_data *md, unsigned k, uint32_t cp2,
		      const unsigned char *s, size_t len, size_t len2, size_t end,
		      unsigned char *tab, unsigned sh)
{
	unsigned v = (*tab >> sh) & 3;

	if (v == 0) {
		v = pair_probe(a, md, s, len + len2, len2 > 0);
		*tab = (unsigned char)(*tab | v << sh);
	}
	if (v == 1)
		return 0;
	/* a pair at the end of the text was probed as a whole match: nothing follows */
	return len2 == 0 || tri_may(a, md, k, cp2, s, len + len2, end);
}

/*
 * Whether a match of a->re can begin at s, where the start code point k
 * (first len bytes) is followed by the code point at s + len, or ends the
 * text when len == end: the pair table, probed on first sight, then the
 * triple table.  The end of the text takes the slot of code point 0, which
 * text never holds.
 */
static inline int pair_may(struct anyre *a, pcre2_match_data *md, unsigned k,
			   const unsigned char *s, size_t len, size_t end)
{
	size_t len2 = 0;
	uint32_t cp2 = 0;
	unsigned char *tab;
	unsigned sh, v;

	if (len < end) {
		cp2 = cp_at(s + len, &len2);
		if (cp2 >= PROBE_END || cp2 == 0)
			return 1;
	}
	tab = a->pair + k * PAIR_BYTES + cp2 / 4;
	sh = (cp2 % 4) * 2;
	v = (*tab >> sh) & 3;
	if (v == 1)
		return 0;
	return pair_maybe(a, md, k, cp2, s, len, len2, end, tab, sh);
}

/*
 * Finds where field b's combined pattern first matches in x: everywhere, or,
 * with a start table, anchored at each position where a match can begin.
 * Returns 0 for no match; else 1 with *at set to the match position and
 * mask[] to the start code points at which some pattern may begin from there
 * on, or 2 when that is unknown (a code point without an index follows).  A
 * matching error counts as a match at 0 with an unknown mask, so that every
 * pattern is tried.
 */
static int any_match(struct lmi_rules_priv *p, unsigned b, const char *x, size_t n, size_t *at,
		     uint64_t mask[2])
{
	struct anyre *a = &p->any[b];
	const unsigned char *s = (const unsigned char *)x;
	size_t i = 0, len;
	unsigned k;
	int rc = PCRE2_ERROR_NOMATCH;

	*at = 0;
	if (a->start == NULL)
		return pcre2_match(a->re, (PCRE2_SPTR)x, n, 0, PCRE2_NO_UTF_CHECK, p->md, NULL) !=
			       PCRE2_ERROR_NOMATCH
			   ? 2
			   : 0;
	for (; i < n; i += len) {
		k = start_at(a, s + i, &len);
		if (k == 0 || (k != NO_DETAIL && !pair_may(a, p->md, k - 1, s + i, len, n - i)))
			continue;
		/* pcre2_jit_match skips pcre2_match's checks: this is the hot call */
		rc = pcre2_jit_match(a->re, (PCRE2_SPTR)x, n, i, 0, p->md, NULL);
		if (rc == PCRE2_ERROR_JIT_BADOPTION)
			rc = pcre2_match(a->re, (PCRE2_SPTR)x, n, i, PCRE2_NO_UTF_CHECK, p->md,
					 NULL);
		if (rc != PCRE2_ERROR_NOMATCH)
			break;
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return 2;
	/* Which start code points follow: a pattern that begins with none of them cannot match. */
	*at = i;
	mask[0] = mask[1] = 0;
	for (; i < n; i += len) {
		k = start_at(a, s + i, &len);
		if (k == 0 || (k != NO_DETAIL && !pair_may(a, p->md, k - 1, s + i, len, n - i)))
			continue;
		if (k == NO_DETAIL)
			return 2;
		mask[(k - 1) / 64] |= (uint64_t)1 << ((k - 1) % 64);
	}
	return 1;
}

/*
 * R7..R11: wording, one violation per rule and row.  The combined pattern
 * finds the first position where any pattern matches; each pattern is then
 * searched from there, unless it cannot begin with any code point that follows.
 */
static void check_wording(struct ctx *c)
{
	static const enum fid fields[2] = {F_TITLE, F_DESC};
	struct lmi_rules_priv *p = c->p;
	unsigned fired = 0;

	for (unsigned b = 0; b < 2; b++) {
		const struct anyre *a = &p->any[b];
		const char *x = val(c, fields[b]);
		size_t n = val_len(c, fields[b]), at;
		uint64_t mask[2];
		int hit;

		if (n == 0 || a->re == NULL)
			continue;
		hit = any_match(p, b, x, n, &at, mask);
		if (hit == 0)
			continue;
		for (size_t i = 0; i < p->npats; i++) {
			const struct pattern *pt = &p->pats[i];
			PCRE2_SIZE *ov;

			if (!(pt->fields & (1u << b)) || (fired & (1u << pt->rule)) ||
			    !on(c, pt->rule))
				continue;
			if (hit == 1 && !(a->pmask[i][0] & mask[0]) && !(a->pmask[i][1] & mask[1]))
				continue;
			if (pt->when_slot >= 0 &&
			    !set_has(pt->when_list, val(c, (enum fid)pt->when_slot),
				     val_len(c, (enum fid)pt->when_slot)))
				continue;
			if (pcre2_match(pt->re, (PCRE2_SPTR)x, n, at, PCRE2_NO_UTF_CHECK, p->md,
					NULL) < 0)
				continue;
			ov = pcre2_get_ovector_pointer(p->md);
			fired |= 1u << pt->rule;
			add(c, pt->rule, fid_name[fields[b]], x, "%s has '%.*s' (%s)",
			    fid_name[fields[b]], clip_match(x + ov[0], ov[1] - ov[0]), x + ov[0],
			    pt->label);
		}
	}
}

static void check_vacancy(struct ctx *c)
{
	check_types(c, R1, R4_DATE, R12_TYPE);
	check_bizno(c);
	check_code(c, R3_EMP, F_EMP, L_EMP);
	check_code(c, R3_WAGE, F_WTYPE, L_WAGE);
	check_code(c, R3_EDU, F_EDU, L_EDU);
	check_code(c, R3_CAREER, F_CAREER, L_CAREER);
	check_code(c, R3_STATUS, F_STATUS, L_STATUS);
	check_region_occ(c);
	check_dates(c);
	check_wage(c);
	check_structure(c);
	check_wording(c);
}

/* C2: each present date not before the previous present one. */
static void check_claim_order(struct ctx *c)
{
	static const enum fid order[4] = {F_SEP, F_ELIG, F_FIRSTPAY, F_END};
	enum fid last = NFID;
	char a[11], b[11];

	for (int i = 0; i < 4; i++) {
		if (st(c, order[i]) != V_OK)
			continue;
		if (last != NFID && days(c, order[i]) < days(c, last)) {
			lmi_format_date(days(c, order[i]), a);
			lmi_format_date(days(c, last), b);
			add(c, C_ORDER, fid_name[order[i]], val(c, order[i]),
			    "%s %s is before %s %s", fid_name[order[i]], a, fid_name[last], b);
		}
		last = order[i];
	}
}

static void check_claim(struct ctx *c)
{
	const struct rule *ent = c->p->slot[C_ENT], *dp = c->p->slot[C_PAID];
	int has_end, has_reason;

	check_types(c, C_REQ, C_TYPE, C_TYPE);
	has_end = st(c, F_END) == V_OK;
	has_reason = st(c, F_ENDREASON) != V_EMPTY;
	if (st(c, F_ENTITLED) == V_OK && ((ent->has_min && num(c, F_ENTITLED) < ent->min) ||
					  (ent->has_max && num(c, F_ENTITLED) > ent->max)))
		add(c, C_ENT, "entitled_days", val(c, F_ENTITLED),
		    "entitled_days %.0f is outside %.0f..%.0f", num(c, F_ENTITLED),
		    ent->has_min ? ent->min : 0, ent->has_max ? ent->max : 0);
	check_claim_order(c);
	if (st(c, F_DAYSPAID) == V_OK) {
		if (dp->has_min && num(c, F_DAYSPAID) < dp->min)
			add(c, C_PAID, "days_paid", val(c, F_DAYSPAID),
			    "days_paid %.0f is below %.0f", num(c, F_DAYSPAID), dp->min);
		else if (st(c, F_ENTITLED) == V_OK && num(c, F_DAYSPAID) > num(c, F_ENTITLED))
			add(c, C_PAID, "days_paid", val(c, F_DAYSPAID),
			    "days_paid %.0f is greater than entitled_days %.0f", num(c, F_DAYSPAID),
			    num(c, F_ENTITLED));
	}
	check_code(c, C_REASON, F_ENDREASON, L_END);
	if (has_reason && !has_end && st(c, F_END) == V_EMPTY)
		add(c, C_END, "end_reason", val(c, F_ENDREASON),
		    "end_reason is given but end_date is empty");
	else if (has_end && !has_reason)
		add(c, C_END, "end_reason", "", "end_date is given but end_reason is empty");
	if (strcmp(val(c, F_ENDREASON), "reemployed") == 0 && st(c, F_REEMP) == V_EMPTY)
		add(c, C_REEMP, "reemployment_date", "",
		    "end_reason is reemployed but reemployment_date is empty");
}

static void check_training(struct ctx *c)
{
	const struct rule *att = c->p->slot[T_ATT];
	char a[11], b[11];

	check_types(c, T_REQ, T_TYPE, T_TYPE);
	if (st(c, F_START) == V_OK && st(c, F_END) == V_OK && days(c, F_END) < days(c, F_START)) {
		lmi_format_date(days(c, F_END), a);
		lmi_format_date(days(c, F_START), b);
		add(c, T_ORDER, "end_date", val(c, F_END), "end_date %s is before start_date %s", a,
		    b);
	}
	if (st(c, F_ATT) == V_OK && ((att->has_min && num(c, F_ATT) < att->min) ||
				     (att->has_max && num(c, F_ATT) > att->max)))
		add(c, T_ATT, "attendance_rate", val(c, F_ATT),
		    "attendance_rate %g is outside %g..%g", num(c, F_ATT),
		    att->has_min ? att->min : 0, att->has_max ? att->max : 0);
	if (st(c, F_EMP6M) == V_OK && num(c, F_EMP6M) == 1 &&
	    !set_has(c->p->lst[L_EMP6M], val(c, F_STATUS), val_len(c, F_STATUS)))
		add(c, T_EMP6M, "employed_6m", val(c, F_EMP6M),
		    "employed_6m is 1 but status is '%.*s', not completed or early_employed",
		    SHOW(val(c, F_STATUS)));
	check_code(c, T_STATUS, F_STATUS, L_TSTATUS);
}

size_t lmi_rules_check(struct lmi_rules *rs, const struct lmi_csv_row *row, struct lmi_verdict *v)
{
	struct ctx c = {rs->p, row, v, rs->as_of};

	v->n = v->nerr = v->nwarn = 0;
	v->wage_hourly[0] = '\0';
	v->status = NULL;
	if (rs->p->k == K_VACANCY)
		check_vacancy(&c);
	else if (rs->p->k == K_CLAIM)
		check_claim(&c);
	else
		check_training(&c);
	return v->nerr;
}

/* Person linkage: blocking, field comparators, Fellegi-Sunter weights with m/u estimated by EM. */
#ifndef LMI_LINK_H
#define LMI_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "csvio.h"

#define LMI_LINK_MAX_FIELDS 16 /* compared fields */
#define LMI_LINK_MAX_LEVELS 5  /* agreement levels of one comparator */
#define LMI_LINK_MAX_BLOCKS 16 /* blocking passes */
#define LMI_LINK_MAX_PARTS 4   /* columns in one blocking key */
#define LMI_LINK_MAX_CP 256     /* jw and id see at most this many code points of a value */
#define LMI_LINK_MAX_PAIRS 20000000u /* default cap on distinct candidate pairs */
#define LMI_LINK_U_SAMPLE 1000000u   /* pairs outside the blocks drawn to stand for non-matches */

/*
 * Comparators and their agreement levels (higher = closer; -1 = a value is
 * missing, which is neutral: it adds 0 to the match weight).
 *   exact: 1 equal, 0 other
 *   jw:    3 equal, 2 Jaro-Winkler >= 0.92, 1 >= 0.85, 0 other
 *   id:    2 equal, 1 OSA (Damerau-Levenshtein) distance 1, 0 other
 *   num:   2 equal, 1 |a - b| <= tolerance (default 1), 0 other
 *   date:  4 equal, 3 day and month swapped, 2 one of year/month/day differs,
 *          1 within 365 days, 0 other
 * Text is compared after trimming, collapsing runs of spaces and upper-casing
 * ASCII; id values also drop spaces, '-', '.' and '/'.  jw and id similarity
 * look at the first LMI_LINK_MAX_CP code points only (equality at all).
 */
enum lmi_link_cmp {
	LMI_CMP_AUTO, /* chosen from the column name and values */
	LMI_CMP_EXACT,
	LMI_CMP_JW,
	LMI_CMP_ID,
	LMI_CMP_NUM,
	LMI_CMP_DATE,
};

/* Returns the name of a comparator ("exact", "jw", ...). */
const char *lmi_link_cmp_name(enum lmi_link_cmp c);

/* Returns the number of agreement levels of a comparator (2..5). */
int lmi_link_cmp_levels(enum lmi_link_cmp c);

/* Returns a short description of one level, e.g. "jaro-winkler >= 0.92". */
const char *lmi_link_level_name(enum lmi_link_cmp c, int level);

/*
 * Compares two raw field values (NUL-terminated UTF-8) with comparator c
 * (num uses `tol`).  Returns the agreement level, -1 when either value is
 * empty or cannot be read as the comparator's type (a number, a date), or
 * LMI_ENOMEM - 100 (< -1) when out of memory.  The engine below does the same
 * on values prepared once per record; this entry point is for tests and
 * single comparisons.
 */
int lmi_link_compare(enum lmi_link_cmp c, double tol, const char *a, const char *b);

/*
 * Parses a date loosely for comparison: YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD(.) or
 * YYYYMMDD, surrounding spaces allowed, month and day each 1..31 (so that a
 * date with day and month swapped still compares).  Returns 0 and sets the
 * parts, or -1.
 */
int lmi_link_parse_date(const char *s, int *y, int *m, int *d);

/*
 * Fellegi-Sunter model under conditional independence.  m[k][l] and u[k][l]
 * are P(level l of field k | match) and P(... | non-match); lambda is the
 * share of matches among the compared pairs.
 */
struct lmi_fs {
	size_t nf;
	int nlev[LMI_LINK_MAX_FIELDS];
	double m[LMI_LINK_MAX_FIELDS][LMI_LINK_MAX_LEVELS];
	double u[LMI_LINK_MAX_FIELDS][LMI_LINK_MAX_LEVELS];
	double lambda;
	int iterations; /* M-steps done */
	int converged;
	double loglik;
};

/*
 * Sets the starting values: for each field the top level has m = 0.9 and
 * u = 0.1, the other L - 1 levels share the rest equally (m = 0.1 / (L - 1),
 * u = 0.9 / (L - 1)); lambda = 0.1.  nf <= LMI_LINK_MAX_FIELDS and
 * 2 <= nlev[k] <= LMI_LINK_MAX_LEVELS, else LMI_EINVAL.
 */
int lmi_fs_init(struct lmi_fs *fs, size_t nf, const int *nlev);

/*
 * EM on `npat` distinct comparison vectors pat[i * nf + k] (level, or -1 for
 * missing) seen count[i] times, plus `nx` vectors xpat seen xcount[i] times
 * that are known non-matches (pairs outside every block; may be 0).
 * E-step: g = lambda*Pm / (lambda*Pm + (1-lambda)*Pu), products over the
 * non-missing fields (g = 0 for the xpat vectors).  M-step: lambda =
 * sum(n g) / sum(n); m[k][l] = sum over vectors with level l of n g divided by
 * the sum over vectors where k is not missing (likewise u with 1 - g).  Each
 * probability is then floored at 1e-6 and the field's levels renormalised;
 * lambda is kept in [1e-6, 1 - 1e-6].  The log-likelihood is
 * sum n log(lambda*Pm + (1-lambda)*Pu) (for xpat: n log((1-lambda)*Pu)); EM
 * stops when it changes by at most tol * |loglik| (converged = 1) or after
 * maxiter M-steps.  Deterministic: the same input gives the same bits.
 * Returns LMI_OK.
 */
int lmi_fs_em(struct lmi_fs *fs, const signed char *pat, const double *count, size_t npat,
	      const signed char *xpat, const double *xcount, size_t nx, double tol, int maxiter);

/* Match weight: sum over non-missing fields of log2(m[k][l] / u[k][l]). */
double lmi_fs_weight(const struct lmi_fs *fs, const signed char *gamma);

/* Posterior match probability of a pair with weight w: prior odds lambda/(1-lambda) times 2^w. */
double lmi_fs_probability(const struct lmi_fs *fs, double w);

/* --- The linkage engine ------------------------------------------------- */

struct lmi_link_field {
	char *name[2]; /* column in A and in B (the same unless "a=b" was given) */
	enum lmi_link_cmp cmp;
	double tol;  /* num tolerance */
	int col[2];  /* resolved column indexes */
	unsigned long long bad[2]; /* values that could not be read (number, date) */
	unsigned long bad_line[2]; /* line of the first one */
};

struct lmi_link_part {
	char *name[2];
	int col[2];
	unsigned prefix; /* first N code points; 0 = whole value */
	int phonetic;    /* key on the phonetic code (":sdx") */
};

struct lmi_link_block {
	char *spec;
	size_t nparts;
	struct lmi_link_part part[LMI_LINK_MAX_PARTS];
	size_t pairs; /* new distinct pairs this pass added */
};

/* A prepared value: code points in the file's arena, or a number or a date. */
struct lmi_link_val {
	uint32_t off, n; /* code points; n == 0 and ok == 0 means missing */
	uint32_t h;      /* hash of the code points */
	double x;        /* num value, or day number for dates */
	short y;
	signed char mo, d;
	unsigned char ok; /* 1 when present and readable */
};

struct lmi_link_file {
	char *name;
	struct lmi_csv_row header; /* copy: header.f points into hdr */
	struct lmi_csv_row *hdr;
	size_t nrec, cap;
	struct lmi_csv_row **rows;
	unsigned long *line;
	struct lmi_link_val *val; /* nrec * nf */
	uint32_t *cp;
	size_t ncp, cpcap;
};

enum lmi_link_flags {
	LMI_LINK_ONE_TO_ONE = 1 << 0, /* keep each record's best partner only */
	LMI_LINK_PAIRS_ONLY = 1 << 1, /* no per-field agreement columns */
};

/*
 * The engine.  Lifecycle: lmi_link_init, lmi_link_set_id, lmi_link_add_fields
 * and lmi_link_add_block (optional), lmi_link_read for A and (optionally) B,
 * lmi_link_run, the writers, lmi_link_release.  Every function returns LMI_OK
 * or a negative status with err (and err_file, err_line when the error is in a
 * file) set; lib/ prints nothing.  Memory: both inputs are held (their bytes
 * plus about 40 bytes per record and field) and 16 bytes per distinct
 * candidate pair, at most max_pairs pairs.
 */
struct lmi_link {
	char *id[2];
	int idcol[2];
	size_t nf;
	struct lmi_link_field f[LMI_LINK_MAX_FIELDS];
	int fields_given;
	size_t nb;
	struct lmi_link_block b[LMI_LINK_MAX_BLOCKS];
	int two; /* B was read: link A to B; else A against itself (i < j) */
	struct lmi_link_file file[2];
	double threshold;
	unsigned flags;
	size_t max_pairs;
	double em_tol;
	int em_maxiter;
	size_t u_sample;

	/* Results of lmi_link_run. */
	uint64_t *pair; /* (a << 32) | b, sorted, distinct */
	size_t npairs, paircap;
	uint64_t *code; /* comparison vector of each pair, base-6 digits */
	uint64_t *pcode; /* distinct vectors, sorted */
	double *pcount, *pweight, *pprob;
	size_t npat;
	double n_total, n_out; /* all possible pairs; those outside every block */
	size_t nsample;        /* outside pairs compared to stand for them */
	struct lmi_fs fs;
	uint32_t *linked; /* pair indexes kept, best first */
	size_t nlinked;

	char err[256];
	const char *err_file;
	unsigned long err_line;
};

void lmi_link_init(struct lmi_link *lk);
void lmi_link_release(struct lmi_link *lk);

/* Sets the id column: "COL" or "COL_A=COL_B".  LMI_EINVAL for an empty name. */
int lmi_link_set_id(struct lmi_link *lk, const char *spec);

/*
 * Adds comparison fields from "COL[=COL_B][:CMP[:ARG]],...", CMP one of exact,
 * jw, id, num (ARG = tolerance), date; no CMP chooses one from the column.
 * LMI_EINVAL with err set for an unknown comparator, a bad argument or more
 * than LMI_LINK_MAX_FIELDS fields.
 */
int lmi_link_add_fields(struct lmi_link *lk, const char *spec);

/*
 * Adds a blocking pass "COL[=COL_B][:N|:sdx]+..." (the key is the parts
 * joined; :N keeps the first N code points; :sdx keys on a phonetic code:
 * American Soundex of the Latin letters, e.g. ROBERT and RUPERT -> R163, or,
 * when the value holds Hangul syllables, their initial consonants, e.g.
 * 김민준 and 김민중 -> ㄱㅁㅈ).  Pairs are formed only between records
 * with equal, non-empty keys; pairs found by several passes count once.
 */
int lmi_link_add_block(struct lmi_link *lk, const char *spec);

/*
 * Reads all records of side 0 (A) or 1 (B) from an open reader, after
 * checking that the id, field and block columns exist.  Errors: missing
 * column, empty id, malformed CSV, more than 2^32 - 2 records.
 */
int lmi_link_read(struct lmi_link *lk, int side, struct lmi_csv *r);

/*
 * Chooses default fields when none were given (every other column present in
 * both files), and comparators for fields given without one: date-like values
 * (nine in ten) -> date, names with "year" or "age" and numeric values (nine in
 * ten) -> num, "name" -> jw, "id"/"key"/"no"/"number"/"phone" -> id, longer
 * text -> jw, else exact), default blocking (one pass per id or date field on
 * its whole value, one on the first two jw fields together) when none was
 * given, then forms candidate pairs,
 * compares them, fits the model by EM and selects the linked pairs.
 */
int lmi_link_run(struct lmi_link *lk);

/* Writes id_a,id_b,match_weight,match_probability[,gamma_<field>...] for the linked pairs. */
int lmi_link_write_pairs(const struct lmi_link *lk, struct lmi_csvw *w);

/*
 * Writes cluster_id,file,id for every record (file "a" or "b"): connected
 * components of the linked pairs, numbered from 1 in order of their first
 * record (A's rows in input order, then B's).
 */
int lmi_link_write_clusters(const struct lmi_link *lk, struct lmi_csvw *w);

/*
 * Writes field,comparator,level,meaning,m,u,match_weight for every level of
 * every field, after a first row "_prior" holding lambda, 1 - lambda and the
 * prior log2-odds.
 */
int lmi_link_write_params(const struct lmi_link *lk, struct lmi_csvw *w);

#endif

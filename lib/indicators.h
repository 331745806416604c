/* Labour-market indicator formulas, small-cell suppression, and the mergeable indicator engine. */
#ifndef LMI_INDICATORS_H
#define LMI_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "csvio.h"

/* z for a two-sided 95% interval: qnorm(0.975). */
#define LMI_IND_Z95 1.959963984540054

/*
 * Wilson score interval for x successes in n trials (Wilson 1927; R
 * prop.test(x, n, correct = FALSE)$conf.int):
 *   centre = (p + z^2/2n) / (1 + z^2/n),
 *   half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2).
 * Returns LMI_OK, or LMI_EINVAL when n <= 0, x < 0 or x > n.
 */
int lmi_ind_wilson(double x, double n, double z, double *lo, double *hi);

/*
 * Kaplan-Meier median from two histograms of integer durations: events
 * (observed ends) and censored (still open at the reference date).  At a
 * tied time events come before censoring.  The median is the smallest event
 * time t with S(t) <= 0.5; when S(t) is exactly 0.5 it is the midpoint of t
 * and the next event time, as R's survfit prints it.  Returns NAN when S
 * never falls to 0.5.  Either histogram may be NULL (empty).
 */
double lmi_ind_km_median(const struct lmi_agg_cell *events, const struct lmi_agg_cell *censored);

/*
 * Herfindahl-Hirschman index of counts c[0..n): sum of (100 * c_j / C)^2,
 * 0..10,000.  NAN when the total C is 0.
 */
double lmi_ind_hhi(const double *c, size_t n);

/* Jackman-Roper mismatch 1/2 sum |u_i/u - v_i/v|; NAN when u or v sums to 0. */
double lmi_ind_jackman_roper(const double *u, const double *v, size_t n);

/*
 * Sahin-Song-Topa-Violante mismatch 1 - sum (v_i/v)^alpha (u_i/u)^(1-alpha);
 * NAN when u or v sums to 0.
 */
double lmi_ind_sstv(const double *u, const double *v, size_t n, double alpha);

/*
 * Primary and complementary suppression along one margin.  cells[i].n is
 * the count behind cell i.  A cell with 0 < n < min_cell is suppressed
 * (primary).  If exactly one cell of the margin is then suppressed, the
 * unsuppressed cell with the smallest n > 0 (first in order on a tie) is
 * suppressed as well (complementary), so the hidden cell cannot be
 * recovered as total minus the others.  Returns the number of cells newly
 * suppressed.
 */
enum { LMI_IND_SUP_PRIMARY = 1, LMI_IND_SUP_COMPLEMENT = 2 };
struct lmi_ind_supcell {
	int64_t n;
	int sup; /* 0, LMI_IND_SUP_PRIMARY or LMI_IND_SUP_COMPLEMENT */
};
size_t lmi_ind_suppress(struct lmi_ind_supcell **cells, size_t n, int64_t min_cell);

/* Period granularity, and period indices: month y*12+m-1, quarter y*4+q-1, year y. */
enum lmi_ind_period { LMI_IND_MONTH, LMI_IND_QUARTER, LMI_IND_YEAR };

/* Returns the index of the period holding `days` (days since 1970-01-01). */
long lmi_ind_period_of(enum lmi_ind_period p, long days);

/* Returns the last day (days since 1970) of period index `idx`. */
long lmi_ind_period_end(enum lmi_ind_period p, long idx);

/* Writes "2025-03", "2025-Q1" or "2025" into out (at least 16 bytes). */
void lmi_ind_period_label(enum lmi_ind_period p, long idx, char *out, size_t size);

/* Parses a label written by lmi_ind_period_label().  Returns LMI_OK or LMI_EPARSE. */
int lmi_ind_period_parse(enum lmi_ind_period p, const char *s, long *idx);

/* The SETs of `lmi indicators`. */
enum lmi_ind_set {
	LMI_IND_VACANCY,
	LMI_IND_CLAIMS,
	LMI_IND_TRAINING,
	LMI_IND_TIGHTNESS,
	LMI_IND_HHI,
	LMI_IND_MISMATCH,
	LMI_IND_OFFICE,
	LMI_IND_NSETS,
};

/* Returns the SET named s, or -1.  lmi_ind_set_name() is its inverse. */
int lmi_ind_set_parse(const char *s);
const char *lmi_ind_set_name(enum lmi_ind_set set);

#define LMI_IND_MAX_GROUPS 8
/* Cap on state cells (group x period x statistic); about 100 bytes each plus histograms. */
#define LMI_IND_MAX_CELLS (1u << 23)
#define LMI_IND_NO_DATE (-1000000L)

struct lmi_ind_opts {
	enum lmi_ind_set set;
	enum lmi_ind_period period;
	long as_of; /* days, or LMI_IND_NO_DATE */
	long long min_cell;
	double alpha; /* mismatch SSTV elasticity */
	double hhi_lo, hhi_hi;
	long long long_term; /* days: a claim open longer is long-term */
	char by[256];	     /* the --by text, e.g. "occupation_code:4,region_code" */
	size_t ngroups;
	char group[LMI_IND_MAX_GROUPS][64]; /* column names */
	int prefix[LMI_IND_MAX_GROUPS];	    /* keep this many leading characters; 0 = all */
};

/* Sets the defaults of a SET (period, --by, min-cell 5, alpha 0.5, HHI 1500/2500, 365 days). */
void lmi_ind_opts_default(struct lmi_ind_opts *o, enum lmi_ind_set set);

/*
 * Parses a --by list "col[:N],..." into o->by/group/prefix.  Returns LMI_OK,
 * or LMI_EINVAL with a message in err.
 */
int lmi_ind_parse_by(struct lmi_ind_opts *o, const char *s, char *err, size_t errsize);

/* Input kinds the engine reads. */
enum lmi_ind_kind { LMI_IND_IN_VACANCY, LMI_IND_IN_CLAIM, LMI_IND_IN_TRAINING };

/* Column bindings of one input file (filled by lmi_ind_bind()). */
struct lmi_ind_bind {
	enum lmi_ind_kind kind;
	int group[LMI_IND_MAX_GROUPS];
	int col[16];
};

/* Months covered by the period table of the engine: 1900-01 .. 2199-12. */
#define LMI_IND_NMONTHS 3600

/* An interned group value: its bytes are gtext[off .. off + len). */
struct lmi_ind_gslot {
	uint64_t hash;
	uint32_t id; /* 1.., 0 = empty slot */
	size_t len;
	size_t off;
};

/* A cell of the row engine by (group id, statistic, period); key 0 = empty slot. */
struct lmi_ind_fslot {
	uint64_t key;
	struct lmi_agg_cell *cell;
};

/*
 * The engine: the mergeable state (a lmi_agg map), the options, and the
 * last error.  Memory grows with groups x periods x statistics (and with
 * employers per market for hhi, and distinct durations per histogram), not
 * with rows.
 */
struct lmi_ind {
	struct lmi_ind_opts o;
	struct lmi_agg agg;
	char err[256];
	char *key;
	size_t kcap;
	char *gbuf;    /* the current row's group values, joined, when they need a copy */
	const char *g; /* the current row's group values (gbuf or the row's field) */
	size_t glen, gcap;
	uint64_t ghash; /* hash of g */
	uint32_t gid;	/* interned id of g, 0 until the row needs it */
	/*
	 * Per-row index in front of the lmi_agg map: group values are hashed once
	 * per row and interned to an id, and cells are found by (id, statistic,
	 * period) without building their string key.  Both tables are bounded by
	 * LMI_IND_MAX_CELLS.
	 */
	struct lmi_ind_gslot *gslot;
	size_t gslot_cap, ngid;
	char *gtext;
	size_t gtext_len, gtext_cap;
	struct lmi_ind_fslot *fslot;
	size_t fslot_cap, nfast;
	int32_t mstart[LMI_IND_NMONTHS + 1]; /* days of the first of each month from 1900-01 */
	int merge_set;	     /* lmi_ind_merge_file(): set of the partials, -1 before */
	unsigned merge_opts; /* bit k: option k seen */
	size_t merge_ng;
};

void lmi_ind_init(struct lmi_ind *ind, const struct lmi_ind_opts *o);
void lmi_ind_release(struct lmi_ind *ind);

/*
 * Resolves the columns the SET needs for an input of `kind` and the --by
 * columns.  For claims, a --by column absent from the header falls back:
 * region_code -> residence_region, occupation_code -> desired_occupation,
 * industry_code -> last_industry.  Returns LMI_OK, or LMI_EINVAL with err
 * naming the missing column.
 */
int lmi_ind_bind(struct lmi_ind *ind, enum lmi_ind_kind kind, const struct lmi_csv *r,
		 struct lmi_ind_bind *b);

/*
 * Adds one input row.  Returns LMI_OK, LMI_EPARSE with err naming the bad
 * field (the row is not counted), LMI_ENOMEM or LMI_ETOOBIG.
 */
int lmi_ind_add(struct lmi_ind *ind, const struct lmi_ind_bind *b, const struct lmi_csv_row *row);

/*
 * Writes the partial state: header "set,stat,period,<groups>,sub,n,sum,
 * sumsq,min,max,hist", the options as "@opt" rows, then one row per cell in
 * key order.  Returns LMI_OK or LMI_EIO.
 */
int lmi_ind_write_partial(struct lmi_ind *ind, struct lmi_csvw *w);

/*
 * Reads one partial file (repeated headers allowed) and merges it in.  The
 * first file sets the options (ind->o) from its @opt rows; later files must
 * agree.  `first` is 1 for the first file.  Returns LMI_OK, or a negative
 * status with err set (and *line to the offending line).
 */
int lmi_ind_merge_file(struct lmi_ind *ind, struct lmi_csv *r, int first, unsigned long *line);

/*
 * Computes the final indicators from the state and writes the tidy CSV
 * "indicator,period,<groups>,numerator,denominator,value,ci_low,ci_high,n,note",
 * sorted by indicator, period, groups.  Counts are integers; value, ci_low
 * and ci_high are printed with %.6f.  Returns LMI_OK, LMI_EIO, LMI_ENOMEM,
 * or LMI_EDATA with err set when the claims stock-flow identity fails.
 */
int lmi_ind_finish(struct lmi_ind *ind, struct lmi_csvw *w);

#endif

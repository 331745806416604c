/* Mergeable partial aggregates keyed by group: exact integer moments, histograms, Chan's update. */
#ifndef LMI_AGG_H
#define LMI_AGG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Exact moments of integer observations (days, counts): n, sum, sum of
 * squares, min, max.  Integer sums make merging associative and commutative,
 * so any split of the data gives the same state bit for bit.  min/max are
 * meaningful only when n > 0.
 */
struct lmi_agg_mom {
	int64_t n;
	int64_t sum;
	int64_t sumsq;
	int64_t min;
	int64_t max;
};

/* Adds one observation v (|v| < 2^31 keeps sumsq exact for 2^31 rows). */
void lmi_agg_mom_add(struct lmi_agg_mom *m, int64_t v);

/* Merges src into dst (order does not matter). */
void lmi_agg_mom_merge(struct lmi_agg_mom *dst, const struct lmi_agg_mom *src);

/* Returns the mean, or NAN when n == 0. */
double lmi_agg_mom_mean(const struct lmi_agg_mom *m);

/* Returns the sample variance (divisor n - 1), or NAN when n < 2. */
double lmi_agg_mom_var(const struct lmi_agg_mom *m);

/*
 * Floating-point running mean and M2 (Welford), merged with Chan, Golub and
 * LeVeque's parallel update: delta = mb - ma, n = na + nb,
 * mean = ma + delta * nb / n, M2 = M2a + M2b + delta^2 * na * nb / n.
 * For non-integer data; the result of a merge depends on rounding only.
 */
struct lmi_agg_chan {
	double n;
	double mean;
	double m2;
};
void lmi_agg_chan_add(struct lmi_agg_chan *c, double x);
void lmi_agg_chan_merge(struct lmi_agg_chan *dst, const struct lmi_agg_chan *src);
/* Sample variance M2 / (n - 1), NAN when n < 2. */
double lmi_agg_chan_var(const struct lmi_agg_chan *c);

/*
 * One cell of the group map: a byte-string key, moments and an optional
 * dense histogram of integer values (counts[v - base] for v in
 * [base, base + len)).  Histograms are exact and mergeable; their memory is
 * 8 bytes per value between the smallest and the largest seen.
 */
struct lmi_agg_cell {
	char *key; /* NUL-terminated; owned by the map */
	size_t klen;
	uint64_t hash;
	struct lmi_agg_mom m;
	int64_t base;
	size_t len;
	uint64_t *h;
	int64_t *v; /* LMI_AGG_NVEC counters, allocated on first use */
};

/* Counters per cell: several counts of one group and period share one lookup. */
#define LMI_AGG_NVEC 32

/* Adds n to counter i (< LMI_AGG_NVEC) of the cell.  Returns LMI_OK or LMI_ENOMEM. */
int lmi_agg_vec_add(struct lmi_agg_cell *c, size_t i, int64_t n);

/* Returns counter i of the cell (0 when it has none). */
int64_t lmi_agg_vec_get(const struct lmi_agg_cell *c, size_t i);

/* Largest histogram span (values), enough for any two dates 1900..2100 apart. */
#define LMI_AGG_HIST_MAX 200000

/*
 * Hash map from key to cell.  Memory grows with the number of distinct keys
 * (groups x periods x statistics), never with rows; max_cells caps it.
 */
struct lmi_agg_slot {
	uint64_t hash; /* copy of cell->hash: probes do not touch the cell */
	struct lmi_agg_cell *cell;
};

struct lmi_agg {
	struct lmi_agg_slot *slot;
	size_t cap;
	size_t n;
	size_t max_cells;
};

/* Initialises an empty map; max_cells == 0 means no cap. */
void lmi_agg_init(struct lmi_agg *a, size_t max_cells);

/*
 * Finds or creates the cell for key[0..klen).  Returns LMI_OK with *cell set,
 * LMI_ENOMEM, or LMI_ETOOBIG when creating it would pass max_cells.  Cell
 * pointers stay valid until lmi_agg_release().
 */
int lmi_agg_get(struct lmi_agg *a, const char *key, size_t klen, struct lmi_agg_cell **cell);

/* Returns the cell for key or NULL; never creates one. */
struct lmi_agg_cell *lmi_agg_find(const struct lmi_agg *a, const char *key, size_t klen);

/*
 * Adds `count` observations of value v to the cell's histogram.  Returns
 * LMI_OK, LMI_ENOMEM, or LMI_ETOOBIG when the span would exceed
 * LMI_AGG_HIST_MAX.
 */
int lmi_agg_hist_add(struct lmi_agg_cell *c, int64_t v, uint64_t count);

/* Merges src's moments, counters and histogram into dst.  Same returns as lmi_agg_hist_add(). */
int lmi_agg_cell_merge(struct lmi_agg_cell *dst, const struct lmi_agg_cell *src);

/* Total count in the histogram. */
uint64_t lmi_agg_hist_total(const struct lmi_agg_cell *c);

/*
 * Returns the k-th smallest value (0-based) of the histogram; k must be below
 * the total.
 */
int64_t lmi_agg_hist_kth(const struct lmi_agg_cell *c, uint64_t k);

/*
 * Exact median of the histogram as R's median(): the middle value, or the
 * mean of the two middle values for an even count.  NAN when empty.
 */
double lmi_agg_hist_median(const struct lmi_agg_cell *c);

/*
 * Returns a newly allocated array of the n cells sorted by key bytes
 * (memcmp, shorter first on a tie); free() the array, not the cells.  NULL
 * when out of memory (or when the map is empty).
 */
struct lmi_agg_cell **lmi_agg_sorted(const struct lmi_agg *a);

/* Frees every cell and the table. */
void lmi_agg_release(struct lmi_agg *a);

#endif

/* Duplicate postings: exact keys, blocking, n-gram similarity, union-find, SQLite state. */
#ifndef LMI_DEDUP_H
#define LMI_DEDUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Ownership: struct lmi_dedup owns copies of everything added to it; the
 * strings in a struct lmi_dedup_rec are only read during lmi_dedup_add().
 * Strings returned by lmi_dedup_label() live until lmi_dedup_release().
 *
 * Rows are numbered in the order they are added: 0 .. lmi_dedup_count() - 1.
 * Rows loaded from a state database (lmi_dedup_state_load) come after them
 * and are never written out; lmi_dedup_count() counts only the added rows.
 */

#define LMI_DEDUP_NODATE INT32_MIN  /* reg_date missing or unparseable */
#define LMI_DEDUP_MAX_ROWS 2000000000u /* row numbers are 32-bit */

/* How a row first joined its cluster (for messages and the rejects file). */
enum lmi_dedup_how {
	LMI_DEDUP_NONE = 0,  /* not linked to an earlier row */
	LMI_DEDUP_SAME_ID,   /* same source and source_id */
	LMI_DEDUP_SAME_KEY,  /* same employer, title, region, occupation in the window */
	LMI_DEDUP_NEAR,      /* similar title in the same block, in the window */
};

struct lmi_dedup_opts {
	int window;        /* days; two dated postings further apart never match */
	double threshold;  /* Jaccard similarity of title n-grams needed for a near match */
	int ngram;         /* 2 or 3 */
	unsigned block_cap; /* earlier block members compared with each row (0: 512) */
	int exact_only;    /* no n-grams: source_id and exact keys only (no state with it) */
};

/*
 * Attributes that must agree for two postings to be duplicates: employer_id,
 * employment_type, wage_type, wage_min, wage_max, hours_per_week, edu_min,
 * career_req, positions.  An empty employer_id or wage_max agrees with
 * anything; for the others empty is a value of its own.  A column the input
 * lacks is empty in every row, so it never separates two rows.  A repost of
 * one job keeps its terms; two jobs of one employer with the same title
 * usually differ in at least one of them.
 */
#define LMI_DEDUP_NATTR 9
extern const char *const lmi_dedup_attr_names[LMI_DEDUP_NATTR];

/* The fields of one posting that dedup looks at; lengths in bytes. */
struct lmi_dedup_rec {
	const char *attr[LMI_DEDUP_NATTR]; /* NULL when the column is absent */
	size_t attr_len[LMI_DEDUP_NATTR];
	const char *source, *source_id, *employer_id, *employer_name, *title, *region,
		*occupation, *truth;
	size_t source_len, source_id_len, employer_id_len, employer_name_len, title_len,
		region_len, occupation_len, truth_len;
	int32_t date;      /* days since 1970-01-01, or LMI_DEDUP_NODATE */
	unsigned complete; /* non-empty fields in the row: the tie-break after the date */
};

/* Open-addressing hash set of 64-bit key hashes with a 32-bit value. */
struct lmi_dedup_slot {
	uint64_t h; /* 0 means empty */
	uint32_t v;
};
struct lmi_dedup_set {
	struct lmi_dedup_slot *slot;
	size_t cap, n; /* cap is a power of two; n <= 3/4 cap */
};

#define LMI_DEDUP_MEMO_SLOTS 8192 /* per memo table */
#define LMI_DEDUP_MEMO_RAW 64     /* longest raw value the memo keeps, bytes */

struct lmi_dedup_memo;

struct lmi_dedup {
	struct lmi_dedup_opts o;
	size_t n, cap, n_new; /* all rows, allocated, rows added (not from state) */
	int frozen;           /* lmi_dedup_run() was called */
	uint32_t *parent;     /* union-find */
	int32_t *date;
	uint8_t *complete, *how;
	uint64_t *h_src, *h_exact, *h_block, *h_truth;
	uint32_t *key_off;    /* "source:source_id" in keys */
	uint32_t *lab_off;    /* stored cluster label (state rows only) */
	uint32_t *sig_off;    /* n-gram hashes in sigs */
	uint8_t *sig_n;
	uint16_t *attr;       /* LMI_DEDUP_NATTR 16-bit hashes per row, 0 for empty */
	uint16_t *cattr;      /* per root: the cluster's attributes (first value seen) */
	uint32_t *best;       /* per root: the canonical row */
	int64_t *rowid;       /* state rows: rowid in the database */
	char *keys;
	size_t keys_len, keys_cap;
	uint32_t *sigs;
	size_t sigs_len, sigs_cap;
	struct lmi_dedup_set src, exact, label;
	struct lmi_dedup_memo *memo; /* normalised names and titles seen (about 3 MiB) */
};

/* Sets the options (0 / 0.0 fields get defaults: window 60, threshold 0.8, ngram 2). */
void lmi_dedup_init(struct lmi_dedup *d, const struct lmi_dedup_opts *o);
void lmi_dedup_release(struct lmi_dedup *d);

/*
 * Blocking key of a posting: a hash of the normalised employer name (the
 * employer_id when the name is empty), region and occupation.  Rows with
 * different blocking keys are compared only by source + source_id.
 */
uint64_t lmi_dedup_block_key(const struct lmi_dedup_rec *r);

/* Adds a posting.  Returns LMI_OK, LMI_ENOMEM, or LMI_ETOOBIG past LMI_DEDUP_MAX_ROWS. */
int lmi_dedup_add(struct lmi_dedup *d, const struct lmi_dedup_rec *r);

/* Number of rows added with lmi_dedup_add(). */
size_t lmi_dedup_count(const struct lmi_dedup *d);

/*
 * Links the rows: state rows first (joined by their stored cluster), then the
 * added rows in order, each against the source_id set, the exact-key set
 * (blocking key, normalised title and the attributes); then, block by block
 * in (reg_date, row) order, each row against at most block_cap earlier rows
 * of its block inside the window (title n-grams, agreeing attributes).  Two
 * clusters whose attributes disagree are never joined by a key or a
 * similarity (only by source_id), so a row without a wage cannot bridge two
 * postings with different wages.  Then picks one canonical row per
 * cluster: the earliest reg_date (missing dates last), then the most
 * complete row, then the smallest "source:source_id" in byte order.
 * Returns LMI_OK or LMI_ENOMEM.  Call once; add nothing afterwards.
 */
int lmi_dedup_run(struct lmi_dedup *d);

/* After lmi_dedup_run(): row i's cluster label (its canonical row's "source:source_id"). */
const char *lmi_dedup_label(const struct lmi_dedup *d, size_t i);
int lmi_dedup_is_canonical(const struct lmi_dedup *d, size_t i);
enum lmi_dedup_how lmi_dedup_how(const struct lmi_dedup *d, size_t i);

/*
 * Rows of every cluster with two or more members and at least one added row,
 * clusters in label order, members canonical first.  *order (free() it) holds
 * *n row numbers; a cluster's members are adjacent.  Returns LMI_OK or
 * LMI_ENOMEM.
 */
int lmi_dedup_cluster_order(struct lmi_dedup *d, uint32_t **order, size_t *n);
int lmi_dedup_same_cluster(struct lmi_dedup *d, size_t i, size_t j);

/*
 * Pairwise scores of the added rows against their truth values (rows with an
 * empty truth value are singletons): *tp pairs in the same cluster in both,
 * *found pairs in the same found cluster, *truth pairs in the same truth
 * cluster.  Returns LMI_OK or LMI_ENOMEM.
 */
int lmi_dedup_truth_pairs(struct lmi_dedup *d, unsigned long long *tp, unsigned long long *found,
			  unsigned long long *truth);

/* Bytes held by the exact-key hash sets and the number of keys in them. */
void lmi_dedup_key_memory(const struct lmi_dedup *d, size_t *bytes, size_t *keys);

/*
 * Incremental state in SQLite.  lmi_dedup_state_open() creates the tables if
 * needed; lmi_dedup_state_load() adds, from every night but `night`, the
 * postings the added rows can match as state rows: those dated within the
 * window of the added rows' dates (or undated), those with one of their
 * source ids, and the canonical postings of those postings' clusters.  Call
 * it after the last lmi_dedup_add and before lmi_dedup_run.
 * lmi_dedup_state_save() replaces the postings of `night`
 * with the added rows and updates the stored cluster of state rows whose
 * cluster changed, in one transaction, so a killed run leaves the database as
 * it was and re-running a night gives the same output and the same database.
 * Each returns LMI_OK or a negative status with a message in err.
 * `on_row`, when set, is called after each row written (a test hook).
 */
struct lmi_dedup_state {
	void *db;
	char err[256];
	void (*on_row)(size_t row);
};
int lmi_dedup_state_open(struct lmi_dedup_state *s, const char *path, int ngram);
int lmi_dedup_state_load(struct lmi_dedup_state *s, struct lmi_dedup *d, const char *night);
int lmi_dedup_state_save(struct lmi_dedup_state *s, struct lmi_dedup *d, const char *night);
void lmi_dedup_state_close(struct lmi_dedup_state *s);

#endif

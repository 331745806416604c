/* Duplicate postings: exact keys, blocking, n-gram similarity, union-find, SQLite state. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dedup.h"
#include "normalize.h"
#include "banned.h"

#define NONE UINT32_MAX

const char *const lmi_dedup_attr_names[LMI_DEDUP_NATTR] = {
	"employer_id", "employment_type", "wage_type", "wage_min", "wage_max",
	"hours_per_week", "edu_min", "career_req", "positions",
};

void lmi_dedup_init(struct lmi_dedup *d, const struct lmi_dedup_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->o = *o;
	if (d->o.window <= 0)
		d->o.window = 60;
	if (d->o.threshold <= 0.0)
		d->o.threshold = 0.7;
	if (d->o.ngram != 3)
		d->o.ngram = 2;
	if (d->o.block_cap == 0)
		d->o.block_cap = 512;
}

static void set_free(struct lmi_dedup_set *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

void lmi_dedup_release(struct lmi_dedup *d)
{
	free(d->memo);
	free(d->parent);
	free(d->date);
	free(d->complete);
	free(d->how);
	free(d->h_src);
	free(d->h_exact);
	free(d->h_block);
	free(d->h_truth);
	free(d->key_off);
	free(d->lab_off);
	free(d->sig_off);
	free(d->sig_n);
	free(d->attr);
	free(d->cattr);
	free(d->best);
	free(d->rowid);
	free(d->keys);
	free(d->sigs);
	set_free(&d->src);
	set_free(&d->exact);
	set_free(&d->label);
	memset(d, 0, sizeof(*d));
}

/* Open addressing with linear probing; a hash of 0 is stored as 1 (0 marks empty). */
static size_t set_slot(const struct lmi_dedup_set *s, uint64_t h)
{
	size_t mask = s->cap - 1, i = (size_t)h & mask;

	while (s->slot[i].h != 0 && s->slot[i].h != h)
		i = (i + 1) & mask;
	return i;
}

static uint32_t set_get(const struct lmi_dedup_set *s, uint64_t h)
{
	size_t i;

	if (s->cap == 0)
		return NONE;
	h = h ? h : 1;
	i = set_slot(s, h);
	return s->slot[i].h == h ? s->slot[i].v : NONE;
}

static int set_put(struct lmi_dedup_set *s, uint64_t h, uint32_t v)
{
	size_t i;

	h = h ? h : 1;
	if ((s->n + 1) * 4 > s->cap * 3) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		struct lmi_dedup_set t = { calloc(ncap, sizeof(*t.slot)), ncap, 0 };

		if (t.slot == NULL)
			return LMI_ENOMEM;
		for (size_t k = 0; k < s->cap; k++) {
			if (s->slot[k].h != 0) {
				i = set_slot(&t, s->slot[k].h);
				t.slot[i] = s->slot[k];
				t.n++;
			}
		}
		free(s->slot);
		*s = t;
	}
	i = set_slot(s, h);
	if (s->slot[i].h == 0)
		s->n++;
	s->slot[i].h = h;
	s->slot[i].v = v;
	return LMI_OK;
}

/* Grows one per-row array; returns 0 on success. */
static int grow1(void **p, size_t ncap, size_t size)
{
	void *q = realloc(*p, ncap * size);

	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

static int grow_rows(struct lmi_dedup *d)
{
	size_t ncap;
	int bad = 0;

	if (d->n < d->cap)
		return LMI_OK;
	if (d->n >= LMI_DEDUP_MAX_ROWS)
		return LMI_ETOOBIG;
	ncap = d->cap ? d->cap * 2 : 1024;
	if (ncap > LMI_DEDUP_MAX_ROWS)
		ncap = LMI_DEDUP_MAX_ROWS;
	bad |= grow1((void **)&d->parent, ncap, sizeof(*d->parent));
	bad |= grow1((void **)&d->date, ncap, sizeof(*d->date));
	bad |= grow1((void **)&d->complete, ncap, sizeof(*d->complete));
	bad |= grow1((void **)&d->how, ncap, sizeof(*d->how));
	bad |= grow1((void **)&d->h_src, ncap, sizeof(*d->h_src));
	bad |= grow1((void **)&d->h_exact, ncap, sizeof(*d->h_exact));
	bad |= grow1((void **)&d->h_block, ncap, sizeof(*d->h_block));
	bad |= grow1((void **)&d->h_truth, ncap, sizeof(*d->h_truth));
	bad |= grow1((void **)&d->key_off, ncap, sizeof(*d->key_off));
	bad |= grow1((void **)&d->lab_off, ncap, sizeof(*d->lab_off));
	bad |= grow1((void **)&d->sig_off, ncap, sizeof(*d->sig_off));
	bad |= grow1((void **)&d->sig_n, ncap, sizeof(*d->sig_n));
	bad |= grow1((void **)&d->attr, ncap, LMI_DEDUP_NATTR * sizeof(*d->attr));
	bad |= grow1((void **)&d->cattr, ncap, LMI_DEDUP_NATTR * sizeof(*d->cattr));
	bad |= grow1((void **)&d->rowid, ncap, sizeof(*d->rowid));
	if (bad)
		return LMI_ENOMEM;
	d->cap = ncap;
	return LMI_OK;
}

/* Appends bytes plus a NUL to the key arena; returns the offset or NONE. */
static uint32_t keys_add(struct lmi_dedup *d, const char *a, size_t na, const char *b, size_t nb,
			 int colon)
{
	size_t need = na + nb + 2, off = d->keys_len;

	if (d->keys_len + need > UINT32_MAX)
		return NONE;
	if (d->keys_len + need > d->keys_cap) {
		size_t ncap = d->keys_cap ? d->keys_cap * 2 : 65536;

		while (ncap < d->keys_len + need)
			ncap *= 2;
		if (ncap > UINT32_MAX)
			ncap = UINT32_MAX;
		if (grow1((void **)&d->keys, ncap, 1) != 0)
			return NONE;
		d->keys_cap = ncap;
	}
	memcpy(d->keys + off, a, na);
	d->keys_len += na;
	if (colon)
		d->keys[d->keys_len++] = ':';
	memcpy(d->keys + d->keys_len, b, nb);
	d->keys_len += nb;
	d->keys[d->keys_len++] = '\0';
	return (uint32_t)off;
}

static uint32_t sigs_add(struct lmi_dedup *d, const uint32_t *g, size_t n)
{
	size_t off = d->sigs_len;

	if (d->sigs_len + n > UINT32_MAX)
		return NONE;
	if (d->sigs_len + n > d->sigs_cap) {
		size_t ncap = d->sigs_cap ? d->sigs_cap * 2 : 65536;

		while (ncap < d->sigs_len + n)
			ncap *= 2;
		if (grow1((void **)&d->sigs, ncap, sizeof(*d->sigs)) != 0)
			return NONE;
		d->sigs_cap = ncap;
	}
	if (n == 0)
		return (uint32_t)off; /* d->sigs may still be NULL: no memcpy */
	memcpy(d->sigs + off, g, n * sizeof(*g));
	d->sigs_len += n;
	return (uint32_t)off;
}

/* Chains one field into a key hash; the length keeps "ab"+"c" apart from "a"+"bc". */
static uint64_t hfield(uint64_t h, const char *s, size_t n)
{
	return lmi_norm_hash(h ^ (uint64_t)n, s, n);
}

/*
 * The memo: a direct-mapped cache of normalised employer names and titles
 * keyed by their raw bytes.  Postings repeat both, and normalising costs more
 * than a lookup.  Only short values are kept; a miss just normalises.
 */
struct lmi_dedup_memo {
	struct lmi_dedup_memo_slot {
		uint8_t used, rawlen, outlen;
		char raw[LMI_DEDUP_MEMO_RAW];
		char out[LMI_DEDUP_MEMO_RAW * 2];
	} slot[2][LMI_DEDUP_MEMO_SLOTS];
};

typedef size_t (*norm_fn)(const char *s, size_t n, char *out);

/* Slot of a raw value: a word-at-a-time hash, enough to spread short strings. */
static size_t memo_slot(const char *s, size_t n)
{
	uint64_t h = n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	}
	for (w = 0; i < n; i++)
		w = w << 8 | (unsigned char)s[i];
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 40) % LMI_DEDUP_MEMO_SLOTS;
}

/* norm(s, n, out) through the memo's table `which` (0 employer names, 1 titles). */
static size_t memo_norm(struct lmi_dedup_memo *m, int which, norm_fn norm, const char *s,
			size_t n, char *out)
{
	struct lmi_dedup_memo_slot *e;
	size_t len;

	if (m == NULL || n == 0 || n > LMI_DEDUP_MEMO_RAW)
		return norm(s, n, out);
	e = &m->slot[which][memo_slot(s, n)];
	if (e->used && e->rawlen == n && memcmp(e->raw, s, n) == 0) {
		memcpy(out, e->out, e->outlen);
		out[e->outlen] = '\0';
		return e->outlen;
	}
	len = norm(s, n, out);
	if (len <= sizeof(e->out)) {
		e->used = 1;
		e->rawlen = (uint8_t)n;
		e->outlen = (uint8_t)len;
		memcpy(e->raw, s, n);
		memcpy(e->out, out, len);
	}
	return len;
}

/* The employer part of the blocking key: normalised name, else "#" + employer_id. */
static size_t employer_key(struct lmi_dedup_memo *m, const struct lmi_dedup_rec *r, char *out)
{
	size_t n = memo_norm(m, 0, lmi_norm_employer, r->employer_name, r->employer_name_len, out);
	size_t id = r->employer_id_len;

	if (n > 0 || id == 0)
		return n;
	if (id > LMI_NORM_OUT - 2)
		id = LMI_NORM_OUT - 2;
	out[0] = '#';
	memcpy(out + 1, r->employer_id, id);
	out[id + 1] = '\0';
	return id + 1;
}

static uint64_t block_key(struct lmi_dedup_memo *m, const struct lmi_dedup_rec *r)
{
	char emp[LMI_NORM_OUT];
	size_t n = employer_key(m, r, emp);
	uint64_t h = hfield(LMI_NORM_HASH_SEED, emp, n);

	h = hfield(h, r->region, r->region_len);
	return hfield(h, r->occupation, r->occupation_len);
}

uint64_t lmi_dedup_block_key(const struct lmi_dedup_rec *r)
{
	return block_key(NULL, r);
}

/* Appends one row with its features; common to added and state rows. */
static int push_row(struct lmi_dedup *d, uint32_t key, uint64_t hs, uint64_t he, uint64_t hb,
		    int32_t date, unsigned complete, const uint32_t *g, size_t ng,
		    const uint16_t *attr)
{
	size_t i = d->n;
	int rc = grow_rows(d);

	if (rc != LMI_OK)
		return rc;
	d->sig_off[i] = sigs_add(d, g, ng);
	if (d->sig_off[i] == NONE)
		return LMI_ENOMEM;
	d->parent[i] = (uint32_t)i;
	d->date[i] = date;
	d->complete[i] = (uint8_t)(complete > 255 ? 255 : complete);
	d->how[i] = LMI_DEDUP_NONE;
	d->h_src[i] = hs;
	d->h_exact[i] = he;
	d->h_block[i] = hb;
	d->h_truth[i] = 0;
	d->key_off[i] = key;
	d->lab_off[i] = key;
	d->sig_n[i] = (uint8_t)ng;
	memcpy(d->attr + i * LMI_DEDUP_NATTR, attr, LMI_DEDUP_NATTR * sizeof(*attr));
	memcpy(d->cattr + i * LMI_DEDUP_NATTR, attr, LMI_DEDUP_NATTR * sizeof(*attr));
	d->rowid[i] = 0;
	d->n++;
	return LMI_OK;
}

/*
 * 16-bit hash of a value without spaces and thousands separators.  An empty
 * employer_id or wage_max hashes to 0, "unknown", which agrees with anything
 * (portals omit them); an empty value of the other terms is a value of its
 * own ("협의": no wage offered is not the same offer as 10,320 won an hour).
 */
static uint16_t attr_hash(int field, const char *s, size_t n)
{
	uint64_t h = LMI_NORM_HASH_SEED;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == ',' || s[i] == '\t')
			continue;
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
		k++;
	}
	if (k == 0 && (field == 0 || field == 4))
		return 0;
	return (uint16_t)(lmi_norm_hash(h, "", 0) % 65535 + 1);
}

int lmi_dedup_add(struct lmi_dedup *d, const struct lmi_dedup_rec *r)
{
	uint16_t attr[LMI_DEDUP_NATTR];
	char title[LMI_NORM_OUT];
	uint32_t g[LMI_NORM_MAX_GRAMS];
	size_t nt, ng;
	uint64_t hs = 0, hb, he;
	uint32_t key;
	int rc;

	if (d->frozen || d->n != d->n_new)
		return LMI_EINVAL;
	if (d->memo == NULL)
		d->memo = calloc(1, sizeof(*d->memo)); /* without it, just slower */
	nt = memo_norm(d->memo, 1, lmi_norm_title, r->title, r->title_len, title);
	ng = d->o.exact_only ? 0 : lmi_norm_ngrams(title, nt, d->o.ngram, g);
	hb = block_key(d->memo, r);
	he = hfield(hb, title, nt);
	for (int k = 0; k < LMI_DEDUP_NATTR; k++) {
		attr[k] = attr_hash(k, r->attr[k] != NULL ? r->attr[k] : "", r->attr_len[k]);
		he = lmi_norm_hash(he, &attr[k], sizeof(attr[k]));
	}
	if (r->source_id_len > 0)
		hs = hfield(hfield(LMI_NORM_HASH_SEED, r->source, r->source_len), r->source_id,
			    r->source_id_len);
	key = keys_add(d, r->source, r->source_len, r->source_id, r->source_id_len, 1);
	if (key == NONE)
		return LMI_ENOMEM;
	rc = push_row(d, key, hs, he, hb, r->date, r->complete, g, ng, attr);
	if (rc != LMI_OK)
		return rc;
	if (r->truth_len > 0)
		d->h_truth[d->n - 1] = hfield(LMI_NORM_HASH_SEED, r->truth, r->truth_len) | 1;
	d->n_new = d->n;
	return LMI_OK;
}

size_t lmi_dedup_count(const struct lmi_dedup *d)
{
	return d->n_new;
}

static uint32_t find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Attributes agree when none is present on both sides with different values. */
static int agree(const uint16_t *a, const uint16_t *b)
{
	for (int k = 0; k < LMI_DEDUP_NATTR; k++)
		if (a[k] != 0 && b[k] != 0 && a[k] != b[k])
			return 0;
	return 1;
}

/*
 * Joins the clusters of a and b; returns 1 when they were apart and are now
 * one.  Unless `force`, clusters whose attributes disagree stay apart.  The
 * new root keeps its attributes and takes the other's where it has none.
 */
static int unite(struct lmi_dedup *d, uint32_t a, uint32_t b, int force)
{
	uint32_t ra = find(d->parent, a), rb = find(d->parent, b), t;
	uint16_t *x, *y;

	if (ra == rb)
		return 0;
	if (rb < ra) {
		t = ra;
		ra = rb;
		rb = t;
	}
	x = d->cattr + (size_t)ra * LMI_DEDUP_NATTR;
	y = d->cattr + (size_t)rb * LMI_DEDUP_NATTR;
	if (!force && !agree(x, y))
		return 0;
	for (int k = 0; k < LMI_DEDUP_NATTR; k++)
		if (x[k] == 0)
			x[k] = y[k];
	d->parent[rb] = ra;
	return 1;
}

/* Links row i to the earlier row j; both remember the first way they were linked. */
static void join_rows(struct lmi_dedup *d, uint32_t i, uint32_t j, enum lmi_dedup_how how)
{
	if (!unite(d, i, j, how == LMI_DEDUP_SAME_ID))
		return;
	if (d->how[i] == LMI_DEDUP_NONE)
		d->how[i] = (uint8_t)how;
	if (d->how[j] == LMI_DEDUP_NONE)
		d->how[j] = (uint8_t)how;
}

static int in_window(const struct lmi_dedup *d, uint32_t i, uint32_t j)
{
	int64_t diff;

	if (d->date[i] == LMI_DEDUP_NODATE || d->date[j] == LMI_DEDUP_NODATE)
		return 1;
	diff = (int64_t)d->date[i] - d->date[j];
	return diff <= d->o.window && -diff <= d->o.window;
}

/*
 * Canonical order: earliest date (missing last), most complete, smallest key,
 * state rows before added ones, first added.
 */
static int before(const struct lmi_dedup *d, uint32_t i, uint32_t j)
{
	int c;

	if (d->date[i] != d->date[j]) {
		if (d->date[i] == LMI_DEDUP_NODATE)
			return 0;
		if (d->date[j] == LMI_DEDUP_NODATE)
			return 1;
		return d->date[i] < d->date[j];
	}
	if (d->complete[i] != d->complete[j])
		return d->complete[i] > d->complete[j];
	c = strcmp(d->keys + d->key_off[i], d->keys + d->key_off[j]);
	if (c != 0)
		return c < 0;
	/* the same posting seen again: the copy from an earlier night stays canonical */
	if ((i >= d->n_new) != (j >= d->n_new))
		return i >= d->n_new;
	return i < j;
}

/* State rows: indexed, joined by their stored cluster label, never compared. */
static int run_state_row(struct lmi_dedup *d, uint32_t i)
{
	const char *lab = d->keys + d->lab_off[i];
	uint64_t hl = hfield(LMI_NORM_HASH_SEED, lab, strlen(lab));
	uint32_t j = set_get(&d->label, hl);
	int rc = LMI_OK;

	if (j != NONE)
		unite(d, i, j, 1);
	else
		rc = set_put(&d->label, hl, i);
	if (rc == LMI_OK && d->h_src[i] != 0) {
		j = set_get(&d->src, d->h_src[i]);
		if (j != NONE)
			unite(d, i, j, 1);
		else
			rc = set_put(&d->src, d->h_src[i], i);
	}
	if (rc == LMI_OK) {
		j = set_get(&d->exact, d->h_exact[i]);
		if (j == NONE || d->date[j] == LMI_DEDUP_NODATE ||
		    (d->date[i] != LMI_DEDUP_NODATE && d->date[i] > d->date[j]))
			rc = set_put(&d->exact, d->h_exact[i], i);
	}
	return rc;
}

/* Added rows, in input order: the source_id set, then the exact-key set. */
static int run_row(struct lmi_dedup *d, uint32_t i)
{
	uint32_t j;
	int rc = LMI_OK;

	if (d->h_src[i] != 0) {
		j = set_get(&d->src, d->h_src[i]);
		if (j != NONE)
			join_rows(d, i, j, LMI_DEDUP_SAME_ID);
		else
			rc = set_put(&d->src, d->h_src[i], i);
	}
	if (rc != LMI_OK)
		return rc;
	/* The exact key keeps its latest posting, so a repost chains to the last one. */
	j = set_get(&d->exact, d->h_exact[i]);
	if (j != NONE && in_window(d, i, j))
		join_rows(d, i, j, LMI_DEDUP_SAME_KEY);
	if (j == NONE || d->date[j] == LMI_DEDUP_NODATE ||
	    (d->date[i] != LMI_DEDUP_NODATE && d->date[i] >= d->date[j]))
		rc = set_put(&d->exact, d->h_exact[i], i);
	return rc;
}

/* Compares rows p and q of one block (p later in block order) and links them if alike. */
static void near_pair(struct lmi_dedup *d, uint32_t p, uint32_t q)
{
	double sim;

	if ((p >= d->n_new && q >= d->n_new) || find(d->parent, p) == find(d->parent, q) ||
	    !agree(d->attr + (size_t)p * LMI_DEDUP_NATTR, d->attr + (size_t)q * LMI_DEDUP_NATTR))
		return;
	sim = lmi_norm_jaccard(d->sigs + d->sig_off[p], d->sig_n[p], d->sigs + d->sig_off[q],
			       d->sig_n[q]);
	if (sim >= d->o.threshold)
		join_rows(d, p, q, sim >= 1.0 ? LMI_DEDUP_SAME_KEY : LMI_DEDUP_NEAR);
}

struct bkey {
	uint64_t block;
	int32_t date; /* LMI_DEDUP_NODATE sorts first */
	uint32_t row;
};

static int cmp_bkey(const void *pa, const void *pb)
{
	const struct bkey *x = pa, *y = pb;

	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->row < y->row ? -1 : (x->row > y->row);
}

/*
 * Near duplicates: the rows sorted by (block, reg_date, row), so each row is
 * compared only with the earlier rows of its block that are inside the window
 * (at most block_cap of them) and with the block's undated rows.  Pairs of
 * two state rows were compared on their own night and are skipped.  The
 * order depends only on the rows of a block, so shards agree with one run.
 */
static int run_near(struct lmi_dedup *d)
{
	struct bkey *k = malloc((d->n ? d->n : 1) * sizeof(*k));
	size_t a, b, nd, p, q, seen;

	if (k == NULL)
		return LMI_ENOMEM;
	for (p = 0; p < d->n; p++) {
		k[p].block = d->h_block[p];
		k[p].date = d->date[p];
		k[p].row = (uint32_t)p;
	}
	qsort(k, d->n, sizeof(*k), cmp_bkey);
	for (a = 0; a < d->n; a = b) {
		for (b = a; b < d->n && k[b].block == k[a].block; b++)
			;
		for (nd = a; nd < b && k[nd].date == LMI_DEDUP_NODATE; nd++)
			;
		for (p = a + 1; p < b; p++) {
			/* dated rows backwards while inside the window */
			for (q = p, seen = 0; q > nd && p >= nd && seen < d->o.block_cap; seen++) {
				q--;
				if ((int64_t)k[p].date - k[q].date > d->o.window)
					break;
				near_pair(d, k[p].row, k[q].row);
			}
			/* and the undated rows before it */
			for (q = a, seen = 0; q < nd && q < p && seen < d->o.block_cap; q++, seen++)
				near_pair(d, k[p].row, k[q].row);
		}
	}
	free(k);
	return LMI_OK;
}

int lmi_dedup_run(struct lmi_dedup *d)
{
	uint32_t i, r;
	int rc = LMI_OK;

	if (d->frozen)
		return LMI_EINVAL;
	d->frozen = 1;
	for (i = (uint32_t)d->n_new; i < d->n && rc == LMI_OK; i++)
		rc = run_state_row(d, i);
	for (i = 0; i < d->n_new && rc == LMI_OK; i++)
		rc = run_row(d, i);
	if (rc == LMI_OK && !d->o.exact_only)
		rc = run_near(d);
	if (rc != LMI_OK)
		return rc;
	d->best = malloc((d->n ? d->n : 1) * sizeof(*d->best));
	if (d->best == NULL)
		return LMI_ENOMEM;
	for (i = 0; i < d->n; i++)
		d->best[i] = NONE;
	for (i = 0; i < d->n; i++) {
		r = find(d->parent, i);
		d->parent[i] = r;
		if (d->best[r] == NONE || before(d, i, d->best[r]))
			d->best[r] = i;
	}
	return LMI_OK;
}

const char *lmi_dedup_label(const struct lmi_dedup *d, size_t i)
{
	return d->keys + d->key_off[d->best[d->parent[i]]];
}

int lmi_dedup_is_canonical(const struct lmi_dedup *d, size_t i)
{
	return d->best[d->parent[i]] == i;
}

enum lmi_dedup_how lmi_dedup_how(const struct lmi_dedup *d, size_t i)
{
	return (enum lmi_dedup_how)d->how[i];
}

int lmi_dedup_same_cluster(struct lmi_dedup *d, size_t i, size_t j)
{
	return d->parent[i] == d->parent[j];
}

/* qsort has no context argument in C11; the sort is never re-entered. */
static const struct lmi_dedup *sort_d;

static int cmp_member(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	uint32_t ra = sort_d->parent[a], rb = sort_d->parent[b];
	int c;

	if (ra != rb) {
		c = strcmp(lmi_dedup_label(sort_d, a), lmi_dedup_label(sort_d, b));
		if (c != 0)
			return c;
		return ra < rb ? -1 : 1;
	}
	if (a == b)
		return 0;
	return before(sort_d, a, b) ? -1 : 1;
}

int lmi_dedup_cluster_order(struct lmi_dedup *d, uint32_t **order, size_t *n)
{
	uint32_t *size = calloc(d->n ? d->n : 1, sizeof(*size));
	uint8_t *fresh = calloc(d->n ? d->n : 1, 1);
	uint32_t *o = NULL;
	size_t k = 0, i;
	int rc = LMI_ENOMEM;

	if (size == NULL || fresh == NULL)
		goto out;
	for (i = 0; i < d->n; i++) {
		size[d->parent[i]]++;
		if (i < d->n_new)
			fresh[d->parent[i]] = 1;
	}
	o = malloc((d->n ? d->n : 1) * sizeof(*o));
	if (o == NULL)
		goto out;
	for (i = 0; i < d->n; i++)
		if (size[d->parent[i]] >= 2 && fresh[d->parent[i]])
			o[k++] = (uint32_t)i;
	sort_d = d;
	qsort(o, k, sizeof(*o), cmp_member);
	*order = o;
	*n = k;
	o = NULL;
	rc = LMI_OK;
out:
	free(size);
	free(fresh);
	free(o);
	return rc;
}

struct pair {
	uint64_t a, b;
};

static int cmp_pair(const void *pa, const void *pb)
{
	const struct pair *x = pa, *y = pb;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/* Sum of C(run, 2) over runs of equal (a, b) or, with only_a, equal a. */
static unsigned long long pairs_in_runs(const struct pair *p, size_t n, int only_a)
{
	unsigned long long sum = 0, run = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && p[i].a == p[i - 1].a && (only_a || p[i].b == p[i - 1].b))
			run++;
		else
			run = 1;
		sum += run - 1;
	}
	return sum;
}

int lmi_dedup_truth_pairs(struct lmi_dedup *d, unsigned long long *tp, unsigned long long *found,
			  unsigned long long *truth)
{
	struct pair *p = malloc((d->n_new ? d->n_new : 1) * sizeof(*p));
	size_t i, k = 0;

	if (p == NULL)
		return LMI_ENOMEM;
	for (i = 0; i < d->n_new; i++) {
		p[i].a = d->parent[i];
		p[i].b = 0;
	}
	qsort(p, d->n_new, sizeof(*p), cmp_pair);
	*found = pairs_in_runs(p, d->n_new, 1);
	for (i = 0; i < d->n_new; i++) {
		if (d->h_truth[i] == 0)
			continue;
		p[k].a = d->h_truth[i];
		p[k].b = d->parent[i];
		k++;
	}
	qsort(p, k, sizeof(*p), cmp_pair);
	*truth = pairs_in_runs(p, k, 1);
	*tp = pairs_in_runs(p, k, 0);
	free(p);
	return LMI_OK;
}

void lmi_dedup_key_memory(const struct lmi_dedup *d, size_t *bytes, size_t *keys)
{
	*bytes = (d->src.cap + d->exact.cap) * sizeof(struct lmi_dedup_slot);
	*keys = d->src.n + d->exact.n;
}

/* ---- SQLite state ---- */

static int db_fail(struct lmi_dedup_state *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->db));
	return LMI_EIO;
}

int lmi_dedup_state_open(struct lmi_dedup_state *s, const char *path, int ngram)
{
	static const char schema[] =
		"CREATE TABLE IF NOT EXISTS dedup_meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
		"CREATE TABLE IF NOT EXISTS dedup_posting(id INTEGER PRIMARY KEY,"
		" night TEXT NOT NULL, key TEXT NOT NULL, cluster TEXT NOT NULL,"
		" reg_date INTEGER, complete INTEGER NOT NULL, src_hash INTEGER NOT NULL,"
		" exact_hash INTEGER NOT NULL, block_hash INTEGER NOT NULL, sig BLOB, attr BLOB);"
		"CREATE INDEX IF NOT EXISTS dedup_posting_night ON dedup_posting(night);"
		"CREATE INDEX IF NOT EXISTS dedup_posting_date ON dedup_posting(reg_date);"
		"CREATE INDEX IF NOT EXISTS dedup_posting_src ON dedup_posting(src_hash);"
		"CREATE INDEX IF NOT EXISTS dedup_posting_key ON dedup_posting(key);"
		"CREATE TEMP TABLE IF NOT EXISTS dedup_tonight(h INTEGER PRIMARY KEY);";
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	char want[16];
	int rc;

	memset(s->err, 0, sizeof(s->err));
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	s->db = db;
	if (rc != SQLITE_OK)
		return db_fail(s, "cannot open state");
	sqlite3_busy_timeout(s->db, 10000);
	/* four indexes take random inserts: a 64 MB page cache keeps their upper levels in */
	sqlite3_exec(s->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "cannot create state tables");
	snprintf(want, sizeof(want), "%d", ngram);
	if (sqlite3_exec(s->db, "INSERT OR IGNORE INTO dedup_meta VALUES('version','2')",
			 NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "cannot write state");
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO dedup_meta VALUES('ngram',?1)", -1,
			       &st, NULL) != SQLITE_OK)
		return db_fail(s, "cannot write state");
	sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, "cannot write state");
	if (sqlite3_prepare_v2(s->db, "SELECT v FROM dedup_meta WHERE k='ngram'", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(s, "cannot read state");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), want) != 0) {
		snprintf(s->err, sizeof(s->err), "state was built with --ngram %s, not %s",
			 (const char *)sqlite3_column_text(st, 0), want);
		sqlite3_finalize(st);
		return LMI_EINVAL;
	}
	sqlite3_finalize(st);
	return LMI_OK;
}

/* The dates tonight's rows can match: [first - window, last + window], or all when undated. */
static void date_range(const struct lmi_dedup *d, int64_t *lo, int64_t *hi)
{
	int64_t a = INT64_MAX, b = INT64_MIN;

	for (size_t i = 0; i < d->n_new; i++) {
		if (d->date[i] == LMI_DEDUP_NODATE)
			continue;
		a = d->date[i] < a ? d->date[i] : a;
		b = d->date[i] > b ? d->date[i] : b;
	}
	if (a > b) {
		*lo = INT32_MIN;
		*hi = INT32_MAX;
		return;
	}
	*lo = a - d->o.window;
	*hi = b + d->o.window;
}

/* Fills temp.dedup_tonight with the source-id hashes of the added rows. */
static int tonight_keys(struct lmi_dedup_state *s, const struct lmi_dedup *d)
{
	sqlite3_stmt *ins = NULL;
	int rc = LMI_EIO;

	if (sqlite3_exec(s->db, "BEGIN; DELETE FROM temp.dedup_tonight", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(s, "cannot write temporary state");
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO temp.dedup_tonight VALUES(?1)", -1,
			       &ins, NULL) != SQLITE_OK) {
		db_fail(s, "cannot write temporary state");
		goto out;
	}
	for (size_t i = 0; i < d->n_new; i++) {
		if (d->h_src[i] == 0)
			continue;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)d->h_src[i]);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_fail(s, "cannot write temporary state");
			goto out;
		}
	}
	rc = LMI_OK;
out:
	sqlite3_finalize(ins);
	if (sqlite3_exec(s->db, rc == LMI_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
	    SQLITE_OK && rc == LMI_OK)
		rc = db_fail(s, "cannot write temporary state");
	return rc;
}

int lmi_dedup_state_load(struct lmi_dedup_state *s, struct lmi_dedup *d, const char *night)
{
	int64_t lo, hi;
	sqlite3_stmt *st = NULL;
	uint32_t g[LMI_NORM_MAX_GRAMS], key, lab;
	uint16_t attr[LMI_DEDUP_NATTR];
	const char *k, *c;
	size_t ng;
	int32_t date;
	int rc;

	if (d->frozen || d->n != d->n_new)
		return LMI_EINVAL;
	rc = tonight_keys(s, d);
	if (rc != LMI_OK)
		return rc;
	/*
	 * Only what tonight can touch: postings within the window of tonight's
	 * dates or undated, postings with one of tonight's source ids, and the
	 * canonical postings of their clusters (which name the clusters).
	 */
	if (sqlite3_prepare_v2(s->db,
			       "WITH near(id) AS (SELECT id FROM dedup_posting"
			       " WHERE night <> ?1 AND (reg_date IS NULL OR"
			       " reg_date BETWEEN ?2 AND ?3 OR"
			       " src_hash IN (SELECT h FROM temp.dedup_tonight)))"
			       " SELECT id, key, cluster, reg_date, complete, src_hash, exact_hash,"
			       " block_hash, sig, attr FROM dedup_posting WHERE night <> ?1 AND"
			       " (id IN near OR key IN (SELECT cluster FROM dedup_posting"
			       " WHERE id IN near)) ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, "cannot read state");
	sqlite3_bind_text(st, 1, night, -1, SQLITE_STATIC);
	date_range(d, &lo, &hi);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(st, 1);
		c = (const char *)sqlite3_column_text(st, 2);
		ng = (size_t)sqlite3_column_bytes(st, 8) / sizeof(uint32_t);
		if (k == NULL || c == NULL || ng > LMI_NORM_MAX_GRAMS ||
		    sqlite3_column_bytes(st, 9) != (int)sizeof(attr)) {
			sqlite3_finalize(st);
			snprintf(s->err, sizeof(s->err), "corrupt state row");
			return LMI_EPARSE;
		}
		if (ng > 0)
			memcpy(g, sqlite3_column_blob(st, 8), ng * sizeof(uint32_t));
		memcpy(attr, sqlite3_column_blob(st, 9), sizeof(attr));
		date = LMI_DEDUP_NODATE;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			date = (int32_t)sqlite3_column_int(st, 3);
		key = keys_add(d, k, strlen(k), "", 0, 0);
		lab = strcmp(k, c) == 0 ? key : keys_add(d, c, strlen(c), "", 0, 0);
		if (key == NONE || lab == NONE ||
		    push_row(d, key, (uint64_t)sqlite3_column_int64(st, 5),
			     (uint64_t)sqlite3_column_int64(st, 6),
			     (uint64_t)sqlite3_column_int64(st, 7), date,
			     (unsigned)sqlite3_column_int(st, 4), g, ng, attr) != LMI_OK) {
			sqlite3_finalize(st);
			snprintf(s->err, sizeof(s->err), "out of memory loading state");
			return LMI_ENOMEM;
		}
		d->lab_off[d->n - 1] = lab;
		d->rowid[d->n - 1] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, "cannot read state");
	return LMI_OK;
}

int lmi_dedup_state_save(struct lmi_dedup_state *s, struct lmi_dedup *d, const char *night)
{
	sqlite3_stmt *del = NULL, *ins = NULL, *upd = NULL;
	const char *lab;
	size_t i;
	int rc = LMI_EIO;

	if (!d->frozen)
		return LMI_EINVAL;
	/* under the test hook, spill changed pages to the file early, so a kill tears it */
	if (s->on_row != NULL)
		sqlite3_exec(s->db, "PRAGMA cache_size = 16", NULL, NULL, NULL);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "cannot start state transaction");
	if (sqlite3_prepare_v2(s->db, "DELETE FROM dedup_posting WHERE night = ?1", -1, &del,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO dedup_posting(night, key, cluster, reg_date, complete,"
			       " src_hash, exact_hash, block_hash, sig, attr)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE dedup_posting SET cluster = ?1 WHERE id = ?2", -1,
			       &upd, NULL) != SQLITE_OK) {
		db_fail(s, "cannot write state");
		goto out;
	}
	sqlite3_bind_text(del, 1, night, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE) {
		db_fail(s, "cannot write state");
		goto out;
	}
	for (i = 0; i < d->n_new; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, night, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, d->keys + d->key_off[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, lmi_dedup_label(d, i), -1, SQLITE_STATIC);
		if (d->date[i] == LMI_DEDUP_NODATE)
			sqlite3_bind_null(ins, 4);
		else
			sqlite3_bind_int(ins, 4, d->date[i]);
		sqlite3_bind_int(ins, 5, d->complete[i]);
		sqlite3_bind_int64(ins, 6, (sqlite3_int64)d->h_src[i]);
		sqlite3_bind_int64(ins, 7, (sqlite3_int64)d->h_exact[i]);
		sqlite3_bind_int64(ins, 8, (sqlite3_int64)d->h_block[i]);
		sqlite3_bind_blob(ins, 9, d->sigs + d->sig_off[i],
				  (int)(d->sig_n[i] * sizeof(uint32_t)), SQLITE_STATIC);
		sqlite3_bind_blob(ins, 10, d->attr + i * LMI_DEDUP_NATTR,
				  (int)(LMI_DEDUP_NATTR * sizeof(*d->attr)), SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_fail(s, "cannot write state");
			goto out;
		}
		if (s->on_row != NULL)
			s->on_row(i + 1);
	}
	for (i = d->n_new; i < d->n; i++) {
		lab = lmi_dedup_label(d, i);
		if (strcmp(lab, d->keys + d->lab_off[i]) == 0)
			continue;
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, lab, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 2, d->rowid[i]);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			db_fail(s, "cannot write state");
			goto out;
		}
	}
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(s, "cannot commit state");
		goto out;
	}
	rc = LMI_OK;
out:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	if (rc != LMI_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void lmi_dedup_state_close(struct lmi_dedup_state *s)
{
	if (s->db != NULL)
		sqlite3_close(s->db);
	s->db = NULL;
}

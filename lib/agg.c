/* Mergeable partial aggregates: exact integer moments, dense histograms, a group hash map. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "cli.h"
#include "banned.h"

void lmi_agg_mom_add(struct lmi_agg_mom *m, int64_t v)
{
	if (m->n == 0 || v < m->min)
		m->min = v;
	if (m->n == 0 || v > m->max)
		m->max = v;
	m->n++;
	m->sum += v;
	m->sumsq += v * v;
}

void lmi_agg_mom_merge(struct lmi_agg_mom *dst, const struct lmi_agg_mom *src)
{
	if (src->n == 0)
		return;
	if (dst->n == 0 || src->min < dst->min)
		dst->min = src->min;
	if (dst->n == 0 || src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
}

double lmi_agg_mom_mean(const struct lmi_agg_mom *m)
{
	if (m->n == 0)
		return NAN;
	return (double)m->sum / (double)m->n;
}

double lmi_agg_mom_var(const struct lmi_agg_mom *m)
{
	long double n = (long double)m->n, s = (long double)m->sum;

	if (m->n < 2)
		return NAN;
	/* n*sumsq - sum^2 is exact in long double for the ranges we accept. */
	return (double)((n * (long double)m->sumsq - s * s) / (n * (n - 1)));
}

void lmi_agg_chan_add(struct lmi_agg_chan *c, double x)
{
	double d;

	c->n += 1;
	d = x - c->mean;
	c->mean += d / c->n;
	c->m2 += d * (x - c->mean);
}

void lmi_agg_chan_merge(struct lmi_agg_chan *dst, const struct lmi_agg_chan *src)
{
	double n, d;

	if (src->n == 0)
		return;
	if (dst->n == 0) {
		*dst = *src;
		return;
	}
	n = dst->n + src->n;
	d = src->mean - dst->mean;
	dst->mean += d * src->n / n;
	dst->m2 += src->m2 + d * d * dst->n * src->n / n;
	dst->n = n;
}

double lmi_agg_chan_var(const struct lmi_agg_chan *c)
{
	if (c->n < 2)
		return NAN;
	return c->m2 / (c->n - 1);
}

/* FNV-1a, 64 bit. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	/* Final avalanche (murmur3 fmix64) so the low bits used for the slot are well mixed. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void lmi_agg_init(struct lmi_agg *a, size_t max_cells)
{
	memset(a, 0, sizeof(*a));
	a->max_cells = max_cells;
}

static struct lmi_agg_slot *lookup(struct lmi_agg_slot *slot, size_t cap, uint64_t h,
				   const char *key, size_t klen)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct lmi_agg_slot *sl = &slot[i];

		if (sl->cell == NULL)
			return sl;
		if (sl->hash == h && sl->cell->klen == klen &&
		    memcmp(sl->cell->key, key, klen) == 0)
			return sl;
		i = (i + 1) & (cap - 1);
	}
}

static int grow(struct lmi_agg *a)
{
	size_t ncap = a->cap ? a->cap * 2 : 256;
	struct lmi_agg_slot *ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return LMI_ENOMEM;
	for (size_t i = 0; i < a->cap; i++) {
		struct lmi_agg_cell *c = a->slot[i].cell;

		if (c != NULL)
			*lookup(ns, ncap, c->hash, c->key, c->klen) = a->slot[i];
	}
	free(a->slot);
	a->slot = ns;
	a->cap = ncap;
	return LMI_OK;
}

struct lmi_agg_cell *lmi_agg_find(const struct lmi_agg *a, const char *key, size_t klen)
{
	if (a->cap == 0)
		return NULL;
	return lookup(a->slot, a->cap, hash_bytes(key, klen), key, klen)->cell;
}

int lmi_agg_get(struct lmi_agg *a, const char *key, size_t klen, struct lmi_agg_cell **cell)
{
	uint64_t h = hash_bytes(key, klen);
	struct lmi_agg_slot *p;
	struct lmi_agg_cell *c;

	if (a->cap != 0) {
		p = lookup(a->slot, a->cap, h, key, klen);
		if (p->cell != NULL) {
			*cell = p->cell;
			return LMI_OK;
		}
	}
	if (a->max_cells != 0 && a->n >= a->max_cells)
		return LMI_ETOOBIG;
	if ((a->n + 1) * 4 > a->cap * 3 && grow(a) != LMI_OK)
		return LMI_ENOMEM;
	c = calloc(1, sizeof(*c) + klen + 1);
	if (c == NULL)
		return LMI_ENOMEM;
	c->key = (char *)(c + 1);
	memcpy(c->key, key, klen);
	c->key[klen] = '\0';
	c->klen = klen;
	c->hash = h;
	p = lookup(a->slot, a->cap, h, key, klen);
	p->hash = h;
	p->cell = c;
	a->n++;
	*cell = c;
	return LMI_OK;
}

int lmi_agg_hist_add(struct lmi_agg_cell *c, int64_t v, uint64_t count)
{
	if (c->h == NULL) {
		c->h = calloc(1, sizeof(*c->h));
		if (c->h == NULL)
			return LMI_ENOMEM;
		c->base = v;
		c->len = 1;
	} else if (v < c->base || v >= c->base + (int64_t)c->len) {
		int64_t lo = c->base, hi = c->base + (int64_t)c->len - 1, slack;
		size_t nlen;
		uint64_t *nh;

		if (v < lo)
			lo = v;
		else
			hi = v;
		if (hi - lo >= LMI_AGG_HIST_MAX)
			return LMI_ETOOBIG;
		/* Grow with slack so a slowly widening range does not copy per row. */
		slack = (int64_t)c->len;
		if (hi - lo + 1 + slack > LMI_AGG_HIST_MAX)
			slack = LMI_AGG_HIST_MAX - (hi - lo + 1);
		if (v < c->base)
			lo -= slack;
		else
			hi += slack;
		nlen = (size_t)(hi - lo + 1);
		nh = calloc(nlen, sizeof(*nh));
		if (nh == NULL)
			return LMI_ENOMEM;
		memcpy(nh + (c->base - lo), c->h, c->len * sizeof(*nh));
		free(c->h);
		c->h = nh;
		c->base = lo;
		c->len = nlen;
	}
	c->h[v - c->base] += count;
	return LMI_OK;
}

int lmi_agg_vec_add(struct lmi_agg_cell *c, size_t i, int64_t n)
{
	if (c->v == NULL) {
		c->v = calloc(LMI_AGG_NVEC, sizeof(*c->v));
		if (c->v == NULL)
			return LMI_ENOMEM;
	}
	c->v[i] += n;
	return LMI_OK;
}

int64_t lmi_agg_vec_get(const struct lmi_agg_cell *c, size_t i)
{
	return c != NULL && c->v != NULL ? c->v[i] : 0;
}

int lmi_agg_cell_merge(struct lmi_agg_cell *dst, const struct lmi_agg_cell *src)
{
	lmi_agg_mom_merge(&dst->m, &src->m);
	for (size_t i = 0; src->v != NULL && i < LMI_AGG_NVEC; i++) {
		if (src->v[i] != 0 && lmi_agg_vec_add(dst, i, src->v[i]) != LMI_OK)
			return LMI_ENOMEM;
	}
	for (size_t i = 0; i < src->len; i++) {
		if (src->h[i] != 0) {
			int rc = lmi_agg_hist_add(dst, src->base + (int64_t)i, src->h[i]);

			if (rc != LMI_OK)
				return rc;
		}
	}
	return LMI_OK;
}

uint64_t lmi_agg_hist_total(const struct lmi_agg_cell *c)
{
	uint64_t t = 0;

	for (size_t i = 0; i < c->len; i++)
		t += c->h[i];
	return t;
}

int64_t lmi_agg_hist_kth(const struct lmi_agg_cell *c, uint64_t k)
{
	uint64_t seen = 0;

	for (size_t i = 0; i < c->len; i++) {
		seen += c->h[i];
		if (seen > k)
			return c->base + (int64_t)i;
	}
	return c->base + (int64_t)c->len - 1;
}

double lmi_agg_hist_median(const struct lmi_agg_cell *c)
{
	uint64_t n = lmi_agg_hist_total(c);

	if (n == 0)
		return NAN;
	if (n % 2 == 1)
		return (double)lmi_agg_hist_kth(c, n / 2);
	return ((double)lmi_agg_hist_kth(c, n / 2 - 1) + (double)lmi_agg_hist_kth(c, n / 2)) / 2;
}

static int cmp_cell(const void *x, const void *y)
{
	const struct lmi_agg_cell *a = *(struct lmi_agg_cell *const *)x;
	const struct lmi_agg_cell *b = *(struct lmi_agg_cell *const *)y;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int r = memcmp(a->key, b->key, n);

	if (r != 0)
		return r;
	return (a->klen > b->klen) - (a->klen < b->klen);
}

struct lmi_agg_cell **lmi_agg_sorted(const struct lmi_agg *a)
{
	struct lmi_agg_cell **v;
	size_t k = 0;

	v = malloc((a->n ? a->n : 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < a->cap; i++)
		if (a->slot[i].cell != NULL)
			v[k++] = a->slot[i].cell;
	qsort(v, k, sizeof(*v), cmp_cell);
	return v;
}

void lmi_agg_release(struct lmi_agg *a)
{
	for (size_t i = 0; i < a->cap; i++) {
		if (a->slot[i].cell != NULL) {
			free(a->slot[i].cell->h);
			free(a->slot[i].cell->v);
			free(a->slot[i].cell);
		}
	}
	free(a->slot);
	memset(a, 0, sizeof(*a));
}

/* Labour-market indicator formulas, small-cell suppression, and the mergeable indicator engine. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "indicators.h"
#include "parse.h"
#include "banned.h"

/* Formulas. */

int lmi_ind_wilson(double x, double n, double z, double *lo, double *hi)
{
	double p, z2n, centre, half;

	if (!(n > 0) || x < 0 || x > n)
		return LMI_EINVAL;
	p = x / n;
	z2n = z * z / n;
	centre = (p + z2n / 2) / (1 + z2n);
	half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
	return LMI_OK;
}

static uint64_t hist_at(const struct lmi_agg_cell *c, int64_t v)
{
	if (c == NULL || c->h == NULL || v < c->base || v >= c->base + (int64_t)c->len)
		return 0;
	return c->h[v - c->base];
}

double lmi_ind_km_median(const struct lmi_agg_cell *ev, const struct lmi_agg_cell *cen)
{
	uint64_t at_risk = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	double s = 1.0;

	if (ev != NULL && ev->h != NULL) {
		at_risk += lmi_agg_hist_total(ev);
		lo = ev->base;
		hi = ev->base + (int64_t)ev->len - 1;
	}
	if (cen != NULL && cen->h != NULL) {
		at_risk += lmi_agg_hist_total(cen);
		lo = cen->base < lo ? cen->base : lo;
		if (cen->base + (int64_t)cen->len - 1 > hi)
			hi = cen->base + (int64_t)cen->len - 1;
	}
	for (int64_t t = lo; t <= hi && at_risk > 0; t++) {
		uint64_t d = hist_at(ev, t);

		if (d > 0) {
			s *= 1.0 - (double)d / (double)at_risk;
			if (fabs(s - 0.5) < 1e-12) {
				/* Flat at exactly 0.5: the midpoint to the next event time. */
				for (int64_t u = t + 1; u <= hi; u++)
					if (hist_at(ev, u) > 0)
						return ((double)t + (double)u) / 2;
				return (double)t;
			}
			if (s < 0.5)
				return (double)t;
		}
		at_risk -= d + hist_at(cen, t);
	}
	return NAN;
}

double lmi_ind_hhi(const double *c, size_t n)
{
	double total = 0, h = 0;

	for (size_t i = 0; i < n; i++)
		total += c[i];
	if (!(total > 0))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double s = 100.0 * c[i] / total;

		h += s * s;
	}
	return h;
}

/* Totals of u and v for the mismatch indices; 0 when either is not positive. */
static int mismatch_totals(const double *u, const double *v, size_t n, double *su, double *sv)
{
	*su = *sv = 0;
	for (size_t i = 0; i < n; i++) {
		*su += u[i];
		*sv += v[i];
	}
	return *su > 0 && *sv > 0;
}

double lmi_ind_jackman_roper(const double *u, const double *v, size_t n)
{
	double su, sv, d = 0;

	if (!mismatch_totals(u, v, n, &su, &sv))
		return NAN;
	for (size_t i = 0; i < n; i++)
		d += fabs(u[i] / su - v[i] / sv);
	return d / 2;
}

double lmi_ind_sstv(const double *u, const double *v, size_t n, double alpha)
{
	double su, sv, m = 0;

	if (!mismatch_totals(u, v, n, &su, &sv))
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (u[i] > 0 && v[i] > 0)
			m += pow(v[i] / sv, alpha) * pow(u[i] / su, 1 - alpha);
	return 1 - m;
}

size_t lmi_ind_suppress(struct lmi_ind_supcell **cells, size_t n, int64_t min_cell)
{
	size_t changed = 0, nsup = 0, best = n;

	for (size_t i = 0; i < n; i++) {
		if (cells[i]->sup == 0 && cells[i]->n > 0 && cells[i]->n < min_cell) {
			cells[i]->sup = LMI_IND_SUP_PRIMARY;
			changed++;
		}
		if (cells[i]->sup != 0)
			nsup++;
	}
	if (nsup != 1)
		return changed;
	for (size_t i = 0; i < n; i++) {
		if (cells[i]->sup != 0 || cells[i]->n <= 0)
			continue;
		if (best == n || cells[i]->n < cells[best]->n)
			best = i;
	}
	if (best < n) {
		cells[best]->sup = LMI_IND_SUP_COMPLEMENT;
		changed++;
	}
	return changed;
}

/* Periods. */

static long floor_div(long a, long b)
{
	long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long lmi_ind_period_of(enum lmi_ind_period p, long days)
{
	int y, m, d;

	lmi_civil_from_days(days, &y, &m, &d);
	switch (p) {
	case LMI_IND_MONTH:
		return (long)y * 12 + m - 1;
	case LMI_IND_QUARTER:
		return (long)y * 4 + (m - 1) / 3;
	default:
		return y;
	}
}

long lmi_ind_period_end(enum lmi_ind_period p, long idx)
{
	long y, m;

	switch (p) {
	case LMI_IND_MONTH:
		y = floor_div(idx + 1, 12);
		m = idx + 1 - y * 12;
		break;
	case LMI_IND_QUARTER:
		y = floor_div(idx + 1, 4);
		m = (idx + 1 - y * 4) * 3;
		break;
	default:
		y = idx + 1;
		m = 0;
		break;
	}
	/* The day before the first day of the next period. */
	return lmi_days_from_civil((int)y, (int)m + 1, 1) - 1;
}

void lmi_ind_period_label(enum lmi_ind_period p, long idx, char *out, size_t size)
{
	switch (p) {
	case LMI_IND_MONTH:
		snprintf(out, size, "%04ld-%02ld", floor_div(idx, 12),
			 idx - floor_div(idx, 12) * 12 + 1);
		break;
	case LMI_IND_QUARTER:
		snprintf(out, size, "%04ld-Q%ld", floor_div(idx, 4),
			 idx - floor_div(idx, 4) * 4 + 1);
		break;
	default:
		snprintf(out, size, "%04ld", idx);
		break;
	}
}

int lmi_ind_period_parse(enum lmi_ind_period p, const char *s, long *idx)
{
	long long y, k;
	const char *e;
	char yb[5];

	if (strlen(s) < 4)
		return LMI_EPARSE;
	memcpy(yb, s, 4);
	yb[4] = '\0';
	if (lmi_parse_long(yb, 1000, 9999, &y, &e) != 0)
		return LMI_EPARSE;
	switch (p) {
	case LMI_IND_MONTH:
		if (strlen(s) != 7 || s[4] != '-' || lmi_parse_long(s + 5, 1, 12, &k, &e) != 0)
			return LMI_EPARSE;
		*idx = (long)(y * 12 + k - 1);
		return LMI_OK;
	case LMI_IND_QUARTER:
		if (strlen(s) != 7 || s[4] != '-' || s[5] != 'Q' ||
		    lmi_parse_long(s + 6, 1, 4, &k, &e) != 0)
			return LMI_EPARSE;
		*idx = (long)(y * 4 + k - 1);
		return LMI_OK;
	default:
		if (s[4] != '\0')
			return LMI_EPARSE;
		*idx = (long)y;
		return LMI_OK;
	}
}

/* Sets and options. */

static const char *const set_names[LMI_IND_NSETS] = {
	"vacancy", "claims", "training", "tightness", "hhi", "mismatch", "office",
};

int lmi_ind_set_parse(const char *s)
{
	for (int i = 0; i < LMI_IND_NSETS; i++)
		if (strcmp(s, set_names[i]) == 0)
			return i;
	return -1;
}

const char *lmi_ind_set_name(enum lmi_ind_set set)
{
	return set_names[set];
}

void lmi_ind_opts_default(struct lmi_ind_opts *o, enum lmi_ind_set set)
{
	char err[128];

	memset(o, 0, sizeof(*o));
	o->set = set;
	o->period = set == LMI_IND_HHI ? LMI_IND_QUARTER : LMI_IND_MONTH;
	o->as_of = LMI_IND_NO_DATE;
	o->min_cell = 5;
	o->alpha = 0.5;
	o->hhi_lo = 1500;
	o->hhi_hi = 2500;
	o->long_term = 365;
	if (set == LMI_IND_HHI)
		lmi_ind_parse_by(o, "occupation_code,region_code", err, sizeof(err));
	else if (set == LMI_IND_MISMATCH)
		lmi_ind_parse_by(o, "occupation_code:2", err, sizeof(err));
	else if (set == LMI_IND_OFFICE)
		lmi_ind_parse_by(o, "office_code", err, sizeof(err));
}

int lmi_ind_parse_by(struct lmi_ind_opts *o, const char *s, char *err, size_t errsize)
{
	size_t n = 0;
	const char *p = s;

	if (strlen(s) >= sizeof(o->by)) {
		snprintf(err, errsize, "--by list too long");
		return LMI_EINVAL;
	}
	while (*s != '\0' && *p != '\0') {
		const char *end = strchr(p, ',');
		const char *colon;
		size_t len = end ? (size_t)(end - p) : strlen(p), nlen;
		long long k = 0;

		if (n == LMI_IND_MAX_GROUPS) {
			snprintf(err, errsize, "at most %d --by columns", LMI_IND_MAX_GROUPS);
			return LMI_EINVAL;
		}
		colon = memchr(p, ':', len);
		nlen = colon ? (size_t)(colon - p) : len;
		if (nlen == 0 || nlen >= sizeof(o->group[0])) {
			snprintf(err, errsize, "bad --by column '%.*s'", (int)len, p);
			return LMI_EINVAL;
		}
		if (colon) {
			char num[24];
			const char *e;
			size_t dl = len - nlen - 1;

			if (dl == 0 || dl >= sizeof(num)) {
				snprintf(err, errsize, "bad prefix length in '%.*s'", (int)len, p);
				return LMI_EINVAL;
			}
			memcpy(num, colon + 1, dl);
			num[dl] = '\0';
			if (lmi_parse_long(num, 1, 1000, &k, &e) != 0) {
				snprintf(err, errsize, "bad prefix length in '%.*s'", (int)len, p);
				return LMI_EINVAL;
			}
		}
		memcpy(o->group[n], p, nlen);
		o->group[n][nlen] = '\0';
		o->prefix[n] = (int)k;
		n++;
		if (end == NULL)
			break;
		p = end + 1;
		if (*p == '\0') {
			snprintf(err, errsize, "empty column in --by");
			return LMI_EINVAL;
		}
	}
	o->ngroups = n;
	memcpy(o->by, s, strlen(s) + 1);
	return LMI_OK;
}

/* Engine: keys are "stat \x1f PPPPPP \x1f g1 \x1e g2 ... \x1f sub". */

#define SEP '\x1f'
#define GSEP '\x1e'

void lmi_ind_init(struct lmi_ind *ind, const struct lmi_ind_opts *o)
{
	memset(ind, 0, sizeof(*ind));
	ind->o = *o;
	ind->merge_set = -1;
	lmi_agg_init(&ind->agg, LMI_IND_MAX_CELLS);
	for (int i = 0; i <= LMI_IND_NMONTHS; i++)
		ind->mstart[i] = (int32_t)lmi_days_from_civil(1900 + i / 12, i % 12 + 1, 1);
}

void lmi_ind_release(struct lmi_ind *ind)
{
	lmi_agg_release(&ind->agg);
	free(ind->key);
	free(ind->gbuf);
	free(ind->gslot);
	free(ind->gtext);
	free(ind->fslot);
	memset(ind, 0, sizeof(*ind));
}

static int reserve(char **buf, size_t *cap, size_t need)
{
	char *nb;
	size_t ncap = *cap ? *cap : 256;

	if (need <= *cap)
		return LMI_OK;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(*buf, ncap);
	if (nb == NULL)
		return LMI_ENOMEM;
	*buf = nb;
	*cap = ncap;
	return LMI_OK;
}

/* Builds the key into ind->key; returns its length, or 0 when out of memory. */
static size_t make_key(struct lmi_ind *ind, const char *stat, long period, const char *g,
		       size_t glen, const char *sub)
{
	size_t sl = strlen(stat), bl = sub ? strlen(sub) : 0, n;

	if (reserve(&ind->key, &ind->kcap, sl + glen + bl + 16) != LMI_OK)
		return 0;
	memcpy(ind->key, stat, sl);
	n = sl;
	ind->key[n++] = SEP;
	/* Six zero-padded digits, so byte order is period order. */
	{
		long v = period > 0 && period < 1000000 ? period : 0;

		for (int i = 5; i >= 0; i--) {
			ind->key[n + (size_t)i] = (char)('0' + v % 10);
			v /= 10;
		}
	}
	n += 6;
	ind->key[n++] = SEP;
	if (glen)
		memcpy(ind->key + n, g, glen);
	n += glen;
	ind->key[n++] = SEP;
	if (bl)
		memcpy(ind->key + n, sub, bl);
	n += bl;
	ind->key[n] = '\0';
	return n;
}

static int cell(struct lmi_ind *ind, const char *stat, long period, const char *sub,
		struct lmi_agg_cell **c)
{
	size_t n = make_key(ind, stat, period, ind->g, ind->glen, sub);

	if (n == 0)
		return LMI_ENOMEM;
	return lmi_agg_get(&ind->agg, ind->key, n, c);
}

/* FNV-1a over the group bytes, finished by mix(). */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* murmur3 fmix64: spreads every input bit over the low bits used for a slot. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Sets ind->gid to the id of the current row's group values, interning them when new. */
static int intern_group(struct lmi_ind *ind)
{
	uint64_t h = mix(ind->ghash);
	struct lmi_ind_gslot *sl;
	size_t i, mask;

	if ((ind->ngid + 1) * 2 > ind->gslot_cap) {
		size_t ncap = ind->gslot_cap ? ind->gslot_cap * 2 : 64;
		struct lmi_ind_gslot *ns = calloc(ncap, sizeof(*ns));

		if (ns == NULL)
			return LMI_ENOMEM;
		for (size_t k = 0; k < ind->gslot_cap; k++) {
			if (ind->gslot[k].id == 0)
				continue;
			i = (size_t)ind->gslot[k].hash & (ncap - 1);
			while (ns[i].id != 0)
				i = (i + 1) & (ncap - 1);
			ns[i] = ind->gslot[k];
		}
		free(ind->gslot);
		ind->gslot = ns;
		ind->gslot_cap = ncap;
	}
	mask = ind->gslot_cap - 1;
	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		sl = &ind->gslot[i];
		if (sl->id == 0)
			break;
		if (sl->hash == h && sl->len == ind->glen &&
		    memcmp(ind->gtext + sl->off, ind->g, ind->glen) == 0) {
			ind->gid = sl->id;
			return LMI_OK;
		}
	}
	if (ind->ngid >= LMI_IND_MAX_CELLS)
		return LMI_ETOOBIG;
	if (reserve(&ind->gtext, &ind->gtext_cap, ind->gtext_len + ind->glen + 1) != LMI_OK)
		return LMI_ENOMEM;
	if (ind->glen)
		memcpy(ind->gtext + ind->gtext_len, ind->g, ind->glen);
	sl->hash = h;
	sl->id = (uint32_t)++ind->ngid;
	sl->len = ind->glen;
	sl->off = ind->gtext_len;
	ind->gtext_len += ind->glen;
	ind->gid = sl->id;
	return LMI_OK;
}

/* Statistics the row engine finds by number (F_*), with their key names. */
enum { F_CTR, F_CDUR, F_VNEW, F_VCLOSED, F_VKMEV, F_VFILL, F_VCPOS, F_VCHIRES, F_VKMCEN };
static const char *const fstat_names[] = {"#",	     "c.dur",  "v.new",	   "v.closed", "v.km.ev",
					  "v.fill", "v.cpos", "v.chires", "v.km.cen"};

/* The key of statistic `stat` in period `period` of group id `gid` in ind->fslot. */
static uint64_t fkey(uint32_t gid, int stat, long period)
{
	/* make_key() writes other periods as 0, so they share its cell. */
	uint64_t v = period > 0 && period < 1000000 ? (uint64_t)period : 0;

	return (uint64_t)gid << 32 | (uint64_t)stat << 24 | v;
}

/* fcell() when the cell is not in the index yet: grows the index and adds it. */
static int fcell_add(struct lmi_ind *ind, int stat, long period, struct lmi_agg_cell **c)
{
	struct lmi_ind_fslot *sl;
	size_t i, mask, n;
	uint64_t key;
	int rc;

	key = fkey(ind->gid, stat, period);
	if ((ind->nfast + 1) * 2 > ind->fslot_cap) {
		size_t ncap = ind->fslot_cap ? ind->fslot_cap * 2 : 256;
		struct lmi_ind_fslot *ns = calloc(ncap, sizeof(*ns));

		if (ns == NULL)
			return LMI_ENOMEM;
		for (size_t k = 0; k < ind->fslot_cap; k++) {
			if (ind->fslot[k].key == 0)
				continue;
			i = (size_t)mix(ind->fslot[k].key) & (ncap - 1);
			while (ns[i].key != 0)
				i = (i + 1) & (ncap - 1);
			ns[i] = ind->fslot[k];
		}
		free(ind->fslot);
		ind->fslot = ns;
		ind->fslot_cap = ncap;
	}
	mask = ind->fslot_cap - 1;
	for (i = (size_t)mix(key) & mask;; i = (i + 1) & mask) {
		sl = &ind->fslot[i];
		if (sl->key == key) {
			*c = sl->cell;
			return LMI_OK;
		}
		if (sl->key == 0)
			break;
	}
	n = make_key(ind, fstat_names[stat], period, ind->g, ind->glen, NULL);
	if (n == 0)
		return LMI_ENOMEM;
	rc = lmi_agg_get(&ind->agg, ind->key, n, c);
	if (rc != LMI_OK)
		return rc;
	sl->key = key;
	sl->cell = *c;
	ind->nfast++;
	return LMI_OK;
}

/*
 * cell() for statistic `stat` (F_*) without a sub key: the same cell, found
 * through the (group id, statistic, period) index, so a hit builds no key.
 * The hit path is kept small enough to inline.
 */
static inline int fcell(struct lmi_ind *ind, int stat, long period, struct lmi_agg_cell **c)
{
	if (ind->gid == 0) {
		int rc = intern_group(ind);

		if (rc != LMI_OK)
			return rc;
	}
	if (ind->fslot_cap != 0) {
		uint64_t key = fkey(ind->gid, stat, period);
		size_t mask = ind->fslot_cap - 1;

		for (size_t i = (size_t)mix(key) & mask;; i = (i + 1) & mask) {
			const struct lmi_ind_fslot *sl = &ind->fslot[i];

			if (sl->key == key) {
				*c = sl->cell;
				return LMI_OK;
			}
			if (sl->key == 0)
				break;
		}
	}
	return fcell_add(ind, stat, period, c);
}

/* Counts one event; value v goes to the moments (use 1 for a plain count). */
static int bump(struct lmi_ind *ind, int stat, long period, int64_t v)
{
	struct lmi_agg_cell *c;
	int rc = fcell(ind, stat, period, &c);

	if (rc == LMI_OK)
		lmi_agg_mom_add(&c->m, v);
	return rc;
}

/* Adds a duration to the moments and the histogram. */
static int dur(struct lmi_ind *ind, int stat, long period, int64_t days)
{
	struct lmi_agg_cell *c;
	int rc = fcell(ind, stat, period, &c);

	if (rc != LMI_OK)
		return rc;
	lmi_agg_mom_add(&c->m, days);
	return lmi_agg_hist_add(c, days, 1);
}

/*
 * Plain counts live in one counter vector per group and period (key stat "#"),
 * so a row costs one lookup per distinct period, not one per statistic.  In
 * partial files each counter is still its own row, named as below.
 */
static const char *const ctr_names[] = {
	"c.cov+", "c.cov-", "c.exh", "c.fp", "c.fpx", "c.in", "c.lt+", "c.lt-", "c.out", "c.place",
	"t.comp", "t.e3d", "t.e3n", "t.e6d", "t.e6n", "t.enrol", "t.fin", "v.cov+", "v.cov-",
};
enum {
	K_CCOVP,
	K_CCOVM,
	K_CEXH,
	K_CFP,
	K_CFPX,
	K_CIN,
	K_CLTP,
	K_CLTM,
	K_COUT,
	K_CPLACE,
	K_TCOMP,
	K_TE3D,
	K_TE3N,
	K_TE6D,
	K_TE6N,
	K_TENROL,
	K_TFIN,
	K_VCOVP,
	K_VCOVM,
	K_OUTR, /* + index in reasons[] */
	K_N = K_OUTR + 5,
};

static const char *const reasons[] = {"disqualified",	"exhausted",  "other",
				      "period_expired", "reemployed", NULL};

enum { R_DISQUALIFIED, R_EXHAUSTED, R_OTHER, R_PERIOD_EXPIRED, R_REEMPLOYED };

/* Returns the index in reasons[] of an end_reason; anything else is "other". */
static int reason_of(const char *s)
{
	/* The reasons start with different letters: one strcmp at most. */
	for (int i = 0; reasons[i] != NULL; i++)
		if (s[0] == reasons[i][0])
			return strcmp(s, reasons[i]) == 0 ? i : R_OTHER;
	return R_OTHER;
}

/* Returns the counter of a statistic name (and sub, for "c.outr"), or -1. */
static int ctr_index(const char *stat, const char *sub)
{
	if (strcmp(stat, "c.outr") == 0) {
		for (int i = 0; sub != NULL && reasons[i] != NULL; i++)
			if (strcmp(sub, reasons[i]) == 0)
				return K_OUTR + i;
		return -1;
	}
	for (int i = 0; i < K_OUTR; i++)
		if (strcmp(stat, ctr_names[i]) == 0)
			return i;
	return -1;
}

/*
 * Counts one event in counter k of the current row's group and `period`.
 * *cp caches the counter cell of that period for the row: NULL the first
 * time, so a row looks up each of its periods once.
 */
static inline int ctr(struct lmi_ind *ind, struct lmi_agg_cell **cp, long period, int k)
{
	if (*cp == NULL) {
		int rc = fcell(ind, F_CTR, period, cp);

		if (rc != LMI_OK)
			return rc;
		if ((*cp)->v == NULL && lmi_agg_vec_add(*cp, (size_t)k, 0) != LMI_OK)
			return LMI_ENOMEM;
	}
	(*cp)->v[k]++;
	return LMI_OK;
}

enum {
	/* vacancy */
	V_REG,
	V_CLOSE,
	V_STATUS,
	V_SDATE,
	V_POS,
	V_HIRES,
	V_EMP,
	/* claim */
	C_ELIG = 0,
	C_END,
	C_REASON,
	C_FP,
	/* training */
	T_START = 0,
	T_END,
	T_STATUS,
	T_EXCL,
	T_E3,
	T_E6,
};

static const char *const vac_cols[] = {"reg_date",  "close_date", "status",	 "status_date",
				       "positions", "hires",	  "employer_id", NULL};
static const char *const claim_cols[] = {"eligibility_date", "end_date", "end_reason",
					 "first_payment_date", NULL};
static const char *const train_cols[] = {"start_date",	"end_date",    "status", "outcome_excluded",
					 "employed_3m", "employed_6m", NULL};

static const char *claim_alias(const char *name)
{
	if (strcmp(name, "region_code") == 0)
		return "residence_region";
	if (strcmp(name, "occupation_code") == 0)
		return "desired_occupation";
	if (strcmp(name, "industry_code") == 0)
		return "last_industry";
	return NULL;
}

int lmi_ind_bind(struct lmi_ind *ind, enum lmi_ind_kind kind, const struct lmi_csv *r,
		 struct lmi_ind_bind *b)
{
	const char *const *cols = kind == LMI_IND_IN_VACANCY ? vac_cols
				  : kind == LMI_IND_IN_CLAIM ? claim_cols
							     : train_cols;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	for (size_t i = 0; cols[i] != NULL; i++) {
		b->col[i] = lmi_csv_col(r, cols[i]);
		/* Only the dates that anchor periods are required. */
		if (b->col[i] < 0 && i == 0) {
			snprintf(ind->err, sizeof(ind->err), "missing column '%s'", cols[i]);
			return LMI_EINVAL;
		}
	}
	if (kind == LMI_IND_IN_VACANCY && ind->o.set == LMI_IND_HHI && b->col[V_EMP] < 0) {
		snprintf(ind->err, sizeof(ind->err), "missing column 'employer_id'");
		return LMI_EINVAL;
	}
	for (size_t g = 0; g < ind->o.ngroups; g++) {
		const char *alias = kind == LMI_IND_IN_CLAIM ? claim_alias(ind->o.group[g]) : NULL;

		b->group[g] = lmi_csv_col_spec(r, ind->o.group[g]);
		if (b->group[g] < 0 && alias != NULL)
			b->group[g] = lmi_csv_col(r, alias);
		if (b->group[g] < 0) {
			snprintf(ind->err, sizeof(ind->err), "missing --by column '%s'",
				 ind->o.group[g]);
			return LMI_EINVAL;
		}
	}
	return LMI_OK;
}

static const char *fld(const struct lmi_ind_bind *b, const struct lmi_csv_row *row, int i)
{
	return b->col[i] >= 0 && (size_t)b->col[i] < row->n ? row->f[b->col[i]] : "";
}

/* The period of month index mon = y * 12 + m - 1 (y >= 0). */
static inline long mon_period(const struct lmi_ind *ind, long mon)
{
	switch (ind->o.period) {
	case LMI_IND_MONTH:
		return mon;
	case LMI_IND_QUARTER:
		return mon / 3;
	default:
		return mon / 12;
	}
}

/* lmi_ind_period_of() through the month table; days outside it take the general path. */
static inline long period_of(const struct lmi_ind *ind, long days)
{
	const int32_t *ms = ind->mstart;
	long i;

	if (days < ms[0] || days >= ms[LMI_IND_NMONTHS])
		return lmi_ind_period_of(ind->o.period, days);
	/* A month is 146097 / 4800 days on average: the guess is at most one month off. */
	i = (days - ms[0]) * 4800 / 146097;
	if (i >= LMI_IND_NMONTHS)
		i = LMI_IND_NMONTHS - 1;
	while (ms[i] > days)
		i--;
	while (ms[i + 1] <= days)
		i++;
	return mon_period(ind, 1900L * 12 + i);
}

/*
 * Reads a canonical "YYYY-MM-DD" in 1900..2100 through the month table.
 * Returns its month index y * 12 + m - 1 with *days set, or -1 for any other
 * text, which lmi_parse_date_len() then judges.
 */
static inline long canon_date(const struct lmi_ind *ind, const char *s, size_t len, long *days)
{
	int y, m, d;
	long i;

	if (!lmi_parse_ymd(s, len, &y, &m, &d) || y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return -1;
	i = (long)(y - 1900) * 12 + m - 1;
	if (d > ind->mstart[i + 1] - ind->mstart[i])
		return -1;
	*days = ind->mstart[i] + d - 1;
	return 1900L * 12 + i;
}

/* opt_date() for a field that is not a canonical date: the general parser and its verdict. */
static int opt_date_any(struct lmi_ind *ind, const char *name, const char *s, size_t len,
			long *days, long *period, int *have)
{
	int rc = lmi_parse_date_len(s, len, days);

	if (rc == LMI_PARSE_EMPTY || rc == LMI_PARSE_UNTIL_FILLED)
		return LMI_OK;
	if (rc != LMI_OK) {
		snprintf(ind->err, sizeof(ind->err), "bad date in '%s': '%.40s'", name, s);
		return LMI_EPARSE;
	}
	if (ind->o.as_of != LMI_IND_NO_DATE && *days > ind->o.as_of)
		return LMI_OK;
	*have = 1;
	*period = period_of(ind, *days);
	return LMI_OK;
}

/*
 * Parses an optional date field: *have = 0 when empty or "until filled".
 * Dates after --as-of are not yet known, so they count as empty.  When
 * *have is 1, *period is the date's period.
 */
static inline int opt_date(struct lmi_ind *ind, const struct lmi_ind_bind *b,
			   const struct lmi_csv_row *row, int i, const char *const *names,
			   long *days, long *period, int *have)
{
	int col = b->col[i];
	long mon;

	*have = 0;
	if (col < 0 || (size_t)col >= row->n)
		return LMI_OK; /* no such column: empty */
	mon = canon_date(ind, row->f[col], row->len[col], days);
	if (mon < 0)
		return opt_date_any(ind, names[i], row->f[col], row->len[col], days, period, have);
	if (ind->o.as_of != LMI_IND_NO_DATE && *days > ind->o.as_of)
		return LMI_OK;
	*have = 1;
	*period = mon_period(ind, mon);
	return LMI_OK;
}

static int opt_int(struct lmi_ind *ind, const struct lmi_ind_bind *b, const struct lmi_csv_row *row,
		   int i, const char *const *names, long long *v)
{
	const char *s = fld(b, row, i), *e;
	size_t n = b->col[i] >= 0 && (size_t)b->col[i] < row->n ? row->len[b->col[i]] : 0, k;
	long long x = 0;

	*v = 0;
	if (*s == '\0')
		return LMI_OK;
	/* Up to 7 plain digits: the value lmi_parse_long() would give, without strtoll(). */
	for (k = 0; k < n && k < 7 && s[k] >= '0' && s[k] <= '9'; k++)
		x = x * 10 + (s[k] - '0');
	if (k == n && x <= 1000000) {
		*v = x;
		return LMI_OK;
	}
	if (lmi_parse_long(s, 0, 1000000, v, &e) != 0) {
		snprintf(ind->err, sizeof(ind->err), "bad count in '%s': '%.40s'", names[i], s);
		return LMI_EPARSE;
	}
	return LMI_OK;
}

/*
 * Sets ind->g to the --by values of a row joined by GSEP (one value is used
 * in place, several are copied to ind->gbuf) and ind->ghash to their hash.
 */
static int join_groups(struct lmi_ind *ind, const struct lmi_ind_bind *b,
		       const struct lmi_csv_row *row)
{
	uint64_t h = FNV_OFFSET;
	size_t n = 0;

	ind->gid = 0;
	for (size_t g = 0; g < ind->o.ngroups; g++) {
		const char *s = row->f[b->group[g]];
		size_t len = row->len[b->group[g]];

		if (ind->o.prefix[g] > 0 && len > (size_t)ind->o.prefix[g]) {
			len = (size_t)ind->o.prefix[g];
			/* Do not cut a UTF-8 sequence. */
			while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
				len--;
		}
		if (g > 0)
			h = (h ^ (unsigned char)GSEP) * FNV_PRIME;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == SEP || c == GSEP) {
				snprintf(ind->err, sizeof(ind->err), "control character in '%s'",
					 ind->o.group[g]);
				return LMI_EPARSE;
			}
			h = (h ^ c) * FNV_PRIME;
		}
		if (ind->o.ngroups == 1) {
			ind->g = s;
			n = len;
			break;
		}
		if (reserve(&ind->gbuf, &ind->gcap, n + len + 2) != LMI_OK)
			return LMI_ENOMEM;
		if (g > 0)
			ind->gbuf[n++] = GSEP;
		memcpy(ind->gbuf + n, s, len);
		n += len;
		ind->g = ind->gbuf;
	}
	if (ind->o.ngroups == 0)
		ind->g = "";
	ind->glen = n;
	ind->ghash = h;
	return LMI_OK;
}

#define TRY(x)                                                                                     \
	do {                                                                                       \
		rc = (x);                                                                          \
		if (rc != LMI_OK)                                                                  \
			return rc;                                                                 \
	} while (0)

enum { ST_OPEN, ST_FILLED, ST_CLOSED /* expired or cancelled */ };

/* Classifies a vacancy status once per row; anything unknown counts as open. */
static int status_of(const char *s)
{
	if (strcmp(s, "filled") == 0)
		return ST_FILLED;
	return strcmp(s, "expired") == 0 || strcmp(s, "cancelled") == 0 ? ST_CLOSED : ST_OPEN;
}

static int add_vacancy(struct lmi_ind *ind, const struct lmi_ind_bind *b,
		       const struct lmi_csv_row *row)
{
	const struct lmi_ind_opts *o = &ind->o;
	int status = status_of(fld(b, row, V_STATUS));
	long reg, close, sdate, end = 0, preg = 0, pclose = 0, psdate = 0, pend = 0;
	int have_reg, have_close, have_sdate, have_end = 0, rc;
	long long pos, hires;
	struct lmi_agg_cell *creg = NULL, *cend = NULL; /* counter cells of preg and pend */

	TRY(opt_date(ind, b, row, V_REG, vac_cols, &reg, &preg, &have_reg));
	TRY(opt_date(ind, b, row, V_CLOSE, vac_cols, &close, &pclose, &have_close));
	TRY(opt_date(ind, b, row, V_SDATE, vac_cols, &sdate, &psdate, &have_sdate));
	TRY(opt_int(ind, b, row, V_POS, vac_cols, &pos));
	TRY(opt_int(ind, b, row, V_HIRES, vac_cols, &hires));
	if (!have_reg) {
		if (*fld(b, row, V_REG) != '\0')
			return LMI_OK; /* registered after --as-of: not yet known */
		snprintf(ind->err, sizeof(ind->err), "missing 'reg_date'");
		return LMI_EPARSE;
	}
	if (pos == 0)
		pos = 1;
	if (hires > pos)
		hires = pos;
	if (status != ST_OPEN && have_sdate) {
		end = sdate;
		pend = psdate;
		have_end = 1;
	} else if (have_close) {
		end = close;
		pend = pclose;
		have_end = 1;
	}
	if (have_end && end < reg) {
		snprintf(ind->err, sizeof(ind->err), "posting ends before 'reg_date'");
		return LMI_EPARSE;
	}
	TRY(join_groups(ind, b, row));
	if (o->set == LMI_IND_HHI) {
		const char *emp = fld(b, row, V_EMP);
		struct lmi_agg_cell *c;

		if (*emp == '\0')
			return LMI_OK;
		TRY(cell(ind, "v.emp", preg, emp, &c));
		lmi_agg_mom_add(&c->m, 1);
		return LMI_OK;
	}
	TRY(bump(ind, F_VNEW, preg, pos));
	TRY(ctr(ind, &creg, preg, K_VCOVP));
	if (o->set == LMI_IND_MISMATCH || o->set == LMI_IND_TIGHTNESS) {
		if (have_end)
			TRY(ctr(ind, &cend, pend, K_VCOVM));
		return LMI_OK;
	}
	if (have_end) {
		TRY(ctr(ind, &cend, pend, K_VCOVM));
		TRY(dur(ind, F_VCLOSED, pend, end - reg));
		TRY(dur(ind, F_VKMEV, preg, end - reg));
		if (status == ST_FILLED)
			TRY(dur(ind, F_VFILL, pend, end - reg));
		if (status != ST_OPEN) {
			TRY(bump(ind, F_VCPOS, pend, pos));
			TRY(bump(ind, F_VCHIRES, pend, hires));
		}
	} else if (o->as_of != LMI_IND_NO_DATE) {
		struct lmi_agg_cell *c;

		TRY(fcell(ind, F_VKMCEN, preg, &c));
		TRY(lmi_agg_hist_add(c, o->as_of - reg, 1));
	}
	return LMI_OK;
}

static int add_claim(struct lmi_ind *ind, const struct lmi_ind_bind *b,
		     const struct lmi_csv_row *row)
{
	const struct lmi_ind_opts *o = &ind->o;
	int rs = reason_of(fld(b, row, C_REASON));
	long elig, end, fp, pe = 0, pend = 0, pfp = 0;
	int have_elig, have_end, have_fp, rc;
	/* Counter cells of the periods pe, pend, plt and pfp. */
	struct lmi_agg_cell *ce = NULL, *cend = NULL, *clt = NULL, *cfp = NULL;

	TRY(opt_date(ind, b, row, C_ELIG, claim_cols, &elig, &pe, &have_elig));
	TRY(opt_date(ind, b, row, C_END, claim_cols, &end, &pend, &have_end));
	TRY(opt_date(ind, b, row, C_FP, claim_cols, &fp, &pfp, &have_fp));
	if (!have_elig && *fld(b, row, C_ELIG) != '\0')
		return LMI_OK; /* eligible after --as-of: not yet known */
	TRY(join_groups(ind, b, row));
	if (have_elig)
		TRY(ctr(ind, &ce, pe, K_CIN));
	/* Stock: the spell covers period ends in [p(elig), p(end)). */
	if (have_elig && (!have_end || end >= elig)) {
		TRY(ctr(ind, &ce, pe, K_CCOVP));
		if (have_end)
			TRY(ctr(ind, &cend, pend, K_CCOVM));
	}
	if (o->set == LMI_IND_MISMATCH || o->set == LMI_IND_TIGHTNESS)
		return LMI_OK;
	if (o->set == LMI_IND_OFFICE) {
		if (have_elig && have_end && rs == R_REEMPLOYED)
			TRY(ctr(ind, &ce, pe, K_CPLACE));
		return LMI_OK;
	}
	if (have_end) {
		TRY(ctr(ind, &cend, pend, K_COUT));
		TRY(ctr(ind, &cend, pend, K_OUTR + rs));
		if (rs == R_EXHAUSTED)
			TRY(ctr(ind, &cend, pend, K_CEXH));
		if (have_elig && end >= elig)
			TRY(dur(ind, F_CDUR, pend, end - elig));
	}
	if (have_elig && (!have_end || end >= elig)) {
		long lt = elig + (long)o->long_term + 1;
		long plt = period_of(ind, lt);

		if (!have_end || pend > plt) {
			TRY(ctr(ind, &clt, plt, K_CLTP));
			if (have_end)
				TRY(ctr(ind, &cend, pend, K_CLTM));
		}
	}
	if (have_fp) {
		TRY(ctr(ind, &cfp, pfp, K_CFP));
		if (have_end && rs == R_EXHAUSTED)
			TRY(ctr(ind, &cfp, pfp, K_CFPX));
	}
	return LMI_OK;
}

static int add_training(struct lmi_ind *ind, const struct lmi_ind_bind *b,
			const struct lmi_csv_row *row)
{
	const char *status = fld(b, row, T_STATUS);
	long start, end, pstart = 0, pend = 0;
	int have_start, have_end, rc, done;
	struct lmi_agg_cell *cstart = NULL, *cend = NULL; /* counter cells of the two periods */

	TRY(opt_date(ind, b, row, T_START, train_cols, &start, &pstart, &have_start));
	TRY(opt_date(ind, b, row, T_END, train_cols, &end, &pend, &have_end));
	if (!have_start) {
		if (*fld(b, row, T_START) != '\0')
			return LMI_OK;
		snprintf(ind->err, sizeof(ind->err), "missing 'start_date'");
		return LMI_EPARSE;
	}
	TRY(join_groups(ind, b, row));
	TRY(ctr(ind, &cstart, pstart, K_TENROL));
	if (!have_end || *status == '\0' || strcmp(status, "enrolled") == 0)
		return LMI_OK;
	{
		done = strcmp(status, "completed") == 0 || strcmp(status, "early_employed") == 0;
		TRY(ctr(ind, &cend, pend, K_TFIN));
		if (!done)
			return LMI_OK;
		TRY(ctr(ind, &cend, pend, K_TCOMP));
		if (strcmp(fld(b, row, T_EXCL), "1") == 0)
			return LMI_OK;
		if (*fld(b, row, T_E3) != '\0') {
			TRY(ctr(ind, &cend, pend, K_TE3D));
			if (strcmp(fld(b, row, T_E3), "1") == 0)
				TRY(ctr(ind, &cend, pend, K_TE3N));
		}
		if (*fld(b, row, T_E6) != '\0') {
			TRY(ctr(ind, &cend, pend, K_TE6D));
			if (strcmp(fld(b, row, T_E6), "1") == 0)
				TRY(ctr(ind, &cend, pend, K_TE6N));
		}
	}
	return LMI_OK;
}

int lmi_ind_add(struct lmi_ind *ind, const struct lmi_ind_bind *b, const struct lmi_csv_row *row)
{
	switch (b->kind) {
	case LMI_IND_IN_VACANCY:
		return add_vacancy(ind, b, row);
	case LMI_IND_IN_CLAIM:
		return add_claim(ind, b, row);
	default:
		return add_training(ind, b, row);
	}
}

/* Partial state I/O. */

static const char *const period_names[] = {"month", "quarter", "year"};
static const char *const opt_names[] = {"period", "as_of",     "min_cell", "alpha",
					"hhi",	  "long_term", "by",	   NULL};

/* Writes the canonical text of option k ("name=value") into buf. */
static void opt_text(const struct lmi_ind_opts *o, int k, char *buf, size_t size)
{
	char d[11] = "";

	switch (k) {
	case 0:
		snprintf(buf, size, "period=%s", period_names[o->period]);
		break;
	case 1:
		if (o->as_of != LMI_IND_NO_DATE)
			lmi_format_date(o->as_of, d);
		snprintf(buf, size, "as_of=%s", d);
		break;
	case 2:
		snprintf(buf, size, "min_cell=%lld", o->min_cell);
		break;
	case 3:
		snprintf(buf, size, "alpha=%.17g", o->alpha);
		break;
	case 4:
		snprintf(buf, size, "hhi=%.17g,%.17g", o->hhi_lo, o->hhi_hi);
		break;
	case 5:
		snprintf(buf, size, "long_term=%lld", o->long_term);
		break;
	default:
		snprintf(buf, size, "by=%s", o->by);
		break;
	}
}

/* Parses "name=value" into o.  Returns the option number, or -1. */
static int opt_parse(struct lmi_ind_opts *o, const char *s)
{
	const char *eq = strchr(s, '='), *v, *e;
	char err[128];
	long long k;
	char *end;
	int i;

	if (eq == NULL)
		return -1;
	v = eq + 1;
	for (i = 0; opt_names[i] != NULL; i++)
		if (strlen(opt_names[i]) == (size_t)(eq - s) &&
		    memcmp(s, opt_names[i], (size_t)(eq - s)) == 0)
			break;
	switch (i) {
	case 0:
		for (int p = 0; p < 3; p++) {
			if (strcmp(v, period_names[p]) == 0) {
				o->period = (enum lmi_ind_period)p;
				return i;
			}
		}
		return -1;
	case 1:
		if (*v == '\0') {
			o->as_of = LMI_IND_NO_DATE;
			return i;
		}
		return lmi_parse_date(v, &o->as_of) == LMI_OK ? i : -1;
	case 2:
		if (lmi_parse_long(v, 0, 1000000000, &k, &e) != 0)
			return -1;
		o->min_cell = k;
		return i;
	case 3:
		o->alpha = strtod(v, &end);
		return *end == '\0' ? i : -1;
	case 4:
		o->hhi_lo = strtod(v, &end);
		if (*end != ',')
			return -1;
		o->hhi_hi = strtod(end + 1, &end);
		return *end == '\0' ? i : -1;
	case 5:
		if (lmi_parse_long(v, 0, 100000, &k, &e) != 0)
			return -1;
		o->long_term = k;
		return i;
	case 6:
		if (*v == '\0') {
			o->ngroups = 0;
			o->by[0] = '\0';
			return i;
		}
		return lmi_ind_parse_by(o, v, err, sizeof(err)) == LMI_OK ? i : -1;
	default:
		return -1;
	}
}

/* A parsed key: pointers into the cell's key. */
struct pkey {
	const char *stat;
	size_t slen;
	long period;
	const char *g;
	size_t glen;
	const char *sub;
	size_t sublen;
};

static void parse_key(const struct lmi_agg_cell *c, struct pkey *k)
{
	const char *p = c->key, *end = c->key + c->klen;
	const char *s1 = memchr(p, SEP, (size_t)(end - p));
	const char *s3;

	k->stat = p;
	k->slen = (size_t)(s1 - p);
	k->period = strtol(s1 + 1, NULL, 10);
	k->g = s1 + 8;
	s3 = memchr(k->g, SEP, (size_t)(end - k->g));
	k->glen = (size_t)(s3 - k->g);
	k->sub = s3 + 1;
	k->sublen = (size_t)(end - k->sub);
}

/* Writes v in decimal, as "%lld" would, without the cost of snprintf() per cell. */
static int w_num(struct lmi_csvw *w, long long v)
{
	char b[24], *p = b + sizeof(b);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return lmi_csvw_field(w, p, (size_t)(b + sizeof(b) - p));
}

/* Writes the groups of a joined string as separate fields (ng empty ones when glen is 0 and ng >
 * 0). */
static int w_groups(struct lmi_csvw *w, const char *g, size_t glen, size_t ng)
{
	const char *p = g, *end = g + glen;

	for (size_t i = 0; i < ng; i++) {
		const char *q = p < end ? memchr(p, GSEP, (size_t)(end - p)) : NULL;
		size_t len = p < end ? (q ? (size_t)(q - p) : (size_t)(end - p)) : 0;

		lmi_csvw_field(w, p, len);
		p = q ? q + 1 : end;
	}
	return w->status;
}

/* Writes each nonzero counter of a "#" cell as its own partial row. */
static void write_counters(struct lmi_csvw *w, const struct lmi_ind_opts *o, const char *setname,
			   const struct lmi_agg_cell *c, const struct pkey *k)
{
	char lab[16];

	lab[0] = '\0';
	if (k->period > 0)
		lmi_ind_period_label(o->period, k->period, lab, sizeof(lab));
	for (int j = 0; j < K_N; j++) {
		int64_t v = lmi_agg_vec_get(c, (size_t)j);

		if (v == 0)
			continue;
		lmi_csvw_str(w, setname);
		lmi_csvw_str(w, j < K_OUTR ? ctr_names[j] : "c.outr");
		lmi_csvw_str(w, lab);
		w_groups(w, k->g, k->glen, o->ngroups);
		lmi_csvw_str(w, j < K_OUTR ? "" : reasons[j - K_OUTR]);
		w_num(w, v);
		w_num(w, v);
		w_num(w, v);
		lmi_csvw_str(w, "1");
		lmi_csvw_str(w, "1");
		lmi_csvw_str(w, "");
		lmi_csvw_endrow(w);
	}
}

int lmi_ind_write_partial(struct lmi_ind *ind, struct lmi_csvw *w)
{
	const struct lmi_ind_opts *o = &ind->o;
	struct lmi_agg_cell **v = lmi_agg_sorted(&ind->agg);
	const char *setname = lmi_ind_set_name(o->set);
	static const char *const tail[] = {"sub", "n", "sum", "sumsq", "min", "max", "hist"};
	char buf[320], lab[16];

	if (v == NULL)
		return LMI_ENOMEM;
	lmi_csvw_str(w, "set");
	lmi_csvw_str(w, "stat");
	lmi_csvw_str(w, "period");
	for (size_t g = 0; g < o->ngroups; g++)
		lmi_csvw_str(w, o->group[g]);
	for (size_t i = 0; i < 7; i++)
		lmi_csvw_str(w, tail[i]);
	lmi_csvw_endrow(w);
	for (int k = 0; opt_names[k] != NULL; k++) {
		opt_text(o, k, buf, sizeof(buf));
		lmi_csvw_str(w, setname);
		lmi_csvw_str(w, "@opt");
		lmi_csvw_str(w, "");
		w_groups(w, "", 0, o->ngroups);
		lmi_csvw_str(w, buf);
		for (int i = 0; i < 6; i++)
			lmi_csvw_str(w, "");
		lmi_csvw_endrow(w);
	}
	for (size_t i = 0; i < ind->agg.n; i++) {
		const struct lmi_agg_cell *c = v[i];
		struct pkey k;

		parse_key(c, &k);
		if (k.slen == 1 && k.stat[0] == '#') {
			write_counters(w, o, setname, c, &k);
			continue;
		}
		lmi_csvw_str(w, setname);
		lmi_csvw_field(w, k.stat, k.slen);
		if (k.period > 0)
			lmi_ind_period_label(o->period, k.period, lab, sizeof(lab));
		else
			lab[0] = '\0';
		lmi_csvw_str(w, lab);
		w_groups(w, k.g, k.glen, o->ngroups);
		lmi_csvw_field(w, k.sub, k.sublen);
		w_num(w, c->m.n);
		w_num(w, c->m.sum);
		w_num(w, c->m.sumsq);
		if (c->m.n > 0) {
			w_num(w, c->m.min);
			w_num(w, c->m.max);
		} else {
			lmi_csvw_str(w, "");
			lmi_csvw_str(w, "");
		}
		/* Histogram as "value:count;..." over the nonzero bins. */
		{
			char *hb = NULL;
			size_t hl = 0, hc = 0;
			int rc = LMI_OK;

			for (size_t j = 0; j < c->len && rc == LMI_OK; j++) {
				if (c->h[j] == 0)
					continue;
				rc = reserve(&hb, &hc, hl + 48);
				if (rc == LMI_OK)
					hl += (size_t)snprintf(hb + hl, 48, "%s%lld:%llu",
							       hl ? ";" : "",
							       (long long)(c->base + (int64_t)j),
							       (unsigned long long)c->h[j]);
			}
			if (rc != LMI_OK) {
				free(hb);
				free(v);
				return rc;
			}
			lmi_csvw_field(w, hb ? hb : "", hl);
			free(hb);
		}
		lmi_csvw_endrow(w);
	}
	free(v);
	return w->status == LMI_OK ? LMI_OK : LMI_EIO;
}

static int parse_i64(const char *s, long long *v, int allow_empty)
{
	const char *e;

	if (*s == '\0' && allow_empty) {
		*v = 0;
		return LMI_OK;
	}
	return lmi_parse_long(s, -4000000000000000000LL, 4000000000000000000LL, v, &e) == 0
		   ? LMI_OK
		   : LMI_EPARSE;
}

static int merge_row(struct lmi_ind *ind, const struct lmi_csv_row *row, size_t ng)
{
	const char *const *f = (const char *const *)row->f;
	struct lmi_agg_cell src, *dst;
	long period = 0;
	long long n, sum, sumsq, mn, mx;
	size_t gl = 0, kl;
	int rc, k;

	if (*f[2] != '\0' && lmi_ind_period_parse(ind->o.period, f[2], &period) != LMI_OK) {
		snprintf(ind->err, sizeof(ind->err), "bad period '%.40s'", f[2]);
		return LMI_EPARSE;
	}
	for (size_t g = 0; g < ng; g++) {
		const char *s = f[3 + g];
		size_t len = row->len[3 + g];

		if (memchr(s, SEP, len) || memchr(s, GSEP, len)) {
			snprintf(ind->err, sizeof(ind->err), "control character in a group value");
			return LMI_EPARSE;
		}
		if (reserve(&ind->gbuf, &ind->gcap, gl + len + 2) != LMI_OK)
			return LMI_ENOMEM;
		if (g > 0)
			ind->gbuf[gl++] = GSEP;
		memcpy(ind->gbuf + gl, s, len);
		gl += len;
	}
	if (memchr(f[1], SEP, row->len[1]) || memchr(f[3 + ng], SEP, row->len[3 + ng]) ||
	    row->len[1] == 0) {
		snprintf(ind->err, sizeof(ind->err), "bad statistic name");
		return LMI_EPARSE;
	}
	if (parse_i64(f[4 + ng], &n, 0) || parse_i64(f[5 + ng], &sum, 0) ||
	    parse_i64(f[6 + ng], &sumsq, 0) || parse_i64(f[7 + ng], &mn, 1) ||
	    parse_i64(f[8 + ng], &mx, 1) || n < 0) {
		snprintf(ind->err, sizeof(ind->err), "bad number in partial row");
		return LMI_EPARSE;
	}
	k = ctr_index(f[1], f[3 + ng]);
	if (k >= 0 && k < K_OUTR && row->len[3 + ng] != 0) {
		snprintf(ind->err, sizeof(ind->err), "bad statistic name");
		return LMI_EPARSE;
	}
	kl = make_key(ind, k >= 0 ? "#" : f[1], period, ind->gbuf, gl, k >= 0 ? "" : f[3 + ng]);
	if (kl == 0)
		return LMI_ENOMEM;
	rc = lmi_agg_get(&ind->agg, ind->key, kl, &dst);
	if (rc != LMI_OK)
		return rc;
	if (k >= 0)
		return lmi_agg_vec_add(dst, (size_t)k, n);
	memset(&src, 0, sizeof(src));
	src.m.n = n;
	src.m.sum = sum;
	src.m.sumsq = sumsq;
	src.m.min = mn;
	src.m.max = mx;
	lmi_agg_mom_merge(&dst->m, &src.m);
	/* Histogram "v:c;v:c". */
	for (const char *p = f[9 + ng]; *p != '\0';) {
		char *e1, *e2;
		long long v = strtoll(p, &e1, 10);
		unsigned long long cnt;

		if (e1 == p || *e1 != ':') {
			snprintf(ind->err, sizeof(ind->err), "bad histogram");
			return LMI_EPARSE;
		}
		cnt = strtoull(e1 + 1, &e2, 10);
		if (e2 == e1 + 1 || (*e2 != ';' && *e2 != '\0') || v < -LMI_AGG_HIST_MAX * 10LL ||
		    v > LMI_AGG_HIST_MAX * 10LL) {
			snprintf(ind->err, sizeof(ind->err), "bad histogram");
			return LMI_EPARSE;
		}
		rc = lmi_agg_hist_add(dst, v, cnt);
		if (rc != LMI_OK) {
			snprintf(ind->err, sizeof(ind->err), "histogram too wide");
			return rc;
		}
		p = *e2 == ';' ? e2 + 1 : e2;
	}
	return LMI_OK;
}

int lmi_ind_merge_file(struct lmi_ind *ind, struct lmi_csv *r, int first, unsigned long *line)
{
	static const char *const tail[] = {"sub", "n", "sum", "sumsq", "min", "max", "hist"};
	struct lmi_csv_row row;
	size_t ng;
	int rc;

	*line = r->header.line;
	if (r->header.n < 10 || strcmp(r->header.f[0], "set") != 0 ||
	    strcmp(r->header.f[1], "stat") != 0 || strcmp(r->header.f[2], "period") != 0) {
		snprintf(ind->err, sizeof(ind->err),
			 "not a partial file (header must start 'set,stat,period')");
		return LMI_EINVAL;
	}
	ng = r->header.n - 10;
	for (size_t i = 0; i < 7; i++) {
		if (strcmp(r->header.f[3 + ng + i], tail[i]) != 0) {
			snprintf(ind->err, sizeof(ind->err),
				 "not a partial file (column '%s' missing)", tail[i]);
			return LMI_EINVAL;
		}
	}
	if (first) {
		ind->merge_ng = ng;
		ind->merge_opts = 0;
	} else if (ng != ind->merge_ng) {
		snprintf(ind->err, sizeof(ind->err), "partials disagree on the group columns");
		return LMI_EINVAL;
	}
	for (;;) {
		rc = lmi_csv_next(r, &row);
		if (rc <= 0)
			break;
		*line = row.line;
		if (strcmp(row.f[1], "@opt") == 0 && ind->merge_set < 0) {
			ind->merge_set = lmi_ind_set_parse(row.f[0]);
			if (ind->merge_set < 0) {
				snprintf(ind->err, sizeof(ind->err), "unknown set '%.40s'",
					 row.f[0]);
				return LMI_EPARSE;
			}
			ind->o.set = (enum lmi_ind_set)ind->merge_set;
		}
		if (ind->merge_set < 0 || strcmp(row.f[0], lmi_ind_set_name(ind->o.set)) != 0) {
			snprintf(ind->err, sizeof(ind->err),
				 ind->merge_set < 0 ? "partial data before its '@opt' rows"
						    : "partials disagree on the set");
			return LMI_EPARSE;
		}
		if (strcmp(row.f[1], "@opt") == 0) {
			struct lmi_ind_opts tmp = ind->o;
			int k = opt_parse(&tmp, row.f[3 + ng]);
			char buf[320];

			if (k < 0) {
				snprintf(ind->err, sizeof(ind->err), "bad option '%.60s'",
					 row.f[3 + ng]);
				return LMI_EPARSE;
			}
			if (!(ind->merge_opts & (1u << k))) {
				ind->o = tmp;
				ind->merge_opts |= 1u << k;
				continue;
			}
			opt_text(&ind->o, k, buf, sizeof(buf));
			if (strcmp(buf, row.f[3 + ng]) != 0) {
				snprintf(ind->err, sizeof(ind->err),
					 "partials disagree: '%.60s' vs '%.60s'", buf,
					 row.f[3 + ng]);
				return LMI_EPARSE;
			}
			continue;
		}
		if (ind->merge_opts != (1u << 7) - 1 || ind->o.ngroups != ng) {
			snprintf(ind->err, sizeof(ind->err),
				 ind->merge_opts != (1u << 7) - 1
				     ? "partial data before its '@opt' rows"
				     : "--by list does not match the group columns");
			return LMI_EPARSE;
		}
		rc = merge_row(ind, &row, ng);
		if (rc != LMI_OK)
			return rc;
	}
	if (rc < 0) {
		snprintf(ind->err, sizeof(ind->err), "%s", r->err);
		*line = r->err_line;
		return rc;
	}
	return LMI_OK;
}

/* Final indicators. */

enum {
	H_NUM = 1 << 0,
	H_DEN = 1 << 1,
	H_VAL = 1 << 2,
	H_CI = 1 << 3,
	H_N = 1 << 4,
	H_INT = 1 << 5, /* value is an integer count */
	H_SUP = 1 << 6, /* subject to suppression */
};

struct orow {
	char ind[64];
	long period;
	const char *g;
	size_t glen;
	long long num, den, n;
	double val, lo, hi;
	unsigned has;
	const char *note;
	struct lmi_ind_supcell sc;
};

struct grp {
	const char *g;
	size_t len;
};

struct fin {
	struct lmi_ind *ind;
	struct orow *rows;
	size_t n, cap;
	struct grp *groups;
	size_t ng;
	long pmin, pmax, np;
};

static struct orow *row_new(struct fin *f, const char *ind, long period, const struct grp *g)
{
	struct orow *r;
	size_t len;

	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		struct orow *nr = realloc(f->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return NULL;
		f->rows = nr;
		f->cap = ncap;
	}
	r = &f->rows[f->n++];
	memset(r, 0, sizeof(*r));
	/* Truncated to fit, as snprintf() would. */
	len = strlen(ind);
	if (len >= sizeof(r->ind))
		len = sizeof(r->ind) - 1;
	memcpy(r->ind, ind, len);
	r->period = period;
	r->g = g ? g->g : "";
	r->glen = g ? g->len : 0;
	r->note = "";
	return r;
}

static const struct lmi_agg_cell *look(struct fin *f, const char *stat, long period,
				       const struct grp *g, const char *sub)
{
	size_t n = make_key(f->ind, stat, period, g ? g->g : "", g ? g->len : 0, sub);

	return n ? lmi_agg_find(&f->ind->agg, f->ind->key, n) : NULL;
}

static long long cnt(struct fin *f, const char *stat, long period, const struct grp *g)
{
	int k = ctr_index(stat, NULL);
	const struct lmi_agg_cell *c;

	if (k >= 0)
		return lmi_agg_vec_get(look(f, "#", period, g, NULL), (size_t)k);
	c = look(f, stat, period, g, NULL);

	return c ? c->m.n : 0;
}

static long long csum(struct fin *f, const char *stat, long period, const struct grp *g)
{
	const struct lmi_agg_cell *c = look(f, stat, period, g, NULL);

	return c ? c->m.sum : 0;
}

#define ADD(r, f, name, p, g)                                                                      \
	do {                                                                                       \
		r = row_new(f, name, p, g);                                                        \
		if (r == NULL)                                                                     \
			return LMI_ENOMEM;                                                         \
	} while (0)

static void set_count(struct orow *r, long long v)
{
	r->num = v;
	r->val = (double)v;
	r->n = v;
	r->sc.n = v;
	r->has = H_NUM | H_VAL | H_N | H_INT | H_SUP;
}

static void set_rate(struct orow *r, long long x, long long n, int ci, long long units)
{
	r->num = x;
	r->den = n;
	r->val = (double)x / (double)n;
	r->n = units;
	r->sc.n = units;
	r->has = H_NUM | H_DEN | H_VAL | H_N | H_SUP;
	if (ci && lmi_ind_wilson((double)x, (double)n, LMI_IND_Z95, &r->lo, &r->hi) == LMI_OK)
		r->has |= H_CI;
}

static void set_mean(struct orow *r, const struct lmi_agg_mom *m)
{
	double var = lmi_agg_mom_var(m);

	r->num = m->sum;
	r->den = m->n;
	r->val = lmi_agg_mom_mean(m);
	r->n = m->n;
	r->sc.n = m->n;
	r->has = H_NUM | H_DEN | H_VAL | H_N | H_SUP;
	if (!isnan(var)) {
		double half = LMI_IND_Z95 * sqrt(var / (double)m->n);

		r->lo = r->val - half;
		r->hi = r->val + half;
		r->has |= H_CI;
	}
}

static void set_value(struct orow *r, double v, long long n, int sup)
{
	r->val = v;
	r->n = n;
	r->sc.n = n;
	r->has = (isnan(v) ? 0 : H_VAL) | H_N | (sup ? H_SUP : 0);
}

/* Stock at the end of each period: running sum of plus - minus. */
static long long *stock_series(struct fin *f, const char *plus, const char *minus,
			       const struct grp *g)
{
	long long *s = calloc((size_t)f->np, sizeof(*s)), run = 0;

	if (s == NULL)
		return NULL;
	for (long i = 0; i < f->np; i++) {
		run += cnt(f, plus, f->pmin + i, g) - cnt(f, minus, f->pmin + i, g);
		s[i] = run;
	}
	return s;
}

static void group_text(struct fin *f, const struct grp *g, char *out, size_t size)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	const char *p = g->g, *end = g->g + g->len;
	size_t n = 0;

	out[0] = '\0';
	if (o->ngroups == 0) {
		snprintf(out, size, "all rows");
		return;
	}
	for (size_t i = 0; i < o->ngroups && n < size; i++) {
		const char *q = memchr(p, GSEP, (size_t)(end - p));
		size_t len = q ? (size_t)(q - p) : (size_t)(end - p);

		n += (size_t)snprintf(out + n, size - n, "%s%s=%.*s", i ? "," : "", o->group[i],
				      (int)len, p);
		p = q ? q + 1 : end;
	}
}

/*
 * Adds the rows NAME_mean and NAME_median for the durations held in the cell
 * `stat`, when it holds any.  Returns LMI_OK, or LMI_ENOMEM.
 */
static int mean_median(struct fin *f, const char *stat, const char *name, const char *note,
		       long p, const struct grp *g)
{
	const struct lmi_agg_cell *c = look(f, stat, p, g, NULL);
	char ind[64];
	struct orow *r;

	if (c == NULL || !(c->m.n > 0))
		return LMI_OK;
	snprintf(ind, sizeof(ind), "%s_mean", name);
	r = row_new(f, ind, p, g);
	if (r == NULL)
		return LMI_ENOMEM;
	set_mean(r, &c->m);
	r->note = note;
	snprintf(ind, sizeof(ind), "%s_median", name);
	r = row_new(f, ind, p, g);
	if (r == NULL)
		return LMI_ENOMEM;
	set_value(r, lmi_agg_hist_median(c), c->m.n, 1);
	r->note = note;
	return LMI_OK;
}

static int fin_vacancy(struct fin *f, const struct grp *g)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	long long *stock = stock_series(f, "v.cov+", "v.cov-", g);
	struct orow *r;

	if (stock == NULL)
		return LMI_ENOMEM;
	for (long i = 0; i < f->np; i++) {
		long p = f->pmin + i;
		long long cpos;

		r = row_new(f, "vacancy_new_postings", p, g);
		if (r == NULL)
			goto nomem;
		set_count(r, cnt(f, "v.new", p, g));
		r = row_new(f, "vacancy_new_positions", p, g);
		if (r == NULL)
			goto nomem;
		set_count(r, csum(f, "v.new", p, g));
		r->n = r->sc.n = cnt(f, "v.new", p, g);
		r = row_new(f, "vacancy_open_stock", p, g);
		if (r == NULL)
			goto nomem;
		set_count(r, stock[i]);
		r = row_new(f, "vacancy_closed_postings", p, g);
		if (r == NULL)
			goto nomem;
		set_count(r, cnt(f, "v.closed", p, g));
		if (mean_median(f, "v.closed", "vacancy_duration", "closed cohort", p, g) != LMI_OK)
			goto nomem;
		if (mean_median(f, "v.fill", "vacancy_time_to_fill", "filled postings", p,
				g) != LMI_OK)
			goto nomem;
		cpos = csum(f, "v.cpos", p, g);
		if (cpos > 0) {
			r = row_new(f, "vacancy_fill_rate", p, g);
			if (r == NULL)
				goto nomem;
			set_rate(r, csum(f, "v.chires", p, g), cpos, 1, cnt(f, "v.cpos", p, g));
			r->note = "hires / positions of closed postings";
		}
		if (o->as_of != LMI_IND_NO_DATE && cnt(f, "v.new", p, g) > 0) {
			const struct lmi_agg_cell *ev = look(f, "v.km.ev", p, g, NULL);
			const struct lmi_agg_cell *cen = look(f, "v.km.cen", p, g, NULL);
			double med = lmi_ind_km_median(ev, cen);

			r = row_new(f, "vacancy_duration_km_median", p, g);
			if (r == NULL)
				goto nomem;
			set_value(r, med, cnt(f, "v.new", p, g), 1);
			r->note = isnan(med) ? "kaplan-meier; median not reached"
					     : "kaplan-meier by registration period";
		}
	}
	free(stock);
	return LMI_OK;
nomem:
	free(stock);
	return LMI_ENOMEM;
}

static int fin_claims(struct fin *f, const struct grp *g)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	long long *stock = stock_series(f, "c.cov+", "c.cov-", g);
	long long *lt = stock_series(f, "c.lt+", "c.lt-", g);
	long lag = o->period == LMI_IND_MONTH ? 6 : o->period == LMI_IND_QUARTER ? 2 : 0;
	int rc = LMI_ENOMEM;
	struct orow *r;
	static char ltnote[48];

	snprintf(ltnote, sizeof(ltnote), "open longer than %lld days", o->long_term);
	if (stock == NULL || lt == NULL)
		goto out;
	for (long i = 0; i < f->np; i++) {
		long p = f->pmin + i;
		long long in = cnt(f, "c.in", p, g), out = cnt(f, "c.out", p, g);
		long long prev = i ? stock[i - 1] : 0, fp;

		if (stock[i] != prev + in - out) {
			char gt[120], lab[16];

			group_text(f, g, gt, sizeof(gt));
			lmi_ind_period_label(o->period, p, lab, sizeof(lab));
			snprintf(f->ind->err, sizeof(f->ind->err),
				 "stock-flow identity fails for %.100s in %.10s: stock %lld != "
				 "%lld + inflow %lld - outflow %lld",
				 gt, lab, stock[i], prev, in, out);
			rc = LMI_EDATA;
			goto out;
		}
		if ((r = row_new(f, "claims_inflow", p, g)) == NULL)
			goto out;
		set_count(r, in);
		if ((r = row_new(f, "claims_outflow", p, g)) == NULL)
			goto out;
		set_count(r, out);
		for (size_t k = 0; reasons[k] != NULL; k++) {
			char name[48];
			const struct lmi_agg_cell *v = look(f, "#", p, g, NULL);

			snprintf(name, sizeof(name), "claims_outflow_%s", reasons[k]);
			if ((r = row_new(f, name, p, g)) == NULL)
				goto out;
			set_count(r, lmi_agg_vec_get(v, K_OUTR + k));
		}
		if ((r = row_new(f, "claims_stock", p, g)) == NULL)
			goto out;
		set_count(r, stock[i]);
		if (mean_median(f, "c.dur", "claims_duration", "completed spells, days", p,
				g) != LMI_OK)
			goto out; /* rc is still LMI_ENOMEM */
		fp = lag && i >= lag ? cnt(f, "c.fp", p - lag, g) : 0;
		if (fp > 0) {
			if ((r = row_new(f, "claims_exhaustion_rate", p, g)) == NULL)
				goto out;
			set_rate(r, cnt(f, "c.exh", p, g), fp, 0, fp);
			r->note = "exhaustions / first payments two quarters earlier";
		}
		fp = cnt(f, "c.fp", p, g);
		if (fp > 0) {
			if ((r = row_new(f, "claims_exhaustion_rate_cohort", p, g)) == NULL)
				goto out;
			set_rate(r, cnt(f, "c.fpx", p, g), fp, 1, fp);
			r->note = "share of first-payment cohort exhausted";
		}
		if (stock[i] > 0) {
			if ((r = row_new(f, "claims_longterm_share", p, g)) == NULL)
				goto out;
			set_rate(r, lt[i], stock[i], 1, stock[i]);
			r->note = ltnote;
		}
	}
	rc = LMI_OK;
out:
	free(stock);
	free(lt);
	return rc;
}

static int fin_training(struct fin *f, const struct grp *g)
{
	static const char *const rates[][3] = {
	    {"training_completion_rate", "t.comp", "t.fin"},
	    {"training_employment_rate_3m", "t.e3n", "t.e3d"},
	    {"training_employment_rate_6m", "t.e6n", "t.e6d"},
	};
	struct orow *r;

	for (long i = 0; i < f->np; i++) {
		long p = f->pmin + i;

		ADD(r, f, "training_enrolments", p, g);
		set_count(r, cnt(f, "t.enrol", p, g));
		for (size_t k = 0; k < 3; k++) {
			long long d = cnt(f, rates[k][2], p, g);

			if (d == 0)
				continue;
			ADD(r, f, rates[k][0], p, g);
			set_rate(r, cnt(f, rates[k][1], p, g), d, 1, d);
			r->note = k == 0 ? "completed / finished, by end period"
					 : "outcome-excluded removed from denominator";
		}
	}
	return LMI_OK;
}

static int fin_tightness(struct fin *f, const struct grp *g)
{
	long long *vs = stock_series(f, "v.cov+", "v.cov-", g);
	long long *cs = stock_series(f, "c.cov+", "c.cov-", g);
	int rc = LMI_ENOMEM;
	struct orow *r;

	if (vs == NULL || cs == NULL)
		goto out;
	for (long i = 0; i < f->np; i++) {
		long p = f->pmin + i;
		long long nv = csum(f, "v.new", p, g), nc = cnt(f, "c.in", p, g);

		if (cs[i] > 0) {
			if ((r = row_new(f, "tightness_v_u", p, g)) == NULL)
				goto out;
			set_rate(r, vs[i], cs[i], 0, cs[i]);
			r->note = "open postings / open claims at period end";
		}
		if (nc > 0) {
			if ((r = row_new(f, "tightness_guin_baesu", p, g)) == NULL)
				goto out;
			set_rate(r, nv, nc, 0, nc);
			r->note = "구인배수: new positions / new claims";
		}
	}
	rc = LMI_OK;
out:
	free(vs);
	free(cs);
	return rc;
}

static int fin_mismatch(struct fin *f)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	double *u = calloc(f->ng ? f->ng : 1, sizeof(*u));
	double *v = calloc(f->ng ? f->ng : 1, sizeof(*v));
	long long **us = calloc(f->ng ? f->ng : 1, sizeof(*us));
	long long **vs = calloc(f->ng ? f->ng : 1, sizeof(*vs));
	static char note[48];
	int rc = LMI_ENOMEM;
	struct orow *r;

	snprintf(note, sizeof(note), "alpha=%g; stocks at period end", o->alpha);
	if (u == NULL || v == NULL || us == NULL || vs == NULL)
		goto out;
	for (size_t j = 0; j < f->ng; j++) {
		us[j] = stock_series(f, "c.cov+", "c.cov-", &f->groups[j]);
		vs[j] = stock_series(f, "v.cov+", "v.cov-", &f->groups[j]);
		if (us[j] == NULL || vs[j] == NULL)
			goto out;
	}
	for (long i = 0; i < f->np; i++) {
		for (size_t j = 0; j < f->ng; j++) {
			u[j] = (double)us[j][i];
			v[j] = (double)vs[j][i];
		}
		if ((r = row_new(f, "mismatch_jackman_roper", f->pmin + i, NULL)) == NULL)
			goto out;
		set_value(r, lmi_ind_jackman_roper(u, v, f->ng), (long long)f->ng, 0);
		r->note = "stocks at period end";
		if ((r = row_new(f, "mismatch_sahin_song_topa_violante", f->pmin + i, NULL)) ==
		    NULL)
			goto out;
		set_value(r, lmi_ind_sstv(u, v, f->ng, o->alpha), (long long)f->ng, 0);
		r->note = note;
	}
	rc = LMI_OK;
out:
	for (size_t j = 0; j < f->ng && us && vs; j++) {
		free(us[j]);
		free(vs[j]);
	}
	free(us);
	free(vs);
	free(u);
	free(v);
	return rc;
}

static int fin_office(struct fin *f, const struct grp *g)
{
	struct orow *r;

	for (long i = 0; i < f->np; i++) {
		long p = f->pmin + i;
		long long in = cnt(f, "c.in", p, g), pl = cnt(f, "c.place", p, g);

		ADD(r, f, "office_registrations", p, g);
		set_count(r, in);
		ADD(r, f, "office_placements", p, g);
		set_count(r, pl);
		if (in == 0)
			continue;
		ADD(r, f, "office_placement_rate", p, g);
		set_rate(r, pl, in, 1, in);
		r->note = "registrations of the month later reemployed";
	}
	return LMI_OK;
}

/* HHI per market (groups) and period from the sorted "v.emp" cells. */
static int fin_hhi(struct fin *f, struct lmi_agg_cell **cells, size_t ncells)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	double *c = NULL;
	size_t cap = 0;
	long long *mk = calloc((size_t)f->np * 6 + 1, sizeof(*mk));
	char lo_lab[24], hi_lab[24];
	struct orow *r;

	if (mk == NULL)
		return LMI_ENOMEM;
	snprintf(lo_lab, sizeof(lo_lab), "%g", o->hhi_lo);
	snprintf(hi_lab, sizeof(hi_lab), "%g", o->hhi_hi);
	for (size_t i = 0; i < ncells;) {
		struct pkey k, k2;
		size_t j = i, m = 0;
		long long total = 0;
		double h;
		struct grp g;
		long pi;

		parse_key(cells[i], &k);
		if (k.slen != 5 || memcmp(k.stat, "v.emp", 5) != 0) {
			i++;
			continue;
		}
		for (; j < ncells; j++) {
			parse_key(cells[j], &k2);
			if (k2.slen != 5 || memcmp(k2.stat, "v.emp", 5) != 0 ||
			    k2.period != k.period || k2.glen != k.glen ||
			    memcmp(k2.g, k.g, k.glen) != 0)
				break;
			if (m == cap) {
				double *nc = realloc(c, (cap ? cap * 2 : 64) * sizeof(*c));

				if (nc == NULL)
					goto nomem;
				c = nc;
				cap = cap ? cap * 2 : 64;
			}
			c[m++] = (double)cells[j]->m.n;
			total += cells[j]->m.n;
		}
		h = lmi_ind_hhi(c, m);
		g.g = k.g;
		g.len = k.glen;
		if ((r = row_new(f, "hhi", k.period, &g)) == NULL)
			goto nomem;
		set_value(r, h, total, 1);
		r->num = (long long)m;
		r->has |= H_NUM;
		r->note = h < o->hhi_lo	   ? "unconcentrated"
			  : h <= o->hhi_hi ? "moderately concentrated"
					   : "highly concentrated";
		if ((r = row_new(f, "hhi_equivalent_employers", k.period, &g)) == NULL)
			goto nomem;
		set_value(r, 10000.0 / h, total, 1);
		r->num = (long long)m;
		r->has |= H_NUM;
		pi = k.period - f->pmin;
		mk[pi * 6 + 0]++;
		mk[pi * 6 + 1] += total;
		if (h > o->hhi_lo) {
			mk[pi * 6 + 2]++;
			mk[pi * 6 + 3] += total;
		}
		if (h > o->hhi_hi) {
			mk[pi * 6 + 4]++;
			mk[pi * 6 + 5] += total;
		}
		i = j;
	}
	for (long i = 0; i < f->np; i++) {
		long long *q = mk + i * 6;
		char name[64];

		if (q[0] == 0)
			continue;
		for (int t = 0; t < 2; t++) {
			snprintf(name, sizeof(name), "hhi_share_markets_above_%s",
				 t ? hi_lab : lo_lab);
			if ((r = row_new(f, name, f->pmin + i, NULL)) == NULL)
				goto nomem;
			/* Suppressed by the postings behind it, not the number of markets. */
			set_rate(r, q[2 + 2 * t], q[0], 0, q[0]);
			r->sc.n = q[1];
			snprintf(name, sizeof(name), "hhi_share_postings_above_%s",
				 t ? hi_lab : lo_lab);
			if ((r = row_new(f, name, f->pmin + i, NULL)) == NULL)
				goto nomem;
			set_rate(r, q[3 + 2 * t], q[1], 0, q[1]);
		}
	}
	free(c);
	free(mk);
	return LMI_OK;
nomem:
	free(c);
	free(mk);
	return LMI_ENOMEM;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	return r ? r : (al > bl) - (al < bl);
}

static int cmp_grp(const void *x, const void *y)
{
	const struct grp *a = x, *b = y;

	return cmp_bytes(a->g, a->len, b->g, b->len);
}

static int cmp_row(const void *x, const void *y)
{
	const struct orow *a = x, *b = y;
	int r = strcmp(a->ind, b->ind);

	if (r)
		return r;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return cmp_bytes(a->g, a->glen, b->g, b->glen);
}

/* Order for the reason margin: period, group, indicator. */
static int cmp_row_pgi(const void *x, const void *y)
{
	const struct orow *a = *(struct orow *const *)x, *b = *(struct orow *const *)y;
	int r;

	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	r = cmp_bytes(a->g, a->glen, b->g, b->glen);
	return r ? r : strcmp(a->ind, b->ind);
}

static int suppress_all(struct fin *f)
{
	struct lmi_ind_supcell **m = malloc((f->n ? f->n : 1) * sizeof(*m));
	struct orow **rr = malloc((f->n ? f->n : 1) * sizeof(*rr));
	size_t nr = 0, changed = 1;

	if (m == NULL || rr == NULL) {
		free(m);
		free(rr);
		return LMI_ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++)
		if ((f->rows[i].has & H_SUP) && strncmp(f->rows[i].ind, "claims_outflow", 14) == 0)
			rr[nr++] = &f->rows[i];
	qsort(rr, nr, sizeof(*rr), cmp_row_pgi);
	for (int pass = 0; pass < 20 && changed; pass++) {
		changed = 0;
		/* Margin 1: the groups of one indicator and period. */
		for (size_t i = 0; i < f->n;) {
			size_t j = i, k = 0;

			while (j < f->n && f->rows[j].period == f->rows[i].period &&
			       strcmp(f->rows[j].ind, f->rows[i].ind) == 0) {
				if (f->rows[j].has & H_SUP)
					m[k++] = &f->rows[j].sc;
				j++;
			}
			changed += lmi_ind_suppress(m, k, f->ind->o.min_cell);
			i = j;
		}
		/* Margin 2: outflow by end reason sums to total outflow. */
		for (size_t i = 0; i < nr;) {
			size_t j = i, k = 0;

			while (j < nr && rr[j]->period == rr[i]->period &&
			       rr[j]->glen == rr[i]->glen &&
			       memcmp(rr[j]->g, rr[i]->g, rr[i]->glen) == 0)
				m[k++] = &rr[j++]->sc;
			changed += lmi_ind_suppress(m, k, f->ind->o.min_cell);
			i = j;
		}
	}
	free(m);
	free(rr);
	return LMI_OK;
}

/* office_rank rows from the (suppressed) office_placement_rate rows. */
static int rank_offices(struct fin *f)
{
	size_t n0 = f->n;

	for (size_t i = 0; i < n0;) {
		size_t j = i, ranked = 0;

		if (strcmp(f->rows[i].ind, "office_placement_rate") != 0) {
			i++;
			continue;
		}
		while (j < n0 && f->rows[j].period == f->rows[i].period &&
		       strcmp(f->rows[j].ind, "office_placement_rate") == 0)
			j++;
		for (size_t a = i; a < j; a++)
			ranked += f->rows[a].sc.sup == 0;
		for (size_t a = i; a < j; a++) {
			struct orow *r;
			struct grp g = {f->rows[a].g, f->rows[a].glen};
			long long better = 0;
			int sup = f->rows[a].sc.sup;

			for (size_t b = i; b < j && sup == 0; b++) {
				long double x =
				    (long double)f->rows[b].num * (long double)f->rows[a].den;
				long double y =
				    (long double)f->rows[a].num * (long double)f->rows[b].den;

				if (f->rows[b].sc.sup == 0 && x > y)
					better++;
			}
			r = row_new(f, "office_rank", f->rows[a].period, &g);
			if (r == NULL)
				return LMI_ENOMEM;
			r->val = (double)(better + 1);
			r->den = (long long)ranked;
			r->n = f->rows[a].n;
			r->has = H_VAL | H_DEN | H_N | H_INT;
			r->sc.sup = sup;
			r->note = "1 = highest placement rate among unsuppressed offices";
		}
		i = j;
	}
	return LMI_OK;
}

static void w_double(struct lmi_csvw *w, double v, int on)
{
	char b[64];

	if (!on || isnan(v) || isinf(v)) {
		lmi_csvw_str(w, "");
		return;
	}
	snprintf(b, sizeof(b), "%.6f", v);
	/* Never print "-0.000000". */
	if (strcmp(b, "-0.000000") == 0)
		snprintf(b, sizeof(b), "0.000000");
	lmi_csvw_str(w, b);
}

static void write_rows(struct fin *f, struct lmi_csvw *w)
{
	const struct lmi_ind_opts *o = &f->ind->o;
	char lab[16];
	long lab_period = 0;
	int have_lab = 0;

	lmi_csvw_str(w, "indicator");
	lmi_csvw_str(w, "period");
	for (size_t g = 0; g < o->ngroups; g++)
		lmi_csvw_str(w, o->group[g]);
	lmi_csvw_str(w, "numerator");
	lmi_csvw_str(w, "denominator");
	lmi_csvw_str(w, "value");
	lmi_csvw_str(w, "ci_low");
	lmi_csvw_str(w, "ci_high");
	lmi_csvw_str(w, "n");
	lmi_csvw_str(w, "note");
	lmi_csvw_endrow(w);
	for (size_t i = 0; i < f->n; i++) {
		const struct orow *r = &f->rows[i];
		unsigned has = r->sc.sup ? 0 : r->has;

		lmi_csvw_str(w, r->ind);
		/* Rows come sorted by indicator and period: reuse the last label. */
		if (!have_lab || r->period != lab_period) {
			lmi_ind_period_label(o->period, r->period, lab, sizeof(lab));
			lab_period = r->period;
			have_lab = 1;
		}
		lmi_csvw_str(w, lab);
		w_groups(w, r->g, r->glen, o->ngroups);
		if (has & H_NUM)
			w_num(w, r->num);
		else
			lmi_csvw_str(w, "");
		if (has & H_DEN)
			w_num(w, r->den);
		else
			lmi_csvw_str(w, "");
		if ((has & H_INT) && (has & H_VAL))
			w_num(w, (long long)r->val);
		else
			w_double(w, r->val, has & H_VAL);
		w_double(w, r->lo, has & H_CI);
		w_double(w, r->hi, has & H_CI);
		if (has & H_N)
			w_num(w, r->n);
		else
			lmi_csvw_str(w, "");
		lmi_csvw_str(w, r->sc.sup == LMI_IND_SUP_PRIMARY ? "suppressed"
				: r->sc.sup			 ? "suppressed (complementary)"
								 : r->note);
		lmi_csvw_endrow(w);
	}
}

int lmi_ind_finish(struct lmi_ind *ind, struct lmi_csvw *w)
{
	struct fin f;
	struct lmi_agg_cell **cells = lmi_agg_sorted(&ind->agg);
	size_t nc = ind->agg.n;
	int rc = LMI_ENOMEM;

	memset(&f, 0, sizeof(f));
	f.ind = ind;
	if (cells == NULL)
		return LMI_ENOMEM;
	f.groups = malloc((nc ? nc : 1) * sizeof(*f.groups));
	if (f.groups == NULL)
		goto out;
	f.pmin = LONG_MAX;
	f.pmax = LONG_MIN;
	for (size_t i = 0; i < nc; i++) {
		struct pkey k;

		parse_key(cells[i], &k);
		f.groups[f.ng].g = k.g;
		f.groups[f.ng++].len = k.glen;
		if (k.period <= 0)
			continue;
		/* A long-term start may lie past the data; it does not widen the range. */
		if (k.slen == 1 && k.stat[0] == '#') {
			int other = 0;

			for (int j = 0; j < K_N; j++)
				other |= j != K_CLTP && lmi_agg_vec_get(cells[i], (size_t)j) != 0;
			if (!other)
				continue;
		}
		if (k.period < f.pmin)
			f.pmin = k.period;
		if (k.period > f.pmax)
			f.pmax = k.period;
	}
	if (ind->o.as_of != LMI_IND_NO_DATE) {
		long pa = lmi_ind_period_of(ind->o.period, ind->o.as_of);

		if (f.pmin == LONG_MAX)
			f.pmin = pa;
		f.pmax = pa;
	}
	f.np = f.pmin <= f.pmax ? f.pmax - f.pmin + 1 : 0;
	if (f.np > 100000) {
		snprintf(ind->err, sizeof(ind->err), "period range too wide (%ld periods)", f.np);
		rc = LMI_ETOOBIG;
		goto out;
	}
	qsort(f.groups, f.ng, sizeof(*f.groups), cmp_grp);
	{
		size_t u = 0;

		for (size_t i = 0; i < f.ng; i++)
			if (u == 0 || cmp_grp(&f.groups[u - 1], &f.groups[i]) != 0)
				f.groups[u++] = f.groups[i];
		f.ng = u;
	}
	rc = LMI_OK;
	if (ind->o.set == LMI_IND_HHI)
		rc = fin_hhi(&f, cells, nc);
	else if (ind->o.set == LMI_IND_MISMATCH)
		rc = fin_mismatch(&f);
	for (size_t j = 0; j < f.ng && rc == LMI_OK; j++) {
		const struct grp *g = &f.groups[j];

		switch (ind->o.set) {
		case LMI_IND_VACANCY:
			rc = fin_vacancy(&f, g);
			break;
		case LMI_IND_CLAIMS:
			rc = fin_claims(&f, g);
			break;
		case LMI_IND_TRAINING:
			rc = fin_training(&f, g);
			break;
		case LMI_IND_TIGHTNESS:
			rc = fin_tightness(&f, g);
			break;
		case LMI_IND_OFFICE:
			rc = fin_office(&f, g);
			break;
		default:
			break;
		}
	}
	if (rc != LMI_OK)
		goto out;
	if (f.n > 0)
		qsort(f.rows, f.n, sizeof(*f.rows), cmp_row);
	rc = suppress_all(&f);
	if (rc == LMI_OK && ind->o.set == LMI_IND_OFFICE) {
		rc = rank_offices(&f);
		if (f.n > 0)
			qsort(f.rows, f.n, sizeof(*f.rows), cmp_row);
	}
	if (rc != LMI_OK)
		goto out;
	write_rows(&f, w);
	rc = w->status == LMI_OK ? LMI_OK : LMI_EIO;
out:
	free(f.rows);
	free(f.groups);
	free(cells);
	return rc;
}

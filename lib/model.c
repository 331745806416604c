/* Logistic regression by IRLS on GSL, one-hot encoding, the model file, row explanations. */
#include "model.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "cli.h"
#include "banned.h"

static void seterr(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static char *dupstr(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * Fast path for plain decimals ([+-]digits[.digits], at most 15 digits) of length n: the
 * digits form an exact integer and 10^k is exact, so one IEEE division gives the correctly
 * rounded value, the same as strtod (Clinger's fast path).  Returns 1 when it applied.
 */
static inline int num_fast(const char *s, size_t n, double *v)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
					1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *c = s, *end = s + n, *digits, *dot = NULL;
	unsigned long long mant = 0; /* may wrap past 19 digits, rejected below */
	size_t nd;
	int neg = 0;

	if (c < end && (*c == '-' || *c == '+'))
		neg = *c++ == '-';
	digits = c;
	for (; c < end; c++) {
		unsigned d = (unsigned)(unsigned char)*c - '0';

		if (d <= 9) {
			mant = mant * 10 + d;
			continue;
		}
		if (*c != '.' || dot != NULL)
			return 0;
		dot = c;
	}
	nd = (size_t)(end - digits) - (dot != NULL);
	if (nd == 0 || nd > 15)
		return 0;
	*v = (double)mant;
	if (dot != NULL)
		*v /= pow10[end - dot - 1];
	if (neg)
		*v = -*v;
	return 1;
}

/* lmi_model_num() past the fast path: strtod, refusing hex, nan and inf. */
static int num_slow(const char *s, double *v)
{
	char *end;
	double d;

	if (strpbrk(s, "xXnNiI") != NULL)
		return LMI_EPARSE;
	errno = 0;
	d = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d))
		return LMI_EPARSE;
	*v = d;
	return LMI_OK;
}

/* lmi_model_num() on a field of length n (s[n] is its NUL). */
static inline int num_parse(const char *s, size_t n, double *v)
{
	if (n == 0)
		return LMI_EPARSE;
	if (num_fast(s, n, v))
		return LMI_OK;
	return num_slow(s, v);
}

int lmi_model_num(const char *s, double *v)
{
	if (s == NULL)
		return LMI_EPARSE;
	return num_parse(s, strlen(s), v);
}

/* ---- features and levels ---- */

static uint64_t hash_mem(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t hash_str(const char *s)
{
	return hash_mem(s, strlen(s));
}

/* Returns the level index of s (length n, no NUL inside), or -1. */
static long level_find(const struct lmi_model_feature *f, const char *s, size_t n)
{
	size_t i;

	if (f->hcap == 0)
		return -1;
	i = hash_mem(s, n) & (f->hcap - 1);
	while (f->hash[i] != 0) {
		const char *lv = f->levels[f->hash[i] - 1];
		size_t k = 0;

		/* Inline strcmp: levels are short, and a call costs more than the loop. */
		while (k < n && lv[k] == s[k])
			k++;
		if (k == n && lv[k] == '\0')
			return (long)f->hash[i] - 1;
		i = (i + 1) & (f->hcap - 1);
	}
	return -1;
}

static int hash_rebuild(struct lmi_model_feature *f, size_t cap)
{
	unsigned *h = calloc(cap, sizeof(*h));

	if (h == NULL)
		return LMI_ENOMEM;
	free(f->hash);
	f->hash = h;
	f->hcap = cap;
	for (size_t l = 0; l < f->nlevels; l++) {
		size_t i = hash_str(f->levels[l]) & (cap - 1);

		while (h[i] != 0)
			i = (i + 1) & (cap - 1);
		h[i] = (unsigned)l + 1;
	}
	return LMI_OK;
}

/* Adds level s (length n) if new; returns its index or a negative status. */
static long level_intern(struct lmi_model_feature *f, const char *s, size_t n)
{
	long l = level_find(f, s, n);

	if (l >= 0)
		return l;
	if (f->nlevels >= LMI_MODEL_MAX_LEVELS)
		return LMI_ETOOBIG;
	if (f->nlevels == f->levcap) {
		size_t cap = f->levcap ? 2 * f->levcap : 8;
		char **lv = realloc(f->levels, cap * sizeof(*lv));

		if (lv == NULL)
			return LMI_ENOMEM;
		f->levels = lv;
		f->levcap = cap;
	}
	f->levels[f->nlevels] = dupstr(s, n);
	if (f->levels[f->nlevels] == NULL)
		return LMI_ENOMEM;
	f->nlevels++;
	if (2 * f->nlevels > f->hcap) {
		if (hash_rebuild(f, f->hcap ? 2 * f->hcap : 16) != LMI_OK)
			return LMI_ENOMEM;
	} else {
		size_t i = hash_str(f->levels[f->nlevels - 1]) & (f->hcap - 1);

		while (f->hash[i] != 0)
			i = (i + 1) & (f->hcap - 1);
		f->hash[i] = (unsigned)f->nlevels;
	}
	return (long)f->nlevels - 1;
}

static int find_feature(const struct lmi_model *m, const char *name, size_t n)
{
	for (size_t i = 0; i < m->nfeat; i++)
		if (strlen(m->feat[i].name) == n && memcmp(m->feat[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/* Calls fn(item, len) for each comma-separated item of list. */
static int each_item(const char *list, int (*fn)(const char *s, size_t n, void *ctx), void *ctx)
{
	const char *s = list;

	while (s != NULL) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		int rc = fn(s, n, ctx);

		if (rc != LMI_OK)
			return rc;
		s = c ? c + 1 : NULL;
	}
	return LMI_OK;
}

struct init_ctx {
	struct lmi_model *m;
	char *err;
	size_t errsz;
};

static int add_feature(const char *s, size_t n, void *vctx)
{
	struct init_ctx *c = vctx;
	struct lmi_model *m = c->m;
	struct lmi_model_feature *f;

	if (n == 0) {
		seterr(c->err, c->errsz, "empty feature name in --features");
		return LMI_EINVAL;
	}
	if (find_feature(m, s, n) >= 0) {
		seterr(c->err, c->errsz, "feature '%.*s' is listed twice", (int)n, s);
		return LMI_EINVAL;
	}
	if (m->nfeat >= LMI_MODEL_MAX_TERMS) {
		seterr(c->err, c->errsz, "too many features (limit %u)", LMI_MODEL_MAX_TERMS);
		return LMI_EINVAL;
	}
	f = realloc(m->feat, (m->nfeat + 1) * sizeof(*f));
	if (f == NULL)
		return LMI_ENOMEM;
	m->feat = f;
	f = &m->feat[m->nfeat];
	memset(f, 0, sizeof(*f));
	f->col = -1;
	f->tnum = -1;
	f->tmiss = -1;
	f->scale = 1;
	f->name = dupstr(s, n);
	if (f->name == NULL)
		return LMI_ENOMEM;
	f->namelen = n;
	m->nfeat++;
	return LMI_OK;
}

static int mark_categorical(const char *s, size_t n, void *vctx)
{
	struct init_ctx *c = vctx;
	int i = find_feature(c->m, s, n);

	if (i < 0) {
		seterr(c->err, c->errsz, "categorical '%.*s' is not in --features", (int)n, s);
		return LMI_EINVAL;
	}
	c->m->feat[i].categorical = 1;
	return LMI_OK;
}

int lmi_model_init(struct lmi_model *m, const char *target, const char *features,
		   const char *categorical, const char *const *refs, size_t nrefs, char *err,
		   size_t errsz)
{
	struct init_ctx c = { m, err, errsz };
	int rc;

	memset(m, 0, sizeof(*m));
	m->target_col = -1;
	m->tier_low = 0.2;
	m->tier_high = 0.5;
	if (target == NULL || *target == '\0' || features == NULL) {
		seterr(err, errsz, "--target and --features are required");
		return LMI_EINVAL;
	}
	m->target = dupstr(target, strlen(target));
	if (m->target == NULL)
		return LMI_ENOMEM;
	rc = each_item(features, add_feature, &c);
	if (rc == LMI_OK && find_feature(m, target, strlen(target)) >= 0) {
		seterr(err, errsz, "target '%s' is also a feature", target);
		rc = LMI_EINVAL;
	}
	if (rc == LMI_OK && categorical != NULL)
		rc = each_item(categorical, mark_categorical, &c);
	for (size_t i = 0; rc == LMI_OK && i < nrefs; i++) {
		const char *eq = strchr(refs[i], '=');
		int fi = eq ? find_feature(m, refs[i], (size_t)(eq - refs[i])) : -1;

		if (eq == NULL) {
			seterr(err, errsz, "--ref wants FEATURE=LEVEL, not '%s'", refs[i]);
			rc = LMI_EINVAL;
		} else if (fi < 0 || !m->feat[fi].categorical) {
			seterr(err, errsz, "--ref '%s': '%.*s' is not a categorical feature",
			       refs[i], (int)(eq - refs[i]), refs[i]);
			rc = LMI_EINVAL;
		} else {
			free(m->feat[fi].ref_want);
			m->feat[fi].ref_want = dupstr(eq + 1, strlen(eq + 1));
			if (m->feat[fi].ref_want == NULL)
				rc = LMI_ENOMEM;
		}
	}
	return rc;
}

void lmi_model_release(struct lmi_model *m)
{
	for (size_t i = 0; i < m->nfeat; i++) {
		struct lmi_model_feature *f = &m->feat[i];

		free(f->name);
		for (size_t l = 0; l < f->nlevels; l++)
			free(f->levels[l]);
		free(f->levels);
		free(f->ref_want);
		free(f->hash);
		free(f->lterm);
	}
	for (size_t t = 0; t < m->nterm; t++)
		free(m->term[t].name);
	free(m->feat);
	free(m->term);
	free(m->target);
	free(m->na);
	free(m->vals);
	free(m->y);
	memset(m, 0, sizeof(*m));
}

int lmi_model_bind(struct lmi_model *m, const struct lmi_csv *r, int need_target, char *err,
		   size_t errsz)
{
	if (need_target) {
		m->target_col = lmi_csv_col(r, m->target);
		if (m->target_col < 0) {
			seterr(err, errsz, "no column '%s' (the target) in the header", m->target);
			return LMI_EINVAL;
		}
	}
	for (size_t i = 0; i < m->nfeat; i++) {
		m->feat[i].col = lmi_csv_col(r, m->feat[i].name);
		if (m->feat[i].col < 0) {
			seterr(err, errsz, "no column '%s' (a feature) in the header",
			       m->feat[i].name);
			return LMI_EINVAL;
		}
	}
	return LMI_OK;
}

/* ---- collecting training rows ---- */

int lmi_model_target(const char *s)
{
	if (strcmp(s, "0") == 0 || strcmp(s, "FALSE") == 0)
		return 0;
	if (strcmp(s, "1") == 0 || strcmp(s, "TRUE") == 0)
		return 1;
	return -1;
}

/* Returns 1 when a field of length n is missing: empty, or the --na token. */
static int is_missing(const struct lmi_model *m, const char *s, size_t n)
{
	return n == 0 || (m->na != NULL && strcmp(s, m->na) == 0);
}

int lmi_model_add(struct lmi_model *m, const struct lmi_csv_row *row, char *err, size_t errsz)
{
	const char *t = row->f[m->target_col];
	double *v;

	if (m->nrows == m->rowcap) {
		size_t cap = m->rowcap ? 2 * m->rowcap : 1024;
		double *nv;
		unsigned char *ny;

		if (m->nfeat != 0 && cap > SIZE_MAX / sizeof(double) / m->nfeat)
			return LMI_ENOMEM;
		nv = realloc(m->vals, cap * (m->nfeat ? m->nfeat : 1) * sizeof(double));
		if (nv == NULL)
			return LMI_ENOMEM;
		m->vals = nv;
		ny = realloc(m->y, cap);
		if (ny == NULL)
			return LMI_ENOMEM;
		m->y = ny;
		m->rowcap = cap;
	}
	if (lmi_model_target(t) >= 0) {
		m->y[m->nrows] = (unsigned char)lmi_model_target(t);
	} else if (*t == '\0') {
		seterr(err, errsz, "target '%s' is missing", m->target);
		return LMI_EPARSE;
	} else {
		seterr(err, errsz, "target '%s' must be 0 or 1 (or FALSE or TRUE), found '%s'",
		       m->target, t);
		return LMI_EPARSE;
	}
	v = &m->vals[m->nrows * m->nfeat];
	for (size_t i = 0; i < m->nfeat; i++) {
		struct lmi_model_feature *f = &m->feat[i];
		const char *s = row->f[f->col];
		size_t n = row->len[f->col];
		long l;

		if (is_missing(m, s, n)) {
			if (m->missing == LMI_MISSING_ERROR) {
				seterr(err, errsz, "feature '%s' is missing (see --missing)",
				       f->name);
				return LMI_EPARSE;
			}
			f->nmissing++;
			v[i] = NAN;
		} else if (!f->categorical) {
			if (lmi_model_num(s, &v[i]) != LMI_OK) {
				seterr(err, errsz, "feature '%s' is not a number: '%s'", f->name,
				       s);
				return LMI_EPARSE;
			}
		} else {
			l = level_intern(f, s, n);
			if (l == LMI_ETOOBIG) {
				seterr(err, errsz, "feature '%s' has more than %u levels", f->name,
				       LMI_MODEL_MAX_LEVELS);
				return LMI_ETOOBIG;
			}
			if (l < 0)
				return LMI_ENOMEM;
			v[i] = (double)l;
		}
	}
	m->nrows++;
	return LMI_OK;
}

/* ---- terms ---- */

static int add_term(struct lmi_model *m, const char *name, enum lmi_term_kind kind, int feature,
		    size_t level)
{
	struct lmi_model_term *t;

	if (m->nterm >= LMI_MODEL_MAX_TERMS)
		return LMI_ETOOBIG;
	t = realloc(m->term, (m->nterm + 1) * sizeof(*t));
	if (t == NULL)
		return LMI_ENOMEM;
	m->term = t;
	t = &m->term[m->nterm];
	memset(t, 0, sizeof(*t));
	t->name = dupstr(name, strlen(name));
	if (t->name == NULL)
		return LMI_ENOMEM;
	t->kind = kind;
	t->feature = feature;
	t->level = level;
	m->nterm++;
	return LMI_OK;
}

/* Joins "a" sep "b" into a fresh string. */
static char *join3(const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
	char *s = malloc(na + ns + nb + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, na);
	memcpy(s + na, sep, ns);
	memcpy(s + na + ns, b, nb + 1);
	return s;
}

static int add_term_join(struct lmi_model *m, const char *a, const char *sep, const char *b,
			 enum lmi_term_kind kind, int feature, size_t level)
{
	char *name = join3(a, sep, b);
	int rc;

	if (name == NULL)
		return LMI_ENOMEM;
	rc = add_term(m, name, kind, feature, level);
	free(name);
	return rc;
}

/* Builds lterm[] for feature fi from the terms (after levels and ref are final). */
static int link_terms(struct lmi_model *m)
{
	for (size_t i = 0; i < m->nfeat; i++) {
		struct lmi_model_feature *f = &m->feat[i];

		f->tnum = -1;
		f->tmiss = -1;
		free(f->lterm);
		f->lterm = NULL;
		if (f->categorical) {
			f->lterm = malloc((f->nlevels ? f->nlevels : 1) * sizeof(int));
			if (f->lterm == NULL)
				return LMI_ENOMEM;
			for (size_t l = 0; l < f->nlevels; l++)
				f->lterm[l] = -1;
		}
	}
	for (size_t t = 0; t < m->nterm; t++) {
		struct lmi_model_term *tm = &m->term[t];

		if (tm->feature < 0)
			continue;
		if (tm->kind == LMI_TERM_NUMERIC)
			m->feat[tm->feature].tnum = (int)t;
		else if (tm->kind == LMI_TERM_MISSING)
			m->feat[tm->feature].tmiss = (int)t;
		else if (tm->kind == LMI_TERM_LEVEL)
			m->feat[tm->feature].lterm[tm->level] = (int)t;
	}
	return LMI_OK;
}

/*
 * Appends feature f's nonzero design values for stored value v (NaN = missing) to
 * idx/val at *k.  Terms are built feature by feature, the missing term last, so
 * the indices come out ascending.
 */
static void expand(const struct lmi_model_feature *f, double v, size_t *idx, double *val,
		   size_t *k)
{
	int t = -1;
	double x = 1;

	if (!f->categorical) {
		t = f->tnum;
		x = ((isnan(v) ? f->impute : v) - f->center) / f->scale;
	} else if (!isnan(v)) {
		t = f->lterm[(size_t)v];
	}
	if (t >= 0) {
		idx[*k] = (size_t)t;
		val[(*k)++] = x;
	}
	if (isnan(v) && f->tmiss >= 0) {
		idx[*k] = (size_t)f->tmiss;
		val[(*k)++] = 1;
	}
}

static size_t train_row(size_t i, size_t *idx, double *val, void *ctx)
{
	const struct lmi_model *m = ctx;
	const double *v = &m->vals[i * m->nfeat];
	size_t k = 1;

	idx[0] = 0;
	val[0] = 1;
	for (size_t j = 0; j < m->nfeat; j++)
		expand(&m->feat[j], v[j], idx, val, &k);
	return k;
}

struct level_order {
	char **lv;
	const double *num; /* the levels' numeric values when all are numbers, else NULL */
};

static int cmp_level(size_t a, size_t b, const struct level_order *o)
{
	if (o->num != NULL && o->num[a] != o->num[b])
		return o->num[a] < o->num[b] ? -1 : 1;
	return strcmp(o->lv[a], o->lv[b]);
}

/* Stable merge sort of an index array by level (qsort_r is not portable). */
static void sort_idx(size_t *idx, size_t n, const struct level_order *o, size_t *tmp)
{
	if (n < 2)
		return;
	sort_idx(idx, n / 2, o, tmp);
	sort_idx(idx + n / 2, n - n / 2, o, tmp);
	size_t i = 0, j = n / 2, k = 0;

	while (i < n / 2 && j < n)
		tmp[k++] = cmp_level(idx[j], idx[i], o) < 0 ? idx[j++] : idx[i++];
	while (i < n / 2)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/*
 * Sorts f's levels as R orders factor levels read from a CSV: numerically when every
 * level is a number (so "4" < "10"), else bytewise (the C locale).  Returns the
 * old->new index map in *map (malloc'd).
 */
static int sort_levels(struct lmi_model_feature *f, size_t **map)
{
	size_t n = f->nlevels;
	size_t *idx = malloc((n + 1) * sizeof(*idx));
	size_t *tmp = malloc((n + 1) * sizeof(*tmp));
	char **lv = malloc((n + 1) * sizeof(*lv));
	double *num = malloc((n + 1) * sizeof(*num));
	struct level_order o = { f->levels, num };
	int rc = LMI_ENOMEM;

	*map = malloc((n + 1) * sizeof(**map));
	if (idx == NULL || tmp == NULL || lv == NULL || num == NULL || *map == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		if (o.num != NULL && lmi_model_num(f->levels[i], &num[i]) != LMI_OK)
			o.num = NULL;
	}
	sort_idx(idx, n, &o, tmp);
	for (size_t i = 0; i < n; i++) {
		lv[i] = f->levels[idx[i]];
		(*map)[idx[i]] = i;
	}
	memcpy(f->levels, lv, n * sizeof(*lv));
	rc = hash_rebuild(f, f->hcap ? f->hcap : 16);
out:
	free(num);
	free(idx);
	free(tmp);
	free(lv);
	return rc;
}

/* ---- IRLS ---- */

static double inv_logit(double eta)
{
	/* R's binomial()$linkinv clamps eta at +-30 the same way. */
	if (eta < -30)
		return DBL_EPSILON;
	if (eta > 30)
		return 1 - DBL_EPSILON;
	return 1 / (1 + exp(-eta));
}

/*
 * One pass per iteration: each row's eta comes from the current beta (or from R's
 * starting value mu = (y + 0.5) / 2 before the first solve), giving the deviance of
 * that beta and the X'WX, X'Wz of the next solve at once.  The factor of the solve
 * that produced the final beta is kept for the covariance, as R's summary.glm does.
 */
int lmi_logit_irls(size_t n, size_t p, lmi_irls_row_fn *row, void *ctx, const unsigned char *y,
		   double l2, int pen_first, double *beta, double *cov, struct lmi_fit_report *rep)
{
	gsl_matrix *A = gsl_matrix_alloc(p, p), *F = gsl_matrix_alloc(p, p);
	gsl_vector *b = gsl_vector_alloc(p), *bv = gsl_vector_alloc(p);
	double *x = malloc(p * sizeof(*x));
	size_t *nz = malloc(p * sizeof(*nz));
	double devold = 0, dev = 0, ybar = 0;
	int rc = LMI_ENOMEM, conv = 0, nsolve = 0;

	gsl_set_error_handler_off();
	if (A == NULL || F == NULL || b == NULL || bv == NULL || x == NULL || nz == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		ybar += y[i];
	ybar = n ? ybar / (double)n : 0;
	for (;;) {
		double pen = 0;

		rep->max_abs_eta = 0;
		gsl_matrix_set_zero(A);
		gsl_vector_set_zero(b);
		dev = 0;
		for (size_t i = 0; i < n; i++) {
			double e = 0, mu, w, wz;
			size_t k = row(i, nz, x, ctx);

			if (nsolve > 0) {
				for (size_t a = 0; a < k; a++)
					e += x[a] * beta[nz[a]];
				mu = inv_logit(e);
			} else {
				mu = (y[i] + 0.5) / 2;
				e = log(mu / (1 - mu));
			}
			dev -= 2 * log(y[i] ? mu : 1 - mu);
			if (fabs(e) > rep->max_abs_eta)
				rep->max_abs_eta = fabs(e);
			w = mu * (1 - mu);
			wz = w * e + (y[i] - mu);
			for (size_t a = 0; a < k; a++) {
				double wxa = w * x[a];
				double *ar = A->data + nz[a] * A->tda;

				b->data[nz[a]] += wz * x[a];
				for (size_t c = a; c < k; c++)
					ar[nz[c]] += wxa * x[c];
			}
		}
		for (size_t j = 0; nsolve > 0 && j < p; j++)
			if (j > 0 || pen_first)
				pen += beta[j] * beta[j];
		rep->dev = dev;
		dev += l2 * pen;
		if (!isfinite(dev)) {
			rc = LMI_EDATA;
			goto out;
		}
		if (nsolve > 0 && fabs(dev - devold) / (fabs(dev) + 0.1) < LMI_MODEL_EPS) {
			conv = 1;
			break;
		}
		if (nsolve == LMI_MODEL_MAX_ITER)
			break;
		devold = dev;
		for (size_t a = 0; a < p; a++) {
			for (size_t c = a + 1; c < p; c++)
				gsl_matrix_set(A, c, a, gsl_matrix_get(A, a, c));
			if (l2 > 0 && (a > 0 || pen_first))
				*gsl_matrix_ptr(A, a, a) += l2;
		}
		if (gsl_linalg_cholesky_decomp1(A) != GSL_SUCCESS ||
		    gsl_linalg_cholesky_solve(A, b, bv) != GSL_SUCCESS) {
			rc = LMI_EDATA;
			goto out;
		}
		rep->moved = 0;
		for (size_t j = 0; j < p; j++) {
			double d = fabs(gsl_vector_get(bv, j) - (nsolve > 0 ? beta[j] : 0));

			if (d > fabs(gsl_vector_get(bv, rep->moved) -
				     (nsolve > 0 ? beta[rep->moved] : 0)))
				rep->moved = j;
		}
		for (size_t j = 0; j < p; j++)
			beta[j] = gsl_vector_get(bv, j);
		gsl_matrix_memcpy(F, A);
		nsolve++;
	}
	rep->iter = nsolve;
	rep->converged = conv;
	rep->aic = rep->dev + 2.0 * (double)p;
	rep->n = n;
	rep->null_dev = 0;
	for (size_t i = 0; i < n; i++)
		rep->null_dev -= 2 * (y[i] ? log(ybar) : log(1 - ybar));
	if (cov != NULL) {
		if (gsl_linalg_cholesky_invert(F) != GSL_SUCCESS) {
			rc = LMI_EDATA;
			goto out;
		}
		for (size_t a = 0; a < p; a++)
			for (size_t c = 0; c < p; c++)
				cov[a * p + c] = gsl_matrix_get(F, a, c);
	}
	rc = LMI_OK;
out:
	gsl_matrix_free(A);
	gsl_matrix_free(F);
	gsl_vector_free(b);
	gsl_vector_free(bv);
	free(x);
	free(nz);
	return rc;
}

/* ---- checks before fitting ---- */

/*
 * Finds the first term that is (numerically) a linear combination of the
 * earlier ones: Cholesky of the scaled X'X; the pivot of column k depends only
 * on the leading k x k block, so a binary search over block sizes finds it.
 * Returns the term index or -1.
 */
static int block_ok(const gsl_matrix *xtx, gsl_matrix *s, size_t k)
{
	gsl_matrix_view v = gsl_matrix_submatrix(s, 0, 0, k, k);

	for (size_t a = 0; a < k; a++) {
		for (size_t c = 0; c < k; c++) {
			double d = gsl_matrix_get(xtx, a, a) * gsl_matrix_get(xtx, c, c);

			gsl_matrix_set(s, a, c, gsl_matrix_get(xtx, a, c) / sqrt(d));
		}
	}
	if (gsl_linalg_cholesky_decomp1(&v.matrix) != GSL_SUCCESS)
		return 0;
	for (size_t a = 0; a < k; a++) {
		double l = gsl_matrix_get(s, a, a);

		/* l*l = 1 - R^2 of column a on the columns before it. */
		if (l * l < 1e-11)
			return 0;
	}
	return 1;
}

static long first_aliased(const gsl_matrix *xtx)
{
	size_t p = xtx->size1, lo = 0, hi = p;
	gsl_matrix *s = gsl_matrix_alloc(p, p);
	long bad = -1;

	if (s == NULL)
		return -1;
	for (size_t k = 0; k < p; k++)
		if (gsl_matrix_get(xtx, k, k) <= 0) {
			bad = (long)k;
			goto out;
		}
	if (block_ok(xtx, s, p))
		goto out;
	/* The block of size lo is fine, the block of size hi is not. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (block_ok(xtx, s, mid))
			lo = mid;
		else
			hi = mid;
	}
	bad = (long)hi - 1;
out:
	gsl_matrix_free(s);
	return bad;
}

/*
 * Checks every level and numeric feature for perfect separation and names the first
 * found, in feature and level order.  One row-major pass over the stored rows.
 * Returns 1 (found, msg set), 0 (none) or LMI_ENOMEM.
 */
static int find_separation(const struct lmi_model *m, char *msg, size_t msgsz)
{
	size_t nf = m->nfeat, tot = 0;
	size_t *off = malloc((nf + 1) * sizeof(*off));
	double *mm = malloc((4 * nf + 1) * sizeof(*mm)); /* max0, min0, max1, min1 */
	unsigned long long *cnt;
	int found = 0;

	for (size_t j = 0; off != NULL && j < nf; j++) {
		off[j] = tot;
		tot += m->feat[j].categorical ? m->feat[j].nlevels : 0;
	}
	cnt = calloc(2 * tot + 1, sizeof(*cnt)); /* per level: rows, rows with y = 1 */
	if (off == NULL || mm == NULL || cnt == NULL) {
		found = LMI_ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < nf; j++) {
		mm[4 * j] = mm[4 * j + 2] = -HUGE_VAL;
		mm[4 * j + 1] = mm[4 * j + 3] = HUGE_VAL;
	}
	for (size_t i = 0; i < m->nrows; i++) {
		const double *v = &m->vals[i * nf];
		int y = m->y[i];

		for (size_t j = 0; j < nf; j++) {
			if (isnan(v[j]))
				continue;
			if (m->feat[j].categorical) {
				unsigned long long *c = &cnt[2 * (off[j] + (size_t)v[j])];

				c[0]++;
				c[1] += (unsigned long long)y;
			} else {
				double *s4 = &mm[4 * j + 2 * y];

				s4[0] = fmax(s4[0], v[j]);
				s4[1] = fmin(s4[1], v[j]);
			}
		}
	}
	for (size_t j = 0; !found && j < nf; j++) {
		const struct lmi_model_feature *f = &m->feat[j];
		double max0 = mm[4 * j], min0 = mm[4 * j + 1], max1 = mm[4 * j + 2];
		double min1 = mm[4 * j + 3];

		for (size_t l = 0; f->categorical && !found && l < f->nlevels; l++) {
			const unsigned long long *c = &cnt[2 * (off[j] + l)];
			const char *r = l == f->ref ? " (reference)" : "";

			if (c[0] > 0 && (c[1] == 0 || c[1] == c[0])) {
				seterr(msg, msgsz, "term '%s=%s'%s is perfectly separated: all "
				       "%llu rows have %s=%d", f->name, f->levels[l], r, c[0],
				       m->target, c[1] ? 1 : 0);
				found = 1;
			}
		}
		if (f->categorical || found || max0 == -HUGE_VAL || max1 == -HUGE_VAL)
			continue;
		if (max0 <= min1 || max1 <= min0) {
			seterr(msg, msgsz, "term '%s' perfectly separates %s: every row with %s=%d "
			       "has %s %s %g", f->name, m->target, m->target, max0 <= min1 ? 1 : 0,
			       f->name, max0 <= min1 ? ">=" : "<=", max0 <= min1 ? min1 : min0);
			found = 1;
		}
	}
out:
	free(off);
	free(mm);
	free(cnt);
	return found;
}

/* ---- fitting ---- */

static int build_terms(struct lmi_model *m, char *err, size_t errsz)
{
	int rc = add_term(m, "(Intercept)", LMI_TERM_INTERCEPT, -1, 0);

	for (size_t j = 0; rc == LMI_OK && j < m->nfeat; j++) {
		struct lmi_model_feature *f = &m->feat[j];

		if (!f->categorical) {
			rc = add_term(m, f->name, LMI_TERM_NUMERIC, (int)j, 0);
		} else {
			if (f->nlevels < 2) {
				seterr(err, errsz, "categorical '%s' has only one level ('%s')",
				       f->name, f->nlevels ? f->levels[0] : "");
				return LMI_EDATA;
			}
			for (size_t l = 0; rc == LMI_OK && l < f->nlevels; l++)
				if (l != f->ref)
					rc = add_term_join(m, f->name, "=", f->levels[l],
							   LMI_TERM_LEVEL, (int)j, l);
		}
		if (rc == LMI_OK && f->nmissing > 0)
			rc = add_term_join(m, f->name, ":missing", "", LMI_TERM_MISSING, (int)j, 0);
	}
	if (rc == LMI_ETOOBIG)
		seterr(err, errsz, "more than %u terms", LMI_MODEL_MAX_TERMS);
	return rc;
}

/*
 * Sorts levels, remaps the stored level indices, picks reference levels, and sets
 * each numeric feature's imputation mean and (with standardize) centre and sample
 * standard deviation, as R's scale(); a constant feature keeps scale 1 so that the
 * singular design check, not a division by zero, reports it.  Row-major passes only.
 */
static int prepare(struct lmi_model *m, char *err, size_t errsz)
{
	size_t nf = m->nfeat;
	double *sum = calloc(2 * nf + 1, sizeof(*sum)), *ss = sum + nf;
	unsigned long long *cnt = calloc(nf + 1, sizeof(*cnt));
	size_t **map = calloc(nf + 1, sizeof(*map));
	int rc = LMI_ENOMEM;

	if (sum == NULL || cnt == NULL || map == NULL)
		goto out;
	for (size_t j = 0; j < nf; j++)
		if (m->feat[j].categorical && sort_levels(&m->feat[j], &map[j]) != LMI_OK)
			goto out;
	for (size_t i = 0; i < m->nrows; i++) {
		double *v = &m->vals[i * nf];

		for (size_t j = 0; j < nf; j++) {
			if (isnan(v[j]))
				continue;
			if (map[j] != NULL) {
				v[j] = (double)map[j][(size_t)v[j]];
			} else {
				sum[j] += v[j];
				cnt[j]++;
			}
		}
	}
	for (size_t j = 0; j < nf; j++)
		m->feat[j].impute = cnt[j] ? sum[j] / (double)cnt[j] : 0;
	for (size_t i = 0; m->standardize && i < m->nrows; i++) {
		const double *v = &m->vals[i * nf];

		for (size_t j = 0; j < nf; j++)
			if (map[j] == NULL && !isnan(v[j]))
				ss[j] += (v[j] - m->feat[j].impute) * (v[j] - m->feat[j].impute);
	}
	rc = LMI_OK;
	for (size_t j = 0; j < nf && rc == LMI_OK; j++) {
		struct lmi_model_feature *f = &m->feat[j];

		if (!f->categorical) {
			if (m->standardize) {
				double var = cnt[j] > 1 ? ss[j] / (double)(cnt[j] - 1) : 0;

				f->center = f->impute;
				f->scale = var > 0 ? sqrt(var) : 1;
			}
			continue;
		}
		f->ref = 0;
		if (f->ref_want != NULL) {
			long l = level_find(f, f->ref_want, strlen(f->ref_want));

			if (l < 0) {
				seterr(err, errsz, "reference level '%s' of '%s' does not occur in "
				       "the data", f->ref_want, f->name);
				rc = LMI_EDATA;
			}
			f->ref = l < 0 ? 0 : (size_t)l;
		}
	}
out:
	for (size_t j = 0; map != NULL && j < nf; j++)
		free(map[j]);
	free(map);
	free(sum);
	free(cnt);
	return rc;
}

int lmi_model_fit(struct lmi_model *m, char *err, size_t errsz)
{
	size_t p, n = m->nrows;
	double *beta = NULL, *cov = NULL, *x = NULL;
	gsl_matrix *xtx = NULL;
	char sep[400];
	int rc;

	gsl_set_error_handler_off();
	memset(&m->fit, 0, sizeof(m->fit));
	if (n == 0) {
		seterr(err, errsz, "no rows to fit");
		return LMI_EDATA;
	}
	rc = prepare(m, err, errsz);
	if (rc == LMI_OK)
		rc = build_terms(m, err, errsz);
	if (rc == LMI_OK)
		rc = link_terms(m);
	if (rc != LMI_OK)
		goto out;
	p = m->nterm;
	beta = calloc(p, sizeof(*beta));
	cov = calloc(p * p, sizeof(*cov));
	x = malloc(p * sizeof(*x));
	xtx = gsl_matrix_calloc(p, p);
	rc = LMI_ENOMEM;
	if (beta == NULL || cov == NULL || x == NULL || xtx == NULL)
		goto out;

	/* Term means and X'X for the singularity check (only the nonzero x's of a row). */
	size_t *nz = malloc(p * sizeof(*nz));

	if (nz == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t k = train_row(i, nz, x, m);

		for (size_t a = 0; a < k; a++) {
			double *r = xtx->data + nz[a] * xtx->tda;

			m->term[nz[a]].mean += x[a];
			for (size_t c = a; c < k; c++)
				r[nz[c]] += x[a] * x[c];
		}
	}
	free(nz);
	for (size_t a = 0; a < p; a++) {
		m->term[a].mean /= (double)n;
		for (size_t c = a + 1; c < p; c++)
			gsl_matrix_set(xtx, c, a, gsl_matrix_get(xtx, a, c));
	}
	long bad = first_aliased(xtx);

	if (bad >= 0) {
		seterr(err, errsz, "term '%s' is a linear combination of earlier terms "
		       "(singular design); drop it or merge levels", m->term[bad].name);
		rc = LMI_EDATA;
		goto out;
	}
	if (n <= p) {
		seterr(err, errsz, "%zu rows are too few for %zu terms", n, p);
		rc = LMI_EDATA;
		goto out;
	}
	rc = find_separation(m, sep, sizeof(sep));
	if (rc == LMI_ENOMEM)
		goto out;
	if (rc == 1) {
		if (m->l2 <= 0) {
			seterr(err, errsz, "%s; the estimate would be infinite (try --l2)", sep);
			rc = LMI_EDATA;
			goto out;
		}
		seterr(m->fit.warning, sizeof(m->fit.warning), "%s (held finite by --l2)", sep);
	}
	rc = lmi_logit_irls(n, p, train_row, m, m->y, m->l2, 0, beta, cov, &m->fit);
	if (rc != LMI_OK) {
		seterr(err, errsz, "X'WX is not positive definite (singular design or "
		       "separation); try --l2");
		goto out;
	}
	if (!m->fit.converged) {
		seterr(err, errsz, "IRLS did not converge in %d iterations; term '%s' moved "
		       "most in the last one (try --l2)", LMI_MODEL_MAX_ITER,
		       m->term[m->fit.moved].name);
		rc = LMI_EDATA;
		goto out;
	}
	for (size_t a = 0; a < p; a++) {
		struct lmi_model_term *t = &m->term[a];

		t->est = beta[a];
		t->se = sqrt(cov[a * p + a]);
		t->z = t->est / t->se;
		t->p = 2 * gsl_cdf_ugaussian_Q(fabs(t->z));
	}
	/* Fitted probabilities of 0 or 1 mean quasi-separation by a combination of terms. */
	if (m->l2 <= 0 && m->fit.warning[0] == '\0') {
		double maxeta = m->fit.max_abs_eta;

		if (maxeta > 30) {
			size_t big = 1;

			for (size_t a = 1; a < p; a++)
				if (m->term[a].se > m->term[big].se)
					big = a;
			seterr(err, errsz, "fitted probabilities of 0 or 1 occurred "
			       "(quasi-complete separation); the largest standard error is on "
			       "term '%s' (try --l2)",
			       m->term[p > 1 ? big : 0].name);
			rc = LMI_EDATA;
			goto out;
		}
	}
	for (size_t j = 0; j < m->nfeat; j++)
		m->feat[j].bmean = 0;
	for (size_t a = 1; a < p; a++)
		m->feat[m->term[a].feature].bmean += m->term[a].est * m->term[a].mean;
	rc = LMI_OK;
out:
	free(m->vals);
	free(m->y);
	m->vals = NULL;
	m->y = NULL;
	m->rowcap = 0;
	free(beta);
	free(cov);
	free(x);
	gsl_matrix_free(xtx);
	if (rc == LMI_ENOMEM)
		seterr(err, errsz, "out of memory");
	return rc;
}

/* ---- model file ---- */

static void put_num(struct lmi_csvw *w, double v)
{
	char b[64];

	snprintf(b, sizeof(b), "%.15g", v);
	lmi_csvw_str(w, b);
}

static void put_row(struct lmi_csvw *w, const char *const *f, size_t n)
{
	for (size_t i = 0; i < 6; i++)
		lmi_csvw_str(w, i < n && f[i] ? f[i] : "");
	lmi_csvw_endrow(w);
}

int lmi_model_write(const struct lmi_model *m, FILE *fp)
{
	struct lmi_csvw w;
	char a[64], b[64], c[64], d[64];
	int rc;

	lmi_csvw_init(&w, fp, ',');
	put_row(&w, (const char *const[]){ "term", "estimate", "std_error", "z_value", "p_value",
					   "mean" }, 6);
	put_row(&w, (const char *const[]){ "@format", "lmi-model", "1" }, 3);
	put_row(&w, (const char *const[]){ "@target", m->target }, 2);
	if (m->as_of[0] != '\0')
		put_row(&w, (const char *const[]){ "@as_of", m->as_of }, 2);
	snprintf(a, sizeof(a), "%llu", m->fit.n);
	put_row(&w, (const char *const[]){ "@n", a }, 2);
	put_row(&w, (const char *const[]){ "@missing", m->missing ? "indicator" : "error" }, 2);
	if (m->na != NULL)
		put_row(&w, (const char *const[]){ "@na", m->na }, 2);
	snprintf(a, sizeof(a), "%.15g", m->l2);
	put_row(&w, (const char *const[]){ "@l2", a }, 2);
	snprintf(a, sizeof(a), "%.15g", m->tier_low);
	snprintf(b, sizeof(b), "%.15g", m->tier_high);
	put_row(&w, (const char *const[]){ "@tiers", a, b }, 3);
	snprintf(a, sizeof(a), "%.15g", m->fit.dev);
	snprintf(b, sizeof(b), "%.15g", m->fit.null_dev);
	snprintf(c, sizeof(c), "%.15g", m->fit.aic);
	snprintf(d, sizeof(d), "%d", m->fit.iter);
	put_row(&w, (const char *const[]){ "@deviance", a, b, c, d }, 5);
	for (size_t j = 0; j < m->nfeat; j++) {
		const struct lmi_model_feature *f = &m->feat[j];

		snprintf(a, sizeof(a), "%.15g", f->impute);
		put_row(&w, (const char *const[]){ "@feature", f->name,
						   f->categorical ? "categorical" : "numeric",
						   f->categorical ? f->levels[f->ref] : "",
						   f->categorical ? "" : a }, 5);
	}
	for (size_t j = 0; m->standardize && j < m->nfeat; j++) {
		const struct lmi_model_feature *f = &m->feat[j];

		if (f->categorical)
			continue;
		snprintf(a, sizeof(a), "%.15g", f->center);
		snprintf(b, sizeof(b), "%.15g", f->scale);
		put_row(&w, (const char *const[]){ "@scale", f->name, a, b }, 4);
	}
	for (size_t t = 0; t < m->nterm; t++) {
		const struct lmi_model_term *tm = &m->term[t];

		lmi_csvw_str(&w, tm->name);
		put_num(&w, tm->est);
		put_num(&w, tm->se);
		put_num(&w, tm->z);
		put_num(&w, tm->p);
		put_num(&w, tm->mean);
		lmi_csvw_endrow(&w);
	}
	rc = lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	return rc == LMI_OK && !ferror(fp) ? LMI_OK : LMI_EIO;
}

int lmi_model_write_points(const struct lmi_model *m, FILE *fp, double base, double base_odds,
			   double pdo)
{
	double factor = pdo / log(2), offset = base - factor * log(base_odds);
	struct lmi_csvw w;
	char a[64];
	int rc;

	lmi_csvw_init(&w, fp, ',');
	lmi_csvw_str(&w, "feature");
	lmi_csvw_str(&w, "level");
	lmi_csvw_str(&w, "points");
	lmi_csvw_endrow(&w);
	snprintf(a, sizeof(a), "%.2f", factor);
	lmi_csvw_str(&w, "(factor)");
	lmi_csvw_str(&w, "");
	lmi_csvw_str(&w, a);
	lmi_csvw_endrow(&w);
	snprintf(a, sizeof(a), "%.2f", offset);
	lmi_csvw_str(&w, "(offset)");
	lmi_csvw_str(&w, "");
	lmi_csvw_str(&w, a);
	lmi_csvw_endrow(&w);
	/* Points per raw unit: a standardised term b * (x - c) / s moves b * c / s to the base. */
	double b0 = m->term[0].est;

	for (size_t j = 0; j < m->nfeat; j++)
		if (!m->feat[j].categorical)
			b0 -= m->term[m->feat[j].tnum].est * m->feat[j].center / m->feat[j].scale;
	snprintf(a, sizeof(a), "%.2f", offset - factor * b0);
	lmi_csvw_str(&w, "(base)");
	lmi_csvw_str(&w, "");
	lmi_csvw_str(&w, a);
	lmi_csvw_endrow(&w);
	for (size_t j = 0; j < m->nfeat; j++) {
		const struct lmi_model_feature *f = &m->feat[j];

		if (!f->categorical) {
			snprintf(a, sizeof(a), "%.2f", -factor * m->term[f->tnum].est / f->scale);
			lmi_csvw_str(&w, f->name);
			lmi_csvw_str(&w, "(per unit)");
			lmi_csvw_str(&w, a);
			lmi_csvw_endrow(&w);
		}
		for (size_t l = 0; f->categorical && l < f->nlevels; l++) {
			double pts = f->lterm[l] < 0 ? 0 : -factor * m->term[f->lterm[l]].est;

			snprintf(a, sizeof(a), "%.2f", pts + 0.0);
			lmi_csvw_str(&w, f->name);
			lmi_csvw_str(&w, f->levels[l]);
			lmi_csvw_str(&w, a);
			lmi_csvw_endrow(&w);
		}
		if (f->tmiss >= 0) {
			snprintf(a, sizeof(a), "%.2f", -factor * m->term[f->tmiss].est);
			lmi_csvw_str(&w, f->name);
			lmi_csvw_str(&w, "(missing)");
			lmi_csvw_str(&w, a);
			lmi_csvw_endrow(&w);
		}
	}
	rc = lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	return rc == LMI_OK && !ferror(fp) ? LMI_OK : LMI_EIO;
}

static int read_meta(struct lmi_model *m, const struct lmi_csv_row *row, char *err, size_t errsz)
{
	const char *k = row->f[0];
	double v;

	if (strcmp(k, "@format") == 0) {
		if (strcmp(row->f[1], "lmi-model") != 0 || strcmp(row->f[2], "1") != 0) {
			seterr(err, errsz, "not an lmi model file (version 1)");
			return LMI_EPARSE;
		}
	} else if (strcmp(k, "@target") == 0) {
		free(m->target);
		m->target = dupstr(row->f[1], row->len[1]);
		if (m->target == NULL)
			return LMI_ENOMEM;
	} else if (strcmp(k, "@as_of") == 0) {
		snprintf(m->as_of, sizeof(m->as_of), "%s", row->f[1]);
	} else if (strcmp(k, "@n") == 0) {
		if (lmi_model_num(row->f[1], &v) == LMI_OK)
			m->fit.n = (unsigned long long)v;
	} else if (strcmp(k, "@missing") == 0) {
		m->missing = strcmp(row->f[1], "indicator") == 0 ? LMI_MISSING_INDICATOR
								  : LMI_MISSING_ERROR;
	} else if (strcmp(k, "@scale") == 0) {
		int fi = find_feature(m, row->f[1], row->len[1]);

		if (fi < 0 || m->feat[fi].categorical ||
		    lmi_model_num(row->f[2], &m->feat[fi].center) != LMI_OK ||
		    lmi_model_num(row->f[3], &m->feat[fi].scale) != LMI_OK ||
		    !(m->feat[fi].scale > 0))
			goto bad;
		m->standardize = 1;
	} else if (strcmp(k, "@na") == 0) {
		free(m->na);
		m->na = dupstr(row->f[1], row->len[1]);
		if (m->na == NULL)
			return LMI_ENOMEM;
	} else if (strcmp(k, "@l2") == 0) {
		if (lmi_model_num(row->f[1], &m->l2) != LMI_OK)
			goto bad;
	} else if (strcmp(k, "@tiers") == 0) {
		if (lmi_model_num(row->f[1], &m->tier_low) != LMI_OK ||
		    lmi_model_num(row->f[2], &m->tier_high) != LMI_OK)
			goto bad;
	} else if (strcmp(k, "@deviance") == 0) {
		if (lmi_model_num(row->f[1], &m->fit.dev) != LMI_OK ||
		    lmi_model_num(row->f[2], &m->fit.null_dev) != LMI_OK ||
		    lmi_model_num(row->f[3], &m->fit.aic) != LMI_OK ||
		    lmi_model_num(row->f[4], &v) != LMI_OK)
			goto bad;
		m->fit.iter = (int)v;
	} else if (strcmp(k, "@feature") == 0) {
		struct init_ctx c = { m, err, errsz };
		struct lmi_model_feature *f;
		int rc = add_feature(row->f[1], row->len[1], &c);

		if (rc != LMI_OK)
			return rc;
		f = &m->feat[m->nfeat - 1];
		f->categorical = strcmp(row->f[2], "categorical") == 0;
		if (f->categorical) {
			if (level_intern(f, row->f[3], row->len[3]) < 0)
				return LMI_ENOMEM;
		} else if (lmi_model_num(row->f[4], &f->impute) != LMI_OK) {
			goto bad;
		}
	} else {
		goto bad;
	}
	return LMI_OK;
bad:
	seterr(err, errsz, "bad '%s' row", k);
	return LMI_EPARSE;
}

static int read_term(struct lmi_model *m, const struct lmi_csv_row *row, char *err, size_t errsz)
{
	const char *name = row->f[0];
	size_t n = row->len[0];
	double v[5];
	int rc = LMI_EPARSE;

	for (int i = 0; i < 5; i++)
		if (lmi_model_num(row->f[i + 1], &v[i]) != LMI_OK) {
			seterr(err, errsz, "term '%s': bad number '%s'", name, row->f[i + 1]);
			return LMI_EPARSE;
		}
	if (m->nterm == 0) {
		if (strcmp(name, "(Intercept)") != 0) {
			seterr(err, errsz, "the first term must be '(Intercept)'");
			return LMI_EPARSE;
		}
		rc = add_term(m, name, LMI_TERM_INTERCEPT, -1, 0);
	}
	for (size_t j = 0; m->nterm > 0 && rc == LMI_EPARSE && j < m->nfeat; j++) {
		struct lmi_model_feature *f = &m->feat[j];
		size_t fl = strlen(f->name);

		if (n < fl || memcmp(name, f->name, fl) != 0)
			continue;
		if (!f->categorical && n == fl) {
			rc = add_term(m, name, LMI_TERM_NUMERIC, (int)j, 0);
		} else if (strcmp(name + fl, ":missing") == 0) {
			rc = add_term(m, name, LMI_TERM_MISSING, (int)j, 0);
		} else if (f->categorical && name[fl] == '=') {
			long l = level_intern(f, name + fl + 1, n - fl - 1);

			if (l < 0)
				return LMI_ENOMEM;
			rc = add_term(m, name, LMI_TERM_LEVEL, (int)j, (size_t)l);
		}
	}
	if (rc == LMI_EPARSE) {
		seterr(err, errsz, "term '%s' matches no @feature", name);
		return rc;
	}
	if (rc != LMI_OK)
		return rc;
	m->term[m->nterm - 1].est = v[0];
	m->term[m->nterm - 1].se = v[1];
	m->term[m->nterm - 1].z = v[2];
	m->term[m->nterm - 1].p = v[3];
	m->term[m->nterm - 1].mean = v[4];
	return LMI_OK;
}

int lmi_model_read(struct lmi_model *m, const char *path, char *err, size_t errsz)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	char msg[300];
	int rc;

	memset(m, 0, sizeof(*m));
	m->target_col = -1;
	m->tier_low = 0.2;
	m->tier_high = 0.5;
	rc = lmi_csv_open(&r, path, &o);
	if (rc != LMI_OK) {
		seterr(err, errsz, "%s", r.err);
		goto out;
	}
	if (r.header.n != 6 || strcmp(r.header.f[0], "term") != 0) {
		seterr(err, errsz, "not an lmi model file (header must start with 'term')");
		rc = LMI_EPARSE;
		goto out;
	}
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		msg[0] = '\0';
		if (row.f[0][0] == '@')
			rc = read_meta(m, &row, msg, sizeof(msg));
		else
			rc = read_term(m, &row, msg, sizeof(msg));
		if (rc != LMI_OK) {
			seterr(err, errsz, "line %lu: %s", row.line,
			       msg[0] ? msg : "out of memory");
			goto out;
		}
	}
	if (rc < 0) {
		seterr(err, errsz, "line %lu: %s", r.err_line, r.err);
		goto out;
	}
	rc = LMI_EPARSE;
	if (m->target == NULL || m->nterm == 0) {
		seterr(err, errsz, "no @target or no terms");
		goto out;
	}
	/* Sort levels back into file order semantics: ref was interned first. */
	for (size_t j = 0; j < m->nfeat; j++) {
		struct lmi_model_feature *f = &m->feat[j];
		size_t *map;

		if (!f->categorical)
			continue;
		if (sort_levels(f, &map) != LMI_OK) {
			free(map);
			rc = LMI_ENOMEM;
			goto out;
		}
		f->ref = map[0];
		for (size_t t = 0; t < m->nterm; t++)
			if (m->term[t].feature == (int)j && m->term[t].kind == LMI_TERM_LEVEL)
				m->term[t].level = map[m->term[t].level];
		free(map);
	}
	rc = link_terms(m);
	for (size_t j = 0; rc == LMI_OK && j < m->nfeat; j++)
		if (!m->feat[j].categorical && m->feat[j].tnum < 0) {
			seterr(err, errsz, "numeric feature '%s' has no term", m->feat[j].name);
			rc = LMI_EPARSE;
		}
	for (size_t a = 1; rc == LMI_OK && a < m->nterm; a++)
		m->feat[m->term[a].feature].bmean += m->term[a].est * m->term[a].mean;
out:
	lmi_csv_close(&r);
	if (rc == LMI_ENOMEM)
		seterr(err, errsz, "out of memory");
	return rc < 0 ? rc : LMI_OK;
}

/* ---- scoring ---- */

/*
 * The sum over f's terms of est * x for value s (length n): *bx, or a
 * negative status with *rule saying why ("missing", "not_numeric",
 * "unknown_level").
 */
static int feature_bx(const struct lmi_model *m, const struct lmi_model_feature *f,
		      const char *s, size_t n, double *bx, const char **rule)
{
	double v;

	if (is_missing(m, s, n)) {
		if (f->tmiss < 0) {
			*rule = "missing";
			return LMI_EPARSE;
		}
		*bx = m->term[f->tmiss].est;
		if (!f->categorical)
			*bx += m->term[f->tnum].est * (f->impute - f->center) / f->scale;
	} else if (!f->categorical) {
		if (num_parse(s, n, &v) != LMI_OK) {
			*rule = "not_numeric";
			return LMI_EPARSE;
		}
		*bx = m->term[f->tnum].est * (v - f->center) / f->scale;
	} else {
		long l = level_find(f, s, n);

		if (l < 0) {
			*rule = "unknown_level";
			return LMI_EPARSE;
		}
		*bx = f->lterm[l] >= 0 ? m->term[f->lterm[l]].est : 0;
	}
	return LMI_OK;
}

/*
 * The memo: per feature, a direct-mapped table from values of 1 to 8 bytes
 * to what scoring and the reasons text make of them.  Values repeat (ages,
 * codes, flags), and a hit replaces parsing, arithmetic and formatting by
 * one load; the same doubles and text come out either way.
 */
#define MEMO_BITS 9

struct memo_slot {
	uint64_t key;          /* the value's bytes (value_key()) */
	double bx;             /* feature_bx() of the value */
	unsigned char len;     /* the value's length; 0 for an empty slot */
	unsigned char fraglen; /* length of frag, 0 when it would not fit */
	char frag[46];         /* the value's reason as the text shows it: "age=52 +0.41" */
};

struct lmi_model_memo {
	struct memo_slot *slot;        /* nfeat << MEMO_BITS */
	const struct memo_slot **used; /* per feature: the slot of the last row's value, or NULL */
	unsigned char *name_q;         /* per feature: the name holds a byte CSV must quote */
};

/* Packs a value of 1 to 8 bytes into a word: with its length, it is the value. */
static inline uint64_t value_key(const char *s, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Two overlapping loads; the bytes they share land in the same place. */
	if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return a | (uint64_t)b << (8 * (n - 4));
	}
	if (n >= 2) {
		uint16_t a, b;

		memcpy(&a, s, 2);
		memcpy(&b, s + n - 2, 2);
		return a | (uint64_t)b << (8 * (n - 2));
	}
	return (unsigned char)s[0];
#else
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return k;
#endif
}

struct lmi_model_memo *lmi_model_memo_new(const struct lmi_model *m)
{
	struct lmi_model_memo *mm = calloc(1, sizeof(*mm));

	if (mm == NULL)
		return NULL;
	/* + 1: never calloc(0), which may return NULL */
	mm->slot = calloc((m->nfeat << MEMO_BITS) + 1, sizeof(*mm->slot));
	mm->used = calloc(m->nfeat + 1, sizeof(*mm->used));
	mm->name_q = calloc(m->nfeat + 1, 1);
	if (mm->slot == NULL || mm->used == NULL || mm->name_q == NULL) {
		lmi_model_memo_free(mm);
		return NULL;
	}
	for (size_t j = 0; j < m->nfeat; j++) {
		const struct lmi_model_feature *f = &m->feat[j];

		mm->name_q[j] = (unsigned char)lmi_csvw_needs_quotes(f->name, f->namelen, ',');
	}
	return mm;
}

void lmi_model_memo_free(struct lmi_model_memo *mm)
{
	if (mm == NULL)
		return;
	free(mm->slot);
	free(mm->used);
	free(mm->name_q);
	free(mm);
}

static size_t fmt_fixed(char *buf, double v, int decimals, int plus);

/* Looks up (or computes and keeps) feature j's value s of length n. */
static int memo_bx(const struct lmi_model *m, struct lmi_model_memo *mm, size_t j,
		   const char *s, size_t n, double *bx, const char **rule)
{
	const struct lmi_model_feature *f = &m->feat[j];
	struct memo_slot *sl;
	char num[40];
	size_t k, dlen = n;
	const char *disp = s;
	uint64_t key;
	int rc;

	mm->used[j] = NULL;
	if (n == 0 || n > 8)
		return feature_bx(m, f, s, n, bx, rule);
	key = value_key(s, n);
	sl = &mm->slot[(j << MEMO_BITS) + ((key * 0x9E3779B97F4A7C15ull) >> (64 - MEMO_BITS))];
	if (sl->len == n && sl->key == key) {
		*bx = sl->bx;
		mm->used[j] = sl;
		return LMI_OK;
	}
	rc = feature_bx(m, f, s, n, bx, rule);
	if (rc != LMI_OK)
		return rc;
	sl->key = key;
	sl->len = (unsigned char)n;
	sl->bx = *bx;
	/* The reason as lmi_model_reasons() writes it: name=value, a space, the contribution. */
	k = fmt_fixed(num, *bx - f->bmean, 2, 1);
	if (is_missing(m, s, n)) {
		disp = "(missing)";
		dlen = 9;
	}
	sl->fraglen = 0;
	if (f->namelen + dlen + k + 2 <= sizeof(sl->frag)) {
		memcpy(sl->frag, f->name, f->namelen);
		sl->frag[f->namelen] = '=';
		memcpy(sl->frag + f->namelen + 1, disp, dlen);
		sl->frag[f->namelen + 1 + dlen] = ' ';
		memcpy(sl->frag + f->namelen + dlen + 2, num, k);
		sl->fraglen = (unsigned char)(f->namelen + dlen + k + 2);
	}
	mm->used[j] = sl;
	return LMI_OK;
}

int lmi_model_score_memo(const struct lmi_model *m, struct lmi_model_memo *mm,
			 const struct lmi_csv_row *row, double *p, double *lp, double *contrib,
			 struct lmi_score_err *e)
{
	double eta = m->term[0].est;

	for (size_t j = 0; j < m->nfeat; j++) {
		const struct lmi_model_feature *f = &m->feat[j];
		const char *s = row->f[f->col];
		size_t n = row->len[f->col];
		double bx;
		int rc = mm ? memo_bx(m, mm, j, s, n, &bx, &e->rule)
			    : feature_bx(m, f, s, n, &bx, &e->rule);

		if (rc != LMI_OK) {
			e->feature = (int)j;
			e->value = s;
			return LMI_EPARSE;
		}
		eta += bx;
		if (contrib != NULL)
			contrib[j] = bx - f->bmean;
	}
	*lp = eta;
	*p = 1 / (1 + exp(-eta));
	return LMI_OK;
}

int lmi_model_score(const struct lmi_model *m, const struct lmi_csv_row *row, double *p,
		    double *lp, double *contrib, struct lmi_score_err *e)
{
	return lmi_model_score_memo(m, NULL, row, p, lp, contrib, e);
}

int lmi_model_parse_tiers(const char *s, double *low, double *high)
{
	double lo = NAN, hi = NAN;
	const char *c = s;

	while (c != NULL && *c != '\0') {
		const char *comma = strchr(c, ',');
		size_t n = comma ? (size_t)(comma - c) : strlen(c);
		char buf[64];
		double v;

		if (n >= sizeof(buf))
			return LMI_EINVAL;
		memcpy(buf, c, n);
		buf[n] = '\0';
		if (strncmp(buf, "low:", 4) == 0 && lmi_model_num(buf + 4, &v) == LMI_OK)
			lo = v;
		else if (strncmp(buf, "high:", 5) == 0 && lmi_model_num(buf + 5, &v) == LMI_OK)
			hi = v;
		else
			return LMI_EINVAL;
		c = comma ? comma + 1 : NULL;
	}
	if (!(lo > 0 && lo <= hi && hi < 1))
		return LMI_EINVAL;
	*low = lo;
	*high = hi;
	return LMI_OK;
}

const char *lmi_model_tier(double p, double low, double high)
{
	if (p >= high)
		return "high";
	if (p >= low)
		return "medium";
	return "low";
}

/* ---- --where ---- */

int lmi_where_parse(struct lmi_where *w, const char *arg)
{
	const char *eq = strchr(arg, '=');

	memset(w, 0, sizeof(*w));
	w->idx = -1;
	if (eq == NULL || eq == arg)
		return LMI_EINVAL;
	w->col = dupstr(arg, (size_t)(eq - arg));
	w->val = dupstr(eq + 1, strlen(eq + 1));
	if (w->col == NULL || w->val == NULL) {
		lmi_where_release(w);
		return LMI_ENOMEM;
	}
	return LMI_OK;
}

void lmi_where_release(struct lmi_where *w)
{
	free(w->col);
	free(w->val);
	w->col = NULL;
	w->val = NULL;
}

int lmi_where_bind(struct lmi_where *w, size_t n, const struct lmi_csv *r)
{
	for (size_t i = 0; i < n; i++) {
		w[i].idx = lmi_csv_col(r, w[i].col);
		if (w[i].idx < 0)
			return (int)i;
	}
	return -1;
}

int lmi_where_match(const struct lmi_where *w, size_t n, const struct lmi_csv_row *row)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(row->f[w[i].idx], w[i].val) != 0)
			return 0;
	return 1;
}

int lmi_model_summary(const struct lmi_model *m, FILE *fp)
{
	size_t w = 11;

	for (size_t t = 0; t < m->nterm; t++)
		if (strlen(m->term[t].name) > w)
			w = strlen(m->term[t].name);
	fprintf(fp, "Coefficients:\n%-*s %14s %14s %10s %12s\n", (int)w, "", "Estimate",
		"Std. Error", "z value", "Pr(>|z|)");
	for (size_t t = 0; t < m->nterm; t++) {
		const struct lmi_model_term *tm = &m->term[t];

		fprintf(fp, "%-*s %14.7g %14.7g %10.4g %12.4g\n", (int)w, tm->name, tm->est, tm->se,
			tm->z, tm->p);
	}
	fprintf(fp, "\n    Null deviance: %.6g  on %llu  degrees of freedom\n", m->fit.null_dev,
		m->fit.n - 1);
	fprintf(fp, "Residual deviance: %.6g  on %llu  degrees of freedom\n", m->fit.dev,
		m->fit.n - (unsigned long long)m->nterm);
	fprintf(fp, "AIC: %.6g\n\nNumber of Fisher Scoring iterations: %d\n", m->fit.aic,
		m->fit.iter);
	if (m->standardize)
		fprintf(fp, "Numeric features standardised: (x - mean) / sd\n");
	if (m->l2 > 0)
		fprintf(fp, "L2 penalty %g (intercept unpenalised); standard errors from the "
			"penalised information\n", m->l2);
	return ferror(fp) ? LMI_EIO : LMI_OK;
}

/* The body of lmi_model_fmt_fixed(), inlined where decimals is a constant. */
static inline __attribute__((always_inline)) size_t fmt_fixed(char *buf, double v, int decimals,
							       int plus)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	static const unsigned long long upow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
						     1e9, 1e10 };
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	unsigned long long u;
	uint32_t x;
	size_t n = 0, nd, len;
	double t, frac;
	char *p;
	int i, w;

	/*
	 * t = |v| * 10^decimals is one rounding away from the exact product: while t < 1e9
	 * the error is below 2^-24, so outside 1e-6 of a halfway point rounding t gives
	 * printf's digits.  Near a halfway point, or for larger t, printf decides.
	 */
	if (decimals < 0 || decimals > 9 || !(fabs(v) < 1e9))
		goto slow;
	t = fabs(v) * pow10[decimals];
	u = (unsigned long long)t;
	frac = t - (double)u; /* exact */
	if (!(t < 1e9) || fabs(frac - 0.5) < 1e-6)
		goto slow;
	u += frac > 0.5;
	if (v < 0 && u != 0)
		buf[n++] = '-';
	else if (plus)
		buf[n++] = '+';
	/* At least one digit before the point; u <= 1e9 has at most 10 digits. */
	nd = (size_t)decimals + 1;
	while (nd < 10 && u >= upow10[nd])
		nd++;
	len = n + nd + (decimals > 0);
	/* Right to left, two digits at a time; u <= 1e9 fits 32 bits, where dividing is cheaper. */
	x = (uint32_t)u;
	p = buf + len;
	*p = '\0';
	for (i = decimals; i >= 2; i -= 2) {
		p -= 2;
		memcpy(p, pairs + 2 * (x % 100), 2);
		x /= 100;
	}
	if (i == 1) {
		*--p = (char)('0' + x % 10);
		x /= 10;
	}
	if (decimals > 0)
		*--p = '.';
	while (x >= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (x % 100), 2);
		x /= 100;
	}
	if (x >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * x, 2);
	} else {
		*--p = (char)('0' + x);
	}
	return len;
slow:
	/* v + 0.0 turns -0.0 into 0.0; a huge v is cut at 39 bytes. */
	w = snprintf(buf, 40, plus ? "%+.*f" : "%.*f", decimals, v + 0.0);
	return w < 0 ? 0 : w > 39 ? 39 : (size_t)w;
}

size_t lmi_model_fmt_fixed(char *buf, double v, int decimals, int plus)
{
	/* The probability (6) and the contributions (2) get their own unrolled copies. */
	if (decimals == 6)
		return fmt_fixed(buf, v, 6, plus);
	if (decimals == 2)
		return fmt_fixed(buf, v, 2, plus);
	return fmt_fixed(buf, v, decimals, plus);
}

/* Makes room for `need` more bytes after *len.  Returns LMI_OK or LMI_ENOMEM. */
static int buf_reserve(char **buf, size_t *cap, size_t len, size_t need)
{
	size_t c = *cap ? *cap : 128;
	char *b;

	if (len + need <= *cap)
		return LMI_OK;
	while (c < len + need)
		c *= 2;
	b = realloc(*buf, c);
	if (b == NULL)
		return LMI_ENOMEM;
	*buf = b;
	*cap = c;
	return LMI_OK;
}

/*
 * Top-k by insertion into a short sorted list: the order is larger |contribution|
 * first, then feature order, and features arrive in feature order, so a newcomer
 * goes before an entry only when its |contribution| is strictly larger.  A NaN
 * compares false and so stays after every number.
 */
static size_t top_k(const double *c, size_t nfeat, size_t k, size_t *top)
{
	size_t got = 0;

	for (size_t j = 0; k > 0 && j < nfeat; j++) {
		double a = fabs(c[j]);
		size_t i;

		if (got == k && !(a > fabs(c[top[k - 1]])))
			continue;
		i = got < k ? got++ : k - 1;
		for (; i > 0 && a > fabs(c[top[i - 1]]); i--)
			top[i] = top[i - 1];
		top[i] = j;
	}
	return got;
}

int lmi_model_reasons_memo(const struct lmi_model *m, const struct lmi_model_memo *mm,
			   const struct lmi_csv_row *row, const double *contrib, size_t k,
			   char **buf, size_t *cap, int *needq)
{
	size_t stack[16], *top = stack, n, len = 0;
	int rc, q = 0;

	if (k > m->nfeat)
		k = m->nfeat;
	if (k > sizeof(stack) / sizeof(stack[0])) {
		top = malloc(k * sizeof(*top));
		if (top == NULL)
			return LMI_ENOMEM;
	}
	n = top_k(contrib, m->nfeat, k, top);
	rc = buf_reserve(buf, cap, 0, 1); /* the NUL of an empty list */
	for (size_t r = 0; rc == LMI_OK && r < n; r++) {
		const struct lmi_model_feature *f = &m->feat[top[r]];
		const struct memo_slot *sl = mm ? mm->used[top[r]] : NULL;
		const char *v = row->f[f->col];
		size_t vlen = row->len[f->col];

		if (is_missing(m, v, vlen)) {
			v = "(missing)";
			vlen = 9;
		} else if (needq != NULL) {
			q |= row->needq ? row->needq[f->col] : lmi_csvw_needs_quotes(v, vlen, ',');
		}
		if (needq != NULL)
			q |= mm ? mm->name_q[top[r]]
				: lmi_csvw_needs_quotes(f->name, f->namelen, ',');
		/* "; " name "=" value " " and at most 40 bytes of number, or "; " and a frag */
		rc = buf_reserve(buf, cap, len, f->namelen + vlen + 2 + sizeof(sl->frag) + 45);
		if (rc != LMI_OK)
			break;
		if (r > 0) {
			memcpy(*buf + len, "; ", 2);
			len += 2;
		}
		if (sl != NULL && sl->fraglen > 0) {
			/* One fixed-size copy, past the end of the text: there is room. */
			memcpy(*buf + len, sl->frag, sizeof(sl->frag));
			len += sl->fraglen;
			continue;
		}
		memcpy(*buf + len, f->name, f->namelen);
		len += f->namelen;
		(*buf)[len++] = '=';
		memcpy(*buf + len, v, vlen);
		len += vlen;
		(*buf)[len++] = ' ';
		len += fmt_fixed(*buf + len, contrib[top[r]], 2, 1);
	}
	if (rc == LMI_OK)
		(*buf)[len] = '\0';
	if (top != stack)
		free(top);
	if (needq != NULL)
		*needq = q;
	return rc == LMI_OK ? (int)len : rc;
}

int lmi_model_reasons(const struct lmi_model *m, const struct lmi_csv_row *row,
		      const double *contrib, size_t k, char **buf, size_t *cap)
{
	return lmi_model_reasons_memo(m, NULL, row, contrib, k, buf, cap, NULL);
}

long lmi_model_level_intern(struct lmi_model_feature *f, const char *s, size_t n)
{
	return level_intern(f, s, n);
}

int lmi_model_levels_sort(struct lmi_model_feature *f, size_t **map)
{
	return sort_levels(f, map);
}

void lmi_model_levels_release(struct lmi_model_feature *f)
{
	for (size_t l = 0; l < f->nlevels; l++)
		free(f->levels[l]);
	free(f->levels);
	free(f->hash);
	memset(f, 0, sizeof(*f));
}

/* Person linkage: blocking, field comparators, Fellegi-Sunter weights with m/u estimated by EM. */
#include "link.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "strsim.h"
#include "banned.h"

#define JW_HIGH 0.92
#define JW_LOW 0.85
#define PROB_FLOOR 1e-6
#define LAMBDA_FLOOR 1e-12
#define CODE_BASE 6 /* digits of a comparison-vector code: 0 missing, level + 1 */

/* --- Comparators ------------------------------------------------------------ */

const char *lmi_link_cmp_name(enum lmi_link_cmp c)
{
	switch (c) {
	case LMI_CMP_AUTO:
		return "auto";
	case LMI_CMP_EXACT:
		return "exact";
	case LMI_CMP_JW:
		return "jw";
	case LMI_CMP_ID:
		return "id";
	case LMI_CMP_NUM:
		return "num";
	case LMI_CMP_DATE:
		return "date";
	}
	return "?";
}

int lmi_link_cmp_levels(enum lmi_link_cmp c)
{
	switch (c) {
	case LMI_CMP_JW:
		return 4;
	case LMI_CMP_ID:
	case LMI_CMP_NUM:
		return 3;
	case LMI_CMP_DATE:
		return 5;
	default:
		return 2;
	}
}

const char *lmi_link_level_name(enum lmi_link_cmp c, int level)
{
	static const char *const exact[] = { "other", "equal" };
	static const char *const jw[] = { "other", "jaro-winkler >= 0.85", "jaro-winkler >= 0.92",
					  "equal" };
	static const char *const id[] = { "other", "one edit (osa distance 1)", "equal" };
	static const char *const num[] = { "other", "within tolerance", "equal" };
	static const char *const date[] = { "other", "within 365 days", "one of y/m/d differs",
					    "day and month swapped", "equal" };

	if (level < 0 || level >= lmi_link_cmp_levels(c))
		return "missing";
	switch (c) {
	case LMI_CMP_JW:
		return jw[level];
	case LMI_CMP_ID:
		return id[level];
	case LMI_CMP_NUM:
		return num[level];
	case LMI_CMP_DATE:
		return date[level];
	default:
		return exact[level];
	}
}

int lmi_link_parse_date(const char *s, int *y, int *m, int *d)
{
	long part[3] = { 0, 0, 0 };
	int nd[3] = { 0, 0, 0 };
	const char *p = s;
	int k = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (k < 3) {
		while (*p >= '0' && *p <= '9' && nd[k] < 9) {
			part[k] = part[k] * 10 + (*p - '0');
			nd[k]++;
			p++;
		}
		if (k < 2 && (*p == '-' || *p == '/' || *p == '.') && nd[k] > 0) {
			p++;
			k++;
			continue;
		}
		break;
	}
	if (*p == '.' && k == 2)
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	if (k == 0 && nd[0] == 8) {
		part[2] = part[0] % 100;
		part[1] = part[0] / 100 % 100;
		part[0] /= 10000;
	} else if (k != 2 || nd[0] != 4 || nd[1] < 1 || nd[1] > 2 || nd[2] < 1 || nd[2] > 2) {
		return -1;
	}
	if (part[0] < 1000 || part[0] > 2999 || part[1] < 1 || part[1] > 31 || part[2] < 1 ||
	    part[2] > 31)
		return -1;
	*y = (int)part[0];
	*m = (int)part[1];
	*d = (int)part[2];
	return 0;
}

/* Parses a whole-string finite number; 0 or -1. */
static int parse_number(const char *s, double *x)
{
	char *end;
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0' || errno != 0 || !isfinite(v))
		return -1;
	*x = v;
	return 0;
}

/*
 * Normalises UTF-8 text into code points: trims, collapses runs of spaces and
 * tabs to one space, upper-cases ASCII.  `id` also drops spaces and - . /.
 * out needs room for n entries.  Returns the number of code points.
 */
static size_t norm_text(const char *s, size_t n, int id, uint32_t *out)
{
	size_t k = lmi_utf8_to_cp(s, n, out), j = 0;
	int space = 0;

	for (size_t i = 0; i < k; i++) {
		uint32_t c = out[i];

		if (c == ' ' || c == '\t' || c == 0x3000) {
			space = 1;
			continue;
		}
		if (id && (c == '-' || c == '.' || c == '/'))
			continue;
		if (space && j > 0 && !id)
			out[j++] = ' ';
		space = 0;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		out[j++] = c;
	}
	return j;
}

/*
 * Jaro-Winkler and edit distance take time proportional to the product of the
 * lengths, so a hostile 1 MB "name" would stall a run: they see at most the
 * first LMI_LINK_MAX_CP code points (equality still looks at the whole value).
 */
static size_t cap_cp(size_t n)
{
	return n < LMI_LINK_MAX_CP ? n : LMI_LINK_MAX_CP;
}

/* Compares two prepared values; the level, or -1 when one is missing. */
static int compare_vals(enum lmi_link_cmp c, double tol, const struct lmi_link_val *va,
			const uint32_t *ca, const struct lmi_link_val *vb, const uint32_t *cb)
{
	int same, dist;
	double j;

	if (!va->ok || !vb->ok)
		return -1;
	if (c != LMI_CMP_NUM && c != LMI_CMP_DATE)
		same = va->h == vb->h && va->n == vb->n &&
		       memcmp(ca, cb, va->n * sizeof(uint32_t)) == 0;
	else
		same = 0;
	switch (c) {
	case LMI_CMP_JW:
		if (same)
			return 3;
		j = lmi_jaro_winkler(ca, cap_cp(va->n), cb, cap_cp(vb->n));
		if (j < 0)
			return LMI_ENOMEM - 100;
		return j >= JW_HIGH ? 2 : j >= JW_LOW ? 1 : 0;
	case LMI_CMP_ID:
		if (same)
			return 2;
		dist = lmi_osa_distance(ca, cap_cp(va->n), cb, cap_cp(vb->n), 1);
		if (dist < 0)
			return LMI_ENOMEM - 100;
		return dist <= 1 ? 1 : 0;
	case LMI_CMP_NUM:
		if (va->x == vb->x)
			return 2;
		return fabs(va->x - vb->x) <= tol ? 1 : 0;
	case LMI_CMP_DATE:
		if (va->y == vb->y && va->mo == vb->mo && va->d == vb->d)
			return 4;
		if (va->y == vb->y && va->mo == vb->d && va->d == vb->mo)
			return 3;
		if ((va->y == vb->y) + (va->mo == vb->mo) + (va->d == vb->d) == 2)
			return 2;
		if ((va->ok & 2) && (vb->ok & 2) && fabs(va->x - vb->x) <= 365)
			return 1;
		return 0;
	default:
		return same ? 1 : 0;
	}
}

/*
 * Prepares one raw value for comparator c, appending its code points to
 * *cp (growing it).  Returns 0, 1 when the value is present but unreadable
 * (then it counts as missing), or LMI_ENOMEM / LMI_ETOOBIG.
 */
static int prepare_val(enum lmi_link_cmp c, const char *s, size_t n, struct lmi_link_val *v,
		       uint32_t **cp, size_t *ncp, size_t *cpcap)
{
	int y, m, d;

	memset(v, 0, sizeof(*v));
	v->x = -1;
	if (c == LMI_CMP_NUM) {
		if (parse_number(s, &v->x) < 0) {
			for (size_t i = 0; i < n; i++)
				if (s[i] != ' ' && s[i] != '\t')
					return 1;
			return 0;
		}
		v->ok = 1;
		return 0;
	}
	if (c == LMI_CMP_DATE) {
		if (lmi_link_parse_date(s, &y, &m, &d) < 0) {
			for (size_t i = 0; i < n; i++)
				if (s[i] != ' ' && s[i] != '\t')
					return 1;
			return 0;
		}
		v->y = (short)y;
		v->mo = (signed char)m;
		v->d = (signed char)d;
		v->ok = 1;
		if (lmi_date_valid(y, m, d)) {
			v->x = (double)lmi_days_from_civil(y, m, d);
			v->ok |= 2; /* a real calendar date: day distances apply */
		}
		return 0;
	}
	if (*ncp + n > UINT32_MAX)
		return LMI_ETOOBIG;
	if (*ncp + n > *cpcap) {
		size_t nc = *cpcap ? *cpcap : 1024;
		uint32_t *p;

		while (nc < *ncp + n)
			nc *= 2;
		p = realloc(*cp, nc * sizeof(uint32_t));
		if (p == NULL)
			return LMI_ENOMEM;
		*cp = p;
		*cpcap = nc;
	}
	v->off = (uint32_t)*ncp;
	v->n = (uint32_t)norm_text(s, n, c == LMI_CMP_ID, *cp + *ncp);
	/* FNV-1a over the code points: unequal hashes skip the memcmp of equal lengths. */
	v->h = 2166136261u;
	for (uint32_t i = 0; i < v->n; i++)
		v->h = (v->h ^ (*cp)[*ncp + i]) * 16777619u;
	*ncp += v->n;
	v->ok = v->n > 0;
	return 0;
}

int lmi_link_compare(enum lmi_link_cmp c, double tol, const char *a, const char *b)
{
	struct lmi_link_val va, vb;
	uint32_t *cp = NULL;
	size_t ncp = 0, cap = 0;
	int rc;

	rc = prepare_val(c, a, strlen(a), &va, &cp, &ncp, &cap);
	if (rc >= 0)
		rc = prepare_val(c, b, strlen(b), &vb, &cp, &ncp, &cap);
	if (rc < 0) {
		free(cp);
		return LMI_ENOMEM - 100;
	}
	rc = compare_vals(c, tol, &va, cp ? cp + va.off : NULL, &vb, cp ? cp + vb.off : NULL);
	free(cp);
	return rc;
}

/* --- Fellegi-Sunter model and EM ---------------------------------------------- */

int lmi_fs_init(struct lmi_fs *fs, size_t nf, const int *nlev)
{
	memset(fs, 0, sizeof(*fs));
	if (nf > LMI_LINK_MAX_FIELDS)
		return LMI_EINVAL;
	fs->nf = nf;
	for (size_t k = 0; k < nf; k++) {
		int L = nlev[k];

		if (L < 2 || L > LMI_LINK_MAX_LEVELS)
			return LMI_EINVAL;
		fs->nlev[k] = L;
		for (int l = 0; l < L - 1; l++) {
			fs->m[k][l] = 0.1 / (L - 1);
			fs->u[k][l] = 0.9 / (L - 1);
		}
		fs->m[k][L - 1] = 0.9;
		fs->u[k][L - 1] = 0.1;
	}
	fs->lambda = 0.1;
	return LMI_OK;
}

/* Floors every probability of a field at PROB_FLOOR and renormalises the field. */
static void floor_field(double *p, int L)
{
	double s = 0;

	for (int l = 0; l < L; l++) {
		if (p[l] < PROB_FLOOR)
			p[l] = PROB_FLOOR;
		s += p[l];
	}
	for (int l = 0; l < L; l++)
		p[l] /= s;
}

int lmi_fs_em(struct lmi_fs *fs, const signed char *pat, const double *count, size_t npat,
	      const signed char *xpat, const double *xcount, size_t nx, double tol, int maxiter)
{
	const size_t nf = fs->nf;
	double prev = 0;

	fs->iterations = 0;
	fs->converged = 0;
	for (;;) {
		double sm[LMI_LINK_MAX_FIELDS][LMI_LINK_MAX_LEVELS];
		double su[LMI_LINK_MAX_FIELDS][LMI_LINK_MAX_LEVELS];
		double ll = 0, total = 0, gsum = 0;

		memset(sm, 0, sizeof(sm));
		memset(su, 0, sizeof(su));
		/* E-step, accumulating the sufficient statistics as we go. */
		for (size_t i = 0; i < npat + nx; i++) {
			int fixed = i >= npat; /* a known non-match: posterior 0 */
			const signed char *g = fixed ? xpat + (i - npat) * nf : pat + i * nf;
			double pm = fs->lambda, pu = 1.0 - fs->lambda, post;
			double n = fixed ? xcount[i - npat] : count[i];

			for (size_t k = 0; k < nf; k++) {
				if (g[k] < 0)
					continue;
				pm *= fs->m[k][g[k]];
				pu *= fs->u[k][g[k]];
			}
			post = fixed ? 0.0 : pm / (pm + pu);
			ll += n * log(fixed ? pu : pm + pu);
			total += n;
			gsum += n * post;
			for (size_t k = 0; k < nf; k++) {
				if (g[k] < 0)
					continue;
				sm[k][g[k]] += n * post;
				su[k][g[k]] += n * (1.0 - post);
			}
		}
		fs->loglik = ll;
		if (fs->iterations > 0 && fabs(ll - prev) <= tol * fabs(ll)) {
			fs->converged = 1;
			break;
		}
		if (fs->iterations >= maxiter || total <= 0)
			break;
		prev = ll;
		/* M-step. */
		fs->lambda = gsum / total;
		if (fs->lambda < LAMBDA_FLOOR)
			fs->lambda = LAMBDA_FLOOR;
		if (fs->lambda > 1.0 - PROB_FLOOR)
			fs->lambda = 1.0 - PROB_FLOOR;
		for (size_t k = 0; k < nf; k++) {
			double tm = 0, tu = 0;

			for (int l = 0; l < fs->nlev[k]; l++) {
				tm += sm[k][l];
				tu += su[k][l];
			}
			/* A field missing in every vector keeps its values. */
			if (tm > 0) {
				for (int l = 0; l < fs->nlev[k]; l++)
					fs->m[k][l] = sm[k][l] / tm;
				floor_field(fs->m[k], fs->nlev[k]);
			}
			if (tu > 0) {
				for (int l = 0; l < fs->nlev[k]; l++)
					fs->u[k][l] = su[k][l] / tu;
				floor_field(fs->u[k], fs->nlev[k]);
			}
		}
		fs->iterations++;
	}
	return LMI_OK;
}

double lmi_fs_weight(const struct lmi_fs *fs, const signed char *gamma)
{
	double w = 0;

	for (size_t k = 0; k < fs->nf; k++)
		if (gamma[k] >= 0)
			w += log2(fs->m[k][gamma[k]] / fs->u[k][gamma[k]]);
	return w;
}

double lmi_fs_probability(const struct lmi_fs *fs, double w)
{
	double lo = log2(fs->lambda / (1.0 - fs->lambda)) + w;

	return 1.0 / (1.0 + exp2(-lo));
}

/* --- Engine: setup ---------------------------------------------------------- */

static int fail(struct lmi_link *lk, int status, const char *file, unsigned long line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct lmi_link *lk, int status, const char *file, unsigned long line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lk->err, sizeof(lk->err), fmt, ap);
	va_end(ap);
	lk->err_file = file;
	lk->err_line = line;
	return status;
}

void lmi_link_init(struct lmi_link *lk)
{
	memset(lk, 0, sizeof(*lk));
	lk->threshold = 0.5;
	lk->max_pairs = LMI_LINK_MAX_PAIRS;
	lk->em_tol = 1e-10;
	lk->em_maxiter = 1000;
	lk->u_sample = LMI_LINK_U_SAMPLE;
}

static void file_release(struct lmi_link_file *f)
{
	for (size_t i = 0; i < f->nrec; i++)
		free(f->rows[i]);
	free(f->rows);
	free(f->line);
	free(f->val);
	free(f->cp);
	free(f->hdr);
	free(f->name);
}

void lmi_link_release(struct lmi_link *lk)
{
	free(lk->id[0]);
	free(lk->id[1]);
	for (size_t k = 0; k < lk->nf; k++) {
		free(lk->f[k].name[0]);
		free(lk->f[k].name[1]);
	}
	for (size_t b = 0; b < lk->nb; b++) {
		free(lk->b[b].spec);
		for (size_t p = 0; p < lk->b[b].nparts; p++) {
			free(lk->b[b].part[p].name[0]);
			free(lk->b[b].part[p].name[1]);
		}
	}
	file_release(&lk->file[0]);
	file_release(&lk->file[1]);
	free(lk->pair);
	free(lk->code);
	free(lk->pcode);
	free(lk->pcount);
	free(lk->pweight);
	free(lk->pprob);
	free(lk->linked);
	memset(lk, 0, sizeof(*lk));
}

/* Splits "A=B" (n bytes) into two allocated names; B = A when there is no '='. */
static int split_names(const char *s, size_t n, char **a, char **b)
{
	const char *eq = memchr(s, '=', n);
	size_t na = eq ? (size_t)(eq - s) : n;

	*a = strndup(s, na);
	*b = eq ? strndup(eq + 1, n - na - 1) : strndup(s, n);
	if (*a == NULL || *b == NULL) {
		free(*a);
		free(*b);
		*a = *b = NULL;
		return LMI_ENOMEM;
	}
	if (**a == '\0' || **b == '\0') {
		free(*a);
		free(*b);
		*a = *b = NULL;
		return LMI_EINVAL;
	}
	return LMI_OK;
}

int lmi_link_set_id(struct lmi_link *lk, const char *spec)
{
	int rc;

	free(lk->id[0]);
	free(lk->id[1]);
	lk->id[0] = lk->id[1] = NULL;
	rc = split_names(spec, strlen(spec), &lk->id[0], &lk->id[1]);
	if (rc == LMI_EINVAL)
		return fail(lk, rc, NULL, 0, "empty column name in --id '%s'", spec);
	if (rc != LMI_OK)
		return fail(lk, rc, NULL, 0, "out of memory");
	return LMI_OK;
}

static int add_field(struct lmi_link *lk, const char *item, size_t n)
{
	const char *c1 = memchr(item, ':', n), *c2 = NULL;
	struct lmi_link_field *f;
	size_t nname = c1 ? (size_t)(c1 - item) : n;
	char cmp[16] = "", arg[64] = "";
	int rc;

	if (lk->nf >= LMI_LINK_MAX_FIELDS)
		return fail(lk, LMI_EINVAL, NULL, 0, "more than %d fields in --fields",
			    LMI_LINK_MAX_FIELDS);
	if (c1 != NULL) {
		size_t rest = n - nname - 1, nc;

		c2 = memchr(c1 + 1, ':', rest);
		nc = c2 ? (size_t)(c2 - c1 - 1) : rest;
		if (nc >= sizeof(cmp) || (c2 && (size_t)(item + n - c2 - 1) >= sizeof(arg)))
			return fail(lk, LMI_EINVAL, NULL, 0,
				    "bad comparator in --fields item '%.*s'", (int)n, item);
		memcpy(cmp, c1 + 1, nc);
		cmp[nc] = '\0';
		if (c2) {
			memcpy(arg, c2 + 1, (size_t)(item + n - c2 - 1));
			arg[item + n - c2 - 1] = '\0';
		}
	}
	f = &lk->f[lk->nf];
	memset(f, 0, sizeof(*f));
	f->tol = 1;
	if (cmp[0] == '\0' && c1 == NULL)
		f->cmp = LMI_CMP_AUTO;
	else if (strcmp(cmp, "exact") == 0)
		f->cmp = LMI_CMP_EXACT;
	else if (strcmp(cmp, "jw") == 0)
		f->cmp = LMI_CMP_JW;
	else if (strcmp(cmp, "id") == 0)
		f->cmp = LMI_CMP_ID;
	else if (strcmp(cmp, "num") == 0)
		f->cmp = LMI_CMP_NUM;
	else if (strcmp(cmp, "date") == 0)
		f->cmp = LMI_CMP_DATE;
	else
		return fail(lk, LMI_EINVAL, NULL, 0,
			    "unknown comparator '%s' in --fields (use exact, jw, id, num or date)",
			    cmp);
	if (c2 != NULL && f->cmp != LMI_CMP_NUM)
		return fail(lk, LMI_EINVAL, NULL, 0, "comparator '%s' takes no argument", cmp);
	if (c2 != NULL) {
		char *end;

		errno = 0;
		f->tol = strtod(arg, &end);
		if (arg[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(f->tol) ||
		    f->tol < 0)
			return fail(lk, LMI_EINVAL, NULL, 0, "bad tolerance '%s' for num", arg);
	}
	rc = split_names(item, nname, &f->name[0], &f->name[1]);
	if (rc == LMI_EINVAL)
		return fail(lk, rc, NULL, 0, "empty column name in --fields item '%.*s'", (int)n,
			    item);
	if (rc != LMI_OK)
		return fail(lk, rc, NULL, 0, "out of memory");
	lk->nf++;
	return LMI_OK;
}

int lmi_link_add_fields(struct lmi_link *lk, const char *spec)
{
	const char *p = spec;

	lk->fields_given = 1;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int rc = add_field(lk, p, n);

		if (rc != LMI_OK)
			return rc;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return LMI_OK;
}

int lmi_link_add_block(struct lmi_link *lk, const char *spec)
{
	struct lmi_link_block *b;
	const char *p = spec;

	if (lk->nb >= LMI_LINK_MAX_BLOCKS)
		return fail(lk, LMI_EINVAL, NULL, 0, "more than %d --block passes",
			    LMI_LINK_MAX_BLOCKS);
	b = &lk->b[lk->nb];
	memset(b, 0, sizeof(*b));
	b->spec = strdup(spec);
	if (b->spec == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	lk->nb++; /* counted now so that release frees what is parsed */
	for (;;) {
		const char *plus = strchr(p, '+');
		size_t n = plus ? (size_t)(plus - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		struct lmi_link_part *part;
		int rc;

		if (b->nparts >= LMI_LINK_MAX_PARTS)
			return fail(lk, LMI_EINVAL, NULL, 0, "more than %d columns in --block '%s'",
				    LMI_LINK_MAX_PARTS, spec);
		part = &b->part[b->nparts];
		if (colon != NULL) {
			char num[16];
			size_t nn = n - (size_t)(colon - p) - 1;
			long long v;
			const char *es;

			if (nn >= sizeof(num))
				nn = sizeof(num) - 1;
			memcpy(num, colon + 1, nn);
			num[nn] = '\0';
			if (strcmp(num, "sdx") == 0)
				part->phonetic = 1;
			else if (lmi_parse_long(num, 1, 1000, &v, &es) < 0)
				return fail(lk, LMI_EINVAL, NULL, 0,
					    "bad prefix length '%s' in --block '%s' (%s)", num,
					    spec, es);
			if (!part->phonetic)
				part->prefix = (unsigned)v;
			n = (size_t)(colon - p);
		}
		rc = split_names(p, n, &part->name[0], &part->name[1]);
		if (rc == LMI_EINVAL)
			return fail(lk, rc, NULL, 0, "empty column name in --block '%s'", spec);
		if (rc != LMI_OK)
			return fail(lk, rc, NULL, 0, "out of memory");
		b->nparts++;
		if (plus == NULL)
			break;
		p = plus + 1;
	}
	return LMI_OK;
}

/* --- Engine: reading ---------------------------------------------------------- */

/* Looks a column up by name; LMI_OK or LMI_EINVAL (the caller says which option named it). */
static int resolve(struct lmi_csv *r, const char *name, int *col)
{
	*col = lmi_csv_col(r, name);
	return *col < 0 ? LMI_EINVAL : LMI_OK;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

int lmi_link_read(struct lmi_link *lk, int side, struct lmi_csv *r)
{
	struct lmi_link_file *f = &lk->file[side];
	struct lmi_csv_row row;
	int rc;

	f->name = strdup(r->name);
	if (f->name == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	if (side == 1)
		lk->two = 1;
	if (r->header.n == 0)
		return fail(lk, LMI_EINVAL, f->name, 0, "empty input (no header row)");
	/* Check every named column before reading a single row. */
	if (resolve(r, lk->id[side], &lk->idcol[side]) != LMI_OK)
		return fail(lk, LMI_EINVAL, f->name, 0, "no column '%s' (--id)", lk->id[side]);
	for (size_t k = 0; k < lk->nf; k++)
		if (resolve(r, lk->f[k].name[side], &lk->f[k].col[side]) != LMI_OK)
			return fail(lk, LMI_EINVAL, f->name, 0, "no column '%s' (--fields)",
				    lk->f[k].name[side]);
	for (size_t b = 0; b < lk->nb; b++)
		for (size_t p = 0; p < lk->b[b].nparts; p++) {
			struct lmi_link_part *part = &lk->b[b].part[p];

			if (resolve(r, part->name[side], &part->col[side]) != LMI_OK)
				return fail(lk, LMI_EINVAL, f->name, 0, "no column '%s' (--block)",
					    part->name[side]);
		}
	f->hdr = lmi_csv_row_dup(&r->header);
	if (f->hdr == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	for (;;) {
		rc = lmi_csv_next(r, &row);
		if (rc == 0)
			break;
		if (rc < 0)
			return fail(lk, rc, f->name, r->err_line, "%s", r->err);
		if (row.n != f->hdr->n)
			return fail(lk, LMI_EPARSE, f->name, row.line,
				    "expected %zu fields, found %zu", f->hdr->n, row.n);
		if (is_blank(row.f[lk->idcol[side]], row.len[lk->idcol[side]]))
			return fail(lk, LMI_EINVAL, f->name, row.line, "empty id in column '%s'",
				    lk->id[side]);
		if (f->nrec >= UINT32_MAX - 1)
			return fail(lk, LMI_ETOOBIG, f->name, row.line, "more than %lu records",
				    (unsigned long)UINT32_MAX - 1);
		if (f->nrec == f->cap) {
			size_t nc = f->cap ? 2 * f->cap : 1024;
			struct lmi_csv_row **rows = realloc(f->rows, nc * sizeof(*rows));
			unsigned long *line;

			if (rows == NULL)
				return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
			f->rows = rows;
			line = realloc(f->line, nc * sizeof(*line));
			if (line == NULL)
				return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
			f->line = line;
			f->cap = nc;
		}
		f->rows[f->nrec] = lmi_csv_row_dup(&row);
		if (f->rows[f->nrec] == NULL)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		f->line[f->nrec] = row.line;
		f->nrec++;
	}
	return LMI_OK;
}

/* --- Engine: fields and values ------------------------------------------------ */

/* Returns 1 when the lower-cased column name has `word` as a '_'/'-'/' '/'.'-separated token. */
static int has_token(const char *name, const char *word)
{
	size_t wn = strlen(word);
	const char *p = name;

	while (*p != '\0') {
		size_t n = strcspn(p, "_-. ");

		if (n == wn) {
			size_t i;

			for (i = 0; i < n; i++)
				if (tolower((unsigned char)p[i]) != word[i])
					break;
			if (i == n)
				return 1;
		}
		p += n;
		if (*p != '\0')
			p++;
	}
	return 0;
}

static int name_has(const char *name, const char *word)
{
	size_t wn = strlen(word);

	for (const char *p = name; *p != '\0'; p++) {
		size_t i;

		for (i = 0; i < wn && p[i] != '\0'; i++)
			if (tolower((unsigned char)p[i]) != word[i])
				break;
		if (i == wn)
			return 1;
	}
	return 0;
}

/* Chooses a comparator for field k from its name and the values in both files. */
static enum lmi_link_cmp infer_cmp(const struct lmi_link *lk, size_t k)
{
	const struct lmi_link_field *f = &lk->f[k];
	const char *name = f->name[0];
	unsigned long long nonempty = 0, cps = 0, dates = 0, nums = 0;
	int sep = 0, all_date, all_num;

	for (int side = 0; side < 1 + lk->two; side++) {
		const struct lmi_link_file *fi = &lk->file[side];

		for (size_t i = 0; i < fi->nrec; i++) {
			const char *s = fi->rows[i]->f[f->col[side]];
			size_t n = fi->rows[i]->len[f->col[side]];
			int y, m, d;
			double x;

			if (is_blank(s, n))
				continue;
			nonempty++;
			for (size_t j = 0; j < n; j++)
				cps += ((unsigned char)s[j] & 0xc0) != 0x80;
			if (lmi_link_parse_date(s, &y, &m, &d) == 0) {
				dates++;
				if (strpbrk(s, "-/.") != NULL)
					sep = 1;
			}
			if (parse_number(s, &x) == 0)
				nums++;
		}
	}
	if (nonempty == 0)
		return LMI_CMP_EXACT;
	/* Nine in ten is enough: typos in a few values must not change the comparator. */
	all_date = dates * 10 >= nonempty * 9;
	all_num = nums * 10 >= nonempty * 9;
	if (all_date && (sep || name_has(name, "date") || name_has(name, "dob") ||
			 name_has(name, "birth")))
		return LMI_CMP_DATE;
	if (all_num && (name_has(name, "year") || has_token(name, "age")))
		return LMI_CMP_NUM;
	if (name_has(name, "name"))
		return LMI_CMP_JW;
	if (has_token(name, "id") || has_token(name, "key") || has_token(name, "no") ||
	    has_token(name, "number") || has_token(name, "phone") || has_token(name, "ssn") ||
	    has_token(name, "rrn"))
		return LMI_CMP_ID;
	if (!all_num && cps >= 5 * nonempty)
		return LMI_CMP_JW;
	return LMI_CMP_EXACT;
}

/* Adds every column of A other than the id that B has too, as an automatic field. */
static int default_fields(struct lmi_link *lk)
{
	const struct lmi_csv_row *ha = lk->file[0].hdr;
	const struct lmi_csv_row *hb = lk->file[lk->two].hdr;

	for (size_t c = 0; c < ha->n; c++) {
		size_t cb;
		struct lmi_link_field *f;

		if ((int)c == lk->idcol[0])
			continue;
		for (cb = 0; cb < hb->n; cb++)
			if ((int)cb != lk->idcol[lk->two] && strcmp(ha->f[c], hb->f[cb]) == 0)
				break;
		if (cb == hb->n)
			continue;
		if (lk->nf >= LMI_LINK_MAX_FIELDS)
			return fail(lk, LMI_EINVAL, NULL, 0,
				    "more than %d columns to compare; choose them with --fields",
				    LMI_LINK_MAX_FIELDS);
		f = &lk->f[lk->nf];
		memset(f, 0, sizeof(*f));
		f->tol = 1;
		f->cmp = LMI_CMP_AUTO;
		f->name[0] = strdup(ha->f[c]);
		f->name[1] = strdup(ha->f[c]);
		lk->nf++;
		if (f->name[0] == NULL || f->name[1] == NULL)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		f->col[0] = (int)c;
		f->col[1] = (int)cb;
	}
	if (lk->nf == 0)
		return fail(lk, LMI_EINVAL, NULL, 0,
			    "no column to compare besides the id; name them with --fields");
	return LMI_OK;
}

/* Prepares every compared value of one file. */
static int prepare_file(struct lmi_link *lk, int side)
{
	struct lmi_link_file *fi = &lk->file[side];

	fi->val = calloc(fi->nrec ? fi->nrec * lk->nf : 1, sizeof(*fi->val));
	if (fi->val == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < fi->nrec; i++) {
		for (size_t k = 0; k < lk->nf; k++) {
			struct lmi_link_field *f = &lk->f[k];
			int col = f->col[side];
			int rc = prepare_val(f->cmp, fi->rows[i]->f[col], fi->rows[i]->len[col],
					     &fi->val[i * lk->nf + k], &fi->cp, &fi->ncp,
					     &fi->cpcap);

			if (rc < 0)
				return fail(lk, rc, fi->name, fi->line[i], "%s", lmi_strerror(rc));
			if (rc == 1 && f->bad[side]++ == 0)
				f->bad_line[side] = fi->line[i];
		}
	}
	return LMI_OK;
}

/* --- Engine: blocking ---------------------------------------------------------- */

/* LSD radix sort of 64-bit keys; passes whose byte is the same everywhere are skipped. */
static int sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp, *src = v, *dst;
	size_t count[256];

	if (n < 2)
		return LMI_OK;
	tmp = malloc(n * sizeof(*tmp));
	if (tmp == NULL)
		return LMI_ENOMEM;
	dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		int skip = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		for (int b = 0; b < 256; b++)
			if (count[b] == n)
				skip = 1;
		if (skip)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		uint64_t *t = src;

		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return LMI_OK;
}

/* Sorts and removes repeated pairs. */
static int compact_pairs(struct lmi_link *lk)
{
	size_t j = 0;

	if (sort_u64(lk->pair, lk->npairs) != LMI_OK)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < lk->npairs; i++)
		if (j == 0 || lk->pair[i] != lk->pair[j - 1])
			lk->pair[j++] = lk->pair[i];
	lk->npairs = j;
	return LMI_OK;
}

struct bkey {
	const char *k;
	uint32_t idx;
};

static int bkey_cmp(const void *x, const void *y)
{
	const struct bkey *a = x, *b = y;
	int c = strcmp(a->k, b->k);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * Appends the normalised key part (trimmed, runs of spaces collapsed, ASCII
 * upper-cased, at most `prefix` code points; for an id also without spaces,
 * '-', '.' and '/') of s to out; returns its length.
 */
static size_t key_part(const char *s, size_t n, unsigned prefix, int id, char *out)
{
	size_t j = 0, cps = 0;
	int space = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t') {
			space = !id;
			continue;
		}
		if (id && (c == '-' || c == '.' || c == '/'))
			continue;
		if ((c & 0xc0) != 0x80) { /* a new code point */
			if (space && j > 0) {
				if (prefix && cps >= prefix)
					break;
				out[j++] = ' ';
				cps++;
			}
			if (prefix && cps >= prefix)
				break;
			cps++;
		}
		space = 0;
		out[j++] = (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
	}
	/* A prefix cut never leaves a trailing space. */
	while (j > 0 && out[j - 1] == ' ')
		j--;
	return j;
}

/*
 * Writes the phonetic key of s to out (room for n + 4 bytes): the initial
 * consonants (U+1100..U+1112) of its Hangul syllables when it has any, else
 * the American Soundex code of its Latin letters (letter and three digits).
 * Returns its length, 0 when s has neither.
 */
static size_t phonetic_key(const char *s, size_t n, char *out)
{
	/* Soundex digits of A..Z; '0' = vowel (separates equal codes), '-' = H, W (do not). */
	static const char code[] = "0123012-02245501262301-202";
	const unsigned char *u = (const unsigned char *)s;
	size_t j = 0;
	char last = 0;

	for (size_t i = 0; i + 2 < n; i++) {
		if (u[i] >= 0xea && u[i] <= 0xed) {
			uint32_t cp = (uint32_t)(u[i] & 0x0f) << 12 |
				      (uint32_t)(u[i + 1] & 0x3f) << 6 | (u[i + 2] & 0x3f);

			if (cp >= 0xac00 && cp <= 0xd7a3) {
				uint32_t lead = 0x1100 + (cp - 0xac00) / 588;

				out[j++] = (char)(0xe0 | lead >> 12);
				out[j++] = (char)(0x80 | (lead >> 6 & 0x3f));
				out[j++] = (char)(0x80 | (lead & 0x3f));
				i += 2;
			}
		}
	}
	if (j > 0)
		return j;
	for (size_t i = 0; i < n && j < 4; i++) {
		int c = u[i];
		char d;

		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c < 'A' || c > 'Z')
			continue;
		d = code[c - 'A'];
		if (j == 0) { /* the first letter stays; its code still merges with the next */
			out[j++] = (char)c;
			last = d == '-' ? '0' : d;
			continue;
		}
		if (d == '-')
			continue; /* H and W: keep `last`, so equal codes around them merge */
		if (d != '0' && d != last)
			out[j++] = d;
		last = d;
	}
	if (j == 0)
		return 0;
	while (j < 4)
		out[j++] = '0';
	return j;
}

/* Builds the sorted keys of one file for one pass; records with an empty part are left out. */
static int build_keys(struct lmi_link *lk, const struct lmi_link_block *b, int side,
		      char **arena_out, struct bkey **keys_out, size_t *nkeys)
{
	const struct lmi_link_file *fi = &lk->file[side];
	size_t total = 0, pos = 0, nk = 0;
	char *arena;
	struct bkey *keys;
	size_t *off;

	int is_id[LMI_LINK_MAX_PARTS] = { 0 }, is_date[LMI_LINK_MAX_PARTS] = { 0 };

	*arena_out = NULL;
	*keys_out = NULL;
	*nkeys = 0;
	/*
	 * A column compared as an id is keyed like one (without spaces, '-', '.', '/'),
	 * and one compared as a date by its YYYY-MM-DD form, whatever its format.
	 */
	for (size_t p = 0; p < b->nparts; p++)
		for (size_t k = 0; k < lk->nf; k++)
			if (lk->f[k].col[side] == b->part[p].col[side]) {
				is_id[p] |= lk->f[k].cmp == LMI_CMP_ID;
				is_date[p] |= lk->f[k].cmp == LMI_CMP_DATE;
			}
	for (size_t i = 0; i < fi->nrec; i++)
		for (size_t p = 0; p < b->nparts; p++)
			/* + 11: room for the YYYY-MM-DD key of a date and its separator. */
			total += fi->rows[i]->len[b->part[p].col[side]] + 11;
	arena = malloc(total + 1);
	keys = malloc((fi->nrec ? fi->nrec : 1) * sizeof(*keys));
	off = malloc((fi->nrec ? fi->nrec : 1) * sizeof(*off));
	if (arena == NULL || keys == NULL || off == NULL) {
		free(arena);
		free(keys);
		free(off);
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < fi->nrec; i++) {
		size_t start = pos, p;

		for (p = 0; p < b->nparts; p++) {
			int col = b->part[p].col[side];
			const char *v = fi->rows[i]->f[col];
			size_t vn = fi->rows[i]->len[col], n;
			char iso[16];
			int y, m, d;

			if (is_date[p] && lmi_link_parse_date(v, &y, &m, &d) == 0) {
				snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
				v = iso;
				vn = 10;
			}
			if (b->part[p].phonetic)
				n = phonetic_key(v, vn, arena + pos);
			else
				n = key_part(v, vn, b->part[p].prefix, is_id[p], arena + pos);

			if (n == 0)
				break;
			pos += n;
			arena[pos++] = p + 1 < b->nparts ? '\x1f' : '\0';
		}
		if (p < b->nparts || b->nparts == 0) {
			pos = start;
			if (b->nparts > 0)
				continue;
			arena[pos++] = '\0'; /* no parts: one block holding every record */
		}
		off[nk] = start;
		keys[nk].idx = (uint32_t)i;
		nk++;
	}
	for (size_t i = 0; i < nk; i++)
		keys[i].k = arena + off[i];
	free(off);
	qsort(keys, nk, sizeof(*keys), bkey_cmp);
	*arena_out = arena;
	*keys_out = keys;
	*nkeys = nk;
	return LMI_OK;
}

/* Appends every pair of a block to lk->pair, compacting when the cap is near. */
static int add_group(struct lmi_link *lk, const struct lmi_link_block *b, const struct bkey *ga,
		     size_t na, const struct bkey *gb, size_t nb, int self)
{
	size_t need;

	if (self)
		need = na < 2 ? 0 : (na - 1 > SIZE_MAX / na ? SIZE_MAX : na * (na - 1) / 2);
	else
		need = na == 0 ? 0 : (nb > SIZE_MAX / na ? SIZE_MAX : na * nb);
	if (need == 0)
		return LMI_OK;
	if (need > lk->max_pairs || lk->npairs + need > lk->max_pairs) {
		int rc = compact_pairs(lk);

		if (rc != LMI_OK)
			return rc;
		if (need > lk->max_pairs || lk->npairs + need > lk->max_pairs)
			return fail(lk, LMI_ETOOBIG, NULL, 0,
				    "blocking pass '%s' gives more than %zu candidate pairs; use "
				    "a narrower --block or raise --max-pairs", b->spec,
				    lk->max_pairs);
	}
	if (lk->npairs + need > lk->paircap) {
		size_t nc = lk->paircap ? lk->paircap : 1 << 16;
		uint64_t *p;

		while (nc < lk->npairs + need)
			nc *= 2;
		p = realloc(lk->pair, nc * sizeof(*p));
		if (p == NULL)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		lk->pair = p;
		lk->paircap = nc;
	}
	if (self) {
		for (size_t x = 0; x < na; x++)
			for (size_t y = x + 1; y < na; y++)
				lk->pair[lk->npairs++] = (uint64_t)ga[x].idx << 32 | ga[y].idx;
	} else {
		for (size_t x = 0; x < na; x++)
			for (size_t y = 0; y < nb; y++)
				lk->pair[lk->npairs++] = (uint64_t)ga[x].idx << 32 | gb[y].idx;
	}
	return LMI_OK;
}

/* One blocking pass: every pair of records (A x B, or i < j within A) sharing a key. */
static int run_pass(struct lmi_link *lk, struct lmi_link_block *b)
{
	char *arena_a = NULL, *arena_b = NULL;
	struct bkey *ka = NULL, *kb = NULL;
	size_t na = 0, nb = 0, before;
	int rc;

	rc = compact_pairs(lk);
	before = lk->npairs;
	if (rc == LMI_OK)
		rc = build_keys(lk, b, 0, &arena_a, &ka, &na);
	if (rc == LMI_OK && lk->two)
		rc = build_keys(lk, b, 1, &arena_b, &kb, &nb);
	if (rc == LMI_OK && !lk->two) {
		for (size_t i = 0; i < na && rc == LMI_OK;) {
			size_t e = i + 1;

			while (e < na && strcmp(ka[e].k, ka[i].k) == 0)
				e++;
			rc = add_group(lk, b, ka + i, e - i, NULL, 0, 1);
			i = e;
		}
	} else if (rc == LMI_OK) {
		size_t i = 0, j = 0;

		while (i < na && j < nb && rc == LMI_OK) {
			int c = strcmp(ka[i].k, kb[j].k);
			size_t ie = i + 1, je = j + 1;

			if (c < 0) {
				i++;
				continue;
			}
			if (c > 0) {
				j++;
				continue;
			}
			while (ie < na && strcmp(ka[ie].k, ka[i].k) == 0)
				ie++;
			while (je < nb && strcmp(kb[je].k, kb[j].k) == 0)
				je++;
			rc = add_group(lk, b, ka + i, ie - i, kb + j, je - j, 0);
			i = ie;
			j = je;
		}
	}
	if (rc == LMI_OK)
		rc = compact_pairs(lk);
	b->pairs = lk->npairs - before;
	free(arena_a);
	free(arena_b);
	free(ka);
	free(kb);
	return rc;
}

/* Adds a default pass keyed on the whole values of the given fields. */
static int add_default_block(struct lmi_link *lk, const size_t *fields, size_t n)
{
	struct lmi_link_block *b = &lk->b[lk->nb++];
	size_t len = 1;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++)
		len += strlen(lk->f[fields[i]].name[0]) + 1;
	b->spec = malloc(len);
	if (b->spec == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	b->spec[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct lmi_link_field *f = &lk->f[fields[i]];
		struct lmi_link_part *part = &b->part[b->nparts++];
		size_t at = strlen(b->spec);

		snprintf(b->spec + at, len - at, "%s%s", i ? "+" : "", f->name[0]);
		part->name[0] = strdup(f->name[0]);
		part->name[1] = strdup(f->name[1]);
		if (part->name[0] == NULL || part->name[1] == NULL)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		part->col[0] = f->col[0];
		part->col[1] = f->col[1];
	}
	return LMI_OK;
}

/*
 * Default passes: one per id or date field on its whole value, and one on the
 * first two jw fields together (typically given name and surname); all pairs
 * when there is no such field.
 */
static int default_blocks(struct lmi_link *lk)
{
	size_t jw[2], njw = 0;
	int rc = LMI_OK;

	for (size_t k = 0; k < lk->nf && rc == LMI_OK; k++) {
		enum lmi_link_cmp c = lk->f[k].cmp;

		if (c == LMI_CMP_JW && njw < 2)
			jw[njw++] = k;
		if ((c == LMI_CMP_ID || c == LMI_CMP_DATE) && lk->nb < LMI_LINK_MAX_BLOCKS - 1)
			rc = add_default_block(lk, &k, 1);
	}
	if (rc == LMI_OK && njw > 0)
		rc = add_default_block(lk, jw, njw);
	if (rc == LMI_OK && lk->nb == 0) {
		lk->b[0].nparts = 0;
		lk->b[0].spec = strdup("(all pairs)");
		if (lk->b[0].spec == NULL)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		lk->nb = 1;
	}
	return rc;
}

/* --- Engine: comparison, EM, selection ---------------------------------------- */

static void decode_code(uint64_t code, size_t nf, signed char *g)
{
	for (size_t k = 0; k < nf; k++) {
		g[k] = (signed char)((int)(code % CODE_BASE) - 1);
		code /= CODE_BASE;
	}
}

static size_t find_pat(const struct lmi_link *lk, uint64_t code)
{
	size_t lo = 0, hi = lk->npat;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk->pcode[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Computes the comparison-vector code of record a of A and record b of B; LMI_OK or LMI_ENOMEM. */
static int pair_code(const struct lmi_link *lk, uint32_t a, uint32_t b, uint64_t *out)
{
	const struct lmi_link_file *fa = &lk->file[0], *fb = &lk->file[lk->two];
	const struct lmi_link_val *va = fa->val + (size_t)a * lk->nf;
	const struct lmi_link_val *vb = fb->val + (size_t)b * lk->nf;
	uint64_t code = 0, place = 1;

	for (size_t k = 0; k < lk->nf; k++) {
		int g = compare_vals(lk->f[k].cmp, lk->f[k].tol, &va[k], fa->cp + va[k].off, &vb[k],
				     fb->cp + vb[k].off);

		if (g < -1)
			return LMI_ENOMEM;
		code += (uint64_t)(g + 1) * place;
		place *= CODE_BASE;
	}
	*out = code;
	return LMI_OK;
}

static int compare_pairs(struct lmi_link *lk)
{
	lk->code = malloc((lk->npairs ? lk->npairs : 1) * sizeof(*lk->code));
	if (lk->code == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < lk->npairs; i++)
		if (pair_code(lk, (uint32_t)(lk->pair[i] >> 32), (uint32_t)lk->pair[i],
			      &lk->code[i]) != LMI_OK)
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	return LMI_OK;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int is_candidate(const struct lmi_link *lk, uint64_t pr)
{
	size_t lo = 0, hi = lk->npairs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk->pair[mid] < pr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < lk->npairs && lk->pair[lo] == pr;
}

/*
 * Codes of the pairs outside every block, which stand for the non-matches:
 * all of them when there are at most u_sample, else u_sample pairs drawn
 * with a fixed seed (each then stands for n_out / u_sample pairs).
 */
static int sample_out(struct lmi_link *lk, uint64_t **codes, size_t *n)
{
	size_t na = lk->file[0].nrec, nb = lk->two ? lk->file[1].nrec : na, k = 0;
	double total = lk->two ? (double)na * (double)nb : (double)na * (double)(na - 1) / 2;
	uint64_t state = 0x6c6d692d6c696e6bULL, *c;
	size_t want;

	if (na == 0 || nb == 0 || (!lk->two && na < 2))
		total = 0;
	lk->n_total = total;
	lk->n_out = total - (double)lk->npairs;
	want = lk->n_out <= (double)lk->u_sample ? (size_t)lk->n_out : lk->u_sample;
	*codes = c = malloc((want ? want : 1) * sizeof(*c));
	*n = 0;
	if (c == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	if (want == (size_t)lk->n_out) {
		for (size_t a = 0; a < na && k < want; a++)
			for (size_t b = lk->two ? 0 : a + 1; b < nb && k < want; b++) {
				uint64_t pr = (uint64_t)a << 32 | b;

				if (is_candidate(lk, pr))
					continue;
				if (pair_code(lk, (uint32_t)a, (uint32_t)b, &c[k++]) != LMI_OK)
					return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
			}
	} else {
		while (k < want) {
			uint64_t a = splitmix64(&state) % na, b = splitmix64(&state) % nb, pr;

			if (!lk->two) {
				if (a == b)
					continue;
				if (a > b) {
					uint64_t t = a;

					a = b;
					b = t;
				}
			}
			pr = a << 32 | b;
			if (is_candidate(lk, pr))
				continue;
			if (pair_code(lk, (uint32_t)a, (uint32_t)b, &c[k++]) != LMI_OK)
				return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		}
	}
	*n = k;
	lk->nsample = k;
	return LMI_OK;
}

/* Sorts codes and folds them into distinct codes with counts (scaled by `scale`). */
static int count_codes(uint64_t *codes, size_t n, double scale, double *count, size_t *nd)
{
	size_t j = 0;

	if (sort_u64(codes, n) != LMI_OK)
		return LMI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (j > 0 && codes[i] == codes[j - 1]) {
			count[j - 1] += scale;
			continue;
		}
		codes[j] = codes[i];
		count[j++] = scale;
	}
	*nd = j;
	return LMI_OK;
}

static int fit(struct lmi_link *lk)
{
	int nlev[LMI_LINK_MAX_FIELDS];
	signed char *pat = NULL, *xpat = NULL;
	uint64_t *xcode = NULL;
	double *xcount = NULL;
	size_t nx = 0, nxd = 0, j = 0;
	int rc = LMI_OK;

	for (size_t k = 0; k < lk->nf; k++)
		nlev[k] = lmi_link_cmp_levels(lk->f[k].cmp);
	if (lmi_fs_init(&lk->fs, lk->nf, nlev) != LMI_OK)
		return fail(lk, LMI_EINVAL, NULL, 0, "bad model size");
	lk->pcode = malloc((lk->npairs ? lk->npairs : 1) * sizeof(*lk->pcode));
	lk->pcount = malloc((lk->npairs ? lk->npairs : 1) * sizeof(*lk->pcount));
	if (lk->pcode == NULL || lk->pcount == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	memcpy(lk->pcode, lk->code, lk->npairs * sizeof(*lk->pcode));
	if (count_codes(lk->pcode, lk->npairs, 1.0, lk->pcount, &j) != LMI_OK)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	lk->npat = j;
	rc = sample_out(lk, &xcode, &nx);
	if (rc != LMI_OK)
		goto out;
	xcount = malloc((nx ? nx : 1) * sizeof(*xcount));
	pat = malloc((j ? j : 1) * lk->nf);
	xpat = malloc((nx ? nx : 1) * lk->nf);
	lk->pweight = malloc((j ? j : 1) * sizeof(double));
	lk->pprob = malloc((j ? j : 1) * sizeof(double));
	if (xcount == NULL || pat == NULL || xpat == NULL || lk->pweight == NULL ||
	    lk->pprob == NULL ||
	    count_codes(xcode, nx, nx ? lk->n_out / (double)nx : 0, xcount, &nxd) != LMI_OK) {
		rc = fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < j; i++)
		decode_code(lk->pcode[i], lk->nf, pat + i * lk->nf);
	for (size_t i = 0; i < nxd; i++)
		decode_code(xcode[i], lk->nf, xpat + i * lk->nf);
	if (j > 0)
		lmi_fs_em(&lk->fs, pat, lk->pcount, j, xpat, xcount, nxd, lk->em_tol,
			  lk->em_maxiter);
	else
		lk->fs.converged = 1; /* nothing to fit: the starting values stand */
	for (size_t i = 0; i < j; i++) {
		lk->pweight[i] = lmi_fs_weight(&lk->fs, pat + i * lk->nf);
		lk->pprob[i] = lmi_fs_probability(&lk->fs, lk->pweight[i]);
	}
out:
	free(pat);
	free(xpat);
	free(xcode);
	free(xcount);
	return rc;
}

struct cand {
	double w;
	uint64_t pair;
	uint32_t i;
};

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->pair < b->pair ? -1 : a->pair > b->pair;
}

static int select_links(struct lmi_link *lk)
{
	struct cand *c = malloc((lk->npairs ? lk->npairs : 1) * sizeof(*c));
	size_t n = 0;

	if (c == NULL)
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < lk->npairs; i++) {
		size_t p = find_pat(lk, lk->code[i]);

		if (lk->pprob[p] >= lk->threshold) {
			c[n].w = lk->pweight[p];
			c[n].pair = lk->pair[i];
			c[n].i = (uint32_t)i;
			n++;
		}
	}
	qsort(c, n, sizeof(*c), cand_cmp);
	lk->linked = malloc((n ? n : 1) * sizeof(*lk->linked));
	if (lk->linked == NULL) {
		free(c);
		return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
	}
	if (lk->flags & LMI_LINK_ONE_TO_ONE) {
		size_t na = lk->file[0].nrec, nb = lk->two ? lk->file[1].nrec : 0;
		unsigned char *used = calloc(na + nb + 1, 1);

		if (used == NULL) {
			free(c);
			return fail(lk, LMI_ENOMEM, NULL, 0, "out of memory");
		}
		for (size_t i = 0; i < n; i++) {
			size_t a = (size_t)(c[i].pair >> 32), b = (size_t)(uint32_t)c[i].pair;

			b += lk->two ? na : 0;
			if (used[a] || used[b])
				continue;
			used[a] = used[b] = 1;
			lk->linked[lk->nlinked++] = c[i].i;
		}
		free(used);
	} else {
		for (size_t i = 0; i < n; i++)
			lk->linked[lk->nlinked++] = c[i].i;
	}
	free(c);
	return LMI_OK;
}

int lmi_link_run(struct lmi_link *lk)
{
	int rc;

	if (!lk->two) { /* A against itself: B's columns are A's */
		lk->idcol[1] = lk->idcol[0];
		for (size_t k = 0; k < lk->nf; k++)
			lk->f[k].col[1] = lk->f[k].col[0];
		for (size_t b = 0; b < lk->nb; b++)
			for (size_t p = 0; p < lk->b[b].nparts; p++)
				lk->b[b].part[p].col[1] = lk->b[b].part[p].col[0];
	}
	if (!lk->fields_given) {
		rc = default_fields(lk);
		if (rc != LMI_OK)
			return rc;
	}
	for (size_t k = 0; k < lk->nf; k++)
		if (lk->f[k].cmp == LMI_CMP_AUTO)
			lk->f[k].cmp = infer_cmp(lk, k);
	rc = prepare_file(lk, 0);
	if (rc == LMI_OK && lk->two)
		rc = prepare_file(lk, 1);
	if (rc == LMI_OK && lk->nb == 0)
		rc = default_blocks(lk);
	for (size_t b = 0; b < lk->nb && rc == LMI_OK; b++)
		rc = run_pass(lk, &lk->b[b]);
	if (rc == LMI_OK)
		rc = compare_pairs(lk);
	if (rc == LMI_OK)
		rc = fit(lk);
	if (rc == LMI_OK)
		rc = select_links(lk);
	return rc;
}

/* --- Output --------------------------------------------------------------------- */

/* Formats v with `dec` decimals, never as "-0.000". */
static const char *fmt_num(double v, int dec, char *buf, size_t size)
{
	snprintf(buf, size, "%.*f", dec, v);
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}

static const char *rec_id(const struct lmi_link *lk, int side, uint32_t i)
{
	const struct lmi_link_file *f = &lk->file[side && lk->two];

	return f->rows[i]->f[lk->idcol[side && lk->two]];
}

int lmi_link_write_pairs(const struct lmi_link *lk, struct lmi_csvw *w)
{
	char buf[64];
	signed char g[LMI_LINK_MAX_FIELDS];
	int pattern = !(lk->flags & LMI_LINK_PAIRS_ONLY);

	lmi_csvw_str(w, "id_a");
	lmi_csvw_str(w, "id_b");
	lmi_csvw_str(w, "match_weight");
	lmi_csvw_str(w, "match_probability");
	for (size_t k = 0; pattern && k < lk->nf; k++) {
		size_t n = strlen(lk->f[k].name[0]);
		char *h = malloc(n + 7);

		if (h == NULL)
			return LMI_ENOMEM;
		memcpy(h, "gamma_", 6);
		memcpy(h + 6, lk->f[k].name[0], n + 1);
		lmi_csvw_str(w, h);
		free(h);
	}
	lmi_csvw_endrow(w);
	for (size_t i = 0; i < lk->nlinked; i++) {
		size_t pi = lk->linked[i];
		size_t p = find_pat(lk, lk->code[pi]);

		lmi_csvw_str(w, rec_id(lk, 0, (uint32_t)(lk->pair[pi] >> 32)));
		lmi_csvw_str(w, rec_id(lk, 1, (uint32_t)lk->pair[pi]));
		lmi_csvw_str(w, fmt_num(lk->pweight[p], 4, buf, sizeof(buf)));
		lmi_csvw_str(w, fmt_num(lk->pprob[p], 6, buf, sizeof(buf)));
		if (pattern) {
			decode_code(lk->code[pi], lk->nf, g);
			for (size_t k = 0; k < lk->nf; k++) {
				if (g[k] < 0) {
					lmi_csvw_str(w, "");
					continue;
				}
				snprintf(buf, sizeof(buf), "%d", g[k]);
				lmi_csvw_str(w, buf);
			}
		}
		if (lmi_csvw_endrow(w) != LMI_OK)
			return LMI_EIO;
	}
	return w->status;
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

int lmi_link_write_clusters(const struct lmi_link *lk, struct lmi_csvw *w)
{
	size_t na = lk->file[0].nrec, nb = lk->two ? lk->file[1].nrec : 0, n = na + nb;
	uint32_t *parent = malloc((n ? n : 1) * sizeof(*parent));
	uint32_t *num = malloc((n ? n : 1) * sizeof(*num));
	uint32_t *start = calloc(n + 2, sizeof(*start));
	uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
	uint32_t next = 0;
	char buf[32];
	int rc = LMI_OK;

	if (parent == NULL || num == NULL || start == NULL || order == NULL) {
		rc = LMI_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		parent[i] = (uint32_t)i;
	for (size_t i = 0; i < lk->nlinked; i++) {
		uint64_t pr = lk->pair[lk->linked[i]];
		uint32_t a = uf_find(parent, (uint32_t)(pr >> 32));
		uint32_t b = uf_find(parent, (uint32_t)(na * lk->two) + (uint32_t)pr);

		/* The smaller root wins, so the result does not depend on the pair order. */
		if (a < b)
			parent[b] = a;
		else if (b < a)
			parent[a] = b;
	}
	/* Number the clusters by their first record; roots are each cluster's smallest record. */
	for (size_t i = 0; i < n; i++) {
		uint32_t r = uf_find(parent, (uint32_t)i);

		num[i] = r == i ? next++ : num[r];
		start[num[i] + 1]++;
	}
	for (size_t c = 1; c <= next; c++)
		start[c] += start[c - 1];
	for (size_t i = 0; i < n; i++)
		order[start[num[i]]++] = (uint32_t)i;
	lmi_csvw_str(w, "cluster_id");
	lmi_csvw_str(w, "file");
	lmi_csvw_str(w, "id");
	lmi_csvw_endrow(w);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = order[i];
		int side = r >= na;

		snprintf(buf, sizeof(buf), "%lu", (unsigned long)num[r] + 1);
		lmi_csvw_str(w, buf);
		lmi_csvw_str(w, side ? "b" : "a");
		lmi_csvw_str(w, rec_id(lk, side, side ? r - (uint32_t)na : r));
		if (lmi_csvw_endrow(w) != LMI_OK) {
			rc = LMI_EIO;
			goto out;
		}
	}
out:
	free(parent);
	free(num);
	free(start);
	free(order);
	return rc;
}

int lmi_link_write_params(const struct lmi_link *lk, struct lmi_csvw *w)
{
	const struct lmi_fs *fs = &lk->fs;
	char buf[64];

	lmi_csvw_str(w, "field");
	lmi_csvw_str(w, "comparator");
	lmi_csvw_str(w, "level");
	lmi_csvw_str(w, "meaning");
	lmi_csvw_str(w, "m");
	lmi_csvw_str(w, "u");
	lmi_csvw_str(w, "match_weight");
	lmi_csvw_endrow(w);
	lmi_csvw_str(w, "_prior");
	lmi_csvw_str(w, "em");
	snprintf(buf, sizeof(buf), "%d", fs->iterations);
	lmi_csvw_str(w, buf);
	lmi_csvw_str(w, fs->converged ? "lambda; level = EM iterations"
				      : "lambda; level = EM iterations (not converged)");
	lmi_csvw_str(w, fmt_num(fs->lambda, 8, buf, sizeof(buf)));
	lmi_csvw_str(w, fmt_num(1.0 - fs->lambda, 8, buf, sizeof(buf)));
	lmi_csvw_str(w, fmt_num(log2(fs->lambda / (1.0 - fs->lambda)), 4, buf, sizeof(buf)));
	lmi_csvw_endrow(w);
	for (size_t k = 0; k < lk->nf; k++) {
		for (int l = fs->nlev[k] - 1; l >= 0; l--) {
			lmi_csvw_str(w, lk->f[k].name[0]);
			lmi_csvw_str(w, lmi_link_cmp_name(lk->f[k].cmp));
			snprintf(buf, sizeof(buf), "%d", l);
			lmi_csvw_str(w, buf);
			if (lk->f[k].cmp == LMI_CMP_NUM && l == 1) {
				char t[32];

				snprintf(buf, sizeof(buf), "within %s",
					 fmt_num(lk->f[k].tol, 6, t, sizeof(t)));
				/* Trim the zeros of the tolerance: "within 1", "within 0.5". */
				size_t e = strlen(buf);

				while (buf[e - 1] == '0')
					buf[--e] = '\0';
				if (buf[e - 1] == '.')
					buf[--e] = '\0';
				lmi_csvw_str(w, buf);
			} else {
				lmi_csvw_str(w, lmi_link_level_name(lk->f[k].cmp, l));
			}
			lmi_csvw_str(w, fmt_num(fs->m[k][l], 8, buf, sizeof(buf)));
			lmi_csvw_str(w, fmt_num(fs->u[k][l], 8, buf, sizeof(buf)));
			lmi_csvw_str(w, fmt_num(log2(fs->m[k][l] / fs->u[k][l]), 4, buf,
						sizeof(buf)));
			if (lmi_csvw_endrow(w) != LMI_OK)
				return LMI_EIO;
		}
	}
	return w->status;
}

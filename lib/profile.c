/* Source profiles (column mappings with per-field transforms) and an iconv decoding reader. */
#define _GNU_SOURCE /* fopencookie */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"
#include "banned.h"

static const struct {
	const char *name;
	enum lmi_xform x;
} xforms[] = {
	{ "bool", LMI_X_BOOL },     { "code", LMI_X_CODE },
	{ "date", LMI_X_DATE },     { "digits", LMI_X_DIGITS },
	{ "enddate", LMI_X_ENDDATE }, { "int", LMI_X_INT },
	{ "money", LMI_X_MONEY },   { "num", LMI_X_NUM },
	{ "open_flag", LMI_X_OPEN }, { "person", LMI_X_PERSON },
	{ "text", LMI_X_TEXT },     { "wage_type", LMI_X_WAGE_TYPE },
};

int lmi_xform_can_fail(enum lmi_xform x)
{
	switch (x) {
	case LMI_X_DIGITS:
	case LMI_X_INT:
	case LMI_X_NUM:
	case LMI_X_MONEY:
	case LMI_X_DATE:
	case LMI_X_ENDDATE:
	case LMI_X_BOOL:
	case LMI_X_WAGE_TYPE:
	case LMI_X_MAP:
		return 1;
	default:
		return 0;
	}
}

/* ---- finding and loading profiles ---- */

static int try_path(char *out, size_t size, const char *dir, const char *sub, const char *name)
{
	int n = snprintf(out, size, "%s%s/%s.profile", dir, sub, name);

	if (n < 0 || (size_t)n >= size)
		return LMI_ETOOBIG;
	return access(out, R_OK) == 0 ? LMI_OK : LMI_EIO;
}

int lmi_profile_find(const char *name, char *out, size_t size)
{
	char dir[4096];
	const char *env = getenv("LMI_PROFILE_DIR");
	int rc;

	if (strchr(name, '/') != NULL) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return LMI_ETOOBIG;
		return access(out, R_OK) == 0 ? LMI_OK : LMI_EIO;
	}
	if (name[0] == '\0' || name[0] == '.')
		return LMI_EIO;
	if (env != NULL && env[0] != '\0') {
		rc = try_path(out, size, env, "", name);
		if (rc != LMI_EIO)
			return rc;
	}
	if (lmi_data_dir("profiles", dir, sizeof(dir)) != LMI_OK)
		return LMI_EIO;
	return try_path(out, size, dir, "", name);
}

static int perr(struct lmi_profile *p, unsigned long line, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(struct lmi_profile *p, unsigned long line, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->err_line = line;
	return status;
}

/* Splits s in place into at most `max` whitespace-separated tokens; returns the count. */
static size_t split_ws(char *s, char **tok, size_t max)
{
	size_t n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static int set_xform(struct lmi_profile *p, struct lmi_profile_rule *r, const char *t,
		     unsigned long line)
{
	if (strncmp(t, "const:", 6) == 0) {
		r->x = LMI_X_CONST;
		r->arg = strdup(t + 6);
		return r->arg ? LMI_OK : perr(p, 0, LMI_ENOMEM, "out of memory");
	}
	if (strncmp(t, "map:", 4) == 0) {
		if (strchr(t + 4, '=') == NULL)
			return perr(p, line, LMI_EPARSE, "map needs FROM=TO pairs: '%s'", t);
		r->x = LMI_X_MAP;
		r->arg = strdup(t + 4);
		return r->arg ? LMI_OK : perr(p, 0, LMI_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++) {
		if (strcmp(t, xforms[i].name) == 0) {
			r->x = xforms[i].x;
			return LMI_OK;
		}
	}
	return perr(p, line, LMI_EPARSE, "unknown transform '%s'", t);
}

/* The transform @identity gives a field of type t. */
static enum lmi_xform identity_xform(const struct lmi_field *f)
{
	switch (f->type) {
	case LMI_T_INT:
		return LMI_X_INT;
	case LMI_T_NUM:
		return LMI_X_NUM;
	case LMI_T_DATE:
		return strcmp(f->name, "close_date") == 0 ? LMI_X_ENDDATE : LMI_X_DATE;
	case LMI_T_CODE:
		return LMI_X_CODE;
	case LMI_T_BOOL:
		return LMI_X_BOOL;
	default:
		return LMI_X_TEXT;
	}
}

/* Parses "FIELD SOURCE TRANSFORM". */
static int parse_rule(struct lmi_profile *p, char *s, unsigned long line)
{
	char *tok[3], *src, *bar;
	struct lmi_profile_rule *r;
	size_t n = split_ws(s, tok, 3);
	int i, rc;

	if (n != 3)
		return perr(p, line, LMI_EPARSE, "expected 'FIELD SOURCE TRANSFORM', found %zu %s",
			    n > 3 ? (size_t)4 : n, n == 1 ? "word" : "words");
	i = lmi_schema_index(p->schema, tok[0]);
	if (i < 0 || (p->schema->fields[i].flags & LMI_F_ADDED))
		return perr(p, line, LMI_EPARSE, "unknown %s field '%s'", p->schema->kind, tok[0]);
	r = &p->rule[i];
	if (r->line != 0)
		return perr(p, line, LMI_EPARSE, "field '%s' already mapped on line %lu", tok[0],
			    r->line);
	rc = set_xform(p, r, tok[2], line);
	if (rc != LMI_OK)
		return rc;
	r->line = line;
	if ((r->x == LMI_X_PERSON) != !!(p->schema->fields[i].flags & LMI_F_PERSON) &&
	    !(r->x == LMI_X_TEXT && (p->schema->fields[i].flags & LMI_F_PERSON)))
		return perr(p, line, LMI_EPARSE,
			    "the person transform goes with person_key fields only ('%s')", tok[0]);
	p->has_person |= r->x == LMI_X_PERSON;
	src = tok[1];
	if (strcmp(src, "-") == 0) {
		if (r->x == LMI_X_CONST)
			return LMI_OK;
		return perr(p, line, LMI_EPARSE, "field '%s' needs a source column", tok[0]);
	}
	if (r->x == LMI_X_CONST)
		return perr(p, line, LMI_EPARSE, "a const field takes '-' as its source");
	n = strlen(src);
	if (n > 1 && src[n - 1] == '?') {
		r->optional = 1;
		src[n - 1] = '\0';
	}
	for (;;) {
		bar = strchr(src, '|');
		if (bar != NULL)
			*bar = '\0';
		if (src[0] == '\0' || r->nsrc == LMI_PROFILE_MAX_SRC)
			return perr(p, line, LMI_EPARSE, "bad source column list for '%s'", tok[0]);
		r->src[r->nsrc] = strdup(src);
		if (r->src[r->nsrc] == NULL)
			return perr(p, 0, LMI_ENOMEM, "out of memory");
		r->nsrc++;
		if (bar == NULL)
			return LMI_OK;
		src = bar + 1;
	}
}

/* Maps every field not mapped yet from the same-named column. */
static int apply_identity(struct lmi_profile *p, unsigned long line)
{
	for (size_t i = 0; i < p->schema->n; i++) {
		const struct lmi_field *f = &p->schema->fields[i];
		struct lmi_profile_rule *r = &p->rule[i];

		if (r->line != 0 || (f->flags & LMI_F_ADDED))
			continue;
		r->x = identity_xform(f);
		r->src[0] = strdup(f->name);
		if (r->src[0] == NULL)
			return perr(p, 0, LMI_ENOMEM, "out of memory");
		r->nsrc = 1;
		r->optional = !(f->flags & LMI_F_REQUIRED);
		r->line = line;
	}
	return LMI_OK;
}

/* Where the loader is in the file. */
struct load_state {
	const char *kind;
	int in_kind, found;
	unsigned long identity;
};

/* Handles one line, already stripped of surrounding blanks. */
static int load_line(struct lmi_profile *p, struct load_state *ls, char *s, unsigned long line)
{
	size_t n = strlen(s);

	if (*s == '\0' || *s == '#')
		return LMI_OK;
	if (*s != '[') {
		if (!ls->in_kind)
			return LMI_OK;
		if (strcmp(s, "@identity") == 0) {
			ls->identity = line;
			return LMI_OK;
		}
		return parse_rule(p, s, line);
	}
	if (s[n - 1] != ']')
		return perr(p, line, LMI_EPARSE, "section header needs a closing ']'");
	s[n - 1] = '\0';
	if (lmi_schema_get(s + 1) == NULL)
		return perr(p, line, LMI_EPARSE, "unknown kind '%s' in section header", s + 1);
	ls->in_kind = strcmp(s + 1, ls->kind) == 0;
	if (ls->in_kind && ls->found)
		return perr(p, line, LMI_EPARSE, "second [%s] section", ls->kind);
	ls->found |= ls->in_kind;
	return LMI_OK;
}

/*
 * A column read by the person transform holds identifiers: no other rule may
 * read it, or the identifier would reach the output (or a raw_ column).
 */
static int check_person_columns(struct lmi_profile *p)
{
	for (size_t i = 0; i < p->schema->n; i++) {
		const struct lmi_profile_rule *pr = &p->rule[i];

		if (pr->x != LMI_X_PERSON)
			continue;
		for (size_t j = 0; j < p->schema->n; j++) {
			const struct lmi_profile_rule *r = &p->rule[j];

			if (j == i)
				continue;
			for (size_t a = 0; a < pr->nsrc; a++)
				for (size_t b = 0; b < r->nsrc; b++)
					if (strcmp(pr->src[a], r->src[b]) == 0)
						return perr(p, r->line, LMI_EPARSE,
							    "column '%s' holds person identifiers; "
							    "only the person transform may read it",
							    r->src[b]);
		}
	}
	return LMI_OK;
}

int lmi_profile_load(struct lmi_profile *p, const char *path, const char *kind)
{
	struct load_state ls = { .kind = kind };
	char *buf = NULL, *s, *end;
	size_t cap = 0;
	ssize_t n;
	unsigned long line = 0;
	int rc = LMI_OK;
	FILE *fp;

	memset(p, 0, sizeof(*p));
	p->schema = lmi_schema_get(kind);
	if (p->schema == NULL)
		return perr(p, 0, LMI_EINVAL, "unknown kind '%s'", kind);
	p->rule = calloc(p->schema->n, sizeof(*p->rule));
	p->failed = calloc(p->schema->n, sizeof(*p->failed));
	if (p->rule == NULL || p->failed == NULL)
		return perr(p, 0, LMI_ENOMEM, "out of memory");
	fp = fopen(path, "r");
	if (fp == NULL)
		return perr(p, 0, LMI_EIO, "cannot open '%s': %s", path, strerror(errno));
	while (rc == LMI_OK) {
		errno = 0;
		n = getline(&buf, &cap, fp);
		if (n < 0) {
			if (ferror(fp))
				rc = perr(p, 0, LMI_EIO, "cannot read '%s': %s", path,
					  strerror(errno));
			break;
		}
		line++;
		if ((size_t)n > LMI_PROFILE_MAX_LINE)
			rc = perr(p, line, LMI_ETOOBIG, "line exceeds %u bytes",
				  LMI_PROFILE_MAX_LINE);
		else if (strlen(buf) != (size_t)n ||
			 !lmi_utf8_valid((unsigned char *)buf, (size_t)n))
			rc = perr(p, line, LMI_EPARSE, "NUL byte or invalid UTF-8");
		if (rc != LMI_OK)
			break;
		s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = '\0';
		rc = load_line(p, &ls, s, line);
	}
	free(buf);
	fclose(fp);
	if (rc == LMI_OK && !ls.found)
		rc = perr(p, 0, LMI_EPARSE, "profile has no [%s] section", kind);
	if (rc == LMI_OK && ls.identity != 0)
		rc = apply_identity(p, ls.identity);
	if (rc == LMI_OK)
		rc = check_person_columns(p);
	if (rc == LMI_OK && p->has_person) {
		p->hex = calloc(p->schema->n, 65);
		if (p->hex == NULL)
			rc = perr(p, 0, LMI_ENOMEM, "out of memory");
	}
	return rc;
}

void lmi_profile_release(struct lmi_profile *p)
{
	if (p->rule != NULL) {
		for (size_t i = 0; i < p->schema->n; i++) {
			for (size_t j = 0; j < p->rule[i].nsrc; j++)
				free(p->rule[i].src[j]);
			free(p->rule[i].arg);
		}
	}
	free(p->rule);
	free(p->failed);
	free(p->hex);
	free(p->scratch);
	p->rule = NULL;
	p->failed = NULL;
	p->hex = NULL;
	p->scratch = NULL;
	p->scratch_cap = 0;
}

/* ---- header and binding ---- */

static int has_raw(const struct lmi_profile *p, size_t i)
{
	return p->rule[i].x != LMI_X_NONE && lmi_xform_can_fail(p->rule[i].x);
}

int lmi_profile_write_header(const struct lmi_profile *p, struct lmi_csvw *w)
{
	char name[128];

	for (size_t i = 0; i < p->schema->n; i++)
		if (!(p->schema->fields[i].flags & LMI_F_ADDED))
			lmi_csvw_str(w, p->schema->fields[i].name);
	for (size_t i = 0; i < p->schema->n; i++) {
		if (!has_raw(p, i))
			continue;
		snprintf(name, sizeof(name), "raw_%s", p->schema->fields[i].name);
		lmi_csvw_str(w, name);
	}
	lmi_csvw_str(w, "ingest_flags");
	return lmi_csvw_endrow(w);
}

int lmi_profile_bind(const struct lmi_profile *p, const struct lmi_csv *r, int *cols,
		     const char **missing)
{
	*missing = NULL;
	for (size_t i = 0; i < p->schema->n; i++) {
		const struct lmi_profile_rule *ru = &p->rule[i];

		cols[i] = -1;
		for (size_t j = 0; j < ru->nsrc && cols[i] < 0; j++)
			cols[i] = lmi_csv_col(r, ru->src[j]);
		if (cols[i] < 0 && ru->nsrc > 0 && !ru->optional && *missing == NULL)
			*missing = ru->src[0];
	}
	return *missing ? LMI_EINVAL : LMI_OK;
}

/* ---- transforms ---- */

/* One transformed value: a slice of the input or of the scratch buffer, or a constant. */
struct val {
	const char *s;
	size_t n;
};

static void trim(const char *s, size_t n, struct val *v)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	v->s = s;
	v->n = n;
}

static int scratch(struct lmi_profile *p, size_t need)
{
	char *np;

	if (need <= p->scratch_cap)
		return LMI_OK;
	np = realloc(p->scratch, need);
	if (np == NULL)
		return LMI_ENOMEM;
	p->scratch = np;
	p->scratch_cap = need;
	return LMI_OK;
}

/* Formats a finite double without exponent noise: integers bare, else up to 15 digits. */
static void fmt_num(double x, char *out, size_t size)
{
	if (x == (double)(long long)x && x > -1e15 && x < 1e15)
		snprintf(out, size, "%lld", (long long)x);
	else
		snprintf(out, size, "%.15g", x);
}

/* Case-insensitive ASCII equality of a value slice and a word. */
static int word_is(const struct val *v, const char *w)
{
	size_t n = strlen(w);

	return v->n == n && strncasecmp(v->s, w, n) == 0;
}

/* Looks v up in "FROM=TO;FROM=TO"; a value equal to some TO passes too. */
static int map_lookup(const char *table, const struct val *v, struct val *out)
{
	const char *e = table;

	while (*e != '\0') {
		const char *eq = strchr(e, '='), *semi = strchr(e, ';');
		const char *to, *to_end;

		if (semi == NULL)
			semi = e + strlen(e);
		if (eq == NULL || eq > semi)
			break;
		to = eq + 1;
		to_end = semi;
		if (((size_t)(eq - e) == v->n && memcmp(e, v->s, v->n) == 0) ||
		    ((size_t)(to_end - to) == v->n && memcmp(to, v->s, v->n) == 0)) {
			out->s = to;
			out->n = (size_t)(to_end - to);
			return LMI_OK;
		}
		e = *semi ? semi + 1 : semi;
	}
	return LMI_EPARSE;
}

/*
 * Fast paths for values already in canonical form, which then pass through
 * unchanged: the general parsers would print them back byte for byte.
 * A plain integer has 1 to 15 digits and no leading zero.
 */
static int plain_uint(const struct val *v)
{
	if (v->n == 0 || v->n > 15 || (v->n > 1 && v->s[0] == '0'))
		return 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->s[i] < '0' || v->s[i] > '9')
			return 0;
	return 1;
}

/* An ISO date YYYY-MM-DD that lmi_parse_date() accepts. */
static int plain_date(const struct val *v)
{
	static const unsigned char digit_at[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	const char *s = v->s;

	if (v->n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < sizeof(digit_at); i++)
		if (s[digit_at[i]] < '0' || s[digit_at[i]] > '9')
			return 0;
	return lmi_date_valid((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
				      (s[3] - '0'),
			      (s[5] - '0') * 10 + (s[6] - '0'), (s[8] - '0') * 10 + (s[9] - '0'));
}

/*
 * Applies rule r to the input value s (n bytes).  Sets *out; numbers and
 * dates are formatted into num (64 bytes).  Returns LMI_OK, LMI_EPARSE when
 * the value does not parse, or another negative status.
 */
static int transform(struct lmi_profile *p, const struct lmi_profile_rule *r, const char *s,
		     size_t n, char *num, struct val *out)
{
	struct val v;
	long days;
	double x;
	long long ll;
	const char *errstr, *code;
	int rc;

	out->s = "";
	out->n = 0;
	if (r->x == LMI_X_CONST) {
		out->s = r->arg;
		out->n = strlen(r->arg);
		return LMI_OK;
	}
	if (r->x == LMI_X_TEXT) {
		out->s = s;
		out->n = n;
		return LMI_OK;
	}
	trim(s, n, &v);
	if (r->x != LMI_X_OPEN && v.n == 0)
		return LMI_OK;
	if (((r->x == LMI_X_INT || r->x == LMI_X_NUM || r->x == LMI_X_MONEY) && plain_uint(&v)) ||
	    ((r->x == LMI_X_DATE || r->x == LMI_X_ENDDATE) && plain_date(&v))) {
		*out = v;
		return LMI_OK;
	}
	/* The parsers take NUL-terminated strings: copy the trimmed slice. */
	rc = scratch(p, v.n + 1);
	if (rc != LMI_OK)
		return rc;
	memcpy(p->scratch, v.s, v.n);
	p->scratch[v.n] = '\0';
	switch (r->x) {
	case LMI_X_CODE:
		*out = v;
		return LMI_OK;
	case LMI_X_DIGITS: {
		size_t k = 0;

		for (size_t i = 0; i < v.n; i++) {
			char c = v.s[i];

			if (c == '-' || c == '.' || c == ' ')
				continue;
			if (c < '0' || c > '9')
				return LMI_EPARSE;
			p->scratch[k++] = c;
		}
		if (k == 0)
			return LMI_EPARSE;
		out->s = p->scratch;
		out->n = k;
		return LMI_OK;
	}
	case LMI_X_INT: {
		size_t k = 0;

		/* Thousands separators: "1,200" is 1200. */
		for (size_t i = 0; i < v.n; i++)
			if (v.s[i] != ',')
				p->scratch[k++] = v.s[i];
		p->scratch[k] = '\0';
		if (lmi_parse_long(p->scratch, -999999999999999LL, 999999999999999LL, &ll,
				   &errstr) != 0)
			return LMI_EPARSE;
		snprintf(num, 64, "%lld", ll);
		break;
	}
	case LMI_X_NUM:
		if (lmi_parse_num(p->scratch, &x) != LMI_OK)
			return LMI_EPARSE;
		fmt_num(x, num, 64);
		break;
	case LMI_X_MONEY:
		rc = lmi_parse_money(p->scratch, &x);
		if (rc == LMI_PARSE_EMPTY)
			return LMI_OK;
		if (rc != LMI_OK)
			return LMI_EPARSE;
		fmt_num(x, num, 64);
		break;
	case LMI_X_DATE:
	case LMI_X_ENDDATE:
		rc = lmi_parse_date(p->scratch, &days);
		if (rc == LMI_PARSE_EMPTY ||
		    (rc == LMI_PARSE_UNTIL_FILLED && r->x == LMI_X_ENDDATE))
			return LMI_OK;
		if (rc != LMI_OK)
			return LMI_EPARSE;
		lmi_format_date(days, num);
		break;
	case LMI_X_OPEN:
		rc = lmi_parse_date(p->scratch, &days);
		out->s = rc == LMI_PARSE_UNTIL_FILLED ? "1" : "0";
		out->n = 1;
		return LMI_OK;
	case LMI_X_BOOL:
		if (word_is(&v, "1") || word_is(&v, "y") || word_is(&v, "yes") ||
		    word_is(&v, "true") || word_is(&v, "예"))
			out->s = "1";
		else if (word_is(&v, "0") || word_is(&v, "n") || word_is(&v, "no") ||
			 word_is(&v, "false") || word_is(&v, "아니오"))
			out->s = "0";
		else
			return LMI_EPARSE;
		out->n = 1;
		return LMI_OK;
	case LMI_X_WAGE_TYPE:
		code = lmi_wage_type_code(p->scratch);
		if (code == NULL)
			return LMI_EPARSE;
		out->s = code;
		out->n = strlen(code);
		return LMI_OK;
	case LMI_X_MAP:
		return map_lookup(r->arg, &v, out);
	default:
		return LMI_OK;
	}
	out->s = num;
	out->n = strlen(num);
	return LMI_OK;
}

int lmi_profile_write_row(struct lmi_profile *p, const int *cols, const struct lmi_csv_row *row,
			  const struct lmi_pseudo *key, struct lmi_csvw *w, size_t *nfailed,
			  const char **failed_field, const char **failed_value)
{
	char num[80];
	struct val v;
	size_t nf = 0;
	int rc;

	/* Person keys first: a failure then leaves no half-written row behind. */
	for (size_t i = 0; i < p->schema->n && p->has_person; i++) {
		char *hex = p->hex + 65 * i;

		hex[0] = '\0';
		if (p->rule[i].x != LMI_X_PERSON || cols[i] < 0 || (size_t)cols[i] >= row->n)
			continue;
		if (key == NULL)
			return LMI_EINVAL;
		rc = lmi_pseudo_key(key, row->f[cols[i]], hex);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < p->schema->n; i++) {
		const struct lmi_profile_rule *r = &p->rule[i];
		int c = cols[i];

		if (p->schema->fields[i].flags & LMI_F_ADDED)
			continue;
		v.s = "";
		v.n = 0;
		if (r->x == LMI_X_PERSON) {
			v.s = p->hex + 65 * i;
			v.n = strlen(v.s);
		} else if (r->x == LMI_X_CONST || (c >= 0 && (size_t)c < row->n)) {
			const char *s = c >= 0 ? row->f[c] : "";
			size_t n = c >= 0 ? row->len[c] : 0;

			rc = transform(p, r, s, n, num, &v);
			if (rc == LMI_EPARSE) {
				p->failed[nf++] = i;
				v.s = "";
				v.n = 0;
			} else if (rc != LMI_OK) {
				return rc;
			}
		}
		lmi_csvw_field(w, v.s, v.n);
	}
	for (size_t i = 0, k = 0; i < p->schema->n; i++) {
		if (!has_raw(p, i))
			continue;
		if (k < nf && p->failed[k] == i) {
			lmi_csvw_field(w, row->f[cols[i]], row->len[cols[i]]);
			k++;
		} else {
			lmi_csvw_field(w, "", 0);
		}
	}
	/* ingest_flags: the failed fields, ';'-separated. */
	{
		size_t len = 0, need = 1;

		for (size_t k = 0; k < nf; k++)
			need += strlen(p->schema->fields[p->failed[k]].name) + 1;
		rc = scratch(p, need);
		if (rc != LMI_OK)
			return rc;
		for (size_t k = 0; k < nf; k++) {
			const char *name = p->schema->fields[p->failed[k]].name;

			if (k > 0)
				p->scratch[len++] = ';';
			memcpy(p->scratch + len, name, strlen(name));
			len += strlen(name);
		}
		lmi_csvw_field(w, p->scratch, len);
	}
	*nfailed = nf;
	if (nf > 0 && failed_field != NULL) {
		*failed_field = p->schema->fields[p->failed[0]].name;
		*failed_value = row->f[cols[p->failed[0]]];
	}
	return lmi_csvw_endrow(w);
}

/* ---- iconv decoding reader ---- */

static void dec_fail(struct lmi_decode *d, const char *msg)
{
	d->failed = 1;
	d->err_line = d->lines + 1;
	snprintf(d->err, sizeof(d->err), "%s", msg);
}

/*
 * Releases converted bytes up to the last newline only, so that after a
 * conversion error the reader sees whole lines and then the end of input
 * (rows before the bad line come out; no half row does).  A line longer
 * than the buffer is released as it is.
 */
static void dec_release(struct lmi_decode *d, int all)
{
	size_t k = d->olen;

	if (!all) {
		while (k > 0 && d->out[k - 1] != '\n')
			k--;
		/* No room left for one more character (UTF-8 needs at most 4 bytes). */
		if (k == 0 && sizeof(d->out) - d->olen < 8)
			k = d->olen;
	}
	d->ready = k;
}

/*
 * Converts more input into d->out until some bytes are ready.  Returns 1 with
 * bytes, 0 at the end (also after a conversion error, which d->failed
 * records), -1 on a read error.
 */
static int dec_fill(struct lmi_decode *d)
{
	char *inp, *outp;
	size_t inleft, outleft, r, got, before;

	memmove(d->out, d->out + d->ready, d->olen - d->ready);
	d->olen -= d->ready;
	d->opos = d->ready = 0;
	for (;;) {
		if (d->failed)
			return 0;
		if (d->inlen > 0 && sizeof(d->out) - d->olen >= 8) {
			inp = d->in;
			inleft = d->inlen;
			outp = d->out + d->olen;
			outleft = sizeof(d->out) - d->olen;
			before = d->olen;
			r = iconv(d->cd, &inp, &inleft, &outp, &outleft);
			d->olen = sizeof(d->out) - outleft;
			for (size_t i = before; i < d->olen; i++)
				d->lines += d->out[i] == '\n';
			memmove(d->in, inp, inleft);
			d->inlen = inleft;
			if (r == (size_t)-1 && errno == EILSEQ) {
				dec_fail(d, "invalid byte sequence for the input encoding");
				dec_release(d, 0);
				return d->ready > 0;
			}
			dec_release(d, 0);
			if (d->ready > 0)
				return 1;
			/* No whole line yet, or an incomplete sequence (EINVAL): read on. */
		}
		if (d->eof) {
			if (d->inlen > 0) {
				dec_fail(d, "incomplete multibyte sequence at end of input");
				dec_release(d, 0);
				return d->ready > 0;
			}
			outp = d->out + d->olen;
			outleft = sizeof(d->out) - d->olen;
			iconv(d->cd, NULL, NULL, &outp, &outleft);
			d->olen = sizeof(d->out) - outleft;
			dec_release(d, 1);
			return d->ready > 0;
		}
		if (d->inlen == sizeof(d->in)) {
			/* Cannot happen: iconv takes input while there is room for output. */
			dec_fail(d, "conversion stalled");
			return 0;
		}
		got = fread(d->in + d->inlen, 1, sizeof(d->in) - d->inlen, d->src);
		if (got == 0) {
			if (ferror(d->src))
				return -1;
			d->eof = 1;
		}
		d->inlen += got;
	}
}

static ssize_t dec_read(void *cookie, char *buf, size_t size)
{
	struct lmi_decode *d = cookie;
	size_t n;

	if (d->opos == d->ready) {
		int rc = dec_fill(d);

		if (rc <= 0)
			return rc;
	}
	n = d->ready - d->opos;
	if (n > size)
		n = size;
	memcpy(buf, d->out + d->opos, n);
	d->opos += n;
	return (ssize_t)n;
}

int lmi_decode_open(struct lmi_decode *d, FILE *src, const char *encoding)
{
	static const cookie_io_functions_t io = { .read = dec_read };

	d->fp = NULL;
	d->cd = iconv_open("UTF-8", encoding);
	if (d->cd == (iconv_t)-1)
		return errno == ENOMEM ? LMI_ENOMEM : LMI_EINVAL;
	if (src == NULL) {
		iconv_close(d->cd);
		return LMI_OK;
	}
	d->src = src;
	d->eof = d->failed = 0;
	d->lines = d->err_line = 0;
	d->err[0] = '\0';
	d->inlen = d->opos = d->olen = d->ready = 0;
	d->fp = fopencookie(d, "r", io);
	if (d->fp == NULL) {
		iconv_close(d->cd);
		return LMI_ENOMEM;
	}
	return LMI_OK;
}

int lmi_decode_error(const struct lmi_decode *d, unsigned long *line, const char **msg)
{
	if (!d->failed)
		return 0;
	*line = d->err_line;
	*msg = d->err;
	return 1;
}

void lmi_decode_close(struct lmi_decode *d)
{
	if (d->fp == NULL)
		return;
	fclose(d->fp);
	iconv_close(d->cd);
	d->fp = NULL;
}

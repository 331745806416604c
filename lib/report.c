/* Reports from tidy indicator CSV: XLSX workbook with typed cells and charts, HTML board (SVG). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cli.h"
#include "parse.h"
#include "report.h"
#include "banned.h"

#ifndef LMI_VERSION
#define LMI_VERSION "0.1"
#endif

/* Fixed columns of tidy indicator CSV after the group columns, in output order. */
enum { C_NUM, C_DEN, C_VAL, C_LO, C_HI, C_N, C_NOTE, C_FIXED };
static const char *const fixed_names[C_FIXED] = {
	"numerator", "denominator", "value", "ci_low", "ci_high", "n", "note",
};

#define MAX_CELL_TEXT 32767 /* Excel's limit on the characters of one cell */
#define MAX_WIDTH 60

/* One charted value: indicator × period × group. */
struct cell {
	unsigned pi, gi;
	double v[C_N + 1];
	unsigned has; /* bit k set when v[k] holds a number */
	int supp;
};

struct ind {
	char *name;
	char sheet[128];
	lxw_worksheet *ws;
	size_t ngc;
	char **gcols;
	unsigned long rows;
	unsigned long supp;
	unsigned *width;
	char **per;
	size_t nper;
	char **grp;
	size_t ngrp;
	struct cell *cells;
	size_t ncell, capcell;
	unsigned *slot; /* [period][group] -> 1 + index in cells, 0 for none (caps as strides) */
	unsigned long long uncharted;
	size_t last_pi, last_gi;
	/* Filled by finish(): dense [period][group] index into cells, or -1. */
	long *dense;
	double *head; /* headline value per period */
	int *head_ok;
	const char *head_label;
};

struct def {
	char *name, *text, *num, *den, *source;
};

struct srcfile {
	char *name;
	unsigned long long rows;
};

struct lmi_report {
	struct lmi_report_opts o;
	char *xlsx_tmp, *html_tmp;
	lxw_workbook *wb;
	lxw_worksheet *readme;
	lxw_format *f_hdr, *f_month, *f_day, *f_int, *f_num, *f_rate, *f_supp, *f_supptext;
	lxw_format *f_title, *f_bold;
	struct ind *ind;
	size_t nind;
	size_t last;
	/* Column map of the current file. */
	int col_ind, col_per, col_fixed[C_FIXED];
	size_t ngc;
	int *gcol;
	char **gname;
	struct srcfile *src;
	size_t nsrc;
	struct def *defs;
	size_t ndefs;
	char *label;
	size_t labelcap;
	unsigned long long uncharted;
	char err[512];
};

static int fail(struct lmi_report *rp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lmi_report *rp, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rp->err, sizeof(rp->err), fmt, ap);
	va_end(ap);
	return status;
}

static char *xasprintf2(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = lmi_xmalloc(la + lb + 1);

	memcpy(p, a, la);
	memcpy(p + la, b, lb + 1);
	return p;
}

/* Parses a whole field as a finite number: 1 with *v set, 0 when empty, -1 otherwise. */
static int num_field(const char *s, size_t len, double *v)
{
	char *end;

	if (len == 0)
		return 0;
	if (isspace((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (end != s + len || errno == ERANGE || !isfinite(*v))
		return -1;
	return 1;
}

int lmi_report_period_date(const char *s, int *y, int *m, int *d)
{
	size_t n = strlen(s);

	if (n != 7 && n != 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	}
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = n == 10 ? (s[8] - '0') * 10 + (s[9] - '0') : 1;
	if (*y < 1900 || !lmi_date_valid(*y, *m, *d))
		return 0;
	return n == 10 ? 2 : 1;
}

int lmi_html_escape(FILE *fp, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (i > start && fwrite(s + start, 1, i - start, fp) != i - start)
			return -1;
		if (fputs(rep, fp) == EOF)
			return -1;
		start = i + 1;
	}
	if (n > start && fwrite(s + start, 1, n - start, fp) != n - start)
		return -1;
	return 0;
}

static int esc(FILE *fp, const char *s)
{
	return lmi_html_escape(fp, s, strlen(s));
}

/* ---- definitions file ---- */

static int load_definitions(struct lmi_report *rp, const char *path)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	int ci, cd, cn, cden, cs, rc;

	rc = lmi_csv_open(&r, path, NULL);
	if (rc != LMI_OK) {
		fail(rp, LMI_EINVAL, "%s:%lu: %s", r.name ? r.name : path, r.err_line, r.err);
		goto out;
	}
	ci = lmi_csv_col(&r, "indicator");
	cd = lmi_csv_col(&r, "definition");
	cn = lmi_csv_col(&r, "numerator");
	cden = lmi_csv_col(&r, "denominator");
	cs = lmi_csv_col(&r, "source");
	if (ci < 0 || cd < 0) {
		rc = fail(rp, LMI_EINVAL,
			  "%s:1: definitions need columns 'indicator' and 'definition'", path);
		goto out;
	}
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		struct def *d;

		if (rp->ndefs >= 10000) {
			rc = fail(rp, LMI_ETOOBIG, "%s:%lu: more than 10000 definitions", path,
				  row.line);
			goto out;
		}
		rp->defs = lmi_xrealloc(rp->defs, (rp->ndefs + 1) * sizeof(*rp->defs));
		d = &rp->defs[rp->ndefs++];
		d->name = lmi_xstrdup(row.f[ci]);
		d->text = lmi_xstrdup(row.f[cd]);
		d->num = cn >= 0 ? lmi_xstrdup(row.f[cn]) : NULL;
		d->den = cden >= 0 ? lmi_xstrdup(row.f[cden]) : NULL;
		d->source = cs >= 0 ? lmi_xstrdup(row.f[cs]) : NULL;
	}
	if (rc < 0)
		fail(rp, rc, "%s:%lu: %s", path, r.err_line, r.err);
	else
		rc = LMI_OK;
out:
	lmi_csv_close(&r);
	return rc;
}

static const struct def *find_def(const struct lmi_report *rp, const char *name)
{
	for (size_t i = 0; i < rp->ndefs; i++)
		if (strcmp(rp->defs[i].name, name) == 0)
			return &rp->defs[i];
	return NULL;
}

/* ---- setup ---- */

static lxw_format *fmt_new(lxw_workbook *wb, const char *num, int bold, int grey)
{
	lxw_format *f = workbook_add_format(wb);

	if (f == NULL)
		return NULL;
	if (num)
		format_set_num_format(f, num);
	if (bold)
		format_set_bold(f);
	if (grey) {
		format_set_pattern(f, LXW_PATTERN_SOLID);
		format_set_bg_color(f, 0xD9D9D9);
	}
	return f;
}

int lmi_report_new(struct lmi_report **out, const struct lmi_report_opts *o, char *err,
		   size_t errsz)
{
	struct lmi_report *rp = lmi_xcalloc(1, sizeof(*rp));
	int rc;

	*out = NULL;
	rp->o = *o;
	if (rp->o.title == NULL)
		rp->o.title = "Labour-market indicators";
	if (o->definitions) {
		rc = load_definitions(rp, o->definitions);
		if (rc != LMI_OK)
			goto fail;
	}
	if (o->html)
		rp->html_tmp = xasprintf2(o->html, ".tmp");
	if (o->xlsx) {
		lxw_workbook_options wo = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
		lxw_doc_properties props = { 0 };
		int y, m, d;

		rp->xlsx_tmp = xasprintf2(o->xlsx, ".tmp");
		rp->wb = workbook_new_opt(rp->xlsx_tmp, &wo);
		if (rp->wb == NULL) {
			rc = fail(rp, LMI_EIO, "cannot create workbook '%s'", rp->xlsx_tmp);
			goto fail;
		}
		props.title = (char *)rp->o.title;
		props.comments = "written by lmi report " LMI_VERSION;
		/* A fixed creation date keeps the workbook reproducible. */
		if (o->as_of && lmi_report_period_date(o->as_of, &y, &m, &d) == 2)
			props.created = (time_t)lmi_days_from_civil(y, m, d) * 86400;
		else
			props.created = 0;
		workbook_set_properties(rp->wb, &props);
		rp->readme = workbook_add_worksheet(rp->wb, "README");
		rp->f_hdr = fmt_new(rp->wb, NULL, 1, 1);
		rp->f_month = fmt_new(rp->wb, "yyyy-mm", 0, 0);
		rp->f_day = fmt_new(rp->wb, "yyyy-mm-dd", 0, 0);
		rp->f_int = fmt_new(rp->wb, "#,##0", 0, 0);
		rp->f_num = fmt_new(rp->wb, "#,##0.00", 0, 0);
		rp->f_rate = fmt_new(rp->wb, "0.0000", 0, 0);
		rp->f_supp = fmt_new(rp->wb, NULL, 0, 1);
		rp->f_supptext = fmt_new(rp->wb, NULL, 0, 1);
		rp->f_title = fmt_new(rp->wb, NULL, 1, 0);
		rp->f_bold = fmt_new(rp->wb, NULL, 1, 0);
		if (rp->readme == NULL || rp->f_supptext == NULL) {
			rc = fail(rp, LMI_ENOMEM, "cannot set up the workbook");
			goto fail;
		}
		format_set_italic(rp->f_supptext);
		format_set_font_size(rp->f_title, 14);
	}
	*out = rp;
	return LMI_OK;
fail:
	snprintf(err, errsz, "%s", rp->err);
	lmi_report_free(rp);
	return rc;
}

static int fixed_index(const char *name)
{
	for (int k = 0; k < C_FIXED; k++)
		if (strcmp(name, fixed_names[k]) == 0)
			return k;
	return -1;
}

int lmi_report_begin_file(struct lmi_report *rp, const char *name, const struct lmi_csv_row *h)
{
	struct srcfile *s;

	free(rp->gcol);
	free(rp->gname);
	rp->gcol = lmi_xcalloc(h->n + 1, sizeof(*rp->gcol));
	rp->gname = lmi_xcalloc(h->n + 1, sizeof(*rp->gname));
	rp->ngc = 0;
	rp->col_ind = rp->col_per = -1;
	for (int k = 0; k < C_FIXED; k++)
		rp->col_fixed[k] = -1;
	for (size_t i = 0; i < h->n; i++) {
		int k = fixed_index(h->f[i]);

		if (strcmp(h->f[i], "indicator") == 0) {
			rp->col_ind = (int)i;
		} else if (strcmp(h->f[i], "period") == 0) {
			rp->col_per = (int)i;
		} else if (k >= 0) {
			rp->col_fixed[k] = (int)i;
		} else {
			rp->gcol[rp->ngc] = (int)i;
			rp->gname[rp->ngc++] = h->f[i];
		}
	}
	if (rp->col_ind < 0 || rp->col_per < 0)
		return fail(rp, LMI_EINVAL, "not indicator CSV: no column '%s'",
			    rp->col_ind < 0 ? "indicator" : "period");
	for (int k = 0; k < C_FIXED; k++)
		if (rp->col_fixed[k] < 0)
			return fail(rp, LMI_EINVAL, "not indicator CSV: no column '%s'",
				    fixed_names[k]);
	rp->src = lmi_xrealloc(rp->src, (rp->nsrc + 1) * sizeof(*rp->src));
	s = &rp->src[rp->nsrc++];
	s->name = lmi_xstrdup(name);
	s->rows = 0;
	return LMI_OK;
}

/* Makes a valid, unique Excel sheet name from an indicator name. */
static void sheet_name(const struct lmi_report *rp, const char *name, char *out, size_t size)
{
	size_t n = 0, chars = 0;

	for (const char *p = name; *p && chars < 26 && n + 4 < size; chars++) {
		unsigned char c = (unsigned char)*p;
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (strchr("[]:*?/\\'", c) != NULL || c < 0x20) {
			out[n++] = '_';
			p++;
			continue;
		}
		for (size_t j = 0; j < len && *p; j++)
			out[n++] = *p++;
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, size, "sheet");
	for (int k = 2;; k++) {
		int clash = strcasecmp(out, "README") == 0 || strcasecmp(out, "Charts") == 0;

		for (size_t i = 0; i < rp->nind && !clash; i++)
			clash = strcasecmp(rp->ind[i].sheet, out) == 0;
		if (!clash)
			return;
		snprintf(out + n, size - n, "~%d", k);
	}
}

static int xlsx_status(struct lmi_report *rp, lxw_error e, const char *what)
{
	if (e == LXW_NO_ERROR)
		return LMI_OK;
	return fail(rp, LMI_EIO, "%s: %s", what, lxw_strerror(e));
}

static int new_indicator(struct lmi_report *rp, const char *name, size_t *idx)
{
	struct ind *in;
	size_t ncols = 2 + rp->ngc + C_FIXED;

	if (rp->nind >= LMI_REPORT_MAX_INDICATORS)
		return fail(rp, LMI_ETOOBIG, "more than %d indicators (one sheet each)",
			    LMI_REPORT_MAX_INDICATORS);
	rp->ind = lmi_xrealloc(rp->ind, (rp->nind + 1) * sizeof(*rp->ind));
	in = &rp->ind[rp->nind];
	memset(in, 0, sizeof(*in));
	in->name = lmi_xstrdup(name);
	in->ngc = rp->ngc;
	in->gcols = lmi_xcalloc(rp->ngc + 1, sizeof(*in->gcols));
	for (size_t g = 0; g < rp->ngc; g++)
		in->gcols[g] = lmi_xstrdup(rp->gname[g]);
	in->width = lmi_xcalloc(ncols, sizeof(*in->width));
	sheet_name(rp, name, in->sheet, sizeof(in->sheet));
	*idx = rp->nind++;
	if (rp->wb) {
		size_t c = 0;
		int rc = LMI_OK;

		in->ws = workbook_add_worksheet(rp->wb, in->sheet);
		if (in->ws == NULL)
			return fail(rp, LMI_EIO, "cannot add sheet '%s'", in->sheet);
		rc |= worksheet_write_string(in->ws, 0, c++, "indicator", rp->f_hdr);
		rc |= worksheet_write_string(in->ws, 0, c++, "period", rp->f_hdr);
		for (size_t g = 0; g < rp->ngc; g++)
			rc |= worksheet_write_string(in->ws, 0, c++, rp->gname[g], rp->f_hdr);
		for (int k = 0; k < C_FIXED; k++)
			rc |= worksheet_write_string(in->ws, 0, c++, fixed_names[k], rp->f_hdr);
		if (rc != 0)
			return fail(rp, LMI_EIO, "cannot write the header of sheet '%s'",
				    in->sheet);
		for (size_t i = 0; i < 2 + rp->ngc; i++)
			in->width[i] = (unsigned)strlen(i == 0 ? "indicator" :
							i == 1 ? "period" : rp->gname[i - 2]);
		for (int k = 0; k < C_FIXED; k++)
			in->width[2 + rp->ngc + k] = (unsigned)strlen(fixed_names[k]);
		worksheet_freeze_panes(in->ws, 1, 0);
	}
	return LMI_OK;
}

static int find_indicator(struct lmi_report *rp, const char *name, size_t *idx)
{
	if (rp->nind > 0 && strcmp(rp->ind[rp->last].name, name) == 0) {
		*idx = rp->last;
	} else {
		size_t i;

		for (i = 0; i < rp->nind; i++)
			if (strcmp(rp->ind[i].name, name) == 0)
				break;
		if (i == rp->nind) {
			int rc = new_indicator(rp, name, &i);

			if (rc != LMI_OK)
				return rc;
		}
		*idx = i;
	}
	rp->last = *idx;
	if (rp->ind[*idx].ngc != rp->ngc)
		goto differ;
	for (size_t g = 0; g < rp->ngc; g++)
		if (strcmp(rp->ind[*idx].gcols[g], rp->gname[g]) != 0)
			goto differ;
	return LMI_OK;
differ:
	return fail(rp, LMI_EINVAL, "indicator '%s' has other group columns than before", name);
}

/* Index of s in the list (adding it under the cap); -1 when the cap is reached. */
static long intern(char ***list, size_t *n, size_t *last, size_t cap, const char *s)
{
	if (*n > 0 && strcmp((*list)[*last], s) == 0)
		return (long)*last;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0) {
			*last = i;
			return (long)i;
		}
	if (*n >= cap)
		return -1;
	*list = lmi_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n] = lmi_xstrdup(s);
	*last = *n;
	return (long)(*n)++;
}

static void widen(struct ind *in, size_t col, size_t len)
{
	if (len > MAX_WIDTH)
		len = MAX_WIDTH;
	if (in->width[col] < len)
		in->width[col] = (unsigned)len;
}

static int put_string(struct lmi_report *rp, struct ind *in, size_t col, const char *s, size_t len,
		      lxw_format *f)
{
	lxw_error e;

	widen(in, col, len);
	if (len == 0 && f == NULL)
		return LMI_OK;
	if (len > MAX_CELL_TEXT)
		return fail(rp, LMI_ETOOBIG,
			    "field of %zu bytes is over Excel's %d-character cell limit", len,
			    MAX_CELL_TEXT);
	e = len == 0 ? worksheet_write_blank(in->ws, in->rows + 1, (lxw_col_t)col, f)
		     : worksheet_write_string(in->ws, in->rows + 1, (lxw_col_t)col, s, f);
	return xlsx_status(rp, e, "cannot write a cell");
}

static int put_number(struct lmi_report *rp, struct ind *in, size_t col, double v, lxw_format *f)
{
	/* A width estimate without formatting the number: digits of the integer part + 5. */
	widen(in, col, fabs(v) < 1e6 ? 8 : fabs(v) < 1e9 ? 11 : 16);
	return xlsx_status(rp, worksheet_write_number(in->ws, in->rows + 1, (lxw_col_t)col, v, f),
			   "cannot write a cell");
}

static int write_row(struct lmi_report *rp, struct ind *in, const struct lmi_csv_row *row, int supp,
		     const double *v, const int *have)
{
	const char *per = row->f[rp->col_per];
	size_t c = 2 + rp->ngc;
	int y, m, d, kind, rc;

	rc = put_string(rp, in, 0, in->name, strlen(in->name), NULL);
	kind = lmi_report_period_date(per, &y, &m, &d);
	if (rc == LMI_OK && kind > 0) {
		lxw_datetime dt = { y, m, d, 0, 0, 0 };

		widen(in, 1, kind == 2 ? 10 : 8);
		rc = xlsx_status(rp, worksheet_write_datetime(in->ws, in->rows + 1, 1, &dt,
							     kind == 2 ? rp->f_day : rp->f_month),
				 "cannot write a date");
	} else if (rc == LMI_OK) {
		rc = put_string(rp, in, 1, per, row->len[rp->col_per], NULL);
	}
	for (size_t g = 0; g < rp->ngc && rc == LMI_OK; g++)
		rc = put_string(rp, in, 2 + g, row->f[rp->gcol[g]], row->len[rp->gcol[g]], NULL);
	for (int k = 0; k < C_FIXED && rc == LMI_OK; k++) {
		int col = rp->col_fixed[k];
		int rate = k == C_VAL || k == C_LO || k == C_HI;
		lxw_format *f;

		if (k == C_NOTE) {
			rc = put_string(rp, in, c + k, row->f[col], row->len[col],
					supp ? rp->f_supptext : NULL);
		} else if (have[k] > 0) {
			int integral = v[k] == floor(v[k]) && fabs(v[k]) < 1e15;

			if (rate && !(k == C_VAL && integral && have[C_LO] == 0))
				f = rp->f_rate;
			else
				f = integral ? rp->f_int : rp->f_num;
			rc = put_number(rp, in, c + k, v[k], f);
		} else {
			/* Empty: a grey blank when suppressed; text kept as text. */
			rc = put_string(rp, in, c + k, row->f[col], row->len[col],
					supp && rate ? rp->f_supp : NULL);
		}
	}
	return rc;
}

int lmi_report_row(struct lmi_report *rp, const struct lmi_csv_row *row)
{
	struct ind *in;
	size_t idx;
	double v[C_FIXED] = { 0 };
	int have[C_FIXED] = { 0 };
	int supp, rc;
	long pi, gi;
	size_t lab = 0;

	rc = find_indicator(rp, row->f[rp->col_ind], &idx);
	if (rc != LMI_OK)
		return rc;
	in = &rp->ind[idx];
	rp->src[rp->nsrc - 1].rows++;
	supp = strcmp(row->f[rp->col_fixed[C_NOTE]], "suppressed") == 0;
	for (int k = 0; k < C_NOTE; k++) {
		int col = rp->col_fixed[k];

		have[k] = num_field(row->f[col], row->len[col], &v[k]);
	}
	if (rp->wb) {
		if (in->rows >= LMI_REPORT_MAX_ROWS)
			return fail(rp, LMI_ETOOBIG,
				    "indicator '%s' has more rows than an Excel sheet", in->name);
		rc = write_row(rp, in, row, supp, v, have);
		if (rc != LMI_OK)
			return rc;
	}
	in->rows++;
	in->supp += supp;

	/* The group label: group values joined by " / ". */
	for (size_t g = 0; g < rp->ngc; g++) {
		size_t len = row->len[rp->gcol[g]];

		if (lab + len + 4 > rp->labelcap) {
			rp->labelcap = (lab + len + 4) * 2;
			rp->label = lmi_xrealloc(rp->label, rp->labelcap);
		}
		if (g > 0) {
			memcpy(rp->label + lab, " / ", 3);
			lab += 3;
		}
		memcpy(rp->label + lab, row->f[rp->gcol[g]], len);
		lab += len;
	}
	if (rp->label == NULL) {
		rp->labelcap = 64;
		rp->label = lmi_xmalloc(rp->labelcap);
	}
	rp->label[lab] = '\0';
	pi = intern(&in->per, &in->nper, &in->last_pi, LMI_REPORT_MAX_PERIODS,
		    row->f[rp->col_per]);
	gi = intern(&in->grp, &in->ngrp, &in->last_gi, LMI_REPORT_MAX_GROUPS, rp->label);
	if (pi < 0 || gi < 0) {
		in->uncharted++;
		rp->uncharted++;
		return LMI_OK;
	}
	/* A repeated indicator x period x group replaces the earlier cell: memory stays bounded. */
	if (in->slot == NULL)
		in->slot = lmi_xcalloc((size_t)LMI_REPORT_MAX_PERIODS * LMI_REPORT_MAX_GROUPS,
				       sizeof(*in->slot));
	struct cell *ce;
	size_t sl = (size_t)pi * LMI_REPORT_MAX_GROUPS + (size_t)gi;

	if (in->slot[sl] > 0) {
		ce = &in->cells[in->slot[sl] - 1];
	} else {
		if (in->ncell == in->capcell) {
			in->capcell = in->capcell ? in->capcell * 2 : 64;
			in->cells = lmi_xrealloc(in->cells, in->capcell * sizeof(*in->cells));
		}
		ce = &in->cells[in->ncell++];
		in->slot[sl] = (unsigned)in->ncell;
	}
	ce->pi = (unsigned)pi;
	ce->gi = (unsigned)gi;
	ce->has = 0;
	ce->supp = supp;
	for (int k = 0; k < C_NOTE; k++) {
		ce->v[k] = v[k];
		if (have[k] > 0)
			ce->has |= 1u << k;
	}
	return LMI_OK;
}

/* ---- after the last row: sort, pivot, headline ---- */

static int cmp_str_idx(const void *a, const void *b, void *list)
{
	char **l = list;

	return strcmp(l[*(const size_t *)a], l[*(const size_t *)b]);
}

/* Insertion sort of an index permutation (lists are capped and short). */
static void sort_perm(size_t *perm, size_t n, char **list)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = 1; i < n; i++) {
		size_t x = perm[i], j = i;

		while (j > 0 && cmp_str_idx(&perm[j - 1], &x, list) > 0) {
			perm[j] = perm[j - 1];
			j--;
		}
		perm[j] = x;
	}
}

static void reorder(char **list, size_t n, const size_t *perm, size_t *newidx)
{
	char **tmp = lmi_xcalloc(n + 1, sizeof(*tmp));

	for (size_t i = 0; i < n; i++) {
		tmp[i] = list[perm[i]];
		newidx[perm[i]] = i;
	}
	memcpy(list, tmp, n * sizeof(*tmp));
	free(tmp);
}

static int is_total_label(const struct ind *in, const char *label)
{
	static const char *const words[] = { "", "all", "total", "전체", "계", NULL };

	if (in->ngc == 0)
		return 1;
	for (int i = 0; words[i]; i++)
		if (strcasecmp(label, words[i]) == 0)
			return 1;
	return 0;
}

static const struct cell *at(const struct ind *in, size_t p, size_t g)
{
	long k = in->dense[p * in->ngrp + g];

	return k < 0 ? NULL : &in->cells[k];
}

#define HAS(c, k) ((c)->has & (1u << (k)))

/*
 * The headline series: the total group when there is one (no group columns,
 * or a group labelled all/total/전체), the only group, or else the groups
 * pooled: sum of numerators over sum of denominators when every charted cell
 * has both, the sum of values when the values are counts (value = numerator).
 * Suppressed cells are left out of a pooled figure.
 */
static void headline(struct ind *in)
{
	long tg = -1;

	in->head = lmi_xcalloc(in->nper + 1, sizeof(*in->head));
	in->head_ok = lmi_xcalloc(in->nper + 1, sizeof(*in->head_ok));
	for (size_t g = 0; g < in->ngrp && tg < 0; g++)
		if (is_total_label(in, in->grp[g]))
			tg = (long)g;
	if (tg < 0 && in->ngrp == 1)
		tg = 0;
	in->head_label = tg >= 0 ? (in->ngc == 0 ? "" : in->grp[tg]) : "all groups, pooled";
	for (size_t p = 0; p < in->nper; p++) {
		double sn = 0, sd = 0, sv = 0;
		int rate = 1, count = 1, any = 0;

		if (tg >= 0) {
			const struct cell *c = at(in, p, (size_t)tg);

			if (c && !c->supp && HAS(c, C_VAL)) {
				in->head[p] = c->v[C_VAL];
				in->head_ok[p] = 1;
			}
			continue;
		}
		for (size_t g = 0; g < in->ngrp; g++) {
			const struct cell *c = at(in, p, g);

			if (c == NULL || c->supp)
				continue;
			any = 1;
			if (!(HAS(c, C_NUM) && HAS(c, C_DEN) && c->v[C_DEN] > 0))
				rate = 0;
			else {
				sn += c->v[C_NUM];
				sd += c->v[C_DEN];
			}
			if (!(HAS(c, C_VAL) && HAS(c, C_NUM) && c->v[C_VAL] == c->v[C_NUM] &&
			      !HAS(c, C_DEN)))
				count = 0;
			else
				sv += c->v[C_VAL];
		}
		if (any && rate) {
			in->head[p] = sn / sd;
			in->head_ok[p] = 1;
		} else if (any && count) {
			in->head[p] = sv;
			in->head_ok[p] = 1;
		}
	}
}

static void pivot(struct ind *in)
{
	size_t *perm = lmi_xcalloc(in->nper + in->ngrp + 1, sizeof(*perm));
	size_t *np = lmi_xcalloc(in->nper + 1, sizeof(*np));
	size_t *ng = lmi_xcalloc(in->ngrp + 1, sizeof(*ng));

	sort_perm(perm, in->nper, in->per);
	reorder(in->per, in->nper, perm, np);
	sort_perm(perm, in->ngrp, in->grp);
	reorder(in->grp, in->ngrp, perm, ng);
	in->dense = lmi_xmalloc((in->nper * in->ngrp + 1) * sizeof(*in->dense));
	for (size_t i = 0; i < in->nper * in->ngrp; i++)
		in->dense[i] = -1;
	for (size_t i = 0; i < in->ncell; i++) {
		struct cell *c = &in->cells[i];

		c->pi = (unsigned)np[c->pi];
		c->gi = (unsigned)ng[c->gi];
		in->dense[c->pi * in->ngrp + c->gi] = (long)i;
	}
	free(perm);
	free(np);
	free(ng);
	headline(in);
}

/* ---- XLSX: README and Charts ---- */

static const char *const notes[] = {
	"value = numerator / denominator for rates; for counts value = numerator.",
	"ci_low, ci_high: Wilson 95% confidence interval of a rate.",
	"Suppressed cells (a count under the minimum cell size) are empty, shaded grey and "
	"marked 'suppressed' in the note column; they are never printed.",
	"Periods that are months or days are Excel dates (shown yyyy-mm or yyyy-mm-dd); "
	"codes such as region_code are text, so leading zeros stay.",
	"The Charts sheet holds, per indicator, a period x group table and native charts: "
	"a line chart over time and a bar chart comparing groups in the latest period.",
	NULL,
};

static int readme_sheet(struct lmi_report *rp)
{
	lxw_worksheet *ws = rp->readme;
	lxw_row_t r = 0;
	int e = 0;
	static const char *const hdr[] = {
		"sheet", "indicator", "rows", "first period", "last period", "group columns",
		"suppressed", "definition", "numerator", "denominator", "source", NULL,
	};

	e |= worksheet_write_string(ws, r++, 0, rp->o.title, rp->f_title);
	e |= worksheet_write_string(ws, r, 0, "as of", rp->f_bold);
	e |= worksheet_write_string(ws, r++, 1, rp->o.as_of ? rp->o.as_of : "not given", NULL);
	e |= worksheet_write_string(ws, r, 0, "written by", rp->f_bold);
	e |= worksheet_write_string(ws, r++, 1, "lmi report " LMI_VERSION, NULL);
	for (size_t i = 0; i < rp->nsrc; i++) {
		e |= worksheet_write_string(ws, r, 0, i == 0 ? "source" : "", rp->f_bold);
		e |= worksheet_write_string(ws, r, 1, rp->src[i].name, NULL);
		e |= worksheet_write_number(ws, r, 2, (double)rp->src[i].rows, rp->f_int);
		e |= worksheet_write_string(ws, r++, 3, "rows", NULL);
	}
	r++;
	for (int k = 0; hdr[k]; k++)
		e |= worksheet_write_string(ws, r, (lxw_col_t)k, hdr[k], rp->f_hdr);
	r++;
	for (size_t i = 0; i < rp->nind; i++) {
		const struct ind *in = &rp->ind[i];
		const struct def *d = find_def(rp, in->name);
		size_t gl = 0;
		char *gc;

		for (size_t g = 0; g < in->ngc; g++)
			gl += strlen(in->gcols[g]) + 2;
		gc = lmi_xcalloc(gl + 1, 1);
		for (size_t g = 0; g < in->ngc; g++) {
			if (g > 0)
				memcpy(gc + strlen(gc), ", ", 3);
			memcpy(gc + strlen(gc), in->gcols[g], strlen(in->gcols[g]) + 1);
		}
		e |= worksheet_write_string(ws, r, 0, in->sheet, NULL);
		e |= worksheet_write_string(ws, r, 1, in->name, NULL);
		e |= worksheet_write_number(ws, r, 2, (double)in->rows, rp->f_int);
		if (in->nper > 0) {
			e |= worksheet_write_string(ws, r, 3, in->per[0], NULL);
			e |= worksheet_write_string(ws, r, 4, in->per[in->nper - 1], NULL);
		}
		e |= worksheet_write_string(ws, r, 5, gc, NULL);
		e |= worksheet_write_number(ws, r, 6, (double)in->supp, rp->f_int);
		e |= worksheet_write_string(ws, r, 7, d ? d->text : "see lmi-indicators(1)", NULL);
		if (d && d->num)
			e |= worksheet_write_string(ws, r, 8, d->num, NULL);
		if (d && d->den)
			e |= worksheet_write_string(ws, r, 9, d->den, NULL);
		if (d && d->source)
			e |= worksheet_write_string(ws, r, 10, d->source, NULL);
		r++;
		free(gc);
	}
	r++;
	e |= worksheet_write_string(ws, r++, 0, "notes", rp->f_bold);
	for (int k = 0; notes[k]; k++)
		e |= worksheet_write_string(ws, r++, 0, notes[k], NULL);
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 28, NULL);
	worksheet_set_column(ws, 2, 6, 12, NULL);
	worksheet_set_column(ws, 7, 7, 50, NULL);
	worksheet_set_column(ws, 8, 10, 20, NULL);
	return e ? fail(rp, LMI_EIO, "cannot write the README sheet") : LMI_OK;
}

static void col_name(size_t col, char *out)
{
	char tmp[8];
	size_t n = 0;

	col++;
	while (col > 0 && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* "=Charts!$B$3:$B$9" for a rectangle given by 0-based rows and columns. */
static void range(char *out, size_t size, size_t r0, size_t c0, size_t r1, size_t c1)
{
	char a[8], b[8];

	col_name(c0, a);
	col_name(c1, b);
	snprintf(out, size, "=Charts!$%s$%zu:$%s$%zu", a, r0 + 1, b, r1 + 1);
}

static int charts_sheet(struct lmi_report *rp)
{
	lxw_worksheet *ws = workbook_add_worksheet(rp->wb, "Charts");
	lxw_row_t r = 0;
	int e = 0;

	if (ws == NULL)
		return fail(rp, LMI_EIO, "cannot add the Charts sheet");
	worksheet_set_column(ws, 0, 0, 12, NULL);
	for (size_t i = 0; i < rp->nind; i++) {
		const struct ind *in = &rp->ind[i];
		size_t top = r, nser, chartcol = in->ngrp + 2;
		char cat[64], val[64];

		if (in->nper == 0 || in->ngrp == 0)
			continue;
		e |= worksheet_write_string(ws, r, 0, in->name, rp->f_title);
		r++;
		e |= worksheet_write_string(ws, r, 0, "period", rp->f_hdr);
		for (size_t g = 0; g < in->ngrp; g++)
			e |= worksheet_write_string(ws, r, (lxw_col_t)(g + 1),
						    in->ngc == 0 ? "value" : in->grp[g], rp->f_hdr);
		r++;
		for (size_t p = 0; p < in->nper; p++, r++) {
			int y, m, d, kind = lmi_report_period_date(in->per[p], &y, &m, &d);

			if (kind > 0) {
				lxw_datetime dt = { y, m, d, 0, 0, 0 };

				e |= worksheet_write_datetime(ws, r, 0, &dt,
							      kind == 2 ? rp->f_day : rp->f_month);
			} else {
				e |= worksheet_write_string(ws, r, 0, in->per[p], NULL);
			}
			for (size_t g = 0; g < in->ngrp; g++) {
				const struct cell *c = at(in, p, g);

				if (c && c->supp && !HAS(c, C_VAL))
					e |= worksheet_write_blank(ws, r, (lxw_col_t)(g + 1),
								   rp->f_supp);
				else if (c && HAS(c, C_VAL))
					e |= worksheet_write_number(ws, r, (lxw_col_t)(g + 1),
								    c->v[C_VAL], rp->f_rate);
			}
		}
		if (in->nper >= 2) {
			lxw_chart *ch = workbook_add_chart(rp->wb, LXW_CHART_LINE);

			if (ch == NULL)
				return fail(rp, LMI_ENOMEM, "cannot add a chart");
			chart_title_set_name(ch, in->name);
			nser = in->ngrp;
			if (nser > LMI_REPORT_LINE_SERIES)
				nser = LMI_REPORT_LINE_SERIES;
			for (size_t g = 0; g < nser; g++) {
				lxw_chart_series *s;

				range(cat, sizeof(cat), top + 2, 0, top + 1 + in->nper, 0);
				range(val, sizeof(val), top + 2, g + 1, top + 1 + in->nper, g + 1);
				s = chart_add_series(ch, cat, val);
				if (s == NULL)
					return fail(rp, LMI_ENOMEM, "cannot add a chart series");
				chart_series_set_name_range(s, "Charts", (lxw_row_t)top + 1,
							    (lxw_col_t)(g + 1));
			}
			if (in->ngc == 0)
				chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
			e |= worksheet_insert_chart(ws, (lxw_row_t)top, (lxw_col_t)chartcol, ch);
			chartcol += 9;
		}
		if (in->ngrp >= 2) {
			lxw_chart *ch = workbook_add_chart(rp->wb, LXW_CHART_BAR);
			lxw_chart_series *s;
			char title[300];

			if (ch == NULL)
				return fail(rp, LMI_ENOMEM, "cannot add a chart");
			snprintf(title, sizeof(title), "%s, %s", in->name, in->per[in->nper - 1]);
			chart_title_set_name(ch, title);
			range(cat, sizeof(cat), top + 1, 1, top + 1, in->ngrp);
			range(val, sizeof(val), top + 1 + in->nper, 1, top + 1 + in->nper,
			      in->ngrp);
			s = chart_add_series(ch, cat, val);
			if (s == NULL)
				return fail(rp, LMI_ENOMEM, "cannot add a chart series");
			chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
			e |= worksheet_insert_chart(ws, (lxw_row_t)top, (lxw_col_t)chartcol, ch);
		}
		/* Leave room for a chart (about 15 rows) below the table. */
		if (r < top + 17)
			r = (lxw_row_t)(top + 17);
		r++;
	}
	return e ? fail(rp, LMI_EIO, "cannot write the Charts sheet") : LMI_OK;
}

static int finish_xlsx(struct lmi_report *rp)
{
	lxw_error e;
	int rc = LMI_OK;

	for (size_t i = 0; i < rp->nind; i++) {
		struct ind *in = &rp->ind[i];
		size_t ncols = 2 + in->ngc + C_FIXED;

		for (size_t c = 0; c < ncols; c++)
			worksheet_set_column(in->ws, (lxw_col_t)c, (lxw_col_t)c,
					     in->width[c] + 2.0, NULL);
		worksheet_autofilter(in->ws, 0, 0, in->rows, (lxw_col_t)(ncols - 1));
	}
	rc = readme_sheet(rp);
	if (rc == LMI_OK)
		rc = charts_sheet(rp);
	e = workbook_close(rp->wb);
	rp->wb = NULL;
	if (rc != LMI_OK)
		return rc;
	if (e != LXW_NO_ERROR)
		return fail(rp, LMI_EIO, "cannot write '%s': %s", rp->xlsx_tmp, lxw_strerror(e));
	if (rename(rp->xlsx_tmp, rp->o.xlsx) != 0)
		return fail(rp, LMI_EIO, "cannot rename '%s': %s", rp->xlsx_tmp, strerror(errno));
	free(rp->xlsx_tmp);
	rp->xlsx_tmp = NULL;
	return LMI_OK;
}

/* ---- HTML board ---- */

static const char *const palette[LMI_REPORT_LINE_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
};

/* Formats a number for people: thousands separators, 2 or 4 decimals by size. */
static void fmt_num(double v, char *out, size_t size)
{
	char tmp[64];
	int n, neg = v < 0;
	size_t o = 0, digits;
	const char *dot;

	if (fabs(v) >= 1e15 || v != v) {
		snprintf(out, size, "%g", v);
		return;
	}
	if (v == floor(v) || fabs(v) >= 1000)
		n = snprintf(tmp, sizeof(tmp), "%.0f", fabs(v));
	else if (fabs(v) >= 1)
		n = snprintf(tmp, sizeof(tmp), "%.2f", fabs(v));
	else
		n = snprintf(tmp, sizeof(tmp), "%.4f", fabs(v));
	if (n < 0)
		n = 0;
	dot = strchr(tmp, '.');
	digits = dot ? (size_t)(dot - tmp) : (size_t)n;
	if (neg && o + 1 < size)
		out[o++] = '-';
	for (size_t i = 0; i < (size_t)n && o + 1 < size; i++) {
		if (i > 0 && i < digits && (digits - i) % 3 == 0 && o + 2 < size)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static const char css[] =
	":root{--fg:#1b1b1b;--mut:#5a5a5a;--line:#d0d0d0;--up:#1a7f37;--down:#b42318}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans KR',sans-serif;"
	"color:var(--fg);margin:0 auto;max-width:1100px;padding:16px 24px}"
	"h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;"
	"border-bottom:1px solid var(--line)}.meta{color:var(--mut)}"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}"
	".card{border:1px solid var(--line);border-radius:6px;padding:10px 12px}"
	".card .name{font-weight:600;overflow-wrap:anywhere}.card .big{font-size:1.8em}"
	".card .sub{color:var(--mut);font-size:.85em}.up{color:var(--up)}.down{color:var(--down)}"
	".charts{display:flex;flex-wrap:wrap;gap:16px}svg.chart{max-width:100%;height:auto}"
	"svg .bg{fill:#fff}svg .axis{stroke:#777;fill:none}svg .bar{fill:#1f77b4}"
	"svg polyline{fill:none;stroke-width:2}svg text{font-size:11px;fill:#333}"
	".tw{overflow-x:auto}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
	"th,td{border:1px solid var(--line);padding:3px 8px;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.supp td{background:#eee;font-style:italic}dt{font-weight:600}dd{margin:0 0 .6em 1.2em}"
	"@media print{body{max-width:none;font-size:10pt;padding:0}.card,section.ind,svg{"
	"break-inside:avoid}a{color:inherit;text-decoration:none}}";

static const char script[] =
	"(function(){var s=document.querySelectorAll('svg.chart'),ok=true;"
	"for(var i=0;i<s.length;i++){var b=s[i].getBoundingClientRect();"
	"if(!(b.width>0&&b.height>0))ok=false;}"
	"document.body.setAttribute('data-charts',String(s.length));"
	"document.body.setAttribute('data-rendered',ok?'ok':'fail');})();";

struct svgbox {
	double w, h, l, r, t, b;
};

static double ypos(const struct svgbox *bx, double v, double lo, double hi)
{
	return bx->t + (hi - v) / (hi - lo) * (bx->h - bx->t - bx->b);
}

static void line_chart(FILE *fp, const struct ind *in)
{
	struct svgbox bx = { 520, 260, 64, 16, 14, 48 };
	double lo = 0, hi = 0, span;
	size_t nser = in->ngrp < LMI_REPORT_LINE_SERIES ? in->ngrp : LMI_REPORT_LINE_SERIES;
	int first = 1;
	char a[64], b[64];

	for (size_t p = 0; p < in->nper; p++)
		for (size_t g = 0; g < nser; g++) {
			const struct cell *c = at(in, p, g);

			if (c == NULL || !HAS(c, C_VAL))
				continue;
			if (first || c->v[C_VAL] < lo)
				lo = c->v[C_VAL];
			if (first || c->v[C_VAL] > hi)
				hi = c->v[C_VAL];
			first = 0;
		}
	if (lo > 0)
		lo = 0;
	if (hi <= lo)
		hi = lo + 1;
	span = (bx.w - bx.l - bx.r) / (double)(in->nper - 1);
	double full = bx.h + 18.0 * (double)((nser + 2) / 3); /* with the legend rows */

	fprintf(fp, "<svg class=\"chart line\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
		bx.w, full, bx.w, full);
	esc(fp, in->name);
	fprintf(fp, " over time\"><rect class=\"bg\" x=\"0\" y=\"0\" width=\"%.0f\" "
		"height=\"%.0f\"/>", bx.w, full);
	fprintf(fp, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\"/>", bx.l, bx.t, bx.h - bx.b,
		bx.w - bx.r);
	fmt_num(hi, a, sizeof(a));
	fmt_num(lo, b, sizeof(b));
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", bx.l - 4,
		bx.t + 4, a);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", bx.l - 4,
		bx.h - bx.b, b);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\">", bx.l, bx.h - bx.b + 16);
	esc(fp, in->per[0]);
	fprintf(fp, "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", bx.w - bx.r,
		bx.h - bx.b + 16);
	esc(fp, in->per[in->nper - 1]);
	fputs("</text>", fp);
	for (size_t g = 0; g < nser; g++) {
		int any = 0;

		for (size_t p = 0; p < in->nper; p++) {
			const struct cell *c = at(in, p, g);

			if (c == NULL || !HAS(c, C_VAL))
				continue;
			if (!any)
				fprintf(fp, "<polyline stroke=\"%s\" points=\"", palette[g]);
			fprintf(fp, "%s%.1f,%.1f", any ? " " : "", bx.l + span * (double)p,
				ypos(&bx, c->v[C_VAL], lo, hi));
			any = 1;
		}
		if (any)
			fputs("\"/>", fp);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" style=\"fill:%s\">&#9632; ",
			8 + 170.0 * (double)(g % 3), bx.h - 8 + 18.0 * (double)(g / 3), palette[g]);
		esc(fp, in->ngc == 0 ? in->name : in->grp[g]);
		fputs("</text>", fp);
	}
	fputs("</svg>\n", fp);
}

/* Copies at most `max` UTF-8 characters of s into out, adding "…" when cut. */
static void clip(const char *s, size_t max, char *out, size_t size)
{
	size_t n = 0, chars = 0;

	while (*s && chars < max && n + 8 < size) {
		unsigned char c = (unsigned char)*s;
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		for (size_t j = 0; j < len && *s; j++)
			out[n++] = *s++;
		chars++;
	}
	if (*s) {
		memcpy(out + n, "\xe2\x80\xa6", 3);
		n += 3;
	}
	out[n] = '\0';
}

static void bar_chart(FILE *fp, const struct ind *in)
{
	struct svgbox bx = { 520, 0, 170, 70, 24, 8 };
	size_t p = in->nper - 1;
	double lo = 0, hi = 0, x0;
	char lab[160], num[64];

	bx.h = bx.t + 18.0 * (double)in->ngrp + bx.b;
	for (size_t g = 0; g < in->ngrp; g++) {
		const struct cell *c = at(in, p, g);

		if (c && HAS(c, C_VAL)) {
			if (c->v[C_VAL] < lo)
				lo = c->v[C_VAL];
			if (c->v[C_VAL] > hi)
				hi = c->v[C_VAL];
		}
	}
	if (hi <= lo)
		hi = lo + 1;
	x0 = bx.l + (0 - lo) / (hi - lo) * (bx.w - bx.l - bx.r);
	fprintf(fp, "<svg class=\"chart bar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
		bx.w, bx.h, bx.w, bx.h);
	esc(fp, in->name);
	fprintf(fp, " by group\"><rect class=\"bg\" x=\"0\" y=\"0\" width=\"%.0f\" "
		"height=\"%.0f\"/>", bx.w, bx.h);
	fprintf(fp, "<text x=\"%.1f\" y=\"14\">", bx.l);
	esc(fp, in->per[p]);
	fputs("</text>", fp);
	fprintf(fp, "<path class=\"axis\" d=\"M%.1f %.1fV%.1f\"/>", x0, bx.t - 4, bx.h - bx.b);
	for (size_t g = 0; g < in->ngrp; g++) {
		const struct cell *c = at(in, p, g);
		double y = bx.t + 18.0 * (double)g;

		clip(in->grp[g], 24, lab, sizeof(lab));
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", bx.l - 6, y + 12);
		esc(fp, lab);
		fputs("</text>", fp);
		if (c && HAS(c, C_VAL)) {
			double x1 = bx.l + (c->v[C_VAL] - lo) / (hi - lo) * (bx.w - bx.l - bx.r);
			double xa = x1 < x0 ? x1 : x0, w = fabs(x1 - x0);

			fprintf(fp, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"14\"/>", xa, y + 1, w < 1 ? 1 : w);
			fmt_num(c->v[C_VAL], num, sizeof(num));
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\">%s</text>",
				(x1 > x0 ? x1 : x0) + 4, y + 12, num);
		} else {
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-style=\"italic\">%s</text>",
				x0 + 4, y + 12, c && c->supp ? "suppressed" : "no value");
		}
	}
	fputs("</svg>\n", fp);
}

static void num_td(FILE *fp, const struct cell *c, int k)
{
	char b[64];

	if (c && HAS(c, k)) {
		fmt_num(c->v[k], b, sizeof(b));
		fprintf(fp, "<td class=\"n\">%s</td>", b);
	} else {
		fputs("<td></td>", fp);
	}
}

static void latest_table(FILE *fp, const struct ind *in)
{
	size_t p = in->nper - 1;
	char a[64], b[64];

	fputs("<div class=\"tw\"><table><thead><tr>", fp);
	if (in->ngc == 0)
		fputs("<th>period</th>", fp);
	for (size_t g = 0; g < in->ngc; g++) {
		fputs("<th>", fp);
		esc(fp, in->gcols[g]);
		fputs("</th>", fp);
	}
	fputs("<th>numerator</th><th>denominator</th><th>value</th><th>95% CI</th><th>n</th>"
	      "<th>note</th></tr></thead><tbody>\n", fp);
	for (size_t g = 0; g < in->ngrp; g++) {
		const struct cell *c = at(in, p, g);

		if (c == NULL)
			continue;
		fprintf(fp, "<tr%s><td>", c->supp ? " class=\"supp\"" : "");
		/* The label joins group values with " / "; split it back into cells. */
		if (in->ngc == 0) {
			esc(fp, in->per[p]);
		} else {
			const char *s = in->grp[g];

			for (size_t k = 0; k + 1 < in->ngc; k++) {
				const char *sep = strstr(s, " / ");

				if (sep == NULL)
					break;
				lmi_html_escape(fp, s, (size_t)(sep - s));
				fputs("</td><td>", fp);
				s = sep + 3;
			}
			esc(fp, s);
		}
		fputs("</td>", fp);
		num_td(fp, c, C_NUM);
		num_td(fp, c, C_DEN);
		num_td(fp, c, C_VAL);
		if (HAS(c, C_LO) && HAS(c, C_HI)) {
			fmt_num(c->v[C_LO], a, sizeof(a));
			fmt_num(c->v[C_HI], b, sizeof(b));
			fprintf(fp, "<td class=\"n\">%s – %s</td>", a, b);
		} else {
			fputs("<td></td>", fp);
		}
		num_td(fp, c, C_N);
		fprintf(fp, "<td>%s</td></tr>\n", c->supp ? "suppressed" : "");
	}
	fputs("</tbody></table></div>\n", fp);
}

static void card(FILE *fp, const struct ind *in, size_t i)
{
	long cur = -1, prev = -1;
	char a[64], b[64];

	for (size_t p = in->nper; p-- > 0;)
		if (in->head_ok[p]) {
			if (cur < 0)
				cur = (long)p;
			else if (prev < 0)
				prev = (long)p;
		}
	fprintf(fp, "<div class=\"card\"><div class=\"name\"><a href=\"#ind-%zu\">", i);
	esc(fp, in->name);
	fputs("</a></div>", fp);
	if (cur < 0) {
		fprintf(fp, "<div class=\"big\">–</div><div class=\"sub\">no headline figure "
			"(%zu groups)</div></div>\n", in->ngrp);
		return;
	}
	fmt_num(in->head[cur], a, sizeof(a));
	fprintf(fp, "<div class=\"big\">%s</div><div class=\"sub\">", a);
	esc(fp, in->per[cur]);
	if (in->head_label[0]) {
		fputs(" · ", fp);
		esc(fp, in->head_label);
	}
	fputs("</div>", fp);
	if (prev >= 0) {
		double d = in->head[cur] - in->head[prev];
		const char *cls = d > 0 ? "up" : d < 0 ? "down" : "";
		const char *arrow = d > 0 ? "&#9650;" : d < 0 ? "&#9660;" : "=";

		fmt_num(fabs(d), a, sizeof(a));
		fprintf(fp, "<div class=\"sub %s\">%s %s%s", cls, arrow, d < 0 ? "-" : "+", a);
		if (in->head[prev] != 0) {
			snprintf(b, sizeof(b), "%+.1f%%", 100 * d / fabs(in->head[prev]));
			fprintf(fp, " (%s)", b);
		}
		fputs(" vs ", fp);
		esc(fp, in->per[prev]);
		fputs("</div>", fp);
	} else {
		fputs("<div class=\"sub\">no earlier period</div>", fp);
	}
	fputs("</div>\n", fp);
}

static int write_html(struct lmi_report *rp)
{
	FILE *fp = fopen(rp->html_tmp, "w");

	if (fp == NULL)
		return fail(rp, LMI_EIO, "cannot create '%s': %s", rp->html_tmp, strerror(errno));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      fp);
	esc(fp, rp->o.title);
	fprintf(fp, "</title>\n<style>%s</style></head>\n<body>\n<header><h1>", css);
	esc(fp, rp->o.title);
	fputs("</h1><p class=\"meta\">As of <b>", fp);
	esc(fp, rp->o.as_of ? rp->o.as_of : "(not given)");
	fprintf(fp, "</b> · %zu indicators · sources:", rp->nind);
	for (size_t i = 0; i < rp->nsrc; i++) {
		fputs(i ? ", " : " ", fp);
		esc(fp, rp->src[i].name);
		fprintf(fp, " (%llu rows)", rp->src[i].rows);
	}
	fputs("</p></header>\n<section class=\"cards\">\n", fp);
	for (size_t i = 0; i < rp->nind; i++)
		card(fp, &rp->ind[i], i);
	fputs("</section>\n", fp);
	for (size_t i = 0; i < rp->nind; i++) {
		const struct ind *in = &rp->ind[i];
		const struct def *d = find_def(rp, in->name);

		fprintf(fp, "<section class=\"ind\" id=\"ind-%zu\"><h2>", i);
		esc(fp, in->name);
		fputs("</h2>\n", fp);
		if (d) {
			fputs("<p>", fp);
			esc(fp, d->text);
			fputs("</p>\n", fp);
		}
		if (in->nper == 0 || in->ngrp == 0) {
			fputs("<p>No charted values.</p></section>\n", fp);
			continue;
		}
		fputs("<div class=\"charts\">\n", fp);
		if (in->nper >= 2)
			line_chart(fp, in);
		if (in->ngrp >= 2)
			bar_chart(fp, in);
		fputs("</div>\n<p class=\"meta\">Latest period: ", fp);
		esc(fp, in->per[in->nper - 1]);
		if (in->uncharted)
			fprintf(fp, " · %llu rows beyond the chart limits (%d periods, "
				"%d groups) are in the workbook only", in->uncharted,
				LMI_REPORT_MAX_PERIODS, LMI_REPORT_MAX_GROUPS);
		if (in->ngrp > LMI_REPORT_LINE_SERIES && in->nper >= 2)
			fprintf(fp, " · the line chart shows the first %d of %zu groups",
				LMI_REPORT_LINE_SERIES, in->ngrp);
		fputs("</p>\n", fp);
		latest_table(fp, in);
		fputs("</section>\n", fp);
	}
	fputs("<section id=\"definitions\"><h2>Definitions and notes</h2><dl>\n", fp);
	for (size_t i = 0; i < rp->nind; i++) {
		const struct def *d = find_def(rp, rp->ind[i].name);

		fputs("<dt>", fp);
		esc(fp, rp->ind[i].name);
		fputs("</dt><dd>", fp);
		esc(fp, d ? d->text : "see lmi-indicators(1)");
		if (d && d->num && d->num[0]) {
			fputs(" Numerator: ", fp);
			esc(fp, d->num);
			fputs(".", fp);
		}
		if (d && d->den && d->den[0]) {
			fputs(" Denominator: ", fp);
			esc(fp, d->den);
			fputs(".", fp);
		}
		if (d && d->source && d->source[0]) {
			fputs(" Source: ", fp);
			esc(fp, d->source);
			fputs(".", fp);
		}
		fputs("</dd>\n", fp);
	}
	fputs("</dl><ul>\n", fp);
	for (int k = 0; notes[k]; k++) {
		fputs("<li>", fp);
		esc(fp, notes[k]);
		fputs("</li>\n", fp);
	}
	fputs("<li>Headline figures: the total group when there is one, else all groups pooled "
	      "(sum of numerators over sum of denominators, or the sum of counts), leaving "
	      "suppressed cells out.</li>\n</ul></section>\n", fp);
	fprintf(fp, "<footer class=\"meta\">written by lmi report %s</footer>\n"
		"<script>%s</script>\n</body></html>\n", LMI_VERSION, script);
	if (ferror(fp) || fclose(fp) != 0)
		return fail(rp, LMI_EIO, "cannot write '%s'", rp->html_tmp);
	if (rename(rp->html_tmp, rp->o.html) != 0)
		return fail(rp, LMI_EIO, "cannot rename '%s': %s", rp->html_tmp, strerror(errno));
	free(rp->html_tmp);
	rp->html_tmp = NULL;
	return LMI_OK;
}

int lmi_report_finish(struct lmi_report *rp)
{
	int rc = LMI_OK;

	for (size_t i = 0; i < rp->nind; i++)
		pivot(&rp->ind[i]);
	if (rp->wb)
		rc = finish_xlsx(rp);
	if (rc == LMI_OK && rp->html_tmp)
		rc = write_html(rp);
	return rc;
}

const char *lmi_report_error(const struct lmi_report *rp)
{
	return rp->err;
}

unsigned long long lmi_report_uncharted(const struct lmi_report *rp)
{
	return rp->uncharted;
}

void lmi_report_free(struct lmi_report *rp)
{
	if (rp == NULL)
		return;
	if (rp->wb) {
		workbook_close(rp->wb);
		rp->wb = NULL;
	}
	if (rp->xlsx_tmp) {
		unlink(rp->xlsx_tmp);
		free(rp->xlsx_tmp);
	}
	if (rp->html_tmp) {
		unlink(rp->html_tmp);
		free(rp->html_tmp);
	}
	for (size_t i = 0; i < rp->nind; i++) {
		struct ind *in = &rp->ind[i];

		free(in->name);
		for (size_t g = 0; g < in->ngc; g++)
			free(in->gcols[g]);
		free(in->gcols);
		free(in->width);
		for (size_t p = 0; p < in->nper; p++)
			free(in->per[p]);
		free(in->per);
		for (size_t g = 0; g < in->ngrp; g++)
			free(in->grp[g]);
		free(in->grp);
		free(in->cells);
		free(in->slot);
		free(in->dense);
		free(in->head);
		free(in->head_ok);
	}
	free(rp->ind);
	for (size_t i = 0; i < rp->nsrc; i++)
		free(rp->src[i].name);
	free(rp->src);
	for (size_t i = 0; i < rp->ndefs; i++) {
		free(rp->defs[i].name);
		free(rp->defs[i].text);
		free(rp->defs[i].num);
		free(rp->defs[i].den);
		free(rp->defs[i].source);
	}
	free(rp->defs);
	free(rp->gcol);
	free(rp->gname);
	free(rp->label);
	free(rp);
}

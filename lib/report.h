/* Reports from tidy indicator CSV: an XLSX workbook (libxlsxwriter) and a self-contained board. */
#ifndef LMI_REPORT_H
#define LMI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "csvio.h"

/*
 * Caps on what is held in memory for the charts, the headline figures and the
 * README sheet.  Rows beyond them still reach the data sheets (which stream,
 * libxlsxwriter's constant-memory mode) but not the charts.
 */
#define LMI_REPORT_MAX_INDICATORS 250 /* one sheet each; Excel allows more, readers do not */
#define LMI_REPORT_MAX_PERIODS 240    /* charted periods per indicator */
#define LMI_REPORT_MAX_GROUPS 60      /* charted groups per indicator */
#define LMI_REPORT_LINE_SERIES 8      /* groups drawn in one line chart */
#define LMI_REPORT_MAX_ROWS 1048575u  /* data rows per sheet (Excel's limit less the header) */

struct lmi_report_opts {
	const char *xlsx;        /* workbook path, or NULL */
	const char *html;        /* board path, or NULL */
	const char *title;       /* NULL means "Labour-market indicators" */
	const char *as_of;       /* ISO date or NULL; printed and used as the workbook date */
	const char *definitions; /* CSV indicator,definition[,numerator,denominator,source] */
};

/* Opaque: built by lmi_report_new(), released by lmi_report_free(). */
struct lmi_report;

/*
 * Creates a report that writes to o->xlsx and/or o->html.  Outputs are written
 * to "PATH.tmp" and renamed over PATH by lmi_report_finish(), so a failed run
 * never leaves a half-written file.  Returns LMI_OK and sets *out, or a
 * negative status with a message in err (size errsz); *out is then NULL.
 */
int lmi_report_new(struct lmi_report **out, const struct lmi_report_opts *o, char *err,
		   size_t errsz);

/*
 * Starts an input file: checks that the header is tidy indicator CSV (columns
 * indicator, period, numerator, denominator, value, ci_low, ci_high, n, note;
 * every other column is a group column) and records the file as a source.
 * Returns LMI_OK or LMI_EINVAL with lmi_report_error() set.
 */
int lmi_report_begin_file(struct lmi_report *rp, const char *name,
			  const struct lmi_csv_row *header);

/*
 * Adds one data row of the current file.  Returns LMI_OK, or a negative status
 * with lmi_report_error() set (too many indicators, a sheet over Excel's row
 * limit, group columns that differ between files, a write error).
 */
int lmi_report_row(struct lmi_report *rp, const struct lmi_csv_row *row);

/*
 * Writes the README and Charts sheets and the HTML board, closes and renames
 * the outputs.  Returns LMI_OK or a negative status with lmi_report_error() set.
 */
int lmi_report_finish(struct lmi_report *rp);

/* Returns the message of the last error ("" when none); valid until the next call. */
const char *lmi_report_error(const struct lmi_report *rp);

/* Number of rows that did not fit the chart caps (they are in the sheets). */
unsigned long long lmi_report_uncharted(const struct lmi_report *rp);

/* Removes unfinished outputs and releases everything; NULL is allowed. */
void lmi_report_free(struct lmi_report *rp);

/*
 * Writes s (n bytes) to fp with &, <, >, " and ' replaced by entities.
 * Returns 0, or -1 on a write error.
 */
int lmi_html_escape(FILE *fp, const char *s, size_t n);

/*
 * Classifies a period: 2 for a day "YYYY-MM-DD", 1 for a month "YYYY-MM",
 * 0 for anything else (quarter, year, free text).  Sets *y, *m, *d (d = 1 for
 * a month) when the result is not 0.
 */
int lmi_report_period_date(const char *s, int *y, int *m, int *d);

#endif

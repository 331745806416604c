/* Parsers for the values found in administrative extracts: dates, money, wages, codes. */
#ifndef LMI_PARSE_H
#define LMI_PARSE_H

#include <stddef.h>

/* Results besides LMI_OK (0) and LMI_EPARSE (< 0, from cli.h). */
enum {
	LMI_PARSE_EMPTY = 1,        /* empty or a "no value" word: missing, not an error */
	LMI_PARSE_UNTIL_FILLED = 2, /* a close date of "채용시까지" / "until filled" */
};

/*
 * Days since 1970-01-01 for a proleptic Gregorian date; the caller checks the
 * date with lmi_date_valid() first.
 */
long lmi_days_from_civil(int y, int m, int d);
void lmi_civil_from_days(long days, int *y, int *m, int *d);
int lmi_date_valid(int y, int m, int d);

/*
 * Parses a date in any of: 2025-03-01, 20250301, 2025.03.01, 2025/3/1,
 * 2025-3-1, 2025.3.1. (with a trailing dot), and ISO with a time part
 * ("2025-03-01 09:00:00", "2025-03-01T09:00").  Leading and trailing spaces are
 * ignored.  Years 1900..2100.  Returns LMI_OK with *days set, LMI_PARSE_EMPTY
 * for an empty string, LMI_PARSE_UNTIL_FILLED for "채용시까지", "상시채용",
 * "until filled" (any case), "9999-12-31" or "99991231", or LMI_EPARSE for
 * anything else, including impossible dates such as 2025-02-30.
 */
int lmi_parse_date(const char *s, long *days);

/*
 * lmi_parse_date() for a NUL-terminated s of known length len (a CSV field):
 * same results, but the canonical "YYYY-MM-DD" is read without a copy or a
 * strlen, so a loop over many date columns stays cheap.
 */
int lmi_parse_date_len(const char *s, size_t len, long *days);

/*
 * Splits exactly "YYYY-MM-DD" (len bytes, digits where digits belong) into
 * *y, *m and *d without judging them; returns 0 for any other text.  The
 * fast paths of the date readers share it.
 */
static inline int lmi_parse_ymd(const char *s, size_t len, int *y, int *m, int *d)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned v[8];

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	/* Unsigned: a byte below '0' wraps to a large value, so one test per digit. */
	for (int i = 0, k = 0; i < 10; i++)
		if (i != 4 && i != 7 && (v[k++] = (unsigned)u[i] - '0') > 9)
			return 0;
	*y = (int)(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]);
	*m = (int)(v[4] * 10 + v[5]);
	*d = (int)(v[6] * 10 + v[7]);
	return 1;
}

/* Writes days as "YYYY-MM-DD" into out (at least 11 bytes). */
void lmi_format_date(long days, char out[11]);

/*
 * Parses an amount of money: digits with optional thousands separators
 * ("3,000,000"), an optional decimal part, spaces, and an optional unit
 * "원", "KRW", "만원" (x 10,000) or "천원" (x 1,000).  Returns LMI_OK with *v
 * set, LMI_PARSE_EMPTY for empty or "협의", "회사내규", "면접후결정",
 * "추후협의" or "-", or LMI_EPARSE.  Negative amounts are LMI_EPARSE.
 */
int lmi_parse_money(const char *s, double *v);

/*
 * Parses a plain decimal number (strtod over the whole string, finite).
 * Returns LMI_OK, LMI_PARSE_EMPTY or LMI_EPARSE.
 */
int lmi_parse_num(const char *s, double *v);

/*
 * Converts an amount of wage type H (hourly), D (daily), M (monthly) or
 * Y (yearly) to hourly: H as is, D / 8, M / 209, Y / 2,508 (the Minimum Wage
 * Act's standard hours).  Returns LMI_OK, or LMI_EINVAL for another type.
 */
int lmi_wage_hourly(const char *wage_type, double amount, double *hourly);

/*
 * Maps a wage-type word to its code: "H"/"시급" -> "H", "D"/"일급" -> "D",
 * "M"/"월급" -> "M", "Y"/"연봉" -> "Y".  Returns the code or NULL.
 */
const char *lmi_wage_type_code(const char *s);

/* Returns 1 when s is non-empty and all ASCII digits, else 0. */
int lmi_is_digits(const char *s);

/*
 * Keeps only the digits of s (e.g. "123-45-67890" -> "1234567890") in out of
 * size `size`.  Returns the number of digits, or -1 when they do not fit.
 */
int lmi_digits_only(const char *s, char *out, size_t size);

#endif

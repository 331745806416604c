/* Value parsers for administrative extracts; every function takes untrusted text. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

#define MAX_TEXT 64 /* no date or amount we accept is longer */

long lmi_days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void lmi_civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int lmi_date_valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void lmi_format_date(long days, char out[11])
{
	int y, m, d;

	lmi_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* Copies s without surrounding spaces into buf; returns its length or -1 when too long. */
static int trim(const char *s, char *buf, size_t size)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= size)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (int)n;
}

/* Reads 1..maxd digits at *p; returns the value or -1. */
static int digits(const char **p, int mind, int maxd)
{
	int v = 0, k = 0;

	while (k < maxd && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	return k >= mind ? v : -1;
}

/* A time part after the date: "09:00", "09:00:00", "09:00:00.000". */
static int time_part(const char *p)
{
	if (*p == '\0')
		return 1;
	if (*p != ' ' && *p != 'T')
		return 0;
	p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return 0;
	return 1;
}

static int until_filled(const char *s)
{
	static const char *const words[] = { "채용시까지", "상시채용", "상시", "9999-12-31",
					     "99991231", "9999.12.31" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return strcasecmp(s, "until filled") == 0;
}

/* lmi_parse_date() for any form: trims, then reads the digits and separators. */
static int parse_date_any(const char *s, long *days)
{
	char buf[MAX_TEXT];
	const char *p = buf;
	int y, m, d, n = s ? trim(s, buf, sizeof(buf)) : 0;
	char sep;

	if (n == 0)
		return LMI_PARSE_EMPTY;
	if (n < 0)
		return LMI_EPARSE;
	if (until_filled(buf))
		return LMI_PARSE_UNTIL_FILLED;
	y = digits(&p, 4, 4);
	if (y < 0)
		return LMI_EPARSE;
	if (isdigit((unsigned char)*p)) {
		/* YYYYMMDD */
		m = digits(&p, 2, 2);
		d = digits(&p, 2, 2);
	} else {
		sep = *p;
		if (sep != '-' && sep != '.' && sep != '/')
			return LMI_EPARSE;
		p++;
		m = digits(&p, 1, 2);
		if (*p != sep)
			return LMI_EPARSE;
		p++;
		d = digits(&p, 1, 2);
		if (sep == '.' && *p == '.')
			p++;
	}
	if (m < 0 || d < 0 || !time_part(p) || !lmi_date_valid(y, m, d))
		return LMI_EPARSE;
	*days = lmi_days_from_civil(y, m, d);
	return LMI_OK;
}

/* Day of the year before the first of each month, in common and leap years. */
static const short cum_days[2][12] = {
	{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 },
	{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335 },
};

int lmi_parse_date_len(const char *s, size_t len, long *days)
{
	int y, m, d, leap;

	if (!lmi_parse_ymd(s, len, &y, &m, &d))
		return len == 0 ? LMI_PARSE_EMPTY : parse_date_any(s, days);
	/* 9999-12-31 ("until filled") and every error take the general path and its verdict. */
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 ||
	    (d > 28 && !lmi_date_valid(y, m, d)))
		return parse_date_any(s, days);
	/*
	 * lmi_days_from_civil() for 1900..2100 only, where every fourth year but
	 * 1900 and 2100 is leap: (y - 1901) / 4 leap days precede the year, and
	 * 1900-01-01 is day -25567.
	 */
	leap = (y & 3) == 0 && y != 1900 && y != 2100;
	*days = 365L * (y - 1900) + (y - 1901) / 4 + cum_days[leap][m - 1] + d - 1 - 25567;
	return LMI_OK;
}

int lmi_parse_date(const char *s, long *days)
{
	return s ? lmi_parse_date_len(s, strlen(s), days) : LMI_PARSE_EMPTY;
}

static int no_value_word(const char *s)
{
	static const char *const words[] = { "협의", "회사내규", "면접후결정", "면접 후 결정",
					     "추후협의", "추후 협의" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(s, words[i]) == s)
			return 1;
	return strcmp(s, "-") == 0;
}

int lmi_parse_money(const char *s, double *v)
{
	char buf[MAX_TEXT], num[MAX_TEXT];
	const char *p = buf;
	size_t k = 0;
	int n = s ? trim(s, buf, sizeof(buf)) : 0, seen_dot = 0, ndig = 0;
	double mult = 1, x;

	if (n == 0)
		return LMI_PARSE_EMPTY;
	if (n < 0)
		return LMI_EPARSE;
	if (no_value_word(buf))
		return LMI_PARSE_EMPTY;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			num[k++] = *p;
			ndig++;
		} else if (*p == ',' && ndig > 0 && !seen_dot && isdigit((unsigned char)p[1])) {
			continue;
		} else if (*p == '.' && ndig > 0 && !seen_dot && isdigit((unsigned char)p[1])) {
			num[k++] = '.';
			seen_dot = 1;
		} else {
			break;
		}
	}
	num[k] = '\0';
	while (*p == ' ')
		p++;
	if (strcmp(p, "만원") == 0 || strcmp(p, "만") == 0)
		mult = 10000;
	else if (strcmp(p, "천원") == 0)
		mult = 1000;
	else if (*p != '\0' && strcmp(p, "원") != 0 && strcmp(p, "KRW") != 0)
		return LMI_EPARSE;
	if (ndig == 0)
		return LMI_EPARSE;
	x = strtod(num, NULL);
	if (!isfinite(x))
		return LMI_EPARSE;
	*v = x * mult;
	return LMI_OK;
}

int lmi_parse_num(const char *s, double *v)
{
	char *end;
	double x;

	if (s == NULL || *s == '\0')
		return LMI_PARSE_EMPTY;
	if (strlen(s) >= MAX_TEXT || strspn(s, "0123456789+-.eE") != strlen(s))
		return LMI_EPARSE;
	errno = 0;
	x = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
		return LMI_EPARSE;
	*v = x;
	return LMI_OK;
}

int lmi_wage_hourly(const char *wage_type, double amount, double *hourly)
{
	/* Standard hours of the Minimum Wage Act: 8 a day, 209 a month, 2,508 a year. */
	if (wage_type == NULL || wage_type[0] == '\0' || wage_type[1] != '\0')
		return LMI_EINVAL;
	switch (wage_type[0]) {
	case 'H':
		*hourly = amount;
		return LMI_OK;
	case 'D':
		*hourly = amount / 8.0;
		return LMI_OK;
	case 'M':
		*hourly = amount / 209.0;
		return LMI_OK;
	case 'Y':
		*hourly = amount / 2508.0;
		return LMI_OK;
	}
	return LMI_EINVAL;
}

const char *lmi_wage_type_code(const char *s)
{
	static const char *const map[][2] = {
		{ "H", "H" }, { "D", "D" }, { "M", "M" }, { "Y", "Y" },
		{ "시급", "H" }, { "일급", "D" }, { "월급", "M" }, { "연봉", "Y" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

int lmi_is_digits(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int lmi_digits_only(const char *s, char *out, size_t size)
{
	size_t k = 0;

	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			continue;
		if (k + 1 >= size)
			return -1;
		out[k++] = *s;
	}
	if (size > 0)
		out[k] = '\0';
	return (int)k;
}

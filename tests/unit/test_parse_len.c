/* Unit tests for lmi_parse_date_len(): its YYYY-MM-DD fast path gives the general parser's verdict. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "unit.h"

/* The expected result for year y, month m, day d written in any accepted form. */
static int want_date(int y, int m, int d, long *days)
{
	if (!lmi_date_valid(y, m, d))
		return LMI_EPARSE;
	*days = lmi_days_from_civil(y, m, d);
	return LMI_OK;
}

int main(void)
{
	long checked = 0, bad_len = 0, bad_plain = 0, bad_compact = 0, d1, d2, d3, dw;
	char canon[48], compact[48];

	/*
	 * Every canonical string around the accepted range, impossible days and
	 * months included: the fast path (YYYY-MM-DD) must agree with the rules,
	 * and with the general parser reading the same date as YYYYMMDD.
	 */
	for (int y = 1890; y <= 2110; y++) {
		for (int m = 0; m <= 13; m++) {
			for (int d = 0; d <= 32; d++) {
				int want = want_date(y, m, d, &dw), r1, r2, r3;

				snprintf(canon, sizeof(canon), "%04d-%02d-%02d", y, m, d);
				snprintf(compact, sizeof(compact), "%04d%02d%02d", y, m, d);
				d1 = d2 = d3 = -1;
				r1 = lmi_parse_date_len(canon, strlen(canon), &d1);
				r2 = lmi_parse_date(canon, &d2);
				r3 = lmi_parse_date(compact, &d3);
				checked++;
				if (r1 != want || (want == LMI_OK && d1 != dw))
					bad_len++;
				if (r2 != want || (want == LMI_OK && d2 != dw))
					bad_plain++;
				if (r3 != want || (want == LMI_OK && d3 != dw))
					bad_compact++;
			}
		}
	}
	CHECK_INT(checked, 221L * 14 * 33);
	CHECK_INT(bad_len, 0);
	CHECK_INT(bad_plain, 0);
	CHECK_INT(bad_compact, 0);

	/* Day numbers at the ends of the range and around the century years. */
	CHECK_INT(lmi_parse_date_len("1900-01-01", 10, &d1), LMI_OK);
	CHECK_INT(d1, -25567);
	CHECK_INT(lmi_parse_date_len("2100-12-31", 10, &d1), LMI_OK);
	CHECK_INT(d1, lmi_days_from_civil(2100, 12, 31));
	CHECK_INT(lmi_parse_date_len("2000-02-29", 10, &d1), LMI_OK);
	CHECK_INT(d1, 11016);
	CHECK_INT(lmi_parse_date_len("1900-02-29", 10, &d1), LMI_EPARSE);
	CHECK_INT(lmi_parse_date_len("2100-02-29", 10, &d1), LMI_EPARSE);

	/* Ten bytes that are not a canonical date take the general path. */
	CHECK_INT(lmi_parse_date_len("9999-12-31", 10, &d1), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date_len("9999.12.31", 10, &d1), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date_len("2025/03/01", 10, &d1), LMI_OK);
	CHECK_INT(d1, 20148);
	CHECK_INT(lmi_parse_date_len("2025.3.1. ", 10, &d1), LMI_OK);
	CHECK_INT(d1, 20148);
	CHECK_INT(lmi_parse_date_len(" 2025-3-1 ", 10, &d1), LMI_OK);
	CHECK_INT(d1, 20148);
	CHECK_INT(lmi_parse_date_len("2025-0a-01", 10, &d1), LMI_EPARSE);
	CHECK_INT(lmi_parse_date_len("2025-03-0 ", 10, &d1), LMI_EPARSE);
	CHECK_INT(lmi_parse_date_len("+025-03-01", 10, &d1), LMI_EPARSE);
	CHECK_INT(lmi_parse_date_len("2025-03-01", 10, &d1), LMI_OK);
	CHECK_INT(d1, 20148);
	/* Other lengths, and the empty field. */
	CHECK_INT(lmi_parse_date_len("", 0, &d1), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_date_len("  ", 2, &d1), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_date_len("2025-03-01 09:30", 16, &d1), LMI_OK);
	CHECK_INT(d1, 20148);
	CHECK_INT(lmi_parse_date_len("2025-03-011", 11, &d1), LMI_EPARSE);
	CHECK_INT(lmi_parse_date_len("채용시까지", strlen("채용시까지"), &d1), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date(NULL, &d1), LMI_PARSE_EMPTY);
	return UNIT_DONE();
}

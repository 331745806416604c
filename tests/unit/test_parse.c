/* Unit tests for lib/parse: every date format, money, wage conversion, digits. */
#include "cli.h"
#include "parse.h"
#include "unit.h"

static long date_of(const char *s)
{
	long d = -999999;
	int rc = lmi_parse_date(s, &d);

	return rc == LMI_OK ? d : -999999 + rc;
}

static double money_of(const char *s)
{
	double v = -1;
	int rc = lmi_parse_money(s, &v);

	return rc == LMI_OK ? v : -1000 + rc;
}

int main(void)
{
	long d;
	double h;
	char buf[16];

	/*
	 * 1970-01-01 .. 2025-01-01 is 55 years with 14 leap days (1972..2024), so
	 * 55*365 + 14 = 20089 days; March 1 adds 31 + 28 = 59: 20148.
	 */
	CHECK_INT(date_of("2025-03-01"), 20148);
	CHECK_INT(date_of("20250301"), 20148);
	CHECK_INT(date_of("2025.03.01"), 20148);
	CHECK_INT(date_of("2025.3.1."), 20148);
	CHECK_INT(date_of("2025/3/1"), 20148);
	CHECK_INT(date_of("2025-3-1"), 20148);
	CHECK_INT(date_of(" 2025-03-01 "), 20148);
	CHECK_INT(date_of("2025-03-01 09:30:00"), 20148);
	CHECK_INT(date_of("2025-03-01T09:30"), 20148);
	CHECK_INT(date_of("1970-01-01"), 0);
	/* 2024 is a leap year: 2024-02-29 is 20089 - 366 + 31 + 28 = 19782 */
	CHECK_INT(date_of("2024-02-29"), 19782);
	/* 2000-03-01: 30 years, 7 leap days (72..96) = 10957, + 31 + 29 (2000 leap) = 11017 */
	CHECK_INT(date_of("2000-03-01"), 11017);

	CHECK_INT(lmi_parse_date("", &d), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_date("   ", &d), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_date("채용시까지", &d), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date("상시채용", &d), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date("Until Filled", &d), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date("9999-12-31", &d), LMI_PARSE_UNTIL_FILLED);
	CHECK_INT(lmi_parse_date("2025-02-29", &d), LMI_EPARSE); /* 2025 is not leap */
	CHECK_INT(lmi_parse_date("2025-02-30", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-13-01", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-00-10", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("1900-02-29", &d), LMI_EPARSE); /* century, not leap */
	CHECK_INT(lmi_parse_date("1899-12-31", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-03/01", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025031", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("202503011", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("25-03-01", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-03-01x", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-03-01 9am", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("next week", &d), LMI_EPARSE);
	CHECK_INT(lmi_parse_date("2025-03-01 00:00:00 00:00:00 00:00:00 00:00:00 00:00:00 00", &d),
		  LMI_EPARSE);

	lmi_format_date(20148, buf);
	CHECK_STR(buf, "2025-03-01");
	lmi_format_date(19782, buf);
	CHECK_STR(buf, "2024-02-29");
	lmi_format_date(0, buf);
	CHECK_STR(buf, "1970-01-01");
	CHECK(lmi_date_valid(2000, 2, 29));
	CHECK(!lmi_date_valid(2100, 2, 29));

	CHECK_NEAR(money_of("3,000,000"), 3000000, 0);
	CHECK_NEAR(money_of("3000000"), 3000000, 0);
	CHECK_NEAR(money_of("3,000,000원"), 3000000, 0);
	CHECK_NEAR(money_of(" 2,500,000 원 "), 2500000, 0);
	CHECK_NEAR(money_of("250만원"), 2500000, 0);
	CHECK_NEAR(money_of("1.5만원"), 15000, 0);
	CHECK_NEAR(money_of("30천원"), 30000, 0);
	CHECK_NEAR(money_of("10030"), 10030, 0);
	CHECK_NEAR(money_of("10030.5"), 10030.5, 0);
	CHECK_NEAR(money_of("45000000 KRW"), 45000000, 0);
	CHECK_INT(lmi_parse_money("협의", &h), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_money("회사내규에 따름", &h), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_money("면접후결정", &h), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_money("", &h), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_money("-", &h), LMI_PARSE_EMPTY); /* "-" = not given */
	CHECK_INT(lmi_parse_money("-5000", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_money("abc", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_money("3,000,000달러", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_money(",300", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_money("300,", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_money("1e400", &h), LMI_EPARSE);

	CHECK_INT(lmi_parse_num("12.5", &h), LMI_OK);
	CHECK_NEAR(h, 12.5, 0);
	CHECK_INT(lmi_parse_num("", &h), LMI_PARSE_EMPTY);
	CHECK_INT(lmi_parse_num("nan", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_num("inf", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_num("0x10", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_num("1e999", &h), LMI_EPARSE);
	CHECK_INT(lmi_parse_num("12,5", &h), LMI_EPARSE);

	/* Minimum Wage Act standard hours: D / 8, M / 209, Y / 2,508. */
	CHECK_INT(lmi_wage_hourly("H", 10030, &h), LMI_OK);
	CHECK_NEAR(h, 10030, 0);
	CHECK_INT(lmi_wage_hourly("D", 80240, &h), LMI_OK);
	CHECK_NEAR(h, 10030, 1e-12); /* 80,240 / 8 = 10,030 */
	CHECK_INT(lmi_wage_hourly("M", 2096270, &h), LMI_OK);
	CHECK_NEAR(h, 10030, 1e-12); /* 2,096,270 / 209 = 10,030 (the 2025 monthly minimum) */
	CHECK_INT(lmi_wage_hourly("Y", 25155240, &h), LMI_OK);
	CHECK_NEAR(h, 10030, 1e-12); /* 2,508 * 10,030 = 25,155,240 */
	CHECK_INT(lmi_wage_hourly("W", 1, &h), LMI_EINVAL);
	CHECK_INT(lmi_wage_hourly("", 1, &h), LMI_EINVAL);
	CHECK_INT(lmi_wage_hourly("HH", 1, &h), LMI_EINVAL);
	CHECK_STR(lmi_wage_type_code("월급"), "M");
	CHECK_STR(lmi_wage_type_code("연봉"), "Y");
	CHECK(lmi_wage_type_code("주급") == NULL);

	CHECK(lmi_is_digits("0110"));
	CHECK(!lmi_is_digits(""));
	CHECK(!lmi_is_digits("01a"));
	CHECK_INT(lmi_digits_only("123-45-67890", buf, sizeof(buf)), 10);
	CHECK_STR(buf, "1234567890");
	CHECK_INT(lmi_digits_only("12345678901234567890", buf, sizeof(buf)), -1);
	return UNIT_DONE();
}

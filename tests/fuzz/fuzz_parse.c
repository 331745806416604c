/*
 * libFuzzer target for lib/parse: dates, money, numbers and wage conversion.
 * A date that parses must format and parse back to the same day; money that
 * parses is finite and not negative.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[11];
	long days, again;
	double v, h;
	int rc;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = lmi_parse_date(s, &days);
	if (rc == LMI_OK) {
		int y, m, d;

		lmi_civil_from_days(days, &y, &m, &d);
		if (!lmi_date_valid(y, m, d) || y < 1900 || y > 2100)
			abort();
		lmi_format_date(days, out);
		if (lmi_parse_date(out, &again) != LMI_OK || again != days)
			abort();
	}
	rc = lmi_parse_money(s, &v);
	if (rc == LMI_OK && (!isfinite(v) || v < 0))
		abort();
	if (rc == LMI_OK && lmi_wage_hourly("M", v, &h) != LMI_OK)
		abort();
	rc = lmi_parse_num(s, &v);
	if (rc == LMI_OK && !isfinite(v))
		abort();
	lmi_wage_type_code(s);
	lmi_is_digits(s);
	{
		char dig[16];

		lmi_digits_only(s, dig, sizeof(dig));
	}
	free(s);
	return 0;
}

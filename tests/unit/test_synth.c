/* Unit tests for lib/synth: the NTS check digit and argument checks. */
#include <stdio.h>

#include "cli.h"
#include "synth.h"
#include "unit.h"

static int check_of(const char *nine)
{
	int d[9];

	for (int i = 0; i < 9; i++)
		d[i] = nine[i] - '0';
	return lmi_synth_bizno_check(d);
}

int main(void)
{
	struct lmi_csvw w;
	struct lmi_synth_opts o = { "vacancy", 0, 1, 0.5, 0.6 };
	FILE *null = fopen("/dev/null", "w");

	/*
	 * 124-81-00998: 1*1 + 2*3 + 4*7 + 8*1 + 1*3 + 0*7 + 0*1 + 9*3 + 9*5 = 118,
	 * + floor(9*5/10) = 4 -> 122; (10 - 2) % 10 = 8.
	 */
	CHECK_INT(check_of("124810099"), 8);
	/* 000-00-0000: sum 0 -> (10 - 0) % 10 = 0 (R2 rejects all zeros separately). */
	CHECK_INT(check_of("000000000"), 0);
	/*
	 * 111-11-1111: 1+3+7+1+3+7+1+3+5 = 31, + floor(5/10) = 0 -> 31; (10 - 1) % 10 = 9.
	 * 220-81-6265x: 2*1+2*3+0*7+8*1+1*3+6*7+2*1+6*3+5*5 = 106, + floor(25/10) = 2
	 * -> 108; (10 - 8) % 10 = 2.
	 */
	CHECK_INT(check_of("111111111"), 9);
	CHECK_INT(check_of("220816265"), 2);

	CHECK(lmi_synth_kind_valid("vacancy"));
	CHECK(lmi_synth_kind_valid("seeker"));
	CHECK(!lmi_synth_kind_valid("person"));
	CHECK(!lmi_synth_kind_valid(NULL));

	CHECK(null != NULL);
	if (null == NULL)
		return UNIT_DONE();
	lmi_csvw_init(&w, null, ',');
	CHECK_INT(lmi_synth_write(&o, &w), LMI_EINVAL); /* rates add up to 1.1 */
	o.bad_rate = 0.5;
	CHECK_INT(lmi_synth_write(&o, &w), LMI_OK);
	o.kind = "nope";
	CHECK_INT(lmi_synth_write(&o, &w), LMI_EINVAL);
	o.kind = "seeker";
	o.rows = 1000;
	CHECK_INT(lmi_synth_write(&o, &w), LMI_OK);
	CHECK_INT(lmi_csvw_flush(&w), LMI_OK);
	lmi_csvw_release(&w);
	fclose(null);
	return UNIT_DONE();
}

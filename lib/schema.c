/* The canonical schemas of DESIGN §4 as tables; lmi-formats(5) documents the same columns. */
#include "schema.h"

#include <string.h>

#include "cli.h"
#include "banned.h"

#define REQ LMI_F_REQUIRED
#define PER LMI_F_PERSON
#define ADD LMI_F_ADDED

static const struct lmi_field vacancy[] = {
	{ "source", LMI_T_CODE, REQ, "system the posting came from (worknet, a portal)" },
	{ "source_id", LMI_T_STR, REQ, "posting id within the source (wantedAuthNo)" },
	{ "employer_id", LMI_T_CODE, REQ, "10-digit business registration number" },
	{ "employer_name", LMI_T_STR, REQ, "employer name as posted" },
	{ "title", LMI_T_STR, REQ, "posting title" },
	{ "description", LMI_T_STR, 0, "posting text" },
	{ "occupation_code", LMI_T_CODE, REQ, "6-digit KECO / Work-net jobsCd" },
	{ "industry_code", LMI_T_CODE, 0, "KSIC industry code" },
	{ "region_code", LMI_T_CODE, REQ, "5-digit si-gun-gu code of the workplace" },
	{ "employment_type", LMI_T_CODE, REQ, "4, 10, 11, 20, 21 or Y (Work-net empTpCd)" },
	{ "wage_type", LMI_T_CODE, 0, "H hourly, D daily, M monthly, Y yearly" },
	{ "wage_min", LMI_T_NUM, 0, "offered minimum wage in KRW per wage_type" },
	{ "wage_max", LMI_T_NUM, 0, "offered maximum wage in KRW per wage_type" },
	{ "hours_per_week", LMI_T_NUM, 0, "contractual weekly hours" },
	{ "edu_min", LMI_T_CODE, 0, "minimum education code" },
	{ "career_req", LMI_T_CODE, 0, "N new entrant, E experienced, Z either" },
	{ "positions", LMI_T_INT, 0, "number of openings" },
	{ "reg_date", LMI_T_DATE, REQ, "date posted" },
	{ "close_date", LMI_T_DATE, 0, "closing date; empty when until_filled" },
	{ "until_filled", LMI_T_BOOL, 0, "1 when open until filled (chaeyongsikkaji)" },
	{ "status", LMI_T_CODE, 0, "open, expired, filled, cancelled" },
	{ "status_date", LMI_T_DATE, 0, "date of the last status change" },
	{ "hires", LMI_T_INT, 0, "hires made through the posting" },
	{ "wage_hourly_min", LMI_T_NUM, ADD, "wage_min converted to hourly (lmi validate)" },
	{ "flags", LMI_T_STR, ADD, "warning rule ids, ';'-separated (lmi validate)" },
	{ "dup_cluster", LMI_T_STR, ADD, "duplicate cluster id (lmi dedup)" },
	{ "is_canonical", LMI_T_BOOL, ADD, "1 for the cluster's canonical posting (lmi dedup)" },
};

static const struct lmi_field claim[] = {
	{ "claim_id", LMI_T_STR, REQ, "benefit claim id" },
	{ "person_key", LMI_T_STR, REQ | PER, "keyed hash of the claimant's identifier" },
	{ "birth_year", LMI_T_INT, 0, "year of birth" },
	{ "sex", LMI_T_CODE, 0, "F or M" },
	{ "residence_region", LMI_T_CODE, 0, "5-digit si-gun-gu code of residence" },
	{ "office_code", LMI_T_CODE, 0, "employment centre code" },
	{ "separation_date", LMI_T_DATE, REQ, "date of job loss" },
	{ "separation_reason", LMI_T_CODE, 0, "reason for separation" },
	{ "last_industry", LMI_T_CODE, 0, "KSIC code of the last job" },
	{ "last_occupation", LMI_T_CODE, 0, "occupation code of the last job" },
	{ "desired_occupation", LMI_T_CODE, 0, "occupation sought" },
	{ "insured_months", LMI_T_INT, 0, "months insured before separation" },
	{ "eligibility_date", LMI_T_DATE, REQ, "date eligibility was recognised" },
	{ "entitled_days", LMI_T_INT, REQ, "benefit days granted (120-270)" },
	{ "avg_daily_wage", LMI_T_NUM, 0, "average daily wage before separation, KRW" },
	{ "daily_benefit", LMI_T_NUM, 0, "daily benefit amount, KRW" },
	{ "first_payment_date", LMI_T_DATE, 0, "date of the first payment" },
	{ "days_paid", LMI_T_INT, 0, "benefit days paid so far" },
	{ "amount_paid", LMI_T_NUM, 0, "amount paid so far, KRW" },
	{ "end_date", LMI_T_DATE, 0, "end of the spell; empty while open" },
	{ "end_reason", LMI_T_CODE, 0,
	  "reemployed, exhausted, period_expired, disqualified, other" },
	{ "reemployment_date", LMI_T_DATE, 0, "date of re-employment" },
	{ "reemployment_occupation", LMI_T_CODE, 0, "occupation code of the new job" },
};

static const struct lmi_field training[] = {
	{ "enrollment_id", LMI_T_STR, REQ, "enrolment id" },
	{ "person_key", LMI_T_STR, REQ | PER, "keyed hash of the trainee's identifier" },
	{ "course_id", LMI_T_STR, REQ, "course id (HRD-Net trprId)" },
	{ "course_round", LMI_T_STR, 0, "course round (trprDegr)" },
	{ "institution_id", LMI_T_STR, 0, "training institution id" },
	{ "training_type", LMI_T_CODE, 0, "programme type" },
	{ "ncs_code", LMI_T_CODE, 0, "NCS classification code" },
	{ "region_code", LMI_T_CODE, 0, "5-digit si-gun-gu code of the institution" },
	{ "start_date", LMI_T_DATE, REQ, "course start" },
	{ "end_date", LMI_T_DATE, REQ, "course end" },
	{ "planned_hours", LMI_T_NUM, 0, "planned training hours" },
	{ "status", LMI_T_CODE, REQ, "enrolled, completed, early_employed, dropped, ..." },
	{ "attendance_rate", LMI_T_NUM, 0, "share of hours attended, 0-1" },
	{ "tuition_total", LMI_T_NUM, 0, "tuition, KRW" },
	{ "subsidy", LMI_T_NUM, 0, "public subsidy, KRW" },
	{ "outcome_excluded", LMI_T_BOOL, 0, "1 when excluded from employment-rate denominators" },
	{ "employed_3m", LMI_T_BOOL, 0, "employed within 3 months after the end" },
	{ "employed_6m", LMI_T_BOOL, 0, "employed within 6 months after the end" },
	{ "employment_date", LMI_T_DATE, 0, "date of employment" },
	{ "monthly_wage", LMI_T_NUM, 0, "monthly wage in the new job, KRW" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct lmi_schema schemas[] = {
	{ "claim", claim, N(claim), "claim_id" },
	{ "training", training, N(training), "enrollment_id" },
	{ "vacancy", vacancy, N(vacancy), "source,source_id" },
};

const struct lmi_schema *lmi_schema_get(const char *kind)
{
	for (size_t i = 0; i < N(schemas); i++)
		if (strcmp(schemas[i].kind, kind) == 0)
			return &schemas[i];
	return NULL;
}

int lmi_schema_index(const struct lmi_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *lmi_type_name(enum lmi_type t)
{
	static const char *const names[] = { "str", "int", "num", "date", "code", "bool" };

	return (size_t)t < N(names) ? names[t] : "?";
}

int lmi_schema_bind(const struct lmi_schema *s, const struct lmi_csv *r, int *cols,
		    const char **missing)
{
	*missing = NULL;
	for (size_t i = 0; i < s->n; i++) {
		cols[i] = lmi_csv_col(r, s->fields[i].name);
		if (cols[i] < 0 && *missing == NULL && (s->fields[i].flags & LMI_F_REQUIRED) &&
		    !(s->fields[i].flags & LMI_F_ADDED))
			*missing = s->fields[i].name;
	}
	return *missing ? LMI_EINVAL : LMI_OK;
}

/* Validation rules with reason codes (vacancy R1..R12, claim C0..C5, training T0..T4), tables as
 * data. */
#ifndef LMI_RULES_H
#define LMI_RULES_H

#include <stddef.h>

#include "csvio.h"
#include "schema.h"

/*
 * Rule tables are read from a directory holding:
 *   rules.csv       id,kind,severity,field,min,max,description  (severity error, warn or off)
 *   min_wage.csv    year,hourly[,source]
 *   codes.csv       list,code,label  (employment_type, wage_type, edu_min, career_req, status,
 *                   open_ended, fixed_term, end_reason, training_status, employed_6m_ok)
 *   regions.csv     code[,sido,name]  (5-digit si-gun-gu codes)
 *   occupations.csv prefix[,name]     (an occupation code is 6 digits starting with a prefix)
 *   patterns.csv    rule,field,when,pattern,label  (PCRE2 regexes, UTF mode; field is
 *                   title, description or title|description; when is empty or FIELD:LIST,
 *                   true when the row's FIELD is in code list LIST)
 * Every rule the C code evaluates must appear in rules.csv for the kind; a missing
 * rule, unknown severity or bad regex is a load error.  Rules with severity "off"
 * are not evaluated.
 */

enum lmi_severity {
	LMI_SEV_OFF = 0,
	LMI_SEV_WARN = 1,
	LMI_SEV_ERROR = 2,
};

#define LMI_RULES_MAX_VIOL 16 /* violations recorded per row; more are counted only */

/*
 * One rule violation.  `rule`, `field` and the pointers into the rule tables are
 * owned by the rule set; `value` points into the row (valid until the next
 * lmi_csv_next()).  `msg` holds the message, without file:line.
 */
struct lmi_violation {
	const char *rule;
	enum lmi_severity severity;
	const char *field;
	const char *value;
	char msg[200];
};

/*
 * The verdict on one row.  n violations are in v[] (at most LMI_RULES_MAX_VIOL;
 * nerr and nwarn count all of them, recorded or not).  For vacancies,
 * wage_hourly is wage_min converted to hourly with two decimals ("" when there
 * is no wage) and status is the derived status (R5): the input status when it
 * is filled, cancelled or expired, else "expired" when close_date is before
 * the as-of date, else "open".  Two decimals are rounded half away from zero.
 */
struct lmi_verdict {
	size_t n;
	size_t nerr, nwarn;
	struct lmi_violation v[LMI_RULES_MAX_VIOL];
	char wage_hourly[32];
	const char *status;
};

struct lmi_rules_priv;

/*
 * A loaded rule set for one kind.  `err` holds the message of the last failed
 * call ("rules.csv:4: unknown severity 'fatal'").  `as_of` (days since
 * 1970-01-01, see lmi_days_from_civil) is the reference date of R4 and R5;
 * set it after lmi_rules_init().
 */
struct lmi_rules {
	const struct lmi_schema *schema;
	long as_of;
	char err[512];
	struct lmi_rules_priv *p;
};

/*
 * Loads the tables of `dir` for `kind` ("vacancy", "claim" or "training") and
 * compiles the regexes once.  Returns LMI_OK, or a negative status with rs->err
 * set (LMI_EIO for a missing file, LMI_EPARSE for a bad table, LMI_EINVAL for
 * an unknown kind, LMI_ENOMEM).  Call lmi_rules_release() in both cases.
 */
int lmi_rules_init(struct lmi_rules *rs, const char *dir, const char *kind);

/*
 * Binds the rule set to one input: cols[i] is the input column of schema field
 * i, or -1 (as filled by lmi_schema_bind()).  The array is copied.  Returns
 * LMI_OK or LMI_ENOMEM.
 */
int lmi_rules_bind(struct lmi_rules *rs, const int *cols);

/*
 * Evaluates every enabled rule on one row and fills *v.  Does not allocate
 * and does not print.  Returns the number of error-severity violations (the
 * row is to be rejected when > 0).
 */
size_t lmi_rules_check(struct lmi_rules *rs, const struct lmi_csv_row *row, struct lmi_verdict *v);

/* Returns the severity of rule `id`, or LMI_SEV_OFF when it is unknown or off. */
enum lmi_severity lmi_rules_severity(const struct lmi_rules *rs, const char *id);

/*
 * NTS business registration number check (R2).  Returns 1 when s is exactly
 * 10 ASCII digits, not all zeros, and digit 10 equals
 * (10 - (sum(d_i * w_i, i = 1..9) + floor(d9 * 5 / 10)) mod 10) mod 10 with
 * weights 1,3,7,1,3,7,1,3,5; else 0.
 */
int lmi_bizno_valid(const char *s);

/* Number of UTF-8 code points in s (s is valid UTF-8). */
size_t lmi_utf8_len(const char *s, size_t n);

/* Frees everything; safe after a failed init and on a zeroed struct. */
void lmi_rules_release(struct lmi_rules *rs);

#endif

/*
 * Unit tests for lib/profile: profile syntax and its errors, header binding,
 * every transform on hand-picked values, and the iconv decoding reader
 * (CP949 bytes from the KS X 1001 table, whose Hangul run from 가 = B0 A1 to
 * 힝 = C8 FE, and the UHC extension example 똠 = 8C 63; in UTF-8 가 = EA B0 80
 * (U+AC00), 힝 = ED 9E 9D (U+D79D), 똠 = EB 98 A0 (U+B620)).
 */
#define _GNU_SOURCE /* open_memstream, fmemopen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "profile.h"
#include "pseudo.h"
#include "unit.h"

static char dir[] = "/tmp/lmi-test-profile-XXXXXX";

/* Writes text to DIR/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return path;
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void load_errors(void)
{
	struct lmi_profile p;
	static const struct {
		const char *text;
		int rc;
		unsigned long line;
		const char *err;
		const char *kind;
	} cases[] = {
		{ "[vacancy]\ntitle title\n", LMI_EPARSE, 2,
		  "expected 'FIELD SOURCE TRANSFORM', found 2 words", NULL },
		{ "[vacancy]\n# c\n\ntitle t upper\n", LMI_EPARSE, 4,
		  "unknown transform 'upper'", NULL },
		{ "[vacancy]\nnope t text\n", LMI_EPARSE, 2, "unknown vacancy field 'nope'", NULL },
		{ "[vacancy]\nwage_hourly_min t num\n", LMI_EPARSE, 2,
		  "unknown vacancy field 'wage_hourly_min'", NULL },
		{ "[claim]\nx y z\n", LMI_EPARSE, 0, "profile has no [vacancy] section", NULL },
		{ "[vacancy]\n[vacancy]\n", LMI_EPARSE, 2, "second [vacancy] section", NULL },
		{ "[vacancy]\nedu_min e map:nothing\n", LMI_EPARSE, 2,
		  "map needs FROM=TO pairs: 'map:nothing'", NULL },
		{ "[vacancy]\ntitle a||b text\n", LMI_EPARSE, 2,
		  "bad source column list for 'title'", NULL },
		{ "[vacancy]\ntitle a b c\n", LMI_EPARSE, 2,
		  "expected 'FIELD SOURCE TRANSFORM', found 4 words", NULL },
		{ "[vacancy]\ntitle t te\377xt\n", LMI_EPARSE, 2,
		  "NUL byte or invalid UTF-8", NULL },
		{ "[vacancy]\ntitle t text\n", LMI_OK, 0, "", NULL },
		/* The identifier column may not feed another field, even as a raw_ value. */
		{ "[claim]\nperson_key rrn person\nbirth_year rrn int\n", LMI_EPARSE, 3,
		  "column 'rrn' holds person identifiers; only the person transform may read it",
		  "claim" },
		{ "[claim]\nclaim_id id|rrn text\nperson_key rrn person\n", LMI_EPARSE, 2,
		  "column 'rrn' holds person identifiers; only the person transform may read it",
		  "claim" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = write_file("e.profile", cases[i].text);

		CHECK_INT(lmi_profile_load(&p, path, cases[i].kind ? cases[i].kind : "vacancy"),
			  cases[i].rc);
		CHECK_INT(p.err_line, cases[i].line);
		CHECK_STR(p.err, cases[i].err);
		lmi_profile_release(&p);
	}
	CHECK_INT(lmi_profile_load(&p, "/nonexistent/x.profile", "vacancy"), LMI_EIO);
	lmi_profile_release(&p);
	CHECK_INT(lmi_profile_load(&p, "/nonexistent/x.profile", "seeker"), LMI_EINVAL);
	lmi_profile_release(&p);
}

/*
 * Runs csv (header + one row) through profile text for `kind` and returns
 * the output (header and row) in a static buffer, or "ERR:<missing column>".
 */
static const char *run(const char *kind, const char *profile, const char *csv)
{
	static char out[4096];
	struct lmi_profile p;
	struct lmi_pseudo key;
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csvw w;
	const char *missing, *ff, *fv;
	char *mem = NULL;
	size_t memlen = 0, nf;
	int cols[64];
	FILE *mf;
	const char *in = write_file("in.csv", csv);
	char inpath[256];

	snprintf(inpath, sizeof(inpath), "%s", in);
	lmi_pseudo_init(&key, (const unsigned char *)"0123456789abcdef0123456789abcdef", 32);
	snprintf(out, sizeof(out), "ERR:load");
	if (lmi_profile_load(&p, write_file("t.profile", profile), kind) != LMI_OK)
		goto done;
	if (lmi_csv_open(&r, inpath, NULL) != LMI_OK)
		goto close;
	if (lmi_profile_bind(&p, &r, cols, &missing) != LMI_OK) {
		snprintf(out, sizeof(out), "ERR:%s", missing);
		goto close;
	}
	mf = open_memstream(&mem, &memlen);
	lmi_csvw_init(&w, mf, ',');
	lmi_profile_write_header(&p, &w);
	while (lmi_csv_next(&r, &row) == 1)
		lmi_profile_write_row(&p, cols, &row, &key, &w, &nf, &ff, &fv);
	lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	fclose(mf);
	snprintf(out, sizeof(out), "%s", mem);
	free(mem);
close:
	lmi_csv_close(&r);
done:
	lmi_profile_release(&p);
	return out;
}

/*
 * A training profile maps one field per transform; training has a field of
 * each type (str, code, date, num, bool).
 */
static void transforms(void)
{
	/* const, text (verbatim, blanks kept), code (trimmed, zeros kept). */
	CHECK_STR(run("training", "[training]\nenrollment_id - const:X1\ncourse_id c text\n"
		      "ncs_code n code\n", "c,n\n a b , 0102 \n"),
		  "enrollment_id,person_key,course_id,course_round,institution_id,training_type,"
		  "ncs_code,region_code,start_date,end_date,planned_hours,status,attendance_rate,"
		  "tuition_total,subsidy,outcome_excluded,employed_3m,employed_6m,employment_date,"
		  "monthly_wage,ingest_flags\n"
		  "X1,, a b ,,,,0102,,,,,,,,,,,,,,\n");
	/* num: 880.0 -> 880, 0.90 -> 0.9, 1e3 -> 1000; "1,5" fails. */
	CHECK_STR(run("training", "[training]\nplanned_hours h num\n",
		      "h\n880.0\n0.90\n1e3\n\"1,5\"\n"),
		  "enrollment_id,person_key,course_id,course_round,institution_id,training_type,"
		  "ncs_code,region_code,start_date,end_date,planned_hours,status,attendance_rate,"
		  "tuition_total,subsidy,outcome_excluded,employed_3m,employed_6m,employment_date,"
		  "monthly_wage,raw_planned_hours,ingest_flags\n"
		  ",,,,,,,,,,880,,,,,,,,,,,\n"
		  ",,,,,,,,,,0.9,,,,,,,,,,,\n"
		  ",,,,,,,,,,1000,,,,,,,,,,,\n"
		  ",,,,,,,,,,,,,,,,,,,,\"1,5\",planned_hours\n");
}

/* Checks one transform on vacancy field `field` via a one-rule profile: value -> want. */
static void one(const char *field, const char *xform, const char *value, const char *want,
		int fails)
{
	char prof[256], csv[256], want_tail[1024];
	const char *got, *nl;
	int idx = -1, k = 0;
	const char *names = "source,source_id,employer_id,employer_name,title,description,"
			    "occupation_code,industry_code,region_code,employment_type,wage_type,"
			    "wage_min,wage_max,hours_per_week,edu_min,career_req,positions,"
			    "reg_date,close_date,until_filled,status,status_date,hires";
	char buf[1024];
	const char *f[64];
	char *s;

	snprintf(prof, sizeof(prof), "[vacancy]\n%s v %s\n", field, xform);
	snprintf(csv, sizeof(csv), "v\n\"%s\"\n", value);
	got = run("vacancy", prof, csv);
	nl = strchr(got, '\n');
	got = nl ? nl + 1 : got;
	/* Expected row: 23 fields with `want` at the field's place, then raw_ and flags. */
	snprintf(buf, sizeof(buf), "%s", names);
	for (s = buf; s != NULL && k < 64;) {
		f[k++] = s;
		s = strchr(s, ',');
		if (s != NULL)
			*s++ = '\0';
	}
	for (int i = 0; i < k; i++)
		if (strcmp(f[i], field) == 0)
			idx = i;
	buf[0] = '\0';
	{
		size_t len = 0;

		for (int i = 0; i < k; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
						i == idx ? want : "");
		if (fails >= 0)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, ",%s",
						fails ? value : "");
		snprintf(buf + len, sizeof(buf) - len, ",%s\n", fails > 0 ? field : "");
	}
	snprintf(want_tail, sizeof(want_tail), "%s", buf);
	if (strcmp(got, want_tail) != 0)
		printf("# %s %s '%s': got %s", field, xform, value, got);
	CHECK(strcmp(got, want_tail) == 0);
}

/* fails: -1 = the transform has no raw_ column, 0 = parses, 1 = fails. */
static void each_transform(void)
{
	one("employer_id", "digits", "123-45-67890", "1234567890", 0);
	one("employer_id", "digits", "012.34 567", "01234567", 0);
	one("employer_id", "digits", "12A", "", 1);
	one("employer_id", "digits", "--", "", 1);
	one("positions", "int", "1,200", "1200", 0);
	one("positions", "int", " 7 ", "7", 0);
	one("positions", "int", "3명", "", 1);
	one("wage_min", "money", "2,500,000", "2500000", 0);
	one("wage_min", "money", "250만원", "2500000", 0);
	one("wage_min", "money", "12,000원", "12000", 0);
	one("wage_min", "money", "협의", "", 0);
	one("wage_min", "money", "회사내규", "", 0);
	one("wage_min", "money", "-5", "", 1);
	one("wage_min", "money", "9,860.5", "9860.5", 0);
	one("reg_date", "date", "2026.09.01", "2026-09-01", 0);
	one("reg_date", "date", "20260228", "2026-02-28", 0);
	one("reg_date", "date", "20260229", "", 1); /* 2026 is not a leap year */
	one("reg_date", "date", "2024/2/29", "2024-02-29", 0);
	one("reg_date", "date", "채용시까지", "", 1);
	one("close_date", "enddate", "채용시까지", "", 0);
	one("close_date", "enddate", "상시채용", "", 0);
	one("close_date", "enddate", "99991231", "", 0);
	one("close_date", "enddate", "2026-10-01", "2026-10-01", 0);
	one("close_date", "enddate", "soon", "", 1);
	one("until_filled", "open_flag", "채용시까지", "1", -1);
	one("until_filled", "open_flag", "Until Filled", "1", -1);
	one("until_filled", "open_flag", "2026-10-01", "0", -1);
	one("until_filled", "open_flag", "", "0", -1);
	one("until_filled", "bool", "Y", "1", 0);
	one("until_filled", "bool", "no", "0", 0);
	one("until_filled", "bool", "예", "1", 0);
	one("until_filled", "bool", "아니오", "0", 0);
	one("until_filled", "bool", "2", "", 1);
	one("wage_type", "wage_type", "월급", "M", 0);
	one("wage_type", "wage_type", "H", "H", 0);
	one("wage_type", "wage_type", "주급", "", 1);
	one("career_req", "map:신입=N;경력=E", "경력", "E", 0);
	one("career_req", "map:신입=N;경력=E", "N", "N", 0);
	one("career_req", "map:신입=N;경력=E", "무관", "", 1);
	one("region_code", "code", " 01680 ", "01680", -1);
	one("hours_per_week", "num", "40.0", "40", 0);
}

static void binding(void)
{
	/* A missing required column; alternatives; optional columns. */
	CHECK_STR(run("vacancy", "[vacancy]\ntitle t text\n", "x\n1\n"), "ERR:t");
	CHECK_STR(run("vacancy", "[vacancy]\ntitle a|b text\n", "x\n1\n"), "ERR:a");
	CHECK_STR(run("vacancy", "[vacancy]\ntitle a|b text\nsource_id c? code\n", "x,b\n1,T\n"),
		  "source,source_id,employer_id,employer_name,title,description,occupation_code,"
		  "industry_code,region_code,employment_type,wage_type,wage_min,wage_max,"
		  "hours_per_week,edu_min,career_req,positions,reg_date,close_date,until_filled,"
		  "status,status_date,hires,ingest_flags\n,,,,T,,,,,,,,,,,,,,,,,,,\n");
	/* @identity: required fields must be present. */
	CHECK_STR(run("claim", "[claim]\n@identity\n", "claim_id\nC1\n"), "ERR:person_key");
}

static void person(void)
{
	/*
	 * Expected from Python's hmac module:
	 * hmac.new(b"0123456789abcdef0123456789abcdef", b"9001011234567",
	 *          hashlib.sha256).hexdigest()
	 */
	const char *got = run("claim", "[claim]\nperson_key id person\n",
			      "id\n900101-1234567\n\"\"\n");

	CHECK(strstr(got, "\n,476fbbe7a7734a759d2b1044e4822f89a6634d96def2221f0cda501a022fa44c,,")
	      != NULL);
	CHECK(strstr(got, "\n,,,") != NULL); /* an empty id gives an empty key */
	CHECK(strstr(got, "1234567") == NULL);
}

/* Reads all of d->fp into a static buffer; returns its length. */
static size_t slurp(struct lmi_decode *d, char *buf, size_t cap)
{
	size_t n = 0, got;

	while (n < cap && (got = fread(buf + n, 1, cap - n, d->fp)) > 0)
		n += got;
	return n;
}

static void decode(void)
{
	static char src[200000], out[400000], want[400000];
	struct lmi_decode d;
	unsigned long line;
	const char *msg;
	FILE *fp;
	size_t n, k;

	CHECK_INT(lmi_decode_open(&d, NULL, "cp949"), LMI_OK);
	CHECK_INT(lmi_decode_open(&d, NULL, "no-such-encoding"), LMI_EINVAL);

	/* 가\n힝똠\n */
	fp = fmemopen((void *)"\xb0\xa1\n\xc8\xfe\x8c\x63\n", 8, "r");
	CHECK_INT(lmi_decode_open(&d, fp, "CP949"), LMI_OK);
	n = slurp(&d, out, sizeof(out));
	CHECK_INT(n, 11);
	CHECK(memcmp(out, "\xea\xb0\x80\n\xed\x9e\x9d\xeb\x98\xa0\n", 11) == 0);
	CHECK_INT(lmi_decode_error(&d, &line, &msg), 0);
	lmi_decode_close(&d);
	fclose(fp);

	/* An invalid byte on line 3: lines 1 and 2 come out, then the end. */
	fp = fmemopen((void *)"a\nb\nc\xff\nd\n", 9, "r");
	lmi_decode_open(&d, fp, "CP949");
	n = slurp(&d, out, sizeof(out));
	CHECK_INT(n, 4);
	CHECK_INT(lmi_decode_error(&d, &line, &msg), 1);
	CHECK_INT(line, 3);
	lmi_decode_close(&d);
	fclose(fp);

	/* 50,000 lines of 가 cross every buffer boundary (150,000 bytes in). */
	for (k = 0; k < 50000; k++) {
		memcpy(src + 3 * k, "\xb0\xa1\n", 3);
		memcpy(want + 4 * k, "\xea\xb0\x80\n", 4);
	}
	fp = fmemopen(src, 150000, "r");
	lmi_decode_open(&d, fp, "CP949");
	n = slurp(&d, out, sizeof(out));
	CHECK_INT(n, 200000);
	CHECK(memcmp(out, want, 200000) == 0);
	lmi_decode_close(&d);
	fclose(fp);

	/* One 40,000-character line (120,000 bytes out) is longer than the buffer. */
	for (k = 0; k < 40000; k++) {
		memcpy(src + 2 * k, "\xb0\xa1", 2);
		memcpy(want + 3 * k, "\xea\xb0\x80", 3);
	}
	fp = fmemopen(src, 80000, "r");
	lmi_decode_open(&d, fp, "CP949");
	n = slurp(&d, out, sizeof(out));
	CHECK_INT(n, 120000);
	CHECK(memcmp(out, want, 120000) == 0);
	CHECK_INT(lmi_decode_error(&d, &line, &msg), 0);
	lmi_decode_close(&d);
	fclose(fp);
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	CHECK_INT(lmi_xform_can_fail(LMI_X_TEXT), 0);
	CHECK_INT(lmi_xform_can_fail(LMI_X_PERSON), 0);
	CHECK_INT(lmi_xform_can_fail(LMI_X_DATE), 1);
	load_errors();
	transforms();
	each_transform();
	binding();
	person();
	decode();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return UNIT_DONE();
}

/*
 * Unit tests for the filters in front of the wording rules (R7..R11) and for the
 * date fast path of lib/rules: on random texts, the violations must be exactly
 * those of a plain search of every pattern with PCRE2, and the dates exactly those
 * of lmi_days_from_civil().
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "parse.h"
#include "rules.h"
#include "schema.h"
#include "unit.h"

#define RULES "data-samples/rules"
#define MAXPAT 64

/* The reference: the patterns of patterns.csv compiled one by one. */
struct ref {
	size_t n;
	char rule[MAXPAT][16];
	unsigned fields[MAXPAT]; /* bit 0 title, bit 1 description */
	char when[MAXPAT][32];	 /* code list the employment_type must be in, or "" */
	char label[MAXPAT][128];
	pcre2_code *re[MAXPAT];
	char codes[64][2][32]; /* (list, code) pairs of codes.csv */
	size_t ncodes;
};

static struct ref ref;
static pcre2_match_data *md;

static void load_ref(const char *dir)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	char path[512];
	int err;
	PCRE2_SIZE off;

	for (size_t i = 0; i < ref.n; i++)
		pcre2_code_free(ref.re[i]);
	memset(&ref, 0, sizeof(ref));
	snprintf(path, sizeof(path), "%s/patterns.csv", dir);
	CHECK_INT(lmi_csv_open(&r, path, NULL), LMI_OK);
	while (lmi_csv_next(&r, &row) == 1 && ref.n < MAXPAT) {
		const char *when = strchr(row.f[2], ':');

		snprintf(ref.rule[ref.n], sizeof(ref.rule[0]), "%s", row.f[0]);
		ref.fields[ref.n] = strcmp(row.f[1], "title") == 0	   ? 1
				    : strcmp(row.f[1], "description") == 0 ? 2
									   : 3;
		snprintf(ref.when[ref.n], sizeof(ref.when[0]), "%s", when ? when + 1 : "");
		snprintf(ref.label[ref.n], sizeof(ref.label[0]), "%s", row.f[4]);
		ref.re[ref.n] = pcre2_compile((PCRE2_SPTR)row.f[3], PCRE2_ZERO_TERMINATED,
					      PCRE2_UTF, &err, &off, NULL);
		CHECK(ref.re[ref.n] != NULL);
		ref.n++;
	}
	lmi_csv_close(&r);
	snprintf(path, sizeof(path), "%s/codes.csv", dir);
	CHECK_INT(lmi_csv_open(&r, path, NULL), LMI_OK);
	while (lmi_csv_next(&r, &row) == 1 && ref.ncodes < 64) {
		snprintf(ref.codes[ref.ncodes][0], 32, "%s", row.f[0]);
		snprintf(ref.codes[ref.ncodes][1], 32, "%s", row.f[1]);
		ref.ncodes++;
	}
	lmi_csv_close(&r);
}

static int in_list(const char *list, const char *code)
{
	for (size_t i = 0; i < ref.ncodes; i++)
		if (strcmp(ref.codes[i][0], list) == 0 && strcmp(ref.codes[i][1], code) == 0)
			return 1;
	return 0;
}

/* Bytes of a match the message shows: all of it, or its first 60 cut on a code point. */
static int shown(const char *s, size_t n)
{
	size_t k = strlen(s);

	if (k > 60) {
		k = 60;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	return (int)(k < n ? k : n);
}

/* The expected R7..R11 violations of a row, as "rule:message\n" lines. */
static void expect(const char *title, const char *desc, const char *emp, char *out, size_t size)
{
	const char *text[2] = {title, desc};
	static const char *const name[2] = {"title", "description"};
	char fired[MAXPAT][16];
	size_t nfired = 0, k = 0;

	out[0] = '\0';
	for (int b = 0; b < 2; b++) {
		size_t n = strlen(text[b]);

		for (size_t i = 0; i < ref.n && n > 0; i++) {
			size_t j;
			PCRE2_SIZE *ov;

			if (!(ref.fields[i] & (1u << b)))
				continue;
			for (j = 0; j < nfired && strcmp(fired[j], ref.rule[i]) != 0; j++)
				;
			if (j < nfired)
				continue;
			if (ref.when[i][0] != '\0' && !in_list(ref.when[i], emp))
				continue;
			if (pcre2_match(ref.re[i], (PCRE2_SPTR)text[b], n, 0, 0, md, NULL) < 0)
				continue;
			ov = pcre2_get_ovector_pointer(md);
			memcpy(fired[nfired++], ref.rule[i], sizeof(fired[0]));
			k += (size_t)snprintf(out + k, size - k, "%s:%s has '%.*s' (%s)\n",
					      ref.rule[i], name[b],
					      shown(text[b] + ov[0], ov[1] - ov[0]),
					      text[b] + ov[0], ref.label[i]);
		}
	}
}

/* The R7..R11 violations lmi_rules_check() reports, in the same form. */
static void actual(struct lmi_rules *rs, const char *title, const char *desc, const char *emp,
		   char *out, size_t size)
{
	char *f[3] = {(char *)title, (char *)desc, (char *)emp};
	size_t len[3] = {strlen(title), strlen(desc), strlen(emp)};
	struct lmi_csv_row row = {3, f, len, 2, NULL};
	struct lmi_verdict v;
	size_t k = 0;

	lmi_rules_check(rs, &row, &v);
	out[0] = '\0';
	for (size_t i = 0; i < v.n; i++) {
		const char *id = v.v[i].rule;

		if (strcmp(id, "R7") != 0 && strcmp(id, "R8") != 0 && strcmp(id, "R9") != 0 &&
		    strcmp(id, "R10") != 0 && strcmp(id, "R11") != 0)
			continue;
		k += (size_t)snprintf(out + k, size - k, "%s:%s\n", id, v.v[i].msg);
	}
}

static uint64_t seed = 88172645463325252u;

static unsigned rnd(unsigned n)
{
	return unit_rnd(&seed, n);
}

/* Appends a random piece of posting text: pattern fragments, digits, Hangul, other scripts. */
static void piece(char *s, size_t size)
{
	static const char *const tok[] = {
	    "남", "여", "자", "성", "만", "한정", "only", "ONLY", "우대", "선호", "직원", "사원",
	    "모집", "구함", "채용", "남직원", "여사원", "세", "~", "-", "년생", "이하", "미만",
	    "까지", "대", "초반", "환영", "남성", "여자", "키", "신장", "체중", "용모", "외모",
	    "출신", "지역", "혼인", "결혼", "여부", "기혼자", "주민등록", "등본", "부모", "가족",
	    "의", "직업", "재산", "교육비", "지원", "무료", "환급", "보증금", "없음", "없이",
	    "선입금", "선", "결제", "통장", "체크", "카드", "대여", "고수익", "보장", "텔레그램",
	    "TeleGram", "카톡", "위챗", "으로만", "ID", "아이디", "@", "계약직", "기간제",
	    "정규직", "전환", " ", "  ", "\t", ",", "가능", "초보", "경력자", "400%", "😀",
	    "漢字", "é", "ㄱ", "ㅏ", "x", "20~35세", "35 세", "90년생", "20대", "키 170"};
	size_t k = strlen(s);
	char buf[16];
	const char *t;
	unsigned r = rnd(10);

	if (r < 2) {
		snprintf(buf, sizeof(buf), "%u", rnd(r == 0 ? 100 : 10000));
		t = buf;
	} else if (r < 3) {
		unsigned cp = 0xAC00 + rnd(11172);

		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		buf[3] = '\0';
		t = buf;
	} else {
		t = tok[rnd(sizeof(tok) / sizeof(tok[0]))];
	}
	if (k + strlen(t) < size)
		memcpy(s + k, t, strlen(t) + 1);
}

static void text(char *s, size_t size, unsigned maxpieces)
{
	unsigned n = rnd(maxpieces + 1);

	s[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		piece(s, size);
}

/* Compares lmi_rules_check() with the reference on `rows` random rows. */
static void compare(const char *dir, unsigned rows)
{
	static const char *const emp[] = {"10", "11", "20", "21", "4", "Y"};
	struct lmi_rules rs;
	const struct lmi_schema *s = lmi_schema_get("vacancy");
	int cols[64];
	unsigned bad = 0;

	load_ref(dir);
	CHECK_INT(lmi_rules_init(&rs, dir, "vacancy"), LMI_OK);
	for (size_t i = 0; i < s->n; i++)
		cols[i] = -1;
	cols[lmi_schema_index(s, "title")] = 0;
	cols[lmi_schema_index(s, "description")] = 1;
	cols[lmi_schema_index(s, "employment_type")] = 2;
	lmi_rules_bind(&rs, cols);
	for (unsigned i = 0; i < rows; i++) {
		char title[256], desc[1024], want[4096], got[4096];
		const char *e = emp[rnd(6)];

		text(title, sizeof(title), 8);
		text(desc, sizeof(desc), i % 3 == 0 ? 60 : 12);
		expect(title, desc, e, want, sizeof(want));
		actual(&rs, title, desc, e, got, sizeof(got));
		if (strcmp(want, got) != 0 && bad++ < 5)
			printf("# title '%s' description '%s' employment_type %s\n# want %s# got %s",
			       title, desc, e, want, got);
	}
	printf("%s %s: %u random rows, %u differ\n", bad ? "not ok" : "ok", dir, rows, bad);
	unit_failed += bad > 0;
	lmi_rules_release(&rs);
}

static const char *const files[] = {"rules.csv",   "min_wage.csv",    "codes.csv",
				    "regions.csv", "occupations.csv", "patterns.csv"};

/* Runs compare() on a copy of the tables with `lines` appended to patterns.csv. */
static void compare_with(const char *lines, unsigned rows)
{
	char dir[64], a[512], b[512];
	FILE *fp;

	snprintf(dir, sizeof(dir), "/tmp/lmi-wording-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(a, sizeof(a), "%s/%s", RULES, files[i]);
		snprintf(b, sizeof(b), "%s/%s", dir, files[i]);
		CHECK(unit_copy_file(a, b));
	}
	snprintf(b, sizeof(b), "%s/patterns.csv", dir);
	fp = fopen(b, "a");
	if (fp != NULL) {
		fputs(lines, fp);
		fclose(fp);
	}
	compare(dir, rows);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(b, sizeof(b), "%s/%s", dir, files[i]);
		unlink(b);
	}
	rmdir(dir);
}

/* Every ISO date of 1900..2100 gets the days of lmi_days_from_civil() (R4.future pins them). */
static void test_dates(void)
{
	struct lmi_rules rs;
	const struct lmi_schema *s = lmi_schema_get("vacancy");
	int cols[64];
	unsigned bad = 0, n = 0;

	CHECK_INT(lmi_rules_init(&rs, RULES, "vacancy"), LMI_OK);
	for (size_t i = 0; i < s->n; i++)
		cols[i] = -1;
	cols[lmi_schema_index(s, "reg_date")] = 0;
	lmi_rules_bind(&rs, cols);
	for (int y = 1899; y <= 2101; y++) {
		for (int m = 0; m <= 13; m++) {
			for (int d = 0; d <= 32; d++) {
				char date[40];
				char *f[1] = {date};
				size_t len[1] = {10};
				struct lmi_csv_row row = {1, f, len, 2, NULL};
				struct lmi_verdict v;
				long want = 0;
				int valid, future, date_err;

				snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
				valid = lmi_parse_date(date, &want) == LMI_OK;
				/* as-of on the day: no R4.future; the day before: R4.future */
				for (int k = 0; k < 2; k++) {
					rs.as_of = want - k;
					lmi_rules_check(&rs, &row, &v);
					future = date_err = 0;
					for (size_t i = 0; i < v.n; i++) {
						future |= strcmp(v.v[i].rule, "R4.future") == 0;
						date_err |= strcmp(v.v[i].rule, "R4.date") == 0;
					}
					if (date_err != !valid || (valid && future != (k == 1))) {
						if (bad++ < 5)
							printf("# %s as_of %ld: R4.date %d, R4.future %d\n",
							       date, rs.as_of, date_err, future);
					}
					n++;
				}
			}
		}
	}
	printf("%s dates: %u checks, %u wrong\n", bad ? "not ok" : "ok", n, bad);
	unit_failed += bad > 0;
	lmi_rules_release(&rs);
}

int main(void)
{
	md = pcre2_match_data_create(1, NULL);
	compare(RULES, 20000);
	/* more start code points than the filters index: every Hangul syllable */
	compare_with("R9,title|description,,[가-힣]{2}[0-9]{3}원,amount\n", 5000);
	/* a positive look-behind: no start table, every position is tried */
	compare_with("R10,description,,(?<=보)증금,deposit\n", 5000);
	/* a pattern that can end at the end of the text only */
	compare_with("R9,title,,용$,ends in 용\nR8,description,,\"0%(?!\\s*,)\",percent\n", 5000);
	test_dates();
	for (size_t i = 0; i < ref.n; i++)
		pcre2_code_free(ref.re[i]);
	pcre2_match_data_free(md);
	return UNIT_DONE();
}

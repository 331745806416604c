/* Unit tests for lib/normalize and lib/dedup: normalisation rules, n-grams, clusters, state. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dedup.h"
#include "normalize.h"
#include "unit.h"

static char out[LMI_NORM_OUT];

static const char *emp(const char *s)
{
	lmi_norm_employer(s, strlen(s), out);
	return out;
}

static const char *title(const char *s)
{
	lmi_norm_title(s, strlen(s), out);
	return out;
}

static void test_utf8(void)
{
	uint32_t cp;
	unsigned char buf[4];

	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	/* 가 = EA B0 80 = U+AC00 */
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\xea\xb0\x80", 3, &cp), 3);
	CHECK_INT(cp, 0xAC00);
	/* overlong '/', a surrogate, a truncated sequence, a lone continuation byte */
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\xc0\xaf", 2, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\xed\xa0\x80", 3, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\xea\xb0", 2, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\x80", 1, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	/* 4-byte: U+1F600 = F0 9F 98 80 */
	CHECK_INT(lmi_norm_utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);
	CHECK_INT(lmi_norm_utf8_put(0xAC00, buf), 3);
	CHECK(memcmp(buf, "\xea\xb0\x80", 3) == 0);
	CHECK_INT(lmi_norm_utf8_put(0x1F600, buf), 4);
	CHECK(memcmp(buf, "\xf0\x9f\x98\x80", 4) == 0);
}

static void test_fold(void)
{
	CHECK_INT(lmi_norm_fold(0xFF21), 'a');   /* Ａ -> a (width, then case) */
	CHECK_INT(lmi_norm_fold(0xFF11), '1');   /* １ -> 1 */
	CHECK_INT(lmi_norm_fold(0xFF0C), ',');   /* ， -> , */
	CHECK_INT(lmi_norm_fold(0x3000), ' ');   /* ideographic space */
	CHECK_INT(lmi_norm_fold(0x00A0), ' ');   /* no-break space */
	CHECK_INT(lmi_norm_fold('Z'), 'z');
	CHECK_INT(lmi_norm_fold(0xAC00), 0xAC00); /* 가 unchanged */
	CHECK_INT(lmi_norm_fold(0xC9), 0xC9);     /* É: no locale-dependent folding */
}

static void test_employer(void)
{
	CHECK_STR(emp("(주)한빛소프트"), "한빛소프트");       /* legal form in front */
	CHECK_STR(emp("한빛소프트 주식회사"), "한빛소프트");  /* long form behind, space */
	CHECK_STR(emp("주식회사한빛소프트"), "한빛소프트");   /* long form glued */
	CHECK_STR(emp("㈜한빛소프트"), "한빛소프트");         /* U+321C */
	CHECK_STR(emp("㈱한빛"), "한빛");                     /* U+3231 */
	CHECK_STR(emp("한빛 소프트"), "한빛소프트");          /* spacing */
	CHECK_STR(emp("(유)대한물산"), "대한물산");
	CHECK_STR(emp("유한회사 대한물산"), "대한물산");
	CHECK_STR(emp("대한물산 유한책임회사"), "대한물산");
	CHECK_STR(emp("사단법인 한국협회"), "한국협회");
	CHECK_STR(emp("(재)미래재단"), "미래재단");
	CHECK_STR(emp("Hanbit Soft Co., Ltd."), "hanbitsoft");
	CHECK_STR(emp("HANBIT SOFT CO LTD"), "hanbitsoft");
	CHECK_STR(emp("Acme Inc."), "acme");
	CHECK_STR(emp("Acme Corporation"), "acme");
	CHECK_STR(emp("Acme Company Limited"), "acme");
	CHECK_STR(emp("Coffee Co"), "coffee"); /* whole words only: "coffee" keeps its "co" */
	CHECK_STR(emp("ＨＡＮＢＩＴ　ＳＯＦＴ"), "hanbitsoft"); /* full width + U+3000 */
	CHECK_STR(emp("Hanbit Soft Co.，Ltd."), "hanbitsoft");   /* full-width comma */
	CHECK_STR(emp("A&B Foods"), "abfoods");
	CHECK_STR(emp(""), "");
	CHECK_STR(emp("(주)"), "");
	CHECK_STR(emp("a\xff" "b"), "ab"); /* invalid byte: U+FFFD, a separator */
}

static void test_title(void)
{
	CHECK_STR(title("[급구] 웹 개발자 채용"), "웹개발자");
	CHECK_STR(title("웹개발자 모집"), "웹개발자");
	CHECK_STR(title("웹 개발자"), "웹개발자");
	CHECK_STR(title("【긴급】 간호사 구인"), "간호사");
	CHECK_STR(title("(모집) 생산직"), "생산직");
	CHECK_STR(title("《상시》 요양보호사 구함"), "요양보호사");
	CHECK_STR(title("〈정규직〉 회계 담당"), "회계담당");
	CHECK_STR(title("「급구」 배달 기사 모십니다"), "배달기사");
	CHECK_STR(title("{신규} 조리사 찾습니다"), "조리사");
	CHECK_STR(title("<경력> 용접공"), "용접공");
	CHECK_STR(title("URGENT: Web Developer - hiring now"), "webdeveloper");
	CHECK_STR(title("Nurse wanted ASAP"), "nurse");
	CHECK_STR(title("Ｗｅｂ　개발"), "web개발");
	CHECK_STR(title("웹 개발자 [서울"), "웹개발자서울"); /* unmatched bracket dropped alone */
	CHECK_STR(title("웹 개발자 ]"), "웹개발자");       /* stray closer is punctuation */
	CHECK_STR(title("Snowboard instructor"), "snowboardinstructor"); /* "now" only as a word */
	CHECK_STR(title(""), "");
}

static void test_cap(void)
{
	char in[1000];

	memset(in, 'a', 300);
	in[300] = '\0';
	/* only the first LMI_NORM_MAX_CP = 256 code points count */
	CHECK_INT(lmi_norm_title(in, 300, out), 256);
	/* 300 x "가" (3 bytes each): 256 code points = 768 bytes */
	for (int i = 0; i < 300; i++)
		memcpy(in + 3 * i, "\xea\xb0\x80", 3);
	CHECK_INT(lmi_norm_employer(in, 900, out), 768);
	/* 200 x "㈜": each expands to "(주)" until 255 code points; all are removed */
	for (int i = 0; i < 200; i++)
		memcpy(in + 3 * i, "\xe3\x88\x9c", 3);
	CHECK_INT(lmi_norm_employer(in, 600, out), 0);
}

static double jac(const char *a, const char *b, int n)
{
	uint32_t ga[LMI_NORM_MAX_GRAMS], gb[LMI_NORM_MAX_GRAMS];
	size_t na = lmi_norm_ngrams(a, strlen(a), n, ga);
	size_t nb = lmi_norm_ngrams(b, strlen(b), n, gb);

	return lmi_norm_jaccard(ga, na, gb, nb);
}

static void test_ngrams(void)
{
	uint32_t g[LMI_NORM_MAX_GRAMS];

	/* 웹개발자: 웹개 개발 발자 = 3 bigrams; code points, not bytes (12 bytes) */
	CHECK_INT(lmi_norm_ngrams("웹개발자", strlen("웹개발자"), 2, g), 3);
	CHECK_INT(lmi_norm_ngrams("abab", 4, 2, g), 2);  /* ab ba ab -> {ab, ba} */
	CHECK_INT(lmi_norm_ngrams("abcd", 4, 3, g), 2);  /* abc bcd */
	CHECK_INT(lmi_norm_ngrams("a", 1, 2, g), 1);     /* shorter than n: the whole string */
	CHECK_INT(lmi_norm_ngrams("", 0, 2, g), 0);
	/* {웹개,개발,발자} vs {웹개,개발,발자,자신,신입}: 3 / 5 = 0.6 */
	CHECK_NEAR(jac("웹개발자", "웹개발자신입", 2), 0.6, 1e-12);
	/* {ab,bc,cd} vs {ab,bc,ce}: 2 / 4 = 0.5 */
	CHECK_NEAR(jac("abcd", "abce", 2), 0.5, 1e-12);
	/* night {ni,ig,gh,ht} vs nacht {na,ac,ch,ht}: 1 / 7 */
	CHECK_NEAR(jac("night", "nacht", 2), 1.0 / 7.0, 1e-12);
	/* trigrams {abc,bcd} vs {abc,bce}: 1 / 3 */
	CHECK_NEAR(jac("abcd", "abce", 3), 1.0 / 3.0, 1e-12);
	/* 간호사 vs 간호조무사: {간호,호사} vs {간호,호조,조무,무사}: 1 / 5 */
	CHECK_NEAR(jac("간호사", "간호조무사", 2), 0.2, 1e-12);
	CHECK_NEAR(jac("", "", 2), 1.0, 1e-12);
	CHECK_NEAR(jac("ab", "", 2), 0.0, 1e-12);
	CHECK_NEAR(jac("same", "same", 2), 1.0, 1e-12);
}

/* A posting for the engine tests; date is a day number. */
static struct lmi_dedup_rec rec(const char *src, const char *id, const char *e, const char *t,
				int32_t date, unsigned complete, const char *truth)
{
	struct lmi_dedup_rec r = { 0 };

	r.source = src;
	r.source_len = strlen(src);
	r.source_id = id;
	r.source_id_len = strlen(id);
	r.employer_id = "";
	r.employer_name = e;
	r.employer_name_len = strlen(e);
	r.title = t;
	r.title_len = strlen(t);
	r.region = "11110";
	r.region_len = 5;
	r.occupation = "133100";
	r.occupation_len = 6;
	r.truth = truth;
	r.truth_len = strlen(truth);
	r.date = date;
	r.complete = complete;
	return r;
}

static void add(struct lmi_dedup *d, struct lmi_dedup_rec r)
{
	CHECK_INT(lmi_dedup_add(d, &r), LMI_OK);
}

static void test_engine(void)
{
	struct lmi_dedup_opts o = { .window = 60, .threshold = 0.7 };
	struct lmi_dedup d;
	unsigned long long tp, found, truth;

	lmi_dedup_init(&d, &o);
	add(&d, rec("wn", "1", "(주)한빛", "[급구] 웹 개발자", 100, 8, "A"));    /* 0 */
	add(&d, rec("sr", "7", "한빛 주식회사", "웹개발자 모집", 102, 9, "A"));  /* 1: exact key */
	add(&d, rec("wn", "1", "(주)한빛", "웹 개발자", 100, 8, "A"));          /* 2: same id */
	add(&d, rec("wn", "2", "(주)한빛", "웹 개발자", 161, 8, "B"));          /* 3: 61 days after 0 */
	add(&d, rec("wn", "3", "(주)한빛", "웹개발자신입", 103, 8, "A"));       /* 4: J = 0.6 < 0.7 */
	add(&d, rec("wn", "4", "(주)한빛", "간호사", 100, 8, "C"));             /* 5: other title */
	add(&d, rec("wn", "5", "(주)한빛", "간호사", LMI_DEDUP_NODATE, 9, "C")); /* 6: no date */
	CHECK_INT(lmi_dedup_count(&d), 7);
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	/* 0, 1, 2 cluster: 0 and 2 (day 100) are before 1 (day 102) */
	CHECK_STR(lmi_dedup_label(&d, 0), "wn:1");
	CHECK_STR(lmi_dedup_label(&d, 1), "wn:1");
	CHECK_STR(lmi_dedup_label(&d, 2), "wn:1");
	CHECK_INT(lmi_dedup_is_canonical(&d, 0), 1); /* 0 and 2 tie on everything: added first */
	CHECK_INT(lmi_dedup_is_canonical(&d, 2), 0);
	CHECK_INT(lmi_dedup_how(&d, 1), LMI_DEDUP_SAME_KEY);
	CHECK_INT(lmi_dedup_how(&d, 2), LMI_DEDUP_SAME_ID);
	/* 3 is 61 days after 0 and 59 after 1 (day 102): within the window of 1 */
	CHECK_STR(lmi_dedup_label(&d, 3), "wn:1");
	CHECK_STR(lmi_dedup_label(&d, 4), "wn:3");
	CHECK_INT(lmi_dedup_is_canonical(&d, 4), 1);
	/* 5 and 6: missing date matches any date and sorts last, despite more fields */
	CHECK_STR(lmi_dedup_label(&d, 6), "wn:4");
	CHECK_INT(lmi_dedup_is_canonical(&d, 5), 1);
	/*
	 * Truth A = {0,1,2,4}, B = {3}, C = {5,6}: true pairs 6 + 0 + 1 = 7.
	 * Found {0,1,2,3}, {4}, {5,6}: 6 + 1 = 7 pairs.  Both: {0,1,2} of A in one
	 * cluster = 3 pairs, {5,6} = 1: tp = 4.
	 */
	CHECK_INT(lmi_dedup_truth_pairs(&d, &tp, &found, &truth), LMI_OK);
	CHECK_INT(found, 7);
	CHECK_INT(truth, 7);
	CHECK_INT(tp, 4);
	lmi_dedup_release(&d);

	/* Window edge: 60 days apart joins, 61 does not.  Threshold 0.6 joins J = 0.6. */
	o.threshold = 0.6;
	lmi_dedup_init(&d, &o);
	add(&d, rec("a", "1", "x", "웹개발자", 0, 1, ""));
	add(&d, rec("a", "2", "x", "웹개발자", 60, 1, ""));
	add(&d, rec("a", "3", "y", "웹개발자", 0, 1, ""));
	add(&d, rec("a", "4", "y", "웹개발자", 61, 1, ""));
	add(&d, rec("a", "5", "y", "웹개발자신입", -1, 1, "")); /* 62 days before a:4 */
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	CHECK_STR(lmi_dedup_label(&d, 1), "a:1");
	CHECK_STR(lmi_dedup_label(&d, 3), "a:4");
	CHECK_STR(lmi_dedup_label(&d, 2), "a:5"); /* near duplicate, dated a day earlier */
	CHECK_STR(lmi_dedup_label(&d, 4), "a:5");
	CHECK_INT(lmi_dedup_how(&d, 4), LMI_DEDUP_NEAR);
	lmi_dedup_release(&d);

	/* Ties: same date, the more complete row wins, then the smaller key. */
	lmi_dedup_init(&d, &o);
	add(&d, rec("z", "1", "x", "t", 5, 3, ""));
	add(&d, rec("b", "1", "x", "t", 5, 4, ""));
	add(&d, rec("a", "1", "x", "t", 5, 3, ""));
	add(&d, rec("q", "1", "y", "t", 5, 3, ""));
	add(&d, rec("p", "1", "y", "t", 5, 3, ""));
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	CHECK_STR(lmi_dedup_label(&d, 0), "b:1");
	CHECK_STR(lmi_dedup_label(&d, 3), "p:1");
	lmi_dedup_release(&d);
}

/* Terms must agree: employer_id and wage_max are neutral when empty, wage_min is not. */
static void test_attrs(void)
{
	struct lmi_dedup_opts o = { .window = 60, .threshold = 0.7 };
	struct lmi_dedup d;
	struct lmi_dedup_rec r[8];
	static const char *const ids[8] = { "1", "2", "3", "4", "5", "6", "7", "8" };
	/* attribute 0 = employer_id, 3 = wage_min, 4 = wage_max (lmi_dedup_attr_names) */
	static const char *const emp_id[8] = { "", "", "", "111", "222", "", "", "" };
	static const char *const wmin[8] = { "", "", "", "", "", "3,000,000", "3000000", "" };
	static const char *const wmax[8] = { "100", "", "200", "", "", "", "", "" };
	static const char *const who[8] = { "a", "a", "a", "b", "b", "c", "c", "c" };

	CHECK_STR(lmi_dedup_attr_names[0], "employer_id");
	CHECK_STR(lmi_dedup_attr_names[3], "wage_min");
	CHECK_STR(lmi_dedup_attr_names[4], "wage_max");
	lmi_dedup_init(&d, &o);
	for (int i = 0; i < 8; i++) {
		r[i] = rec("s", ids[i], who[i], "요양보호사", 10 + i, 3, "");
		r[i].attr[0] = emp_id[i];
		r[i].attr_len[0] = strlen(emp_id[i]);
		r[i].attr[3] = wmin[i];
		r[i].attr_len[3] = strlen(wmin[i]);
		r[i].attr[4] = wmax[i];
		r[i].attr_len[4] = strlen(wmax[i]);
		add(&d, r[i]);
	}
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	/* s:2 (no wage_max) joins s:1 (100); s:3 (200) agrees with s:2 but not with the cluster */
	CHECK_STR(lmi_dedup_label(&d, 1), "s:1");
	CHECK_STR(lmi_dedup_label(&d, 2), "s:3");
	/* employer ids 111 and 222 differ: two employers of one name */
	CHECK_STR(lmi_dedup_label(&d, 4), "s:5");
	/* "3,000,000" = "3000000"; an empty wage_min (s:8) is not the same offer */
	CHECK_STR(lmi_dedup_label(&d, 6), "s:6");
	CHECK_STR(lmi_dedup_label(&d, 7), "s:8");
	lmi_dedup_release(&d);
}

/* Exact keys cost at most 64 bytes each: 16-byte slots at load >= 3/8 after growth. */
static void test_memory(void)
{
	struct lmi_dedup_opts o = { 0 };
	struct lmi_dedup d;
	char id[32], t[32];
	size_t bytes, keys, worst = 0;
	int failed = 0;

	lmi_dedup_init(&d, &o);
	for (int i = 0; i < 200000; i++) {
		struct lmi_dedup_rec r;

		snprintf(id, sizeof(id), "%d", i);
		snprintf(t, sizeof(t), "title %d", i);
		r = rec("s", id, "e", t, i / 100, 3, "");
		failed += lmi_dedup_add(&d, &r) != LMI_OK;
	}
	CHECK_INT(failed, 0);
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	lmi_dedup_key_memory(&d, &bytes, &keys);
	CHECK_INT(keys, 400000); /* 200000 source ids + 200000 exact keys */
	worst = bytes / keys;
	printf("# exact-key memory: %zu bytes for %zu keys = %.1f bytes/key\n", bytes, keys,
	       (double)bytes / (double)keys);
	CHECK(worst <= 64);
	lmi_dedup_release(&d);
}

static long long db_count(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dedup_posting", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* One night: rows in, state loaded, run, saved; returns the labels joined by spaces. */
static void night(const char *db, const char *name, const struct lmi_dedup_rec *r, size_t n,
		  char *labels, size_t size)
{
	struct lmi_dedup_opts o = { 0 };
	struct lmi_dedup d;
	struct lmi_dedup_state st = { 0 };
	size_t len = 0;

	lmi_dedup_init(&d, &o);
	for (size_t i = 0; i < n; i++)
		add(&d, r[i]);
	CHECK_INT(lmi_dedup_state_open(&st, db, 2), LMI_OK);
	CHECK_INT(lmi_dedup_state_load(&st, &d, name), LMI_OK);
	CHECK_INT(lmi_dedup_run(&d), LMI_OK);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(labels + len, size - len, "%s%s%s", i ? " " : "",
					lmi_dedup_label(&d, i),
					lmi_dedup_is_canonical(&d, i) ? "*" : "");
	CHECK_INT(lmi_dedup_state_save(&st, &d, name), LMI_OK);
	lmi_dedup_state_close(&st);
	lmi_dedup_release(&d);
}

static void test_state(void)
{
	char db[] = "/tmp/lmi-test-dedup-XXXXXX";
	char got[256];
	int fd = mkstemp(db);
	struct lmi_dedup_rec n1[] = {
		rec("wn", "1", "(주)한빛", "웹 개발자", 10, 5, ""),
		rec("wn", "2", "대한", "간호사", 10, 5, ""),
	};
	struct lmi_dedup_rec n2[] = {
		rec("sr", "9", "한빛 주식회사", "웹개발자 모집", 12, 5, ""), /* dup of wn:1 */
		rec("wn", "3", "대한", "요양보호사", 12, 5, ""),
	};
	struct lmi_dedup_rec n3[] = {
		rec("wn", "1", "(주)한빛", "웹 개발자", 10, 5, ""),    /* wn:1 again: same id */
		rec("jk", "4", "대한", "간호사 (급구)", 8, 5, ""),       /* earlier than wn:2 */
	};
	struct lmi_dedup_state st = { 0 };

	CHECK(fd >= 0);
	close(fd);
	night(db, "n1", n1, 2, got, sizeof(got));
	CHECK_STR(got, "wn:1* wn:2*");
	CHECK_INT(db_count(db), 2);
	night(db, "n2", n2, 2, got, sizeof(got));
	CHECK_STR(got, "wn:1 wn:3*");
	CHECK_INT(db_count(db), 4);
	/* the same night again: same answer, nothing added */
	night(db, "n2", n2, 2, got, sizeof(got));
	CHECK_STR(got, "wn:1 wn:3*");
	CHECK_INT(db_count(db), 4);
	/* jk:4 is dated before wn:2, so it becomes canonical of that cluster */
	night(db, "n3", n3, 2, got, sizeof(got));
	CHECK_STR(got, "wn:1 jk:4*");
	CHECK_INT(db_count(db), 6);
	/* a state built with other n-grams is refused */
	CHECK_INT(lmi_dedup_state_open(&st, db, 3), LMI_EINVAL);
	CHECK_STR(st.err, "state was built with --ngram 2, not 3");
	lmi_dedup_state_close(&st);
	unlink(db);
}

int main(void)
{
	test_utf8();
	test_fold();
	test_employer();
	test_title();
	test_cap();
	test_ngrams();
	test_engine();
	test_attrs();
	test_memory();
	test_state();
	return UNIT_DONE();
}

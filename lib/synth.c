/* Synthetic canonical extracts with planted duplicates and rule violations (GSL mt19937). */
#include "synth.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "schema.h"
#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define VLEN 512  /* one generated value; all are short text we compose ourselves */
#define MAXCOL 32 /* values per row before the truth columns */
#define NEMP 20000 /* employers in the pool (about 1.6 MB, whatever --rows) */

/* ---- fixed code lists ---- */

/* Real 5-digit si-gun-gu codes; Seoul and Gyeonggi weigh more, as in Work-net. */
static const struct {
	const char *code;
	const char *name;
	double w;
} regions[] = {
	{ "11110", "종로구", 2 }, { "11140", "중구", 3 }, { "11170", "용산구", 1 },
	{ "11200", "성동구", 2 }, { "11215", "광진구", 1 }, { "11230", "동대문구", 1 },
	{ "11290", "성북구", 1 }, { "11350", "노원구", 1 }, { "11380", "은평구", 1 },
	{ "11440", "마포구", 3 }, { "11500", "강서구", 2 }, { "11530", "구로구", 3 },
	{ "11545", "금천구", 3 }, { "11560", "영등포구", 4 }, { "11650", "서초구", 5 },
	{ "11680", "강남구", 8 }, { "11710", "송파구", 4 }, { "26230", "부산진구", 2 },
	{ "26350", "해운대구", 2 }, { "27290", "달서구", 2 }, { "28185", "연수구", 1 },
	{ "28237", "부평구", 2 }, { "29200", "광산구", 1 }, { "30200", "유성구", 1 },
	{ "31140", "남구", 1 }, { "36110", "세종시", 1 }, { "41117", "수원시 영통구", 2 },
	{ "41135", "성남시 분당구", 4 }, { "41173", "안양시 동안구", 2 },
	{ "41285", "고양시 일산동구", 2 }, { "41390", "시흥시", 2 }, { "41463", "용인시 기흥구", 2 },
	{ "41590", "화성시", 4 }, { "43113", "청주시 흥덕구", 1 }, { "44133", "천안시 서북구", 2 },
	{ "46130", "여수시", 1 }, { "47190", "구미시", 1 }, { "48121", "창원시 의창구", 2 },
	{ "48250", "김해시", 1 }, { "50110", "제주시", 1 },
};

/* Occupations: 6-digit code, title word spaced and compact, KSIC of a typical employer. */
static const struct occ {
	const char *code;
	const char *spaced;
	const char *compact;
	const char *ksic;
	char wtype;    /* usual wage type */
	double median; /* median offer in that wage type, KRW */
} occs[] = {
	{ "133201", "웹 개발자", "웹개발자", "62010", 'M', 3400000 },
	{ "133202", "앱 개발자", "앱개발자", "62010", 'M', 3500000 },
	{ "134101", "데이터 분석가", "데이터분석가", "62021", 'Y', 45000000 },
	{ "023101", "경리 사무원", "경리사무원", "46510", 'M', 2500000 },
	{ "026201", "영업 사원", "영업사원", "46510", 'M', 2800000 },
	{ "053101", "간호 조무사", "간호조무사", "86201", 'M', 2400000 },
	{ "055101", "요양 보호사", "요양보호사", "87111", 'H', 11000 },
	{ "851101", "생산직 사원", "생산직사원", "29199", 'M', 2600000 },
	{ "852201", "용접 기능공", "용접기능공", "25113", 'D', 180000 },
	{ "874101", "택배 배송원", "택배배송원", "49401", 'M', 3200000 },
	{ "521101", "한식 조리사", "한식조리사", "56111", 'M', 2700000 },
	{ "532101", "주방 보조", "주방보조", "56111", 'H', 10800 },
	{ "611101", "매장 판매원", "매장판매원", "47112", 'H', 10600 },
	{ "941101", "건물 청소원", "건물청소원", "74211", 'M', 2200000 },
	{ "942101", "아파트 경비원", "아파트경비원", "75320", 'M', 2300000 },
	{ "701101", "건설 현장 인부", "건설현장인부", "41221", 'D', 160000 },
	{ "921101", "물류 창고 관리원", "물류창고관리원", "52102", 'D', 120000 },
	{ "041101", "학원 강사", "학원강사", "85501", 'H', 18000 },
};

static const char *const name_a[] = {
	"한빛", "대성", "미래", "삼화", "동아", "새론", "푸른", "세종", "한결", "우리",
	"태양", "누리", "가온", "다온", "하나", "제일", "신성", "금강", "백두", "아름",
};
static const char *const name_b[] = {
	"소프트", "건설", "물산", "정밀", "식품", "테크", "로지스", "메디칼", "산업", "디자인",
	"유통", "엔지니어링", "바이오", "케어", "푸드", "시스템", "전자", "모터스", "화학", "에듀",
};
static const char *const title_pre[] = { "", "[급구] ", "[정규직] ", "(경력) ", "[신입] ", "" };
static const char *const title_suf[] = { "채용", "모집", "구인", "채용합니다", "모집합니다" };
static const char *const desc_words[12] = {
	"주 5일 근무", "4대보험 가입", "퇴직금 지급", "중식 제공", "경력자 우대", "초보 가능",
	"교통비 지원", "상여금 연 400%", "주차 가능", "유연근무제", "기숙사 제공", "야간수당 별도",
};
static const char *const sources[] = { "worknet", "saramin", "jobkorea", "incruit" };
static const double source_w[] = { 70, 12, 10, 8 };
static const char *const source_pre[] = { "K", "SR", "JK", "IC" };
static const char *const emp_types[] = { "10", "20", "11", "21", "4", "Y" };
static const double emp_type_w[] = { 55, 25, 7, 8, 3, 2 };
static const char *const edu_codes[] = { "00", "03", "04", "05", "06" };
static const double edu_w[] = { 40, 30, 12, 16, 2 };
static const char *const careers[] = { "Z", "N", "E" };
static const double career_w[] = { 45, 25, 30 };

/* Minimum wage per hour by year (Minimum Wage Act notices). */
static double min_wage(int year)
{
	if (year <= 2024)
		return 9860;
	if (year == 2025)
		return 10030;
	return 10320;
}

/* Hours that turn an hourly wage into one of the wage type (Minimum Wage Act conventions). */
static double wage_hours(char t)
{
	switch (t) {
	case 'D':
		return 8;
	case 'M':
		return 209;
	case 'Y':
		return 2508;
	}
	return 1;
}

/* Rounding unit of offers of each wage type, KRW. */
static double wage_unit(char t)
{
	switch (t) {
	case 'D':
		return 1000;
	case 'M':
		return 10000;
	case 'Y':
		return 100000;
	}
	return 10;
}

/* ---- generator state ---- */

struct employer {
	char bizno[11];
	char base[48];
	int form; /* 0 corporation (주식회사), 1 sole proprietor, 2 유한회사 */
	int occ;
	int region;
};

struct vac {
	int src;
	char source_id[24];
	int emp;
	char employer_id[11];
	char employer_name[96];
	char title[192];
	char desc[384];
	int occ;
	int region;
	const char *emp_type;
	char wtype;
	long wage_min, wage_max; /* -1 when missing */
	int hours;
	const char *edu;
	const char *career;
	int positions;
	long reg, close; /* days; close -1 when until filled */
	const char *status;
	long status_date; /* -1 when none */
	int hires;        /* -1 when none */
	char cluster[24];
	const char *bad;
};

struct synth {
	gsl_rng *r;
	struct lmi_csvw *w;
	const struct lmi_synth_opts *o;
	long d_first, d_last; /* the date range of the extract */
	char v[MAXCOL][VLEN];
	int map[MAXCOL]; /* output column -> generator slot, -1 for an unknown column */
	size_t ncol;
	struct employer *emp;
	struct vac *ring;
	size_t ring_n, ring_pos;
	char keys[LMI_SYNTH_RING][65]; /* recent person keys, for repeat claimants */
	size_t nkeys;
};

static double unif(struct synth *s)
{
	return gsl_rng_uniform(s->r);
}

static unsigned long uint_below(struct synth *s, unsigned long n)
{
	return gsl_rng_uniform_int(s->r, n);
}

/* Uniform in [lo, hi]; lo when the range is empty. */
static long int_between(struct synth *s, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)uint_below(s, (unsigned long)(hi - lo + 1));
}

static size_t pick_w(struct synth *s, const double *w, size_t n)
{
	double sum = 0, u;

	for (size_t i = 0; i < n; i++)
		sum += w[i];
	u = unif(s) * sum;
	for (size_t i = 0; i < n; i++) {
		if (u < w[i])
			return i;
		u -= w[i];
	}
	return n - 1;
}

static int pick_region(struct synth *s)
{
	double w[N(regions)];

	for (size_t i = 0; i < N(regions); i++)
		w[i] = regions[i].w;
	return (int)pick_w(s, w, N(regions));
}

static int year_of(long days)
{
	int y, m, d;

	lmi_civil_from_days(days, &y, &m, &d);
	return y;
}

/* Generator slots are named; set() formats into the slot of `name`. */
static void set(struct synth *s, int slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct synth *s, int slot, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->v[slot], VLEN, fmt, ap);
	va_end(ap);
}

static void set_date(struct synth *s, int slot, long days)
{
	char buf[11];

	if (days < 0) {
		s->v[slot][0] = '\0';
		return;
	}
	lmi_format_date(days, buf);
	set(s, slot, "%s", buf);
}

static void set_long(struct synth *s, int slot, long v)
{
	if (v < 0)
		s->v[slot][0] = '\0';
	else
		set(s, slot, "%ld", v);
}

int lmi_synth_bizno_check(const int d[9])
{
	static const int wt[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	int sum = 0;

	for (int i = 0; i < 9; i++)
		sum += d[i] * wt[i];
	sum += d[8] * 5 / 10;
	return (10 - sum % 10) % 10;
}

static void make_bizno(struct synth *s, int form, char out[11])
{
	int d[9];
	long office = int_between(s, 101, 899), serial = int_between(s, 1, 9999), type;
	long nine;

	if (form == 1)
		type = int_between(s, 1, 79);
	else
		type = form == 2 ? 85 : (unif(s) < 0.8 ? 81 : 86);
	/* office (3 digits), type (2), serial (4) */
	nine = office * 1000000 + type * 10000 + serial;
	for (int k = 8; k >= 0; k--) {
		d[k] = (int)(nine % 10);
		nine /= 10;
	}
	for (int k = 0; k < 9; k++)
		out[k] = (char)('0' + d[k]);
	out[9] = (char)('0' + lmi_synth_bizno_check(d));
	out[10] = '\0';
}

/* Renders an employer's name: variant 0 is the usual form, others how other sources write it. */
static void employer_name(const struct employer *e, int variant, char *out, size_t n)
{
	/* { before, after } the base name; no format string is built from a table. */
	static const char *const corp[][2] = {
		{ "(주)", "" }, { "", " 주식회사" }, { "㈜", "" }, { "주식회사 ", "" }, { "", "(주)" },
	};
	static const char *const ltd[][2] = { { "(유)", "" }, { "", " 유한회사" }, { "유한회사 ", "" } };
	const char *const *form = NULL;

	if (e->form == 0)
		form = corp[variant % N(corp)];
	else if (e->form == 2)
		form = ltd[variant % N(ltd)];
	if (form != NULL)
		snprintf(out, n, "%s%s%s", form[0], e->base, form[1]);
	else
		snprintf(out, n, "%s", e->base);
}

static void make_employers(struct synth *s)
{
	for (size_t i = 0; i < NEMP; i++) {
		struct employer *e = &s->emp[i];
		double u = unif(s);
		size_t na, nb;

		e->form = u < 0.7 ? 0 : (u < 0.9 ? 1 : 2);
		na = uint_below(s, N(name_a)); /* separate statements: a fixed draw order */
		nb = uint_below(s, N(name_b));
		snprintf(e->base, sizeof(e->base), "%s%s", name_a[na], name_b[nb]);
		make_bizno(s, e->form, e->bizno);
		e->occ = (int)uint_below(s, N(occs));
		e->region = pick_region(s);
	}
}

/* ---- vacancy ---- */

enum {
	V_SOURCE, V_SOURCE_ID, V_EMPLOYER_ID, V_EMPLOYER_NAME, V_TITLE, V_DESCRIPTION,
	V_OCCUPATION_CODE, V_INDUSTRY_CODE, V_REGION_CODE, V_EMPLOYMENT_TYPE, V_WAGE_TYPE,
	V_WAGE_MIN, V_WAGE_MAX, V_HOURS_PER_WEEK, V_EDU_MIN, V_CAREER_REQ, V_POSITIONS,
	V_REG_DATE, V_CLOSE_DATE, V_UNTIL_FILLED, V_STATUS, V_STATUS_DATE, V_HIRES, V_NSLOT
};
static const char *const vac_slots[V_NSLOT] = {
	"source", "source_id", "employer_id", "employer_name", "title", "description",
	"occupation_code", "industry_code", "region_code", "employment_type", "wage_type",
	"wage_min", "wage_max", "hours_per_week", "edu_min", "career_req", "positions",
	"reg_date", "close_date", "until_filled", "status", "status_date", "hires",
};

/* A title; "[정규직]" (permanent) only on open-ended types, "[계약직]" in its place otherwise. */
static void make_title(struct synth *s, const struct occ *oc, int compact, const char *emp_type,
		       char *out, size_t n)
{
	/* Two draws in one argument list would happen in an unspecified order. */
	size_t pre = uint_below(s, N(title_pre));
	size_t suf = uint_below(s, N(title_suf));
	int open_ended = strcmp(emp_type, "10") == 0 || strcmp(emp_type, "11") == 0;
	const char *p = title_pre[pre];

	if (!open_ended && strcmp(p, "[정규직] ") == 0)
		p = "[계약직] ";
	snprintf(out, n, "%s%s %s", p, compact ? oc->compact : oc->spaced, title_suf[suf]);
}

static void make_desc(struct synth *s, char *out, size_t n)
{
	size_t k = 2 + uint_below(s, 3), a = uint_below(s, N(desc_words));
	static const size_t steps[] = { 1, 5, 7, 11 }; /* coprime to 12: no phrase twice */
	size_t step = steps[uint_below(s, N(steps))], len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < k && len < n; i++) {
		const char *wd = desc_words[(a + i * step) % N(desc_words)];
		int m = snprintf(out + len, n - len, "%s%s", i ? ", " : "", wd);

		if (m < 0)
			break;
		len += (size_t)m;
	}
}

/* An offer of the occupation's usual level, never below the minimum wage of `year`. */
static long make_wage(struct synth *s, char t, double median, int year)
{
	double unit = wage_unit(t), floor_ = ceil(min_wage(year) * wage_hours(t) / unit) * unit;
	double v = gsl_ran_lognormal(s->r, log(median), 0.18);

	v = round(v / unit) * unit;
	return (long)(v < floor_ ? floor_ : v);
}

/* Status, status date and hires as of the extract's last day. */
static void vac_status(struct synth *s, struct vac *v)
{
	double u = unif(s);
	long end = v->close >= 0 ? v->close : v->reg + int_between(s, 20, 120);

	v->status_date = -1;
	v->hires = 0;
	if (end < s->d_last && u < 0.55) {
		v->status = v->close >= 0 ? "expired" : "filled";
		v->status_date = end;
		v->hires = v->close >= 0 ? 0 : 1;
	} else if (u < 0.85 && v->reg + 7 < s->d_last) {
		v->status = "filled";
		v->status_date = int_between(s, v->reg + 3, end < s->d_last ? end : s->d_last);
		v->hires = (int)int_between(s, 1, v->positions);
	} else if (u < 0.9 && v->reg + 3 < s->d_last) {
		v->status = "cancelled";
		v->status_date = int_between(s, v->reg + 1, v->reg + 3);
	} else if (end < s->d_last) {
		v->status = v->close >= 0 ? "expired" : "cancelled";
		v->status_date = end;
	} else {
		v->status = "open";
	}
}

static void vac_original(struct synth *s, struct vac *v, unsigned long long i)
{
	const struct employer *e = &s->emp[uint_below(s, NEMP)];
	const struct occ *oc;
	int year;

	v->src = (int)pick_w(s, source_w, N(sources));
	snprintf(v->source_id, sizeof(v->source_id), "%s%012llu", source_pre[v->src], i + 1);
	v->emp = (int)(e - s->emp);
	memcpy(v->employer_id, e->bizno, sizeof(v->employer_id));
	employer_name(e, v->src == 0 ? 0 : (int)uint_below(s, 5), v->employer_name,
		      sizeof(v->employer_name));
	v->occ = unif(s) < 0.6 ? e->occ : (int)uint_below(s, N(occs));
	oc = &occs[v->occ];
	v->emp_type = emp_types[pick_w(s, emp_type_w, N(emp_types))];
	make_title(s, oc, unif(s) < 0.5, v->emp_type, v->title, sizeof(v->title));
	make_desc(s, v->desc, sizeof(v->desc));
	v->region = unif(s) < 0.85 ? e->region : pick_region(s);
	v->wtype = oc->wtype;
	v->hours = 40;
	if (strcmp(v->emp_type, "11") == 0 || strcmp(v->emp_type, "21") == 0) {
		v->wtype = 'H';
		v->hours = (int)int_between(s, 15, 35);
	}
	v->reg = int_between(s, s->d_first, s->d_last);
	year = year_of(v->reg);
	if (unif(s) < 0.03) {
		v->wage_min = v->wage_max = -1; /* "협의": no figure offered */
	} else {
		double median = oc->median;

		if (v->wtype != oc->wtype)
			median = oc->median / wage_hours(oc->wtype) * 1.05;
		v->wage_min = make_wage(s, v->wtype, median, year);
		v->wage_max = -1;
		if (unif(s) < 0.6) {
			double unit = wage_unit(v->wtype);

			v->wage_max = v->wage_min +
				      (long)(round(v->wage_min * 0.3 * unif(s) / unit) * unit);
		}
	}
	v->edu = edu_codes[pick_w(s, edu_w, N(edu_codes))];
	v->career = careers[pick_w(s, career_w, N(careers))];
	v->positions = (int)gsl_ran_geometric(s->r, 0.6);
	if (v->positions > 20)
		v->positions = 20;
	if (unif(s) < 0.15)
		v->close = -1;
	else
		v->close = v->reg + int_between(s, 7, 60);
	vac_status(s, v);
	memcpy(v->cluster, v->source_id, sizeof(v->cluster));
	v->bad = "";
}

/* Plants one rule violation in an original posting. */
static void vac_plant(struct synth *s, struct vac *v)
{
	static const char *const ids[] = { "R2", "R4", "R6", "R7", "R8", "R10" };
	size_t k = uint_below(s, N(ids));
	size_t len = strlen(v->desc);

	v->bad = ids[k];
	switch (k) {
	case 0: /* business number with a wrong check digit */
		v->employer_id[9] = (char)('0' + (v->employer_id[9] - '0' + 1 +
						  (int)uint_below(s, 9)) % 10);
		break;
	case 1: /* closes before it opens */
		v->close = v->reg - int_between(s, 1, 30);
		break; /* the status stays as it was */
	case 2: { /* below the minimum wage of the posting's year */
		double unit = wage_unit(v->wtype);
		double ok = min_wage(year_of(v->reg)) * wage_hours(v->wtype);

		v->wage_min = (long)(floor(ok * (0.75 + 0.2 * unif(s)) / unit) * unit);
		v->wage_max = -1;
		break;
	}
	case 3:
		snprintf(v->desc + len, sizeof(v->desc) - len, ", 남자만 지원 가능");
		break;
	case 4:
		snprintf(v->desc + len, sizeof(v->desc) - len, ", 35세 이하 지원 가능");
		break;
	case 5:
		snprintf(v->desc + len, sizeof(v->desc) - len, ", 입사 시 보증금 50만원");
		break;
	}
}

/*
 * A duplicate of an earlier original: another source's copy, or a repost 10-59 days
 * later, inside the 60-day window within which a repost is the same job (lmi dedup).
 */
static void vac_duplicate(struct synth *s, struct vac *v, const struct vac *orig,
			  unsigned long long i)
{
	const struct employer *e = &s->emp[orig->emp];
	const struct occ *oc = &occs[orig->occ];

	*v = *orig;
	if (unif(s) < 0.5) {
		v->src = (orig->src + 1 + (int)uint_below(s, N(sources) - 1)) % (int)N(sources);
		v->reg += int_between(s, 0, 2);
		if (v->close >= 0)
			v->close += int_between(s, 0, 2);
		if (v->reg > s->d_last)
			v->reg = s->d_last;
	} else {
		long shift = int_between(s, 10, 59);

		if (v->reg + shift > s->d_last)
			shift = -shift;
		v->reg += shift;
		if (v->close >= 0)
			v->close += shift;
	}
	snprintf(v->source_id, sizeof(v->source_id), "%s%012llu", source_pre[v->src], i + 1);
	employer_name(e, 1 + (int)uint_below(s, 4), v->employer_name, sizeof(v->employer_name));
	if (unif(s) < 0.8)
		make_title(s, oc, strstr(orig->title, oc->spaced) != NULL, v->emp_type, v->title,
			   sizeof(v->title));
	if (unif(s) < 0.3)
		make_desc(s, v->desc, sizeof(v->desc));
	if (unif(s) < 0.3)
		v->wage_max = -1;
	if (v->wage_min >= 0) { /* a repost into a new year must still pay that year's minimum */
		double unit = wage_unit(v->wtype);
		long floor_ = (long)(ceil(min_wage(year_of(v->reg)) * wage_hours(v->wtype) / unit) *
				     unit);

		if (v->wage_min < floor_)
			v->wage_min = floor_;
		if (v->wage_max >= 0 && v->wage_max < v->wage_min)
			v->wage_max = v->wage_min;
	}
	vac_status(s, v);
	memcpy(v->cluster, orig->cluster, sizeof(v->cluster));
	v->bad = "";
}

static void vac_fill(struct synth *s, const struct vac *v)
{
	const struct occ *oc = &occs[v->occ];

	set(s, V_SOURCE, "%s", sources[v->src]);
	set(s, V_SOURCE_ID, "%s", v->source_id);
	set(s, V_EMPLOYER_ID, "%s", v->employer_id);
	set(s, V_EMPLOYER_NAME, "%s", v->employer_name);
	set(s, V_TITLE, "%s", v->title);
	set(s, V_DESCRIPTION, "%s", v->desc);
	set(s, V_OCCUPATION_CODE, "%s", oc->code);
	set(s, V_INDUSTRY_CODE, "%s", occs[s->emp[v->emp].occ].ksic);
	set(s, V_REGION_CODE, "%s", regions[v->region].code);
	set(s, V_EMPLOYMENT_TYPE, "%s", v->emp_type);
	set(s, V_WAGE_TYPE, "%c", v->wtype);
	set_long(s, V_WAGE_MIN, v->wage_min);
	set_long(s, V_WAGE_MAX, v->wage_max);
	set(s, V_HOURS_PER_WEEK, "%d", v->hours);
	set(s, V_EDU_MIN, "%s", v->edu);
	set(s, V_CAREER_REQ, "%s", v->career);
	set(s, V_POSITIONS, "%d", v->positions);
	set_date(s, V_REG_DATE, v->reg);
	set_date(s, V_CLOSE_DATE, v->close);
	set(s, V_UNTIL_FILLED, "%d", v->close < 0);
	set(s, V_STATUS, "%s", v->status);
	set_date(s, V_STATUS_DATE, v->status_date);
	set_long(s, V_HIRES, v->hires);
}

/* ---- claim ---- */

enum {
	C_CLAIM_ID, C_PERSON_KEY, C_BIRTH_YEAR, C_SEX, C_RESIDENCE_REGION, C_OFFICE_CODE,
	C_SEPARATION_DATE, C_SEPARATION_REASON, C_LAST_INDUSTRY, C_LAST_OCCUPATION,
	C_DESIRED_OCCUPATION, C_INSURED_MONTHS, C_ELIGIBILITY_DATE, C_ENTITLED_DAYS,
	C_AVG_DAILY_WAGE, C_DAILY_BENEFIT, C_FIRST_PAYMENT_DATE, C_DAYS_PAID, C_AMOUNT_PAID,
	C_END_DATE, C_END_REASON, C_REEMPLOYMENT_DATE, C_REEMPLOYMENT_OCCUPATION, C_NSLOT
};
static const char *const claim_slots[C_NSLOT] = {
	"claim_id", "person_key", "birth_year", "sex", "residence_region", "office_code",
	"separation_date", "separation_reason", "last_industry", "last_occupation",
	"desired_occupation", "insured_months", "eligibility_date", "entitled_days",
	"avg_daily_wage", "daily_benefit", "first_payment_date", "days_paid", "amount_paid",
	"end_date", "end_reason", "reemployment_date", "reemployment_occupation",
};

/* A 64-hex pseudonym; 5% of claimants come back with an earlier key. */
static void person_key(struct synth *s, char out[65])
{
	if (s->nkeys > 0 && unif(s) < 0.05) {
		memcpy(out, s->keys[uint_below(s, s->nkeys)], 65);
		return;
	}
	for (int k = 0; k < 8; k++)
		snprintf(out + 8 * k, 9, "%08lx", gsl_rng_get(s->r) & 0xffffffffUL);
	memcpy(s->keys[s->nkeys < LMI_SYNTH_RING ? s->nkeys++ : uint_below(s, LMI_SYNTH_RING)], out,
	       65);
}

/*
 * Benefit days by age and insured period (Employment Insurance Act table,
 * under 50 / 50 and over or disabled): <1y 120/120, 1-3y 150/180, 3-5y 180/210,
 * 5-10y 210/240, 10y+ 240/270.
 */
static int entitled(int age, int months)
{
	static const int young[] = { 120, 150, 180, 210, 240 };
	static const int old[] = { 120, 180, 210, 240, 270 };
	int k = months < 12 ? 0 : months < 36 ? 1 : months < 60 ? 2 : months < 120 ? 3 : 4;

	return age >= 50 ? old[k] : young[k];
}

static void claim_row(struct synth *s, unsigned long long i, int bad)
{
	static const char *const reasons[] = { "contract_end", "layoff", "business_closure",
		"retirement", "voluntary_justified", "dismissal" };
	static const double reason_w[] = { 35, 25, 10, 8, 17, 5 };
	static const char *const ends[] = { "reemployed", "exhausted", "period_expired",
		"disqualified", "other" };
	static const double end_w[] = { 48, 38, 4, 5, 5 };
	static const char *const bad_ids[] = { "C1", "C2", "C3", "C4" };
	char key[65];
	int birth = (int)int_between(s, 1960, 2004), reg = pick_region(s);
	int months = (int)int_between(s, 7, 300), days, paid;
	long sep = int_between(s, s->d_first, s->d_last - 80), elig, first, end = -1, reemp = -1;
	double avg = round(gsl_ran_lognormal(s->r, log(95000), 0.35)), ben, lo, cap;
	const char *end_reason = "", *badid = "";
	size_t occ = uint_below(s, N(occs)), er = pick_w(s, end_w, N(ends));

	person_key(s, key);
	days = entitled(year_of(sep) - birth, months);
	elig = sep + int_between(s, 7, 45);
	first = elig + int_between(s, 7, 28);
	lo = min_wage(year_of(sep)) * 8 * 0.8;
	cap = year_of(sep) >= 2026 ? 68100 : 66000;
	ben = avg * 0.6;
	ben = ben < lo ? lo : ben > cap ? cap : ben;
	ben = round(ben);
	paid = er == 1 ? days : er == 3 ? (int)int_between(s, 1, 14) :
			     (int)int_between(s, 10, days - 1);
	end = first + paid - 1;
	if (er == 2)
		end = sep + 365 < end ? end : sep + 365;
	if (end > s->d_last) { /* still receiving benefit */
		paid = (int)(s->d_last - first + 1);
		if (paid < 0)
			paid = 0;
		if (paid > days)
			paid = days;
		end = -1;
		if (first > s->d_last)
			first = -1;
	} else {
		end_reason = ends[er];
		if (er == 0)
			reemp = end + int_between(s, 1, 3);
	}
	if (bad) {
		size_t k = uint_below(s, N(bad_ids));

		badid = bad_ids[k];
		if (k == 0) {
			days = unif(s) < 0.5 ? 90 : 300;
			paid = paid > days ? days : paid;
		}
		else if (k == 1)
			elig = sep - int_between(s, 1, 20);
		else if (k == 2)
			paid = days + (int)int_between(s, 1, 30);
		else
			end_reason = end >= 0 ? "" : "reemployed";
	}
	set(s, C_CLAIM_ID, "C%011llu", i + 1);
	set(s, C_PERSON_KEY, "%s", key);
	set(s, C_BIRTH_YEAR, "%d", birth);
	set(s, C_SEX, "%s", unif(s) < 0.46 ? "F" : "M");
	set(s, C_RESIDENCE_REGION, "%s", regions[reg].code);
	set(s, C_OFFICE_CODE, "%.2s%03d", regions[reg].code, (int)(reg % 7) + 1);
	set_date(s, C_SEPARATION_DATE, sep);
	set(s, C_SEPARATION_REASON, "%s", reasons[pick_w(s, reason_w, N(reasons))]);
	set(s, C_LAST_INDUSTRY, "%s", occs[occ].ksic);
	set(s, C_LAST_OCCUPATION, "%s", occs[occ].code);
	set(s, C_DESIRED_OCCUPATION, "%s", occs[unif(s) < 0.7 ? occ : uint_below(s, N(occs))].code);
	set(s, C_INSURED_MONTHS, "%d", months);
	set_date(s, C_ELIGIBILITY_DATE, elig);
	set(s, C_ENTITLED_DAYS, "%d", days);
	set(s, C_AVG_DAILY_WAGE, "%.0f", avg);
	set(s, C_DAILY_BENEFIT, "%.0f", ben);
	set_date(s, C_FIRST_PAYMENT_DATE, first);
	set(s, C_DAYS_PAID, "%d", paid);
	set(s, C_AMOUNT_PAID, "%.0f", paid * ben);
	set_date(s, C_END_DATE, end);
	set(s, C_END_REASON, "%s", end_reason);
	set_date(s, C_REEMPLOYMENT_DATE, reemp);
	set(s, C_REEMPLOYMENT_OCCUPATION, "%s",
	    reemp >= 0 ? occs[uint_below(s, N(occs))].code : "");
	set(s, C_NSLOT, "%s", badid);
}

/* ---- training ---- */

enum {
	T_ENROLLMENT_ID, T_PERSON_KEY, T_COURSE_ID, T_COURSE_ROUND, T_INSTITUTION_ID,
	T_TRAINING_TYPE, T_NCS_CODE, T_REGION_CODE, T_START_DATE, T_END_DATE, T_PLANNED_HOURS,
	T_STATUS, T_ATTENDANCE_RATE, T_TUITION_TOTAL, T_SUBSIDY, T_OUTCOME_EXCLUDED,
	T_EMPLOYED_3M, T_EMPLOYED_6M, T_EMPLOYMENT_DATE, T_MONTHLY_WAGE, T_NSLOT
};
static const char *const training_slots[T_NSLOT] = {
	"enrollment_id", "person_key", "course_id", "course_round", "institution_id",
	"training_type", "ncs_code", "region_code", "start_date", "end_date", "planned_hours",
	"status", "attendance_rate", "tuition_total", "subsidy", "outcome_excluded",
	"employed_3m", "employed_6m", "employment_date", "monthly_wage",
};

static void training_row(struct synth *s, unsigned long long i, int bad)
{
	static const char *const types[] = { "card", "kdt", "strategic", "employer" };
	static const double type_w[] = { 50, 20, 20, 10 };
	static const char *const ncs[] = { "20010202", "20010201", "02020101", "13010101",
		"06010101", "15020101", "19010401", "23020201" };
	static const char *const bad_ids[] = { "T1", "T2", "T3" };
	char key[65];
	unsigned long course = uint_below(s, 4000);
	long start = int_between(s, s->d_first, s->d_last - 20);
	long len = int_between(s, 20, 180), end = start + len, emp_date = -1;
	long hours = len * 5 / 7 * (unif(s) < 0.5 ? 4 : 8);
	long tuition = (long)round(hours * (6000 + 8000 * unif(s)) / 1000) * 1000;
	double att, u = unif(s);
	const char *status, *badid = "";
	int excl = 0, e3 = -1, e6 = -1;
	long wage = -1;

	person_key(s, key);
	if (end > s->d_last) {
		status = "enrolled";
		att = 0.8 + 0.2 * unif(s);
	} else if (u < 0.68) {
		status = "completed";
		att = 0.8 + 0.2 * unif(s);
	} else if (u < 0.8) {
		status = "early_employed";
		att = 0.5 + 0.4 * unif(s);
		emp_date = start + int_between(s, len / 2, len - 1);
	} else {
		status = "dropped";
		att = 0.1 + 0.6 * unif(s);
	}
	if (end + 183 <= s->d_last && strcmp(status, "enrolled") != 0) {
		excl = unif(s) < 0.05;
		e3 = emp_date >= 0 || (status[0] == 'c' && unif(s) < 0.45);
		e6 = e3 || (status[0] == 'c' && unif(s) < 0.25);
		if (e6 && emp_date < 0)
			emp_date = end + int_between(s, e3 ? 1 : 92, e3 ? 91 : 182);
		if (e6)
			wage = (long)(round(gsl_ran_lognormal(s->r, log(2600000), 0.2) / 10000) *
				      10000);
	}
	if (bad) {
		size_t k = uint_below(s, N(bad_ids));

		badid = bad_ids[k];
		if (k == 0)
			end = start - int_between(s, 1, 30);
		else if (k == 1)
			att = 1.05 + 0.5 * unif(s);
		else {
			status = "dropped";
			e6 = 1;
		}
	}
	set(s, T_ENROLLMENT_ID, "E%011llu", i + 1);
	set(s, T_PERSON_KEY, "%s", key);
	set(s, T_COURSE_ID, "AIG%04d%07lu", year_of(start), course + 1);
	set(s, T_COURSE_ROUND, "%ld", int_between(s, 1, 12));
	set(s, T_INSTITUTION_ID, "5%09lu", 1000 + course % 300);
	set(s, T_TRAINING_TYPE, "%s", types[pick_w(s, type_w, N(types))]);
	set(s, T_NCS_CODE, "%s", ncs[course % N(ncs)]);
	set(s, T_REGION_CODE, "%s", regions[course % N(regions)].code);
	set_date(s, T_START_DATE, start);
	set_date(s, T_END_DATE, end);
	set(s, T_PLANNED_HOURS, "%ld", hours);
	set(s, T_STATUS, "%s", status);
	set(s, T_ATTENDANCE_RATE, "%.3f", att);
	set(s, T_TUITION_TOTAL, "%ld", tuition);
	set(s, T_SUBSIDY, "%ld", (long)round(tuition * (0.45 + 0.5 * unif(s)) / 1000) * 1000);
	set(s, T_OUTCOME_EXCLUDED, "%d", excl);
	set_long(s, T_EMPLOYED_3M, e3);
	set_long(s, T_EMPLOYED_6M, e6);
	set_date(s, T_EMPLOYMENT_DATE, e6 == 1 ? emp_date : -1);
	set_long(s, T_MONTHLY_WAGE, wage);
	set(s, T_NSLOT, "%s", badid);
}

/* ---- seeker ---- */

enum {
	S_SEEKER_ID, S_SEX, S_AGE, S_AGE_BAND, S_REGION_CODE, S_EDU, S_UI_RECIPIENT,
	S_TENURE_MONTHS, S_PRIOR_SPELLS, S_DISABILITY, S_SPLIT, S_LTU, S_NSLOT
};
static const char *const seeker_slots[S_NSLOT] = {
	"seeker_id", "sex", "age", "age_band", "region_code", "edu", "ui_recipient",
	"tenure_months", "prior_spells", "disability", "split", "ltu",
};

static void seeker_row(struct synth *s, unsigned long long i)
{
	static const double edu_b[] = { 0, LMI_SYNTH_B_EDU_E2, LMI_SYNTH_B_EDU_E3,
		LMI_SYNTH_B_EDU_E4, LMI_SYNTH_B_EDU_E5 };
	static const double edu_p[] = { 12, 38, 17, 28, 5 };
	int age = (int)int_between(s, 18, 64);
	size_t edu = pick_w(s, edu_p, N(edu_p));
	int ui = (int)gsl_ran_bernoulli(s->r, 0.55);
	int cap = (age - 17) * 12;
	int tenure = (int)floor(gsl_ran_exponential(s->r, 40));
	int spells = (int)gsl_ran_poisson(s->r, 1.0);
	int dis = (int)gsl_ran_bernoulli(s->r, 0.05);
	const char *sex = unif(s) < 0.5 ? "F" : "M";
	int region = pick_region(s);
	int train = unif(s) < 0.8;
	double eta, p;

	if (tenure > cap)
		tenure = cap;
	if (spells > 10)
		spells = 10;
	eta = LMI_SYNTH_B0 + LMI_SYNTH_B_AGE * age + LMI_SYNTH_B_TENURE * tenure +
	      LMI_SYNTH_B_SPELLS * spells + LMI_SYNTH_B_UI * ui + LMI_SYNTH_B_DISABILITY * dis +
	      edu_b[edu];
	p = 1 / (1 + exp(-eta));
	set(s, S_SEEKER_ID, "J%011llu", i + 1);
	set(s, S_SEX, "%s", sex);
	set(s, S_AGE, "%d", age);
	set(s, S_AGE_BAND, "%s", age < 30 ? "15-29" : age < 40 ? "30-39" : age < 50 ? "40-49" :
										  "50-64");
	set(s, S_REGION_CODE, "%s", regions[region].code);
	set(s, S_EDU, "E%zu", edu + 1);
	set(s, S_UI_RECIPIENT, "%d", ui);
	set(s, S_TENURE_MONTHS, "%d", tenure);
	set(s, S_PRIOR_SPELLS, "%d", spells);
	set(s, S_DISABILITY, "%d", dis);
	set(s, S_SPLIT, "%s", train ? "train" : "test");
	set(s, S_LTU, "%u", gsl_ran_bernoulli(s->r, p));
}

/* ---- driver ---- */

int lmi_synth_kind_valid(const char *kind)
{
	return kind != NULL && (strcmp(kind, "seeker") == 0 || (lmi_schema_get(kind) != NULL));
}

/*
 * Binds output columns to generator slots: the schema's columns (without
 * LMI_F_ADDED) in schema order, then the truth columns.  A schema column the
 * generator does not know is written empty.
 */
static int bind(struct synth *s, const char *const *slots, size_t nslot, const char *const *truth,
		size_t ntruth)
{
	const struct lmi_schema *sc = lmi_schema_get(s->o->kind);

	s->ncol = 0;
	if (sc != NULL) {
		for (size_t i = 0; i < sc->n; i++) {
			if (sc->fields[i].flags & LMI_F_ADDED)
				continue;
			if (s->ncol + ntruth >= MAXCOL)
				return LMI_EINVAL;
			s->map[s->ncol] = -1;
			for (size_t k = 0; k < nslot; k++)
				if (strcmp(slots[k], sc->fields[i].name) == 0)
					s->map[s->ncol] = (int)k;
			lmi_csvw_str(s->w, sc->fields[i].name);
			s->ncol++;
		}
	} else {
		for (size_t k = 0; k < nslot; k++) {
			s->map[s->ncol++] = (int)k;
			lmi_csvw_str(s->w, slots[k]);
		}
	}
	for (size_t k = 0; k < ntruth; k++) {
		s->map[s->ncol++] = (int)(nslot + k);
		lmi_csvw_str(s->w, truth[k]);
	}
	return lmi_csvw_endrow(s->w);
}

static int emit(struct synth *s)
{
	for (size_t c = 0; c < s->ncol; c++)
		lmi_csvw_str(s->w, s->map[c] >= 0 ? s->v[s->map[c]] : "");
	return lmi_csvw_endrow(s->w);
}

static int run_vacancy(struct synth *s)
{
	static const char *const truth[] = { "truth_cluster", "truth_bad" };
	struct vac v;
	int rc = bind(s, vac_slots, V_NSLOT, truth, N(truth));

	for (unsigned long long i = 0; i < s->o->rows && rc == LMI_OK; i++) {
		double u = unif(s);

		if (u < s->o->dup_rate && s->ring_n > 0) {
			vac_duplicate(s, &v, &s->ring[uint_below(s, s->ring_n)], i);
		} else {
			vac_original(s, &v, i);
			if (u >= s->o->dup_rate && u < s->o->dup_rate + s->o->bad_rate) {
				vac_plant(s, &v);
			} else {
				s->ring[s->ring_pos] = v;
				s->ring_pos = (s->ring_pos + 1) % LMI_SYNTH_RING;
				if (s->ring_n < LMI_SYNTH_RING)
					s->ring_n++;
			}
		}
		vac_fill(s, &v);
		set(s, V_NSLOT, "%s", v.cluster);
		set(s, V_NSLOT + 1, "%s", v.bad);
		rc = emit(s);
	}
	return rc;
}

static int run_rows(struct synth *s)
{
	static const char *const truth[] = { "truth_bad" };
	int claim = strcmp(s->o->kind, "claim") == 0;
	int rc = claim ? bind(s, claim_slots, C_NSLOT, truth, 1) :
			 bind(s, training_slots, T_NSLOT, truth, 1);

	for (unsigned long long i = 0; i < s->o->rows && rc == LMI_OK; i++) {
		int bad = unif(s) < s->o->bad_rate;

		if (claim)
			claim_row(s, i, bad);
		else
			training_row(s, i, bad);
		rc = emit(s);
	}
	return rc;
}

static int run_seeker(struct synth *s)
{
	int rc = bind(s, seeker_slots, S_NSLOT, NULL, 0);

	for (unsigned long long i = 0; i < s->o->rows && rc == LMI_OK; i++) {
		seeker_row(s, i);
		rc = emit(s);
	}
	return rc;
}

int lmi_synth_write(const struct lmi_synth_opts *o, struct lmi_csvw *w)
{
	struct synth *s;
	int rc;

	if (!lmi_synth_kind_valid(o->kind) || !(o->dup_rate >= 0 && o->dup_rate <= 1) ||
	    !(o->bad_rate >= 0 && o->bad_rate <= 1) || o->dup_rate + o->bad_rate > 1)
		return LMI_EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return LMI_ENOMEM;
	s->o = o;
	s->w = w;
	s->d_first = lmi_days_from_civil(2025, 1, 1);
	s->d_last = lmi_days_from_civil(2026, 11, 25);
	s->r = gsl_rng_alloc(gsl_rng_mt19937);
	s->emp = calloc(NEMP, sizeof(*s->emp));
	s->ring = calloc(LMI_SYNTH_RING, sizeof(*s->ring));
	if (s->r == NULL || s->emp == NULL || s->ring == NULL) {
		rc = LMI_ENOMEM;
		goto out;
	}
	gsl_rng_set(s->r, o->seed);
	if (strcmp(o->kind, "vacancy") == 0) {
		make_employers(s);
		rc = run_vacancy(s);
	} else if (strcmp(o->kind, "seeker") == 0) {
		rc = run_seeker(s);
	} else {
		rc = run_rows(s);
	}
out:
	if (s->r != NULL)
		gsl_rng_free(s->r);
	free(s->emp);
	free(s->ring);
	free(s);
	return rc;
}

/*
 * The reader's chunk-wide UTF-8 check (SSE2 masks in prescan()) must agree
 * with the byte-at-a-time lmi_utf8_valid() on every input, or invalid text
 * could pass unchecked.  The static functions are reached by including the
 * source file.  Inputs: random mixes of valid 1- to 4-byte characters and
 * the classic defects (stray continuation, cut sequences, overlongs,
 * surrogates, values past U+10FFFF, C0/C1/F5..FF), 1 to 300 bytes long so
 * that sequences straddle 64-byte blocks; plus hand-picked cases.
 */
#include "csvio.c"

#include "unit.h"

static uint64_t rng = 2463534242ull;

static unsigned rnd(unsigned n)
{
	return unit_rnd(&rng, n);
}

/* Appends one character or defect to s at *n (room for 4 more bytes). */
static void piece(unsigned char *s, size_t *n, int defects)
{
	static const unsigned char bad[][4] = {
		{ 1, 0x80 },             { 1, 0xBF },             { 2, 0xC0, 0x80 },
		{ 2, 0xC1, 0xBF },       { 1, 0xC3 },             { 2, 0xE0, 0x80 },
		{ 3, 0xE0, 0x9F, 0xBF }, { 3, 0xED, 0xA0, 0x80 }, { 3, 0xED, 0xBF, 0xBF },
		{ 2, 0xEA, 0xB0 },       { 3, 0xF0, 0x8F, 0xBF }, { 3, 0xF4, 0x90, 0x80 },
		{ 1, 0xF5 },             { 1, 0xFF },             { 3, 0xF0, 0x90, 0x80 },
	};
	unsigned k = rnd(100);

	if (defects && k < 3) {
		const unsigned char *b = bad[rnd(sizeof(bad) / sizeof(bad[0]))];

		memcpy(s + *n, b + 1, b[0]);
		*n += b[0];
	} else if (k < 50) {
		s[(*n)++] = (unsigned char)(0x20 + rnd(95));
	} else if (k < 60) {
		unsigned cp = 0x80 + rnd(0x780);

		s[(*n)++] = (unsigned char)(0xC0 | cp >> 6);
		s[(*n)++] = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (k < 95) {
		/* Hangul and the edges of the 3-byte range: E0 A0 80, ED 9F BF, EF BF BF. */
		static const unsigned edge[] = { 0x800, 0xD7FF, 0xE000, 0xFFFF, 0xD55C };
		unsigned cp = rnd(4) == 0 ? edge[rnd(5)] : 0xAC00 + rnd(11172);

		s[(*n)++] = (unsigned char)(0xE0 | cp >> 12);
		s[(*n)++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[(*n)++] = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		static const unsigned edge[] = { 0x10000, 0x10FFFF, 0x1F600 };
		unsigned cp = edge[rnd(3)] - rnd(2) * (rnd(3) == 0);

		if (cp < 0x10000)
			cp = 0x10000;
		s[(*n)++] = (unsigned char)(0xF0 | cp >> 18);
		s[(*n)++] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		s[(*n)++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[(*n)++] = (unsigned char)(0x80 | (cp & 0x3F));
	}
}

/* 1 when prescan() calls s valid UTF-8. */
static int chunk_valid(const unsigned char *s, size_t n)
{
	struct lmi_csv r;

	int valid;

	memset(&r, 0, sizeof(r));
	r.delim = ',';
	valid = !(prescan(&r, s, n) & CH_UTF8_BAD);
	free(r.marks); /* prescan() marked the fields holding commas */
	return valid;
}

/* 1 when the SSE2 check decides alone (no rare lead sent it to the scalar one). */
static int vector_decides(const unsigned char *s, size_t n)
{
#if defined(__SSE2__)
	return utf8_chunk(s, n) >= 0;
#else
	(void)s;
	(void)n;
	return 0;
#endif
}

int main(void)
{
	static const struct {
		const char *s;
		int valid;
	} fixed[] = {
		{ "plain ascii", 1 },
		{ "\xea\xb0\x80\xed\x9e\xa3", 1 }, /* 가 and 힣, first and last Hangul syllables */
		{ "\xed\x9f\xbf", 1 },             /* U+D7FF */
		{ "\xed\xa0\x80", 0 },             /* U+D800, a surrogate */
		{ "\xe0\xa0\x80", 1 },             /* U+0800 */
		{ "\xe0\x9f\xbf", 0 },             /* overlong U+07FF */
		{ "\xf4\x8f\xbf\xbf", 1 },         /* U+10FFFF */
		{ "\xf4\x90\x80\x80", 0 },         /* past U+10FFFF */
		{ "\xf0\x8f\xbf\xbf", 0 },         /* overlong U+FFFF */
		{ "\xc2\x80", 1 },
		{ "\xc1\xbf", 0 },
		{ "a\x80", 0 },
		{ "\xea\xb0", 0 },                 /* cut at the end */
		{ "\xea\xb0" "a", 0 },
	};
	unsigned char s[400];
	int agree = 0, tries = 0, invalid = 0, decided = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		const unsigned char *u = (const unsigned char *)fixed[i].s;
		size_t n = strlen(fixed[i].s);

		CHECK_INT(lmi_utf8_valid(u, n), fixed[i].valid);
		CHECK_INT(chunk_valid(u, n), fixed[i].valid);
	}
	/* One defect placed at every offset around the first block boundary. */
	for (size_t at = 56; at < 72; at++) {
		for (int d = 0; d < 3; d++) {
			static const char *const bad[] = { "\xed\xa0\x80", "\xea\xb0", "\xe0\x9f\xbf" };
			size_t n = at;

			memset(s, 'a', at);
			memcpy(s + n, bad[d], strlen(bad[d]));
			n += strlen(bad[d]);
			memset(s + n, 'b', 70);
			n += 70;
			tries++;
			agree += chunk_valid(s, n) == 0;
			memcpy(s + at, "\xea\xb0\x80", 3); /* and a good character there */
			tries++;
			agree += chunk_valid(s, at + 3 + 70) == 1;
		}
	}
	for (int t = 0; t < 200000; t++) {
		size_t n = 0, len = 1 + rnd(300);
		int want, got;

		while (n < len)
			piece(s, &n, t % 2);
		want = lmi_utf8_valid(s, n);
		got = chunk_valid(s, n);
		invalid += !want;
		decided += !want && vector_decides(s, n);
		tries++;
		if (want == got)
			agree++;
		else if (tries - agree <= 3)
			printf("# disagree on case %d (%zu bytes): scalar %d, chunk %d\n", t, n, want,
			       got);
	}
	CHECK_INT(agree, tries);
	CHECK(invalid > 50000); /* the defects were exercised */
#if defined(__SSE2__)
	/* Hangul text and its defects are decided by the vector check itself. */
	CHECK(decided > 0);
	CHECK_INT(utf8_chunk((const unsigned char *)"\xea\xb0\x80 \xed\x9e\xa3", 7), 1);
	CHECK_INT(utf8_chunk((const unsigned char *)"\xea\xb0\x80 \xed\xa0\x80", 7), 0);
	CHECK_INT(utf8_chunk((const unsigned char *)"\xea\xb0\x80 \xea\xb0", 6), 0);
	CHECK_INT(utf8_chunk((const unsigned char *)"\xea\x80\x80\x80", 4), 0);
#endif
	return UNIT_DONE();
}

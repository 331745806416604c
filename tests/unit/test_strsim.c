/* Unit tests for lib/strsim: Jaro, Jaro-Winkler and edit distances, with hand-computed values. */
#include <stdint.h>
#include <stdlib.h>

#include "strsim.h"
#include "unit.h"

static double jw(const char *a, const char *b)
{
	return lmi_jaro_winkler_utf8(a, b);
}

static double jaro(const char *a, const char *b)
{
	uint32_t ca[64], cb[64];
	size_t na = lmi_utf8_to_cp(a, strlen(a), ca), nb = lmi_utf8_to_cp(b, strlen(b), cb);

	return lmi_jaro(ca, na, cb, nb);
}

int main(void)
{
	uint32_t cp[16];
	char *big_a, *big_b;

	/* Decoding: "김a" is U+AE40 then 'a'; a stray continuation byte is U+FFFD. */
	CHECK_INT(lmi_utf8_to_cp("\352\271\200a", 4, cp), 2);
	CHECK_INT(cp[0], 0xAE40);
	CHECK_INT(cp[1], 'a');
	CHECK_INT(lmi_utf8_to_cp("\200x", 2, cp), 2);
	CHECK_INT(cp[0], 0xFFFD);
	CHECK_INT(lmi_utf8_to_cp("\352\271", 2, cp), 2); /* truncated 3-byte sequence */
	CHECK_INT(cp[0], 0xFFFD);
	CHECK_INT(lmi_utf8_to_cp("\300\257", 2, cp), 2); /* overlong '/' */

	/*
	 * Winkler's published values (Winkler 1990; Cohen, Ravikumar and Fienberg 2003).
	 * MARTHA/MARHTA: m = 6, t = 1 (T/H swapped: 2 half-transpositions), jaro =
	 * (1 + 1 + 5/6) / 3 = 0.9444; prefix l = 3: 0.9444 + 0.3 * 0.0556 = 0.9611.
	 */
	CHECK_NEAR(jaro("MARTHA", "MARHTA"), 17.0 / 18.0, 1e-12);
	CHECK_NEAR(jw("MARTHA", "MARHTA"), 17.0 / 18.0 + 0.3 * (1.0 / 18.0), 1e-12);
	CHECK_NEAR(jw("MARTHA", "MARHTA"), 0.9611, 5e-5);
	/* DWAYNE/DUANE: m = 4 (D, A, N, E), t = 0: (4/6 + 4/5 + 1) / 3 = 0.8222; l = 1: 0.84. */
	CHECK_NEAR(jaro("DWAYNE", "DUANE"), (4.0 / 6 + 4.0 / 5 + 1) / 3, 1e-12);
	CHECK_NEAR(jw("DWAYNE", "DUANE"), 0.84, 1e-12);
	/* DIXON/DICKSONX: window 3, m = 4 (D I O N), t = 0: (0.8 + 0.5 + 1)/3 = 0.7667, l = 2 */
	CHECK_NEAR(jaro("DIXON", "DICKSONX"), (0.8 + 0.5 + 1) / 3, 1e-12);
	CHECK_NEAR(jw("DIXON", "DICKSONX"), 0.8133, 5e-5);
	/* Symmetric. */
	CHECK_NEAR(jw("DUANE", "DWAYNE"), 0.84, 1e-12);
	CHECK_NEAR(jw("DICKSONX", "DIXON"), jw("DIXON", "DICKSONX"), 1e-15);
	/* Edge cases: identical 1, disjoint 0, empty strings. */
	CHECK_NEAR(jw("SMITH", "SMITH"), 1.0, 1e-15);
	CHECK_NEAR(jw("ABC", "XYZ"), 0.0, 1e-15);
	CHECK_NEAR(jw("", ""), 1.0, 1e-15);
	CHECK_NEAR(jw("A", ""), 0.0, 1e-15);
	/* Jaro <= 0.7 gets no prefix boost: ABCD/ABXY, m = 2: (0.5 + 0.5 + 1) / 3 = 0.667. */
	CHECK_NEAR(jw("ABCD", "ABXY"), 2.0 / 3.0, 1e-12);

	/*
	 * Korean names compare by code point, not byte.  김민준/김민중: m = 2 of 3 (window 0),
	 * jaro = (2/3 + 2/3 + 1) / 3 = 0.7778; prefix 2 -> 0.7778 + 0.2 * 0.2222 = 0.8222.
	 * 이서연/이연서: window 0, only 이 matches: jaro = (1/3 + 1/3 + 1) / 3 = 0.5556, no boost.
	 * 박지훈/박지훈 = 1.  On bytes the first pair would share 7 of 9 bytes instead.
	 */
	CHECK_NEAR(jw("김민준", "김민중"), 7.0 / 9.0 + 0.2 * (2.0 / 9.0), 1e-12);
	CHECK_NEAR(jw("이서연", "이연서"), 5.0 / 9.0, 1e-12);
	CHECK_NEAR(jw("박지훈", "박지훈"), 1.0, 1e-15);
	/* 남궁민수/남궁민: window 1, m = 3, t = 0: (3/4 + 1 + 1) / 3 = 0.9167; l = 3 -> 0.9417. */
	CHECK_NEAR(jw("남궁민수", "남궁민"), 11.0 / 12 + 0.3 * (1.0 / 12), 1e-12);

	/* Long strings take the heap path and still agree with the short formula. */
	big_a = malloc(1001);
	big_b = malloc(1001);
	memset(big_a, 'A', 1000);
	memset(big_b, 'A', 1000);
	big_a[1000] = big_b[1000] = '\0';
	big_b[999] = 'B';
	/* m = 999 of 1000, t = 0: (0.999 + 0.999 + 1) / 3; l = 4. */
	CHECK_NEAR(jw(big_a, big_b), (0.999 * 2 + 1) / 3 + 0.4 * (1 - (0.999 * 2 + 1) / 3), 1e-12);
	CHECK_INT(lmi_osa_distance_utf8(big_a, big_b, 3), 1);

	/* Edit distances. */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "1234567", 1), 0);
	CHECK_INT(lmi_osa_distance_utf8("1234567", "1243567", 1), 1); /* adjacent swap */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "1234597", 1), 1); /* substitution */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "123456", 1), 1);  /* deletion */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "12345678", 1), 1); /* insertion */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "2134576", 1), 2);  /* two swaps: over max */
	CHECK_INT(lmi_osa_distance_utf8("1234567", "2134576", 5), 2);
	CHECK_INT(lmi_osa_distance_utf8("CA", "ABC", 5), 3);          /* OSA, not full DL (2) */
	CHECK_INT(lmi_osa_distance_utf8("kitten", "sitting", 5), 3);
	CHECK_INT(lmi_osa_distance_utf8("", "abc", 5), 3);
	CHECK_INT(lmi_osa_distance_utf8("김민준", "김민중", 2), 1);
	{
		uint32_t a[2] = { 'a', 'b' }, b[2] = { 'b', 'a' };

		CHECK_INT(lmi_levenshtein(a, 2, b, 2, 5), 2);
		CHECK_INT(lmi_osa_distance(a, 2, b, 2, 5), 1);
	}
	free(big_a);
	free(big_b);
	return UNIT_DONE();
}

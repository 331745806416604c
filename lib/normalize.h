/* Locale-independent normalisation of employer names and job titles, and code-point n-grams. */
#ifndef LMI_NORMALIZE_H
#define LMI_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Only the first LMI_NORM_MAX_CP code points of a value are normalised; the
 * rest is ignored, so a hostile 16 MB title costs no more than a long one.
 * Output buffers passed to the functions below need LMI_NORM_OUT bytes.
 */
#define LMI_NORM_MAX_CP 256
#define LMI_NORM_OUT (LMI_NORM_MAX_CP * 4 + 1)

/* Most n-grams kept in a signature (a title of 129+ code points is cut). */
#define LMI_NORM_MAX_GRAMS 128

/*
 * Decodes the UTF-8 sequence at s[0..n) into *cp and returns its length in
 * bytes (1..4).  A malformed, overlong, surrogate or truncated sequence gives
 * U+FFFD and length 1, so decoding always advances.  n must be > 0.
 */
size_t lmi_norm_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Encodes cp as UTF-8 into out (room for 4 bytes); returns the byte count. */
size_t lmi_norm_utf8_put(uint32_t cp, unsigned char *out);

/*
 * Maps one code point to its comparison form: full-width ASCII U+FF01..U+FF5E
 * to ASCII, U+3000 (ideographic space) and other spaces to ' ', ASCII upper
 * case to lower case (full-width letters too).  Everything else is returned
 * unchanged: the mapping does not depend on the locale.
 */
uint32_t lmi_norm_fold(uint32_t cp);

/*
 * Normalises an employer name: folds width and case (lmi_norm_fold), turns
 * U+321C (parenthesised 주) and U+3231 (parenthesised 株) into "(주)", removes
 * the Korean legal forms (주), (유), (사), (재), (합), 주식회사, 유한회사,
 * 유한책임회사, 사단법인, 재단법인, 합자회사, 합명회사 wherever they stand, splits
 * the rest into words at spaces and punctuation, drops the English legal-form
 * words co, corp, corporation, company, inc, incorporated, limited, llc, ltd,
 * plc, gmbh, and joins the remaining words without spaces.
 * "(주)한빛소프트" and "한빛소프트 주식회사" both give "한빛소프트";
 * "Hanbit Soft Co., Ltd." gives "hanbitsoft".  Writes a NUL-terminated
 * string to out (LMI_NORM_OUT bytes) and returns its length.
 */
size_t lmi_norm_employer(const char *s, size_t n, char *out);

/*
 * Normalises a job title: folds width and case, removes bracketed segments
 * ([..], (..), {..}, <..>, 【..】, 〈..〉, 《..》, 「..」, 『..』, 〔..〕, with their
 * contents; an unmatched opening bracket is dropped alone), removes the
 * Korean urgency and filler words 급구, 긴급, 채용, 모집, 구인, 구함, 모십니다,
 * 찾습니다, 합니다, 상시, splits into words, drops the English words urgent, urgently,
 * hiring, wanted, now, immediate, immediately, asap, and joins the rest
 * without spaces.  "[급구] 웹 개발자 채용" and "웹개발자 모집" both give "웹개발자".
 * Writes a NUL-terminated string to out and returns its length.
 */
size_t lmi_norm_title(const char *s, size_t n, char *out);

/*
 * Character n-gram signature of a UTF-8 string (normally a normalised title):
 * the 32-bit hashes of every run of `ngram` (2 or 3) consecutive code points,
 * sorted and without repeats, at most LMI_NORM_MAX_GRAMS.  A non-empty string
 * shorter than `ngram` code points gives one gram (the whole string); an
 * empty string gives none.  Returns the number of hashes written to out.
 */
size_t lmi_norm_ngrams(const char *s, size_t n, int ngram, uint32_t *out);

/*
 * Jaccard similarity |A ∩ B| / |A ∪ B| of two sorted, repeat-free hash sets.
 * Two empty sets give 1 (both titles empty after normalisation), one empty
 * set gives 0.
 */
double lmi_norm_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* 64-bit hash of n bytes, continuing from h (start with LMI_NORM_HASH_SEED). */
#define LMI_NORM_HASH_SEED 0x9e3779b97f4a7c15ull
uint64_t lmi_norm_hash(uint64_t h, const void *p, size_t n);

#endif

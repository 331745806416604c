/* String comparators for record linkage on code points: Jaro, Jaro-Winkler, edit distances. */
#ifndef LMI_STRSIM_H
#define LMI_STRSIM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes n bytes of UTF-8 into code points.  `out` must have room for n
 * entries (a string never has more code points than bytes).  A malformed
 * sequence becomes U+FFFD and decoding resumes at the next byte, so hostile
 * input cannot stop or overrun it.  Returns the number of code points.
 */
size_t lmi_utf8_to_cp(const char *s, size_t n, uint32_t *out);

/*
 * Jaro similarity of two code-point strings, in [0, 1].  Two empty strings
 * score 1, one empty string scores 0.  The match window is
 * max(na, nb) / 2 - 1 (at least 0), as in Jaro (1989).
 * Returns a negative value only when out of memory (strings over 256 code
 * points need a heap buffer).
 */
double lmi_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/*
 * Jaro-Winkler similarity: jaro + l * 0.1 * (1 - jaro), where l is the
 * length of the common prefix, at most 4; the boost is applied only when
 * jaro > 0.7 (Winkler's boost threshold).  MARTHA/MARHTA = 0.9611,
 * DWAYNE/DUANE = 0.84, DIXON/DICKSONX = 0.8133.  Negative when out of memory.
 */
double lmi_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* Jaro-Winkler of two NUL-terminated UTF-8 strings (decoded to code points first). */
double lmi_jaro_winkler_utf8(const char *a, const char *b);

/*
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance: the
 * fewest insertions, deletions, substitutions and transpositions of adjacent
 * code points.  The search stops early: a result above `max` is reported as
 * max + 1.  Returns -1 when out of memory.
 */
int lmi_osa_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);

/* Plain Levenshtein distance (no transpositions), bounded the same way. */
int lmi_levenshtein(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);

/* lmi_osa_distance of two NUL-terminated UTF-8 strings. */
int lmi_osa_distance_utf8(const char *a, const char *b, int max);

#endif

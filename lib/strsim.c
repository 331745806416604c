/* String comparators for record linkage on code points: Jaro, Jaro-Winkler, edit distances. */
#include "strsim.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define STACK_CP 256 /* strings up to this many code points need no heap buffer */

size_t lmi_utf8_to_cp(const char *str, size_t n, uint32_t *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			out[k++] = c;
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			out[k++] = 0xfffd;
			i++;
			continue;
		}
		if (n - i < len) {
			out[k++] = 0xfffd;
			i++;
			continue;
		}
		size_t j;
		for (j = 1; j < len; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (j < len || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			out[k++] = 0xfffd;
			i++;
			continue;
		}
		out[k++] = cp;
		i += len;
	}
	return k;
}

double lmi_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	unsigned char stack[2 * STACK_CP];
	unsigned char *ma, *mb, *heap = NULL;
	size_t window, m = 0, t = 0, k = 0;
	double j;

	if (na == 0 && nb == 0)
		return 1.0;
	if (na == 0 || nb == 0)
		return 0.0;
	if (na + nb > sizeof(stack)) {
		heap = calloc(na + nb, 1);
		if (heap == NULL)
			return -1.0;
		ma = heap;
	} else {
		memset(stack, 0, na + nb);
		ma = stack;
	}
	mb = ma + na;
	window = (na > nb ? na : nb) / 2;
	window = window > 0 ? window - 1 : 0;
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < nb ? i + window + 1 : nb;

		for (size_t q = lo; q < hi; q++) {
			if (!mb[q] && a[i] == b[q]) {
				ma[i] = mb[q] = 1;
				m++;
				break;
			}
		}
	}
	if (m == 0) {
		free(heap);
		return 0.0;
	}
	/* Half the number of matched characters that are out of order. */
	for (size_t i = 0; i < na; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	free(heap);
	j = ((double)m / (double)na + (double)m / (double)nb + ((double)m - (double)t / 2.0) /
	     (double)m) / 3.0;
	return j;
}

double lmi_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	double j = lmi_jaro(a, na, b, nb);
	size_t l = 0;

	if (j <= 0.7)
		return j;
	while (l < 4 && l < na && l < nb && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

/* Decodes both strings into one buffer; *heap is set when it had to be allocated. */
static int decode_pair(const char *a, const char *b, uint32_t *stack, uint32_t **heap,
		       uint32_t **ca, size_t *na, uint32_t **cb, size_t *nb)
{
	size_t la = strlen(a), lb = strlen(b);
	uint32_t *buf = stack;

	*heap = NULL;
	if (la + lb > 2 * STACK_CP) {
		*heap = malloc((la + lb) * sizeof(uint32_t));
		if (*heap == NULL)
			return -1;
		buf = *heap;
	}
	*ca = buf;
	*na = lmi_utf8_to_cp(a, la, buf);
	*cb = buf + *na;
	*nb = lmi_utf8_to_cp(b, lb, *cb);
	return 0;
}

double lmi_jaro_winkler_utf8(const char *a, const char *b)
{
	uint32_t stack[2 * STACK_CP], *heap, *ca, *cb;
	size_t na, nb;
	double r;

	if (decode_pair(a, b, stack, &heap, &ca, &na, &cb, &nb) < 0)
		return -1.0;
	r = lmi_jaro_winkler(ca, na, cb, nb);
	free(heap);
	return r;
}

/* Edit distance on three rolling rows; `transpose` adds the OSA adjacent swap. */
static int edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max,
			 int transpose)
{
	int stack[3 * (STACK_CP + 1)];
	int *heap = NULL, *pp, *prev, *cur, *tmp;
	size_t diff = na > nb ? na - nb : nb - na;
	int result;

	if (max < 0)
		max = 0;
	if (diff > (size_t)max)
		return max + 1;
	if (na == 0 || nb == 0)
		return (int)(na + nb);
	if (nb + 1 > STACK_CP + 1) {
		heap = malloc(3 * (nb + 1) * sizeof(int));
		if (heap == NULL)
			return -1;
		pp = heap;
	} else {
		pp = stack;
	}
	prev = pp + (nb + 1);
	cur = prev + (nb + 1);
	for (size_t q = 0; q <= nb; q++)
		prev[q] = (int)(q < (size_t)max + 1 ? q : (size_t)max + 1);
	for (size_t i = 1; i <= na; i++) {
		int rowmin;

		cur[0] = (int)(i < (size_t)max + 1 ? i : (size_t)max + 1);
		rowmin = cur[0];
		for (size_t q = 1; q <= nb; q++) {
			int cost = a[i - 1] == b[q - 1] ? 0 : 1;
			int v = prev[q - 1] + cost;

			if (prev[q] + 1 < v)
				v = prev[q] + 1;
			if (cur[q - 1] + 1 < v)
				v = cur[q - 1] + 1;
			if (transpose && i > 1 && q > 1 && a[i - 1] == b[q - 2] &&
			    a[i - 2] == b[q - 1] && pp[q - 2] + 1 < v)
				v = pp[q - 2] + 1;
			if (v > max + 1)
				v = max + 1;
			cur[q] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max) {
			free(heap);
			return max + 1;
		}
		tmp = pp;
		pp = prev;
		prev = cur;
		cur = tmp;
	}
	result = prev[nb];
	free(heap);
	return result > max ? max + 1 : result;
}

int lmi_osa_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	return edit_distance(a, na, b, nb, max, 1);
}

int lmi_levenshtein(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	return edit_distance(a, na, b, nb, max, 0);
}

int lmi_osa_distance_utf8(const char *a, const char *b, int max)
{
	uint32_t stack[2 * STACK_CP], *heap, *ca, *cb;
	size_t na, nb;
	int r;

	if (decode_pair(a, b, stack, &heap, &ca, &na, &cb, &nb) < 0)
		return -1;
	r = lmi_osa_distance(ca, na, cb, nb, max);
	free(heap);
	return r;
}

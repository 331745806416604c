/* Locale-independent normalisation of employer names and job titles, and code-point n-grams. */
#include <stdint.h>
#include <string.h>

#include "normalize.h"
#include "banned.h"

/* Room for the folded code points (never more than LMI_NORM_MAX_CP). */
#define CPBUF LMI_NORM_MAX_CP

size_t lmi_norm_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len, i;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t lmi_norm_utf8_put(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

uint32_t lmi_norm_fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x00A0 || cp == 0x3000 ||
	    (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F)
		return ' ';
	return cp;
}

/* Decodes and folds up to LMI_NORM_MAX_CP code points; ㈜/㈱ become "(주)". */
static size_t decode_fold(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0;
	uint32_t c;

	while (i < n && k < LMI_NORM_MAX_CP) {
		i += lmi_norm_utf8_next(p + i, n - i, &c);
		c = lmi_norm_fold(c);
		if (c == 0x321C || c == 0x3231) {
			if (k + 3 > LMI_NORM_MAX_CP)
				break;
			cp[k++] = '(';
			cp[k++] = 0xC8FC; /* 주 */
			cp[k++] = ')';
		} else {
			cp[k++] = c;
		}
	}
	return k;
}

/* A word to remove, decoded to code points once. */
struct pat {
	uint32_t c[8];
	size_t n;
};

/* Decodes a NULL-terminated word list into pats (at most 16 words of 8 code points). */
static size_t decode_pats(const char *const *words, struct pat *pats)
{
	size_t np = 0;

	for (; *words != NULL && np < 16; words++, np++) {
		const unsigned char *p = (const unsigned char *)*words;
		size_t len = strlen(*words), i = 0;

		pats[np].n = 0;
		while (i < len && pats[np].n < 8)
			i += lmi_norm_utf8_next(p + i, len - i, &pats[np].c[pats[np].n++]);
	}
	return np;
}

/*
 * Replaces every occurrence of any of the words by one space, scanning once
 * from the left; at one position the first word in list order wins.
 */
static void remove_words(uint32_t *cp, size_t *n, const struct pat *pats, size_t np)
{
	size_t i = 0, k = 0, j, w;

	while (i < *n) {
		for (w = 0; w < np; w++) {
			if (cp[i] != pats[w].c[0] || i + pats[w].n > *n)
				continue;
			for (j = 1; j < pats[w].n && cp[i + j] == pats[w].c[j]; j++)
				;
			if (j == pats[w].n)
				break;
		}
		if (w < np) {
			cp[k++] = ' ';
			i += pats[w].n;
		} else {
			cp[k++] = cp[i++];
		}
	}
	*n = k;
}

/* Word characters: ASCII letters and digits, and non-ASCII letters (not punctuation). */
static int is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	if (c <= 0xBF || c == 0xD7 || c == 0xF7)
		return 0;
	if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || c == 0x30FB ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF65) || c == 0xFFFD)
		return 0;
	return 1;
}

/* Returns 1 when cp[a..b) is ASCII and spells one of the words in `stop`. */
static int is_stop(const uint32_t *cp, size_t a, size_t b, const char *const *stop)
{
	char w[16];
	size_t i;

	if (b - a >= sizeof(w))
		return 0;
	for (i = a; i < b; i++) {
		if (cp[i] >= 0x80)
			return 0;
		w[i - a] = (char)cp[i];
	}
	w[b - a] = '\0';
	for (; *stop != NULL; stop++)
		if (strcmp(w, *stop) == 0)
			return 1;
	return 0;
}

/* Splits into words, drops stop words, writes the rest joined without spaces. */
static size_t join_words(const uint32_t *cp, size_t n, const char *const *stop, char *out)
{
	unsigned char *o = (unsigned char *)out;
	size_t i = 0, len = 0, a, k;

	while (i < n) {
		while (i < n && !is_word(cp[i]))
			i++;
		a = i;
		while (i < n && is_word(cp[i]))
			i++;
		if (a == i || is_stop(cp, a, i, stop))
			continue;
		for (k = a; k < i; k++)
			len += lmi_norm_utf8_put(cp[k], o + len);
	}
	out[len] = '\0';
	return len;
}

size_t lmi_norm_employer(const char *s, size_t n, char *out)
{
	static const char *const forms[] = {
		"(주)", "(유)", "(사)", "(재)", "(합)", "주식회사", "유한책임회사", "유한회사",
		"사단법인", "재단법인", "합자회사", "합명회사", NULL,
	};
	static const char *const stop[] = {
		"co", "corp", "corporation", "company", "inc", "incorporated", "limited",
		"llc", "ltd", "plc", "gmbh", NULL,
	};
	static struct pat pats[16]; /* decoded on the first call; lmi tools are single-threaded */
	static size_t np;
	uint32_t cp[CPBUF];
	size_t k = decode_fold(s, n, cp);

	if (np == 0)
		np = decode_pats(forms, pats);
	remove_words(cp, &k, pats, np);
	return join_words(cp, k, stop, out);
}

/* Returns the closing bracket for an opening one, or 0. */
static uint32_t closer(uint32_t c)
{
	switch (c) {
	case '(':
		return ')';
	case '[':
		return ']';
	case '{':
		return '}';
	case '<':
		return '>';
	case 0x3008: /* 〈 */
	case 0x300A: /* 《 */
	case 0x300C: /* 「 */
	case 0x300E: /* 『 */
	case 0x3010: /* 【 */
	case 0x3014: /* 〔 */
		return c + 1;
	default:
		return 0;
	}
}

/* Replaces every bracketed segment by a space; an unmatched opener becomes a space. */
static void remove_brackets(uint32_t *cp, size_t *n)
{
	size_t i, j, k = 0;
	uint32_t close;

	for (i = 0; i < *n; i++) {
		close = closer(cp[i]);
		if (close == 0) {
			cp[k++] = cp[i];
			continue;
		}
		for (j = i + 1; j < *n && cp[j] != close; j++)
			;
		cp[k++] = ' ';
		if (j < *n)
			i = j;
	}
	*n = k;
}

size_t lmi_norm_title(const char *s, size_t n, char *out)
{
	static const char *const words[] = {
		"급구", "긴급", "채용", "모집", "구인", "구함", "모십니다", "찾습니다", "합니다",
		"상시", NULL,
	};
	static const char *const stop[] = {
		"urgent", "urgently", "hiring", "wanted", "now", "immediate", "immediately",
		"asap", NULL,
	};
	static struct pat pats[16]; /* decoded on the first call; lmi tools are single-threaded */
	static size_t np;
	uint32_t cp[CPBUF];
	size_t k = decode_fold(s, n, cp);

	if (np == 0)
		np = decode_pats(words, pats);
	remove_brackets(cp, &k);
	remove_words(cp, &k, pats, np);
	return join_words(cp, k, stop, out);
}

uint64_t lmi_norm_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	/* splitmix64 finaliser, so short keys spread over all bits */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

size_t lmi_norm_ngrams(const char *s, size_t n, int ngram, uint32_t *out)
{
	uint32_t cp[CPBUF], g[CPBUF], t;
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0, i = 0, m = 0, j, u;
	size_t w = ngram == 3 ? 3 : 2;

	while (i < n && k < LMI_NORM_MAX_CP)
		i += lmi_norm_utf8_next(p + i, n - i, &cp[k++]);
	if (k == 0)
		return 0;
	if (k < w)
		w = k;
	for (i = 0; i + w <= k; i++)
		g[m++] = (uint32_t)(lmi_norm_hash(LMI_NORM_HASH_SEED, cp + i,
						  w * sizeof(uint32_t)) >> 32);
	for (i = 1; i < m; i++) { /* insertion sort: a title has a few dozen grams */
		t = g[i];
		for (j = i; j > 0 && g[j - 1] > t; j--)
			g[j] = g[j - 1];
		g[j] = t;
	}
	/* Keep the smallest distinct hashes: a bottom-k sketch when the cap bites. */
	for (i = 0, u = 0; i < m && u < LMI_NORM_MAX_GRAMS; i++)
		if (u == 0 || out[u - 1] != g[i])
			out[u++] = g[i];
	return u;
}

double lmi_norm_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, inter = 0;

	if (na == 0 && nb == 0)
		return 1.0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			inter++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)inter / (double)(na + nb - inter);
}

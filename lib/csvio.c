/* Streaming CSV reader on libcsv (rows queued per input chunk) and an RFC 4180 writer. */
#include "csvio.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

#define CHUNK (64u * 1024u)

/*
 * libcsv writes each field straight into the arena (aim_parser()), which
 * parse_chunk() sized for the whole chunk, so libcsv never has to grow its
 * buffer.  Should it try, it gets no memory and we report an internal error:
 * its buffer is ours, and libcsv's realloc() or free() must not touch it.
 */
static void *no_realloc(void *p, size_t n)
{
	(void)p;
	(void)n;
	return NULL;
}

static void no_free(void *p)
{
	(void)p;
}

/* Spaces are data: RFC 4180 keeps them, libcsv would trim them by default. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void set_err(struct lmi_csv *r, int status, unsigned long line, const char *msg)
{
	if (r->status != LMI_OK)
		return;
	r->fast_lim = 0; /* on_field() leaves its fast path */
	r->status = status;
	r->err_line = line;
	r->err_at = r->nrows;
	snprintf(r->err, sizeof(r->err), "%s", msg);
}

static int reserve(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int lmi_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			uint64_t w;

			/* Runs of ASCII go a word at a time (whole chunks are checked). */
			while (i + 8 <= n) {
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			if (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		/*
		 * Fast path for the common 3-byte forms (all of Hangul): leads E1..EC,
		 * EE and EF take any two continuation bytes (Unicode Table 3-7); E0
		 * (overlongs) and ED (surrogates) take the full check below.
		 */
		if (c >= 0xE1 && c != 0xED && c <= 0xEF) {
			if (n - i < 3 || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
				return 0;
			i += 3;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

/*
 * Word-at-a-time byte tests (SWAR): HASZERO(v) is non-zero exactly when some
 * byte of v is zero, and HASBYTE(v, c) when some byte equals c.  Fields are
 * short, so one pass that copies and tests beats several memchr() calls.
 */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
#define HASZERO(v) (((v) - ONES) & ~(v) & HIGHS)
#define HASBYTE(v, c) HASZERO((v) ^ (ONES * (unsigned char)(c)))

/* What copy_scan() saw; SCAN_QUOTE: a byte a comma-separated writer must quote. */
enum { SCAN_HIGH = 1, SCAN_NUL = 2, SCAN_NL = 4, SCAN_QUOTE = 8 };

/*
 * Non-zero when some byte of v is below c (c <= 128; bytes >= 0x80 never
 * count): a cheap first test for the quoting characters '"', LF and CR.
 */
#define HASLESS(v, c) (((v) - ONES * (c)) & ~(v) & HIGHS)

/*
 * Loads a field of 1 <= n < 8 bytes as one word holding every byte of it
 * (some twice, from overlapping loads, which changes no "some byte matches"
 * test) and, when dst is not NULL, copies the n bytes to dst.  No loop over
 * bytes: short fields (codes, flags, dates) are most fields.
 */
static inline uint64_t short_word(const unsigned char *s, size_t n, char *dst)
{
	if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		if (dst != NULL) {
			memcpy(dst, &a, 4);
			memcpy(dst + n - 4, &b, 4);
		}
		return a | (uint64_t)b << 32;
	}
	if (n >= 2) {
		uint16_t a, b;
		uint64_t x;

		memcpy(&a, s, 2);
		memcpy(&b, s + n - 2, 2);
		if (dst != NULL) {
			memcpy(dst, &a, 2);
			memcpy(dst + n - 2, &b, 2);
		}
		x = a | (uint64_t)b << 16;
		return x | x << 32;
	}
	if (dst != NULL)
		dst[0] = (char)s[0];
	return ONES * s[0];
}

/* Tests one word for the bytes that force quoting: '"', LF, CR and the delimiter. */
static inline uint64_t quote_hits(uint64_t v, unsigned char delim)
{
	uint64_t hit = HASBYTE(v, delim) | HASBYTE(v, '"');

	if (HASLESS(v, 0x0E)) /* LF 0x0A, CR 0x0D: control bytes are rare */
		hit |= HASBYTE(v, '\n') | HASBYTE(v, '\r');
	return hit;
}

/* Non-zero when w holds a byte a comma-separated writer must quote: ',', '"', CR or LF. */
static inline uint64_t quote_test(uint64_t w)
{
	return quote_hits(w, ',');
}

/*
 * Copies n bytes from src to dst (which may be src itself: each word is
 * loaded before it is stored) and says whether they hold non-ASCII, NUL or
 * LF bytes, or a byte that needs quoting on output.
 */
static unsigned copy_scan(char *dst, const unsigned char *src, size_t n)
{
	uint64_t hi = 0, nul = 0, nl = 0, q = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, src + i, 8);
		memcpy(dst + i, &w, 8);
		hi |= w;
		nul |= HASZERO(w);
		nl |= HASBYTE(w, '\n');
		q |= quote_test(w);
	}
	if (i < n) {
		if (n >= 8) { /* the last 8 bytes, overlapping some already tested */
			memcpy(&w, src + n - 8, 8);
			memcpy(dst + n - 8, &w, 8);
		} else {
			w = short_word(src, n, dst);
		}
		hi |= w;
		nul |= HASZERO(w);
		nl |= HASBYTE(w, '\n');
		q |= quote_test(w);
	}
	return ((hi & HIGHS) ? SCAN_HIGH : 0) | (nul ? SCAN_NUL : 0) |
	       (nl ? SCAN_NL | SCAN_QUOTE : 0) | (q ? SCAN_QUOTE : 0);
}

/*
 * prescan() looks at each input chunk once, 64 bytes at a time, before libcsv
 * does, with one bit per byte for quotes, blanks (space, tab) and specials
 * (the delimiter, quote, CR, LF).  Quote parity, a prefix XOR of the quote
 * bits, says which bytes lie inside quotes; in strict mode that is exactly
 * libcsv's view.  From that it finds when the reader may skip work:
 *  - no blank outside quotes touches a special or an edge of the chunk: then
 *    libcsv's own blank handling (which trims leading and trailing blanks of
 *    unquoted fields) trims nothing here, and its inline test can stand in for
 *    the per-byte call to no_space();
 *  - the chunk is valid UTF-8 without NUL bytes: then its fields are kept
 *    unscanned where libcsv wrote them, and which of them need quotes on
 *    output or hold LFs comes from the marks prescan() leaves by field
 *    number (see add_mark()).
 * None of this may change what is read: tests/unit/test_csvio_random.c
 * checks random files against the fields they were made from.
 */
enum {
	CH_NUL = 1 << 0,        /* a NUL byte */
	CH_BLANK_EDGE = 1 << 1, /* a blank outside quotes next to a special or an edge */
	CH_UTF8_BAD = 1 << 2,   /* not valid UTF-8 */
	CH_NOMEM = 1 << 3,      /* no memory for the marks */
};

/* Bit masks of one 64-byte block, and what the whole chunk holds anywhere. */
struct masks {
	uint64_t q, blank, delim, cr, lf, comma; /* comma: only when ',' is not the delimiter */
	unsigned any_hi, any_nul;
};

/* Masks of the first n <= 64 bytes of s, one byte at a time (a chunk's tail, or no SSE2). */
static void tail_masks(const unsigned char *s, size_t n, unsigned char delim, struct masks *m)
{
	m->q = m->blank = m->delim = m->cr = m->lf = m->comma = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		uint64_t bit = 1ull << i;

		m->q |= c == '"' ? bit : 0;
		m->blank |= c == ' ' || c == '\t' ? bit : 0;
		m->delim |= c == delim ? bit : 0;
		m->cr |= c == '\r' ? bit : 0;
		m->lf |= c == '\n' ? bit : 0;
		m->comma |= c == ',' && delim != ',' ? bit : 0; /* a data comma */
		m->any_hi |= c >= 0x80;
		m->any_nul |= c == 0;
	}
}

#if defined(__SSE2__)
#include <emmintrin.h>

static inline uint64_t mm_bits(__m128i v, int i)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * i);
}

/* Masks of a 64-byte block; hi and nul are ORed into acc, tested once a chunk. */
static inline void block_masks(const unsigned char *s, unsigned char delim, struct masks *m,
			       __m128i acc[2])
{
	const __m128i kq = _mm_set1_epi8('"'), ksp = _mm_set1_epi8(' ');
	const __m128i ktab = _mm_set1_epi8('\t'), kd = _mm_set1_epi8((char)delim);
	const __m128i kcr = _mm_set1_epi8('\r'), klf = _mm_set1_epi8('\n');
	const __m128i kc = _mm_set1_epi8(','), kz = _mm_setzero_si128();

	m->q = m->blank = m->delim = m->cr = m->lf = m->comma = 0;
	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
		__m128i blank = _mm_or_si128(_mm_cmpeq_epi8(v, ksp), _mm_cmpeq_epi8(v, ktab));

		m->q |= mm_bits(_mm_cmpeq_epi8(v, kq), i);
		m->blank |= mm_bits(blank, i);
		m->delim |= mm_bits(_mm_cmpeq_epi8(v, kd), i);
		m->cr |= mm_bits(_mm_cmpeq_epi8(v, kcr), i);
		m->lf |= mm_bits(_mm_cmpeq_epi8(v, klf), i);
		if (delim != ',')
			m->comma |= mm_bits(_mm_cmpeq_epi8(v, kc), i);
		acc[0] = _mm_or_si128(acc[0], v);
		acc[1] = _mm_or_si128(acc[1], _mm_cmpeq_epi8(v, kz));
	}
}

/* Byte i of the result is byte i - k of the stream whose previous 16 bytes are prev. */
#define SHIFT_IN(x, prev, k) _mm_or_si128(_mm_slli_si128(x, k), _mm_srli_si128(prev, 16 - (k)))

/*
 * UTF-8 check of a whole chunk, 16 bytes at a time (bytes compared as signed
 * chars: 0x80..0xBF are -128..-65).  After a lead C2..DF one continuation
 * byte must follow and after E1..EF two, so the continuation bytes must be
 * exactly the bytes one after a lead or two after a 3-byte lead; after ED
 * (the surrogates' lead, and common in Hangul) only 80..9F may follow
 * (Unicode Table 3-7).  Rarer leads (C0, C1, E0, F0..FF) send the chunk to
 * the byte-at-a-time check.  Returns 1 valid, 0 invalid, -1 ask lmi_utf8_valid().
 */
struct utf8_vec {
	__m128i err, rare, lead, lead3, ed; /* the last three: of the previous 16 bytes */
};

static inline void utf8_vec16(__m128i v, struct utf8_vec *u)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i neg = _mm_cmplt_epi8(v, zero), lead, lead3, ed, want, after_ed, r4, r2;

	if (!_mm_movemask_epi8(neg)) { /* ASCII: only a sequence left open before can fail */
		want = _mm_or_si128(_mm_srli_si128(u->lead, 15), _mm_srli_si128(u->lead3, 14));
		u->err = _mm_or_si128(u->err, want);
		u->lead = u->lead3 = u->ed = zero;
		return;
	}
	lead = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65)), neg);  /* C0..FF */
	lead3 = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-33)), neg); /* E0..FF */
	ed = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED));
	/* F0..FF, C0..C1 and E0 */
	r4 = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-17)), neg);
	r2 = _mm_and_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(-62)), lead);
	u->rare = _mm_or_si128(u->rare, _mm_or_si128(r4, r2));
	u->rare = _mm_or_si128(u->rare, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE0)));
	want = _mm_or_si128(SHIFT_IN(lead, u->lead, 1), SHIFT_IN(lead3, u->lead3, 2));
	u->err = _mm_or_si128(u->err, _mm_xor_si128(want, _mm_andnot_si128(lead, neg)));
	/* after ED: A0..BF (-96..-65) is a surrogate */
	after_ed = _mm_and_si128(SHIFT_IN(ed, u->ed, 1), neg);
	after_ed = _mm_and_si128(after_ed, _mm_cmpgt_epi8(v, _mm_set1_epi8(-97)));
	u->err = _mm_or_si128(u->err, after_ed);
	u->lead = lead;
	u->lead3 = lead3;
	u->ed = ed;
}

static int utf8_chunk(const unsigned char *s, size_t n)
{
	struct utf8_vec u;
	unsigned char pad[32] = { 0 };
	size_t at = 0;

	u.err = u.rare = u.lead = u.lead3 = u.ed = _mm_setzero_si128();
	for (; at + 16 <= n; at += 16)
		utf8_vec16(_mm_loadu_si128((const __m128i *)(const void *)(s + at)), &u);
	/* The tail, then 16 NULs: a sequence left open at the end fails. */
	memcpy(pad, s + at, n - at);
	utf8_vec16(_mm_loadu_si128((const __m128i *)(const void *)pad), &u);
	utf8_vec16(_mm_loadu_si128((const __m128i *)(const void *)(pad + 16)), &u);
	if (_mm_movemask_epi8(u.rare))
		return -1;
	return _mm_movemask_epi8(u.err) == 0;
}
#endif

/* Number of bits set (SWAR: the build does not assume a popcnt instruction). */
static inline unsigned popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* Bit i of the result is the XOR of bits 0..i of x: 1 inside quotes. */
static inline uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/*
 * The common case first: a chunk without quotes and blanks (and without
 * commas, when ',' is not the delimiter) can hold no mark and trims nothing,
 * so prescan() needs only its NUL and UTF-8 facts.  Returns 1 for such a
 * chunk, with *hi and *nul set; one pass of four compares per 16 bytes.
 */
static int plain_chunk(const unsigned char *s, size_t n, unsigned char delim, int *hi, int *nul)
{
#if defined(__SSE2__)
	const __m128i kq = _mm_set1_epi8('"'), ksp = _mm_set1_epi8(' ');
	const __m128i ktab = _mm_set1_epi8('\t'), kz = _mm_setzero_si128();
	const __m128i kc = _mm_set1_epi8(delim == ',' ? '"' : ',');
	__m128i odd = kz, high = kz, zero = kz;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));

		odd = _mm_or_si128(odd, _mm_or_si128(_mm_cmpeq_epi8(v, kq), _mm_cmpeq_epi8(v, kc)));
		odd = _mm_or_si128(odd, _mm_or_si128(_mm_cmpeq_epi8(v, ksp),
						      _mm_cmpeq_epi8(v, ktab)));
		high = _mm_or_si128(high, v);
		zero = _mm_or_si128(zero, _mm_cmpeq_epi8(v, kz));
		if ((i & 255) == 240 && _mm_movemask_epi8(odd)) /* give up early on text */
			return 0;
	}
	if (_mm_movemask_epi8(odd))
		return 0;
	*hi = _mm_movemask_epi8(high) != 0;
	*nul = _mm_movemask_epi8(zero) != 0;
	for (; i < n; i++) {
		if (s[i] == '"' || s[i] == ' ' || s[i] == '\t' || (delim != ',' && s[i] == ','))
			return 0;
		*hi |= s[i] >= 0x80;
		*nul |= s[i] == 0;
	}
	return 1;
#else
	(void)s;
	(void)n;
	(void)delim;
	(void)hi;
	(void)nul;
	return 0;
#endif
}

/* 1 when s[0..n) is valid UTF-8. */
static int chunk_utf8_valid(const unsigned char *s, size_t n)
{
#if defined(__SSE2__)
	int v = utf8_chunk(s, n);

	if (v >= 0)
		return v;
#endif
	return lmi_utf8_valid(s, n);
}

/*
 * Notes that field number ord (counting every field libcsv will report) holds
 * a byte needing quotes on output, or lf LFs.  Marks are kept in field order,
 * one per field; a chunk adds at most one per byte, so they are bounded.
 */
static int add_mark(struct lmi_csv *r, unsigned long long ord, int needq, unsigned lf)
{
	struct lmi_csv_mark *m;

	if (r->nmarks > 0 && r->marks[r->nmarks - 1].ord == ord) {
		m = &r->marks[r->nmarks - 1];
	} else {
		if (reserve((void **)&r->marks, &r->mcap, r->nmarks + 1, sizeof(*r->marks)) != 0)
			return -1;
		m = &r->marks[r->nmarks++];
		m->ord = ord;
		m->needq = 0;
		m->lf = 0;
	}
	m->needq |= (unsigned char)needq;
	m->lf += lf;
	return 0;
}

/*
 * Returns the CH_ facts of s[0..n).  Also counts the field terminators libcsv
 * will act on (a delimiter outside quotes, or CR or LF outside quotes that
 * ends a begun row) and marks the fields holding a comma, CR, LF or doubled
 * quote inside quotes, or a comma anywhere when ',' is not the delimiter: so
 * on_field() knows without looking which fields need quotes on output and
 * how many lines they span.  parse_chunk() checks the count against libcsv's.
 */
static unsigned prescan(struct lmi_csv *r, const unsigned char *s, size_t n)
{
	uint64_t inq = r->in_quotes ? ~0ull : 0, prev_spec = 1, prev_blank = 0, edge = 0;
	uint64_t prev_q = r->prev_q, prev_eol = r->prev_eol;
	unsigned long long base = r->fields; /* fields ended before this chunk */
	unsigned facts = 0;
	struct masks m = { 0 };
	int hi, nul;
#if defined(__SSE2__)
	__m128i acc[2] = { _mm_setzero_si128(), _mm_setzero_si128() };
#endif

	if (!r->in_quotes && plain_chunk(s, n, r->delim, &hi, &nul)) {
		r->prev_q = 0;
		r->prev_eol = s[n - 1] == '\r' || s[n - 1] == '\n';
		r->terms = 0; /* not counted: nothing to check them against */
		if (hi && !chunk_utf8_valid(s, n))
			facts |= CH_UTF8_BAD;
		return facts | (nul ? CH_NUL : 0);
	}

	for (size_t at = 0; at < n; at += 64) {
		size_t k = n - at < 64 ? n - at : 64;
		uint64_t inside, oblank, spec, eol, term, ev, lfin, all;

#if defined(__SSE2__)
		if (k == 64)
			block_masks(s + at, r->delim, &m, acc);
		else
#endif
			tail_masks(s + at, k, r->delim, &m);
		inside = prefix_xor(m.q) ^ inq;
		inq = (uint64_t)-(int64_t)(inside >> 63);
		eol = m.cr | m.lf;
		spec = m.q | m.delim | eol;
		oblank = m.blank & ~inside;
		edge |= (oblank << 1 | prev_blank) & spec; /* blank, then special */
		edge |= (spec << 1 | prev_spec) & oblank;  /* special, then blank */
		term = (m.delim | (eol & ~(eol << 1 | prev_eol))) & ~inside;
		/* commas inside quotes (the delimiter is one) or anywhere (it is not) */
		ev = (((r->delim == ',' ? m.delim : 0) | eol) & inside) | m.comma;
		ev |= m.q & (m.q << 1 | prev_q); /* a doubled quote, or "" */
		lfin = m.lf & inside;
		for (all = ev | lfin; all != 0; all &= all - 1) {
			int b = __builtin_ctzll(all);
			uint64_t below = (1ull << b) - 1;

			if (add_mark(r, base + (unsigned long long)popcount64(term & below),
				     (int)(ev >> b & 1), (unsigned)(lfin >> b & 1)) != 0)
				return CH_NOMEM;
		}
		base += (unsigned long long)popcount64(term);
		prev_blank = oblank >> (k - 1) & 1;
		prev_spec = spec >> (k - 1) & 1;
		prev_q = m.q >> (k - 1) & 1;
		prev_eol = eol >> (k - 1) & 1;
	}
#if defined(__SSE2__)
	m.any_hi |= _mm_movemask_epi8(acc[0]) != 0;
	m.any_nul |= _mm_movemask_epi8(acc[1]) != 0;
#endif
	edge |= prev_blank; /* a blank ends the chunk: the next may start with a special */
	r->in_quotes = inq != 0;
	r->prev_q = prev_q;
	r->prev_eol = prev_eol;
	r->terms = base + 1; /* one more than the fields ended after this chunk */
	if (m.any_hi && !chunk_utf8_valid(s, n))
		facts |= CH_UTF8_BAD;
	return facts | (m.any_nul ? CH_NUL : 0) | (edge ? CH_BLANK_EDGE : 0);
}

/*
 * Number of bytes at the end of s[0..n) that start a UTF-8 sequence the chunk
 * cuts short; fill() keeps them for the next chunk so that every chunk holds
 * whole characters and can be validated alone.
 */
static size_t utf8_cut(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = s[n - k];

		if ((c & 0xC0) == 0x80)
			continue;
		if (c < 0xC0)
			return 0;
		return (c >= 0xF0 ? 4u : c >= 0xE0 ? 3u : 2u) > k ? k : 0;
	}
	return 0;
}

static unsigned long count_lf(const char *s, size_t n)
{
	const char *end = s + n;
	unsigned long k = 0;

	while (s < end && (s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* flen and fq grow together under one capacity. */
static int grow2(size_t **flen, unsigned char **fq, size_t *fcap, size_t need)
{
	size_t cap = *fcap;

	if (need <= cap)
		return 0;
	if (reserve((void **)flen, &cap, need, sizeof(size_t)) != 0)
		return -1;
	cap = *fcap;
	if (reserve((void **)fq, &cap, need, 1) != 0)
		return -1;
	*fcap = cap;
	return 0;
}

static int grow_fields(struct lmi_csv *r, size_t need)
{
	return grow2(&r->flen, &r->fq, &r->fcap, need);
}

/* A record, even one still open, may not grow past LMI_CSV_MAX_FIELDS. */
static int too_many_fields(struct lmi_csv *r)
{
	char msg[64];

	if (r->nf - r->cur_first <= LMI_CSV_MAX_FIELDS)
		return 0;
	snprintf(msg, sizeof(msg), "row exceeds %u fields", LMI_CSV_MAX_FIELDS);
	set_err(r, LMI_ETOOBIG, r->line, msg);
	return 1;
}

/*
 * Copies a field that may hold anything (in place when dst is data, as when
 * libcsv wrote it into the arena) and checks it: NUL and invalid UTF-8
 * are errors (set in r, with SCAN_NUL returned for both); LFs are counted for
 * line numbers.
 */
static unsigned scan_field(struct lmi_csv *r, char *dst, const unsigned char *data, size_t n)
{
	unsigned scan = copy_scan(dst, data, n);
	char msg[128];

	if (scan & SCAN_NUL) {
		snprintf(msg, sizeof(msg), "NUL byte in field %zu", r->nf - r->cur_first + 1);
		set_err(r, LMI_EPARSE, r->line, msg);
		return SCAN_NUL;
	}
	if ((scan & SCAN_HIGH) && !r->utf8_ok && !lmi_utf8_valid((const unsigned char *)dst, n)) {
		snprintf(msg, sizeof(msg), "invalid UTF-8 in field %zu (%s)",
			 r->nf - r->cur_first + 1, "convert it, e.g. lmi ingest --encoding cp949");
		set_err(r, LMI_EPARSE, r->line, msg);
		return SCAN_NUL;
	}
	if (scan & SCAN_NL)
		r->row_lf += count_lf(dst, n);
	return scan;
}

/* The field number of the next mark prescan() left, or ~0 when none is left. */
static inline unsigned long long next_mark(const struct lmi_csv *r)
{
	return r->mpos < r->nmarks ? r->marks[r->mpos].ord : ~0ULL;
}

/* Takes the mark of the field being ended, if prescan() left one. */
static inline const struct lmi_csv_mark *take_mark(struct lmi_csv *r)
{
	const struct lmi_csv_mark *m = NULL;

	if (r->mark_next == r->fields) {
		m = &r->marks[r->mpos++];
		r->mark_next = next_mark(r);
	}
	r->fields++;
	return m;
}

/* Whether the next fields are checked in full: then each leaves on_field()'s fast path. */
static void set_check(struct lmi_csv *r, int check)
{
	r->fast_lim = check ? 0 : r->max_field + 1;
}

/*
 * Points libcsv's field buffer at the arena's free end: the next field is
 * written where it will be kept, and the part of it libcsv holds between
 * chunks lies at arena + alen.  Every change to arena or alen re-aims.
 */
static inline void aim_parser(struct lmi_csv *r)
{
	r->p.entry_buf = (unsigned char *)r->arena + r->alen;
	r->p.entry_size = r->acap - r->alen;
}

/* Keeps the field at arena + alen.  Locals, since a store through char * could alias r. */
static inline void keep_field(struct lmi_csv *r, size_t n, int needq)
{
	size_t nf = r->nf, alen = r->alen + n + 1;

	r->arena[alen - 1] = '\0';
	r->flen[nf] = n;
	r->fq[nf] = (unsigned char)needq;
	r->alen = alen;
	r->nf = nf + 1;
}

static void field_too_long(struct lmi_csv *r)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "field exceeds %zu bytes", r->max_field);
	set_err(r, LMI_ETOOBIG, r->line, msg);
}

/*
 * on_field() for everything but the common case: caps, growth, fields to
 * check in full, and a field not where aim_parser() pointed libcsv.
 */
static void field_check(struct lmi_csv *r, const unsigned char *data, size_t n)
{
	const struct lmi_csv_mark *mark;
	int in_arena = data == (const unsigned char *)r->arena + r->alen;
	unsigned scan;

	if (r->status != LMI_OK)
		return;
	if (n > r->max_field) {
		field_too_long(r);
		return;
	}
	if (r->alen + n + 1 > r->acap &&
	    reserve((void **)&r->arena, &r->acap, r->alen + n + 1, 1) != 0) {
		set_err(r, LMI_ENOMEM, r->line, "out of memory");
		return;
	}
	if (in_arena) /* reserve() may have moved it */
		data = (const unsigned char *)r->arena + r->alen;
	if (grow_fields(r, r->nf + 1) != 0) {
		set_err(r, LMI_ENOMEM, r->line, "out of memory");
		return;
	}
	/* Here the field is checked in full: scan_field() counts the LFs, not the mark. */
	mark = take_mark(r);
	scan = scan_field(r, r->arena + r->alen, data, n);
	if (scan & SCAN_NUL)
		return;
	/* A field begun in an earlier chunk is checked once; then the chunk's own verdict holds. */
	set_check(r, !r->utf8_ok);
	keep_field(r, n, (scan & SCAN_QUOTE) || (mark != NULL && mark->needq));
}

/* Kept out of line, so that on_field()'s common case needs no stack frame. */
__attribute__((noinline, cold)) static void field_slow(struct lmi_csv *r,
							 const unsigned char *data, size_t n)
{
	field_check(r, data, n);
	aim_parser(r);
}

/*
 * libcsv's field callback: in the common case the field already lies in the
 * arena, and takes the flags prescan() worked out; anything else goes to
 * field_slow().
 */
static void on_field(void *data, size_t n, void *ctx)
{
	struct lmi_csv *r = ctx;
	const struct lmi_csv_mark *mark;
	char *at = r->arena + r->alen;

	/*
	 * parse_chunk() made room for every field the chunk can end; fast_lim is
	 * 0 when the field must be checked (or after an error), else max_field + 1.
	 */
	if (n >= r->fast_lim || data != at) { /* the latter only if libcsv wrote elsewhere */
		field_slow(r, data, n);
		return;
	}
	mark = take_mark(r);
	if (mark == NULL) {
		keep_field(r, n, 0);
	} else {
		r->row_lf += mark->lf;
		keep_field(r, n, mark->needq);
	}
	aim_parser(r);
}

static void on_row(int c, void *ctx)
{
	struct lmi_csv *r = ctx;
	size_t n = r->nf - r->cur_first;
	unsigned long start = r->line;

	if (r->status != LMI_OK)
		return;
	if (n == 0) {
		/* An empty line, or the LF of a CRLF pair (CSV_REPALL_NL reports both). */
		if (c == '\n' && r->pending_cr)
			r->pending_cr = 0;
		else if (c == '\n' || c == '\r')
			r->line++;
		r->pending_cr = c == '\r';
		return;
	}
	if (too_many_fields(r))
		return;
	r->line += r->row_lf + (c == '\n' || c == '\r');
	r->row_lf = 0;
	r->pending_cr = c == '\r';
	if (reserve((void **)&r->rows, &r->rcap, r->nrows + 1, sizeof(*r->rows)) != 0) {
		set_err(r, LMI_ENOMEM, start, "out of memory");
		return;
	}
	r->rows[r->nrows].first = r->cur_first;
	r->rows[r->nrows].at = r->cur_at;
	r->rows[r->nrows].n = n;
	r->rows[r->nrows].line = start;
	r->nrows++;
	r->cur_first = r->nf;
	r->cur_at = r->alen;
}

/*
 * Empties the queue but for the record not yet complete, whose fields are
 * taken from arena/flen/fq (the queue's own buffers, or the ones it had
 * before hand_off() swapped them) and moved to the start.
 */
static void restart_queue(struct lmi_csv *r, const char *arena, const size_t *flen,
			  const unsigned char *fq)
{
	size_t keep = r->nf - r->cur_first;
	size_t base = r->cur_at;
	size_t move = r->alen - base + r->p.entry_pos; /* and the field libcsv is writing */

	if (move)
		memmove(r->arena, arena + base, move);
	for (size_t i = 0; i < keep; i++) {
		r->flen[i] = flen[r->cur_first + i];
		r->fq[i] = fq[r->cur_first + i];
	}
	r->alen -= base;
	if (r->arena != NULL) /* else nothing was read yet, and parse_chunk() aims */
		aim_parser(r);
	r->nf = keep;
	r->cur_first = 0;
	r->cur_at = 0;
	r->nrows = 0;
	r->rpos = 0;
}

/* Drops delivered rows, keeping the fields of a record not yet complete. */
static void compact(struct lmi_csv *r)
{
	restart_queue(r, r->arena, r->flen, r->fq);
}

static void parse_error(struct lmi_csv *r, int csverr, int at_end)
{
	if (csverr == CSV_EPARSE && at_end) {
		set_err(r, LMI_EPARSE, r->line, "unterminated quoted field");
	} else if (csverr == CSV_EPARSE) {
		set_err(r, LMI_EPARSE, r->line, "stray quote (a quote inside an unquoted field, "
			"or text after a closing quote)");
	} else {
		/* aim_parser() left libcsv too little room: a bug of ours, not a memory shortage */
		set_err(r, LMI_ENOMEM, r->line, "internal error: parser buffer full");
	}
}

/* Parses s[0..n) with libcsv, choosing how per the chunk's prescan() facts. */
static void parse_chunk(struct lmi_csv *r, const unsigned char *s, size_t n)
{
	unsigned facts;

	/* Drop the marks of fields already read. */
	if (r->mpos > 0) {
		memmove(r->marks, r->marks + r->mpos, (r->nmarks - r->mpos) * sizeof(*r->marks));
		r->nmarks -= r->mpos;
		r->mpos = 0;
	}
	facts = prescan(r, s, n);
	r->mark_next = next_mark(r);
	if (too_many_fields(r))
		return;
	/* A field is refused once it outgrows the cap, not when (if ever) it ends. */
	if (r->p.entry_pos > r->max_field) {
		field_too_long(r);
		return;
	}
	/*
	 * Room for every field this chunk can end, so that neither on_field()
	 * nor libcsv need check: at most n + 1 fields, holding at most the
	 * chunk's bytes and the part of a field libcsv already holds, each with
	 * a NUL.
	 */
	if ((facts & CH_NOMEM) ||
	    reserve((void **)&r->arena, &r->acap, r->alen + r->p.entry_pos + 2 * n + 2, 1) != 0 ||
	    grow_fields(r, r->nf + n + 2) != 0) {
		set_err(r, LMI_ENOMEM, r->line, "out of memory");
		return;
	}
	aim_parser(r);
	/* A field that began in a chunk read the slow way is checked in full. */
	set_check(r, !r->utf8_ok || (facts & (CH_NUL | CH_UTF8_BAD)));
	r->utf8_ok = !(facts & (CH_NUL | CH_UTF8_BAD));
	csv_set_space_func(&r->p, (facts & CH_BLANK_EDGE) || r->delim == ' ' || r->delim == '\t'
					  ? no_space : NULL);
	if (csv_parse(&r->p, s, n, on_field, on_row, r) != n)
		parse_error(r, csv_error(&r->p), 0);
	else if (r->status == LMI_OK && r->terms != 0 && r->fields + 1 != r->terms)
		/* prescan() and libcsv disagree: never write fields with wrong flags */
		set_err(r, LMI_EPARSE, r->line, "internal error: fields miscounted");
}

/*
 * Feeds one more chunk to libcsv.  Returns 1 if bytes were read, 0 at the end.
 * A UTF-8 character cut by the chunk's end waits in r->in for the next read.
 */
static int fill(struct lmi_csv *r)
{
	size_t got, off = 0, n, cut = 0;

	if (r->eof)
		return 0;
	/* The reader thread may be cancelled only while it waits for input. */
	if (r->thr != NULL)
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	got = fread(r->in + r->held, 1, CHUNK - r->held, r->fp);
	if (r->thr != NULL)
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	r->full_read = got == CHUNK - r->held;
	if (got < CHUNK - r->held && ferror(r->fp)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
		set_err(r, LMI_EIO, r->line, msg);
		r->eof = 1;
		return 0;
	}
	n = r->held + got;
	if (!r->started && n > 0) {
		r->started = 1;
		if (n >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0)
			off = 3;
	}
	if (got > 0)
		cut = utf8_cut(r->in + off, n - off);
	if (n - off > cut)
		parse_chunk(r, r->in + off, n - off - cut);
	memmove(r->in, r->in + n - cut, cut);
	r->held = cut;
	if (got == 0) {
		r->eof = 1;
		/* Room for the last field, which has no line end after it. */
		if (reserve((void **)&r->arena, &r->acap, r->alen + r->p.entry_pos + 2, 1) != 0 ||
		    grow_fields(r, r->nf + 2) != 0) {
			set_err(r, LMI_ENOMEM, r->line, "out of memory");
			return 0;
		}
		aim_parser(r);
		if (csv_fini(&r->p, on_field, on_row, r) != 0)
			parse_error(r, csv_error(&r->p), 1);
		return 0;
	}
	return 1;
}

/*
 * Points *row at queued record pr, whose fields lie one after another (each
 * with its NUL) from arena + pr->at, with lengths in flen and flags in fq.
 */
static int take_row(struct lmi_csv *r, struct lmi_csv_row *row, char *arena, size_t *flen,
		    const unsigned char *fq, const struct lmi_csv_pending *pr)
{
	char *f = arena + pr->at;

	if (reserve((void **)&r->outf, &r->outcap, pr->n, sizeof(char *)) != 0)
		return LMI_ENOMEM;
	for (size_t i = 0; i < pr->n; i++) {
		r->outf[i] = f;
		f += flen[pr->first + i] + 1;
	}
	row->n = pr->n;
	row->f = r->outf;
	row->len = flen + pr->first;
	row->line = pr->line;
	row->needq = fq + pr->first;
	return 1;
}

/* ---- reading ahead on a second thread ---- */

/*
 * The thread runs fill() on r as the one thread would, and hands each
 * chunk's complete records over in a batch: the queue's buffers themselves,
 * swapped for a free batch's.  Two batches: the reader reads one while the
 * thread fills the other.  While the thread runs, the reading side writes
 * only the batches and r->outf onward, and reads besides only what the
 * thread never writes (header, flags); everything else in r is the thread's
 * until it is joined (errors included: they travel in r, read after the join).
 */
struct lmi_csv_batch {
	char *arena;
	size_t acap;
	size_t *flen;
	unsigned char *fq;
	size_t fcap;
	struct lmi_csv_pending *rows;
	size_t nrows, rcap;
	int last; /* the thread stopped after this batch (end of input or an error) */
	enum { BATCH_FREE, BATCH_FULL, BATCH_HELD } state;
};

#define NBATCH 2

struct lmi_csv_thread {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lmi_csv_batch b[NBATCH];
	int put, get;         /* the batch the thread fills next, and the reader takes next */
	struct lmi_csv_batch *cur; /* held by the reader */
	size_t pos;           /* next record in cur */
	int stop, joined;
};

#define SWAP(a, b) do { __typeof__(a) tmp_ = (a); (a) = (b); (b) = tmp_; } while (0)

/*
 * Thread side: moves the queue's complete records into a free batch and
 * keeps the fields of an unfinished record.  Returns -1 when told to stop.
 */
static int hand_off(struct lmi_csv *r, int last)
{
	struct lmi_csv_thread *t = r->thr;
	struct lmi_csv_batch *b = &t->b[t->put];
	size_t keep = r->nf - r->cur_first;
	size_t base = r->cur_at;
	int stop;

	pthread_mutex_lock(&t->mu);
	while (b->state != BATCH_FREE && !t->stop)
		pthread_cond_wait(&t->cv, &t->mu);
	stop = t->stop;
	pthread_mutex_unlock(&t->mu);
	if (stop)
		return -1;
	/* The unfinished record moves to the batch's old buffers, which become the queue. */
	if (!last && (reserve((void **)&b->arena, &b->acap,
			      r->alen - base + r->p.entry_pos + 1, 1) != 0 ||
		      grow2(&b->flen, &b->fq, &b->fcap, keep + 1) != 0)) {
		set_err(r, LMI_ENOMEM, r->line, "out of memory");
		last = 1;
	}
	SWAP(r->arena, b->arena);
	SWAP(r->acap, b->acap);
	SWAP(r->flen, b->flen);
	SWAP(r->fq, b->fq);
	SWAP(r->fcap, b->fcap);
	SWAP(r->rows, b->rows);
	SWAP(r->rcap, b->rcap);
	b->nrows = r->nrows;
	b->last = last;
	if (!last)
		restart_queue(r, b->arena, b->flen, b->fq);
	pthread_mutex_lock(&t->mu);
	b->state = BATCH_FULL;
	t->put = (t->put + 1) % NBATCH;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return 0;
}

static void *reader_main(void *arg)
{
	struct lmi_csv *r = arg;
	int last;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	do {
		last = !fill(r) || r->status != LMI_OK;
		if (r->nrows == 0 && !last)
			continue;
		if (hand_off(r, last) != 0)
			break;
	} while (!last);
	return NULL;
}

/* Reader side: frees the batch it held and waits for the next one. */
static struct lmi_csv_batch *take_batch(struct lmi_csv_thread *t)
{
	struct lmi_csv_batch *b = &t->b[t->get];

	pthread_mutex_lock(&t->mu);
	if (t->cur != NULL)
		t->cur->state = BATCH_FREE;
	pthread_cond_broadcast(&t->cv);
	while (b->state != BATCH_FULL)
		pthread_cond_wait(&t->cv, &t->mu);
	b->state = BATCH_HELD;
	pthread_mutex_unlock(&t->mu);
	t->get = (t->get + 1) % NBATCH;
	t->cur = b;
	t->pos = 0;
	return b;
}

/*
 * Joins the thread; `stop` first tells it to quit, and cancels a read that
 * may wait for input forever (a pipe whose writer is idle).  Then the
 * reader has taken its last batch: nothing more is delivered.
 */
static void reader_join(struct lmi_csv *r, int stop)
{
	struct lmi_csv_thread *t = r->thr;

	if (t == NULL || t->joined)
		return;
	if (stop) {
		pthread_mutex_lock(&t->mu);
		t->stop = 1;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_cancel(t->tid);
	}
	pthread_join(t->tid, NULL);
	t->joined = 1;
	if (t->cur != NULL)
		t->cur->nrows = t->pos;
}

/* Whether to read ahead on a thread: two or more CPUs, and not turned off. */
static int thread_wanted(void)
{
	const char *env = getenv("LMI_READER_THREAD");

	if (env != NULL && strcmp(env, "0") == 0)
		return 0;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Starts the thread on an empty queue.  Returns 0, or -1 to go on with one thread. */
static int reader_start(struct lmi_csv *r)
{
	struct lmi_csv_thread *t;

	r->may_thread = 0;
	if (!thread_wanted())
		return -1;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -1;
	compact(r);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	r->thr = t;
	if (pthread_create(&t->tid, NULL, reader_main, r) != 0) {
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
		free(t);
		r->thr = NULL;
		return -1;
	}
	return 0;
}

static void reader_free(struct lmi_csv *r)
{
	struct lmi_csv_thread *t = r->thr;

	if (t == NULL)
		return;
	reader_join(r, 1);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	for (int i = 0; i < NBATCH; i++) {
		free(t->b[i].arena);
		free(t->b[i].flen);
		free(t->b[i].fq);
		free(t->b[i].rows);
	}
	free(t);
	r->thr = NULL;
}

/* next_raw() once the thread runs. */
static int next_threaded(struct lmi_csv *r, struct lmi_csv_row *row)
{
	struct lmi_csv_thread *t = r->thr;
	struct lmi_csv_batch *b = t->cur;

	while (b == NULL || t->pos >= b->nrows) {
		if (t->joined || (b != NULL && b->last)) {
			reader_join(r, 0);
			return r->status != LMI_OK ? r->status : 0;
		}
		b = take_batch(t);
	}
	return take_row(r, row, b->arena, b->flen, b->fq, &b->rows[t->pos++]);
}

/* Takes the next queued record, reading more input as needed. */
static int next_raw(struct lmi_csv *r, struct lmi_csv_row *row)
{
	if (r->thr != NULL)
		return next_threaded(r, row);
	while (r->rpos >= r->nrows) {
		if (r->status != LMI_OK)
			return r->status;
		/* Input past the first chunk is parsed ahead, if it can be. */
		if (r->may_thread && r->full_read && !r->eof && reader_start(r) == 0)
			return next_threaded(r, row);
		compact(r);
		if (!fill(r) && r->nrows == 0)
			return r->status != LMI_OK ? r->status : 0;
	}
	if (r->status != LMI_OK && r->rpos >= r->err_at)
		return r->status;
	return take_row(r, row, r->arena, r->flen, r->fq, &r->rows[r->rpos++]);
}

struct lmi_csv_row *lmi_csv_row_dup(const struct lmi_csv_row *src)
{
	size_t per = sizeof(char *) + sizeof(size_t);
	size_t bytes = 0, head = sizeof(struct lmi_csv_row) + src->n * per;
	struct lmi_csv_row *d;
	char *p;

	for (size_t i = 0; i < src->n; i++)
		bytes += src->len[i] + 1;
	d = malloc(head + bytes + 1);
	if (d == NULL)
		return NULL;
	d->f = (char **)(void *)(d + 1);
	d->len = (size_t *)(void *)(d->f + src->n);
	p = (char *)d + head;
	for (size_t i = 0; i < src->n; i++) {
		memcpy(p, src->f[i], src->len[i]);
		p[src->len[i]] = '\0';
		d->f[i] = p;
		d->len[i] = src->len[i];
		p += src->len[i] + 1;
	}
	d->n = src->n;
	d->line = src->line;
	d->needq = NULL;
	return d;
}

int lmi_csv_row_equal(const struct lmi_csv_row *a, const struct lmi_csv_row *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->len[i] != b->len[i] || memcmp(a->f[i], b->f[i], a->len[i]) != 0)
			return 0;
	return 1;
}

static int keep_header(struct lmi_csv *r, const struct lmi_csv_row *src)
{
	struct lmi_csv_row *d = lmi_csv_row_dup(src);

	if (d == NULL)
		return LMI_ENOMEM;
	free(r->hdr_mem);
	r->hdr_mem = (char *)d;
	r->header = *d;
	return LMI_OK;
}

/* Column names "1".."N" for headerless input. */
static int number_header(struct lmi_csv *r, size_t n)
{
	size_t bytes = n * 8;
	char *p;

	free(r->hdr_mem);
	r->hdr_mem = malloc(n * (sizeof(char *) + sizeof(size_t)) + bytes + 1);
	if (r->hdr_mem == NULL)
		return LMI_ENOMEM;
	r->header.f = (char **)(void *)r->hdr_mem;
	r->header.len = (size_t *)(void *)(r->hdr_mem + n * sizeof(char *));
	p = r->hdr_mem + n * (sizeof(char *) + sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(p, 8, "%zu", i + 1);

		r->header.f[i] = p;
		r->header.len[i] = (size_t)k;
		p += k + 1;
	}
	r->header.n = n;
	r->header.line = 0;
	r->header.needq = NULL;
	return LMI_OK;
}

/* Sets up r to read fp (owned when own_fp); `name` is used in messages. */
static int init_reader(struct lmi_csv *r, FILE *fp, int own_fp, const char *name,
		       const struct lmi_csv_opts *o)
{
	r->flags = o ? o->flags : 0;
	r->delim = o && o->delim ? o->delim : ',';
	r->max_field = o && o->max_field ? o->max_field : LMI_CSV_MAX_FIELD;
	r->line = 1;
	r->utf8_ok = 1;
	r->prev_eol = 1;
	r->name = name;
	r->fp = fp;
	r->own_fp = own_fp;
	r->in = malloc(CHUNK);
	if (r->in == NULL || csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return LMI_ENOMEM;
	}
	r->parser_ready = 1;
	csv_set_delim(&r->p, r->delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_realloc_func(&r->p, no_realloc);
	csv_set_free_func(&r->p, no_free);
	return LMI_OK;
}

/* Reads the header of `path` into r (used for --header-from). */
static int header_from(struct lmi_csv *r, const char *path, const struct lmi_csv_opts *o)
{
	struct lmi_csv h;
	struct lmi_csv_opts ho = *o;
	int rc;

	ho.flags = 0;
	ho.header_from = NULL;
	rc = lmi_csv_open(&h, path, &ho);
	if (rc == LMI_OK && h.header.n == 0) {
		snprintf(h.err, sizeof(h.err), "no header row in '%s'", path);
		rc = LMI_EPARSE;
	}
	if (rc == LMI_OK)
		rc = keep_header(r, &h.header);
	else
		snprintf(r->err, sizeof(r->err), "%s", h.err);
	lmi_csv_close(&h);
	return rc;
}

/* Reads the header row (or holds the first row back, or takes --header-from). */
static int start(struct lmi_csv *r, const struct lmi_csv_opts *opts)
{
	struct lmi_csv_row row;
	int rc;

	/* The thread may start once the header is in, so that NO_HEADER can hold its row back. */
	if (opts && opts->header_from) {
		r->may_thread = 1;
		return header_from(r, opts->header_from, opts);
	}
	rc = next_raw(r, &row);
	if (rc <= 0)
		return rc;
	r->may_thread = 1;
	if (r->flags & LMI_CSV_NO_HEADER) {
		r->rpos--;
		return number_header(r, row.n);
	}
	return keep_header(r, &row);
}

int lmi_csv_open(struct lmi_csv *r, const char *path, const struct lmi_csv_opts *opts)
{
	FILE *fp;
	int rc;

	memset(r, 0, sizeof(*r));
	if (path == NULL || strcmp(path, "-") == 0)
		return lmi_csv_open_fp(r, stdin, "<stdin>", opts);
	r->name = path;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		snprintf(r->err, sizeof(r->err), "%s", strerror(errno));
		return LMI_EIO;
	}
	rc = init_reader(r, fp, 1, path, opts);
	return rc == LMI_OK ? start(r, opts) : rc;
}

int lmi_csv_open_fp(struct lmi_csv *r, FILE *fp, const char *name,
		    const struct lmi_csv_opts *opts)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = init_reader(r, fp, 0, name, opts);
	return rc == LMI_OK ? start(r, opts) : rc;
}

int lmi_csv_next(struct lmi_csv *r, struct lmi_csv_row *row)
{
	char msg[96];
	int rc;

	for (;;) {
		rc = next_raw(r, row);
		if (rc <= 0)
			return rc;
		if ((r->flags & LMI_CSV_SKIP_HEADERS) && lmi_csv_row_equal(row, &r->header)) {
			r->headers_skipped++;
			continue;
		}
		break;
	}
	if (!(r->flags & LMI_CSV_RAGGED) && row->n != r->header.n) {
		snprintf(msg, sizeof(msg), "expected %zu fields, found %zu", r->header.n, row->n);
		reader_join(r, 1); /* r's error fields are the thread's until then */
		r->status = LMI_EPARSE;
		r->err_at = 0;
		r->err_line = row->line;
		snprintf(r->err, sizeof(r->err), "%s", msg);
		return LMI_EPARSE;
	}
	return 1;
}

void lmi_csv_close(struct lmi_csv *r)
{
	reader_free(r);
	if (r->own_fp && r->fp)
		fclose(r->fp);
	if (r->parser_ready)
		csv_free(&r->p);
	free(r->in);
	free(r->arena);
	free(r->flen);
	free(r->fq);
	free(r->marks);
	free(r->rows);
	free(r->outf);
	free(r->hdr_mem);
	r->fp = NULL;
	r->own_fp = 0;
	r->parser_ready = 0;
	r->in = NULL;
	r->arena = NULL;
	r->flen = NULL;
	r->fq = NULL;
	r->marks = NULL;
	r->rows = NULL;
	r->outf = NULL;
	r->hdr_mem = NULL;
	r->header.n = 0;
}

int lmi_csv_col(const struct lmi_csv *r, const char *name)
{
	for (size_t i = 0; i < r->header.n; i++)
		if (strcmp(r->header.f[i], name) == 0)
			return (int)i;
	return -1;
}

int lmi_csv_col_spec(const struct lmi_csv *r, const char *spec)
{
	int i = lmi_csv_col(r, spec);
	long long v;
	const char *e;

	if (i >= 0)
		return i;
	if (lmi_parse_long(spec, 1, (long long)r->header.n, &v, &e) == 0)
		return (int)v - 1;
	return -1;
}

/* ---- writer ---- */

void lmi_csvw_init(struct lmi_csvw *w, FILE *fp, unsigned char delim)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->delim = delim ? delim : ',';
}

static int wflush(struct lmi_csvw *w)
{
	if (w->status != LMI_OK || w->fp == NULL)
		return w->status;
	if (w->len > 0 && fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->status = LMI_EIO;
	w->len = 0;
	w->rowstart = 0;
	return w->status;
}

static int wreserve_slow(struct lmi_csvw *w, size_t more)
{
	if (w->status != LMI_OK)
		return w->status;
	if (w->len + more > CHUNK && w->len > 0 && w->nfield == 0)
		wflush(w);
	if (reserve((void **)&w->buf, &w->cap, w->len + more, 1) != 0)
		w->status = LMI_ENOMEM;
	return w->status;
}

/* Makes room for `more` bytes, flushing whole rows first when the buffer passes a chunk. */
static inline int wreserve(struct lmi_csvw *w, size_t more)
{
	if (w->len + more <= w->cap && w->len + more <= CHUNK && w->status == LMI_OK)
		return LMI_OK;
	return wreserve_slow(w, more);
}

/*
 * Copies n bytes of s to dst (room for n; NULL: only test) and says whether
 * they hold a byte that forces quoting; then the caller writes the quoted
 * form over it.
 */
static inline int copy_needs_quotes(char *dst, const char *s, size_t n, unsigned char delim)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t v, hit = 0;
	size_t i = 0;

#if defined(__SSE2__)
	/* Long fields (reasons, addresses): 16 bytes a step, the last block overlapping. */
	if (n >= 16) {
		const __m128i kd = _mm_set1_epi8((char)delim), kq = _mm_set1_epi8('"');
		const __m128i klf = _mm_set1_epi8('\n'), kcr = _mm_set1_epi8('\r');
		__m128i any = _mm_setzero_si128(), x;

		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			x = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
			if (dst != NULL)
				_mm_storeu_si128((__m128i *)(void *)(dst + i), x);
			any = _mm_or_si128(any, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, kd),
									  _mm_cmpeq_epi8(x, kq)),
							     _mm_or_si128(_mm_cmpeq_epi8(x, klf),
									  _mm_cmpeq_epi8(x, kcr))));
			if (i + 16 == n)
				break;
		}
		return _mm_movemask_epi8(any) != 0;
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&v, u + i, 8);
		if (dst != NULL)
			memcpy(dst + i, &v, 8);
		hit |= quote_hits(v, delim);
	}
	if (i < n) {
		if (n >= 8) { /* the last 8 bytes, overlapping some already tested */
			memcpy(&v, u + n - 8, 8);
			if (dst != NULL)
				memcpy(dst + n - 8, &v, 8);
		} else {
			v = short_word(u, n, dst);
		}
		hit |= quote_hits(v, delim);
	}
	return hit != 0;
}

int lmi_csvw_needs_quotes(const char *s, size_t n, unsigned char delim)
{
	return copy_needs_quotes(NULL, s, n, delim);
}

int lmi_csvw_field(struct lmi_csvw *w, const char *s, size_t n)
{
	int room = w->len + 2 * n + 3 <= w->cap && w->status == LMI_OK;

	if (!room && wreserve(w, 2 * n + 3) != LMI_OK)
		return w->status;
	if (w->nfield++ > 0)
		w->buf[w->len++] = (char)w->delim;
	if (!copy_needs_quotes(w->buf + w->len, s, n, w->delim)) {
		w->len += n;
		return LMI_OK;
	}
	w->buf[w->len++] = '"';
	for (const char *end = s + n; s < end;) {
		const char *q = memchr(s, '"', (size_t)(end - s));
		size_t seg = q ? (size_t)(q - s) + 1 : (size_t)(end - s);

		memcpy(w->buf + w->len, s, seg);
		w->len += seg;
		if (q)
			w->buf[w->len++] = '"';
		s += seg;
	}
	w->buf[w->len++] = '"';
	return LMI_OK;
}

int lmi_csvw_encoded(struct lmi_csvw *w, const char *s, size_t n, size_t nfields)
{
	if (nfields == 0 || wreserve(w, n + 1) != LMI_OK)
		return w->status;
	if (w->nfield > 0)
		w->buf[w->len++] = (char)w->delim;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->nfield += nfields;
	return LMI_OK;
}

void lmi_csvw_clear(struct lmi_csvw *w)
{
	w->len = 0;
	w->nfield = 0;
	w->rowstart = 0;
}

int lmi_csvw_str(struct lmi_csvw *w, const char *s)
{
	return lmi_csvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

int lmi_csvw_endrow(struct lmi_csvw *w)
{
	if (wreserve(w, 3) != LMI_OK)
		return w->status;
	/* A lone empty field would read back as a blank line, which readers skip. */
	if (w->nfield == 1 && w->len == w->rowstart) {
		w->buf[w->len++] = '"';
		w->buf[w->len++] = '"';
	}
	w->buf[w->len++] = '\n';
	w->nfield = 0;
	w->rowstart = w->len;
	if (w->len >= CHUNK)
		return wflush(w);
	return LMI_OK;
}

/* Copies n bytes that hold no NUL but the field ends, and turns those into commas. */
static void copy_nul_to_comma(char *dst, const char *src, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	if (n >= 16) {
		const __m128i kz = _mm_setzero_si128(), kc = _mm_set1_epi8(',');

		for (;; i += 16) {
			__m128i x;

			if (i + 16 > n)
				i = n - 16; /* overlaps bytes already turned: same result */
			x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
			x = _mm_or_si128(x, _mm_and_si128(_mm_cmpeq_epi8(x, kz), kc));
			_mm_storeu_si128((__m128i *)(void *)(dst + i), x);
			if (i + 16 == n)
				return;
		}
	}
#endif
	for (; i < n; i++)
		dst[i] = src[i] ? src[i] : ',';
}

int lmi_csvw_span(struct lmi_csvw *w, const struct lmi_csv_row *row, size_t from, size_t to)
{
	if (to > row->n)
		to = row->n;
	if (row->needq == NULL || w->delim != ',') {
		for (size_t i = from; i < to; i++)
			lmi_csvw_field(w, row->f[i], row->len[i]);
		return w->status;
	}
	/* The reader has looked at every byte: copy plain fields as they are. */
	for (size_t i = from; i < to;) {
		const char *start = row->f[i], *end = start + row->len[i];
		size_t j = i;
		char *o;

		if (row->needq[i]) {
			lmi_csvw_field(w, row->f[i], row->len[i]);
			i++;
			continue;
		}
		/*
		 * A reader's fields lie one after another, each ending in a NUL:
		 * a run of plain ones (the whole row, mostly) is one copy.
		 */
		while (j + 1 < to && !row->needq[j + 1] && row->f[j + 1] == end + 1) {
			j++;
			end = row->f[j] + row->len[j];
		}
		if (wreserve(w, (size_t)(end - start) + 1) != LMI_OK)
			return w->status;
		o = w->buf + w->len;
		if (w->nfield > 0)
			*o++ = ',';
		copy_nul_to_comma(o, start, (size_t)(end - start));
		w->len = (size_t)(o + (end - start) - w->buf);
		w->nfield += j - i + 1;
		i = j + 1;
	}
	return w->status;
}

int lmi_csvw_fields(struct lmi_csvw *w, const struct lmi_csv_row *row)
{
	return lmi_csvw_span(w, row, 0, row->n);
}

int lmi_csvw_row(struct lmi_csvw *w, const struct lmi_csv_row *row)
{
	lmi_csvw_fields(w, row);
	return lmi_csvw_endrow(w);
}

int lmi_csvw_flush(struct lmi_csvw *w)
{
	if (wflush(w) == LMI_OK && w->fp != NULL && fflush(w->fp) != 0)
		w->status = LMI_EIO;
	return w->status;
}

void lmi_csvw_release(struct lmi_csvw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

/*
 * The reader thread of lib/csvio (input past the first 64 KiB chunk parsed
 * ahead, LMI_READER_THREAD): generated files of several hundred KiB to a few
 * MiB are read with the thread on and off.  Both reads must give the records
 * the generator wrote (fields byte for byte, the line each starts on, needq)
 * and the same transcript as each other, errors included; an error past the
 * first chunk ends the rows at the faulty record and repeats on every later
 * call; closing early never hangs, even on a pipe whose writer stays idle;
 * the header modes behave alike; two readers at once each get their own rows.
 */
#define _GNU_SOURCE /* fopencookie(): a stream that fails to read part way */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "unit.h"

#define CHUNK 65536u /* the reader's chunk (lib/csvio.c); boundaries are multiples of it */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static int cpus; /* the machine has two or more CPUs, so the thread may start */

static unsigned rnd(unsigned n)
{
	return unit_rnd(&rng, n);
}

/* ---- a guard against hangs: a test that waits forever fails instead ---- */

static const char *volatile phase = "start";

static void on_alarm(int sig)
{
	static const char head[] = "not ok test_csvio_thread timed out in: ";

	(void)sig;
	if (write(1, head, sizeof(head) - 1) < 0 || write(1, phase, strlen(phase)) < 0 ||
	    write(1, "\n", 1) < 0)
		_exit(2);
	_exit(1);
}

static void guard(const char *name, unsigned seconds)
{
	phase = name;
	alarm(seconds);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- growing byte buffers ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static void reserve_buf(struct buf *b, size_t more)
{
	if (b->n + more + 1 <= b->cap)
		return;
	b->cap = (b->n + more + 1) * 2;
	b->p = realloc(b->p, b->cap);
	if (b->p == NULL)
		abort();
}

static void put(struct buf *b, const char *s, size_t n)
{
	reserve_buf(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Appends n bytes cycling through the letters of s (no byte that needs quotes). */
static void put_pad(struct buf *b, const char *s, size_t n)
{
	size_t k = strlen(s);

	reserve_buf(b, n);
	for (size_t i = 0; i < n; i++)
		b->p[b->n + i] = s[i % k];
	b->n += n;
	b->p[b->n] = '\0';
}

static int has_comma_etc(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

static unsigned long count_lf(const char *s, size_t n)
{
	unsigned long k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* ---- the generator: a CSV text and the records it holds ---- */

enum { REC_DATA, REC_HDR, REC_BAD }; /* REC_HDR: the header, or a copy of it in the data */

struct rec {
	size_t first, n;    /* its fields in the generator's tables */
	unsigned long line; /* the line it starts on */
	size_t end;         /* offset in the text just past it */
	int kind;
	int rc;          /* REC_BAD: what lmi_csv_next() returns there */
	const char *msg; /* REC_BAD: how r.err starts */
};

struct gen {
	struct buf text, data, scratch; /* the file; all fields' bytes; one field being made */
	size_t *foff, *flen;
	unsigned char *fquo; /* the field was written in quotes */
	size_t nf, fcap;
	struct rec *rec;
	size_t nrec, rcap;
	size_t ncol;
	unsigned long line; /* the line the next record starts on */
	char delim;
	int crlf, qpct, longs, straddles;
	int ragged;      /* records of 1 to ncol + 3 fields */
	size_t long_hdr; /* bytes added to the first column's name */
	unsigned straddle; /* which tricky thing the next boundary gets */
	unsigned hdr_every; /* 0, or a copy of the header about once in this many records */
	size_t next_b;      /* the next chunk boundary to put something across */
	char msg[64];
};

static void gen_init(struct gen *g, size_t ncol, char delim, int crlf, int bom, int qpct)
{
	memset(g, 0, sizeof(*g));
	g->ncol = ncol;
	g->delim = delim;
	g->crlf = crlf;
	g->qpct = qpct;
	g->line = 1;
	g->next_b = CHUNK;
	g->straddle = rnd(1000);
	put(&g->text, "", 0);
	put(&g->data, "", 0);
	if (bom)
		puts_(&g->text, "\xEF\xBB\xBF");
}

static void gen_release(struct gen *g)
{
	free(g->text.p);
	free(g->data.p);
	free(g->scratch.p);
	free(g->foff);
	free(g->flen);
	free(g->fquo);
	free(g->rec);
}

static struct rec *rec_begin(struct gen *g, int kind)
{
	struct rec *r;

	if (g->nrec + 1 > g->rcap) {
		g->rcap = g->rcap ? 2 * g->rcap : 1024;
		g->rec = realloc(g->rec, g->rcap * sizeof(*g->rec));
		if (g->rec == NULL)
			abort();
	}
	r = &g->rec[g->nrec];
	memset(r, 0, sizeof(*r));
	r->first = g->nf;
	r->line = g->line;
	r->kind = kind;
	return r;
}

static void rec_end(struct gen *g)
{
	struct rec *r = &g->rec[g->nrec++];

	put(&g->text, g->crlf ? "\r\n" : "\n", g->crlf ? 2u : 1u);
	g->line++;
	r->n = g->nf - r->first;
	r->end = g->text.n;
}

/* Adds field s to the open record, in quotes when it must be or when quote is set. */
static void field_add(struct gen *g, const char *s, size_t n, int quote)
{
	if (g->nf + 1 > g->fcap) {
		g->fcap = g->fcap ? 2 * g->fcap : 4096;
		g->foff = realloc(g->foff, g->fcap * sizeof(*g->foff));
		g->flen = realloc(g->flen, g->fcap * sizeof(*g->flen));
		g->fquo = realloc(g->fquo, g->fcap);
		if (g->foff == NULL || g->flen == NULL || g->fquo == NULL)
			abort();
	}
	if (g->nf > g->rec[g->nrec].first)
		put(&g->text, &g->delim, 1);
	/* A lone empty field would be a blank line, which the reader skips. */
	quote = quote || has_comma_etc(s, n) || memchr(s, g->delim, n) != NULL ||
		(n == 0 && (g->ncol == 1 || g->ragged));
	g->foff[g->nf] = g->data.n;
	g->flen[g->nf] = n;
	g->fquo[g->nf] = (unsigned char)quote;
	g->nf++;
	put(&g->data, s, n);
	g->line += count_lf(s, n);
	if (!quote) {
		put(&g->text, s, n);
		return;
	}
	put(&g->text, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put(&g->text, "\"", 1);
		put(&g->text, s + i, 1);
	}
	put(&g->text, "\"", 1);
}

static void add_header(struct gen *g)
{
	rec_begin(g, REC_HDR);
	for (size_t c = 0; c < g->ncol; c++) {
		char name[32];

		/* column names with a blank and with Hangul, so copies are not trivial */
		const char *stem = c % 3 == 1 ? "\xec\x97\xb4" : c % 3 ? "c " : "c";

		snprintf(name, sizeof(name), "%s%zu", stem, c);
		g->scratch.n = 0;
		puts_(&g->scratch, name);
		if (c == 0)
			put_pad(&g->scratch, "H", g->long_hdr);
		field_add(g, g->scratch.p, g->scratch.n, 0);
	}
	rec_end(g);
}

/* Pieces of fields: the first NPLAIN need no quotes (blanks and UTF-8 of 2 to 4 bytes). */
static const char *const piece[] = {
	"a", "b", "7", "xyz", " ", "\t", "\xea\xb0\x80", "\xc3\xa9", "\xf0\x9f\x98\x80",
	"\xe2\x82\xac", ",", "\"", "\n", "\r\n", "\r", "\"\"",
};
#define NPLAIN 10
#define NPIECE (sizeof(piece) / sizeof(piece[0]))

static void rand_field(struct gen *g, size_t np)
{
	g->scratch.n = 0;
	put(&g->scratch, "", 0);
	for (size_t k = 0; k < np; k++) {
		unsigned i = rnd(NPIECE);

		if (i >= NPLAIN && rnd(100) >= (unsigned)g->qpct)
			i = rnd(NPLAIN);
		puts_(&g->scratch, piece[i]);
	}
}

static void rand_row(struct gen *g)
{
	size_t n = g->ragged ? 1 + rnd((unsigned)g->ncol + 3) : g->ncol;

	rec_begin(g, REC_DATA);
	for (size_t c = 0; c < n; c++) {
		size_t np = g->longs && rnd(300) == 0 ? 100 + rnd(6000) : rnd(10);

		rand_field(g, np);
		field_add(g, g->scratch.p, g->scratch.n, g->qpct > 0 && rnd(6) == 0);
	}
	rec_end(g);
}

/* Bytes a record takes after its first field when the others are "s". */
static size_t tail_len(const struct gen *g)
{
	return 2 * (g->ncol - 1) + (g->crlf ? 2 : 1);
}

/* Adds a record whose first field is pad followed by what, the others "s". */
static void row_with(struct gen *g, size_t pad, const char *what, size_t wn, int quote)
{
	rec_begin(g, REC_DATA);
	g->scratch.n = 0;
	put_pad(&g->scratch, "pqrst", pad);
	put(&g->scratch, what, wn);
	field_add(g, g->scratch.p, g->scratch.n, quote);
	for (size_t c = 1; c < g->ncol; c++)
		field_add(g, "s", 1, 0);
	rec_end(g);
}

/* Adds a record that ends exactly at offset end (room permitting). */
static void row_ending_at(struct gen *g, size_t end)
{
	row_with(g, end - g->text.n - tail_len(g), "", 0, 0);
}

/*
 * Puts something tricky across chunk boundary b, which lies a little after
 * the end of the text: a 2- to 4-byte character cut at each place (in a
 * plain and in a quoted field), a record ending just before, on or just
 * after it, CR and LF of a line end or of a CRLF inside quotes on either
 * side, the two quotes of a doubled quote on either side, a closing quote
 * just before it, or a copy of the header starting at or just before it.
 */
static void straddle(struct gen *g, size_t b)
{
	static const char *const ch[] = { "\xc3\xa9", "\xea\xb0\x80", "\xf0\x9f\x98\x80" };
	unsigned k = g->straddle++;
	/* a character of len bytes starting j bytes before b */
	unsigned len = 2 + (k / 9) % 3, j = 1 + (k / 3) % (len - 1);
	size_t s = g->text.n, t2 = 2 * (g->ncol - 1);
	char buf[16];

	switch (k % 9) {
	case 0: /* a character cut in an unquoted field */
		row_with(g, b - j - s, ch[len - 2], len, 0);
		break;
	case 1: /* the same in a quoted field that also holds a comma and an LF */
		snprintf(buf, sizeof(buf), "%s,\nz", ch[len - 2]);
		row_with(g, b - j - s - 1, buf, strlen(buf), 1);
		break;
	case 2: /* the record ends exactly at b: nothing of the next is in the chunk */
		row_ending_at(g, b);
		break;
	case 3: /* the line end starts at b */
		row_ending_at(g, b + tail_len(g) - t2);
		break;
	case 4: /* the line end's last byte is at b: CR before, LF after when CRLF */
		row_ending_at(g, b + 1);
		break;
	case 5: /* CR of a CRLF in quotes at b - 1, its LF at b */
		row_with(g, b - 2 - s, "\r\nz", 3, 1);
		break;
	case 6: /* a doubled quote cut in two */
		row_with(g, b - 2 - s, "\"z", 2, 1);
		break;
	case 7: /* a closing quote at b - 1, the delimiter or line end at b */
		row_with(g, b - 2 - s, "", 0, 1);
		break;
	default: /* a header copy starting at b - (0..3) */
		row_ending_at(g, b - (k / 9) % 4);
		if (g->hdr_every)
			add_header(g);
		break;
	}
}

/* Adds random records (and tricky ones across boundaries) until the text holds bytes. */
static void gen_to(struct gen *g, size_t bytes)
{
	while (g->text.n < bytes) {
		size_t room;

		while (g->next_b <= g->text.n + tail_len(g) + 24)
			g->next_b += CHUNK;
		room = g->next_b - g->text.n;
		if (g->straddles && room <= tail_len(g) + 400) {
			straddle(g, g->next_b);
			g->next_b += CHUNK;
		} else if (g->hdr_every && rnd(g->hdr_every) == 0) {
			add_header(g);
		} else {
			rand_row(g);
		}
	}
}

/* A record longer than a chunk: its first field is n unquoted ASCII bytes. */
static void long_record(struct gen *g, size_t n)
{
	rec_begin(g, REC_DATA);
	g->scratch.n = 0;
	put_pad(&g->scratch, "abcdefghij0123456789-./:", n);
	field_add(g, g->scratch.p, g->scratch.n, 0);
	for (size_t c = 1; c < g->ncol; c++) {
		rand_field(g, rnd(8));
		field_add(g, g->scratch.p, g->scratch.n, 0);
	}
	rec_end(g);
}

/* One quoted field of about n bytes in the last column, with LFs, CRLFs, commas, quotes, UTF-8. */
static void huge_field(struct gen *g, size_t n)
{
	static const char *const hp[] = { "data ", "\n", "\xea\xb0\x80\xeb\x82\x98", ",", "\"",
					  "\r\n", "xyzzy", "\xf0\x9f\x98\x80" };

	rec_begin(g, REC_DATA);
	for (size_t c = 0; c + 1 < g->ncol; c++)
		field_add(g, "h", 1, 0);
	g->scratch.n = 0;
	while (g->scratch.n < n)
		puts_(&g->scratch, hp[rnd(8)]);
	field_add(g, g->scratch.p, g->scratch.n, 1);
	rec_end(g);
}

/* ---- faulty records ---- */

enum {
	E_UTF8,     /* invalid UTF-8 in an unquoted field */
	E_UTF8_Q,   /* invalid UTF-8 in a quoted field over two lines */
	E_UTF8_CUT, /* a lead byte last in a chunk, ASCII after it */
	E_NUL,
	E_STRAY,    /* a quote inside an unquoted field */
	E_UNTERM,   /* a quoted field open at the end of the input */
	E_CAP,      /* a field one byte over max_field (2000) */
	E_CAP_BIG,  /* a quoted field far over it, across a chunk */
	E_WIDE,     /* a record of LMI_CSV_MAX_FIELDS + 1 fields */
	E_COUNT,    /* one field too many: lmi_csv_next()'s own error */
	NE
};

static const char *const ename[] = { "utf8",  "utf8-quoted", "utf8-cut", "nul",  "stray",
				     "unterminated", "cap", "cap-big", "wide", "count" };

/* Adds a record (fields "u", the fault, then "v"s) the reader must stop at. */
static void bad_record(struct gen *g, int kind)
{
	struct rec *r = rec_begin(g, REC_BAD);
	size_t start = g->text.n, c0 = 2;

	r->rc = LMI_EPARSE;
	r->msg = "invalid UTF-8 in field 2";
	put(&g->text, "u", 1);
	put(&g->text, &g->delim, 1);
	switch (kind) {
	case E_UTF8:
		puts_(&g->text, "ab\xff" "cd");
		break;
	case E_UTF8_Q:
		puts_(&g->text, "\"x\ny,\xc3(z\"");
		break;
	case E_UTF8_CUT:
		put_pad(&g->text, "w", (g->text.n / CHUNK + 1) * CHUNK - 1 - g->text.n);
		puts_(&g->text, "\xea" "ab");
		break;
	case E_NUL:
		put(&g->text, "a\0b", 3);
		r->msg = "NUL byte in field 2";
		break;
	case E_STRAY:
		puts_(&g->text, "ab\"c");
		r->msg = "stray quote";
		break;
	case E_UNTERM:
		puts_(&g->text, "\"never closed,\nz\n");
		r->msg = "unterminated quoted field";
		c0 = g->ncol; /* the field runs to the end of the input */
		break;
	case E_CAP:
		put_pad(&g->text, "k", 2001);
		r->rc = LMI_ETOOBIG;
		r->msg = "field exceeds 2000 bytes";
		break;
	case E_CAP_BIG:
		put(&g->text, "\"", 1);
		for (int i = 0; i < 700; i++)
			puts_(&g->text, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk,"
					"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n");
		put(&g->text, "\"", 1);
		r->rc = LMI_ETOOBIG;
		r->msg = "field exceeds 2000 bytes";
		break;
	case E_WIDE:
		for (unsigned i = 0; i < LMI_CSV_MAX_FIELDS; i++) {
			if (i)
				put(&g->text, &g->delim, 1);
			put(&g->text, "1", 1);
		}
		r->rc = LMI_ETOOBIG;
		r->msg = "row exceeds 100000 fields";
		break;
	default: /* E_COUNT */
		put(&g->text, "w", 1);
		snprintf(g->msg, sizeof(g->msg), "expected %zu fields, found %zu", g->ncol,
			 g->ncol + 1);
		r->msg = g->msg;
		break;
	}
	for (size_t c = c0; c <= g->ncol - (kind != E_COUNT); c++) {
		put(&g->text, &g->delim, 1);
		put(&g->text, "v", 1);
	}
	if (kind != E_UNTERM)
		put(&g->text, g->crlf ? "\r\n" : "\n", g->crlf ? 2u : 1u);
	g->line += count_lf(g->text.p + start, g->text.n - start);
	r->end = g->text.n;
	g->nrec++;
}

/* ---- reading and checking ---- */

/* A stream over a text that fails with EIO once `fail` bytes have been read. */
struct failing {
	const char *p;
	size_t n, pos, fail;
};

static struct failing failing; /* read_check() reads this when given no path */

static ssize_t failing_read(void *cookie, char *buf, size_t size)
{
	struct failing *f = cookie;
	size_t k = f->n - f->pos;

	if (f->pos >= f->fail) {
		errno = EIO;
		return -1;
	}
	if (k > size)
		k = size;
	if (k > f->fail - f->pos)
		k = f->fail - f->pos;
	memcpy(buf, f->p + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static FILE *failing_open(void)
{
	cookie_io_functions_t io = { failing_read, NULL, NULL, NULL };

	failing.pos = 0;
	return fopencookie(&failing, "r", io);
}

/* A stream of a header line and then one field that never ends. */
static size_t endless_served;

static ssize_t endless_read(void *cookie, char *buf, size_t size)
{
	(void)cookie;
	memset(buf, 'x', size);
	if (endless_served == 0 && size >= 2)
		memcpy(buf, "a\n", 2);
	endless_served += size;
	return (ssize_t)size;
}

/*
 * A field past the cap is refused while it is still being read, so memory
 * stays bounded: the reader may not read more than the cap and a few chunks
 * (the thread reads one chunk ahead, and libcsv holds the field in the arena).
 */
static void endless_field(int thread)
{
	cookie_io_functions_t io = { endless_read, NULL, NULL, NULL };
	struct lmi_csv_opts o = { 0 };
	struct lmi_csv r;
	struct lmi_csv_row row;
	FILE *fp;

	setenv("LMI_READER_THREAD", thread ? "1" : "0", 1);
	endless_served = 0;
	fp = fopencookie(NULL, "r", io);
	CHECK(fp != NULL);
	o.max_field = 5 * CHUNK + 17;
	CHECK_INT(lmi_csv_open_fp(&r, fp, "endless", &o), LMI_OK);
	CHECK_INT(lmi_csv_next(&r, &row), LMI_ETOOBIG);
	CHECK_STR(r.err, "field exceeds 327697 bytes");
	CHECK_INT(r.err_line, 2);
	CHECK_INT(lmi_csv_next(&r, &row), LMI_ETOOBIG); /* and on every later call */
	lmi_csv_close(&r);
	fclose(fp);
	CHECK(endless_served <= o.max_field + 4 * (size_t)BUFSIZ + 4 * CHUNK);
}

/* What a read must give: the records of g from `from` on. */
struct want {
	const struct gen *g;
	size_t from;            /* 0: the header line is data (LMI_CSV_NO_HEADER) */
	int skip;               /* copies of the header are dropped (LMI_CSV_SKIP_HEADERS) */
	int numbered;           /* the header is "1".."N" */
	unsigned long line_off; /* lines the file lacks before g's text (--header-from) */
};

/* Compares row with record e; returns 1 and says how when they differ. */
static int row_differs(const struct gen *g, const struct rec *e, const struct lmi_csv_row *row,
		       unsigned long line_off, size_t idx)
{
	if (row->n != e->n || row->line + line_off != e->line) {
		printf("# row %zu: %zu fields on line %lu, want %zu on line %lu\n", idx, row->n,
		       row->line, e->n, e->line - line_off);
		return 1;
	}
	for (size_t c = 0; c < row->n; c++) {
		size_t i = e->first + c, n = g->flen[i];
		const char *s = g->data.p + g->foff[i];
		/* "" in quotes may be flagged (it looks like a doubled quote), but need not be */
		int lax = n == 0 && g->fquo[i];

		if (row->len[c] != n || memcmp(row->f[c], s, n) != 0 || row->f[c][n] != '\0') {
			printf("# row %zu (line %lu) field %zu: %zu bytes, want %zu\n", idx,
			       row->line, c, row->len[c], n);
			return 1;
		}
		if (row->needq == NULL || (!lax && !row->needq[c] != !has_comma_etc(s, n))) {
			printf("# row %zu (line %lu) field %zu: needq wrong\n", idx, row->line, c);
			return 1;
		}
	}
	return 0;
}

/* Appends what a row is to a transcript, so that two reads can be compared byte for byte. */
static void note_row(struct buf *t, const struct lmi_csv_row *row)
{
	put(t, (const char *)&row->line, sizeof(row->line));
	put(t, (const char *)&row->n, sizeof(row->n));
	for (size_t c = 0; c < row->n; c++) {
		put(t, (const char *)&row->len[c], sizeof(row->len[c]));
		put(t, row->needq ? (const char *)&row->needq[c] : "?", 1);
		put(t, row->f[c], row->len[c] + 1);
	}
}

static void note_end(struct buf *t, const struct lmi_csv *r, int rc)
{
	char s[384];

	snprintf(s, sizeof(s), "end %d line %lu err %s skipped %llu", rc, rc < 0 ? r->err_line : 0,
		 rc < 0 ? r->err : "", r->headers_skipped);
	puts_(t, s);
}

/* Checks r's header against w. */
static int header_differs(const struct lmi_csv *r, const struct want *w)
{
	const struct gen *g = w->g;

	if (r->header.n != g->ncol) {
		printf("# header of %zu fields, want %zu\n", r->header.n, g->ncol);
		return 1;
	}
	for (size_t c = 0; c < g->ncol; c++) {
		char num[24];
		const char *s = num;
		size_t n;

		snprintf(num, sizeof(num), "%zu", c + 1);
		n = strlen(num);
		if (!w->numbered) {
			s = g->data.p + g->foff[g->rec[0].first + c];
			n = g->flen[g->rec[0].first + c];
		}
		if (r->header.len[c] != n || memcmp(r->header.f[c], s, n) != 0) {
			printf("# header field %zu differs\n", c);
			return 1;
		}
	}
	return 0;
}

/*
 * Reads path with the thread on or off and checks every row, the end and the
 * calls after it against w.  Returns the number of mismatches; t gets the
 * transcript.
 */
static int read_check(const char *path, const struct lmi_csv_opts *o, int thread,
		      const struct want *w, struct buf *t)
{
	const struct gen *g = w->g;
	const struct rec *e = NULL;
	struct lmi_csv r;
	struct lmi_csv_row row;
	FILE *fp = NULL;
	unsigned long long skipped = 0;
	unsigned long err_line;
	size_t i = w->from, rows = 0;
	int bad = 0, rc, threaded = 0;

	setenv("LMI_READER_THREAD", thread ? "1" : "0", 1);
	t->n = 0;
	if (path != NULL) {
		rc = lmi_csv_open(&r, path, o);
	} else {
		fp = failing_open();
		rc = lmi_csv_open_fp(&r, fp, "<failing>", o);
	}
	if (rc != LMI_OK) {
		printf("# open: %s\n", r.err);
		lmi_csv_close(&r);
		if (fp != NULL)
			fclose(fp);
		return 1;
	}
	bad += header_differs(&r, w);
	for (size_t c = 0; c < r.header.n; c++)
		put(t, r.header.f[c], r.header.len[c] + 1);
	for (;;) {
		while (w->skip && i < g->nrec && g->rec[i].kind == REC_HDR) {
			i++;
			skipped++;
		}
		e = i < g->nrec ? &g->rec[i] : NULL;
		rc = lmi_csv_next(&r, &row);
		/* r.thr is private: looked at so that "on" reads cannot pass without the thread */
		threaded |= r.thr != NULL;
		if (rc != 1)
			break;
		note_row(t, &row);
		rows++;
		if (e == NULL || e->kind == REC_BAD) {
			if (bad++ < 3)
				printf("# row %zu on line %lu: past the %s\n", rows, row.line,
				       e ? "faulty record" : "end");
			continue;
		}
		if (row_differs(g, e, &row, w->line_off, rows))
			bad++;
		i++;
	}
	note_end(t, &r, rc);
	if (e != NULL && e->kind == REC_BAD) {
		if (rc != e->rc || r.err_line + w->line_off != e->line ||
		    strncmp(r.err, e->msg, strlen(e->msg)) != 0) {
			printf("# after %zu rows: rc %d at line %lu (%s), "
			       "want %d at line %lu (%s)\n", rows, rc, r.err_line, r.err, e->rc,
			       e->line - w->line_off, e->msg);
			bad++;
		}
	} else if (e != NULL || rc != 0) {
		printf("# after %zu rows: rc %d (%s), want 0 after %zu\n", rows, rc,
		       rc < 0 ? r.err : "", i - w->from + (e != NULL));
		bad++;
	}
	/* Once it has ended, every later call says the same and returns no row. */
	err_line = r.err_line;
	for (int k = 0; k < 2; k++) {
		int again = lmi_csv_next(&r, &row);

		if (again != rc || (rc < 0 && r.err_line != err_line)) {
			printf("# call %d after the end: rc %d line %lu, want %d line %lu\n", k + 1,
			       again, r.err_line, rc, err_line);
			bad++;
		}
	}
	if (r.headers_skipped != skipped) {
		printf("# %llu header copies skipped, want %llu\n", r.headers_skipped, skipped);
		bad++;
	}
	if (threaded != (thread && cpus)) {
		printf("# the reader thread %s\n", threaded ? "ran though off" : "never started");
		bad++;
	}
	lmi_csv_close(&r);
	if (fp != NULL)
		fclose(fp);
	return bad;
}

static struct buf t1, t0; /* transcripts of the reads with the thread on and off */

/* Reads path with the thread on, then off; each must match w and both must agree. */
static int both(const char *label, const char *path, const struct lmi_csv_opts *o,
		const struct want *w)
{
	int bad1 = read_check(path, o, 1, w, &t1), bad0 = read_check(path, o, 0, w, &t0);
	int same = t1.n == t0.n && memcmp(t1.p, t0.p, t1.n) == 0;

	if (!same) {
		size_t k = 0;

		while (k < t1.n && k < t0.n && t1.p[k] == t0.p[k])
			k++;
		printf("# %s: transcripts differ from byte %zu (%zu and %zu bytes)\n", label, k,
		       t1.n, t0.n);
	}
	if (bad1 || bad0)
		printf("# %s: %d mismatches with the thread, %d without\n", label, bad1, bad0);
	return bad1 + bad0 + !same;
}

static const char *write_gen(const char *tag, const struct gen *g, char *path, size_t cap)
{
	snprintf(path, cap, "%s", unit_scratch(tag, g->text.p, g->text.n));
	return path;
}

/* ---- 1. the same records with and without the thread ---- */

static void equality(void)
{
	static const int qpct[] = { 0, 4, 30, 90 };
	struct lmi_csv_opts o = { 0 };
	char path[96], label[64];
	int pass = 0, files = 17;
	struct gen g;
	struct want w = { &g, 1, 0, 0, 0 };

	for (int i = 0; i < files; i++) {
		size_t size = i < 2 ? (3u << 20) + rnd(1 << 19) : 300000 + rnd(700000);
		int tiny = i >= 14; /* files of one chunk, exactly or give or take a byte */

		gen_init(&g, i < 2 ? 4 + 5 * (size_t)i : 1 + rnd(12), i % 4 == 3 ? ';' : ',', i % 2,
			 i % 3 == 0, qpct[i % 4]);
		g.longs = i % 2 == 0 && !tiny;
		g.ragged = i == 7;
		g.straddles = 1;
		/* each kind at the first boundary, where the thread starts */
		g.straddle = (unsigned)i * 4;
		o.flags = g.ragged ? LMI_CSV_RAGGED : 0;
		o.delim = (unsigned char)g.delim;
		add_header(&g);
		if (i % 3 == 1 && !tiny) { /* a record longer than one chunk */
			gen_to(&g, size / 3);
			long_record(&g, 70000 + rnd(40000));
		}
		if (i % 3 == 2 && !tiny) { /* one quoted field of about 300 KiB */
			gen_to(&g, size / 2);
			huge_field(&g, 300000 + rnd(20000));
		}
		if (i == 5 || tiny) { /* the file ends exactly at a chunk's end, or a byte after */
			size_t b = (g.text.n / CHUNK + (tiny ? 1 : 5)) * CHUNK;
			size_t eol = g.crlf ? 2 : 1;

			gen_to(&g, b - 3000);
			row_ending_at(&g, b + (i == 15 ? eol : i == 16));
			if (i == 15) /* ... and its last record has no line end */
				g.text.n -= eol;
		} else {
			gen_to(&g, size);
		}
		if (i % 5 == 4 && !tiny) /* no line end after the last record */
			g.text.n -= g.crlf ? 2 : 1;
		snprintf(label, sizeof(label), "file %d (%zu bytes, %zu columns)", i, g.text.n,
			 g.ncol);
		if (both(label, write_gen("thr", &g, path, sizeof(path)), &o, &w) == 0)
			pass++;
		gen_release(&g);
	}
	CHECK_INT(pass, files);

	/*
	 * A read error in the fourth chunk (a stream that fails 5,000 bytes into
	 * it): the records of the first three come, then the error, on the line of
	 * the record the fourth chunk begins with.
	 */
	gen_init(&g, 4, ',', 0, 0, 30);
	g.straddles = 1;
	add_header(&g);
	gen_to(&g, 3 * CHUNK - 3000);
	row_ending_at(&g, 3 * CHUNK);
	gen_to(&g, 500000);
	for (size_t i = 0; i < g.nrec; i++) {
		if (g.rec[i].end > 3 * CHUNK) {
			g.rec[i].kind = REC_BAD;
			g.rec[i].rc = LMI_EIO;
			g.rec[i].msg = "read error: ";
			break;
		}
	}
	failing.p = g.text.p;
	failing.n = g.text.n;
	failing.fail = 3 * CHUNK + 5000;
	o.flags = 0;
	o.delim = ',';
	CHECK_INT(both("read error", NULL, &o, &w), 0);
	gen_release(&g);
}

/* ---- 2 and 4. errors past the first chunk ---- */

/* A file with fault `kind` in a record starting near offset at, then more records. */
static int error_case(int kind, size_t at, int then, size_t gap)
{
	struct lmi_csv_opts o = { 0 };
	struct want w;
	struct gen g;
	char path[96], label[96];
	int bad;

	gen_init(&g, 2 + rnd(7), rnd(4) ? ',' : ';', rnd(2), rnd(2), 20);
	w.g = &g;
	w.from = 1;
	w.skip = w.numbered = 0;
	w.line_off = 0;
	add_header(&g);
	gen_to(&g, kind == E_UTF8_CUT ? (at / CHUNK + 1) * CHUNK - 300 : at);
	bad_record(&g, kind);
	if (then >= 0) { /* a second fault after it, which must never be reported */
		gen_to(&g, g.text.n + gap);
		bad_record(&g, then);
	}
	if (kind != E_UNTERM && then != E_UNTERM)
		gen_to(&g, g.text.n + 150000);
	if (kind == E_CAP || kind == E_CAP_BIG)
		o.max_field = 2000;
	o.delim = (unsigned char)g.delim;
	snprintf(label, sizeof(label), "%s at %zu%s%s", ename[kind], at, then >= 0 ? " then " : "",
		 then >= 0 ? ename[then] : "");
	bad = both(label, write_gen("thr", &g, path, sizeof(path)), &o, &w);
	gen_release(&g);
	return bad;
}

static void errors(void)
{
	static const size_t at[] = { CHUNK + 3000, 2 * CHUNK - 40, 9 * CHUNK + 12345 };
	int pass = 0, cases = 0;

	for (int k = 0; k < NE; k++)
		for (size_t a = 0; a < sizeof(at) / sizeof(at[0]); a++, cases++)
			pass += error_case(k, at[a], -1, 0) == 0;
	CHECK_INT(pass, cases);
	/* The first fault wins, whichever side finds it: a few records later or chunks later. */
	CHECK_INT(error_case(E_COUNT, 3 * CHUNK + 100, E_NUL, 200), 0);
	CHECK_INT(error_case(E_COUNT, 3 * CHUNK + 100, E_UTF8, 3 * CHUNK), 0);
	CHECK_INT(error_case(E_NUL, 3 * CHUNK + 100, E_COUNT, 200), 0);
	CHECK_INT(error_case(E_STRAY, 2 * CHUNK + 100, E_COUNT, 2 * CHUNK), 0);
	CHECK_INT(error_case(E_COUNT, 4 * CHUNK - 20, E_UNTERM, 100), 0);
}

/* ---- 3. closing early ---- */

/*
 * Opens path, reads `rows` records (or until the thread runs, then `rows`
 * more, when after_thread is set), optionally waits so that the thread fills
 * both batches and waits for a free one, then closes; returns the seconds the
 * close took, or -1 when a record was wrong.
 */
static double close_early(const char *path, const struct gen *g, int thread, size_t rows,
			  int after_thread, long wait_ms)
{
	const struct lmi_csv_opts o = { 0 };
	struct lmi_csv r;
	struct lmi_csv_row row;
	size_t i = 1, n = 0;
	int bad = 0;
	double t0;

	setenv("LMI_READER_THREAD", thread ? "1" : "0", 1);
	if (lmi_csv_open(&r, path, &o) != LMI_OK)
		bad++;
	while (!bad && n < rows) {
		if (lmi_csv_next(&r, &row) != 1 || row_differs(g, &g->rec[i], &row, 0, i)) {
			bad++;
			break;
		}
		i++;
		if (!after_thread || r.thr != NULL || !cpus || !thread)
			n++;
	}
	if (after_thread && thread && cpus && r.thr == NULL)
		bad++;
	if (wait_ms > 0)
		sleep_ms(wait_ms);
	t0 = now();
	lmi_csv_close(&r);
	return bad ? -1.0 : now() - t0;
}

static void early_close(void)
{
	static const struct {
		const char *name;
		size_t records;
		int after_thread, wait_ms;
	} when[] = {
		{ "close after the header", 0, 0, 0 },
		{ "close after one record", 1, 0, 0 },
		{ "close on the first record from the thread", 1, 1, 0 },
		{ "close while the thread waits for a free batch", 5, 1, 100 },
		{ "close in the third batch", 2500, 1, 0 },
	};
	char path[96];
	struct gen g;
	int good = 0, cases = 0;

	gen_init(&g, 4, ',', 0, 0, 10);
	add_header(&g);
	gen_to(&g, 3u << 20);
	write_gen("thr", &g, path, sizeof(path));
	for (int thread = 1; thread >= 0; thread--) {
		for (size_t k = 0; k < sizeof(when) / sizeof(when[0]); k++) {
			double t;

			guard(when[k].name, 20);
			t = close_early(path, &g, thread, when[k].records, when[k].after_thread,
					when[k].wait_ms);
			good += t >= 0 && t < 5.0;
			cases++;
		}
	}
	alarm(0);
	CHECK_INT(good, cases);
	gen_release(&g);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A stream whose reads are fread()s on another stream, as lmi ingest's decoder does. */
static ssize_t relay_read(void *cookie, char *buf, size_t size)
{
	return (ssize_t)fread(buf, 1, size, cookie);
}

enum { VIA_PIPE, VIA_FIFO, VIA_RELAY };

/*
 * A writer that sends the header and records past two chunks, then stays
 * idle without closing: the thread hands over the second chunk and then
 * waits in fread() for a third that never comes.  Closing must cancel that
 * read and return at once, and leave the stream usable by its owner
 * (through a pipe and lmi_csv_open_fp(), a FIFO and lmi_csv_open(), or a
 * stream of our own relaying a pipe, where the wait is in a nested fread()).
 * With bad_at, record bad_at (in the second chunk) has a field too many:
 * lmi_csv_next() must stop the waiting thread and return the error at once.
 */
static void idle_writer(const struct gen *g, int thread, int via, size_t bad_at)
{
	static const char *const what[] = { "pipe", "FIFO", "relay" };
	cookie_io_functions_t io = { relay_read, NULL, NULL, NULL };
	int fifo = via == VIA_FIFO;
	FILE *relay = NULL;
	const struct lmi_csv_opts o = { 0 };
	char fifo_path[96];
	struct lmi_csv r;
	struct lmi_csv_row row;
	size_t len = 0, rows = 0;
	pid_t parent = getpid(), pid;
	int fd[2] = { -1, -1 }, bad = 0, rc;
	FILE *fp = NULL;
	double t0, took;

	/* Send up to the first record ending 20,000 bytes into the third chunk ... */
	for (size_t i = 0; i < g->nrec && len < 2 * CHUNK + 20000; i++)
		len = g->rec[i].end;
	/* ... and read the records ending before 100,000: the second chunk's first batch. */
	while (g->rec[rows + 1].end < 100000)
		rows++;
	if (bad_at > 0)
		rows = bad_at - 1;
	snprintf(fifo_path, sizeof(fifo_path), "/tmp/lmi-test-thr-fifo-%d", (int)parent);
	rc = fifo ? mkfifo(fifo_path, 0600) : pipe(fd);
	CHECK_INT(rc, 0);
	if (rc != 0)
		return;
	setenv("LMI_READER_THREAD", thread ? "1" : "0", 1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int wfd = fifo ? open(fifo_path, O_WRONLY) : fd[1];

		if (!fifo)
			close(fd[0]);
		if (wfd < 0 || write_all(wfd, g->text.p, len) != 0)
			_exit(1);
		for (int i = 0; i < 30 && getppid() == parent; i++)
			sleep(1);
		_exit(0);
	}
	if (!fifo)
		close(fd[1]);
	guard(via == VIA_FIFO ? "close on an idle FIFO" : via == VIA_PIPE ?
	      "close on an idle pipe" : "close on a stream relaying an idle pipe", 20);
	if (fifo) {
		rc = lmi_csv_open(&r, fifo_path, &o);
	} else {
		fp = fdopen(fd[0], "rb");
		if (fp != NULL && via == VIA_RELAY)
			relay = fopencookie(fp, "r", io);
		rc = fp && (relay || via == VIA_PIPE) ?
			lmi_csv_open_fp(&r, relay ? relay : fp, "<pipe>", &o) : LMI_EIO;
	}
	CHECK_INT(rc, LMI_OK);
	for (size_t i = 1; rc == LMI_OK && i <= rows; i++) {
		if (lmi_csv_next(&r, &row) != 1 || row_differs(g, &g->rec[i], &row, 0, i)) {
			bad++;
			break;
		}
	}
	CHECK_INT(bad, 0);
	if (thread && cpus)
		CHECK(r.thr != NULL);
	sleep_ms(100); /* the thread is in fread() by now */
	if (bad_at > 0) {
		t0 = now();
		rc = lmi_csv_next(&r, &row);
		took = now() - t0;
		printf("# field-count error on an idle pipe, thread %s: %.3f s\n",
		       thread ? "on" : "off", took);
		CHECK_INT(rc, LMI_EPARSE);
		CHECK_INT(r.err_line, g->rec[bad_at].line);
		CHECK_INT(lmi_csv_next(&r, &row), LMI_EPARSE);
		CHECK(took < 5.0);
	}
	t0 = now();
	lmi_csv_close(&r);
	took = now() - t0;
	printf("# %s, thread %s: close took %.3f s\n", what[via], thread ? "on" : "off", took);
	CHECK(took < 5.0);
	if (relay != NULL)
		CHECK_INT(fclose(relay), 0);
	if (fp != NULL)
		CHECK_INT(fclose(fp), 0);
	alarm(0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (fifo)
		unlink(fifo_path);
}

/* ---- 4. the field-count error stops the thread; nothing after it ---- */

static void count_error_direct(void)
{
	const struct lmi_csv_opts o = { 0 };
	struct lmi_csv r;
	struct lmi_csv_row row;
	char path[96];
	struct gen g;
	size_t bad_at;
	int rc;

	gen_init(&g, 3, ',', 0, 0, 10);
	add_header(&g);
	gen_to(&g, 4 * CHUNK);
	bad_at = g.nrec;
	bad_record(&g, E_COUNT);
	gen_to(&g, 2u << 20);
	write_gen("thr", &g, path, sizeof(path));
	for (int thread = 1; thread >= 0; thread--) {
		size_t n = 0;

		guard("field-count error", 20);
		setenv("LMI_READER_THREAD", thread ? "1" : "0", 1);
		rc = lmi_csv_open(&r, path, &o);
		for (;;) {
			rc = lmi_csv_next(&r, &row);
			if (rc != 1)
				break;
			n++;
		}
		CHECK_INT(n, bad_at - 1);
		CHECK_INT(rc, LMI_EPARSE);
		CHECK_INT(r.err_line, g.rec[bad_at].line);
		CHECK_STR(r.err, "expected 3 fields, found 4");
		/* Sleep: a thread still running would have time to deliver more. */
		sleep_ms(50);
		for (int k = 0; k < 3; k++)
			CHECK_INT(lmi_csv_next(&r, &row), LMI_EPARSE);
		CHECK_INT(r.err_line, g.rec[bad_at].line);
		CHECK_STR(r.err, "expected 3 fields, found 4");
		lmi_csv_close(&r);
	}
	alarm(0);
	gen_release(&g);
}

/* ---- 5. header modes ---- */

static void header_modes(size_t long_hdr)
{
	/* With header_from, the header line is in its own file and the rest one line up. */
	static const struct {
		const char *label;
		unsigned flags;
		int header_from, skip, numbered;
		size_t from;
	} cases[] = {
		{ "header", 0, 0, 0, 0, 1 },
		{ "--skip-headers", LMI_CSV_SKIP_HEADERS, 0, 1, 0, 1 },
		{ "--no-header", LMI_CSV_NO_HEADER, 0, 0, 1, 0 },
		/* no row is "1".."5" */
		{ "--no-header --skip-headers", LMI_CSV_NO_HEADER | LMI_CSV_SKIP_HEADERS, 0, 0, 1, 0 },
		{ "--header-from", 0, 1, 0, 0, 1 },
		{ "--header-from --skip-headers", LMI_CSV_SKIP_HEADERS, 1, 1, 0, 1 },
	};
	struct lmi_csv_opts o = { 0 };
	char path[96], hpath[96], rest[96];
	struct gen g;
	struct want w = { &g, 1, 0, 0, 0 };

	gen_init(&g, 5, ',', 1, 1, 20);
	g.hdr_every = long_hdr ? 3000 : 150;
	g.long_hdr = long_hdr;
	g.straddles = 1;
	add_header(&g);
	gen_to(&g, 1500000);
	write_gen("thr", &g, path, sizeof(path));
	snprintf(hpath, sizeof(hpath), "%s", unit_scratch("thr-h", g.text.p, g.rec[0].end));
	snprintf(rest, sizeof(rest), "%s",
		 unit_scratch("thr-r", g.text.p + g.rec[0].end, g.text.n - g.rec[0].end));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.flags = cases[i].flags;
		o.header_from = cases[i].header_from ? hpath : NULL;
		w.from = cases[i].from;
		w.skip = cases[i].skip;
		w.numbered = cases[i].numbered;
		w.line_off = (unsigned long)cases[i].header_from;
		CHECK_INT(both(cases[i].label, cases[i].header_from ? rest : path, &o, &w), 0);
	}
	unlink(hpath);
	unlink(rest);
	gen_release(&g);
}

/* ---- 6. two readers at once ---- */

struct cursor {
	struct lmi_csv r;
	const struct gen *g;
	size_t i;
	int bad, rc;
};

/* Reads up to k records from c, checking each; marks c done at its end. */
static void step(struct cursor *c, unsigned k)
{
	struct lmi_csv_row row;

	while (c->rc == 1 && k-- > 0) {
		c->rc = lmi_csv_next(&c->r, &row);
		if (c->rc != 1)
			break;
		if (c->i >= c->g->nrec || row_differs(c->g, &c->g->rec[c->i], &row, 0, c->i))
			c->bad++;
		c->i++;
	}
}

static void two_readers(void)
{
	const struct lmi_csv_opts o = { 0 };
	char pa[96], pb[96];
	struct gen ga, gb;
	struct cursor a, b;

	gen_init(&ga, 3, ',', 0, 0, 30);
	add_header(&ga);
	ga.straddles = 1;
	gen_to(&ga, 900000);
	gen_init(&gb, 9, ',', 1, 1, 5);
	gb.longs = 1;
	add_header(&gb);
	gen_to(&gb, 600000);
	huge_field(&gb, 300000);
	gen_to(&gb, 1300000);
	write_gen("thr-a", &ga, pa, sizeof(pa));
	write_gen("thr-b", &gb, pb, sizeof(pb));
	/* Both threaded, then the first threaded and the second not. */
	for (int mixed = 0; mixed <= 1; mixed++) {
		guard("two readers", 60);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.g = &ga;
		b.g = &gb;
		a.i = b.i = 1;
		a.rc = b.rc = 1;
		setenv("LMI_READER_THREAD", "1", 1);
		CHECK_INT(lmi_csv_open(&a.r, pa, &o), LMI_OK);
		if (mixed) {
			while (a.rc == 1 && a.r.thr == NULL && cpus)
				step(&a, 1);
			setenv("LMI_READER_THREAD", "0", 1);
		}
		CHECK_INT(lmi_csv_open(&b.r, pb, &o), LMI_OK);
		while (a.rc == 1 || b.rc == 1) {
			step(&a, 1 + rnd(4));
			step(&b, 1 + rnd(6));
		}
		CHECK_INT(a.rc, 0);
		CHECK_INT(b.rc, 0);
		CHECK_INT(a.bad + b.bad, 0);
		CHECK_INT(a.i, ga.nrec);
		CHECK_INT(b.i, gb.nrec);
		CHECK_INT(a.r.thr != NULL, cpus);
		CHECK_INT(b.r.thr != NULL, cpus && !mixed);
		lmi_csv_close(&a.r);
		lmi_csv_close(&b.r);
	}
	alarm(0);
	unlink(pa);
	unlink(pb);
	gen_release(&ga);
	gen_release(&gb);
}

int main(void)
{
	struct sigaction sa;
	struct gen g;
	size_t bad;
	double start = now();

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	cpus = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	if (!cpus)
		printf("# one CPU: the reader thread never starts; only one path runs\n");

	guard("equality", 120);
	equality();
	guard("errors", 120);
	errors();
	early_close();
	gen_init(&g, 4, ',', 0, 0, 10);
	add_header(&g);
	gen_to(&g, 3 * CHUNK);
	for (int thread = 1; thread >= 0; thread--) {
		idle_writer(&g, thread, VIA_PIPE, 0);
		idle_writer(&g, thread, VIA_FIFO, 0);
		idle_writer(&g, thread, VIA_RELAY, 0);
	}
	gen_release(&g);
	gen_init(&g, 4, ',', 0, 0, 10);
	add_header(&g);
	gen_to(&g, 90000);
	bad = g.nrec;
	bad_record(&g, E_COUNT);
	gen_to(&g, 3 * CHUNK);
	for (int thread = 1; thread >= 0; thread--)
		idle_writer(&g, thread, VIA_PIPE, bad);
	gen_release(&g);
	count_error_direct();
	guard("header modes", 120);
	header_modes(0);
	header_modes(70000); /* a header longer than a chunk, and copies of it */
	two_readers();
	guard("endless field", 60);
	endless_field(1);
	endless_field(0);
	alarm(0);
	free(t1.p);
	free(t0.p);
	unsetenv("LMI_READER_THREAD");
	unlink(unit_scratch("thr", "", 0));
	printf("# %.2f s\n", now() - start);
	return UNIT_DONE();
}

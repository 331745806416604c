/*
 * Randomised round trip for lib/csvio: files of several 64 KiB chunks are
 * generated from known fields (blanks at field edges, quotes, commas,
 * embedded CRLF, 2- to 4-byte UTF-8, long fields that span chunks), read
 * back and compared field by field, with the line each record starts on and
 * the reader's needq flags (set exactly where a field needs quotes, and on
 * an empty field written as ""); then written back and compared with a reference
 * RFC 4180 quoting written here.  The reader's fast paths (prescan(), clean
 * chunks, characters cut at a chunk's end) must give the same records as
 * the slow one on every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "unit.h"

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	return unit_rnd(&rng, n);
}

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Pieces fields are made of; the blanks make fields with blank edges common. */
static const char *const piece[] = { "a", "b", "7", " ", " ", "\t", ",", ";", "\"", "\n",
				     "\r\n", "\xea\xb0\x80", "\xc3\xa9", "\xf0\x9f\x98\x80", "x" };

static int needs_quotes(const char *s, size_t n, char delim)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

static int has_comma_etc(const char *s, size_t n)
{
	return needs_quotes(s, n, ',');
}

/* Appends field s as CSV with delimiter delim, quoted when it must be or when force is set. */
static void put_field(struct buf *b, const char *s, size_t n, char delim, int force)
{
	if (!force && !needs_quotes(s, n, delim)) {
		put(b, s, n);
		return;
	}
	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put(b, "\"", 1);
		put(b, s + i, 1);
	}
	put(b, "\"", 1);
}

static unsigned long count_lf(const char *s, size_t n)
{
	unsigned long k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* One generated file: the fields of every record, the text, and where records start. */
struct gen {
	struct buf text;
	struct buf *fields; /* nrec * ncol */
	unsigned long *line;
	size_t nrec, ncol;
	char delim;
};

/* crlf: 0 for LF line ends, 1 for CRLF, 2 for CR alone; quote_pct -1: no quotes, no blanks. */
static void generate(struct gen *g, size_t bytes, char delim, int crlf, int bom, int quote_pct)
{
	static const char *const eol[] = { "\n", "\r\n", "\r" };
	unsigned long line = 2;
	size_t cap = 0;

	memset(g, 0, sizeof(*g));
	g->delim = delim;
	g->ncol = 1 + rnd(7);
	if (bom)
		puts_(&g->text, "\xEF\xBB\xBF");
	for (size_t c = 0; c < g->ncol; c++) {
		char name[32];

		snprintf(name, sizeof(name), "%sc%zu", c ? (delim == ',' ? "," : ";") : "", c);
		puts_(&g->text, name);
	}
	puts_(&g->text, eol[crlf]);
	while (g->text.n < bytes) {
		if (g->nrec == cap) {
			cap = cap ? cap * 2 : 256;
			g->fields = realloc(g->fields, cap * g->ncol * sizeof(*g->fields));
			g->line = realloc(g->line, cap * sizeof(*g->line));
		}
		g->line[g->nrec] = line;
		for (size_t c = 0; c < g->ncol; c++) {
			struct buf *f = &g->fields[g->nrec * g->ncol + c];
			size_t np = rnd(50) == 0 ? 200 + rnd(30000) : rnd(12);

			memset(f, 0, sizeof(*f));
			put(f, "", 0);
			for (size_t k = 0; k < np; k++) {
				unsigned i = rnd(sizeof(piece) / sizeof(piece[0]));

				/* Pieces that force quoting, at quote_pct percent of their draws. */
				if (i >= 6 && i <= 10 && (quote_pct < 0 || rnd(100) >= (unsigned)quote_pct))
					i = 0;
				if (quote_pct < 0 && i >= 3 && i <= 5)
					i = 14; /* no blanks either: the reader's plainest chunks */
				/* Quote-free files (quote_pct 0) may hold commas when ';' separates. */
				if (quote_pct <= 0 && delim == ';' && rnd(3) == 0)
					i = 6;
				puts_(f, piece[i]);
			}
			if (c)
				put(&g->text, &delim, 1);
			/* A lone empty field would be a blank line, which readers skip. */
			put_field(&g->text, f->p, f->n, delim,
				  (quote_pct > 0 && rnd(4) == 0) || (g->ncol == 1 && f->n == 0));
			line += count_lf(f->p, f->n);
		}
		puts_(&g->text, eol[crlf]);
		line++;
		g->nrec++;
	}
}

static void release(struct gen *g)
{
	for (size_t i = 0; i < g->nrec * g->ncol; i++)
		free(g->fields[i].p);
	free(g->fields);
	free(g->line);
	free(g->text.p);
}

static const char *tmpfile_with(const char *data, size_t n)
{
	return unit_scratch("csvio-random", data, n);
}

/* Reference writer: comma-separated, quotes only where RFC 4180 needs them. */
static void ref_row(struct buf *b, const struct gen *g, size_t rec)
{
	for (size_t c = 0; c < g->ncol; c++) {
		const struct buf *f = &g->fields[rec * g->ncol + c];

		if (c)
			put(b, ",", 1);
		put_field(b, f->p, f->n, ',', g->ncol == 1 && f->n == 0);
	}
	put(b, "\n", 1);
}

/* Reads g back; returns the number of mismatches (0 when all records agree). */
static int round_trip(const struct gen *g)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	struct lmi_csvw w;
	struct buf want = { 0 };
	char *got = NULL;
	size_t gotn = 0, rec = 0;
	int bad = 0, rc;
	FILE *mem = open_memstream(&got, &gotn);

	o.delim = (unsigned char)g->delim;
	lmi_csvw_init(&w, mem, ',');
	put(&want, "", 0);
	rc = lmi_csv_open(&r, tmpfile_with(g->text.p, g->text.n), &o);
	if (rc != LMI_OK || r.header.n != g->ncol) {
		printf("# open: rc %d, header of %zu fields, want %zu\n", rc, r.header.n, g->ncol);
		bad++;
	}
	while (rc >= 0 && (rc = lmi_csv_next(&r, &row)) == 1) {
		if (rec >= g->nrec || row.n != g->ncol || row.line != g->line[rec]) {
			if (bad++ < 3)
				printf("# record %zu: %zu fields on line %lu, want %zu on line %lu\n",
				       rec, row.n, row.line, g->ncol, rec < g->nrec ? g->line[rec] : 0);
			break;
		}
		for (size_t c = 0; c < row.n; c++) {
			const struct buf *f = &g->fields[rec * g->ncol + c];

			/* "" (an empty field in quotes) may be flagged: it looks like a doubled quote */
			if (f->n == 0 && row.needq != NULL && row.needq[c])
				continue;
			if (row.len[c] != f->n || memcmp(row.f[c], f->p, f->n) != 0 ||
			    row.needq == NULL || !row.needq[c] != !has_comma_etc(f->p, f->n)) {
				if (bad++ < 3)
					printf("# record %zu field %zu differs (%zu vs %zu bytes)\n",
					       rec, c, row.len[c], f->n);
			}
		}
		lmi_csvw_row(&w, &row);
		ref_row(&want, g, rec);
		rec++;
	}
	if (rc < 0) {
		printf("# read error at line %lu: %s\n", r.err_line, r.err);
		bad++;
	}
	if (rec != g->nrec) {
		printf("# read %zu records, want %zu\n", rec, g->nrec);
		bad++;
	}
	lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	fclose(mem);
	if (gotn != want.n || memcmp(got, want.p, want.n) != 0) {
		printf("# writer output differs from the reference (%zu vs %zu bytes)\n", gotn,
		       want.n);
		bad++;
	}
	lmi_csv_close(&r);
	free(got);
	free(want.p);
	return bad;
}

/* Reads text and returns the line of the first error (0 when none); *msg gets its text. */
static unsigned long first_error(const char *text, size_t n, char delim, char *msg, size_t cap)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	unsigned long line = 0;
	int rc;

	o.delim = (unsigned char)delim;
	rc = lmi_csv_open(&r, tmpfile_with(text, n), &o);

	while (rc >= 0 && (rc = lmi_csv_next(&r, &row)) == 1)
		;
	if (rc < 0) {
		line = r.err_line;
		snprintf(msg, cap, "%s", r.err);
	}
	lmi_csv_close(&r);
	return line;
}

/*
 * Builds a two-column file whose line `tail` starts at byte `at`, the other
 * lines being "1,2"; returns 1 when the tail's fields read back as f0, f1.
 */
static int blank_case(struct buf *t, size_t at, const char *tail, const char *f0,
		      const char *f1)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	int rc, seen = 0;

	t->n = 0;
	put(t, "a,b\n", 4);
	while (t->n + 4 + 4 <= at)
		put(t, "1,2\n", 4);
	put(t, "1,", 2);
	while (t->n + 1 < at)
		put(t, "z", 1);
	put(t, "\n", 1);
	puts_(t, tail);
	for (int i = 0; i < 100; i++)
		put(t, "1,2\n", 4);
	rc = lmi_csv_open(&r, tmpfile_with(t->p, t->n), &o);
	while (rc >= 0 && (rc = lmi_csv_next(&r, &row)) == 1)
		if (strcmp(row.f[0], f0) == 0 && strcmp(row.f[1], f1) == 0)
			seen++;
	lmi_csv_close(&r);
	if (rc != 0 || seen != 1)
		printf("# tail \"%s\" at %zu: rc %d, seen %d\n", tail, at, rc, seen);
	return rc == 0 && seen == 1;
}

/*
 * Reads a file of header, one record whose second field is a long quoted one
 * of want_len bytes, and "2,z" on line want_line; checks all of it.
 */
static void long_quoted(const struct buf *t, size_t want_len, unsigned long want_line)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	int rc = lmi_csv_open(&r, tmpfile_with(t->p, t->n), &o);

	CHECK_INT(rc, LMI_OK);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_INT(row.len[1], want_len);
	CHECK_INT(row.needq[1], 1);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_INT(row.line, want_line);
	CHECK_STR(row.f[1], "z");
	CHECK_INT(row.needq[1], 0);
	CHECK_INT(lmi_csv_next(&r, &row), 0);
	lmi_csv_close(&r);
}

int main(void)
{
	struct gen g;
	struct buf t = { 0 };
	char msg[256];
	int pass = 0;

	/*
	 * 60 files: both delimiters, LF, CRLF or CR, with and without BOM, and no,
	 * sparse or dense quoting, or neither quotes nor blanks (the plainest path).
	 */
	for (int i = 0; i < 60; i++) {
		static const int pct[] = { 0, 1, 10, 60, -1 };

		generate(&g, 150000 + rnd(250000), i % 2 ? ';' : ',', (i / 2) % 3, (i / 6) % 2,
			 pct[(i / 12) % 5]);
		if (round_trip(&g) == 0)
			pass++;
		else
			printf("# file %d (delim %c) failed\n", i, g.delim);
		release(&g);
	}
	CHECK_INT(pass, 60);

	/*
	 * A 3-byte character cut by the first 64 KiB chunk is kept whole: line 2
	 * holds 65,534 'a' after "h\n", so the character starts at byte 65,536 - 1.
	 */
	put(&t, "h\n", 2);
	for (int i = 0; i < 65533; i++)
		put(&t, "a", 1);
	put(&t, "\xea\xb0\x80\n", 4);
	CHECK_INT(first_error(t.p, t.n, ',', msg, sizeof(msg)), 0);

	/* The same place with the character's last byte wrong: an error on line 2. */
	t.p[t.n - 2] = 'z';
	CHECK_INT(first_error(t.p, t.n, ',', msg, sizeof(msg)), 2);
	CHECK(strstr(msg, "invalid UTF-8 in field 1") != NULL);

	/* A lead byte at the very end of the file is cut short for good. */
	t.n = 0;
	put(&t, "h\nok\n\xea\xb0", 7);
	CHECK_INT(first_error(t.p, t.n, ',', msg, sizeof(msg)), 3);
	CHECK(strstr(msg, "invalid UTF-8") != NULL);

	/*
	 * A quoted field opened in one chunk and closed in a later clean one
	 * still has its LFs counted and its needq flag set: the field holds three
	 * LFs, so the record after it starts on line 2 + 3 + 1 = 6.
	 */
	t.n = 0;
	put(&t, "a,b\n1,\"x\n", 9);
	for (int i = 0; i < 70000; i++)
		put(&t, "y", 1);
	put(&t, "\n\n\"\n2,z\n", 8);
	long_quoted(&t, 70004, 6);

	/* Blanks at the edges of unquoted fields are data, wherever a chunk ends in them. */
	for (size_t off = 0; off <= 9; off++) {
		struct lmi_csv r;
		struct lmi_csv_row row;
		struct lmi_csv_opts o = { 0 };
		char f0[8] = "", f1[8] = "";
		int rc;

		t.n = 0;
		put(&t, "a,b\n", 4);
		while (t.n + 4 + 4 <= 65536 - off)
			put(&t, "1,2\n", 4);
		put(&t, "1,", 2);
		while (t.n + 1 < 65536 - off)
			put(&t, "z", 1);
		put(&t, "\n", 1);
		put(&t, " x ,\t y \n", 9);
		rc = lmi_csv_open(&r, tmpfile_with(t.p, t.n), &o);
		while (rc >= 0 && (rc = lmi_csv_next(&r, &row)) == 1) {
			snprintf(f0, sizeof(f0), "%s", row.f[0]);
			snprintf(f1, sizeof(f1), "%s", row.f[1]);
		}
		if (rc < 0)
			printf("# line %lu: %s\n", r.err_line, r.err);
		CHECK_INT(rc, 0);
		CHECK_STR(f0, " x ");
		CHECK_STR(f1, "\t y ");
		lmi_csv_close(&r);
	}
	/*
	 * Each blank-edge case alone in a file of blank-free lines, placed across
	 * the first chunk's end and across a 64-byte block boundary inside it:
	 * only that one blank tells prescan() to keep libcsv from trimming.
	 */
	{
		static const char *const tail[][3] = {
			{ "ab ,cd\n", "ab ", "cd" }, { "ab,\tcd\n", "ab", "\tcd" },
			{ "ab, cd\n", "ab", " cd" }, { "ab\t,cd\n", "ab\t", "cd" },
			{ " ab,cd\n", " ab", "cd" }, { "ab,cd \n", "ab", "cd " },
		};
		static const size_t where[] = { 65536, 4096 };
		int good = 0, cases = 0;

		for (size_t ti = 0; ti < sizeof(tail) / sizeof(tail[0]); ti++)
			for (size_t wi = 0; wi < 2; wi++)
				for (size_t off = 0; off <= 7; off++, cases++)
					good += blank_case(&t, where[wi] - off, tail[ti][0], tail[ti][1],
							   tail[ti][2]);
		CHECK_INT(good, cases);
	}

	/*
	 * With ';' between fields, a comma in an unquoted field needs quotes on
	 * output.  Here the field's comma is in the first chunk and the field ends
	 * in a second chunk that holds no comma: the flag must still be set.
	 */
	t.n = 0;
	put(&t, "a;b\n1;x,", 8);
	for (int i = 0; i < 70000; i++)
		put(&t, "x", 1);
	put(&t, "\n2;y\n", 5);
	{
		struct lmi_csv r;
		struct lmi_csv_row row;
		struct lmi_csv_opts o = { 0 };
		int rc;

		o.delim = ';';
		rc = lmi_csv_open(&r, tmpfile_with(t.p, t.n), &o);
		CHECK_INT(rc, LMI_OK);
		CHECK_INT(lmi_csv_next(&r, &row), 1);
		CHECK_INT(row.len[1], 70002);
		CHECK_INT(row.needq[1], 1);
		CHECK_INT(lmi_csv_next(&r, &row), 1);
		CHECK_INT(row.needq[1], 0);
		lmi_csv_close(&r);
	}

	/* The same with a NUL byte where the comma was: an error, not a silent copy. */
	t.p[7] = '\0';
	CHECK_INT(first_error(t.p, t.n, ';', msg, sizeof(msg)), 2);
	CHECK(strstr(msg, "NUL byte in field 2") != NULL);
	t.p[7] = ',';
	t.p[1] = ','; /* now the header "a,b" is one column, the next line two */
	CHECK_INT(first_error(t.p, t.n, ';', msg, sizeof(msg)), 2);
	CHECK(strstr(msg, "expected 1 fields, found 2") != NULL);

	/*
	 * A quoted field of 200,000 bytes: the chunks in its middle hold no quote
	 * at all, yet are inside quotes, so their LFs and commas still count.
	 */
	t.n = 0;
	put(&t, "a,b\n1,\"", 7);
	for (int i = 0; i < 200000; i++)
		put(&t, i % 1000 == 999 ? "\n" : i % 777 == 0 ? "," : "y", 1);
	put(&t, "\"\n2,z\n", 6);
	long_quoted(&t, 200000, 2 + 200 + 1); /* 200 LFs inside the field */
	/* LMI_CSV_MAX_FIELDS fields in a record are allowed, one more is an error on its line. */
	for (int extra = 0; extra <= 1; extra++) {
		struct lmi_csv r;
		struct lmi_csv_row row;
		struct lmi_csv_opts o = { 0 };
		int rc;

		o.flags = LMI_CSV_RAGGED;
		t.n = 0;
		put(&t, "h\nx\n", 4);
		for (unsigned i = 0; i < LMI_CSV_MAX_FIELDS + (unsigned)extra; i++)
			put(&t, i ? ",1" : "1", i ? 2 : 1);
		put(&t, "\ny\n", 3);
		rc = lmi_csv_open(&r, tmpfile_with(t.p, t.n), &o);
		CHECK_INT(lmi_csv_next(&r, &row), 1);
		rc = lmi_csv_next(&r, &row);
		if (extra) {
			CHECK_INT(rc, LMI_ETOOBIG);
			CHECK_INT(r.err_line, 3);
			CHECK_STR(r.err, "row exceeds 100000 fields");
		} else {
			CHECK_INT(rc, 1);
			CHECK_INT(row.n, LMI_CSV_MAX_FIELDS);
			CHECK_INT(lmi_csv_next(&r, &row), 1);
			CHECK_STR(row.f[0], "y");
		}
		lmi_csv_close(&r);
	}
	/*
	 * Plain chunks (no quote, no blank) before and after one that is not: the
	 * marks of the quoted field are numbered from the fields read before it.
	 */
	t.n = 0;
	put(&t, "a,b\n", 4);
	for (int i = 0; i < 30000; i++)
		put(&t, "1,2\n", 4);
	put(&t, "3,\"x,\ny\"\n", 9);
	for (int i = 0; i < 30000; i++)
		put(&t, "4,5\n", 4);
	{
		struct lmi_csv r;
		struct lmi_csv_row row;
		struct lmi_csv_opts o = { 0 };
		int rc = lmi_csv_open(&r, tmpfile_with(t.p, t.n), &o), flagged = 0, rows = 0;
		unsigned long last = 0;

		while (rc >= 0 && (rc = lmi_csv_next(&r, &row)) == 1) {
			rows++;
			flagged += row.needq[0] + row.needq[1];
			if (row.f[0][0] == '3') {
				CHECK_INT(row.line, 30002);
				CHECK_INT(row.needq[1], 1);
				CHECK_STR(row.f[1], "x,\ny");
			}
			last = row.line;
		}
		CHECK_INT(rc, 0);
		CHECK_INT(rows, 60001);
		CHECK_INT(flagged, 1);
		CHECK_INT(last, 60003); /* 30000 + 1 + 30000 rows after the header, one LF inside */
		lmi_csv_close(&r);
	}
	free(t.p);
	unlink(tmpfile_with("", 0));
	return UNIT_DONE();
}

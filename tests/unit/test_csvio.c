/* Unit tests for lib/csvio: line numbers across chunks, caps, header modes, writer quoting. */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"
#include "unit.h"

static const char *tmpfile_with(const char *data, size_t n)
{
	return unit_scratch("csvio", data, n);
}

/* Writes a row through the writer into a memory buffer and returns it. */
static const char *write_row(const char *const *f, size_t n)
{
	static char out[256];
	struct lmi_csvw w;
	FILE *fp = fmemopen(out, sizeof(out), "w");
	size_t len[8];
	struct lmi_csv_row row = { n, (char **)f, len, 0, NULL };

	for (size_t i = 0; i < n; i++)
		len[i] = strlen(f[i]);
	lmi_csvw_init(&w, fp, ',');
	lmi_csvw_row(&w, &row);
	lmi_csvw_flush(&w);
	lmi_csvw_release(&w);
	fclose(fp);
	return out;
}

#define LINE_OF(f) (offsetof(struct lmi_csv, f) / 64)

/*
 * The reader thread writes the parser's fields (and those after them, up to
 * outf) for every field it reads; the reading side reads header, flags, thr
 * and outf for every row.  A line shared by the two made threaded scoring
 * up to twice as slow, so the layout is checked here.
 */
static void layout(void)
{
	size_t first = LINE_OF(p), last = (offsetof(struct lmi_csv, outf) - 1) / 64;

	CHECK_INT(alignof(struct lmi_csv), 64);
	CHECK_INT(offsetof(struct lmi_csv, p) % 64, 0);
	CHECK_INT(offsetof(struct lmi_csv, outf) % 64, 0);
	CHECK(LINE_OF(header) < first && LINE_OF(flags) < first);
	CHECK(LINE_OF(outcap) > last && LINE_OF(thr) > last && LINE_OF(may_thread) > last);
	CHECK(LINE_OF(full_read) <= last); /* written once a chunk by the thread */
}

int main(void)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csv_opts o = { 0 };
	char *big;
	size_t n, k;
	int rc;

	layout();
	/* 30,000 rows straddle several 64 KiB chunks; the last row is on line 30,001. */
	big = malloc(1 << 20);
	n = (size_t)snprintf(big, 32, "id,text\n");
	for (k = 1; k <= 30000; k++)
		n += (size_t)snprintf(big + n, 64, "%zu,\"a,b\"\"c\"\n", k);
	rc = lmi_csv_open(&r, tmpfile_with(big, n), &o);
	CHECK_INT(rc, LMI_OK);
	CHECK_INT(r.header.n, 2);
	CHECK_STR(r.header.f[1], "text");
	k = 0;
	while ((rc = lmi_csv_next(&r, &row)) == 1) {
		k++;
		if (row.line != k + 1 || strcmp(row.f[1], "a,b\"c") != 0 || row.len[1] != 5)
			break;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(k, 30000);
	CHECK_INT(row.line, 30001);
	lmi_csv_close(&r);

	/* A 200 KiB quoted field with embedded newlines spans chunks; the next row's line counts them. */
	n = (size_t)snprintf(big, 32, "a,b\n1,\"");
	for (k = 0; k < 200000; k++)
		big[n++] = (k % 1000 == 999) ? '\n' : 'x';
	n += (size_t)snprintf(big + n, 32, "\"\n2,y\n");
	rc = lmi_csv_open(&r, tmpfile_with(big, n), &o);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_INT(row.len[1], 200000);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_INT(row.line, 2 + 200 + 1); /* line 2 plus 200 embedded newlines */
	lmi_csv_close(&r);

	/* Field cap: a field over max_field is an error naming the cap, not a crash. */
	o.max_field = 1000;
	rc = lmi_csv_open(&r, tmpfile_with(big, n), &o);
	CHECK_INT(rc, LMI_OK);
	rc = lmi_csv_next(&r, &row);
	CHECK_INT(rc, LMI_ETOOBIG);
	CHECK_STR(r.err, "field exceeds 1000 bytes");
	CHECK_INT(r.err_line, 2);
	lmi_csv_close(&r);
	o.max_field = 0;

	/* No header: columns are named 1..N and the first row is data. */
	o.flags = LMI_CSV_NO_HEADER;
	rc = lmi_csv_open(&r, tmpfile_with("x,y,z\n1,2,3\n", 12), &o);
	CHECK_INT(r.header.n, 3);
	CHECK_STR(r.header.f[2], "3");
	CHECK_INT(lmi_csv_col_spec(&r, "2"), 1);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_STR(row.f[0], "x");
	CHECK_INT(row.line, 1);
	CHECK_INT(lmi_csv_next(&r, &row), 1);
	CHECK_INT(lmi_csv_next(&r, &row), 0);
	lmi_csv_close(&r);
	o.flags = 0;

	/* Column lookup by name first, then by position. */
	rc = lmi_csv_open(&r, tmpfile_with("a,2,c\n", 6), &o);
	CHECK_INT(lmi_csv_col(&r, "c"), 2);
	CHECK_INT(lmi_csv_col(&r, "zz"), -1);
	CHECK_INT(lmi_csv_col_spec(&r, "2"), 1); /* the column named "2" */
	CHECK_INT(lmi_csv_col_spec(&r, "3"), 2);
	CHECK_INT(lmi_csv_col_spec(&r, "4"), -1);
	CHECK_INT(lmi_csv_col_spec(&r, "0"), -1);
	lmi_csv_close(&r);

	/* Empty input is not an error. */
	rc = lmi_csv_open(&r, tmpfile_with("", 0), &o);
	CHECK_INT(rc, LMI_OK);
	CHECK_INT(r.header.n, 0);
	CHECK_INT(lmi_csv_next(&r, &row), 0);
	lmi_csv_close(&r);

	/* Missing file. */
	rc = lmi_csv_open(&r, "/nonexistent/x.csv", &o);
	CHECK_INT(rc, LMI_EIO);
	CHECK_STR(r.err, "No such file or directory");
	lmi_csv_close(&r);

	/* Writer: quote only when needed, double quotes, lone empty field. */
	{
		const char *a[] = { "plain", "with,comma", "say \"hi\"", "two\nlines", "" };
		const char *b[] = { "" };
		const char *c[] = { "cr\r", " spaced " };

		CHECK_STR(write_row(a, 5), "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
		CHECK_STR(write_row(b, 1), "\"\"\n");
		CHECK_STR(write_row(c, 2), "\"cr\r\", spaced \n");
	}

	/* UTF-8 validator. */
	CHECK(lmi_utf8_valid((const unsigned char *)"한빛", 6));
	CHECK(!lmi_utf8_valid((const unsigned char *)"\xed\x95", 2));     /* truncated */
	CHECK(!lmi_utf8_valid((const unsigned char *)"\xc0\xaf", 2));     /* overlong '/' */
	CHECK(!lmi_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3)); /* surrogate */
	CHECK(!lmi_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	CHECK(lmi_utf8_valid((const unsigned char *)"\xf0\x9f\x98\x80", 4));  /* U+1F600 */

	free(big);
	remove(tmpfile_with("", 0));
	return UNIT_DONE();
}

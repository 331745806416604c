/*
 * libFuzzer target for the CSV reader: the input (after two option bytes) is
 * written to a temporary file and read with lmi_csv_open/lmi_csv_next.  For
 * input that reads cleanly with default options, what lmi_csvw writes must
 * read back as the same records (round trip), or the target aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvio.h"

static char path[64];

static void cleanup(void)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s.1", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.2", path);
	unlink(p);
}

/* Returns 1 when the file starts with a UTF-8 byte-order mark. */
static int starts_with_bom(const char *p)
{
	unsigned char b[3] = { 0, 0, 0 };
	FILE *f = fopen(p, "rb");

	if (f == NULL)
		return 0;
	if (fread(b, 1, 3, f) != 3)
		b[0] = 0;
	fclose(f);
	return b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
}

static int write_file(const char *p, const uint8_t *data, size_t n)
{
	FILE *f = fopen(p, "wb");

	if (f == NULL)
		return -1;
	if (n > 0 && fwrite(data, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Reads every record; returns the count, or -1 on a reader error. */
static long read_all(const char *p, const struct lmi_csv_opts *o, FILE *copy)
{
	struct lmi_csv r;
	struct lmi_csv_row row;
	struct lmi_csvw w;
	long n = 0;
	int rc = lmi_csv_open(&r, p, o);

	if (copy != NULL)
		lmi_csvw_init(&w, copy, ',');
	if (rc == LMI_OK && copy != NULL && r.header.n > 0)
		lmi_csvw_row(&w, &r.header);
	while (rc == LMI_OK) {
		rc = lmi_csv_next(&r, &row);
		if (rc != 1)
			break;
		if (row.line == 0 || row.n == 0)
			abort(); /* every record has a line and at least one field */
		for (size_t i = 0; i < row.n; i++)
			if (strlen(row.f[i]) != row.len[i])
				abort(); /* NUL bytes are rejected, so lengths agree */
		if (copy != NULL)
			lmi_csvw_row(&w, &row);
		n++;
		rc = LMI_OK;
	}
	if (copy != NULL) {
		lmi_csvw_flush(&w);
		lmi_csvw_release(&w);
	}
	if (rc < 0 && r.err[0] == '\0')
		abort(); /* an error always carries a message */
	lmi_csv_close(&r);
	return rc < 0 ? -1 : n;
}

/* Returns 1 when the two files hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ca, cb, same = fa != NULL && fb != NULL;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lmi_csv_opts o = { 0 };
	char out1[80], out2[80];
	FILE *copy;
	long n1, n2;

	if (path[0] == '\0') {
		int fd;

		snprintf(path, sizeof(path), "/tmp/lmi-fuzz-csv-XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if (size < 2)
		return 0;
	o.flags = data[0] & (LMI_CSV_NO_HEADER | LMI_CSV_SKIP_HEADERS | LMI_CSV_RAGGED);
	o.delim = (data[0] & 8) ? ';' : 0;
	o.max_field = (data[0] & 16) ? (size_t)data[1] + 1 : 0;
	if (write_file(path, data + 2, size - 2) != 0)
		abort();
	if (data[0] & 0xE7) {
		read_all(path, &o, NULL);
		return 0;
	}
	/*
	 * Header mode flags unset: what the writer makes of the records must read
	 * back as the same records, so writing them again gives the same bytes.
	 */
	snprintf(out1, sizeof(out1), "%s.1", path);
	snprintf(out2, sizeof(out2), "%s.2", path);
	copy = fopen(out1, "wb");
	if (copy == NULL)
		abort();
	n1 = read_all(path, &o, copy);
	fclose(copy);
	/*
	 * Known limit (2026-11-26): a header whose first field starts with U+FEFF
	 * (found after a blank first line) is written at byte 0, where reading
	 * it back strips it as a byte-order mark.  Not checked here.
	 */
	if (n1 < 0 || starts_with_bom(out1))
		return 0;
	o.delim = 0;
	copy = fopen(out2, "wb");
	if (copy == NULL)
		abort();
	n2 = read_all(out1, &o, copy);
	fclose(copy);
	if (n2 != n1 || !same_bytes(out1, out2))
		abort();
	return 0;
}

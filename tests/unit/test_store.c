/* Unit tests for lib/store: type detection, upsert accounting, batches, the checksumming reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"
#include "unit.h"

static void test_detect(void)
{
	/* Hand-classified: leading zeros mean a code (text); "0" alone is a number. */
	CHECK_INT(lmi_store_detect("12", 2), LMI_STORE_INTEGER);
	CHECK_INT(lmi_store_detect("-3", 2), LMI_STORE_INTEGER);
	CHECK_INT(lmi_store_detect("0", 1), LMI_STORE_INTEGER);
	CHECK_INT(lmi_store_detect("", 0), LMI_STORE_INTEGER);
	CHECK_INT(lmi_store_detect("0110", 4), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("-01", 3), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("0.5", 3), LMI_STORE_REAL);
	CHECK_INT(lmi_store_detect("-1.25", 5), LMI_STORE_REAL);
	CHECK_INT(lmi_store_detect("2e3", 3), LMI_STORE_REAL);
	CHECK_INT(lmi_store_detect("1E-2", 4), LMI_STORE_REAL);
	CHECK_INT(lmi_store_detect("1e", 2), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect(".", 1), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("-", 1), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("1.2.3", 5), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("1,000", 5), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect(" 1", 2), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("nan", 3), LMI_STORE_TEXT);
	CHECK_INT(lmi_store_detect("inf", 3), LMI_STORE_TEXT);
	/* 19 digits do not fit a 64-bit integer safely: REAL */
	CHECK_INT(lmi_store_detect("1234567890123456789", 19), LMI_STORE_REAL);
	CHECK_STR(lmi_store_type_name(LMI_STORE_REAL), "REAL");
}

static long long q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int put(struct lmi_store *s, const char *a, const char *b, const char *c)
{
	const char *f[3] = { a, b, c };
	size_t len[3] = { strlen(a), strlen(b), strlen(c) };

	return lmi_store_row(s, f, len);
}

static void test_upsert(const char *dir)
{
	static const char *const cols[] = { "id", "name", "amount" };
	static const enum lmi_store_type types[] = { LMI_STORE_TEXT, LMI_STORE_TEXT,
						      LMI_STORE_INTEGER };
	static const unsigned char key[] = { 1, 0, 0 };
	struct lmi_store s;
	char path[4096];

	snprintf(path, sizeof(path), "%s/u.db", dir);
	CHECK_INT(lmi_store_open(&s, path, 2), LMI_OK);
	CHECK_INT(lmi_store_table(&s, "t", cols, types, key, 3), LMI_OK);
	/* 3 new rows, then the same row (unchanged), then a changed amount (updated) */
	CHECK_INT(put(&s, "01", "a", "10"), LMI_OK);
	CHECK_INT(put(&s, "02", "b", ""), LMI_OK);
	CHECK_INT(put(&s, "03", "c", "x"), LMI_OK);
	CHECK_INT(put(&s, "01", "a", "10"), LMI_OK);
	CHECK_INT(put(&s, "02", "b", "7"), LMI_OK);
	CHECK_INT(s.in, 5);
	CHECK_INT(s.inserted, 3);
	CHECK_INT(s.unchanged, 1);
	CHECK_INT(s.updated, 1);
	/* batch of 2: after 5 rows, 4 are committed and 1 waits in the open transaction */
	CHECK_INT(s.in_tx, 1);
	CHECK_INT(s.inbatch, 1);
	CHECK_INT(lmi_store_file_done(&s, "t", "x.csv", "00", 5, 3, 1, 1), LMI_OK);
	CHECK_INT(s.in_tx, 0);
	CHECK_INT(q1(s.db, "SELECT count(*) FROM t"), 3);
	CHECK_INT(q1(s.db, "SELECT amount FROM t WHERE id = '02'"), 7);
	/* a non-number in an INTEGER column is kept as text, an empty one is NULL */
	CHECK_INT(q1(s.db, "SELECT typeof(amount) = 'text' FROM t WHERE id = '03'"), 1);
	CHECK_INT(q1(s.db, "SELECT count(*) FROM loads WHERE rows = 5 AND updated = 1"), 1);
	CHECK_INT(q1(s.db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	lmi_store_close(&s);

	/* an existing table with other columns is refused with a message */
	static const char *const other[] = { "id", "label", "amount" };

	CHECK_INT(lmi_store_open(&s, path, 0), LMI_OK);
	CHECK_INT(lmi_store_table(&s, "t", other, types, key, 3), LMI_EINVAL);
	CHECK_STR(s.err, "table 't' has column 'name', which the input lacks");
	lmi_store_close(&s);

	/* an uncommitted batch is rolled back on close */
	CHECK_INT(lmi_store_open(&s, path, 100), LMI_OK);
	CHECK_INT(lmi_store_table(&s, "t", cols, types, key, 3), LMI_OK);
	CHECK_INT(put(&s, "04", "d", "1"), LMI_OK);
	lmi_store_close(&s);
	CHECK_INT(lmi_store_open(&s, path, 0), LMI_OK);
	CHECK_INT(q1(s.db, "SELECT count(*) FROM t"), 3);
	lmi_store_close(&s);

	/* all columns in the key: DO NOTHING, so repeats are unchanged */
	static const unsigned char all[] = { 1, 1, 1 };

	CHECK_INT(lmi_store_open(&s, path, 0), LMI_OK);
	CHECK_INT(lmi_store_table(&s, "k", cols, types, all, 3), LMI_OK);
	CHECK_INT(put(&s, "1", "", ""), LMI_OK);
	CHECK_INT(put(&s, "1", "", ""), LMI_OK);
	CHECK_INT(s.inserted, 1);
	CHECK_INT(s.unchanged, 1);
	lmi_store_close(&s);
}

static void test_sha256(const char *dir)
{
	struct lmi_sha256 h;
	char path[4096], hex[65], buf[8];
	FILE *fp;

	/* FIPS 180-2, appendix B.1: SHA-256("abc") */
	snprintf(path, sizeof(path), "%s/abc.txt", dir);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fputs("abc", fp);
	fclose(fp);
	fp = lmi_sha256_fopen(&h, path);
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	CHECK_INT(fread(buf, 1, sizeof(buf), fp), 3);
	CHECK_INT(fclose(fp), 0);
	lmi_sha256_hex(&h, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(lmi_sha256_fopen(&h, "/nonexistent/x") == NULL);
}

int main(void)
{
	char dir[] = "/tmp/lmi-test-store-XXXXXX";

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_detect();
	test_upsert(dir);
	test_sha256(dir);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("not ok cleanup %s\n", dir);
	}
	return UNIT_DONE();
}

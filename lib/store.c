/* SQLite warehouse: typed tables, idempotent upsert in one transaction per batch, WAL, load log. */
#define _GNU_SOURCE /* fopencookie */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store.h"
#include "banned.h"

static int fail(struct lmi_store *s, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lmi_store *s, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return status;
}

static int db_fail(struct lmi_store *s, const char *what)
{
	return fail(s, LMI_EIO, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int exec(struct lmi_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail(s, LMI_EIO, "%s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return LMI_EIO;
	}
	return LMI_OK;
}

/* A growing SQL text; allocation failures die (lmi_xrealloc). */
struct sql {
	char *p;
	size_t len, cap;
};

static void sql_add(struct sql *q, const char *s, size_t n)
{
	if (q->len + n + 1 > q->cap) {
		q->cap = (q->len + n + 1) * 2;
		q->p = lmi_xrealloc(q->p, q->cap);
	}
	memcpy(q->p + q->len, s, n);
	q->len += n;
	q->p[q->len] = '\0';
}

static void sql_str(struct sql *q, const char *s)
{
	sql_add(q, s, strlen(s));
}

/* Appends "name" with inner quotes doubled: any column name is a safe identifier. */
static void sql_ident(struct sql *q, const char *name)
{
	sql_add(q, "\"", 1);
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			sql_add(q, "\"\"", 2);
		else
			sql_add(q, p, 1);
	}
	sql_add(q, "\"", 1);
}

const char *lmi_store_type_name(enum lmi_store_type t)
{
	return t == LMI_STORE_INTEGER ? "INTEGER" : t == LMI_STORE_REAL ? "REAL" : "TEXT";
}

enum lmi_store_type lmi_store_detect(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	int dot = 0, exp = 0;

	if (len == 0)
		return LMI_STORE_INTEGER;
	if (s[0] == '-')
		i++;
	if (i < len && s[i] == '0' && i + 1 < len && isdigit((unsigned char)s[i + 1]))
		return LMI_STORE_TEXT; /* a leading zero: a code */
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdigit(c)) {
			digits++;
		} else if (c == '.' && !dot && !exp) {
			dot = 1;
		} else if ((c == 'e' || c == 'E') && !exp && digits > 0) {
			exp = 1;
			if (i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'))
				i++;
			if (i + 1 >= len)
				return LMI_STORE_TEXT;
		} else {
			return LMI_STORE_TEXT;
		}
	}
	if (digits == 0)
		return LMI_STORE_TEXT;
	if (!dot && !exp)
		return digits <= 18 ? LMI_STORE_INTEGER : LMI_STORE_REAL;
	return LMI_STORE_REAL;
}

int lmi_store_open(struct lmi_store *s, const char *path, size_t batch)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->batch = batch ? batch : LMI_STORE_BATCH;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return fail(s, LMI_EIO, "cannot open '%s': %s", path,
			    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_busy_timeout(s->db, 10000);
	/*
	 * WAL: readers keep working during a load, and a killed process leaves
	 * the last committed batch.  synchronous=NORMAL is safe against a killed
	 * process (not against power loss, where the last batches may go).
	 */
	rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
	if (rc == LMI_OK)
		rc = exec(s, "CREATE TABLE IF NOT EXISTS loads (id INTEGER PRIMARY KEY, tbl TEXT, "
			     "file TEXT, rows INTEGER, inserted INTEGER, updated INTEGER, "
			     "unchanged INTEGER, sha256 TEXT, loaded_at TEXT)");
	if (rc == LMI_OK &&
	    sqlite3_prepare_v2(s->db, "INSERT INTO loads (tbl, file, rows, inserted, updated, "
			       "unchanged, sha256, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1,
			       &s->log, NULL) != SQLITE_OK)
		rc = db_fail(s, "cannot prepare the load log");
	return rc;
}

/* Checks that an existing table has exactly the given columns; 0 when it does not exist. */
static int check_existing(struct lmi_store *s, const char *name, const char *const *cols, size_t n,
			  int *exists)
{
	struct sql q = { 0 };
	sqlite3_stmt *st = NULL;
	size_t found = 0;
	int rc = LMI_OK, step;
	unsigned char *seen = lmi_xcalloc(n + 1, 1);

	*exists = 0;
	sql_str(&q, "SELECT name FROM pragma_table_info(?)");
	if (sqlite3_prepare_v2(s->db, q.p, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, "cannot read the table's columns");
		goto out;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		size_t i;

		*exists = 1;
		for (i = 0; i < n; i++)
			if (c && strcmp(c, cols[i]) == 0)
				break;
		if (i == n) {
			rc = fail(s, LMI_EINVAL,
				  "table '%s' has column '%s', which the input lacks", name,
				  c ? c : "");
			goto out;
		}
		seen[i] = 1;
		found++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(s, "cannot read the table's columns");
		goto out;
	}
	if (*exists && found != n)
		for (size_t i = 0; i < n; i++)
			if (!seen[i]) {
				rc = fail(s, LMI_EINVAL, "table '%s' has no column '%s'", name,
					  cols[i]);
				goto out;
			}
out:
	sqlite3_finalize(st);
	free(q.p);
	free(seen);
	return rc;
}

int lmi_store_table(struct lmi_store *s, const char *name, const char *const *cols,
		    const enum lmi_store_type *types, const unsigned char *iskey, size_t n)
{
	struct sql q = { 0 };
	size_t nkey = 0, nval = 0;
	int exists, rc;
	char num[32];

	if (n == 0 || n > LMI_STORE_MAX_COLS)
		return fail(s, LMI_EINVAL, "a table needs 1 to %d columns", LMI_STORE_MAX_COLS);
	for (size_t i = 0; i < n; i++)
		nkey += iskey[i];
	if (nkey == 0)
		return fail(s, LMI_EINVAL, "no key columns");
	rc = check_existing(s, name, cols, n, &exists);
	if (rc != LMI_OK)
		return rc;
	s->ncol = n;
	s->type = lmi_xcalloc(n, sizeof(*s->type));
	s->iskey = lmi_xcalloc(n, 1);
	memcpy(s->type, types, n * sizeof(*s->type));
	memcpy(s->iskey, iskey, n);
	if (!exists) {
		sql_str(&q, "CREATE TABLE ");
		sql_ident(&q, name);
		sql_str(&q, " (");
		for (size_t i = 0; i < n; i++) {
			sql_ident(&q, cols[i]);
			sql_str(&q, " ");
			sql_str(&q, lmi_store_type_name(types[i]));
			sql_str(&q, ", ");
		}
		sql_str(&q, "PRIMARY KEY (");
		for (size_t i = 0, k = 0; i < n; i++)
			if (iskey[i]) {
				sql_str(&q, k++ ? ", " : "");
				sql_ident(&q, cols[i]);
			}
		sql_str(&q, "))");
		rc = exec(s, q.p);
		q.len = 0;
		if (rc != LMI_OK)
			goto out;
	}
	sql_str(&q, "INSERT INTO ");
	sql_ident(&q, name);
	sql_str(&q, " (");
	for (size_t i = 0; i < n; i++) {
		sql_str(&q, i ? ", " : "");
		sql_ident(&q, cols[i]);
	}
	sql_str(&q, ") VALUES (");
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%s?%zu", i ? ", " : "", i + 1);
		sql_str(&q, num);
	}
	sql_str(&q, ") ON CONFLICT (");
	for (size_t i = 0, k = 0; i < n; i++)
		if (iskey[i]) {
			sql_str(&q, k++ ? ", " : "");
			sql_ident(&q, cols[i]);
		}
	nval = n - nkey;
	if (nval == 0) {
		sql_str(&q, ") DO NOTHING");
	} else {
		sql_str(&q, ") DO UPDATE SET ");
		for (size_t i = 0, k = 0; i < n; i++)
			if (!iskey[i]) {
				sql_str(&q, k++ ? ", " : "");
				sql_ident(&q, cols[i]);
				sql_str(&q, " = excluded.");
				sql_ident(&q, cols[i]);
			}
		/* Only when something changed: an unchanged row is not rewritten. */
		sql_str(&q, " WHERE ");
		for (size_t i = 0, k = 0; i < n; i++)
			if (!iskey[i]) {
				sql_str(&q, k++ ? " OR " : "");
				sql_ident(&q, cols[i]);
				sql_str(&q, " IS NOT excluded.");
				sql_ident(&q, cols[i]);
			}
	}
	if (sqlite3_prepare_v2(s->db, q.p, -1, &s->up, NULL) != SQLITE_OK)
		rc = db_fail(s, "cannot prepare the upsert");
out:
	free(q.p);
	return rc;
}

static int begin(struct lmi_store *s)
{
	if (s->in_tx)
		return LMI_OK;
	if (exec(s, "BEGIN IMMEDIATE") != LMI_OK)
		return LMI_EIO;
	s->in_tx = 1;
	s->inbatch = 0;
	return LMI_OK;
}

static int commit(struct lmi_store *s)
{
	if (!s->in_tx)
		return LMI_OK;
	if (exec(s, "COMMIT") != LMI_OK)
		return LMI_EIO;
	s->in_tx = 0;
	s->inbatch = 0;
	return LMI_OK;
}

static int bind(struct lmi_store *s, int i, const char *f, size_t len)
{
	int rc;

	if (len == 0)
		return s->iskey[i] ? sqlite3_bind_text(s->up, i + 1, "", 0, SQLITE_STATIC)
				   : sqlite3_bind_null(s->up, i + 1);
	if (s->type[i] != LMI_STORE_TEXT) {
		enum lmi_store_type t = lmi_store_detect(f, len);
		char *end;

		if (t == LMI_STORE_INTEGER) {
			errno = 0;
			long long v = strtoll(f, &end, 10);

			if (errno == 0 && end == f + len)
				return s->type[i] == LMI_STORE_INTEGER
					       ? sqlite3_bind_int64(s->up, i + 1, v)
					       : sqlite3_bind_double(s->up, i + 1, (double)v);
		} else if (t == LMI_STORE_REAL) {
			double v = strtod(f, &end);

			if (end == f + len && isfinite(v))
				return sqlite3_bind_double(s->up, i + 1, v);
		}
	}
	rc = sqlite3_bind_text(s->up, i + 1, f, (int)len, SQLITE_STATIC);
	return rc;
}

int lmi_store_row(struct lmi_store *s, const char *const *f, const size_t *len)
{
	int rc;

	if (begin(s) != LMI_OK)
		return LMI_EIO;
	for (size_t i = 0; i < s->ncol; i++) {
		if (len[i] > (size_t)sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, -1))
			return fail(s, LMI_ETOOBIG, "field %zu over SQLite's length limit", i + 1);
		if (bind(s, (int)i, f[i], len[i]) != SQLITE_OK)
			return db_fail(s, "cannot bind a value");
	}
	/*
	 * Inserted, updated or unchanged: the upsert changes no row when nothing
	 * differs, and an update leaves last_insert_rowid alone, which is reset
	 * to 0 first (every inserted row gets a rowid of 1 or more).
	 */
	sqlite3_set_last_insert_rowid(s->db, 0);
	rc = sqlite3_step(s->up);
	sqlite3_reset(s->up);
	sqlite3_clear_bindings(s->up);
	if (rc != SQLITE_DONE)
		return db_fail(s, "cannot store a row");
	s->in++;
	if (sqlite3_changes(s->db) == 0)
		s->unchanged++;
	else if (sqlite3_last_insert_rowid(s->db) != 0)
		s->inserted++;
	else
		s->updated++;
	if (++s->inbatch >= s->batch)
		return commit(s);
	return LMI_OK;
}

int lmi_store_file_done(struct lmi_store *s, const char *table, const char *file,
			const char *sha256, unsigned long long rows, unsigned long long ins,
			unsigned long long upd, unsigned long long same)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		now[0] = '\0';
	if (begin(s) != LMI_OK)
		return LMI_EIO;
	sqlite3_bind_text(s->log, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->log, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->log, 3, (sqlite3_int64)rows);
	sqlite3_bind_int64(s->log, 4, (sqlite3_int64)ins);
	sqlite3_bind_int64(s->log, 5, (sqlite3_int64)upd);
	sqlite3_bind_int64(s->log, 6, (sqlite3_int64)same);
	sqlite3_bind_text(s->log, 7, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->log, 8, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s->log) != SQLITE_DONE) {
		sqlite3_reset(s->log);
		return db_fail(s, "cannot record the load");
	}
	sqlite3_reset(s->log);
	return commit(s);
}

void lmi_store_close(struct lmi_store *s)
{
	if (s->db && s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(s->up);
	sqlite3_finalize(s->log);
	if (s->db)
		sqlite3_close(s->db);
	free(s->type);
	free(s->iskey);
	s->db = NULL;
	s->up = s->log = NULL;
	s->type = NULL;
	s->iskey = NULL;
}

/* ---- checksumming reader ---- */

static ssize_t hash_read(void *cookie, char *buf, size_t size)
{
	struct lmi_sha256 *h = cookie;
	size_t got = fread(buf, 1, size, h->src);

	if (got == 0 && ferror(h->src))
		return -1;
	crypto_hash_sha256_update(&h->st, (const unsigned char *)buf, got);
	h->bytes += got;
	return (ssize_t)got;
}

static int hash_close(void *cookie)
{
	struct lmi_sha256 *h = cookie;
	int rc = 0;

	if (h->own)
		rc = fclose(h->src);
	h->src = NULL;
	return rc;
}

FILE *lmi_sha256_fopen(struct lmi_sha256 *h, const char *path)
{
	cookie_io_functions_t io = { .read = hash_read, .close = hash_close };
	FILE *fp;

	memset(h, 0, sizeof(*h));
	if (sodium_init() < 0) {
		errno = ENOSYS;
		return NULL;
	}
	crypto_hash_sha256_init(&h->st);
	if (path == NULL || strcmp(path, "-") == 0) {
		h->src = stdin;
	} else {
		h->src = fopen(path, "rb");
		if (h->src == NULL)
			return NULL;
		h->own = 1;
	}
	fp = fopencookie(h, "r", io);
	if (fp == NULL && h->own)
		fclose(h->src);
	return fp;
}

void lmi_sha256_hex(struct lmi_sha256 *h, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_final(&h->st, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

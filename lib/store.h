/* SQLite warehouse: typed tables, idempotent upsert in one transaction per batch, WAL, load log. */
#ifndef LMI_STORE_H
#define LMI_STORE_H

#include <sqlite3.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>

#define LMI_STORE_BATCH 10000       /* default rows per transaction */
#define LMI_STORE_MAX_COLS 2000     /* SQLite's default column limit */

/* Declared column types (SQLite type affinities). */
enum lmi_store_type {
	LMI_STORE_TEXT,
	LMI_STORE_INTEGER,
	LMI_STORE_REAL,
};

/*
 * A connection and the table being loaded.  Counters are cumulative over
 * every file loaded through the same struct.
 */
struct lmi_store {
	sqlite3 *db;
	sqlite3_stmt *up;   /* the upsert */
	sqlite3_stmt *log;  /* INSERT INTO loads */
	size_t ncol;
	enum lmi_store_type *type;
	unsigned char *iskey;
	size_t batch;       /* rows per transaction */
	size_t inbatch;     /* rows in the open transaction */
	int in_tx;
	unsigned long long in, inserted, updated, unchanged;
	char err[512];
};

/*
 * Opens (creating) the database at path in WAL mode and creates the `loads`
 * table (id, tbl, file, rows, inserted, updated, unchanged, sha256, loaded_at)
 * when missing.  batch is the number of rows per transaction (0: default).
 * Returns LMI_OK or LMI_EIO with s->err set; call lmi_store_close() always.
 */
int lmi_store_open(struct lmi_store *s, const char *path, size_t batch);

/*
 * Creates table `name` with the columns cols[0..n-1] of the given types and
 * the primary key made of the columns whose iskey[i] is 1, unless it exists.
 * An existing table must have exactly these column names (in any order).
 * Prepares the upsert: INSERT ... ON CONFLICT(key) DO UPDATE, only when a
 * value changed.  Returns LMI_OK or LMI_EINVAL / LMI_EIO with s->err set.
 */
int lmi_store_table(struct lmi_store *s, const char *name, const char *const *cols,
		    const enum lmi_store_type *types, const unsigned char *iskey, size_t n);

/*
 * Upserts one row of s->ncol fields (f[i] of len[i] bytes; f[i] must stay valid
 * during the call).  Empty fields are NULL, except in key columns, where they
 * are '' so that keys with empty parts still conflict.  Values of INTEGER and
 * REAL columns that parse as such are bound as numbers, others as text (never
 * lost).  Opens a transaction when none is open and commits every s->batch
 * rows.  Counts the row as inserted, updated or unchanged.  Returns LMI_OK or
 * LMI_EIO with s->err set.
 */
int lmi_store_row(struct lmi_store *s, const char *const *f, const size_t *len);

/*
 * Records a loaded file in `loads` (in the open transaction, so the record
 * and the file's last rows commit together) and commits.  sha256 is the hex
 * digest of the file's bytes; the counts are those since the previous call.
 */
int lmi_store_file_done(struct lmi_store *s, const char *table, const char *file,
			const char *sha256, unsigned long long rows, unsigned long long ins,
			unsigned long long upd, unsigned long long same);

/* Rolls back an open transaction and closes everything; safe on a zeroed struct. */
void lmi_store_close(struct lmi_store *s);

/*
 * The type a value suggests: INTEGER for an optional '-' and 1 to 18 digits
 * without a leading zero ("0" itself is INTEGER; "0110" is TEXT, a code),
 * REAL for a finite decimal such as "-1.5", "0.25" or "2e3" (again no leading
 * zero before other digits), else TEXT.  Empty is INTEGER (it fits any type).
 */
enum lmi_store_type lmi_store_detect(const char *s, size_t len);

/* Returns the SQL name of a type: "TEXT", "INTEGER" or "REAL". */
const char *lmi_store_type_name(enum lmi_store_type t);

/*
 * A FILE that reads path (NULL or "-": stdin) and feeds every byte it returns
 * into a SHA-256 state, so a file is checksummed in the same pass that loads
 * it.  Returns NULL with errno set on failure.  fclose() it; then call
 * lmi_sha256_hex() for the digest of the bytes read.
 */
struct lmi_sha256 {
	crypto_hash_sha256_state st;
	FILE *src;
	int own;
	unsigned long long bytes;
};
FILE *lmi_sha256_fopen(struct lmi_sha256 *h, const char *path);

/* Writes the 64-hex-digit digest into out (65 bytes) and finalises the state. */
void lmi_sha256_hex(struct lmi_sha256 *h, char out[65]);

#endif

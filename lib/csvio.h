/* Streaming CSV reader on libcsv with line numbers and strict checks, and an RFC 4180 writer. */
#ifndef LMI_CSVIO_H
#define LMI_CSVIO_H

#include <csv.h>
#include <stddef.h>
#include <stdio.h>

enum lmi_csv_flags {
	LMI_CSV_NO_HEADER = 1 << 0,  /* first row is data; columns are named "1".."N" */
	LMI_CSV_SKIP_HEADERS = 1 << 1, /* drop data rows identical to the header */
	LMI_CSV_RAGGED = 1 << 2,     /* allow rows whose field count differs from the header */
};

#define LMI_CSV_MAX_FIELD (16u << 20) /* default cap on one field, bytes */
#define LMI_CSV_MAX_FIELDS 100000u    /* default cap on fields per row */

struct lmi_csv_opts {
	unsigned flags;
	unsigned char delim;     /* 0 means ',' */
	const char *header_from; /* read the header from this file's first row; input has none */
	size_t max_field;        /* 0 means LMI_CSV_MAX_FIELD */
};

/*
 * One record.  f[i] is NUL-terminated and len[i] is its length in bytes.  The
 * pointers are valid only until the next lmi_csv_next() or lmi_csv_close().
 * `line` is the physical line on which the record starts (1-based).  needq,
 * when not NULL, says for each field whether it holds a comma, quote, CR or
 * LF: the reader sets it so that a comma-separated writer need not look
 * again.  Code that builds a row or changes a field must leave it NULL.
 */
struct lmi_csv_row {
	size_t n;
	char **f;
	size_t *len;
	unsigned long line;
	const unsigned char *needq;
};

struct lmi_csv_pending {
	size_t first; /* index of the first field in the queue */
	size_t at;    /* arena offset of its first field; the others follow it */
	size_t n;
	unsigned long line;
};

/* Private: what prescan() found about one field (see csvio.c). */
struct lmi_csv_mark {
	unsigned long long ord;
	unsigned lf;
	unsigned char needq;
};

struct lmi_csv_thread; /* private: the reader thread (csvio.c) */

/*
 * A reader.  While its thread runs, the thread writes the parser's fields
 * for every field it reads, and the reading side touches r for every row;
 * the two groups sit on cache lines of their own (_Alignas(64)), or each
 * write would pull the other core's line away.  Declare readers as objects
 * (automatic or static), which the compiler aligns; do not malloc() one.
 */
struct lmi_csv {
	/* Public, read-only. */
	const char *name;          /* file name for messages; "<stdin>" for standard input */
	struct lmi_csv_row header; /* n == 0 when the input was empty */
	unsigned long err_line;    /* line of the error when a call returned < 0 */
	char err[256];             /* message of the last error, without file:line */
	unsigned long long headers_skipped;

	/* Private. */
	FILE *fp;
	int own_fp;
	unsigned flags;
	unsigned char delim;
	size_t max_field;
	_Alignas(64) struct csv_parser p; /* the thread's, from here to outf */
	int parser_ready;
	int eof;
	int started; /* first byte seen (BOM check done) */
	int pending_cr;
	int in_quotes;  /* prescan(): the input so far ends inside quotes ... */
	unsigned long long prev_q, prev_eol; /* ... with a quote, CR or LF */
	unsigned long long terms;  /* prescan(): 1 + fields ended by the chunk (0: not counted) */
	unsigned long long fields; /* on_field(): fields seen so far */
	struct lmi_csv_mark *marks; /* fields that need quotes or hold LFs, in order */
	size_t nmarks, mcap, mpos;
	size_t fast_lim; /* on_field(): fields this long or longer go the slow way; 0 while
			  * fields are checked in full (an unclean chunk, or after an error) */
	unsigned long long mark_next; /* ord of marks[mpos], or ~0 when none is left */
	int utf8_ok;    /* the chunk being parsed is valid UTF-8 and holds no NUL */
	size_t held;    /* bytes of a cut UTF-8 character kept at the start of in */
	unsigned long row_lf; /* LF bytes inside the fields of the record being read */
	int status; /* first error seen by a callback, LMI_OK if none */
	size_t err_at; /* rows queued before the error */
	unsigned long line;
	unsigned char *in;
	char *arena;
	size_t alen, acap;
	size_t *flen;
	unsigned char *fq; /* needq of each queued field */
	size_t nf, fcap;
	size_t cur_first, cur_at; /* the record being read: first field's index and offset */
	struct lmi_csv_pending *rows;
	size_t nrows, rcap, rpos;
	int full_read;  /* fill(): the last read filled the chunk, so more may follow */
	_Alignas(64) char **outf; /* the reading side from here on: a cache line of its own */
	size_t outcap;
	char *hdr_mem;
	int may_thread; /* the header is in: next_raw() may hand parsing to a thread */
	struct lmi_csv_thread *thr;
};

/*
 * Opens `path` (NULL or "-" for stdin) and reads the header row.  Returns
 * LMI_OK, or a negative status with r->err (and r->err_line) set; call
 * lmi_csv_close() in both cases.  An empty input is not an error: then
 * r->header.n == 0 and lmi_csv_next() returns 0.
 */
int lmi_csv_open(struct lmi_csv *r, const char *path, const struct lmi_csv_opts *opts);

/*
 * Like lmi_csv_open() on a stream the caller owns (a decoder, a pipe, a
 * checksumming reader); `name` is used in messages and must outlive r.
 * lmi_csv_close() does not close fp.
 */
int lmi_csv_open_fp(struct lmi_csv *r, FILE *fp, const char *name,
		    const struct lmi_csv_opts *opts);

/*
 * Reads the next record into *row.  Returns 1 for a record, 0 at end of
 * input, or a negative status with r->err and r->err_line set.  Input
 * longer than one 64 KiB chunk is parsed ahead by a second thread when the
 * machine has two or more CPUs and LMI_READER_THREAD is not "0"; rows,
 * errors and their order are the same either way.  Errors:
 * unterminated quote, stray quote, wrong field count (unless LMI_CSV_RAGGED),
 * invalid UTF-8, a NUL byte, a field over the size cap, a read error.
 * Records before the faulty one are all returned first.
 */
int lmi_csv_next(struct lmi_csv *r, struct lmi_csv_row *row);

/*
 * Copies a row into one allocation (fields, lengths and bytes); free() it.
 * Returns NULL when out of memory.
 */
struct lmi_csv_row *lmi_csv_row_dup(const struct lmi_csv_row *src);

/* Returns 1 when both rows have the same fields byte for byte, else 0. */
int lmi_csv_row_equal(const struct lmi_csv_row *a, const struct lmi_csv_row *b);

/* Releases everything; safe after a failed open and on a zeroed struct. */
void lmi_csv_close(struct lmi_csv *r);

/* Returns the 0-based index of the header column `name`, or -1. */
int lmi_csv_col(const struct lmi_csv *r, const char *name);

/*
 * Resolves a column given by name or, when it is all digits and no column has
 * that name, by 1-based position.  Returns the 0-based index or -1.
 */
int lmi_csv_col_spec(const struct lmi_csv *r, const char *spec);

/* Returns 1 when the string is valid UTF-8 (no overlongs, no surrogates), else 0. */
int lmi_utf8_valid(const unsigned char *s, size_t n);

/*
 * RFC 4180 writer: fields are quoted only when they hold the delimiter, a
 * quote, CR or LF; quotes are doubled; rows end with LF.  Output is buffered
 * in w; lmi_csvw_flush() must be called at the end.  Write errors are sticky:
 * every call after one returns LMI_EIO.
 */
struct lmi_csvw {
	FILE *fp;
	unsigned char delim;
	char *buf;
	size_t len, cap;
	size_t nfield;
	size_t rowstart;
	int status;
};

/* With fp NULL the writer only collects: buf[0..len) holds the text until lmi_csvw_clear(). */
void lmi_csvw_init(struct lmi_csvw *w, FILE *fp, unsigned char delim);
void lmi_csvw_clear(struct lmi_csvw *w);
/* Appends nfields fields that a writer with the same delimiter already encoded as s[0..n). */
int lmi_csvw_encoded(struct lmi_csvw *w, const char *s, size_t n, size_t nfields);
int lmi_csvw_field(struct lmi_csvw *w, const char *s, size_t n);
/* 1 when lmi_csvw_field() would quote s[0..n) for a writer with this delimiter. */
int lmi_csvw_needs_quotes(const char *s, size_t n, unsigned char delim);
int lmi_csvw_str(struct lmi_csvw *w, const char *s);
int lmi_csvw_endrow(struct lmi_csvw *w);
/*
 * Writes the fields of row (lmi_csvw_span: fields from .. to-1) without ending
 * it, so more fields may follow; fast for rows as read (needq set).
 */
int lmi_csvw_fields(struct lmi_csvw *w, const struct lmi_csv_row *row);
int lmi_csvw_span(struct lmi_csvw *w, const struct lmi_csv_row *row, size_t from, size_t to);
int lmi_csvw_row(struct lmi_csvw *w, const struct lmi_csv_row *row);
int lmi_csvw_flush(struct lmi_csvw *w);
void lmi_csvw_release(struct lmi_csvw *w);

#endif

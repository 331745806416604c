/*
 * Source profiles: how the columns of one source extract map to a canonical
 * schema, with a transform per field; plus a reader that converts a legacy
 * encoding (CP949, EUC-KR, ...) to UTF-8 through iconv.
 */
#ifndef LMI_PROFILE_H
#define LMI_PROFILE_H

#include <iconv.h>
#include <stddef.h>
#include <stdio.h>

#include "csvio.h"
#include "pseudo.h"
#include "schema.h"

#define LMI_PROFILE_MAX_LINE 4096u  /* bytes of one profile line */
#define LMI_PROFILE_MAX_SRC 8u      /* alternative source columns of one field */

/* Field transforms; see lmi-ingest(1), FILES, for what each one does. */
enum lmi_xform {
	LMI_X_NONE,      /* field not mapped: emitted empty */
	LMI_X_TEXT,      /* verbatim */
	LMI_X_CODE,      /* trimmed; leading zeros kept */
	LMI_X_DIGITS,    /* '-', '.', ' ' dropped, the rest must be digits */
	LMI_X_INT,       /* base-10 integer, ',' separators allowed */
	LMI_X_NUM,       /* decimal number */
	LMI_X_MONEY,     /* lmi_parse_money(): "3,000,000", "250만원"; "협의" is empty */
	LMI_X_DATE,      /* lmi_parse_date() to ISO */
	LMI_X_ENDDATE,   /* a date where "채용시까지" and 9999-12-31 mean open-ended: empty */
	LMI_X_OPEN,      /* 1 when the value means "until filled", else 0 */
	LMI_X_BOOL,      /* Y/N, 1/0, true/false, yes/no, 예/아니오 -> 1/0 */
	LMI_X_WAGE_TYPE, /* lmi_wage_type_code(): H, D, M, Y, 시급, 일급, 월급, 연봉 */
	LMI_X_PERSON,    /* keyed hash of a person identifier (lib/pseudo) */
	LMI_X_CONST,     /* the constant after "const:" */
	LMI_X_MAP,       /* "map:FROM=TO;FROM=TO": a lookup table; TO values pass as is */
};

/* Returns 1 when the transform can reject a value (the field then gets a raw_ column). */
int lmi_xform_can_fail(enum lmi_xform x);

/* How one canonical field is made. */
struct lmi_profile_rule {
	enum lmi_xform x;
	char *src[LMI_PROFILE_MAX_SRC]; /* alternative source columns; the first present wins */
	size_t nsrc;                    /* 0 for const and unmapped fields */
	int optional;                   /* the source column may be missing from the header */
	char *arg;                      /* const value, or the map table */
	unsigned long line;             /* line of the rule in the profile file */
};

/*
 * A profile loaded for one kind.  rule[i] describes schema->fields[i].  The
 * struct owns its strings; lmi_profile_release() frees them.
 */
struct lmi_profile {
	const struct lmi_schema *schema;
	struct lmi_profile_rule *rule;
	int has_person;     /* some rule uses the person transform */
	char *scratch;      /* per-row work buffer */
	size_t scratch_cap;
	size_t *failed;     /* per-row list of failed field indexes */
	char *hex;          /* per-row person keys, 65 bytes per field (has_person only) */
	unsigned long err_line; /* line of the error when load returned < 0 (0: none) */
	char err[256];          /* message of the last error */
};

/*
 * Finds the file of profile `name`: a name holding '/' is a path used as is;
 * otherwise NAME.profile is looked for in $LMI_PROFILE_DIR (when set), then
 * in EXEDIR/../data-samples/profiles and EXEDIR/../share/lmi/profiles, where
 * EXEDIR is the folder of the running executable.  Writes the path into out.
 * Returns LMI_OK, LMI_EIO when no readable file was found, LMI_ETOOBIG when
 * a path does not fit.
 */
int lmi_profile_find(const char *name, char *out, size_t size);

/*
 * Loads the [kind] section of the profile file at `path`.  Returns LMI_OK, or
 * a negative status with p->err (and p->err_line for syntax errors) set: an
 * unknown kind (LMI_EINVAL), a file that cannot be read (LMI_EIO, errno
 * set), a syntax error or a file without a [kind] section (LMI_EPARSE).  Call
 * lmi_profile_release() in every case.
 */
int lmi_profile_load(struct lmi_profile *p, const char *path, const char *kind);

/* Frees everything; safe on a failed load. */
void lmi_profile_release(struct lmi_profile *p);

/*
 * Writes the output header: the schema fields without LMI_F_ADDED, then
 * raw_FIELD for every mapped field whose transform can fail, then
 * ingest_flags.  Returns the writer's status.
 */
int lmi_profile_write_header(const struct lmi_profile *p, struct lmi_csvw *w);

/*
 * Resolves the source columns in the header of r.  cols (schema->n entries)
 * receives the input column of each field, or -1.  Returns LMI_OK, or
 * LMI_EINVAL with *missing pointing at the first source column that is
 * required and absent (valid while p lives).
 */
int lmi_profile_bind(const struct lmi_profile *p, const struct lmi_csv *r, int *cols,
		     const char **missing);

/*
 * Transforms one input row and writes the output row to w.  `key` may be
 * NULL only when p->has_person is 0.  *nfailed receives the number of fields
 * that failed to parse (their raw text goes to raw_FIELD, their names to
 * ingest_flags); when it is non-zero and `failed_field` is not NULL,
 * *failed_field and *failed_value name the first failure (valid until the
 * next call and while row lives).  Returns LMI_OK, LMI_ENOMEM, LMI_ETOOBIG
 * (an identifier over LMI_PSEUDO_MAX_ID bytes), LMI_EIO, or the writer's
 * status.
 */
int lmi_profile_write_row(struct lmi_profile *p, const int *cols, const struct lmi_csv_row *row,
			  const struct lmi_pseudo *key, struct lmi_csvw *w, size_t *nfailed,
			  const char **failed_field, const char **failed_value);

/*
 * A FILE* that yields the bytes of `src` converted from `encoding` to UTF-8.
 * Set up with lmi_decode_open() and read d->fp.  An invalid or truncated
 * byte sequence ends the stream after the last whole line before it, so the
 * rows before it can be used; lmi_decode_error() then says so and where.
 * lmi_decode_close() closes d->fp, not src.
 */
struct lmi_decode {
	FILE *fp;
	/* Private. */
	FILE *src;
	iconv_t cd;
	int eof;
	int failed;
	unsigned long lines;    /* newlines produced so far */
	unsigned long err_line; /* 1-based line of the conversion error */
	char err[128];
	char in[16384];
	size_t inlen;
	char out[65536];
	size_t opos, ready, olen; /* consumed, released to the reader, converted */
};

/*
 * Returns LMI_OK, LMI_EINVAL when iconv does not know the encoding, or
 * LMI_ENOMEM.  Check an encoding name alone with src == NULL (then d->fp
 * is NULL and nothing needs closing).
 */
int lmi_decode_open(struct lmi_decode *d, FILE *src, const char *encoding);

/*
 * Returns 1 and sets *line and *msg when the conversion failed (invalid or
 * truncated byte sequence), else 0.
 */
int lmi_decode_error(const struct lmi_decode *d, unsigned long *line, const char **msg);

void lmi_decode_close(struct lmi_decode *d);

#endif

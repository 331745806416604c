/* The canonical CSV schemas (vacancy, claim, training): names, types, required flags. */
#ifndef LMI_SCHEMA_H
#define LMI_SCHEMA_H

#include <stddef.h>

#include "csvio.h"

enum lmi_type {
	LMI_T_STR,  /* free text */
	LMI_T_INT,  /* integer */
	LMI_T_NUM,  /* decimal with a dot */
	LMI_T_DATE, /* ISO YYYY-MM-DD */
	LMI_T_CODE, /* string from a controlled list; leading zeros matter */
	LMI_T_BOOL, /* 0 or 1 */
};

enum lmi_field_flags {
	LMI_F_REQUIRED = 1 << 0, /* R1: must be present and non-empty */
	LMI_F_PERSON = 1 << 1,   /* a person identifier: pseudonymised at ingest */
	LMI_F_ADDED = 1 << 2,    /* added by a tool (flags, wage_hourly_min, ...), not by ingest */
};

struct lmi_field {
	const char *name;
	enum lmi_type type;
	unsigned flags;
	const char *desc; /* one line, for man pages and --help */
};

struct lmi_schema {
	const char *kind; /* "vacancy", "claim", "training" */
	const struct lmi_field *fields;
	size_t n;
	const char *key; /* unique key columns, comma-separated */
};

/* Returns the schema named `kind`, or NULL. */
const struct lmi_schema *lmi_schema_get(const char *kind);

/* Returns the 0-based index of `name` in the schema, or -1. */
int lmi_schema_index(const struct lmi_schema *s, const char *name);

/* Returns the type name ("str", "int", "num", "date", "code", "bool"). */
const char *lmi_type_name(enum lmi_type t);

/*
 * Looks up every schema field in the reader's header, once per file.
 * cols[i] receives the input column of s->fields[i], or -1 when absent.
 * Returns LMI_OK, or LMI_EINVAL with *missing naming the first required field
 * (LMI_F_REQUIRED, not LMI_F_ADDED) that the header lacks.
 */
int lmi_schema_bind(const struct lmi_schema *s, const struct lmi_csv *r, int *cols,
		    const char **missing);

#endif

/* Command-line plumbing shared by every tool: exit codes, messages, usage, row accounting. */
#ifndef LMI_CLI_H
#define LMI_CLI_H

#include <stddef.h>
#include <stdio.h>

/*
 * Exit codes and library status codes.  lib/ functions return one of these
 * (LMI_OK or a negative LMI_E* for library errors); tools exit with the
 * non-negative ones.
 */
enum {
	LMI_OK = 0,
	LMI_EDATA = 1,    /* data or runtime error */
	LMI_EUSAGE = 2,   /* bad command line */
	LMI_EPARTIAL = 3, /* output produced, but rows were rejected */
};

/* Status codes returned by lib/ functions (never exit codes). */
enum {
	LMI_ENOMEM = -1,
	LMI_EIO = -2,
	LMI_EPARSE = -3,
	LMI_ETOOBIG = -4,
	LMI_EINVAL = -5,
};

/* Returns a static description of a lib/ status code. */
const char *lmi_strerror(int status);

/* Sets the program name used as the message prefix, from argv[0]'s basename. */
void lmi_cli_init(const char *argv0);
const char *lmi_progname(void);

/*
 * Message helpers.  They add the "prog: " prefix and the newline; a format
 * string must not end with '\n'.  Data never goes into a format string: pass
 * it as an argument ("%s").  The _errno variants append ": strerror(errno)".
 * lmi_die* exit with LMI_EDATA.
 */
void lmi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lmi_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lmi_warn_at(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void lmi_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void lmi_die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void lmi_die_at(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Prints "prog: MSG", the one-line usage and "try 'lmi X --help'" to stderr
 * and exits LMI_EUSAGE.  usage[0] is the synopsis line.
 */
_Noreturn void lmi_usage_error(const char *const *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints every usage line to stdout and exits LMI_OK (for --help). */
_Noreturn void lmi_usage_help(const char *const *usage);

/* Prints "prog (lmi) VERSION" and the library versions to stdout and exits LMI_OK. */
_Noreturn void lmi_version(void);

/*
 * Warnings capped per run: after `cap` messages, later ones are only counted
 * and lmi_warn_summary() reports how many were suppressed.
 */
struct lmi_warncap {
	unsigned long cap;
	unsigned long seen;
};
void lmi_warncap_at(struct lmi_warncap *wc, const char *file, unsigned long line,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void lmi_warncap_summary(const struct lmi_warncap *wc);

/* Row accounting: in = out + rejected + duplicates, always. */
struct lmi_count {
	unsigned long long in;
	unsigned long long out;
	unsigned long long rejected;
	unsigned long long duplicates;
};

/*
 * Prints "in=N out=N rejected=N duplicates=N" to stderr.  Returns LMI_OK when
 * the numbers add up, LMI_EDATA (after saying so) when they do not.
 */
int lmi_count_report(const struct lmi_count *c);

/*
 * Flushes and closes stdout.  Returns LMI_OK, or LMI_EDATA after printing a
 * message when a write failed (a full disk is an error, not a success).
 */
int lmi_close_stdout(void);

/*
 * strtonum-style integer parse: the whole string must be a base-10 number in
 * [min, max].  Returns 0 and sets *out, or -1 and points *errstr at "invalid",
 * "too small" or "too large".
 */
int lmi_parse_long(const char *s, long long min, long long max, long long *out,
		   const char **errstr);

/* Progress on stderr, only when stderr is a TTY and `enabled`; rate-limited. */
struct lmi_progress {
	int on;
	unsigned long long next;
};
void lmi_progress_init(struct lmi_progress *p, int enabled);
void lmi_progress_tick(struct lmi_progress *p, unsigned long long rows);
void lmi_progress_done(struct lmi_progress *p);

/*
 * Writes the directory holding the running executable (from /proc/self/exe)
 * into buf.  Returns LMI_OK, or LMI_EIO when it cannot be read or does not fit.
 */
int lmi_exe_dir(char *buf, size_t size);

/*
 * Finds the data folder `sub` ("rules", "profiles") next to the executable:
 * ../data-samples/SUB (a build tree's bin/), ../../data-samples/SUB (a
 * sanitizer build's build-asan/bin/) or ../share/lmi/SUB (after make install).
 * Writes the first that exists to out and returns LMI_OK, else LMI_EIO.
 */
int lmi_data_dir(const char *sub, char *out, size_t size);

/* Allocation that dies with the requested size on failure (git xmalloc). */
void *lmi_xmalloc(size_t n);
void *lmi_xcalloc(size_t n, size_t size);
void *lmi_xrealloc(void *p, size_t n);
char *lmi_xstrdup(const char *s);

#endif

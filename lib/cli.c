/* Command-line plumbing: the one place that prints diagnostics and exits. */
#include "cli.h"

#include <csv.h>
#include <errno.h>
#include <gsl/gsl_version.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "banned.h"

#ifndef LMI_VERSION
#define LMI_VERSION "0.1"
#endif

static const char *progname = "lmi";

void lmi_cli_init(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *lmi_progname(void)
{
	return progname;
}

const char *lmi_strerror(int status)
{
	switch (status) {
	case LMI_OK:
		return "success";
	case LMI_ENOMEM:
		return "out of memory";
	case LMI_EIO:
		return "input/output error";
	case LMI_EPARSE:
		return "parse error";
	case LMI_ETOOBIG:
		return "value exceeds its size limit";
	case LMI_EINVAL:
		return "invalid argument";
	}
	return "unknown error";
}

static void vmsg(const char *file, unsigned long line, int errnum, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	if (file != NULL && line > 0)
		fprintf(stderr, "%s:%lu: ", file, line);
	else if (file != NULL)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void lmi_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void lmi_warn_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, e, fmt, ap);
	va_end(ap);
}

void lmi_warn_at(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(file, line, 0, fmt, ap);
	va_end(ap);
}

void lmi_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, 0, fmt, ap);
	va_end(ap);
	exit(LMI_EDATA);
}

void lmi_die_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, e, fmt, ap);
	va_end(ap);
	exit(LMI_EDATA);
}

void lmi_die_at(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(file, line, 0, fmt, ap);
	va_end(ap);
	exit(LMI_EDATA);
}

void lmi_usage_error(const char *const *usage, const char *fmt, ...)
{
	const char *tool = strncmp(progname, "lmi-", 4) == 0 ? progname + 4 : progname;
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, 0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", usage[0]);
	if (strcmp(progname, "lmi") == 0)
		fprintf(stderr, "try 'lmi --help'\n");
	else
		fprintf(stderr, "try 'lmi %s --help'\n", tool);
	exit(LMI_EUSAGE);
}

void lmi_usage_help(const char *const *usage)
{
	for (; *usage != NULL; usage++)
		printf("%s\n", *usage);
	exit(lmi_close_stdout());
}

void lmi_version(void)
{
	printf("%s (lmi) %s\n", progname, LMI_VERSION);
	printf("libcsv %d.%d.%d, sqlite %s, gsl %s, libxlsxwriter %s, libsodium %s\n", CSV_MAJOR,
	       CSV_MINOR, CSV_RELEASE, sqlite3_libversion(), GSL_VERSION, LXW_VERSION,
	       sodium_version_string());
	exit(lmi_close_stdout());
}

void lmi_warncap_at(struct lmi_warncap *wc, const char *file, unsigned long line, const char *fmt,
		    ...)
{
	va_list ap;

	wc->seen++;
	if (wc->seen > wc->cap)
		return;
	va_start(ap, fmt);
	vmsg(file, line, 0, fmt, ap);
	va_end(ap);
}

void lmi_warncap_summary(const struct lmi_warncap *wc)
{
	if (wc->seen > wc->cap)
		lmi_warn("%lu more messages suppressed", wc->seen - wc->cap);
}

int lmi_count_report(const struct lmi_count *c)
{
	fprintf(stderr, "%s: in=%llu out=%llu rejected=%llu duplicates=%llu\n", progname, c->in,
		c->out, c->rejected, c->duplicates);
	if (c->in != c->out + c->rejected + c->duplicates) {
		lmi_warn("row accounting does not add up: in != out + rejected + duplicates");
		return LMI_EDATA;
	}
	return LMI_OK;
}

int lmi_close_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad) {
		lmi_warn_errno("write error on standard output");
		return LMI_EDATA;
	}
	return LMI_OK;
}

int lmi_parse_long(const char *s, long long min, long long max, long long *out,
		   const char **errstr)
{
	char *end;
	long long v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || min > max) {
		*errstr = "invalid";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

void lmi_progress_init(struct lmi_progress *p, int enabled)
{
	p->on = enabled && isatty(STDERR_FILENO);
	p->next = 100000;
}

void lmi_progress_tick(struct lmi_progress *p, unsigned long long rows)
{
	if (!p->on || rows < p->next)
		return;
	p->next = rows + 100000;
	fprintf(stderr, "\r%s: %llu rows", progname, rows);
}

void lmi_progress_done(struct lmi_progress *p)
{
	if (p->on)
		fputc('\n', stderr);
}

int lmi_exe_dir(char *buf, size_t size)
{
	ssize_t n = size > 1 ? readlink("/proc/self/exe", buf, size - 1) : -1;
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1)
		return LMI_EIO;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return LMI_EIO;
	*slash = '\0';
	return LMI_OK;
}

int lmi_data_dir(const char *sub, char *out, size_t size)
{
	static const char *const rel[] = { "/../data-samples/", "/../../data-samples/",
					   "/../share/lmi/" };
	char exe[PATH_MAX];
	struct stat st;

	if (lmi_exe_dir(exe, sizeof(exe)) != LMI_OK)
		return LMI_EIO;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		int k = snprintf(out, size, "%s%s%s", exe, rel[i], sub);

		if (k > 0 && (size_t)k < size && stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return LMI_OK;
	}
	return LMI_EIO;
}

void *lmi_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		lmi_die("out of memory allocating %zu bytes", n);
	return p;
}

void *lmi_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		lmi_die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *lmi_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		lmi_die("out of memory allocating %zu bytes", n);
	return q;
}

char *lmi_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = lmi_xmalloc(n);

	memcpy(d, s, n);
	return d;
}

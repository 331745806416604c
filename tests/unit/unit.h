/* Minimal unit-test helpers: each check prints "ok" or "not ok" with its location. */
#ifndef LMI_UNIT_H
#define LMI_UNIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int unit_failed;

#define CHECK(cond)                                                                             \
	do {                                                                                    \
		if (cond) {                                                                     \
			printf("ok %s:%d %s\n", __FILE__, __LINE__, #cond);                   \
		} else {                                                                        \
			printf("not ok %s:%d %s\n", __FILE__, __LINE__, #cond);               \
			unit_failed++;                                                          \
		}                                                                               \
	} while (0)

#define CHECK_STR(got, want)                                                                    \
	do {                                                                                    \
		const char *g_ = (got), *w_ = (want);                                           \
		if (g_ != NULL && strcmp(g_, w_) == 0) {                                        \
			printf("ok %s:%d %s == \"%s\"\n", __FILE__, __LINE__, #got, w_);       \
		} else {                                                                        \
			printf("not ok %s:%d %s: got \"%s\", want \"%s\"\n", __FILE__,          \
			       __LINE__, #got, g_ ? g_ : "(null)", w_);                         \
			unit_failed++;                                                          \
		}                                                                               \
	} while (0)

#define CHECK_INT(got, want)                                                                    \
	do {                                                                                    \
		long long g_ = (long long)(got), w_ = (long long)(want);                        \
		if (g_ == w_) {                                                                 \
			printf("ok %s:%d %s == %lld\n", __FILE__, __LINE__, #got, w_);          \
		} else {                                                                        \
			printf("not ok %s:%d %s: got %lld, want %lld\n", __FILE__, __LINE__,   \
			       #got, g_, w_);                                                   \
			unit_failed++;                                                          \
		}                                                                               \
	} while (0)

/* Relative tolerance `tol` (absolute when want is 0). */
#define CHECK_NEAR(got, want, tol)                                                              \
	do {                                                                                    \
		double g_ = (got), w_ = (want);                                                 \
		double d_ = fabs(g_ - w_), s_ = fabs(w_) > 0 ? fabs(w_) : 1.0;                 \
		if (d_ <= (tol) * s_) {                                                         \
			printf("ok %s:%d %s ~= %.10g\n", __FILE__, __LINE__, #got, w_);         \
		} else {                                                                        \
			printf("not ok %s:%d %s: got %.12g, want %.12g\n", __FILE__, __LINE__,  \
			       #got, g_, w_);                                                   \
			unit_failed++;                                                          \
		}                                                                               \
	} while (0)

#define UNIT_DONE() (unit_failed ? 1 : 0)

/* A number in 0..n-1 from the xorshift64 stream *state: randomised tests repeat exactly. */
static inline unsigned unit_rnd(uint64_t *state, unsigned n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (unsigned)(*state % n);
}

/* Writes n bytes to /tmp/lmi-test-TAG-PID.csv and returns its name (a static buffer). */
static inline const char *unit_scratch(const char *tag, const char *data, size_t n)
{
	static char path[96];
	FILE *fp;

	snprintf(path, sizeof(path), "/tmp/lmi-test-%s-%d.csv", tag, (int)getpid());
	fp = fopen(path, "wb");
	if (fp != NULL) {
		fwrite(data, 1, n, fp);
		fclose(fp);
	}
	return path;
}

/* Copies a file; returns 1 when every byte was written. */
static inline int unit_copy_file(const char *from, const char *to)
{
	char buf[8192];
	size_t n;
	FILE *a = fopen(from, "r"), *b = fopen(to, "w");
	int ok = a != NULL && b != NULL;

	while (ok && (n = fread(buf, 1, sizeof(buf), a)) > 0)
		ok = fwrite(buf, 1, n, b) == n;
	if (a)
		fclose(a);
	if (b && fclose(b) != 0)
		ok = 0;
	return ok;
}

#endif

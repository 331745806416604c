/* Minimal unit-test helpers: each check prints "ok" or "not ok" with its location. */
#ifndef LMI_UNIT_H
#define LMI_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

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

#endif

/*
 * tap.h: a minimal Test Anything Protocol producer for C unit tests.
 *
 *   plan_lazy();  ok(cond, "name %d", x);  is_int(a, b, "name");
 *   is_str(a, b, "name");  is_dbl(a, b, tol, "name");  return done_testing();
 *
 * Output goes to stdout; diagnostics ("# ...") describe failures.
 */
#ifndef WB_TESTS_TAP_H
#define WB_TESTS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int
tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline int
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

#define is_int(got, want, ...) do { \
	long long tap_g = (long long)(got), tap_w = (long long)(want); \
	if (!ok(tap_g == tap_w, __VA_ARGS__)) \
		printf("#   got %lld, want %lld (%s:%d)\n", tap_g, tap_w, __FILE__, __LINE__); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *tap_g = (got), *tap_w = (want); \
	int tap_c = tap_g && tap_w ? strcmp(tap_g, tap_w) == 0 : tap_g == tap_w; \
	if (!ok(tap_c, __VA_ARGS__)) \
		printf("#   got  '%s'\n#   want '%s' (%s:%d)\n", tap_g ? tap_g : "(null)", \
		    tap_w ? tap_w : "(null)", __FILE__, __LINE__); \
} while (0)

#define is_dbl(got, want, tol, ...) do { \
	double tap_g = (got), tap_w = (want); \
	if (!ok(fabs(tap_g - tap_w) <= (tol) * (fabs(tap_w) > 1 ? fabs(tap_w) : 1), __VA_ARGS__)) \
		printf("#   got %.17g, want %.17g (%s:%d)\n", tap_g, tap_w, __FILE__, __LINE__); \
} while (0)

static inline void
diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

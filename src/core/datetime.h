/*
 * datetime: calendar arithmetic for DATE (days since 1970-01-01) and
 * TIMESTAMP (microseconds since 1970-01-01 00:00:00 UTC), proleptic
 * Gregorian calendar, years 1..9999 accepted by the parsers.
 */
#ifndef WB_CORE_DATETIME_H
#define WB_CORE_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_US_PER_SEC INT64_C(1000000)
#define DT_US_PER_DAY INT64_C(86400000000)

/* The wall clock: milliseconds since 1970-01-01 UTC. */
int64_t dt_now_ms(void);
/* A duration: "90" (seconds), "1.5s", "500ms", "2m" (or "2min"), "1h30m",
 * "1d"; into *ms. false when it is not one (empty, negative, unknown unit,
 * a bare number after a unit as in "1h30"). */
bool dt_parse_duration(const char *s, int64_t *ms);
int64_t dt_days_from_civil(int64_t y, unsigned m, unsigned d);
void dt_civil_from_days(int64_t days, int *y, int *m, int *d);
bool dt_valid_date(int y, int m, int d);
int dt_days_in_month(int y, int m);
/* floor division helpers: day of a timestamp, microseconds within the day */
static inline int64_t dt_ts_day(int64_t us)
{
	return us >= 0 ? us / DT_US_PER_DAY : -((-us + DT_US_PER_DAY - 1) / DT_US_PER_DAY);
}
static inline int64_t dt_ts_time(int64_t us)
{
	return us - dt_ts_day(us) * DT_US_PER_DAY;
}
/* ISO day of week: 1 = Monday .. 7 = Sunday */
int dt_iso_dow(int64_t days);

/* Parse "YYYY-MM-DD" (1-2 digit month/day allowed; surrounding spaces
 * allowed). */
bool dt_parse_date(const char *s, size_t n, int64_t *days);
/* Parse "YYYY-MM-DD[( |T)HH:MM[:SS[.f{1,9}]]][ ](UTC|Z|+HH[:MM]|-HH[:MM])?".
 * Offsets are applied so the result is UTC. A bare date is midnight. */
bool dt_parse_timestamp(const char *s, size_t n, int64_t *us);
/* "YYYY-MM-DD"; returns length (buf >= 16 bytes). */
int dt_format_date(int64_t days, char *buf);
/* "YYYY-MM-DD HH:MM:SS[.ffffff]" with trailing fraction zeros dropped;
 * returns length (buf >= 32 bytes). */
int dt_format_timestamp(int64_t us, char *buf);
/* Add months to a day number, clamping the day of month (Jan 31 + 1 month
 * = Feb 28/29), as Spark's add_months does. */
int64_t dt_add_months(int64_t days, int64_t months);

#endif

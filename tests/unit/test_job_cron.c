/*
 * The cron syntax of `wb job` (job_cron.c): parsing (lists, ranges,
 * steps, names, 7 as Sunday, @macros), errors that name the field,
 * matching (including Vixie cron's day-of-month OR day-of-week rule), and
 * the next matching minute across month, year, leap-day and never-matching
 * cases. Also the job file's duration syntax and run_if rules. Times are
 * UTC (TZ is set here) so that expectations hold on any machine.
 */
#include "tests/tap.h"
#include "cli/job.h"
#include "core/datetime.h"

#include <stdlib.h>
#include <time.h>

/* "YYYY-MM-DD HH:MM" (UTC) as time_t. */
static time_t
at(const char *s)
{
	struct tm tm = {0};
	if (strptime(s, "%Y-%m-%d %H:%M", &tm) == NULL)
		return -2;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static const char *
fmt(time_t t, char *buf)
{
	if (t < 0)
		return "never";
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* The next run of expr after from, as text. */
static const char *
next(const char *expr, const char *from, char *buf)
{
	struct job_cron c;
	struct wb_error err = WB_ERROR_INIT;
	if (job_cron_parse(expr, &c, &err) < 0) {
		err_clear(&err);
		return "parse error";
	}
	return fmt(job_cron_next(&c, at(from)), buf);
}

static bool
matches(const char *expr, const char *when)
{
	struct job_cron c;
	struct wb_error err = WB_ERROR_INIT;
	if (job_cron_parse(expr, &c, &err) < 0) {
		err_clear(&err);
		return false;
	}
	time_t t = at(when);
	struct tm tm;
	localtime_r(&t, &tm);
	return job_cron_match(&c, &tm);
}

/* The error message for expr ("" when it parses). */
static char msg[512];
static const char *
error_of(const char *expr)
{
	struct job_cron c;
	struct wb_error err = WB_ERROR_INIT;
	msg[0] = '\0';
	if (job_cron_parse(expr, &c, &err) < 0)
		snprintf(msg, sizeof msg, "%s", err.msg);
	err_clear(&err);
	return msg;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	char b[32];
	struct job_cron c;
	struct wb_error err = WB_ERROR_INIT;

	/* parsing into bit sets */
	ok(job_cron_parse("0 23 * * *", &c, &err) == 0, "'0 23 * * *' parses");
	is_int(c.minute, 1, "minute 0");
	is_int(c.hour, 1 << 23, "hour 23");
	is_int(c.dom, 0xfffffffe, "every day of month (1-31)");
	is_int(c.month, 0x1ffe, "every month (1-12)");
	is_int(c.dow, 0x7f, "every weekday");
	ok(c.dom_star && c.dow_star, "both day fields unrestricted");
	ok(job_cron_parse("*/15 9-17/4 1,15 jan,jul-sep mon-fri", &c, &err) == 0, "lists, ranges, steps, names");
	is_int(c.minute, (1ULL << 0) | (1ULL << 15) | (1ULL << 30) | (1ULL << 45), "*/15: 0,15,30,45");
	is_int(c.hour, (1 << 9) | (1 << 13) | (1 << 17), "9-17/4: 9,13,17");
	is_int(c.dom, (1 << 1) | (1 << 15), "1,15");
	is_int(c.month, (1 << 1) | (1 << 7) | (1 << 8) | (1 << 9), "jan,jul-sep");
	is_int(c.dow, 0x3e, "mon-fri");
	ok(!c.dom_star && !c.dow_star, "both day fields restricted");
	ok(job_cron_parse("5/20 * * * 7", &c, &err) == 0, "N/STEP and 7");
	is_int(c.minute, (1ULL << 5) | (1ULL << 25) | (1ULL << 45), "5/20: 5,25,45");
	is_int(c.dow, 1, "7 is Sunday");
	ok(job_cron_parse("0 0 * * SUN,Sat", &c, &err) == 0, "names in any case");
	is_int(c.dow, 0x41, "sun,sat");
	ok(job_cron_parse("  30   6 * *   1-5  ", &c, &err) == 0, "extra spaces");
	ok(job_cron_parse("@daily", &c, &err) == 0 && c.minute == 1 && c.hour == 1, "@daily is 0 0 * * *");
	ok(job_cron_parse("@hourly", &c, &err) == 0 && c.minute == 1 && c.hour == 0xffffff, "@hourly");
	ok(job_cron_parse("@weekly", &c, &err) == 0 && c.dow == 1, "@weekly is Sunday midnight");

	/* errors name the field and the problem */
	ok(strstr(error_of("0 24 * * *"), "hour: '24' is out of range 0-23") != NULL, "hour 24: %s", msg);
	ok(strstr(error_of("60 * * * *"), "minute: '60' is out of range 0-59") != NULL, "minute 60: %s", msg);
	ok(strstr(error_of("0 0 0 * *"), "day of month: '0' is out of range 1-31") != NULL, "day 0: %s", msg);
	ok(strstr(error_of("0 0 * 13 *"), "month") != NULL, "month 13: %s", msg);
	ok(strstr(error_of("0 0 * * 8"), "day of week") != NULL, "weekday 8: %s", msg);
	ok(strstr(error_of("0 0 * *"), "4 fields; cron has 5") != NULL, "four fields: %s", msg);
	ok(strstr(error_of("0 0 * * * *"), "more than 5") != NULL, "six fields: %s", msg);
	ok(strstr(error_of("0 0 * foo *"), "'foo' is not a number or name") != NULL, "bad name: %s", msg);
	ok(strstr(error_of("*/0 * * * *"), "step of 0") != NULL, "step 0: %s", msg);
	ok(strstr(error_of("10-5 * * * *"), "runs backwards") != NULL, "backwards range: %s", msg);
	ok(strstr(error_of("1-x * * * *"), "a range needs an end") != NULL, "range without end: %s", msg);
	ok(strstr(error_of("1,,2 * * * *"), "minute: an empty item in a list") != NULL, "empty list item: %s", msg);
	ok(strstr(error_of("@reboot"), "unknown @reboot") != NULL, "@reboot: %s", msg);
	ok(strstr(error_of(""), "0 fields") != NULL, "empty: %s", msg);
	ok(strstr(error_of("5 4 * * sun"), "") != NULL && msg[0] == '\0', "a valid one has no error");

	/* matching */
	ok(matches("0 23 * * *", "2024-03-05 23:00"), "23:00 matches 0 23 * * *");
	ok(!matches("0 23 * * *", "2024-03-05 23:01"), "23:01 does not");
	ok(matches("*/15 * * * *", "2024-03-05 10:45"), "10:45 matches */15");
	ok(!matches("*/15 * * * *", "2024-03-05 10:46"), "10:46 does not");
	/* 2024-03-05 is a Tuesday */
	ok(matches("0 9 * * tue", "2024-03-05 09:00"), "Tuesday matches tue");
	ok(!matches("0 9 * * mon", "2024-03-05 09:00"), "Tuesday does not match mon");
	ok(matches("0 9 1 * tue", "2024-03-05 09:00"), "both days restricted: the weekday alone matches (OR)");
	ok(matches("0 9 5 * mon", "2024-03-05 09:00"), "both days restricted: the day of month alone matches (OR)");
	ok(!matches("0 9 1 * mon", "2024-03-05 09:00"), "both restricted, neither matches");
	ok(!matches("0 9 */2 * mon", "2024-03-05 09:00"), "a day field starting with * makes the days AND: "
	    "the 5th matches */2 but Tuesday is not mon");
	ok(matches("0 9 */2 * tue", "2024-03-05 09:00"), "... and both match on Tuesday the 5th");

	/* the next run */
	is_str(next("0 23 * * *", "2024-03-05 10:00", b), "2024-03-05 23:00", "later the same day");
	is_str(next("0 23 * * *", "2024-03-05 23:00", b), "2024-03-06 23:00", "strictly after: the next day");
	is_str(next("0 23 * * *", "2024-12-31 23:30", b), "2025-01-01 23:00", "across a year");
	is_str(next("*/15 * * * *", "2024-03-05 10:46", b), "2024-03-05 11:00", "next quarter hour");
	is_str(next("0 0 1 * *", "2024-01-31 12:00", b), "2024-02-01 00:00", "first of the next month");
	is_str(next("0 0 31 * *", "2024-04-01 00:00", b), "2024-05-31 00:00", "skips months without a 31st");
	is_str(next("0 0 29 2 *", "2024-03-01 00:00", b), "2028-02-29 00:00", "29 February: the next leap year");
	is_str(next("0 0 30 2 *", "2024-03-01 00:00", b), "never", "30 February never comes");
	is_str(next("30 8 * * mon-fri", "2024-03-08 09:00", b), "2024-03-11 08:30", "Friday after 08:30: Monday");
	is_str(next("0 12 13 * fri", "2024-03-05 00:00", b), "2024-03-08 12:00", "13th OR Friday: the Friday first");
	is_str(next("@yearly", "2024-06-01 00:00", b), "2025-01-01 00:00", "@yearly");
	is_str(next("0 0 * jun *", "2024-07-01 00:00", b), "2025-06-01 00:00", "a month name, next year");

	/* durations of job files */
	int64_t ms;
	ok(dt_parse_duration("90", &ms) && ms == 90000, "90 is seconds");
	ok(dt_parse_duration("1.5s", &ms) && ms == 1500, "1.5s");
	ok(dt_parse_duration("500ms", &ms) && ms == 500, "500ms");
	ok(dt_parse_duration("2m", &ms) && ms == 120000, "2m");
	ok(dt_parse_duration("1h30m", &ms) && ms == 5400000, "1h30m");
	ok(!dt_parse_duration("", &ms) && !dt_parse_duration("5x", &ms) && !dt_parse_duration("-1s", &ms) &&
	    !dt_parse_duration("1h30", &ms), "not durations: '', 5x, -1s, 1h30");

	/* run_if */
	enum job_status why;
	enum job_status ok2[] = {JOB_SUCCESS, JOB_SUCCESS}, one_failed[] = {JOB_SUCCESS, JOB_FAILED},
	    skipped[] = {JOB_SKIPPED, JOB_SKIPPED}, all_failed[] = {JOB_TIMEDOUT, JOB_UPSTREAM_FAILED};
	ok(job_run_if_met(JOB_ALL_SUCCESS, ok2, 2, &why), "all_success: both succeeded");
	ok(!job_run_if_met(JOB_ALL_SUCCESS, one_failed, 2, &why) && why == JOB_UPSTREAM_FAILED,
	    "all_success: one failed -> UPSTREAM_FAILED");
	ok(!job_run_if_met(JOB_ALL_SUCCESS, skipped, 2, &why) && why == JOB_SKIPPED, "all_success: skipped -> SKIPPED");
	ok(job_run_if_met(JOB_AT_LEAST_ONE_FAILED, one_failed, 2, &why), "at_least_one_failed: one failed");
	ok(!job_run_if_met(JOB_AT_LEAST_ONE_FAILED, ok2, 2, &why) && why == JOB_SKIPPED,
	    "at_least_one_failed: none failed -> SKIPPED");
	ok(job_run_if_met(JOB_ALL_DONE, one_failed, 2, &why) && job_run_if_met(JOB_ALL_DONE, skipped, 2, &why),
	    "all_done: whatever happened");
	ok(job_run_if_met(JOB_AT_LEAST_ONE_SUCCESS, one_failed, 2, &why), "at_least_one_success");
	ok(!job_run_if_met(JOB_NONE_FAILED, one_failed, 2, &why) && why == JOB_UPSTREAM_FAILED, "none_failed: one failed");
	ok(!job_run_if_met(JOB_NONE_FAILED, skipped, 2, &why) && why == JOB_SKIPPED, "none_failed: nothing ran");
	ok(job_run_if_met(JOB_ALL_FAILED, all_failed, 2, &why), "all_failed: timed out and upstream failed count");
	ok(!job_run_if_met(JOB_ALL_FAILED, one_failed, 2, &why) && why == JOB_SKIPPED, "all_failed: one succeeded");
	ok(job_run_if_met(JOB_ALL_SUCCESS, NULL, 0, &why), "no dependencies: runs");
	return done_testing();
}

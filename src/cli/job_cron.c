/*
 * job_cron: the 5-field cron syntax (crontab(5), Vixie cron's reading of
 * it) - parsing into bit sets, matching a minute, and the next matching
 * minute. Times are local, as cron's are.
 *
 *   field         values
 *   minute        0-59
 *   hour          0-23
 *   day of month  1-31
 *   month         1-12 or jan-dec
 *   day of week   0-7 or sun-sat (0 and 7 are Sunday)
 *
 * Each field is a comma-separated list of *, N, N-M, each optionally
 * /STEP (N/STEP means N to the field's end). When both day fields are
 * restricted, a day matching either one runs (cron's rule); a field
 * starting with * counts as unrestricted.
 */
#include "cli/job.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
    "nov", "dec"};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct field {
	const char *name;
	int lo, hi;
	const char *const *names;      /* names for lo.. (NULL: none) */
	int nnames;
	int name_base;                 /* the value of names[0] */
};

static const struct field fields[5] = {
	{"minute", 0, 59, NULL, 0, 0},
	{"hour", 0, 23, NULL, 0, 0},
	{"day of month", 1, 31, NULL, 0, 0},
	{"month", 1, 12, month_names, 12, 1},
	{"day of week", 0, 7, dow_names, 7, 0},
};

#define CRON_HINT "a cron expression is minute hour day-of-month month day-of-week, e.g. '0 23 * * *' " \
	"(23:00 daily) or '*/15 9-17 * * mon-fri'; see crontab(5)"

static int
cerr(struct wb_error *err, const char *expr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
cerr(struct wb_error *err, const char *expr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(err, -1, "cron expression '%s': %s", expr, m);
	err_hint(err, CRON_HINT);
	free(m);
	return -1;
}

/* A number or a name at *p; advances *p. -1 when neither. */
static int
value(const struct field *f, const char **p)
{
	const char *s = *p;
	if (isdigit((unsigned char)*s)) {
		int v = 0;
		while (isdigit((unsigned char)*s) && v < 1000)
			v = v * 10 + (*s++ - '0');
		*p = s;
		return v;
	}
	for (int i = 0; i < f->nnames; i++)
		if (strncasecmp(s, f->names[i], 3) == 0 && !isalpha((unsigned char)s[3])) {
			*p = s + 3;
			return f->name_base + i;
		}
	return -1;
}

/* Parse one field of text t into bits; *star when it starts with '*'. */
static int
parse_field(const char *expr, const struct field *f, const char *t, uint64_t *bits, bool *star,
    struct wb_error *err)
{
	*bits = 0;
	*star = t[0] == '*';
	const char *p = t;
	for (;;) {
		int lo, hi, step = 1;
		bool ranged = false;
		const char *item = p;
		if (*p == '*') {
			lo = f->lo;
			hi = f->hi;
			p++;
		} else {
			lo = value(f, &p);
			if (lo < 0 && (*item == ',' || *item == '\0'))
				return cerr(err, expr, "%s: an empty item in a list", f->name);
			if (lo < 0) {
				char tok[64];
				snprintf(tok, sizeof tok, "%.*s", (int)strcspn(item, ",-/"), item);
				return cerr(err, expr, "%s: '%s' is not a number or name", f->name, tok);
			}
			hi = lo;
			if (*p == '-') {
				p++;
				ranged = true;
				hi = value(f, &p);
				if (hi < 0)
					return cerr(err, expr, "%s: a range needs an end, as in %s", f->name,
					    f == &fields[4] ? "mon-fri" : "1-5");
			}
		}
		if (*p == '/') {
			p++;
			if (!isdigit((unsigned char)*p))
				return cerr(err, expr, "%s: a step needs a number, as in */5", f->name);
			step = 0;
			while (isdigit((unsigned char)*p) && step < 1000)
				step = step * 10 + (*p++ - '0');
			if (step == 0)
				return cerr(err, expr, "%s: a step of 0 never advances", f->name);
			if (item[0] != '*' && !ranged)
				hi = f->hi;     /* N/STEP: from N to the end */
		}
		char what[96];
		snprintf(what, sizeof what, "%.*s", (int)strcspn(item, ","), item);
		if (lo < f->lo || hi > f->hi) {
			return cerr(err, expr, "%s: '%s' is out of range %d-%d", f->name, what, f->lo, f->hi);
		}
		if (lo > hi)
			return cerr(err, expr, "%s: the range '%s' runs backwards", f->name, what);
		for (int v = lo; v <= hi; v += step)
			*bits |= UINT64_C(1) << v;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '\0') {
			char tok[64];
			snprintf(tok, sizeof tok, "%s", p);
			return cerr(err, expr, "%s: unexpected '%s'", f->name, tok);
		}
		return 0;
	}
}

static const struct {
	const char *name;
	const char *expr;
} macros[] = {
	{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
	{"@daily", "0 0 * * *"}, {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

int
job_cron_parse(const char *expr, struct job_cron *c, struct wb_error *err)
{
	memset(c, 0, sizeof *c);
	const char *text = expr;
	while (isspace((unsigned char)*text))
		text++;
	if (*text == '@') {
		size_t n = strcspn(text, " \t");
		for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++)
			if (strlen(macros[i].name) == n && strncasecmp(text, macros[i].name, n) == 0) {
				const char *rest = text + n;
				while (isspace((unsigned char)*rest))
					rest++;
				if (*rest != '\0')
					return cerr(err, expr, "nothing may follow %s", macros[i].name);
				return job_cron_parse(macros[i].expr, c, err);
			}
		return cerr(err, expr, "unknown %.*s (@yearly, @monthly, @weekly, @daily, @hourly)", (int)n, text);
	}
	char *copy = xstrdup(text);
	char *tok[6];
	int n = 0;
	for (char *save = NULL, *t = strtok_r(copy, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (n == 5) {
			n++;
			break;
		}
		tok[n++] = t;
	}
	if (n != 5) {
		free(copy);
		if (n > 5)
			return cerr(err, expr, "more than 5 fields; cron has 5 (minute hour day-of-month month day-of-week)");
		return cerr(err, expr, "%d field%s; cron has 5 (minute hour day-of-month month day-of-week)", n,
		    n == 1 ? "" : "s");
	}
	uint64_t bits[5];
	bool star[5];
	int rc = 0;
	for (int i = 0; i < 5 && rc == 0; i++)
		rc = parse_field(expr, &fields[i], tok[i], &bits[i], &star[i], err);
	free(copy);
	if (rc < 0)
		return -1;
	c->minute = bits[0];
	c->hour = (uint32_t)bits[1];
	c->dom = (uint32_t)bits[2];
	c->month = (uint16_t)bits[3];
	uint64_t dow = bits[4];
	if (dow & (UINT64_C(1) << 7))
		dow = (dow | 1) & 0x7f;    /* 7 is Sunday too */
	c->dow = (uint8_t)dow;
	c->dom_star = star[2];
	c->dow_star = star[4];
	return 0;
}

static bool
day_match(const struct job_cron *c, const struct tm *tm)
{
	bool dom = (c->dom >> tm->tm_mday) & 1, dow = (c->dow >> tm->tm_wday) & 1;
	if (c->dom_star || c->dow_star)
		return dom && dow;
	return dom || dow;
}

bool
job_cron_match(const struct job_cron *c, const struct tm *tm)
{
	return ((c->minute >> tm->tm_min) & 1) && ((c->hour >> tm->tm_hour) & 1) && ((c->month >> (tm->tm_mon + 1)) & 1) &&
	    day_match(c, tm);
}

time_t
job_cron_next(const struct job_cron *c, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	int limit_year = tm.tm_year + 8;
	tm.tm_sec = 0;
	tm.tm_min++;
	tm.tm_isdst = -1;
	time_t x = mktime(&tm);
	/* Walk forward, skipping whole months, days and hours that cannot
	 * match; mktime renormalises after each step (month ends, DST). */
	while (x != (time_t)-1 && tm.tm_year <= limit_year) {
		if (!((c->month >> (tm.tm_mon + 1)) & 1)) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = 0;
			tm.tm_min = 0;
		} else if (!day_match(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = 0;
			tm.tm_min = 0;
		} else if (!((c->hour >> tm.tm_hour) & 1)) {
			tm.tm_hour++;
			tm.tm_min = 0;
		} else if (!((c->minute >> tm.tm_min) & 1)) {
			tm.tm_min++;
		} else {
			if (x > t)
				return x;
			tm.tm_min++;
		}
		tm.tm_isdst = -1;
		x = mktime(&tm);
	}
	return -1;
}

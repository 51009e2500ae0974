#include "core/datetime.h"

#include <time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's civil-date algorithms (public domain description of the
 * era/day-of-era decomposition), written out here for int64 days. */
int64_t
dt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
dt_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t yy = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
dt_days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

bool
dt_valid_date(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= dt_days_in_month(y, m);
}

int
dt_iso_dow(int64_t days)
{
	/* 1970-01-01 was a Thursday (4) */
	int64_t r = (days + 3) % 7;
	if (r < 0)
		r += 7;
	return (int)r + 1;
}

static inline int
digits(const char *s, size_t n, size_t *i, int minw, int maxw, int *out)
{
	int v = 0, w = 0;
	while (*i < n && w < maxw && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		w++;
	}
	if (w < minw)
		return 0;
	*out = v;
	return 1;
}

static bool
parse_date_part(const char *s, size_t n, size_t *i, int64_t *days)
{
	int y, m, d;
	if (!digits(s, n, i, 4, 4, &y) || *i >= n || s[*i] != '-')
		return false;
	(*i)++;
	if (!digits(s, n, i, 1, 2, &m) || *i >= n || s[*i] != '-')
		return false;
	(*i)++;
	if (!digits(s, n, i, 1, 2, &d))
		return false;
	if (!dt_valid_date(y, m, d))
		return false;
	*days = dt_days_from_civil(y, (unsigned)m, (unsigned)d);
	return true;
}

bool
dt_parse_date(const char *s, size_t n, int64_t *days)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (!parse_date_part(s, n, &i, days))
		return false;
	return i == n;
}

bool
dt_parse_timestamp(const char *s, size_t n, int64_t *us)
{
	size_t i = 0;
	int64_t days;
	int hh = 0, mi = 0, ss = 0;
	int64_t frac = 0;

	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (!parse_date_part(s, n, &i, &days))
		return false;
	if (i < n && (s[i] == ' ' || s[i] == 'T') && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		if (!digits(s, n, &i, 1, 2, &hh) || i >= n || s[i] != ':')
			return false;
		i++;
		if (!digits(s, n, &i, 2, 2, &mi))
			return false;
		if (i < n && s[i] == ':') {
			i++;
			if (!digits(s, n, &i, 2, 2, &ss))
				return false;
			if (i < n && s[i] == '.') {
				int w = 0;
				i++;
				while (i < n && s[i] >= '0' && s[i] <= '9') {
					if (w < 6) {
						frac = frac * 10 + (s[i] - '0');
						w++;
					} else if (w >= 9) {
						return false;
					} else {
						w++;
					}
					i++;
				}
				if (w == 0)
					return false;
				for (int k = w > 6 ? 6 : w; k < 6; k++)
					frac *= 10;
			}
		}
		if (hh > 23 || mi > 59 || ss > 60)
			return false;
	}
	int64_t off_us = 0;
	if (i < n) {
		if (s[i] == ' ')
			i++;
		if (n - i == 3 && memcmp(s + i, "UTC", 3) == 0) {
			i += 3;
		} else if (n - i == 1 && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0;
			i++;
			if (!digits(s, n, &i, 2, 2, &oh))
				return false;
			if (i < n && s[i] == ':')
				i++;
			if (i < n && !digits(s, n, &i, 2, 2, &om))
				return false;
			off_us = sign * ((int64_t)oh * 3600 + om * 60) * DT_US_PER_SEC;
		}
	}
	if (i != n)
		return false;
	*us = days * DT_US_PER_DAY + ((int64_t)hh * 3600 + mi * 60 + ss) * DT_US_PER_SEC + frac - off_us;
	return true;
}

int
dt_format_date(int64_t days, char *buf)
{
	int y, m, d;
	dt_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return sprintf(buf, "%d-%02d-%02d", y, m, d);
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return 10;
}

int
dt_format_timestamp(int64_t us, char *buf)
{
	int64_t day = dt_ts_day(us), t = us - day * DT_US_PER_DAY;
	int n = dt_format_date(day, buf);
	int64_t secs = t / DT_US_PER_SEC, frac = t % DT_US_PER_SEC;
	n += sprintf(buf + n, " %02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (frac) {
		n += sprintf(buf + n, ".%06d", (int)frac);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return n;
}

int64_t
dt_add_months(int64_t days, int64_t months)
{
	int y, m, d;
	dt_civil_from_days(days, &y, &m, &d);
	int64_t total = (int64_t)y * 12 + (m - 1) + months;
	int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
	int nm = (int)(total - ny * 12) + 1;
	int dim = dt_days_in_month((int)ny, nm);
	if (d > dim)
		d = dim;
	return dt_days_from_civil(ny, (unsigned)nm, (unsigned)d);
}

int64_t
dt_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
dt_parse_duration(const char *s, int64_t *ms)
{
	const char *p = s;
	double total = 0;
	bool any = false;
	while (*p) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno != 0 || v < 0 || !(v == v))
			return false;
		p = end;
		double unit;
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1;
			p += 2;
		} else if (*p == 's') {
			unit = 1000;
			p++;
		} else if (strncmp(p, "min", 3) == 0) {
			unit = 60e3;
			p += 3;
		} else if (*p == 'm') {
			unit = 60e3;
			p++;
		} else if (*p == 'h') {
			unit = 3600e3;
			p++;
		} else if (*p == 'd') {
			unit = 86400e3;
			p++;
		} else if (*p == '\0' && !any) {
			unit = 1000;      /* a bare number is seconds */
		} else {
			return false;
		}
		total += v * unit;
		any = true;
	}
	if (!any || total > 1e15)
		return false;
	*ms = (int64_t)(total + 0.5);
	return true;
}

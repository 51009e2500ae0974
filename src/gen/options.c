/*
 * options: the command line of `wb generate ecommerce`.
 */
#include "gen/gen.h"

#include "core/datetime.h"
#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char gen_synopsis[] =
    "wb generate ecommerce [--rows N] [--seed S] [--start YYYY-MM-DD] [--days D] [-o FILE]";

const char gen_usage[] =
    "usage: wb generate ecommerce [--rows N] [--seed S] [--start YYYY-MM-DD] [--days D] [-o FILE]\n"
    "\n"
    "Write a synthetic stand-in for the public \"eCommerce behavior data from\n"
    "multi-category store\" event files: same columns and formats, calibrated to\n"
    "the October 2019 file (event mix, brands, categories, prices, sessions and\n"
    "funnel, duplicate rows, daily and hourly rhythm). The same options always\n"
    "give the same bytes, whatever the number of threads.\n"
    "\n"
    "  --rows N            data rows to write, header excluded (default 1000000);\n"
    "                      k, M and G suffixes multiply by 10^3, 10^6, 10^9 (--rows 10M)\n"
    "  --seed S            random seed, decimal or 0x-hex (default 1)\n"
    "  --start YYYY-MM-DD  first day of the period, UTC (default 2019-10-01)\n"
    "  --days D            length of the period in days (default 31)\n"
    "  -o, --output FILE   write FILE instead of standard output; a name ending in\n"
    "                      .gz is gzip-compressed. FILE appears only when complete.\n"
    "  -h, --help          show this help\n"
    "\n"
    "Users and products scale with --rows: about 3 M users and 140 k products\n"
    "at the real file's 42.4 M rows.\n"
    "\n"
    "Examples:\n"
    "  wb generate ecommerce --rows 10M --seed 7 -o 2019-Oct.csv.gz\n"
    "  wb generate ecommerce --rows 1000 --start 2019-11-01 --days 30 | head\n";

void
gen_options_init(struct gen_options *o)
{
	memset(o, 0, sizeof *o);
	o->rows = 1000000;
	o->seed = 1;
	o->start_day = dt_days_from_civil(2019, 10, 1);
	o->days = 31;
	o->output = NULL;
	o->help = false;
}

static const char *const long_opts[] = {"--rows", "--seed", "--start", "--days", "--output", "--help"};

/* Levenshtein distance, for "did you mean"; options are short. */
static int
edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[32][32];
	if (la > 31 || lb > 31)
		return 99;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

static void
usage_hint(struct wb_error *err, const char *suggest)
{
	if (suggest)
		err_hint(err, "did you mean '%s'?\nusage: %s", suggest, gen_synopsis);
	else
		err_hint(err, "usage: %s", gen_synopsis);
}

/* "123", "10M", "2k", "1G": a count with an optional decimal multiplier */
int
gen_parse_count(const char *s, int64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned long long mul = 1;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1000000, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1000000000, end++;
	if (*end != '\0' || v > (unsigned long long)INT64_MAX / mul)
		return -1;
	*out = (int64_t)(v * mul);
	return 0;
}

int
gen_parse_seed(const char *s, uint64_t *out)
{
	char *end;
	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end != '\0' ? -1 : 0;
}

int
gen_parse_start(const char *s, int64_t *day)
{
	return dt_parse_date(s, strlen(s), day) ? 0 : -1;
}

bool
gen_rows_ok(int64_t rows)
{
	return rows >= 0 && rows <= GEN_MAX_ROWS;
}

bool
gen_days_ok(int64_t days)
{
	return days >= 1 && days <= GEN_MAX_DAYS;
}

bool
gen_start_ok(int64_t day)
{
	int y, m, d;
	dt_civil_from_days(day, &y, &m, &d);
	return y >= 1970 && y <= 9000;
}

int
gen_parse_args(int argc, char **argv, struct gen_options *o, struct wb_error *err)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		char name[32];
		size_t nlen;

		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			o->help = true;
			continue;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			err_set(err, -1, "generate ecommerce: unexpected argument '%s'", arg);
			usage_hint(err, NULL);
			return -1;
		}
		/* --name=value or --name value */
		eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
		nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (nlen >= sizeof name)
			nlen = sizeof name - 1;
		memcpy(name, arg, nlen);
		name[nlen] = '\0';
		if (strcmp(name, "-o") == 0)
			strcpy(name, "--output");
		if (strcmp(name, "--rows") != 0 && strcmp(name, "--seed") != 0 &&
		    strcmp(name, "--start") != 0 && strcmp(name, "--days") != 0 &&
		    strcmp(name, "--output") != 0) {
			const char *best = NULL;
			int bd = 3;
			for (size_t k = 0; k < sizeof long_opts / sizeof long_opts[0]; k++) {
				int d = edit_distance(name, long_opts[k]);
				if (d < bd)
					bd = d, best = long_opts[k];
			}
			err_set(err, -1, "generate ecommerce: unknown option '%s'", name);
			usage_hint(err, best);
			return -1;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			err_set(err, -1, "generate ecommerce: option '%s' needs a value", name);
			usage_hint(err, NULL);
			return -1;
		}

		if (strcmp(name, "--rows") == 0) {
			int64_t v;
			if (gen_parse_count(val, &v) < 0 || !gen_rows_ok(v)) {
				err_set(err, -1, "generate ecommerce: --rows wants a row count from 0 to "
				    "10000000000 (suffixes k, M, G allowed), not '%s'", val);
				usage_hint(err, NULL);
				return -1;
			}
			o->rows = v;
		} else if (strcmp(name, "--seed") == 0) {
			if (gen_parse_seed(val, &o->seed) < 0) {
				err_set(err, -1, "generate ecommerce: --seed wants a non-negative integer "
				    "below 2^64 (decimal or 0x-hex), not '%s'", val);
				usage_hint(err, NULL);
				return -1;
			}
		} else if (strcmp(name, "--start") == 0) {
			int64_t d;
			if (gen_parse_start(val, &d) < 0) {
				err_set(err, -1, "generate ecommerce: --start wants a date YYYY-MM-DD, not '%s'", val);
				usage_hint(err, NULL);
				return -1;
			}
			if (!gen_start_ok(d)) {
				err_set(err, -1, "generate ecommerce: --start must be between %s "
				    "and %s, not '%s'", GEN_MIN_START, GEN_MAX_START, val);
				usage_hint(err, NULL);
				return -1;
			}
			o->start_day = d;
		} else if (strcmp(name, "--days") == 0) {
			int64_t v;
			if (gen_parse_count(val, &v) < 0 || !gen_days_ok(v)) {
				err_set(err, -1, "generate ecommerce: --days wants a whole number of days "
				    "from 1 to %d, not '%s'", GEN_MAX_DAYS, val);
				usage_hint(err, NULL);
				return -1;
			}
			o->days = (int)v;
		} else {
			if (*val == '\0') {
				err_set(err, -1, "generate ecommerce: --output wants a file name "
				    "('-' for standard output)");
				usage_hint(err, NULL);
				return -1;
			}
			/* sharded output ("part-%d.csv") is not supported: refuse
			 * rather than create a file literally named "%d" */
			if (strstr(val, "%d") != NULL) {
				err_set(err, -1, "generate ecommerce: --output '%s': file name patterns "
				    "(%%d) are not supported; give one file name", val);
				usage_hint(err, NULL);
				return -1;
			}
			o->output = val;
		}
	}
	return 0;
}

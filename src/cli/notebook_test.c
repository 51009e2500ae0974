/*
 * notebook_test: notebooks as tests - `wb test NB.wb` and
 * `wb run --update NB.wb`.
 *
 * A SQL cell's expected block is the `-- > ` lines right after its code:
 * what the cell printed (results in the session's mode, messages, errors,
 * warnings, timings), with volatile values masked. A chart cell's is the
 * `-- > ` lines after its spec lines: its chart as text and its notes (or
 * its error), drawn at a fixed size and character set (notebook_run.c).
 * A test runs the whole notebook in a fresh temporary warehouse, masks
 * each cell's output the same way and compares it with the block:
 *
 *   masking (actual output; --update writes the masked text):
 *     Run Time: 0.012 s             -> Run Time: <time>
 *     box columns time_ms, duration_s, duration_ms (<time>), memory_mb
 *       (<memory>), workers (<workers>): EXPLAIN ANALYZE, SHOW RUNS
 *     "...TimeMs":"12" in JSON       -> "...TimeMs":"<time>"
 *     timestamps within two days of now (commit times, run starts)
 *       -> <now>; today's date (+-1 day) -> <today>; epoch seconds or
 *       milliseconds within two days of now -> <now>
 *     uuid4 ids (table ids; run ids as 32 hex digits) -> <uuid>, <run_id>;
 *       MLflow experiment ids (18 random digits) in an experiment_id
 *       column, after mlruns/ and in "(id N)" -> <experiment_id>
 *     wb/0.1.0 (engineInfo) -> wb/<version>
 *     the temporary warehouse -> <warehouse>; other paths under $TMPDIR
 *       or /tmp: their first component -> <tmp>
 *   comparison (line by line, after both sides are normalised: runs of
 *   blanks are one blank, trailing blanks and the widths of box rules do
 *   not count, so a masked value may change a column's width; in a chart
 *   cell's block only trailing blanks do not count, since where a bar or
 *   a dot is drawn is what the block pins):
 *     <any> in an expected line matches any text within the line;
 *     a line "..." matches any number of lines.
 *
 * --update keeps a block that still matches (its wildcards stay), rewrites
 * one that does not, adds one to a cell that printed something and had
 * none, and removes one whose cell now prints nothing; every other byte of
 * the file stays as it was, and the file is replaced atomically.
 */
#include "cli/notebook.h"
#include "cli/session.h"

#include "core/datetime.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ masking */

#define NEAR_NOW_SECONDS (2 * 86400LL)

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* 8-4-4-4-12 lower-case hex at s (length 36) */
static bool
is_uuid(const char *s, size_t n)
{
	if (n < 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return n == 36 || !word_char(s[36]);
}

/* uuid4().hex: 32 hex digits, version 4, variant 8-b (MLflow run ids) */
static bool
is_run_id(const char *s, size_t n)
{
	if (n < 32)
		return false;
	for (int i = 0; i < 32; i++)
		if (!is_hex(s[i]))
			return false;
	if (n > 32 && word_char(s[32]))
		return false;
	return s[12] == '4' && (s[16] == '8' || s[16] == '9' || s[16] == 'a' || s[16] == 'b');
}

/* A date or timestamp starting at s: its length, and whether it is near
 * now (*what: "<now>" or "<today>"); 0 when there is none. */
static size_t
near_now_time(const char *s, size_t n, long long now, const char **what)
{
	if (n < 10 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[3]) || s[4] != '-' || s[7] != '-' ||
	    !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[8]) || !isdigit((unsigned char)s[9]))
		return 0;
	size_t e = 10;
	bool time_part = false;
	if (e + 5 < n && (s[e] == ' ' || s[e] == 'T') && isdigit((unsigned char)s[e + 1]) && isdigit((unsigned char)s[e + 2]) &&
	    s[e + 3] == ':') {
		time_part = true;
		e += 1;
		while (e < n && (isdigit((unsigned char)s[e]) || s[e] == ':' || s[e] == '.'))
			e++;
		if (e < n && s[e] == 'Z')
			e++;
		else if (e + 4 <= n && memcmp(s + e, " UTC", 4) == 0)
			e += 4;
		else if (e + 6 <= n && (s[e] == '+' || s[e] == '-') && isdigit((unsigned char)s[e + 1]) &&
		    isdigit((unsigned char)s[e + 2]) && s[e + 3] == ':')
			e += 6;
	}
	if (e < n && isdigit((unsigned char)s[e]))
		return 0;
	int64_t v;
	if (time_part) {
		if (!dt_parse_timestamp(s, e, &v))
			return 0;
		long long sec = (long long)(v / DT_US_PER_SEC);
		if (llabs(sec - now) > NEAR_NOW_SECONDS)
			return 0;
		*what = "<now>";
		return e;
	}
	if (!dt_parse_date(s, 10, &v))
		return 0;
	if (llabs((long long)v - now / 86400) > 1)
		return 0;
	*what = "<today>";
	return 10;
}

/* an integer of epoch seconds, milliseconds or microseconds near now */
static size_t
near_now_epoch(const char *s, size_t n, long long now)
{
	size_t e = 0;
	while (e < n && isdigit((unsigned char)s[e]))
		e++;
	if ((e != 10 && e != 13 && e != 16) || (e < n && (word_char(s[e]) || s[e] == '.')))
		return 0;
	long long v = strtoll(s, NULL, 10);
	long long sec = e == 10 ? v : e == 13 ? v / 1000 : v / 1000000;
	return llabs(sec - now) <= NEAR_NOW_SECONDS ? e : 0;
}

/* characters that end a path in output */
static bool
path_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\'' || c == '"' || c == ',' || c == ')' || c == '(' || c == ';' ||
	    (unsigned char)c == 0xe2 /* box-drawing characters start with E2 */;
}

static void
mask_line(const struct nb_mask *m, const char *s, size_t n, struct strbuf *out)
{
	const char *tmpdir = getenv("TMPDIR");
	size_t wl = m->warehouse ? strlen(m->warehouse) : 0;
	size_t i = 0;
	if (n >= 10 && memcmp(s, "Run Time: ", 10) == 0) {
		size_t j = 10;
		while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.'))
			j++;
		if (j > 10 && j + 2 == n && memcmp(s + j, " s", 2) == 0) {
			sb_puts(out, "Run Time: <time>");
			return;
		}
	}
	while (i < n) {
		const char *p = s + i;
		size_t left = n - i;
		bool boundary = i == 0 || !word_char(s[i - 1]);
		const char *what = NULL;
		size_t k;
		if (wl > 0 && left >= wl && memcmp(p, m->warehouse, wl) == 0) {
			sb_puts(out, "<warehouse>");
			i += wl;
			continue;
		}
		if (*p == '/' && (i == 0 || path_end(s[i - 1]) || s[i - 1] == '=' || s[i - 1] == ':')) {
			const char *roots[2] = {tmpdir && *tmpdir ? tmpdir : NULL, "/tmp"};
			bool done = false;
			for (int r = 0; r < 2 && !done; r++) {
				size_t rl = roots[r] ? strlen(roots[r]) : 0;
				while (rl > 1 && roots[r][rl - 1] == '/')
					rl--;
				if (rl == 0 || left <= rl + 1 || memcmp(p, roots[r], rl) != 0 || p[rl] != '/')
					continue;
				size_t j = rl + 1;
				while (j < left && p[j] != '/' && !path_end(p[j]))
					j++;
				if (j == rl + 1)
					continue;
				sb_puts(out, "<tmp>");
				i += j;
				done = true;
			}
			if (done)
				continue;
		}
		if (boundary && is_uuid(p, left)) {
			sb_puts(out, "<uuid>");
			i += 36;
			continue;
		}
		if (boundary && is_run_id(p, left)) {
			sb_puts(out, "<run_id>");
			i += 32;
			continue;
		}
		if (boundary && isdigit((unsigned char)*p)) {
			if ((k = near_now_time(p, left, m->now, &what)) > 0) {
				sb_puts(out, what);
				i += k;
				continue;
			}
			if ((i == 0 || s[i - 1] != '.') && (k = near_now_epoch(p, left, m->now)) > 0) {
				sb_puts(out, "<now>");
				i += k;
				continue;
			}
			/* a number: copied whole, so a timestamp is never found
			 * inside one */
			k = 0;
			while (k < left && (isalnum((unsigned char)p[k]) || p[k] == '.'))
				k++;
			sb_add(out, p, k);
			i += k;
			continue;
		}
		if (left > 4 && memcmp(p, "wb/", 3) == 0 && isdigit((unsigned char)p[3]) && (i == 0 || !word_char(s[i - 1]))) {
			/* engineInfo wb/0.1.0: the same notebook under the next release */
			k = 3;
			while (k < left && (isalnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '-'))
				k++;
			sb_puts(out, "wb/<version>");
			i += k;
			continue;
		}
		if ((left > 7 && memcmp(p, "mlruns/", 7) == 0) || (left > 4 && memcmp(p, "(id ", 4) == 0)) {
			/* MLflow experiment ids: 18 random digits, in artifact
			 * paths and in "experiment x (id N)" */
			size_t pre = *p == 'm' ? 7 : 4, d = pre;
			while (d < left && isdigit((unsigned char)p[d]))
				d++;
			sb_add(out, p, pre);
			i += pre;
			if (d - pre >= 15) {
				sb_puts(out, "<experiment_id>");
				i += d - pre;
			}
			continue;
		}
		if (left > 8 && memcmp(p, "TimeMs\":", 8) == 0) {
			sb_add(out, p, 8);
			i += 8;
			bool q = i < n && s[i] == '"';
			size_t j = i + (q ? 1 : 0);
			size_t d = j;
			while (d < n && (isdigit((unsigned char)s[d]) || s[d] == '.'))
				d++;
			if (d > j && (!q || (d < n && s[d] == '"'))) {
				sb_puts(out, q ? "\"<time>\"" : "<time>");
				i = d + (q ? 1 : 0);
			}
			continue;
		}
		sb_putc(out, *p);
		i++;
	}
}

struct vol_col {
	const char *name, *mask;
};

static const struct vol_col vol_cols[] = {
	{"time_ms", "<time>"}, {"duration_s", "<time>"}, {"duration_ms", "<time>"},
	{"memory_mb", "<memory>"}, {"workers", "<workers>"}, {"experiment_id", "<experiment_id>"},
};

#define BOX_V "\xe2\x94\x82"   /* │ */

/* split a box row at its │ characters: fields[k] starts at starts[k] */
static int
box_split(const char *s, size_t n, size_t *starts, size_t *ends, int max)
{
	int k = 0;
	size_t i = 0, from = 0;
	while (i + 3 <= n) {
		if (memcmp(s + i, BOX_V, 3) == 0) {
			if (k < max) {
				starts[k] = from;
				ends[k] = i;
			}
			k++;
			i += 3;
			from = i;
			continue;
		}
		i++;
	}
	if (k < max) {
		starts[k] = from;
		ends[k] = n;
	}
	return k + 1;
}

#define MAX_COLS 256

char *
nb_mask_output(const struct nb_mask *m, const char *text)
{
	struct strbuf out = STRBUF_INIT, line = STRBUF_INIT;
	const char *masks[MAX_COLS];
	int nfields = 0;          /* > 0: inside a box table whose header had a volatile column */
	bool header_next = false, in_rows = false;
	size_t st[MAX_COLS], en[MAX_COLS];
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		sb_clear(&line);
		if (n >= 3 && memcmp(p, "\xe2\x94\x8c", 3) == 0) {          /* ┌ a table begins */
			header_next = true;
			in_rows = false;
			nfields = 0;
			sb_add(&line, p, n);
		} else if (header_next && n >= 3 && memcmp(p, BOX_V, 3) == 0) {
			header_next = false;
			int k = box_split(p, n, st, en, MAX_COLS);
			bool any = false;
			for (int f = 0; f < k && f < MAX_COLS; f++) {
				masks[f] = NULL;
				const char *a = p + st[f], *b = p + en[f];
				while (a < b && *a == ' ')
					a++;
				while (b > a && b[-1] == ' ')
					b--;
				for (size_t v = 0; v < sizeof vol_cols / sizeof vol_cols[0]; v++)
					if ((size_t)(b - a) == strlen(vol_cols[v].name) && memcmp(a, vol_cols[v].name, (size_t)(b - a)) == 0)
						masks[f] = vol_cols[v].mask, any = true;
			}
			nfields = any && k <= MAX_COLS ? k : 0;
			sb_add(&line, p, n);
		} else if (nfields > 0 && n >= 3 && memcmp(p, "\xe2\x94\x9c", 3) == 0) {   /* ├ rows follow */
			in_rows = true;
			sb_add(&line, p, n);
		} else if (nfields > 0 && in_rows && n >= 3 && memcmp(p, BOX_V, 3) == 0) {
			int k = box_split(p, n, st, en, MAX_COLS);
			if (k != nfields) {
				sb_add(&line, p, n);
			} else {
				for (int f = 0; f < k; f++) {
					if (f > 0)
						sb_puts(&line, BOX_V);
					if (masks[f])
						sb_printf(&line, " %s ", masks[f]);
					else
						sb_add(&line, p + st[f], en[f] - st[f]);
				}
			}
		} else {
			if (n >= 3 && memcmp(p, "\xe2\x94\x94", 3) == 0)     /* └ it ends */
				nfields = 0, in_rows = false;
			sb_add(&line, p, n);
		}
		mask_line(m, sb_str(&line), line.len, &out);
		sb_putc(&out, '\n');
		if (!e)
			break;
		p = e + 1;
	}
	sb_free(&line);
	char *r = sb_detach(&out);
	return r ? r : xstrdup("");
}

/* ------------------------------------------------------------ comparing */

/* trailing blanks dropped; unless exact, blanks collapsed and runs of ─
 * as one */
static char *
normalise(const char *s, bool exact)
{
	struct strbuf b = STRBUF_INIT;
	size_t blank = 0;
	for (const char *p = s; *p;) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			blank++;
			p++;
			continue;
		}
		if (blank) {
			/* exact: blanks as written (a tab is a blank) */
			sb_repeat(&b, " ", exact ? (int)blank : 1);
			blank = 0;
		}
		if (!exact && memcmp(p, "\xe2\x94\x80", 3) == 0) {
			sb_add(&b, p, 3);
			while (memcmp(p, "\xe2\x94\x80", 3) == 0)
				p += 3;
			continue;
		}
		sb_putc(&b, *p++);
	}
	char *r = sb_detach(&b);
	return r ? r : xstrdup("");
}

/* want (normalised) with <any> wildcards against got (normalised) */
static bool
glob_match(const char *want, const char *got)
{
	const char *any = strstr(want, "<any>");
	if (any == NULL)
		return strcmp(want, got) == 0;
	size_t pl = (size_t)(any - want);
	if (strncmp(want, got, pl) != 0)
		return false;
	got += pl;
	want = any + 5;
	for (;;) {
		any = strstr(want, "<any>");
		if (any == NULL) {
			size_t wl = strlen(want), gl = strlen(got);
			return gl >= wl && strcmp(got + gl - wl, want) == 0;
		}
		size_t l = (size_t)(any - want);
		char *piece = xstrndup(want, l);
		const char *f = l ? strstr(got, piece) : got;
		free(piece);
		if (f == NULL)
			return false;
		got = f + l;
		want = any + 5;
	}
}

struct op {
	char kind;        /* ' ', '-', '+' */
	int wi, gi;       /* lines (0-based) in want and got, -1 when none */
};

static void
print_diff(struct op *ops, int nops, char **want, char **got, const char *label, struct strbuf *diff)
{
	sb_printf(diff, "--- expected (%s)\n+++ actual\n", label);
	int printed = 0, limit = 150;
	int i = 0;
	while (i < nops) {
		if (ops[i].kind == ' ') {
			i++;
			continue;
		}
		/* a hunk: 3 lines of context around changes closer than 7 lines */
		int a = i - 3 < 0 ? 0 : i - 3;
		while (a < i && ops[a].kind != ' ')
			a++;
		int b = i;
		for (;;) {
			while (b < nops && ops[b].kind != ' ')
				b++;
			int gap = 0;
			while (b + gap < nops && ops[b + gap].kind == ' ' && gap < 7)
				gap++;
			if (b + gap < nops && gap < 7 && ops[b + gap].kind != ' ') {
				b += gap;
				continue;
			}
			b += gap < 3 ? gap : 3;
			break;
		}
		int ws = -1, gs = -1, wc = 0, gc = 0;
		for (int k = a; k < b; k++) {
			if (ops[k].wi >= 0) {
				if (ws < 0)
					ws = ops[k].wi;
				wc++;
			}
			if (ops[k].gi >= 0) {
				if (gs < 0)
					gs = ops[k].gi;
				gc++;
			}
		}
		sb_printf(diff, "@@ -%d,%d +%d,%d @@\n", ws < 0 ? 0 : ws + 1, wc, gs < 0 ? 0 : gs + 1, gc);
		for (int k = a; k < b; k++) {
			if (printed++ >= limit)
				break;
			const char *t = ops[k].kind == '+' || (ops[k].kind == ' ' && ops[k].wi < 0) ? got[ops[k].gi]
				      : want[ops[k].wi];
			sb_printf(diff, "%c%s\n", ops[k].kind, t);
		}
		if (printed >= limit) {
			sb_puts(diff, "(the rest of the diff is left out)\n");
			break;
		}
		i = b;
	}
}

bool
nb_expect_match(char **want, int nwant, const char *got_text, const char *label, bool exact, struct strbuf *diff)
{
	/* the actual lines */
	char **got = NULL;
	size_t gcap = 0;
	int ngot = 0;
	for (const char *p = got_text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		got = xgrow(got, &gcap, (size_t)ngot + 1, sizeof *got);
		got[ngot++] = xstrndup(p, n);
		if (!e)
			break;
		p = e + 1;
	}
	char **nw = xcalloc((size_t)nwant + 1, sizeof *nw), **ng = xcalloc((size_t)ngot + 1, sizeof *ng);
	bool *dots = xcalloc((size_t)nwant + 1, sizeof *dots);
	for (int i = 0; i < nwant; i++) {
		nw[i] = normalise(want[i], exact);
		dots[i] = strcmp(nw[i], "...") == 0;
	}
	for (int j = 0; j < ngot; j++)
		ng[j] = normalise(got[j], exact);
	bool ok;
	size_t cells = (size_t)(nwant + 1) * (size_t)(ngot + 1);
	struct op *ops = NULL;
	int nops = 0;
	if (cells <= (size_t)16 << 20) {
		/* the cheapest alignment: a line costs 1 when only one side has
		 * it; "..." takes any number of actual lines for free */
		int *dp = xmalloc(cells * sizeof *dp);
#define DP(i, j) dp[(size_t)(i) * (size_t)(ngot + 1) + (size_t)(j)]
		for (int i = nwant; i >= 0; i--)
			for (int j = ngot; j >= 0; j--) {
				int v;
				if (i == nwant)
					v = ngot - j;
				else if (dots[i])
					v = j == ngot ? DP(i + 1, j) : (DP(i + 1, j) < DP(i, j + 1) ? DP(i + 1, j) : DP(i, j + 1));
				else if (j == ngot)
					v = 1 + DP(i + 1, j);
				else {
					v = 1 + (DP(i + 1, j) < DP(i, j + 1) ? DP(i + 1, j) : DP(i, j + 1));
					if (DP(i + 1, j + 1) < v && glob_match(nw[i], ng[j]))
						v = DP(i + 1, j + 1);
				}
				DP(i, j) = v;
			}
		ok = DP(0, 0) == 0;
		if (!ok && diff != NULL) {
			ops = xcalloc((size_t)(nwant + ngot) + 1, sizeof *ops);
			int i = 0, j = 0;
			while (i < nwant || j < ngot) {
				if (i < nwant && dots[i]) {
					if (j < ngot && DP(i, j + 1) <= DP(i + 1, j)) {
						ops[nops++] = (struct op){' ', -1, j};
						j++;
					} else {
						ops[nops++] = (struct op){' ', i, -1};
						i++;
					}
				} else if (i < nwant && j < ngot && DP(i, j) == DP(i + 1, j + 1) && glob_match(nw[i], ng[j])) {
					ops[nops++] = (struct op){' ', i, j};
					i++, j++;
				} else if (i < nwant && (j == ngot || DP(i, j) == 1 + DP(i + 1, j))) {
					ops[nops++] = (struct op){'-', i, -1};
					i++;
				} else {
					ops[nops++] = (struct op){'+', -1, j};
					j++;
				}
			}
		}
#undef DP
		free(dp);
	} else {
		/* too large to align: line by line */
		ok = nwant == ngot;
		for (int i = 0; ok && i < nwant; i++)
			ok = !dots[i] && glob_match(nw[i], ng[i]);
		if (!ok && diff != NULL) {
			ops = xcalloc((size_t)(nwant + ngot) + 1, sizeof *ops);
			for (int i = 0; i < nwant || i < ngot; i++) {
				if (i < nwant && i < ngot && glob_match(nw[i], ng[i]))
					ops[nops++] = (struct op){' ', i, i};
				else {
					if (i < nwant)
						ops[nops++] = (struct op){'-', i, -1};
					if (i < ngot)
						ops[nops++] = (struct op){'+', -1, i};
				}
			}
		}
	}
	if (ops != NULL)
		print_diff(ops, nops, want, got, label, diff);
	free(ops);
	for (int i = 0; i < nwant; i++)
		free(nw[i]);
	for (int j = 0; j < ngot; j++) {
		free(ng[j]);
		free(got[j]);
	}
	free(nw);
	free(ng);
	free(got);
	free(dots);
	return ok;
}

/* the expected lines of a cell's block, "-- > " taken off */
static char **
block_lines(const struct notebook *nb, const struct nb_cell *c, int *n)
{
	*n = c->out_end - c->out_first;
	char **v = xcalloc((size_t)*n + 1, sizeof *v);
	for (int i = 0; i < *n; i++) {
		const struct nb_line *l = &nb->lines[c->out_first + i - 1];
		int k = 4;
		if (k < l->len && l->p[k] == ' ')
			k++;
		v[i] = xstrndup(l->p + k, (size_t)(l->len - k));
	}
	return v;
}

static void
free_lines(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------ wb test */

static void
point(struct nb_test_totals *t, bool ok, const char *what, const char *diag)
{
	if (ok)
		t->passed++;
	else
		t->failed++;
	if (t->tap)
		printf("%sok %d - %s\n", ok ? "" : "not ", ++t->tapn, what);
	else if (!ok) {
		fflush(stdout);
		fprintf(stderr, "%s: FAILED\n", what);
	}
	if (ok || diag == NULL)
		return;
	FILE *o = t->tap ? stdout : stderr;
	for (const char *p = diag; *p;) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) : (int)strlen(p);
		fprintf(o, "%s%.*s\n", t->tap ? "# " : "  ", n, p);
		if (!e)
			break;
		p = e + 1;
	}
}

static void
note(const struct nb_test_totals *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(const struct nb_test_totals *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (t->tap)
		fputs("# ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool
nb_is_notebook_path(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && strcmp(path + n - 3, ".wb") == 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int
nb_test_file(const char *path, const char *shown, struct nb_test_totals *t)
{
	struct wb_error err = WB_ERROR_INIT;
	struct nb_vars vars = {0};
	const char *base = base_name(path);
	int failed0 = t->failed;
	struct notebook *nb = nb_load(path, &err);
	if (nb == NULL || nb_vars_resolve(nb, NULL, 0, &vars, &err) < 0) {
		char *d = xasprintf("%s%s%s", err.msg, err.hint ? "\nHINT: " : "", err.hint ? err.hint : "");
		char *w = xasprintf("%s: the notebook cannot run", shown);
		point(t, false, w, d);
		free(w);
		free(d);
		err_clear(&err);
		nb_vars_free(&vars);
		nb_free(nb);
		return -1;
	}
	char tmp_wh[4096];
	struct session *s = nb_session_new(t->warehouse, tmp_wh, sizeof tmp_wh);
	const char *wh = t->warehouse ? t->warehouse : tmp_wh;
	if (nb_vars_bind(&vars, s, &err) < 0) {
		point(t, false, shown, err.msg);
		err_clear(&err);
		nb_session_free(s, tmp_wh);
		nb_vars_free(&vars);
		nb_free(nb);
		return -1;
	}
	struct nb_run r = {.nb = nb, .s = s, .vars = &vars, .from = 0, .to = nb->ncells - 1, .capture = true,
	    .shown_path = base};
	nb_run_cells(&r);
	struct nb_mask mk = {.warehouse = wh, .path = path, .base = base, .now = (long long)time(NULL)};
	int compared = 0, unchecked = 0;
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		const struct nb_cell_out *o = &r.outs[i];
		if (!o->ran || c->kind == NB_MD)
			continue;
		char lb[64];
		char *what = xasprintf("%s:%d %s", shown, c->marker ? c->marker : c->first, nb_cell_label(c, lb, sizeof lb));
		char *got = nb_mask_output(&mk, o->text ? o->text : "");
		if (c->out_first) {
			int nw;
			char **want = block_lines(nb, c, &nw);
			struct strbuf diff = STRBUF_INIT;
			char *label = xasprintf("%s:%d", base, c->out_first);
			bool ok = nb_expect_match(want, nw, got, label, c->kind == NB_CHART, &diff);
			if (!ok)
				sb_printf(&diff, "(wb run --update %s rewrites the blocks from a run)", shown);
			point(t, ok, what, sb_str(&diff));
			free(label);
			sb_free(&diff);
			free_lines(want, nw);
			compared++;
		} else if (o->failed) {
			/* the end of its output, where the error is */
			const char *tail = got + strlen(got);
			int lines = 0;
			while (tail > got && lines <= 30)
				if (*--tail == '\n')
					lines++;
			if (tail > got)
				tail++;
			char *d = xasprintf("the cell failed (it has no expected block):\n%s%s", tail > got ? "...\n" : "", tail);
			point(t, false, what, d);
			free(d);
		} else {
			unchecked++;
		}
		free(got);
		free(what);
	}
	if (r.stopped >= 0 && r.stopped < nb->ncells - 1) {
		const struct nb_cell *c = &nb->cells[r.stopped];
		char lb[64];
		char rest[64];
		if (c->number + 1 == nb->ncells)
			snprintf(rest, sizeof rest, "cell %d", nb->ncells);
		else
			snprintf(rest, sizeof rest, "cells %d-%d", c->number + 1, nb->ncells);
		char *what = xasprintf("%s: the run stopped at %s (line %d); %s did not run", shown,
		    nb_cell_label(c, lb, sizeof lb), c->marker ? c->marker : c->first, rest);
		point(t, false, what,
		    c->kind == NB_CHART ? "a failing cell stops the run; if the chart's error is expected, start the SQL cell "
					  "before it with .bail off (a chart cell runs under the bail its SQL cell left)"
					: "a failing cell stops the run; if its error is expected, start the cell with .bail off");
		free(what);
	}
	if (compared == 0 && unchecked == 0 && t->failed == failed0)
		point(t, true, shown, NULL);   /* nothing to compare, and it ran */
	note(t, "%s: %d cell%s compared with expected output, %d run but not compared (no expected block)", shown, compared,
	    compared == 1 ? "" : "s", unchecked);
	nb_run_free(&r);
	nb_session_free(s, tmp_wh);
	nb_vars_free(&vars);
	nb_free(nb);
	return t->failed > failed0 ? -1 : 0;
}

/* ------------------------------------------------------------ --update */

enum upd { UPD_KEEP, UPD_REPLACE, UPD_ADD, UPD_REMOVE };

static void
put_block(const struct notebook *nb, const char *masked, struct strbuf *out)
{
	for (const char *p = masked; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;   /* editors strip trailing blanks; comparisons ignore them */
		sb_puts(out, "-- >");
		if (n > 0) {
			sb_putc(out, ' ');
			sb_add(out, p, n);
		}
		sb_puts(out, nb->eol);
		if (!e)
			break;
		p = e + 1;
	}
}

/* Error locations in a cell's output name lines of the file as it was
 * run; blocks rewritten above the cell move its code by delta lines. So
 * that the new file's blocks name its own lines, "BASE:N:" and "LINE N: "
 * (and the caret line under it) are moved too. */
static char *
shift_lines(const char *text, const char *base, int delta)
{
	struct strbuf out = STRBUF_INIT;
	size_t bl = strlen(base);
	int caret_shift = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t i = 0;
		if (caret_shift != 0) {
			/* the caret line under a LINE whose number changed width */
			size_t sp = 0;
			while (sp < n && p[sp] == ' ')
				sp++;
			if (sp + 1 == n && p[sp] == '^') {
				int w = (int)sp + caret_shift;
				sb_printf(&out, "%*s^", w > 0 ? w : 0, "");
				i = n;
			}
			caret_shift = 0;
		}
		if (i == 0 && n > 5 && memcmp(p, "LINE ", 5) == 0 && isdigit((unsigned char)p[5])) {
			char *end;
			long v = strtol(p + 5, &end, 10);
			if (*end == ':') {
				char a[32], b[32];
				int la = snprintf(a, sizeof a, "%ld", v), lb = snprintf(b, sizeof b, "%ld", v + delta);
				sb_printf(&out, "LINE %s", b);
				caret_shift = lb - la;
				i = (size_t)(end - p);
			}
		}
		while (i < n) {
			if (n - i > bl + 1 && memcmp(p + i, base, bl) == 0 && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '/') &&
			    p[i + bl] == ':' && isdigit((unsigned char)p[i + bl + 1])) {
				char *end;
				long v = strtol(p + i + bl + 1, &end, 10);
				if (*end == ':') {
					sb_printf(&out, "%s:%ld", base, v + delta);
					i = (size_t)(end - p);
					continue;
				}
			}
			sb_putc(&out, p[i++]);
		}
		sb_putc(&out, '\n');
		if (!e)
			break;
		p = e + 1;
	}
	char *r = sb_detach(&out);
	return r ? r : xstrdup("");
}

static int
count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int
nb_update(struct nb_run *r, const char *tmp_wh)
{
	struct notebook *nb = r->nb;
	const char *path = nb->path;
	nb_run_cells(r);
	if (r->stopped >= 0) {
		const struct nb_cell *c = &nb->cells[r->stopped];
		char lb[64];
		fprintf(stderr, "%s", r->outs[r->stopped].text ? r->outs[r->stopped].text : "");
		fprintf(stderr, "wb run --update: %s:%d: %s failed, so no block was written (%s is as it was)\n", path,
		    c->marker ? c->marker : c->first, nb_cell_label(c, lb, sizeof lb), path);
		if (c->kind == NB_CHART)
			fprintf(stderr, "HINT: fix the chart's spec, or start the SQL cell before it with .bail off if the chart's "
			    "error is the expected output\n");
		else
			fprintf(stderr, "HINT: fix the cell, or start it with .bail off if its error is the expected output\n");
		return 1;
	}
	struct nb_mask mk = {.warehouse = tmp_wh, .path = path, .base = base_name(path), .now = (long long)time(NULL)};
	enum upd *act = xcalloc((size_t)nb->ncells + 1, sizeof *act);
	char **masked = xcalloc((size_t)nb->ncells + 1, sizeof *masked);
	int nrep = 0, nadd = 0, nrem = 0, nkeep = 0, nquiet = 0;
	int delta = 0;   /* lines added above the current cell by new blocks */
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		if (c->kind == NB_MD || !r->outs[i].ran)
			continue;
		masked[i] = nb_mask_output(&mk, r->outs[i].text ? r->outs[i].text : "");
		if (delta != 0) {
			/* as the new file will number its lines */
			char *sh = shift_lines(masked[i], mk.base, delta);
			free(masked[i]);
			masked[i] = sh;
		}
		bool empty = masked[i][0] == '\0';
		if (c->out_first) {
			int nw;
			char **want = block_lines(nb, c, &nw);
			bool ok = nb_expect_match(want, nw, masked[i], "", c->kind == NB_CHART, NULL);
			free_lines(want, nw);
			act[i] = ok ? UPD_KEEP : empty ? UPD_REMOVE : UPD_REPLACE;
		} else {
			act[i] = empty || c->last == 0 ? UPD_KEEP : UPD_ADD;
		}
		switch (act[i]) {
		case UPD_KEEP:
			if (c->out_first)
				nkeep++;
			else
				nquiet++;
			break;
		case UPD_REPLACE: nrep++; break;
		case UPD_ADD: nadd++; break;
		case UPD_REMOVE: nrem++; break;
		}
		int had = c->out_first ? c->out_end - c->out_first : 0;
		if (act[i] == UPD_REPLACE || act[i] == UPD_ADD)
			delta += count_lines(masked[i]) - had;
		else if (act[i] == UPD_REMOVE)
			delta -= had;
	}
	int rc = 0;
	if (nrep + nadd + nrem > 0) {
		struct strbuf out = STRBUF_INIT;
		int c = 0;
		for (int ln = 1; ln <= nb->nlines; ln++) {
			while (c < nb->ncells && nb->cells[c].end <= ln)
				c++;
			const struct nb_cell *cell = c < nb->ncells ? &nb->cells[c] : NULL;
			const struct nb_line *l = &nb->lines[ln - 1];
			if (cell && cell->out_first == ln && (act[c] == UPD_REPLACE || act[c] == UPD_REMOVE)) {
				if (act[c] == UPD_REPLACE)
					put_block(nb, masked[c], &out);
				ln = cell->out_end - 1;
				continue;
			}
			sb_add(&out, nb->text + l->off, l->next - l->off);
			if (cell && act[c] == UPD_ADD && cell->last == ln) {
				if (l->next == nb->len && (nb->len == 0 || nb->text[nb->len - 1] != '\n'))
					sb_puts(&out, nb->eol);   /* the last line had no line end */
				put_block(nb, masked[c], &out);
			}
		}
		struct wb_error err = WB_ERROR_INIT;
		if (nb_write_atomic(path, out.s ? out.s : "", out.len, &err) < 0) {
			fprintf(stderr, "wb run --update: %s\nHINT: %s\n", err.msg, err.hint ? err.hint : "");
			rc = 1;
		}
		err_clear(&err);
		sb_free(&out);
	}
	if (rc == 0)
		printf("%s: %d block%s rewritten, %d added, %d removed, %d unchanged; %d cell%s print%s nothing (no block)%s\n",
		    path, nrep, nrep == 1 ? "" : "s", nadd, nrem, nkeep, nquiet, nquiet == 1 ? "" : "s", nquiet == 1 ? "s" : "",
		    nrep + nadd + nrem ? "" : "; the file is unchanged");
	for (int i = 0; i < nb->ncells; i++)
		free(masked[i]);
	free(masked);
	free(act);
	return rc;
}

/*
 * chart_spec: the one grammar of a chart spec (see chart.h and
 * wb-chart(7)) - its words, its options, their values - shared by
 * `.chart`, notebook chart cells and the CHART statement.
 *
 * The option table below is the reference: parsing, did-you-mean hints
 * and `.help chart` all come from it.
 */
#include "ui/chart_int.h"

#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[CHART__COUNT] = {
	[CHART_AUTO] = "auto", [CHART_BAR] = "bar", [CHART_LINE] = "line", [CHART_AREA] = "area",
	[CHART_HISTOGRAM] = "histogram", [CHART_SCATTER] = "scatter", [CHART_BOX] = "box",
	[CHART_HEATMAP] = "heatmap", [CHART_INTERVAL] = "interval", [CHART_SPARKLINE] = "sparkline",
	[CHART_KPI] = "kpi",
};

/* other spellings of the kinds */
static const struct {
	const char *word;
	enum chart_kind kind;
} kind_aliases[] = {
	{"hist", CHART_HISTOGRAM}, {"boxplot", CHART_BOX}, {"heat", CHART_HEATMAP}, {"ci", CHART_INTERVAL},
	{"errorbar", CHART_INTERVAL}, {"spark", CHART_SPARKLINE}, {"points", CHART_SCATTER}, {"hbar", CHART_BAR},
};

const char *
chart_kind_name(enum chart_kind k)
{
	return k >= 0 && k < CHART__COUNT ? kind_names[k] : "?";
}

static bool
kind_from_word(const char *w, size_t n, enum chart_kind *k, bool *hbar)
{
	*hbar = false;
	for (int i = 0; i < CHART__COUNT; i++)
		if (strlen(kind_names[i]) == n && strncasecmp(kind_names[i], w, n) == 0) {
			*k = (enum chart_kind)i;
			return true;
		}
	for (size_t i = 0; i < sizeof kind_aliases / sizeof kind_aliases[0]; i++)
		if (strlen(kind_aliases[i].word) == n && strncasecmp(kind_aliases[i].word, w, n) == 0) {
			*k = kind_aliases[i].kind;
			*hbar = strcmp(kind_aliases[i].word, "hbar") == 0;
			return true;
		}
	return false;
}

enum opt_type { O_COL, O_COLS, O_TEXT, O_INT, O_NUM, O_BOOL, O_KIND, O_LOG, O_LEGEND };

enum opt_id {
	OPT_TYPE, OPT_X, OPT_Y, OPT_SERIES, OPT_LO, OPT_HI, OPT_VALUE, OPT_PREV, OPT_TITLE, OPT_XLABEL, OPT_YLABEL,
	OPT_WIDTH, OPT_HEIGHT, OPT_BINS, OPT_BINWIDTH, OPT_HORIZONTAL, OPT_VERTICAL, OPT_STACKED, OPT_GROUPED,
	OPT_LOG, OPT_LOGX, OPT_LOGY, OPT_ASCII, OPT_UNICODE, OPT_LEGEND, OPT_NOLEGEND,
};

struct opt {
	enum opt_id id;
	const char *name;
	const char *aliases;     /* space-separated, or NULL */
	enum opt_type type;
	bool modifier;           /* may stand alone as a word (true) */
	const char *arg;         /* for help */
	const char *help;
};

static const struct opt opts[] = {
	{OPT_TYPE, "type", "kind", O_KIND, false, "KIND", "the kind, as the first word gives it"},
	{OPT_X, "x", NULL, O_COLS, false, "COL[,COL]", "categories or x values (several columns: joined labels)"},
	{OPT_Y, "y", NULL, O_COLS, false, "COL[,COL...]", "values: one series per column"},
	{OPT_SERIES, "series", "color colour by group", O_COL, false, "COL", "one series per value of this column"},
	{OPT_LO, "lo", "low lower ci_low", O_COL, false, "COL", "interval: the lower end"},
	{OPT_HI, "hi", "high upper ci_high", O_COL, false, "COL", "interval: the upper end"},
	{OPT_VALUE, "value", "z", O_COL, false, "COL", "heatmap: the value of a cell (x, y)"},
	{OPT_PREV, "prev", "previous compare", O_COL, false, "COL", "kpi: the previous value (else the row before)"},
	{OPT_TITLE, "title", NULL, O_TEXT, false, "TEXT", "a title above the chart"},
	{OPT_XLABEL, "xlabel", NULL, O_TEXT, false, "TEXT", "the x axis' name"},
	{OPT_YLABEL, "ylabel", NULL, O_TEXT, false, "TEXT", "the y axis' name"},
	{OPT_WIDTH, "width", "w", O_INT, false, "N", "columns (default: the terminal's, else 80)"},
	{OPT_HEIGHT, "height", "h", O_INT, false, "N", "rows (default: the terminal's, else 20)"},
	{OPT_BINS, "bins", NULL, O_INT, false, "N", "histogram: the number of bins"},
	{OPT_BINWIDTH, "binwidth", NULL, O_NUM, false, "W", "histogram: the width of a bin"},
	{OPT_HORIZONTAL, "horizontal", NULL, O_BOOL, true, NULL, "bars across, categories down the left"},
	{OPT_VERTICAL, "vertical", NULL, O_BOOL, true, NULL, "bars up, categories along the bottom"},
	{OPT_STACKED, "stacked", NULL, O_BOOL, true, NULL, "series on top of each other (bar, area)"},
	{OPT_GROUPED, "grouped", NULL, O_BOOL, true, NULL, "series side by side (bar; the default)"},
	{OPT_LOG, "log", NULL, O_LOG, true, "x|y|xy", "log10 scale (alone: the value axis)"},
	{OPT_LOGX, "logx", NULL, O_BOOL, true, NULL, "log10 scale on x"},
	{OPT_LOGY, "logy", NULL, O_BOOL, true, NULL, "log10 scale on y"},
	{OPT_ASCII, "ascii", NULL, O_BOOL, true, NULL, "ASCII characters only"},
	{OPT_UNICODE, "unicode", "utf8", O_BOOL, true, NULL, "UTF-8 characters even when the locale is not UTF-8"},
	{OPT_LEGEND, "legend", NULL, O_LEGEND, true, "on|off|auto", "the legend (auto: with several series)"},
	{OPT_NOLEGEND, "nolegend", NULL, O_BOOL, true, NULL, "no legend"},
};
#define NOPTS (int)(sizeof opts / sizeof opts[0])

static bool
word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(w, name, n) == 0;
}

static const struct opt *
find_opt(const char *w, size_t n)
{
	for (int i = 0; i < NOPTS; i++) {
		if (word_is(w, n, opts[i].name))
			return &opts[i];
		const char *a = opts[i].aliases;
		while (a && *a) {
			const char *e = strchr(a, ' ');
			size_t l = e ? (size_t)(e - a) : strlen(a);
			if (l == n && strncasecmp(a, w, n) == 0)
				return &opts[i];
			a = e ? e + 1 : NULL;
		}
	}
	return NULL;
}

void
chart_spec_init(struct chart_spec *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->kind = CHART_AUTO;
	sp->kind_pos = -1;
	sp->legend = -1;
	sp->x = NULL;
	sp->series.pos = sp->lo.pos = sp->hi.pos = sp->value.pos = sp->prev.pos = -1;
	sp->xmin = sp->xmax = sp->ymin = sp->ymax = NAN;
}

static void
cols_free(struct chart_col *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

void
chart_spec_free(struct chart_spec *sp)
{
	if (sp == NULL)
		return;
	cols_free(sp->x, sp->nx);
	cols_free(sp->y, sp->ny);
	free(sp->series.name);
	free(sp->lo.name);
	free(sp->hi.name);
	free(sp->value.name);
	free(sp->prev.name);
	free(sp->title);
	free(sp->xlabel);
	free(sp->ylabel);
	chart_spec_init(sp);
}

/* ------------------------------------------------------------ values */

/* One value as written: its text (quotes removed) and where it starts. */
struct item {
	char *text;
	int pos;
};

struct items {
	struct item *v;
	int n;
	size_t cap;
};

static void
items_free(struct items *it)
{
	for (int i = 0; i < it->n; i++)
		free(it->v[i].text);
	free(it->v);
	memset(it, 0, sizeof *it);
}

static void
items_add(struct items *it, char *text, int pos)
{
	it->v = xgrow(it->v, &it->cap, (size_t)it->n + 1, sizeof *it->v);
	it->v[it->n++] = (struct item){text, pos};
}

/* A quoted string at *p ('...' or "...", the quote doubled inside for
 * one); NULL (err set) when it does not end. */
static char *
quoted(const char **p, const char *start, int base, struct wb_error *err)
{
	char q = **p;
	const char *s = *p + 1;
	struct strbuf b = STRBUF_INIT;
	for (;;) {
		if (*s == '\0') {
			sb_free(&b);
			err_set(err, base + (int)(*p - start), "chart spec: the quote %c...%c does not end", q, q);
			err_hint(err, "end it with %c; a %c inside is written twice", q, q);
			return NULL;
		}
		if (*s == q) {
			if (s[1] == q) {
				sb_putc(&b, q);
				s += 2;
				continue;
			}
			s++;
			break;
		}
		sb_putc(&b, *s++);
	}
	*p = s;
	char *r = sb_detach(&b);
	return r ? r : xstrdup("");
}

/* The value at *p: a word or a quoted string, or (list) several of them
 * separated by commas. */
static int
read_value(const char **p, const char *start, int base, bool list, struct items *out, struct wb_error *err)
{
	for (;;) {
		int pos = base + (int)(*p - start);
		if (**p == '\'' || **p == '"') {
			char *t = quoted(p, start, base, err);
			if (t == NULL)
				return -1;
			items_add(out, t, pos);
		} else {
			const char *s = *p;
			while (**p && !isspace((unsigned char)**p) && !(list && **p == ','))
				(*p)++;
			items_add(out, xstrndup(s, (size_t)(*p - s)), pos);
		}
		if (!list || **p != ',')
			break;
		(*p)++;
	}
	return 0;
}

static void
set_text(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void
set_col(struct chart_col *c, const struct item *it)
{
	free(c->name);
	c->name = xstrdup(it->text);
	c->pos = it->pos;
}

static int
spec_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "on", "yes", "1"}, *const no[] = {"false", "off", "no", "0"};
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int
set_kind(struct chart_spec *sp, enum chart_kind k, bool hbar, int pos, struct wb_error *err)
{
	if (sp->kind_pos >= 0 && sp->kind != k) {
		err_set(err, pos, "chart spec: two kinds, %s and %s", chart_kind_name(sp->kind), chart_kind_name(k));
		err_hint(err, "a chart has one kind: the first word, or type=KIND");
		return -1;
	}
	sp->kind = k;
	sp->kind_pos = pos;
	if (hbar)
		sp->horizontal = true;
	return 0;
}

/* every kind and option name, for did-you-mean: the closest into out
 * (NULL when none is close) */
static const char *
suggest(const char *w, bool with_kinds, char out[32])
{
	const char *cands[NOPTS * 6 + CHART__COUNT + 16];
	char alias[NOPTS * 6][16];
	int n = 0, na = 0;
	for (int i = 0; i < NOPTS; i++) {
		cands[n++] = opts[i].name;
		for (const char *a = opts[i].aliases; a && *a && na < NOPTS * 6;) {
			size_t l = strcspn(a, " ");
			snprintf(alias[na], sizeof alias[na], "%.*s", (int)l, a);
			if (l > 1)   /* one letter is no plausible typo of anything */
				cands[n++] = alias[na++];
			a += l;
			a += *a == ' ';
		}
	}
	if (with_kinds) {
		for (int i = 0; i < CHART__COUNT; i++)
			cands[n++] = kind_names[i];
		for (size_t i = 0; i < sizeof kind_aliases / sizeof kind_aliases[0]; i++)
			cands[n++] = kind_aliases[i].word;
	}
	const char *r = str_suggest(w, cands, n);
	if (r == NULL)
		return NULL;
	snprintf(out, 32, "%s", r);
	return out;
}

static int
unknown_kind(const char *v, int pos, struct wb_error *err)
{
	err_set(err, pos, "chart spec: unknown chart kind '%s'", v);
	const char *cands[CHART__COUNT];
	for (int i = 0; i < CHART__COUNT; i++)
		cands[i] = kind_names[i];
	const char *s = str_suggest(v, cands, CHART__COUNT);
	if (s)
		err_hint(err, "did you mean %s? kinds: auto, bar, line, area, histogram, scatter, box, heatmap, interval, "
		    "sparkline, kpi", s);
	else
		err_hint(err, "kinds: auto, bar, line, area, histogram, scatter, box, heatmap, interval, sparkline, kpi");
	return -1;
}

/* Apply option o with value items (NULL: the option alone, as a word). */
static int
apply(struct chart_spec *sp, const struct opt *o, const struct items *it, int pos, struct wb_error *err)
{
	if (it == NULL) {
		bool on = true;
		switch (o->id) {
		case OPT_HORIZONTAL: sp->horizontal = on; sp->vertical = false; return 0;
		case OPT_VERTICAL: sp->vertical = on; sp->horizontal = false; return 0;
		case OPT_STACKED: sp->stacked = true; return 0;
		case OPT_GROUPED: sp->stacked = false; return 0;
		case OPT_LOG: sp->logy = true; return 0;
		case OPT_LOGX: sp->logx = true; return 0;
		case OPT_LOGY: sp->logy = true; return 0;
		case OPT_ASCII: sp->ascii = true; return 0;
		case OPT_UNICODE: sp->unicode = true; return 0;
		case OPT_LEGEND: sp->legend = 1; return 0;
		case OPT_NOLEGEND: sp->legend = 0; return 0;
		default:
			err_set(err, pos, "chart spec: option %s needs a value: %s=%s", o->name, o->name, o->arg);
			err_hint(err, "%s", o->help);
			return -1;
		}
	}
	if (it->n != 1 && o->type != O_COLS) {
		err_set(err, it->v[1].pos - 1, "chart spec: option %s takes one value", o->name);
		err_hint(err, "quote a value with a comma in it: %s='a, b'", o->name);
		return -1;
	}
	const struct item *v = &it->v[0];
	for (int i = 0; i < it->n; i++)
		if (it->v[i].text[0] == '\0' && o->type != O_TEXT) {
			err_set(err, it->v[i].pos, "chart spec: option %s has an empty value", o->name);
			err_hint(err, "%s=%s: %s", o->name, o->arg ? o->arg : "true|false", o->help);
			return -1;
		}
	switch (o->type) {
	case O_KIND: {
		enum chart_kind k;
		bool hbar;
		if (!kind_from_word(v->text, strlen(v->text), &k, &hbar))
			return unknown_kind(v->text, v->pos, err);
		return set_kind(sp, k, hbar, v->pos, err);
	}
	case O_COL:
		switch (o->id) {
		case OPT_SERIES: set_col(&sp->series, v); break;
		case OPT_LO: set_col(&sp->lo, v); break;
		case OPT_HI: set_col(&sp->hi, v); break;
		case OPT_VALUE: set_col(&sp->value, v); break;
		default: set_col(&sp->prev, v); break;
		}
		return 0;
	case O_COLS: {
		struct chart_col **dst = o->id == OPT_X ? &sp->x : &sp->y;
		int *dn = o->id == OPT_X ? &sp->nx : &sp->ny;
		if (it->n > 16) {
			err_set(err, it->v[16].pos, "chart spec: option %s names %d columns; 16 at most", o->name, it->n);
			return -1;
		}
		cols_free(*dst, *dn);
		*dst = xcalloc((size_t)it->n, sizeof **dst);
		for (int i = 0; i < it->n; i++)
			(*dst)[i] = (struct chart_col){xstrdup(it->v[i].text), it->v[i].pos};
		*dn = it->n;
		return 0;
	}
	case O_TEXT:
		set_text(o->id == OPT_TITLE ? &sp->title : o->id == OPT_XLABEL ? &sp->xlabel : &sp->ylabel, v->text);
		return 0;
	case O_INT: {
		int64_t n;
		static const int lo[] = {[OPT_WIDTH] = 8, [OPT_HEIGHT] = 1, [OPT_BINS] = 1};
		static const int hi[] = {[OPT_WIDTH] = 1000, [OPT_HEIGHT] = 500, [OPT_BINS] = 1000};
		if (!parse_int64(v->text, strlen(v->text), &n) || n < lo[o->id] || n > hi[o->id]) {
			err_set(err, v->pos, "chart spec: %s must be a whole number from %d to %d, not '%s'", o->name, lo[o->id],
			    hi[o->id], v->text);
			return -1;
		}
		if (o->id == OPT_WIDTH)
			sp->width = (int)n;
		else if (o->id == OPT_HEIGHT)
			sp->height = (int)n;
		else
			sp->bins = (int)n;
		return 0;
	}
	case O_NUM: {
		double d;
		if (!parse_double(v->text, strlen(v->text), &d) || !(d > 0) || !isfinite(d)) {
			err_set(err, v->pos, "chart spec: %s must be a positive number, not '%s'", o->name, v->text);
			return -1;
		}
		sp->binwidth = d;
		return 0;
	}
	case O_BOOL: {
		bool b;
		if (spec_bool(v->text, &b) < 0) {
			err_set(err, v->pos, "chart spec: %s is true or false, not '%s'", o->name, v->text);
			err_hint(err, "or write %s alone for true", o->name);
			return -1;
		}
		switch (o->id) {
		case OPT_HORIZONTAL: sp->horizontal = b; if (b) sp->vertical = false; break;
		case OPT_VERTICAL: sp->vertical = b; if (b) sp->horizontal = false; break;
		case OPT_STACKED: sp->stacked = b; break;
		case OPT_GROUPED: sp->stacked = !b; break;
		case OPT_LOGX: sp->logx = b; break;
		case OPT_LOGY: sp->logy = b; break;
		case OPT_ASCII: sp->ascii = b; break;
		case OPT_UNICODE: sp->unicode = b; break;
		case OPT_NOLEGEND: sp->legend = b ? 0 : 1; break;
		default: break;
		}
		return 0;
	}
	case O_LOG: {
		const char *t = v->text;
		bool b;
		if (strcasecmp(t, "x") == 0)
			sp->logx = true;
		else if (strcasecmp(t, "y") == 0)
			sp->logy = true;
		else if (strcasecmp(t, "xy") == 0 || strcasecmp(t, "both") == 0)
			sp->logx = sp->logy = true;
		else if (spec_bool(t, &b) == 0)
			sp->logy = b;
		else {
			err_set(err, v->pos, "chart spec: log is x, y or xy, not '%s'", t);
			return -1;
		}
		return 0;
	}
	case O_LEGEND: {
		bool b;
		if (strcasecmp(v->text, "auto") == 0)
			sp->legend = -1;
		else if (spec_bool(v->text, &b) == 0)
			sp->legend = b;
		else {
			err_set(err, v->pos, "chart spec: legend is on, off or auto, not '%s'", v->text);
			return -1;
		}
		return 0;
	}
	}
	return 0;
}

static int
unknown_option(const char *w, size_t n, int pos, bool word, struct wb_error *err)
{
	char *t = xstrndup(w, n);
	char buf[32];
	const char *s = suggest(t, word, buf);
	if (word)
		err_set(err, pos, "chart spec: unknown word '%s' (not a chart kind or modifier)", t);
	else
		err_set(err, pos, "chart spec: unknown option '%s'", t);
	if (s)
		err_hint(err, "did you mean %s? .chart help lists the options", s);
	else
		err_hint(err, ".chart help lists the kinds and options (man wb-chart)");
	free(t);
	return -1;
}

int
chart_spec_parse(struct chart_spec *sp, const char *text, int base, struct wb_error *err)
{
	const char *p = text;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		int pos = base + (int)(p - text);
		if (*p == '\'' || *p == '"' || *p == '=' || *p == ',') {
			err_set(err, pos, "chart spec: expected a kind, a modifier or KEY=VALUE at %c", *p);
			err_hint(err, "e.g. bar x=brand y=revenue title='Revenue by brand'");
			return -1;
		}
		const char *w = p;
		while (*p && !isspace((unsigned char)*p) && *p != '=')
			p++;
		size_t n = (size_t)(p - w);
		const char *q = p;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '=') {
			/* a word: a kind or a modifier */
			enum chart_kind k;
			bool hbar;
			if (kind_from_word(w, n, &k, &hbar)) {
				if (set_kind(sp, k, hbar, pos, err) < 0)
					return -1;
				continue;
			}
			const struct opt *o = find_opt(w, n);
			if (o == NULL || !o->modifier) {
				if (o != NULL) {
					err_set(err, pos, "chart spec: option %s needs a value: %s=%s", o->name, o->name, o->arg);
					err_hint(err, "%s", o->help);
					return -1;
				}
				return unknown_option(w, n, pos, true, err);
			}
			if (apply(sp, o, NULL, pos, err) < 0)
				return -1;
			continue;
		}
		const struct opt *o = find_opt(w, n);
		if (o == NULL)
			return unknown_option(w, n, pos, false, err);
		p = q + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || isspace((unsigned char)*p)) {
			err_set(err, base + (int)(p - text), "chart spec: option %s needs a value after =", o->name);
			err_hint(err, "%s=%s: %s", o->name, o->arg ? o->arg : "true|false", o->help);
			return -1;
		}
		struct items it = {0};
		int rc = read_value(&p, text, base, o->type == O_COLS, &it, err);
		if (rc == 0 && *p && !isspace((unsigned char)*p)) {
			err_set(err, base + (int)(p - text), "chart spec: unexpected '%c' after the value of %s", *p, o->name);
			err_hint(err, "separate options with spaces; quote values with spaces: title='Revenue by day'");
			rc = -1;
		}
		if (rc == 0)
			rc = apply(sp, o, &it, pos, err);
		items_free(&it);
		if (rc < 0)
			return -1;
	}
}

int
chart_spec_parse_line(struct chart_spec *sp, const char *line, int base, struct wb_error *err)
{
	const char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	const char *k = p;
	while (*p && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	if (*p != ':' || p == k)
		return chart_spec_parse(sp, line, base, err);
	size_t kn = (size_t)(p - k);
	const struct opt *o = find_opt(k, kn);
	if (o == NULL)
		return unknown_option(k, kn, base + (int)(k - line), false, err);
	p++;
	while (isspace((unsigned char)*p))
		p++;
	/* the rest of the line, trailing blanks cut; a value that is one
	 * quoted string loses its quotes */
	const char *e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	struct items it = {0};
	char *rest = xstrndup(p, (size_t)(e - p));
	int rc = 0;
	int pos = base + (int)(p - line);
	if (o->type == O_COLS) {
		/* a, b, c */
		const char *s = rest;
		while (rc == 0) {
			while (*s == ' ' || *s == '\t')
				s++;
			const char *c = s;
			if (*c == '\'' || *c == '"') {
				char *t = quoted(&s, rest, pos, err);
				if (t == NULL) {
					rc = -1;
					break;
				}
				items_add(&it, t, pos + (int)(c - rest));
			} else {
				while (*s && *s != ',')
					s++;
				const char *ce = s;
				while (ce > c && isspace((unsigned char)ce[-1]))
					ce--;
				items_add(&it, xstrndup(c, (size_t)(ce - c)), pos + (int)(c - rest));
			}
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s != ',')
				break;
			s++;
		}
	} else if (rest[0] == '\'' || rest[0] == '"') {
		const char *s = rest;
		char *t = quoted(&s, rest, pos, err);
		if (t == NULL)
			rc = -1;
		else if (*s != '\0') {
			free(t);
			err_set(err, pos + (int)(s - rest), "chart spec: text after the quoted value of %s", o->name);
			rc = -1;
		} else
			items_add(&it, t, pos);
	} else {
		items_add(&it, xstrdup(rest), pos);
	}
	if (rc == 0 && (it.n == 0 || (it.n == 1 && it.v[0].text[0] == '\0' && o->type != O_TEXT))) {
		if (o->modifier) {
			rc = apply(sp, o, NULL, pos, err);
		} else {
			err_set(err, pos, "chart spec: %s: needs a value", o->name);
			err_hint(err, "%s: %s", o->name, o->arg ? o->arg : "true|false");
			rc = -1;
		}
	} else if (rc == 0) {
		rc = apply(sp, o, &it, base + (int)(k - line), err);
	}
	items_free(&it);
	free(rest);
	return rc;
}

/* ------------------------------------------------------------ text */

static void
put_value(struct strbuf *out, const char *v)
{
	bool plain = v[0] != '\0';
	for (const char *p = v; *p; p++)
		if (isspace((unsigned char)*p) || *p == '\'' || *p == '"' || *p == ',' || *p == '=')
			plain = false;
	if (plain) {
		sb_puts(out, v);
		return;
	}
	sb_putc(out, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '\'')
			sb_putc(out, '\'');
		sb_putc(out, *p);
	}
	sb_putc(out, '\'');
}

static void
put_cols(struct strbuf *out, const char *key, const struct chart_col *c, int n)
{
	if (n == 0)
		return;
	sb_printf(out, " %s=", key);
	for (int i = 0; i < n; i++) {
		if (i)
			sb_putc(out, ',');
		put_value(out, c[i].name);
	}
}

void
chart_spec_format(const struct chart_spec *sp, struct strbuf *out)
{
	sb_puts(out, chart_kind_name(sp->kind));
	if (sp->horizontal)
		sb_puts(out, " horizontal");
	if (sp->vertical)
		sb_puts(out, " vertical");
	if (sp->stacked)
		sb_puts(out, " stacked");
	put_cols(out, "x", sp->x, sp->nx);
	put_cols(out, "y", sp->y, sp->ny);
	put_cols(out, "series", &sp->series, sp->series.name ? 1 : 0);
	put_cols(out, "lo", &sp->lo, sp->lo.name ? 1 : 0);
	put_cols(out, "hi", &sp->hi, sp->hi.name ? 1 : 0);
	put_cols(out, "value", &sp->value, sp->value.name ? 1 : 0);
	put_cols(out, "prev", &sp->prev, sp->prev.name ? 1 : 0);
	if (sp->logx && sp->logy)
		sb_puts(out, " log=xy");
	else if (sp->logx)
		sb_puts(out, " logx");
	else if (sp->logy)
		sb_puts(out, " logy");
	if (sp->bins)
		sb_printf(out, " bins=%d", sp->bins);
	if (sp->binwidth > 0)
		sb_printf(out, " binwidth=%g", sp->binwidth);
	if (sp->title) {
		sb_puts(out, " title=");
		put_value(out, sp->title);
	}
	if (sp->xlabel) {
		sb_puts(out, " xlabel=");
		put_value(out, sp->xlabel);
	}
	if (sp->ylabel) {
		sb_puts(out, " ylabel=");
		put_value(out, sp->ylabel);
	}
	if (sp->width)
		sb_printf(out, " width=%d", sp->width);
	if (sp->height)
		sb_printf(out, " height=%d", sp->height);
	if (sp->legend == 0)
		sb_puts(out, " nolegend");
	else if (sp->legend == 1)
		sb_puts(out, " legend");
	if (sp->ascii)
		sb_puts(out, " ascii");
	if (sp->unicode)
		sb_puts(out, " unicode");
}

void
chart_spec_help(struct strbuf *out)
{
	sb_puts(out, "Chart spec: [KIND] [MODIFIER ...] [KEY=VALUE ...]   (man wb-chart)\n"
	    "Kinds: auto (the default: chosen from the result's columns), bar, line, area,\n"
	    "  histogram (hist), scatter, box, heatmap, interval (ci), sparkline (spark), kpi\n"
	    "Options:\n");
	for (int i = 0; i < NOPTS; i++) {
		char head[64];
		if (opts[i].arg && !opts[i].modifier)
			snprintf(head, sizeof head, "%s=%s", opts[i].name, opts[i].arg);
		else if (opts[i].arg)
			snprintf(head, sizeof head, "%s[=%s]", opts[i].name, opts[i].arg);
		else
			snprintf(head, sizeof head, "%s", opts[i].name);
		sb_printf(out, "  %-22s %s", head, opts[i].help);
		if (opts[i].aliases)
			sb_printf(out, " (also: %s)", opts[i].aliases);
		sb_putc(out, '\n');
	}
	sb_puts(out, "Values are words or 'quoted text'; x and y take lists: y=revenue,orders.\n");
}

/*
 * chart: text charts of a result (struct rowset) - curses-free.
 *
 * A chart is drawn from a *spec* and a result into a canvas (ui/canvas.h)
 * of W x H cells: UTF-8 braille dots and block elements, or pure ASCII,
 * with a colour attribute per cell that the front end shows or not. The
 * same spec grammar serves every front end (man wb-chart(7)):
 *
 *   [KIND] [MODIFIER ...] [KEY=VALUE ...]
 *
 *   KIND      auto (the default), bar, line, area, histogram (hist),
 *             scatter, box, heatmap, interval (ci), sparkline (spark), kpi
 *   MODIFIER  horizontal, vertical, stacked, grouped, ascii, unicode, log,
 *             logx, logy, nolegend - each also KEY=true|false
 *   KEY       x, y (lists: y=revenue,orders), series (or color, by), lo, hi,
 *             value, prev, title, xlabel, ylabel, width, height, bins,
 *             binwidth, legend, type (or kind: the KIND as an option)
 *   VALUE     a word, or 'quoted' / "quoted" ('' or "" inside for one)
 *
 * Front ends: `.chart` on the session's last result, notebook chart cells
 * on the previous SQL cell's result, the CHART statement on its FROM
 * source, and (later) the TUI and dashboards, which draw into a rectangle
 * of their own canvas with chart_draw().
 *
 * A front end with a screen of its own (the TUI, dashboards):
 *
 *   chart_spec_init(&sp); chart_spec_parse(&sp, "line x=day y=n", 0, &err);
 *   struct chart_opts o = {.ascii = !chart_locale_utf8(), .color = true};
 *   chart_draw(&sp, rs, &o, cv, x, y, w, h, &notes, &err);
 *   for each cell: canvas_cell_text(cv, cx, cy, text, &attr) and a colour
 *   pair for canvas_attr_color(attr) (curses' COLOR_* numbers), bold for
 *   CANVAS_BOLD, dim for CANVAS_DIM;
 *
 * and a sparkline per row of a list: chart_sparkline_draw(cv, x, y, w,
 * values, n, canvas_series_attr(0)), or chart_sparkline() as a string.
 *
 * Files, one responsibility each:
 *   chart_spec.c    the grammar: parsing, the option table, did-you-mean
 *   chart_scale.c   nice numbers and ticks (1-2-5 steps), log scales, time
 *                   axes, number labels (thousands separators, k M G)
 *   chart_data.c    columns by name, values, categories, series
 *   chart_auto.c    the spec drawn: columns checked, the auto chart, what
 *                   each kind fills in
 *   chart_axes.c    layout: title, axes, tick labels, legend
 *   chart_bar.c     bars (vertical, horizontal, grouped, stacked), histograms
 *   chart_line.c    line, area, scatter
 *   chart_dist.c    box plots and interval (estimate with CI) charts
 *   chart_heat.c    heat maps
 *   chart_kpi.c     sparklines and KPI tiles
 *   chart.c         dispatch, sizes, text output
 *
 * Contracts: a chart never fails on data (NULLs, NaN, one row, all values
 * equal, negative values, huge ranges): what cannot be drawn is left out
 * and said in the notes; an empty result or no usable value is an error
 * that says so. Errors name the option or column at fault (with a did-you-
 * mean) and carry its byte position in the spec text, so that front ends
 * can point a caret at it.
 */
#ifndef WB_UI_CHART_H
#define WB_UI_CHART_H

#include <stdbool.h>

#include "core/error.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "ui/canvas.h"

enum chart_kind {
	CHART_AUTO = 0,
	CHART_BAR,
	CHART_LINE,
	CHART_AREA,
	CHART_HISTOGRAM,
	CHART_SCATTER,
	CHART_BOX,
	CHART_HEATMAP,
	CHART_INTERVAL,
	CHART_SPARKLINE,
	CHART_KPI,
	CHART__COUNT
};

/* A column named in a spec, with where it was named (for errors). */
struct chart_col {
	char *name;     /* as written; NULL: not given */
	int pos;        /* byte offset of the value in the spec text, or -1 */
};

struct chart_spec {
	enum chart_kind kind;
	int kind_pos;
	struct chart_col *x;     /* nx of them: one, or several whose values
	                            together label a category (x=g,variable) */
	int nx;
	struct chart_col *y;     /* ny of them */
	int ny;
	struct chart_col series; /* one line / bar colour per value of this column */
	struct chart_col lo, hi; /* interval: the interval's ends */
	struct chart_col value;  /* heatmap: the cells' values */
	struct chart_col prev;   /* kpi: the previous value (else the row before) */
	char *title, *xlabel, *ylabel;
	int width, height;       /* 0: the front end's default */
	int bins;                /* histogram: number of bins (0: automatic) */
	double binwidth;         /* histogram: width of a bin (0: automatic) */
	bool horizontal, vertical, stacked;
	bool logx, logy;
	bool ascii;              /* ASCII even where UTF-8 would do */
	bool unicode;            /* UTF-8 even where the locale is not (ascii wins) */
	int legend;              /* -1: when there are several series; 0 off; 1 on */
	/* set by chart_resolve() for the shapes it recognises */
	bool diagonal;           /* a y = x reference line (ROC curves) */
	bool zero_line;          /* a reference line at 0 (lifts, differences) */
	bool count;              /* bars: no y, the rows of each x are counted */
	double xmin, xmax, ymin, ymax;   /* fixed axis ranges (NaN: from the data) */
};

/* How a front end wants it drawn. */
struct chart_opts {
	int width, height;       /* cells */
	bool ascii;              /* no UTF-8 (the spec's ascii also forces it) */
	bool color;              /* the attributes will be shown: series are told
	                            apart by colour; without, by shades and markers */
};

void chart_spec_init(struct chart_spec *sp);
void chart_spec_free(struct chart_spec *sp);
/* Parse a spec (the grammar above). Adds to sp, so that several texts can
 * make one spec (a notebook cell's marker options, then its lines - those
 * may also be written "key: value"). base is added to the positions kept
 * and reported. Returns 0, or -1 with err set: the bad word or option
 * named, a did-you-mean hint, and its position. */
int chart_spec_parse(struct chart_spec *sp, const char *text, int base, struct wb_error *err);
/* Parse one "key: value" line (a notebook chart cell's body); a line
 * without ':' is parsed as chart_spec_parse() would. */
int chart_spec_parse_line(struct chart_spec *sp, const char *line, int base, struct wb_error *err);
/* The spec in the grammar (what chart_resolve() chose, for notes). */
void chart_spec_format(const struct chart_spec *sp, struct strbuf *out);
const char *chart_kind_name(enum chart_kind k);
/* The option reference (for .help chart): one line per option. */
void chart_spec_help(struct strbuf *out);

/* The spec that will be drawn: the kind and columns chart_resolve() picks
 * where in leaves them out (the auto chart: see wb-chart(7)), every named
 * column checked against rs. out is a new spec (free it). */
int chart_resolve(const struct chart_spec *in, const struct rowset *rs, struct chart_spec *out, struct wb_error *err);

/* Draw: a new canvas of o->width x o->height. Notes (rows left out, the
 * auto chart's choice, ...) are appended to notes, one per line, when
 * notes is not NULL. NULL with err set when nothing can be drawn. */
struct canvas *chart_render(const struct chart_spec *sp, const struct rowset *rs, const struct chart_opts *o,
    struct strbuf *notes, struct wb_error *err);
/* Draw into the rectangle (x, y, w, h) of cv (dashboards, the TUI); o's
 * size is ignored. Returns 0 or -1 with err set (cv untouched). */
int chart_draw(const struct chart_spec *sp, const struct rowset *rs, const struct chart_opts *o, struct canvas *cv,
    int x, int y, int w, int h, struct strbuf *notes, struct wb_error *err);
/* The size a front end draws at: the spec's width/height, else def_w x
 * def_h, each at least the smallest the kind can be drawn in. */
void chart_size(const struct chart_spec *sp, int def_w, int def_h, int *w, int *h);

/* Is the locale's character set UTF-8 (nl_langinfo(CODESET) of the
 * environment's LC_CTYPE)? Front ends draw ASCII when it is not. */
bool chart_locale_utf8(void);

/* A sparkline of v[0..n) (NaN: a gap) in width cells (n > width: each
 * cell the mean of its share): "▁▂▄█" - or "_.-^" in ASCII. */
void chart_sparkline(const double *v, int n, int width, bool ascii, struct strbuf *out);
/* The same into row y of cv from column x. */
void chart_sparkline_draw(struct canvas *cv, int x, int y, int width, const double *v, int n, uint8_t attr);

#endif

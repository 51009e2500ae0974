/*
 * dash: dashboards - a .wb notebook whose cells are tiles on one screen
 * (`wb dashboard FILE.wb`; `.dashboard FILE.wb` in the REPL and the
 * workbench). man wb-dashboard(1).
 *
 * The notebook's header (the comments before its first cell) says how:
 *
 *   -- dashboard: E-commerce, October 2019       the title
 *   -- refresh: 60s                              auto-refresh (--refresh wins)
 *   -- param start_date DATE = '2019-10-01'      the filters: the notebook's
 *   -- param brand VARCHAR = ''                  parameters
 *   -- layout:
 *   --   revenue_kpi   conversion_kpi  buyers_kpi
 *   --   daily_revenue daily_revenue   funnel       *2
 *   --   top_brands    prices          funnel       *2
 *
 * The layout is a grid, one comment line per row, naming cells (name=):
 * a name repeated across neighbouring places makes one tile spanning them
 * (its places must form a rectangle), '.' leaves a place empty, a
 * trailing *N gives the row N shares of the height (default 1; rows of
 * KPI tiles only take the height a KPI needs). Every row has as many
 * places. Without a layout the chart cells (and named SQL cells no chart
 * draws) are the tiles, KPIs first, two to a row.
 *
 * A tile shows its cell: a chart cell draws the last result of the SQL
 * cell before it (as in `wb run`); a SQL cell shows its last result as a
 * table; a markdown cell its text. A cell that fails shows its error in
 * its tile; the other tiles are drawn as usual.
 *
 * Running: every cell runs, in order, when the dashboard opens. A refresh
 * (the timer, the r key, a filter changed) runs again only the cells the
 * tiles show, the SQL cells their charts draw, and cells that use a
 * parameter (:NAME or ${NAME}); the others - setup such as loading or
 * generating data - ran once. A run continues past a failing cell.
 *
 * Files, one responsibility each:
 *   dash_layout.c  the header: title, refresh, layout; tiles and what each
 *                  refresh runs
 *   dash_run.c     running the cells through the session, keeping each
 *                  SQL cell's last result (a bounded copy)
 *   dash_draw.c    the dashboard drawn on a canvas (ui/canvas.h): the
 *                  title and filter bars, tiles in boxes, zoom, selection
 *   dash_tile.c    what is inside a tile: a table, text, an error
 *   dash_main.c    `wb dashboard`: --once prints the canvas; otherwise the
 *                  workbench shows it (ui/tui_dash.c)
 *
 * Everything but dash_main.c and tui_dash.c is curses-free.
 */
#ifndef WB_UI_DASH_H
#define WB_UI_DASH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/notebook.h"
#include "core/error.h"
#include "core/rowset.h"
#include "ui/canvas.h"
#include "ui/chart.h"

struct session;

/* ------------------------------------------------------------ the model */

enum dash_tile_kind { DASH_CHART, DASH_TABLE, DASH_TEXT };

struct dash_tile {
	enum dash_tile_kind kind;
	int cell;                 /* the notebook cell it shows (0-based index) */
	int src;                  /* a chart's SQL cell (index), or -1 (none before it) */
	bool kpi;                 /* a chart of kind kpi (its row may stay short) */
	char *title;
	int row, col, rows, cols; /* its places in the grid */
};

struct dashboard {
	struct notebook *nb;
	char *title;              /* the header's, else the file's base name */
	int64_t refresh_ms;       /* the header's refresh: (0: none) */
	int nrows, ncols;         /* the grid */
	int *weight;              /* nrows shares of the height */
	struct dash_tile *tiles;  /* in reading order (by row, then column) */
	int ntiles;
	bool *rerun;              /* per cell: runs again on a refresh */
};

/* Load and check a dashboard: the notebook, its header, its layout.
 * Errors are "path:line: ..." with a hint (an unknown name with its
 * did-you-mean and the cells that can be tiles, rows of different
 * lengths, a tile whose places are not a rectangle). */
struct dashboard *dash_load(const char *path, struct wb_error *err);
void dash_free(struct dashboard *d);
/* The index of the tile showing cell `name` (or a 1-based tile number),
 * or -1 with err listing the tiles. */
int dash_find_tile(const struct dashboard *d, const char *name, struct wb_error *err);

/* ------------------------------------------------------------ running */

/* What one cell did in the last run that ran it. */
struct dash_cell {
	bool ran, failed;
	struct rowset *rs;        /* a SQL cell's last result (the first DASH_MAX_ROWS rows), or NULL */
	int64_t rows;             /* the rows that result had */
	struct chart_spec *spec;  /* a chart cell's spec, parsed (NULL when it failed) */
	char *error, *hint;       /* a failure: the message (first error), its hint */
	int line;                 /* where in the file (0: unknown) */
	char *message;            /* a SQL cell without a result: its last message */
	int64_t ms;
};
#define DASH_MAX_ROWS 100000

struct dash_results {
	int ncells;
	struct dash_cell *cells;
	int64_t at_ms;            /* when the run ended (ms since the epoch) */
	int64_t took_ms;
	int failed;               /* cells that failed */
	bool cancelled;
};

/* Run the cells on s with vars bound as its parameters: all of them, or
 * (all false) only those d->rerun marks - the others are left not run
 * (ran false), for the front end to keep what it had. Output and errors
 * do not reach the session's streams: they are kept in the results.
 * cancel, when not NULL, is looked at between cells (the session's own
 * flag stops a statement); a cancelled run stops there and says so.
 * Never NULL. */
struct dash_results *dash_run(const struct dashboard *d, struct session *s, const struct nb_vars *vars, bool all,
    const volatile sig_atomic_t *cancel);
void dash_results_free(struct dash_results *r);
/* The cell a tile's failure comes from (itself, or a chart's SQL cell),
 * or -1 when it did not fail. */
int dash_tile_failed(const struct dashboard *d, const struct dash_results *r, int tile);

/* ------------------------------------------------------------ drawing */

/* How the front end wants it drawn. */
struct dash_view {
	bool ascii, color;        /* as struct chart_opts */
	int selected;             /* a tile with a bold box, or -1 */
	int zoomed;               /* the one tile drawn over the grid, or -1 */
	int filter;               /* the filter shown as selected, or -1 */
	const char *status;       /* the title bar's right side ("refreshed 10:42:07"), or NULL */
	bool idle;                /* no run is going on: a tile without results says how to run it */
};

/* The dashboard at w x h cells: the title bar, the filter bar (when it has
 * parameters: vars' values), the tiles. Tiles not run yet say so. */
struct canvas *dash_draw(const struct dashboard *d, const struct dash_results *r, const struct nb_vars *vars,
    const struct dash_view *v, int w, int h);
/* Where tile t is drawn at w x h (its box), for mouse clicks: false when
 * it is not (too small a screen). */
bool dash_tile_rect(const struct dashboard *d, const struct dash_view *v, int w, int h, int t, int *x, int *y,
    int *tw, int *th);
/* The rows the bars above the tiles take. */
int dash_top_rows(const struct dashboard *d);

/* ------------------------------------------------------------ front ends */

/* What `wb dashboard` and `.dashboard` are told. */
struct dash_args {
	const char *path;
	char **assigns;           /* -p NAME=VALUE (pointers into argv) */
	int nassigns;
	bool once, ascii, help;
	int width, height;        /* --once's size (0: the terminal's) */
	int64_t refresh_ms;       /* --refresh (0: the file's) */
	const char *zoom;         /* --zoom TILE, or NULL */
	const char *warehouse;
	int threads;
};
/* Parse argv[1..] (argv[0] is the command's name). -1 with err set. */
int dash_args_parse(int argc, char **argv, struct dash_args *a, struct wb_error *err);
void dash_args_free(struct dash_args *a);
/* Load a->path and resolve its filters from a's -p (into vars) and its
 * --zoom (into *zoom, -1: none). NULL with err set. */
struct dashboard *dash_open(const struct dash_args *a, struct nb_vars *vars, int *zoom, struct wb_error *err);
/* --once: run every cell on s and write the dashboard to out. Returns 0,
 * 1 when a cell failed (each named on stderr), -1 with err set when the
 * dashboard does not load or its filters are wrong. */
int dash_once(struct session *s, const struct dash_args *a, FILE *out, struct wb_error *err);
/* `wb dashboard FILE.wb [options]`: argv[0] is "dashboard". */
int dash_main(int argc, char **argv);

#endif

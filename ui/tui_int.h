/*
 * tui_int: what the files of the full-screen workbench share (ui/tui.h is
 * the public side).
 *
 * Shape (after tig): the screen is three panes and a status line - the
 * catalog tree (tui_tree.c), the SQL editor (tui_edit.c) and the result
 * pane, which holds a stack of views behind one ops struct (grid, plan
 * tree, text, chart; tui_grid*.c, tui_plan.c, tui_text.c, tui_chart.c;
 * which one a result opens in: tui_views.c). Opening a frequency table, a
 * describe, a history pushes a view; q pops it. Every key goes through one
 * table of actions (tui_keys.c), from which the help view and the man
 * page's key table are generated too. tui_app.c runs the loop and the
 * layout, tui_term.c owns the terminal, tui_draw.c puts text on it,
 * tui_prompt.c is the search prompt, tui_main.c is `wb tui`.
 *
 * Threads: only the UI thread (tui_app.c) touches curses and the views.
 * Statements run on one worker thread (tui_exec.c) through the session,
 * one job at a time, with results collected by an override sink into a
 * bounded store (struct tui_table). While a job runs the UI thread reads
 * only atomics (rows received, the cancel flag it sets) and never the
 * session; in-memory work on a result (sort, frequency, search) runs as a
 * job too and holds references, so closing a view meanwhile is safe: a
 * job's outcome is applied only if its target view still exists.
 */
#ifndef WB_UI_TUI_INT_H
#define WB_UI_TUI_INT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/session.h"
#include "core/rowset.h"
#include "core/strbuf.h"
#include "ui/tui.h"

/* ------------------------------------------------------------ keys */

/* A key is a Unicode code point, or a curses key code marked with
 * TUI_KEY_FN (curses codes overlap code points above 255). */
#define TUI_KEY_FN 0x1000000
#define TK(k) ((k) | TUI_KEY_FN)
#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_ENTER '\r'
#define TUI_TAB '\t'
#define TUI_ESC 27
#define TUI_BACKSPACE TK(KEY_BACKSPACE)

/* Where keys apply, in the order the help lists them. */
#define TUI_SCOPES(S) \
	S(GLOBAL, "Anywhere") \
	S(EDIT, "SQL editor") \
	S(MENU, "Completion menu (after Tab offers several words)") \
	S(LIST, "Lists: results, catalog, plans, help") \
	S(GRID, "Result grid") \
	S(RUNS, "Runs leaderboard (SHOW RUNS)") \
	S(PLAN, "Plan tree (EXPLAIN, EXPLAIN ANALYZE)") \
	S(TREE, "Catalog") \
	S(DASH, "Dashboard (wb dashboard, .dashboard FILE.wb)") \
	S(PROMPT, "Prompt (search, a filter's value)")

enum tui_scope {
#define TUI_SCOPE_ENUM(id, heading) TUI_SC_##id,
	TUI_SCOPES(TUI_SCOPE_ENUM)
#undef TUI_SCOPE_ENUM
	TUI_SC__COUNT
};

/*
 * The keyboard: one row per action - A(id, scope, help, key, key, key),
 * 0 for an unused key slot. Printable keys are only bound where nothing
 * is typed (never in EDIT or PROMPT, where they insert themselves); a
 * GLOBAL printable key (?) therefore works everywhere but in the editor.
 */
#define TUI_ACTIONS(A) \
	A(QUIT, GLOBAL, "leave the workbench (a running statement is cancelled first)", TK(KEY_F(10)), TUI_CTRL('q'), 0) \
	A(HELP, GLOBAL, "show the keys (this page); q or Esc closes it", TK(KEY_F(1)), '?', 0) \
	A(RUN, GLOBAL, "run the editor's contents: its statements and dot-commands, in order; the text stays", \
	    TK(KEY_F(5)), TUI_CTRL('r'), 0) \
	A(CANCEL, GLOBAL, "cancel the running statement (or sort, search, frequency); the workbench stays", \
	    TUI_CTRL('c'), 0, 0) \
	A(FOCUS_CATALOG, GLOBAL, "focus the catalog (and show it when hidden)", TK(KEY_F(2)), 0, 0) \
	A(FOCUS_EDITOR, GLOBAL, "focus the SQL editor", TK(KEY_F(3)), 0, 0) \
	A(FOCUS_RESULT, GLOBAL, "focus the results", TK(KEY_F(4)), 0, 0) \
	A(NEXT_PANE, GLOBAL, "focus the next pane", TK(KEY_F(6)), 0, 0) \
	A(PREV_PANE, GLOBAL, "focus the previous pane", TK(KEY_F(18)), 0, 0) \
	A(LOG, GLOBAL, "show the messages, output and errors of the last run", TK(KEY_F(7)), 0, 0) \
	A(TOGGLE_CATALOG, GLOBAL, "hide or show the catalog", TK(KEY_F(8)), 0, 0) \
	A(REDRAW, GLOBAL, "redraw the screen", TUI_CTRL('l'), 0, 0) \
	A(ENTER, EDIT, "new line; when the text ends with ';' (or is a dot-command) run it and clear the editor, " \
	    "as the REPL does", TUI_ENTER, 0, 0) \
	A(COMPLETE, EDIT, "complete the word before the cursor: keywords, tables, columns, functions, files, " \
	    "dot-commands", TUI_TAB, 0, 0) \
	A(HIST_PREV, EDIT, "previous entry of the history (Up does it on the first line)", TUI_CTRL('p'), 0, 0) \
	A(HIST_NEXT, EDIT, "next entry of the history (Down does it on the last line)", TUI_CTRL('n'), 0, 0) \
	A(CHAR_LEFT, EDIT, "cursor left", TK(KEY_LEFT), TUI_CTRL('b'), 0) \
	A(CHAR_RIGHT, EDIT, "cursor right", TK(KEY_RIGHT), TUI_CTRL('f'), 0) \
	A(LINE_UP, EDIT, "cursor up a line", TK(KEY_UP), 0, 0) \
	A(LINE_DOWN, EDIT, "cursor down a line", TK(KEY_DOWN), 0, 0) \
	A(LINE_START, EDIT, "start of the line", TK(KEY_HOME), TUI_CTRL('a'), 0) \
	A(LINE_END, EDIT, "end of the line", TK(KEY_END), TUI_CTRL('e'), 0) \
	A(BACKSPACE, EDIT, "delete the character before the cursor", TUI_BACKSPACE, 0, 0) \
	A(DELETE, EDIT, "delete the character under the cursor", TK(KEY_DC), TUI_CTRL('d'), 0) \
	A(KILL_EOL, EDIT, "delete to the end of the line", TUI_CTRL('k'), 0, 0) \
	A(KILL_BOL, EDIT, "delete to the start of the line", TUI_CTRL('u'), 0, 0) \
	A(KILL_WORD, EDIT, "delete the word before the cursor", TUI_CTRL('w'), 0, 0) \
	A(MENU_NEXT, MENU, "next word", TUI_TAB, TK(KEY_DOWN), 0) \
	A(MENU_PREV, MENU, "previous word", TK(KEY_BTAB), TK(KEY_UP), 0) \
	A(MENU_ACCEPT, MENU, "take the word", TUI_ENTER, 0, 0) \
	A(MENU_CLOSE, MENU, "close the menu", TUI_ESC, 0, 0) \
	A(UP, LIST, "up a row", TK(KEY_UP), 'k', 0) \
	A(DOWN, LIST, "down a row", TK(KEY_DOWN), 'j', 0) \
	A(PAGE_UP, LIST, "up a page", TK(KEY_PPAGE), TUI_CTRL('b'), 0) \
	A(PAGE_DOWN, LIST, "down a page", TK(KEY_NPAGE), TUI_CTRL('f'), 0) \
	A(TOP, LIST, "first row", TK(KEY_HOME), 'g', 0) \
	A(BOTTOM, LIST, "last row", TK(KEY_END), 'G', 0) \
	A(LEFT, LIST, "column left", TK(KEY_LEFT), 'h', 0) \
	A(RIGHT, LIST, "column right", TK(KEY_RIGHT), 'l', 0) \
	A(CLOSE, LIST, "close this view, back to the one below", 'q', TUI_ESC, 0) \
	A(SORT_ASC, GRID, "sort by the current column, ascending (again: back to the query's order)", '[', 0, 0) \
	A(SORT_DESC, GRID, "sort by the current column, descending (again: back to the query's order)", ']', 0, 0) \
	A(SEARCH, GRID, "search the cells for a regular expression (PCRE2; all lower case ignores case)", '/', 0, 0) \
	A(SEARCH_NEXT, GRID, "next match", 'n', 0, 0) \
	A(SEARCH_PREV, GRID, "previous match", 'N', 0, 0) \
	A(FREQ, GRID, "frequency table of the current column: value, count, percent, bar", 'F', 0, 0) \
	A(DESCRIBE, GRID, "describe the result (SUMMARIZE of its query): type, min, max, nulls, quantiles", 'I', 0, 0) \
	A(OPEN, GRID, "open the row: a cell's whole value; in a history, the table as of that version; " \
	    "in a frequency table, the rows with that value", TUI_ENTER, 0, 0) \
	A(FIT, GRID, "fit the current column to its values (again: back to the sampled width)", '_', 0, 0) \
	A(ROWNUM, GRID, "show or hide row numbers", '#', 0, 0) \
	A(FREEZE, GRID, "keep the current column at the left while scrolling (again: let it go)", '!', 0, 0) \
	A(PREV_RESULT, GRID, "previous result of the last run", '<', 0, 0) \
	A(NEXT_RESULT, GRID, "next result of the last run", '>', 0, 0) \
	A(CHART, GRID, "chart the current column against the key column (the first frozen one, else the first)", '.', 0, 0) \
	A(RANK, RUNS, "rank by the next metric (losses and errors ascending, other metrics descending)", 'm', 0, 0) \
	A(TOGGLE, PLAN, "collapse or expand the operator's inputs", TUI_ENTER, ' ', 0) \
	A(COLLAPSE, PLAN, "collapse (on a collapsed operator: go to its parent)", TK(KEY_LEFT), 'h', 0) \
	A(EXPAND, PLAN, "expand", TK(KEY_RIGHT), 'l', 0) \
	A(COLLAPSE_ALL, PLAN, "collapse everything below the root", '-', 0, 0) \
	A(EXPAND_ALL, PLAN, "expand everything", '+', '=', 0) \
	A(TREE_OPEN, TREE, "open: a table's rows, a column's name into the editor, a model's evaluation, " \
	    "the runs leaderboard", TUI_ENTER, 0, 0) \
	A(TREE_TOGGLE, TREE, "expand or collapse", ' ', 0, 0) \
	A(TREE_COLLAPSE, TREE, "collapse (on a collapsed node: go to its parent)", TK(KEY_LEFT), 'h', 0) \
	A(TREE_EXPAND, TREE, "expand (a table: its columns)", TK(KEY_RIGHT), 'l', 0) \
	A(TREE_HISTORY, TREE, "the table's history (DESCRIBE HISTORY), for time travel", 'H', 0, 0) \
	A(TREE_DESCRIBE, TREE, "describe the table (SUMMARIZE)", 'I', 0, 0) \
	A(TREE_INSERT, TREE, "insert the name into the editor", 'i', 0, 0) \
	A(TREE_REFRESH, TREE, "reload the catalog", 'r', 0, 0) \
	A(DASH_REFRESH, DASH, "run the tiles' cells again now (the filters' cells too)", 'r', TK(KEY_F(5)), TUI_CTRL('r')) \
	A(DASH_NEXT, DASH, "select the next tile (in the filter bar: the next filter)", TUI_TAB, 0, 0) \
	A(DASH_PREV, DASH, "select the previous tile (in the filter bar: the previous filter)", TK(KEY_BTAB), 0, 0) \
	A(DASH_LEFT, DASH, "select the tile to the left (in the filter bar: the filter to the left)", TK(KEY_LEFT), 'h', 0) \
	A(DASH_RIGHT, DASH, "select the tile to the right (in the filter bar: the filter to the right)", TK(KEY_RIGHT), \
	    'l', 0) \
	A(DASH_UP, DASH, "select the tile above", TK(KEY_UP), 'k', 0) \
	A(DASH_DOWN, DASH, "select the tile below", TK(KEY_DOWN), 'j', 0) \
	A(DASH_ZOOM, DASH, "zoom the selected tile to the whole screen (again, or Esc: back to the grid); " \
	    "in the filter bar: edit the filter", TUI_ENTER, 'z', 0) \
	A(DASH_FILTERS, DASH, "go to the filter bar (the notebook's parameters): Left and Right choose a filter, Enter " \
	    "edits its value and runs the cells again, Esc or f goes back to the tiles", 'f', 0, 0) \
	A(DASH_RESET, DASH, "put every filter back to its default and run again", 'x', 0, 0) \
	A(DASH_PAUSE, DASH, "pause or resume the auto-refresh (--refresh, -- refresh: in the file)", 'p', 0, 0) \
	A(PROMPT_ACCEPT, PROMPT, "accept (search, set the filter)", TUI_ENTER, 0, 0) \
	A(PROMPT_CANCEL, PROMPT, "cancel", TUI_ESC, TUI_CTRL('g'), 0)

enum tui_action {
	TUI_A_NONE = 0,
#define TUI_ACTION_ENUM(id, scope, help, k1, k2, k3) TUI_A_##id,
	TUI_ACTIONS(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
	TUI_A__COUNT
};

/* The action bound to key in scope, or TUI_A_NONE. */
enum tui_action tui_key_action(enum tui_scope scope, int key);
/* "F5", "C-r", "Enter", "[": a key as the help shows it. */
const char *tui_key_label(int key, char *buf, size_t cap);
/* The help page (dashboard: only the keys a dashboard uses): one line per action, a heading per scope (headings
 * start with '#'); descriptions start at column TUI_HELP_INDENT. */
#define TUI_HELP_INDENT 19
void tui_keys_text(struct strbuf *out, bool dashboard);
/* Curses' key from wget_wch (ret is its return value) as a tui key:
 * Enter as TUI_ENTER, the backspace variants as TUI_BACKSPACE. */
int tui_key_from_curses(int ret, wint_t wc);
/* Bracketed paste: the curses key codes tui_term.c gives the terminal's
 * paste brackets (ESC [ 200 ~, ESC [ 201 ~), far above the codes ncurses
 * hands out to a terminal's extended keys. */
#define TUI_CODE_PASTE_BEGIN 0x7f00
#define TUI_CODE_PASTE_END 0x7f01

/* ------------------------------------------------------------ drawing */

struct tui_rect {
	int y, x, h, w;
};

enum tui_style {
	TUI_ST_NORMAL = 0,
	TUI_ST_KEYWORD,
	TUI_ST_STRING,
	TUI_ST_NUMBER,
	TUI_ST_COMMENT,
	TUI_ST_PARAM,
	TUI_ST_HEADER,
	TUI_ST_CURSOR,      /* the current row of an unfocused list */
	TUI_ST_CURSOR_FOCUS,/* the current row of the focused list */
	TUI_ST_CELL,        /* the current cell */
	TUI_ST_STATUS,
	TUI_ST_ERROR,
	TUI_ST_BORDER,
	TUI_ST_BORDER_FOCUS,
	TUI_ST_MATCH,
	TUI_ST_NULL,
	TUI_ST_DIM,
	TUI_ST_TITLE,
	TUI_ST_BAR,
	TUI_ST__COUNT
};

/* Glyphs: Unicode lines in a UTF-8 locale, ASCII otherwise. */
struct tui_glyphs {
	const char *h, *v, *tl, *tr, *bl, *br, *ltee, *rtee;
	const char *v2;                     /* after the frozen columns */
	const char *open, *closed, *leaf;   /* tree markers */
	const char *ell;                    /* a cut value */
	const char *up, *down;              /* sort direction */
	const char *bar8[9];                /* 0/8 .. 8/8 of a bar cell */
	const char *spin[4];
};

/* Set up styles and glyphs (after initscr). */
void tui_draw_init(bool utf8, bool colour);
const struct tui_glyphs *tui_glyphs(void);
bool tui_utf8(void);
attr_t tui_attr(enum tui_style st);
/* Draw n bytes of UTF-8 text at (y, x), at most maxw columns, escaping
 * control characters as the box renderer does (\n, \x01); non-ASCII shows
 * as '?' in an ASCII terminal. Returns the columns drawn. */
int tui_put(int y, int x, int maxw, const char *s, size_t n, attr_t attr);
int tui_puts(int y, int x, int maxw, const char *s, attr_t attr);
/* Columns text takes as tui_put draws it. */
int tui_width(const char *s, size_t n);
/* Bytes of s[0..n) that fit in maxw columns (whole characters). */
size_t tui_fit(const char *s, size_t n, int maxw);
/* Draw text cut to w columns: left- or right-aligned, padded with spaces,
 * a cut shown with the ellipsis. */
void tui_put_cell(int y, int x, int w, const char *s, size_t n, bool right, attr_t attr);
void tui_fill(int y, int x, int w, attr_t attr);
/* A box around r with a title in its top border. */
void tui_box(struct tui_rect r, const char *title, bool focused);

/* ------------------------------------------------------------ results */

/* One result table of a run, bounded: the first rows up to the store's
 * bound are kept, the rest only counted. Shared by views (refs). */
struct tui_table {
	struct rowset *rs;
	int64_t total;        /* rows the statement produced */
	bool truncated;       /* rs holds only the first rs->nrows of them */
	char *sql;            /* the statement that made it (NUL-terminated), or NULL */
	int refs;
};

struct tui_table *tui_table_new(struct rowset *rs, const char *sql, int sql_len);
struct tui_table *tui_table_ref(struct tui_table *t);
void tui_table_unref(struct tui_table *t);
/* The text of a cell as the grid shows it (NULL as "NULL"). */
void tui_cell_text(const struct tui_table *t, int64_t row, int col, struct strbuf *out, bool *is_null);

/* What one job's statements produced. */
struct tui_run {
	struct tui_table **tables;
	int ntables;
	size_t cap;
	struct strbuf log;    /* messages, output and errors in order */
	int errors;           /* statements that failed */
	char *error;          /* the last error's message (first line) */
	char *message;        /* the last message's first line ("Table t created ...") */
	bool cancelled;
	int64_t ms;           /* wall time */
};

void tui_run_free(struct tui_run *r);

/* ------------------------------------------------------------ views */

struct tui_app;
struct tui_view;

struct tui_view_ops {
	const char *name;
	enum tui_scope scope;     /* its own keys, looked up before LIST's */
	void (*draw)(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused);
	/* 1 when the action was handled */
	int (*key)(struct tui_view *v, struct tui_app *app, enum tui_action a);
	void (*title)(struct tui_view *v, struct strbuf *out);
	void (*free)(struct tui_view *v);
	/* a mouse click at row y, column x of the rect drawn last (NULL: none) */
	void (*click)(struct tui_view *v, struct tui_app *app, int y, int x);
	/* called on every turn of the loop (NULL: none): timers; a view that
	 * wants a turn at a given time lowers app->wake_ms to it */
	void (*tick)(struct tui_view *v, struct tui_app *app);
	const char *hints;        /* the status line's key hints (NULL: the workbench's) */
	bool frameless;           /* drawn over its whole rectangle, no box (its own title) */
};

struct tui_view {
	const struct tui_view_ops *ops;
	struct tui_view *below;
	uint64_t id;              /* jobs find their target by it */
	int page;                 /* rows shown at the last draw */
	struct tui_rect at;       /* where it was drawn last (inside the box) */
};

/* Push v on the result pane (focuses it). */
void tui_push(struct tui_app *app, struct tui_view *v);
/* Pop and free the top view (not the last one). */
void tui_pop(struct tui_app *app);
/* A view over the whole screen (the help, a dashboard), over the one
 * there; pop closes the top one. */
void tui_overlay_push(struct tui_app *app, struct tui_view *v);
void tui_overlay_pop(struct tui_app *app);
/* The view with this id, in the result pane or over the screen. */
struct tui_view *tui_find_view(struct tui_app *app, uint64_t id);
uint64_t tui_view_id(struct tui_app *app);

/* Grids: a table with a cursor, an order and a purpose. */
enum tui_grid_kind {
	TUI_GRID_PLAIN = 0,
	TUI_GRID_HISTORY,     /* DESCRIBE HISTORY t: Enter time-travels */
	TUI_GRID_RUNS,        /* SHOW RUNS: the leaderboard */
	TUI_GRID_FREQ,        /* a frequency table: Enter filters its parent */
	TUI_GRID_DESCRIBE,
};

struct tui_view *tui_grid_new(struct tui_app *app, struct tui_table *t, enum tui_grid_kind kind, const char *label);
/* The grid's kind-specific state: what the frequency table counted. */
void tui_grid_set_parent(struct tui_view *v, struct tui_view *parent, int col);
void tui_grid_set_rows(struct tui_view *v, int64_t *idx, int64_t n);   /* takes idx */
void tui_grid_set_source(struct tui_view *v, const char *what);      /* table of a history */
/* A grid's extra key scope (RUNS for a leaderboard), or TUI_SC__COUNT. */
enum tui_scope tui_grid_scope2(struct tui_view *v);
struct tui_view *tui_plan_new(struct tui_app *app, struct tui_table *t);
/* The view a run's table opens in: a plan tree for EXPLAIN, a grid of the
 * right kind otherwise. */
struct tui_view *tui_view_for_table(struct tui_app *app, struct tui_table *t);
/* A scrollable page of text ('#' lines are headings); wrap_indent >= 0
 * wraps long lines at words, continuations indented so (-1: no wrap). */
struct tui_view *tui_text_new(struct tui_app *app, const char *title, const char *text, int wrap_indent);
/* The chart of a grid's column (tui_chart.c). */
struct tui_view *tui_chart_new(struct tui_app *app, struct tui_table *t, const int64_t *idx, int64_t n,
    int xcol, int ycol);

/* A grid's insides, shared by tui_grid*.c only: the view, what the user
 * did to it (order, frozen columns, search), and the frequency table's
 * parent. */
struct tui_grid {
	struct tui_view base;
	struct tui_table *t;
	enum tui_grid_kind kind;
	char *label;
	char *source;            /* a history's table */
	int64_t *orig;           /* the rows in their own order (NULL: all, in order) */
	int64_t norig;
	int64_t *idx;            /* the rows as shown (sorted), or NULL: orig */
	int64_t row, top;        /* cursor and first shown, in shown order */
	int col, left;           /* cursor column, first shown column */
	int *width;
	int *sampled;            /* widths from the sample (for _ again) */
	int *order;              /* real columns in display order: frozen ones first */
	int nfrozen;
	int sort_col;            /* -1: the query's order */
	bool sort_desc;
	pcre2_code *re;
	char *pattern;
	bool rownum;
	uint64_t parent;         /* a frequency table's grid */
	int parent_col;
	int rank_col;            /* a leaderboard's metric, or -1 */
	struct tui_trend *trend; /* a leaderboard's history column, or NULL */
};
extern const struct tui_view_ops tui_grid_ops;
int64_t tui_grid_nrows(const struct tui_grid *g);
/* The rowset row shown at position r (the grid's order). */
int64_t tui_grid_row(const struct tui_grid *g, int64_t r);
/* Position of real column c in the display order. */
int tui_grid_pos(const struct tui_grid *g, int c);
bool tui_grid_matches(const pcre2_code *re, pcre2_match_data *md, const char *s, size_t n);
/* The query behind g (for a subquery), or NULL with the status saying
 * why "what" cannot be done. */
const char *tui_grid_query(struct tui_app *app, struct tui_grid *g, const char *what);
/* Run sql as a derived view labelled label (a new grid on top). */
void tui_grid_derived(struct tui_app *app, const char *what, const char *sql, const char *label);
int tui_value_cmp(const struct wb_value *a, const struct wb_value *b);
void tui_grid_sort(struct tui_app *app, struct tui_grid *g, bool desc);
void tui_grid_freq(struct tui_app *app, struct tui_grid *g);
void tui_grid_freq_open(struct tui_app *app, struct tui_grid *f);
void tui_grid_search(struct tui_app *app, struct tui_grid *g, int dir);
void tui_grid_search_prompt(struct tui_app *app, struct tui_grid *g);

/* A leaderboard's history column: each run's values of one metric by
 * step, drawn as a sparkline after the frozen columns (tui_grid.c) and
 * loaded with SHOW METRIC HISTORY on the worker (tui_views.c): for the
 * ranked metric when it has a history, else eval_loss, else
 * training_loss; runs with fewer than two values show nothing. */
struct tui_trend {
	bool pending;            /* to load when the worker is free, from due_ms on */
	int64_t due_ms;          /* (m waits a moment: stepping through metrics loads the last) */
	char *want;              /* the ranked metric of the last load ("": none) */
	char *key;               /* the metric drawn; NULL: none, no column */
	char *header;            /* "<key> history" */
	double **v;              /* per row of the table: the values by step, or NULL */
	int *n;
	int64_t nrows;
	int w;                   /* the column's width; 0: no column */
	int runs;                /* rows with a trend */
};
struct tui_trend *tui_trend_new(void);
void tui_trend_free(struct tui_trend *tr);
/* Start loading g's trend for its ranked metric (a quiet job). */
void tui_trend_load(struct tui_app *app, struct tui_grid *g);

/* Kind-specific grid actions (tui_views.c): time travel from a history
 * row, which way a leaderboard's metric ranks ("loss": ascending). */
int tui_history_open(struct tui_app *app, struct tui_table *t, int64_t row, const char *table);
const char *tui_runs_metric_dir(const char *name, bool *desc);
/* The table a DESCRIBE HISTORY statement names ("schema.t"), malloc'd or NULL. */
char *tui_history_table(const char *sql);
/* Does the statement start with the words w1 and w2 (NULL: any)? What
 * made a table: "EXPLAIN", "DESCRIBE HISTORY", "SHOW RUNS". */
bool tui_sql_starts(const char *sql, const char *w1, const char *w2);

/* A dashboard (tui_dash.c): the view of a loaded dashboard, its first run
 * started; NULL with err set when it does not load or its filters are
 * wrong. */
struct dash_args;
struct tui_view *tui_dash_new(struct tui_app *app, const struct dash_args *a, struct wb_error *err);
/* `.dashboard FILE.wb [-p NAME=VALUE ...]` typed in the editor: opens the
 * dashboard over the workbench. false when text is not that command. */
bool tui_dash_command(struct tui_app *app, const char *text);

/* Draw a canvas (ui/canvas.h) into r, the renderer's colour roles mapped
 * onto the workbench's styles (tui_chart.c). */
struct canvas;
void tui_blit(const struct canvas *cv, struct tui_rect r);

/* The chart hooks (tui_chart.c): where ui/chart plugs in. */
struct canvas *tui_hook_chart(const struct rowset *rs, const int64_t *idx, int64_t n, int xcol, int ycol, int w,
    int h, struct wb_error *err);
int tui_hook_sparkline(const double *v, int n, int width, struct strbuf *out);

/* ------------------------------------------------------------ jobs */

struct tui_job;
typedef void (*tui_job_fn)(struct tui_app *app, struct tui_job *job);

struct tui_sink;

struct tui_job {
	char *sql;                /* run through session_run, when non-NULL */
	tui_job_fn work;          /* else this runs on the worker */
	tui_job_fn done;          /* on the UI thread, after the job ended */
	void *arg;
	void (*free_arg)(void *arg);
	uint64_t target;          /* the view the outcome belongs to (0: none) */
	bool quiet;               /* a catalog refresh: not the user's */
	bool focus_result;        /* opened from a list: focus the result when done */
	bool cleared;             /* Enter took the text out of the editor */
	char label[48];           /* "running", "sorting" */
	struct tui_run *run;      /* what it produced (tables, log) */
	int64_t t0;
	int rc;
	struct tui_sink *sink;
};

/* A new job running sql (copied), or fn when sql is NULL. */
struct tui_job *tui_job_new(const char *label, const char *sql, tui_job_fn work, tui_job_fn done, void *arg);
/* Start job on the worker; when a job is running, a quiet one is replaced
 * by it queued, a user one refuses (status message) and frees job.
 * Returns 0 when started or queued. */
int tui_job_start(struct tui_app *app, struct tui_job *job);
/* From the UI loop: reap a finished job (its done callback runs). */
void tui_job_poll(struct tui_app *app);
bool tui_job_busy(struct tui_app *app);
/* Wait up to ms for the running job to end (and reap it). */
void tui_job_wait(struct tui_app *app, int ms);
/* On the worker, inside a job's work: run sql through the session into
 * job->run (as a SQL job does). Returns session_run's status. */
int tui_job_sql(struct tui_app *app, struct tui_job *job, const char *sql);
/* Rows received by the running job so far. */
int64_t tui_job_rows(struct tui_app *app);
/* Has the user asked the running job to stop? (for in-memory work) */
bool tui_job_cancelled(struct tui_app *app);
void tui_job_free(struct tui_job *job);

/* Run SQL for the user, results in the result pane (the text goes to the
 * history). show_in_editor: the SQL replaces the editor's text (the draft
 * goes to the history) and the result pane gets the focus - what the
 * catalog and history views do, so that the SQL they run can be edited. */
void tui_run_user_sql(struct tui_app *app, const char *sql, bool show_in_editor);
/* The same; cleared: the editor was emptied for it (Enter), and gets the
 * text back if it fails. */
void tui_run_sql_job(struct tui_app *app, const char *sql, bool show_in_editor, bool cleared);

/* ------------------------------------------------------------ editor */

struct tui_editor;
struct tui_editor *tui_editor_new(const char *history_path);
void tui_editor_free(struct tui_editor *ed);
void tui_editor_draw(struct tui_editor *ed, struct tui_app *app, struct tui_rect r, bool focused);
/* 1 when handled; a printable key (action NONE) inserts itself. */
int tui_editor_key(struct tui_editor *ed, struct tui_app *app, int key, enum tui_action a);
bool tui_editor_menu_open(struct tui_editor *ed);
const char *tui_editor_text(struct tui_editor *ed);
void tui_editor_set_text(struct tui_editor *ed, const char *text);
void tui_editor_insert(struct tui_editor *ed, const char *text);
/* Pasted text (n bytes of UTF-8, lines ending in \n) goes in at the
 * cursor as it is - one insertion, tabs expanded to the next multiple of
 * 8 columns, nothing completed or run. */
void tui_editor_paste(struct tui_editor *ed, const char *text, size_t n);
void tui_editor_remember(struct tui_editor *ed, const char *text);   /* into the history */
void tui_editor_save_history(struct tui_editor *ed);
/* Cursor position for the terminal cursor (-1 when hidden). */
void tui_editor_cursor(struct tui_editor *ed, int *y, int *x);
/* A click at screen row y, column x inside the editor: the cursor goes there. */
void tui_editor_click(struct tui_editor *ed, int y, int x);
/* The completion menu, drawn last (over the other panes). */
void tui_editor_draw_menu(struct tui_editor *ed, struct tui_app *app);

/* ------------------------------------------------------------ catalog tree */

struct tui_tree;
struct tui_tree *tui_tree_new(void);
void tui_tree_free(struct tui_tree *t);
void tui_tree_draw(struct tui_tree *t, struct tui_app *app, struct tui_rect r, bool focused);
int tui_tree_key(struct tui_tree *t, struct tui_app *app, enum tui_action a);
void tui_tree_click(struct tui_tree *t, struct tui_app *app, int y);
/* Reload from the session (a quiet job). */
void tui_tree_refresh(struct tui_app *app);

/* ------------------------------------------------------------ prompt */

typedef void (*tui_prompt_fn)(struct tui_app *app, const char *text, void *arg);
void tui_prompt_open(struct tui_app *app, const char *label, tui_prompt_fn accept, void *arg);
bool tui_prompt_active(struct tui_app *app);
int tui_prompt_key(struct tui_app *app, int key, enum tui_action a);
/* Pasted text goes in at the cursor on one line: line breaks dropped,
 * tabs as spaces. */
void tui_prompt_paste(struct tui_app *app, const char *text, size_t n);
void tui_prompt_draw(struct tui_app *app, struct tui_rect r);

/* ------------------------------------------------------------ the terminal */

struct tui_term {
	SCREEN *screen;
	FILE *tty_out;            /* the terminal (descriptor 1 goes elsewhere) */
	int saved_out, saved_err;
	char *saved_ctype;
};

/* Take the terminal (tui_term.c): curses on it, descriptors 1 and 2 into
 * app->capture_fd, app->utf8 from the locale. -1 with err set, nothing
 * changed, when the terminal cannot be driven. */
int tui_term_open(struct tui_term *ts, struct tui_app *app, struct wb_error *err);
/* A key or character from curses (wget_wch's return value, *wc set), in
 * a byte locale read with getch as Latin-1. */
int tui_term_getch(struct tui_app *app, wint_t *wc);
/* Give it back as it was. */
void tui_term_close(struct tui_term *ts, struct tui_app *app);
/* After the paste's opening bracket (key TK(TUI_CODE_PASTE_BEGIN)): the
 * pasted text up to the closing bracket into out, as UTF-8 with every line
 * ending (CR, CR LF, LF) a \n and other control characters dropped.
 * Returns false when the closing bracket did not come (a second without
 * input ends the paste) or the text was cut at TUI_PASTE_MAX bytes. */
#define TUI_PASTE_MAX ((size_t)16 << 20)
bool tui_term_read_paste(struct tui_app *app, struct strbuf *out);

/* ------------------------------------------------------------ the app */

enum tui_pane { TUI_PANE_CATALOG = 0, TUI_PANE_EDITOR, TUI_PANE_RESULT, TUI_PANE__COUNT };

struct tui_prompt {
	bool active;
	char label[32];
	struct strbuf text;
	size_t cur;
	tui_prompt_fn accept;
	void *arg;
};

struct tui_app {
	struct session *s;
	bool utf8;
	int rows, cols;
	bool too_small;
	enum tui_pane focus;
	bool show_catalog;
	struct tui_rect r_cat, r_edit, r_res, r_status;
	struct tui_editor *ed;
	struct tui_tree *tree;
	struct tui_view *top;         /* the result pane's stack */
	struct tui_view *overlay;     /* help: over the whole screen */
	struct tui_prompt prompt;
	uint64_t next_view_id;
	/* the last run of the user's SQL: its tables (one grid each) and log */
	struct tui_run *last;
	int shown;                    /* which of last->tables the base view shows */
	/* jobs */
	struct tui_job *job;          /* running */
	struct tui_job *queued;       /* to start when job ends */
	pthread_t thread;
	atomic_bool job_finished;
	atomic_bool cancel;           /* the user asked the job to stop */
	_Atomic int64_t job_rows;
	int64_t max_rows;             /* the store's bound per result */
	int64_t max_bytes;
	/* stdout/stderr while the workbench runs (statements' text output,
	 * dot-commands, errors) */
	int capture_fd;
	off_t capture_off;
	/* the status line */
	char status[512];
	bool status_error;
	bool quit;
	int spin;
	int64_t wake_ms;              /* a view's timer (tick): the loop wakes by then (0: none) */
	bool dash_only;               /* wb dashboard: the dashboard is the workbench; closing it leaves */
};

/* Status line text (printf-like); error shows it in the error style. */
void tui_status(struct tui_app *app, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append what statements wrote to stdout/stderr since the last call. */
void tui_capture_drain(struct tui_app *app, struct strbuf *out);
void tui_focus(struct tui_app *app, enum tui_pane p);
/* Show a run's results: the last table (or the log) becomes the base view. */
void tui_show_run(struct tui_app *app, struct tui_run *run);
void tui_show_table(struct tui_app *app, int i);

/* Identifier quoting for SQL the workbench writes ("a""b"). */
void tui_quote_ident(struct strbuf *sb, const char *name);

#endif

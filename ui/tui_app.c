/*
 * tui_app: the workbench's layout, event loop and panes (tui_run).
 *
 * The loop draws the whole screen from state, waits for a key (100 ms at
 * most while a job runs, so elapsed time and progress move), and sends
 * the key through the action table to the focused pane; the mouse focuses
 * and points. Nothing blocks the loop: statements run on the worker
 * (tui_exec.c). A user run's results replace the result pane's views; the
 * catalog reloads after every run. The terminal itself is tui_term.c's.
 */
#include "ui/tui_int.h"
#include "core/datetime.h"
#include "core/progress.h"
#include "core/xmalloc.h"
#include "ui/dash.h"
#include "ui/render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TUI_MIN_COLS 60
#define TUI_MIN_ROWS 15
#define TUI_DEFAULT_MAX_ROWS 1000000
#define TUI_DEFAULT_MAX_BYTES ((int64_t)512 << 20)

void
tui_status(struct tui_app *app, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->status, sizeof app->status, fmt, ap);
	va_end(ap);
	app->status_error = error;
}

void
tui_focus(struct tui_app *app, enum tui_pane p)
{
	if (p == TUI_PANE_CATALOG && !app->show_catalog)
		app->show_catalog = true;
	app->focus = p;
}

uint64_t
tui_view_id(struct tui_app *app)
{
	return ++app->next_view_id;
}

void
tui_push(struct tui_app *app, struct tui_view *v)
{
	v->below = app->top;
	app->top = v;
	tui_focus(app, TUI_PANE_RESULT);
}

void
tui_pop(struct tui_app *app)
{
	struct tui_view *v = app->top;
	if (v == NULL || v->below == NULL)
		return;
	app->top = v->below;
	v->ops->free(v);
}

static void
clear_views(struct tui_app *app)
{
	while (app->top != NULL) {
		struct tui_view *v = app->top;
		app->top = v->below;
		v->ops->free(v);
	}
}

struct tui_view *
tui_find_view(struct tui_app *app, uint64_t id)
{
	for (struct tui_view *v = app->top; v != NULL; v = v->below)
		if (v->id == id)
			return v;
	for (struct tui_view *v = app->overlay; v != NULL; v = v->below)
		if (v->id == id)
			return v;
	return NULL;
}

void
tui_overlay_push(struct tui_app *app, struct tui_view *v)
{
	v->below = app->overlay;
	app->overlay = v;
}

void
tui_overlay_pop(struct tui_app *app)
{
	struct tui_view *v = app->overlay;
	if (v == NULL)
		return;
	/* wb dashboard: the help closes back to it; closing the dashboard leaves */
	if (app->dash_only && v->ops->scope == TUI_SC_DASH)
		app->quit = true;
	app->overlay = v->below;
	bool dash = v->ops->scope == TUI_SC_DASH;
	v->ops->free(v);
	/* its setup may have made tables */
	if (dash && !app->quit)
		tui_tree_refresh(app);
}

void
tui_show_table(struct tui_app *app, int i)
{
	struct tui_run *run = app->last;
	if (run == NULL || i < 0 || i >= run->ntables)
		return;
	clear_views(app);
	app->shown = i;
	app->top = tui_view_for_table(app, run->tables[i]);
}

void
tui_show_run(struct tui_app *app, struct tui_run *run)
{
	clear_views(app);
	if (run->ntables > 0) {
		tui_show_table(app, run->ntables - 1);
		if (run->errors > 0)
			tui_push(app, tui_text_new(app, "Messages", sb_str(&run->log), 2));
	} else {
		const char *log = run->log.len ? sb_str(&run->log) : run->cancelled ? "Cancelled.\n" : "Done.\n";
		app->top = tui_text_new(app, "Messages", log, 2);
	}
}

/* The status line after a user run. */
static void
run_status(struct tui_app *app, struct tui_run *run)
{
	char secs[32];
	snprintf(secs, sizeof secs, "%.3fs", (double)run->ms / 1000.0);
	if (run->cancelled) {
		tui_status(app, true, "Cancelled after %s%s", secs, run->ntables ? " (the results so far are shown)" : "");
		return;
	}
	if (run->errors > 0) {
		tui_status(app, true, "Error: %s  (F7: messages)", run->error ? run->error : "a statement failed");
		return;
	}
	if (run->ntables > 0) {
		struct tui_table *t = run->tables[run->ntables - 1];
		char n[32], k[32];
		render_group_digits(t->total, n);
		if (t->truncated) {
			render_group_digits(t->rs->nrows, k);
			tui_status(app, false, "%s rows in %s; the first %s are kept (the row bound)", n, secs, k);
		} else {
			tui_status(app, false, "%s row%s in %s", n, t->total == 1 ? "" : "s", secs);
		}
		return;
	}
	if (run->message != NULL) {
		tui_status(app, false, "%s (%s)", run->message, secs);
		return;
	}
	/* text a dot-command wrote: its last line */
	const char *log = sb_str(&run->log);
	size_t len = run->log.len;
	while (len > 0 && log[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start > 0 && log[start - 1] != '\n')
		start--;
	if (len > start)
		tui_status(app, false, "%.*s (%s)", (int)(len - start), log + start, secs);
	else
		tui_status(app, false, "Done in %s", secs);
}

static void
user_run_done(struct tui_app *app, struct tui_job *job)
{
	struct tui_run *run = job->run;
	job->run = NULL;
	tui_run_free(app->last);
	app->last = run;
	tui_show_run(app, run);
	run_status(app, run);
	/* opened from a list (catalog, history): the result is where to go on */
	if (job->focus_result)
		tui_focus(app, TUI_PANE_RESULT);
	/* Enter cleared the editor for the next statement; a failed one comes
	 * back to be fixed */
	if (run->errors > 0 && !run->cancelled && job->cleared && tui_editor_text(app->ed)[0] == '\0')
		tui_editor_set_text(app->ed, job->sql);
	/* statements may have created, dropped or trained something */
	tui_tree_refresh(app);
}

void
tui_run_user_sql(struct tui_app *app, const char *sql, bool show_in_editor)
{
	tui_run_sql_job(app, sql, show_in_editor, false);
}

void
tui_run_sql_job(struct tui_app *app, const char *sql, bool show_in_editor, bool cleared)
{
	if (tui_dash_command(app, sql))
		return;
	if (show_in_editor) {
		const char *draft = tui_editor_text(app->ed);
		if (strcmp(draft, sql) != 0)
			tui_editor_remember(app->ed, draft);
		tui_editor_set_text(app->ed, sql);
	}
	tui_editor_remember(app->ed, sql);
	struct tui_job *job = tui_job_new("the statement", sql, NULL, user_run_done, NULL);
	job->focus_result = show_in_editor;
	job->cleared = cleared;
	tui_job_start(app, job);
}

void
tui_quote_ident(struct strbuf *sb, const char *name)
{
	sb_putc(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			sb_putc(sb, '"');
		sb_putc(sb, *p);
	}
	sb_putc(sb, '"');
}

/* ------------------------------------------------------------ layout and drawing */

static void
layout(struct tui_app *app)
{
	getmaxyx(stdscr, app->rows, app->cols);
	app->too_small = app->rows < TUI_MIN_ROWS || app->cols < TUI_MIN_COLS;
	int rows = app->rows, cols = app->cols;
	int catw = 0;
	if (app->show_catalog) {
		catw = cols * 22 / 100;
		catw = catw < 18 ? 18 : catw > 40 ? 40 : catw;
	}
	int edh = (rows - 1) / 3;
	edh = edh < 5 ? 5 : edh > 12 ? 12 : edh;
	app->r_cat = (struct tui_rect){0, 0, rows - 1, catw};
	app->r_edit = (struct tui_rect){0, catw, edh, cols - catw};
	app->r_res = (struct tui_rect){edh, catw, rows - 1 - edh, cols - catw};
	app->r_status = (struct tui_rect){rows - 1, 0, 1, cols};
}

static void
draw_too_small(struct tui_app *app)
{
	char l1[64], l2[64];
	snprintf(l1, sizeof l1, "wb tui needs at least %dx%d.", TUI_MIN_COLS, TUI_MIN_ROWS);
	snprintf(l2, sizeof l2, "This terminal is %dx%d.", app->cols, app->rows);
	const char *lines[] = {l1, l2, "Enlarge it, or press", "Ctrl-Q to leave."};
	int y0 = app->rows / 2 - 2;
	for (int i = 0; i < 4; i++) {
		int w = (int)strlen(lines[i]);
		int x = w < app->cols ? (app->cols - w) / 2 : 0;
		tui_puts(y0 + i < 0 ? 0 : y0 + i, x, app->cols, lines[i], i == 0 ? A_BOLD : A_NORMAL);
	}
}

static struct tui_rect
inner(struct tui_rect r)
{
	return (struct tui_rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2};
}

static void
draw_view_box(struct tui_app *app, struct tui_view *v, struct tui_rect r, bool focused)
{
	if (v->ops->frameless) {
		v->at = r;
		v->ops->draw(v, app, r, focused);
		return;
	}
	struct strbuf t = STRBUF_INIT;
	v->ops->title(v, &t);
	tui_box(r, sb_str(&t), focused);
	sb_free(&t);
	v->at = inner(r);
	v->ops->draw(v, app, v->at, focused);
}

static void
draw_status(struct tui_app *app)
{
	struct tui_rect r = app->r_status;
	attr_t a = tui_attr(TUI_ST_STATUS);
	tui_fill(r.y, 0, r.w, a);
	if (tui_prompt_active(app)) {
		tui_prompt_draw(app, r);
		return;
	}
	bool running = app->job != NULL && !app->job->quiet;
	const char *hints = running ? "C-c cancels  F1 help " : "F1 help  F5 run  C-q quit ";
	if (!running && app->overlay != NULL && app->overlay->ops->hints != NULL)
		hints = app->overlay->ops->hints;
	int hw = (int)strlen(hints);
	int room = r.w - (r.w > hw + 20 ? hw : 0) - 1;
	char line[600];
	if (running) {
		const struct tui_glyphs *g = tui_glyphs();
		double secs = (double)(dt_now_ms() - app->job->t0) / 1000.0;
		char rows[32], prog[256];
		render_group_digits(tui_job_rows(app), rows);
		size_t pn = progress_latest(prog, sizeof prog, room > 40 ? room - 40 : 20);
		int n = snprintf(line, sizeof line, " %s %s %s %.1fs", g->spin[app->spin % 4],
		    atomic_load(&app->cancel) ? "cancelling" : "running", app->job->label, secs);
		if (tui_job_rows(app) > 0)
			n += snprintf(line + n, sizeof line - (size_t)n, " · %s rows", rows);
		if (pn > 0)
			snprintf(line + n, sizeof line - (size_t)n, " · %s", prog);
		tui_puts(r.y, 0, room, line, a | A_BOLD);
	} else {
		snprintf(line, sizeof line, " %s", app->status);
		tui_puts(r.y, 0, room, line, app->status_error ? (a | A_BOLD) : a);
	}
	if (r.w > hw + 20)
		tui_puts(r.y, r.w - hw, hw, hints, a);
}

static void
draw(struct tui_app *app)
{
	erase();
	if (app->too_small) {
		draw_too_small(app);
		curs_set(0);
		refresh();
		return;
	}
	if (app->dash_only && app->overlay != NULL)
		goto overlay;   /* the dashboard is the whole workbench */
	if (app->show_catalog)
		tui_tree_draw(app->tree, app, app->r_cat, app->focus == TUI_PANE_CATALOG && !app->overlay);
	tui_editor_draw(app->ed, app, app->r_edit, app->focus == TUI_PANE_EDITOR && !app->overlay);
	bool rf = app->focus == TUI_PANE_RESULT && !app->overlay;
	if (app->top != NULL) {
		draw_view_box(app, app->top, app->r_res, rf);
	} else {
		tui_box(app->r_res, "Results", rf);
		struct tui_rect in = inner(app->r_res);
		tui_puts(in.y, in.x + 1, in.w - 1, "Type a statement and press Enter after its ';', or F5 to run the editor.",
		    tui_attr(TUI_ST_DIM));
		tui_puts(in.y + 1, in.x + 1, in.w - 1, "F1 lists every key.", tui_attr(TUI_ST_DIM));
	}
overlay:
	if (app->overlay != NULL) {
		struct tui_rect r = {0, 0, app->rows - 1, app->cols};
		for (int y = 0; y < r.h; y++)
			tui_fill(y, 0, r.w, A_NORMAL);
		draw_view_box(app, app->overlay, r, true);
	}
	if (app->focus == TUI_PANE_EDITOR && app->overlay == NULL)
		tui_editor_draw_menu(app->ed, app);
	draw_status(app);
	int cy = -1, cx = -1;
	if (tui_prompt_active(app)) {
		getyx(stdscr, cy, cx);
	} else if (app->focus == TUI_PANE_EDITOR && app->overlay == NULL) {
		tui_editor_cursor(app->ed, &cy, &cx);
	}
	if (cy >= 0) {
		move(cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}

/* ------------------------------------------------------------ keys */

static void
cancel_job(struct tui_app *app)
{
	if (app->job == NULL) {
		tui_status(app, false, "Nothing is running (C-q or F10 leaves the workbench)");
		return;
	}
	atomic_store(&app->cancel, true);
	/* the rest of a script must not run either (tui_exec.c restores the
	 * user's setting afterwards) */
	app->s->bail = true;
	app->s->cancel = 1;
}

static void
run_editor(struct tui_app *app)
{
	const char *text = tui_editor_text(app->ed);
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '\0') {
		tui_status(app, false, "The editor is empty: type a statement first");
		return;
	}
	char *copy = xstrdup(text);
	tui_run_user_sql(app, copy, false);
	free(copy);
}

static void
global_action(struct tui_app *app, enum tui_action a)
{
	switch (a) {
	case TUI_A_QUIT:
		app->quit = true;
		break;
	case TUI_A_HELP:
		if (app->overlay != NULL && app->overlay->ops->scope != TUI_SC_DASH) {
			tui_overlay_pop(app);
		} else {
			/* over a dashboard too: q comes back to it */
			struct strbuf t = STRBUF_INIT;
			tui_keys_text(&t, app->dash_only || (app->overlay != NULL && app->overlay->ops->scope == TUI_SC_DASH));
			tui_overlay_push(app, tui_text_new(app, "Help (q closes)", sb_str(&t), TUI_HELP_INDENT));
			sb_free(&t);
		}
		break;
	case TUI_A_RUN:
		run_editor(app);
		break;
	case TUI_A_CANCEL:
		cancel_job(app);
		break;
	case TUI_A_FOCUS_CATALOG:
		tui_focus(app, TUI_PANE_CATALOG);
		layout(app);
		break;
	case TUI_A_FOCUS_EDITOR:
		tui_focus(app, TUI_PANE_EDITOR);
		break;
	case TUI_A_FOCUS_RESULT:
		tui_focus(app, TUI_PANE_RESULT);
		break;
	case TUI_A_NEXT_PANE:
	case TUI_A_PREV_PANE: {
		int step = a == TUI_A_NEXT_PANE ? 1 : TUI_PANE__COUNT - 1;
		int p = ((int)app->focus + step) % TUI_PANE__COUNT;
		if (p == TUI_PANE_CATALOG && !app->show_catalog)
			p = (p + step) % TUI_PANE__COUNT;
		app->focus = (enum tui_pane)p;
		break;
	}
	case TUI_A_LOG:
		if (app->last == NULL) {
			tui_status(app, false, "Nothing has run yet");
			break;
		}
		tui_push(app, tui_text_new(app, "Messages", app->last->log.len ? sb_str(&app->last->log) : "(none)\n", 2));
		break;
	case TUI_A_TOGGLE_CATALOG:
		app->show_catalog = !app->show_catalog;
		if (!app->show_catalog && app->focus == TUI_PANE_CATALOG)
			app->focus = TUI_PANE_EDITOR;
		layout(app);
		break;
	case TUI_A_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

static bool
printable(int key)
{
	return !(key & TUI_KEY_FN) && key >= 32 && key != 127;
}

/* The first scope of list that binds key. */
static enum tui_action
lookup(const enum tui_scope *scopes, int n, int key)
{
	for (int i = 0; i < n; i++) {
		enum tui_action a = tui_key_action(scopes[i], key);
		if (a != TUI_A_NONE)
			return a;
	}
	return TUI_A_NONE;
}

/* Keys for a view (the result pane's top, or the overlay). */
static void
view_key(struct tui_app *app, struct tui_view *v, int key, bool overlay)
{
	enum tui_scope scopes[3];
	int n = 0;
	scopes[n++] = v->ops->scope;
	if (v->ops->scope != TUI_SC_LIST)
		scopes[n++] = TUI_SC_LIST;
	enum tui_action a = TUI_A_NONE;
	/* a runs leaderboard takes its own keys first */
	enum tui_scope extra = v->ops->scope == TUI_SC_GRID ? tui_grid_scope2(v) : TUI_SC__COUNT;
	if (extra != TUI_SC__COUNT)
		a = tui_key_action(extra, key);
	if (a == TUI_A_NONE)
		a = lookup(scopes, n, key);
	if (a != TUI_A_NONE) {
		if (v->ops->key(v, app, a))
			return;
		if (a == TUI_A_CLOSE) {
			if (overlay) {
				tui_overlay_pop(app);
			} else if (v->below != NULL) {
				tui_pop(app);
			} else {
				tui_focus(app, TUI_PANE_EDITOR);
			}
			return;
		}
	}
	enum tui_action g = tui_key_action(TUI_SC_GLOBAL, key);
	if (g != TUI_A_NONE)
		global_action(app, g);
}

static void
handle_key(struct tui_app *app, int key)
{
	if (app->too_small) {
		if (tui_key_action(TUI_SC_GLOBAL, key) == TUI_A_QUIT)
			app->quit = true;
		return;
	}
	if (tui_prompt_active(app)) {
		tui_prompt_key(app, key, tui_key_action(TUI_SC_PROMPT, key));
		return;
	}
	if (app->overlay != NULL) {
		view_key(app, app->overlay, key, true);
		return;
	}
	switch (app->focus) {
	case TUI_PANE_EDITOR: {
		if (tui_editor_menu_open(app->ed)) {
			enum tui_action a = tui_key_action(TUI_SC_MENU, key);
			if (tui_editor_key(app->ed, app, key, a))
				return;
		}
		enum tui_action a = tui_key_action(TUI_SC_EDIT, key);
		if (a != TUI_A_NONE) {
			tui_editor_key(app->ed, app, key, a);
			return;
		}
		if (printable(key)) {
			tui_editor_key(app->ed, app, key, TUI_A_NONE);
			return;
		}
		enum tui_action g = tui_key_action(TUI_SC_GLOBAL, key);
		if (g != TUI_A_NONE)
			global_action(app, g);
		return;
	}
	case TUI_PANE_RESULT:
		if (app->top != NULL) {
			view_key(app, app->top, key, false);
			return;
		}
		break;
	case TUI_PANE_CATALOG: {
		enum tui_scope scopes[] = {TUI_SC_TREE, TUI_SC_LIST};
		enum tui_action a = lookup(scopes, 2, key);
		if (a != TUI_A_NONE && tui_tree_key(app->tree, app, a))
			return;
		if (a == TUI_A_CLOSE) {
			tui_focus(app, TUI_PANE_EDITOR);
			return;
		}
		break;
	}
	default:
		break;
	}
	enum tui_action g = tui_key_action(TUI_SC_GLOBAL, key);
	if (g != TUI_A_NONE)
		global_action(app, g);
}

/* Bracketed paste: the text goes where typing goes - the editor or the
 * open prompt - as text, never as keys (a pasted "q" must not close a
 * view, a pasted line break must not run a statement); elsewhere it is
 * dropped. */
static void
paste(struct tui_app *app)
{
	struct strbuf text = STRBUF_INIT;
	bool whole = tui_term_read_paste(app, &text);
	const char *s = sb_str(&text);
	if (app->too_small) {
		/* nothing shows where it would go */
	} else if (tui_prompt_active(app)) {
		tui_prompt_paste(app, s, text.len);
	} else if (app->overlay == NULL && app->focus == TUI_PANE_EDITOR) {
		tui_editor_paste(app->ed, s, text.len);
		int lines = 0;
		for (size_t i = 0; i < text.len; i++)
			lines += s[i] == '\n';
		tui_status(app, false, "Pasted %zu bytes, %d line break%s (F5 runs the editor)", text.len, lines,
		    lines == 1 ? "" : "s");
	} else if (app->dash_only) {
		tui_status(app, false, "Paste dropped: pasted text goes into a filter's value (f, then Enter)");
	} else {
		tui_status(app, false, "Paste dropped: pasted text goes into the SQL editor (F3)");
	}
	if (!whole)
		tui_status(app, true, "The paste was cut short (no end mark within a second, or over 16 MiB)");
	sb_free(&text);
}

/* ------------------------------------------------------------ the mouse */

static bool
inside(struct tui_rect r, int y, int x)
{
	return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

/* A click focuses a pane and puts its cursor on the row (or, in the
 * editor, the character) clicked; the wheel scrolls what is under it. */
static void
handle_mouse(struct tui_app *app)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || app->too_small || tui_prompt_active(app))
		return;
	int wheel = 0;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		wheel = 1;
#endif
	if (ev.bstate & BUTTON4_PRESSED)
		wheel = -1;
	struct tui_view *v = app->overlay ? app->overlay : NULL;
	enum tui_pane pane;
	if (v != NULL)
		pane = TUI_PANE_RESULT;
	else if (app->show_catalog && inside(app->r_cat, ev.y, ev.x))
		pane = TUI_PANE_CATALOG;
	else if (inside(app->r_edit, ev.y, ev.x))
		pane = TUI_PANE_EDITOR;
	else if (inside(app->r_res, ev.y, ev.x))
		pane = TUI_PANE_RESULT, v = app->top;
	else
		return;
	if (app->overlay == NULL) {
		if (tui_editor_menu_open(app->ed))
			tui_editor_key(app->ed, app, 0, TUI_A_NONE);     /* closes it */
		tui_focus(app, pane);
	}
	if (wheel != 0) {
		enum tui_action a = wheel > 0 ? TUI_A_DOWN : TUI_A_UP;
		for (int i = 0; i < 3; i++) {
			if (pane == TUI_PANE_CATALOG)
				tui_tree_key(app->tree, app, a);
			else if (pane == TUI_PANE_EDITOR)
				tui_editor_key(app->ed, app, 0, wheel > 0 ? TUI_A_LINE_DOWN : TUI_A_LINE_UP);
			else if (v != NULL)
				v->ops->key(v, app, a);
		}
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (pane == TUI_PANE_CATALOG)
		tui_tree_click(app->tree, app, ev.y);
	else if (pane == TUI_PANE_EDITOR)
		tui_editor_click(app->ed, ev.y, ev.x);
	else if (v != NULL && v->ops->click != NULL && inside(v->at, ev.y, ev.x))
		v->ops->click(v, app, ev.y, ev.x);
}

static char *
history_file(const struct tui_options *o)
{
	if (o && o->history)
		return xstrdup(o->history);
	const char *home = getenv("HOME");
	return home && *home ? xasprintf("%s/.wb_tui_history", home) : NULL;
}

int
tui_run(struct session *s, const struct tui_options *o, struct wb_error *err)
{
	static bool active;
	if (active) {
		err_set(err, -1, "the workbench is already open");
		err_hint(err, "C-q leaves it");
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		err_set(err, -1, "the workbench needs a terminal: standard input and output must both be one");
		err_hint(err, "in scripts and pipes run statements with wb -c SQL or wb FILE");
		return -1;
	}
	if (o && o->dashboard) {
		/* a dashboard that does not load says so before the screen is taken */
		struct nb_vars vars = {0};
		int zoom;
		struct dashboard *d = dash_open(o->dashboard, &vars, &zoom, err);
		if (d == NULL)
			return -1;
		nb_vars_free(&vars);
		dash_free(d);
	}
	struct tui_app *app = xcalloc(1, sizeof *app);
	app->s = s;
	app->capture_fd = -1;
	app->max_rows = o && o->max_rows > 0 ? o->max_rows : TUI_DEFAULT_MAX_ROWS;
	app->max_bytes = o && o->max_bytes > 0 ? o->max_bytes : TUI_DEFAULT_MAX_BYTES;
	app->show_catalog = true;
	app->focus = TUI_PANE_EDITOR;
	atomic_init(&app->job_finished, false);
	atomic_init(&app->cancel, false);
	atomic_init(&app->job_rows, 0);
	struct tui_term ts;
	if (tui_term_open(&ts, app, err) < 0) {
		free(app);
		return -1;
	}
	active = true;
	bool was_interactive = s->interactive;
	s->interactive = true;
	char *hist = history_file(o);
	app->ed = tui_editor_new(hist);
	free(hist);
	app->tree = tui_tree_new();
	tui_status(app, false, "Ready");
	layout(app);
	if (o && o->dashboard) {
		struct tui_view *dv = tui_dash_new(app, o->dashboard, err);
		if (dv == NULL) {
			tui_editor_free(app->ed);
			tui_tree_free(app->tree);
			tui_term_close(&ts, app);
			s->interactive = was_interactive;
			free(app);
			active = false;
			return -1;
		}
		app->dash_only = true;
		app->show_catalog = false;
		tui_overlay_push(app, dv);
	} else {
		tui_tree_refresh(app);
	}
	if (o && o->run && o->run[0]) {
		struct strbuf sql = STRBUF_INIT;
		for (const char *const *r = o->run; *r; r++) {
			const char *t = *r;
			size_t n = strlen(t);
			while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n'))
				n--;
			sb_add(&sql, t, n);
			if (t[0] != '.' && (n == 0 || t[n - 1] != ';'))
				sb_putc(&sql, ';');
			sb_putc(&sql, '\n');
		}
		struct tui_job *job = tui_job_new("the statement", sb_str(&sql), NULL, user_run_done, NULL);
		tui_job_start(app, job);
		sb_free(&sql);
	}
	while (!app->quit) {
		tui_job_poll(app);
		if (app->quit)
			break;
		/* views' timers (a dashboard's refresh) */
		app->wake_ms = 0;
		for (struct tui_view *v = app->overlay; v != NULL; v = v->below)
			if (v->ops->tick)
				v->ops->tick(v, app);
		for (struct tui_view *v = app->top; v != NULL; v = v->below)
			if (v->ops->tick)
				v->ops->tick(v, app);
		app->spin++;
		draw(app);
		int wait = -1;
		if (app->job != NULL || app->queued != NULL) {
			wait = 100;
		} else if (app->wake_ms > 0) {
			int64_t left = app->wake_ms - dt_now_ms();
			wait = left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
		}
		timeout(wait);
		wint_t wc;
		int ret = tui_term_getch(app, &wc);
		if (ret == ERR)
			continue;
		int key = tui_key_from_curses(ret, wc);
		if (key == TK(TUI_CODE_PASTE_BEGIN)) {
			paste(app);
			continue;
		}
		if (key == TK(KEY_RESIZE)) {
			layout(app);
			continue;
		}
		if (key == TK(KEY_MOUSE)) {
			handle_mouse(app);
			continue;
		}
		handle_key(app, key);
	}
	/* leave: stop what runs, then restore the terminal */
	if (app->job != NULL) {
		atomic_store(&app->cancel, true);
		s->bail = true;
		tui_status(app, false, "Cancelling the running statement before leaving...");
		draw(app);
		while (app->job != NULL) {
			s->cancel = 1;
			napms(50);
			if (atomic_load(&app->job_finished)) {
				pthread_join(app->thread, NULL);
				tui_job_free(app->job);
				app->job = NULL;
			}
		}
		s->cancel = 0;
	}
	tui_job_free(app->queued);
	tui_editor_save_history(app->ed);
	clear_views(app);
	while (app->overlay) {
		struct tui_view *v = app->overlay;
		app->overlay = v->below;
		v->ops->free(v);
	}
	tui_run_free(app->last);
	tui_editor_free(app->ed);
	tui_tree_free(app->tree);
	sb_free(&app->prompt.text);
	tui_term_close(&ts, app);
	s->interactive = was_interactive;
	free(app);
	active = false;
	return 0;
}


/*
 * tui_dash: a dashboard in the workbench - over the whole screen, for
 * `wb dashboard FILE.wb` (where closing it leaves) and `.dashboard
 * FILE.wb` typed in the editor (where closing it goes back).
 *
 * The view owns the loaded dashboard, the filters' values (the -p
 * assignments, as text) and the results it shows. Runs are workbench
 * jobs on the worker thread (the session is the workbench's): the first
 * runs every cell, later ones - the timer, r, a filter changed - only the
 * cells that draw tiles or use a filter (dash.h), and the cells they do
 * not run keep what they had. A job works on its own reference to the
 * dashboard and its own filter values, so the view may close meanwhile;
 * its results replace the view's only if the view is still there and the
 * run was not cancelled. The screen is drawn by dash_draw() into a canvas,
 * kept until something changes, and copied onto the terminal.
 */
#include "ui/tui_int.h"
#include "ui/dash.h"

#include "core/datetime.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* the dashboard, shared by the view and its running job (UI thread only) */
struct dash_ref {
	struct dashboard *d;
	int refs;
};

struct dash_tv {
	struct tui_view base;
	struct dash_ref *ref;
	char **assigns;          /* NAME=VALUE, one per filter the user set (owned) */
	int nassigns;
	struct nb_vars vars;     /* what the assignments resolve to (the filter bar) */
	struct dash_results *res;
	int64_t refresh_ms;      /* 0: none */
	int64_t next_at;         /* when the timer runs it again */
	bool paused, running, first_done;
	bool want_first;         /* the first run has not started yet */
	int selected, zoomed, filter;   /* filter >= 0: the filter bar has the keys */
	struct canvas *cv;       /* the last drawing, while nothing changed */
	int cv_w, cv_h;
};

struct dash_job {
	struct dash_ref *ref;
	uint64_t view;
	char **assigns;
	int nassigns;
	bool all;
	struct dash_results *res;
};

static void
ref_drop(struct dash_ref *r)
{
	if (r != NULL && --r->refs == 0) {
		dash_free(r->d);
		free(r);
	}
}

static char **
assigns_copy(char *const *a, int n)
{
	char **c = xcalloc((size_t)n + 1, sizeof *c);
	for (int i = 0; i < n; i++)
		c[i] = xstrdup(a[i]);
	return c;
}

static void
assigns_free(char **a, int n)
{
	for (int i = 0; a && i < n; i++)
		free(a[i]);
	free(a);
}

static void
dirty(struct dash_tv *v)
{
	canvas_free(v->cv);
	v->cv = NULL;
}

/* ------------------------------------------------------------ runs */

static void
job_free_arg(void *arg)
{
	struct dash_job *j = arg;
	ref_drop(j->ref);
	assigns_free(j->assigns, j->nassigns);
	dash_results_free(j->res);
	free(j);
}

/* on the worker */
static void
job_work(struct tui_app *app, struct tui_job *job)
{
	struct dash_job *j = job->arg;
	struct nb_vars vars = {0};
	struct wb_error err = WB_ERROR_INIT;
	/* the values were checked when they were set: this resolves */
	if (nb_vars_resolve(j->ref->d->nb, j->assigns, j->nassigns, &vars, &err) == 0)
		j->res = dash_run(j->ref->d, app->s, &vars, j->all, &app->s->cancel);
	err_clear(&err);
	nb_vars_free(&vars);
}

static void
job_done(struct tui_app *app, struct tui_job *job)
{
	struct dash_job *j = job->arg;
	struct dash_tv *v = (struct dash_tv *)tui_find_view(app, j->view);
	if (v == NULL)
		return;   /* closed meanwhile */
	v->running = false;
	dirty(v);
	v->next_at = v->refresh_ms > 0 ? dt_now_ms() + v->refresh_ms : 0;
	if (j->res == NULL || j->res->cancelled || job->run->cancelled) {
		tui_status(app, true, "Cancelled: tiles keep their last results");
		return;
	}
	/* the cells this run did not run keep what they had */
	const struct dashboard *d = v->ref->d;
	for (int i = 0; v->res != NULL && i < d->nb->ncells; i++)
		if (!j->all && !d->rerun[i]) {
			struct dash_cell t = j->res->cells[i];
			j->res->cells[i] = v->res->cells[i];
			v->res->cells[i] = t;
		}
	dash_results_free(v->res);
	v->res = j->res;
	j->res = NULL;
	v->first_done = true;
	dirty(v);
	if (v->res->failed)
		tui_status(app, true, "%d cell%s failed: see %s tiles", v->res->failed, v->res->failed == 1 ? "" : "s",
		    v->res->failed == 1 ? "its" : "their");
	else if (v->refresh_ms > 0 && !v->paused)
		tui_status(app, false, "Ran in %.1fs; again every %llds", (double)v->res->took_ms / 1000.0,
		    (long long)(v->refresh_ms / 1000));
	else
		tui_status(app, false, "Ran in %.1fs", (double)v->res->took_ms / 1000.0);
}

/* Start a run (all: every cell). false when the worker is busy. */
static bool
start_run(struct tui_app *app, struct dash_tv *v, bool all)
{
	/* behind a catalog refresh it queues; behind the user's statement it waits */
	if (v->running || (app->job != NULL && !app->job->quiet))
		return false;
	struct dash_job *j = xcalloc(1, sizeof *j);
	j->ref = v->ref;
	v->ref->refs++;
	j->view = v->base.id;
	j->assigns = assigns_copy(v->assigns, v->nassigns);
	j->nassigns = v->nassigns;
	j->all = all || !v->first_done;
	struct tui_job *job = tui_job_new("the dashboard", NULL, job_work, job_done, j);
	job->free_arg = job_free_arg;
	job->target = v->base.id;
	if (tui_job_start(app, job) < 0)
		return false;
	v->running = true;
	v->want_first = false;
	dirty(v);
	return true;
}

/* ------------------------------------------------------------ filters */

/* The filters from the assignments a[0..n) (taken): resolved against the
 * notebook's parameters, or, when they do not resolve, the status says
 * why and nothing changes. */
static bool
set_filters(struct tui_app *app, struct dash_tv *v, char **a, int n)
{
	struct nb_vars vars = {0};
	struct wb_error err = WB_ERROR_INIT;
	if (nb_vars_resolve(v->ref->d->nb, a, n, &vars, &err) < 0) {
		tui_status(app, true, "%s", err.msg ? err.msg : "bad value");
		err_clear(&err);
		assigns_free(a, n);
		return false;
	}
	assigns_free(v->assigns, v->nassigns);
	v->assigns = a;
	v->nassigns = n;
	nb_vars_free(&v->vars);
	v->vars = vars;
	dirty(v);
	return true;
}

/* Set the selected filter to text: checked against its type before anything runs. */
static void
set_filter(struct tui_app *app, const char *text, void *arg)
{
	struct dash_tv *v = (struct dash_tv *)tui_find_view(app, (uint64_t)(uintptr_t)arg);
	if (v == NULL || v->filter < 0)
		return;
	const struct notebook *nb = v->ref->d->nb;
	const struct nb_param *p = &nb->params[v->filter];
	const char *name = p->name;
	struct wb_value val;
	const char *why = NULL;
	if (!nb_value_parse(p->type, text, &val, &why)) {
		tui_status(app, true, "%s: '%s' is not %s (a %s)", name, text, why ? why : "a value of its type",
		    nb_type_name(p->type));
		return;
	}
	/* the new assignments: this one replaced */
	char **a = xcalloc((size_t)v->nassigns + 2, sizeof *a);
	int n = 0;
	size_t nl = strlen(name);
	for (int i = 0; i < v->nassigns; i++)
		if (!(strncmp(v->assigns[i], name, nl) == 0 && v->assigns[i][nl] == '='))
			a[n++] = xstrdup(v->assigns[i]);
	a[n++] = xasprintf("%s=%s", name, text);
	if (!set_filters(app, v, a, n))
		return;
	if (!start_run(app, v, false))
		tui_status(app, true, "The filter is set; a run is going on: r runs again when it ends");
}

static void
edit_filter(struct tui_app *app, struct dash_tv *v)
{
	const struct notebook *nb = v->ref->d->nb;
	if (v->filter < 0 || v->filter >= nb->nparams)
		return;
	const char *name = nb->params[v->filter].name;
	char label[32];
	snprintf(label, sizeof label, "%.24s = ", name);
	tui_prompt_open(app, label, set_filter, (void *)(uintptr_t)v->base.id);
	/* start from its value */
	for (int k = 0; k < v->vars.n; k++)
		if (strcmp(v->vars.v[k].name, name) == 0) {
			sb_puts(&app->prompt.text, v->vars.v[k].text);
			app->prompt.cur = app->prompt.text.len;
		}
}

/* ------------------------------------------------------------ moving */

/* The tile nearest to the selected one in direction (dx, dy). */
static int
neighbour(const struct dashboard *d, int from, int dx, int dy)
{
	const struct dash_tile *f = &d->tiles[from];
	double fx = f->col + f->cols / 2.0, fy = f->row + f->rows / 2.0;
	int best = -1;
	double bd = 0;
	for (int t = 0; t < d->ntiles; t++) {
		if (t == from)
			continue;
		const struct dash_tile *c = &d->tiles[t];
		/* strictly on that side */
		if ((dx > 0 && c->col < f->col + f->cols) || (dx < 0 && c->col + c->cols > f->col) ||
		    (dy > 0 && c->row < f->row + f->rows) || (dy < 0 && c->row + c->rows > f->row))
			continue;
		double cx = c->col + c->cols / 2.0, cy = c->row + c->rows / 2.0;
		/* along the direction counts once, across it twice */
		double along = dx ? (cx - fx) * dx : (cy - fy) * dy;
		double across = dx ? (cy - fy) : (cx - fx);
		double dist = along + 2 * (across < 0 ? -across : across);
		if (best < 0 || dist < bd)
			best = t, bd = dist;
	}
	return best < 0 ? from : best;
}

static int
dash_key(struct tui_view *vv, struct tui_app *app, enum tui_action a)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	const struct dashboard *d = v->ref->d;
	int np = d->nb->nparams;
	if (v->filter >= 0) {
		/* the filter bar has the keys */
		switch (a) {
		case TUI_A_DASH_LEFT:
		case TUI_A_DASH_PREV:
			v->filter = (v->filter + np - 1) % np;
			break;
		case TUI_A_DASH_RIGHT:
		case TUI_A_DASH_NEXT:
			v->filter = (v->filter + 1) % np;
			break;
		case TUI_A_DASH_ZOOM:
			edit_filter(app, v);
			break;
		case TUI_A_DASH_FILTERS:
		case TUI_A_CLOSE:
			v->filter = -1;
			tui_status(app, false, "Tiles: arrows choose, Enter zooms");
			break;
		case TUI_A_DASH_UP:
		case TUI_A_DASH_DOWN:
			break;
		default:
			return 0;
		}
		dirty(v);
		return 1;
	}
	switch (a) {
	case TUI_A_DASH_REFRESH:
		if (!start_run(app, v, false))
			tui_status(app, false, "A run is going on (C-c cancels it)");
		return 1;
	case TUI_A_DASH_NEXT:
	case TUI_A_DASH_PREV:
		if (d->ntiles > 0)
			v->selected = (v->selected + (a == TUI_A_DASH_NEXT ? 1 : d->ntiles - 1)) % d->ntiles;
		if (v->zoomed >= 0)
			v->zoomed = v->selected;
		break;
	case TUI_A_DASH_LEFT:
	case TUI_A_DASH_RIGHT:
	case TUI_A_DASH_UP:
	case TUI_A_DASH_DOWN:
		if (v->zoomed >= 0)
			return 1;
		v->selected = neighbour(d, v->selected, a == TUI_A_DASH_LEFT ? -1 : a == TUI_A_DASH_RIGHT ? 1 : 0,
		    a == TUI_A_DASH_UP ? -1 : a == TUI_A_DASH_DOWN ? 1 : 0);
		break;
	case TUI_A_DASH_ZOOM:
		v->zoomed = v->zoomed >= 0 ? -1 : v->selected;
		break;
	case TUI_A_CLOSE:
		if (v->zoomed < 0)
			return 0;   /* the workbench closes the dashboard */
		v->zoomed = -1;
		break;
	case TUI_A_DASH_FILTERS:
		if (np == 0) {
			tui_status(app, false, "This dashboard has no filters (its notebook declares no parameters)");
			return 1;
		}
		v->filter = 0;
		tui_status(app, false, "Filters: Left/Right choose, Enter edits, Esc goes back to the tiles");
		break;
	case TUI_A_DASH_RESET:
		if (np == 0) {
			tui_status(app, false, "This dashboard has no filters");
			return 1;
		}
		if (set_filters(app, v, NULL, 0)) {
			start_run(app, v, false);
			tui_status(app, false, "Filters back to their defaults");
		}
		return 1;
	case TUI_A_DASH_PAUSE:
		if (v->refresh_ms == 0) {
			tui_status(app, false, "No auto-refresh to pause (--refresh 30s, or -- refresh: 30s in the file)");
			return 1;
		}
		v->paused = !v->paused;
		dirty(v);
		v->next_at = dt_now_ms() + v->refresh_ms;
		tui_status(app, false, v->paused ? "Auto-refresh paused (p resumes)" : "Auto-refresh resumed");
		break;
	default:
		return 0;
	}
	dirty(v);
	return 1;
}

/* ------------------------------------------------------------ drawing */

static void
dash_draw_view(struct tui_view *vv, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	vv->page = r.h;
	if (v->cv == NULL || v->cv_w != r.w || v->cv_h != r.h) {
		canvas_free(v->cv);
		/* "refreshed 10:42:07 · every 30s" */
		char status[96] = "", when[40];
		if (v->res != NULL) {
			dt_format_timestamp(v->res->at_ms * 1000, when);
			int n = snprintf(status, sizeof status, "refreshed %.8s", when + 11);
			if (v->refresh_ms > 0)
				snprintf(status + n, sizeof status - (size_t)n, v->paused ? " · paused" : " · every %llds",
				    (long long)(v->refresh_ms / 1000));
		}
		struct dash_view dv = {.ascii = !app->utf8, .color = true, .selected = v->selected, .zoomed = v->zoomed,
		    .filter = v->filter, .status = status[0] ? status : NULL, .idle = !v->running};
		v->cv = dash_draw(v->ref->d, v->res, &v->vars, &dv, r.w, r.h);
		v->cv_w = r.w;
		v->cv_h = r.h;
	}
	tui_blit(v->cv, r);
}

static void
dash_title(struct tui_view *vv, struct strbuf *out)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	sb_printf(out, "Dashboard: %s", v->ref->d->title);
}

static void
dash_click(struct tui_view *vv, struct tui_app *app, int y, int x)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	struct dash_view dv = {.selected = v->selected, .zoomed = v->zoomed, .filter = -1};
	for (int t = 0; t < v->ref->d->ntiles; t++) {
		int tx, ty, tw, th;
		if (dash_tile_rect(v->ref->d, &dv, vv->at.w, vv->at.h, t, &tx, &ty, &tw, &th) &&
		    y - vv->at.y >= ty && y - vv->at.y < ty + th && x - vv->at.x >= tx && x - vv->at.x < tx + tw) {
			/* a click on the selected tile zooms it */
			if (t == v->selected && v->zoomed < 0)
				v->zoomed = t;
			v->selected = t;
			v->filter = -1;
			dirty(v);
			return;
		}
	}
}

static void
dash_tick(struct tui_view *vv, struct tui_app *app)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	if (v->want_first && !v->running) {
		/* the first run could not start (the worker was busy): now */
		start_run(app, v, true);
		return;
	}
	if (v->refresh_ms <= 0 || v->paused || !v->first_done)
		return;
	int64_t now = dt_now_ms();
	if (!v->running && now >= v->next_at && !tui_prompt_active(app)) {
		if (!start_run(app, v, false))
			v->next_at = now + 1000;   /* the worker is busy: try again in a second */
	}
	if (!v->running && (app->wake_ms == 0 || v->next_at < app->wake_ms))
		app->wake_ms = v->next_at;
}

static void
dash_view_free(struct tui_view *vv)
{
	struct dash_tv *v = (struct dash_tv *)vv;
	ref_drop(v->ref);
	assigns_free(v->assigns, v->nassigns);
	nb_vars_free(&v->vars);
	dash_results_free(v->res);
	canvas_free(v->cv);
	free(v);
}

static const struct tui_view_ops dash_ops = {
	.name = "dashboard",
	.scope = TUI_SC_DASH,
	.draw = dash_draw_view,
	.key = dash_key,
	.title = dash_title,
	.free = dash_view_free,
	.click = dash_click,
	.tick = dash_tick,
	.hints = "r refresh  f filters  Enter zoom  q leaves  F1 help ",
	.frameless = true,
};

struct tui_view *
tui_dash_new(struct tui_app *app, const struct dash_args *a, struct wb_error *err)
{
	struct nb_vars vars = {0};
	int zoom;
	struct dashboard *d = dash_open(a, &vars, &zoom, err);
	if (d == NULL)
		return NULL;
	struct dash_tv *v = xcalloc(1, sizeof *v);
	v->base.ops = &dash_ops;
	v->base.id = tui_view_id(app);
	v->ref = xcalloc(1, sizeof *v->ref);
	v->ref->d = d;
	v->ref->refs = 1;
	v->assigns = assigns_copy(a->assigns, a->nassigns);
	v->nassigns = a->nassigns;
	v->vars = vars;
	v->refresh_ms = a->refresh_ms > 0 ? a->refresh_ms : d->refresh_ms;
	v->selected = d->ntiles > 0 ? 0 : -1;
	v->zoomed = zoom;
	if (zoom >= 0)
		v->selected = zoom;
	v->filter = -1;
	v->want_first = true;
	start_run(app, v, true);
	return &v->base;
}

bool
tui_dash_command(struct tui_app *app, const char *text)
{
	const char *p = text;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (strncmp(p, ".dashboard", 10) != 0 || (p[10] != ' ' && p[10] != '\t' && p[10] != '\n' && p[10] != '\0'))
		return false;
	/* words, as the REPL splits a dot-command's line ('quoted' kept together) */
	char *line = xstrndup(p, strcspn(p, "\n"));
	char **argv = xcalloc(strlen(line) + 2, sizeof *argv);
	int argc = 0;
	for (char *q = line; *q;) {
		while (*q == ' ' || *q == '\t')
			q++;
		if (!*q)
			break;
		char quote = *q == '\'' || *q == '"' ? *q : 0;
		if (quote)
			q++;
		argv[argc++] = q;
		while (*q && (quote ? *q != quote : (*q != ' ' && *q != '\t')))
			q++;
		if (*q)
			*q++ = '\0';
	}
	struct dash_args a;
	struct wb_error err = WB_ERROR_INIT;
	struct tui_view *v = NULL;
	if (dash_args_parse(argc, argv, &a, &err) == 0 && !a.help)
		v = tui_dash_new(app, &a, &err);
	if (v != NULL) {
		while (app->overlay != NULL)
			tui_overlay_pop(app);
		tui_overlay_push(app, v);
		tui_editor_remember(app->ed, text);
	} else if (a.help) {
		tui_status(app, false, "usage: .dashboard FILE.wb [-p NAME=VALUE ...] [--refresh 30s] [--zoom TILE]");
	} else {
		tui_status(app, true, "%s", err.msg ? err.msg : "the dashboard cannot be opened");
	}
	err_clear(&err);
	dash_args_free(&a);
	free(argv);
	free(line);
	return true;
}

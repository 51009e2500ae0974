/*
 * tui_grid_search: / and n, N in a grid - a PCRE2 regular expression over
 * the cells as shown (a pattern without capitals ignores case), from the
 * cursor on in the grid's order, wrapping around once; a job, so that a
 * million rows do not freeze the screen.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>

struct search_job {
	struct tui_table *t;
	int *cols;               /* columns in display order */
	int64_t *order;          /* shown order (copy), or NULL */
	int64_t n;
	int64_t row;
	int col;
	int dir;
	pcre2_code *re;
	char *pattern;
	bool found;
	bool wrapped;
	int64_t frow;
	int fcol;
};

static void
search_work(struct tui_app *app, struct tui_job *job)
{
	struct search_job *sj = job->arg;
	int ncol = sj->t->rs->ncol;
	if (sj->n == 0 || ncol == 0)
		return;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(sj->re, NULL);
	struct strbuf sb = STRBUF_INIT;
	int64_t r = sj->row;
	int c = sj->col;
	/* every cell once, starting after the cursor */
	int64_t cells = sj->n * ncol;
	for (int64_t k = 0; k < cells; k++) {
		c += sj->dir;
		if (c >= ncol) {
			c = 0;
			if (++r >= sj->n) {
				r = 0;
				sj->wrapped = true;
			}
		} else if (c < 0) {
			c = ncol - 1;
			if (--r < 0) {
				r = sj->n - 1;
				sj->wrapped = true;
			}
		}
		if ((k & 16383) == 0 && tui_job_cancelled(app))
			break;
		sb_clear(&sb);
		tui_cell_text(sj->t, sj->order ? sj->order[r] : r, sj->cols[c], &sb, NULL);
		if (tui_grid_matches(sj->re, md, sb_str(&sb), sb.len)) {
			sj->found = true;
			sj->frow = r;
			sj->fcol = sj->cols[c];
			break;
		}
	}
	sb_free(&sb);
	pcre2_match_data_free(md);
}

static void
search_job_free(void *arg)
{
	struct search_job *sj = arg;
	tui_table_unref(sj->t);
	free(sj->order);
	free(sj->cols);
	free(sj->pattern);
	pcre2_code_free(sj->re);
	free(sj);
}

static void
search_done(struct tui_app *app, struct tui_job *job)
{
	struct search_job *sj = job->arg;
	struct tui_grid *g = (struct tui_grid *)tui_find_view(app, job->target);
	if (g == NULL)
		return;
	if (!sj->found) {
		tui_status(app, true, "%s /%s/", tui_job_cancelled(app) ? "Search cancelled:" : "No match for", sj->pattern);
		return;
	}
	g->row = sj->frow;
	g->col = sj->fcol;
	char n[32];
	render_group_digits(sj->frow + 1, n);
	tui_status(app, false, "/%s/ at row %s, %s%s", sj->pattern, n, g->t->rs->names[sj->fcol],
	    sj->wrapped ? " (search wrapped around)" : "");
}

void
tui_grid_search(struct tui_app *app, struct tui_grid *g, int dir)
{
	if (g->re == NULL) {
		tui_status(app, true, "No search yet: / starts one");
		return;
	}
	struct search_job *sj = xcalloc(1, sizeof *sj);
	sj->t = tui_table_ref(g->t);
	sj->n = tui_grid_nrows(g);
	if (g->idx || g->orig) {
		sj->order = xmalloc((size_t)(sj->n ? sj->n : 1) * sizeof *sj->order);
		for (int64_t i = 0; i < sj->n; i++)
			sj->order[i] = tui_grid_row(g, i);
	}
	sj->row = g->row;
	sj->col = tui_grid_pos(g, g->col);
	sj->cols = xmalloc(sizeof *sj->cols * (size_t)(g->t->rs->ncol ? g->t->rs->ncol : 1));
	memcpy(sj->cols, g->order, sizeof *sj->cols * (size_t)g->t->rs->ncol);
	sj->dir = dir;
	sj->re = pcre2_code_copy(g->re);
	sj->pattern = xstrdup(g->pattern);
	struct tui_job *job = tui_job_new("searching", NULL, search_work, search_done, sj);
	job->free_arg = search_job_free;
	job->target = g->base.id;
	tui_job_start(app, job);
}

static void
search_accept(struct tui_app *app, const char *text, void *arg)
{
	struct tui_grid *g = (struct tui_grid *)tui_find_view(app, (uint64_t)(uintptr_t)arg);
	if (g == NULL || *text == '\0')
		return;
	if (tui_job_busy(app) && !app->job->quiet) {
		tui_status(app, true, "busy: %s is still running (Ctrl-C cancels it)", app->job->label);
		return;
	}
	/* smart case: a pattern without capitals ignores case */
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	bool upper = false;
	for (const char *p = text; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			upper = true;
	if (!upper)
		opts |= PCRE2_CASELESS;
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		tui_status(app, true, "Error: invalid regular expression /%s/ at offset %zu: %s", text, (size_t)eo,
		    (const char *)msg);
		return;
	}
	if (g->re)
		pcre2_code_free(g->re);
	free(g->pattern);
	g->re = re;
	g->pattern = xstrdup(text);
	tui_grid_search(app, g, 1);
}

void
tui_grid_search_prompt(struct tui_app *app, struct tui_grid *g)
{
	tui_prompt_open(app, "/", search_accept, (void *)(uintptr_t)g->base.id);
}

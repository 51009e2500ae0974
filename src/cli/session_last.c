/*
 * session_last: the session keeps the last result it showed (struct
 * session's `last`), so that `.chart` and notebook chart cells can draw
 * it.
 *
 * The session's renderer is wrapped in a sink that passes everything on
 * and copies each result's first SESSION_LAST_MAX_ROWS rows into a
 * rowset; when the result ends well, that rowset replaces s->last and
 * s->last_rows says how many rows the result had. Results caught by an
 * override sink (the test runner, a subquery's statement) are not shown,
 * so not kept; results of the trash mode (timing runs) are not kept
 * either, to cost nothing there.
 */
#include "cli/session.h"

#include "core/xmalloc.h"

#include <stdlib.h>

struct keep_sink {
	struct wb_sink base;
	struct wb_sink *next;     /* the renderer (owned) */
	struct session *s;
	struct rowset *rs;        /* the result being kept */
	int64_t rows;
};

static int
keep_begin(struct wb_sink *sk, int ncol, char *const *names, const wb_type *types, struct wb_error *err)
{
	struct keep_sink *k = (struct keep_sink *)sk;
	rowset_free(k->rs);
	k->rs = NULL;
	k->rows = 0;
	if (k->next->begin && k->next->begin(k->next, ncol, names, types, err) < 0)
		return -1;
	if (k->s->render.mode != RENDER_TRASH)
		k->rs = rowset_new(ncol, names, types);
	return 0;
}

static int
keep_chunk(struct wb_sink *sk, const struct chunk *c, struct wb_error *err)
{
	struct keep_sink *k = (struct keep_sink *)sk;
	if (k->next->chunk && k->next->chunk(k->next, c, err) < 0)
		return -1;
	if (k->rs != NULL && c->ncol == k->rs->ncol && k->rs->nrows < SESSION_LAST_MAX_ROWS) {
		int64_t room = SESSION_LAST_MAX_ROWS - k->rs->nrows;
		rowset_append(k->rs, c, 0, c->n < room ? c->n : (int)room);
	}
	k->rows += c->n;
	return 0;
}

static int
keep_end(struct wb_sink *sk, struct wb_error *err)
{
	struct keep_sink *k = (struct keep_sink *)sk;
	int rc = k->next->end ? k->next->end(k->next, err) : 0;
	if (rc == 0 && k->rs != NULL) {
		rowset_free(k->s->last);
		k->s->last = k->rs;
		k->s->last_rows = k->rows;
	} else {
		rowset_free(k->rs);
	}
	k->rs = NULL;
	return rc;
}

static void
keep_message(struct wb_sink *sk, const char *text)
{
	struct keep_sink *k = (struct keep_sink *)sk;
	if (k->next->message)
		k->next->message(k->next, text);
}

struct wb_sink *
session_keep_sink_new(struct session *s, struct wb_sink *next)
{
	struct keep_sink *k = xcalloc(1, sizeof *k);
	k->base.begin = keep_begin;
	k->base.chunk = keep_chunk;
	k->base.end = keep_end;
	k->base.message = keep_message;
	k->next = next;
	k->s = s;
	return &k->base;
}

void
session_keep_sink_free(struct wb_sink *sk)
{
	if (sk == NULL)
		return;
	struct keep_sink *k = (struct keep_sink *)sk;
	render_sink_free(k->next);
	rowset_free(k->rs);
	free(k);
}

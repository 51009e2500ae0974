/*
 * stats_result: building a statement's table and its text for people.
 */
#include "stats/stats.h"
#include "core/xmalloc.h"

#include <stdlib.h>

void
stats_result_init(struct stats_result *r, int ncol, const char *const *names, const wb_type *types)
{
	rsb_init(&r->rows, ncol, names, types);
	r->title = NULL;
	sb_init(&r->notes);
	r->stars_col = -1;
}

void
stats_result_free(struct stats_result *r)
{
	if (r->rows.rs != NULL)
		rsb_free(&r->rows);
	free(r->title);
	r->title = NULL;
	sb_free(&r->notes);
}

void
stats_title(struct stats_result *r, const char *fmt, ...)
{
	struct strbuf b;
	sb_init(&b);
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	free(r->title);
	r->title = sb_detach(&b);
}

void
stats_note(struct stats_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&r->notes, fmt, ap);
	va_end(ap);
	sb_putc(&r->notes, '\n');
}

const char *
stats_stars(double p)
{
	if (!(p >= 0))
		return "";
	return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
}

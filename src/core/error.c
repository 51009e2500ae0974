#include "core/error.h"
#include "core/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
err_init(struct wb_error *e)
{
	e->msg = NULL;
	e->hint = NULL;
	e->pos = -1;
}

void
err_vset(struct wb_error *e, int pos, const char *fmt, va_list ap)
{
	if (e == NULL || e->msg != NULL)
		return;
	e->msg = xvasprintf(fmt, ap);
	e->pos = pos;
}

void
err_set(struct wb_error *e, int pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, pos, fmt, ap);
	va_end(ap);
}

void
err_hint(struct wb_error *e, const char *fmt, ...)
{
	va_list ap;
	if (e == NULL)
		return;
	free(e->hint);
	va_start(ap, fmt);
	e->hint = xvasprintf(fmt, ap);
	va_end(ap);
}

void
err_at(struct wb_error *e, int pos)
{
	if (e != NULL && e->msg != NULL && e->pos < 0)
		e->pos = pos;
}

void
err_clear(struct wb_error *e)
{
	free(e->msg);
	free(e->hint);
	err_init(e);
}

void
err_move(struct wb_error *dst, struct wb_error *src)
{
	err_clear(dst);
	*dst = *src;
	err_init(src);
}

static wb_notice_fn notice_fn;
static void *notice_arg;

void
wb_notice_set(wb_notice_fn fn, void *arg)
{
	notice_fn = fn;
	notice_arg = arg;
}

void
wb_notice(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (notice_fn)
		notice_fn(notice_arg, buf);
	else
		fprintf(stderr, "Warning: %s\n", buf);
}

/*
 * chart: the entry points of ui/chart.h - resolve the spec, check the
 * size, call the family's drawer, say what the auto chart chose.
 */
#include "ui/chart_int.h"

#include "core/xmalloc.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

bool
chart_locale_utf8(void)
{
	/* the environment's LC_CTYPE, looked at once and put back: wb
	 * itself runs in the C locale */
	static int utf8 = -1;
	if (utf8 < 0) {
		const char *cur = setlocale(LC_CTYPE, NULL);
		char *saved = strdup(cur ? cur : "C");
		utf8 = setlocale(LC_CTYPE, "") != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
		setlocale(LC_CTYPE, saved ? saved : "C");
		free(saved);
	}
	return utf8 == 1;
}

/* the smallest canvas each kind is drawn in */
static void
min_size(enum chart_kind k, int *w, int *h)
{
	switch (k) {
	case CHART_SPARKLINE:
		*w = 4;
		*h = 1;
		break;
	case CHART_KPI:
		*w = 8;
		*h = 1;
		break;
	default:
		*w = 20;
		*h = 5;
		break;
	}
}

void
chart_size(const struct chart_spec *sp, int def_w, int def_h, int *w, int *h)
{
	int mw, mh;
	min_size(sp->kind, &mw, &mh);
	*w = sp->width > 0 ? sp->width : def_w;
	*h = sp->height > 0 ? sp->height : def_h;
	if (sp->kind == CHART_SPARKLINE && sp->height == 0)
		*h = 1;   /* a sparkline is a line unless told otherwise */
	if (sp->kind == CHART_KPI && sp->height == 0 && *h > 8)
		*h = 8;
	if (*w < mw)
		*w = mw;
	if (*h < mh)
		*h = mh;
}

static int
draw(struct chart_ctx *cx)
{
	switch (cx->sp->kind) {
	case CHART_BAR: return chart_draw_bar(cx);
	case CHART_HISTOGRAM: return chart_draw_hist(cx);
	case CHART_LINE:
	case CHART_AREA:
	case CHART_SCATTER: return chart_draw_line(cx);
	case CHART_BOX: return chart_draw_box(cx);
	case CHART_INTERVAL: return chart_draw_interval(cx);
	case CHART_HEATMAP: return chart_draw_heatmap(cx);
	case CHART_SPARKLINE: return chart_draw_spark(cx);
	case CHART_KPI: return chart_draw_kpi(cx);
	default:
		err_set(cx->err, -1, "chart: nothing decided what to draw");
		return -1;
	}
}

struct canvas *
chart_render(const struct chart_spec *sp, const struct rowset *rs, const struct chart_opts *o, struct strbuf *notes,
    struct wb_error *err)
{
	struct chart_spec r;
	if (chart_resolve(sp, rs, &r, err) < 0) {
		err_at(err, sp->kind_pos);
		return NULL;
	}
	int mw, mh;
	min_size(r.kind, &mw, &mh);
	if (o->width < mw || o->height < mh) {
		err_set(err, -1, "a %s chart needs at least %dx%d cells; it was given %dx%d", chart_kind_name(r.kind), mw, mh,
		    o->width, o->height);
		err_hint(err, "width=%d height=%d", o->width < mw ? mw : o->width, o->height < mh ? mh : o->height);
		chart_spec_free(&r);
		return NULL;
	}
	bool ascii = (o->ascii && !r.unicode) || r.ascii;
	struct canvas *cv = canvas_new(o->width, o->height, ascii);
	struct chart_ctx cx = {.sp = &r, .rs = rs, .cv = cv, .ascii = ascii, .color = o->color, .notes = notes,
	    .err = err};
	int rc = draw(&cx);
	free(cx.legend_glyph);
	free(cx.legend_attr);
	if (rc == 0 && sp->kind == CHART_AUTO && notes != NULL) {
		/* what was chosen: the kind and the columns (not the titles and
		 * sizes, which show or were given) */
		struct strbuf b = STRBUF_INIT;
		struct chart_spec c = r;
		c.title = c.xlabel = c.ylabel = NULL;
		c.width = c.height = c.bins = 0;
		c.binwidth = 0;
		c.ascii = c.unicode = false;
		c.legend = -1;
		chart_spec_format(&c, &b);
		chart_note(&cx, "auto chart: %s", sb_str(&b));
		sb_free(&b);
	}
	chart_spec_free(&r);
	if (rc < 0) {
		canvas_free(cv);
		return NULL;
	}
	return cv;
}

int
chart_draw(const struct chart_spec *sp, const struct rowset *rs, const struct chart_opts *o, struct canvas *cv, int x,
    int y, int w, int h, struct strbuf *notes, struct wb_error *err)
{
	struct chart_opts oo = *o;
	oo.width = w;
	oo.height = h;
	oo.ascii = o->ascii || cv->ascii;
	struct canvas *c = chart_render(sp, rs, &oo, notes, err);
	if (c == NULL)
		return -1;
	canvas_blit(cv, x, y, c);
	canvas_free(c);
	return 0;
}

/*
 * tui_text: a page of text in a view - the help (generated from the key
 * table), a run's messages and errors, a cell's whole value. Lines that
 * start with '#' are headings. Scrolls both ways. The help wraps its
 * lines at words to the view's width (a continuation is indented under
 * the description); other text is not wrapped (a value's line breaks are
 * its own), Left and Right scroll it instead.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct seg {
	size_t off, len;         /* bytes of the text */
	int indent;              /* columns before it (a wrapped continuation) */
	bool heading;
};

struct text_view {
	struct tui_view base;
	char *title;
	char *text;
	int wrap_indent;         /* < 0: no wrapping */
	struct seg *segs;        /* display lines */
	int nsegs;
	size_t cap;
	int seg_width;           /* the width segs were made for */
	int top;
	int left;                /* columns scrolled right */
};

static void
add_seg(struct text_view *t, size_t off, size_t len, int indent, bool heading)
{
	t->segs = xgrow(t->segs, &t->cap, (size_t)t->nsegs + 1, sizeof *t->segs);
	t->segs[t->nsegs++] = (struct seg){off, len, indent, heading};
}

/* Display lines for width w (wrapping only when the view wraps). */
static void
layout(struct text_view *t, int w)
{
	if (t->nsegs > 0 && (t->wrap_indent < 0 || t->seg_width == w))
		return;
	t->nsegs = 0;
	t->seg_width = w;
	size_t len = strlen(t->text);
	size_t at = 0;
	while (at <= len) {
		size_t n = strcspn(t->text + at, "\n");
		bool heading = n > 0 && t->text[at] == '#';
		size_t off = at, rest = n;
		if (heading) {
			size_t skip = n >= 2 && t->text[at + 1] == ' ' ? 2 : 1;
			off += skip;
			rest -= skip;
		}
		/* an error's statement line and its caret stay as they are */
		bool keep = strncmp(t->text + off, "LINE ", 5) == 0 || strspn(t->text + off, " ^") == rest;
		int indent = 0;
		while (t->wrap_indent >= 0 && !heading && !keep && tui_width(t->text + off, rest) > w - indent && w - indent > 10) {
			size_t fit = tui_fit(t->text + off, rest, w - indent);
			size_t cut = fit;
			while (cut > 0 && t->text[off + cut] != ' ')
				cut--;
			if (cut == 0)
				cut = fit;
			add_seg(t, off, cut, indent, false);
			off += cut;
			rest -= cut;
			while (rest > 0 && t->text[off] == ' ') {
				off++;
				rest--;
			}
			indent = t->wrap_indent;
		}
		add_seg(t, off, rest, indent, heading);
		at += n + 1;
	}
}

static void
text_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct text_view *t = (struct text_view *)v;
	v->page = r.h;
	layout(t, r.w - 1);
	if (t->top > t->nsegs - r.h)
		t->top = t->nsegs - r.h;
	if (t->top < 0)
		t->top = 0;
	for (int i = 0; i < r.h && t->top + i < t->nsegs; i++) {
		const struct seg *sg = &t->segs[t->top + i];
		const char *s = t->text + sg->off;
		size_t n = sg->len;
		attr_t a = A_NORMAL;
		if (sg->heading)
			a = tui_attr(TUI_ST_TITLE);
		else if (n >= 6 && (strncmp(s, "Error:", 6) == 0 || memmem(s, n, ": Error:", 8) != NULL))
			a = tui_attr(TUI_ST_ERROR);
		size_t skip = tui_fit(s, n, t->left);
		tui_put(r.y + i, r.x + 1 + sg->indent, r.w - 1 - sg->indent, s + skip, n - skip, a);
	}
}

static int
text_key(struct tui_view *v, struct tui_app *app, enum tui_action a)
{
	struct text_view *t = (struct text_view *)v;
	int page = v->page > 1 ? v->page - 1 : 1;
	switch (a) {
	case TUI_A_UP: t->top--; break;
	case TUI_A_DOWN:
		if (t->top + v->page < t->nsegs)
			t->top++;
		break;
	case TUI_A_PAGE_UP: t->top -= page; break;
	case TUI_A_PAGE_DOWN: t->top += page; break;
	case TUI_A_TOP: t->top = 0; break;
	case TUI_A_BOTTOM: t->top = t->nsegs; break;
	case TUI_A_LEFT: t->left = t->left > 8 ? t->left - 8 : 0; break;
	case TUI_A_RIGHT:
		if (t->wrap_indent < 0)
			t->left += 8;
		break;
	default: return 0;
	}
	if (t->top < 0)
		t->top = 0;
	return 1;
}

static void
text_title(struct tui_view *v, struct strbuf *out)
{
	struct text_view *t = (struct text_view *)v;
	sb_puts(out, t->title);
	if (t->nsegs > v->page && v->page > 0)
		sb_printf(out, " (line %d of %d)", t->top + 1, t->nsegs);
}

static void
text_free(struct tui_view *v)
{
	struct text_view *t = (struct text_view *)v;
	free(t->title);
	free(t->text);
	free(t->segs);
	free(t);
}

static const struct tui_view_ops text_ops = {
	.name = "text",
	.scope = TUI_SC_LIST,
	.draw = text_draw,
	.key = text_key,
	.title = text_title,
	.free = text_free,
};

struct tui_view *
tui_text_new(struct tui_app *app, const char *title, const char *text, int wrap_indent)
{
	struct text_view *t = xcalloc(1, sizeof *t);
	t->base.ops = &text_ops;
	t->base.id = tui_view_id(app);
	t->title = xstrdup(title);
	t->text = xstrdup(text);
	t->wrap_indent = wrap_indent;
	/* a trailing newline does not start another line */
	size_t len = strlen(t->text);
	if (len > 0 && t->text[len - 1] == '\n')
		t->text[len - 1] = '\0';
	return &t->base;
}

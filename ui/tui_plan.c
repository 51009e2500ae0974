/*
 * tui_plan: EXPLAIN and EXPLAIN ANALYZE as a collapsible tree.
 *
 * The plan arrives as the table EXPLAIN returns (sql/explain.h): one row
 * per operator, its `plan` cell drawn as a tree with "├─ ", "└─ ", "│  "
 * and "   " prefixes, one per level, then the other columns (est_rows;
 * rows, time_ms, workers, memory_mb with ANALYZE) and, with ANALYZE, a
 * final "total" row at depth 0. The depth of an operator is the number of
 * prefixes; collapsing an operator hides its inputs. The other columns
 * stay aligned on the right.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct plan_node {
	int depth;
	const char *label;       /* into the table */
	size_t len;
	bool collapsed;
	bool kids;
	bool footer;             /* "total" */
};

struct plan_view {
	struct tui_view base;
	struct tui_table *t;
	struct plan_node *nodes;
	int n;
	int *vis;                /* indices of shown nodes */
	int nvis;
	int cur;                 /* index into vis */
	int top;
};

static const char *const prefixes[] = {"├─ ", "└─ ", "│  ", "   "};

static void
plan_visible(struct plan_view *p)
{
	int keep = p->nvis > 0 ? p->vis[p->cur] : 0;
	p->nvis = 0;
	for (int i = 0; i < p->n; i++) {
		p->vis[p->nvis++] = i;
		if (p->nodes[i].collapsed && p->nodes[i].kids) {
			int d = p->nodes[i].depth;
			while (i + 1 < p->n && !p->nodes[i + 1].footer && p->nodes[i + 1].depth > d)
				i++;
		}
	}
	/* the cursor stays on its operator, or the nearest shown one above */
	p->cur = 0;
	for (int k = 0; k < p->nvis; k++)
		if (p->vis[k] <= keep)
			p->cur = k;
}

static void
plan_draw(struct tui_view *v, struct tui_app *app, struct tui_rect r, bool focused)
{
	struct plan_view *p = (struct plan_view *)v;
	const struct rowset *rs = p->t->rs;
	const struct tui_glyphs *g = tui_glyphs();
	int page = r.h - 1;
	v->page = page;
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->cur >= p->top + page)
		p->top = p->cur - page + 1;
	if (p->top < 0)
		p->top = 0;
	/* the other columns: widths from names and values */
	int ncol = rs->ncol;
	int *w = xcalloc((size_t)(ncol ? ncol : 1), sizeof *w);
	struct strbuf sb = STRBUF_INIT;
	int right = 0;
	for (int c = 1; c < ncol; c++) {
		w[c] = (int)strlen(rs->names[c]);
		for (int i = 0; i < p->n; i++) {
			sb_clear(&sb);
			tui_cell_text(p->t, i, c, &sb, NULL);
			if (tui_width(sb_str(&sb), sb.len) > w[c])
				w[c] = tui_width(sb_str(&sb), sb.len);
		}
		right += w[c] + 2;
	}
	int lw = r.w - 2 - right;     /* a column free before the border */
	if (lw < 10)
		lw = 10;
	attr_t ha = tui_attr(TUI_ST_HEADER);
	tui_puts(r.y, r.x + 1, lw, "operator", ha);
	int x = r.x + 1 + lw;
	for (int c = 1; c < ncol; c++) {
		tui_put_cell(r.y, x + 2, w[c], rs->names[c], strlen(rs->names[c]), true, ha);
		x += w[c] + 2;
	}
	for (int i = 0; i < page && p->top + i < p->nvis; i++) {
		int k = p->top + i;
		const struct plan_node *nd = &p->nodes[p->vis[k]];
		int y = r.y + 1 + i;
		bool cur = k == p->cur;
		attr_t a = cur ? tui_attr(focused ? TUI_ST_CURSOR_FOCUS : TUI_ST_CURSOR) : A_NORMAL;
		if (cur)
			tui_fill(y, r.x, r.w, a);
		int ind = nd->footer ? 0 : nd->depth * 2;
		int used = 0;
		if (ind < lw)
			used = ind;
		const char *mark = nd->footer ? "" : !nd->kids ? g->leaf : nd->collapsed ? g->closed : g->open;
		used += tui_puts(y, r.x + 1 + used, lw - used, mark, a);
		used += tui_puts(y, r.x + 1 + used, lw - used, " ", a);
		tui_put_cell(y, r.x + 1 + used, lw - used, nd->label, nd->len, false, nd->footer ? a | A_BOLD : a);
		x = r.x + 1 + lw;
		for (int c = 1; c < ncol; c++) {
			bool null;
			sb_clear(&sb);
			tui_cell_text(p->t, p->vis[k], c, &sb, &null);
			tui_put_cell(y, x + 2, w[c], null ? "" : sb_str(&sb), null ? 0 : sb.len, true, a);
			x += w[c] + 2;
		}
	}
	sb_free(&sb);
	free(w);
}

static void
plan_title(struct tui_view *v, struct strbuf *out)
{
	struct plan_view *p = (struct plan_view *)v;
	int ops = 0;
	for (int i = 0; i < p->n; i++)
		ops += !p->nodes[i].footer;
	sb_printf(out, "Plan%s · %d operator%s", p->t->rs->ncol > 2 ? " (EXPLAIN ANALYZE)" : "", ops,
	    ops == 1 ? "" : "s");
	if (p->nvis < p->n)
		sb_printf(out, " · %d hidden", p->n - p->nvis);
}

static int
plan_key(struct tui_view *v, struct tui_app *app, enum tui_action a)
{
	struct plan_view *p = (struct plan_view *)v;
	int page = v->page > 1 ? v->page - 1 : 1;
	struct plan_node *nd = p->nvis > 0 ? &p->nodes[p->vis[p->cur]] : NULL;
	switch (a) {
	case TUI_A_UP: p->cur--; break;
	case TUI_A_DOWN: p->cur++; break;
	case TUI_A_PAGE_UP: p->cur -= page; break;
	case TUI_A_PAGE_DOWN: p->cur += page; break;
	case TUI_A_TOP: p->cur = 0; break;
	case TUI_A_BOTTOM: p->cur = p->nvis - 1; break;
	case TUI_A_TOGGLE:
		if (nd && nd->kids) {
			nd->collapsed = !nd->collapsed;
			plan_visible(p);
		}
		break;
	case TUI_A_COLLAPSE:
		if (nd && nd->kids && !nd->collapsed) {
			nd->collapsed = true;
			plan_visible(p);
		} else if (nd && !nd->footer) {
			/* to the parent: the nearest shown node above, less deep */
			for (int k = p->cur - 1; k >= 0; k--)
				if (p->nodes[p->vis[k]].depth < nd->depth) {
					p->cur = k;
					break;
				}
		}
		break;
	case TUI_A_EXPAND:
		if (nd && nd->kids && nd->collapsed) {
			nd->collapsed = false;
			plan_visible(p);
		} else if (nd && nd->kids) {
			p->cur++;
		}
		break;
	case TUI_A_COLLAPSE_ALL:
		for (int i = 0; i < p->n; i++)
			p->nodes[i].collapsed = p->nodes[i].kids && p->nodes[i].depth > 0;
		plan_visible(p);
		break;
	case TUI_A_EXPAND_ALL:
		for (int i = 0; i < p->n; i++)
			p->nodes[i].collapsed = false;
		plan_visible(p);
		break;
	default:
		return 0;
	}
	if (p->cur >= p->nvis)
		p->cur = p->nvis - 1;
	if (p->cur < 0)
		p->cur = 0;
	return 1;
}

static void
plan_free(struct tui_view *v)
{
	struct plan_view *p = (struct plan_view *)v;
	tui_table_unref(p->t);
	free(p->nodes);
	free(p->vis);
	free(p);
}

static void
plan_click(struct tui_view *v, struct tui_app *app, int y, int x)
{
	struct plan_view *p = (struct plan_view *)v;
	int k = p->top + (y - v->at.y - 1);
	if (y > v->at.y && k >= 0 && k < p->nvis) {
		if (k == p->cur)
			plan_key(v, app, TUI_A_TOGGLE);   /* a second click folds */
		p->cur = k;
	}
}

static const struct tui_view_ops plan_ops = {
	.name = "plan",
	.scope = TUI_SC_PLAN,
	.draw = plan_draw,
	.key = plan_key,
	.title = plan_title,
	.free = plan_free,
	.click = plan_click,
};

struct tui_view *
tui_plan_new(struct tui_app *app, struct tui_table *t)
{
	struct plan_view *p = xcalloc(1, sizeof *p);
	p->base.ops = &plan_ops;
	p->base.id = tui_view_id(app);
	p->t = tui_table_ref(t);
	const struct rowset *rs = t->rs;
	p->n = (int)rs->nrows;
	p->nodes = xcalloc((size_t)(p->n ? p->n : 1), sizeof *p->nodes);
	p->vis = xcalloc((size_t)(p->n ? p->n : 1), sizeof *p->vis);
	for (int i = 0; i < p->n; i++) {
		struct wb_value v;
		rowset_get(rs, i, 0, &v);
		const char *s = v.is_null ? "" : v.u.s.p;
		size_t n = v.is_null ? 0 : v.u.s.n;
		int depth = 0;
		for (;;) {
			size_t k;
			for (k = 0; k < 4; k++) {
				size_t pl = strlen(prefixes[k]);
				if (n >= pl && memcmp(s, prefixes[k], pl) == 0) {
					s += pl;
					n -= pl;
					depth++;
					break;
				}
			}
			if (k == 4)
				break;
		}
		p->nodes[i].depth = depth;
		p->nodes[i].label = s;
		p->nodes[i].len = n;
		p->nodes[i].footer = i > 0 && depth == 0;
	}
	for (int i = 0; i + 1 < p->n; i++)
		p->nodes[i].kids = !p->nodes[i].footer && !p->nodes[i + 1].footer && p->nodes[i + 1].depth > p->nodes[i].depth;
	plan_visible(p);
	return &p->base;
}

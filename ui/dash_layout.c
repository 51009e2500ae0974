/*
 * dash_layout: a dashboard's header - its title, refresh and layout - and
 * the tiles it makes (ui/dash.h has the format).
 *
 * The layout is checked whole before anything runs: names that are not
 * cells (with a did-you-mean), rows of different lengths, tiles whose
 * places are not one rectangle, each reported at its line of the file.
 */
#include "ui/dash.h"

#include "core/datetime.h"
#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DASH_MAX_GRID 24   /* rows or places per row */

#define LAYOUT_HINT "write the grid on the comment lines below it, indented, one line per row:\n" \
	"  -- layout:\n  --   kpi_a kpi_b\n  --   chart chart"

static int __attribute__((format(printf, 5, 6)))
fail_line(struct wb_error *err, const struct dashboard *d, int line, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(err, -1, "%s:%d: %s", d->nb->path, line, msg);
	if (hint)
		err_hint(err, "%s", hint);
	return -1;
}

/* "daily_revenue" -> "Daily revenue" */
static char *
humanize(const char *name)
{
	char *t = xstrdup(name);
	for (char *p = t; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
	t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

/* The comment text of header line n after "key:", or NULL when the line
 * is not that key. */
static const char *
header_key(const struct notebook *nb, int n, const char *key, int *len)
{
	const struct nb_line *l = &nb->lines[n - 1];
	if (!nb_line_is_comment(l->p, l->len) || nb_line_is_blank(l->p, l->len))
		return NULL;
	const char *t;
	int tl;
	nb_comment_text(l->p, l->len, &t, &tl);
	while (tl > 0 && (*t == ' ' || *t == '\t'))
		t++, tl--;
	size_t k = strlen(key);
	if ((size_t)tl < k + 1 || strncasecmp(t, key, k) != 0 || t[k] != ':')
		return NULL;
	t += k + 1;
	tl -= (int)k + 1;
	while (tl > 0 && (*t == ' ' || *t == '\t'))
		t++, tl--;
	while (tl > 0 && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
		tl--;
	*len = tl;
	return t;
}

/* A layout row: a header comment line whose text is indented. */
static bool
layout_row(const struct notebook *nb, int n, const char **text, int *len)
{
	const struct nb_line *l = &nb->lines[n - 1];
	if (!nb_line_is_comment(l->p, l->len) || nb_line_is_blank(l->p, l->len))
		return false;
	const char *t;
	int tl;
	nb_comment_text(l->p, l->len, &t, &tl);
	if (tl < 2 || (t[0] != ' ' && t[0] != '\t') || nb_line_is_blank(t, tl))
		return false;
	*text = t;
	*len = tl;
	return true;
}

/* the SQL cell before cell i, or -1 */
static int
source_of(const struct notebook *nb, int i)
{
	for (int k = i - 1; k >= 0; k--)
		if (nb->cells[k].kind == NB_SQL)
			return k;
	return -1;
}

/* The tile for cell i: kind, source, title; a chart's spec is parsed
 * (defaults for parameters) to see whether it is a KPI and its title. */
static void
tile_init(const struct dashboard *d, int i, struct dash_tile *t)
{
	const struct notebook *nb = d->nb;
	const struct nb_cell *c = &nb->cells[i];
	t->cell = i;
	t->src = -1;
	t->kpi = false;
	t->title = NULL;
	if (c->kind == NB_CHART) {
		t->kind = DASH_CHART;
		t->src = source_of(nb, i);
		struct chart_spec sp;
		chart_spec_init(&sp);
		struct wb_error e = WB_ERROR_INIT;
		if (nb_chart_spec(nb, NULL, c, &sp, &e, NULL, NULL) == 0) {
			t->kpi = sp.kind == CHART_KPI;
			if (sp.title && *sp.title)
				t->title = xstrdup(sp.title);
		}
		err_clear(&e);
		chart_spec_free(&sp);
	} else if (c->kind == NB_SQL) {
		t->kind = DASH_TABLE;
		/* a query with a comment on top: the comment is its title */
		for (int n = c->first; n < c->code_end && t->title == NULL; n++) {
			const struct nb_line *l = &nb->lines[n - 1];
			if (nb_line_is_blank(l->p, l->len))
				continue;
			if (!nb_line_is_comment(l->p, l->len))
				break;
			const char *s;
			int sl;
			nb_comment_text(l->p, l->len, &s, &sl);
			while (sl > 0 && (*s == ' ' || *s == '\t'))
				s++, sl--;
			if (sl > 0)
				t->title = xstrndup(s, (size_t)sl);
		}
	} else {
		t->kind = DASH_TEXT;
	}
	if (t->title == NULL) {
		char b[32];
		snprintf(b, sizeof b, "Cell %d", c->number);
		t->title = c->name ? humanize(c->name) : xstrdup(b);
	}
}

/* The names of the cells that can be tiles, for hints. */
static void
cell_names(const struct notebook *nb, struct strbuf *out)
{
	int k = 0;
	for (int i = 0; i < nb->ncells; i++)
		if (nb->cells[i].name)
			sb_printf(out, "%s%s", k++ ? ", " : "", nb->cells[i].name);
	if (k == 0)
		sb_puts(out, "(no cell has a name: name them with -- %% chart name=NAME)");
}

static int
parse_layout(struct dashboard *d, int line, int *end_line, struct wb_error *err)
{
	const struct notebook *nb = d->nb;
	int grid[DASH_MAX_GRID][DASH_MAX_GRID];
	int rows = 0, cols = -1, n = line + 1;
	int weight[DASH_MAX_GRID];
	const char *text;
	int len;
	for (; n < nb->header_end && layout_row(nb, n, &text, &len); n++) {
		if (rows == DASH_MAX_GRID)
			return fail_line(err, d, n, NULL, "a layout has at most 24 rows");
		weight[rows] = 1;
		int k = 0;
		const char *p = text, *e = text + len;
		while (p < e) {
			while (p < e && isspace((unsigned char)*p))
				p++;
			if (p >= e)
				break;
			const char *w = p;
			while (p < e && !isspace((unsigned char)*p))
				p++;
			char *word = xstrndup(w, (size_t)(p - w));
			const char *q = p;
			while (q < e && isspace((unsigned char)*q))
				q++;
			if (word[0] == '*') {
				char *end;
				long v = strtol(word + 1, &end, 10);
				if (q < e || *end != '\0' || v < 1 || v > 99) {
					int rc = fail_line(err, d, n, "a row's height is a share, *1 to *99, after its last name: "
					    "--   chart_a chart_b *2", "bad row height '%s'", word);
					free(word);
					return rc;
				}
				weight[rows] = (int)v;
				free(word);
				continue;
			}
			if (k == DASH_MAX_GRID) {
				free(word);
				return fail_line(err, d, n, NULL, "a layout row has at most 24 places");
			}
			int cell = -1;
			if (strcmp(word, ".") != 0) {
				for (int i = 0; i < nb->ncells && cell < 0; i++)
					if (nb->cells[i].name && strcmp(nb->cells[i].name, word) == 0)
						cell = i;
				if (cell < 0) {
					const char **cands = xcalloc((size_t)nb->ncells + 1, sizeof *cands);
					int nc = 0;
					for (int i = 0; i < nb->ncells; i++)
						if (nb->cells[i].name)
							cands[nc++] = nb->cells[i].name;
					const char *sug = str_suggest(word, cands, nc);
					struct strbuf h = STRBUF_INIT;
					if (sug)
						sb_printf(&h, "did you mean %s? ", sug);
					sb_puts(&h, "the layout names cells (-- %% chart name=NAME); '.' is an empty place. Cells: ");
					cell_names(nb, &h);
					fail_line(err, d, n, sb_str(&h), "the layout names '%s', which is not a cell", word);
					sb_free(&h);
					free(cands);
					free(word);
					return -1;
				}
			}
			free(word);
			grid[rows][k++] = cell;
		}
		if (k == 0)
			return fail_line(err, d, n, "a layout row names the cells of its tiles: --   chart_a chart_b",
			    "a layout row without places");
		if (cols >= 0 && k != cols) {
			char hint[200];
			snprintf(hint, sizeof hint, "every row of a layout has as many places (the first row has %d); "
			    "repeat a name to widen its tile, '.' leaves a place empty", cols);
			return fail_line(err, d, n, hint, "this layout row has %d place%s", k, k == 1 ? "" : "s");
		}
		cols = k;
		rows++;
	}
	*end_line = n;
	if (rows == 0)
		return fail_line(err, d, line, LAYOUT_HINT, "the layout has no rows");
	/* tiles: each cell's places must be one rectangle */
	bool done[DASH_MAX_GRID][DASH_MAX_GRID] = {{false}};
	d->tiles = xcalloc((size_t)(rows * cols), sizeof *d->tiles);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			int cell = grid[r][c];
			if (cell < 0 || done[r][c])
				continue;
			for (int t = 0; t < d->ntiles; t++)
				if (d->tiles[t].cell == cell)
					return fail_line(err, d, line + 1 + r,
					    "a tile's places form one rectangle: write its name in neighbouring places only",
					    "'%s' is in two places apart", nb->cells[cell].name);
			int w = 1, h = 1;
			while (c + w < cols && grid[r][c + w] == cell)
				w++;
			while (r + h < rows) {
				int k = 0;
				for (int x = c; x < c + w; x++)
					k += grid[r + h][x] == cell;
				if (k == 0)
					break;
				if (k != w)
					return fail_line(err, d, line + 1 + r + h,
					    "a tile's places form one rectangle: the same columns in every row it spans",
					    "'%s' is not a rectangle", nb->cells[cell].name);
				h++;
			}
			for (int y = r; y < r + h; y++)
				for (int x = c; x < c + w; x++)
					done[y][x] = true;
			struct dash_tile *t = &d->tiles[d->ntiles++];
			tile_init(d, cell, t);
			t->row = r;
			t->col = c;
			t->rows = h;
			t->cols = w;
		}
	/* a name left over in a row below (its rectangle ended above) */
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++)
			if (grid[r][c] >= 0 && !done[r][c])
				return fail_line(err, d, line + 1 + r,
				    "a tile's places form one rectangle: write its name in neighbouring places only",
				    "'%s' is in two places apart", nb->cells[grid[r][c]].name);
	d->nrows = rows;
	d->ncols = cols;
	d->weight = xmalloc(sizeof *d->weight * (size_t)rows);
	memcpy(d->weight, weight, sizeof *d->weight * (size_t)rows);
	return 0;
}

/* Without a layout: charts (and named SQL cells that no chart draws),
 * KPIs first, up to four to a row, then the others two to a row, on a
 * grid of 12 places. */
static int
default_layout(struct dashboard *d, struct wb_error *err)
{
	const struct notebook *nb = d->nb;
	int *pick = xcalloc((size_t)nb->ncells + 1, sizeof *pick);
	int np = 0;
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		if (c->kind == NB_CHART) {
			pick[np++] = i;
		} else if (c->kind == NB_SQL && c->name) {
			bool drawn = false;
			for (int k = i + 1; k < nb->ncells && nb->cells[k].kind != NB_SQL; k++)
				drawn |= nb->cells[k].kind == NB_CHART;
			if (!drawn)
				pick[np++] = i;
		}
	}
	if (np == 0) {
		free(pick);
		err_set(err, -1, "%s: nothing to show: the notebook has no chart cells and no named SQL cells", nb->path);
		err_hint(err, "add chart cells (-- %%%% chart bar x=brand y=revenue) or a layout naming cells in its header; "
		    "see wb-dashboard(1)");
		return -1;
	}
	d->tiles = xcalloc((size_t)np, sizeof *d->tiles);
	for (int k = 0; k < np; k++)
		tile_init(d, pick[k], &d->tiles[k]);
	/* KPIs first, keeping file order within each group */
	struct dash_tile *sorted = xcalloc((size_t)np, sizeof *sorted);
	int nk = 0, n = 0;
	for (int k = 0; k < np; k++)
		if (d->tiles[k].kpi)
			sorted[n++] = d->tiles[k], nk++;
	for (int k = 0; k < np; k++)
		if (!d->tiles[k].kpi)
			sorted[n++] = d->tiles[k];
	free(d->tiles);
	d->tiles = sorted;
	d->ntiles = np;
	int others = np - nk;
	int rows = (nk + 3) / 4 + (others + 1) / 2;
	d->nrows = rows;
	d->ncols = 12;
	d->weight = xmalloc(sizeof *d->weight * (size_t)rows);
	int r = 0;
	for (int k = 0; k < nk; k += 4, r++) {
		int in_row = nk - k < 4 ? nk - k : 4;
		for (int j = 0; j < in_row; j++) {
			struct dash_tile *t = &d->tiles[k + j];
			t->row = r;
			t->rows = 1;
			t->col = j * 12 / in_row;
			t->cols = (j + 1) * 12 / in_row - t->col;
		}
		d->weight[r] = 1;
	}
	for (int k = 0; k < others; k += 2, r++) {
		int in_row = others - k < 2 ? 1 : 2;
		for (int j = 0; j < in_row; j++) {
			struct dash_tile *t = &d->tiles[nk + k + j];
			t->row = r;
			t->rows = 1;
			t->col = j * 6;
			t->cols = in_row == 1 ? 12 : 6;
		}
		d->weight[r] = 2;
	}
	free(pick);
	return 0;
}

/* Does the text of lines [a, b) use parameter name (:name or ${name})? */
static bool
uses_param(const struct notebook *nb, int a, int b, const char *name)
{
	size_t nl = strlen(name);
	for (int n = a; n < b; n++) {
		const struct nb_line *l = &nb->lines[n - 1];
		for (int i = 0; i + 1 < l->len; i++) {
			const char *p = l->p + i;
			size_t off;
			if (p[0] == ':' && (i == 0 || p[-1] != ':'))
				off = 1;
			else if (p[0] == '$' && p[1] == '{')
				off = 2;
			else
				continue;
			if ((size_t)(l->len - i) < off + nl || strncasecmp(p + off, name, nl) != 0)
				continue;
			char after = (size_t)(l->len - i) > off + nl ? p[off + nl] : '\0';
			if (off == 2 ? after == '}' : !(isalnum((unsigned char)after) || after == '_'))
				return true;
		}
	}
	return false;
}

static void
mark_reruns(struct dashboard *d)
{
	const struct notebook *nb = d->nb;
	d->rerun = xcalloc((size_t)nb->ncells + 1, sizeof *d->rerun);
	for (int t = 0; t < d->ntiles; t++) {
		d->rerun[d->tiles[t].cell] = true;
		if (d->tiles[t].src >= 0)
			d->rerun[d->tiles[t].src] = true;
	}
	for (int i = 0; i < nb->ncells; i++) {
		const struct nb_cell *c = &nb->cells[i];
		if (c->kind == NB_MD)
			continue;
		int a = c->marker ? c->marker : c->first;
		for (int p = 0; p < nb->nparams && !d->rerun[i]; p++)
			d->rerun[i] = uses_param(nb, a, c->end, nb->params[p].name);
	}
}

struct dashboard *
dash_load(const char *path, struct wb_error *err)
{
	struct notebook *nb = nb_load(path, err);
	if (nb == NULL)
		return NULL;
	struct dashboard *d = xcalloc(1, sizeof *d);
	d->nb = nb;
	int layout_line = 0;
	for (int n = 1; n < nb->header_end; n++) {
		const char *v;
		int len;
		if ((v = header_key(nb, n, "dashboard", &len)) != NULL) {
			free(d->title);
			d->title = len > 0 ? xstrndup(v, (size_t)len) : NULL;
		} else if ((v = header_key(nb, n, "refresh", &len)) != NULL) {
			char *t = xstrndup(v, (size_t)len);
			bool ok = dt_parse_duration(t, &d->refresh_ms) && d->refresh_ms >= 1000;
			if (!ok) {
				fail_line(err, d, n, "a duration of at least a second: -- refresh: 30s (or 500ms, 5m, 1h)",
				    "bad refresh '%s'", t);
				free(t);
				goto fail;
			}
			free(t);
		} else if ((v = header_key(nb, n, "layout", &len)) != NULL) {
			if (len > 0) {
				fail_line(err, d, n, LAYOUT_HINT, "the layout goes below '-- layout:'");
				goto fail;
			}
			if (layout_line) {
				fail_line(err, d, n, "one layout per dashboard", "a second layout");
				goto fail;
			}
			layout_line = n;
			int end;
			if (parse_layout(d, n, &end, err) < 0)
				goto fail;
			n = end - 1;
		}
	}
	if (d->title == NULL) {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t bl = strlen(base);
		if (bl > 3 && strcmp(base + bl - 3, ".wb") == 0)
			bl -= 3;
		d->title = xstrndup(base, bl);
	}
	if (!layout_line && default_layout(d, err) < 0)
		goto fail;
	mark_reruns(d);
	return d;
fail:
	dash_free(d);
	return NULL;
}

void
dash_free(struct dashboard *d)
{
	if (d == NULL)
		return;
	for (int t = 0; t < d->ntiles; t++)
		free(d->tiles[t].title);
	free(d->tiles);
	free(d->weight);
	free(d->rerun);
	free(d->title);
	nb_free(d->nb);
	free(d);
}

int
dash_find_tile(const struct dashboard *d, const char *name, struct wb_error *err)
{
	char *end;
	long k = strtol(name, &end, 10);
	if (*end == '\0' && k >= 1 && k <= d->ntiles)
		return (int)k - 1;
	for (int t = 0; t < d->ntiles; t++) {
		const char *cn = d->nb->cells[d->tiles[t].cell].name;
		if (cn && strcmp(cn, name) == 0)
			return t;
	}
	struct strbuf h = STRBUF_INIT;
	for (int t = 0; t < d->ntiles; t++) {
		const char *cn = d->nb->cells[d->tiles[t].cell].name;
		if (cn)
			sb_printf(&h, "%s%s", h.len ? ", " : "tiles: ", cn);
	}
	err_set(err, -1, "no tile '%s' (a number from 1 to %d, or a cell's name)", name, d->ntiles);
	if (h.len)
		err_hint(err, "%s", sb_str(&h));
	sb_free(&h);
	return -1;
}

/*
 * tui_edit: the SQL editor - multi-line text with a cursor, history,
 * highlighting and completion.
 *
 * Enter behaves as the REPL's prompt does: when the cursor is at the end
 * and the text ends with a statement's ';' (outside strings and comments,
 * lex_complete_statement), or the text is one dot-command line, the text
 * runs and the editor clears (Up brings it back); otherwise Enter breaks
 * the line, keeping its indentation. F5 runs the text and keeps it.
 * Pasted text (bracketed paste, tui_term.c) is not typed: it goes in at
 * the cursor in one insertion, line breaks as line breaks, tabs as spaces,
 * so that pasting a script runs nothing.
 *
 * Highlighting comes from the SQL lexer (lex_all) and the keyword table,
 * plus the leading words of extension statements (SUMMARIZE, OPTIMIZE);
 * comments are what lies between tokens. Completion is the REPL's
 * (cli/complete.h), so both know the same keywords, tables, columns,
 * functions, files and dot-commands; it reads the catalog, so it waits
 * while a statement runs.
 *
 * History: one entry per run text, kept in a file (one entry per line,
 * "\n" and "\\" escaped), the last 1,000 entries.
 */
#include "ui/tui_int.h"
#include "cli/complete.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HISTORY_MAX 1000
#define MENU_ROWS 8

struct tui_editor {
	struct strbuf text;
	size_t cur;              /* byte offset of the cursor */
	int top;                 /* first line shown */
	int left;                /* first column shown */
	int goal;                /* column Up/Down aim for (-1: the cursor's) */
	char **hist;
	int nhist;
	size_t hcap;
	int hpos;                /* == nhist: the draft */
	char *draft;
	char *hist_path;
	/* completion menu */
	char **cands;
	int ncands;
	int csel;
	size_t cstart;           /* where the completed word starts */
	bool menu;
	/* where the cursor was drawn */
	int cy, cx;
	struct tui_rect r;
};

/* ------------------------------------------------------------ history file */

static void
hist_add(struct tui_editor *ed, const char *text)
{
	if (ed->nhist > 0 && strcmp(ed->hist[ed->nhist - 1], text) == 0)
		return;
	if (ed->nhist >= HISTORY_MAX) {
		free(ed->hist[0]);
		memmove(ed->hist, ed->hist + 1, sizeof *ed->hist * (size_t)(ed->nhist - 1));
		ed->nhist--;
	}
	ed->hist = xgrow(ed->hist, &ed->hcap, (size_t)ed->nhist + 1, sizeof *ed->hist);
	ed->hist[ed->nhist++] = xstrdup(text);
}

static void
hist_load(struct tui_editor *ed)
{
	if (ed->hist_path == NULL)
		return;
	FILE *f = fopen(ed->hist_path, "r");
	if (f == NULL)
		return;
	struct strbuf all = STRBUF_INIT;
	sb_read_stream(&all, f);
	fclose(f);
	const char *p = sb_str(&all);
	struct strbuf e = STRBUF_INIT;
	while (*p) {
		sb_clear(&e);
		while (*p && *p != '\n') {
			if (*p == '\\' && p[1] == 'n') {
				sb_putc(&e, '\n');
				p += 2;
			} else if (*p == '\\' && p[1] == '\\') {
				sb_putc(&e, '\\');
				p += 2;
			} else {
				sb_putc(&e, *p++);
			}
		}
		if (*p == '\n')
			p++;
		if (e.len > 0)
			hist_add(ed, sb_str(&e));
	}
	sb_free(&e);
	sb_free(&all);
}

void
tui_editor_save_history(struct tui_editor *ed)
{
	if (ed->hist_path == NULL || ed->nhist == 0)
		return;
	char *tmp = xasprintf("%s.tmp", ed->hist_path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		free(tmp);
		return;
	}
	for (int i = 0; i < ed->nhist; i++) {
		for (const char *p = ed->hist[i]; *p; p++) {
			if (*p == '\n')
				fputs("\\n", f);
			else if (*p == '\\')
				fputs("\\\\", f);
			else
				fputc(*p, f);
		}
		fputc('\n', f);
	}
	/* a history half-written is worse than the old one */
	if (fclose(f) == 0)
		rename(tmp, ed->hist_path);
	else
		remove(tmp);
	free(tmp);
}

struct tui_editor *
tui_editor_new(const char *history_path)
{
	struct tui_editor *ed = xcalloc(1, sizeof *ed);
	sb_puts(&ed->text, "");
	ed->goal = -1;
	ed->hist_path = history_path ? xstrdup(history_path) : NULL;
	hist_load(ed);
	ed->hpos = ed->nhist;
	return ed;
}

static void
menu_close(struct tui_editor *ed)
{
	complete_free(ed->ncands, ed->cands);
	ed->cands = NULL;
	ed->ncands = 0;
	ed->menu = false;
}

void
tui_editor_free(struct tui_editor *ed)
{
	if (ed == NULL)
		return;
	menu_close(ed);
	for (int i = 0; i < ed->nhist; i++)
		free(ed->hist[i]);
	free(ed->hist);
	free(ed->draft);
	free(ed->hist_path);
	sb_free(&ed->text);
	free(ed);
}

const char *
tui_editor_text(struct tui_editor *ed)
{
	return sb_str(&ed->text);
}

void
tui_editor_set_text(struct tui_editor *ed, const char *text)
{
	sb_clear(&ed->text);
	sb_puts(&ed->text, text);
	ed->cur = ed->text.len;
	ed->goal = -1;
	ed->left = 0;
	menu_close(ed);
}

void
tui_editor_remember(struct tui_editor *ed, const char *text)
{
	size_t n = strlen(text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		n--;
	size_t b = 0;
	while (b < n && isspace((unsigned char)text[b]))
		b++;
	if (b == n)
		return;
	char *t = xstrndup(text + b, n - b);
	hist_add(ed, t);
	free(t);
	ed->hpos = ed->nhist;
	free(ed->draft);
	ed->draft = NULL;
}

bool
tui_editor_menu_open(struct tui_editor *ed)
{
	return ed->menu;
}

/* ------------------------------------------------------------ editing */

static size_t
line_start(const struct tui_editor *ed, size_t at)
{
	const char *s = sb_str((struct strbuf *)&ed->text);
	while (at > 0 && s[at - 1] != '\n')
		at--;
	return at;
}

static size_t
line_end(const struct tui_editor *ed, size_t at)
{
	const char *s = sb_str((struct strbuf *)&ed->text);
	while (at < ed->text.len && s[at] != '\n')
		at++;
	return at;
}

static int
line_of(const struct tui_editor *ed, size_t at)
{
	int n = 0;
	for (size_t i = 0; i < at; i++)
		n += ed->text.s[i] == '\n';
	return n;
}

static int
nlines(const struct tui_editor *ed)
{
	return line_of(ed, ed->text.len) + 1;
}

static void
insert(struct tui_editor *ed, const char *s, size_t n)
{
	char *tail = xstrdup(sb_str(&ed->text) + ed->cur);
	ed->text.len = ed->cur;
	sb_add(&ed->text, s, n);
	sb_puts(&ed->text, tail);
	free(tail);
	ed->cur += n;
	ed->goal = -1;
}

static void
delete_range(struct tui_editor *ed, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(ed->text.s + from, ed->text.s + to, ed->text.len - to + 1);
	ed->text.len -= to - from;
	if (ed->cur > to)
		ed->cur -= to - from;
	else if (ed->cur > from)
		ed->cur = from;
	ed->goal = -1;
}

void
tui_editor_insert(struct tui_editor *ed, const char *text)
{
	insert(ed, text, strlen(text));
}

void
tui_editor_paste(struct tui_editor *ed, const char *text, size_t n)
{
	menu_close(ed);
	/* columns as the text will stand: from the cursor's on the first line */
	size_t ls = line_start(ed, ed->cur);
	int col = tui_width(ed->text.s + ls, ed->cur - ls);
	struct strbuf t = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (c == '\t') {
			int k = 8 - col % 8;
			for (int j = 0; j < k; j++)
				sb_putc(&t, ' ');
			col += k;
			continue;
		}
		sb_putc(&t, c);
		if (c == '\n')
			col = 0;
		else if (((unsigned char)c & 0xc0) != 0x80)
			col++;
	}
	insert(ed, sb_str(&t), t.len);
	sb_free(&t);
}

static size_t
prev_char(const struct tui_editor *ed, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)ed->text.s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static size_t
next_char(const struct tui_editor *ed, size_t at)
{
	if (at >= ed->text.len)
		return ed->text.len;
	at++;
	while (at < ed->text.len && ((unsigned char)ed->text.s[at] & 0xc0) == 0x80)
		at++;
	return at;
}

/* Move to line `line` at display column goal. */
static void
goto_line(struct tui_editor *ed, int line, int goal)
{
	size_t at = 0;
	for (int l = 0; l < line && at < ed->text.len; at++)
		if (ed->text.s[at] == '\n')
			l++;
	size_t end = line_end(ed, at);
	size_t k = tui_fit(ed->text.s + at, end - at, goal);
	ed->cur = at + k;
}

static int
cursor_col(const struct tui_editor *ed)
{
	size_t ls = line_start(ed, ed->cur);
	return tui_width(ed->text.s + ls, ed->cur - ls);
}

static void
history_move(struct tui_editor *ed, struct tui_app *app, int dir)
{
	if (dir < 0) {
		if (ed->hpos == 0) {
			tui_status(app, false, ed->nhist ? "The oldest entry of the history" : "The history is empty");
			return;
		}
		if (ed->hpos == ed->nhist) {
			free(ed->draft);
			ed->draft = xstrdup(sb_str(&ed->text));
		}
		ed->hpos--;
		tui_editor_set_text(ed, ed->hist[ed->hpos]);
	} else {
		if (ed->hpos >= ed->nhist)
			return;
		ed->hpos++;
		tui_editor_set_text(ed, ed->hpos == ed->nhist ? (ed->draft ? ed->draft : "") : ed->hist[ed->hpos]);
	}
}

/* Does Enter run the text? (the REPL's rule) */
static bool
enter_runs(const struct tui_editor *ed)
{
	const char *s = ed->text.s ? ed->text.s : "";
	for (size_t i = ed->cur; i < ed->text.len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	size_t b = 0;
	while (b < ed->text.len && isspace((unsigned char)s[b]))
		b++;
	if (b == ed->text.len)
		return false;
	if (s[b] == '.') {
		/* one dot-command line */
		size_t e = ed->text.len;
		while (e > b && isspace((unsigned char)s[e - 1]))
			e--;
		return memchr(s + b, '\n', e - b) == NULL;
	}
	return lex_complete_statement(s, (int)ed->text.len);
}

/* ------------------------------------------------------------ completion */

static void
replace_word(struct tui_editor *ed, const char *word, bool space)
{
	delete_range(ed, ed->cstart, ed->cur);
	ed->cur = ed->cstart;
	insert(ed, word, strlen(word));
	size_t n = strlen(word);
	if (space && n > 0 && word[n - 1] != '/' && word[n - 1] != '.')
		insert(ed, " ", 1);
}

static bool
in_quotes(const struct tui_editor *ed)
{
	int q = 0;
	for (size_t i = 0; i < ed->cur; i++)
		q += ed->text.s[i] == '\'';
	return q % 2 == 1;
}

static void
complete(struct tui_editor *ed, struct tui_app *app)
{
	/* completion reads the catalog, which a running statement may change:
	 * a catalog refresh is short, wait for it; a statement, not */
	if (tui_job_busy(app) && app->job->quiet)
		tui_job_wait(app, 2000);
	if (tui_job_busy(app)) {
		tui_status(app, false, "Completion reads the catalog: it waits for the running statement (Ctrl-C cancels it)");
		return;
	}
	const char *s = sb_str(&ed->text);
	if (ed->cur == 0 || isspace((unsigned char)s[ed->cur - 1])) {
		insert(ed, "  ", 2);
		return;
	}
	/* a dot-command is completed as the line it is on */
	size_t ls = line_start(ed, ed->cur);
	size_t b = ls;
	while (b < ed->cur && (s[b] == ' ' || s[b] == '\t'))
		b++;
	size_t base = s[b] == '.' ? ls : 0;
	char *line = xstrndup(s + base, ed->cur - base);
	menu_close(ed);
	int start;
	ed->ncands = complete_candidates(app->s, line, (int)(ed->cur - base), &start, &ed->cands);
	free(line);
	ed->cstart = base + (size_t)start;
	size_t typed = ed->cur - ed->cstart;
	bool quoted = in_quotes(ed);
	if (ed->ncands == 0) {
		tui_status(app, false, "No completions");
		menu_close(ed);
		return;
	}
	if (ed->ncands == 1) {
		replace_word(ed, ed->cands[0], !quoted);
		menu_close(ed);
		return;
	}
	/* the longest common prefix, then a menu */
	size_t common = strlen(ed->cands[0]);
	for (int i = 1; i < ed->ncands; i++) {
		size_t k = 0;
		while (k < common && ed->cands[i][k] && ed->cands[i][k] == ed->cands[0][k])
			k++;
		common = k;
	}
	if (common > typed) {
		char *pre = xstrndup(ed->cands[0], common);
		replace_word(ed, pre, false);
		free(pre);
	}
	ed->menu = true;
	ed->csel = 0;
	tui_status(app, false, "%d completions (Tab and arrows choose, Enter takes, Esc closes)", ed->ncands);
}

/* ------------------------------------------------------------ keys */

int
tui_editor_key(struct tui_editor *ed, struct tui_app *app, int key, enum tui_action a)
{
	if (ed->menu) {
		switch (a) {
		case TUI_A_MENU_NEXT: ed->csel = (ed->csel + 1) % ed->ncands; return 1;
		case TUI_A_MENU_PREV: ed->csel = (ed->csel + ed->ncands - 1) % ed->ncands; return 1;
		case TUI_A_MENU_ACCEPT:
			replace_word(ed, ed->cands[ed->csel], !in_quotes(ed));
			menu_close(ed);
			return 1;
		case TUI_A_MENU_CLOSE: menu_close(ed); return 1;
		default:
			if (a >= TUI_A_MENU_NEXT && a <= TUI_A_MENU_CLOSE)
				return 1;
			/* any other key: the menu goes, the key does what it does */
			menu_close(ed);
			return 0;
		}
	}
	int line = line_of(ed, ed->cur);
	switch (a) {
	case TUI_A_NONE: {
		char buf[4];
		int n = utf8_encode((uint32_t)key, buf);
		if (n > 0)
			insert(ed, buf, (size_t)n);
		break;
	}
	case TUI_A_ENTER:
		if (enter_runs(ed)) {
			char *text = xstrdup(sb_str(&ed->text));
			tui_editor_set_text(ed, "");
			tui_run_sql_job(app, text, false, true);
			free(text);
			break;
		}
		{
			/* keep the line's indentation */
			size_t ls = line_start(ed, ed->cur), e = ls;
			while (e < ed->cur && (ed->text.s[e] == ' ' || ed->text.s[e] == '\t'))
				e++;
			char *ind = xstrndup(ed->text.s + ls, e - ls);
			insert(ed, "\n", 1);
			insert(ed, ind, strlen(ind));
			free(ind);
		}
		break;
	case TUI_A_COMPLETE: complete(ed, app); break;
	case TUI_A_HIST_PREV: history_move(ed, app, -1); break;
	case TUI_A_HIST_NEXT: history_move(ed, app, 1); break;
	case TUI_A_CHAR_LEFT: ed->cur = prev_char(ed, ed->cur); ed->goal = -1; break;
	case TUI_A_CHAR_RIGHT: ed->cur = next_char(ed, ed->cur); ed->goal = -1; break;
	case TUI_A_LINE_UP:
		if (line == 0) {
			history_move(ed, app, -1);
			break;
		}
		if (ed->goal < 0)
			ed->goal = cursor_col(ed);
		goto_line(ed, line - 1, ed->goal);
		break;
	case TUI_A_LINE_DOWN:
		if (line == nlines(ed) - 1) {
			history_move(ed, app, 1);
			break;
		}
		if (ed->goal < 0)
			ed->goal = cursor_col(ed);
		goto_line(ed, line + 1, ed->goal);
		break;
	case TUI_A_LINE_START: ed->cur = line_start(ed, ed->cur); ed->goal = -1; break;
	case TUI_A_LINE_END: ed->cur = line_end(ed, ed->cur); ed->goal = -1; break;
	case TUI_A_BACKSPACE: delete_range(ed, prev_char(ed, ed->cur), ed->cur); break;
	case TUI_A_DELETE: delete_range(ed, ed->cur, next_char(ed, ed->cur)); break;
	case TUI_A_KILL_EOL: {
		size_t e = line_end(ed, ed->cur);
		delete_range(ed, ed->cur, e == ed->cur ? next_char(ed, e) : e);
		break;
	}
	case TUI_A_KILL_BOL: delete_range(ed, line_start(ed, ed->cur), ed->cur); break;
	case TUI_A_KILL_WORD: {
		size_t b = ed->cur;
		while (b > 0 && isspace((unsigned char)ed->text.s[b - 1]))
			b--;
		while (b > 0 && !isspace((unsigned char)ed->text.s[b - 1]))
			b--;
		delete_range(ed, b, ed->cur);
		break;
	}
	default:
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ drawing */

/* Columns of the line-number gutter: the widest number and a space (at
 * least 3: a pasted script can have thousands of lines). */
static int
gutter(int total)
{
	int digits = 1;
	for (int n = total; n >= 10; n /= 10)
		digits++;
	return digits < 2 ? 3 : digits + 1;
}

#define COVERED 0x80             /* a byte of a token (not a gap between tokens) */

struct hl {
	unsigned char *st;       /* a style per byte */
	const char *src;
	size_t len;
	size_t end;              /* end of the last token */
};

static bool
ext_word(const struct token *t)
{
	for (int i = 0; i < parse_ext_count(); i++) {
		const char *w = parse_ext_at(i)->word;
		if ((int)strlen(w) == t->len && strncasecmp(w, t->text, (size_t)t->len) == 0)
			return true;
	}
	return false;
}

static void
hl_token(void *arg, const struct token *t)
{
	struct hl *h = arg;
	size_t from = (size_t)t->pos;
	size_t to = (size_t)(t->text - h->src) + (size_t)t->len;
	enum tui_style st = TUI_ST_NORMAL;
	switch (t->type) {
	case TOK_IDENT: st = t->kw != KW_NONE_ || ext_word(t) ? TUI_ST_KEYWORD : TUI_ST_NORMAL; break;
	case TOK_STRING: st = TUI_ST_STRING; to++; break;
	case TOK_QIDENT: to++; break;
	case TOK_INTEGER:
	case TOK_FLOAT: st = TUI_ST_NUMBER; break;
	case TOK_PARAM: st = TUI_ST_PARAM; break;
	default: break;
	}
	if (to > h->len)
		to = h->len;
	for (size_t i = from; i < to; i++)
		h->st[i] = (unsigned char)(st | COVERED);
	if (to > h->end)
		h->end = to;
}

/* Styles for every byte of the text: tokens from the lexer, comments in
 * the gaps between them, and whatever a lexical error left (an open
 * string or comment) styled by how it starts. */
static unsigned char *
highlight(const char *s, size_t n)
{
	struct hl h = {xcalloc(n + 1, 1), s, n, 0};
	lex_all(s, (int)n, hl_token, &h);
	for (size_t i = 0; i < n; i++) {
		if (h.st[i] & COVERED)
			continue;
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				h.st[i++] = TUI_ST_COMMENT;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t e = i + 2;
			while (e + 1 < n && !(s[e] == '*' && s[e + 1] == '/'))
				e++;
			e = e + 2 <= n ? e + 2 : n;
			for (; i < e; i++)
				h.st[i] = TUI_ST_COMMENT;
			i--;
		} else if (s[i] == '\'' && i >= h.end) {
			/* an unterminated string: to the end */
			for (; i < n; i++)
				h.st[i] = TUI_ST_STRING;
		}
	}
	for (size_t i = 0; i < n; i++)
		h.st[i] &= (unsigned char)~COVERED;
	return h.st;
}

void
tui_editor_draw(struct tui_editor *ed, struct tui_app *app, struct tui_rect r, bool focused)
{
	ed->r = r;
	tui_box(r, "SQL", focused);
	int h = r.h - 2, w = r.w - 2;
	if (h < 1 || w < 6)
		return;
	int line = line_of(ed, ed->cur);
	int total = nlines(ed);
	if (line < ed->top)
		ed->top = line;
	if (line >= ed->top + h)
		ed->top = line - h + 1;
	if (ed->top > total - 1)
		ed->top = total - 1;
	if (ed->top < 0)
		ed->top = 0;
	int gut = gutter(total);
	int tw = w - gut - 1;
	int col = cursor_col(ed);
	if (col < ed->left)
		ed->left = col;
	if (col >= ed->left + tw)
		ed->left = col - tw + 1;
	const char *s = sb_str(&ed->text);
	unsigned char *st = highlight(s, ed->text.len);
	size_t at = 0;
	for (int l = 0; l < ed->top; l++)
		at = line_end(ed, at) + 1;
	for (int i = 0; i < h && ed->top + i < total; i++) {
		int y = r.y + 1 + i;
		char num[16];
		int nw = snprintf(num, sizeof num, "%d", ed->top + i + 1);
		tui_puts(y, r.x + 1 + (gut - 1 - nw), gut, num, tui_attr(TUI_ST_DIM));   /* right-aligned */
		size_t e = line_end(ed, at);
		/* skip ed->left columns, then draw style runs */
		size_t p = at + tui_fit(s + at, e - at, ed->left);
		int x = r.x + 1 + gut + 1, room = tw;
		while (p < e && room > 0) {
			size_t q = p;
			while (q < e && st[q] == st[p])
				q++;
			int dw = tui_put(y, x, room, s + p, q - p, tui_attr((enum tui_style)st[p]));
			x += dw;
			room -= dw;
			if (tui_fit(s + p, q - p, dw) < q - p)
				break;
			p = q;
		}
		at = e + 1;
	}
	free(st);
	if (ed->text.len == 0 && !focused)
		tui_puts(r.y + 1, r.x + 1 + gut + 1, tw, "(F3 to type SQL)", tui_attr(TUI_ST_DIM));
	ed->cy = r.y + 1 + (line - ed->top);
	ed->cx = r.x + 1 + gut + 1 + (col - ed->left);
	/* where the cursor is, on the bottom border */
	char pos[48];
	int pn = snprintf(pos, sizeof pos, " %d:%d ", line + 1, col + 1);
	if (pn < r.w - 4)
		tui_puts(r.y + r.h - 1, r.x + r.w - 1 - pn, pn, pos, tui_attr(focused ? TUI_ST_BORDER_FOCUS : TUI_ST_BORDER));
}

void
tui_editor_draw_menu(struct tui_editor *ed, struct tui_app *app)
{
	if (!ed->menu || ed->ncands == 0)
		return;
	int rows = ed->ncands < MENU_ROWS ? ed->ncands : MENU_ROWS;
	int w = 8;
	for (int i = 0; i < ed->ncands; i++) {
		int cw = tui_width(ed->cands[i], strlen(ed->cands[i]));
		if (cw > w)
			w = cw;
	}
	w += 2;
	if (w > app->cols - 2)
		w = app->cols - 2;
	int y = ed->cy + 1, x = ed->cx - (int)(ed->cur - ed->cstart);
	if (y + rows > app->rows - 1)
		y = ed->cy - rows;
	if (x + w > app->cols)
		x = app->cols - w;
	if (x < 0)
		x = 0;
	int first = ed->csel >= rows ? ed->csel - rows + 1 : 0;
	for (int i = 0; i < rows; i++) {
		int k = first + i;
		attr_t a = k == ed->csel ? tui_attr(TUI_ST_CURSOR_FOCUS) : tui_attr(TUI_ST_STATUS);
		tui_fill(y + i, x, w, a);
		tui_puts(y + i, x + 1, w - 2, ed->cands[k], a);
	}
}

void
tui_editor_cursor(struct tui_editor *ed, int *y, int *x)
{
	*y = ed->cy;
	*x = ed->cx;
	if (ed->cx >= ed->r.x + ed->r.w - 1)
		*x = ed->r.x + ed->r.w - 2;
}

void
tui_editor_click(struct tui_editor *ed, int y, int x)
{
	int h = ed->r.h - 2;
	int line = ed->top + (y - (ed->r.y + 1));
	if (y < ed->r.y + 1 || y >= ed->r.y + 1 + h || line >= nlines(ed))
		return;
	int gut = gutter(nlines(ed));
	int col = x - (ed->r.x + 1 + gut + 1) + ed->left;
	goto_line(ed, line, col < 0 ? 0 : col);
	ed->goal = -1;
	menu_close(ed);
}

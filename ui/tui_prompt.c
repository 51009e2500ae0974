/*
 * tui_prompt: a one-line input on the status line (the search's "/").
 * Enter hands the text to the prompt's accept function, Esc drops it;
 * Left, Right, Home, End, Backspace, Del and C-u edit it. A paste goes in
 * at the cursor, its line breaks dropped (the prompt is one line).
 */
#include "ui/tui_int.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

void
tui_prompt_open(struct tui_app *app, const char *label, tui_prompt_fn accept, void *arg)
{
	struct tui_prompt *p = &app->prompt;
	p->active = true;
	snprintf(p->label, sizeof p->label, "%s", label);
	sb_clear(&p->text);
	sb_puts(&p->text, "");
	p->cur = 0;
	p->accept = accept;
	p->arg = arg;
}

bool
tui_prompt_active(struct tui_app *app)
{
	return app->prompt.active;
}

/* Bytes of the character before / at byte offset i. */
static size_t
prev_len(const char *s, size_t i)
{
	size_t k = i;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	return k > 0 ? i - (k - 1) : 0;
}

static size_t
next_len(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	size_t k = i + 1;
	while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
		k++;
	return k - i;
}

int
tui_prompt_key(struct tui_app *app, int key, enum tui_action a)
{
	struct tui_prompt *p = &app->prompt;
	const char *s = sb_str(&p->text);
	if (a == TUI_A_PROMPT_ACCEPT) {
		char *text = xstrdup(s);
		p->active = false;
		p->accept(app, text, p->arg);
		free(text);
		return 1;
	}
	if (a == TUI_A_PROMPT_CANCEL) {
		p->active = false;
		return 1;
	}
	if (key == TUI_BACKSPACE) {
		size_t k = prev_len(s, p->cur);
		memmove(p->text.s + p->cur - k, p->text.s + p->cur, p->text.len - p->cur + 1);
		p->text.len -= k;
		p->cur -= k;
	} else if (key == TK(KEY_DC)) {
		size_t k = next_len(s, p->text.len, p->cur);
		memmove(p->text.s + p->cur, p->text.s + p->cur + k, p->text.len - p->cur - k + 1);
		p->text.len -= k;
	} else if (key == TK(KEY_LEFT)) {
		p->cur -= prev_len(s, p->cur);
	} else if (key == TK(KEY_RIGHT)) {
		p->cur += next_len(s, p->text.len, p->cur);
	} else if (key == TK(KEY_HOME) || key == TUI_CTRL('a')) {
		p->cur = 0;
	} else if (key == TK(KEY_END) || key == TUI_CTRL('e')) {
		p->cur = p->text.len;
	} else if (key == TUI_CTRL('u')) {
		sb_clear(&p->text);
		sb_puts(&p->text, "");
		p->cur = 0;
	} else if (!(key & TUI_KEY_FN) && key >= 32 && key != 127) {
		char buf[4];
		int n = utf8_encode((uint32_t)key, buf);
		if (n <= 0)
			return 1;
		char *tail = xstrdup(s + p->cur);
		p->text.len = p->cur;
		sb_add(&p->text, buf, (size_t)n);
		sb_puts(&p->text, tail);
		free(tail);
		p->cur += (size_t)n;
	}
	return 1;
}

void
tui_prompt_paste(struct tui_app *app, const char *text, size_t n)
{
	struct tui_prompt *p = &app->prompt;
	struct strbuf t = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			continue;
		sb_putc(&t, text[i] == '\t' ? ' ' : text[i]);
	}
	char *tail = xstrdup(sb_str(&p->text) + p->cur);
	p->text.len = p->cur;
	sb_add(&p->text, sb_str(&t), t.len);
	sb_puts(&p->text, tail);
	free(tail);
	p->cur += t.len;
	sb_free(&t);
}

void
tui_prompt_draw(struct tui_app *app, struct tui_rect r)
{
	struct tui_prompt *p = &app->prompt;
	attr_t a = tui_attr(TUI_ST_STATUS);
	tui_fill(r.y, r.x, r.w, A_NORMAL);
	int x = r.x + tui_puts(r.y, r.x, r.w, p->label, a | A_BOLD);
	const char *s = sb_str(&p->text);
	int before = tui_width(s, p->cur);
	/* keep the cursor on screen: scroll the text left */
	int room = r.w - (x - r.x) - 1;
	size_t skip = 0;
	if (before > room)
		skip = tui_fit(s, p->cur, before - room);
	while (skip < p->cur && tui_width(s + skip, p->cur - skip) > room)
		skip += next_len(s, p->text.len, skip);
	tui_put(r.y, x, room, s + skip, p->text.len - skip, A_NORMAL);
	move(r.y, x + tui_width(s + skip, p->cur - skip));
}

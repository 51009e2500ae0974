/*
 * tui_keys: the workbench's keyboard, from the one action table
 * (TUI_ACTIONS in tui_int.h): key lookup per scope, key names, the help
 * page and the KEYS section of wb-tui(1). Adding a row to the table is all
 * it takes for a key to work, be listed in the help and be documented.
 */
#include "ui/tui_int.h"
#include "core/strutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct binding {
	enum tui_action action;
	enum tui_scope scope;
	const char *help;
	int keys[3];
};

static const struct binding bindings[] = {
#define TUI_BINDING(id, sc, h, k1, k2, k3) {TUI_A_##id, TUI_SC_##sc, h, {k1, k2, k3}},
	TUI_ACTIONS(TUI_BINDING)
#undef TUI_BINDING
};

#define NBINDINGS (int)(sizeof bindings / sizeof bindings[0])

static const char *const scope_heading[] = {
#define TUI_SCOPE_HEAD(id, heading) heading,
	TUI_SCOPES(TUI_SCOPE_HEAD)
#undef TUI_SCOPE_HEAD
};

enum tui_action
tui_key_action(enum tui_scope scope, int key)
{
	if (key == 0)
		return TUI_A_NONE;
	for (int i = 0; i < NBINDINGS; i++) {
		if (bindings[i].scope != scope)
			continue;
		for (int k = 0; k < 3; k++)
			if (bindings[i].keys[k] == key)
				return bindings[i].action;
	}
	return TUI_A_NONE;
}

int
tui_key_from_curses(int ret, wint_t wc)
{
	if (ret == KEY_CODE_YES) {
		switch ((int)wc) {
		case KEY_ENTER: return TUI_ENTER;
		case KEY_BACKSPACE: return TUI_BACKSPACE;
		default: return TK((int)wc);
		}
	}
	switch ((int)wc) {
	case '\n': return TUI_ENTER;
	case 127:
	case 8: return TUI_BACKSPACE;
	default: return (int)wc;
	}
}

const char *
tui_key_label(int key, char *buf, size_t cap)
{
	if (key & TUI_KEY_FN) {
		int k = key & ~TUI_KEY_FN;
		const char *n = NULL;
		switch (k) {
		case KEY_UP: n = "Up"; break;
		case KEY_DOWN: n = "Down"; break;
		case KEY_LEFT: n = "Left"; break;
		case KEY_RIGHT: n = "Right"; break;
		case KEY_PPAGE: n = "PgUp"; break;
		case KEY_NPAGE: n = "PgDn"; break;
		case KEY_HOME: n = "Home"; break;
		case KEY_END: n = "End"; break;
		case KEY_DC: n = "Del"; break;
		case KEY_IC: n = "Ins"; break;
		case KEY_BACKSPACE: n = "Backspace"; break;
		case KEY_BTAB: n = "S-Tab"; break;
		default: break;
		}
		if (n != NULL)
			snprintf(buf, cap, "%s", n);
		else if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, cap, "F%d", k - KEY_F0);
		else if (k > KEY_F(12) && k <= KEY_F(24))
			snprintf(buf, cap, "S-F%d", k - KEY_F(12));
		else
			snprintf(buf, cap, "key %d", k);
		return buf;
	}
	switch (key) {
	case TUI_ENTER: snprintf(buf, cap, "Enter"); return buf;
	case TUI_TAB: snprintf(buf, cap, "Tab"); return buf;
	case TUI_ESC: snprintf(buf, cap, "Esc"); return buf;
	case ' ': snprintf(buf, cap, "Space"); return buf;
	default: break;
	}
	if (key < 32)
		snprintf(buf, cap, "C-%c", key + 'a' - 1);
	else if (key < 127)
		snprintf(buf, cap, "%c", key);
	else
		snprintf(buf, cap, "U+%04X", (unsigned)key);
	return buf;
}

/* "F5, C-r" */
static void
keys_of(const struct binding *b, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int k = 0; k < 3 && b->keys[k]; k++) {
		char one[32];
		tui_key_label(b->keys[k], one, sizeof one);
		n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", k ? ", " : "", one);
		if (n >= cap)
			break;
	}
}

/* Is the binding one a dashboard uses? Its own keys, the prompt's (a
 * filter's value), and the few global ones that mean something there. */
static bool
for_dashboard(const struct binding *b)
{
	switch (b->scope) {
	case TUI_SC_DASH:
	case TUI_SC_PROMPT:
		return true;
	case TUI_SC_GLOBAL:
		return b->action == TUI_A_QUIT || b->action == TUI_A_HELP || b->action == TUI_A_CANCEL ||
		    b->action == TUI_A_REDRAW;
	case TUI_SC_LIST:
		return b->action == TUI_A_CLOSE;
	default:
		return false;
	}
}

static bool
scope_shown(int sc, bool dashboard)
{
	for (int i = 0; i < NBINDINGS; i++)
		if ((int)bindings[i].scope == sc && (!dashboard || for_dashboard(&bindings[i])))
			return true;
	return false;
}

void
tui_keys_text(struct strbuf *out, bool dashboard)
{
	if (dashboard) {
		sb_puts(out, "# wb dashboard - keys\n");
		sb_puts(out, "A notebook's cells as tiles; its parameters are the filters. Runs go on a worker\n"
		    "thread: the screen stays live, Ctrl-C cancels.\n");
	} else {
		sb_puts(out, "# wb tui - keys\n");
		sb_puts(out, "Panes: the catalog (left), the SQL editor (top) and the results (below). Statements run\n"
		    "through the session on a worker thread: the screen stays live, Ctrl-C cancels.\n");
	}
	for (int sc = 0; sc < TUI_SC__COUNT; sc++) {
		if (!scope_shown(sc, dashboard))
			continue;
		sb_printf(out, "\n# %s\n", scope_heading[sc]);
		for (int i = 0; i < NBINDINGS; i++) {
			if ((int)bindings[i].scope != sc || (dashboard && !for_dashboard(&bindings[i])))
				continue;
			char keys[64];
			keys_of(&bindings[i], keys, sizeof keys);
			sb_printf(out, "  %-*s %s\n", TUI_HELP_INDENT - 3, keys, bindings[i].help);
		}
		if (sc == TUI_SC_EDIT)
			sb_puts(out, "  (other keys)     insert themselves\n");
	}
}

void
tui_write_man_keys(FILE *out, bool dashboard)
{
	fprintf(out, ".SH KEYS\n");
	fprintf(out, "Generated from the workbench's key table, as the help view (F1) is.\n"
	    "C\\-x is Control and x, S\\- is Shift.\n");
	for (int sc = 0; sc < TUI_SC__COUNT; sc++) {
		if (!scope_shown(sc, dashboard))
			continue;
		fprintf(out, ".SS ");
		str_write_roff(out, scope_heading[sc]);
		fputc('\n', out);
		for (int i = 0; i < NBINDINGS; i++) {
			if ((int)bindings[i].scope != sc || (dashboard && !for_dashboard(&bindings[i])))
				continue;
			char keys[64];
			keys_of(&bindings[i], keys, sizeof keys);
			fprintf(out, ".TP\n.B ");
			str_write_roff(out, keys);
			fputc('\n', out);
			char first[2] = {(char)toupper((unsigned char)bindings[i].help[0]), '\0'};
			str_write_roff(out, first);
			str_write_roff(out, bindings[i].help + 1);
			fputs(".\n", out);
		}
		if (sc == TUI_SC_EDIT)
			fputs(".TP\n.B (other keys)\nInsert themselves.\n", out);
	}
}

/*
 * tui_term: the terminal the workbench draws on.
 *
 * curses draws on a duplicate of the terminal's descriptor while
 * descriptors 1 and 2 point at an unlinked temporary file for as long as
 * the workbench runs, so that nothing a statement, a dot-command (.shell)
 * or a library prints can scribble over the screen; the workbench reads
 * that file into the run's log (tui_capture_drain). Both are restored on
 * the way out, and by an atexit handler when a statement ends the process.
 * Only LC_CTYPE follows the environment (number formatting must not change
 * with the locale); a locale that is not UTF-8 gets ASCII lines. A
 * terminal type that cannot address the cursor is refused.
 *
 * Bracketed paste is on while the workbench runs (and off again on every
 * way out): the terminal wraps pasted text in ESC [ 200 ~ ... ESC [ 201 ~,
 * so that the line breaks of a pasted script are not taken for Enter,
 * which runs a statement. The brackets are curses keys of their own
 * (define_key), and tui_term_read_paste reads what lies between them as
 * text. The sequences come from terminfo (BE, BD, PS, PE) where it has
 * them, else xterm's; terminals without the mode ignore the request.
 */
#include "ui/tui_int.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A statement that ends the process (exit() from deep inside) must not
 * leave the terminal raw and its last words in the capture file. */
static struct tui_term *live_term;
static struct tui_app *live_app;

/* A terminfo string capability, or fallback where the entry lacks it. */
static const char *
cap_or(const char *name, const char *fallback)
{
	char *s = tigetstr(name);
	return s != NULL && s != (char *)-1 && *s != '\0' ? s : fallback;
}

static void
paste_mode(struct tui_term *ts, bool on)
{
	fputs(on ? cap_or("BE", "\033[?2004h") : cap_or("BD", "\033[?2004l"), ts->tty_out);
	fflush(ts->tty_out);
}

static void
emergency_exit(void)
{
	if (live_term == NULL)
		return;
	struct strbuf rest = STRBUF_INIT;
	tui_capture_drain(live_app, &rest);
	tui_term_close(live_term, live_app);
	if (rest.len)
		fputs(sb_str(&rest), stderr);
	sb_free(&rest);
}

int
tui_term_open(struct tui_term *ts, struct tui_app *app, struct wb_error *err)
{
	memset(ts, 0, sizeof *ts);
	ts->saved_out = ts->saved_err = -1;
	const char *cur = setlocale(LC_CTYPE, NULL);
	ts->saved_ctype = xstrdup(cur ? cur : "C");
	setlocale(LC_CTYPE, "");
	app->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	fflush(stdout);
	fflush(stderr);
	int fd = dup(STDOUT_FILENO);
	ts->tty_out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (ts->tty_out == NULL) {
		err_set(err, -1, "cannot open the terminal for output: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		setlocale(LC_CTYPE, ts->saved_ctype);
		free(ts->saved_ctype);
		return -1;
	}
	const char *term = getenv("TERM");
	ts->screen = newterm(NULL, ts->tty_out, stdin);
	if (ts->screen == NULL) {
		err_set(err, -1, "cannot drive the terminal type '%s'", term ? term : "(TERM is not set)");
		err_hint(err, "set TERM to your terminal's type, e.g. TERM=xterm-256color");
		fclose(ts->tty_out);
		setlocale(LC_CTYPE, ts->saved_ctype);
		free(ts->saved_ctype);
		return -1;
	}
	set_term(ts->screen);
	char *cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		err_set(err, -1, "the terminal type '%s' cannot move the cursor", term ? term : "(TERM is not set)");
		err_hint(err, "set TERM to your terminal's type, e.g. TERM=xterm-256color");
		endwin();
		delscreen(ts->screen);
		fclose(ts->tty_out);
		setlocale(LC_CTYPE, ts->saved_ctype);
		free(ts->saved_ctype);
		return -1;
	}
	/* capture descriptors 1 and 2 */
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/wb-tui-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	app->capture_fd = mkstemp(path);
	if (app->capture_fd >= 0) {
		unlink(path);
		int fl = fcntl(app->capture_fd, F_GETFL);
		fcntl(app->capture_fd, F_SETFL, fl | O_APPEND);
		ts->saved_out = dup(STDOUT_FILENO);
		ts->saved_err = dup(STDERR_FILENO);
		dup2(app->capture_fd, STDOUT_FILENO);
		dup2(app->capture_fd, STDERR_FILENO);
	}
	free(path);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	define_key(cap_or("PS", "\033[200~"), TUI_CODE_PASTE_BEGIN);
	define_key(cap_or("PE", "\033[201~"), TUI_CODE_PASTE_END);
	paste_mode(ts, true);
	/* clicks and the wheel; Shift still selects text in most terminals */
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(0);
	tui_draw_init(app->utf8, getenv("NO_COLOR") == NULL);
	static bool registered;
	if (!registered && atexit(emergency_exit) == 0)
		registered = true;
	live_term = ts;
	live_app = app;
	return 0;
}

void
tui_term_close(struct tui_term *ts, struct tui_app *app)
{
	live_term = NULL;
	paste_mode(ts, false);
	curs_set(1);
	endwin();
	delscreen(ts->screen);
	fclose(ts->tty_out);
	fflush(stdout);
	fflush(stderr);
	if (ts->saved_out >= 0) {
		dup2(ts->saved_out, STDOUT_FILENO);
		close(ts->saved_out);
	}
	if (ts->saved_err >= 0) {
		dup2(ts->saved_err, STDERR_FILENO);
		close(ts->saved_err);
	}
	if (app->capture_fd >= 0)
		close(app->capture_fd);
	app->capture_fd = -1;
	setlocale(LC_CTYPE, ts->saved_ctype);
	free(ts->saved_ctype);
}

/* One character of a paste: line ends become \n (CR LF counts once),
 * other control characters go; *cr remembers a CR just seen. */
static void
paste_char(struct strbuf *out, uint32_t cp, bool *cr)
{
	bool was_cr = *cr;
	*cr = cp == '\r';
	if (cp == '\r' || (cp == '\n' && !was_cr)) {
		sb_putc(out, '\n');
		return;
	}
	if (cp == '\n' || (cp < 32 && cp != '\t') || cp == 127 || (cp >= 0x80 && cp < 0xa0))
		return;
	char buf[4];
	int n = utf8_encode(cp, buf);
	if (n > 0)
		sb_add(out, buf, (size_t)n);
}

int
tui_term_getch(struct tui_app *app, wint_t *wc)
{
	if (app->utf8)
		return get_wch(wc);
	/* a byte locale: bytes are Latin-1 characters (what the common 8-bit
	 * locales mean by them), keys are keys */
	int ch = getch();
	*wc = (wint_t)ch;
	return ch == ERR ? ERR : ch >= KEY_MIN ? KEY_CODE_YES : OK;
}

bool
tui_term_read_paste(struct tui_app *app, struct strbuf *out)
{
	bool cr = false, whole = true;
	/* the text follows the bracket at once; a second of silence means
	 * the closing bracket went missing */
	timeout(1000);
	for (;;) {
		wint_t wc;
		int ret = tui_term_getch(app, &wc);
		if (ret == ERR)
			return false;
		if (ret == KEY_CODE_YES) {
			if ((int)wc == TUI_CODE_PASTE_END)
				return whole;
			/* a key sequence inside the text (curses matched it): only
			 * Enter means something there */
			if ((int)wc != KEY_ENTER)
				continue;
			wc = '\r';
		}
		if (out->len >= TUI_PASTE_MAX) {
			whole = false;
			continue;
		}
		paste_char(out, (uint32_t)wc, &cr);
	}
}

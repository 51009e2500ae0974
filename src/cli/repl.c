#include "config.h"

#include "cli/repl.h"
#include "cli/complete.h"
#include "core/xmalloc.h"
#include "sql/lexer.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct session *repl_session;
static volatile sig_atomic_t in_readline;
static char **comp_list;
static int comp_n, comp_i;

static void
on_sigint(int sig)
{
	(void)sig;
	if (in_readline) {
		/* discard the line being edited and show a fresh prompt */
		write(STDOUT_FILENO, "^C\n", 3);
		rl_replace_line("", 0);
		rl_on_new_line();
		rl_redisplay();
	} else if (repl_session) {
		repl_session->cancel = 1;
	}
}

static char *
comp_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		comp_i = 0;
	if (comp_i < comp_n)
		return xstrdup(comp_list[comp_i++]);
	return NULL;
}

static char **
comp_attempt(const char *text, int start, int end)
{
	(void)end;
	int wstart;
	complete_free(comp_n, comp_list);
	comp_list = NULL;
	comp_n = complete_candidates(repl_session, rl_line_buffer, rl_point, &wstart, &comp_list);
	rl_attempted_completion_over = 1;
	/* readline replaces [start, point); our word may begin earlier
	 * (dotted names): offer candidates relative to readline's word */
	int skip = start - wstart;
	if (skip > 0) {
		for (int i = 0; i < comp_n; i++) {
			char *c = comp_list[i];
			if ((int)strlen(c) >= skip)
				memmove(c, c + skip, strlen(c + skip) + 1);
		}
	}
	if (comp_n == 0)
		return NULL;
	/* file names keep the quote open; directories must not get a space */
	if (comp_n == 1 && comp_list[0][strlen(comp_list[0]) - 1] == '/')
		rl_completion_append_character = '\0';
	else
		rl_completion_append_character = ' ';
	return rl_completion_matches(text, comp_generator);
}

static char *
history_path(void)
{
	const char *home = getenv("HOME");
	if (home == NULL)
		return NULL;
	return xasprintf("%s/.wb_history", home);
}

int
repl_run(struct session *s)
{
	repl_session = s;
	s->interactive = true;
	rl_readline_name = "wb";
	rl_attempted_completion_function = comp_attempt;
	rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(,";
	rl_completer_quote_characters = "";
	char *hist = history_path();
	if (hist)
		read_history(hist);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);

	printf("wb %s - the lakehouse in a terminal. .help for help, .quit to leave.\n", PACKAGE_VERSION);
	struct strbuf buf = STRBUF_INIT;
	int rc = 0;
	while (!s->quit) {
		in_readline = 1;
		char *line = readline(buf.len ? "   ...> " : "wb> ");
		in_readline = 0;
		if (line == NULL) {
			printf("\n");
			break;
		}
		if (buf.len == 0) {
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0') {
				free(line);
				continue;
			}
			if (*p == '.') {
				add_history(line);
				s->cancel = 0;
				session_exec_command(s, p);
				free(line);
				continue;
			}
		}
		if (buf.len)
			sb_putc(&buf, '\n');
		sb_puts(&buf, line);
		free(line);
		if (!lex_complete_statement(buf.s, (int)buf.len))
			continue;
		add_history(buf.s);
		if (session_run(s, buf.s, NULL, 1) < 0)
			rc = 1;
		sb_clear(&buf);
	}
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 5000);
		free(hist);
	}
	sb_free(&buf);
	complete_free(comp_n, comp_list);
	comp_list = NULL;
	comp_n = 0;
	return rc;
}

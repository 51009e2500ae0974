/*
 * tui: the full-screen workbench (`wb tui`, `.tui` in the REPL).
 *
 * A front end like the REPL: the catalog tree, a SQL editor (history,
 * highlighting from the lexer, completion from cli/complete.h) and a
 * result grid with frequency, describe, plan, history and leaderboard
 * views. Everything it runs goes through the session (session_run with
 * an override sink that stores results for the grid), on a worker thread
 * so that the screen stays live and Ctrl-C cancels. The keys are one table
 * (ui/tui_int.h, TUI_ACTIONS) that the help view and wb-tui(1) are made
 * from. See man/wb-tui.1.
 */
#ifndef WB_UI_TUI_H
#define WB_UI_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/session.h"
#include "core/error.h"

struct dash_args;

struct tui_options {
	int64_t max_rows;     /* rows kept per result (0: the default, 1,000,000) */
	int64_t max_bytes;    /* bytes kept per result (0: the default, 512 MiB) */
	const char *history;  /* history file (NULL: ~/.wb_tui_history) */
	const char *const *run; /* statements to run at start (NULL-terminated), or NULL */
	/* wb dashboard: the dashboard alone, over the whole screen; leaving it
	 * leaves the workbench (ui/dash.h) */
	const struct dash_args *dashboard;
};

/* Run the workbench on s until the user leaves. Standard input and output
 * must be a terminal (else -1 with err set, nothing drawn). Statements'
 * text output and errors are shown in the workbench, not on the terminal.
 * Returns 0, or -1 with err set. */
int tui_run(struct session *s, const struct tui_options *o, struct wb_error *err);

/* `wb tui [OPTIONS]`: argv[0] is "tui". Returns the exit status. */
int tui_main(int argc, char **argv);

/* The KEYS section of wb-tui(1) (dashboard: of wb-dashboard(1), the keys
 * a dashboard uses) in roff, from the key table. */
void tui_write_man_keys(FILE *out, bool dashboard);

#endif

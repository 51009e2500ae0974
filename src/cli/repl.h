/*
 * repl: the interactive loop on a terminal (GNU readline): history in
 * ~/.wb_history, multi-line statements ending in ';', dot-commands, tab
 * completion via complete.h, Ctrl-C cancels a running statement or clears
 * the line being typed.
 */
#ifndef WB_CLI_REPL_H
#define WB_CLI_REPL_H

#include "cli/session.h"

int repl_run(struct session *s);

#endif

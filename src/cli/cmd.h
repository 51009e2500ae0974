/*
 * cmd: dot-commands, declared once in a table (after tmux's cmd_table).
 *
 * From the table come dispatch (exact name, alias, or unique prefix, with
 * "ambiguous: .ma could be .maxrows, .maxwidth"), usage errors, `.help`,
 * tab completion (the `complete` kinds of each argument) and the COMMANDS
 * section of man/wb.1, which `wb --man-commands` prints and a test keeps in
 * sync.
 */
#ifndef WB_CLI_CMD_H
#define WB_CLI_CMD_H

#include <stdio.h>

#include "cli/session.h"
#include "core/error.h"

struct cmd {
	const char *name;       /* without the leading dot */
	const char *aliases;    /* space-separated, or NULL */
	const char *args;       /* usage of the arguments, e.g. "[MODE]" */
	int minargs;
	int maxargs;            /* -1: any number */
	const char *summary;    /* one line */
	const char *help;       /* paragraph(s) for .help NAME and the man page */
	/* completion kind per argument position, space-separated:
	 * mode, table, file, command, param, onoff, function; "-" none */
	const char *complete;
	const char *example;    /* an example invocation, or NULL */
	int (*exec)(struct session *s, int argc, char **argv, struct wb_error *err);
};

/* Run one dot-command line (with the leading '.'). */
int cmd_run(struct session *s, const char *line, struct wb_error *err);
/* Resolve a name (with or without the dot); NULL with err set. */
const struct cmd *cmd_find(const char *name, struct wb_error *err);
int cmd_count(void);
const struct cmd *cmd_at(int i);
/* The COMMANDS section of wb.1 in roff. */
void cmd_write_man(FILE *out);
/* Split a command line into words ('...' and "..." quote); returns argc,
 * argv is malloc'd (free with cmd_free_args). */
int cmd_split(const char *line, char ***argv);
void cmd_free_args(int argc, char **argv);

#endif

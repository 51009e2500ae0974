/*
 * sink: where results go.
 *
 * Every front end (REPL, -c, scripts, notebooks, TUI, test runner) hands
 * statement text to the session and receives results through a sink. A
 * result is always a table: begin() announces its columns, chunk() delivers
 * rows in order (chunks are only valid during the call), end() closes it.
 * message() carries status lines that are not tables ("Table t created").
 * Any callback may be NULL. A callback returning -1 (with err set) stops
 * the statement.
 */
#ifndef WB_CORE_SINK_H
#define WB_CORE_SINK_H

#include "core/error.h"
#include "core/types.h"
#include "core/vector.h"

struct wb_sink {
	int (*begin)(struct wb_sink *s, int ncol, char *const *names, const wb_type *types,
	    struct wb_error *err);
	int (*chunk)(struct wb_sink *s, const struct chunk *c, struct wb_error *err);
	int (*end)(struct wb_sink *s, struct wb_error *err);
	void (*message)(struct wb_sink *s, const char *text);
};

#endif

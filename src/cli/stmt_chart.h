/*
 * stmt_chart: charts for the session's front ends (ui/chart.h does the
 * drawing): the CHART statement, the `.chart` dot-command and what a
 * notebook's chart cell runs. man wb-chart(7).
 *
 *   CHART [KIND] [MODIFIER ...] [KEY=VALUE ...] FROM source [WHERE cond]
 *   .chart [KIND] [MODIFIER ...] [KEY=VALUE ...]      (the last result)
 *   -- %% chart [KIND] [KEY=VALUE ...]                 (the previous SQL cell's)
 *
 * Where a chart goes: to a person (the session's own renderer in box,
 * markdown or line mode, or a notebook report's tee) it is text on the
 * session's output - sized to the terminal and in colour when that output
 * is a terminal and NO_COLOR is not set, else 80 x 20 and plain - followed
 * by its notes. To a program (csv/json modes, the test runner, the TUI's
 * override sink) it is a table: one VARCHAR column `chart`, a row per
 * line, 80 x 20, no colour. Either way the session's last result stays
 * the one charted.
 */
#ifndef WB_CLI_STMT_CHART_H
#define WB_CLI_STMT_CHART_H

#include "cli/session.h"
#include "ui/chart.h"

/* Draw rs (a result of total_rows rows, of which rs holds the first) as
 * sp says, where the session's results go now. */
int stmt_chart_show(struct session *s, const struct chart_spec *sp, const struct rowset *rs, int64_t total_rows,
    struct wb_error *err);
/* The same drawn the same everywhere (notebook tests and --update: the
 * text is compared with an expected block): 80 x 20 unless the spec gives
 * a size, no colour, UTF-8 unless the spec says ascii - whatever the
 * terminal and the locale. */
int stmt_chart_show_fixed(struct session *s, const struct chart_spec *sp, const struct rowset *rs,
    int64_t total_rows, struct wb_error *err);
/* .chart [SPEC]: the last result (`.chart help` lists the options). */
int stmt_chart_command(struct session *s, int argc, char **argv, struct wb_error *err);
/* Register the CHART statement (called by stmt_register_exts). */
void stmt_register_chart(void);

#endif

/*
 * dash_int: what the dashboard's drawing files share (ui/dash.h is the
 * public side): the insides of a tile, drawn into a rectangle of a canvas.
 */
#ifndef WB_UI_DASH_INT_H
#define WB_UI_DASH_INT_H

#include "ui/dash.h"

/* rs as a table in (x, y, w, h): a bold header, numbers right-aligned
 * (decimals by their points),
 * text columns narrowed to fit (cut values end in an ellipsis; numbers are
 * never cut: columns that do not fit are left out, "+N cols" says so), and
 * a last line saying how many rows did not fit (total: the rows the
 * result had). */
void dash_tile_table(struct canvas *cv, int x, int y, int w, int h, const struct rowset *rs, int64_t total);
/* text word-wrapped into (x, y, w, h) from row *row on, in attr; lines
 * starting with '#' are bold headings (the '#'s dropped). Advances *row. */
void dash_tile_text(struct canvas *cv, int x, int y, int w, int h, const char *text, uint8_t attr, int *row);
/* A failure: "Error: msg" (with the file's line when known) and its hint. */
void dash_tile_error(struct canvas *cv, int x, int y, int w, int h, const char *msg, const char *hint,
    const char *path, int line);

#endif

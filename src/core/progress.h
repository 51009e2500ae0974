/*
 * progress: a one-line progress bar on stderr for long-running loads.
 *
 * Generic and curses-free. The bar is drawn only when stderr is a terminal
 * (and $TERM is not "dumb") and the job is still running after about one
 * second, so short jobs and scripts never see it. Counting is thread-safe
 * and cheap (atomic adds); whichever thread adds when a redraw is due
 * (at most ten per second) draws, under a try-lock that never waits.
 * progress_done() erases the line; nothing else is ever left on screen.
 * Every function accepts NULL (no progress wanted).
 */
#ifndef WB_CORE_PROGRESS_H
#define WB_CORE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress;

/* Track a job over total_bytes of input (-1: unknown). label is copied. */
struct progress *progress_new(const char *label, int64_t total_bytes);
/* Count input bytes / rows processed (any thread). */
void progress_add(struct progress *p, int64_t bytes);
void progress_add_rows(struct progress *p, int64_t rows);
/* Erase the bar if it was drawn; later adds draw nothing. Idempotent. */
void progress_done(struct progress *p);
/* progress_done + release. */
void progress_free(struct progress *p);

/* Front ends that own the terminal (the TUI) draw the bar themselves: the
 * line of the most recently started job that is still running, formatted as
 * progress_format() does (at most width columns) into buf; returns its
 * length, 0 when no job is running. Any thread. The bar is drawn on stderr
 * only when stderr is a terminal, so a front end that redirects stderr
 * shows it through this alone. */
size_t progress_latest(char *buf, size_t cap, int width);

/* Count in units ("trees", "iterations") instead of bytes: the bar shows
 * "37/100 trees" and the ETA from their rate. */
void progress_set_unit(struct progress *p, const char *unit);
/* Format a bar line (no newline) into buf, at most width columns:
 *   "label [#####.....]  42%  512.0 MB/s  3.1M rows/s  ETA 0:07"
 * (without a known total: bytes done instead of bar, percent and ETA).
 * Returns the length. Exposed for tests. */
size_t progress_format(char *buf, size_t cap, const char *label, int64_t done, int64_t total,
    int64_t rows, double secs, int width);
/* The same with counting units (NULL or "": bytes). */
size_t progress_format_unit(char *buf, size_t cap, const char *label, int64_t done, int64_t total,
    int64_t rows, double secs, int width, const char *unit);

#endif

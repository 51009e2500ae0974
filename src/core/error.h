/*
 * error: how failures travel up to the one place that prints them.
 *
 * Convention (after tmux's `cause`): a function that can fail takes a
 * `struct wb_error *err`, returns -1 / NULL / false on failure and fills
 * err once. The first error wins: err_set() on an already-set error is a
 * no-op, so inner, more precise messages are not overwritten by outer ones.
 * Only front ends print errors.
 *
 * Messages name what was wrong, where, and what to do. `pos` is a byte
 * offset into the statement text being executed (or -1), from which the
 * front end draws "LINE n:" with a caret.
 */
#ifndef WB_CORE_ERROR_H
#define WB_CORE_ERROR_H

#include <stdbool.h>
#include <stdarg.h>

struct wb_error {
	char *msg;   /* malloc'd; NULL when no error */
	char *hint;  /* malloc'd; optional second line ("did you mean ...") */
	int pos;     /* byte offset in statement text, -1 when unknown */
};

#define WB_ERROR_INIT { NULL, NULL, -1 }

void err_init(struct wb_error *e);
/* Set the error if not already set. */
void err_set(struct wb_error *e, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_vset(struct wb_error *e, int pos, const char *fmt, va_list ap);
/* Attach a hint to an error (replaces a previous hint). */
void err_hint(struct wb_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set pos on an error that has none yet. */
void err_at(struct wb_error *e, int pos);
static inline bool err_isset(const struct wb_error *e) { return e->msg != 0; }
void err_clear(struct wb_error *e);
/* Move src into dst (dst cleared first); src is left empty. */
void err_move(struct wb_error *dst, struct wb_error *src);

/*
 * Notices: problems that do not fail the statement but that the user must
 * hear of (a commit that stood while its checkpoint could not be written).
 * Modules call wb_notice(); the front end installs the handler that shows
 * them (the session prints "Warning: ..." on its error stream). Without a
 * handler notices go to stderr. Set the handler before threads run.
 */
typedef void (*wb_notice_fn)(void *arg, const char *msg);
void wb_notice_set(wb_notice_fn fn, void *arg);
void wb_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

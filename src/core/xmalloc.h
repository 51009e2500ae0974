/*
 * xmalloc: allocation that never returns NULL.
 *
 * wb treats running out of memory as fatal (like tmux and git): every
 * allocation goes through these wrappers, which print a message naming the
 * size and exit(3) on failure, so callers never test for NULL.
 */
#ifndef WB_CORE_XMALLOC_H
#define WB_CORE_XMALLOC_H

#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Zeroed memory whose pages are written now: a hash table that is probed
 * (read) before it is written would otherwise map the shared zero page
 * first and pay a copy-on-write fault with a TLB shootdown across every
 * thread on its first write. */
void *xcalloc_written(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `elem` bytes; *cap is
 * updated. Growth is geometric so repeated appends are amortised O(1). */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
/* Bytes allocated through these wrappers since the start (frees not
 * subtracted; the difference over an interval is what it allocated). */
unsigned long long xmem_allocated(void);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

#endif

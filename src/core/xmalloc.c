#include "core/xmalloc.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bytes handed out so far (frees are not subtracted): EXPLAIN ANALYZE
 * reports what each operator allocated while building its state */
static atomic_ullong allocated;

unsigned long long
xmem_allocated(void)
{
	return atomic_load_explicit(&allocated, memory_order_relaxed);
}

static inline void
count(void *p, size_t old)
{
	size_t n = malloc_usable_size(p);
	if (n > old)
		atomic_fetch_add_explicit(&allocated, n - old, memory_order_relaxed);
}

static void
xmalloc_die(size_t n)
{
	fprintf(stderr, "wb: out of memory allocating %zu bytes\n", n);
	exit(3);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		xmalloc_die(n);
	count(p, 0);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		xmalloc_die(nmemb * size);
	count(p, 0);
	return p;
}

void *
xcalloc_written(size_t nmemb, size_t size)
{
	size_t n = nmemb * size;
	void *p = xmalloc(n ? n : 1);
	memset(p, 0, n);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		xmalloc_die(n);
	count(q, old);
	return q;
}

void *
xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(p, c * elem);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		xmalloc_die(strlen(fmt));
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

#include "core/arena.h"
#include "core/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_HDR ((sizeof(struct arena_block) + 15) & ~(size_t)15)

void
arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

struct arena *
arena_new(size_t block_size)
{
	struct arena *a = xmalloc(sizeof *a);
	arena_init(a, block_size);
	return a;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size_t sz = a->block_size;
		if (n > sz / 4) {
			/* Large request: its own block, inserted behind the head so
			 * the head's free space stays usable. */
			struct arena_block *big = xmalloc(ARENA_HDR + n);
			big->size = n;
			big->used = n;
			a->total += n;
			if (b != NULL) {
				big->next = b->next;
				b->next = big;
			} else {
				big->next = NULL;
				a->head = big;
			}
			return (char *)big + ARENA_HDR;
		}
		b = xmalloc(ARENA_HDR + sz);
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += sz;
	}
	void *p = (char *)b + ARENA_HDR + b->used;
	b->used += n;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *tmp, *p;
	va_start(ap, fmt);
	tmp = xvasprintf(fmt, ap);
	va_end(ap);
	p = arena_strdup(a, tmp);
	free(tmp);
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *keep = NULL;
	while (b != NULL) {
		struct arena_block *next = b->next;
		if (keep == NULL && b->size == a->block_size)
			keep = b;
		else
			free(b);
		b = next;
	}
	a->head = keep;
	a->total = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
		a->total = keep->size;
	}
}

void
arena_release(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b != NULL) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_release(a);
	free(a);
}

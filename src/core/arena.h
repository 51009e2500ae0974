/*
 * arena: bump allocator freed in one go.
 *
 * Ownership rule: memory from an arena lives until arena_reset() or
 * arena_free() on that arena; nothing allocated from it is ever freed
 * individually. Per-query state, parse trees and string heaps of vectors
 * use arenas so that one call releases everything (as SQLite does per
 * statement). Not thread-safe: one arena per thread or per owner.
 */
#ifndef WB_CORE_ARENA_H
#define WB_CORE_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	/* data follows, 16-byte aligned */
};

struct arena {
	struct arena_block *head;  /* current block (most recent) */
	size_t block_size;         /* default size of new blocks */
	size_t total;              /* bytes held in all blocks */
};

void arena_init(struct arena *a, size_t block_size);
struct arena *arena_new(size_t block_size);
/* 16-byte aligned; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Release everything but keep one block for reuse. */
void arena_reset(struct arena *a);
/* Release everything (for arena_init'ed arenas: the struct stays). */
void arena_release(struct arena *a);
/* arena_release + free the struct from arena_new. */
void arena_free(struct arena *a);

#endif

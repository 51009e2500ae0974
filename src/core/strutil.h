/*
 * strutil: small string helpers shared across modules.
 */
#ifndef WB_CORE_STRUTIL_H
#define WB_CORE_STRUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

/* Case-insensitive Levenshtein distance. */
int str_edit_distance(const char *a, const char *b);
/* The candidate closest to `name` if it is close enough to be a plausible
 * typo (distance <= max(1, len/3)), else NULL. */
const char *str_suggest(const char *name, const char *const *cands, int n);
/* SQL LIKE-style match with % and _ (case-insensitive), for SHOW ... LIKE;
 * also accepts * as %. */
bool str_like(const char *s, const char *pat);

/* Write s as roff text for a man page: backslashes as \e, '-' as \-, and
 * a '.' or '\'' that starts a line guarded with \&. */
void str_write_roff(FILE *out, const char *s);

#endif

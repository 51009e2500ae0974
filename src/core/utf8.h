/*
 * utf8: decoding and encoding of single UTF-8 sequences.
 *
 * Strict by RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF),
 * nothing above U+10FFFF. Shared by the JSON parser and writer (a JSON
 * text must be valid UTF-8) and the renderers' display-width code.
 */
#ifndef WB_CORE_UTF8_H
#define WB_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the sequence at s[0..n) (n >= 1) into *cp; returns its length
 * (1..4), or 0 when s does not start with a valid, complete sequence. */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encode cp (<= U+10FFFF, not a surrogate) into out; returns the length
 * (1..4), or 0 for a code point that has no UTF-8 form. */
int utf8_encode(uint32_t cp, char out[4]);

#endif

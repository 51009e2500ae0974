#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions, which are the commonest typos: "mdoe" is 1 from "mode"),
 * case-insensitive. */
int
str_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *d = xmalloc(sizeof(int) * (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = (int)i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			int v = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + (ca != cb) < v)
				v = D(i - 1, j - 1) + (ca != cb);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
			    D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	}
	int r = D(la, lb);
#undef D
	free(d);
	return r;
}

const char *
str_suggest(const char *name, const char *const *cands, int n)
{
	const char *best = NULL;
	int bestd = 1 << 30;
	int limit = (int)strlen(name) / 3;
	if (limit < 1)
		limit = 1;
	for (int i = 0; i < n; i++) {
		int d = str_edit_distance(name, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

bool
str_like(const char *s, const char *p)
{
	while (*p) {
		if (*p == '%' || *p == '*') {
			while (*p == '%' || *p == '*')
				p++;
			if (!*p)
				return true;
			for (; *s; s++)
				if (str_like(s, p))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p != '_' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

void
str_write_roff(FILE *out, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
		bol = *s == '\n';
	}
}

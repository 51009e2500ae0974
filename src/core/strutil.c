#include "core/strutil.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
str_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *prev = xmalloc(sizeof(int) * (lb + 1)), *cur = xmalloc(sizeof(int) * (lb + 1));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			cur[j] = v;
		}
		int *t = prev;
		prev = cur;
		cur = t;
	}
	int d = prev[lb];
	free(prev);
	free(cur);
	return d;
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

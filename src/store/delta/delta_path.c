/*
 * delta_path: the paths of add/remove actions. The protocol makes them
 * RFC 2396 URIs: relative to the table directory, or absolute (Spark
 * writes "file:/..."), with reserved characters percent-encoded - a
 * partition folder "city=São Paulo" is logged as "city=S%C3%A3o%20Paulo".
 */
#include "store/delta/delta_int.h"

#include "core/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
delta_path_decode(const char *in, struct strbuf *out)
{
	for (const char *p = in; *p; p++) {
		if (*p != '%') {
			const char *q = strchrnul(p, '%');
			sb_add(out, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		int h = hexval((unsigned char)p[1]), l = h >= 0 ? hexval((unsigned char)p[2]) : -1;
		if (h < 0 || l < 0)
			return false;
		sb_putc(out, (char)(h << 4 | l));
		p += 2;
	}
	return true;
}

void
delta_path_encode(const char *in, struct strbuf *out)
{
	/* Unreserved characters and the sub-delimiters a path segment may hold
	 * stay; ':' is encoded because in a relative path's first segment it
	 * would read as a scheme; '%' and everything else is encoded. */
	static const char keep[] = "-._~/=@!$&'()*+,;";
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			sb_putc(out, (char)*p);
		} else if (strchr(keep, *p) != NULL) {
			sb_putc(out, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			sb_add(out, e, 3);
		}
	}
}

/* Length of a URI scheme at the start of p ("s3" of "s3://"), 0 if none. */
static size_t
scheme_len(const char *p)
{
	if (!isalpha((unsigned char)p[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)p[i]) || p[i] == '+' || p[i] == '-' || p[i] == '.')
		i++;
	return p[i] == ':' ? i : 0;
}

/* The local absolute path of a "file:" URI (decoded into out), or false
 * if it names another host. */
static bool
file_uri(const char *rest, struct strbuf *out)
{
	if (strncmp(rest, "//", 2) == 0) {
		const char *host = rest + 2, *slash = strchr(host, '/');
		if (slash == NULL)
			return false;
		size_t hl = (size_t)(slash - host);
		if (hl != 0 && !(hl == 9 && strncmp(host, "localhost", 9) == 0))
			return false;
		rest = slash;
	}
	return delta_path_decode(rest, out);
}

char *
delta_file_path(const char *table, const char *log_path, struct wb_error *err)
{
	struct strbuf b = STRBUF_INIT;
	size_t sl = scheme_len(log_path);
	if (sl == 4 && strncasecmp(log_path, "file", 4) == 0) {
		if (!file_uri(log_path + 5, &b) || b.len == 0 || b.s[0] != '/') {
			err_set(err, -1, "data file '%s' of table %s is not a local file URI", log_path, table);
			sb_free(&b);
			return NULL;
		}
		return sb_detach(&b);
	}
	if (sl > 0) {
		err_set(err, -1, "data file '%s' of table %s is on '%.*s' storage; wb reads local files only",
		    log_path, table, (int)sl, log_path);
		return NULL;
	}
	if (log_path[0] != '/') {
		sb_puts(&b, table);
		if (b.len > 0 && b.s[b.len - 1] != '/')
			sb_putc(&b, '/');
	}
	if (!delta_path_decode(log_path, &b)) {
		err_set(err, -1, "data file path '%s' of table %s has a bad %%-escape", log_path, table);
		sb_free(&b);
		return NULL;
	}
	return sb_detach(&b);
}

void
delta_path_key(const char *table_abs, const char *log_path, struct strbuf *out)
{
	size_t start = out->len;
	size_t sl = scheme_len(log_path);
	bool ok;
	if (sl == 4 && strncasecmp(log_path, "file", 4) == 0)
		ok = file_uri(log_path + 5, out);
	else
		ok = delta_path_decode(log_path, out);
	if (!ok) {   /* not decodable: the raw text is still a stable key */
		out->len = start;
		sb_puts(out, log_path);
		return;
	}
	size_t tl = table_abs != NULL ? strlen(table_abs) : 0;
	if (tl > 0 && out->len - start > tl + 1 && out->s[start] == '/' &&
	    memcmp(out->s + start, table_abs, tl) == 0 && out->s[start + tl] == '/') {
		memmove(out->s + start, out->s + start + tl + 1, out->len - start - tl - 1);
		out->len -= tl + 1;
		out->s[out->len] = '\0';
	}
}

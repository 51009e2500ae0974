#include "cli/complete.h"
#include "cli/cmd.h"
#include "core/xmalloc.h"
#include "func/agg.h"
#include "func/func.h"
#include "func/tablefn.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cands {
	char **v;
	int n;
	size_t cap;
	const char *prefix;
	size_t plen;
	bool upper;    /* keyword case follows what the user typed */
};

static void
add(struct cands *c, const char *s)
{
	if (strncasecmp(s, c->prefix, c->plen) != 0)
		return;
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return;
	c->v = xgrow(c->v, &c->cap, (size_t)c->n + 1, sizeof *c->v);
	c->v[c->n++] = xstrdup(s);
}

static void
add_keyword(struct cands *c, const char *kw)
{
	char buf[64];
	size_t n = strlen(kw);
	if (n >= sizeof buf)
		return;
	for (size_t i = 0; i <= n; i++)
		buf[i] = c->upper ? kw[i] : (char)tolower((unsigned char)kw[i]);
	add(c, buf);
}

static void
table_cb(void *arg, const struct catalog_entry *e)
{
	struct cands *c = arg;
	add(c, e->name);
	if (!e->temp) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s.%s", e->schema, e->name);
		add(c, buf);
	}
}

static void
column_cb(void *arg, const struct catalog_entry *e)
{
	struct cands *c = arg;
	for (int i = 0; i < e->table->ncol; i++)
		add(c, e->table->names[i]);
}

static void
schema_cb(void *arg, const char *catalog, const char *schema)
{
	add(arg, schema);
}

static void
add_files(struct cands *c)
{
	/* complete the directory part of the prefix, list its entries */
	const char *slash = strrchr(c->prefix, '/');
	char dir[4096];
	const char *base;
	if (slash) {
		size_t dl = (size_t)(slash - c->prefix) + 1;
		if (dl >= sizeof dir)
			return;
		memcpy(dir, c->prefix, dl);
		dir[dl] = '\0';
		base = slash + 1;
	} else {
		strcpy(dir, "./");
		base = c->prefix;
	}
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, strlen(base)) != 0)
			continue;
		char path[4096 + 256];
		snprintf(path, sizeof path, "%s%s%s", slash ? dir : "", de->d_name, de->d_type == DT_DIR ? "/" : "");
		add(c, path);
	}
	closedir(d);
}

static void
add_kind(struct session *s, struct cands *c, const char *kind)
{
	if (strcmp(kind, "mode") == 0) {
		for (int m = 0; m < RENDER__COUNT; m++)
			add(c, render_mode_name((enum render_mode)m));
	} else if (strcmp(kind, "onoff") == 0) {
		add(c, "on");
		add(c, "off");
	} else if (strcmp(kind, "table") == 0) {
		catalog_each_table(s->catalog, NULL, table_cb, c);
	} else if (strcmp(kind, "file") == 0) {
		add_files(c);
	} else if (strcmp(kind, "command") == 0) {
		for (int i = 0; i < cmd_count(); i++)
			add(c, cmd_at(i)->name);
	} else if (strcmp(kind, "param") == 0) {
		for (int i = 0; i < s->nparams; i++)
			add(c, s->params[i].name);
	}
}

/* The previous SQL word (upper-cased) before `start`, or "". */
static void
prev_word(const char *line, int start, char *out, size_t cap)
{
	int e = start;
	while (e > 0 && isspace((unsigned char)line[e - 1]))
		e--;
	int b = e;
	while (b > 0 && (isalnum((unsigned char)line[b - 1]) || line[b - 1] == '_'))
		b--;
	size_t n = (size_t)(e - b) < cap - 1 ? (size_t)(e - b) : cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)line[b + (int)i]);
	out[n] = '\0';
}

int
complete_candidates(struct session *s, const char *line, int point, int *startp, char ***out)
{
	struct cands c = {0};
	int start = point;
	/* inside a quoted string: a file path */
	int quotes = 0;
	for (int i = 0; i < point; i++)
		if (line[i] == '\'')
			quotes++;
	if (quotes % 2 == 1) {
		while (start > 0 && line[start - 1] != '\'')
			start--;
	} else {
		while (start > 0 && (isalnum((unsigned char)line[start - 1]) || line[start - 1] == '_' ||
		    line[start - 1] == '.' || line[start - 1] == '/' || line[start - 1] == '-'))
			start--;
	}
	char *prefix = xstrndup(line + start, (size_t)(point - start));
	c.prefix = prefix;
	c.plen = strlen(prefix);
	c.upper = c.plen > 0 && isupper((unsigned char)prefix[0]);
	*startp = start;

	int lead = 0;
	while (lead < point && isspace((unsigned char)line[lead]))
		lead++;
	if (line[lead] == '.' && quotes % 2 == 0) {
		/* dot-command: which argument is being completed? */
		int argn = 0;
		for (int i = lead; i < start; i++)
			if (isspace((unsigned char)line[i]) && i + 1 < point && !isspace((unsigned char)line[i + 1]))
				argn++;
		if (start == lead || (start == lead + 1 && line[lead] == '.')) {
			for (int i = 0; i < cmd_count(); i++) {
				char buf[64];
				snprintf(buf, sizeof buf, ".%s", cmd_at(i)->name);
				add(&c, buf);
			}
		} else {
			int e = lead;
			while (e < point && !isspace((unsigned char)line[e]))
				e++;
			char *name = xstrndup(line + lead, (size_t)(e - lead));
			struct wb_error err = WB_ERROR_INIT;
			const struct cmd *cmd = cmd_find(name, &err);
			err_clear(&err);
			free(name);
			if (cmd && cmd->complete) {
				/* the argn-th kind, repeating the last one */
				const char *k = cmd->complete;
				char kind[32] = "";
				int idx = 0;
				while (*k) {
					int l = 0;
					while (k[l] && k[l] != ' ')
						l++;
					if (l < (int)sizeof kind) {
						memcpy(kind, k, (size_t)l);
						kind[l] = '\0';
					}
					if (idx == argn - 1 || !k[l])
						break;
					k += l + (k[l] ? 1 : 0);
					idx++;
				}
				add_kind(s, &c, kind);
			}
		}
	} else if (quotes % 2 == 1) {
		add_files(&c);
	} else {
		char pw[32];
		prev_word(line, start, pw, sizeof pw);
		bool want_table = strcmp(pw, "FROM") == 0 || strcmp(pw, "JOIN") == 0 || strcmp(pw, "INTO") == 0 ||
		    strcmp(pw, "TABLE") == 0 || strcmp(pw, "UPDATE") == 0 || strcmp(pw, "DESCRIBE") == 0 ||
		    strcmp(pw, "DESC") == 0 || strcmp(pw, "VIEW") == 0 || strcmp(pw, "HISTORY") == 0 ||
		    strcmp(pw, "DETAIL") == 0 || strcmp(pw, "OPTIMIZE") == 0 || strcmp(pw, "VACUUM") == 0 ||
		    strcmp(pw, "RESTORE") == 0 || strcmp(pw, "TBLPROPERTIES") == 0 || strcmp(pw, "USING") == 0 ||
		    strcmp(pw, "PARTITIONS") == 0 ||
		    strcmp(pw, "TRUNCATE") == 0;
		if (want_table) {
			catalog_each_table(s->catalog, NULL, table_cb, &c);
			for (int i = 0; i < tablefn_count(); i++)
				add(&c, tablefn_at(i)->name);
		} else if (strcmp(pw, "USE") == 0 || strcmp(pw, "SCHEMA") == 0 || strcmp(pw, "IN") == 0) {
			catalog_each_schema(s->catalog, schema_cb, &c);
		} else {
			catalog_each_table(s->catalog, NULL, column_cb, &c);
			for (int k = 1; k < KW__COUNT; k++)
				add_keyword(&c, kw_name((enum kw_id)k));
			for (int i = 0; i < parse_ext_count(); i++) {
				add_keyword(&c, parse_ext_at(i)->word);
				/* each of the further words ("OR REPLACE MODEL") */
				const char *w2 = parse_ext_at(i)->words2;
				while (w2 && *w2) {
					char word[32];
					size_t len = strcspn(w2, " ");
					snprintf(word, sizeof word, "%.*s", (int)len, w2);
					add_keyword(&c, word);
					w2 += len + strspn(w2 + len, " ");
				}
			}
			for (int i = 0; i < fn_count(); i++) {
				const char *n = fn_at(i)->name;
				if (isalpha((unsigned char)n[0]))
					add(&c, n);
			}
			for (int i = 0; i < agg_count(); i++)
				add(&c, agg_at(i)->name);
			catalog_each_table(s->catalog, NULL, table_cb, &c);
		}
	}
	free(prefix);
	*out = c.v;
	return c.n;
}

void
complete_free(int n, char **c)
{
	for (int i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

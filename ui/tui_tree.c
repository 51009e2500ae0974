/*
 * tui_tree: the catalog pane - catalogs, schemas, tables and views with
 * their row counts, columns with their types, models and runs.
 *
 * Everything in it comes through the session, like anything else the
 * workbench shows: SHOW SCHEMAS, SHOW TABLES (schema, name, kind, columns,
 * rows), SHOW MODELS and SHOW RUNS in one quiet job after every run of the
 * user's, and DESCRIBE t when a table is expanded (and again on refresh
 * for the tables shown open). A statement that fails (no warehouse: no
 * runs) leaves its section out. The tree is rebuilt from those tables;
 * what is open is remembered by name, so a refresh keeps the shape.
 */
#include "ui/tui_int.h"
#include "core/xmalloc.h"
#include "ui/render.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum node_kind { N_CATALOG, N_SCHEMA, N_TABLE, N_VIEW, N_COLUMN, N_MODELS, N_MODEL, N_RUNS, N_RUN, N_NOTE };

struct node {
	enum node_kind kind;
	int depth;
	char *label;
	char *detail;
	char *key;               /* what stays open across refreshes */
	char *name;              /* for SQL: schema.table, column, model, run id */
	bool kids;
	bool open;
};

struct columns {
	char *table;             /* schema.table as SQL names it */
	struct tui_table *t;     /* DESCRIBE's result */
};

struct tui_tree {
	struct tui_rect at;      /* where the nodes were drawn */
	struct node *n;
	int count;
	size_t cap;
	int cur, top;
	char **open;             /* keys of open nodes */
	int nopen;
	size_t ocap;
	bool loaded;             /* a refresh has completed */
	struct tui_table *schemas, *tables, *models, *runs;
	struct columns *cols;
	int ncols;
	size_t ccap;
};

struct tui_tree *
tui_tree_new(void)
{
	return xcalloc(1, sizeof(struct tui_tree));
}

static void
clear_nodes(struct tui_tree *t)
{
	for (int i = 0; i < t->count; i++) {
		free(t->n[i].label);
		free(t->n[i].detail);
		free(t->n[i].key);
		free(t->n[i].name);
	}
	t->count = 0;
}

void
tui_tree_free(struct tui_tree *t)
{
	if (t == NULL)
		return;
	clear_nodes(t);
	free(t->n);
	for (int i = 0; i < t->nopen; i++)
		free(t->open[i]);
	free(t->open);
	tui_table_unref(t->schemas);
	tui_table_unref(t->tables);
	tui_table_unref(t->models);
	tui_table_unref(t->runs);
	for (int i = 0; i < t->ncols; i++) {
		free(t->cols[i].table);
		tui_table_unref(t->cols[i].t);
	}
	free(t->cols);
	free(t);
}

static bool
is_open(const struct tui_tree *t, const char *key)
{
	for (int i = 0; i < t->nopen; i++)
		if (strcmp(t->open[i], key) == 0)
			return true;
	return false;
}

static void
set_open(struct tui_tree *t, const char *key, bool open)
{
	for (int i = 0; i < t->nopen; i++) {
		if (strcmp(t->open[i], key) == 0) {
			if (!open) {
				free(t->open[i]);
				t->open[i] = t->open[--t->nopen];
			}
			return;
		}
	}
	if (open) {
		t->open = xgrow(t->open, &t->ocap, (size_t)t->nopen + 1, sizeof *t->open);
		t->open[t->nopen++] = xstrdup(key);
	}
}

static struct tui_table *
columns_of(const struct tui_tree *t, const char *table)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].table, table) == 0)
			return t->cols[i].t;
	return NULL;
}

static void
set_columns(struct tui_tree *t, const char *table, struct tui_table *cols)
{
	for (int i = 0; i < t->ncols; i++) {
		if (strcmp(t->cols[i].table, table) == 0) {
			tui_table_unref(t->cols[i].t);
			t->cols[i].t = tui_table_ref(cols);
			return;
		}
	}
	t->cols = xgrow(t->cols, &t->ccap, (size_t)t->ncols + 1, sizeof *t->cols);
	t->cols[t->ncols].table = xstrdup(table);
	t->cols[t->ncols].t = tui_table_ref(cols);
	t->ncols++;
}

static char *
cell(const struct tui_table *tt, int64_t row, const char *colname)
{
	const struct rowset *rs = tt->rs;
	for (int c = 0; c < rs->ncol; c++) {
		if (strcasecmp(rs->names[c], colname) == 0) {
			struct strbuf sb = STRBUF_INIT;
			bool null;
			tui_cell_text(tt, row, c, &sb, &null);
			if (null) {
				sb_free(&sb);
				return NULL;
			}
			return sb_detach(&sb);
		}
	}
	return NULL;
}

static void
add(struct tui_tree *t, enum node_kind kind, int depth, const char *label, const char *detail, const char *key,
    const char *name, bool kids)
{
	t->n = xgrow(t->n, &t->cap, (size_t)t->count + 1, sizeof *t->n);
	struct node *n = &t->n[t->count++];
	n->kind = kind;
	n->depth = depth;
	n->label = xstrdup(label ? label : "");
	n->detail = detail ? xstrdup(detail) : NULL;
	n->key = key ? xstrdup(key) : NULL;
	n->name = name ? xstrdup(name) : NULL;
	n->kids = kids;
	n->open = kids && key && is_open(t, key);
}

/* A name as SQL writes it: quoted unless a plain lower-case word. */
static void
sql_name(struct strbuf *sb, const char *name)
{
	bool plain = name[0] && (islower((unsigned char)name[0]) || name[0] == '_');
	for (const char *p = name; *p && plain; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_';
	if (plain)
		sb_puts(sb, name);
	else
		tui_quote_ident(sb, name);
}

/* A row count in few columns, the pane being narrow: 999,999 in full,
 * then 4.2M, 42M, 1.5G. */
static void
compact_count(int64_t v, char *buf, size_t cap)
{
	static const char units[] = "kMGT";
	if (v < 1000000) {
		char b[32];
		render_group_digits(v, b);
		snprintf(buf, cap, "%s", b);
		return;
	}
	double d = (double)v;
	int u = -1;
	while (d >= 999.5 && u < 3) {
		d /= 1000;
		u++;
	}
	snprintf(buf, cap, d < 9.95 ? "%.1f%c" : "%.0f%c", d, units[u]);
}

static void
add_table(struct tui_tree *t, int64_t row, const char *schema)
{
	char *name = cell(t->tables, row, "name");
	char *kind = cell(t->tables, row, "kind");
	char *rows = cell(t->tables, row, "rows");
	if (name == NULL) {
		free(kind);
		free(rows);
		return;
	}
	bool view = kind && strcmp(kind, "view") == 0;
	char detail[48] = "";
	if (rows)
		compact_count(strtoll(rows, NULL, 10), detail, sizeof detail); else if (view) {
		snprintf(detail, sizeof detail, "view");
	}
	struct strbuf q = STRBUF_INIT, key = STRBUF_INIT;
	sql_name(&q, schema);
	sb_putc(&q, '.');
	sql_name(&q, name);
	sb_printf(&key, "t:%s", sb_str(&q));
	add(t, view ? N_VIEW : N_TABLE, 2, name, detail, sb_str(&key), sb_str(&q), true);
	if (t->n[t->count - 1].open) {
		struct tui_table *cols = columns_of(t, sb_str(&q));
		if (cols == NULL) {
			add(t, N_NOTE, 3, "loading...", NULL, NULL, NULL, false);
		} else {
			for (int64_t c = 0; c < cols->rs->nrows; c++) {
				char *cn = cell(cols, c, "column_name");
				char *ct = cell(cols, c, "column_type");
				if (cn) {
					char *low = xstrdup(ct ? ct : "");
					for (char *p = low; *p; p++)
						*p = (char)tolower((unsigned char)*p);
					struct strbuf cq = STRBUF_INIT;
					sql_name(&cq, cn);
					add(t, N_COLUMN, 3, cn, low, NULL, sb_str(&cq), false);
					sb_free(&cq);
					free(low);
				}
				free(cn);
				free(ct);
			}
		}
	}
	sb_free(&q);
	sb_free(&key);
	free(name);
	free(kind);
	free(rows);
}

static void
add_schema(struct tui_tree *t, const char *cat, const char *schema)
{
	int ntab = 0;
	for (int64_t r = 0; t->tables && r < t->tables->rs->nrows; r++) {
		char *ts = cell(t->tables, r, "schema");
		ntab += ts && strcmp(ts, schema) == 0;
		free(ts);
	}
	char detail[32], key[300];
	snprintf(detail, sizeof detail, "%d", ntab);
	snprintf(key, sizeof key, "s:%s.%s", cat, schema);
	add(t, N_SCHEMA, 1, schema, detail, key, schema, true);
	if (!t->n[t->count - 1].open)
		return;
	for (int64_t r = 0; t->tables && r < t->tables->rs->nrows; r++) {
		char *ts = cell(t->tables, r, "schema");
		if (ts && strcmp(ts, schema) == 0)
			add_table(t, r, schema);
		free(ts);
	}
}

/* Rebuild the shown nodes from the loaded tables and the open set,
 * keeping the cursor on the node it was on. */
static void
rebuild(struct tui_tree *t)
{
	char *keep = t->cur < t->count && t->n[t->cur].key ? xstrdup(t->n[t->cur].key) : NULL;
	int keep_at = t->cur;
	clear_nodes(t);
	if (t->schemas != NULL) {
		const struct rowset *ss = t->schemas->rs;
		for (int64_t i = 0; i < ss->nrows; i++) {
			char *cat = cell(t->schemas, i, "catalog");
			if (cat == NULL)
				continue;
			/* each catalog once, in order of appearance */
			bool seen = false;
			for (int64_t j = 0; j < i && !seen; j++) {
				char *c2 = cell(t->schemas, j, "catalog");
				seen = c2 && strcmp(c2, cat) == 0;
				free(c2);
			}
			if (seen) {
				free(cat);
				continue;
			}
			char key[300];
			snprintf(key, sizeof key, "c:%s", cat);
			add(t, N_CATALOG, 0, cat, NULL, key, cat, true);
			if (!t->n[t->count - 1].open) {
				free(cat);
				continue;
			}
			for (int64_t j = 0; j < ss->nrows; j++) {
				char *c2 = cell(t->schemas, j, "catalog");
				char *schema = cell(t->schemas, j, "schema");
				if (c2 && schema && strcmp(c2, cat) == 0)
					add_schema(t, cat, schema);
				free(c2);
				free(schema);
			}
			/* schemas SHOW SCHEMAS does not list (temp) hold tables too:
			 * under the first catalog */
			for (int64_t r = 0; i == 0 && t->tables && r < t->tables->rs->nrows; r++) {
				char *ts = cell(t->tables, r, "schema");
				bool known = ts == NULL;
				for (int64_t j = 0; j < ss->nrows && !known; j++) {
					char *s2 = cell(t->schemas, j, "schema");
					known = s2 && strcmp(s2, ts) == 0;
					free(s2);
				}
				for (int64_t q = 0; q < r && !known; q++) {
					char *t2 = cell(t->tables, q, "schema");
					known = t2 && strcmp(t2, ts) == 0;
					free(t2);
				}
				if (!known)
					add_schema(t, cat, ts);
				free(ts);
			}
			free(cat);
		}
	}
	if (t->models != NULL) {
		char n[32];
		snprintf(n, sizeof n, "%lld", (long long)t->models->rs->nrows);
		add(t, N_MODELS, 0, "models", n, "models", NULL, true);
		if (t->n[t->count - 1].open) {
			for (int64_t i = 0; i < t->models->rs->nrows; i++) {
				char *name = cell(t->models, i, "name");
				char *type = cell(t->models, i, "model_type");
				if (name)
					add(t, N_MODEL, 1, name, type, NULL, name, false);
				free(name);
				free(type);
			}
		}
	}
	if (t->runs != NULL) {
		char n[32];
		snprintf(n, sizeof n, "%lld", (long long)t->runs->rs->nrows);
		add(t, N_RUNS, 0, "runs", n, "runs", NULL, true);
		if (t->n[t->count - 1].open) {
			for (int64_t i = 0; i < t->runs->rs->nrows; i++) {
				char *id = cell(t->runs, i, "run_id");
				char *name = cell(t->runs, i, "run_name");
				char *status = cell(t->runs, i, "status");
				if (id) {
					char label[64];
					snprintf(label, sizeof label, "%s", name ? name : id);
					char *st = status ? xstrdup(status) : NULL;
					for (char *p = st; p && *p; p++)
						*p = (char)tolower((unsigned char)*p);
					add(t, N_RUN, 1, label, st, NULL, id, false);
					free(st);
				}
				free(id);
				free(name);
				free(status);
			}
		}
	}
	t->cur = keep_at < t->count ? keep_at : t->count - 1;
	if (keep != NULL)
		for (int i = 0; i < t->count; i++)
			if (t->n[i].key && strcmp(t->n[i].key, keep) == 0)
				t->cur = i;
	if (t->cur < 0)
		t->cur = 0;
	free(keep);
}

/* ------------------------------------------------------------ loading */

struct load {
	bool all;                /* the whole catalog, not one table's columns */
	char **tables;           /* open tables whose columns to reload */
	int ntables;
	struct tui_table *schemas, *tables_t, *models, *runs;
	struct tui_table **cols;
};

static void
load_free(void *arg)
{
	struct load *l = arg;
	for (int i = 0; i < l->ntables; i++) {
		free(l->tables[i]);
		tui_table_unref(l->cols[i]);
	}
	free(l->tables);
	free(l->cols);
	tui_table_unref(l->schemas);
	tui_table_unref(l->tables_t);
	tui_table_unref(l->models);
	tui_table_unref(l->runs);
	free(l);
}

/* The table sql produced, or NULL when it failed. */
static struct tui_table *
load_one(struct tui_app *app, struct tui_job *job, const char *sql)
{
	int before = job->run->ntables;
	int errors = job->run->errors;
	tui_job_sql(app, job, sql);
	if (job->run->errors > errors || job->run->ntables == before)
		return NULL;
	return tui_table_ref(job->run->tables[job->run->ntables - 1]);
}

static void
load_work(struct tui_app *app, struct tui_job *job)
{
	struct load *l = job->arg;
	if (l->all) {
		l->schemas = load_one(app, job, "SHOW SCHEMAS");
		l->tables_t = load_one(app, job, "SHOW TABLES");
		l->models = load_one(app, job, "SHOW MODELS");
		l->runs = load_one(app, job, "SHOW RUNS");
	}
	for (int i = 0; i < l->ntables; i++) {
		char *sql = xasprintf("DESCRIBE %s", l->tables[i]);
		l->cols[i] = load_one(app, job, sql);
		free(sql);
	}
}

static void
load_done(struct tui_app *app, struct tui_job *job)
{
	struct tui_tree *t = app->tree;
	struct load *l = job->arg;
	if (l->all) {
		bool first = !t->loaded;
		tui_table_unref(t->schemas);
		tui_table_unref(t->tables);
		tui_table_unref(t->models);
		tui_table_unref(t->runs);
		t->schemas = tui_table_ref(l->schemas);
		t->tables = tui_table_ref(l->tables_t);
		t->models = tui_table_ref(l->models);
		t->runs = tui_table_ref(l->runs);
		t->loaded = true;
		if (first && t->schemas) {
			/* start with the catalogs open, and the schemas that hold tables */
			for (int64_t i = 0; i < t->schemas->rs->nrows; i++) {
				char *cat = cell(t->schemas, i, "catalog"), *schema = cell(t->schemas, i, "schema");
				if (cat && schema) {
					char key[300];
					snprintf(key, sizeof key, "c:%s", cat);
					set_open(t, key, true);
					bool used = false;
					for (int64_t r = 0; t->tables && r < t->tables->rs->nrows && !used; r++) {
						char *ts = cell(t->tables, r, "schema");
						used = ts && strcmp(ts, schema) == 0;
						free(ts);
					}
					snprintf(key, sizeof key, "s:%s.%s", cat, schema);
					if (used)
						set_open(t, key, true);
				}
				free(cat);
				free(schema);
			}
		}
	}
	for (int i = 0; i < l->ntables; i++)
		if (l->cols[i] != NULL)
			set_columns(t, l->tables[i], l->cols[i]);
	rebuild(t);
}

static void
start_load(struct tui_app *app, bool all, const char *one)
{
	struct tui_tree *t = app->tree;
	struct load *l = xcalloc(1, sizeof *l);
	l->all = all;
	if (all) {
		/* the columns of every table shown open */
		for (int i = 0; i < t->nopen; i++)
			if (strncmp(t->open[i], "t:", 2) == 0)
				l->ntables++;
		l->tables = xcalloc((size_t)l->ntables + 1, sizeof *l->tables);
		int k = 0;
		for (int i = 0; i < t->nopen; i++)
			if (strncmp(t->open[i], "t:", 2) == 0)
				l->tables[k++] = xstrdup(t->open[i] + 2);
	} else {
		l->ntables = 1;
		l->tables = xcalloc(2, sizeof *l->tables);
		l->tables[0] = xstrdup(one);
	}
	l->cols = xcalloc((size_t)l->ntables + 1, sizeof *l->cols);
	struct tui_job *job = tui_job_new(all ? "loading the catalog" : "describing", NULL, load_work, load_done, l);
	job->free_arg = load_free;
	job->quiet = true;
	tui_job_start(app, job);
}

void
tui_tree_refresh(struct tui_app *app)
{
	start_load(app, true, NULL);
}

/* ------------------------------------------------------------ drawing */

void
tui_tree_draw(struct tui_tree *t, struct tui_app *app, struct tui_rect r, bool focused)
{
	tui_box(r, "Catalog", focused);
	int h = r.h - 2, w = r.w - 2;
	if (h < 1 || w < 4)
		return;
	if (!t->loaded) {
		tui_puts(r.y + 1, r.x + 1, w, "loading...", tui_attr(TUI_ST_DIM));
		return;
	}
	if (t->count == 0) {
		tui_puts(r.y + 1, r.x + 1, w, "(empty)", tui_attr(TUI_ST_DIM));
		return;
	}
	if (t->cur < t->top)
		t->top = t->cur;
	if (t->cur >= t->top + h)
		t->top = t->cur - h + 1;
	if (t->top > t->count - h)
		t->top = t->count - h;
	if (t->top < 0)
		t->top = 0;
	t->at = (struct tui_rect){r.y + 1, r.x + 1, h, w};
	const struct tui_glyphs *g = tui_glyphs();
	for (int i = 0; i < h && t->top + i < t->count; i++) {
		const struct node *n = &t->n[t->top + i];
		int y = r.y + 1 + i;
		bool cur = t->top + i == t->cur;
		attr_t a = cur ? tui_attr(focused ? TUI_ST_CURSOR_FOCUS : TUI_ST_CURSOR) : A_NORMAL;
		if (n->kind == N_CATALOG || n->kind == N_MODELS || n->kind == N_RUNS)
			a |= A_BOLD;
		if (cur)
			tui_fill(y, r.x + 1, w, a);
		int x = r.x + 1 + n->depth * 2;
		const char *mark = n->kids ? (n->open ? g->open : g->closed) : g->leaf;
		int used = n->depth * 2;
		used += tui_puts(y, x, w - used, mark, a);
		used += tui_puts(y, r.x + 1 + used, w - used, " ", a);
		int dw = n->detail ? tui_width(n->detail, strlen(n->detail)) : 0;
		int room = w - used - (dw ? dw + 1 : 0);
		if (room < 2) {
			room = w - used;
			dw = 0;
		}
		tui_put_cell(y, r.x + 1 + used, room, n->label, strlen(n->label), false,
		    n->kind == N_NOTE ? tui_attr(TUI_ST_DIM) : a);
		if (dw)
			tui_puts(y, r.x + 1 + w - dw, dw, n->detail, cur ? a : tui_attr(TUI_ST_DIM));
	}
}

/* ------------------------------------------------------------ keys */

static void
toggle(struct tui_app *app, struct tui_tree *t, struct node *n, bool open)
{
	if (!n->kids || n->key == NULL)
		return;
	set_open(t, n->key, open);
	if (open && (n->kind == N_TABLE || n->kind == N_VIEW) && columns_of(t, n->name) == NULL)
		start_load(app, false, n->name);
	rebuild(t);
}

static void
insert_name(struct tui_app *app, const struct node *n)
{
	if (n->name == NULL)
		return;
	if (n->kind == N_RUN) {
		char *q = xasprintf("'%s'", n->name);
		tui_editor_insert(app->ed, q);
		free(q);
	} else {
		tui_editor_insert(app->ed, n->name);
	}
	tui_focus(app, TUI_PANE_EDITOR);
}

int
tui_tree_key(struct tui_tree *t, struct tui_app *app, enum tui_action a)
{
	if (t->count == 0) {
		if (a == TUI_A_TREE_REFRESH)
			tui_tree_refresh(app);
		return a == TUI_A_TREE_REFRESH;
	}
	struct node *n = &t->n[t->cur];
	int page = app->r_cat.h - 3 > 1 ? app->r_cat.h - 3 : 1;
	switch (a) {
	case TUI_A_UP: t->cur--; break;
	case TUI_A_DOWN: t->cur++; break;
	case TUI_A_PAGE_UP: t->cur -= page; break;
	case TUI_A_PAGE_DOWN: t->cur += page; break;
	case TUI_A_TOP: t->cur = 0; break;
	case TUI_A_BOTTOM: t->cur = t->count - 1; break;
	case TUI_A_TREE_TOGGLE: toggle(app, t, n, !n->open); break;
	case TUI_A_TREE_EXPAND: toggle(app, t, n, true); break;
	case TUI_A_TREE_COLLAPSE:
		if (n->kids && n->open) {
			toggle(app, t, n, false);
		} else {
			for (int i = t->cur - 1; i >= 0; i--)
				if (t->n[i].depth < n->depth) {
					t->cur = i;
					break;
				}
		}
		break;
	case TUI_A_TREE_OPEN: {
		char *sql = NULL;
		switch (n->kind) {
		case N_TABLE:
		case N_VIEW: sql = xasprintf("SELECT * FROM %s;", n->name); break;
		case N_MODEL: sql = xasprintf("SELECT * FROM ML.EVALUATE(MODEL %s);", n->name); break;
		case N_RUNS:
		case N_RUN: sql = xstrdup("SHOW RUNS;"); break;
		case N_COLUMN: insert_name(app, n); break;
		default: toggle(app, t, n, !n->open); break;
		}
		if (sql) {
			tui_run_user_sql(app, sql, true);
			free(sql);
		}
		break;
	}
	case TUI_A_TREE_HISTORY:
	case TUI_A_TREE_DESCRIBE:
		if (n->kind == N_TABLE || n->kind == N_VIEW) {
			char *sql = xasprintf(a == TUI_A_TREE_HISTORY ? "DESCRIBE HISTORY %s;" : "SUMMARIZE %s;", n->name);
			tui_run_user_sql(app, sql, true);
			free(sql);
		} else {
			tui_status(app, false, "%s is for tables: move to one", a == TUI_A_TREE_HISTORY ? "History" : "Describe");
		}
		break;
	case TUI_A_TREE_INSERT: insert_name(app, n); break;
	case TUI_A_TREE_REFRESH: tui_tree_refresh(app); break;
	default: return 0;
	}
	if (t->cur >= t->count)
		t->cur = t->count - 1;
	if (t->cur < 0)
		t->cur = 0;
	return 1;
}

void
tui_tree_click(struct tui_tree *t, struct tui_app *app, int y)
{
	int i = t->top + (y - t->at.y);
	if (y >= t->at.y && i >= 0 && i < t->count) {
		if (i == t->cur && t->n[i].kids)
			toggle(app, t, &t->n[i], !t->n[i].open);   /* a second click opens */
		t->cur = i;
	}
}

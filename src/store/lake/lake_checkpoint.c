/*
 * lake_checkpoint: Delta checkpoints through Parquet - the
 * delta_checkpoint_io hooks (delta.h), installed by lake_checkpoint_init.
 *
 * One table below lists the checkpoint's leaves in the order of the
 * Parquet schema wb writes (Spark's: txn, add, remove, metaData, protocol,
 * domainMetadata; all fields optional, maps as key_value groups with a
 * required key, lists in the standard 3-level form). Writing shreds each
 * row (one action) into every leaf's levels; reading opens the same
 * leaves by name - so a file with fields in another order, extra fields
 * (deletionVector, stats_parsed) or missing ones reads the same - and
 * rebuilds the non-NULL action of each row.
 */
#include "store/lake/lake.h"

#include "core/xmalloc.h"
#include "store/delta/delta.h"
#include "store/parquet/pq.h"

#include <stdlib.h>
#include <string.h>

enum ck_field {
	TXN_APPID, TXN_VERSION, TXN_LASTUPDATED,
	ADD_PATH, ADD_PV, ADD_SIZE, ADD_MTIME, ADD_DC, ADD_STATS, ADD_TAGS, ADD_BRI, ADD_DRCV,
	RM_PATH, RM_DTS, RM_DC, RM_EXT, RM_PV, RM_SIZE, RM_BRI, RM_DRCV,
	MD_ID, MD_NAME, MD_DESC, MD_PROVIDER, MD_OPTIONS, MD_SCHEMA, MD_PARTCOLS, MD_CONF, MD_CTIME,
	PR_MINR, PR_MINW, PR_RFEAT, PR_WFEAT,
	DM_DOMAIN, DM_CONF, DM_REMOVED,
	NFIELD
};

enum ck_kind { K_VALUE, K_MAP, K_LIST };

static const struct ck_def {
	enum ck_field f;
	int action;                 /* enum delta_action_type */
	const char *path;           /* of the value, map or list */
	enum ck_kind kind;
	wb_type t;                  /* of the value or the elements */
	bool i32;
	int depth;                  /* optional groups above the value / the container */
} defs[NFIELD] = {
#define A(a) DELTA_ACTION_##a
	{TXN_APPID, A(TXN), "txn.appId", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{TXN_VERSION, A(TXN), "txn.version", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{TXN_LASTUPDATED, A(TXN), "txn.lastUpdated", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{ADD_PATH, A(ADD), "add.path", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{ADD_PV, A(ADD), "add.partitionValues", K_MAP, WB_TYPE_VARCHAR, false, 1},
	{ADD_SIZE, A(ADD), "add.size", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{ADD_MTIME, A(ADD), "add.modificationTime", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{ADD_DC, A(ADD), "add.dataChange", K_VALUE, WB_TYPE_BOOL, false, 1},
	{ADD_STATS, A(ADD), "add.stats", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{ADD_TAGS, A(ADD), "add.tags", K_MAP, WB_TYPE_VARCHAR, false, 1},
	{ADD_BRI, A(ADD), "add.baseRowId", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{ADD_DRCV, A(ADD), "add.defaultRowCommitVersion", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{RM_PATH, A(REMOVE), "remove.path", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{RM_DTS, A(REMOVE), "remove.deletionTimestamp", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{RM_DC, A(REMOVE), "remove.dataChange", K_VALUE, WB_TYPE_BOOL, false, 1},
	{RM_EXT, A(REMOVE), "remove.extendedFileMetadata", K_VALUE, WB_TYPE_BOOL, false, 1},
	{RM_PV, A(REMOVE), "remove.partitionValues", K_MAP, WB_TYPE_VARCHAR, false, 1},
	{RM_SIZE, A(REMOVE), "remove.size", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{RM_BRI, A(REMOVE), "remove.baseRowId", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{RM_DRCV, A(REMOVE), "remove.defaultRowCommitVersion", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{MD_ID, A(METADATA), "metaData.id", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{MD_NAME, A(METADATA), "metaData.name", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{MD_DESC, A(METADATA), "metaData.description", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{MD_PROVIDER, A(METADATA), "metaData.format.provider", K_VALUE, WB_TYPE_VARCHAR, false, 2},
	{MD_OPTIONS, A(METADATA), "metaData.format.options", K_MAP, WB_TYPE_VARCHAR, false, 2},
	{MD_SCHEMA, A(METADATA), "metaData.schemaString", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{MD_PARTCOLS, A(METADATA), "metaData.partitionColumns", K_LIST, WB_TYPE_VARCHAR, false, 1},
	{MD_CONF, A(METADATA), "metaData.configuration", K_MAP, WB_TYPE_VARCHAR, false, 1},
	{MD_CTIME, A(METADATA), "metaData.createdTime", K_VALUE, WB_TYPE_BIGINT, false, 1},
	{PR_MINR, A(PROTOCOL), "protocol.minReaderVersion", K_VALUE, WB_TYPE_BIGINT, true, 1},
	{PR_MINW, A(PROTOCOL), "protocol.minWriterVersion", K_VALUE, WB_TYPE_BIGINT, true, 1},
	{PR_RFEAT, A(PROTOCOL), "protocol.readerFeatures", K_LIST, WB_TYPE_VARCHAR, false, 1},
	{PR_WFEAT, A(PROTOCOL), "protocol.writerFeatures", K_LIST, WB_TYPE_VARCHAR, false, 1},
	{DM_DOMAIN, A(DOMAIN), "domainMetadata.domain", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{DM_CONF, A(DOMAIN), "domainMetadata.configuration", K_VALUE, WB_TYPE_VARCHAR, false, 1},
	{DM_REMOVED, A(DOMAIN), "domainMetadata.removed", K_VALUE, WB_TYPE_BOOL, false, 1},
#undef A
};

/* The Parquet schema of what wb writes, depth-first, leaves in defs order
 * (a map and a list each contribute their leaves in place). */
#define GRP(n, k) {n, 1, k, PQ_NA_NONE, WB_TYPE_NULL, false}
#define STR(n) {n, 1, 0, PQ_NA_NONE, WB_TYPE_VARCHAR, false}
#define LNG(n) {n, 1, 0, PQ_NA_NONE, WB_TYPE_BIGINT, false}
#define INT(n) {n, 1, 0, PQ_NA_NONE, WB_TYPE_BIGINT, true}
#define BOO(n) {n, 1, 0, PQ_NA_NONE, WB_TYPE_BOOL, false}
#define MAP(n) {n, 1, 1, PQ_NA_MAP, WB_TYPE_NULL, false}, {"key_value", 2, 2, PQ_NA_NONE, WB_TYPE_NULL, false}, \
	{"key", 0, 0, PQ_NA_NONE, WB_TYPE_VARCHAR, false}, STR("value")
#define LST(n) {n, 1, 1, PQ_NA_LIST, WB_TYPE_NULL, false}, {"list", 2, 1, PQ_NA_NONE, WB_TYPE_NULL, false}, \
	STR("element")
static const struct pq_nelem ck_schema[] = {
	{"spark_schema", 0, 6, PQ_NA_NONE, WB_TYPE_NULL, false},
	GRP("txn", 3), STR("appId"), LNG("version"), LNG("lastUpdated"),
	GRP("add", 9), STR("path"), MAP("partitionValues"), LNG("size"), LNG("modificationTime"), BOO("dataChange"),
	STR("stats"), MAP("tags"), LNG("baseRowId"), LNG("defaultRowCommitVersion"),
	GRP("remove", 8), STR("path"), LNG("deletionTimestamp"), BOO("dataChange"), BOO("extendedFileMetadata"),
	MAP("partitionValues"), LNG("size"), LNG("baseRowId"), LNG("defaultRowCommitVersion"),
	GRP("metaData", 8), STR("id"), STR("name"), STR("description"), GRP("format", 2), STR("provider"),
	MAP("options"), STR("schemaString"), LST("partitionColumns"), MAP("configuration"), LNG("createdTime"),
	GRP("protocol", 4), INT("minReaderVersion"), INT("minWriterVersion"), LST("readerFeatures"),
	LST("writerFeatures"),
	GRP("domainMetadata", 3), STR("domain"), STR("configuration"), BOO("removed"),
};
#undef GRP
#undef STR
#undef LNG
#undef INT
#undef BOO
#undef MAP
#undef LST

/* ------------------------------------------------------------ field access */

struct ck_value {
	bool present;
	int64_t i;                  /* BIGINT, BOOLEAN */
	const char *s;              /* VARCHAR */
};

/* A value field of an action of its type. */
static struct ck_value
get_value(const struct delta_action *a, enum ck_field f)
{
	struct ck_value v = {true, 0, NULL};
	const struct delta_add *ad = &a->u.add;
	const struct delta_remove *rm = &a->u.remove;
	const struct delta_metadata *md = &a->u.metadata;
#define OPT(x) (v.present = (x) >= 0, v.i = (x))
	switch (f) {
	case TXN_APPID: v.s = a->u.txn.app_id; break;
	case TXN_VERSION: v.i = a->u.txn.version; break;
	case TXN_LASTUPDATED: OPT(a->u.txn.last_updated); break;
	case ADD_PATH: v.s = ad->path; break;
	case ADD_SIZE: v.i = ad->size; break;
	case ADD_MTIME: v.i = ad->modification_time; break;
	case ADD_DC: v.i = ad->data_change; break;
	case ADD_STATS: v.s = ad->stats; break;
	case ADD_BRI: OPT(ad->base_row_id); break;
	case ADD_DRCV: OPT(ad->default_row_commit_version); break;
	case RM_PATH: v.s = rm->path; break;
	case RM_DTS: OPT(rm->deletion_timestamp); break;
	case RM_DC: v.i = rm->data_change; break;
	case RM_EXT: v.i = rm->extended_file_metadata; break;
	case RM_SIZE: OPT(rm->size); break;
	case RM_BRI: OPT(rm->base_row_id); break;
	case RM_DRCV: OPT(rm->default_row_commit_version); break;
	case MD_ID: v.s = md->id; break;
	case MD_NAME: v.s = md->name; break;
	case MD_DESC: v.s = md->description; break;
	case MD_PROVIDER: v.s = md->format_provider; break;
	case MD_SCHEMA: v.s = md->schema_string; break;
	case MD_CTIME: OPT(md->created_time); break;
	case PR_MINR: v.i = a->u.protocol.min_reader_version; break;
	case PR_MINW: v.i = a->u.protocol.min_writer_version; break;
	case DM_DOMAIN: v.s = a->u.domain.domain; break;
	case DM_CONF: v.s = a->u.domain.configuration; break;
	case DM_REMOVED: v.i = a->u.domain.removed; break;
	default: v.present = false; break;
	}
#undef OPT
	if (defs[f].t == WB_TYPE_VARCHAR)
		v.present = v.s != NULL;
	return v;
}

static struct delta_map *
map_of(struct delta_action *a, enum ck_field f)
{
	switch (f) {
	case ADD_PV: return &a->u.add.partition_values;
	case ADD_TAGS: return &a->u.add.tags;
	case RM_PV: return &a->u.remove.partition_values;
	case MD_OPTIONS: return &a->u.metadata.format_options;
	default: return &a->u.metadata.configuration;
	}
}

/* A list field: its count and strings (*null: write it as NULL). */
static int
list_of(struct delta_action *a, enum ck_field f, const char ***out, bool *null)
{
	switch (f) {
	case MD_PARTCOLS:
		*out = a->u.metadata.partition_columns;
		*null = false;
		return a->u.metadata.npartition_columns;
	case PR_RFEAT:
		*out = a->u.protocol.reader_features;
		*null = a->u.protocol.min_reader_version < 3;
		return a->u.protocol.nreader_features;
	default:
		*out = a->u.protocol.writer_features;
		*null = a->u.protocol.min_writer_version < 7;
		return a->u.protocol.nwriter_features;
	}
}

/* ------------------------------------------------------------ writing */

/* One leaf being shredded. */
struct wleaf {
	const struct ck_def *d;
	int which;                  /* maps: 0 keys, 1 values */
	uint8_t *rep, *def;
	int64_t n, cap;
	char *vals;
	int64_t nvals, vcap;
};

static void
put_level(struct wleaf *l, int rep, int def)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->rep = xrealloc(l->rep, (size_t)l->cap);
		l->def = xrealloc(l->def, (size_t)l->cap);
	}
	l->rep[l->n] = (uint8_t)rep;
	l->def[l->n++] = (uint8_t)def;
}

static void
put_val(struct wleaf *l, int64_t i, const char *s)
{
	size_t es = l->d->t == WB_TYPE_VARCHAR ? sizeof(wb_str) : l->d->t == WB_TYPE_BOOL ? 1 : sizeof(int64_t);
	if (l->nvals == l->vcap) {
		l->vcap = l->vcap ? l->vcap * 2 : 256;
		l->vals = xrealloc(l->vals, (size_t)l->vcap * es);
	}
	char *at = l->vals + (size_t)l->nvals++ * es;
	if (l->d->t == WB_TYPE_VARCHAR) {
		wb_str w = {s, (uint32_t)strlen(s)};
		memcpy(at, &w, sizeof w);
	} else if (l->d->t == WB_TYPE_BOOL) {
		*at = (char)(i != 0);
	} else {
		memcpy(at, &i, sizeof i);
	}
}

/* The levels of one row for one leaf. A value: NULL row (0), NULL value
 * (depth), present (depth + 1). A map or list: NULL (depth), empty
 * (depth + 1), entries (depth + 2, values depth + 3; map keys are
 * required, so they stop at depth + 2). */
static void
shred(struct wleaf *l, const struct delta_action *row)
{
	const struct ck_def *d = l->d;
	if ((int)row->type != d->action) {
		put_level(l, 0, 0);
		return;
	}
	struct delta_action *a = (struct delta_action *)row;
	if (d->kind == K_VALUE) {
		struct ck_value v = get_value(a, d->f);
		put_level(l, 0, d->depth + v.present);
		if (v.present)
			put_val(l, v.i, v.s);
		return;
	}
	const char **items;
	int n;
	bool null;
	if (d->kind == K_MAP) {
		const struct delta_map *m = map_of(a, d->f);
		n = m->n;
		items = l->which ? m->values : m->keys;
		null = n == 0 && d->f == ADD_TAGS;   /* Spark writes no tags as NULL */
	} else {
		n = list_of(a, d->f, &items, &null);
		null = null && n == 0;
	}
	if (n == 0) {
		put_level(l, 0, d->depth + !null);
		return;
	}
	for (int i = 0; i < n; i++) {
		bool present = items[i] != NULL;
		bool required = d->kind == K_MAP && l->which == 0;
		put_level(l, i > 0, d->depth + 2 + (present && !required));
		if (present)
			put_val(l, 0, items[i]);
	}
}

static int
ck_write(void *ctx, const char *path, const struct delta_action *rows, int64_t n, const struct delta_snapshot *snap,
    struct wb_error *err)
{
	(void)ctx;
	(void)snap;
	int nl = 0;
	struct wleaf leaves[NFIELD + 8];
	memset(leaves, 0, sizeof leaves);
	for (int f = 0; f < NFIELD; f++) {
		leaves[nl].d = &defs[f];
		nl++;
		if (defs[f].kind == K_MAP) {
			leaves[nl].d = &defs[f];
			leaves[nl].which = 1;
			nl++;
		}
	}
	struct pq_nleaf out[NFIELD + 8];
	for (int k = 0; k < nl; k++) {
		for (int64_t r = 0; r < n; r++)
			shred(&leaves[k], &rows[r]);
		out[k] = (struct pq_nleaf){leaves[k].n, leaves[k].rep, leaves[k].def, leaves[k].nvals, leaves[k].vals};
	}
	int codec = PQ_CODEC_UNCOMPRESSED;
	pq_codec_from_name("snappy", &codec);
	int rc = pq_nwrite(path, ck_schema, (int)(sizeof ck_schema / sizeof ck_schema[0]), out, n, codec, err);
	for (int k = 0; k < nl; k++) {
		free(leaves[k].rep);
		free(leaves[k].def);
		free(leaves[k].vals);
	}
	return rc;
}

/* ------------------------------------------------------------ reading */

struct rleaf {
	struct pq_ncol *c;
	struct vec v;
};

struct reader {
	struct pq_nfile *f;
	struct rleaf l[NFIELD][2];  /* [1]: map values */
};

static void
reader_close(struct reader *r)
{
	for (int f = 0; f < NFIELD; f++)
		for (int k = 0; k < 2; k++)
			if (r->l[f][k].c) {
				pq_ncol_free(r->l[f][k].c);
				vec_free(&r->l[f][k].v);
				r->l[f][k].c = NULL;
			}
	pq_nfile_free(r->f);
	r->f = NULL;
}

static int
reader_open(struct reader *r, const char *file, struct wb_error *err)
{
	memset(r, 0, sizeof *r);
	r->f = pq_nfile_open(file, err);
	if (r->f == NULL)
		return -1;
	for (int f = 0; f < NFIELD; f++) {
		const struct ck_def *d = &defs[f];
		for (int k = 0; k < (d->kind == K_MAP ? 2 : 1); k++) {
			enum pq_nkind kind = d->kind == K_VALUE ? PQ_NVALUE : d->kind == K_LIST ? PQ_NLIST_ELEM :
			    k ? PQ_NMAP_VALUE : PQ_NMAP_KEY;
			r->l[f][k].c = pq_ncol_open(r->f, d->path, kind, d->t, err);
			if (err_isset(err))
				return -1;
			if (r->l[f][k].c)
				vec_init(&r->l[f][k].v, type_list_of(d->t));
		}
	}
	return 0;
}

/* The value of leaf f in row i: NULL row / missing column give !present. */
static struct ck_value
row_value(struct reader *r, int f, int i)
{
	struct ck_value v = {false, 0, NULL};
	struct rleaf *l = &r->l[f][0];
	if (l->c == NULL || vec_is_null(&l->v, i))
		return v;
	wb_list x = vec_list(&l->v)[i];
	if (x.n == 0 || (x.nulls && x.nulls[0]))
		return v;
	v.present = true;
	switch (defs[f].t) {
	case WB_TYPE_VARCHAR: {
		wb_str s = ((const wb_str *)x.data)[0];
		v.s = NULL;
		v.i = s.n;
		v.s = s.p;
		break;
	}
	case WB_TYPE_BOOL: v.i = ((const uint8_t *)x.data)[0]; break;
	default: v.i = ((const int64_t *)x.data)[0]; break;
	}
	return v;
}

static const char *
str_of(struct arena *a, struct ck_value v)
{
	return v.present ? arena_strndup(a, v.s, (size_t)v.i) : NULL;
}

static int64_t
int_of(struct ck_value v, int64_t dflt)
{
	return v.present ? v.i : dflt;
}

/* The strings of a list leaf in row i (NULL elements stay NULL). */
static int
row_strings(struct reader *r, int f, int k, int i, struct arena *a, const char ***out)
{
	struct rleaf *l = &r->l[f][k];
	*out = NULL;
	if (l->c == NULL || vec_is_null(&l->v, i))
		return 0;
	wb_list x = vec_list(&l->v)[i];
	const char **s = arena_alloc(a, sizeof *s * (x.n ? x.n : 1));
	for (uint32_t j = 0; j < x.n; j++) {
		wb_str w = ((const wb_str *)x.data)[j];
		s[j] = x.nulls && x.nulls[j] ? NULL : arena_strndup(a, w.p, w.n);
	}
	*out = s;
	return (int)x.n;
}

static int
row_map(struct reader *r, int f, int i, struct arena *a, struct delta_map *m, const char *file, int64_t row,
    struct wb_error *err)
{
	int nk = row_strings(r, f, 0, i, a, &m->keys);
	int nv = row_strings(r, f, 1, i, a, &m->values);
	if (nk != nv) {
		err_set(err, -1, "%s: row %lld: the map %s has %d keys but %d values", file, (long long)row,
		    defs[f].path, nk, nv);
		return -1;
	}
	for (int j = 0; j < nk; j++)
		if (m->keys[j] == NULL) {
			err_set(err, -1, "%s: row %lld: the map %s has a NULL key", file, (long long)row, defs[f].path);
			return -1;
		}
	m->n = nk;
	return 0;
}

/* Is the action of f's type there in row i (its struct is not NULL)? */
static bool
row_has(struct reader *r, int action, int i)
{
	for (int f = 0; f < NFIELD; f++)
		if (defs[f].action == action && r->l[f][0].c)
			return !vec_is_null(&r->l[f][0].v, i);
	return false;
}

static int
first_field(int action)
{
	for (int f = 0; f < NFIELD; f++)
		if (defs[f].action == action)
			return f;
	return 0;
}

/* Rebuild the actions of row i and emit them. */
static int
emit_row(struct reader *r, const char *file, int64_t row, int i, struct arena *a, delta_checkpoint_emit_fn emit,
    void *st, struct wb_error *err)
{
	static const int order[] = {DELTA_ACTION_PROTOCOL, DELTA_ACTION_METADATA, DELTA_ACTION_TXN,
	    DELTA_ACTION_DOMAIN, DELTA_ACTION_ADD, DELTA_ACTION_REMOVE};
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		int t = order[k];
		if (!row_has(r, t, i))
			continue;
		struct delta_action x;
		memset(&x, 0, sizeof x);
		x.type = (enum delta_action_type)t;
		const char *need = NULL;
		switch (t) {
		case DELTA_ACTION_PROTOCOL: {
			struct delta_protocol *p = &x.u.protocol;
			p->min_reader_version = (int)int_of(row_value(r, PR_MINR, i), -1);
			p->min_writer_version = (int)int_of(row_value(r, PR_MINW, i), -1);
			p->nreader_features = row_strings(r, PR_RFEAT, 0, i, a, &p->reader_features);
			p->nwriter_features = row_strings(r, PR_WFEAT, 0, i, a, &p->writer_features);
			if (p->min_reader_version < 0 || p->min_writer_version < 0)
				need = "protocol.minReaderVersion and minWriterVersion";
			break;
		}
		case DELTA_ACTION_METADATA: {
			struct delta_metadata *m = &x.u.metadata;
			m->id = str_of(a, row_value(r, MD_ID, i));
			m->name = str_of(a, row_value(r, MD_NAME, i));
			m->description = str_of(a, row_value(r, MD_DESC, i));
			m->format_provider = str_of(a, row_value(r, MD_PROVIDER, i));
			m->schema_string = str_of(a, row_value(r, MD_SCHEMA, i));
			m->npartition_columns = row_strings(r, MD_PARTCOLS, 0, i, a, &m->partition_columns);
			m->created_time = int_of(row_value(r, MD_CTIME, i), -1);
			if (row_map(r, MD_OPTIONS, i, a, &m->format_options, file, row, err) < 0 ||
			    row_map(r, MD_CONF, i, a, &m->configuration, file, row, err) < 0)
				return -1;
			for (int j = 0; j < m->npartition_columns; j++)
				if (m->partition_columns[j] == NULL)
					need = "metaData.partitionColumns without NULL elements";
			if (m->id == NULL || m->schema_string == NULL)
				need = "metaData.id and metaData.schemaString";
			if (m->format_provider == NULL)
				m->format_provider = "parquet";
			break;
		}
		case DELTA_ACTION_TXN:
			x.u.txn.app_id = str_of(a, row_value(r, TXN_APPID, i));
			x.u.txn.version = int_of(row_value(r, TXN_VERSION, i), -1);
			x.u.txn.last_updated = int_of(row_value(r, TXN_LASTUPDATED, i), -1);
			if (x.u.txn.app_id == NULL || x.u.txn.version < 0)
				need = "txn.appId and txn.version";
			break;
		case DELTA_ACTION_DOMAIN:
			x.u.domain.domain = str_of(a, row_value(r, DM_DOMAIN, i));
			x.u.domain.configuration = str_of(a, row_value(r, DM_CONF, i));
			x.u.domain.removed = int_of(row_value(r, DM_REMOVED, i), 0) != 0;
			if (x.u.domain.domain == NULL || x.u.domain.configuration == NULL)
				need = "domainMetadata.domain and configuration";
			break;
		case DELTA_ACTION_ADD: {
			struct delta_add *ad = &x.u.add;
			ad->path = str_of(a, row_value(r, ADD_PATH, i));
			ad->size = int_of(row_value(r, ADD_SIZE, i), -1);
			ad->modification_time = int_of(row_value(r, ADD_MTIME, i), 0);
			ad->data_change = int_of(row_value(r, ADD_DC, i), 0) != 0;
			ad->stats = str_of(a, row_value(r, ADD_STATS, i));
			ad->base_row_id = int_of(row_value(r, ADD_BRI, i), -1);
			ad->default_row_commit_version = int_of(row_value(r, ADD_DRCV, i), -1);
			if (row_map(r, ADD_PV, i, a, &ad->partition_values, file, row, err) < 0 ||
			    row_map(r, ADD_TAGS, i, a, &ad->tags, file, row, err) < 0)
				return -1;
			if (ad->path == NULL || ad->size < 0)
				need = "add.path and a non-negative add.size";
			break;
		}
		case DELTA_ACTION_REMOVE: {
			struct delta_remove *rm = &x.u.remove;
			rm->path = str_of(a, row_value(r, RM_PATH, i));
			rm->deletion_timestamp = int_of(row_value(r, RM_DTS, i), -1);
			rm->data_change = int_of(row_value(r, RM_DC, i), 0) != 0;
			rm->extended_file_metadata = int_of(row_value(r, RM_EXT, i), 0) != 0;
			rm->size = int_of(row_value(r, RM_SIZE, i), -1);
			rm->base_row_id = int_of(row_value(r, RM_BRI, i), -1);
			rm->default_row_commit_version = int_of(row_value(r, RM_DRCV, i), -1);
			if (row_map(r, RM_PV, i, a, &rm->partition_values, file, row, err) < 0)
				return -1;
			if (rm->path == NULL)
				need = "remove.path";
			break;
		}
		}
		if (need) {
			err_set(err, -1, "%s: row %lld: a %s action without %s", file, (long long)row,
			    defs[first_field(t)].path, need);
			return -1;
		}
		if (emit(st, &x, err) < 0)
			return -1;
	}
	return 0;
}

static int
read_file(const char *file, delta_checkpoint_emit_fn emit, void *st, struct wb_error *err)
{
	struct reader r;
	struct arena a;
	int rc = -1;
	arena_init(&a, 4096);
	if (reader_open(&r, file, err) < 0)
		goto done;
	int64_t row = 0;
	for (int g = 0; g < pq_nfile_row_groups(r.f); g++) {
		for (int f = 0; f < NFIELD; f++)
			for (int k = 0; k < 2; k++)
				if (r.l[f][k].c && pq_ncol_start(r.l[f][k].c, g, err) < 0)
					goto done;
		int64_t left = pq_nfile_rows(r.f, g);
		while (left > 0) {
			int n = left < WB_VEC_SIZE ? (int)left : WB_VEC_SIZE;
			for (int f = 0; f < NFIELD; f++)
				for (int k = 0; k < 2; k++)
					if (r.l[f][k].c && pq_ncol_read(r.l[f][k].c, n, &r.l[f][k].v, err) < 0)
						goto done;
			for (int i = 0; i < n; i++, row++) {
				arena_reset(&a);
				if (emit_row(&r, file, row, i, &a, emit, st, err) < 0)
					goto done;
			}
			left -= n;
		}
	}
	rc = 0;
done:
	reader_close(&r);
	arena_release(&a);
	return rc;
}

static int
ck_read(void *ctx, const char *const *files, int nfiles, delta_checkpoint_emit_fn emit, void *st,
    struct wb_error *err)
{
	(void)ctx;
	for (int i = 0; i < nfiles; i++)
		if (read_file(files[i], emit, st, err) < 0)
			return -1;
	return 0;
}

static const struct delta_checkpoint_io ck_io = {ck_read, ck_write, NULL};

void
lake_checkpoint_init(void)
{
	delta_checkpoint_io_set(&ck_io);
}

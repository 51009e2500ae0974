/*
 * pq_schema: the flattened schema tree of a footer -> wb's top-level
 * columns, each with the conversion that turns its leaf's physical values
 * into wb values (the table in pq.h). Groups and repeated fields are
 * columns of kind PQ_CV_NESTED that own a contiguous run of leaves.
 */
#include "store/parquet/pq_int.h"

#include <string.h>

static bool
is_leaf(const struct pq_schema_elem *e)
{
	return e->num_children <= 0 && e->type >= 0;
}

/* Count the leaves of the subtree at *i (advancing *i past it). */
static int
subtree_leaves(const struct pq_file_meta *m, int *i, int depth, const char **why)
{
	if (*i >= m->nschema) {
		*why = "the schema tree has fewer elements than its groups announce";
		return -1;
	}
	if (depth > 64) {
		*why = "the schema is nested too deeply";
		return -1;
	}
	const struct pq_schema_elem *e = &m->schema[(*i)++];
	if (is_leaf(e))
		return 1;
	if (e->num_children < 0 || (e->num_children == 0 && e->type < 0)) {
		/* an empty group holds no column chunk */
		return 0;
	}
	int total = 0;
	for (int c = 0; c < e->num_children; c++) {
		int k = subtree_leaves(m, i, depth + 1, why);
		if (k < 0)
			return -1;
		total += k;
	}
	return total;
}

static bool
is_unsigned(const struct pq_schema_elem *e)
{
	if (e->logical.kind == PQ_LT_INTEGER)
		return !e->logical.is_signed;
	return e->converted == PQ_CT_UINT_8 || e->converted == PQ_CT_UINT_16 ||
	    e->converted == PQ_CT_UINT_32 || e->converted == PQ_CT_UINT_64;
}

static bool
is_decimal(const struct pq_schema_elem *e)
{
	return e->logical.kind == PQ_LT_DECIMAL || e->converted == PQ_CT_DECIMAL;
}

static int32_t
decimal_scale(const struct pq_schema_elem *e)
{
	if (e->logical.kind == PQ_LT_DECIMAL)
		return e->logical.scale;
	return e->scale >= 0 ? e->scale : 0;
}

int
pq_schema_leaf_conv(const struct pq_schema_elem *e, bool binary_as_string, struct pq_col *c, const char **why)
{
	int lt = e->logical.kind, ct = e->converted;
	c->ptype = e->type;
	c->type_length = e->type_length;
	c->scale = decimal_scale(e);
	switch (e->type) {
	case PQ_BOOLEAN:
		c->conv = PQ_CV_BOOL;
		c->type = WB_TYPE_BOOL;
		return 0;
	case PQ_INT32:
		c->type = WB_TYPE_BIGINT;
		if (is_decimal(e)) {
			c->conv = PQ_CV_DEC32;
			c->type = WB_TYPE_DOUBLE;
		} else if (lt == PQ_LT_DATE || ct == PQ_CT_DATE) {
			c->conv = PQ_CV_DATE;
			c->type = WB_TYPE_DATE;
		} else if (lt == PQ_LT_TIME || ct == PQ_CT_TIME_MILLIS) {
			c->conv = PQ_CV_TIME_MS;
			c->type = WB_TYPE_VARCHAR;
		} else {
			c->conv = is_unsigned(e) ? PQ_CV_U32 : PQ_CV_I32;
		}
		return 0;
	case PQ_INT64:
		c->type = WB_TYPE_BIGINT;
		if (is_decimal(e)) {
			c->conv = PQ_CV_DEC64;
			c->type = WB_TYPE_DOUBLE;
		} else if (lt == PQ_LT_TIMESTAMP || ct == PQ_CT_TIMESTAMP_MILLIS || ct == PQ_CT_TIMESTAMP_MICROS) {
			int unit = lt == PQ_LT_TIMESTAMP ? e->logical.unit :
			    ct == PQ_CT_TIMESTAMP_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS;
			c->conv = unit == PQ_UNIT_MILLIS ? PQ_CV_TS_MS : unit == PQ_UNIT_NANOS ? PQ_CV_TS_NS : PQ_CV_TS_US;
			c->type = WB_TYPE_TIMESTAMP;
		} else if (lt == PQ_LT_TIME || ct == PQ_CT_TIME_MICROS) {
			int unit = lt == PQ_LT_TIME ? e->logical.unit : PQ_UNIT_MICROS;
			c->conv = unit == PQ_UNIT_NANOS ? PQ_CV_TIME_NS : PQ_CV_TIME_US;
			c->type = WB_TYPE_VARCHAR;
		} else {
			c->conv = is_unsigned(e) ? PQ_CV_U64 : PQ_CV_I64;
		}
		return 0;
	case PQ_INT96:
		c->conv = PQ_CV_INT96;
		c->type = WB_TYPE_TIMESTAMP;
		return 0;
	case PQ_FLOAT:
		c->conv = PQ_CV_F32;
		c->type = WB_TYPE_DOUBLE;
		return 0;
	case PQ_DOUBLE:
		c->conv = PQ_CV_F64;
		c->type = WB_TYPE_DOUBLE;
		return 0;
	case PQ_BYTE_ARRAY:
		if (is_decimal(e)) {
			c->conv = PQ_CV_DECBIN;
			c->type = WB_TYPE_DOUBLE;
		} else if (binary_as_string || lt == PQ_LT_STRING || lt == PQ_LT_ENUM || lt == PQ_LT_JSON ||
		    ct == PQ_CT_UTF8 || ct == PQ_CT_ENUM || ct == PQ_CT_JSON) {
			c->conv = PQ_CV_STRING;
			c->type = WB_TYPE_VARCHAR;
		} else {
			c->conv = PQ_CV_BLOB;
			c->type = WB_TYPE_VARCHAR;
		}
		return 0;
	case PQ_FLBA:
		if (e->type_length <= 0 || e->type_length > (1 << 24)) {
			*why = "a FIXED_LEN_BYTE_ARRAY column has no valid length";
			return -1;
		}
		if (is_decimal(e)) {
			c->conv = PQ_CV_DECBIN;
			c->type = WB_TYPE_DOUBLE;
		} else if (lt == PQ_LT_UUID && e->type_length == 16) {
			c->conv = PQ_CV_UUID;
			c->type = WB_TYPE_VARCHAR;
		} else if (lt == PQ_LT_FLOAT16 && e->type_length == 2) {
			c->conv = PQ_CV_F16;
			c->type = WB_TYPE_DOUBLE;
		} else if (ct == PQ_CT_INTERVAL && e->type_length == 12) {
			c->conv = PQ_CV_INTERVAL;
			c->type = WB_TYPE_INTERVAL;
		} else {
			c->conv = binary_as_string ? PQ_CV_STRING : PQ_CV_BLOB;
			c->type = WB_TYPE_VARCHAR;
		}
		return 0;
	default:
		*why = "a column has an unknown physical type";
		return -1;
	}
}

static bool
is_list_group(const struct pq_schema_elem *e)
{
	return !is_leaf(e) && (e->logical.kind == PQ_LT_LIST || e->converted == PQ_CT_LIST);
}

/*
 * The top-level field at schema[i] as a list of primitives, if it is one:
 *   repeated <prim> x                                   (bare, never NULL)
 *   <opt> group x (LIST) { repeated <prim> e }          (legacy 2-level)
 *   <opt> group x (LIST) { repeated group l { <opt> <prim> e } }   (standard)
 * except the legacy forms where the repeated group is itself the element
 * (named "array" or "x_tuple": a struct). Returns the number of schema
 * elements it spans, 0 if it is not such a list, -1 on error.
 */
static int
list_of(const struct pq_file_meta *m, int i, bool binary_as_string, struct pq_col *c, const char **why)
{
	const struct pq_schema_elem *e = &m->schema[i], *elem;
	int span, d_list = e->repetition == PQ_OPTIONAL ? 1 : 0, d_elem, max_def;
	if (is_leaf(e) && e->repetition == PQ_REPEATED) {
		elem = e;
		span = 1;
		d_list = 0;
		d_elem = max_def = 1;
	} else if (is_list_group(e) && e->num_children == 1 && i + 1 < m->nschema &&
	    m->schema[i + 1].repetition == PQ_REPEATED) {
		const struct pq_schema_elem *r = &m->schema[i + 1];
		if (is_leaf(r)) {
			elem = r;
			span = 2;
			d_elem = max_def = d_list + 1;
		} else {
			size_t nl = strlen(e->name);
			bool struct_elem = strcmp(r->name, "array") == 0 ||
			    (strncmp(r->name, e->name, nl) == 0 && strcmp(r->name + nl, "_tuple") == 0);
			if (struct_elem || r->num_children != 1 || i + 2 >= m->nschema || !is_leaf(&m->schema[i + 2]) ||
			    m->schema[i + 2].repetition == PQ_REPEATED)
				return 0;
			elem = &m->schema[i + 2];
			span = 3;
			d_elem = d_list + 1;
			max_def = d_elem + (elem->repetition == PQ_OPTIONAL ? 1 : 0);
		}
	} else {
		return 0;
	}
	if (pq_schema_leaf_conv(elem, binary_as_string, c, why) < 0)
		return -1;
	if (!type_is_elem(c->type))
		return 0;   /* a list of INTERVAL: wb has none */
	c->vtype = c->type;
	c->type = type_list_of(c->type);
	c->is_list = true;
	c->max_rep = 1;
	c->d_list = d_list;
	c->d_elem = d_elem;
	c->max_def = max_def;
	return span;
}

int
pq_schema_build(const struct pq_file_meta *m, bool binary_as_string, struct arena *a, struct pq_schema *out,
    const char **why)
{
	const struct pq_schema_elem *root = &m->schema[0];
	int n = root->num_children > 0 ? root->num_children : 0;
	memset(out, 0, sizeof *out);
	if (is_leaf(root)) {
		*why = "the schema root is not a group";
		return -1;
	}
	if (n > m->nschema - 1) {
		*why = "the schema root announces more columns than the schema holds";
		return -1;
	}
	out->cols = arena_zalloc(a, sizeof *out->cols * (size_t)(n ? n : 1));
	int i = 1, leaf = 0;
	for (int k = 0; k < n; k++) {
		struct pq_col *c = &out->cols[k];
		if (i >= m->nschema) {
			*why = "the schema tree has fewer elements than the root announces";
			return -1;
		}
		const struct pq_schema_elem *e = &m->schema[i];
		c->name = e->name;
		c->max_def = e->repetition == PQ_OPTIONAL ? 1 : 0;
		if (is_leaf(e) && e->repetition != PQ_REPEATED) {
			i++;
			if (pq_schema_leaf_conv(e, binary_as_string, c, why) < 0)
				return -1;
			c->vtype = c->type;
			c->leaf = leaf++;
			continue;
		}
		int span = list_of(m, i, binary_as_string, c, why);
		if (span < 0)
			return -1;
		if (span > 0) {
			/* the list's subtree is exactly span elements, one leaf */
			int j = i;
			if (subtree_leaves(m, &j, 0, why) != 1 || j != i + span) {
				*why = "a list's schema announces more fields than it has";
				return -1;
			}
			i += span;
			c->leaf = leaf++;
			continue;
		}
		memset(c, 0, sizeof *c);
		c->name = e->name;
		/* a group or a repeated leaf: not readable, but its leaves
		 * must be counted so that later columns find their chunks */
		int first = leaf;
		int nl = subtree_leaves(m, &i, 0, why);
		if (nl < 0)
			return -1;
		leaf += nl;
		c->conv = PQ_CV_NESTED;
		c->type = WB_TYPE_VARCHAR;
		c->leaf = nl > 0 ? first : -1;
		if (e->repetition == PQ_REPEATED)
			c->nested_what = "a repeated field";
		else if (e->logical.kind == PQ_LT_LIST || e->converted == PQ_CT_LIST)
			c->nested_what = "a list of lists or structs";
		else if (e->logical.kind == PQ_LT_MAP || e->converted == PQ_CT_MAP ||
		    e->converted == PQ_CT_MAP_KEY_VALUE)
			c->nested_what = "a map";
		else
			c->nested_what = "a struct";
	}
	out->ncol = n;
	out->nleaves = leaf;
	return 0;
}

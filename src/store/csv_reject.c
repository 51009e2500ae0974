/*
 * csv_reject: what happens to a bad row - an error that says where and
 * what to do, or (ignore_errors / store_rejects) a count and a kept copy.
 * Only error paths run here, so clarity wins over speed: line numbers are
 * counted from the last known point, the faulty column is found by
 * re-reading the row.
 */
#include "store/csv_int.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t
csv_reader_line(struct csv_src *cs, struct csv_reader *r, const char *base, size_t pos)
{
	if (r->lbase != base || pos < r->lpos) {
		r->lbase = base;
		if (r->streaming) {
			r->lpos = 0;
			r->lline = r->bline;
		} else {
			r->lpos = cs->files[r->file].data_start;
			r->lline = cs->files[r->file].data_line;
		}
		if (pos < r->lpos) {
			/* cannot happen for row starts; count from the top */
			r->lpos = 0;
			r->lline = 1;
		}
	}
	r->lline += csv_count_lines(base + r->lpos, pos - r->lpos, false);
	r->lpos = pos;
	return r->lline;
}

enum quote_problem { QP_NONE, QP_STRAY, QP_AFTER, QP_UNTERMINATED };

/* The first quoting problem in a row's text and its column. */
static enum quote_problem
diag_quote(const struct csv_dialect *d, const char *p, size_t n, int *col)
{
	const bool esc_mode = d->escape && d->escape != d->quote;
	int c = 0, qcol = 0;
	size_t fs = 0;
	bool inq = false;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (inq) {
			if (esc_mode && ch == d->escape) {
				i++;
			} else if (ch == d->quote) {
				if (!esc_mode && i + 1 < n && p[i + 1] == d->quote) {
					i++;
					continue;
				}
				inq = false;
				if (i + 1 < n && p[i + 1] != d->delim) {
					*col = c;
					return QP_AFTER;
				}
			}
			continue;
		}
		if (ch == d->delim) {
			c++;
			fs = i + 1;
		} else if (ch == d->quote && d->quote) {
			if (i != fs) {
				*col = c;
				return QP_STRAY;
			}
			inq = true;
			qcol = c;
		}
	}
	if (inq) {
		*col = qcol;
		return QP_UNTERMINATED;
	}
	return QP_NONE;
}

/* Column holding byte offset off of a row's text. */
static int
col_at(const struct csv_dialect *d, const char *p, size_t n, size_t off)
{
	int c = 0;
	bool inq = false;
	for (size_t i = 0; i < n && i < off; i++) {
		if (d->quote && p[i] == d->quote)
			inq = !inq;
		else if (!inq && p[i] == d->delim)
			c++;
	}
	return c;
}

/* Name of column col for messages ("field 12" past the last column). */
static const char *
col_name(struct csv_src *cs, int col, char *buf, size_t n)
{
	if (col >= 0 && col < cs->ncol_file)
		return cs->s.names[col];
	snprintf(buf, n, "field %d", col + 1);
	return buf;
}

static const char skip_hint[] = "ignore_errors=true or store_rejects=true to skip such rows";

int
csv_report(struct csv_src *cs, struct csv_reader *r, enum csv_bad_kind kind,
    const char *row_p, size_t row_n, int64_t line, int col, const char *value, size_t value_n,
    long extra, struct wb_error *err)
{
	struct strbuf body = STRBUF_INIT, hint = STRBUF_INIT;
	const struct csv_dialect *d = &cs->sn.d;
	const char *fname = cs->files[r->file].path;
	enum quote_problem qp;
	char delim[3] = {d->delim, 0, 0};
	char cbuf[32];

	if (d->delim == '\t')
		memcpy(delim, "\\t", 3);
	switch (kind) {
	case CSV_BAD_FIELDS:
		sb_printf(&body, "expected %d field%s but found %ld", cs->ncol_file,
		    cs->ncol_file == 1 ? "" : "s", extra);
		sb_printf(&hint, "check the delimiter ('%s') and the quoting, or set %s", delim, skip_hint);
		col = -1;
		break;
	case CSV_BAD_QUOTE:
	case CSV_BAD_UNTERMINATED:
		col = 0;
		qp = diag_quote(d, row_p, row_n, &col);
		if (qp == QP_UNTERMINATED || (qp == QP_NONE && kind == CSV_BAD_UNTERMINATED))
			sb_printf(&body, "column \"%s\": quoted field is never closed (the file ends inside it)",
			    col_name(cs, col, cbuf, sizeof cbuf));
		else if (qp == QP_AFTER)
			sb_printf(&body, "column \"%s\": unexpected text after the closing quote",
			    col_name(cs, col, cbuf, sizeof cbuf));
		else
			sb_printf(&body, "column \"%s\": quote character inside an unquoted field",
			    col_name(cs, col, cbuf, sizeof cbuf));
		sb_printf(&hint, "enclose such fields in quotes and double the quotes inside them, "
		    "set quote='' if the file does not use quoting, or set %s", skip_hint);
		break;
	case CSV_BAD_UTF8:
		col = col_at(d, row_p, row_n, (size_t)extra);
		sb_printf(&body, "column \"%s\": invalid UTF-8 (byte 0x%02x)", col_name(cs, col, cbuf, sizeof cbuf),
		    (unsigned char)row_p[extra]);
		sb_printf(&hint, "the file must be UTF-8: convert it (e.g. iconv -f latin1 -t utf-8), "
		    "or set %s", skip_hint);
		break;
	case CSV_BAD_TOOLONG:
		sb_printf(&body, "row longer than max_line_size (%lld bytes)%s", (long long)cs->max_line,
		    extra ? "; a quoted field in it is never closed" : "");
		sb_printf(&hint, "raise max_line_size or check the quote character, or set %s", skip_hint);
		col = -1;
		break;
	case CSV_BAD_CONVERT:
		sb_printf(&body, "column \"%s\": could not convert ", cs->s.names[col]);
		csv_quote_value(&body, value, value_n, 100);
		sb_printf(&body, " to %s", type_name(cs->s.types[col]));
		if (cs->sn.inferred[col])
			sb_printf(&hint, "the type was inferred from the first %lld rows%s%s; ",
			    (long long)cs->sn.sample_rows, cs->nfiles > 1 ? " of " : "",
			    cs->nfiles > 1 ? cs->first_name : "");
		sb_printf(&hint, "set types={'%s':'VARCHAR'}, ignore_errors=true or store_rejects=true",
		    cs->s.names[col]);
		break;
	}
	if (!cs->ignore_errors) {
		err_set(err, -1, "%s:%lld: %s (%s)", fname, (long long)line, sb_str(&body), sb_str(&hint));
		sb_free(&body);
		sb_free(&hint);
		return -1;
	}
	atomic_fetch_add(&cs->nrejected, 1);
	if (cs->store_rejects) {
		struct csv_reject rj;
		rj.file = r->file;
		rj.line = line;
		rj.column = col >= 0 ? xstrdup(col_name(cs, col, cbuf, sizeof cbuf)) : NULL;
		rj.error = sb_detach(&body);
		rj.original = xstrndup(row_p, row_n);
		pthread_mutex_lock(&cs->mu);
		cs->rej = xgrow(cs->rej, &cs->caprej, cs->nrej + 1, sizeof *cs->rej);
		cs->rej[cs->nrej++] = rj;
		pthread_mutex_unlock(&cs->mu);
	}
	sb_free(&body);
	sb_free(&hint);
	return 0;
}

static int
cmp_reject(const void *a, const void *b)
{
	const struct csv_reject *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

struct rowset *
csv_source_rejects(struct source *s)
{
	struct csv_src *cs = s->impl;
	static char *names[] = {"file", "line", "column", "error", "original"};
	static const wb_type types[] = {WB_TYPE_VARCHAR, WB_TYPE_BIGINT, WB_TYPE_VARCHAR,
		WB_TYPE_VARCHAR, WB_TYPE_VARCHAR};
	struct rowset *rs;
	struct chunk c;

	pthread_mutex_lock(&cs->mu);
	if (!cs->store_rejects || cs->nrej == 0) {
		pthread_mutex_unlock(&cs->mu);
		return NULL;
	}
	qsort(cs->rej, cs->nrej, sizeof *cs->rej, cmp_reject);
	rs = rowset_new(5, names, types);
	chunk_init(&c, 5, types);
	for (size_t i = 0; i < cs->nrej; i += WB_VEC_SIZE) {
		int n = (int)(cs->nrej - i < WB_VEC_SIZE ? cs->nrej - i : WB_VEC_SIZE);
		chunk_reset(&c);
		for (int k = 0; k < n; k++) {
			const struct csv_reject *rj = &cs->rej[i + (size_t)k];
			vec_str(&c.cols[0])[k] = wb_str_c(cs->files[rj->file].path);
			vec_i64(&c.cols[1])[k] = rj->line;
			if (rj->column != NULL) {
				vec_str(&c.cols[2])[k] = wb_str_c(rj->column);
			} else {
				vec_str(&c.cols[2])[k] = wb_str_c("");
				vec_set_null(&c.cols[2], k);
			}
			vec_str(&c.cols[3])[k] = wb_str_c(rj->error);
			vec_str(&c.cols[4])[k] = wb_str_c(rj->original);
		}
		for (int col = 0; col < 5; col++)
			c.cols[col].n = n;
		c.n = n;
		rowset_append(rs, &c, 0, n);
	}
	chunk_free(&c);
	pthread_mutex_unlock(&cs->mu);
	return rs;
}

int64_t
csv_source_rows_rejected(struct source *s)
{
	struct csv_src *cs = s->impl;
	return atomic_load(&cs->nrejected);
}

/*
 * csv_sniff: decide the dialect, the header and the column types from the
 * start of the first file (see csv.h for the rules), using the same
 * tokenizer as the scan so both agree on what a row is.
 */
#include "store/csv_int.h"
#include "core/strbuf.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Inference candidates, in priority order. */
static const wb_type cand_types[] = {
	WB_TYPE_BOOL, WB_TYPE_BIGINT, WB_TYPE_DOUBLE, WB_TYPE_DATE, WB_TYPE_TIMESTAMP,
};
#define NCAND 5
#define CAND_ALL ((1u << NCAND) - 1)

size_t
csv_bom_len(const char *buf, size_t n)
{
	return n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Position after the terminator at pos (LF, CRLF or CR). */
static size_t
after_term(const char *buf, size_t n, size_t pos)
{
	if (pos < n && buf[pos] == '\r') {
		pos++;
		if (pos < n && buf[pos] == '\n')
			pos++;
		return pos;
	}
	return pos < n && buf[pos] == '\n' ? pos + 1 : pos;
}

size_t
csv_skip_lines(const char *buf, size_t n, size_t pos, int64_t lines)
{
	while (lines > 0 && pos < n) {
		const char *lf = memchr(buf + pos, '\n', n - pos);
		const char *cr = memchr(buf + pos, '\r', n - pos);
		const char *t = lf == NULL ? cr : cr == NULL ? lf : lf < cr ? lf : cr;
		if (t == NULL)
			return n;
		pos = after_term(buf, n, (size_t)(t - buf));
		lines--;
	}
	return pos;
}

void
csv_quote_value(struct strbuf *sb, const char *p, size_t n, size_t max)
{
	sb_putc(sb, '\'');
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n')
			sb_puts(sb, "\\n");
		else if (c == '\r')
			sb_puts(sb, "\\r");
		else if (c == '\t')
			sb_puts(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(sb, "\\x%02x", c);
		else
			sb_putc(sb, (char)c);
	}
	if (n > max)
		sb_puts(sb, "...");
	sb_putc(sb, '\'');
}

static const char *
delim_name(char d)
{
	static char buf[8][8];
	static int k;
	if (d == '\t')
		return "\\t";
	char *b = buf[k++ & 7];
	b[0] = d;
	b[1] = '\0';
	return b;
}

/* NUL bytes mean binary data (or UTF-16, which wb does not read). */
static int
check_text(const char *buf, size_t n, const char *fname, struct wb_error *err)
{
	size_t lim = n < (1u << 20) ? n : (1u << 20);
	const char *z = lim > 0 ? memchr(buf, '\0', lim) : NULL;
	if (z != NULL) {
		err_set(err, -1, "%s: does not look like a CSV text file (NUL byte at offset %zu); "
		    "wb reads UTF-8 text, plain or gzip-compressed", fname, (size_t)(z - buf));
		return -1;
	}
	return 0;
}

/* Field (r, c) unquoted and unescaped, as a malloc'd string; *isnull for
 * an empty unquoted field or a null string. */
static char *
field_dup(const struct csv_tok *t, int r, int c, const struct csv_dialect *d,
    const struct csv_nulls *nl, bool *isnull)
{
	uint32_t s = csv_tok_fstart(t, r, c), e = csv_tok_fend(t, r, c);
	const char *p = t->org + s;
	size_t n = e - s;
	if (n > 0 && d->quote && *p == d->quote) {
		size_t m = n >= 2 ? n - 2 : 0;
		char *out = xmalloc(m + 1);
		m = csv_unescape(out, p + 1, m, d);
		out[m] = '\0';
		*isnull = false;
		return out;
	}
	*isnull = n == 0 || (nl->n > 0 && csv_is_null(nl, p, n, false));
	return xstrndup(p, n);
}

static unsigned
fits_mask(const char *p, size_t n, unsigned cand)
{
	for (int k = 0; k < NCAND; k++)
		if ((cand >> k & 1) && !csv_value_fits(cand_types[k], p, n))
			cand &= ~(1u << k);
	return cand;
}

static wb_type
cand_pick(unsigned cand, bool seen)
{
	if (!seen)
		return WB_TYPE_VARCHAR;
	for (int k = 0; k < NCAND; k++)
		if (cand >> k & 1)
			return cand_types[k];
	return WB_TYPE_VARCHAR;
}

/* Sniff the delimiter: the candidate whose rows most consistently have
 * the same number (> 1) of fields. */
static char
sniff_delim(const char *buf, size_t off, size_t n, bool whole, const struct csv_options *o)
{
	static const char cands[] = {',', '|', ';', '\t'};
	char best = ',';
	long best_score[3] = {-1, -1, -1};
	for (size_t k = 0; k < sizeof cands; k++) {
		struct csv_dialect d = {cands[k], o->quote, o->escape ? o->escape : o->quote};
		struct csv_tok t;
		enum csv_tok_status st;
		csv_tok_init(&t, &d, 1, 100, false, o->max_line_size);
		csv_tok_run(&t, buf, off, n, n, whole, &st);
		/* mode of the field counts */
		long mode = 0, mode_rows = 0;
		for (int i = 0; i < t.nrows; i++) {
			long cnt = 0;
			for (int j = 0; j < t.nrows; j++)
				cnt += t.nf[j] == t.nf[i];
			if (cnt > mode_rows || (cnt == mode_rows && (long)t.nf[i] > mode)) {
				mode_rows = cnt;
				mode = t.nf[i];
			}
		}
		csv_tok_free(&t);
		long score[3] = {mode > 1, mode_rows, mode};
		if (score[0] > best_score[0] || (score[0] == best_score[0] &&
		    (score[1] > best_score[1] || (score[1] == best_score[1] && score[2] > best_score[2])))) {
			memcpy(best_score, score, sizeof score);
			best = cands[k];
		}
	}
	return best;
}

static void
dedupe_names(char **names, int n)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (strcasecmp(names[i], names[j]) != 0)
				continue;
			/* find a free suffix */
			for (int k = 1;; k++) {
				char *cand = xasprintf("%s_%d", names[i], k);
				bool used = false;
				for (int m = 0; m < n && !used; m++)
					used = m != i && strcasecmp(names[m], cand) == 0;
				if (!used) {
					free(names[i]);
					names[i] = cand;
					break;
				}
				free(cand);
			}
			break;
		}
	}
}

static bool
type_ok_for_csv(wb_type t)
{
	return t == WB_TYPE_BOOL || t == WB_TYPE_BIGINT || t == WB_TYPE_DOUBLE ||
	    t == WB_TYPE_VARCHAR || t == WB_TYPE_DATE || t == WB_TYPE_TIMESTAMP;
}

int
csv_sniff_run(const char *buf, size_t n, bool whole, const struct csv_options *o,
    const char *fname, struct csv_sniff *out, struct wb_error *err)
{
	struct csv_nulls nl = {0};
	struct csv_tok t;
	enum csv_tok_status st;
	char **first = NULL;
	bool *first_null = NULL;
	unsigned *cand = NULL;
	bool *seen = NULL;
	int rc = -1;
	size_t off, pos, first_start = 0, first_next = 0, data_end = 0;
	int64_t rows = 0;
	int ncol = 0;

	memset(out, 0, sizeof *out);
	memset(&t, 0, sizeof t);
	if (n == 0 && whole) {
		err_set(err, -1, "%s: the file is empty (no header and no rows)", fname);
		return -1;
	}
	if (check_text(buf, n, fname, err) < 0)
		return -1;
	off = csv_bom_len(buf, n);
	off = csv_skip_lines(buf, n, off, o->skip);

	out->d.quote = o->quote;
	out->d.escape = o->escape ? o->escape : o->quote;
	out->d.delim = o->delim ? o->delim : !o->auto_detect ? ',' : sniff_delim(buf, off, n, whole, o);
	if (out->d.delim == out->d.quote || out->d.delim == out->d.escape || out->d.delim == '\n' ||
	    out->d.delim == '\r') {
		err_set(err, -1, "%s: the delimiter %s cannot be the quote or escape character or a line break",
		    fname, delim_name(out->d.delim));
		return -1;
	}
	nl.n = o->nnull_strings;
	if (nl.n > 0) {
		nl.s = o->null_strings;
		nl.len = xmalloc(sizeof(uint32_t) * (size_t)nl.n);
		for (int i = 0; i < nl.n; i++) {
			nl.len[i] = (uint32_t)strlen(o->null_strings[i]);
			nl.empty_is_null |= nl.len[i] == 0;
		}
	}

	/* The first row fixes the number of columns. */
	csv_tok_init(&t, &out->d, 1, 1, false, o->max_line_size);
	csv_tok_run(&t, buf, off, n, n, whole, &st);
	if (st == CSV_TOK_TOOLONG) {
		err_set(err, -1, "%s:%lld: the first row is longer than max_line_size (%lld bytes)%s",
		    fname, (long long)(1 + csv_count_lines(buf, t.long_start, false)),
		    (long long)o->max_line_size,
		    t.long_in_quote ? "; a quote in it is never closed" : "");
		goto out;
	}
	if (t.nrows == 0) {
		if (!whole) {
			rc = 1;  /* need more input */
			goto out;
		}
		if (off >= n && o->skip > 0)
			err_set(err, -1, "%s: no rows left after skipping %lld lines", fname, (long long)o->skip);
		else
			err_set(err, -1, "%s: the file is empty (no header and no rows)", fname);
		goto out;
	}
	ncol = (int)t.nf[0];
	csv_tok_free(&t);
	if (o->ncolumns > 0 && ncol != o->ncolumns) {
		err_set(err, -1, "%s: the file has %d column%s (delimiter '%s') but columns= lists %d",
		    fname, ncol, ncol == 1 ? "" : "s", delim_name(out->d.delim), o->ncolumns);
		goto out;
	}
	if (ncol > CSV_MAX_COLUMNS) {
		err_set(err, -1, "%s: the first row has %d fields; wb reads at most %d columns", fname,
		    ncol, CSV_MAX_COLUMNS);
		goto out;
	}

	/* Sample: the first row aside, then up to sample_rows rows. */
	first = xcalloc((size_t)ncol, sizeof *first);
	first_null = xcalloc((size_t)ncol, sizeof *first_null);
	cand = xcalloc((size_t)ncol, sizeof *cand);
	seen = xcalloc((size_t)ncol, sizeof *seen);
	for (int c = 0; c < ncol; c++)
		cand[c] = CAND_ALL;
	csv_tok_init(&t, &out->d, ncol, 2048, ncol == 1, o->max_line_size);
	pos = off;
	bool got_first = false;
	while (rows < o->sample_rows) {
		size_t next = csv_tok_run(&t, buf, pos, n, n, whole, &st);
		for (int r = 0; r < t.nrows && rows < o->sample_rows; r++) {
			if (!got_first) {
				if (t.flags[r] & (CSV_RF_BADQUOTE | CSV_RF_UNTERMINATED)) {
					err_set(err, -1, "%s:%lld: the first row is malformed (%s)", fname,
					    (long long)(1 + csv_count_lines(buf, (size_t)(t.org - buf) + t.rstart[r], false)),
					    (t.flags[r] & CSV_RF_UNTERMINATED) ? "a quoted field is never closed" :
					    "a quote inside an unquoted field, or text after a closing quote");
					goto out;
				}
				for (int c = 0; c < ncol; c++)
					first[c] = field_dup(&t, r, c, &out->d, &nl, &first_null[c]);
				first_start = (size_t)(t.org - buf) + t.rstart[r];
				first_next = after_term(buf, n, (size_t)(t.org - buf) + t.rend[r]);
				got_first = true;
				continue;
			}
			rows++;
			data_end = after_term(buf, n, (size_t)(t.org - buf) + t.rend[r]);
			if ((int)t.nf[r] != ncol || (t.flags[r] & (CSV_RF_BADQUOTE | CSV_RF_UNTERMINATED)))
				continue;  /* reported by the scan */
			for (int c = 0; c < ncol; c++) {
				if (cand[c] == 0 && seen[c])
					continue;
				uint32_t s = csv_tok_fstart(&t, r, c), e = csv_tok_fend(&t, r, c);
				const char *p = t.org + s;
				size_t len = e - s;
				if (len > 0 && out->d.quote && *p == out->d.quote) {
					p++;
					len = len >= 2 ? len - 2 : 0;
					if (len == 0)
						continue;   /* "" fits every type (NULL outside VARCHAR) */
				} else if (len == 0 || (nl.n > 0 && csv_is_null(&nl, p, len, false))) {
					continue;
				}
				seen[c] = true;
				cand[c] = fits_mask(p, len, cand[c]);
			}
		}
		pos = next;
		/* a row too long for max_line_size ends the sample; the scan
		 * reports it (or skips it with ignore_errors) */
		if (st != CSV_TOK_FULL)
			break;
	}
	if (!got_first) {
		rc = 1;
		goto out;
	}

	/* Types: explicit schema, or inferred. */
	out->ncol = ncol;
	out->names = xcalloc((size_t)ncol, sizeof(char *));
	out->types = xcalloc((size_t)ncol, sizeof(wb_type));
	out->inferred = xcalloc((size_t)ncol, sizeof(bool));
	for (int c = 0; c < ncol; c++) {
		if (o->ncolumns > 0) {
			out->types[c] = o->columns[c].type;
		} else {
			out->types[c] = o->auto_detect ? cand_pick(cand[c], seen[c]) : WB_TYPE_VARCHAR;
			out->inferred[c] = o->auto_detect;
		}
	}

	/* Header. */
	if (o->header >= 0 || !o->auto_detect) {
		out->header = o->header == 1;
	} else if (rows == 0 && o->ncolumns == 0) {
		/* a single row: a header if it holds only text */
		bool text = true;
		for (int c = 0; c < ncol && text; c++)
			text = !first_null[c] && fits_mask(first[c], strlen(first[c]), CAND_ALL) == 0;
		out->header = text;
	} else {
		bool all_varchar = true, mismatch = false, any_null = false, same_names = true;
		for (int c = 0; c < ncol; c++) {
			all_varchar &= out->types[c] == WB_TYPE_VARCHAR;
			any_null |= first_null[c];
			if (!first_null[c] && !csv_value_fits(out->types[c], first[c], strlen(first[c])))
				mismatch = true;
			if (o->ncolumns > 0)
				same_names &= strcasecmp(first[c], o->columns[c].name) == 0;
		}
		if (mismatch)
			out->header = true;
		else if (o->ncolumns > 0)
			out->header = same_names;
		else
			out->header = all_varchar && !any_null;
	}
	if (!out->header && o->auto_detect && o->ncolumns == 0) {
		/* the first row is data: let it take part in inference */
		for (int c = 0; c < ncol; c++) {
			if (first_null[c])
				continue;
			cand[c] = fits_mask(first[c], strlen(first[c]), seen[c] ? cand[c] : CAND_ALL);
			seen[c] = true;
			out->types[c] = cand_pick(cand[c], true);
		}
		rows++;
	}
	if (o->all_varchar)
		for (int c = 0; c < ncol; c++)
			out->types[c] = WB_TYPE_VARCHAR;

	/* Names. */
	for (int c = 0; c < ncol; c++) {
		if (o->ncolumns > 0)
			out->names[c] = xstrdup(o->columns[c].name);
		else if (out->header && first[c][0] != '\0')
			out->names[c] = xstrdup(first[c]);
		else
			out->names[c] = xasprintf("column%d", c);
	}
	dedupe_names(out->names, ncol);
	if (out->header) {
		for (int c = 0; c < ncol; c++) {
			if (csv_utf8_check(out->names[c], strlen(out->names[c])) >= 0) {
				err_set(err, -1, "%s:%lld: the header is not valid UTF-8 (column %d); "
				    "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)", fname,
				    (long long)(1 + csv_count_lines(buf, first_start, false)), c + 1);
				goto out;
			}
		}
	}

	/* Per-name type overrides. */
	for (int i = 0; i < o->ntypes; i++) {
		int c;
		for (c = 0; c < ncol; c++)
			if (strcmp(out->names[c], o->types[i].name) == 0)
				break;
		if (c == ncol)
			for (c = 0; c < ncol; c++)
				if (strcasecmp(out->names[c], o->types[i].name) == 0)
					break;
		if (c == ncol) {
			struct strbuf sb = STRBUF_INIT;
			for (int k = 0; k < ncol; k++)
				sb_printf(&sb, "%s%s", k ? ", " : "", out->names[k]);
			err_set(err, -1, "%s: types= names a column '%s' that the file does not have "
			    "(columns: %s)", fname, o->types[i].name, sb_str(&sb));
			sb_free(&sb);
			goto out;
		}
		out->types[c] = o->types[i].type;
		out->inferred[c] = false;
	}
	for (int c = 0; c < ncol; c++) {
		if (!type_ok_for_csv(out->types[c])) {
			err_set(err, -1, "%s: column \"%s\": a CSV column cannot be of type %s "
			    "(use BOOLEAN, BIGINT, DOUBLE, VARCHAR, DATE or TIMESTAMP)", fname,
			    out->names[c], type_name(out->types[c]));
			goto out;
		}
	}

	out->data_start = out->header ? first_next : first_start;
	out->data_line = 1 + csv_count_lines(buf, out->data_start,
	    out->data_start < n && buf[out->data_start] == '\n');
	out->sample_rows = rows;
	if (rows > 0 && data_end > out->data_start)
		out->row_bytes = (double)(data_end - (out->header ? first_next : first_start)) /
		    (double)rows;
	else
		out->row_bytes = 100;
	rc = 0;
out:
	csv_tok_free(&t);
	if (first != NULL)
		for (int c = 0; c < ncol; c++)
			free(first[c]);
	free(first);
	free(first_null);
	free(cand);
	free(seen);
	free(nl.len);
	if (rc != 0 && rc != 1)
		csv_sniff_free(out);
	if (rc == 1)
		csv_sniff_free(out);
	return rc;
}

void
csv_sniff_free(struct csv_sniff *sn)
{
	if (sn->names != NULL)
		for (int c = 0; c < sn->ncol; c++)
			free(sn->names[c]);
	free(sn->names);
	free(sn->types);
	free(sn->inferred);
	sn->names = NULL;
	sn->types = NULL;
	sn->inferred = NULL;
	sn->ncol = 0;
}

int
csv_sniff_follow(const char *buf, size_t n, bool whole, const struct csv_sniff *first,
    const struct csv_options *o, const char *fname, const char *firstname,
    size_t *data_start, int64_t *data_line, struct wb_error *err)
{
	struct csv_tok t;
	enum csv_tok_status st;
	size_t off;

	if (check_text(buf, n, fname, err) < 0)
		return -1;
	off = csv_bom_len(buf, n);
	off = csv_skip_lines(buf, n, off, o->skip);
	csv_tok_init(&t, &first->d, 1, 1, first->ncol == 1, o->max_line_size);
	csv_tok_run(&t, buf, off, n, n, whole, &st);
	if (t.nrows == 0) {
		csv_tok_free(&t);
		if (!whole && st != CSV_TOK_TOOLONG)
			return 1;
		if (st == CSV_TOK_TOOLONG) {
			err_set(err, -1, "%s:%lld: the first row is longer than max_line_size (%lld bytes)",
			    fname, (long long)(1 + csv_count_lines(buf, t.long_start, false)),
			    (long long)o->max_line_size);
			return -1;
		}
		*data_start = n;
		*data_line = 1 + csv_count_lines(buf, n, false);
		return 0;
	}
	if ((int)t.nf[0] != first->ncol) {
		err_set(err, -1, "%s has %d column%s but %s has %d (delimiter '%s'); all files read "
		    "together must have the same columns in the same order", fname, (int)t.nf[0],
		    t.nf[0] == 1 ? "" : "s", firstname, first->ncol, delim_name(first->d.delim));
		csv_tok_free(&t);
		return -1;
	}
	size_t start = (size_t)(t.org - buf) + t.rstart[0];
	*data_start = first->header ? after_term(buf, n, (size_t)(t.org - buf) + t.rend[0]) : start;
	*data_line = 1 + csv_count_lines(buf, *data_start,
	    *data_start < n && buf[*data_start] == '\n');
	csv_tok_free(&t);
	return 0;
}

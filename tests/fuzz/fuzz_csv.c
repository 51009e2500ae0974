/*
 * fuzz_csv: libFuzzer target for the CSV reader (not part of make check).
 *
 * Build and run from the top of the source tree:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -DWB_SRCDIR='"."' \
 *       -I src -I . tests/fuzz/fuzz_csv.c src/store/csv_[a-z]*.c src/store/source.c \
 *       src/core/[a-z]*.c -lz -lm -lpthread -o /tmp/fuzz_csv
 *   mkdir -p /tmp/fuzz-corpus && cp tests/data/csv/[a-z]*.csv /tmp/fuzz-corpus/
 *   /tmp/fuzz_csv -max_total_time=180 -max_len=4096 /tmp/fuzz-corpus
 *
 * Each input is written to a temporary file and scanned fully with one
 * reader: once with the default options, then differentially - with
 * ignore_errors and a tiny morsel size (so the parity-based splitting runs
 * on every few bytes) against the same options in one morsel; the two must
 * produce exactly the same rows and reject counts, or the target aborts.
 * Crashing inputs go to tests/data/csv/fuzz/ (test_csv scans each).
 */
#include "core/strbuf.h"
#include "core/vector.h"
#include "store/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Scan everything with one reader; the rows as text into out (NULL ok). */
static int
scan(const char *path, const struct csv_options *o, struct strbuf *out, int64_t *rejected)
{
	struct wb_error err = WB_ERROR_INIT;
	struct source *s = csv_source_open(path, o, &err);
	int rc = 0;
	if (s == NULL) {
		if (err.msg == NULL || err.msg[0] == '\0')
			abort();   /* every failure must say why */
		err_clear(&err);
		return -1;
	}
	if (s->ops->start(s, &err) < 0) {
		err_clear(&err);
		source_free(s);
		return -1;
	}
	wb_type types[64];
	int cols[64];
	int nproj = s->nproj < 64 ? s->nproj : 64;
	for (int k = 0; k < nproj; k++) {
		cols[k] = s->proj[k];
		types[k] = s->types[cols[k]];
	}
	source_project(s, cols, nproj);   /* (source_project must not get s->proj itself) */
	void *r = s->ops->reader_new(s);
	struct chunk c;
	chunk_init(&c, nproj, types);
	int n;
	while ((n = s->ops->next(s, r, &c, &err)) > 0) {
		for (int i = 0; out != NULL && i < n; i++) {
			for (int k = 0; k < nproj; k++) {
				struct wb_value v;
				vec_get(&c.cols[k], i, &v);
				value_format(&v, out, "\\N");
				sb_putc(out, '|');
			}
			sb_putc(out, '\n');
		}
	}
	if (n < 0) {
		if (err.msg == NULL || err.msg[0] == '\0')
			abort();
		rc = -1;
	}
	err_clear(&err);
	*rejected = csv_source_rows_rejected(s);
	struct rowset *rj = csv_source_rejects(s);
	rowset_free(rj);
	chunk_free(&c);
	s->ops->reader_free(s, r);
	source_free(s);
	return rc;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char path[] = "/tmp/fuzz_csv_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);

	struct csv_options o;
	int64_t rej1 = 0, rej2 = 0;
	csv_options_init(&o);
	o.progress = false;
	scan(path, &o, NULL, &rej1);

	/* differential: many tiny morsels vs one */
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	o.store_rejects = true;
	o.sample_rows = 3;
	o.max_line_size = 200;
	o.block_size = 7;
	int ra = scan(path, &o, &a, &rej1);
	o.block_size = (int64_t)1 << 40;
	int rb = scan(path, &o, &b, &rej2);
	if (ra != rb || (ra == 0 && (a.len != b.len || (a.len && memcmp(a.s, b.s, a.len) != 0) ||
	    rej1 != rej2))) {
		fprintf(stderr, "split scan differs from serial scan (rc %d/%d, rejects %lld/%lld)\n--- split\n%s--- serial\n%s",
		    ra, rb, (long long)rej1, (long long)rej2, sb_str(&a), sb_str(&b));
		abort();
	}
	sb_free(&a);
	sb_free(&b);

	/* escapes, no header */
	o.escape = '\\';
	o.header = 0;
	o.block_size = 0;
	scan(path, &o, NULL, &rej1);
	csv_options_free(&o);
	unlink(path);
	return 0;
}

/*
 * fuzz_parquet: libFuzzer target for the Parquet reader (not part of make
 * check).
 *
 * Build and run from the top of the source tree (after ./configure):
 *
 *   tests/fuzz/build.sh parquet
 *   mkdir -p /tmp/pq-corpus && cp ../shared/data/parquet/*.parquet tests/data/parquet/*.parquet /tmp/pq-corpus/
 *   /tmp/wb-fuzz/fuzz_parquet -max_total_time=600 -max_len=65536 -rss_limit_mb=2048 /tmp/pq-corpus
 *
 * Each input is decoded three ways: as a footer (pq_meta_decode) and as a
 * page header, straight from the bytes, which reaches every Thrift path
 * without needing a valid file around it; then written to a temporary
 * file and scanned with every flat column projected, and once more with
 * binary_as_string and only the first column. Every failure must come with
 * a message that names the file; anything else (a crash, a leak, undefined
 * behaviour, a message without the file) is a finding. Inputs that crashed
 * go to tests/data/parquet/fuzz/ (test_parquet reads each).
 */
#include "core/arena.h"
#include "core/vector.h"
#include "store/parquet/pq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
scan(const char *path, bool bin_str, bool first_only)
{
	char *paths[1] = {(char *)path};
	struct pq_read_options o;
	struct wb_error err = WB_ERROR_INIT;
	pq_read_options_init(&o);
	o.binary_as_string = bin_str;
	o.file_row_number = first_only;
	struct source *s = pq_source_open(paths, 1, &o, &err);
	if (s == NULL) {
		if (err.msg == NULL || strstr(err.msg, path) == NULL)
			abort();   /* every failure must name the file */
		err_clear(&err);
		return;
	}
	int cols[512], n = 0;
	wb_type types[512];
	for (int c = 0; c < s->ncol && n < 512; c++) {
		if (first_only && c > 0 && c != s->ncol - 1)
			continue;
		cols[n] = c;
		types[n++] = s->types[c];
	}
	source_project(s, cols, n);
	if (s->ops->start(s, &err) < 0) {
		/* nested columns: keep the ones start() accepts, one by one */
		err_clear(&err);
		int m = 0;
		for (int k = 0; k < n; k++) {
			source_project(s, &cols[k], 1);
			if (s->ops->start(s, &err) == 0) {
				cols[m] = cols[k];
				types[m++] = types[k];
			}
			err_clear(&err);
		}
		n = m;
		source_project(s, cols, n);
	}
	void *r = s->ops->reader_new(s);
	struct chunk c;
	chunk_init(&c, n, types);
	int k;
	int64_t rows = 0;
	while ((k = s->ops->next(s, r, &c, &err)) > 0) {
		for (int j = 0; j < n; j++)
			for (int i = 0; i < k; i++) {
				struct wb_value v;
				vec_get(&c.cols[j], i, &v);
				if (!v.is_null && v.type == WB_TYPE_VARCHAR && v.u.s.n)
					(void)*(volatile const char *)&v.u.s.p[v.u.s.n - 1];
			}
		rows += k;
		if (rows > (int64_t)1 << 22)
			break;   /* a footer may promise billions of rows of nothing */
	}
	if (k < 0 && (err.msg == NULL || strstr(err.msg, path) == NULL))
		abort();
	err_clear(&err);
	chunk_free(&c);
	s->ops->reader_free(s, r);
	source_free(s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* the Thrift decoders straight from the bytes */
	struct arena *a = arena_new(4096);
	struct pq_file_meta m;
	const char *why = NULL;
	if (pq_meta_decode(data, size, a, &m, &why) == 0) {
		struct pq_schema sc;
		pq_schema_build(&m, false, a, &sc, &why);
	}
	arena_free(a);
	struct pq_page_header h;
	size_t len;
	pq_page_header_decode(data, size, &h, &len, &why);

	char path[] = "/tmp/fuzz_parquet_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	scan(path, false, false);
	scan(path, true, true);
	unlink(path);
	return 0;
}

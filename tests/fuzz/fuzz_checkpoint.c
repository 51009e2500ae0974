/*
 * fuzz_checkpoint: libFuzzer target for the nested-column reader behind
 * Delta checkpoints (pq_nested.c through lake_checkpoint.c; not part of
 * make check).
 *
 *   tests/fuzz/build.sh checkpoint
 *   mkdir -p /tmp/ck-corpus && cp ../shared/data/delta/checkpoint/_delta_log/00000000000000000010.checkpoint.parquet /tmp/ck-corpus/
 *   /tmp/wb-fuzz/fuzz_checkpoint -max_total_time=300 -max_len=65536 /tmp/ck-corpus
 *
 * Each input is written to a temporary file and read with the installed
 * checkpoint reader; every action it emits is touched. A failure must
 * come with a message naming the file; a crash, a leak or undefined
 * behaviour is a finding.
 */
#include "store/delta/delta.h"
#include "store/lake/lake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
touch(void *st, const struct delta_action *a, struct wb_error *err)
{
	(void)err;
	size_t *sum = st;
	if (a->type == DELTA_ACTION_ADD) {
		*sum += strlen(a->u.add.path);
		for (int i = 0; i < a->u.add.partition_values.n; i++)
			*sum += strlen(a->u.add.partition_values.keys[i]);
		if (a->u.add.stats)
			*sum += strlen(a->u.add.stats);
	} else if (a->type == DELTA_ACTION_METADATA) {
		*sum += strlen(a->u.metadata.schema_string);
		for (int i = 0; i < a->u.metadata.npartition_columns; i++)
			*sum += strlen(a->u.metadata.partition_columns[i]);
	} else if (a->type == DELTA_ACTION_PROTOCOL) {
		for (int i = 0; i < a->u.protocol.nreader_features; i++)
			*sum += a->u.protocol.reader_features[i] ? strlen(a->u.protocol.reader_features[i]) : 0;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static int init;
	if (!init) {
		lake_checkpoint_init();
		snprintf(path, sizeof path, "/tmp/fuzz-checkpoint-%d.parquet", (int)getpid());
		init = 1;
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	const struct delta_checkpoint_io *io = delta_checkpoint_io_get();
	const char *files[1] = {path};
	struct wb_error err = WB_ERROR_INIT;
	size_t sum = 0;
	if (io->read(io->ctx, files, 1, touch, &sum, &err) < 0) {
		if (err.msg == NULL || strstr(err.msg, path) == NULL)
			abort();   /* every failure must name the file */
	}
	err_clear(&err);
	return 0;
}

/*
 * fuzz_delta: libFuzzer target for Delta log replay (not part of make
 * check).
 *
 *   tests/fuzz/build.sh delta
 *   mkdir -p /tmp/fuzz-delta && cp tests/data/delta-fuzz/[a-z]* /tmp/fuzz-delta/
 *   /tmp/wb-fuzz/fuzz_delta -max_total_time=600 -max_len=8192 /tmp/fuzz-delta
 *
 * The input is split at 0xFF bytes into the commit files of versions 0, 1,
 * ... (at most 6) of a table in a temporary directory, which is then
 * opened. Checks: a failure always has a message; an opened snapshot's
 * schema writes back to a schemaString that parses again, and its files'
 * stats, partition values and paths can be examined without crashing.
 * Also computes the _last_checkpoint checksum of the raw input.
 */
#include "store/delta/delta.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char table[256];

static void
clear_log(void)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/_delta_log", table);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char p[1024];
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (table[0] == '\0') {
		snprintf(table, sizeof table, "/tmp/wb-fuzz-delta-%ld", (long)getpid());
		mkdir(table, 0755);
		char dir[512];
		snprintf(dir, sizeof dir, "%s/_delta_log", table);
		mkdir(dir, 0755);
	}
	clear_log();
	size_t start = 0;
	int v = 0;
	for (size_t i = 0; i <= size && v < 6; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		char p[512];
		snprintf(p, sizeof p, "%s/_delta_log/%020d.json", table, v++);
		FILE *f = fopen(p, "wb");
		if (f == NULL)
			abort();
		fwrite(data + start, 1, i - start, f);
		fclose(f);
		start = i + 1;
	}
	struct wb_error err = WB_ERROR_INIT;
	char sum[33];
	delta_json_checksum((const char *)data, size, sum, &err);
	err_clear(&err);
	struct delta_snapshot *s = delta_snapshot_open(table, NULL, &err);
	if (s == NULL) {
		if (err.msg == NULL || err.msg[0] == '\0')
			abort();
		err_clear(&err);
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	delta_schema_write(&s->schema, &sb);
	struct delta_schema again;
	if (delta_schema_parse(sb.s, &s->arena, &again, &err) < 0 || again.ncols != s->schema.ncols)
		abort();
	sb_free(&sb);
	for (int64_t i = 0; i < s->nfiles; i++) {
		const struct delta_add *a = &s->files[i];
		struct delta_file_stats st;
		if (a->stats != NULL && delta_stats_parse(&s->schema, a->stats, &s->arena, &st, &err) == 0) {
			struct strbuf out = STRBUF_INIT;
			delta_stats_write(&s->schema, &st, &out);
			sb_free(&out);
		}
		err_clear(&err);
		for (int c = 0; c < s->schema.ncols; c++) {
			struct wb_value val;
			const char *t = delta_map_get(&a->partition_values, s->schema.cols[c].name, NULL);
			if (delta_partition_value(&s->schema.cols[c], t, &s->arena, &val, &err) == 0) {
				struct strbuf out = STRBUF_INIT;
				delta_partition_format(&s->schema.cols[c], &val, &out);
				sb_free(&out);
			}
			err_clear(&err);
		}
		free(delta_file_path(s->table, a->path, &err));
		err_clear(&err);
	}
	delta_snapshot_num_records(s, &err);
	err_clear(&err);
	delta_snapshot_free(s);
	return 0;
}

/*
 * fuzz_json: libFuzzer target for the JSON parser and writer (not part of
 * make check).
 *
 *   tests/fuzz/build.sh json
 *   mkdir -p /tmp/fuzz-json && cp tests/data/json/[a-z]*.json /tmp/fuzz-json/
 *   /tmp/wb-fuzz/fuzz_json -max_total_time=600 -max_len=4096 /tmp/fuzz-json
 *
 * Checks, for every input: a failure always says where and why (message,
 * line >= 1, column >= 1, offset within the input); anything accepted
 * strictly is also accepted with duplicate keys allowed; the compact
 * output of an accepted input parses again and is a fixed point of
 * parse -> write. Inputs that break these go to tests/data/json/ (test_json
 * runs each).
 */
#include "core/arena.h"
#include "core/json.h"
#include "core/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct json_error je;
	arena_init(&a, 0);
	struct json *v = json_parse((const char *)data, size, &a, 0, &je);
	if (v == NULL) {
		if (je.msg[0] == '\0' || je.line < 1 || je.col < 1 || je.offset > size)
			abort();
		arena_release(&a);
		return 0;
	}
	if (json_parse((const char *)data, size, &a, JSON_ALLOW_DUPLICATE_KEYS, &je) == NULL)
		abort();
	struct strbuf w1 = STRBUF_INIT, w2 = STRBUF_INIT;
	json_write(&w1, v);
	struct json *v2 = json_parse(w1.s, w1.len, &a, 0, &je);
	if (v2 == NULL)
		abort();
	json_write(&w2, v2);
	if (w1.len != w2.len || memcmp(w1.s, w2.s, w1.len) != 0)
		abort();
	sb_free(&w1);
	sb_free(&w2);
	arena_release(&a);
	return 0;
}

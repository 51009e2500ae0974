/*
 * `wb stream run TABLE [--every DURATION] [--warehouse DIR]`: a streaming
 * table kept up to date by one process until Ctrl-C or SIGTERM, which let
 * the running batch finish.
 */
#include "cli/stream.h"
#include "cli/stmt_int.h"
#include "core/datetime.h"
#include "core/pool.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t cli_stop;

static void
on_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

static const char cli_usage[] =
    "usage: wb stream run TABLE [--every DURATION] [--warehouse DIR]\n"
    "\n"
    "Keeps streaming table TABLE up to date: processes the files that arrived,\n"
    "then looks again every DURATION (default 1s; e.g. 500ms, 10s, 5m). Stops on\n"
    "Ctrl-C or SIGTERM after the batch running, with a summary line.\n";

static void
cli_batch(struct stream *st, const struct stream_commit *c, bool recovered)
{
	struct strbuf sb = STRBUF_INIT;
	char ts[40];
	dt_format_timestamp(dt_now_ms() * 1000, ts);
	stream_batch_line(st, c, recovered, &sb);
	printf("%s %s %s\n", ts, st->name, sb_str(&sb));
	fflush(stdout);
	sb_free(&sb);
}

static void
cli_error(struct wb_error *err)
{
	fprintf(stderr, "wb stream run: %s\n", err->msg ? err->msg : "failed");
	if (err->hint)
		fprintf(stderr, "HINT: %s\n", err->hint);
	err_clear(err);
}

int
stream_cli(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		fputs(cli_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *table = NULL, *warehouse = NULL;
	int64_t every = 1000;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--every") == 0 || strcmp(a, "--warehouse") == 0) && i + 1 < argc) {
			if (strcmp(a, "--warehouse") == 0) {
				warehouse = argv[++i];
			} else if (!dt_parse_duration(argv[++i], &every)) {
				fprintf(stderr, "wb stream run: --every takes a duration such as 10s, 500ms or 5m, got '%s'\n", argv[i]);
				return 2;
			}
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(cli_usage, stdout);
			return 0;
		} else if (a[0] != '-' && table == NULL) {
			table = a;
		} else {
			fputs(cli_usage, stderr);
			return 2;
		}
	}
	if (table == NULL) {
		fputs(cli_usage, stderr);
		return 2;
	}
	struct session *s = session_new();
	char *root = lake_warehouse_root(warehouse);
	catalog_set_warehouse(s->catalog, root);
	free(root);
	struct wb_error err = WB_ERROR_INIT;
	struct arena a;
	arena_init(&a, 0);
	struct parser p;
	struct ast_name name;
	int rc = 1;
	struct stream st;
	memset(&st, 0, sizeof st);
	st.lock_fd = -1;
	if (!parser_open(&p, table, (int)strlen(table), &a, &err) || !parser_qualified_name(&p, &name) ||
	    !parser_at_end(&p)) {
		if (!err_isset(&err))
			err_set(&err, -1, "'%s' is not a table name", table);
		cli_error(&err);
		goto done;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (stream_open(&st, s, &name, -1, NULL, NULL, 0, 0, false, &err) < 0) {
		cli_error(&err);
		goto done;
	}
	st.stop = &cli_stop;
	st.on_batch = cli_batch;
	int64_t t0 = dt_now_ms();
	rc = 0;
	while (!cli_stop) {
		int64_t start = dt_now_ms();
		if (stream_run_available(&st, &err) < 0) {
			cli_error(&err);
			rc = 1;
			break;
		}
		while (!cli_stop && dt_now_ms() - start < every) {
			struct timespec ts = {0, 50 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	printf("wb stream run: %s %s after %lld batch%s, %lld file%s, %lld row%s written", st.name,
	    rc == 0 ? "stopped" : "failed", (long long)st.batches, st.batches == 1 ? "" : "es", (long long)st.files,
	    st.files == 1 ? "" : "s", (long long)st.rows, st.rows == 1 ? "" : "s");
	if (st.aggregate)
		printf(", %lld late row%s dropped", (long long)st.late_rows, st.late_rows == 1 ? "" : "s");
	printf(" in %.1f s\n", (double)(dt_now_ms() - t0) / 1000);
	fflush(stdout);
done:
	stream_close(&st);
	arena_release(&a);
	session_free(s);
	pool_shutdown();
	return rc;
}

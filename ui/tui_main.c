/*
 * tui_main: `wb tui [OPTIONS]` - a session on the warehouse, the workbench
 * on it (tui_run), the exit status. Without a terminal it refuses before
 * opening anything.
 */
#include "ui/tui_int.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char tui_usage[] =
    "usage: wb tui [--warehouse DIR] [--threads N] [--max-rows N] [-c SQL ...]\n"
    "\n"
    "The full-screen workbench: catalog, SQL editor and result grid (man wb-tui).\n"
    "\n"
    "  -c SQL            run a statement or dot-command at start (repeatable)\n"
    "      --warehouse DIR  where Delta tables live (default: $WB_WAREHOUSE, else ./wb.lake)\n"
    "      --threads N   worker threads (default: the number of CPUs)\n"
    "      --max-rows N  rows kept per result for the grid (default 1,000,000)\n"
    "  -h, --help        this help\n";

int
tui_main(int argc, char **argv)
{
	enum { OPT_WAREHOUSE = 256, OPT_THREADS, OPT_MAX_ROWS };
	static const struct option longopts[] = {
		{"warehouse", required_argument, NULL, OPT_WAREHOUSE},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"max-rows", required_argument, NULL, OPT_MAX_ROWS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *warehouse = NULL;
	int threads = 0;
	int64_t max_rows = 0;
	const char **run = xcalloc((size_t)argc + 1, sizeof *run);
	int nrun = 0;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			run[nrun++] = optarg;
			break;
		case OPT_WAREHOUSE:
			warehouse = optarg;
			break;
		case OPT_THREADS:
			threads = atoi(optarg);
			if (threads < 1) {
				fprintf(stderr, "wb tui: --threads needs a positive number, got '%s'\n", optarg);
				free(run);
				return 2;
			}
			break;
		case OPT_MAX_ROWS: {
			char *end;
			long long v = strtoll(optarg, &end, 10);
			if (*end != '\0' || v < 1) {
				fprintf(stderr, "wb tui: --max-rows needs a positive number, got '%s'\n", optarg);
				free(run);
				return 2;
			}
			max_rows = v;
			break;
		}
		case 'h':
			fputs(tui_usage, stdout);
			free(run);
			return 0;
		default:
			fputs(tui_usage, stderr);
			free(run);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wb tui: unexpected argument '%s'\n%s", argv[optind], tui_usage);
		free(run);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "wb tui: the workbench needs a terminal (standard input and output must both be one)\n"
		    "HINT: in scripts and pipes run statements with wb -c SQL or wb FILE\n");
		free(run);
		return 2;
	}
	if (threads > 0)
		pool_init(threads);
	struct session *s = session_new();
	char *root = lake_warehouse_root(warehouse);
	catalog_set_warehouse(s->catalog, root);
	free(root);
	struct tui_options o = {.max_rows = max_rows, .run = run};
	struct wb_error err = WB_ERROR_INIT;
	int rc = tui_run(s, &o, &err);
	if (rc < 0) {
		fprintf(stderr, "wb tui: %s\n", err.msg);
		if (err.hint)
			fprintf(stderr, "HINT: %s\n", err.hint);
		err_clear(&err);
	}
	int failed = rc < 0;
	session_free(s);
	pool_shutdown();
	free(run);
	return failed ? 1 : 0;
}

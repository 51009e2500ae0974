/* wb: the lakehouse in a terminal. A thin main over libwb. */
#include "config.h"

#include "store/lake/lake.h"
#include "cli/cmd.h"
#include "cli/docgen.h"
#include "cli/notebook.h"
#include "cli/job.h"
#include "cli/repl.h"
#include "cli/session.h"
#include "cli/slt.h"
#include "cli/stream.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "ui/dash.h"
#include "ui/tui.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int gen_cli(int argc, char **argv);

static const char usage_text[] =
    "usage: wb [OPTIONS] [FILE.wb ...]\n"
    "       wb generate ecommerce [--rows N] [--seed S] [--start DATE] [--days D] [-o FILE]\n"
    "       wb test [--tap] FILE.slt|NOTEBOOK.wb ...\n"
    "       wb run NOTEBOOK.wb [-p NAME=VALUE ...] [--from CELL | --only CELL]\n"
    "              [--output REPORT.md] [--update] [OPTIONS]\n"
    "       wb notebook cells|params|export|import FILE [-o FILE]\n"
    "       wb job run|validate|runs|show|repair|schedule|daemon ...   (jobs of notebooks: wb-job(5))\n"
    "       wb stream run TABLE [--every DURATION] [--warehouse DIR]\n"
    "       wb tui [--warehouse DIR] [-c SQL ...]   (the full-screen workbench: wb-tui(1))\n"
    "       wb dashboard NOTEBOOK.wb [-p NAME=VALUE ...] [--refresh DURATION] [--once]   (wb-dashboard(1))\n"
    "\n"
    "Runs SQL statements and dot-commands from -c arguments, from files, from\n"
    "standard input when it is not a terminal, or interactively.\n"
    "\n"
    "options:\n"
    "  -c SQL            run a statement or dot-command (repeatable, in order)\n"
    "  -p NAME=VALUE     set the named parameter :NAME\n"
    "  -m, --mode MODE   output mode: box, csv, tsv, json, jsonl, markdown, line, trash\n"
    "      --csv, --json, --markdown   shortcuts for --mode\n"
    "      --bail        stop at the first failing statement\n"
    "      --echo        print statements before running them\n"
    "      --threads N   worker threads (default: the number of CPUs)\n"
    "      --warehouse DIR  where Delta tables live (default: $WB_WAREHOUSE, else ./wb.lake)\n"
    "      --man-commands  print the COMMANDS section of wb(1)\n"
    "      --man-functions print the FUNCTIONS section of wb-sql(7)\n"
    "      --examples-slt  print every documented example as a sqllogictest file\n"
    "      --man-tui-keys  print the KEYS section of wb-tui(1)\n"
    "      --man-dashboard-keys  print the KEYS section of wb-dashboard(1)\n"
    "  -h, --help        this help\n"
    "  -V, --version     print the version\n";

static char *
read_all(FILE *f, const char *name)
{
	struct strbuf b = STRBUF_INIT;
	sb_read_stream(&b, f);
	if (ferror(f)) {
		fprintf(stderr, "wb: cannot read %s: %s\n", name, strerror(errno));
		sb_free(&b);
		return NULL;
	}
	if (memchr(b.s ? b.s : "", '\0', b.len) != NULL) {
		fprintf(stderr, "wb: %s is not a text file (it contains NUL bytes)\n", name);
		sb_free(&b);
		return NULL;
	}
	return sb_detach(&b);
}

int
main(int argc, char **argv)
{
	job_register_sql();      /* SHOW JOB RUNS / TASKS */
	if (argc > 1 && strcmp(argv[1], "test") == 0)
		return slt_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "job") == 0)
		return job_main(argc - 1, argv + 1);
	job_commit_log_install();   /* a task of `wb job run`: report its commits */
	if (argc > 1 && strcmp(argv[1], "generate") == 0)
		return gen_cli(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return nb_run_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "notebook") == 0)
		return nb_notebook_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "stream") == 0)
		return stream_cli(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "tui") == 0)
		return tui_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "dashboard") == 0)
		return dash_main(argc - 1, argv + 1);

	enum { OPT_CSV = 256, OPT_JSON, OPT_MD, OPT_BAIL, OPT_ECHO, OPT_THREADS, OPT_MAN, OPT_MANFN, OPT_EXAMPLES, OPT_WAREHOUSE,
		OPT_MANKEYS, OPT_MANDASH };
	static const struct option longopts[] = {
		{"mode", required_argument, NULL, 'm'},
		{"csv", no_argument, NULL, OPT_CSV},
		{"json", no_argument, NULL, OPT_JSON},
		{"markdown", no_argument, NULL, OPT_MD},
		{"bail", no_argument, NULL, OPT_BAIL},
		{"echo", no_argument, NULL, OPT_ECHO},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"warehouse", required_argument, NULL, OPT_WAREHOUSE},
		{"man-commands", no_argument, NULL, OPT_MAN},
		{"man-functions", no_argument, NULL, OPT_MANFN},
		{"examples-slt", no_argument, NULL, OPT_EXAMPLES},
		{"man-tui-keys", no_argument, NULL, OPT_MANKEYS},
		{"man-dashboard-keys", no_argument, NULL, OPT_MANDASH},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	/* -c and -p keep their order relative to each other */
	char **cmds = xcalloc((size_t)argc + 1, sizeof *cmds);
	char *kinds = xcalloc((size_t)argc + 1, 1);
	int ncmds = 0;
	const char *mode = NULL;
	bool bail = false, echo = false;
	int threads = 0;
	const char *warehouse = NULL;
	int info = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, "c:p:m:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
		case 'p':
			kinds[ncmds] = (char)opt;
			cmds[ncmds++] = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case OPT_CSV:
			mode = "csv";
			break;
		case OPT_JSON:
			mode = "json";
			break;
		case OPT_MD:
			mode = "markdown";
			break;
		case OPT_BAIL:
			bail = true;
			break;
		case OPT_ECHO:
			echo = true;
			break;
		case OPT_WAREHOUSE:
			warehouse = optarg;
			break;
		case OPT_THREADS:
			threads = atoi(optarg);
			if (threads < 1) {
				fprintf(stderr, "wb: --threads needs a positive number, got '%s'\n", optarg);
				free(cmds);
				free(kinds);
				return 2;
			}
			break;
		case OPT_MAN:
		case OPT_MANFN:
		case OPT_EXAMPLES:
		case OPT_MANKEYS:
		case OPT_MANDASH:
		case 'h':
		case 'V':
			info = opt;
			break;
		default:
			fputs(usage_text, stderr);
			free(cmds);
			free(kinds);
			return 2;
		}
	}
	if (info) {
		/* documentation and version: print and leave */
		switch (info) {
		case OPT_MAN: cmd_write_man(stdout); break;
		case OPT_MANFN: docgen_functions_man(stdout); break;
		case OPT_EXAMPLES: docgen_examples_slt(stdout); break;
		case OPT_MANKEYS: tui_write_man_keys(stdout, false); break;
		case OPT_MANDASH: tui_write_man_keys(stdout, true); break;
		case 'h': fputs(usage_text, stdout); break;
		default: printf("wb %s\n", PACKAGE_VERSION); break;
		}
		free(cmds);
		free(kinds);
		return 0;
	}
	if (threads > 0)
		pool_init(threads);
	struct session *s = session_new();
	char *root = lake_warehouse_root(warehouse);
	catalog_set_warehouse(s->catalog, root);
	free(root);
	s->bail = bail;
	s->echo = echo;
	if (mode) {
		enum render_mode m;
		if (!render_mode_from_name(mode, &m)) {
			fprintf(stderr, "wb: unknown mode '%s' (box, csv, tsv, json, jsonl, markdown, line, trash)\n", mode);
			session_free(s);
			free(cmds);
			free(kinds);
			return 2;
		}
		s->render.mode = m;
		session_reset_sink(s);
	}
	int failed = 0;
	for (int i = 0; i < ncmds && !s->quit; i++) {
		if (kinds[i] == 'p') {
			char *eq = strchr(cmds[i], '=');
			if (eq == NULL) {
				fprintf(stderr, "wb: -p expects NAME=VALUE, got '%s'\n", cmds[i]);
				failed = 1;
				continue;
			}
			*eq = '\0';
			struct wb_error err = WB_ERROR_INIT;
			if (session_set_param(s, cmds[i], eq + 1, &err) < 0) {
				fprintf(stderr, "wb: -p %s: %s\n", cmds[i], err.msg);
				err_clear(&err);
				failed = 1;
			}
			continue;
		}
		if (session_run(s, cmds[i], NULL, 1) < 0) {
			failed = 1;
			if (bail)
				break;
		}
	}
	bool ran = false;
	for (int i = 0; i < ncmds; i++)
		ran |= kinds[i] == 'c';
	for (int i = optind; i < argc && !s->quit && !(failed && bail); i++) {
		ran = true;
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "wb: cannot open %s: %s\n", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		char *text = read_all(f, argv[i]);
		if (f != stdin)
			fclose(f);
		if (text == NULL) {
			failed = 1;
			continue;
		}
		if (session_run(s, text, argv[i], 1) < 0)
			failed = 1;
		free(text);
	}
	if (!ran && !s->quit) {
		if (isatty(STDIN_FILENO)) {
			if (repl_run(s) != 0)
				failed = 1;
		} else {
			char *text = read_all(stdin, "standard input");
			if (text == NULL || session_run(s, text, NULL, 1) < 0)
				failed = 1;
			free(text);
		}
	}
	session_free(s);
	free(cmds);
	free(kinds);
	pool_shutdown();
	fflush(stdout);
	return failed ? 1 : 0;
}

/*
 * dash_main: `wb dashboard FILE.wb` and the REPL's `.dashboard FILE.wb`.
 *
 * --once runs every cell and prints the dashboard as text at the given
 * size (else the terminal's, else $COLUMNS x $LINES, else 120 x 40):
 * colour only on a terminal, ASCII when the locale is not UTF-8 or with
 * --ascii. Without --once the dashboard opens full screen in the
 * workbench (ui/tui_dash.c), which needs a terminal.
 *
 * Exit status: 0; 1 when a cell failed (--once: the dashboard is printed
 * all the same, each failure named on stderr); 2 for usage errors and a
 * dashboard that does not load.
 */
#include "ui/dash.h"

#include "cli/session.h"
#include "core/datetime.h"
#include "core/pool.h"
#include "core/xmalloc.h"
#include "store/lake/lake.h"
#include "ui/tui.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char dash_usage[] =
    "usage: wb dashboard NOTEBOOK.wb [-p NAME=VALUE ...] [--refresh DURATION]\n"
    "                    [--once [--width N] [--height N] [--ascii]] [--zoom TILE]\n"
    "                    [--warehouse DIR] [--threads N]\n"
    "\n"
    "Shows a notebook's chart, table and text cells as tiles on one screen\n"
    "(the layout in its header), its parameters as filters (man wb-dashboard).\n"
    "  -p NAME=VALUE      a filter's value (a parameter: -- param NAME TYPE)\n"
    "  --refresh DURATION run the tiles' cells again every DURATION (30s, 5m)\n"
    "  --once             print the dashboard as text once, and exit\n"
    "  --width N, --height N   its size (default: the terminal's)\n"
    "  --ascii            ASCII only (the default when the locale is not UTF-8)\n"
    "  --zoom TILE        one tile (its cell's name or number) over the whole size\n";

int
dash_args_parse(int argc, char **argv, struct dash_args *a, struct wb_error *err)
{
	enum { OPT_ONCE = 256, OPT_WIDTH, OPT_HEIGHT, OPT_REFRESH, OPT_ASCII, OPT_ZOOM, OPT_WAREHOUSE, OPT_THREADS };
	static const struct option longopts[] = {
		{"once", no_argument, NULL, OPT_ONCE},
		{"width", required_argument, NULL, OPT_WIDTH},
		{"height", required_argument, NULL, OPT_HEIGHT},
		{"refresh", required_argument, NULL, OPT_REFRESH},
		{"ascii", no_argument, NULL, OPT_ASCII},
		{"zoom", required_argument, NULL, OPT_ZOOM},
		{"warehouse", required_argument, NULL, OPT_WAREHOUSE},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof *a);
	a->assigns = xcalloc((size_t)argc + 1, sizeof *a->assigns);
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		char *end;
		long v;
		switch (opt) {
		case 'p':
			a->assigns[a->nassigns++] = optarg;
			break;
		case OPT_ONCE:
			a->once = true;
			break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 20 || v > 1000) {
				err_set(err, -1, "--%s needs a number from 20 to 1000, got '%s'", opt == OPT_WIDTH ? "width" : "height",
				    optarg);
				return -1;
			}
			*(opt == OPT_WIDTH ? &a->width : &a->height) = (int)v;
			break;
		case OPT_REFRESH:
			if (!dt_parse_duration(optarg, &a->refresh_ms) || a->refresh_ms < 1000) {
				err_set(err, -1, "--refresh takes a duration of at least a second, such as 30s or 5m; got '%s'",
				    optarg);
				return -1;
			}
			break;
		case OPT_ASCII:
			a->ascii = true;
			break;
		case OPT_ZOOM:
			a->zoom = optarg;
			break;
		case OPT_WAREHOUSE:
			a->warehouse = optarg;
			break;
		case OPT_THREADS:
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1) {
				err_set(err, -1, "--threads needs a positive number, got '%s'", optarg);
				return -1;
			}
			a->threads = (int)v;
			break;
		case 'h':
			a->help = true;
			return 0;
		default:
			err_set(err, -1, "unknown option '%s'", argv[optind - 1]);
			err_hint(err, "wb dashboard --help lists the options");
			return -1;
		}
	}
	if (optind != argc - 1) {
		err_set(err, -1, "%s", optind >= argc ? "which dashboard? give one .wb file" : "give one dashboard");
		err_hint(err, "wb dashboard NOTEBOOK.wb [-p NAME=VALUE ...] [--once]; --help lists the options");
		return -1;
	}
	a->path = argv[optind];
	if (!a->once && (a->width || a->height)) {
		err_set(err, -1, "--width and --height size the text of --once; full screen takes the terminal's size");
		return -1;
	}
	return 0;
}

void
dash_args_free(struct dash_args *a)
{
	free(a->assigns);
	a->assigns = NULL;
}

struct dashboard *
dash_open(const struct dash_args *a, struct nb_vars *vars, int *zoom, struct wb_error *err)
{
	struct dashboard *d = dash_load(a->path, err);
	if (d == NULL)
		return NULL;
	*zoom = -1;
	if (nb_vars_resolve(d->nb, a->assigns, a->nassigns, vars, err) < 0 ||
	    (a->zoom && (*zoom = dash_find_tile(d, a->zoom, err)) < 0)) {
		nb_vars_free(vars);
		dash_free(d);
		return NULL;
	}
	return d;
}

/* The size --once draws at. */
static void
once_size(const struct dash_args *a, int *w, int *h)
{
	int tw = 0, th = 0;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		tw = ws.ws_col;
		th = ws.ws_row;
	} else {
		const char *c = getenv("COLUMNS"), *l = getenv("LINES");
		tw = c ? atoi(c) : 0;
		th = l ? atoi(l) : 0;
	}
	*w = a->width ? a->width : tw >= 20 ? tw : 120;
	*h = a->height ? a->height : th >= 10 ? th - 1 : 40;   /* the shell's prompt keeps its line */
}

int
dash_once(struct session *s, const struct dash_args *a, FILE *out, struct wb_error *err)
{
	struct nb_vars vars = {0};
	int zoom;
	struct dashboard *d = dash_open(a, &vars, &zoom, err);
	if (d == NULL)
		return -1;
	struct dash_results *r = dash_run(d, s, &vars, true, NULL);
	int w, h;
	once_size(a, &w, &h);
	bool color = isatty(fileno(out)) && getenv("NO_COLOR") == NULL;
	char when[40], status[96];
	dt_format_timestamp(r->at_ms * 1000, when);
	when[19] = '\0';   /* to the second */
	snprintf(status, sizeof status, "as of %s (%.1fs)", when, (double)r->took_ms / 1000.0);
	struct dash_view v = {.ascii = a->ascii || !chart_locale_utf8(), .color = color, .selected = -1, .zoomed = zoom,
	    .filter = -1, .status = status};
	struct canvas *cv = dash_draw(d, r, &vars, &v, w, h);
	struct strbuf text = STRBUF_INIT;
	canvas_write(cv, &text, color);
	fputs(sb_str(&text), out);
	fflush(out);
	sb_free(&text);
	canvas_free(cv);
	int failed = r->failed;
	for (int i = 0; i < r->ncells; i++) {
		const struct dash_cell *c = &r->cells[i];
		if (!c->failed)
			continue;
		char b[64];
		fprintf(stderr, "wb dashboard: %s:%d: %s failed: %s\n", d->nb->path,
		    c->line ? c->line : d->nb->cells[i].marker, nb_cell_label(&d->nb->cells[i], b, sizeof b), c->error);
	}
	dash_results_free(r);
	nb_vars_free(&vars);
	dash_free(d);
	return failed ? 1 : 0;
}

int
dash_main(int argc, char **argv)
{
	struct dash_args a;
	struct wb_error err = WB_ERROR_INIT;
	if (dash_args_parse(argc, argv, &a, &err) < 0) {
		fprintf(stderr, "wb dashboard: %s\n", err.msg);
		if (err.hint)
			fprintf(stderr, "HINT: %s\n", err.hint);
		err_clear(&err);
		dash_args_free(&a);
		return 2;
	}
	if (a.help) {
		fputs(dash_usage, stdout);
		dash_args_free(&a);
		return 0;
	}
	if (!a.once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "wb dashboard: full screen needs a terminal (standard input and output must both be one)\n"
		    "HINT: --once prints the dashboard as text: wb dashboard %s --once --width 120 --height 40\n", a.path);
		dash_args_free(&a);
		return 2;
	}
	if (a.threads > 0)
		pool_init(a.threads);
	struct session *s = nb_session_new(a.warehouse, NULL, 0);
	int rc;
	if (a.once) {
		rc = dash_once(s, &a, stdout, &err);
		if (rc < 0) {
			fprintf(stderr, "wb dashboard: %s\n", err.msg);
			if (err.hint)
				fprintf(stderr, "HINT: %s\n", err.hint);
			rc = 2;
		}
	} else {
		struct tui_options o = {.dashboard = &a};
		rc = tui_run(s, &o, &err) < 0 ? 2 : 0;
		if (rc) {
			fprintf(stderr, "wb dashboard: %s\n", err.msg);
			if (err.hint)
				fprintf(stderr, "HINT: %s\n", err.hint);
		}
	}
	err_clear(&err);
	nb_session_free(s, NULL);
	pool_shutdown();
	dash_args_free(&a);
	return rc;
}

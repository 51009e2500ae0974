/* `wb generate ecommerce ...`: the data generator's command line. */
#include "core/error.h"
#include "gen/gen.h"

#include <stdio.h>
#include <string.h>

int gen_cli(int argc, char **argv);

/* wb generate ecommerce [--rows N] [--seed S] [--start DATE] [--days D] [-o FILE] */
int
gen_cli(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "ecommerce") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(gen_usage, stdout);
			return 0;
		}
		fprintf(stderr, "wb generate: unknown dataset '%s'; the dataset is 'ecommerce'\n%s", argc >= 2 ? argv[1] : "",
		    gen_usage);
		return 2;
	}
	struct gen_options o;
	struct wb_error err = WB_ERROR_INIT;
	gen_options_init(&o);
	if (gen_parse_args(argc - 2, argv + 2, &o, &err) < 0) {
		fprintf(stderr, "wb generate: %s\n", err.msg);
		if (err.hint)
			fprintf(stderr, "%s\n", err.hint);
		err_clear(&err);
		return 2;
	}
	if (o.help) {
		fputs(gen_usage, stdout);
		return 0;
	}
	if (gen_ecommerce(&o, &err) < 0) {
		fprintf(stderr, "wb generate: %s\n", err.msg);
		if (err.hint)
			fprintf(stderr, "%s\n", err.hint);
		err_clear(&err);
		return 1;
	}
	return 0;
}

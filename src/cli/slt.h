/*
 * slt: a sqllogictest runner inside the product (`wb test FILE.slt ...`).
 *
 * Supported records: `statement ok`, `statement error [message substring]`,
 * `query <types> [nosort|rowsort|valuesort] [label]` with `----` results,
 * `hash-threshold N`, `halt`, `skipif <engine>` / `onlyif <engine>` (wb
 * answers to "wb"), `mode output_result` is ignored, comments (#). Results
 * may be given one row per line (values separated by tabs, DuckDB style) or
 * one value per line (SQLite style). Values: NULL as NULL, empty strings
 * as (empty), booleans as true/false; columns typed R compare numerically
 * with a relative tolerance of 1e-9 (absolute 1e-12). Results longer than
 * hash-threshold values compare by "N values hashing to <md5>".
 *
 * Files ending in .wb are notebooks, run by nb_test_file() (cli/notebook.h)
 * into the same counts and TAP stream.
 *
 * Prints failures with file:line and a diff, then "N passed, N failed";
 * with --tap prints TAP ("ok N - file:line") for automake's driver.
 */
#ifndef WB_CLI_SLT_H
#define WB_CLI_SLT_H

int slt_main(int argc, char **argv);

#endif

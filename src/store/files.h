/*
 * files: naming the input files of a scan.
 *
 * store_glob expands file names and glob patterns, in the order given: a
 * name without * ? [ is taken as it is (whether it exists is the opener's
 * business, so its error can name the file), a pattern becomes its
 * matches sorted bytewise; a pattern that matches nothing is an error.
 * Used by read_csv, read_parquet and COPY INTO.
 */
#ifndef WB_STORE_FILES_H
#define WB_STORE_FILES_H

#include "core/error.h"

/* malloc'd array of malloc'd paths (free with store_glob_free), *n >= 1
 * when npatterns >= 1; NULL with err on failure. */
char **store_glob(const char *const *patterns, int npatterns, int *n, struct wb_error *err);
void store_glob_free(char **paths, int n);

#endif

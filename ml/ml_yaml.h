/*
 * ml_yaml: the YAML subset of MLflow's file store (meta.yaml files), and
 * the small file helpers the tracking store shares.
 *
 * A document is one flat block mapping (struct ml_yaml) whose values are
 * scalars (strings, integers, null), lists of scalars or mappings of
 * scalars. That is all MLflow's experiment, run and registry meta.yaml
 * files hold.
 *
 * Writing reproduces, byte for byte, what MLflow's write_yaml gives:
 * yaml.safe_dump(d, default_flow_style=False, allow_unicode=True,
 * sort_keys=True) with PyYAML 6: keys sorted, block style, strings plain
 * unless PyYAML would quote them - single quotes when a plain scalar would
 * read back as another type ('0', 'true', 'null', '1.5', '2024-01-01',
 * '') or holds indicators (': ', ' #', a leading '[', '-', ...), double
 * quotes with escapes for control characters - and long values folded at
 * PyYAML's 80-column width with a two-space indent. Nested values are
 * lists of strings and mappings of strings under short identifier-like
 * keys (a registered model's aliases: {champion: '1'}), which is all
 * MLflow writes.
 *
 * Reading accepts what PyYAML writes and a little more: plain, single- and
 * double-quoted scalars (folded over lines, with escapes), [] / {} and
 * one-line flow lists and maps of scalars, block lists of scalars, one
 * nested block mapping of scalars, comments, '---'. Anchors, tags and
 * block scalars (| >) are errors naming the file and line.
 *
 * Ownership: a struct ml_yaml owns all its strings; ml_yaml_free releases
 * them. Setting a key that exists replaces its value.
 */
#ifndef WB_ML_ML_YAML_H
#define WB_ML_ML_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"

enum ml_yaml_kind {
	ML_YAML_NULL,    /* null, ~, or nothing */
	ML_YAML_STR,     /* a string (a plain scalar that is no null/int, or any quoted one) */
	ML_YAML_INT,     /* a plain decimal integer: s holds its text, i its value */
	ML_YAML_LIST,    /* n items (scalars) */
	ML_YAML_MAP,     /* n items (scalars) under keys */
};

struct ml_yaml_val {
	enum ml_yaml_kind kind;
	char *s;                    /* STR, INT: the text */
	int64_t i;                  /* INT */
	bool plain;                 /* read unquoted (so 1 and '1' can be told apart) */
	int n;                      /* LIST, MAP */
	char **keys;                /* MAP */
	struct ml_yaml_val *items;  /* LIST, MAP */
};

struct ml_yaml {
	int n, cap;
	char **keys;
	struct ml_yaml_val *vals;
};

#define ML_YAML_INIT { 0, 0, NULL, NULL }

void ml_yaml_free(struct ml_yaml *y);

/* ---- reading */

/* Parse text[0..len) into *y (initialised here). path names the file in
 * messages ("path:line: ..."). 0, or -1 with err. */
int ml_yaml_parse(const char *text, size_t len, const char *path, struct ml_yaml *y, struct wb_error *err);
/* Read and parse a file. 0, or -1 with err naming the file. */
int ml_yaml_read_file(const char *path, struct ml_yaml *y, struct wb_error *err);

/* The value under key, or NULL. */
const struct ml_yaml_val *ml_yaml_get(const struct ml_yaml *y, const char *key);
/* The text of a STR or INT value; NULL when absent, null, a list or a map. */
const char *ml_yaml_text(const struct ml_yaml *y, const char *key);
/* An integer value (INT, or a STR holding a decimal integer, as older
 * writers quoted some). false when absent, null or not an integer. */
bool ml_yaml_int(const struct ml_yaml *y, const char *key, int64_t *out);

/* ---- writing */

/* Remove key (no error when absent). */
void ml_yaml_unset(struct ml_yaml *y, const char *key);
/* s NULL writes null. */
void ml_yaml_set_str(struct ml_yaml *y, const char *key, const char *s);
void ml_yaml_set_int(struct ml_yaml *y, const char *key, int64_t v);
void ml_yaml_set_null(struct ml_yaml *y, const char *key);
/* A list of n strings ([] when n == 0). */
void ml_yaml_set_list(struct ml_yaml *y, const char *key, int n, char *const *items);
/* An empty mapping ({}). */
void ml_yaml_set_empty_map(struct ml_yaml *y, const char *key);
/* A mapping of n strings under keys ({} when n == 0); written sorted. */
void ml_yaml_set_map(struct ml_yaml *y, const char *key, int n, char *const *keys, char *const *vals);

/* Append the document as PyYAML writes it (keys sorted). -1 with err when
 * a string is not valid UTF-8 (PyYAML only writes str), or a key is not
 * one PyYAML writes as a simple key (empty, 128 characters or more, line
 * breaks: not part of the subset). */
int ml_yaml_emit(const struct ml_yaml *y, struct strbuf *out, struct wb_error *err);
/* Emit and write to path atomically (ml_yaml_file_write). */
int ml_yaml_write_file(const char *path, const struct ml_yaml *y, struct wb_error *err);

/* ---- files */

/* Whole file into a malloc'd NUL-terminated buffer (*len bytes, len may be
 * NULL). NULL with err naming the file; *missing (if given) is set when
 * the file does not exist, so callers can tell absence from damage. */
char *ml_yaml_file_read(const char *path, size_t *len, bool *missing, struct wb_error *err);
/* Write data to path so that readers see the old content or the new one,
 * never a part: a temporary file in tmpdir (NULL: path's own directory,
 * which must be on the same file system), flushed to disk, renamed over
 * path. With exclusive, the file is linked in only when path does not
 * exist yet: returns 1 (nothing written) when it does. 0, 1, or -1 with
 * err naming the path. */
int ml_yaml_file_write(const char *path, const char *tmpdir, const char *data, size_t len, bool exclusive,
    struct wb_error *err);

#endif

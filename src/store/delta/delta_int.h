/*
 * delta_int.h: declarations shared by the delta_*.c files only (the
 * module's public interface is delta.h).
 */
#ifndef WB_STORE_DELTA_INT_H
#define WB_STORE_DELTA_INT_H

#include "store/delta/delta.h"

#include "core/json.h"

/* ---- the log directory (delta_log.c) ---- */

struct delta_cp {
	int64_t version;
	int parts;                       /* 0: classic single file; else the part count */
};

struct delta_listing {
	int64_t *commits;                /* versions with a %020d.json, ascending */
	int64_t ncommits;
	struct delta_cp *cps;            /* complete checkpoints, ascending */
	int ncps;
};

/* List table/_delta_log. Errors: not a directory, not a Delta table. */
int delta_list(const char *table, struct delta_listing *out, struct wb_error *err);
void delta_listing_free(struct delta_listing *l);
/* Is version v among l's commits? */
bool delta_listing_has(const struct delta_listing *l, int64_t v);
int64_t delta_listing_latest(const struct delta_listing *l);

/* malloc'd paths */
char *delta_log_dir(const char *table);
char *delta_commit_path(const char *table, int64_t version);
char *delta_checkpoint_path(const char *table, int64_t version, int part, int parts);

/* Called for each action of a commit file in order; `line` is 1-based. */
typedef int (*delta_action_fn)(void *st, const struct delta_action *act, int line, struct wb_error *err);

/* Read commit `version`: parse each line (the DOM in scratch, which is
 * reset) into an action allocated in a, and call fn. Errors name the file
 * and line: not JSON, a torn last line, a malformed action. */
int delta_commit_read(const char *table, int64_t version, struct arena *scratch, struct arena *a,
    delta_action_fn fn, void *st, struct wb_error *err);

/* Timestamps (ms) of commits versions[0..n): in-commit timestamp when the
 * commit has one, else per src; made strictly increasing as Spark does for
 * file times. */
int delta_commit_timestamps(const char *table, const int64_t *versions, int64_t n,
    enum delta_ts_source src, int64_t *out, struct wb_error *err);

/* ---- actions (delta_action.c) ---- */

/* One action from a line's member (key, value). Returns 1 and fills out,
 * 0 for actions a reader ignores (cdc, unknown), -1 with err; `where`
 * prefixes messages ("/t/_delta_log/00..01.json:3"). */
int delta_action_parse(const char *key, const struct json *v, struct arena *a, struct delta_action *out,
    const char *where, struct wb_error *err);
/* Deep copy into a. */
void delta_action_copy(const struct delta_action *src, struct arena *a, struct delta_action *dst);
/* One action as a line of a commit file (no newline). */
void delta_action_write(const struct delta_action *act, struct strbuf *out);
const char *delta_action_name(enum delta_action_type t);   /* "add", "metaData", ... */

/* ---- protocol (delta_protocol.c) ---- */

/* Can wb read the table correctly? Names the table and the feature. */
int delta_protocol_check_read(const char *table, const struct delta_protocol *p,
    const struct delta_metadata *m, struct wb_error *err);
/* Can wb write it (writer version <= 3 or 7 with features it respects)? */
int delta_protocol_check_write(const char *table, const struct delta_protocol *p,
    const struct delta_metadata *m, struct wb_error *err);
/* The protocol a table with metadata m needs when it has protocol p: CHECK
 * constraints (delta.constraints.* in the configuration) need writer
 * version 3, or the checkConstraints feature at writer version 7. true
 * (and *out, strings in a) when p must be raised; the protocol is never
 * lowered. */
bool delta_protocol_raise(const struct delta_protocol *p, const struct delta_metadata *m, struct arena *a,
    struct delta_protocol *out);

/* ---- paths (delta_path.c) ---- */

/* The reconciliation key of a log path: decoded, and relative to the table
 * when it is an absolute path inside table_abs (its realpath, or NULL). */
void delta_path_key(const char *table_abs, const char *log_path, struct strbuf *out);

/* ---- files (delta_file.c) ---- */

/* Read a whole file (malloc'd, NUL-terminated); -1 with err naming it. */
int delta_read_file(const char *path, char **data, size_t *len, struct wb_error *err);
/* A fresh temporary name dir/.<name>.<pid>.<random>.tmp (hidden, and
 * never matching a log file name, so readers skip it); malloc'd. */
char *delta_temp_name(const char *dir, const char *name);
/* Write data to dir/.<name>.<pid>.<random>.tmp and fsync it; returns the
 * malloc'd temporary path or NULL with err. */
char *delta_write_temp(const char *dir, const char *name, const char *data, size_t len,
    struct wb_error *err);
int delta_fsync_dir(const char *dir, struct wb_error *err);
int64_t delta_now_ms(void);

#endif

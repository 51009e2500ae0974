/*
 * exec: running plans.
 *
 * exec_prepare() walks the plan bottom-up and runs every pipeline breaker's
 * input to completion on the thread pool; afterwards each node can be
 * instantiated (op_create) any number of times and pulled chunk by chunk.
 * Errors from any thread land in ctx->err (first wins) and raise ctx->stop,
 * which every operator checks between chunks; an external cancel flag
 * (Ctrl-C) works the same way.
 */
#ifndef WB_EXEC_EXEC_H
#define WB_EXEC_EXEC_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "core/sink.h"
#include "exec/plan.h"
#include "store/memtable.h"

struct exec_ctx {
	struct wb_error err;
	pthread_mutex_t err_mu;
	atomic_bool stop;
	volatile sig_atomic_t *cancel;   /* optional external flag */
	bool analyze;                    /* collect per-node timings */
	int max_workers;                 /* 0 = pool size */
};

void exec_ctx_init(struct exec_ctx *ctx);
void exec_ctx_fini(struct exec_ctx *ctx);
/* Record an error from any thread (first wins) and stop everything. */
void exec_fail(struct exec_ctx *ctx, struct wb_error *err);
/* true when work should stop (error or cancel); sets the cancel error. */
bool exec_should_stop(struct exec_ctx *ctx);

struct op;
struct op_vtab {
	/* 1: *out holds a chunk; 0: end of data; -1: error (reported via ctx). */
	int (*next)(struct op *op, struct chunk **out);
	void (*free)(struct op *op);
};

struct op {
	const struct op_vtab *vt;
	struct pnode *node;
	struct exec_ctx *ctx;
	struct chunk out;
	struct wb_error err;
};

int exec_prepare(struct pnode *root, struct exec_ctx *ctx);
struct op *op_create(struct pnode *n, struct exec_ctx *ctx);
int op_next(struct op *op, struct chunk **out);
void op_free(struct op *op);
/* Free runtime state of every node (global states, sources, table refs). */
void exec_cleanup(struct pnode *root);
/* A scan with pruning hints: the morsels its source read and skipped so
 * far (unit: "row groups", ...). False when there is nothing to report. */
bool exec_scan_units(const struct pnode *n, const char **unit, int64_t *read, int64_t *skipped);
/* Free the runtime state of a finished run but keep the plan's resources
 * (table references, VALUES rows, shared CTE results) so that it can be
 * prepared and run again (the step of WITH RECURSIVE, once per round).
 * Table functions' sources cannot run twice. */
void exec_reset(struct pnode *root);

/* prepare + pull the root on one thread, streaming to the sink. */
int exec_run(struct pnode *root, struct exec_ctx *ctx, struct wb_sink *sink);
/* prepare + pull the root in parallel into a new memtable (input order kept). */
struct memtable *exec_materialize(struct pnode *root, struct exec_ctx *ctx);

/*
 * Run the pipeline rooted at n on up to `workers` threads: each thread
 * creates its own instance of n and hands every chunk to
 * consume(arg, worker, chunk). Used by breakers and materialisation.
 */
typedef int (*exec_consume_fn)(void *arg, int worker, struct chunk *c, struct wb_error *err);
int exec_parallel(struct pnode *n, struct exec_ctx *ctx, exec_consume_fn consume, void *arg, int *nworkers_out);
/* How many instances of n can usefully run at once (its source's limit). */
int exec_parallelism(struct pnode *n);

/* Monotonic clock in nanoseconds (for timers and EXPLAIN ANALYZE). */
long long exec_now_ns(void);

#endif

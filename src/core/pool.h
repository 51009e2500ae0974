/*
 * pool: a fixed set of worker threads for fork-join parallelism.
 *
 * pool_run(ntasks, fn, arg) calls fn(arg, task, worker) for task in
 * [0, ntasks) spread over the workers and the calling thread, and returns
 * when all have finished. `worker` is in [0, pool_size()) and is unique
 * among concurrently running tasks, so it can index per-thread state.
 * A pool_run issued from inside a task runs its tasks inline on that thread
 * (no deadlock, no oversubscription). The pool is sized to the online CPUs
 * unless WB_THREADS or pool_init() says otherwise.
 */
#ifndef WB_CORE_POOL_H
#define WB_CORE_POOL_H

typedef void (*pool_fn)(void *arg, int task, int worker);

/* Start the pool with n threads in all (0: number of online CPUs, or
 * $WB_THREADS). Called implicitly by the first pool_run/pool_size. */
void pool_init(int n);
int pool_size(void);
void pool_run(int ntasks, pool_fn fn, void *arg);
void pool_shutdown(void);

#endif

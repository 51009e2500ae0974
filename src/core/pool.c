#include "core/pool.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct pool_job {
	pool_fn fn;
	void *arg;
	int ntasks;
	atomic_int next;       /* next task to claim */
	int done_workers;      /* workers that finished this job */
};

static struct {
	bool started;
	int nthreads;          /* including the caller */
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t cv_work;
	pthread_cond_t cv_done;
	pthread_mutex_t run_mu; /* one pool_run at a time from outside */
	struct pool_job *job;
	unsigned long generation;
	bool stop;
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv_work = PTHREAD_COND_INITIALIZER,
       .cv_done = PTHREAD_COND_INITIALIZER, .run_mu = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local int pool_worker_id = -1;  /* >= 0 inside a task */
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_requested;

static void
pool_work(struct pool_job *job, int worker)
{
	int t;
	int saved = pool_worker_id;
	pool_worker_id = worker;
	while ((t = atomic_fetch_add(&job->next, 1)) < job->ntasks)
		job->fn(job->arg, t, worker);
	pool_worker_id = saved;
}

static void *
pool_thread(void *arg)
{
	int worker = (int)(long)arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&P.mu);
	for (;;) {
		while (!P.stop && P.generation == seen)
			pthread_cond_wait(&P.cv_work, &P.mu);
		if (P.stop)
			break;
		seen = P.generation;
		struct pool_job *job = P.job;
		pthread_mutex_unlock(&P.mu);
		pool_work(job, worker);
		pthread_mutex_lock(&P.mu);
		job->done_workers++;
		pthread_cond_signal(&P.cv_done);
	}
	pthread_mutex_unlock(&P.mu);
	return NULL;
}

static void
pool_start(void)
{
	int n = pool_requested;
	if (n <= 0) {
		const char *env = getenv("WB_THREADS");
		if (env && atoi(env) > 0)
			n = atoi(env);
		else
			n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	}
	if (n < 1)
		n = 1;
	if (n > 256)
		n = 256;
	P.nthreads = n;
	P.threads = xcalloc((size_t)n, sizeof(pthread_t));
	for (int i = 1; i < n; i++)
		pthread_create(&P.threads[i], NULL, pool_thread, (void *)(long)i);
	P.started = true;
}

void
pool_init(int n)
{
	pool_requested = n;
	pthread_once(&pool_once, pool_start);
}

int
pool_size(void)
{
	pthread_once(&pool_once, pool_start);
	return P.nthreads;
}

void
pool_run(int ntasks, pool_fn fn, void *arg)
{
	struct pool_job job;
	if (ntasks <= 0)
		return;
	pthread_once(&pool_once, pool_start);
	if (pool_worker_id >= 0 || P.nthreads == 1 || ntasks == 1) {
		/* nested or trivial: run inline */
		int w = pool_worker_id >= 0 ? pool_worker_id : 0;
		for (int t = 0; t < ntasks; t++) {
			int saved = pool_worker_id;
			pool_worker_id = w;
			fn(arg, t, w);
			pool_worker_id = saved;
		}
		return;
	}
	pthread_mutex_lock(&P.run_mu);
	job.fn = fn;
	job.arg = arg;
	job.ntasks = ntasks;
	atomic_init(&job.next, 0);
	job.done_workers = 0;
	pthread_mutex_lock(&P.mu);
	P.job = &job;
	P.generation++;
	pthread_cond_broadcast(&P.cv_work);
	pthread_mutex_unlock(&P.mu);

	pool_work(&job, 0);

	pthread_mutex_lock(&P.mu);
	while (job.done_workers < P.nthreads - 1)
		pthread_cond_wait(&P.cv_done, &P.mu);
	P.job = NULL;
	pthread_mutex_unlock(&P.mu);
	pthread_mutex_unlock(&P.run_mu);
}

void
pool_shutdown(void)
{
	if (!P.started)
		return;
	pthread_mutex_lock(&P.mu);
	P.stop = true;
	pthread_cond_broadcast(&P.cv_work);
	pthread_mutex_unlock(&P.mu);
	for (int i = 1; i < P.nthreads; i++)
		pthread_join(P.threads[i], NULL);
	free(P.threads);
	P.started = false;
}

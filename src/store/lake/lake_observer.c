/*
 * The commit observer of lake.h: one process-wide callback told of every
 * Delta commit the process publishes (`wb job` counts a task's rows
 * written with it). Set once at start-up, before any statement runs, so
 * the plain globals need no lock.
 */
#include "store/lake/lake.h"

#include <stddef.h>

static lake_commit_observer observer;
static void *observer_arg;

void
lake_set_commit_observer(lake_commit_observer fn, void *arg)
{
	observer = fn;
	observer_arg = arg;
}

void
lake_commit_notify(const char *dir, int64_t version, const char *operation, int64_t rows)
{
	if (observer != NULL && version >= 0)
		observer(observer_arg, dir, version, operation ? operation : "", rows);
}

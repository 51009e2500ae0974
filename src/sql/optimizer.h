/*
 * optimizer: plan rewrites after binding.
 *
 *   - projection pruning: every node keeps only the columns its parent
 *     uses, down into scans, so a CSV or table scan decodes only the
 *     columns the query needs;
 *   - TOP-N: ORDER BY followed by LIMIT (small) becomes one TOP_N node
 *     that never sorts more than about 2N rows per thread;
 *   - adjacent projections that only rename or reorder are merged;
 *   - scans under filters get pruning hints (opt_scanpred.c).
 */
#ifndef WB_SQL_OPTIMIZER_H
#define WB_SQL_OPTIMIZER_H

#include "core/arena.h"
#include "exec/plan.h"

struct pnode *optimize(struct arena *a, struct pnode *root);
/* opt_estimate.c: row estimates recomputed bottom-up */
void opt_estimate(struct pnode *root);
/* opt_joinorder.c: left-deep order of inner join chains */
struct pnode *opt_join_order(struct arena *a, struct pnode *root);
/* opt_pushdown.c */
struct pnode *opt_pushdown(struct arena *a, struct pnode *root);
/* opt_scanpred.c: pruning hints for scans under filters */
void opt_scan_preds(struct arena *a, struct pnode *root);

#endif

/*
 * expect_int: what the files of the expect module (expect_decl.c,
 * expect_guard.c, stmt_expect.c) share; not for other modules.
 */
#ifndef WB_CLI_EXPECT_INT_H
#define WB_CLI_EXPECT_INT_H

#include "cli/expect.h"

/* Call fn for expression e and every expression below it (pre-order);
 * the queries of subqueries are not entered. */
void expect_walk(const struct ast *e, void (*fn)(void *arg, const struct ast *n), void *arg);
/* "CHECK constraint" or "expectation", for messages. */
const char *expect_kind_name(enum expect_action a);
/* The rule a CONSTRAINT node declares (strings in a; the name lower case). */
void expect_rule_from_node(struct arena *a, const struct ast *c, struct expect_rule *r);
/* The properties storing rule r: 1 (CHECK) or 2 (expectation) keys and
 * values (in a). */
int expect_rule_props(struct arena *a, const struct expect_rule *r, char **keys, char **values);
/* The base name of a table directory (its last path element). */
char *expect_dir_name(struct arena *a, const char *dir);

#endif

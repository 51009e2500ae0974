#include "cli/stmt_int.h"
int
stmt_alter(struct session *s, struct arena *a, struct ast *st, struct wb_error *err)
{
	err_set(err, st->pos, "ALTER: not yet");
	return -1;
}

/*
 * ml_kinds: the table of model kinds (model_type values).
 */
#include "ml/ml.h"

#include <strings.h>

static const struct ml_kind *const kinds[] = {
	&ml_kind_linear_reg,
	&ml_kind_logistic_reg,
	&ml_kind_tree_classifier,
	&ml_kind_tree_regressor,
	&ml_kind_forest_classifier,
	&ml_kind_forest_regressor,
	NULL,
};

int
ml_kind_count(void)
{
	return (int)(sizeof kinds / sizeof kinds[0]) - 1;
}

const struct ml_kind *
ml_kind_at(int i)
{
	return kinds[i];
}

const struct ml_kind *
ml_kind_find(const char *name)
{
	for (int i = 0; kinds[i]; i++)
		if (strcasecmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

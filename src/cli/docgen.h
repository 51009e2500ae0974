/*
 * docgen: documentation generated from the function tables, so that the
 * manual cannot drift from the program (`wb --man-functions`) and the
 * manual's examples run as tests (`wb --examples-slt`).
 */
#ifndef WB_CLI_DOCGEN_H
#define WB_CLI_DOCGEN_H

#include <stdio.h>

void docgen_functions_man(FILE *out);
void docgen_examples_slt(FILE *out);

#endif

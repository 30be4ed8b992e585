/* mamori assess FILE --as FRAMEWORK (src/cli/assess_as.c). */
#ifndef MM_CLI_ASSESS_AS_H
#define MM_CLI_ASSESS_AS_H

#include "mamori/assess.h"

/* Prints res projected onto framework as (loaded with the packs of dir, NULL for the
 * built-ins) in format text or json (NULL: text), to out (NULL or "-": stdout). Returns
 * the exit code. */
int cli_assess_as(const mm_result *res, const char *as, const char *dir, const char *format,
                  const char *out);

#endif

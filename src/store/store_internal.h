/* Shared by the store front end and its backends. Internal. */
#ifndef MM_STORE_INTERNAL_H
#define MM_STORE_INTERNAL_H

#include <stdbool.h>

#include "mamori/store.h"

extern const mm_store_backend mm_store_sqlite;
extern const mm_store_backend mm_store_postgres;

bool mm_store_valid_kind(const char *kind);
bool mm_store_valid_role(const char *role);

#endif

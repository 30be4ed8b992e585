/* Shared by the store front end and its backends. Internal. */
#ifndef MM_STORE_INTERNAL_H
#define MM_STORE_INTERNAL_H

#include <stdbool.h>

#include "mamori/store.h"

extern const mm_store_backend mm_store_sqlite;
extern const mm_store_backend mm_store_postgres;

bool mm_store_valid_kind(const char *kind);
bool mm_store_valid_role(const char *role);

/* ---- dump: the fixed list of tables and columns (src/store/dump.c) ---- */

typedef enum mm_col_type { MM_COL_TEXT, MM_COL_INT, MM_COL_BOOL } mm_col_type;

typedef struct mm_dump_column {
    const char *name;
    mm_col_type type;
    bool nullable;
    bool deferred; /* inserted as NULL, set by dump_link once every table is in */
} mm_dump_column;

typedef struct mm_dump_table {
    const char *name;
    const char *key; /* the primary key column (first column); rows go in its order */
    const mm_dump_column *cols;
    size_t ncols;
    bool identity; /* PostgreSQL: key is an identity column (its sequence is reset) */
    bool deferred; /* has deferred columns */
} mm_dump_table;

/* The backend and its handle of an open store (for the dump drivers). */
const mm_store_backend *mm_store_be(mm_store *s);
void *mm_store_impl(mm_store *s);

extern const mm_dump_table mm_dump_tables[];
extern const size_t mm_dump_ntables;

#endif

/* mamori serve: the audited write. Every change of stored data appends an audit record in
 * the same transaction (the cache's version, docs/api.md's audit log): this is the one place
 * that ends such a transaction. */
#include <stdlib.h>

#include "server/internal.h"

int mm_audited_commit(mm_store *st, int rc, const char *actor, const char *action,
                      const char *object, json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc == MM_OK && detail && !dt)
        rc = MM_ENOMEM;
    json_decref(detail);
    if (rc == MM_OK && action)
        rc = mm_store_audit_append(st, NULL, actor, action, object, dt);
    free(dt);
    if (rc == MM_OK)
        rc = mm_store_commit(st);
    else
        mm_store_rollback(st);
    return rc;
}

int mm_audit_note(mm_store *st, const char *actor, const char *action, const char *object,
                  json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = detail && !dt ? MM_ENOMEM : mm_store_audit_append(st, NULL, actor, action, object, dt);
    json_decref(detail);
    free(dt);
    return rc;
}

/* mamori serve: who may do what. Every route declares a need; this file alone turns a
 * principal, a need and the organization concerned into allow, 401, 403 or 404. */
#include <string.h>

#include "server/internal.h"

static bool is_role(const principal *p, const char *role)
{
    return strcmp(p->role, role) == 0;
}

static bool contractor_user(const principal *p)
{
    return !p->authority && (is_role(p, "contractor-admin") || is_role(p, "contractor-member"));
}

static bool authority_reader(const principal *p)
{
    return p->authority && (is_role(p, "authority-admin") || is_role(p, "authority-analyst"));
}

static bool member_of(const principal *p, const target_org *t)
{
    return t && t->exists && t->id && strcmp(p->org_id, t->id) == 0;
}

/* A prime whose subcontractor (t) consented to show its summary status. */
static bool consenting_prime(const principal *p, const target_org *t)
{
    return contractor_user(p) && t && t->exists && t->parent_id &&
           strcmp(t->parent_id, p->org_id) == 0 && t->prime_consent;
}

int mm_access_decide(const principal *p, need n, const target_org *target, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (n == NEED_NONE || n == NEED_ANY)
        return 0;
    if (!p || !p->authenticated)
        return 401;
    /* the organization exists and the caller may at least see it? */
    bool sees = false;
    switch (n) {
    case NEED_NONE:
    case NEED_ANY:
    case NEED_SELF:
        return 0;
    case NEED_AUTHORITY_READ:
        if (authority_reader(p))
            return 0;
        *why = "this is for the authority's users";
        return 403;
    case NEED_AUTHORITY_ADMIN:
        if (p->authority && is_role(p, "authority-admin"))
            return 0;
        *why = "this needs the authority-admin role";
        return 403;
    case NEED_SUBMIT:
        if (contractor_user(p))
            return 0;
        *why = "only a contractor's users submit assessments, for their own organization";
        return 403;
    case NEED_SUB_OWN:
        if (member_of(p, target))
            return 0;
        if (target && target->exists && authority_reader(p)) {
            *why = "a receipt is given to the submitting organization only (the submission "
                   "itself: GET /api/v1/submissions/{id})";
            return 403;
        }
        return 404;
    case NEED_ORG_READ:
    case NEED_SUB_READ:
    case NEED_ORG_SUMMARY:
    case NEED_ORG_USERS:
    case NEED_ORG_ADMIN:
        break;
    }
    if (!target || !target->exists)
        return 404;
    sees = authority_reader(p) || member_of(p, target) ||
           (n == NEED_ORG_SUMMARY && consenting_prime(p, target));
    if (!sees)
        return 404;
    switch (n) {
    case NEED_ORG_READ:
    case NEED_SUB_READ:
    case NEED_ORG_SUMMARY:
        return 0;
    case NEED_ORG_USERS:
        if ((p->authority && is_role(p, "authority-admin")) ||
            (member_of(p, target) && is_role(p, "contractor-admin")))
            return 0;
        *why = "this needs the authority-admin role, or the organization's contractor-admin";
        return 403;
    case NEED_ORG_ADMIN:
        if (member_of(p, target) && is_role(p, "contractor-admin"))
            return 0;
        *why = "this needs the organization's contractor-admin role";
        return 403;
    default:
        return 403;
    }
}

/* Unit tests of the one access decision (src/server/access.c): every need × every role ×
 * own organization, another organization, a consenting and a non-consenting subcontractor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/internal.h"

static principal user(const char *role, const char *org, bool authority)
{
    principal p;
    memset(&p, 0, sizeof p);
    p.authenticated = true;
    p.user_id = 7;
    snprintf(p.role, sizeof p.role, "%s", role);
    snprintf(p.org_id, sizeof p.org_id, "%s", org);
    p.authority = authority;
    return p;
}

/* Organizations: A (a prime), B (A's subcontractor, consented), C (A's subcontractor, no
 * consent), X (unrelated). */
static const target_org A = {true, "A", "contractor", NULL, false};
static const target_org B = {true, "B", "contractor", "A", true};
static const target_org C = {true, "C", "contractor", "A", false};
static const target_org X = {true, "X", "contractor", NULL, false};
static const target_org GONE = {false, NULL, NULL, NULL, false};

/* A receipt: the submitting organization's users only; 404 to every other organization (a
 * consenting subcontractor's prime too), 403 to the authority, 401 anonymous. */
static void test_receipt_own_only(void **state)
{
    (void)state;
    principal cadmin = user("contractor-admin", "A", false);
    principal member = user("contractor-member", "A", false);
    principal other = user("contractor-admin", "X", false);
    principal admin = user("authority-admin", "AUTH", true);
    principal analyst = user("authority-analyst", "AUTH", true);
    principal anon;
    memset(&anon, 0, sizeof anon);
    const char *why = NULL;
    assert_int_equal(mm_access_decide(&cadmin, NEED_SUB_OWN, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&member, NEED_SUB_OWN, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&other, NEED_SUB_OWN, &A, NULL), 404);
    assert_int_equal(mm_access_decide(&cadmin, NEED_SUB_OWN, &B, NULL), 404);
    assert_int_equal(mm_access_decide(&cadmin, NEED_SUB_OWN, &GONE, NULL), 404);
    assert_int_equal(mm_access_decide(&admin, NEED_SUB_OWN, &A, &why), 403);
    assert_non_null(why);
    assert_int_equal(mm_access_decide(&analyst, NEED_SUB_OWN, &A, NULL), 403);
    assert_int_equal(mm_access_decide(&admin, NEED_SUB_OWN, &GONE, NULL), 404);
    assert_int_equal(mm_access_decide(&anon, NEED_SUB_OWN, &A, NULL), 401);
}

static void test_anonymous(void **state)
{
    (void)state;
    principal anon;
    memset(&anon, 0, sizeof anon);
    assert_int_equal(mm_access_decide(&anon, NEED_NONE, NULL, NULL), 0);
    for (int n = NEED_SELF; n <= NEED_SUB_READ; n++)
        assert_int_equal(mm_access_decide(&anon, (need)n, &A, NULL), 401);
}

static void test_authority(void **state)
{
    (void)state;
    principal admin = user("authority-admin", "AUTH", true);
    principal analyst = user("authority-analyst", "AUTH", true);
    const char *why = NULL;
    for (const target_org *t = &A; t; t = t == &A ? &X : NULL) {
        assert_int_equal(mm_access_decide(&admin, NEED_ORG_READ, t, NULL), 0);
        assert_int_equal(mm_access_decide(&analyst, NEED_ORG_READ, t, NULL), 0);
        assert_int_equal(mm_access_decide(&analyst, NEED_SUB_READ, t, NULL), 0);
        assert_int_equal(mm_access_decide(&admin, NEED_ORG_USERS, t, NULL), 0);
        assert_int_equal(mm_access_decide(&analyst, NEED_ORG_USERS, t, &why), 403);
        assert_non_null(why);
        /* keys and consent belong to the contractor alone */
        assert_int_equal(mm_access_decide(&admin, NEED_ORG_ADMIN, t, NULL), 403);
    }
    assert_int_equal(mm_access_decide(&admin, NEED_AUTHORITY_ADMIN, NULL, NULL), 0);
    assert_int_equal(mm_access_decide(&analyst, NEED_AUTHORITY_ADMIN, NULL, NULL), 403);
    assert_int_equal(mm_access_decide(&analyst, NEED_AUTHORITY_READ, NULL, NULL), 0);
    assert_int_equal(mm_access_decide(&admin, NEED_SUBMIT, NULL, NULL), 403);
    assert_int_equal(mm_access_decide(&admin, NEED_ORG_READ, &GONE, NULL), 404);
}

static void test_contractor_own_and_other(void **state)
{
    (void)state;
    principal cadmin = user("contractor-admin", "A", false);
    principal member = user("contractor-member", "A", false);
    assert_int_equal(mm_access_decide(&cadmin, NEED_ORG_READ, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&cadmin, NEED_ORG_USERS, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&cadmin, NEED_ORG_ADMIN, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&member, NEED_ORG_READ, &A, NULL), 0);
    assert_int_equal(mm_access_decide(&member, NEED_ORG_USERS, &A, NULL), 403);
    assert_int_equal(mm_access_decide(&member, NEED_ORG_ADMIN, &A, NULL), 403);
    assert_int_equal(mm_access_decide(&member, NEED_SUBMIT, NULL, NULL), 0);
    assert_int_equal(mm_access_decide(&cadmin, NEED_SUBMIT, NULL, NULL), 0);
    /* another organization is invisible for every need: 404, never 403 */
    for (int n = NEED_ORG_READ; n <= NEED_SUB_READ; n++) {
        if (n == NEED_SUBMIT)
            continue;
        assert_int_equal(mm_access_decide(&cadmin, (need)n, &X, NULL), 404);
        assert_int_equal(mm_access_decide(&member, (need)n, &X, NULL), 404);
    }
    assert_int_equal(mm_access_decide(&cadmin, NEED_AUTHORITY_READ, NULL, NULL), 403);
    assert_int_equal(mm_access_decide(&cadmin, NEED_AUTHORITY_ADMIN, NULL, NULL), 403);
}

static void test_prime_and_subcontractors(void **state)
{
    (void)state;
    principal prime = user("contractor-member", "A", false);
    /* a consenting subcontractor: its summary only */
    assert_int_equal(mm_access_decide(&prime, NEED_ORG_SUMMARY, &B, NULL), 0);
    assert_int_equal(mm_access_decide(&prime, NEED_ORG_READ, &B, NULL), 404);
    assert_int_equal(mm_access_decide(&prime, NEED_SUB_READ, &B, NULL), 404);
    assert_int_equal(mm_access_decide(&prime, NEED_ORG_USERS, &B, NULL), 404);
    /* no consent: nothing */
    assert_int_equal(mm_access_decide(&prime, NEED_ORG_SUMMARY, &C, NULL), 404);
    /* the subcontractor never sees its prime */
    principal sub = user("contractor-admin", "B", false);
    assert_int_equal(mm_access_decide(&sub, NEED_ORG_SUMMARY, &A, NULL), 404);
    assert_int_equal(mm_access_decide(&sub, NEED_ORG_READ, &A, NULL), 404);
    /* a user of an authority-kind organization with a contractor role gets nothing extra */
    principal odd = user("contractor-admin", "AUTH", true);
    assert_int_equal(mm_access_decide(&odd, NEED_ORG_READ, &X, NULL), 404);
    assert_int_equal(mm_access_decide(&odd, NEED_SUBMIT, NULL, NULL), 403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymous),
        cmocka_unit_test(test_authority),
        cmocka_unit_test(test_contractor_own_and_other),
        cmocka_unit_test(test_prime_and_subcontractors),
        cmocka_unit_test(test_receipt_own_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

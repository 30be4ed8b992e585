/* TLP 2.0 labels, the merge and the read decision (src/share/tlp.c): the full matrix of
 * 5 labels x 11 reader classes, every cell asserted, and the item body parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mamori/share.h"

static void test_labels(void **state)
{
    (void)state;
    static const char *const names[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT",
                                        "TLP:RED"};
    for (int i = 0; i < 5; i++) {
        mm_tlp t = MM_TLP_RED;
        assert_int_equal(mm_tlp_parse(&t, names[i]), 0);
        assert_int_equal((int)t, i);
        assert_string_equal(mm_tlp_label(t), names[i]);
        assert_int_equal(mm_tlp_parse(&t, names[i] + 4), 0); /* the bare name */
        assert_int_equal((int)t, i);
        assert_string_equal(mm_tlp_name(t), names[i] + 4);
    }
    mm_tlp t;
    static const char *const bad[] = {
        "TLP:WHITE", "tlp:red", "TLP:AMBER STRICT", "TLP:", "", "RED ", "TLP:AMBER+strict"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mm_tlp_parse(&t, bad[i]), MM_EINVALID);
    assert_int_equal(mm_tlp_parse(&t, NULL), MM_EINVALID);
}

static void test_merge(void **state)
{
    (void)state;
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++)
            assert_int_equal((int)mm_tlp_merge((mm_tlp)a, (mm_tlp)b), a > b ? a : b);
    assert_int_equal(mm_tlp_merge(MM_TLP_GREEN, MM_TLP_AMBER_STRICT), MM_TLP_AMBER_STRICT);
    assert_int_equal(mm_tlp_merge(MM_TLP_CLEAR, MM_TLP_CLEAR), MM_TLP_CLEAR);
}

/* ---- the matrix ------------------------------------------------------------------------ */

enum { ORIGINATOR_USER = 1, NAMED_USER = 100, AUTHORITY_USER = 700 };
static const char *const recipient_orgs[] = {"recip"};
static const char *const recipient_orgs_auth[] = {"recip", "auth"};
static const int64_t named[] = {NAMED_USER};
static const int64_t named_auth[] = {NAMED_USER, AUTHORITY_USER};
static const char *const in_c1[] = {"c1"};
static const char *const in_c2[] = {"c2"};
static const char *const reshared[] = {"resh"};

typedef enum {
    R_NAMED,
    R_SAME_ORG,
    R_RECIPIENT_ORG,
    R_CLIENT_ORG,
    R_RESHARED_ORG,
    R_AUTHORITY_CLIENT,
    R_COMMUNITY_MEMBER,
    R_COMMUNITY_OUTSIDER,
    R_AUTHORITY,
    R_AUTHORITY_RECIPIENT,
    R_ANONYMOUS,
    NCLASSES
} reader_class;

static const char *const class_names[NCLASSES] = {"named recipient",
                                                  "same organization",
                                                  "recipient organization",
                                                  "client organization (not re-shared)",
                                                  "client a recipient re-shared it with",
                                                  "contractor (authority a recipient)",
                                                  "community member",
                                                  "community outsider",
                                                  "authority (not a recipient)",
                                                  "authority (a recipient)",
                                                  "anonymous"};

/* expected[label][class]: 1 allow, 0 deny. Need-to-know: a client (of the originator, of
 * a recipient, of the authority) reads nothing by being a client, only after a recipient
 * re-shares the item with it, and a re-share counts under AMBER (and wider) only. */
static const int expected[5][NCLASSES] = {
    /*             named same recip client resh a-client member outsider auth auth-r anon */
    /* CLEAR */ {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    /* GREEN */ {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0},
    /* AMBER */ {1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0},
    /* A+S   */ {1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0},
    /* RED   */ {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
};

static mm_share_reader reader_of(reader_class c)
{
    mm_share_reader r = {.authority_org = "auth"};
    switch (c) {
    case R_NAMED: /* a user of an unrelated contractor, named on the item */
        r.user_id = NAMED_USER;
        r.org_id = "named-org";
        break;
    case R_SAME_ORG:
        r.user_id = 200;
        r.org_id = "orig";
        break;
    case R_RECIPIENT_ORG:
        r.user_id = 300;
        r.org_id = "recip";
        break;
    case R_CLIENT_ORG: /* a subcontractor of the originator */
        r.user_id = 400;
        r.org_id = "sub";
        r.parent_org = "orig";
        break;
    case R_RESHARED_ORG: /* a subcontractor of the recipient, re-shared with */
        r.user_id = 450;
        r.org_id = "resh";
        r.parent_org = "recip";
        break;
    case R_AUTHORITY_CLIENT: /* a contractor; the authority is a recipient of the item */
        r.user_id = 460;
        r.org_id = "other";
        break;
    case R_COMMUNITY_MEMBER:
        r.user_id = 500;
        r.org_id = "member";
        r.communities = in_c1;
        r.n_communities = 1;
        break;
    case R_COMMUNITY_OUTSIDER: /* in another community */
        r.user_id = 600;
        r.org_id = "outsider";
        r.communities = in_c2;
        r.n_communities = 1;
        break;
    case R_AUTHORITY:
    case R_AUTHORITY_RECIPIENT:
        r.user_id = AUTHORITY_USER;
        r.org_id = "auth";
        r.authority = true;
        break;
    case R_ANONYMOUS:
    case NCLASSES:
        r.anonymous = true;
        break;
    }
    return r;
}

static mm_share_access item_for(mm_tlp t, reader_class c)
{
    mm_share_access a = {.tlp = t,
                         .originator_org = "orig",
                         .originator_user = ORIGINATOR_USER,
                         .recipient_orgs = recipient_orgs,
                         .n_recipient_orgs = 1,
                         .recipient_users = named,
                         .n_recipient_users = 1,
                         .community_id = t == MM_TLP_GREEN ? "c1" : NULL};
    if (t == MM_TLP_RED) { /* RED names individuals, never organizations */
        a.recipient_orgs = NULL;
        a.n_recipient_orgs = 0;
    }
    if (c == R_RESHARED_ORG) { /* stored for every label; counts only where it may */
        a.reshared_orgs = reshared;
        a.n_reshared_orgs = 1;
    }
    if (c == R_AUTHORITY_RECIPIENT || c == R_AUTHORITY_CLIENT) {
        if (t == MM_TLP_RED) {
            a.recipient_users = named_auth;
            a.n_recipient_users = 2;
        } else {
            a.recipient_orgs = recipient_orgs_auth;
            a.n_recipient_orgs = 2;
        }
    }
    return a;
}

static void test_matrix(void **state)
{
    (void)state;
    int cells = 0;
    for (int t = 0; t < 5; t++)
        for (int c = 0; c < NCLASSES; c++) {
            mm_share_access a = item_for((mm_tlp)t, (reader_class)c);
            mm_share_reader r = reader_of((reader_class)c);
            const char *why = NULL;
            bool got = mm_tlp_may_read(&a, &r, &why);
            if (got != (expected[t][c] == 1))
                fail_msg("%s x %s: expected %s, got %s (%s)", mm_tlp_label((mm_tlp)t),
                         class_names[c], expected[t][c] ? "allow" : "deny", got ? "allow" : "deny",
                         why ? why : "");
            assert_non_null(why);
            cells++;
        }
    assert_int_equal(cells, 5 * 11);
}

/* The same decisions with anything extra taken away: a reader is never allowed by luck */
static void test_edges(void **state)
{
    (void)state;
    /* the user who shared a RED item reads it; its organization does not */
    mm_share_access a = {.tlp = MM_TLP_RED, .originator_org = "orig", .originator_user = 1};
    mm_share_reader sharer = {.user_id = 1, .org_id = "orig", .authority_org = "auth"};
    mm_share_reader colleague = {.user_id = 2, .org_id = "orig", .authority_org = "auth"};
    assert_true(mm_tlp_may_read(&a, &sharer, NULL));
    assert_false(mm_tlp_may_read(&a, &colleague, NULL));
    /* AMBER with the authority as a recipient: its clients (every contractor) read nothing
     * until it re-shares with them */
    static const char *const to_auth[] = {"auth"};
    mm_share_access b = {.tlp = MM_TLP_AMBER,
                         .originator_org = "orig",
                         .recipient_orgs = to_auth,
                         .n_recipient_orgs = 1};
    mm_share_reader contractor = {.user_id = 9, .org_id = "other", .authority_org = "auth"};
    assert_false(mm_tlp_may_read(&b, &contractor, NULL));
    static const char *const to_other[] = {"other"};
    b.reshared_orgs = to_other;
    b.n_reshared_orgs = 1;
    assert_true(mm_tlp_may_read(&b, &contractor, NULL));
    mm_share_reader third = {.user_id = 10, .org_id = "third", .authority_org = "auth"};
    assert_false(mm_tlp_may_read(&b, &third, NULL)); /* only the one re-shared with */
    b.tlp = MM_TLP_AMBER_STRICT;                     /* ... and never under AMBER+STRICT */
    assert_false(mm_tlp_may_read(&b, &contractor, NULL));
    b.tlp = MM_TLP_RED;
    assert_false(mm_tlp_may_read(&b, &contractor, NULL));
    /* a subcontractor of the originator: not under AMBER without a re-share */
    mm_share_access sub_item = {.tlp = MM_TLP_AMBER, .originator_org = "orig"};
    mm_share_reader sub = {.user_id = 11, .org_id = "sub", .parent_org = "orig"};
    assert_false(mm_tlp_may_read(&sub_item, &sub, NULL));
    /* the originator's prime is not its client */
    mm_share_access c = {.tlp = MM_TLP_AMBER, .originator_org = "sub"};
    mm_share_reader prime = {.user_id = 3, .org_id = "orig", .authority_org = "auth"};
    assert_false(mm_tlp_may_read(&c, &prime, NULL));
    /* GREEN without a community: the organizations concerned (and re-shares) only */
    mm_share_access d = {.tlp = MM_TLP_GREEN, .originator_org = "orig"};
    static const char *const some[] = {"c1"};
    mm_share_reader member = {.user_id = 4,
                              .org_id = "m",
                              .authority_org = "auth",
                              .communities = some,
                              .n_communities = 1};
    assert_false(mm_tlp_may_read(&d, &member, NULL));
    d.community_id = "c1";
    assert_true(mm_tlp_may_read(&d, &member, NULL));
    /* no reader, no item, a label out of range */
    assert_false(mm_tlp_may_read(&d, NULL, NULL));
    assert_false(mm_tlp_may_read(NULL, &member, NULL));
    d.tlp = (mm_tlp)7;
    assert_false(mm_tlp_may_read(&d, &member, NULL));
    /* user 0 is nobody: never matches an item without an originator user */
    mm_share_access e = {.tlp = MM_TLP_RED, .originator_org = "orig"};
    mm_share_reader nobody = {.user_id = 0, .org_id = "orig"};
    assert_false(mm_tlp_may_read(&e, &nobody, NULL));
}

static int parse(const char *text, mm_share_item_body *b)
{
    return mm_share_parse_item(b, text, strlen(text));
}

static void test_parse_item(void **state)
{
    (void)state;
    mm_share_item_body b;
    assert_int_equal(parse("{\"title\":\"Phishing wave\",\"tlp\":\"TLP:GREEN\",\"description\":"
                           "\"line 1\\nline 2\",\"indicators\":[{\"type\":\"domain\",\"value\":"
                           "\"bad.example\"}],\"attachments\":[{\"name\":\"a.pcap\",\"sha256\":"
                           "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}],"
                           "\"community\":\"c1\",\"recipients\":{\"orgs\":[\"o1\"]}}",
                           &b),
                     0);
    assert_string_equal(b.title, "Phishing wave");
    assert_int_equal(b.tlp, MM_TLP_GREEN);
    assert_string_equal(b.community, "c1");
    json_t *stored = mm_share_item_stored_body(&b);
    assert_non_null(stored);
    assert_int_equal(json_array_size(json_object_get(stored, "indicators")), 1);
    json_decref(stored);
    mm_share_item_clear(&b);
    assert_int_equal(
        parse("{\"title\":\"x\",\"tlp\":\"RED\",\"recipients\":{\"users\":[\"alice\"]}}", &b), 0);
    mm_share_item_clear(&b);

    static const char *const bad[] = {
        "[]",
        "{\"tlp\":\"TLP:CLEAR\"}",
        "{\"title\":\"\",\"tlp\":\"TLP:CLEAR\"}",
        "{\"title\":\"x\",\"tlp\":\"TLP:WHITE\"}",
        "{\"title\":\"x\",\"tlp\":\"TLP:CLEAR\",\"extra\":1}",
        "{\"title\":\"x\",\"tlp\":\"TLP:RED\"}",
        "{\"title\":\"x\",\"tlp\":\"TLP:RED\",\"recipients\":{\"users\":[\"a\"],\"orgs\":[\"o\"]}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"community\":\"c1\"}",
        "{\"title\":\"x\",\"tlp\":\"TLP:CLEAR\",\"indicators\":[{\"type\":\"ip\"}]}",
        "{\"title\":\"x\",\"tlp\":\"TLP:CLEAR\",\"attachments\":[{\"name\":\"a\",\"sha256\":\"x\"}]"
        "}",
        "{\"title\":\"x\",\"tlp\":\"TLP:CLEAR\",\"attachments\":[{\"name\":\"a\",\"sha256\":"
        "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"data\":\"AAAA\"}]}",
        "{\"title\":\"x\",\"tlp\":\"TLP:CLEAR\",\"recipients\":{\"users\":[1]}}",
        "{\"title\":\"a\\u0000b\",\"tlp\":\"TLP:CLEAR\"}",
        "{\"title\":\"x\",\"title\":\"y\",\"tlp\":\"TLP:CLEAR\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i], &b);
        if (rc == 0)
            fail_msg("accepted: %s", bad[i]);
        assert_null(b.json);
    }
    assert_int_equal(parse("{", &b), MM_EPARSE);
}

/* ---- the gates (mm_share_decide; docs/sharing.md "Gated items") ----------------------- */

/* An AMBER+STRICT item of "orig" for "recip", gated by need-to-know group "g" and regime
 * "xa-test" level "L2" (test data: no real regime is named here). */
static mm_share_access gated_item(void)
{
    static const char *const orgs[] = {"recip"};
    return (mm_share_access){.tlp = MM_TLP_AMBER_STRICT,
                             .originator_org = "orig",
                             .originator_user = 1,
                             .recipient_orgs = orgs,
                             .n_recipient_orgs = 1,
                             .clearance_regime = "xa-test",
                             .clearance_level = "L2",
                             .ntk_group = "g"};
}

static void test_gates(void **state)
{
    (void)state;
    static const char *const in_g[] = {"g"};
    mm_clearance held = {
        .regime = "xa-test", .level = "L2", .granted = "2026-01-01", .expires = "2026-12-07"};
    mm_share_reader r = {.user_id = 5,
                         .org_id = "recip",
                         .today = "2026-12-07",
                         .clearances = &held,
                         .n_clearances = 1,
                         .groups = in_g,
                         .n_groups = 1};
    mm_share_access a = gated_item();
    const char *why = NULL;
    assert_true(mm_share_gated(&a));
    assert_int_equal(mm_share_decide(&a, &r, &why), MM_GATE_OK); /* the last day counts */
    assert_true(mm_tlp_may_read(&a, &r, NULL));
    r.today = "2026-12-08";
    assert_int_equal(mm_share_decide(&a, &r, &why), MM_GATE_EXPIRED);
    assert_false(mm_tlp_may_read(&a, &r, NULL));
    r.today = "2025-12-31"; /* before it was granted */
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_EXPIRED);
    r.today = NULL; /* no day: fail closed */
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_EXPIRED);
    r.today = "2026-06-01";
    held.expires = NULL; /* no expiry recorded */
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    /* the label first: an outsider is refused for TLP whatever it holds */
    r.org_id = "outsider";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_TLP);
    r.org_id = "recip";
    /* need-to-know */
    r.n_groups = 0;
    assert_int_equal(mm_share_decide(&a, &r, &why), MM_GATE_NEED_TO_KNOW);
    assert_string_equal(mm_share_gate_name(MM_GATE_NEED_TO_KNOW), "need-to-know");
    r.n_groups = 1;
    /* another level of the same regime, and no policy row: refused (nothing implied) */
    held.level = "L3";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_CLEARANCE);
    mm_clearance_rule rule = {"xa-test", "L3", "xa-test", "L2"};
    r.policy = &rule;
    r.n_policy = 1;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    /* another regime: reciprocity only through a row */
    held.regime = "xb-test";
    held.level = "K1";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_RECIPROCITY);
    mm_clearance_rule rules[2] = {{"xb-test", "K1", "xa-test", "L3"},
                                  {"xa-test", "L3", "xa-test", "L2"}};
    r.policy = rules;
    r.n_policy = 2; /* K1 -> L3 and L3 -> L2 are never chained */
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_RECIPROCITY);
    mm_clearance_rule recip = {"xb-test", "K1", "xa-test", "L2"};
    r.policy = &recip;
    r.n_policy = 1;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    /* a rule the other way round gives nothing */
    mm_clearance_rule back = {"xa-test", "L2", "xb-test", "K1"};
    r.policy = &back;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_RECIPROCITY);
    /* none held */
    r.n_clearances = 0;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_CLEARANCE);
    /* a facility certification is not a personnel clearance */
    mm_clearance fac = {
        .regime = "xa-test", .level = "L2", .granted = "2026-01-01", .facility = true};
    r.clearances = &fac;
    r.n_clearances = 1;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_CLEARANCE);
    /* facility asked: the person's and the organization's */
    mm_clearance both[2] = {{.regime = "xa-test", .level = "L2", .granted = "2026-01-01"},
                            {.regime = "xa-test",
                             .level = "L2",
                             .granted = "2026-01-01",
                             .expires = "2026-05-31",
                             .facility = true}};
    r.clearances = both;
    r.n_clearances = 2;
    a.facility_required = true;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_FACILITY); /* expired on 06-01 */
    both[1].expires = NULL;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    a.facility_required = false;
    /* nationality and the organization's country */
    static const char *const jp[] = {"JP"};
    a.nationalities = jp;
    a.n_nationalities = 1;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_NATIONALITY);
    r.nationality = "US";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_NATIONALITY);
    r.nationality = "JP";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    a.org_countries = jp;
    a.n_org_countries = 1;
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_COUNTRY);
    r.org_country = "JP";
    assert_int_equal(mm_share_decide(&a, &r, NULL), MM_GATE_OK);
    /* the user who shared it, and nobody anonymous */
    mm_share_reader sharer = {.user_id = 1, .org_id = "orig", .today = "2026-06-01"};
    assert_int_equal(mm_share_decide(&a, &sharer, NULL), MM_GATE_OK);
    mm_share_reader colleague = {.user_id = 2, .org_id = "orig", .today = "2026-06-01"};
    assert_int_equal(mm_share_decide(&a, &colleague, NULL), MM_GATE_NEED_TO_KNOW);
    a.tlp = MM_TLP_CLEAR;
    mm_share_reader anon = {.anonymous = true};
    assert_int_equal(mm_share_decide(&a, &anon, NULL), MM_GATE_TLP);
    assert_int_equal(mm_share_decide(&a, NULL, NULL), MM_GATE_TLP);
    /* not gated: the label alone, as before */
    mm_share_access plain = {.tlp = MM_TLP_CLEAR};
    assert_false(mm_share_gated(&plain));
    assert_int_equal(mm_share_decide(&plain, &anon, NULL), MM_GATE_OK);
}

static void test_parse_gate(void **state)
{
    (void)state;
    mm_share_item_body b;
    assert_int_equal(parse("{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"clearance\":"
                           "{\"regime\":\"jp-iesi\",\"level\":\"any\"},\"facility\":true,"
                           "\"ntk_group\":\"g-1\",\"nationalities\":[\"JP\"],"
                           "\"org_countries\":[\"JP\",\"US\"]}}",
                           &b),
                     0);
    assert_non_null(b.gate);
    mm_share_item_clear(&b);
    static const char *const bad[] = {
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":[]}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"x\":1}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"facility\":true}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"ntk_group\":\"G\"}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"nationalities\":[]}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"org_countries\":[\"usa\"]}}",
        "{\"title\":\"x\",\"tlp\":\"TLP:AMBER\",\"gate\":{\"clearance\":{\"regime\":\"a\"}}}",
        "{\"title\":\"x\",\"tlp\":\"RED\",\"gate\":{\"clearance\":{\"regime\":\"A\"}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i], &b), MM_EINVALID);
        assert_non_null(strstr(mm_error_last(), "$.gate"));
        assert_null(b.json);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),     cmocka_unit_test(test_merge),
        cmocka_unit_test(test_matrix),     cmocka_unit_test(test_edges),
        cmocka_unit_test(test_parse_item), cmocka_unit_test(test_gates),
        cmocka_unit_test(test_parse_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

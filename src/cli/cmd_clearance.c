/* mamori admin clearance: clearance records, the authority's policy table, need-to-know
 * groups, nationality and country (docs/sharing.md, "Gated items"). Every change goes
 * through mm_gates_admin (src/server/clearance.c), audited as cli:admin-clearance. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/catalog.h"
#include "mamori/server.h"
#include "mamori/store.h"
#include "util/json.h"
#include "util/util.h"

static const char clearance_usage[] =
    "usage: mamori admin clearance grant --db URL (--user LOGIN | --org ORG-ID) --regime R\n"
    "                                    --level L --granted-by BODY --granted YYYY-MM-DD\n"
    "                                    [--expires YYYY-MM-DD] --evidence REF\n"
    "       mamori admin clearance regimes\n"
    "       mamori admin clearance revoke --db URL ID\n"
    "       mamori admin clearance list --db URL [--user LOGIN | --org ORG-ID]\n"
    "       mamori admin clearance policy add --db URL --held R:L --required R:L --source TEXT\n"
    "       mamori admin clearance policy remove --db URL ID\n"
    "       mamori admin clearance policy list --db URL\n"
    "       mamori admin clearance ntk create --db URL --org ORG-ID --name NAME\n"
    "                                         [--hide-members] GROUP-ID\n"
    "       mamori admin clearance ntk add|remove --db URL [--manager] GROUP-ID LOGIN\n"
    "       mamori admin clearance ntk list --db URL\n"
    "       mamori admin clearance person --db URL (--user LOGIN --nationality XX |\n"
    "                                               --org ORG-ID --country XX)\n"
    "\n"
    "  regimes shows the regimes mamori names (jp-iesi, jp-sds, us-eo13526) with their\n"
    "  published sources, and why the policy table ships empty.\n"
    "  grant records a user's clearance (--user) or an organization's facility\n"
    "  certification (--org): regime (e.g. jp-iesi, jp-sds, us-eo13526), level, granting\n"
    "  body, dates and an evidence reference (never the evidence itself). A clearance counts\n"
    "  from --granted to --expires, both days included, checked on the day of each read.\n"
    "  policy add is the authority's decision that a clearance held at R:L satisfies a\n"
    "  requirement R:L (levels within a regime, or reciprocity between regimes); mamori ships\n"
    "  no row, since no official source publishes one (docs/sharing.md). ntk manages\n"
    "  need-to-know groups; --hide-members hides the member list from members who do not\n"
    "  manage the group. person records a nationality or an organization's country (ISO\n"
    "  3166-1 alpha-2). Every change is audited as cli:admin-clearance.\n"
    "  This system holds only sensitive-but-unclassified information.\n";

static int usage_error(const char *msg)
{
    cli_error("%s", msg);
    return MM_EXIT_USAGE;
}

static int open_db(mm_store **s, const char *db)
{
    if (!db) {
        cli_error("admin clearance: --db URL is required");
        return MM_EXIT_USAGE;
    }
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    int rc = mm_store_open(s, db);
    return rc ? cli_fail(rc) : MM_EXIT_OK;
}

static int user_id_of(mm_store *s, const char *login, int64_t *out)
{
    mm_user *u = NULL;
    int rc = mm_store_get_user(s, &u, login);
    *out = u ? u->id : 0;
    mm_user_free(u);
    return rc;
}

/* "regime:level" into two pieces of buf */
static bool split_rl(char *buf, size_t size, const char *text, const char **regime,
                     const char **level)
{
    if (!text || strlen(text) >= size)
        return false;
    strcpy(buf, text);
    char *colon = strchr(buf, ':');
    if (!colon || colon == buf || !colon[1])
        return false;
    *colon = '\0';
    *regime = buf;
    *level = colon + 1;
    return true;
}

static void print_json(const json_t *j)
{
    char *t = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (t)
        printf("%s\n", t);
    free(t);
}

static int run(mm_store *s, mm_gates_op *op, const char *what)
{
    char now[21];
    mm_time_rfc3339(now, cli_now());
    op->now = now;
    op->actor = "cli:admin-clearance";
    int64_t id = 0;
    int rc = mm_gates_admin(s, op, &id);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (id)
        printf("%s: %lld\n", what, (long long)id);
    else
        printf("%s: done\n", what);
    return MM_EXIT_OK;
}

int cli_admin_clearance(int argc, char **argv)
{
    const char *db = NULL, *user = NULL, *org = NULL, *regime = NULL, *level = NULL,
               *granted_by = NULL, *granted = NULL, *expires = NULL, *evidence = NULL, *held = NULL,
               *required = NULL, *source = NULL, *name = NULL, *nationality = NULL, *country = NULL;
    bool hide = false, manager = false;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "user", .takes_value = true, .value = &user},
        {.name = "org", .takes_value = true, .value = &org},
        {.name = "regime", .takes_value = true, .value = &regime},
        {.name = "level", .takes_value = true, .value = &level},
        {.name = "granted-by", .takes_value = true, .value = &granted_by},
        {.name = "granted", .takes_value = true, .value = &granted},
        {.name = "expires", .takes_value = true, .value = &expires},
        {.name = "evidence", .takes_value = true, .value = &evidence},
        {.name = "held", .takes_value = true, .value = &held},
        {.name = "required", .takes_value = true, .value = &required},
        {.name = "source", .takes_value = true, .value = &source},
        {.name = "name", .takes_value = true, .value = &name},
        {.name = "nationality", .takes_value = true, .value = &nationality},
        {.name = "country", .takes_value = true, .value = &country},
        {.name = "hide-members", .flag = &hide},
        {.name = "manager", .flag = &manager},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        fputs(clearance_usage, stderr);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        fputs(clearance_usage, stdout);
        return MM_EXIT_OK;
    }
    const char *verb = a.npos ? a.pos[0] : "";
    const char *sub = a.npos > 1 ? a.pos[1] : "";
    mm_store *s = NULL;
    mm_gates_op op = {0};
    int code;

    if (strcmp(verb, "grant") == 0) {
        if (a.npos != 1 || (!user) == (!org) || !regime || !level || !granted_by || !granted ||
            !evidence)
            return usage_error("admin clearance grant: give --user LOGIN or --org ORG-ID, "
                               "--regime, --level, --granted-by, --granted and --evidence");
        if ((code = open_db(&s, db)))
            return code;
        op.action = MM_GATES_GRANT;
        if (user && user_id_of(s, user, &op.clearance.user_id)) {
            mm_store_free(s);
            return cli_fail(MM_ENOTFOUND);
        }
        op.clearance.org_id = org;
        op.clearance.regime = regime;
        op.clearance.level = level;
        op.clearance.granting_body = granted_by;
        op.clearance.granted = granted;
        op.clearance.expires = expires;
        op.clearance.evidence = evidence;
        op.clearance.recorded_by = "cli:admin-clearance";
        char now[21];
        mm_time_rfc3339(now, cli_now());
        op.clearance.recorded = now;
        return run(s, &op, org ? "facility certification recorded" : "clearance recorded");
    }
    if (strcmp(verb, "regimes") == 0) {
        size_t len = 0;
        const char *text = mm_content_embedded("sharing/clearance-regimes.json", &len);
        json_t *j = NULL;
        if (!text || mm_json_load(&j, text, len, "sharing/clearance-regimes.json", 0))
            return cli_fail(MM_EIO);
        size_t i;
        json_t *rg;
        json_array_foreach(json_object_get(j, "regimes"), i, rg)
        {
            const char *ja = json_string_value(json_object_get(rg, "name_ja"));
            printf("%s: %s%s%s\n", json_string_value(json_object_get(rg, "regime")),
                   json_string_value(json_object_get(rg, "name_en")), ja ? " / " : "",
                   ja ? ja : "");
            json_t *lv = json_object_get(rg, "levels");
            size_t k;
            json_t *l;
            if (json_array_size(lv) == 0)
                printf("  levels: none published (%s)\n",
                       json_string_value(json_object_get(rg, "levels_note")));
            json_array_foreach(lv, k, l)
            {
                printf("  level %s: %s\n", json_string_value(json_object_get(l, "level")),
                       json_string_value(json_object_get(l, "test")));
            }
        }
        json_t *meta = json_object_get(j, "_meta");
        printf("policy as shipped: %zu rows. %s\n",
               json_array_size(json_object_get(meta, "policy_as_shipped")),
               json_string_value(json_object_get(meta, "policy_note")));
        json_decref(j);
        return MM_EXIT_OK;
    }
    if (strcmp(verb, "revoke") == 0) {
        char *end = NULL;
        long long id = a.npos == 2 ? strtoll(a.pos[1], &end, 10) : 0;
        if (id <= 0 || !end || *end)
            return usage_error("admin clearance revoke: expected one record ID");
        if ((code = open_db(&s, db)))
            return code;
        op.action = MM_GATES_REVOKE;
        op.id = id;
        return run(s, &op, "revoked");
    }
    if (strcmp(verb, "list") == 0) {
        if ((code = open_db(&s, db)))
            return code;
        int64_t uid = 0;
        json_t *list = NULL;
        int rc = user ? user_id_of(s, user, &uid) : MM_OK;
        if (rc == MM_OK)
            rc = mm_store_list_clearances(s, &list, uid, org);
        mm_store_free(s);
        if (rc)
            return cli_fail(rc);
        print_json(list);
        json_decref(list);
        return MM_EXIT_OK;
    }
    if (strcmp(verb, "policy") == 0) {
        if ((code = open_db(&s, db)))
            return code;
        if (strcmp(sub, "list") == 0) {
            json_t *list = NULL;
            int rc = mm_store_list_clearance_rules(s, &list);
            mm_store_free(s);
            if (rc)
                return cli_fail(rc);
            print_json(list);
            json_decref(list);
            return MM_EXIT_OK;
        }
        if (strcmp(sub, "remove") == 0 && a.npos == 3) {
            op.action = MM_GATES_RULE_REMOVE;
            op.id = strtoll(a.pos[2], NULL, 10);
            return run(s, &op, "policy row removed");
        }
        char hb[200], rb[200];
        if (strcmp(sub, "add") == 0 && a.npos == 2 &&
            split_rl(hb, sizeof hb, held, &op.held_regime, &op.held_level) &&
            split_rl(rb, sizeof rb, required, &op.required_regime, &op.required_level) && source) {
            op.action = MM_GATES_RULE_ADD;
            op.source = source;
            return run(s, &op, "policy row");
        }
        mm_store_free(s);
        return usage_error("admin clearance policy: expected add --held REGIME:LEVEL --required "
                           "REGIME:LEVEL --source TEXT, remove ID or list");
    }
    if (strcmp(verb, "ntk") == 0) {
        if ((code = open_db(&s, db)))
            return code;
        if (strcmp(sub, "list") == 0) {
            json_t *list = NULL;
            int rc = mm_store_list_ntk_groups(s, &list, NULL);
            mm_store_free(s);
            if (rc)
                return cli_fail(rc);
            print_json(list);
            json_decref(list);
            return MM_EXIT_OK;
        }
        if (strcmp(sub, "create") == 0 && a.npos == 3 && org && name) {
            op.action = MM_GATES_GROUP_CREATE;
            op.group = a.pos[2];
            for (const char *p = op.group; *p; p++)
                if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) {
                    mm_store_free(s);
                    cli_error("admin clearance ntk create: %s: a group id is lower-case "
                              "letters, digits and '-'",
                              op.group);
                    return MM_EXIT_USAGE;
                }
            op.name = name;
            op.org_id = org;
            op.hide_members = hide;
            return run(s, &op, "need-to-know group created");
        }
        if ((strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) && a.npos == 4) {
            op.action = sub[0] == 'a' ? MM_GATES_MEMBER_ADD : MM_GATES_MEMBER_REMOVE;
            op.group = a.pos[2];
            op.manager = manager;
            if (user_id_of(s, a.pos[3], &op.user_id)) {
                mm_store_free(s);
                return cli_fail(MM_ENOTFOUND);
            }
            return run(s, &op, sub[0] == 'a' ? "member added" : "member removed");
        }
        mm_store_free(s);
        return usage_error("admin clearance ntk: expected create --org ORG-ID --name NAME "
                           "GROUP-ID, add|remove GROUP-ID LOGIN, or list");
    }
    if (strcmp(verb, "person") == 0) {
        if (a.npos != 1 || !((user && nationality && !org && !country) ||
                             (org && country && !user && !nationality)))
            return usage_error("admin clearance person: give --user LOGIN --nationality XX or "
                               "--org ORG-ID --country XX");
        if ((code = open_db(&s, db)))
            return code;
        if (user) {
            op.action = MM_GATES_NATIONALITY;
            op.code = nationality;
            if (user_id_of(s, user, &op.user_id)) {
                mm_store_free(s);
                return cli_fail(MM_ENOTFOUND);
            }
        } else {
            op.action = MM_GATES_COUNTRY;
            op.org_id = org;
            op.code = country;
        }
        return run(s, &op, "recorded");
    }
    return usage_error("admin clearance: expected grant, revoke, list, policy, ntk or person");
}

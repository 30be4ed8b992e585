/* mamori admin seed-demo: the supply network of the demo (docs/supply-chain.md). From the
 * seed only: every contractor gets its sector and country; the first 3% are primes, the next
 * 17% tier 1, 35% tier 2 and the rest tier 3; each supplier serves one to three customers of
 * the tier above, mostly in its own sector, so tier-2 and tier-3 suppliers are shared between
 * primes; a subcontractor of a prime (parent_id) supplies it. Edges carry CUI under the DFARS
 * clauses, FCI under FAR 52.204-21, or, between Japanese companies, MOD-protected information
 * under the MOD clause; they are proposed and confirmed, and most suppliers consent (most of
 * them with pass_up). Every change has its audit record, in the caller's transaction. */
#include <stdio.h>
#include <string.h>

#include "server/supply.h"
#include "util/util.h"

#define ACTOR "cli:seed-demo"

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int level(unsigned i, unsigned n)
{
    double f = (double)i / (double)n;
    return f < 0.03 || i < 2 ? 0 : f < 0.20 ? 1 : f < 0.55 ? 2 : 3;
}

/* A random contractor of level l (the levels are contiguous index ranges). */
static unsigned of_level(const seed_supply_org *orgs, unsigned n, int l, uint64_t *r,
                         const char *sector)
{
    unsigned lo = 0, hi = 0;
    while (lo < n && level(lo, n) < l)
        lo++;
    hi = lo;
    while (hi < n && level(hi, n) == l)
        hi++;
    if (hi == lo)
        return n;
    unsigned pick = lo;
    for (int t = 0; t < 12; t++) {
        *r = mix(*r);
        pick = lo + (unsigned)(*r % (hi - lo));
        if (!sector || strcmp(orgs[pick].sector, sector) == 0)
            break;
    }
    return pick;
}

static int add_edge(mm_store *st, const seed_supply_org *sup, const seed_supply_org *cust,
                    unsigned k, int tier, uint64_t *r, const char *now)
{
    static const char *const cui = "[\"dfars-252.204-7012\",\"dfars-252.204-7020\","
                                   "\"dfars-252.204-7021\"]";
    *r = mix(*r);
    unsigned roll = (unsigned)(*r % 100);
    bool mod = sup->japanese && cust->japanese && roll < 40;
    const char *clauses = mod         ? "[\"mod-security-special-clause\"]"
                          : roll < 80 ? cui
                                      : "[\"far-52.204-21\"]";
    const char *handles = mod ? "[\"mod-protected\"]" : roll < 80 ? "[\"cui\"]" : "[\"fci\"]";
    char id[37], contract[40];
    mm_store_new_id(id);
    snprintf(contract, sizeof contract, "%s-%04u", mod ? "MOD-SC" : "SUB", k);
    mm_supply_edge e = {.id = id,
                        .supplier_id = sup->id,
                        .customer_id = cust->id,
                        .contract = contract,
                        .clauses = clauses,
                        .handles = handles,
                        .tier_hint = tier,
                        .since = "2025-04-01",
                        .by = ACTOR,
                        .now = now};
    int rc = mm_store_supply_create(st, &e);
    if (rc == MM_ECONFLICT) /* the same pair and contract, or a cycle: not drawn */
        return MM_OK;
    if (rc == MM_OK)
        rc = mm_audit_note(st, ACTOR, "supply.create", id,
                           json_pack("{s:s, s:s, s:s}", "supplier_id", sup->id, "customer_id",
                                     cust->id, "contract", contract));
    if (rc == MM_OK)
        rc = mm_store_supply_confirm(st, id, sup->id, ACTOR, now);
    if (rc == MM_OK)
        rc = mm_audit_note(st, ACTOR, "supply.confirm", id,
                           json_pack("{s:s}", "supplier_id", sup->id));
    *r = mix(*r);
    bool consent = *r % 100 < 80, pass_up = (*r >> 8) % 100 < 65;
    if (rc == MM_OK && consent)
        rc = mm_store_supply_consent(st, sup->id, cust->id, true, pass_up, ACTOR, now);
    if (rc == MM_OK && consent)
        rc = mm_audit_note(st, ACTOR, "supply.consent", sup->id,
                           json_pack("{s:s, s:b, s:b}", "customer_id", cust->id, "see_status", 1,
                                     "pass_up", pass_up));
    return rc;
}

int seed_supply(mm_store *st, const seed_supply_org *orgs, unsigned n, unsigned long long seed,
                const char *now)
{
    int rc = MM_OK;
    for (unsigned i = 0; rc == MM_OK && i < n; i++) {
        rc = mm_store_org_profile(st, orgs[i].id, orgs[i].sector, orgs[i].japanese ? "JP" : "US");
        if (rc == MM_OK)
            rc = mm_audit_note(st, ACTOR, "organization.profile", orgs[i].id,
                               json_pack("{s:s, s:s}", "sector", orgs[i].sector, "country",
                                         orgs[i].japanese ? "JP" : "US"));
    }
    unsigned k = 0;
    for (unsigned i = 0; rc == MM_OK && i < n; i++) {
        int l = level(i, n);
        if (l == 0)
            continue;
        uint64_t r = mix(seed ^ mix(0x5eed5u + i));
        /* a subcontractor of a prime of a higher level supplies it */
        if (orgs[i].parent >= 0 && level((unsigned)orgs[i].parent, n) < l)
            rc = add_edge(st, &orgs[i], &orgs[orgs[i].parent], k++,
                          l - level((unsigned)orgs[i].parent, n), &r, now);
        r = mix(r);
        unsigned customers = 1 + (unsigned)(r % 3);
        for (unsigned c = 0; rc == MM_OK && c < customers; c++) {
            r = mix(r);
            const char *sector = r % 100 < 70 ? orgs[i].sector : NULL;
            unsigned cust = of_level(orgs, n, l - 1, &r, sector);
            if (cust < n)
                rc = add_edge(st, &orgs[i], &orgs[cust], k++, l, &r, now);
        }
    }
    return rc;
}

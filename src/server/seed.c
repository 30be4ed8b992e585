/* mamori admin seed-demo: realistic demo data for dashboards and benchmarks.
 *
 * Everything comes from one deterministic generator (splitmix64) seeded by the caller's
 * seed: the organizations (names from word lists, CAGE codes, sectors, primes and their
 * subcontractors) and their Ed25519 keys are made first, in one transaction on the calling
 * thread; then worker threads, each with its own store connection, take contractors one at
 * a time from a shared counter and, for each, generate its assessments in the short form,
 * sign them with its key and take them in through submission_ingest, exactly as the server does for
 * POST /api/v1/submissions. A contractor's documents depend only on the seed and its
 * index, never on which thread made them. mm_store_begin does not nest and submission_ingest
 * opens its own transaction, so each submission is its own commit. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mamori/submit.h"
#include "server/internal.h"
#include "server/screen.h"
#include "server/supply.h"

#define ACTOR "cli:seed-demo"
#define DAY   86400LL

/* ---- the generator --------------------------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t next(rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

/* 0 <= x < n */
static unsigned below(rng *r, unsigned n)
{
    return n ? (unsigned)(next(r) % n) : 0;
}

/* 0 <= x < 1 */
static double unit(rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static rng rng_for(unsigned long long seed, uint64_t stream, uint64_t index)
{
    rng r = {mix64(seed ^ mix64(stream * 0x9e3779b97f4a7c15ULL + index))};
    return r;
}

#define PICK(r, list) (list[below(r, sizeof(list) / sizeof(list[0]))])

/* ---- word lists -------------------------------------------------------------------------- */

static const char *const jp_roots[] = {
    "Hokuto",   "Asahi",     "Fuji",      "Sakura",    "Yamato",  "Kawasaki", "Nagano",   "Tohoku",
    "Shinwa",   "Daiichi",   "Kyowa",     "Sanko",     "Taiyo",   "Meiwa",    "Nissei",   "Toyo",
    "Chuo",     "Hikari",    "Kaneko",    "Matsuda",   "Ogawa",   "Sumida",   "Tamagawa", "Uchida",
    "Yokota",   "Izumi",     "Kita",      "Minami",    "Higashi", "Nishi",    "Hayabusa", "Tsubasa",
    "Kongo",    "Hakuba",    "Seiryu",    "Shirakawa", "Kurobe",  "Okuma",    "Miyazaki", "Sendai",
    "Aoba",     "Kasuga",    "Midori",    "Nakamura",  "Shimizu", "Takeda",   "Watanabe", "Yoshida",
    "Ishikawa", "Hamamatsu", "Kobayashi", "Mori",      "Tanabe",  "Harada",   "Ebisu",    "Daito",
    "Kyokuto",  "Sanyo",     "Tokai",     "Hanshin",
};
static const char *const jp_forms[] = {"K.K.", "Co., Ltd.", "Corporation", "Kogyo K.K."};
static const char *const us_roots[] = {
    "Allegheny", "Bradford",  "Cascade",   "Delmarva",     "Everett",   "Franklin",   "Granite",
    "Harbor",    "Ironwood",  "Jefferson", "Keystone",     "Lakeshore", "Madison",    "Northfield",
    "Oakridge",  "Patriot",   "Quincy",    "Redstone",     "Sierra",    "Tidewater",  "Union",
    "Valley",    "Westbrook", "Yorktown",  "Summit",       "Liberty",   "Pioneer",    "Frontier",
    "Heritage",  "Meridian",  "Atlas",     "Beacon",       "Crescent",  "Dominion",   "Eagle",
    "Falcon",    "Gateway",   "Highland",  "Independence", "Juniper",   "Kingston",   "Lincoln",
    "Monarch",   "Newport",   "Orion",     "Pinnacle",     "Ridgeline", "Sentinel",   "Trident",
    "Vanguard",  "Whitney",   "Apex",      "Bluewater",    "Cardinal",  "Delta",      "Evergreen",
    "Fairview",  "Glacier",   "Hudson",    "Ironclad",     "Jackson",   "Kensington", "Lexington",
    "Mesa",      "Norwood",   "Olympic",   "Prairie",      "Quarry",    "Riverside",  "Saratoga",
    "Thornton",  "Upland",    "Vista",     "Willow",       "Armstrong", "Baxter",     "Coleman",
    "Dawson",    "Ellison",   "Fletcher",
};
static const char *const us_forms[] = {"Inc.", "LLC", "Corp.", "Co.", "Group, Inc."};

typedef struct sector {
    const char *id;
    const char *const *words; /* industry words of the sector */
    size_t nwords;
} sector;

#define WORDS(...)                                                                                 \
    (const char *const[]){__VA_ARGS__},                                                            \
        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)
static const sector sectors[] = {
    {"aerospace", WORDS("Aerospace", "Aviation", "Avionics", "Aero Systems", "Flight Components",
                        "Rotorcraft", "Airframe")},
    {"shipbuilding", WORDS("Shipbuilding", "Marine", "Naval Systems", "Dockyard", "Maritime")},
    {"electronics", WORDS("Electronics", "Microwave", "Semiconductor", "Sensors", "Optics",
                          "Circuits", "Photonics", "Radar")},
    {"precision-machining", WORDS("Precision Engineering", "Machine Works", "Precision", "Tooling",
                                  "Castings", "Forge", "Metalworks")},
    {"munitions", WORDS("Ordnance", "Energetics", "Defense Products")},
    {"it-services", WORDS("Information Systems", "Cyber", "Data Systems", "Software",
                          "Technologies", "Networks", "Solutions")},
    {"logistics", WORDS("Logistics", "Transport", "Supply", "Freight")},
    {"materials", WORDS("Composites", "Materials", "Chemical", "Alloys", "Ceramics")},
    {"communications", WORDS("Communications", "Telecom", "Satellite Systems", "Antenna")},
    {"engineering-services",
     WORDS("Engineering", "Research", "Analytics", "Test Services", "Laboratories")},
};
#define NSECTORS (sizeof(sectors) / sizeof(sectors[0]))

static const char *const jp_given[] = {"Aiko",    "Hiroshi", "Kenji",   "Yuki",
                                       "Takeshi", "Naoko",   "Satoshi", "Emi",
                                       "Kazuo",   "Mariko",  "Daisuke", "Haruka"};
static const char *const jp_family[] = {
    "Tanaka", "Suzuki",  "Sato",   "Takahashi", "Ito",   "Yamamoto", "Nakamura", "Kobayashi",
    "Kato",   "Yoshida", "Yamada", "Sasaki",    "Inoue", "Kimura",   "Hayashi"};
static const char *const us_given[] = {"James", "Mary",   "Robert", "Patricia", "Michael", "Linda",
                                       "David", "Susan",  "Daniel", "Karen",    "Steven",  "Laura",
                                       "Brian", "Angela", "Kevin",  "Megan"};
static const char *const us_family[] = {"Smith", "Johnson", "Williams", "Brown",    "Miller",
                                        "Davis", "Garcia",  "Wilson",   "Anderson", "Taylor",
                                        "Moore", "Martin",  "Clark",    "Lewis",    "Walker"};
static const char *const titles[] = {
    "Chief Executive Officer", "President", "Chief Operating Officer",
    "Chief Information Security Officer", "Vice President, Operations"};
static const char *const assessor_roles[] = {"Security Lead", "IT Manager", "Compliance Manager",
                                             "External Assessor", "ISSO"};
static const char *const systems[] = {"CUI enclave", "Engineering network", "Enterprise network",
                                      "Design and manufacturing enclave", "Program office systems"};
static const char *const weaknesses[] = {
    "Not implemented on every system in scope.",
    "Implemented but not documented in the System Security Plan.",
    "Procedure exists but is not performed regularly.",
    "Legacy systems on the shop floor cannot be configured to meet it.",
    "Awaiting a tool purchase to automate it.",
    "Implemented for servers only; workstations remain.",
};
static const char *const milestone_words[] = {
    "Draft and approve the procedure",
    "Select and purchase a tool",
    "Pilot on one site",
    "Roll out to all systems in scope",
    "Train staff",
    "Verify and collect evidence",
};

/* ---- dates ------------------------------------------------------------------------------- */

/* days since 1970-01-01 of a civil date and back (Howard Hinnant's algorithms) */
static void civil(long long days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static void date_str(char out[11], long long days)
{
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02u-%02u", y % 10000, m % 100, d % 100);
}

static void time_str(char out[32], long long unix_time)
{
    long long days = unix_time / DAY, secs = unix_time % DAY;
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    snprintf(out, 32, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y % 10000, m % 100, d % 100,
             secs / 3600, secs / 60 % 60, secs % 60);
}

/* ---- the organizations ------------------------------------------------------------------ */

typedef struct contractor {
    char id[37];
    char name[128];
    char cage[6];
    bool japanese;
    const sector *sec;
    int parent; /* index of the prime, or -1 */
    bool consent;
    mm_framework fw;
    unsigned char pk[32], sk[64];
    char key_id[17];
    int64_t key_row;
} contractor;

/* A small open-addressing set of strings, to keep names and CAGE codes unique. */
typedef struct strset {
    char **slot;
    size_t cap;
} strset;

static int set_init(strset *s, size_t n)
{
    s->cap = 64;
    while (s->cap < n * 3)
        s->cap *= 2;
    s->slot = calloc(s->cap, sizeof *s->slot);
    return s->slot ? MM_OK : MM_ENOMEM;
}

static void set_free(strset *s)
{
    for (size_t i = 0; s->slot && i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
}

/* 1 when added, 0 when already there, negative on failure */
static int set_add(strset *s, const char *str)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = str; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slot[i]) {
            s->slot[i] = strdup(str);
            return s->slot[i] ? 1 : MM_ENOMEM;
        }
        if (strcmp(s->slot[i], str) == 0)
            return 0;
    }
}

static void make_uuid(char out[37], rng *r)
{
    unsigned char b[16];
    for (size_t i = 0; i < 16; i += 8) {
        uint64_t v = next(r);
        memcpy(b + i, &v, 8);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void make_name(contractor *c, rng *r, unsigned attempt)
{
    const char *word = c->sec->words[below(r, (unsigned)c->sec->nwords)];
    const char *root = c->japanese ? PICK(r, jp_roots) : PICK(r, us_roots);
    const char *form = c->japanese ? PICK(r, jp_forms) : PICK(r, us_forms);
    if (attempt < 24)
        snprintf(c->name, sizeof c->name, "%s %s %s", root, word, form);
    else /* the word lists are exhausted for this combination: number it */
        snprintf(c->name, sizeof c->name, "%s %s No. %u %s", root, word, attempt - 22, form);
}

static void make_cage(contractor *c, rng *r)
{
    static const char alnum[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no I or O */
    if (c->japanese) { /* NATO CAGE codes of Japan begin with S */
        c->cage[0] = 'S';
        for (int i = 1; i < 5; i++)
            c->cage[i] = alnum[below(r, sizeof alnum - 1)];
    } else { /* US: digit, three characters, digit */
        c->cage[0] = alnum[below(r, 10)];
        for (int i = 1; i < 4; i++)
            c->cage[i] = alnum[below(r, sizeof alnum - 1)];
        c->cage[4] = alnum[below(r, 10)];
    }
    c->cage[5] = '\0';
}

static int make_contractors(contractor *cs, unsigned n, unsigned long long seed)
{
    strset names = {0}, cages = {0};
    int rc = set_init(&names, n);
    if (rc == MM_OK)
        rc = set_init(&cages, n);
    for (unsigned i = 0; rc == MM_OK && i < n; i++) {
        contractor *c = &cs[i];
        rng r = rng_for(seed, 1, i);
        make_uuid(c->id, &r);
        c->japanese = unit(&r) < 0.35;
        c->sec = &sectors[below(&r, NSECTORS)];
        for (unsigned attempt = 0;; attempt++) {
            make_name(c, &r, attempt);
            rc = set_add(&names, c->name);
            if (rc != 0)
                break;
        }
        for (rc = 0; rc == 0;) {
            make_cage(c, &r);
            rc = set_add(&cages, c->cage);
        }
        if (rc < 0)
            break;
        rc = MM_OK;
        /* about one in five is a subcontractor of an earlier prime; half of them consent */
        c->parent = -1;
        if (i >= 5 && unit(&r) < 0.2) {
            for (int t = 0; t < 8; t++) {
                unsigned p = below(&r, i);
                if (cs[p].parent < 0) {
                    c->parent = (int)p;
                    break;
                }
            }
            c->consent = c->parent >= 0 && unit(&r) < 0.5;
        }
        c->fw = unit(&r) < 0.7 ? MM_FW_R2 : MM_FW_R3;
        unsigned char kseed[crypto_sign_SEEDBYTES];
        for (size_t k = 0; k < sizeof kseed; k += 8) {
            uint64_t v = next(&r);
            memcpy(kseed + k, &v, 8);
        }
        crypto_sign_seed_keypair(c->pk, c->sk, kseed);
        sodium_memzero(kseed, sizeof kseed);
        mm_key_id(c->key_id, c->pk);
    }
    set_free(&names);
    set_free(&cages);
    if (rc)
        mm_error_set("seed-demo: out of memory");
    return rc;
}

/* Creates the organizations, their keys and consents, with their audit records. */
static int store_contractors(mm_store *st, contractor *cs, unsigned n, const char *now)
{
    int rc = MM_OK;
    for (unsigned i = 0; rc == MM_OK && i < n; i++) {
        contractor *c = &cs[i];
        json_t *ids = json_pack("{s:s,s:s}", "cage", c->cage, "sector", c->sec->id);
        if (c->japanese) {
            char corp[14];
            rng r = rng_for(0, 2, i); /* any digits will do */
            for (int k = 0; k < 13; k++)
                corp[k] = (char)('0' + below(&r, 10));
            corp[13] = '\0';
            json_object_set_new(ids, "corporate-number", json_string(corp));
        }
        char *ids_text = json_dumps(ids, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(ids);
        mm_org org = {.id = c->id,
                      .kind = "contractor",
                      .name = c->name,
                      .identifiers = ids_text,
                      .parent_id = c->parent >= 0 ? cs[c->parent].id : NULL};
        rc = ids_text ? mm_store_create_org(st, &org) : MM_ENOMEM;
        if (rc == MM_OK)
            rc = mm_audit_note(st, ACTOR, "organization.create", c->id,
                               json_pack("{s:s,s:s}", "name", c->name, "kind", "contractor"));
        free(ids_text);
        char pk64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(pk64, sizeof pk64, c->pk, sizeof c->pk, sodium_base64_VARIANT_ORIGINAL);
        if (rc == MM_OK)
            rc = mm_store_add_key(st, &c->key_row, c->id, c->key_id, pk64, "demo key", now);
        if (rc == MM_OK)
            rc = mm_audit_note(st, ACTOR, "key.register", c->key_id,
                               json_pack("{s:s,s:s}", "org_id", c->id, "public_key", pk64));
        if (rc == MM_OK && c->consent) {
            rc = mm_store_set_org_consent(st, c->id, true);
            if (rc == MM_OK)
                rc = mm_audit_note(st, ACTOR, "organization.consent", c->id,
                                   json_pack("{s:b}", "prime_may_see_status", 1));
        }
    }
    return rc;
}

/* ---- the assessments --------------------------------------------------------------------- */

enum outcome { OUT_MEETS, OUT_CONDITIONAL, OUT_NOT_MET, OUT_NO_SCORE };

typedef struct gen {
    const mm_catalog *cat;
    const size_t *active; /* indexes of active requirements */
    size_t nactive;
    const size_t *poamable; /* Rev 2: 1-point requirements that may be on a POA&M */
    size_t npoamable;
} gen;

static size_t req_index(const gen *g, const char *id)
{
    const mm_requirement *q = mm_catalog_requirement(g->cat, id);
    return q ? mm_catalog_requirement_index(g->cat, q) : (size_t)-1;
}

/* what each active requirement is in one document */
enum rstate { R_MET, R_NA, R_NOT_MET, R_PARTIAL, R_NOT_ASSESSED };

/* A POA&M item against req; its milestones are due by assessed_day + horizon at the latest
 * (CMMC's 180-day close-out for a conditional status). */
static void add_poam(json_t *poam, rng *r, const char *req, long long assessed_day,
                     long long now_day, long long horizon)
{
    char id[24], d[11];
    snprintf(id, sizeof id, "POAM-%zu", json_array_size(poam) + 1);
    json_t *item = json_object();
    json_object_set_new(item, "id", json_string(id));
    json_object_set_new(item, "requirement", json_string(req));
    json_object_set_new(item, "weakness", json_string(PICK(r, weaknesses)));
    json_object_set_new(item, "status", json_string("open"));
    date_str(d, assessed_day - 10 - below(r, 120));
    json_object_set_new(item, "detected", json_string(d));
    json_t *ms = json_array();
    unsigned n = 1 + below(r, 3);
    long long due = assessed_day - 40 + below(r, 60);
    for (unsigned k = 0; k < n; k++) {
        json_t *m = json_object();
        json_object_set_new(m, "description", json_string(milestone_words[(k + below(r, 2)) % 6]));
        if (due > assessed_day + horizon)
            due = assessed_day + horizon;
        date_str(d, due);
        json_object_set_new(m, "due", json_string(d));
        if (due < assessed_day - 7) {
            json_object_set_new(m, "status", json_string("completed"));
            date_str(d, due - below(r, 5));
            json_object_set_new(m, "completed", json_string(d));
        } else {
            json_object_set_new(
                m, "status",
                json_string(due < now_day && unit(r) < 0.5 ? "in-progress" : "planned"));
        }
        json_array_append_new(ms, m);
        due += 20 + below(r, 150);
    }
    if (due > assessed_day + horizon)
        due = assessed_day + horizon;
    date_str(d, due);
    json_object_set_new(item, "scheduled_completion", json_string(d));
    json_object_set_new(item, "milestones", ms);
    json_array_append_new(poam, item);
}

/* The assessment text (malloc'd) of submission k of contractor c. */
static char *make_assessment(const gen *g, const contractor *c, unsigned k, unsigned total, rng *r,
                             long long assessed_day, char official[96])
{
    const mm_catalog *cat = g->cat;
    bool r2 = cat->framework == MM_FW_R2;
    /* maturity grows over a contractor's submissions */
    double base = 0.25 + 0.6 * unit(r);
    double m = base + (1.0 - base) * 0.5 * (total > 1 ? (double)k / (total - 1) : 1.0);
    double u = unit(r), p_meets = 0.04 + 0.25 * m * m, p_none = 0.06, p_cond = 0.35 + 0.25 * m;
    enum outcome o = u < p_meets                     ? OUT_MEETS
                     : u < p_meets + p_none          ? OUT_NO_SCORE
                     : u < p_meets + p_none + p_cond ? OUT_CONDITIONAL
                                                     : OUT_NOT_MET;

    unsigned char *state = calloc(cat->nrequirements, 1);
    bool *on_poam = calloc(cat->nrequirements, sizeof *on_poam);
    if (!state || !on_poam) {
        free(state);
        free(on_poam);
        return NULL;
    }
    /* a few requirements are not applicable to most systems */
    for (size_t i = 0; i < g->nactive; i++) {
        const mm_requirement *q = &cat->requirements[g->active[i]];
        if (unit(r) < 0.03 && !q->sprs_na && !q->plans_of_action)
            state[g->active[i]] = R_NA;
    }
    switch (o) {
    case OUT_MEETS:
        break;
    case OUT_CONDITIONAL: {
        unsigned n = 1 + below(r, r2 ? 6 : 10);
        for (unsigned t = 0; t < n; t++) {
            size_t i = r2 ? g->poamable[below(r, (unsigned)g->npoamable)]
                          : g->active[below(r, (unsigned)g->nactive)];
            state[i] = R_NOT_MET;
            on_poam[i] = true;
        }
        if (r2 && unit(r) < 0.3) { /* FIPS-validated cryptography, the classic partial */
            size_t i = req_index(g, "3.13.11");
            state[i] = R_PARTIAL;
            on_poam[i] = true;
        }
        break;
    }
    case OUT_NOT_MET:
    case OUT_NO_SCORE: {
        unsigned n = 2 + below(r, (unsigned)(30 * (1.0 - m)) + 4);
        for (unsigned t = 0; t < n; t++) {
            size_t i = g->active[below(r, (unsigned)g->nactive)];
            state[i] = R_NOT_MET;
            on_poam[i] = unit(r) < 0.6;
        }
        if (r2 && unit(r) < 0.4) {
            size_t i = req_index(g, unit(r) < 0.5 ? "3.5.3" : "3.13.11");
            state[i] = R_PARTIAL;
            on_poam[i] = true;
        }
        if (o == OUT_NO_SCORE) {
            if (r2) {
                size_t i = req_index(g, "3.12.4"); /* no System Security Plan, no score */
                state[i] = R_NOT_MET;
                on_poam[i] = true;
            } else {
                unsigned na = 1 + below(r, 6);
                for (unsigned t = 0; t < na; t++)
                    state[g->active[below(r, (unsigned)g->nactive)]] = R_NOT_ASSESSED;
            }
        }
        break;
    }
    }

    json_t *reqs = json_object(), *poam = json_array();
    char day[11];
    date_str(day, assessed_day);
    long long now_day = assessed_day + 5;
    for (size_t i = 0; i < g->nactive; i++) {
        size_t ri = g->active[i];
        const char *id = cat->requirements[ri].id;
        switch (state[ri]) {
        case R_MET:
            json_object_set_new(reqs, id, json_string("met"));
            break;
        case R_NA:
            json_object_set_new(reqs, id,
                                json_pack("{s:s,s:s}", "status", "not-applicable", "justification",
                                          "No such component in the system's boundary."));
            break;
        case R_NOT_MET:
            json_object_set_new(reqs, id, json_string("not-met"));
            break;
        case R_PARTIAL:
            json_object_set_new(reqs, id, json_string("partial"));
            break;
        default: /* not assessed: left out */
            break;
        }
        if (on_poam[ri] && (state[ri] == R_NOT_MET || state[ri] == R_PARTIAL))
            add_poam(poam, r, id, assessed_day, now_day, o == OUT_CONDITIONAL ? 170 : 400);
    }
    free(state);
    free(on_poam);

    bool jp = c->japanese;
    snprintf(official, 96, "%s %s, %s", jp ? PICK(r, jp_given) : PICK(r, us_given),
             jp ? PICK(r, jp_family) : PICK(r, us_family), PICK(r, titles));
    char assessor[96], system[96];
    snprintf(assessor, sizeof assessor, "%s %s, %s", jp ? PICK(r, jp_given) : PICK(r, us_given),
             jp ? PICK(r, jp_family) : PICK(r, us_family), PICK(r, assessor_roles));
    snprintf(system, sizeof system, "%s (assessment %u)", PICK(r, systems), k + 1);
    json_t *doc = json_pack("{s:s,s:{s:s,s:{s:s}},s:s,s:s,s:{s:s},s:s,s:s,s:o,s:o}", "framework",
                            mm_framework_name(cat->framework), "organization", "name", c->name,
                            "identifiers", "CAGE", c->cage, "system", system, "scope", "enclave",
                            "dates", "assessed", day, "assessor", assessor, "affirming_official",
                            official, "requirements", reqs, "poam", poam);
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return text;
}

/* ---- the workers ------------------------------------------------------------------------- */

typedef struct seed_run {
    const char *db;
    const mm_seed_options *o;
    contractor *cs;
    ingest_ctx ctx;
    gen g2, g3;
    long long today; /* days */
    long long now;   /* seconds: no submission is received after it */
    _Atomic unsigned next_contractor;
    _Atomic unsigned long long done;
    _Atomic bool failed;
    _Atomic unsigned running;
    pthread_mutex_t lock;
    pthread_mutex_t ingest_lock;
    int rc;
    char msg[512];
} seed_run;

static void run_fail(seed_run *run, int rc, const char *prefix, const char *what)
{
    pthread_mutex_lock(&run->lock);
    if (!run->rc) {
        run->rc = rc;
        snprintf(run->msg, sizeof run->msg, "%s%s", prefix, what);
    }
    pthread_mutex_unlock(&run->lock);
    atomic_store(&run->failed, true);
}

/* The assessed dates (days) of a contractor's submissions, oldest first, within four years. */
static void plan_dates(long long *days, unsigned n, rng *r, long long today)
{
    /* the latest is recent for most, older than three years (stale) for about one in ten */
    long long latest = unit(r) < 0.1 ? today - 3 * 365 - 20 - below(r, 300) : today - below(r, 700);
    long long first = today - 4 * 365 + below(r, 60);
    if (first > latest)
        first = latest;
    for (unsigned k = 0; k < n; k++) {
        long long span = latest - first;
        days[k] = n > 1 ? first + span * k / (n - 1) : latest;
        if (k > 0 && k + 1 < n && span / n > 4)
            days[k] += below(r, (unsigned)(span / n / 2));
    }
}

static int seed_contractor(seed_run *run, mm_store *st, unsigned i)
{
    const mm_seed_options *o = run->o;
    contractor *c = &run->cs[i];
    const gen *g = c->fw == MM_FW_R2 ? &run->g2 : &run->g3;
    rng r = rng_for(o->seed, 3, i);
    long long *days = calloc(o->submissions ? o->submissions : 1, sizeof *days);
    if (!days)
        return MM_ENOMEM;
    plan_dates(days, o->submissions, &r, run->today);
    mm_key key = {.org = c->name, .has_secret = true};
    memcpy(key.key_id, c->key_id, sizeof key.key_id);
    memcpy(key.public_key, c->pk, sizeof c->pk);
    memcpy(key.secret_key, c->sk, sizeof c->sk);
    int rc = MM_OK;
    for (unsigned k = 0; k < o->submissions && !atomic_load(&run->failed); k++) {
        char official[96], signed_on[11], now[32];
        char *assessment = make_assessment(g, c, k, o->submissions, &r, days[k], official);
        if (!assessment) {
            rc = MM_ENOMEM;
            break;
        }
        /* affirmed a few days after the assessment, received the same day */
        long long affirmed = days[k] + 1 + below(&r, 10);
        if (affirmed > run->today)
            affirmed = run->today;
        date_str(signed_on, affirmed);
        long long received = affirmed * DAY + 8 * 3600 + below(&r, 10 * 3600);
        /* affirmed today: received by now, not later today (a second apart, in order) */
        if (received > run->now - (long long)(o->submissions - 1 - k))
            received = run->now - (long long)(o->submissions - 1 - k);
        time_str(now, received);
        char *comma = strchr(official, ',');
        if (comma)
            *comma = '\0'; /* the envelope's official is the person */
        mm_submission sub = {.assessment = assessment,
                             .assessment_len = strlen(assessment),
                             .name = "assessment.json",
                             .official = official,
                             .date = signed_on};
        char *doc = NULL;
        rc = mm_submission_sign(&doc, &sub, &key);
        free(assessment);
        if (rc) {
            run_fail(run, rc, "seed-demo: signing: ", mm_error_last());
            break;
        }
        char *receipt = NULL;
        act_fail f = {0};
        /* one ingest at a time: SQLite serialises the writers anyway, and a writer that
         * finds the lock taken sleeps in its busy handler (1, 2, 5, 10 ms...), which costs
         * more than the lock's wait; generating and signing stay parallel */
        pthread_mutex_lock(&run->ingest_lock);
        rc = submission_ingest(&run->ctx, st, c->id, ACTOR, doc, strlen(doc), now, received,
                               &receipt, &f);
        pthread_mutex_unlock(&run->ingest_lock);
        free(doc);
        free(receipt);
        if (rc) {
            char what[600];
            snprintf(what, sizeof what, "%s: %s", c->name, f.msg);
            run_fail(run, MM_ERROR, "seed-demo: a generated submission was refused: ", what);
            rc = MM_ERROR;
        }
        if (rc)
            break;
        atomic_fetch_add(&run->done, 1);
    }
    sodium_memzero(key.secret_key, sizeof key.secret_key);
    free(days);
    return rc;
}

static void *worker(void *arg)
{
    seed_run *run = arg;
    mm_store *st = NULL;
    int rc = mm_store_open(&st, run->db);
    if (rc) {
        run_fail(run, rc, "", mm_error_last());
    } else {
        for (;;) {
            unsigned i = atomic_fetch_add(&run->next_contractor, 1);
            if (i >= run->o->contractors || atomic_load(&run->failed))
                break;
            rc = seed_contractor(run, st, i);
            if (rc) {
                run_fail(run, rc, "", mm_error_last());
                break;
            }
        }
    }
    mm_store_free(st);
    atomic_fetch_sub(&run->running, 1);
    return NULL;
}

/* ---- the whole -------------------------------------------------------------------------- */

void mm_seed_options_init(mm_seed_options *o)
{
    memset(o, 0, sizeof *o);
    o->contractors = 1000;
    o->submissions = 5;
    o->seed = 1;
    o->jobs = 1;
}

static int make_gen(gen *g, const mm_catalog *cat, size_t **active, size_t **poamable)
{
    *active = calloc(cat->nrequirements, sizeof **active);
    *poamable = calloc(cat->nrequirements, sizeof **poamable);
    if (!*active || !*poamable)
        return MM_ENOMEM;
    g->cat = cat;
    g->nactive = g->npoamable = 0;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *q = &cat->requirements[i];
        if (q->withdrawn)
            continue;
        (*active)[g->nactive++] = i;
        if (q->sprs_points == 1 && !q->never_on_poam && !q->sprs_na && !q->plans_of_action)
            (*poamable)[g->npoamable++] = i;
    }
    g->active = *active;
    g->poamable = *poamable;
    if (cat->framework == MM_FW_R2 && !g->npoamable) {
        mm_error_set("seed-demo: the Rev 2 catalog has no 1-point requirements");
        return MM_ERROR;
    }
    return MM_OK;
}

int mm_seed_demo(const char *db_url, const mm_seed_options *o)
{
    if (!db_url || !o || o->contractors < 1 || o->contractors > 1000000 || o->submissions > 10000 ||
        o->jobs < 1 || o->jobs > 256) {
        mm_error_set("seed-demo: contractors 1..1000000, submissions 0..10000, jobs 1..256");
        return MM_EUSAGE;
    }
    seed_run run = {.db = db_url, .o = o};
    pthread_mutex_init(&run.lock, NULL);
    pthread_mutex_init(&run.ingest_lock, NULL);
    mm_catalog *r3 = NULL, *r2 = NULL;
    mm_profile *profile = NULL;
    mm_store *st = NULL;
    size_t *a2 = NULL, *p2 = NULL, *a3 = NULL, *p3 = NULL;
    pthread_t *threads = NULL;
    unsigned started = 0;
    unsigned char server_pk[32], server_sk[64];
    long long now = o->now ? o->now : (long long)time(NULL);
    run.today = now / DAY;
    run.now = now;
    char now_str[32];
    time_str(now_str, now);

    int rc = mm_catalog_load(&r3, MM_FW_R3, NULL);
    if (rc == MM_OK)
        rc = mm_catalog_load(&r2, MM_FW_R2, NULL);
    if (rc == MM_OK)
        rc = mm_profile_load(&profile, r3, o->profile);
    if (rc == MM_OK)
        rc = make_gen(&run.g2, r2, &a2, &p2);
    if (rc == MM_OK)
        rc = make_gen(&run.g3, r3, &a3, &p3);
    if (rc == MM_OK)
        rc = mm_store_open(&st, db_url);
    if (rc)
        goto done;
    int64_t admins = 0;
    rc = mm_store_count_users(st, &admins, "authority-admin");
    if (rc)
        goto done;
    if (admins == 0) {
        mm_error_set("%s: no authority yet: run `mamori admin init --db %s` first", db_url, db_url);
        rc = MM_EINVALID;
        goto done;
    }
    json_t *list = NULL;
    mm_org_query q = {.kind = "contractor", .limit = 1};
    rc = mm_store_list_orgs(st, &list, &q);
    if (rc)
        goto done;
    json_int_t existing = json_integer_value(json_object_get(list, "total"));
    json_decref(list);
    if (existing > 0) {
        mm_error_set("%s: already has %lld contractors: seed-demo fills a database that has "
                     "none (make a new one with `mamori admin init`)",
                     db_url, (long long)existing);
        rc = MM_EINVALID;
        goto done;
    }
    rc = mm_store_server_key(st, server_pk, server_sk);
    if (rc)
        goto done;
    run.ctx = (ingest_ctx){.r3 = r3, .r2 = r2, .profile = profile, .server_sk = server_sk};

    run.cs = calloc(o->contractors, sizeof *run.cs);
    if (!run.cs) {
        mm_error_set("seed-demo: out of memory");
        rc = MM_ENOMEM;
        goto done;
    }
    rc = make_contractors(run.cs, o->contractors, o->seed);
    if (rc)
        goto done;
    rc = mm_store_begin(st);
    if (rc)
        goto done;
    rc = store_contractors(st, run.cs, o->contractors, now_str);
    /* the supply network (seed_supply.c), before the submissions, so that worse statuses
     * alert the customers up the chain as they come in */
    seed_supply_org *sorgs = rc == MM_OK ? calloc(o->contractors, sizeof *sorgs) : NULL;
    if (rc == MM_OK && !sorgs)
        rc = MM_ENOMEM;
    for (unsigned i = 0; sorgs && i < o->contractors; i++)
        sorgs[i] = (seed_supply_org){.id = run.cs[i].id,
                                     .sector = run.cs[i].sec->id,
                                     .japanese = run.cs[i].japanese,
                                     .parent = run.cs[i].parent};
    if (rc == MM_OK)
        rc = seed_supply(st, sorgs, o->contractors, o->seed, now_str);
    if (rc == MM_OK) /* operators and installation plans (seed_screen.c) */
        rc = seed_screen(st, sorgs, o->contractors, o->seed, now_str);
    free(sorgs);
    rc = mm_audited_commit(st, rc, NULL, NULL, NULL, NULL);
    if (rc)
        goto done;

    unsigned long long total = (unsigned long long)o->contractors * o->submissions;
    threads = calloc(o->jobs, sizeof *threads);
    if (!threads) {
        mm_error_set("seed-demo: out of memory");
        rc = MM_ENOMEM;
        goto done;
    }
    atomic_store(&run.running, o->jobs);
    for (; started < o->jobs; started++) {
        if (pthread_create(&threads[started], NULL, worker, &run) != 0) {
            atomic_fetch_sub(&run.running, o->jobs - started);
            run_fail(&run, MM_ERROR, "", "seed-demo: cannot start a worker thread");
            break;
        }
    }
    struct timespec tick = {0, 100 * 1000 * 1000};
    for (unsigned n = 0; atomic_load(&run.running) > 0; n++) {
        nanosleep(&tick, NULL);
        if (o->progress && n % 10 == 9)
            o->progress(o->progress_ctx, atomic_load(&run.done), total);
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    if (o->progress)
        o->progress(o->progress_ctx, atomic_load(&run.done), total);
    if (run.rc) {
        mm_error_set("%s", run.msg);
        rc = run.rc;
    }
done:
    if (run.cs) {
        for (unsigned i = 0; i < o->contractors; i++)
            sodium_memzero(run.cs[i].sk, sizeof run.cs[i].sk);
    }
    sodium_memzero(server_sk, sizeof server_sk);
    free(run.cs);
    free(threads);
    free(a2);
    free(p2);
    free(a3);
    free(p3);
    mm_store_free(st);
    mm_profile_free(profile);
    mm_catalog_free(r2);
    mm_catalog_free(r3);
    pthread_mutex_destroy(&run.lock);
    pthread_mutex_destroy(&run.ingest_lock);
    return rc;
}

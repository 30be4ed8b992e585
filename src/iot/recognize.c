/* Recognition of IoT labels (docs/iot.md "Recognition"): from the published relations only.
 *
 * The packs are read through framework.h (mm_pack_parse). The relations are the OSCAL
 * mapping collection content/crosswalks/iot-psti-etsi-jcstar.json; besides each map's
 * sources, targets and relationship, recognition needs what mm_mapping_row does not carry:
 * the date from which a relation holds (prop "effective"), whether it was read in the
 * instrument itself ("verified"), its id, and the scheme-level arrangements and "not-found"
 * statements. Those are read here, and every id-ref is checked against its pack. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/catalog.h"
#include "mamori/error.h"
#include "mamori/framework.h"
#include "mamori/iot.h"
#include "util/json.h"
#include "util/util.h"

#define CROSSWALK     "crosswalks/iot-psti-etsi-jcstar.json"
#define CONTENT_LIMIT (8u * 1024 * 1024)

static const char *const pack_files[] = {
    "frameworks/iot/etsi-en-303-645-v2.1.1.json",
    "frameworks/iot/uk-psti.json",
    "frameworks/iot/jc-star-star1.json",
    "frameworks/iot/nistir-8425.json",
};
#define NPACKS (sizeof pack_files / sizeof pack_files[0])

typedef struct rel_map {
    const mm_pack *src, *tgt;
    const char *relationship;
    const mm_criterion **sources, **targets;
    size_t nsources, ntargets;
    const char *id, *citation, *effective, *recognition, *remarks;
    bool verified;
} rel_map;

typedef struct arrangement {
    const mm_pack *a, *b;
    const char *id, *remarks;
} arrangement;

struct mm_iot {
    mm_pack *packs[NPACKS];
    char *bytes[NPACKS + 1]; /* the files read (content_dir), or NULL when embedded */
    json_t *cw;              /* the crosswalk: every string below points into it */
    char cw_sha256[65];
    const char *date_read, *rule;
    const json_t *not_found; /* metadata props */
    rel_map *maps;
    size_t nmaps;
    arrangement *arrs;
    size_t narrs;
};

void mm_iot_free(mm_iot *iot)
{
    if (!iot)
        return;
    for (size_t i = 0; i < NPACKS; i++)
        mm_pack_free(iot->packs[i]);
    for (size_t i = 0; i <= NPACKS; i++)
        free(iot->bytes[i]);
    for (size_t i = 0; i < iot->nmaps; i++) {
        free(iot->maps[i].sources);
        free(iot->maps[i].targets);
    }
    free(iot->maps);
    free(iot->arrs);
    json_decref(iot->cw);
    free(iot);
}

static int content(const char **data, size_t *len, char **owned, const char *dir, const char *name)
{
    *owned = NULL;
    if (!dir) {
        *data = mm_content_embedded(name, len);
        if (!*data) {
            mm_error_set("embedded content %s is missing", name);
            return MM_ENOTFOUND;
        }
        return MM_OK;
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        mm_error_set("%s/%s: path too long", dir, name);
        return MM_EINVALID;
    }
    int rc = mm_file_read(owned, len, path, CONTENT_LIMIT);
    *data = *owned;
    return rc;
}

static const char *prop(const json_t *props, const char *name)
{
    size_t i;
    const json_t *p;
    json_array_foreach(props, i, p)
    {
        if (mm_streq(json_string_value(json_object_get(p, "name")), name))
            return json_string_value(json_object_get(p, "value"));
    }
    return NULL;
}

static const mm_pack *pack_by_id(const mm_iot *iot, const char *id)
{
    for (size_t i = 0; id && i < NPACKS; i++)
        if (iot->packs[i] && strcmp(iot->packs[i]->id, id) == 0)
            return iot->packs[i];
    return NULL;
}

/* The criteria an array of mapping items names, each checked against pack. */
static int items(const mm_criterion ***out, size_t *n, const json_t *arr, const mm_pack *pack,
                 const char *path)
{
    *n = json_array_size(arr);
    if (!*n) {
        mm_error_set("%s: %s: at least one item is required", CROSSWALK, path);
        return MM_EINVALID;
    }
    if (!(*out = calloc(*n, sizeof **out)))
        return MM_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        const char *ref = json_string_value(json_object_get(json_array_get(arr, i), "id-ref"));
        if (!((*out)[i] = mm_pack_criterion(pack, ref))) {
            mm_error_set("%s: %s[%zu].id-ref: '%s' is not a criterion of %s", CROSSWALK, path, i,
                         ref ? ref : "", pack->id);
            return MM_EINVALID;
        }
    }
    return MM_OK;
}

static int read_mapping(mm_iot *iot, const json_t *mp, size_t mi)
{
    char path[160];
    const mm_pack *src =
        pack_by_id(iot, prop(json_object_get(json_object_get(mp, "source-resource"), "props"),
                             "framework-id"));
    const mm_pack *tgt =
        pack_by_id(iot, prop(json_object_get(json_object_get(mp, "target-resource"), "props"),
                             "framework-id"));
    if (!src || !tgt) {
        mm_error_set("%s: $.mapping-collection.mappings[%zu]: the source and target resources "
                     "must name an IoT pack (prop framework-id)",
                     CROSSWALK, mi);
        return MM_EINVALID;
    }
    const json_t *props = json_object_get(mp, "props"), *p;
    size_t i;
    json_array_foreach(props, i, p)
    {
        if (!mm_streq(json_string_value(json_object_get(p, "name")), "arrangement"))
            continue;
        arrangement *a = &iot->arrs[iot->narrs++];
        a->a = src;
        a->b = tgt;
        a->id = json_string_value(json_object_get(p, "value"));
        a->remarks = json_string_value(json_object_get(mp, "remarks"));
    }
    const json_t *m;
    json_array_foreach(json_object_get(mp, "maps"), i, m)
    {
        rel_map *r = &iot->maps[iot->nmaps++];
        const json_t *mprops = json_object_get(m, "props");
        r->src = src;
        r->tgt = tgt;
        r->relationship = json_string_value(json_object_get(m, "relationship"));
        r->id = prop(mprops, "relation-id");
        r->citation = prop(mprops, "citation");
        r->effective = prop(mprops, "effective");
        r->recognition = prop(mprops, "recognition");
        r->verified = mm_streq(prop(mprops, "verified"), "yes");
        r->remarks = json_string_value(json_object_get(m, "remarks"));
        snprintf(path, sizeof path, "$.mapping-collection.mappings[%zu].maps[%zu]", mi, i);
        if (!r->relationship || !r->id || !r->citation || !r->citation[0] ||
            (r->effective && !mm_is_date(r->effective))) {
            mm_error_set("%s: %s: a relationship and the props relation-id and citation are "
                         "required; effective, when given, is YYYY-MM-DD",
                         CROSSWALK, path);
            return MM_EINVALID;
        }
        char sub[200];
        snprintf(sub, sizeof sub, "%s.sources", path);
        int rc = items(&r->sources, &r->nsources, json_object_get(m, "sources"), src, sub);
        snprintf(sub, sizeof sub, "%s.targets", path);
        if (rc == MM_OK)
            rc = items(&r->targets, &r->ntargets, json_object_get(m, "targets"), tgt, sub);
        if (rc)
            return rc;
    }
    return MM_OK;
}

int mm_iot_load(mm_iot **out, const char *content_dir)
{
    *out = NULL;
    mm_iot *iot = calloc(1, sizeof *iot);
    if (!iot || sodium_init() < 0) {
        free(iot);
        return MM_ENOMEM;
    }
    int rc = MM_OK;
    const char *data;
    size_t len;
    for (size_t i = 0; rc == MM_OK && i < NPACKS; i++) {
        rc = content(&data, &len, &iot->bytes[i], content_dir, pack_files[i]);
        if (rc == MM_OK)
            rc = mm_pack_parse(&iot->packs[i], data, len, pack_files[i]);
    }
    if (rc == MM_OK)
        rc = content(&data, &len, &iot->bytes[NPACKS], content_dir, CROSSWALK);
    if (rc == MM_OK && mm_json_load(&iot->cw, data, len, CROSSWALK, 0))
        rc = MM_EPARSE;
    if (rc == MM_OK) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)data, len);
        sodium_bin2hex(iot->cw_sha256, sizeof iot->cw_sha256, h, sizeof h);
    }
    const json_t *mc = json_object_get(iot->cw, "mapping-collection");
    const json_t *mappings = json_object_get(mc, "mappings"), *mp;
    size_t nmaps = 0, nprops = 0, i;
    json_array_foreach(mappings, i, mp)
    {
        nmaps += json_array_size(json_object_get(mp, "maps"));
        nprops += json_array_size(json_object_get(mp, "props"));
    }
    if (rc == MM_OK && (!json_is_array(mappings) || !nmaps)) {
        mm_error_set("%s: $.mapping-collection.mappings: no relations", CROSSWALK);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && (!(iot->maps = calloc(nmaps, sizeof *iot->maps)) ||
                        !(iot->arrs = calloc(nprops ? nprops : 1, sizeof *iot->arrs))))
        rc = MM_ENOMEM;
    json_array_foreach(mappings, i, mp)
    {
        if (rc == MM_OK)
            rc = read_mapping(iot, mp, i);
    }
    if (rc == MM_OK) {
        const json_t *meta = json_object_get(mc, "metadata");
        iot->date_read = json_string_value(json_object_get(meta, "version"));
        iot->rule = json_string_value(json_object_get(meta, "remarks"));
        iot->not_found = json_object_get(meta, "props");
        *out = iot;
        return MM_OK;
    }
    mm_iot_free(iot);
    return rc;
}

/* ---- the claim ----------------------------------------------------------------------- */

static const char *const scheme_list = "jc-star (★1), uk-psti, etsi-en-303-645, "
                                       "us-cyber-trust-mark (or a pack id: jc-star-star1, "
                                       "nistir-8425)";

/* The scheme of target (a scheme id or a pack's framework id) and its pack. */
static const mm_pack *target_pack(const mm_iot *iot, const char *as, const mm_iot_scheme **s)
{
    size_t n;
    const mm_iot_scheme *all = mm_iot_schemes(&n);
    *s = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *pk = mm_iot_scheme_pack(&all[i], all[i].levels[0] ? "1" : "");
        if (mm_streq(all[i].id, as) || mm_streq(pk, as)) {
            *s = &all[i];
            return pack_by_id(iot, pk);
        }
    }
    return NULL;
}

static bool covers(const char *relationship, bool forward)
{
    /* forward: map source = the label's pack; the target is covered when the source's
     * requirements include the target's. Backward: map target = the label's pack. */
    if (mm_streq(relationship, "equivalent-to") || mm_streq(relationship, "equal-to"))
        return true;
    return mm_streq(relationship, forward ? "superset-of" : "subset-of");
}

static json_t *relation_json(const rel_map *r)
{
    return json_pack("{s:s, s:s, s:s?, s:b, s:s, s:s?}", "relation", r->id, "relationship",
                     r->relationship, "effective", r->effective, "verified", r->verified,
                     "citation", r->citation, "recognition", r->recognition);
}

typedef struct slot {
    json_t *by;      /* what covers it, in effect on the date */
    json_t *pending; /* relations that will cover it, not yet in effect */
} slot;

static void add_by(json_t **arr, json_t *entry, bool *ok)
{
    if (!*arr)
        *arr = json_array();
    if (!entry || !*arr || json_array_append_new(*arr, entry))
        *ok = false;
}

static json_t *label_json(const json_t *l, const char *state, const char *pack)
{
    return json_pack("{s:O, s:O, s:O, s:O, s:O?, s:s, s:s?, s:O?, s:O?}", "scheme",
                     json_object_get(l, "scheme"), "level", json_object_get(l, "level"), "label_id",
                     json_object_get(l, "label_id"), "issued", json_object_get(l, "issued"),
                     "expires", json_object_get(l, "expires"), "state", state, "framework", pack,
                     "evidence_sha256", json_object_get(l, "evidence_sha256"), "evidence_ref",
                     json_object_get(l, "evidence_ref"));
}

/* What one current label of pack lp covers of target pack tp. */
static void apply_label(const mm_iot *iot, slot *slots, const mm_pack *lp, const mm_pack *tp,
                        const json_t *label, const char *date, bool *ok)
{
    const char *lid = json_string_value(json_object_get(label, "label_id"));
    const char *scheme = json_string_value(json_object_get(label, "scheme"));
    if (lp == tp) {
        for (size_t i = 0; i < tp->ncriteria; i++)
            add_by(&slots[i].by,
                   json_pack("{s:s, s:s, s:s}", "label_id", lid, "scheme", scheme, "relation",
                             "the label itself"),
                   ok);
        return;
    }
    for (size_t m = 0; m < iot->nmaps; m++) {
        const rel_map *r = &iot->maps[m];
        bool fwd = r->src == lp && r->tgt == tp, back = r->src == tp && r->tgt == lp;
        if (!(fwd && covers(r->relationship, true)) && !(back && covers(r->relationship, false)))
            continue;
        const mm_criterion **cov = fwd ? r->targets : r->sources;
        size_t ncov = fwd ? r->ntargets : r->nsources;
        bool in_effect = !r->effective || strcmp(r->effective, date) <= 0;
        for (size_t k = 0; k < ncov; k++) {
            size_t i = (size_t)(cov[k] - tp->criteria);
            json_t *e = relation_json(r);
            if (e && json_object_set_new(e, "label_id", json_string(lid ? lid : "")))
                *ok = false;
            if (e && json_object_set_new(e, "scheme", json_string(scheme ? scheme : "")))
                *ok = false;
            add_by(in_effect ? &slots[i].by : &slots[i].pending, e, ok);
        }
    }
}

/* Whether a published relation or arrangement relates packs a and b (either way). */
static json_t *arrangement_json(const mm_iot *iot, const mm_iot_scheme *ls, const char *level,
                                const mm_pack *a, const mm_iot_scheme *ts, const mm_pack *b,
                                bool *ok)
{
    json_t *rels = json_array(), *arrs = json_array();
    if (!rels || !arrs)
        *ok = false;
    for (size_t m = 0; a && rels && m < iot->nmaps; m++) {
        const rel_map *r = &iot->maps[m];
        if ((r->src == a && r->tgt == b) || (r->src == b && r->tgt == a))
            if (json_array_append_new(rels, relation_json(r)))
                *ok = false;
    }
    for (size_t i = 0; a && arrs && i < iot->narrs; i++) {
        const arrangement *x = &iot->arrs[i];
        if (((x->a == a && x->b == b) || (x->a == b && x->b == a))) {
            bool seen = false;
            size_t j;
            json_t *v;
            json_array_foreach(arrs, j, v) seen |=
                mm_streq(json_string_value(json_object_get(v, "id")), x->id);
            if (!seen && json_array_append_new(
                             arrs, json_pack("{s:s, s:s?}", "id", x->id, "remarks", x->remarks)))
                *ok = false;
        }
    }
    bool exists = json_array_size(rels) + json_array_size(arrs) > 0;
    char statement[600];
    if (a == b)
        snprintf(statement, sizeof statement, "The label is of the scheme asked for (%s).",
                 ts->name);
    else if (!a)
        snprintf(statement, sizeof statement,
                 "A %s label of level %s: mamori has no criteria of that level (its criteria and "
                 "the published relations it has are of ★1), so it covers nothing here.",
                 ls->name, level && level[0] ? level : "?");
    else if (exists)
        snprintf(statement, sizeof statement,
                 "Published relations between %s and %s exist: %zu relation(s) and %zu "
                 "arrangement(s), each with its source below.",
                 ls->name, ts->name, json_array_size(rels), json_array_size(arrs));
    else
        snprintf(statement, sizeof statement,
                 "No published arrangement between %s and %s exists in the published sources "
                 "mamori has read (as of %s): none was found, so a %s label covers no criterion "
                 "of %s here.",
                 ls->name, ts->name, iot->date_read ? iot->date_read : "?", ls->name, ts->name);
    json_t *o = json_pack("{s:s, s:s?, s:b, s:s, s:o, s:o}", "scheme", ls->id, "framework",
                          a ? a->id : NULL, "exists", exists || a == b, "statement", statement,
                          "relations", rels, "arrangements", arrs);
    if (!o)
        *ok = false;
    return o;
}

static json_t *criterion_json(const mm_criterion *c)
{
    return json_pack("{s:s, s:s, s:s}", "id", c->id, "title", c->title ? c->title : "", "text",
                     mm_criterion_text(c));
}

int mm_iot_recognize(json_t **out, const mm_iot *iot, const json_t *product, const char *as,
                     const char *date, const char *issued)
{
    *out = NULL;
    const mm_iot_scheme *ts;
    const mm_pack *tp = target_pack(iot, as, &ts);
    if (!tp) {
        mm_error_set("'%s' is not a scheme mamori has criteria for: %s", as ? as : "", scheme_list);
        return MM_EINVALID;
    }
    if (!mm_is_date(date)) {
        mm_error_set("date '%s' is not YYYY-MM-DD", date ? date : "");
        return MM_EINVALID;
    }
    bool ok = true;
    slot *slots = calloc(tp->ncriteria ? tp->ncriteria : 1, sizeof *slots);
    json_t *labels = json_array(), *arrangements = json_array(), *covered = json_array(),
           *remaining = json_array(), *pending = json_array();
    if (!slots || !labels || !arrangements || !covered || !remaining || !pending)
        ok = false;
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(product, "labels"), i, l)
    {
        const mm_iot_scheme *ls =
            mm_iot_scheme_find(json_string_value(json_object_get(l, "scheme")));
        const char *lvl = json_string_value(json_object_get(l, "level"));
        const char *pk = mm_iot_scheme_pack(ls, lvl);
        const mm_pack *lp = pack_by_id(iot, pk);
        const char *state =
            mm_iot_label_state(json_string_value(json_object_get(l, "issued")),
                               json_string_value(json_object_get(l, "expires")), date);
        if (json_array_append_new(labels, label_json(l, state, lp ? pk : NULL)))
            ok = false;
        if (!ls)
            continue;
        bool seen = false;
        size_t j;
        json_t *v;
        /* one entry per scheme and pack (a ★1 and a ★2 label are not the same question) */
        json_array_foreach(arrangements, j, v) seen |=
            mm_streq(json_string_value(json_object_get(v, "scheme")), ls->id) &&
            mm_streq(json_string_value(json_object_get(v, "framework")), lp ? lp->id : NULL);
        if (!seen && ok &&
            json_array_append_new(arrangements, arrangement_json(iot, ls, lvl, lp, ts, tp, &ok)))
            ok = false;
        if (lp && ok && strcmp(state, "current") == 0)
            apply_label(iot, slots, lp, tp, l, date, &ok);
    }
    for (i = 0; ok && i < tp->ncriteria; i++) {
        json_t *c = criterion_json(&tp->criteria[i]);
        if (!c) {
            ok = false;
            break;
        }
        if (slots[i].by) {
            json_object_set(c, "by", slots[i].by);
            json_object_del(c, "text");
            ok = !json_array_append_new(covered, c);
        } else {
            if (slots[i].pending)
                json_object_set(c, "pending", slots[i].pending);
            ok = !json_array_append_new(remaining, c);
            if (ok && slots[i].pending)
                ok = !json_array_append_new(pending,
                                            json_pack("{s:s, s:O}", "id", tp->criteria[i].id,
                                                      "relations", slots[i].pending));
        }
    }
    json_t *nf = json_array();
    const json_t *p;
    json_array_foreach(iot->not_found, i, p)
    {
        if (nf && mm_streq(json_string_value(json_object_get(p, "name")), "not-found"))
            json_array_append(nf, json_object_get(p, "value"));
    }
    json_t *claim = NULL;
    if (ok && nf) {
        claim = json_pack(
            "{s:s, s:i, s:s, s:s, s:{s:O, s:{s:O, s:O?}, s:O, s:O, s:O}, "
            "s:{s:s, s:s, s:s, s:s, s:i}, s:I, s:I, s:o, s:o, s:o, s:o, s:o, "
            "s:{s:s, s:s, s:s?, s:s?, s:o}}",
            "kind", "mamori-recognition", "version", 1, "date", date, "issued", issued, "product",
            "id", json_object_get(product, "id"), "manufacturer", "id",
            json_object_get(product, "org_id"), "name", json_object_get(product, "org_name"),
            "name", json_object_get(product, "name"), "model", json_object_get(product, "model"),
            "firmware", json_object_get(product, "firmware"), "as", "scheme", ts->id, "framework",
            tp->id, "title", tp->title, "version", tp->version ? tp->version : "", "criteria",
            (int)tp->ncriteria, "covered_count", (json_int_t)json_array_size(covered),
            "remaining_count", (json_int_t)json_array_size(remaining), "labels", labels,
            "arrangements", arrangements, "covered", covered, "remaining", remaining, "pending",
            pending, "basis", "relations", CROSSWALK, "relations_sha256", iot->cw_sha256, "read",
            iot->date_read, "rule", iot->rule, "not_found", nf);
        /* "o" references are stolen by json_pack, also when it fails */
        labels = arrangements = covered = remaining = pending = nf = NULL;
    }
    json_decref(nf);
    for (i = 0; slots && i < tp->ncriteria; i++) {
        json_decref(slots[i].by);
        json_decref(slots[i].pending);
    }
    free(slots);
    json_decref(labels);
    json_decref(arrangements);
    json_decref(covered);
    json_decref(remaining);
    json_decref(pending);
    if (!claim)
        return MM_ENOMEM;
    *out = claim;
    return MM_OK;
}

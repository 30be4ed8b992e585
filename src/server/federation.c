/* mamori serve: federation between authorities over TAXII 2.1 (docs/taxii.md
 * "Federation"). Each peer of --peers FILE is a TAXII 2.1 server (another mamori, or any):
 *
 * - push: the items that the local organization standing for the peer (org_id) may read,
 *   by the one read decision (share_visible -> mm_tlp_may_read, as a plain user of that
 *   organization), at the labels a push link allows, go to the peer's collection as an
 *   envelope of their STIX export. So TLP:RED never leaves (no organization reads RED, only
 *   named users) and AMBER+STRICT goes only when the item names the peer's organization;
 *   items that came from a peer are not relayed. Labels a link does not allow are withheld,
 *   and that is audited once per item version ("federation.withheld").
 * - pull: the peer's collection is read (every page), and its reports become items of the
 *   peer's organization, delivered to deliver_to (AMBER, AMBER+STRICT, GREEN), carrying
 *   their origin in the body ("origin": peer, API root, collection, STIX id, time, whether
 *   they may be re-shared here). RED, and labels the link does not accept, are refused
 *   ("federation.refused"). Each STIX id is taken once.
 *
 * Every exchange is one audited transaction ("federation.push", "federation.pull"); the
 * federation_log table keeps what went where, once. Rounds run every peer's interval in a
 * thread, or when an authority-admin asks (POST /api/v1/federation/run); one at a time. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mamori/share.h"
#include "mamori/taxii.h"
#include "server/federation.h"
#include "server/share_core.h"
#include "util/util.h"

struct mm_federation {
    mm_taxii_peers *peers;
    char **tokens;        /* per peer */
    time_t *next_due;     /* per peer */
    pthread_mutex_t lock; /* one round at a time */
    pthread_t thread;
    bool running;
    _Atomic bool stop;
};

/* ---- loading ----------------------------------------------------------------------------- */

int federation_load(mm_server *srv, const char *path)
{
    srv->fed = NULL;
    if (!path)
        return MM_OK;
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, path, 1 << 20);
    if (rc)
        return rc;
    mm_taxii_peers *peers = NULL;
    rc = mm_taxii_peers_parse(&peers, text, len, path);
    free(text);
    if (rc)
        return rc;
    mm_federation *f = calloc(1, sizeof *f);
    if (f) {
        f->tokens = calloc(peers->n, sizeof *f->tokens);
        f->next_due = calloc(peers->n, sizeof *f->next_due);
    }
    if (!f || !f->tokens || !f->next_due) {
        mm_taxii_peers_free(peers);
        if (f) {
            free(f->tokens);
            free(f->next_due);
        }
        free(f);
        return MM_ENOMEM;
    }
    f->peers = peers;
    pthread_mutex_init(&f->lock, NULL);
    srv->fed = f;
    for (size_t i = 0; i < peers->n && rc == MM_OK; i++) {
        const mm_taxii_peer *p = &peers->peer[i];
        if (p->token) {
            f->tokens[i] = strdup(p->token);
            rc = f->tokens[i] ? MM_OK : MM_ENOMEM;
            continue;
        }
        char *t = NULL;
        size_t n = 0;
        rc = mm_file_read(&t, &n, p->token_file, 4096);
        while (rc == MM_OK && n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
            t[--n] = '\0';
        if (rc == MM_OK && (n == 0 || strchr(t, '\n'))) {
            mm_error_set("%s: the token file of peer '%s' should hold one token", p->token_file,
                         p->name);
            rc = MM_EINVALID;
        }
        if (rc == MM_OK)
            f->tokens[i] = t;
        else
            free(t);
    }
    if (rc == MM_OK && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        mm_error_set("federation: libcurl did not start");
        rc = MM_EIO;
    }
    if (rc) {
        federation_free(srv);
        return rc;
    }
    return MM_OK;
}

void federation_free(mm_server *srv)
{
    mm_federation *f = srv->fed;
    if (!f)
        return;
    for (size_t i = 0; i < f->peers->n; i++) {
        if (f->tokens[i])
            memset(f->tokens[i], 0, strlen(f->tokens[i]));
        free(f->tokens[i]);
    }
    free(f->tokens);
    free(f->next_due);
    mm_taxii_peers_free(f->peers);
    pthread_mutex_destroy(&f->lock);
    free(f);
    srv->fed = NULL;
}

/* ---- HTTP to a peer ------------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t n;
} buf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *cls)
{
    buf *b = cls;
    size_t add = size * nmemb;
    if (b->n + add > (size_t)64 << 20)
        return 0;
    char *np = realloc(b->p, b->n + add + 1);
    if (!np)
        return 0;
    memcpy(np + b->n, ptr, add);
    b->n += add;
    np[b->n] = '\0';
    b->p = np;
    return add;
}

/* One TAXII request to a peer: *status and *out (the parsed JSON, or NULL). MM_EIO when no
 * answer came. */
static int peer_call(const char *token, const char *method, const char *url, const char *body,
                     long *status, json_t **out)
{
    *out = NULL;
    *status = 0;
    CURL *c = curl_easy_init();
    if (!c)
        return MM_ENOMEM;
    char auth[300];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *h = curl_slist_append(NULL, "Accept: " MM_TAXII_MEDIA);
    h = curl_slist_append(h, auth);
    if (body)
        h = curl_slist_append(h, "Content-Type: " MM_TAXII_MEDIA);
    buf b = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode cc = curl_easy_perform(c);
    int rc = MM_OK;
    if (cc != CURLE_OK) {
        mm_error_set("%s: %s", url, curl_easy_strerror(cc));
        rc = MM_EIO;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        if (b.p)
            *out = json_loads(b.p, 0, NULL);
    }
    memset(auth, 0, sizeof auth);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(b.p);
    return rc;
}

/* ---- one round ------------------------------------------------------------------------------- */

/* A request-like context for the sharing core: a plain user of the peer's organization. */
static void peer_request(http_req *r, mm_server *srv, mm_store *st, const mm_taxii_peer *p)
{
    memset(r, 0, sizeof *r);
    r->srv = srv;
    r->st = st;
    r->now_unix = (long long)time(NULL);
    mm_time_rfc3339(r->now, r->now_unix);
    server_dates(r, srv->today[0] ? srv->today : r->now);
    r->who.authenticated = true;
    snprintf(r->who.login, sizeof r->who.login, "federation:%s", p->name);
    snprintf(r->who.org_id, sizeof r->who.org_id, "%s", p->org_id);
    snprintf(r->who.role, sizeof r->who.role, "contractor-member");
}

static bool names_org(const json_t *item, const char *org)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(item, "recipients"), "orgs"), i, x)
    {
        if (mm_streq(json_string_value(x), org))
            return true;
    }
    return false;
}

/* Audits fact once per (peer, direction, ref): "federation.withheld" / "federation.refused". */
static int note_once(http_req *r, const mm_taxii_peer *p, const char *direction, const char *ref,
                     const char *item_id, json_t *detail)
{
    bool seen = false;
    int rc = mm_store_federation_seen(r->st, &seen, p->name, direction, ref);
    if (rc || seen) {
        json_decref(detail);
        return rc;
    }
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_federation_note(r->st, p->name, direction, ref, item_id, r->now);
    char action[40];
    snprintf(action, sizeof action, "federation.%s", direction);
    return mm_audited_commit(r->st, rc, r->who.login, action, item_id ? item_id : ref, detail);
}

static int push(http_req *r, const mm_taxii_peer *p, const char *token, json_t *sum)
{
    json_t *vis = NULL;
    int rc = share_visible(r, NULL, &vis);
    if (rc)
        return rc;
    json_t *batch = json_array(); /* per link: [item, ...] */
    for (size_t k = 0; k < p->n_push; k++)
        json_array_append_new(batch, json_array());
    size_t withheld = 0, pushed = 0;
    for (size_t i = json_array_size(vis); rc == MM_OK && i-- > 0;) {
        json_t *it = json_array_get(vis, i);
        const char *id = json_string_value(json_object_get(it, "id"));
        if (mm_streq(json_string_value(json_object_get(it, "originator_org")), p->org_id) ||
            json_object_get(json_object_get(it, "body"), "origin"))
            continue; /* the peer's own, or another peer's: never relayed */
        mm_tlp t = share_tlp_of(it);
        char ref[200];
        snprintf(ref, sizeof ref, "%s@%s", id, json_string_value(json_object_get(it, "modified")));
        size_t k = 0;
        while (k < p->n_push && !(p->push[k].labels & (1u << t)))
            k++;
        const char *why = NULL;
        if (t == MM_TLP_RED)
            why = "TLP:RED never leaves";
        else if (t == MM_TLP_AMBER_STRICT && !names_org(it, p->org_id))
            why = "TLP:AMBER+STRICT goes only to the organizations it names";
        else if (k == p->n_push)
            why = "no push link of this peer takes the label";
        if (why) {
            withheld++;
            rc = note_once(
                r, p, "withheld", ref, id,
                json_pack("{s:s,s:s,s:s}", "peer", p->name, "tlp", mm_tlp_label(t), "reason", why));
            continue;
        }
        bool seen = false;
        rc = mm_store_federation_seen(r->st, &seen, p->name, "push", ref);
        if (rc == MM_OK && !seen)
            json_array_append(json_array_get(batch, k), it);
    }
    for (size_t k = 0; rc == MM_OK && k < p->n_push; k++) {
        json_t *items = json_array_get(batch, k);
        if (!json_array_size(items))
            continue;
        json_t *objs = json_array(), *ids = json_array();
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            json_t *o = share_item_out(it), *bundle = NULL;
            if (!o || mm_stix_export(&bundle, o) != MM_OK) {
                json_decref(o);
                continue;
            }
            json_decref(o);
            size_t j;
            json_t *x;
            json_array_foreach(json_object_get(bundle, "objects"), j, x)
            {
                bool dup = false;
                size_t m;
                json_t *y;
                json_array_foreach(objs, m, y) dup =
                    dup || json_equal(json_object_get(x, "id"), json_object_get(y, "id"));
                if (!dup)
                    json_array_append(objs, x);
            }
            json_decref(bundle);
            json_array_append(ids, json_object_get(it, "id"));
        }
        json_t *env = json_pack("{s:o}", "objects", objs);
        char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;
        json_decref(env);
        char url[800];
        snprintf(url, sizeof url, "%scollections/%s/objects/", p->api_root, p->push[k].collection);
        long status = 0;
        json_t *ans = NULL;
        int hrc = text ? peer_call(token, "POST", url, text, &status, &ans) : MM_ENOMEM;
        free(text);
        bool ok = hrc == MM_OK && status == 202 &&
                  json_integer_value(json_object_get(ans, "failure_count")) == 0;
        rc = mm_store_begin(r->st);
        json_array_foreach(items, i, it)
        {
            char ref[200];
            snprintf(ref, sizeof ref, "%s@%s", json_string_value(json_object_get(it, "id")),
                     json_string_value(json_object_get(it, "modified")));
            if (rc == MM_OK && ok)
                rc = mm_store_federation_note(r->st, p->name, "push", ref,
                                              json_string_value(json_object_get(it, "id")), r->now);
        }
        json_t *detail =
            json_pack("{s:s,s:s,s:O,s:i,s:s}", "peer", p->name, "collection", p->push[k].collection,
                      "items", ids, "http_status", (int)status, "status_id",
                      ok ? json_string_value(json_object_get(ans, "id"))
                         : (hrc ? mm_error_last()
                            : json_string_value(json_object_get(ans, "description"))
                                ? json_string_value(json_object_get(ans, "description"))
                                : "refused"));
        rc = mm_audited_commit(r->st, rc, r->who.login,
                               ok ? "federation.push" : "federation.push-failed", p->name, detail);
        if (ok)
            pushed += json_array_size(ids);
        json_decref(ids);
        json_decref(ans);
    }
    json_decref(batch);
    json_decref(vis);
    json_object_set_new(sum, "pushed", json_integer((json_int_t)pushed));
    json_object_set_new(sum, "withheld", json_integer((json_int_t)withheld));
    return rc;
}

/* Every object of a peer's collection, following next. */
static int fetch_all(const mm_taxii_peer *p, const char *token, const char *coll, json_t **out,
                     char *err, size_t errsz)
{
    *out = json_array();
    char next[64] = "";
    for (int page = 0; page < 10000; page++) {
        char url[900];
        snprintf(url, sizeof url, "%scollections/%s/objects/?limit=1000%s%s", p->api_root, coll,
                 next[0] ? "&next=" : "", next);
        long status = 0;
        json_t *ans = NULL;
        int rc = peer_call(token, "GET", url, NULL, &status, &ans);
        if (rc || status != 200 || !json_is_object(ans)) {
            snprintf(err, errsz, "%s: %s", url,
                     rc ? mm_error_last()
                        : (json_string_value(json_object_get(ans, "description"))
                               ? json_string_value(json_object_get(ans, "description"))
                               : "not a TAXII envelope"));
            json_decref(ans);
            return rc ? rc : MM_EIO;
        }
        json_array_extend(*out, json_object_get(ans, "objects"));
        const char *n = json_string_value(json_object_get(ans, "next"));
        bool more = json_is_true(json_object_get(ans, "more")) && n && strlen(n) < sizeof next;
        if (more) {
            /* the token goes back as it came: only URL-safe characters are passed */
            size_t i = 0;
            for (; n[i]; i++)
                if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'z') ||
                      (n[i] >= 'A' && n[i] <= 'Z') || n[i] == '-' || n[i] == '_' || n[i] == '.'))
                    break;
            more = !n[i];
            if (more)
                snprintf(next, sizeof next, "%s", n);
        }
        json_decref(ans);
        if (!more)
            return MM_OK;
    }
    return MM_OK;
}

static int pull(http_req *r, const mm_taxii_peer *p, const char *token, const char *authority,
                json_t *sum)
{
    size_t pulled = 0, refused = 0;
    int rc = MM_OK;
    json_t *errors = json_array();
    for (size_t k = 0; rc == MM_OK && k < p->n_pull; k++) {
        json_t *objs = NULL;
        char err[600] = "";
        if (fetch_all(p, token, p->pull[k].collection, &objs, err, sizeof err) != MM_OK) {
            json_array_append_new(errors, json_string(err));
            json_decref(objs);
            continue;
        }
        if (!json_array_size(objs)) {
            json_decref(objs);
            continue;
        }
        json_t *bundle = json_pack("{s:s,s:s,s:o}", "type", "bundle", "id",
                                   "bundle--00000000-0000-4000-8000-000000000000", "objects", objs);
        char *text = bundle ? json_dumps(bundle, JSON_COMPACT) : NULL;
        json_decref(bundle);
        mm_stix_import *imp = NULL;
        int prc = text ? mm_stix_parse(&imp, text, strlen(text), NULL) : MM_ENOMEM;
        free(text);
        if (prc) {
            json_array_append_new(errors, json_string(mm_error_last()));
            continue;
        }
        json_t *to = json_array(), *none = json_array(), *ids = json_array();
        for (char **d = p->deliver_to; d && *d; d++)
            json_array_append_new(to, json_string(*d));
        if (!json_array_size(to) && authority)
            json_array_append_new(to, json_string(authority));
        for (size_t i = 0; rc == MM_OK && i < imp->n_items; i++) {
            const mm_stix_item *it = &imp->items[i];
            const char *why = it->tlp == MM_TLP_RED ? "TLP:RED never comes in"
                              : !(p->pull[k].labels & (1u << it->tlp))
                                  ? "the pull link of this peer does not take the label"
                                  : NULL;
            if (why) {
                refused++;
                rc = note_once(r, p, "refused", it->stix_id, NULL,
                               json_pack("{s:s,s:s,s:s,s:s}", "peer", p->name, "stix_id",
                                         it->stix_id, "tlp", mm_tlp_label(it->tlp), "reason", why));
                continue;
            }
            bool seen = false;
            rc = mm_store_federation_seen(r->st, &seen, p->name, "pull", it->stix_id);
            if (rc || seen)
                continue;
            json_t *body = json_deep_copy(it->body);
            json_object_set_new(body, "origin",
                                json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "peer", p->name, "api_root",
                                          p->api_root, "collection", p->pull[k].collection,
                                          "stix_id", it->stix_id, "pulled", r->now, "may_reshare",
                                          p->may_reshare));
            char *body_text = body ? json_dumps(body, JSON_COMPACT) : NULL;
            json_decref(body);
            char id[37];
            mm_store_new_id(id);
            mm_item_rec rec = {.id = id,
                               .kind = "report",
                               .originator_org = p->org_id,
                               .originator_user = 0,
                               .tlp = mm_tlp_name(it->tlp),
                               .title = it->title,
                               .body = body_text,
                               .sources = "[]",
                               .created = r->now,
                               .recipient_users = none,
                               .recipient_orgs = it->tlp == MM_TLP_CLEAR ? none : to,
                               .added_by = r->who.login};
            rc = body_text ? mm_store_begin(r->st) : MM_ENOMEM;
            if (rc == MM_OK)
                rc = mm_store_create_item(r->st, &rec);
            if (rc == MM_OK)
                rc = mm_store_federation_note(r->st, p->name, "pull", it->stix_id, id, r->now);
            if (body_text)
                rc = mm_audited_commit(r->st, rc, r->who.login, "federation.pull", id,
                                       json_pack("{s:s,s:s,s:s,s:s}", "peer", p->name, "collection",
                                                 p->pull[k].collection, "stix_id", it->stix_id,
                                                 "tlp", mm_tlp_label(it->tlp)));
            free(body_text);
            if (rc == MM_OK) {
                pulled++;
                json_array_append_new(ids, json_string(id));
            }
        }
        json_decref(to);
        json_decref(none);
        json_decref(ids);
        mm_stix_import_free(imp);
    }
    json_object_set_new(sum, "pulled", json_integer((json_int_t)pulled));
    json_object_set_new(sum, "refused", json_integer((json_int_t)refused));
    json_object_set_new(sum, "errors", errors);
    return rc;
}

static json_t *round_peer(mm_server *srv, size_t i)
{
    mm_federation *f = srv->fed;
    const mm_taxii_peer *p = &f->peers->peer[i];
    json_t *sum = json_pack("{s:s}", "peer", p->name);
    mm_store *st = mm_pool_get(srv);
    http_req r;
    peer_request(&r, srv, st, p);
    json_t *o = NULL;
    int rc = mm_store_get_org(st, &o, p->org_id);
    json_decref(o);
    share_ctx c;
    const char *authority = NULL;
    if (rc == MM_OK && share_ctx_load(&r, &c) == MM_OK) {
        authority = c.authority;
        if (p->n_pull)
            rc = pull(&r, p, f->tokens[i], authority, sum);
        if (rc == MM_OK && p->n_push)
            rc = push(&r, p, f->tokens[i], sum);
        share_ctx_free(&c);
    } else if (rc) {
        mm_error_set("peer '%s': no local organization '%s' (org_id)", p->name, p->org_id);
    }
    if (rc)
        json_object_set_new(sum, "error", json_string(mm_error_last()));
    mm_pool_put(srv, st);
    mm_server_log_json(rc ? "warn" : "info", "federation round", json_deep_copy(sum));
    return sum;
}

json_t *federation_run(mm_server *srv)
{
    json_t *out = json_array();
    mm_federation *f = srv->fed;
    if (!f)
        return out;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->peers->n; i++)
        json_array_append_new(out, round_peer(srv, i));
    pthread_mutex_unlock(&f->lock);
    return out;
}

static void *loop(void *cls)
{
    mm_server *srv = cls;
    mm_federation *f = srv->fed;
    while (!atomic_load(&f->stop)) {
        time_t now = time(NULL);
        for (size_t i = 0; i < f->peers->n && !atomic_load(&f->stop); i++) {
            unsigned iv = f->peers->peer[i].interval;
            if (!iv || now < f->next_due[i])
                continue;
            f->next_due[i] = now + iv;
            pthread_mutex_lock(&f->lock);
            json_decref(round_peer(srv, i));
            pthread_mutex_unlock(&f->lock);
        }
        struct timespec tick = {0, 200 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    return NULL;
}

void federation_start(mm_server *srv)
{
    mm_federation *f = srv->fed;
    if (!f)
        return;
    bool any = false;
    for (size_t i = 0; i < f->peers->n; i++)
        any = any || f->peers->peer[i].interval > 0;
    atomic_init(&f->stop, false);
    f->running = any && pthread_create(&f->thread, NULL, loop, srv) == 0;
}

void federation_stop(mm_server *srv)
{
    mm_federation *f = srv->fed;
    if (!f || !f->running)
        return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    f->running = false;
}

void h_federation_run(http_req *r, reply *out)
{
    reply_json(out, 200, json_pack("{s:o}", "peers", federation_run(r->srv)));
}

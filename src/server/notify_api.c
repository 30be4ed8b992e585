/* mamori serve: each user's notification preferences (the domain action both the API and the
 * dashboard's form call) and the API's notify routes (docs/notifications.md, docs/api.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/bodies.h"
#include "server/notify.h"
#include "util/util.h"

static const char *const channel_names[] = {"dashboard", "email", "webhook"};

/* a JSON array of distinct names from list (n of them) at $.member; else act_fail */
static int check_names(const json_t *v, const char *member, const char *const *list, size_t n,
                       act_fail *f)
{
    if (!json_is_array(v))
        return act_failed(f, ACT_INVALID, MM_EINVALID, "$.%s: expected an array of names", member);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        const char *s = json_string_value(e);
        bool known = false;
        for (size_t k = 0; s && k < n; k++)
            known = known || strcmp(s, list[k]) == 0;
        if (!known) {
            mm_buf b = MM_BUF_INIT;
            for (size_t k = 0; k < n; k++)
                mm_buf_printf(&b, "%s%s", k ? ", " : "", list[k]);
            act_failed(f, ACT_INVALID, MM_EINVALID, "$.%s[%zu]: expected one of %s", member, i,
                       b.data ? b.data : "");
            mm_buf_free(&b);
            return MM_EINVALID;
        }
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(v, k), e))
                return act_failed(f, ACT_INVALID, MM_EINVALID, "$.%s[%zu]: '%s' twice", member, i,
                                  s);
    }
    return MM_OK;
}

static bool has(const json_t *arr, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (mm_streq(json_string_value(e), s))
            return true;
    }
    return false;
}

/* a webhook URL: http(s), printable ASCII without spaces, at most 500 bytes */
static bool url_ok(const char *u)
{
    if (!u || strlen(u) > 500 || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
        return false;
    for (const unsigned char *c = (const unsigned char *)u; *c; c++)
        if (*c <= ' ' || *c >= 0x7f)
            return false;
    return true;
}

int notify_prefs_update(http_req *r, const json_t *changes, bool rotate, json_t **out,
                        char *secret_out, size_t secret_size, act_fail *f)
{
    *out = NULL;
    if (secret_out && secret_size)
        secret_out[0] = '\0';
    static const char *const known[] = {"events", "channels",    "email",        "lang",
                                        "digest", "webhook_url", "rotate_secret"};
    if (!json_is_object(changes))
        return act_failed(f, ACT_INVALID, MM_EINVALID, "$: expected a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)changes, k, v)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(k, known[i]) == 0;
        if (!ok)
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "$.%s: unknown member (known: events, channels, email, lang, "
                              "digest, webhook_url, rotate_secret)",
                              k);
    }
    json_t *cur = NULL;
    int rc = mm_store_notify_prefs_get(r->st, &cur, r->who.user_id);
    if (rc)
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    const char *old_url = json_string_value(json_object_get(cur, "webhook_url"));
    char *old_url_copy = old_url ? strdup(old_url) : NULL;
    bool had_secret = json_is_true(json_object_get(cur, "webhook_secret_set"));
    json_object_foreach((json_t *)changes, k, v)
    {
        if (strcmp(k, "rotate_secret") != 0)
            json_object_set(cur, k, v);
    }
    json_t *rot = json_object_get(changes, "rotate_secret");
    if (rot && !json_is_boolean(rot))
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.rotate_secret: expected true or false");
    rotate = rotate || json_is_true(rot);
    const json_t *events = json_object_get(cur, "events"),
                 *channels = json_object_get(cur, "channels");
    const char *email = json_string_value(json_object_get(cur, "email"));
    const char *lang = json_string_value(json_object_get(cur, "lang"));
    const char *digest = json_string_value(json_object_get(cur, "digest"));
    const char *url = json_string_value(json_object_get(cur, "webhook_url"));
    if (rc == MM_OK)
        rc = check_names(events, "events", mm_notify_kinds, MM_NOTIFY_NKINDS, f);
    if (rc == MM_OK)
        rc = check_names(channels, "channels", channel_names, 3, f);
    if (rc == MM_OK && !json_is_null(json_object_get(cur, "email")) && !mm_notify_address_ok(email))
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.email: expected an address local@domain (printable ASCII) or null");
    if (rc == MM_OK && !mm_streq(lang, "en") && !mm_streq(lang, "ja"))
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.lang: expected \"en\" or \"ja\"");
    if (rc == MM_OK && !mm_streq(digest, "none") && !mm_streq(digest, "hourly") &&
        !mm_streq(digest, "daily"))
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.digest: expected \"none\", \"hourly\" or \"daily\"");
    if (rc == MM_OK && !json_is_null(json_object_get(cur, "webhook_url")) && !url_ok(url))
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.webhook_url: expected an http:// or https:// URL (at most 500 "
                        "characters, no spaces) or null");
    const char *why = NULL;
    int where = rc == MM_OK && url ? notify_webhook_check(r->srv, url, &why) : 0;
    if (where < 0)
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.webhook_url: %s", why);
    else if (where > 0)
        rc = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                        "$.webhook_url: this server sends webhooks only to the URLs its operator "
                        "allowed (notify-webhooks, docs/operations.md)");
    if (rc == MM_OK && has(channels, "email") && !email)
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.channels: \"email\" needs $.email");
    if (rc == MM_OK && has(channels, "webhook") && !url)
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.channels: \"webhook\" needs $.webhook_url");
    /* a new secret for a new URL, on request, or when there is none */
    char secret[80] = "";
    bool fresh = url && (rotate || !had_secret || !mm_streq(url, old_url_copy));
    if (rc == MM_OK && fresh) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        memcpy(secret, "whsec_", 6);
        sodium_bin2hex(secret + 6, sizeof secret - 6, raw, sizeof raw);
        sodium_memzero(raw, sizeof raw);
    }
    char *ev = rc == MM_OK ? json_dumps(events, JSON_COMPACT) : NULL;
    char *ch = rc == MM_OK ? json_dumps(channels, JSON_COMPACT) : NULL;
    if (rc == MM_OK && (!ev || !ch))
        rc = act_failed(f, ACT_INTERNAL, MM_ENOMEM, "out of memory");
    if (rc == MM_OK) {
        int w = mm_store_begin(r->st);
        if (w == MM_OK)
            w = mm_store_notify_prefs_put(r->st, r->who.user_id, ev, ch, email, lang, digest, url,
                                          fresh ? secret : NULL, r->now);
        char object[40];
        snprintf(object, sizeof object, "user:%lld", (long long)r->who.user_id);
        w = mm_audited_commit(r->st, w, r->who.login, "notify.preferences", object,
                              json_pack("{s:O, s:O, s:s, s:s, s:b, s:s?, s:b}", "events", events,
                                        "channels", channels, "lang", lang, "digest", digest,
                                        "email_set", email != NULL, "webhook_url", url,
                                        "secret_rotated", fresh));
        if (w)
            rc = act_failed(f, ACT_STORE, w, "%s", mm_error_last());
    }
    free(ev);
    free(ch);
    free(old_url_copy);
    json_decref(cur);
    if (rc == MM_OK) {
        int g = mm_store_notify_prefs_get(r->st, out, r->who.user_id);
        if (g)
            rc = act_failed(f, ACT_STORE, g, "%s", mm_error_last());
    }
    if (rc == MM_OK && fresh && secret_out)
        snprintf(secret_out, secret_size, "%s", secret);
    sodium_memzero(secret, sizeof secret);
    return rc;
}

static json_t *with_kinds(json_t *prefs)
{
    json_t *kinds = json_array(), *chans = json_array();
    for (size_t i = 0; kinds && i < MM_NOTIFY_NKINDS; i++)
        json_array_append_new(kinds, json_string(mm_notify_kinds[i]));
    for (size_t i = 0; chans && i < 3; i++)
        json_array_append_new(chans, json_string(channel_names[i]));
    json_object_set_new(prefs, "kinds", kinds ? kinds : json_array());
    json_object_set_new(prefs, "channels_known", chans ? chans : json_array());
    return prefs;
}

void h_notify_prefs_get(http_req *r, reply *out)
{
    json_t *p = NULL;
    int rc = mm_store_notify_prefs_get(r->st, &p, r->who.user_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, with_kinds(p));
}

void h_notify_prefs_put(http_req *r, reply *out)
{
    char msg[200];
    json_t *body = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof msg);
    if (!body) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
    json_t *p = NULL;
    act_fail f = {0};
    char secret[80];
    int rc = notify_prefs_update(r, body, false, &p, secret, sizeof secret, &f);
    json_decref(body);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    if (secret[0])
        json_object_set_new(p, "webhook_secret", json_string(secret));
    sodium_memzero(secret, sizeof secret);
    reply_json(out, 200, with_kinds(p));
}

void h_notify_deliveries(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = mm_store_notify_deliveries(r->st, &v, r->who.user_id, 0, 100);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

void h_notify_run(http_req *r, reply *out)
{
    json_t *sum = notify_run(r->srv, r->st);
    if (json_object_get(sum, "error")) {
        json_decref(sum);
        reply_error(out, 503, "busy", "the notification round failed; try again");
        return;
    }
    reply_json(out, 200, sum);
}

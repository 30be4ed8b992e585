/*
 * mamori: the peers file of `mamori serve --peers FILE` (include/mamori/taxii.h,
 * docs/taxii.md "Federation"). Outside input (an operator's file): fuzzed by
 * tests/fuzz/fuzz_taxii.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "mamori/taxii.h"
#include "util/json.h"

void mm_taxii_peers_free(mm_taxii_peers *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        mm_taxii_peer *x = &p->peer[i];
        free(x->name);
        free(x->api_root);
        free(x->token);
        free(x->token_file);
        free(x->org_id);
        for (char **d = x->deliver_to; d && *d; d++)
            free(*d);
        free(x->deliver_to);
        for (size_t k = 0; k < x->n_pull; k++)
            free(x->pull[k].collection);
        for (size_t k = 0; k < x->n_push; k++)
            free(x->push[k].collection);
        free(x->pull);
        free(x->push);
    }
    free(p->peer);
    free(p);
}

static int bad(const char *file, const char *where, const char *what)
{
    mm_error_set("%s: %s: %s", file, where, what);
    return MM_EINVALID;
}

/* a string member (required or not) into *out (a copy) */
static int str(char **out, const json_t *o, const char *key, bool required, size_t max,
               const char *file, const char *at)
{
    char where[200];
    snprintf(where, sizeof where, "%s.%s", at, key);
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = NULL;
        return required ? bad(file, where, "missing") : MM_OK;
    }
    const char *s = json_string_value(v);
    if (!s || !s[0] || strlen(s) > max)
        return bad(file, where, "expected a non-empty string");
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return bad(file, where, "a control character");
    *out = strdup(s);
    return *out ? MM_OK : MM_ENOMEM;
}

static int links(mm_taxii_link **out, size_t *n, const json_t *arr, const char *file,
                 const char *at)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return MM_OK;
    if (!json_is_array(arr) || json_array_size(arr) > 32)
        return bad(file, at, "expected an array of at most 32 {\"collection\", \"labels\"}");
    *out = calloc(json_array_size(arr) + 1, sizeof **out);
    if (!*out)
        return MM_ENOMEM;
    size_t i;
    json_t *l;
    json_array_foreach(arr, i, l)
    {
        char where[200];
        snprintf(where, sizeof where, "%s[%zu]", at, i);
        if (!json_is_object(l))
            return bad(file, where, "expected an object {\"collection\", \"labels\"}");
        const char *k;
        json_t *v;
        json_object_foreach(l, k, v)
        {
            if (strcmp(k, "collection") != 0 && strcmp(k, "labels") != 0) {
                char w2[260];
                snprintf(w2, sizeof w2, "%s.%.40s", where, k);
                return bad(file, w2, "unknown member (known: collection, labels)");
            }
        }
        mm_taxii_link *x = &(*out)[(*n)++];
        int rc = str(&x->collection, l, "collection", true, 100, file, where);
        if (rc)
            return rc;
        json_t *labels = json_object_get(l, "labels");
        char lw[220];
        snprintf(lw, sizeof lw, "%s.labels", where);
        if (!json_is_array(labels) || json_array_size(labels) == 0 || json_array_size(labels) > 4)
            return bad(file, lw, "expected 1 to 4 labels such as \"TLP:GREEN\"");
        size_t j;
        json_t *t;
        json_array_foreach(labels, j, t)
        {
            mm_tlp tl;
            char w3[240];
            snprintf(w3, sizeof w3, "%s[%zu]", lw, j);
            if (mm_tlp_parse(&tl, json_string_value(t)) != MM_OK)
                return bad(file, w3, "expected a TLP 2.0 label such as \"TLP:AMBER\"");
            if (tl == MM_TLP_RED)
                return bad(file, w3, "TLP:RED never leaves this server, nor comes in");
            x->labels |= 1u << tl;
        }
    }
    return MM_OK;
}

static int peer(mm_taxii_peer *x, const json_t *o, const char *file, const char *at)
{
    static const char *const known[] = {"name",   "api_root",   "token",       "token_file",
                                        "org_id", "deliver_to", "may_reshare", "pull",
                                        "push",   "interval",   NULL};
    if (!json_is_object(o))
        return bad(file, at, "expected an object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        size_t i = 0;
        while (known[i] && strcmp(known[i], k) != 0)
            i++;
        if (!known[i]) {
            char w[240];
            snprintf(w, sizeof w, "%s.%.40s", at, k);
            return bad(file, w,
                       "unknown member (known: name, api_root, token, token_file, org_id, "
                       "deliver_to, may_reshare, pull, push, interval)");
        }
    }
    int rc = str(&x->name, o, "name", true, 40, file, at);
    if (rc == MM_OK)
        for (const char *c = x->name; *c && rc == MM_OK; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
                rc = bad(file, at, "name: use a-z, 0-9 and '-'");
    char w[220];
    snprintf(w, sizeof w, "%s.api_root", at);
    if (rc == MM_OK)
        rc = str(&x->api_root, o, "api_root", true, 500, file, at);
    if (rc == MM_OK &&
        ((strncmp(x->api_root, "http://", 7) != 0 && strncmp(x->api_root, "https://", 8) != 0) ||
         x->api_root[strlen(x->api_root) - 1] != '/'))
        rc = bad(file, w, "expected an http:// or https:// URL ending in '/'");
    if (rc == MM_OK)
        rc = str(&x->token, o, "token", false, 200, file, at);
    if (rc == MM_OK)
        rc = str(&x->token_file, o, "token_file", false, 4096, file, at);
    if (rc == MM_OK && !x->token == !x->token_file)
        rc = bad(file, at, "give exactly one of token and token_file");
    if (rc == MM_OK)
        rc = str(&x->org_id, o, "org_id", true, 64, file, at);
    json_t *d = json_object_get(o, "deliver_to");
    snprintf(w, sizeof w, "%s.deliver_to", at);
    if (rc == MM_OK && d && (!json_is_array(d) || json_array_size(d) > 32))
        rc = bad(file, w, "expected an array of at most 32 organization ids");
    if (rc == MM_OK && !(x->deliver_to = calloc(json_array_size(d) + 1, sizeof(char *))))
        rc = MM_ENOMEM;
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e)
    {
        if (rc)
            break;
        char w2[240];
        snprintf(w2, sizeof w2, "%s.deliver_to[%zu]", at, i);
        const char *s = json_string_value(e);
        if (!s || !s[0] || strlen(s) > 64)
            rc = bad(file, w2, "expected an organization id");
        else if (!(x->deliver_to[i] = strdup(s)))
            rc = MM_ENOMEM;
    }
    json_t *r = json_object_get(o, "may_reshare");
    snprintf(w, sizeof w, "%s.may_reshare", at);
    if (rc == MM_OK && r && !json_is_boolean(r))
        rc = bad(file, w, "expected true or false");
    x->may_reshare = json_is_true(r);
    json_t *iv = json_object_get(o, "interval");
    snprintf(w, sizeof w, "%s.interval", at);
    if (rc == MM_OK && iv &&
        (!json_is_integer(iv) || json_integer_value(iv) < 0 || json_integer_value(iv) > 86400))
        rc = bad(file, w, "expected seconds from 0 (only when asked) to 86400");
    x->interval = iv ? (unsigned)json_integer_value(iv) : 0;
    char lw[220];
    snprintf(lw, sizeof lw, "%s.pull", at);
    if (rc == MM_OK)
        rc = links(&x->pull, &x->n_pull, json_object_get(o, "pull"), file, lw);
    snprintf(lw, sizeof lw, "%s.push", at);
    if (rc == MM_OK)
        rc = links(&x->push, &x->n_push, json_object_get(o, "push"), file, lw);
    if (rc == MM_OK && x->n_pull + x->n_push == 0)
        rc = bad(file, at, "nothing to pull or push");
    return rc;
}

int mm_taxii_peers_parse(mm_taxii_peers **out, const char *text, size_t len, const char *name)
{
    *out = NULL;
    json_t *j = NULL;
    int rc = mm_json_load(&j, text, len, name, 0);
    if (rc)
        return rc;
    json_t *arr = json_object_get(j, "peers");
    if (!json_is_object(j) || json_object_size(j) != 1 || !json_is_array(arr) ||
        json_array_size(arr) == 0 || json_array_size(arr) > 32) {
        json_decref(j);
        return bad(name, "$", "expected {\"peers\": [1 to 32 peers]}");
    }
    mm_taxii_peers *p = calloc(1, sizeof *p);
    if (p)
        p->peer = calloc(json_array_size(arr), sizeof *p->peer);
    rc = p && p->peer ? MM_OK : MM_ENOMEM;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        if (rc)
            break;
        char at[40];
        snprintf(at, sizeof at, "$.peers[%zu]", i);
        rc = peer(&p->peer[p->n++], o, name, at);
        for (size_t k = 0; rc == MM_OK && k + 1 < p->n; k++)
            if (strcmp(p->peer[k].name, p->peer[p->n - 1].name) == 0)
                rc = bad(name, at, "a second peer of that name");
    }
    json_decref(j);
    if (rc) {
        mm_taxii_peers_free(p);
        return rc;
    }
    *out = p;
    return MM_OK;
}

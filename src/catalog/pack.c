/*
 * Framework packs: an OSCAL catalog read into criteria (include/mamori/framework.h). The
 * built-in packs are SP 800-171 Rev 3 (NIST's OSCAL catalog, compiled in), SP 800-53 Rev 5
 * (NIST's OSCAL catalog, compiled in) and SP 800-171 Rev 2 (from mamori's Rev 2 catalog,
 * which NIST does not publish in OSCAL).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog/catalog_internal.h"
#include "catalog/framework_internal.h"
#include "mamori/error.h"
#include "util/json.h"

#define R3_FILE    "catalogs/sp800-171r3-catalog.json"
#define SP53_FILE  "frameworks/sp800-53r5-catalog.json"
#define PATH_SIZE  256
#define MAX_DEPTH  16
#define ID_MAX_LEN 64

const char *mm_criterion_text(const mm_criterion *c)
{
    return c && c->text && *c->text ? c->text : MM_TEXT_NOT_AVAILABLE;
}

char *mm_framework_stem(mm_arena *a, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    return mm_arena_strndup(a, base, n);
}

static mm_pack *pack_new(void)
{
    mm_pack *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->priv = calloc(1, sizeof(*p->priv));
    if (!p->priv || !(p->priv->arena = mm_arena_new())) {
        free(p->priv);
        free(p);
        return NULL;
    }
    return p;
}

void mm_pack_free(mm_pack *p)
{
    if (!p)
        return;
    mm_map_free(&p->priv->ids);
    mm_arena_free(p->priv->arena);
    free(p->priv);
    free(p);
}

const mm_criterion *mm_pack_criterion(const mm_pack *p, const char *id)
{
    return p && id ? mm_map_get(&p->priv->ids, id) : NULL;
}

size_t mm_pack_criterion_index(const mm_pack *p, const mm_criterion *c)
{
    return (size_t)(c - p->criteria);
}

size_t mm_pack_active_count(const mm_pack *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ncriteria; i++)
        n += !p->criteria[i].withdrawn;
    return n;
}

/* A pack or criterion id: 1..64 characters, none of them a space or control character. */
static bool good_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > ID_MAX_LEN)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

/* A language tag as HTML's lang takes it (BCP 47: "ja", "en-GB"): letters, digits and '-',
 * starting with a letter, at most 35 characters. */
static bool good_lang(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 35 || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* ---- reading an OSCAL catalog ------------------------------------------------------- */

typedef struct reader {
    const char *name;
    mm_pack *pack;
    mm_criterion *crit;
    const char **oscal;
    size_t n, cap;
} reader;

int mm_oscal_prop(const char **out, const json_t *obj, const char *pname, const char *name,
                  const char *path)
{
    json_t *props;
    char pp[PATH_SIZE], ip[PATH_SIZE];
    *out = NULL;
    int rc = mm_json_get_array(&props, obj, "props", false, name, path);
    if (rc || !props)
        return rc;
    mm_json_path_key(pp, sizeof(pp), path, "props");
    size_t i;
    json_t *pr;
    json_array_foreach(props, i, pr)
    {
        const char *n, *v;
        mm_json_path_index(ip, sizeof(ip), pp, i);
        if (!json_is_object(pr))
            return mm_json_fail(name, ip, "expected an object, found %s", mm_json_type_name(pr));
        if ((rc = mm_json_get_string(&n, pr, "name", true, name, ip)) ||
            (rc = mm_json_get_string(&v, pr, "value", true, name, ip)))
            return rc;
        if (!*out && strcmp(n, pname) == 0)
            *out = v;
    }
    return MM_OK;
}

/* The param of ctl with this id, or NULL. */
static const json_t *param_of(const json_t *ctl, const char *id, size_t idlen)
{
    size_t i;
    json_t *prm;
    json_array_foreach(json_object_get(ctl, "params"), i, prm)
    {
        const char *pid = json_string_value(json_object_get(prm, "id"));
        if (pid && strlen(pid) == idlen && strncmp(pid, id, idlen) == 0)
            return prm;
    }
    return NULL;
}

/* text with each "{{ insert: param, ID }}" written as "[Assignment: label]" or
 * "[Selection: a; b]" from the control's params, as the publications print them (an arena
 * copy). */
static const char *render_params(mm_arena *a, const char *text, const json_t *ctl, int depth)
{
    static const char open[] = "{{ insert: param, ";
    if (!strstr(text, open))
        return mm_arena_strdup(a, text);
    mm_buf b = MM_BUF_INIT;
    const char *s = text;
    /* bounded: choices that insert parameters must not make a text grow without end */
    for (const char *hit; b.len < 65536 && (hit = strstr(s, open));) {
        const char *id = hit + sizeof(open) - 1;
        const char *end = strstr(id, "}}");
        if (!end)
            break;
        size_t idlen = (size_t)(end - id);
        while (idlen && id[idlen - 1] == ' ')
            idlen--;
        mm_buf_put(&b, s, (size_t)(hit - s));
        const json_t *prm = param_of(ctl, id, idlen);
        const json_t *sel = json_object_get(prm, "select");
        const char *label = json_string_value(json_object_get(prm, "label"));
        if (sel) {
            mm_buf_puts(&b,
                        mm_streq(json_string_value(json_object_get(sel, "how-many")), "one-or-more")
                            ? "[Selection (one or more): "
                            : "[Selection: ");
            size_t i;
            json_t *ch;
            json_array_foreach(json_object_get(sel, "choice"), i, ch)
            {
                if (i)
                    mm_buf_puts(&b, "; ");
                mm_buf_puts(&b, json_string_value(ch) ? json_string_value(ch) : "");
            }
            mm_buf_putc(&b, ']');
        } else {
            mm_buf_puts(&b, "[Assignment: ");
            if (label)
                mm_buf_puts(&b, label);
            else
                mm_buf_put(&b, id, idlen);
            mm_buf_putc(&b, ']');
        }
        s = end + 2;
    }
    mm_buf_puts(&b, s);
    /* a choice may itself insert a parameter ("...; {{ insert: param, ac-4.4_prm_3 }}") */
    const char *out = depth < 3 && b.len < 65536 ? render_params(a, mm_buf_cstr(&b), ctl, depth + 1)
                                                 : mm_arena_strdup(a, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return out;
}

static void text_lines(mm_buf *b, const json_t *part, int depth)
{
    size_t i;
    json_t *sub;
    json_array_foreach(json_object_get(part, "parts"), i, sub)
    {
        if (!mm_streq(json_string_value(json_object_get(sub, "name")), "item"))
            continue;
        const char *label = NULL;
        size_t k;
        json_t *pr;
        json_array_foreach(json_object_get(sub, "props"), k, pr)
        {
            if (mm_streq(json_string_value(json_object_get(pr, "name")), "label"))
                label = json_string_value(json_object_get(pr, "value"));
        }
        if (b->len)
            mm_buf_putc(b, '\n');
        for (int d = 0; d < depth && d < MAX_DEPTH; d++)
            mm_buf_puts(b, "   ");
        /* "a." as printed; a catalog's full labels ("SR-03.04.10.a") by their last part */
        const char *dot = label ? strrchr(label, '.') : NULL;
        if (dot && dot[1]) {
            const char *l = dot + 1;
            while (*l == '0' && l[1])
                l++;
            mm_buf_printf(b, "%s. ", l);
        } else if (label) {
            mm_buf_printf(b, "%s ", label);
        }
        const char *prose = json_string_value(json_object_get(sub, "prose"));
        if (prose)
            mm_buf_puts(b, prose);
        if (depth < MAX_DEPTH)
            text_lines(b, sub, depth + 1);
    }
}

/* Checks the parts of a control: an array of objects with a string name, prose a string. */
static int check_parts(const json_t *obj, const char *name, const char *path, int depth)
{
    json_t *parts;
    char pp[PATH_SIZE], ip[PATH_SIZE];
    int rc = mm_json_get_array(&parts, obj, "parts", false, name, path);
    if (rc || !parts)
        return rc;
    if (depth > MAX_DEPTH)
        return mm_json_fail(name, path, "parts nested deeper than %d", MAX_DEPTH);
    mm_json_path_key(pp, sizeof(pp), path, "parts");
    size_t i;
    json_t *part;
    json_array_foreach(parts, i, part)
    {
        const char *s;
        mm_json_path_index(ip, sizeof(ip), pp, i);
        if (!json_is_object(part))
            return mm_json_fail(name, ip, "expected an object, found %s", mm_json_type_name(part));
        if ((rc = mm_json_get_string(&s, part, "name", true, name, ip)) ||
            (rc = mm_json_get_string(&s, part, "prose", false, name, ip)) ||
            (rc = mm_oscal_prop(&s, part, "label", name, ip)) ||
            (rc = check_parts(part, name, ip, depth + 1)))
            return rc;
    }
    return MM_OK;
}

static int read_controls(reader *r, const json_t *obj, const char *path, const char *group,
                         const char *group_title, const char *parent, int depth);

static int read_control(reader *r, const json_t *ctl, const char *path, const char *group,
                        const char *group_title, const char *parent, int depth)
{
    mm_arena *a = r->pack->priv->arena;
    const char *oid, *title, *label, *sort, *status, *modal, *title_lang, *text_lang;
    int rc;
    if (!json_is_object(ctl))
        return mm_json_fail(r->name, path, "expected a control (an object), found %s",
                            mm_json_type_name(ctl));
    if ((rc = mm_json_get_string(&oid, ctl, "id", true, r->name, path)) ||
        (rc = mm_json_get_string(&title, ctl, "title", true, r->name, path)) ||
        (rc = mm_oscal_prop(&label, ctl, "label", r->name, path)) ||
        (rc = mm_oscal_prop(&sort, ctl, "sort-id", r->name, path)) ||
        (rc = mm_oscal_prop(&status, ctl, "status", r->name, path)) ||
        (rc = mm_oscal_prop(&modal, ctl, "modal", r->name, path)) ||
        (rc = mm_oscal_prop(&title_lang, ctl, "title-language", r->name, path)) ||
        (rc = mm_oscal_prop(&text_lang, ctl, "text-language", r->name, path)) ||
        (rc = check_parts(ctl, r->name, path, 0)))
        return rc;
    /* the id people write: a label without spaces ("AC-2(13)"), else the sort-id
     * ("03.01.01"), else the OSCAL id */
    if ((title_lang && !good_lang(title_lang)) || (text_lang && !good_lang(text_lang)))
        return mm_json_fail(r->name, path,
                            "title-language and text-language must be language tags (\"ja\")");
    const char *id = label && good_id(label) ? label : sort && good_id(sort) ? sort : oid;
    char idp[PATH_SIZE];
    mm_json_path_key(idp, sizeof(idp), path, "id");
    if (!good_id(oid) || !good_id(id))
        return mm_json_fail(r->name, idp, "a control id must be 1 to %d characters without spaces",
                            ID_MAX_LEN);
    if (mm_map_get(&r->pack->priv->ids, id) || mm_map_get(&r->pack->priv->ids, oid))
        return mm_json_fail(r->name, idp, "control '%s' is given twice", id);
    if (r->n == r->cap)
        return mm_json_fail(r->name, path, "more controls than counted");
    mm_criterion *c = &r->crit[r->n];
    r->oscal[r->n] = mm_arena_strdup(a, oid);
    c->id = mm_arena_strdup(a, id);
    c->title = mm_arena_strdup(a, title);
    c->group = group;
    c->group_title = group_title;
    c->parent = parent;
    c->modal = modal ? mm_arena_strdup(a, modal) : NULL;
    c->withdrawn = mm_streq(status, "withdrawn");
    c->title_lang = title_lang ? mm_arena_strdup(a, title_lang) : NULL;
    c->text_lang = text_lang ? mm_arena_strdup(a, text_lang) : NULL;
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(ctl, "parts"), i, part)
    {
        if (!mm_streq(json_string_value(json_object_get(part, "name")), "statement"))
            continue;
        mm_buf b = MM_BUF_INIT;
        const char *prose = json_string_value(json_object_get(part, "prose"));
        if (prose)
            mm_buf_puts(&b, prose);
        text_lines(&b, part, 0);
        if (b.len)
            c->text = render_params(a, mm_buf_cstr(&b), ctl, 0);
        mm_buf_free(&b);
        break;
    }
    if (mm_arena_failed(a))
        return MM_ENOMEM;
    if (mm_map_put(&r->pack->priv->ids, c->id, c) ||
        mm_map_put(&r->pack->priv->ids, r->oscal[r->n], c))
        return MM_ENOMEM;
    r->n++;
    return read_controls(r, ctl, path, group, group_title, c->id, depth + 1);
}

static int read_controls(reader *r, const json_t *obj, const char *path, const char *group,
                         const char *group_title, const char *parent, int depth)
{
    json_t *arr;
    char ap[PATH_SIZE], ip[PATH_SIZE];
    int rc = mm_json_get_array(&arr, obj, "controls", false, r->name, path);
    if (rc || !arr)
        return rc;
    if (depth > MAX_DEPTH)
        return mm_json_fail(r->name, path, "controls nested deeper than %d", MAX_DEPTH);
    mm_json_path_key(ap, sizeof(ap), path, "controls");
    size_t i;
    json_t *ctl;
    json_array_foreach(arr, i, ctl)
    {
        mm_json_path_index(ip, sizeof(ip), ap, i);
        if ((rc = read_control(r, ctl, ip, group, group_title, parent, depth)))
            return rc;
    }
    return MM_OK;
}

static int read_groups(reader *r, const json_t *obj, const char *path, int depth)
{
    json_t *arr;
    char ap[PATH_SIZE], ip[PATH_SIZE];
    int rc = mm_json_get_array(&arr, obj, "groups", false, r->name, path);
    if (rc || !arr)
        return rc;
    if (depth > MAX_DEPTH)
        return mm_json_fail(r->name, path, "groups nested deeper than %d", MAX_DEPTH);
    mm_json_path_key(ap, sizeof(ap), path, "groups");
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g)
    {
        const char *gid, *title, *label, *sort;
        mm_json_path_index(ip, sizeof(ip), ap, i);
        if (!json_is_object(g))
            return mm_json_fail(r->name, ip, "expected a group (an object), found %s",
                                mm_json_type_name(g));
        if ((rc = mm_json_get_string(&gid, g, "id", false, r->name, ip)) ||
            (rc = mm_json_get_string(&title, g, "title", true, r->name, ip)) ||
            (rc = mm_oscal_prop(&label, g, "label", r->name, ip)) ||
            (rc = mm_oscal_prop(&sort, g, "sort-id", r->name, ip)))
            return rc;
        mm_arena *a = r->pack->priv->arena;
        const char *shown = sort && good_id(sort) ? sort : label && good_id(label) ? label : gid;
        const char *gcopy = shown ? mm_arena_strdup(a, shown) : NULL;
        const char *tcopy = mm_arena_strdup(a, title);
        if ((rc = read_controls(r, g, ip, gcopy, tcopy, NULL, 0)) ||
            (rc = read_groups(r, g, ip, depth + 1)))
            return rc;
    }
    return MM_OK;
}

static size_t count_controls(const json_t *obj, int depth)
{
    size_t n = 0, i;
    json_t *v;
    if (depth > MAX_DEPTH + 1)
        return 0;
    json_array_foreach(json_object_get(obj, "controls"), i, v)
    {
        n += 1 + count_controls(v, depth + 1);
    }
    json_array_foreach(json_object_get(obj, "groups"), i, v)
    {
        n += count_controls(v, depth + 1);
    }
    return n;
}

static int parse_catalog(mm_pack *p, const json_t *root, const char *name, const char *forced_id)
{
    mm_arena *a = p->priv->arena;
    json_t *cat, *meta;
    const char *uuid, *title, *version, *fid;
    int rc;
    if (!json_is_object(root))
        return mm_json_fail(name, "$", "expected an OSCAL catalog (an object), found %s",
                            mm_json_type_name(root));
    if ((rc = mm_json_get_object(&cat, root, "catalog", true, name, "$")) ||
        (rc = mm_json_get_string(&uuid, cat, "uuid", true, name, "$.catalog")) ||
        (rc = mm_json_get_object(&meta, cat, "metadata", true, name, "$.catalog")) ||
        (rc = mm_json_get_string(&title, meta, "title", true, name, "$.catalog.metadata")) ||
        (rc = mm_json_get_string(&version, meta, "version", true, name, "$.catalog.metadata")) ||
        (rc = mm_oscal_prop(&fid, meta, "framework-id", name, "$.catalog.metadata")))
        return rc;
    const char *id = forced_id ? forced_id : fid ? fid : mm_framework_stem(a, name);
    if (!good_id(id))
        return mm_json_fail(name, "$.catalog.metadata.props",
                            "the framework id '%s' must be 1 to %d characters without spaces",
                            id ? id : "", ID_MAX_LEN);
    p->id = mm_arena_strdup(a, id);
    p->title = mm_arena_strdup(a, title);
    p->version = mm_arena_strdup(a, version);
    size_t cap = count_controls(cat, 0);
    reader r = {.name = name, .pack = p, .cap = cap};
    r.crit = mm_arena_calloc(a, cap ? cap : 1, sizeof(*r.crit));
    r.oscal = mm_arena_calloc(a, cap ? cap : 1, sizeof(*r.oscal));
    if (mm_arena_failed(a))
        return MM_ENOMEM;
    if ((rc = read_controls(&r, cat, "$.catalog", NULL, NULL, NULL, 0)) ||
        (rc = read_groups(&r, cat, "$.catalog", 0)))
        return rc;
    if (r.n == 0)
        return mm_json_fail(name, "$.catalog", "the catalog has no controls");
    p->criteria = r.crit;
    p->ncriteria = r.n;
    p->priv->oscal = r.oscal;
    return MM_OK;
}

static int pack_from_text(mm_pack **out, const char *data, size_t len, const char *name,
                          const char *forced_id, const char *source, bool builtin)
{
    *out = NULL;
    json_t *root = NULL;
    mm_pack *p = pack_new();
    if (!p)
        return MM_ENOMEM;
    int rc = mm_json_load(&root, data, len, name, 0);
    if (!rc)
        rc = parse_catalog(p, root, name, forced_id);
    json_decref(root);
    if (!rc) {
        p->source = mm_arena_strdup(p->priv->arena, source ? source : name);
        p->builtin = builtin;
        if (mm_arena_failed(p->priv->arena))
            rc = MM_ENOMEM;
    }
    if (rc) {
        mm_pack_free(p);
        return rc;
    }
    *out = p;
    return MM_OK;
}

int mm_pack_parse(mm_pack **out, const char *data, size_t len, const char *name)
{
    return pack_from_text(out, data, len, name, NULL, NULL, false);
}

int mm_pack_load_file(mm_pack **out, const char *path)
{
    *out = NULL;
    char *data;
    size_t len;
    int rc = mm_file_read(&data, &len, path, MM_FRAMEWORK_MAX_BYTES);
    if (rc)
        return rc;
    rc = mm_pack_parse(out, data, len, path);
    free(data);
    return rc;
}

/* ---- built-in packs ------------------------------------------------------------------- */

/* SP 800-171 Rev 2 from mamori's catalog (NIST publishes no OSCAL for Rev 2). Its OSCAL
 * control ids are those of `mamori catalog export` ("sp_800_171_3.1.1"). */
static int pack_r2(mm_pack **out)
{
    *out = NULL;
    mm_catalog *cat = NULL;
    mm_pack *p = pack_new();
    if (!p)
        return MM_ENOMEM;
    int rc = mm_catalog_load(&cat, MM_FW_R2, NULL);
    if (rc)
        goto done;
    mm_arena *a = p->priv->arena;
    p->id = "800-171r2";
    p->title = mm_arena_strdup(a, cat->title);
    p->version = mm_arena_strdup(a, cat->version);
    p->source = "built-in: NIST SP 800-171 Rev 2 (mamori's transcription, content/catalogs)";
    p->builtin = true;
    mm_criterion *crit = mm_arena_calloc(a, cat->nrequirements + 1, sizeof(*crit));
    p->priv->oscal = mm_arena_calloc(a, cat->nrequirements + 1, sizeof(char *));
    if (mm_arena_failed(a)) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *q = &cat->requirements[i];
        const mm_family *f = &cat->families[q->family];
        mm_criterion *c = &crit[i];
        c->id = mm_arena_strdup(a, q->id);
        c->title = ""; /* Rev 2 requirements have no titles */
        c->text = mm_arena_strdup(a, q->statement);
        c->group = mm_arena_strdup(a, f->id);
        c->group_title = mm_arena_strdup(a, f->title);
        c->withdrawn = q->withdrawn;
        p->priv->oscal[i] = mm_arena_printf(a, "sp_800_171_%s", q->id);
        if (mm_arena_failed(a) || mm_map_put(&p->priv->ids, c->id, c) ||
            mm_map_put(&p->priv->ids, p->priv->oscal[i], c)) {
            rc = MM_ENOMEM;
            goto done;
        }
    }
    p->criteria = crit;
    p->ncriteria = cat->nrequirements;
done:
    mm_catalog_free(cat);
    if (rc) {
        mm_pack_free(p);
        return rc;
    }
    *out = p;
    return MM_OK;
}

static int pack_embedded(mm_pack **out, const char *file, const char *id, const char *source)
{
    size_t len;
    const char *data = mm_content_embedded(file, &len);
    if (!data) {
        mm_error_set("embedded content %s is missing", file);
        return MM_ENOTFOUND;
    }
    char where[128];
    snprintf(where, sizeof(where), "embedded %s", file);
    return pack_from_text(out, data, len, where, id, source, true);
}

const char *mm_pack_builtin_id(const char *id)
{
    static const char *const r53[] = {"800-53r5", "sp800-53r5", "53r5", "nist-800-53r5"};
    mm_framework fw;
    if (!id)
        return NULL;
    for (size_t i = 0; i < sizeof(r53) / sizeof(r53[0]); i++)
        if (strcmp(id, r53[i]) == 0)
            return "800-53r5";
    if (mm_framework_parse(&fw, id) == MM_OK)
        return mm_framework_name(fw);
    mm_error_clear();
    return NULL;
}

int mm_pack_builtin(mm_pack **out, const char *id)
{
    *out = NULL;
    const char *canon = mm_pack_builtin_id(id);
    if (!canon) {
        mm_error_set("no built-in framework '%s' (built in: 800-171r3, 800-171r2, 800-53r5)",
                     id ? id : "");
        return MM_ENOTFOUND;
    }
    if (strcmp(canon, "800-171r2") == 0)
        return pack_r2(out);
    if (strcmp(canon, "800-53r5") == 0)
        return pack_embedded(out, SP53_FILE, canon,
                             "built-in: NIST SP 800-53 Rev 5 OSCAL catalog 5.0.1 "
                             "(usnistgov/oscal-content, content/frameworks/PROVENANCE.md)");
    return pack_embedded(out, R3_FILE, canon,
                         "built-in: NIST SP 800-171 Rev 3 OSCAL catalog 1.1.0 "
                         "(usnistgov/oscal-content, content/catalogs/PROVENANCE.md)");
}

/* BUILD SHIM (branch iot): drop this file at merge. The framework-pack loader is the
 * frameworks branch's (include/mamori/framework.h, copied from /work/notes/framework.h);
 * this file only lets the iot branch build and test on its own, with the few functions of
 * that header that src/iot uses: mm_pack_parse, mm_pack_free, mm_pack_criterion and
 * mm_criterion_text. It checks nothing beyond what src/iot needs and is not a loader: no
 * groups of groups, no parameters, no validation against the OSCAL schema.
 *
 * What src/iot relies on, and the real loader must keep (framework.h says so): a pack's id is
 * its metadata prop framework-id; a criterion's id is its label prop when it has one, else
 * its OSCAL control id; mm_pack_criterion finds a criterion by either (the IoT crosswalk's
 * id-refs are OSCAL control ids); a statement that says "text not available" has no text. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/framework.h"
#include "util/json.h"
#include "util/util.h"

struct mm_pack_private {
    json_t *doc;            /* the catalog; every string below points into it */
    const char **oscal_ids; /* per criterion: the OSCAL control id */
    mm_criterion *criteria; /* owned */
};

const char *mm_criterion_text(const mm_criterion *c)
{
    return c && c->text ? c->text : MM_TEXT_NOT_AVAILABLE;
}

static const char *prop_value(const json_t *props, const char *name)
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

static const char *statement(const json_t *ctl)
{
    size_t i;
    const json_t *part;
    json_array_foreach(json_object_get(ctl, "parts"), i, part)
    {
        if (mm_streq(json_string_value(json_object_get(part, "name")), "statement")) {
            const char *prose = json_string_value(json_object_get(part, "prose"));
            if (prose && strncmp(prose, MM_TEXT_NOT_AVAILABLE, strlen(MM_TEXT_NOT_AVAILABLE)))
                return prose;
            return NULL;
        }
    }
    return NULL;
}

void mm_pack_free(mm_pack *p)
{
    if (!p)
        return;
    if (p->priv) {
        json_decref(p->priv->doc);
        free(p->priv->oscal_ids);
        free(p->priv->criteria);
        free(p->priv);
    }
    free(p);
}

int mm_pack_parse(mm_pack **out, const char *data, size_t len, const char *name)
{
    *out = NULL;
    json_t *doc = NULL;
    if (mm_json_load(&doc, data, len, name, 0))
        return MM_EPARSE;
    mm_pack *p = calloc(1, sizeof *p);
    struct mm_pack_private *pv = p ? calloc(1, sizeof *pv) : NULL;
    const json_t *cat = json_object_get(doc, "catalog"), *meta = json_object_get(cat, "metadata");
    size_t n = 0, i, j;
    const json_t *g, *c;
    json_array_foreach(json_object_get(cat, "groups"), i, g) n +=
        json_array_size(json_object_get(g, "controls"));
    if (!p || !pv || !(pv->criteria = calloc(n ? n : 1, sizeof *pv->criteria)) ||
        !(pv->oscal_ids = calloc(n ? n : 1, sizeof *pv->oscal_ids))) {
        json_decref(doc);
        if (pv) {
            free(pv->criteria);
            free(pv);
        }
        free(p);
        return MM_ENOMEM;
    }
    pv->doc = doc;
    p->priv = pv;
    p->source = name;
    p->title = json_string_value(json_object_get(meta, "title"));
    p->version = json_string_value(json_object_get(meta, "version"));
    p->id = prop_value(json_object_get(meta, "props"), "framework-id");
    size_t k = 0;
    json_array_foreach(json_object_get(cat, "groups"), i, g)
    {
        json_array_foreach(json_object_get(g, "controls"), j, c)
        {
            mm_criterion *cr = &pv->criteria[k];
            const char *id = json_string_value(json_object_get(c, "id"));
            const char *label = prop_value(json_object_get(c, "props"), "label");
            pv->oscal_ids[k] = id;
            cr->id = label ? label : id;
            cr->title = json_string_value(json_object_get(c, "title"));
            cr->text = statement(c);
            cr->group = json_string_value(json_object_get(g, "id"));
            cr->group_title = json_string_value(json_object_get(g, "title"));
            cr->modal = prop_value(json_object_get(c, "props"), "modal");
            if (!cr->id || !cr->title) {
                mm_error_set("%s: $.catalog.groups[%zu].controls[%zu]: id and title are required",
                             name, i, j);
                mm_pack_free(p);
                return MM_EINVALID;
            }
            k++;
        }
    }
    if (!p->id || !p->title) {
        mm_error_set("%s: $.catalog.metadata: a title and a framework-id prop are required", name);
        mm_pack_free(p);
        return MM_EINVALID;
    }
    p->criteria = pv->criteria;
    p->ncriteria = k;
    *out = p;
    return MM_OK;
}

const mm_criterion *mm_pack_criterion(const mm_pack *p, const char *id)
{
    for (size_t i = 0; id && i < p->ncriteria; i++)
        if (strcmp(p->criteria[i].id, id) == 0 || strcmp(p->priv->oscal_ids[i], id) == 0)
            return &p->criteria[i];
    return NULL;
}

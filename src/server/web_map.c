/* mamori serve: the alliance map page (docs/dashboard.md, docs/supply-chain.md). Who supplies
 * whom and who shares with whom (item counts per TLP label, under 5 shown as "<5"): the
 * authority sees the whole, grouped by sector and country when dense; a contractor its
 * neighbourhood. Graphviz lays it out and draws it as SVG on the server (map.c); the page's
 * own script (app.js) zooms and pans it, the form filters it, a node links to the
 * organization (or, grouped, to its members). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/supply.h"
#include "server/web.h"
#include "server/web_parts.h"

typedef struct map_model {
    mm_map_filter f;
    json_t *view;
    char *svg;
} map_model;

static const char *q(http_req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

static int map_model_make(map_model *m, http_req *r)
{
    m->f = (mm_map_filter){.sector = q(r, "sector"),
                           .country = q(r, "country"),
                           .status = q(r, "status"),
                           .group = q(r, "group"),
                           .max_nodes = SUPPLY_MAP_MAX_NODES};
    /* the authority's drawing is kept per filter at the map's version (supply.c): a
     * sign-in does not draw it again */
    int64_t version = -1;
    if (!r->who.authority || mm_store_map_version(r->st, &version) != MM_OK)
        version = -1;
    return supply_map_drawn(r->st, version, r->who.authority, r->who.org_id, &m->f, &m->view,
                            &m->svg);
}

static void map_render(page *p, const map_model *m)
{
    static const char *const groups[] = {"none", "sector", "country", NULL};
    static const char *const statuses[] = {"meets",          "conditional", "not-met",
                                           "no-valid-score", "none",        NULL};
    web_puts(p, "<h1>");
    web_put_tr(p, "map.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, m->view && json_is_string(json_object_get(m->view, "scope")) ? "map.note.own"
                                                                               : "map.note.all");
    web_puts(p, "</p><form id=\"map-filter\" method=\"get\" action=\"/map\">");
    web_text_input(p, "sector", "map.sector", m->f.sector);
    web_text_input(p, "country", "map.country", m->f.country);
    web_select_input(p, "status", "map.status", statuses, m->f.status);
    web_select_input(p, "group", "map.group", groups, m->f.group);
    web_puts(p, "<button type=\"submit\">");
    web_put_tr(p, "map.apply");
    web_puts(p, "</button></form>");
    const char *grouped = json_string_value(json_object_get(m->view, "grouped"));
    char n[32];
    snprintf(n, sizeof n, "%lld",
             (long long)json_integer_value(json_object_get(m->view, "organizations")));
    web_printf(p,
               "<p id=\"map-summary\" data-organizations=\"%s\" data-nodes=\"%zu\" "
               "data-grouped=\"",
               n, json_array_size(json_object_get(m->view, "nodes")));
    web_attr(p, grouped ? grouped : "");
    web_puts(p, "\">");
    web_put_trf(p, grouped ? "map.summary.grouped" : "map.summary", n, grouped, NULL);
    web_puts(p, "</p><p class=\"map-legend\"><span class=\"legend-supply\">&#8594; ");
    web_put_tr(p, "map.legend.supply");
    web_puts(p, "</span> <span class=\"legend-sharing\">&#8674; ");
    web_put_tr(p, "map.legend.sharing");
    web_puts(p, "</span> <a id=\"map-export-graphml\" href=\"/api/v1/supply/map?format=graphml\">"
                "GraphML</a> <a id=\"map-export-json\" href=\"/api/v1/supply/map\">JSON</a></p>");
    if (!m->svg) {
        web_puts(p, "<p id=\"map-empty\" class=\"muted\">");
        web_put_tr(p, "map.empty");
        web_puts(p, "</p>");
        return;
    }
    /* the SVG Graphviz wrote (its text and attributes escaped by Graphviz) */
    web_puts(p, "<div id=\"map\" class=\"map\" tabindex=\"0\">");
    web_puts(p, m->svg);
    web_puts(p, "</div>");
}

void w_map(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "map.title");
    /* the authority's map is the same for every authority reader: kept in the view cache
     * under the store's version with its filter (web_page_cached), drawn again after a
     * change; a contractor's is its own */
    char ckey[700], what[560];
    int64_t cver = -1;
    snprintf(what, sizeof what, "map\x1f%.100s\x1f%.200s\x1f%.100s\x1f%.40s",
             q(r, "group") ? q(r, "group") : "", q(r, "sector") ? q(r, "sector") : "",
             q(r, "country") ? q(r, "country") : "", q(r, "status") ? q(r, "status") : "");
    if (r->who.authority && web_page_cached(&p, r, ckey, sizeof ckey, what, &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    map_model m = {0};
    if (map_model_make(&m, r) != MM_OK) {
        json_decref(m.view);
        free(m.svg);
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    map_render(&p, &m);
    json_decref(m.view);
    free(m.svg);
    if (r->who.authority)
        web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

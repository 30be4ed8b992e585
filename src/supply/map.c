/* The alliance map (docs/supply-chain.md, "The alliance map"): the map's data
 * (mm_store_supply_map) filtered and, when dense, aggregated by sector and country; drawn by
 * Graphviz (libgvc, its neato layout) as SVG for the dashboard; exported as JSON and GraphML.
 * Item flows are counts per TLP label, never contents, and a count under 5 is "<5". */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/gvc.h>

#include "mamori/supply.h"
#include "util/util.h"

/* ---- filter and aggregate ----------------------------------------------------------------- */

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static json_t *count_value(json_int_t n)
{
    return n < 5 ? json_string("<5") : json_integer(n);
}

/* The group key of a node: its sector, its country, or both. */
static void group_key(char *out, size_t size, const json_t *n, const char *by)
{
    const char *sec = sv(n, "sector") ? sv(n, "sector") : "unknown";
    const char *cty = sv(n, "country") ? sv(n, "country") : "--";
    if (mm_streq(by, "sector"))
        snprintf(out, size, "%s", sec);
    else if (mm_streq(by, "country"))
        snprintf(out, size, "%s", cty);
    else
        snprintf(out, size, "%s / %s", sec, cty);
}

static bool keep(const json_t *n, const mm_map_filter *f)
{
    return (!f->sector || mm_streq(sv(n, "sector"), f->sector)) &&
           (!f->country || mm_streq(sv(n, "country"), f->country)) &&
           (!f->status || mm_streq(sv(n, "status") ? sv(n, "status") : "none", f->status));
}

/* adds n to o[key] (an integer) */
static void add_count(json_t *o, const char *key, json_int_t n)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

static void url_part(char *out, size_t size, const char *s)
{
    size_t j = 0;
    for (; s && *s && j + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.')
            out[j++] = (char)c;
        else
            j += (size_t)snprintf(out + j, size - j, "%%%02X", c);
    }
    out[j] = '\0';
}

int mm_supply_map_view(json_t **out, const json_t *map, const mm_map_filter *f)
{
    *out = NULL;
    const json_t *all = json_object_get(map, "nodes");
    json_t *kept = json_object(); /* id -> node (borrowed) */
    size_t i;
    json_t *n;
    json_array_foreach(all, i, n)
    {
        if (keep(n, f))
            json_object_set(kept, sv(n, "id"), n);
    }
    const char *by = f->group && strcmp(f->group, "none") != 0 ? f->group : NULL;
    if (!f->group && json_object_size(kept) > f->max_nodes)
        by = "sector-country";
    const char *scope = sv(map, "scope");
    json_t *nodes = json_object(), *links = json_object();
    /* nodes: each organization, or each group with its organizations' count and statuses */
    const char *id;
    json_object_foreach(kept, id, n)
    {
        char key[160];
        if (by)
            group_key(key, sizeof key, n, by);
        else
            snprintf(key, sizeof key, "%s", id);
        json_t *g = json_object_get(nodes, key);
        if (!g) {
            char url[400] = "";
            if (by) {
                char a[160], b[16];
                url_part(a, sizeof a, sv(n, "sector") ? sv(n, "sector") : "");
                url_part(b, sizeof b, sv(n, "country") ? sv(n, "country") : "");
                if (strcmp(by, "sector") == 0)
                    snprintf(url, sizeof url, "/map?group=none&sector=%s", a);
                else if (strcmp(by, "country") == 0)
                    snprintf(url, sizeof url, "/map?group=none&country=%s", b);
                else
                    snprintf(url, sizeof url, "/map?group=none&sector=%s&country=%s", a, b);
            } else if (!scope) {
                snprintf(url, sizeof url, "/contractors/%s", id);
            } else if (mm_streq(id, scope)) {
                snprintf(url, sizeof url, "/my");
            }
            g = json_pack("{s:s, s:s, s:s?, s:s?, s:i, s:{}, s:s}", "id", key, "label",
                          by ? key : (sv(n, "name") ? sv(n, "name") : id), "sector",
                          sv(n, "sector"), "country", sv(n, "country"), "organizations", 0,
                          "statuses", "url", url);
            json_object_set_new(nodes, key, g);
        }
        add_count(g, "organizations", 1);
        add_count(json_object_get(g, "statuses"), sv(n, "status") ? sv(n, "status") : "none", 1);
        if (!by)
            json_object_set(g, "status", json_object_get(n, "status"));
    }
    /* links between kept nodes (between groups: summed), supply and sharing per label */
    json_t *supply = json_object_get(map, "supply"), *e;
    json_array_foreach(supply, i, e)
    {
        json_t *a = json_object_get(kept, sv(e, "supplier")),
               *b = json_object_get(kept, sv(e, "customer"));
        if (!a || !b)
            continue;
        char ka[160], kb[160], key[400];
        if (by) {
            group_key(ka, sizeof ka, a, by);
            group_key(kb, sizeof kb, b, by);
        } else {
            snprintf(ka, sizeof ka, "%s", sv(e, "supplier"));
            snprintf(kb, sizeof kb, "%s", sv(e, "customer"));
        }
        snprintf(key, sizeof key, "supply|%s|%s", ka, kb);
        json_t *l = json_object_get(links, key);
        if (!l) {
            l = json_pack("{s:s, s:s, s:s, s:i}", "kind", "supply", "source", ka, "target", kb,
                          "edges", 0);
            json_object_set_new(links, key, l);
        }
        add_count(l, "edges", 1);
    }
    json_array_foreach(json_object_get(map, "sharing"), i, e)
    {
        json_t *a = json_object_get(kept, sv(e, "from")), *b = json_object_get(kept, sv(e, "to"));
        if (!a || !b)
            continue;
        char ka[160], kb[160], key[420];
        if (by) {
            group_key(ka, sizeof ka, a, by);
            group_key(kb, sizeof kb, b, by);
        } else {
            snprintf(ka, sizeof ka, "%s", sv(e, "from"));
            snprintf(kb, sizeof kb, "%s", sv(e, "to"));
        }
        snprintf(key, sizeof key, "sharing|%s|%s|%s", ka, kb, sv(e, "tlp") ? sv(e, "tlp") : "");
        json_t *l = json_object_get(links, key);
        if (!l) {
            l = json_pack("{s:s, s:s, s:s, s:s?, s:i}", "kind", "sharing", "source", ka, "target",
                          kb, "tlp", sv(e, "tlp"), "items", 0);
            json_object_set_new(links, key, l);
        }
        add_count(l, "items", json_integer_value(json_object_get(e, "count")));
    }
    json_t *nl = json_array(), *ll = json_array();
    json_t *v;
    const char *k;
    json_object_foreach(nodes, k, v)
    {
        json_array_append(nl, v);
    }
    json_object_foreach(links, k, v)
    {
        /* item counts under 5 are shown as "<5", never exactly */
        if (json_object_get(v, "items"))
            json_object_set_new(v, "items",
                                count_value(json_integer_value(json_object_get(v, "items"))));
        json_array_append(ll, v);
    }
    *out = json_pack("{s:s?, s:s?, s:I, s:o, s:o}", "scope", scope, "grouped", by, "organizations",
                     (json_int_t)json_object_size(kept), "nodes", nl, "links", ll);
    json_decref(kept);
    json_decref(nodes);
    json_decref(links);
    return *out ? MM_OK : MM_ENOMEM;
}

int mm_supply_map_view_groups(json_t **out, const json_t *groups, const char *by)
{
    *out = NULL;
    json_t *nodes = json_object(), *nl = json_array(), *ll = json_array();
    json_int_t total = 0;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(groups, "nodes"), i, n)
    {
        const char *key = sv(n, "key");
        json_t *g = json_object_get(nodes, key);
        if (!g) {
            char a[160], b[16], url[400];
            url_part(a, sizeof a, sv(n, "sector") ? sv(n, "sector") : "");
            url_part(b, sizeof b, sv(n, "country") ? sv(n, "country") : "");
            if (mm_streq(by, "sector"))
                snprintf(url, sizeof url, "/map?group=none&sector=%s", a);
            else if (mm_streq(by, "country"))
                snprintf(url, sizeof url, "/map?group=none&country=%s", b);
            else
                snprintf(url, sizeof url, "/map?group=none&sector=%s&country=%s", a, b);
            g = json_pack("{s:s, s:s, s:s?, s:s?, s:i, s:{}, s:s}", "id", key, "label", key,
                          "sector", mm_streq(by, "country") ? NULL : sv(n, "sector"), "country",
                          mm_streq(by, "sector") ? NULL : sv(n, "country"), "organizations", 0,
                          "statuses", "url", url);
            json_object_set_new(nodes, key, g);
            json_array_append(nl, g);
        }
        json_int_t c = json_integer_value(json_object_get(n, "organizations"));
        total += c;
        add_count(g, "organizations", c);
        add_count(json_object_get(g, "statuses"), sv(n, "status"), c);
    }
    json_t *e;
    json_array_foreach(json_object_get(groups, "supply"), i, e)
    {
        json_array_append_new(ll, json_pack("{s:s, s:O, s:O, s:O}", "kind", "supply", "source",
                                            json_object_get(e, "source"), "target",
                                            json_object_get(e, "target"), "edges",
                                            json_object_get(e, "edges")));
    }
    json_array_foreach(json_object_get(groups, "sharing"), i, e)
    {
        /* item counts under 5 are shown as "<5", never exactly */
        json_array_append_new(
            ll, json_pack("{s:s, s:O, s:O, s:O, s:o}", "kind", "sharing", "source",
                          json_object_get(e, "source"), "target", json_object_get(e, "target"),
                          "tlp", json_object_get(e, "tlp"), "items",
                          count_value(json_integer_value(json_object_get(e, "items")))));
    }
    json_decref(nodes);
    *out = json_pack("{s:n, s:s, s:I, s:o, s:o}", "scope", "grouped", by ? by : "sector-country",
                     "organizations", total, "nodes", nl, "links", ll);
    return *out ? MM_OK : MM_ENOMEM;
}

/* ---- GraphML ------------------------------------------------------------------------------- */

static void xml_esc(mm_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            mm_buf_puts(b, "&amp;");
            break;
        case '<':
            mm_buf_puts(b, "&lt;");
            break;
        case '>':
            mm_buf_puts(b, "&gt;");
            break;
        case '"':
            mm_buf_puts(b, "&quot;");
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
                mm_buf_printf(b, "%c", *s);
        }
    }
}

static void data(mm_buf *b, const char *key, const char *value)
{
    if (!value)
        return;
    mm_buf_printf(b, "      <data key=\"%s\">", key);
    xml_esc(b, value);
    mm_buf_puts(b, "</data>\n");
}

char *mm_supply_map_graphml(const json_t *view)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    static const char *const nkeys[] = {"label", "sector", "country", "status", "organizations"};
    for (size_t i = 0; i < 5; i++)
        mm_buf_printf(&b, "  <key id=\"%s\" for=\"node\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                      nkeys[i], nkeys[i], i == 4 ? "int" : "string");
    static const char *const ekeys[] = {"kind", "tlp", "edges", "items"};
    for (size_t i = 0; i < 4; i++)
        mm_buf_printf(&b, "  <key id=\"%s\" for=\"edge\" attr.name=\"%s\" attr.type=\"string\"/>\n",
                      ekeys[i], ekeys[i]);
    mm_buf_puts(&b, "  <graph id=\"alliance-map\" edgedefault=\"directed\">\n");
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(view, "nodes"), i, n)
    {
        mm_buf_puts(&b, "    <node id=\"");
        xml_esc(&b, sv(n, "id"));
        mm_buf_puts(&b, "\">\n");
        data(&b, "label", sv(n, "label"));
        data(&b, "sector", sv(n, "sector"));
        data(&b, "country", sv(n, "country"));
        data(&b, "status", sv(n, "status"));
        char cnt[24];
        snprintf(cnt, sizeof cnt, "%lld",
                 (long long)json_integer_value(json_object_get(n, "organizations")));
        data(&b, "organizations", cnt);
        mm_buf_puts(&b, "    </node>\n");
    }
    json_array_foreach(json_object_get(view, "links"), i, n)
    {
        mm_buf_printf(&b, "    <edge id=\"e%zu\" source=\"", i);
        xml_esc(&b, sv(n, "source"));
        mm_buf_puts(&b, "\" target=\"");
        xml_esc(&b, sv(n, "target"));
        mm_buf_puts(&b, "\">\n");
        data(&b, "kind", sv(n, "kind"));
        data(&b, "tlp", sv(n, "tlp"));
        char cnt[24];
        const json_t *items = json_object_get(n, "items");
        if (json_is_string(items)) {
            data(&b, "items", json_string_value(items));
        } else if (items) {
            snprintf(cnt, sizeof cnt, "%lld", (long long)json_integer_value(items));
            data(&b, "items", cnt);
        }
        if (json_object_get(n, "edges")) {
            snprintf(cnt, sizeof cnt, "%lld",
                     (long long)json_integer_value(json_object_get(n, "edges")));
            data(&b, "edges", cnt);
        }
        mm_buf_puts(&b, "    </edge>\n");
    }
    mm_buf_puts(&b, "  </graph>\n</graphml>\n");
    if (b.failed) {
        mm_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- SVG through Graphviz ------------------------------------------------------------------ */

static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gvc;

/* the fill of a node: the worst status among its organizations */
static const char *fill_of(const json_t *n)
{
    const json_t *st = json_object_get(n, "statuses");
    if (json_object_get(st, "not-met") || json_object_get(st, "no-valid-score"))
        return "#f4b6b6";
    if (json_object_get(st, "conditional"))
        return "#f7e3a1";
    if (json_object_get(st, "meets"))
        return "#b9e4c1";
    return "#e3e6ea";
}

static void set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

/* The grouped picture's supply links: one edge per unordered pair of groups (arrows at both
 * ends when supply runs both ways), its width and opacity by the edges it stands for relative
 * to the heaviest pair, the counts each way in its tooltip: the heavy flows stand out and the
 * light ones fade instead of a hairball of equal lines. */
static void group_supply_links(Agraph_t *g, const json_t *view)
{
    json_t *pairs = json_object();
    double max = 1;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(view, "links"), i, n)
    {
        const char *a = sv(n, "source"), *b = sv(n, "target");
        json_int_t edges = json_integer_value(json_object_get(n, "edges"));
        if (!pairs || !a || !b || mm_streq(sv(n, "kind"), "sharing") || strcmp(a, b) == 0 ||
            edges <= 0)
            continue;
        char key[600];
        bool fwd = strcmp(a, b) < 0;
        snprintf(key, sizeof key, "%s\x1f%s", fwd ? a : b, fwd ? b : a);
        json_t *pr = json_object_get(pairs, key);
        if (!pr) {
            pr = json_pack("{s:s, s:s, s:I, s:I}", "a", fwd ? a : b, "b", fwd ? b : a, "ab",
                           (json_int_t)0, "ba", (json_int_t)0);
            if (!pr || json_object_set_new(pairs, key, pr))
                continue;
        }
        const char *k = fwd ? "ab" : "ba";
        json_object_set_new(pr, k,
                            json_integer(json_integer_value(json_object_get(pr, k)) + edges));
        double sum = (double)(json_integer_value(json_object_get(pr, "ab")) +
                              json_integer_value(json_object_get(pr, "ba")));
        if (sum > max)
            max = sum;
    }
    const char *key;
    json_t *pr;
    json_object_foreach(pairs, key, pr)
    {
        json_int_t ab = json_integer_value(json_object_get(pr, "ab")),
                   ba = json_integer_value(json_object_get(pr, "ba"));
        /* drawn from the heavier side's supplier towards its customer */
        const char *a = sv(pr, ab >= ba ? "a" : "b"), *b = sv(pr, ab >= ba ? "b" : "a");
        Agnode_t *na = agnode(g, (char *)a, 0), *nb = agnode(g, (char *)b, 0);
        if (!na || !nb)
            continue;
        Agedge_t *e = agedge(g, na, nb, NULL, 1);
        double w = (double)(ab + ba) / max;
        char v[64];
        snprintf(v, sizeof v, "%.2f", 0.4 + 5.6 * w);
        set(e, "penwidth", v);
        snprintf(v, sizeof v, "#4a5568%02x", 0x30 + (int)(0xcf * w));
        set(e, "color", v);
        set(e, "arrowsize", "0.5");
        if (ab && ba)
            set(e, "dir", "both");
        snprintf(v, sizeof v, "%lld / %lld", (long long)(ab >= ba ? ab : ba),
                 (long long)(ab >= ba ? ba : ab));
        set(e, "tooltip", v);
    }
    json_decref(pairs);
}

int mm_supply_map_svg(char **out, const json_t *view)
{
    *out = NULL;
    pthread_mutex_lock(&gv_lock);
    if (!gvc)
        gvc = gvContext();
    int rc = gvc ? MM_OK : MM_ENOMEM;
    Agraph_t *g = rc ? NULL : agopen((char *)"map", Agdirected, NULL);
    if (!g && rc == MM_OK)
        rc = MM_ENOMEM;
    if (g) {
        set(g, "overlap", "scale");
        set(g, "splines", "false");
        set(g, "outputorder", "edgesfirst");
        set(g, "bgcolor", "transparent");
        set(g, "sep", "+6");
        size_t i;
        json_t *n;
        bool grouped =
            json_object_get(view, "grouped") && !json_is_null(json_object_get(view, "grouped"));
        json_array_foreach(json_object_get(view, "nodes"), i, n)
        {
            Agnode_t *v = agnode(g, (char *)sv(n, "id"), 1);
            char label[300], tip[400];
            long long orgs = (long long)json_integer_value(json_object_get(n, "organizations"));
            if (grouped)
                snprintf(label, sizeof label, "%s\\n%lld", sv(n, "label"), orgs);
            else
                snprintf(label, sizeof label, "%.40s", sv(n, "label"));
            /* Graphviz reads backslash escapes in labels: the names' own are doubled above
             * only for the count's line break; a name's backslash is harmless (\N: its id) */
            snprintf(tip, sizeof tip, "%s%s%s", sv(n, "label"), sv(n, "country") ? " · " : "",
                     sv(n, "country") ? sv(n, "country") : "");
            set(v, "label", label);
            set(v, "tooltip", tip);
            set(v, "shape", grouped ? "circle" : "box");
            set(v, "style", "filled,rounded");
            set(v, "fillcolor", fill_of(n));
            set(v, "color", "#4a5568");
            set(v, "fontname", "sans-serif");
            set(v, "fontsize", grouped ? "10" : "9");
            if (grouped) {
                char w[16];
                snprintf(w, sizeof w, "%.2f",
                         0.6 + 0.25 * (orgs > 1 ? __builtin_log((double)orgs) : 0));
                set(v, "width", w);
                set(v, "fixedsize", "true");
            }
            if (sv(n, "url") && sv(n, "url")[0]) {
                /* this Graphviz writes the URL into the href attribute as it is: its "&" is
                 * escaped here (the rest is ours: paths, UUIDs and percent-encoded values) */
                char url[600];
                size_t j = 0;
                for (const char *c = sv(n, "url"); *c && j + 6 < sizeof url; c++) {
                    if (*c == '&') {
                        memcpy(url + j, "&amp;", 5);
                        j += 5;
                    } else {
                        url[j++] = *c;
                    }
                }
                url[j] = '\0';
                set(v, "URL", url);
                set(v, "target", "_top");
            }
            char idattr[220];
            snprintf(idattr, sizeof idattr, "node-%zu", i);
            set(v, "id", idattr);
        }
        if (grouped)
            group_supply_links(g, view);
        json_array_foreach(json_object_get(view, "links"), i, n)
        {
            if (grouped && !mm_streq(sv(n, "kind"), "sharing"))
                continue; /* group_supply_links */
            Agnode_t *a = agnode(g, (char *)sv(n, "source"), 0),
                     *b = agnode(g, (char *)sv(n, "target"), 0);
            if (!a || !b || a == b)
                continue;
            Agedge_t *e = agedge(g, a, b, NULL, 1);
            bool sharing = mm_streq(sv(n, "kind"), "sharing");
            set(e, "color", sharing ? "#2b6cb0" : "#4a5568");
            set(e, "style", sharing ? "dashed" : "solid");
            set(e, "arrowsize", "0.5");
            char lab[64] = "";
            const json_t *items = json_object_get(n, "items");
            if (sharing)
                snprintf(lab, sizeof lab, "%s %s", sv(n, "tlp") ? sv(n, "tlp") : "",
                         json_is_string(items) ? json_string_value(items) : "");
            if (sharing && json_is_integer(items))
                snprintf(lab, sizeof lab, "%s %lld", sv(n, "tlp") ? sv(n, "tlp") : "",
                         (long long)json_integer_value(items));
            if (lab[0]) {
                set(e, "tooltip", lab);
                if (grouped)
                    set(e, "label", lab);
            }
            set(e, "fontsize", "8");
        }
        if (gvLayout(gvc, g, "neato") != 0) {
            mm_error_set("map: the layout failed");
            rc = MM_EINVALID;
        } else {
            char *svg = NULL;
            unsigned int len = 0;
            if (gvRenderData(gvc, g, "svg", &svg, &len) != 0 || !svg) {
                mm_error_set("map: rendering failed");
                rc = MM_EINVALID;
            } else {
                /* from the <svg element on: no XML prolog or doctype inside a page */
                const char *start = strstr(svg, "<svg");
                *out = strdup(start ? start : svg);
                if (!*out)
                    rc = MM_ENOMEM;
                gvFreeRenderData(svg);
            }
            gvFreeLayout(gvc, g);
        }
        agclose(g);
    }
    pthread_mutex_unlock(&gv_lock);
    return rc;
}

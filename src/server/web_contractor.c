/* mamori serve: one contractor's page and the difference of two of its submissions
 * (docs/dashboard.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ---- one contractor ----------------------------------------------------------------------------
 */

/* The subcontractors of org_id (web_all_contractors items), each with "children": its own,
 * depth levels deep (below the first only for the authority). MM_OK or the store's code. */
static int load_subs(http_req *r, const char *org_id, int depth, json_t **out)
{
    json_t *subs = web_all_contractors(r, NULL, org_id);
    *out = NULL;
    if (!subs)
        return MM_ERROR;
    size_t i;
    json_t *it;
    json_array_foreach(subs, i, it)
    {
        if (depth <= 1 || !r->who.authority)
            continue;
        json_t *kids = NULL;
        int rc = load_subs(r, web_sval(it, "id"), depth - 1, &kids);
        if (rc) {
            json_decref(subs);
            return rc;
        }
        json_object_set_new(it, "children", kids);
    }
    *out = subs;
    return MM_OK;
}

/* The tree of subcontractors from load_subs; names only where the reader may see them. */
static void put_subs(page *p, http_req *r, const json_t *subs, bool top)
{
    if (json_array_size(subs) == 0 && !top)
        return;
    web_puts(p, top ? "<ul id=\"subcontractors\" class=\"tree\">" : "<ul>");
    if (json_array_size(subs) == 0) {
        web_puts(p, "<li class=\"muted\">");
        web_put_tr(p, "contractor.no_subs");
        web_puts(p, "</li>");
    }
    size_t i;
    json_t *it;
    json_array_foreach(subs, i, it)
    {
        bool visible = r->who.authority || json_is_true(json_object_get(it, "prime_consent"));
        const char *id = web_sval(it, "id");
        web_printf(p, "<li data-org-id=\"%s\">", id);
        if (visible) {
            web_printf(p, "<a href=\"/contractors/%s\">", id);
            web_user(p, web_sval(it, "name"));
            web_puts(p, "</a> ");
            web_badge(p, web_sval(it, "status"));
            web_puts(p, " <span class=\"num\">");
            web_put_score(p, json_object_get(it, "latest"));
            web_puts(p, "</span>");
        } else {
            web_user(p, web_sval(it, "name"));
            web_puts(p, " <span class=\"not-shared\">");
            web_put_tr(p, "contractor.not_shared");
            web_puts(p, "</span>");
        }
        put_subs(p, r, json_object_get(it, "children"), false);
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

static void put_org_head(page *p, const json_t *org, const json_t *latest_row)
{
    web_puts(p, "<h1>");
    web_user(p, web_sval(org, "name"));
    /* the printable report (docs/dashboard.md "Printing"): the button is the script's (it
     * shows it), the browser's print works the same without; the note is printed only */
    web_puts(p, "</h1>\n<p class=\"print-only\" id=\"printed-note\">");
    web_put_trf(p, "contractor.printed", p->r->now, p->r->today, NULL);
    web_puts(p, "</p><p><button type=\"button\" id=\"print-report\" hidden>");
    web_put_tr(p, "contractors.print");
    web_puts(p, "</button></p>\n<dl class=\"meta\"><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"org-status\">");
    web_badge(p, web_sval(latest_row, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"org-score\">");
    web_put_score_of(p, latest_row, true);
    web_puts(p, "</dd>");
    json_t *ids = json_object_get(org, "identifiers");
    const char *k;
    json_t *v;
    json_object_foreach(ids, k, v)
    {
        if (!json_is_string(v))
            continue;
        web_put_identifier(p, k, json_string_value(v));
    }
    web_puts(p, "</dl>\n");
}

/* One line under a gap's title: a label and the strings of g's array member, escaped. */
static void put_timeline(page *p, http_req *r, const json_t *summary)
{
    json_t *ms = json_object_get(summary, "milestones");
    size_t n = json_array_size(ms);
    timeline_item *items = calloc(n ? n : 1, sizeof *items);
    char(*labels)[96] = calloc(n ? n : 1, sizeof *labels);
    if (!items || !labels) {
        free(items);
        free(labels);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_array_get(ms, i);
        snprintf(labels[i], sizeof labels[i], "%s %s",
                 web_sval(m, "requirement") ? web_sval(m, "requirement") : "",
                 web_sval(m, "poam_id") ? web_sval(m, "poam_id") : "");
        items[i].label = labels[i];
        items[i].description = web_sval(m, "description");
        items[i].due = web_sval(m, "due");
        items[i].status = web_sval(m, "status");
        items[i].overdue = items[i].due && strcmp(items[i].due, r->today) < 0 &&
                           !mm_streq(items[i].status, "completed");
    }
    web_chart_timeline(p, "poam-timeline", web_tr(p, "contractor.timeline"), items, n, r->today);
    if (n == 0) {
        web_puts(p, "<p class=\"muted\" id=\"no-milestones\">");
        web_put_tr(p, "contractor.no_milestones");
        web_puts(p, "</p>");
    }
    free(items);
    free(labels);
}

/* The CMMC status in time (cmmc.c): Level 2 with its status date (the day the latest
 * submission was received) and close-out, and Level 1. */
static void put_cmmc(page *p, http_req *r, const json_t *latest, const json_t *last)
{
    json_t *l2 = latest ? cmmc_level2_view(r, latest) : json_null();
    json_t *l1 = latest ? cmmc_level1_view(latest) : json_null();
    if (json_is_object(l2) || json_is_object(l1)) {
        web_puts(p, "<section aria-labelledby=\"h-cmmc\"><h2 id=\"h-cmmc\">");
        web_put_tr(p, "cmmc.heading");
        web_puts(p, "</h2><dl class=\"meta\" id=\"cmmc\">");
    }
    if (json_is_object(l2)) {
        char key[48];
        snprintf(key, sizeof key, "cmmc.status.%s", web_sval(l2, "status"));
        web_puts(p, "<dt>");
        web_put_tr(p, "cmmc.level2");
        web_printf(p, "</dt><dd id=\"cmmc-level2\" data-status=\"%s\">", web_sval(l2, "status"));
        web_put_tr(p, key);
        web_puts(p, "</dd><dt>");
        web_put_tr(p, "cmmc.status_date");
        web_puts(p, "</dt><dd id=\"cmmc-status-date\">");
        web_esc(p, web_sval(l2, "status_date"));
        web_puts(p, "</dd>");
        if (web_sval(l2, "closeout_by")) {
            web_puts(p, "<dt>");
            web_put_tr(p, "cmmc.closeout_by");
            web_puts(p, "</dt><dd id=\"cmmc-closeout\">");
            web_esc(p, web_sval(l2, "closeout_by"));
            web_puts(p, "</dd>");
        }
    }
    if (json_is_object(l1)) {
        char key[48];
        snprintf(key, sizeof key, "cmmc.status.%s", web_sval(l1, "status"));
        web_puts(p, "<dt>");
        web_put_tr(p, "cmmc.level1");
        web_printf(p, "</dt><dd id=\"cmmc-level1\" data-status=\"%s\">", web_sval(l1, "status"));
        web_put_tr(p, key);
        web_puts(p, "</dd>");
    }
    if (latest) {
        /* the annual affirmation (32 CFR 170.22): due from the last one, else the status date */
        const char *base = last ? web_sval(last, "affirmed_on") : web_sval(latest, "received");
        char due_by[11];
        bool due, overdue;
        affirmation_dates(r, base, due_by, &due, &overdue);
        const char *state = overdue ? "overdue" : due ? "due" : "none";
        if (!json_is_object(l2) && !json_is_object(l1)) {
            web_puts(p, "<section aria-labelledby=\"h-cmmc\"><h2 id=\"h-cmmc\">");
            web_put_tr(p, "cmmc.heading");
            web_puts(p, "</h2><dl class=\"meta\" id=\"cmmc\">");
        }
        web_puts(p, "<dt>");
        web_put_tr(p, "affirmation.last");
        web_puts(p, "</dt><dd id=\"affirmation-last\">");
        if (last) {
            web_esc(p, web_sval(last, "affirmed_on"));
            web_puts(p, " (");
            web_esc(p, web_sval(last, "affirmed_by"));
            web_puts(p, ")");
        } else {
            web_put_tr(p, "affirmation.never");
        }
        web_puts(p, "</dd><dt>");
        web_put_tr(p, "affirmation.next");
        web_printf(p, "</dt><dd><span id=\"affirmation-due-by\">%s</span> ", due_by);
        char key[40];
        snprintf(key, sizeof key, "affirmation.state.%s", state);
        web_printf(p, "<span id=\"affirmation-state\" data-state=\"%s\">", state);
        web_put_tr(p, key);
        web_puts(p, "</span></dd>");
    }
    if (json_is_object(l2) || json_is_object(l1) || latest)
        web_puts(p, "</dl></section>\n");
    json_decref(l2);
    json_decref(l1);
}

/* What one contractor's page shows. */
typedef struct contractor_model {
    json_t *org, *lr; /* the organization and its latest row */
    bool full;        /* the reader may see everything (not only a prime's summary) */
    json_t *subs;     /* its submissions (mm_store_list_submissions), when full */
    json_t *latest;   /* its latest submission, or NULL */
    json_t *tree;     /* its subcontractors (load_subs), when full */
    json_t *last_aff; /* the latest submission's last affirmation, or NULL */
    json_t *fw;       /* its status in other frameworks (framework_status), when full */
} contractor_model;

static void contractor_model_free(contractor_model *m)
{
    json_decref(m->org);
    json_decref(m->lr);
    json_decref(m->subs);
    json_decref(m->latest);
    json_decref(m->tree);
    json_decref(m->last_aff);
    json_decref(m->fw);
    memset(m, 0, sizeof *m);
}

/* MM_OK, MM_ENOTFOUND or the store's code (m freed). */
static int contractor_model_make(contractor_model *m, http_req *r)
{
    memset(m, 0, sizeof *m);
    int rc = mm_store_get_org(r->st, &m->org, r->param[0]);
    if (rc)
        return rc;
    m->full = r->who.authority || strcmp(r->who.org_id, r->param[0]) == 0;
    rc = web_latest_row(r, m->org, &m->lr);
    if (rc == MM_OK && m->full)
        rc = mm_store_list_submissions(r->st, &m->subs, r->param[0], 0, 200);
    if (rc == MM_OK && m->full)
        rc = load_subs(r, r->param[0], 3, &m->tree);
    if (rc == MM_OK && m->full)
        rc = web_submission_opt(r, web_sval(m->org, "latest_submission"), &m->latest);
    if (rc == MM_OK && m->latest) {
        rc = mm_store_last_affirmation(r->st, &m->last_aff, web_sval(m->latest, "id"));
        if (rc == MM_ENOTFOUND)
            rc = MM_OK;
    }
    if (rc == MM_OK && m->latest)
        rc = framework_status(&m->fw, r, web_sval(m->latest, "id"));
    if (rc)
        contractor_model_free(m);
    return rc;
}

/* Everything below the head of a full page. */
static void contractor_render(page *p, http_req *r, const contractor_model *m)
{
    json_t *items = json_object_get(m->subs, "items");
    size_t n = json_array_size(items);
    /* the score history, oldest first */
    const char **labels = calloc(n + 1, sizeof *labels);
    double *vals = calloc(n + 1, sizeof *vals);
    bool *has = calloc(n + 1, sizeof *has);
    char(*lb)[48] = calloc(n + 1, sizeof *lb);
    bool mixed = false;
    for (size_t i = 0; labels && vals && has && lb && i < n; i++) {
        json_t *s = json_array_get(items, n - 1 - i);
        const char *a = web_sval(s, "assessed");
        const char *rc = web_sval(s, "received");
        snprintf(lb[i], sizeof lb[i], "%s", a && a[0] ? a : rc ? rc : "?");
        labels[i] = lb[i];
        json_t *sc = json_object_get(s, "score");
        has[i] = json_is_integer(sc);
        vals[i] = has[i] ? (double)json_integer_value(sc) : 0;
        if (!mm_streq(web_sval(s, "framework"), web_sval(json_array_get(items, 0), "framework")))
            mixed = true;
    }
    web_puts(p, "<section class=\"charts two\"><h2>");
    web_put_tr(p, "contractor.standing");
    web_puts(p, "</h2>");
    if (labels && vals && has && lb)
        web_chart_line(p, "score-history", web_tr(p, "contractor.history"), labels, vals, has, n,
                       NULL, web_tr(p, "col.score"));
    if (mixed) {
        web_puts(p, "<p class=\"note\">");
        web_put_tr(p, "contractor.mixed");
        web_puts(p, "</p>");
    }
    free(labels);
    free(vals);
    free(has);
    free(lb);
    const json_t *latest = m->latest;
    json_t *summary = json_object_get(latest, "summary");
    json_t *fams = json_object_get(summary, "families");
    size_t nf = json_array_size(fams);
    const char **fl = calloc(nf + 1, sizeof *fl);
    long *met = calloc(nf + 1, sizeof *met), *tot = calloc(nf + 1, sizeof *tot);
    char(*fb)[160] = calloc(nf + 1, sizeof *fb);
    for (size_t i = 0; fl && met && tot && fb && i < nf; i++) {
        json_t *f = json_array_get(fams, i);
        snprintf(fb[i], sizeof fb[i], "%s %s", web_sval(f, "id") ? web_sval(f, "id") : "",
                 web_sval(f, "title") ? web_sval(f, "title") : "");
        fl[i] = fb[i];
        met[i] = (long)json_integer_value(json_object_get(f, "met"));
        tot[i] = (long)json_integer_value(json_object_get(f, "total"));
    }
    if (fl && met && tot && fb)
        web_chart_bars(p, "family-bars", web_tr(p, "contractor.families"), fl, met, tot, nf);
    free(fl);
    free(met);
    free(tot);
    free(fb);
    web_puts(p, "</section>\n<section><h2>");
    web_put_tr(p, "contractor.gaps");
    web_puts(p, "</h2>");
    if (latest) {
        web_puts(p, "<p class=\"note\">");
        web_put_trf(p, "contractor.gaps_of", web_sval(latest, "assessed"), web_sval(latest, "id"),
                    NULL);
        web_puts(p, "</p>");
    }
    web_put_gaps_table(p, summary, r->who.authority);
    web_puts(p, "</section>\n<section><h2>");
    web_put_tr(p, "contractor.poam");
    web_puts(p, "</h2>");
    put_timeline(p, r, summary);
    web_puts(p, "</section>\n");
    /* the history, with the diff form */
    web_puts(p, "<section><h2>");
    web_put_tr(p, "contractor.submissions");
    web_puts(p, "</h2><table id=\"submissions\" class=\"data\"><thead><tr>");
    web_th(p, "col.received", NULL);
    web_th(p, "col.assessed", NULL);
    web_th(p, "col.framework", NULL);
    web_th(p, "col.status", NULL);
    web_th(p, "col.score", "num");
    web_th(p, "col.submission", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        web_puts(p, "<tr><td>");
        web_time(p, web_sval(it, "received"));
        web_puts(p, "</td><td>");
        web_esc(p, web_sval(it, "assessed"));
        web_printf(p, "</td><td>%s</td><td>", web_fw_label(web_sval(it, "framework")));
        web_badge(p, web_sval(it, "status"));
        web_puts(p, "</td><td class=\"num\">");
        web_put_score(p, it);
        web_puts(p, "</td><td class=\"mono\">");
        web_esc(p, web_sval(it, "id"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
    if (n >= 2) {
        web_printf(p,
                   "<form id=\"diff-form\" method=\"get\" action=\"/contractors/%s/diff\" "
                   "class=\"filters\">",
                   r->param[0]);
        for (int w = 0; w < 2; w++) {
            web_printf(p, "<label for=\"diff-%c\">", w ? 'b' : 'a');
            web_put_tr(p, w ? "diff.newer" : "diff.older");
            web_printf(p, "</label><select id=\"diff-%c\" name=\"%c\">", w ? 'b' : 'a',
                       w ? 'b' : 'a');
            json_array_foreach(items, i, it)
            {
                bool sel = w ? i == 0 : i == 1;
                web_printf(p, "<option value=\"%s\"%s>", web_sval(it, "id"),
                           sel ? " selected" : "");
                web_esc(p, web_sval(it, "assessed"));
                web_puts(p, " · ");
                web_time_text(p, web_sval(it, "received"));
                web_puts(p, "</option>");
            }
            web_puts(p, "</select>");
        }
        web_puts(p, "<button type=\"submit\">");
        web_put_tr(p, "diff.compare");
        web_puts(p, "</button></form>");
    }
    web_puts(p, "</section>\n<section><h2>");
    web_put_tr(p, "contractor.subs");
    web_puts(p, "</h2>");
    put_subs(p, r, m->tree, true);
    web_puts(p, "</section>\n");
}

void w_contractor(http_req *r, reply *out)
{
    contractor_model m;
    int rc = contractor_model_make(&m, r);
    if (rc != MM_OK) {
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_sval(m.org, "name");
    put_org_head(&p, m.org, m.lr);
    if (m.full) {
        put_cmmc(&p, r, m.latest, m.last_aff);
        framework_status_render(&p, m.fw, web_sval(m.latest, "framework"));
        contractor_render(&p, r, &m);
    } else {
        /* a prime, with its subcontractor's consent: the summary status only */
        web_puts(&p, "<p class=\"notice\" id=\"summary-only\">");
        web_put_tr(&p, "contractor.summary_only");
        web_puts(&p, "</p>");
    }
    web_page_finish(&p, out, 200);
    contractor_model_free(&m);
}

/* A gap's status in the reader's language (a value the catalog does not know, escaped). */
static void put_gap_status(page *p, const char *st)
{
    static const char *const known[] = {"not-met", "partial", "not-assessed"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (mm_streq(st, known[i])) {
            char key[32];
            snprintf(key, sizeof key, "gap.%s", known[i]);
            web_put_tr(p, key);
            return;
        }
    web_esc(p, st ? st : "");
}

/* A list of requirement ids (or {"requirement", "from", "to"} changes), each with its title
 * from cat (NIST's English, marked so) and its gap statuses translated. */
static void put_id_list(page *p, const char *id, const json_t *arr, bool links,
                        const mm_catalog *cat)
{
    web_printf(p, "<ul id=\"%s\" class=\"ids\">", id);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_is_string(v) ? json_string_value(v) : web_sval(v, "requirement");
        const mm_requirement *req = cat && s ? mm_catalog_requirement(cat, s) : NULL;
        web_puts(p, "<li>");
        web_put_req_link(p, s, links);
        if (req) {
            web_puts(p, " <span class=\"req-title\" lang=\"en\">");
            web_esc(p, req->title);
            web_puts(p, "</span>");
        }
        if (!json_is_string(v)) {
            web_puts(p, ": ");
            put_gap_status(p, web_sval(v, "from"));
            web_puts(p, " → ");
            put_gap_status(p, web_sval(v, "to"));
        }
        web_puts(p, "</li>");
    }
    if (json_array_size(arr) == 0) {
        web_puts(p, "<li class=\"muted\">");
        web_put_tr(p, "diff.none");
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

/* The catalog of a submission's framework (NULL for one the server does not know). */
static const mm_catalog *catalog_of(const http_req *r, const json_t *sub)
{
    const char *fw = web_sval(sub, "framework");
    return mm_streq(fw, "800-171r2") ? r->srv->r2 : mm_streq(fw, "800-171r3") ? r->srv->r3 : NULL;
}

/* Two submissions of one organization, older first, and what changed between them. */
typedef struct diff_model {
    json_t *sa, *sb; /* the older and the newer */
    json_t *d;       /* mm_summary_diff */
    int diff_rc;     /* its code: the page says so when it failed */
    json_t *org;
} diff_model;

static void diff_model_free(diff_model *m)
{
    json_decref(m->sa);
    json_decref(m->sb);
    json_decref(m->d);
    json_decref(m->org);
    memset(m, 0, sizeof *m);
}

/* ?a= and ?b=, both of the organization in the path: MM_OK, MM_ENOTFOUND or the store's. */
static int diff_model_make(diff_model *m, http_req *r)
{
    const char *a = req_query(r, "a"), *b = req_query(r, "b");
    memset(m, 0, sizeof *m);
    json_t *sa = NULL, *sb = NULL;
    int rc = web_submission(r, a, &sa);
    if (rc == MM_OK)
        rc = web_submission(r, b, &sb);
    /* both must be this organization's (access was decided for the organization) */
    if (rc == MM_OK && (!mm_streq(web_sval(sa, "org_id"), r->param[0]) ||
                        !mm_streq(web_sval(sb, "org_id"), r->param[0])))
        rc = MM_ENOTFOUND;
    if (rc) {
        json_decref(sa);
        json_decref(sb);
        return rc;
    }
    /* older first */
    if (strcmp(web_sval(sa, "received") ? web_sval(sa, "received") : "",
               web_sval(sb, "received") ? web_sval(sb, "received") : "") > 0) {
        json_t *t = sa;
        sa = sb;
        sb = t;
    }
    *m = (diff_model){.sa = sa, .sb = sb};
    m->diff_rc =
        mm_summary_diff(&m->d, json_object_get(sa, "summary"), json_object_get(sb, "summary"));
    rc = mm_store_get_org(r->st, &m->org, r->param[0]);
    if (rc)
        diff_model_free(m);
    return rc;
}

static void diff_render(page *p, http_req *r, const diff_model *m)
{
    const json_t *sa = m->sa, *sb = m->sb, *d = m->d, *org = m->org;
    int rc = m->diff_rc;
    web_printf(p, "<p class=\"crumbs\"><a href=\"/contractors/%s\">", r->param[0]);
    web_user(p, web_sval(org, "name"));
    web_puts(p, "</a></p><h1>");
    web_put_tr(p, "diff.title");
    web_puts(p, "</h1>");
    if (rc != MM_OK) {
        web_error_box(p, web_tr(p, "error.busy"));
    } else {
        bool same = mm_streq(web_sval(sa, "framework"), web_sval(sb, "framework"));
        json_t *sc = json_object_get(d, "score");
        web_puts(p, "<dl class=\"meta\"><dt>");
        web_put_tr(p, "diff.older");
        web_puts(p, "</dt><dd>");
        web_esc(p, web_sval(sa, "assessed"));
        web_puts(p, " <span class=\"mono\">");
        web_esc(p, web_sval(sa, "id"));
        web_puts(p, "</span></dd><dt>");
        web_put_tr(p, "diff.newer");
        web_puts(p, "</dt><dd>");
        web_esc(p, web_sval(sb, "assessed"));
        web_puts(p, " <span class=\"mono\">");
        web_esc(p, web_sval(sb, "id"));
        web_puts(p, "</span></dd><dt>");
        web_put_tr(p, "col.score");
        web_puts(p, "</dt><dd id=\"diff-score\">");
        web_put_score(p, sa);
        web_puts(p, " → ");
        web_put_score(p, sb);
        json_t *delta = json_object_get(sc, "delta");
        if (same && json_is_integer(delta))
            web_printf(p, " (<span class=\"delta\">%+lld</span>)",
                       (long long)json_integer_value(delta));
        web_puts(p, "</dd><dt>");
        web_put_tr(p, "col.status");
        web_puts(p, "</dt><dd>");
        web_badge(p, web_sval(sa, "status"));
        web_puts(p, " → ");
        web_badge(p, web_sval(sb, "status"));
        web_puts(p, "</dd></dl>");
        if (!same) {
            web_puts(p, "<p class=\"notice\">");
            web_put_tr(p, "diff.not_comparable");
            web_puts(p, "</p>");
        }
        web_puts(p, "<h2>");
        web_put_tr(p, "diff.fixed");
        web_puts(p, "</h2>");
        put_id_list(p, "fixed", json_object_get(d, "fixed"), r->who.authority, catalog_of(r, sa));
        web_puts(p, "<h2>");
        web_put_tr(p, "diff.new_gaps");
        web_puts(p, "</h2>");
        put_id_list(p, "new-gaps", json_object_get(d, "new_gaps"), r->who.authority,
                    catalog_of(r, sb));
        web_puts(p, "<h2>");
        web_put_tr(p, "diff.changed");
        web_puts(p, "</h2>");
        put_id_list(p, "changed", json_object_get(d, "changed"), r->who.authority,
                    catalog_of(r, sb));
    }
}

void w_diff(http_req *r, reply *out)
{
    diff_model m;
    int rc = diff_model_make(&m, r);
    if (rc != MM_OK) {
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "diff.title");
    diff_render(&p, r, &m);
    diff_model_free(&m);
    web_page_finish(&p, out, 200);
}

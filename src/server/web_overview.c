/* mamori serve: the authority's overview page (docs/dashboard.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/portfolio.h"
#include "server/screen_national.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ---- the overview: its view model ------------------------------------------------------- */

#define NBINS 8

typedef struct famrow {
    const char *title;
    long met[64], total[64];
} famrow;

/* score histograms: Rev 3 (requirements met) and Rev 2 (SPRS), finer near the top */
static const char *const r3_labels[NBINS] = {"<50",   "50–59", "60–69", "70–79",
                                             "80–84", "85–89", "90–94", "95+"};
static const long r3_edges[NBINS - 1] = {50, 60, 70, 80, 85, 90, 95};
static const char *const r2_labels[NBINS] = {"<0",    "0–49",  "50–69",   "70–79",
                                             "80–89", "90–99", "100–104", "105–110"};
static const long r2_edges[NBINS - 1] = {0, 50, 70, 80, 90, 100, 105};

/* Everything the overview shows, computed before a line of it is written. */
typedef struct overview_model {
    json_t *all;               /* every contractor (web_all_contractors) */
    long counts[NSTATUS];      /* by status */
    long aff_due, aff_overdue; /* annual affirmations (32 CFR 170.22) due, overdue */
    hist_bin bins[2 * NBINS];  /* Rev 3 then Rev 2 */
    long no_score;             /* in no histogram: status "no-valid-score" (the card's count) ... */
    long unscored;             /* ... or, with another status (stale), no score */
    const char *sectors[64];   /* the heatmap's columns ... */
    size_t nsec;
    famrow *fams; /* ... and rows (family titles point into held) */
    size_t nfam;
    json_t *held;  /* the summaries read, kept until the page is done */
    json_t *fails; /* mm_store_failure_counts */
    json_t *od;    /* mm_store_overdue_milestones */
    json_t *odc;   /* portfolio_overdue_counts */
} overview_model;

static void overview_model_free(overview_model *m)
{
    json_decref(m->all);
    free(m->fams);
    json_decref(m->held);
    json_decref(m->fails);
    json_decref(m->od);
    json_decref(m->odc);
    memset(m, 0, sizeof *m);
}

/* Adds one contractor's latest submission to the histograms and the heatmap: MM_OK or the
 * store's code. */
static int count_latest(overview_model *m, http_req *r, const json_t *it)
{
    json_t *latest = json_object_get(it, "latest");
    if (!json_is_object(latest))
        return MM_OK;
    json_t *sc = json_object_get(latest, "score");
    bool r2 = mm_streq(web_sval(latest, "framework"), "800-171r2");
    /* one definition for the card and the chart: a contractor whose status is
     * "no-valid-score" has no valid score, even when its submission carries a number */
    if (mm_streq(web_sval(it, "status"), "no-valid-score")) {
        m->no_score++;
    } else if (!json_is_integer(sc)) {
        m->unscored++;
    } else {
        long v = (long)json_integer_value(sc);
        const long *edges = r2 ? r2_edges : r3_edges;
        int b = 0;
        while (b < NBINS - 1 && v >= edges[b])
            b++;
        m->bins[(r2 ? NBINS : 0) + b].count++;
    }
    const char *sec = web_sector_of(it);
    size_t s = 0;
    while (s < m->nsec && strcmp(m->sectors[s], sec) != 0)
        s++;
    if (s == m->nsec) {
        if (m->nsec == 64)
            return MM_OK;
        m->sectors[m->nsec++] = sec;
    }
    json_t *sub = NULL;
    int rc = web_submission_opt(r, web_sval(latest, "id"), &sub);
    if (rc)
        return rc;
    json_t *fl = json_object_get(json_object_get(sub, "summary"), "families");
    size_t k;
    json_t *f;
    json_array_foreach(fl, k, f)
    {
        const char *t = web_sval(f, "title");
        if (!t)
            continue;
        size_t fi = 0;
        while (fi < m->nfam && strcmp(m->fams[fi].title, t) != 0)
            fi++;
        if (fi == m->nfam) {
            if (m->nfam == 64)
                continue;
            m->fams[m->nfam++].title = t;
        }
        m->fams[fi].met[s] += (long)json_integer_value(json_object_get(f, "met"));
        m->fams[fi].total[s] += (long)json_integer_value(json_object_get(f, "total"));
    }
    if (sub)
        json_array_append_new(m->held, sub); /* the family titles point into it */
    return MM_OK;
}

/* The overview's numbers: MM_OK, or the store's (or MM_ENOMEM) with m freed. */
static int overview_model_make(overview_model *m, http_req *r)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < NBINS; i++) {
        m->bins[i].label = r3_labels[i];
        m->bins[NBINS + i].label = r2_labels[i];
    }
    m->all = web_all_contractors(r, NULL, NULL);
    m->fams = calloc(64, sizeof *m->fams);
    m->held = json_array();
    int rc = m->all && m->fams && m->held ? MM_OK : MM_ERROR;
    if (rc == MM_OK)
        rc = mm_store_failure_counts(r->st, &m->fails, 15);
    if (rc == MM_OK)
        rc = mm_store_overdue_milestones(r->st, &m->od, r->today, 0, 20);
    if (rc == MM_OK)
        rc = portfolio_overdue_counts(r, &m->odc);
    if (rc) {
        overview_model_free(m);
        return rc;
    }
    size_t i;
    json_t *it;
    json_array_foreach(m->all, i, it)
    {
        m->counts[web_status_index(web_sval(it, "status"))]++;
        affirmation_annotate(r, it);
        m->aff_due += json_is_true(json_object_get(it, "affirmation_due"));
        m->aff_overdue += json_is_true(json_object_get(it, "affirmation_overdue"));
        if ((rc = count_latest(m, r, it)) != MM_OK) {
            overview_model_free(m);
            return rc;
        }
    }
    return MM_OK;
}

/* ---- the overview: drawing it ------------------------------------------------------------- */

static void overview_render(page *p, http_req *r, const overview_model *m)
{
    size_t i;
    json_t *it;
    web_puts(p, "<h1>");
    web_put_tr(p, "overview.title");
    web_printf(p, "</h1>\n<p class=\"lead\">");
    char tot[24];
    snprintf(tot, sizeof tot, "%zu", json_array_size(m->all));
    web_put_trf(p, "overview.lead", tot, r->today, NULL);
    web_puts(p, "</p>\n<section aria-labelledby=\"h-status\"><h2 id=\"h-status\">");
    web_put_tr(p, "overview.by_status");
    web_puts(p, "</h2><ul id=\"status-counts\" class=\"cards\">");
    for (int s = 0; s < NSTATUS; s++) {
        char key[40];
        snprintf(key, sizeof key, "status.%s", web_status_names[s]);
        web_printf(p,
                   "<li class=\"card\" data-status=\"%s\"><a href=\"/contractors?status=%s\">"
                   "<span class=\"label\">",
                   web_status_names[s], web_status_names[s]);
        web_put_tr(p, key);
        web_printf(p, "</span> <span class=\"count\">%ld</span></a></li>", m->counts[s]);
    }
    web_puts(p, "</ul><ul id=\"affirmation-counts\" class=\"cards\">");
    const struct {
        const char *state;
        long n;
    } aff[] = {{"due", m->aff_due}, {"overdue", m->aff_overdue}};
    for (size_t a = 0; a < 2; a++) {
        char key[48];
        snprintf(key, sizeof key, "overview.affirmation_%s", aff[a].state);
        web_printf(p,
                   "<li class=\"card\" data-affirmation=\"%s\"><a href=\"/contractors?"
                   "affirmation=%s\"><span class=\"label\">",
                   aff[a].state, aff[a].state);
        web_put_tr(p, key);
        web_printf(p, "</span> <span class=\"count\">%ld</span></a></li>", aff[a].n);
    }
    web_puts(p, "</ul></section>\n<section class=\"charts\"><h2>");
    web_put_tr(p, "overview.scores");
    web_puts(p, "</h2>");
    const char *rows[2] = {web_tr(p, "overview.hist_r3"), web_tr(p, "overview.hist_r2")};
    web_chart_histogram(p, "score-histogram", web_tr(p, "overview.hist_title"), rows, m->bins, 2,
                        NBINS);
    if (m->no_score) {
        char ns[24];
        snprintf(ns, sizeof ns, "%ld", m->no_score);
        web_puts(p, "<p class=\"note\">");
        web_puts(p, "<span id=\"no-score-note\">");
        web_put_trf(p, "overview.no_score", ns, NULL, NULL);
        web_puts(p, "</span></p>");
    }
    if (m->unscored) {
        char ns[24];
        snprintf(ns, sizeof ns, "%ld", m->unscored);
        web_puts(p, "<p class=\"note\" id=\"unscored-note\">");
        web_put_trf(p, "overview.unscored", ns, NULL, NULL);
        web_puts(p, "</p>");
    }
    /* the heatmap */
    double *rate = calloc(m->nfam * m->nsec + 1, sizeof *rate);
    long *nn = calloc(m->nfam * m->nsec + 1, sizeof *nn);
    const char *rowt[64];
    for (size_t f = 0; rate && nn && f < m->nfam; f++) {
        rowt[f] = m->fams[f].title;
        for (size_t s = 0; s < m->nsec; s++) {
            rate[f * m->nsec + s] = m->fams[f].total[s] > 0
                                        ? (double)m->fams[f].met[s] / (double)m->fams[f].total[s]
                                        : -1;
            nn[f * m->nsec + s] = m->fams[f].total[s];
        }
    }
    const char *seclabels[64];
    for (size_t s = 0; s < m->nsec && s < 64; s++)
        seclabels[s] = web_sector_label(p, m->sectors[s]);
    if (rate && nn)
        web_chart_heatmap(p, "family-heatmap", web_tr(p, "overview.heatmap_title"), rowt, m->nfam,
                          seclabels, m->nsec, rate, nn);
    web_puts(p, "<p class=\"note\">");
    web_put_tr(p, "overview.heatmap_note");
    web_puts(p, "</p></section>\n");
    free(rate);
    free(nn);
    /* the requirements that fail most */
    web_puts(p, "<section><h2>");
    web_put_tr(p, "overview.top_failures");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "overview.top_failures_note");
    web_puts(p, "</p><table id=\"top-failures\" class=\"data\"><thead><tr>");
    web_th(p, "col.requirement", NULL);
    web_th(p, "col.title", NULL);
    web_th(p, "col.framework", NULL);
    web_th(p, "col.share_failing", "num");
    web_th(p, "col.contractors", "num");
    web_th(p, "col.not_met", "num");
    web_th(p, "col.partial", "num");
    web_th(p, "col.not_assessed", "num");
    web_puts(p, "</tr></thead><tbody>");
    {
        json_array_foreach(m->fails, i, it)
        {
            const char *fw = web_sval(it, "framework");
            const mm_catalog *cat = mm_streq(fw, "800-171r2") ? r->srv->r2 : r->srv->r3;
            const mm_requirement *req = mm_catalog_requirement(cat, web_sval(it, "requirement"));
            web_puts(p, "<tr><td>");
            web_put_req_link(p, web_sval(it, "requirement"), true);
            web_puts(p, "</td><td>");
            web_en(p, req ? req->title : "");
            long long nc = (long long)json_integer_value(json_object_get(it, "contractors"));
            long long na = (long long)json_integer_value(json_object_get(it, "assessed"));
            web_printf(p,
                       "</td><td>%s</td><td class=\"num share\">%.1f%%</td>"
                       "<td class=\"num\">%lld / %lld</td><td class=\"num\">%lld</td>"
                       "<td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
                       web_fw_label(fw), na > 0 ? 100.0 * (double)nc / (double)na : 0.0, nc, na,
                       (long long)json_integer_value(json_object_get(it, "not_met")),
                       (long long)json_integer_value(json_object_get(it, "partial")),
                       (long long)json_integer_value(json_object_get(it, "not_assessed")));
        }
    }
    web_puts(p, "</tbody></table></section>\n");
    /* overdue milestones */
    web_puts(p, "<section><h2>");
    web_put_tr(p, "overview.overdue");
    web_puts(p, "</h2>");
    {
        char n[24];
        snprintf(n, sizeof n, "%lld",
                 (long long)json_integer_value(json_object_get(m->od, "total")));
        web_puts(p, "<p class=\"note\">");
        web_put_trf(p, "overview.overdue_total", n, NULL, NULL);
        web_puts(p, "</p>");
    }
    web_overdue_counts(p, m->odc);
    web_overdue_table(p, json_object_get(m->od, "items"));
    web_puts(p, "<p><a id=\"all-overdue\" href=\"/overdue\">");
    web_put_tr(p, "overview.all_overdue");
    web_puts(p, "</a></p></section>\n");
    /* stale assessments */
    web_puts(p, "<section><h2>");
    web_put_tr(p, "overview.stale");
    web_puts(p, "</h2><table id=\"stale\" class=\"data\"><thead><tr>");
    web_th(p, "col.contractor", NULL);
    web_th(p, "col.assessed", NULL);
    web_th(p, "col.framework", NULL);
    web_th(p, "col.received", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t nstale = 0;
    json_array_foreach(m->all, i, it)
    {
        if (!mm_streq(web_sval(it, "status"), "stale"))
            continue;
        if (++nstale > 50)
            break;
        json_t *l = json_object_get(it, "latest");
        web_printf(p, "<tr><td><a href=\"/contractors/%s\">", web_sval(it, "id"));
        web_user(p, web_sval(it, "name"));
        web_puts(p, "</a></td><td>");
        web_esc(p, web_sval(l, "assessed"));
        web_printf(p, "</td><td>%s</td><td>", web_fw_label(web_sval(l, "framework")));
        web_time(p, web_sval(l, "received"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
    if (m->counts[4] > 50) {
        web_puts(p, "<p><a href=\"/contractors?status=stale\">");
        web_put_tr(p, "overview.all_stale");
        web_puts(p, "</a></p>");
    }
    web_puts(p, "</section>\n");
}

void w_overview(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "overview.title");
    char ckey[96];
    int64_t cver = -1;
    if (web_page_cached(&p, r, ckey, sizeof ckey, "overview", &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    overview_model m;
    json_t *due = NULL; /* plans near their examination deadline (web_sectors.c) */
    if (overview_model_make(&m, r) != MM_OK) {
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    if (national_due_plans(r, &due) != MM_OK) {
        overview_model_free(&m);
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    overview_render(&p, r, &m);
    sectors_due_section(&p, due);
    json_decref(due);
    overview_model_free(&m);
    web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

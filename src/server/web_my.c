/* mamori serve: the contractor's own page and the upload of an assessment (docs/dashboard.md).
 * A submission is taken in by submission_ingest, the same the API calls. */
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
#include "mamori/screen.h"
#include "server/screen_national.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/json.h"

/* ---- the contractor's own pages ---------------------------------------------------------------
 */

static void upload_form(page *p)
{
    web_puts(p, "<form id=\"upload-form\" method=\"post\" action=\"/my/upload\" "
                "enctype=\"multipart/form-data\" class=\"stack\">");
    web_csrf_field(p);
    web_puts(p, "<label for=\"assessment-file\">");
    web_put_tr(p, "my.upload_label");
    web_puts(p, "</label><input id=\"assessment-file\" type=\"file\" name=\"assessment\" "
                "accept=\".json,application/json\" required><p class=\"note\">");
    web_put_tr(p, "my.upload_help");
    web_puts(p, "</p><button id=\"upload\" type=\"submit\">");
    web_put_tr(p, "my.upload");
    web_puts(p, "</button></form>");
}

/* ---- /my: its view model ------------------------------------------------------------------ */

typedef struct my_model {
    json_t *org;        /* the requester's organization */
    json_t *lr;         /* its latest row (latest_view), or null */
    json_t *latest;     /* its latest submission, or NULL */
    json_t *milestones; /* borrowed from latest: the open POA&M milestones */
    long open, inprog, late;
    json_t *subs; /* mm_store_list_submissions */
} my_model;

static void my_model_free(my_model *m)
{
    json_decref(m->org);
    json_decref(m->lr);
    json_decref(m->latest);
    json_decref(m->subs);
    memset(m, 0, sizeof *m);
}

/* MM_OK, or the store's code (m freed). */
static int my_model_make(my_model *m, http_req *r)
{
    memset(m, 0, sizeof *m);
    int rc = mm_store_get_org(r->st, &m->org, r->who.org_id);
    if (rc == MM_OK)
        rc = mm_store_list_submissions(r->st, &m->subs, r->who.org_id, 0, 100);
    if (rc == MM_OK)
        rc = web_latest_row(r, m->org, &m->lr);
    if (rc == MM_OK)
        rc = web_submission_opt(r, web_sval(m->org, "latest_submission"), &m->latest);
    if (rc) {
        my_model_free(m);
        return rc;
    }
    m->milestones = json_object_get(json_object_get(m->latest, "summary"), "milestones");
    size_t i;
    json_t *ms;
    json_array_foreach(m->milestones, i, ms)
    {
        m->open++;
        if (mm_streq(web_sval(ms, "status"), "in-progress"))
            m->inprog++;
        if (web_sval(ms, "due") && strcmp(web_sval(ms, "due"), r->today) < 0)
            m->late++;
    }
    return MM_OK;
}

/* ---- /my: drawing it ----------------------------------------------------------------------- */

/* upload: the upload's result (HTML, may be empty), put after the heading. */
static void my_render(page *p, http_req *r, const my_model *m, mm_buf *upload)
{
    size_t i;
    json_t *ms, *sb;
    web_puts(p, "<h1>");
    web_user(p, web_sval(m->org, "name"));
    web_puts(p, "</h1>\n<div id=\"my-status\" class=\"status-line\">");
    web_badge(p, web_sval(m->lr, "status"));
    web_puts(p, " <span class=\"label\">");
    web_put_tr(p, "col.score");
    web_puts(p, "</span> <span class=\"score\">");
    web_put_score(p, m->lr);
    web_printf(p, "</span> <span class=\"muted\">%s</span>",
               web_fw_label(web_sval(m->lr, "framework")));
    web_printf(p, " <a href=\"/contractors/%s\">", r->who.org_id);
    web_put_tr(p, "my.details");
    web_puts(p, "</a></div>\n");
    if (upload->len)
        mm_buf_puts(&p->b, mm_buf_cstr(upload));
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.upload_title");
    web_puts(p, "</h2>");
    upload_form(p);
    web_puts(p, "</section>\n");
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.poam");
    web_puts(p, "</h2><p id=\"poam-progress\">");
    char a0[24], a1[24], a2[24];
    snprintf(a0, sizeof a0, "%ld", m->open);
    snprintf(a1, sizeof a1, "%ld", m->inprog);
    snprintf(a2, sizeof a2, "%ld", m->late);
    web_put_trf(p, "my.poam_progress", a0, a1, a2);
    web_puts(p, "</p><table id=\"my-poam\" class=\"data\"><thead><tr>");
    web_th(p, "col.requirement", NULL);
    web_th(p, "col.poam", NULL);
    web_th(p, "col.description", NULL);
    web_th(p, "col.due", NULL);
    web_th(p, "col.status", NULL);
    web_puts(p, "</tr></thead><tbody>");
    json_array_foreach(m->milestones, i, ms)
    {
        bool is_late = web_sval(ms, "due") && strcmp(web_sval(ms, "due"), r->today) < 0;
        web_printf(p, "<tr%s><td>", is_late ? " class=\"overdue\"" : "");
        web_esc(p, web_sval(ms, "requirement"));
        web_puts(p, "</td><td>");
        web_user(p, web_sval(ms, "poam_id"));
        web_puts(p, "</td><td>");
        web_user(p, web_sval(ms, "description"));
        web_puts(p, "</td><td>");
        web_esc(p, web_sval(ms, "due"));
        if (is_late) {
            web_puts(p, " <strong class=\"late\">");
            web_put_tr(p, "chart.overdue");
            web_puts(p, "</strong>");
        }
        web_puts(p, "</td><td>");
        web_milestone_status(p, web_sval(ms, "status"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table></section>\n");
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.submissions");
    web_puts(p, "</h2><table id=\"my-submissions\" class=\"data\"><thead><tr>");
    web_th(p, "col.submission", NULL);
    web_th(p, "col.hash", NULL);
    web_th(p, "col.received", NULL);
    web_th(p, "col.assessed", NULL);
    web_th(p, "col.status", NULL);
    web_th(p, "col.score", "num");
    web_puts(p, "</tr></thead><tbody>");
    {
        json_array_foreach(json_object_get(m->subs, "items"), i, sb)
        {
            web_puts(p, "<tr><td class=\"mono\">");
            web_esc(p, web_sval(sb, "id"));
            web_puts(p, "</td><td class=\"mono hash\">");
            web_esc(p, web_sval(sb, "body_hash"));
            web_puts(p, "</td><td>");
            web_time(p, web_sval(sb, "received"));
            web_puts(p, "</td><td>");
            web_esc(p, web_sval(sb, "assessed"));
            web_puts(p, "</td><td>");
            web_badge(p, web_sval(sb, "status"));
            web_puts(p, "</td><td class=\"num\">");
            web_put_score(p, sb);
            web_puts(p, "</td></tr>");
        }
    }
    web_puts(p, "</tbody></table></section>\n<p class=\"links\"><a href=\"/my/tokens\">");
    web_put_tr(p, "nav.tokens");
    web_puts(p, "</a> · <a href=\"/my/keys\">");
    web_put_tr(p, "nav.keys");
    web_puts(p, "</a></p>");
}

/* The /my page after what p already has (an upload's result, or nothing). */
static void my_page(http_req *r, reply *out, page *p, unsigned status)
{
    my_model m;
    json_t *plans = NULL; /* its installation plans and their states (web_sectors.c) */
    int rc = my_model_make(&m, r);
    if (rc == MM_OK && (rc = mm_store_plan_list(r->st, &plans, r->who.org_id)) != MM_OK)
        my_model_free(&m);
    if (rc != MM_OK) {
        mm_buf_free(&p->b);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    p->title = web_tr(p, "my.title");
    p->self = "/my";
    mm_buf upload = p->b; /* the upload's result, if any, goes after the heading */
    p->b = (mm_buf){0};
    my_render(p, r, &m, &upload);
    sectors_my_plans(p, plans);
    json_decref(plans);
    mm_buf_free(&upload);
    my_model_free(&m);
    web_page_finish(p, out, status);
}

void w_my(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    my_page(r, out, &p, 200);
}

/* A file name fit for messages: its last path segment, printable ASCII, not empty. */
static void clean_name(char out[128], const char *name)
{
    const char *base = name ? name : "";
    for (const char *c = base; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    size_t o = 0;
    for (; *base && o < 100; base++)
        out[o++] = ((unsigned char)*base < 0x21 || (unsigned char)*base > 0x7e) ? '_' : *base;
    out[o] = '\0';
    if (!o)
        snprintf(out, 128, "assessment.json");
}

static void preview(page *p, http_req *r, const char *name, const char *data, size_t len)
{
    mm_framework fw;
    mm_assessment *a = NULL;
    mm_result *res = NULL;
    json_t *summary = NULL;
    int rc = mm_assessment_framework(&fw, data, len, name);
    if (rc == MM_OK)
        rc = mm_assessment_parse(&a, fw == MM_FW_R2 ? r->srv->r2 : r->srv->r3, data, len, name);
    if (rc == MM_OK)
        rc = mm_assessment_evaluate_at(&res, a, fw == MM_FW_R2 ? NULL : r->srv->profile,
                                       r->now_unix);
    if (rc == MM_OK)
        rc = mm_submission_summary(&summary, res);
    web_puts(p, "<section id=\"upload-result\" class=\"result\" data-kind=\"preview\"><h2>");
    web_put_tr(p, "upload.preview_title");
    web_puts(p, "</h2>");
    if (rc != MM_OK) {
        web_error_box(p, mm_error_last());
        web_puts(p, "<p class=\"note\">");
        web_put_tr(p, "upload.fix_and_retry");
        web_puts(p, "</p></section>");
        mm_result_free(res);
        mm_assessment_free(a);
        return;
    }
    web_puts(p, "<dl class=\"meta\"><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"upload-status\">");
    web_badge(p, web_sval(summary, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"upload-score\">");
    web_put_score(p, summary);
    web_printf(p, "</dd><dt>");
    web_put_tr(p, "col.framework");
    web_printf(p, "</dd><dd>%s</dd><dt>", web_fw_label(web_sval(summary, "framework")));
    web_put_tr(p, "col.gaps");
    web_printf(p, "</dt><dd>%zu</dd></dl>", json_array_size(json_object_get(summary, "gaps")));
    web_puts(p, "<p class=\"notice\" id=\"not-submitted\">");
    web_put_tr(p, "upload.not_submitted");
    web_puts(p, "</p><pre class=\"cmd\"><code>mamori submit ");
    web_esc(p, name);
    web_puts(p, " --server ");
    const char *host = req_header(r, "Host");
    web_printf(p, "%s://", r->srv->tls ? "https" : "http");
    web_esc(p, host ? host : "SERVER");
    web_puts(p, " --key ORG.key --official \"NAME\" --date YYYY-MM-DD</code></pre>");
    web_put_gaps_table(p, summary, false);
    web_puts(p, "</section>");
    json_decref(summary);
    mm_result_free(res);
    mm_assessment_free(a);
}

static void submitted(page *p, http_req *r, const char *data, size_t len)
{
    char *receipt = NULL;
    act_fail f = {0};
    int irc = submission_ingest_request(r, data, len, &receipt, &f);
    web_puts(p, "<section id=\"upload-result\" class=\"result\" data-kind=\"submission\"><h2>");
    web_put_tr(p, "upload.submitted_title");
    web_puts(p, "</h2>");
    if (irc != MM_OK) {
        web_error_box(p, f.kind == ACT_STORE ? web_tr(p, "error.busy") : f.msg);
        web_puts(p, "</section>");
        return;
    }
    json_t *rec = json_loads(receipt, 0, NULL);
    json_t *rc = json_object_get(rec, "receipt");
    web_puts(p, "<p class=\"ok\" role=\"status\">");
    web_put_tr(p, "upload.accepted");
    web_puts(p, "</p><dl class=\"meta\" id=\"receipt\"><dt>");
    web_put_tr(p, "col.submission");
    web_puts(p, "</dt><dd class=\"mono\" id=\"receipt-id\">");
    web_esc(p, web_sval(rc, "submission_id"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.hash");
    web_puts(p, "</dt><dd class=\"mono\">");
    web_esc(p, web_sval(rc, "body_hash"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.received");
    web_puts(p, "</dt><dd>");
    web_time(p, web_sval(rc, "received"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"upload-status\">");
    web_badge(p, web_sval(rc, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"upload-score\">");
    web_put_score(p, rc);
    web_puts(p, "</dd></dl><details><summary>");
    web_put_tr(p, "upload.receipt_json");
    web_puts(p, "</summary><pre class=\"cmd\"><code>");
    web_esc(p, receipt);
    web_puts(p, "</code></pre></details></section>");
    json_decref(rec);
    free(receipt);
}

void w_upload(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    const mm_form_field *f = mm_form_get(r->form, "assessment");
    unsigned status = 200;
    if (!f || f->len == 0) {
        web_puts(&p, "<section id=\"upload-result\" class=\"result\">");
        web_error_box(&p, web_tr(&p, "upload.no_file"));
        web_puts(&p, "</section>");
        my_page(r, out, &p, 400);
        return;
    }
    char name[128];
    clean_name(name, f->filename);
    /* a signed document (mamori sign) is a submission; anything else is previewed */
    json_t *doc = NULL;
    if (mm_json_load(&doc, f->value, f->len, name, 0) != MM_OK)
        doc = NULL; /* not JSON: previewed, which names the error */
    bool is_signed = json_is_object(doc) && json_object_get(doc, "envelope") &&
                     json_object_get(doc, "signature");
    json_decref(doc);
    if (is_signed)
        submitted(&p, r, f->value, f->len);
    else
        preview(&p, r, name, f->value, f->len);
    my_page(r, out, &p, status);
}

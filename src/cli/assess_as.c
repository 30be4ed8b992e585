/* mamori assess FILE --as FRAMEWORK: the evaluated assessment projected onto another
 * framework through a published crosswalk (include/mamori/project.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/assess_as.h"
#include "cli/cli.h"
#include "mamori/project.h"

static const char *title_of(const mm_criterion *c)
{
    return c->title && *c->title ? c->title : mm_criterion_text(c);
}

static void print_text(FILE *f, const mm_projection *p, const mm_result *res)
{
    const mm_assessment *a = res->assessment;
    fprintf(f, "%s: %s assessment seen as %s\n", a->org_name ? a->org_name : "(no organization)",
            p->source->id, p->target->id);
    fprintf(f, "Through: %s (%s)\n", p->cw->title, p->cw->file);
    fprintf(f,
            "Projected answers are not answers given to %s: each names the %s answer and the "
            "published relation it comes from.\n\n",
            p->target->id, p->source->id);
    fprintf(f,
            "%s: %zu active criteria: %zu projected met, %zu projected not met, %zu must "
            "still be answered",
            p->target->id, p->active, p->met, p->not_met, p->to_answer);
    if (p->conflicts)
        fprintf(f, " (%zu with contradicting relations)", p->conflicts);
    fputs("\n\nProjected (not answered directly):\n", f);
    size_t n = 0;
    for (size_t i = 0; i < p->nitems; i++) {
        const mm_projected *it = &p->items[i];
        if (it->state != MM_PROJ_PROJECTED)
            continue;
        n++;
        fprintf(f, "  %-12s %s (projected) from %s %s %s: %s %s %s\n", it->criterion->id,
                mm_status_name(it->status), p->source->id, it->from,
                mm_status_name(it->from_status), it->from, mm_relation_name(it->via->relation),
                it->criterion->id);
        fprintf(f, "  %-12s source: %s\n", "", it->via->citation);
    }
    if (!n)
        fputs("  (none: no published relation carries an answer)\n", f);
    fputs("\nMust still be answered:\n", f);
    for (size_t i = 0; i < p->nitems; i++) {
        const mm_projected *it = &p->items[i];
        if (it->state == MM_PROJ_PROJECTED || it->criterion->withdrawn)
            continue;
        char t[80];
        snprintf(t, sizeof(t), "%s", title_of(it->criterion));
        char *nl = strchr(t, '\n');
        if (nl)
            *nl = '\0';
        fprintf(f, "  %-12s %s: %s\n", it->criterion->id, t, it->reason);
    }
}

static char *render_json(const mm_projection *p)
{
    json_t *proj = json_array(), *todo = json_array();
    for (size_t i = 0; i < p->nitems; i++) {
        const mm_projected *it = &p->items[i];
        if (it->criterion->withdrawn)
            continue;
        if (it->state == MM_PROJ_PROJECTED) {
            json_array_append_new(
                proj,
                json_pack("{s:s, s:s, s:b, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "id",
                          it->criterion->id, "status", mm_status_name(it->status), "projected", 1,
                          "from", "framework", p->source->id, "criterion", it->from, "status",
                          mm_status_name(it->from_status), "relation", "source", it->via->source,
                          "type", mm_relation_name(it->via->relation), "target", it->via->target,
                          "citation", it->via->citation));
        } else {
            json_array_append_new(todo, json_pack("{s:s, s:s, s:s, s:s}", "id", it->criterion->id,
                                                  "title", it->criterion->title, "state",
                                                  mm_projection_state_name(it->state), "reason",
                                                  it->reason));
        }
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o}", "framework",
                  p->target->id, "from_framework", p->source->id, "crosswalk", "title",
                  p->cw->title, "file", p->cw->file, "summary", "active", (json_int_t)p->active,
                  "projected_met", (json_int_t)p->met, "projected_not_met", (json_int_t)p->not_met,
                  "to_answer", (json_int_t)p->to_answer, "conflicts", (json_int_t)p->conflicts,
                  "projected", proj, "to_answer", todo);
    char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return s;
}

int cli_assess_as(const mm_result *res, const char *as, const char *dir, const char *format,
                  const char *out)
{
    if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        cli_error("assess --as: --format must be text or json");
        return MM_EXIT_USAGE;
    }
    mm_frameworks *set = NULL;
    mm_crosswalk *cw = NULL;
    mm_projection *p = NULL;
    int code = MM_EXIT_OK;
    const char *from = mm_framework_name(res->assessment->framework);
    int rc = mm_frameworks_load(&set, dir);
    if (!rc)
        rc = mm_frameworks_crosswalk(&cw, set, from, as);
    if (rc == MM_ENOTFOUND) {
        cli_error("assess --as %s: %s", as, mm_error_last());
        code = MM_EXIT_USAGE;
        goto done;
    }
    if (!rc)
        rc = mm_project(&p, res, mm_frameworks_pack(set, from), mm_frameworks_pack(set, as), cw);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    FILE *f = stdout;
    if (out && strcmp(out, "-") != 0 && !(f = fopen(out, "w"))) {
        cli_error("%s: cannot write", out);
        code = MM_EXIT_USAGE;
        goto done;
    }
    if (format && strcmp(format, "json") == 0) {
        char *s = render_json(p);
        if (s) {
            fputs(s, f);
            fputc('\n', f);
        } else {
            code = cli_fail(MM_ENOMEM);
        }
        free(s);
    } else {
        print_text(f, p, res);
    }
    if (f != stdout && fclose(f) != 0) {
        cli_error("%s: cannot write", out);
        code = MM_EXIT_USAGE;
    }
done:
    mm_projection_free(p);
    mm_crosswalk_free(cw);
    mm_frameworks_free(set);
    return code;
}

/* mamori crosswalk A B: what covers each criterion of framework A in framework B, with the
 * relation and its cited source, and what has no counterpart either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "i18n/i18n.h"
#include "mamori/framework.h"
#include "mamori/report.h"

static const char usage_text[] =
    "usage: mamori crosswalk A B [--format text|json|html|oscal] [--frameworks DIR]\n"
    "                            [--lang en|ja]\n"
    "       mamori crosswalk --list [--frameworks DIR]\n"
    "\n"
    "  Lists, for each criterion of framework A, what covers it in framework B (the relation:\n"
    "  equivalent, subset, superset, intersects; and the published source of each), then,\n"
    "  first in the output, what has no counterpart either way. Only published relations are\n"
    "  shown; crosswalks are never composed through a third framework. See docs/frameworks.md.\n"
    "\n"
    "  A, B              framework ids: 800-171r3, 800-171r2, 800-53r5, or a pack of DIR\n"
    "  --format F        text (default), json, html (the two side by side, no-counterpart\n"
    "                    rows first), or oscal (an OSCAL 1.2 mapping collection)\n"
    "  --frameworks DIR  also load the packs and crosswalks of DIR (and DIR/crosswalks)\n"
    "  --list            list the loaded frameworks and crosswalks\n"
    "  --lang en|ja      the language of the html output's headings and labels (the\n"
    "                    frameworks' text stays as published); default from LC_ALL,\n"
    "                    LC_MESSAGES, LANG\n";

/* The first line of s, cut to max bytes on a UTF-8 boundary, into out. */
static void first_line(char *out, size_t size, const char *s, size_t max)
{
    size_t n = strcspn(s, "\n");
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

static const char *label(const mm_criterion *c)
{
    return c->title && *c->title ? c->title : mm_criterion_text(c);
}

static void print_text(const mm_compare *cmp)
{
    char line[128];
    printf("Crosswalk %s -> %s: %s\n", cmp->a->id, cmp->b->id, cmp->cw->title);
    printf("Source of the relations: %s\n", cmp->cw->file);
    if (cmp->cw->nset_maps)
        printf("Also %zu relations between sets of criteria (a whole scheme recognised), which "
               "say nothing about one criterion and are not listed here.\n",
               cmp->cw->nset_maps);
    putchar('\n');
    printf("No counterpart in %s: %zu of %zu active criteria of %s\n", cmp->b->id, cmp->a_only,
           cmp->a_active, cmp->a->id);
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != MM_CMP_A_ONLY)
            continue;
        first_line(line, sizeof(line), label(r->a), 70);
        printf("  %-12s %s\n", r->a->id, line);
        if (r->rel)
            printf("  %-12s (published: no relationship to %s; %s)\n", "", r->rel->target,
                   r->rel->citation);
    }
    printf("\nNo counterpart in %s: %zu of %zu active criteria of %s\n", cmp->a->id, cmp->b_only,
           cmp->b_active, cmp->b->id);
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != MM_CMP_B_ONLY)
            continue;
        first_line(line, sizeof(line), label(r->b), 70);
        printf("  %-12s %s\n", r->b->id, line);
    }
    printf("\nWhat covers each criterion of %s in %s:\n", cmp->a->id, cmp->b->id);
    const mm_criterion *last = NULL;
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != MM_CMP_RELATED)
            continue;
        if (r->a != last) {
            first_line(line, sizeof(line), label(r->a), 70);
            printf("  %s  %s\n", r->a->id, line);
            last = r->a;
        }
        first_line(line, sizeof(line), r->b ? label(r->b) : "", 60);
        printf("    %-10s %-12s %s\n", mm_relation_name(r->rel->relation), r->rel->target, line);
        printf("    %-10s source: %s\n", "", r->rel->citation);
    }
}

static json_t *crit_json(const mm_criterion *c)
{
    return json_pack("{s:s, s:s, s:s}", "id", c->id, "title", c->title ? c->title : "", "text",
                     mm_criterion_text(c));
}

static int print_json(const mm_compare *cmp)
{
    json_t *a_only = json_array(), *b_only = json_array(), *rows = json_array();
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind == MM_CMP_A_ONLY) {
            json_array_append_new(a_only, crit_json(r->a));
        } else if (r->kind == MM_CMP_B_ONLY) {
            json_array_append_new(b_only, crit_json(r->b));
        } else {
            json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "source", r->rel->source, "target",
                                  r->rel->target, "relation", mm_relation_name(r->rel->relation),
                                  "citation", r->rel->citation);
            if (o && r->rel->remarks)
                json_object_set_new(o, "remarks", json_string(r->rel->remarks));
            json_array_append_new(rows, o);
        }
    }
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "from", cmp->a->id, "to", cmp->b->id,
                  "crosswalk", cmp->cw->title, "file", cmp->cw->file, "no_counterpart_in_to",
                  a_only, "no_counterpart_in_from", b_only, "relations", rows);
    char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!s)
        return cli_fail(MM_ENOMEM);
    puts(s);
    free(s);
    return MM_EXIT_OK;
}

static void print_list(const mm_frameworks *set)
{
    printf("Frameworks:\n");
    for (size_t i = 0; i < mm_frameworks_npacks(set); i++) {
        const mm_pack *p = mm_frameworks_pack_at(set, i);
        printf("  %-16s %4zu criteria  %s (%s)\n", p->id, mm_pack_active_count(p), p->title,
               p->source);
    }
    printf("Crosswalks:\n");
    for (size_t i = 0; i < mm_frameworks_ncrosswalks(set); i++) {
        const mm_crosswalk *cw = mm_frameworks_crosswalk_at(set, i);
        printf("  %s -> %s  %zu relations", cw->source_pack, cw->target_pack, cw->nrows);
        if (cw->nset_maps)
            printf(" (+%zu between sets of criteria)", cw->nset_maps);
        printf("  %s\n", cw->file);
    }
}

int cmd_crosswalk(int argc, char **argv)
{
    const char *format = "text", *dir = NULL, *lang = NULL;
    bool list = false;
    const cli_option opts[] = {
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "frameworks", .takes_value = true, .value = &dir},
        {.name = "list", .flag = &list},
        {.name = "lang", .takes_value = true, .value = &lang},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    cli_set_lang(lang); /* its messages, and --help, in the language asked (a known one) */
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "html") != 0 &&
        strcmp(format, "oscal") != 0) {
        cli_error("crosswalk: unknown --format '%s': expected text, json, html or oscal", format);
        return MM_EXIT_USAGE;
    }
    if (lang && !mm_i18n_known(lang)) {
        cli_error_tr("cli.err.lang", lang, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    if (list ? a.npos != 0 : a.npos != 2) {
        cli_error("crosswalk: expected two framework ids (A B), or --list");
        return MM_EXIT_USAGE;
    }
    mm_frameworks *set = NULL;
    int rc = mm_frameworks_load(&set, dir);
    if (rc)
        return cli_fail(rc);
    if (list) {
        print_list(set);
        mm_frameworks_free(set);
        return MM_EXIT_OK;
    }
    mm_crosswalk *cw = NULL;
    mm_compare *cmp = NULL;
    int code = MM_EXIT_OK;
    rc = mm_frameworks_crosswalk(&cw, set, a.pos[0], a.pos[1]);
    if (rc) {
        code =
            rc == MM_ENOTFOUND ? (cli_error("%s", mm_error_last()), MM_EXIT_USAGE) : cli_fail(rc);
        goto done;
    }
    if (strcmp(format, "oscal") == 0) {
        char *s = mm_crosswalk_to_oscal(cw);
        if (!s) {
            code = cli_fail(MM_ENOMEM);
            goto done;
        }
        puts(s);
        free(s);
        goto done;
    }
    rc = mm_compare_build(&cmp, mm_frameworks_pack(set, a.pos[0]),
                          mm_frameworks_pack(set, a.pos[1]), cw);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    if (strcmp(format, "html") == 0) {
        char *html = NULL;
        size_t hlen;
        rc = mm_report_compare_html(&html, &hlen, cmp, false,
                                    &(mm_report_options){.lang = cli_lang()});
        if (rc)
            code = cli_fail(rc);
        else
            fwrite(html, 1, hlen, stdout);
        free(html);
    } else if (strcmp(format, "json") == 0)
        code = print_json(cmp);
    else
        print_text(cmp);
done:
    mm_compare_free(cmp);
    mm_crosswalk_free(cw);
    mm_frameworks_free(set);
    return code;
}

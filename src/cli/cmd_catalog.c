/* mamori catalog list|show|search: the requirements of SP 800-171 Rev 3 and Rev 2. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/report.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori catalog list   [--framework 800-171r3|800-171r2] [--format text|json]\n"
    "       mamori catalog show   ID [--framework F] [--odp PROFILE.json] [--format text|json]\n"
    "       mamori catalog search WORDS [--framework F] [--format text|json]\n"
    "       mamori catalog export --framework 800-171r2 --format oscal|oscal-profile [-o OUT]\n"
    "\n"
    "  --framework F   800-171r3 (default) or 800-171r2\n"
    "  --format F      text (default) or json; export: oscal (Rev 2 as an OSCAL 1.1.3\n"
    "                  catalog) or oscal-profile (a profile importing it whole)\n"
    "  -o, --output F  export: write to F (atomically) instead of standard output\n"
    "  --odp FILE      ODP profile whose values fill the requirement text (Rev 3; default:\n"
    "                  the DoD values of 2025-04-10, embedded)\n"
    "  --content DIR   read catalogs from DIR/catalogs instead of the embedded copies\n";

static json_t *str_array_json(const char **items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(items[i]));
    return arr;
}

static json_t *requirement_json(const mm_catalog *cat, const mm_requirement *r, bool full,
                                const mm_profile *prof)
{
    const mm_family *f = &cat->families[r->family];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "family", json_string(f->id));
    json_object_set_new(o, "family_abbrev", json_string(f->abbrev));
    json_object_set_new(o, "family_title", json_string(f->title));
    json_object_set_new(o, "title", json_string(r->title));
    json_object_set_new(o, "withdrawn", json_boolean(r->withdrawn));
    if (r->withdrawn) {
        json_object_set_new(o, "withdrawn_relation",
                            r->withdrawn_relation ? json_string(r->withdrawn_relation)
                                                  : json_null());
        json_object_set_new(o, "withdrawn_to", str_array_json(r->withdrawn_to, r->nwithdrawn_to));
    }
    json_t *objs = json_array();
    for (size_t i = 0; i < r->nobjectives; i++)
        json_array_append_new(objs, json_string(r->objectives[i].id));
    json_object_set_new(o, "objectives", objs);
    json_object_set_new(o, cat->framework == MM_FW_R3 ? "r2_sources" : "r3_targets",
                        str_array_json(r->related, r->nrelated));
    json_object_set_new(o, cat->framework == MM_FW_R3 ? "sp800_53r5" : "sp800_53r4",
                        str_array_json(r->controls, r->ncontrols));
    if (cat->framework == MM_FW_R2) {
        json_object_set_new(o, "sprs_points",
                            r->sprs_na ? json_null() : json_integer(r->sprs_points));
        if (r->sprs_partial)
            json_object_set_new(o, "sprs_partial_points", json_integer(r->sprs_partial));
        json_object_set_new(o, "basic", json_boolean(r->basic));
        json_object_set_new(o, "far_52_204_21", json_boolean(r->far_52_204_21));
        json_object_set_new(o, "cmmc_id", r->cmmc_id ? json_string(r->cmmc_id) : json_null());
        if (r->related_note)
            json_object_set_new(o, "r3_disposition", json_string(r->related_note));
    }
    if (!full)
        return o;
    mm_odp_lookup lookup = NULL;
    void *ctx = NULL;
    (void)lookup;
    (void)ctx;
    if (r->statement) {
        char *s = mm_catalog_render(cat, r->statement, NULL, NULL, "", "");
        json_object_set_new(o, "statement_template", json_string(s ? s : ""));
        free(s);
    }
    json_object_set_new(o, "guidance", r->guidance ? json_string(r->guidance) : json_null());
    json_t *odps = json_array();
    for (size_t i = 0; i < r->nodps; i++) {
        const mm_odp *p = &r->odps[i];
        json_t *po = json_object();
        json_object_set_new(po, "id", json_string(p->id));
        json_object_set_new(po, "label", p->label ? json_string(p->label) : json_null());
        json_object_set_new(po, "guideline",
                            p->guideline ? json_string(p->guideline) : json_null());
        if (p->nchoices) {
            json_object_set_new(po, "how_many", json_string(p->how_many));
            json_object_set_new(po, "choices", str_array_json(p->choices, p->nchoices));
        }
        const mm_profile_value *pv = prof ? &prof->values[p - cat->odps] : NULL;
        json_object_set_new(po, "value", pv && pv->value ? json_string(pv->value) : json_null());
        json_object_set_new(po, "fixed", json_boolean(pv && pv->value && pv->fixed));
        json_array_append_new(odps, po);
    }
    json_object_set_new(o, "odps", odps);
    json_t *objd = json_array();
    for (size_t i = 0; i < r->nobjectives; i++) {
        json_t *ob = json_object();
        json_object_set_new(ob, "id", json_string(r->objectives[i].id));
        json_object_set_new(ob, "text", json_string(r->objectives[i].text));
        json_array_append_new(objd, ob);
    }
    json_object_set_new(o, "objective_details", objd);
    json_t *meths = json_array();
    for (size_t i = 0; i < r->nmethods; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "method", json_string(r->methods[i].method));
        json_object_set_new(m, "objects",
                            str_array_json(r->methods[i].objects, r->methods[i].nobjects));
        json_array_append_new(meths, m);
    }
    json_object_set_new(o, "methods", meths);
    return o;
}

typedef struct profile_ctx {
    const mm_catalog *cat;
    const mm_profile *prof;
} profile_ctx;

static const char *profile_lookup(void *ctx, const char *id)
{
    profile_ctx *pc = ctx;
    const mm_odp *o = mm_catalog_odp(pc->cat, id);
    if (!o || !pc->prof)
        return NULL;
    return pc->prof->values[o - pc->cat->odps].value;
}

static int print_json(json_t *root)
{
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s) {
        cli_error("out of memory");
        return MM_EXIT_FINDINGS;
    }
    puts(s);
    free(s);
    return MM_EXIT_OK;
}

static void print_wrapped(const char *indent, const char *text)
{
    /* keep the catalog's own line breaks; wrap long lines at 96 columns */
    const char *s = text;
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        size_t lead = 0;
        while (lead < len && s[lead] == ' ')
            lead++;
        size_t col = 0;
        printf("%s%.*s", indent, (int)lead, s);
        col = strlen(indent) + lead;
        size_t i = lead;
        while (i < len) {
            size_t w = i;
            while (w < len && s[w] != ' ')
                w++;
            size_t wl = w - i;
            if (col + wl > 96 && col > strlen(indent) + lead) {
                printf("\n%s%*s", indent, (int)lead + 3, "");
                col = strlen(indent) + lead + 3;
            }
            printf("%.*s", (int)wl, s + i);
            col += wl;
            while (w < len && s[w] == ' ') {
                if (w + 1 < len && col < 96)
                    putchar(' ');
                col++;
                w++;
            }
            i = w;
        }
        putchar('\n');
        s = nl ? nl + 1 : NULL;
    }
}

/* The requirement of id in cat, also when id names one of its objectives; NULL if neither. */
static const mm_requirement *find(const mm_catalog *cat, const char *id)
{
    const mm_requirement *r = mm_catalog_requirement(cat, id);
    if (!r) {
        const mm_objective *o = mm_catalog_objective(cat, id);
        if (o)
            r = &cat->requirements[o->requirement];
    }
    return r;
}

/* Reads a requirement id typed loosely: three numbers separated by '.', '-' or ' ', where
 * the letters l and I stand for 1 and O and o for 0 ("3.1.l", "03.01.1", "3-01-01").
 * False when id is not three numbers below 100. */
static bool loose_id(const char *id, unsigned n[3])
{
    size_t k = 0;
    bool digit = false;
    n[0] = n[1] = n[2] = 0;
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (c == 'l' || c == 'I')
            c = '1';
        else if (c == 'O' || c == 'o')
            c = '0';
        if (c >= '0' && c <= '9') {
            n[k] = n[k] * 10 + (unsigned)(c - '0');
            if (n[k] > 99)
                return false;
            digit = true;
        } else if ((c == '.' || c == '-' || c == ' ') && digit && k < 2) {
            k++;
            digit = false;
        } else {
            return false;
        }
    }
    return k == 2 && digit;
}

/* The message for an id that cat does not have: the framework it belongs to, or the id it
 * was probably meant to be. */
static int unknown_id(const mm_catalog *cat, const char *id, const char *content)
{
    mm_framework other_fw = cat->framework == MM_FW_R3 ? MM_FW_R2 : MM_FW_R3;
    const char *other_rev = other_fw == MM_FW_R3 ? "Rev 3" : "Rev 2";
    const char *other_flag = other_fw == MM_FW_R3 ? "r3" : "r2";
    mm_catalog *other = NULL;
    if (mm_catalog_load(&other, other_fw, cli_content_dir(content)) != MM_OK)
        other = NULL; /* only for a better message: without it, the plain one */
    const mm_requirement *r = other ? find(other, id) : NULL;
    if (r) {
        cli_error("%s is a %s id; use --framework %s", id, other_rev, other_flag);
        mm_catalog_free(other);
        return MM_EXIT_USAGE;
    }
    unsigned n[3];
    char mine[16] = "", theirs[16] = "";
    if (loose_id(id, n)) {
        for (int i = 0; i < 2; i++) {
            mm_framework fw = i == 0 ? cat->framework : other_fw;
            char *buf = i == 0 ? mine : theirs;
            const mm_catalog *c = i == 0 ? cat : other;
            if (fw == MM_FW_R3)
                snprintf(buf, sizeof(mine), "%02u.%02u.%02u", n[0], n[1], n[2]);
            else
                snprintf(buf, sizeof(mine), "%u.%u.%u", n[0], n[1], n[2]);
            if (!c || !mm_catalog_requirement(c, buf))
                buf[0] = '\0';
        }
    }
    if (mine[0])
        cli_error("unknown requirement '%s' in %s; did you mean %s?", id,
                  mm_framework_name(cat->framework), mine);
    else if (theirs[0])
        cli_error("unknown requirement '%s' in %s; did you mean %s (a %s id; use --framework "
                  "%s)?",
                  id, mm_framework_name(cat->framework), theirs, other_rev, other_flag);
    else
        cli_error("unknown requirement '%s' in %s (try 'mamori catalog search')", id,
                  mm_framework_name(cat->framework));
    mm_catalog_free(other);
    return MM_EXIT_USAGE;
}

static int show(const mm_catalog *cat, const char *id, bool json, const mm_profile *prof,
                const char *content)
{
    const mm_requirement *r = find(cat, id);
    if (!r)
        return unknown_id(cat, id, content);
    if (json)
        return print_json(requirement_json(cat, r, true, prof));
    profile_ctx pc = {cat, prof};
    const mm_family *f = &cat->families[r->family];
    const char *heading = cat->framework == MM_FW_R3 && !r->withdrawn ? r->title
                          : r->cmmc_id                                ? r->cmmc_id
                                                                      : "";
    printf("%s  %s%s\n", r->id, heading, r->withdrawn ? "[withdrawn]" : "");
    printf("Family: %s %s (%s)\n", f->id, f->title, f->abbrev);
    if (r->withdrawn) {
        printf("Withdrawn: %s", r->withdrawn_relation ? r->withdrawn_relation : "no target");
        for (size_t i = 0; i < r->nwithdrawn_to; i++)
            printf("%s%s", i ? ", " : " ", r->withdrawn_to[i]);
        printf("\n");
        return MM_EXIT_OK;
    }
    if (cat->framework == MM_FW_R2) {
        if (r->sprs_na)
            printf("SPRS points: NA (no score without it)\n");
        else if (r->sprs_partial)
            printf("SPRS points: %d (%d when partially implemented: %s)\n", r->sprs_points,
                   r->sprs_partial, r->partial_condition);
        else
            printf("SPRS points: %d\n", r->sprs_points);
        printf("Type: %s%s   CMMC: %s%s\n", r->basic ? "basic" : "derived",
               r->far_52_204_21 ? " (FAR 52.204-21)" : "", r->cmmc_id ? r->cmmc_id : "-",
               r->never_on_poam ? " (never on a POA&M)" : "");
    }
    printf("\nRequirement\n");
    char *st = mm_catalog_render(cat, r->statement, profile_lookup, &pc, "", "");
    print_wrapped("  ", st ? st : "");
    free(st);
    if (r->nodps) {
        printf("\nOrganization-defined parameters%s%s\n", prof ? " from " : "",
               prof ? prof->name : "");
        for (size_t i = 0; i < r->nodps; i++) {
            const mm_odp *p = &r->odps[i];
            const mm_profile_value *pv = prof ? &prof->values[p - cat->odps] : NULL;
            printf("  %s  %s\n", p->id, p->guideline ? p->guideline : "");
            if (pv && pv->value) {
                char line[64];
                snprintf(line, sizeof(line), "    %s: ", pv->guidance ? "guidance" : "value");
                printf("%s", line);
                print_wrapped("", pv->value);
            }
        }
    }
    printf("\nAssessment objectives (%zu)\n", r->nobjectives);
    for (size_t i = 0; i < r->nobjectives; i++) {
        char *t = mm_catalog_render(cat, r->objectives[i].text, profile_lookup, &pc, "", "");
        printf("  %-22s ", r->objectives[i].id);
        print_wrapped("", t ? t : "");
        free(t);
    }
    for (size_t i = 0; i < r->nmethods; i++) {
        printf("\n%c%s:\n", toupper((unsigned char)r->methods[i].method[0]),
               r->methods[i].method + 1);
        for (size_t j = 0; j < r->methods[i].nobjects; j++)
            printf("  - %s\n", r->methods[i].objects[j]);
    }
    if (r->ncontrols) {
        printf("\nSP 800-53 %s:", cat->framework == MM_FW_R3 ? "Rev 5 sources" : "Rev 4 mapping");
        for (size_t i = 0; i < r->ncontrols; i++)
            printf("%s%s", i ? ", " : " ", r->controls[i]);
        printf("\n");
    }
    if (r->nrelated) {
        printf("%s:", cat->framework == MM_FW_R3 ? "Rev 2 sources" : "Rev 3");
        for (size_t i = 0; i < r->nrelated; i++)
            printf("%s%s", i ? ", " : " ", r->related[i]);
        if (r->related_note)
            printf(" (%s)", r->related_note);
        printf("\n");
    }
    if (r->guidance) {
        printf("\nDiscussion\n");
        print_wrapped("  ", r->guidance);
    }
    return MM_EXIT_OK;
}

/* Case-insensitive substring test that ignores hyphens on both sides, so "multifactor"
 * finds "Multi-Factor". */
static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay || !*needle)
        return false;
    for (; *hay; hay++) {
        const char *h = hay, *n = needle;
        while (*h && *n) {
            if (*h == '-') {
                h++;
                continue;
            }
            if (*n == '-') {
                n++;
                continue;
            }
            if (tolower((unsigned char)*h) != tolower((unsigned char)*n))
                break;
            h++;
            n++;
        }
        while (*n == '-')
            n++;
        if (!*n)
            return true;
    }
    return false;
}

typedef struct hit {
    size_t req;
    int score;
    const char *where;
} hit;

/* Every word must occur somewhere in the requirement; a word in the id or title counts
 * most, then statement and objectives, then discussion and SP 800-53 ids. */
static int match(const mm_requirement *r, char **words, size_t nwords, const char **where)
{
    int score = 0;
    *where = NULL;
    for (size_t w = 0; w < nwords; w++) {
        const char *wd = words[w];
        int best = 0;
        const char *at = NULL;
        if (contains_ci(r->id, wd) || contains_ci(r->title, wd)) {
            best = 4;
            at = "title";
        } else if (contains_ci(r->statement, wd)) {
            best = 3;
            at = "statement";
        } else {
            for (size_t j = 0; j < r->nobjectives && !best; j++)
                if (contains_ci(r->objectives[j].text, wd) ||
                    contains_ci(r->objectives[j].id, wd)) {
                    best = 3;
                    at = "objective";
                }
            for (size_t j = 0; j < r->ncontrols && !best; j++)
                if (contains_ci(r->controls[j], wd)) {
                    best = 2;
                    at = "sp800-53";
                }
            if (!best && contains_ci(r->guidance, wd)) {
                best = 1;
                at = "discussion";
            }
        }
        if (!best)
            return 0;
        if (!*where || best > score / (int)(w ? w : 1))
            *where = at;
        score += best;
    }
    return score;
}

static int search(const mm_catalog *cat, char **words, size_t nwords, const char *query, bool json)
{
    hit *hits = calloc(cat->nrequirements + 1, sizeof(hit));
    size_t nhits = 0;
    if (!hits) {
        cli_error("out of memory");
        return MM_EXIT_USAGE;
    }
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const char *where;
        int sc = match(&cat->requirements[i], words, nwords, &where);
        if (!sc)
            continue;
        size_t j = nhits++;
        for (; j > 0 && hits[j - 1].score < sc; j--) /* stable: best first */
            hits[j] = hits[j - 1];
        hits[j] = (hit){i, sc, where};
    }
    int code = MM_EXIT_OK;
    if (json) {
        json_t *arr = json_array();
        for (size_t k = 0; k < nhits; k++) {
            json_t *o = requirement_json(cat, &cat->requirements[hits[k].req], false, NULL);
            json_object_set_new(o, "matched_in", json_string(hits[k].where));
            json_array_append_new(arr, o);
        }
        json_t *root = json_object();
        json_object_set_new(root, "framework", json_string(mm_framework_name(cat->framework)));
        json_object_set_new(root, "query", json_string(query));
        json_object_set_new(root, "requirements", arr);
        code = print_json(root);
    } else {
        for (size_t k = 0; k < nhits; k++) {
            const mm_requirement *r = &cat->requirements[hits[k].req];
            printf("%-9s %-10s %.80s%s\n", r->id, hits[k].where, r->title,
                   strlen(r->title) > 80 ? "..." : "");
        }
        if (!nhits)
            fprintf(stderr, "mamori: no requirement matches '%s'\n", query);
    }
    free(hits);
    return code;
}

static int list(const mm_catalog *cat, bool json)
{
    if (json) {
        json_t *root = json_object();
        json_object_set_new(root, "framework", json_string(mm_framework_name(cat->framework)));
        json_object_set_new(root, "title", json_string(cat->title ? cat->title : ""));
        json_object_set_new(root, "version", json_string(cat->version ? cat->version : ""));
        json_object_set_new(root, "active_requirements",
                            json_integer((json_int_t)mm_catalog_active_count(cat)));
        json_object_set_new(root, "objectives", json_integer((json_int_t)cat->nobjectives));
        json_t *fams = json_array();
        for (size_t i = 0; i < cat->nfamilies; i++) {
            json_t *f = json_object();
            json_object_set_new(f, "id", json_string(cat->families[i].id));
            json_object_set_new(f, "abbrev", json_string(cat->families[i].abbrev));
            json_object_set_new(f, "title", json_string(cat->families[i].title));
            json_array_append_new(fams, f);
        }
        json_object_set_new(root, "families", fams);
        json_t *arr = json_array();
        for (size_t i = 0; i < cat->nrequirements; i++)
            json_array_append_new(arr, requirement_json(cat, &cat->requirements[i], false, NULL));
        json_object_set_new(root, "requirements", arr);
        return print_json(root);
    }
    for (size_t f = 0; f < cat->nfamilies; f++) {
        const mm_family *fam = &cat->families[f];
        printf("%s %s (%s)\n", fam->id, fam->title, fam->abbrev);
        for (size_t i = fam->first; i < fam->first + fam->count; i++) {
            const mm_requirement *r = &cat->requirements[i];
            if (r->withdrawn) {
                printf("  %-9s withdrawn%s%s", r->id, r->withdrawn_relation ? ": " : "",
                       r->withdrawn_relation ? r->withdrawn_relation : "");
                for (size_t j = 0; j < r->nwithdrawn_to; j++)
                    printf("%s%s", j ? ", " : " ", r->withdrawn_to[j]);
                printf("\n");
            } else {
                printf("  %-9s %.84s%s  [%zu]\n", r->id, r->title,
                       strlen(r->title) > 84 ? "..." : "", r->nobjectives);
            }
        }
    }
    printf("\n%s: %zu requirements (%zu withdrawn), %zu objectives\n",
           mm_framework_name(cat->framework), mm_catalog_active_count(cat),
           cat->nrequirements - mm_catalog_active_count(cat), cat->nobjectives);
    return MM_EXIT_OK;
}

/* catalog export: the Rev 2 catalog, or the profile importing it, as OSCAL 1.1.3 JSON. */
static int export_oscal(mm_framework fw, const char *format, const char *content, const char *out)
{
    bool profile = strcmp(format, "oscal-profile") == 0;
    if (!profile && strcmp(format, "oscal") != 0) {
        cli_error("catalog export: unknown format '%s': expected oscal or oscal-profile", format);
        return MM_EXIT_USAGE;
    }
    mm_catalog *cat = NULL;
    char *s = NULL;
    size_t n = 0;
    mm_report_options ro = {.now = cli_now(), .tool_version = MM_VERSION};
    int rc = mm_catalog_load(&cat, fw, cli_content_dir(content));
    if (!rc)
        rc = profile ? mm_report_oscal_profile(&s, &n, cat, &ro)
                     : mm_report_oscal_catalog(&s, &n, cat, &ro);
    if (!rc)
        rc = mm_file_write_atomic(out ? out : "-", s, n);
    free(s);
    mm_catalog_free(cat);
    return rc ? cli_fail(rc) : MM_EXIT_OK;
}

int cmd_catalog(int argc, char **argv)
{
    const char *fw_name = NULL, *format = "text", *odp = NULL, *content = NULL, *out = NULL;
    const cli_option opts[] = {
        {.name = "framework", .takes_value = true, .value = &fw_name},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "odp", .takes_value = true, .value = &odp},
        {.name = "content", .takes_value = true, .value = &content},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos < 1) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    mm_framework fw = MM_FW_R3;
    if (fw_name && mm_framework_parse(&fw, fw_name) != MM_OK)
        return cli_fail(MM_EINVALID);
    if (strcmp(a.pos[0], "export") == 0)
        return export_oscal(fw_name ? fw : MM_FW_R3, format, content, out);
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        cli_error("unknown format '%s': expected text or json", format);
        return MM_EXIT_USAGE;
    }
    const char *sub = a.pos[0];
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "search") != 0) {
        cli_error("unknown catalog command '%s': expected list, show, search or export", sub);
        return MM_EXIT_USAGE;
    }
    if (strcmp(sub, "list") != 0 && a.npos < 2) {
        cli_error("catalog %s needs %s", sub, strcmp(sub, "show") == 0 ? "an ID" : "WORDS");
        return MM_EXIT_USAGE;
    }
    mm_catalog *cat = NULL;
    mm_profile *prof = NULL;
    int rc = mm_catalog_load(&cat, fw, cli_content_dir(content));
    if (rc)
        return cli_fail(rc);
    int code;
    if (strcmp(sub, "list") == 0) {
        code = list(cat, json);
    } else if (strcmp(sub, "search") == 0) {
        char query[512] = "", buf[512];
        char *words[64];
        size_t nwords = 0;
        for (size_t i = 1; i < a.npos; i++) {
            if (i > 1)
                strncat(query, " ", sizeof(query) - strlen(query) - 1);
            strncat(query, a.pos[i], sizeof(query) - strlen(query) - 1);
        }
        memcpy(buf, query, sizeof(buf));
        for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w && nwords < 64;
             w = strtok_r(NULL, " \t", &save))
            words[nwords++] = w;
        if (!nwords) {
            cli_error("catalog search needs WORDS");
            code = MM_EXIT_USAGE;
            goto done;
        }
        code = search(cat, words, nwords, query, json);
    } else {
        if (fw == MM_FW_R3) {
            rc = mm_profile_load(&prof, cat, odp);
            if (rc) {
                code = cli_fail(rc);
                goto done;
            }
        } else if (odp) {
            cli_error("--odp applies to 800-171r3 only: Rev 2 has no ODPs");
            code = MM_EXIT_USAGE;
            goto done;
        }
        code = show(cat, a.pos[1], json, prof, content);
    }
done:
    mm_profile_free(prof);
    mm_catalog_free(cat);
    return code;
}

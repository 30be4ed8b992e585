/*
 * bench_report: library timings of mamori, printed as Markdown tables (bench/run.sh puts
 * them into docs/benchmarks.md).
 *
 *   bench_report [-n RUNS] [--example FILE] [--write-full FILE]
 *
 * Measures, each as the median (and min, max) of RUNS runs after one warm-up run, with
 * CLOCK_MONOTONIC: loading the embedded Rev 3 and Rev 2 catalogs and the DoD ODP profile;
 * parsing and evaluating the example assessment (FILE, default
 * examples/hokuto/assessment-r3.json) and a full Rev 3 assessment generated here with every
 * objective answered on its own; rendering the full assessment in every report format.
 * A format whose renderer fails is listed as "not available". --write-full also writes the
 * generated assessment to FILE, for the CLI timings of bench/run.sh. Ends with the peak RSS
 * of the process (getrusage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/catalog.h"
#include "mamori/error.h"
#include "mamori/report.h"

#define DEFAULT_RUNS    21
#define DEFAULT_EXAMPLE "examples/hokuto/assessment-r3.json"

typedef struct bench_ctx {
    mm_framework fw;
    const mm_catalog *cat;
    const mm_profile *profile;
    const char *data; /* assessment text */
    size_t len;
    const char *name;
    const mm_assessment *assessment;
    const mm_result *result;
    mm_report_format fmt;
    size_t out_bytes; /* size of the last rendered report */
} bench_ctx;

/* One run: does the work, times only the part measured into *ms, frees what it made. */
typedef int (*bench_fn)(bench_ctx *ctx, double *ms);

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the measured operations ---------------------------------------------------------- */

static int run_catalog_load(bench_ctx *ctx, double *ms)
{
    mm_catalog *cat = NULL;
    double t0 = now_ms();
    int rc = mm_catalog_load(&cat, ctx->fw, NULL);
    *ms = now_ms() - t0;
    mm_catalog_free(cat);
    return rc;
}

static int run_profile_load(bench_ctx *ctx, double *ms)
{
    mm_profile *p = NULL;
    double t0 = now_ms();
    int rc = mm_profile_load(&p, ctx->cat, NULL);
    *ms = now_ms() - t0;
    mm_profile_free(p);
    return rc;
}

static int run_parse(bench_ctx *ctx, double *ms)
{
    mm_assessment *a = NULL;
    double t0 = now_ms();
    int rc = mm_assessment_parse(&a, ctx->cat, ctx->data, ctx->len, ctx->name);
    *ms = now_ms() - t0;
    mm_assessment_free(a);
    return rc;
}

static int run_evaluate(bench_ctx *ctx, double *ms)
{
    mm_result *r = NULL;
    double t0 = now_ms();
    int rc = mm_assessment_evaluate(&r, ctx->assessment, ctx->profile);
    *ms = now_ms() - t0;
    mm_result_free(r);
    return rc;
}

static int run_parse_evaluate(bench_ctx *ctx, double *ms)
{
    mm_assessment *a = NULL;
    mm_result *r = NULL;
    double t0 = now_ms();
    int rc = mm_assessment_parse(&a, ctx->cat, ctx->data, ctx->len, ctx->name);
    if (!rc)
        rc = mm_assessment_evaluate(&r, a, ctx->profile);
    *ms = now_ms() - t0;
    mm_result_free(r);
    mm_assessment_free(a);
    return rc;
}

static int run_render(bench_ctx *ctx, double *ms)
{
    /* fixed options, so every run renders the same bytes */
    mm_report_options opts = {.color = false, .now = 1793577600, .tool_version = "bench"};
    char *out = NULL;
    size_t len = 0;
    double t0 = now_ms();
    int rc = mm_report_render(&out, &len, ctx->result, ctx->fmt, &opts);
    *ms = now_ms() - t0;
    ctx->out_bytes = len;
    free(out);
    return rc;
}

/* ---- measuring and printing ----------------------------------------------------------- */

static void table_head(const char *title, const char *note_column)
{
    printf("\n### %s\n\n", title);
    printf("| measurement | median (ms) | min (ms) | max (ms) | runs | %s |\n", note_column);
    printf("|---|---:|---:|---:|---:|---|\n");
}

/* Runs fn once to warm up, then runs times; prints one table row. Returns the fn's error
 * (the row then says "not available") or MM_OK. */
static int measure(const char *label, bench_fn fn, bench_ctx *ctx, size_t runs, bool show_bytes)
{
    double *t = calloc(runs, sizeof(*t));
    double ms;
    if (!t) {
        fprintf(stderr, "bench_report: out of memory\n");
        exit(1);
    }
    mm_error_clear();
    int rc = fn(ctx, &ms);
    for (size_t i = 0; !rc && i < runs; i++)
        rc = fn(ctx, &t[i]);
    if (rc) {
        const char *why = mm_error_last();
        printf("| %s | not available | | | | %s: %s |\n", label, mm_strerror(rc),
               why[0] ? why : "no message");
        free(t);
        return rc;
    }
    qsort(t, runs, sizeof(*t), cmp_double);
    double median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    printf("| %s | %.3f | %.3f | %.3f | %zu | ", label, median, t[0], t[runs - 1], runs);
    if (show_bytes)
        printf("%zu bytes |\n", ctx->out_bytes);
    else
        printf(" |\n");
    free(t);
    return MM_OK;
}

/* ---- the full Rev 3 assessment -------------------------------------------------------- */

static void set_str(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, json_string(value));
}

static json_t *str_list1(const char *s)
{
    json_t *a = json_array();
    json_array_append_new(a, json_string(s));
    return a;
}

/* A complete Rev 3 assessment from the template: every ODP given, every objective answered
 * on its own (mostly satisfied, some other-than-satisfied with notes, some not-applicable
 * with a justification), implementation statements and evidence on every requirement, and a
 * POA&M item with milestones for each requirement left with a gap. */
static int make_full(char **out, size_t *len, size_t *nanswered, const mm_catalog *cat,
                     const mm_profile *prof)
{
    char *tmpl = NULL, buf[256];
    int rc = mm_assessment_template(&tmpl, cat, prof);
    if (rc)
        return rc;
    json_error_t err;
    json_t *root = json_loads(tmpl, 0, &err);
    free(tmpl);
    if (!root) {
        mm_error_set("template: %s", err.text);
        return MM_EPARSE;
    }
    json_t *org = json_object_get(root, "organization");
    set_str(org, "name", "Benchmark Industries K.K.");
    json_t *cage = json_array_get(json_object_get(org, "identifiers"), 0);
    set_str(cage, "value", "1ABC2");
    json_t *sys = json_object_get(root, "system");
    set_str(sys, "name", "Benchmark CUI enclave");
    set_str(sys, "description", "Every workstation, server and network device holding CUI.");
    set_str(sys, "boundary", "VLAN 40 and the enclave firewall.");
    set_str(root, "scope", "enclave");
    set_str(json_object_get(root, "dates"), "assessed", "2026-11-02");
    set_str(root, "assessor", "Benchmark Assessor");
    set_str(root, "affirming_official", "Benchmark Official");

    json_t *odp = json_object_get(root, "odp");
    for (size_t i = 0; i < cat->nodps; i++) {
        const char *v = prof && prof->values[i].value ? prof->values[i].value : NULL;
        snprintf(buf, sizeof(buf), "organization-defined value for %s", cat->odps[i].id);
        set_str(odp, cat->odps[i].id, v ? v : buf);
    }

    json_t *reqs = json_object_get(root, "requirements");
    json_t *poam = json_array();
    size_t n = 0, npoam = 0;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        json_t *rq = json_object_get(reqs, r->id);
        if (r->withdrawn || !rq)
            continue;
        snprintf(buf, sizeof(buf), "How %s is implemented: policy, procedure and tooling.", r->id);
        set_str(rq, "implementation", buf);
        set_str(rq, "responsible", "IT manager");
        snprintf(buf, sizeof(buf), "evidence/%s-policy.pdf", r->id);
        json_object_set_new(rq, "evidence", str_list1(buf));
        json_t *objs = json_object_get(rq, "objectives");
        bool gap = false;
        for (size_t j = 0; j < r->nobjectives; j++) {
            json_t *ob = json_object_get(objs, r->objectives[j].id);
            if (!ob)
                continue;
            size_t g = (size_t)(&r->objectives[j] - cat->objectives);
            if (g % 17 == 5) {
                set_str(ob, "determination", "other-than-satisfied");
                set_str(ob, "notes", "Not in place on every host in the boundary.");
                gap = true;
            } else if (g % 29 == 11) {
                set_str(ob, "determination", "not-applicable");
                set_str(ob, "justification", "The capability does not exist in the enclave.");
            } else {
                set_str(ob, "determination", "satisfied");
            }
            snprintf(buf, sizeof(buf), "evidence/%s.txt", r->objectives[j].id);
            json_object_set_new(ob, "evidence", str_list1(buf));
            n++;
        }
        if (gap) {
            json_t *it = json_object();
            snprintf(buf, sizeof(buf), "POAM-%zu", ++npoam);
            set_str(it, "id", buf);
            set_str(it, "requirement", r->id);
            snprintf(buf, sizeof(buf), "%s is not fully implemented.", r->id);
            set_str(it, "weakness", buf);
            set_str(it, "responsible", "IT manager");
            set_str(it, "status", "open");
            set_str(it, "detected", "2026-11-02");
            set_str(it, "scheduled_completion", "2027-03-31");
            set_str(it, "remediation", "Close the gap on the remaining hosts.");
            json_t *ms = json_array();
            json_t *m = json_object();
            set_str(m, "description", "Roll out to the remaining hosts");
            set_str(m, "due", "2027-03-31");
            set_str(m, "status", "planned");
            json_array_append_new(ms, m);
            json_object_set_new(it, "milestones", ms);
            json_array_append_new(poam, it);
        }
    }
    json_object_set_new(root, "poam", poam);
    *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!*out)
        return MM_ENOMEM;
    *len = strlen(*out);
    *nanswered = n;
    return MM_OK;
}

/* ---- main ----------------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = malloc(cap);
    while (data) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(data, cap * 2);
        if (!bigger) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    if (data && ferror(f)) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = n;
    return data;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_report [-n RUNS] [--example FILE] [--write-full FILE]\n");
    return 2;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_report: %s: %s (%s)\n", what, mm_error_last(), mm_strerror(rc));
    exit(1);
}

int main(int argc, char **argv)
{
    size_t runs = DEFAULT_RUNS;
    const char *example = DEFAULT_EXAMPLE, *write_full = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 100000)
                return usage();
            runs = (size_t)v;
        } else if (strcmp(argv[i], "--example") == 0 && i + 1 < argc) {
            example = argv[++i];
        } else if (strcmp(argv[i], "--write-full") == 0 && i + 1 < argc) {
            write_full = argv[++i];
        } else {
            return usage();
        }
    }

    mm_catalog *r3 = NULL;
    mm_profile *prof = NULL;
    int rc = mm_catalog_load(&r3, MM_FW_R3, NULL);
    if (rc)
        die("Rev 3 catalog", rc);
    rc = mm_profile_load(&prof, r3, NULL);
    if (rc)
        die("DoD ODP profile", rc);

    size_t ex_len = 0;
    char *ex = read_file(example, &ex_len);
    if (!ex) {
        fprintf(stderr, "bench_report: cannot read %s\n", example);
        return 1;
    }
    char *full = NULL;
    size_t full_len = 0, nanswered = 0;
    rc = make_full(&full, &full_len, &nanswered, r3, prof);
    if (rc)
        die("generating the full assessment", rc);
    if (write_full) {
        FILE *f = fopen(write_full, "wb");
        if (!f || fwrite(full, 1, full_len, f) != full_len || fclose(f) != 0) {
            fprintf(stderr, "bench_report: cannot write %s\n", write_full);
            return 1;
        }
    }

    bench_ctx ctx = {.cat = r3, .profile = prof};
    table_head("Loading (embedded data)", "notes");
    ctx.fw = MM_FW_R3;
    measure("catalog load, Rev 3 (OSCAL)", run_catalog_load, &ctx, runs, false);
    ctx.fw = MM_FW_R2;
    measure("catalog load, Rev 2", run_catalog_load, &ctx, runs, false);
    measure("DoD ODP profile load (Rev 3)", run_profile_load, &ctx, runs, false);

    table_head("Parse and evaluate (Rev 3, DoD ODP profile)", "notes");
    struct {
        const char *label;
        const char *data;
        size_t len;
        const char *name;
    } inputs[] = {
        {"example", ex, ex_len, example},
        {"full", full, full_len, "full-r3.json"},
    };
    mm_assessment *full_a = NULL;
    mm_result *full_r = NULL;
    for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
        char label[128];
        ctx.data = inputs[k].data;
        ctx.len = inputs[k].len;
        ctx.name = inputs[k].name;
        mm_assessment *a = NULL;
        rc = mm_assessment_parse(&a, r3, ctx.data, ctx.len, ctx.name);
        if (rc)
            die(ctx.name, rc);
        ctx.assessment = a;
        snprintf(label, sizeof(label), "parse, %s (%zu bytes)", inputs[k].label, ctx.len);
        measure(label, run_parse, &ctx, runs, false);
        snprintf(label, sizeof(label), "evaluate, %s", inputs[k].label);
        measure(label, run_evaluate, &ctx, runs, false);
        snprintf(label, sizeof(label), "parse + evaluate, %s", inputs[k].label);
        measure(label, run_parse_evaluate, &ctx, runs, false);
        if (k == 1)
            full_a = a;
        else
            mm_assessment_free(a);
    }
    rc = mm_assessment_evaluate(&full_r, full_a, prof);
    if (rc)
        die("evaluating the full assessment", rc);

    table_head("Reports of the full Rev 3 assessment", "output");
    ctx.result = full_r;
    for (int f = MM_REPORT_TEXT; f <= MM_REPORT_CSV_POAM; f++) {
        ctx.fmt = (mm_report_format)f;
        char label[64];
        snprintf(label, sizeof(label), "render %s", mm_report_format_name(ctx.fmt));
        measure(label, run_render, &ctx, runs, true);
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\nThe full assessment: %zu objectives answered one by one, %zu bytes of JSON, "
           "%zu POA&M items.\n",
           nanswered, full_len, full_a->npoam);
    printf("Peak RSS of the bench_report process (getrusage ru_maxrss): %.1f MiB.\n",
           (double)ru.ru_maxrss / 1024.0);

    mm_result_free(full_r);
    mm_assessment_free(full_a);
    free(full);
    free(ex);
    mm_profile_free(prof);
    mm_catalog_free(r3);
    return 0;
}

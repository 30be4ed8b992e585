/*
 * Host scan results merged into an assessment (`mamori assess FILE --scan RESULTS.json`).
 * The scan file is read as data (its JSON shape is documented in docs/rules.md); the
 * assess module does not depend on the scanner's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "util/json.h"
#include "util/util.h"

#define MAX_SCAN_EVIDENCE 12

typedef struct mm_scan_tally {
    unsigned pass, fail, error;
    const char *ev[MAX_SCAN_EVIDENCE];
    size_t nev;
} tally_t;

static int fail_at(const char *name, const char *path, const char *what)
{
    return mm_json_fail(name, path, "%s", what);
}

static void note(mm_assessment *a, const char *s)
{
    if (!s)
        return;
    const char **v = mm_arena_calloc(a->arena, a->nscan_notes + 1, sizeof(char *));
    if (!v)
        return;
    if (a->nscan_notes)
        memcpy(v, a->scan_notes, a->nscan_notes * sizeof(char *));
    v[a->nscan_notes++] = s;
    a->scan_notes = v;
}

static const char *evidence_line(mm_arena *ar, const char *host, const char *rule,
                                 const char *status, const json_t *res)
{
    const char *msg = json_string_value(json_object_get(res, "message"));
    const json_t *ev = json_array_get(json_object_get(res, "evidence"), 0);
    const char *src = json_string_value(json_object_get(ev, "source"));
    json_int_t line = json_integer_value(json_object_get(ev, "line"));
    if (src && line)
        return mm_arena_printf(ar, "%s: %s: %s: %s (%s:%lld)", host, rule, status, msg ? msg : "",
                               src, (long long)line);
    if (src)
        return mm_arena_printf(ar, "%s: %s: %s: %s (%s)", host, rule, status, msg ? msg : "", src);
    return mm_arena_printf(ar, "%s: %s: %s: %s", host, rule, status, msg ? msg : "");
}

static void count(tally_t *t, const char *status, const char *line)
{
    if (!strcmp(status, "pass"))
        t->pass++;
    else if (!strcmp(status, "fail"))
        t->fail++;
    else if (!strcmp(status, "error"))
        t->error++;
    else
        return;
    /* keep failures first in the evidence: replace a pass when full */
    if (t->nev < MAX_SCAN_EVIDENCE)
        t->ev[t->nev++] = line;
    else if (!strcmp(status, "fail"))
        t->ev[MAX_SCAN_EVIDENCE - 1] = line;
}

int mm_assessment_apply_scan(mm_assessment *a, const char *data, size_t len, const char *name)
{
    const mm_catalog *cat = a->catalog;
    json_t *root;
    if (mm_json_load(&root, data, len, name, 0))
        return MM_EPARSE;
    int rc = MM_OK;
    const json_t *results = json_object_get(root, "results");
    const char *host = json_string_value(json_object_get(root, "host"));
    if (!json_is_array(results) || !host) {
        rc = fail_at(name, "$",
                     "not a mamori scan result (expected \"host\" and \"results\"; "
                     "make it with 'mamori scan --format json')");
        goto done;
    }
    if (!a->tally) {
        size_t n = cat->framework == MM_FW_R3 ? cat->nobjectives : cat->nrequirements;
        a->tally = mm_arena_calloc(a->arena, n + 1, sizeof(tally_t));
        if (!a->tally) {
            rc = MM_ENOMEM;
            goto done;
        }
    }
    const char **hosts = mm_arena_calloc(a->arena, a->nscan_hosts + 1, sizeof(char *));
    if (!hosts) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (a->nscan_hosts)
        memcpy(hosts, a->scan_hosts, a->nscan_hosts * sizeof(char *));
    hosts[a->nscan_hosts++] = mm_arena_strdup(a->arena, host);
    a->scan_hosts = hosts;
    size_t i;
    json_t *res;
    json_array_foreach(results, i, res)
    {
        char path[64];
        snprintf(path, sizeof(path), "$.results[%zu]", i);
        const char *rule = json_string_value(json_object_get(res, "rule"));
        const char *status = json_string_value(json_object_get(res, "status"));
        if (!rule || !status) {
            rc = fail_at(name, path, "each result needs \"rule\" and \"status\"");
            goto done;
        }
        if (strcmp(status, "pass") && strcmp(status, "fail") && strcmp(status, "error") &&
            strcmp(status, "not-applicable")) {
            rc = fail_at(name, path, "status must be pass, fail, error or not-applicable");
            goto done;
        }
        const char *line = evidence_line(a->arena, host, rule, status, res);
        const json_t *ids =
            json_object_get(res, cat->framework == MM_FW_R3 ? "objectives" : "requirements_r2");
        size_t k;
        json_t *id;
        json_array_foreach(ids, k, id)
        {
            const char *s = json_string_value(id);
            if (cat->framework == MM_FW_R3) {
                const mm_objective *o = mm_catalog_objective(cat, s);
                if (!o) {
                    rc = fail_at(name, path, "unknown Rev 3 objective in \"objectives\"");
                    goto done;
                }
                count(&a->tally[o - cat->objectives], status, line);
            } else {
                const mm_requirement *q = mm_catalog_requirement(cat, s);
                if (!q) {
                    rc = fail_at(name, path, "unknown Rev 2 requirement in \"requirements_r2\"");
                    goto done;
                }
                count(&a->tally[q - cat->requirements], status, line);
            }
        }
    }
done:
    json_decref(root);
    return rc;
}

static void attach(mm_assessment *a, mm_answer *ans, const tally_t *t)
{
    ans->scan_evidence = mm_arena_calloc(a->arena, t->nev + 1, sizeof(char *));
    if (!ans->scan_evidence)
        return;
    for (size_t k = 0; k < t->nev; k++)
        ans->scan_evidence[k] = t->ev[k];
    ans->nscan_evidence = t->nev;
}

enum { KEPT_SCAN, KEPT_OVERRIDE, CONTRADICTED };

/* Sets one objective from the scans, weighing a human answer against them. */
static int decide(mm_answer *ans, mm_determination scan, const char *req_justification)
{
    ans->scan = scan;
    if (!ans->human || ans->determination == scan) {
        ans->determination = scan;
        return KEPT_SCAN;
    }
    if (ans->justification || req_justification) {
        ans->override = true;
        return KEPT_OVERRIDE;
    }
    ans->determination = scan;
    return CONTRADICTED;
}

/* One note per requirement and kind: "03.01.08 (A.03.01.08.a, A.03.01.08.b): ...". */
static void summarize(mm_assessment *a, const mm_requirement *q, mm_determination *human,
                      const int *kind)
{
    const mm_catalog *cat = a->catalog;
    for (int k = KEPT_OVERRIDE; k <= CONTRADICTED; k++) {
        mm_buf ids = MM_BUF_INIT;
        mm_determination said = MM_DET_NOT_ASSESSED, scan = MM_DET_NOT_ASSESSED;
        for (size_t j = 0; j < q->nobjectives; j++) {
            if (kind[j] != k)
                continue;
            const mm_answer *ans = &a->answers[&q->objectives[j] - cat->objectives];
            mm_buf_printf(&ids, "%s%s", ids.len ? ", " : "", q->objectives[j].id);
            said = human[j];
            scan = ans->scan;
        }
        if (!ids.len)
            continue;
        const char *why = a->requirements[q - cat->requirements].justification;
        for (size_t j = 0; !why && j < q->nobjectives; j++)
            if (kind[j] == k)
                why = a->answers[&q->objectives[j] - cat->objectives].justification;
        if (k == KEPT_OVERRIDE)
            note(a, mm_arena_printf(a->arena,
                                    "override: %s (%s) kept %s although the scans say %s; "
                                    "justification: %s",
                                    q->id, mm_buf_cstr(&ids), mm_determination_name(said),
                                    mm_determination_name(scan), why ? why : ""));
        else
            note(a, mm_arena_printf(a->arena,
                                    "%s (%s): answered %s, but the scans say %s and there is no "
                                    "justification: the scans decide",
                                    q->id, mm_buf_cstr(&ids), mm_determination_name(said),
                                    mm_determination_name(scan)));
        mm_buf_free(&ids);
    }
}

int mm_assessment_finish_scans(mm_assessment *a)
{
    const mm_catalog *cat = a->catalog;
    if (!a->tally)
        return MM_OK;
    bool r3 = cat->framework == MM_FW_R3;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *q = &cat->requirements[i];
        if (q->withdrawn || !q->nobjectives)
            continue;
        int kind[64];
        mm_determination human[64];
        size_t n = q->nobjectives < 64 ? q->nobjectives : 64;
        bool any = false, errors = false;
        for (size_t j = 0; j < n; j++) {
            size_t oi = (size_t)(&q->objectives[j] - cat->objectives);
            mm_answer *ans = &a->answers[oi];
            const tally_t *t = r3 ? &a->tally[oi] : &a->tally[i];
            kind[j] = -1;
            human[j] = ans->determination;
            if (!t->pass && !t->fail && !t->error)
                continue;
            attach(a, ans, t);
            if (t->fail)
                kind[j] =
                    decide(ans, MM_DET_OTHER_THAN_SATISFIED, a->requirements[i].justification);
            else if (r3 && t->pass && !t->error)
                kind[j] = decide(ans, MM_DET_SATISFIED, a->requirements[i].justification);
            else if (t->error)
                errors = true;
            any = true;
        }
        if (!any)
            continue;
        summarize(a, q, human, kind);
        if (errors)
            note(a, mm_arena_printf(a->arena,
                                    "%s: a scan could not read what it needed (error) for some "
                                    "objectives; those are left to the human answers",
                                    q->id));
    }
    a->tally = NULL;
    return mm_arena_failed(a->arena) ? MM_ENOMEM : MM_OK;
}

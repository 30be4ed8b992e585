/*
 * The SPRS record: what a contractor posts to SPRS for a Basic (self) assessment, the fields
 * of NIST SP 800-171 DoD Assessment Methodology v1.2.1 Annex B (the SSP's name, version and
 * date, the CAGE codes it covers, the assessment date, the score, the date a score of 110 is
 * expected, the assessment type (Basic) and its confidence level (Low, DFARS 252.204-7020(a)).
 * Rev 2 only; mm_sprs_record_get names what is missing.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "mamori/error.h"
#include "report/report_internal.h"

static const char *const columns[] = {"ssp_name",
                                      "ssp_version",
                                      "ssp_date",
                                      "cage_codes",
                                      "assessment_date",
                                      "score",
                                      "plan_of_action_completion_date",
                                      "assessment_type",
                                      "confidence_level"};

static int sprs_json(mm_buf *b, const mm_sprs_record *s)
{
    json_t *root = json_object();
    json_t *ssp = json_object();
    json_object_set_new(ssp, "name", json_string(s->ssp_name));
    json_object_set_new(ssp, "version", json_string(s->ssp_version));
    json_object_set_new(ssp, "date", json_string(s->ssp_date));
    json_object_set_new(root, "system_security_plan", ssp);
    json_t *cage = json_array();
    for (size_t i = 0; i < s->ncage_codes; i++)
        json_array_append_new(cage, json_string(s->cage_codes[i]));
    json_object_set_new(root, "cage_codes", cage);
    json_object_set_new(root, "assessment_date", json_string(s->assessment_date));
    json_object_set_new(root, "score", json_integer(s->score));
    json_object_set_new(root, "plan_of_action_completion_date",
                        s->plan_complete[0] ? json_string(s->plan_complete) : json_null());
    json_object_set_new(root, "assessment_type", json_string(s->assessment_type));
    json_object_set_new(root, "confidence_level", json_string(s->confidence));
    json_object_set_new(root, "methodology",
                        json_string("NIST SP 800-171 DoD Assessment Methodology v1.2.1, "
                                    "Annex B"));
    char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!out)
        return MM_ENOMEM;
    mm_buf_puts(b, out);
    mm_buf_putc(b, '\n');
    free(out);
    return MM_OK;
}

static void field(mm_buf *b, size_t i, const char *v)
{
    if (i)
        mm_buf_putc(b, ',');
    mm_buf_put_csv(b, v ? v : "");
}

static int sprs_csv(mm_buf *b, const mm_sprs_record *s)
{
    for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
        field(b, i, columns[i]);
    mm_buf_puts(b, "\r\n");
    mm_buf cage = MM_BUF_INIT; /* several CAGE codes in one cell, separated by spaces */
    for (size_t i = 0; i < s->ncage_codes; i++)
        mm_buf_printf(&cage, "%s%s", i ? " " : "", s->cage_codes[i]);
    char score[16];
    snprintf(score, sizeof(score), "%d", s->score);
    field(b, 0, s->ssp_name);
    field(b, 1, s->ssp_version);
    field(b, 2, s->ssp_date);
    field(b, 3, mm_buf_cstr(&cage));
    field(b, 4, s->assessment_date);
    field(b, 5, score);
    field(b, 6, s->plan_complete);
    field(b, 7, s->assessment_type);
    field(b, 8, s->confidence);
    mm_buf_puts(b, "\r\n");
    bool failed = cage.failed;
    mm_buf_free(&cage);
    return failed ? MM_ENOMEM : MM_OK;
}

int mm_report_sprs(mm_buf *b, const mm_result *r, bool csv)
{
    mm_sprs_record s;
    int rc = mm_sprs_record_get(&s, r);
    if (rc)
        return rc;
    return csv ? sprs_csv(b, &s) : sprs_json(b, &s);
}

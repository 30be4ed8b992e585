/* Tests of incident reports (src/incident/): RFC 3339 times with offsets, IANA zones read
 * from TZif files, deadlines across time zones and daylight-saving changes, deadline
 * states, preservation dates, follow-on linking and malformed reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "mamori/error.h"
#include "mamori/incident.h"

static mm_catalog *r3, *r2;

static int group_setup(void **state)
{
    (void)state;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) != MM_OK ||
        mm_catalog_load(&r2, MM_FW_R2, NULL) != MM_OK)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mm_catalog_free(r3);
    mm_catalog_free(r2);
    return 0;
}

static long long t_of(const char *s)
{
    long long t = 0;
    int off = 0;
    assert_int_equal(mm_incident_parse_time(&t, &off, s), MM_OK);
    return t;
}

/* The due time of a report discovered at disc in zone, shown in the zone's local time. */
static void due_local(char out[MM_INCIDENT_TIME_TEXT_BYTES], const char *disc, const char *zone,
                      int hours)
{
    long long t = 0;
    int off = 0, zoff = 0;
    assert_int_equal(mm_incident_parse_time(&t, &off, disc), MM_OK);
    assert_int_equal(mm_incident_zone_offset(&zoff, zone, t), MM_OK);
    assert_int_equal(zoff, off); /* the offset written is the zone's at that instant */
    long long due = mm_incident_due(t, hours);
    assert_int_equal(mm_incident_zone_offset(&zoff, zone, due), MM_OK);
    mm_incident_format_time(out, due, zoff);
}

/* ---- times ------------------------------------------------------------------------------- */

static void test_parse_time(void **state)
{
    (void)state;
    long long t;
    int off;
    assert_int_equal(mm_incident_parse_time(&t, &off, "2026-03-08T01:30:00-05:00"), MM_OK);
    assert_int_equal(t, 1772951400LL); /* 2026-03-08T06:30:00Z */
    assert_int_equal(off, -5 * 3600);
    assert_int_equal(mm_incident_parse_time(&t, &off, "2026-03-08T06:30:00Z"), MM_OK);
    assert_int_equal(t, 1772951400LL);
    assert_int_equal(off, 0);
    /* no seconds, a fraction, lower-case t and z */
    assert_int_equal(t_of("2026-03-08T01:30-05:00"), 1772951400LL);
    assert_int_equal(t_of("2026-03-08t06:30:00.123456z"), 1772951400LL);
    assert_int_equal(t_of("2026-03-08T15:30:00+09:00"), 1772951400LL);
    assert_int_equal(t_of("2026-03-08T12:00:00+05:30"), 1772951400LL);
    assert_int_equal(t_of("2028-02-29T00:00:00Z"), 1835395200LL);
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(out, 1772951400LL, -5 * 3600);
    assert_string_equal(out, "2026-03-08T01:30:00-05:00");
    mm_incident_format_time(out, 1772951400LL, 0);
    assert_string_equal(out, "2026-03-08T06:30:00Z");
    mm_incident_format_time(out, 1772951400LL, 5 * 3600 + 1800);
    assert_string_equal(out, "2026-03-08T12:00:00+05:30");
}

static void test_parse_time_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-03-08T01:30:00",       /* no offset */
        "2026-03-08 01:30:00Z",      /* space */
        "2026-02-29T00:00:00Z",      /* not a leap year */
        "2026-13-01T00:00:00Z",      /* month */
        "2026-04-31T00:00:00Z",      /* day */
        "2026-03-08T24:00:00Z",      /* hour */
        "2026-03-08T01:60:00Z",      /* minute */
        "2026-03-08T01:30:00+24:00", /* offset hours */
        "2026-03-08T01:30:00+0500",  /* offset without colon */
        "2026-03-08T01:30:00Zjunk",  /* trailing text */
        "2026-03-08T01:30:00.Z",     /* empty fraction */
        "1969-12-31T23:59:59Z",      /* before 1970 */
        "26-03-08T01:30:00Z",        /* short year */
        "2026-03-08",                /* a date only */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long long t;
        int off;
        if (mm_incident_parse_time(&t, &off, bad[i]) != MM_EINVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    long long t;
    int off;
    assert_int_equal(mm_incident_parse_time(&t, &off, "2026-03-08T01:30:00"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "no UTC offset"));
}

static void test_zone_offsets(void **state)
{
    (void)state;
    int off;
    /* New York: EST before the spring-forward (2026-03-08 07:00Z), EDT after */
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2026-03-08T06:59:59Z")), MM_OK);
    assert_int_equal(off, -5 * 3600);
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2026-03-08T07:00:00Z")), MM_OK);
    assert_int_equal(off, -4 * 3600);
    /* and back at 2026-11-01 06:00Z */
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2026-11-01T05:59:59Z")), MM_OK);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2026-11-01T06:00:00Z")), MM_OK);
    assert_int_equal(off, -5 * 3600);
    /* Berlin: 2026-03-29 01:00Z and 2026-10-25 01:00Z */
    assert_int_equal(mm_incident_zone_offset(&off, "Europe/Berlin", t_of("2026-03-29T00:59:59Z")),
                     MM_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(mm_incident_zone_offset(&off, "Europe/Berlin", t_of("2026-03-29T01:00:00Z")),
                     MM_OK);
    assert_int_equal(off, 7200);
    assert_int_equal(mm_incident_zone_offset(&off, "Europe/Berlin", t_of("2026-10-25T01:00:00Z")),
                     MM_OK);
    assert_int_equal(off, 3600);
    /* Tokyo: no daylight saving */
    assert_int_equal(mm_incident_zone_offset(&off, "Asia/Tokyo", t_of("2026-07-01T00:00:00Z")),
                     MM_OK);
    assert_int_equal(off, 9 * 3600);
    /* beyond the transitions listed in the file: the zone's POSIX rule */
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2050-07-01T12:00:00Z")), MM_OK);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(
        mm_incident_zone_offset(&off, "America/New_York", t_of("2050-01-15T12:00:00Z")), MM_OK);
    assert_int_equal(off, -5 * 3600);
    assert_int_equal(mm_incident_zone_offset(&off, "Europe/Berlin", t_of("2050-10-30T00:59:59Z")),
                     MM_OK);
    assert_int_equal(off, 7200); /* last Sunday of October 2050 is the 30th */
    assert_int_equal(mm_incident_zone_offset(&off, "Europe/Berlin", t_of("2050-10-30T01:00:00Z")),
                     MM_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(mm_incident_zone_offset(&off, "UTC", 0), MM_OK);
    assert_int_equal(off, 0);
    /* names that are not zones, or that try to leave the zone folder */
    assert_int_equal(mm_incident_zone_offset(&off, "../../etc/passwd", 0), MM_EINVALID);
    assert_int_equal(mm_incident_zone_offset(&off, "/etc/localtime", 0), MM_EINVALID);
    assert_int_equal(mm_incident_zone_offset(&off, "America/New York", 0), MM_EINVALID);
    assert_int_equal(mm_incident_zone_offset(&off, "", 0), MM_EINVALID);
    assert_int_equal(mm_incident_zone_offset(&off, "Mars/Olympus_Mons", 0), MM_ENOTFOUND);
}

/* ---- deadlines across zones and daylight-saving changes ------------------------------------- */

static void test_due_spring_forward_new_york(void **state)
{
    (void)state;
    /* discovered at 23:00 EST on the eve of the spring-forward (2026-03-08 02:00 local) */
    long long disc = t_of("2026-03-07T23:00:00-05:00");
    long long due = mm_incident_due(disc, MM_INCIDENT_DEFAULT_HOURS);
    assert_int_equal(due - disc, 72 * 3600);             /* exactly 72 h of real time */
    assert_int_equal(due, t_of("2026-03-11T04:00:00Z")); /* in UTC */
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    due_local(out, "2026-03-07T23:00:00-05:00", "America/New_York", 72);
    assert_string_equal(out, "2026-03-11T00:00:00-04:00"); /* local clock: 73 h later */
    /* shown at the offset the reporter wrote, the clock time is unchanged */
    mm_incident_format_time(out, due, -5 * 3600);
    assert_string_equal(out, "2026-03-10T23:00:00-05:00");
}

static void test_due_fall_back_new_york(void **state)
{
    (void)state;
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    due_local(out, "2026-10-30T23:00:00-04:00", "America/New_York", 72);
    assert_string_equal(out, "2026-11-02T22:00:00-05:00"); /* local clock: 71 h later */
    assert_int_equal(mm_incident_due(t_of("2026-10-30T23:00:00-04:00"), 72),
                     t_of("2026-11-03T03:00:00Z"));
    /* the repeated hour 01:00-02:00 on 2026-11-01 exists twice: both offsets are right */
    int off;
    long long a = t_of("2026-11-01T01:30:00-04:00"), b = t_of("2026-11-01T01:30:00-05:00");
    assert_int_equal(b - a, 3600);
    assert_int_equal(mm_incident_zone_offset(&off, "America/New_York", a), MM_OK);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(mm_incident_zone_offset(&off, "America/New_York", b), MM_OK);
    assert_int_equal(off, -5 * 3600);
}

static void test_due_berlin(void **state)
{
    (void)state;
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    due_local(out, "2026-03-27T12:00:00+01:00", "Europe/Berlin", 72);
    assert_string_equal(out, "2026-03-30T13:00:00+02:00");
    due_local(out, "2026-10-23T12:00:00+02:00", "Europe/Berlin", 72);
    assert_string_equal(out, "2026-10-26T11:00:00+01:00");
    /* no change in between: the same clock time */
    due_local(out, "2026-06-01T08:15:00+02:00", "Europe/Berlin", 72);
    assert_string_equal(out, "2026-06-04T08:15:00+02:00");
}

static void test_due_tokyo(void **state)
{
    (void)state;
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    due_local(out, "2026-03-07T23:00:00+09:00", "Asia/Tokyo", 72);
    assert_string_equal(out, "2026-03-10T23:00:00+09:00");
    due_local(out, "2026-10-30T23:00:00+09:00", "Asia/Tokyo", 72);
    assert_string_equal(out, "2026-11-02T23:00:00+09:00");
    /* the same instant written in Tokyo and New York has the same deadline */
    assert_int_equal(mm_incident_due(t_of("2026-03-08T13:00:00+09:00"), 72),
                     mm_incident_due(t_of("2026-03-07T23:00:00-05:00"), 72));
}

static void test_due_configured_hours(void **state)
{
    (void)state;
    long long disc = t_of("2026-03-07T23:00:00-05:00");
    assert_int_equal(mm_incident_due(disc, 24), t_of("2026-03-09T04:00:00Z"));
    assert_int_equal(mm_incident_due(disc, 96), t_of("2026-03-12T04:00:00Z"));
}

static void test_states(void **state)
{
    (void)state;
    long long disc = t_of("2026-03-07T23:00:00-05:00");
    long long due = mm_incident_due(disc, 72);
    int soon = MM_INCIDENT_DUE_SOON_HOURS;
    /* drafts (not reported): open, then due-soon under 24 h, then overdue at due */
    assert_int_equal(mm_incident_state(due, -1, disc, soon), MM_DEADLINE_OPEN);
    assert_int_equal(mm_incident_state(due, -1, due - 24 * 3600, soon), MM_DEADLINE_OPEN);
    assert_int_equal(mm_incident_state(due, -1, due - 24 * 3600 + 1, soon), MM_DEADLINE_DUE_SOON);
    assert_int_equal(mm_incident_state(due, -1, due - 1, soon), MM_DEADLINE_DUE_SOON);
    assert_int_equal(mm_incident_state(due, -1, due, soon), MM_DEADLINE_OVERDUE);
    assert_int_equal(mm_incident_state(due, -1, due + 86400 * 30, soon), MM_DEADLINE_OVERDUE);
    /* a wider window */
    assert_int_equal(mm_incident_state(due, -1, disc, 73), MM_DEADLINE_DUE_SOON);
    /* reported: on time up to and including the due second, late after; now is irrelevant */
    assert_int_equal(mm_incident_state(due, disc + 3600, due + 86400, soon), MM_DEADLINE_ON_TIME);
    assert_int_equal(mm_incident_state(due, due, due + 86400, soon), MM_DEADLINE_ON_TIME);
    assert_int_equal(mm_incident_state(due, due + 1, due + 1, soon), MM_DEADLINE_LATE);
    assert_string_equal(mm_deadline_state_name(MM_DEADLINE_OPEN), "open");
    assert_string_equal(mm_deadline_state_name(MM_DEADLINE_DUE_SOON), "due-soon");
    assert_string_equal(mm_deadline_state_name(MM_DEADLINE_OVERDUE), "overdue");
    assert_string_equal(mm_deadline_state_name(MM_DEADLINE_ON_TIME), "on-time");
    assert_string_equal(mm_deadline_state_name(MM_DEADLINE_LATE), "late");
}

static void test_preservation(void **state)
{
    (void)state;
    long long rep = t_of("2026-03-10T12:00:00Z");
    assert_int_equal(mm_incident_preserve_until(rep, MM_INCIDENT_PRESERVE_DAYS),
                     t_of("2026-06-08T12:00:00Z"));
    /* 90 days of 24 h: across New York's spring-forward the local clock moves an hour */
    long long rep_ny = t_of("2026-02-01T09:00:00-05:00");
    long long until = mm_incident_preserve_until(rep_ny, 90);
    int off;
    assert_int_equal(mm_incident_zone_offset(&off, "America/New_York", until), MM_OK);
    char out[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(out, until, off);
    assert_string_equal(out, "2026-05-02T10:00:00-04:00");
}

/* ---- the report file ------------------------------------------------------------------------ */

#define BASE                                                                                       \
    "\"discovered\": \"2026-03-07T23:00:00-05:00\", \"company_name\": \"Hokuto\", "                \
    "\"company_poc\": \"A. Tanaka\", \"contract_numbers\": [\"W56HZV-25-C-0042\"], "               \
    "\"narrative\": \"phishing\", \"functional_impact\": \"NO IMPACT\", "                          \
    "\"information_impact\": \"NO IMPACT\", \"recoverability\": \"REGULAR\", "                     \
    "\"attack_vectors\": [\"Web\"]"

static mm_incident *parse_ok(const char *json)
{
    mm_incident *inc = NULL;
    int rc = mm_incident_parse(&inc, json, strlen(json), "r.json", r3, r2);
    if (rc != MM_OK)
        fail_msg("refused: %s", mm_error_last());
    return inc;
}

/* Refused with rc and a message that contains want. */
static void parse_bad(const char *json, int rc, const char *want)
{
    mm_incident *inc = NULL;
    int got = mm_incident_parse(&inc, json, strlen(json), "r.json", r3, r2);
    assert_null(inc);
    if (got != rc || !strstr(mm_error_last(), want))
        fail_msg("rc %d, message \"%s\"; wanted %d and \"%s\"", got, mm_error_last(), rc, want);
}

/* The BASE report with the members of extra (a JSON object text) added or replaced; the
 * text is malloc'd. */
static char *with(const char *extra)
{
    json_t *doc = json_loads("{\"report_type\": \"initial\", " BASE "}", 0, NULL);
    json_t *more = json_loads(extra, 0, NULL);
    assert_non_null(doc);
    assert_non_null(more);
    assert_int_equal(json_object_update(doc, more), 0);
    char *text = json_dumps(doc, JSON_PRESERVE_ORDER);
    json_decref(doc);
    json_decref(more);
    assert_non_null(text);
    return text;
}

static void bad_with(const char *extra, int rc, const char *want)
{
    char *text = with(extra);
    parse_bad(text, rc, want);
    free(text);
}

static void test_parse_report(void **state)
{
    (void)state;
    char *text = with("{\"report_type\": \"Initial\", \"time_zone\": \"America/New_York\", "
                      "\"functional_impact\": \"minimal impact to critical services\", "
                      "\"attack_vectors\": [\"email/phishing\", \"WEB\"], "
                      "\"requirements\": [\"03.05.03\", \"3.13.1\"], "
                      "\"uei\": \"HK1234567890\", \"facility_cage_code\": \"1ABC2\"}");
    mm_incident *inc = parse_ok(text);
    free(text);
    assert_int_equal(inc->type, MM_INCIDENT_INITIAL);
    assert_int_equal(inc->discovered, t_of("2026-03-08T04:00:00Z"));
    assert_int_equal(inc->discovered_offset, -5 * 3600);
    assert_string_equal(inc->time_zone, "America/New_York");
    assert_string_equal(inc->tlp, "AMBER+STRICT");
    assert_string_equal(inc->functional_impact, "MINIMAL IMPACT TO CRITICAL SERVICES");
    assert_int_equal(inc->attack_vectors.n, 2);
    assert_string_equal(inc->attack_vectors.items[0], "Email/Phishing");
    assert_string_equal(inc->attack_vectors.items[1], "Web");
    assert_int_equal(inc->requirements.n, 2);
    assert_string_equal(inc->requirements.items[1], "3.13.1");
    assert_null(inc->initial_report);

    /* the canonical form parses back to the same canonical form */
    char *a = NULL, *b = NULL;
    assert_int_equal(mm_incident_to_json(&a, inc), MM_OK);
    mm_incident *again = parse_ok(a);
    assert_int_equal(mm_incident_to_json(&b, again), MM_OK);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"discovered_utc\": \"2026-03-08T04:00:00Z\""));
    free(a);
    free(b);
    mm_incident_free(again);
    mm_incident_free(inc);
    mm_incident_free(NULL);
}

static void test_follow_on(void **state)
{
    (void)state;
    mm_incident *inc = parse_ok("{\"report_type\": \"follow-on\", "
                                "\"initial_report\": \"MAM-2026-000001\", \"tlp\": \"red\", " BASE
                                ", \"sub_report_number\": \"DIBNET-2026-0042\"}");
    assert_int_equal(inc->type, MM_INCIDENT_FOLLOW_ON);
    assert_string_equal(inc->initial_report, "MAM-2026-000001");
    assert_string_equal(inc->tlp, "RED");
    assert_string_equal(inc->sub_report_number, "DIBNET-2026-0042");
    mm_incident_free(inc);
    parse_bad("{\"report_type\": \"follow-on\", " BASE "}", MM_EINVALID,
              "r.json: $.initial_report: required for a follow-on report");
    parse_bad("{\"report_type\": \"initial\", \"initial_report\": \"MAM-2026-000001\", " BASE "}",
              MM_EINVALID, "r.json: $.initial_report: only a follow-on report");
    parse_bad("{\"report_type\": \"voluntary\", \"initial_report\": \"MAM 1\", " BASE "}",
              MM_EINVALID, "$.initial_report: a report number has no spaces");
}

static void test_malformed(void **state)
{
    (void)state;
    parse_bad("{", MM_EPARSE, "r.json:1:");
    parse_bad("[]", MM_EINVALID, "r.json: $: an incident report is a JSON object");
    bad_with("{\"narative\": \"x\"}", MM_EINVALID, "r.json: $: unknown member \"narative\"");
    parse_bad("{\"report_type\": \"first\", " BASE "}", MM_EINVALID,
              "r.json: $.report_type: \"first\" is not one of \"initial\"");
    parse_bad("{" BASE "}", MM_EINVALID, "r.json: $.report_type: required: missing");
    bad_with("{\"functional_impact\": \"SOME\"}", MM_EINVALID,
             "r.json: $.functional_impact: \"SOME\" is not one of \"NO IMPACT\"");
    bad_with("{\"recoverability\": 3}", MM_EINVALID,
             "r.json: $.recoverability: must be a string, found a number");
    bad_with("{\"attack_vectors\": [\"Web\", \"web\"]}", MM_EINVALID,
             "r.json: $.attack_vectors[1]: \"Web\" is listed twice");
    bad_with("{\"attack_vectors\": [\"Telepathy\"]}", MM_EINVALID,
             "r.json: $.attack_vectors[0]: \"Telepathy\" is not one of");
    bad_with("{\"attack_vectors\": []}", MM_EINVALID,
             "r.json: $.attack_vectors: required: must not be empty");
    bad_with("{\"requirements\": [\"03.01.99\"]}", MM_EINVALID,
             "r.json: $.requirements[0]: \"03.01.99\" is not an SP 800-171");
    bad_with("{\"requirements\": [\"3.1.1\", 7]}", MM_EINVALID,
             "r.json: $.requirements[1]: must be a string, found a number");
    bad_with("{\"discovered\": \"2026-03-07T23:00:00\"}", MM_EINVALID,
             "r.json: $.discovered: \"2026-03-07T23:00:00\": no UTC offset");
    bad_with("{\"discovered\": \"yesterday\"}", MM_EINVALID,
             "r.json: $.discovered: \"yesterday\": not an RFC 3339");
    /* the offset must be the zone's at that instant: 02:30 did not exist in New York */
    bad_with("{\"discovered\": \"2026-03-08T02:30:00-05:00\", \"time_zone\": "
             "\"America/New_York\"}",
             MM_EINVALID,
             "r.json: $.discovered: \"2026-03-08T02:30:00-05:00\" has the offset "
             "-05:00, but America/New_York was at -04:00 then");
    bad_with("{\"time_zone\": \"Asia/Tokyo\"}", MM_EINVALID, "$.discovered:");
    bad_with("{\"time_zone\": \"../../etc/passwd\"}", MM_EINVALID,
             "r.json: $.time_zone: \"../../etc/passwd\" is not a time zone name");
    bad_with("{\"time_zone\": \"Mars/Base\"}", MM_EINVALID,
             "r.json: $.time_zone: unknown time zone \"Mars/Base\"");
    bad_with("{\"facility_cage_code\": \"1abc\"}", MM_EINVALID,
             "r.json: $.facility_cage_code: a CAGE code is 5 characters");
    bad_with("{\"uei\": \"123\"}", MM_EINVALID, "r.json: $.uei: a UEI is 12 characters");
    bad_with("{\"narrative\": \"\"}", MM_EINVALID,
             "r.json: $.narrative: required: must not be empty");
    bad_with("{\"company_name\": \"a\\u0007b\"}", MM_EINVALID,
             "r.json: $.company_name: must not contain control characters");
    parse_bad("{\"report_type\": \"initial\", \"company_name\": \"a\\u0000b\"}", MM_EPARSE,
              "r.json:1:");
    bad_with("{\"tlp\": \"WHITE\"}", MM_EINVALID, "r.json: $.tlp: \"WHITE\" is not one of");
    /* need-to-know: a report is AMBER+STRICT or RED, never wider */
    bad_with(
        "{\"tlp\": \"AMBER\"}", MM_EINVALID,
        "r.json: $.tlp: an incident report is AMBER+STRICT (the reporter and the authority) "
        "or RED, never AMBER: the authority publishes a sanitised advisory as a separate item");
    bad_with("{\"tlp\": \"GREEN\"}", MM_EINVALID, "r.json: $.tlp: an incident report is");
    bad_with("{\"tlp\": \"clear\"}", MM_EINVALID, "never CLEAR: the authority publishes");
    parse_bad("{\"report_type\": \"initial\", \"report_type\": \"initial\", " BASE "}", MM_EPARSE,
              "duplicate");
    bad_with("{\"discovered_utc\": \"2026-03-08T05:00:00Z\"}", MM_EINVALID,
             "r.json: $.discovered_utc: \"2026-03-08T05:00:00Z\" is not the instant");
    mm_incident *inc = NULL;
    assert_int_equal(mm_incident_parse(&inc, "{}", MM_INCIDENT_MAX_BYTES + 1, "r.json", r3, r2),
                     MM_ETOOBIG);
}

static void test_example_files(void **state)
{
    (void)state;
    mm_incident *inc = NULL;
    assert_int_equal(
        mm_incident_load(&inc, MM_SOURCE_DIR "/tests/fixtures/incident/initial.json", r3, r2),
        MM_OK);
    assert_string_equal(inc->information_impact, "PROPRIETARY INFORMATION BREACH");
    mm_incident_free(inc);
    assert_int_equal(
        mm_incident_load(&inc, MM_SOURCE_DIR "/tests/fixtures/incident/follow-on.json", r3, r2),
        MM_OK);
    mm_incident_free(inc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_parse_time_malformed),
        cmocka_unit_test(test_zone_offsets),
        cmocka_unit_test(test_due_spring_forward_new_york),
        cmocka_unit_test(test_due_fall_back_new_york),
        cmocka_unit_test(test_due_berlin),
        cmocka_unit_test(test_due_tokyo),
        cmocka_unit_test(test_due_configured_hours),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_preservation),
        cmocka_unit_test(test_parse_report),
        cmocka_unit_test(test_follow_on),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_example_files),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/*
 * mamori: cyber incident reports (DFARS 252.204-7012 with CISA's notification categories)
 * and their deadlines.
 *
 * The report file is documented in docs/incidents.md (JSON Schema:
 * schemas/incident.schema.json). Times are kept as Unix seconds in UTC; the offset (and
 * optionally the IANA time zone) the reporter gave is kept only for display. The deadline
 * functions are pure: they take "now" as an argument and read no clock.
 */
#ifndef MAMORI_INCIDENT_H
#define MAMORI_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "mamori/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DFARS 252.204-7012 (c)(1)(ii) and (e): report within 72 hours of discovery; keep images
 * and packet captures for 90 days after the report. */
#define MM_INCIDENT_DEFAULT_HOURS   72
#define MM_INCIDENT_PRESERVE_DAYS   90
#define MM_INCIDENT_DUE_SOON_HOURS  24
#define MM_INCIDENT_MAX_HOURS       8760 /* a configured deadline: at most a year */
#define MM_INCIDENT_MAX_BYTES       (1024u * 1024)
#define MM_INCIDENT_NUMBER_MAX      64 /* a report number, as text */
#define MM_INCIDENT_DEFAULT_TLP     "AMBER+STRICT"
#define MM_INCIDENT_TIME_TEXT_BYTES 32 /* "2026-03-10T23:00:00-05:00" and NUL, with room */

typedef enum mm_incident_type {
    MM_INCIDENT_INITIAL = 0,
    MM_INCIDENT_FOLLOW_ON = 1,
    MM_INCIDENT_VOLUNTARY = 2
} mm_incident_type;

/* "initial", "follow-on", "voluntary". */
const char *mm_incident_type_name(mm_incident_type t);

/* A list of strings, borrowed from the incident. */
typedef struct mm_incident_list {
    const char **items;
    size_t n;
} mm_incident_list;

/*
 * A parsed, validated incident report. Every pointer is borrowed from the incident and
 * lives until mm_incident_free(). Optional strings are NULL when absent. Treat as read-only.
 */
typedef struct mm_incident {
    mm_incident_type type;
    const char *initial_report; /* follow-on only: the initial report's number */
    long long discovered;       /* Unix seconds, UTC */
    int discovered_offset;      /* the offset the reporter wrote, seconds east of UTC */
    const char *time_zone;      /* IANA name for display ("America/New_York"), or NULL */
    const char *tlp;            /* canonical TLP 2.0 label; MM_INCIDENT_DEFAULT_TLP when absent */

    /* DFARS report elements (tlp-stix.json: report_elements_commonly_listed) */
    const char *company_name;
    const char *company_poc;
    const char *uei;
    mm_incident_list contract_numbers;
    const char *contracting_officer;
    const char *program_manager;
    const char *contract_clearance_level;
    const char *facility_cage_code;
    const char *facility_clearance_level;
    const char *cdi_impact;
    const char *operational_support_impact;
    mm_incident_list locations_of_compromise;
    const char *incident_location_cage_code;
    mm_incident_list programs_involved;
    const char *type_of_compromise;
    const char *technique;
    const char *outcome;
    const char *narrative;
    const char *additional_information;

    /* CISA Federal Incident Notification Guidelines (2017), canonical spelling */
    const char *functional_impact;
    const char *information_impact;
    const char *recoverability;
    mm_incident_list attack_vectors;

    mm_incident_list affected_systems;
    mm_incident_list requirements; /* catalog ids: Rev 3 "03.01.01" or Rev 2 "3.1.1" */
    const char *sub_report_number; /* a subcontractor's report number passed up to us */
} mm_incident;

/*
 * Parses and validates an incident report (JSON text of len bytes; name is used in
 * messages). r3 and r2 are the catalogs the requirement ids are checked against (either
 * may be NULL: ids of that revision are then refused). On success *out is the caller's
 * (mm_incident_free). Errors: MM_EPARSE (not JSON), MM_EINVALID (a rule broken; the
 * message is "NAME: $.path: what"), MM_ETOOBIG, MM_ENOMEM.
 */
int mm_incident_parse(mm_incident **out, const char *data, size_t len, const char *name,
                      const mm_catalog *r3, const mm_catalog *r2)
    __attribute__((warn_unused_result));

/* Reads path (at most MM_INCIDENT_MAX_BYTES; "-" is standard input) and parses it. */
int mm_incident_load(mm_incident **out, const char *path, const mm_catalog *r3,
                     const mm_catalog *r2) __attribute__((warn_unused_result));

/* MM_EINVALID ("NAME: $.discovered: ...") when the incident was discovered more than
 * MM_INCIDENT_CLOCK_SKEW seconds after now (Unix seconds): it cannot be true, a clock or a
 * time zone is wrong. Pure: now is given. */
#define MM_INCIDENT_CLOCK_SKEW 300
int mm_incident_check_discovered(const mm_incident *inc, long long now, const char *name);

void mm_incident_free(mm_incident *inc);

/*
 * The incident in canonical form: the same members as the file, canonical spellings,
 * "discovered" as given (with its offset), "discovered_utc" added. *out is a malloc'd
 * NUL-terminated JSON text, the caller's. Parsing it again gives an equal incident.
 */
int mm_incident_to_json(char **out, const mm_incident *inc) __attribute__((warn_unused_result));

/* ---- times ------------------------------------------------------------------------------ */

/*
 * Parses an RFC 3339 date-time with an offset ("2026-03-08T01:30:00-05:00",
 * "2026-03-08T06:30:00Z"; seconds may be left out, a fraction is dropped): *out gets Unix
 * seconds (UTC) and *offset the offset in seconds east of UTC. MM_EINVALID (message: what
 * is wrong, without a file name) when malformed, out of range or without an offset.
 */
int mm_incident_parse_time(long long *out, int *offset, const char *s)
    __attribute__((warn_unused_result));

/* Formats t as local time at offset seconds east of UTC: "2026-03-10T23:00:00-05:00", or
 * "...Z" for offset 0. */
void mm_incident_format_time(char out[MM_INCIDENT_TIME_TEXT_BYTES], long long t, int offset);

/*
 * The UTC offset (seconds east) of the IANA zone at instant t, read from the TZif file
 * under $TZDIR or /usr/share/zoneinfo (no process-wide state: safe in a threaded server,
 * never touches TZ). Beyond the file's last transition the zone's POSIX rule is used.
 * Errors: MM_EINVALID (a name that is not a zone name), MM_ENOTFOUND, MM_EPARSE.
 */
int mm_incident_zone_offset(int *out, const char *zone, long long t)
    __attribute__((warn_unused_result));

/* ---- deadlines (pure functions) ---------------------------------------------------------- */

typedef enum mm_deadline_state {
    MM_DEADLINE_OPEN = 0,     /* not reported; more than the due-soon window left */
    MM_DEADLINE_DUE_SOON = 1, /* not reported; less than the due-soon window left */
    MM_DEADLINE_OVERDUE = 2,  /* not reported; past due */
    MM_DEADLINE_ON_TIME = 3,  /* reported at or before due */
    MM_DEADLINE_LATE = 4      /* reported after due */
} mm_deadline_state;

/* "open", "due-soon", "overdue", "on-time", "late". */
const char *mm_deadline_state_name(mm_deadline_state s);

/* discovered + hours (hours from 1 to MM_INCIDENT_MAX_HOURS; exact seconds in UTC, so a
 * daylight-saving change in between shifts the local clock time, not the instant). */
long long mm_incident_due(long long discovered, int hours);

/* reported + days whole days of 86,400 s (MM_INCIDENT_PRESERVE_DAYS by default). */
long long mm_incident_preserve_until(long long reported, int days);

/* The state at now: reported < 0 means not reported yet (a draft). due_soon_hours is the
 * window for MM_DEADLINE_DUE_SOON (MM_INCIDENT_DUE_SOON_HOURS by default). */
mm_deadline_state mm_incident_state(long long due, long long reported, long long now,
                                    int due_soon_hours);

#ifdef __cplusplus
}
#endif
#endif

/*
 * mamori: the host scanner. Rules (content/rules/NAME.json, see docs/rules.md) combine
 * read-only probes of a system under a root directory; each result carries its evidence
 * (what was read, from which file and line, observed and expected values) and names the
 * SP 800-171 Rev 3 objectives and Rev 2 requirements it gives evidence for.
 */
#ifndef MAMORI_CHECK_H
#define MAMORI_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "mamori/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mm_check_status {
    MM_CHECK_PASS = 0,
    MM_CHECK_FAIL,
    MM_CHECK_ERROR,         /* could not read (e.g. permission denied): neither pass nor fail */
    MM_CHECK_NOT_APPLICABLE /* e.g. no sshd installed, another platform */
} mm_check_status;

const char *mm_check_status_name(mm_check_status s); /* "pass", "fail", "error", ... */

typedef struct mm_evidence {
    const char *source;   /* file inside the root ("/etc/ssh/sshd_config"), or a probe
                             ("package database", "/proc/sys/...") */
    int line;             /* 0 when not from a line of a file */
    const char *key;      /* what was looked up ("PermitRootLogin") */
    const char *observed; /* what was found; NULL when absent */
    const char *expected; /* what the rule expects ("no", "<= 5") */
    const char *note;     /* e.g. "not set: sshd's default applies", "in Match User x" */
} mm_evidence;

typedef struct mm_rule {
    const char *id;
    const char *title;
    const char **requirements; /* Rev 3 ids, "03.01.08" */
    size_t nrequirements;
    const char **objectives; /* Rev 3 objective ids, "A.03.01.08.a" */
    size_t nobjectives;
    const char **requirements_r2; /* "3.1.8" */
    size_t nrequirements_r2;
    const char **sp800_53;
    size_t nsp800_53;
    const char **platforms; /* os-release IDs ("debian", "rhel", ...); none: any */
    size_t nplatforms;
    bool deep; /* walks the whole filesystem: only with --deep */
    const char *rationale;
    const char *remediation;
    const char *file; /* the rule file it came from */
    struct mm_check_node *check;
    struct mm_check_node *applies_if;
} mm_rule;

typedef struct mm_ruleset {
    mm_rule *rules; /* sorted by id */
    size_t nrules;
    struct mm_arena *arena;
    void **regexes; /* private: compiled regular expressions */
    size_t nregexes;
} mm_ruleset;

/* Loads every *.json rule file of dir (NULL: the rules compiled into the library),
 * checking each rule's ids against the catalogs (r3 and r2 may be NULL to skip that
 * check). Errors name the file and the JSON path. */
int mm_rules_load(mm_ruleset **out, const char *dir, const mm_catalog *r3, const mm_catalog *r2)
    __attribute__((warn_unused_result));
/* Same, from one rule file in memory (name is used in messages). */
int mm_rules_parse(mm_ruleset **out, const char *data, size_t len, const char *name,
                   const mm_catalog *r3, const mm_catalog *r2) __attribute__((warn_unused_result));
void mm_ruleset_free(mm_ruleset *rs);

typedef struct mm_rule_result {
    const mm_rule *rule; /* borrowed from the ruleset */
    mm_check_status status;
    const char *message; /* one line: why it passed / failed / could not be read */
    mm_evidence *evidence;
    size_t nevidence;
} mm_rule_result;

typedef struct mm_scan_options {
    const char *root;          /* "/" by default */
    const mm_profile *profile; /* ODP values for rules that use them (may be NULL) */
    bool deep;                 /* run whole-filesystem rules too */
    int jobs;                  /* worker threads (0 or 1: none) */
    void (*progress)(void *ctx, size_t done, size_t total); /* may be NULL */
    void *progress_ctx;
    long long now; /* Unix time recorded as "started" */
} mm_scan_options;

typedef struct mm_scan {
    const char *host; /* host name of the scanned system (its /etc/hostname, else uname) */
    const char *root;
    const char *os;      /* PRETTY_NAME of its os-release */
    const char *os_id;   /* ID of its os-release */
    const char *started; /* RFC 3339 */
    double duration_ms;
    const char *profile;     /* name of the ODP profile used, or NULL */
    mm_rule_result *results; /* in rule id order */
    size_t nresults;
    size_t counts[4]; /* by mm_check_status */
    struct mm_arena *arena;
} mm_scan;

/* Runs every rule of rs against the system under opts->root. Read-only. Runtime state
 * (/proc: running values, mounts, processes, FIPS mode) is read only when the root is the
 * running system's "/". Errors: MM_ENOTFOUND, MM_EACCES or MM_EIO when the root cannot be
 * opened; MM_EINVALID when a root other than "/" has neither etc/os-release nor
 * usr/lib/os-release (not an operating system); the message names the root. */
int mm_scan_run(mm_scan **out, const mm_ruleset *rs, const mm_scan_options *opts)
    __attribute__((warn_unused_result));
void mm_scan_free(mm_scan *s);

/* The scan as JSON (malloc'd): {"host", "root", "started", "duration_ms", "results": [{
 * "rule", "title", "status", "requirements", "objectives", "requirements_r2", "sp800_53",
 * "message", "evidence": [{"source", "line", "key", "observed", "expected", "note"}],
 * "remediation"}], ...}. */
int mm_scan_to_json(char **out, const mm_scan *s, const char *tool_version)
    __attribute__((warn_unused_result));
/* Terminal text (colour optional) and a self-contained HTML page, in lang ("ja" for
 * Japanese headings and labels; NULL or "en": English). Rule titles, messages and fixes are
 * the rules' own English. */
int mm_scan_to_text(char **out, const mm_scan *s, bool color, const char *lang)
    __attribute__((warn_unused_result));
int mm_scan_to_html(char **out, const mm_scan *s, const char *lang)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif

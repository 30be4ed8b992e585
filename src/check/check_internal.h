/* Internal parts of the check module: the check tree of a rule, the evaluation context. */
#ifndef MM_CHECK_INTERNAL_H
#define MM_CHECK_INTERNAL_H

#include <regex.h>

#include "check/probe.h"
#include "mamori/check.h"

typedef enum mm_node_kind {
    N_ALL,
    N_ANY,
    N_NOT,
    N_FILE,
    N_CONFIG,
    N_PAM,
    N_PACKAGE,
    N_SERVICE,
    N_MOUNT,
    N_AUDIT,
    N_ACCOUNTS,
    N_SUDOERS,
    N_FIPS,
    N_PROCESS,
    N_WALK
} mm_node_kind;

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_MATCHES, OP_PRESENT, OP_ABSENT };

typedef struct mm_check_node {
    mm_node_kind kind;
    struct mm_check_node **kids;
    size_t nkids;
    const char *target; /* file path, config format, service, mount point, ... */
    const char *path;   /* config: a file other than the format's default */
    const char *key;    /* config key, pam arg */
    int op;
    const char *value;
    const char **values; /* op "in", service states, mount options */
    size_t nvalues;
    const char *def;      /* value when the key is absent */
    const char *odp;      /* ODP id giving the expected number */
    const char *odp_unit; /* unit of the setting */
    regex_t *regex;       /* op "matches", audit_rule, sudoers no_rule_matches */
    const char **list;    /* pam services, package names, walk allow list */
    size_t nlist;
    const char *type, *module; /* pam */
    int exists;                /* file exists / mount separate: -1 unset, 0, 1 */
    int present;               /* pam present, package installed, process running */
    const char *mode_max;
    unsigned mode;
    const char **owners, **groups;
    size_t nowners, ngroups;
    struct {                                         /* audit: in normal form (audit_rule.h) */
        const char **syscalls, **fields, **compares; /* any one syscall; every field, compare */
        size_t nsyscalls, nfields, ncompares;
        const char **watch; /* any of these paths (path= or dir=) */
        size_t nwatch;
        const char *perm;    /* letters the watch must cover */
        const char *enabled; /* value of the last -e */
    } audit;
} mm_check_node;

/* What one walk of the whole tree found (paths as seen inside the root). */
#define MM_WALK_KEEP 100000 /* paths kept per list; count goes on */
typedef struct mm_walk_list {
    char **paths;
    size_t n, cap;
    size_t count;
} mm_walk_list;

typedef struct mm_walk_result {
    mm_walk_list world_writable, unowned, suid;
    bool owners_known; /* passwd and group could be read */
} mm_walk_result;

/* Walks the tree under root once (its file system only, no links followed). */
int mm_walk_all(mm_walk_result *out, const mm_root *root, const mm_facts *passwd,
                const mm_facts *group);
void mm_walk_result_free(mm_walk_result *r);

/* Seconds in one unit ("seconds", "minutes", "hours", "days"; singular too); 0 if unknown. */

#endif

/*
 * The normal form of an audit rule (internal to src/check/): a rule line read as auditctl
 * reads it, so that equivalent spellings compare equal.
 *
 * - options in any order; "-a exit,always" is "-a always,exit"; -A is -a;
 * - "-S a -S b" and "-S a,b" are one sorted set of syscalls;
 * - "-k K" is "-F key=K"; -F fields are sorted; perm letters are in the order rwxa;
 *   arch names are b64/b32 (x86_64, aarch64, ... / i386, i686, ...); exit=-13 is -EACCES,
 *   exit=-1 is -EPERM; an id field's -1 or 4294967295 is "unset"; path/dir lose a
 *   trailing '/';
 * - "-C a!=b" is "-C b!=a" (operands sorted; < and > swap with them);
 * - "-w PATH [-p PERM] [-k K]" is "-a always,exit -F path=PATH -F perm=PERM [-F key=K]"
 *   (perm rwxa when -p is missing), the rule auditctl makes of a watch;
 * - control lines (-e 2, -b 8192, -D, ...) keep their option and value.
 */
#ifndef MM_CHECK_AUDIT_RULE_H
#define MM_CHECK_AUDIT_RULE_H

#include <stdbool.h>
#include <stddef.h>

#define MM_AUDIT_MAX_ITEMS 64  /* syscalls, fields or comparisons per rule */
#define MM_AUDIT_ITEM_MAX  512 /* bytes of one word of a rule */

typedef enum mm_audit_kind { MM_AUDIT_NONE, MM_AUDIT_SYSCALL, MM_AUDIT_CONTROL } mm_audit_kind;

typedef struct mm_audit_rule {
    mm_audit_kind kind;
    const char *list, *action;                /* "exit", "always" (syscall rules) */
    const char *syscalls[MM_AUDIT_MAX_ITEMS]; /* sorted, each once */
    size_t nsyscalls;
    const char *fields[MM_AUDIT_MAX_ITEMS]; /* "name<op>value", normalised, sorted */
    size_t nfields;
    const char *compares[MM_AUDIT_MAX_ITEMS]; /* "a!=b" with a <= b, sorted */
    size_t ncompares;
    const char *control, *control_value; /* "-e", "2" (control lines) */
    char store[8192];                    /* every string above points in here */
    size_t used;
} mm_audit_rule;

/* Reads one line of audit.rules into r. MM_EPARSE when the line adds no rule: blank, a
 * '#' comment line, a delete/list command, or something auditctl would refuse (a '#' after
 * a rule is a stray word for auditctl, not a comment). */
int mm_audit_rule_parse(mm_audit_rule *r, const char *line);
/* The normal form as one line ("-a always,exit -S open,openat -F arch=b64 -F key=access").
 * MM_ETOOBIG when it does not fit cap bytes. */
int mm_audit_rule_text(const mm_audit_rule *r, char *out, size_t cap);
/* The value of field name in r ("b64" for "arch"), or NULL. Borrowed from r. */
const char *mm_audit_rule_field(const mm_audit_rule *r, const char *name);
bool mm_audit_rule_has(const char *const *v, size_t n, const char *s);
/* One -F field or -C comparison in normal form ("exit=-13" -> "exit=-EACCES", "uid!=euid"
 * -> "euid!=uid"). MM_EPARSE when s has no operator or does not fit. */
int mm_audit_field_normalize(const char *s, char *out, size_t cap);
int mm_audit_compare_normalize(const char *s, char *out, size_t cap);

#endif

/*
 * Probes: read-only access to a system under a root directory, and the parsers of its
 * configuration formats. Internal to the check module (src/check/); the public API is
 * include/mamori/check.h.
 *
 * Safety: every path is resolved component by component under the root with
 * O_NOFOLLOW; a symbolic link is followed only when its target stays inside the root
 * (absolute targets are taken relative to the root, as chroot would), so nothing outside
 * --root is ever read. Reads are bounded. Nothing is written and nothing is executed.
 */
#ifndef MM_CHECK_PROBE_H
#define MM_CHECK_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util/util.h"

/* ---- the root ------------------------------------------------------------------------------ */

typedef struct mm_root mm_root;

/* Opens path (a directory) as the root. MM_ENOTFOUND, MM_EACCES or MM_EIO otherwise. */
int mm_root_open(mm_root **out, const char *path);
void mm_root_free(mm_root *r);
/* The root as given ("/" or "/mnt/image"). */
const char *mm_root_path(const mm_root *r);
/* True when the root is the running system's "/": runtime state (/proc) describes it. */
bool mm_root_is_live(const mm_root *r);

/* Reads the file at path (absolute, as seen inside the root) into a NUL-terminated malloc'd
 * buffer. Files larger than max fail with MM_ETOOBIG (nothing is slurped). Errors:
 * MM_ENOTFOUND (absent), MM_EACCES (permission denied), MM_EIO (a symlink out of the root,
 * not a regular file, other errors); mm_error_last() names the path. */
int mm_root_read(const mm_root *r, const char *path, size_t max, char **out, size_t *len);

/* stat of path, following symlinks that stay inside the root. Same errors. */
int mm_root_stat(const mm_root *r, const char *path, struct stat *st);
/* lstat of path (the last component is not followed). */
int mm_root_lstat(const mm_root *r, const char *path, struct stat *st);
/* The target of the symlink at path, as written in the link (malloc'd). */
int mm_root_readlink(const mm_root *r, const char *path, char **out);

/* Names in directory path (not "." or ".."), sorted bytewise; the caller frees them with
 * mm_strv_free. MM_ENOTFOUND when the directory is absent. */
int mm_root_list(const mm_root *r, const char *path, char ***out, size_t *n);
/* Paths matching a glob pattern (fnmatch per component, e.g. "/etc/ssh/sshd_config.d/
 * *.conf"), sorted; none is not an error (n = 0). */
int mm_root_glob(const mm_root *r, const char *pattern, char ***out, size_t *n);
void mm_strv_free(char **v, size_t n);

/* Default size limit for configuration files. */
#define MM_CONFIG_MAX_BYTES (4u * 1024 * 1024)

/* ---- facts: what a parser read, with where it read it ------------------------------------- */

typedef struct mm_fact {
    const char *key;     /* e.g. "permitrootlogin" (lower case where the format is
                            case-insensitive), "net.ipv4.ip_forward", "auth" (PAM type) */
    const char *value;   /* the value as written (trimmed) */
    const char *file;    /* path inside the root, e.g. "/etc/ssh/sshd_config.d/50.conf" */
    int line;            /* 1-based line number in file, 0 when not from a file */
    const char *context; /* e.g. "Match User backup" (sshd), "Time" (ini section), or NULL */
} mm_fact;

typedef struct mm_facts {
    mm_fact *items;
    size_t n, cap;
    mm_arena *arena; /* owns every string of the facts */
} mm_facts;

int mm_facts_init(mm_facts *f);
void mm_facts_free(mm_facts *f);
/* Copies the strings (context may be NULL). MM_ENOMEM on failure. */
int mm_facts_add(mm_facts *f, const char *key, const char *value, const char *file, int line,
                 const char *context);
/* The first fact with key (compared as given) and a NULL context, or NULL. */
const mm_fact *mm_facts_first(const mm_facts *f, const char *key);
/* The last fact with key and a NULL context, or NULL. */
const mm_fact *mm_facts_last(const mm_facts *f, const char *key);

/* ---- drop-in folders ------------------------------------------------------------------- */

/* The paths of the winning *.conf names of dirs (earlier folders win), sorted by name;
 * free with mm_strv_free. *found tells whether any folder exists. */
int mm_dropin_files(const mm_root *r, const char *const *dirs, size_t ndirs, char ***out,
                    size_t *nout, bool *found);
/* Reads a winning file; *data stays NULL when the name is masked (a symlink to /dev/null, a
 * dangling symlink, not a regular file). */
int mm_dropin_read(const mm_root *r, const char *path, char **data, size_t *len, struct stat *st);

/* ---- parsers ---------------------------------------------------------------------------- */

/* A parser of a file's text (no file access): appends facts read from data. */
typedef int (*mm_text_parser)(mm_facts *out, const char *data, size_t len, const char *file);

/* Reads path under r (at most MM_CONFIG_MAX_BYTES) and hands its text to parse. */
int mm_parse_root_file(mm_facts *out, const mm_root *r, const char *path, mm_text_parser parse);
/* Each appends to out and returns MM_OK, MM_ENOTFOUND when the main file is absent,
 * MM_EACCES when it cannot be read, or MM_EIO/MM_ETOOBIG. Files included by a main file
 * that are absent are skipped silently; unreadable ones fail the parse with MM_EACCES. */

typedef enum mm_kv_syntax {
    MM_KV_SPACE,  /* "KEY value" (login.defs, chrony.conf); '#' comments */
    MM_KV_EQUALS, /* "key = value" (auditd.conf, faillock.conf, pwquality.conf, sysctl);
                     '#' and ';' comments */
    MM_KV_INI     /* "[Section]" then "Key=Value" (systemd: timesyncd.conf); context =
                     section name */
} mm_kv_syntax;

/* Parses a buffer of a key/value format (no file access). Keys are kept as written. */
int mm_parse_kv_text(mm_facts *out, const char *data, size_t len, const char *file,
                     mm_kv_syntax syntax);
/* Reads path under r and parses it with syntax. */
int mm_parse_kv_file(mm_facts *out, const mm_root *r, const char *path, mm_kv_syntax syntax);

/* sshd_config (path: usually /etc/ssh/sshd_config) with Include (globs, relative to
 * /etc/ssh) and Match blocks. Keys lower-cased; facts inside a Match block carry the Match
 * line as context. sshd uses the first value it reads for each keyword (mm_facts_first). */
int mm_parse_sshd(mm_facts *out, const mm_root *r, const char *path);
int mm_parse_sshd_text(mm_facts *out, const char *data, size_t len, const char *file);

/* sysctl settings in the order systemd-sysctl applies them (sysctl.d(5)): *.conf from
 * /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d, /lib/sysctl.d
 * (a name in an earlier folder hides the same name in a later one), sorted by file name,
 * then /etc/sysctl.conf. Keys use '.' separators; the last value wins (mm_facts_last). */
int mm_parse_sysctl(mm_facts *out, const mm_root *r);

/* modprobe.d (/etc, /run, /usr/local/lib, /usr/lib, /lib modprobe.d, same precedence):
 * facts key = module name with '-' read as '_', value = "install /bin/false",
 * "blacklist", ... */
int mm_parse_modprobe(mm_facts *out, const mm_root *r);

/* A PAM service stack (/etc/pam.d/SERVICE) with @include (Debian) and include / substack
 * (RHEL) expanded in place: key = type ("auth", "account", "password", "session", with a
 * leading '-' removed), value = "control module args..." as written. */
int mm_parse_pam(mm_facts *out, const mm_root *r, const char *service);

/* Variables a login shell sets: /etc/profile, then /etc/profile.d/ *.sh in the order of
 * the glob in /etc/profile (sorted names), then /etc/bash.bashrc (Debian) and /etc/bashrc
 * (RHEL), each through mm_parse_shell_text; absent files are skipped. Read a variable with
 * mm_shell_lookup (parse_b.h). */
int mm_parse_login_shell(mm_facts *out, const mm_root *r);

/* /etc/fstab: key = mount point, value = "device type options dump pass". */
int mm_parse_fstab(mm_facts *out, const mm_root *r);
/* /proc/mounts (live roots only; MM_ENOTFOUND otherwise): same shape as fstab. */
int mm_parse_mounts(mm_facts *out, const mm_root *r);

/* Audit rules: /etc/audit/rules.d/ *.rules in name order, or /etc/audit/audit.rules when
 * that folder is absent: key = the rule with white space normalised, value = same. */
int mm_parse_audit_rules(mm_facts *out, const mm_root *r);

/* /etc/sudoers with @includedir / #includedir / @include / #include expanded (files in an
 * included folder are skipped when their name contains '.' or ends with '~'): key =
 * "Defaults" or "rule" (a user specification) or "alias", value = the rest. */
int mm_parse_sudoers(mm_facts *out, const mm_root *r);

/* /etc/passwd, /etc/group, /etc/shadow: key = name, value = the remaining fields joined
 * with ':' as written. */
int mm_parse_passwd(mm_facts *out, const mm_root *r);
int mm_parse_group(mm_facts *out, const mm_root *r);
int mm_parse_shadow(mm_facts *out, const mm_root *r);

/* Installed packages: key = package name, value = version. dpkg's /var/lib/dpkg/status
 * (only "install ok installed" entries) and the RPM database (/var/lib/rpm/rpmdb.sqlite
 * or /usr/lib/sysimage/rpm/rpmdb.sqlite). MM_ENOTFOUND when neither database exists. */
int mm_parse_packages(mm_facts *out, const mm_root *r);

/* systemd unit state: "enabled" (a symlink in a *.wants/ or *.requires/ folder under
 * /etc/systemd/system or /usr/lib/systemd/system / /lib/systemd/system), "masked"
 * (/etc/systemd/system/UNIT -> /dev/null), "disabled" (the unit file exists only), or
 * "absent". *state is a static string. */
int mm_systemd_unit_state(const mm_root *r, const char *unit, const char **state);
/* The units named in any *.wants/ or *.requires/ folder (key = unit, value = folder), and
 * the same lookup reusing them, so that many lookups list the folders once. */
int mm_parse_systemd_wanted(mm_facts *out, const mm_root *r);
int mm_systemd_unit_state_with(const mm_root *r, const mm_facts *wanted_units, const char *unit,
                               const char **state);

#endif

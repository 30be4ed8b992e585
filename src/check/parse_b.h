/*
 * Internal to the system parsers of src/check/ (PAM, fstab, audit, sudoers, accounts,
 * packages, systemd): the text-level halves of the parsers declared in probe.h, over a
 * buffer and with no file access, so unit tests and fuzz targets reach them directly.
 * The file-level functions in probe.h read through mm_root_* and call these.
 *
 * Every function here appends to out (strings copied into out's arena) and returns MM_OK,
 * MM_ENOMEM, or what an include callback returned. Text is never "malformed": lines that
 * make no sense are skipped or kept as written, as the program that reads the file would
 * be the judge. A NUL byte ends the line it is in.
 */
#ifndef MM_CHECK_PARSE_B_H
#define MM_CHECK_PARSE_B_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check/probe.h"

/* Includes nested deeper than this are not followed (and a file that is already being
 * read further up the chain of includes is never read again: a loop ends at once). */
#define MM_INCLUDE_DEPTH_MAX 8

/* The next physical line of [*p, end) without its '\n' (a '\r' before it is kept): sets
 * *line and *n, advances *p; false at the end. */
static inline bool mm_next_line(const char **p, const char *end, const char **line, size_t *n)
{
    if (*p >= end)
        return false;
    const char *s = *p;
    const char *e = memchr(s, '\n', (size_t)(end - s));
    if (!e)
        e = end;
    *line = s;
    *n = (size_t)(e - s);
    *p = e < end ? e + 1 : e;
    return true;
}

/* Normalises an absolute path in place, lexically: repeated '/', "." and "name/.." are
 * removed ("/.." stays "/"), so that one file read twice under two spellings is known as
 * the same (include loops). Links are not looked at: this is for names, not for access. */
void mm_path_normalize(char *path);

/* ---- PAM ----------------------------------------------------------------------------- */

/* Called for "@include NAME" (type NULL: every line of NAME) and for a line whose control
 * is "include" or "substack" (type = that line's type: only NAME's lines of that type).
 * depth is the depth of the included file (1 for a file included by the service file). */
typedef int (*mm_pam_include_fn)(void *ctx, mm_facts *out, const char *name, const char *type,
                                 int depth);

/* One PAM file's text. Logical lines are assembled as Linux-PAM does: a '#' anywhere starts
 * a comment that ends the line, a trailing backslash (white space may follow it) joins the
 * next physical line with a space. Each line "[-]type control module [args]" becomes a fact
 * at the line's first physical line: key = type in lower case without its leading '-',
 * value = the rest with runs of white space outside [...] brackets made one space (a
 * bracketed control such as "[success=1 default=ignore]" or argument is kept whole, as
 * written). The '-' (which only silences the log when the module is missing) is not kept.
 * Only lines of type type are kept when type is not NULL. Include lines call include
 * (when not NULL) in place; they are not facts themselves. */
int mm_parse_pam_text(mm_facts *out, const char *data, size_t len, const char *file,
                      const char *type, int depth, mm_pam_include_fn include, void *ctx);

/* ---- fstab, /proc/mounts ------------------------------------------------------------- */

/* fstab(5) text: '#' comment lines and blank lines skipped; lines of fewer than three
 * fields skipped; key = the mount point with octal escapes (\040, \011, \012, \134)
 * decoded; value = "device type options dump pass" with the fields as written (escapes
 * kept, so the value splits on spaces), options "defaults" and dump and pass "0" when
 * missing. */
int mm_parse_fstab_text(mm_facts *out, const char *data, size_t len, const char *file);

/* Decodes fstab's octal escapes (a backslash and three octal digits) of s in place. */
void mm_fstab_unescape(char *s);

/* ---- audit ---------------------------------------------------------------------------- */

/* audit.rules text: each line that is not blank or a '#' comment line becomes a fact with
 * key = value = the line with runs of white space made one space and trimmed. Control
 * lines (-D, -b, -f, -e, ...) are facts too. */
int mm_parse_audit_text(mm_facts *out, const char *data, size_t len, const char *file);

/* Compares two file names as augenrules orders them (ls -v): runs of digits compare by
 * their numeric value, everything else bytewise. */
int mm_natural_cmp(const char *a, const char *b);

/* ---- shell assignments ------------------------------------------------------------------ */

/* The context of a fact of mm_parse_shell_text: what the command did to the variable. */
extern const char MM_SH_SET[];          /* NAME=v, export NAME=v, declare -x NAME=v */
extern const char MM_SH_SET_READONLY[]; /* readonly NAME=v, declare -r NAME=v */
extern const char MM_SH_READONLY[];     /* readonly NAME, declare -r NAME (value kept) */
extern const char MM_SH_UNSET[];        /* unset NAME */

/* A shell script's variable assignments, read as bash would execute the file, without
 * running anything. Words are split and unquoted as the shell does ('...', "...", \, line
 * continuations, comments); commands end at newline, ';', '&', '|', "&&", "||". A command
 * changes a variable (one fact per variable: key = name, value = the unquoted value, line =
 * the command's line, context = one of the four above) when it is an assignment-only
 * command (NAME=v ...), or export, readonly, declare or typeset (options -r, -x and their
 * combinations; -f, -F, -p and export -n change no variable) or unset (not -f). Commands
 * the login shell may not run are skipped: inside if/case/loops, function bodies, "{ }"
 * groups and subshells, after "&&" or "||", in a pipeline, and NAME=v prefixing another
 * command. Expansions ($x, $(...), `...`) are kept as written; they are not evaluated. */
int mm_parse_shell_text(mm_facts *out, const char *data, size_t len, const char *file);

/* The assignment in effect for name after the facts of mm_parse_shell_text, in order: the
 * last assignment wins, unset removes the value, and once the variable is readonly later
 * assignments and unsets fail as in bash. NULL when the variable is not set. Borrowed. */
const mm_fact *mm_shell_lookup(const mm_facts *f, const char *name);

/* ---- sudoers -------------------------------------------------------------------------- */

/* Called for an include: path is already made absolute (relative to the folder of the
 * including file), dir tells @includedir/#includedir from @include/#include; depth is the
 * depth of the included file or folder's files. */
typedef int (*mm_sudoers_include_fn)(void *ctx, mm_facts *out, const char *path, bool dir,
                                     int depth);

/* sudoers(5) text. A line ending in a backslash continues on the next one. "#include",
 * "#includedir", "@include" and "@includedir" call include (when not NULL); '#' followed
 * by digits at the start of a line is a user ID (a rule), any other '#' line is a comment,
 * and a '#' after white space (outside double quotes, not before a digit) starts a trailing
 * comment. Facts: key "Defaults" (value = the text after the word "Defaults", so a
 * qualifier such as ":user" stays at its start), "alias" (User_Alias, Runas_Alias,
 * Host_Alias, Cmnd_Alias, Cmd_Alias lines; value = the whole line) or "rule" (value =
 * the whole line), trimmed, continuations joined with one space. */
int mm_parse_sudoers_text(mm_facts *out, const char *data, size_t len, const char *file, int depth,
                          mm_sudoers_include_fn include, void *ctx);

/* ---- passwd, group, shadow ------------------------------------------------------------ */

/* Colon-separated account files: each non-blank line becomes key = the text before the
 * first ':' (the whole line when there is none), value = the text after it, as written.
 * NIS lines ("+", "+@netgroup", "-user") are kept with their key as written. */
int mm_parse_colon_text(mm_facts *out, const char *data, size_t len, const char *file);

/* ---- packages ------------------------------------------------------------------------- */

/* dpkg's status file: stanzas separated by blank lines; field names are case-insensitive
 * and continuation lines (starting with a space or tab) are ignored. A stanza with a
 * Package field whose Status has "installed" as its third word (the package's files are
 * on disk: "install ok installed", also "hold ok installed" and "deinstall ok installed")
 * becomes key = package, value = Version, line = the Package field's line. */
int mm_parse_dpkg_status_text(mm_facts *out, const char *data, size_t len, const char *file);

/* An RPM header as stored in rpmdb.sqlite (no lead, no magic: il, dl, il index entries,
 * the data store; big-endian). On success *name and *evr are malloc'd: the NAME tag and
 * "[epoch:]version-release". MM_EPARSE (message set) when the blob is malformed or lacks
 * one of NAME, VERSION, RELEASE; every offset is checked against the blob's size. */
int mm_rpm_header_parse(const uint8_t *blob, size_t len, char **name, char **evr);

#endif

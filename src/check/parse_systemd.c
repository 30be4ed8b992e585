/*
 * The enablement state of a systemd unit, read from the unit folders without asking
 * systemd: masked, enabled, disabled or absent. Nothing is followed: links are read with
 * mm_root_lstat and mm_root_readlink only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define UNIT_MAX 256

static const char *const unit_dirs[] = {"/etc/systemd/system", "/run/systemd/system",
                                        "/usr/lib/systemd/system", "/lib/systemd/system"};

static bool valid_unit(const char *u)
{
    size_t n = strlen(u);
    return n > 0 && n < UNIT_MAX && !strchr(u, '/') && strcmp(u, ".") != 0 && strcmp(u, "..") != 0;
}

/* lstat of dir/name: 1 when it exists, 0 when absent, or an error. */
static int exists(const mm_root *r, const char *dir, const char *name, struct stat *st)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int rc = mm_root_lstat(r, path, st);
    return rc == MM_OK ? 1 : rc == MM_ENOTFOUND ? 0 : rc;
}

/* 1 when dir/name is masked: a symbolic link to /dev/null, or an empty file (systemd.unit(5):
 * both make the unit "masked"). When it is a link elsewhere, its target's file name (an
 * alias: "sshd.service" -> ".../ssh.service") is copied to alias. */
static int masked(const mm_root *r, const char *dir, const char *name, char *alias, size_t size)
{
    struct stat st;
    int rc = exists(r, dir, name, &st);
    if (rc <= 0)
        return rc;
    if (S_ISREG(st.st_mode))
        return st.st_size == 0;
    if (!S_ISLNK(st.st_mode))
        return 0;
    char path[512], *target = NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = mm_root_readlink(r, path, &target);
    if (rc == MM_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    int is_null = strcmp(target, "/dev/null") == 0;
    const char *base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (!is_null && alias && !alias[0] && strcmp(base, name) != 0 && valid_unit(base))
        snprintf(alias, size, "%s", base);
    free(target);
    return is_null;
}

/* Every unit named in a *.wants/ or *.requires/ folder of the unit folders: key = unit
 * name, value = the folder. One listing per folder, whatever the number of lookups. */
int mm_parse_systemd_wanted(mm_facts *out, const mm_root *r)
{
    for (size_t d = 0; d < sizeof(unit_dirs) / sizeof(unit_dirs[0]); d++) {
        char **names;
        size_t n;
        int rc = mm_root_list(r, unit_dirs[d], &names, &n);
        if (rc == MM_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++) {
            size_t l = strlen(names[i]);
            bool deps = (l > 6 && strcmp(names[i] + l - 6, ".wants") == 0) ||
                        (l > 9 && strcmp(names[i] + l - 9, ".requires") == 0);
            if (!deps || l >= UNIT_MAX)
                continue;
            char dir[UNIT_MAX + 32];
            snprintf(dir, sizeof(dir), "%s/%s", unit_dirs[d], names[i]);
            char **units;
            size_t nu;
            int lrc = mm_root_list(r, dir, &units, &nu);
            if (lrc == MM_ENOTFOUND)
                continue;
            if (lrc) {
                rc = lrc;
                break;
            }
            for (size_t k = 0; k < nu && rc == 0; k++)
                rc = mm_facts_add(out, units[k], dir, dir, 0, NULL);
            mm_strv_free(units, nu);
        }
        mm_strv_free(names, n);
        if (rc)
            return rc;
    }
    return MM_OK;
}

/* 1 when a *.wants/ or *.requires/ folder of a unit folder holds name. */
static int wanted(const mm_root *r, const mm_facts *known, const char *name)
{
    mm_facts local;
    const mm_facts *f = known;
    if (!f) {
        if (mm_facts_init(&local))
            return MM_ENOMEM;
        int rc = mm_parse_systemd_wanted(&local, r);
        if (rc) {
            mm_facts_free(&local);
            return rc;
        }
        f = &local;
    }
    int hit = 0;
    for (size_t i = 0; i < f->n && !hit; i++)
        hit = strcmp(f->items[i].key, name) == 0;
    if (f == &local)
        mm_facts_free(&local);
    return hit;
}

/* The template of an instance ("getty@tty1.service" -> "getty@.service"), else "". */
static void template_of(const char *unit, char *out, size_t size)
{
    const char *at = strchr(unit, '@'), *dot = strrchr(unit, '.');
    out[0] = '\0';
    if (at && dot && dot > at + 1)
        snprintf(out, size, "%.*s%s", (int)(at - unit + 1), unit, dot);
}

int mm_systemd_unit_state(const mm_root *r, const char *unit, const char **state)
{
    return mm_systemd_unit_state_with(r, NULL, unit, state);
}

int mm_systemd_unit_state_with(const mm_root *r, const mm_facts *wanted_units, const char *unit,
                               const char **state)
{
    *state = "absent";
    if (!unit || !valid_unit(unit)) {
        mm_error_set("\"%s\": not a systemd unit name", unit ? unit : "");
        return MM_EUSAGE;
    }
    char tmpl[UNIT_MAX] = "", alias[UNIT_MAX] = "";
    template_of(unit, tmpl, sizeof(tmpl));
    const char *names[2] = {unit, tmpl[0] ? tmpl : NULL};
    int rc;
    for (size_t d = 0; d < 2; d++) /* /etc and /run */
        for (size_t k = 0; k < 2 && names[k]; k++)
            if ((rc = masked(r, unit_dirs[d], names[k], k == 0 ? alias : NULL, sizeof(alias))) !=
                0) {
                if (rc < 0)
                    return rc;
                *state = "masked";
                return MM_OK;
            }
    if ((rc = wanted(r, wanted_units, unit)) != 0 ||
        (alias[0] && (rc = wanted(r, wanted_units, alias)) != 0)) {
        if (rc < 0)
            return rc;
        *state = "enabled";
        return MM_OK;
    }
    for (size_t d = 0; d < sizeof(unit_dirs) / sizeof(unit_dirs[0]); d++)
        for (size_t k = 0; k < 2 && names[k]; k++) {
            struct stat st;
            if ((rc = exists(r, unit_dirs[d], names[k], &st)) != 0) {
                if (rc < 0)
                    return rc;
                *state = "disabled";
                return MM_OK;
            }
        }
    return MM_OK;
}

/*
 * The "*.d" folders of systemd and kmod (sysctl.d(5), modprobe.d(5)): the *.conf names of
 * several folders merged, a name in an earlier folder hiding the same name in a later one,
 * read in name order; a name that is a symlink to /dev/null (or not a regular file) masks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

#define CONF_MAX_FILES 4096 /* winning *.conf files read at most */

typedef struct conf_name {
    char *name;
    size_t dir; /* index into the folder list */
} conf_name;

static int cmp_conf_name(const void *a, const void *b)
{
    const conf_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static bool wanted_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

/* The paths of the winning *.conf names of dirs, sorted by name (malloc'd; mm_strv_free).
 * *found tells whether any folder exists. Errors other than an absent folder fail. */
int mm_dropin_files(const mm_root *r, const char *const *dirs, size_t ndirs, char ***out,
                    size_t *nout, bool *found)
{
    conf_name *v = NULL;
    size_t n = 0, cap = 0;
    char **paths = NULL;
    size_t npaths = 0;
    int rc = MM_OK;
    *out = NULL;
    *nout = 0;
    *found = false;
    for (size_t d = 0; d < ndirs; d++) {
        char **names = NULL;
        size_t count = 0;
        rc = mm_root_list(r, dirs[d], &names, &count);
        if (rc == MM_ENOTFOUND) {
            rc = MM_OK;
            continue;
        }
        if (rc != MM_OK)
            goto done;
        *found = true;
        for (size_t i = 0; i < count; i++) {
            if (!wanted_name(names[i]))
                continue;
            if (n >= CONF_MAX_FILES * ndirs) {
                mm_strv_free(names, count);
                mm_error_set("%s: more than %d configuration files", dirs[d], CONF_MAX_FILES);
                rc = MM_ETOOBIG;
                goto done;
            }
            if (n == cap) {
                size_t c = cap ? cap * 2 : 32;
                conf_name *p = realloc(v, c * sizeof(*p));
                if (!p) {
                    mm_strv_free(names, count);
                    rc = MM_ENOMEM;
                    goto done;
                }
                v = p;
                cap = c;
            }
            v[n].name = names[i]; /* taken over */
            v[n].dir = d;
            names[i] = NULL;
            n++;
        }
        mm_strv_free(names, count);
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_conf_name);
    paths = calloc(n ? n : 1, sizeof(char *));
    if (!paths) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(v[i].name, v[i - 1].name) == 0)
            continue; /* hidden by the same name in an earlier folder */
        if (npaths >= CONF_MAX_FILES) {
            mm_error_set("%s: more than %d configuration files", dirs[0], CONF_MAX_FILES);
            rc = MM_ETOOBIG;
            goto done;
        }
        size_t len = strlen(dirs[v[i].dir]) + 1 + strlen(v[i].name) + 1;
        if (!(paths[npaths] = malloc(len))) {
            rc = MM_ENOMEM;
            goto done;
        }
        snprintf(paths[npaths++], len, "%s/%s", dirs[v[i].dir], v[i].name);
    }
    *out = paths;
    *nout = npaths;
    paths = NULL;
done:
    if (rc == MM_ENOMEM)
        mm_error_set("%s: out of memory", dirs[0]);
    mm_strv_free(paths, npaths);
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    return rc;
}

/* Reads a winning configuration file. *data stays NULL when the name is masked (a symlink
 * to /dev/null, a dangling symlink, not a regular file). */
int mm_dropin_read(const mm_root *r, const char *path, char **data, size_t *len, struct stat *st)
{
    *data = NULL;
    *len = 0;
    int rc = mm_root_lstat(r, path, st);
    if (rc == MM_ENOTFOUND)
        return MM_OK;
    if (rc != MM_OK)
        return rc;
    if (S_ISLNK(st->st_mode)) {
        char *target = NULL;
        rc = mm_root_readlink(r, path, &target);
        if (rc == MM_ENOTFOUND)
            return MM_OK;
        if (rc != MM_OK)
            return rc;
        bool masked = strcmp(target, "/dev/null") == 0;
        free(target);
        if (masked)
            return MM_OK;
        rc = mm_root_stat(r, path, st);
        if (rc == MM_ENOTFOUND)
            return MM_OK;
        if (rc != MM_OK)
            return rc;
    }
    if (!S_ISREG(st->st_mode))
        return MM_OK;
    rc = mm_root_read(r, path, MM_CONFIG_MAX_BYTES, data, len);
    return rc == MM_ENOTFOUND ? MM_OK : rc;
}

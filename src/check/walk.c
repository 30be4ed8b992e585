/*
 * Whole-filesystem walks for the deep rules (world-writable files, files without an owner,
 * set-uid programs): one pass over the tree under the root, on its file system only,
 * never following symbolic links, with openat/fstatat so the cost is close to find(1)'s.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check_internal.h"
#include "mamori/error.h"

#define WALK_MAX_DEPTH 128

typedef struct walker {
    const mm_check_node *n;
    dev_t dev;
    size_t count;
    char **examples;
    size_t max_examples, nexamples;
    unsigned char *uids, *gids; /* bitmaps of known ids (first 1<<20 ids) */
    bool error;
} walker;

#define ID_LIMIT (1u << 20)

static void mark(unsigned char *bits, const mm_facts *f, int field)
{
    for (size_t i = 0; f && i < f->n; i++) {
        /* passwd value "x:UID:GID:...", group value "x:GID:...": the id is field 1 */
        const char *p = f->items[i].value;
        for (int k = 0; k < field && p; k++) {
            p = strchr(p, ':');
            if (p)
                p++;
        }
        if (!p)
            continue;
        char *end;
        unsigned long id = strtoul(p, &end, 10);
        if (end != p && id < ID_LIMIT)
            bits[id / 8] |= (unsigned char)(1u << (id % 8));
    }
}

static bool known(const unsigned char *bits, unsigned id)
{
    return id < ID_LIMIT && (bits[id / 8] & (1u << (id % 8)));
}

static bool allowed(const mm_check_node *n, const char *path)
{
    for (size_t i = 0; i < n->nlist; i++)
        if (strcmp(n->list[i], path) == 0)
            return true;
    return false;
}

static void found(walker *w, const char *path)
{
    if (allowed(w->n, path))
        return;
    w->count++;
    if (w->nexamples < w->max_examples) {
        char *p = strdup(path);
        if (p)
            w->examples[w->nexamples++] = p;
    }
}

static void walk_dir(walker *w, int dfd, char *path, size_t plen, int depth)
{
    if (depth > WALK_MAX_DEPTH)
        return;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
            continue;
        size_t nl = strlen(name);
        if (plen + 1 + nl >= 4096)
            continue;
        path[plen] = '/';
        memcpy(path + plen + 1, name, nl + 1);
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != w->dev)
                continue; /* another file system (-xdev) */
            if (!strcmp(w->n->target, "unowned") &&
                (!known(w->uids, st.st_uid) || !known(w->gids, st.st_gid)))
                found(w, path);
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                walk_dir(w, sub, path, plen + 1 + nl, depth + 1);
            continue;
        }
        if (S_ISLNK(st.st_mode))
            continue;
        const char *kind = w->n->target;
        if (!strcmp(kind, "world_writable")) {
            if (S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH))
                found(w, path);
        } else if (!strcmp(kind, "suid")) {
            if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID)))
                found(w, path);
        } else if (!known(w->uids, st.st_uid) || !known(w->gids, st.st_gid)) {
            found(w, path);
        }
    }
    closedir(d);
}

mm_check_status mm_walk_eval(mm_root *root, const mm_check_node *n, size_t *count, char **examples,
                             size_t max_examples, size_t *nexamples, const mm_facts *passwd,
                             const mm_facts *group);

mm_check_status mm_walk_eval(mm_root *root, const mm_check_node *n, size_t *count, char **examples,
                             size_t max_examples, size_t *nexamples, const mm_facts *passwd,
                             const mm_facts *group)
{
    walker w = {n, 0, 0, examples, max_examples, 0, NULL, NULL, false};
    *count = 0;
    *nexamples = 0;
    int fd = open(mm_root_path(root), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        mm_error_set("%s: %s", mm_root_path(root), strerror(errno));
        return MM_CHECK_ERROR;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return MM_CHECK_ERROR;
    }
    w.dev = st.st_dev;
    if (!strcmp(n->target, "unowned")) {
        if (!passwd || !group) {
            close(fd);
            mm_error_set("unowned files need /etc/passwd and /etc/group");
            return MM_CHECK_ERROR;
        }
        w.uids = calloc(ID_LIMIT / 8, 1);
        w.gids = calloc(ID_LIMIT / 8, 1);
        if (!w.uids || !w.gids) {
            free(w.uids);
            free(w.gids);
            close(fd);
            return MM_CHECK_ERROR;
        }
        mark(w.uids, passwd, 1);
        mark(w.gids, group, 1);
    }
    char path[4096] = "";
    walk_dir(&w, fd, path, 0, 0);
    free(w.uids);
    free(w.gids);
    *count = w.count;
    *nexamples = w.nexamples;
    return MM_CHECK_PASS;
}

/*
 * The whole-filesystem walk for the deep rules (world-writable files, files without an
 * owner, set-uid/set-gid programs): ONE pass over the tree under the root for all of them,
 * on the root's file system only, never following symbolic links, with openat/fstatat, so
 * the cost is that of one find(1) run however many deep rules there are.
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
#define ID_LIMIT       (1u << 20)

typedef struct walker {
    dev_t dev;
    mm_walk_result *out;
    unsigned char *uids, *gids; /* bitmaps of the ids the root's passwd/group know */
} walker;

static void mark(unsigned char *bits, const mm_facts *f)
{
    /* passwd value "x:UID:GID:...", group value "x:GID:...": the id is field 1 */
    for (size_t i = 0; f && i < f->n; i++) {
        const char *p = strchr(f->items[i].value, ':');
        if (!p)
            continue;
        char *end;
        unsigned long id = strtoul(p + 1, &end, 10);
        if (end != p + 1 && id < ID_LIMIT)
            bits[id / 8] |= (unsigned char)(1u << (id % 8));
    }
}

static bool known(const unsigned char *bits, unsigned id)
{
    return id < ID_LIMIT && (bits[id / 8] & (1u << (id % 8)));
}

static void add(mm_walk_list *l, const char *path)
{
    l->count++;
    if (l->n == MM_WALK_KEEP)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->paths, cap * sizeof(char *));
        if (!p)
            return;
        l->paths = p;
        l->cap = cap;
    }
    char *s = strdup(path);
    if (s)
        l->paths[l->n++] = s;
}

static void walk_dir(walker *w, int dfd, char *path, size_t plen, int depth)
{
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
        bool unowned = w->uids && (!known(w->uids, st.st_uid) || !known(w->gids, st.st_gid));
        if (unowned)
            add(&w->out->unowned, path);
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != w->dev || depth >= WALK_MAX_DEPTH)
                continue; /* another file system (like find -xdev) */
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                walk_dir(w, sub, path, plen + 1 + nl, depth + 1);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (st.st_mode & S_IWOTH)
            add(&w->out->world_writable, path);
        if (st.st_mode & (S_ISUID | S_ISGID))
            add(&w->out->suid, path);
    }
    closedir(d);
}

void mm_walk_result_free(mm_walk_result *r)
{
    mm_walk_list *lists[] = {&r->world_writable, &r->unowned, &r->suid};
    for (int i = 0; i < 3; i++) {
        for (size_t k = 0; k < lists[i]->n; k++)
            free(lists[i]->paths[k]);
        free(lists[i]->paths);
    }
    memset(r, 0, sizeof(*r));
}

int mm_walk_all(mm_walk_result *out, const mm_root *root, const mm_facts *passwd,
                const mm_facts *group)
{
    memset(out, 0, sizeof(*out));
    walker w = {0, out, NULL, NULL};
    int fd = open(mm_root_path(root), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        mm_error_set("%s: %s", mm_root_path(root), strerror(errno));
        return MM_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return MM_EIO;
    }
    w.dev = st.st_dev;
    if (passwd && group) {
        w.uids = calloc(ID_LIMIT / 8, 1);
        w.gids = calloc(ID_LIMIT / 8, 1);
        if (!w.uids || !w.gids) {
            free(w.uids);
            free(w.gids);
            close(fd);
            return MM_ENOMEM;
        }
        mark(w.uids, passwd);
        mark(w.gids, group);
        out->owners_known = true;
    }
    char path[4096] = "";
    walk_dir(&w, fd, path, 0, 0);
    free(w.uids);
    free(w.gids);
    return MM_OK;
}

/*
 * Read-only access under a root directory. Paths are resolved one component at a time
 * with openat(O_NOFOLLOW); symbolic links are resolved by hand with chroot semantics
 * (an absolute target starts again at the root, ".." never climbs above it), so no path
 * can reach outside the root, whatever links the scanned tree holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/probe.h"
#include "mamori/error.h"

#define MAX_LINK_HOPS    40
#define MAX_DEPTH        256
#define MAX_GLOB_RESULTS 10000

struct mm_root {
    char *path;
    int fd;
    bool live;
};

int mm_root_open(mm_root **out, const char *path)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        return errno == ENOENT ? MM_ENOTFOUND : errno == EACCES ? MM_EACCES : MM_EIO;
    }
    mm_root *r = calloc(1, sizeof(*r));
    if (!r || !(r->path = strdup(path))) {
        free(r);
        close(fd);
        return MM_ENOMEM;
    }
    r->fd = fd;
    char *real = realpath(path, NULL);
    r->live = real && strcmp(real, "/") == 0;
    free(real);
    *out = r;
    return MM_OK;
}

void mm_root_free(mm_root *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r->path);
    free(r);
}

const char *mm_root_path(const mm_root *r)
{
    return r->path;
}

bool mm_root_is_live(const mm_root *r)
{
    return r->live;
}

void mm_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int errno_code(int e)
{
    return e == ENOENT || e == ENOTDIR ? MM_ENOTFOUND
           : e == EACCES || e == EPERM ? MM_EACCES
                                       : MM_EIO;
}

static int fail_errno(const char *path, int e)
{
    mm_error_set("%s: %s", path, strerror(e));
    return errno_code(e);
}

/* The components still to walk, as one '/'-separated string consumed from the front. */
typedef struct walk {
    char pending[PATH_MAX * 2];
    int fds[MAX_DEPTH]; /* fds[0] is the root (not owned) */
    int depth;
    int hops;
} walk;

static void walk_close(walk *w)
{
    for (int i = 1; i <= w->depth; i++)
        close(w->fds[i]);
    w->depth = 0;
}

static int cur(const walk *w)
{
    return w->fds[w->depth];
}

/* Takes the next component off w->pending into name; false when none is left. */
static bool next_component(walk *w, char *name, size_t size)
{
    char *p = w->pending;
    while (*p == '/')
        p++;
    if (!*p) {
        w->pending[0] = '\0';
        return false;
    }
    char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len >= size)
        len = size - 1;
    memcpy(name, p, len);
    name[len] = '\0';
    memmove(w->pending, p + len, strlen(p + len) + 1);
    return true;
}

static bool more_components(const walk *w)
{
    for (const char *p = w->pending; *p; p++)
        if (*p != '/')
            return true;
    return false;
}

/* Resolves path under r up to its last component: on success *dirfd is the folder that
 * holds it (owned by w) and name the last component ("" for the root itself). When
 * follow_last, a symlink in the last place is resolved too. */
static int resolve(const mm_root *r, const char *path, bool follow_last, walk *w, char *name,
                   size_t size)
{
    w->fds[0] = r->fd;
    w->depth = 0;
    w->hops = 0;
    if (strlen(path) >= PATH_MAX) {
        mm_error_set("%s: path too long", path);
        return MM_EIO;
    }
    snprintf(w->pending, sizeof(w->pending), "%s", path);
    name[0] = '\0';
    char comp[NAME_MAX + 1];
    while (next_component(w, comp, sizeof(comp))) {
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (w->depth > 0)
                close(w->fds[w->depth--]);
            continue;
        }
        bool last = !more_components(w);
        struct stat st;
        if (fstatat(cur(w), comp, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            int e = errno;
            if (last && e == ENOENT) {
                snprintf(name, size, "%s", comp); /* absent: the caller reports it */
                return MM_OK;
            }
            return fail_errno(path, e);
        }
        if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
            if (++w->hops > MAX_LINK_HOPS) {
                mm_error_set("%s: too many levels of symbolic links", path);
                return MM_EIO;
            }
            char target[PATH_MAX];
            ssize_t n = readlinkat(cur(w), comp, target, sizeof(target) - 1);
            if (n < 0)
                return fail_errno(path, errno);
            target[n] = '\0';
            if (strlen(target) + strlen(w->pending) + 2 >= sizeof(w->pending)) {
                mm_error_set("%s: path too long after following links", path);
                return MM_EIO;
            }
            char rest[sizeof(w->pending)];
            snprintf(rest, sizeof(rest), "%s/%s", target, w->pending);
            memcpy(w->pending, rest, sizeof(rest));
            if (target[0] == '/') /* absolute: start again at the root */
                walk_close(w);
            continue;
        }
        if (last) {
            snprintf(name, size, "%s", comp);
            return MM_OK;
        }
        if (!S_ISDIR(st.st_mode))
            return fail_errno(path, ENOTDIR);
        if (w->depth + 1 >= MAX_DEPTH) {
            mm_error_set("%s: too deep", path);
            return MM_EIO;
        }
        int fd = openat(cur(w), comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return fail_errno(path, errno);
        w->fds[++w->depth] = fd;
    }
    return MM_OK; /* the root itself: name stays "" */
}

static int stat_impl(const mm_root *r, const char *path, struct stat *st, bool follow)
{
    walk w;
    char name[NAME_MAX + 1];
    int rc = resolve(r, path, follow, &w, name, sizeof(name));
    if (!rc) {
        if (!name[0]) {
            if (fstat(cur(&w), st) != 0)
                rc = fail_errno(path, errno);
        } else if (fstatat(cur(&w), name, st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = fail_errno(path, errno);
        }
    }
    walk_close(&w);
    return rc;
}

int mm_root_stat(const mm_root *r, const char *path, struct stat *st)
{
    return stat_impl(r, path, st, true);
}

int mm_root_lstat(const mm_root *r, const char *path, struct stat *st)
{
    return stat_impl(r, path, st, false);
}

int mm_root_readlink(const mm_root *r, const char *path, char **out)
{
    walk w;
    char name[NAME_MAX + 1];
    *out = NULL;
    int rc = resolve(r, path, false, &w, name, sizeof(name));
    if (!rc) {
        char target[PATH_MAX];
        ssize_t n = name[0] ? readlinkat(cur(&w), name, target, sizeof(target) - 1) : -1;
        if (n < 0) {
            rc = fail_errno(path, name[0] ? errno : EINVAL);
        } else {
            target[n] = '\0';
            *out = strdup(target);
            if (!*out)
                rc = MM_ENOMEM;
        }
    }
    walk_close(&w);
    return rc;
}

/* Opens path for reading (following links inside the root); *fd is the caller's. */
static int open_final(const mm_root *r, const char *path, int flags, int *fd)
{
    walk w;
    char name[NAME_MAX + 1];
    int rc = resolve(r, path, true, &w, name, sizeof(name));
    if (!rc) {
        *fd = name[0] ? openat(cur(&w), name, flags | O_NOFOLLOW | O_CLOEXEC)
                      : openat(cur(&w), ".", flags | O_CLOEXEC);
        if (*fd < 0)
            rc = fail_errno(path, errno);
    }
    walk_close(&w);
    return rc;
}

int mm_root_read(const mm_root *r, const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    if (len)
        *len = 0;
    int fd;
    int rc = open_final(r, path, O_RDONLY | O_NONBLOCK, &fd);
    if (rc)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        mm_error_set("%s: not a regular file", path);
        return MM_EIO;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        mm_error_set("%s: %lld bytes is larger than the limit of %zu bytes", path,
                     (long long)st.st_size, max);
        return MM_ETOOBIG;
    }
    /* /proc files report size 0: read in chunks up to max */
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return MM_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                close(fd);
                mm_error_set("%s: larger than the limit of %zu bytes", path, max);
                return MM_ETOOBIG;
            }
            char *p = realloc(buf, cap * 2 + 1);
            if (!p) {
                free(buf);
                close(fd);
                return MM_ENOMEM;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rc = fail_errno(path, errno);
            free(buf);
            close(fd);
            return rc;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    if (n > max) {
        free(buf);
        mm_error_set("%s: larger than the limit of %zu bytes", path, max);
        return MM_ETOOBIG;
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return MM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int mm_root_list(const mm_root *r, const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int fd;
    int rc = open_final(r, path, O_RDONLY | O_DIRECTORY, &fd);
    if (rc)
        return rc;
    DIR *d = fdopendir(fd);
    if (!d) {
        rc = fail_errno(path, errno);
        close(fd);
        return rc;
    }
    size_t cap = 16, count = 0;
    char **v = malloc(cap * sizeof(char *));
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == cap) {
            char **p = realloc(v, cap * 2 * sizeof(char *));
            if (!p)
                break;
            v = p;
            cap *= 2;
        }
        if (!(v[count] = strdup(e->d_name)))
            break;
        count++;
    }
    closedir(d);
    if (!v || e) {
        mm_strv_free(v, count);
        return MM_ENOMEM;
    }
    qsort(v, count, sizeof(char *), cmp_str);
    *out = v;
    *n = count;
    return MM_OK;
}

typedef struct globv {
    char **v;
    size_t n, cap;
    bool failed;
} globv;

static void globv_add(globv *g, const char *s)
{
    if (g->failed || g->n >= MAX_GLOB_RESULTS)
        return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        char **p = realloc(g->v, cap * sizeof(char *));
        if (!p) {
            g->failed = true;
            return;
        }
        g->v = p;
        g->cap = cap;
    }
    if (!(g->v[g->n] = strdup(s)))
        g->failed = true;
    else
        g->n++;
}

static void glob_rec(const mm_root *r, const char *base, const char *rest, globv *g, int depth)
{
    while (*rest == '/')
        rest++;
    if (!*rest) {
        struct stat st;
        if (mm_root_lstat(r, base[0] ? base : "/", &st) == MM_OK)
            globv_add(g, base[0] ? base : "/");
        return;
    }
    if (depth > 64)
        return;
    const char *e = strchr(rest, '/');
    size_t len = e ? (size_t)(e - rest) : strlen(rest);
    char comp[NAME_MAX + 1];
    if (len > NAME_MAX)
        return;
    memcpy(comp, rest, len);
    comp[len] = '\0';
    const char *after = rest + len;
    char next[PATH_MAX];
    if (!strpbrk(comp, "*?[")) {
        if (snprintf(next, sizeof(next), "%s/%s", base, comp) >= (int)sizeof(next))
            return;
        glob_rec(r, next, after, g, depth + 1);
        return;
    }
    char **names;
    size_t n;
    if (mm_root_list(r, base[0] ? base : "/", &names, &n) != MM_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
            continue;
        if (snprintf(next, sizeof(next), "%s/%s", base, names[i]) >= (int)sizeof(next))
            continue;
        glob_rec(r, next, after, g, depth + 1);
    }
    mm_strv_free(names, n);
}

int mm_root_glob(const mm_root *r, const char *pattern, char ***out, size_t *n)
{
    globv g = {0};
    *out = NULL;
    *n = 0;
    glob_rec(r, "", pattern, &g, 0);
    if (g.failed) {
        mm_strv_free(g.v, g.n);
        return MM_ENOMEM;
    }
    if (g.n)
        qsort(g.v, g.n, sizeof(char *), cmp_str);
    *out = g.v;
    *n = g.n;
    return MM_OK;
}

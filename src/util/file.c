#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/error.h"
#include "util/util.h"

static int read_fd(char **out, size_t *out_len, int fd, const char *path, size_t max_bytes)
{
    size_t cap = 64 * 1024, len = 0;
    char *data = malloc(cap);
    if (!data)
        return MM_ENOMEM;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max_bytes) {
                free(data);
                mm_error_set("%s: larger than the limit of %zu bytes", path, max_bytes);
                return MM_ETOOBIG;
            }
            char *p = realloc(data, cap * 2);
            if (!p) {
                free(data);
                return MM_ENOMEM;
            }
            data = p;
            cap *= 2;
        }
        ssize_t n = read(fd, data + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            mm_error_set("%s: %s", path, strerror(errno));
            free(data);
            return MM_EIO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max_bytes) {
            free(data);
            mm_error_set("%s: larger than the limit of %zu bytes", path, max_bytes);
            return MM_ETOOBIG;
        }
    }
    data[len] = '\0';
    *out = data;
    if (out_len)
        *out_len = len;
    return MM_OK;
}

int mm_file_read(char **out, size_t *out_len, const char *path, size_t max_bytes)
{
    *out = NULL;
    if (strcmp(path, "-") == 0)
        return read_fd(out, out_len, STDIN_FILENO, "<stdin>", max_bytes);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        return errno == ENOENT ? MM_ENOTFOUND : MM_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            close(fd);
            mm_error_set("%s: is a directory, expected a file", path);
            return MM_EIO;
        }
        if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max_bytes) {
            close(fd);
            mm_error_set("%s: %lld bytes is larger than the limit of %zu bytes", path,
                         (long long)st.st_size, max_bytes);
            return MM_ETOOBIG;
        }
    }
    int rc = read_fd(out, out_len, fd, path, max_bytes);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int mm_file_write_atomic(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, len) != 0) {
            mm_error_set("<stdout>: %s", strerror(errno));
            return MM_EIO;
        }
        return MM_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a device or pipe (/dev/null, /dev/stdout, a FIFO): write straight into it, never
         * rename a temporary file over it */
        if (S_ISDIR(st.st_mode)) {
            mm_error_set("%s: is a directory", path);
            return MM_EIO;
        }
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write_all(fd, data, len) != 0) {
            mm_error_set("%s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return MM_EIO;
        }
        close(fd);
        return MM_OK;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return MM_ENOMEM;
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        mm_error_set("%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        return MM_EIO;
    }
    /* mkstemp makes 0600; reports are ordinary files, so follow the umask. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return MM_EIO;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return MM_EIO;
    }
    free(tmp);
    return MM_OK;
}

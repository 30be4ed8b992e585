#include <stdarg.h>
#include <stdio.h>

#include "mamori/error.h"

static _Thread_local char last_error[1024];

void mm_error_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
}

const char *mm_error_last(void)
{
    return last_error;
}

void mm_error_clear(void)
{
    last_error[0] = '\0';
}

const char *mm_strerror(int code)
{
    switch (code) {
    case MM_OK:
        return "success";
    case MM_ENOMEM:
        return "out of memory";
    case MM_EIO:
        return "input/output error";
    case MM_EPARSE:
        return "malformed input";
    case MM_EINVALID:
        return "invalid input";
    case MM_ENOTFOUND:
        return "not found";
    case MM_ETOOBIG:
        return "input too large";
    case MM_EUSAGE:
        return "invalid usage";
    case MM_EACCES:
        return "permission denied";
    case MM_ECONFLICT:
        return "conflict";
    default:
        return "failure";
    }
}

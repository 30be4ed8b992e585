/*
 * Incident times: RFC 3339 parsing and formatting with offsets, UTC offsets of IANA zones
 * read from TZif files (RFC 8536) without touching TZ or any process-wide state, and the
 * deadline arithmetic. Everything is computed on Unix seconds in UTC.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/incident.h"
#include "util/util.h"

#define TZIF_MAX_BYTES (256u * 1024)
#define ZONE_NAME_MAX  128

/* ---- calendar ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- RFC 3339 ------------------------------------------------------------------------------ */

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int mm_incident_parse_time(long long *out, int *offset, const char *s)
{
    int y, mo, d, h, mi, sec = 0;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi)) {
        mm_error_set("not an RFC 3339 date-time YYYY-MM-DDTHH:MM:SS+HH:MM");
        return MM_EINVALID;
    }
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec)) {
            mm_error_set("not an RFC 3339 date-time: the seconds must be two digits");
            return MM_EINVALID;
        }
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') {
                mm_error_set("not an RFC 3339 date-time: a fraction needs digits");
                return MM_EINVALID;
            }
            for (int n = 0; *p >= '0' && *p <= '9'; p++)
                if (++n > 9) {
                    mm_error_set("not an RFC 3339 date-time: more than 9 fraction digits");
                    return MM_EINVALID;
                }
        }
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
        sec > 60) {
        mm_error_set("date or time out of range (year 1970 or later, a real day of the month, "
                     "hours 00-23, minutes 00-59)");
        return MM_EINVALID;
    }
    if (sec == 60)
        sec = 59; /* a leap second: counted as the last second of its minute */
    int off;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        off = 0;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || p[6] != '\0' ||
            oh > 23 || om > 59) {
            mm_error_set("not an RFC 3339 offset: expected +HH:MM or -HH:MM at the end");
            return MM_EINVALID;
        }
        off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
    } else if (*p == '\0') {
        mm_error_set("no UTC offset: write the offset of the local time, e.g. "
                     "\"2026-03-08T01:30:00-05:00\", or Z for UTC");
        return MM_EINVALID;
    } else {
        mm_error_set("not an RFC 3339 date-time: unexpected text after the time");
        return MM_EINVALID;
    }
    long long local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    *out = local - off;
    *offset = off;
    return MM_OK;
}

void mm_incident_format_time(char out[MM_INCIDENT_TIME_TEXT_BYTES], long long t, int offset)
{
    long long local = t + offset;
    long long days = floor_div(local, 86400), secs = local - days * 86400;
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int hh = (int)(secs / 3600), mi = (int)(secs % 3600 / 60), ss = (int)(secs % 60);
    if (offset == 0) {
        snprintf(out, MM_INCIDENT_TIME_TEXT_BYTES, "%04lld-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh,
                 mi, ss);
        return;
    }
    int a = offset < 0 ? -offset : offset;
    snprintf(out, MM_INCIDENT_TIME_TEXT_BYTES, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m,
             d, hh, mi, ss, offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

/* ---- POSIX TZ rules (the footer of a TZif file) ---------------------------------------------- */

typedef struct tz_rule {
    char kind; /* 'M' (Mm.w.d), 'J' (Jn, no Feb 29) or 'D' (n, zero-based with Feb 29) */
    int m, w, d, n;
    long time; /* seconds after local midnight */
} tz_rule;

typedef struct posix_tz {
    long std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    tz_rule start, end;
} posix_tz;

static const char *tz_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 2 ? q + 1 : NULL;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; the value in seconds (sign applied). */
static const char *tz_hms(const char *p, long *out, int max_h)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    long h = 0, m = 0, s = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9' && n < 3)
        h = h * 10 + (*p++ - '0'), n++;
    if (n == 0 || h > max_h)
        return NULL;
    if (*p == ':') {
        if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
            return NULL;
        m = (p[1] - '0') * 10 + (p[2] - '0');
        p += 3;
        if (*p == ':') {
            if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
                return NULL;
            s = (p[1] - '0') * 10 + (p[2] - '0');
            p += 3;
        }
    }
    if (m > 59 || s > 59)
        return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *tz_num(const char *p, int *out, int lo, int hi)
{
    int v = 0, n = 0;
    while (*p >= '0' && *p <= '9' && n < 4)
        v = v * 10 + (*p++ - '0'), n++;
    if (n == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return p;
}

static const char *tz_rule_parse(const char *p, tz_rule *r)
{
    r->time = 7200;
    if (*p == 'M') {
        r->kind = 'M';
        if (!(p = tz_num(p + 1, &r->m, 1, 12)) || *p != '.' || !(p = tz_num(p + 1, &r->w, 1, 5)) ||
            *p != '.' || !(p = tz_num(p + 1, &r->d, 0, 6)))
            return NULL;
    } else if (*p == 'J') {
        r->kind = 'J';
        if (!(p = tz_num(p + 1, &r->n, 1, 365)))
            return NULL;
    } else {
        r->kind = 'D';
        if (!(p = tz_num(p, &r->n, 0, 365)))
            return NULL;
    }
    if (*p == '/' && !(p = tz_hms(p + 1, &r->time, 167)))
        return NULL;
    return p;
}

static bool posix_tz_parse(posix_tz *z, const char *s)
{
    long off;
    const char *p = tz_name(s);
    if (!p || !(p = tz_hms(p, &off, 24)))
        return false;
    z->std_off = -off; /* POSIX offsets are west of UTC */
    z->has_dst = false;
    if (*p == '\0')
        return true;
    if (!(p = tz_name(p)))
        return false;
    z->dst_off = z->std_off + 3600;
    if (*p != ',' && *p != '\0') {
        if (!(p = tz_hms(p, &off, 24)))
            return false;
        z->dst_off = -off;
    }
    if (*p != ',')
        return false; /* a DST name without rules: not in TZif footers */
    if (!(p = tz_rule_parse(p + 1, &z->start)) || *p != ',' ||
        !(p = tz_rule_parse(p + 1, &z->end)) || *p != '\0')
        return false;
    z->has_dst = true;
    return true;
}

/* Days since the epoch of the rule's day in year y. */
static long long rule_day(const tz_rule *r, long long y)
{
    long long jan1 = days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return jan1 + r->n;
    long long first = days_from_civil(y, r->m, 1);
    int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    int day = 1 + (r->d - wd + 7) % 7 + (r->w - 1) * 7;
    while (day > month_days(y, r->m))
        day -= 7;
    return first + day - 1;
}

static long posix_tz_offset(const posix_tz *z, long long t)
{
    if (!z->has_dst)
        return z->std_off;
    long long y;
    int m, d;
    civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
    /* The start rule's time is local standard time, the end rule's local daylight time. */
    long long start = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    long long end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? z->dst_off : z->std_off;
}

/* ---- TZif ---------------------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool zone_name_ok(const char *z)
{
    size_t n = strlen(z);
    if (n == 0 || n > ZONE_NAME_MAX || z[0] == '/' || z[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '_' || c == '-' || c == '+';
        if (!ok)
            return false;
        if (c == '/' && z[i + 1] == '/')
            return false;
    }
    return true; /* no '.', so no ".." */
}

static int tzif_offset(int *out, const unsigned char *b, size_t len, long long t)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0)
        return MM_EPARSE;
    int version = b[4];
    size_t pos = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (pos + 44 > len || memcmp(b + pos, "TZif", 4) != 0)
            return MM_EPARSE;
        uint32_t isut = be32(b + pos + 20), isstd = be32(b + pos + 24), leap = be32(b + pos + 28),
                 timecnt = be32(b + pos + 32), typecnt = be32(b + pos + 36),
                 charcnt = be32(b + pos + 40);
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || charcnt > 100000 ||
            leap > 100000 || isut > 256 || isstd > 256)
            return MM_EPARSE;
        size_t data = pos + 44;
        size_t need = (size_t)timecnt * (tsize + 1) + (size_t)typecnt * 6 + charcnt +
                      (size_t)leap * (tsize + 4) + isstd + isut;
        if (data + need > len)
            return MM_EPARSE;
        if (pass == 0 && version >= '2') {
            pos = data + need; /* skip the 32-bit block, read the 64-bit one */
            tsize = 8;
            continue;
        }
        const unsigned char *times = b + data, *idx = times + (size_t)timecnt * tsize,
                            *types = idx + timecnt;
        size_t type = 0;
        bool after_last = timecnt > 0;
        for (uint32_t i = 0; i < timecnt; i++) {
            long long tt =
                tsize == 8 ? be64(times + (size_t)i * 8) : (int32_t)be32(times + (size_t)i * 4);
            if (tt > t) {
                after_last = false;
                break;
            }
            type = idx[i];
        }
        if (type >= typecnt)
            return MM_EPARSE;
        int32_t off = (int32_t)be32(types + type * 6);
        /* After the last transition (or with none) the footer's rule, when there is one. */
        if ((after_last || timecnt == 0) && tsize == 8) {
            const char *foot = (const char *)b + data + need;
            size_t rest = len - (data + need);
            if (rest >= 2 && foot[0] == '\n') {
                const char *nl = memchr(foot + 1, '\n', rest - 1);
                if (nl && nl - foot - 1 < 128) {
                    char rule[128];
                    memcpy(rule, foot + 1, (size_t)(nl - foot - 1));
                    rule[nl - foot - 1] = '\0';
                    posix_tz z;
                    if (rule[0] && posix_tz_parse(&z, rule))
                        off = (int32_t)posix_tz_offset(&z, t);
                }
            }
        }
        if (off < -26 * 3600 || off > 26 * 3600)
            return MM_EPARSE;
        *out = off;
        return MM_OK;
    }
    return MM_EPARSE;
}

int mm_incident_zone_offset(int *out, const char *zone, long long t)
{
    if (!zone || !zone_name_ok(zone)) {
        mm_error_set("\"%.*s\" is not a time zone name like \"America/New_York\"", ZONE_NAME_MAX,
                     zone ? zone : "");
        return MM_EINVALID;
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !dir[0])
        dir = "/usr/share/zoneinfo";
    mm_buf path = MM_BUF_INIT;
    mm_buf_printf(&path, "%s/%s", dir, zone);
    if (path.failed) {
        mm_buf_free(&path);
        return MM_ENOMEM;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = mm_file_read(&data, &len, mm_buf_cstr(&path), TZIF_MAX_BYTES);
    mm_buf_free(&path);
    if (rc == MM_ENOMEM)
        return rc;
    if (rc) {
        mm_error_set("unknown time zone \"%s\" (no such zone in %s)", zone, dir);
        return MM_ENOTFOUND;
    }
    rc = tzif_offset(out, (const unsigned char *)data, len, t);
    free(data);
    if (rc)
        mm_error_set("time zone \"%s\": not a valid TZif file", zone);
    return rc;
}

/* ---- deadlines ----------------------------------------------------------------------------- */

const char *mm_deadline_state_name(mm_deadline_state s)
{
    switch (s) {
    case MM_DEADLINE_DUE_SOON:
        return "due-soon";
    case MM_DEADLINE_OVERDUE:
        return "overdue";
    case MM_DEADLINE_ON_TIME:
        return "on-time";
    case MM_DEADLINE_LATE:
        return "late";
    default:
        return "open";
    }
}

long long mm_incident_due(long long discovered, int hours)
{
    return discovered + (long long)hours * 3600;
}

long long mm_incident_preserve_until(long long reported, int days)
{
    return reported + (long long)days * 86400;
}

mm_deadline_state mm_incident_state(long long due, long long reported, long long now,
                                    int due_soon_hours)
{
    if (reported >= 0)
        return reported <= due ? MM_DEADLINE_ON_TIME : MM_DEADLINE_LATE;
    if (now >= due)
        return MM_DEADLINE_OVERDUE;
    if (due - now < (long long)due_soon_hours * 3600)
        return MM_DEADLINE_DUE_SOON;
    return MM_DEADLINE_OPEN;
}

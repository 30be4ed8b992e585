/* mamori serve: the contractor list's filters (list_filter.h). */
#include <stdlib.h>
#include <string.h>

#include "server/form.h"
#include "server/list_filter.h"
#include "util/util.h"

static const char *value(http_req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && v[0] ? v : NULL;
}

void list_filter_read(list_filter *f, http_req *r)
{
    *f = (list_filter){.q = value(r, "q"),
                       .status = value(r, "status"),
                       .affirmation = value(r, "affirmation"),
                       .framework = value(r, "framework"),
                       .sector = value(r, "sector"),
                       .supply = value(r, "supply"),
                       .supplier_of = value(r, "supplier_of"),
                       .assessed_from = value(r, "assessed_from"),
                       .assessed_to = value(r, "assessed_to"),
                       .received_from = value(r, "received_from"),
                       .received_to = value(r, "received_to"),
                       .score_min = value(r, "score_min"),
                       .score_max = value(r, "score_max"),
                       .overdue = mm_streq(value(r, "overdue"), "1")};
}

void list_filter_query(const list_filter *f, const http_req *r, mm_org_query *q)
{
    q->q = f->q;
    q->status = f->status;
    q->stale_before = r->stale_before;
    q->expired_before = r->cmmc_expired_before;
    q->affirmation = f->affirmation;
    q->affirm_overdue_before = r->affirm_overdue_before;
    q->affirm_due_by = r->affirm_due_by;
    q->framework = f->framework;
    q->overdue_before = r->today;
    q->overdue_only = f->overdue;
    q->score_max_r2 = r->srv->r2->sprs_base;
    q->score_max_r3 = (int64_t)mm_catalog_active_count(r->srv->r3);
    q->sector = f->sector;
    q->supply = f->supply;
    q->supplier_of = f->supplier_of;
    q->assessed_from = f->assessed_from;
    q->assessed_to = f->assessed_to;
    q->received_from = f->received_from;
    q->received_to = f->received_to;
    q->score_min_set = f->score_min != NULL;
    q->score_min = f->score_min ? strtoll(f->score_min, NULL, 10) : 0;
    q->score_max_set = f->score_max != NULL;
    q->score_max = f->score_max ? strtoll(f->score_max, NULL, 10) : 0;
}

static bool put(char *out, size_t size, const char *name, const char *v)
{
    if (!v)
        return true;
    size_t l = strlen(out);
    size_t n = strlen(name);
    if (l + n + 3 > size)
        return false;
    if (l)
        out[l++] = '&';
    memcpy(out + l, name, n);
    out[l + n] = '=';
    out[l + n + 1] = '\0';
    return mm_url_encode(out, size, v);
}

bool list_filter_url(const list_filter *f, char *out, size_t size)
{
    const struct {
        const char *name, *v;
    } fields[] = {{"q", f->q},
                  {"status", f->status},
                  {"framework", f->framework},
                  {"sector", f->sector},
                  {"affirmation", f->affirmation},
                  {"overdue", f->overdue ? "1" : NULL},
                  {"score_min", f->score_min},
                  {"score_max", f->score_max},
                  {"assessed_from", f->assessed_from},
                  {"assessed_to", f->assessed_to},
                  {"received_from", f->received_from},
                  {"received_to", f->received_to},
                  {"supply", f->supply},
                  {"supplier_of", f->supplier_of}};
    bool ok = true;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ok = put(out, size, fields[i].name, fields[i].v) && ok;
    return ok;
}

bool list_filter_any(const list_filter *f)
{
    return f->q || f->status || f->affirmation || f->framework || f->sector || f->supply ||
           f->supplier_of || f->assessed_from || f->assessed_to || f->received_from ||
           f->received_to || f->score_min || f->score_max || f->overdue;
}

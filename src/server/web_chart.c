/* mamori serve: the dashboard's charts, inline SVG, each in a <figure> with a text
 * alternative and a table of the same numbers (web.h). */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "mamori/catalog.h"
#include "server/web.h"

/* ---- charts ------------------------------------------------------------------------------ */

static void fig_open(page *p, const char *id, const char *title, int w, int h, const char *desc)
{
    web_printf(p, "<figure class=\"chart\" id=\"fig-%s\"><figcaption>", id);
    web_esc(p, title);
    web_printf(p,
               "</figcaption>\n<svg id=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" preserveAspectRatio=\"xMinYMin meet\" aria-label=\"",
               id, w, h, w, h);
    web_attr(p, title);
    web_puts(p, ". ");
    web_attr(p, desc);
    web_printf(p, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
    web_attr(p, title);
    web_puts(p, "</title><desc>");
    web_attr(p, desc);
    web_puts(p, "</desc>\n");
}

static void table_open(page *p)
{
    web_puts(p, "</svg>\n<details class=\"data-view\"><summary>");
    web_put_tr(p, "chart.table");
    web_puts(p, "</summary><table class=\"data\">");
}

static void fig_close(page *p)
{
    web_puts(p, "</table></details></figure>\n");
}

static void text_at(page *p, double x, double y, const char *anchor, const char *cls, const char *s)
{
    web_printf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
               cls);
    web_attr(p, s);
    web_puts(p, "</text>");
}

/* text_at for a label that stays in English (NIST's family titles): lang="en" on a page in
 * another language */
static void text_en_at(page *p, double x, double y, const char *anchor, const char *s)
{
    web_printf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"axis\"%s>", x, y, anchor,
               strcmp(p->lang, "en") != 0 ? " lang=\"en\"" : "");
    web_attr(p, s);
    web_puts(p, "</text>");
}

void web_chart_histogram(page *p, const char *id, const char *title, const char *const *row_titles,
                         const hist_bin *bins, size_t nrows, size_t nbins)
{
    const int W = 680, RH = 150, L = 40, R = 10;
    int H = (int)(RH * nrows) + 10;
    long total = 0, max = 1;
    for (size_t i = 0; i < nrows * nbins; i++) {
        total += bins[i].count;
        if (bins[i].count > max)
            max = bins[i].count;
    }
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(total));
    web_trf_plain(p, desc, sizeof desc, "chart.histogram_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double bw = (double)(W - L - R) / (double)nbins;
    for (size_t row = 0; row < nrows; row++) {
        double top = (double)(row * RH) + 22, base = top + RH - 52;
        text_at(p, 0, top - 8, "start", "row-title", row_titles[row]);
        web_printf(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d1d9e0\"/>", L,
                   base, W - R, base);
        for (size_t b = 0; b < nbins; b++) {
            const hist_bin *hb = &bins[row * nbins + b];
            double hgt = (base - top - 14) * (double)hb->count / (double)max;
            double x = L + (double)b * bw;
            web_printf(p,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#0b3d6e\"><title>",
                       x + 2, base - hgt, bw - 4, hgt);
            web_attr(p, hb->label);
            web_printf(p, ": %ld</title></rect>", hb->count);
            char n[24];
            snprintf(n, sizeof n, "%ld", hb->count);
            text_at(p, x + bw / 2, base - hgt - 3, "middle", "val", n);
            text_at(p, x + bw / 2, base + 14, "middle", "axis", hb->label);
        }
    }
    table_open(p);
    web_puts(p, "<thead><tr><th></th><th>");
    web_put_tr(p, "chart.range");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.contractors");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t row = 0; row < nrows; row++)
        for (size_t b = 0; b < nbins; b++) {
            web_puts(p, "<tr><td>");
            web_esc(p, row_titles[row]);
            web_puts(p, "</td><td>");
            web_esc(p, bins[row * nbins + b].label);
            web_printf(p, "</td><td class=\"num\">%ld</td></tr>", bins[row * nbins + b].count);
        }
    web_puts(p, "</tbody>");
    fig_close(p);
}

/* red (at most half met) to amber (three quarters) to green (all met): the target is 100 %,
 * so the scale spends its colours on the upper half */
static void rate_color(char out[8], double v)
{
    v = v <= 0.5 ? 0 : (v - 0.5) * 2;
    static const int c0[3] = {0xb9, 0x1c, 0x1c}, c1[3] = {0xd4, 0xa7, 0x2c},
                     c2[3] = {0x1a, 0x7f, 0x37};
    const int *a = v < 0.5 ? c0 : c1, *b = v < 0.5 ? c1 : c2;
    double t = v < 0.5 ? v * 2 : (v - 0.5) * 2;
    int rgb[3];
    for (int i = 0; i < 3; i++)
        rgb[i] = (int)lround(a[i] + (b[i] - a[i]) * t);
    snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 255, rgb[1] & 255, rgb[2] & 255);
}

/* The heatmap's five classes, lowest first: fill and the label's class (on-dark: white
 * text, on-light: #1f2328; app.css sets the same fills, each pair at least 4.5:1). */
static const struct {
    const char *fill, *label;
} heat_class[5] = {{"#b91c1c", "on-dark"},
                   {"#e8793a", "on-light"},
                   {"#f1d27a", "on-light"},
                   {"#8cc98f", "on-light"},
                   {"#1a7f37", "on-dark"}};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The class (0..4) of v among the quintile breaks brk[0..3]. */
/* a rate (0..1) as the whole percent a cell shows (its "%.0f" of v * 100) */
static double pct(double v)
{
    return rint(v * 100);
}

static int heat_class_of(double v, const double brk[4])
{
    int k = 0;
    while (k < 4 && v >= brk[k])
        k++;
    return k;
}

void web_chart_heatmap(page *p, const char *id, const char *title, const char *const *rows,
                       size_t nrows, const char *const *cols, size_t ncols, const double *rate,
                       const long *n)
{
    const int LW = 230, CW = 58, CH = 22, TH = 110, LH = 40;
    int W = LW + CW * (int)ncols + 110, H = TH + CH * (int)nrows + 10 + LH;
    if (W < LW + 5 * 90 + 20)
        W = LW + 5 * 90 + 20;
    /* the scale is fitted to the data: the breaks are the cells' quintiles, so each colour
     * holds about a fifth of the cells however narrow their spread. Cells are classed by the
     * whole percent they show (pct), so that the legend's ranges of whole percents do not
     * overlap and each shown value is in exactly one of them. */
    size_t nv = 0;
    double *sorted = malloc((nrows * ncols + 1) * sizeof *sorted);
    for (size_t i = 0; sorted && i < nrows * ncols; i++)
        if (rate[i] >= 0)
            sorted[nv++] = pct(rate[i]);
    double brk[4] = {2, 2, 2, 2}, lo = 0, hi = 0;
    if (sorted && nv > 0) {
        qsort(sorted, nv, sizeof *sorted, cmp_double);
        for (int k = 0; k < 4; k++)
            brk[k] = sorted[(size_t)(k + 1) * nv / 5];
        /* ties can leave a colour empty: then the breaks are the quintiles of the distinct
         * values, so that every colour is used while there are five values to tell apart */
        size_t nd = 0;
        for (size_t i = 0; i < nv; i++)
            if (i == 0 || sorted[i] > sorted[i - 1])
                sorted[nd++] = sorted[i]; /* the distinct values, in place */
        bool used[5] = {false};
        for (size_t i = 0; i < nd; i++)
            used[heat_class_of(sorted[i], brk)] = true;
        int nused = used[0] + used[1] + used[2] + used[3] + used[4];
        if (nused < (nd < 5 ? (int)nd : 5))
            for (int k = 0; k < 4; k++)
                brk[k] = sorted[(size_t)(k + 1) * nd / 5];
        hi = sorted[nd - 1];
        lo = sorted[0];
    }
    char desc[200];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(nrows));
    char a1[24];
    snprintf(a1, sizeof a1, "%ld", (long)(ncols));
    web_trf_plain(p, desc, sizeof desc, "chart.heatmap_desc", a0, a1, NULL);
    fig_open(p, id, title, W, H, desc);
    for (size_t c = 0; c < ncols; c++) {
        double x = LW + CW * (double)c + CW / 2.0;
        web_printf(p,
                   "<text class=\"axis\" transform=\"translate(%.1f,%d) rotate(-40)\" "
                   "text-anchor=\"start\">",
                   x, TH - 6);
        web_attr(p, cols[c]);
        web_puts(p, "</text>");
    }
    for (size_t rr = 0; rr < nrows; rr++) {
        double y = TH + CH * (double)rr;
        text_en_at(p, LW - 6, y + CH / 2.0 + 4, "end", rows[rr]);
        for (size_t c = 0; c < ncols; c++) {
            double v = rate[rr * ncols + c];
            double x = LW + CW * (double)c;
            int k = v >= 0 ? heat_class_of(pct(v), brk) : -1;
            web_printf(p,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                       "stroke=\"#fff\" data-class=\"%d\"><title>",
                       x, y, CW, CH, k >= 0 ? heat_class[k].fill : "#eef1f4", k);
            web_attr(p, rows[rr]);
            web_puts(p, " / ");
            web_attr(p, cols[c]);
            if (v >= 0)
                web_printf(p, ": %.0f%%", v * 100);
            web_puts(p, "</title></rect>");
            if (v >= 0)
                web_printf(p,
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                           "class=\"cell %s\" fill=\"%s\">%.0f</text>",
                           x + CW / 2.0, y + CH / 2.0 + 4, heat_class[k].label,
                           k == 0 || k == 4 ? "#fff" : "#1f2328", v * 100);
        }
    }
    /* the legend: each class's colour and the range of the cells in it */
    double ly = TH + CH * (double)nrows + 14;
    web_puts(p, "<g id=\"heatmap-legend\">");
    for (int k = 0; k < 5 && nv > 0; k++) {
        /* whole percents from..to, both shown ones; an empty class (tied breaks) says so */
        double from = k == 0 ? lo : brk[k - 1], to = k == 4 ? hi : brk[k] - 1;
        double x = LW + 90.0 * k;
        web_printf(p,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"14\" fill=\"%s\" "
                   "data-class=\"%d\"></rect>"
                   "<text class=\"axis legend\" x=\"%.1f\" y=\"%.1f\">",
                   x, ly, heat_class[k].fill, k, x + 22, ly + 11);
        if (from > to)
            web_puts(p, "–");
        else if (from == to)
            web_printf(p, "%.0f%%", from);
        else
            web_printf(p, "%.0f–%.0f%%", from, to);
        web_puts(p, "</text>");
    }
    web_puts(p, "</g>");
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.family");
    web_puts(p, "</th>");
    for (size_t c = 0; c < ncols; c++) {
        web_puts(p, "<th class=\"num\">");
        web_esc(p, cols[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    for (size_t rr = 0; rr < nrows; rr++) {
        web_puts(p, "<tr><th scope=\"row\">");
        web_en(p, rows[rr]);
        web_puts(p, "</th>");
        for (size_t c = 0; c < ncols; c++) {
            double v = rate[rr * ncols + c];
            if (v >= 0)
                web_printf(p, "<td class=\"num\">%.0f%% <span class=\"muted\">(%ld)</span></td>",
                           v * 100, n ? n[rr * ncols + c] : 0L);
            else
                web_puts(p, "<td class=\"num muted\">–</td>");
        }
        web_puts(p, "</tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
    if (nv > 0) {
        char l0[24], l1[24];
        snprintf(l0, sizeof l0, "%.0f", lo);
        snprintf(l1, sizeof l1, "%.0f", hi);
        web_puts(p, "<p class=\"note\" id=\"heatmap-scale\">");
        web_put_trf(p, "chart.heatmap_legend", l0, l1, NULL);
        web_puts(p, "</p>");
    }
    free(sorted);
}

void web_chart_line(page *p, const char *id, const char *title, const char *const *labels,
                    const double *values, const bool *has, size_t n, const char *label_head,
                    const char *value_head)
{
    const int W = 720, H = 240, L = 50, R = 50, T = 20, B = 50;
    double lo = 0, hi = 1;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!has[i])
            continue;
        if (!any || values[i] < lo)
            lo = values[i];
        if (!any || values[i] > hi)
            hi = values[i];
        any = true;
    }
    if (lo > 0)
        lo = 0;
    if (hi <= lo)
        hi = lo + 1;
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    web_trf_plain(p, desc, sizeof desc, "chart.line_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double pw = W - L - R, ph = H - T - B;
    for (int g = 0; g <= 4; g++) {
        double v = lo + (hi - lo) * g / 4.0, y = T + ph - ph * g / 4.0;
        web_printf(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eef1f4\"/>", L,
                   y, W - R, y);
        char t[24];
        snprintf(t, sizeof t, "%.0f", v);
        text_at(p, L - 6, y + 4, "end", "axis", t);
    }
    mm_buf pts = {0};
    for (size_t i = 0; i < n; i++) {
        double x = L + (n > 1 ? pw * (double)i / (double)(n - 1) : pw / 2);
        if (n <= 12 || i % ((n + 11) / 12) == 0 || i == n - 1)
            text_at(p, x, H - B + 18, "middle", "axis", labels[i]);
        if (!has[i])
            continue;
        double y = T + ph - ph * (values[i] - lo) / (hi - lo);
        mm_buf_printf(&pts, "%.1f,%.1f ", x, y);
    }
    web_printf(p, "<polyline fill=\"none\" stroke=\"#0b3d6e\" stroke-width=\"2\" points=\"%s\"/>",
               mm_buf_cstr(&pts));
    mm_buf_free(&pts);
    for (size_t i = 0; i < n; i++) {
        if (!has[i])
            continue;
        double x = L + (n > 1 ? pw * (double)i / (double)(n - 1) : pw / 2);
        double y = T + ph - ph * (values[i] - lo) / (hi - lo);
        web_printf(p, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#0b3d6e\"><title>", x, y);
        web_attr(p, labels[i]);
        web_printf(p, ": %.0f</title></circle>", values[i]);
    }
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    if (label_head)
        web_esc(p, label_head);
    else
        web_put_tr(p, "chart.submission");
    web_puts(p, "</th><th class=\"num\">");
    web_esc(p, value_head);
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_puts(p, "<tr><td>");
        web_esc(p, labels[i]);
        if (has[i])
            web_printf(p, "</td><td class=\"num\">%.0f</td></tr>", values[i]);
        else
            web_puts(p, "</td><td class=\"num muted\">–</td></tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

void web_chart_bars(page *p, const char *id, const char *title, const char *const *labels,
                    const long *met, const long *total, size_t n)
{
    const int LW = 320, W = 760, RH = 22, T = 6;
    int H = T * 2 + RH * (int)n;
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    web_trf_plain(p, desc, sizeof desc, "chart.bars_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double bw = W - LW - 70;
    for (size_t i = 0; i < n; i++) {
        double y = T + RH * (double)i;
        double r = total[i] > 0 ? (double)met[i] / (double)total[i] : 0;
        char col[8];
        rate_color(col, r);
        text_en_at(p, LW - 6, y + RH / 2.0 + 4, "end", labels[i]);
        web_printf(p,
                   "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#eef1f4\"/>"
                   "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"%s\"><title>",
                   LW, y + 3, bw, RH - 6, LW, y + 3, bw * r, RH - 6, col);
        web_attr(p, labels[i]);
        web_printf(p, ": %ld/%ld</title></rect>", met[i], total[i]);
        char t[40];
        snprintf(t, sizeof t, "%ld/%ld", met[i], total[i]);
        text_at(p, LW + bw + 6, y + RH / 2.0 + 4, "start", "val", t);
    }
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.family");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.met");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.total");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_puts(p, "<tr><td>");
        web_en(p, labels[i]);
        web_printf(p, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td></tr>", met[i],
                   total[i]);
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

void web_chart_timeline(page *p, const char *id, const char *title, const timeline_item *items,
                        size_t n, const char *today)
{
    const int W = 720, L = 150, R = 50, T = 30, RH = 20;
    size_t shown = n > 40 ? 40 : n;
    int H = T + RH * (int)(shown ? shown : 1) + 30;
    long lo = mm_date_days(today), hi = lo;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].due || !mm_is_date(items[i].due))
            continue;
        long d = mm_date_days(items[i].due);
        if (d < lo)
            lo = d;
        if (d > hi)
            hi = d;
    }
    lo -= 7;
    hi += 7;
    size_t overdue = 0;
    for (size_t i = 0; i < n; i++)
        overdue += items[i].overdue;
    char desc[200];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    char a1[24];
    snprintf(a1, sizeof a1, "%ld", (long)(overdue));
    web_trf_plain(p, desc, sizeof desc, "chart.timeline_desc", a0, a1, NULL);
    fig_open(p, id, title, W, H, desc);
    double pw = W - L - R;
#define XOF(d) (L + pw * (double)((d)-lo) / (double)(hi - lo))
    /* month ticks */
    for (int k = 0; k <= 4; k++) {
        long d = lo + (hi - lo) * k / 4;
        char ds[11];
        mm_date_format(ds, d);
        double x = XOF(d);
        web_printf(p, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eef1f4\"/>", x,
                   T - 6, x, H - 24);
        text_at(p, x, H - 8, "middle", "axis", ds);
    }
    double tx = XOF(mm_date_days(today));
    web_printf(p,
               "<line class=\"today\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
               "stroke=\"#b91c1c\" stroke-dasharray=\"4 3\"/>",
               tx, T - 14, tx, H - 24);
    text_at(p, tx, T - 16, "middle", "axis today-label", web_tr(p, "chart.today"));
    for (size_t i = 0; i < shown; i++) {
        double y = T + RH * (double)i + RH / 2.0;
        text_at(p, L - 8, y + 4, "end", "axis", items[i].label);
        if (!items[i].due || !mm_is_date(items[i].due))
            continue;
        double x = XOF(mm_date_days(items[i].due));
        web_printf(p,
                   "<circle class=\"milestone%s\" data-overdue=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
                   "r=\"6\" fill=\"%s\"><title>",
                   items[i].overdue ? " overdue" : "", items[i].overdue ? "true" : "false", x, y,
                   items[i].overdue ? "#b91c1c" : "#0b3d6e");
        web_attr(p, items[i].label);
        web_puts(p, " ");
        web_attr(p, items[i].due);
        web_puts(p, ": ");
        web_attr(p, items[i].description);
        web_puts(p, "</title></circle>");
    }
#undef XOF
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.item");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.due");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.status");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.description");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_printf(p, "<tr%s><td>", items[i].overdue ? " class=\"overdue\"" : "");
        web_user(p, items[i].label);
        web_puts(p, "</td><td>");
        web_esc(p, items[i].due);
        if (items[i].overdue) {
            web_puts(p, " <strong class=\"late\">");
            web_put_tr(p, "chart.overdue");
            web_puts(p, "</strong>");
        }
        web_puts(p, "</td><td>");
        web_milestone_status(p, items[i].status);
        web_puts(p, "</td><td>");
        web_user(p, items[i].description);
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

/* ---- the portfolio trend (web_trends.c) ---------------------------------------------------- */

/* the colour of a status's part of a bar (at least 3:1 against white, WCAG 1.4.11) */
static const char *status_fill(const char *status)
{
    static const struct {
        const char *status, *fill;
    } fills[] = {
        {"meets", "#1a7f37"}, {"conditional", "#9a6700"}, {"conditional-expired", "#bf3989"},
        {"stale", "#6639ba"}, {"not-met", "#cf222e"},     {"no-valid-score", "#57606a"}};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++)
        if (strcmp(status, fills[i].status) == 0)
            return fills[i].fill;
    return "#8c959f";
}

void web_chart_stacked(page *p, const char *id, const char *title, const char *const *labels,
                       size_t n, const char *const *series, const char *const *series_titles,
                       size_t ns, const long *counts, const char *label_head)
{
    const int W = 720, L = 50, R = 190, T = 16, B = 40, H = 260;
    long max = 1;
    for (size_t i = 0; i < n; i++) {
        long t = 0;
        for (size_t k = 0; k < ns; k++)
            t += counts[k * n + i];
        if (t > max)
            max = t;
    }
    char desc[200], a0[24];
    snprintf(a0, sizeof a0, "%zu", n);
    web_trf_plain(p, desc, sizeof desc, "chart.stacked_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double pw = W - L - R, ph = H - T - B, bw = pw / (double)(n ? n : 1);
    for (int g = 0; g <= 4; g++) {
        double y = T + ph - ph * g / 4.0;
        web_printf(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eef1f4\"/>", L,
                   y, W - R, y);
        char t[24];
        snprintf(t, sizeof t, "%ld", (long)((double)max * g / 4.0 + 0.5));
        text_at(p, L - 6, y + 4, "end", "axis", t);
    }
    for (size_t i = 0; i < n; i++) {
        double x = L + bw * (double)i, y = T + ph;
        for (size_t k = 0; k < ns; k++) {
            long c = counts[k * n + i];
            if (c <= 0)
                continue;
            double h = ph * (double)c / (double)max;
            y -= h;
            web_printf(p,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"%s\"><title>",
                       x + 2, y, bw - 4 > 1 ? bw - 4 : 1, h, status_fill(series[k]));
            web_attr(p, labels[i]);
            web_puts(p, " ");
            web_attr(p, series_titles[k]);
            web_printf(p, ": %ld</title></rect>", c);
        }
        /* at most six labels under the bars: "2026-01" is wider than a bar of twelve */
        if (n <= 6 || i % ((n + 5) / 6) == 0)
            text_at(p, x + bw / 2, H - B + 18, "middle", "axis", labels[i]);
    }
    for (size_t k = 0; k < ns; k++) { /* the legend */
        double y = T + 18.0 * (double)k;
        web_printf(p, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>",
                   W - R + 12, y, status_fill(series[k]));
        text_at(p, W - R + 30, y + 10, "start", "axis", series_titles[k]);
    }
    table_open(p);
    web_puts(p, "<thead><tr><th scope=\"col\">");
    web_esc(p, label_head);
    web_puts(p, "</th>");
    for (size_t k = 0; k < ns; k++) {
        web_puts(p, "<th scope=\"col\" class=\"num\">");
        web_esc(p, series_titles[k]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_puts(p, "<tr><th scope=\"row\">");
        web_esc(p, labels[i]);
        web_puts(p, "</th>");
        for (size_t k = 0; k < ns; k++)
            web_printf(p, "<td class=\"num\">%ld</td>", counts[k * n + i]);
        web_puts(p, "</tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

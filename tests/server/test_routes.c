/* The route table (src/server/routes.c) is the single list of endpoints: every API route is
 * a row of docs/api.md's endpoint tables ("| `METHOD /path` | ..."), and every such row is
 * a route. Path parameters are compared as "{}" whatever their name; a "?query" in the docs
 * is ignored. The dashboard's pages (html routes) and /static are docs/dashboard.md's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/internal.h"

#define MAXE 200

typedef struct list {
    char *e[MAXE];
    size_t n;
} list;

static void add(list *l, const char *s)
{
    assert_true(l->n < MAXE);
    l->e[l->n++] = strdup(s);
}

static bool has(const list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->e[i], s) == 0)
            return true;
    return false;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i]);
    l->n = 0;
}

/* "METHOD /a/{org}/b?x=" -> "METHOD /a/{}/b" */
static void normalise(char *out, size_t size, const char *in, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && in[i] != '?' && o + 3 < size; i++) {
        if (in[i] == '{') {
            while (i < len && in[i] != '}')
                i++;
            out[o++] = '{';
            out[o++] = '}';
            continue;
        }
        out[o++] = in[i];
    }
    out[o] = '\0';
}

/* The API routes of the table: every route that is not a dashboard page or /static. */
static void routes_of_table(list *l)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    mm_routes_print(f);
    rewind(f);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strstr(line, " html") || strstr(line, " /static/"))
            continue;
        add(l, line);
    }
    fclose(f);
}

/* The rows of docs/api.md's endpoint tables: "| `METHOD /path` |" (the main table) and
 * "| METHOD | `/path` |" (the shared items' and incident reports' tables). */
static void routes_of_doc(list *l)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/api.md", MM_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char e[512], joined[512];
        if (strncmp(line, "| `", 3) == 0) {
            const char *s = line + 3, *end = strchr(s, '`');
            const char *sp = strchr(s, ' ');
            if (!end || !sp || sp > end || s[0] < 'A' || s[0] > 'Z')
                continue;
            normalise(e, sizeof e, s, (size_t)(end - s));
            add(l, e);
            continue;
        }
        char method[16], where[400];
        if (sscanf(line, "| %15[A-Z] | `%399[^`]` |", method, where) == 2) {
            snprintf(joined, sizeof joined, "%s %s", method, where);
            normalise(e, sizeof e, joined, strlen(joined));
            add(l, e);
        }
    }
    fclose(f);
}

static void test_table_and_doc_agree(void **state)
{
    (void)state;
    list t = {0}, d = {0};
    routes_of_table(&t);
    routes_of_doc(&d);
    assert_true(t.n > 40); /* the table was read */
    int missing = 0;
    for (size_t i = 0; i < t.n; i++)
        if (!has(&d, t.e[i])) {
            fprintf(stderr, "route not in docs/api.md: %s\n", t.e[i]);
            missing++;
        }
    for (size_t i = 0; i < d.n; i++)
        if (!has(&t, d.e[i])) {
            fprintf(stderr, "docs/api.md row that is no route: %s\n", d.e[i]);
            missing++;
        }
    list_free(&t);
    list_free(&d);
    assert_int_equal(missing, 0);
}

static void test_normalise(void **state)
{
    (void)state;
    char out[128];
    const char *in = "GET /contractors/{id}/diff?a=&b=";
    normalise(out, sizeof out, in, strlen(in));
    assert_string_equal(out, "GET /contractors/{}/diff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_table_and_doc_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The IoT label schemes mamori knows, and the checks of a label's scheme, level and dates
 * (docs/iot.md "Schemes"). Each scheme's criteria pack is in content/frameworks/iot/ and names
 * its scheme in the metadata prop label-scheme; the sources are in that folder's PROVENANCE.md. */
#include <string.h>

#include "mamori/error.h"
#include "mamori/iot.h"
#include "util/util.h"

static const mm_iot_scheme schemes[] = {
    /* IPA, JC-STAR: levels ★1 to ★4 (★1/★2 self-declared, ★3/★4 third-party evaluated:
     * eu-japan.eu, secondary); mamori has the criteria of ★1 only */
    {"jc-star", "JC-STAR", "1|2|3|4", "https://www.ipa.go.jp/security/jc-star/"},
    /* UK PSTI: a statement of compliance with SI 2023/1007 Schedule 1 */
    {"uk-psti", "UK PSTI", "", "https://www.legislation.gov.uk/uksi/2023/1007"},
    /* a conformance statement (or certificate) against ETSI EN 303 645 V2.1.1 */
    {"etsi-en-303-645", "ETSI EN 303 645 V2.1.1", "",
     "https://www.etsi.org/deliver/etsi_en/303600_303699/303645/02.01.01_60/"},
    /* the FCC's U.S. Cyber Trust Mark, whose baseline is NIST IR 8425 (89 FR 61242) */
    {"us-cyber-trust-mark", "U.S. Cyber Trust Mark (NIST IR 8425)", "",
     "https://www.federalregister.gov/d/2024-14148"},
};
#define NSCHEMES (sizeof schemes / sizeof schemes[0])

/* scheme, level ("" any) -> framework id of its pack */
static const struct {
    const char *scheme, *level, *pack;
} packs[] = {
    {"jc-star", "1", "jc-star-star1"},
    {"uk-psti", "", "uk-psti"},
    {"etsi-en-303-645", "", "etsi-en-303-645"},
    {"us-cyber-trust-mark", "", "nistir-8425"},
};

const mm_iot_scheme *mm_iot_schemes(size_t *n)
{
    *n = NSCHEMES;
    return schemes;
}

const mm_iot_scheme *mm_iot_scheme_find(const char *id)
{
    for (size_t i = 0; id && i < NSCHEMES; i++)
        if (strcmp(schemes[i].id, id) == 0)
            return &schemes[i];
    return NULL;
}

const char *mm_iot_scheme_pack(const mm_iot_scheme *s, const char *level)
{
    for (size_t i = 0; s && i < sizeof packs / sizeof packs[0]; i++)
        if (strcmp(packs[i].scheme, s->id) == 0 &&
            (!packs[i].level[0] || mm_streq(packs[i].level, level)))
            return packs[i].pack;
    return NULL;
}

static bool level_ok(const char *levels, const char *level)
{
    size_t n = strlen(level);
    for (const char *p = levels; n && *p;) {
        const char *bar = strchr(p, '|');
        size_t m = bar ? (size_t)(bar - p) : strlen(p);
        if (m == n && strncmp(p, level, n) == 0)
            return true;
        p += m + (bar ? 1 : 0);
    }
    return false;
}

int mm_iot_label_check(const char *scheme, const char *level)
{
    const mm_iot_scheme *s = mm_iot_scheme_find(scheme);
    if (!s) {
        mm_error_set("$.scheme: '%s' is not a label scheme mamori knows (jc-star, uk-psti, "
                     "etsi-en-303-645, us-cyber-trust-mark)",
                     scheme ? scheme : "");
        return MM_EINVALID;
    }
    level = level ? level : "";
    if (!s->levels[0] && level[0]) {
        mm_error_set("$.level: %s labels have no level (leave it out)", s->name);
        return MM_EINVALID;
    }
    if (s->levels[0] && !level_ok(s->levels, level)) {
        mm_error_set("$.level: a %s label needs a level, one of %s ('%s' given)", s->name,
                     s->levels, level);
        return MM_EINVALID;
    }
    return MM_OK;
}

const char *mm_iot_label_state(const char *issued, const char *expires, const char *date)
{
    if (issued && strcmp(issued, date) > 0)
        return "not-yet-valid";
    if (expires && strcmp(expires, date) < 0)
        return "expired";
    return "current";
}

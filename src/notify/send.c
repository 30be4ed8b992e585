/* mamori: the transports of a delivered notification (docs/notifications.md): one mail
 * message through an SMTP relay and one signed webhook POST, both with libcurl. Neither logs;
 * the error texts they return hold no credential and no secret. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mamori/notify.h"
#include "util/util.h"

typedef struct upload {
    const char *data;
    size_t len, off;
} upload;

static size_t read_cb(char *buf, size_t size, size_t n, void *cls)
{
    upload *u = cls;
    size_t room = size * n, left = u->len - u->off;
    size_t k = left < room ? left : room;
    memcpy(buf, u->data + u->off, k);
    u->off += k;
    return k;
}

static size_t discard_cb(char *buf, size_t size, size_t n, void *cls)
{
    (void)buf;
    (void)cls;
    return size * n;
}

static void fail_text(char *err, size_t errsize, CURLcode cc, const char *curl_err, long code)
{
    if (code)
        snprintf(err, errsize, "%s (reply %ld)", curl_err[0] ? curl_err : curl_easy_strerror(cc),
                 code);
    else
        snprintf(err, errsize, "%s", curl_err[0] ? curl_err : curl_easy_strerror(cc));
}

int mm_notify_smtp_send(const mm_notify_smtp *relay, const char *from, const char *to,
                        const char *msg, size_t len, char *err, size_t errsize)
{
    err[0] = '\0';
    if (!relay || !relay->url || !mm_notify_address_ok(from) || !mm_notify_address_ok(to)) {
        snprintf(err, errsize, "no relay, or a sender or recipient that is not an address");
        return MM_EINVALID;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errsize, "libcurl does not initialise");
        return MM_EIO;
    }
    char curl_err[CURL_ERROR_SIZE] = "";
    char fromb[300], tob[300];
    snprintf(fromb, sizeof fromb, "<%s>", from);
    snprintf(tob, sizeof tob, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, tob);
    upload u = {msg, len, 0};
    curl_easy_setopt(c, CURLOPT_URL, relay->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    /* STARTTLS whenever the relay offers it; required when asked */
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     relay->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    /* the relay's certificate and name are always checked (libcurl's defaults, said here) */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (relay->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, relay->cacert);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, fromb);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, relay->timeout_s > 0 ? relay->timeout_s : 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, relay->timeout_s > 0 ? relay->timeout_s * 3 : 30L);
    if (relay->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, relay->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, relay->password ? relay->password : "");
    }
    CURLcode cc = rcpt ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    int rc = MM_OK;
    if (cc != CURLE_OK) {
        fail_text(err, errsize, cc, curl_err, code);
        rc = MM_EIO;
    } else {
        snprintf(err, errsize, "accepted (reply %ld)", code);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return rc;
}

int mm_notify_webhook_post(const char *url, const char *secret, const char *event_id,
                           const char *body, long timeout_s, char *err, size_t errsize)
{
    err[0] = '\0';
    size_t len = strlen(body);
    long long t = (long long)time(NULL);
    char sig[65];
    if (mm_notify_sign(sig, secret, t, body, len) != MM_OK) {
        snprintf(err, errsize, "no secret to sign with");
        return MM_EINVALID;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errsize, "libcurl does not initialise");
        return MM_EIO;
    }
    char h_sig[120], h_id[120];
    snprintf(h_sig, sizeof h_sig, "Mamori-Signature: t=%lld,v1=%s", t, sig);
    snprintf(h_id, sizeof h_id, "Mamori-Event-Id: %s", event_id ? event_id : "");
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = h ? curl_slist_append(h, h_sig) : NULL;
    h = h ? curl_slist_append(h, h_id) : NULL;
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mamori-webhook/1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s > 0 ? timeout_s : 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s * 3 : 30L);
    CURLcode cc = h ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    int rc = MM_OK;
    if (cc != CURLE_OK) {
        fail_text(err, errsize, cc, curl_err, 0);
        rc = MM_EIO;
    } else if (code < 200 || code > 299) {
        snprintf(err, errsize, "HTTP %ld", code);
        rc = MM_EIO;
    } else {
        snprintf(err, errsize, "HTTP %ld", code);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return rc;
}

/* response.h - sending answers: status, headers, ETag and 304, HEAD.
 *
 * Every response of the site goes through cc_http_respond, so the headers
 * that must always be there are set in one place: a strict
 * Content-Security-Policy (no inline script or style, nothing from other
 * origins), X-Content-Type-Options, Referrer-Policy, and the ETag.
 *
 * ETags are the XXH3-64 of the body, quoted: a cache validator, no security
 * weight. When the request's If-None-Match lists it (or "*"), the answer is
 * 304 with the same validators and no body. */
#ifndef CONCERTO_HTTP_RESPONSE_H
#define CONCERTO_HTTP_RESPONSE_H

#include "out.h"
#include "router.h"

#define CC_CSP                                                                                     \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "base-uri 'none'; frame-ancestors 'none'"

/* Cache-Control values. */
#define CC_CACHE_NO_STORE "no-store"
#define CC_CACHE_REVALIDATE "no-cache"
#define CC_CACHE_IMMUTABLE "public, max-age=31536000, immutable"

enum {
    CC_RESP_ETAG = 1,      /* compute the ETag, answer If-None-Match with 304 */
    CC_RESP_VARY_LANG = 2, /* the body depends on the negotiated language */
};

typedef struct cc_response {
    int status;
    const char *content_type;  /* static string */
    const char *cache_control; /* static string, or NULL for none */
    unsigned flags;            /* CC_RESP_* */
} cc_response;

/* Send body (may be NULL for an empty body) as the response. */
void cc_http_respond(cc_request *r, const cc_response *how, cc_out *body);

/* A short text/plain answer, e.g. an error message of a machine endpoint.
 * Not cached. */
void cc_http_text(cc_request *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An HTML error page in the request's language (404, 405, 500, 503). */
void cc_http_error_page(cc_request *r, int status);

const char *cc_http_reason(int status);

/* Whether an If-None-Match value matches etag (weak comparison, as RFC 9110
 * requires for If-None-Match; "*" matches anything). */
int cc_http_etag_match(const char *value, size_t len, const char *etag, size_t etag_len);

#endif

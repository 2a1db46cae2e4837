/* response.c - the one place responses are started.
 *
 * Handlers build a body (a cc_out in the request's pool) and hand it here
 * with a status, a content type and a caching policy. This file adds the
 * headers every answer carries, computes the ETag when asked, turns a
 * matching If-None-Match into a 304, strips the body of HEAD answers and
 * passes the body's chunks to h2o in one h2o_send call without copying them.
 *
 * The Content-Length is always set (except on 304): without it h2o would
 * fall back to chunked encoding for 200s and close the connection for any
 * other status, and keep-alive matters for a page that pulls a stylesheet. */
#include "response.h"

#include "site.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *cc_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int cc_http_etag_match(const char *v, size_t n, const char *etag, size_t etag_len)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (is_ows(v[i]) || v[i] == ','))
            i++;
        if (i >= n) break;
        if (v[i] == '*') return 1;
        if (n - i >= 2 && v[i] == 'W' && v[i + 1] == '/') i += 2; /* weak comparison */
        if (i < n && v[i] == '"') {
            const char *close = memchr(v + i + 1, '"', n - i - 1);
            if (!close) return 0; /* unterminated: ignore the rest */
            size_t tag_len = (size_t)(close - (v + i)) + 1;
            if (tag_len == etag_len && !memcmp(v + i, etag, etag_len)) return 1;
            i += tag_len;
        } else {
            /* not an entity-tag: skip to the next comma */
            while (i < n && v[i] != ',')
                i++;
        }
    }
    return 0;
}

static int if_none_match(h2o_req_t *req, const char *etag, size_t etag_len)
{
    ssize_t at = -1;
    while ((at = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, at)) != -1) {
        const h2o_iovec_t *v = &req->headers.entries[at].value;
        if (cc_http_etag_match(v->base, v->len, etag, etag_len)) return 1;
    }
    return 0;
}

#define ADD(req, token, literal)                                                                   \
    h2o_add_header(&(req)->pool, &(req)->res.headers, (token), NULL, literal, sizeof(literal) - 1)
#define ADD_STR(req, name, literal)                                                                \
    h2o_add_header_by_str(&(req)->pool, &(req)->res.headers, name, sizeof(name) - 1, 0, NULL,      \
                          literal, sizeof(literal) - 1)

void cc_http_respond(cc_request *r, const cc_response *how, cc_out *body)
{
    static h2o_generator_t generator = {NULL, NULL};
    h2o_req_t *req = r->req;
    int status = how->status;
    const char *cache = how->cache_control;

    ADD_STR(req, "content-security-policy", CC_CSP);
    ADD_STR(req, "x-content-type-options", "nosniff");
    ADD_STR(req, "referrer-policy", "same-origin");
    ADD_STR(req, "x-frame-options", "DENY");
    if (how->flags & CC_RESP_VARY_LANG) {
        ADD(req, H2O_TOKEN_VARY, "Accept-Language, Cookie");
        if (r->lang_source == CC_LANG_FROM_QUERY) {
            /* Remember an explicit choice. A response that sets a cookie
             * must not be stored by shared caches. */
            if (r->lang == CC_LANG_EN)
                ADD(req, H2O_TOKEN_SET_COOKIE, "lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
            else
                ADD(req, H2O_TOKEN_SET_COOKIE, "lang=fr; Path=/; Max-Age=31536000; SameSite=Lax");
            cache = "private, no-cache";
        }
    }
    if (cache)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, cache,
                       strlen(cache));

    size_t len = body ? cc_out_len(body) : 0;
    if ((how->flags & CC_RESP_ETAG) && status == 200) {
        char *etag = h2o_mem_alloc_pool(&req->pool, 20);
        int n =
            snprintf(etag, 20, "\"%016llx\"", (unsigned long long)(body ? cc_out_hash(body) : 0));
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, NULL, etag, (size_t)n);
        if (if_none_match(req, etag, (size_t)n)) {
            req->res.status = 304;
            req->res.reason = cc_http_reason(304);
            req->res.content_length = SIZE_MAX; /* a 304 has no body, and no length */
            h2o_start_response(req, &generator);
            h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
            return;
        }
    }

    req->res.status = status;
    req->res.reason = cc_http_reason(status);
    if (how->content_type)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                       how->content_type, strlen(how->content_type));
    req->res.content_length = len;
    h2o_start_response(req, &generator);
    if (r->method == CC_METHOD_HEAD || !body || len == 0) {
        h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
    } else {
        size_t count;
        h2o_iovec_t *bufs = cc_out_iovecs(body, &count);
        h2o_send(req, bufs, count, H2O_SEND_STATE_FINAL);
    }
}

void cc_http_text(cc_request *r, int status, const char *fmt, ...)
{
    cc_out o;
    cc_out_init(&o, &r->req->pool);
    va_list ap;
    va_start(ap, fmt);
    cc_out_vprintf(&o, fmt, ap);
    va_end(ap);
    cc_out_append(&o, "\n", 1);
    cc_response how = {status, "text/plain; charset=utf-8", CC_CACHE_NO_STORE, 0};
    cc_http_respond(r, &how, &o);
}

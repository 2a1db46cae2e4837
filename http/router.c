/* router.c - the route table and dispatch.
 *
 * The table is a short static array scanned in order: with a handful of
 * routes a linear scan of exact strings beats any clever structure, and it
 * reads like the site map it is. Prefix routes (the log's tile tree) end
 * with '/', and the more specific prefix comes first.
 *
 * Dispatch does the work every handler would otherwise repeat: split the
 * raw path from the query, parse the method, choose the language, and turn
 * "no such route" and "not this method" into 404 and 405 answers — in HTML
 * for the site's pages, in plain text for machine endpoints (a log client
 * wants a short message, not a page). */
#include "router.h"

#include "response.h"
#include "site.h"

#include <string.h>

typedef struct route {
    cc_route_id id;
    const char *path;
    unsigned methods;
    int html; /* errors for this route are HTML pages, not plain text */
    cc_handler handler;
} route;

static const route routes[] = {
#define CC_ROUTE_ROW_(id, name, path, methods, html, handler)                                      \
    {CC_ROUTE_##id, path, methods, html, handler},
    CC_ROUTES(CC_ROUTE_ROW_)
#undef CC_ROUTE_ROW_
};
#define NROUTES (sizeof routes / sizeof routes[0])

static const char *const route_names[CC_ROUTE_COUNT_] = {
#define CC_ROUTE_NAME_(id, name, path, methods, html, handler) [CC_ROUTE_##id] = name,
    CC_ROUTES(CC_ROUTE_NAME_)
#undef CC_ROUTE_NAME_
        [CC_ROUTE_NONE] = "none",
};

const char *cc_route_name(cc_route_id id)
{
    return (unsigned)id < CC_ROUTE_COUNT_ ? route_names[id] : "none";
}

unsigned cc_method_parse(const char *m, size_t n)
{
    if (h2o_memis(m, n, H2O_STRLIT("GET"))) return CC_METHOD_GET;
    if (h2o_memis(m, n, H2O_STRLIT("HEAD"))) return CC_METHOD_HEAD;
    if (h2o_memis(m, n, H2O_STRLIT("POST"))) return CC_METHOD_POST;
    return CC_METHOD_OTHER;
}

static const route *find(const char *path, size_t len)
{
    for (size_t i = 0; i < NROUTES; i++) {
        const char *p = routes[i].path;
        size_t n = strlen(p);
        int prefix = n > 1 && p[n - 1] == '/';
        if (prefix ? (len > n && !memcmp(path, p, n)) : (len == n && !memcmp(path, p, n)))
            return &routes[i];
    }
    return NULL;
}

cc_route_id cc_route_match(const char *path, size_t len, unsigned *allowed)
{
    const route *r = find(path, len);
    if (allowed) *allowed = r ? r->methods : 0;
    return r ? r->id : CC_ROUTE_NONE;
}

static void allow_header(h2o_req_t *req, unsigned methods)
{
    /* every route takes GET and HEAD today; POST routes will add theirs */
    if (methods & CC_METHOD_POST)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL,
                       H2O_STRLIT("GET, HEAD, POST"));
    else
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL,
                       H2O_STRLIT("GET, HEAD"));
}

static h2o_iovec_t header_value(h2o_req_t *req, const h2o_token_t *token)
{
    ssize_t at = h2o_find_header(&req->headers, token, -1);
    return at == -1 ? h2o_iovec_init(NULL, 0) : req->headers.entries[at].value;
}

/* h2o 2.2.5 accepts request heads up to H2O_MAX_REQLEN (8 KiB + 4 KiB per
 * header, about 408 KiB) before answering 400 by itself; no page of ours
 * needs more than a fraction of that, so anything larger is refused here,
 * before a handler sees it. */
static int too_large(cc_request *r)
{
    h2o_req_t *req = r->req;
    if (req->input.path.len > CC_MAX_TARGET) {
        cc_http_text(r, 414, "request target too long: at most %d bytes", CC_MAX_TARGET);
        return 1;
    }
    size_t total = 0;
    for (size_t i = 0; i < req->headers.size; i++)
        total += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
    if (total > CC_MAX_HEADER_BYTES) {
        cc_http_text(r, 431, "request header fields too large: at most %d bytes in all",
                     CC_MAX_HEADER_BYTES);
        return 1;
    }
    return 0;
}

void cc_http_dispatch(cc_site *site, h2o_req_t *req)
{
    cc_request r;
    memset(&r, 0, sizeof r);
    r.req = req;
    r.site = site;
    r.method = cc_method_parse(req->input.method.base, req->input.method.len);
    const char *qm =
        req->input.path.len ? memchr(req->input.path.base, '?', req->input.path.len) : NULL;
    if (qm) {
        size_t q = (size_t)(qm - req->input.path.base);
        r.path = h2o_iovec_init(req->input.path.base, q);
        r.query = h2o_iovec_init(qm + 1, req->input.path.len - q - 1);
    } else {
        r.path = req->input.path;
    }
    h2o_iovec_t cookie = header_value(req, H2O_TOKEN_COOKIE);
    h2o_iovec_t accept = header_value(req, H2O_TOKEN_ACCEPT_LANGUAGE);
    r.lang = cc_lang_negotiate(r.query.base, r.query.len, cookie.base, cookie.len, accept.base,
                               accept.len, &r.lang_source);

    const route *rt = find(r.path.base, r.path.len);
    r.route = rt ? rt->id : CC_ROUTE_NONE;
    if (too_large(&r)) return;
    if (!rt) {
        r.route = CC_ROUTE_NONE;
        cc_http_error_page(&r, 404);
        return;
    }
    r.route = rt->id;
    if (!(r.method & rt->methods)) {
        allow_header(req, rt->methods);
        if (rt->html)
            cc_http_error_page(&r, 405);
        else
            cc_http_text(&r, 405, "method not allowed: this endpoint answers GET and HEAD");
        return;
    }
    rt->handler(&r);
}

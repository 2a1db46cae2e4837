/* router.h - method + path -> handler, and the per-request context handlers
 * receive.
 *
 * Routes match the raw request path (without the query), not h2o's
 * normalised one: the log endpoints must accept exactly the canonical paths
 * of the C2SP spec, and "/tile/0/./000" is not one of them. A path no route
 * knows gets 404; a known path with a method its route does not take gets
 * 405 with an Allow header. HEAD is accepted wherever GET is, and answered
 * with GET's headers and no body. A request target longer than
 * CC_MAX_TARGET gets 414, headers beyond CC_MAX_HEADER_BYTES in all 431.
 *
 * Every route has a stable name: the "route" label of the metrics. */
#ifndef CONCERTO_HTTP_ROUTER_H
#define CONCERTO_HTTP_ROUTER_H

#include "features/features.h"
#include "i18n.h"

#include <h2o.h>

#include <stdint.h>

/* The route table, kept in parts: the core routes here, each feature's in
 * http/features/<feature>.h (CC_ROUTES_<FEATURE>). An entry is
 * X(id, metrics name, path, methods, html errors, handler): a path ending in
 * '/' matches as a prefix (longer prefixes must come first), any other
 * exactly. Routes are tried in this order. */
#define CC_GET_HEAD (CC_METHOD_GET | CC_METHOD_HEAD)
#define CC_ROUTES_CORE(X)                                                                          \
    X(HOME, "home", "/", CC_GET_HEAD, 1, cc_page_home)                                             \
    X(STATIC, "static", "/static/", CC_GET_HEAD, 1, cc_page_static)                                \
    X(HEALTHZ, "healthz", "/healthz", CC_GET_HEAD, 0, cc_ops_healthz)                              \
    X(METRICS, "metrics", "/metrics", CC_GET_HEAD, 0, cc_ops_metrics)                              \
    X(CHECKPOINT, "checkpoint", "/checkpoint", CC_GET_HEAD, 0, cc_log_checkpoint)                  \
    X(ENTRIES, "tile_entries", "/tile/entries/", CC_GET_HEAD, 0, cc_log_tile)                      \
    X(TILE, "tile", "/tile/", CC_GET_HEAD, 0, cc_log_tile)

#define CC_ROUTES(X) CC_ROUTES_CORE(X) CC_ROUTES_FEATURES(X)

typedef enum cc_route_id {
#define CC_ROUTE_ENUM_(id, name, path, methods, html, handler) CC_ROUTE_##id,
    CC_ROUTES(CC_ROUTE_ENUM_)
#undef CC_ROUTE_ENUM_
        CC_ROUTE_NONE, /* requests no route matched (404): metrics label "none" */
    CC_ROUTE_COUNT_
} cc_route_id;

enum {
    CC_METHOD_GET = 1,
    CC_METHOD_HEAD = 2,
    CC_METHOD_POST = 4,
    CC_METHOD_OTHER = 8,
};

/* Limits on what a request may carry (beyond them: 414, 431). Bodies are
 * limited by the server (413, server.h). */
#define CC_MAX_TARGET 8192
#define CC_MAX_HEADER_BYTES 32768

typedef struct cc_site cc_site;

/* What a handler gets. Everything points into the request's pool or the
 * site, valid until the response is sent. */
typedef struct cc_request {
    h2o_req_t *req;
    cc_site *site;
    cc_route_id route;
    unsigned method;   /* CC_METHOD_* */
    h2o_iovec_t path;  /* raw path, without the query */
    h2o_iovec_t query; /* after '?' ({NULL, 0} when none) */
    cc_lang lang;
    cc_lang_source lang_source;
} cc_request;

typedef void (*cc_handler)(cc_request *r);

/* Every handler of the table, declared from it. */
#define CC_ROUTE_DECL_(id, name, path, methods, html, handler) void handler(cc_request *r);
CC_ROUTES(CC_ROUTE_DECL_)
#undef CC_ROUTE_DECL_

/* Which route a (method, raw path) goes to. *allowed receives the methods
 * the route takes (0 for CC_ROUTE_NONE); the method is allowed when
 * (method & *allowed) != 0. */
cc_route_id cc_route_match(const char *path, size_t len, unsigned *allowed);
const char *cc_route_name(cc_route_id id);
unsigned cc_method_parse(const char *m, size_t n);

/* Route and answer one request (the h2o handler's body). Always responds. */
void cc_http_dispatch(cc_site *site, h2o_req_t *req);

#endif

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

#include "i18n.h"

#include <h2o.h>

#include <stdint.h>

/* X(id, name) — "none" is for requests no route matched (404). */
#define CC_ROUTES(X)                                                                               \
    X(HOME, "home")                                                                                \
    X(STATIC, "static")                                                                            \
    X(HEALTHZ, "healthz")                                                                          \
    X(METRICS, "metrics")                                                                          \
    X(CHECKPOINT, "checkpoint")                                                                    \
    X(TILE, "tile")                                                                                \
    X(ENTRIES, "tile_entries")                                                                     \
    X(NONE, "none")

typedef enum cc_route_id {
#define CC_ROUTE_ENUM_(id, name) CC_ROUTE_##id,
    CC_ROUTES(CC_ROUTE_ENUM_)
#undef CC_ROUTE_ENUM_
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

/* Which route a (method, raw path) goes to. *allowed receives the methods
 * the route takes (0 for CC_ROUTE_NONE); the method is allowed when
 * (method & *allowed) != 0. */
cc_route_id cc_route_match(const char *path, size_t len, unsigned *allowed);
const char *cc_route_name(cc_route_id id);
unsigned cc_method_parse(const char *m, size_t n);

/* Route and answer one request (the h2o handler's body). Always responds. */
void cc_http_dispatch(cc_site *site, h2o_req_t *req);

#endif

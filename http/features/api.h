/* api.h - routes and strings of the "api" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_API_H
#define CONCERTO_HTTP_FEATURE_API_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_API(X)

/* X(key, French, English) */
#define CC_MESSAGES_API(X)

#endif

/* admin.h - routes and strings of the "admin" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_ADMIN_H
#define CONCERTO_HTTP_FEATURE_ADMIN_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_ADMIN(X)

/* X(key, French, English) */
#define CC_MESSAGES_ADMIN(X)

#endif

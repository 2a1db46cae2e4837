/* actions.h - routes and strings of the "actions" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_ACTIONS_H
#define CONCERTO_HTTP_FEATURE_ACTIONS_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_ACTIONS(X)

/* X(key, French, English) */
#define CC_MESSAGES_ACTIONS(X)

#endif

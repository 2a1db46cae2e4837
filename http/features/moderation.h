/* moderation.h - routes and strings of the "moderation" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_MODERATION_H
#define CONCERTO_HTTP_FEATURE_MODERATION_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_MODERATION(X)

/* X(key, French, English) */
#define CC_MESSAGES_MODERATION(X)

#endif

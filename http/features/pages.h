/* pages.h - routes and strings of the "pages" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_PAGES_H
#define CONCERTO_HTTP_FEATURE_PAGES_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_PAGES(X)

/* X(key, French, English) */
#define CC_MESSAGES_PAGES(X)

#endif

/* api.h - routes and strings of the "api" feature (see features.h): the
 * read-only JSON API under /api/v1/ (api.c, docs/API.md). Every route has
 * the same handler, which parses the rest of the path itself; the routes
 * exist separately so that each resource has its own metrics label. Errors
 * are JSON (html errors 0). The last route catches every other /api/ path
 * so that it gets a JSON 404 instead of an HTML page. */
#ifndef CONCERTO_HTTP_FEATURE_API_H
#define CONCERTO_HTTP_FEATURE_API_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_API(X)                                                                           \
    X(API_CONSULTATION, "api_consultation", "/api/v1/consultation", CC_GET_HEAD, 0, cc_api_get)    \
    X(API_THEMES, "api_themes", "/api/v1/themes", CC_GET_HEAD, 0, cc_api_get)                      \
    X(API_THEME, "api_theme", "/api/v1/themes/", CC_GET_HEAD, 0, cc_api_get)                       \
    X(API_SECTION, "api_section", "/api/v1/sections/", CC_GET_HEAD, 0, cc_api_get)                 \
    X(API_CONTRIBUTION, "api_contribution", "/api/v1/contributions/", CC_GET_HEAD, 0, cc_api_get)  \
    X(API_TRASH, "api_trash", "/api/v1/trash", CC_GET_HEAD, 0, cc_api_get)                         \
    X(API_STATS, "api_stats", "/api/v1/stats", CC_GET_HEAD, 0, cc_api_get)                         \
    X(API_DOCUMENTS, "api_documents", "/api/v1/documents", CC_GET_HEAD, 0, cc_api_get)             \
    X(API_MEETINGS, "api_meetings", "/api/v1/meetings", CC_GET_HEAD, 0, cc_api_get)                \
    X(API_PUBLICATIONS, "api_publications", "/api/v1/publications", CC_GET_HEAD, 0, cc_api_get)    \
    X(API_PARTICIPANT, "api_participant", "/api/v1/participants/", CC_GET_HEAD, 0, cc_api_get)     \
    X(API_OTHER, "api_other", "/api/", CC_GET_HEAD, 0, cc_api_get)

/* X(key, French, English): none, API messages are English JSON (docs/API.md). */
#define CC_MESSAGES_API(X)

#endif

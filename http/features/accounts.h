/* accounts.h - routes and strings of the "accounts" feature (see features.h). */
#ifndef CONCERTO_HTTP_FEATURE_ACCOUNTS_H
#define CONCERTO_HTTP_FEATURE_ACCOUNTS_H

/* X(id, metrics name, path, methods, html errors, handler) */
#define CC_ROUTES_ACCOUNTS(X)

/* X(key, French, English) */
#define CC_MESSAGES_ACCOUNTS(X)

#endif

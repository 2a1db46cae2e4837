/* features.h - the site's features, each contributing its routes and its
 * strings to the one route table (router.h) and the one catalogue
 * (i18n.h). A feature is a header here plus its .c files in http/.
 *
 * Included by router.h and i18n.h before they expand their lists; a feature
 * header only defines macros. */
#ifndef CONCERTO_HTTP_FEATURES_H
#define CONCERTO_HTTP_FEATURES_H

#include "accounts.h"
#include "actions.h"
#include "admin.h"
#include "api.h"
#include "moderation.h"
#include "pages.h"

#define CC_ROUTES_FEATURES(X)                                                                      \
    CC_ROUTES_ACCOUNTS(X)                                                                          \
    CC_ROUTES_PAGES(X) CC_ROUTES_ACTIONS(X) CC_ROUTES_MODERATION(X) CC_ROUTES_ADMIN(X)             \
        CC_ROUTES_API(X)
#define CC_MESSAGES_FEATURES(X)                                                                    \
    CC_MESSAGES_ACCOUNTS(X)                                                                        \
    CC_MESSAGES_PAGES(X) CC_MESSAGES_ACTIONS(X) CC_MESSAGES_MODERATION(X) CC_MESSAGES_ADMIN(X)     \
        CC_MESSAGES_API(X)

#endif

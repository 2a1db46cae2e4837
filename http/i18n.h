/* i18n.h - the catalogue of every string the site shows, in French and
 * English, and the choice of language for a request.
 *
 * French is the default. A request chooses English (or French) by, in order
 * of precedence: a "lang" query parameter (?lang=en), a "lang" cookie (set
 * by the site when the query parameter is used), then Accept-Language.
 *
 * Strings are plain text (no markup): pages write them through the HTML
 * writer, which escapes them like any other text. Strings with a printf
 * format have the same conversions in both languages (the tests check). */
#ifndef CONCERTO_HTTP_I18N_H
#define CONCERTO_HTTP_I18N_H

#include <stddef.h>
#include <stdint.h>

typedef enum cc_lang { CC_LANG_FR = 0, CC_LANG_EN, CC_LANG_COUNT_ } cc_lang;

/* X(key, French, English). The catalogue is one list, kept in parts: the
 * strings of the frame and home page here, those of each feature in
 * http/features/<feature>.h (CC_MESSAGES_<FEATURE>). */
#include "features/features.h"

#define CC_MESSAGES(X) CC_MESSAGES_CORE(X) CC_MESSAGES_FEATURES(X)

#define CC_MESSAGES_CORE(X)                                                                        \
    X(SITE_NAME, "Concerto", "Concerto")                                                           \
    X(SITE_TAGLINE, "Plateforme de concertation publique", "Public consultation platform")         \
    X(SKIP_TO_CONTENT, "Aller au contenu", "Skip to content")                                      \
    X(LANG_NAV_LABEL, "Langue", "Language")                                                        \
    X(OTHER_LANG_NAME, "English", "Français")                                                      \
    X(HOME_FALLBACK_TITLE, "Consultation publique", "Public consultation")                         \
    X(HOME_FALLBACK_TEXT,                                                                          \
      "La consultation n'est pas encore publiée, ou ses données sont en cours de chargement. "   \
      "Revenez dans quelques instants.",                                                           \
      "The consultation is not published yet, or its data is still loading. "                      \
      "Please come back in a moment.")                                                             \
    X(NAV_CONTACT, "Contact", "Contact")                                                           \
    X(NAV_LOGIN, "Se connecter", "Log in")                                                         \
    X(NAV_REGISTER, "Créer un compte", "Sign up")                                                  \
    X(NAV_ACCOUNT, "Mon compte", "My account")                                                     \
    X(NAV_ACCOUNT_LABEL, "Compte", "Account")                                                      \
    X(THEMES_HEADING, "Les thèmes", "Themes")                                                      \
    X(NO_THEMES, "Aucun thème n'est encore publié.", "No theme has been published yet.")           \
    X(THEME_STATE_DRAFT, "À venir", "Upcoming")                                                    \
    X(THEME_STATE_OPEN, "Ouvert aux contributions", "Open for contributions")                      \
    X(THEME_STATE_CLOSED, "Clos", "Closed")                                                        \
    X(THEME_STATE_LABEL, "État : ", "Status: ")                                                    \
    X(THEME_DATES, "Du %s au %s", "From %s to %s")                                                 \
    X(THEME_CONTRIBUTIONS, "Contributions : %u", "Contributions: %u")                              \
    X(CONTENT_REMOVED, "[contenu retiré]", "[content removed]")                                    \
    X(FOOTER_LABEL, "Informations sur la plateforme", "About the platform")                        \
    X(FOOTER_LOG, "Journal public vérifiable (point de contrôle signé)",                           \
      "Verifiable public log (signed checkpoint)")                                                 \
    X(ERROR_NOT_FOUND_TITLE, "Page introuvable", "Page not found")                                 \
    X(ERROR_NOT_FOUND_TEXT, "L'adresse demandée n'existe pas sur ce site.",                        \
      "The address you asked for does not exist on this site.")                                    \
    X(ERROR_METHOD_TITLE, "Méthode non autorisée", "Method not allowed")                           \
    X(ERROR_METHOD_TEXT, "Cette adresse n'accepte pas ce type de requête.",                        \
      "This address does not accept this kind of request.")                                        \
    X(ERROR_INTERNAL_TITLE, "Erreur interne", "Internal error")                                    \
    X(ERROR_INTERNAL_TEXT, "Le serveur a rencontré une erreur. Réessayez dans quelques instants.", \
      "The server ran into an error. Please try again in a moment.")                               \
    X(ERROR_BACK_HOME, "Retour à l'accueil", "Back to the home page")                              \
    X(MONTH_1, "janvier", "January")                                                               \
    X(MONTH_2, "février", "February")                                                              \
    X(MONTH_3, "mars", "March")                                                                    \
    X(MONTH_4, "avril", "April")                                                                   \
    X(MONTH_5, "mai", "May")                                                                       \
    X(MONTH_6, "juin", "June")                                                                     \
    X(MONTH_7, "juillet", "July")                                                                  \
    X(MONTH_8, "août", "August")                                                                   \
    X(MONTH_9, "septembre", "September")                                                           \
    X(MONTH_10, "octobre", "October")                                                              \
    X(MONTH_11, "novembre", "November")                                                            \
    X(MONTH_12, "décembre", "December")

typedef enum cc_msg {
#define CC_MSG_ENUM_(key, fr, en) CC_MSG_##key,
    CC_MESSAGES(CC_MSG_ENUM_)
#undef CC_MSG_ENUM_
        CC_MSG_COUNT_
} cc_msg;

/* The string of m in lang (static storage; never NULL). */
const char *cc_tr(cc_lang lang, cc_msg m);
/* "fr", "en". */
const char *cc_lang_code(cc_lang lang);

/* Where the choice came from: the site sets the cookie when it came from the
 * query, so that the choice sticks. */
typedef enum cc_lang_source {
    CC_LANG_FROM_DEFAULT = 0,
    CC_LANG_FROM_QUERY,
    CC_LANG_FROM_COOKIE,
    CC_LANG_FROM_HEADER,
} cc_lang_source;

/* Choose the language from the raw query string (the part after '?', may
 * be NULL), the Cookie header value and the Accept-Language header value
 * (each may be NULL/0). Every input is hostile: lengths are respected, no
 * NUL is needed, malformed parts are ignored. */
cc_lang cc_lang_negotiate(const char *query, size_t query_len, const char *cookie,
                          size_t cookie_len, const char *accept, size_t accept_len,
                          cc_lang_source *source);

/* Parse a language code ("fr", "en", case-insensitive). -1 when unknown. */
int cc_lang_parse(const char *s, size_t n);

/* A calendar date (UTC) of a timestamp in ms, e.g. "1er mars 2025" or
 * "March 1, 2025", into buf (NUL-terminated; truncated to cap). Returns the
 * length written. */
size_t cc_i18n_date(cc_lang lang, uint64_t ms, char *buf, size_t cap);
/* The same date as ISO 8601 ("2025-03-01"), for <time datetime>. */
size_t cc_i18n_date_iso(uint64_t ms, char *buf, size_t cap);

#endif

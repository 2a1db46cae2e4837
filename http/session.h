/* session.h - who is asking (cc_viewer), session cookies and CSRF tokens.
 *
 * Sessions. Logging in creates a session in the vault (CC_CMD_SESSION_CREATE:
 * 256 random bits, only their SHA-256 stored) and sends its token in the
 * cookie CC_SESSION_COOKIE: HttpOnly, SameSite=Lax, Path=/, Max-Age of the
 * session's lifetime, and Secure when the site runs behind TLS
 * (cc_request_secure). A cookie that is absent, malformed (not 43 base64url
 * characters), unknown or expired simply makes an anonymous viewer: a bad
 * cookie never makes an error page.
 *
 * CSRF. Every state-changing form carries a hidden field CC_CSRF_FIELD.
 * Signed in, its value is HMAC-SHA256(process secret, "s" ‖ session token):
 * bound to the session, unforgeable without the cookie, nothing stored. For
 * anonymous forms (login, registration, reset) it is the same HMAC over a
 * random double-submit cookie CC_CSRF_COOKIE ("a" ‖ cookie), which
 * cc_csrf_field sets when the browser has none. The secret is per process
 * (random at first use): a form rendered before a restart fails its check
 * once, and is shown again with a fresh token.
 *
 * Threads: everything here runs on the request's loop thread; the vault is
 * read in a short ledger read transaction. */
#ifndef CONCERTO_HTTP_SESSION_H
#define CONCERTO_HTTP_SESSION_H

#include "form.h"
#include "html.h"
#include "router.h"
#include "vault.h"

#define CC_SESSION_COOKIE "cc_session"
#define CC_CSRF_COOKIE "cc_csrf"
#define CC_CSRF_FIELD "csrf"
#define CC_CSRF_LEN 43 /* unpadded base64url of 32 bytes */

typedef struct cc_viewer {
    int signed_in;          /* a valid session of an existing account */
    cc_pseudonym pseudonym; /* signed in: who */
    cc_account account;     /* signed in: the vault row (username, e-mail, status...) */
    uint8_t roles;          /* CC_ROLE_* bits, from the write-side state */
    int registered;         /* a participant in the log (confirmed) */
    int erased;             /* participant.erased seen in the write-side state */
    char session[CC_TOKEN_TEXT_LEN + 1]; /* signed in: the session token */
    char anon[CC_TOKEN_TEXT_LEN + 1];    /* the anonymous CSRF cookie ("" when none) */
    int anon_set;                        /* cc_csrf_field created anon: cookie to send */
} cc_viewer;

/* Who is asking: reads the session cookie, the vault and the write-side
 * state. Always fills v (anonymous on any problem); returns 0, or the
 * error that made it anonymous (for logs; callers may ignore it). */
int cc_viewer_load(cc_request *r, cc_viewer *v);

/* The value of cookie name in the request, or {NULL, 0}. Malformed pairs
 * are skipped. */
h2o_iovec_t cc_cookie_get(h2o_req_t *req, const char *name);

/* 1 when the client reached us over TLS: --secure-cookies, or a trusted
 * proxy's "X-Forwarded-Proto: https". */
int cc_request_secure(cc_request *r);

/* Set-Cookie for a new session token (token NUL-terminated), and the one
 * that ends it. Add them before the response starts. */
void cc_session_cookie_set(cc_request *r, const char *token);
void cc_session_cookie_clear(cc_request *r);

/* The CSRF token for v (CC_CSRF_LEN + 1 bytes, NUL-terminated). For an
 * anonymous viewer without the cookie, a cookie value is created (and
 * sent by cc_csrf_field, or cc_csrf_send_cookie). */
void cc_csrf_token(cc_request *r, cc_viewer *v, char *out);
/* Emit <input type="hidden" name="csrf" value="..."> (and, anonymous
 * without a cookie, add its Set-Cookie to the response). */
void cc_csrf_field(cc_html *h, cc_request *r, cc_viewer *v);
/* 0 when form carries the right token for v; CC_EFORBIDDEN otherwise
 * (absent, malformed, wrong, or an anonymous viewer without the cookie). */
int cc_csrf_check(cc_request *r, const cc_viewer *v, const cc_form *form);

#endif

/* ratelimit.h - in-memory token buckets against abuse of the write forms.
 *
 * A bucket is keyed by (kind, key): the key is the client's IP address for
 * anonymous forms (login, registration, reset, contact) and the
 * participant's pseudonym for what needs an account (posting, flagging).
 * Each kind has a rule: a burst of `burst` requests, refilled at burst per
 * `period_ms`. A request takes one token; with none left it is refused and
 * told how long to wait.
 *
 * The table is fixed-size (no allocation after create) and sharded under
 * mutexes, so every loop thread may use it. When full, the fullest bucket
 * of a set is evicted: it is the one that limits nobody. Keys are hashed
 * with SipHash under a random per-process key, so a client cannot choose
 * keys that collide on purpose. Buckets are lost on restart (a restart
 * gives everyone a fresh burst: acceptable for abuse control). */
#ifndef CONCERTO_HTTP_RATELIMIT_H
#define CONCERTO_HTTP_RATELIMIT_H

#include "router.h"

#include <stddef.h>
#include <stdint.h>

#define CC_RATE_KINDS(X)                                                                           \
    X(LOGIN, "login", 20, 600)                                                                     \
    X(LOGIN_NAME, "login_name", 10, 600)                                                           \
    X(REGISTER, "register", 10, 3600)                                                              \
    X(RESET, "reset", 5, 3600)                                                                     \
    X(POST, "post", 30, 600)                                                                       \
    X(FLAG, "flag", 20, 600)                                                                       \
    X(CONTACT, "contact", 5, 3600)

typedef enum cc_rate_kind {
#define CC_RATE_ENUM_(id, name, burst, seconds) CC_RATE_##id,
    CC_RATE_KINDS(CC_RATE_ENUM_)
#undef CC_RATE_ENUM_
        CC_RATE_COUNT_
} cc_rate_kind;

typedef struct cc_rate_rule {
    uint32_t burst;     /* tokens when full; 0 disables the limit */
    uint64_t period_ms; /* time to refill a whole burst */
} cc_rate_rule;

typedef struct cc_ratelimit cc_ratelimit;

/* The defaults of CC_RATE_KINDS into rules[CC_RATE_COUNT_]. */
void cc_ratelimit_defaults(cc_rate_rule *rules);
/* Parse "name=BURST/SECONDS" (e.g. "login=5/60") into rules. 0 or
 * CC_EINVAL. */
int cc_ratelimit_parse_rule(const char *s, cc_rate_rule *rules);
/* rules: CC_RATE_COUNT_ entries (copied), or NULL for the defaults. 0,
 * CC_ENOMEM. Free with cc_ratelimit_free. */
int cc_ratelimit_create(const cc_rate_rule *rules, cc_ratelimit **out);
void cc_ratelimit_free(cc_ratelimit *rl);

/* Take one token for (kind, key[0..len)) at now_ms. Returns 1 when the
 * request may go on, 0 when it is limited; then *retry_after_s (may be
 * NULL) receives the seconds until a token is back (at least 1). A NULL rl
 * allows everything. Thread-safe. */
int cc_ratelimit_take(cc_ratelimit *rl, cc_rate_kind kind, const char *key, size_t len,
                      uint64_t now_ms, uint32_t *retry_after_s);

/* The client's address as text (NUL-terminated, cap >= 64): the peer's, or
 * the last hop of X-Forwarded-For when the site trusts its proxy. */
void cc_client_ip(cc_request *r, char *buf, size_t cap);

/* For a handler: take a token for kind keyed by key (or the client's IP
 * when key is NULL). Returns 1 to go on; 0 when limited, after answering
 * 429 with a page in the request's language and Retry-After. */
int cc_rate_check(cc_request *r, cc_rate_kind kind, const char *key, size_t len);

#endif

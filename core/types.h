/* types.h - small vocabulary shared by the core modules. */
#ifndef CONCERTO_TYPES_H
#define CONCERTO_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* A participant's public pseudonym: 16 characters of lowercase RFC 4648
 * base32 ("a-z2-7") encoding 10 random bytes. Opaque and non-sequential, so
 * it says nothing about who registered when. */
#define CC_PSEUDONYM_LEN 16

typedef struct cc_pseudonym {
    char s[CC_PSEUDONYM_LEN + 1];
} cc_pseudonym;

/* A borrowed slice of bytes: valid as long as its owner says. */
typedef struct cc_slice {
    const uint8_t *ptr;
    size_t len;
} cc_slice;

/* Declared status of a participant, a public declaration (FAQ: "chaque
 * participant étant prié au préalable de donner son statut"). */
typedef enum cc_status {
    CC_STATUS_NONE = 0,
    CC_STATUS_CITIZEN,
    CC_STATUS_ASSOCIATION,
    CC_STATUS_COMPANY,
    CC_STATUS_PUBLIC_BODY,
    CC_STATUS_REPRESENTATIVE,
    CC_STATUS_COUNT_
} cc_status;

typedef enum cc_role {
    CC_ROLE_NONE = 0,
    CC_ROLE_MODERATOR = 1,
    CC_ROLE_ADMIN = 2,
} cc_role;

/* Limits on single-line public texts. */
#define CC_ORG_MAX 200      /* organisation name, bytes */
#define CC_USERNAME_MIN 3   /* characters */
#define CC_USERNAME_MAX 32  /* characters */
#define CC_EMAIL_MAX 254    /* bytes, RFC 5321 path limit */
#define CC_PASSWORD_MIN 10  /* bytes */
#define CC_PASSWORD_MAX 512 /* bytes */

/* Random pseudonym (uses libsodium's CSPRNG). */
void cc_pseudonym_random(cc_pseudonym *out);
/* 1 when s[0..len) is a well-formed pseudonym. */
int cc_pseudonym_valid(const char *s, size_t len);

/* Wall-clock time in UTC milliseconds. */
uint64_t cc_now_ms(void);

#endif
